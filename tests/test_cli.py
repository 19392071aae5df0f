"""The command line: one-line errors with the right exit codes, no partial files, real outputs."""
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from creative.cli import main


def run(argv, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    out = capsys.readouterr()
    return e.value.code, out.out, out.err


def _bomb(path: Path, w=30000, h=30000):
    Image.new("RGB", (8, 8), "white").save(path)
    data = bytearray(path.read_bytes())
    ihdr = data[12:29]
    ihdr[4:12] = struct.pack(">II", w, h)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)) & 0xFFFFFFFF)
    path.write_bytes(bytes(data))


@pytest.fixture()
def bad_inputs(tmp_path, product_photos):
    (tmp_path / "zero.jpg").write_bytes(b"")
    (tmp_path / "page.jpg").write_text("<html><body>not an image</body></html>")
    good = product_photos["bottle"].read_bytes()
    (tmp_path / "trunc.png").write_bytes(good[: len(good) // 2])
    _bomb(tmp_path / "bomb.png")
    return tmp_path


@pytest.mark.parametrize("name,args,code,needle", [
    ("missing", ["banner", "{tmp}/nope.jpg", "-t", "Cup", "-T", "minimal"], 2, "file not found"),
    ("zero", ["banner", "{tmp}/zero.jpg", "-t", "Cup", "-T", "minimal"], 1, "zero.jpg"),
    ("html", ["banner", "{tmp}/page.jpg", "-t", "Cup", "-T", "minimal"], 1, "page.jpg"),
    ("trunc", ["banner", "{tmp}/trunc.png", "-t", "Cup", "-T", "minimal"], 1, "trunc.png"),
    ("bomb", ["banner", "{tmp}/bomb.png", "-t", "Cup", "-T", "minimal"], 1, "30000"),
    ("empty title", ["banner", "{photo}", "-t", "  ", "-T", "minimal"], 2, "title is empty"),
    ("long title", ["banner", "{photo}", "-t", "x" * 500, "-T", "minimal"], 2, "500 characters"),
    ("unknown template", ["banner", "{photo}", "-t", "Cup", "-T", "zzz"], 2, "unknown template 'zzz'"),
    ("size 0x0", ["banner", "{photo}", "-t", "Cup", "-T", "minimal", "-s", "0x0"], 2, "bad size '0x0'"),
    ("size abc", ["banner", "{photo}", "-t", "Cup", "-T", "minimal", "-s", "abc"], 2, "bad size 'abc'"),
    ("size huge", ["banner", "{photo}", "-t", "Cup", "-T", "minimal", "-s", "99999x99999"], 2, "bad size '99999x99999'"),
    ("bad format", ["banner", "{photo}", "-t", "Cup", "-T", "minimal", "-f", "gif"], 2, "unknown image format"),
    ("unknown remover", ["banner", "{photo}", "-t", "Cup", "-T", "minimal", "--remover", "magic"], 2, "unknown remover"),
])
def test_bad_input_one_line_error(bad_inputs, product_photos, capsys, name, args, code, needle):
    out_dir = bad_inputs / "out"
    argv = [a.format(tmp=bad_inputs, photo=product_photos["bottle"]) for a in args] + ["--out", str(out_dir)]
    if "--remover" not in argv:
        argv += ["--remover", "fake"]
    rc, out, err = run(argv, capsys)
    assert rc == code, (rc, err)
    assert needle in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_banner_writes_images_and_manifests(tmp_path, product_photos, capsys):
    out = tmp_path / "out"
    rc, stdout, err = run(["banner", str(product_photos["bottle"]), "-t", "Espresso Cup", "-p", "19.99",
                           "--original-price", "29.99", "-T", "minimal", "-s", "1080x1080", "-s", "728x90",
                           "-f", "webp", "--remover", "fake", "--out", str(out)], capsys)
    assert rc == 0, err
    files = sorted(p.name for p in out.iterdir())
    assert files == ["minimal-1080x1080.json", "minimal-1080x1080.webp", "minimal-728x90.json", "minimal-728x90.webp"]
    m = json.loads((out / "minimal-1080x1080.json").read_text())
    assert m["canvas"] == [1080, 1080] and m["template"] == "minimal"
    roles = {e["role"] for e in m["elements"]}
    assert {"product", "headline", "price", "cta"} <= roles
    for e in m["elements"]:
        if "text" in e:
            assert e["contrast"] >= e["contrast_required"]
            assert {"box", "color", "font", "font_size"} <= set(e)
    assert Path(next(e for e in m["elements"] if e["role"] == "product")["source"]).is_file()
    with Image.open(out / "minimal-1080x1080.webp") as im:
        assert im.size == (1080, 1080)
    # a re-run skips what is already done
    rc, stdout, err = run(["banner", str(product_photos["bottle"]), "-t", "Espresso Cup", "-p", "19.99",
                           "--original-price", "29.99", "-T", "minimal", "-s", "1080x1080", "-s", "728x90",
                           "-f", "webp", "--remover", "fake", "--out", str(out)], capsys)
    assert rc == 0 and stdout.count("skipped") == 2


def test_propose_ranked_with_contact_sheet(tmp_path, product_photos, capsys):
    out = tmp_path / "p"
    rc, stdout, err = run(["propose", str(product_photos["wide"]), "-t", "Trail Runner", "-p", "89", "-n", "10",
                           "--remover", "fake", "--out", str(out), "-s", "800x800"], capsys)
    assert rc == 0, err
    idx = json.loads((out / "proposals.json").read_text())
    scores = [p["score"] for p in idx["proposals"]]
    assert len(scores) == 10 and scores == sorted(scores, reverse=True)
    keys = {(p["template"], p["variant"], p["scheme"], p["tone"]) for p in idx["proposals"]}
    assert len(keys) == 10
    assert (out / "contact-sheet.png").is_file()
    assert all((out / p["file"]).is_file() for p in idx["proposals"])
    assert (out / idx["proposals"][0]["file"]).name.startswith("01-")


def test_palette_json(product_photos, capsys):
    rc, out, err = run(["palette", str(product_photos["bottle"]), "--json", "--remover", "fake"], capsys)
    assert rc == 0, err
    data = json.loads(out)
    assert data["swatches"] and "background" in data["roles"]


def test_template_commands(capsys, tmp_path):
    rc, out, _ = run(["template", "list", "--json"], capsys)
    assert rc == 0 and len(json.loads(out)) >= 8
    rc, out, _ = run(["template", "validate"], capsys)
    assert rc == 0 and "templates valid" in out
    rc, out, _ = run(["template", "schema"], capsys)
    assert rc == 0 and json.loads(out)["title"] == "creative template"
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad Name\nlayers: []\n")
    rc, out, err = run(["template", "validate", str(bad)], capsys)
    assert rc == 1 and "bad.yaml" in err


def test_cutout_command(tmp_path, product_photos, capsys):
    target = tmp_path / "c.png"
    rc, out, err = run(["cutout", str(product_photos["round"]), "--remover", "fake", "-o", str(target)], capsys)
    assert rc == 0, err
    with Image.open(target) as im:
        assert im.mode == "RGBA"


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; from creative.cli import app; "
            "heavy = [m for m in ('onnxruntime', 'rembg', 'cv2', 'moviepy', 'ray', 'skimage') if m in sys.modules]; "
            "print(heavy)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


def test_every_command_has_help(capsys):
    for cmd in (["banner"], ["propose"], ["cutout"], ["palette"], ["demo"], ["models", "pull"], ["template", "list"],
                ["template", "validate"], ["template", "schema"]):
        rc, out, _ = run(cmd + ["--help"], capsys)
        assert rc == 0 and "Usage" in out, cmd


_WARM_RENDER = """
import sys, json
from pathlib import Path
from creative.content import Content
from creative.design import prepare_product, render_design, write_design
from creative.template import get_template
photo = Path(sys.argv[1])
product = prepare_product(photo, remover="alpha")
content = Content.create("Ceramic cup", price="19.99", original_price="29.99")
res = render_design(get_template("minimal"), product, content, (600, 600))
write_design(res, Path(sys.argv[2]), product, content)
print(json.dumps([m for m in ("coloraide", "yaml", "fontTools", "fontpkg") if m in sys.modules]))
"""


def test_a_banner_from_caches_loads_no_parsers_and_draws_the_same_pixels(tmp_path):
    """The second banner of a product comes from the on-disk caches (palettes, templates, font
    tables, prices): it imports none of the libraries that computed them and is pixel-identical."""
    import numpy as np

    from creative.testing.fixtures import synthetic_product

    photo, mask = synthetic_product("round", (40, 90, 160))
    rgba = photo.convert("RGBA")
    rgba.putalpha(mask)
    rgba.save(tmp_path / "cup.png")
    env = {**os.environ, "CREATIVE_CACHE_DIR": str(tmp_path / "cache")}
    runs = []
    for name in ("cold.png", "warm.png"):
        r = subprocess.run([sys.executable, "-c", _WARM_RENDER, str(tmp_path / "cup.png"), str(tmp_path / name)],
                           capture_output=True, text=True, env=env, check=True)
        runs.append(json.loads(r.stdout))
    assert "yaml" in runs[0] or "fontTools" in runs[0]  # the cold run did compute something
    assert runs[1] == [], f"loaded with warm caches: {runs[1]}"
    with Image.open(tmp_path / "cold.png") as a, Image.open(tmp_path / "warm.png") as b:
        assert np.array_equal(np.asarray(a), np.asarray(b))
