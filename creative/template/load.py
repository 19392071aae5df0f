"""Reading template files: safe YAML, validation, errors that name file, line and field.

The YAML rules (safe loader, size and alias-bomb limits, line-mapped errors) live in
:mod:`creative.spec_yaml`, shared with storyboards and campaign files.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import TemplateError
from .spec import Template

MAX_TEMPLATE_BYTES = 512 * 1024

_LAYER_TAGS = {"background", "shape", "product", "text", "logo", "image"}


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the union tag pydantic inserts after a layer index (layers.2.text.color -> layers.2.color)."""
    out: list[Any] = []
    for i, part in enumerate(loc):
        if part in _LAYER_TAGS and i >= 2 and loc[i - 2] == "layers" and isinstance(loc[i - 1], int):
            continue
        out.append(part)
    return tuple(out)


def parse_template(text: str, source: str = "<string>") -> Template:
    """Validate YAML text into a :class:`Template`; every problem is listed in one error."""
    from ..spec_yaml import parse_model  # YAML is read only when a template is parsed, not from the cache

    return parse_model(text, Template, source, TemplateError, what="template fields", clean=_clean_loc)


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


def resolve_assets(template: Template, folder: Path, source: str) -> Template:
    """Check each image layer's ``src`` stays inside ``folder`` and exists; return the template
    with absolute, resolved paths. Refused: absolute paths, ``..`` escapes, symlinks pointing
    outside the folder, non-image files."""
    from .spec import ImageLayer

    root = folder.resolve()
    layers = []
    for i, layer in enumerate(template.layers):
        if isinstance(layer, ImageLayer):
            where = f"{source}: layers.{i}.src '{layer.src}'"
            raw = Path(layer.src)
            if raw.is_absolute() or layer.src.startswith(("/", "\\")) or ":" in layer.src[:3]:
                raise TemplateError(f"{where}: must be a path relative to the template's folder")
            target = (root / raw).resolve()
            if not target.is_relative_to(root):
                raise TemplateError(f"{where}: leaves the template's folder (symlinks and '..' may not point outside)")
            if target.suffix.lower() not in IMAGE_SUFFIXES:
                raise TemplateError(f"{where}: expected a {', '.join(IMAGE_SUFFIXES)} file")
            if not target.is_file():
                raise TemplateError(f"{where}: file not found")
            layer = layer.model_copy(update={"src": str(target)})
        layers.append(layer)
    return template.model_copy(update={"layers": tuple(layers)})


def load_template_file(path: str | Path) -> Template:
    from ..spec_yaml import read_text

    p = Path(path)
    text = read_text(p, "template file", MAX_TEMPLATE_BYTES, TemplateError)
    return resolve_assets(parse_template(text, str(p)), p.parent, str(p))
