"""Animated text: a storyboard text fitted once (``creative.text.fit_text``), drawn once, revealed over time.

Animations: ``fade``, ``slide-up``, ``slide-left``, ``scale`` (the whole block), and ``words`` or
``chars`` reveals (each unit fades in after the previous one). Units come from the text
package: ``words`` uses its line-break opportunities (so Chinese and Japanese reveal per
character or kinsoku-bound group, Latin per word) and ``chars`` its grapheme clusters. A unit
is a column range of its line, measured with the same advances the renderer drew, so the
reveal follows the glyphs exactly, right to left for RTL lines.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from ..errors import TextFitError
from ..color import fix_text_color, parse_color, required_ratio, underlay_color
from ..render.paint import shape_mask
from ..text import TextBlock, block_mask, fit_text, ink_box
from ..text.breaks import segment
from ..text.chars import clusters
from ..text.measure import line_advance
from .composite import Sprite, blit
from .motion import Pose, combine, ease, idle
from .spec import Text

UNIT_FADE = 0.18  # seconds each word/character takes to fade in
MIN_PX = 5  # the smallest text ever drawn


def resolve(ref: str, palette: dict[str, str]) -> tuple[int, int, int]:
    """A palette role or a hex colour -> RGB."""
    return parse_color(palette[ref] if ref in palette else ref)


def px_box(box: tuple[float, float, float, float], size: tuple[int, int]) -> tuple[int, int, int, int]:
    w, h = size
    x0, y0, x1, y1 = box
    return (round(x0 * w), round(y0 * h), round(x1 * w), round(y1 * h))


def fit(item: Text, size: tuple[int, int]) -> tuple[TextBlock, tuple[int, int, int, int]]:
    """The fitted block and the pixel box it is fitted in."""
    box = px_box(item.box, size)
    unit = (size[0] * size[1]) ** 0.5
    pad = (0, 0)
    if item.plate is not None:
        est = item.max_size * unit
        pad = (round(item.plate.padding[0] * est), round(item.plate.padding[1] * est))
    bw, bh = max(1, box[2] - box[0] - 2 * pad[0]), max(1, box[3] - box[1] - 2 * pad[1])
    if item.plate is not None and item.plate.shape in ("circle", "burst"):
        bw = bh = max(1, round(min(bw, bh) / 1.25))  # round plates: the text sits in the inner square
    max_px = max(item.min_size, round(item.max_size * unit))
    try:
        block = fit_text(item.text, (bw, bh), family=item.font, weight=item.weight, max_size=max_px,
                         min_size=min(item.min_size, max_px), max_lines=item.max_lines, align=item.align,
                         uppercase=item.uppercase, letter_spacing=item.letter_spacing)
    except TextFitError:
        # a small canvas or an edited text: go below the storyboard's minimum rather than drop it
        block = fit_text(item.text, (bw, bh), family=item.font, weight=item.weight, max_size=max_px,
                         min_size=MIN_PX, max_lines=item.max_lines + 1, align=item.align,
                         uppercase=item.uppercase, letter_spacing=item.letter_spacing)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    inner = (round(cx - bw / 2), round(cy - bh / 2), round(cx - bw / 2) + bw, round(cy - bh / 2) + bh) \
        if item.plate is not None else (box[0], box[1], box[2], box[3])
    return block, inner


def _units(block: TextBlock, mode: str) -> list[tuple[int, float, float]]:
    """(line index, x0, x1) of each reveal unit in block coordinates, in reading order."""
    out = []
    for li, line in enumerate(block.lines):
        edges, acc = [0.0], ""
        full = line_advance(line.text, block.family, block.weight, block.size, block.direction, block.letter_spacing)
        k = line.width / full if full > 0 else 1.0
        src = segment(line.text) if mode == "words" else clusters(line.text)
        keep = []
        for p in src:
            acc += p
            edges.append(line_advance(acc, block.family, block.weight, block.size, block.direction, block.letter_spacing) * k)
            keep.append(bool(p.strip()))
        for i, ok in enumerate(keep):
            if not ok:
                continue
            a, b = edges[i], edges[i + 1]
            if block.direction == "rtl":
                a, b = line.width - b, line.width - a
            out.append((li, line.x + a, line.x + b))
    return out


@dataclass
class TextSprite:
    """One storyboard text, ready to blit at any moment of its scene."""

    item: Text
    glyphs: Sprite
    origin: tuple[int, int]  # top-left of the glyph sprite on the canvas
    plate: Sprite | None
    plate_origin: tuple[int, int]
    unit_map: np.ndarray | None  # int16 per glyph-sprite pixel: reveal unit, -1 for none
    n_units: int
    box: tuple[int, int, int, int]  # everything this text may touch when still (canvas px)

    @property
    def end(self) -> float:
        """When the text has finished animating (seconds into the scene)."""
        extra = UNIT_FADE if self.item.animation in ("words", "chars") else 0.0
        return self.item.delay + self.item.duration + extra

    def draw(self, frame: np.ndarray, t: float) -> list[tuple[int, int, int, int]]:
        """Draw the text as it is ``t`` seconds into its scene; returns the boxes it touched."""
        it = self.item
        if t < it.delay:
            return []
        touched = []
        p = (t - it.delay) / it.duration if it.duration > 0 else 1.0
        extent = self.glyphs.alpha.shape[1] if it.animation == "slide-left" else self.glyphs.alpha.shape[0]
        pose = _pose(it.animation, p, it.easing, extent)
        if it.idle > 0:
            pose = combine(pose, idle(t - it.delay, it.idle, self.glyphs.size, phase=1.3))
        if self.plate is not None:
            plate_pose = pose
            if it.animation in ("words", "chars") and p < 1:
                plate_pose = Pose(scale=0.6 + 0.4 * ease("back-out", min(1.0, p * 1.6)), opacity=min(1.0, p * 3))
            touched.append(blit(frame, self.plate, *self.plate_origin, plate_pose))
        glyphs = self.glyphs
        if it.animation in ("words", "chars") and self.unit_map is not None and p < 1.0 + UNIT_FADE / max(it.duration, 1e-6):
            glyphs = self._revealed(t - it.delay)
        touched.append(blit(frame, glyphs, *self.origin, pose))
        return [b for b in touched if b is not None]

    def _revealed(self, local: float) -> Sprite:
        n = max(1, self.n_units)
        step = self.item.duration / n
        starts = np.arange(n, dtype=np.float32) * step
        alpha = np.clip((local - starts) / UNIT_FADE, 0.0, 1.0).astype(np.float32)
        lut = np.concatenate([alpha, np.zeros(1, np.float32)])  # index -1 -> last = 0
        return self.glyphs.with_alpha_scaled(lut[self.unit_map])


def _pose(kind: str, p: float, easing: str, extent: int) -> Pose:
    if kind in ("none", "words", "chars") or p >= 1.0:
        return Pose()
    e = ease(easing, p)
    lin = min(1.0, max(0.0, p))
    if kind == "fade":
        return Pose(opacity=lin)
    if kind == "slide-up":
        return Pose(dy=(1 - e) * extent * 0.8, opacity=lin)
    if kind == "slide-left":
        return Pose(dx=(1 - e) * min(extent, 400) * 0.5, opacity=lin)
    if kind == "scale":
        return Pose(scale=0.55 + 0.45 * ease("back-out", p), opacity=min(1.0, lin * 2))
    raise ValueError(f"unknown text animation '{kind}'")


def build(item: Text, size: tuple[int, int], palette: dict[str, str], behind: np.ndarray | None) -> TextSprite | None:
    """Fit, colour (WCAG contrast against ``behind``, the still frame under the text) and draw a text."""
    block, inner = fit(item, size)
    if not block.lines:
        return None
    x0, y0, x1, y1 = ink_box(block, inner, valign=item.valign)
    bw, bh = x1 - x0, y1 - y0
    mask = np.asarray(block_mask(block, (0, 0, bw, bh), (bw, bh))).copy()
    if item.strike:
        img = Image.fromarray(mask)
        ImageDraw.Draw(img).line((0, bh / 2, bw, bh / 2), fill=255, width=max(1, block.size // 14))
        mask = np.asarray(img).copy()
    color = resolve(item.color, palette)
    plate = None
    plate_origin = (x0, y0)
    if item.plate is not None:
        px, py = (round(item.plate.padding[0] * block.size), round(item.plate.padding[1] * block.size))
        pw, ph = bw + 2 * px, bh + 2 * py
        if item.plate.shape in ("circle", "burst"):
            pw = ph = round(max(pw, ph) * (1.25 if item.plate.shape == "burst" else 1.1))
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        plate_origin = (round(cx - pw / 2), round(cy - ph / 2))
        plate = Sprite.solid(resolve(item.plate.fill, palette), np.asarray(shape_mask(item.plate.shape, (pw, ph))))
    elif behind is not None:
        region = behind[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
        sel = region[mask[: region.shape[0], : region.shape[1]] > 96] if region.size else region.reshape(-1, 3)
        if sel.size:
            need = required_ratio(block.size, item.weight >= 700)
            fix = fix_text_color(color, sel, need)
            if not fix.ok:  # the last resort, as in banners: an underlay plate
                under, a = underlay_color(sel, fix.color)
                pad = max(2, int(block.size * 0.3))
                pw, ph = bw + 2 * pad, bh + pad
                plate = Sprite.solid(under, (np.asarray(shape_mask("rounded", (pw, ph), 0.2)).astype(np.uint16) * a // 255).astype(np.uint8))
                plate_origin = (x0 - pad, y0 - pad // 2)
                fix = fix_text_color(fix.color, np.repeat(np.array([under], np.uint8), 4, axis=0), need)
            color = fix.color
    unit_map, n = None, 0
    if item.animation in ("words", "chars"):
        units = _units(block, item.animation)
        n = len(units)
        unit_map = np.full((bh, bw), -1, np.int16)
        centres = np.array([ln.y - 0.35 * block.size for ln in block.lines], np.float32)
        row_line = np.abs(np.arange(bh, dtype=np.float32)[:, None] - centres[None, :]).argmin(axis=1)
        cols = np.arange(bw, dtype=np.float32)
        for li in range(len(block.lines)):
            mine = [(ua, ui) for ui, (l2, ua, _) in enumerate(units) if l2 == li]
            rows = np.nonzero(row_line == li)[0]
            if not mine or not rows.size:
                continue
            mine.sort()
            starts = np.array([m[0] for m in mine], np.float32)
            ids = np.array([m[1] for m in mine], np.int16)
            owner = ids[np.clip(np.searchsorted(starts, cols, side="right") - 1, 0, len(mine) - 1)]
            unit_map[rows[0] : rows[-1] + 1, :] = owner[None, :]
    box = (x0, y0, x1, y1)
    if plate is not None:
        box = (min(x0, plate_origin[0]), min(y0, plate_origin[1]), max(x1, plate_origin[0] + plate.size[0]),
               max(y1, plate_origin[1] + plate.size[1]))
    return TextSprite(item, Sprite.solid(color, mask), (x0, y0), plate, plate_origin, unit_map, n, box)
