"""The material a promo uses: which photos and clips are usable (and why the others are not),
the hero first; and where to crop a photo around its subject.

:func:`sort_material` runs every file through the decoders and the material analysis
(:mod:`creative.material.analyze`); :func:`photo_crop` places a crop of any aspect around the
subject found by :mod:`creative.material.focal`. The director (:mod:`.director`) writes the
script from what these return.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, UsageError

CLIP_SUFFIXES = {".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".gif"}


#: Material smaller than this share of the video's shorter side (on either side) is rejected as too
#: small: a thumbnail (under 360 px for a 1080-wide video), not a web-sized product photo.
MIN_MATERIAL_SHARE = 1 / 3


@dataclass
class Material:
    """The material the director may use: photos (the hero first), clips, and what was skipped and why."""

    photos: list[Path] = field(default_factory=list)
    clips: list[tuple[Path, object]] = field(default_factory=list)  # (path, ClipInfo)
    problems: list[str] = field(default_factory=list)
    styles: tuple[str, ...] = ()  #: template style tags the hero's tone suggests (best first)
    seconds: float = 0.0  #: time spent analysing


def min_material_side(size: tuple[int, int]) -> int:
    """The smallest width and height material may have for a video of ``size``."""
    return max(1, int(round(min(size) * MIN_MATERIAL_SHARE)))


def sort_material(paths: list[str | Path], *, size: tuple[int, int] | None = None,
                  names: Mapping[Path, str] | None = None) -> Material:
    """The usable photos and clips among ``paths``; every other file is reported and skipped.

    Files that do not decode (a missing file, an audio file, a corrupt clip) are reported with
    the decoder's reason. The rest go through the material analysis
    (:func:`creative.material.analyze.analyze`, what ``usable_material`` wraps): blurry,
    duplicate, too small (under :func:`min_material_side` of ``size``), over- or under-exposed
    photos and clips, and photos whose product is cut off at the frame edge, are skipped with a
    ``skipped NAME: reason`` line; the analysis' hero pick comes first. When no photo passes,
    the best-scoring readable one is used all the same, with a line saying why it failed.
    ``names`` gives display names for files (a downloaded image's URL).
    """
    import time

    from PIL import Image, UnidentifiedImageError

    from ..material.analyze import analyze, display_reasons
    from ..material.clip import is_clip
    from ..material.load import load_image
    from .clips import probe

    names = names or {}

    def name(p: Path) -> str:
        return names.get(p, str(p))

    def renamed(message: str, p: Path) -> str:
        return message.replace(str(p), name(p), 1) if p in names else message

    out = Material()
    photos: list[Path] = []
    clips: dict[Path, object] = {}
    for raw in paths:
        p = Path(raw)
        if p in clips or p in photos:
            continue
        if not p.is_file():
            out.problems.append(f"{name(p)}: file not found (skipped)")
            continue
        is_image = False
        if p.suffix.lower() not in CLIP_SUFFIXES - {".gif"}:
            try:
                with Image.open(p) as im:
                    is_image = not getattr(im, "is_animated", False)
            except (UnidentifiedImageError, OSError, ValueError):
                is_image = False
        try:
            if is_image:
                load_image(p)
                photos.append(p)
            else:
                clips[p] = probe(p)
        except (InputError, UsageError) as e:
            out.problems.append(f"{renamed(str(e), p)} (skipped)")

    # The analysis knows clips by their extension; a clip named otherwise (an animated GIF, a
    # .3gp) is used as it is.
    analysable = photos + [p for p in clips if is_clip(p)]
    if not analysable:
        out.clips = list(clips.items())
        return out
    t0 = time.perf_counter()
    side = min_material_side(size) if size else None
    result = analyze(analysable, size=(side, side) if side else None)
    out.seconds = time.perf_counter() - t0
    items = {it.path: it for it in result.items}
    usable = [p for p in analysable if items[p].ok]
    good_photos = [p for p in usable if p in photos]
    hero = result.hero if result.hero in good_photos else None
    fallback = None
    if not good_photos:
        readable = [items[p] for p in photos if items[p].error is None]
        fallback = max(readable, key=lambda it: it.score, default=None)
    for p in analysable:
        it = items[p]
        if it.ok:
            continue
        reasons = display_reasons(it.rejects, names)
        if fallback is not None and p == fallback.path:
            out.problems.append(f"{name(p)}: {reasons}; used anyway, as no other photo passed the checks")
        else:
            out.problems.append(f"skipped {name(p)}: {reasons}")
    if fallback is not None:
        good_photos = [fallback.path]
        out.styles = fallback.tone.styles if fallback.tone else ()
    else:
        out.styles = tuple(result.suggested_styles)
    if hero is not None:
        good_photos.sort(key=lambda p: p != hero)
    out.photos = good_photos
    out.clips = [(p, info) for p, info in clips.items() if p in usable or not is_clip(p)]
    return out


#: Long side of the copy of a photo its subject is looked for on (saliency needs no more).
FOCUS_SIDE = 256


def photo_crop(path: str | Path, aspect: float, *, cutout=None
               ) -> tuple[tuple[float, float, float, float], tuple[float, float]]:
    """Crop (fractions of the upright photo) of ``aspect`` around the photo's subject, and the
    subject's centre as fractions of that crop (where a Ken Burns move heads).

    The subject is the cut-out's box and centre of mass when ``cutout`` (a
    :class:`creative.cutout.Cutout` of this photo) is given, the photo's own alpha when it has
    one, else the saliency of a small copy (:func:`creative.material.focal.find_focus`); the
    crop is :func:`creative.material.focal.smart_crop`'s, which never cuts a subject that fits.
    """
    import numpy as np
    from PIL import Image

    from ..material.focal import Focus, find_focus, smart_crop
    from ..material.load import has_real_alpha, load_image

    img = load_image(path)
    w, h = img.size
    if cutout is not None:
        focus = Focus(tuple(int(v) for v in cutout.bbox), tuple(float(v) for v in cutout.center_of_mass))
    else:
        small = img.copy()
        small.thumbnail((FOCUS_SIDE, FOCUS_SIDE), Image.Resampling.BILINEAR)
        alpha = np.asarray(small.getchannel("A")) if has_real_alpha(img) else None
        f = find_focus(np.asarray(small.convert("RGB")), alpha)
        kx, ky = w / small.width, h / small.height
        x0, y0, x1, y1 = f.box
        focus = Focus((int(x0 * kx), int(y0 * ky), min(w, int(np.ceil(x1 * kx))), min(h, int(np.ceil(y1 * ky)))),
                      (f.center[0] * kx, f.center[1] * ky))
    x0, y0, x1, y1 = smart_crop((w, h), aspect, focus)
    cx, cy = focus.center
    fx = min(1.0, max(0.0, (cx - x0) / max(1, x1 - x0)))
    fy = min(1.0, max(0.0, (cy - y0) / max(1, y1 - y0)))
    return (x0 / w, y0 / h, x1 / w, y1 / h), (fx, fy)
