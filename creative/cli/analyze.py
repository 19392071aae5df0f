"""``creative analyze``: which photos and clips to use, which to drop and why, and the tone."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)


def analyze(
    paths: list[Path] = typer.Argument(..., help="Images, clips or folders of them."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    size: Optional[str] = typer.Option(None, "--size", "-s", help="Largest output size (WxH or preset): smaller material is rejected."),
    remover: Optional[str] = typer.Option(None, "--remover", help="Find the product with this cut-out remover (slower, exact) instead of by colour."),
) -> None:
    """Analyse material: resolution, sharpness, exposure, background, cut-off products, duplicates, tone; pick a hero."""
    import json

    from ..material.analyze import analyze as run

    canvas = None
    if size:
        from ..sizes import parse_size

        canvas = parse_size(size)
    result = run(list(paths), size=canvas, remover=remover)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("file", "kind", "size", "sharp", "clipped hi/lo", "background", "tone", "verdict",
                  title=f"{len(result.items)} items analysed")
    for it in result.items:
        size_txt = f"{it.width}x{it.height}" if it.width else "-"
        if it.kind == "clip" and it.duration is not None:
            size_txt += f" {it.duration:.1f}s"
        tone = f"{it.tone.hue_family}, L{it.tone.lightness:.0f} C{it.tone.saturation:.0f}" if it.tone else "-"
        hero = it.path == result.hero
        verdict = "[bold green]hero[/]" if hero else ("[green]ok[/]" if it.ok else "[red]" + "; ".join(it.rejects) + "[/]")
        table.add_row(it.path.name, it.kind, size_txt, f"{it.sharpness:.0f}" if not it.error else "-",
                      f"{it.highlights:.0%}/{it.shadows:.0%}" if not it.error else "-", it.background or "-",
                      tone, verdict)
    con = Console()
    con.print(table)
    if result.duplicate_groups:
        for g in result.duplicate_groups:
            con.print("duplicates: " + ", ".join(p.name for p in g))
    con.print(f"hero: {result.hero.name if result.hero else 'none (every item was rejected)'}")
    if result.suggested_styles:
        con.print(f"suggested styles: {', '.join(result.suggested_styles)}")
