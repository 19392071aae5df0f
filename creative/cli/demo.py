"""``creative demo``."""
from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    out: Path = typer.Option(Path("out/demo"), "--out", "-o", help="Output folder."),
    remover: str = typer.Option("auto", "--remover", help="Cut-out backend."),
    video: bool = typer.Option(True, "--video/--no-video", help="Also render the promo video (9:16 and 1:1)."),
) -> None:
    """Render the bundled sample campaign (every template at all 8 sizes, proposals, a promo video) with a gallery."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from ..demo import run_demo

    with Progress(TextColumn("demo"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True) as bar:
        task = None

        def start(total: int):
            nonlocal task
            task = bar.add_task("demo", total=total)
            return lambda k=1: bar.advance(task, k)

        result = run_demo(out, remover=remover, progress=start, videos=video)
    for p in result.problems[:20]:
        typer.secho(f"problem: {p}", fg="red", err=True)
    typer.echo(f"checked {result.images} banners: {len(result.problems)} problems "
               "(text inside the canvas, none over the product, WCAG contrast met)")
    typer.echo(f"demo written to {out}/ — open {result.index}")
    if result.problems:
        raise typer.Exit(1)
