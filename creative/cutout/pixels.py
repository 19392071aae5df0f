"""A cut-out's pixels ready to draw: premultiplied RGBA kept beside its PNG, zstd-compressed.

Every banner of a product starts from its cut-out's premultiplied pixels. The PNG is the
cut-out's lasting form (small, readable by anything), but inflating it is slow: 30–37 ms for a
1408×964 cut-out here, a fifth of a 1080×1080 banner's whole cost. The same pixels as one
zstd frame (level 1) decode in 4–5 ms and take about 1.4× the PNG's bytes, so
:func:`premultiplied` reads them from ``NAME.pixels.zst`` beside ``NAME.png`` when that is
there and still belongs to the PNG, and decodes the PNG otherwise.

The file is written where the product's other facts are (``creative.design.product_from_cutout``:
palette, shape, tone), so every cached product has one; it is a cache of a cache, and a missing,
damaged or stale one (the PNG's size or modification time changed) is only a slower read.

Format: ``CRPX`` + version byte, width, height (uint32 LE), the PNG's byte size and mtime in
ns (uint64 LE), then a zstd frame of ``height × width × 4`` premultiplied RGBA bytes.
"""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
from PIL import Image

SUFFIX = ".pixels.zst"
_MAGIC = b"CRPX\x01"
_HEADER = struct.Struct("<5sIIQQ")
#: zstd level: 1 writes a 1.4 MP cut-out in a few ms and decodes as fast as any level.
LEVEL = 1


def sidecar_path(png: str | Path) -> Path:
    return Path(png).with_suffix(SUFFIX)


def _stamp(png: Path) -> tuple[int, int]:
    st = png.stat()
    return st.st_size, st.st_mtime_ns


def decode_png(png: str | Path) -> np.ndarray:
    """The premultiplied RGBA pixels (``h × w × 4`` uint8) of any PNG.

    An 8-bit RGBA PNG (what the cut-out cache writes) goes through OpenCV, which decodes and
    premultiplies it in about 70 % of Pillow's time, to the same values; anything else through
    Pillow."""
    import cv2

    bgra = cv2.imdecode(np.fromfile(str(png), np.uint8), cv2.IMREAD_UNCHANGED)
    if bgra is not None and bgra.dtype == np.uint8 and bgra.ndim == 3 and bgra.shape[2] == 4:
        return cv2.cvtColor(cv2.cvtColor(bgra, cv2.COLOR_BGRA2RGBA), cv2.COLOR_RGBA2mRGBA)
    with Image.open(png) as im:
        return premultiply(im)


def premultiply(img: Image.Image) -> np.ndarray:
    """The premultiplied RGBA pixels of a Pillow image of any mode (Pillow's rounding, which is
    OpenCV's here)."""
    if img.mode == "RGBa":
        return np.asarray(img)
    rgba = img if img.mode == "RGBA" else img.convert("RGBA")  # (converting to its own mode copies)
    return np.asarray(rgba.convert("RGBa"))


def _current_header(png: Path, data: bytes) -> tuple[int, int] | None:
    """(width, height) from a sidecar's header when it belongs to ``png`` as it is now."""
    if len(data) < _HEADER.size:
        return None
    magic, w, h, size, mtime = _HEADER.unpack_from(data)
    try:
        stamp = _stamp(png)
    except OSError:
        return None
    return (w, h) if magic == _MAGIC and (size, mtime) == stamp else None


def current(png: str | Path) -> bool:
    """Whether ``png`` has a sidecar written for it as it is now (reads the header only)."""
    png = Path(png)
    try:
        with open(sidecar_path(png), "rb") as fh:
            return _current_header(png, fh.read(_HEADER.size)) is not None
    except OSError:
        return False


def read(png: str | Path) -> np.ndarray | None:
    """The pixels kept beside ``png``, or None when there are none, or they are damaged or stale."""
    import zstandard

    png = Path(png)
    try:
        with open(sidecar_path(png), "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    wh = _current_header(png, data)
    if wh is None:
        return None
    w, h = wh
    try:
        raw = zstandard.ZstdDecompressor().decompress(memoryview(data)[_HEADER.size :], max_output_size=w * h * 4)
    except zstandard.ZstdError:
        return None
    if len(raw) != w * h * 4:
        return None
    px = np.frombuffer(raw, np.uint8).reshape(h, w, 4)
    px.flags.writeable = False
    return px


def write(png: str | Path, pre: np.ndarray) -> Path:
    """Keep ``pre`` (the premultiplied pixels of ``png``) beside it, atomically."""
    import zstandard

    from .cache import write_atomic

    png = Path(png)
    h, w = pre.shape[:2]
    if pre.shape != (h, w, 4) or pre.dtype != np.uint8:
        raise ValueError(f"premultiplied RGBA pixels expected, got {pre.dtype} {pre.shape}")
    header = _HEADER.pack(_MAGIC, w, h, *_stamp(png))
    body = zstandard.ZstdCompressor(level=LEVEL).compress(np.ascontiguousarray(pre).data)
    dest = sidecar_path(png)
    write_atomic(dest, lambda fh: (fh.write(header), fh.write(body)))
    return dest


def premultiplied(png: str | Path) -> np.ndarray:
    """The premultiplied pixels of the cut-out at ``png``: from its sidecar when it has a valid
    one, else decoded from the PNG (read-only either way)."""
    px = read(png)
    if px is None:
        px = decode_png(png)
        px.flags.writeable = False
    return px
