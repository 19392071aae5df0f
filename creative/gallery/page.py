"""The gallery page: static HTML of a scanned output folder, with filters and grouping.

Everything is in one file with relative links (thumbnails, full images, manifests), so it opens
from disk. Cards are rendered here, grouped by product; the inline script only filters, regroups
and (when served) reloads.
"""
from __future__ import annotations

import json
from html import escape

from .assets import CSS, JS
from .scan import FILTER_KEYS, Gallery, Item, size_order

GROUP_KEYS = FILTER_KEYS
#: Cards after this many load their thumbnails lazily (a batch of thousands stays light to open).
EAGER = 240


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _score_class(score: float) -> str:
    return "good" if score >= 0.8 else "fair" if score >= 0.6 else "poor"


def _media(item: Item, thumbs: dict[str, str | None], lazy: bool) -> str:
    href = _attr(item.rel)
    if item.kind == "video":
        poster = thumbs.get(item.poster or "") or item.poster
        poster_attr = f" poster='{_attr(poster)}'" if poster else ""
        return (f"<video controls muted playsinline preload='metadata'{poster_attr} src='{href}'>"
                f"<a href='{href}'>{escape(item.rel)}</a></video>")
    src = thumbs.get(item.rel) or item.rel
    alt = " ".join(x for x in (item.template, item.size, item.product_label) if x) or item.rel
    loading = " loading='lazy'" if lazy else ""
    return f"<a href='{href}' target='_blank'><img src='{_attr(src)}' alt='{_attr(alt)}'{loading}></a>"


def _card(item: Item, order: int, thumbs: dict[str, str | None], size_rank: dict[str, int]) -> str:
    data = " ".join(f"data-{k}='{_attr(item.value(k))}'" for k in FILTER_KEYS)
    data += f" data-product-label='{_attr(item.product_label)}' data-kind='{item.kind}' data-order='{order}'"
    data += f" data-size-order='{size_rank.get(item.size, 0)}'"
    if item.score is not None:
        data += f" data-score='{item.score:.4f}'"
    rank = f"<span class='rank'>#{item.rank}</span>" if item.rank is not None else ""
    title = " · ".join(x for x in (item.template, item.variant) if x) or item.rel.rsplit("/", 1)[-1]
    meta = [x for x in (item.size, item.product_label) if x]
    chips = "".join(f"<span class='chip' title='{k}'>{escape(item.value(k))}</span>"
                    for k in ("segment", "locale", "scheme", "tone") if getattr(item, k))
    parts = [f"<figure class='card' {data}><div class='media'>{rank}{_media(item, thumbs, order >= EAGER)}</div><figcaption>",
             f"<div class='title' title='{_attr(item.rel)}'>{escape(title)}</div>",
             f"<div class='meta'>{escape(' · '.join(meta))}</div>"]
    if item.score is not None:
        breakdown = ", ".join(f"{k} {v:.2f}" for k, v in item.score_parts.items())
        parts.append(f"<div>score <span class='score {_score_class(item.score)}' title='{_attr(breakdown)}'>"
                     f"{item.score:.2f}</span></div>")
    if chips:
        parts.append(f"<div>{chips}</div>")
    if item.contrast:
        rows = "".join(f"<li class='{'ok' if c.ok else 'fail'}'>{escape(c.role or c.id)} {c.ratio:.2f}:1 "
                       f"{'≥' if c.ok else '<'} {c.required:g}</li>" for c in item.contrast)
        worst = min(item.contrast, key=lambda c: c.ratio - c.required)
        parts.append(f"<details class='contrast-figures'><summary>contrast min {worst.ratio:.2f}:1 "
                     f"({escape(worst.role or worst.id)})</summary><ul class='contrast'>{rows}</ul></details>")
    if item.manifest is not None and item.manifest_rel:
        body = escape(json.dumps(item.manifest, indent=2, ensure_ascii=False))
        parts.append(f"<details class='manifest'><summary>manifest · <a href='{_attr(item.manifest_rel)}' "
                     f"target='_blank'>json</a></summary><pre>{body}</pre></details>")
    if item.problem:
        parts.append(f"<div class='problem'>{escape(item.problem)}</div>")
    parts.append("</figcaption></figure>")
    return "".join(parts)


def _select(key: str, gallery: Gallery) -> str:
    vals = gallery.values(key)
    opts = [f"<option value=''>all ({len(vals)})</option>"]
    opts += [f"<option value='{_attr(v)}'>{escape(label)} ({n})</option>" for v, label, n in vals]
    disabled = "" if vals else " disabled"
    return f"<label>{key} <select id='f-{key}' data-filter='{key}'{disabled}>{''.join(opts)}</select></label>"


def render_page(gallery: Gallery, thumbs: dict[str, str | None], *, title: str, build: str | None = None) -> str:
    """The whole HTML page."""
    order = {id(it): i for i, it in enumerate(gallery.items)}
    size_rank = {s: i for i, s in enumerate(sorted({it.size for it in gallery.items}, key=size_order))}
    videos = sum(1 for it in gallery.items if it.kind == "video")
    summary = f"{len(gallery.items) - videos} images · {videos} videos · {len(gallery.sets)} proposal sets"
    group_opts = "".join(f"<option value='{k}'>{k}</option>" for k in GROUP_KEYS)
    body_attr = f" data-build='{_attr(build)}'" if build else ""
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{escape(title)}</title><link rel='icon' href='data:,'><style>{CSS}</style></head>",
        f"<body{body_attr}><header><h1>{escape(title)}<small>{escape(summary)}</small></h1><div class='filters'>",
        "".join(_select(k, gallery) for k in FILTER_KEYS),
        f"<label>group by <select id='group-by'>{group_opts}</select></label>",
        "<button id='reset' type='button'>reset</button><span id='shown'></span></div></header><main>",
        "<p id='none' class='empty' hidden>Nothing matches these filters.</p>",
    ]
    if not gallery.items:
        out.append("<p class='empty'>No images or videos in this folder yet.</p>")
    if gallery.sets:
        out.append("<section class='block' id='proposals'><h2>Proposals <span class='count'>best first</span></h2>")
        for s in gallery.sets:
            head = " · ".join(x for x in (s.title, s.size, f"{len(s.items)} proposals") if x)
            out.append(f"<div class='set' data-set='{_attr(s.id)}'><h3>{escape(head)} "
                       f"<span class='count'>{escape(s.id)}</span></h3><div class='strip'>")
            out += [_card(it, order[id(it)], thumbs, size_rank) for it in s.items]
            out.append("</div></div>")
        out.append("</section>")
    designs = [it for it in gallery.items if it.proposal_set is None]
    if designs:
        out.append("<section class='block' id='designs'><h2>Designs</h2><div id='designs-groups'>")
        groups: dict[str, list[Item]] = {}
        for it in designs:
            groups.setdefault(it.product, []).append(it)
        for key in sorted(groups, key=lambda k: (not k, groups[k][0].product_label.lower())):
            members = groups[key]
            label = members[0].product_label if key else "(none)"
            out.append(f"<section class='group' data-value='{_attr(key)}'><h3>{escape(label)} "
                       f"<span class='count'>({len(members)})</span></h3><div class='grid'>")
            out += [_card(it, order[id(it)], thumbs, size_rank) for it in members]
            out.append("</div></section>")
        out.append("</div></section>")
    out.append(f"</main><script>{JS}</script></body></html>")
    return "\n".join(out)
