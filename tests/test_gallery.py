"""The review gallery: what it reads from an output folder, and the page in a real browser (headless Chromium)."""
from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creative.banner import make_banners
from creative.content import Content
from creative.design import prepare_product, render_design, write_design
from creative.gallery import build_gallery
from creative.gallery.scan import scan
from creative.propose import propose
from creative.template import get_template
from creative.testing.browser import chromium, chromium_path

CUP = Content.create("Espresso Cup Set", subhead="Hand-glazed stoneware", price="19.99", original_price="29.99")
VASE = Content.create("Glass Vase", price="45")
BRILLE = Content.create("Brille Aurora", price="89", currency="EUR", locale="de-DE")


def tiny_mp4(path: Path, size=(96, 64), frames: int = 24) -> Path:
    """A short H.264 clip (ffmpeg from imageio-ffmpeg) and its poster PNG beside it."""
    import imageio_ffmpeg

    w, h = size
    path.parent.mkdir(parents=True, exist_ok=True)
    gen = imageio_ffmpeg.write_frames(str(path), (w, h), fps=12, codec="libx264", pix_fmt_in="rgb24",
                                      pix_fmt_out="yuv420p", macro_block_size=16, output_params=["-movflags", "+faststart"])
    gen.send(None)
    for i in range(frames):
        frame = np.zeros((h, w, 3), np.uint8)
        frame[..., 0] = 40 + i * 8
        frame[:, : (i * w) // frames, 1] = 200
        gen.send(frame.tobytes())
    gen.close()
    Image.fromarray(frame).save(path.with_suffix(".png"))
    return path


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory, product_photos) -> Path:
    """An output folder like a batch makes: banners for three products (one from a batch with segment
    and locale), a ranked proposal set, an SVG, a video with its poster, and one broken manifest."""
    out = tmp_path_factory.mktemp("gallery-out")
    for pid, content in (("bottle", CUP), ("wide", VASE)):
        make_banners(product_photos[pid], content, ["minimal", "bold-sale"], [(300, 250), (728, 90)],
                     out / "banners" / pid, remover="fake")
    prod = prepare_product(product_photos["round"], remover="fake")
    for tpl, seg in (("minimal", "students"), ("festival", "families")):
        res = render_design(get_template(tpl), prod, BRILLE, (300, 250))
        write_design(res, out / "batch" / f"{tpl}-{seg}.png", prod, BRILLE, extra={"segment": seg, "locale": "de-DE"})
    propose(product_photos["bottle"], CUP, (300, 250), out / "proposals", n=4, remover="fake", workers=1)
    make_banners(product_photos["wide"], VASE, ["minimal"], [(160, 600)], out / "svg", fmt="svg", remover="fake")
    video = tiny_mp4(out / "video" / "minimal-96x64.mp4")
    video.with_suffix(".json").write_text(json.dumps({"template": "minimal", "size": "96x64", "kind": "video",
                                                       "content": {"title": "Glass Vase", "locale": "en-US"}}))
    (out / "banners" / "wide" / "minimal-300x250.json").write_text("{ not json")
    return out


def test_scan_reads_every_output_and_its_manifest(out_dir):
    g = scan(out_dir)
    by_rel = {it.rel: it for it in g.items}
    assert len(g.items) == 8 + 2 + 4 + 1 + 1 + 1  # banners, batch, proposals + contact sheet, svg, video
    assert by_rel["proposals/contact-sheet.png"].template == ""  # no manifest: shown, under "(none)"
    batch = by_rel["batch/minimal-students.png"]
    assert (batch.segment, batch.locale, batch.template, batch.size) == ("students", "de-DE", "minimal", "300x250")
    assert batch.product_label == "Brille Aurora" and batch.score is not None and batch.contrast
    assert all(c.ratio >= c.required for c in batch.contrast)
    video = by_rel["video/minimal-96x64.mp4"]
    assert video.kind == "video" and video.poster == "video/minimal-96x64.png"
    assert "video/minimal-96x64.png" not in by_rel  # a poster is part of its video, not an item
    assert by_rel["banners/wide/minimal-300x250.png"].problem  # unreadable manifest: reported, not fatal
    assert by_rel["svg/minimal-160x600.svg"].template == "minimal"
    (s,) = g.sets
    assert [it.rank for it in s.items] == [1, 2, 3, 4] and s.title == "Espresso Cup Set"
    assert [v for v, _, _ in g.values("segment")] == ["families", "students"]
    assert {v for v, _, _ in g.values("locale")} == {"de-DE", "en-US"}


def test_build_writes_a_self_contained_page(out_dir):
    res = build_gallery(out_dir)
    html = res.page.read_text()
    assert res.page == out_dir / "index.html" and (res.images, res.videos, res.proposal_sets) == (16, 1, 1)
    assert any("minimal-300x250" in p for p in res.problems)
    srcs = re.findall(r"(?:src|href|poster)='([^']*)'", html)
    assert srcs and not [s for s in srcs if s.startswith(("/", "file:", "http")) or str(out_dir) in s]
    for s in srcs:
        if not s.startswith(("data:", "#")):
            assert (out_dir / s).is_file(), s
    thumb = out_dir / "_gallery" / "thumbs" / "banners" / "bottle" / "minimal-300x250.png.jpg"
    stamp = thumb.stat().st_mtime_ns
    assert build_gallery(out_dir).page.read_text() == html  # deterministic, and thumbnails are reused
    assert thumb.stat().st_mtime_ns == stamp


def test_cli_gallery(out_dir, capsys):
    import typer
    from typer.testing import CliRunner

    from creative.cli import gallery

    app = typer.Typer()
    gallery.register(app)
    r = CliRunner().invoke(app, [str(out_dir)])
    assert r.exit_code == 0 and "16 images, 1 videos, 1 proposal sets" in r.output


# --- in a real browser ------------------------------------------------------------------------

pytestmark_browser = pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


class Page:
    """A page with every console error, page error and failed request recorded."""

    def __init__(self, browser, url: str):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("requestfailed", self._failed)
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def _failed(self, request) -> None:
        # the live-reload stream is closed on purpose when the page reloads
        if not (request.url.endswith("/__gallery/events") and "ABORTED" in (request.failure or "")):
            self.errors.append(f"request failed: {request.url} ({request.failure})")

    def visible(self) -> list[dict]:
        return self.page.evaluate("""() => Array.from(document.querySelectorAll('.card'))
            .filter(c => c.offsetParent !== null).map(c => Object.assign({}, c.dataset))""")

    def count(self, selector: str = ".card") -> int:
        return self.page.evaluate("s => document.querySelectorAll(s).length", selector)

    def choose(self, key: str, value: str) -> None:
        self.page.select_option(f"#f-{key}", value)


@pytestmark_browser
def test_page_loads_without_errors_and_every_image_loads(browser, out_dir):
    build_gallery(out_dir)
    p = Page(browser, (out_dir / "index.html").as_uri())
    images = p.page.evaluate("""() => Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth])""")
    assert len(images) == 16
    assert [src for src, complete, w in images if not (complete and w > 0)] == []
    poster = p.page.evaluate("""() => new Promise(ok => { const i = new Image();
        i.onload = () => ok(i.naturalWidth); i.onerror = () => ok(0); i.src = document.querySelector('video').poster; })""")
    assert poster > 0
    assert p.page.text_content("#shown") == "17 of 17 shown"
    assert p.errors == []
    p.page.close()


@pytestmark_browser
def test_filters_change_what_is_shown(browser, out_dir):
    build_gallery(out_dir)
    p = Page(browser, (out_dir / "index.html").as_uri())
    assert len(p.visible()) == 17
    p.choose("template", "bold-sale")
    shown = p.visible()
    n = p.count(".card[data-template='bold-sale']")  # 4 banners and the bold-sale proposals
    assert 4 < n < 17 and len(shown) == n and {c["template"] for c in shown} == {"bold-sale"}
    assert p.page.text_content("#shown") == f"{n} of 17 shown"
    p.choose("size", "728x90")
    assert {(c["template"], c["size"]) for c in p.visible()} == {("bold-sale", "728x90")}
    assert "size=728x90" in p.page.evaluate("location.hash")  # filters live in the URL
    p.page.click("#reset")
    p.choose("segment", "students")
    (only,) = p.visible()
    assert only["segment"] == "students" and only["locale"] == "de-DE"
    p.choose("segment", "")
    p.choose("locale", "de-DE")
    assert len(p.visible()) == 2
    p.choose("locale", "")
    p.choose("product", p.page.evaluate("document.querySelector('.card[data-product-label=\"Glass Vase\"]').dataset.product"))
    assert {c["productLabel"] for c in p.visible()} == {"Glass Vase"}
    p.page.click("#reset")
    p.page.select_option("#group-by", "template")
    heads = p.page.evaluate("Array.from(document.querySelectorAll('#designs-groups .group h3')).map(h => h.firstChild.textContent.trim())")
    assert heads[-1] == "(none)" and heads[:-1] == sorted(heads[:-1])  # outputs without a manifest come last
    assert {"bold-sale", "festival", "minimal"} <= set(heads)
    assert len(p.visible()) == 17
    assert p.errors == []
    p.page.close()


@pytestmark_browser
def test_proposals_side_by_side_in_rank_order(browser, out_dir):
    build_gallery(out_dir)
    p = Page(browser, (out_dir / "index.html").as_uri())
    cards = p.page.evaluate("""() => Array.from(document.querySelectorAll('#proposals .card')).map(c => {
        const r = c.getBoundingClientRect(); return [c.querySelector('.rank').textContent, r.top, r.left]; })""")
    assert [c[0] for c in cards] == ["#1", "#2", "#3", "#4"]
    assert len({round(c[1]) for c in cards}) == 1 and [c[2] for c in cards] == sorted(c[2] for c in cards)
    manifest = p.page.text_content("#proposals .card .manifest pre")
    assert json.loads(manifest)["rank"] == 1
    assert p.page.text_content("#proposals .card .contrast-figures summary").startswith("contrast min")
    p.page.close()


@pytestmark_browser
def test_a_video_can_play(browser, out_dir):
    build_gallery(out_dir)
    p = Page(browser, (out_dir / "index.html").as_uri())
    state = p.page.evaluate("""async () => {
        const v = document.querySelector('video');
        await v.play();
        await new Promise(ok => { const t = () => v.currentTime > 0.1 ? ok() : setTimeout(t, 50); t(); });
        return {playing: !v.paused, time: v.currentTime, w: v.videoWidth, ready: v.readyState};
    }""")
    assert state["playing"] and state["time"] > 0.1 and state["w"] == 96 and state["ready"] >= 2
    assert p.errors == []
    p.page.close()


@pytestmark_browser
def test_serve_live_reloads_while_a_batch_writes(browser, out_dir, product_photos, tmp_path):
    import shutil

    from creative.gallery import serve_gallery

    folder = tmp_path / "live"
    shutil.copytree(out_dir / "banners", folder / "banners")
    ready, stop = threading.Event(), threading.Event()
    urls: list[str] = []
    builds: list = []

    def on_ready(url: str) -> None:
        urls.append(url)
        ready.set()

    t = threading.Thread(target=serve_gallery, args=(folder,), daemon=True,
                         kwargs=dict(port=0, stop_event=stop, on_ready=on_ready, on_build=builds.append, debounce_ms=100))
    t.start()
    try:
        assert ready.wait(30)
        assert urls[0].startswith("http://127.0.0.1:")
        p = Page(browser, urls[0] + "#template=minimal")
        before, total = len(p.visible()), p.count()
        assert before == 3  # minimal banners of two products; one manifest is unreadable
        prod = prepare_product(product_photos["round"], remover="fake")
        res = render_design(get_template("minimal"), prod, BRILLE, (300, 250))
        write_design(res, folder / "banners" / "new" / "minimal-300x250.png", prod, BRILLE)
        p.page.wait_for_function(f"document.querySelectorAll('.card').length > {total}", timeout=30000)
        p.page.wait_for_load_state("load")
        assert len(p.visible()) == before + 1  # reloaded, and the filter kept
        assert p.errors == []
        p.page.close()
    finally:
        stop.set()
        t.join(timeout=15)
    assert not t.is_alive() and len(builds) >= 2
