"""Campaign and segments files: the shared spec-file rules (:mod:`creative.spec_yaml`: libyaml's
safe loader, a size limit, alias bombs and deep nesting refused, errors naming file, line and
field) with the batch's own error type.
"""
from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from .. import spec_yaml
from ..errors import CreativeError

M = TypeVar("M", bound=BaseModel)
MAX_SPEC_BYTES = 1024 * 1024


class SpecError(CreativeError):
    """A campaign or segments file is invalid; the message names the file, line and field."""

    exit_code = 2


def parse_model(text: str, model: type[M], source: str, *, wrap: str | None = None) -> M:
    """Validate YAML ``text`` into ``model``; ``wrap`` nests the document under that key first
    (for a segments file that is a bare mapping)."""
    return spec_yaml.parse_model(text, model, source, SpecError, wrap=wrap)


def read_spec_text(path: Path, what: str) -> str:
    return spec_yaml.read_text(path, what, MAX_SPEC_BYTES, SpecError)
