"""Gallery thumbnails: small JPEGs of every image and video poster, made once and kept up to date.

A page of full-size banners would load hundreds of megabytes; thumbnails live in
``OUT/_gallery/thumbs/`` mirroring the output tree and are remade only when their source is newer.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image

from ..errors import CreativeError

THUMBS = Path("_gallery") / "thumbs"
THUMB_SIDE = 360  # px: sharp at 180 css px on a 2x screen


def thumb_rel(rel: str) -> str:
    """Where the thumbnail of ``rel`` (relative to the output folder) goes, relative too."""
    return (THUMBS / f"{rel}.jpg").as_posix()


def make_thumb(root: Path, rel: str, side: int = THUMB_SIDE) -> str | None:
    """The thumbnail's relative path (made or refreshed if needed); None when the source cannot be read."""
    from ..render import save_image

    src = root / rel
    dst = root / thumb_rel(rel)
    try:
        if dst.is_file() and dst.stat().st_mtime >= src.stat().st_mtime:
            return thumb_rel(rel)
        with Image.open(src) as im:
            im.draft("RGB", (side, side))  # JPEG: decode at reduced size
            img = im.convert("RGBA") if im.mode in ("RGBA", "LA", "P") else im.convert("RGB")
        img.thumbnail((side, side), Image.Resampling.LANCZOS, reducing_gap=3.0)
        if img.mode == "RGBA":
            bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
            bg.alpha_composite(img)
            img = bg.convert("RGB")
        save_image(img, dst, "jpg", quality=85)
    except (OSError, ValueError, Image.DecompressionBombError, CreativeError):
        return None
    return thumb_rel(rel)
