"""The orbit page: many states between two powers, on one page and one map (issue 20).

Sections, each from :func:`powergap.orbit`'s result:

1. a map of the overall lean in the last year (a choropleth on Natural Earth outlines
   shipped in ``data/geo/``, never fetched), and of the trade lean in the last year with
   trade data when that is an earlier year;
2. small multiples, one panel per state: its trade share with A and with B over the years
   (and its arms-import shares, five-year window);
3. a table of every state in the last year: the evidence for both powers, the stage with
   each and the leans;
4. the years each state's lean changed, per channel and overall;

then the sources (from the snapshot's catalog) and the configuration. The page is built
from the shared page shell (:mod:`powergap.report.page`: escaping, number formatting, the
inlined Vega libraries) and the chart conventions of :mod:`powergap.report.charts`.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from .charts import CONFIG, PALETTE, SCHEMA, SHARE_FORMAT, records
from .page import Figure, Markup, Section, fmt, render_page

MAP_HEIGHT = 420
MAX_PANELS = 36  # small multiples beyond this many states stop being readable
NO_DATA_FILL = "#ffffff"
OUTSIDE_FILL = "#eeeeee"
BALANCED_FILL = "#999999"
NEITHER_FILL = "#d9d9d9"


@functools.lru_cache(maxsize=1)
def countries_topology() -> dict:
    """The shipped country outlines (``data/geo/countries-110m.topo.json``, built by
    ``scripts/build_geometry.py`` from Natural Earth; see ``data/geo/SOURCE.md``)."""
    from importlib import resources

    path = resources.files("powergap") / "data" / "geo" / "countries-110m.topo.json"
    return json.loads(path.read_text(encoding="utf-8"))


POWER_FILLS = ("#7a3300", "#003a66")  # darker shades of the two leans: the powers themselves


def lean_domain(a: str, b: str) -> tuple[list[str], list[str]]:
    """Map classes and their fills: leaning toward a power in the chart palette's first two
    colours (those of the small multiples), the powers themselves in darker shades of them,
    balanced and neither in greys, no data white."""
    return ([f"toward {a}", f"toward {b}", "balanced", "neither", "no data", f"{a} itself", f"{b} itself",
             "not in this query"],
            [PALETTE[1], PALETTE[0], BALANCED_FILL, NEITHER_FILL, NO_DATA_FILL, *POWER_FILLS, OUTSIDE_FILL])


def _lean_class(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "no data"
    return v if v in ("balanced", "neither") else f"toward {v}"


def map_spec(rows: list[dict], *, a: str, b: str, title: str, whole_world: bool, height: int = MAP_HEIGHT) -> dict:
    """A choropleth of the lean. ``rows``: ``{ccode, label, name, lean, evidence}`` per state
    of the query. ``whole_world``: draw every outline (those outside the query in light
    grey); otherwise only the query's states, the projection fitted to them."""
    domain, fills = lean_domain(a, b)
    if not whole_world:  # only the query's outlines are drawn
        domain, fills = domain[:-3], fills[:-3]
    tips = [{"field": "properties.name", "type": "nominal", "title": "Outline"},
            {"field": "state", "type": "nominal", "title": "State"},
            {"field": "class", "type": "nominal", "title": title},
            {"field": "evidence", "type": "nominal", "title": "Evidence"}]
    transform: list[dict] = [
        {"lookup": "properties.ccode", "from": {"data": {"name": "leans"}, "key": "ccode",
                                                 "fields": ["state", "lean", "evidence"]}},
        {"calculate": "isValid(datum.state) ? datum.lean : 'not in this query'", "as": "class"},
    ]
    if not whole_world:
        transform.append({"filter": "isValid(datum.state)"})
    layer = {"data": {"values": countries_topology(), "format": {"type": "topojson", "feature": "countries"}},
             "transform": transform,
             "mark": {"type": "geoshape", "stroke": "#555555", "strokeWidth": 0.5},
             "encoding": {"color": {"field": "class", "type": "nominal", "title": title,
                                    "scale": {"domain": domain, "range": fills},
                                    "legend": {"orient": "bottom", "direction": "horizontal", "columns": 3,
                                               "symbolType": "square", "symbolStrokeColor": "#555555",
                                               "symbolStrokeWidth": 0.5}},
                          "tooltip": tips}}
    return {"$schema": SCHEMA, "width": "container", "height": height,
            "autosize": {"type": "fit-x", "contains": "padding", "resize": True}, "config": CONFIG,
            "projection": {"type": "equalEarth"}, "layer": [layer], "datasets": {"leans": rows}}


def multiples_spec(rows: list[dict], *, order: list[str], series: list[str], start: int, end: int,
                   y_title: str, columns: int = 3) -> dict:
    """Small multiples: one panel per state (``label``), two lines (``series``) over the
    years; missing values are gaps. Colours, dashes and shapes as in the map and the page."""
    colours = [PALETTE[1], PALETTE[0]]
    x = {"field": "year", "type": "quantitative", "title": None,
         "scale": {"domain": [start, end], "nice": False, "zero": False},
         "axis": {"format": "d", "tickMinStep": 1, "labelOverlap": True, "tickCount": min(max(end - start, 1), 6)}}
    y = {"field": "value", "type": "quantitative", "title": y_title, "scale": {"zero": True},
         "axis": {"format": SHARE_FORMAT, "labelOverlap": "greedy", "tickCount": 4}}
    legend = {"title": None, "orient": "bottom", "direction": "horizontal", "symbolSize": 90}
    enc = {"color": {"field": "series", "type": "nominal", "sort": series,
                     "scale": {"domain": series, "range": colours}, "legend": legend},
           "strokeDash": {"field": "series", "type": "nominal", "sort": series,
                          "scale": {"domain": series, "range": [[1, 0], [6, 3]]}, "legend": legend}}
    tips = [{"field": "label", "type": "nominal", "title": "State"}, {"field": "series", "type": "nominal",
                                                                      "title": "Series"},
            {"field": "year", "type": "quantitative", "title": "Year", "format": "d"},
            {"field": "value", "type": "quantitative", "title": y_title, "format": SHARE_FORMAT}]
    lines = {"mark": {"type": "line", "strokeWidth": 2, "invalid": "break-paths-show-domains"},
             "encoding": {"x": x, "y": y, **enc, "detail": {"field": "series", "type": "nominal"}}}
    points = {"transform": [{"filter": "isValid(datum.value)"}], "mark": {"type": "point", "filled": True, "size": 22},
              "encoding": {"x": x, "y": y, "color": enc["color"],
                           "shape": {"field": "series", "type": "nominal", "sort": series,
                                     "scale": {"domain": series, "range": ["circle", "square"]}, "legend": legend},
                           "tooltip": tips}}
    return {"$schema": SCHEMA, "config": CONFIG, "data": {"name": "data"},
            "facet": {"field": "label", "type": "nominal", "sort": order, "title": None,
                      "header": {"labelFontSize": 12, "labelFontWeight": "bold"}},
            "columns": columns, "spec": {"width": 230, "height": 130, "layer": [lines, points]},
            "datasets": {"data": rows}}


# ----------------------------------------------------------------------------- sections


def _evidence_text(r: dict, a: str, b: str) -> str:
    parts = []
    for key, what in (("trade", "trade"), ("arms", "arms imports"), ("investment", "FDI/GDP")):
        va, vb = r.get(f"{key}_a"), r.get(f"{key}_b")
        if va is not None or vb is not None:
            parts.append(f"{what} {fmt(va, 'share')} {a} / {fmt(vb, 'share')} {b}")
    if r.get("votes_measure"):
        unit = "" if r["votes_measure"] == "UN agreement" else " (distance)"
        parts.append(f"{r['votes_measure']}{unit} {fmt(r.get('votes_a'))} {a} / {fmt(r.get('votes_b'))} {b}")
    return "; ".join(parts) or "no data"


def map_section(result: Any, sources: list[str]) -> Section:
    A, B = result.labels
    last = result.latest()
    recs = records(last)
    rows = [{"ccode": r["ccode"], "state": f"{r['name']} ({r['label']})", "lean": _lean_class(r["lean"]),
             "evidence": _evidence_text(r, A, B)} for r in recs]
    whole = bool(result.world)
    powers = [{"ccode": st.ccode, "state": f"{st.name} ({st.label})", "lean": f"{st.label} itself",
               "evidence": "one of the two powers"} for st in (result.a, result.b)] if whole else []
    scope = "every state of the system" if whole else (result.region or "the states asked for")
    import pandas as pd

    counts = pd.Series([r["lean"] for r in rows]).value_counts()
    tally = ", ".join(f"{n} {k}" for k, n in counts.items())
    table = pd.DataFrame([{"State": r["state"], "Overall lean": r["lean"], "Evidence": r["evidence"]} for r in rows])
    have = {ch: int(last[f"lean_{ch}"].notna().sum()) for ch in ("trade", "arms", "investment", "votes")}
    basis = ", ".join(f"{ch} for {n}" for ch, n in have.items() if n) or "none"
    figs = [Figure(id="map-lean",
                   spec=map_spec(rows + powers, a=A, b=B, title=f"Lean in {result.end}", whole_world=whole),
                   alt=f"Map of {scope}: the overall lean of each state between {A} and {B} in {result.end} ({tally})",
                   caption=(f"Overall lean in {result.end}, {scope}: the channels with data vote (trade, arms, "
                            f"investment, UN votes); in {result.end} the states with data on each channel: {basis} "
                            f"(of {len(rows)}); white: no data. Natural Earth 1:110m outlines; small states "
                            f"without an outline are in the tables."), sources=sources, table=table)]
    # the last year with trade data, when the range's last year has none
    fr = result.frame
    have = fr.loc[fr["lean_trade"].notna(), "year"]
    ty = int(have.max()) if len(have) else None
    if ty is not None and ty != result.end:
        tr = records(fr[fr["year"] == ty])
        trows = [{"ccode": r["ccode"], "state": f"{r['name']} ({r['label']})", "lean": _lean_class(r["lean_trade"]),
                  "evidence": f"trade {fmt(r['trade_a'], 'share')} {A} / {fmt(r['trade_b'], 'share')} {B}"}
                 for r in tr]
        tc = pd.Series([r["lean"] for r in trows]).value_counts()
        figs.append(Figure(
            id="map-trade", spec=map_spec(trows + powers, a=A, b=B, title=f"Trade lean in {ty}", whole_world=whole),
            alt=f"Map of {scope}: the trade lean of each state between {A} and {B} in {ty} "
                f"({', '.join(f'{n} {k}' for k, n in tc.items())})",
            caption=(f"Trade lean in {ty}, the last year with trade data: toward a power when its share of the "
                     f"state's trade is at least {result.rule.ratio:g} times the other's."), sources=sources,
            table=pd.DataFrame([{"State": r["state"], "Trade lean": r["lean"], "Evidence": r["evidence"]}
                                for r in trows])))
    return Section(id="map", title="The map", figures=figs, chart_section=True,
                   intro=(f"Which of {result.a.name} ({A}) and {result.b.name} ({B}) each state leans toward. "
                          f"Hover over a country for its evidence."))


def multiples_section(result: Any, channel: str, sources: list[str]) -> Section | None:
    import pandas as pd

    A, B = result.labels
    fr = result.frame
    what = {"trade": ("Trade", "share of the state's total trade"),
            "arms": ("Arms imports",
                     f"share of the state's arms imports over {result.rule.arms_window} years")}[channel]
    series = [f"{what[0].lower()} with {A}", f"{what[0].lower()} with {B}"]
    long = pd.concat([pd.DataFrame({"label": fr["label"], "year": fr["year"], "series": series[k],
                                    "value": fr[f"{channel}_{side}"]}) for k, side in enumerate(("a", "b"))])
    order = [result.label_of(s) for s in result.states]
    has = long.groupby("label")["value"].apply(lambda v: v.notna().any())
    sid = f"multiples-{channel}"
    title = f"{what[0]}: {A} or {B}, state by state"
    if len(order) > MAX_PANELS:
        return Section(id=sid, title=title, notes=[f"{len(order)} states: too many for one panel each (at most "
                                                   f"{MAX_PANELS}); the tables below hold every state."])
    if not has.any():
        return Section(id=sid, title=title,
                       notes=[f"No data for {what[0].lower()} shares in {result.start}-{result.end}."])
    table = fr[["label", "year", f"{channel}_a", f"{channel}_b", f"lean_{channel}"]].copy()
    table.columns = ["State", "Year", f"{A}", f"{B}", "Lean"]
    for c in (A, B):
        table[c] = [fmt(v, "share") for v in table[c]]
    table["Year"] = table["Year"].astype(str)
    table["Lean"] = [_lean_class(v) for v in table["Lean"]]
    none = [lab for lab in order if not has.get(lab, False)]
    notes = ([f"No data for {what[0].lower()} shares of {', '.join(none)} in {result.start}-{result.end}."]
             if none else [])
    fig = Figure(id=sid, spec=multiples_spec(records(long), order=order, series=series, start=result.start,
                                             end=result.end, y_title=what[0] + " share"),
                 alt=f"Small multiples: each state's {what[1]} with {A} and with {B}, {result.start}-{result.end}",
                 caption=f"{what[0]}: {what[1]}, with {A} (solid) and {B} (dashed); gaps are years without data.",
                 sources=sources, table=table)
    return Section(id=sid, title=title, figures=[fig], notes=notes, chart_section=True)


def table_section(result: Any) -> Section:
    import pandas as pd

    A, B = result.labels
    rows = []
    for r in records(result.latest()):
        vm = r.get("votes_measure")
        rows.append({"State": f"{r['name']} ({r['label']})",
                     f"Trade {A}": fmt(r["trade_a"], "share"), f"Trade {B}": fmt(r["trade_b"], "share"),
                     f"Arms {A}": fmt(r["arms_a"], "share"), f"Arms {B}": fmt(r["arms_b"], "share"),
                     f"FDI/GDP {A}": fmt(r["investment_a"], "share"), f"FDI/GDP {B}": fmt(r["investment_b"], "share"),
                     "UN measure": vm or "no data", f"UN {A}": fmt(r["votes_a"]), f"UN {B}": fmt(r["votes_b"]),
                     f"Stage with {A}": r.get("stage_a") or "no data", f"Stage with {B}": r.get("stage_b") or "no data",
                     "Trade lean": _lean_class(r["lean_trade"]), "Arms lean": _lean_class(r["lean_arms"]),
                     "FDI lean": _lean_class(r["lean_investment"]), "UN lean": _lean_class(r["lean_votes"]),
                     "Overall": _lean_class(r["lean"])})
    num = frozenset(c for c in rows[0] if c.startswith(("Trade ", "Arms ", "FDI/GDP", "UN ")) and "lean" not in c) \
        if rows else frozenset()
    return Section(id="table", title=f"Every state in {result.end}", table=pd.DataFrame(rows), numeric=num,
                   intro=("The evidence for both powers, the stage of asymmetry with each (the assessment engine, "
                          "as in powergap assess) and the leans. UN: agreement in General Assembly roll calls "
                          "(0-1, higher is closer) or, in years with too few roll calls, the distance between UN "
                          "ideal points (smaller is closer)."))


def changes_section(result: Any) -> Section:
    import pandas as pd

    rows = [{"State": c["state"], "Channel": c["channel"], "Year": str(c["year"]),
             "From": f"{_lean_class(c['from'])} (since {c['since']})", "To": _lean_class(c["to"]),
             "Kind": c["kind"], "Years without data between": str(c["gap"]) if c["gap"] else ""}
            for c in result.changes()]
    moves = [result.moved(s, "trade")["text"] for s in result.states] if result.start != result.end else []
    notes = [] if rows or result.start == result.end else ["No lean changed in the years with data."]
    blocks = [Markup("<ul>" + "".join(f"<li>{_esc(m)}</li>" for m in moves) + "</ul>")] if moves else []
    return Section(id="changes", title="When the leans changed", notes=notes, blocks=blocks,
                   table=pd.DataFrame(rows) if rows else None,
                   intro=("Per state: when its trade lean moved from one power to the other, then every year a "
                          "lean changed, per channel and overall (years without data are skipped). Kind "
                          "'coverage': the lean rests on other channels than the year before (a source began or "
                          "ended, or UN agreement gave way to ideal points), so the change may be the data's; "
                          "'evidence': the same channels moved."
                          if result.start != result.end else "One year: no changes to show."))


def _esc(text: str) -> str:
    from .page import esc, tidy_text

    return esc(tidy_text(text))


def orbit_html(result: Any, *, generated: str | None = None, store=None) -> str:
    """The orbit page for an :class:`~powergap.orbits.Orbit`, as a string."""
    from ..snapshot.store import default_store
    from . import _now
    from .build import citations_html, config_html, snapshot_identity

    st = store if store is not None else default_store()
    A, B = result.labels
    index = st.source_index
    titles = [index.get(k, {}).get("title") or k for k in result.sources()]
    span = f"{result.start}-{result.end}" if result.start != result.end else str(result.start)
    scope = "every state" if result.world else (result.region or ", ".join(s.label for s in result.states))
    sections = [map_section(result, titles)]
    if result.start != result.end:
        for ch in ("trade", "arms"):
            sec = multiples_section(result, ch, titles)
            if sec is not None:
                sections.append(sec)
    sections += [table_section(result), changes_section(result)]
    if result.notes:
        sections[0].notes.extend(result.notes)
    last = result.latest()
    counts = last["lean"].map(_lean_class).value_counts()
    summary = [f"{len(result.states)} state(s) between {result.a.name} and {result.b.name}, {span}. "
               f"Overall lean in {result.end}: " + ", ".join(f"{n} {k}" for k, n in counts.items()) + "."]
    if result.start != result.end:
        summary += [result.moved(s, "trade")["text"] for s in result.states][:12]
        if len(result.states) > 12:
            summary.append(f"... and {len(result.states) - 12} more states: see 'When the leans changed'.")
    rule = result.rule
    lede = (f"A powergap orbit page: {scope} between {result.a.name} ({A}) and {result.b.name} ({B}), {span}. "
            f"A channel leans toward a power when its share is at least {rule.ratio:g} times the other's "
            f"(UN votes: agreement higher by {rule.agreement_margin:g}, or ideal-point distance smaller by "
            f"{rule.distance_margin:g}); missing data is 'no data', never balanced. The rule: docs/orbit.md.")
    config = {"between": [A, B], "region": result.region, "world": result.world,
              "states": [s.label for s in result.states], "years": [result.start, result.end],
              "rule": {k: getattr(rule, k) for k in ("ratio", "min_share", "agreement_margin", "distance_margin",
                                                      "arms_window")},
              "geometry": "Natural Earth 1:110m (public domain) via world-atlas 2.0.2, data/geo/SOURCE.md",
              "snapshot": snapshot_identity(st)}
    title = f"Between {result.a.name} and {result.b.name}: {scope}, {span}"
    return render_page(title=title, lede=lede, summary=summary, sections=sections,
                       footer=[citations_html(result.sources(), st), config_html(config)],
                       generated=generated if generated is not None else _now(),
                       footer_entries=[("sources", "Sources"), ("config", "Configuration used")])


def write_orbit_report(result: Any, path: str | Path, *, generated: str | None = None, store=None) -> Path:
    """Write the orbit page to ``path`` (``.html``, or ``.pdf`` printed by headless Chromium)."""
    from . import check_writable, output_format, write_any

    output_format(path)
    check_writable(path)
    return write_any(path, orbit_html(result, generated=generated, store=store))
