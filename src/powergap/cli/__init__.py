"""The ``powergap`` command: a thin typer app; every command calls one library function.

Each feature registers its commands from its own module (``cli/<feature>.py`` exposing
``register(app)``), so features do not edit each other's code. Errors are one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys

# Arrow's default allocator (mimalloc) keeps the pages of the many short-lived decoded row
# groups a report reads, so a process's peak memory grows by a few hundred MB; the system
# allocator gives them back, at no cost in time. Read when pyarrow first allocates, so this
# comes before any import of pyarrow (or pandas); a value the user set wins.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

import typer  # noqa: E402

app = typer.Typer(
    name="powergap",
    help="Power asymmetry and alignment between states, from open data, with evidence and citations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

FEATURES = ["data", "panel", "capability", "relations", "assess", "claims", "report", "orbit"]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("powergap")
        except PackageNotFoundError:  # run from a source tree without installing
            v = "unknown (not installed)"
        print(f"powergap {v}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", help="Print powergap's version and exit.",
                                       is_eager=True, callback=_version)) -> None:
    """Power asymmetry and alignment between states, from open data, with evidence and citations."""

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


def _exception_classes(name: str) -> tuple[type, ...]:
    """Classes called ``name`` (Exit, Abort, ClickException) wherever the installed typer
    and click define them: typer 0.2x vendors its own copy of click."""
    import importlib

    found = []
    for mod in ("typer.exceptions", "typer._click.exceptions", "typer._click", "click.exceptions", "click"):
        try:
            cls = getattr(importlib.import_module(mod), name, None)
        except ImportError:
            continue
        if isinstance(cls, type) and cls not in found:
            found.append(cls)
    return tuple(found) or (type("_Never", (Exception,), {}),)


def _one_default(command) -> None:
    """Show each default once: an option whose help already says "(default ...)" does not get
    click's "[default: ...]" as well; arguments are named in capitals (A, B), as in the docs."""
    for param in getattr(command, "params", []):
        if "default" in (getattr(param, "help", None) or "").lower():
            param.show_default = False
        if param.param_type_name == "argument" and param.name and len(param.name) <= 2:
            param.metavar = param.name.upper()
    for sub in getattr(command, "commands", {}).values():
        _one_default(sub)


def run() -> None:
    """The ``powergap`` command as a process (the console script and ``python -m powergap``):
    :func:`main`, with the garbage collector set for a process that lives a few seconds.

    The default thresholds run a few hundred collections that find little (about 0.05-0.1 s
    of a report); with these, a handful, and cycles are still collected. At exit the
    interpreter collects every object once more (about 0.13 s after a report or an
    assessment) only to free them: frozen, they are freed without that pass. In-process
    callers of :func:`main` (tests, notebooks) keep their own collector settings."""
    import gc

    gc.set_threshold(100_000, 50, 100)
    try:
        main()
    finally:
        gc.freeze()


def main(argv: list[str] | None = None) -> None:
    import signal

    from ..errors import PowergapError

    if hasattr(signal, "SIGPIPE"):  # `powergap ... | head` ends quietly, as Unix tools do
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)

    exit_exc = _exception_classes("Exit")
    abort_exc = _exception_classes("Abort")
    click_exc = _exception_classes("ClickException")

    try:
        import typer.main

        command = typer.main.get_command(app)
        _one_default(command)
        rv = command.main(args=argv, standalone_mode=False, prog_name="powergap")
        if isinstance(rv, int) and rv:
            raise SystemExit(rv)
    except exit_exc as exc:
        raise SystemExit(exc.exit_code) from None
    except abort_exc:
        fail("aborted", 130)
    except click_exc as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `powergap` or `powergap data`: show help
            print(exc.format_message())
            raise SystemExit(0) from None
        fail(exc.format_message().replace("\n", " "), exc.exit_code or 2)
    except PowergapError as exc:  # exit 2 for bad input or data, 1 for OutputError (docs/errors.md)
        fail(str(exc).replace("\n", " "), getattr(exc, "exit_code", 2))
    except BrokenPipeError:
        raise SystemExit(0) from None
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except OSError as exc:
        fail(f"{exc.strerror or exc}{': ' + str(exc.filename) if exc.filename else ''}", 1)
