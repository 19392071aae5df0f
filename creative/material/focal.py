"""Focal point and smart crop: find the subject, crop a photo or a video frame to any aspect around it.

The subject comes from a cut-out's alpha when there is one (exact), else from a
spectral-residual saliency map (Hou & Zhang, CVPR 2007: the log-amplitude spectrum minus its
local average, back-transformed). That is the algorithm behind OpenCV-contrib's
``StaticSaliencySpectralResidual``; a few lines of numpy keep us on the one OpenCV flavour the
project pins (opencv-python-headless, no contrib).

:func:`smart_crop` returns the largest box of the asked aspect inside the image that holds
the whole subject box when it fits, centred on the subject's centre of mass as far as the
image edges allow. When the subject cannot fit (a wide product in a tall crop), the box is
centred on the centre of mass.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

Box = tuple[int, int, int, int]

#: Side of the grey thumbnail the saliency is computed on (as in the paper, 64 px).
SALIENCY_SIDE = 64
#: Share of the saliency mass the subject box must hold.
SALIENT_MASS = 0.6


@dataclass(frozen=True)
class Focus:
    """Where the subject is: its box and its centre (image pixels)."""

    box: Box
    center: tuple[float, float]


def _as_rgb(image: Any) -> np.ndarray:
    if isinstance(image, Image.Image):
        return np.asarray(image.convert("RGB"))
    arr = np.asarray(image)
    if arr.ndim == 2:
        return np.repeat(arr[..., None], 3, axis=2)
    return arr[..., :3]


def saliency_map(image: Any) -> np.ndarray:
    """Spectral-residual saliency (float32 0–1) at the image's size."""
    import cv2

    rgb = _as_rgb(image)
    h, w = rgb.shape[:2]
    grey = cv2.cvtColor(np.ascontiguousarray(rgb, dtype=np.uint8), cv2.COLOR_RGB2GRAY).astype(np.float32)
    s = SALIENCY_SIDE / max(h, w)
    small = cv2.resize(grey, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)
    spec = np.fft.fft2(small)
    log_amp = np.log(np.abs(spec) + 1e-8)
    phase = np.angle(spec)
    residual = log_amp - cv2.blur(log_amp, (3, 3))
    sal = np.abs(np.fft.ifft2(np.exp(residual + 1j * phase))) ** 2
    sal = cv2.GaussianBlur(sal.astype(np.float32), (0, 0), 2.5)
    sal = cv2.resize(sal, (w, h), interpolation=cv2.INTER_LINEAR)
    lo, hi = float(sal.min()), float(sal.max())
    return (sal - lo) / (hi - lo) if hi > lo else np.zeros((h, w), np.float32)


def _mass_box(weights: np.ndarray, share: float) -> Box:
    """The box holding the central ``share`` of the weight along each axis."""
    total = float(weights.sum())
    h, w = weights.shape
    if total <= 0:
        return 0, 0, w, h
    lo_q, hi_q = (1 - share) / 2, 1 - (1 - share) / 2

    def span(profile: np.ndarray) -> tuple[int, int]:
        c = np.cumsum(profile) / total
        return int(np.searchsorted(c, lo_q)), int(np.searchsorted(c, hi_q)) + 1

    x0, x1 = span(weights.sum(axis=0))
    y0, y1 = span(weights.sum(axis=1))
    return x0, y0, min(w, x1), min(h, y1)


def find_focus(image: Any, alpha: np.ndarray | None = None) -> Focus:
    """The subject of ``image``: from ``alpha`` (H×W; >0.5 or >127 is subject) when given, else saliency."""
    rgb = _as_rgb(image)
    h, w = rgb.shape[:2]
    if alpha is not None:
        a = np.asarray(alpha, dtype=np.float32)
        a = a / 255.0 if a.max() > 1.0 else a
        if a.shape != (h, w):
            raise ValueError(f"alpha is {a.shape[::-1]}, the image {w}×{h}")
        solid = a > 0.5
        if solid.any():
            ys, xs = np.nonzero(solid)
            box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
            return Focus(box, _centre(a))
    sal = saliency_map(rgb)
    weights = np.clip(sal - float(sal.mean()), 0, None)
    return Focus(_mass_box(weights, SALIENT_MASS), _centre(weights))


def _centre(weights: np.ndarray) -> tuple[float, float]:
    total = float(weights.sum())
    h, w = weights.shape
    if total <= 0:
        return w / 2, h / 2
    return (float((weights.sum(axis=0) * (np.arange(w) + 0.5)).sum() / total),
            float((weights.sum(axis=1) * (np.arange(h) + 0.5)).sum() / total))


def _ratio(aspect: float | tuple[int, int]) -> float:
    if isinstance(aspect, tuple):
        w, h = aspect
        if w <= 0 or h <= 0:
            raise ValueError(f"aspect {aspect} must be positive")
        return w / h
    if aspect <= 0:
        raise ValueError(f"aspect {aspect} must be positive")
    return float(aspect)


def _place(length: int, total: int, lo: int, hi: int, centre: float) -> int:
    """Start of a window of ``length`` in [0, total] holding [lo, hi) if it fits, centred on ``centre``."""
    start = round(centre - length / 2)
    if hi - lo <= length:
        start = min(max(start, hi - length), lo)  # keep the whole subject inside
    return int(min(max(start, 0), total - length))


def smart_crop(image: Any, aspect: float | tuple[int, int], focus: Any = None) -> Box:
    """Crop box (x0, y0, x1, y1) of ``aspect`` (w/h or a (w, h) size) around the subject.

    ``image`` is a PIL image, an array, or just a ``(w, h)`` size when ``focus`` is given.
    ``focus`` is a :class:`Focus`, a box ``(x0, y0, x1, y1)``, an alpha array, an object with
    ``bbox`` and ``center_of_mass`` (a :class:`creative.cutout.Cutout` of this photo), or None
    (saliency). The box is the largest of that aspect inside the image and never cuts the
    subject when the subject fits in it.
    """
    if isinstance(image, tuple) and len(image) == 2:
        w, h = image
        rgb = None
    else:
        rgb = _as_rgb(image)
        h, w = rgb.shape[:2]
    if isinstance(focus, Focus):
        f = focus
    elif focus is not None and hasattr(focus, "bbox") and hasattr(focus, "center_of_mass"):
        f = Focus(tuple(int(v) for v in focus.bbox), tuple(float(v) for v in focus.center_of_mass))  # type: ignore[arg-type]
    elif isinstance(focus, tuple) and len(focus) == 4:
        x0, y0, x1, y1 = (int(v) for v in focus)
        f = Focus((x0, y0, x1, y1), ((x0 + x1) / 2, (y0 + y1) / 2))
    elif focus is not None:
        if rgb is None:
            a = np.asarray(focus)
            rgb = np.zeros((*a.shape[:2], 3), np.uint8)
        f = find_focus(rgb, np.asarray(focus))
    else:
        if rgb is None:
            raise ValueError("smart_crop needs the image (or a focus) to find the subject")
        f = find_focus(rgb)
    r = _ratio(aspect)
    cw, ch = (w, max(1, round(w / r))) if w / h <= r else (max(1, round(h * r)), h)
    cw, ch = min(cw, w), min(ch, h)
    bx0, by0, bx1, by1 = f.box
    x = _place(cw, w, bx0, bx1, f.center[0])
    y = _place(ch, h, by0, by1, f.center[1])
    return x, y, x + cw, y + ch
