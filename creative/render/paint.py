"""Painting fills and shapes into RGBA images (anti-aliased by supersampling)."""
from __future__ import annotations

from functools import lru_cache
from math import cos, pi, radians, sin

import numpy as np
from PIL import Image, ImageDraw

RGB = tuple[int, int, int]
SUPERSAMPLE = 4


def fill_image(size: tuple[int, int], kind: str, c1: RGB, c2: RGB, *, angle: float = 90.0,
               pattern: str = "dots", cell: int = 40, opacity: float = 1.0) -> Image.Image:
    """An RGBA image of ``size`` painted with a solid colour, gradient or pattern."""
    w, h = size
    alpha = int(round(255 * opacity))
    if kind == "solid":
        return Image.new("RGBA", size, (*c1, alpha))
    if kind in ("linear", "radial"):
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        if kind == "linear":
            a = radians(angle)
            t = xs * cos(a) + ys * sin(a)
        else:
            t = np.hypot((xs - w / 2) / max(w, 1), (ys - h / 2) / max(h, 1))
        t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
        a1, a2 = np.array(c1, np.float32), np.array(c2, np.float32)
        rgb = (a1 + (a2 - a1) * t[..., None]).round().astype(np.uint8)
        out = np.dstack([rgb, np.full((h, w), alpha, np.uint8)])
        return Image.fromarray(out)
    base = Image.new("RGBA", size, (*c1, alpha))
    ink = Image.new("L", size, 0)
    d = ImageDraw.Draw(ink)
    cell = max(4, cell)
    if pattern == "dots":
        r = max(1, cell // 7)
        for yi, y in enumerate(range(cell // 2, h + cell, cell)):
            off = cell // 2 if yi % 2 else 0
            for x in range(off, w + cell, cell):
                d.ellipse((x - r, y - r, x + r, y + r), fill=255)
    elif pattern == "stripes":
        lw = max(1, cell // 4)
        for x in range(-h, w + h, cell):
            d.line((x, h, x + h, 0), fill=255, width=lw)
    else:  # grid
        for x in range(0, w, cell):
            d.line((x, 0, x, h), fill=255, width=max(1, cell // 20))
        for y in range(0, h, cell):
            d.line((0, y, w, y), fill=255, width=max(1, cell // 20))
    top = Image.new("RGBA", size, (*c2, 0))
    top.putalpha(ink.point(lambda v: v * alpha // 255 * 0.55))
    base.alpha_composite(top)
    return base


def _burst_points(w: float, h: float, n: int = 18, inner: float = 0.84) -> list[tuple[float, float]]:
    pts = []
    for i in range(n * 2):
        r = 1.0 if i % 2 == 0 else inner
        a = pi * i / n - pi / 2
        pts.append((w / 2 + r * w / 2 * cos(a), h / 2 + r * h / 2 * sin(a)))
    return pts


@lru_cache(maxsize=512)
def shape_mask(shape: str, size: tuple[int, int], radius: float = 0.08) -> Image.Image:
    """An anti-aliased "L" mask of a shape filling ``size``."""
    w, h = max(1, size[0]), max(1, size[1])
    if shape == "rect":
        return Image.new("L", (w, h), 255)
    s = SUPERSAMPLE
    big = Image.new("L", (w * s, h * s), 0)
    d = ImageDraw.Draw(big)
    box = (0, 0, w * s - 1, h * s - 1)
    if shape == "rounded":
        d.rounded_rectangle(box, radius=int(radius * min(w, h) * s), fill=255)
    elif shape == "pill":
        d.rounded_rectangle(box, radius=min(w, h) * s // 2, fill=255)
    elif shape in ("ellipse", "circle"):
        d.ellipse(box, fill=255)
    elif shape == "burst":
        d.polygon(_burst_points(w * s, h * s), fill=255)
    elif shape == "line":
        d.rectangle(box, fill=255)
    else:
        raise ValueError(f"unknown shape {shape!r}")
    return big.resize((w, h), Image.Resampling.BOX)


def paint_shape(canvas: Image.Image, box: tuple[int, int, int, int], shape: str, fill: Image.Image | tuple,
                radius: float = 0.08) -> None:
    """Composite a shape filled with a colour (RGBA tuple) or an RGBA fill image onto ``canvas``."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if w <= 0 or h <= 0:
        return
    mask = shape_mask(shape, (w, h), radius)
    if isinstance(fill, tuple):
        layer = Image.new("RGBA", (w, h), fill)
    else:
        layer = fill
    if layer.mode != "RGBA":
        layer = layer.convert("RGBA")
    a = layer.getchannel("A")
    if a.getextrema() != (255, 255):
        from PIL import ImageChops

        mask = ImageChops.multiply(mask, a)
    layer = layer.copy()
    layer.putalpha(mask)
    canvas.alpha_composite(layer, (x0, y0))
