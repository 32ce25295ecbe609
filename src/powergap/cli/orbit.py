"""``powergap orbit STATE... --between A B``: which of two powers do these states lean toward?

A thin wrapper over :func:`powergap.orbit`; ``--json`` prints exactly the result's
``to_json()`` (docs/orbit.md), ``-o FILE.html`` writes the orbit page, otherwise a table
(one row per state-year) and, per state, when its trade lean moved from B to A.
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

import typer


def _stage(s: Any) -> str:
    if not s:
        return "-"
    return str(s).replace("at least ", ">=").replace("unassessed", "-")


def run_orbit(states: list[str], between: tuple[str, str] | None, *, region: str | None, world: bool,
              year: int | None, start: int | None, end: int | None, progress=None):
    """Check the options, then call :func:`powergap.orbit` (shared by ``orbit`` and ``report --orbit``)."""
    from ..errors import InputError
    from ..orbits import orbit

    if not between or len(between) != 2 or not all(between):
        raise InputError("give the two powers: --between A B")
    if world and (states or region):
        raise InputError("--world takes every state of the system: give no states and no --region with it")
    if world and year is None:
        raise InputError("--world reads one year: give --year Y")
    if year is not None and not world and (start is not None or end is not None):
        raise InputError("give either --year or --start/--end, not both")
    return orbit(states, between=between, region=region, world=world, start=start, end=end, year=year,
                 progress=progress)


def orbit_report(states: list[str], between: tuple[str, str] | None, *, region: str | None, world: bool,
                 year: int | None, start: int | None, end: int | None, output: Any, generated: str | None) -> None:
    """Write the orbit page (``powergap orbit ... -o FILE`` and ``powergap report --orbit``)."""
    import time
    from pathlib import Path

    from ..report import _chromium, check_writable, output_format
    from ..report.orbit import write_orbit_report

    if output_format(output) == "pdf":  # one clear line before any work
        _chromium()
    check_writable(output)
    t0 = time.perf_counter()
    result = run_orbit(states, between, region=region, world=world, year=year, start=start, end=end)
    path = write_orbit_report(result, Path(output), generated=generated)
    typer.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")


def print_table(result: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    from .relations import _num, _pct  # the terminal's number formats, shared

    console = Console()
    if not console.is_terminal:
        console = Console(width=170)
    A, B = result.labels
    span = f"{result.start}-{result.end}" if result.start != result.end else str(result.start)
    where = f" ({result.region})" if result.region else " (every state of the system)" if result.world else ""
    t = Table(title=f"Between {result.a.name} ({A}) and {result.b.name} ({B}), {span}{where}", title_justify="left")
    for col, just in (("State", "left"), ("Year", "right"), (f"Trade {A}", "right"), (f"Trade {B}", "right"),
                      (f"Arms {A}", "right"), (f"Arms {B}", "right"), (f"FDI {A}", "right"), (f"FDI {B}", "right"),
                      (f"UN {A}", "right"), (f"UN {B}", "right"), (f"Stage w/ {A}", "left"),
                      (f"Stage w/ {B}", "left"), ("Trade lean", "left"), ("Lean", "left")):
        t.add_column(col, justify=just, no_wrap=True)
    ideal = False
    for r in result.frame.itertuples(index=False):
        mark = ""
        if r.votes_measure == "ideal-point distance":
            mark, ideal = "d", True
        t.add_row(r.label, str(r.year), _pct(r.trade_a), _pct(r.trade_b), _pct(r.arms_a), _pct(r.arms_b),
                  _pct(r.investment_a), _pct(r.investment_b), mark + _num(r.votes_a), mark + _num(r.votes_b),
                  _stage(getattr(r, "stage_a", None)), _stage(getattr(r, "stage_b", None)),
                  r.lean_trade or "no data", r.lean or "no data")
    console.print(t)
    console.print(f"[dim]Trade: share of the state's total trade; Arms: share of its arms imports over "
                  f"{result.rule.arms_window} years (SIPRI TIV); FDI: the power's direct-investment position over "
                  f"the state's GDP; UN: agreement in General Assembly roll calls"
                  + ("; d = distance between UN ideal points (years with too few roll calls; smaller is closer)"
                     if ideal else "")
                  + f". Lean: toward a power when its share is at least {result.rule.ratio:g} times the other's "
                    f"(docs/orbit.md). '-' = no data.[/dim]")
    for n in result.notes:
        console.print(f"[dim]note: {n}[/dim]")
    if result.start != result.end:
        console.print(f"\nWhen the trade lean moved from {B} to {A}:")
        for line in result.summary():
            console.print(f"  {line}", highlight=False)


def register(app: typer.Typer) -> None:
    @app.command("orbit")
    def orbit_cmd(
        states: Optional[List[str]] = typer.Argument(None, help="States between the two powers (names or codes).",
                                                     show_default=False, metavar="STATE"),
        between: Optional[Tuple[str, str]] = typer.Option(None, "--between", help="The two powers, A and B.",
                                                          show_default=False),
        region: Optional[str] = typer.Option(None, "--region", help="A UN M49 sub-region, e.g. \"Central Asia\" "
                                             "(docs/orbit.md lists them).", show_default=False),
        world: bool = typer.Option(False, "--world", help="Every state of the system in --year."),
        year: Optional[int] = typer.Option(None, "--year", help="One year (needed with --world).",
                                           show_default=False),
        start: Optional[int] = typer.Option(None, "--start", help="First year (default: 30 years before the last).",
                                            show_default=False),
        end: Optional[int] = typer.Option(None, "--end", help="Last year (default: the last year any state has a "
                                          "lean).", show_default=False),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
        output: Optional[str] = typer.Option(None, "-o", "--output", help="Write the orbit page to FILE.html "
                                             "(map, small multiples, tables).", show_default=False),
        generated: Optional[str] = typer.Option(None, "--generated", help="Text of the page's generation-time "
                                                "element (default: now, UTC).", show_default=False),
    ) -> None:
        """Which of two powers do these states lean toward, by trade, arms, investment and UN votes?"""
        if output is not None:
            orbit_report(list(states or []), between, region=region, world=world, year=year, start=start, end=end,
                         output=output, generated=generated)
            return
        result = run_orbit(list(states or []), between, region=region, world=world, year=year, start=start, end=end)
        if as_json:
            typer.echo(result.to_json())
            return
        print_table(result)
