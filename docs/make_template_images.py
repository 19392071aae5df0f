#!/usr/bin/env python3
"""Render the pictures of docs/templates.md (layer examples, aspect classes, palettes, contrast).

Needs no model: the product is a synthetic bottle with real transparency.

    .venv/bin/python docs/make_template_images.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from creative.content import Content  # noqa: E402
from creative.design import prepare_product, render_design  # noqa: E402
from creative.sheet import contact_sheet_image, thumbnail  # noqa: E402
from creative.template import get_template, parse_template  # noqa: E402
from creative.template.scaffold import starter_template  # noqa: E402
from creative.testing.fixtures import synthetic_product  # noqa: E402

OUT = ROOT / "docs" / "images"
CONTENT = Content.create("Espresso Cup Set", subhead="Hand-glazed stoneware, set of two", price="19.99",
                         original_price="29.99", brand="Caffè Rosso")
HEAD = "name: example\npalette: {scheme: analogous, tone: light}\nmargin: 0.06\n"

#: The examples shown in docs/templates.md, verbatim (each is a whole template but for HEAD).
EXAMPLES: dict[str, str] = {
    "background": """\
layers:
  - type: background
    fill: {kind: radial, color: surface, color2: background}
  - type: shape
    id: dots
    shape: rect
    fill: {kind: pattern, pattern: dots, color: background, color2: accent, pattern_scale: 0.05}
  - type: product
layouts:
  square:
    - slots:
        dots: {box: [0.0, 0.0, 1.0, 0.25], bleed: true}
        product: {box: [0.1, 0.15, 0.9, 1.0]}
""",
    "shape": """\
layers:
  - type: background
    fill: {color: background}
  - type: shape
    id: disc
    shape: ellipse
    fill: {kind: linear, color: accent, color2: highlight, angle: 45}
  - type: shape
    id: star
    shape: burst
    fill: {color: highlight}
  - type: shape
    id: card
    shape: rounded
    radius: 0.2
    fill: {color: surface}
  - type: shape
    id: rule
    shape: line
    fill: {color: accent}
layouts:
  square:
    - slots:
        disc: {box: [0.0, 0.0, 0.55, 0.55]}
        star: {box: [0.55, 0.0, 1.0, 0.45]}
        card: {box: [0.0, 0.62, 1.0, 0.95]}
        rule: {box: [0.1, 0.57, 0.9, 0.58]}
""",
    "product": """\
layers:
  - type: background
    fill: {kind: linear, color: background, color2: surface}
  - type: product
    shadow: true          # a soft contact shadow, regenerated
    shadow_opacity: 0.35
layouts:
  square:
    - slots:
        product: {box: [0.05, 0.05, 0.95, 0.95], anchor: bottom}
""",
    "text": """\
layers:
  - type: background
    fill: {color: background}
  - type: text
    id: headline
    role: headline
    font: montserrat
    weight: 800
    max_size: 0.09
  - type: text
    id: price
    role: price
    font: bebas-neue
    color: text_on_highlight
    max_size: 0.08
    plate: {shape: burst, fill: highlight, padding: [0.6, 0.6]}
  - type: text
    id: was
    role: original_price
    color: muted_on_background
    weight: 400
    max_size: 0.04
    strike: true
  - type: text
    id: cta
    role: cta
    color: text_on_accent
    max_size: 0.035
    uppercase: true
    letter_spacing: 0.08
    plate: {shape: pill, fill: accent, padding: [1.0, 0.55]}
layouts:
  square:
    - slots:
        headline: {box: [0.0, 0.0, 1.0, 0.3], anchor: top-left}
        price: {box: [0.0, 0.34, 0.5, 0.72], anchor: center}
        was: {box: [0.55, 0.42, 1.0, 0.62], anchor: left}
        cta: {box: [0.0, 0.78, 1.0, 1.0], anchor: left}
""",
    "logo": """\
layers:
  - type: background
    fill: {color: surface}
  - type: logo
    font: playfair-display
    weight: 700
    uppercase: false
    max_size: 0.08
  - type: product
layouts:
  square:
    - slots:
        logo: {box: [0.0, 0.0, 1.0, 0.2], anchor: top}
        product: {box: [0.1, 0.22, 0.9, 1.0]}
""",
    "image": """\
layers:
  - type: background
    fill: {color: background}
  - type: image
    id: paper
    src: art/paper.png      # beside the template file; it may not leave its folder
    fit: cover              # fill the slot, cropping the picture
    opacity: 0.6
  - type: product
  - type: image
    id: seal
    src: art/seal.png
    fit: contain            # the whole picture, as large as the slot allows
layouts:
  square:
    - slots:
        paper: {box: [0.0, 0.55, 1.0, 1.0], bleed: true}
        product: {box: [0.05, 0.05, 0.95, 0.95]}
        seal: {box: [0.7, 0.0, 1.0, 0.3], anchor: top-right}
""",
}


def cutout_photo(folder: Path) -> Path:
    photo, mask = synthetic_product("bottle", (196, 48, 40), (480, 640))
    rgba = photo.convert("RGBA")
    rgba.putalpha(mask)
    path = folder / "bottle.png"
    rgba.save(path)
    return path


def pictures(folder: Path) -> None:
    """The image example's two files: a paper texture and a round seal."""
    import numpy as np
    from PIL import Image, ImageDraw

    from creative.text import get_font

    (folder / "art").mkdir(exist_ok=True)
    rng = np.random.default_rng(6)
    noise = rng.normal(0, 10, (240, 480, 1)) + np.array([214, 196, 160])
    Image.fromarray(np.clip(noise, 0, 255).astype(np.uint8)).save(folder / "art" / "paper.png")
    seal = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    d = ImageDraw.Draw(seal)
    d.ellipse((8, 8, 232, 232), fill=(24, 70, 52, 255))
    d.ellipse((24, 24, 216, 216), outline=(236, 222, 180, 255), width=4)
    d.text((120, 120), "HAND\nMADE", font=get_font("montserrat", 800, 40), fill=(236, 222, 180, 255),
           anchor="mm", align="center")
    seal.save(folder / "art" / "seal.png")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    from creative.template.load import resolve_assets

    with tempfile.TemporaryDirectory() as tmp:
        prod = prepare_product(cutout_photo(Path(tmp)), remover="alpha")
        pictures(Path(tmp))
        for name, snippet in EXAMPLES.items():
            tpl = resolve_assets(parse_template(HEAD + snippet, f"<{name} example>"), Path(tmp), name)
            img = render_design(tpl, prod, CONTENT, (480, 480)).image
            img.convert("RGB").save(OUT / f"layer-{name}.png", optimize=True)

    starter = starter_template()
    sizes = [(1080, 1080), (1200, 628), (1080, 1350), (1080, 1920), (728, 90), (160, 600)]
    items = [(thumbnail(render_design(starter, prod, CONTENT, s).image, 260), f"{s[0]}x{s[1]} · "
              f"{render_design(starter, prod, CONTENT, s).layout.aspect}") for s in sizes]
    contact_sheet_image(items, side=260, columns=6).save(OUT / "aspect-classes.png", optimize=True)

    items = []
    for scheme in ("complementary", "analogous", "triadic", "monochrome"):
        for tone in ("light", "dark"):
            r = render_design(starter, prod, CONTENT, (1080, 1080), scheme=scheme, tone=tone)
            items.append((thumbnail(r.image, 220), f"{scheme} · {tone}"))
    contact_sheet_image(items, side=220, columns=4).save(OUT / "palette-schemes.png", optimize=True)

    # contrast: a template asks for a muted colour on a busy pattern; render fixes it
    busy = yaml.safe_load(HEAD + EXAMPLES["text"])
    busy["layers"][0] = {"type": "background", "fill": {"kind": "pattern", "pattern": "stripes", "color": "accent",
                                                       "color2": "highlight", "pattern_scale": 0.08}}
    busy["layers"][1]["color"] = "accent"
    from creative.template.spec import Template

    tpl = Template.model_validate(busy)
    r = render_design(tpl, prod, CONTENT, (480, 480))
    r.image.convert("RGB").save(OUT / "contrast-fix.png", optimize=True)
    for t in r.rendered.texts:
        print(f"contrast-fix: {t.id} colour {t.color} contrast {t.contrast} (needs {t.required}) underlay {t.underlay}")
    get_template("minimal")  # the bundled templates load (sanity)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
