"""``creative gallery OUT_DIR [--serve]``."""
from __future__ import annotations

import time
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command("gallery")(gallery)


def gallery(
    out_dir: Path = typer.Argument(..., help="Output folder to review (banners, proposals, videos with their manifests)."),
    serve: bool = typer.Option(False, "--serve", help="Serve on localhost and live-reload while files arrive (Ctrl-C stops)."),
    port: int = typer.Option(8000, "--port", help="Port for --serve (0 picks a free one)."),
    open_: bool = typer.Option(False, "--open", help="Open the page in a browser."),
) -> None:
    """Build a static review page (OUT_DIR/index.html, opens from disk): filter by product, template, size, segment, locale."""
    if not serve:
        from ..gallery import build_gallery

        res = build_gallery(out_dir)
        for p in res.problems[:20]:
            typer.secho(f"problem: {p}", fg="yellow", err=True)
        typer.echo(f"wrote {res.page} ({res.images} images, {res.videos} videos, {res.proposal_sets} proposal sets)")
        if open_:
            typer.launch(str(res.page))
        return
    from ..gallery import serve_gallery

    def ready(url: str) -> None:
        typer.echo(f"serving {url} (rebuilds and reloads as files change; Ctrl-C stops)")

    def built(res) -> None:
        typer.echo(f"{time.strftime('%H:%M:%S')} built {res.images} images, {res.videos} videos, "
                   f"{res.proposal_sets} proposal sets")

    serve_gallery(out_dir, port=port, open_browser=open_, on_ready=ready, on_build=built,
                  on_error=lambda m: typer.secho(f"error: {m}", fg="red", err=True))
