"""Material analysis: measures, rejects with reasons, duplicates, tone → styles, clips, CLI, propose hook."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from creative.material.analyze import analyze, collect
from creative.material.tone import suggest_styles, template_styles, tone_of, tone_of_cutout
from creative.errors import UsageError

W, H = 480, 360


def product(color=(200, 40, 30), bg=(255, 255, 255), box=(140, 80, 340, 300), size=(W, H)) -> Image.Image:
    """A textured product (stripes, so it is sharp) on a plain backdrop."""
    w, h = size
    img = np.zeros((h, w, 3), np.uint8)
    img[:] = bg
    x0, y0, x1, y1 = box
    stripes = (np.indices((y1 - y0, x1 - x0))[1] // 6) % 2 == 0
    c = np.array(color, np.int16)
    img[y0:y1, x0:x1] = np.where(stripes[..., None], c, np.clip(c * 0.8, 0, 255)).astype(np.uint8)
    return Image.fromarray(img)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("material")
    product().save(d / "hero.png")
    product().save(d / "hero-copy.jpg", quality=92)  # a near-duplicate
    product().filter(ImageFilter.GaussianBlur(6)).save(d / "blurry.png")
    product(box=(300, 80, 480, 300)).save(d / "cut.png")  # runs off the right edge
    product(size=(120, 90), box=(35, 20, 85, 75)).save(d / "tiny.png")
    Image.new("RGB", (W, H), (255, 255, 255)).save(d / "blank.png")
    (d / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (d / "notes.txt").write_text("not material")
    return d


def test_collect_searches_folders_and_skips_other_files(folder: Path) -> None:
    names = [p.name for p in collect([folder])]
    assert "notes.txt" not in names and "hero.png" in names
    with pytest.raises(UsageError, match="not found"):
        collect([folder / "missing"])


def test_rejects_carry_their_reasons(folder: Path) -> None:
    result = analyze([folder], size=(400, 300))
    by = {i.path.name: i for i in result.items}
    assert by["hero.png"].ok and by["hero.png"].background == "studio"
    assert result.hero == folder / "hero.png"
    assert any("near-duplicate of hero.png" in r or "duplicate of hero.png" in r for r in by["hero-copy.jpg"].rejects)
    assert any(r.startswith("blurry") for r in by["blurry.png"].rejects)
    assert any("cut off at the right edge" in r for r in by["cut.png"].rejects)
    assert any(r.startswith("too small for 400x300 (is 120x90)") for r in by["tiny.png"].rejects)
    assert any(r.startswith("unreadable") for r in by["broken.jpg"].rejects)
    assert by["blank.png"].rejects  # no product, and all clipped white
    # pHash is robust to re-encoding, blur and scale: the copy, the blurred and the tiny shot are one group
    (group,) = [g for g in result.duplicate_groups if folder / "hero.png" in g]
    assert folder / "hero-copy.jpg" in group and folder / "cut.png" not in group
    assert result.usable == [folder / "hero.png"]
    data = json.loads(json.dumps(result.to_dict()))
    assert data["hero"].endswith("hero.png") and data["size"] == "400x300"


def test_measures(folder: Path) -> None:
    result = analyze([folder / "hero.png", folder / "blurry.png"])
    sharp, blurred = result.items
    assert sharp.sharpness > 10 * blurred.sharpness
    assert sharp.width == W and sharp.height == H and sharp.highlights < 0.05  # product only, not the backdrop
    assert sharp.tone is not None and sharp.tone.hue_family == "red"


@pytest.mark.parametrize("color,expected", [
    ((60, 10, 30), {"luxury", "bold"}),   # dark and saturated
    ((250, 220, 200), {"fresh", "pastel"}),  # pale and warm
    ((230, 30, 20), {"festival", "sale"}),  # vivid red
    ((200, 210, 220), {"minimal"}),  # pale, cool
])
def test_tone_suggests_template_styles(color, expected) -> None:
    img = np.asarray(product(color=color, bg=(128, 128, 128)))
    mask = np.zeros((H, W), bool)
    mask[80:300, 140:340] = True
    tone = tone_of(img, mask)
    assert expected & set(tone.styles[:2]), (tone, expected)
    available = template_styles()
    assert set(suggest_styles(tone.hue_family, tone.lightness, tone.saturation, tone.warmth, available)) <= available
    assert {"luxury", "bold", "sale", "fresh", "pastel", "minimal", "festival", "editorial"} <= available


def test_tone_of_a_cutout_png(tmp_path: Path) -> None:
    rgba = np.zeros((50, 50, 4), np.uint8)
    rgba[10:40, 10:40] = (40, 90, 200, 255)
    Image.fromarray(rgba).save(tmp_path / "c.png")
    assert tone_of_cutout(tmp_path / "c.png").hue_family == "blue"


def test_transparent_png_counts_as_a_cutout(tmp_path: Path) -> None:
    rgba = np.zeros((H, W, 4), np.uint8)
    rgba[..., :3] = np.asarray(product())
    rgba[80:300, 140:340, 3] = 255
    Image.fromarray(rgba).save(tmp_path / "packshot.png")
    (item,) = analyze([tmp_path / "packshot.png"]).items
    assert item.background == "cutout" and item.ok and item.tone.hue_family == "red"


# --- clips --------------------------------------------------------------------------------------

def _clip(path: Path, frames: list[np.ndarray], fps: int = 10) -> Path:
    import imageio_ffmpeg

    h, w = frames[0].shape[:2]
    writer = imageio_ffmpeg.write_frames(str(path), (w, h), fps=fps, macro_block_size=1,
                                         output_params=["-loglevel", "error"])
    writer.send(None)
    for f in frames:
        writer.send(np.ascontiguousarray(f))
    writer.close()
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    import imageio_ffmpeg

    d = tmp_path_factory.mktemp("clips")
    base = np.asarray(product(size=(160, 120), box=(40, 20, 120, 100)))
    moving = [np.roll(base, 4 * i, axis=1) for i in range(20)]
    _clip(d / "moving.mp4", moving)
    _clip(d / "black.mp4", [np.zeros((120, 160, 3), np.uint8)] * 20)
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    subprocess.run([ffmpeg, "-y", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=1", str(d / "audio.mp4")],
                   check=True)
    (d / "corrupt.mp4").write_bytes((d / "moving.mp4").read_bytes()[:1500])
    (d / "empty.mp4").write_bytes(b"")
    return d


def test_clips_are_measured_and_bad_ones_reported(clips: Path) -> None:
    result = analyze([clips])
    by = {i.path.name: i for i in result.items}
    mv = by["moving.mp4"]
    assert mv.kind == "clip" and (mv.width, mv.height) == (160, 120)
    assert mv.duration == pytest.approx(2.0, abs=0.2) and mv.motion > 0.01 and mv.black_frames == 0
    assert mv.ok and result.hero == clips / "moving.mp4"
    assert any(r.startswith("mostly black") for r in by["black.mp4"].rejects)
    assert "no video stream" in by["audio.mp4"].rejects[0]
    assert by["corrupt.mp4"].rejects[0].startswith("unreadable")
    assert "empty" in by["empty.mp4"].rejects[0]


# --- CLI and propose ----------------------------------------------------------------------------

def test_cli_json_and_table(folder: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from creative.cli import analyze as analyze_cli

    app = typer.Typer()
    analyze_cli.register(app)
    app.command("noop")(lambda: None)  # two commands: typer keeps "analyze" as a sub-command
    runner = CliRunner()
    res = runner.invoke(app, ["analyze", str(folder / "hero.png"), str(folder / "blurry.png"), "--json", "--size", "400x300"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["hero"].endswith("hero.png") and len(data["items"]) == 2
    res = runner.invoke(app, ["analyze", str(folder)])
    assert res.exit_code == 0 and "hero" in res.output and "blurry" in res.output


def test_propose_draws_from_suggested_styles_first(product_photos, tmp_path: Path) -> None:
    from creative.content import Content
    from creative.propose import prefer_styles, propose
    from creative.template import all_templates

    tpls = all_templates()
    first, rest = prefer_styles(tpls, ["luxury"])
    assert first and all("luxury" in t.styles or t.name == "luxury" for t in first)
    assert len(first) + len(rest) == len(tpls)
    props = propose(product_photos["bottle"], Content.create("Bottle"), (400, 400), tmp_path / "p", n=3,
                    remover="fake", suggested_styles=("luxury",), contact_sheet=False, workers=1)
    assert {p.template for p in props} <= {t.name for t in first}


def test_usable_material_for_pipelines(folder: Path) -> None:
    from creative.material.analyze import usable_material

    usable, warnings, styles = usable_material([folder], size=(400, 300))
    assert usable == [folder / "hero.png"]
    assert any(w.startswith(f"skipped {folder / 'blurry.png'}: blurry") for w in warnings)
    assert styles and styles[0] in template_styles()


@pytest.mark.parametrize("color, first_style", [((28, 22, 60), "luxury"), ((250, 226, 200), "fresh"), ((225, 30, 20), "festival")])
def test_propose_follows_the_products_tone_when_no_style_is_named(tmp_path: Path, color, first_style) -> None:
    """A dark product gets luxury designs first, a pale warm one fresh ones, a vivid red one festive ones;
    a named style still wins, and ``suggested_styles=()`` turns the suggestion off."""
    from creative.content import Content
    from creative.design import prepare_product
    from creative.propose import propose
    from creative.template import all_templates
    from creative.testing.fixtures import synthetic_product

    photo, _ = synthetic_product("bottle", color, (300, 400))
    path = tmp_path / "p.png"
    photo.save(path)
    prod = prepare_product(path, remover="fake")
    assert prod.tone is not None and prod.tone.styles[0] == first_style
    again = prepare_product(path, remover="fake")  # from the sidecar beside the cut-out
    assert again.tone == prod.tone and prod.cutout_path.with_suffix(".tone.json").is_file()
    styled = {t.name for t in all_templates() if set(prod.tone.styles) & set(t.styles)}
    props = propose(path, Content.create("Bottle"), (300, 300), tmp_path / "a", n=2, remover="fake",
                    contact_sheet=False, workers=1)
    assert {p.template for p in props} <= styled
    assert any(first_style in t.styles for t in all_templates() if t.name in {p.template for p in props})
    index = json.loads((tmp_path / "a" / "proposals.json").read_text())
    assert index["suggested_styles"][0] == first_style
    named = propose(path, Content.create("Bottle"), (300, 300), tmp_path / "b", n=2, remover="fake",
                    styles=["minimal"], contact_sheet=False, workers=1)
    assert {p.template for p in named} == {"minimal"}
    off = propose(path, Content.create("Bottle"), (300, 300), tmp_path / "c", n=8, remover="fake",
                  suggested_styles=(), contact_sheet=False, workers=1)
    assert len({p.template for p in off}) > len(styled)


def test_proposals_differ_in_the_colours_their_template_paints_with(product_photos) -> None:
    """Two schemes that agree on every role a template uses draw the same design: one proposal, not two."""
    from creative.design import palette_for, prepare_product
    from creative.propose import candidates, distinct_candidates, used_roles
    from creative.template import all_templates, get_template

    festival = get_template("festival")
    # its ground is painted in fixed colours: only the badge burst follows the palette (a layer of
    # type "background" is not the colour role "background")
    assert set(used_roles(festival)) == {"accent", "text_on_accent"}
    # a variant that gives the badge no place paints no palette colour at all
    hero = next(v for v in festival.variants_for("square") if v.name == "price-hero")
    assert used_roles(festival, hero) == ()
    prod = prepare_product(product_photos["bottle"], remover="fake")
    cands = distinct_candidates(candidates(all_templates(), (1080, 1080), 500), prod, 500, None, (1080, 1080))
    seen = set()
    for c in cands:
        pal = palette_for(prod.swatches, c.scheme, c.tone, None)
        variant = c.template.variants_for("square")[c.variant]
        key = (c.template.name, c.variant, tuple(pal.rgb(r) for r in used_roles(c.template, variant)))
        assert key not in seen, f"{c.template.name} {c.scheme} {c.tone} repeats a design"
        seen.add(key)
    assert sum(1 for c in cands if c.template.name == "festival" and c.variant == festival.variants_for("square").index(hero)) == 1
    # a template that paints with every role keeps every scheme whose palette differs
    assert len({c.scheme for c in cands if c.template.name == "minimal"}) >= 3


def test_usable_material_names_files_as_the_caller_knows_them(folder: Path, tmp_path: Path) -> None:
    """A download is named by its URL in every warning, also where another file is its duplicate."""
    from creative.material.analyze import usable_material

    copy = tmp_path / "0a1b2c.img"
    copy.write_bytes((folder / "hero.png").read_bytes())
    names = {copy: "https://shop.example/main.png", folder / "blurry.png": "https://shop.example/blurry.png"}
    _, warnings, _ = usable_material([folder / "hero.png", copy, folder / "blurry.png"], names=names)
    joined = "\n".join(warnings)
    assert "skipped https://shop.example/blurry.png: blurry" in joined
    assert str(copy) not in joined and "0a1b2c.img" not in joined
    assert "https://shop.example/main.png" in joined  # as the skipped duplicate, or as what it duplicates
