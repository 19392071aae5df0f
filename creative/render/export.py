"""Writing images and JSON atomically: a temporary name in the same folder, then a rename."""
from __future__ import annotations

import itertools
import json
import os
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


#: Flags of a temporary output: new (never an existing file), write-only, binary, not inherited.
_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
_temp_seq = itertools.count()


def _open_temp(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path``, open for writing: ``.NAME.PID-N.part``. The process id
    and a counter make the name unique among live writers (one a killed process left is passed
    over: the file is created exclusively). It gets the usual permissions (0666 less the umask),
    and costs one system call: ``tempfile.mkstemp`` draws a random name and needs a ``chmod``."""
    while True:
        tmp = os.path.join(path.parent, f".{path.name}.{os.getpid()}-{next(_temp_seq)}.part")
        try:
            return os.open(tmp, _TEMP_FLAGS, 0o666), tmp
        except FileExistsError:
            continue


def _atomic_write(path: Path, write) -> None:
    tmp = None
    try:
        try:
            fd, tmp = _open_temp(path)
        except FileNotFoundError:  # the folder is made on the first write into it
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = _open_temp(path)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except OSError as e:
        if tmp:
            _unlink(tmp)
        raise CreativeError(f"{path}: could not write ({e.strerror or e})") from None
    except BaseException:
        if tmp:
            _unlink(tmp)
        raise


def _unlink(p: str) -> None:
    try:
        os.unlink(p)
    except FileNotFoundError:
        pass


def save_image(img: Image.Image, path: str | Path, fmt: str | None = None, *, quality: int = 90,
               compress_level: int = 3, bgr: Any = None) -> Path:
    """Save ``img`` to ``path`` atomically; JPEG gets RGB, PNG/WebP keep alpha. ``compress_level``
    (PNG, 0-9) trades size for speed: 1 suits previews written once and looked at. ``bgr``:
    :func:`bgr_pixels` of ``img`` when the caller has made it already (JPEG uses it)."""
    path = Path(path)
    pil_fmt = format_for(path, fmt)
    if pil_fmt == "SVG":
        raise UsageError(f"{path}: an SVG is written from the design, not from pixels (creative.render.svg)")
    out = img
    # JPEG: an RGB image goes to Pillow's encoder as it is (libjpeg-turbo reads Pillow's 4-byte RGB
    # pixels directly); OpenCV's encoder needs a BGR array, worth it when the caller has one or
    # when the image is RGBA (one pass makes the array and drops alpha). Both write the same bytes.
    if pil_fmt == "JPEG" and (bgr is not None or img.mode in ("RGBA", "L")):
        _atomic_write(path, lambda fh: fh.write(_jpeg_by_opencv(img, quality, bgr)))
        return path
    if pil_fmt == "JPEG" and img.mode != "RGB":
        out = img.convert("RGB")
    params: dict[str, Any] = {}
    if pil_fmt == "JPEG":
        params = {"quality": quality, "optimize": False, "subsampling": "4:2:0"}
    elif pil_fmt == "PNG":
        if compress_level <= 1 and out.mode in _CV2_MODES:
            _atomic_write(path, lambda fh: fh.write(png_bytes(out, compress_level=compress_level)))
            return path
        params = {"compress_level": compress_level}
    elif pil_fmt == "WEBP":
        params = {"quality": quality, "method": 3}
    _atomic_write(path, lambda fh: out.save(fh, format=pil_fmt, **params))
    return path


_CV2_MODES = ("RGB", "RGBA", "L")


def _opencv_pixels(img: Image.Image, keep_alpha: bool):  # -> np.ndarray in OpenCV's channel order
    import cv2
    import numpy as np

    if img.mode == "L":
        return np.asarray(img)
    if img.mode == "RGBA" and keep_alpha:
        return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGBA2BGRA)
    return bgr_pixels(img)


def bgr_pixels(img: Image.Image):  # -> np.ndarray
    """An RGB or RGBA image as OpenCV's ``H x W x 3`` BGR array (alpha dropped: for opaque
    images), packed by Pillow in one pass (``np.asarray`` then a colour conversion is two)."""
    import numpy as np

    if img.mode not in ("RGB", "RGBA"):
        raise ValueError(f"bgr_pixels takes RGB or RGBA images, not {img.mode}")
    return np.frombuffer(img.tobytes("raw", "BGR"), np.uint8).reshape(img.height, img.width, 3)


_PNG_FILTERS = {"none": "IMWRITE_PNG_FILTER_NONE", "up": "IMWRITE_PNG_FILTER_UP"}


def png_bytes(img: Image.Image, *, compress_level: int = 1, row_filter: str = "none") -> bytes:
    """The PNG file of an RGB, RGBA or L image through OpenCV's encoder (it lets go of the GIL),
    with one row filter for every row: ``none`` encodes fastest (previews: half of Pillow's time,
    files about 15 % larger); ``up`` makes files as small as Pillow's at level 1 that decode in
    about 55 % of the time (caches read far more often than written)."""
    import cv2

    if img.mode not in _CV2_MODES:
        raise ValueError(f"png_bytes takes RGB, RGBA or L images, not {img.mode}")
    ok, buf = cv2.imencode(".png", _opencv_pixels(img, True), [
        cv2.IMWRITE_PNG_COMPRESSION, compress_level, cv2.IMWRITE_PNG_FILTER, getattr(cv2, _PNG_FILTERS[row_filter])])
    if not ok:  # pragma: no cover - OpenCV reports failure only for unsupported arrays
        raise CreativeError("could not encode a PNG")
    return buf.tobytes()


def _jpeg_by_opencv(img: Image.Image, quality: int, bgr: Any = None) -> bytes:
    """The JPEG file (baseline, 4:2:0, like Pillow's with these settings) of an RGB, RGBA (alpha
    dropped, as Pillow's conversion does) or L image: OpenCV converts and encodes in about 60 %
    of the time Pillow takes to convert to RGB and encode."""
    import cv2

    ok, buf = cv2.imencode(".jpg", _opencv_pixels(img, False) if bgr is None else bgr, [
        cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, 0,
        cv2.IMWRITE_JPEG_SAMPLING_FACTOR, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420])
    if not ok:  # pragma: no cover
        raise CreativeError("could not encode a JPEG")
    return buf.tobytes()


def save_json(data: Any, path: str | Path) -> Path:
    path = Path(path)
    payload = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False).encode("utf-8")
    _atomic_write(path, lambda fh: fh.write(payload))
    return path
