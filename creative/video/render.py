"""Storyboard -> MP4: frames drawn scene by scene, transitions and fades, soundtrack, encoding.

The frame loop holds at most two scene renderers (the current one and, during a transition,
the previous one) and two frame buffers; frames stream to ffmpeg as they are drawn, so memory
does not grow with the video's length. Outputs are written under temporary names and renamed;
a sidecar ``NAME.json`` records what was rendered and a key of every input, so a re-run with
the same inputs skips the work.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError, UsageError
from ..render.export import save_image, save_json
from .load import dump_storyboard
from .motion import ease
from .scene import Context, SceneRenderer
from .spec import Storyboard
from .textanim import resolve
from .transitions import fade_frame, get_transition

ENGINE_VERSION = 1
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")


@dataclass
class VideoResult:
    path: Path
    poster: Path | None
    preview: Path | None
    duration: float
    frames: int
    size: tuple[int, int]
    fps: int
    seconds: float  # wall time of this render (0 when skipped)
    skipped: bool = False
    loudness: float | None = None
    problems: list[str] = field(default_factory=list)


def _file_key(p: Path) -> str:
    try:
        st = p.stat()
    except OSError:
        return f"{p}:missing"
    return f"{p}:{st.st_size}:{st.st_mtime_ns}"


def render_key(board: Storyboard, base: Path, extras: dict) -> str:
    """A key of everything the video depends on: the storyboard, its files, the engine, options."""
    files = set()
    if board.product:
        files.add(board.product.photo)
    if board.music.file:
        files.add(board.music.file)
    if board.voiceover:
        files.add(board.voiceover.file)
    for s in board.scenes:
        if s.media:
            files.add(s.media.source)
    h = hashlib.sha256()
    h.update(dump_storyboard(board).encode("utf-8"))
    for f in sorted(files):
        p = Path(f)
        h.update(_file_key(p if p.is_absolute() else base / p).encode("utf-8"))
    h.update(json.dumps({"engine": ENGINE_VERSION, **extras}, sort_keys=True).encode("utf-8"))
    return h.hexdigest()[:24]


def _context(board: Storyboard, base: Path) -> Context:
    ctx = Context(board, base)
    if board.product is not None:
        from ..design import prepare_product

        photo = ctx.path(board.product.photo)
        if not photo.is_file():
            raise InputError(f"{photo}: product photo not found")
        prod = prepare_product(photo, remover=board.product.remover)
        ctx.product_png = prod.cutout_path
        ctx.product_shape = prod.shape
    return ctx


class FrameSource:
    """Frames of a storyboard by index: scene lookup, transitions, fades from and to a colour."""

    def __init__(self, board: Storyboard, ctx: Context):
        self.board = board
        self.ctx = ctx
        self.starts = board.starts()
        self._live: dict[int, SceneRenderer] = {}
        w, h = board.size
        self._out = np.empty((h, w, 3), np.uint8)
        self.fade_in = resolve(board.fade_in.color, board.palette)
        self.fade_out = resolve(board.fade_out.color, board.palette)

    def _scene(self, k: int) -> SceneRenderer:
        r = self._live.get(k)
        if r is None:
            for old in [i for i in self._live if i < k - 1]:
                self._live.pop(old).close()
            r = self._live[k] = SceneRenderer(self.board.scenes[k], self.ctx, k)
        return r

    def scene_at(self, t: float) -> int:
        k = 0
        for i, s in enumerate(self.starts):
            if s <= t + 1e-9:
                k = i
        return k

    def frame(self, t: float) -> np.ndarray:
        """The frame at time ``t`` (a buffer reused by the next call)."""
        k = self.scene_at(t)
        scene = self.board.scenes[k]
        local = t - self.starts[k]
        tr = scene.transition
        if k > 0 and tr.kind != "cut" and tr.duration > 0 and local < tr.duration:
            a = self._scene(k - 1).render(t - self.starts[k - 1])
            b = self._scene(k).render(local)
            get_transition(tr.kind)(a, b, ease(tr.easing, local / tr.duration), self._out,
                                    resolve(tr.color, self.board.palette))
            out = self._out
        else:
            out = self._scene(k).render(local)
        total = self.board.frame_count / self.board.fps
        fi, fo = self.board.fade_in, self.board.fade_out
        last = total - 1.0 / self.board.fps
        amount, color = 0.0, self.fade_in
        if fi.duration > 0 and t < fi.duration:
            amount = 1.0 - t / fi.duration
        if fo.duration > 0 and t > last - fo.duration:
            amount, color = max(amount, min(1.0, (t - (last - fo.duration)) / fo.duration)), self.fade_out
        if amount > 0:
            if out is not self._out:
                np.copyto(self._out, out)
                out = self._out
            fade_frame(out, color, amount)
        return out

    def close(self) -> None:
        for r in self._live.values():
            r.close()
        self._live.clear()


def poster_time(board: Storyboard) -> float:
    """The moment that sums the ad up: late in the offer scene (else the hero, else the middle)."""
    starts = board.starts()
    for kind, at in (("offer", 0.8), ("hero", 0.8), ("end", 0.7)):
        for s, scene in zip(starts, board.scenes):
            if scene.kind == kind:
                return s + scene.duration * at
    return board.duration / 2


def render_frame(board: Storyboard, t: float, *, base_dir: str | Path = ".") -> np.ndarray:
    """One frame (RGB array) of a storyboard, exactly as the video shows it before encoding."""
    src = FrameSource(board, _context(board, Path(base_dir)))
    try:
        return src.frame(t).copy()
    finally:
        src.close()


def render_storyboard(
    board: Storyboard,
    out: str | Path,
    *,
    base_dir: str | Path = ".",
    poster: bool = True,
    preview: str | None = None,
    preset: str | None = None,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    notes: list[str] | None = None,
) -> VideoResult:
    """Render ``board`` to ``out`` (MP4, H.264 + AAC). Paths in the storyboard are relative to ``base_dir``.

    ``poster`` writes ``NAME.png``; ``preview`` ("gif" or "webp") writes ``NAME.gif``/``NAME.webp``.
    A sidecar ``NAME.json`` records the render; re-running with the same inputs skips it.
    ``notes`` are problems met before rendering (skipped material), recorded with the render's own.
    """
    from . import encode
    from .soundtrack import build_soundtrack

    out = Path(out)
    if out.suffix.lower() != ".mp4":
        raise UsageError(f"{out}: the video is written as MP4; name the output NAME.mp4")
    if preset is not None and preset not in X264_PRESETS:
        raise UsageError(f"unknown x264 preset '{preset}'; choose one of: {', '.join(X264_PRESETS)}")
    if preview not in (None, "gif", "webp"):
        raise UsageError(f"unknown preview format '{preview}': choose gif or webp")
    base = Path(base_dir)
    use_preset = preset or encode.PRESET
    key = render_key(board, base, {"preset": use_preset, "poster": poster, "preview": preview})
    side = out.with_suffix(".json")
    poster_path = out.with_suffix(".png") if poster else None
    preview_path = out.with_suffix(f".{preview}") if preview else None
    if not force and out.is_file() and side.is_file():
        try:
            old = json.loads(side.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        wanted = [p for p in (poster_path, preview_path) if p is not None]
        if old.get("key") == key and all(p.is_file() for p in wanted):
            return VideoResult(out, poster_path, preview_path, old.get("duration", board.duration), old.get("frames", 0),
                               board.size, board.fps, 0.0, skipped=True, loudness=old.get("loudness_lufs"),
                               problems=list(old.get("problems", [])))
    t0 = time.perf_counter()
    ctx = _context(board, base)
    ctx.problems[:0] = [p for p in (notes or ()) if p not in ctx.problems]
    out.parent.mkdir(parents=True, exist_ok=True)
    n = board.frame_count
    from concurrent.futures import ThreadPoolExecutor

    from .audio import write_wav

    sound_problems: list[str] = []
    _sweep_stale_work(out.parent)
    with tempfile.TemporaryDirectory(prefix=f"{WORK_PREFIX}{os.getpid()}-", dir=out.parent) as tmp, \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="soundtrack") as pool:
        # the soundtrack is mixed (numpy, and ffmpeg measuring loudness) while the frames render
        sound = pool.submit(build_soundtrack, board, base, sound_problems)
        silent = Path(tmp) / "video.mp4"
        writer = encode.VideoWriter(silent, board.size, board.fps, None, preset=use_preset, faststart=False)
        src = FrameSource(board, ctx)
        poster_t = poster_time(board)
        poster_i = min(n - 1, int(round(poster_t * board.fps)))
        poster_img = None
        try:
            for i in range(n):
                frame = src.frame(i / board.fps)
                if i == poster_i and poster:
                    poster_img = frame.copy()
                writer.write(frame)
                if progress is not None:
                    progress(i + 1, n)
            writer.close()
        except BaseException:
            writer.abort()
            raise
        finally:
            src.close()
        track = sound.result()
        wav = write_wav(track.samples, Path(tmp) / "audio.wav")
        part = Path(tmp) / "promo.mp4"
        encode.mux(silent, wav, part)
        os.replace(part, out)
    ctx.problems.extend(sound_problems)
    if poster_path is not None and poster_img is not None:
        from PIL import Image

        save_image(Image.fromarray(poster_img), poster_path)
    if preview_path is not None:
        encode.preview(out, preview_path)
    seconds = time.perf_counter() - t0
    starts = board.starts()
    manifest = {
        "key": key,
        "video": out.name,
        "size": list(board.size),
        "fps": board.fps,
        "frames": n,
        "duration": n / board.fps,
        "style": board.style,
        "template": board.template,
        "music": track.source,
        "tempo": track.tempo,
        "loudness_lufs": round(track.lufs, 2),
        "peak_dbfs": round(track.peak_db, 2),
        "poster": poster_path.name if poster_path else None,
        "preview": preview_path.name if preview_path else None,
        "scenes": [{"id": s.id, "kind": s.kind, "start": round(st, 3), "duration": s.duration,
                    "transition": s.transition.kind, "texts": [t.text for t in s.texts]}
                   for s, st in zip(board.scenes, starts)],
        "render_seconds": round(seconds, 2),
        "problems": ctx.problems,
    }
    save_json(manifest, side)
    return VideoResult(out, poster_path, preview_path, n / board.fps, n, board.size, board.fps, seconds,
                       loudness=track.lufs, problems=list(ctx.problems))


#: Work folders are named ``.creative-video-<pid>-<random>`` beside the output.
WORK_PREFIX = ".creative-video-"
#: A work folder without a readable pid is removed when it is older than this (seconds).
STALE_WORK_S = 24 * 3600


def _sweep_stale_work(folder: Path) -> None:
    """Remove work folders that renders killed before they could clean up (kill -9, power loss):
    those whose process is gone. Another render's live folder is left alone."""
    import shutil

    for d in folder.glob(f"{WORK_PREFIX}*"):
        if not d.is_dir():
            continue
        pid_text = d.name[len(WORK_PREFIX):].split("-", 1)[0]
        if pid_text.isdigit():
            if _alive(int(pid_text)):
                continue
        else:
            try:
                if time.time() - d.stat().st_mtime < STALE_WORK_S:
                    continue
            except OSError:
                continue
        shutil.rmtree(d, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True
