"""Text: font registry and fallback, measuring and fitting, drawing what was measured.

- ``fonts``    families by slug (files from font packages), ``get_font``, per-glyph fallback ``split_runs``
- ``chars``    character classes (clusters, scripts, direction, kinsoku tables), text cleaning
- ``breaks``   line-break opportunities (Latin spaces/hyphens, CJK anywhere, kinsoku)
- ``measure``  ``Run``/``Line``/``TextBlock``, ``measure_line``, block geometry (no drawing)
- ``fit``      ``fit_text``: where a headline's size and line breaks are decided
- ``draw``     ``draw_block``, ``block_mask``, ``coverage``, ``ink_box``: pixels for a measured block
"""
from creative.text.draw import block_mask, coverage, draw_block, ink_box
from creative.text.fit import fit_text
from creative.text.fonts import FAMILIES, MissingGlyphWarning, families, get_font, split_runs
from creative.text.measure import Line, Run, TextBlock, measure_line

__all__ = [
    "FAMILIES",
    "Line",
    "MissingGlyphWarning",
    "Run",
    "TextBlock",
    "block_mask",
    "coverage",
    "draw_block",
    "families",
    "fit_text",
    "get_font",
    "ink_box",
    "measure_line",
    "split_runs",
]
