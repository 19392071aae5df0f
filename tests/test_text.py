"""creative.text: font registry and fallback, fitting (measure only), and drawing what was measured."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from creative.errors import TextFitError, UsageError
from creative.text import (
    block_mask,
    draw_block,
    families,
    fit_text,
    get_font,
    ink_box,
    measure_line,
    split_runs,
)
from creative.text import fonts
from creative.text.chars import NO_LINE_END, NO_LINE_START, detect_direction
from creative.text.fit import PHRASE_SIZE_SHARE

MIXED = "双11 狂欢价 Sale −50%"
HAS_EMOJI_FONT = fonts.DEFAULT_EMOJI_FONT.is_file()
needs_emoji_font = pytest.mark.skipif(not HAS_EMOJI_FONT, reason="apt-get install fonts-noto-color-emoji")


@pytest.fixture
def no_emoji(monkeypatch):
    monkeypatch.setenv(fonts.EMOJI_ENV, "")


@pytest.fixture
def default_emoji(monkeypatch):
    monkeypatch.delenv(fonts.EMOJI_ENV, raising=False)


def _bbox_inside(inner, outer) -> bool:
    return inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


# --- registry -----------------------------------------------------------------------------


def test_every_family_comes_from_a_package():
    assert families() == sorted(
        ["inter", "montserrat", "bebas-neue", "playfair-display", "noto-sans", "noto-sans-cjk",
         "noto-sans-arabic", "noto-sans-devanagari", "noto-sans-thai", "noto-sans-khmer", "noto-sans-tamil",
         "noto-sans-telugu"]
    )
    for slug in families():
        for weight in (400, 700):
            path = get_font(slug, weight, 24).path
            assert "site-packages" in path and "/usr/share/fonts" not in path, path
            assert Path(path).is_file()


def test_unknown_family_fails_and_lists_choices():
    with pytest.raises(UsageError, match=r"unknown font family 'comic-sans'; choose one of: bebas-neue, inter"):
        get_font("comic-sans", 400, 20)
    with pytest.raises(UsageError, match="unknown font family"):
        fit_text("Sale", (100, 100), family="comic-sans", max_size=40)


@pytest.mark.parametrize("weight", [0, 50, 950, 1000])
def test_weight_out_of_range_is_a_usage_error(weight):
    with pytest.raises(UsageError, match="weight"):
        get_font("inter", weight, 20)


def test_variable_weights_follow_each_fonts_axis_order():
    assert get_font("inter", 900, 40).getlength("Sale") > get_font("inter", 300, 40).getlength("Sale")
    # Noto Sans lists its axes as [wght, wdth]: setting them by hand in that order must agree.
    path = str(fonts.FAMILIES["noto-sans"].path(700))
    manual = ImageFont.truetype(path, 40, layout_engine=ImageFont.Layout.RAQM)
    manual.set_variation_by_axes([700, 100])
    assert get_font("noto-sans", 700, 40).getlength("Wide Sale") == manual.getlength("Wide Sale")
    assert get_font("noto-sans", 700, 40).getlength("Wide Sale") > get_font("noto-sans", 200, 40).getlength("Wide Sale")


def test_cjk_weight_picks_regular_or_bold_file_and_get_font_is_cached():
    assert get_font("noto-sans-cjk", 700, 30).path.endswith("NotoSansCJKtc-Bold.otf")
    assert get_font("noto-sans-cjk", 400, 30).path.endswith("NotoSansCJKtc-Regular.otf")
    assert get_font("noto-sans-cjk", 600, 30) is get_font("noto-sans-cjk", 800, 30)
    assert get_font("inter", 700, 33) is get_font("inter", 700, 33)


# --- fallback -----------------------------------------------------------------------------


def test_mixed_cjk_latin_splits_into_runs_without_dropping():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        runs = split_runs(MIXED, "inter", 700)
    assert runs == [
        ("noto-sans-cjk", "双"),
        ("inter", "11 "),
        ("noto-sans-cjk", "狂欢价 "),
        ("inter", "Sale −50%"),
    ]
    assert fonts.uncovered(MIXED, "inter", 700) == ()


def test_scripts_fall_back_per_word():
    runs = split_runs("Привет Ελλάδα สวัสดี مرحبا नमस्ते", "montserrat", 700)
    # Montserrat has only a few Greek letters: the whole Greek word goes to Noto Sans
    # (which also covers Devanagari, so the Devanagari family is rarely reached).
    assert runs == [("montserrat", "Привет "), ("noto-sans", "Ελλάδα "), ("noto-sans-thai", "สวัสดี "),
                    ("noto-sans-arabic", "مرحبا "), ("noto-sans", "नमस्ते")]
    assert split_runs("नमस्ते", "noto-sans-devanagari", 700) == [("noto-sans-devanagari", "नमस्ते")]


def test_rendered_mixed_text_has_no_tofu():
    block = fit_text(MIXED, (2000, 200), family="inter", max_size=64)
    assert len(block.lines) == 1 and block.size == 64
    for run in block.lines[0].runs:
        font = get_font(run.family, 700, block.size)
        notdef = np.asarray(font.getmask("\U0010fffd"))
        for ch in run.text.replace(" ", ""):
            assert ord(ch) in fonts.coverage(run.family, 700)
            glyph = np.asarray(font.getmask(ch, language=fonts.run_language(run.family, ch)))
            assert glyph.any(), ch
            assert glyph.shape != notdef.shape or (glyph != notdef).any(), f"{ch!r} renders as .notdef"
    # and every run leaves ink where it was measured
    box = (0, 0, 2000, 200)
    mask = np.asarray(block_mask(block, box, (2000, 200)))
    x0 = ink_box(block, box)[0] + block.lines[0].x
    for run in block.lines[0].runs:
        assert mask[:, int(x0 + run.x) : int(x0 + run.x + run.width)].any(), run


def _render_alone(font, text, lang):
    im = Image.new("L", (400, 400))
    ImageDraw.Draw(im).text((50, 300), text, font=font, fill=255, anchor="ls", language=lang)
    return np.asarray(im.crop(im.getbbox()))


def test_han_runs_use_simplified_forms():
    block = fit_text("骨", (300, 300), family="inter", max_size=120)
    font = get_font("noto-sans-cjk", 700, block.size)
    hans, hant = _render_alone(font, "骨", "zh-Hans"), _render_alone(font, "骨", "zh-Hant")
    assert hans.shape != hant.shape or (hans != hant).any()
    mask = block_mask(block, (0, 0, 300, 300), (300, 300))
    drawn = np.asarray(mask.crop(mask.getbbox()))
    assert drawn.shape == hans.shape and (drawn == hans).all()


def test_uncovered_characters_are_dropped_with_a_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        block = fit_text("Sale שלום", (400, 100), family="inter", max_size=40)
    assert [str(w.message) for w in caught if w.category is fonts.MissingGlyphWarning] == [
        f"no bundled font covers U+{ord(c):04X} {c!r}; dropped" for c in "שלום"
    ]
    assert block.lines[0].text == "Sale"
    assert set(block.dropped) == set("שלום")
    assert detect_direction("שלום Sale") == "rtl"


# --- emoji --------------------------------------------------------------------------------


def test_emoji_dropped_with_warning_when_disabled(no_emoji):
    assert fonts.emoji_font_path() is None
    assert "emoji" not in fonts.fallback_chain("inter")
    with pytest.warns(fonts.MissingGlyphWarning, match=r"U\+1F600 '😀'; dropped \(no colour emoji font"):
        block = fit_text("Sale 😀", (400, 100), family="inter", max_size=40)
    assert [ln.text for ln in block.lines] == ["Sale"]
    assert block.dropped == ("😀",)
    with pytest.warns(fonts.MissingGlyphWarning):
        empty = fit_text("😀🎉", (400, 100), family="inter", max_size=40)
    assert empty.lines == () and empty.width == 0 and empty.height == 0


def test_emoji_env_must_name_a_file(monkeypatch):
    monkeypatch.setenv(fonts.EMOJI_ENV, "/nonexistent/emoji.ttf")
    with pytest.raises(UsageError, match="CREATIVE_EMOJI_FONT"):
        fit_text("Sale 😀", (400, 100), family="inter", max_size=40)


@needs_emoji_font
def test_emoji_render_in_colour_at_the_line_size(default_emoji):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        block = fit_text("Sale 🎉", (600, 200), family="inter", max_size=60)
    assert [r.family for r in block.lines[0].runs] == ["inter", "emoji"]
    emoji_run = block.lines[0].runs[1]
    assert emoji_run.width == pytest.approx(60 * 1.245, rel=0.05)  # 136 px advance at 109 px, scaled
    canvas = Image.new("RGBA", (600, 200), (255, 255, 255, 255))
    box = (0, 0, 600, 200)
    draw_block(canvas, block, box, (0, 0, 0, 255))
    x = ink_box(block, box)[0] + int(block.lines[0].x + emoji_run.x)
    rgb = np.asarray(canvas.convert("RGB"))[:, x : x + int(emoji_run.width)].astype(int)
    saturation = rgb.max(axis=2) - rgb.min(axis=2)
    assert saturation.max() > 100  # coloured pixels, not black text
    assert _bbox_inside(block_mask(block, box, (600, 200)).getbbox(), ink_box(block, box))


# --- fitting ------------------------------------------------------------------------------

LATIN = ["Summer", "Sale", "50%", "off", "everything", "New", "arrivals", "well-known", "jiffy", "(limited)", "—",
         "Supercalifragilisticexpialidocious"]
CJK = ["双11", "狂欢价", "全场五折", "限时抢购！", "「特价」", "今天，", "商品。", "新品上市"]
ARABIC = ["خصم", "على", "كل", "شيء", "تخفيضات", "الصيف", "٥٠٪"]
EMOJI = ["😀", "🎉", "👍🏽", "🇯🇵", "❤️"]


def _words(pool, lo=1, hi=10, sep=" "):
    return st.lists(st.sampled_from(pool), min_size=lo, max_size=hi).map(sep.join)


TITLES = st.one_of(
    _words(LATIN),
    _words(CJK, sep=""),
    _words(CJK + LATIN),
    _words(LATIN + CJK, 70, 100).map(lambda s: s[:500]),
    _words(EMOJI, 1, 6, sep=""),
    _words(ARABIC),
)
FIT_ARGS = dict(
    family=st.sampled_from(["inter", "bebas-neue", "playfair-display", "noto-sans-cjk"]),
    max_size=st.integers(10, 300),
    max_lines=st.integers(1, 4),
    align=st.sampled_from(["left", "center", "right"]),
)


def _check_fits(text, box, **kw):
    block = fit_text(text, box, **kw)
    assert block.width <= box[0] and block.height <= box[1]
    assert len(block.lines) <= kw["max_lines"]
    assert 10 <= block.size <= kw["max_size"]
    assert not block.truncated or block.size == 10
    return block


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TITLES, w=st.integers(20, 2000), h=st.integers(20, 2000), **FIT_ARGS)
@pytest.mark.filterwarnings("ignore::creative.text.fonts.MissingGlyphWarning")
def test_fit_never_exceeds_the_box(text, w, h, family, max_size, max_lines, align):
    _check_fits(text, (w, h), family=family, max_size=max_size, max_lines=max_lines, align=align)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TITLES, w=st.integers(20, 1500), h=st.integers(20, 800), dw=st.integers(0, 500), dh=st.integers(0, 500),
       **FIT_ARGS)
@example(text="😀😀", w=20, h=25, dw=5, dh=0, family="noto-sans-cjk", max_size=11, max_lines=2, align="left")
@pytest.mark.filterwarnings("ignore::creative.text.fonts.MissingGlyphWarning")
def test_larger_boxes_never_give_smaller_text(text, w, h, dw, dh, family, max_size, max_lines, align):
    kw = dict(family=family, max_size=max_size, max_lines=max_lines, align=align)
    small = _check_fits(text, (w, h), **kw)
    large = _check_fits(text, (w + dw, h + dh), **kw)
    if (large.size, not large.truncated) >= (small.size, not small.truncated):
        return
    # The one allowed exception, by design: a larger box that lets every phrase stay whole
    # (no break inside "双11" or "😀😀") may trade up to 1 - PHRASE_SIZE_SHARE of the size for it.
    assert not large.truncated and not _breaks_a_phrase(text, large)
    assert large.size >= PHRASE_SIZE_SHARE * small.size


def _breaks_a_phrase(text, block):
    words = set(text.split())
    return any(w not in words for line in block.lines for w in line.text.split())


@pytest.mark.parametrize(
    "text, box, family",
    [(MIXED, (300, 300), "inter"), ("Supercalifragilistic 50% 50%", (607, 233), "playfair-display"),
     ("خصم 50% على كل شيء Sale", (500, 200), "inter"), ("今天，我们去买东西。「特价」商品，全部五折！", (200, 300), "noto-sans-cjk")],
)
def test_fitting_is_monotone_in_size_so_the_search_finds_the_largest(text, box, family):
    fits = []
    for size in range(10, 90, 3):
        block = fit_text(text, box, family=family, max_size=size, min_size=size, max_lines=4)
        fits.append(not block.truncated)
    assert fits == sorted(fits, reverse=True)  # True... then False...
    best = fit_text(text, box, family=family, max_size=200, max_lines=4)
    bigger = fit_text(text, box, family=family, max_size=best.size + 1, min_size=best.size + 1, max_lines=4)
    words = set(text.split())
    splits_a_word = any(w not in words for line in bigger.lines for w in line.text.split())
    # one size up no longer fits, or fits only by breaking a word (which best avoided when it could)
    assert bigger.truncated or (splits_a_word and not any(
        w not in words for line in best.lines for w in line.text.split()))


def test_shrink_before_wrap_short_title_is_one_line_at_max_size():
    block = fit_text("Big Summer Sale", (1000, 300), family="inter", max_size=96)
    assert block.size == 96 and len(block.lines) == 1 and not block.truncated
    # too long for one line at 96: still the largest size wins, wrapping as needed
    wrapped = fit_text("Big Summer Sale on everything in store", (1000, 300), family="inter", max_size=96)
    assert not wrapped.truncated
    one_line = fit_text("Big Summer Sale on everything in store", (1000, 300), family="inter", max_size=96, max_lines=1)
    assert wrapped.size >= one_line.size and len(one_line.lines) == 1


def test_ellipsis_only_at_min_size():
    long = "Everything must go this weekend only " * 20
    block = fit_text(long, (400, 120), family="inter", max_size=80, min_size=14, max_lines=3)
    assert block.truncated and block.size == 14
    assert len(block.lines) == 3 and block.lines[-1].text.endswith("…")
    assert block.width <= 400 and block.height <= 120
    short = fit_text("Everything must go", (400, 120), family="inter", max_size=80, min_size=14)
    assert not short.truncated and "…" not in "".join(ln.text for ln in short.lines)


def test_box_too_small_even_for_an_ellipsis_is_a_usage_error():
    with pytest.raises(TextFitError, match="too small"):
        fit_text("Sale", (200, 5), family="inter", max_size=40)


def test_kinsoku_no_closing_mark_starts_and_no_opening_mark_ends_a_line():
    text = "今天，我们去买东西。「特价」商品，全部五折！（限时）“抢购”开始了，快来吧。"
    for width in range(60, 400, 17):
        block = fit_text(text, (width, 2000), family="noto-sans-cjk", max_size=24, min_size=20, max_lines=40)
        assert not block.truncated
        for line in block.lines:
            assert line.text[0] not in NO_LINE_START, (width, line.text)
            assert line.text[-1] not in NO_LINE_END, (width, line.text)
        assert "".join(ln.text for ln in block.lines) == text


def test_latin_breaks_at_spaces_and_after_hyphens_and_long_words_by_character():
    block = fit_text("Well-known brand", (150, 400), family="inter", max_size=30, min_size=30, max_lines=5)
    assert [ln.text for ln in block.lines][:2] == ["Well-", "known"]
    long = fit_text("Supercalifragilisticexpialidocious", (200, 400), family="inter", max_size=40, min_size=40, max_lines=5)
    assert len(long.lines) > 1 and "".join(ln.text for ln in long.lines) == "Supercalifragilisticexpialidocious"
    assert not fit_text("Sale −50%", (60, 400), family="inter", max_size=14, min_size=14).lines[0].text.startswith("%")


def test_mixed_title_wraps_between_words():
    block = fit_text(MIXED, (300, 300), family="inter", max_size=200)
    texts = [ln.text for ln in block.lines]
    assert "".join(texts).replace(" ", "") == MIXED.replace(" ", "")
    assert all(not t.startswith("%") and not t.endswith("−") for t in texts)


def test_newlines_force_breaks_and_invisible_characters_are_stripped():
    block = fit_text("Big\u200b Sale\nToday\x07", (2000, 600), family="inter", max_size=80)
    assert [ln.text for ln in block.lines] == ["Big Sale", "Today"]
    assert fit_text(" \u200b\n ", (200, 200), family="inter", max_size=40).lines == ()


def test_uppercase_and_letter_spacing():
    plain = fit_text("new in", (2000, 300), family="montserrat", max_size=60, uppercase=True)
    assert plain.lines[0].text == "NEW IN"
    spaced = fit_text("new in", (2000, 300), family="montserrat", max_size=60, uppercase=True, letter_spacing=0.1)
    assert spaced.lines[0].width == pytest.approx(plain.lines[0].width + 5 * 6, abs=1)
    box = (0, 0, 2000, 300)
    assert _bbox_inside(block_mask(spaced, box, (2000, 300)).getbbox(), ink_box(spaced, box))


def test_rtl_text_is_laid_out_right_to_left():
    block = fit_text("خصم 50% على كل شيء", (2000, 200), family="inter", max_size=60)
    assert block.direction == "rtl"
    runs = block.lines[0].runs
    assert [r.text.strip() for r in runs] == ["على كل شيء", "50%", "خصم"]  # left to right on screen
    assert [r.x for r in runs] == sorted(r.x for r in runs)
    assert fit_text("Sale خصم", (2000, 200), family="inter", max_size=60).direction == "ltr"


def test_measure_line_matches_fit():
    line = measure_line(MIXED, "inter", 700, 48)
    block = fit_text(MIXED, (4000, 200), family="inter", max_size=48)
    assert block.lines[0].runs == line.runs and block.lines[0].width == line.width
    with pytest.raises(ValueError):
        measure_line("a\nb", "inter", 700, 48)


# --- drawing ------------------------------------------------------------------------------


@pytest.mark.parametrize("valign", ["top", "middle", "bottom"])
@pytest.mark.parametrize("align", ["left", "center", "right"])
def test_drawn_mask_lies_inside_the_ink_box(align, valign):
    box = (37, 21, 737, 421)
    for text in (MIXED, "Playfair jiffy fjord", "خصم 50% على كل شيء Sale", "今天，我们去买东西。「特价」"):
        block = fit_text(text, (box[2] - box[0], box[3] - box[1]), family="playfair-display", max_size=120, align=align)
        ib = ink_box(block, box, valign=valign)
        assert _bbox_inside(ib, box)
        assert ib[2] - ib[0] == block.width and ib[3] - ib[1] == block.height
        mask = block_mask(block, box, (800, 500), valign=valign)
        assert _bbox_inside(mask.getbbox(), ib), (text, mask.getbbox(), ib)
        canvas = Image.new("RGBA", (800, 500), (0, 0, 0, 0))
        draw_block(canvas, block, box, (255, 255, 255), valign=valign)
        assert canvas.getchannel("A").getbbox() == mask.getbbox()


@pytest.mark.parametrize("text", [MIXED, "HELLO WORLD", "Summer Sale", "خصم 50% على كل شيء", "今天特价"])
def test_measure_and_draw_agree(text):
    block = fit_text(text, (4000, 200), family="inter", max_size=30, max_lines=1)
    box = (10, 10, 4010, 210)
    mask_box = block_mask(block, box, (4100, 300)).getbbox()
    ib = ink_box(block, box)
    assert _bbox_inside(mask_box, ib)
    assert abs((mask_box[2] - mask_box[0]) - block.lines[0].width) <= 2


def test_draw_block_blends_translucent_colour_over_the_canvas():
    block = fit_text("Sale", (400, 200), family="inter", max_size=100)
    canvas = Image.new("RGBA", (400, 200), (0, 0, 255, 255))
    draw_block(canvas, block, (0, 0, 400, 200), (255, 0, 0, 128))
    px = np.asarray(canvas)
    full = np.asarray(block_mask(block, (0, 0, 400, 200), (400, 200))) == 255
    assert (px[full][:, 0] >= 127).all() and (px[full][:, 0] <= 129).all() and (px[..., 3] == 255).all()


def test_draw_clips_at_canvas_edges_and_needs_rgba_or_rgb():
    block = fit_text("Sale", (400, 200), family="inter", max_size=100)
    canvas = Image.new("RGBA", (100, 50))
    draw_block(canvas, block, (-60, -40, 340, 160), (255, 255, 255))
    assert canvas.getbbox() is not None
    with pytest.raises(ValueError, match="RGBA or RGB"):
        draw_block(Image.new("L", (100, 50)), block, (0, 0, 100, 50), (0,))


@pytest.mark.parametrize("color", [(200, 30, 60), (200, 30, 60, 128)])
def test_an_rgb_canvas_gets_the_pixels_of_an_opaque_rgba_one(color):
    """An RGB canvas is opaque: text (opaque or translucent) blends into it as "over" an opaque RGBA canvas."""
    block = fit_text("Sale 双11", (300, 120), family="inter", max_size=90)
    rgba = Image.new("RGBA", (300, 120), (20, 120, 220, 255))
    rgb = Image.new("RGB", (300, 120), (20, 120, 220))
    draw_block(rgba, block, (-10, 0, 300, 120), color)
    draw_block(rgb, block, (-10, 0, 300, 120), color)
    diff = np.abs(np.asarray(rgba.convert("RGB")).astype(int) - np.asarray(rgb).astype(int))
    assert diff.max() <= 1 and np.asarray(rgb).std() > 10


def test_words_are_not_split_when_a_smaller_size_avoids_it():
    b = fit_text("Espresso Cup Set", (300, 400), family="inter", weight=800, max_size=120, max_lines=3)
    assert [ln.text for ln in b.lines] == ["Espresso", "Cup Set"]
    # a word wider than the box at min size is still split rather than dropped
    long = fit_text("Supercalifragilisticexpialidocious", (100, 400), family="inter", max_size=120, min_size=12, max_lines=3)
    assert len(long.lines) > 1 and not long.truncated


def test_phrases_stay_whole_when_spaces_allow_but_not_at_any_price():
    mixed = fit_text("Espresso Cup Set 双11", (560, 300), family="inter", weight=800, max_size=120, max_lines=3)
    assert all("双" not in ln.text or "双11" in ln.text for ln in mixed.lines)
    zh = fit_text("618 大丽花花束 限时特惠", (600, 300), family="inter", weight=800, max_size=120, max_lines=3)
    assert [ln.text for ln in zh.lines] == ["618 大丽花花束", "限时特惠"]
    solid = fit_text("大丽花花束限时特惠大促销", (300, 300), family="inter", weight=800, max_size=120, max_lines=3)
    assert solid.size >= 60 and len(solid.lines) == 3  # no spaces: CJK breaks anywhere, large


def test_indic_and_khmer_scripts_render_from_their_fonts():
    b = fit_text("வணக்கம் ខ្មែរ తెలుగు", (800, 200), family="inter", weight=700, max_size=60)
    assert {r.family for ln in b.lines for r in ln.runs} == {"noto-sans-tamil", "noto-sans-khmer", "noto-sans-telugu"}


def test_font_coverage_is_kept_on_disk_and_follows_the_file(tmp_path, monkeypatch):
    """A font's cmap is read once, kept as ranges in the cache, and read again when the file changes."""
    import shutil

    import fontTools.ttLib

    monkeypatch.setenv("CREATIVE_CACHE_DIR", str(tmp_path / "cache"))
    font = tmp_path / "f.ttf"
    shutil.copy(fonts.get_family("inter").path(700), font)
    fonts._cmap.cache_clear()
    first = fonts._cmap(str(font))
    assert len(list((tmp_path / "cache" / "fonts").glob("*.json"))) == 1

    class Refuse:
        def __init__(self, *a, **k):
            raise AssertionError("the cached coverage should have been used")

    monkeypatch.setattr(fontTools.ttLib, "TTFont", Refuse)
    fonts._cmap.cache_clear()
    assert fonts._cmap(str(font)) == first and 0x41 in first
    shutil.copy(fonts.get_family("noto-sans-cjk").path(700), font)  # the file changes: size and mtime
    fonts._cmap.cache_clear()
    with pytest.raises(AssertionError, match="cached coverage"):
        fonts._cmap(str(font))
    fonts._cmap.cache_clear()


def test_rendered_text_is_kept_within_byte_budgets_and_recurring_text_stays():
    """Text rasters are cached by the bytes they hold: a block is drawn once however often it is
    asked for; one-off blocks pass through probation, oldest first, without pushing out a block
    that recurs; the books balance after evictions; a block drawn again has the same pixels."""
    from creative.text import draw

    cache = draw._RasterCache(300_000, 300_000)
    saved, draw._RASTERS = draw._RASTERS, cache
    box = (0, 0, 400, 120)
    try:
        price = fit_text("$19.99", (400, 120), family="inter", max_size=60)
        first = draw.coverage(price, box)[0]
        draw_block(Image.new("RGB", (400, 120)), price, box, (255, 255, 255))  # the same job draws it
        assert cache.holds(price) == "probation"
        assert draw.coverage(price, box)[0] is first  # the next job: reused, not drawn again
        assert cache.holds(price) == "protected"
        titles = [fit_text(f"Product {i} deluxe edition", (400, 120), family="inter", max_size=60) for i in range(60)]
        for b in titles:  # one-off headlines, each asked for twice as a job does
            draw.coverage(b, box)
            draw.block_mask(b, box, (400, 120))
        assert cache.holds(price) == "protected" and draw.coverage(price, box)[0] is first
        assert cache.holds(titles[0]) is None and cache.holds(titles[-1]) == "probation"  # oldest went first
        assert cache.nbytes <= sum(cache.budgets) and 2 < len(cache) < len(titles)
        assert cache.nbytes == sum(draw._nbytes(e) for seg in cache._segments for e in seg.values())
        again = draw.coverage(titles[0], box)[0]  # drawn again: the same pixels
        first_title = draw._draw_glyphs(titles[0])[0]
        assert np.array_equal(again, np.asarray(first_title))
    finally:
        draw._RASTERS = saved
