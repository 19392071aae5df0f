"""The draw-ready copy of a cut-out's pixels (``NAME.pixels.zst``): same pixels as the PNG,
ignored when stale or damaged, written when a product is prepared, read by the renderer."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image

from creative.cutout import pixels


def _cutout(path, seed=5, size=(61, 43)):
    rng = np.random.default_rng(seed)
    px = rng.integers(0, 256, (size[1], size[0], 4), dtype=np.uint8)
    px[:5, :, 3] = 0  # some fully transparent rows, as a cut-out's padding
    Image.fromarray(px).save(path)
    return path


def test_the_copy_holds_the_same_premultiplied_pixels_as_the_png(tmp_path):
    png = _cutout(tmp_path / "a.png")
    want = pixels.decode_png(png)
    assert pixels.read(png) is None and not pixels.current(png)
    side = pixels.write(png, want)
    assert side == tmp_path / "a.pixels.zst" and pixels.current(png)
    got = pixels.read(png)
    assert got.shape == want.shape and np.array_equal(got, want)
    assert not got.flags.writeable
    assert np.array_equal(pixels.premultiplied(png), want)


def test_a_copy_of_another_version_of_the_png_is_not_used(tmp_path):
    png = _cutout(tmp_path / "a.png")
    pixels.write(png, pixels.decode_png(png))
    _cutout(png, seed=6)  # the PNG replaced (new content, new size or mtime)
    st = png.stat()
    os.utime(png, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert not pixels.current(png) and pixels.read(png) is None
    assert np.array_equal(pixels.premultiplied(png), pixels.decode_png(png))


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "bad magic"])
def test_a_damaged_copy_is_a_slower_read_not_an_error(tmp_path, damage):
    png = _cutout(tmp_path / "a.png")
    side = pixels.write(png, pixels.decode_png(png))
    data = side.read_bytes()
    side.write_bytes({"truncated": data[: len(data) // 2], "garbage": data[:30] + b"\x00" * 40, "empty": b"",
                      "bad magic": b"XXXX" + data[4:]}[damage])
    assert pixels.read(png) is None
    assert np.array_equal(pixels.premultiplied(png), pixels.decode_png(png))


def test_write_refuses_what_is_not_rgba_pixels(tmp_path):
    png = _cutout(tmp_path / "a.png")
    with pytest.raises(ValueError, match="premultiplied RGBA"):
        pixels.write(png, np.zeros((4, 4, 3), np.uint8))


def test_preparing_a_product_keeps_its_pixels_and_the_renderer_reads_them(tmp_path, monkeypatch):
    monkeypatch.setenv("CREATIVE_CACHE_DIR", str(tmp_path / "cache"))
    from creative.design import prepare_product
    from creative.render import compose
    from creative.testing.fixtures import synthetic_product

    photo, mask = synthetic_product("bottle", (200, 60, 40))
    rgba = photo.convert("RGBA")
    rgba.putalpha(mask)
    src = tmp_path / "bottle.png"
    rgba.save(src)
    product = prepare_product(src, remover="alpha")
    assert pixels.current(product.cutout_path)
    # written from the image the palette and shape decoded (Pillow): the pixels OpenCV would give
    assert np.array_equal(pixels.read(product.cutout_path), pixels.decode_png(product.cutout_path))
    decoded = []
    monkeypatch.setattr(pixels, "decode_png", lambda p: decoded.append(p))  # must not be needed now
    compose._cutout_pixels.cache_clear()
    got = compose._cutout_pixels(str(product.cutout_path))
    assert decoded == [] and got.shape[2] == 4 and got[..., 3].max() == 255
