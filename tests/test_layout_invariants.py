"""Layout invariants over random canvases and titles (hypothesis): no text over the product,
everything inside the canvas, every text at or above its WCAG threshold."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creative.content import Content
from creative.design import alpha_on_canvas, render_design
from creative.template import all_templates

TEMPLATES = {t.name: t for t in all_templates()}

latin = st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ-&0123456789")), min_size=1, max_size=80)
cjk = st.text(alphabet=st.sampled_from(list("双十一狂欢价限时特惠新品上市全场包邮爆款直降，。！")), min_size=1, max_size=40)
mixed = st.builds(lambda a, b: f"{a} {b}", latin, cjk)
long_title = st.text(alphabet=st.sampled_from(list("abcdefghij klmnopqrstuvwxyz")), min_size=120, max_size=200)
titles = st.one_of(latin, cjk, mixed, long_title).filter(lambda s: s.strip())
sides = st.integers(min_value=100, max_value=4000)


def _check(result, product):
    lay = result.layout
    w, h = lay.canvas
    for e in lay.elements:
        for box in (e.box, e.plate_box):
            if box is None:
                continue
            x0, y0, x1, y1 = box
            assert 0 <= x0 <= x1 <= w and 0 <= y0 <= y1 <= h, (e.id, box, lay.canvas)
    alpha = alpha_on_canvas(lay, product)
    if alpha is not None:
        for e in lay.texts:
            x0, y0, x1, y1 = e.plate_box or e.box
            assert not (alpha[y0:y1, x0:x1] > 127).any(), f"{e.id} covers the product"
    for t in result.rendered.texts:
        assert t.contrast >= t.required - 1e-6, (t.id, t.contrast, t.required)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(w=sides, h=sides, title=titles, name=st.sampled_from(sorted(TEMPLATES)), variant=st.integers(0, 3),
       price=st.sampled_from([None, "19.99", "1299"]))
def test_random_canvases_keep_invariants(bottle_product, w, h, title, name, variant, price):
    content = Content.create(title, price=price, original_price="2999" if price == "1299" else None, brand="Acme")
    result = render_design(TEMPLATES[name], bottle_product, content, (w, h), variant=variant)
    _check(result, bottle_product)


def test_standard_sizes_every_template(bottle_product):
    from creative.sizes import STANDARD_SIZES

    content = Content.create("双11 狂欢价 Sale −50% Espresso Cup Set", subhead="Hand-glazed stoneware",
                             price="19.99", original_price="39.99", brand="Caffè Rosso")
    for t in TEMPLATES.values():
        for size in STANDARD_SIZES:
            result = render_design(t, bottle_product, content, size)
            _check(result, bottle_product)
            texts = {x.role for x in result.rendered.texts}
            assert "headline" in texts, (t.name, size)
            assert not any(x.truncated for x in result.rendered.texts if x.role == "headline" and size[0] * size[1] > 200_000), (t.name, size)
            assert result.layout.product is not None
            assert result.image.mode == "RGB" and result.image.size == size
