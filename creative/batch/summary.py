"""What a batch did: counts, rate, and every failure with its reason (``--json`` prints :meth:`to_dict`)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

#: Failures kept in full in a summary; the rest are counted (all are in the manifest).
MAX_LISTED_FAILURES = 1000


@dataclass(frozen=True)
class Failure:
    kind: str  #: "row" (feed row unusable), "product" (photo, download, cut-out), "job" (one render)
    product_id: str | None
    where: str  #: feed file:line, page URL, or the output path of the job
    reason: str
    jobs: int = 1  #: jobs not rendered because of it


@dataclass
class BatchSummary:
    campaign: str
    out_dir: str
    manifest: str
    backend: str = "local"
    workers: int = 1
    dry_run: bool = False
    products: int = 0  #: usable products seen
    jobs_total: int = 0  #: expected jobs (rows × jobs per product), for progress
    rendered: int = 0
    skipped: int = 0  #: finished by an earlier run
    recovered: int = 0  #: written by an earlier run that was killed before recording them
    failed: int = 0  #: jobs not rendered (bad rows and products count all their jobs)
    to_render: int = 0  #: dry run: jobs that would be rendered
    uncached_products: int = 0  #: dry run: products whose cut-out is not cached yet
    estimate_s: float | None = None  #: dry run: estimated wall time
    startup_s: float = 0.0  #: starting the workers (and Ray), before the first product
    elapsed_s: float = 0.0  #: from the first product to the last result
    render_s: float = 0.0  #: time spent in workers rendering (sum over workers)
    failures: list[Failure] = field(default_factory=list)
    failures_total: int = 0
    warnings: list[str] = field(default_factory=list)  #: the first few warnings (material skipped...)
    warnings_total: int = 0
    cleaned_parts: int = 0

    @property
    def done(self) -> int:
        return self.rendered + self.skipped + self.recovered + self.failed

    @property
    def rate(self) -> float:
        """Rendered jobs per second of wall time."""
        return self.rendered / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def fail(self, failure: Failure) -> None:
        self.failed += failure.jobs
        self.failures_total += 1
        if len(self.failures) < MAX_LISTED_FAILURES:
            self.failures.append(failure)

    def warn(self, message: str) -> None:
        self.warnings_total += 1
        if len(self.warnings) < MAX_LISTED_FAILURES:
            self.warnings.append(message)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["rate_per_s"] = round(self.rate, 2)
        d["exit_code"] = self.exit_code
        d["elapsed_s"] = round(self.elapsed_s, 3)
        d["startup_s"] = round(self.startup_s, 3)
        d["render_s"] = round(self.render_s, 3)
        return d

    def lines(self, max_failures: int = 20) -> list[str]:
        """A short human summary."""
        if self.dry_run:
            est = f", about {_duration(self.estimate_s)} on {self.workers} workers" if self.estimate_s is not None else ""
            out = [f"{self.campaign}: {self.jobs_total} jobs for {self.products} products "
                   f"({self.skipped + self.recovered} done, {self.to_render} to render{est}); "
                   f"{self.uncached_products} products still need a cut-out"]
        else:
            out = [f"{self.campaign}: {self.rendered} rendered, {self.skipped} already done"
                   + (f", {self.recovered} recovered" if self.recovered else "")
                   + f", {self.failed} failed in {_duration(self.elapsed_s)}"
                   + (f" (+{_duration(self.startup_s)} starting {self.backend})" if self.startup_s >= 1 else "")
                   + (f" ({self.rate:.1f}/s on {self.workers} {self.backend} workers)" if self.rendered else "")]
            out.append(f"outputs in {self.out_dir}, manifest {self.manifest}")
        for f in self.failures[:max_failures]:
            who = f" {f.product_id}" if f.product_id else ""
            out.append(f"failed {f.kind}{who} ({f.where}): {f.reason}")
        if self.failures_total > max_failures:
            out.append(f"... and {self.failures_total - max_failures} more failures (see the manifest or --json)")
        for w in self.warnings[:max_failures]:
            out.append(f"warning: {w}")
        if self.warnings_total > max_failures:
            out.append(f"... and {self.warnings_total - max_failures} more warnings (see the manifest or --json)")
        return out


def _duration(s: float | None) -> str:
    if s is None:
        return "?"
    if s < 60:
        return f"{s:.1f} s"
    m, sec = divmod(int(round(s)), 60)
    if m < 60:
        return f"{m} min {sec:02d} s"
    h, m = divmod(m, 60)
    return f"{h} h {m:02d} min"
