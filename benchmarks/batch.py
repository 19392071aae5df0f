#!/usr/bin/env python3
"""Batch benchmark (issue 4): a 1,000-job campaign on the local pool and on Ray, memory, and a Ray projection.

``run(work)`` returns the markdown section for ``docs/benchmarks.md``.

* Throughput: 250 products x 4 sizes (1080x1080, 1200x628, 1080x1920, 300x250), JPEG, one
  template per product rotating through every bundled template (as a segment does), cut-outs
  cached beforehand, through ``creative.batch.run_batch`` with a rich progress bar drawing
  (to a file). The yardstick ``../shared/bench/naive_banner.py`` renders the same size mix
  from the same cut-outs, in turns with ours (rounds: yardstick, local, Ray); best of each.
* Ray: the same 1,000 jobs as Ray tasks on a local instance with 2 CPUs (started before timing).
* Memory: the CLI batch in a subprocess at 500 and at 2,000 jobs; the peak of the summed PSS
  (proportional set size: shared pages counted once) of the driver and every worker.
* A projection of throughput against Ray workers from the measured per-job cost.

Cut-outs: the u2net references in ``../shared/photos`` when present, else synthetic products.
Each product gets its own file (a PNG text chunk makes the bytes differ), so every product has
its own cut-out and cache entry, as in a real catalogue.
"""
from __future__ import annotations

import io
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

SIZES = ["1080x1080", "1200x628", "1080x1920", "300x250"]
PRODUCTS = 250
REPEATS = 5


# -- inputs ---------------------------------------------------------------------------------------------


def _sources(work: Path) -> list[Path]:
    refs = sorted((SHARED / "photos").glob("*.ref.png"))
    if refs:
        return refs
    from creative.testing.fixtures import KINDS, synthetic_product

    out = []
    for i, kind in enumerate(KINDS):
        photo, mask = synthetic_product(kind, ((70 * i) % 255, 90, 160))
        rgba = photo.convert("RGBA")
        rgba.putalpha(mask)
        p = work / f"synthetic-{kind}.png"
        rgba.save(p)
        out.append(p)
    return out


def make_catalogue(work: Path, n: int, sources: list[Path], name: str, photos: int | None = None) -> Path:
    """``n`` products, each with its own RGBA photo file (or, with ``photos``, that many files
    shared in turn), and a Merchant-style CSV feed."""
    from PIL import Image, PngImagePlugin

    folder = work / name
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    decoded = [Image.open(s).convert("RGBA") for s in sources]
    lines = ["id,title,price,sale_price,image_link,brand,product_type"]
    for i in range(n):
        p = folder / "photos" / f"p{i % (photos or n):05d}.png"
        if not p.exists():
            info = PngImagePlugin.PngInfo()
            info.add_text("product", f"bench-{i}")
            decoded[i % len(decoded)].save(p, pnginfo=info, compress_level=1)
        sale = f"{19 + i % 10}.00 USD" if i % 3 else ""
        lines.append(f"P{i:05d},Bench product {i} deluxe edition,{29 + i % 50}.00 USD,{sale},photos/{p.name},Acme,Home > Things")
    feed = folder / "feed.csv"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return feed


def campaign(feed: Path, out: Path) -> Path:
    """One segment whose template rotates over every bundled template, 4 sizes, one locale."""
    from creative.template import discover

    names = sorted(discover())
    text = json.dumps({
        "name": "bench", "products": {"feed": str(feed)}, "sizes": SIZES, "locales": ["en-US"],
        "segments": {"everyone": {"templates": names, "copy_tone": "urgent"}},
        "copy": {"occasion": "black-friday", "seed": 1}, "remover": "alpha",
        "output": {"dir": str(out), "format": "jpg", "pattern": "{product_id}/{size}.{ext}"},
    })
    p = feed.parent / f"campaign-{out.name}.yaml"
    p.write_text(text, encoding="utf-8")  # JSON is YAML
    return p


def warm_cutouts(feed: Path) -> None:
    from creative.design import prepare_product

    for p in sorted((feed.parent / "photos").glob("*.png")):
        prepare_product(p, remover="alpha")


# -- yardstick ------------------------------------------------------------------------------------------


def yardstick(sources: list[Path], work: Path, per_pair: int = 8) -> float:
    """Banners/s of naive_banner.py over the same size mix and cut-outs (its own loop timing)."""
    script = SHARED / "bench" / "naive_banner.py"
    if not script.is_file():
        return float("nan")
    n_total, t_total = 0, 0.0
    for src in sources:
        for size in SIZES:
            r = subprocess.run([sys.executable, str(script), "--cutout", str(src), "-n", str(per_pair), "--size", size,
                                "--out", str(work / "naive")], capture_output=True, text=True, check=True)
            m = re.search(r"(\d+) banners \S+ in ([\d.]+) s", r.stdout)
            n_total += int(m.group(1))
            t_total += float(m.group(2))
    return n_total / t_total


# -- ours -----------------------------------------------------------------------------------------------


def _progress():
    """A rich progress bar drawing into a throwaway terminal-like console (the bar's cost counts)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(file=io.StringIO(), force_terminal=True, width=120)
    bar = Progress(TextColumn("bench"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]:.1f}/s"),
                   TimeRemainingColumn(), console=console)
    state = {}

    def on_start(total):
        state["t"] = bar.add_task("bench", total=total, rate=0.0)
        bar.start()

    def on_update(s):
        if "t" in state:
            bar.update(state["t"], completed=s.done, rate=s.rate)

    return bar, on_start, on_update


def ours_isolated(camp: Path, out: Path, backend: str) -> dict:
    """:func:`ours` in a fresh process (its result as JSON on the last line of stdout)."""
    code = (f"import sys, json; sys.path[:0] = [{str(ROOT / 'benchmarks')!r}, {str(ROOT)!r}]; import batch; "
            f"print(json.dumps(batch.ours(batch.Path({str(camp)!r}), batch.Path({str(out)!r}), {backend!r}, None)))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def ours(camp: Path, out: Path, backend: str, workers: int | None) -> dict:
    import shutil

    from creative.batch import load_campaign, run_batch

    shutil.rmtree(out, ignore_errors=True)
    plan = load_campaign(camp, out_dir=out)
    bar, on_start, on_update = _progress()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    try:
        s = run_batch(plan, backend=backend, workers=workers, on_start=on_start, on_update=on_update)
    finally:
        bar.stop()
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    driver_cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    assert s.failed == 0 and s.rendered == s.jobs_total, s.lines()
    return {"rate": s.rendered / s.elapsed_s, "elapsed": s.elapsed_s, "jobs": s.rendered, "workers": s.workers,
            "job_s": s.render_s / s.rendered, "driver_cpu_per_job": driver_cpu / s.rendered, "startup": s.startup_s}


# -- memory ---------------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                kids.append(int(d))
    return kids


def _tree_memory(root: int) -> tuple[float, float]:
    """(sum of PSS, sum of RSS) in MB over ``root`` and its descendants."""
    pss = rss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        todo += _children(pid)
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except OSError:
            pass
    return pss / 1024, rss / 1024


def peak_memory(camp: Path, out: Path) -> dict:
    """Run the CLI batch in a subprocess and sample the process tree's memory every 50 ms."""
    import shutil

    shutil.rmtree(out, ignore_errors=True)
    code = ("import sys; from creative.cli import app, main; from creative.cli import batch; batch.register(app); "
            "main(sys.argv[1:])")
    errors = tempfile.TemporaryFile("w+")  # a file, not a pipe: nothing need read it while the batch runs
    proc = subprocess.Popen([sys.executable, "-c", code, "batch", str(camp), "--out", str(out), "--json"],
                            stdout=subprocess.PIPE, stderr=errors, text=True)
    peak = [0.0, 0.0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            p, r = _tree_memory(proc.pid)
            peak[0], peak[1] = max(peak[0], p), max(peak[1], r)
            time.sleep(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out_text, _ = proc.communicate()
    stop.set()
    t.join()
    if proc.returncode not in (0, 1) or not out_text.strip():
        errors.seek(0)
        raise RuntimeError(f"creative batch {camp} exited {proc.returncode}: {errors.read()[-2000:]}")
    s = json.loads(out_text)
    assert s["failed"] == 0, s["failures"][:3]
    return {"pss": peak[0], "rss": peak[1], "jobs": s["rendered"], "rate": s["rate_per_s"]}


# -- the section ----------------------------------------------------------------------------------------


def run(work: Path) -> str:
    os.environ.setdefault("CREATIVE_CACHE_DIR", str(work / "cache"))
    sources = _sources(work)
    feed = make_catalogue(work, PRODUCTS, sources, "cat250")
    warm_cutouts(feed)
    r: dict = {"sources": [s.name for s in sources]}
    try:
        import ray  # noqa: F401
        has_ray = True
    except ImportError:
        has_ray = False
    # The machine is shared and its speed swings by a third within minutes: the yardstick, the local
    # pool and Ray run in turns, round after round, so all three see the same weather; the best of each
    # counts (as in the banner section). Each of ours is its own process (a Ray driver's threads must
    # never be forked into a local pool).
    # Each round pairs a yardstick run with a local-pool run taken next to it, yardstick first in
    # odd rounds and second in even ones (so neither always gets the other's leftovers).
    yard_runs, local_runs, ray_runs = [], [], []
    for i in range(REPEATS):
        if i % 2 == 0:
            yard_runs.append(yardstick(sources, work))
        local_runs.append(ours_isolated(campaign(feed, work / "out-local"), work / "out-local", "local"))
        if i % 2 == 1:
            yard_runs.append(yardstick(sources, work))
        if has_ray:
            ray_runs.append(ours_isolated(campaign(feed, work / "out-ray"), work / "out-ray", "ray"))
    r["yard_rates"] = [round(x, 1) for x in yard_runs]
    r["yard"] = max(yard_runs)
    r["local"] = max(local_runs, key=lambda x: x["rate"])
    r["local_rates"] = [round(x["rate"], 1) for x in local_runs]
    r["ratio_local"] = r["local"]["rate"] / r["yard"]
    r["round_ratios"] = [round(lo["rate"] / y, 2) for lo, y in zip(local_runs, yard_runs)]
    r["ratio_paired"] = statistics.median(lo["rate"] / y for lo, y in zip(local_runs, yard_runs))
    if ray_runs:
        r["ray"] = max(ray_runs, key=lambda x: x["rate"])
        r["ray_rates"] = [round(x["rate"], 1) for x in ray_runs]
        r["ray_init_s"] = min(x["startup"] for x in ray_runs)
        r["ratio_ray"] = r["ray"]["rate"] / r["local"]["rate"]

    small = make_catalogue(work, 125, sources, "cat125")
    large = make_catalogue(work, 500, sources, "cat500")
    warm_cutouts(small)
    warm_cutouts(large)
    r["mem500"] = peak_memory(campaign(small, work / "out-m500"), work / "out-m500")
    r["mem2000"] = peak_memory(campaign(large, work / "out-m2000"), work / "out-m2000")
    # and 8,000: does the peak keep growing once the caches are warm? 2,000 products, each of the
    # 500 photos above shared by four of them (their own ids and titles; cut-outs cached once).
    larger = make_catalogue(work, 2000, sources, "cat2000", photos=500)
    warm_cutouts(larger)
    r["mem8000"] = peak_memory(campaign(larger, work / "out-m8000"), work / "out-m8000")
    print(json.dumps(r, indent=2, default=str))
    return report(r)


def _ok(cond: bool) -> str:
    return "met" if cond else "**not met**"


def projection(r: dict) -> str:
    """Throughput against Ray workers from the measured per-job cost, and what 6 million images need."""
    base = r.get("ray", r["local"])
    job_s = base["job_s"]  # seconds of one worker per job, measured inside the workers
    eff = min(1.0, base["rate"] / (base["workers"] / job_s))  # how close to workers / job_s the run came
    driver = max(r["local"]["driver_cpu_per_job"], r.get("ray", {}).get("driver_cpu_per_job", 0.0))
    cap = 1 / driver if driver > 0 else float("inf")
    rows = []
    for w in (2, 8, 32, 128, 512, 2048):
        rate = w / job_s * eff
        drivers = max(1, -(-rate // cap)) if cap != float("inf") else 1
        hours = 6e6 / rate / 3600
        rows.append(f"| {w:,} | {rate:,.0f} | {int(drivers)} | {hours:,.1f} h |")
    need_day = 6e6 / 86400 / (eff / job_s)
    need_luban = 8000 / (eff / job_s)
    return f"""Per job, one worker spends **{job_s * 1000:.0f} ms** (mean over the 1,000 jobs, measured inside the
workers of the 2-CPU Ray run, which reached **{eff:.0%}** of the ideal 2 / {job_s * 1000:.0f} ms); that efficiency is
assumed to hold as workers are added. One driver spends **{driver * 1000:.1f} ms** of its own CPU per job (feed, copy, keys,
manifest, progress), so one driver feeds at most **~{cap:,.0f} jobs/s**; beyond that, split the feed and run one
driver per shard against the same cluster (the job store lets them share an output folder).

| Ray workers (CPUs) | projected banners/s | drivers needed | 6 million images take |
| --- | --- | --- | --- |
{chr(10).join(rows)}

A 6-million-image Double 11 in 24 hours needs about **{need_day:,.0f} worker CPUs**; Luban's reported 8,000 posters/s
would need about **{need_luban:,.0f}** (and {max(1, int(-(-8000 // cap))):,} drivers) at this per-job cost. These are projections from the
measured cost, not measurements of a cluster."""


def report(r: dict) -> str:
    loc = r["local"]
    lines = [
        f"| yardstick `naive_banner.py`, same size mix and cut-outs (runs: {', '.join(map(str, r['yard_rates']))}) | {r['yard']:.1f} banners/s | | |",
        f"| local pool, 1,000 jobs, progress bar on (runs: {', '.join(map(str, r['local_rates']))}) | {loc['rate']:.1f} banners/s "
        f"on {loc['workers']} workers at best | | |",
        f"| local pool against the yardstick run beside it (ratio in each round: "
        f"{', '.join(f'{x:.2f}×' for x in r['round_ratios'])}; best of ours over best of the yardstick: {r['ratio_local']:.2f}×) "
        f"| **{r['ratio_paired']:.2f}×** (median of the rounds) | ≥ 2.5× | {_ok(r['ratio_paired'] >= 2.5)} |",
    ]
    if "ray" in r:
        ray = r["ray"]
        lines.append(f"| Ray, local instance with 2 CPUs, same 1,000 jobs (runs: {', '.join(map(str, r['ray_rates']))}) | {ray['rate']:.1f} banners/s "
                     f"(**{r['ratio_ray']:.2f}× local pool**; starting the instance, {r['ray_init_s']:.1f} s, not counted) | ≥ 0.8× | "
                     f"{_ok(r['ratio_ray'] >= 0.8)} |")
    else:
        lines.append("| Ray | not installed in this environment | ≥ 0.8× | **not measured** |")
    m5, m20, m80 = r["mem500"], r["mem2000"], r["mem8000"]
    flat = m20["pss"] <= 1.15 * m5["pss"]
    lines += [
        f"| peak memory, 500 jobs (driver + workers, summed PSS; summed RSS) | {m5['pss']:.0f} MB ({m5['rss']:.0f} MB RSS) | ≤ 600 MB | {_ok(m5['pss'] <= 600)} |",
        f"| peak memory, 2,000 jobs | {m20['pss']:.0f} MB ({m20['rss']:.0f} MB RSS) | ≤ 600 MB, flat (≤ 1.15× the 500-job peak) | "
        f"{_ok(m20['pss'] <= 600 and flat)} ({m20['pss'] / m5['pss']:.2f}×) |",
        f"| peak memory, 8,000 jobs (2,000 products, every photo shared by 4) | {m80['pss']:.0f} MB ({m80['rss']:.0f} MB RSS): "
        f"**{m80['pss'] / m20['pss']:.2f}×** the 2,000-job peak | ≤ 600 MB | {_ok(m80['pss'] <= 600)} |",
    ]
    return f"""## Campaign batches (issue 4)

1,000 jobs: {PRODUCTS} products × 4 sizes ({', '.join(SIZES)}), JPEG, one template per product rotating through
every bundled template, black-friday copy, cut-outs cached beforehand (cut-outs used: {', '.join(r['sources'])}, one
file and one cache entry per product). Ours runs through `creative.batch.run_batch` with a rich progress bar drawing;
its time runs from the first product to the last result (workers started). The yardstick renders the same size mix
from the same cut-outs in one process. The yardstick, the local pool and Ray run in turns, {REPEATS} rounds; in each
round a yardstick run and a local-pool run are taken one beside the other (the yardstick first in odd rounds, second in
even ones), so the two see the same load on this shared machine, and the ratio of that pair is the round's. The
target is judged on the median of those paired ratios. (Earlier versions of this page judged it on the best local run
over the best yardstick run, also listed: that compares the two at different minutes of a machine whose speed swings by
a third within the hour, which the same-run comparison is meant to cancel.) Memory: `creative batch` in a subprocess,
the process tree sampled every 50 ms.

| measurement | value | target | status |
| --- | --- | --- | --- |
{chr(10).join(lines)}

### Throughput against Ray workers (projection)

{projection(r)}
"""


if __name__ == "__main__":
    print(run(Path(tempfile.mkdtemp(prefix="creative-bench-batch-"))))
