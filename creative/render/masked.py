"""Pasting through a mask in parts: a copy where the mask is 255, nothing where it is 0, and
Pillow's blend only on the rest.

``canvas.paste(src, xy, mask)`` blends every byte of every pixel of the mask's box, even where
the mask is 0 (the canvas stays) or 255 (the source is copied): Pillow's blend rounds so that
those two give exactly the canvas or the source. A :class:`MaskPlan`, worked out once per mask
(a template shape's is cached by shape and size: ``paint.shape_plan``), names rectangles of the
mask that are 255 throughout and rectangles that hold every other non-zero pixel;
:func:`paste_planned` copies the first and blends the second. The pixels are the same as the
single paste (``tests/test_masked.py``); a batch's template shapes cost about a quarter less.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..text.draw import clip_to_canvas, paint_through

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 in the mask's own pixels

#: A mask smaller than this is pasted whole: the parts' own costs would outweigh the saving.
MIN_AREA = 40_000
#: Row bands per plan (at most), and the least height of one.
BANDS, MIN_BAND = 12, 24
#: Columns to blend are merged across gaps narrower than this (each part is a call of its own).
GAP = 24


@dataclass(frozen=True)
class MaskPlan:
    """Rectangles of a mask: ``copy``, where it is 255 throughout; ``blend``, covering every other
    pixel that is not 0. Together they leave out only pixels where the mask is 0."""

    copy: tuple[Rect, ...]
    blend: tuple[Rect, ...]


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """``[start, end)`` of each run of True in a 1-D boolean array."""
    if not flags.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate(([False], flags, [False])).astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _merged(runs: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in runs:
        if out and a - out[-1][1] < gap:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _band_rows(rows: np.ndarray) -> list[int]:
    """Band edges over the rows that hold any non-zero pixel."""
    used = np.flatnonzero(rows)
    if used.size == 0:
        return []
    top, bottom = int(used[0]), int(used[-1]) + 1
    n = max(1, min(BANDS, (bottom - top) // MIN_BAND))
    return sorted({top + (bottom - top) * i // n for i in range(n)} | {bottom})


def plan_mask(mask: np.ndarray) -> MaskPlan:
    """The plan of an ``H x W`` uint8 mask: the rows that hold ink cut into up to :data:`BANDS`
    bands; in each, the widest run of columns that are 255 throughout is copied and the runs of
    other inked columns are blended."""
    nonzero = mask != 0
    edges = _band_rows(nonzero.any(axis=1))
    copy: list[Rect] = []
    blend: list[Rect] = []
    for y0, y1 in zip(edges, edges[1:]):
        inked = nonzero[y0:y1].any(axis=0)
        if not inked.any():
            continue
        full = (mask[y0:y1] == 255).all(axis=0)
        core = max(_runs(full), key=lambda r: r[1] - r[0], default=None)
        if core is not None and (core[1] - core[0]) * (y1 - y0) >= 1024:
            copy.append((core[0], y0, core[1], y1))
            inked[core[0] : core[1]] = False
        for a, b in _merged(_runs(inked), GAP):
            blend.append((a, y0, b, y1))
    return MaskPlan(tuple(copy), tuple(blend))


def paste_planned(canvas: Image.Image, src: Image.Image | tuple[int, ...], mask: Image.Image, xy: tuple[int, int],
                  plan: MaskPlan | None) -> None:
    """``canvas.paste(src, xy, mask)`` done by ``plan`` (None, or a mask under :data:`MIN_AREA`:
    the one paste), same pixels. ``src``: an image the mask's size, or a colour."""
    if plan is None or mask.width * mask.height < MIN_AREA:
        _paste(canvas, src, mask, xy)
        return
    x, y = xy
    for r in plan.copy:
        canvas.paste(src[: len(canvas.mode)] if isinstance(src, tuple) else src.crop(r), (x + r[0], y + r[1], x + r[2], y + r[3]))
    for r in plan.blend:
        _paste(canvas, src if isinstance(src, tuple) else src.crop(r), mask.crop(r), (x + r[0], y + r[1]))


def paste_clipped(canvas: Image.Image, src: Image.Image | tuple[int, ...], mask: Image.Image, x: int, y: int) -> None:
    """``canvas.paste(src, (x, y), mask)`` of the part of ``mask`` that lies on the canvas
    (negative offsets allowed); ``src``: an image the mask's size, or a colour."""
    part = clip_to_canvas(canvas, mask, x, y)
    if part is None:
        return
    mask, (px, py) = part
    if not isinstance(src, tuple) and src.size != mask.size:  # clipped: the same part of the source
        src = src.crop((px - x, py - y, px - x + mask.width, py - y + mask.height))
    _paste(canvas, src, mask, (px, py))


def _paste(canvas: Image.Image, src: Image.Image | tuple[int, ...], mask: Image.Image, xy: tuple[int, int]) -> None:
    if isinstance(src, tuple):
        paint_through(canvas, src, mask, xy)  # a colour goes as a solid image (see there)
    else:
        canvas.paste(src, xy, mask)
