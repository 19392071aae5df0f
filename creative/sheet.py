"""Contact sheets: many designs as labelled thumbnails on one image.

A tile is a thumbnail with a one-line caption under it. A caption can be drawn early, on its own
(:func:`caption`), with room kept at its start for a short lead drawn last (:func:`with_lead`):
``propose`` captions each design while the others still render and adds the rank once all are
scored. Captions cost about 2 ms each (Inter is a variable font), so that is worth it.
"""
from __future__ import annotations

from math import ceil, sqrt

from PIL import Image, ImageDraw

THUMB = 280
PAD, LABEL_H = 16, 26
GROUND = (246, 246, 244)
INK = (60, 60, 60)


def thumbnail(img: Image.Image, side: int = THUMB, *, bgr=None) -> Image.Image:  # noqa: ANN001
    """``img`` shrunk to fit ``side`` px a side, as RGB (alpha dropped: banners are opaque), by
    :func:`creative.render.resample.resample` (exact halvings, then a gentle last step).
    ``bgr``: the image's ``creative.render.export.bgr_pixels`` if the caller has them already."""
    import cv2

    from .render.export import bgr_pixels
    from .render.resample import resample

    scale = min(1.0, side / img.width, side / img.height)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    if bgr is None:
        bgr = bgr_pixels(img if img.mode in ("RGB", "RGBA") else img.convert("RGB"))
    px = bgr if (bgr.shape[1], bgr.shape[0]) == size else resample(bgr, size)
    return Image.fromarray(cv2.cvtColor(px, cv2.COLOR_BGR2RGB))


def _label_font():  # noqa: ANN202
    from .text import get_font

    return get_font("inter", 500, 14)


def lead_width(widest: str) -> int:
    """The room (px) a caption keeps at its start for leads no wider than ``widest`` plus a space."""
    return int(_label_font().getlength(widest + " ")) + 1


def caption(text: str, side: int = THUMB, *, indent: int = 0) -> Image.Image:
    """A tile's caption: ``text`` on the sheet's ground, ``side`` px wide, starting ``indent`` px
    in; a text too long loses its end to an ellipsis."""
    font = _label_font()
    room = side - indent
    while text and font.getlength(text) > room:
        text = text[:-2] + "…"
    strip = Image.new("RGB", (side, LABEL_H - 6), GROUND)
    ImageDraw.Draw(strip).text((indent, 0), text, font=font, fill=INK)
    return strip


def with_lead(strip: Image.Image, lead: str) -> Image.Image:
    """A copy of a :func:`caption` with ``lead`` (a rank: ``#3``) drawn in the room kept for it."""
    out = strip.copy()
    ImageDraw.Draw(out).text((0, 0), lead, font=_label_font(), fill=INK)
    return out


def contact_sheet_image(items: list[tuple[Image.Image, str | Image.Image]], *, side: int = THUMB,
                        columns: int | None = None, title: str | None = None) -> Image.Image:
    """A grid of thumbnails, each with a one-line label under it: a text, or a :func:`caption`
    drawn already."""
    from .text import get_font

    n = max(1, len(items))
    cols = columns or max(1, min(8, ceil(sqrt(n * 1.6))))
    rows = ceil(n / cols)
    head = 48 if title else 0
    sheet = Image.new("RGB", (PAD + cols * (side + PAD), head + PAD + rows * (side + LABEL_H + PAD)), GROUND)
    d = ImageDraw.Draw(sheet)
    if title:
        d.text((PAD, PAD), title, font=get_font("inter", 700, 22), fill=(30, 30, 30))
    for i, (img, label) in enumerate(items):
        r, c = divmod(i, cols)
        x = PAD + c * (side + PAD)
        y = head + PAD + r * (side + LABEL_H + PAD)
        ox, oy = x + (side - img.width) // 2, y + (side - img.height) // 2
        d.rectangle((ox - 1, oy - 1, ox + img.width, oy + img.height), outline=(210, 210, 206))
        sheet.paste(img, (ox, oy))
        sheet.paste(label if isinstance(label, Image.Image) else caption(label, side), (x, y + side + 6))
    return sheet
