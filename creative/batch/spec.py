"""Typed, immutable models of a campaign file and a segments file.

A campaign says where the products come from (a feed or product pages), which
templates (by name, file or style tag), sizes, locales and audience segments to
render, how to write the copy, and how to name the outputs. Paths inside the file
are relative to the file's folder; ``output.dir`` is relative to the working folder.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from ..copy.banks import OCCASIONS, TONES
from ..template.spec import SCHEME_NAMES, TONE_NAMES

Occasion = Literal["double-11", "618", "black-friday", "new-arrival", "clearance", "everyday"]
CopyTone = Literal["neutral", "playful", "warm", "premium", "urgent"]
Scheme = Literal["complementary", "analogous", "triadic", "monochrome", "brand"]
PaletteTone = Literal["light", "dark", "vivid", "pastel"]
assert set(Occasion.__args__) == set(OCCASIONS) and set(CopyTone.__args__) == set(TONES)  # type: ignore[attr-defined]
assert set(Scheme.__args__) == set(SCHEME_NAMES) and set(PaletteTone.__args__) == set(TONE_NAMES)  # type: ignore[attr-defined]

NAME = r"^[a-z0-9][a-z0-9_-]{0,63}$"
#: Fields an output pattern may use.
PATTERN_FIELDS = ("campaign", "product_id", "template", "size", "width", "height", "segment", "locale",
                  "occasion", "key", "ext")
_PATTERN_FIELD = re.compile(r"\{([a-z_]+)\}")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def _as_text(v):
    """YAML reads ``0x9`` or ``1e3`` as numbers; keep such entries as the text they were."""
    return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


def _check_size(v: str) -> str:
    from ..errors import UsageError
    from ..sizes import parse_size

    try:
        parse_size(v)
    except UsageError as e:
        raise ValueError(str(e)) from None
    return v


def check_locale(loc: str) -> str:
    """A locale Babel knows, or ValueError with the reason."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(str(loc).replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError) as e:
        raise ValueError(f"unknown locale '{loc}' ({e})") from None
    return loc


LocaleText = Annotated[str, AfterValidator(check_locale)]
SizeText = Annotated[str, BeforeValidator(_as_text), AfterValidator(_check_size)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProductSource(_Model):
    """Where products come from: exactly one of ``feed`` and ``pages``."""

    feed: str | None = Field(None, description="CSV/TSV/JSONL feed file, relative to the campaign file.")
    pages: tuple[str, ...] = Field((), description="Product page URLs (schema.org Product JSON-LD or OpenGraph).")
    columns: dict[str, str] = Field(default_factory=dict, description="Field name -> the feed's column name.")
    encoding: str = Field("utf-8", description="Text encoding of the feed.")
    currency: str | None = Field(None, description="Currency for rows whose price has no code (ISO, e.g. CNY).")
    limit: int | None = Field(None, ge=1, description="Use only the first N products (a trial run).")
    choose_photo: bool = Field(False, description=(
        "Look at every photo of a product (image_link and additional_image_link) and use the best: blurry, "
        "cut-off, badly exposed and duplicate photos are skipped with a warning (costs about 0.1 s a photo)."))

    @model_validator(mode="after")
    def _one(self) -> "ProductSource":
        if bool(self.feed) == bool(self.pages):
            raise ValueError("give exactly one of 'feed' (a file) or 'pages' (a list of product page URLs)")
        for url in self.pages:
            if not str(url).lower().startswith(("http://", "https://")):
                raise ValueError(f"page '{url}' is not an http or https URL")
        if self.currency is not None and not re.fullmatch(r"[A-Za-z]{3}", self.currency):
            raise ValueError(f"currency '{self.currency}' is not an ISO code such as USD or CNY")
        return self


class Segment(_Model):
    """An audience (千人千面): the look and words its banners get."""

    description: str = ""
    templates: tuple[str, ...] = Field((), description="Template names for this segment (else chosen by styles).")
    styles: tuple[str, ...] = Field((), description="Template style tags, e.g. [fresh, pastel].")
    scheme: Scheme | None = Field(None, description="Palette scheme.")
    tone: PaletteTone | None = Field(None, description="Palette tone.")
    copy_tone: CopyTone | None = Field(None, description="Tone of the copy (else the campaign's copy tone).")
    locale: str | None = Field(None, description="Only this locale for the segment (else the campaign's locales).")
    occasion: Occasion | None = Field(None, description="Occasion for the copy (else the campaign's).")

    @field_validator("locale")
    @classmethod
    def _locale(cls, v: str | None) -> str | None:
        return check_locale(v) if v is not None else v


class SegmentsFile(_Model):
    segments: dict[str, Segment] = Field(min_length=1)

    @field_validator("segments")
    @classmethod
    def _names(cls, v: dict[str, Segment]) -> dict[str, Segment]:
        for name in v:
            if not re.match(NAME, name):
                raise ValueError(f"segment name '{name}' must be lower-case letters, digits, '-' or '_'")
        return v


class CopySpec(_Model):
    occasion: Occasion = "everyday"
    tone: CopyTone = "neutral"
    seed: int = Field(0, description="Same seed, same words.")
    provider: Literal["auto", "bank", "openai"] = Field(
        "auto", description="'bank' (built-in phrases), 'openai' (CREATIVE_COPY_URL...), 'auto' (openai when configured).")


class OutputSpec(_Model):
    dir: str | None = Field(None, description="Output folder (relative to the working folder); default out/<name>.")
    pattern: str | None = Field(None, description="File name pattern, e.g. '{product_id}/{segment}-{size}.{ext}'.")
    format: Literal["png", "jpg", "webp"] = "jpg"

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, v: str | None) -> str | None:
        if v is None:
            return v
        stray = _PATTERN_FIELD.sub("", v)
        if "{" in stray or "}" in stray:
            raise ValueError("only {field} placeholders are allowed (no format specs or nested braces)")
        bad = [f for f in _PATTERN_FIELD.findall(v) if f not in PATTERN_FIELDS]
        if bad:
            raise ValueError(f"unknown field {{{bad[0]}}}; fields: {', '.join(PATTERN_FIELDS)}")
        parts = v.replace("\\", "/").split("/")
        if v.startswith("/") or any(p in ("..", ".") for p in parts) or any(not p for p in parts):
            raise ValueError("the pattern must be a relative path inside the output folder (no '..', no leading '/')")
        if "{product_id}" not in v and "{key}" not in v:
            raise ValueError("the pattern must contain {product_id} (or {key}) so files do not overwrite each other")
        return v


class Campaign(_Model):
    """A campaign file (``creative batch CAMPAIGN.yaml``)."""

    name: str = Field(pattern=NAME, description="Used in manifests and the default output folder.")
    products: ProductSource
    templates: tuple[str, ...] = Field((), description="Template names or files (relative to this file).")
    styles: tuple[str, ...] = Field((), description="Also use every template with one of these style tags.")
    template_dirs: tuple[str, ...] = Field((), description="Extra folders of templates, relative to this file.")
    sizes: tuple[SizeText, ...] = Field(("1080x1080",), min_length=1, description="WxH or preset names.")
    locales: tuple[LocaleText, ...] = Field(("en-US",), min_length=1)
    segments: str | dict[str, Segment] | None = Field(None, description="A segments file, or segments inline.")
    copy_: CopySpec = Field(CopySpec(), alias="copy")
    scheme: Scheme | None = Field(None, description="Palette scheme for every banner (segments may override).")
    tone: PaletteTone | None = Field(None, description="Palette tone for every banner (segments may override).")
    brand_colors: tuple[str, ...] = Field((), description="Brand colours (#rrggbb) for the 'brand' scheme.")
    remover: str = Field("auto", description="Cut-out backend (auto: colour on plain backgrounds, else the refined model).")
    output: OutputSpec = OutputSpec()

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @field_validator("brand_colors")
    @classmethod
    def _colors(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for c in v:
            if not _HEX.match(c):
                raise ValueError(f"'{c}' is not a colour like #1a2b3c")
        return v

    @field_validator("locales")
    @classmethod
    def _locales(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(v)) != len(v):
            raise ValueError("locales are repeated")
        return v

    @field_validator("segments")
    @classmethod
    def _segment_names(cls, v):
        if isinstance(v, dict):
            SegmentsFile(segments=v)
        return v

    @model_validator(mode="after")
    def _something_to_render(self) -> "Campaign":
        if not self.templates and not self.styles and self.segments is None:
            raise ValueError("name 'templates' or 'styles' (or segments with their own templates or styles)")
        return self

    @property
    def copy_spec(self) -> CopySpec:
        return self.copy_


