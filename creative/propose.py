"""``creative propose``: many distinct designs for one product, scored and ranked.

Candidates are template x layout variant x palette scheme (x tone when a style
leaves too few). They are taken round-robin across templates so the set is
varied, rendered, scored (``creative.score``) and written best first with a
contact sheet.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING

from .color import ROLES
from .content import Content
from .design import Product, prepare_product
from .errors import CreativeError, UsageError
from .jobs import DesignJob, JobResult, default_workers, run_jobs
from .render import save_image, save_json
from .sheet import THUMB, caption, contact_sheet_image, lead_width, with_lead
from .render.export import EXTENSIONS, format_for
from .sizes import aspect_class, format_size
from .template import all_templates
from .template.spec import TONE_NAMES, Template, Variant

if TYPE_CHECKING:
    from PIL import Image


@dataclass(frozen=True)
class Candidate:
    template: Template
    variant: int
    scheme: str
    tone: str

    @property
    def slug(self) -> str:
        return f"{self.template.name}-v{self.variant}-{self.scheme}-{self.tone}"


@dataclass(frozen=True)
class Proposal:
    rank: int
    path: Path
    template: str
    variant: str
    scheme: str
    tone: str
    score: float


def styles_available(templates: list[Template]) -> list[str]:
    return sorted({s for t in templates for s in t.styles} | {t.name for t in templates})


def select_templates(templates: list[Template], styles: list[str] | None) -> list[Template]:
    if not styles:
        return templates
    wanted = {s.strip().lower() for s in styles if s.strip()}
    picked = [t for t in templates if wanted & ({t.name} | set(t.styles))]
    if not picked:
        raise UsageError(f"no template has style {', '.join(sorted(wanted))}; styles: {', '.join(styles_available(templates))}")
    return picked


def prefer_styles(templates: list[Template], suggested: list[str] | tuple[str, ...]) -> tuple[list[Template], list[Template]]:
    """(templates matching a suggested style, ordered by the suggestions; the others, in order)."""
    order = [s.strip().lower() for s in suggested if s.strip()]

    def rank(t: Template) -> int:
        tags = {t.name} | set(t.styles)
        return next((i for i, s in enumerate(order) if s in tags), len(order))

    ranked = sorted(templates, key=rank)  # stable: ties keep the registry order
    return [t for t in ranked if rank(t) < len(order)], [t for t in ranked if rank(t) == len(order)]


def candidates(templates: list[Template], size: tuple[int, int], n: int, brand: tuple[str, ...] | None = None) -> list[Candidate]:
    """Up to ``n`` distinct candidates, interleaved across templates for variety."""
    aspect = aspect_class(size)
    per_template = []
    for t in templates:
        schemes = list(t.palette.schemes)
        if brand:
            schemes = ["brand"] + schemes
        variants = range(len(t.variants_for(aspect)))
        base = [Candidate(t, v, s, t.palette.tone) for s in schemes for v in variants]
        extra = [Candidate(t, v, s, tone) for tone in TONE_NAMES if tone != t.palette.tone for s in schemes for v in variants]
        per_template.append(base + extra)
    primary = [c for group in zip_longest(*[g[: len(g) - _n_extra(g)] for g in per_template]) for c in group if c]
    secondary = [c for group in zip_longest(*[g[len(g) - _n_extra(g):] for g in per_template]) for c in group if c]
    return (primary + secondary)[:n]


def distinct_candidates(cands: list[Candidate], product: Product, n: int,
                        brand: tuple[str, ...] | None, size: tuple[int, int] | None = None) -> list[Candidate]:
    """The first ``n`` candidates that differ in what they would draw: two schemes that yield
    the same palette for a template and variant are one design, not two. With ``size``, only
    the layers the candidate's layout variant places count (a badge the variant leaves out
    paints nothing)."""
    from .design import palette_for

    aspect = aspect_class(size) if size else None
    seen, out = set(), []
    for c in cands:
        pal = palette_for(product.swatches, c.scheme, c.tone, brand)
        variant = c.template.variants_for(aspect)[c.variant] if aspect else None
        key = (c.template.name, c.variant, tuple(pal.hex(r) for r in used_roles(c.template, variant)))
        if key in seen:
            continue
        seen.add(key)
        out.append(c)
        if len(out) == n:
            break
    return out


def used_roles(template: Template, variant: Variant | None = None) -> tuple[str, ...]:
    """The palette roles a template's layers paint with (with ``variant``: the layers that
    variant draws, i.e. backgrounds and the layers it gives a slot or a stack place): two
    palettes that agree on these draw the same design (text colours may still be adjusted for
    contrast, alike for both)."""
    key = (id(template), id(variant))
    hit = _USED_ROLES.get(key)
    if hit is not None and hit[0] is template and hit[1] is variant:
        return hit[2]
    found: set[str] = set()

    def walk(v: object) -> None:
        if isinstance(v, str):
            if v in ROLES:
                found.add(v)
        elif isinstance(v, dict):
            for k, x in v.items():
                if k != "type":  # a layer's kind ("background") is not a colour it paints with
                    walk(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)

    placed = None
    if variant is not None:
        placed = set(variant.slots) | {item for st in variant.stacks for item in st.flat_items}
    walk([layer.model_dump() for layer in template.layers
          if placed is None or layer.type == "background" or getattr(layer, "id", None) in placed])
    roles = tuple(r for r in ROLES if r in found)
    _USED_ROLES[key] = (template, variant, roles)
    return roles


_USED_ROLES: dict[tuple[int, int], tuple[Template, Variant | None, tuple[str, ...]]] = {}


def _n_extra(group: list[Candidate]) -> int:
    if not group:
        return 0
    base_tone = group[0].template.palette.tone
    return sum(1 for c in group if c.tone != base_tone)


def propose(
    photo: str | Path,
    content: Content,
    size: tuple[int, int],
    out_dir: str | Path,
    *,
    n: int = 24,
    styles: list[str] | None = None,
    fmt: str = "jpg",
    remover: str = "auto",
    brand: tuple[str, ...] | None = None,
    template_dirs: tuple[Path, ...] = (),
    product: Product | None = None,
    contact_sheet: bool = True,
    workers: int | None = None,
    suggested_styles: list[str] | tuple[str, ...] | None = None,
    on_ranked: Callable[[list[Proposal]], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Proposal]:
    """Render ``n`` ranked proposals into ``out_dir`` with ``proposals.json`` and ``contact-sheet.png``.

    ``on_progress(done, total)`` is called as each design is rendered (in this process, while the
    others still render). ``on_ranked`` is called with the proposals once their files are in
    place, while the contact sheet may still be encoding (on a thread): a caller can report them
    meanwhile. The sheet is written when ``propose`` returns.

    When the user names no ``styles``, candidates come first from templates of the
    ``suggested_styles`` (by default those the product's tone suggests,
    :attr:`Product.tone`; e.g. :attr:`creative.material.analyze.Analysis.suggested_styles`;
    ``()`` for none); the other templates only fill up when those give fewer than ``n``
    distinct designs.
    """
    if n < 1 or n > 500:
        raise UsageError(f"bad -n {n}: ask for 1 to 500 proposals")
    tpls = select_templates(all_templates(template_dirs), styles)
    prod = product or prepare_product(photo, remover=remover)
    if suggested_styles is None:
        suggested_styles = prod.tone.styles if prod.tone else ()
    groups = prefer_styles(tpls, suggested_styles) if not styles and suggested_styles else (tpls,)
    pool = [c for g in groups if g for c in candidates(g, size, 10 * n + 50, brand)]
    cands = _by_layout(distinct_candidates(pool, prod, n, brand, size))
    out = Path(out_dir)
    _remove_previous(out)
    ext = EXTENSIONS[format_for(Path(f"x.{fmt}"))]
    jobs = [DesignJob(c.template, prod, content, size, out / f".cand-{c.slug}{ext}", variant=c.variant, scheme=c.scheme,
                      tone=c.tone, brand=brand, thumbnail=THUMB if contact_sheet else 0, return_manifest=True)
            for c in cands]
    workers = workers if workers is not None else default_workers()
    # Each design's caption (score, template, colours) is drawn as it arrives, while the others
    # still render; its rank is added once all are scored. A caption too long for its tile loses
    # the end of the tone, never the rank or the score.
    captions: dict[int, Image.Image] = {}
    indent = lead_width(f"#{'8' * len(str(len(jobs)))}") if contact_sheet else 0
    finished = 0

    def arrived(r: JobResult) -> None:
        nonlocal finished
        finished += 1
        if contact_sheet and not r.error:
            c = cands[r.index]
            captions[r.index] = caption(f"{r.score or 0.0:.2f} {c.template.name} · {c.scheme}/{c.tone}", THUMB,
                                        indent=indent)
        if on_progress is not None:
            on_progress(finished, len(jobs))

    # two chunks a worker: candidates of one layout mostly land in one worker, which lays it out once
    results = run_jobs(jobs, workers=workers, chunksize=max(1, -(-len(jobs) // (2 * workers))), on_done=arrived)
    failed = [r for r in results if r.error]
    if failed:
        raise CreativeError(f"{len(failed)} proposals failed; first: {failed[0].error}")
    order = sorted(range(len(cands)), key=lambda i: (-(results[i].score or 0.0), cands[i].slug))
    with ThreadPoolExecutor(1) as background:
        sheet = None
        if contact_sheet:  # put together and encoded on a thread (the encoder lets go of the GIL) while the files are named
            tiles = [(results[i].thumbnail, with_lead(captions[i], f"#{rank}")) for rank, i in enumerate(order, start=1)]
            sheet = background.submit(lambda: save_image(contact_sheet_image(tiles), out / "contact-sheet.png",
                                                         compress_level=1))
        proposals = []
        for rank, i in enumerate(order, start=1):
            c, r = cands[i], results[i]
            path = out / f"{rank:02d}-{c.template.name}-{r.variant_name}-{c.scheme}-{c.tone}{ext}"
            save_json({**(r.manifest or {}), "rank": rank}, path.with_suffix(".json"))
            os.replace(r.path, path)
            proposals.append(Proposal(rank, path, c.template.name, r.variant_name or "", c.scheme, c.tone, r.score or 0.0))
        save_json({
            "size": format_size(size), "photo": str(photo), "content": content.to_dict(),
            "styles": list(styles or ()), "suggested_styles": [] if styles else list(suggested_styles),
            "proposals": [{"rank": p.rank, "file": p.path.name, "template": p.template, "variant": p.variant,
                           "scheme": p.scheme, "tone": p.tone, "score": round(p.score, 4)} for p in proposals],
        }, out / "proposals.json")
        if on_ranked is not None:
            on_ranked(proposals)
        if sheet is not None:
            sheet.result()
    return proposals


def _by_layout(cands: list[Candidate]) -> list[Candidate]:
    """Candidates regrouped so those sharing a template and variant (same layout, other
    colours) are neighbours, groups in order of first appearance."""
    first: dict[tuple[str, int], int] = {}
    for i, c in enumerate(cands):
        first.setdefault((c.template.name, c.variant), i)
    return sorted(cands, key=lambda c: first[(c.template.name, c.variant)])


def _remove_previous(out: Path) -> None:
    """Delete the files of an earlier proposal set in ``out`` so ranks never mix."""
    index = out / "proposals.json"
    if not index.is_file():
        return
    try:
        old = json.loads(index.read_text(encoding="utf-8")).get("proposals", [])
    except (OSError, ValueError):
        return
    for p in old:
        for f in (out / p.get("file", ""), (out / p.get("file", "")).with_suffix(".json")):
            if f.is_file() and f.parent == out:
                f.unlink()
