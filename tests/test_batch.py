"""Batches: campaign files, job expansion, segments, the job store (skip, re-render, adopt), bad input, sources."""
import json
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from batch_helpers import feed, good_row, photo, write_feed
from creative.batch import SpecError, dry_run, iter_records, load_campaign, plan_campaign, run_batch, shorthand_campaign
from creative.batch.paths import PathError, fill_pattern, safe_component
from creative.batch.spec import Campaign
from creative.resources import assets_dir
from creative.testing.http import Reply, serve

SAMPLE = assets_dir() / "campaign" / "campaign.yaml"


def campaign_file(folder: Path, data: dict | str, name: str = "c.yaml") -> Path:
    p = folder / name
    p.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def base_campaign(**over) -> dict:
    d = {"name": "t", "products": {"feed": "feed.csv"}, "templates": ["minimal", "festival"], "sizes": ["300x250", "320x320"],
         "locales": ["en-US", "zh-CN"], "remover": "fake"}
    d.update(over)
    return d


def jobs(out: Path) -> list[dict]:
    return [r for r in iter_records(out / "manifest.jsonl") if r.get("kind") == "job"]


# -- campaign files ----------------------------------------------------------------------------------------


def test_sample_campaign_plans_360_jobs(tmp_path):
    plan = load_campaign(SAMPLE, out_dir=tmp_path / "out", remover="fake")
    assert [s.name for s in plan.segments] == ["students", "young-parents", "luxury-buyers"]
    assert plan.locales == ("zh-CN", "en-US") and plan.sizes == ((1080, 1080), (1200, 628), (1080, 1920))
    assert plan.jobs_per_product == 18
    lux = plan.segments[2]
    assert {t.name for t in lux.templates} <= {"luxury-dark", "editorial-serif"} and lux.occasion == "everyday"
    s = dry_run(plan, workers=2)
    assert (s.products, s.jobs_total, s.to_render, s.failed) == (20, 360, 360, 0)
    assert s.estimate_s and s.estimate_s > 0


@pytest.mark.parametrize("text,needle", [
    ("name: t\nproducts: {feed: f.csv}\ntemplates: [minimal]\ncolour: red\n", "c.yaml:4: colour: unknown field"),
    ("name: t\nproducts: {feed: f.csv}\ntemplates: [minimal]\nsizes: [1080x1080, 10x10]\n", "c.yaml:4: sizes.1: bad size '10x10'"),
    ("name: t\nproducts: {feed: f.csv}\ntemplates: [minimal]\nlocales: [xx-YY]\n", "c.yaml:4: locales.0: unknown locale 'xx-YY'"),
    ("name: t\ntemplates: [minimal]\n", "c.yaml:1: products: required field is missing"),
    ("name: t\nproducts: {feed: f.csv, pages: [http://x]}\ntemplates: [minimal]\n", "exactly one of 'feed'"),
    ("name: t\nproducts: {pages: [file:///etc/passwd]}\ntemplates: [minimal]\n", "page 'file:///etc/passwd' is not an http"),
    ("name: T!\nproducts: {feed: f.csv}\ntemplates: [minimal]\n", "c.yaml:1: name: String should match"),
    ("name: t\nproducts: {feed: f.csv}\ntemplates: [minimal]\noutput: {pattern: '../{product_id}.{ext}'}\n",
     "c.yaml:4: output.pattern: the pattern must be a relative path"),
    ("name: t\nproducts: {feed: f.csv}\ntemplates: [minimal]\noutput: {pattern: '{product_id.__class__}.{ext}'}\n",
     "only {field} placeholders"),
    ("name: t\nproducts: {feed: f.csv}\ntemplates: [minimal]\noutput: {pattern: '{product_id!r}.{ext}'}\n", "only {field} placeholders"),
    ("name: t\nproducts: {feed: f.csv}\ntemplates: [minimal]\noutput: {pattern: '{home}.{ext}'}\n", "unknown field {home}"),
    ("name: t\nproducts: {feed: f.csv}\ntemplates: [minimal]\noutput: {pattern: 'x.{ext}'}\n", "must contain {product_id}"),
    ("name: t\nproducts: {feed: f.csv}\ntemplates: [minimal]\nsegments: {Bad Name: {}}\n", "segment name 'Bad Name'"),
    ("name: t\nproducts: {feed: f.csv}\ntemplates: [minimal]\ncopy: {occasion: easter}\n", "c.yaml:4: copy.occasion: Input should be"),
    ("name: t\nproducts: {feed: f.csv}\n", "name 'templates' or 'styles'"),
    ("name: t\nproducts: [\n", "c.yaml:3: YAML syntax error"),
    ("", "c.yaml: the file is empty"),
    ("- a\n- b\n", "expected a mapping"),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
     "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n", "aliases expand"),
    ("name: t\nproducts: {feed: f.csv}\ntemplates: [minimal, nosuch]\n", "templates.1: unknown template 'nosuch'; choose one of:"),
    ("name: t\nproducts: {feed: f.csv}\nstyles: [zzz]\n", "styles: no template has any of the styles zzz"),
    ("name: t\nproducts: {feed: f.csv}\ntemplates: [minimal]\nsegments: {kids: {styles: [zzz]}}\n", "segments.kids: no template"),
    ("name: t\nproducts: {feed: f.csv}\ntemplates: [minimal, festival]\nsizes: [300x250, 320x320]\noutput: {pattern: '{product_id}-{size}.{ext}'}\n",
     "output.pattern: add {template}"),
    ("name: t\nproducts: {feed: f.csv}\ntemplates: [minimal]\nlocales: [de-DE]\n", "no phrase bank for 'de'"),
    ("name: t\nproducts: {feed: f.csv}\ntemplates: [minimal]\nremover: magic\n", "unknown remover 'magic'"),
])
def test_campaign_errors_name_file_line_and_field(tmp_path, text, needle):
    p = campaign_file(tmp_path, text)
    with pytest.raises(Exception) as e:
        load_campaign(p)
    assert needle in str(e.value), str(e.value)
    assert "\n" not in str(e.value)


def test_paths_in_campaigns_and_feeds_are_confined(tmp_path, monkeypatch):
    (tmp_path / "inner").mkdir()
    outside = tmp_path / "outside.csv"
    outside.write_text("id,title,image_link\n1,x,y.jpg\n")
    monkeypatch.chdir(tmp_path / "inner")
    for ref in ("../outside.csv", str(outside), "/etc/passwd"):
        p = campaign_file(tmp_path / "inner", base_campaign(products={"feed": ref}))
        with pytest.raises(SpecError, match=f"c.yaml: {ref}: feed path is outside the allowed folders"):
            load_campaign(p, out_dir=tmp_path / "o")
    (tmp_path / "inner" / "link.csv").symlink_to(outside)
    with pytest.raises(SpecError, match="link.csv: feed path is outside"):
        load_campaign(campaign_file(tmp_path / "inner", base_campaign(products={"feed": "link.csv"})), out_dir=tmp_path / "o")
    with pytest.raises(PathError, match="segments file path is outside"):
        from creative.batch.plan import _segments

        _segments(Campaign.model_validate(base_campaign(segments="../x.yaml")), tmp_path / "inner", (tmp_path / "inner",), "c")


def test_safe_output_names():
    assert safe_component("SKU-1") == "SKU-1"
    for bad in ("../../etc", "a/b", ".hidden", "x" * 200, "", "名字"):
        s = safe_component(bad)
        assert "/" not in s and not s.startswith(".") and len(s) <= 80
    assert safe_component("a/b") != safe_component("a_b")
    assert fill_pattern("{product_id}/{size}.{ext}", {"product_id": "../x", "size": "1x1", "ext": "jpg"}).count("/") == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(["name", "products", "templates", "sizes", "locales", "segments", "copy", "output",
                                             "styles", "remover", "brand_colors", "scheme"]),
                            st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
                                         lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(st.text(max_size=6), c, max_size=3)),
                                         max_leaves=8), max_size=6))
def test_fuzz_campaign_files_fail_cleanly(tmp_path, data):
    p = campaign_file(tmp_path, data)
    try:
        load_campaign(p, out_dir=tmp_path / "o")
    except SpecError as e:
        assert "\n" not in str(e)
    except Exception as e:  # noqa: BLE001
        from creative.errors import CreativeError

        assert isinstance(e, CreativeError), repr(e)


# -- running -----------------------------------------------------------------------------------------------


@pytest.fixture()
def shop(tmp_path):
    """5 good products, then a missing photo, a broken photo, an empty title, a duplicate id and a bad price."""
    rows = [good_row(tmp_path, i) for i in range(5)]
    (tmp_path / "photos" / "broken.png").write_bytes(photo(tmp_path / "photos", 0).read_bytes()[:300])
    rows += [good_row(tmp_path, 5, image_link="photos/missing.png"), good_row(tmp_path, 6, image_link="photos/broken.png"),
             good_row(tmp_path, 7, title=""), good_row(tmp_path, 8, id="SKU-1"), good_row(tmp_path, 9, price="twelve")]
    write_feed(tmp_path, rows)
    return tmp_path


def test_end_to_end_with_bad_rows_then_skip_then_rerender_one(shop):
    plan = load_campaign(campaign_file(shop, base_campaign()), out_dir=shop / "out")
    assert plan.jobs_per_product == 8
    s = run_batch(plan, workers=2)
    assert (s.products, s.rendered, s.skipped, s.exit_code) == (6, 40, 0, 1)
    assert s.failed == 5 * 8  # 3 bad rows, a missing and a broken photo: 8 jobs each
    reasons = {f.product_id: f.reason for f in s.failures}
    assert reasons["SKU-5"] == "image not found: photos/missing.png"
    assert "cut-out failed" in reasons["SKU-6"] and "broken.png" in reasons["SKU-6"]
    assert reasons["SKU-7"] == "empty title" and "duplicate id 'SKU-1'" in reasons["SKU-1"]
    assert "bad price 'twelve'" in reasons["SKU-9"]
    ok = [r for r in jobs(plan.out_dir) if r["status"] == "ok"]
    assert len(ok) == 40 and len({r["key"] for r in ok}) == 40
    for r in ok:
        img, side = (plan.out_dir / o for o in r["outputs"])
        assert Image.open(img).size == tuple(int(v) for v in r["size"].split("x"))
        meta = json.loads(side.read_text())
        assert meta["job_key"] == r["key"] and meta["locale"] == r["locale"] and meta["product_id"] == r["product_id"]
    zh = json.loads((plan.out_dir / "SKU-2" / "minimal-320x320-zh-CN.json").read_text())
    assert zh["content"]["title"].endswith("商品 2") and zh["content"]["price"] == "22.00"
    assert zh["copy"]["source"]["headline"] == "bank"

    again = run_batch(plan, workers=2)
    assert (again.rendered, again.skipped, again.failed) == (0, 40, 40)

    rows = [good_row(shop, i, price="99.00 USD") if i == 3 else good_row(shop, i) for i in range(5)]
    write_feed(shop, rows)
    third = run_batch(plan, workers=2)
    assert (third.rendered, third.skipped, third.failed, third.exit_code) == (8, 32, 0, 0)
    changed = {r["product_id"] for r in jobs(plan.out_dir)[-8:]}
    assert changed == {"SKU-3"}


def test_segments_one_variant_per_product_segment_size_locale(tmp_path):
    feed(tmp_path, 3)
    segs = {"students": {"styles": ["fresh", "pastel", "price"], "copy_tone": "playful", "scheme": "triadic"},
            "luxury": {"templates": ["luxury-dark"], "tone": "dark", "copy_tone": "premium", "locale": "en-US",
                       "occasion": "new-arrival"}}
    (tmp_path / "segments.yaml").write_text(yaml.safe_dump({"segments": segs}), encoding="utf-8")
    c = base_campaign(templates=[], segments="segments.yaml", copy={"occasion": "double-11"})
    plan = load_campaign(campaign_file(tmp_path, c), out_dir=tmp_path / "out")
    assert plan.jobs_per_product == 2 * 2 + 1 * 2
    s = run_batch(plan, workers=2)
    assert (s.rendered, s.failed) == (18, 0)
    recs = jobs(plan.out_dir)
    by = {(r["product_id"], r["segment"], r["size"], r["locale"]) for r in recs}
    assert len(by) == 18
    student_tpls = {t.name for s in plan.segments if s.name == "students" for t in s.templates}
    for r in recs:
        meta = json.loads((plan.out_dir / r["outputs"][1]).read_text())
        assert meta["segment"] == r["segment"]
        if r["segment"] == "luxury":
            assert r["template"] == "luxury-dark" and r["locale"] == "en-US" and meta["occasion"] == "new-arrival"
            assert meta["palette"]["tone"] == "dark"
        else:
            assert r["template"] in student_tpls and meta["copy_tone"] == "playful" and meta["palette"]["scheme"] == "triadic"
    per_product = {(r["product_id"], r["segment"]) for r in recs}
    for pid, seg in per_product:  # one template per product and segment, at every size and locale
        assert len({r["template"] for r in recs if (r["product_id"], r["segment"]) == (pid, seg)}) == 1


def test_adopts_outputs_whose_records_were_lost_and_survives_a_torn_line(tmp_path):
    feed(tmp_path, 3)
    plan = load_campaign(campaign_file(tmp_path, base_campaign(templates=["minimal"], locales=["en-US"])), out_dir=tmp_path / "out")
    s = run_batch(plan, workers=2)
    assert s.rendered == 6
    manifest = plan.out_dir / "manifest.jsonl"
    lines = manifest.read_bytes().splitlines(keepends=True)
    job_lines = [i for i, l in enumerate(lines) if b'"kind":"job"' in l]
    keep = [l for i, l in enumerate(lines) if i not in job_lines[-2:] and b'"finished"' not in l]
    manifest.write_bytes(b"".join(keep) + b'{"kind":"job","key":"torn-in-the-mid')  # killed mid-append
    (plan.out_dir / "SKU-0" / ".minimal-300x250-en-US.jpg.abc123.part").write_bytes(b"half")
    mtimes = {p: p.stat().st_mtime_ns for p in plan.out_dir.rglob("*.jpg")}
    again = run_batch(plan, workers=2)
    assert (again.rendered, again.recovered, again.skipped) == (0, 2, 4)
    assert again.cleaned_parts == 1 and not list(plan.out_dir.rglob("*.part"))
    assert {p: p.stat().st_mtime_ns for p in plan.out_dir.rglob("*.jpg")} == mtimes  # nothing rendered twice
    raw = manifest.read_bytes().splitlines()
    assert sum(1 for l in raw if l.startswith(b'{"kind":"job","key":"torn')) == 1
    assert all(json.loads(l) for l in raw if not l.startswith(b'{"kind":"job","key":"torn'))
    assert len({r["key"] for r in jobs(plan.out_dir) if r["status"] == "ok"}) == 6


def test_deleted_output_is_rendered_again(tmp_path):
    feed(tmp_path, 1)
    plan = load_campaign(campaign_file(tmp_path, base_campaign(templates=["minimal"], locales=["en-US"])), out_dir=tmp_path / "out")
    run_batch(plan, workers=1)
    victim = plan.out_dir / "SKU-0" / "minimal-320x320-en-US.jpg"
    victim.unlink()
    victim.with_suffix(".json").unlink()
    s = run_batch(plan, workers=1)
    assert (s.rendered, s.skipped) == (1, 1) and victim.is_file()


def test_price_without_currency_fails_its_jobs_only(tmp_path):
    rows = [good_row(tmp_path, 0, price="20", sale_price=""), good_row(tmp_path, 1)]
    write_feed(tmp_path, rows)
    plan = load_campaign(campaign_file(tmp_path, base_campaign(templates=["minimal"], locales=["en-US"], sizes=["300x250"])),
                         out_dir=tmp_path / "out")
    s = run_batch(plan, workers=1)
    assert (s.rendered, s.failed) == (1, 1)
    assert "the price has no currency" in s.failures[0].reason


def test_huge_feed_is_streamed_with_limit(tmp_path):
    photo(tmp_path / "photos", 0)
    p = tmp_path / "feed.csv"
    with p.open("w") as fh:
        fh.write("id,title,price,image_link\n")
        for i in range(100_000):
            fh.write(f"S{i},Thing {i},{i % 90 + 1}.00 USD,photos/p0.png\n")
    plan = shorthand_campaign(str(p), templates=["minimal"], sizes=["300x250"], out_dir=tmp_path / "out", remover="fake", limit=3)
    s = run_batch(plan, workers=1)
    assert (s.products, s.rendered, s.failed) == (3, 3, 0)


def test_image_urls_are_downloaded_once_and_private_addresses_need_the_flag(tmp_path):
    img = photo(tmp_path / "photos", 1).read_bytes()
    with serve({"/img/1.png": Reply(200, img, "image/png"), "/img/html.png": Reply(200, b"<html>no</html>")}) as srv:
        rows = [good_row(tmp_path, 0, image_link=srv.url + "/img/1.png"), good_row(tmp_path, 1, image_link=srv.url + "/img/html.png")]
        write_feed(tmp_path, rows)
        plan = shorthand_campaign(str(tmp_path / "feed.csv"), templates=["minimal"], sizes=["300x250"], out_dir=tmp_path / "out",
                                  remover="fake")
        refused = run_batch(plan, workers=1)
        assert (refused.rendered, refused.failed) == (0, 2)
        assert "refused" in refused.failures[0].reason and "--allow-private-network" in refused.failures[0].reason
        assert srv.requests == []
        s = run_batch(plan, workers=1, allow_private_network=True)
        assert (s.rendered, s.failed) == (1, 1) and "not an image" in s.failures[0].reason
        s2 = run_batch(plan, workers=1, allow_private_network=True)
        assert (s2.rendered, s2.skipped) == (0, 1)
        assert sum(1 for r in srv.requests if r.path == "/img/1.png") == 1
    assert list((plan.out_dir / ".creative" / "downloads").rglob("*.img"))


PAGE = """<html><head><script type="application/ld+json">
{{"@type": "Product", "name": "{name}", "sku": "{sku}", "image": "/img/{sku}.png",
  "offers": {{"price": "{price}", "priceCurrency": "CNY"}}, "brand": "Acme"}}</script></head></html>"""


def test_product_pages_as_source(tmp_path):
    routes = {"/loop": Reply(302, headers={"Location": "/loop"}), "/about": Reply(200, b"<html><title>About</title></html>")}
    for i in range(2):
        routes[f"/p/{i}"] = Reply(200, PAGE.format(name=f"Page product {i}", sku=f"PG-{i}", price=99 + i).encode())
        routes[f"/img/PG-{i}.png"] = Reply(200, photo(tmp_path / "photos", i).read_bytes(), "image/png")
    with serve(routes) as srv:
        c = base_campaign(products={"pages": [srv.url + "/p/0", srv.url + "/p/1", srv.url + "/about", srv.url + "/loop"]},
                          templates=["minimal"], locales=["zh-CN"], sizes=["300x250"])
        plan = load_campaign(campaign_file(tmp_path, c), out_dir=tmp_path / "out")
        s = run_batch(plan, workers=1, allow_private_network=True)
    assert (s.rendered, s.failed) == (2, 2)
    reasons = sorted(f.reason for f in s.failures)
    assert "no product data on the page" in reasons[0] and "too many redirects" in reasons[1]
    meta = json.loads((plan.out_dir / "PG-1" / "minimal-300x250-zh-CN.json").read_text())
    assert meta["content"]["price"] == "100" and meta["content"]["currency"] == "CNY"
    assert meta["source"] == srv.url + "/p/1"


def test_campaign_validation_model_directly():
    c = Campaign.model_validate(base_campaign())
    assert c.copy_spec.occasion == "everyday"
    plan = plan_campaign(c, base_dir=Path.cwd(), source="x", out_dir=Path("/tmp/x"))
    assert plan.pattern == "{product_id}/{template}-{size}-{locale}.{ext}"


def test_ray_backend_without_ray_says_how_to_install(tmp_path, monkeypatch):
    import sys

    from creative.errors import UsageError

    feed(tmp_path, 1)
    monkeypatch.setitem(sys.modules, "ray", None)
    plan = shorthand_campaign(str(tmp_path / "feed.csv"), templates=["minimal"], sizes=["300x250"], out_dir=tmp_path / "o",
                              remover="fake")
    with pytest.raises(UsageError, match=r"the ray backend needs Ray: pip install 'creative\[ray\]'"):
        run_batch(plan, backend="ray")


def test_feed_image_paths_are_confined_and_feed_text_is_never_evaluated(tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.png"
    outside.write_bytes(photo(tmp_path / "photos", 0).read_bytes())
    (tmp_path / "photos" / "escape.png").symlink_to(outside)
    payload = "{{7*7}} {brand} ${7*7} {product_id.__class__} %s"
    rows = [good_row(tmp_path, 0, image_link=str(outside)), good_row(tmp_path, 1, image_link="../" + outside.name),
            good_row(tmp_path, 2, image_link="photos/escape.png"), good_row(tmp_path, 3, title=payload, id="{key}/../x")]
    write_feed(tmp_path, rows)
    plan = shorthand_campaign(str(tmp_path / "feed.csv"), templates=["minimal"], sizes=["300x250"], out_dir=tmp_path / "out",
                              remover="fake", occasion="black-friday")
    s = run_batch(plan, workers=1)
    assert (s.rendered, s.failed) == (1, 3)
    assert all("image path is outside the allowed folders" in f.reason for f in s.failures)
    (rec,) = [r for r in jobs(plan.out_dir) if r["status"] == "ok"]
    parts = Path(rec["outputs"][0]).parts
    assert len(parts) == 2 and ".." not in rec["outputs"][0] and not parts[0].startswith(".")
    assert (plan.out_dir / rec["outputs"][0]).resolve().is_relative_to(plan.out_dir)
    meta = json.loads((plan.out_dir / rec["outputs"][1]).read_text())
    assert payload in meta["content"]["title"]  # shown literally, never interpolated


def test_workers_drop_per_product_renderer_caches(tmp_path):
    """A batch never returns to a product: the renderer's per-product caches are emptied after each one,
    so a worker's memory stays flat over a long feed (the names are checked, so a rename shows up here)."""
    import sys

    from creative.batch import worker
    from creative.batch.expand import expand
    from creative.batch.run import _writer
    from creative.batch.sources import products

    feed(tmp_path, 1)
    plan = shorthand_campaign(str(tmp_path / "feed.csv"), templates=["festival"], sizes=["300x250"], out_dir=tmp_path / "o",
                              remover="fake")
    (rp,) = list(products(plan, None))
    out = worker.product_task(str(rp.photo), "fake", expand(plan, rp, _writer(plan)))
    assert out.error is None and all(o.ok for o in out.outcomes)
    for mod, name in worker.PER_PRODUCT_CACHES:
        cache = getattr(sys.modules[mod], name)
        assert (cache.cache_info().currsize if hasattr(cache, "cache_info") else len(cache)) == 0, name
    for mod, name, budget in worker.BUDGETED_CACHES:
        assert getattr(sys.modules[mod], name).cache_info().currsize <= budget
    from creative.text import fonts  # bounded on its own (an LRU), so never emptied wholesale

    assert fonts.get_font.cache_info().maxsize == fonts.FONT_CACHE_SIZE <= 256


def test_choose_photo_uses_the_best_of_a_products_photos_and_warns_about_the_rest(tmp_path):
    """``products.choose_photo``: a blurry main photo loses to a sharp additional one (with a warning naming
    the file and the reason); a missing additional photo is a warning, not a failure; off, the main photo is used."""
    import csv

    from PIL import ImageFilter

    sharp = photo(tmp_path / "photos", 0)
    blurry = tmp_path / "photos" / "p0-blurry.png"
    Image.open(sharp).filter(ImageFilter.GaussianBlur(8)).save(blurry)
    photo(tmp_path / "photos", 1)
    rows = [good_row(tmp_path, 0, image_link="photos/p0-blurry.png", additional_image_link="photos/p0.png,photos/gone.png"),
            good_row(tmp_path, 1)]
    with (tmp_path / "feed.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=[*rows[0].keys()])
        w.writeheader()
        w.writerows(rows)

    def run(choose: bool, out: str):
        c = base_campaign(products={"feed": "feed.csv", "choose_photo": choose}, templates=["minimal"], sizes=["300x250"],
                          locales=["en-US"], output={"pattern": "{product_id}/{size}.{ext}"})
        s = run_batch(load_campaign(campaign_file(tmp_path, c), out_dir=tmp_path / out))
        used = json.loads((tmp_path / out / "SKU-0" / "300x250.json").read_text())["product"]["photo"]
        warnings = [r for r in iter_records(tmp_path / out / "manifest.jsonl") if r.get("kind") == "warning"]
        return s, used, warnings

    s, used, warnings = run(True, "on")
    assert (s.rendered, s.failed) == (2, 0)
    assert used.endswith("p0.png")
    assert s.warnings_total == len(warnings) == 2 and {w["product_id"] for w in warnings} == {"SKU-0"}
    assert any("photos/gone.png" in w["message"] and "not found" in w["message"] for w in warnings)
    assert any(w["message"].startswith("skipped") and "p0-blurry.png: blurry" in w["message"] for w in warnings)
    assert any(line.startswith("warning: SKU-0: skipped") for line in s.lines())
    s, used, warnings = run(False, "off")
    assert used.endswith("p0-blurry.png") and warnings == [] and s.warnings_total == 0


def test_the_store_reads_back_only_what_other_runs_appended(tmp_path):
    """A run's own appends are not parsed again by ``refresh``; another run's appends are."""
    from creative.batch.store import JobStore

    out, state = tmp_path / "out", tmp_path / "out" / ".creative"
    out.mkdir()
    with JobStore(out, state) as a, JobStore(out, state) as b:
        a.append_many([{"kind": "job", "key": "k1", "status": "ok"}, {"kind": "job", "key": "k2", "status": "ok"}])
        assert a.done == {"k1", "k2"} and a.refresh() == 0  # its own lines: already known
        b.append({"kind": "job", "key": "k3", "status": "ok"})
        a.append({"kind": "job", "key": "k4", "status": "failed"})  # after b's line: a must still read it
        assert a.refresh() == 2 and a.done == {"k1", "k2", "k3"}
        assert b.refresh() == 4 and b.done == {"k1", "k2", "k3"}  # it wrote after a: it reads all back
    assert [r["key"] for r in iter_records(out / "manifest.jsonl") if r.get("kind") == "job"] == ["k1", "k2", "k3", "k4"]


def test_warm_up_loads_each_templates_fonts_before_the_first_product(tmp_path):
    """What a worker loads before its first product: one sample per template and locale, whose
    fonts (and their coverage tables) are then in this process's caches."""
    from creative.batch import worker
    from creative.batch.run import _warm_specs
    from creative.text import fonts

    feed(tmp_path, 1)
    plan = shorthand_campaign(str(tmp_path / "feed.csv"), templates=["festival", "minimal"], sizes=["300x250", "1080x1080"],
                              out_dir=tmp_path / "o", remover="fake")
    specs = _warm_specs(plan)
    assert sorted(Path(p).stem for p, _, _ in specs) == ["festival", "minimal"]
    assert all(size == plan.sizes[0] for _, size, _ in specs)
    fonts.get_font.cache_clear()
    assert worker.warm_task(specs) == os.getpid()
    assert fonts.get_font.cache_info().currsize > 0
