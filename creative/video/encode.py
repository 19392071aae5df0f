"""Encoding: raw frames piped to ffmpeg (the binary imageio-ffmpeg ships), H.264 + AAC in MP4.

Frames are converted to I420 (yuv420p, BT.601 limited range, tagged as such) with OpenCV in
the rendering process, which halves what goes through the pipe and spares ffmpeg the colour
conversion; a writer thread feeds the pipe while the next frame is drawn. x264 runs with a
fast preset on all cores. The sound is added afterwards by :func:`mux` (stream copy of the
video, AAC audio), so the soundtrack can be mixed while the frames render; the MP4 gets
``+faststart`` and bit-exact flags so the same frames and audio give the same file.
"""
from __future__ import annotations

import os
import queue
import subprocess
import threading
from pathlib import Path

import cv2
import numpy as np

from ..errors import CreativeError

PRESET = os.environ.get("CREATIVE_X264_PRESET", "ultrafast")
CRF = 21


def ffmpeg_exe() -> str:
    """The ffmpeg binary from imageio-ffmpeg (``$IMAGEIO_FFMPEG_EXE`` overrides it)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def threads() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class VideoWriter:
    """``write(frame_rgb)`` frames in order, then ``close()``; the file appears when ffmpeg finishes."""

    def __init__(self, path: Path, size: tuple[int, int], fps: int, audio: Path | None, *,
                 preset: str = PRESET, crf: int = CRF, faststart: bool = True):
        self.path = Path(path)
        self.size = size
        w, h = size
        cmd = [
            ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{w}x{h}", "-framerate", str(fps), "-i", "pipe:0",
        ]
        if audio is not None:
            cmd += ["-i", str(audio)]
        cmd += ["-map", "0:v:0"]
        if audio is not None:
            cmd += ["-map", "1:a:0", "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2"]
        cmd += [
            "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-threads", str(threads()),
            "-pix_fmt", "yuv420p", "-color_range", "tv", "-colorspace", "smpte170m",
            "-color_primaries", "bt709", "-color_trc", "bt709",
            "-profile:v", "high", *(["-movflags", "+faststart"] if faststart else []), "-map_metadata", "-1",
            "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
            *(["-shortest"] if audio is not None else []), "-f", "mp4", str(self.path),
        ]
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        self._queue: queue.Queue = queue.Queue(maxsize=6)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()
        self.frames = 0

    def _pump(self) -> None:
        stdin = self._proc.stdin
        while True:
            item = self._queue.get()
            if item is None:
                break
            if self._error is not None:
                continue
            try:
                stdin.write(item)
            except (BrokenPipeError, OSError) as e:
                self._error = e
        try:
            stdin.close()
        except OSError:
            pass

    def write(self, frame: np.ndarray) -> None:
        if self._error is not None:
            self._fail()
        self._queue.put(cv2.cvtColor(frame, cv2.COLOR_RGB2YUV_I420).data)
        self.frames += 1

    def _fail(self) -> None:
        self._proc.wait()
        err = self._proc.stderr.read().decode("utf-8", "replace").strip() if self._proc.stderr else ""
        raise CreativeError(f"{self.path}: ffmpeg failed: {err.splitlines()[-1] if err else self._error}")

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        rc = self._proc.wait()
        if rc != 0:
            self._fail()
        if self._proc.stderr:
            self._proc.stderr.close()

    def abort(self) -> None:
        self._queue.put(None)
        self._proc.kill()
        self._thread.join(timeout=5)
        self._proc.wait()


def mux(video: Path, audio: Path, out: Path) -> Path:
    """The video stream copied as it is, the audio encoded to AAC, ``+faststart``, bit-exact."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", str(video), "-i", str(audio),
           "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2",
           "-shortest", "-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
           "-f", "mp4", str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise CreativeError(f"{out}: ffmpeg could not add the sound: {(r.stderr.strip().splitlines() or ['?'])[-1]}")
    return out


def preview(video: Path, out: Path, *, width: int = 320, fps: int = 10) -> Path:
    """A small looping GIF or animated WebP of the video (by ``out``'s extension)."""
    ext = out.suffix.lower()
    tmp = out.with_name(f".{out.name}.part{ext}")
    scale = f"fps={fps},scale={width}:-2:flags=lanczos"
    if ext == ".gif":
        vf = f"{scale},split[a][b];[a]palettegen=max_colors=128:stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=4"
        args = ["-vf", vf, "-loop", "0"]
    elif ext == ".webp":
        args = ["-vf", scale, "-c:v", "libwebp_anim", "-lossless", "0", "-q:v", "70", "-loop", "0", "-an"]
    else:
        raise CreativeError(f"{out}: a preview is a .gif or a .webp")
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", str(video), *args,
           "-fflags", "+bitexact", "-threads", str(threads()), str(tmp)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise CreativeError(f"{out}: could not write the preview: {r.stderr.strip().splitlines()[-1:] or r.returncode}")
    os.replace(tmp, out)
    return out
