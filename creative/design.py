"""One design, end to end: a prepared product + a template + a size -> image, score and manifest.

``prepare_product`` does the per-product work once (cut-out, colours); every
size, template and variant of that product then reuses it.
"""
from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

from . import disk_cache
from .color import Palette, Swatch, build_palette, extract_colors
from .content import Content
from .errors import InputError
from .layout import Layout, ProductShape, layout
from .material.tone import Tone
from .render import Rendered, render, save_image, save_json
from .score import Score, score
from .sizes import format_size
from .template.spec import Template

MANIFEST_VERSION = 1
MIN_PRODUCT_SIDE = 16
LAYOUT_ALPHA_SIDE = 320


@dataclass(frozen=True)
class Product:
    """A product ready for design: its cached cut-out, colours and opacity shape."""

    photo: Path
    cutout_path: Path
    remover: str
    swatches: tuple[Swatch, ...]
    shape: ProductShape
    key: str
    tone: Tone | None = None  #: the product's colour character, and the template styles it suggests


def _swatches_cached(cutout_path: Path, rgba) -> tuple[Swatch, ...]:
    """The product's colours, kept beside the cut-out; ``rgba()`` decodes it only on a miss."""
    side = cutout_path.with_suffix(".palette.json")
    if side.is_file():
        try:
            data = json.loads(side.read_text())
            return tuple(Swatch(tuple(d["rgb"]), d["weight"], tuple(d["lab"])) for d in data)
        except (ValueError, KeyError, TypeError):
            pass
    sw = tuple(extract_colors(rgba()))
    save_json([{"rgb": list(s.rgb), "weight": s.weight, "lab": list(s.lab)} for s in sw], side)
    return sw


def _shape_cached(cutout_path: Path, rgba) -> ProductShape:
    """The cut-out's size and a small copy of its alpha for layout, kept beside the cut-out
    (``NAME.shape.png``), so a cached product is ready without decoding the full PNG."""
    side = cutout_path.with_suffix(".shape.png")
    if side.is_file():
        try:
            with Image.open(cutout_path) as im:
                size = im.size  # read from the header; no pixels decoded
            with Image.open(side) as sm:
                small = np.asarray(sm.convert("L")).copy()
            if max(small.shape) <= LAYOUT_ALPHA_SIDE:
                return ProductShape(size, small)
        except (OSError, ValueError):
            pass
    full = rgba()
    alpha = full.getchannel("A")
    scale = min(1.0, LAYOUT_ALPHA_SIDE / max(alpha.size))
    small_img = alpha.resize((max(1, int(alpha.width * scale)), max(1, int(alpha.height * scale))),
                             Image.Resampling.BOX) if scale < 1 else alpha
    save_image(small_img, side)
    return ProductShape(full.size, np.asarray(small_img).copy())


def _tone_cached(cutout_path: Path, rgba) -> Tone:
    """The product's tone (hue family, lightness, saturation, warmth, suggested styles) over its
    opaque pixels, kept beside the cut-out (``NAME.tone.json``)."""
    from .material.tone import tone_of

    side = cutout_path.with_suffix(".tone.json")
    if side.is_file():
        try:
            d = json.loads(side.read_text())
            return Tone(d["hue_family"], float(d["hue"]), float(d["lightness"]), float(d["saturation"]),
                        d["warmth"], tuple(d["styles"]))
        except (ValueError, KeyError, TypeError):
            pass
    px = np.asarray(rgba())
    tone = tone_of(px[..., :3], px[..., 3])
    save_json({**tone.to_dict(), "hue": tone.hue, "lightness": tone.lightness, "saturation": tone.saturation}, side)
    return tone


def _pixels_cached(cutout_path: Path, decoded: list[Image.Image]) -> None:
    """The cut-out's premultiplied pixels, kept beside it for the renderer (``NAME.pixels.zst``:
    a banner reads them in a seventh of a PNG decode's time; see :mod:`creative.cutout.pixels`).
    ``decoded``: the cut-out as RGBA when the other facts had to decode it (then not again)."""
    from .cutout import pixels

    if not pixels.current(cutout_path):
        pre = pixels.premultiply(decoded[0]) if decoded else pixels.decode_png(cutout_path)
        try:
            pixels.write(cutout_path, pre)
        except OSError:
            pass  # a read-only cache still renders, from the PNG


def product_from_cutout(photo: Path, cutout_path: Path, remover: str, key: str) -> Product:
    cutout_path = Path(cutout_path)
    decoded: list[Image.Image] = []

    def rgba() -> Image.Image:
        if not decoded:
            with Image.open(cutout_path) as im:
                decoded.append(im.convert("RGBA"))
        return decoded[0]

    shape = _shape_cached(cutout_path, rgba)
    _pixels_cached(cutout_path, decoded)
    return Product(Path(photo), cutout_path, remover, _swatches_cached(cutout_path, rgba), shape, key,
                   _tone_cached(cutout_path, rgba))


def prepare_product(photo: str | Path, *, remover: str = "auto") -> Product:
    """Cut the product out (cached by content) and read its colours (cached beside the cut-out)."""
    from .cutout import cut_out

    c = cut_out(photo, remover=remover)
    bw, bh = c.bbox[2] - c.bbox[0], c.bbox[3] - c.bbox[1]
    if min(bw, bh) < MIN_PRODUCT_SIDE:
        raise InputError(f"{photo}: the product is only {bw}x{bh} px; a banner needs at least "
                         f"{MIN_PRODUCT_SIDE} px a side (use a larger photo)")
    return product_from_cutout(Path(photo), c.path, c.remover, c.key)


@lru_cache(maxsize=256)
def palette_for(swatches: tuple[Swatch, ...], scheme: str, tone: str, brand: tuple[str, ...] | None) -> Palette:
    """Palette for a product; brand colours apply to the 'brand' scheme only.

    Kept on disk too (``creative.disk_cache``, keyed by the swatches, the arguments and the
    source of the colour code): building one takes about 10 ms of gamut mapping, and a
    product's palettes are asked for again by every proposal set and batch that uses it.
    """
    use_brand = list(brand) if brand and scheme == "brand" else None
    path = disk_cache.entry("palettes", disk_cache.key_of(
        _palette_code(), [(s.rgb, s.weight, s.lab) for s in swatches], scheme, tone, use_brand))
    hit = disk_cache.read_json(path)
    if isinstance(hit, dict):
        try:
            return Palette(hit["scheme"], hit["tone"], {r: tuple(v) for r, v in hit["roles"].items()})
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # a damaged entry: build the palette again and rewrite it
    pal = build_palette(list(swatches), scheme, tone, brand=use_brand)
    disk_cache.write_json(path, {"scheme": pal.scheme, "tone": pal.tone, "roles": {r: list(v) for r, v in pal.roles.items()}})
    return pal


@lru_cache(maxsize=1)
def _palette_code() -> str:
    return disk_cache.source_digest("creative.color.schemes", "creative.color.space", "creative.color.contrast")


@dataclass
class DesignResult:
    image: Image.Image
    layout: Layout
    palette: Palette
    rendered: Rendered
    score: Score
    template: Template
    variant_index: int

    def manifest(self, product: Product | None, content: Content, extra: dict | None = None) -> dict:
        elements = []
        by_id = {t.id: t for t in self.rendered.texts}
        for e in self.layout.elements:
            if e.kind == "product" and product is not None:
                elements.append({"role": "product", "id": e.id, "box": list(e.box), "source": str(product.cutout_path)})
            elif e.kind == "text" and e.id in by_id:
                t = by_id[e.id]
                rec = {
                    "role": t.role, "id": t.id, "box": list(t.box), "text": t.text, "color": t.color,
                    "font": t.font, "font_weight": t.weight, "font_size": t.font_size, "contrast": t.contrast,
                    "contrast_required": t.required, "lines": t.lines,
                }
                if e.plate_box:
                    rec["plate_box"] = list(e.plate_box)
                if t.underlay:
                    rec["underlay"] = True
                if t.truncated:
                    rec["truncated"] = True
                elements.append(rec)
            elif e.kind == "shape":
                elements.append({"role": "shape", "id": e.id, "box": list(e.box)})
        data = {
            "manifest_version": MANIFEST_VERSION,
            "canvas": list(self.layout.canvas),
            "size": format_size(self.layout.canvas),
            "template": self.template.name,
            "template_version": self.template.version,
            "aspect": self.layout.aspect,
            "variant": self.layout.variant,
            "palette": {"scheme": self.palette.scheme, "tone": self.palette.tone, "roles": self.palette.to_dict()},
            "score": self.score.to_dict(),
            "product": {"photo": str(product.photo), "cutout": str(product.cutout_path), "remover": product.remover} if product else None,
            "content": content.to_dict(),
            "elements": elements,
        }
        if extra:
            data.update(extra)
        return data


def product_alpha(lay: Layout, product: Product | None) -> np.ndarray | None:
    """The product's alpha resized to its placed box (uint8, box-sized)."""
    if product is None or lay.product is None:
        return None
    import cv2

    x0, y0, x1, y1 = lay.product.box
    return cv2.resize(product.shape.alpha, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)


def alpha_on_canvas(lay: Layout, product: Product | None) -> np.ndarray | None:
    """The product's alpha placed on a canvas-sized array (for tests and checks)."""
    a = product_alpha(lay, product)
    if a is None:
        return None
    x0, y0, x1, y1 = lay.product.box
    canvas = np.zeros((lay.canvas[1], lay.canvas[0]), np.uint8)
    cx0, cy0 = max(0, x0), max(0, y0)
    cx1, cy1 = min(lay.canvas[0], x1), min(lay.canvas[1], y1)
    canvas[cy0:cy1, cx0:cx1] = a[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
    return canvas


_LAYOUTS: OrderedDict[tuple, tuple[Template, Layout]] = OrderedDict()
_LAYOUTS_SIZE = 64


def layout_for(template: Template, size: tuple[int, int], content: Content, product: Product | None,
               variant: int = 0) -> Layout:
    """:func:`creative.layout.layout`, remembered: a layout does not depend on the palette, so
    the proposals that differ only in colour (and a batch's segments that share copy) reuse it."""
    try:
        key = (id(template), size, content, product.key if product else None, variant)
        hash(key)
    except TypeError:  # content with unhashable extras: lay it out every time
        return layout(template, size, content, product.shape if product else None, variant)
    hit = _LAYOUTS.get(key)
    if hit is not None and hit[0] is template:
        _LAYOUTS.move_to_end(key)
        return hit[1]
    lay = layout(template, size, content, product.shape if product else None, variant)
    _LAYOUTS[key] = (template, lay)
    if len(_LAYOUTS) > _LAYOUTS_SIZE:
        _LAYOUTS.popitem(last=False)
    return lay


def render_design(
    template: Template,
    product: Product | None,
    content: Content,
    size: tuple[int, int],
    *,
    variant: int = 0,
    scheme: str | None = None,
    tone: str | None = None,
    brand: tuple[str, ...] | None = None,
    lay: Layout | None = None,
) -> DesignResult:
    """Lay out, colour, draw and score one banner."""
    scheme = scheme or ("brand" if brand else template.palette.scheme)
    pal = palette_for(product.swatches if product else (), scheme, tone or template.palette.tone, brand)
    lay = lay or layout_for(template, size, content, product, variant)
    rendered = render(lay, template, pal, str(product.cutout_path) if product else None)
    sc = score(lay, rendered.texts, product_alpha(lay, product))
    return DesignResult(rendered.image, lay, pal, rendered, sc, template, variant)


def write_design(result: DesignResult, path: Path, product: Product | None, content: Content, *,
                 fmt: str | None = None, extra: dict | None = None, embed_fonts: bool = False,
                 manifest: bool = True, bgr: np.ndarray | None = None) -> Path:
    """Write the image and its sidecar ``NAME.json`` (both atomically; the sidecar only when
    ``manifest``, else the caller writes it); returns the image path.

    ``fmt`` (or the extension) ``svg`` writes a layered SVG built from the layout, palette and
    text records (``creative.render.svg``), with the fonts embedded when ``embed_fonts``.
    ``bgr``: the image's :func:`creative.render.export.bgr_pixels` if the caller has made them.
    """
    from .render.export import format_for

    # The sidecar first, the image last: an image under its final name always has its sidecar,
    # even when the process is killed between the two (a sidecar alone counts for nothing, and
    # one whose image could not be written is taken back).
    side = path.with_suffix(".json")
    if manifest:
        save_json(result.manifest(product, content, extra), side)
    try:
        if format_for(path, fmt) == "SVG":
            from .render.svg import build_svg, save_svg

            cutout = str(product.cutout_path) if product else None
            save_svg(build_svg(result.layout, result.template, result.palette, result.rendered.texts, cutout,
                               embed_fonts=embed_fonts), path)
        else:
            save_image(result.image, path, fmt, bgr=bgr)
    except BaseException:
        if manifest:
            side.unlink(missing_ok=True)
        raise
    return path
