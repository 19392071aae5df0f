"""Colour schemes: a product's swatches -> a palette of named roles, every text role readable.

Hues come from the product's key colour and the scheme (in OKLCh); lightness and chroma
of background, surface, accent and highlight come from the tone. Then three rules are
enforced, each by moving OKLCh lightness only:

- the background differs from the product's main swatch by ΔE >= 20 (CIE76, as
  everywhere in this package), so the product stands out;
- accent and highlight are visible on the background (contrast >= 1.8:1 or ΔE >= 25);
- every text role reaches 4.5:1 (+ margin) on the role it sits on.

Everything is deterministic: the same swatches and arguments give the same palette.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral
from types import MappingProxyType

from functools import lru_cache

from ..errors import UsageError
from .contrast import SAFETY_MARGIN, contrast_ratio
from .palette import Swatch
from .space import RGB, chroma_of, color_class, delta_e, from_oklch, hue_of, lightness_of, mix, to_rgb

SCHEMES = ("complementary", "analogous", "triadic", "monochrome", "brand")
TONES = ("light", "dark", "vivid", "pastel")
ROLES = (
    "background", "surface", "accent", "highlight",
    "text_on_background", "muted_on_background", "text_on_surface", "text_on_accent", "text_on_highlight",
)
#: Each text role and the role it sits on.
TEXT_ROLES: Mapping[str, str] = MappingProxyType({
    "text_on_background": "background",
    "muted_on_background": "background",
    "text_on_surface": "surface",
    "text_on_accent": "accent",
    "text_on_highlight": "highlight",
})

MIN_TEXT_RATIO = 4.5
MIN_PRODUCT_DELTA_E = 20.0
MIN_ACCENT_RATIO = 1.8
MIN_ACCENT_DELTA_E = 25.0
#: A swatch is the key colour if it has at least this OKLCh chroma and this weight.
KEY_MIN_CHROMA = 0.04
KEY_MIN_WEIGHT = 0.05
#: Hues used when the product is near-neutral: warm gold on dark, blue otherwise.
NEUTRAL_HUE_DARK = 85.0
NEUTRAL_HUE = 255.0

_TEXT_TARGET = MIN_TEXT_RATIO + SAFETY_MARGIN
_LIGHTNESS_RANGE = (0.05, 0.99)
_LIGHTNESS_STEP = 0.01


@dataclass(frozen=True)
class _Tone:
    """OKLCh (lightness, chroma) targets; surface is an offset from the background."""

    background: tuple[float, float]
    surface_offset: float
    surface_chroma: float
    accent: tuple[float, float]
    highlight: tuple[float, float]


_TONES: Mapping[str, _Tone] = MappingProxyType({
    "light": _Tone((0.96, 0.015), -0.06, 0.03, (0.58, 0.19), (0.80, 0.15)),
    "dark": _Tone((0.20, 0.03), +0.08, 0.04, (0.72, 0.17), (0.84, 0.14)),
    "vivid": _Tone((0.62, 0.20), -0.20, 0.16, (0.90, 0.17), (0.32, 0.12)),
    "pastel": _Tone((0.90, 0.05), +0.06, 0.03, (0.62, 0.15), (0.78, 0.12)),
})

#: Hue offsets from the key hue for (background, accent, highlight). With the vivid
#: tone the saturated background takes the accent's hue and vice versa, so the
#: background is not the product's own hue.
_HUE_OFFSETS: Mapping[str, tuple[float, float, float]] = MappingProxyType({
    "complementary": (0.0, 180.0, 0.0),
    "analogous": (0.0, 30.0, -30.0),
    "triadic": (0.0, 120.0, 240.0),
    "monochrome": (0.0, 0.0, 0.0),
})


@dataclass(frozen=True)
class Palette:
    """Colours by role (see :data:`ROLES`), immutable; unknown roles raise UsageError."""

    scheme: str
    tone: str
    roles: Mapping[str, RGB]

    def __post_init__(self) -> None:
        if set(self.roles) != set(ROLES):
            raise ValueError(f"palette roles must be exactly {', '.join(ROLES)}; got {sorted(self.roles)}")
        frozen = {r: tuple(int(c) for c in self.roles[r]) for r in ROLES}
        for role, rgb in frozen.items():
            if len(rgb) != 3 or not all(0 <= c <= 255 for c in rgb):
                raise ValueError(f"palette role {role} must be three integers 0-255, got {rgb}")
        object.__setattr__(self, "roles", MappingProxyType(frozen))

    def __hash__(self) -> int:
        return hash((self.scheme, self.tone, tuple(self.roles.items())))

    def __reduce__(self) -> tuple[type[Palette], tuple[str, str, dict[str, RGB]]]:
        return (Palette, (self.scheme, self.tone, dict(self.roles)))  # mappingproxy cannot be pickled

    def rgb(self, role: str) -> RGB:
        if role not in self.roles:
            raise UsageError(f"unknown colour role '{role}': expected one of {', '.join(ROLES)}")
        return self.roles[role]

    def hex(self, role: str) -> str:
        return "#{:02x}{:02x}{:02x}".format(*self.rgb(role))

    def to_dict(self) -> dict[str, str]:
        """Role -> ``#rrggbb``, in :data:`ROLES` order."""
        return {r: self.hex(r) for r in ROLES}


_HEX = frozenset("0123456789abcdefABCDEF")


def parse_color(value: str) -> RGB:
    """``#rgb``, ``#rrggbb`` or any opaque CSS colour (``tomato``, ``rgb(…)``) -> sRGB 0-255."""
    if not isinstance(value, str):
        raise UsageError(f"bad colour '{value}': expected #rrggbb or a CSS colour name")
    return _parse_color(value.strip())


@lru_cache(maxsize=1024)
def _parse_color(value: str) -> RGB:
    digits = value[1:]
    if value.startswith("#") and len(digits) in (3, 6) and _HEX.issuperset(digits):
        # plain hex, the form templates use: read directly, no colour-space round trip
        full = digits if len(digits) == 6 else "".join(c * 2 for c in digits)
        return (int(full[0:2], 16), int(full[2:4], 16), int(full[4:6], 16))
    try:
        color = color_class()(value)
    except ValueError:
        raise UsageError(f"bad colour '{value}': expected #rrggbb or a CSS colour name") from None
    if color.alpha() < 1:
        raise UsageError(f"bad colour '{value}': expected #rrggbb or a CSS colour name")
    return to_rgb(color)


def _brand_rgb(value: str | Sequence[int]) -> RGB:
    if isinstance(value, str):
        return parse_color(value)
    rgb = tuple(value) if isinstance(value, Sequence) else ()
    if len(rgb) != 3 or not all(isinstance(c, Integral) and 0 <= c <= 255 for c in rgb):
        raise UsageError(f"bad colour {value!r}: expected #rrggbb or three integers 0-255")
    return (int(rgb[0]), int(rgb[1]), int(rgb[2]))


def _key_hue(swatches: Sequence[Swatch], tone: str) -> float:
    """Hue of the heaviest swatch with enough chroma, or the neutral default hue."""
    for s in swatches:
        hue = hue_of(s.rgb)
        if s.weight >= KEY_MIN_WEIGHT and hue is not None and chroma_of(s.rgb) >= KEY_MIN_CHROMA:
            return hue
    return NEUTRAL_HUE_DARK if tone == "dark" else NEUTRAL_HUE


def _lightness_candidates(target: float) -> list[float]:
    """Lightness values nearest ``target`` first, alternating darker and lighter, in range."""
    lo, hi = _LIGHTNESS_RANGE
    out = [min(hi, max(lo, target))]
    for i in range(1, round((hi - lo) / _LIGHTNESS_STEP) + 1):
        for cand in (target - i * _LIGHTNESS_STEP, target + i * _LIGHTNESS_STEP):
            if lo <= cand <= hi:
                out.append(cand)
    return out


def _pick(
    target: float, make: Callable[[float], RGB], rules: Sequence[Callable[[RGB], bool]]
) -> RGB:
    """The colour ``make(L)`` with L nearest ``target`` that satisfies every rule.

    Rules are in priority order: if no lightness satisfies all of them, the last
    rule is dropped and the search repeated (documented in :func:`build_palette`).
    """
    if not rules:
        return make(target)
    made: dict[float, RGB] = {}
    for n in range(len(rules), 0, -1):
        for lightness in _lightness_candidates(target):
            if lightness not in made:
                made[lightness] = make(lightness)
            if all(rule(made[lightness]) for rule in rules[:n]):
                return made[lightness]
    # Each rule asks to be far enough from one colour; for any colour, lightness 0.05 or
    # 0.99 is (contrast >= 1.8:1, ΔE >= 49), so the first rule alone always holds somewhere.
    raise RuntimeError(f"no lightness in {_LIGHTNESS_RANGE} satisfies the first colour rule")


def _visible(a: RGB, b: RGB) -> bool:
    return contrast_ratio(a, b) >= MIN_ACCENT_RATIO or delta_e(a, b) >= MIN_ACCENT_DELTA_E


def _text_on(ground: RGB, hue: float | None, prefer_light: bool) -> RGB:
    """Tinted near-black/near-white text if it reads on ``ground``, else black/white.

    Light text is used when it has more contrast, or when ``prefer_light`` (buttons and
    badges) and it reaches the target. One of black and white always reaches 4.58:1.
    """
    white, black = (255, 255, 255), (0, 0, 0)
    light = contrast_ratio(white, ground) >= _TEXT_TARGET and (
        prefer_light or contrast_ratio(white, ground) >= contrast_ratio(black, ground)
    )
    if light:
        options = [from_oklch(0.985, 0.012, hue), white]
    else:
        options = [from_oklch(0.25, 0.04, hue), from_oklch(0.18, 0.02, hue), black]
    # The last option always passes: it is the better of black and white, or white
    # only when white reaches the target.
    return next(rgb for rgb in options if contrast_ratio(rgb, ground) >= _TEXT_TARGET)


def _muted(text: RGB, ground: RGB) -> RGB:
    """``text`` moved toward ``ground`` while it keeps 60% of its contrast (4.55-7:1)."""
    goal = max(_TEXT_TARGET, min(7.0, 0.6 * contrast_ratio(text, ground)))
    lo, hi, best = 0.0, 1.0, text
    for _ in range(10):
        mid = (lo + hi) / 2
        cand = mix(text, ground, mid)
        if contrast_ratio(cand, ground) >= goal:
            lo, best = mid, cand
        else:
            hi = mid
    return best


def _scheme_hues(
    scheme: str, tone: str, key: float, brand: Sequence[RGB]
) -> tuple[float | None, float | None, float | None]:
    """OKLCh hues of (background, accent, highlight); None means grey."""
    if scheme == "brand":
        highlight = brand[1] if len(brand) > 1 else brand[0]
        return (hue_of(brand[-1]), hue_of(brand[0]), hue_of(highlight))
    bg, accent, highlight = (key + off for off in _HUE_OFFSETS[scheme])
    if tone == "vivid":
        bg, accent = accent, bg
    return (bg, accent, highlight)


def build_palette(
    swatches: Sequence[Swatch],
    scheme: str = "complementary",
    tone: str = "light",
    *,
    brand: Sequence[str | Sequence[int]] | None = None,
) -> Palette:
    """A palette for a product whose dominant colours are ``swatches`` (heaviest first).

    ``scheme`` sets the hues relative to the product's key colour (the heaviest swatch
    with OKLCh chroma >= 0.04 and weight >= 5%; near-neutral products use gold on dark
    tones, blue otherwise): complementary puts accents at +180°, analogous at ±30°,
    triadic at ±120°, monochrome keeps the key hue; ``brand`` uses 1-3 brand colours:
    the first is the accent, the second (if any) the highlight, the last one gives the
    background's hue. Brand colours are used exactly, so for them the
    background's lightness moves to keep them visible; if that and the product rule
    cannot both hold, the product rule wins. An empty ``swatches`` means no product.

    ``tone`` sets lightness and chroma of background and surface (light, dark, vivid
    saturated mid-light, pastel) and the accents' starting lightness.
    """
    if scheme not in SCHEMES:
        raise UsageError(f"unknown colour scheme '{scheme}': expected one of {', '.join(SCHEMES)}")
    if tone not in TONES:
        raise UsageError(f"unknown tone '{tone}': expected one of {', '.join(TONES)}")
    if scheme == "brand" and not brand:
        raise UsageError("the 'brand' colour scheme needs 1-3 brand colours")
    if scheme != "brand" and brand:
        raise UsageError(f"brand colours are used only by the 'brand' colour scheme, not '{scheme}'")
    brand_rgb = [_brand_rgb(v) for v in brand or ()]
    if len(brand_rgb) > 3:
        raise UsageError(f"expected 1-3 brand colours, got {len(brand_rgb)}")

    spec = _TONES[tone]
    key = _key_hue(swatches, tone)
    bg_hue, accent_hue, highlight_hue = _scheme_hues(scheme, tone, key, brand_rgb)

    bg_rules: list[Callable[[RGB], bool]] = []
    if swatches:
        product = swatches[0].rgb
        bg_rules.append(lambda c: delta_e(c, product) >= MIN_PRODUCT_DELTA_E)
    for fixed in brand_rgb[:2]:
        bg_rules.append(lambda c, fixed=fixed: _visible(fixed, c))
    bg_l, bg_c = spec.background
    background = _pick(bg_l, lambda lightness: from_oklch(lightness, bg_c, bg_hue), bg_rules)

    lightness = lightness_of(background)
    offset = spec.surface_offset
    if not _LIGHTNESS_RANGE[0] <= lightness + offset <= _LIGHTNESS_RANGE[1]:
        offset = -offset
    surface = from_oklch(lightness + offset, spec.surface_chroma, bg_hue)

    def accent_like(level: tuple[float, float], hue: float | None) -> RGB:
        return _pick(level[0], lambda lit: from_oklch(lit, level[1], hue), [lambda c: _visible(c, background)])

    accent = brand_rgb[0] if brand_rgb else accent_like(spec.accent, accent_hue)
    highlight = brand_rgb[1] if len(brand_rgb) > 1 else accent_like(spec.highlight, highlight_hue)

    text_bg = _text_on(background, bg_hue, prefer_light=False)
    roles = {
        "background": background,
        "surface": surface,
        "accent": accent,
        "highlight": highlight,
        "text_on_background": text_bg,
        "muted_on_background": _muted(text_bg, background),
        "text_on_surface": _text_on(surface, bg_hue, prefer_light=False),
        "text_on_accent": _text_on(accent, accent_hue, prefer_light=True),
        "text_on_highlight": _text_on(highlight, highlight_hue, prefer_light=True),
    }
    return Palette(scheme, tone, roles)
