"""Deterministic synthetic product photos with known masks, for tests and golden cases.

The "photos" are shaded objects on a white studio background; the matching
``WhiteBackgroundRemover`` (registered as ``fake`` by the test suite) recovers
their exact mask without any model.
"""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from ..cutout.base import Remover

KINDS = ("bottle", "wide", "round")


def _shade(mask: Image.Image, color: tuple[int, int, int]) -> Image.Image:
    """Cylindrical shading across x plus a soft highlight: looks like an object, not a flat shape."""
    w, h = mask.size
    x = np.linspace(-1.0, 1.0, w, dtype=np.float32)
    light = 0.55 + 0.45 * np.sqrt(np.clip(1 - (x - 0.25) ** 2, 0, 1))
    spec = np.exp(-((x + 0.35) ** 2) / 0.01) * 0.35
    base = np.array(color, np.float32)[None, None, :]
    img = base * light[None, :, None] + 255 * spec[None, :, None]
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    img = img * (0.92 + 0.08 * (1 - y))
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def synthetic_product(kind: str = "bottle", color: tuple[int, int, int] = (196, 48, 40),
                      size: tuple[int, int] = (600, 800)) -> tuple[Image.Image, Image.Image]:
    """(photo RGB on white, exact product mask "L") for a synthetic product."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    w, h = size
    s = 4
    m = Image.new("L", (w * s, h * s), 0)
    d = ImageDraw.Draw(m)
    if kind == "bottle":
        d.rounded_rectangle((0.3 * w * s, 0.3 * h * s, 0.7 * w * s, 0.92 * h * s), radius=0.06 * w * s, fill=255)
        d.rectangle((0.44 * w * s, 0.14 * h * s, 0.56 * w * s, 0.32 * h * s), fill=255)
        d.rounded_rectangle((0.42 * w * s, 0.08 * h * s, 0.58 * w * s, 0.16 * h * s), radius=0.02 * w * s, fill=255)
    elif kind == "wide":
        d.ellipse((0.06 * w * s, 0.38 * h * s, 0.94 * w * s, 0.8 * h * s), fill=255)
        d.rounded_rectangle((0.3 * w * s, 0.3 * h * s, 0.75 * w * s, 0.6 * h * s), radius=0.05 * w * s, fill=255)
    else:
        d.ellipse((0.15 * w * s, 0.2 * h * s, 0.85 * w * s, 0.9 * h * s), fill=255)
    mask = m.resize((w, h), Image.Resampling.BOX)
    obj = _shade(mask, color)
    label = Image.new("L", (w, h), 0)
    ImageDraw.Draw(label).rectangle((0, int(0.52 * h), w, int(0.66 * h)), fill=255)
    label = Image.fromarray((np.asarray(label) & (np.asarray(mask) > 250) * 255).astype(np.uint8))
    obj.paste(Image.new("RGB", (w, h), (245, 238, 220)), (0, 0), label.filter(ImageFilter.GaussianBlur(0.6)))
    photo = Image.new("RGB", (w, h), (255, 255, 255))
    photo.paste(obj, (0, 0), mask)
    return photo, mask


class WhiteBackgroundRemover(Remover):
    """Test remover: everything that is not near-white is product (exact for synthetic products)."""

    name = "fake"

    def mask(self, rgb: Image.Image) -> Image.Image:
        a = np.asarray(rgb.convert("RGB"), dtype=np.int16)
        dist = np.abs(a - 255).max(axis=2)
        return Image.fromarray((np.clip(dist * 8, 0, 255)).astype(np.uint8))
