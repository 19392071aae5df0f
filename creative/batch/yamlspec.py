"""Safe YAML into a pydantic model, with every problem named by file, line and field path.

The same rules as template files (:mod:`creative.template.load`, whose node-walking helpers
are reused): libyaml's safe loader, a size limit, alias bombs refused before construction.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import CreativeError
from ..template.load import MAX_EXPANDED_NODES, _construct, _expanded_size, _Loader, _node_line

M = TypeVar("M", bound=BaseModel)
MAX_SPEC_BYTES = 1024 * 1024
#: Parts pydantic adds to error locations for unions and validators (not keys in the file).
_TAG = re.compile(r"^(str|int|float|bool|none|dict\[.*\]|list\[.*\]|tuple\[.*\]|function-[a-z]+\[.*\]|literal\[.*\])$", re.I)


class SpecError(CreativeError):
    """A campaign or segments file is invalid; the message names the file, line and field."""

    exit_code = 2


def _loc(err: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(p for p in err["loc"] if not (isinstance(p, str) and _TAG.match(p)))


def _part(p: Any) -> str:
    text = str(p)
    return text if text.isprintable() and text else repr(text)


def _describe(err: dict[str, Any], loc: tuple[Any, ...]) -> str:
    path = ".".join(_part(p) for p in loc) or "(top level)"
    msg = " ".join(err["msg"].removeprefix("Value error, ").split())
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "missing":
        msg = "required field is missing"
    return f"{path}: {msg}"


def compose(text: str, source: str) -> yaml.Node:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise SpecError(f"{source}{where}: YAML syntax error: {problem}") from None
    if root is None:
        raise SpecError(f"{source}: the file is empty")
    if _expanded_size(root, {}) > MAX_EXPANDED_NODES:
        raise SpecError(f"{source}: YAML aliases expand to more than {MAX_EXPANDED_NODES:,} values; refusing to load")
    return root


def parse_model(text: str, model: type[M], source: str, *, wrap: str | None = None) -> M:
    """Validate YAML ``text`` into ``model``; ``wrap`` nests the document under that key first
    (for a segments file that is a bare mapping)."""
    root = compose(text, source)
    data = _construct(root)
    if not isinstance(data, dict):
        raise SpecError(f"{source}: expected a mapping of fields at the top level")
    prefix: tuple[Any, ...] = ()
    if wrap is not None and wrap not in data:
        data, prefix = {wrap: data}, (wrap,)
    try:
        return model.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            loc = _loc(err)
            line = _node_line(root, loc[len(prefix):] if loc[:len(prefix)] == prefix else loc)
            text_ = _describe(err, loc)
            problems.append(f"{source}:{line}: {text_}" if line else f"{source}: {text_}")
        head = problems[0] if len(problems) == 1 else f"{len(problems)} problems: " + "; ".join(problems)
        raise SpecError(head) from None


def read_spec_text(path: Path, what: str) -> str:
    if not path.is_file():
        raise SpecError(f"{path}: {what} not found")
    if path.stat().st_size > MAX_SPEC_BYTES:
        raise SpecError(f"{path}: {what} is larger than {MAX_SPEC_BYTES // 1024} KB")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SpecError(f"{path}: {what} is not UTF-8 text") from None
