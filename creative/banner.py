"""``creative banner``: the designs asked for (templates x sizes) for one product."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .content import Content
from .design import Product, prepare_product, render_design, write_design
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


_CTX: dict = {}


def _render_job(job: tuple[int, int, tuple[int, int], str]) -> tuple[int, float]:
    """Process-pool worker: render and write one (template, size) for the forked context."""
    idx, t_index, size, path = job
    c = _CTX
    tpl = c["templates"][t_index]
    res = render_design(tpl, c["product"], c["content"], size, scheme=c["scheme"], brand=c["brand"])
    write_design(res, Path(path), c["product"], c["content"], extra={"job_key": c["keys"][idx]})
    return idx, res.score.total


def make_banners(
    photo: str | Path,
    content: Content,
    templates: list[str],
    sizes: list[tuple[int, int]],
    out_dir: str | Path,
    *,
    fmt: str = "png",
    remover: str = "u2netp",
    scheme: str | None = None,
    brand: tuple[str, ...] | None = None,
    template_dirs: tuple[Path, ...] = (),
    product: Product | None = None,
    on_done=None,
    workers: int = 1,
) -> list[Output]:
    """Render every template at every size; existing up-to-date outputs are skipped.

    ``workers > 1`` renders in a forked process pool (the product is prepared once, here).
    """
    tpls = [get_template(t, template_dirs) for t in templates]
    ext = EXTENSIONS[format_for(Path(f"x.{fmt}"))]
    prod = product or prepare_product(photo, remover=remover)
    out = Path(out_dir)
    plan = []
    for ti, tpl in enumerate(tpls):
        for size in sizes:
            path = out / f"{tpl.name}-{format_size(size)}{ext}"
            plan.append((ti, size, path, job_key(prod, content, tpl, size, scheme, brand)))
    results: list[Output | None] = [None] * len(plan)
    todo = []
    for i, (ti, size, path, key) in enumerate(plan):
        if already_done(path, key):
            total = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["score"]["total"]
            results[i] = Output(path, tpls[ti].name, size, total, True)
            if on_done:
                on_done(results[i])
        else:
            todo.append(i)
    if workers > 1 and len(todo) > 1:
        _run_pool(todo, plan, tpls, prod, content, scheme, brand, workers, results, on_done)
    else:
        for i in todo:
            ti, size, path, key = plan[i]
            res = render_design(tpls[ti], prod, content, size, scheme=scheme, brand=brand)
            write_design(res, path, prod, content, extra={"job_key": key})
            results[i] = Output(path, tpls[ti].name, size, res.score.total)
            if on_done:
                on_done(results[i])
    return [r for r in results if r is not None]


def _run_pool(todo, plan, tpls, prod, content, scheme, brand, workers, results, on_done) -> None:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    _CTX.update(templates=tpls, product=prod, content=content, scheme=scheme, brand=brand,
                keys=[p[3] for p in plan])
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            jobs = [(i, plan[i][0], plan[i][1], str(plan[i][2])) for i in todo]
            for i, total in pool.map(_render_job, jobs, chunksize=max(1, len(jobs) // (workers * 8))):
                ti, size, path, _ = plan[i]
                results[i] = Output(path, tpls[ti].name, size, total)
                if on_done:
                    on_done(results[i])
    finally:
        _CTX.clear()
