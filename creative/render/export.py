"""Writing images and JSON atomically: a temporary name in the same folder, then a rename."""
from __future__ import annotations

import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image

from ..errors import CreativeError, UsageError

FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP", "svg": "SVG"}
EXTENSIONS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "SVG": ".svg"}


def format_for(path: Path, fmt: str | None = None) -> str:
    """Pillow format name from an explicit ``fmt`` or the file's extension."""
    key = (fmt or path.suffix.lstrip(".")).lower()
    if key not in FORMATS:
        raise UsageError(f"unknown image format '{fmt or path.suffix}': choose png, jpg, webp or svg")
    return FORMATS[key]


@lru_cache(maxsize=1)
def _umask() -> int:
    """The process umask (read once; os.umask can only be read by setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual permissions
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except OSError as e:
        _unlink(tmp)
        raise CreativeError(f"{path}: could not write ({e.strerror or e})") from None
    except BaseException:
        _unlink(tmp)
        raise


def _unlink(p: str) -> None:
    try:
        os.unlink(p)
    except FileNotFoundError:
        pass


def save_image(img: Image.Image, path: str | Path, fmt: str | None = None, *, quality: int = 90,
               compress_level: int = 3) -> Path:
    """Save ``img`` to ``path`` atomically; JPEG gets RGB, PNG/WebP keep alpha. ``compress_level``
    (PNG, 0-9) trades size for speed: 1 suits previews written once and looked at."""
    path = Path(path)
    pil_fmt = format_for(path, fmt)
    if pil_fmt == "SVG":
        raise UsageError(f"{path}: an SVG is written from the design, not from pixels (creative.render.svg)")
    out = img
    if pil_fmt == "JPEG" and img.mode != "RGB":
        out = img.convert("RGB")
    params: dict[str, Any] = {}
    if pil_fmt == "JPEG":
        params = {"quality": quality, "optimize": False, "subsampling": "4:2:0"}
    elif pil_fmt == "PNG":
        params = {"compress_level": compress_level}
    elif pil_fmt == "WEBP":
        params = {"quality": quality, "method": 3}
    _atomic_write(path, lambda fh: out.save(fh, format=pil_fmt, **params))
    return path


def save_json(data: Any, path: str | Path) -> Path:
    path = Path(path)
    payload = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False).encode("utf-8")
    _atomic_write(path, lambda fh: fh.write(payload))
    return path
