"""WCAG 2.x contrast maths, and fixing a text colour that does not reach it.

Luminance follows WCAG 2.x: sRGB channels linearised (``c <= 0.04045 ? c/12.92 :
((c+0.055)/1.055)**2.4``), then ``Y = 0.2126 R + 0.7152 G + 0.0722 B``; the ratio of
two colours is ``(Y_light + 0.05) / (Y_dark + 0.05)``, from 1 to 21.

Text usually sits on pixels, not on one colour, so :func:`measured_contrast` takes the
pixels behind the text and returns a robust minimum of the per-pixel ratios. The
array functions are numpy throughout (a lookup table for the linearisation): they run
for every text element of every banner.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from typing import TYPE_CHECKING

import numpy as np

from .space import RGB, oklch, to_rgb

if TYPE_CHECKING:
    from coloraide import Color

#: Ratio added to the target when :func:`fix_text_color` changes a colour, so rounding
#: and resampling of the rendered text do not drop it back under the threshold.
SAFETY_MARGIN = 0.05
#: Percentile of the per-pixel ratios that :func:`measured_contrast` reports.
ROBUST_PERCENTILE = 2.0

_LINEAR = np.array(
    [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in np.arange(256) / 255.0]
)
# One lookup table per channel with its weight folded in: Y = _LR[r] + _LG[g] + _LB[b].
_LR, _LG, _LB = 0.2126 * _LINEAR, 0.7152 * _LINEAR, 0.0722 * _LINEAR
_WHITE: RGB = (255, 255, 255)
_BLACK: RGB = (0, 0, 0)


def relative_luminance(rgb: RGB) -> float:
    """WCAG relative luminance of an sRGB colour given as 0-255 integers (0 black, 1 white)."""
    r, g, b = (int(c) for c in rgb)
    if not (0 <= r <= 255 and 0 <= g <= 255 and 0 <= b <= 255):
        raise ValueError(f"expected an sRGB colour of three integers 0-255, got {rgb}")
    return float(_LR[r] + _LG[g] + _LB[b])


def _ratio(y1: float, y2: float) -> float:
    hi, lo = (y1, y2) if y1 >= y2 else (y2, y1)
    return (hi + 0.05) / (lo + 0.05)


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two sRGB colours, 1.0 (same) to 21.0 (black on white)."""
    return _ratio(relative_luminance(a), relative_luminance(b))


def _checked(pixels: np.ndarray) -> np.ndarray:
    px = np.asarray(pixels)
    if px.dtype != np.uint8 or px.ndim < 1 or px.shape[-1] != 3:
        raise ValueError(f"expected a (..., 3) uint8 array, got {px.dtype} {px.shape}")
    return px


def luminance_array(pixels: np.ndarray) -> np.ndarray:
    """Relative luminance of every pixel of a ``(..., 3)`` uint8 array, shape ``(...)``."""
    px = _checked(pixels).astype(np.intp)  # integer indexing is ~2x faster from intp than uint8
    return _LR[px[..., 0]] + _LG[px[..., 1]] + _LB[px[..., 2]]


def _ratios(y: float, lum: np.ndarray) -> np.ndarray:
    return (np.maximum(lum, y) + 0.05) / (np.minimum(lum, y) + 0.05)


def contrast_against(rgb: RGB, pixels: np.ndarray) -> np.ndarray:
    """Contrast ratio of one colour against every pixel of a ``(..., 3)`` uint8 array."""
    return _ratios(relative_luminance(rgb), luminance_array(pixels))


def required_ratio(font_px: float, bold: bool) -> float:
    """WCAG AA minimum: 3.0 for large text (>= 24 px, or >= 18.66 px bold), else 4.5."""
    large = font_px >= 24.0 or (bold and font_px >= 18.66)
    return 3.0 if large else 4.5


def _robust_min(ratios: np.ndarray) -> float:
    """``np.percentile(ratios, ROBUST_PERCENTILE)`` (linear method) in O(n): one
    partition for the lower order statistic, a min over the rest for the upper one."""
    flat = ratios.reshape(-1)
    if flat.size == 0:
        raise ValueError("no pixels behind the text")
    pos = (flat.size - 1) * ROBUST_PERCENTILE / 100.0
    lo = int(math.floor(pos))
    part = np.partition(flat, lo)
    low = float(part[lo])
    high = float(part[lo + 1 :].min()) if lo + 1 < flat.size else low
    return low + (pos - lo) * (high - low)


def _kth_nearest(s: np.ndarray, x: float, k: int) -> float:
    """Distance from ``x`` to its ``k``-th nearest value (0-based) in the sorted array ``s``.

    The k+1 nearest values form a window of ``s``; binary search for its start.
    """
    m = k + 1
    lo, hi = 0, s.size - m
    while lo < hi:
        mid = (lo + hi) // 2
        if x - s[mid] > s[mid + m] - x:
            lo = mid + 1
        else:
            hi = mid
    return float(max(x - s[lo], s[lo + m - 1] - x))


class _Background:
    """The pixels behind a text, prepared so that the robust contrast of many candidate
    text colours costs O(log n) each: a ratio is ``exp(|log(Y + 0.05) - log(Yi + 0.05)|)``,
    so its order statistics are nearest-neighbour distances in the sorted log luminances."""

    def __init__(self, behind: np.ndarray) -> None:
        self._logs = np.log(luminance_array(behind).reshape(-1) + 0.05)
        if self._logs.size == 0:
            raise ValueError("no pixels behind the text")
        self._sorted: np.ndarray | None = None
        pos = (self._logs.size - 1) * ROBUST_PERCENTILE / 100.0
        self.k, self.frac = int(math.floor(pos)), pos - math.floor(pos)

    @property
    def logs(self) -> np.ndarray:
        """The log luminances, sorted (on first use: a text whose colour is kept needs no sort)."""
        if self._sorted is None:
            self._sorted = np.sort(self._logs)
        return self._sorted

    def measured_once(self, rgb: RGB) -> float:
        """:meth:`measured` in O(n) without sorting (the same distances, so the same value): for
        the one colour most texts need, as the palette's colour usually reaches the ratio."""
        x = math.log(relative_luminance(rgb) + 0.05)
        d = np.abs(self._logs - x)
        if self.k + 1 >= d.size:
            return math.exp(float(np.partition(d, self.k)[self.k]))
        part = np.partition(d, (self.k, self.k + 1))
        low = math.exp(float(part[self.k]))
        return low + self.frac * (math.exp(float(part[self.k + 1])) - low)

    def measured(self, rgb: RGB) -> float:
        """Same value as :func:`measured_contrast` (to rounding)."""
        x = math.log(relative_luminance(rgb) + 0.05)
        low = math.exp(_kth_nearest(self.logs, x, self.k))
        if self.k + 1 >= self.logs.size:
            return low
        return low + self.frac * (math.exp(_kth_nearest(self.logs, x, self.k + 1)) - low)


def measured_contrast(rgb: RGB, behind: np.ndarray) -> float:
    """The contrast text of colour ``rgb`` gets against the pixels ``behind`` it
    (a ``(..., 3)`` uint8 array, usually the ``(N, 3)`` pixels under the glyphs' box).

    A robust minimum: the 2nd percentile of the per-pixel ratios, so a few stray
    anti-aliased pixels do not decide it but a half-dark background does.
    """
    return _robust_min(contrast_against(rgb, behind))


@dataclass(frozen=True)
class ContrastFix:
    """Result of :func:`fix_text_color`.

    ``ok`` is False when neither a lighter nor a darker version of the colour, up to white
    or black, reaches the ratio: the background spans dark and light. ``color`` is then
    the better of white and black and the caller needs an underlay (:func:`underlay_color`).
    """

    color: RGB
    ratio: float
    ok: bool
    changed: bool


def _with_lightness(lch: Color, lightness: float) -> RGB:
    return to_rgb(lch.clone().set("lightness", lightness))


def _search_lightness(
    lch: Color, end: float, passes: Callable[[RGB], bool]
) -> tuple[float, RGB] | None:
    """Bisection from the colour's own lightness toward ``end`` (0 or 1): the smallest
    lightness change whose colour ``passes``, as (change, colour); None if ``end`` fails."""
    end_rgb = _with_lightness(lch, end)
    if not passes(end_rgb):
        return None
    start = float(lch["lightness"])
    lo, hi, best = start, end, end_rgb
    while abs(hi - lo) > 0.002:
        mid = (lo + hi) / 2
        rgb = _with_lightness(lch, mid)
        if passes(rgb):
            hi, best = mid, rgb
        else:
            lo = mid
    return abs(hi - start), best


def fix_text_color(rgb: RGB, behind: np.ndarray, min_ratio: float) -> ContrastFix:
    """Keep ``rgb`` if it reaches ``min_ratio`` against ``behind``; else the nearest colour that does.

    The colour's OKLCh lightness moves (hue kept, chroma reduced by gamut mapping as
    needed) lighter or darker, whichever reaches ``min_ratio + SAFETY_MARGIN`` with the
    smaller change, found by bisection. If neither direction reaches it, pure white or
    black, whichever is better, is returned with ``ok`` telling whether it reaches
    ``min_ratio`` at all.
    """
    background = _Background(behind)
    measure = background.measured
    rgb = tuple(int(c) for c in rgb)  # type: ignore[assignment]
    ratio = background.measured_once(rgb)
    if ratio >= min_ratio:
        return ContrastFix(rgb, ratio, True, False)

    target = min_ratio + SAFETY_MARGIN
    lch = oklch(rgb)
    found = [
        cand
        for end in (1.0, 0.0)
        if (cand := _search_lightness(lch, end, lambda c: measure(c) >= target)) is not None
    ]
    if found:
        best = min(found)[1]
        return ContrastFix(best, measure(best), True, True)

    best = max((_WHITE, _BLACK), key=measure)
    best_ratio = measure(best)
    return ContrastFix(best, best_ratio, best_ratio >= min_ratio, best != rgb)


def underlay_color(
    behind: np.ndarray, text_rgb: RGB, *, min_ratio: float = 4.5
) -> tuple[RGB, float]:
    """A plate colour and opacity to put between ``behind`` and the text so it reads.

    Plate: the median colour of ``behind`` pushed far from the text's luminance in
    OKLCh (hue kept): to lightness 0.15 under light text, 0.97 under dark text; if that
    tinted plate cannot reach the target, pure black or white.

    Opacity: the plate is composited in 8-bit sRGB like Pillow's ``alpha_composite``,
    ``blend = round(alpha * plate + (1 - alpha) * behind)`` per channel, and ``alpha``
    is the smallest multiple of 0.01 (bisection) for which
    ``measured_contrast(text_rgb, blend) >= min_ratio + SAFETY_MARGIN``.

    Raises ValueError if the text colour cannot reach ``min_ratio + SAFETY_MARGIN`` even
    on black or white (a mid grey for ratios above 4.53): fix the text colour first.
    """
    px = _checked(behind).reshape(-1, 3)
    if px.shape[0] == 0:
        raise ValueError("no pixels behind the text")
    target = min_ratio + SAFETY_MARGIN
    text_y = relative_luminance(text_rgb)
    light_text = _ratio(text_y, 0.0) >= _ratio(text_y, 1.0)
    median: RGB = tuple(int(v) for v in np.median(px, axis=0))  # type: ignore[assignment]
    plate = _with_lightness(oklch(median), 0.15 if light_text else 0.97)
    if contrast_ratio(text_rgb, plate) < target:
        plate = _BLACK if light_text else _WHITE
    if contrast_ratio(text_rgb, plate) < target:
        raise ValueError(
            f"text colour {text_rgb} cannot reach {target:.2f}:1 on any plate; fix the text colour first"
        )
    base = [px[:, i].astype(np.float32) for i in range(3)]
    luts = (_LR, _LG, _LB)

    def passes(steps: int) -> bool:
        a = np.float32(steps / 100)
        lum = sum(
            np.take(lut, (a * p + (1 - a) * ch + 0.5).astype(np.uint8))
            for lut, p, ch in zip(luts, plate, base)
        )
        return _robust_min(_ratios(text_y, lum)) >= target

    lo, hi = 0, 100  # in hundredths; hi always passes (the plate alone reaches the target)
    if passes(lo):
        return plate, 0.0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if passes(mid):
            hi = mid
        else:
            lo = mid
    return plate, hi / 100
