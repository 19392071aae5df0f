"""The job runner: guided chunks, and a forked pool giving the same files as one process."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from creative.content import Content
from creative.jobs import guided_chunks


@pytest.mark.parametrize("n,workers", [(1, 2), (7, 2), (24, 2), (200, 2), (1000, 4), (5, 8)])
def test_guided_chunks_cover_every_job_once_and_shrink(n, workers):
    spans = guided_chunks(n, workers)
    assert spans[0][0] == 0 and spans[-1][1] == n
    assert all(a < b for a, b in spans)
    assert all(prev[1] == nxt[0] for prev, nxt in zip(spans, spans[1:]))  # contiguous, no gap, no overlap
    sizes = [b - a for a, b in spans]
    assert sizes == sorted(sizes, reverse=True)  # never a long chunk after a short one
    assert max(sizes) <= 16
    # the last chunks are single jobs when there are enough jobs to share
    if n >= 4 * workers:
        assert sizes[-1] == 1


def test_a_pool_renders_the_same_pixels_as_one_process(tmp_path, product_photos):
    from creative.banner import make_banners
    from creative.design import prepare_product

    product = prepare_product(product_photos["bottle"], remover="fake")
    content = Content.create("Summer Sale", price="19.99", original_price="29.99", brand="Acme")
    sizes = [(300, 250), (728, 90), (400, 400)]
    templates = ["minimal", "bold-sale", "festival"]
    one = make_banners(None, content, templates, sizes, tmp_path / "one", fmt="png", product=product, workers=1)
    two = make_banners(None, content, templates, sizes, tmp_path / "two", fmt="png", product=product, workers=2)
    assert [(o.template, o.size) for o in one] == [(o.template, o.size) for o in two]  # job order kept
    for a, b in zip(one, two):
        with Image.open(a.path) as ia, Image.open(b.path) as ib:
            assert np.array_equal(np.asarray(ia), np.asarray(ib)), a.path.name
