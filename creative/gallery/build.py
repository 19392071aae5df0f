"""``build_gallery``: scan an output folder, refresh thumbnails, write ``index.html`` atomically."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..jobs import default_workers
from ..render.export import _atomic_write
from .page import render_page
from .scan import scan
from .thumbs import make_thumb

PAGE = "index.html"


@dataclass(frozen=True)
class GalleryResult:
    page: Path
    images: int
    videos: int
    proposal_sets: int
    problems: tuple[str, ...]  # manifests that could not be read, images that could not be thumbnailed


def build_gallery(out_dir: str | Path, *, page: str = PAGE, title: str | None = None,
                  build: str | None = None) -> GalleryResult:
    """Write the review page of everything in ``out_dir`` to ``out_dir/page`` (default ``index.html``).

    ``build`` is a version tag the served page compares with the server's to know when to reload.
    """
    root = Path(out_dir)
    if not root.is_dir():
        raise UsageError(f"{root}: no such output folder")
    gallery = scan(root)
    problems = [f"{it.rel}: {it.problem}" for it in gallery.items if it.problem]
    wanted = [rel for it in gallery.items for rel in (it.rel if it.kind == "image" else None, it.poster)
              if rel and not rel.lower().endswith(".svg")]
    with ThreadPoolExecutor(max_workers=default_workers()) as pool:  # Pillow decodes and resizes without the GIL
        thumbs: dict[str, str | None] = dict(zip(wanted, pool.map(lambda rel: make_thumb(root, rel), wanted)))
    problems += [f"{rel}: cannot be read as an image" for rel, t in thumbs.items() if t is None]
    html = render_page(gallery, thumbs, title=title or f"creative gallery · {root.resolve().name}", build=build)
    target = root / page
    _atomic_write(target, lambda fh: fh.write(html.encode("utf-8")))
    videos = sum(1 for it in gallery.items if it.kind == "video")
    return GalleryResult(target, len(gallery.items) - videos, videos, len(gallery.sets), tuple(problems))
