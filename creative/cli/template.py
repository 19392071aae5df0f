"""``creative template list | validate | schema | new | preview | watch``."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import typer

from .common import TemplateDirs, dirs, sizes

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


def _split(values: Optional[list[str]]) -> list[str] | None:
    """Repeatable options that also take comma-separated lists (``--sizes 1080x1080,728x90``)."""
    out = [v.strip() for value in values or [] for v in value.split(",") if v.strip()]
    return out or None


PRODUCTS = typer.Option(None, "--products", "--product", "-p",
                        help="Sample product ids or photo files (repeatable or comma-separated; default: every sample product).")
SIZES = typer.Option(None, "--sizes", "--size", "-s", help="Canvas sizes WxH or presets (repeatable or comma-separated; default: the 8 standard sizes).")
OUT = typer.Option(None, "--out", "-o", help="Preview PNG to write (default: NAME-preview.png here).")
REMOVER = typer.Option("auto", "--remover", help="Cut-out backend for the products.")


@app.command("new")
def new(name: str = typer.Argument(..., help="Name of the new template (or a .yaml path to write)."),
        source: Optional[str] = typer.Option(None, "--from", help="Start from this template (name or file) instead of the starter."),
        folder: Path = typer.Option(Path("."), "--dir", "-d", help="Folder to write NAME.yaml into."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
        templates_dir: Optional[list[Path]] = TemplateDirs) -> None:
    """Scaffold a template whose comments explain every field."""
    from ..template.scaffold import new_template

    path = new_template(name, source=source, folder=folder, force=force, template_dirs=dirs(templates_dir))
    typer.echo(f"wrote {path}")
    typer.echo(f"next: creative template preview {path}   (or: creative template watch {path})")


@app.command("preview")
def preview(name: str = typer.Argument(..., help="Template name or file."),
            products: Optional[list[str]] = PRODUCTS, size: Optional[list[str]] = SIZES, out: Optional[Path] = OUT,
            remover: str = REMOVER,
            open_: bool = typer.Option(False, "--open", help="Open the preview when it is written."),
            templates_dir: Optional[list[Path]] = TemplateDirs) -> None:
    """Render the template at every size with sample products into one contact sheet."""
    from ..template.preview import preview_template

    res = preview_template(name, out, products=_split(products), sizes=sizes(_split(size) or []) or None,
                           remover=remover, template_dirs=dirs(templates_dir))
    for f in res.failures:
        typer.secho(f"failed   {f}", fg="red", err=True)
    typer.echo(f"wrote {res.path} ({res.images} images in {res.seconds:.1f}s)")
    if open_:
        typer.launch(str(res.path))
    if res.failures:
        raise typer.Exit(1)


@app.command("watch")
def watch(name: str = typer.Argument(..., help="Template name or file."),
          products: Optional[list[str]] = PRODUCTS, size: Optional[list[str]] = SIZES, out: Optional[Path] = OUT,
          remover: str = REMOVER,
          open_: bool = typer.Option(False, "--open", help="Open the preview after the first render."),
          templates_dir: Optional[list[Path]] = TemplateDirs) -> None:
    """Re-render the preview on every save; errors are shown and the last good preview is kept. Ctrl-C stops."""
    from ..template.preview import watch_template

    opened = [not open_]

    def show(e) -> None:
        stamp = time.strftime("%H:%M:%S")
        if e.kind == "rendered":
            typer.secho(f"{stamp} rendered {e.path} ({e.message}, {e.seconds:.1f}s)", fg="green")
            if not opened[0]:
                typer.launch(str(e.path))
                opened[0] = True
        else:
            typer.secho(f"{stamp} invalid  {e.message}", fg="red", err=True)
            if e.path is not None and e.path.is_file():
                typer.secho(f"{stamp} kept the last good preview: {e.path}", fg="yellow", err=True)
        typer.echo(f"{stamp} watching for changes (Ctrl-C to stop)")

    watch_template(name, out, products=_split(products), sizes=sizes(_split(size) or []) or None, remover=remover,
                   template_dirs=dirs(templates_dir), on_event=show)
