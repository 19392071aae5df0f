"""How much text each slot of a template can hold at a canvas size, in display-width units.

A unit is about half an em: a Latin letter counts 1, a CJK character or full-width form 2
(:func:`text_units`). The capacity of a slot is its width divided by the width of a unit at
a comfortable text size (60% of the largest size the slot allows, never below its minimum),
times its line count. It is an estimate for choosing copy; ``creative.text.fit_text`` still
decides the final size and line breaks.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from math import sqrt

from ..sizes import aspect_class
from ..template.spec import Template, TextLayer

COPY_ROLES = ("headline", "subhead", "cta", "badge")
#: Width of one unit in ems (Latin bold averages ~0.58 em a letter).
UNIT_EM = 0.58
COMFORT = 0.6
#: Capacity used for a role the template does not show.
ABSENT = 0


@dataclass(frozen=True)
class SlotLimits:
    """Capacity per copy role in display-width units; 0 means the template has no such slot."""

    headline: int = 60
    subhead: int = 60
    cta: int = 16
    badge: int = 12

    def of(self, role: str) -> int:
        return int(getattr(self, role))

    def to_dict(self) -> dict[str, int]:
        return {r: self.of(r) for r in COPY_ROLES}


def text_units(text: str) -> int:
    """Display width: 2 for wide (CJK, full-width) characters, 0 for combining marks, else 1."""
    n = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def _box(frac: tuple[float, float, float, float], canvas: tuple[int, int], margin: int, bleed: bool) -> tuple[float, float]:
    w, h = canvas
    sw, sh = (w, h) if bleed else (w - 2 * margin, h - 2 * margin)
    return max(0.0, (frac[2] - frac[0]) * sw), max(0.0, (frac[3] - frac[1]) * sh)


def _capacity(layer: TextLayer, box_w: float, box_h: float, max_frac: float, lines: int, unit: float) -> int:
    px = min(max_frac * unit, box_h / (lines * 1.2)) if box_h > 0 else max_frac * unit
    px = max(float(layer.min_size), COMFORT * px)
    width = box_w
    if layer.plate is not None:
        width -= 2 * layer.plate.padding[0] * px
        if layer.plate.shape in ("circle", "burst"):
            width *= 0.75  # round plates leave less room for a line of text
    em = UNIT_EM * (1.12 if layer.uppercase else 1.0) * px
    return max(1, int(lines * max(0.0, width) / em)) if width > 0 else 1


_CACHE: dict[tuple[int, tuple[int, int], int], tuple[Template, SlotLimits]] = {}


def slot_limits(template: Template, size: tuple[int, int], variant: int = 0) -> SlotLimits:
    """Capacity of the headline, subhead, CTA and badge slots of ``template`` at ``size`` (memoised)."""
    key = (id(template), tuple(size), variant)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is template:  # the entry holds the template, so its id is not reused
        return hit[1]
    if len(_CACHE) > 2048:
        _CACHE.clear()
    limits = _slot_limits(template, tuple(size), variant)  # type: ignore[arg-type]
    _CACHE[key] = (template, limits)
    return limits


def _slot_limits(template: Template, size: tuple[int, int], variant: int) -> SlotLimits:
    variants = template.variants_for(aspect_class(size))
    v = variants[variant % len(variants)]
    w, h = size
    margin = int(round((v.margin if v.margin is not None else template.margin) * min(w, h)))
    unit = sqrt(w * h)
    caps: dict[str, int] = {}
    in_stack = {}
    for st in v.stacks:
        shares = list(st.shares or [1.0] * len(st.items))
        total = sum(shares) or 1.0
        bw, bh = _box(st.box, size, margin, False)
        for item, share in zip(st.items, shares):
            ids = (item,) if isinstance(item, str) else item
            for lid in ids:
                in_stack[lid] = (bw / len(ids), bh * share / total)
    for layer in template.layers:
        if not isinstance(layer, TextLayer) or layer.role not in COPY_ROLES:
            continue
        slot = v.slots.get(layer.id)
        max_frac = slot.max_size if slot is not None and slot.max_size is not None else layer.max_size
        lines = slot.max_lines if slot is not None and slot.max_lines is not None else layer.max_lines
        if layer.id in in_stack:
            bw, bh = in_stack[layer.id]
        elif slot is not None:
            bw, bh = _box(slot.box, size, margin, slot.bleed)
        else:
            continue
        caps[layer.role] = max(caps.get(layer.role, 0), _capacity(layer, bw, bh, max_frac, lines, unit))
    return SlotLimits(**{r: caps.get(r, ABSENT) for r in COPY_ROLES})
