"""What the CLI and the demo call: gather the inputs (files, or a product page link), plan a
storyboard, render one, or both at once."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..content import MAX_LINE_CHARS, Content
from ..errors import UsageError
from .director import plan
from .load import load_storyboard, save_storyboard
from .render import VideoResult, render_storyboard

DEMO_SIZES: tuple[tuple[int, int], ...] = ((1080, 1920), (1080, 1080))
#: Where a product page's images are downloaded, under the output's folder (as for batch).
DOWNLOADS = Path(".creative") / "downloads"


@dataclass(frozen=True)
class PromoInputs:
    """The material (files), the copy, the description for callouts, and notes for the user."""

    material: tuple[Path, ...]
    content: Content
    description: str | None = None
    names: Mapping[Path, str] = field(default_factory=dict)  #: display names (a downloaded image's URL)
    problems: tuple[str, ...] = ()  #: images of the page that could not be downloaded
    page: str | None = None  #: the product page's URL, when one was given


def _line(value: str | None) -> str | None:
    """A page's text cut to what a single line of copy may hold."""
    if not value:
        return None
    v = " ".join(value.split())
    return v if len(v) <= MAX_LINE_CHARS else v[: MAX_LINE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def promo_inputs(
    items: list[str | Path],
    out_dir: str | Path,
    *,
    title: str | None = None,
    subhead: str | None = None,
    price: str | None = None,
    original_price: str | None = None,
    currency: str | None = None,
    locale: str = "en-US",
    badge: str | None = None,
    cta: str | None = None,
    brand: str | None = None,
    description: str | None = None,
    allow_private_network: bool = False,
    fetch_policy=None,
) -> PromoInputs:
    """Photos, clips and at most one product page link (``https://…``) in, the director's inputs out.

    A page gives the product's name, price, original price, currency, brand, description and
    photos (downloaded into ``out_dir/.creative/downloads``, see :mod:`.page`); every option given
    here overrides the page's value. Without a page, ``title`` is required.
    """
    from .page import fetch_page, is_url

    urls = [str(i).strip() for i in items if is_url(i)]
    files = [Path(i) for i in items if not is_url(i)]
    if len(urls) > 1:
        raise UsageError(f"give one product page link, not {len(urls)} ({', '.join(urls)})")
    page = None
    if urls:
        page = fetch_page(urls[0], Path(out_dir) / DOWNLOADS, allow_private_network=allow_private_network,
                          policy=fetch_policy)
    rec = page.record if page else None
    name = title if title and title.strip() else (rec.title if rec else None)
    if not name:
        raise UsageError("no title: give the product's name with --title (or a product page link whose page names it)")
    page_currency = rec.currency if rec and rec.currency and len(rec.currency) == 3 and rec.currency.isalpha() else None
    # each option overrides the page's value (an original price not above the price is not shown)
    content = Content.create(
        name, subhead=subhead,
        price=price if price is not None else (rec.price if rec else None),
        original_price=original_price if original_price is not None else (rec.original_price if rec else None),
        currency=currency or page_currency or "USD",
        locale=locale, badge=badge, cta=cta, brand=brand or _line(rec.brand if rec else None),
    )
    desc = description or (rec.description if rec else None)
    material = (*(page.photos if page else ()), *files)
    return PromoInputs(tuple(material), content, desc, dict(page.names) if page else {},
                       tuple(page.problems) if page else (), page.url if page else None)


def plan_promo(material: list[str | Path], content: Content, out: str | Path, **options) -> tuple[Path, list[str]]:
    """Direct a promo and write its storyboard YAML to ``out``; returns the path and the problems met.

    ``options`` are :func:`creative.video.director.plan`'s (style, size, duration, fps, music,
    voiceover, features, description, remover, clip_audio, names).
    """
    out = Path(out)
    board, problems = plan(material, content, base_dir=out.parent, **options)
    save_storyboard(board, out)
    return out, problems


def render_promo(storyboard: str | Path, out: str | Path, **options) -> VideoResult:
    """Render a storyboard file (paths in it are relative to its folder) to ``out`` (MP4)."""
    path = Path(storyboard)
    board = load_storyboard(path)
    return render_storyboard(board, out, base_dir=path.parent, **options)


def make_promo(
    material: list[str | Path],
    content: Content,
    out: str | Path,
    *,
    style: str = "auto",
    size: tuple[int, int] = (1080, 1920),
    duration: float = 15.0,
    fps: int = 30,
    music: str | Path | None = None,
    voiceover: str | Path | None = None,
    features: list[str] | None = None,
    description: str | None = None,
    remover: str = "auto",
    clip_audio: str = "mute",
    names: Mapping[Path, str] | None = None,
    poster: bool = True,
    preview: str | None = None,
    preset: str | None = None,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> VideoResult:
    """Photos and clips in, a directed promo out: ``out`` (MP4), its storyboard (``NAME.yaml``),
    poster (``NAME.png``), optional preview and sidecar manifest (``NAME.json``)."""
    out = Path(out)
    board, problems = plan(material, content, style=style, size=size, duration=duration, fps=fps, music=music,
                           voiceover=voiceover, features=features, description=description, remover=remover,
                           clip_audio=clip_audio, base_dir=out.parent, names=names)
    save_storyboard(board, out.with_suffix(".yaml"))
    result = render_storyboard(board, out, base_dir=out.parent, poster=poster, preview=preview, preset=preset,
                               force=force, progress=progress, notes=problems)
    result.problems[:0] = [p for p in problems if p not in result.problems]
    return result


def sample_promos(
    photo: str | Path,
    content: Content,
    out_dir: str | Path,
    *,
    sizes: tuple[tuple[int, int], ...] = DEMO_SIZES,
    style: str = "auto",
    duration: float = 15.0,
    remover: str = "auto",
    preview: str | None = "gif",
) -> list[VideoResult]:
    """One product's promo at each size (9:16 and 1:1 by default) into ``out_dir``, named
    ``promo-WxH.mp4`` with poster, storyboard and preview beside each; re-runs skip finished ones."""
    out = Path(out_dir)
    results = []
    for w, h in sizes:
        results.append(make_promo([photo], content, out / f"promo-{w}x{h}.mp4", style=style, size=(w, h),
                                  duration=duration, remover=remover, preview=preview))
    return results
