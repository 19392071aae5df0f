"""The ``u2netp`` remover: rembg's small U²-Net (4.7 MB) on onnxruntime, CPU only.

rembg and onnxruntime are imported on the first :meth:`U2netpRemover.mask` call, never
at import time. The weights must already be on disk (``creative models pull``):
rembg is never allowed to download them itself.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

from PIL import Image

from creative.cutout import models
from creative.cutout.base import Remover, register_remover

MAX_THREADS = 4


def intra_op_threads() -> int:
    """``$OMP_NUM_THREADS`` when set, else the usable CPUs capped at :data:`MAX_THREADS`."""
    env = os.environ.get("OMP_NUM_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(MAX_THREADS, cpus))


def _new_session(model: str) -> Any:
    """A rembg session on our verified weights file, CPU provider, bounded threads."""
    path = models.ensure_model(model)
    import onnxruntime as ort
    from rembg.sessions import sessions

    base = sessions[model]

    class _LocalSession(base):  # type: ignore[valid-type,misc]
        """rembg's session, reading the weights from our model dir (no pooch, no network)."""

        @classmethod
        def download_models(cls, *args: object, **kwargs: object) -> str:
            return str(path)

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = intra_op_threads()
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3  # errors only
    return _LocalSession(model, opts, providers=["CPUExecutionProvider"])


@register_remover
class U2netpRemover(Remover):
    """Salient-object mask from u2netp (320×320 inference, mask resized to the photo)."""

    name = "u2netp"

    def __init__(self) -> None:
        self._session: Any = None
        self._lock = threading.Lock()

    def options(self) -> Mapping[str, object]:
        return {"weights_md5": models.KNOWN[self.name]}

    def _get_session(self) -> Any:
        with self._lock:
            if self._session is None:
                self._session = _new_session(self.name)
            return self._session

    def mask(self, rgb: Image.Image) -> Image.Image:
        session = self._get_session()
        from rembg import remove

        out = remove(rgb if rgb.mode == "RGB" else rgb.convert("RGB"), session=session, only_mask=True)
        return out.convert("L")
