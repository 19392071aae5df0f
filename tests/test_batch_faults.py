"""Faults: kill -9 in the middle of a batch, then the same command again; two batches in one folder at once."""
import json
import os
import signal
import subprocess
import time
from collections import Counter

from PIL import Image

from batch_helpers import cli_argv, feed
from creative.batch import iter_records, run_batch

ARGS = ["-T", "minimal", "-T", "festival", "--remover", "fake", "--json"]
BIG = ["-s", "1080x1080", "-s", "800x800"]
SMALL = ["-s", "300x250", "-s", "320x320"]


def ok_records(out):
    return [r for r in iter_records(out / "manifest.jsonl") if r.get("kind") == "job" and r.get("status") == "ok"]


def assert_outputs_whole(out):
    for img in out.rglob("*.jpg"):
        with Image.open(img) as im:
            im.load()  # a truncated file would raise here
        json.loads(img.with_suffix(".json").read_text(encoding="utf-8"))


def test_kill_9_mid_batch_then_rerun_finishes_without_rendering_twice(tmp_path):
    src = feed(tmp_path, 14)
    out = tmp_path / "out"
    argv = cli_argv(tmp_path, "batch", str(src), *ARGS, *BIG, "--out", str(out), "--workers", "2")
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(ok_records(out)) < 10 and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "the batch finished before it could be killed; make it bigger"
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and its pool workers, mid-write
    proc.wait()
    before = {r["key"]: r for r in ok_records(out)}
    assert 10 <= len(before) < 56
    mtimes = {k: (out / r["outputs"][0]).stat().st_mtime_ns for k, r in before.items()}
    assert_outputs_whole(out)  # final names only ever hold whole files, even right after the kill

    rerun = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    s = json.loads(rerun.stdout)
    assert s["skipped"] == len(before) and s["rendered"] + s["recovered"] + s["skipped"] == 56 and s["failed"] == 0
    counts = Counter(r["key"] for r in ok_records(out))
    assert len(counts) == 56 and set(counts.values()) == {1}  # every job recorded done exactly once
    assert {k: (out / r["outputs"][0]).stat().st_mtime_ns for k, r in before.items()} == mtimes  # not rendered again
    assert_outputs_whole(out)
    assert not list(out.rglob("*.part"))
    assert len(list(out.rglob("*.jpg"))) == 56


def test_two_batches_in_one_folder_at_once(tmp_path):
    src = feed(tmp_path, 6)
    out = tmp_path / "out"
    argv = cli_argv(tmp_path, "batch", str(src), *ARGS, *SMALL, "--out", str(out), "--workers", "1")
    a = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    b = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ra, rb = a.communicate(timeout=300), b.communicate(timeout=300)
    assert a.returncode == 0 and b.returncode == 0, (ra[1], rb[1])
    sa, sb = json.loads(ra[0]), json.loads(rb[0])
    assert sa["failed"] == sb["failed"] == 0
    assert sa["rendered"] + sa["skipped"] + sa["recovered"] == 24 == sb["rendered"] + sb["skipped"] + sb["recovered"]
    lines = (out / "manifest.jsonl").read_bytes().splitlines()
    assert all(json.loads(line) for line in lines)  # no interleaved or torn lines
    assert len({r["key"] for r in ok_records(out)}) == 24
    assert_outputs_whole(out)
    third = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert json.loads(third.stdout)["rendered"] == 0


def test_full_disk_is_a_clear_error_and_leaves_no_partial_file(tmp_path, monkeypatch):
    """A write that fails (ENOSPC) fails that job with the reason; nothing half-written keeps a final name."""
    import errno

    from creative.render import export

    src = feed(tmp_path, 2)
    from creative.batch import shorthand_campaign

    plan = shorthand_campaign(str(src), templates=["minimal"], sizes=["300x250"], out_dir=tmp_path / "out", remover="fake")
    real_atomic = export._atomic_write

    def full(path, write):
        if path.suffix == ".jpg":  # the banner: its temp file fills the disk half way through
            def partial(fh):
                fh.write(b"\xff\xd8\xff partial")
                raise OSError(errno.ENOSPC, "No space left on device")

            return real_atomic(path, partial)
        return real_atomic(path, write)

    monkeypatch.setattr(export, "_atomic_write", full)
    s = run_batch(plan, workers=1)
    assert (s.rendered, s.failed, s.exit_code) == (0, 2, 1)
    assert "No space left on device" in s.failures[0].reason
    assert not list(plan.out_dir.rglob("*.jpg")) and not list(plan.out_dir.rglob("*.part"))
    assert not [p for p in plan.out_dir.rglob("*.json") if ".creative" not in p.parts]  # no sidecar left alone
