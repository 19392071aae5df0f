"""Video clips as material: probe, sample frames, and measure sharpness, motion and black frames.

Decoding goes through imageio-ffmpeg (the ffmpeg binary that ships in its wheel, also used by
moviepy). Frames are sampled at :data:`SAMPLES` even instants, scaled to :data:`SAMPLE_WIDTH`
px wide by ffmpeg itself, so a long 4K clip costs about as much as a short one. A file with
no video stream, zero length or corrupt data raises :class:`InputError` with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from creative.errors import InputError

#: Extensions treated as clips (sniffing a container is ffmpeg's job, not ours).
CLIP_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".mpg", ".mpeg", ".gif"})
SAMPLES = 8
SAMPLE_WIDTH = 320
#: Mean luma (0–255) under which a frame is black.
BLACK_LUMA = 16.0


@dataclass(frozen=True)
class ClipInfo:
    """What a clip is and what its sampled frames look like."""

    width: int
    height: int
    fps: float
    duration: float  #: seconds
    frames: list[np.ndarray]  #: sampled RGB frames, :data:`SAMPLE_WIDTH` px wide
    black_frames: float  #: share of sampled frames that are black
    motion: float  #: mean absolute difference between consecutive samples, 0–1


def is_clip(path: Path) -> bool:
    return path.suffix.lower() in CLIP_EXTENSIONS and path.suffix.lower() != ".gif"


_REASONS = (
    ("does not contain any stream", "it has no video stream"),
    ("no video stream", "it has no video stream"),
    ("Output file #0 does not contain", "it has no video stream"),
    ("moov atom not found", "the file is truncated or corrupt"),
    ("Invalid data found", "the data is corrupt or not a video"),
)


def _why(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    for marker, reason in _REASONS:
        if marker.lower() in text.lower():
            return reason
    return text[-160:] or type(exc).__name__


def _scaled_notice(record) -> bool:
    """Drop imageio-ffmpeg's notice that the frames read are smaller than the source: we ask for that."""
    return not record.getMessage().startswith("The frame size for reading")


def read_clip(path: Path, samples: int = SAMPLES) -> ClipInfo:
    """Probe ``path`` and sample ``samples`` frames; InputError when it is not a usable clip."""
    import logging

    import imageio_ffmpeg

    logging.getLogger("imageio_ffmpeg").addFilter(_scaled_notice)  # once: the same filter is not added twice

    if not path.is_file():
        raise InputError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: clip is empty (0 bytes)")
    try:
        gen = imageio_ffmpeg.read_frames(str(path))
        meta = next(gen)
        gen.close()
    except (OSError, RuntimeError, StopIteration, ValueError) as exc:
        raise InputError(f"{path}: not a readable video ({_why(exc)})") from None
    size = meta.get("source_size") or meta.get("size")
    duration = float(meta.get("duration") or 0.0)
    fps = float(meta.get("fps") or 0.0)
    if not size or size[0] <= 0:
        raise InputError(f"{path}: the file has no video stream")
    if duration <= 0:
        raise InputError(f"{path}: the clip has zero length")
    rate = max(samples / duration, 1e-3)
    frames: list[np.ndarray] = []
    try:
        gen = imageio_ffmpeg.read_frames(
            str(path), output_params=["-vf", f"fps={rate:.6f},scale='min({SAMPLE_WIDTH},iw)':-2"])
        out_meta = next(gen)
        fw, fh = out_meta["size"]
        for raw in gen:
            frames.append(np.frombuffer(raw, np.uint8).reshape(fh, fw, 3))
            if len(frames) >= samples:
                break
        gen.close()
    except (OSError, RuntimeError, ValueError) as exc:
        if not frames:
            raise InputError(f"{path}: the video data is corrupt ({_why(exc)})") from None
    if not frames:
        raise InputError(f"{path}: no frame could be decoded (zero length or corrupt)")
    lum = [float(f.mean()) for f in frames]
    black = sum(v < BLACK_LUMA for v in lum) / len(frames)
    diffs = [float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean()) / 255.0
             for a, b in zip(frames, frames[1:])]
    return ClipInfo(int(size[0]), int(size[1]), fps, duration, frames, black,
                    float(np.mean(diffs)) if diffs else 0.0)
