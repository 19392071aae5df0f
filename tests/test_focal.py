"""Focal point and smart crop: the subject is found and never cut when it fits."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from creative.material.focal import Focus, find_focus, saliency_map, smart_crop


def scene(w: int = 400, h: int = 300, box=(260, 60, 340, 200)) -> np.ndarray:
    """A smooth grey-blue backdrop with one bright, detailed object in ``box``."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.stack([90 + 20 * yy / h, 100 + 20 * yy / h, 130 + 10 * xx / w], -1)
    x0, y0, x1, y1 = box
    patch = np.indices((y1 - y0, x1 - x0)).sum(0) % 8 < 4
    img[y0:y1, x0:x1] = np.where(patch[..., None], [240, 200, 40], [200, 40, 30])
    return img.astype(np.uint8)


def contains(outer, inner) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


def test_saliency_peaks_on_the_object() -> None:
    sal = saliency_map(scene())
    assert sal.shape == (300, 400) and 0.0 <= sal.min() and sal.max() <= 1.0
    assert sal[60:200, 260:340].mean() > 2 * sal[:, :200].mean()


def test_focus_from_saliency_and_from_alpha() -> None:
    f = find_focus(scene())
    cx, cy = f.center
    assert 240 < cx < 360 and 60 < cy < 220
    alpha = np.zeros((300, 400), np.uint8)
    alpha[50:100, 20:120] = 255
    f2 = find_focus(scene(), alpha)
    assert f2.box == (20, 50, 120, 100) and f2.center == pytest.approx((70.0, 75.0))


def test_smart_crop_keeps_the_subject() -> None:
    img = scene()
    box = smart_crop(img, (1, 1))
    assert box[2] - box[0] == box[3] - box[1] == 300
    assert contains(box, (265, 65, 335, 195))
    wide = smart_crop(Image.fromarray(img), 16 / 9)
    assert wide[2] - wide[0] == 400 and abs((wide[2] - wide[0]) / (wide[3] - wide[1]) - 16 / 9) < 0.02


def test_smart_crop_with_a_cutout_like_focus() -> None:
    @dataclass
    class Cut:
        bbox: tuple[int, int, int, int]
        center_of_mass: tuple[float, float]

    box = smart_crop((1000, 500), (9, 16), focus=Cut((700, 100, 900, 400), (800.0, 250.0)))
    assert contains(box, (700, 100, 900, 400)) and box[3] - box[1] == 500
    with pytest.raises(ValueError):
        smart_crop((1000, 500), (9, 16))  # a size alone cannot be searched for a subject


def test_subject_too_big_is_centred() -> None:
    box = smart_crop((1000, 500), (1, 2), focus=Focus((100, 0, 900, 500), (500.0, 250.0)))
    assert box == (375, 0, 625, 500)


@settings(max_examples=200, deadline=None)
@given(w=st.integers(20, 2000), h=st.integers(20, 2000), aw=st.integers(1, 30), ah=st.integers(1, 30),
       fx=st.floats(0, 1), fy=st.floats(0, 1), fw=st.floats(0.01, 1), fh=st.floats(0.01, 1))
def test_crop_is_inside_has_the_aspect_and_keeps_a_fitting_subject(w, h, aw, ah, fx, fy, fw, fh) -> None:
    x0 = int(fx * (w - 1)); y0 = int(fy * (h - 1))
    x1 = min(w, x0 + max(1, int(fw * w))); y1 = min(h, y0 + max(1, int(fh * h)))
    box = smart_crop((w, h), (aw, ah), focus=(x0, y0, x1, y1))
    assert 0 <= box[0] < box[2] <= w and 0 <= box[1] < box[3] <= h
    cw, ch = box[2] - box[0], box[3] - box[1]
    assert cw == w or ch == h  # the largest crop of that aspect
    r = aw / ah
    assert abs(cw - ch * r) <= max(0.5 * r, 0.5) + 1e-9  # exact up to rounding one side
    if x1 - x0 <= cw and y1 - y0 <= ch:
        assert contains(box, (x0, y0, x1, y1))
