"""Property tests for every spec parser (templates, storyboards, campaigns, segments) and the feed
reader: whatever document they are given, they return a parsed spec or raise the project's own
one-line error (a :class:`~creative.errors.CreativeError` naming the file), never another exception.

Documents come from a small YAML grammar (block and flow collections, anchors and aliases, tags
PyYAML cannot build, dates that do not exist, deep nesting), from real documents with lines
deleted, repeated or re-indented, and from arbitrary values under the models' own field names.
Example counts are modest; ``HYPOTHESIS_PROFILE=explore`` draws fresh ones locally.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creative.batch import load_campaign
from creative.batch.spec import Campaign, SegmentsFile
from creative.batch.yamlspec import SpecError, parse_model
from creative.errors import CreativeError, TemplateError
from creative.feeds import ProductRecord, RowError, read_feed
from creative.resources import assets_dir
from creative.spec_yaml import MAX_DEPTH
from creative.template import parse_template
from creative.video import StoryboardError, parse_storyboard

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = (ROOT / "templates" / "minimal.yaml").read_text(encoding="utf-8")
CAMPAIGN = (assets_dir() / "campaign" / "campaign.yaml").read_text(encoding="utf-8")
SEGMENTS = (assets_dir() / "campaign" / "segments.yaml").read_text(encoding="utf-8")
STORYBOARD = """\
# block style throughout, so that line edits reach every field
size: [320, 240]
fps: 20
content:
  title: Mug
  price: '9.99'
palette:
  background: '#f4efe6'
  surface: '#dcd2c0'
  accent: '#c2410c'
  highlight: '#0f766e'
  text_on_background: '#1c1917'
  muted_on_background: '#57534e'
  text_on_surface: '#1c1917'
  text_on_accent: '#ffffff'
  text_on_highlight: '#ffffff'
music:
  tempo: 90
  mood: warm
scenes:
  - id: hello
    kind: hook
    duration: 1.5
    backdrop:
      fill:
        kind: linear
        color: background
        color2: surface
    texts:
      - text: Hello
        box: [0.1, 0.2, 0.9, 0.5]
        animation: chars
        duration: 0.6
  - id: bye
    kind: end
    duration: 1.5
    backdrop:
      fill:
        kind: solid
        color: accent
    shapes:
      - shape: ellipse
        box: [0.3, 0.2, 0.7, 0.8]
        fill:
          color: highlight
    transition:
      kind: zoom
      duration: 0.5
    texts:
      - text: Shop now
        box: [0.2, 0.7, 0.8, 0.9]
        color: text_on_accent
"""

#: parser name -> (parse(text) -> model, its error type, real document, field names to use as keys)
PARSERS = {
    "template": (lambda t: parse_template(t, "fuzz.yaml"), TemplateError, TEMPLATE,
                 ["name", "version", "layers", "layouts", "palette", "margin", "styles", "type", "id", "box", "src",
                  "color", "text", "slots", "square", "max_size"]),
    "storyboard": (lambda t: parse_storyboard(t, "fuzz.yaml"), StoryboardError, STORYBOARD,
                   ["size", "fps", "content", "palette", "music", "scenes", "id", "kind", "duration", "texts",
                    "backdrop", "fill", "box", "text", "transition", "shapes", "title", "template", "style"]),
    "campaign": (lambda t: parse_model(t, Campaign, "fuzz.yaml"), SpecError, CAMPAIGN,
                 ["name", "products", "feed", "pages", "templates", "styles", "sizes", "locales", "segments", "copy",
                  "output", "dir", "pattern", "format", "remover", "columns", "limit", "currency"]),
    "segments": (lambda t: parse_model(t, SegmentsFile, "fuzz.yaml", wrap="segments"), SpecError, SEGMENTS,
                 ["segments", "students", "description", "styles", "scheme", "tone", "copy_tone", "occasion"]),
}

# ----------------------------------------------------------------------------- a small YAML grammar
SCALARS = [
    "0", "-1", "1.5", "1e400", "-.inf", ".nan", "~", "null", "yes", "off", "0x1F", "0o17", "0b101", "1_000",
    "12:30:45", "190:20:30", "2001-02-03", "2001-13-45", "2001-02-03T04:05:06Z", "!!int x", "!!int 0x",
    "!!float y", "!!bool maybe", "!!timestamp z", "!!null x", "!!binary zz", "!!binary aGk=", "!!str 5",
    "!!python/object:os.system ls", "!!python/name:os.system", "!!set {a}", "!!omap [a]", "!custom x",
    "'single'", '"double \\x41 \\u263a"', '"\\x00\\e[31m"', "''", "'#1f2937'", "red", "'#zzz'", "1080x1080",
    "en-US", "9" * 4400, "<<", "=", "*nowhere", "[", "}", "- ", "? ", ": ", "&", "'unclosed", "\t", "%YAML 1.1",
]


def _render(node, indent: int) -> str:
    """YAML text of a generated node, as the value after ``key:`` or ``-`` at ``indent``."""
    kind = node[0]
    pad = " " * indent
    if kind == "s":
        return " " + node[1]
    if kind == "alias":
        return f" *{node[1]}"
    if kind == "anchor":
        return f" &{node[1]}" + _render(node[2], indent)
    if kind == "flow":
        return " " + _flow(node[1])
    if kind == "deep":
        n, block = node[1], node[2]
        if block:  # the text grows with the square of the depth: a few hundred levels are enough
            return "\n" + "".join(" " * (indent + i) + "-\n" for i in range(min(n, 200)))
        return " " + "[" * n + "]" * n
    items = node[1]
    if not items:
        return " {}" if kind == "m" else " []"
    if kind == "m":
        return "\n" + "".join(f"{pad}{k}:{_render(v, indent + 2)}\n" for k, v in items).rstrip("\n")
    return "\n" + "".join(f"{pad}-{_render(v, indent + 2)}\n" for v in items).rstrip("\n")


def _flow(node) -> str:
    kind = node[0]
    if kind in ("s", "alias", "anchor", "deep"):
        return _render(node, 0).strip()
    if kind == "flow":
        return _flow(node[1])
    if kind == "m":
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in node[1]) + "}"
    return "[" + ", ".join(_flow(v) for v in node[1]) + "]"


def documents(keys: list[str]):
    scalar = st.one_of(st.sampled_from(SCALARS), st.text(max_size=10)).map(lambda t: ("s", t))
    key = st.one_of(st.sampled_from(keys), st.sampled_from(["x", "<<", "'q k'", "", "1", "? k"]))
    node = st.recursive(
        scalar,
        lambda kids: st.one_of(
            st.lists(st.tuples(key, kids), max_size=5).map(lambda kv: ("m", kv)),
            st.lists(kids, max_size=4).map(lambda v: ("l", v)),
            st.tuples(st.sampled_from(["a", "b"]), kids).map(lambda t: ("anchor", *t)),
            st.sampled_from(["a", "b", "c"]).map(lambda n: ("alias", n)),
            kids.map(lambda k: ("flow", k)),
            st.tuples(st.sampled_from([2, 30, MAX_DEPTH + 5, 3000]), st.booleans()).map(lambda t: ("deep", *t)),
        ),
        max_leaves=20,
    )
    top = st.lists(st.tuples(key, node), min_size=1, max_size=6).map(lambda kv: ("m", kv))
    return st.one_of(top, node).map(lambda n: _render(n, 0).lstrip("\n"))


DOCUMENTS = {name: documents(keys) for name, (_, _, _, keys) in PARSERS.items()}  # built once: cheap draws


def assert_clean(parser: str, text: str) -> None:
    parse, error, _, _ = PARSERS[parser]
    try:
        parse(text)
    except error as e:
        msg = str(e)
        assert msg.startswith(("fuzz.yaml", f"{msg.split(' ')[0]} problems: fuzz.yaml")), msg
        assert msg.isprintable() and len(msg.splitlines()) == 1, repr(msg)
    # any other exception fails the test, with the document hypothesis shrank it to


@pytest.mark.parametrize("parser", sorted(PARSERS))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_generated_yaml_documents(parser, data):
    assert_clean(parser, data.draw(DOCUMENTS[parser], label="document"))


@pytest.mark.parametrize("parser", sorted(PARSERS))
@settings(max_examples=80, deadline=None)
@given(edits=st.lists(st.tuples(st.sampled_from(["delete", "repeat", "indent", "dedent", "replace", "cut"]),
                                st.integers(0, 10_000), st.sampled_from(SCALARS)), min_size=1, max_size=4))
def test_edited_real_documents(parser, edits):
    lines = PARSERS[parser][2].splitlines()
    for op, at, token in edits:
        i = at % len(lines)
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "repeat":
            lines.insert(i, lines[i])
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][2:]
        elif op == "replace" and ":" in lines[i]:
            lines[i] = lines[i].split(":", 1)[0] + ": " + token
        elif op == "cut":
            lines[i] = lines[i][: at % (len(lines[i]) + 1)]
    assert_clean(parser, "\n".join(lines) + "\n")


values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True), st.text(max_size=12)),
    lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=8), kids, max_size=4)),
    max_leaves=20,
)


STRUCTURES = {name: st.dictionaries(st.sampled_from(keys), st.one_of(values, st.dictionaries(st.sampled_from(keys), values,
                                                                                           max_size=4)), max_size=6)
              for name, (_, _, _, keys) in PARSERS.items()}


@pytest.mark.parametrize("parser", sorted(PARSERS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_arbitrary_values_under_real_field_names(parser, data):
    doc = data.draw(STRUCTURES[parser], label="values")
    assert_clean(parser, yaml.safe_dump(doc, allow_unicode=True))


# Found by the properties above (each escaped as a raw exception, or crashed the interpreter, before).
HOSTILE = {
    "impossible date": ("a: 2001-13-45\n", ":1: YAML error: cannot read '2001-13-45' as !!timestamp (month must be in 1..12)"),
    "tagged int": ("a: 1\nb: !!int x\n", ":2: YAML error: cannot read 'x' as !!int"),
    "tagged bool": ("a: !!bool maybe\n", ":1: YAML error: cannot read 'maybe' as !!bool"),
    "tagged timestamp": ("a: !!timestamp z\n", ":1: YAML error: cannot read 'z' as !!timestamp"),
    "5000-digit int": ("a: " + "9" * 5000 + "\n", ":1: YAML error: cannot read '9999"),
    "python tag": ("a: !!python/object/apply:os.system ['echo pwned']\n", ":1: YAML error: could not determine a constructor"),
    "flow nesting 100,000 deep": ("[" * 100_000 + "]" * 100_000, f": YAML nesting is deeper than {MAX_DEPTH} levels"),
    "block nesting 70 deep": ("- " * 70 + "x\n", f": YAML nesting is deeper than {MAX_DEPTH} levels"),
    "nesting through aliases": ("".join(f"a{i}: &a{i} [[[[[[[[[[{f'*a{i - 1}' if i else 1}]]]]]]]]]]\n" for i in range(7)),
                                f": YAML nesting is deeper than {MAX_DEPTH} levels"),
    "self-containing alias": ("a: &a [1, *a]\n", ": a YAML alias refers to a collection that contains it"),
    "control character": ("a: 1\nb: \x1b[31m\n", ":2: YAML syntax error: unacceptable character #x001b"),
    "undefined alias": ("a: 1\nb: *nowhere\n", ":2: YAML syntax error: found undefined alias"),
}


@pytest.mark.parametrize("parser", sorted(PARSERS))
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_yaml_is_one_clean_error(parser, case):
    parse, error, _, _ = PARSERS[parser]
    text, needle = HOSTILE[case]
    with pytest.raises(error) as e:
        parse(text)
    msg = str(e.value)
    assert msg.startswith("fuzz.yaml" + needle), msg
    assert msg.isprintable() and len(msg.splitlines()) == 1


def test_user_text_in_a_validation_message_is_escaped():
    """A template naming an unknown layer with a terminal escape and a line separator in its name."""
    text = TEMPLATE.replace("logo: {box: [0.0, 0.0, 0.6, 0.05]", '"gh\\e[31m\\u2028ost": {box: [0.0, 0.0, 0.6, 0.05]', 1)
    with pytest.raises(TemplateError) as e:
        parse_template(text, "fuzz.yaml")
    msg = str(e.value)
    assert "unknown layer" in msg and "gh\\x1b[31m ost" in msg, msg  # escape shown, line separator a space
    assert msg.isprintable() and len(msg.splitlines()) == 1


def test_the_real_documents_parse():
    for parser, (parse, _, text, _) in PARSERS.items():
        assert parse(text) is not None, parser


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_campaign_files_through_planning(tmp_path, data):
    """The whole of ``load_campaign`` (paths confined, templates and segments resolved): a plan or a CreativeError."""
    p = tmp_path / "fuzz.yaml"
    p.write_text(data.draw(DOCUMENTS["campaign"], label="document"), encoding="utf-8")
    try:
        load_campaign(p, out_dir=tmp_path / "out")
    except CreativeError as e:
        assert str(p) in str(e) and len(str(e).splitlines()) == 1, repr(str(e))


# ----------------------------------------------------------------------------- feeds
def one_safe_line(text: str) -> bool:
    """One line, and no control character a terminal acts on (escape sequences, carriage return...)."""
    return len(text.splitlines()) == 1 and not any(ord(c) < 32 or 0x80 <= ord(c) < 0xA0 for c in text)


cell = st.one_of(st.text(max_size=12), st.sampled_from(["5 USD", "USD 5", "-4", "1e9999", "NaN", "4\x0b2", "\x1b[2J",
                                                         "9.99 EUR", "", "=1+1", "{{7*7}}", "a\nb", "\u2028"]))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, min_size=4, max_size=5), max_size=6))
def test_feed_rows_with_any_text_give_a_product_or_a_one_line_reason(tmp_path, rows):
    """Quoted CSV cells may hold anything (line breaks, escapes, separators): each row is a product or
    a reason on one line naming the file and line."""
    import csv

    p = tmp_path / "fuzz.csv"
    with p.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "price", "image_link"])
        w.writerows(rows)
    for got in read_feed(p):
        assert isinstance(got, (ProductRecord, RowError))
        if isinstance(got, RowError):
            assert str(got).startswith(f"{p}:") and one_safe_line(str(got)), repr(str(got))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.dictionaries(st.sampled_from(["id", "title", "price", "sale_price", "image_link", "currency"]),
                                     st.one_of(cell, st.integers(), st.floats(allow_nan=True), st.none(),
                                               st.lists(cell, max_size=2), st.dictionaries(cell, cell, max_size=2))),
                     max_size=6))
def test_jsonl_rows_with_any_values_give_a_product_or_a_one_line_reason(tmp_path, rows):
    p = tmp_path / "fuzz.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    got = list(read_feed(p))
    assert len(got) == len(rows)
    for g in got:
        if isinstance(g, RowError):
            assert str(g).startswith(f"{p}:") and one_safe_line(str(g)), repr(str(g))
