"""The three things the CLI and the demo call: plan a storyboard, render one, or both at once."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..content import Content
from .director import plan
from .load import load_storyboard, save_storyboard
from .render import VideoResult, render_storyboard

DEMO_SIZES: tuple[tuple[int, int], ...] = ((1080, 1920), (1080, 1080))


def plan_promo(material: list[str | Path], content: Content, out: str | Path, **options) -> tuple[Path, list[str]]:
    """Direct a promo and write its storyboard YAML to ``out``; returns the path and the problems met.

    ``options`` are :func:`creative.video.director.plan`'s (style, size, duration, fps, music,
    voiceover, features, description, remover, clip_audio).
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
    remover: str = "u2netp",
    clip_audio: str = "mute",
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
                           clip_audio=clip_audio, base_dir=out.parent)
    save_storyboard(board, out.with_suffix(".yaml"))
    result = render_storyboard(board, out, base_dir=out.parent, poster=poster, preview=preview, preset=preset,
                               force=force, progress=progress)
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
    remover: str = "u2netp",
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
