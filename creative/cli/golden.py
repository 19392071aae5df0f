"""``creative golden check | update``: golden-image tests of templates without pytest."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(help="Golden-image checks of your templates (a folder of *.case.yaml files and their goldens).",
                  no_args_is_help=True)

FOLDER = typer.Argument(..., help="Folder of golden cases (*.case.yaml); goldens live in FOLDER/goldens/.")
ONLY = typer.Option(None, "--case", "-c", help="Only this case (file name without .case.yaml; repeatable).")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="golden")


def _print(report, verbose: bool) -> None:
    colors = {"ok": "green", "unchanged": "green", "written": "cyan", "moved": "red", "missing": "red", "error": "red"}
    for r in report.results:
        if r.failed or verbose or r.status == "written":
            typer.secho(f"{r.status:9s} {r.case} {r.size}" + (f"  {r.message}" if r.message and r.status == "error" else ""),
                        fg=colors[r.status], err=r.failed)
            if r.status == "moved":
                typer.echo(f"          {r.message.split(';')[0]}", err=True)
                for kind in ("expected", "actual", "diff"):
                    if kind in r.paths:
                        typer.echo(f"          {kind:8s} {r.paths[kind]}", err=True)
            elif r.status == "missing":
                typer.echo(f"          {r.message}", err=True)


@app.command("check")
def check(folder: Path = FOLDER, only: Optional[list[str]] = ONLY,
          failures: Optional[Path] = typer.Option(None, "--failures", help="Where expected/actual/diff images go (default FOLDER/_failures)."),
          verbose: bool = typer.Option(False, "--verbose", "-v", help="List every image, not only the failures.")) -> None:
    """Render every case and compare with its golden; exit 1 with a summary and diff images when anything moved."""
    from ..testing.golden_cases import run_cases

    report = run_cases(folder, failure_dir=failures, only=only)
    _print(report, verbose)
    if report.failed:
        typer.secho(report.summary(), fg="red", err=True)
        raise typer.Exit(1)
    typer.secho(report.summary(), fg="green")


@app.command("update")
def update(folder: Path = FOLDER, only: Optional[list[str]] = ONLY,
           verbose: bool = typer.Option(False, "--verbose", "-v", help="List unchanged images too.")) -> None:
    """Render every case and (re)write its goldens; unchanged images are left as they are."""
    from ..testing.golden_cases import run_cases

    report = run_cases(folder, update=True, only=only)
    _print(report, verbose)
    typer.echo(report.summary())
    if report.failed:
        raise typer.Exit(1)
