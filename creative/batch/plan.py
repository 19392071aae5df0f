"""A campaign resolved for running: templates loaded, sizes parsed, segments and output naming fixed.

:func:`load_campaign` reads a campaign file; :func:`shorthand_campaign` builds the same thing
from command-line options (``creative batch FEED --template … --size …``). Both end in
:func:`plan_campaign`, which checks everything that can be checked before the first product
is read, so a typo in a template name fails in a second, not after an hour.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..copy.banks import BANKS
from ..errors import CreativeError
from ..render.export import EXTENSIONS, format_for
from ..sizes import format_size, parse_size
from ..template.spec import Template
from .paths import confine
from .spec import Campaign, Segment, SegmentsFile
from .yamlspec import SpecError, parse_model, read_spec_text

DEFAULT_PATTERN = "{product_id}/{template}-{size}-{locale}.{ext}"
DEFAULT_SEGMENT_PATTERN = "{product_id}/{segment}-{template}-{size}-{locale}.{ext}"
STATE_DIR = ".creative"


@dataclass(frozen=True)
class TemplateChoice:
    name: str
    path: Path
    sha: str  #: sha256 of the file: an edited template re-renders its jobs
    template: Template = field(compare=False, repr=False)


@dataclass(frozen=True)
class SegmentPlan:
    """How one audience is rendered. ``name`` is "" for a campaign without segments."""

    name: str
    templates: tuple[TemplateChoice, ...]
    one_template: bool  #: True for a real segment: one template per product, chosen by rotation
    locales: tuple[str, ...]
    occasion: str
    copy_tone: str
    scheme: str | None
    tone: str | None


@dataclass(frozen=True)
class Plan:
    campaign: Campaign
    source: str  #: the campaign file (or "command line")
    base_dir: Path  #: relative paths in the campaign are taken from here
    roots: tuple[Path, ...]  #: folders feed and template paths may use
    out_dir: Path
    sizes: tuple[tuple[int, int], ...]
    segments: tuple[SegmentPlan, ...]
    pattern: str
    fmt: str  #: png, jpg or webp
    ext: str  #: .png, .jpg, .webp

    @property
    def name(self) -> str:
        return self.campaign.name

    @property
    def state_dir(self) -> Path:
        return self.out_dir / STATE_DIR

    @property
    def feed_path(self) -> Path | None:
        f = self.campaign.products.feed
        return confine(f, self.base_dir, self.roots, "feed") if f else None

    @property
    def jobs_per_product(self) -> int:
        return sum(len(s.locales) * (1 if s.one_template else len(s.templates)) * len(self.sizes) for s in self.segments)

    @property
    def brand(self) -> tuple[str, ...] | None:
        return tuple(self.campaign.brand_colors) or None

    @property
    def locales(self) -> tuple[str, ...]:
        out: list[str] = []
        for s in self.segments:
            out += [loc for loc in s.locales if loc not in out]
        return tuple(out)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _Templates:
    """Template lookup for one campaign: names (bundled/user folders) and files, loaded once."""

    def __init__(self, base: Path, roots: tuple[Path, ...], dirs: tuple[Path, ...], source: str):
        from ..template import discover

        self.base, self.roots, self.dirs, self.source = base, roots, dirs, source
        self.refs = discover(dirs)
        self.loaded: dict[Path, TemplateChoice] = {}

    def _load(self, path: Path) -> TemplateChoice:
        from ..template.registry import load_path

        path = path.resolve()
        if path not in self.loaded:
            t = load_path(path)
            self.loaded[path] = TemplateChoice(t.name, path, _sha(path), t)
        return self.loaded[path]

    def get(self, name: str, where: str) -> TemplateChoice:
        if name.endswith((".yaml", ".yml")) or "/" in name or os.sep in name:
            p = confine(name, self.base, self.roots, "template")
            if not p.is_file():
                raise SpecError(f"{self.source}: {where}: template file not found: {name}")
            return self._load(p)
        if name not in self.refs:
            raise SpecError(f"{self.source}: {where}: unknown template '{name}'; choose one of: {', '.join(sorted(self.refs))}")
        return self._load(self.refs[name].path)

    def all(self) -> list[TemplateChoice]:
        return [self._load(r.path) for r in self.refs.values()]


def _pool(c: Campaign, lib: _Templates) -> list[TemplateChoice]:
    """The campaign's templates: those named, plus those with one of its style tags."""
    out: list[TemplateChoice] = []
    for i, name in enumerate(c.templates):
        t = lib.get(name, f"templates.{i}")
        if t not in out:
            out.append(t)
    if c.styles:
        tags = set(c.styles)
        matched = [t for t in lib.all() if tags & set(t.template.styles)]
        if not matched:
            raise SpecError(f"{lib.source}: styles: no template has any of the styles {', '.join(c.styles)}")
        out += [t for t in matched if t not in out]
    return out


def _segments(c: Campaign, base: Path, roots: tuple[Path, ...], source: str) -> dict[str, Segment] | None:
    if c.segments is None:
        return None
    if isinstance(c.segments, dict):
        return c.segments
    p = confine(c.segments, base, roots, "segments file")
    return parse_model(read_spec_text(p, "segments file"), SegmentsFile, str(p), wrap="segments").segments


def _check_pattern(pattern: str, plan_segments: list[SegmentPlan], sizes, source: str) -> None:
    if "{key}" in pattern:
        return
    need = []
    if len(sizes) > 1 and "{size}" not in pattern and not ("{width}" in pattern and "{height}" in pattern):
        need.append("{size}")
    if any(not s.one_template and len(s.templates) > 1 for s in plan_segments) and "{template}" not in pattern:
        need.append("{template}")
    if len(plan_segments) > 1 and "{segment}" not in pattern:
        need.append("{segment}")
    if len({loc for s in plan_segments for loc in s.locales}) > 1 and "{locale}" not in pattern:
        need.append("{locale}")
    if need:
        raise SpecError(f"{source}: output.pattern: add {', '.join(need)} so that files do not overwrite each other")


def plan_campaign(c: Campaign, *, base_dir: Path, source: str, out_dir: Path | None = None,
                  extra_roots: tuple[Path, ...] = ()) -> Plan:
    """Resolve and check a campaign (see the module doc)."""
    from ..cutout import get_remover

    base = base_dir.resolve()
    roots = tuple(dict.fromkeys([base, Path.cwd().resolve(), *(r.resolve() for r in extra_roots)]))
    get_remover(c.remover)  # unknown names fail now, listing the choices
    if c.products.feed:
        confine(c.products.feed, base, roots, "feed")  # a feed outside the allowed folders fails now
    dirs = tuple(confine(d, base, roots, "template folder") for d in c.template_dirs)
    lib = _Templates(base, roots, dirs, source)
    pool = _pool(c, lib)
    sizes: list[tuple[int, int]] = []
    for s in c.sizes:
        wh = parse_size(s)
        if wh not in sizes:
            sizes.append(wh)
    segs = _segments(c, base, roots, source)
    cs = c.copy_spec
    plans: list[SegmentPlan] = []
    if segs is None:
        if not pool:
            raise SpecError(f"{source}: name 'templates' or 'styles'")
        plans.append(SegmentPlan("", tuple(pool), False, tuple(c.locales), cs.occasion, cs.tone, c.scheme, c.tone))
    else:
        for name, seg in segs.items():
            if seg.templates:
                tpls = [lib.get(t, f"segments.{name}.templates.{i}") for i, t in enumerate(seg.templates)]
            else:
                cands = pool or lib.all()
                tpls = [t for t in cands if set(seg.styles) & set(t.template.styles)] if seg.styles else list(cands)
                if not tpls:
                    raise SpecError(f"{source}: segments.{name}: no template has any of the styles "
                                    f"{', '.join(seg.styles)} (templates: {', '.join(t.name for t in cands)})")
            locales = (seg.locale,) if seg.locale else tuple(c.locales)
            plans.append(SegmentPlan(name, tuple(tpls), True, locales, seg.occasion or cs.occasion,
                                     seg.copy_tone or cs.tone, seg.scheme or c.scheme, seg.tone or c.tone))
    if cs.provider != "openai" and not (cs.provider == "auto" and os.environ.get("CREATIVE_COPY_URL")):
        for s in plans:
            for loc in s.locales:
                lang = loc.replace("_", "-").split("-")[0].lower()
                if lang not in BANKS:
                    raise SpecError(f"{source}: locale {loc}: no phrase bank for '{lang}' (have: {', '.join(sorted(BANKS))}); "
                                    "set copy.provider to openai for other languages")
    fmt = c.output.format
    ext = EXTENSIONS[format_for(Path(f"x.{fmt}"))]
    pattern = c.output.pattern or (DEFAULT_SEGMENT_PATTERN if segs is not None else DEFAULT_PATTERN)
    if not pattern.endswith("{ext}"):
        pattern += ".{ext}"
    _check_pattern(pattern, plans, sizes, source)
    out = Path(out_dir) if out_dir is not None else Path(c.output.dir or f"out/{c.name}")
    return Plan(c, source, base, roots, out.resolve(), tuple(sizes), tuple(plans), pattern, fmt, ext)


def load_campaign(path: str | Path, *, out_dir: Path | None = None, extra_roots: tuple[Path, ...] = (),
                  limit: int | None = None, remover: str | None = None) -> Plan:
    """Read, validate and resolve a campaign file; errors name the file, line and field.

    ``out_dir``, ``limit`` (first N products) and ``remover`` override the file's values.
    """
    p = Path(path)
    text = read_spec_text(p, "campaign file")
    campaign = parse_model(text, Campaign, str(p))
    if limit is not None:
        campaign = campaign.model_copy(update={"products": campaign.products.model_copy(update={"limit": limit})})
    if remover is not None:
        campaign = campaign.model_copy(update={"remover": remover})
    try:
        return plan_campaign(campaign, base_dir=p.parent, source=str(p), out_dir=out_dir, extra_roots=extra_roots)
    except SpecError:
        raise
    except CreativeError as e:
        raise SpecError(f"{p}: {e}") from None


def shorthand_campaign(source: str, *, templates: list[str], sizes: list[str], out_dir: Path,
                       locales: list[str] | None = None, styles: list[str] | None = None, segments: Path | None = None,
                       occasion: str = "everyday", currency: str | None = None, columns: dict[str, str] | None = None,
                       fmt: str = "jpg", remover: str = "auto", seed: int = 0, limit: int | None = None,
                       provider: str = "auto", template_dirs: tuple[Path, ...] = (), choose_photo: bool = False) -> Plan:
    """The plan for ``creative batch FEED_OR_URL --template … --size … --out DIR``."""
    from pydantic import ValidationError

    is_url = source.startswith(("http://", "https://"))
    data = {
        "name": "batch",
        "products": {"pages": [source]} if is_url else {"feed": str(Path(source).resolve())},
        "templates": templates, "styles": styles or [], "sizes": sizes or ["1080x1080"],
        "locales": locales or ["en-US"], "copy": {"occasion": occasion, "seed": seed, "provider": provider},
        "output": {"format": fmt}, "remover": remover,
        "template_dirs": [str(Path(d).resolve()) for d in template_dirs],
    }
    if currency:
        data["products"]["currency"] = currency
    if columns:
        data["products"]["columns"] = columns
    if limit:
        data["products"]["limit"] = limit
    if choose_photo:
        data["products"]["choose_photo"] = True
    if segments is not None:
        data["segments"] = str(Path(segments).resolve())
    try:
        campaign = Campaign.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(x) for x in err["loc"] if not str(x).startswith(("function", "str", "dict")))
        raise SpecError(f"{loc}: {err['msg'].removeprefix('Value error, ')}") from None
    roots = tuple(Path(source).resolve().parent for _ in [0] if not is_url)
    seg_root = (Path(segments).resolve().parent,) if segments is not None else ()
    return plan_campaign(campaign, base_dir=Path.cwd(), source="command line", out_dir=out_dir,
                         extra_roots=roots + seg_root + tuple(Path(d).resolve() for d in template_dirs))


def describe(plan: Plan) -> dict:
    """A JSON-able description of the plan (for ``--dry-run --json`` and the batch record)."""
    return {
        "campaign": plan.name, "source": plan.source, "out": str(plan.out_dir),
        "sizes": [format_size(s) for s in plan.sizes], "format": plan.fmt, "pattern": plan.pattern,
        "segments": [{"name": s.name or None, "templates": [t.name for t in s.templates], "one_template": s.one_template,
                      "locales": list(s.locales), "occasion": s.occasion, "copy_tone": s.copy_tone,
                      "scheme": s.scheme, "tone": s.tone} for s in plan.segments],
        "jobs_per_product": plan.jobs_per_product,
    }


__all__ = ["Plan", "SegmentPlan", "TemplateChoice", "describe", "load_campaign", "plan_campaign",
           "shorthand_campaign"]
