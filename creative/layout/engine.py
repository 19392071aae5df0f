"""Template x canvas x content -> element boxes in canvas pixels. Nothing here draws.

The steps, in order:

1. the aspect class of the canvas picks the template's layout variant;
2. slot fractions become pixel regions inside the safe area (margin grid);
3. the product is fitted as large as its region allows;
4. each text slot and each stack of text slots is fitted with ``text.fit``
   (that is where a headline's size is decided), and any text region that the
   product's opaque pixels reach is carved away from the product;
5. if a text element still cannot get room, the product shrinks a step and the
   layout is redone, so no text ever covers the product.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import sqrt

import numpy as np

from ..content import Content
from ..errors import TextFitError, UsageError
from ..sizes import aspect_class
from ..template.spec import ImageLayer, LogoLayer, ProductLayer, ShapeLayer, Slot, Stack, Template, TextLayer, Variant
from ..text import TextBlock, fit_text

Box = tuple[int, int, int, int]

#: Roles whose words change meaning when cut short: they are dropped rather than ellipsized.
NO_TRUNCATE = frozenset({"price", "original_price", "badge", "cta"})

#: Alpha above which a product pixel must not be under text (0..255 scale).
OPAQUE = 128
PRODUCT_SHRINK = 0.9
MAX_SHRINK_STEPS = 8


@dataclass(frozen=True)
class ProductShape:
    """What layout needs to know about a cut-out: its size and its opacity mask."""

    size: tuple[int, int]
    alpha: np.ndarray  # uint8 HxW, the cut-out's alpha channel (may be downsampled)

    @property
    def aspect(self) -> float:
        return self.size[0] / self.size[1]


@dataclass(frozen=True)
class Element:
    """One placed thing. ``box`` is where its pixels go (ink box for text, image rect for the product)."""

    id: str
    kind: str  # "background" | "shape" | "product" | "text"
    box: Box
    role: str | None = None
    text: str | None = None
    block: TextBlock | None = None
    plate_box: Box | None = None
    region: Box | None = None


@dataclass(frozen=True)
class Layout:
    canvas: tuple[int, int]
    template: str
    aspect: str
    variant: str
    margin: int
    elements: tuple[Element, ...]
    product_scale: float

    def element(self, element_id: str) -> Element:
        for e in self.elements:
            if e.id == element_id:
                return e
        raise KeyError(element_id)

    @property
    def texts(self) -> tuple[Element, ...]:
        return tuple(e for e in self.elements if e.kind == "text")

    @property
    def product(self) -> Element | None:
        return next((e for e in self.elements if e.kind == "product"), None)


def canvas_unit(canvas: tuple[int, int]) -> float:
    """The length text sizes are fractions of: the geometric mean of the canvas sides."""
    return sqrt(canvas[0] * canvas[1])


def choose_variant(template: Template, canvas: tuple[int, int], index: int = 0) -> Variant:
    variants = template.variants_for(aspect_class(canvas))
    return variants[index % len(variants)]


def _region(slot_box, canvas: tuple[int, int], margin: int, bleed: bool) -> Box:
    w, h = canvas
    if bleed:
        ox, oy, sw, sh = 0, 0, w, h
    else:
        ox, oy, sw, sh = margin, margin, w - 2 * margin, h - 2 * margin
    x0, y0, x1, y1 = slot_box
    box = (round(ox + x0 * sw), round(oy + y0 * sh), round(ox + x1 * sw), round(oy + y1 * sh))
    return _clip(box, canvas)


def _clip(box: Box, canvas: tuple[int, int]) -> Box:
    w, h = canvas
    x0, y0, x1, y1 = box
    x0, x1 = max(0, min(w, x0)), max(0, min(w, x1))
    y0, y1 = max(0, min(h, y0)), max(0, min(h, y1))
    return (x0, y0, max(x0, x1), max(y0, y1))


def _at_least_one_px(box: Box, canvas: tuple[int, int]) -> Box:
    """Hairlines keep a 1 px thickness on small canvases instead of rounding away."""
    x0, y0, x1, y1 = box
    if x1 - x0 < 1:
        x1 = min(canvas[0], x0 + 1)
        x0 = x1 - 1
    if y1 - y0 < 1:
        y1 = min(canvas[1], y0 + 1)
        y0 = y1 - 1
    return (x0, y0, x1, y1)


@lru_cache(maxsize=256)
def _image_size(path: str) -> tuple[int, int]:
    """Pixel size of a template image from its header (no decoding)."""
    from PIL import Image

    from ..errors import TemplateError

    try:
        with Image.open(path) as im:
            return im.size
    except (OSError, ValueError) as e:
        raise TemplateError(f"{path}: template image cannot be read ({e})") from None


def _anchor_offsets(anchor: str) -> tuple[float, float]:
    fx = 0.0 if "left" in anchor else 1.0 if "right" in anchor else 0.5
    fy = 0.0 if anchor.startswith("top") else 1.0 if anchor.startswith("bottom") else 0.5
    return fx, fy


def _place(size: tuple[float, float], region: Box, anchor: str) -> Box:
    fx, fy = _anchor_offsets(anchor)
    rw, rh = region[2] - region[0], region[3] - region[1]
    x = region[0] + (rw - size[0]) * fx
    y = region[1] + (rh - size[1]) * fy
    return (int(round(x)), int(round(y)), int(round(x + size[0])), int(round(y + size[1])))


def _align_from_anchor(anchor: str) -> str:
    return "left" if "left" in anchor else "right" if "right" in anchor else "center"


def _fit_product(shape: ProductShape, region: Box, anchor: str, scale: float) -> Box:
    rw, rh = region[2] - region[0], region[3] - region[1]
    s = min(rw / shape.size[0], rh / shape.size[1]) * scale
    pw, ph = max(1, int(shape.size[0] * s)), max(1, int(shape.size[1] * s))
    return _place((pw, ph), region, anchor)


class _ProductMask:
    """The placed product's opaque pixels in canvas coordinates (boolean, lazily resized)."""

    def __init__(self, shape: ProductShape | None, box: Box | None):
        self.box = box
        self._mask: np.ndarray | None = None
        if shape is not None and box is not None:
            import cv2

            bw, bh = box[2] - box[0], box[3] - box[1]
            self._mask = cv2.resize(shape.alpha, (bw, bh), interpolation=cv2.INTER_AREA) >= OPAQUE

    def _window(self, region: Box) -> tuple[np.ndarray, int, int] | None:
        if self._mask is None or self.box is None:
            return None
        px0, py0, px1, py1 = self.box
        x0, y0 = max(region[0], px0), max(region[1], py0)
        x1, y1 = min(region[2], px1), min(region[3], py1)
        if x1 <= x0 or y1 <= y0:
            return None
        return self._mask[y0 - py0 : y1 - py0, x0 - px0 : x1 - px0], x0, y0

    def overlaps(self, region: Box) -> bool:
        win = self._window(region)
        return bool(win is not None and win[0].any())

    def bounds_in(self, region: Box) -> Box | None:
        """Bounding box of product pixels inside ``region``, in canvas coordinates."""
        win = self._window(region)
        if win is None:
            return None
        sub, ox, oy = win
        ys = np.flatnonzero(sub.any(axis=1))
        if ys.size == 0:
            return None
        xs = np.flatnonzero(sub.any(axis=0))
        return (ox + int(xs[0]), oy + int(ys[0]), ox + int(xs[-1]) + 1, oy + int(ys[-1]) + 1)


def _carve(region: Box, mask: _ProductMask, min_h: float, min_w: float) -> Box | None:
    """The largest part of ``region`` left, right, above or below the product; None if too small."""
    b = mask.bounds_in(region)
    if b is None:
        return region
    x0, y0, x1, y1 = region
    pad = max(2, int(0.01 * max(x1 - x0, y1 - y0)))
    candidates = [
        (x0, y0, b[0] - pad, y1),  # left of the product
        (b[2] + pad, y0, x1, y1),  # right
        (x0, y0, x1, b[1] - pad),  # above
        (x0, b[3] + pad, x1, y1),  # below
    ]
    usable = [c for c in candidates if c[2] - c[0] >= min_w and c[3] - c[1] >= min_h]
    if not usable:
        return None
    best = max(usable, key=lambda c: (c[2] - c[0]) * (c[3] - c[1]))
    return best if not mask.overlaps(best) else None


@dataclass(frozen=True)
class _TextSpec:
    layer: TextLayer | LogoLayer
    text: str
    max_px: int
    max_lines: int
    align: str

    @property
    def role(self) -> str:
        return self.layer.role if isinstance(self.layer, TextLayer) else "brand"

    @property
    def min_px(self) -> int:
        """The smallest size this text may take (never above its largest size)."""
        floor = self.layer.min_size if isinstance(self.layer, TextLayer) else 9
        return min(floor, self.max_px)

    @property
    def plate(self):
        return self.layer.plate if isinstance(self.layer, TextLayer) else None


def _drawable(text: str, family: str, weight: int) -> bool:
    """Whether any visible character of ``text`` has a font (others are dropped with a warning)."""
    from ..text.fonts import split_with_dropped

    runs, _ = split_with_dropped(text, family, weight)
    return any(t.strip() for _, t in runs)


def _text_spec(layer, content: Content, unit: float, slot_max: float | None, slot_lines: int | None, align: str | None) -> _TextSpec | None:
    role = layer.role if isinstance(layer, TextLayer) else "brand"
    text = content.text_for(role)
    if not text:
        return None
    if getattr(layer, "uppercase", False):
        text = text.upper()
    if not _drawable(text, layer.font, layer.weight):
        if role == "headline":
            raise UsageError(f"title '{text[:40]}': no bundled font can draw any of its characters")
        return None
    max_frac = slot_max if slot_max is not None else layer.max_size
    lines = slot_lines if slot_lines is not None else getattr(layer, "max_lines", 1)
    return _TextSpec(layer, text, max(6, int(max_frac * unit)), lines, align or getattr(layer, "align", "left"))


def _plate_padding(spec: _TextSpec, size: float) -> tuple[int, int]:
    px, py = spec.plate.padding
    return int(round(px * size)), int(round(py * size))


def _fit(spec: _TextSpec, box_w: float, box_h: float) -> tuple[TextBlock, tuple[int, int]]:
    """Fit a text spec into a box; a plate's padding is taken out of the box first."""
    pad = (0, 0)
    if spec.plate is not None:
        size = spec.max_px
        for _ in range(3):
            pad = _plate_padding(spec, size)
            inner_w, inner_h = box_w - 2 * pad[0], box_h - 2 * pad[1]
            if spec.plate.shape in ("circle", "burst"):
                inner_w = inner_h = min(inner_w, inner_h) / 1.25
            block = fit_text(
                spec.text, (max(1.0, inner_w), max(1.0, inner_h)), family=spec.layer.font, weight=spec.layer.weight,
                max_size=spec.max_px, min_size=spec.min_px, max_lines=spec.max_lines, align=spec.align,
                letter_spacing=getattr(spec.layer, "letter_spacing", 0.0),
            )
            if block.size >= size:
                break
            size = block.size
        pad = _plate_padding(spec, block.size)
        if block.truncated and spec.role in NO_TRUNCATE:
            raise TextFitError(f"{spec.role} does not fit without an ellipsis")
        return block, pad
    block = fit_text(
        spec.text, (max(1.0, box_w), max(1.0, box_h)), family=spec.layer.font, weight=spec.layer.weight,
        max_size=spec.max_px, min_size=spec.min_px, max_lines=spec.max_lines, align=spec.align,
        letter_spacing=getattr(spec.layer, "letter_spacing", 0.0),
    )
    if block.truncated and spec.role in NO_TRUNCATE:
        raise TextFitError(f"{spec.role} does not fit without an ellipsis")
    return block, pad


def _outer_size(spec: _TextSpec, block: TextBlock, pad: tuple[int, int]) -> tuple[float, float]:
    w, h = block.width + 2 * pad[0], block.height + 2 * pad[1]
    if spec.plate is not None and spec.plate.shape in ("circle", "burst"):
        d = max(w, h) * (1.25 if spec.plate.shape == "burst" else 1.1)
        return d, d
    return w, h


def _text_element(spec: _TextSpec, block: TextBlock, pad: tuple[int, int], outer: Box, region: Box) -> Element:
    if spec.plate is None:
        return Element(spec.layer.id, "text", outer, spec.role, spec.text, block, None, region)
    cx, cy = (outer[0] + outer[2]) / 2, (outer[1] + outer[3]) / 2
    ink = (
        int(round(cx - block.width / 2)), int(round(cy - block.height / 2)),
        int(round(cx - block.width / 2 + block.width)), int(round(cy - block.height / 2 + block.height)),
    )
    return Element(spec.layer.id, "text", ink, spec.role, spec.text, block, outer, region)


def _layout_slot_text(spec: _TextSpec, region: Box, anchor: str) -> Element:
    rw, rh = region[2] - region[0], region[3] - region[1]
    block, pad = _fit(spec, rw, rh)
    ow, oh = _outer_size(spec, block, pad)
    outer = _place((min(ow, rw), min(oh, rh)), region, anchor)
    return _text_element(spec, block, pad, outer, region)


def _fit_row(row: list[_TextSpec], rw: float, rh: float, gap_em: float):
    """Fit a row of texts left to right; later items get the width left over, or are dropped."""
    fitted = []
    left = rw
    for spec in row:
        if fitted:
            left -= gap_em * fitted[-1][1].size
        if left < spec.min_px * 3:
            break
        try:
            block, pad = _fit(spec, left, rh)
        except TextFitError:
            break
        if fitted and block.truncated:
            break
        ow, oh = _outer_size(spec, block, pad)
        ow, oh = min(ow, left), min(oh, rh)
        fitted.append((spec, block, pad, (ow, oh)))
        left -= ow
    return fitted


#: When a stack cannot hold every row even at minimum sizes, rows go in this order.
#: Minimum heights may use at most this share of a stack, leaving room for the headline to grow.
HEADROOM = 0.7
DROP_ORDER = ("subhead", "brand", "original_price", "badge", "cta", "price", "headline")


def _row_min_height(row: list[_TextSpec]) -> float:
    out = 0.0
    for spec in row:
        h = spec.min_px * 1.3
        if spec.plate is not None:
            h += 2 * spec.plate.padding[1] * spec.min_px
        out = max(out, h)
    return out


def _drop_rank(row: list[_TextSpec]) -> int:
    """Lower goes first; a row is as important as its most important item."""
    return max(DROP_ORDER.index(s.role) if s.role in DROP_ORDER else len(DROP_ORDER) for s in row)


def _rows_that_fit(rows: list[list[_TextSpec]], shares: list[float], rh: float, gap: float):
    """Drop the least important rows until the minimum heights of the rest fit in ``rh``."""
    rows, shares = list(rows), list(shares)

    def need() -> float:
        return sum(_row_min_height(r) for r in rows) + gap * sum(max(s.min_px for s in r) for r in rows[:-1])

    while len(rows) > 1 and need() > HEADROOM * rh:
        victim = min(range(len(rows)), key=lambda i: (_drop_rank(rows[i]), -i))
        del rows[victim], shares[victim]
    return rows, shares


def _layout_stack(rows: list[list[_TextSpec]], shares: list[float], region: Box, stack: Stack) -> list[Element]:
    rw, rh = region[2] - region[0], region[3] - region[1]
    rows, shares = _rows_that_fit(rows, shares, rh, stack.gap)
    mins = [_row_min_height(r) for r in rows]
    spare = max(0.0, rh - sum(mins) - stack.gap * sum(max(s.min_px for s in r) for r in rows[:-1]))
    total_share = sum(shares) or 1.0
    fitted_rows = []
    carry = 0.0  # height earlier rows did not use goes to the next row
    for row, share, mn in zip(rows, shares, mins):
        avail = mn + spare * share / total_share + carry
        items = _fit_row(row, rw, avail, 0.5)
        if items:
            fitted_rows.append(items)
            used = max(it[3][1] for it in items) + stack.gap * max(it[1].size for it in items)
            carry = max(0.0, avail + stack.gap * max(s.min_px for s in row) - used)
        else:
            carry = avail
    heights = [max(it[3][1] for it in r) for r in fitted_rows]
    widths = [sum(it[3][0] for it in r) + 0.5 * sum(it[1].size for it in r[:-1]) for r in fitted_rows]
    gaps = [stack.gap * max(it[1].size for it in r) for r in fitted_rows[:-1]]
    total_h = sum(heights) + sum(gaps)
    _, fy = _anchor_offsets(stack.anchor)
    y = region[1] + (rh - total_h) * fy
    align = stack.align or _align_from_anchor(stack.anchor)
    ax = 0.0 if align == "left" else 1.0 if align == "right" else 0.5
    out = []
    for i, (items, row_h, row_w) in enumerate(zip(fitted_rows, heights, widths)):
        x = region[0] + (rw - row_w) * ax
        for spec, block, pad, (ow, oh) in items:
            oy = y + (row_h - oh)  # bottoms of a row line up
            outer = (int(round(x)), int(round(oy)), int(round(x + ow)), int(round(oy + oh)))
            out.append(_text_element(spec, block, pad, outer, region))
            x += ow + 0.5 * block.size
        y += row_h + (gaps[i] if i < len(gaps) else 0)
    return out


def _stack_specs(stack: Stack, template: Template, content: Content, unit: float, slots):
    shares = list(stack.shares or [1.0] * len(stack.items))
    rows, kept = [], []
    align = stack.align or _align_from_anchor(stack.anchor)
    for item, share in zip(stack.items, shares):
        row = []
        for lid in ((item,) if isinstance(item, str) else item):
            slot = slots.get(lid)
            spec = _text_spec(template.layer(lid), content, unit, slot.max_size if slot else None,
                              slot.max_lines if slot else None, align)
            if spec is not None:
                row.append(spec)
        if row:
            rows.append(row)
            kept.append(share)
    return rows, kept


def layout(
    template: Template,
    canvas: tuple[int, int],
    content: Content,
    product: ProductShape | None,
    variant: Variant | int = 0,
) -> Layout:
    """Place every layer of ``template`` on a ``canvas`` of (width, height) pixels."""
    v = variant if isinstance(variant, Variant) else choose_variant(template, canvas, variant)
    w, h = canvas
    margin = int(round((v.margin if v.margin is not None else template.margin) * min(w, h)))
    unit = canvas_unit(canvas)
    scale = 1.0
    for _ in range(MAX_SHRINK_STEPS + 1):
        result = _try_layout(template, canvas, content, product, v, margin, unit, scale)
        if result is not None:
            return result
        scale *= PRODUCT_SHRINK
    # Last resort: no product room constraint can be met; drop texts that still collide.
    return _try_layout(template, canvas, content, product, v, margin, unit, scale, force=True)  # type: ignore[return-value]


def _try_layout(template, canvas, content, product, v: Variant, margin, unit, scale, force=False) -> Layout | None:
    elements: list[Element] = []
    product_box = None
    for layer in template.layers:
        if isinstance(layer, ProductLayer) and product is not None and layer.id in v.slots:
            slot = v.slots[layer.id]
            region = _region(slot.box, canvas, margin, slot.bleed)
            product_box = _fit_product(product, region, slot.anchor, scale)
    mask = _ProductMask(product, product_box)
    stacked = {item: st for st in v.stacks for item in st.flat_items}
    done_stacks: set[int] = set()
    for layer in template.layers:
        lid = getattr(layer, "id", None)
        if layer.type == "background":
            elements.append(Element("background", "background", (0, 0, canvas[0], canvas[1])))
        elif isinstance(layer, ShapeLayer) and lid in v.slots:
            slot = v.slots[lid]
            box = _region(slot.box, canvas, margin, slot.bleed)
            if layer.shape == "line":
                box = _at_least_one_px(box, canvas)
            elements.append(Element(lid, "shape", box))
        elif isinstance(layer, ImageLayer) and lid in v.slots:
            slot = v.slots[lid]
            region = _region(slot.box, canvas, margin, slot.bleed)
            if layer.fit == "cover":
                elements.append(Element(lid, "image", region, region=region))
            else:
                iw, ih = _image_size(layer.src)
                rw, rh = region[2] - region[0], region[3] - region[1]
                k = min(rw / iw, rh / ih)
                box = _place((max(1, int(iw * k)), max(1, int(ih * k))), region, slot.anchor)
                elements.append(Element(lid, "image", box, region=region))
        elif isinstance(layer, ProductLayer) and product_box is not None:
            elements.append(Element(lid, "product", product_box, region=product_box))
        elif isinstance(layer, (TextLayer, LogoLayer)):
            if lid in stacked:
                st = stacked[lid]
                if id(st) in done_stacks:
                    continue
                done_stacks.add(id(st))
                rows, shares = _stack_specs(st, template, content, unit, v.slots)
                if not rows:
                    continue
                region = _region(st.box, canvas, margin, False)
                min_h = sum(max(s.min_px for s in r) * 1.3 for r in rows)
                carved = _carve(region, mask, min_h, max(s.min_px for r in rows for s in r) * 3)
                if carved is None:
                    if not force:
                        return None
                    continue
                placed = _layout_stack(rows, shares, carved, st)
                if carved != region and len(placed) < sum(len(r) for r in rows) and not force:
                    return None  # carving around the product starved the stack: shrink the product
                if any(mask.overlaps(e.plate_box or e.box) for e in placed):
                    if not force:
                        return None
                    placed = [e for e in placed if not mask.overlaps(e.plate_box or e.box)]
                elements.extend(placed)
            elif lid in v.slots:
                slot = v.slots[lid]
                spec = _text_spec(layer, content, unit, slot.max_size, slot.max_lines, slot.align)
                if spec is None:
                    continue
                region = _region(slot.box, canvas, margin, slot.bleed)
                carved = _carve(region, mask, spec.min_px * 1.3, spec.min_px * 3)
                if carved is None:
                    if not force:
                        return None
                    continue
                try:
                    el = _layout_slot_text(spec, carved, slot.anchor)
                except TextFitError:
                    if carved != region and not force:
                        return None  # carving starved this slot: shrink the product and retry
                    continue  # the slot itself is too small for this text at this canvas size

                if mask.overlaps(el.plate_box or el.box):
                    if not force:
                        return None
                    continue
                elements.append(el)
    return Layout(canvas, template.name, aspect_class(canvas), v.name, margin, tuple(elements), scale)
