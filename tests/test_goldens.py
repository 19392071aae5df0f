"""Every bundled template at every standard size, from fixed fixtures, against committed goldens.

Regenerate after an intended change with ``make golden-update`` and review the diff images.
"""
import pytest

from creative.content import Content
from creative.design import render_design
from creative.sizes import STANDARD_SIZES, format_size
from creative.template import all_templates

CONTENT = Content.create("Espresso Cup Set 双11", subhead="Hand-glazed stoneware, set of two", price="19.99",
                         original_price="29.99", brand="Caffè Rosso")
CASES = [(t.name, s) for t in all_templates() for s in STANDARD_SIZES]


@pytest.mark.parametrize("name,size", CASES, ids=[f"{n}-{format_size(s)}" for n, s in CASES])
def test_template_golden(creative_golden, bottle_product, name, size):
    tpl = next(t for t in all_templates() if t.name == name)
    result = render_design(tpl, bottle_product, CONTENT, size)
    creative_golden.check(result.image, f"{name}/{format_size(size)}.png")


def test_golden_catches_a_moved_element(bottle_product, tmp_path):
    """The tolerance passes a re-render but fails when the headline moves by 1% of the canvas."""
    from dataclasses import replace

    from creative.render import render
    from creative.testing import GoldenMismatch, check_golden

    tpl = next(t for t in all_templates() if t.name == "minimal")
    base = render_design(tpl, bottle_product, CONTENT, (1080, 1080))
    check_golden(base.image, tmp_path / "g.png", update=True)
    check_golden(render_design(tpl, bottle_product, CONTENT, (1080, 1080)).image, tmp_path / "g.png")
    head = base.layout.element("headline")
    dx = 11
    moved_el = replace(head, box=(head.box[0] + dx, head.box[1], head.box[2] + dx, head.box[3]))
    moved = replace(base.layout, elements=tuple(moved_el if e.id == "headline" else e for e in base.layout.elements))
    img = render(moved, tpl, base.palette, str(bottle_product.cutout_path)).image
    with pytest.raises(GoldenMismatch) as e:
        check_golden(img, tmp_path / "g.png", failure_dir=tmp_path / "fail")
    assert (tmp_path / "fail" / "g.diff.png").is_file()
    assert "diff" in str(e.value)
