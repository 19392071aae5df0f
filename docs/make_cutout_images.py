#!/usr/bin/env python3
"""Regenerate the cut-out pictures of docs/cutout.md (needs the u2netp model and ../shared/photos).

    .venv/bin/python docs/make_cutout_images.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

OUT = ROOT / "docs" / "images"
PHOTOS = ROOT.parent / "shared" / "photos"


def _on(color: tuple[int, int, int], rgba: Image.Image) -> Image.Image:
    bg = Image.new("RGB", rgba.size, color)
    bg.paste(rgba, mask=rgba.getchannel("A"))
    return bg


def _label(img: Image.Image, text: str) -> Image.Image:
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, 8 + 7 * len(text), 18), fill=(0, 0, 0))
    d.text((4, 3), text, fill=(255, 255, 255))
    return img


def _row(images: list[Image.Image], height: int = 260) -> Image.Image:
    scaled = [im.resize((round(im.width * height / im.height), height), Image.Resampling.LANCZOS) for im in images]
    out = Image.new("RGB", (sum(i.width for i in scaled) + 8 * (len(scaled) - 1), height), (255, 255, 255))
    x = 0
    for im in scaled:
        out.paste(im, (x, 0))
        x += im.width + 8
    return out


def arms(tmp: Path) -> None:
    """girl-1: rembg's stretched u2netp mask vs ours (letterboxed + refined), on red."""
    from rembg import remove

    from creative.cutout import cut_out, get_remover

    photo = PHOTOS / "girl-1.jpg"
    rgb = Image.open(photo).convert("RGB")
    raw = remove(rgb, session=get_remover("u2netp")._get_session(), only_mask=True).convert("L")
    raw_rgba = rgb.convert("RGBA")
    raw_rgba.putalpha(raw)
    cut = cut_out(photo, remover="u2netp", cache_dir=tmp)
    ours = Image.new("RGBA", rgb.size, (0, 0, 0, 0))
    ours.paste(cut.image(), cut.crop_box[:2])
    red = (196, 30, 40)
    _row([_label(rgb.copy(), "photo"), _label(_on(red, raw_rgba), "rembg u2netp (stretched)"),
          _label(_on(red, ours), "creative u2netp (letterboxed, refined)")]).save(OUT / "cutout-arms.png")


def decontamination(tmp: Path) -> None:
    """A product cut from a green backdrop, placed on red: with and without decontamination."""
    import cutout_synth

    from creative.cutout import cut_out

    cases = cutout_synth.build_set([PHOTOS / "animal-3.ref.png"], tmp / "synth", kinds=("flat",))
    photo = cases[0].photo  # the first flat colour is a lawn green
    crops = []
    for flag in (False, True):
        cut = cut_out(photo, remover="auto", cache_dir=tmp / "c", decontaminate=flag)
        on_red = _on((200, 30, 40), cut.image())
        w, h = on_red.size
        box = (int(w * 0.25), 0, int(w * 0.62), int(h * 0.35))
        crops.append(_label(on_red.crop(box).resize(((box[2] - box[0]) * 2, (box[3] - box[1]) * 2),
                                                     Image.Resampling.NEAREST),
                            "decontaminated" if flag else "edge colours as shot"))
    _row([_label(Image.open(photo).convert("RGB"), "photo (on green)")] + crops).save(OUT / "cutout-decontaminate.png")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        arms(Path(tmp))
        decontamination(Path(tmp))
    print(f"wrote {OUT / 'cutout-arms.png'} and {OUT / 'cutout-decontaminate.png'}")


if __name__ == "__main__":
    main()
