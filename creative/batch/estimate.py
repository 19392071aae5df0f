"""A rough wall-time estimate for ``--dry-run``, from per-megapixel costs.

The constants were measured by ``benchmarks/batch.py`` on a 2-core x86-64 machine (JPEG
output, bundled templates, cached cut-outs) and by timing ``u2netp`` cut-outs there. They
are an order of magnitude, not a promise: the benchmark measures the real thing.
"""
from __future__ import annotations

#: Seconds per output megapixel, and per job, on one core (CPU time per banner measured by the
#: batch benchmark for 1080x1080, 1200x628, 1080x1920 and 300x250 JPEGs: 70-80 ms for 1 MP on
#: a busy machine).
RENDER_S_PER_MP = 0.06
RENDER_S_PER_JOB = 0.012
#: Seconds per cut-out that is not cached yet (u2netp on CPU; removers without a model are quick).
CUTOUT_S = {"u2netp": 0.6, "auto": 0.7}
CUTOUT_S_OTHER = 0.05


def job_seconds(size: tuple[int, int]) -> float:
    return RENDER_S_PER_JOB + RENDER_S_PER_MP * size[0] * size[1] / 1e6


def estimate(jobs_by_size: dict[tuple[int, int], int], uncached: int, remover: str, workers: int) -> float:
    """Wall seconds for the given jobs plus ``uncached`` cut-outs on ``workers`` cores."""
    work = sum(n * job_seconds(s) for s, n in jobs_by_size.items())
    work += uncached * CUTOUT_S.get(remover, CUTOUT_S_OTHER)
    return work / max(1, workers)
