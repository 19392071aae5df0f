"""Contact sheets: thumbnails, captions drawn early, ranks added last, and propose reporting progress."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from creative.content import Content
from creative.render.resample import resample
from creative.sheet import GROUND, THUMB, caption, contact_sheet_image, lead_width, thumbnail, with_lead


def _inked_columns(strip: Image.Image) -> np.ndarray:
    px = np.asarray(strip).astype(int)
    return np.flatnonzero((np.abs(px - np.array(GROUND)).sum(axis=2) > 60).any(axis=0))


def test_a_caption_keeps_room_for_its_lead_and_the_lead_goes_there():
    indent = lead_width("#88")
    strip = caption("0.93 minimal · analogous/light", THUMB, indent=indent)
    assert strip.size[0] == THUMB
    assert _inked_columns(strip).min() >= indent  # nothing drawn in the room kept for the rank
    ranked = with_lead(strip, "#12")
    inked = _inked_columns(ranked)
    assert inked.min() < indent and np.array_equal(np.asarray(ranked)[:, indent:], np.asarray(strip)[:, indent:])
    assert np.array_equal(np.asarray(caption("0.93 minimal · analogous/light", THUMB, indent=indent)),
                          np.asarray(strip))  # the caption itself is untouched by with_lead


def test_a_caption_too_long_ends_in_an_ellipsis_inside_its_tile():
    long = "0.93 " + "very-long-template-name-" * 6
    strip = caption(long, 200, indent=30)
    assert _inked_columns(strip).max() < 200
    assert not np.array_equal(np.asarray(strip), np.asarray(caption("0.93", 200, indent=30)))


def test_a_sheet_takes_text_labels_and_drawn_captions_alike():
    thumb = Image.new("RGB", (120, 90), (200, 30, 30))
    by_text = contact_sheet_image([(thumb, "a label")] * 3, side=140)
    by_strip = contact_sheet_image([(thumb, caption("a label", 140))] * 3, side=140)
    assert np.array_equal(np.asarray(by_text), np.asarray(by_strip))


def test_propose_reports_progress_and_ranks_its_captions(tmp_path, product_photos):
    from creative.propose import propose

    seen: list[tuple[int, int]] = []
    props = propose(product_photos["bottle"], Content.create("Bottle", price="9.99"), (300, 250), tmp_path / "p", n=5,
                    remover="fake", workers=1, on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(i, len(props)) for i in range(1, len(props) + 1)]
    sheet = Image.open(tmp_path / "p" / "contact-sheet.png")
    assert sheet.width > THUMB and [p.rank for p in props] == list(range(1, len(props) + 1))


@pytest.mark.parametrize("size", [(1080, 1080), (1200, 628), (1080, 1920), (728, 90), (160, 600), (900, 700)])
def test_a_thumbnail_averages_fine_detail_instead_of_aliasing_it(size):
    """One-pixel stripes shrink to their mean grey wherever the thumbnail is at least twice smaller
    (an aliasing resize would keep stripes or pick one colour), and the thumbnail fits its side."""
    w, h = size
    stripes = np.zeros((h, w, 3), np.uint8)
    stripes[:, ::2] = 255
    img = Image.fromarray(stripes)
    thumb = thumbnail(img, 280)
    assert max(thumb.size) == min(280, max(size)) and thumb.mode == "RGB"
    px = np.asarray(thumb).astype(int)[1:-1, 1:-1]  # the edge columns may hold a half stripe
    assert abs(px.mean() - 127.5) < 3 and px.std() < 8


def test_resample_keeps_a_flat_colour_and_the_size_asked_for():
    flat = np.full((1000, 700, 4), (40, 80, 120, 255), np.uint8)
    for size in [(350, 500), (300, 420), (171, 244), (700, 1000), (1500, 2000), (1, 1)]:
        out = resample(flat, size)
        assert out.shape == (size[1], size[0], 4)
        assert np.abs(out.astype(int) - (40, 80, 120, 255)).max() <= 1
