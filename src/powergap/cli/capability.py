"""``powergap profile`` and ``powergap robustness``: capability asymmetry of two states."""

from __future__ import annotations

import math
from pathlib import Path
from typing import List, Optional

import typer


def _split(values: Optional[List[str]]) -> Optional[list[str]]:
    """Accept ``--dimensions a,b`` as well as repeated ``--dimensions a --dimensions b``."""
    from ..validate import names

    if not values:
        return None
    return names(values, "--dimensions")  # given but empty (--dimensions "") is an error


def _fmt(x: float | None, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if math.isinf(x):
        return "inf"
    return f"{x:.{digits}f}"


def _value(x: float | None) -> str:
    """Compact display of a raw value (any unit)."""
    if x is None or x != x:
        return "-"
    if math.isinf(x):
        return "inf"
    ax = abs(x)
    if ax >= 1e6 or (0 < ax < 1e-3):
        return f"{x:.3g}"
    if ax >= 100:
        return f"{x:,.0f}"
    return f"{x:.4g}"


def _on(flag: object) -> bool | None:
    """A nullable boolean cell as True/False/None."""
    import pandas as pd

    return None if flag is None or flag is pd.NA else bool(flag)


_SHORT = {"military": "mil", "economic": "econ", "financial": "fin", "technological": "tech",
          "demographic": "demog", "nuclear": "nucl", "diplomatic": "dipl"}


def register(app: typer.Typer) -> None:
    @app.command("profile")
    def profile(
        a: str = typer.Argument(..., help="First state: name, ISO3/ISO2 code, COW abbreviation or number."),
        b: str = typer.Argument(..., help="Second state."),
        start: Optional[int] = typer.Option(None, "--start", help="First year (default: end year - 9)."),
        end: Optional[int] = typer.Option(None, "--end",
                                          help="Last year (default: the latest year with data for both states)."),
        threshold: float = typer.Option(1.5, "--threshold", help="Womack threshold on stronger/weaker (default 1.5)."),
        stability: int = typer.Option(5, "--stability", help="Years the flag must have held to be stable (default 5)."),
        registry: Optional[Path] = typer.Option(None, "--registry", help="Your own dimension registry (YAML)."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON (documented in docs/capability.md)."),
    ) -> None:
        """Compare two states' capabilities by series and dimension, year by year (Womack, Korolev)."""
        from ..measures.capability import capability_profile

        prof = capability_profile(a, b, start=start, end=end, threshold=threshold, stability=stability,
                                  registry=registry)
        if as_json:
            typer.echo(prof.to_json())
            return
        from rich import box
        from rich.console import Console
        from rich.table import Table

        console = Console()
        dims = prof.dimensions()
        names = list(prof.registry.dimensions)
        t = Table(title=f"{prof.a.label} vs {prof.b.label}: stronger side and ratio by dimension "
                        f"(* = ratio >= {prof.threshold:g}, ! = stable {prof.stability} years)",
                  box=box.SIMPLE_HEAD)
        t.add_column("year", no_wrap=True, min_width=4)
        for n in names:
            t.add_column(_SHORT.get(n, n))
        for year, grp in dims.groupby("year", sort=True):
            cells = []
            g = grp.set_index("name")
            for n in names:
                r = g.loc[n]
                if r["ratio"] != r["ratio"]:
                    cells.append("-")
                    continue
                mark = ("*" if _on(r["womack"]) else "") + ("!" if _on(r["stable"]) else "")
                who = r["stronger"] if isinstance(r["stronger"], str) else "="
                cells.append(f"{who} {_fmt(float(r['ratio']), 1)}{mark}")
            t.add_row(str(year), *cells)
        console.print(t)
        used = []
        for n in names:  # the series behind each dimension, as runs of years
            runs: list[list] = []
            for r in dims[dims["name"] == n].itertuples(index=False):
                if isinstance(r.series, str):
                    if runs and runs[-1][0] == r.series and runs[-1][2] == r.year - 1:
                        runs[-1][2] = r.year
                    else:
                        runs.append([r.series, r.year, r.year])
            if runs:
                used.append(f"{_SHORT.get(n, n)}: " + ", ".join(f"{s} {y0}" + (f"-{y1}" if y1 > y0 else "")
                                                                for s, y0, y1 in runs))
        if used:
            console.print("Series used (one per stability window; docs/capability.md): " + "; ".join(used))
        last = prof.series()
        last = last[last["year"] == prof.end]
        s = Table(title=f"Series in {prof.end}")
        for col in ("series", "dim", prof.a.label, prof.b.label, "ratio", "stronger", "womack", "stable"):
            s.add_column(col)
        for r in last.itertuples(index=False):
            if r.a_value != r.a_value and r.b_value != r.b_value:
                continue
            w, st = _on(r.womack), _on(r.stable)
            s.add_row(r.name, _SHORT.get(str(r.dimension), str(r.dimension)), _value(r.a_value), _value(r.b_value),
                      _fmt(r.ratio), r.stronger if isinstance(r.stronger, str) else "-",
                      "-" if w is None else "yes" if w else "no", "-" if st is None else "yes" if st else "no")
        console.print(s)
        if all(d in prof.registry.dimensions for d in ("military", "economic", "diplomatic", "financial",
                                                          "technological")):
            console.print(f"Korolev order, {prof.end}: {prof.korolev(prof.end).label}")
        if prof.unavailable_series:
            console.print(f"[dim]not in the snapshot (no data): {', '.join(prof.unavailable_series)}[/dim]")

    @app.command("robustness")
    def robustness(
        a: str = typer.Argument(..., help="First state."),
        b: str = typer.Argument(..., help="Second state."),
        year: Optional[int] = typer.Option(None, "--year",
                                           help="Year (default: the latest year with data for both states)."),
        dimensions: Optional[List[str]] = typer.Option(None, "--dimensions",
                                                       help="Dimensions to weigh (comma-separated or repeated; "
                                                            "default: all in the registry)."),
        threshold: float = typer.Option(1.5, "--threshold", help="Ratio t asked about (default 1.5)."),
        normalise: str = typer.Option("share", "--normalise", help="Per-dimension scores: share, max or none."),
        registry: Optional[Path] = typer.Option(None, "--registry", help="Your own dimension registry (YAML)."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON (documented in docs/capability.md)."),
    ) -> None:
        """Share of ALL weightings of the dimensions under which one side is >= t times the other (exact)."""
        from ..errors import InputError
        from ..measures.capability import latest_common_year
        from ..measures.robustness import NORMALISATIONS, dyad_robustness

        if normalise not in NORMALISATIONS:
            raise InputError(f"--normalise must be one of {', '.join(NORMALISATIONS)}, got {normalise!r}")
        if isinstance(threshold, float) and (not math.isfinite(threshold) or threshold < 1):
            raise InputError(f"--threshold must be a number >= 1, got {threshold}")
        dims = _split(dimensions)
        y = latest_common_year(a, b, registry=registry, dimensions=dims) if year is None else year
        res = dyad_robustness(a, b, year=y, dimensions=dims, threshold=threshold,
                              normalise=normalise, registry=registry)  # type: ignore[arg-type]
        if as_json:
            typer.echo(res.to_json())
            return
        from rich.console import Console
        from rich.table import Table

        console = Console()
        t = Table(title=f"{res.a.label} vs {res.b.label}, {res.year}: per-dimension scores ({res.normalise})")
        for col in ("dimension", "series", res.a.label, res.b.label, f"score {res.a.label}", f"score {res.b.label}"):
            t.add_column(col)
        for d in res.dimensions:
            v = res.values[d]
            t.add_row(d, res.series[d], _value(v["a"]), _value(v["b"]), _fmt(res.scores["a"][d], 3),
                      _fmt(res.scores["b"][d], 3))
        console.print(t)
        who = res.stronger or "neither side"
        console.print(f"Stronger under equal weights: {who} (composite ratio {_fmt(res.equal_weight_ratio)}).")
        console.print(f"Share of all weightings of these {len(res.dimensions)} dimensions giving {who} at least "
                      f"{res.threshold:g} times the other: "
                      f"{_fmt(res.fraction, 4)}  ({res.a.label}: {_fmt(res.fraction_a, 4)}, "
                      f"{res.b.label}: {_fmt(res.fraction_b, 4)})")
        console.print(f"Composite ratio over all weightings: {_fmt(res.min_ratio)} to {_fmt(res.max_ratio)} "
                      f"({who} over the other; below 1 means some weighting reverses the verdict).")
        if res.missing_dimensions:
            console.print(f"No data for both in {res.year}: {', '.join(res.missing_dimensions)}")

