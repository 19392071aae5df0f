"""Authoring loop: scaffold a template, preview it at every size, watch it re-render on save."""
from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creative.cli import main
from creative.content import Content
from creative.design import render_design
from creative.errors import UsageError
from creative.template import all_templates, get_template, load_template_file
from creative.template.preview import preview_template, watch_template
from creative.template.scaffold import new_template, scaffold_text, starter_template

SIZES = [(300, 250), (728, 90)]


def run(argv, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    out = capsys.readouterr()
    return e.value.code or 0, out.out, out.err


def test_new_writes_a_valid_commented_template(tmp_path, capsys):
    code, out, _ = run(["template", "new", "spring-sale", "--dir", str(tmp_path)], capsys)
    path = tmp_path / "spring-sale.yaml"
    assert code == 0 and str(path) in out
    tpl = load_template_file(path)
    assert tpl.name == "spring-sale"
    assert {type(l).__name__ for l in tpl.layers} == {"BackgroundLayer", "ShapeLayer", "ProductLayer", "TextLayer", "LogoLayer"}
    text = path.read_text()
    for note in ("# text: one piece of copy", "# background: paints the whole canvas", "# product: the cut-out",
                 "# shape: a decorative shape", "# logo: the brand name", "# square: width/height",
                 "text_on_background", "# [x0, y0, x1, y1] as fractions of the safe area"):
        assert note in text, note
    code, out, _ = run(["template", "validate", str(path)], capsys)
    assert code == 0 and "1 templates valid" in out


def test_new_from_an_existing_template_renders_the_same(tmp_path, bottle_product):
    path = new_template("my-festival", source="festival", folder=tmp_path)
    mine, theirs = load_template_file(path), get_template("festival")
    assert mine.name == "my-festival" and mine.layers == theirs.layers and mine.layouts == theirs.layouts
    content = Content.create("Cup", price="9")
    a = render_design(mine, bottle_product, content, (300, 250)).image
    b = render_design(theirs, bottle_product, content, (300, 250)).image
    assert np.array_equal(np.asarray(a), np.asarray(b))


def test_every_bundled_template_scaffolds_and_round_trips():
    for t in all_templates() + [starter_template()]:
        assert "# " in scaffold_text(t)  # scaffold_text parses its output back and compares


def test_new_refuses_to_overwrite_and_bad_names(tmp_path, capsys):
    new_template("a-b", folder=tmp_path)
    code, _, err = run(["template", "new", "a-b", "--dir", str(tmp_path)], capsys)
    assert code == 2 and "already exists" in err
    code, _, err = run(["template", "new", "Bad Name", "--dir", str(tmp_path)], capsys)
    assert code == 2 and "bad template name" in err
    code, _, err = run(["template", "new", "x", "--from", "nope", "--dir", str(tmp_path)], capsys)
    assert code == 2 and "unknown template 'nope'" in err
    assert new_template("a-b", folder=tmp_path, force=True).is_file()


def test_preview_renders_every_size_into_one_sheet(tmp_path, product_photos):
    out = tmp_path / "sheet.png"
    res = preview_template("minimal", out, products=[str(product_photos["bottle"]), str(product_photos["wide"])],
                           sizes=SIZES, remover="fake")
    assert res.images == 4 and not res.failures
    with Image.open(out) as im:
        sheet = np.asarray(im.convert("RGB")).astype(int)
    assert im.width > 2 * 280 and im.height > 2 * 280  # two columns (sizes), two rows (products)
    assert (np.abs(sheet - sheet[5, 5]).sum(axis=2) > 60).mean() > 0.05  # tiles were drawn on the sheet


def test_preview_cli_takes_comma_lists_and_opens_nothing(tmp_path, product_photos, capsys, monkeypatch):
    import typer

    opened = []
    monkeypatch.setattr(typer, "launch", lambda *a, **k: opened.append(a))
    out = tmp_path / "p.png"
    code, stdout, _ = run(["template", "preview", "minimal", "--products", str(product_photos["round"]),
                           "--sizes", "300x250,160x600", "--remover", "fake", "--out", str(out)], capsys)
    assert code == 0 and "2 images" in stdout and out.is_file() and not opened


def test_a_size_that_cannot_render_shows_an_error_tile(tmp_path, product_photos, capsys):
    path = new_template("broken-font", source="minimal", folder=tmp_path)
    path.write_text(path.read_text().replace("font: inter", "font: comic-sans", 1))
    out = tmp_path / "p.png"
    code, _, err = run(["template", "preview", str(path), "--products", str(product_photos["bottle"]),
                        "--sizes", "300x250", "--remover", "fake", "--out", str(out)], capsys)
    assert code == 1 and "comic-sans" in err and out.is_file()


def _next(events: queue.Queue, kind: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            e = events.get(timeout=0.2)
        except queue.Empty:
            continue
        if e.kind == kind:
            return e
    raise AssertionError(f"no '{kind}' event within {timeout}s")


def _save(path: Path, text: str) -> None:
    """Save like an editor does: write a temporary file, then rename it over the template."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text)
    os.replace(tmp, path)


def test_watch_rerenders_on_save_and_keeps_the_last_good_preview(tmp_path, product_photos):
    path = new_template("watched", source="minimal", folder=tmp_path)
    out = tmp_path / "watched-preview.png"
    events: queue.Queue = queue.Queue()
    stop = threading.Event()
    t = threading.Thread(target=watch_template, args=(str(path), out), daemon=True,
                         kwargs=dict(products=[str(product_photos["bottle"])], sizes=[(300, 250)], remover="fake",
                                     on_event=events.put, stop_event=stop, debounce_ms=50))
    t.start()
    try:
        first = _next(events, "rendered")
        assert first.path == out and out.is_file()
        before = np.asarray(Image.open(out).convert("RGB")).copy()

        text = path.read_text()
        _save(path, text.replace("kind: linear", "kind: solid", 1).replace("color: background", "color: '#102030'", 1))
        _next(events, "rendered")
        after = np.asarray(Image.open(out).convert("RGB")).copy()
        assert np.abs(after.astype(int) - before).mean() > 2  # the new background shows

        good = out.read_bytes()
        _save(path, path.read_text().replace("margin: 0.07", "margin: 3", 1))
        bad = _next(events, "invalid")
        assert "watched.yaml:" in bad.message and "margin" in bad.message  # file, line and field
        assert out.read_bytes() == good  # the last good preview is kept

        _save(path, "name: [unclosed\n")
        assert "YAML syntax error" in _next(events, "invalid").message
        assert out.read_bytes() == good

        _save(path, text)
        _next(events, "rendered")
        assert np.abs(np.asarray(Image.open(out).convert("RGB")).astype(int) - before).mean() < 0.5
    finally:
        stop.set()
        t.join(timeout=10)
    assert not t.is_alive()


def test_watch_cli_in_a_subprocess(tmp_path):
    """The real command: starts, re-renders on save, reports an invalid file, stops on SIGINT."""
    from creative.testing.fixtures import synthetic_product

    photo, mask = synthetic_product("round", (30, 90, 170), (200, 260))
    rgba = photo.convert("RGBA")
    rgba.putalpha(mask)
    rgba.save(tmp_path / "cut.png")  # real transparency: no model, any remover name
    path = new_template("sub", source="minimal", folder=tmp_path)
    out = tmp_path / "sub.png"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from creative.cli import main; main()", "template", "watch", str(path),
         "--products", str(tmp_path / "cut.png"), "--sizes", "300x250", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in proc.stdout], daemon=True).start()

    def wait_for(needle: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                continue
            if needle in line:
                return line
        raise AssertionError(f"'{needle}' not printed within {timeout}s")

    try:
        wait_for("rendered")
        wait_for("watching")
        _save(path, path.read_text().replace("weight: 800", "weight: 5000", 1))
        assert "weight" in wait_for("invalid")
        wait_for("kept the last good preview")
    finally:
        proc.send_signal(2)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert out.is_file()


def test_watch_rejects_unknown_names():
    with pytest.raises(UsageError, match="unknown template"):
        watch_template("no-such-template", products=["x"], stop_event=threading.Event())


def test_the_layer_examples_in_the_docs_are_real_templates():
    """docs/templates.md shows each layer type's example verbatim, and each one validates."""
    import importlib.util

    from creative.template import parse_template

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("make_template_images", root / "docs" / "make_template_images.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    doc = (root / "docs" / "templates.md").read_text()
    for name, snippet in mod.EXAMPLES.items():
        assert f"```yaml\n{snippet}```" in doc, f"the {name} example in docs/templates.md is out of date"
        parse_template(mod.HEAD + snippet, name)
        assert (root / "docs" / "images" / f"layer-{name}.png").is_file()


def test_new_from_a_template_with_a_picture_copies_the_picture(tmp_path, bottle_product):
    src_dir, dst_dir = tmp_path / "theirs", tmp_path / "mine"
    (src_dir / "art").mkdir(parents=True)
    Image.new("RGBA", (40, 20), (0, 160, 90, 255)).save(src_dir / "art" / "mark.png")
    text = (Path(__file__).resolve().parents[1] / "templates" / "minimal.yaml").read_text()
    text = text.replace("name: minimal", "name: branded").replace(
        "  - type: logo\n", "  - type: image\n    id: mark\n    src: art/mark.png\n    opacity: 0.8\n  - type: logo\n", 1)
    text = text.replace("        logo: {box: [0.0, 0.0, 0.6, 0.05], anchor: top-left}\n",
                        "        mark: {box: [0.0, 0.0, 0.2, 0.1], anchor: top-left}\n", 1)
    (src_dir / "branded.yaml").write_text(text)
    path = new_template("my-branded", source=str(src_dir / "branded.yaml"), folder=dst_dir)
    assert (dst_dir / "art" / "mark.png").is_file() and "src: art/mark.png" in path.read_text()
    assert "# image: a picture shipped with the template" in path.read_text()
    content = Content.create("Cup")
    a = render_design(load_template_file(path), bottle_product, content, (400, 400)).image
    b = render_design(load_template_file(src_dir / "branded.yaml"), bottle_product, content, (400, 400)).image
    assert np.array_equal(np.asarray(a), np.asarray(b))
