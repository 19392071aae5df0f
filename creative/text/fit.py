"""Where a headline's size is decided: the largest size whose wrapped text fits the box.

``fit_text`` binary-searches integer sizes in ``[min_size, max_size]``; at each size the text is
wrapped greedily to the box width (break opportunities from ``breaks``) and accepted when it
takes at most ``max_lines`` lines and the measured block fits the box. A short title therefore
stays on one line at the largest size that fits (shrink before wrap). Only when even
``min_size`` with ``max_lines`` does not fit is the last line cut with an ellipsis.
Nothing here draws.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from creative.errors import TextFitError, UsageError
from creative.text import fonts
from creative.text.breaks import segment
from creative.text.chars import ELLIPSIS, NO_LINE_END, clean, clusters, detect_direction
from creative.text.measure import ALIGNS, Line, TextBlock, _line_advance, _measure_line, layout_block


def fit_text(
    text: str,
    box: tuple[float, float],
    *,
    family: str,
    weight: int = 700,
    max_size: int,
    min_size: int = 10,
    max_lines: int = 3,
    line_spacing: float = 1.12,
    align: str = "left",
    uppercase: bool = False,
    letter_spacing: float = 0.0,
) -> TextBlock:
    """Fit ``text`` into a ``(width, height)`` box; the returned block never exceeds it.

    ``letter_spacing`` is in em (0.05 = 5 % of the size). ``\\n`` forces a line break; control
    and zero-width characters are removed; characters no font covers are dropped with a
    :class:`~creative.text.fonts.MissingGlyphWarning` and listed in ``TextBlock.dropped``.
    Text that is empty after cleaning gives a block with no lines. Raises ``UsageError`` for
    bad arguments and when not even one line with an ellipsis fits at ``min_size``.
    """
    width, height = box
    if not (width > 0 and height > 0):
        raise UsageError(f"text box must have a positive size, got {width}x{height}")
    if not 1 <= min_size <= max_size:
        raise UsageError(f"need 1 <= min_size <= max_size, got min_size={min_size}, max_size={max_size}")
    if max_lines < 1:
        raise UsageError(f"max_lines must be at least 1, got {max_lines}")
    if not line_spacing > 0:
        raise UsageError(f"line_spacing must be positive, got {line_spacing}")
    if align not in ALIGNS:
        raise UsageError(f"align must be one of {', '.join(ALIGNS)}, got {align!r}")
    fonts.get_font(family, weight, min_size)  # validates family and weight
    cleaned = clean(text.upper() if uppercase else text).strip()
    dropped = fonts.uncovered(cleaned, family, weight)
    fonts.warn_dropped(dropped, stacklevel=2)
    return _fit(
        cleaned, float(width), float(height), family, weight, max_size, min_size, max_lines,
        float(line_spacing), align, float(letter_spacing), fonts.emoji_font_path(),
    )


#: Keeping phrases whole (breaking only at spaces) wins if it costs at most this much text size.
PHRASE_SIZE_SHARE = 0.8


@dataclass(frozen=True)
class _Style:
    """Everything but the size that a measurement depends on."""

    family: str
    weight: int
    direction: str
    letter_spacing: float
    emoji: object = None  #: the emoji font in use (read once per fit: looking it up costs an environ read)


@lru_cache(maxsize=1024)
def _fit(
    text: str, width: float, height: float, family: str, weight: int, max_size: int, min_size: int,
    max_lines: int, line_spacing: float, align: str, letter_spacing: float, _emoji: object,
) -> TextBlock:
    paragraphs, dropped = _paragraphs(text, family, weight)
    style = _Style(family, weight, detect_direction("".join(p for p in paragraphs)), letter_spacing, _emoji)
    tokens = tuple(segment(p) for p in paragraphs)

    def block(lines: list[str], size: int, truncated: bool) -> TextBlock:
        measured = [_line(s, style, size) for s in lines]
        return layout_block(
            measured, text=text, family=family, weight=weight, size=size, line_spacing=line_spacing,
            align=align, direction=style.direction, letter_spacing=letter_spacing,
            truncated=truncated, dropped=dropped,
        )

    def fits(b: TextBlock) -> bool:
        return b.width <= width and b.height <= height

    def sized(toks: tuple[tuple[str, ...], ...], split_words: bool) -> Callable[[int], TextBlock | None]:
        def at(size: int) -> TextBlock | None:
            wrapped = _wrap(toks, width, style, size, max_lines, split_words)
            if wrapped is None or wrapped[1]:
                return None
            b = block(wrapped[0], size, False)
            return b if fits(b) else None

        return at

    if not any(paragraphs):
        return block([], max_size, False)
    # A block is at least (ascent + descent) * size tall: sizes above that bound cannot fit.
    asc, desc = fonts.vertical_metrics(family, weight)
    hi = min(max_size, max(min_size, math.floor(height / (asc + desc))))
    # Break as gently as the box allows: first only at spaces (phrases such as "双11" or
    # "大丽花花束" stay whole), then between CJK characters too, and only when even the smallest
    # size needs it, inside words.
    def largest(toks: tuple[tuple[str, ...], ...], split_words: bool) -> TextBlock | None:
        at = sized(toks, split_words)
        found = at(hi)
        if found is None and hi > min_size:
            guess = _estimate(toks, width, height, style, hi, min_size, hi - 1, max_lines, line_spacing, asc + desc)
            found = _search(at, min_size, hi - 1, guess)
        return found

    best = largest(tokens, False)
    coarse = tuple(_phrases(p) for p in tokens)
    if coarse != tokens:
        whole = largest(coarse, False)
        if whole is not None and (best is None or whole.size >= PHRASE_SIZE_SHARE * best.size):
            best = whole
    if best is None:
        best = largest(tokens, True)
    if best is not None:
        return best
    for n in range(max_lines, 0, -1):
        wrapped = _wrap(tokens, width, style, min_size, n - 1)
        if wrapped is None or not wrapped[1]:
            continue  # a cluster wider than the box, or everything fits in fewer lines
        last = _ellipsize(wrapped[1], width, style, min_size)
        if last is None:
            break
        b = block([*wrapped[0], last], min_size, True)
        if fits(b):
            return b
    raise TextFitError(
        f"text box {width:g}x{height:g} px is too small for this text even at {min_size} px with an ellipsis"
    )


def _phrases(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Tokens merged so that lines may break only after white space."""
    out: list[str] = []
    cur = ""
    for tok in tokens:
        cur += tok
        if tok[-1:].isspace():
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return tuple(out)


def _paragraphs(text: str, family: str, weight: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Paragraphs (split at \\n) of the characters some font covers; and the dropped characters."""
    paragraphs = []
    for p in text.split("\n"):
        runs, _ = fonts.split_with_dropped(p, family, weight)
        paragraphs.append("".join(t for _, t in runs).strip())
    dropped = fonts.uncovered(text, family, weight)
    while paragraphs and not paragraphs[-1]:
        paragraphs.pop()
    while paragraphs and not paragraphs[0]:
        paragraphs.pop(0)
    return tuple(paragraphs), dropped


# The fit calls the measurements' cached cores directly: its lines have no line breaks, their
# family, weight and size were checked by fit_text, and the emoji font was read once per fit.
def _line(text: str, style: _Style, size: int) -> Line:
    return _measure_line(text, style.family, style.weight, size, style.direction, style.letter_spacing, style.emoji)


def _advance(text: str, style: _Style, size: int) -> float:
    return _line_advance(text, style.family, style.weight, size, style.direction, style.letter_spacing, style.emoji)


def _token_advances(token: str, style: _Style, size: int) -> tuple[float, float]:
    """Advances of a token without its trailing spaces and of those spaces (summed: an estimate)."""
    head = token.rstrip()
    tail = token[len(head) :]
    return _advance(head, style, size), (_advance(tail, style, size) if tail else 0.0)


def _estimate(
    paragraphs: tuple[tuple[str, ...], ...], width: float, height: float, style: _Style, ref: int,
    lo: int, hi: int, max_lines: int, line_spacing: float, em_height: float,
) -> int:
    """A first guess of the fitting size from token advances at ``ref`` px scaled linearly.

    Only arithmetic per candidate size (advances are measured once, at ``ref``), so the exact
    search that follows starts next to the answer and measures two or three sizes.
    """

    def plausible(size: int) -> bool:
        k = size / ref
        lines = 0
        for para in paragraphs:
            used: float | None = None
            if not para:
                lines += 1
            for tok in para:
                head, tail = (w * k for w in _token_advances(tok, style, ref))
                if used is None or used + head > width:
                    lines += max(1, math.ceil(head / width))
                    used = head - (math.ceil(head / width) - 1) * width if head > width else head
                else:
                    used += head
                used += tail
                if lines > max_lines:
                    return False
        return em_height * size + (lines - 1) * size * line_spacing <= height

    best = lo
    while lo <= hi:
        mid = (lo + hi) // 2
        if plausible(mid):
            best, lo = mid, mid + 1
        else:
            hi = mid - 1
    return best


def _search(at: Callable[[int], TextBlock | None], lo: int, hi: int, guess: int) -> TextBlock | None:
    """The block at the largest size in ``[lo, hi]`` that fits, galloping out from ``guess``.

    Assumes fitting is monotone in size (checked in ``tests/test_text.py``): it finds
    the same size a plain binary search would, in fewer exact layouts when the guess is close.
    """
    guess = min(max(guess, lo), hi)
    found = at(guess)
    best = found
    if found is not None:  # gallop up: good is the largest size known to fit
        good, bad, step = guess, hi + 1, 1
        while good + step <= hi:
            trial = at(good + step)
            if trial is None:
                bad = good + step
                break
            best, good, step = trial, good + step, step * 2
    else:  # gallop down: bad is the smallest size known not to fit
        good, bad, step = lo - 1, guess, 1
        while bad - step >= lo:
            trial = at(bad - step)
            if trial is not None:
                best, good = trial, bad - step
                break
            bad, step = bad - step, step * 2
    lo, hi = good + 1, bad - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        trial = at(mid)
        if trial is not None:
            best, lo = trial, mid + 1
        else:
            hi = mid - 1
    return best


def _ink_width(text: str, style: _Style, size: int) -> float:
    ink = _line(text, style, size).ink
    return ink[2] - ink[0]


def _wrap(
    paragraphs: tuple[tuple[str, ...], ...], width: float, style: _Style, size: int, limit: int,
    split_words: bool = True,
) -> tuple[list[str], str] | None:
    """Greedy wrap into at most ``limit`` lines: ``(lines, rest)``, ``rest`` the text left over.

    Lines are chosen from token advances, then checked with the exact ink width (kerning and
    overhangs) and shortened token by token if needed. A token wider than the box alone is
    broken between clusters (or, with ``split_words=False``, the wrap fails). Returns None if a
    single cluster is wider than the box.
    """
    lines: list[str] = []
    for p_index, para in enumerate(paragraphs):
        toks = list(para)
        if not toks:
            if len(lines) == limit:
                return lines, _rest(paragraphs, p_index, toks, 0)
            lines.append("")
            continue
        i = 0
        while i < len(toks):
            if len(lines) == limit:
                return lines, _rest(paragraphs, p_index, toks, i)
            j, used = i, 0.0
            while j < len(toks):
                head, tail = _token_advances(toks[j], style, size)
                if j > i and used + head > width:
                    break
                used += head + tail
                j += 1
            while j - i > 1 and _ink_width("".join(toks[i:j]).rstrip(), style, size) > width:
                j -= 1
            if j - i == 1 and _ink_width(toks[i].rstrip(), style, size) > width:
                if not split_words and len(clusters(toks[i].rstrip())) > 1:
                    return None
                head = _longest_prefix(clusters(toks[i]), width, style, size, str.rstrip)
                if head is None:
                    return None
                toks[i : i + 1] = [head, toks[i][len(head) :]]
                j = i + 1
            lines.append("".join(toks[i:j]).rstrip())
            i = j
    return lines, ""


def _rest(paragraphs: tuple[tuple[str, ...], ...], p_index: int, toks: list[str], i: int) -> str:
    """The unplaced text from token ``i`` of paragraph ``p_index`` on, paragraphs joined by spaces."""
    parts = ["".join(toks[i:])] + ["".join(p) for p in paragraphs[p_index + 1 :]]
    return " ".join(x.strip() for x in parts if x.strip())


def _longest_prefix(
    parts: tuple[str, ...], width: float, style: _Style, size: int, finish: Callable[[str], str]
) -> str | None:
    """The longest run of leading clusters whose ``finish(head)`` fits ``width`` (binary search)."""
    lo, hi, best = 1, len(parts), None
    while lo <= hi:
        mid = (lo + hi) // 2
        head = "".join(parts[:mid])
        if _ink_width(finish(head), style, size) <= width:
            best, lo = head, mid + 1
        else:
            hi = mid - 1
    return best


def _trim_for_end(text: str) -> str:
    """Drop trailing spaces and opening punctuation (kinsoku: no line ends with an opening bracket)."""
    text = text.rstrip()
    while text and text[-1] in NO_LINE_END:
        text = text[:-1].rstrip()
    return text


def _ellipsize(rest: str, width: float, style: _Style, size: int) -> str | None:
    """The longest start of ``rest`` that fits with "…" appended; None if "…" alone does not fit."""
    head = _longest_prefix(clusters(rest), width, style, size, lambda h: _trim_for_end(h) + ELLIPSIS)
    if head is not None and _trim_for_end(head):
        return _trim_for_end(head) + ELLIPSIS
    return ELLIPSIS if _ink_width(ELLIPSIS, style, size) <= width else None
