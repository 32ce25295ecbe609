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


def _console() -> Any:
    """A rich console; when output is not a terminal (pipes, files) use a width that fits the tables."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=130)


def _short_source(src: Any, total: Any = None) -> str:
    """Compact source labels for the terminal table (JSON keeps the full keys): the flows'
    source, and "/WTO" where the totals are WDI/WTO merchandise trade (another compilation)."""
    if not src:
        return "-"
    short = str(src)
    for key, lab in (("imf_dots", "DOTS"), ("cow_trade", "COW"), ("sum of product flows", "BACI sum"),
                     ("baci", "BACI"), ("curated", "curated")):
        if key in src:
            short = lab
            break
    return short + ("/WTO" if total and "wdi_merch_wto" in str(total) else "")


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
        from rich.table import Table

        d = res.to_dict()
        A, B = d["a"], d["b"]
        console = _console()
        t = Table(title=f"Dependence: {A} on {B} and {B} on {A} ({d['start']}-{d['end']})",
                  caption=f"trade share = trade with the other / own total trade; rank = the other's rank among "
                          f"own partners; arms 5y = the other's share of own arms imports over five years; "
                          f"source: of the flows, /WTO = totals from WDI/WTO merchandise trade")
        for col in ("year", f"{A} trade", f"{B} trade", f"{A} /GDP", f"{B} /GDP", "ratio", f"{A} rank",
                    f"{B} rank", f"{A} arms", f"{B} arms", "source"):
            t.add_column(col, justify="right" if col != "source" else "left")
        rows = d["years"]
        for r in rows:
            x, y = r["a_on_b"], r["b_on_a"]
            src = _short_source(x["source"], x["source_total"]) + (
                " (curated)" if r["curated"] and x["source"] != "curated" else "")
            t.add_row(str(r["year"]), _pct(x["trade_share"]), _pct(y["trade_share"]), _pct(x["trade_gdp"]),
                      _pct(y["trade_gdp"]), _num(r["asymmetry_ratio"], 1), _int(x["partner_rank"]),
                      _int(y["partner_rank"]), _pct(x["arms_import_share_5y"]), _pct(y["arms_import_share_5y"]), src)
        console.print(t)
        comp = [r for r in rows if r["a_on_b"]["exports_raw_material_share"] is not None
                or r["b_on_a"]["exports_raw_material_share"] is not None]
        if comp:
            c = Table(title=f"Composition (product data: {comp[0]['product_source']}; shares of the flow's value)")
            for col in ("year", f"{A}->{B} raw mat.", f"{B}->{A} HS84-85", f"{B}->{A} HS84-90",
                        f"{B}->{A} raw mat.", f"{A}->{B} HS84-85"):
                c.add_column(col, justify="right")
            for r in comp:
                x, y = r["a_on_b"], r["b_on_a"]
                c.add_row(str(r["year"]), _pct(x["exports_raw_material_share"]),
                          _pct(x["imports_machinery_share_84_85"]), _pct(x["imports_machinery_share_84_90"]),
                          _pct(y["exports_raw_material_share"]), _pct(y["imports_machinery_share_84_85"]))
            console.print(c)
        if d["arms_windows"]:
            w = Table(title="Arms transfers over SIPRI's five-year periods (TIV)",
                      caption="imports = the other's share of own arms imports; HHI = own supplier concentration; "
                              "world = own share of world arms exports")
            for col in ("period", f"{A} imports", f"{A} HHI", f"{A} world", f"{B} imports", f"{B} HHI", f"{B} world"):
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
        from rich.table import Table

        d = res.to_dict()
        console = _console()
        t = Table(title=f"Alignment of {d['a']} and {d['b']} ({d['start']}-{d['end']})", show_edge=False,
                  pad_edge=False)
        for col in ("year", "measure", "agree", "kappa", "votes", "Voeten", "IP dist (90%)", "res.",
                    "vetoes", "ATOP", "IGOs", f"{d['a']}>{d['b']}", f"{d['b']}>{d['a']}"):
            t.add_column(col, justify="left" if col == "measure" else "right", no_wrap=True)
        t.caption = ("measure = the UN alignment measure of the year (roll calls, else ideal points, else "
                     "resolutions); "
                     "agree = UN agreement (abstain = half; Signorino-Ritter S = 2 agree - 1, in --json); "
                     "votes = common roll calls; "
                     "Voeten = published score; IP = ideal-point distance (90% interval); res. = resolution-level "
                     "agreement (2025, restricted builds); vetoes = joint UNSC vetoes; "
                     "ATOP = obligations in force; IGOs = joint memberships; "
                     "A>B = ICEWS cooperation/conflict event ratio")
        short = {"roll_calls": "roll calls", "ideal_points": "ideal pts", "resolutions": "resol."}
        rows = d["years"]
        for r in rows:
            iv = r["ideal_point_interval"]
            al = r["alliance"]
            if all(v is None for v in al.values()):
                al_txt = "-"
            else:
                al_txt = "+".join(k for k, v in al.items() if v) or "none"
            t.add_row(str(r["year"]), short.get(r.get("measure"), "-"), _num(r["agreement"], 3), _num(r["kappa"], 3),
                      str(r["n_votes"]), _num(r["agreement_voeten"], 3),
                      _num(r["ideal_point_distance"]) + (f" ({_num(iv[0])}-{_num(iv[1])})" if iv else ""),
                      _num(r.get("resolution_agreement"), 3),
                      _int(r["joint_vetoes"]), al_txt,
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
        measure: str = typer.Option("evidence", "--measure",
                                    help="evidence (rivalry, war, alliances, then UN ideal points), "
                                         "agreement (UN votes) or ideal_point."),
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
        if measure == "evidence" and threshold is not None:
            raise InputError("--threshold applies to --measure agreement or ideal_point, not to evidence")
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
        from rich.table import Table

        d = res.to_dict()
        console = _console()
        pairs = res.pair_labels
        if d["measure"] == "evidence":
            _evidence_triangle_table(console, d, pairs)
            return
        t = Table(title=f"Strategic triangle {'-'.join(d['states'])} by {d['measure']} ({d['rule']}; "
                        f"threshold {d['threshold']})")
        for col in ("year", *pairs, "threshold", "pattern", "roles", "threshold range"):
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
            t.add_row(str(r["year"]), *cells, _num(r["threshold"], 3), r["pattern"] or "-", roles, rng_txt)
        console.print(t)
        for e in d["eras"]:
            if e["pattern"]:
                console.print(f"{e['from']}-{e['to']}: {e['pattern']}"
                              + (f", pivot {e['pivot']}" if e["pivot"] else "")
                              + (f", outcast {e['outcast']}" if e["outcast"] else ""))
        _notes(console, rows, d["notes"])


def _roles(r: dict) -> str:
    if r["pivot"]:
        return f"pivot {r['pivot']}; wings {', '.join(r['wings'])}"
    if r["outcast"]:
        return f"partners {', '.join(r['partners'])}; outcast {r['outcast']}"
    return ""


def _short_basis(text: str | None) -> str:
    """The tie's basis for an 80-column table (the JSON keeps the full text)."""
    if not text:
        return "no evidence"
    for long, short in (("Thompson-Sakuwa-Suhas", "TSS"), ("Thompson-Dreyer", "TD"), ("strategic rivalry", "rivalry"),
                        (" than the median pair", ""), ("no rivalry data after", "no rivalry data after")):
        text = text.replace(long, short)
    return text


def _evidence_triangle_table(console, d: dict, pairs: list[str]) -> None:
    """The triangle by evidence: one row per era, each tie with the evidence that decided it."""
    from rich.table import Table

    t = Table(title=f"Strategic triangle {'-'.join(d['states'])}: ties from rivalry, war, alliances "
                    "(after the rivalry data end: carried forward, else UN ideal points)")
    for col in ("years", *pairs, "pattern", "roles"):
        t.add_column(col, justify="right" if col == "years" else "left")
    rows: list[list] = []
    for r in d["years"]:
        basis = r.get("basis") or {}
        cells = [f"{r['ties'][p] or '?'} {_short_basis(basis.get(p))}" for p in pairs]
        key = [*cells, r["pattern"] or "-", _roles(r)]
        if rows and rows[-1][2:] == key and rows[-1][1] == r["year"] - 1:
            rows[-1][1] = r["year"]
        else:
            rows.append([r["year"], r["year"], *key])
    for row in rows:
        years = str(row[0]) if row[0] == row[1] else f"{row[0]}-{row[1]}"
        t.add_row(years, *row[2:])
    console.print(t)
    console.print("+ amity, - enmity. Rivalries: TSS = Thompson, Sakuwa and Suhas (2022), TD = Thompson and Dreyer "
                  "(2011); alliances: ATOP; war: MID hostility level 5. See docs/relations.md.")
