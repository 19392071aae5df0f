"""The ``creative`` command line: thin commands over library functions.

Each command module parses options, calls one ``creative.*`` function and prints.
Library errors (:class:`creative.errors.CreativeError`) become one line on stderr
and exit code 1 (2 for usage); a traceback appears only with ``--debug``.
"""
from __future__ import annotations

import os
import sys

import typer

from .. import __version__

app = typer.Typer(
    name="creative",
    help="Marketing creative generator: product photo in, ranked on-brand banners out.",
    rich_markup_mode="rich",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"creative {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks for errors.", envvar="CREATIVE_DEBUG"),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Marketing creative generator: product photo in, ranked on-brand banners out."""


def _register() -> None:
    from . import analyze, banner, batch, cutout, demo, gallery, golden, models, template, video

    for mod in (banner, batch, cutout, analyze, video, models, gallery, golden, demo):
        mod.register(app)
    app.add_typer(template.app, name="template")


_register()


def _one_line_warnings() -> None:
    """Library warnings (a dropped glyph, a skipped photo) as ``warning: ...`` lines, each once."""
    import warnings

    seen: set[str] = set()

    def show(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
        text = str(message)
        if text not in seen:
            seen.add(text)
            typer.secho(f"warning: {text}", err=True, fg="yellow")

    warnings.showwarning = show


def _debug_requested(argv: list[str]) -> bool:
    return "--debug" in argv or os.environ.get("CREATIVE_DEBUG", "").lower() in ("1", "true", "yes")


def _quick_exit() -> None:
    """Let the interpreter's exit skip collecting garbage: everything still alive when a command
    ends (fonts, templates, pixels) is only freed, and a last collection over it takes 0.1 s."""
    import gc

    gc.freeze()


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and turn library errors into one-line messages.

    Typer (standalone mode) reports usage errors itself with exit code 2; a
    :class:`CreativeError` from the library becomes ``error: ...`` and its exit code.
    """
    # NumPy's BLAS starts a thread per core on import and lets it spin: about 0.15 s of CPU here
    # for nothing, as no command does large matrix products (work is spread over processes).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from ..errors import CreativeError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = _debug_requested(args)
    if not debug:
        _one_line_warnings()
    try:
        app(args=args, prog_name="creative")
    except SystemExit:
        if argv is None:  # the process ends here (not a test or a caller that goes on)
            _quick_exit()
        raise
    except CreativeError as e:
        if debug:
            raise
        typer.secho(f"error: {e}", err=True, fg="red")
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        typer.secho("interrupted", err=True)
        sys.exit(130)
    except Exception as e:  # a bug: say so in one line unless --debug
        if debug:
            raise
        typer.secho(f"internal error: {type(e).__name__}: {e} (run with --debug for the traceback)", err=True, fg="red")
        sys.exit(1)
