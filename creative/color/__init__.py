"""Colour: dominant colours of a product, schemes and roles, WCAG contrast.

- :mod:`.palette`   ``extract_colors`` (k-means in CIELAB) -> :class:`Swatch` list
- :mod:`.schemes`   ``build_palette`` -> :class:`Palette` of named roles; ``parse_color``
- :mod:`.contrast`  WCAG 2.x ratios, ``measured_contrast`` against pixels, ``fix_text_color``
- :mod:`.space`     sRGB tuples <-> OKLCh / CIELAB through coloraide, gamut-mapped
"""
from .contrast import (
    ContrastFix,
    contrast_against,
    contrast_ratio,
    fix_text_color,
    luminance_array,
    measured_contrast,
    relative_luminance,
    required_ratio,
    underlay_color,
)
from .palette import Swatch, extract_colors
from .schemes import ROLES, SCHEMES, TEXT_ROLES, TONES, Palette, build_palette, parse_color

__all__ = [
    "ROLES", "SCHEMES", "TEXT_ROLES", "TONES",
    "ContrastFix", "Palette", "Swatch",
    "build_palette", "contrast_against", "contrast_ratio", "extract_colors", "fix_text_color",
    "luminance_array", "measured_contrast", "parse_color", "relative_luminance", "required_ratio",
    "underlay_color",
]
