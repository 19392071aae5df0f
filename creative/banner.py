"""``creative banner``: the designs asked for (templates x sizes) for one product."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .content import Content
from .design import Product, prepare_product
from .errors import CreativeError, UsageError
from .jobs import DesignJob, JobResult, run_jobs
from .render.export import EXTENSIONS, format_for
from .sizes import format_size
from .template import get_template
from .template.spec import Template


@dataclass(frozen=True)
class Output:
    path: Path
    template: str
    size: tuple[int, int]
    score: float
    skipped: bool = False


def job_key(product: Product, content: Content, template: Template, size, scheme, brand, variant: int = 0) -> str:
    """A content key for one output: same key, same pixels, so re-runs can skip it."""
    from . import __version__

    payload = json.dumps([
        __version__, product.key, content.to_dict(), template.model_dump(mode="json"), list(size), scheme,
        list(brand or ()), variant,
    ], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def already_done(path: Path, key: str) -> bool:
    side = path.with_suffix(".json")
    if not (path.is_file() and side.is_file()):
        return False
    try:
        return json.loads(side.read_text(encoding="utf-8")).get("job_key") == key
    except (OSError, ValueError):
        return False


def make_banners(
    photo: str | Path,
    content: Content,
    templates: list[str],
    sizes: list[tuple[int, int]],
    out_dir: str | Path,
    *,
    fmt: str = "png",
    remover: str = "auto",
    scheme: str | None = None,
    brand: tuple[str, ...] | None = None,
    template_dirs: tuple[Path, ...] = (),
    product: Product | None = None,
    on_done=None,
    workers: int = 1,
    embed_fonts: bool = False,
) -> list[Output]:
    """Render every template at every size; existing up-to-date outputs are skipped.

    ``workers > 1`` renders in a forked process pool (the product is prepared once, here).
    ``fmt="svg"`` writes layered SVGs; ``embed_fonts`` embeds their fonts.
    """
    tpls = [get_template(t, template_dirs) for t in templates]
    ext = EXTENSIONS[format_for(Path(f"x.{fmt}"))]
    prod = product or prepare_product(photo, remover=remover)
    out = Path(out_dir)
    plan = []
    for ti, tpl in enumerate(tpls):
        for size in sizes:
            path = out / f"{tpl.name}-{format_size(size)}{ext}"
            key = job_key(prod, content, tpl, size, scheme, brand)
            plan.append((ti, size, path, key + "+fonts" if embed_fonts and ext == ".svg" else key))
    results: list[Output | None] = [None] * len(plan)
    jobs, where = [], []
    for i, (ti, size, path, key) in enumerate(plan):
        if already_done(path, key):
            total = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["score"]["total"]
            results[i] = Output(path, tpls[ti].name, size, total, True)
            if on_done:
                on_done(results[i])
        else:
            jobs.append(DesignJob(tpls[ti], prod, content, size, path, scheme=scheme, brand=brand, extra={"job_key": key},
                                  embed_fonts=embed_fonts))
            where.append(i)

    def finished(r: JobResult) -> None:
        i = where[r.index]
        if r.error:
            err = UsageError if r.exit_code == 2 else CreativeError
            raise err(f"{plan[i][2].name}: {r.error}")
        results[i] = Output(r.path, tpls[plan[i][0]].name, plan[i][1], r.score or 0.0)
        if on_done:
            on_done(results[i])

    run_jobs(jobs, workers=workers, on_done=finished)
    return [r for r in results if r is not None]
