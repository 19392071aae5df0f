import copy

from creative.checks import check_folder, check_manifest
from creative.content import Content
from creative.design import render_design, write_design
from creative.template import get_template


def _manifest(bottle_product, tmp_path):
    content = Content.create("Espresso Cup Set", price="19.99", original_price="29.99")
    res = render_design(get_template("minimal"), bottle_product, content, (800, 800))
    write_design(res, tmp_path / "m.png", bottle_product, content)
    return res.manifest(bottle_product, content)


def test_clean_design_has_no_problems(bottle_product, tmp_path):
    m = _manifest(bottle_product, tmp_path)
    assert check_manifest(m, "m") == []
    assert check_folder(tmp_path) == (1, [])


def test_detects_text_over_product_outside_canvas_and_low_contrast(bottle_product, tmp_path):
    m = _manifest(bottle_product, tmp_path)
    product = next(e for e in m["elements"] if e["role"] == "product")
    bad = copy.deepcopy(m)
    head = next(e for e in bad["elements"] if e["role"] == "headline")
    cx, cy = (product["box"][0] + product["box"][2]) // 2, (product["box"][1] + product["box"][3]) // 2
    head["box"] = [cx - 40, cy - 10, cx + 40, cy + 10]
    head["contrast"] = 2.0
    price = next(e for e in bad["elements"] if e["role"] == "price")
    price["box"] = [790, 10, 830, 40]
    found = " | ".join(str(p) for p in check_manifest(bad, "bad"))
    assert "covers" in found and "contrast 2.0 below" in found and "leaves the 800x800 canvas" in found
