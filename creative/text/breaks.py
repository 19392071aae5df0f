"""Line-break opportunities: a paragraph cut into the smallest pieces a line may end between.

Latin breaks after spaces and after hyphens inside words; CJK and emoji may break between
any two characters; kinsoku keeps closing punctuation off a line's start and opening
punctuation (and currency prefixes) off a line's end. Spaces hang on the piece before them.
"""
from __future__ import annotations

from functools import lru_cache

from creative.text.chars import (
    DASHES,
    GLUE,
    HYPHENS,
    NO_LINE_END,
    NO_LINE_START,
    clusters,
    is_breaking_space,
    is_ideographic,
)


def break_allowed(before2: str, before: str, after: str) -> bool:
    """May a line break between the clusters ``before`` and ``after``? (``before2`` precedes ``before``)."""
    p, c = before[0], after[0]
    if is_breaking_space(c):
        return False  # spaces hang at the end of the previous line
    if c in NO_LINE_START or p in NO_LINE_END or c in GLUE or p in GLUE:
        return False
    if is_breaking_space(p):
        return True
    if p in HYPHENS:
        return bool(before2) and before2[0].isalnum() and c.isalnum()
    if p in DASHES:
        return True
    return is_ideographic(p) or is_ideographic(c)


@lru_cache(maxsize=4096)
def segment(paragraph: str) -> tuple[str, ...]:
    """Cut ``paragraph`` at every break opportunity; ``"".join(result) == paragraph``."""
    parts = clusters(paragraph)
    if not parts:
        return ()
    tokens = [parts[0]]
    for i in range(1, len(parts)):
        if break_allowed(parts[i - 2] if i >= 2 else "", parts[i - 1], parts[i]):
            tokens.append(parts[i])
        else:
            tokens[-1] += parts[i]
    return tuple(tokens)
