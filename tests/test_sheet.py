"""Contact sheets: captions drawn early, ranks added last, and propose reporting progress."""
from __future__ import annotations

import numpy as np
from PIL import Image

from creative.content import Content
from creative.sheet import GROUND, THUMB, caption, contact_sheet_image, lead_width, with_lead


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
