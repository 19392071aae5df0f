"""Measure text without drawing: font runs, their advances and ink, lines, and whole blocks.

Everything here is geometry in pixels, computed with the same Pillow calls the renderer uses
(``getlength``/``getbbox`` with anchor "ls", raqm shaping, per-run direction and language), so
``creative.text.draw`` draws exactly what was measured. Positions that the renderer uses are
snapped to whole pixels here (run origins, line origins, baselines), which makes the measured
ink box and the drawn pixels agree exactly.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from creative.text import fonts
from creative.text.chars import clusters, detect_direction, strong_direction

#: Families whose letters join (letter spacing would break them apart): spacing is not applied.
CURSIVE = frozenset({"noto-sans-arabic"})
ALIGNS = ("left", "center", "right")

Ink = tuple[int, int, int, int]  # left, top, right, bottom relative to (origin, baseline); top < 0


@dataclass(frozen=True)
class Run:
    """A piece of a line drawn with one font; ``x`` is relative to the line's left edge."""

    text: str
    family: str
    x: float
    width: float


@dataclass(frozen=True)
class Line:
    """One line: runs in visual (left-to-right) order and its advance ``width``.

    ``ink`` is the line's ink-safe box relative to (line origin, baseline): the advance
    ``[0, width]`` widened by any glyph overhang across, the glyphs' extent up (negative) and down.
    ``x`` and ``y`` place the line origin and baseline inside its block (0 for a line on its own).
    """

    runs: tuple[Run, ...]
    width: float
    text: str
    ink: Ink
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class TextBlock:
    """Measured, wrapped text: everything the renderer needs, in block coordinates.

    ``text`` is the cleaned input (uppercased if asked). ``width``/``height`` bound the ink of every
    glyph (vertically at least the family's typographic ascent/descent, so a block's height is
    stable across texts). ``align`` is physical (also for RTL). ``letter_spacing`` is in em.
    ``dropped`` lists characters no font covers (they are not drawn).
    """

    text: str
    family: str
    weight: int
    size: int
    lines: tuple[Line, ...]
    line_height: float
    width: float
    height: float
    truncated: bool
    align: str
    direction: str
    letter_spacing: float = 0.0
    dropped: tuple[str, ...] = ()


def spacing_px(family: str, letter_spacing: float, size: int) -> float:
    """Extra advance after each cluster, in px (0 for cursive scripts)."""
    return 0.0 if family in CURSIVE else letter_spacing * size


@lru_cache(maxsize=8192)
def run_advance(family: str, weight: int, size: int, text: str, direction: str) -> float:
    """Advance width of ``text`` shaped in one font (no letter spacing)."""
    font, scale = fonts.run_font(family, weight, size)
    lang = fonts.run_language(family, text)
    return font.getlength(text, direction=direction, language=lang) * scale


# Ink boxes and run metrics are asked again only for a line measured again, which the line-level
# cache above them answers first: 2,048 entries keep what hits there are (about 5 %).
@lru_cache(maxsize=2048)
def _glyph_ink(family: str, weight: int, size: int, text: str, direction: str) -> Ink:
    """Pillow's box for ``text`` at origin (0, baseline): ``[min(0, ink), max(advance, ink)]`` across."""
    font, scale = fonts.run_font(family, weight, size)
    lang = fonts.run_language(family, text)
    l, t, r, b = font.getbbox(text, direction=direction, language=lang, anchor="ls")
    if scale == 1.0:
        return (int(l), int(t), int(r), int(b))
    return scaled_box((l, t, r, b), scale)


def scaled_box(box: tuple[float, float, float, float], scale: float) -> Ink:
    """An integer box covering ``box`` scaled (used for emoji bitmaps; draw uses the same numbers)."""
    l, t, r, b = box
    x0, y0 = math.floor(l * scale), math.floor(t * scale)
    return (x0, y0, x0 + max(1, math.ceil((r - l) * scale)), y0 + max(1, math.ceil((b - t) * scale)))


@lru_cache(maxsize=4096)
def cluster_positions(
    family: str, weight: int, size: int, text: str, direction: str, spacing: float
) -> tuple[tuple[str, int], ...]:
    """Letter-spaced run: each cluster and its whole-pixel x offset from the run origin.

    Offsets keep the shaped (kerned) position of each cluster and add ``spacing`` after each.
    """
    parts = clusters(text)
    out = []
    prefix = ""
    for i, cl in enumerate(parts):
        x = run_advance(family, weight, size, prefix, direction) if prefix else 0.0
        out.append((cl, round(x + i * spacing)))
        prefix += cl
    return tuple(out)


@lru_cache(maxsize=2048)
def run_metrics(
    family: str, weight: int, size: int, text: str, direction: str, spacing: float
) -> tuple[float, Ink]:
    """(advance including ``spacing`` after each cluster, ink box) of one run."""
    if not spacing:
        return run_advance(family, weight, size, text, direction), _glyph_ink(family, weight, size, text, direction)
    ink: Ink | None = None
    for cl, x in cluster_positions(family, weight, size, text, direction, spacing):
        ink = _union(ink, _shift(_glyph_ink(family, weight, size, cl, direction), x))
    advance = run_advance(family, weight, size, text, direction) + len(clusters(text)) * spacing
    return advance, ink or (0, 0, 0, 0)


def _shift(box: Ink, dx: int) -> Ink:
    return (box[0] + dx, box[1], box[2] + dx, box[3])


def _union(a: Ink | None, b: Ink) -> Ink:
    if a is None:
        return b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def visual_order(runs: tuple[tuple[str, str], ...], direction: str) -> list[tuple[str, str]]:
    """Runs left to right: runs against the base direction are reversed as groups.

    A run's direction is its first strong character's; neutral runs (digits, symbols, emoji)
    take their neighbours' when both agree, else the base direction. (Run-level UAX #9.)
    """
    dirs: list[str | None] = [next((d for d in map(strong_direction, t) if d), None) for _, t in runs]
    resolved = []
    for i, d in enumerate(dirs):
        if d is None:
            before = next((x for x in reversed(dirs[:i]) if x), direction)
            after = next((x for x in dirs[i + 1 :] if x), direction)
            d = before if before == after else direction
        resolved.append(d)
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for run, d in zip(runs, resolved):
        if groups and groups[-1][0] == d:
            groups[-1][1].append(run)
        else:
            groups.append((d, [run]))
    if direction == "rtl":
        groups.reverse()
    out: list[tuple[str, str]] = []
    for d, group in groups:
        out.extend(group if d == "ltr" else reversed(group))
    return out


def line_advance(text: str, family: str, weight: int, size: int, direction: str, letter_spacing: float = 0.0) -> float:
    """Advance width of one line (the cheap estimate the wrapper uses; no ink)."""
    return _line_advance(text, family, weight, size, direction, letter_spacing, fonts.emoji_font_path())


@lru_cache(maxsize=8192)
def _line_advance(
    text: str, family: str, weight: int, size: int, direction: str, letter_spacing: float, _emoji: object
) -> float:
    runs, _ = fonts.split_with_dropped(text, family, weight)
    total = 0.0
    for fam, t in runs:
        sp = spacing_px(fam, letter_spacing, size)
        total += run_advance(fam, weight, size, t, direction) + (len(clusters(t)) * sp if sp else 0.0)
    return total


def measure_line(
    text: str, family: str, weight: int, size: int, *, direction: str | None = None, letter_spacing: float = 0.0
) -> Line:
    """Measure one line (no wrapping): runs in visual order with whole-pixel origins, width, ink.

    ``direction`` defaults to the line's own (first strong character); ``letter_spacing`` is in em.
    Characters no font covers are left out (see ``fonts.split_runs``).
    """
    if "\n" in text:
        raise ValueError("measure_line measures one line; use fit_text for text with line breaks")
    fonts.get_font(family, weight, size)  # validates family, weight and size
    direction = direction or detect_direction(text)
    return _measure_line(text, family, weight, size, direction, letter_spacing, fonts.emoji_font_path())


@lru_cache(maxsize=4096)
def _measure_line(
    text: str, family: str, weight: int, size: int, direction: str, letter_spacing: float, _emoji: object
) -> Line:
    logical, _ = fonts.split_with_dropped(text, family, weight)
    x = 0.0
    runs: list[Run] = []
    ink: Ink | None = None
    trailing = 0.0
    for fam, t in visual_order(logical, direction):
        sp = spacing_px(fam, letter_spacing, size)
        advance, box = run_metrics(fam, weight, size, t, direction, sp)
        rx = round(x)
        runs.append(Run(t, fam, float(rx), advance))
        ink = _union(ink, _shift(box, rx))
        x += advance
        trailing = sp
    return Line(tuple(runs), max(0.0, x - trailing), text, ink or (0, 0, 0, 0))


def layout_block(
    lines: list[Line],
    *,
    text: str,
    family: str,
    weight: int,
    size: int,
    line_spacing: float,
    align: str,
    direction: str,
    letter_spacing: float,
    truncated: bool,
    dropped: tuple[str, ...],
) -> TextBlock:
    """Stack measured lines into a block: align them, place baselines, compute the ink-safe size.

    Line pitch is ``size * line_spacing``. Above the first baseline the block reserves the
    family's typographic ascent (or more, where a glyph reaches higher); below the last, its
    descent (or more). Horizontally each line's box is its advance widened by any ink overhang;
    lines are aligned by those boxes and the block is as wide as the widest.
    """
    if align not in ALIGNS:
        raise ValueError(f"align must be one of {ALIGNS}, got {align!r}")
    pitch = size * line_spacing
    if not lines:
        return TextBlock(text, family, weight, size, (), pitch, 0.0, 0.0, truncated, align, direction, letter_spacing, dropped)
    asc_em, desc_em = fonts.vertical_metrics(family, weight)
    ascent, descent = asc_em * size, desc_em * size
    # Lines are aligned by their ink-safe boxes [min(0, ink left), max(advance, ink right)], so a
    # block is exactly as wide as its widest line box (what the wrapper checked line by line).
    boxes = [(ln.ink[0], ln.ink[2]) for ln in lines]
    full = max(r - l for l, r in boxes)
    if align == "left":
        offsets = [-l for l, _ in boxes]
    elif align == "right":
        offsets = [full - r for _, r in boxes]
    else:
        offsets = [(full - (r - l)) // 2 - l for l, r in boxes]
    drops = [round(i * pitch) for i in range(len(lines))]  # baselines below the first one
    top = math.ceil(max(max(ascent, -ln.ink[1]) - d for d, ln in zip(drops, lines)))
    bottom = math.ceil(max(d + max(descent, ln.ink[3]) for d, ln in zip(drops, lines)))
    placed = tuple(
        Line(ln.runs, ln.width, ln.text, ln.ink, float(off), float(top + d))
        for off, d, ln in zip(offsets, drops, lines)
    )
    return TextBlock(
        text, family, weight, size, placed, pitch, float(full), float(top + bottom),
        truncated, align, direction, letter_spacing, dropped,
    )
