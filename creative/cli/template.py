"""``creative template list | validate | schema``."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .common import TemplateDirs, dirs

app = typer.Typer(help="List, validate and describe templates.", no_args_is_help=True)


@app.command("list")
def list_(templates_dir: Optional[list[Path]] = TemplateDirs,
          as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the templates that can be used by name."""
    from ..template import discover, get_template

    refs = discover(dirs(templates_dir))
    rows = []
    for name, ref in refs.items():
        t = get_template(str(ref.path))
        rows.append({"name": name, "styles": list(t.styles), "description": t.description,
                     "aspects": sorted(t.layouts), "source": "bundled" if ref.bundled else str(ref.path)})
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("name", "styles", "description", "source", title=f"{len(rows)} templates")
    for r in rows:
        table.add_row(r["name"], ", ".join(r["styles"]), r["description"], r["source"])
    Console().print(table)


@app.command("validate")
def validate(paths: Optional[list[Path]] = typer.Argument(None, help="Template files or folders (default: all known templates)."),
             templates_dir: Optional[list[Path]] = TemplateDirs) -> None:
    """Check template files; every problem is reported with file, line and field path."""
    from ..errors import CreativeError
    from ..template import discover, load_template_file

    files: list[Path] = []
    for p in paths or []:
        files += sorted(p.glob("*.y*ml")) if p.is_dir() else [p]
    if not paths:
        files = [r.path for r in discover(dirs(templates_dir)).values()]
    bad = 0
    for f in files:
        try:
            load_template_file(f)
            typer.echo(f"ok       {f}")
        except CreativeError as e:
            bad += 1
            typer.secho(f"invalid  {e}", fg="red", err=True)
    if bad:
        typer.secho(f"{bad} of {len(files)} templates invalid", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo(f"{len(files)} templates valid")


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the template format (for editor completion and checks)."""
    from ..template import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))
