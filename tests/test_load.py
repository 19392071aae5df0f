"""creative.material.load: every file is either a loaded RGBA image or a one-line error naming it."""
from __future__ import annotations

import io
import struct
import time
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile, PngImagePlugin

from creative.errors import InputError, UsageError
from creative.material.load import MAX_PIXELS, content_hash, has_real_alpha, load_image


def _noise(size: tuple[int, int], mode: str = "RGB", seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    bands = len(Image.new(mode, (1, 1)).getbands())
    arr = rng.integers(0, 256, (size[1], size[0], bands), dtype=np.uint8)
    return Image.fromarray(arr.squeeze(-1) if bands == 1 else arr).convert(mode)


def _save(img: Image.Image, path: Path, **kw: object) -> Path:
    img.save(path, **kw)
    return path


def _header(path: Path) -> Image.Image:
    """The file as Pillow sees it (header only), with the file closed again."""
    with Image.open(path) as im:
        return im


def _input_error(path: Path, *fragments: str) -> str:
    with pytest.raises(InputError) as info:
        load_image(path)
    msg = str(info.value)
    print(msg)
    assert msg.startswith(f"{path}: "), msg
    assert "\n" not in msg
    for frag in fragments:
        assert frag in msg, msg
    return msg


# --- missing and unreadable files -------------------------------------------------------------

def test_missing_file_is_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.jpg"
    with pytest.raises(UsageError, match="file not found") as info:
        load_image(path)
    assert str(info.value) == f"{path}: file not found"
    assert info.value.exit_code == 2


def test_directory_is_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="directory"):
        load_image(tmp_path)


def test_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    _input_error(path, "empty")


def test_html_saved_as_jpg(tmp_path: Path) -> None:
    path = tmp_path / "product.jpg"
    path.write_text("<!DOCTYPE html>\n<html><head><title>Shop</title></head><body>x</body></html>")
    _input_error(path, "not an image", "HTML")


def test_svg(tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    path.write_text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
                    'height="10"><rect width="10" height="10"/></svg>')
    _input_error(path, "SVG")


def test_text_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("just some notes about the campaign, ünïcode included\n" * 3)
    _input_error(path, "not an image", "text")


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "noise.jpg"
    path.write_bytes(bytes(np.random.default_rng(1).integers(1, 256, 4000, dtype=np.uint8)))
    _input_error(path, "not an image")


def test_one_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "x.jpg"
    path.write_bytes(b"\xff")
    _input_error(path, "not an image")


def test_unsupported_format_is_named(tmp_path: Path) -> None:
    path = _save(_noise((32, 32)), tmp_path / "icon.png", format="ICO")
    _input_error(path, "unsupported image format ICO")


# --- truncated data ---------------------------------------------------------------------------

def test_truncated_jpeg(tmp_path: Path) -> None:
    data = io.BytesIO()
    _noise((256, 256)).save(data, "JPEG", quality=90)
    path = tmp_path / "cut.jpg"
    path.write_bytes(data.getvalue()[: len(data.getvalue()) // 2])
    assert not ImageFile.LOAD_TRUNCATED_IMAGES
    _input_error(path, "truncated or corrupt")
    assert not ImageFile.LOAD_TRUNCATED_IMAGES


def test_truncated_png(tmp_path: Path) -> None:
    data = io.BytesIO()
    _noise((256, 256)).save(data, "PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(data.getvalue()[: len(data.getvalue()) // 2])
    _input_error(path, "truncated or corrupt")


# --- size limits ------------------------------------------------------------------------------

def _png_claiming(path: Path, width: int, height: int) -> Path:
    """A tiny real PNG whose IHDR is patched to claim width×height (CRC fixed up)."""
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    data = bytearray(buf.getvalue())
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    path.write_bytes(bytes(data))
    return path


def test_bomb_rejected_from_header(tmp_path: Path) -> None:
    path = _png_claiming(tmp_path / "bomb.png", 30000, 30000)
    start = time.perf_counter()
    msg = _input_error(path)
    assert msg == f"{path}: image is 30000×30000 (900 MP), over the 50 MP limit"
    assert time.perf_counter() - start < 5  # no decoding of 900 MP (generous bound, not a benchmark)


def test_over_our_limit_but_under_pillows(tmp_path: Path) -> None:
    # 8000×8000 = 64 MP: Pillow does not complain (limit ~89 MP), our 50 MP limit does.
    path = _png_claiming(tmp_path / "big.png", 8000, 8000)
    assert str(_input_error(path)).endswith("image is 8000×8000 (64 MP), over the 50 MP limit")


def test_max_pixels_argument_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _save(_noise((100, 50)), tmp_path / "small.png")
    with pytest.raises(InputError, match=r"100×50 \(5,000 px\), over the 4,000 px limit"):
        load_image(path, max_pixels=4000)
    assert load_image(path, max_pixels=5000).size == (100, 50)
    monkeypatch.setenv("CREATIVE_MAX_PIXELS", "4999")
    with pytest.raises(InputError, match="over the"):
        load_image(path)
    monkeypatch.setenv("CREATIVE_MAX_PIXELS", "lots")
    with pytest.raises(UsageError, match="CREATIVE_MAX_PIXELS"):
        load_image(path)
    assert MAX_PIXELS == 50_000_000


def test_pillow_limit_is_left_alone(tmp_path: Path) -> None:
    before = Image.MAX_IMAGE_PIXELS
    load_image(_save(_noise((10, 10)), tmp_path / "a.png"))
    with pytest.raises(InputError):
        load_image(_png_claiming(tmp_path / "bomb.png", 30000, 30000))
    assert Image.MAX_IMAGE_PIXELS == before is not None


def test_pillow_guard_still_applies_above_our_limit(tmp_path: Path) -> None:
    path = _png_claiming(tmp_path / "bomb.png", 30000, 30000)
    with pytest.raises(InputError, match=r"30000×30000 \(900 MP\), over Pillow's decompression-bomb"):
        load_image(path, max_pixels=10**12)
    path = _png_claiming(tmp_path / "big.png", 10000, 9500)  # 95 MP: Pillow only warns
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with pytest.raises(InputError, match=r"10000×9500 \(95 MP\), over Pillow's"):
            load_image(path, max_pixels=10**12)


def test_huge_text_chunk_never_crashes(tmp_path: Path) -> None:
    for zipped in (False, True):
        info = PngImagePlugin.PngInfo()
        info.add_text("comment", "x" * 3_000_000, zip=zipped)
        path = _save(_noise((16, 16)), tmp_path / f"text{zipped}.png", pnginfo=info)
        try:
            img = load_image(path)
        except InputError as exc:
            assert str(exc).startswith(f"{path}: ")
        else:
            assert img.mode == "RGBA" and img.size == (16, 16)


# --- modes, orientation, frames ---------------------------------------------------------------

def _rgba(path: Path) -> np.ndarray:
    img = load_image(path)
    assert img.mode == "RGBA"
    return np.asarray(img)


def test_sixteen_bit_gradient_is_scaled_not_clipped(tmp_path: Path) -> None:
    ramp = np.tile(np.linspace(0, 65535, 256).astype(np.uint16), (8, 1))
    src = Image.fromarray(ramp)
    path = _save(src, tmp_path / "deep.png")
    assert _header(path).mode.startswith("I")
    out = _rgba(path)
    grey = out[0, :, 0].astype(int)
    assert grey[0] == 0 and grey[-1] == 255
    assert abs(grey[128] - 128) <= 2
    assert len(np.unique(grey)) > 200  # a ramp, not a white wall
    assert (out[..., 3] == 255).all()


def test_float_tiff(tmp_path: Path) -> None:
    ramp = np.tile(np.linspace(0.0, 1.0, 64, dtype=np.float32), (4, 1))
    path = _save(Image.fromarray(ramp), tmp_path / "float.tif")
    grey = _rgba(path)[0, :, 0].astype(int)
    assert grey[0] == 0 and grey[-1] == 255 and 120 <= grey[32] <= 135


def test_cmyk_jpeg(tmp_path: Path) -> None:
    path = _save(Image.new("CMYK", (16, 16), (0, 255, 255, 0)), tmp_path / "cmyk.jpg", quality=95)
    assert _header(path).mode == "CMYK"
    r, g, b, a = _rgba(path)[8, 8].astype(int)
    assert r > 230 and g < 30 and b < 30 and a == 255


def test_palette_with_transparency(tmp_path: Path) -> None:
    img = Image.new("P", (10, 10), 0)
    img.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    img.paste(1, (2, 2, 8, 8))
    path = _save(img, tmp_path / "pal.png", transparency=0)
    out = _rgba(path)
    assert out[0, 0, 3] == 0
    assert tuple(out[5, 5]) == (200, 0, 0, 255)


def test_animated_gif_gives_first_frame(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (20, 20), c) for c in ("red", "lime", "blue")]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    with Image.open(path) as im:
        assert im.n_frames == 3
    assert tuple(_rgba(path)[10, 10]) == (255, 0, 0, 255)


def test_animated_webp_gives_first_frame(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (20, 20), c) for c in ("red", "lime", "blue")]
    path = tmp_path / "anim.webp"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, lossless=True)
    assert tuple(_rgba(path)[10, 10]) == (255, 0, 0, 255)


def test_mpo_gives_first_frame(tmp_path: Path) -> None:
    path = tmp_path / "stereo.mpo"
    Image.new("RGB", (24, 16), "red").save(path, "MPO", save_all=True,
                                           append_images=[Image.new("RGB", (24, 16), "blue")])
    assert _header(path).format == "MPO"
    r, g, b, _ = _rgba(path)[8, 12].astype(int)
    assert r > 200 and b < 60


@pytest.mark.parametrize("mode", ["L", "LA", "1", "RGB", "RGBA", "I"])
def test_modes_become_rgba(tmp_path: Path, mode: str) -> None:
    ext = "tif" if mode == "I" else "png"
    img = _noise((12, 9), "L").convert(mode)
    out = _rgba(_save(img, tmp_path / f"m.{ext}"))
    assert out.shape == (9, 12, 4)


def test_greyscale_jpeg(tmp_path: Path) -> None:
    out = _rgba(_save(Image.new("L", (8, 8), 90), tmp_path / "grey.jpg", quality=100))
    assert abs(int(out[4, 4, 0]) - 90) <= 1 and out[4, 4, 0] == out[4, 4, 1] == out[4, 4, 2]


def test_exif_orientation_applied(tmp_path: Path) -> None:
    img = Image.new("RGB", (40, 20), "white")
    img.paste((255, 0, 0), (0, 0, 10, 20))  # red strip on the left as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    path = _save(img, tmp_path / "rot.jpg", exif=exif.tobytes(), quality=95)
    out = load_image(path)
    assert out.size == (20, 40)
    top = np.asarray(out)[2, 10]
    assert top[0] > 200 and top[1] < 60  # the left strip is now on top


def test_one_pixel_image(tmp_path: Path) -> None:
    out = load_image(_save(Image.new("RGB", (1, 1), (1, 2, 3)), tmp_path / "dot.png"))
    assert out.size == (1, 1) and out.getpixel((0, 0)) == (1, 2, 3, 255)


def test_result_is_detached_from_file(tmp_path: Path) -> None:
    path = _save(_noise((30, 30)), tmp_path / "a.jpg")
    out = load_image(path)
    path.unlink()
    assert out.copy().size == (30, 30)


# --- helpers ----------------------------------------------------------------------------------

def test_content_hash(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"abc" * 1_000_000)
    import hashlib

    assert content_hash(path) == hashlib.sha256(b"abc" * 1_000_000).hexdigest()
    with pytest.raises(UsageError, match="file not found"):
        content_hash(tmp_path / "missing")


def test_has_real_alpha() -> None:
    opaque = Image.new("RGBA", (20, 20), (0, 0, 0, 255))
    assert not has_real_alpha(opaque)
    assert not has_real_alpha(Image.new("RGBA", (20, 20), (0, 0, 0, 0)))
    assert not has_real_alpha(Image.new("RGBA", (20, 20), (0, 0, 0, 128)))
    cut = opaque.copy()
    cut.paste((0, 0, 0, 0), (0, 0, 20, 10))
    assert has_real_alpha(cut)
    stray = opaque.copy()
    stray.putpixel((0, 0), (0, 0, 0, 0))  # one transparent pixel in 400 is not a cut-out
    assert not has_real_alpha(stray)
    assert not has_real_alpha(Image.new("RGB", (4, 4)))
