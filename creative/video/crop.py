"""Crop a picture to a target aspect around its subject (centre of saliency).

A small stand-in for the material package's smart crop: the saliency map is the density of
detail (blurred gradient magnitude) plus the colour distance (CIELAB) from the border's median
colour, on a 96 px thumbnail; the subject is the weighted centroid of its strongest part.
The crop is the largest window of the wanted aspect that keeps that point as central as the
picture allows.
"""
from __future__ import annotations

import cv2
import numpy as np

THUMB = 96


def saliency(rgb: np.ndarray) -> np.ndarray:
    """Saliency map (float32, 0..1) of an RGB picture at thumbnail size (about 96 px a side)."""
    h, w = rgb.shape[:2]
    k = THUMB / max(h, w)
    small = cv2.resize(rgb, (max(8, round(w * k)), max(8, round(h * k))), interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    detail = cv2.GaussianBlur(np.hypot(gx, gy), (0, 0), 3.0)
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32)
    border = np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]])
    dist = cv2.GaussianBlur(np.linalg.norm(lab - np.median(border, axis=0), axis=2), (0, 0), 1.5)
    return _norm(0.4 * _norm(detail) + 0.6 * _norm(dist))


def _norm(a: np.ndarray) -> np.ndarray:
    lo, hi = float(a.min()), float(a.max())
    return ((a - lo) / (hi - lo)).astype(np.float32) if hi > lo else np.zeros_like(a, np.float32)


def subject_center(rgb: np.ndarray) -> tuple[float, float]:
    """The subject's centre as fractions (x, y) of the picture."""
    s = saliency(rgb)
    thr = np.quantile(s, 0.85)
    wts = np.where(s >= thr, s, 0.0) ** 2
    total = float(wts.sum())
    if total <= 0:
        return 0.5, 0.5
    ys, xs = np.mgrid[0 : s.shape[0], 0 : s.shape[1]]
    return float((xs * wts).sum() / total / s.shape[1]), float((ys * wts).sum() / total / s.shape[0])


def crop_box(src_size: tuple[int, int], aspect: float, center: tuple[float, float]) -> tuple[float, float, float, float]:
    """Largest window of ``aspect`` (w/h) in a ``src_size`` picture centred on ``center``
    as far as the edges allow; fractions ``(x0, y0, x1, y1)`` of the picture."""
    sw, sh = src_size
    if sw / sh > aspect:
        cw, ch = sh * aspect, float(sh)
    else:
        cw, ch = float(sw), sw / aspect
    cx, cy = center[0] * sw, center[1] * sh
    x0 = min(max(cx - cw / 2, 0.0), sw - cw)
    y0 = min(max(cy - ch / 2, 0.0), sh - ch)
    return (x0 / sw, y0 / sh, (x0 + cw) / sw, (y0 + ch) / sh)


def smart_crop(rgb: np.ndarray, aspect: float) -> tuple[float, float, float, float]:
    """Crop fractions of ``aspect`` around the subject of ``rgb``."""
    return crop_box((rgb.shape[1], rgb.shape[0]), aspect, subject_center(rgb))
