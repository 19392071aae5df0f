"""``creative template new``: write a new template file whose comments explain every field.

The file is generated from a :class:`Template` value (a starter with every layer type but image, or
an existing template with ``--from``): the first time a kind of thing appears (a text layer, a
slot, a fill...) every field is written with a comment saying what it does; later ones show only
what differs from the defaults. The output is parsed back before it is written, so a scaffold is
always valid and renders exactly like its source.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from ..errors import UsageError
from ..render.export import _atomic_write
from .load import parse_template
from .spec import COLOR_ROLES, Fill, Plate, Slot, Stack, Template

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

#: What each field means, by model and field (pydantic descriptions fill the gaps).
COMMENTS: dict[tuple[str, str], str] = {
    ("Template", "name"): "lower-case letters, digits, - and _; use it as the file name too",
    ("Template", "version"): "bump when you change the look: re-runs of `creative banner` re-render",
    ("Template", "description"): "one line shown by `creative template list`",
    ("Template", "styles"): "tags that `creative propose --style` matches",
    ("Template", "palette"): "how colours are chosen from the product (see palette roles below)",
    ("Template", "margin"): "safe-area margin, a fraction of the canvas's shorter side",
    ("Template", "layers"): "what the banner is made of, drawn in this order (back to front)",
    ("Template", "layouts"): "where each layer goes, per aspect class: square (required), landscape, portrait, "
                             "story, leaderboard, skyscraper; a missing class uses the nearest one",
    ("PaletteSpec", "scheme"): "complementary | analogous | triadic | monochrome | brand (the --brand-color colours)",
    ("PaletteSpec", "tone"): "light | dark | vivid | pastel: background lightness and colourfulness",
    ("PaletteSpec", "schemes"): "schemes `creative propose` may try with this template",
    ("BackgroundLayer", "type"): "background: paints the whole canvas",
    ("BackgroundLayer", "fill"): "how it is painted",
    ("Fill", "kind"): "solid | linear (gradient) | radial (gradient) | pattern",
    ("Fill", "color"): "a palette role (" + ", ".join(COLOR_ROLES) + ") or #rrggbb",
    ("Fill", "angle"): "linear gradients: direction in degrees (90 = top to bottom)",
    ("Fill", "pattern"): "patterns: dots | stripes | grid, drawn in color2 over color",
    ("Fill", "opacity"): "0 (invisible) to 1 (opaque)",
    ("ShapeLayer", "type"): "shape: a decorative shape filling its slot",
    ("ShapeLayer", "id"): "the name its slot uses in layouts",
    ("ShapeLayer", "shape"): "rect | rounded | ellipse | burst (star) | line (a thin rect)",
    ("ShapeLayer", "fill"): "any fill (solid, gradient, pattern)",
    ("ProductLayer", "type"): "product: the cut-out photo, as large as its slot allows",
    ("ProductLayer", "id"): "the name its slot uses in layouts",
    ("TextLayer", "type"): "text: one piece of copy",
    ("TextLayer", "id"): "the name its slot or stack uses in layouts",
    ("TextLayer", "role"): "headline | subhead | price | original_price | badge | cta | brand: which copy it shows",
    ("TextLayer", "font"): "inter | montserrat | bebas-neue | playfair-display | noto-sans (CJK, Arabic... fall back per glyph)",
    ("TextLayer", "weight"): "100 (thin) to 900 (black); 700 is bold",
    ("TextLayer", "color"): "a palette role, best the text_on_* role of what is behind it; contrast is enforced anyway",
    ("TextLayer", "align"): "left | center | right (a slot or stack may override it)",
    ("TextLayer", "uppercase"): "show the copy in capitals",
    ("TextLayer", "letter_spacing"): "extra space between letters, in ems (0.05 = 5% of the size)",
    ("TextLayer", "plate"): "a shape hugging the text (button, badge disc); omit for none",
    ("Plate", "shape"): "pill | rect | rounded | circle | burst",
    ("Plate", "fill"): "a palette role or #rrggbb; put the text in the matching text_on_* role",
    ("LogoLayer", "type"): "logo: the brand name as a small wordmark",
    ("LogoLayer", "id"): "the name its slot uses in layouts",
    ("LogoLayer", "font"): "a font family (see text layers)",
    ("LogoLayer", "weight"): "100 to 900",
    ("LogoLayer", "color"): "a palette role or #rrggbb",
    ("LogoLayer", "max_size"): "largest size, a fraction of the canvas scale",
    ("LogoLayer", "uppercase"): "show the brand in capitals",
    ("Variant", "name"): "shown in manifests and proposal file names",
    ("Variant", "margin"): "overrides the template's margin in this variant",
    ("Variant", "slots"): "layer id -> where it goes; a layer without a slot (or stack) is not drawn here",
    ("Variant", "stacks"): "text layers flowed top to bottom in one box",
    ("Slot", "box"): "[x0, y0, x1, y1] as fractions of the safe area (0..1)",
    ("Slot", "anchor"): "where the content sits in its box: top-left, top, ..., center, ..., bottom-right",
    ("Stack", "box"): "[x0, y0, x1, y1] as fractions of the safe area",
    ("Stack", "anchor"): "where the stack sits in its box",
    ("Stack", "align"): "left | center | right for every text in the stack",
    ("TextLayer", "max_lines"): "most lines the text may wrap to",
    ("Slot", "max_lines"): "overrides the layer's max_lines in this variant",
    ("Slot", "align"): "overrides the layer's align in this variant",
    ("ProductLayer", "shadow_opacity"): "darkness of that shadow, 0 to 1",
    ("ImageLayer", "type"): "image: a picture shipped with the template (a logo file, a decoration)",
    ("ImageLayer", "id"): "the name its slot uses in layouts",
    ("ImageLayer", "src"): "a .png/.jpg/.webp file relative to this template's folder (it may not leave it)",
    ("ImageLayer", "fit"): "contain (whole picture, as large as the slot allows) | cover (fills the slot, cropped)",
    ("ImageLayer", "opacity"): "0 (invisible) to 1 (opaque)",
}

#: A note on each aspect class under ``layouts``.
ASPECT_NOTES = {
    "square": "width/height 0.85-1.3: 1080x1080, 800x800, 300x250",
    "landscape": "1.3-3: 1200x628, 1920x1080",
    "portrait": "0.7-0.85: 1080x1350",
    "story": "0.42-0.7: 1080x1920",
    "leaderboard": "3 and wider: 728x90, 970x90",
    "skyscraper": "below 0.42: 160x600",
}

#: Fields always written, even with their default value, because they make a line readable.
ALWAYS = {("Plate", "shape"), ("Plate", "fill"), ("Fill", "kind"), ("Fill", "color"), ("Slot", "anchor")}

HEADER = """\
# {name}: a creative banner template{origin}.
#
#   creative template validate {file}     every problem, with line and field
#   creative template preview {file}      every standard size with sample products, one contact sheet
#   creative template watch {file}        re-renders that preview whenever you save
#
# Units: positions are fractions [x0, y0, x1, y1] of the safe area (the canvas less its margin;
# `bleed: true` on a slot measures against the whole canvas). Text sizes (max_size) are fractions
# of the canvas scale sqrt(width * height): 0.08 is 86 px on 1080x1080 and 20 px on 728x90.
#
# Colours are palette roles, picked from the product's own colours for every banner:
# background, surface, accent, highlight, and the text colours that read on them:
# text_on_background, muted_on_background, text_on_surface, text_on_accent, text_on_highlight.
# Every text is measured against the pixels behind it and made to reach WCAG 4.5:1 (3:1 when large).
#
# Pictures (a logo file, a texture): add a layer {{type: image, id: seal, src: art/seal.png, fit: contain}}
# with src relative to this file's folder, and give it a slot like any other layer.
"""

#: The starter used without --from: every layer type but ``image`` (which needs a picture file; the
#: header explains it) and a layout for every aspect class but portrait (which borrows square's).
STARTER: dict[str, Any] = {
    "name": "starter",
    "version": 1,
    "description": "A starting point: light background, big product, a clean type stack.",
    "styles": ["minimal"],
    "palette": {"scheme": "analogous", "tone": "light", "schemes": ["analogous", "complementary", "monochrome"]},
    "margin": 0.07,
    "layers": [
        {"type": "background", "fill": {"kind": "linear", "color": "background", "color2": "surface", "angle": 90}},
        {"type": "shape", "id": "rule", "shape": "line", "fill": {"kind": "solid", "color": "accent"}},
        {"type": "product", "shadow": True},
        {"type": "logo", "font": "inter", "weight": 800, "color": "muted_on_background"},
        {"type": "text", "id": "badge", "role": "badge", "weight": 800, "color": "text_on_highlight",
         "max_size": 0.045, "max_lines": 1, "plate": {"shape": "circle", "fill": "highlight", "padding": [0.5, 0.5]}},
        {"type": "text", "id": "headline", "role": "headline", "font": "inter", "weight": 800, "max_size": 0.085,
         "max_lines": 2},
        {"type": "text", "id": "subhead", "role": "subhead", "weight": 400, "color": "muted_on_background",
         "max_size": 0.035},
        {"type": "text", "id": "price", "role": "price", "weight": 800, "max_size": 0.06, "max_lines": 1},
        {"type": "text", "id": "was", "role": "original_price", "weight": 400, "color": "muted_on_background",
         "max_size": 0.032, "max_lines": 1, "strike": True},
        {"type": "text", "id": "cta", "role": "cta", "weight": 700, "color": "text_on_accent", "max_size": 0.03,
         "max_lines": 1, "plate": {"shape": "pill", "fill": "accent", "padding": [1.0, 0.55]}},
    ],
    "layouts": {
        "square": [
            {"name": "stacked", "slots": {
                "product": {"box": [0.0, 0.06, 1.0, 0.62], "anchor": "center"},
                "logo": {"box": [0.0, 0.0, 0.6, 0.05], "anchor": "top-left"},
                "badge": {"box": [0.78, 0.0, 1.0, 0.2], "anchor": "top-right"},
                "rule": {"box": [0.0, 0.64, 0.12, 0.648], "anchor": "left"}},
             "stacks": [{"box": [0.0, 0.67, 1.0, 1.0], "anchor": "bottom-left",
                         "items": ["headline", "subhead", ["price", "was"], "cta"], "shares": [0.4, 0.18, 0.22, 0.2]}]},
        ],
        "landscape": [
            {"name": "side", "slots": {
                "product": {"box": [0.5, 0.0, 1.0, 1.0], "anchor": "center"},
                "logo": {"box": [0.0, 0.0, 0.45, 0.08], "anchor": "top-left"},
                "badge": {"box": [0.86, 0.0, 1.0, 0.26], "anchor": "top-right"}},
             "stacks": [{"box": [0.0, 0.14, 0.48, 1.0], "anchor": "left",
                         "items": ["headline", "subhead", ["price", "was"], "cta"], "shares": [0.42, 0.18, 0.2, 0.2]}]},
        ],
        "story": [
            {"name": "stacked", "slots": {
                "product": {"box": [0.0, 0.1, 1.0, 0.58], "anchor": "center"},
                "logo": {"box": [0.0, 0.0, 1.0, 0.04], "anchor": "top"},
                "badge": {"box": [0.76, 0.05, 1.0, 0.19], "anchor": "top-right"}},
             "stacks": [{"box": [0.0, 0.62, 1.0, 0.95], "anchor": "top", "align": "center",
                         "items": ["headline", "subhead", ["price", "was"], "cta"], "shares": [0.38, 0.18, 0.22, 0.22]}]},
        ],
        "leaderboard": [
            {"name": "strip", "margin": 0.1, "slots": {
                "product": {"box": [0.0, 0.0, 0.17, 1.0], "anchor": "center"},
                "headline": {"box": [0.19, 0.0, 0.6, 1.0], "anchor": "left", "max_size": 0.11, "max_lines": 2},
                "price": {"box": [0.61, 0.0, 0.77, 1.0], "anchor": "center", "max_size": 0.11},
                "cta": {"box": [0.78, 0.12, 1.0, 0.88], "anchor": "right", "max_size": 0.07}}},
        ],
        "skyscraper": [
            {"name": "tower", "slots": {
                "logo": {"box": [0.0, 0.0, 1.0, 0.04], "anchor": "top"},
                "headline": {"box": [0.0, 0.06, 1.0, 0.3], "anchor": "center", "align": "center", "max_lines": 4},
                "product": {"box": [0.0, 0.32, 1.0, 0.66], "anchor": "center"},
                "price": {"box": [0.0, 0.68, 1.0, 0.8], "anchor": "center", "align": "center"},
                "cta": {"box": [0.0, 0.84, 1.0, 0.98], "anchor": "center"}}},
        ],
    },
}

#: Models written on one line (``{box: [...], anchor: left}``) once their fields have been explained.
_INLINE = (Slot, Fill, Plate, Stack)


def starter_template() -> Template:
    return Template.model_validate(STARTER)


def _comment(model: BaseModel, field: str) -> str | None:
    key = (type(model).__name__, field)
    if key in COMMENTS:
        return COMMENTS[key]
    text = type(model).model_fields[field].description
    return text[0].lower() + text[1:].rstrip(".") if text else None


def _plain(value: Any) -> Any:
    """Models, tuples and dicts as plain YAML-able data."""
    if isinstance(value, BaseModel):
        return {k: _plain(v) for k, v in _fields(value, all_fields=False)}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _fields(model: BaseModel, *, all_fields: bool) -> list[tuple[str, Any]]:
    out = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if (all_fields or info.is_required() or (type(model).__name__, name) in ALWAYS
                or value != info.get_default(call_default_factory=True)):
            out.append((name, value))
    return out


def _flow(value: Any) -> str:
    """One-line YAML for a scalar, list or mapping."""
    text = yaml.safe_dump(_plain(value), default_flow_style=True, allow_unicode=True, width=10**9, sort_keys=False)
    return text.strip().removesuffix("...").strip()


def _scalar_like(value: Any) -> bool:
    if isinstance(value, BaseModel) or isinstance(value, dict):
        return False
    if isinstance(value, (tuple, list)):
        return all(not isinstance(v, (BaseModel, dict)) for v in value)
    return True


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.seen: set[str] = set()

    def model(self, model: BaseModel, indent: int, first_prefix: str | None = None) -> None:
        """Write a model's fields as a block mapping; ``first_prefix`` starts a list item ('- ')."""
        kind = type(model).__name__
        explain = kind not in self.seen
        self.seen.add(kind)
        pad = " " * indent
        for i, (name, value) in enumerate(_fields(model, all_fields=explain)):
            lead = pad if (first_prefix is None or i) else pad[:-2] + first_prefix
            note = _comment(model, name) if explain else None
            if value is None and (first_prefix is None or i):  # an unset option: show it, commented out
                self.lines.append(f"{pad}# {name}: (not set){f' - {note}' if note else ''}")
                continue
            if note and not (first_prefix is not None and i == 0):
                self.lines.append(f"{pad}# {note}")
            tail = f"  # {note}" if note and first_prefix is not None and i == 0 else ""
            self.value(name, value, indent, lead, tail)

    def value(self, key: str, value: Any, indent: int, lead: str, tail: str = "") -> None:
        pad = " " * indent
        if _scalar_like(value):
            self.lines.append(f"{lead}{key}: {_flow(value)}{tail}")
        elif isinstance(value, BaseModel):
            if isinstance(value, _INLINE) and type(value).__name__ in self.seen:
                self.lines.append(f"{lead}{key}: {_flow(value)}{tail}")
            else:
                self.lines.append(f"{lead}{key}:{tail}")
                self.model(value, indent + 2)
        elif isinstance(value, dict):
            self.lines.append(f"{lead}{key}:{tail}")
            for k, v in value.items():
                if key == "layouts" and k in ASPECT_NOTES:
                    self.lines.append(f"{pad}  # {k}: {ASPECT_NOTES[k]}")
                self.value(str(k), v, indent + 2, pad + "  ")
        else:  # a list of models
            self.lines.append(f"{lead}{key}:{tail}")
            for item in value:
                if isinstance(item, _INLINE) and type(item).__name__ in self.seen:
                    self.lines.append(f"{pad}  - {_flow(item)}")
                else:
                    self.model(item, indent + 4, first_prefix="- ")


def scaffold_text(template: Template, *, origin: str | None = None, file: str | None = None) -> str:
    """The commented YAML of ``template`` (validated: it parses back to the same template)."""
    w = _Writer()
    w.model(template, 0)
    head = HEADER.format(name=template.name, origin=f" (scaffolded from {origin})" if origin else "",
                         file=file or f"{template.name}.yaml")
    text = head + "\n" + "\n".join(w.lines) + "\n"
    if parse_template(text, f"<scaffold of {template.name}>") != template:
        raise AssertionError(f"scaffold of {template.name} does not round-trip")  # a bug, not a user error
    return text


def _copy_pictures(template: Template, source_folder: Path, folder: Path) -> Template:
    """Image layers of a loaded template point at absolute files: copy each into ``folder`` at the
    same relative place and point the layer there (a template may only use files in its folder)."""
    from .spec import ImageLayer

    layers = []
    for layer in template.layers:
        if isinstance(layer, ImageLayer):
            src = Path(layer.src)
            rel = src.relative_to(source_folder.resolve()) if src.is_absolute() else Path(layer.src)
            target = folder / rel
            if src.is_absolute() and src.resolve() != target.resolve():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, target)
            layer = layer.model_copy(update={"src": rel.as_posix()})
        layers.append(layer)
    return template.model_copy(update={"layers": tuple(layers)})


def new_template(name: str, *, source: str | None = None, folder: str | Path = ".", force: bool = False,
                 template_dirs: tuple[Path, ...] = ()) -> Path:
    """Write ``FOLDER/NAME.yaml``: the starter, or a copy of ``source`` (name or file) renamed to ``name``."""
    from .preview import resolve_template_path
    from .registry import get_template

    path = Path(name) if name.endswith((".yaml", ".yml")) else Path(folder) / f"{name}.yaml"
    stem = path.name.rsplit(".", 1)[0]
    if not NAME_RE.match(stem):
        raise UsageError(f"bad template name '{stem}': use lower-case letters, digits, - and _ (e.g. spring-sale)")
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; choose another name or pass --force to overwrite it")
    base = get_template(source, template_dirs) if source else starter_template()
    if source:
        base = _copy_pictures(base, resolve_template_path(source, template_dirs).parent, path.parent)
    tpl = base.model_copy(update={"name": stem, "version": 1})
    text = scaffold_text(tpl, origin=source, file=str(path))
    _atomic_write(path, lambda fh: fh.write(text.encode("utf-8")))
    return path
