"""How good a rendered design is: contrast, product occlusion, balance, whitespace, alignment.

Each criterion is a number in [0, 1]; ``total`` is their weighted mean. The
weights are the house taste and live here, in one place.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .layout import Layout
from .render import TextRecord

WEIGHTS = {"contrast": 0.25, "occlusion": 0.2, "balance": 0.15, "whitespace": 0.1, "alignment": 0.1, "product": 0.2}


@dataclass(frozen=True)
class Score:
    contrast: float
    occlusion: float
    balance: float
    whitespace: float
    alignment: float
    product: float
    total: float

    def to_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in asdict(self).items()}


def _area(b) -> int:
    return max(0, b[2] - b[0]) * max(0, b[3] - b[1])


def _overlap(a, b) -> int:
    return _area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


def contrast_score(texts: list[TextRecord]) -> float:
    """1 when every text clears its WCAG threshold comfortably (1.5x); 0 when any fails."""
    if not texts:
        return 1.0
    vals = []
    for t in texts:
        if t.contrast < t.required:
            return 0.0
        vals.append(min(1.0, 0.6 + 0.4 * (t.contrast - t.required) / (0.5 * t.required)))
    return float(np.mean(vals))


def occlusion_score(layout: Layout, product_alpha: np.ndarray | None) -> float:
    """Share of the product's opaque pixels left uncovered by text and plates.

    ``product_alpha`` is the product's alpha resized to its box in ``layout`` (uint8, HxW).
    """
    p = layout.product
    if product_alpha is None or p is None:
        return 1.0
    opaque = product_alpha >= 128
    total = int(opaque.sum())
    if total == 0:
        return 1.0
    px0, py0 = p.box[0], p.box[1]
    covered = np.zeros_like(opaque)
    for e in layout.texts:
        x0, y0, x1, y1 = e.plate_box or e.box
        covered[max(0, y0 - py0):max(0, y1 - py0), max(0, x0 - px0):max(0, x1 - px0)] = True
    return 1.0 - float((opaque & covered).sum()) / total


def balance_score(layout: Layout) -> float:
    """How close the centre of visual mass (product and text boxes) is to the canvas centre."""
    w, h = layout.canvas
    mass, cx, cy = 0.0, 0.0, 0.0
    for e in layout.elements:
        if e.kind not in ("product", "text"):
            continue
        a = _area(e.plate_box or e.box) * (1.0 if e.kind == "product" else 1.6)
        mass += a
        cx += a * (e.box[0] + e.box[2]) / 2
        cy += a * (e.box[1] + e.box[3]) / 2
    if mass == 0:
        return 0.0
    dx, dy = (cx / mass - w / 2) / (w / 2), (cy / mass - h / 2) / (h / 2)
    return float(max(0.0, 1.0 - np.hypot(dx, dy) / 1.2))


def whitespace_score(layout: Layout) -> float:
    """Best when 30-60 % of the canvas is left free of product and text."""
    w, h = layout.canvas
    used = sum(_area(e.plate_box or e.box) for e in layout.elements if e.kind in ("product", "text"))
    free = 1.0 - min(1.0, used / (w * h))
    if 0.3 <= free <= 0.6:
        return 1.0
    return float(max(0.0, 1.0 - (0.3 - free if free < 0.3 else free - 0.6) / 0.3))


def alignment_score(layout: Layout) -> float:
    """Share of text elements whose left, centre or right edge lines up with another element or the margin."""
    texts = layout.texts
    if not texts:
        return 1.0
    tol = max(2.0, 0.006 * max(layout.canvas))
    w = layout.canvas[0]
    lines = [layout.margin, w - layout.margin, w / 2]
    others = [e for e in layout.elements if e.kind in ("product", "text")]
    hits = 0
    for t in texts:
        b = t.plate_box or t.box
        edges = (b[0], (b[0] + b[2]) / 2, b[2])
        cands = list(lines)
        for o in others:
            if o is t:
                continue
            ob = o.plate_box or o.box
            cands += [ob[0], (ob[0] + ob[2]) / 2, ob[2]]
        if any(abs(e - c) <= tol for e in edges for c in cands):
            hits += 1
    return hits / len(texts)


def product_score(layout: Layout) -> float:
    """Bigger product is better, up to 45 % of the canvas; text overlap between elements is penalised."""
    p = layout.product
    w, h = layout.canvas
    s = 0.0 if p is None else min(1.0, _area(p.box) / (0.45 * w * h))
    texts = layout.texts
    clash = 0
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            clash += _overlap(a.plate_box or a.box, b.plate_box or b.box)
    if clash:
        s *= max(0.0, 1.0 - clash / max(1, sum(_area(t.box) for t in texts)))
    return s


def score(layout: Layout, texts: list[TextRecord], product_alpha: np.ndarray | None) -> Score:
    parts = {
        "contrast": contrast_score(texts),
        "occlusion": occlusion_score(layout, product_alpha),
        "balance": balance_score(layout),
        "whitespace": whitespace_score(layout),
        "alignment": alignment_score(layout),
        "product": product_score(layout),
    }
    total = sum(WEIGHTS[k] * v for k, v in parts.items()) / sum(WEIGHTS.values())
    return Score(**parts, total=total)
