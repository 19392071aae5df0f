"""Product cut-out: photo in, cached RGBA cut-out cropped to the product out.

>>> cut = cut_out("shoe.jpg")          # doctest: +SKIP
>>> cut.image().size == cut.size       # doctest: +SKIP

Removers are looked up by name in :data:`REMOVERS`: ``auto`` (default: the plain-background
path on studio shots, else the model refined at full resolution), ``plain`` (colour only),
``u2netp`` (model + refinement), ``alpha`` (reuse the photo's transparency), any other rembg
model whose weights are in the model dir, a path to a custom ``.onnx`` file, and any remover
registered with :func:`register_remover`. Importing this package loads no model library:
rembg/onnxruntime/OpenCV are imported on first use.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

from creative.cutout import auto as _auto  # noqa: F401  registers auto
from creative.cutout import cache as _cache
from creative.cutout import models
from creative.cutout import plain as _plain  # noqa: F401  registers plain
from creative.cutout import rembg_backend as _rembg_backend  # noqa: F401  registers u2netp & co
from creative.cutout.base import (
    REMOVERS,
    Matte,
    Remover,
    get_remover,
    register_remover,
    unregister_remover,
)
from creative.cutout.cache import CUTOUT_VERSION, Cutout, cache_dir, lookup, make_key, store
from creative.errors import InputError
from creative.material.load import content_hash, has_real_alpha, load_image

__all__ = [
    "CUTOUT_VERSION", "Cutout", "DEFAULT_REMOVER", "Matte", "REMOVERS", "Remover", "cache_dir",
    "cut_out", "get_remover", "models", "register_remover", "unregister_remover",
]

#: The remover :func:`cut_out` uses when none is named.
DEFAULT_REMOVER = "auto"
#: Padding around the product, as a share of the product's larger side.
PAD_SHARE = 0.04
#: A cut-out covering less than this share of the photo counts as empty.
MIN_COVERAGE = 0.005
#: Photos with a shorter side under this are refused: there is nothing to cut at that size.
MIN_SIDE = 16
#: Photos over this many pixels are matted on a downscaled copy; the alpha is scaled back up.
WORK_PIXELS = 16_000_000
#: A photo whose colours vary less than this (std, 0–255) is one flat colour.
BLANK_STD = 2.0


def _padded(bbox: tuple[int, int, int, int], size: tuple[int, int]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = bbox
    pad = round(PAD_SHARE * max(x1 - x0, y1 - y0))
    return max(0, x0 - pad), max(0, y0 - pad), min(size[0], x1 + pad), min(size[1], y1 + pad)


def _check_not_blank(source: Path, rgb: Image.Image) -> None:
    """A photo of one flat colour (all white, all black...) has no product to cut."""
    small = np.asarray(rgb.resize((64, 64), Image.Resampling.BOX) if rgb.width * rgb.height > 4096 else rgb,
                       dtype=np.float32)
    if float(small.reshape(-1, 3).std(axis=0).max()) < BLANK_STD:
        r, g, b = (int(round(v)) for v in small.reshape(-1, 3).mean(axis=0))
        what = "all white" if min(r, g, b) >= 245 else f"one flat colour #{r:02x}{g:02x}{b:02x}"
        raise InputError(f"{source}: the photo is blank ({what}): there is no product to cut out")


def _matte(rm: Remover, rgb: Image.Image) -> Matte:
    """Run the remover, at a working resolution for huge photos, and check its answer."""
    w, h = rgb.size
    scale = (WORK_PIXELS / (w * h)) ** 0.5 if w * h > WORK_PIXELS else 1.0
    work = rgb.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BOX) if scale < 1 else rgb
    m = rm.matte(work)
    if m.alpha.shape != (work.height, work.width):
        raise ValueError(f"remover {rm.name!r} returned a {m.alpha.shape[::-1]} mask for a {work.size} photo")
    alpha = np.clip(m.alpha.astype(np.float32), 0.0, 1.0)
    if scale < 1:
        import cv2

        alpha = cv2.resize(alpha, (w, h), interpolation=cv2.INTER_LINEAR)
    return Matte(alpha, m.method)


def _center_of_mass(a: np.ndarray) -> tuple[float, float]:
    """Alpha-weighted centre (x, y), pixel centres at +0.5."""
    a = a.astype(np.float64)
    total = a.sum()
    cols, rows = a.sum(axis=0), a.sum(axis=1)
    return (float((cols * (np.arange(a.shape[1]) + 0.5)).sum() / total),
            float((rows * (np.arange(a.shape[0]) + 0.5)).sum() / total))


def cut_out(photo: str | os.PathLike[str], *, remover: str = DEFAULT_REMOVER,
            cache_dir: Path | None = None, refresh: bool = False,
            decontaminate: bool = True) -> Cutout:
    """Cut the product out of ``photo`` (cached by content, remover and options).

    A photo that already has a real transparent background keeps its own alpha
    (recorded as remover ``"alpha"``) and no model runs. ``decontaminate`` replaces the
    colour of partly transparent edge pixels by the product's own (no background rim).
    ``bbox``, ``center_of_mass`` and ``crop_box`` are in the upright (EXIF-rotated) photo.
    Raises :class:`InputError` with the reason when there is nothing usable to cut.
    """
    source = Path(photo)
    rm = get_remover(remover)
    root = cache_dir if cache_dir is not None else _cache.cache_dir()
    key = make_key(content_hash(source), rm.name, {**rm.options(), "decontaminate": decontaminate})
    if not refresh:
        hit = lookup(root, key, source)
        if hit is not None:
            return hit

    img = load_image(source)
    w, h = img.size
    if min(w, h) < MIN_SIDE:
        raise InputError(f"{source}: image is {w}×{h}, too small to cut a product out of "
                         f"(at least {MIN_SIDE} px a side)")
    rgb = img.convert("RGB")
    if has_real_alpha(img):
        a8, used, method = np.asarray(img.getchannel("A")), "alpha", "alpha"
    elif img.getchannel("A").getextrema()[1] <= 8:
        raise InputError(f"{source}: the image is fully transparent: there is no product in it")
    elif rm.name == "alpha":
        raise InputError(f"{source}: the photo has no transparent background to reuse; "
                         "choose a model remover such as u2netp")
    else:
        _check_not_blank(source, rgb)
        try:
            m = _matte(rm, rgb)
        except InputError as exc:
            msg = str(exc)
            raise InputError(msg if msg.startswith(f"{source}:") else f"{source}: {msg}") from None
        a8, used, method = np.round(m.alpha * 255.0).astype(np.uint8), rm.name, m.method

    solid = int(np.count_nonzero(a8 > 127))
    if solid < MIN_COVERAGE * a8.size:
        if method == "plain" or method.startswith("plain+"):
            raise InputError(f"{source}: no product found in the photo (the cut-out is empty): "
                             "it looks like an empty backdrop")
        raise InputError(f"{source}: no product found in the photo (the cut-out is empty)")
    ys, xs = np.nonzero(a8 > 8)
    bbox = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)

    pixels = np.asarray(rgb)
    if decontaminate and used != "alpha":
        from creative.cutout.refine import decontaminate as _decontaminate

        pixels = _decontaminate(pixels, a8.astype(np.float32) / 255.0)
    rgba = np.dstack([pixels, a8])
    rgba[a8 == 0, :3] = 0  # colour under full transparency is noise: zero it (smaller, stable PNG)
    crop_box = _padded(bbox, img.size)
    crop = Image.fromarray(rgba).crop(crop_box)
    return store(root, key, crop, remover=used, source=source, bbox=bbox,
                 coverage=round(solid / a8.size, 6), center_of_mass=_center_of_mass(a8),
                 crop_box=crop_box, method=method)
