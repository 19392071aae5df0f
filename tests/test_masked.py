"""Pasting through a mask by plan (creative/render/masked.py): the same pixels as one paste."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from creative.render import masked
from creative.render.masked import paste_clipped, paste_planned, plan_mask
from creative.render.paint import paint_shape, shape_mask, shape_plan


def _masks() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    out = {f"{s}": np.asarray(shape_mask(s, (420, 300))) for s in ("ellipse", "burst", "rounded", "pill", "circle")}
    blob = np.zeros((300, 420), np.uint8)
    blob[40:260, 60:380] = 255
    blob[100:140, 200:230] = 0  # a hole inside the opaque part
    blob[:, 395:] = rng.integers(0, 256, (300, 25), dtype=np.uint8)  # a noisy edge
    out["blob"] = blob
    out["noise"] = rng.integers(0, 256, (300, 420), dtype=np.uint8)
    out["sparse"] = np.where(rng.random((300, 420)) < 0.01, 255, 0).astype(np.uint8)
    out["empty"] = np.zeros((300, 420), np.uint8)
    return out


MASKS = _masks()


def _ground(mode: str) -> Image.Image:
    rng = np.random.default_rng(3)
    px = rng.integers(0, 256, (360, 500, 4), dtype=np.uint8)
    px[..., 3] = 255
    return Image.fromarray(np.ascontiguousarray(px[..., :3]) if mode == "RGB" else px)


def _source(kind: str, size: tuple[int, int]) -> Image.Image | tuple[int, ...]:
    if kind == "colour":
        return (30, 200, 90, 255)
    rng = np.random.default_rng(5)
    px = rng.integers(0, 256, (size[1], size[0], 4), dtype=np.uint8)
    return Image.fromarray(px if kind == "rgba" else np.ascontiguousarray(px[..., :3]))


@pytest.mark.parametrize("name", sorted(MASKS))
def test_a_plan_copies_only_opaque_pixels_and_blends_every_other_inked_one(name):
    m = MASKS[name]
    plan = plan_mask(m)
    copied = np.zeros(m.shape, int)
    blended = np.zeros(m.shape, int)
    for x0, y0, x1, y1 in plan.copy:
        assert (m[y0:y1, x0:x1] == 255).all()
        copied[y0:y1, x0:x1] += 1
    for x0, y0, x1, y1 in plan.blend:
        blended[y0:y1, x0:x1] += 1
    assert copied.max(initial=0) <= 1 and blended.max(initial=0) <= 1 and not (copied & blended).any()
    assert not ((copied + blended == 0) & (m != 0)).any()  # nothing inked is left out
    if name in ("ellipse", "rounded", "blob"):
        assert copied.sum() > 0.4 * (m == 255).sum()  # the point: most of the opaque part is a copy


@pytest.mark.parametrize("name", sorted(MASKS))
@pytest.mark.parametrize("src", ["colour", "rgba", "rgb"])
@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_pasting_by_plan_gives_the_pixels_of_one_paste(name, src, mode, monkeypatch):
    monkeypatch.setattr(masked, "MIN_AREA", 0)
    m = MASKS[name]
    mask = Image.fromarray(m)
    source = _source(src, mask.size)
    want, got = _ground(mode), _ground(mode)
    if isinstance(source, tuple):
        want.paste(Image.new(mode, mask.size, source[: len(mode)]), (40, 30), mask)
    else:
        want.paste(source, (40, 30), mask)
    paste_planned(got, source, mask, (40, 30), plan_mask(m))
    assert np.array_equal(np.asarray(got), np.asarray(want))


@pytest.mark.parametrize("xy", [(-150, -80), (300, 200), (-30, 150), (480, 340), (600, 10)])
def test_a_mask_partly_off_the_canvas_is_pasted_where_it_lies_on_it(xy):
    m = MASKS["blob"]
    mask = Image.fromarray(m)
    source = _source("rgba", mask.size)
    want, got = _ground("RGB"), _ground("RGB")
    want.paste(source, xy, mask)  # Pillow clips a paste to the canvas itself
    paste_clipped(got, source, mask, *xy)
    assert np.array_equal(np.asarray(got), np.asarray(want))


@pytest.mark.parametrize("shape", ["ellipse", "burst", "rounded", "pill", "circle"])
@pytest.mark.parametrize("fill", ["colour", "rgb", "rgba"])
def test_a_large_shape_painted_by_plan_is_the_shape_pasted_through_its_mask(shape, fill):
    box = (30, 20, 30 + 420, 20 + 300)
    assert 420 * 300 >= masked.MIN_AREA  # the planned path is the one taken
    source = _source(fill, (420, 300))
    if fill == "rgba":  # opaque: an RGBA fill with any transparency goes the other way
        source = source.copy()
        source.putalpha(255)
    want, got = _ground("RGB"), _ground("RGB")
    layer = Image.new("RGBA", (420, 300), source) if isinstance(source, tuple) else source
    want.paste(layer, box[:2], shape_mask(shape, (420, 300)))
    paint_shape(got, box, shape, source, opaque_ground=True)
    assert np.array_equal(np.asarray(got), np.asarray(want))
    assert shape_plan(shape, (420, 300)).copy  # and it did copy a core
