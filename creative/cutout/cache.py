"""On-disk cut-out cache, keyed by photo content, remover and its options.

Layout: ``<cache>/<key[:2]>/<key>.png`` (the RGBA cut-out) and ``<key>.json`` (its
record). Both are written to a temp file in the same directory and renamed into place,
the PNG first, so a record never points at a half-written image and a killed process
leaves no partial file under a final name.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from PIL import Image

from ..errors import CreativeError

#: Bump when the cut-out algorithm changes so old entries are not reused.
CUTOUT_VERSION = 4


@dataclass(frozen=True)
class Cutout:
    """A product cut-out stored in the cache."""

    path: Path  #: cached RGBA PNG, cropped tight to the product plus padding
    key: str  #: cache key
    remover: str  #: remover that made the mask; "alpha" when the photo's own alpha was reused
    source: Path  #: the photo it came from
    bbox: tuple[int, int, int, int]  #: product bounds (x0, y0, x1, y1) in the upright photo
    size: tuple[int, int]  #: size of the PNG at ``path``
    coverage: float  #: share of the photo covered by the product (alpha > 127)
    center_of_mass: tuple[float, float] = (0.0, 0.0)  #: alpha-weighted centre (x, y) in the photo
    crop_box: tuple[int, int, int, int] | None = None  #: where the PNG sits in the photo (padded bbox)
    method: str = ""  #: the path that made the alpha, e.g. "plain+u2netp", "u2netp+refine", "alpha"

    def image(self) -> Image.Image:
        """The cut-out as a loaded RGBA image (a fresh copy; decoding is cached per file)."""
        st = self.path.stat()
        return _read_png(self.path, st.st_mtime_ns, st.st_size).copy()


@functools.lru_cache(maxsize=32)
def _read_png(path: Path, mtime_ns: int, size: int) -> Image.Image:
    with Image.open(path, formats=("PNG",)) as im:
        return im.convert("RGBA")


def cache_dir() -> Path:
    """``$CREATIVE_CACHE_DIR`` itself, else ``cutouts`` in the user cache dir (``creative.disk_cache``)."""
    from ..disk_cache import cache_root

    return cache_root() if os.environ.get("CREATIVE_CACHE_DIR") else cache_root() / "cutouts"


def make_key(content_hash: str, remover: str, options: Mapping[str, object]) -> str:
    """sha256 over the photo hash, remover name, :data:`CUTOUT_VERSION` and remover options."""
    payload = json.dumps(
        {"content": content_hash, "remover": remover, "version": CUTOUT_VERSION,
         "options": dict(options)},
        sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def entry_paths(root: Path, key: str) -> tuple[Path, Path]:
    """(png, json) paths of ``key`` under ``root``."""
    folder = root / key[:2]
    return folder / f"{key}.png", folder / f"{key}.json"


def lookup(root: Path, key: str, source: Path) -> Cutout | None:
    """The cached cut-out for ``key``, or None when absent or unreadable (it is then rebuilt)."""
    png, meta = entry_paths(root, key)
    try:
        record = json.loads(meta.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return None  # a damaged record is a miss; the caller rewrites the entry
    if record.get("version") != CUTOUT_VERSION or not png.is_file():
        return None
    try:
        return Cutout(
            path=png, key=key, remover=str(record["remover"]), source=source,
            bbox=tuple(int(v) for v in record["bbox"]),  # type: ignore[arg-type]
            size=tuple(int(v) for v in record["size"]),  # type: ignore[arg-type]
            coverage=float(record["coverage"]),
            center_of_mass=tuple(float(v) for v in record["center_of_mass"]),  # type: ignore[arg-type]
            crop_box=tuple(int(v) for v in record["crop_box"]),  # type: ignore[arg-type]
            method=str(record["method"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def write_atomic(dest: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Call ``write(fh)`` on a temp file beside ``dest``, then rename it to ``dest``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; these files are meant to be shared
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class CacheWriteError(CreativeError, OSError):
    """A cache entry could not be written (a full disk, a read-only cache folder): one line naming
    the file for the CLI, and still an :class:`OSError` for callers that handle those."""


def _cache_write(dest: Path, write: Callable[[IO[bytes]], object]) -> None:
    """:func:`write_atomic` for a cache entry; a failing write is a :class:`CacheWriteError`."""
    try:
        write_atomic(dest, write)
    except OSError as e:
        raise CacheWriteError(f"{dest}: could not write ({e.strerror or e})") from None


def store(root: Path, key: str, rgba: Image.Image, *, remover: str, source: Path,
          bbox: tuple[int, int, int, int], coverage: float,
          center_of_mass: tuple[float, float] = (0.0, 0.0),
          crop_box: tuple[int, int, int, int] | None = None, method: str = "") -> Cutout:
    """Write the PNG then its JSON record (both atomically) and return the entry."""
    png, meta = entry_paths(root, key)
    # the cache is written once and decoded for every banner: zlib level 1 (level 6 costs several
    # times the CPU for a file a few percent smaller) and the "up" row filter, which decodes in
    # about 55 % of the time of Pillow's filters for a file of the same size
    from ..render.export import png_bytes

    _cache_write(png, lambda fh: fh.write(png_bytes(rgba if rgba.mode == "RGBA" else rgba.convert("RGBA"), row_filter="up")))
    crop = crop_box if crop_box is not None else (0, 0, *rgba.size)
    com = (round(float(center_of_mass[0]), 2), round(float(center_of_mass[1]), 2))
    record = {
        "version": CUTOUT_VERSION, "key": key, "remover": remover, "source": str(source),
        "bbox": list(bbox), "size": list(rgba.size), "coverage": coverage,
        "center_of_mass": list(com), "crop_box": list(crop), "method": method or remover,
    }
    text = json.dumps(record, indent=1, sort_keys=True) + "\n"
    _cache_write(meta, lambda fh: fh.write(text.encode("utf-8")))
    return Cutout(path=png, key=key, remover=remover, source=source, bbox=bbox,
                  size=rgba.size, coverage=coverage, center_of_mass=com, crop_box=crop,
                  method=method or remover)
