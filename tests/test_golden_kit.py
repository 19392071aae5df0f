"""The golden-image kit for users: the pytest plugin (run with pytester) and ``creative golden check/update``."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import typer
from PIL import Image
from typer.testing import CliRunner

from creative.cli import golden
from creative.testing.fixtures import synthetic_product

pytest_plugins = ["pytester"]


def _cutout(path: Path) -> Path:
    """A product photo with real transparency: its own alpha is used, no model runs."""
    photo, mask = synthetic_product("bottle", (196, 48, 40), (240, 320))
    rgba = photo.convert("RGBA")
    rgba.putalpha(mask)
    path.parent.mkdir(parents=True, exist_ok=True)
    rgba.save(path)
    return path


TEST_FILE = """
import pytest

PHOTO = {photo!r}

def test_banner(creative_render_golden):
    creative_render_golden("minimal", "300x250", content={{"title": {title!r}, "price": "19.99"}}, photo=PHOTO)
"""


def _run(pytester, *args: str):
    """An in-process pytest run; hypothesis's plugin would re-import all of hypothesis every run."""
    return pytester.runpytest("-p", "no:hypothesispytest", "-p", "no:cacheprovider", *args)


@pytest.fixture(scope="module", autouse=True)
def _imported(tmp_path_factory):
    """Render once out here: pytester's in-process runs drop the modules they import when they end,
    and a second copy of PyYAML's C loader cannot be imported, so everything is imported first."""
    from creative.testing.render import render_for_golden

    render_for_golden("minimal", "300x250", photo=_cutout(tmp_path_factory.mktemp("warm") / "cup.png"))


@pytest.fixture
def project(pytester):
    photo = _cutout(pytester.path / "photos" / "cup.png")

    def write(title: str = "Espresso Cup", extra: str = "") -> None:
        pytester.makepyfile(test_banner=TEST_FILE.format(photo=str(photo), title=title) + textwrap.dedent(extra))

    return write


def test_plugin_is_registered_through_its_entry_point(pytester):
    text = _run(pytester, "--help").stdout.str()
    for option in ("--creative-update-goldens", "--creative-golden-dir", "--creative-failure-dir",
                   "--creative-tolerance-mean", "--creative-tolerance-changed", "--creative-tolerance-threshold",
                   "creative_tolerance_mean (string)"):
        assert option in text, option


def test_missing_golden_fails_update_writes_it_then_it_passes(pytester, project):
    project()
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*golden image is missing*--creative-update-goldens*"])
    result = _run(pytester, "--creative-update-goldens")
    result.assert_outcomes(passed=1)
    golden = pytester.path / "goldens" / "minimal" / "300x250.png"
    with Image.open(golden) as im:
        assert im.size == (300, 250)
    _run(pytester).assert_outcomes(passed=1)


def test_a_change_fails_and_saves_expected_actual_and_diff(pytester, project):
    project("Espresso Cup")
    _run(pytester, "--creative-update-goldens").assert_outcomes(passed=1)
    project("A Completely Different Title")
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*creative golden images*", "*expected*300x250.expected.png*",
                                 "*actual*300x250.actual.png*", "*diff*300x250.diff.png*"])
    fail_dir = pytester.path / "goldens" / "_failures" / "minimal"
    for kind in ("expected", "actual", "diff"):
        assert (fail_dir / f"300x250.{kind}.png").is_file()


def test_tolerance_from_marker_command_line_and_ini(pytester, project):
    project("Espresso Cup")
    _run(pytester, "--creative-update-goldens").assert_outcomes(passed=1)
    project("Tea Pot")  # another title: the headline moved
    _run(pytester).assert_outcomes(failed=1)
    _run(pytester, "--creative-tolerance-mean=255", "--creative-tolerance-changed=1").assert_outcomes(passed=1)
    pytester.makeini("[pytest]\ncreative_tolerance_mean = 255\ncreative_tolerance_changed = 1\n")
    _run(pytester).assert_outcomes(passed=1)
    pytester.makeini("[pytest]\n")
    project("Tea Pot", extra="""
        @pytest.mark.creative_tolerance(mean=255, changed=1.0)
        def test_loose(creative_render_golden):
            creative_render_golden("minimal", "300x250", content={"title": "Teapot Deluxe", "price": "19.99"},
                                   photo=PHOTO, name="minimal/300x250.png")
    """)
    result = _run(pytester)
    result.assert_outcomes(passed=1, failed=1)  # test_banner still fails; the marked test passes
    result.stdout.fnmatch_lines(["*FAILED*test_banner*"])


def test_creative_golden_fixture_and_golden_dir_option(pytester):
    pytester.makepyfile(test_img="""
        from PIL import Image

        def test_img(creative_golden):
            creative_golden.check(Image.new("RGB", (40, 30), (200, 10, 10)), "red/40x30.png")
    """)
    where = pytester.path / "elsewhere"
    _run(pytester, f"--creative-golden-dir={where}", "--creative-update-goldens").assert_outcomes(passed=1)
    assert (where / "red" / "40x30.png").is_file()
    _run(pytester, f"--creative-golden-dir={where}").assert_outcomes(passed=1)
    _run(pytester).assert_outcomes(failed=1)  # the default folder has no such golden


# --- creative golden check / update -----------------------------------------------------------

CASE = """\
template: {template}
photo: photos/cup.png
content: {{title: {title}, price: "19.99", original_price: "29.99"}}
sizes: [300x250, 728x90]
"""


def _app() -> typer.Typer:
    app = typer.Typer()
    golden.register(app)

    @app.callback()
    def _root() -> None:
        pass

    return app


def _cli(*args: str):
    return CliRunner().invoke(_app(), list(args))


@pytest.fixture
def cases(tmp_path) -> Path:
    from creative.template.scaffold import new_template

    _cutout(tmp_path / "photos" / "cup.png")
    new_template("house", source="bold-sale", folder=tmp_path / "templates")
    (tmp_path / "cup.case.yaml").write_text(CASE.format(template="minimal", title="Espresso Cup"))
    (tmp_path / "house.case.yaml").write_text(CASE.format(template="templates/house.yaml", title="Espresso Cup"))
    return tmp_path


def test_golden_cli_check_update_and_a_moved_case(cases):
    r = _cli("golden", "check", str(cases))
    assert r.exit_code == 1 and "missing" in r.output and "4 missing" in r.output
    r = _cli("golden", "update", str(cases))
    assert r.exit_code == 0 and "4 written" in r.output
    assert (cases / "goldens" / "house" / "728x90.png").is_file()
    r = _cli("golden", "check", str(cases))
    assert r.exit_code == 0 and "2 cases, 4 images: 4 ok" in r.output

    (cases / "house.case.yaml").write_text(CASE.format(template="templates/house.yaml", title="Another Cup Entirely"))
    r = _cli("golden", "check", str(cases))
    assert r.exit_code == 1
    assert "moved" in r.output and "2 moved, 2 ok" in r.output
    diff = cases / "_failures" / "house" / "300x250.diff.png"
    assert diff.is_file() and str(diff) in r.output

    r = _cli("golden", "update", str(cases), "--case", "house")
    assert r.exit_code == 0 and "2 written" in r.output
    r = _cli("golden", "update", str(cases))
    assert r.exit_code == 0 and "4 unchanged" in r.output
    r = _cli("golden", "check", str(cases))
    assert r.exit_code == 0 and not diff.exists()  # stale failure images are cleared


def test_golden_cli_reports_a_bad_case_and_checks_the_rest(cases):
    _cli("golden", "update", str(cases))
    (cases / "broken.case.yaml").write_text("template: minimal\ncontent: {title: Cup}\nsizes: [300x250]\ncolour: red\n")
    (cases / "nophoto.case.yaml").write_text("template: minimal\nphoto: missing.png\nsize: 300x250\n")
    r = _cli("golden", "check", str(cases))
    assert r.exit_code == 1
    assert "broken.case.yaml:4: colour: unknown field" in r.output
    assert "missing.png not found" in r.output
    assert "4 ok" in r.output  # the good cases were still checked


def test_golden_cli_usage_errors(tmp_path):
    from creative.errors import UsageError

    r = _cli("golden", "check", str(tmp_path))
    assert isinstance(r.exception, UsageError) and "no golden cases" in str(r.exception)
