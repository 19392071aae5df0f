"""The director: product data + material -> a storyboard.

It keeps the usable material (the material analysis skips what does not decode, is blurry,
too small, a duplicate, cut off or badly exposed, each with a reason), cuts the product out of
the analysis' hero pick, lets the hero's tone choose the style when none is asked for, takes the
palette and the type of the style's banner template (so banners and video match), and writes
the script: a hook (brand or title), the hero (the cut-out on the template's ground, popping in
and breathing), feature callouts, detail shots (other photos with a Ken Burns move, clips
trimmed to their best segment; all smart-cropped around the subject by
:mod:`creative.material.focal`), the offer (the banner's own composition: price, struck original
price, discount badge) and an end card with the call to action. Scene lengths are whole beats
of the music (tracked in the user's file by :mod:`.beats`), so every cut falls on a beat.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from ..content import Content
from ..errors import InputError, UsageError
from ..sizes import aspect_class
from .spec import (
    Backdrop, ContentSpec, Fade, Media, Motion, Music, ProductShot, ProductSource, Scene, Storyboard, Text,
    Transition, Voiceover,
)
from .material import photo_crop, sort_material
from .styles import VideoStyle, choose_style, get_style

MIN_SCENE_BEATS = 2
MAX_DETAILS = 3
def feature_lines(content: Content, features: list[str] | None, description: str | None) -> list[str]:
    """Two or three short callouts: the user's, else cut from the description or the subhead."""
    if features:
        return [f.strip() for f in features if f.strip()][:3]
    source = description or content.subhead or ""
    parts = [p.strip(" .。!！") for p in re.split(r"[·•|;；,，、\n]|(?<=[.!?])\s+|。", source)]
    lines = []
    for p in parts:
        if 2 <= len(p) <= 42 and p not in lines:
            lines.append(p[0].upper() + p[1:] if p[0].isalpha() else p)
    return lines[:3]


def _rel(p: Path, base: Path) -> str:
    """``p`` relative to ``base`` when it lies inside it (the storyboard's folder), else absolute."""
    full, root = p.resolve(), base.resolve()
    try:
        return full.relative_to(root).as_posix()
    except ValueError:
        return str(full)


def _frac(box: tuple[int, int, int, int], size: tuple[int, int]) -> tuple[float, float, float, float]:
    w, h = size
    return (round(box[0] / w, 4), round(box[1] / h, 4), round(box[2] / w, 4), round(box[3] / h, 4))


def _grow(box: tuple[float, float, float, float], dx: float, dy: float) -> tuple[float, float, float, float]:
    return _round4((box[0] - dx, box[1] - dy, box[2] + dx, box[3] + dy))


class _Looks:
    """The banner template's type and colours, by text role."""

    def __init__(self, template, min_px: int = 10):
        from ..template.spec import BackgroundLayer, LogoLayer, TextLayer

        self.template = template
        self.min_px = min_px
        self.layers = {}
        for layer in template.layers:
            if isinstance(layer, TextLayer):
                self.layers.setdefault(layer.role, layer)
            elif isinstance(layer, LogoLayer):
                self.layers.setdefault("brand", layer)
        first = template.layers[0]
        self.ground = first.fill if isinstance(first, BackgroundLayer) else None

    def text(self, role: str, text: str, box, *, like: str | None = None, max_size: float = 0.06, **kw) -> Text:
        layer = self.layers.get(like or role) or self.layers.get("headline")
        base = dict(role=role, text=text, box=box, max_size=max_size, min_size=self.min_px)
        if layer is not None:
            base.update(font=layer.font, weight=layer.weight, color=layer.color,
                        uppercase=getattr(layer, "uppercase", False),
                        letter_spacing=getattr(layer, "letter_spacing", 0.0))
            plate = getattr(layer, "plate", None)
            if plate is not None and "plate" not in kw:
                base["plate"] = plate
            if getattr(layer, "strike", False):
                base["strike"] = True
        base.update(kw)
        if role == "original_price":
            base["strike"] = True
        return Text(**base)


def _beat_grid(music: Music, base: Path, duration: float) -> tuple[float, list[float], bool]:
    """Tempo, beat times, and whether they were found in the music: the beats tracked in the
    user's file (:mod:`.beats`), else the exact grid of the synthesised bed at ``music.tempo``."""
    if music.file:
        from . import audio
        from .beats import beat_times

        p = Path(music.file)
        p = p if p.is_absolute() else base / p
        samples = audio.decode_audio(p, offset=music.offset, duration=duration + 2.0)
        tempo, beats = beat_times(samples, audio.RATE)
        if tempo > 0 and len(beats) >= 4:
            return tempo, beats, True
    beat = 60.0 / music.tempo
    return music.tempo, [i * beat for i in range(int(duration / beat) + 2)], False


def _timeline(kinds: list[str], style: VideoStyle, beats: list[float], duration: float) -> list[float]:
    """Scene lengths that add up to ``duration`` with every cut on a beat."""
    weights = [style.beats[k] for k in kinds]
    total = sum(weights)
    cuts, acc = [], 0.0
    for w in weights[:-1]:
        acc += w / total * duration
        cuts.append(acc)
    snapped, last = [], 0.0
    min_len = min(1.0, duration / len(kinds) / 2)
    for c in cuts:
        cands = [b for b in beats if b > last + min_len and b < duration - min_len]
        if not cands:
            snapped.append(min(duration - min_len, last + min_len))
        else:
            snapped.append(min(cands, key=lambda b: abs(b - c)))
        last = snapped[-1]
    edges = [0.0, *snapped, duration]
    return [round(edges[i + 1] - edges[i], 4) for i in range(len(kinds))]


def _boxes(aspect: str) -> dict[str, tuple]:
    """Composition of the director's own scenes for the canvas's aspect class."""
    if aspect in ("landscape", "leaderboard"):
        return {
            "hook_kicker": (0.1, 0.22, 0.9, 0.34), "hook_title": (0.1, 0.36, 0.9, 0.66), "hook_line": (0.15, 0.68, 0.85, 0.78),
            "hero_product": (0.04, 0.08, 0.52, 0.92), "hero_title": (0.54, 0.28, 0.95, 0.62), "hero_sub": (0.54, 0.64, 0.95, 0.76),
            "feat_product": (0.04, 0.1, 0.46, 0.9), "feat_rows": (0.5, 0.2, 0.96, 0.8),
            "detail_caption": (0.2, 0.82, 0.8, 0.94),
        }
    if aspect in ("square", "portrait"):
        return {
            "hook_kicker": (0.1, 0.22, 0.9, 0.32), "hook_title": (0.08, 0.34, 0.92, 0.62), "hook_line": (0.12, 0.64, 0.88, 0.74),
            "hero_product": (0.14, 0.06, 0.86, 0.68), "hero_title": (0.06, 0.7, 0.94, 0.86), "hero_sub": (0.1, 0.86, 0.9, 0.94),
            "feat_product": (0.02, 0.12, 0.5, 0.88), "feat_rows": (0.52, 0.18, 0.97, 0.82),
            "detail_caption": (0.12, 0.84, 0.88, 0.94),
        }
    return {  # story / skyscraper (9:16)
        "hook_kicker": (0.1, 0.3, 0.9, 0.36), "hook_title": (0.07, 0.38, 0.93, 0.56), "hook_line": (0.1, 0.58, 0.9, 0.64),
        "hero_product": (0.08, 0.1, 0.92, 0.66), "hero_title": (0.06, 0.68, 0.94, 0.8), "hero_sub": (0.1, 0.81, 0.9, 0.86),
        "feat_product": (0.15, 0.06, 0.85, 0.46), "feat_rows": (0.08, 0.5, 0.92, 0.9),
        "detail_caption": (0.1, 0.84, 0.9, 0.9),
    }


#: In a video a badge or a button must be seen in a second: they are drawn larger than in the banner.
EMPHASIS = {"badge": 1.6, "cta": 1.3}


def _emphasize(box, k: float):
    """``box`` scaled by ``k`` about its centre, shifted back inside the canvas."""
    x0, y0, x1, y1 = box
    cx, cy, hw, hh = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) * k / 2, (y1 - y0) * k / 2
    cx = min(max(cx, hw + 0.01), 0.99 - hw)
    cy = min(max(cy, hh + 0.01), 0.99 - hh)
    return _round4((cx - hw, cy - hh, cx + hw, cy + hh))


def _banner_texts(lay, looks: _Looks, size, roles: tuple[str, ...], anim: dict[str, tuple[str, float]],
                  beat: float, unit: float) -> list[Text]:
    """Texts of the banner layout (same boxes, fonts, sizes, plates) with their animations."""
    out = []
    for el in lay.texts:
        if el.role not in roles or el.block is None or not el.block.lines:
            continue
        layer = looks.template.layer(el.id)
        outer = el.plate_box or el.box
        box = _frac(outer, size)
        if el.plate_box is None:
            box = _grow(box, 0.01, 0.006)
        kind, delay = anim.get(el.role, ("fade", 0.0))
        k = EMPHASIS.get(el.role, 1.0)
        if k != 1.0:
            box = _emphasize(box, k)
        out.append(Text(
            role=el.role, text=el.text or "", box=box, font=layer.font, weight=layer.weight,
            max_size=round(el.block.size * k / unit, 4), min_size=max(6, int(el.block.size * 0.7)),
            max_lines=max(1, len(el.block.lines)), align=el.block.align, color=layer.color,
            uppercase=False,  # the layout already upper-cased the text
            letter_spacing=getattr(layer, "letter_spacing", 0.0), strike=getattr(layer, "strike", False),
            plate=getattr(layer, "plate", None), animation=kind, delay=round(delay * beat, 3),
            duration=round(max(0.3, beat * (1.5 if kind in ("words", "chars") else 0.8)), 3),
            easing="back-out" if kind == "scale" else "ease-out",
        ))
    return out


def plan(
    material: list[str | Path],
    content: Content,
    *,
    style: str = "auto",
    size: tuple[int, int] = (1080, 1920),
    duration: float = 15.0,
    fps: int = 30,
    music: str | Path | None = None,
    voiceover: str | Path | None = None,
    features: list[str] | None = None,
    description: str | None = None,
    remover: str = "auto",
    clip_audio: str = "mute",
    base_dir: str | Path = ".",
    names: Mapping[Path, str] | None = None,
) -> tuple[Storyboard, list[str]]:
    """Direct a promo: returns the storyboard and the problems met (skipped files...).

    The material goes through :func:`sort_material` (analysis: bad material skipped, the hero
    picked); with ``style="auto"`` the hero's tone chooses the style (:func:`.styles.choose_style`).
    Paths in the storyboard are written relative to ``base_dir`` (where it will be saved) when
    the files are inside it. ``clip_audio`` is "mute" or "mix" (clip sound under the music).
    ``names`` gives display names for files in messages (a downloaded image's URL).
    """
    from ..design import palette_for, prepare_product
    from ..layout import canvas_unit, layout
    from ..template import get_template
    from .clips import best_segment

    if clip_audio not in ("mute", "mix"):
        raise UsageError(f"bad clip audio '{clip_audio}': choose mute or mix")
    if not 2.0 <= duration <= 120.0:
        raise UsageError(f"bad duration {duration:g} s: choose 2 to 120 seconds")
    if not 1 <= fps <= 60:
        raise UsageError(f"bad frame rate {fps}: choose 1 to 60 fps")
    w, h = size
    if w % 2 or h % 2:
        raise UsageError(f"bad video size {w}x{h}: H.264 needs even width and height")
    if not (16 <= w <= 4096 and 16 <= h <= 4096):
        raise UsageError(f"bad video size {w}x{h}: each side must be 16 to 4096 px")
    base = Path(base_dir)
    if style != "auto":
        get_style(style)  # an unknown name fails before any work
    mat = sort_material(list(material), size=size, names=names)
    problems = list(mat.problems)
    if not mat.photos:
        raise InputError("no usable product photo among the inputs: give at least one photo (JPEG, PNG, WebP...)"
                         + (f"; {'; '.join(problems)}" if problems else ""))
    if style == "auto":
        style = choose_style(mat.styles, content.locale, content.discount_badge() is not None, content.title)
    st = get_style(style)
    tpl = get_template(st.template)
    looks = _Looks(tpl, max(6, min(14, round(0.012 * (size[0] * size[1]) ** 0.5))))
    hero_photo = mat.photos[0]
    product = prepare_product(hero_photo, remover=remover)
    pal = palette_for(product.swatches, tpl.palette.scheme, tpl.palette.tone, None)
    palette = pal.to_dict()
    music_spec = Music(file=_rel(Path(music), base) if music else None, tempo=st.tempo, mood=st.mood)
    tempo, beats, found = _beat_grid(music_spec, base, duration)
    if found:
        music_spec = music_spec.model_copy(update={"tempo": round(min(200.0, max(50.0, tempo)), 2)})
    elif music:
        problems.append(f"{music}: no steady beat found in the music; scenes are cut on a {st.tempo:g} BPM grid")
    beat = 60.0 / (tempo if tempo > 0 else st.tempo)
    aspect = aspect_class(size)
    boxes = _boxes(aspect)
    unit = canvas_unit(size)
    lines = feature_lines(content, features, description)

    # Which scenes, in order; details from the other photos, the clips, or the hero photo itself.
    details: list[tuple[str, Path, object]] = [("clip", p, info) for p, info in mat.clips]
    details += [("photo", p, None) for p in mat.photos[1:]]
    if not details:
        details = [("photo", hero_photo, None)]
    details = details[:MAX_DETAILS]
    has_offer = content.price is not None
    kinds = ["hook", "hero"] + (["features"] if lines else []) + ["detail"] * len(details) + (["offer"] if has_offer else []) + ["end"]
    max_scenes = max(3, int(duration / max(beat * MIN_SCENE_BEATS, 1.0)))
    while len(kinds) > max_scenes and "detail" in kinds[:]:
        idx = len(kinds) - 1 - kinds[::-1].index("detail")
        kinds.pop(idx)
        details.pop()
    for optional in ("features", "hook"):
        if len(kinds) > max_scenes and optional in kinds:
            kinds.remove(optional)
    lengths = _timeline(kinds, st, beats, duration)

    ground = Backdrop(fill=looks.ground) if looks.ground is not None else Backdrop(template=tpl.name)
    banner_ground = Backdrop(template=tpl.name)
    lay = layout(tpl, size, content, product.shape)
    photo_rel = _rel(hero_photo, base)
    title_anim = st.title_animation
    scenes: list[Scene] = []
    detail_iter = iter(details)
    for i, (kind, length) in enumerate(zip(kinds, lengths)):
        tr_kind = "cut" if i == 0 else st.transitions[(i - 1) % len(st.transitions)]
        tr = Transition(kind=tr_kind, duration=round(min(length * 0.4, max(0.2, st.transition_beats * beat)), 3),
                        color=st.fade_color if tr_kind == "fade-color" else "#000000")
        reveal = round(min(length * 0.5, max(0.5, beat * 2)), 3)
        if kind == "hook":
            texts = []
            big, kicker = (content.brand, content.title) if content.brand else (content.title, content.subhead)
            texts.append(looks.text("headline", big, boxes["hook_title"], max_size=0.11, max_lines=3,
                                    animation=title_anim, delay=0.0, duration=reveal, align="center", idle=0.04))
            if kicker:
                texts.append(looks.text("subhead", kicker, boxes["hook_line"], like="subhead", max_size=0.035, max_lines=2,
                                        animation=st.text_animation, delay=round(beat * 1.5, 3), duration=0.5,
                                        align="center", plate=None))
            scenes.append(Scene(id=f"s{i + 1}-hook", kind="hook", duration=length, backdrop=ground, texts=tuple(texts),
                                transition=tr))
        elif kind == "hero":
            texts = [looks.text("headline", content.title, boxes["hero_title"], max_size=0.1, max_lines=2,
                                animation=title_anim, delay=round(beat, 3), duration=reveal, align="center")]
            if content.subhead and not lines:
                texts.append(looks.text("subhead", content.subhead, boxes["hero_sub"], like="subhead", max_size=0.03,
                                        animation="fade", delay=round(beat * 2, 3), duration=0.5, align="center"))
            shot = ProductShot(box=boxes["hero_product"], motion=Motion(
                enter=st.product_enter, easing=st.easing, enter_duration=round(min(0.8, beat * 1.5), 3),
                zoom=(1.0, 1.05), idle=st.idle))
            scenes.append(Scene(id=f"s{i + 1}-hero", kind="hero", duration=length, backdrop=ground, product=shot,
                                texts=tuple(texts), transition=tr))
        elif kind == "features":
            x0, y0, x1, y1 = boxes["feat_rows"]
            n = len(lines)
            row_h = (y1 - y0) / n
            step = max(beat, (length - 0.6) / (n + 0.5))
            texts = []
            for k, line in enumerate(lines):
                box = (x0, round(y0 + k * row_h + row_h * 0.12, 4), x1, round(y0 + (k + 1) * row_h - row_h * 0.12, 4))
                texts.append(looks.text("feature", line, box, like="subhead", max_size=0.045, max_lines=2,
                                        animation=st.text_animation if st.text_animation != "fade" else "slide-up",
                                        delay=round(0.3 + k * step, 3), duration=0.45, align="center", color="text_on_surface",
                                        plate=_feature_plate(), uppercase=False))
            shot = ProductShot(box=boxes["feat_product"], motion=Motion(enter="fade", enter_duration=0.3, idle=st.idle,
                                                                        zoom=(1.0, 1.04)))
            scenes.append(Scene(id=f"s{i + 1}-features", kind="features", duration=length, backdrop=ground, product=shot,
                                texts=tuple(texts), transition=tr))
        elif kind == "detail":
            dkind, path, info = next(detail_iter)
            aspect_ratio = w / h
            if dkind == "clip":
                choice = best_segment(path, length, aspect_ratio, info)
                media = Media(source=_rel(path, base), kind="clip", crop=_round4(choice.crop), start=round(choice.start, 3),
                              audio=clip_audio if info.has_audio else "mute", motion=Motion(zoom=(1.0, 1.0 + (st.zoom - 1) / 2), idle=0.0))
            else:
                cut = None
                if path == hero_photo:  # its cut-out (cached) is the exact subject
                    from ..cutout import cut_out

                    cut = cut_out(hero_photo, remover=remover)
                crop, (fx, fy) = photo_crop(path, aspect_ratio, cutout=cut)
                media = Media(source=_rel(path, base), kind="photo", crop=_round4(crop),
                              motion=Motion(zoom=(1.0, st.zoom), pan=(0.5, 0.5, round(fx, 3), round(fy, 3)), idle=0.0))
            texts = ()
            if not scenes or scenes[-1].kind != "detail":
                caption = lines[0] if lines else (content.subhead or content.title)
                texts = (looks.text("caption", caption, boxes["detail_caption"], like="subhead", max_size=0.035,
                                    animation="slide-up", delay=round(beat, 3), duration=0.45, color="text_on_surface",
                                    plate=_feature_plate(), uppercase=False),)
            scenes.append(Scene(id=f"s{i + 1}-detail", kind="detail", duration=length, backdrop=ground, media=media,
                                texts=texts, transition=tr))
        elif kind == "offer":
            anim = {"headline": ("fade", 0.0), "price": ("scale", 0.5), "original_price": ("fade", 1.0),
                    "badge": ("scale", 1.5), "subhead": ("fade", 0.5)}
            texts = _banner_texts(lay, looks, size, ("headline", "price", "original_price", "badge"), anim, beat, unit)
            shot = _banner_product(lay, size, Motion(enter="pop", easing="back-out", enter_duration=round(min(0.7, beat * 1.2), 3),
                                                     idle=st.idle))
            scenes.append(Scene(id=f"s{i + 1}-offer", kind="offer", duration=length, backdrop=banner_ground, product=shot,
                                texts=tuple(texts), transition=tr))
        else:  # end card
            anim = {"headline": ("fade", 0.0), "brand": ("fade", 0.3), "cta": ("scale", 1.0), "subhead": ("fade", 0.6)}
            texts = _banner_texts(lay, looks, size, ("headline", "brand", "cta", "subhead"), anim, beat, unit)
            texts = [t.model_copy(update={"idle": 0.03}) if t.role == "cta" else t for t in texts]
            shot = _banner_product(lay, size, Motion(enter="fade", enter_duration=0.3, idle=st.idle))
            scenes.append(Scene(id=f"s{i + 1}-end", kind="end", duration=length, backdrop=banner_ground, product=shot,
                                texts=tuple(texts), transition=tr))

    board = Storyboard(
        size=size, fps=fps, style=st.name, template=tpl.name,
        content=ContentSpec(title=content.title, subhead=content.subhead,
                            price=str(content.price) if content.price is not None else None,
                            original_price=str(content.original_price) if content.original_price is not None else None,
                            currency=content.currency, locale=content.locale, badge=content.badge, cta=content.cta,
                            brand=content.brand),
        product=ProductSource(photo=photo_rel, remover=remover),
        palette=palette,
        music=music_spec,
        voiceover=Voiceover(file=_rel(Path(voiceover), base)) if voiceover else None,
        fade_in=Fade(color=st.fade_color, duration=0.3),
        fade_out=Fade(color=st.fade_color, duration=0.5),
        scenes=tuple(scenes),
    )
    return board, problems


def _round4(box) -> tuple[float, float, float, float]:
    return tuple(round(v, 4) for v in box)  # type: ignore[return-value]


def _feature_plate():
    from ..template.spec import Plate

    return Plate(shape="pill", fill="surface", padding=(0.9, 0.45))


def _banner_product(lay, size, motion: Motion) -> ProductShot | None:
    el = lay.product
    if el is None:
        return None
    return ProductShot(box=_frac(el.box, size), motion=motion)
