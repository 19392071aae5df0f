#!/usr/bin/env python3
"""Promo-video benchmark (issue 5): a 15 s 1080x1920 30 fps promo, next to the MoviePy yardstick.

``run()`` returns the markdown section for ``docs/benchmarks.md`` (``benchmarks/run.py``).

Both sides get the same product cut-out (the sample espresso cups cut out with u2netp when the
model is installed, else a synthetic product). Ours is the whole job in a fresh process, the way
``creative video`` runs it: imports, directing (palette, layout, beats), the soundtrack, every
frame, x264 + AAC encoding, the poster. The yardstick (``../shared/bench/naive_video.py``:
background, zooming cut-out and a title with ``CompositeVideoClip``, no audio) renders the same
length and size before and after ours; its mean is the denominator. Peak memory is the
rendering process's maximum RSS plus its largest child's (ffmpeg), both from ``getrusage``.
"""
from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

DURATION = 15.0
SIZE = (1080, 1920)
REPEATS = 3
TARGET_REALTIME = 0.5
TARGET_SPEEDUP = 5.0
TARGET_MEMORY_MB = 1536
#: The yardstick's speed on a quiet machine, as the issue measured it (10 s of 1080x1920 in ~35 s).
QUIET_YARDSTICK_REALTIME = 3.5

_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from creative.content import Content
from creative.video import make_promo
content = Content.create("Espresso Cup Set", subhead="Hand-glazed stoneware, set of two", price="19.99",
                         original_price="29.99", brand="Caffè Rosso")
w, h = (int(v) for v in sys.argv[3].split("x"))
r = make_promo([sys.argv[1]], content, sys.argv[2], size=(w, h), duration=float(sys.argv[4]), remover="alpha",
               force=True)
wall = time.perf_counter() - t0
self_use, kid_use = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
me, kids = self_use.ru_maxrss, kid_use.ru_maxrss
cpu = self_use.ru_utime + self_use.ru_stime + kid_use.ru_utime + kid_use.ru_stime
print(json.dumps({"wall": wall, "render": r.seconds, "frames": r.frames, "self_kb": me, "child_kb": kids, "cpu": cpu,
                  "lufs": r.loudness, "problems": r.problems}))
"""


def cutout_png(work: Path) -> tuple[Path, str]:
    """An RGBA cut-out both sides use, and where it came from."""
    from creative.cutout import models

    photo = ROOT / "assets" / "samples" / "espresso-cups.jpg"
    if photo.is_file() and models.is_present("u2netp"):
        from creative.cutout import cut_out

        return cut_out(photo, remover="u2netp").path, "espresso-cups.jpg cut out with u2netp"
    from creative.testing.fixtures import synthetic_product

    img, mask = synthetic_product("bottle", size=(900, 1200))
    rgba = img.convert("RGBA")
    rgba.putalpha(mask)
    p = work / "product.png"
    rgba.save(p)
    return p, "a synthetic bottle (u2netp not installed)"


def yardstick(cutout: Path, work: Path) -> float:
    script = SHARED / "bench" / "naive_video.py"
    if not script.is_file():
        return float("nan")
    r = subprocess.run([sys.executable, str(script), "--cutout", str(cutout), "--duration", str(DURATION),
                        "--size", f"{SIZE[0]}x{SIZE[1]}", "--out", str(work / "naive.mp4")],
                       capture_output=True, text=True, check=True)
    m = re.search(r"in ([\d.]+) s", r.stdout)
    return float(m.group(1))


def ours(cutout: Path, work: Path, size: tuple[int, int] = SIZE) -> dict:
    out = work / f"promo-{size[0]}x{size[1]}.mp4"
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", _CHILD, str(cutout), str(out), f"{size[0]}x{size[1]}", str(DURATION)],
                       capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    outer = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError(f"promo render failed: {r.stderr.strip()[-500:]}")
    data = json.loads(r.stdout.strip().splitlines()[-1])
    data["process"] = outer
    data["peak_mb"] = (data["self_kb"] + data["child_kb"]) / 1024
    return data


def _status(ok: bool) -> str:
    return "met" if ok else "**not met**"


def run(work: Path) -> str:
    work.mkdir(parents=True, exist_ok=True)
    cutout, source = cutout_png(work)
    before = yardstick(cutout, work)
    runs = [ours(cutout, work) for _ in range(REPEATS)]
    after = yardstick(cutout, work)
    square = ours(cutout, work, (1080, 1080))
    naive = statistics.mean([v for v in (before, after) if v == v]) if before == before else float("nan")
    best = min(runs, key=lambda d: d["process"])
    t = best["process"]
    ratio = t / DURATION
    speedup = naive / t if naive == naive else float("nan")
    peak = max(d["peak_mb"] for d in runs)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    quiet = ratio * QUIET_YARDSTICK_REALTIME / (naive / DURATION) if naive == naive else float("nan")
    every = ", ".join(f"{d['process']:.1f}" for d in runs)
    rows = [
        ("yardstick: naive MoviePy, 15 s 1080×1920 (before, after)", f"{before:.1f} s, {after:.1f} s "
         f"({naive / DURATION:.2f}× real time)", "", ""),
        (f"creative: 15 s 1080×1920 30 fps promo, whole process (best of {REPEATS}; all: {every} s)",
         f"{t:.1f} s = **{ratio:.2f}× its duration**", f"≤ {TARGET_REALTIME}×", _status(ratio <= TARGET_REALTIME)),
        ("speed-up over the yardstick, same length and size", f"**{speedup:.1f}×**", f"≥ {TARGET_SPEEDUP:.0f}×",
         _status(speedup >= TARGET_SPEEDUP)),
        ("peak memory (renderer + ffmpeg, max of the runs)", f"{peak:.0f} MB", f"≤ {TARGET_MEMORY_MB} MB",
         _status(peak <= TARGET_MEMORY_MB)),
        ("  of which: directing + soundtrack + frames + encoding (in-process)", f"{best['render']:.1f} s", "", ""),
        ("  CPU time, renderer + ffmpeg (user + system, same run)", f"{best['cpu']:.1f} s = "
         f"{best['cpu'] / 2 / DURATION:.2f}× the duration per core on 2 cores", "", ""),
        ("creative: 15 s 1080×1080 promo, whole process", f"{square['process']:.1f} s "
         f"({square['process'] / DURATION:.2f}×)", "", ""),
        (f"the same on the issue's reference machine (yardstick at {QUIET_YARDSTICK_REALTIME}× real time): "
         f"ours × {QUIET_YARDSTICK_REALTIME} / the yardstick's real-time factor in this run",
         f"**{quiet:.2f}× its duration**" if quiet == quiet else "n/a", f"≤ {TARGET_REALTIME}×",
         _status(quiet <= TARGET_REALTIME) + " (against the yardstick)" if quiet == quiet else "n/a"),
    ]
    table = "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    return f"""## Promo video (issue 5)

| measurement | value | target | status |
| --- | --- | --- | --- |
{table}

Cut-out used by both sides: {source}. Ours is a real promo (hook, hero, feature callouts, detail
shot with a Ken Burns move, offer from the banner template's layout, end card; text animations,
transitions, a synthesised music bed normalised to {best['lufs']:.1f} LUFS, AAC audio, poster PNG),
timed as a fresh `python` process from start to exit. The yardstick composites three layers
without audio. Encoding: x264 `ultrafast` (CRF 21, all cores), frames piped as I420 to the
ffmpeg binary of imageio-ffmpeg. One-minute load average at the end of the section: {load:.1f}
on {os.cpu_count()} cores (other work shares this machine, which inflates both sides: the
yardstick ran at {naive / DURATION:.1f}× real time here against the {QUIET_YARDSTICK_REALTIME}× the issue measured).
The issue set "≤ 0.5× its duration" on a machine where this yardstick runs at {QUIET_YARDSTICK_REALTIME}× real time, that
is one seventh of the yardstick's time; DEVELOPERS.md has every speed target read against the
yardstick measured in the same run, so the last row (our time scaled by the yardstick's slowdown)
is the one that decides, and the raw row shows what today's machine gives.
"""


if __name__ == "__main__":
    import tempfile

    print(run(Path(tempfile.mkdtemp(prefix="creative-bench-video-"))))
