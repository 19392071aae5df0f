#!/usr/bin/env python3
"""Regenerate the pictures in docs/images from the bundled samples (needs the u2netp model).

    .venv/bin/python docs/make_images.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from creative.demo import sample_products  # noqa: E402
from creative.design import prepare_product, render_design  # noqa: E402
from creative.propose import propose  # noqa: E402
from creative.sheet import contact_sheet_image, thumbnail  # noqa: E402
from creative.sizes import STANDARD_SIZES, format_size  # noqa: E402
from creative.template import all_templates  # noqa: E402

OUT = ROOT / "docs" / "images"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    samples = sample_products()
    prods = {s.id: prepare_product(s.photo) for s in samples}
    tpls = all_templates()
    items = []
    for i, t in enumerate(tpls):
        s = samples[i % len(samples)]
        r = render_design(t, prods[s.id], s.content, (1080, 1080))
        items.append((thumbnail(r.image, 300), t.name))
    contact_sheet_image(items, side=300, columns=4).save(OUT / "templates.png", optimize=True)
    s = samples[0]
    sizes_items = []
    for size in STANDARD_SIZES:
        r = render_design(next(t for t in tpls if t.name == "minimal"), prods[s.id], s.content, size)
        sizes_items.append((thumbnail(r.image, 240), format_size(size)))
    contact_sheet_image(sizes_items, side=240, columns=4).save(OUT / "sizes.png", optimize=True)
    with tempfile.TemporaryDirectory() as tmp:
        props = propose(s.photo, s.content, (1080, 1080), tmp, n=12, product=prods[s.id], contact_sheet=False)
        from PIL import Image

        items = []
        for p in props:
            with Image.open(p.path) as im:
                items.append((thumbnail(im, 260), f"#{p.rank} {p.template} · {p.score:.2f}"))
        contact_sheet_image(items, side=260, columns=6).save(OUT / "proposals.png", optimize=True)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
