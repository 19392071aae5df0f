#!/usr/bin/env python3
"""Make the sample campaign's product photos from the four bundled sample photos (no network).

Colour variants recolour only the product's own saturated hue band (a soft mask in HSV), so
a red cup becomes a cobalt cup and the table stays wood; the pet-portrait variants are print
finishes (sepia, monochrome, warm, cool). Deterministic: the same files every run.

    python assets/campaign/make_photos.py
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent / "samples"
OUT = HERE / "photos"

#: photo -> (hue band centre in degrees, half width, min saturation), variants: name -> hue shift in degrees
RECOLOUR = {
    "espresso-cups.jpg": ((4, 14, 0.55), {"red": 0, "cobalt": 215, "sage": 110, "plum": 290, "amber": 35}),
    "dahlia-bouquet.jpg": ((25, 25, 0.30), {"coral": 0, "blush": -30, "violet": -80, "lemon": 28, "ruby": -22}),
    "space-suit.jpg": ((18, 16, 0.55), {"orange": 0, "blue": 195, "green": 105, "purple": 255, "teal": 160}),
}
FINISHES = ("classic", "sepia", "mono", "warm", "cool")


def recolour(img: Image.Image, band: tuple[float, float, float], shift: float) -> Image.Image:
    """Rotate the hue of the pixels in ``band`` by ``shift`` degrees, blending (not hue-sweeping)
    at the band's soft edges so no rainbow fringes appear."""
    if shift == 0:
        return img.copy()
    hsv = np.asarray(img.convert("HSV")).astype(np.float32)
    h, s = hsv[..., 0] * 360 / 255, hsv[..., 1] / 255
    centre, half, min_s = band
    d = np.abs(((h - centre) + 180) % 360 - 180)
    w = np.clip((half - d) / (0.35 * half), 0, 1) * np.clip((s - min_s) / 0.15, 0, 1)
    shifted = hsv.copy()
    shifted[..., 0] = ((h + shift) % 360) * 255 / 360
    rgb_shift = np.asarray(Image.fromarray(shifted.round().astype(np.uint8), "HSV").convert("RGB")).astype(np.float32)
    rgb = np.asarray(img).astype(np.float32)
    out = rgb * (1 - w[..., None]) + rgb_shift * w[..., None]
    return Image.fromarray(out.round().astype(np.uint8))


def finish(img: Image.Image, name: str) -> Image.Image:
    if name == "classic":
        return img.copy()
    grey = ImageOps.grayscale(img)
    if name == "mono":
        return ImageOps.autocontrast(grey, cutoff=1).convert("RGB")
    if name == "sepia":
        return ImageOps.colorize(grey, (40, 26, 13), (255, 240, 196))
    a = np.asarray(img).astype(np.float32)
    gain = np.array([1.10, 1.0, 0.86] if name == "warm" else [0.88, 1.0, 1.12], np.float32)
    return Image.fromarray(np.clip(a * gain, 0, 255).astype(np.uint8))


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for src, (band, variants) in RECOLOUR.items():
        img = Image.open(SAMPLES / src).convert("RGB")
        for name, shift in variants.items():
            recolour(img, band, shift).save(OUT / f"{Path(src).stem}-{name}.jpg", quality=86, optimize=True)
    cat = Image.open(SAMPLES / "cat-portrait.jpg").convert("RGB")
    for name in FINISHES:
        finish(cat, name).save(OUT / f"cat-portrait-{name}.jpg", quality=86, optimize=True)


if __name__ == "__main__":
    main()
