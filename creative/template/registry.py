"""Finding templates by name: bundled ones, user folders, or a file path."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import disk_cache
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
    """The template in ``path``. Parsing YAML in Python costs about 5 ms a template, so the
    validated model is also kept in the cache (``creative.disk_cache``) as JSON, keyed by the
    file's path, size and mtime and by the source of the code that reads templates, and
    re-validated from there (pydantic's JSON validation: a tenth of the time)."""
    try:
        st = os.stat(path)
    except OSError:
        return load_template_file(path)  # it reports the missing file
    entry = disk_cache.entry("templates", disk_cache.key_of(
        "template-v1", os.path.realpath(path), st.st_size, st.st_mtime_ns, _template_code()))
    hit = disk_cache.read_json(entry)
    if isinstance(hit, str):
        try:
            tpl = Template.model_validate_json(hit)
            if _assets_present(tpl):
                return tpl
        except ValueError:
            pass  # a damaged or foreign entry: parse the file again
    tpl = load_template_file(path)
    disk_cache.write_json(entry, tpl.model_dump_json())
    return tpl


def _assets_present(tpl: Template) -> bool:
    """Image layers' files still exist (checked on parsing; a cached template must hold too)."""
    from .spec import ImageLayer

    return all(Path(layer.src).is_file() for layer in tpl.layers if isinstance(layer, ImageLayer))


@lru_cache(maxsize=1)
def _template_code() -> str:
    import pydantic

    return disk_cache.source_digest("creative.template.spec", "creative.template.load", "creative.spec_yaml") + pydantic.VERSION


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
