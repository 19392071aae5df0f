"""Typed, immutable models of a template file.

A template is declarative: which layers exist and how they look (``layers``),
and where each one goes for every aspect class (``layouts``). Positions are
fractions of the canvas's safe area, so one file serves every size. Layout
(``creative.layout``) turns this plus a canvas into pixel boxes; rendering
(``creative.render``) turns the boxes into pixels.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ..sizes import ASPECT_CLASSES

#: Palette roles a template may name instead of a literal colour.
COLOR_ROLES = (
    "background", "surface", "accent", "highlight",
    "text_on_background", "muted_on_background", "text_on_surface", "text_on_accent", "text_on_highlight",
)
TEXT_ROLES = ("headline", "subhead", "price", "original_price", "badge", "cta", "brand")
SCHEME_NAMES = ("complementary", "analogous", "triadic", "monochrome", "brand")
TONE_NAMES = ("light", "dark", "vivid", "pastel")
ANCHORS = (
    "top-left", "top", "top-right", "left", "center", "right", "bottom-left", "bottom", "bottom-right",
)
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")

def _check_box(v: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = v
    if not (x1 > x0 and y1 > y0):
        raise ValueError("box must be [x0, y0, x1, y1] with x1 > x0 and y1 > y0")
    if min(v) < -0.5 or max(v) > 1.5:
        raise ValueError("box fractions must lie between -0.5 and 1.5")
    return v


BoxFractions = Annotated[
    tuple[float, float, float, float],
    AfterValidator(_check_box),
    Field(description="x0, y0, x1, y1 as fractions of the safe area (or the whole canvas with bleed)."),
]

Anchor = Literal[
    "top-left", "top", "top-right", "left", "center", "right", "bottom-left", "bottom", "bottom-right",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _check_color(value: str) -> str:
    if value in COLOR_ROLES or _HEX.match(value):
        return value
    raise ValueError(f"expected a palette role ({', '.join(COLOR_ROLES)}) or a hex colour like #1a2b3c")


ColorRef = Annotated[str, AfterValidator(_check_color), Field(description="A palette role name or a #rrggbb colour.")]


class Fill(_Model):
    """How an area is painted."""

    kind: Literal["solid", "linear", "radial", "pattern"] = "solid"
    color: ColorRef = "background"
    color2: ColorRef | None = Field(None, description="Second colour of a gradient or the pattern's ink.")
    angle: float = Field(90.0, description="Linear gradient direction in degrees (90 = top to bottom).")
    pattern: Literal["dots", "stripes", "grid"] = "dots"
    pattern_scale: float = Field(0.04, gt=0.0, le=0.5, description="Pattern cell size as a fraction of the canvas's shorter side.")
    opacity: float = Field(1.0, ge=0.0, le=1.0)


class Plate(_Model):
    """A shape drawn behind a text element that hugs it: a CTA button, a badge disc."""

    shape: Literal["rect", "rounded", "pill", "circle", "burst"] = "pill"
    fill: ColorRef = "accent"
    padding: tuple[float, float] = Field((0.9, 0.45), description="Horizontal and vertical padding in ems of the text size.")


class BackgroundLayer(_Model):
    type: Literal["background"]
    fill: Fill = Fill()


class ShapeLayer(_Model):
    type: Literal["shape"]
    id: str
    shape: Literal["rect", "rounded", "ellipse", "burst", "line"] = "rect"
    fill: Fill = Fill(color="surface")
    radius: float = Field(0.08, ge=0.0, le=0.5, description="Corner radius of 'rounded' as a fraction of the shape's shorter side.")


class ProductLayer(_Model):
    type: Literal["product"]
    id: str = "product"
    shadow: bool = Field(False, description="Regenerate a soft contact shadow under the product.")
    shadow_opacity: float = Field(0.28, ge=0.0, le=1.0)


class TextLayer(_Model):
    type: Literal["text"]
    id: str
    role: Literal["headline", "subhead", "price", "original_price", "badge", "cta", "brand"]
    font: str = "inter"
    weight: int = Field(700, ge=100, le=900)
    color: ColorRef = "text_on_background"
    max_size: float = Field(0.08, gt=0.0, le=0.5, description="Largest text size as a fraction of the canvas scale (the geometric mean of its sides).")
    min_size: int = Field(10, ge=6, le=200, description="Smallest text size in pixels before wrapping gives way to an ellipsis.")
    max_lines: int = Field(2, ge=1, le=12)
    align: Literal["left", "center", "right"] = "left"
    uppercase: bool = False
    letter_spacing: float = 0.0
    strike: bool = Field(False, description="Draw a line through the text (original prices).")
    plate: Plate | None = None


class LogoLayer(_Model):
    """The brand as a small wordmark (text) in a corner."""

    type: Literal["logo"]
    id: str = "logo"
    font: str = "inter"
    weight: int = Field(800, ge=100, le=900)
    color: ColorRef = "text_on_background"
    max_size: float = Field(0.035, gt=0.0, le=0.3)
    uppercase: bool = True


class ImageLayer(_Model):
    """A picture shipped with the template (a logo file, a decoration), fitted into its slot.

    ``src`` is relative to the template file's folder and must stay inside it.
    """

    type: Literal["image"]
    id: str
    src: str = Field(min_length=1, max_length=512)
    fit: Literal["contain", "cover"] = "contain"
    opacity: float = Field(1.0, ge=0.0, le=1.0)


Layer = Annotated[
    Union[BackgroundLayer, ShapeLayer, ProductLayer, TextLayer, LogoLayer, ImageLayer],
    Field(discriminator="type"),
]


class Slot(_Model):
    """Where one layer goes in a layout variant."""

    box: BoxFractions
    anchor: Anchor = "center"
    bleed: bool = Field(False, description="Measure the box against the whole canvas instead of the safe area.")
    max_size: float | None = Field(None, gt=0.0, le=0.5, description="Overrides the layer's max_size in this variant.")
    max_lines: int | None = Field(None, ge=1, le=12)
    align: Literal["left", "center", "right"] | None = None



class Stack(_Model):
    """Text layers flowed top to bottom inside one box; each gets a share of its height."""

    box: BoxFractions
    anchor: Anchor = "left"
    items: tuple[str | tuple[str, ...], ...] = Field(
        min_length=1, description="Text layer ids top to bottom; a list puts several on one row (e.g. [price, original_price]).",
    )
    shares: tuple[float, ...] | None = Field(None, description="Relative height share per item; equal when omitted.")
    gap: float = Field(0.25, ge=0.0, le=3.0, description="Space between items in ems of the previous item's size.")
    align: Literal["left", "center", "right"] | None = None


    @property
    def flat_items(self) -> tuple[str, ...]:
        return tuple(i for it in self.items for i in ((it,) if isinstance(it, str) else it))

    @model_validator(mode="after")
    def _shares(self) -> "Stack":
        if self.shares is not None and len(self.shares) != len(self.items):
            raise ValueError(f"shares has {len(self.shares)} values for {len(self.items)} items")
        return self


class Variant(_Model):
    name: str = "default"
    margin: float | None = Field(None, ge=0.0, le=0.3)
    slots: dict[str, Slot] = Field(default_factory=dict)
    stacks: tuple[Stack, ...] = ()


class PaletteSpec(_Model):
    scheme: Literal["complementary", "analogous", "triadic", "monochrome", "brand"] = "complementary"
    tone: Literal["light", "dark", "vivid", "pastel"] = "light"
    schemes: tuple[Literal["complementary", "analogous", "triadic", "monochrome", "brand"], ...] = Field(
        ("complementary", "analogous", "triadic", "monochrome"),
        description="Schemes that proposals may try with this template.",
    )


class Template(_Model):
    """A banner design that adapts to any canvas size."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    version: int = 1
    description: str = ""
    styles: tuple[str, ...] = Field(default=(), description="Style tags matched by --style.")
    palette: PaletteSpec = PaletteSpec()
    margin: float = Field(0.06, ge=0.0, le=0.3, description="Safe-area margin as a fraction of the canvas's shorter side.")
    layers: tuple[Layer, ...] = Field(min_length=1, max_length=64)
    layouts: dict[Literal["square", "landscape", "portrait", "story", "leaderboard", "skyscraper"], tuple[Variant, ...]]

    @model_validator(mode="after")
    def _consistent(self) -> "Template":
        ids = [getattr(layer, "id", None) for layer in self.layers]
        named = [i for i in ids if i is not None]
        dupes = sorted({i for i in named if named.count(i) > 1})
        if dupes:
            raise ValueError(f"layer ids must be unique; repeated: {', '.join(dupes)}")
        if "square" not in self.layouts:
            raise ValueError("layouts must define at least 'square' (other aspect classes fall back to the nearest)")
        known = set(named)
        text_ids = {l.id for l in self.layers if isinstance(l, TextLayer)}
        for cls, variants in self.layouts.items():
            if not variants:
                raise ValueError(f"layouts.{cls} has no variants")
            for v in variants:
                for sid in v.slots:
                    if sid not in known:
                        raise ValueError(f"layouts.{cls} variant '{v.name}' places unknown layer '{sid}'")
                for st in v.stacks:
                    for item in st.flat_items:
                        if item not in text_ids:
                            raise ValueError(f"layouts.{cls} variant '{v.name}' stacks '{item}', which is not a text layer")
        return self

    def variants_for(self, aspect: str) -> tuple[Variant, ...]:
        from ..sizes import ASPECT_FALLBACKS

        if aspect in self.layouts:
            return self.layouts[aspect]  # type: ignore[index]
        for alt in ASPECT_FALLBACKS[aspect]:
            if alt in self.layouts:
                return self.layouts[alt]  # type: ignore[index]
        return self.layouts["square"]

    def layer(self, layer_id: str):
        for layer in self.layers:
            if getattr(layer, "id", None) == layer_id:
                return layer
        raise KeyError(layer_id)


assert set(ASPECT_CLASSES) == {"square", "landscape", "portrait", "story", "leaderboard", "skyscraper"}
