"""``powergap dependence``, ``powergap alignment`` and ``powergap triangle``.

Thin wrappers over :mod:`powergap.measures.dependence`, :mod:`~powergap.measures.alignment`
and :mod:`~powergap.measures.triangle`; ``--json`` prints exactly the result's ``to_json()``
(documented in docs/relations.md), otherwise a readable table. Errors are one line.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import typer

_STATE_HELP = "State: name, ISO3/ISO2 code, COW abbreviation or COW number."


def _pct(x: Any, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{100 * x:.{digits}f}%"


def _num(x: Any, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "inf"
    return f"{x:.{digits}f}"


def _int(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{int(x)}"


def _usd(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x / 1e9:,.1f}bn"


def _notes(console: Any, rows: list[dict], extra: list[str]) -> None:
    for r in rows:
        if r.get("note"):
            console.print(f"[dim]{r['year']}: {r['note']}[/dim]")
    for n in extra:
        console.print(f"[dim]note: {n}[/dim]")


def register(app: typer.Typer) -> None:
    @app.command("dependence")
    def dependence_cmd(
        a: str = typer.Argument(..., help=_STATE_HELP),
        b: str = typer.Argument(..., help=_STATE_HELP),
        start: Optional[int] = typer.Option(None, "--start", help="First year (default 1946)."),
        end: Optional[int] = typer.Option(None, "--end", help="Last year (default: the snapshot's last year)."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON (documented in docs/relations.md)."),
    ) -> None:
        """Trade, arms and investment dependence of A on B and of B on A, year by year."""
        from ..measures.dependence import dependence

        res = dependence(a, b, start=start, end=end)
        if as_json:
            typer.echo(res.to_json())
            return
        from rich.console import Console
        from rich.table import Table

        d = res.to_dict()
        A, B = d["a"], d["b"]
        console = Console()
        t = Table(title=f"Dependence: {A} on {B} and {B} on {A} ({d['start']}-{d['end']})")
        for col in ("year", f"trade {B} / {A} total", f"trade {A} / {B} total", f"/GDP {A}", f"/GDP {B}",
                    "ratio", f"{B} rank for {A}", f"{A} rank for {B}", f"{A} arms from {B} 5y",
                    f"{B} arms from {A} 5y", "source"):
            t.add_column(col, justify="right" if col != "source" else "left")
        rows = d["years"]
        for r in rows:
            x, y = r["a_on_b"], r["b_on_a"]
            src = (x["source"] or "-") + (" (curated)" if r["curated"] else "")
            t.add_row(str(r["year"]), _pct(x["trade_share"]), _pct(y["trade_share"]), _pct(x["trade_gdp"]),
                      _pct(y["trade_gdp"]), _num(r["asymmetry_ratio"]), _int(x["partner_rank"]),
                      _int(y["partner_rank"]), _pct(x["arms_import_share_5y"]), _pct(y["arms_import_share_5y"]), src)
        console.print(t)
        comp = [r for r in rows if r["a_on_b"]["exports_raw_material_share"] is not None
                or r["b_on_a"]["exports_raw_material_share"] is not None]
        if comp:
            c = Table(title=f"Composition (product data: {comp[0]['product_source']})")
            for col in ("year", f"raw materials in {A}->{B}", f"machinery 84-85 in {B}->{A}",
                        f"machinery 84-90 in {B}->{A}", f"raw materials in {B}->{A}", f"machinery 84-85 in {A}->{B}"):
                c.add_column(col, justify="right")
            for r in comp:
                x, y = r["a_on_b"], r["b_on_a"]
                c.add_row(str(r["year"]), _pct(x["exports_raw_material_share"]),
                          _pct(x["imports_machinery_share_84_85"]), _pct(x["imports_machinery_share_84_90"]),
                          _pct(y["exports_raw_material_share"]), _pct(y["imports_machinery_share_84_85"]))
            console.print(c)
        if d["arms_windows"]:
            w = Table(title="Arms transfers over SIPRI's five-year periods (TIV)")
            for col in ("period", f"{B} share of {A}'s imports", f"{A} supplier HHI", f"{A} share of world exports",
                        f"{A} share of {B}'s imports", f"{B} supplier HHI", f"{B} share of world exports"):
                w.add_column(col, justify="right")
            for r in d["arms_windows"]:
                x, y = r["a_on_b"], r["b_on_a"]
                w.add_row(f"{r['window'][0]}-{r['window'][1]}", _pct(x["arms_import_share"]),
                          _num(x["arms_supplier_hhi"]), _pct(x["arms_world_export_share"]),
                          _pct(y["arms_import_share"]), _num(y["arms_supplier_hhi"]),
                          _pct(y["arms_world_export_share"]))
            console.print(w)
        _notes(console, rows, d["notes"])

    @app.command("alignment")
    def alignment_cmd(
        a: str = typer.Argument(..., help=_STATE_HELP),
        b: str = typer.Argument(..., help=_STATE_HELP),
        start: Optional[int] = typer.Option(None, "--start", help="First year (default 1946)."),
        end: Optional[int] = typer.Option(None, "--end", help="Last year (default: the snapshot's last year)."),
        variant: str = typer.Option("all", "--variant", help="Ideal points from all roll calls ('all') or "
                                                               "foreign-policy roll calls ('fp')."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON (documented in docs/relations.md)."),
    ) -> None:
        """UN voting agreement (S, kappa, by issue), ideal points, vetoes, alliances, IGOs, events."""
        from ..errors import InputError
        from ..measures.alignment import alignment

        if variant not in ("all", "fp"):
            raise InputError(f"--variant must be 'all' or 'fp', got {variant!r}")
        res = alignment(a, b, start=start, end=end, ideal_point_variant=variant)
        if as_json:
            typer.echo(res.to_json())
            return
        from rich.console import Console
        from rich.table import Table

        d = res.to_dict()
        console = Console()
        t = Table(title=f"Alignment of {d['a']} and {d['b']} ({d['start']}-{d['end']})")
        for col in ("year", "agreement", "S", "kappa", "roll calls", "Voeten", "ideal-pt dist", "interval",
                    "joint vetoes", "alliance", "joint IGOs", "ICEWS coop/conf a->b", "b->a"):
            t.add_column(col, justify="right")
        rows = d["years"]
        for r in rows:
            iv = r["ideal_point_interval"]
            al = r["alliance"]
            al_txt = ",".join(k for k, v in al.items() if v) if any(v is not None for v in al.values()) else "-"
            t.add_row(str(r["year"]), _num(r["agreement"], 3), _num(r["s_score"], 3), _num(r["kappa"], 3),
                      str(r["n_votes"]), _num(r["agreement_voeten"], 3), _num(r["ideal_point_distance"]),
                      f"[{_num(iv[0])}, {_num(iv[1])}]" if iv else "-", _int(r["joint_vetoes"]), al_txt or "none",
                      _int(r["igo_joint"]), _num(r["icews"]["a_to_b"]["coop_conflict_ratio"], 1),
                      _num(r["icews"]["b_to_a"]["coop_conflict_ratio"], 1))
        console.print(t)
        _notes(console, rows, d["notes"])

    @app.command("triangle")
    def triangle_cmd(
        a: str = typer.Argument(..., help=_STATE_HELP),
        b: str = typer.Argument(..., help=_STATE_HELP),
        c: str = typer.Argument(..., help=_STATE_HELP),
        start: Optional[int] = typer.Option(None, "--start", help="First year (default 1946)."),
        end: Optional[int] = typer.Option(None, "--end", help="Last year (default: the snapshot's last year)."),
        measure: str = typer.Option("agreement", "--measure", help="agreement (UN votes) or ideal_point."),
        threshold: Optional[str] = typer.Option(None, "--threshold",
                                                help="Amity threshold: a number or 'median' (default: 0.5 for "
                                                     "agreement, the year's median distance for ideal_point)."),
        min_votes: int = typer.Option(10, "--min-votes", help="Fewest common roll calls for an agreement value."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON (documented in docs/relations.md)."),
    ) -> None:
        """Dittmer's strategic triangle of three states, year by year, with each year's threshold range."""
        from ..errors import InputError
        from ..measures.triangle import MEASURES, triangle

        if measure not in MEASURES:
            raise InputError(f"--measure must be one of {', '.join(MEASURES)}, got {measure!r}")
        thr: float | str | None = threshold
        if threshold is not None and threshold != "median":
            try:
                thr = float(threshold)
            except ValueError:
                raise InputError(f"--threshold must be a number or 'median', got {threshold!r}") from None
        res = triangle(a, b, c, start=start, end=end, measure=measure, threshold=thr, min_votes=min_votes)
        if as_json:
            typer.echo(res.to_json())
            return
        from rich.console import Console
        from rich.table import Table

        d = res.to_dict()
        console = Console()
        pairs = res.pair_labels
        t = Table(title=f"Strategic triangle {'-'.join(d['states'])} by {d['measure']} ({d['rule']}; "
                        f"threshold {d['threshold']})")
        for col in ("year", *pairs, "pattern", "roles", "threshold range"):
            t.add_column(col, justify="left" if col in ("pattern", "roles") else "right")
        rows = d["years"]
        for r in rows:
            cells = [f"{r['ties'][p] or '?'} {_num(r['values'][p], 2)}" for p in pairs]
            if r["pivot"]:
                roles = f"pivot {r['pivot']}; wings {', '.join(r['wings'])}"
            elif r["outcast"]:
                roles = f"partners {', '.join(r['partners'])}; outcast {r['outcast']}"
            else:
                roles = ""
            rng = r["threshold_range"]
            rng_txt = f"[{_num(rng[0], 3) if rng[0] is not None else '-inf'}, " \
                      f"{_num(rng[1], 3) if rng[1] is not None else 'inf'})" if rng else "-"
            t.add_row(str(r["year"]), *cells, r["pattern"] or "-", roles, rng_txt)
        console.print(t)
        for e in d["eras"]:
            if e["pattern"]:
                console.print(f"{e['from']}-{e['to']}: {e['pattern']}"
                              + (f", pivot {e['pivot']}" if e["pivot"] else "")
                              + (f", outcast {e['outcast']}" if e["outcast"] else ""))
        _notes(console, rows, d["notes"])
