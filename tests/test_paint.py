"""Fills and shapes: the fast paths give the pixels of the plain definitions."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw

from creative.render.paint import fill_image, paint_shape, shape_mask


def _pattern_by_definition(size, pattern, c1, c2, cell, opacity):
    """Every mark drawn over the whole area, then the pattern colour composited over the ground."""
    w, h = size
    alpha = int(round(255 * opacity))
    ink = Image.new("L", size, 0)
    d = ImageDraw.Draw(ink)
    if pattern == "dots":
        r = max(1, cell // 7)
        for yi, y in enumerate(range(cell // 2, h + cell, cell)):
            off = cell // 2 if yi % 2 else 0
            for x in range(off, w + cell, cell):
                d.ellipse((x - r, y - r, x + r, y + r), fill=255)
    else:
        for x in range(0, w, cell):
            d.line((x, 0, x, h), fill=255, width=max(1, cell // 20))
        for y in range(0, h, cell):
            d.line((0, y, w, y), fill=255, width=max(1, cell // 20))
    base = Image.new("RGBA", size, (*c1, alpha))
    top = Image.new("RGBA", size, (*c2, 0))
    top.putalpha(ink.point(lambda v: v * alpha // 255 * 0.55))
    base.alpha_composite(top)
    return base


@pytest.mark.parametrize("pattern", ["dots", "grid"])
@pytest.mark.parametrize("size, cell", [((1080, 1080), 43), ((160, 600), 8), ((728, 90), 13), ((333, 777), 108), ((5, 7), 4),
                                        ((300, 86), 43), ((300, 87), 43), ((64, 8), 4)])
@pytest.mark.parametrize("opacity", [1.0, 0.36])
def test_tiled_patterns_equal_drawing_every_mark(pattern, size, cell, opacity):
    c1, c2 = (250, 240, 230), (20, 30, 40)
    got = fill_image(size, "pattern", c1, c2, pattern=pattern, cell=cell, opacity=opacity)
    want = _pattern_by_definition(size, pattern, c1, c2, cell, opacity)
    assert got.mode == "RGBA" and got.size == size
    assert np.array_equal(np.asarray(got), np.asarray(want))


def test_stripes_cover_the_area_evenly():
    img = np.asarray(fill_image((400, 300), "pattern", (255, 255, 255), (0, 0, 0), pattern="stripes", cell=40))
    dark = img[..., 0] < 200
    # 45-degree lines cell // 4 wide: about sqrt(2) / 4 of every row is line, in every region
    shares = [part.mean() for part in (dark[:150, :200], dark[150:, 200:], dark[:, :40], dark[:, 360:])]
    assert all(0.3 < s < 0.42 for s in shares) and max(shares) - min(shares) < 0.02


def _over(canvas, box, shape, fill):
    """The definition: the fill, masked by the shape, composited "over" the canvas."""
    x0, y0, x1, y1 = box
    mask = shape_mask(shape, (x1 - x0, y1 - y0))
    layer = Image.new("RGBA", mask.size, fill) if isinstance(fill, tuple) else fill.copy()
    layer.putalpha(ImageChops.multiply(mask, layer.getchannel("A")))
    out = canvas.copy()
    out.alpha_composite(layer, (x0, y0))
    return out


@pytest.mark.parametrize("ground_alpha", [255, 120, 0])
@pytest.mark.parametrize("fill", [(200, 30, 30, 255), (200, 30, 30, 128), "image"])
@pytest.mark.parametrize("shape", ["rounded", "ellipse", "rect"])
def test_paint_shape_composites_over_opaque_and_translucent_grounds(ground_alpha, fill, shape):
    canvas = Image.new("RGBA", (120, 90), (240, 240, 230, ground_alpha))
    if fill == "image":
        fill = Image.linear_gradient("L").resize((70, 50)).convert("RGBA")
        fill.putalpha(Image.linear_gradient("L").rotate(90).resize((70, 50)))
    box = (20, 15, 90, 65)
    want = _over(canvas, box, shape, fill)
    paint_shape(canvas, box, shape, fill)
    diff = np.abs(np.asarray(canvas).astype(int) - np.asarray(want).astype(int))
    assert diff.max() <= 1  # the same compositing, to rounding


@pytest.mark.parametrize("size", [(1080, 1080), (728, 90)])
def test_every_bundled_template_paints_an_opaque_canvas(size, product_photos):
    """compose paints shapes with ``opaque_ground=True``: true only while every banner canvas is
    opaque, which an RGB canvas is by construction (translucent layers are blended into it)."""
    from creative.content import Content
    from creative.design import prepare_product, render_design
    from creative.template import all_templates

    product = prepare_product(product_photos["bottle"], remover="fake")
    content = Content.create("Summer Sale", price="19.99", original_price="29.99", brand="Acme")
    for t in all_templates():
        for scheme in t.palette.schemes:
            img = render_design(t, product, content, size, scheme=scheme).image
            assert img.mode == "RGB", (t.name, scheme)


@pytest.mark.parametrize("kind", ["solid", "linear", "radial", "pattern"])
def test_an_rgb_fill_is_the_opaque_rgba_fill_without_its_alpha(kind):
    args = dict(angle=30.0, pattern="dots", cell=17)
    rgba = fill_image((301, 157), kind, (200, 40, 90), (20, 160, 220), **args)
    rgb = fill_image((301, 157), kind, (200, 40, 90), (20, 160, 220), mode="RGB", **args)
    assert rgb.mode == "RGB" and rgb.size == rgba.size
    assert np.array_equal(np.asarray(rgb), np.asarray(rgba)[..., :3])
    with pytest.raises(ValueError, match="opaque"):
        fill_image((10, 10), kind, (0, 0, 0), (255, 255, 255), opacity=0.5, mode="RGB", **args)


@pytest.mark.parametrize("fill", [(200, 30, 30, 255), (200, 30, 30, 128), "image", "rgb-image"])
@pytest.mark.parametrize("shape", ["rounded", "ellipse", "rect"])
def test_paint_shape_on_an_rgb_canvas_is_over_an_opaque_one(fill, shape):
    if fill == "image":
        fill = Image.linear_gradient("L").resize((70, 50)).convert("RGBA")
        fill.putalpha(Image.linear_gradient("L").rotate(90).resize((70, 50)))
    elif fill == "rgb-image":
        fill = Image.linear_gradient("L").resize((70, 50)).convert("RGB")
    box = (20, 15, 90, 65)
    rgba = Image.new("RGBA", (120, 90), (240, 240, 230, 255))
    want = _over(rgba, box, shape, fill if not isinstance(fill, Image.Image) else fill.convert("RGBA"))
    rgb = Image.new("RGB", (120, 90), (240, 240, 230))
    paint_shape(rgb, box, shape, fill)
    diff = np.abs(np.asarray(rgb).astype(int) - np.asarray(want.convert("RGB")).astype(int))
    assert diff.max() <= 1


def test_product_and_its_shadow_pasted_in_turn_are_the_product_over_its_shadow(tmp_path):
    """compose draws the contact shadow, then the product, each through its own mask; that is
    the product composited over its shadow first (the one RGBA layer the SVG export embeds)."""
    from types import SimpleNamespace

    from creative.render import compose
    from creative.testing.fixtures import synthetic_product

    photo, mask = synthetic_product("bottle", (196, 48, 40))
    cut = photo.convert("RGBA")
    cut.putalpha(mask)
    path = tmp_path / "cut.png"
    cut.save(path)
    box = (40, 30, 40 + 150, 30 + 210)
    ground = Image.new("RGB", (260, 300), (90, 170, 120))
    drawn = ground.copy()
    compose._draw_product(drawn, SimpleNamespace(box=box), SimpleNamespace(shadow=True, shadow_opacity=0.35), str(path))
    layer, (ox, oy) = compose._product_pixels(str(path), (150, 210), 0.35)
    want = ground.convert("RGBA")
    want.alpha_composite(layer, (box[0] + ox, box[1] + oy))
    diff = np.abs(np.asarray(drawn).astype(int) - np.asarray(want.convert("RGB")).astype(int))
    assert diff.max() <= 2 and diff.mean() < 0.05
    assert np.asarray(drawn)[box[3] + 2, (box[0] + box[2]) // 2].sum() < np.asarray(ground)[0, 0].sum()  # a shadow under it


@pytest.mark.parametrize("mode", ["RGBA", "RGB", "LA", "P"])
def test_a_cutout_png_loads_as_the_same_premultiplied_pixels_whatever_decodes_it(tmp_path, mode):
    """Cached cut-outs (8-bit RGBA) are decoded by OpenCV and anything else by Pillow: same pixels."""
    from creative.cutout.pixels import decode_png

    rng = np.random.default_rng(3)
    rgba = Image.fromarray(rng.integers(0, 256, (37, 53, 4), dtype=np.uint8))
    img = rgba if mode == "RGBA" else rgba.convert(mode)
    path = tmp_path / f"cut-{mode}.png"
    img.save(path)
    want = np.asarray(img.convert("RGBA").convert("RGBa"))
    got = decode_png(path)
    assert got.shape == want.shape and np.array_equal(got, want)


def _gradient_by_definition(size, kind, c1, c2, angle, opacity):
    """The gradient formula evaluated on the coarse grid all at once (three channels together),
    then resized to ``size``: what :func:`fill_image` computes channel by channel."""
    import cv2
    from math import cos, radians, sin

    w, h = size
    k = max(1, max(w, h) // 256)
    gw, gh = max(2, w // k), max(2, h // k)
    ys, xs = np.mgrid[0:gh, 0:gw].astype(np.float32)
    if kind == "linear":
        t = xs * cos(radians(angle)) + ys * sin(radians(angle))
    else:
        t = np.hypot((xs - gw / 2) / gw, (ys - gh / 2) / gh)
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    a1, a2 = np.array(c1, np.float32), np.array(c2, np.float32)
    rgb = (a1 + (a2 - a1) * t[..., None]).round().astype(np.uint8)
    px = np.dstack([rgb, np.full((gh, gw), int(round(255 * opacity)), np.uint8)])
    return cv2.resize(px, size, interpolation=cv2.INTER_LINEAR) if (gw, gh) != size else px


@pytest.mark.parametrize("kind", ["linear", "radial"])
@pytest.mark.parametrize("size, angle", [((1080, 1920), 90.0), ((1200, 628), 60.0), ((728, 90), 0.0), ((160, 600), 135.0),
                                         ((3, 3), 45.0), ((4000, 100), 200.0), ((1080, 1080), 90.0), ((1200, 628), 270.0),
                                         ((300, 250), 180.0), ((90, 728), 0.0), ((2, 5), 90.0), ((5, 2), 180.0),
                                         ((257, 3), 90.0), ((3, 600), 0.0), ((1920, 1080), -90.0), ((300, 250), 90.0),
                                         ((628, 1200), 270.0), ((1, 1), 90.0)])
@pytest.mark.parametrize("mode, opacity", [("RGB", 1.0), ("RGBA", 1.0), ("RGBA", 0.36)])
def test_gradients_equal_their_formula(kind, size, angle, mode, opacity):
    c1, c2 = (12, 200, 77), (240, 31, 160)
    got = fill_image(size, kind, c1, c2, angle=angle, opacity=opacity, mode=mode)
    want = _gradient_by_definition(size, kind, c1, c2, angle, opacity)
    assert got.mode == mode and got.size == size
    assert np.array_equal(np.asarray(got), want[..., :3] if mode == "RGB" else want)
    got.paste((1, 2, 3), (0, 0, 1, 1))  # an image over shared memory is still an image one may draw on
    assert got.getpixel((0, 0))[:3] == (1, 2, 3)


@pytest.mark.parametrize("pattern", ["dots", "stripes", "grid"])
@pytest.mark.parametrize("box, cell", [((0, 0, 300, 200), 20), ((13, 7, 290, 61), 9), ((5, 40, 120, 41), 12), ((0, 0, 300, 250), 43)])
@pytest.mark.parametrize("opacity", [1.0, 0.36])
def test_a_pattern_rectangle_on_one_colour_is_the_same_as_painted_through_its_fill(pattern, box, cell, opacity):
    """paint_pattern_rect (one band composited over the ground, pasted down) against painting the
    whole fill image through paint_shape, on a canvas of one colour."""
    from creative.render.paint import paint_pattern_rect

    ground, c1, c2 = (240, 230, 200), (20, 90, 160), (250, 250, 250)
    want = Image.new("RGB", (300, 250), ground)
    w, h = box[2] - box[0], box[3] - box[1]
    fill = fill_image((w, h), "pattern", c1, c2, pattern=pattern, cell=cell, opacity=opacity,
                      mode="RGB" if opacity >= 1 else "RGBA")
    paint_shape(want, box, "rect", fill, opaque_ground=True)
    got = Image.new("RGB", (300, 250), ground)
    paint_pattern_rect(got, box, c1, c2, pattern=pattern, cell=cell, opacity=opacity, ground=ground)
    assert np.array_equal(np.asarray(got), np.asarray(want))


@pytest.mark.parametrize("shape", ["rect", "ellipse", "burst", "rounded"])
@pytest.mark.parametrize("opacity", [1.0, 0.55, 0.2])
def test_a_colour_paints_the_same_as_its_solid_fill_image(shape, opacity):
    """A template shape's solid fill goes to paint_shape as a colour: same pixels as its RGBA image."""
    rng = np.random.default_rng(1)
    ground = Image.fromarray(rng.integers(0, 256, (120, 160, 3), dtype=np.uint8))
    a = int(round(255 * opacity))
    want, got = ground.copy(), ground.copy()
    box = (10, 15, 150, 100)
    paint_shape(want, box, shape, fill_image((140, 85), "solid", (200, 60, 30), (0, 0, 0), opacity=opacity,
                                             mode="RGB" if opacity >= 1 else "RGBA"), opaque_ground=True)
    paint_shape(got, box, shape, (200, 60, 30, a), opaque_ground=True)
    assert np.array_equal(np.asarray(got), np.asarray(want))
