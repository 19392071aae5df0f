"""Rendering a template with fixed inputs, for golden images (pytest fixture and ``creative golden``).

One function, :func:`render_for_golden`, so a golden made by the CLI and one made by the
pytest plugin are the same pixels for the same inputs.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from PIL import Image

from ..content import Content
from ..errors import UsageError
from ..sizes import format_size, parse_size

#: Copy used when a golden case gives none: every text role is present.
DEFAULT_CONTENT: dict[str, Any] = {
    "title": "Sample Product Name", "subhead": "A short line about the product", "price": "49",
    "original_price": "69", "brand": "Brand",
}


def as_content(content: Content | Mapping[str, Any] | str | None) -> Content:
    """A :class:`Content` from a Content, a mapping of ``Content.create`` fields, a title, or None (default copy)."""
    if isinstance(content, Content):
        return content
    if content is None:
        content = DEFAULT_CONTENT
    if isinstance(content, str):
        return Content.create(content)
    data = dict(content)
    if "title" not in data:
        raise UsageError("content needs a title")
    title = data.pop("title")
    known = {"subhead", "price", "original_price", "currency", "locale", "badge", "cta", "brand"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise UsageError(f"unknown content field(s): {', '.join(unknown)}; expected title, {', '.join(sorted(known))}")
    return Content.create(title, **{k: (str(v) if k in ("price", "original_price") and v is not None else v)
                                    for k, v in data.items()})


def as_size(size: tuple[int, int] | str) -> tuple[int, int]:
    return parse_size(size) if isinstance(size, str) else (int(size[0]), int(size[1]))


def golden_name(template: str, size: tuple[int, int] | str, *, variant: int = 0, scheme: str | None = None,
                tone: str | None = None) -> str:
    """Default golden file name: ``TEMPLATE/WxH[-vN][-scheme][-tone].png``."""
    stem = Path(template).stem if template.endswith((".yaml", ".yml")) else template
    parts = [format_size(as_size(size))]
    if variant:
        parts.append(f"v{variant}")
    parts += [p for p in (scheme, tone) if p]
    return f"{stem}/{'-'.join(parts)}.png"


def render_for_golden(
    template: str,
    size: tuple[int, int] | str,
    *,
    content: Content | Mapping[str, Any] | str | None = None,
    photo: str | Path | None = None,
    product=None,
    remover: str = "auto",
    variant: int = 0,
    scheme: str | None = None,
    tone: str | None = None,
    brand: tuple[str, ...] | None = None,
    template_dirs: tuple[Path, ...] = (),
) -> Image.Image:
    """Render ``template`` (name or file) at ``size`` with the given copy and product photo.

    ``photo`` is cut out with ``remover`` (a photo with real transparency keeps its own alpha, so
    no model is needed); ``product`` (a prepared :class:`creative.design.Product`) skips that step;
    with neither the banner has no product.
    """
    from ..design import prepare_product, render_design
    from ..template import get_template

    tpl = get_template(str(template), tuple(Path(d) for d in template_dirs))
    if product is None and photo is not None:
        p = Path(photo)
        if not p.is_file():
            raise UsageError(f"{p}: product photo not found")
        product = prepare_product(p, remover=remover)
    result = render_design(tpl, product, as_content(content), as_size(size), variant=variant, scheme=scheme,
                           tone=tone, brand=tuple(brand) if brand else None)
    return result.image
