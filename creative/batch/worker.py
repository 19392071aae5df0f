"""What runs in a worker process: prepare a product (cut-out, colours), render one job.

Both functions are plain module-level functions, so the local pool ships them by name and
Ray wraps them as remote tasks. Neither raises for a bad input: the outcome carries the
error text, so one bad product never takes a worker, or the batch, down.

A forked local worker inherits everything from the driver (registered removers, the cache
folder); a Ray worker is a fresh interpreter, possibly on another machine, so each task
also gets a :class:`WorkerContext` and applies it once per process.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from ..design import Product
from ..errors import CreativeError
from .expand import JobSpec


@dataclass(frozen=True)
class WorkerContext:
    cache_dir: str | None  #: ``CREATIVE_CACHE_DIR`` of the driver
    removers: tuple[type, ...] = ()  #: remover classes to register where missing (plugins, test fakes)


@dataclass(frozen=True)
class Prepared:
    photo: str
    product: Product | None
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class Outcome:
    key: str
    error: str | None = None
    score: float | None = None
    variant: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


_applied: set[WorkerContext] = set()


def apply_context(ctx: WorkerContext | None) -> None:
    """Make this process match the driver (idempotent)."""
    if ctx is None or ctx in _applied:
        return
    from ..cutout import REMOVERS, register_remover

    if ctx.cache_dir and os.environ.get("CREATIVE_CACHE_DIR") != ctx.cache_dir:
        os.environ["CREATIVE_CACHE_DIR"] = ctx.cache_dir
    for cls in ctx.removers:
        if getattr(cls, "name", None) not in REMOVERS:
            register_remover(cls)
    _applied.add(ctx)


def _describe(e: BaseException) -> str:
    if isinstance(e, CreativeError):
        return str(e)
    return f"internal error: {type(e).__name__}: {e}"


def prepare_task(photo: str, remover: str, ctx: WorkerContext | None = None) -> Prepared:
    """Cut the product out (cached by content) and read its colours."""
    from ..design import prepare_product

    t0 = time.perf_counter()
    try:
        apply_context(ctx)
        return Prepared(photo, prepare_product(photo, remover=remover), None, time.perf_counter() - t0)
    except Exception as e:  # noqa: BLE001 - reported per product, never fatal
        return Prepared(photo, None, f"cut-out failed: {_describe(e)}", time.perf_counter() - t0)


def render_task(job: JobSpec, prepared: Prepared, ctx: WorkerContext | None = None) -> Outcome:
    """Render and write one job (image and sidecar, atomically)."""
    from ..jobs import DesignJob, run_one
    from ..template.registry import load_path

    t0 = time.perf_counter()
    try:
        apply_context(ctx)
        if prepared.product is None:
            return Outcome(job.key, prepared.error or "the product could not be prepared")
        tpl = load_path(Path(job.template_path))
        r = run_one(0, DesignJob(tpl, prepared.product, job.content, job.size, Path(job.out_path), scheme=job.scheme,
                                 tone=job.tone, brand=job.brand, fmt=job.fmt, extra=job.extra))
        if r.error:
            return Outcome(job.key, r.error, seconds=time.perf_counter() - t0)
        return Outcome(job.key, None, r.score, r.variant_name, time.perf_counter() - t0)
    except Exception as e:  # noqa: BLE001 - reported per job, never fatal
        return Outcome(job.key, _describe(e), seconds=time.perf_counter() - t0)


#: Renderer caches that only ever help the product being rendered: a batch never comes back to
#: a product, so they are emptied after each one ((module, function) pairs, looked up lazily).
PER_PRODUCT_CACHES = (("creative.render.compose", "_product_pixels"), ("creative.render.compose", "_product_layer"),
                      ("creative.render.compose", "_cutout_pixels"),
                      ("creative.design", "_LAYOUTS"),
                      ("creative.render.compose", "_BASE_CACHE"), ("creative.cutout.cache", "_read_png"))
#: Caches that help every product but grow with each new shape size: emptied when over budget.
#: (Fonts are not here: ``fonts.get_font`` is an LRU of its own size, which keeps the sizes in use
#: instead of loading them all again after each clear: 43 % fewer font loads in a catalogue batch.)
BUDGETED_CACHES = (("creative.render.paint", "shape_mask", 64), ("creative.render.paint", "shape_plan", 64))


def release_caches() -> None:
    """Keep a long-running worker's memory flat (see :data:`PER_PRODUCT_CACHES`)."""
    import sys

    for mod, name in PER_PRODUCT_CACHES:
        cache = getattr(sys.modules.get(mod), name, None)
        clear = getattr(cache, "cache_clear", None) or getattr(cache, "clear", None)  # lru_cache or a dict
        if clear is not None:
            clear()
    for mod, name, budget in BUDGETED_CACHES:
        fn = getattr(sys.modules.get(mod), name, None)
        if fn is not None and hasattr(fn, "cache_info") and fn.cache_info().currsize > budget:
            fn.cache_clear()


def render_jobs(jobs: list[JobSpec], prepared: Prepared, ctx: WorkerContext | None = None) -> list[Outcome]:
    """Render several jobs of one prepared product, in order (one task, one round trip)."""
    try:
        return [render_task(job, prepared, ctx) for job in jobs]
    finally:
        release_caches()


@dataclass(frozen=True)
class ProductOutcome:
    """What :func:`product_task` did: the cut-out's error (then no job ran) or every job's outcome."""

    error: str | None
    prepare_s: float
    outcomes: tuple[Outcome, ...] = ()


def product_task(photo: str, remover: str, jobs: list[JobSpec], ctx: WorkerContext | None = None) -> ProductOutcome:
    """Prepare a product and render all its jobs in this process: the cut-out is read once, its
    pixels stay in this worker's caches for every size, and there is one task per product."""
    prepared = prepare_task(photo, remover, ctx)
    if prepared.error:
        release_caches()
        return ProductOutcome(prepared.error, prepared.seconds)
    return ProductOutcome(None, prepared.seconds, tuple(render_jobs(jobs, prepared, ctx)))


def warm_task(specs: list, ctx: WorkerContext | None = None) -> int:
    """Load what every job will need (modules, template fonts and their tables, palettes) before
    the first product: in the driver before the local pool forks, or once in each Ray worker.
    ``specs`` are ``(template_path, size, content)`` samples (see ``run._warm_specs``)."""
    from ..jobs import DesignJob, warm
    from ..render import compose  # noqa: F401  (imported by the first render otherwise)
    from ..template.registry import load_path

    apply_context(ctx)
    warm([DesignJob(load_path(Path(path)), None, content, size, Path("unused")) for path, size, content in specs])
    return os.getpid()


def noop() -> int:
    """Used to start pool workers up front (before the driver starts any thread)."""
    return os.getpid()
