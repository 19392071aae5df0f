"""Contact sheets: many designs as labelled thumbnails on one image."""
from __future__ import annotations

from math import ceil, sqrt

from PIL import Image, ImageDraw

THUMB = 280


def thumbnail(img: Image.Image, side: int = THUMB, *, bgr=None) -> Image.Image:  # noqa: ANN001
    """``img`` shrunk to fit ``side`` px a side, as RGB (alpha dropped: banners are opaque), by
    area averaging (OpenCV: exact halvings while the factor is 2 or more, then one area pass).
    ``bgr``: the image's ``creative.render.export.bgr_pixels`` if the caller has them already."""
    import cv2

    from .render.export import bgr_pixels

    scale = min(1.0, side / img.width, side / img.height)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    if bgr is None:
        bgr = bgr_pixels(img if img.mode in ("RGB", "RGBA") else img.convert("RGB"))
    px = bgr
    h, w = px.shape[:2]
    while w >= 2 * size[0] and h >= 2 * size[1]:
        px = cv2.resize(px[: h - h % 2, : w - w % 2], (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        h, w = px.shape[:2]
    if (w, h) != size:
        px = cv2.resize(px, size, interpolation=cv2.INTER_AREA)
    return Image.fromarray(cv2.cvtColor(px, cv2.COLOR_BGR2RGB))


def contact_sheet_image(items: list[tuple[Image.Image, str]], *, side: int = THUMB, columns: int | None = None,
                        title: str | None = None) -> Image.Image:
    """A grid of thumbnails, each with a one-line label under it."""
    from .text import get_font

    n = max(1, len(items))
    cols = columns or max(1, min(8, ceil(sqrt(n * 1.6))))
    rows = ceil(n / cols)
    pad, label_h = 16, 26
    head = 48 if title else 0
    sheet = Image.new("RGB", (pad + cols * (side + pad), head + pad + rows * (side + label_h + pad)), (246, 246, 244))
    d = ImageDraw.Draw(sheet)
    font = get_font("inter", 500, 14)
    if title:
        d.text((pad, pad), title, font=get_font("inter", 700, 22), fill=(30, 30, 30))
    for i, (img, label) in enumerate(items):
        r, c = divmod(i, cols)
        x = pad + c * (side + pad)
        y = head + pad + r * (side + label_h + pad)
        ox, oy = x + (side - img.width) // 2, y + (side - img.height) // 2
        d.rectangle((ox - 1, oy - 1, ox + img.width, oy + img.height), outline=(210, 210, 206))
        sheet.paste(img, (ox, oy))
        text = label
        while text and font.getlength(text) > side:
            text = text[:-2] + "…"
        d.text((x, y + side + 6), text, font=font, fill=(60, 60, 60))
    return sheet
