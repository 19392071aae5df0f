"""Faults during a video render: ``kill -9`` in the middle, then the same command again.

The final name never holds a partial file (frames are encoded into a temporary folder beside the
output and the finished MP4 is renamed into place), the re-run finishes with a whole video, and
a third run finds it up to date and leaves it alone.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from batch_helpers import cli_argv
from creative.testing.fixtures import synthetic_product

av = pytest.importorskip("av")

SIZE, FPS, SECONDS = (160, 160), 20, 8


def _decode(path: Path) -> tuple[tuple[int, int], int, bool]:
    """(size, decoded video frames, has audio) of a whole file; a truncated one raises or comes up short."""
    with av.open(str(path)) as c:
        vs = c.streams.video[0]
        frames = sum(1 for _ in c.decode(vs))
        return (vs.codec_context.width, vs.codec_context.height), frames, bool(c.streams.audio)


def _watch(proc: subprocess.Popen, out: Path, until, timeout: float = 180) -> list[int]:
    """Poll while ``proc`` runs: every size seen under the final name (it must only ever be the whole file)."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline and not until():
        try:
            seen.append(out.stat().st_size)
        except FileNotFoundError:
            pass
        time.sleep(0.01)
    return seen


def test_kill_9_mid_render_then_rerun_finishes_and_then_skips(tmp_path):
    photo = tmp_path / "p.png"
    synthetic_product("round", (200, 60, 40), (240, 240))[0].save(photo)
    out = tmp_path / "out" / "promo.mp4"
    argv = cli_argv(tmp_path, "video", "make", str(photo), "--title", "Cup", "--price", "9", "--size", "x".join(map(str, SIZE)),
                    "--fps", str(FPS), "--duration", str(SECONDS), "--remover", "fake", "--out", str(out))

    # 1. killed (with its ffmpeg) while frames are being encoded into the temporary folder
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)

    def encoding() -> bool:  # encoded frames (not only the container header) are on disk
        return any(p.stat().st_size > 8192 for p in out.parent.glob(".creative-video-*/video.mp4"))

    seen = _watch(proc, out, encoding)
    assert proc.poll() is None and encoding(), "the render finished before it could be killed; make it longer"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not seen and not out.exists()  # nothing ever under the final name before the render completed
    assert not out.with_suffix(".json").exists()

    # 2. the same command again: it finishes; the final name only ever shows the whole file
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = _watch(proc, out, lambda: False)
    stdout, stderr = proc.communicate(timeout=180)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr and f"wrote    {out}" in stdout, stdout
    final = out.stat().st_size
    assert set(seen) <= {final}, f"partial sizes seen under the final name: {sorted(set(seen))[:5]}"
    assert _decode(out) == (SIZE, FPS * SECONDS, True)
    assert out.with_suffix(".png").is_file() and out.with_suffix(".json").is_file()
    mtime = out.stat().st_mtime_ns

    # 3. once more: up to date, nothing rendered
    third = subprocess.run(argv, capture_output=True, text=True, timeout=180)
    assert third.returncode == 0, third.stderr
    assert f"skipped  {out} (up to date)" in third.stdout, third.stdout
    assert out.stat().st_mtime_ns == mtime

    # The killed run's work folder (its partial silent video) was swept by the re-run: its process is gone.
    assert sorted(p.name for p in out.parent.glob(".creative-video-*")) == []


def test_a_live_renders_work_folder_is_left_alone(tmp_path):
    """Only folders whose process is gone are swept; a legacy folder without a pid only when old."""
    from creative.video.render import STALE_WORK_S, WORK_PREFIX, _sweep_stale_work

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = tmp_path / f"{WORK_PREFIX}{os.getpid()}-abc"
    gone = tmp_path / f"{WORK_PREFIX}{dead.pid}-def"
    fresh_legacy, old_legacy = tmp_path / f"{WORK_PREFIX}xyz", tmp_path / f"{WORK_PREFIX}uvw"
    for d in (live, gone, fresh_legacy, old_legacy):
        d.mkdir()
        (d / "video.mp4").write_bytes(b"partial")
    old = time.time() - STALE_WORK_S - 60
    os.utime(old_legacy, (old, old))
    _sweep_stale_work(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, fresh_legacy.name])
