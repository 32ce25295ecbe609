"""``powergap panel state-years|dyad-years``: build a panel, add datasets, write a file.

Mirrors :func:`powergap.state_years` / :func:`powergap.dyad_years` and the ``add_*`` verbs;
the output format follows the file's extension (.parquet, .csv, .feather) and the file is
replaced atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

ADD_HELP = ("Datasets to add, comma-separated or repeated: nmc, gdp, milex, nuclear, tech, regime, ideal_points "
            "(any panel); trade, arms_transfers, alliances, igos, votes, dependence, events, opinion, asymmetry "
            "(dyad-years only).")


def _run(kind: str, *, start: Optional[int], end: Optional[int], directed: bool, add: List[str],
         end_year: Optional[int], output: Path) -> None:
    from ..outputs import check_output
    from ..panels.fast import fast_verbs, verb_names, write_panel_file
    from ..panels.io import panel_format
    from ..validate import names

    verbs = verb_names(names(add, "--add")) if add else []  # unknown or empty names fail before any work
    panel_format(output)  # so does an unknown extension
    check_output(output, what="the panel")  # and an output path that cannot be (safely) replaced
    if fast_verbs(verbs):
        # State-level verbs only: numpy + pyarrow straight to the file, no pandas (panels/fast.py)
        n_rows, n_cols, info = write_panel_file(kind, output, verbs=verbs, directed=directed, start=start, end=end,
                                                end_year=end_year)
        _done(n_rows, n_cols, info, output)
        return

    from rich.console import Console

    from ..panels import add as add_verbs
    from ..panels import dyad_years, state_years, write_panel

    console = Console(stderr=True)
    with console.status(f"building {kind}") as status:
        if kind == "state-years":
            panel = state_years(start=start, end=end, end_year=end_year)
        else:
            panel = dyad_years(directed=directed, start=start, end=end, end_year=end_year)
        if verbs:
            panel = add_verbs(panel, verbs, progress=lambda msg: status.update(msg))
        write_panel(panel, output, progress=lambda done: status.update(f"writing {output} ({done:.0%})"))
    _done(len(panel), panel.shape[1], panel.attrs, output)


def _done(n_rows: int, n_cols: int, info: dict, output: Path) -> None:
    typer.echo(f"wrote {n_rows:,} rows x {n_cols} columns ({info['unit']}, "
               f"{info['start']}-{info['end']}; sources: {', '.join(info['sources'])}) to {output}")


def register(app: typer.Typer) -> None:
    panel = typer.Typer(help="Build state-year and dyad-year panels with datasets added, written to a file.",
                        no_args_is_help=True)
    app.add_typer(panel, name="panel")

    @panel.command("state-years")
    def state_years_cmd(
        start: Optional[int] = typer.Option(None, "--start", help="First year (default 1816)."),
        end: Optional[int] = typer.Option(None, "--end", help="Last year (default: the end year)."),
        add: List[str] = typer.Option([], "--add", help=ADD_HELP),
        end_year: Optional[int] = typer.Option(None, "--end-year",
                                               help="Extend open membership spells to this year "
                                                    "(default: the snapshot's last year of data)."),
        output: Path = typer.Option(..., "-o", "--output", help="Output file: .parquet, .csv or .feather."),
    ) -> None:
        """Every state-year of the COW state system, with the datasets asked for."""
        _run("state-years", start=start, end=end, directed=True, add=add, end_year=end_year, output=output)

    @panel.command("dyad-years")
    def dyad_years_cmd(
        start: Optional[int] = typer.Option(None, "--start", help="First year (default 1816)."),
        end: Optional[int] = typer.Option(None, "--end", help="Last year (default: the end year)."),
        directed: bool = typer.Option(True, "--directed/--non-directed",
                                      help="Both orders of each pair (default), or ccode1 < ccode2 only."),
        add: List[str] = typer.Option([], "--add", help=ADD_HELP),
        end_year: Optional[int] = typer.Option(None, "--end-year",
                                               help="Extend open membership spells to this year "
                                                    "(default: the snapshot's last year of data)."),
        output: Path = typer.Option(..., "-o", "--output", help="Output file: .parquet, .csv or .feather."),
    ) -> None:
        """Every dyad-year of the COW state system (same rows as peacesciencer's
        create_dyadyears), with the datasets asked for."""
        _run("dyad-years", start=start, end=end, directed=directed, add=add, end_year=end_year, output=output)
