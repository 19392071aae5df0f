"""What is in an output folder: banners and videos with their sidecar manifests, and proposal sets.

Every image (PNG, JPEG, WebP, SVG) and video (MP4, WebM, with a poster image of the same name
beside it) becomes an :class:`Item`; its ``NAME.json`` sidecar, when there is one, gives the
product, template, size, score and contrast figures, and (from batch manifests) the segment and
locale. ``proposals.json`` files group their proposals into ranked :class:`ProposalSet` s.
Hidden files, ``_``-prefixed folders (the gallery's own, golden failures) and partial writes
are skipped; a manifest that cannot be read is reported on the item, never fatal.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".webp", ".svg")
VIDEO_EXTS = (".mp4", ".webm", ".mov")
FILTER_KEYS = ("product", "template", "size", "segment", "locale")
MAX_MANIFEST_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Contrast:
    id: str
    role: str
    ratio: float
    required: float

    @property
    def ok(self) -> bool:
        return self.ratio + 1e-9 >= self.required


@dataclass
class Item:
    """One reviewable output: an image or a video, with what its manifest says about it."""

    rel: str  # path relative to the output folder (posix)
    kind: str  # "image" | "video"
    poster: str | None = None  # a video's poster image (relative)
    manifest_rel: str | None = None
    manifest: dict[str, Any] | None = None
    problem: str | None = None  # why the manifest could not be read
    product: str = ""  # key
    product_label: str = ""
    template: str = ""
    size: str = ""
    segment: str = ""
    locale: str = ""
    variant: str = ""
    scheme: str = ""
    tone: str = ""
    score: float | None = None
    score_parts: dict[str, float] = field(default_factory=dict)
    rank: int | None = None
    proposal_set: str | None = None
    contrast: tuple[Contrast, ...] = ()
    mtime: float = 0.0

    def value(self, key: str) -> str:
        return getattr(self, key)

    def label(self, key: str) -> str:
        return self.product_label if key == "product" else getattr(self, key)


@dataclass
class ProposalSet:
    """The proposals of one product (one ``proposals.json``), best first."""

    id: str  # folder, relative
    title: str
    size: str
    items: list[Item]


@dataclass
class Gallery:
    root: Path
    items: list[Item]
    sets: list[ProposalSet]

    def values(self, key: str) -> list[tuple[str, str, int]]:
        """(value, label, count) of a filter key over all items, sorted by label."""
        counts: dict[str, list] = {}
        for it in self.items:
            v = it.value(key)
            if v:
                counts.setdefault(v, [it.label(key), 0])[1] += 1
        rows = [(v, lab, n) for v, (lab, n) in counts.items()]
        if key == "size":
            return sorted(rows, key=lambda r: size_order(r[0]))
        return sorted(rows, key=lambda r: (r[1].lower(), r[0]))


def size_order(size: str) -> tuple:
    from ..sizes import STANDARD_SIZES, format_size

    standard = [format_size(s) for s in STANDARD_SIZES]
    if size in standard:
        return (0, standard.index(size), size)
    try:
        w, h = (int(v) for v in size.split("x"))
        return (1, -w * h, size)
    except ValueError:
        return (2, 0, size)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get("name") or value.get("id") or "")
    return str(value)


def read_manifest(path: Path) -> tuple[dict | None, str | None]:
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            return None, f"{path.name}: manifest larger than {MAX_MANIFEST_BYTES // 1024 // 1024} MB"
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return None, f"{path.name}: {e}"
    if not isinstance(data, dict):
        return None, f"{path.name}: not a JSON object"
    return data, None


def describe(item: Item, m: dict[str, Any], image_size: tuple[int, int] | None = None) -> None:
    """Fill an item's fields from its manifest (every field optional)."""
    content = m.get("content") if isinstance(m.get("content"), dict) else {}
    product = m.get("product") if isinstance(m.get("product"), dict) else {}
    title = _text(m.get("product_name") or content.get("title") or product.get("name"))
    photo = _text(product.get("photo"))
    item.product = _text(m.get("product_id") or product.get("id") or photo or title)
    item.product_label = title or (Path(photo).stem if photo else item.product)
    item.template = _text(m.get("template"))
    canvas = m.get("canvas")
    if m.get("size"):
        item.size = _text(m.get("size"))
    elif isinstance(canvas, (list, tuple)) and len(canvas) == 2:
        item.size = f"{canvas[0]}x{canvas[1]}"
    elif image_size:
        item.size = f"{image_size[0]}x{image_size[1]}"
    item.segment = _text(m.get("segment"))
    item.locale = _text(m.get("locale") or content.get("locale"))
    item.variant = _text(m.get("variant"))
    pal = m.get("palette") if isinstance(m.get("palette"), dict) else {}
    item.scheme, item.tone = _text(pal.get("scheme")), _text(pal.get("tone"))
    score = m.get("score")
    if isinstance(score, dict):
        item.score = _num(score.get("total"))
        item.score_parts = {k: v for k, v in score.items() if k != "total" and isinstance(v, (int, float))}
    else:
        item.score = _num(score)
    rank = m.get("rank")
    item.rank = int(rank) if isinstance(rank, (int, float)) else None
    texts = []
    for el in m.get("elements") or []:
        if isinstance(el, dict) and isinstance(el.get("contrast"), (int, float)):
            texts.append(Contrast(_text(el.get("id")), _text(el.get("role")), float(el["contrast"]),
                                  float(el.get("contrast_required") or 0.0)))
    item.contrast = tuple(texts)


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _skip_dir(name: str) -> bool:
    return name.startswith((".", "_")) or name == "node_modules"


def _walk(root: Path) -> list[Path]:
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _skip_dir(d))
        for f in sorted(filenames):
            if not f.startswith(".") and not f.endswith(".part"):
                files.append(Path(dirpath) / f)
    return files


def _image_size(path: Path) -> tuple[int, int] | None:
    if path.suffix.lower() == ".svg":
        return None
    try:
        from PIL import Image

        with Image.open(path) as im:
            return im.size
    except Exception:  # noqa: BLE001 - an unreadable image is shown as such, never fatal
        return None


def scan(out_dir: str | Path) -> Gallery:
    """Every item and proposal set under ``out_dir``."""
    root = Path(out_dir)
    files = _walk(root)
    by_path = {f: f for f in files}
    posters = set()
    for f in files:
        if f.suffix.lower() in VIDEO_EXTS:
            for ext in (".png", ".jpg", ".jpeg", ".webp"):
                if f.with_suffix(ext) in by_path:
                    posters.add(f.with_suffix(ext))
                    break
    items: dict[Path, Item] = {}
    for f in files:
        ext = f.suffix.lower()
        if f in posters or ext not in IMAGE_EXTS + VIDEO_EXTS:
            continue
        kind = "video" if ext in VIDEO_EXTS else "image"
        poster = next((f.with_suffix(e) for e in (".png", ".jpg", ".jpeg", ".webp") if f.with_suffix(e) in posters), None)
        item = Item(f.relative_to(root).as_posix(), kind, poster=poster.relative_to(root).as_posix() if poster else None,
                    mtime=f.stat().st_mtime)
        side = f.with_suffix(".json")
        if side in by_path:
            item.manifest_rel = side.relative_to(root).as_posix()
            item.manifest, item.problem = read_manifest(side)
        if item.manifest is not None:
            describe(item, item.manifest, _image_size(poster or f) if not item.manifest.get("canvas") else None)
        items[f] = item
    sets = []
    for index in (f for f in files if f.name == "proposals.json"):
        data, _ = read_manifest(index)
        if not data or not isinstance(data.get("proposals"), list):
            continue
        folder = index.parent
        set_id = folder.relative_to(root).as_posix() or "."
        members = []
        for p in data["proposals"]:
            if not isinstance(p, dict):
                continue
            it = items.get(folder / _text(p.get("file")))
            if it is None:
                continue
            it.proposal_set = set_id
            if it.rank is None and isinstance(p.get("rank"), int):
                it.rank = p["rank"]
            members.append(it)
        members.sort(key=lambda it: (it.rank if it.rank is not None else 10**6, it.rel))
        content = data.get("content") if isinstance(data.get("content"), dict) else {}
        title = _text(content.get("title")) or set_id
        sets.append(ProposalSet(set_id, title, _text(data.get("size")), members))
    ordered = sorted(items.values(), key=lambda it: (it.product_label.lower() or "\uffff", it.template, size_order(it.size), it.rel))
    return Gallery(root, ordered, sets)
