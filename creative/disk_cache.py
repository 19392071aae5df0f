"""Small derived facts kept on disk between runs: font coverage tables, palettes.

Each entry is one JSON file ``<cache>/<kind>/<key>.json``, where ``<cache>`` is
``$CREATIVE_CACHE_DIR`` or the user cache directory, and ``key`` a hash of
everything the value depends on (so an entry is never stale, only unused). Entries
are written atomically; a cache that cannot be read or written only costs the time
of computing the value again. (Cut-outs keep their own layout: ``creative.cutout.cache``.)
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path


def cache_root() -> Path:
    """``$CREATIVE_CACHE_DIR``, else the user cache directory for ``creative``."""
    env = os.environ.get("CREATIVE_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("creative"))


def key_of(*parts: object) -> str:
    """A file-name-safe hash of ``parts`` (their ``repr``s, NUL-separated)."""
    return hashlib.sha256("\0".join(repr(p) for p in parts).encode()).hexdigest()[:32]


def entry(kind: str, key: str) -> Path:
    return cache_root() / kind / f"{key}.json"


def read_json(path: Path) -> object | None:
    """The entry's value, or None when it is missing or unreadable."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def write_json(path: Path, value: object) -> None:
    """Write an entry atomically; failures (read-only or full disk) are ignored."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(value, fh, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def source_digest(*modules: str) -> str:
    """A hash of the named modules' source files: part of a key whose value those modules
    compute, so editing the code retires the entries it made."""
    import importlib.util

    h = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec else None
        try:
            h.update(Path(origin).read_bytes() if origin else name.encode())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()[:16]
