"""Font registry (families by slug, files from Python packages) and per-glyph fallback.

Every font comes from an installed package (``fontpkg-*``, ``cvttf-notosanscjk-*``), never from
the system, except an optional colour emoji font (env ``CREATIVE_EMOJI_FONT``, default
``/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf``; an empty value disables emoji).

``get_font`` is the cached loader; ``split_runs`` assigns each character to the first family of
the fallback chain whose cmap covers it and reports characters no font covers (they are dropped,
never drawn as tofu). One refinement: the letters of a same-script word go to the first family
covering the whole word, so a font with a few Greek letters does not split "Ελλάδα" in two.
"""
from __future__ import annotations

import importlib.resources
import os
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, TypeVar

from PIL import ImageFont

from creative import disk_cache
from creative.errors import CreativeError, UsageError
from creative.text.chars import clusters, cjk_language, is_cjk, is_emoji, is_ignorable

T = TypeVar("T")

EMOJI = "emoji"
EMOJI_ENV = "CREATIVE_EMOJI_FONT"
DEFAULT_EMOJI_FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
#: Families tried after the requested one, in order (the emoji font, when present, comes last).
FALLBACKS = (
    "noto-sans", "noto-sans-cjk", "noto-sans-arabic", "noto-sans-devanagari", "noto-sans-thai",
    "noto-sans-khmer", "noto-sans-tamil", "noto-sans-telugu",
)
_RAQM = ImageFont.Layout.RAQM


class MissingGlyphWarning(UserWarning):
    """A character that no bundled font covers was dropped from the text."""


@dataclass(frozen=True)
class FontFamily:
    """A family the registry knows: where its files come from and which weights it has."""

    slug: str
    name: str
    package: str  # the pip distribution that ships the files
    kind: str  # "variable" (any weight in range), "static" (one weight), "cjk" (Regular/Bold files)

    def effective_weight(self, weight: int) -> int:
        """The weight actually rendered: clamped to a variable font's range, the file's for static."""
        if self.kind == "cjk":
            return 700 if weight >= 600 else 400
        lo, hi = _weight_range(self.slug)
        return min(max(weight, lo), hi)

    def path(self, weight: int) -> Path:
        """The font file for ``weight`` (upright style)."""
        if self.kind == "cjk":
            return _cjk_path(self.package, "Bold" if self.effective_weight(weight) >= 600 else "Regular")
        return Path(_fontpkg_normal_file(self.slug).path)


@lru_cache(maxsize=None)
def _cjk_path(package: str, style: str) -> Path:
    try:
        root = importlib.resources.files(f"cvttf_NotoSansCJK_{style}")
    except ModuleNotFoundError:
        raise CreativeError(f"font package {package}-{style.lower()} is not installed") from None
    return Path(str(root / f"NotoSansCJKtc-{style}.otf"))


FAMILIES: dict[str, FontFamily] = {
    f.slug: f
    for f in (
        FontFamily("inter", "Inter", "fontpkg-inter", "variable"),
        FontFamily("montserrat", "Montserrat", "fontpkg-montserrat", "variable"),
        FontFamily("bebas-neue", "Bebas Neue", "fontpkg-bebas-neue", "static"),
        FontFamily("playfair-display", "Playfair Display", "fontpkg-playfair-display", "variable"),
        FontFamily("noto-sans", "Noto Sans", "fontpkg-noto-sans", "variable"),
        FontFamily("noto-sans-cjk", "Noto Sans CJK", "cvttf-notosanscjk", "cjk"),
        FontFamily("noto-sans-arabic", "Noto Sans Arabic", "fontpkg-noto-sans-arabic", "variable"),
        FontFamily("noto-sans-devanagari", "Noto Sans Devanagari", "fontpkg-noto-sans-devanagari", "variable"),
        FontFamily("noto-sans-thai", "Noto Sans Thai", "fontpkg-noto-sans-thai", "variable"),
        FontFamily("noto-sans-khmer", "Noto Sans Khmer", "fontpkg-noto-sans-khmer", "variable"),
        FontFamily("noto-sans-tamil", "Noto Sans Tamil", "fontpkg-noto-sans-tamil", "variable"),
        FontFamily("noto-sans-telugu", "Noto Sans Telugu", "fontpkg-noto-sans-telugu", "variable"),
    )
}


def families() -> list[str]:
    """Slugs of the registered families, sorted."""
    return sorted(FAMILIES)


def get_family(slug: str) -> FontFamily:
    """The registered family ``slug``; an unknown name fails and lists the choices."""
    try:
        return FAMILIES[slug]
    except KeyError:
        raise UsageError(f"unknown font family {slug!r}; choose one of: {', '.join(families())}") from None


@lru_cache(maxsize=None)
def _fontpkg_family(slug: str):  # -> fontpkg.Family
    import fontpkg

    try:
        return fontpkg.family(slug)
    except fontpkg.FontpkgError as e:
        raise CreativeError(f"font package {FAMILIES[slug].package} is not installed ({e})") from None


@dataclass(frozen=True)
class _UprightFile:
    """What the package says of a family's upright font file."""

    path: str
    variable: bool
    weight: int | None
    wght_min: int | None
    wght_max: int | None


@lru_cache(maxsize=None)
def _fontpkg_normal_file(slug: str) -> _UprightFile:
    """The family's upright file. Asking ``fontpkg`` reads every installed package's metadata
    (about 0.1 s a process), so the answer is kept in the cache (``creative.disk_cache``) and
    trusted while its file is still there."""
    import sys

    entry = disk_cache.entry("fonts", disk_cache.key_of("fontpkg-file-v1", slug, sys.prefix))
    hit = disk_cache.read_json(entry)
    if isinstance(hit, dict):
        try:
            found = _UprightFile(**hit)
            if os.path.isfile(found.path):
                return found
        except TypeError:
            pass
    files = [f for f in _fontpkg_family(slug).files if f.style == "normal"]
    if not files:
        raise CreativeError(f"font package {FAMILIES[slug].package} has no upright file")
    f = files[0]
    found = _UprightFile(str(f.path), bool(f.variable), f.weight, f.wght_min, f.wght_max)
    disk_cache.write_json(entry, found.__dict__)
    return found


@lru_cache(maxsize=None)
def _weight_range(slug: str) -> tuple[int, int]:
    f = _fontpkg_normal_file(slug)
    if f.variable and f.wght_min is not None and f.wght_max is not None:
        return (f.wght_min, f.wght_max)
    w = f.weight or 400
    return (w, w)


def _check_weight(weight: int) -> None:
    if not isinstance(weight, int) or not 100 <= weight <= 900:
        raise UsageError(f"font weight must be an integer from 100 to 900, got {weight!r}")


@lru_cache(maxsize=None)
def _axes(path: str) -> tuple[tuple[str, float, float, float], ...]:
    """(tag, min, default, max) per variation axis, in the font's fvar order."""

    def read() -> list[list]:
        from fontTools.ttLib import TTFont

        with TTFont(path, lazy=True) as font:
            if "fvar" not in font:
                return []
            return [[a.axisTag, a.minValue, a.defaultValue, a.maxValue] for a in font["fvar"].axes]

    return _font_fact(path, "fvar-v1", read, lambda axes: tuple((str(t), float(lo), float(d), float(hi)) for t, lo, d, hi in axes))


#: Fonts a process keeps, least recently used dropped first. A face costs about 60 KB of the
#: process's own memory (its file is mapped and shared) and 0.3–1 ms to load; a catalogue batch
#: meets 400–500 (family, weight, size) triples in its first few hundred banners, text fitting
#: trying sizes, but most of its lookups go to far fewer, which an LRU of 256 keeps.
FONT_CACHE_SIZE = 256


@lru_cache(maxsize=FONT_CACHE_SIZE)
def get_font(family: str, weight: int, size: int) -> ImageFont.FreeTypeFont:
    """A Pillow font (raqm layout) for ``family`` at ``weight`` (100-900) and ``size`` px; cached.

    Variable fonts get wght=weight (clamped to the font's range), opsz=size*0.75 pt (clamped)
    and wdth=100; Bebas Neue has one weight; CJK uses the Bold file from 600 up.
    """
    fam = get_family(family)
    _check_weight(weight)
    if not isinstance(size, int) or size < 1:
        raise UsageError(f"font size must be a positive integer, got {size!r}")
    wght = fam.effective_weight(weight)
    if wght != weight:  # share one cache entry per rendered weight
        return get_font(family, wght, size)
    path = str(fam.path(weight))
    font = ImageFont.truetype(path, size, layout_engine=_RAQM)
    axes = _axes(path)
    if axes:
        wanted = {"wght": weight, "opsz": size * 0.75, "wdth": 100.0}
        font.set_variation_by_axes([min(max(wanted.get(t, d), lo), hi) for t, lo, d, hi in axes])
    return font


# --- coverage and metrics -------------------------------------------------------------------


@lru_cache(maxsize=None)
def _cmap(path: str) -> frozenset[int]:
    """The codepoints a font file maps. Reading a large cmap (a CJK font maps 65,000) takes a
    tenth of a second, so the answer is kept on disk as ranges (:func:`_font_fact`)."""

    def read() -> list[list[int]]:
        from fontTools.ttLib import TTFont

        with TTFont(path, lazy=True) as font:
            return _ranges(frozenset(font.getBestCmap()))

    return _font_fact(path, "cmap-v1", read, lambda ranges: frozenset(c for lo, hi in ranges for c in range(lo, hi + 1)))


def _font_fact(path: str, what: str, read: Callable[[], Any], decode: Callable[[Any], T]) -> T:
    """``decode(read())`` for a fact of the font file ``path`` (its cmap, axes, metrics).
    ``read`` needs fontTools (a 40 ms import) and parses tables, so its JSON answer is kept in
    the cache (``creative.disk_cache``), keyed by the file's path, size and mtime; an entry
    that cannot be read, decoded or written only costs reading the font again."""
    entry = _font_cache_file(path, what)
    hit = disk_cache.read_json(entry) if entry is not None else None
    if hit is not None:
        try:
            return decode(hit)
        except (TypeError, ValueError):
            pass
    value = read()
    if entry is not None:
        disk_cache.write_json(entry, value)
    return decode(value)


def _cmap_cache_file(path: str) -> Path | None:
    """The cache entry for ``path``'s cmap as the file is now (None if it cannot be read)."""
    return _font_cache_file(path, "cmap-v1")


def _font_cache_file(path: str, what: str) -> Path | None:
    """The cache entry for ``what`` of the font file ``path`` as it is now (None if it cannot be read)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return disk_cache.entry("fonts", disk_cache.key_of(what, os.path.realpath(path), st.st_size, st.st_mtime_ns))


def _ranges(codes: frozenset[int]) -> list[list[int]]:
    ranges: list[list[int]] = []
    for c in sorted(codes):
        if ranges and c == ranges[-1][1] + 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return ranges


def coverage(family: str, weight: int = 400) -> frozenset[int]:
    """Codepoints the family's file for ``weight`` maps (``"emoji"`` for the emoji font); cached."""
    if family == EMOJI:
        path = emoji_font_path()
        if path is None:
            return frozenset()
        return _cmap(str(path))
    return _cmap(str(get_family(family).path(weight)))


@lru_cache(maxsize=None)
def _typo_metrics(path: str) -> tuple[float, float]:
    def read() -> list[float]:
        from fontTools.ttLib import TTFont

        with TTFont(path, lazy=True) as font:
            upm = font["head"].unitsPerEm
            os2 = font["OS/2"]
            return [os2.sTypoAscender / upm, -os2.sTypoDescender / upm]

    return _font_fact(path, "typo-v1", read, lambda v: (float(v[0]), float(v[1])))


@lru_cache(maxsize=256)
def vertical_metrics(family: str, weight: int) -> tuple[float, float]:
    """(ascent, descent) in em from the OS/2 typographic metrics; both positive (kept per family
    and weight: every fit and every block asks)."""
    return _typo_metrics(str(get_family(family).path(weight)))


# --- emoji --------------------------------------------------------------------------------


def emoji_font_path() -> Path | None:
    """The colour emoji font in use: ``$CREATIVE_EMOJI_FONT`` ('' disables), else the Noto default if installed.

    Read on every call, so tests can switch emoji on and off; measurements are cached per
    emoji font path, but switching between two *different* emoji files is not supported within a
    process (run-level caches key emoji runs by the family name only).
    """
    return _emoji_path(os.environ.get(EMOJI_ENV))


@lru_cache(maxsize=8)
def _emoji_path(value: str | None) -> Path | None:
    if value is None:
        return DEFAULT_EMOJI_FONT if DEFAULT_EMOJI_FONT.is_file() else None
    if value == "":
        return None
    path = Path(value)
    if not path.is_file():
        raise UsageError(f"{EMOJI_ENV}={value!r} is not a font file (set it to '' to disable emoji)")
    return path


@lru_cache(maxsize=8)
def _emoji_strike(path: str) -> int:
    """Pixel size to load the emoji font at: its largest bitmap strike, or 109 for outline fonts."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        if "CBLC" in font:
            return max(s.bitmapSizeTable.ppemY for s in font["CBLC"].strikes)
        if "sbix" in font:
            return max(font["sbix"].strikes)
        return 109


@lru_cache(maxsize=8)
def _emoji_font(path: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, _emoji_strike(path), layout_engine=_RAQM)


def run_font(family: str, weight: int, size: int) -> tuple[ImageFont.FreeTypeFont, float]:
    """The font a run is shaped with and the scale from its pixel size to ``size``.

    Text families return ``(get_font(...), 1.0)``. The emoji font only loads at its strike size
    (109 px for Noto Color Emoji), so it returns that font and ``size / strike``.
    """
    if family != EMOJI:
        return get_font(family, weight, size), 1.0
    path = emoji_font_path()
    if path is None:
        raise UsageError("no colour emoji font is available")
    font = _emoji_font(str(path))
    return font, size / font.size


def run_language(family: str, text: str) -> str | None:
    """OpenType language for a run: Simplified Chinese (or ja/ko) forms in the CJK font."""
    return cjk_language(text) if family == "noto-sans-cjk" else None


# --- fallback -----------------------------------------------------------------------------


def fallback_chain(family: str) -> tuple[str, ...]:
    """Families tried for a character, in order: the family itself, the Noto fallbacks, emoji."""
    get_family(family)
    chain = tuple(dict.fromkeys((family, *FALLBACKS)))
    return chain + (EMOJI,) if emoji_font_path() is not None else chain


def split_runs(text: str, family: str, weight: int) -> list[tuple[str, str]]:
    """Maximal ``(family_slug, substring)`` runs, each character in the first family covering it.

    Whitespace, combining marks, ZWJ and variation selectors join the current run. Characters
    no font covers are dropped with a :class:`MissingGlyphWarning` (once per distinct character
    and call site, by the warnings filter); :func:`uncovered` returns them without warning.
    """
    runs, dropped = split_with_dropped(text, family, weight)
    warn_dropped(dropped, stacklevel=2)
    return list(runs)


def uncovered(text: str, family: str, weight: int) -> tuple[str, ...]:
    """Distinct characters of ``text`` that no font of the chain covers (they would be dropped)."""
    return split_with_dropped(text, family, weight)[1]


def warn_dropped(dropped: tuple[str, ...], stacklevel: int = 2) -> None:
    """Warn about each dropped character (the default warnings filter shows each message once)."""
    for ch in dropped:
        hint = ""
        if is_emoji(ch) and emoji_font_path() is None:
            hint = f" (no colour emoji font: install fonts-noto-color-emoji or set {EMOJI_ENV})"
        warnings.warn(
            f"no bundled font covers U+{ord(ch):04X} {ch!r}; dropped{hint}",
            MissingGlyphWarning,
            stacklevel=stacklevel + 1,
        )


def split_with_dropped(
    text: str, family: str, weight: int
) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """``split_runs`` without warnings: ``(runs, dropped characters)``; cached."""
    return _split(text, _chain_files(family, weight, emoji_font_path()))


@lru_cache(maxsize=1024)
def _chain_files(family: str, weight: int, emoji: Path | None) -> tuple[tuple[str, str], ...]:
    """(slug, font file) for each family of the fallback chain (the file decides coverage)."""
    _check_weight(weight)
    chain = fallback_chain(family)
    return tuple((c, str(emoji) if c == EMOJI else str(FAMILIES[c].path(weight))) for c in chain)


@lru_cache(maxsize=4096)
def _split(text: str, chain: tuple[tuple[str, str], ...]) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    covs = [(slug, _LazyCmap(path)) for slug, path in chain]
    cov_of = dict(covs)
    runs: list[list[str]] = []
    dropped: dict[str, None] = {}
    lead = ""  # line breaks before the first run

    def add(slug: str, piece: str) -> None:
        nonlocal lead
        if runs and runs[-1][0] == slug:
            runs[-1][1] += piece
        else:
            runs.append([slug, lead + piece])
            lead = ""

    for word in _script_words(clusters(text)):
        base = word[0][0]
        if base == "\n" or (runs and base.isspace() and ord(base) in cov_of[runs[-1][0]]):
            if runs:
                runs[-1][1] += "".join(word)
            else:
                lead += "".join(word)
            continue
        whole = _pick("".join(word), covs, cov_of) if len(word) > 1 else (None, "")
        if whole[0] is not None and len(whole[1]) == sum(map(len, word)):
            add(whole[0], whole[1])  # one family for a whole same-script word
            continue
        for cl in word:
            slug, kept = _pick(cl, covs, cov_of)
            for ch in cl:
                if ch not in kept and not is_ignorable(ch):
                    dropped[ch] = None
            if slug is not None:
                add(slug, kept)
    if lead and runs:
        runs[0][1] = lead + runs[0][1]
    return tuple((s, t) for s, t in runs), tuple(dropped)


class _LazyCmap:
    """A font's codepoint set, read from the file on the first membership test."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __contains__(self, cp: int) -> bool:
        return cp in _cmap(self.path)


def _script_words(parts: tuple[str, ...]) -> list[list[str]]:
    """Group consecutive letter clusters of one script (so a word never mixes fonts needlessly)."""
    words: list[list[str]] = []
    prev: str | None = None
    for cl in parts:
        key = _script(cl[0])
        if key is not None and key == prev:
            words[-1].append(cl)
        else:
            words.append([cl])
        prev = key
    return words


@lru_cache(maxsize=4096)
def _script(ch: str) -> str | None:
    """A rough script key for letters ('LATIN', 'GREEK', 'CJK', ...); None for everything else."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    if is_cjk(ch):
        return "CJK"
    return unicodedata.name(ch, "?").split(" ", 1)[0]


def _pick(cluster: str, covs, cov_of) -> tuple[str | None, str]:
    """The family for a cluster (or a same-script word) and the part of it that family can draw."""
    needed = [ord(ch) for ch in cluster if not is_ignorable(ch)]
    if "\ufe0f" in cluster and EMOJI in cov_of and all(c in cov_of[EMOJI] for c in needed):
        return EMOJI, cluster  # emoji presentation selector: prefer the colour glyph
    for slug, cov in covs:
        if all(c in cov for c in needed):
            return slug, cluster
    base = ord(cluster[0])
    for slug, cov in covs:
        if base in cov:  # keep the base, drop the marks this font lacks
            return slug, "".join(ch for ch in cluster if ord(ch) in cov or is_ignorable(ch))
    return None, ""
