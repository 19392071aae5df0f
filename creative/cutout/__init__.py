"""Product cut-out: photo in, cached RGBA cut-out cropped to the product out.

>>> cut = cut_out("shoe.jpg")          # doctest: +SKIP
>>> cut.image().size == cut.size       # doctest: +SKIP

Removers are looked up by name in :data:`REMOVERS` (``alpha``, ``u2netp``, and any
registered with :func:`register_remover`). Importing this package loads no model
library: rembg/onnxruntime are imported by the backend on first use.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

from creative.cutout import cache as _cache
from creative.cutout import models
from creative.cutout import rembg_backend as _rembg_backend  # noqa: F401  registers u2netp
from creative.cutout.base import (
    REMOVERS,
    Remover,
    get_remover,
    register_remover,
    unregister_remover,
)
from creative.cutout.cache import CUTOUT_VERSION, Cutout, cache_dir, lookup, make_key, store
from creative.errors import InputError
from creative.material.load import content_hash, has_real_alpha, load_image

__all__ = [
    "CUTOUT_VERSION", "Cutout", "REMOVERS", "Remover", "cache_dir", "cut_out",
    "get_remover", "models", "register_remover", "unregister_remover",
]

#: Padding around the product, as a share of the product's larger side.
PAD_SHARE = 0.04
#: A cut-out covering less than this share of the photo counts as empty.
MIN_COVERAGE = 0.005


def _mask_for(rgb: Image.Image, rm: Remover) -> Image.Image:
    """Run ``rm`` on the RGB photo and check it kept its side of the contract."""
    mask = rm.mask(rgb)
    if mask.size != rgb.size:
        raise ValueError(f"remover {rm.name!r} returned a {mask.size} mask for a {rgb.size} photo")
    return mask if mask.mode == "L" else mask.convert("L")


def _padded(bbox: tuple[int, int, int, int], size: tuple[int, int]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = bbox
    pad = round(PAD_SHARE * max(x1 - x0, y1 - y0))
    return max(0, x0 - pad), max(0, y0 - pad), min(size[0], x1 + pad), min(size[1], y1 + pad)


def cut_out(photo: str | os.PathLike[str], *, remover: str = "u2netp",
            cache_dir: Path | None = None, refresh: bool = False) -> Cutout:
    """Cut the product out of ``photo`` (cached by content, remover and options).

    A photo that already has a real transparent background keeps its own alpha
    (recorded as remover ``"alpha"``) and no model runs. ``bbox`` is in the upright
    (EXIF-rotated) photo. Raises :class:`InputError` when nothing is found.
    """
    source = Path(photo)
    rm = get_remover(remover)
    root = cache_dir if cache_dir is not None else _cache.cache_dir()
    key = make_key(content_hash(source), rm.name, rm.options())
    if not refresh:
        hit = lookup(root, key, source)
        if hit is not None:
            return hit

    img = load_image(source)
    rgb = img.convert("RGB")
    if has_real_alpha(img):
        alpha, used = img.getchannel("A"), "alpha"
    elif rm.name == "alpha":
        raise InputError(f"{source}: the photo has no transparent background to reuse; "
                         "choose a model remover such as u2netp")
    else:
        alpha, used = _mask_for(rgb, rm), rm.name

    a = np.asarray(alpha)
    solid = int(np.count_nonzero(a > 127))
    if solid < MIN_COVERAGE * a.size:
        raise InputError(f"{source}: no product found in the photo (the cut-out is empty)")
    ys, xs = np.nonzero(a > 8)
    bbox = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)

    rgba = np.dstack([np.asarray(rgb), a])
    rgba[a == 0, :3] = 0  # colour under full transparency is noise: zero it (smaller, stable PNG)
    crop = Image.fromarray(rgba).crop(_padded(bbox, img.size))
    return store(root, key, crop, remover=used, source=source, bbox=bbox,
                 coverage=round(solid / a.size, 6))

