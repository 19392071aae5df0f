"""Character classes the text pipeline needs: cleaning, clusters, scripts, direction, kinsoku.

Pure functions of a string (no fonts, no Pillow), so wrapping and run splitting are easy
to test on their own. The tables are deliberately small approximations of UAX #14/#29
that cover marketing copy: Latin, CJK, Arabic, Indic, Thai and emoji.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

# Control and invisible format characters removed before anything is measured.
# \n is kept (it forces a line break); \t becomes a space (see clean()).
_STRIP: dict[int, None] = {c: None for c in range(0x20) if c != 0x0A}
_STRIP.update({c: None for c in range(0x7F, 0xA0)})
_STRIP.update(
    {
        c: None
        for c in (
            0x00AD,  # soft hyphen
            0x200B,  # zero width space
            0x200E, 0x200F,  # LRM, RLM
            0x2060,  # word joiner
            0xFEFF,  # BOM / ZWNBSP
            *range(0x202A, 0x202F),  # bidi embeddings and overrides
            *range(0x2066, 0x206A),  # bidi isolates
        )
    }
)

ZWJ = "\u200d"
ELLIPSIS = "\u2026"

#: Spaces a line may break after (they hang at the line end and are not measured there).
BREAKING_SPACES = frozenset(" \u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000")
#: Spaces that glue their neighbours (no break on either side).
GLUE = frozenset("\u00a0\u2007\u202f")
#: Characters after which a word may break (when between letters or digits).
HYPHENS = frozenset("-\u2010\u2012\u2013")
DASHES = frozenset("\u2014\u2015")

#: Kinsoku: characters that must not start a line (closing punctuation, small kana, ...).
NO_LINE_START = frozenset(
    ",.;:!?)]}%\u2030\u2031\u00b0\u2103\u00a2\u00bb\u203a"
    "\uff0c\u3002\u3001\uff1b\uff1a\uff1f\uff01\uff09\u300d\u300f\u3011\u3015\u3009\u300b"
    "\u201d\u2019\uff05\u30fb\uff65\u30fc\uff70\u3005\u303b\u301c\uff5e\uff0e\uff3d\uff5d"
    "\uff60\u3019\u3017\u301f\u3009\u2026\u2025\u00b7"
    "\u3041\u3043\u3045\u3047\u3049\u3063\u3083\u3085\u3087\u308e\u3095\u3096"
    "\u30a1\u30a3\u30a5\u30a7\u30a9\u30c3\u30e3\u30e5\u30e7\u30ee\u30f5\u30f6\u309d\u309e\u30fd\u30fe"
)
#: Kinsoku: characters that must not end a line (opening punctuation, currency prefixes).
NO_LINE_END = frozenset(
    "([{\u00ab\u2039\uff08\u300c\u300e\u3010\u3014\u3008\u300a\u201c\u2018\uff5b\uff3b\uff5f\u3018\u3016\u301d"
    "$\u00a3\u00a5\u20ac\uff04\uffe5\uffe1"
)


def clean(text: str) -> str:
    """Normalise line breaks, turn tabs into spaces and strip controls and zero-width characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return text.replace("\t", " ").translate(_STRIP)


def is_joiner(ch: str) -> bool:
    """True for characters that belong to the preceding cluster (marks, ZWJ, selectors, modifiers)."""
    cp = ord(ch)
    if cp in (0x200C, 0x200D) or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
        return True
    if 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F:
        return True
    return unicodedata.category(ch) in ("Mn", "Me", "Mc")


def is_ignorable(ch: str) -> bool:
    """Invisible joiners and selectors that need no glyph (the shaper hides them)."""
    cp = ord(ch)
    return cp in (0x200C, 0x200D) or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or 0xE0020 <= cp <= 0xE007F


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


@lru_cache(maxsize=8192)
def clusters(text: str) -> tuple[str, ...]:
    """Split into user-perceived characters (approximate extended grapheme clusters)."""
    out: list[str] = []
    for ch in text:
        if out and (is_joiner(ch) or out[-1][-1] == ZWJ):
            out[-1] += ch
        elif out and _is_regional(ch) and len(out[-1]) == 1 and _is_regional(out[-1]):
            out[-1] += ch  # a flag is a pair of regional indicators
        else:
            out.append(ch)
    return tuple(out)


def is_breaking_space(ch: str) -> bool:
    return ch in BREAKING_SPACES or ch == "\n"


def is_cjk(ch: str) -> bool:
    """Han, Kana, Hangul, Bopomofo, CJK punctuation and fullwidth forms (break between any two)."""
    cp = ord(ch)
    return (
        0x2E80 <= cp <= 0x2FDF  # radicals
        or 0x3000 <= cp <= 0x30FF  # CJK punctuation, kana
        or 0x3100 <= cp <= 0x31FF  # bopomofo, hangul compat jamo, kana ext
        or 0x3200 <= cp <= 0x9FFF  # enclosed, compat, ext A, unified
        or 0xAC00 <= cp <= 0xD7AF  # hangul syllables
        or 0x1100 <= cp <= 0x11FF  # hangul jamo
        or 0xF900 <= cp <= 0xFAFF  # compatibility ideographs
        or 0xFE30 <= cp <= 0xFE4F  # CJK compatibility forms
        or 0xFF00 <= cp <= 0xFFEF  # half/fullwidth forms
        or 0x20000 <= cp <= 0x3FFFF  # ext B+
    )


def is_emoji(ch: str) -> bool:
    """Pictographs that break like ideographs (rough Extended_Pictographic ranges)."""
    cp = ord(ch)
    return 0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x1F1E6 <= cp <= 0x1F1FF


def is_ideographic(ch: str) -> bool:
    """May break before and after (CJK or emoji)."""
    return is_cjk(ch) or is_emoji(ch)


def strong_direction(ch: str) -> str | None:
    """'ltr' or 'rtl' for strong characters, None for neutral ones (digits, punctuation, spaces)."""
    bidi = unicodedata.bidirectional(ch)
    if bidi == "L":
        return "ltr"
    if bidi in ("R", "AL"):
        return "rtl"
    return None


def detect_direction(text: str) -> str:
    """Paragraph direction from the first strong character (UAX #9 P2/P3); 'ltr' when none."""
    for ch in text:
        d = strong_direction(ch)
        if d is not None:
            return d
    return "ltr"


def cjk_language(text: str) -> str:
    """OpenType language for a run in the CJK font: 'ja' with kana, 'ko' with hangul, else 'zh-Hans'."""
    for ch in text:
        cp = ord(ch)
        if 0x3040 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF or 0xFF66 <= cp <= 0xFF9F:
            return "ja"
        if 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
            return "ko"
    return "zh-Hans"
