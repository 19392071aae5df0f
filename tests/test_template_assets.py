"""Template pictures: drawn where the layout puts them, and confined to the template's folder."""
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creative.content import Content
from creative.design import render_design
from creative.errors import TemplateError
from creative.template import load_template_file

MINIMAL = Path(__file__).resolve().parents[1] / "templates" / "minimal.yaml"


def _template(folder: Path, src: str) -> Path:
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("  - type: logo\n", f"  - type: image\n    id: mark\n    src: {src!r}\n  - type: logo\n", 1)
    text = text.replace("        logo: {box: [0.0, 0.0, 0.6, 0.05], anchor: top-left}\n",
                        "        mark: {box: [0.0, 0.0, 0.1, 0.1], anchor: top-left}\n", 1)
    path = folder / "branded.yaml"
    path.write_text(text.replace("name: minimal", "name: branded"), encoding="utf-8")
    return path


def test_image_layer_is_drawn_in_its_slot(tmp_path, bottle_product):
    Image.new("RGBA", (40, 40), (0, 200, 0, 255)).save(tmp_path / "mark.png")
    tpl = load_template_file(_template(tmp_path, "mark.png"))
    res = render_design(tpl, bottle_product, Content.create("Cup"), (1000, 1000))
    box = res.layout.element("mark").box
    px = np.asarray(res.image)[(box[1] + box[3]) // 2, (box[0] + box[2]) // 2]
    assert tuple(px[:3]) == (0, 200, 0)
    assert box[2] - box[0] == box[3] - box[1]  # square image contained in its slot


@pytest.mark.parametrize("src,needle", [
    ("../outside.png", "leaves the template's folder"),
    ("/etc/passwd", "relative to the template's folder"),
    ("missing.png", "file not found"),
    ("notes.txt", "expected a"),
    ("link.png", "leaves the template's folder"),
])
def test_image_paths_are_confined(tmp_path, src, needle):
    inner = tmp_path / "tpl"
    inner.mkdir()
    Image.new("RGBA", (4, 4)).save(tmp_path / "outside.png")
    (inner / "notes.txt").write_text("x")
    os.symlink(tmp_path / "outside.png", inner / "link.png")
    with pytest.raises(TemplateError, match=needle) as e:
        load_template_file(_template(inner, src))
    assert "branded.yaml" in str(e.value)
