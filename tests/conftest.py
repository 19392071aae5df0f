"""Shared fixtures: an isolated cache, the fake remover, synthetic product photos."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests are pinned: the same examples every run, so CI is never red by luck.
# HYPOTHESIS_PROFILE=explore draws fresh examples (run it locally to hunt for new failures).
settings.register_profile("pinned", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "pinned"))


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    """The test session writes cut-outs to its own cache, never the user's."""
    old = os.environ.get("CREATIVE_CACHE_DIR")
    os.environ["CREATIVE_CACHE_DIR"] = str(tmp_path_factory.getbasetemp() / "cutout-cache")
    yield
    if old is None:
        os.environ.pop("CREATIVE_CACHE_DIR", None)
    else:
        os.environ["CREATIVE_CACHE_DIR"] = old


@pytest.fixture(scope="session", autouse=True)
def fake_remover(_isolated_cache):
    from creative.cutout import REMOVERS, register_remover
    from creative.testing.fixtures import WhiteBackgroundRemover

    if "fake" not in REMOVERS:
        register_remover(WhiteBackgroundRemover)
    return "fake"


@pytest.fixture(scope="session")
def product_photos(tmp_path_factory) -> dict[str, Path]:
    """Synthetic product photos on white (bottle, wide, round) written as JPEG/PNG files."""
    from creative.testing.fixtures import synthetic_product

    folder = tmp_path_factory.mktemp("photos")
    out = {}
    for kind, color in (("bottle", (196, 48, 40)), ("wide", (30, 90, 170)), ("round", (240, 200, 40))):
        photo, _ = synthetic_product(kind, color)
        p = folder / f"{kind}.png"
        photo.save(p)
        out[kind] = p
    return out


@pytest.fixture(scope="session")
def bottle_product(product_photos):
    from creative.design import prepare_product

    return prepare_product(product_photos["bottle"], remover="fake")
