"""Rendering many designs: one job per output image, run in-process or in a forked pool.

A :class:`DesignJob` names everything one image needs. ``run_jobs`` renders and
writes them, in order of completion, calling ``on_done`` per job; a job that
fails is reported (``JobResult.error``) and never stops the others. With
``workers > 1`` a fork-based process pool is used: products, templates and fonts
already loaded in the parent are inherited, nothing is pickled but indices and
small results.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .content import Content
from .design import Product, render_design, write_design
from .errors import CreativeError
from .render.export import bgr_pixels
from .template.spec import Template


@dataclass(frozen=True)
class DesignJob:
    template: Template
    product: Product | None
    content: Content
    size: tuple[int, int]
    path: Path
    variant: int = 0
    scheme: str | None = None
    tone: str | None = None
    brand: tuple[str, ...] | None = None
    fmt: str | None = None
    extra: dict = field(default_factory=dict, hash=False, compare=False)
    thumbnail: int = 0  # > 0: also return a thumbnail of this many px a side (contact sheets)
    embed_fonts: bool = False  # SVG output: embed the fonts as @font-face data URLs
    return_manifest: bool = False  # hand the manifest back (JobResult.manifest) instead of writing NAME.json


@dataclass(frozen=True)
class JobResult:
    index: int
    path: Path
    score: float | None = None
    score_parts: dict | None = None
    variant_name: str | None = None
    error: str | None = None
    thumbnail: object = None  # PIL image when asked for
    exit_code: int = 0  # the error's exit code (2: a bad argument, 1: a failure)
    manifest: dict | None = None  # when the job asked for it (DesignJob.return_manifest)

    @property
    def ok(self) -> bool:
        return self.error is None


_JOBS: list[DesignJob] = []


@contextmanager
def frozen_for_fork() -> Iterator[None]:
    """While forked workers live: the parent's objects out of the garbage collector's sight
    (``gc.freeze``), so a collection in a child does not write to every inherited object and
    copy the parent's memory page by page (the reason Python has ``gc.freeze``)."""
    import gc

    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def default_workers() -> int:
    """Worker processes for this machine: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run_one(index: int, job: DesignJob) -> JobResult:
    """Render and write one job; a CreativeError becomes a reported failure."""
    try:
        res = render_design(job.template, job.product, job.content, job.size, variant=job.variant,
                            scheme=job.scheme, tone=job.tone, brand=job.brand)
        # the JPEG encoder and the thumbnail both start from OpenCV's BGR array: make it once
        bgr = bgr_pixels(res.image) if job.thumbnail and res.image.mode in ("RGB", "RGBA") else None
        write_design(res, job.path, job.product, job.content, fmt=job.fmt, extra=job.extra or None,
                     embed_fonts=job.embed_fonts, manifest=not job.return_manifest, bgr=bgr)
        thumb = None
        if job.thumbnail:
            from .sheet import thumbnail

            thumb = thumbnail(res.image, job.thumbnail, bgr=bgr)
        manifest = res.manifest(job.product, job.content, job.extra or None) if job.return_manifest else None
        return JobResult(index, job.path, res.score.total, res.score.to_dict(), res.layout.variant, None, thumb,
                         manifest=manifest)
    except CreativeError as e:
        return JobResult(index, job.path, error=str(e), exit_code=e.exit_code)


def _worker_span(start: int, stop: int) -> list[JobResult]:
    return [run_one(i, _JOBS[i]) for i in range(start, stop)]


def guided_chunks(n: int, workers: int, *, most: int = 16) -> list[tuple[int, int]]:
    """``[start, stop)`` spans covering ``n`` jobs, each a quarter of a worker's share of what is
    left (at most ``most``, at least 1): "guided" scheduling, as OpenMP calls it."""
    spans, i = [], 0
    while i < n:
        k = max(1, min(most, (n - i) // (4 * workers)))
        spans.append((i, i + k))
        i += k
    return spans


def warm(jobs: list[DesignJob]) -> None:
    """Load, once in this process, what every job will need: OpenCV, font faces, their coverage
    tables and metrics (for the template fonts and the fallbacks the copy needs) and palettes. Forked
    workers inherit all of it instead of each loading it cold."""
    import cv2  # noqa: F401  (every render resizes and paints with it: import it once, not in each worker)

    from .design import palette_for
    from .template.spec import LogoLayer, TextLayer
    from .text import fonts

    seen_fonts, seen_pal = set(), set()
    for job in jobs:
        texts = [job.content.text_for(r) or "" for r in ("headline", "subhead", "price", "original_price", "badge", "cta", "brand")]
        sample = " ".join(t for t in texts if t)
        for layer in job.template.layers:
            if isinstance(layer, (TextLayer, LogoLayer)) and (layer.font, layer.weight) not in seen_fonts:
                seen_fonts.add((layer.font, layer.weight))
                fonts.split_with_dropped(sample, layer.font, layer.weight)
                fonts.get_font(layer.font, layer.weight, 32)
                fonts.vertical_metrics(layer.font, layer.weight)
        scheme = job.scheme or ("brand" if job.brand else job.template.palette.scheme)
        key = (job.product.swatches if job.product else (), scheme, job.tone or job.template.palette.tone, job.brand)
        if key not in seen_pal:
            seen_pal.add(key)
            palette_for(*key)


def run_jobs(jobs: Iterable[DesignJob], *, workers: int = 1,
             on_done: Callable[[JobResult], None] | None = None, chunksize: int | None = None) -> list[JobResult]:
    """Render every job; results come back in job order. ``workers > 1`` uses a forked pool,
    handing out ``chunksize`` consecutive jobs at a time; by default chunks shrink as the work
    runs out (:func:`guided_chunks`: few round trips early, no worker left idle while another
    finishes a long chunk at the end). Jobs that share work (a layout, a product size) should be
    neighbours."""
    jobs = list(jobs)
    results: list[JobResult | None] = [None] * len(jobs)

    def done(r: JobResult) -> None:
        results[r.index] = r
        if on_done:
            on_done(r)

    if workers <= 1 or len(jobs) < 2 or not hasattr(os, "fork"):
        for i, job in enumerate(jobs):
            done(run_one(i, job))
        return results  # type: ignore[return-value]
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    global _JOBS
    _JOBS = jobs
    warm(jobs)
    try:
        workers = min(workers, len(jobs))
        with frozen_for_fork(), ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            if chunksize:
                spans = [(i, min(len(jobs), i + chunksize)) for i in range(0, len(jobs), chunksize)]
            else:
                spans = guided_chunks(len(jobs), workers)
            for fut in as_completed([pool.submit(_worker_span, a, b) for a, b in spans]):
                for r in fut.result():
                    done(r)
    finally:
        _JOBS = []
    return results  # type: ignore[return-value]
