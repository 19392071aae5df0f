from pathlib import Path

import pytest

from creative.errors import TemplateError, UsageError
from creative.template import all_templates, get_template, json_schema, parse_template
from creative.sizes import ASPECT_CLASSES

MINIMAL = Path(__file__).resolve().parents[1] / "templates" / "minimal.yaml"


def test_bundled_templates_are_valid_and_many():
    tpls = all_templates()
    assert len(tpls) >= 8
    assert len({t.name for t in tpls}) == len(tpls)
    for t in tpls:
        assert t.styles, t.name
        for cls in ASPECT_CLASSES:
            assert t.variants_for(cls)


def test_unknown_template_lists_choices():
    with pytest.raises(UsageError) as e:
        get_template("nope")
    assert "minimal" in str(e.value)


def test_error_names_file_line_and_field():
    text = MINIMAL.read_text().replace("max_size: 0.085", "max_size: big")
    with pytest.raises(TemplateError) as e:
        parse_template(text, "my.yaml")
    msg = str(e.value)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "max_size: big" in l)
    assert f"my.yaml:{line}:" in msg
    assert "layers.4.max_size" in msg


def test_unknown_field_and_syntax_error():
    with pytest.raises(TemplateError, match="unknown field"):
        parse_template(MINIMAL.read_text().replace("margin: 0.07", "margin: 0.07\nmargins: 3"), "t.yaml")
    with pytest.raises(TemplateError, match=r"t.yaml:\d+: YAML syntax error"):
        parse_template("name: [unclosed\n", "t.yaml")
    with pytest.raises(TemplateError, match="empty"):
        parse_template("", "t.yaml")


def test_every_problem_reported_at_once():
    text = MINIMAL.read_text().replace("max_size: 0.085", "max_size: big").replace("weight: 400", "weight: heavy")
    with pytest.raises(TemplateError, match="problems"):
        parse_template(text, "t.yaml")


def test_bad_colour_and_unknown_layer_reference():
    with pytest.raises(TemplateError, match="palette role"):
        parse_template(MINIMAL.read_text().replace("color: muted_on_background", "color: mauve", 1), "t.yaml")
    with pytest.raises(TemplateError, match="unknown layer 'ghost'"):
        parse_template(MINIMAL.read_text().replace("logo: {box: [0.0, 0.0, 0.6, 0.05]", "ghost: {box: [0.0, 0.0, 0.6, 0.05]", 1), "t.yaml")


def test_alias_bomb_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
    with pytest.raises(TemplateError, match="aliases expand"):
        parse_template("\n".join(lines), "bomb.yaml")


def test_schema_is_json_schema():
    s = json_schema()
    assert s["title"] == "creative template"
    assert "layers" in s["properties"]


def test_user_template_dir_shadows_and_paths(tmp_path, monkeypatch):
    (tmp_path / "mine.yaml").write_text(MINIMAL.read_text().replace("name: minimal", "name: mine"))
    assert get_template("mine", (tmp_path,)).name == "mine"
    monkeypatch.setenv("CREATIVE_TEMPLATE_PATH", str(tmp_path))
    assert get_template("mine").name == "mine"
    assert get_template(str(tmp_path / "mine.yaml")).name == "mine"
    with pytest.raises(UsageError, match="not found"):
        get_template(str(tmp_path / "missing.yaml"))


@pytest.mark.parametrize("text", ["=", "!!python/object/apply:os.system ['echo pwned']", "name: !!python/name:os.system"])
def test_yaml_tags_are_never_executed(text):
    with pytest.raises(TemplateError, match="t.yaml:1: YAML error"):
        parse_template(text, "t.yaml")
