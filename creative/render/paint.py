"""Painting fills and shapes into RGBA images, or opaque RGB ones (anti-aliased by supersampling)."""
from __future__ import annotations

from functools import lru_cache
from math import cos, pi, radians, sin

import numpy as np
from PIL import Image, ImageDraw

from .masked import MIN_AREA, MaskPlan, paste_planned, plan_mask

RGB = tuple[int, int, int]


def fill_image(size: tuple[int, int], kind: str, c1: RGB, c2: RGB, *, angle: float = 90.0,
               pattern: str = "dots", cell: int = 40, opacity: float = 1.0, mode: str = "RGBA") -> Image.Image:
    """An image of ``size`` painted with a solid colour, gradient or pattern: RGBA, or with
    ``mode="RGB"`` an opaque RGB image (``opacity`` must then be 1: the canvas of a banner)."""
    if mode not in ("RGBA", "RGB"):
        raise ValueError(f"fill_image makes RGBA or RGB images, not {mode}")
    if mode == "RGB" and opacity < 1.0:
        raise ValueError("an RGB fill is opaque: its opacity must be 1")
    w, h = size
    alpha = int(round(255 * opacity))
    channels = 4 if mode == "RGBA" else 3
    if kind == "solid":
        return Image.new(mode, size, (*c1, alpha)[:channels])
    if kind == "linear" and angle % 180 == 90:
        return _vertical_gradient(size, angle, c1, c2, alpha, channels)
    if kind in ("linear", "radial"):
        # Smooth by nature: computed on a grid at most 256 px a side, then resized bilinearly.
        full = (w, h)
        k = max(1, max(w, h) // 256)
        w, h = max(2, w // k), max(2, h // k)
        ys, xs = _grid(w, h)
        if kind == "linear":
            a = radians(angle)
            t = xs * cos(a) + ys * sin(a)
        else:
            t = np.hypot((xs - w / 2) / max(w, 1), (ys - h / 2) / max(h, 1))
        px = _ramp(t, c1, c2, alpha, channels)
        if (w, h) != full:
            import cv2

            px = cv2.resize(px, full, interpolation=cv2.INTER_LINEAR)
        return _image(px)
    cell = max(4, cell)
    tw, th = _pattern_period(pattern, cell)
    # One period of the pattern, coloured through a lookup table, tiled across into one band
    # of the area's width, and the band pasted down the area (Pillow copies whole rows; a
    # numpy array of the whole area would cost a second pass to become an image).
    rgba = _pattern_lut(c1, c2, alpha)[_pattern_tile(pattern, cell, tw, th)][..., :channels]
    band = _image(np.tile(rgba, (1, -(-w // tw), 1))[: min(th, h), :w])
    if band.height == h:
        return band.copy()
    out = Image.new(mode, (w, h))
    for y in range(0, h, th):
        out.paste(band, (0, y))  # the last band is clipped at the bottom
    return out


def _pattern_period(pattern: str, cell: int) -> tuple[int, int]:
    """Width and height of one period of a pattern (dots repeat every two rows down)."""
    cell = max(4, cell)
    return (cell, 2 * cell) if pattern == "dots" else (cell, cell)


def paint_pattern_rect(canvas: Image.Image, box: tuple[int, int, int, int], c1: RGB, c2: RGB, *, pattern: str,
                       cell: int, opacity: float, ground: RGB) -> None:
    """A rectangle filled with a pattern, over a ``canvas`` that is all ``ground`` (one opaque
    colour) under ``box``: the pixels of ``paint_shape(canvas, box, "rect", fill_image(...))``,
    made from one period's band, composited once over the ground and pasted down the box
    (the whole area is otherwise made, split, copied and blended, each a pass over it)."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if w <= 0 or h <= 0:
        return
    th = _pattern_period(pattern, cell)[1]
    band = fill_image((w, min(th, h)), "pattern", c1, c2, pattern=pattern, cell=cell, opacity=opacity,
                      mode="RGB" if opacity >= 1.0 else "RGBA")
    over = Image.new(canvas.mode, band.size, (*ground, 255)[: len(canvas.mode)])
    paint_shape(over, (0, 0, *band.size), "rect", band, opaque_ground=True)
    for y in range(y0, y1, th):
        canvas.paste(over if y + th <= y1 else over.crop((0, 0, w, y1 - y)), (x0, y))


def _vertical_gradient(size: tuple[int, int], angle: float, c1: RGB, c2: RGB, alpha: int, channels: int) -> Image.Image:
    """A linear gradient at 90 or 270 degrees: the pixels :func:`fill_image` computes on its
    coarse grid and resizes, made from one column of that grid (every column is the same, and
    OpenCV stretches a column to the same values) and widened by Pillow: a third of the time.
    (A horizontal one is not done this way: OpenCV's two-way resize rounds some rows
    differently from a one-row resize, so its columns are not all alike.)"""
    w, h = size
    k = max(1, max(w, h) // 256)
    gh = max(2, h // k)
    px = _ramp((np.arange(gh, dtype=np.float32) * np.float32(sin(radians(angle))))[:, None], c1, c2, alpha, channels)
    if gh != h:
        import cv2

        px = cv2.resize(px, (1, h), interpolation=cv2.INTER_LINEAR).reshape(h, 1, channels)
    return _image(px).resize(size, Image.Resampling.NEAREST)


def _ramp(t: np.ndarray, c1: RGB, c2: RGB, alpha: int, channels: int) -> np.ndarray:
    """Pixels from ``c1`` to ``c2`` along ``t`` (float32, any 2-D shape; normalised to 0..1 here),
    with ``alpha`` as a fourth channel when ``channels`` is 4."""
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    a1, a2 = np.array(c1, np.float32), np.array(c2, np.float32)
    px = np.empty((*t.shape, channels), np.uint8)
    for c in range(3):  # channel by channel: the same float32 sums as all at once, without an (h, w, 3) temporary
        px[..., c] = np.rint(a1[c] + (a2[c] - a1[c]) * t)
    if channels == 4:
        px[..., 3] = alpha
    return px


def _image(px: np.ndarray) -> Image.Image:
    """An RGB (``h x w x 3``) or RGBA (``h x w x 4``) image of these pixels. Pillow keeps RGBA as
    the array does, so it takes the array's memory as it is (copied only if the image is drawn
    on later)."""
    px = np.ascontiguousarray(px)
    if px.shape[2] == 4:
        return Image.frombuffer("RGBA", (px.shape[1], px.shape[0]), px, "raw", "RGBA", 0, 1)
    return Image.fromarray(px)


@lru_cache(maxsize=8)
def _grid(w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column coordinates (float32) of a ``w x h`` gradient grid, read-only."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    ys.flags.writeable = xs.flags.writeable = False
    return ys, xs


@lru_cache(maxsize=64)
def _pattern_lut(c1: RGB, c2: RGB, alpha: int) -> np.ndarray:
    """RGBA for each ink coverage 0..255: the pattern colour at 55 % of the coverage "over" the
    ground (alpha ``alpha``), computed by Pillow's own compositing on a 256-pixel strip."""
    strip = Image.new("L", (256, 1))
    strip.putdata(range(256))
    base = Image.new("RGBA", (256, 1), (*c1, alpha))
    top = Image.new("RGBA", (256, 1), (*c2, 0))
    top.putalpha(strip.point(lambda v: v * alpha // 255 * 0.55))
    base.alpha_composite(top)
    lut = np.asarray(base)[0].copy()
    lut.flags.writeable = False
    return lut


@lru_cache(maxsize=64)
def _pattern_tile(pattern: str, cell: int, tw: int, th: int) -> np.ndarray:
    """Coverage ("L" pixels) of one period of a dots, stripes or grid pattern.

    Dots repeat every ``cell`` across and every two rows down, the others every ``cell`` both
    ways. The marks are drawn over a 3x3 block of periods and the centre one is kept, so marks
    crossing its edges are whole: tiling it gives the pixels of drawing every mark over the area.
    """
    ink = Image.new("L", (3 * tw, 3 * th), 0)
    d = ImageDraw.Draw(ink)
    W, H = 3 * tw, 3 * th
    if pattern == "dots":
        r = max(1, cell // 7)
        for yi, y in enumerate(range(cell // 2, H + cell, cell)):
            off = cell // 2 if yi % 2 else 0
            for x in range(off, W + cell, cell):
                d.ellipse((x - r, y - r, x + r, y + r), fill=255)
    elif pattern == "stripes":
        lw = max(1, cell // 4)
        for x in range(-H, W + H, cell):
            d.line((x, H, x + H, 0), fill=255, width=lw)
    else:  # grid
        for x in range(0, W, cell):
            d.line((x, 0, x, H), fill=255, width=max(1, cell // 20))
        for y in range(0, H, cell):
            d.line((0, y, W, y), fill=255, width=max(1, cell // 20))
    tile = np.asarray(ink)[th : 2 * th, tw : 2 * tw].copy()
    tile.flags.writeable = False
    return tile


def _burst_points(w: float, h: float, n: int = 18, inner: float = 0.84) -> list[tuple[float, float]]:
    pts = []
    for i in range(n * 2):
        r = 1.0 if i % 2 == 0 else inner
        a = pi * i / n - pi / 2
        pts.append((w / 2 + r * w / 2 * cos(a), h / 2 + r * h / 2 * sin(a)))
    return pts


@lru_cache(maxsize=512)
def shape_mask(shape: str, size: tuple[int, int], radius: float = 0.08) -> Image.Image:
    """An anti-aliased "L" mask of a shape filling ``size`` (OpenCV's LINE_AA, sub-pixel precise)."""
    import cv2

    w, h = max(1, size[0]), max(1, size[1])
    if shape in ("rect", "line"):
        return Image.new("L", (w, h), 255)
    m = np.zeros((h, w), np.uint8)
    sh = 4  # fractional bits for sub-pixel coordinates
    f = 1 << sh

    def P(x: float, y: float) -> tuple[int, int]:
        return int(round(x * f)), int(round(y * f))

    if shape in ("ellipse", "circle"):
        cv2.ellipse(m, P((w - 1) / 2, (h - 1) / 2), P((w - 1) / 2, (h - 1) / 2), 0, 0, 360, 255, -1, cv2.LINE_AA, sh)
    elif shape == "burst":
        pts = np.array([P(x, y) for x, y in _burst_points(w - 1, h - 1)], np.int32)
        cv2.fillPoly(m, [pts], 255, cv2.LINE_AA, sh)
    elif shape in ("rounded", "pill"):
        r = min(w, h) / 2 if shape == "pill" else min(radius * min(w, h), min(w, h) / 2)
        r = max(0.0, r - 0.5)
        x0, y0, x1, y1 = 0.0, 0.0, w - 1.0, h - 1.0
        pts = []
        for cx, cy, a0 in ((x1 - r, y0 + r, -90), (x1 - r, y1 - r, 0), (x0 + r, y1 - r, 90), (x0 + r, y0 + r, 180)):
            for k in range(0, 91, 6):
                a = radians(a0 + k)
                pts.append(P(cx + r * cos(a), cy + r * sin(a)))
        cv2.fillPoly(m, [np.array(pts, np.int32)], 255, cv2.LINE_AA, sh)
    else:
        raise ValueError(f"unknown shape {shape!r}")
    return Image.fromarray(m)


def paint_shape(canvas: Image.Image, box: tuple[int, int, int, int], shape: str, fill: Image.Image | tuple,
                radius: float = 0.08, *, opaque_ground: bool = False) -> None:
    """Composite a shape filled with a colour (RGBA tuple) or a fill image (RGBA, or RGB: opaque)
    onto an RGBA or RGB ``canvas`` ("over": the fill's alpha and the shape's anti-aliased edge
    both count).

    ``opaque_ground=True`` promises the canvas is opaque under ``box`` (a banner's always is),
    which saves checking it."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if w <= 0 or h <= 0:
        return
    covered = shape in ("rect", "line")  # the mask is 255 everywhere
    if (covered and isinstance(fill, tuple) and (len(fill) == 3 or fill[3] == 255)
            and (opaque_ground or canvas.mode == "RGB" or _opaque(canvas, box))):
        canvas.paste((*fill[:3], 255)[: len(canvas.mode)], box)  # an opaque rectangle of one colour: a fill
        return
    mask = shape_mask(shape, (w, h), radius)
    own = True  # the mask is the shape's own (then it has a cached plan: masked.py)
    layer: Image.Image | tuple
    if isinstance(fill, tuple):
        a = fill[3] if len(fill) == 4 else 255
        layer = (*fill[:3], 255)
        if a != 255:
            mask = mask.point(lambda v: v * a // 255)
            covered = own = False
    elif fill.mode == "RGB":  # opaque by nature
        layer = fill
    else:
        layer = fill if fill.mode == "RGBA" else fill.convert("RGBA")
        a_band = layer.getchannel("A")
        if a_band.getextrema() != (255, 255):
            from PIL import ImageChops

            mask = a_band if covered else ImageChops.multiply(mask, a_band)
            covered = own = False
            layer = layer.copy()
            layer.putalpha(255)  # its alpha now lives in the mask
    if opaque_ground or canvas.mode == "RGB" or _opaque(canvas, (x0, y0, x1, y1)):
        # Over an opaque ground "over" is a blend by the mask: paste does it without building a layer.
        if covered:
            canvas.paste(layer, (x0, y0))  # an image (a colour here returned above): a plain copy
        else:
            paste_planned(canvas, layer, mask, (x0, y0), shape_plan(shape, (w, h), radius) if own and w * h >= MIN_AREA else None)
        return
    layer = Image.new("RGBA", (w, h), layer) if isinstance(layer, tuple) else layer.copy()
    layer.putalpha(mask)
    canvas.alpha_composite(layer, (x0, y0))


@lru_cache(maxsize=512)
def shape_plan(shape: str, size: tuple[int, int], radius: float = 0.08) -> MaskPlan:
    """Where :func:`shape_mask` is opaque and where it blends (see :mod:`creative.render.masked`)."""
    return plan_mask(np.asarray(shape_mask(shape, size, radius)))


def _opaque(canvas: Image.Image, box: tuple[int, int, int, int]) -> bool:
    """Whether the part of an RGBA ``canvas`` under ``box`` is fully opaque."""
    return canvas.crop(box).getchannel("A").getextrema() == (255, 255)
