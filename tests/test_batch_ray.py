"""The Ray backend on a local 2-CPU instance: the same jobs, the same files, the same resume rules as the local pool."""
import json

import pytest

from batch_helpers import feed, good_row, write_feed
from creative.batch import iter_records, run_batch, shorthand_campaign

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def ray_instance():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def plan_for(tmp_path, out, **kw):
    return shorthand_campaign(str(tmp_path / "feed.csv"), templates=["minimal"], sizes=["300x250", "320x320"],
                              locales=["en-US", "zh-CN"], out_dir=tmp_path / out, remover="fake", **kw)


def test_ray_renders_the_same_files_as_the_local_pool(tmp_path, ray_instance):
    write_feed(tmp_path, [good_row(tmp_path, i) for i in range(4)] + [good_row(tmp_path, 4, image_link="photos/nope.png")])
    local = run_batch(plan_for(tmp_path, "local"), backend="local", workers=2)
    remote = run_batch(plan_for(tmp_path, "ray"), backend="ray")
    assert (remote.backend, remote.workers) == ("ray", 2)
    assert (local.rendered, local.failed) == (remote.rendered, remote.failed) == (16, 4)
    a, b = tmp_path / "local", tmp_path / "ray"
    files = sorted(p.relative_to(a) for p in a.rglob("*.jpg"))
    assert files == sorted(p.relative_to(b) for p in b.rglob("*.jpg")) and len(files) == 16
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes()  # deterministic: same inputs, same pixels
        assert json.loads((a / f).with_suffix(".json").read_text())["job_key"] == json.loads((b / f).with_suffix(".json").read_text())["job_key"]
    runs = [r for r in iter_records(b / "manifest.jsonl") if r.get("kind") == "run" and r.get("status") == "started"]
    assert runs[0]["backend"] == "ray" and runs[0]["address"] == "local instance"


def test_ray_resumes_and_skips_finished_jobs(tmp_path, ray_instance):
    feed(tmp_path, 4)
    first = run_batch(plan_for(tmp_path, "out", limit=2), backend="ray")
    assert first.rendered == 8
    rest = run_batch(plan_for(tmp_path, "out"), backend="ray")
    assert (rest.rendered, rest.skipped, rest.failed) == (8, 8, 0)


def test_sample_campaign_on_ray(tmp_path, ray_instance):
    from creative.batch import load_campaign
    from creative.resources import assets_dir

    plan = load_campaign(assets_dir() / "campaign" / "campaign.yaml", out_dir=tmp_path / "d11", limit=1, remover="fake")
    s = run_batch(plan, backend="ray")
    assert (s.rendered, s.failed, s.backend) == (18, 0, "ray")
    segs = {r["segment"] for r in iter_records(tmp_path / "d11" / "manifest.jsonl") if r.get("kind") == "job"}
    assert segs == {"students", "young-parents", "luxury-buyers"}
