"""``creative cutout`` and ``creative palette``."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .common import check_photo


def register(app: typer.Typer) -> None:
    app.command("cutout")(cutout)
    app.command("palette")(palette)


def cutout(
    photo: Path = typer.Argument(..., help="Product photo."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Where to write the RGBA PNG (default: NAME.cutout.png beside the photo)."),
    remover: str = typer.Option("auto", "--remover", help="Cut-out backend: auto (default: colour on plain backgrounds, else the refined u2netp model), u2netp, plain, alpha (the photo's own transparency) or an .onnx path."),
    refresh: bool = typer.Option(False, "--refresh", help="Ignore the cache and cut again."),
) -> None:
    """Cut the product out of a photo (cached by content) and write it as a transparent PNG."""
    import shutil

    from ..cutout import cut_out
    from ..render import save_image

    check_photo(photo)
    c = cut_out(photo, remover=remover, refresh=refresh)
    target = out or photo.with_name(photo.stem + ".cutout.png")
    if target.suffix.lower() == ".png":
        tmp = target.with_name(f".{target.name}.part")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(c.path, tmp)
        tmp.replace(target)
    else:
        save_image(c.image(), target)
    typer.echo(f"wrote {target}  ({c.size[0]}x{c.size[1]}, remover {c.remover}, product covers {c.coverage:.0%} of the photo)")


def palette(
    photo: Path = typer.Argument(..., help="Product photo (or a cut-out PNG)."),
    scheme: str = typer.Option("complementary", "--scheme", help="complementary, analogous, triadic, monochrome or brand."),
    tone: str = typer.Option("light", "--tone", help="light, dark, vivid or pastel."),
    brand_color: Optional[list[str]] = typer.Option(None, "--brand-color", help="Brand colour(s) for the brand scheme."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    remover: str = typer.Option("auto", "--remover", help="Cut-out backend."),
) -> None:
    """Show the product's dominant colours and the palette roles derived from them."""
    from ..design import palette_for, prepare_product
    from ..errors import UsageError

    check_photo(photo)
    if scheme not in ("complementary", "analogous", "triadic", "monochrome", "brand"):
        raise UsageError(f"unknown scheme '{scheme}'; choose one of: analogous, brand, complementary, monochrome, triadic")
    if tone not in ("light", "dark", "vivid", "pastel"):
        raise UsageError(f"unknown tone '{tone}'; choose one of: dark, light, pastel, vivid")
    prod = prepare_product(photo, remover=remover)
    pal = palette_for(prod.swatches, scheme, tone, tuple(brand_color) if brand_color else None)
    if as_json:
        typer.echo(json.dumps({
            "photo": str(photo),
            "swatches": [{"hex": s.hex, "weight": round(s.weight, 4)} for s in prod.swatches],
            "scheme": pal.scheme, "tone": pal.tone, "roles": pal.to_dict(),
        }, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    con = Console()
    t = Table("swatch", "hex", "share", title=f"Dominant colours of {photo.name}")
    for s in prod.swatches:
        t.add_row(f"[on {s.hex}]      [/]", s.hex, f"{s.weight:.0%}")
    con.print(t)
    r = Table("role", "", "hex", title=f"Palette: {pal.scheme} / {pal.tone}")
    for role, hx in pal.to_dict().items():
        r.add_row(role, f"[on {hx}]      [/]", hx)
    con.print(r)
