"""The batch driver: stream products, expand jobs, skip finished ones, run the rest, record everything.

Memory stays flat whatever the feed's length: products are read a few at a time (at most
``TASKS_PER_WORKER`` tasks per worker in flight, so the next product is always queued), and
results go to the manifest as they arrive. Normally one task per product cuts it out (cached
by content) and renders all its banners in the same worker, so its cut-out is decoded once.
With fewer products than the workers can share (a single product page, say), a *prepare* task
cuts the product out once and its banners are then split among the workers, each render task
receiving the prepared product (the local pool pickles it, about 100 KB; Ray passes a
reference into its object store).
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from ..errors import CreativeError
from ..fetch import FetchPolicy, Fetcher
from ..sizes import format_size
from .executors import TaskFailed, get_executor
from .expand import JobProblem, JobSpec, ResolvedProduct, expand
from .plan import Plan
from .sources import ProductFailure, Unresolved, count_products, products
from .store import MANIFEST, JobStore
from .summary import BatchSummary, Failure
from .worker import Outcome, WorkerContext, warm_task

#: Tasks in flight per worker (one task is one product, or part of one).
TASKS_PER_WORKER = 2
#: Below this many products per worker, a product's banners are shared among workers.
SPLIT_BELOW_PRODUCTS_PER_WORKER = 2
WAIT_S = 0.5


def _writer(plan: Plan):
    from ..copy import get_writer

    return get_writer(plan.campaign.copy_spec.provider, cache_dir=plan.state_dir / "copy")


def _warm_specs(plan: Plan) -> list[tuple[str, tuple[int, int], object]]:
    """A sample job per template and locale (``(template_path, size, content)``), whose loading
    warms a process for the whole batch: template fonts with the glyph coverage each locale
    needs, and palettes (see :func:`worker.warm_task`)."""
    from ..content import Content
    from ..copy.banks import BANKS

    specs = []
    for seg in plan.segments:
        for loc in seg.locales:
            lang = loc.split("-")[0].lower()
            occ = BANKS.get(lang, BANKS["en"])[0].get(seg.occasion, {})
            sample = " ".join(p for role in ("subhead", "badge", "cta") for p in occ.get(role, ())[:2]) or "Sample"
            try:
                content = Content.create(sample[:150], price="19.99", original_price="29.99", locale=loc, cta=sample[:20])
            except CreativeError:
                continue
            for t in seg.templates:
                specs.append((str(t.path), plan.sizes[0], content))
    return specs


def _job_record(job: JobSpec, out: Outcome | None = None, error: str | None = None, *, recovered: bool = False) -> dict:
    rec = {
        "kind": "job", "key": job.key, "status": "ok" if error is None and (out is None or out.ok) else "failed",
        "product_id": job.product_id, "segment": job.segment or None, "locale": job.locale,
        "occasion": job.extra.get("occasion"), "template": job.template, "size": format_size(job.size),
        "outputs": [job.rel_path, str(Path(job.rel_path).with_suffix(".json"))],
    }
    if out is not None:
        rec.update(score=out.score, variant=out.variant, seconds=round(out.seconds, 4))
        if out.error:
            rec["error"] = out.error
            rec["outputs"] = []
    if error is not None:
        rec["error"], rec["outputs"] = error, []
    if recovered:
        rec["recovered"] = True
    return rec


def run_batch(plan: Plan, *, backend: str = "local", workers: int | None = None, address: str | None = None,
              allow_private_network: bool = False, on_start: Callable[[int], None] | None = None,
              on_update: Callable[[BatchSummary], None] | None = None, fetch_policy: FetchPolicy | None = None,
              writer=None) -> BatchSummary:
    """Render every job of ``plan`` not finished before; returns the summary (see ``exit_code``)."""
    from ..cutout import cache_dir, get_remover

    writer = writer or _writer(plan)
    remover = plan.campaign.remover
    ctx = WorkerContext(str(cache_dir()), (type(get_remover(remover)),))
    policy = (fetch_policy or FetchPolicy()).with_(allow_private=allow_private_network)
    executor = get_executor(backend, workers=workers, address=address, ctx=ctx)
    summary = BatchSummary(plan.name, str(plan.out_dir), str(plan.out_dir / MANIFEST), backend)
    jpp = plan.jobs_per_product
    update = on_update or (lambda s: None)
    specs = _warm_specs(plan)
    if backend == "local":
        warm_task(specs)  # in the driver, before the pool forks: the workers inherit it all
    t_start = time.perf_counter()
    with JobStore(plan.out_dir, plan.state_dir) as store, executor as ex, Fetcher(policy) as fetcher:
        ex.warm(specs)  # workers that do not inherit the driver's memory (Ray) warm themselves
        t0 = time.perf_counter()
        summary.startup_s = t0 - t_start
        summary.workers = ex.workers
        summary.cleaned_parts = store.cleaned_parts
        stream = products(plan, fetcher)  # opens the feed: a feed-level error stops us here
        total_products = count_products(plan)
        summary.jobs_total = total_products * jpp
        if on_start:
            on_start(summary.jobs_total)
        store.append({"kind": "run", "status": "started", "campaign": plan.name, **ex.describe()})
        # Few products: cut each out once, then share its banners among the workers.
        split = total_products < SPLIT_BELOW_PRODUCTS_PER_WORKER * ex.workers
        max_tasks = ex.workers * TASKS_PER_WORKER + 1
        pending: dict = {}  # handle -> (kind, product, jobs)
        exhausted = False

        def fail(f: Failure, record: dict) -> None:
            summary.fail(f)
            store.append(record)

        def finished(jobs: list[JobSpec], outcomes) -> None:
            records = []
            for job, out in zip(jobs, outcomes):
                summary.render_s += out.seconds
                if out.ok:
                    summary.rendered += 1
                else:
                    summary.fail(Failure("job", job.product_id, job.rel_path, out.error or "failed"))
                records.append(_job_record(job, out))
            store.append_many(records)

        def product_failed(rp: ResolvedProduct, reason: str, n: int) -> None:
            rec = rp.record
            fail(Failure("product", rec.id, rec.where, reason, n),
                 {"kind": "product", "status": "failed", "product_id": rec.id, "where": rec.where, "error": reason, "jobs": n})

        while True:
            # Read ahead a bounded number of products: the next product's task is queued while the
            # current one runs, and memory does not grow with the feed.
            while not exhausted and len(pending) < max_tasks:
                item = next(stream, None)
                if item is None:
                    exhausted = True
                    break
                if isinstance(item, ResolvedProduct):
                    for note in item.notes:
                        summary.warn(f"{item.record.id}: {note}")
                        store.append({"kind": "warning", "product_id": item.record.id, "where": item.record.where,
                                      "message": note})
                    todo = _triage(plan, item, writer, store, summary)
                    if todo and split:
                        pending[ex.submit_prepare(str(item.photo), remover)] = ("prep", item, todo)
                    elif todo:
                        pending[ex.submit_product(str(item.photo), remover, todo)] = ("product", item, todo)
                else:
                    pid, where, reason = _item_failure(item)
                    kind = "row" if not isinstance(item, ProductFailure) else "product"
                    fail(Failure(kind, pid, where, reason, jpp),
                         {"kind": kind, "status": "failed", "product_id": pid, "where": where, "error": reason, "jobs": jpp})
                update(summary)
            if not pending:
                if exhausted:
                    break
                continue
            for h in ex.wait(list(pending), WAIT_S):
                kind, rp, jobs = pending.pop(h)
                try:
                    result = ex.result(h)
                except TaskFailed as e:
                    if kind == "prep":
                        product_failed(rp, str(e), len(jobs))
                    else:
                        finished(jobs, [Outcome(j.key, str(e)) for j in jobs])
                    update(summary)
                    continue
                if kind == "prep":
                    if result.error:
                        product_failed(rp, result.error, len(jobs))
                    else:
                        size = -(-len(jobs) // ex.workers)
                        for i in range(0, len(jobs), size):
                            pending[ex.submit_render(jobs[i:i + size], h, result)] = ("render", rp, jobs[i:i + size])
                elif kind == "product" and result.error:
                    product_failed(rp, result.error, len(jobs))
                else:
                    finished(jobs, result.outcomes if kind == "product" else result)
                update(summary)
        summary.elapsed_s = time.perf_counter() - t0
        store.append({"kind": "run", "status": "finished", "rendered": summary.rendered, "skipped": summary.skipped,
                      "recovered": summary.recovered, "failed": summary.failed, "elapsed_s": round(summary.elapsed_s, 3)})
    update(summary)
    return summary


def _item_failure(item) -> tuple[str | None, str, str]:
    if isinstance(item, ProductFailure):
        return item.product_id, item.where, item.reason
    if isinstance(item, Unresolved):  # only in dry runs
        return item.record.id, item.record.where, "image not downloaded"
    where = f"{item.source}:{item.line}" if item.line else item.source
    return item.id, where, item.reason


def _triage(plan: Plan, rp: ResolvedProduct, writer, store: JobStore, summary: BatchSummary) -> list[JobSpec]:
    """The product's jobs still to render; finished ones are counted, orphans adopted, bad ones failed."""
    summary.products += 1
    store.refresh()  # see what a concurrent run finished meanwhile
    todo: list[JobSpec] = []
    for job in expand(plan, rp, writer):
        if isinstance(job, JobProblem):
            where = f"{job.segment or 'all'}/{job.locale}/{job.template}/{format_size(job.size)}"
            summary.fail(Failure("job", job.product_id, where, job.reason))
            store.append({"kind": "job", "status": "failed", "product_id": job.product_id, "segment": job.segment or None,
                          "locale": job.locale, "template": job.template, "size": format_size(job.size),
                          "error": job.reason, "outputs": []})
        elif store.is_done(job.key, job.out_path):
            summary.skipped += 1
        elif store.finished_on_disk(job.key, job.out_path):
            summary.recovered += 1
            store.append(_job_record(job, recovered=True))
        else:
            todo.append(job)
    return todo


def dry_run(plan: Plan, *, workers: int | None = None, backend: str = "local") -> BatchSummary:
    """Count jobs (and those already done) and estimate the time, rendering and downloading nothing."""
    from ..cutout import cache_dir, get_remover
    from ..cutout.cache import lookup, make_key
    from ..jobs import default_workers
    from .estimate import estimate
    from .store import iter_records

    writer = _writer(plan)
    remover = plan.campaign.remover
    rm = get_remover(remover)
    jpp = plan.jobs_per_product
    summary = BatchSummary(plan.name, str(plan.out_dir), str(plan.out_dir / MANIFEST), backend,
                           workers or default_workers(), dry_run=True)
    done = {r["key"] for r in iter_records(plan.out_dir / MANIFEST) if r.get("kind") == "job" and r.get("status") == "ok"}
    by_size: dict[tuple[int, int], int] = {}
    for item in products(plan, None, download=False):
        if isinstance(item, ResolvedProduct):
            summary.products += 1
            todo = 0
            for job in expand(plan, item, writer):
                summary.jobs_total += 1
                if isinstance(job, JobProblem):
                    summary.fail(Failure("job", job.product_id, job.template, job.reason))
                elif job.key in done and Path(job.out_path).is_file():
                    summary.skipped += 1
                elif JobStore.finished_on_disk(job.key, job.out_path):
                    summary.recovered += 1
                else:
                    todo += 1
                    by_size[job.size] = by_size.get(job.size, 0) + 1
            summary.to_render += todo
            key = make_key(item.photo_hash, rm.name, rm.options())
            if todo and lookup(cache_dir(), key, item.photo) is None:
                summary.uncached_products += 1
        elif isinstance(item, Unresolved):
            summary.products += 1
            summary.jobs_total += jpp
            summary.to_render += jpp
            summary.uncached_products += 1
            for s in plan.sizes:
                by_size[s] = by_size.get(s, 0) + jpp // len(plan.sizes)
        else:
            pid, where, reason = _item_failure(item)
            summary.jobs_total += jpp
            summary.fail(Failure("row" if not isinstance(item, ProductFailure) else "product", pid, where, reason, jpp))
    summary.estimate_s = estimate(by_size, summary.uncached_products, remover, summary.workers)
    return summary
