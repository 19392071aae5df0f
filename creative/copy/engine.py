"""The built-in copy writer: headline, subhead, call to action and badge from phrase banks.

Deterministic for a seed: each role draws a permutation of its candidate phrases from a
:class:`random.Random` seeded with the seed, product, locale, occasion, tone and variant,
and takes the first one that fits the slot (:mod:`creative.copy.slots`). The same product
and segment therefore say the same thing at every size where it fits, and something
shorter only where it does not.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from ..content import format_price
from ..errors import UsageError
from .banks import OCCASIONS, TONES, bank_for
from .slots import SlotLimits, text_units

_FIELD = re.compile(r"\{([a-z]+)\}")
_price_text = lru_cache(maxsize=4096)(format_price)  # Babel formatting is the costliest part of a copy
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_SEPARATORS = (" | ", " - ", " – ", " — ", "｜", "|", "，", ", ", "(", "（", ":", "：")


@dataclass(frozen=True)
class CopyRequest:
    """Everything the copy depends on (and nothing else: the copy is a pure function of it)."""

    product_id: str
    title: str
    locale: str = "en-US"
    occasion: str = "everyday"
    tone: str = "neutral"
    seed: int = 0
    variant: int = 0
    description: str | None = None
    brand: str | None = None
    product_type: str | None = None
    color: str | None = None
    price: Decimal | None = None
    original_price: Decimal | None = None
    currency: str = "USD"
    limits: SlotLimits = field(default_factory=SlotLimits)

    @property
    def lang(self) -> str:
        return self.locale.replace("_", "-").split("-")[0].lower()


@dataclass(frozen=True)
class Copy:
    """Words for one banner. ``source`` says who wrote each role ("bank", "llm", "feed")."""

    headline: str
    subhead: str | None = None
    cta: str | None = None
    badge: str | None = None
    source: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict:
        return {"headline": self.headline, "subhead": self.subhead, "cta": self.cta, "badge": self.badge,
                "source": dict(self.source)}


def check_occasion(name: str) -> str:
    if name not in OCCASIONS:
        raise UsageError(f"unknown occasion '{name}'; choose one of: {', '.join(OCCASIONS)}")
    return name


def check_tone(name: str) -> str:
    if name not in TONES:
        raise UsageError(f"unknown copy tone '{name}'; choose one of: {', '.join(TONES)}")
    return name


def _fields(req: CopyRequest) -> dict[str, str]:
    """Values for phrase fields; a field is absent when the product has nothing for it."""
    zh = req.lang == "zh"
    out: dict[str, str] = {"title": req.title}
    if req.brand:
        out["brand"] = req.brand
    if req.product_type:
        leaf = re.split(r"\s*[>/]\s*", req.product_type)[-1].strip()
        if leaf and bool(_CJK.search(leaf)) == zh:
            out["type"] = leaf if zh else leaf.lower()
    if req.color and bool(_CJK.search(req.color)) == zh:
        out["color"] = req.color if zh else req.color.lower()
    p, o = req.price, req.original_price
    if p is not None and o is not None and o > p > 0:
        off = int(round((1 - p / o) * 100))
        if 0 < off < 100:
            out["off"] = str(off)
            out["zhe"] = f"{(p / o * 10).quantize(Decimal('0.1')).normalize():f}"
            out["save"] = _price_text(o - p, req.currency, req.locale)
    return out


def fill(phrase: str, fields: dict[str, str]) -> str | None:
    """Replace ``{name}`` with the field's value; None when a named field is absent."""
    names = _FIELD.findall(phrase)
    if any(n not in fields for n in names):
        return None
    return _FIELD.sub(lambda m: fields[m.group(1)], phrase)


def _rng(req: CopyRequest, role: str) -> random.Random:
    return random.Random(f"{req.seed}|{req.product_id}|{req.locale}|{req.occasion}|{req.tone}|{req.variant}|{role}")


def _pick(req: CopyRequest, role: str, phrases: list[str], fields: dict[str, str], cap: int) -> str | None:
    """First phrase of a seeded permutation that fits ``cap`` units; else the shortest filled one."""
    filled = [t for t in (fill(p, fields) for p in dict.fromkeys(phrases)) if t]
    if not filled:
        return None
    order = filled[:]
    _rng(req, role).shuffle(order)
    for t in order:
        if text_units(t) <= cap:
            return t
    return min(filled, key=text_units)


def shorten_title(title: str, cap: int) -> str:
    """The title cut at a natural separator when it is longer than ``cap`` units (kept whole
    when no separator leaves at least 40% of it: text fitting then shrinks or ellipsizes)."""
    if text_units(title) <= cap:
        return title
    best = None
    for sep in _SEPARATORS:
        i = title.find(sep)
        if i > 0:
            head = title[:i].strip()
            if text_units(head) <= cap and (best is None or len(head) > len(best)):
                best = head
    return best if best and text_units(best) >= 0.4 * cap else title


def _description_line(desc: str | None, cap: int) -> str | None:
    if not desc:
        return None
    first = re.split(r"(?<=[.!?。！？])\s*", desc.strip(), maxsplit=1)[0].rstrip(".。")
    return first if 0 < text_units(first) <= cap else None


def write_copy(req: CopyRequest) -> Copy:
    """Headline, subhead, CTA and badge for one banner from the phrase banks."""
    check_occasion(req.occasion)
    check_tone(req.tone)
    occasions, tones, discounts = bank_for(req.lang)
    occ, tone = occasions[req.occasion], tones[req.tone]
    lim = req.limits
    title = shorten_title(req.title, lim.headline) if lim.headline else req.title
    fields = _fields(req)
    fields["title"] = title
    headline = _pick(req, "headline", list(occ["headline"]), fields, lim.headline or 10**6) or title
    subhead = None
    if lim.subhead:
        subs = list(occ["subhead"]) + list(tone.get("subhead", ()))
        desc = _description_line(req.description, lim.subhead)
        subhead = _pick(req, "subhead", subs + ([desc] if desc else []), fields, lim.subhead)
        if subhead is not None and text_units(subhead) > lim.subhead:
            subhead = None  # optional: better absent than squeezed
    cta = _pick(req, "cta", list(tone.get("cta", ())) + list(occ["cta"]), fields, lim.cta) if lim.cta else None
    badge = None
    if lim.badge:
        pool = list(discounts) if "off" in fields else list(occ["badge"])
        badge = _pick(req, "badge", pool, fields, lim.badge)
        if badge is not None and text_units(badge) > lim.badge:
            badge = None  # a badge that cannot fit is better left out than cut
    roles = (("headline", headline), ("subhead", subhead), ("cta", cta), ("badge", badge))
    return Copy(headline, subhead, cta, badge, tuple((r, "bank") for r, v in roles if v))
