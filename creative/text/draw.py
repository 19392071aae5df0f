"""Draw a measured ``TextBlock``: exactly the runs, positions and baselines ``measure`` computed.

The glyphs are rendered once into a coverage mask the size of the block (plus colour emoji
bitmaps); ``draw_block`` composites the text colour through that mask ("over", so translucent
colours and transparent canvases behave), ``block_mask`` returns the same coverage placed on a
canvas-sized "L" image, and ``ink_box`` is the rectangle both occupy. Nothing here decides sizes
or line breaks.
"""
from __future__ import annotations

import math
import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np
from PIL import Image, ImageChops, ImageDraw

from creative.text import fonts
from creative.text.measure import TextBlock, cluster_positions, scaled_box, spacing_px

VALIGNS = ("top", "middle", "bottom")
Box = tuple[float, float, float, float]


def ink_box(block: TextBlock, box: Box, *, valign: str = "top") -> tuple[int, int, int, int]:
    """``(x0, y0, x1, y1)`` the block occupies in ``box``: aligned per ``block.align`` and
    ``valign``, snapped to whole pixels (kept inside ``box`` when it is large enough)."""
    if valign not in VALIGNS:
        raise ValueError(f"valign must be one of {VALIGNS}, got {valign!r}")
    x0, y0, x1, y1 = box
    w, h = int(block.width), int(block.height)
    fx = {"left": 0.0, "center": 0.5, "right": 1.0}[block.align]
    fy = {"top": 0.0, "middle": 0.5, "bottom": 1.0}[valign]
    x = _snap(x0 + (x1 - x0 - w) * fx, x0, x1 - w)
    y = _snap(y0 + (y1 - y0 - h) * fy, y0, y1 - h)
    return (x, y, x + w, y + h)


def _snap(ideal: float, lo: float, hi: float) -> int:
    """Round ``ideal`` to a whole pixel within ``[lo, hi]`` when that range holds one."""
    lo_i, hi_i = math.ceil(lo), math.floor(hi)
    v = round(ideal)
    return min(max(v, lo_i), hi_i) if lo_i <= hi_i else v


def draw_block(
    canvas: Image.Image,
    block: TextBlock,
    box: Box,
    color: tuple[int, ...],
    *,
    valign: str = "top",
    opaque_ground: bool = False,
) -> None:
    """Draw ``block`` in ``box`` on an RGBA or RGB ``canvas`` in ``color`` (RGB or RGBA); emoji keep
    their own colours (scaled by the colour's alpha). ``opaque_ground``: the canvas is opaque where
    the text goes (an RGB canvas always is), so an opaque colour can be blended in place (faster,
    same pixels to rounding)."""
    if canvas.mode not in ("RGBA", "RGB"):
        raise ValueError(f"draw_block needs an RGBA or RGB canvas, got {canvas.mode}")
    opaque_ground = opaque_ground or canvas.mode == "RGB"
    if len(color) not in (3, 4):
        raise ValueError(f"color must be (r, g, b) or (r, g, b, a), got {color!r}")
    if not block.lines:
        return
    x, y, _, _ = ink_box(block, box, valign=valign)
    mask, emoji = _render(block)
    alpha = color[3] if len(color) == 4 else 255
    if opaque_ground and alpha == 255:
        # over an opaque canvas "over" is a blend through the coverage: one paste, no layer
        _paste(canvas, tuple(color[:3]) + (255,), mask, x, y)
    else:
        layer = Image.new("RGBA", mask.size, tuple(color[:3]) + (0,))
        layer.putalpha(mask if alpha == 255 else mask.point(_scale_lut(alpha)))
        composite_over(canvas, layer, x, y)
    for bitmap, (ex, ey) in emoji:
        if alpha != 255:
            bitmap = bitmap.copy()
            bitmap.putalpha(bitmap.getchannel("A").point(_scale_lut(alpha)))
        composite_over(canvas, bitmap, x + ex, y + ey)


def block_mask(
    block: TextBlock, box: Box, canvas_size: tuple[int, int], *, valign: str = "top"
) -> Image.Image:
    """Glyph coverage ("L", ``canvas_size``) of ``block`` placed in ``box`` as ``draw_block`` draws it
    (emoji count by their alpha)."""
    out = Image.new("L", canvas_size, 0)
    if not block.lines:
        return out
    x, y, _, _ = ink_box(block, box, valign=valign)
    out.paste(Image.fromarray(_coverage(block)), (x, y))
    return out


def coverage(block: TextBlock, box: Box, *, valign: str = "top") -> tuple[np.ndarray, tuple[int, int]]:
    """The block's glyph coverage (uint8, block-sized, emoji counted by their alpha; read-only)
    and the position of its top-left corner: :func:`block_mask` without the canvas around it."""
    x, y, _, _ = ink_box(block, box, valign=valign)
    return _coverage(block), (x, y)


def _coverage(block: TextBlock) -> np.ndarray:
    entry = _rendered(block)
    if entry[2] is None:
        mask, emoji = entry[0], entry[1]
        if emoji:
            mask = mask.copy()
            for bitmap, (ex, ey) in emoji:
                region = (ex, ey, ex + bitmap.width, ey + bitmap.height)
                mask.paste(ImageChops.lighter(mask.crop(region), bitmap.getchannel("A")), region)
        arr = np.asarray(mask)
        arr.flags.writeable = False
        return _RASTERS.add_coverage(block, entry, arr)
    return entry[2]


@lru_cache(maxsize=256)
def _scale_lut(alpha: int) -> list[int]:
    return [v * alpha // 255 for v in range(256)]


def clip_to_canvas(canvas: Image.Image, img: Image.Image, x: int, y: int) -> tuple[Image.Image, tuple[int, int]] | None:
    """The part of ``img`` placed at ``(x, y)`` that lies on the canvas, and where it goes
    (None when nothing does; negative offsets allowed)."""
    cx0, cy0 = max(0, -x), max(0, -y)
    cx1, cy1 = min(img.width, canvas.width - x), min(img.height, canvas.height - y)
    if cx0 >= cx1 or cy0 >= cy1:
        return None
    if (cx0, cy0, cx1, cy1) != (0, 0, img.width, img.height):
        img = img.crop((cx0, cy0, cx1, cy1))
    return img, (x + cx0, y + cy0)


def _paste(canvas: Image.Image, color: tuple[int, ...], mask: Image.Image, x: int, y: int) -> None:
    """``canvas.paste(color, (x, y), mask)`` clipped to the canvas (see :func:`paint_through`)
    and to the ink: where the mask is 0 the blend would leave the canvas as it is."""
    ink = mask.getbbox()
    if ink is None:
        return
    if ink != (0, 0, mask.width, mask.height):
        mask, x, y = mask.crop(ink), x + ink[0], y + ink[1]
    part = clip_to_canvas(canvas, mask, x, y)
    if part is not None:
        paint_through(canvas, color, *part)


def paint_through(canvas: Image.Image, color: tuple[int, ...], mask: Image.Image, xy: tuple[int, int]) -> None:
    """Blend ``color`` into ``canvas`` through ``mask`` at ``xy`` (the mask lies on the canvas).

    The same pixels as ``canvas.paste(color, box, mask)``, but pasting a solid image through the
    mask instead: Pillow's fill-through-mask runs three to four times slower than its
    image-through-mask (which copies a whole pixel per step), more than making the image costs."""
    color = tuple(color[: len(canvas.mode)])
    # All zeros (black on RGB: a contact shadow) is Pillow's zero-filled new image, a third of the
    # time of filling a colour pixel by pixel.
    solid = Image.new(canvas.mode, mask.size, 0 if not any(color) else color)
    canvas.paste(solid, xy, mask)


def composite_over(canvas: Image.Image, layer: Image.Image, x: int, y: int) -> None:
    """``canvas.alpha_composite(layer, (x, y))`` clipped to the canvas (on an RGB canvas, which is
    opaque, "over" is a blend through the layer's alpha)."""
    part = clip_to_canvas(canvas, layer, x, y)
    if part is not None:
        if canvas.mode == "RGB":
            canvas.paste(part[0], part[1], part[0])
        else:
            canvas.alpha_composite(part[0], part[1])


class _RasterCache:
    """Rendered blocks kept within budgets of bytes (a mask is as large as its block, so a count
    would bound nothing: one headline on a 4000 px canvas outweighs a hundred price tags).

    A segmented LRU: a new block waits in *probation*; one used again later (a third use: drawing
    a text asks for its raster twice) moves to the *protected* segment. A catalogue's prices,
    badges and calls to action recur across products and sizes and stay; its headlines are new with
    every product and pass through probation without pushing them out, so a long batch's memory
    levels off early."""

    PROMOTE_AT = 3

    def __init__(self, probation: int, protected: int) -> None:
        self.budgets = (probation, protected)
        self._segments: tuple[OrderedDict[TextBlock, list], OrderedDict[TextBlock, list]] = (OrderedDict(), OrderedDict())
        self._bytes = [0, 0]
        self._lock = threading.Lock()  # threads may draw text too (contact sheets, video frames)

    @property
    def nbytes(self) -> int:
        return self._bytes[0] + self._bytes[1]

    def __len__(self) -> int:
        return len(self._segments[0]) + len(self._segments[1])

    def holds(self, block: TextBlock) -> str | None:
        """Which segment keeps ``block`` ("probation", "protected") or None."""
        for name, seg in zip(("probation", "protected"), self._segments):
            if block in seg:
                return name
        return None

    def get(self, block: TextBlock) -> list | None:
        with self._lock:
            probation, protected = self._segments
            entry = protected.get(block)
            if entry is not None:
                protected.move_to_end(block)
                return entry
            entry = probation.get(block)
            if entry is not None:
                entry[3] += 1
                if entry[3] >= self.PROMOTE_AT:
                    del probation[block]
                    self._bytes[0] -= _nbytes(entry)
                    protected[block] = entry
                    self._grow(1, _nbytes(entry))
                else:
                    probation.move_to_end(block)
            return entry

    def put(self, block: TextBlock, entry: list) -> list:
        """Keep ``entry`` (``[mask, emoji, coverage or None]``) for ``block`` in probation, unless
        another thread kept one first; returns the kept one."""
        with self._lock:
            if block in self._segments[1]:
                return self._segments[1][block]
            new = [*entry, 1]  # the last item counts the uses
            kept = self._segments[0].setdefault(block, new)
            if kept is new:
                self._grow(0, _nbytes(new))
            return kept

    def add_coverage(self, block: TextBlock, entry: list, arr: np.ndarray) -> np.ndarray:
        """Give ``entry`` its coverage array (unless another thread did first); returns the one kept."""
        with self._lock:
            if entry[2] is None:
                entry[2] = arr
                for i, seg in enumerate(self._segments):
                    if seg.get(block) is entry:  # still kept here: it weighs more now
                        self._grow(i, arr.nbytes)
            return entry[2]

    def _grow(self, i: int, nbytes: int) -> None:
        seg = self._segments[i]
        self._bytes[i] += nbytes
        while self._bytes[i] > self.budgets[i] and len(seg) > 1:
            _, old = seg.popitem(last=False)
            self._bytes[i] -= _nbytes(old)


def _nbytes(entry: list) -> int:
    mask, emoji, cov = entry[:3]
    if not emoji:  # the mask is a view of the coverage (see _rendered) or has none yet
        return cov.nbytes if cov is not None else mask.width * mask.height
    return mask.width * mask.height + sum(4 * b.width * b.height for b, _ in emoji) + (cov.nbytes if cov is not None else 0)


#: Rendered text a process keeps: 4 MB on probation, 8 MB of texts that recur (a worker fills them
#: within its first hundred jobs or so; more would keep memory growing through a long batch).
_RASTERS = _RasterCache(4 << 20, 8 << 20)


def _render(block: TextBlock) -> tuple[Image.Image, tuple[tuple[Image.Image, tuple[int, int]], ...]]:
    """Coverage mask of the block's text (block-sized "L") and its emoji bitmaps with offsets.

    Cached per block (a block is a value); callers must not modify the returned images.
    """
    entry = _rendered(block)
    return entry[0], entry[1]


def _rendered(block: TextBlock) -> list:
    """The cache entry of ``block``: ``[mask, emoji, coverage array or None until asked]``."""
    entry = _RASTERS.get(block)
    if entry is None:
        mask, emoji = _draw_glyphs(block)
        cov = None
        if not emoji:  # the coverage is the mask: keep one copy of the pixels, seen both ways
            cov = np.asarray(mask)
            cov.flags.writeable = False
            mask = Image.frombuffer("L", mask.size, cov, "raw", "L", 0, 1)
        entry = _RASTERS.put(block, [mask, emoji, cov])
    return entry


def _draw_glyphs(block: TextBlock) -> tuple[Image.Image, tuple[tuple[Image.Image, tuple[int, int]], ...]]:
    mask = Image.new("L", (int(block.width), int(block.height)), 0)
    draw = ImageDraw.Draw(mask)
    emoji: list[tuple[Image.Image, tuple[int, int]]] = []
    for line in block.lines:
        for run in line.runs:
            ox, baseline = int(line.x + run.x), int(line.y)
            sp = spacing_px(run.family, block.letter_spacing, block.size)
            pieces = (
                cluster_positions(run.family, block.weight, block.size, run.text, block.direction, sp)
                if sp
                else ((run.text, 0),)
            )
            for text, dx in pieces:
                if run.family == fonts.EMOJI:
                    emoji.append(_emoji_bitmap(text, block.size, block.direction, ox + dx, baseline))
                else:
                    font = fonts.get_font(run.family, block.weight, block.size)
                    draw.text(
                        (ox + dx, baseline), text, fill=255, font=font, anchor="ls",
                        direction=block.direction, language=fonts.run_language(run.family, text),
                    )
    return mask, tuple(emoji)


def _emoji_bitmap(text: str, size: int, direction: str, x: int, baseline: int) -> tuple[Image.Image, tuple[int, int]]:
    """Colour emoji rendered at the font's strike size and scaled to ``size``, with its offset."""
    font, scale = fonts.run_font(fonts.EMOJI, 400, size)
    l, t, r, b = font.getbbox(text, direction=direction, anchor="ls")
    strike = Image.new("RGBA", (max(1, r - l), max(1, b - t)), (0, 0, 0, 0))
    ImageDraw.Draw(strike).text((-l, -t), text, font=font, anchor="ls", direction=direction, embedded_color=True)
    x0, y0, x1, y1 = scaled_box((l, t, r, b), scale)
    bitmap = strike.resize((x1 - x0, y1 - y0), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return bitmap, (x + x0, baseline + y0)
