"""Typed, immutable models of a storyboard: the declarative description of a promo video.

A storyboard is what the director writes and what the renderer reads; a person may edit it
(or write one by hand) in between. It holds the canvas (``size``, ``fps``), the product and
its copy (``content``), the colours by palette role (``palette``), the music and voice-over,
and the scenes in order. Every box is ``[x0, y0, x1, y1]`` in fractions of the canvas, so a
storyboard says where things go without pixels; text sizes are fractions of the canvas scale
(the geometric mean of its sides), as in banner templates.

A scene's ``transition`` says how the previous scene gives way to it; it starts on the scene's
first frame (which is where the director puts the music's beats), while the previous scene keeps
moving underneath for the transition's ``duration``.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ..color.schemes import ROLES
from ..template.spec import Anchor, ColorRef, Fill, Plate

STORYBOARD_VERSION = 1
SCENE_KINDS = ("hook", "hero", "features", "detail", "offer", "end")
TEXT_ANIMATIONS = ("none", "fade", "slide-up", "slide-left", "scale", "words", "chars")
ENTRANCES = ("none", "fade", "pop", "scale-in", "slide-left", "slide-right", "slide-up", "slide-down")
EASINGS = ("linear", "ease-in", "ease-out", "ease-in-out", "back-out", "elastic-out")
_HEX6 = re.compile(r"^#[0-9a-fA-F]{6}$")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _check_box(v: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = v
    if not (x1 > x0 and y1 > y0):
        raise ValueError("box must be [x0, y0, x1, y1] with x1 > x0 and y1 > y0")
    if min(v) < -1.0 or max(v) > 2.0:
        raise ValueError("box fractions must lie between -1 and 2")
    return v


Box = Annotated[
    tuple[float, float, float, float],
    AfterValidator(_check_box),
    Field(description="x0, y0, x1, y1 as fractions of the canvas."),
]
Easing = Literal["linear", "ease-in", "ease-out", "ease-in-out", "back-out", "elastic-out"]
Seconds = Annotated[float, Field(ge=0.0, le=600.0)]


class Motion(_Model):
    """How a picture moves: an entrance, a Ken Burns zoom/pan over the scene, and an idle drift."""

    enter: Literal["none", "fade", "pop", "scale-in", "slide-left", "slide-right", "slide-up", "slide-down"] = "none"
    enter_duration: float = Field(0.6, ge=0.0, le=10.0, description="Seconds the entrance takes.")
    easing: Easing = "ease-out"
    zoom: tuple[float, float] = Field((1.0, 1.0), description="Scale at the scene's start and end (Ken Burns).")
    pan: tuple[float, float, float, float] = Field(
        (0.5, 0.5, 0.5, 0.5), description="Focus point x, y at the start and x, y at the end, as fractions of the picture.",
    )
    idle: float = Field(0.012, ge=0.0, le=0.2, description="Amplitude of the breathing/drift motion, as a fraction of the box.")

    @model_validator(mode="after")
    def _ranges(self) -> "Motion":
        if not all(0.5 <= z <= 4.0 for z in self.zoom):
            raise ValueError("zoom values must lie between 0.5 and 4")
        if not all(0.0 <= p <= 1.0 for p in self.pan):
            raise ValueError("pan values must lie between 0 and 1")
        return self


class Backdrop(_Model):
    """What fills the frame behind everything: a fill, or a banner template's background and shapes."""

    fill: Fill | None = None
    template: str | None = Field(None, description="Paint this banner template's background and shape layers.")
    darken: float = Field(0.0, ge=0.0, le=1.0, description="Black overlay opacity on top (for text over photos).")

    @model_validator(mode="after")
    def _one(self) -> "Backdrop":
        if (self.fill is None) == (self.template is None):
            raise ValueError("a backdrop needs exactly one of 'fill' or 'template'")
        return self


class Media(_Model):
    """A photo or a video clip shown in a box (usually the whole frame)."""

    source: str = Field(min_length=1, description="Photo or clip file (relative to the storyboard's folder).")
    kind: Literal["photo", "clip"]
    box: Box = (0.0, 0.0, 1.0, 1.0)
    crop: Box | None = Field(None, description="Part of the source to show (fractions of the source); cover-fitted to the box.")
    start: Seconds = Field(0.0, description="Clip: where in the source the shot starts, in seconds.")
    audio: Literal["mute", "mix"] = "mute"
    audio_gain_db: float = Field(-8.0, ge=-60.0, le=12.0)
    motion: Motion = Motion(zoom=(1.0, 1.08))
    darken: float = Field(0.0, ge=0.0, le=1.0, description="Black overlay opacity over the media.")


class ProductShot(_Model):
    """The product cut-out (from the storyboard's ``product``) placed in a box."""

    box: Box
    anchor: Anchor = "center"
    shadow: bool = True
    delay: Seconds = 0.0
    motion: Motion = Motion(enter="pop", easing="back-out")


class Shape(_Model):
    id: str = "shape"
    shape: Literal["rect", "rounded", "ellipse", "burst", "line"] = "rect"
    box: Box
    fill: Fill = Fill(color="surface")
    radius: float = Field(0.08, ge=0.0, le=0.5)


class Text(_Model):
    """A line or block of text, fitted into its box and animated in."""

    role: str = Field("headline", pattern=r"^[a-z][a-z0-9_-]*$",
                      description="What the text is (headline, subhead, price, original_price, badge, cta, brand, feature...).")
    text: str = Field(min_length=1, max_length=400)
    box: Box
    font: str = "inter"
    weight: int = Field(700, ge=100, le=900)
    max_size: float = Field(0.06, gt=0.0, le=0.5, description="Largest size as a fraction of the canvas scale.")
    min_size: int = Field(10, ge=4, le=400, description="Smallest size in pixels before an ellipsis.")
    max_lines: int = Field(2, ge=1, le=12)
    align: Literal["left", "center", "right"] = "center"
    valign: Literal["top", "middle", "bottom"] = "middle"
    color: ColorRef = "text_on_background"
    uppercase: bool = False
    letter_spacing: float = Field(0.0, ge=-0.2, le=1.0)
    strike: bool = False
    plate: Plate | None = None
    animation: Literal["none", "fade", "slide-up", "slide-left", "scale", "words", "chars"] = "fade"
    delay: Seconds = 0.0
    duration: float = Field(0.5, ge=0.0, le=30.0, description="Seconds the animation takes.")
    easing: Easing = "ease-out"
    idle: float = Field(0.0, ge=0.0, le=0.2, description="Breathing/drift amplitude once the text is in (keeps a text-only shot alive).")


class Transition(_Model):
    """How the previous scene gives way to this one (starting on this scene's first frame)."""

    kind: Literal["cut", "crossfade", "slide-left", "slide-right", "slide-up", "wipe-left", "wipe-right",
                  "wipe-down", "zoom", "fade-color"] = "cut"
    duration: float = Field(0.4, ge=0.0, le=5.0)
    color: ColorRef = "#000000"
    easing: Easing = "ease-in-out"


class Fade(_Model):
    """Fade from a colour at the start, or to a colour at the end."""

    color: ColorRef = "#000000"
    duration: float = Field(0.4, ge=0.0, le=10.0)


class Scene(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    kind: Literal["hook", "hero", "features", "detail", "offer", "end"]
    duration: float = Field(gt=0.0, le=120.0, description="Seconds, from this scene's first frame to the next scene's.")
    backdrop: Backdrop
    media: Media | None = None
    shapes: tuple[Shape, ...] = ()
    product: ProductShot | None = None
    texts: tuple[Text, ...] = Field((), max_length=32)
    transition: Transition = Transition()

    @model_validator(mode="after")
    def _fits(self) -> "Scene":
        if self.transition.kind != "cut" and self.transition.duration > self.duration:
            raise ValueError(f"transition ({self.transition.duration:g} s) is longer than the scene ({self.duration:g} s)")
        return self


class Music(_Model):
    """The music bed: synthesised (royalty-free by construction) or a file."""

    file: str | None = Field(None, description="Audio file to use instead of the synthesised bed.")
    tempo: float = Field(110.0, ge=50.0, le=200.0, description="Beats per minute of the synthesised bed.")
    seed: int = Field(0, ge=0, le=2**31 - 1)
    mood: Literal["bright", "warm", "dark", "festive"] = "bright"
    offset: Seconds = Field(0.0, description="Where in the music file the video starts.")
    gain_db: float = Field(0.0, ge=-40.0, le=12.0)
    fade_in: float = Field(0.3, ge=0.0, le=10.0)
    fade_out: float = Field(1.2, ge=0.0, le=10.0)
    loudness: float = Field(-14.0, ge=-40.0, le=-5.0, description="Target integrated loudness of the final mix, LUFS.")


class Voiceover(_Model):
    file: str = Field(min_length=1)
    offset: Seconds = Field(0.3, description="When the voice starts in the video, seconds.")
    gain_db: float = Field(0.0, ge=-40.0, le=12.0)
    duck_db: float = Field(-12.0, ge=-40.0, le=0.0, description="How much the music drops under speech.")


class ContentSpec(_Model):
    """The product's copy (what banners show too)."""

    title: str = Field(min_length=1, max_length=200)
    subhead: str | None = None
    price: str | None = None
    original_price: str | None = None
    currency: str = "USD"
    locale: str = "en-US"
    badge: str | None = None
    cta: str | None = None
    brand: str | None = None


class ProductSource(_Model):
    photo: str = Field(min_length=1, description="Product photo (relative to the storyboard's folder).")
    remover: str = "auto"


def _check_palette(v: dict[str, str]) -> dict[str, str]:
    missing = [r for r in ROLES if r not in v]
    unknown = [r for r in v if r not in ROLES]
    if unknown:
        raise ValueError(f"unknown palette role(s) {', '.join(unknown)}; roles are {', '.join(ROLES)}")
    if missing:
        raise ValueError(f"palette is missing role(s) {', '.join(missing)}")
    bad = [f"{r}={c}" for r, c in v.items() if not _HEX6.match(c)]
    if bad:
        raise ValueError(f"palette colours must be #rrggbb: {', '.join(bad)}")
    return v


class Storyboard(_Model):
    """A promo video, scene by scene."""

    version: Literal[1] = 1
    size: tuple[int, int] = Field((1080, 1920), description="Width and height in pixels (even numbers).")
    fps: int = Field(30, ge=1, le=60)
    style: str = "clean"
    template: str = Field("minimal", description="The banner template whose look the video shares.")
    content: ContentSpec
    product: ProductSource | None = None
    palette: Annotated[dict[str, str], AfterValidator(_check_palette)] = Field(
        description="Colour of every palette role (#rrggbb); scenes name roles or hex colours.",
    )
    music: Music = Music()
    voiceover: Voiceover | None = None
    fade_in: Fade = Fade(duration=0.3)
    fade_out: Fade = Fade(duration=0.5)
    scenes: tuple[Scene, ...] = Field(max_length=64, description="The scenes in order (at least one).")

    @model_validator(mode="after")
    def _consistent(self) -> "Storyboard":
        if not self.scenes:
            raise ValueError("a storyboard needs at least one scene")
        w, h = self.size
        if not (16 <= w <= 4096 and 16 <= h <= 4096):
            raise ValueError("size must be between 16 and 4096 px a side")
        if w % 2 or h % 2:
            raise ValueError("size must have even width and height (H.264 with yuv420p needs it)")
        ids = [s.id for s in self.scenes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"scene ids must be unique; repeated: {', '.join(dupes)}")
        if self.product is None and any(s.product is not None for s in self.scenes):
            raise ValueError("a scene shows the product but the storyboard has no 'product' photo")
        if self.duration > 600:
            raise ValueError(f"the scenes add up to {self.duration:g} s; at most 600 s")
        return self

    @property
    def duration(self) -> float:
        return sum(s.duration for s in self.scenes)

    def starts(self) -> list[float]:
        """Start time of each scene, in seconds."""
        out, t = [], 0.0
        for s in self.scenes:
            out.append(t)
            t += s.duration
        return out

    @property
    def frame_count(self) -> int:
        return max(1, round(self.duration * self.fps))
