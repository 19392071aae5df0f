"""Layered SVG export: the same banner as the PNG, as layers a designer can move and retype.

Built from what ``render`` drew, never from pixels: one ``<g>`` per template layer (an
Inkscape layer too), fills as SVG gradients and patterns, shapes as ``rect``/``ellipse``/
``polygon``, the product as an embedded PNG (its contact shadow baked in), template pictures as
their original files, and every text
as a real ``<text>`` with its font family, size, weight and colour: one ``<tspan>`` per line
at the origin and baseline ``creative.text.measure`` computed, with nested spans where a
fallback font takes over (the browser then shapes the line, so it stays editable as a line).

Fonts are referenced by family name (a designer's installed fonts are used); with
``embed_fonts`` each font is also embedded as an ``@font-face`` data URL, subset to the
characters used (fontTools), so any browser shows the intended type.
"""
from __future__ import annotations

import base64
import io
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..color import Palette
from ..layout import Element, Layout
from ..template.spec import BackgroundLayer, Fill, ImageLayer, LogoLayer, ProductLayer, ShapeLayer, Template, TextLayer
from ..text import fonts, ink_box
from ..text.measure import spacing_px
from .compose import TextRecord, resolve_color
from .export import _atomic_write
from .paint import _burst_points

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
INKSCAPE_NS = "http://www.inkscape.org/namespaces/inkscape"
XML_NS = "http://www.w3.org/XML/1998/namespace"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)
ET.register_namespace("inkscape", INKSCAPE_NS)

EMOJI_FAMILY = "Noto Color Emoji"
#: Generic fallbacks appended to every font-family list.
GENERIC = {"playfair-display": "serif"}


def _q(tag: str) -> str:
    return f"{{{SVG_NS}}}{tag}"


def _num(v: float) -> str:
    """Compact number: integers without a decimal point, others to 3 places."""
    r = round(float(v), 3)
    return str(int(r)) if r == int(r) else f"{r:g}"


def _hex(rgb) -> str:
    return "#%02x%02x%02x" % tuple(int(c) for c in rgb[:3])


@dataclass
class _Doc:
    """The document being built: its root, ``<defs>`` and the characters each font file draws."""

    root: ET.Element
    defs: ET.Element
    ids: int = 0
    used: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (family slug, font file) -> chars

    def new_id(self, prefix: str) -> str:
        self.ids += 1
        return f"{prefix}{self.ids}"


# --- fills and shapes ---------------------------------------------------------------------


def _paint(doc: _Doc, fill: Fill, box: tuple[int, int, int, int], palette: Palette, canvas: tuple[int, int]) -> dict[str, str]:
    """SVG ``fill``/``fill-opacity`` attributes painting ``fill`` over ``box`` like ``paint.fill_image``."""
    c1 = resolve_color(fill.color, palette)
    c2 = resolve_color(fill.color2, palette) if fill.color2 else c1
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    attrs: dict[str, str] = {}
    if fill.opacity < 1.0:
        attrs["fill-opacity"] = _num(round(255 * fill.opacity) / 255)
    if fill.kind == "solid":
        attrs["fill"] = _hex(c1)
        return attrs
    gid = doc.new_id(fill.kind)
    if fill.kind == "linear":
        a = math.radians(fill.angle)
        d = (math.cos(a), math.sin(a))
        corners = [(x, y) for x in (x0, x1) for y in (y0, y1)]
        proj = [x * d[0] + y * d[1] for x, y in corners]
        lo, hi = min(proj), max(proj)
        p1 = corners[proj.index(lo)]
        span = max(hi - lo, 1e-6)
        g = ET.SubElement(doc.defs, _q("linearGradient"), id=gid, gradientUnits="userSpaceOnUse",
                          x1=_num(p1[0]), y1=_num(p1[1]), x2=_num(p1[0] + d[0] * span), y2=_num(p1[1] + d[1] * span))
    elif fill.kind == "radial":
        # paint.fill_image: t = |((x - w/2)/w, (y - h/2)/h)| normalised by its corner value sqrt(0.5)
        g = ET.SubElement(doc.defs, _q("radialGradient"), id=gid, gradientUnits="userSpaceOnUse",
                          cx="0", cy="0", r=_num(math.sqrt(0.5)),
                          gradientTransform=f"translate({_num(x0 + w / 2)} {_num(y0 + h / 2)}) scale({_num(w)} {_num(h)})")
    else:
        _pattern(doc, gid, fill, box, c1, c2, canvas)
        attrs["fill"] = f"url(#{gid})"
        return attrs
    ET.SubElement(g, _q("stop"), offset="0", attrib={"stop-color": _hex(c1)})
    ET.SubElement(g, _q("stop"), offset="1", attrib={"stop-color": _hex(c2)})
    attrs["fill"] = f"url(#{gid})"
    return attrs


def _pattern(doc: _Doc, gid: str, fill: Fill, box, c1, c2, canvas: tuple[int, int]) -> None:
    """Dots, stripes or grid over a solid ground, cell for cell as ``paint.fill_image`` draws them."""
    x0, y0 = box[0], box[1]
    cell = max(4, int(fill.pattern_scale * min(canvas)))  # as render._fill and paint.fill_image
    ink = {"fill": _hex(c2), "fill-opacity": _num(0.55)}
    if fill.pattern == "dots":
        pat = ET.SubElement(doc.defs, _q("pattern"), id=gid, patternUnits="userSpaceOnUse",
                            x=_num(x0), y=_num(y0), width=_num(cell), height=_num(2 * cell))
        ET.SubElement(pat, _q("rect"), width=_num(cell), height=_num(2 * cell), fill=_hex(c1))
        r = max(1, cell // 7) + 0.5  # Pillow's ellipse (x-r, y-r, x+r, y+r) covers 2r+1 pixels
        for cx, cy in ((0, cell // 2), (cell, cell // 2), (cell // 2, cell // 2 + cell)):
            ET.SubElement(pat, _q("circle"), cx=_num(cx + 0.5), cy=_num(cy + 0.5), r=_num(r), attrib=ink)
        return
    if fill.pattern == "stripes":
        # Pillow draws lines x + y = k * cell (box pixels, through pixel centres: +1 in continuous space).
        # As a pattern: axis-aligned bands in a frame rotated 45°, whose x axis is the lines' normal,
        # so tiles meet along the bands and leave no seams.
        period = cell / math.sqrt(2)
        band = _diagonal_width(max(1, cell // 4))
        centre = (x0 + y0 + 1) / math.sqrt(2)
        pat = ET.SubElement(doc.defs, _q("pattern"), id=gid, patternUnits="userSpaceOnUse",
                            x=_num(centre - period / 2), y="0", width=_num(period), height=_num(period),
                            patternTransform="rotate(45)")
        ET.SubElement(pat, _q("rect"), width=_num(period), height=_num(period), fill=_hex(c1))
        ET.SubElement(pat, _q("rect"), x=_num(period / 2 - band / 2), width=_num(band), height=_num(period), attrib=ink)
        return
    lw = max(1, cell // 20)  # grid
    pat = ET.SubElement(doc.defs, _q("pattern"), id=gid, patternUnits="userSpaceOnUse",
                        x=_num(x0), y=_num(y0), width=_num(cell), height=_num(cell))
    ET.SubElement(pat, _q("rect"), width=_num(cell), height=_num(cell), fill=_hex(c1))
    ET.SubElement(pat, _q("rect"), width=_num(lw), height=_num(cell), attrib=ink)
    ET.SubElement(pat, _q("rect"), y="0", width=_num(cell), height=_num(lw), attrib=ink)


@lru_cache(maxsize=64)
def _diagonal_width(width: int) -> float:
    """The true thickness of a 45° line Pillow draws with ``width``: measured, since Pillow widens
    diagonal lines in whole pixels per row (width 3 covers 5 pixels a row, 3.5 px across)."""
    from PIL import Image, ImageDraw

    side = 8 * width + 16
    im = Image.new("L", (side, side), 0)
    ImageDraw.Draw(im).line((0, side, side, 0), fill=255, width=width)
    row = side // 2
    run = sum(1 for x in range(side) if im.getpixel((x, row)) > 127)
    return run / math.sqrt(2)


def _shape(parent: ET.Element, shape: str, box: tuple[int, int, int, int], attrs: dict[str, str],
           radius: float = 0.08, **extra: str) -> ET.Element:
    """A shape filling ``box`` with the geometry of ``paint.shape_mask``."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    a = {**attrs, **extra}
    if shape in ("rect", "line"):
        return ET.SubElement(parent, _q("rect"), x=_num(x0), y=_num(y0), width=_num(w), height=_num(h), attrib=a)
    if shape in ("ellipse", "circle"):
        return ET.SubElement(parent, _q("ellipse"), cx=_num(x0 + w / 2), cy=_num(y0 + h / 2), rx=_num(w / 2),
                             ry=_num(h / 2), attrib=a)
    if shape in ("rounded", "pill"):
        r = min(w, h) / 2 if shape == "pill" else min(radius * min(w, h), min(w, h) / 2)
        return ET.SubElement(parent, _q("rect"), x=_num(x0), y=_num(y0), width=_num(w), height=_num(h),
                             rx=_num(r), ry=_num(r), attrib=a)
    if shape == "burst":
        pts = " ".join(f"{_num(x0 + px + 0.5)},{_num(y0 + py + 0.5)}" for px, py in _burst_points(w - 1, h - 1))
        return ET.SubElement(parent, _q("polygon"), points=pts, attrib=a)
    raise ValueError(f"unknown shape {shape!r}")


def _layer(doc: _Doc, name: str) -> ET.Element:
    return ET.SubElement(doc.root, _q("g"), id=name, attrib={f"{{{INKSCAPE_NS}}}groupmode": "layer",
                                                           f"{{{INKSCAPE_NS}}}label": name})


# --- product ------------------------------------------------------------------------------


def _png_data_url(img) -> str:
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=6)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _product(doc: _Doc, g: ET.Element, el: Element, layer: ProductLayer, cutout_path: str) -> None:
    from .compose import _product_pixels

    x0, y0, x1, y1 = el.box
    img, off = _product_pixels(cutout_path, (x1 - x0, y1 - y0), layer.shadow_opacity if layer.shadow else 0.0)
    ET.SubElement(g, _q("image"), x=_num(x0 + off[0]), y=_num(y0 + off[1]), width=_num(img.width),
                  height=_num(img.height), preserveAspectRatio="none",
                  attrib={f"{{{XLINK_NS}}}href": _png_data_url(img), "image-rendering": "optimizeQuality"})


_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}


def _picture(g: ET.Element, el: Element, layer: ImageLayer) -> None:
    """A template picture: the original file embedded (a designer gets the real asset), fitted like
    ``compose._draw_image``: the box is already the contained size; ``cover`` fills and crops."""
    src = Path(layer.src)
    data = base64.b64encode(src.read_bytes()).decode("ascii")
    x0, y0, x1, y1 = el.box
    attrs = {f"{{{XLINK_NS}}}href": f"data:{_MIME.get(src.suffix.lower(), 'image/png')};base64,{data}",
             "preserveAspectRatio": "xMidYMid slice" if layer.fit == "cover" else "none",
             "image-rendering": "optimizeQuality"}
    if layer.opacity < 1.0:
        attrs["opacity"] = _num(layer.opacity)
    ET.SubElement(g, _q("image"), x=_num(x0), y=_num(y0), width=_num(x1 - x0), height=_num(y1 - y0), attrib=attrs)


# --- text ---------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def family_name(path: str) -> str:
    """The family name stored in a font file (typographic family first)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, fontNumber=0) as f:
        name = f["name"]
        return str(name.getDebugName(16) or name.getDebugName(1))


def _font_list(slug: str, weight: int) -> str:
    if slug == fonts.EMOJI:
        return f"'{EMOJI_FAMILY}'"
    name = family_name(str(fonts.get_family(slug).path(weight)))
    names = [name] + (["Noto Sans CJK SC", "Noto Sans SC"] if slug == "noto-sans-cjk" else [])
    return ", ".join(f"'{n}'" for n in names) + ", " + GENERIC.get(slug, "sans-serif")


def _variation(slug: str, weight: int, size: int) -> str | None:
    """``font-variation-settings`` pinning the optical size Pillow used (opsz = 0.75 x px)."""
    if slug == fonts.EMOJI:
        return None
    axes = fonts._axes(str(fonts.get_family(slug).path(weight)))
    for tag, lo, _, hi in axes:
        if tag == "opsz":
            return f"'opsz' {_num(min(max(size * 0.75, lo), hi))}"
    return None


def _run_attrs(slug: str, weight: int, size: int) -> dict[str, str]:
    if slug == fonts.EMOJI:
        return {"font-family": _font_list(slug, weight), "font-weight": "400"}
    eff = fonts.get_family(slug).effective_weight(weight)
    a = {"font-family": _font_list(slug, weight), "font-weight": str(eff)}
    var = _variation(slug, weight, size)
    if var:
        a["style"] = f"font-variation-settings: {var}"
    return a


def _fill_run(doc: _Doc, span: ET.Element, block, family: str, part: str, *, own_font: bool) -> None:
    """Put one font run's text in ``span`` (with its font when it differs from the block's)."""
    if own_font:
        span.attrib.update(_run_attrs(family, block.weight, block.size))
    lang = fonts.run_language(family, part)
    if lang:
        span.set(f"{{{XML_NS}}}lang", lang)
    sp = spacing_px(family, block.letter_spacing, block.size)
    if sp:
        span.set("letter-spacing", _num(sp))
    span.text = part
    if family != fonts.EMOJI:
        doc.used.setdefault((family, str(fonts.get_family(family).path(block.weight))), set()).update(part)


def _text(doc: _Doc, g: ET.Element, el: Element, layer: TextLayer | LogoLayer, rec: TextRecord, palette: Palette) -> None:
    block = el.block
    assert block is not None
    if isinstance(layer, TextLayer) and layer.plate is not None and el.plate_box is not None:
        _shape(g, layer.plate.shape, el.plate_box, {"fill": _hex(resolve_color(layer.plate.fill, palette))},
               id=f"{el.id}-plate")
    if rec.underlay_box is not None and rec.underlay_rgba is not None:
        r, gg, b, a = rec.underlay_rgba
        _shape(g, "rounded", rec.underlay_box, {"fill": _hex((r, gg, b)), "fill-opacity": _num(a / 255)}, 0.2,
               id=f"{el.id}-underlay")
    x, y, _, _ = ink_box(block, el.box)
    attrs = {"id": f"{el.id}-text", "font-size": str(block.size), "fill": rec.color, "data-role": rec.role,
             f"{{{XML_NS}}}space": "preserve", **_run_attrs(block.family, block.weight, block.size)}
    rtl = block.direction == "rtl"
    if rtl:  # the line's logical text, laid out right to left; "end" is its left edge
        attrs.update({"direction": "rtl", "text-anchor": "end"})
    if block.truncated:
        attrs["data-truncated"] = "true"
    text = ET.SubElement(g, _q("text"), attrib=attrs)
    for line in block.lines:
        # one tspan per line at Pillow's origin and baseline; nested tspans where the font changes
        runs, _ = fonts.split_with_dropped(line.text, block.family, block.weight)
        span = ET.SubElement(text, _q("tspan"), x=_num(x + int(line.x)), y=_num(y + int(line.y)))
        if len(runs) == 1 and runs[0][0] == block.family:
            _fill_run(doc, span, block, *runs[0], own_font=False)
            continue
        for family, part in runs:
            _fill_run(doc, ET.SubElement(span, _q("tspan")), block, family, part, own_font=family != block.family)
    if isinstance(layer, TextLayer) and layer.strike:
        # Pillow's line(width=w) at y fills rows int(y) - (w - 1) // 2 ... + w, columns x0..x1 inclusive
        w = max(1, block.size // 14)
        top = int((el.box[1] + el.box[3]) / 2) - (w - 1) // 2
        ET.SubElement(g, _q("line"), id=f"{el.id}-strike", x1=_num(el.box[0]), y1=_num(top + w / 2),
                      x2=_num(el.box[2] + 1), y2=_num(top + w / 2), stroke=rec.color, attrib={"stroke-width": _num(w)})


# --- fonts --------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _subset_woff(path: str, chars: str) -> bytes:
    """The font at ``path`` cut down to ``chars`` (all OpenType features and variations kept), as WOFF."""
    from fontTools import subset

    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.flavor = "woff"
    font = subset.load_font(path, opts, lazy=True)
    try:
        sub = subset.Subsetter(opts)
        sub.populate(text=chars)
        sub.subset(font)
        buf = io.BytesIO()
        subset.save_font(font, buf, opts)
        return buf.getvalue()
    finally:
        font.close()


def _static_weight(slug: str, path: str) -> int:
    """The weight a static font file is registered under (Regular 400, Bold 700...)."""
    fam = fonts.get_family(slug)
    return next((w for w in (400, 700, 100, 200, 300, 500, 600, 800, 900) if str(fam.path(w)) == path
                 and fam.effective_weight(w) == w), fam.effective_weight(400))


def _font_faces(doc: _Doc, embed: bool) -> None:
    """Name every font used in a comment; with ``embed``, add subset ``@font-face`` rules."""
    names = sorted({(family_name(path), fonts.FAMILIES[slug].package) for slug, path in doc.used})
    emoji = any(t.get("font-family", "").startswith(f"'{EMOJI_FAMILY}'") for t in doc.root.iter())
    listed = ", ".join(f"{n} (pip: {p})" for n, p in names) + (f", {EMOJI_FAMILY} (system)" if emoji else "")
    doc.root.insert(0, ET.Comment(f" fonts: {listed or 'none'} "))
    if not embed or not doc.used:
        return
    rules = []
    for (slug, path), chars in sorted(doc.used.items()):
        data = base64.b64encode(_subset_woff(path, "".join(sorted(chars)))).decode("ascii")
        axes = {t: (lo, hi) for t, lo, _, hi in fonts._axes(path)}
        w = f"{_num(axes['wght'][0])} {_num(axes['wght'][1])}" if "wght" in axes else str(_static_weight(slug, path))
        rules.append(f"@font-face {{ font-family: '{family_name(path)}'; font-style: normal; font-weight: {w}; "
                     f"src: url(data:font/woff;base64,{data}) format('woff'); }}")
    style = ET.Element(_q("style"))
    style.text = "\n".join(rules)
    doc.defs.insert(0, style)


# --- the document -------------------------------------------------------------------------


def build_svg(layout: Layout, template: Template, palette: Palette, texts: list[TextRecord],
              cutout_path: str | None, *, embed_fonts: bool = False) -> str:
    """SVG source of a rendered design (``render``'s layout, palette and text records)."""
    w, h = layout.canvas
    root = ET.Element(_q("svg"), width=str(w), height=str(h), viewBox=f"0 0 {w} {h}",
                      attrib={"data-template": template.name, "data-variant": layout.variant, "text-rendering": "geometricPrecision"})
    ET.SubElement(root, _q("title")).text = f"{template.name} {w}x{h} ({layout.variant})"
    doc = _Doc(root, ET.SubElement(root, _q("defs")))
    layers = list(template.layers)
    first = layers[0] if layers else None
    if not (isinstance(first, BackgroundLayer) and first.fill.opacity >= 1.0):
        ET.SubElement(_layer(doc, "canvas"), _q("rect"), width=str(w), height=str(h), fill="#ffffff")
    by_id = {e.id: e for e in layout.elements}
    records = {t.id: t for t in texts}
    n_bg = 0
    for layer in layers:
        if isinstance(layer, BackgroundLayer):
            n_bg += 1
            g = _layer(doc, "background" if n_bg == 1 else f"background-{n_bg}")
            _shape(g, "rect", (0, 0, w, h), _paint(doc, layer.fill, (0, 0, w, h), palette, layout.canvas))
        elif isinstance(layer, ShapeLayer):
            el = by_id.get(layer.id)
            if el is None or el.box[2] <= el.box[0] or el.box[3] <= el.box[1]:
                continue
            _shape(_layer(doc, layer.id), layer.shape, el.box, _paint(doc, layer.fill, el.box, palette, layout.canvas),
                   layer.radius)
        elif isinstance(layer, ProductLayer):
            el = by_id.get(layer.id)
            if el is not None and cutout_path is not None:
                _product(doc, _layer(doc, layer.id), el, layer, cutout_path)
        elif isinstance(layer, ImageLayer):
            el = by_id.get(layer.id)
            if el is not None and el.box[2] > el.box[0] and el.box[3] > el.box[1]:
                _picture(_layer(doc, layer.id), el, layer)
        elif isinstance(layer, (TextLayer, LogoLayer)):
            el = by_id.get(layer.id)
            rec = records.get(layer.id)
            if el is not None and el.block is not None and el.block.lines and rec is not None:
                _text(doc, _layer(doc, layer.id), el, layer, rec, palette)
    _font_faces(doc, embed_fonts)
    _indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _indent(root: ET.Element) -> None:
    """Indent the tree for people, but add no white space inside ``<text>`` (it would be drawn)."""
    ET.indent(root, space=" ")
    for t in root.iter(_q("text")):
        t.text = None
        for span in t.iter(_q("tspan")):
            if span is not t:
                span.tail = None
        for line in t:
            if len(line):
                line.text = None


def save_svg(source: str, path: str | Path) -> Path:
    """Write SVG source atomically."""
    path = Path(path)
    data = source.encode("utf-8")
    _atomic_write(path, lambda fh: fh.write(data))
    return path
