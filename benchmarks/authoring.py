#!/usr/bin/env python3
"""Template authoring and review benchmark (issue 6): the preview loop, SVG export, the gallery.

``run(work)`` returns the markdown section for ``docs/benchmarks.md``. The issue sets no numbers;
the targets below are ours, from what keeps the loop interactive: a saved template is back on
screen in under 2 s, a gallery of a 200-banner batch rebuilds in under 2 s while a batch runs.
The yardstick (``../shared/bench/naive_banner.py``, plain Pillow) renders as many banners in the
same run, so the preview's cost can be read against it on this noisy shared machine.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

REPEATS = 3


def _best(fn, repeats: int = REPEATS) -> float:
    return min(fn() for _ in range(repeats))


def _cutout(work: Path) -> Path:
    from creative.testing.fixtures import synthetic_product

    photo, mask = synthetic_product("bottle")
    rgba = photo.convert("RGBA")
    rgba.putalpha(mask)
    p = work / "product.png"
    rgba.save(p)
    return p


def _yardstick(cutout: Path, n: int, work: Path) -> float:
    script = SHARED / "bench" / "naive_banner.py"
    if not script.is_file():
        return float("nan")

    def once() -> float:
        out = work / "naive"
        shutil.rmtree(out, ignore_errors=True)
        r = subprocess.run([sys.executable, str(script), "--cutout", str(cutout), "-n", str(n), "--out", str(out)],
                           capture_output=True, text=True, check=True)
        m = re.search(r"in ([\d.]+) s", r.stdout)
        return float(m.group(1)) if m else float("nan")

    return _best(once)


def run(work: Path) -> str:
    from creative.content import Content
    from creative.design import prepare_product, render_design, write_design
    from creative.gallery import build_gallery
    from creative.render.svg import build_svg
    from creative.sizes import STANDARD_SIZES, format_size
    from creative.template import all_templates, get_template
    from creative.template.preview import PreviewProduct, PreviewSession

    work.mkdir(parents=True, exist_ok=True)
    cutout = _cutout(work)
    content = Content.create("Espresso Cup Set", subhead="Hand-glazed stoneware", price="19.99",
                             original_price="29.99", brand="Caffè Rosso")
    session = PreviewSession([PreviewProduct("bottle", cutout, content)], list(STANDARD_SIZES), remover="alpha")
    tpl = get_template("minimal")
    session.render(tpl)  # warm: fonts loaded, product cut out once per session (as in `watch`)
    # each re-render is of an edited template (another margin): every box, fit and base image is new
    edits = iter(tpl.model_copy(update={"margin": 0.05 + 0.002 * i}) for i in range(REPEATS))
    preview = _best(lambda: _timed(lambda: session.write(next(edits), work / "preview.png")))
    naive = _yardstick(cutout, len(STANDARD_SIZES), work)

    prod = prepare_product(cutout, remover="alpha")
    res = render_design(tpl, prod, content, (1080, 1080))
    svg_plain = _best(lambda: _timed(lambda: build_svg(res.layout, tpl, res.palette, res.rendered.texts, str(prod.cutout_path))))
    svg_first = _timed(lambda: build_svg(res.layout, tpl, res.palette, res.rendered.texts, str(prod.cutout_path),
                                         embed_fonts=True))
    svg_fonts = _best(lambda: _timed(lambda: build_svg(res.layout, tpl, res.palette, res.rendered.texts,
                                                       str(prod.cutout_path), embed_fonts=True)))

    out = work / "batch"
    designs = [(t, s) for t in all_templates() for s in STANDARD_SIZES][:40]
    for t, s in designs:
        write_design(render_design(t, prod, content, s), out / "p0" / f"{t.name}-{format_size(s)}.png", prod, content)
    for i in range(1, 5):  # 200 banners: the first 40 copied into four more product folders
        shutil.copytree(out / "p0", out / f"p{i}")
    n_items = sum(1 for _ in out.rglob("*.png"))
    t0 = time.perf_counter()
    build_gallery(out)
    cold = time.perf_counter() - t0
    warm = _best(lambda: _timed(lambda: build_gallery(out)))
    page_kb = (out / "index.html").stat().st_size / 1024

    def row(what, value, target, ok, note):
        return f"| {what} | {value} | {target} | {'met' if ok else 'not met'} | {note} |"

    ratio = preview / naive if naive == naive else float("nan")
    lines = [
        "## Template authoring and review (issue 6)",
        "",
        "| measure | value | target (ours) | status | method |",
        "| --- | --- | --- | --- | --- |",
        row("preview re-render, 1 product x 8 standard sizes (watch loop)", f"{preview:.2f} s", "< 2 s",
            preview < 2.0, f"`PreviewSession.write`, best of {REPEATS}; naive Pillow yardstick for 8 banners: "
            f"{naive:.2f} s (ratio {ratio:.1f}x, for richer layout, fitting, contrast checks and the contact sheet)"),
        row("SVG export, 1080x1080 minimal, fonts referenced", f"{svg_plain * 1000:.0f} ms", "< 500 ms",
            svg_plain < 0.5, "`build_svg` after `render_design`; product PNG encoded into the SVG"),
        row("SVG export with embedded subset fonts", f"{svg_first * 1000:.0f} ms first, {svg_fonts * 1000:.0f} ms after",
            "< 1 s in a batch", svg_fonts < 1.0, "fontTools subsetting (Inter here; the 16 MB CJK font adds about 1-2 s once), "
            "cached per font and character set"),
        row(f"gallery build, {n_items} banners, cold", f"{cold:.1f} s", "-", True,
            "thumbnails for every banner (thread pool), then the page"),
        row(f"gallery rebuild, {n_items} banners, warm", f"{warm:.2f} s", "< 2 s", warm < 2.0,
            f"thumbnails up to date: scan, manifests, page ({page_kb:.0f} KB); what `--serve` does per burst"),
        "",
        "SVG fidelity is tested, not benchmarked: `tests/test_svg.py` rasterises SVGs in Chromium (every bundled "
        "template once, every standard size once) and requires a whole-image mean difference <= 3.5, <= 1.2 % of "
        "pixels changed strongly, and <= 16 inside each text box after a 3x box filter (a headline moved by 1 % of "
        "the canvas scores 22+). Over all 64 template x size pairs (measured once by hand): mean <= 3.06 "
        "(median 0.6), strongly changed <= 1.13 %, text boxes <= 19.5 (median 7.4; the worst are 10-12 px "
        "texts at 300x250, where anti-aliasing is most of each glyph).",
    ]
    return "\n".join(lines) + "\n"


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    import tempfile

    print(run(Path(tempfile.mkdtemp(prefix="creative-bench-authoring-"))))
