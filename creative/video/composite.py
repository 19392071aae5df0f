"""Pixels that move: premultiplied sprites blended onto a frame only where they are.

A frame is an RGB ``uint8`` array (H, W, 3). A :class:`Sprite` is a premultiplied RGBA picture
(kept as a contiguous RGB array and an alpha array, which is what OpenCV's fast paths want).
:func:`blit` places a sprite with a pose (scale about its centre, sub-pixel offset, opacity),
warping and blending only the rectangle it covers: the rest of the frame is never touched.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from .motion import Pose


@dataclass(frozen=True)
class Sprite:
    rgb: np.ndarray  # premultiplied, uint8 (h, w, 3), contiguous
    alpha: np.ndarray  # uint8 (h, w), contiguous

    @property
    def size(self) -> tuple[int, int]:
        return self.alpha.shape[1], self.alpha.shape[0]

    @classmethod
    def from_rgba(cls, rgba: np.ndarray) -> "Sprite":
        """From a straight-alpha RGBA array."""
        a = np.ascontiguousarray(rgba[..., 3])
        rgb = np.ascontiguousarray(rgba[..., :3])
        pre = cv2.multiply(rgb, cv2.merge((a, a, a)), scale=1 / 255.0)
        return cls(pre, a)

    @classmethod
    def from_image(cls, img: Image.Image) -> "Sprite":
        return cls.from_rgba(np.asarray(img.convert("RGBA")))

    @classmethod
    def solid(cls, color: tuple[int, int, int], alpha: np.ndarray) -> "Sprite":
        """A colour shown through a coverage mask (text glyphs)."""
        a = np.ascontiguousarray(alpha, dtype=np.uint8)
        rgb = np.empty(a.shape + (3,), np.uint8)
        for c in range(3):
            rgb[..., c] = (a.astype(np.uint16) * color[c] + 127) // 255
        return cls(rgb, a)

    def scaled(self, factor: float) -> "Sprite":
        """A resampled copy (area filter when shrinking)."""
        w, h = self.size
        nw, nh = max(1, round(w * factor)), max(1, round(h * factor))
        interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
        return Sprite(cv2.resize(self.rgb, (nw, nh), interpolation=interp),
                      cv2.resize(self.alpha, (nw, nh), interpolation=interp))

    def trimmed(self) -> tuple["Sprite", int, int]:
        """The sprite without its fully transparent border, and the offset of what is left."""
        rows = np.flatnonzero(self.alpha.any(axis=1))
        cols = np.flatnonzero(self.alpha.any(axis=0))
        if rows.size == 0:
            return self, 0, 0
        y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
        if (x0, y0, x1, y1) == (0, 0, self.size[0], self.size[1]):
            return self, 0, 0
        return Sprite(np.ascontiguousarray(self.rgb[y0:y1, x0:x1]), np.ascontiguousarray(self.alpha[y0:y1, x0:x1])), x0, y0

    def with_alpha_scaled(self, mul: np.ndarray) -> "Sprite":
        """Multiply coverage by ``mul`` (float32 0..1, same shape as alpha)."""
        m = mul.astype(np.float32, copy=False)
        a = (self.alpha * m + 0.5).astype(np.uint8)
        rgb = (self.rgb * m[..., None] + 0.5).astype(np.uint8)
        return Sprite(rgb, a)


def blend(region: np.ndarray, rgb: np.ndarray, alpha: np.ndarray, opacity: float = 1.0) -> None:
    """``region = rgb + region * (1 - alpha)`` in place (premultiplied "over")."""
    if opacity < 1.0:
        rgb = cv2.convertScaleAbs(rgb, alpha=opacity)
        alpha = cv2.convertScaleAbs(alpha, alpha=opacity)
    inv = cv2.bitwise_not(alpha)
    under = cv2.multiply(region, cv2.merge((inv, inv, inv)), scale=1 / 255.0)
    cv2.add(under, rgb, dst=region)


_RESIZED: dict[int, tuple[tuple[int, int], np.ndarray, np.ndarray, Sprite]] = {}


def _resized(sprite: Sprite, w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """``sprite`` resampled to w x h; the last result per sprite is kept, since a slow push-in
    asks for the same whole-pixel size on several frames in a row."""
    hit = _RESIZED.get(id(sprite))
    if hit is not None and hit[0] == (w, h) and hit[3] is sprite:
        return hit[1], hit[2]
    interp = cv2.INTER_AREA if w < sprite.size[0] * 0.7 else cv2.INTER_LINEAR
    rgb = cv2.resize(sprite.rgb, (w, h), interpolation=interp)
    alpha = cv2.resize(sprite.alpha, (w, h), interpolation=interp)
    if len(_RESIZED) >= 12:  # a scene or two of moving sprites; never a growing store
        _RESIZED.clear()
    _RESIZED[id(sprite)] = ((w, h), rgb, alpha, sprite)
    return rgb, alpha


def blit(frame: np.ndarray, sprite: Sprite, x: float, y: float, pose: Pose = Pose()) -> tuple[int, int, int, int] | None:
    """Draw ``sprite`` with its top-left at (x, y) transformed by ``pose``; returns the touched box."""
    if not pose.visible():
        return None
    H, W = frame.shape[:2]
    w, h = sprite.size
    s = pose.scale
    cx, cy = x + w / 2 + pose.dx, y + h / 2 + pose.dy
    left, top = cx - s * w / 2, cy - s * h / 2
    X0, Y0 = max(0, int(np.floor(left))), max(0, int(np.floor(top)))
    X1, Y1 = min(W, int(np.ceil(left + s * w))), min(H, int(np.ceil(top + s * h)))
    if X1 <= X0 or Y1 <= Y0:
        return None
    if abs(s - 1.0) < 1e-4 and abs(left - round(left)) < 1e-3 and abs(top - round(top)) < 1e-3:
        L, T = round(left), round(top)
        X0, Y0, X1, Y1 = max(0, L), max(0, T), min(W, L + w), min(H, T + h)
        if X1 <= X0 or Y1 <= Y0:
            return None
        region = frame[Y0:Y1, X0:X1]
        sx, sy = X0 - L, Y0 - T
        rgb = sprite.rgb[sy : sy + (Y1 - Y0), sx : sx + (X1 - X0)]
        alpha = sprite.alpha[sy : sy + (Y1 - Y0), sx : sx + (X1 - X0)]
        if not (rgb.flags.c_contiguous and alpha.flags.c_contiguous):
            rgb, alpha = np.ascontiguousarray(rgb), np.ascontiguousarray(alpha)
    else:
        # Resample to the scaled size and place at whole pixels: resize is several times faster
        # than a general warp, and half a pixel of placement is invisible at video frame rates.
        sw, sh = max(1, round(s * w)), max(1, round(s * h))
        L, T = round(cx - sw / 2), round(cy - sh / 2)
        X0, Y0, X1, Y1 = max(0, L), max(0, T), min(W, L + sw), min(H, T + sh)
        if X1 <= X0 or Y1 <= Y0:
            return None
        region = frame[Y0:Y1, X0:X1]
        rgb, alpha = _resized(sprite, sw, sh)
        if (X0, Y0, X1, Y1) != (L, T, L + sw, T + sh):
            rgb = np.ascontiguousarray(rgb[Y0 - T : Y1 - T, X0 - L : X1 - L])
            alpha = np.ascontiguousarray(alpha[Y0 - T : Y1 - T, X0 - L : X1 - L])
    blend(region, rgb, alpha, pose.opacity)
    return (X0, Y0, X1, Y1)


def cover(src: np.ndarray, size: tuple[int, int], zoom: float = 1.0, focus: tuple[float, float] = (0.5, 0.5),
          out: np.ndarray | None = None) -> np.ndarray:
    """Scale ``src`` to cover ``size`` times ``zoom``, centred on ``focus`` (kept inside), into ``out``.

    The view is cut at whole source pixels and resized (one pass, area filter when shrinking).
    """
    w, h = size
    sh, sw = src.shape[:2]
    k = max(w / sw, h / sh) * max(zoom, 1e-3)
    vw, vh = min(sw, w / k), min(sh, h / k)
    fx, fy = focus
    x0 = min(max(fx * sw - vw / 2, 0.0), sw - vw)
    y0 = min(max(fy * sh - vh / 2, 0.0), sh - vh)
    ix0, iy0 = int(round(x0)), int(round(y0))
    ix1, iy1 = min(sw, ix0 + max(1, int(round(vw)))), min(sh, iy0 + max(1, int(round(vh))))
    view = src[iy0:iy1, ix0:ix1]
    interp = cv2.INTER_AREA if k < 0.8 else cv2.INTER_LINEAR
    if out is not None and out.flags.c_contiguous and out.shape[:2] == (h, w):
        cv2.resize(view, (w, h), dst=out, interpolation=interp)
        return out
    res = cv2.resize(view, (w, h), interpolation=interp)
    if out is not None:
        out[...] = res
        return out
    return res


def darken(region: np.ndarray, amount: float) -> None:
    """Blend towards black in place."""
    if amount > 0:
        cv2.convertScaleAbs(region, dst=region, alpha=1.0 - amount)
