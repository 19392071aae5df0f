"""sRGB 0-255 tuples <-> OKLCh and CIELAB, through coloraide, gamut-mapped in OKLCh.

The rest of the package works on plain ``(r, g, b)`` integer tuples; this module is
the one place that turns them into coloraide colours and back.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coloraide import Color

RGB = tuple[int, int, int]

#: CSS Color 4 gamut mapping: reduce OKLCh chroma at constant lightness and hue.
GAMUT_METHOD = "oklch-chroma"


def color_class() -> type[Color]:
    """coloraide's ``Color``, imported on first use: its import builds colour-temperature
    tables (about 0.1 s) that a banner whose colours need no conversion never uses."""
    from coloraide import Color

    return Color


def to_rgb(color: Color) -> RGB:
    """The sRGB 0-255 tuple of any coloraide colour, gamut-mapped (hue and lightness kept)."""
    srgb = color.convert("srgb").fit(method=GAMUT_METHOD)
    return tuple(min(255, max(0, round(c * 255))) for c in srgb[:3])  # type: ignore[return-value]


def srgb(rgb: RGB) -> Color:
    """A coloraide sRGB colour from a 0-255 tuple."""
    return color_class()("srgb", [c / 255 for c in rgb])


def oklch(rgb: RGB) -> Color:
    """The OKLCh colour of an sRGB tuple (hue is NaN for greys)."""
    return srgb(rgb).convert("oklch")


def hue_of(rgb: RGB) -> float | None:
    """OKLCh hue in degrees, or None for a grey (no meaningful hue)."""
    h = float(oklch(rgb)["hue"])
    return None if math.isnan(h) else h % 360.0


def chroma_of(rgb: RGB) -> float:
    """OKLCh chroma (0 for greys, about 0.3 for the most saturated sRGB colours)."""
    return float(oklch(rgb)["chroma"])


def lightness_of(rgb: RGB) -> float:
    """OKLCh lightness, 0 (black) to 1 (white)."""
    return float(oklch(rgb)["lightness"])


def from_oklch(lightness: float, chroma: float, hue: float | None) -> RGB:
    """The sRGB tuple nearest OKLCh(L, C, h) in gamut; ``hue=None`` means a grey."""
    lightness = min(1.0, max(0.0, lightness))
    if hue is None:
        return to_rgb(color_class()("oklch", [lightness, 0.0, 0.0]))
    return to_rgb(color_class()("oklch", [lightness, max(0.0, chroma), hue % 360.0]))


def lab(rgb: RGB) -> tuple[float, float, float]:
    """CIELAB (D65 white, like OpenCV's ``COLOR_RGB2Lab``) of an sRGB tuple."""
    l_, a, b = srgb(rgb).convert("lab-d65")[:3]
    return (float(l_), float(a), float(b))


def delta_e(a: RGB, b: RGB) -> float:
    """CIE76 colour difference: Euclidean distance in CIELAB (D65), the space swatches
    are clustered in. About 2 is just noticeable; 20 is an obvious difference."""
    return math.dist(lab(a), lab(b))


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """``a`` moved a fraction ``t`` of the way toward ``b``, interpolated in OKLab."""
    return to_rgb(srgb(a).mix(srgb(b), t, space="oklab"))
