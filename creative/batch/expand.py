"""Jobs from a product: product × segment × locale × template × size, each with its copy and content key.

A :class:`JobSpec` is small and picklable: it names the template by file, the product by
nothing at all (the worker receives the prepared product separately, once per product),
and carries its :class:`~creative.content.Content` and output path. Its ``key`` hashes
everything that decides the pixels and the file (photo bytes, template file, size,
copy, palette options, format, output path, creative version), so a finished job is
recognised on a re-run and an edited input re-renders exactly the jobs it affects.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..content import Content
from ..copy import CopyRequest, slot_limits
from ..errors import CreativeError
from ..feeds import ProductRecord
from ..sizes import format_size
from .paths import fill_pattern
from .plan import Plan, SegmentPlan, TemplateChoice

#: Bump when the meaning of a job key changes.
KEY_VERSION = 1


@dataclass(frozen=True)
class ResolvedProduct:
    """A product whose photo is on disk (downloaded when it was a URL) and hashed."""

    record: ProductRecord
    photo: Path
    photo_hash: str
    notes: tuple[str, ...] = ()  #: warnings about the product's material (photos skipped and why)


@dataclass(frozen=True)
class JobSpec:
    key: str
    product_id: str
    segment: str
    locale: str
    template: str
    template_path: str
    size: tuple[int, int]
    content: Content
    rel_path: str  #: output path relative to the output folder
    out_path: str
    fmt: str
    scheme: str | None = None
    tone: str | None = None
    brand: tuple[str, ...] | None = None
    extra: dict = field(default_factory=dict, hash=False, compare=False)  #: goes into the sidecar manifest


@dataclass(frozen=True)
class JobProblem:
    """A job that could not even be set up (its copy or content is invalid)."""

    product_id: str
    segment: str
    locale: str
    template: str
    size: tuple[int, int]
    reason: str


def pick_template(seg: SegmentPlan, product_id: str, seed: int) -> TemplateChoice:
    """One template per product for a segment, rotating through its templates by a stable hash."""
    if len(seg.templates) == 1:
        return seg.templates[0]
    h = int.from_bytes(hashlib.blake2b(f"{seed}|{seg.name}|{product_id}".encode(), digest_size=8).digest(), "big")
    return seg.templates[h % len(seg.templates)]


def templates_for(seg: SegmentPlan, product_id: str, seed: int) -> tuple[TemplateChoice, ...]:
    return (pick_template(seg, product_id, seed),) if seg.one_template else seg.templates


def remover_identity(name: str) -> dict:
    from ..cutout import get_remover

    return {"name": name, "options": dict(get_remover(name).options())}


def job_key(plan: Plan, rp: ResolvedProduct, tpl: TemplateChoice, size: tuple[int, int], content: Content,
            seg: SegmentPlan, rel_path: str, extra: dict) -> str:
    from .. import __version__

    payload = json.dumps([
        KEY_VERSION, __version__, rp.photo_hash, remover_identity(plan.campaign.remover), tpl.name,
        tpl.template.version, tpl.sha, list(size), content.to_dict(), seg.scheme, seg.tone, list(plan.brand or ()),
        plan.fmt, rel_path, extra,
    ], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def expand(plan: Plan, rp: ResolvedProduct, writer) -> list[JobSpec | JobProblem]:
    """Every job of one product, in a stable order; ``writer`` writes the copy (see :mod:`creative.copy`)."""
    rec = rp.record
    seed = plan.campaign.copy_spec.seed
    currency = rec.currency or plan.campaign.products.currency or "USD"
    out: list[JobSpec | JobProblem] = []
    copies: dict = {}  # CopyRequest -> (Copy, Content): sizes whose slots hold the same text share them
    for seg in plan.segments:
        for locale in seg.locales:
            for tpl in templates_for(seg, rec.id, seed):
                for size in plan.sizes:
                    try:
                        out.append(_job(plan, rp, seg, locale, tpl, size, currency, seed, writer, copies))
                    except CreativeError as e:
                        out.append(JobProblem(rec.id, seg.name, locale, tpl.name, size, str(e)))
    return out


def _job(plan: Plan, rp: ResolvedProduct, seg: SegmentPlan, locale: str, tpl: TemplateChoice, size: tuple[int, int],
         currency: str, seed: int, writer, copies: dict) -> JobSpec:
    rec = rp.record
    if rec.price is not None and not (rec.currency or plan.campaign.products.currency):
        raise CreativeError("the price has no currency: add a currency column, a code in the price ('15.00 USD') "
                            "or products.currency in the campaign")
    req = CopyRequest(
        product_id=rec.id, title=rec.text("title", locale) or rec.title, locale=locale, occasion=seg.occasion,
        tone=seg.copy_tone, seed=seed, description=rec.text("description", locale), brand=rec.brand,
        product_type=rec.product_type, color=rec.color, price=rec.price, original_price=rec.original_price,
        currency=currency, limits=slot_limits(tpl.template, size),
    )
    if req not in copies:
        copy = writer.write(req)
        copies[req] = (copy, Content.create(copy.headline, subhead=copy.subhead, price=rec.price,
                                            original_price=rec.original_price, currency=currency, locale=locale,
                                            badge=copy.badge, cta=copy.cta, brand=rec.brand))
    copy, content = copies[req]
    fields = {
        "campaign": plan.name, "product_id": rec.id, "template": tpl.name, "size": format_size(size),
        "width": str(size[0]), "height": str(size[1]), "segment": seg.name or "all", "locale": locale,
        "occasion": seg.occasion, "ext": plan.ext.lstrip("."), "key": "",
    }
    extra = {
        "campaign": plan.name, "product_id": rec.id, "segment": seg.name or None, "locale": locale,
        "occasion": seg.occasion, "copy_tone": seg.copy_tone, "copy": copy.to_dict(), "source": rec.where,
    }
    if "{key}" in plan.pattern:
        fields["key"] = job_key(plan, rp, tpl, size, content, seg, plan.pattern, extra)
    rel = fill_pattern(plan.pattern, fields)
    key = job_key(plan, rp, tpl, size, content, seg, rel, extra)
    extra = {**extra, "job_key": key}
    return JobSpec(key=key, product_id=rec.id, segment=seg.name, locale=locale, template=tpl.name,
                   template_path=str(tpl.path), size=size, content=content, rel_path=rel,
                   out_path=str(plan.out_dir / rel), fmt=plan.fmt, scheme=seg.scheme, tone=seg.tone, brand=plan.brand,
                   extra=extra)
