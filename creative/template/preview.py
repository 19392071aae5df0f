"""Template preview: one template at every size with sample products, as one contact sheet.

``preview_template`` renders once; ``watch_template`` re-renders whenever the file is saved
(watchfiles), reports validation errors instead of stopping, and keeps the last good preview.
Products are cut out once per session, so a re-render costs only layout and drawing.
"""
from __future__ import annotations

import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PIL import Image, ImageDraw

from ..content import Content
from ..errors import CreativeError, UsageError
from ..sizes import STANDARD_SIZES, format_size
from .spec import Template

#: Copy for products given as photo paths (every text role shows).
PREVIEW_CONTENT = dict(subhead="A short line about the product", price="49", original_price="69", brand="Brand")


@dataclass(frozen=True)
class PreviewProduct:
    """A product to preview with: a label, its photo and its copy."""

    label: str
    photo: Path
    content: Content


@dataclass(frozen=True)
class PreviewResult:
    path: Path
    template: str
    images: int
    failures: tuple[str, ...]  # "label WxH: message" for tiles that could not render
    seconds: float


@dataclass(frozen=True)
class WatchEvent:
    """What happened after a save: ``rendered`` (a new preview) or ``invalid`` (kept the last good one)."""

    kind: str
    message: str
    path: Path | None
    seconds: float = 0.0


def _samples() -> dict[str, object]:
    from ..demo import sample_products

    return {s.id: s for s in sample_products()}


def resolve_products(specs: list[str] | None) -> list[PreviewProduct]:
    """Sample product ids (``creative.demo``) or photo paths; none means every sample product."""
    if not specs:
        return [PreviewProduct(s.id, s.photo, s.content) for s in _samples().values()]
    out, samples = [], None
    for spec in specs:
        p = Path(spec)
        if p.is_file():
            title = p.stem.replace("-", " ").replace("_", " ").strip().title() or "Product"
            out.append(PreviewProduct(p.stem, p, Content.create(title, **PREVIEW_CONTENT)))
            continue
        samples = samples or _samples()
        if spec not in samples:
            raise UsageError(f"unknown product '{spec}': give a photo file or a sample id ({', '.join(samples)})")
        s = samples[spec]
        out.append(PreviewProduct(s.id, s.photo, s.content))
    return out


def resolve_template_path(name_or_path: str, template_dirs: tuple[Path, ...] = ()) -> Path:
    """The file of a template given by name (user folders, bundled) or path."""
    from .registry import _looks_like_path, discover

    if _looks_like_path(name_or_path):
        p = Path(name_or_path)
        if not p.is_file():
            raise UsageError(f"template file not found: {name_or_path}")
        return p
    refs = discover(template_dirs)
    if name_or_path not in refs:
        raise UsageError(f"unknown template '{name_or_path}'; choose one of: {', '.join(sorted(refs))}")
    return refs[name_or_path].path


def error_tile(message: str, size: tuple[int, int], side: int) -> Image.Image:
    """A tile with the canvas's proportions saying why a size could not be rendered."""
    from ..sheet import thumbnail
    from ..text import get_font

    w, h = size
    scale = side / max(w, h)
    tile = Image.new("RGB", (max(40, round(w * scale)), max(40, round(h * scale))), (253, 236, 234))
    d = ImageDraw.Draw(tile)
    font = get_font("inter", 500, 12)
    d.rectangle((0, 0, tile.width - 1, tile.height - 1), outline=(200, 40, 40), width=2)
    lines = textwrap.wrap(message, max(8, tile.width // 7))[: max(1, (tile.height - 8) // 15)]
    for i, line in enumerate(lines):
        d.text((6, 4 + i * 15), line, font=font, fill=(140, 20, 20))
    return thumbnail(tile, side)


class PreviewSession:
    """Products prepared once; ``render`` draws a template at every size for each of them."""

    def __init__(self, products: list[PreviewProduct], sizes: list[tuple[int, int]], *, remover: str = "auto",
                 side: int = 280):
        from ..design import prepare_product

        if not sizes:
            raise UsageError("give at least one size")
        self.products = products
        self.sizes = list(sizes)
        self.side = side
        self.prepared = [prepare_product(p.photo, remover=remover) for p in products]

    def render(self, template: Template) -> tuple[Image.Image, list[str]]:
        """The contact sheet (one row per product, one column per size) and the tiles that failed."""
        from ..design import render_design
        from ..sheet import contact_sheet_image, thumbnail

        items, failures = [], []
        for prod, prepared in zip(self.products, self.prepared):
            for size in self.sizes:
                label = f"{prod.label} · {format_size(size)}"
                try:
                    img = render_design(template, prepared, prod.content, size).image
                    items.append((thumbnail(img, self.side), label))
                except CreativeError as e:
                    failures.append(f"{label}: {e}")
                    items.append((error_tile(str(e), size, self.side), label))
        title = f"{template.name} v{template.version} · {len(self.products)} products × {len(self.sizes)} sizes"
        return contact_sheet_image(items, side=self.side, columns=len(self.sizes), title=title), failures

    def write(self, template: Template, out: Path) -> PreviewResult:
        from ..render import save_image

        t0 = time.perf_counter()
        sheet, failures = self.render(template)
        save_image(sheet, out)
        return PreviewResult(out, template.name, len(self.products) * len(self.sizes), tuple(failures),
                             time.perf_counter() - t0)


def default_preview_path(template_name: str) -> Path:
    return Path(f"{template_name}-preview.png")


def preview_template(name_or_path: str, out: str | Path | None = None, *, products: list[str] | None = None,
                     sizes: list[tuple[int, int]] | None = None, remover: str = "auto",
                     template_dirs: tuple[Path, ...] = (), side: int = 280) -> PreviewResult:
    """Render ``name_or_path`` at every size (default: the 8 standard sizes) with the products into one PNG."""
    from .registry import get_template

    tpl = get_template(name_or_path, template_dirs)
    session = PreviewSession(resolve_products(products), list(sizes or STANDARD_SIZES), remover=remover, side=side)
    return session.write(tpl, Path(out) if out else default_preview_path(tpl.name))


def watch_template(
    name_or_path: str,
    out: str | Path | None = None,
    *,
    products: list[str] | None = None,
    sizes: list[tuple[int, int]] | None = None,
    remover: str = "auto",
    template_dirs: tuple[Path, ...] = (),
    side: int = 280,
    on_event: Callable[[WatchEvent], None] = lambda e: None,
    stop_event: threading.Event | None = None,
    debounce_ms: int = 150,
    force_polling: bool | None = None,
) -> None:
    """Render the preview now and after every save of the template file, until ``stop_event`` is set
    (or Ctrl-C). A file that does not load or render is reported (``invalid``) and the last good
    preview stays as it was."""
    import watchfiles

    from .load import load_template_file

    path = resolve_template_path(name_or_path, template_dirs).resolve()
    session = PreviewSession(resolve_products(products), list(sizes or STANDARD_SIZES), remover=remover, side=side)
    target: list[Path | None] = [Path(out) if out else None]
    seen: list[tuple | None] = [None]

    def signature() -> tuple | None:
        try:
            st = path.stat()
            return (st.st_mtime_ns, st.st_size, path.read_bytes())
        except OSError:
            return None

    def attempt() -> None:
        t0 = time.perf_counter()
        seen[0] = signature()
        try:
            tpl = load_template_file(path)
            if target[0] is None:
                target[0] = default_preview_path(tpl.name)
            res = session.write(tpl, target[0])
        except CreativeError as e:
            on_event(WatchEvent("invalid", str(e), target[0], time.perf_counter() - t0))
            return
        note = f"; {len(res.failures)} sizes failed: {res.failures[0]}" if res.failures else ""
        on_event(WatchEvent("rendered", f"{res.images} images{note}", res.path, res.seconds))

    attempt()
    name = path.name
    # Events say when to look; the file's own signature says whether it changed (so a save made
    # while the watcher was starting, or one that only touched the folder, is handled right).
    for _changes in watchfiles.watch(path.parent, watch_filter=lambda _c, p: Path(p).name == name,
                                     stop_event=stop_event, debounce=debounce_ms, step=50, raise_interrupt=False,
                                     force_polling=force_polling, rust_timeout=500, yield_on_timeout=True):
        if signature() != seen[0]:
            attempt()
