"""Safe photo loading: one function that turns any accepted file into a loaded RGBA image.

Guards, in order: the path exists and is a file; it is not empty; it is one of the
allowed raster formats (sniffed, never by extension); its header size is under the
pixel limit (checked before any decoding, Pillow's own bomb guard stays on); it
decodes completely (truncated files are errors, ``LOAD_TRUNCATED_IMAGES`` is never set).
Then EXIF orientation is applied and every mode is brought to 8-bit RGBA.
"""
from __future__ import annotations

import hashlib
import logging
import os
import struct
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from creative.errors import InputError, UsageError

log = logging.getLogger(__name__)

#: Default pixel limit (width × height); env ``CREATIVE_MAX_PIXELS`` overrides it per call.
MAX_PIXELS = 50_000_000

#: Formats we decode, as reported by ``Image.format``; anything else is refused unread.
ALLOWED_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO")
#: Pillow openers to try; MPO has none of its own (the JPEG opener returns MPO files).
_OPENERS: tuple[str, ...] = tuple(f for f in ALLOWED_FORMATS if f != "MPO")

#: Exceptions Pillow raises for malformed or truncated data.
_DECODE_ERRORS = (OSError, SyntaxError, EOFError, ValueError, IndexError, TypeError, struct.error)

_SNIFF_BYTES = 512


def default_max_pixels() -> int:
    """``$CREATIVE_MAX_PIXELS`` when set, else :data:`MAX_PIXELS`."""
    raw = os.environ.get("CREATIVE_MAX_PIXELS", "").strip().replace("_", "")
    if not raw:
        return MAX_PIXELS
    if not raw.isdigit() or int(raw) <= 0:
        raise UsageError(f"CREATIVE_MAX_PIXELS must be a positive integer, got {raw!r}")
    return int(raw)


def _mp(pixels: int) -> str:
    """Pixel counts for messages: 900 MP, 50 MP, 12.5 MP; small ones exactly (5,000 px)."""
    if pixels < 100_000:
        return f"{pixels:,} px"
    return f"{pixels / 1e6:.1f}".rstrip("0").rstrip(".") + " MP"


def _check_file(path: Path) -> None:
    if not path.exists():
        raise UsageError(f"{path}: file not found")
    if path.is_dir():
        raise UsageError(f"{path}: is a directory, not an image file")


def _sniff(head: bytes) -> str:
    """Name what a non-image file looks like, for the error message."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text or b"<body" in text:
        return "not an image: the file is an HTML page (a saved web page?)"
    if b"<svg" in text:
        return "not an image: SVG vector files are not supported, export it as PNG"
    Image.init()
    for fmt, (_, accept) in Image.OPEN.items():
        if fmt in ALLOWED_FORMATS or accept is None:
            continue
        try:
            claimed = accept(head) is True
        except _DECODE_ERRORS:
            continue
        if claimed:
            return f"unsupported image format {fmt}; use JPEG, PNG, WebP, GIF, BMP or TIFF"
    if _is_text(head):
        return "not an image: the file is text"
    return "not an image, or in an image format that cannot be read"


def _is_text(head: bytes) -> bool:
    """UTF-8 without NUL bytes (a multi-byte character cut at the end is fine)."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
    return True


def _header_size(path: Path) -> tuple[int, int] | None:
    """Width and height from the header alone, bypassing ``Image.open``'s bomb check.

    Only called after Pillow refused the file as a decompression bomb, to say how
    big it claims to be; it runs the allowed format's header parser and decodes nothing.
    """
    Image.init()
    with path.open("rb") as fh:
        head = fh.read(16)
        for fmt in _OPENERS:
            factory, accept = Image.OPEN[fmt]
            if accept is not None and accept(head) is not True:
                continue
            fh.seek(0)
            try:
                im = factory(fh, str(path))
            except _DECODE_ERRORS + (Image.DecompressionBombError,):
                continue  # some parsers (GIF) run the bomb check themselves while opening
            return im.size
    return None


def _too_big(path: Path, size: tuple[int, int] | None, limit: int, pillow_msg: str = "") -> InputError:
    if size is None:
        return InputError(f"{path}: image is too large to decode safely ({pillow_msg})")
    w, h = size
    if w * h <= limit:  # only Pillow's decompression-bomb guard (a higher limit was asked for)
        return InputError(f"{path}: image is {w}×{h} ({_mp(w * h)}), over Pillow's "
                          f"decompression-bomb limit ({pillow_msg})")
    return InputError(f"{path}: image is {w}×{h} ({_mp(w * h)}), over the {_mp(limit)} limit")


def _to_8bit(arr: np.ndarray) -> np.ndarray:
    """Scale a 16/32-bit integer or float array to uint8 without clipping highlights."""
    if arr.dtype.kind == "f":
        arr = np.nan_to_num(arr.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        lo, hi = float(arr.min(initial=0.0)), float(arr.max(initial=0.0))
        if lo >= 0.0 and hi <= 1.0:
            return np.round(arr * 255.0).astype(np.uint8)
        if lo >= 0.0 and hi <= 255.0:
            return np.round(arr).astype(np.uint8)
        return np.round((arr - lo) * (255.0 / max(hi - lo, 1e-12))).astype(np.uint8)
    arr = arr.astype(np.int64)
    lo, hi = int(arr.min(initial=0)), int(arr.max(initial=0))
    if lo >= 0 and hi <= 255:
        return arr.astype(np.uint8)
    if lo >= 0 and hi <= 65535:
        return (arr >> 8).astype(np.uint8)
    return ((arr - lo) * 255 // max(hi - lo, 1)).astype(np.uint8)


def _to_rgba(img: Image.Image) -> Image.Image:
    """Any Pillow mode -> 8-bit RGBA (palette transparency kept, 16-bit scaled, CMYK converted).

    An RGBA input is returned as is (the caller passes a copy detached from the file).
    """
    mode = img.mode
    if mode == "RGBA":
        return img
    if mode.startswith("I") or mode == "F":
        return Image.fromarray(_to_8bit(np.asarray(img))).convert("RGBA")
    if mode in ("RGB", "RGBa", "RGBX", "L", "LA", "La", "1", "P", "PA"):
        return img.convert("RGBA")
    # CMYK, YCbCr, LAB, HSV: through RGB (no alpha to keep)
    return img.convert("RGB").convert("RGBA")


def _exif_transpose(img: Image.Image, path: Path) -> Image.Image:
    """A copy turned upright by its EXIF orientation; a broken EXIF block leaves it as stored."""
    try:
        return ImageOps.exif_transpose(img)
    except _DECODE_ERRORS + (KeyError,) as exc:
        log.warning("%s: ignoring unreadable EXIF orientation (%s)", path, exc)
        return img.copy()


def load_image(path: str | os.PathLike[str], *, max_pixels: int | None = None) -> Image.Image:
    """Load a photo as a fully decoded RGBA image, or raise a one-line error naming it.

    ``max_pixels`` defaults to :func:`default_max_pixels`; files whose header claims
    more pixels are refused before decoding. Animated GIF/WebP give their first frame.
    """
    path = Path(path)
    _check_file(path)
    limit = default_max_pixels() if max_pixels is None else max_pixels
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    if not head:
        raise InputError(f"{path}: file is empty (0 bytes)")

    try:
        with Image.open(path, formats=_OPENERS) as im:
            if im.format not in ALLOWED_FORMATS:
                raise InputError(f"{path}: unsupported image format {im.format}")
            w, h = im.size
            if w * h > limit:
                raise _too_big(path, im.size, limit)
            if w <= 0 or h <= 0:
                raise InputError(f"{path}: image has no pixels ({w}×{h})")
            im.seek(0)
            im.load()
            img = _exif_transpose(im, path)
            return _to_rgba(img)
    except UnidentifiedImageError:
        raise InputError(f"{path}: {_sniff(head)}") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own guard fired while reading the header: report the claimed size.
        raise _too_big(path, _header_size(path), limit, " ".join(str(exc).split())) from None
    except InputError:
        raise
    except _DECODE_ERRORS as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(f"{path}: image data is truncated or corrupt ({detail})") from None


def file_digest(path: str | os.PathLike[str], algorithm: str = "sha256") -> str:
    """Hex digest of the file's bytes, read in 1 MiB chunks (md5 allowed: used as a checksum)."""
    path = Path(path)
    _check_file(path)
    digest = hashlib.new(algorithm, usedforsecurity=False)
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def content_hash(path: str | os.PathLike[str]) -> str:
    """sha256 hex digest of the file's bytes: the identity of a photo for caches."""
    return file_digest(path, "sha256")


#: Share of pixels that must be transparent, and opaque, for an alpha channel to count as a cut-out.
ALPHA_MIN_SHARE = 0.005


def has_real_alpha(img: Image.Image) -> bool:
    """True when the alpha channel is a cut-out: some pixels transparent (<= 8), some opaque (>= 248).

    "Some" means at least :data:`ALPHA_MIN_SHARE` of the pixels each, so a stray
    transparent pixel in an otherwise opaque photo does not count.
    """
    if img.mode != "RGBA":
        return False
    hist = img.getchannel("A").histogram()
    total = img.width * img.height
    need = max(1, int(total * ALPHA_MIN_SHARE))
    return sum(hist[:9]) >= need and sum(hist[248:]) >= need
