"""Storyboard models, YAML round trip, errors naming file/line/field, JSON Schema, the director's plan."""
from __future__ import annotations

import pytest

from creative.content import Content
from creative.video import dump_storyboard, json_schema, load_storyboard, parse_storyboard
from creative.video.director import _timeline, feature_lines, plan
from creative.video.load import StoryboardError
from creative.video.styles import TAG_STYLES, STYLES, auto_style, choose_style, get_style, style_for_tags

PALETTE = """palette:
  background: '#ffffff'
  surface: '#eeeeee'
  accent: '#ff0000'
  highlight: '#00ff00'
  text_on_background: '#000000'
  muted_on_background: '#444444'
  text_on_surface: '#000000'
  text_on_accent: '#ffffff'
  text_on_highlight: '#000000'
"""

MINIMAL = """size: [320, 240]
content: {title: Mug}
""" + PALETTE + """scenes:
  - id: one
    kind: hero
    duration: 2
    backdrop: {fill: {kind: solid, color: background}}
    texts:
      - {text: Hello, box: [0.1, 0.1, 0.9, 0.3]}
"""


@pytest.fixture(scope="module")
def content():
    return Content.create("Trail Runner 2", subhead="Light, grippy, fast", price="89", original_price="129", brand="Peak")


@pytest.fixture(scope="module")
def board(product_photos, content, tmp_path_factory):
    base = tmp_path_factory.mktemp("plan")
    b, problems = plan([product_photos["bottle"], product_photos["wide"]], content, size=(360, 640), duration=12,
                       remover="fake", base_dir=base)
    assert problems == []
    return b


def test_minimal_storyboard_parses_with_defaults():
    b = parse_storyboard(MINIMAL)
    assert b.size == (320, 240) and b.fps == 30 and b.duration == 2.0 and b.frame_count == 60
    assert b.scenes[0].texts[0].animation == "fade"


def test_director_plans_every_scene_kind(board):
    kinds = [s.kind for s in board.scenes]
    assert kinds[0] == "hook" and kinds[1] == "hero" and kinds[-2:] == ["offer", "end"]
    assert "features" in kinds and "detail" in kinds
    assert board.duration == pytest.approx(12.0, abs=1e-3)
    offer = next(s for s in board.scenes if s.kind == "offer")
    roles = {t.role for t in offer.texts}
    assert {"price", "original_price", "badge"} <= roles
    assert next(t for t in offer.texts if t.role == "original_price").strike
    end = board.scenes[-1]
    assert any(t.role == "cta" for t in end.texts)
    assert {s.transition.kind for s in board.scenes[1:]} - {"cut"}, "styles use real transitions"


def test_cuts_fall_on_beats(board):
    beat = 60.0 / board.music.tempo
    for start in board.starts()[1:]:
        assert abs(start / beat - round(start / beat)) < 1e-3, f"cut at {start} s is off the beat grid ({beat} s)"


def test_style_reuses_banner_template_look(board):
    from creative.design import palette_for, prepare_product
    from creative.template import get_template

    style = get_style(board.style)
    tpl = get_template(style.template)
    assert board.template == tpl.name
    prod = prepare_product(board.product.photo, remover="fake")  # the analysis' hero pick
    assert board.palette == palette_for(prod.swatches, tpl.palette.scheme, tpl.palette.tone, None).to_dict()
    headline = next(l for l in tpl.layers if getattr(l, "role", None) == "headline")
    hero = next(s for s in board.scenes if s.kind == "hero")
    assert hero.texts[0].font == headline.font and hero.texts[0].weight == headline.weight


def test_round_trip_yaml(board, tmp_path):
    text = dump_storyboard(board)
    again = parse_storyboard(text)
    assert again == board
    p = tmp_path / "story.yaml"
    p.write_text(text, encoding="utf-8")
    assert load_storyboard(p) == board


def test_schema_accepts_a_planned_storyboard(board):
    jsonschema = pytest.importorskip("jsonschema")  # installed with rembg
    import yaml

    data = yaml.safe_load(dump_storyboard(board))
    jsonschema.validate(data, json_schema())
    bad = dict(data, fps="fast")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, json_schema())


@pytest.mark.parametrize("edit, needle", [
    (lambda s: s.replace("duration: 2\n", "duration: 2\n    colour: red\n"), ":17: scenes.0.colour: unknown field"),
    (lambda s: s.replace("kind: hero", "kind: villain"), ":15: scenes.0.kind"),
    (lambda s: s.replace("box: [0.1, 0.1, 0.9, 0.3]", "box: [0.9, 0.1, 0.1, 0.3]"), "scenes.0.texts.0.box"),
    (lambda s: s.replace("  accent: '#ff0000'\n", ""), "palette is missing role(s) accent"),
    (lambda s: s.replace("[320, 240]", "[321, 240]"), "even width and height"),
    (lambda s: s.replace("content: {title: Mug}\n", ""), ":1: content: required field is missing"),
    (lambda s: s.replace("duration: 2\n", "duration: 2\n    transition: {kind: crossfade, duration: 3}\n"),
     "longer than the scene"),
])
def test_errors_name_line_and_field(edit, needle):
    with pytest.raises(StoryboardError) as e:
        parse_storyboard(edit(MINIMAL), "story.yaml")
    assert str(e.value).startswith("story.yaml"), str(e.value)
    assert needle in str(e.value), str(e.value)


def test_yaml_syntax_error_has_line():
    with pytest.raises(StoryboardError, match=r"story.yaml:\d+: YAML syntax error"):
        parse_storyboard("scenes: [\n  - a\n b: c", "story.yaml")


def test_missing_file(tmp_path):
    with pytest.raises(StoryboardError, match="not found"):
        load_storyboard(tmp_path / "nope.yaml")


def test_timeline_snaps_to_given_beats():
    style = get_style("clean")
    beats = [0.0, 0.45, 0.93, 1.41, 1.9, 2.38, 2.86, 3.35, 3.83, 4.3, 4.8, 5.27, 5.75, 6.2]
    lengths = _timeline(["hook", "hero", "offer", "end"], style, beats, 6.0)
    assert sum(lengths) == pytest.approx(6.0)
    acc = 0.0
    for length in lengths[:-1]:
        acc += length
        assert min(abs(acc - b) for b in beats) < 1e-6


def test_feature_lines_from_subhead_and_user():
    c = Content.create("Cups", subhead="Hand-glazed stoneware, set of two")
    assert feature_lines(c, None, None) == ["Hand-glazed stoneware", "Set of two"]
    assert feature_lines(c, ["A", " B ", ""], None) == ["A", "B"]
    zh = Content.create("花", subhead="当日鲜切 · 同城速达", locale="zh-CN", currency="CNY")
    assert feature_lines(zh, None, None) == ["当日鲜切", "同城速达"]


def test_style_names():
    assert auto_style("zh-CN", False, "x") == "festival"
    assert auto_style("en-US", True, "x") == "bold"
    assert auto_style("en-US", False, "x") == "clean"
    from creative.errors import UsageError

    with pytest.raises(UsageError, match="choose one of"):
        get_style("psychedelic")


def test_auto_style_follows_the_tone_then_the_copy():
    assert choose_style(("luxury", "bold"), "en-US", True, "Watch") == "luxury"
    assert choose_style(("pastel", "minimal"), "zh-CN", False, "花") == "fresh"
    assert choose_style(("no-such-tag", "editorial"), "en-US", False, "x") == "editorial"
    assert choose_style(("minimal",), "en-US", False, "双11 大促") == "festival"  # the occasion in the title wins
    assert choose_style((), "en-US", True, "x") == "bold"  # no suggestion: the copy decides
    assert style_for_tags(("luxury-dark",)) == "luxury" and style_for_tags(("fresh",)) == "fresh"
    assert style_for_tags(()) is None


def test_tag_mapping_matches_the_templates():
    """Every tag the analysis can suggest has a video style, and a tag maps to the style whose
    template carries it (or to the look named in TAG_STYLES' comment for the other templates)."""
    from creative.material.tone import suggest_styles
    from creative.template import all_templates

    suggested = {t for fam in ("red", "blue", "neutral") for L in (20, 50, 90) for C in (5, 30, 60)
                 for warm in ("warm", "cool", "neutral") for t in suggest_styles(fam, L, C, warm)}
    assert suggested and all(t in TAG_STYLES for t in suggested), suggested - set(TAG_STYLES)
    templates = {t.name: set(t.styles) for t in all_templates()}
    other = {"price-burst": "bold", "split-panel": "clean"}
    for tag, style in TAG_STYLES.items():
        assert style in STYLES
        owners = {name for name, tags in templates.items() if tag in tags}
        assert owners, f"tag {tag!r} is on no template"
        assert any(STYLES[style].template == o or other.get(o) == style for o in owners), (tag, style, owners)
    every_tag = set().union(*templates.values())
    assert every_tag <= set(TAG_STYLES), every_tag - set(TAG_STYLES)
