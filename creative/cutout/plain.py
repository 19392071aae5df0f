"""The plain-background path: studio shots on white, a flat colour or a smooth gradient.

1. :func:`border_background` looks at a strip along the photo's border and fits a smooth
   colour surface to it (a quadratic in x and y per channel, refitted on its inliers), so
   white, flat colours, gradients and vignettes are all "plain". The border counts as
   near-uniform when most of it (the product may touch an edge) sits close to the surface.
2. :func:`plain_alpha` measures every pixel's colour distance to the modelled background,
   fills the background from the border through pixels close to it, and keeps the rest as
   product. The model's mask, when given, is a prior for the product's extent: its core
   cannot be flooded (white fur on white), components it does not touch are dropped
   (dust, a logo on the backdrop), and shadow-like pixels (the backdrop's colour, darker)
   outside it count as background. Without a prior (remover ``plain``) the cut is
   colour-only.
3. Along the edge each pixel is unmixed against the *known* background colour, which
   makes the edge pixel-exact: ``a = (I - B)·(F - B) / |F - B|²``. ``B`` is the surface
   corrected by the sure backdrop next to the edge (:func:`local_backdrop`), so an edge
   standing on a contact shadow is unmixed against the shadow, not the bright sweep.
   ``F`` is the product colour just inside the edge, carried out by a pull-push fill
   (:func:`creative.cutout.refine.pull_push`), not an average of the sure product nearby.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from creative.cutout.refine import MODEL_SIDE, fill_small_holes, pull_push, spread, unclear_subject, unmix


#: When the model is unsure, a piece with more than this share of backdrop-coloured pixels is dropped.
MAX_BACKDROP_SHARE = 0.95


@dataclass(frozen=True)
class PlainOptions:
    """Settings of the plain path; part of the cut-out cache key."""

    strip: float = 0.02  #: border strip width, as a share of the shorter side (at least 2 px)
    tolerance: float = 0.07  #: RGB distance (0–1 per channel) of a border inlier
    min_inliers: float = 0.7  #: share of the border that must fit the background surface
    max_noise: float = 0.018  #: robust RMS of the inliers' residuals for a "plain" verdict
    threshold: float = 0.06  #: colour distance under which a pixel may be background
    band: float = 1.0  #: half-width of the unmixed edge band, in model pixels (side/320)
    contrast: float = 0.01  #: |F - B|² at which colour and the fallback count equally

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class Background:
    """A smooth background colour surface fitted to the photo's border."""

    coeffs: np.ndarray  #: (6, 3) quadratic coefficients over normalised x, y; RGB 0–1
    inliers: float  #: share of the border strip within tolerance of the surface
    noise: float  #: RMS residual of the inliers
    size: tuple[int, int]  #: (w, h) of the photo it was fitted on

    def render(self, ys: slice | None = None, xs: slice | None = None) -> np.ndarray:
        """The background colour (float32 0–1, H×W×3) over the photo or a window of it."""
        w, h = self.size
        ys = ys or slice(0, h)
        xs = xs or slice(0, w)
        y = _norm(np.arange(ys.start, ys.stop), h).astype(np.float32)[:, None, None]
        x = _norm(np.arange(xs.start, xs.stop), w).astype(np.float32)[None, :, None]
        c = self.coeffs.astype(np.float32)
        # c0 + c1·x + c2·y + c3·x² + c4·x·y + c5·y², summed row and column parts (separable)
        row = c[0] + c[1] * x + c[3] * x * x  # 1×W×3
        out = row + y * (c[2] + c[4] * x)  # H×W×3
        out += c[5] * y * y
        return np.clip(out, 0.0, 1.0, out=out)

    @property
    def color(self) -> tuple[int, int, int]:
        """The surface's colour at the photo centre, 0–255 (for messages and analysis)."""
        c = np.clip(self.coeffs[0], 0, 1) * 255
        return int(round(c[0])), int(round(c[1])), int(round(c[2]))


def _norm(v: np.ndarray, n: int) -> np.ndarray:
    return (v.astype(np.float64) + 0.5) / max(n, 1) * 2.0 - 1.0


def _design(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=1)


def border_background(rgb: np.ndarray, opts: PlainOptions = PlainOptions()) -> Background | None:
    """The background surface when the photo's border is near-uniform, else None."""
    h, w = rgb.shape[:2]
    s = max(2, round(opts.strip * min(w, h)))
    if w <= 2 * s or h <= 2 * s:
        return None
    ring = np.zeros((h, w), bool)
    ring[:s], ring[-s:], ring[:, :s], ring[:, -s:] = True, True, True, True
    ys, xs = np.nonzero(ring)
    step = max(1, ys.size // 6000)  # plenty of samples for six coefficients
    ys, xs = ys[::step], xs[::step]
    cols = rgb[ys, xs].astype(np.float64) / 255.0
    A = _design(_norm(xs, w), _norm(ys, h))
    # start from the median colour, then refit the surface on its inliers
    fit = np.median(cols, axis=0)
    resid = np.linalg.norm(cols - fit, axis=1)
    coeffs = np.zeros((6, 3))
    coeffs[0] = fit
    for k in range(5):
        # a wide first pass lets a gradient in, then the tolerance shrinks to its own
        inl = resid < max(opts.tolerance, 0.3 / 2**k)
        if inl.sum() < 12:
            return None
        coeffs, *_ = np.linalg.lstsq(A[inl], cols[inl], rcond=None)
        resid = np.linalg.norm(A @ coeffs - cols, axis=1)
    inl = resid < opts.tolerance
    share = float(inl.mean())
    noise = float(np.sqrt(np.mean(resid[inl] ** 2))) if inl.any() else 1.0
    if share < opts.min_inliers or noise > opts.max_noise:
        return None
    return Background(coeffs.astype(np.float32), share, noise, (w, h))


def _border_labels(labels: np.ndarray) -> np.ndarray:
    edge = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    return np.unique(edge[edge > 0])


def _shadow_like(img: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """The backdrop's own colour, only darker (a cast shadow): same chromaticity, 20–97 % bright."""
    lum_i = img.sum(-1) + np.float32(1e-3)
    lum_b = bg.sum(-1) + np.float32(1e-3)
    ratio = lum_i / lum_b
    chroma = np.abs(img / lum_i[..., None] - bg / lum_b[..., None]).sum(-1)
    return (ratio > 0.2) & (ratio < 0.97) & (chroma < 0.04)


def plain_alpha(rgb: np.ndarray, bg: Background, prior: np.ndarray | None = None,
                opts: PlainOptions = PlainOptions()) -> np.ndarray:
    """Alpha (float32 0–1) of the product on a plain background ``bg``.

    ``prior`` is the model's probability map (float 0–1, photo-sized) or None.
    """
    import cv2

    h, w = rgb.shape[:2]
    img = rgb.astype(np.float32) / 255.0
    back = bg.render()
    dist = np.linalg.norm(img - back, axis=2)
    thr = max(opts.threshold, 4.0 * bg.noise)
    low = dist < thr
    backdrop_coloured = low.copy()
    r = max(2, round(opts.band * max(w, h) / MODEL_SIDE))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    if prior is not None:
        solid_prior = fill_small_holes(prior > 0.5, 0.004)
        core = cv2.erode(solid_prior.astype(np.uint8), kernel).astype(bool)
        low &= ~core
        maybe = ~low & (prior < 0.5)
        if maybe.any():
            yy0, xx0 = np.nonzero(maybe)
            win = (slice(yy0.min(), yy0.max() + 1), slice(xx0.min(), xx0.max() + 1))
            low[win] |= _shadow_like(img[win], back[win]) & maybe[win]
    n, labels = cv2.connectedComponents(low.astype(np.uint8), connectivity=4)
    background = np.isin(labels, _border_labels(labels)) if n > 1 else np.zeros_like(low)
    product = ~background
    if prior is not None:
        # enclosed pockets of backdrop that the model also calls background (a handle's hole)
        pockets = low & product & (prior < 0.3)
        product &= ~pockets
        # keep only product components the model agrees with
        grown = cv2.dilate(solid_prior.astype(np.uint8), kernel).astype(bool)
        m, comp = cv2.connectedComponents(product.astype(np.uint8), connectivity=8)
        if m > 1:
            keep = np.zeros(m, bool)
            keep[np.unique(comp[grown & product])] = True
            if unclear_subject(prior) is not None:
                # an unsure model's guess made (almost) only of backdrop colour is not a product;
                # a confident one is kept (a white product on white)
                sizes = np.bincount(comp.ravel(), minlength=m)
                plain_px = np.bincount(comp.ravel(), weights=backdrop_coloured.ravel(), minlength=m)
                keep &= plain_px < MAX_BACKDROP_SHARE * np.maximum(sizes, 1)
            keep[0] = False
            product = keep[comp]
    else:
        product = _drop_specks(product)
    if not product.any():
        return np.zeros((h, w), np.float32)
    u8 = product.astype(np.uint8)
    sure_fg = cv2.erode(u8, kernel).astype(bool)
    grown_product = cv2.dilate(u8, kernel).astype(bool)
    band = grown_product & ~sure_fg

    alpha = product.astype(np.float32)
    ys, xs = np.nonzero(band)
    if ys.size == 0:
        return alpha
    pad = 3 * r + 2
    yy = slice(max(0, ys.min() - pad), min(h, ys.max() + pad + 1))
    xx = slice(max(0, xs.min() - pad), min(w, xs.max() + pad + 1))
    sub_img = img[yy, xx]
    sub_bg = local_backdrop(sub_img, back[yy, xx], background[yy, xx] & ~grown_product[yy, xx], r + 1)
    fgw = sure_fg[yy, xx].astype(np.float32)
    if fgw.sum() == 0:
        fgw = product[yy, xx].astype(np.float32)
    # the product colour just inside the edge, carried out (not a band-wide average)
    fg = pull_push(sub_img, fgw)
    fallback = cv2.GaussianBlur(product[yy, xx].astype(np.float32), (0, 0), 0.7)
    if prior is not None:
        fallback = 0.5 * fallback + 0.5 * np.clip(prior[yy, xx], 0, 1).astype(np.float32)
    a = unmix(sub_img, fg, sub_bg, fallback, opts.contrast)
    # a pixel that looks like pure backdrop is backdrop, whatever the fallback says
    a = np.where(dist[yy, xx] < 0.5 * thr, np.minimum(a, dist[yy, xx] / thr), a)
    sub = band[yy, xx]
    region = alpha[yy, xx]
    region[sub] = a[sub]
    alpha[yy, xx] = region
    return alpha


def local_backdrop(img: np.ndarray, surface: np.ndarray, sure_bg: np.ndarray, radius: int) -> np.ndarray:
    """The backdrop colour under every pixel of ``img`` (float 0–1, H×W×3): the fitted
    ``surface`` corrected by what the sure backdrop (``sure_bg``, bool) nearby really shows.

    A smooth surface fitted to the photo's border cannot know the contact shadow under the
    product or the light falling off next to it, yet an edge pixel there is a mixture of the
    product and *that* darker backdrop. Unmixed against the surface, the shadowed backdrop
    reads as part product (the cut-out grows a grey foot). The surface's residual on the sure
    backdrop is spread into the rest of the window (normalised convolution, :func:`spread`),
    so ``B`` follows the shadow where there is one and stays the surface elsewhere.
    """
    if not sure_bg.any():
        return surface
    residual = spread(img - surface, sure_bg.astype(np.float32), radius)
    return np.clip(surface + residual, 0.0, 1.0)


def _drop_specks(product: np.ndarray, share: float = 0.02) -> np.ndarray:
    """Drop components smaller than ``share`` of the largest (dust, noise on the backdrop)."""
    import cv2

    n, comp, stats, _ = cv2.connectedComponentsWithStats(product.astype(np.uint8), connectivity=8)
    if n <= 2:
        return product
    areas = stats[:, cv2.CC_STAT_AREA].copy()
    areas[0] = 0
    keep = areas >= share * areas.max()
    keep[0] = False
    return keep[comp]


def _register() -> None:
    from collections.abc import Mapping

    from PIL import Image

    from creative.cutout.base import Matte, Remover, register_remover
    from creative.errors import InputError

    @register_remover
    class PlainRemover(Remover):
        """Colour only, no model: for studio shots on white, a flat colour or a gradient."""

        name = "plain"
        opts = PlainOptions()

        def options(self) -> Mapping[str, object]:
            return {"plain": self.opts.as_dict()}

        def matte(self, rgb: Image.Image) -> Matte:
            arr = np.asarray(rgb.convert("RGB"))
            bg = border_background(arr, self.opts)
            if bg is None:
                raise InputError("the photo's border is not a plain background (white, a flat colour "
                                 "or a gradient): use remover auto or u2netp")
            return Matte(plain_alpha(arr, bg, None, self.opts), "plain")

        def mask(self, rgb: Image.Image) -> Image.Image:
            return Image.fromarray(np.round(self.matte(rgb).alpha * 255).astype(np.uint8))


_register()
