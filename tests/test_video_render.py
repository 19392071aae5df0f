"""Short low-resolution renders, checked by decoding the MP4 with PyAV."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

av = pytest.importorskip("av")

from creative.content import Content  # noqa: E402
from creative.video import dump_storyboard, load_storyboard, make_promo, parse_storyboard, render_frame  # noqa: E402
from creative.video.promo import plan_promo, render_promo  # noqa: E402

SIZE = (180, 320)
DURATION = 6.0
STYLE = "bold"  # cuts, zooms and slides: every scene of this tiny render moves visibly


def decode(path: Path) -> dict:
    """Video stream facts, every frame (RGB) and the audio (mono float) of an MP4."""
    with av.open(str(path)) as c:
        vs = c.streams.video[0]
        info = {
            "codec": vs.codec_context.name, "pix_fmt": vs.codec_context.pix_fmt, "size": (vs.width, vs.height),
            "fps": float(vs.average_rate), "duration": float(c.duration / 1_000_000),
            "audio": [s.codec_context.name for s in c.streams.audio],
        }
        info["frames"] = [f.to_ndarray(format="rgb24") for f in c.decode(vs)]
    with av.open(str(path)) as c:
        chunks = [f.to_ndarray().astype(np.float32).reshape(-1) for f in c.decode(c.streams.audio[0])] if c.streams.audio else []
    info["samples"] = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    return info


@pytest.fixture(scope="module")
def content():
    return Content.create("Trail Runner 2", subhead="Light, grippy, fast", price="89", original_price="129", brand="Peak")


@pytest.fixture(scope="module")
def promo(product_photos, content, tmp_path_factory):
    out = tmp_path_factory.mktemp("promo") / "promo.mp4"
    result = make_promo([product_photos["bottle"], product_photos["wide"]], content, out, size=SIZE,
                        duration=DURATION, remover="fake", style=STYLE, preview="gif")
    return result, decode(out)


def test_mp4_format_duration_size_rate(promo):
    result, info = promo
    assert result.path.is_file() and not result.skipped
    assert info["codec"] == "h264" and info["pix_fmt"] == "yuv420p"
    assert info["size"] == SIZE
    assert info["fps"] == pytest.approx(30.0)
    assert len(info["frames"]) == int(DURATION * 30)
    assert info["duration"] == pytest.approx(DURATION, abs=0.1)
    with open(result.path, "rb") as fh:
        head = fh.read(4096)
    assert head.find(b"moov") != -1 and head.find(b"moov") < max(head.find(b"mdat"), 4096), "faststart: moov before mdat"


def test_audio_present_and_not_silent(promo):
    _, info = promo
    assert info["audio"] == ["aac"]
    rms = float(np.sqrt(np.mean(info["samples"] ** 2)))
    assert rms > 0.05, f"audio RMS {rms:.4f}: silent?"
    assert float(np.abs(info["samples"]).max()) <= 1.0


def test_frames_change_and_none_black(promo):
    _, info = promo
    frames = info["frames"]
    means = [float(f.mean()) for f in frames]
    assert min(means) > 25, f"a black frame (mean {min(means):.1f})"
    def changed(a, b) -> float:
        """Share of pixels that visibly changed (by more than compression noise)."""
        return float((np.abs(a.astype(np.int16) - b).max(axis=2) > 24).mean())

    # every half second the picture differs from the half second before: no still shots
    for i in range(15, len(frames), 15):
        assert changed(frames[i], frames[i - 15]) > 0.002, f"frames {i - 15} and {i} are the same"
    # and something moves within every third of a second (idle motion; at this tiny size a
    # sub-pixel drift may leave a few neighbouring frames equal)
    still = [i for i in range(10, len(frames)) if changed(frames[i], frames[i - 10]) < 0.0003]
    assert not still, f"nothing moves between frames {still[:5]}... and 10 frames before"


def test_text_is_where_the_storyboard_puts_it(promo):
    result, info = promo
    board = load_storyboard(result.path.with_suffix(".yaml"))
    starts = board.starts()
    base = result.path.parent
    checked = 0
    for k, scene in enumerate(board.scenes):
        if scene.kind not in ("hero", "offer") or not scene.texts:
            continue
        t = starts[k] + scene.duration - 0.25  # every text has finished animating
        i = int(round(t * board.fps))
        without = board.model_copy(update={"scenes": tuple(
            s.model_copy(update={"texts": ()}) if j == k else s for j, s in enumerate(board.scenes))})
        bare = render_frame(without, i / board.fps, base_dir=base).astype(np.int16)
        decoded = info["frames"][i].astype(np.int16)
        diff = np.abs(decoded - bare).max(axis=2)
        text_mask = np.zeros(diff.shape, bool)
        for item in scene.texts:
            x0, y0, x1, y1 = item.box
            h, w = diff.shape
            region = diff[int(y0 * h):int(np.ceil(y1 * h)), int(x0 * w):int(np.ceil(x1 * w))]
            assert (region > 60).mean() > 0.02, f"{scene.id}: no text drawn in the box of '{item.text}'"
            text_mask[int(y0 * h):int(np.ceil(y1 * h)), int(x0 * w):int(np.ceil(x1 * w))] = True
        outside = diff[~text_mask]
        assert (outside > 60).mean() < 0.01, f"{scene.id}: something other than text differs outside the text boxes"
        checked += 1
    assert checked == 2


def test_poster_preview_and_manifest(promo):
    result, _ = promo
    from PIL import Image

    with Image.open(result.poster) as im:
        assert im.size == SIZE and im.format == "PNG"
    with Image.open(result.preview) as im:
        assert im.format == "GIF" and getattr(im, "n_frames", 1) > 10
    manifest = json.loads(result.path.with_suffix(".json").read_text())
    assert manifest["frames"] == int(DURATION * 30)
    assert manifest["loudness_lufs"] == pytest.approx(-14.0, abs=1.0)
    assert [s["kind"] for s in manifest["scenes"]][-1] == "end"


def test_rerun_skips_and_is_deterministic(promo, product_photos, content, tmp_path):
    result, _ = promo
    again = make_promo([product_photos["bottle"], product_photos["wide"]], content, result.path, size=SIZE,
                       duration=DURATION, remover="fake", style=STYLE, preview="gif")
    assert again.skipped
    other = make_promo([product_photos["bottle"], product_photos["wide"]], content, tmp_path / "promo.mp4", size=SIZE,
                       duration=DURATION, remover="fake", style=STYLE)
    digest = lambda p: hashlib.sha256(Path(p).read_bytes()).hexdigest()  # noqa: E731
    assert digest(other.path) == digest(result.path), "same inputs, same video"


def test_plan_edit_render(product_photos, content, tmp_path):
    story, problems = plan_promo([product_photos["wide"]], content, tmp_path / "story.yaml", size=(160, 160),
                                 duration=3, remover="fake", style="luxury")
    assert problems == []
    board = load_storyboard(story)
    hero = next(s for s in board.scenes if s.kind == "hero")
    edited = board.model_copy(update={"scenes": tuple(
        s.model_copy(update={"texts": (s.texts[0].model_copy(update={"text": "EDITED"}),)}) if s is hero else s
        for s in board.scenes)})
    story.write_text(dump_storyboard(edited), encoding="utf-8")
    r = render_promo(story, tmp_path / "out.mp4", poster=False, preview="webp")
    from PIL import Image

    with Image.open(r.preview) as im:
        assert im.format == "WEBP" and getattr(im, "n_frames", 1) > 5
    info = decode(r.path)
    assert info["size"] == (160, 160) and len(info["frames"]) == 90
    scenes = json.loads(r.path.with_suffix(".json").read_text())["scenes"]
    assert "EDITED" in next(s for s in scenes if s["kind"] == "hero")["texts"]


HAND_WRITTEN = """
size: [320, 240]
fps: 20
content: {title: Mug}
palette: {background: '#f4efe6', surface: '#dcd2c0', accent: '#c2410c', highlight: '#0f766e',
          text_on_background: '#1c1917', muted_on_background: '#57534e', text_on_surface: '#1c1917',
          text_on_accent: '#ffffff', text_on_highlight: '#ffffff'}
music: {tempo: 90, mood: warm}
scenes:
  - id: hello
    kind: hook
    duration: 1.5
    backdrop: {fill: {kind: linear, color: background, color2: surface}}
    texts:
      - {text: 你好，世界, box: [0.1, 0.2, 0.9, 0.5], animation: chars, duration: 0.6, font: noto-sans-cjk, max_size: 0.12}
  - id: bye
    kind: end
    duration: 1.5
    backdrop: {fill: {kind: solid, color: accent}}
    shapes: [{shape: ellipse, box: [0.3, 0.2, 0.7, 0.8], fill: {color: highlight}}]
    transition: {kind: zoom, duration: 0.5}
    texts:
      - {text: Shop now, box: [0.2, 0.7, 0.8, 0.9], color: text_on_accent, animation: scale}
"""


def test_hand_written_storyboard_renders(tmp_path):
    from creative.video import render_storyboard

    board = parse_storyboard(HAND_WRITTEN)
    r = render_storyboard(board, tmp_path / "hand.mp4", base_dir=tmp_path)
    info = decode(r.path)
    assert info["size"] == (320, 240) and len(info["frames"]) == 60 and info["fps"] == pytest.approx(20.0)
    # the CJK line reveals one character at a time: coverage grows in steps during the reveal
    ink = [int((fr[48:120, 32:288].mean(axis=2) < 90).sum()) for fr in info["frames"][:30]]
    assert 0 < ink[6] < ink[10] < ink[14] < ink[24], ink
