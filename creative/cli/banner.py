"""``creative banner`` and ``creative propose``."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import TemplateDirs, brand_colors, check_photo, content_from, dirs, sizes

TITLE = typer.Option(..., "--title", "-t", help="Product name, shown as the headline.")
SUBHEAD = typer.Option(None, "--subhead", help="A short line under the headline.")
PRICE = typer.Option(None, "--price", "-p", help="Price, e.g. 19.99.")
ORIG = typer.Option(None, "--original-price", help="Price before the discount (shown struck through; makes a badge).")
CURRENCY = typer.Option("USD", "--currency", help="ISO currency code.")
LOCALE = typer.Option("en-US", "--locale", help="Locale for price formatting and default copy (en-US, zh-CN...).")
BADGE = typer.Option(None, "--badge", help="Badge text (default: the discount, when there is one).")
CTA = typer.Option(None, "--cta", help="Call to action (default per locale: 'Shop now', '立即购买').")
BRAND = typer.Option(None, "--brand", help="Brand name, shown as a wordmark.")
BRAND_COLOR = typer.Option(None, "--brand-color", help="Brand colour (#rrggbb), repeatable; enables the 'brand' scheme.")
REMOVER = typer.Option("auto", "--remover", help="Cut-out backend (see `creative cutout --help`).")


def register(app: typer.Typer) -> None:
    app.command("banner")(banner)
    app.command("propose")(propose)


def banner(
    photo: Path = typer.Argument(..., help="Product photo (JPEG, PNG, WebP...)."),
    title: str = TITLE,
    template: list[str] = typer.Option(..., "--template", "-T", help="Template name or file (repeatable)."),
    size: list[str] = typer.Option(["1080x1080"], "--size", "-s", help="Canvas WxH or preset (repeatable)."),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder."),
    fmt: str = typer.Option("png", "--format", "-f", help="png, jpg, webp or svg (layered, editable)."),
    embed_fonts: bool = typer.Option(False, "--embed-fonts", help="SVG: embed the fonts (subset) so any browser shows them."),
    subhead: Optional[str] = SUBHEAD, price: Optional[str] = PRICE, original_price: Optional[str] = ORIG,
    currency: str = CURRENCY, locale: str = LOCALE, badge: Optional[str] = BADGE, cta: Optional[str] = CTA,
    brand: Optional[str] = BRAND, brand_color: Optional[list[str]] = BRAND_COLOR,
    scheme: Optional[str] = typer.Option(None, "--scheme", help="Palette scheme: complementary, analogous, triadic, monochrome, brand."),
    remover: str = REMOVER,
    templates_dir: Optional[list[Path]] = TemplateDirs,
) -> None:
    """Render the designs asked for: each --template at each --size, with a sidecar manifest per image."""
    from rich.console import Console

    from ..banner import make_banners
    from ..errors import UsageError

    check_photo(photo)
    if scheme is not None and scheme not in ("complementary", "analogous", "triadic", "monochrome", "brand"):
        raise UsageError(f"unknown scheme '{scheme}'; choose one of: analogous, brand, complementary, monochrome, triadic")
    content = content_from(title, subhead, price, original_price, currency, locale, badge, cta, brand)
    canvas = sizes(size)
    outs = make_banners(photo, content, template, canvas, out, fmt=fmt, remover=remover, scheme=scheme,
                        brand=brand_colors(brand_color), template_dirs=dirs(templates_dir), embed_fonts=embed_fonts)
    con = Console()
    for o in outs:
        con.print(f"{'skipped' if o.skipped else 'wrote'}  {o.path}  [dim]score {o.score:.2f}[/dim]")


def propose(
    photo: Path = typer.Argument(..., help="Product photo."),
    title: str = TITLE,
    size: str = typer.Option("1080x1080", "--size", "-s", help="Canvas WxH or preset."),
    n: int = typer.Option(24, "-n", help="How many proposals."),
    style: Optional[list[str]] = typer.Option(None, "--style", help="Style tag or template name to draw from (repeatable)."),
    out: Path = typer.Option(Path("out/proposals"), "--out", "-o", help="Output folder."),
    fmt: str = typer.Option("jpg", "--format", "-f", help="png, jpg or webp."),
    subhead: Optional[str] = SUBHEAD, price: Optional[str] = PRICE, original_price: Optional[str] = ORIG,
    currency: str = CURRENCY, locale: str = LOCALE, badge: Optional[str] = BADGE, cta: Optional[str] = CTA,
    brand: Optional[str] = BRAND, brand_color: Optional[list[str]] = BRAND_COLOR,
    remover: str = REMOVER,
    templates_dir: Optional[list[Path]] = TemplateDirs,
) -> None:
    """Propose N distinct designs (template x layout x palette), scored and written best first, with a contact sheet."""
    from ..propose import propose as run

    check_photo(photo)
    content = content_from(title, subhead, price, original_price, currency, locale, badge, cta, brand)
    (canvas,) = sizes([size])

    def report(props) -> None:  # noqa: ANN001 - called while the contact sheet is still encoding
        from rich.console import Console
        from rich.table import Table

        con = Console()
        suggested = _suggested(out) if not style else []
        if suggested:
            con.print(f"no --style given: templates of the styles the product's colours suggest come first: {', '.join(suggested)}")
        table = Table("rank", "template", "variant", "scheme", "tone", "score", title=f"{len(props)} proposals in {out}")
        for p in props[:12]:
            table.add_row(str(p.rank), p.template, p.variant, p.scheme, p.tone, f"{p.score:.3f}")
        con.print(table)
        if len(props) > 12:
            con.print(f"... and {len(props) - 12} more; contact sheet: {out / 'contact-sheet.png'}")
        else:
            con.print(f"contact sheet: {out / 'contact-sheet.png'}")

    progress = _RenderProgress("proposals")
    try:
        run(photo, content, canvas, out, n=n, styles=style, fmt=fmt, remover=remover, brand=brand_colors(brand_color),
            template_dirs=dirs(templates_dir), on_progress=progress, on_ranked=report)
    finally:
        progress.close()


class _RenderProgress:
    """``on_progress(done, total)`` for a command that renders in worker processes: a transient bar
    on stderr when it is a terminal. Rich is imported at the first call, while the workers render
    and this process waits: the report after the work needs it too, and would otherwise import it
    (about 0.1 s) after the last design is done."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.started = False
        self.bar = None
        self.task = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.started:
            from rich.console import Console
            from rich.table import Table  # noqa: F401  (for the report)

            self.started = True
            console = Console(stderr=True)
            if console.is_terminal:
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

                self.bar = Progress(TextColumn(self.label), BarColumn(), MofNCompleteColumn(), console=console,
                                    transient=True)
                self.task = self.bar.add_task(self.label, total=total)
                self.bar.start()
        if self.bar is not None:
            self.bar.update(self.task, completed=done)
            if done >= total:  # gone before the report is printed
                self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _suggested(out: Path) -> list[str]:
    import json

    try:
        return list(json.loads((out / "proposals.json").read_text(encoding="utf-8")).get("suggested_styles", []))
    except (OSError, ValueError):
        return []
