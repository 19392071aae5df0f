#!/usr/bin/env python3
"""Make ``docs/images/batch-segments.png``: two sample products for three segments in two locales.

    python docs/make_batch_images.py             # renders the sample campaign's first 8 products first
    python docs/make_batch_images.py --from DIR  # composes from an existing run of the sample campaign
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
PRODUCTS = ("CUP-COBALT", "DAHLIA-VIOLET")
SEGMENTS = ("students", "young-parents", "luxury-buyers")
LOCALES = ("zh-CN", "en-US")
THUMB = 300


def render(out: Path) -> None:
    subprocess.run([str(Path(sys.executable).with_name("creative")), "batch", str(ROOT / "assets" / "campaign" / "campaign.yaml"),
                    "--out", str(out), "--limit", "8"], check=True)


def compose(run_dir: Path, dest: Path) -> None:
    from creative.text.fonts import get_font

    font = get_font("inter", 600, 18)
    head = 34
    cols = len(PRODUCTS) * len(LOCALES)
    sheet = Image.new("RGB", (140 + cols * (THUMB + 8), head + len(SEGMENTS) * (THUMB + 8)), (246, 246, 244))
    d = ImageDraw.Draw(sheet)
    for c, (pid, loc) in enumerate((p, l) for p in PRODUCTS for l in LOCALES):
        d.text((140 + c * (THUMB + 8) + 6, 8), f"{pid.split('-')[0].lower()} · {loc}", fill=(60, 60, 60), font=font)
    for r, seg in enumerate(SEGMENTS):
        y = head + r * (THUMB + 8)
        d.text((8, y + THUMB // 2 - 10), seg, fill=(60, 60, 60), font=font)
        for c, (pid, loc) in enumerate((p, l) for p in PRODUCTS for l in LOCALES):
            with Image.open(run_dir / pid / f"{seg}-{loc}-1080x1080.jpg") as im:
                t = im.convert("RGB").resize((THUMB, THUMB), Image.Resampling.LANCZOS)
            sheet.paste(t, (140 + c * (THUMB + 8), y))
    sheet.save(dest, optimize=True)
    print(f"wrote {dest}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="src", type=Path, help="an output folder of the sample campaign")
    a = ap.parse_args()
    src = a.src
    if src is None:
        src = Path(tempfile.mkdtemp(prefix="creative-batch-doc-"))
        render(src)
    compose(src, ROOT / "docs" / "images" / "batch-segments.png")


if __name__ == "__main__":
    main()
