"""Options and helpers shared by several commands."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

TemplateDirs = typer.Option(
    None, "--templates-dir", envvar="CREATIVE_TEMPLATES_DIR", help="Extra folder of template files (repeatable).",
)


def sizes(values: list[str]) -> list[tuple[int, int]]:
    from ..sizes import parse_size

    return [parse_size(v) for v in values]


def content_from(title: str, subhead: Optional[str], price: Optional[str], original_price: Optional[str],
                 currency: str, locale: str, badge: Optional[str], cta: Optional[str], brand: Optional[str]):
    from ..content import Content

    return Content.create(title, subhead=subhead, price=price, original_price=original_price, currency=currency,
                          locale=locale, badge=badge, cta=cta, brand=brand)


def check_photo(photo: Path) -> Path:
    from ..errors import UsageError

    if not photo.exists():
        raise UsageError(f"{photo}: file not found")
    if photo.is_dir():
        raise UsageError(f"{photo}: is a folder, expected an image file")
    return photo


def dirs(values: Optional[list[Path]]) -> tuple[Path, ...]:
    return tuple(values or ())


def brand_colors(values: Optional[list[str]]) -> tuple[str, ...] | None:
    if not values:
        return None
    from ..color import parse_color

    for v in values:
        parse_color(v)
    return tuple(values)
