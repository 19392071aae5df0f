"""The product's tone (商品调性): hue family, lightness, saturation, warmth, and the styles it suggests.

Colours are read in CIELAB/LCh (OpenCV's 8-bit Lab, rescaled): lightness ``L`` 0–100,
chroma ``C`` (saturation) 0–~130, hue angle ``h``. Only the product's pixels count when a
mask is given (a cut-out's alpha), otherwise the whole image.

:func:`suggest_styles` turns the tone into style tags of the bundled templates
(``templates/*.yaml`` ``styles:``), best first, for example:

* dark and saturated → ``luxury``, ``bold``; dark and muted → ``luxury``, ``editorial``;
* pale and warm → ``fresh``, ``pastel``; pale and cool or neutral → ``minimal``, ``fresh``;
* vivid red or orange → ``festival``, ``sale``, ``bold``; vivid elsewhere → ``bold``, ``sale``;
* muted mid-tones → ``editorial``, ``minimal``.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass

import numpy as np

#: Hue families by LCh hue angle (degrees, upper bounds), neutral below :data:`NEUTRAL_CHROMA`.
HUE_FAMILIES: tuple[tuple[float, str], ...] = (
    (25.0, "pink"), (55.0, "red"), (80.0, "orange"), (110.0, "yellow"), (170.0, "green"),
    (230.0, "cyan"), (310.0, "blue"), (340.0, "purple"), (360.0, "pink"),
)
NEUTRAL_CHROMA = 12.0
DARK_L, PALE_L = 38.0, 72.0
VIVID_C, MUTED_C = 40.0, 22.0


@dataclass(frozen=True)
class Tone:
    """A summary of colour, for people and for template choice."""

    hue_family: str  #: red, orange, yellow, green, cyan, blue, purple, pink or neutral
    hue: float  #: dominant hue angle (degrees, LCh), 0 when neutral
    lightness: float  #: mean L* 0–100
    saturation: float  #: mean chroma C*
    warmth: str  #: warm, cool or neutral
    styles: tuple[str, ...]  #: suggested template style tags, best first

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["styles"] = list(self.styles)
        d["hue"], d["lightness"], d["saturation"] = round(self.hue, 1), round(self.lightness, 1), round(self.saturation, 1)
        return d


def _lch(rgb: np.ndarray) -> np.ndarray:
    """N×3 uint8 RGB → N×3 (L 0–100, C, h degrees)."""
    import cv2

    lab = cv2.cvtColor(rgb.reshape(-1, 1, 3).astype(np.uint8), cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32)
    L = lab[:, 0] * (100.0 / 255.0)
    a, b = lab[:, 1] - 128.0, lab[:, 2] - 128.0
    return np.stack([L, np.hypot(a, b), np.degrees(np.arctan2(b, a)) % 360.0], axis=1)


def hue_family(hue: float, chroma: float) -> str:
    if chroma < NEUTRAL_CHROMA:
        return "neutral"
    for bound, name in HUE_FAMILIES:
        if hue < bound:
            return name
    return "pink"


def _warmth(hue: float, chroma: float) -> str:
    if chroma < NEUTRAL_CHROMA:
        return "neutral"
    return "warm" if (hue < 110.0 or hue >= 330.0) else "cool"


def suggest_styles(family: str, lightness: float, saturation: float, warmth: str,
                   available: set[str] | None = None) -> tuple[str, ...]:
    """Template style tags for a tone, best first (filtered to ``available`` when given)."""
    if lightness < DARK_L:
        order = ["luxury", "bold"] if saturation >= MUTED_C else ["luxury", "editorial", "minimal"]
    elif saturation >= VIVID_C:
        if family in ("red", "orange"):
            order = ["festival", "sale", "bold"]
        else:
            order = ["bold", "sale", "festival"]
    elif lightness >= PALE_L:
        order = ["fresh", "pastel", "minimal"] if warmth == "warm" else ["minimal", "fresh", "pastel"]
    elif saturation < MUTED_C:
        order = ["editorial", "minimal", "luxury"]
    else:
        order = ["fresh", "editorial", "bold"] if warmth == "warm" else ["minimal", "editorial", "fresh"]
    if available is not None:
        order = [s for s in order if s in available]
    return tuple(order)


def template_styles() -> set[str]:
    """Every style tag (and template name) of the templates on the search path."""
    from creative.template import all_templates

    out: set[str] = set()
    for t in all_templates():
        out |= set(t.styles) | {t.name}
    return out


def tone_of(rgb: np.ndarray, mask: np.ndarray | None = None, *, available: set[str] | None = None,
            max_pixels: int = 40_000) -> Tone:
    """The tone of ``rgb`` (H×W×3 uint8), over ``mask`` (H×W, >0.5 or >127 = product) if given."""
    px = rgb.reshape(-1, 3)
    if mask is not None:
        m = mask.reshape(-1)
        keep = m > (127 if m.dtype == np.uint8 else 0.5)
        if keep.any():
            px = px[keep]
    if px.shape[0] > max_pixels:  # an even subsample: same answer, bounded cost
        px = px[:: px.shape[0] // max_pixels + 1]
    lch = _lch(px)
    L, C, H = lch[:, 0], lch[:, 1], lch[:, 2]
    colored = C >= NEUTRAL_CHROMA
    if colored.mean() > 0.25:
        # dominant hue: the peak of a chroma-weighted 36-bin hue histogram
        hist, edges = np.histogram(H[colored], bins=36, range=(0, 360), weights=C[colored])
        i = int(np.argmax(hist))
        hue = float((edges[i] + edges[i + 1]) / 2)
        chroma_for_family = float(np.median(C[colored]))
    else:
        hue, chroma_for_family = 0.0, 0.0
    lightness, saturation = float(L.mean()), float(C.mean())
    family = hue_family(hue, chroma_for_family)
    warmth = _warmth(hue, chroma_for_family)
    return Tone(family, hue, lightness, saturation, warmth,
                suggest_styles(family, lightness, saturation, warmth, available))


def tone_of_cutout(path: str | os.PathLike[str], *, available: set[str] | None = None) -> Tone:
    """The tone of a cut-out PNG (RGBA): only its opaque pixels count."""
    from PIL import Image

    with Image.open(path) as im:
        rgba = np.asarray(im.convert("RGBA"))
    return tone_of(rgba[..., :3], rgba[..., 3], available=available)
