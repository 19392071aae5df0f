"""The ``auto`` remover: the plain-background path when the border is near-uniform, else
the model refined at full resolution.

On a plain background the model (``u2netp``) still runs, as a prior for the product's
extent (:func:`creative.cutout.plain.plain_alpha`); without its weights the plain path runs
on colour alone. When the colour cut and the model disagree wildly (IoU under
:data:`MIN_AGREEMENT`: a white product on white flooded, a backdrop that is not one),
the model's own refined cut wins.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from PIL import Image

from creative.cutout.base import Matte, Remover, get_remover, register_remover
from creative.cutout.plain import PlainOptions, border_background, plain_alpha
from creative.cutout.rembg_backend import ModelRemover, check_clear_subject, smooth_band
from creative.cutout.refine import refine

#: Model used for the prior and the fallback.
MODEL = "u2netp"
MIN_AGREEMENT = 0.6
#: Under this share of the photo the plain cut found no product: the photo is all backdrop.
MIN_PRODUCT = 0.005


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.count_nonzero(a | b)
    return np.count_nonzero(a & b) / union if union else 1.0


@register_remover
class AutoRemover(Remover):
    """Plain path on plain backgrounds (with the model as prior), model + refinement elsewhere."""

    name = "auto"
    opts = PlainOptions()

    def _model(self) -> ModelRemover:
        rm = get_remover(MODEL)
        assert isinstance(rm, ModelRemover)
        return rm

    def options(self) -> Mapping[str, object]:
        return {"plain": self.opts.as_dict(), "model": MODEL, "model_options": dict(self._model().options()),
                "min_agreement": MIN_AGREEMENT}

    def matte(self, rgb: Image.Image) -> Matte:
        arr = np.asarray(rgb.convert("RGB"))
        bg = border_background(arr, self.opts)
        model = self._model()
        if bg is not None:
            if not model.available():
                return Matte(plain_alpha(arr, bg, None, self.opts), "plain")
            prior = model.coarse(arr)
            alpha = plain_alpha(arr, bg, prior, self.opts)
            if np.count_nonzero(alpha > 0.5) < MIN_PRODUCT * alpha.size:
                return Matte(alpha, "plain")  # all backdrop: cut_out reports it, no random blob
            if _iou(alpha > 0.5, prior > 0.5) >= MIN_AGREEMENT:
                return Matte(alpha, f"plain+{MODEL}")
            check_clear_subject(prior)
            return Matte(smooth_band(refine(arr, prior, model.refine_options)), f"{MODEL}+refine")
        return model.matte(rgb)

    def mask(self, rgb: Image.Image) -> Image.Image:
        return Image.fromarray(np.round(self.matte(rgb).alpha * 255).astype(np.uint8))
