"""Clips, crop, material analysis, audio, transitions, text reveals, motion and the ``creative video`` command."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("av")

from creative.content import Content  # noqa: E402
from creative.errors import InputError  # noqa: E402
from creative.video import audio  # noqa: E402
from creative.video.clips import ClipReader, best_segment, probe  # noqa: E402
from creative.video.material import photo_crop, sort_material  # noqa: E402
from creative.video.encode import ffmpeg_exe  # noqa: E402


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    """A clip that starts black for 1.5 s then moves (with a tone), an audio file, broken files."""
    d = tmp_path_factory.mktemp("clips")
    good = d / "good.mp4"
    _ffmpeg("-f", "lavfi", "-i", "color=black:s=320x240:r=25:d=1.5", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2.5",
            "-f", "lavfi", "-i", "sine=frequency=500:duration=4", "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]",
            "-map", "[v]", "-map", "2:a", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
            str(good))
    rotated = d / "rotated.mp4"  # a phone clip filmed upright: landscape pixels, a 90° display matrix
    _ffmpeg("-display_rotation", "90", "-i", str(good), "-c", "copy", str(rotated))
    tone = d / "tone.m4a"
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:duration=2", str(tone))
    corrupt = d / "corrupt.mp4"
    corrupt.write_bytes(good.read_bytes()[:3000])
    empty = d / "empty.mp4"
    empty.write_bytes(b"")
    junk = d / "junk.mov"
    junk.write_bytes(b"this is not a video at all" * 40)
    return {"good": good, "rotated": rotated, "tone": tone, "corrupt": corrupt, "empty": empty, "junk": junk}


def test_probe_good_clip(clips):
    info = probe(clips["good"])
    assert info.size == (320, 240) and info.has_audio
    assert info.duration == pytest.approx(4.0, abs=0.15)


def test_clip_over_the_pixel_limit_is_refused_before_decoding(clips, monkeypatch):
    monkeypatch.setenv("CREATIVE_MAX_PIXELS", str(320 * 240 - 1))
    with pytest.raises(InputError, match=r"is 320x240 \(76,800 pixels a frame\), over the limit of 76,799") as e:
        probe(clips["good"])
    assert str(clips["good"]) in str(e.value)
    monkeypatch.setenv("CREATIVE_MAX_PIXELS", str(320 * 240))
    assert probe(clips["good"]).size == (320, 240)


@pytest.mark.parametrize("name, needle", [
    ("tone", "no video stream"), ("corrupt", "not a readable video"), ("empty", "empty"), ("junk", "not a readable video"),
])
def test_unusable_clips_are_reported(clips, name, needle):
    with pytest.raises(InputError, match=needle) as e:
        probe(clips[name])
    assert str(clips[name]) in str(e.value)


def test_best_segment_skips_black_start(clips):
    choice = best_segment(clips["good"], 2.0, 9 / 16)
    assert choice.start >= 1.5, f"chose {choice.start} s, inside the black opening"
    x0, y0, x1, y1 = choice.crop
    assert (x1 - x0) * 320 / ((y1 - y0) * 240) == pytest.approx(9 / 16, rel=0.02)


def test_rotated_clip_is_shown_upright(clips):
    assert probe(clips["rotated"]).size == (240, 320)
    r = ClipReader(clips["rotated"], 2.0, max_width=120)
    try:
        assert r.frame_at(0.0).shape == (160, 120, 3)
    finally:
        r.close()


def test_clip_reader_holds_last_frame(clips):
    r = ClipReader(clips["good"], 2.0)
    try:
        a = r.frame_at(0.0)
        b = r.frame_at(1.0)
        late = r.frame_at(30.0)
    finally:
        r.close()
    assert a.shape == (240, 320, 3) and np.abs(a.astype(int) - b).mean() > 1
    assert late.shape == a.shape


def test_photos_and_clips_promo(product_photos, clips, tmp_path):
    """The director keeps the usable clip (best segment, cropped), skips the broken ones, mixes clip sound."""
    from creative.video import load_storyboard, make_promo

    content = Content.create("Lamp", price="20")
    r = make_promo([product_photos["bottle"], clips["good"], clips["tone"], clips["corrupt"], tmp_path / "missing.jpg"],
                   content, tmp_path / "p.mp4", size=(160, 284), duration=5, remover="fake", style="bold",
                   clip_audio="mix")
    assert r.path.is_file()
    assert len(r.problems) == 3 and all("skipped" in p for p in r.problems), r.problems
    board = load_storyboard(tmp_path / "p.yaml")
    media = [s.media for s in board.scenes if s.media is not None]
    assert [m.kind for m in media] == ["clip"] and media[0].start >= 1.5 and media[0].audio == "mix"
    import av

    with av.open(str(r.path)) as c:
        assert len(c.streams.audio) == 1


def test_no_photo_is_an_error(clips, tmp_path):
    from creative.video import make_promo

    with pytest.raises(InputError, match="no usable product photo"):
        make_promo([clips["good"]], Content.create("X"), tmp_path / "x.mp4", remover="fake")


def test_photo_crop_follows_the_subject(tmp_path):
    from PIL import Image

    img = np.full((400, 800, 3), 235.0)
    img[150:250, 600:700] = (200, 30, 30)  # the subject, right of centre
    img = np.clip(img + np.random.default_rng(0).normal(0, 3, img.shape), 0, 255).astype(np.uint8)  # sensor noise
    p = tmp_path / "right.png"
    Image.fromarray(img).save(p)
    (x0, y0, x1, y1), (fx, fy) = photo_crop(p, 1.0)
    assert x1 - x0 == pytest.approx(0.5) and (y0, y1) == (0.0, 1.0)
    assert x0 <= 600 / 800 and x1 >= 700 / 800, "the subject is inside the crop"
    assert fx > 0.5 and 0.3 < fy < 0.7, "the Ken Burns move heads for the subject"


def test_photo_crop_uses_the_cutout_and_the_alpha(tmp_path):
    from dataclasses import dataclass

    from PIL import Image

    Image.new("RGB", (900, 300), (240, 240, 240)).save(tmp_path / "flat.png")

    @dataclass
    class Cut:  # the two fields of a creative.cutout.Cutout the crop reads
        bbox: tuple = (20, 100, 120, 200)
        center_of_mass: tuple = (70.0, 150.0)

    (x0, _, x1, _), _ = photo_crop(tmp_path / "flat.png", 1.0, cutout=Cut())
    assert (x0, x1) == (0.0, pytest.approx(1 / 3)), "crop around the cut-out's box, not the picture's middle"
    rgba = np.zeros((300, 900, 4), np.uint8)
    rgba[100:200, 750:850] = (20, 90, 200, 255)  # an already cut-out product at the right
    Image.fromarray(rgba).save(tmp_path / "cut.png")
    (x0, _, x1, _), _ = photo_crop(tmp_path / "cut.png", 1.0)
    assert x1 == pytest.approx(1.0) and x0 <= 750 / 900


def test_clip_crop_keeps_the_moving_subject(tmp_path):
    from creative.video.clips import segment_crop

    rng = np.random.default_rng(0)
    frames = []
    for k in range(4):  # a red square moving right across a grey 160x90 frame (a 9:16 crop is 51 px wide)
        f = np.full((90, 160, 3), 128.0)
        f[30:60, 95 + 6 * k:115 + 6 * k] = (220, 20, 20)
        frames.append(np.clip(f + rng.normal(0, 3, f.shape), 0, 255).astype(np.uint8))
    x0, y0, x1, y1 = segment_crop(frames, (1280, 720), 9 / 16)
    assert (x1 - x0) * 1280 / ((y1 - y0) * 720) == pytest.approx(9 / 16, rel=0.01)
    assert x0 <= 95 / 160 and x1 >= 133 / 160, ("the square is in the crop in every frame", x0, x1)


def test_material_analysis_skips_bad_material_and_picks_the_hero(product_photos, clips, tmp_path):
    """Blurry, duplicate and too-small photos are skipped with the file and the reason; the hero
    is the analysis' pick, whatever the order given; broken clips keep the decoder's reason."""
    from PIL import Image

    with Image.open(product_photos["bottle"]) as im:
        im.resize((40, 54)).save(tmp_path / "tiny.png")
        im.save(tmp_path / "bottle-copy.png")
    given = [product_photos["bottle"], product_photos["round"], tmp_path / "tiny.png", product_photos["wide"],
             tmp_path / "bottle-copy.png", clips["good"], clips["tone"]]
    mat = sort_material(given, size=(180, 320))
    assert mat.photos[0] == product_photos["wide"], "the analysis' hero comes first"
    assert set(mat.photos) == {product_photos["wide"], product_photos["bottle"]} or \
        set(mat.photos) == {product_photos["wide"], tmp_path / "bottle-copy.png"}
    assert [p for p, _ in mat.clips] == [clips["good"]]
    text = "\n".join(mat.problems)
    assert f"skipped {product_photos['round']}: blurry" in text
    assert f"skipped {tmp_path / 'tiny.png'}: too small" in text
    assert "duplicate of" in text
    assert f"{clips['tone']}: no video stream" in text
    assert len(mat.problems) == 4, mat.problems
    assert mat.styles, "the hero's tone suggests styles"


def test_only_a_rejected_photo_is_used_with_a_warning(product_photos, tmp_path):
    from creative.video import load_storyboard, plan_promo

    story, problems = plan_promo([product_photos["round"]], Content.create("Ball"), tmp_path / "s.yaml",
                                 size=(120, 120), duration=3, remover="fake")
    assert problems == [f"{product_photos['round']}: blurry (sharpness 33 < 40); used anyway, as no other photo "
                        "passed the checks"], problems
    assert load_storyboard(story).product.photo.endswith("round.png")


# --- audio -------------------------------------------------------------------------------------

def test_synth_bed_is_deterministic_and_on_tempo():
    a = audio.synth_bed(6.0, 120.0, seed=3)
    b = audio.synth_bed(6.0, 120.0, seed=3)
    assert a.shape == (6 * audio.RATE, 2) and np.array_equal(a, b)
    from creative.video.beats import beat_times

    tempo, beats = beat_times(a, audio.RATE)
    assert tempo == pytest.approx(120.0, rel=0.02)
    assert max(min(abs(b - k * 0.5) for k in range(13)) for b in beats) < 0.03


def test_normalize_to_target_loudness_and_peak():
    x = audio.synth_bed(5.0, 110.0) * 0.1
    y = audio.normalize(x, -14.0)
    assert audio.loudness(y) == pytest.approx(-14.0, abs=0.5)
    assert float(np.abs(y).max()) <= audio.PEAK_CEILING + 1e-6
    silent = np.zeros((audio.RATE, 2), np.float32)
    assert np.array_equal(audio.normalize(silent), silent)


def test_voiceover_ducks_the_music():
    music = np.full((audio.RATE * 4, 2), 0.2, np.float32)
    voice = np.zeros_like(music)
    voice[audio.RATE: audio.RATE * 2] = 0.5 * np.sin(np.arange(audio.RATE) * 0.05)[:, None]
    ducked = audio.duck(music, voice, -12.0)
    assert float(np.abs(ducked[int(1.5 * audio.RATE)]).max()) < 0.2 * 10 ** (-9 / 20)
    assert float(ducked[int(0.5 * audio.RATE), 0]) == pytest.approx(0.2, abs=1e-3)
    assert float(ducked[int(3.8 * audio.RATE), 0]) == pytest.approx(0.2, abs=0.01)


def test_fades_start_and_end_silent():
    x = np.ones((audio.RATE, 2), np.float32)
    y = audio.fades(x, 0.2, 0.3)
    assert y[0, 0] == 0.0 and y[-1, 0] < 1e-3 and y[audio.RATE // 2, 0] == 1.0


def test_voiceover_and_user_music_in_a_render(product_photos, clips, tmp_path):
    from creative.video import load_storyboard, make_promo

    r = make_promo([product_photos["round"]], Content.create("Ball"), tmp_path / "v.mp4", size=(120, 120), duration=3,
                   remover="fake", music=clips["good"], voiceover=clips["tone"])
    board = load_storyboard(tmp_path / "v.yaml")
    assert board.music.file and board.voiceover is not None
    assert r.loudness == pytest.approx(-14.0, abs=1.0)


# --- transitions, motion, text ------------------------------------------------------------------

def test_transitions_start_at_a_and_end_at_b():
    from creative.video.transitions import TRANSITIONS

    assert len(set(TRANSITIONS) - {"cut"}) >= 5
    a = np.zeros((40, 60, 3), np.uint8)
    a[:] = (200, 10, 10)
    b = np.zeros_like(a)
    b[:] = (10, 10, 200)
    for name, fn in TRANSITIONS.items():
        out = np.empty_like(a)
        fn(a, b, 1.0, out, (255, 255, 255))
        assert np.abs(out.astype(int) - b).mean() < 3, name
        fn(a, b, 0.0, out, (255, 255, 255))
        expected = b if name == "cut" else a
        assert np.abs(out.astype(int) - expected).mean() < 3, name
    out = np.empty_like(a)
    TRANSITIONS["fade-color"](a, b, 0.5, out, (255, 255, 0))
    assert tuple(out[0, 0]) == (255, 255, 0)


def test_easing_and_entrances():
    from creative.video.motion import ease, entrance

    for name in ("linear", "ease-in", "ease-out", "ease-in-out", "back-out", "elastic-out"):
        assert ease(name, 0.0) == pytest.approx(0.0, abs=1e-9) and ease(name, 1.0) == pytest.approx(1.0)
    assert ease("back-out", 0.7) > 1.0  # overshoot
    assert entrance("pop", 0.0, "back-out", (100, 100), (200, 200)).scale == pytest.approx(0.0)
    assert entrance("slide-left", 0.0, "ease-out", (100, 100), (200, 200)).dx > 0
    assert entrance("fade", 1.0, "linear", (1, 1), (2, 2)).opacity == 1.0


@pytest.mark.parametrize("text, mode, n", [
    ("Hello big world", "words", 3), ("Hello big world", "chars", 13), ("大丽花花束", "chars", 5), ("大丽花花束", "words", 5),
])
def test_reveal_units(text, mode, n):
    from creative.video.textanim import _units
    from creative.text import fit_text

    family = "noto-sans-cjk" if not text.isascii() else "inter"
    block = fit_text(text, (2000, 200), family=family, max_size=60, max_lines=1)
    units = _units(block, mode)
    assert len(units) == n
    xs = [u[1] for u in units]
    assert xs == sorted(xs) and units[-1][2] <= block.width + 1


def test_word_reveal_shows_first_word_first():
    from creative.video.spec import Text
    from creative.video.textanim import build

    item = Text(text="Alpha Beta", box=(0.0, 0.0, 1.0, 1.0), animation="words", duration=1.0, max_size=0.3,
                align="left", color="#000000")
    ts = build(item, (400, 100), {}, None)
    frame = np.full((100, 400, 3), 255, np.uint8)
    ts.draw(frame, 0.3)  # first word in, second not yet
    ink = (frame.min(axis=2) < 128)
    cols = np.nonzero(ink.any(axis=0))[0]
    assert cols.size and cols.max() < ts.origin[0] + ts.glyphs.size[0] * 0.62
    frame2 = np.full((100, 400, 3), 255, np.uint8)
    ts.draw(frame2, 2.0)
    assert (frame2.min(axis=2) < 128).sum() > ink.sum() * 1.5


# --- CLI ----------------------------------------------------------------------------------------

def _cli(args: list[str]):
    from typer.testing import CliRunner

    from creative.cli import app
    from creative.cli import video

    if not any(getattr(g, "name", None) == "video" for g in app.registered_groups):
        video.register(app)
    return CliRunner().invoke(app, args)


def test_cli_direct_form_plan_and_render(product_photos, tmp_path):
    out = tmp_path / "d.mp4"
    r = _cli(["video", str(product_photos["bottle"]), "--title", "Bottle", "--price", "9", "--size", "120x160",
              "--duration", "3", "--remover", "fake", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.is_file() and out.with_suffix(".png").is_file() and out.with_suffix(".yaml").is_file()
    story = tmp_path / "s.yaml"
    r = _cli(["video", "plan", str(product_photos["bottle"]), "--title", "Bottle", "--size", "1:1", "--duration", "3",
              "--remover", "fake", "--out", str(story)])
    assert r.exit_code == 0, r.output
    r = _cli(["video", "validate", str(story)])
    assert r.exit_code == 0 and "ok" in r.output
    text = story.read_text().replace("size: [1080, 1080]", "size: [100, 100]")
    story.write_text(text)
    r = _cli(["video", "render", str(story), "--out", str(tmp_path / "r.mp4"), "--no-poster"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "r.mp4").is_file() and not (tmp_path / "r.png").exists()


def test_cli_validate_reports_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("size: [100, 100]\ncontent: {title: X}\npalette: {}\nscenes: []\nwobble: 1\n")
    r = _cli(["video", "validate", str(bad)])
    assert r.exit_code == 1
    assert f"{bad}:5: wobble: unknown field" in r.output


def test_cli_bad_size_is_a_usage_error(product_photos, tmp_path):
    r = _cli(["video", "make", str(product_photos["bottle"]), "--title", "B", "--size", "101x100",
              "--out", str(tmp_path / "x.mp4")])
    assert r.exit_code != 0
    assert "even width and height" in str(r.exception) + r.output


def test_cli_module_imports_nothing_heavy():
    import sys

    code = ("import sys, creative.cli.video, creative.video; "
            "print(sorted(m for m in ('cv2', 'av', 'moviepy', 'imageio_ffmpeg', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


@pytest.mark.parametrize("options, needle", [
    ({"fps": 0}, "frame rate"), ({"size": (10000, 100)}, "16 to 4096"), ({"duration": 0.5}, "duration"),
    ({"style": "nope"}, "unknown video style"), ({"clip_audio": "loud"}, "clip audio"),
])
def test_bad_options_are_usage_errors(product_photos, tmp_path, options, needle):
    from creative.errors import UsageError
    from creative.video import make_promo

    with pytest.raises(UsageError, match=needle):
        make_promo([product_photos["bottle"]], Content.create("X"), tmp_path / "x.mp4", remover="fake", **options)


def test_unknown_preset_is_a_usage_error(tmp_path):
    from creative.errors import UsageError
    from creative.video import parse_storyboard, render_storyboard

    from test_video_render import HAND_WRITTEN  # noqa: PLC0415

    with pytest.raises(UsageError, match="x264 preset"):
        render_storyboard(parse_storyboard(HAND_WRITTEN), tmp_path / "x.mp4", preset="warp9")
