"""The on-disk fact caches (``creative.disk_cache``): what they keep, and that a damaged, foreign
or unwritable entry only costs computing the value again, never a wrong answer."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from creative import disk_cache
from creative.color import Swatch
from creative.color.schemes import build_palette


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CREATIVE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _entries(cache, kind):
    return sorted((cache / kind).glob("*.json")) if (cache / kind).is_dir() else []


SWATCHES = (Swatch((180, 40, 30), 0.7, (40.0, 55.0, 40.0)), Swatch((240, 230, 220), 0.3, (92.0, 1.0, 5.0)))


def test_palettes_are_kept_and_a_damaged_entry_is_rebuilt(cache):
    from creative.design import palette_for

    palette_for.cache_clear()
    want = build_palette(list(SWATCHES), "triadic", "dark")
    assert palette_for(SWATCHES, "triadic", "dark", None) == want
    (entry,) = _entries(cache, "palettes")
    for damage in ("{not json", json.dumps({"scheme": "triadic", "tone": "dark", "roles": {"background": [1, 2]}}),
                   json.dumps(["a", "list"]), ""):
        entry.write_text(damage)
        palette_for.cache_clear()
        assert palette_for(SWATCHES, "triadic", "dark", None) == want, damage
    # a sound entry is what is used: change it and the next process gets the changed colours
    data = json.loads(entry.read_text())
    data["roles"]["accent"] = [1, 2, 3]
    entry.write_text(json.dumps(data))
    palette_for.cache_clear()
    assert palette_for(SWATCHES, "triadic", "dark", None).rgb("accent") == (1, 2, 3)
    palette_for.cache_clear()


def test_a_palette_key_covers_its_arguments(cache):
    from creative.design import palette_for

    palette_for.cache_clear()
    a = palette_for(SWATCHES, "triadic", "dark", None)
    b = palette_for(SWATCHES, "triadic", "light", None)
    c = palette_for((Swatch((30, 60, 200), 1.0, (32.0, 40.0, -70.0)),), "triadic", "dark", None)
    assert len(_entries(cache, "palettes")) == 3 and len({a, b, c}) == 3
    palette_for.cache_clear()


def test_templates_are_kept_and_follow_their_file(cache, tmp_path):
    from creative.resources import bundled_templates_dir
    from creative.template.registry import _load_cached, load_path

    src = tmp_path / "mine.yaml"
    shutil.copy(bundled_templates_dir() / "minimal.yaml", src)
    _load_cached.cache_clear()
    first = load_path(src)
    assert len(_entries(cache, "templates")) == 1
    _load_cached.cache_clear()
    assert load_path(src) == first  # from the cache
    (entry,) = _entries(cache, "templates")
    entry.write_text(json.dumps("{broken"))
    _load_cached.cache_clear()
    assert load_path(src) == first  # re-parsed, entry rewritten
    # an edited file is a new entry: the edit shows
    src.write_text(src.read_text().replace("name: minimal", "name: mine"))
    os.utime(src, ns=(1, 1))
    _load_cached.cache_clear()
    assert load_path(src).name == "mine"
    _load_cached.cache_clear()


def test_font_facts_are_kept(cache):
    from creative.text import fonts

    fonts._axes.cache_clear()
    fonts._typo_metrics.cache_clear()
    path = str(fonts.get_family("inter").path(400))
    axes, typo = fonts._axes(path), fonts._typo_metrics(path)
    assert any(a[0] == "wght" for a in axes) and typo[0] > 0 < typo[1]
    assert len(_entries(cache, "fonts")) >= 2
    for entry in _entries(cache, "fonts"):
        entry.write_text("[[\"x\"]]")  # the wrong shape for every fact
    fonts._axes.cache_clear()
    fonts._typo_metrics.cache_clear()
    assert fonts._axes(path) == axes and fonts._typo_metrics(path) == typo


def test_prices_are_kept(cache):
    from decimal import Decimal

    from creative.content import format_price

    format_price.cache_clear()
    assert format_price(Decimal("1999"), "CNY", "zh-CN") == "¥1,999"
    assert len(_entries(cache, "prices")) == 1
    format_price.cache_clear()


def test_an_unwritable_cache_costs_only_time(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CREATIVE_CACHE_DIR", str(blocker))
    entry = disk_cache.entry("palettes", disk_cache.key_of("x"))
    disk_cache.write_json(entry, {"a": 1})  # no error
    assert disk_cache.read_json(entry) is None
    assert not list(tmp_path.glob("**/*.part"))
