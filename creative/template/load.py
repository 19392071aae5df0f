"""Reading template files: safe YAML, validation, errors that name file, line and field."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import TemplateError
from .spec import Template

MAX_TEMPLATE_BYTES = 512 * 1024
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster
MAX_EXPANDED_NODES = 100_000


def _node_line(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Follow a pydantic error location through the YAML node tree to a 1-based line."""
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                    nxt, line = v, k.start_mark.line + 1
                    break
            if nxt is None:
                return line
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            # pydantic adds union tags (e.g. "text") to the location; skip what the YAML lacks.
            continue
    return line


_LAYER_TAGS = {"background", "shape", "product", "text", "logo", "image"}


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the union tag pydantic inserts after a layer index (layers.2.text.color -> layers.2.color)."""
    out: list[Any] = []
    for i, part in enumerate(loc):
        if part in _LAYER_TAGS and i >= 2 and loc[i - 2] == "layers" and isinstance(loc[i - 1], int):
            continue
        out.append(part)
    return tuple(out)


def _describe(err: dict[str, Any]) -> str:
    path = ".".join(str(p) for p in _clean_loc(tuple(err["loc"]))) or "(top level)"
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "missing":
        msg = "required field is missing"
    return f"{path}: {msg}"


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Node count after every alias is expanded (memoised, so a YAML bomb costs nothing to measure)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # guards against recursive structures
    if isinstance(node, yaml.MappingNode):
        total = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        total = 1 + sum(_expanded_size(v, memo) for v in node.value)
    else:
        total = 1
    memo[key] = total
    return total


def _construct(root: yaml.Node):
    """Python data from an already composed node tree (no second parse)."""
    loader = _Loader("")
    try:
        return loader.construct_document(root)
    finally:
        loader.dispose()


def parse_template(text: str, source: str = "<string>") -> Template:
    """Validate YAML text into a :class:`Template`; every problem is listed in one error."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise TemplateError(f"{source}{where}: YAML syntax error: {problem}") from None
    if root is None:
        raise TemplateError(f"{source}: the file is empty")
    if _expanded_size(root, {}) > MAX_EXPANDED_NODES:
        raise TemplateError(f"{source}: YAML aliases expand to more than {MAX_EXPANDED_NODES:,} values; refusing to load")
    try:
        data = _construct(root)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise TemplateError(f"{source}{where}: YAML error: {problem}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{source}: expected a mapping of template fields at the top level")
    try:
        return Template.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            line = _node_line(root, _clean_loc(tuple(err["loc"])))
            problems.append(f"{source}:{line}: {_describe(err)}" if line else f"{source}: {_describe(err)}")
        head = problems[0] if len(problems) == 1 else f"{len(problems)} problems: " + "; ".join(problems)
        raise TemplateError(head) from None


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
    p = Path(path)
    if not p.is_file():
        raise TemplateError(f"{p}: template file not found")
    if p.stat().st_size > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"{p}: template file is larger than {MAX_TEMPLATE_BYTES // 1024} KB")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TemplateError(f"{p}: template file is not UTF-8 text") from None
    return resolve_assets(parse_template(text, str(p)), p.parent, str(p))
