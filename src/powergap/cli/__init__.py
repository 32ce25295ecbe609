"""The ``powergap`` command: a thin typer app; every command calls one library function.

Each feature registers its commands from its own module (``cli/<feature>.py`` exposing
``register(app)``), so features do not edit each other's code. Errors are one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import typer

app = typer.Typer(
    name="powergap",
    help="Power asymmetry and alignment between states, from open data, with evidence and citations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

FEATURES = ["data", "panel", "capability", "relations", "assess", "claims", "report"]

for _name in FEATURES:
    try:
        _mod = importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as exc:  # a feature not built yet
        if exc.name != f"{__name__}.{_name}":
            raise
        continue
    _mod.register(app)


def fail(message: str, code: int = 2) -> None:
    """Print one error line and exit."""
    print(f"powergap: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    import click

    from ..errors import PowergapError

    try:
        rv = app(args=argv, standalone_mode=False, prog_name="powergap")
        if isinstance(rv, int) and rv:
            raise SystemExit(rv)
    except click.exceptions.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except click.exceptions.Abort:
        fail("aborted", 130)
    except click.ClickException as exc:
        fail(exc.format_message().replace("\n", " "), exc.exit_code or 2)
    except PowergapError as exc:
        fail(str(exc).replace("\n", " "))
    except BrokenPipeError:
        raise SystemExit(0) from None
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except OSError as exc:
        fail(f"{exc.strerror or exc}{': ' + str(exc.filename) if exc.filename else ''}", 1)
