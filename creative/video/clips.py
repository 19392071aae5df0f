"""Input clips: probe (reject what cannot be used), pick the best segment, decode for rendering.

Decoding is PyAV (FFmpeg's libraries in-process: no subprocess per clip, exact timestamps,
clean errors for corrupt data). The best segment is the window of the wanted length whose
sampled frames are sharpest (variance of the Laplacian) and move most (mean frame difference),
and which has no black frames. The crop around the subject is the material package's smart
crop (:mod:`creative.material.focal`) around the subject found in the segment's sampled frames.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..errors import InputError
from ..material.load import default_max_pixels

SAMPLE_FPS = 4.0
ANALYSE_SECONDS = 90.0
BLACK_LUMA = 20.0


@dataclass(frozen=True)
class ClipInfo:
    path: Path
    duration: float
    fps: float
    size: tuple[int, int]
    has_audio: bool


@dataclass(frozen=True)
class ClipChoice:
    """The best segment of a clip and the crop around its subject."""

    start: float
    duration: float
    crop: tuple[float, float, float, float]
    score: float


def _turns(frame) -> int:
    """Quarter turns (counter-clockwise) the display matrix asks for: phone clips filmed upright."""
    try:
        rot = int(round(float(getattr(frame, "rotation", 0) or 0)))
    except (TypeError, ValueError):
        return 0
    return (rot // 90) % 4 if rot % 90 == 0 else 0


def upright(frame, width: int | None = None) -> np.ndarray:
    """A decoded frame as an RGB array the way players show it, at most ``width`` px wide (as shown)."""
    turns = _turns(frame)
    w, h = (frame.height, frame.width) if turns % 2 else (frame.width, frame.height)
    if width is not None and w > width:
        nw, nh = width, max(2, round(h * width / w) // 2 * 2)
        arr = frame.to_ndarray(format="rgb24", width=nh if turns % 2 else nw, height=nw if turns % 2 else nh)
    else:
        arr = frame.to_ndarray(format="rgb24")
    return np.ascontiguousarray(np.rot90(arr, turns)) if turns else arr


def _av_errors():
    import av

    return (av.error.FFmpegError, ValueError, OSError, UnicodeDecodeError, IndexError)


def probe(path: str | Path) -> ClipInfo:
    """What a clip is; raises InputError for a missing file, no video stream, zero length or corrupt data."""
    import av

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: clip not found")
    if p.stat().st_size == 0:
        raise InputError(f"{p}: the clip file is empty")
    try:
        with av.open(str(p)) as c:
            if not c.streams.video:
                raise InputError(f"{p}: no video stream (an audio file?)")
            vs = c.streams.video[0]
            w, h = vs.codec_context.width or 0, vs.codec_context.height or 0
            limit = default_max_pixels()
            if w * h > limit:  # refused from the header, before a frame is decoded
                raise InputError(f"{p}: the clip is {w}x{h} ({w * h:,} pixels a frame), over the limit of "
                                 f"{limit:,} (set CREATIVE_MAX_PIXELS to allow more)")
            rate = float(vs.average_rate or vs.guessed_rate or 0) or 30.0
            duration = 0.0
            if vs.duration is not None and vs.time_base is not None:
                duration = float(vs.duration * vs.time_base)
            elif c.duration is not None:
                duration = c.duration / 1_000_000
            first = None
            last_t = 0.0
            for i, frame in enumerate(c.decode(vs)):
                if first is None:
                    first = frame
                last_t = float(frame.time or 0.0)
                if i >= 2:
                    break
            if first is None:
                raise InputError(f"{p}: the clip has no decodable frames (zero length or corrupt)")
            if duration <= 0:
                duration = last_t + 1 / rate
            if duration <= 1e-3:
                raise InputError(f"{p}: the clip has zero length")
            size = (first.height, first.width) if _turns(first) % 2 else (first.width, first.height)
            return ClipInfo(p, duration, rate, size, bool(c.streams.audio))
    except InputError:
        raise
    except _av_errors() as e:
        raise InputError(f"{p}: not a readable video ({type(e).__name__}: {e})") from None


def _samples(path: Path, info: ClipInfo) -> tuple[np.ndarray, list[np.ndarray], list[float]]:
    """Times, small grey frames and small RGB frames at about SAMPLE_FPS over the first ANALYSE_SECONDS."""
    import av

    times, grays, rgbs = [], [], []
    step = 1.0 / SAMPLE_FPS
    next_t = 0.0
    w = 160
    try:
        with av.open(str(path)) as c:
            vs = c.streams.video[0]
            vs.thread_type = "AUTO"
            for frame in c.decode(vs):
                t = float(frame.time or 0.0)
                if t > ANALYSE_SECONDS:
                    break
                if t + 1e-6 < next_t:
                    continue
                rgb = upright(frame, w)
                times.append(t)
                rgbs.append(rgb)
                grays.append(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
                next_t = t + step
    except _av_errors() as e:
        if not times:
            raise InputError(f"{path}: cannot decode the clip ({type(e).__name__}: {e})") from None
    if not times:
        raise InputError(f"{path}: the clip has no decodable frames")
    return np.array(times), grays, rgbs


def best_segment(path: str | Path, want: float, aspect: float, info: ClipInfo | None = None) -> ClipChoice:
    """The window of ``want`` seconds that is sharp, moving and never black, and its crop to ``aspect``."""
    p = Path(path)
    info = info or probe(p)
    times, grays, rgbs = _samples(p, info)
    sharp = np.array([cv2.Laplacian(g, cv2.CV_32F).var() for g in grays])
    luma = np.array([float(g.mean()) for g in grays])
    motion = np.array([0.0] + [float(np.abs(grays[i].astype(np.int16) - grays[i - 1]).mean()) for i in range(1, len(grays))])
    if motion.size > 1:
        motion[0] = motion[1]
    black = luma < BLACK_LUMA
    sharp_n = sharp / (np.median(sharp) + 1e-6)
    motion_n = np.minimum(motion / (np.median(motion) + 1e-6), 3.0) if motion.max() > 0 else np.zeros_like(motion)
    per = 0.6 * np.minimum(sharp_n, 3.0) + 0.4 * motion_n
    per[black] = -5.0
    length = min(want, info.duration)
    span = max(1, int(round(length * SAMPLE_FPS)))
    best_i, best_s = 0, -np.inf
    last_start = max(0.0, info.duration - length)
    for i in range(len(times)):
        if times[i] > last_start + 1e-6:
            break
        window = per[i : i + span]
        s = float(window.mean()) if window.size else -np.inf
        if s > best_s:
            best_i, best_s = i, s
    start = float(times[best_i])
    window_rgbs = [r for r, b in zip(rgbs[best_i : best_i + span], black[best_i : best_i + span]) if not b] or rgbs[best_i:best_i + 1]
    return ClipChoice(start, length, segment_crop(window_rgbs[:: max(1, len(window_rgbs) // 4)], info.size, aspect), best_s)


def segment_crop(frames: list[np.ndarray], size: tuple[int, int], aspect: float) -> tuple[float, float, float, float]:
    """Crop fractions of ``aspect`` for a clip of ``size`` (w, h) around the subject of ``frames``
    (small RGB samples of the segment): the subject box is the union of the frames' subject
    boxes (:func:`creative.material.focal.find_focus`), its centre their median, so the whole
    moving subject stays in the fixed crop whenever it fits (:func:`~creative.material.focal.smart_crop`)."""
    from ..material.focal import Focus, find_focus, smart_crop

    w, h = size
    boxes, centres = [], []
    for f in frames:
        fh, fw = f.shape[:2]
        focus = find_focus(f)
        x0, y0, x1, y1 = focus.box
        boxes.append((x0 / fw, y0 / fh, x1 / fw, y1 / fh))
        centres.append((focus.center[0] / fw, focus.center[1] / fh))
    b, c = np.array(boxes), np.median(np.array(centres), axis=0)
    box = (int(b[:, 0].min() * w), int(b[:, 1].min() * h), int(np.ceil(b[:, 2].max() * w)), int(np.ceil(b[:, 3].max() * h)))
    x0, y0, x1, y1 = smart_crop((w, h), aspect, Focus(box, (float(c[0]) * w, float(c[1]) * h)))
    return (x0 / w, y0 / h, x1 / w, y1 / h)


class ClipReader:
    """Frames of a clip from ``start`` on, as RGB arrays, fetched by time (held at the end)."""

    def __init__(self, path: str | Path, start: float, max_width: int | None = None):
        import av

        self.path = Path(path)
        self._container = av.open(str(self.path))
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        self.start = start
        self._max_width = max_width
        if start > 0.5:
            self._container.seek(int((start - 0.5) / self._stream.time_base), stream=self._stream)
        self._frames = self._container.decode(self._stream)
        self._current: np.ndarray | None = None
        self._next = None
        self._done = False

    def _convert(self, frame) -> np.ndarray:
        return upright(frame, self._max_width)

    def _pull(self):
        if self._done:
            return None
        try:
            return next(self._frames)
        except StopIteration:
            self._done = True
        except _av_errors():
            self._done = True  # a damaged tail: hold the last good frame
        return None

    def frame_at(self, t: float) -> np.ndarray:
        """The frame shown ``t`` seconds after ``start`` (the last frame once the clip ends)."""
        want = self.start + t
        if self._next is None and not self._done:
            self._next = self._pull()
        while self._next is not None and float(self._next.time or 0.0) <= want + 1e-6:
            frame = self._next
            self._next = self._pull()
            if self._next is None or float(self._next.time or 0.0) > want + 1e-6 or self._current is None:
                self._current = self._convert(frame)
        if self._current is None:
            if self._next is None:
                raise InputError(f"{self.path}: the clip has no frames at {want:.2f} s")
            self._current = self._convert(self._next)
        return self._current

    def close(self) -> None:
        self._container.close()
