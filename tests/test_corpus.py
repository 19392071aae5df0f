"""The bad-input corpus: each case gets a correct result or a one-line error naming the input;
never a traceback, a hang or a partial file. Every case goes through the real CLI entry point.

Feeds and video have their own corpus cases in their test modules; docs/reliability.md lists all.
"""
from __future__ import annotations

import io
import os
import signal
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from creative.cli import main
from creative.testing.fixtures import synthetic_product

MINIMAL = Path(__file__).resolve().parents[1] / "templates" / "minimal.yaml"
OK, ERR, USAGE = 0, 1, 2


# ---------------------------------------------------------------- image makers
def _product_png(path: Path) -> None:
    synthetic_product("round", (200, 60, 40), (240, 240))[0].save(path)


def _bytes_of(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def _product() -> Image.Image:
    return synthetic_product("round", (200, 60, 40), (240, 240))[0]


def _bomb(path: Path, w: int = 40000, h: int = 40000) -> None:
    data = bytearray(_bytes_of(Image.new("RGB", (8, 8), "red"), "PNG"))
    ihdr = bytearray(data[12:29])
    ihdr[4:12] = struct.pack(">II", w, h)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)) & 0xFFFFFFFF)
    path.write_bytes(bytes(data))


def _text_chunk_png(path: Path) -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("comment", "x" * 5_000_000, zip=True)
    _product().save(path, pnginfo=info)


def _exif_rotated(path: Path) -> None:
    img = _product().rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    img.save(path, "JPEG", exif=exif)


def _animated(path: Path, fmt: str) -> None:
    frames = [_product(), Image.new("RGB", (240, 240), (10, 200, 10))]
    frames[0].save(path, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)


def _palette_transparent(path: Path) -> None:
    img = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    img.paste(Image.new("RGBA", (60, 60), (220, 30, 30, 255)), (30, 30))
    img.convert("P", palette=Image.Palette.ADAPTIVE).save(path, transparency=0)
    # make sure index 0 is the transparent background
    p = Image.open(path)
    assert p.mode == "P"


def _sixteen_bit(path: Path) -> None:
    import numpy as np

    a = (np.add.outer(np.arange(200), np.arange(200)) * 160).astype(np.uint16)
    a[60:140, 60:140] = 5000
    Image.fromarray(a).save(path)


IMAGE_CASES = {
    # name: (file name, maker, expected)
    "zero-bytes": ("zero.jpg", lambda p: p.write_bytes(b""), ERR),
    "truncated-jpeg": ("trunc.jpg", lambda p: p.write_bytes(_bytes_of(_product(), "JPEG")[:900]), ERR),
    "truncated-png": ("trunc.png", lambda p: p.write_bytes(_bytes_of(_product(), "PNG")[:700]), ERR),
    "png-named-jpg": ("really-png.jpg", lambda p: p.write_bytes(_bytes_of(_product(), "PNG")), OK),
    "html-as-jpg": ("page.jpg", lambda p: p.write_text("<!doctype html><html><body>hi</body></html>"), ERR),
    "16-bit-png": ("deep.png", _sixteen_bit, OK),
    "cmyk-jpeg": ("cmyk.jpg", lambda p: _product().convert("CMYK").save(p, "JPEG"), OK),
    "palette-transparency": ("pal.png", _palette_transparent, OK),
    "animated-gif": ("anim.gif", lambda p: _animated(p, "GIF"), OK),
    "animated-webp": ("anim.webp", lambda p: _animated(p, "WEBP"), OK),
    "exif-rotated": ("rot.jpg", _exif_rotated, OK),
    "one-pixel": ("one.png", lambda p: Image.new("RGB", (1, 1), "red").save(p), None),
    "decompression-bomb": ("bomb.png", _bomb, ERR),
    "svg": ("logo.svg", lambda p: p.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>"), ERR),
    "huge-text-chunk": ("chunk.png", _text_chunk_png, None),
    "all-white": ("white.png", lambda p: Image.new("RGB", (300, 300), "white").save(p), ERR),
    "bilevel": ("bits.png", lambda p: _product().convert("1").save(p), OK),
    "greyscale-alpha": ("la.png", lambda p: _product().convert("LA").save(p), OK),
    "tiff": ("photo.tiff", lambda p: _product().save(p, "TIFF"), OK),
    "random-bytes": ("noise.png", lambda p: p.write_bytes(os.urandom(4096)), ERR),
}


def _run(argv: list[str], capsys, seconds: int = 90):
    def alarm(*_):
        raise TimeoutError(f"hang: {argv}")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        with pytest.raises(SystemExit) as e:
            main(argv)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    out = capsys.readouterr()
    return e.value.code or 0, out.out, out.err


def _assert_outcome(rc, err, out_dir: Path, expected):
    assert "Traceback" not in err, err
    problems = [line for line in err.splitlines() if line.strip() and not line.startswith("warning:")]
    leftovers = list(out_dir.rglob("*.part")) if out_dir.exists() else []
    assert not leftovers, leftovers
    if rc == OK:
        assert expected in (OK, None), f"expected exit {expected}, got a result"
        images = [p for p in out_dir.iterdir() if p.suffix != ".json"]
        assert images and all(p.with_suffix(".json").is_file() for p in images)
        with Image.open(images[0]) as im:
            im.load()
    else:
        assert expected in (rc, None), f"expected exit {expected}, got {rc}: {err}"
        assert rc in (ERR, USAGE)
        assert len(problems) == 1 and problems[0].startswith("error: "), err
        images = [p for p in out_dir.iterdir()] if out_dir.exists() else []
        assert not images, images


@pytest.mark.parametrize("case", sorted(IMAGE_CASES))
def test_bad_images(case, tmp_path, capsys):
    name, make, expected = IMAGE_CASES[case]
    photo = tmp_path / name
    make(photo)
    out = tmp_path / "out"
    rc, _, err = _run(["banner", str(photo), "-t", "Cup", "-p", "9", "-T", "minimal", "-s", "300x250",
                       "--remover", "fake", "--out", str(out)], capsys)
    _assert_outcome(rc, err, out, expected)
    if rc != OK:
        assert name in err  # the message names the input


TEXT_CASES = {
    "empty": (["-t", ""], USAGE),
    "blank": (["-t", "   \t "], USAGE),
    "1000-chars": (["-t", "x" * 1000], USAGE),
    "only-emoji-no-font": (["-t", "😀🎉🔥"], USAGE),
    "rtl-arabic": (["-t", "تخفيضات الصيف الكبرى"], OK),
    "mixed-scripts": (["-t", "双11 Sale −50% تخفيض ลดราคา सेल"], OK),
    "zero-width-and-control": (["-t", "Cup\u200b\u200d\x00\x07 Set\u0001"], OK),
    "uncovered-script": (["-t", "שלום עולם"], USAGE),
    "only-controls": (["-t", "\x00\x01\u200b"], USAGE),
    "long-subhead": (["-t", "Cup", "--subhead", "y" * 500], USAGE),
    "long-badge": (["-t", "Cup", "--badge", "z" * 1000], USAGE),
    "bad-price": (["-t", "Cup", "-p", "cheap"], USAGE),
    "negative-price": (["-t", "Cup", "-p", "-5"], USAGE),
    "bad-currency": (["-t", "Cup", "-p", "5", "--currency", "XYZ1"], USAGE),
    "bad-locale": (["-t", "Cup", "--locale", "xx-INVALID-123"], USAGE),
    "bad-brand-colour": (["-t", "Cup", "--brand-color", "notacolour"], USAGE),
}


@pytest.mark.parametrize("case", sorted(TEXT_CASES))
def test_bad_text(case, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CREATIVE_EMOJI_FONT", "")
    photo = tmp_path / "p.png"
    _product_png(photo)
    args, expected = TEXT_CASES[case]
    if "-p" not in args:
        args = args + ["-p", "9"]
    out = tmp_path / "out"
    rc, _, err = _run(["banner", str(photo), *args, "-T", "minimal", "-s", "300x250", "--remover", "fake",
                       "--out", str(out)], capsys)
    _assert_outcome(rc, err, out, expected)


def _tpl(folder: Path, text: str) -> Path:
    p = folder / "t.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def _with_image(folder: Path, src: str) -> str:
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("  - type: logo\n", f"  - type: image\n    id: mark\n    src: {src!r}\n  - type: logo\n", 1)
    return text.replace("        logo: {box: [0.0, 0.0, 0.6, 0.05], anchor: top-left}\n",
                        "        mark: {box: [0.0, 0.0, 0.1, 0.1], anchor: top-left}\n", 1)


def _symlink_case(folder: Path) -> str:
    outside = folder.parent / "secret.png"
    Image.new("RGB", (4, 4)).save(outside)
    os.symlink(outside, folder / "link.png")
    return _with_image(folder, "link.png")


def _many_layers() -> str:
    rows = "\n".join(f"  - {{type: shape, id: s{i}}}" for i in range(100_000))
    return "name: big\nlayers:\n" + rows + "\nlayouts: {square: [{name: a}]}\n"


def _alias_bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\nname: bomb\nlayers: *a9\nlayouts: {}\n"


TEMPLATE_CASES = {
    "yaml-syntax": (lambda d: "name: [unclosed\nlayers: {\n", ERR),
    "unknown-field": (lambda d: MINIMAL.read_text().replace("margin: 0.07", "margin: 0.07\nmargins: 3"), ERR),
    "wrong-type": (lambda d: MINIMAL.read_text().replace("max_size: 0.085", "max_size: huge"), ERR),
    "missing-asset": (lambda d: _with_image(d, "nope.png"), ERR),
    "dotdot-asset": (lambda d: _with_image(d, "../../etc/passwd.png"), ERR),
    "absolute-asset": (lambda d: _with_image(d, "/etc/passwd"), ERR),
    "symlink-out": (_symlink_case, ERR),
    "absurd-dimensions": (lambda d: MINIMAL.read_text().replace("[0.0, 0.06, 1.0, 0.62]", "[0.0, 0.06, 1e9, 1e12]"), ERR),
    "100k-layers": (lambda d: _many_layers(), ERR),
    "alias-bomb": (lambda d: _alias_bomb(), ERR),
    "empty-file": (lambda d: "", ERR),
    "not-a-mapping": (lambda d: "- just\n- a list\n", ERR),
}


@pytest.mark.parametrize("case", sorted(TEMPLATE_CASES))
def test_bad_templates(case, tmp_path, capsys):
    folder = tmp_path / "tpl"
    folder.mkdir()
    make, expected = TEMPLATE_CASES[case]
    tpl = _tpl(folder, make(folder))
    photo = tmp_path / "p.png"
    _product_png(photo)
    out = tmp_path / "out"
    rc, _, err = _run(["banner", str(photo), "-t", "Cup", "-T", str(tpl), "-s", "300x250", "--remover", "fake",
                       "--out", str(out)], capsys)
    _assert_outcome(rc, err, out, expected)
    assert "t.yaml" in err


def test_binary_template_file(tmp_path, capsys):
    tpl = tmp_path / "bin.yaml"
    tpl.write_bytes(os.urandom(2048) + b"\xff\xfe")
    photo = tmp_path / "p.png"
    _product_png(photo)
    rc, _, err = _run(["banner", str(photo), "-t", "Cup", "-T", str(tpl), "--remover", "fake",
                       "--out", str(tmp_path / "out")], capsys)
    _assert_outcome(rc, err, tmp_path / "out", ERR)


@pytest.mark.parametrize("size", ["0x0", "abc", "99999x99999", "10x10", "1080x", "-1x5"])
def test_bad_sizes(size, tmp_path, capsys):
    photo = tmp_path / "p.png"
    _product_png(photo)
    out = tmp_path / "out"
    rc, _, err = _run(["banner", str(photo), "-t", "Cup", "-T", "minimal", "-s", size, "--remover", "fake",
                       "--out", str(out)], capsys)
    _assert_outcome(rc, err, out, USAGE)


def test_disk_full_leaves_no_partial_file(tmp_path, capsys, monkeypatch):
    """A write that fails with ENOSPC: a clear error, nothing under the final name, no temp file."""
    import errno

    photo = tmp_path / "p.png"
    _product_png(photo)
    real_save = Image.Image.save

    def full(self, fp, *a, **kw):
        if hasattr(fp, "write"):  # the atomic writer hands Pillow an open temp file
            fp.write(b"\x89PNG partial")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, fp, *a, **kw)

    monkeypatch.setattr(Image.Image, "save", full)
    out = tmp_path / "out"
    rc, _, err = _run(["banner", str(photo), "-t", "Cup", "-T", "minimal", "-s", "300x250", "--remover", "fake",
                       "--out", str(out)], capsys)
    assert rc == ERR and "No space left on device" in err and "minimal-300x250.png" in err
    assert not any(out.iterdir()) if out.exists() else True
