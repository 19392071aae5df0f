"""creative.color: WCAG maths, fixing text colours, dominant colours, schemes and roles."""
from __future__ import annotations

import itertools
import pickle

import numpy as np
import pytest
from coloraide import Color
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from creative.color import (
    ROLES,
    SCHEMES,
    TEXT_ROLES,
    TONES,
    Palette,
    Swatch,
    build_palette,
    contrast_against,
    contrast_ratio,
    extract_colors,
    fix_text_color,
    luminance_array,
    measured_contrast,
    parse_color,
    relative_luminance,
    required_ratio,
    underlay_color,
)
from creative.color.space import delta_e, hue_of, lightness_of
from creative.errors import UsageError

WHITE, BLACK = (255, 255, 255), (0, 0, 0)
rgbs = st.tuples(*[st.integers(0, 255)] * 3)
fast = settings(deadline=None, max_examples=40)


def uniform(rgb, n=64):
    return np.full((n, 3), rgb, dtype=np.uint8)


def hue_distance(a: float, b: float) -> float:
    return abs((a - b + 180) % 360 - 180)


# --- contrast ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "a, b, expected",
    [
        (BLACK, WHITE, 21.0),
        ((0x77, 0x77, 0x77), WHITE, 4.48),
        ((0x76, 0x76, 0x76), WHITE, 4.54),
        ((12, 200, 99), (12, 200, 99), 1.0),
    ],
)
def test_contrast_ratio_known_pairs(a, b, expected):
    assert contrast_ratio(a, b) == pytest.approx(expected, abs=0.005)
    assert contrast_ratio(b, a) == contrast_ratio(a, b)


@settings(deadline=None, max_examples=60)
@given(rgbs, rgbs)
def test_contrast_ratio_agrees_with_coloraide(a, b):
    theirs = Color("srgb", [c / 255 for c in a]).contrast(Color("srgb", [c / 255 for c in b]), method="wcag21")
    assert contrast_ratio(a, b) == pytest.approx(theirs, abs=0.01)


def test_array_versions_match_scalar_and_keep_shape():
    rng = np.random.default_rng(1)
    px = rng.integers(0, 256, (7, 5, 3), dtype=np.uint8)
    lum = luminance_array(px)
    ratios = contrast_against((30, 120, 200), px)
    assert lum.shape == ratios.shape == (7, 5)
    for y, x in itertools.product(range(7), range(5)):
        rgb = tuple(int(c) for c in px[y, x])
        assert lum[y, x] == pytest.approx(relative_luminance(rgb))
        assert ratios[y, x] == pytest.approx(contrast_ratio((30, 120, 200), rgb))
    with pytest.raises(ValueError, match="uint8"):
        luminance_array(px.astype(np.float32))


def test_required_ratio_thresholds():
    assert required_ratio(23.9, bold=False) == 4.5
    assert required_ratio(24, bold=False) == 3.0
    assert required_ratio(18.7, bold=True) == 3.0
    assert required_ratio(18.6, bold=True) == 4.5
    assert required_ratio(18.7, bold=False) == 4.5


def test_measured_contrast_is_a_robust_minimum():
    assert measured_contrast(WHITE, uniform(BLACK)) == pytest.approx(21.0)
    # 1% stray light pixels (anti-aliasing) do not decide it ...
    stray = np.concatenate([uniform(BLACK, 990), uniform(WHITE, 10)])
    assert measured_contrast(WHITE, stray) > 20
    # ... but a half-light background does: no text colour reads on all of it.
    half = np.concatenate([uniform(BLACK, 500), uniform(WHITE, 500)])
    assert measured_contrast(WHITE, half) == pytest.approx(1.0)
    assert measured_contrast(BLACK, half) == pytest.approx(1.0)
    assert measured_contrast((128, 128, 128), half) < 4.5
    with pytest.raises(ValueError, match="no pixels"):
        measured_contrast(WHITE, np.zeros((0, 3), np.uint8))


@settings(deadline=None, max_examples=80)
@given(fg=rgbs, bg=rgbs, min_ratio=st.sampled_from([3.0, 4.5, 7.0]))
@example(fg=(119, 119, 119), bg=WHITE, min_ratio=4.5)
@example(fg=(128, 128, 128), bg=(118, 118, 118), min_ratio=4.5)
def test_fix_text_color_on_uniform_background(fg, bg, min_ratio):
    behind = uniform(bg)
    fix = fix_text_color(fg, behind, min_ratio)
    assert fix.ratio == pytest.approx(measured_contrast(fix.color, behind))
    if contrast_ratio(fg, bg) >= min_ratio:
        assert fix == type(fix)(fg, fix.ratio, True, False)
        return
    assert fix.changed
    possible = max(contrast_ratio(WHITE, bg), contrast_ratio(BLACK, bg)) >= min_ratio
    assert fix.ok == possible
    if fix.ok:
        assert fix.ratio >= min_ratio
    if min_ratio <= 4.5:
        assert fix.ok  # on one colour, 4.5:1 is always reachable (black or white gets >= 4.58)


def test_fix_text_color_changes_little_and_keeps_hue():
    fix = fix_text_color((0x77, 0x77, 0x77), uniform(WHITE), 4.5)
    assert fix.ok and fix.ratio >= 4.55
    assert abs(lightness_of(fix.color) - lightness_of((0x77, 0x77, 0x77))) < 0.02
    orange = (255, 150, 40)
    fix = fix_text_color(orange, uniform((250, 248, 240)), 4.5)
    assert fix.ok and fix.ratio >= 4.55
    assert lightness_of(fix.color) < lightness_of(orange)
    assert hue_distance(hue_of(fix.color), hue_of(orange)) < 10  # gamut mapping clips within a JND


def test_busy_background_needs_an_underlay_that_works():
    half = np.concatenate([uniform(BLACK, 500), uniform(WHITE, 500)])
    fix = fix_text_color((200, 30, 30), half, 4.5)
    assert not fix.ok and fix.color in (WHITE, BLACK)
    plate, alpha = underlay_color(half, fix.color)
    assert 0 < alpha <= 1
    blend = np.rint(alpha * np.array(plate) + (1 - alpha) * half).astype(np.uint8)
    assert measured_contrast(fix.color, blend) >= 4.5
    # a background that already works needs no plate
    assert underlay_color(uniform(BLACK), WHITE)[1] == 0.0
    with pytest.raises(ValueError, match="cannot reach"):
        underlay_color(half, (128, 128, 128), min_ratio=7.0)


# --- dominant colours ---------------------------------------------------------------------

def product(fill, size=200, surround=(0, 255, 0, 0), label=None):
    """A disc of ``fill`` on a transparent (but green) surround, with an optional label."""
    img = Image.new("RGBA", (size, size), surround)
    draw = ImageDraw.Draw(img)
    draw.ellipse((10, 10, size - 10, size - 10), fill=fill + (255,))
    if label:
        draw.rectangle((size // 2 - 30, size // 2 - 20, size // 2 + 30, size // 2 + 20), fill=label + (255,))
    return img


def test_extract_colors_red_product_gives_red_top_swatch():
    swatches = extract_colors(product((200, 20, 30), label=(250, 250, 250)))
    top = swatches[0]
    assert top.weight > 0.8
    assert delta_e(top.rgb, (200, 20, 30)) < 3
    assert top.hex == "#{:02x}{:02x}{:02x}".format(*top.rgb)
    assert any(delta_e(s.rgb, WHITE) < 3 for s in swatches)
    assert not any(s.rgb[1] > 200 and s.rgb[0] < 50 for s in swatches)  # the transparent green is ignored
    assert sum(s.weight for s in swatches) == pytest.approx(1.0)
    assert [s.weight for s in swatches] == sorted((s.weight for s in swatches), reverse=True)


def test_extract_colors_is_deterministic_and_merges_close_clusters():
    rng = np.random.default_rng(7)
    noisy = np.clip(rng.normal((120, 60, 160), 12, (300, 300, 3)), 0, 255).astype(np.uint8)
    img = Image.fromarray(noisy)
    first = extract_colors(img, seed=3)
    assert extract_colors(img, seed=3) == first
    assert extract_colors(img.copy(), seed=3) == first
    single = extract_colors(Image.new("RGBA", (64, 64), (10, 90, 200, 255)))
    assert len(single) == 1 and single[0].weight == pytest.approx(1.0)
    assert delta_e(single[0].rgb, (10, 90, 200)) < 1  # OpenCV's float Lab is good to ~0.3 ΔE


def test_extract_colors_uses_every_pixel_when_almost_nothing_is_opaque():
    img = Image.new("RGBA", (40, 40), (240, 200, 40, 0))
    assert len(extract_colors(img)) == 1 and delta_e(extract_colors(img)[0].rgb, (240, 200, 40)) < 2
    with pytest.raises(UsageError, match="colour count"):
        extract_colors(img, k=0)


# --- schemes and roles ----------------------------------------------------------------------

def swatches_of(*colors):
    weights = [0.6, 0.3, 0.1][: len(colors)]
    total = sum(weights)
    return [Swatch(c, w / total, (0.0, 0.0, 0.0)) for c, w in zip(colors, weights)]


def check_palette(p: Palette, main: tuple[int, int, int] | None, brand_scheme: bool) -> None:
    assert tuple(p.to_dict()) == ROLES
    for text, ground in TEXT_ROLES.items():
        assert contrast_ratio(p.rgb(text), p.rgb(ground)) >= 4.5, (text, p.to_dict())
    if brand_scheme:
        return
    if main is not None:
        assert delta_e(p.rgb("background"), main) >= 20, p.to_dict()
    for role in ("accent", "highlight"):
        a, bg = p.rgb(role), p.rgb("background")
        assert contrast_ratio(a, bg) >= 1.8 or delta_e(a, bg) >= 25, (role, p.to_dict())


@pytest.mark.parametrize("scheme, tone", list(itertools.product(SCHEMES[:-1], TONES)))
@settings(deadline=None, max_examples=12)
@given(main=rgbs, second=st.none() | rgbs)
@example(main=BLACK, second=None)
@example(main=WHITE, second=None)
@example(main=(128, 128, 128), second=None)
@example(main=(200, 20, 30), second=(250, 250, 250))
def test_every_scheme_and_tone_is_readable(scheme, tone, main, second):
    colors = [main] if second is None else [main, second]
    p = build_palette(swatches_of(*colors), scheme, tone)
    check_palette(p, main, brand_scheme=False)
    assert build_palette(swatches_of(*colors), scheme, tone) == p  # deterministic


@pytest.mark.parametrize("tone", TONES)
@settings(deadline=None, max_examples=15)
@given(main=rgbs, brand=st.lists(rgbs, min_size=1, max_size=3))
@example(main=WHITE, brand=[WHITE])
@example(main=BLACK, brand=[BLACK, WHITE, (128, 128, 128)])
def test_brand_scheme_uses_the_brand_colours(tone, main, brand):
    hexes = ["#{:02x}{:02x}{:02x}".format(*c) for c in brand]
    p = build_palette(swatches_of(main), "brand", tone, brand=hexes)
    check_palette(p, main, brand_scheme=True)
    assert p.rgb("accent") == brand[0]
    if len(brand) > 1:
        assert p.rgb("highlight") == brand[1]


def test_no_product_still_gives_a_palette():
    check_palette(build_palette([], "triadic", "vivid"), None, brand_scheme=False)


@pytest.mark.parametrize("scheme, offsets", [("complementary", (180,)), ("analogous", (30, -30)), ("triadic", (120, 240))])
def test_scheme_hues_follow_the_key_colour(scheme, offsets):
    red = (200, 20, 30)
    p = build_palette(swatches_of(red), scheme, "light")
    accent_hues = [hue_of(p.rgb("accent")), hue_of(p.rgb("highlight"))]
    for off in offsets:
        assert min(hue_distance(h, hue_of(red) + off) for h in accent_hues) < 8, p.to_dict()


def test_neutral_product_gets_the_default_hue():
    black = swatches_of(BLACK, (250, 250, 250))
    assert hue_distance(hue_of(build_palette(black, "monochrome", "dark").rgb("accent")), 85) < 10
    assert hue_distance(hue_of(build_palette(black, "monochrome", "light").rgb("accent")), 255) < 10
    # a small colourful label does not make the key colour; a prominent one does
    label = [Swatch(BLACK, 0.97, (0, 0, 0)), Swatch((200, 20, 30), 0.03, (0, 0, 0))]
    assert hue_distance(hue_of(build_palette(label, "monochrome", "light").rgb("accent")), 255) < 10


def test_palette_is_an_immutable_value():
    p = build_palette(swatches_of((30, 90, 200)), "analogous", "pastel")
    with pytest.raises(TypeError):
        p.roles["accent"] = (0, 0, 0)  # type: ignore[index]
    assert pickle.loads(pickle.dumps(p)) == p
    assert hash(p) == hash(build_palette(swatches_of((30, 90, 200)), "analogous", "pastel"))
    assert p.hex("accent") == p.to_dict()["accent"]
    with pytest.raises(UsageError, match="unknown colour role 'accnet'"):
        p.rgb("accnet")
    with pytest.raises(ValueError, match="roles must be exactly"):
        Palette("brand", "light", {"accent": (0, 0, 0)})


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"scheme": "rainbow"}, "unknown colour scheme 'rainbow'"),
        ({"tone": "neon"}, "unknown tone 'neon'"),
        ({"scheme": "brand"}, "needs 1-3 brand colours"),
        ({"scheme": "triadic", "brand": ["#ff0000"]}, "only by the 'brand'"),
        ({"scheme": "brand", "brand": ["red"] * 4}, "1-3 brand colours, got 4"),
        ({"scheme": "brand", "brand": ["#ff00"]}, "bad colour '#ff00'"),
        ({"scheme": "brand", "brand": [(1, 2, 300)]}, "bad colour"),
    ],
)
def test_build_palette_rejects_bad_arguments(kwargs, message):
    with pytest.raises(UsageError, match=message):
        build_palette(swatches_of(WHITE), **kwargs)


@pytest.mark.parametrize(
    "value, rgb",
    [("#abc", (170, 187, 204)), ("#1A2b3C", (26, 43, 60)), ("tomato", (255, 99, 71)), (" Red ", (255, 0, 0))],
)
def test_parse_color(value, rgb):
    assert parse_color(value) == rgb


@pytest.mark.parametrize("value", ["#12345", "nope", "", "#ff000080", "transparent", "rgb(1 2)"])
def test_parse_color_errors(value):
    with pytest.raises(UsageError) as err:
        parse_color(value)
    assert str(err.value) == f"bad colour '{value}': expected #rrggbb or a CSS colour name"


def test_role_names_agree_with_templates():
    from creative.template.spec import COLOR_ROLES, SCHEME_NAMES, TONE_NAMES

    assert (COLOR_ROLES, SCHEME_NAMES, TONE_NAMES) == (ROLES, SCHEMES, TONES)


@pytest.mark.parametrize("n", [1, 2, 3, 50, 51, 4000])
def test_the_first_contrast_needs_no_sort_and_is_the_same_value(n):
    """fix_text_color measures the wanted colour without sorting the background (O(n)); the value
    is exactly the one the sorted search structure gives."""
    from creative.color.contrast import _Background

    rng = np.random.default_rng(n)
    behind = rng.integers(0, 256, (n, 3), dtype=np.uint8)
    for rgb in [(0, 0, 0), (255, 255, 255), (200, 40, 90), tuple(int(v) for v in behind[0])]:
        bg = _Background(behind)
        once = bg.measured_once(rgb)
        assert bg._sorted is None  # nothing sorted for it
        assert once == bg.measured(rgb)
