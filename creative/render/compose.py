"""Where a banner's pixels are made: a Layout plus a Palette and a cut-out become an image.

Positions come from ``creative.layout``; nothing here moves an element. The one
decision made here is colour legibility, because only here are the pixels behind
a text known: each text's colour is checked against those pixels and adjusted
(lightness first, an underlay plate as the last resort) until it meets WCAG.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from ..color import Palette, fix_text_color, measured_contrast, parse_color, required_ratio, underlay_color
from ..layout import Element, Layout
from ..template.spec import BackgroundLayer, Fill, ImageLayer, LogoLayer, ProductLayer, ShapeLayer, Template, TextLayer
from ..text import coverage, draw_block
from ..text.draw import composite_over
from .masked import paste_clipped
from .paint import fill_image, paint_pattern_rect, paint_shape
from .resample import resample

RGB = tuple[int, int, int]
_BASE_CACHE: "OrderedDict[tuple, Image.Image | object]" = OrderedDict()
_BASE_CACHE_SIZE = 48
_SEEN = object()  # a ground asked for once: drawn, not kept (see _base)


@dataclass
class TextRecord:
    """What was drawn for one text element, for the manifest and the score."""

    id: str
    role: str
    box: tuple[int, int, int, int]
    text: str
    color: str
    font: str
    weight: int
    font_size: int
    contrast: float
    required: float
    underlay: bool = False
    lines: int = 1
    truncated: bool = False
    underlay_box: tuple[int, int, int, int] | None = None  # where the underlay plate was painted
    underlay_rgba: tuple[int, int, int, int] | None = None  # and in which colour (for SVG export)


@dataclass
class Rendered:
    image: Image.Image  # RGB: a banner is opaque (see _base)
    texts: list[TextRecord] = field(default_factory=list)


def resolve_color(ref: str, palette: Palette) -> RGB:
    return palette.rgb(ref) if not ref.startswith("#") else parse_color(ref)


def _fill(fill: Fill, size: tuple[int, int], palette: Palette, canvas: tuple[int, int]) -> Image.Image:
    """The fill's pixels: RGB when opaque (pasted as they are), else RGBA (pasted through their alpha)."""
    c1, c2 = _fill_colors(fill, palette)
    return fill_image(size, fill.kind, c1, c2, angle=fill.angle, pattern=fill.pattern, cell=_pattern_cell(fill, canvas),
                      opacity=fill.opacity, mode="RGB" if fill.opacity >= 1.0 else "RGBA")


def _fill_colors(fill: Fill, palette: Palette) -> tuple[RGB, RGB]:
    c1 = resolve_color(fill.color, palette)
    return c1, (resolve_color(fill.color2, palette) if fill.color2 else c1)


def _pattern_cell(fill: Fill, canvas: tuple[int, int]) -> int:
    return max(4, int(fill.pattern_scale * min(canvas)))


def _static_layers(template: Template) -> list:
    """Leading background and shape layers: they depend only on template, size and palette."""
    out = []
    for layer in template.layers:
        if isinstance(layer, (BackgroundLayer, ShapeLayer)):
            out.append(layer)
        else:
            break
    return out


def _base(template: Template, layout: Layout, palette: Palette) -> Image.Image:
    static = _static_layers(template)
    # Keyed by what is drawn (the layers' values and their boxes), not by id(template): a template
    # re-loaded after an edit (``creative template watch``) may reuse a freed template's id.
    boxes = tuple((e.id, e.box) for e in layout.elements if e.kind == "shape")
    key = (tuple(static), boxes, layout.canvas, tuple(sorted(palette.to_dict().items())))
    hit = _BASE_CACHE.get(key)
    if hit is not None:
        _BASE_CACHE.move_to_end(key)
        if hit is not _SEEN:
            return hit.copy()
    # The canvas is RGB: a banner is opaque from its first layer (white under a translucent one) to
    # the end, so every "over" is a blend through the top layer's alpha, and the JPEG encoder takes
    # Pillow's RGB pixels as they are (RGBA would need repacking first).
    first = static[0] if static else None
    ground: tuple[int, int, int] | None = None  # the canvas's colour while it is all one colour
    if isinstance(first, BackgroundLayer) and first.fill.opacity >= 1.0:
        canvas = _fill(first.fill, layout.canvas, palette, layout.canvas)  # opaque: no need to composite
        if first.fill.kind == "solid":
            ground = resolve_color(first.fill.color, palette)
        static = static[1:]
    else:
        canvas = Image.new("RGB", layout.canvas, (255, 255, 255))
        ground = (255, 255, 255)
    for layer in static:
        _draw_static(canvas, layer, layout, palette, ground)
        ground = None
    # A ground is kept (and copied for each use) from its second use on: most are drawn once (a
    # batch meets each product's palette at each size once), and those cost no copy this way.
    _BASE_CACHE[key] = canvas.copy() if hit is _SEEN else _SEEN
    if len(_BASE_CACHE) > _BASE_CACHE_SIZE:
        _BASE_CACHE.popitem(last=False)
    return canvas


def _draw_static(canvas: Image.Image, layer, layout: Layout, palette: Palette,
                 ground: tuple[int, int, int] | None = None) -> None:
    """Draw a background or shape layer; ``ground``: the canvas's one colour, when it is one."""
    if isinstance(layer, BackgroundLayer):
        fill = _fill(layer.fill, layout.canvas, palette, layout.canvas)
        canvas.paste(fill, (0, 0), fill if fill.mode == "RGBA" else None)
        return
    try:
        el = layout.element(layer.id)
    except KeyError:
        return
    x0, y0, x1, y1 = el.box
    if x1 <= x0 or y1 <= y0:
        return
    fill = layer.fill
    if fill.kind == "pattern" and layer.shape in ("rect", "line") and ground is not None:
        c1, c2 = _fill_colors(fill, palette)
        paint_pattern_rect(canvas, el.box, c1, c2, pattern=fill.pattern, cell=_pattern_cell(fill, layout.canvas),
                           opacity=fill.opacity, ground=ground)
        return
    # a colour goes as a colour (an opaque rectangle of it is then a fill; a translucent one is
    # the same pixels as its RGBA image), anything else as its pixels
    paint = (*resolve_color(fill.color, palette), int(round(255 * fill.opacity))) if fill.kind == "solid" else \
        _fill(fill, (x1 - x0, y1 - y0), palette, layout.canvas)
    paint_shape(canvas, el.box, layer.shape, paint, layer.radius,
                opaque_ground=True)  # a banner's canvas starts opaque (see _base) and stays so


@lru_cache(maxsize=32)
def _load_asset(path: str) -> Image.Image:
    """A template's picture, decoded safely (size limits, EXIF, modes) and cached."""
    from ..material.load import load_image

    return load_image(path)


@lru_cache(maxsize=16)
def _cutout_pixels(path: str) -> np.ndarray:
    """A cut-out's premultiplied RGBA pixels, read once per product (what every resize starts
    from): from the zstd copy beside a cached cut-out, else decoded from the PNG
    (:mod:`creative.cutout.pixels`)."""
    from ..cutout.pixels import premultiplied

    return premultiplied(path)


def _sized(path: str, size: tuple[int, int]) -> np.ndarray:
    """The cut-out at ``path`` as premultiplied pixels of ``size``."""
    pre = _cutout_pixels(path)
    return pre if (pre.shape[1], pre.shape[0]) == size else resample(pre, size)


def _shadow_alpha(alpha: np.ndarray, size: tuple[int, int], shadow_opacity: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The soft contact shadow of a product whose alpha (``size``) is given: its own alpha (uint8,
    larger than ``size`` by a padding) and the product's offset inside it.

    The product's alpha at a quarter of the size (an exact 4x4 average: OpenCV's fast path),
    padded, blurred, scaled by ``shadow_opacity`` and enlarged again, ``drop`` px lower than the
    product (a contact shadow, not a drop shadow)."""
    import cv2

    w, h = size
    k = 4
    qw, qh = max(1, w // k), max(1, h // k)
    if w >= k and h >= k:
        small = cv2.resize(np.ascontiguousarray(alpha[: qh * k, : qw * k]), (qw, qh), interpolation=cv2.INTER_AREA)
    else:
        small = cv2.resize(np.ascontiguousarray(alpha), (qw, qh), interpolation=cv2.INTER_AREA)
    pad = max(2, int(0.06 * max(small.shape)))
    padded = cv2.copyMakeBorder(small, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    blurred = cv2.GaussianBlur(padded, (0, 0), max(1.0, 0.025 * max(small.shape)))
    blurred = _opacity_lut(shadow_opacity)[blurred]
    shadow_a = cv2.resize(blurred, (padded.shape[1] * k, padded.shape[0] * k), interpolation=cv2.INTER_LINEAR)
    drop = int(0.03 * h)
    return shadow_a, (pad * k, max(0, pad * k - drop))


@lru_cache(maxsize=64)
def _product_pixels(path: str, size: tuple[int, int], shadow_opacity: float) -> tuple[Image.Image, tuple[int, int]]:
    """The cut-out resized to ``size`` with its soft contact shadow baked in (one RGBA image, for
    the SVG export), and the offset of that image relative to the product's box.

    The product is composited over the (black) shadow in premultiplied pixels: over it the
    product keeps its colour and only alpha accumulates (``Pa + Sa * (1 - Pa)``). The raster
    renderer paints the same two layers one after the other instead (:func:`_draw_product`)."""
    import cv2

    pre = _sized(path, size)
    if shadow_opacity <= 0:
        return _straight(pre), (0, 0)
    w, h = size
    shadow_a, (ox, oy) = _shadow_alpha(pre[..., 3], size, shadow_opacity)
    out = np.zeros((*shadow_a.shape, 4), np.uint8)
    out[..., 3] = shadow_a
    region = out[oy : oy + h, ox : ox + w]
    sa = np.ascontiguousarray(region[..., 3])
    pa = np.ascontiguousarray(pre[..., 3])
    combined = cv2.add(pa, cv2.multiply(sa, cv2.subtract(255, pa), scale=1 / 255))
    region[...] = pre  # whole pixels: a contiguous copy (a 3-of-4-channel copy is strided and slow)
    region[..., 3] = combined
    return _straight(out), (-ox, -oy)


@lru_cache(maxsize=16)
def _opacity_lut(opacity: float) -> np.ndarray:
    return np.array([int(v * opacity) for v in range(256)], np.uint8)


def _straight(pre: np.ndarray) -> Image.Image:
    """An RGBA image from premultiplied pixels."""
    h, w = pre.shape[:2]
    return Image.frombuffer("RGBa", (w, h), np.ascontiguousarray(pre), "raw", "RGBa", 0, 1).convert("RGBA")


def _resize_rgba(src: Image.Image | np.ndarray, size: tuple[int, int]) -> Image.Image:
    """High-quality RGBA resize with premultiplied alpha (OpenCV: area when shrinking, cubic when
    enlarging). ``src`` is an RGBA image, or premultiplied pixels from :func:`_cutout_pixels`."""
    pre = src if isinstance(src, np.ndarray) else None
    if pre is None:
        assert isinstance(src, Image.Image)
        if src.size == size:
            return src
        from ..cutout.pixels import premultiply

        pre = premultiply(src)
    h, w = pre.shape[:2]
    if (w, h) != size:
        pre = resample(pre, size)
    return _straight(pre)


def _draw_product(canvas: Image.Image, el: Element, layer: ProductLayer, cutout_path: str) -> None:
    """The contact shadow (black through its alpha), then the product (its colour through its
    alpha): over the opaque canvas each "over" is one paste, and the two in turn give the pixels
    of the product composited over its shadow first (:func:`_product_pixels`)."""
    x0, y0 = el.box[:2]
    colour, mask, shadow = _product_layer(cutout_path, (el.box[2] - x0, el.box[3] - y0),
                                          layer.shadow_opacity if layer.shadow else 0.0)
    if shadow is not None:
        shadow_mask, (sx, sy) = shadow
        paste_clipped(canvas, (0, 0, 0, 255), shadow_mask, x0 + sx, y0 + sy)
    paste_clipped(canvas, colour, mask, x0, y0)


@lru_cache(maxsize=64)
def _product_layer(path: str, size: tuple[int, int], shadow_opacity: float
                   ) -> tuple[Image.Image, Image.Image, tuple[Image.Image, tuple[int, int]] | None]:
    """The cut-out resized to ``size`` as a colour layer and its alpha as a mask, and its contact
    shadow as a mask with its offset from the product's box (None without a shadow). The colour
    layer keeps its alpha: pasted through the mask onto the RGB canvas, only its colour counts.

    (Pasting them by plan, as large shapes are, was tried: working out where a product is opaque
    cost as much as the copies saved.)"""
    pre = _sized(path, size)
    img = _straight(pre)
    alpha = np.ascontiguousarray(pre[..., 3])
    mask = Image.frombuffer("L", size, alpha, "raw", "L", 0, 1)  # the alpha, shared, not copied
    shadow = None
    if shadow_opacity > 0:
        shadow_a, (ox, oy) = _shadow_alpha(alpha, size, shadow_opacity)
        shadow = (Image.fromarray(shadow_a), (-ox, -oy))
    return img, mask, shadow


def _draw_image(canvas: Image.Image, el: Element, layer: ImageLayer) -> None:
    """A template picture: contained (box already fitted by layout) or covering its box (cropped)."""
    from ..errors import TemplateError

    if not Path(layer.src).is_absolute():  # parsed from text, never resolved against a folder
        raise TemplateError(f"image layer '{layer.id}': its src must be resolved from the template's folder")
    src = _load_asset(layer.src)
    x0, y0, x1, y1 = el.box
    w, h = x1 - x0, y1 - y0
    if layer.fit == "cover":
        k = max(w / src.width, h / src.height)
        big = _resize_rgba(src, (max(w, int(src.width * k + 0.5)), max(h, int(src.height * k + 0.5))))
        ox, oy = (big.width - w) // 2, (big.height - h) // 2
        img = big.crop((ox, oy, ox + w, oy + h))
    else:
        img = _resize_rgba(src, (w, h))
    if layer.opacity < 1.0:
        img = img.copy()
        img.putalpha(img.getchannel("A").point(lambda v: int(v * layer.opacity)))
    composite_over(canvas, img, x0, y0)


def _behind(canvas: Image.Image, el: Element) -> np.ndarray:
    """The canvas pixels under the glyphs of a text element (N x 3 uint8): those where the
    glyphs' coverage exceeds 96 (all of the box if none does)."""
    x0, y0, x1, y1 = el.box
    w, h = x1 - x0, y1 - y0
    cov, (mx, my) = coverage(el.block, (0, 0, w, h))  # same placement, box-local
    cx0, cy0 = max(0, mx), max(0, my)
    cx1, cy1 = min(w, mx + cov.shape[1]), min(h, my + cov.shape[0])
    sel = np.empty((0, 3), np.uint8)
    if cx1 > cx0 and cy1 > cy0:
        inked = cov[cy0 - my : cy1 - my, cx0 - mx : cx1 - mx] > 96
        rows = np.flatnonzero(inked.any(axis=1))
        if rows.size:  # only the canvas under the inked rectangle is read
            cols = np.flatnonzero(inked.any(axis=0))
            r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
            inked = inked[r0:r1, c0:c1]
            region = canvas.crop((x0 + cx0 + c0, y0 + cy0 + r0, x0 + cx0 + c1, y0 + cy0 + r1))
            # The pixels of a boolean mask as region[inked] gives them: np.compress picks them in a
            # fifth of its time, and picking whole pixels as Pillow keeps them (four bytes, one
            # word each: no repacking to three) saves another third.
            words = np.frombuffer(region.tobytes("raw", "RGBA" if canvas.mode == "RGBA" else "RGBX"), np.uint32)
            sel = np.compress(inked.reshape(-1), words).view(np.uint8).reshape(-1, 4)[:, :3]
    if sel.shape[0] == 0:
        sel = np.asarray(canvas.crop(el.box))[..., :3].reshape(-1, 3)
    if sel.shape[0] > 40000:
        sel = sel[:: sel.shape[0] // 40000 + 1]
    return np.ascontiguousarray(sel)


def _draw_text(canvas: Image.Image, el: Element, layer: TextLayer | LogoLayer, palette: Palette) -> TextRecord:
    block = el.block
    assert block is not None
    if isinstance(layer, TextLayer) and layer.plate is not None and el.plate_box is not None:
        plate_rgb = resolve_color(layer.plate.fill, palette)
        paint_shape(canvas, el.plate_box, layer.plate.shape, (*plate_rgb, 255), opaque_ground=True)
    want = resolve_color(layer.color, palette)
    bold = layer.weight >= 700
    need = required_ratio(block.size, bold)
    behind = _behind(canvas, el)
    fix = fix_text_color(want, behind, need)
    underlay = False
    ub = urgba = None
    if not fix.ok:
        plate_rgb, alpha = underlay_color(behind, fix.color)
        pad = max(2, int(block.size * 0.3))
        x0, y0, x1, y1 = el.box
        ub = (max(0, x0 - pad), max(0, y0 - pad // 2), min(canvas.width, x1 + pad), min(canvas.height, y1 + pad // 2))
        urgba = (*plate_rgb, int(round(alpha * 255)))  # underlay_color gives opacity 0..1
        paint_shape(canvas, ub, "rounded", urgba, 0.2, opaque_ground=True)
        behind = _behind(canvas, el)
        fix = fix_text_color(fix.color, behind, need)
        underlay = True
    color = fix.color
    draw_block(canvas, block, el.box, (*color, 255), opaque_ground=True)
    if isinstance(layer, TextLayer) and layer.strike:
        d = ImageDraw.Draw(canvas)
        ymid = (el.box[1] + el.box[3]) / 2
        d.line((el.box[0], ymid, el.box[2], ymid), fill=tuple(color), width=max(1, block.size // 14))
    return TextRecord(
        id=el.id, role=el.role or "text", box=el.box, text=el.text or "", color="#%02x%02x%02x" % color,
        font=block.family, weight=layer.weight, font_size=block.size, contrast=round(float(fix.ratio), 2),
        required=need, underlay=underlay, lines=len(block.lines), truncated=block.truncated,
        underlay_box=ub, underlay_rgba=urgba,
    )


def render(layout: Layout, template: Template, palette: Palette, cutout_path: str | None) -> Rendered:
    """Draw a laid-out banner. ``cutout_path`` is the cached RGBA PNG of the product."""
    canvas = _base(template, layout, palette)
    out = Rendered(canvas)
    static = set(id(l) for l in _static_layers(template))
    by_id = {e.id: e for e in layout.elements}
    for layer in template.layers:
        if id(layer) in static:
            continue
        if isinstance(layer, (BackgroundLayer, ShapeLayer)):
            _draw_static(canvas, layer, layout, palette)
        elif isinstance(layer, ImageLayer):
            el = by_id.get(layer.id)
            if el is not None:
                _draw_image(canvas, el, layer)
        elif isinstance(layer, ProductLayer):
            el = by_id.get(layer.id)
            if el is not None and cutout_path is not None:
                _draw_product(canvas, el, layer, cutout_path)
        else:
            el = by_id.get(layer.id)
            if el is not None and el.block is not None and el.block.lines:
                out.texts.append(_draw_text(canvas, el, layer, palette))
    return out
