"""Cut-out quality paths: plain background, refinement, auto, decontamination, registry, bad input.

Synthetic photos with exact masks; the model is replaced by a fake ``ModelRemover`` whose
"probability map" is the true mask blurred and shifted like a 320-px prediction.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creative.cutout import REMOVERS, cut_out, get_remover, models, register_remover, unregister_remover
from creative.cutout.auto import AutoRemover
from creative.cutout.plain import border_background, local_backdrop, plain_alpha
from creative.cutout.refine import decontaminate, fill_small_holes, pull_push, refine, spread
from creative.cutout.rembg_backend import ModelRemover
from creative.errors import InputError, ModelError, UsageError

W, H = 240, 180


def ellipse(size=(W, H), box=(60, 40, 180, 150), ss: int = 4) -> np.ndarray:
    """Anti-aliased ellipse alpha (float 0–1) inscribed in ``box``."""
    w, h = size
    yy, xx = np.mgrid[0 : h * ss, 0 : w * ss] / ss
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    rx, ry = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    inside = (((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1.0).astype(np.float32)
    return inside.reshape(h, ss, w, ss).mean(axis=(1, 3))


def compose(alpha: np.ndarray, fg=(200, 40, 30), bg=(255, 255, 255)) -> np.ndarray:
    """uint8 photo: a shaded product colour over ``bg`` (a colour or an H×W×3 array)."""
    h, w = alpha.shape
    shade = np.linspace(0.8, 1.0, h, dtype=np.float32)[:, None, None]
    f = np.array(fg, np.float32)[None, None, :] * shade
    b = np.broadcast_to(np.asarray(bg, np.float32), (h, w, 3))
    a = alpha[..., None]
    return np.clip(a * f + (1 - a) * b, 0, 255).round().astype(np.uint8)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a > 0.5, b > 0.5
    return float((a & b).sum() / max(1, (a | b).sum()))


def blurry_prior(alpha: np.ndarray, shift: int = 2) -> np.ndarray:
    """What a 320-px model gives: the mask downscaled, upscaled (soft, blobby) and a bit off."""
    import cv2

    h, w = alpha.shape
    small = cv2.resize(alpha, (max(1, w // 6), max(1, h // 6)), interpolation=cv2.INTER_AREA)
    up = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.roll(up, shift, axis=1)


class PriorModel(ModelRemover):
    """A fake model: the coarse map is the blurred truth set by the test."""

    name = "prior-model"
    truth: np.ndarray | None = None

    def available(self) -> bool:
        return True

    def options(self):
        return {"fake": True}

    def coarse(self, rgb: np.ndarray) -> np.ndarray:
        assert self.truth is not None and self.truth.shape == rgb.shape[:2]
        return blurry_prior(self.truth)


@pytest.fixture
def prior_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[PriorModel]]:
    import creative.cutout.auto as auto_mod

    register_remover(PriorModel)
    monkeypatch.setattr(auto_mod, "MODEL", "prior-model")
    yield PriorModel
    unregister_remover("prior-model")
    PriorModel.truth = None


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("CREATIVE_CACHE_DIR", str(root))
    return root


# --- plain background -------------------------------------------------------------------------

@pytest.mark.parametrize("bg", [(255, 255, 255), (30, 140, 70), (240, 200, 80)])
def test_border_background_finds_flat_colours(bg) -> None:
    found = border_background(compose(ellipse(), bg=bg))
    assert found is not None
    assert np.abs(np.array(found.color) - np.array(bg)).max() <= 2


def test_border_background_fits_a_gradient_and_rejects_texture() -> None:
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    grad = np.stack([200 + 50 * xx / W, 180 + 40 * yy / H, 230 - 60 * yy / H], -1)
    found = border_background(compose(ellipse(), bg=grad))
    assert found is not None
    back = found.render()
    assert np.abs(back[5, 5] * 255 - grad[5, 5]).max() < 3
    assert np.abs(back[-5, -5] * 255 - grad[-5, -5]).max() < 3
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 255, (H, W, 3)).astype(np.float32)
    assert border_background(compose(ellipse(), bg=noise)) is None


def test_plain_alpha_is_pixel_exact_on_a_flat_background() -> None:
    truth = ellipse()
    for bg in ((255, 255, 255), (40, 80, 160)):
        photo = compose(truth, bg=bg)
        a = plain_alpha(photo, border_background(photo), None)
        assert iou(a, truth) > 0.995
        assert float(np.abs(a - truth).mean()) < 0.004
        edge = (truth > 0.05) & (truth < 0.95)
        assert float(np.abs(a[edge] - truth[edge]).mean()) < 0.15  # soft edge pixels are unmixed


def test_plain_alpha_drops_a_cast_shadow_with_the_model_prior() -> None:
    import cv2

    truth = ellipse(box=(70, 30, 170, 130))
    floor = np.zeros_like(truth)
    floor[128:150, 60:180] = 1.0
    shade = cv2.GaussianBlur(floor, (0, 0), 6)
    bg = np.full((H, W, 3), 250.0) * (1 - 0.45 * shade)[..., None]
    photo = compose(truth, bg=bg)
    found = border_background(photo)
    with_prior = plain_alpha(photo, found, blurry_prior(truth))
    assert iou(with_prior, truth) > 0.97
    colour_only = plain_alpha(photo, found, None)
    assert (colour_only > 0.5).sum() > (with_prior > 0.5).sum()  # colour alone keeps the shadow


def _soft_product_on_a_contact_shadow() -> tuple[np.ndarray, np.ndarray]:
    """A blue product with a soft (several-pixel) edge whose lower half stands on a dark contact shadow."""
    import cv2

    truth = cv2.GaussianBlur(ellipse(box=(70, 30, 170, 130)), (0, 0), 1.5)
    floor = np.zeros_like(truth)
    floor[110:150, 55:185] = 1.0
    shade = cv2.GaussianBlur(floor, (0, 0), 5)
    bg = np.full((H, W, 3), 250.0) * (1 - 0.5 * shade)[..., None]
    return compose(truth, fg=(60, 90, 200), bg=bg), truth


def test_plain_alpha_unmixes_edges_against_the_shadowed_backdrop() -> None:
    # the border's fitted surface is the bright sweep; under the product's lower edge the
    # backdrop is half as bright: unmixed against the surface those pixels read as product
    photo, truth = _soft_product_on_a_contact_shadow()
    a = plain_alpha(photo, border_background(photo), blurry_prior(truth))
    lower_edge = (truth > 0.02) & (truth < 0.98)
    lower_edge[:100] = False
    assert float(np.abs(a - truth)[lower_edge].mean()) < 0.2  # 0.40 against the surface alone
    assert iou(a, truth) > 0.98  # 0.944 against the surface alone


def test_local_backdrop_follows_a_shadow_and_keeps_the_surface_elsewhere() -> None:
    photo, truth = _soft_product_on_a_contact_shadow()
    img = photo.astype(np.float32) / 255.0
    surface = border_background(photo).render()
    sure_bg = truth < 0.001
    b = local_backdrop(img, surface, sure_bg, 4)
    # under the product's soft lower edge the backdrop is the shadow, taken from just below it
    y = int(np.nonzero((truth[:, 120] > 0.1) & (truth[:, 120] < 0.5))[0][-1])
    assert y > 125 and not sure_bg[y, 120]
    assert abs(float(b[y, 120, 0]) * 255 - 250 * 0.5) < 25
    assert float(surface[y, 120, 0]) * 255 > 240
    # far from any shadow the surface is kept
    assert np.abs(b[20, 10:30] - surface[20, 10:30]).max() < 0.02
    assert local_backdrop(img, surface, np.zeros_like(sure_bg), 4) is surface


def test_pull_push_carries_the_nearest_product_colour_out() -> None:
    """A light rim before a dark body: the colour reaching the edge is the rim's, not the
    body's average (what ``spread`` gives), and every pixel gets a colour."""
    h, w = 60, 120
    img = np.zeros((h, w, 3), np.float32)
    img[:, :40] = 0.1  # dark body
    img[:, 40:46] = 0.8  # light rim, 6 px
    img[:, 46:] = 1.0  # not product (weight 0)
    weight = np.zeros((h, w), np.float32)
    weight[:, :46] = 1.0
    f = pull_push(img, weight)
    assert f.shape == img.shape and np.isfinite(f).all()
    assert abs(float(f[30, 48, 0]) - 0.8) < 0.1  # just outside the rim: the rim's colour
    assert abs(float(f[30, 48, 0]) - 0.8) < abs(float(spread(img, weight, 12)[30, 48, 0]) - 0.8)
    assert abs(float(f[30, 20, 0]) - 0.1) < 1e-4  # data is kept where the weight is full
    assert 0.05 < float(f[30, 110, 0]) < 0.85  # far away: still filled, from the product
    assert np.isfinite(pull_push(img[:3, :5], weight[:3, :5])).all()  # smaller than a pyramid level


def test_plain_alpha_keeps_white_parts_inside_the_product() -> None:
    truth = ellipse()
    photo = compose(truth)
    photo[90:100, 80:160] = 255  # a white label across the product, touching nothing outside
    a = plain_alpha(photo, border_background(photo), blurry_prior(truth))
    assert iou(a, truth) > 0.99


def test_plain_alpha_opens_a_real_hole_the_model_sees() -> None:
    outer, inner = ellipse(), ellipse(box=(100, 75, 140, 115))
    truth = np.clip(outer - inner, 0, 1)
    photo = compose(truth)
    a = plain_alpha(photo, border_background(photo), truth.copy())
    assert a[95, 120] < 0.1  # the handle's hole is backdrop
    assert iou(a, truth) > 0.98


def test_an_unsure_model_guess_on_an_empty_backdrop_is_not_a_product() -> None:
    yy = np.mgrid[0:H, 0:W][0].astype(np.float32)
    backdrop = np.repeat((200 + 50 * yy / H)[..., None], 3, axis=2).astype(np.uint8)
    # the model "sees" a faint cloud with a small confident core where there is only backdrop
    guess = 0.45 * ellipse() + 0.5 * ellipse(box=(100, 80, 140, 110))
    a = plain_alpha(backdrop, border_background(backdrop), guess)
    assert (a > 0.5).sum() == 0


def test_a_confident_model_keeps_a_white_product_on_white() -> None:
    truth = ellipse()
    photo = compose(truth, fg=(253, 253, 253))  # white on white: colour alone cannot see it
    a = plain_alpha(photo, border_background(photo), blurry_prior(truth, shift=0))
    assert iou(a, truth) > 0.9


# --- refinement --------------------------------------------------------------------------------

def test_refine_sharpens_a_blurry_prior_to_the_true_edge() -> None:
    truth = ellipse()
    rng = np.random.default_rng(1)
    bg = np.clip(rng.normal(0, 12, (H, W, 3)) + np.array([60, 120, 70]), 0, 255)  # grassy, not plain
    photo = compose(truth, fg=(220, 60, 50), bg=bg)
    prior = blurry_prior(truth)
    a = refine(photo, prior)
    assert iou(a, truth) > iou(prior, truth)
    assert float(np.abs(a - truth).mean()) < float(np.abs(prior - truth).mean())


def test_refine_keeps_hard_edges_hard() -> None:
    truth = np.zeros((H, W), np.float32)
    truth[40:140, 60:180] = 1.0  # a box: every edge a one-pixel step
    photo = compose(truth, fg=(20, 20, 160), bg=(235, 220, 120))
    a = refine(photo, blurry_prior(truth, shift=1))
    row = a[90, 50:70]
    assert ((row > 0.1) & (row < 0.9)).sum() <= 1


def test_refine_keeps_soft_edges_soft() -> None:
    truth = np.zeros((H, W), np.float32)
    truth[:, 120:] = 1.0
    truth[:, 110:120] = np.linspace(0.05, 0.95, 10)  # a fur-like 10-px ramp
    photo = compose(truth, fg=(240, 180, 60), bg=(20, 40, 120))
    a = refine(photo, blurry_prior(truth, shift=0))
    ramp = a[90, 110:120]
    assert np.all(np.diff(ramp) > -0.05) and 0.2 < ramp.mean() < 0.8
    assert ((ramp > 0.1) & (ramp < 0.9)).sum() >= 4  # a hard cut would leave none


def test_fill_small_holes_fills_only_enclosed_small_ones() -> None:
    m = np.zeros((60, 60), bool)
    m[10:50, 10:50] = True
    m[20:22, 20:22] = False  # a speck hole
    m[30:45, 30:45] = False  # a real hole (225 px of 1600)
    out = fill_small_holes(m, 0.01)
    assert out[20, 20] and not out[35, 35] and not out[0, 0]


def test_decontaminate_removes_the_background_rim() -> None:
    truth = ellipse()
    green, red = (30, 160, 40), (200, 40, 30)
    photo = compose(truth, fg=red, bg=green)
    clean = decontaminate(photo, truth)
    edge = (truth > 0.2) & (truth < 0.8)
    before = photo[edge].astype(float)
    after = clean[edge].astype(float)
    assert (after[:, 1] - after[:, 0]).mean() < (before[:, 1] - before[:, 0]).mean() - 40
    import cv2

    deep = cv2.erode((truth >= 0.996).astype(np.uint8), np.ones((11, 11), np.uint8)).astype(bool)
    assert np.array_equal(clean[deep], photo[deep])  # the inside is untouched
    assert np.array_equal(clean[truth <= 0.004], photo[truth <= 0.004])  # so is the backdrop


# --- removers and cut_out ------------------------------------------------------------------------

def _save(tmp_path: Path, arr: np.ndarray, name: str = "photo.png") -> Path:
    p = tmp_path / name
    Image.fromarray(arr).save(p)
    return p


def test_auto_takes_the_plain_path_on_studio_shots(prior_model, tmp_path: Path, cache: Path) -> None:
    truth = ellipse()
    prior_model.truth = truth
    cut = cut_out(_save(tmp_path, compose(truth)), remover="auto")
    assert cut.remover == "auto" and cut.method == "plain+prior-model"
    assert np.abs(np.array(cut.bbox) - (60, 40, 180, 150)).max() <= 1  # anti-aliased rim
    cx, cy = cut.center_of_mass
    assert abs(cx - 120) < 1 and abs(cy - 95) < 1.5
    x0, y0, x1, y1 = cut.crop_box
    assert (x1 - x0, y1 - y0) == cut.size
    record = json.loads(cut.path.with_suffix(".json").read_text())
    assert record["method"] == "plain+prior-model" and record["center_of_mass"] == list(cut.center_of_mass)
    assert cut_out(cut.source, remover="auto") == cut  # cache hit rebuilds the same record


def test_auto_refines_the_model_on_scenes(prior_model, tmp_path: Path, cache: Path) -> None:
    truth = ellipse()
    prior_model.truth = truth
    rng = np.random.default_rng(2)
    bg = np.clip(rng.normal(0, 30, (H, W, 3)) + 110, 0, 255)
    cut = cut_out(_save(tmp_path, compose(truth, bg=bg)), remover="auto")
    assert cut.method == "prior-model+refine"


def test_plain_remover_needs_a_plain_border(tmp_path: Path, cache: Path) -> None:
    rng = np.random.default_rng(3)
    busy = _save(tmp_path, compose(ellipse(), bg=rng.integers(0, 255, (H, W, 3))))
    with pytest.raises(InputError, match="not a plain background"):
        cut_out(busy, remover="plain")
    ok = cut_out(_save(tmp_path, compose(ellipse(), bg=(30, 60, 150)), "flat.png"), remover="plain")
    assert ok.method == "plain" and abs(ok.coverage - (ellipse() > 0.5).mean()) < 0.01


def test_cache_key_covers_options(tmp_path: Path, cache: Path) -> None:
    p = _save(tmp_path, compose(ellipse()))
    a = cut_out(p, remover="plain")
    b = cut_out(p, remover="plain", decontaminate=False)
    assert a.key != b.key


def test_rembg_models_are_registered_and_explain_missing_weights(tmp_path: Path, monkeypatch) -> None:
    assert {"auto", "plain", "u2netp", "u2net", "isnet-general-use", "birefnet-general"} <= set(REMOVERS)
    monkeypatch.setenv("U2NET_HOME", str(tmp_path / "models"))
    rm = REMOVERS["u2net"]()
    assert not rm.available()
    with pytest.raises(ModelError) as info:
        rm.mask(Image.new("RGB", (32, 32)))
    msg = str(info.value)
    assert str(tmp_path / "models") in msg and "60024c5c889badc19c04ad937298a77b" in msg and "u2net.onnx" in msg


def test_custom_onnx_path(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="ONNX model file not found"):
        get_remover(str(tmp_path / "nope.onnx"))
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model")
    rm = get_remover(str(bad))
    assert rm.name == str(bad.resolve()) and rm.available()
    assert "onnx_sha256" in rm.options()
    with pytest.raises(ModelError, match="cannot load the ONNX model"):
        rm.mask(Image.new("RGB", (32, 32)))
    with pytest.raises(UsageError, match="unknown remover"):
        get_remover("not-a-remover")


def test_models_checksums_cover_other_names() -> None:
    assert models.checksum_of("u2netp") == ("md5", models.KNOWN["u2netp"])
    assert models.checksum_of("bria-rmbg")[0] == "sha256"
    with pytest.raises(UsageError):
        models.checksum_of("nonsense")


def test_models_status_lists_every_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import hashlib

    from creative.cli import main

    home = tmp_path / "models"
    home.mkdir()
    monkeypatch.setenv("U2NET_HOME", str(home))
    payload = b"fake u2netp weights"
    monkeypatch.setitem(models.KNOWN, "u2netp", hashlib.md5(payload).hexdigest())
    (home / "u2netp.onnx").write_bytes(payload)
    (home / "u2net.onnx").write_bytes(b"not the real u2net")
    rows = {r.name: r for r in models.status()}
    assert set(rows) == set(models.KNOWN) | set(models.OTHER)
    assert rows["u2netp"].state == "present" and rows["u2netp"].pullable
    assert rows["u2net"].state == "bad checksum" and not rows["u2net"].pullable
    assert rows["isnet-general-use"].state == "missing"
    assert rows["bria-rmbg"].algorithm == "sha256" and rows["u2net"].path == home / "u2net.onnx"
    with pytest.raises(SystemExit) as info:
        main(["models", "status"])
    assert info.value.code in (0, None)
    out = capsys.readouterr().out.splitlines()
    assert str(home) in out[0]
    lines = {line.split()[0]: line for line in out[1:]}
    assert set(lines) == set(rows)
    assert "present" in lines["u2netp"] and "bad checksum" in lines["u2net"] and "missing" in lines["silueta"]
    assert str(home / "silueta.onnx") in lines["silueta"] and models.OTHER["silueta"] in lines["silueta"]


# --- the benchmark's synthetic set (benchmarks/cutout_synth.py) ------------------------------------

def _cutout_synth():
    import sys

    bench = Path(__file__).resolve().parents[1] / "benchmarks"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    import cutout_synth

    return cutout_synth


def test_synth_ground_truth_snaps_near_opaque_and_near_clear() -> None:
    snap = _cutout_synth().snap
    a = np.array([0, 3, 5, 6, 128, 249, 250, 254, 255], np.uint8)
    assert snap(a).tolist() == [0, 0, 0, 6, 128, 249, 255, 255, 255]


def test_synth_soft_edges_carry_the_product_colour_not_the_old_scene(tmp_path: Path) -> None:
    """A red product shot on dark leaves, its reference alpha soft over 12 px and its reference
    PNG premultiplied (as rembg's are): on the new backdrop the soft zone must be a mix of red
    and the backdrop, not a rim of premultiplied darkness or of the old scene's leaves."""
    cs = _cutout_synth()
    h, w = 48, 64
    rng = np.random.default_rng(0)
    xx = np.broadcast_to(np.arange(w, dtype=np.float32), (h, w))
    alpha = np.clip((xx - 22) / 12, 0, 1)  # clear left of x=22, opaque right of x=34
    red = np.array([220, 30, 30], np.float32)
    leaves = rng.choice([0.0, 255.0], (h, w, 1)).astype(np.float32) * np.array([0.1, 0.9, 0.2], np.float32)
    photo = np.where(xx[..., None] >= 28, red, leaves)  # the real edge is a step at x=28
    a8 = np.round(alpha * 255).astype(np.uint8)
    premultiplied = np.round(photo * alpha[..., None]).astype(np.uint8)
    Image.fromarray(np.dstack([premultiplied, a8])).save(tmp_path / "thing.ref.png")
    Image.fromarray(photo.astype(np.uint8)).save(tmp_path / "thing.jpg", quality=98)
    (case,) = cs.build_set([tmp_path / "thing.ref.png"], tmp_path / "out", kinds=("flat",))
    assert np.array_equal(case.alpha, cs.snap(a8))
    comp = np.asarray(Image.open(case.photo).convert("RGB")).astype(np.float32)
    a = case.alpha.astype(np.float32)[..., None] / 255.0
    expected = a * red + (1 - a) * np.array(cs._FLATS[0], np.float32)
    soft = (case.alpha > 40) & (case.alpha < 215)
    assert soft.sum() > 300
    # F from the premultiplied PNG is off by 9 levels here, F unmixed from the photo under the
    # soft alpha by 11 (the leaves); the product's own colour carried outwards by under 1
    assert float(np.abs(comp[soft] - expected[soft]).mean()) < 4


# --- bad input ---------------------------------------------------------------------------------

def test_all_white_photo_is_a_clear_error(tmp_path: Path, cache: Path) -> None:
    p = _save(tmp_path, np.full((H, W, 3), 255, np.uint8))
    for remover in ("auto", "plain", "fake"):
        with pytest.raises(InputError, match=r"blank \(all white\)"):
            cut_out(p, remover=remover)


def test_empty_backdrop_is_a_clear_error(tmp_path: Path, cache: Path) -> None:
    yy = np.mgrid[0:H, 0:W][0].astype(np.float32)
    backdrop = np.repeat((200 + 50 * yy / H)[..., None], 3, axis=2).astype(np.uint8)  # a gradient, nothing on it
    with pytest.raises(InputError, match="empty backdrop"):
        cut_out(_save(tmp_path, backdrop), remover="plain")


def test_prepare_product_refuses_an_empty_cutout(tmp_path: Path, cache: Path) -> None:
    from creative.design import prepare_product

    with pytest.raises(InputError, match="blank"):
        prepare_product(_save(tmp_path, np.full((H, W, 3), 250, np.uint8)), remover="fake")


def test_fully_transparent_png(tmp_path: Path, cache: Path) -> None:
    p = tmp_path / "clear.png"
    Image.new("RGBA", (64, 64), (255, 0, 0, 0)).save(p)
    with pytest.raises(InputError, match="fully transparent"):
        cut_out(p, remover="auto")


def test_transparent_png_keeps_its_alpha_whatever_the_remover(tmp_path: Path, cache: Path) -> None:
    truth = ellipse()
    rgba = np.dstack([compose(truth), (truth * 255).round().astype(np.uint8)])
    p = _save(tmp_path, rgba, "packshot.png")
    cut = cut_out(p, remover="auto")
    assert cut.remover == "alpha" and cut.method == "alpha"


def test_tiny_photo(tmp_path: Path, cache: Path) -> None:
    with pytest.raises(InputError, match="too small"):
        cut_out(_save(tmp_path, compose(ellipse((10, 8), (2, 2, 8, 6)))), remover="plain")
    small = cut_out(_save(tmp_path, compose(ellipse((40, 30), (10, 5, 30, 25))), "s.png"), remover="plain")
    assert small.bbox[0] >= 8 and small.bbox[2] <= 32


def test_huge_photo_is_matted_at_a_working_size(tmp_path: Path, cache: Path, monkeypatch) -> None:
    import creative.cutout as cutout_pkg

    monkeypatch.setattr(cutout_pkg, "WORK_PIXELS", 20_000)  # pretend 240×180 is huge
    truth = ellipse()
    cut = cut_out(_save(tmp_path, compose(truth)), remover="plain")
    x0, y0, x1, y1 = cut.crop_box
    full = np.zeros((H, W), np.float32)
    full[y0:y1, x0:x1] = np.asarray(cut.image().getchannel("A")) / 255.0
    assert iou(full, truth) > 0.97


@pytest.mark.model
def test_u2netp_refined_on_a_real_model(tmp_path: Path, cache: Path) -> None:
    if not models.is_present("u2netp"):
        pytest.skip(f"u2netp weights not in {models.model_dir()} (run `creative models pull`)")
    truth = ellipse((320, 240), (80, 50, 240, 200))
    rng = np.random.default_rng(4)
    bg = np.clip(rng.normal(0, 25, (240, 320, 3)) + np.array([70, 130, 80]), 0, 255)
    p = _save(tmp_path, compose(truth, bg=bg), "scene.jpg")
    cut = cut_out(p, remover="u2netp")
    assert cut.method == "u2netp+refine"
    x0, y0, x1, y1 = cut.crop_box
    full = np.zeros(truth.shape, np.float32)
    full[y0:y1, x0:x1] = np.asarray(cut.image().getchannel("A")) / 255.0
    assert iou(full, truth) > 0.9
    assert isinstance(get_remover("auto"), AutoRemover)


class UnsureModel(PriorModel):
    """A model that sees a faint cloud (no clear subject) or the whole frame."""

    name = "unsure-model"
    level = 0.4

    def coarse(self, rgb: np.ndarray) -> np.ndarray:
        h, w = rgb.shape[:2]
        out = np.zeros((h, w), np.float32)
        out[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4] = self.level
        if self.level >= 1:
            out[:] = 1.0
        return out


@pytest.mark.parametrize("level,message", [(0.4, "cannot tell the product"), (1.0, "whole photo reads as foreground")])
def test_no_clear_subject_is_a_clear_error(level, message, tmp_path: Path, cache: Path) -> None:
    register_remover(UnsureModel)
    UnsureModel.level = level
    try:
        rng = np.random.default_rng(5)
        p = _save(tmp_path, rng.integers(0, 255, (H, W, 3)).astype(np.uint8))
        with pytest.raises(InputError, match=message) as info:
            cut_out(p, remover="unsure-model")
        assert str(info.value).startswith(f"{p}: no clear subject")
    finally:
        unregister_remover("unsure-model")
