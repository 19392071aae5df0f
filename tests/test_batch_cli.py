"""``creative batch`` on the command line: shorthand, campaign files, dry runs, JSON, exit codes, one-line errors."""
import json

import pytest
import typer

from batch_helpers import feed, good_row, write_feed
from creative.cli import app, main
from creative.resources import assets_dir
from creative.testing.http import Reply, serve

PAGE = ('<html><head><meta property="og:type" content="product"><meta property="og:title" content="Lamp">'
        '<meta property="og:image" content="/lamp.png"><meta property="product:price:amount" content="49">'
        '<meta property="product:price:currency" content="EUR"></head></html>')


@pytest.fixture(scope="module", autouse=True)
def batch_command():
    from creative.cli import batch

    if not any(c.name == "batch" for c in app.registered_commands):
        batch.register(app)


def run(argv, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    out = capsys.readouterr()
    return e.value.code, out.out, out.err


def test_shorthand_json_summary_and_exit_codes(tmp_path, capsys):
    rows = [good_row(tmp_path, i) for i in range(2)] + [good_row(tmp_path, 2, title="")]
    src = write_feed(tmp_path, rows)
    argv = ["batch", str(src), "-T", "minimal", "-s", "300x250", "--locale", "zh-CN", "--occasion", "618",
            "--remover", "fake", "--out", str(tmp_path / "out"), "--json", "-j", "1"]
    code, out, err = run(argv, capsys)
    s = json.loads(out)
    assert code == 1 and (s["rendered"], s["failed"], s["exit_code"]) == (2, 1, 1)
    assert s["failures"][0]["reason"] == "empty title" and s["failures"][0]["where"].endswith("feed.csv:4")
    meta = json.loads((tmp_path / "out" / "SKU-1" / "minimal-300x250-zh-CN.json").read_text())
    assert meta["occasion"] == "618"
    write_feed(tmp_path, rows[:2])
    code, out, _ = run(argv, capsys)
    assert code == 0 and json.loads(out)["skipped"] == 2


def test_human_summary_lists_failures(tmp_path, capsys):
    src = write_feed(tmp_path, [good_row(tmp_path, 0), good_row(tmp_path, 1, image_link="nope.png")])
    code, out, err = run(["batch", str(src), "-T", "minimal", "-s", "300x250", "--remover", "fake", "-o", str(tmp_path / "o")], capsys)
    assert code == 1
    assert "1 rendered, 0 already done, 1 failed" in out
    assert "failed product SKU-1 (" in out and "image not found: nope.png" in out


def test_dry_run_counts_and_estimates(tmp_path, capsys):
    src = feed(tmp_path, 3)
    code, out, _ = run(["batch", str(src), "-T", "minimal", "-T", "festival", "-s", "square", "-s", "story", "--remover", "fake",
                        "-o", str(tmp_path / "o"), "--dry-run"], capsys)
    assert code == 0
    assert "12 jobs for 3 products (0 done, 12 to render, about" in out and "3 products still need a cut-out" in out
    assert not (tmp_path / "o").exists()


def test_sample_campaign_dry_run_json(capsys):
    code, out, _ = run(["batch", str(assets_dir() / "campaign" / "campaign.yaml"), "--dry-run", "--json", "--remover", "fake"], capsys)
    s = json.loads(out)
    assert code == 0 and (s["products"], s["jobs_total"]) == (20, 360)


@pytest.mark.parametrize("args,code,needle", [
    (["{campaign}", "-T", "minimal"], 2, "--template apply to the feed shorthand"),
    (["{feed}", "-s", "300x250", "-o", "{tmp}/o"], 2, "give --template"),
    (["{feed}", "-T", "minimal"], 2, "give --out DIR"),
    (["{feed}", "-T", "nosuch", "-o", "{tmp}/o"], 2, "unknown template 'nosuch'"),
    (["{feed}", "-T", "minimal", "-o", "{tmp}/o", "--column", "title"], 2, "bad --column 'title'"),
    (["{feed}", "-T", "minimal", "-o", "{tmp}/o", "--backend", "spark"], 2, "unknown backend 'spark'; choose one of: local, ray"),
    (["{feed}", "-T", "minimal", "-o", "{tmp}/o", "--occasion", "easter"], 2, "copy.occasion"),
    (["{tmp}/missing.csv", "-T", "minimal", "-o", "{tmp}/o"], 1, "feed file not found"),
    (["{tmp}/bad.csv", "-T", "minimal", "-o", "{tmp}/o", "--remover", "fake"], 1, "required column image_link missing (columns: id, name)"),
    (["{tmp}/missing.yaml"], 2, "campaign file not found"),
])
def test_one_line_errors(tmp_path, capsys, args, code, needle):
    src = feed(tmp_path, 1)
    (tmp_path / "bad.csv").write_text("id,name\n1,x\n")
    camp = assets_dir() / "campaign" / "campaign.yaml"
    argv = ["batch"] + [a.format(feed=src, tmp=tmp_path, campaign=camp) for a in args]
    got, out, err = run(argv, capsys)
    assert got == code, (out, err)
    assert needle in err and len(err.strip().splitlines()) == 1, err


def test_product_page_link_needs_the_flag_on_loopback(tmp_path, capsys):
    from batch_helpers import photo

    img = photo(tmp_path / "photos", 0).read_bytes()
    with serve({"/p": Reply(200, PAGE.encode()), "/lamp.png": Reply(200, img, "image/png")}) as srv:
        base = ["batch", srv.url + "/p", "-T", "minimal", "-s", "300x250", "--remover", "fake", "-o", str(tmp_path / "o"), "--json"]
        code, out, _ = run(base, capsys)
        assert code == 1 and "refused" in json.loads(out)["failures"][0]["reason"]
        code, out, _ = run(base + ["--allow-private-network"], capsys)
        assert code == 0 and json.loads(out)["rendered"] == 1


def test_help_mentions_every_option():
    from typer.testing import CliRunner

    r = CliRunner().invoke(app, ["batch", "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0
    for opt in ("--dry-run", "--backend", "--address", "--workers", "--json", "--allow-private-network", "--template", "--size",
                "--out", "--segments", "--limit"):
        assert opt in r.output, opt


def test_help_imports_no_heavy_library():
    import subprocess
    import sys

    code = ("import sys; from creative.cli import app; from creative.cli import batch; batch.register(app)\n"
            "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('ray', 'httpx', 'onnxruntime', 'cv2', 'filelock') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HEAVY []" in r.stdout, r.stdout + r.stderr


def test_sample_campaign_renders_end_to_end_and_resumes(tmp_path, capsys):
    """The bundled Double 11 campaign (3 segments, 2 locales, 3 sizes), its first products, through the CLI."""
    camp = str(assets_dir() / "campaign" / "campaign.yaml")
    argv = ["batch", camp, "--out", str(tmp_path / "d11"), "--limit", "2", "--remover", "fake", "--json"]
    code, out, _ = run(argv, capsys)
    s = json.loads(out)
    assert code == 0 and (s["rendered"], s["failed"]) == (36, 0)
    segs = {p.name.split("-zh-CN")[0].split("-en-US")[0] for p in (tmp_path / "d11" / "CUP-RED").glob("*.jpg")}
    assert segs == {"students", "young-parents", "luxury-buyers"}
    meta = json.loads((tmp_path / "d11" / "CUP-RED" / "students-zh-CN-1080x1080.json").read_text())
    assert meta["segment"] == "students" and meta["content"]["title"].endswith("浓缩咖啡杯碟套装 红色")
    assert meta["occasion"] == "double-11" and meta["palette"]["scheme"] == "triadic"
    code, out, _ = run(argv, capsys)
    assert code == 0 and json.loads(out)["skipped"] == 36
