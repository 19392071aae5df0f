"""Where bundled files live: templates and assets shipped with the project."""
from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


def project_root() -> Path:
    return _ROOT


def bundled_templates_dir() -> Path:
    """The folder of the templates that ship with creative (``templates/``)."""
    return Path(os.environ.get("CREATIVE_BUNDLED_TEMPLATES", _ROOT / "templates"))


def assets_dir() -> Path:
    """Sample products, fixtures and other bundled assets (``assets/``)."""
    return Path(os.environ.get("CREATIVE_ASSETS", _ROOT / "assets"))
