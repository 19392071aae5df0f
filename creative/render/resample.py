"""Where pixels change size: one resizing policy for cut-outs, pictures and thumbnails."""
from __future__ import annotations

import numpy as np


def resample(px: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``px`` (H x W or H x W x C, uint8; premultiplied when it has alpha) resized to ``size`` (w, h).

    Shrinking halves by exact 2x2 averages while the factor is 2 or more (OpenCV's fast integer
    path), then finishes with an area average, or bilinear when at most 1.5x is left (each output
    pixel then spans under two inputs, so it cannot alias, and it is several times faster);
    between 1.5x and 2x it enlarges bilinearly to twice the size (a gentle step) and halves
    exactly, a quarter of the time of an area average at a factor that is not a whole number;
    enlarging is bicubic."""
    import cv2

    h, w = px.shape[:2]
    if size[0] >= w or size[1] >= h:
        return cv2.resize(px, size, interpolation=cv2.INTER_CUBIC)
    while w >= 2 * size[0] and h >= 2 * size[1]:
        px = cv2.resize(px[: h - h % 2, : w - w % 2], (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        h, w = px.shape[:2]
    if (w, h) == size:
        return px
    if w <= 1.5 * size[0] and h <= 1.5 * size[1]:
        return cv2.resize(px, size, interpolation=cv2.INTER_LINEAR)
    px = cv2.resize(px, (2 * size[0], 2 * size[1]), interpolation=cv2.INTER_LINEAR)
    return cv2.resize(px, size, interpolation=cv2.INTER_AREA)
