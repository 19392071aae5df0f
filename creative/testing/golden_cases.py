"""Golden cases for teams without pytest: ``creative golden check DIR`` / ``creative golden update DIR``.

A case is a small YAML file, ``DIR/NAME.case.yaml``::

    template: minimal              # bundled name, or a template file relative to this file
    photo: photos/cup.png          # product photo relative to this file (omit for none)
    remover: u2netp                # cut-out backend; a PNG with transparency needs no model
    content: {title: Espresso Cup Set, price: "19.99", original_price: "29.99"}
    sizes: [1080x1080, 728x90]     # or one: size: 1080x1080
    # optional: variant: 0, scheme: analogous, tone: light, brand_colors: ["#0a7"],
    #           tolerance: {mean: 1.5, changed: 0.002, threshold: 64}

Its goldens are ``DIR/goldens/NAME/WxH.png``; a check that finds a difference writes
``DIR/_failures/NAME/WxH.{expected,actual,diff}.png``. One broken case never stops the others.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import CreativeError, UsageError
from ..sizes import format_size, parse_size
from .images import GoldenMismatch, ImageDiff, Tolerance, check_golden, image_diff

CASE_SUFFIXES = (".case.yaml", ".case.yml")
GOLDENS = "goldens"
FAILURES = "_failures"


class ToleranceSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    mean: float = Field(Tolerance.mean, ge=0, le=255)
    changed: float = Field(Tolerance.changed, ge=0, le=1)
    threshold: int = Field(Tolerance.threshold, ge=0, le=255)


class CaseSpec(BaseModel):
    """The fields of a ``*.case.yaml`` file."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    template: str
    photo: str | None = None
    remover: str = "auto"
    content: dict[str, str | float | int | None] | str | None = None
    size: str | None = None
    sizes: tuple[str, ...] = ()
    variant: int = Field(0, ge=0)
    scheme: Literal["complementary", "analogous", "triadic", "monochrome", "brand"] | None = None
    tone: Literal["light", "dark", "vivid", "pastel"] | None = None
    brand_colors: tuple[str, ...] = ()
    tolerance: ToleranceSpec = ToleranceSpec()

    @field_validator("size")
    @classmethod
    def _size(cls, v: str | None) -> str | None:
        if v is not None:
            parse_size(v)
        return v

    @field_validator("sizes")
    @classmethod
    def _sizes(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for s in v:
            parse_size(s)
        return v


@dataclass(frozen=True)
class GoldenCase:
    name: str
    path: Path
    spec: CaseSpec

    @property
    def sizes(self) -> list[tuple[int, int]]:
        return [parse_size(s) for s in ((self.spec.size,) if self.spec.size else ()) + self.spec.sizes]

    def resolve(self, value: str) -> str:
        """A path in the case file, relative to the case's folder (names of bundled templates stay names)."""
        p = Path(value)
        return str(p if p.is_absolute() else self.path.parent / p)


@dataclass
class CaseResult:
    case: str
    size: str
    status: str  # ok | moved | missing | error | written | unchanged
    message: str = ""
    diff: ImageDiff | None = None
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status in ("moved", "missing", "error")


@dataclass
class GoldenReport:
    folder: Path
    results: list[CaseResult]

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if r.failed]

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for r in self.results:
            counts[r.status] = counts.get(r.status, 0) + 1
        cases = len({r.case for r in self.results})
        parts = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        return f"{cases} cases, {len(self.results)} images: {parts or 'nothing to do'}"


def find_cases(folder: str | Path) -> list[Path]:
    """The ``*.case.yaml`` files directly in ``folder``, sorted by name."""
    d = Path(folder)
    if not d.is_dir():
        raise UsageError(f"{d}: not a folder of golden cases")
    files = sorted(p for p in d.iterdir() if p.is_file() and p.name.endswith(CASE_SUFFIXES))
    if not files:
        raise UsageError(f"{d}: no golden cases (*.case.yaml) found")
    return files


def case_name(path: Path) -> str:
    for suffix in CASE_SUFFIXES:
        if path.name.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.stem


def load_case(path: str | Path) -> GoldenCase:
    """Read and validate one case file; problems name the file, line and field."""
    from ..spec_yaml import node_line as _node_line
    from ..template.load import _clean_loc

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except OSError as e:
        raise CreativeError(f"{p}: cannot read ({e.strerror or e})") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise CreativeError(f"{p}{where}: YAML syntax error: {getattr(e, 'problem', None) or e}") from None
    data: Any = yaml.safe_load(text) if root is not None else None
    if not isinstance(data, dict):
        raise CreativeError(f"{p}: expected a mapping with template, content and sizes")
    try:
        spec = CaseSpec.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            loc = _clean_loc(tuple(err["loc"]))
            line = _node_line(root, loc)
            what = ".".join(str(x) for x in loc) or "(top level)"
            msg = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
            problems.append(f"{p}:{line}: {what}: {msg}" if line else f"{p}: {what}: {msg}")
        raise CreativeError("; ".join(problems)) from None
    case = GoldenCase(case_name(p), p, spec)
    if not case.sizes:
        raise CreativeError(f"{p}: give the canvas with size: WxH or sizes: [WxH, ...]")
    return case


def render_case(case: GoldenCase, size: tuple[int, int], products: dict | None = None) -> Image.Image:
    """Render one size of a case (products prepared once per photo and remover when ``products`` is given)."""
    from ..design import prepare_product
    from .render import render_for_golden

    s = case.spec
    template = s.template if not s.template.endswith((".yaml", ".yml")) else case.resolve(s.template)
    product = None
    if s.photo:
        photo = Path(case.resolve(s.photo))
        if not photo.is_file():
            raise UsageError(f"{case.path}: photo {s.photo} not found")
        key = (str(photo), s.remover)
        if products is not None and key in products:
            product = products[key]
        else:
            product = prepare_product(photo, remover=s.remover)
            if products is not None:
                products[key] = product
    return render_for_golden(template, size, content=s.content, product=product, variant=s.variant,
                             scheme=s.scheme, tone=s.tone, brand=tuple(s.brand_colors) or None)


def golden_path(folder: Path, case: str, size: tuple[int, int]) -> Path:
    return folder / GOLDENS / case / f"{format_size(size)}.png"


def run_cases(folder: str | Path, *, update: bool = False, failure_dir: str | Path | None = None,
              only: list[str] | None = None, progress=None) -> GoldenReport:
    """Check (or with ``update`` rewrite) every case's goldens; never stops at the first problem."""
    d = Path(folder)
    fail_root = Path(failure_dir) if failure_dir else d / FAILURES
    results: list[CaseResult] = []
    products: dict = {}
    files = find_cases(d)
    if only:
        wanted = set(only)
        files = [f for f in files if case_name(f) in wanted]
        missing = wanted - {case_name(f) for f in files}
        if missing:
            raise UsageError(f"no such case(s) in {d}: {', '.join(sorted(missing))}")
    for f in files:
        name = case_name(f)
        try:
            case = load_case(f)
        except CreativeError as e:
            results.append(CaseResult(name, "-", "error", str(e)))
            continue
        tol = Tolerance(case.spec.tolerance.mean, case.spec.tolerance.changed, case.spec.tolerance.threshold)
        for size in case.sizes:
            res = _one(case, size, d, fail_root, tol, update, products)
            results.append(res)
            if progress:
                progress(res)
    return GoldenReport(d, results)


def _one(case: GoldenCase, size, folder: Path, fail_root: Path, tol: Tolerance, update: bool, products) -> CaseResult:
    label = format_size(size)
    golden = golden_path(folder, case.name, size)
    try:
        image = render_case(case, size, products)
    except CreativeError as e:
        return CaseResult(case.name, label, "error", str(e))
    if update:
        if golden.is_file():
            with Image.open(golden) as g:
                old = g.copy()
            d = image_diff(old, image, tol.threshold)
            if d.size_ok and d.mean == 0:
                return CaseResult(case.name, label, "unchanged", paths={"golden": golden})
        check_golden(image, golden, update=True)
        return CaseResult(case.name, label, "written", paths={"golden": golden})
    if not golden.is_file():
        return CaseResult(case.name, label, "missing", f"{golden}: no golden; run `creative golden update {folder}`",
                          paths={"golden": golden})
    try:
        diff = check_golden(image, golden, tol=tol, failure_dir=fail_root / case.name)
    except GoldenMismatch as e:
        return CaseResult(case.name, label, "moved", str(e), paths={"golden": golden, **e.paths})
    for kind in ("expected", "actual", "diff"):  # an earlier failure of this image is stale now
        (fail_root / case.name / f"{label}.{kind}.png").unlink(missing_ok=True)
    return CaseResult(case.name, label, "ok", diff=diff, paths={"golden": golden})
