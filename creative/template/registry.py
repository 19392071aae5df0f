"""Finding templates by name: bundled ones, user folders, or a file path."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import UsageError
from ..resources import bundled_templates_dir
from .load import load_template_file
from .spec import Template

ENV_PATH = "CREATIVE_TEMPLATE_PATH"


@dataclass(frozen=True)
class TemplateRef:
    name: str
    path: Path
    bundled: bool


def search_dirs(extra: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """User folders first (option, then $CREATIVE_TEMPLATE_PATH), bundled templates last."""
    env = tuple(Path(p) for p in os.environ.get(ENV_PATH, "").split(os.pathsep) if p)
    return tuple(extra) + env + (bundled_templates_dir(),)


def discover(extra: tuple[Path, ...] = ()) -> dict[str, TemplateRef]:
    """Template name -> file; a user template shadows a bundled one of the same name."""
    bundled = bundled_templates_dir().resolve()
    found: dict[str, TemplateRef] = {}
    for d in search_dirs(extra):
        if not d.is_dir():
            continue
        for f in sorted(list(d.glob("*.yaml")) + list(d.glob("*.yml"))):
            name = f.stem
            if name not in found:
                found[name] = TemplateRef(name, f, d.resolve() == bundled)
    return found


def _looks_like_path(value: str) -> bool:
    return value.endswith((".yaml", ".yml")) or os.sep in value or "/" in value


@lru_cache(maxsize=256)
def _load_cached(path: str, mtime_ns: int) -> Template:
    return load_template_file(path)


def load_path(path: Path) -> Template:
    return _load_cached(str(path), path.stat().st_mtime_ns)


def get_template(name_or_path: str, extra: tuple[Path, ...] = ()) -> Template:
    """A template by bundled/user name or by file path; unknown names list the choices."""
    if _looks_like_path(name_or_path):
        p = Path(name_or_path)
        if not p.is_file():
            raise UsageError(f"template file not found: {name_or_path}")
        return load_path(p)
    refs = discover(extra)
    if name_or_path not in refs:
        raise UsageError(f"unknown template '{name_or_path}'; choose one of: {', '.join(sorted(refs)) or '(none found)'}")
    return load_path(refs[name_or_path].path)


def all_templates(extra: tuple[Path, ...] = ()) -> list[Template]:
    return [load_path(ref.path) for ref in discover(extra).values()]
