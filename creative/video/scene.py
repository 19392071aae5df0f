"""One scene's pixels at any moment: pre-render what stays, composite only what moves.

At set-up a scene paints its backdrop (a fill, or a banner template's background and shapes)
once, prepares its media (a photo pre-cropped and pre-scaled for the Ken Burns move, or a clip
reader), the product sprite and the text sprites. Per frame it copies the backdrop (or moves the
media), blends the product where it is, and the texts where they are; once a text has finished
animating and cannot be covered by the product, it is baked into a settled backdrop so later
frames do not redraw it.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from ..color import Palette, parse_color
from ..errors import InputError, TextFitError
from ..render.paint import fill_image, paint_shape
from .composite import Sprite, blit, cover, darken
from .motion import kenburns, pose_at
from .spec import Backdrop, Media, ProductShot, Scene, Storyboard
from .textanim import TextSprite, build, px_box, resolve


@dataclass
class Context:
    """What every scene of a storyboard shares: canvas, palette, resolved files, the product."""

    board: Storyboard
    base: Path
    product_png: Path | None = None
    product_shape: object | None = None  # layout.ProductShape, for template backdrops
    problems: list[str] = field(default_factory=list)

    @property
    def size(self) -> tuple[int, int]:
        return self.board.size

    def path(self, ref: str) -> Path:
        p = Path(ref)
        return p if p.is_absolute() else self.base / p

    def palette(self) -> Palette:
        b = self.board
        return Palette("storyboard", "storyboard", {r: parse_color(c) for r, c in b.palette.items()})


def _fill_rgb(fill, size: tuple[int, int], palette: dict[str, str]) -> np.ndarray:
    c1 = resolve(fill.color, palette)
    c2 = resolve(fill.color2, palette) if fill.color2 else c1
    cell = max(4, int(fill.pattern_scale * min(size)))
    img = fill_image(size, fill.kind, c1, c2, angle=fill.angle, pattern=fill.pattern, cell=cell, opacity=fill.opacity)
    if img.mode == "RGBA" and fill.opacity < 1.0:
        base = Image.new("RGBA", size, (255, 255, 255, 255))
        base.alpha_composite(img)
        img = base
    return np.asarray(img.convert("RGB")).copy()


def _template_backdrop(backdrop: Backdrop, ctx: Context) -> np.ndarray:
    """The banner template's background and shape layers laid out at this canvas."""
    from ..content import Content
    from ..layout import layout
    from ..render import render
    from ..template import get_template

    tpl = get_template(backdrop.template)
    c = ctx.board.content
    content = Content.create(c.title, subhead=c.subhead, price=c.price, original_price=c.original_price,
                             currency=c.currency, locale=c.locale, badge=c.badge, cta=c.cta, brand=c.brand)
    lay = layout(tpl, ctx.size, content, ctx.product_shape)
    shapes_only = replace(lay, elements=tuple(e for e in lay.elements if e.kind == "shape"))
    img = render(shapes_only, tpl, ctx.palette(), None).image
    return np.asarray(img.convert("RGB")).copy()


def paint_backdrop(backdrop: Backdrop, ctx: Context) -> np.ndarray:
    if backdrop.template is not None:
        out = _template_backdrop(backdrop, ctx)
    else:
        out = _fill_rgb(backdrop.fill, ctx.size, ctx.board.palette)
    darken(out, backdrop.darken)
    return out


def _draw_shapes(frame: np.ndarray, scene: Scene, ctx: Context) -> np.ndarray:
    if not scene.shapes:
        return frame
    img = Image.fromarray(frame).convert("RGBA")
    for s in scene.shapes:
        box = px_box(s.box, ctx.size)
        if box[2] <= box[0] or box[3] <= box[1]:
            continue
        fill = Image.fromarray(_fill_rgb(s.fill, (box[2] - box[0], box[3] - box[1]), ctx.board.palette)).convert("RGBA")
        if s.fill.opacity < 1.0:
            fill.putalpha(round(255 * s.fill.opacity))
        paint_shape(img, box, s.shape, fill, s.radius)
    return np.asarray(img.convert("RGB")).copy()


def _product_sprite(png: Path, shot: ProductShot, size: tuple[int, int]) -> tuple[Sprite, tuple[int, int]]:
    """The cut-out fitted (contain) into its box at its anchor, with a soft contact shadow."""
    with Image.open(png) as im:
        rgba = im.convert("RGBA")
    x0, y0, x1, y1 = px_box(shot.box, size)
    bw, bh = max(1, x1 - x0), max(1, y1 - y0)
    k = min(bw / rgba.width, bh / rgba.height)
    w, h = max(1, round(rgba.width * k)), max(1, round(rgba.height * k))
    pre = cv2.resize(np.asarray(rgba.convert("RGBa")), (w, h), interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_CUBIC)
    a = pre[..., 3]
    fx = 0.0 if "left" in shot.anchor else 1.0 if "right" in shot.anchor else 0.5
    fy = 0.0 if shot.anchor.startswith("top") else 1.0 if shot.anchor.startswith("bottom") else 0.5
    px, py = x0 + (bw - w) * fx, y0 + (bh - h) * fy
    if not shot.shadow:
        sprite, dx, dy = Sprite(np.ascontiguousarray(pre[..., :3]), np.ascontiguousarray(a)).trimmed()
        return sprite, (round(px) + dx, round(py) + dy)
    pad = max(4, int(0.08 * max(w, h)))
    canvas = np.zeros((h + 2 * pad, w + 2 * pad, 4), np.uint8)
    q = 4
    small = cv2.resize(a, (max(1, w // q), max(1, h // q)), interpolation=cv2.INTER_AREA)
    small = np.pad(small, max(1, pad // q))
    small = cv2.GaussianBlur(small, (0, 0), max(1.0, 0.035 * max(small.shape)))
    shadow = cv2.resize(small, (w + 2 * pad, h + 2 * pad), interpolation=cv2.INTER_LINEAR)
    drop = int(0.025 * h)
    shadow = np.roll(shadow, drop, axis=0)
    shadow = (shadow.astype(np.uint16) * 70 // 255).astype(np.uint8)  # ~27 % black
    canvas[..., 3] = shadow
    # product over shadow (premultiplied: shadow colour is black, so its rgb stays 0)
    region = canvas[pad : pad + h, pad : pad + w]
    inv = 255 - a.astype(np.uint16)
    region[..., :3] = pre[..., :3]
    region[..., 3] = (a.astype(np.uint16) + region[..., 3].astype(np.uint16) * inv // 255).astype(np.uint8)
    sprite, dx, dy = Sprite(np.ascontiguousarray(canvas[..., :3]), np.ascontiguousarray(canvas[..., 3])).trimmed()
    return sprite, (round(px) - pad + dx, round(py) - pad + dy)


class _PhotoMedia:
    """A photo, cropped to the storyboard's crop and pre-scaled for its Ken Burns move."""

    def __init__(self, media: Media, ctx: Context, box: tuple[int, int, int, int]):
        from ..material.load import load_image

        img = load_image(ctx.path(media.source)).convert("RGB")
        arr = np.asarray(img)
        if media.crop is not None:
            h, w = arr.shape[:2]
            cx0, cy0, cx1, cy1 = media.crop
            arr = arr[max(0, int(cy0 * h)) : min(h, int(np.ceil(cy1 * h))), max(0, int(cx0 * w)) : min(w, int(np.ceil(cx1 * w)))]
        bw, bh = box[2] - box[0], box[3] - box[1]
        zmax = max(max(media.motion.zoom), 1.0 + 2.5 * media.motion.idle)
        # keep just enough pixels for the closest zoom: per-frame warps then read a small source
        k = min(1.0, max(bw / arr.shape[1], bh / arr.shape[0]) * zmax * 1.05)
        if k < 1.0:
            arr = cv2.resize(arr, (max(1, round(arr.shape[1] * k)), max(1, round(arr.shape[0] * k))), interpolation=cv2.INTER_AREA)
        self.src = np.ascontiguousarray(arr)
        self.media = media

    def draw(self, out: np.ndarray, t: float, duration: float) -> None:
        zoom, fx, fy = kenburns(self.media.motion, t, duration)
        cover(self.src, (out.shape[1], out.shape[0]), zoom, (fx, fy), out=out)

    def first(self, size: tuple[int, int]) -> np.ndarray:
        return cover(self.src, size)

    def close(self) -> None:
        pass


class _ClipMedia:
    def __init__(self, media: Media, ctx: Context, box: tuple[int, int, int, int]):
        from .clips import ClipReader, probe

        path = ctx.path(media.source)
        self.info = probe(path)
        bw = box[2] - box[0]
        sw = self.info.size[0]
        crop_w = (media.crop[2] - media.crop[0]) if media.crop else 1.0
        # decode at just the width the crop needs (swscale does the shrink in the decoder thread)
        need = int(np.ceil(bw / crop_w * 1.1))
        self.reader = ClipReader(path, media.start, max_width=need if need < sw else None)
        self.media = media

    def _crop(self, frame: np.ndarray) -> np.ndarray:
        if self.media.crop is None:
            return frame
        h, w = frame.shape[:2]
        x0, y0, x1, y1 = self.media.crop
        return frame[max(0, int(y0 * h)) : min(h, int(np.ceil(y1 * h))), max(0, int(x0 * w)) : min(w, int(np.ceil(x1 * w)))]

    def draw(self, out: np.ndarray, t: float, duration: float) -> None:
        zoom, fx, fy = kenburns(self.media.motion, t, duration)
        cover(self._crop(self.reader.frame_at(t)), (out.shape[1], out.shape[0]), zoom, (fx, fy), out=out)

    def first(self, size: tuple[int, int]) -> np.ndarray:
        return cover(self._crop(self.reader.frame_at(0.0)), size)

    def close(self) -> None:
        self.reader.close()


class SceneRenderer:
    """Draws one scene at any local time ``t`` (seconds from its first frame; may run past its end)."""

    def __init__(self, scene: Scene, ctx: Context, index: int = 0):
        self.scene = scene
        self.ctx = ctx
        self.phase = index * 1.7
        W, H = ctx.size
        self.backdrop = _draw_shapes(paint_backdrop(scene.backdrop, ctx), scene, ctx)
        self.media = None
        self.media_box = (0, 0, W, H)
        if scene.media is not None:
            self.media_box = px_box(scene.media.box, ctx.size)
            self.media_box = (max(0, self.media_box[0]), max(0, self.media_box[1]), min(W, self.media_box[2]), min(H, self.media_box[3]))
            try:
                cls = _PhotoMedia if scene.media.kind == "photo" else _ClipMedia
                self.media = cls(scene.media, ctx, self.media_box)
            except InputError as e:
                ctx.problems.append(f"scene {scene.id}: {e} (shown without it)")
        self.full_media = self.media is not None and self.media_box == (0, 0, W, H) and not scene.shapes
        still = self.backdrop.copy()
        if self.media is not None:
            self._draw_media(still, 0.0)
        self.product = None
        if scene.product is not None and ctx.product_png is not None:
            self.product, self.product_xy = _product_sprite(ctx.product_png, scene.product, ctx.size)
            pw, ph = self.product.size
            grow = 0.25 * max(pw, ph)
            self.product_reach = (self.product_xy[0] - grow, self.product_xy[1] - grow, self.product_xy[0] + pw + grow,
                                  self.product_xy[1] + ph + grow)
        self.texts: list[TextSprite] = []
        for item in scene.texts:
            try:
                ts = build(item, ctx.size, ctx.board.palette, still)
            except TextFitError as e:
                ctx.problems.append(f"scene {scene.id}: text '{item.text}' left out: {e}")
                continue
            if ts is not None:
                self.texts.append(ts)
        self._settled: np.ndarray | None = None
        self._settled_ids: set[int] = set()
        self._buf: np.ndarray | None = None
        self._dirty: list[tuple[int, int, int, int]] | None = None

    def _draw_media(self, out: np.ndarray, t: float) -> None:
        x0, y0, x1, y1 = self.media_box
        region = out[y0:y1, x0:x1]
        self.media.draw(region, t, self.scene.duration)
        darken(region, self.scene.media.darken)

    def _bakeable(self, ts: TextSprite) -> bool:
        if self.media is not None or ts.item.idle > 0:
            return False
        if self.product is None:
            return True
        a, b = ts.box, self.product_reach
        return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]

    def render(self, t: float) -> np.ndarray:
        """The scene at local time ``t``, in the renderer's own buffer (valid until the next call;
        callers must not write to it). Only the rectangles that changed since the previous
        call are restored from the pre-rendered backdrop and redrawn."""
        done = [i for i, ts in enumerate(self.texts) if t >= ts.end and self._bakeable(ts)]
        if self.media is None and done and set(done) != self._settled_ids:
            base = self.backdrop.copy()
            for i in done:
                self.texts[i].draw(base, self.texts[i].end + 1.0)
            self._settled, self._settled_ids = base, set(done)
            self._dirty = None  # the base changed: restore everything
        buf = self._buf
        if buf is None:
            buf = self._buf = np.empty_like(self.backdrop)
            self._dirty = None
        base = self._settled if self._settled is not None else self.backdrop
        if self.media is not None:
            if not self.full_media:
                np.copyto(buf, self.backdrop)
            self._draw_media(buf, t)
        elif self._dirty is None:
            np.copyto(buf, base)
        else:
            for x0, y0, x1, y1 in self._dirty:
                buf[y0:y1, x0:x1] = base[y0:y1, x0:x1]
        touched = []
        if self.product is not None and self.scene.product is not None:
            shot = self.scene.product
            lt = t - shot.delay
            if lt >= 0:
                pose = pose_at(shot.motion, lt, self.scene.duration - shot.delay, self.product.size, self.ctx.size, self.phase)
                box = blit(buf, self.product, *self.product_xy, pose)
                if box is not None:
                    touched.append(box)
        for i, ts in enumerate(self.texts):
            if i in self._settled_ids:
                continue
            touched.extend(ts.draw(buf, t))
        self._dirty = touched
        return buf

    def close(self) -> None:
        if self.media is not None:
            self.media.close()
