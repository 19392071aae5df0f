"""Video styles by name: pacing, motion, text animation, transitions, music, and the banner look.

A style names the banner template whose look the video reuses (palette scheme and tone, fonts,
plates, background and shapes), so a campaign's banners and its video match. Unknown names fail
and list the choices.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError


@dataclass(frozen=True)
class VideoStyle:
    name: str
    description: str
    template: str
    tempo: float  # beats per minute of the music bed (and so of the cuts)
    mood: str  # music: bright, warm, dark, festive
    beats: dict[str, int]  # relative length of each scene kind, in beats at a 15 s duration
    transitions: tuple[str, ...]  # used in turn between scenes
    transition_beats: float  # transition length in beats
    product_enter: str
    easing: str
    title_animation: str  # hook/hero headline: words, chars, fade, slide-up, scale
    text_animation: str  # other texts
    zoom: float  # Ken Burns zoom over a detail shot (1.08 = 8 %)
    idle: float  # idle motion amplitude
    fade_color: str  # fade from/to this colour (palette role or hex) at the ends


_BEATS_CALM = {"hook": 4, "hero": 6, "features": 8, "detail": 5, "offer": 6, "end": 6}
_BEATS_FAST = {"hook": 4, "hero": 4, "features": 8, "detail": 4, "offer": 6, "end": 6}

STYLES: dict[str, VideoStyle] = {
    s.name: s
    for s in (
        VideoStyle("clean", "Quiet and bright: crossfades, soft pops, words fading in.", "minimal", 100.0, "bright",
                   _BEATS_CALM, ("crossfade", "slide-left", "crossfade", "wipe-left", "crossfade"), 1.0,
                   "pop", "back-out", "words", "fade", 1.08, 0.012, "background"),
        VideoStyle("bold", "Loud sale: hard cuts on the beat, zooms and slides, big caps.", "bold-sale", 128.0, "bright",
                   _BEATS_FAST, ("zoom", "cut", "slide-left", "wipe-right", "slide-up"), 0.5,
                   "scale-in", "back-out", "scale", "slide-left", 1.14, 0.02, "background"),
        VideoStyle("luxury", "Slow and dark: long dissolves, letters revealed one by one.", "luxury-dark", 84.0, "dark",
                   _BEATS_CALM, ("fade-color", "crossfade", "crossfade", "fade-color", "crossfade"), 1.0,
                   "fade", "ease-in-out", "chars", "fade", 1.06, 0.008, "background"),
        VideoStyle("festival", "Shopping festival: red and gold, punchy wipes, characters popping in.", "festival", 120.0,
                   "festive", _BEATS_FAST, ("wipe-left", "zoom", "slide-up", "wipe-down", "zoom"), 0.5,
                   "pop", "back-out", "chars", "scale", 1.12, 0.018, "#7a0410"),
        VideoStyle("fresh", "Soft pastel: slides, rising text, gentle bounce.", "fresh-pastel", 108.0, "warm",
                   _BEATS_CALM, ("slide-left", "crossfade", "slide-up", "crossfade", "slide-right"), 1.0,
                   "slide-up", "back-out", "slide-up", "slide-up", 1.08, 0.014, "background"),
        VideoStyle("editorial", "Magazine: serif type, clean wipes, measured pace.", "editorial-serif", 92.0, "warm",
                   _BEATS_CALM, ("wipe-left", "crossfade", "wipe-down", "crossfade", "wipe-right"), 1.0,
                   "fade", "ease-in-out", "words", "fade", 1.06, 0.01, "background"),
    )
}


def style_names() -> list[str]:
    return sorted(STYLES)


def get_style(name: str) -> VideoStyle:
    """The style called ``name``; an unknown name fails and lists the choices."""
    try:
        return STYLES[name]
    except KeyError:
        raise UsageError(f"unknown video style '{name}'; choose one of: auto, {', '.join(style_names())}") from None


#: Template style tags (``templates/*.yaml`` ``styles:``, and what the material analysis
#: suggests from a product's tone) → the video style that carries that look. Each video style's
#: own template has the tag (a test checks it), except ``sale``-like tags of ``price-burst``,
#: whose loud look the ``bold`` style shares.
TAG_STYLES: dict[str, str] = {
    # luxury-dark
    "luxury": "luxury", "dark": "luxury", "premium": "luxury", "elegant": "luxury",
    # bold-sale (and price-burst's deal tags)
    "bold": "bold", "sale": "bold", "clearance": "bold", "black-friday": "bold", "vivid": "bold",
    "price": "bold", "deal": "bold", "discount": "bold",
    # festival
    "festival": "festival", "double-11": "festival", "618": "festival", "celebration": "festival",
    # fresh-pastel
    "fresh": "fresh", "pastel": "fresh", "soft": "fresh", "new-arrival": "fresh", "spring": "fresh",
    # editorial-serif
    "editorial": "editorial", "magazine": "editorial", "serif": "editorial", "story": "editorial",
    # minimal (and split-panel's modern look)
    "minimal": "clean", "clean": "clean", "light": "clean", "everyday": "clean", "split": "clean", "modern": "clean",
}

_FESTIVE_TITLES = ("618", "双11", "双十一", "年货", "春节")


def style_for_tags(tags: tuple[str, ...] | list[str]) -> str | None:
    """The video style of the first tag that maps to one (template names count as their style), or None."""
    by_template = {s.template: s.name for s in STYLES.values()}
    for tag in tags:
        t = tag.strip().lower()
        found = TAG_STYLES.get(t) or by_template.get(t) or (t if t in STYLES else None)
        if found:
            return found
    return None


def auto_style(locale: str, has_discount: bool, title: str) -> str:
    """A style from the copy alone: festival for Chinese copy or shopping-festival titles,
    bold for discounts, clean otherwise."""
    lang = locale.replace("_", "-").split("-")[0].lower()
    if lang == "zh" or any(k in title for k in _FESTIVE_TITLES):
        return "festival"
    if has_discount:
        return "bold"
    return "clean"


def choose_style(suggested: tuple[str, ...] | list[str], locale: str, has_discount: bool, title: str) -> str:
    """The style for ``--style auto``: a shopping-festival title (618, 双11…) asks for festival;
    otherwise the product's tone decides (``suggested``: the material analysis' style tags, best
    first, mapped by :data:`TAG_STYLES`); without a suggestion, :func:`auto_style`."""
    if any(k in title for k in _FESTIVE_TITLES):
        return "festival"
    return style_for_tags(suggested) or auto_style(locale, has_discount, title)
