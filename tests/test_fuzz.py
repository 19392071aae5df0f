"""Fuzzing in the normal test run: parsers and decoders may only succeed or raise their own
one-line errors, whatever bytes they are given. A longer session is `python benchmarks/fuzz_images.py`."""
from __future__ import annotations

import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from creative.errors import CreativeError
from creative.material.load import load_image
from creative.template import parse_template
from creative.testing.fixtures import synthetic_product

MINIMAL = (Path(__file__).resolve().parents[1] / "templates" / "minimal.yaml").read_text(encoding="utf-8")

yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**9, 10**9), st.floats(allow_nan=True),
                         st.text(max_size=20))
yaml_values = st.recursive(yaml_scalars, lambda kids: st.one_of(st.lists(kids, max_size=5),
                                                                st.dictionaries(st.text(max_size=10), kids, max_size=5)),
                           max_leaves=30)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_template_parser_on_arbitrary_text(text):
    try:
        parse_template(text, "fuzz.yaml")
    except CreativeError as e:
        assert "fuzz.yaml" in str(e) and "\n" not in str(e).strip()


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["name", "layers", "layouts", "palette", "margin", "styles", "version", "x"]),
                       yaml_values, max_size=6))
def test_template_parser_on_arbitrary_structures(data):
    import yaml

    try:
        parse_template(yaml.safe_dump(data, allow_unicode=True), "fuzz.yaml")
    except CreativeError as e:
        assert "fuzz.yaml" in str(e)


@settings(max_examples=120, deadline=None)
@given(pos=st.integers(0, 10**6), cut=st.integers(0, 10**6), flips=st.lists(st.integers(0, 255), max_size=8))
def test_template_parser_on_mutated_template(pos, cut, flips):
    raw = bytearray(MINIMAL.encode())
    for i, b in enumerate(flips):
        raw[(pos + i * 97) % len(raw)] = b
    text = bytes(raw[: len(raw) - cut % len(raw)]).decode("utf-8", "replace")
    try:
        parse_template(text, "fuzz.yaml")
    except CreativeError:
        pass


def _seed_images() -> list[bytes]:
    img = synthetic_product("round", (200, 60, 40), (64, 64))[0]
    out = []
    for fmt, kw in (("PNG", {}), ("JPEG", {"quality": 80}), ("WEBP", {}), ("GIF", {}), ("BMP", {}), ("TIFF", {})):
        buf = io.BytesIO()
        img.save(buf, fmt, **kw)
        out.append(buf.getvalue())
    return out


SEEDS = _seed_images()


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, len(SEEDS) - 1), edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=12),
       cut=st.integers(0, 10**6), suffix=st.sampled_from([".png", ".jpg", ".webp", ".gif", ".bmp", ".tiff"]))
def test_image_loader_on_mutated_files(tmp_path, seed, edits, cut, suffix):
    raw = bytearray(SEEDS[seed])
    for pos, b in edits:
        raw[pos % len(raw)] = b
    raw = raw[: max(1, len(raw) - cut % len(raw))]
    p = tmp_path / f"fuzz{suffix}"
    p.write_bytes(bytes(raw))
    try:
        img = load_image(p)
    except CreativeError as e:
        assert str(p) in str(e)
    else:
        assert img.mode == "RGBA" and img.width > 0 and img.height > 0


def test_gif_claiming_a_huge_screen_is_a_clean_error(tmp_path):
    """Regression (found by benchmarks/fuzz_images.py): the GIF parser runs Pillow's bomb check
    while we read its header to report the claimed size."""
    import struct

    import pytest

    buf = io.BytesIO()
    synthetic_product("round", (200, 60, 40), (16, 16))[0].save(buf, "GIF")
    raw = bytearray(buf.getvalue())
    raw[6:10] = struct.pack("<HH", 65535, 65535)
    p = tmp_path / "huge.gif"
    p.write_bytes(bytes(raw))
    with pytest.raises(CreativeError, match="huge.gif"):
        load_image(p)
