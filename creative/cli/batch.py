"""``creative batch``: a campaign file, or a feed / product page with a few options, rendered at scale."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .common import TemplateDirs


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)


def batch(
    source: str = typer.Argument(..., help="Campaign file (.yaml), product feed (.csv/.tsv/.jsonl) or product page URL."),
    template: Optional[list[str]] = typer.Option(None, "--template", "-T", help="Template name or file (repeatable; shorthand)."),
    style: Optional[list[str]] = typer.Option(None, "--style", help="Use every template with this style tag (repeatable; shorthand)."),
    size: Optional[list[str]] = typer.Option(None, "--size", "-s", help="Canvas WxH or preset (repeatable; shorthand)."),
    locale: Optional[list[str]] = typer.Option(None, "--locale", help="Locale, e.g. en-US, zh-CN (repeatable; shorthand)."),
    segments: Optional[Path] = typer.Option(None, "--segments", help="Segments file (audiences -> style, palette, copy; shorthand)."),
    occasion: str = typer.Option("everyday", "--occasion", help="double-11, 618, black-friday, new-arrival, clearance, everyday."),
    currency: Optional[str] = typer.Option(None, "--currency", help="Currency for rows whose price has no code (shorthand)."),
    column: Optional[list[str]] = typer.Option(None, "--column", help="FIELD=COLUMN mapping, e.g. title='Product Name' (shorthand)."),
    fmt: str = typer.Option("jpg", "--format", "-f", help="png, jpg or webp (shorthand)."),
    seed: int = typer.Option(0, "--seed", help="Copy seed: same seed, same words (shorthand)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Output folder (overrides the campaign's)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the first N products (a trial run)."),
    remover: Optional[str] = typer.Option(None, "--remover", help="Cut-out backend (default auto, or the campaign's)."),
    choose_photo: bool = typer.Option(False, "--choose-photo", help="Use the best of each product's photos (image_link and additional_image_link); skipped photos are warnings (shorthand)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Count the jobs and estimate the time; render nothing."),
    backend: str = typer.Option("local", "--backend", help="local (process pool) or ray."),
    address: Optional[str] = typer.Option(None, "--address", help="Ray cluster: 'auto' or ray://host:10001 (default: a local instance)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", min=1, help="Worker processes (default: the CPUs available)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
    allow_private_network: bool = typer.Option(False, "--allow-private-network",
                                               help="Allow fetching from private, loopback and link-local addresses."),
    templates_dir: Optional[list[Path]] = TemplateDirs,
) -> None:
    """Render a campaign: products x segments x locales x templates x sizes, resumable, on a local pool or Ray.

    [bold]creative batch CAMPAIGN.yaml[/bold] runs a campaign file; [bold]creative batch FEED.csv -T minimal -s 1080x1080
    -o out/[/bold] is the shorthand for one-off runs. Finished jobs are skipped on a re-run; the manifest.jsonl in
    the output folder says what each file is for. Exit code 1 when any job failed.
    """
    from ..batch import dry_run as run_dry
    from ..batch import load_campaign, shorthand_campaign
    from ..errors import UsageError

    is_campaign = source.lower().endswith((".yaml", ".yml"))
    if is_campaign:
        given = [name for name, v in (("--template", template), ("--style", style), ("--size", size), ("--locale", locale),
                                      ("--segments", segments), ("--currency", currency), ("--column", column),
                                      ("--templates-dir", templates_dir), ("--occasion", occasion != "everyday"),
                                      ("--format", fmt != "jpg"), ("--seed", seed != 0),
                                      ("--choose-photo", choose_photo)) if v]
        if given:
            raise UsageError(f"{', '.join(given)} apply to the feed shorthand; with a campaign file, set them in {source}")
        plan = load_campaign(source, out_dir=out, limit=limit, remover=remover)
    else:
        if not template and not style and segments is None:
            raise UsageError("give --template (or --style, or --segments) for a feed or product page")
        if out is None:
            raise UsageError("give --out DIR for a feed or product page")
        plan = shorthand_campaign(source, templates=list(template or []), sizes=list(size or []), out_dir=out,
                                  locales=list(locale or []) or None, styles=list(style or []), segments=segments,
                                  occasion=occasion, currency=currency, columns=_columns(column or []), fmt=fmt,
                                  remover=remover or "auto", seed=seed, limit=limit, choose_photo=choose_photo,
                                  template_dirs=tuple(templates_dir or ()))
    if dry_run:
        summary = run_dry(plan, workers=workers, backend=backend)
    else:
        summary = _run_with_progress(plan, backend, workers, address, allow_private_network, as_json)
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        for line in summary.lines():
            typer.secho(line, fg="red" if line.startswith("failed") else None)
    if summary.exit_code:
        raise typer.Exit(summary.exit_code)


def _columns(values: list[str]) -> dict[str, str]:
    from ..errors import UsageError

    out = {}
    for v in values:
        field, sep, col = v.partition("=")
        if not sep or not field.strip() or not col.strip():
            raise UsageError(f"bad --column '{v}': expected FIELD=COLUMN, e.g. title='Product Name'")
        out[field.strip()] = col.strip()
    return out


def _run_with_progress(plan, backend, workers, address, allow_private_network, quiet: bool):
    """Run with a rich progress bar on stderr (rate, time left); it starts after the workers exist."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    from ..batch import run_batch

    console = Console(stderr=True)
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]:>6.1f}/s"), TimeElapsedColumn(), TextColumn("left"),
                   TimeRemainingColumn(), TextColumn("[red]{task.fields[failed]} failed"),
                   console=console, transient=quiet, disable=False)
    state: dict = {}

    def on_start(total: int) -> None:
        state["task"] = bar.add_task(plan.name, total=total or None, rate=0.0, failed=0)
        bar.start()

    def on_update(s) -> None:
        if "task" in state:
            rate = s.rendered / max(1e-6, bar.tasks[0].elapsed or 0.0) if s.rendered else 0.0
            bar.update(state["task"], completed=s.done, total=max(s.jobs_total, s.done) or None, rate=rate, failed=s.failed)

    try:
        return run_batch(plan, backend=backend, workers=workers, address=address,
                         allow_private_network=allow_private_network, on_start=on_start, on_update=on_update)
    finally:
        bar.stop()
