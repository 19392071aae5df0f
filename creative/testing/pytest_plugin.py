"""pytest plugin (entry point ``pytest11``): golden-image fixtures for creative templates.

    def test_my_banner(creative_render_golden):
        creative_render_golden("my-template.yaml", "1080x1080", content={"title": "Cup", "price": "19"},
                               photo="tests/photos/cup.png")

    def test_my_image(creative_golden):
        img = ...render...
        creative_golden.check(img, "my-template/1080x1080.png")

``--creative-update-goldens`` rewrites goldens instead of comparing; a missing golden fails;
on a mismatch the expected, actual and diff images are saved and their paths printed (in
the failure message and a "creative golden images" report section).

Tolerance, most specific first: the ``tolerance=`` argument, the marker
``@pytest.mark.creative_tolerance(mean=..., changed=..., threshold=...)``, the command line
(``--creative-tolerance-mean/-changed/-threshold``), the ini file (``creative_tolerance_mean``
...), then :class:`creative.testing.Tolerance`'s defaults.
"""
from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest

from .images import GoldenMismatch, Tolerance, check_golden

_TOL_FIELDS = {f.name: f.type for f in fields(Tolerance)}
_TOL_HELP = {
    "mean": "mean absolute difference allowed, 0-255",
    "changed": "share of pixels allowed to differ strongly, 0-1",
    "threshold": "channel difference that counts as strong, 0-255",
}
_FAILURES = pytest.StashKey[list]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("creative", "creative golden images")
    group.addoption("--creative-update-goldens", action="store_true", default=False,
                    help="Rewrite golden images instead of comparing with them.")
    group.addoption("--creative-golden-dir", default=None,
                    help="Folder of golden images (default: ini creative_golden_dir, else 'goldens' beside each test file).")
    group.addoption("--creative-failure-dir", default=None,
                    help="Where expected/actual/diff images of failed comparisons go (default: <golden dir>/_failures).")
    parser.addini("creative_golden_dir", "Folder of golden images, relative to the rootdir.", default=None)
    for name, text in _TOL_HELP.items():
        group.addoption(f"--creative-tolerance-{name}", default=None, type=float, help=f"Golden tolerance: {text}.")
        parser.addini(f"creative_tolerance_{name}", f"Golden tolerance: {text}.", default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "creative_tolerance(mean=None, changed=None, threshold=None): "
                                       "golden-image tolerance for this test")


def _coerce(name: str, value: Any) -> Any:
    return int(float(value)) if _TOL_FIELDS[name] in (int, "int") else float(value)


def tolerance_for(request: pytest.FixtureRequest) -> Tolerance:
    """The tolerance in force for a test: marker over command line over ini over defaults."""
    config = request.config
    values: dict[str, Any] = {}
    for name in _TOL_FIELDS:
        ini = config.getini(f"creative_tolerance_{name}")
        if ini not in (None, "", []):
            values[name] = _coerce(name, ini)
        opt = config.getoption(f"--creative-tolerance-{name}")
        if opt is not None:
            values[name] = _coerce(name, opt)
    marker = request.node.get_closest_marker("creative_tolerance")
    if marker is not None:
        unknown = set(marker.kwargs) - set(_TOL_FIELDS)
        if unknown or marker.args:
            raise pytest.UsageError(f"creative_tolerance takes keyword arguments {', '.join(_TOL_FIELDS)}")
        values.update({k: _coerce(k, v) for k, v in marker.kwargs.items() if v is not None})
    return replace(Tolerance(), **values)


class GoldenChecker:
    """Compares images with goldens under ``root`` (``creative_golden`` fixture)."""

    def __init__(self, root: Path, update: bool, failure_dir: Path | None, tolerance: Tolerance = Tolerance(),
                 node: pytest.Item | None = None):
        self.root = root
        self.update = update
        self.failure_dir = failure_dir
        self.tolerance = tolerance
        self._node = node

    def check(self, image, name: str, *, tolerance: Tolerance | None = None):
        """Compare ``image`` with the golden ``name`` (a path under the golden folder)."""
        golden = self.root / name
        fail_dir = self.failure_dir or (self.root / "_failures")
        try:
            return check_golden(image, golden, update=self.update, tol=tolerance or self.tolerance,
                                failure_dir=fail_dir / Path(name).parent)
        except GoldenMismatch as e:
            if self._node is not None:
                self._node.stash.setdefault(_FAILURES, []).append((name, e.paths))
            raise


class RenderGolden:
    """``creative_render_golden(template, size, content=..., photo=...)``: render, then compare with the golden."""

    def __init__(self, checker: GoldenChecker):
        self.checker = checker

    def __call__(self, template: str, size, *, content=None, photo=None, product=None, remover: str = "auto",
                 variant: int = 0, scheme: str | None = None, tone: str | None = None, brand=None,
                 template_dirs=(), name: str | None = None, tolerance: Tolerance | None = None):
        from .render import golden_name, render_for_golden

        image = render_for_golden(template, size, content=content, photo=photo, product=product, remover=remover,
                                  variant=variant, scheme=scheme, tone=tone, brand=brand, template_dirs=template_dirs)
        return self.checker.check(image, name or golden_name(str(template), size, variant=variant, scheme=scheme,
                                                              tone=tone), tolerance=tolerance)


def _golden_root(request: pytest.FixtureRequest) -> Path:
    config = request.config
    opt = config.getoption("--creative-golden-dir")
    if opt:
        return Path(opt)
    ini = config.getini("creative_golden_dir")
    if ini:
        return Path(config.rootpath) / ini
    return Path(request.path).parent / "goldens"


@pytest.fixture
def creative_golden(request: pytest.FixtureRequest) -> GoldenChecker:
    """Compare images with stored goldens: ``creative_golden.check(image, "name/1080x1080.png")``."""
    fail = request.config.getoption("--creative-failure-dir")
    return GoldenChecker(_golden_root(request), bool(request.config.getoption("--creative-update-goldens")),
                         Path(fail) if fail else None, tolerance_for(request), request.node)


@pytest.fixture
def creative_render_golden(creative_golden: GoldenChecker) -> RenderGolden:
    """Render a template with given inputs and compare it with its golden (``TEMPLATE/WxH.png``)."""
    return RenderGolden(creative_golden)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    failures = item.stash.get(_FAILURES, None)
    if failures and report.when == "call" and report.failed:
        lines = []
        for name, paths in failures:
            lines.append(name)
            lines += [f"  {kind:8s} {path}" for kind, path in paths.items()]
        report.sections.append(("creative golden images", "\n".join(lines)))
    return report
