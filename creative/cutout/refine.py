"""Full-resolution refinement of a coarse mask, and colour decontamination of edge pixels.

A salient-object model predicts a 320×320 probability map; stretched to the photo it gives
soft, blobby edges. :func:`refine` rebuilds the edge at full resolution from the photo itself:

1. the coarse map is thresholded, small enclosed holes are filled (stripes and shadows
   inside an animal or a bottle), and a trimap is drawn: sure product, sure background,
   and an *unknown band* around the edge as wide as the model's pixel (photo side / 320);
2. inside the band every pixel is unmixed as ``I = a·F + (1 - a)·B``, with ``F`` and ``B``
   the local product and background colours spread into the band from the sure regions
   (normalised convolution, :func:`spread`); ``a`` is the projection of ``I - B`` on
   ``F - B``. A hard edge (colour steps in a pixel) stays a step; hair and fur, whose
   pixels are real mixtures, come out soft;
3. where ``F`` and ``B`` are too alike for the colour to decide (white on white), the
   model's probability is kept, weighted by how alike they are.

This is the "local sampling" family of alpha matting (as in Bayesian or shared matting,
reduced to one spread sample per side). pymatting's closed-form solver was measured at
over a second per megapixel on this machine (the budget is half of ``rembg p``'s time),
so it is not used on the default path; see ``docs/cutout.md``.

:func:`decontaminate` estimates each edge pixel's own product colour the same way, so a
product cut from a green lawn has no green rim on a red banner.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Side of the model's square input: one coarse pixel spans ``photo side / MODEL_SIDE`` px.
MODEL_SIDE = 320


@dataclass(frozen=True)
class RefineOptions:
    """Settings of :func:`refine`; they are part of the cut-out cache key."""

    band: float = 1.5  #: half-width of the unknown band, in coarse-model pixels
    min_band: int = 2  #: ... and at least this many photo pixels
    hole_share: float = 0.004  #: fill enclosed holes smaller than this share of the product
    contrast: float = 0.02  #: |F - B|² (0–1 RGB) at which colour and model count equally
    unsure: float = 0.3  #: coarse values in (unsure, 1 - unsure) are re-estimated too

    def as_dict(self) -> dict[str, object]:
        return {"band": self.band, "min_band": self.min_band, "hole_share": self.hole_share,
                "contrast": self.contrast, "unsure": self.unsure}


def _cv2():  # noqa: ANN202 - lazy import keeps `import creative.cutout` light
    import cv2

    return cv2


#: More "unsure" (0.2–0.8) than "solid" (> 0.5) pixels: the model found no clear subject.
MAX_UNSURE_RATIO = 1.0
#: A "subject" covering this much of the frame is the whole photo, not a product in it.
MAX_SOLID = 0.98


def unclear_subject(coarse: np.ndarray) -> str | None:
    """Why the model's probability map shows no clear subject, or None when it does."""
    solid = float(np.count_nonzero(coarse > 0.5)) / coarse.size
    unsure = float(np.count_nonzero((coarse > 0.2) & (coarse < 0.8))) / coarse.size
    if solid >= MAX_SOLID:
        return ("the whole photo reads as foreground (a texture, or a close-up that fills the frame); "
                "use a photo with some background around the product")
    if unsure > MAX_UNSURE_RATIO * solid and unsure > 0.001:
        return ("the model cannot tell the product from the background; crop closer to the product "
                "or shoot it on a plain background")
    return None


def band_width(size: tuple[int, int], opts: RefineOptions = RefineOptions()) -> int:
    """Half-width in photo pixels of the unknown band for a photo of ``size`` (w, h)."""
    return max(opts.min_band, round(opts.band * max(size) / MODEL_SIDE))


def fill_small_holes(mask: np.ndarray, max_share: float) -> np.ndarray:
    """``mask`` (bool) with enclosed background regions under ``max_share`` of its area filled."""
    cv2 = _cv2()
    area = int(mask.sum())
    if area == 0 or max_share <= 0:
        return mask
    inv = (~mask).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(inv, connectivity=4)
    h, w = mask.shape
    x, y, bw, bh, a = (stats[:, i] for i in range(5))
    touches = (x == 0) | (y == 0) | (x + bw == w) | (y + bh == h)
    fill = ~touches & (a <= max_share * area)
    fill[0] = False  # label 0 is the product itself
    return mask | fill[labels]


def spread(colors: np.ndarray, weight: np.ndarray, radius: int) -> np.ndarray:
    """Normalised convolution: the weighted local mean of ``colors`` (H×W×3), defined where
    ``weight`` is zero too (as long as some weight lies within ~2·radius).

    The result is smooth, so radii of 4 px and more are computed at half resolution.
    """
    cv2 = _cv2()
    h, w = weight.shape
    if radius >= 4 and min(h, w) >= 8:
        half = (max(1, w // 2), max(1, h // 2))
        wc = cv2.resize(weight, half, interpolation=cv2.INTER_AREA)
        cc = cv2.resize(colors * weight[..., None], half, interpolation=cv2.INTER_AREA)
        mean = _spread_sums(cc, wc, radius // 2)
        return cv2.resize(mean, (w, h), interpolation=cv2.INTER_LINEAR)
    return _spread_sums(colors * weight[..., None], weight, radius)


def pull_push(colors: np.ndarray, weight: np.ndarray, gain: float = 4.0) -> np.ndarray:
    """The colours of the weighted pixels (``weight`` 0–1) carried into the rest of the image,
    nearest first: a pull-push fill over an image pyramid (float32 H×W×3).

    Every pyramid level holds the weighted mean colour of its cells; going back up, a pixel
    keeps its own level's colour as far as that level has data (``weight × gain``, at most 1)
    and takes the coarser level's for the rest. Unlike :func:`spread`, which averages every
    sample within a fixed radius, the product colour reaching an edge pixel is the one just
    inside it (a light rim before a dark body stays light), and the fill reaches as far as it
    must (a 20-px soft ramp is filled from its opaque top, not from the half-mixed pixels
    around it). The same idea as multi-level foreground estimation (Germer et al. 2020,
    pymatting's ``estimate_foreground_ml``), without the solver: about 70 ms for 1.5 MP here.
    """
    cv2 = _cv2()
    levels = [(colors * weight[..., None], weight)]
    while min(levels[-1][1].shape) >= 4:
        c, w = levels[-1]
        levels.append((cv2.pyrDown(c), cv2.pyrDown(w)))
    c, w = levels[-1]
    est = c / np.maximum(w, 1e-6)[..., None]
    for c, w in reversed(levels[:-1]):
        up = cv2.resize(est, (w.shape[1], w.shape[0]), interpolation=cv2.INTER_LINEAR)
        if up.ndim == 2:  # cv2 drops a single channel
            up = up[..., None]
        own = c / np.maximum(w, 1e-6)[..., None]
        own -= up
        own *= np.minimum(w * gain, 1.0)[..., None]
        own += up
        est = own
    return est


def _spread_sums(weighted: np.ndarray, weight: np.ndarray, radius: int) -> np.ndarray:
    cv2 = _cv2()
    k = 2 * radius + 1
    sigma = radius / 1.5
    wsum = cv2.GaussianBlur(weight, (k, k), sigma)
    csum = cv2.GaussianBlur(weighted, (k, k), sigma)
    # a second, wider pass reaches pixels the first left empty
    far = wsum < 1e-3
    if far.any():
        k2, s2 = 4 * radius + 1, radius
        wsum = np.where(far, cv2.GaussianBlur(weight, (k2, k2), s2), wsum)
        csum = np.where(far[..., None], cv2.GaussianBlur(weighted, (k2, k2), s2), csum)
    return csum / np.maximum(wsum, 1e-6)[..., None]


def _roi(mask: np.ndarray, pad: int) -> tuple[slice, slice]:
    ys, xs = np.nonzero(mask)
    h, w = mask.shape
    return (slice(max(0, ys.min() - pad), min(h, ys.max() + pad + 1)),
            slice(max(0, xs.min() - pad), min(w, xs.max() + pad + 1)))


def unmix(img: np.ndarray, fg: np.ndarray, bg: np.ndarray, prior: np.ndarray,
          contrast: float) -> np.ndarray:
    """Alpha from ``I = a·F + (1 - a)·B`` (all float 0–1), falling back to ``prior``
    where ``|F - B|²`` is small compared with ``contrast``."""
    d = fg - bg
    dd = (d * d).sum(-1)
    a = ((img - bg) * d).sum(-1) / np.maximum(dd, 1e-6)
    a = np.clip(a, 0.0, 1.0)
    conf = dd / (dd + contrast)
    return conf * a + (1.0 - conf) * prior


def refine(rgb: np.ndarray, coarse: np.ndarray, opts: RefineOptions = RefineOptions()) -> np.ndarray:
    """Refined alpha (float32 0–1, H×W) from a photo (uint8 H×W×3) and a coarse probability
    map of the same size (float 0–1)."""
    cv2 = _cv2()
    h, w = coarse.shape
    solid = fill_small_holes(coarse > 0.5, opts.hole_share)
    if not solid.any():
        return np.zeros((h, w), np.float32)
    r = band_width((w, h), opts)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    u8 = solid.astype(np.uint8)
    # the model's own uncertain zone (wide soft fur, a ramp) joins the band around the contour
    unsure = (coarse > opts.unsure) & (coarse < 1.0 - opts.unsure)
    sure_fg = cv2.erode(u8, kernel).astype(bool) & ~unsure
    sure_bg = ~cv2.dilate(u8, kernel).astype(bool) & ~unsure
    band = ~(sure_fg | sure_bg)
    alpha = solid.astype(np.float32)
    if not band.any():
        return alpha
    # work on the band's bounding box only, with room for the colour spread
    ys, xs = _roi(band, 3 * r + 2)
    img = rgb[ys, xs].astype(np.float32) / 255.0
    fgw, bgw = sure_fg[ys, xs].astype(np.float32), sure_bg[ys, xs].astype(np.float32)
    fg = spread(img, fgw, r + 1)
    bg = spread(img, bgw, r + 1)
    prior = np.clip(coarse[ys, xs].astype(np.float32), 0.0, 1.0)
    a = unmix(img, fg, bg, prior, opts.contrast)
    sub = band[ys, xs]
    # where a side has no sample at all (band at the photo edge), keep the model's value
    a = np.where((fgw.sum() == 0) | (bgw.sum() == 0), prior, a)
    region = alpha[ys, xs]
    region[sub] = a[sub]
    alpha[ys, xs] = region
    return alpha


def decontaminate(rgb: np.ndarray, alpha: np.ndarray, radius: int | None = None) -> np.ndarray:
    """Product colour for the partly transparent pixels and the opaque rim next to them
    (uint8 H×W×3; every other pixel unchanged).

    ``B`` is spread from the fully transparent pixels nearby, ``F`` from the opaque ones a
    little way in. The pixel's own colour is unmixed (``F = (I - (1 - a)·B) / a``) where ``a``
    is large enough to trust, and leans on the spread ``F`` as ``a`` falls. Whatever is left of
    a shift from the local product colour *towards the background colour* is then removed: that
    shift is the background bleeding in, whether or not ``a`` was estimated right.
    """
    cv2 = _cv2()
    edge = (alpha > 0.004) & (alpha < 0.996)
    if not edge.any():
        return rgb
    h, w = alpha.shape
    r = radius or max(2, round(1.5 * max(h, w) / MODEL_SIDE))
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    rim = cv2.dilate(edge.astype(np.uint8), k).astype(bool) & (alpha > 0.004)
    ys, xs = _roi(rim, 3 * r + 2)
    img = rgb[ys, xs].astype(np.float32) / 255.0
    a = alpha[ys, xs].astype(np.float32)
    inner = cv2.erode((a >= 0.996).astype(np.uint8), k).astype(np.float32)
    fgw = inner if inner.sum() else (a >= 0.996).astype(np.float32)
    if fgw.sum() == 0:
        fgw = a * a
    bgw = (a <= 0.004).astype(np.float32)
    fg_near = spread(img, fgw, 2 * r + 1)
    bg_near = spread(img, bgw, r + 1) if bgw.sum() else img
    sub = rim[ys, xs]
    # the per-pixel maths only on the rim's pixels (N×3), not the whole window
    i_, a_, f_near, b_near = img[sub], a[sub][:, None], fg_near[sub], bg_near[sub]
    own = (i_ - (1.0 - a_) * b_near) / np.maximum(a_, 1e-3)
    trust = np.clip((a_ - 0.2) / 0.6, 0.0, 1.0)
    f = trust * own + (1.0 - trust) * f_near
    # drop the part of (F - local product colour) that points at the background colour
    d = b_near - f_near
    dn = d / np.maximum(np.linalg.norm(d, axis=-1, keepdims=True), 1e-4)
    v = f - f_near
    toward = np.maximum((v * dn).sum(-1, keepdims=True), 0.0)
    # the more of the deviation pointed at the background, the less of the rest is trusted
    keep = 1.0 - toward / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-4)
    f = np.clip(f_near + keep * (v - toward * dn), 0.0, 1.0)
    out = rgb.copy()
    region = out[ys, xs]
    region[sub] = np.round(f * 255.0).astype(np.uint8)
    out[ys, xs] = region
    return out
