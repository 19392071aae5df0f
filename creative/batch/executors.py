"""Where jobs run: a local process pool (default) or Ray tasks, behind one small interface.

Both are registered by name in :data:`EXECUTORS`; an unknown name fails and lists them.
The driver (:mod:`creative.batch.run`) submits one task per product (cut-out, then all its
banners), or, when there are fewer products than workers can share, a *prepare* task and then
the product's banners in a few render tasks; it never schedules anything itself beyond keeping
a bounded number of tasks in flight. The local pool is :class:`concurrent.futures.ProcessPoolExecutor`
with ``fork`` workers (they inherit loaded fonts, templates and removers); Ray is imported
only when the ``ray`` backend is chosen (``pip install 'creative[ray]'``).
"""
from __future__ import annotations

import os
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from ..errors import CreativeError, UsageError
from ..jobs import default_workers
from . import worker
from .expand import JobSpec


class TaskFailed(CreativeError):
    """One task was lost (its worker died and retries ran out): that job fails, the batch goes on."""


class Executor(ABC):
    """Runs :func:`worker.product_task` (or :func:`worker.prepare_task` then :func:`worker.render_jobs`) somewhere."""

    name: ClassVar[str]

    def __init__(self, workers: int | None = None, address: str | None = None,
                 ctx: worker.WorkerContext | None = None):
        self.workers = workers or default_workers()
        self.address = address
        self.ctx = ctx

    def __enter__(self) -> "Executor":
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(cancel=exc_type is not None)

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def close(self, cancel: bool = False) -> None: ...

    @abstractmethod
    def submit_prepare(self, photo: str, remover: str) -> Any: ...

    @abstractmethod
    def submit_render(self, jobs: list[JobSpec], prepared_handle: Any, prepared: worker.Prepared) -> Any:
        """Render ``jobs`` of an already prepared product (returns a list of outcomes)."""

    @abstractmethod
    def submit_product(self, photo: str, remover: str, jobs: list[JobSpec]) -> Any:
        """Prepare a product and render all ``jobs`` in one task (returns a ProductOutcome)."""

    @abstractmethod
    def wait(self, handles: list[Any], timeout: float) -> list[Any]:
        """Handles that are finished (possibly none when ``timeout`` passes)."""

    @abstractmethod
    def result(self, handle: Any) -> Any: ...

    def warm(self, specs: list) -> None:
        """Make every worker ready for the first product (:func:`worker.warm_task`); forked local
        workers inherit a warmed driver, so by default nothing is done here."""

    def describe(self) -> dict:
        return {"backend": self.name, "workers": self.workers}


class LocalExecutor(Executor):
    """A forked process pool on this machine, sized to the CPUs this process may use."""

    name = "local"

    def start(self) -> None:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        if self.address:
            raise UsageError("--address applies to the ray backend only")
        from ..jobs import frozen_for_fork

        ctx = mp.get_context("fork") if hasattr(os, "fork") else None
        self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx)
        # With fork, every worker is forked at the first submit: do it now, before the driver
        # starts threads (progress bar, downloads), so no child inherits a held lock; and with
        # the driver's objects frozen, so the children's collections do not copy its memory.
        with frozen_for_fork():
            self._pool.submit(worker.noop).result()

    def close(self, cancel: bool = False) -> None:
        pool = getattr(self, "_pool", None)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=cancel)
            self._pool = None

    def submit_prepare(self, photo: str, remover: str):
        return self._pool.submit(worker.prepare_task, photo, remover, None)

    def submit_render(self, jobs: list[JobSpec], prepared_handle, prepared: worker.Prepared):
        return self._pool.submit(worker.render_jobs, jobs, prepared, None)

    def submit_product(self, photo: str, remover: str, jobs: list[JobSpec]):
        return self._pool.submit(worker.product_task, photo, remover, jobs, None)

    def wait(self, handles, timeout):
        from concurrent.futures import FIRST_COMPLETED
        from concurrent.futures import wait as fwait

        done, _ = fwait(handles, timeout=timeout, return_when=FIRST_COMPLETED)
        return list(done)

    def result(self, handle):
        from concurrent.futures.process import BrokenProcessPool

        try:
            return handle.result()
        except BrokenProcessPool:
            raise CreativeError("a worker process died (out of memory, or killed); run the same command "
                                "again to finish the rest") from None


class RayExecutor(Executor):
    """Ray tasks: on a cluster (``address``: ``auto`` or ``ray://host:10001``) or a local instance."""

    name = "ray"

    def start(self) -> None:
        try:
            import ray
        except ImportError:
            raise UsageError("the ray backend needs Ray: pip install 'creative[ray]'") from None
        import logging

        self._ray = ray
        self._owned = False
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.ERROR}
            if self.address:
                kwargs["address"] = self.address
            else:
                kwargs["num_cpus"] = self.workers
            try:
                ray.init(**kwargs)
            except (ConnectionError, RuntimeError, ValueError) as e:
                raise CreativeError(f"cannot start or reach Ray{' at ' + self.address if self.address else ''}: "
                                    f"{str(e).splitlines()[0]}") from None
            self._owned = True
        self.workers = int(ray.cluster_resources().get("CPU", self.workers))
        self._prepare = ray.remote(num_cpus=1, max_retries=2)(worker.prepare_task)
        self._render = ray.remote(num_cpus=1, max_retries=2)(worker.render_jobs)
        self._product = ray.remote(num_cpus=1, max_retries=2)(worker.product_task)
        self._warm = ray.remote(num_cpus=1, max_retries=0)(worker.warm_task)
        self._ctx_ref = ray.put(self.ctx)

    def warm(self, specs: list) -> None:
        """One warm-up task per CPU, all at once (each holds a CPU, so each lands in its own
        worker): imports, template fonts and palettes are loaded before the first product, as
        a forked local worker has them. A failure here is left for the real tasks to report."""
        try:
            self._ray.get([self._warm.remote(specs, self._ctx_ref) for _ in range(self.workers)])
        except self._ray.exceptions.RayError:
            pass

    def close(self, cancel: bool = False) -> None:
        ray = getattr(self, "_ray", None)
        if ray is not None and self._owned and ray.is_initialized():
            ray.shutdown()
        self._ray = None

    def submit_prepare(self, photo: str, remover: str):
        return self._prepare.remote(photo, remover, self._ctx_ref)

    def submit_render(self, jobs: list[JobSpec], prepared_handle, prepared: worker.Prepared):
        # The prepared product stays in Ray's object store; each task gets it by reference.
        return self._render.remote(jobs, prepared_handle, self._ctx_ref)

    def submit_product(self, photo: str, remover: str, jobs: list[JobSpec]):
        return self._product.remote(photo, remover, jobs, self._ctx_ref)

    def wait(self, handles, timeout):
        ready, _ = self._ray.wait(handles, num_returns=1, timeout=timeout)
        if ready:
            more, _ = self._ray.wait(handles, num_returns=len(handles), timeout=0)
            ready = list({r: None for r in list(ready) + list(more)})
        return ready

    def result(self, handle):
        try:
            return self._ray.get(handle)
        except self._ray.exceptions.RayError as e:
            raise TaskFailed(f"ray task failed: {str(e).splitlines()[0]}") from None

    def describe(self) -> dict:
        return {"backend": self.name, "workers": self.workers, "address": self.address or "local instance"}


EXECUTORS: dict[str, type[Executor]] = {LocalExecutor.name: LocalExecutor, RayExecutor.name: RayExecutor}


def get_executor(name: str, **kwargs) -> Executor:
    if name not in EXECUTORS:
        raise UsageError(f"unknown backend '{name}'; choose one of: {', '.join(EXECUTORS)}")
    return EXECUTORS[name](**kwargs)
