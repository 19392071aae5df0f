"""Paths named inside campaign files and feeds stay inside the folders they may use.

A relative path is taken from its base folder (the campaign's or the feed's); the result,
with every symlink resolved, must lie under one of the allowed roots (that folder, the
working folder, or folders the user passed). ``../`` escapes, absolute paths elsewhere and
symlinks pointing out are refused with a message naming the path.

Output names are built from a small placeholder language (``{product_id}``...), never
``str.format``; every value is made a safe single path component first.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Iterable, Mapping

from ..errors import InputError

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
_FIELD = re.compile(r"\{([a-z_]+)\}")


class PathError(InputError):
    """A path leaves the folders it is allowed to use."""


def confine(value: str | os.PathLike[str], base: Path, roots: Iterable[Path], what: str) -> Path:
    """``value`` resolved against ``base``; it must exist under one of ``roots`` (symlinks resolved)."""
    raw = Path(value)
    p = raw if raw.is_absolute() else base / raw
    try:
        real = p.resolve(strict=False)
    except (OSError, RuntimeError) as e:  # symlink loops
        raise PathError(f"{value}: {what} path cannot be resolved ({e})") from None
    allowed = [Path(r).resolve() for r in roots]
    if not any(real == r or real.is_relative_to(r) for r in allowed):
        names = ", ".join(str(r) for r in allowed)
        raise PathError(f"{value}: {what} path is outside the allowed folders ({names})")
    return real


def safe_component(value: str) -> str:
    """A value usable as one file-name component; unsafe ones are slugged and keep a short
    hash of the original, so two different ids never share a name."""
    if _SAFE.match(value) and value not in (".", ".."):
        return value
    slug = re.sub(r"\.{2,}", "_", re.sub(r"[^A-Za-z0-9._-]+", "_", value)).strip("._-")[:60] or "x"
    return f"{slug}-{hashlib.sha1(value.encode('utf-8')).hexdigest()[:8]}"


def fill_pattern(pattern: str, fields: Mapping[str, str]) -> str:
    """Replace each ``{name}`` by its safe value (``ext`` and ``size`` as they are)."""
    def sub(m: re.Match) -> str:
        name = m.group(1)
        v = str(fields[name])
        return v if name in ("ext",) else safe_component(v)

    return _FIELD.sub(sub, pattern)
