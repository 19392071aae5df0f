"""Campaigns at scale: a campaign file (or a feed and a few options) in, every banner out.

>>> plan = load_campaign("assets/campaign/campaign.yaml", out_dir="out/d11")         # doctest: +SKIP
>>> summary = run_batch(plan, backend="local")                                      # doctest: +SKIP
>>> summary.rendered, summary.failed, summary.exit_code                             # doctest: +SKIP

Pieces, in the order data flows: :mod:`~creative.batch.spec` (campaign and segments models),
:mod:`~creative.batch.plan` (resolve and check a campaign), :mod:`~creative.batch.sources`
(stream products, resolve photos), :mod:`~creative.batch.expand` (jobs and their content
keys), :mod:`~creative.batch.executors` (local pool, Ray), :mod:`~creative.batch.worker`
(what runs in a worker), :mod:`~creative.batch.store` (``manifest.jsonl``: skip, resume,
adopt) and :mod:`~creative.batch.run` (the driver).
"""
from __future__ import annotations

from .executors import EXECUTORS, Executor, LocalExecutor, RayExecutor, get_executor
from .plan import Plan, describe, load_campaign, plan_campaign, shorthand_campaign
from .run import dry_run, run_batch
from .spec import Campaign, Segment, SegmentsFile
from .store import MANIFEST, JobStore, iter_records
from .summary import BatchSummary, Failure
from .yamlspec import SpecError

__all__ = [
    "EXECUTORS", "MANIFEST", "BatchSummary", "Campaign", "Executor", "Failure", "JobStore", "LocalExecutor", "Plan",
    "RayExecutor", "Segment", "SegmentsFile", "SpecError", "describe", "dry_run", "get_executor", "iter_records",
    "load_campaign", "plan_campaign", "run_batch", "shorthand_campaign",
]
