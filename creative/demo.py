"""``creative demo``: the bundled sample campaign, rendered into a folder with an index page.

Every bundled template at every standard size for every sample product, one
ranked proposal set, and ``index.html`` to look at all of it.
"""
from __future__ import annotations

import html
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
from .render.export import _atomic_write
from .resources import assets_dir
from .sizes import STANDARD_SIZES, format_size
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


def run_demo(out_dir: str | Path = "out/demo", *, remover: str = "u2netp", n_proposals: int = 24, progress=None) -> DemoResult:
    """Render the sample campaign into ``out_dir`` and check every banner's manifest."""
    out = Path(out_dir)
    products = sample_products()
    templates = all_templates()
    total = len(products) * len(templates) * len(STANDARD_SIZES) + n_proposals
    tick = progress(total) if progress else (lambda *_: None)
    banners: dict[str, list] = {}
    for sp in products:
        prod = prepare_product(sp.photo, remover=remover)
        banners[sp.id] = make_banners(
            sp.photo, sp.content, [t.name for t in templates], list(STANDARD_SIZES), out / "banners" / sp.id,
            fmt="png", product=prod, on_done=lambda o: tick(1), workers=default_workers(),
        )
    hero = products[0]
    props = propose(hero.photo, hero.content, (1080, 1080), out / "proposals", n=n_proposals,
                    product=prepare_product(hero.photo, remover=remover))
    tick(n_proposals)
    index = out / "index.html"
    page = _index_html(products, templates, banners, props, out)
    _atomic_write(index, lambda fh: fh.write(page.encode("utf-8")))
    count, problems = check_folder(out)
    return DemoResult(index, count, tuple(problems))


def _index_html(products, templates, banners, props, out: Path) -> str:
    esc = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>creative demo</title>",
        "<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;background:#f6f6f4;color:#222}"
        "h2{margin-top:40px}table{border-collapse:collapse}td,th{padding:6px;vertical-align:top;text-align:left}"
        "figure{margin:0;display:inline-block}img{max-height:220px;max-width:260px;box-shadow:0 1px 4px #0003;background:#fff}"
        "figcaption{font-size:12px;color:#666}.props img{max-height:260px}.props figure{margin:6px}</style></head><body>",
        "<h1>creative demo</h1><p>Every bundled template at every standard size for each sample product, "
        "and a ranked proposal set. Each image has a sidecar <code>.json</code> manifest.</p>",
        "<nav>" + " · ".join(f"<a href='#{esc(p.id)}'>{esc(p.content.title)}</a>" for p in products)
        + " · <a href='#proposals'>proposals</a></nav>",
    ]
    for sp in products:
        parts.append(f"<h2 id='{esc(sp.id)}'>{esc(sp.content.title)}</h2><table><tr><th>template</th>")
        parts += [f"<th>{format_size(s)}</th>" for s in STANDARD_SIZES]
        parts.append("</tr>")
        by_key = {(o.template, o.size): o for o in banners[sp.id]}
        for t in templates:
            parts.append(f"<tr><th>{esc(t.name)}</th>")
            for s in STANDARD_SIZES:
                o = by_key.get((t.name, s))
                if o is None:
                    parts.append("<td>–</td>")
                    continue
                rel = o.path.relative_to(out).as_posix()
                parts.append(f"<td><figure><a href='{esc(rel)}'><img loading='lazy' src='{esc(rel)}' alt='{esc(t.name)} {format_size(s)}'></a>"
                             f"<figcaption>score {o.score:.2f} · <a href='{esc(rel[:rel.rfind('.')])}.json'>manifest</a></figcaption></figure></td>")
            parts.append("</tr>")
        parts.append("</table>")
    parts.append("<h2 id='proposals'>Proposals, best first</h2><p><a href='proposals/contact-sheet.png'>contact sheet</a></p><div class='props'>")
    for p in props:
        rel = p.path.relative_to(out).as_posix()
        parts.append(f"<figure><a href='{esc(rel)}'><img loading='lazy' src='{esc(rel)}' alt='proposal {p.rank}'></a>"
                     f"<figcaption>#{p.rank} {esc(p.template)} · {esc(p.scheme)} · {esc(p.tone)} · {p.score:.3f}</figcaption></figure>")
    parts.append("</div></body></html>")
    return "\n".join(parts)
