"""``creative video``: a directed promo video from product photos and clips.

``creative video PHOTOS_AND_CLIPS… --title … --out promo.mp4`` is short for ``creative video make …``,
and so is ``creative video https://shop.example/p/123 --out promo.mp4`` (a product page link among
the material: its name, prices, brand, description and photos are the defaults that options
override). The group routes any first argument that is not one of its subcommands (make, plan, render,
validate, schema, styles) to ``make``. So the direct form, ``video plan`` and ``video render``
coexist without a positional argument on the group swallowing the subcommand names. (A photo
literally named ``plan`` needs the explicit ``creative video make plan …``.)
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup

from .banner import BADGE, BRAND, CTA, LOCALE, ORIG, PRICE, REMOVER, SUBHEAD

_HELP = {"--help", "-h"}


class _MakeByDefault(TyperGroup):
    """A group whose default subcommand is ``make``."""

    def parse_args(self, ctx, args):  # type: ignore[override]
        if args and args[0] not in self.commands and args[0] not in _HELP:
            args = ["make", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_MakeByDefault, no_args_is_help=True,
    help="Promo videos: `creative video PHOTOS… --title … --out promo.mp4` or `creative video PRODUCT_PAGE_URL "
         "--out promo.mp4`, or plan a storyboard, edit it, render it.",
)

MATERIAL = typer.Argument(..., help="Product photos and video clips, and/or one product page link (https://…) whose "
                                   "name, prices, brand, description and photos are used.")
TITLE = typer.Option(None, "--title", "-t", help="Product name, shown as the headline (default: the product page's).")
CURRENCY = typer.Option(None, "--currency", help="ISO currency code (default: the product page's, else USD).")
PRIVATE = typer.Option(False, "--allow-private-network",
                       help="Allow fetching the product page from private, loopback and link-local addresses.")
STYLE = typer.Option("auto", "--style", help="Video style: auto (from the product's tone), bold, clean, editorial, festival, fresh, luxury.")
SIZE = typer.Option("1080x1920", "--size", "-s", help="WxH (even numbers) or 9:16, 1:1, 16:9, 4:5.")
DURATION = typer.Option(15.0, "--duration", "-d", help="Length in seconds.")
FPS = typer.Option(30, "--fps", help="Frames per second.")
MUSIC = typer.Option(None, "--music", help="Music file to use instead of the synthesised bed (cuts follow its beats).")
VOICE = typer.Option(None, "--voiceover", help="Voice-over file; the music ducks under it.")
FEATURE = typer.Option(None, "--feature", help="A feature callout (repeatable, two or three); default: from --description or --subhead.")
DESCRIPTION = typer.Option(None, "--description", help="Product description to take feature callouts from (default: the page's).")
PREVIEW = typer.Option(None, "--preview", help="Also write a small looping preview: gif or webp.")
PRESET = typer.Option(None, "--preset", help="x264 preset (default ultrafast; veryfast or medium for smaller files).")
FORCE = typer.Option(False, "--force", help="Render even if an up-to-date video exists.")
CLIP_AUDIO = typer.Option("mute", "--clip-audio", help="Sound of the clips: mute, or mix (under the music).")

VIDEO_SIZES = {"9:16": (1080, 1920), "1:1": (1080, 1080), "16:9": (1920, 1080), "4:5": (1080, 1350)}


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="video")


def _size(value: str) -> tuple[int, int]:
    from ..errors import UsageError
    from ..sizes import parse_size

    w, h = VIDEO_SIZES.get(value.strip(), None) or parse_size(value)
    if w % 2 or h % 2:
        raise UsageError(f"bad video size '{value}': H.264 needs even width and height, e.g. {w + w % 2}x{h + h % 2}")
    return w, h


def _inputs(material: list[str], out_dir: Path, allow_private_network: bool, **copy):
    """Files and page link → the director's inputs (the page's images are downloaded beside the output)."""
    from ..video.promo import promo_inputs

    inputs = promo_inputs(material, out_dir, allow_private_network=allow_private_network, **copy)
    if inputs.page:
        n = sum(1 for p in inputs.material if p in inputs.names)
        typer.echo(f"page     {inputs.page}: {inputs.content.title} ({n} photo{'s' if n != 1 else ''})")
    _warn(list(inputs.problems))
    return inputs


def _warn(problems: list[str]) -> None:
    for p in problems:
        typer.secho(f"warning: {p}", fg="yellow", err=True)


def _render_with_bar(fn, **kwargs):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("rendering"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task("render", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return fn(progress=tick, **kwargs)


def _report(result) -> None:
    if result.skipped:
        typer.echo(f"skipped  {result.path} (up to date)")
    else:
        w, h = result.size
        typer.echo(f"wrote    {result.path}  {result.duration:.1f} s {w}x{h} {result.fps} fps in {result.seconds:.1f} s"
                   + (f", {result.loudness:.1f} LUFS" if result.loudness is not None else ""))
    for extra in (result.poster, result.preview):
        if extra is not None:
            typer.echo(f"         {extra}")
    _warn(result.problems)


@app.command("make")
def make(
    material: list[str] = MATERIAL,
    title: Optional[str] = TITLE,
    out: Path = typer.Option(Path("promo.mp4"), "--out", "-o", help="Output MP4 (storyboard, poster and manifest go beside it)."),
    subhead: Optional[str] = SUBHEAD, price: Optional[str] = PRICE, original_price: Optional[str] = ORIG,
    currency: Optional[str] = CURRENCY, locale: str = LOCALE, badge: Optional[str] = BADGE, cta: Optional[str] = CTA,
    brand: Optional[str] = BRAND,
    style: str = STYLE, size: str = SIZE, duration: float = DURATION, fps: int = FPS,
    music: Optional[Path] = MUSIC, voiceover: Optional[Path] = VOICE,
    feature: Optional[list[str]] = FEATURE, description: Optional[str] = DESCRIPTION,
    remover: str = REMOVER, clip_audio: str = CLIP_AUDIO, preview: Optional[str] = PREVIEW,
    preset: Optional[str] = PRESET, force: bool = FORCE, allow_private_network: bool = PRIVATE,
) -> None:
    """Direct and render a promo video (also writes NAME.yaml, the storyboard, and NAME.png, the poster)."""
    from ..video.promo import make_promo

    video_size = _size(size)
    inputs = _inputs(material, out.parent, allow_private_network, title=title, subhead=subhead, price=price,
                     original_price=original_price, currency=currency, locale=locale, badge=badge, cta=cta,
                     brand=brand, description=description)
    result = _render_with_bar(
        make_promo, material=list(inputs.material), content=inputs.content, out=out, style=style, size=video_size,
        duration=duration, fps=fps, music=music, voiceover=voiceover, features=feature, description=inputs.description,
        remover=remover, clip_audio=clip_audio, names=inputs.names, preview=preview, preset=preset, force=force,
    )
    _report(result)
    typer.echo(f"         {out.with_suffix('.yaml')} (storyboard: edit it, then `creative video render`)")


@app.command("plan")
def plan(
    material: list[str] = MATERIAL,
    title: Optional[str] = TITLE,
    out: Path = typer.Option(Path("story.yaml"), "--out", "-o", help="Storyboard YAML to write."),
    subhead: Optional[str] = SUBHEAD, price: Optional[str] = PRICE, original_price: Optional[str] = ORIG,
    currency: Optional[str] = CURRENCY, locale: str = LOCALE, badge: Optional[str] = BADGE, cta: Optional[str] = CTA,
    brand: Optional[str] = BRAND,
    style: str = STYLE, size: str = SIZE, duration: float = DURATION, fps: int = FPS,
    music: Optional[Path] = MUSIC, voiceover: Optional[Path] = VOICE,
    feature: Optional[list[str]] = FEATURE, description: Optional[str] = DESCRIPTION,
    remover: str = REMOVER, clip_audio: str = CLIP_AUDIO, allow_private_network: bool = PRIVATE,
) -> None:
    """Write the storyboard only (scenes, texts, timings, colours) for a person to edit."""
    from ..errors import UsageError
    from ..video.promo import plan_promo

    if out.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"{out}: a storyboard is YAML; name it NAME.yaml")
    video_size = _size(size)
    inputs = _inputs(material, out.parent, allow_private_network, title=title, subhead=subhead, price=price,
                     original_price=original_price, currency=currency, locale=locale, badge=badge, cta=cta,
                     brand=brand, description=description)
    path, problems = plan_promo(list(inputs.material), inputs.content, out, style=style, size=video_size,
                                duration=duration, fps=fps, music=music, voiceover=voiceover, features=feature,
                                description=inputs.description, remover=remover, clip_audio=clip_audio,
                                names=inputs.names)
    typer.echo(f"wrote    {path}")
    _warn(problems)


@app.command("render")
def render(
    storyboard: Path = typer.Argument(..., help="Storyboard YAML (from `creative video plan` or written by hand)."),
    out: Path = typer.Option(Path("promo.mp4"), "--out", "-o", help="Output MP4."),
    preview: Optional[str] = PREVIEW, preset: Optional[str] = PRESET, force: bool = FORCE,
    no_poster: bool = typer.Option(False, "--no-poster", help="Do not write the poster PNG."),
) -> None:
    """Render a storyboard to MP4 (H.264 + AAC) with a poster frame."""
    from ..video.promo import render_promo

    result = _render_with_bar(render_promo, storyboard=storyboard, out=out, preview=preview, preset=preset,
                              force=force, poster=not no_poster)
    _report(result)


@app.command("validate")
def validate(storyboards: list[Path] = typer.Argument(..., help="Storyboard files.")) -> None:
    """Check storyboards; every problem is reported with file, line and field path."""
    from ..errors import CreativeError
    from ..video import load_storyboard

    bad = 0
    for f in storyboards:
        try:
            b = load_storyboard(f)
            typer.echo(f"ok       {f}  ({len(b.scenes)} scenes, {b.duration:.1f} s)")
        except CreativeError as e:
            bad += 1
            typer.secho(f"invalid  {e}", fg="red", err=True)
    if bad:
        raise typer.Exit(1)


@app.command("schema")
def schema() -> None:
    """Print the storyboard format's JSON Schema."""
    from ..video import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


@app.command("styles")
def styles() -> None:
    """List the video styles."""
    from ..video.styles import STYLES

    for s in STYLES.values():
        typer.echo(f"{s.name:10} {s.tempo:>5.0f} BPM  template {s.template:16} {s.description}")
