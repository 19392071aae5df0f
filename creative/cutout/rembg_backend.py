"""Model removers on rembg sessions (onnxruntime, CPU only), refined at full resolution.

* ``u2netp``: rembg's small U²-Net (4.7 MB, shipped via ``creative models pull``);
* any other rembg salient-object model (``u2net``, ``isnet-general-use``, ``birefnet-*``…)
  when its weights are in the model dir (a clear error says where and which checksum);
* a custom ONNX file: ``remover="/path/model.onnx"`` (a U²-Net-style model: one input
  N×3×S×S, ImageNet normalisation, first output is the saliency map — rembg's ``u2net_custom``).

The photo is *letterboxed* (scaled to fit, padded with its median colour) before the model
sees it instead of being stretched to a square: a stretched 600×400 portrait loses thin
limbs (the raised arms of ``girl-1`` go from IoU 0.49 to 0.98 against the ``u2net``
reference). The coarse map is then refined at full resolution (:mod:`creative.cutout.refine`).

rembg and onnxruntime are imported on the first mask, never at import time, and rembg is
never allowed to download weights itself.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from creative.cutout import models
from creative.cutout.base import RESOLVERS, REMOVERS, Matte, Remover, register_remover
from creative.cutout.refine import RefineOptions, refine, unclear_subject
from creative.errors import InputError, ModelError

MAX_THREADS = 4
#: Model input side when the ONNX graph does not say (dynamic axes).
DEFAULT_SIDE = 1024
#: Light smoothing of the refined band (pixels, Gaussian sigma): removes single-pixel jaggies.
SMOOTH_SIGMA = 0.8
#: Refinement settings of the model path (measured on ../shared/photos, docs/cutout.md).
MODEL_REFINE = RefineOptions(band=1.0, contrast=0.3)


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


def _options() -> Any:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = intra_op_threads()
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3  # errors only
    return opts


def _new_session(model: str) -> Any:
    """A rembg session on our verified weights file, CPU provider, bounded threads."""
    path = models.ensure_model(model)
    from rembg.sessions import sessions

    base = sessions[model]

    class _LocalSession(base):  # type: ignore[valid-type,misc]
        """rembg's session, reading the weights from our model dir (no pooch, no network)."""

        @classmethod
        def download_models(cls, *args: object, **kwargs: object) -> str:
            return str(path)

    return _LocalSession(model, _options(), providers=["CPUExecutionProvider"])


def _custom_session(path: Path) -> Any:
    from rembg.sessions import sessions

    try:
        return sessions["u2net_custom"]("u2net_custom", _options(), providers=["CPUExecutionProvider"],
                                        model_path=str(path))
    except Exception as exc:  # onnxruntime raises its own types for unreadable graphs
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise ModelError(f"{path}: cannot load the ONNX model ({detail})") from None


def _input_side(session: Any) -> int:
    shape = session.inner_session.get_inputs()[0].shape
    side = shape[-1] if len(shape) == 4 else None
    return int(side) if isinstance(side, int) and side > 0 else DEFAULT_SIDE


def letterbox_predict(session: Any, rgb: np.ndarray, side: int) -> np.ndarray:
    """The model's probability (float32 0–1, photo-sized) with the photo letterboxed into
    a ``side``×``side`` square padded with its median colour."""
    import cv2

    h, w = rgb.shape[:2]
    s = side / max(h, w)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    small = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    fill = np.median(small.reshape(-1, 3), axis=0).astype(np.uint8)
    canvas = np.empty((side, side, 3), np.uint8)
    canvas[:] = fill
    x0, y0 = (side - nw) // 2, (side - nh) // 2
    canvas[y0 : y0 + nh, x0 : x0 + nw] = small
    out = session.predict(Image.fromarray(canvas))[0]
    if out.size != (side, side):
        out = out.resize((side, side), Image.Resampling.BILINEAR)
    prob = np.asarray(out.convert("L"), dtype=np.float32)[y0 : y0 + nh, x0 : x0 + nw] / 255.0
    return cv2.resize(prob, (w, h), interpolation=cv2.INTER_LINEAR)


def smooth_band(alpha: np.ndarray, sigma: float = SMOOTH_SIGMA) -> np.ndarray:
    """A light Gaussian on the partly transparent region (plus a pixel) only."""
    import cv2

    edge = (alpha > 0.002) & (alpha < 0.998)
    if not edge.any() or sigma <= 0:
        return alpha
    ys, xs = np.nonzero(edge)
    pad = int(3 * sigma) + 2
    h, w = alpha.shape
    yy = slice(max(0, ys.min() - pad), min(h, ys.max() + pad + 1))
    xx = slice(max(0, xs.min() - pad), min(w, xs.max() + pad + 1))
    out = alpha.copy()
    out[yy, xx] = cv2.GaussianBlur(alpha[yy, xx], (0, 0), sigma)
    return out


def check_clear_subject(coarse: np.ndarray) -> None:
    """Raise :class:`InputError` when the model's map shows no clear subject."""
    reason = unclear_subject(coarse)
    if reason is not None:
        raise InputError(f"no clear subject: {reason}")


class ModelRemover(Remover):
    """A rembg salient-object model, letterboxed, refined at full resolution."""

    name = "model"  # overridden by each concrete model
    refine_options = MODEL_REFINE

    def __init__(self) -> None:
        self._session: Any = None
        self._side = DEFAULT_SIDE
        self._lock = threading.Lock()

    def options(self) -> Mapping[str, object]:
        algo, digest = models.checksum_of(self.name)
        return {f"weights_{algo}": digest, "letterbox": True, "refine": self.refine_options.as_dict(),
                "smooth": SMOOTH_SIGMA}

    def available(self) -> bool:
        """True when the weights are on disk and verified (no model is loaded)."""
        return models.is_present(self.name)

    def _make_session(self) -> Any:
        return _new_session(self.name)

    def _get_session(self) -> Any:
        with self._lock:
            if self._session is None:
                self._session = self._make_session()
                self._side = _input_side(self._session)
            return self._session

    def coarse(self, rgb: np.ndarray) -> np.ndarray:
        """The model's own probability map at the photo's size (float32 0–1)."""
        session = self._get_session()
        return letterbox_predict(session, rgb, self._side)

    def matte(self, rgb: Image.Image) -> Matte:
        arr = np.asarray(rgb.convert("RGB"))
        coarse = self.coarse(arr)
        check_clear_subject(coarse)
        alpha = smooth_band(refine(arr, coarse, self.refine_options))
        return Matte(alpha, f"{self.name}+refine")

    def mask(self, rgb: Image.Image) -> Image.Image:
        a = self.matte(rgb).alpha
        return Image.fromarray(np.round(a * 255.0).astype(np.uint8))


@register_remover
class U2netpRemover(ModelRemover):
    """u2netp (the default model): letterboxed 320×320 inference, refined at full resolution."""

    name = "u2netp"

    def options(self) -> Mapping[str, object]:
        return {**super().options(), "weights_md5": models.KNOWN[self.name]}


def _register_rembg_models() -> None:
    """One remover per rembg salient-object model in :data:`models.OTHER`."""
    for model in sorted(models.OTHER):
        if model in REMOVERS:
            continue
        cls = type(f"Rembg_{model.replace('-', '_')}", (ModelRemover,),
                   {"name": model, "__doc__": f"rembg's {model} (weights in the model dir), refined."})
        register_remover(cls)


_register_rembg_models()


class OnnxFileRemover(ModelRemover):
    """A custom U²-Net-style ONNX file given by path."""

    name = "onnx"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.name = str(path)  # type: ignore[misc]  # instances are keyed by their path

    def options(self) -> Mapping[str, object]:
        from creative.material.load import file_digest

        st = self.path.stat()
        stamp = (st.st_size, st.st_mtime_ns)
        if getattr(self, "_digest_for", None) != stamp:  # hash a large model once, not per photo
            self._digest, self._digest_for = file_digest(self.path), stamp
        return {"onnx_sha256": self._digest, "letterbox": True,
                "refine": self.refine_options.as_dict(), "smooth": SMOOTH_SIGMA}

    def available(self) -> bool:
        return self.path.is_file()

    def _make_session(self) -> Any:
        return _custom_session(self.path)

    def matte(self, rgb: Image.Image) -> Matte:
        m = super().matte(rgb)
        return Matte(m.alpha, f"{self.path.name}+refine")


def _resolve_onnx(name: str) -> Remover | None:
    if not name.lower().endswith(".onnx"):
        return None
    path = Path(name).expanduser()
    if not path.is_file():
        raise ModelError(f"{path}: ONNX model file not found (give the path to a .onnx file)")
    return OnnxFileRemover(path.resolve())


RESOLVERS.append(_resolve_onnx)
