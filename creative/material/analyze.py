"""Material analysis (素材解析): which photos and clips to use, which to drop and why, and the tone.

:func:`analyze` looks at every image and clip it is given (folders are searched for them):

* resolution; sharpness (variance of the Laplacian on a 512-px grey copy, so photos of any
  size compare); exposure (share of clipped highlights and shadows, over the product when the
  background is plain, since a white backdrop is *meant* to be clipped);
* background type: ``studio`` (a light neutral backdrop), ``plain`` (a flat colour or a
  gradient), ``scene`` (anything else), from :func:`creative.cutout.plain.border_background`,
  or ``cutout`` for a transparent PNG (its alpha is the product);
* whether the product is cut off at the frame edge (the colour cut on plain backgrounds, or
  a real cut-out when a ``remover`` is named);
* duplicate and near-duplicate groups (perceptual hashes, imagehash's pHash);
* the product's tone and suggested template styles (:mod:`creative.material.tone`);
* clips: duration, resolution, fps, sharpness, motion and black frames (:mod:`.clip`);
* a hero pick, and every reject with its reason.

One bad file never stops the run: it is reported with its error.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from creative.errors import CreativeError, UsageError
from creative.material.clip import CLIP_EXTENSIONS, is_clip, read_clip
from creative.material.tone import Tone, tone_of

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif"})
#: Long side of the copy that every measure is taken on.
WORK_SIDE = 512
#: Variance of the Laplacian (on the 512-px copy) under which an image is blurry.
BLUR_THRESHOLD = 40.0
#: Perceptual-hash distance (bits of 64) at or under which two items are near-duplicates.
DUPLICATE_DISTANCE = 6
#: Clipped share (of the product, or of the image) that makes it over- or under-exposed.
CLIPPED_HIGHLIGHTS = 0.25
CLIPPED_SHADOWS = 0.35
#: A clip with this share of black sampled frames or more is rejected.
BLACK_CLIP = 0.5


@dataclass
class Item:
    """The analysis of one file."""

    path: Path
    kind: str  #: "image" or "clip"
    width: int = 0
    height: int = 0
    sharpness: float = 0.0
    highlights: float = 0.0  #: share of clipped highlights (luma ≥ 250)
    shadows: float = 0.0  #: share of clipped shadows (luma ≤ 5)
    background: str | None = None  #: studio, plain or scene
    cut_off: tuple[str, ...] = ()  #: frame edges the product touches: top, bottom, left, right
    tone: Tone | None = None
    phash: str | None = None
    duration: float | None = None  #: clips: seconds
    fps: float | None = None
    motion: float | None = None  #: clips: mean frame-to-frame difference, 0–1
    black_frames: float | None = None  #: clips: share of sampled frames that are black
    error: str | None = None
    rejects: list[str] = field(default_factory=list)
    score: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.rejects

    def to_dict(self) -> dict[str, object]:
        d: dict[str, object] = {
            "path": str(self.path), "kind": self.kind, "width": self.width, "height": self.height,
            "sharpness": round(self.sharpness, 1), "highlights": round(self.highlights, 4),
            "shadows": round(self.shadows, 4), "background": self.background, "cut_off": list(self.cut_off),
            "tone": self.tone.to_dict() if self.tone else None, "phash": self.phash,
            "score": round(self.score, 4), "rejects": list(self.rejects), "error": self.error,
        }
        if self.kind == "clip":
            d.update(duration=None if self.duration is None else round(self.duration, 3), fps=self.fps,
                     motion=None if self.motion is None else round(self.motion, 4),
                     black_frames=self.black_frames)
        return d


@dataclass
class Analysis:
    """Everything :func:`analyze` found."""

    items: list[Item]
    duplicate_groups: list[list[Path]]
    hero: Path | None
    suggested_styles: tuple[str, ...]
    size: tuple[int, int] | None = None

    @property
    def usable(self) -> list[Path]:
        return [i.path for i in self.items if i.ok]

    @property
    def rejects(self) -> dict[Path, list[str]]:
        return {i.path: list(i.rejects) for i in self.items if i.rejects}

    def to_dict(self) -> dict[str, object]:
        return {
            "size": None if self.size is None else f"{self.size[0]}x{self.size[1]}",
            "hero": None if self.hero is None else str(self.hero),
            "suggested_styles": list(self.suggested_styles),
            "duplicate_groups": [[str(p) for p in g] for g in self.duplicate_groups],
            "items": [i.to_dict() for i in self.items],
        }


def collect(inputs: list[str | os.PathLike[str]]) -> list[Path]:
    """Files to analyse: files as given, folders searched (recursively, sorted) for images and clips."""
    out: list[Path] = []
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and not q.name.startswith(".")
                           and q.suffix.lower() in IMAGE_EXTENSIONS | CLIP_EXTENSIONS)
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            raise UsageError(f"{p}: file or folder not found")
    seen: set[Path] = set()
    unique = [p for p in out if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]
    if not unique:
        raise UsageError(f"no image or clip found in {', '.join(str(i) for i in inputs)}")
    return unique


def _small(rgb: np.ndarray) -> np.ndarray:
    import cv2

    h, w = rgb.shape[:2]
    s = WORK_SIDE / max(h, w)
    if s >= 1:
        return rgb
    return cv2.resize(rgb, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)


def sharpness(rgb: np.ndarray) -> float:
    """Variance of the Laplacian of the grey image (after the 512-px downscale)."""
    import cv2

    grey = cv2.cvtColor(np.ascontiguousarray(_small(rgb)), cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def _edges_touched(mask: np.ndarray, share: float = 0.01) -> tuple[str, ...]:
    h, w = mask.shape
    out = []
    for name, line in (("top", mask[0]), ("bottom", mask[-1]), ("left", mask[:, 0]), ("right", mask[:, -1])):
        n = int(np.count_nonzero(line))
        if n >= 2 and n >= share * line.size:
            out.append(name)
    return tuple(out)


def _subject(small: np.ndarray, path: Path, remover: str | None,
             photo_size: tuple[int, int]) -> tuple[str, np.ndarray | None]:
    """(background type, product mask on ``small`` or None)."""
    from creative.cutout.plain import border_background, plain_alpha

    bg = border_background(small)
    if bg is None:
        kind = "scene"
    else:
        r, g, b = bg.color
        kind = "studio" if min(r, g, b) >= 200 and max(r, g, b) - min(r, g, b) <= 18 else "plain"
    mask = None
    if remover is not None:
        mask = _cutout_mask(path, remover, photo_size, small.shape[:2])
    elif bg is not None:
        mask = plain_alpha(small, bg, None) > 0.5
    return kind, mask


def _cutout_mask(path: Path, remover: str, photo_size: tuple[int, int], shape: tuple[int, int]) -> np.ndarray | None:
    """The cut-out's alpha placed back in the photo and scaled to ``shape`` (h, w); None if no cut."""
    import cv2

    from creative.cutout import cut_out

    try:
        c = cut_out(path, remover=remover)
    except CreativeError:
        return None
    x0, y0, x1, y1 = c.crop_box or (0, 0, *c.size)
    with Image.open(c.path) as im:
        a = np.asarray(im.getchannel("A"))
    full = np.zeros((photo_size[1], photo_size[0]), np.uint8)
    full[y0:y1, x0:x1] = a
    return cv2.resize(full, (shape[1], shape[0]), interpolation=cv2.INTER_AREA) > 127


def _phash(rgb: np.ndarray) -> str:
    import imagehash

    return str(imagehash.phash(Image.fromarray(np.ascontiguousarray(rgb))))


def _analyze_image(path: Path, remover: str | None, available: set[str] | None) -> Item:
    from creative.material.focal import find_focus
    from creative.material.load import has_real_alpha, load_image

    item = Item(path, "image")
    img = load_image(path)
    item.width, item.height = img.size
    if has_real_alpha(img):
        # already cut out: the alpha is the product; measure it on white
        flat = Image.new("RGB", img.size, (255, 255, 255))
        flat.paste(img, mask=img.getchannel("A"))
        small = _small(np.asarray(flat))
        alpha = _small(np.asarray(img.getchannel("A"))[..., None].repeat(3, axis=2))[..., 0]
        item.background, mask = "cutout", alpha > 127
    else:
        small = _small(np.asarray(img.convert("RGB")))
        item.background, mask = _subject(small, path, remover, img.size)
        if mask is None:  # a scene: the salient region stands in for the product's colours
            x0, y0, x1, y1 = find_focus(small).box
            mask = np.zeros(small.shape[:2], bool)
            mask[y0:y1, x0:x1] = True
            item.sharpness = sharpness(small)
            luma = _luma(small.astype(np.float32)).reshape(-1)
            item.highlights, item.shadows = float((luma >= 250).mean()), float((luma <= 5).mean())
            item.tone = tone_of(small, mask, available=available)
            item.phash = _phash(small)
            return item
    item.sharpness = sharpness(small)
    if mask is not None and mask.any():
        item.cut_off = _edges_touched(mask)
    luma = _luma(small.astype(np.float32))
    region = luma[mask] if (mask is not None and mask.sum() > 50) else luma.reshape(-1)
    item.highlights = float((region >= 250).mean())
    item.shadows = float((region <= 5).mean())
    item.tone = tone_of(small, mask if mask is not None and mask.any() else None, available=available)
    item.phash = _phash(small)
    return item


def _analyze_clip(path: Path, available: set[str] | None) -> Item:
    info = read_clip(path)
    item = Item(path, "clip", width=info.width, height=info.height, duration=info.duration, fps=info.fps,
                motion=info.motion, black_frames=round(info.black_frames, 3))
    lit = [f for f in info.frames if f.mean() >= 16] or info.frames
    item.sharpness = float(np.median([sharpness(f) for f in lit]))
    mid = lit[len(lit) // 2]
    item.background, mask = _subject(mid, path, None, (info.width, info.height))
    if mask is None or mask.sum() <= 50 or mask.shape != lit[0].shape[:2]:
        mask = np.ones(mid.shape[:2], bool)
    luma = np.concatenate([_luma(f.astype(np.float32))[mask] for f in lit if f.shape[:2] == mask.shape])
    item.highlights = float((luma >= 250).mean())
    item.shadows = float((luma <= 5).mean())
    item.tone = tone_of(mid, mask, available=available)
    item.phash = _phash(mid)
    return item


def _groups(items: list[Item]) -> list[list[int]]:
    """Indices of items whose pHashes are within :data:`DUPLICATE_DISTANCE` (union-find)."""
    import imagehash

    idx = [i for i, it in enumerate(items) if it.phash is not None]
    hashes = {i: imagehash.hex_to_hash(items[i].phash) for i in idx}  # type: ignore[arg-type]
    parent = {i: i for i in idx}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a_pos, a in enumerate(idx):
        for b in idx[a_pos + 1:]:
            if items[a].kind == items[b].kind and hashes[a] - hashes[b] <= DUPLICATE_DISTANCE:
                parent[find(a)] = find(b)
    groups: dict[int, list[int]] = {}
    for i in idx:
        groups.setdefault(find(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def _score(item: Item) -> float:
    """Higher is a better hero: sharp, large, well exposed, on a clean background, whole."""
    s = np.log1p(item.sharpness) / np.log1p(2000.0)
    s += 0.5 * np.log10(max(1, item.width * item.height) / 1e5)
    s += {"cutout": 0.4, "studio": 0.4, "plain": 0.3, "scene": 0.0}.get(item.background or "scene", 0.0)
    s -= 2.0 * max(0.0, item.highlights - 0.05) + 2.0 * max(0.0, item.shadows - 0.1)
    s -= 0.5 * len(item.cut_off)
    if item.kind == "clip":
        s -= 0.2
    return float(s)


def analyze(inputs: list[str | os.PathLike[str]], *, size: tuple[int, int] | None = None,
            remover: str | None = None) -> Analysis:
    """Analyse the images and clips in ``inputs`` (files or folders).

    ``size`` is the largest output size asked for: smaller material is rejected as too small.
    ``remover`` names a cut-out remover to find the product with (slower, exact); by default
    the product is found by colour on plain backgrounds and is not looked for in scenes.
    """
    from creative.material.tone import template_styles

    try:
        available: set[str] | None = template_styles()
    except CreativeError:
        available = None
    items: list[Item] = []
    for path in collect(inputs):
        try:
            item = _analyze_clip(path, available) if is_clip(path) else _analyze_image(path, remover, available)
        except CreativeError as exc:
            item = Item(path, "clip" if is_clip(path) else "image", error=str(exc).removeprefix(f"{path}: "))
        items.append(item)

    for it in items:
        if it.error:
            it.rejects.append(f"unreadable: {it.error}")
            continue
        if size is not None and (it.width < size[0] or it.height < size[1]):
            it.rejects.append(f"too small for {size[0]}x{size[1]} (is {it.width}x{it.height})")
        if it.black_frames is not None and it.black_frames >= BLACK_CLIP:
            it.rejects.append(f"mostly black ({it.black_frames:.0%} of sampled frames)")
            it.score = _score(it)
            continue
        if it.sharpness < BLUR_THRESHOLD:
            it.rejects.append(f"blurry (sharpness {it.sharpness:.0f} < {BLUR_THRESHOLD:.0f})")
        if it.cut_off:
            it.rejects.append(f"product cut off at the {'/'.join(it.cut_off)} edge")
        if it.highlights > CLIPPED_HIGHLIGHTS:
            it.rejects.append(f"overexposed ({it.highlights:.0%} clipped highlights)")
        if it.shadows > CLIPPED_SHADOWS:
            it.rejects.append(f"underexposed ({it.shadows:.0%} clipped shadows)")
        it.score = _score(it)

    dup_groups = _groups(items)
    for g in dup_groups:
        keep = max(g, key=lambda i: (items[i].score, -i))
        for i in g:
            if i != keep:
                exact = items[i].phash == items[keep].phash
                items[i].rejects.append(f"{'duplicate' if exact else 'near-duplicate'} of {items[keep].path.name}")

    usable = [it for it in items if it.ok]
    hero_item = max(usable, key=lambda it: (it.kind == "image", it.score), default=None)
    styles = hero_item.tone.styles if hero_item and hero_item.tone else ()
    return Analysis(items, [[items[i].path for i in sorted(g)] for g in dup_groups],
                    hero_item.path if hero_item else None, styles, size)


def display_reasons(reasons: list[str] | tuple[str, ...], names: Mapping[Path, str] | None = None) -> str:
    """A file's reject reasons on one line, other files named by ``names`` where given
    (``"duplicate of HASH.img"`` -> ``"duplicate of https://shop/main.jpg"`` for a download)."""
    text = "; ".join(reasons)
    for path, shown in (names or {}).items():
        text = text.replace(f" of {Path(path).name}", f" of {shown}")
    return text


def usable_material(inputs: list[str | os.PathLike[str]], *, size: tuple[int, int] | None = None,
                    remover: str | None = None, names: Mapping[Path, str] | None = None
                    ) -> tuple[list[Path], list[str], tuple[str, ...]]:
    """For batch, propose and video: (usable paths, hero first; one warning line per skipped
    file, ``"skipped NAME: reason; reason"``; the suggested styles). ``names`` gives display
    names for files (a downloaded image's URL)."""
    names = names or {}
    result = analyze(inputs, size=size, remover=remover)
    usable = sorted(result.usable, key=lambda p: p != result.hero)
    warnings = [f"skipped {names.get(p, p)}: {display_reasons(r, names)}" for p, r in result.rejects.items()]
    return usable, warnings, result.suggested_styles
