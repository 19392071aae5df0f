"""Storyboard files: safe YAML in (errors name file, line and field), YAML out, JSON Schema."""
from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import CreativeError
from ..render.export import _atomic_write
from ..spec_yaml import parse_model, read_text
from .spec import Storyboard

MAX_STORYBOARD_BYTES = 1024 * 1024


class StoryboardError(CreativeError):
    """A storyboard file is invalid; the message names the file, the line and the field path."""


def parse_storyboard(text: str, source: str = "<string>") -> Storyboard:
    """Validate YAML text into a :class:`Storyboard`; every problem is listed in one error
    (the YAML rules are :mod:`creative.spec_yaml`'s, shared with templates and campaigns)."""
    return parse_model(text, Storyboard, source, StoryboardError, what="storyboard fields")


def load_storyboard(path: str | Path) -> Storyboard:
    """Read and validate a storyboard file."""
    p = Path(path)
    return parse_storyboard(read_text(p, "storyboard file", MAX_STORYBOARD_BYTES, StoryboardError), str(p))


class _Dumper(yaml.SafeDumper):
    """Block style for mappings, flow style for short lists of numbers (boxes, sizes)."""


def _represent_tuple(dumper: yaml.SafeDumper, data: tuple) -> yaml.Node:
    flow = all(isinstance(v, (int, float)) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_float(dumper: yaml.SafeDumper, data: float) -> yaml.Node:
    text = repr(data)  # the shortest text that reads back as the same float
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_Dumper.add_representer(tuple, _represent_tuple)
_Dumper.add_representer(float, _represent_float)

_HEADER = (
    "# creative storyboard (edit freely, then: creative video render THIS_FILE --out promo.mp4)\n"
    "# Boxes are [x0, y0, x1, y1] fractions of the canvas; text sizes are fractions of the canvas scale.\n"
    "# Schema: creative video schema\n"
)


def dump_storyboard(board: Storyboard) -> str:
    """YAML text of a storyboard (defaults left out, so the file shows what was decided)."""
    data = board.model_dump(mode="python", exclude_defaults=True)
    data = {"version": board.version, **data}
    data.setdefault("size", board.size)
    data.setdefault("fps", board.fps)
    data.setdefault("style", board.style)
    data.setdefault("template", board.template)
    return _HEADER + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)


def save_storyboard(board: Storyboard, path: str | Path) -> Path:
    """Write a storyboard atomically as YAML."""
    p = Path(path)
    text = dump_storyboard(board).encode("utf-8")
    _atomic_write(p, lambda fh: fh.write(text))
    return p


def json_schema() -> dict:
    """JSON Schema of the storyboard format (``creative video schema``)."""
    schema = Storyboard.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "creative storyboard"
    return schema
