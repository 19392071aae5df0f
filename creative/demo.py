"""``creative demo``: the bundled sample campaign, rendered into a folder with an index page.

Every bundled template at every standard size for every sample product, one
ranked proposal set, a promo video in 9:16 and 1:1, and ``index.html`` (the review gallery)
to look at all of it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .banner import make_banners
from .checks import check_folder
from .content import Content
from .design import prepare_product
from .errors import InputError
from .jobs import default_workers
from .propose import propose
from .resources import assets_dir
from .sizes import STANDARD_SIZES
from .template import all_templates


@dataclass(frozen=True)
class SampleProduct:
    id: str
    photo: Path
    content: Content


def sample_products() -> list[SampleProduct]:
    folder = assets_dir() / "samples"
    spec = folder / "products.yaml"
    if not spec.is_file():
        raise InputError(f"{spec}: sample products are missing from this installation")
    out = []
    for row in yaml.safe_load(spec.read_text(encoding="utf-8")):
        photo = folder / row.pop("photo")
        pid = row.pop("id")
        out.append(SampleProduct(pid, photo, Content.create(row.pop("title"), **row)))
    return out


@dataclass(frozen=True)
class DemoResult:
    index: Path
    images: int
    problems: tuple


def run_demo(out_dir: str | Path = "out/demo", *, remover: str = "auto", n_proposals: int = 24, progress=None,
             videos: bool = True) -> DemoResult:
    """Render the sample campaign into ``out_dir``, build its gallery (``index.html``) and check
    every banner's manifest."""
    out = Path(out_dir)
    products = sample_products()
    templates = all_templates()
    total = len(products) * len(templates) * len(STANDARD_SIZES) + n_proposals + (1 if videos else 0)
    tick = progress(total) if progress else (lambda *_: None)
    for sp in products:
        make_banners(
            sp.photo, sp.content, [t.name for t in templates], list(STANDARD_SIZES), out / "banners" / sp.id,
            fmt="png", product=prepare_product(sp.photo, remover=remover), on_done=lambda o: tick(1),
            workers=default_workers(),
        )
    hero = products[0]
    propose(hero.photo, hero.content, (1080, 1080), out / "proposals", n=n_proposals,
            product=prepare_product(hero.photo, remover=remover))
    tick(n_proposals)
    if videos:
        from .video import sample_promos

        sample_promos(hero.photo, hero.content, out / "video" / hero.id, remover=remover)
        tick(1)
    from .gallery import build_gallery

    index = build_gallery(out, title="creative demo: the sample campaign").page
    count, problems = check_folder(out)
    return DemoResult(index, count, tuple(problems))
