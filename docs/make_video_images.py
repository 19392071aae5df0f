#!/usr/bin/env python3
"""Regenerate the pictures of docs/video.md: a frame strip (one frame a second) and the posters.

    .venv/bin/python docs/make_video_images.py            # uses the u2netp model when installed
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def strip(video: Path, every: int, width: int, cols: int):
    import av
    from PIL import Image

    frames = []
    with av.open(str(video)) as c:
        for i, f in enumerate(c.decode(c.streams.video[0])):
            if i % every == every // 2:
                img = f.to_image()
                frames.append(img.resize((width, round(img.height * width / img.width)), Image.Resampling.LANCZOS))
    rows = (len(frames) + cols - 1) // cols
    gap = 6
    h = frames[0].height
    sheet = Image.new("RGB", (cols * width + (cols - 1) * gap, rows * h + (rows - 1) * gap), (246, 246, 244))
    for k, fr in enumerate(frames):
        sheet.paste(fr, ((k % cols) * (width + gap), (k // cols) * (h + gap)))
    return sheet


def main() -> None:
    from PIL import Image

    from creative.cutout import models
    from creative.demo import sample_products
    from creative.video import sample_promos

    out = ROOT / "docs" / "images"
    sp = sample_products()[0]
    remover = "u2netp" if models.is_present("u2netp") else "alpha"
    with tempfile.TemporaryDirectory() as tmp:
        story, square = sample_promos(sp.photo, sp.content, tmp, sizes=((540, 960), (540, 540)), remover=remover,
                                      preview=None)
        strip(story.path, 30, 160, 8).save(out / "video-strip.png", optimize=True)
        a, b = Image.open(story.poster), Image.open(square.poster)
        h = 480
        a = a.resize((round(a.width * h / a.height), h), Image.Resampling.LANCZOS)
        b = b.resize((round(b.width * h / b.height), h), Image.Resampling.LANCZOS)
        sheet = Image.new("RGB", (a.width + b.width + 12, h), (246, 246, 244))
        sheet.paste(a, (0, 0))
        sheet.paste(b, (a.width + 12, 0))
        sheet.save(out / "video-posters.png", optimize=True)
    print(f"wrote {out / 'video-strip.png'} and {out / 'video-posters.png'}")


if __name__ == "__main__":
    main()
