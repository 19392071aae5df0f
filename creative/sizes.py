"""Canvas sizes: parsing ``WxH`` strings, named presets and aspect classes.

The aspect class decides which layout variant of a template is used; its
thresholds live here and nowhere else.
"""
from __future__ import annotations

import re
from typing import Literal

from .errors import UsageError

AspectClass = Literal["square", "landscape", "portrait", "story", "leaderboard", "skyscraper"]
ASPECT_CLASSES: tuple[AspectClass, ...] = (
    "square", "landscape", "portrait", "story", "leaderboard", "skyscraper",
)

#: The eight sizes every bundled template is designed and golden-tested at.
STANDARD_SIZES: tuple[tuple[int, int], ...] = (
    (1080, 1080), (1200, 628), (1080, 1920), (1080, 1350),
    (800, 800), (300, 250), (728, 90), (160, 600),
)

PRESETS: dict[str, tuple[int, int]] = {
    "square": (1080, 1080),
    "landscape": (1200, 628),
    "story": (1080, 1920),
    "portrait": (1080, 1350),
    "medium-rectangle": (300, 250),
    "leaderboard": (728, 90),
    "skyscraper": (160, 600),
}

MIN_SIDE = 50
MAX_SIDE = 8000
MAX_AREA = 40_000_000

_SIZE_RE = re.compile(r"^\s*(\d{1,6})\s*[x×X*]\s*(\d{1,6})\s*$")


def parse_size(value: str) -> tuple[int, int]:
    """``"1080x1080"`` (or a preset name) -> ``(1080, 1080)``; bad values raise UsageError."""
    text = str(value).strip().lower()
    if text in PRESETS:
        return PRESETS[text]
    m = _SIZE_RE.match(text)
    if not m:
        raise UsageError(f"bad size '{value}': expected WIDTHxHEIGHT such as 1080x1080, or one of {', '.join(PRESETS)}")
    w, h = int(m.group(1)), int(m.group(2))
    if w < MIN_SIDE or h < MIN_SIDE:
        raise UsageError(f"bad size '{value}': each side must be at least {MIN_SIDE} px")
    if w > MAX_SIDE or h > MAX_SIDE or w * h > MAX_AREA:
        raise UsageError(f"bad size '{value}': at most {MAX_SIDE} px a side and {MAX_AREA // 1_000_000} MP")
    return w, h


def format_size(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def aspect_class(size: tuple[int, int]) -> AspectClass:
    """Which family of layouts a canvas belongs to, from its width/height ratio."""
    w, h = size
    r = w / h
    if r >= 3.0:
        return "leaderboard"
    if r >= 1.3:
        return "landscape"
    if r >= 0.85:
        return "square"
    if r >= 0.7:
        return "portrait"
    if r >= 0.42:
        return "story"
    return "skyscraper"


#: When a template has no layout for a class, the nearest one is used (in this order).
ASPECT_FALLBACKS: dict[str, tuple[str, ...]] = {
    "square": ("portrait", "landscape"),
    "landscape": ("leaderboard", "square"),
    "portrait": ("square", "story"),
    "story": ("portrait", "skyscraper", "square"),
    "leaderboard": ("landscape", "square"),
    "skyscraper": ("story", "portrait", "square"),
}
