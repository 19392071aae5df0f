"""pytest plugin (entry point ``pytest11``): golden-image fixtures for creative templates.

    def test_my_banner(creative_golden):
        img = ...render...
        creative_golden.check(img, "my-template/1080x1080.png")

``--creative-update-goldens`` rewrites goldens instead of comparing; a missing golden
fails; on a mismatch the expected, actual and diff images are saved and their paths
printed in the failure message.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from .images import Tolerance, check_golden


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("creative", "creative golden images")
    group.addoption("--creative-update-goldens", action="store_true", default=False,
                    help="Rewrite golden images instead of comparing with them.")
    group.addoption("--creative-golden-dir", default=None,
                    help="Folder of golden images (default: 'goldens' beside each test file).")
    group.addoption("--creative-failure-dir", default=None,
                    help="Where expected/actual/diff images of failed comparisons go (default: <golden dir>/_failures).")


class GoldenChecker:
    def __init__(self, root: Path, update: bool, failure_dir: Path | None):
        self.root = root
        self.update = update
        self.failure_dir = failure_dir

    def check(self, image, name: str, *, tolerance: Tolerance | None = None):
        golden = self.root / name
        fail_dir = self.failure_dir or (self.root / "_failures")
        return check_golden(image, golden, update=self.update, tol=tolerance or Tolerance(),
                            failure_dir=fail_dir / Path(name).parent)


@pytest.fixture
def creative_golden(request: pytest.FixtureRequest) -> GoldenChecker:
    opt = request.config.getoption
    root = Path(opt("--creative-golden-dir") or Path(request.fspath).parent / "goldens")
    fail = opt("--creative-failure-dir")
    return GoldenChecker(root, bool(opt("--creative-update-goldens")), Path(fail) if fail else None)
