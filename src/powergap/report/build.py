"""Gather the content of a relationship report: one section per question, each from the
library function that answers it.

Order of the page (issue 8):

1. a plain-language summary and the stage timeline (:func:`powergap.assess`);
2. capability ratios by dimension over time with Womack's threshold
   (:func:`powergap.capability_profile`);
3. weight robustness: for each year, the share of all weightings of the dimensions under
   which the stronger side stays at least the threshold times the other, with the smallest
   and largest composite ratio (:func:`powergap.measures.robustness.weight_robustness`);
4. dependence in both directions (:func:`powergap.dependence`);
5. arms flows (the arms part of the same result);
6. UN alignment and ideal points (:func:`powergap.alignment`);
7. the strategic triangle with a third state (:func:`powergap.triangle`);
8. the claims checked for the pair (:func:`powergap.check_claims`);
9. citations generated from the snapshot's catalog (only the sources used) and the
   configuration used.

A section whose data are missing says so in words ("no data for ... in ...") instead of
drawing an empty chart; a section whose computation fails with a :class:`PowergapError`
(for example no coverage at all) shows that one-line message, and the rest of the report
is still written. Every string that comes from data or files reaches the page through
:func:`powergap.report.page.esc`.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from ..errors import InputError, PowergapError
from ..memory import release_freed_memory
from .page import Figure, Markup, Section, esc, fmt, fmt_number, fmt_ratio, fmt_share, render_page, tidy_text

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..states import State

Progress = Callable[[str], None]

# Threads gathering the sections (and checking the claims beside them); 1: one after another.
WORKERS = 2
# The seed claims are about China and Russia: for that pair the report checks all of them.
SEED_PAIR = frozenset({"CHN", "RUS"})
FEW_VOTES = 10  # agreement from fewer common roll calls is too noisy to draw (as in triangle)


@dataclass
class Report:
    """Everything a report page shows, before it is rendered."""

    a: "State"
    b: "State"
    third: "State"
    start: int
    end: int
    title: str
    lede: str
    summary: list[str]
    sections: list[Section]
    sources: list[str]                    # catalog source keys used, sorted
    config: dict
    facts: list[dict] = field(default_factory=list)   # curated facts used (claims, trade)
    timings: dict[str, float] = field(default_factory=dict)
    snapshot: dict = field(default_factory=dict)

    def footer(self, store) -> list[Markup]:
        return [citations_html(self.sources, store, facts=self.facts), config_html(self.config)]

    def render(self, *, generated: str, store=None) -> str:
        from ..snapshot.store import default_store

        st = store if store is not None else default_store()
        return render_page(title=self.title, lede=self.lede, summary=self.summary, sections=self.sections,
                           footer=self.footer(st), generated=generated,
                           footer_entries=[("sources", "Sources"), ("config", "Configuration used")])


# ----------------------------------------------------------------------------- helpers


class _Ctx:
    """What every section needs: the pair, the years, the store and the sources used."""

    def __init__(self, a: "State", b: "State", third: "State", start: int, end: int, cfg: dict, store) -> None:
        self.a, self.b, self.third = a, b, third
        self.A, self.B, self.C = a.label, b.label, third.label
        self.start, self.end = start, end
        self.cfg = cfg
        self.store = store
        self.used: set[str] = set()
        self.facts: dict[str, dict] = {}
        self.headlines: list[str] = []

    def fork(self) -> "_Ctx":
        """The same pair, years and store with its own record of what was used, for a section
        gathered in another thread; :meth:`merge` takes the record back in section order."""
        child = _Ctx(self.a, self.b, self.third, self.start, self.end, self.cfg, self.store)
        return child

    def merge(self, child: "_Ctx") -> None:
        self.used |= child.used
        for k, v in child.facts.items():
            self.facts.setdefault(k, v)
        self.headlines += child.headlines

    @property
    def years(self) -> list[int]:
        return list(range(self.start, self.end + 1))

    @property
    def span(self) -> str:
        return f"{self.start}-{self.end}" if self.start != self.end else str(self.start)

    def use_series(self, series_ids: Iterable[str | None]) -> list[str]:
        """Record and return the sources of the snapshot series ``series_ids`` (those drawn)."""
        index = self.store.series_index
        keys = []
        for sid in series_ids:
            meta = index.get(str(sid)) if sid else None
            if meta:
                keys.extend(meta.get("sources") or [meta.get("source")])
        return self.use(keys)

    def use(self, keys: Iterable[str | None]) -> list[str]:
        """Record source keys (those in the catalog) and return their titles for a caption."""
        index = self.store.source_index
        titles = []
        for k in keys:
            if not k:
                continue
            k = str(k)
            if k.startswith("curated:"):
                titles.append("curated figure " + k.split(":", 1)[1])
                continue
            if k in index:
                self.used.add(k)
                titles.append(index[k].get("title") or k)
        return list(dict.fromkeys(titles))


def _num(v: Any) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _runs(years: Sequence[int]) -> str:
    """1992, 1993, 1994, 1997 -> '1992-1994, 1997'."""
    ys = sorted(set(int(y) for y in years))
    out: list[str] = []
    i = 0
    while i < len(ys):
        j = i
        while j + 1 < len(ys) and ys[j + 1] == ys[j] + 1:
            j += 1
        out.append(str(ys[i]) if i == j else f"{ys[i]}-{ys[j]}")
        i = j + 1
    return ", ".join(out)


def _no_data_note(what: str, years_missing: Sequence[int], ctx: _Ctx) -> str | None:
    if not years_missing:
        return None
    if len(years_missing) == len(ctx.years):
        return f"No data for {what} in {ctx.span}."
    return f"No data for {what} in {_runs(years_missing)}."


def _long(frame: "pd.DataFrame", columns: dict[str, str], extra: Sequence[str] = ()) -> "pd.DataFrame":
    """Wide year frame -> long (year, series, value, extra...) with series named by ``columns``."""
    import pandas as pd

    parts = []
    for col, label in columns.items():
        p = frame[["year", col, *extra]].rename(columns={col: "value"})
        p.insert(1, "series", label)
        parts.append(p)
    return pd.concat(parts, ignore_index=True)


def _data_years(frame: "pd.DataFrame", cols: Iterable[str]) -> list[int]:
    """The years in which any of ``cols`` has a value."""
    cols = [c for c in cols if c in frame.columns]
    return [int(y) for y, ok in zip(frame["year"], frame[cols].notna().any(axis=1)) if ok] if cols else []


def _has_any(frame: "pd.DataFrame", cols: Iterable[str]) -> bool:
    return any(frame[c].notna().any() for c in cols if c in frame.columns)


def _stage_span(stage: str | None, text: str | None = None) -> Markup:
    s = stage if stage in ("none", "potential", "emerging", "actual") else "none"
    return Markup(f"<span class='stage stage-{s}'>{esc(text or stage or 'unassessed')}</span>")


def _multiverse_section(assessment: Any, ctx: _Ctx | None = None) -> Section:
    from ..spec_curve import multiverse
    from .multiverse import multiverse_section

    sec = multiverse_section(multiverse(assessment=assessment))
    if ctx is not None:  # every specification is evaluated on the assessment's own evidence
        used = ctx.use(assessment.sources())
        for fig in sec.figures:
            if fig.spec is not None and not fig.sources:
                fig.sources = used
    return sec


def _safe_section(sid: str, title: str, what: str, ctx: _Ctx, fn: Callable[[], Section],
                  chart_section: bool = True) -> Section:
    """Run one section's gatherer; a PowergapError becomes words on the page, not a crash."""
    try:
        return fn()
    except PowergapError as exc:
        return Section(id=sid, title=title, chart_section=False,
                       notes=[f"No data for {what} for {ctx.A}-{ctx.B} in {ctx.span}: {exc}"])


# ----------------------------------------------------------------------------- 1. timeline


def timeline_section(assessment: Any, ctx: _Ctx) -> Section:
    """The stage of asymmetry per year (Wong's ladder) and the evidence behind each change."""
    import pandas as pd

    from .charts import stage_chart

    rows = []
    for y in assessment.years:
        rows.append({"year": int(y.year), "stage": y.stage, "reach": y.evidence_reach,
                     "stage_text": getattr(y, "stage_text", y.stage), "stronger": y.stronger or "",
                     "korolev": y.korolev or y.reason or ""})
    frame = pd.DataFrame(rows)
    ctx.use(assessment.sources())
    table = pd.DataFrame({
        "Year": [str(r["year"]) for r in rows],
        "Stronger": [r["stronger"] or "none" for r in rows],
        "Stage": [_stage_span(r["stage"], r["stage_text"]) for r in rows],
        "Evidence reaches": [r["reach"] for r in rows],
        "Korolev's order (military first, then checks)": [r["korolev"] or "no data" for r in rows],
    })
    blocks = [Markup("<h3>The years, one by one</h3>"), Markup(_table_markup(table, table_id="timeline-table"))]
    changes = assessment.changes()
    if changes:
        items = []
        for ch in changes:
            side = f" ({ch['stronger']} stronger)" if ch.get("stronger") else ""
            to, frm = ch.get("to_text") or ch["to"], ch.get("from_text") or ch.get("from")
            if frm is None:
                head = f"{ch['year']}: starts at {to}{side}"
            elif ch.get("from") == ch["to"]:
                head = f"{ch['year']}: still {to}; the stronger side is now {ch.get('stronger') or 'neither'}"
            else:
                head = f"{ch['year']}: from {frm} to {to}{side}"
            if ch.get("kind") == "coverage":
                head += " - a change of data coverage, not of evidence"
            crit_rows = []
            for c in ch.get("criteria", []):
                crit_rows.append({
                    "Criterion": c.get("name", ""), "Stage": c.get("stage", ""),
                    "Value": _criterion_value(c),
                    "Threshold": _fmt_threshold(c.get("threshold"), _criterion_unit(c)),
                    "Met": {True: "yes", False: "no"}.get(c.get("met"), "no data"),
                    "Years": _runs(c.get("years") or []) if c.get("years") else "",
                    "Sources": ", ".join(ctx.use(c.get("sources") or [])),
                    "Detail": c.get("detail") or "",
                })
            inner = _table_markup(pd.DataFrame(crit_rows)) if crit_rows else "<p class=muted>no criteria recorded</p>"
            items.append(f"<details><summary>{esc(head)}</summary>{inner}</details>")
        blocks.append(Markup("<h3>Changes of stage, with the evidence</h3>" + "".join(items)))
    sources = ctx.use(assessment.sources())
    fig = Figure(
        id="timeline", spec=stage_chart(frame, start=ctx.start, end=ctx.end) if rows else None,
        missing="" if rows else f"No data for the stages of {ctx.A}-{ctx.B} in {ctx.span}: no year was assessed.",
        alt=f"Stage of asymmetry between {ctx.A} and {ctx.B} per year, {ctx.span}",
        caption=("Wong's stages, each requiring the one before: potential (a stable disparity of capabilities on "
                 "the military dimension, Womack's threshold), emerging (the weaker depends asymmetrically on the "
                 "stronger), actual (the weaker fails the independence standards). 'Evidence reaches' is the highest "
                 "stage the data could evaluate; where it equals the stage, the next stage could not be tested. "
                 "Each change of stage below lists the criteria behind it with their sources."))
    return Section(id="timeline", title="Stage timeline", chart_section=True,
                   caption=(f"The stages rest on {len(sources)} sources; each change of stage above names those of "
                            f"its criteria." if sources else ""), sources=sources,
                   intro=(f"How asymmetric the relationship between {ctx.a.name} and {ctx.b.name} is, year by year, "
                          f"following Wong's three stages of asymmetrical relations."),
                   figures=[fig], blocks=blocks)


def _criterion_unit(c: dict) -> str:
    name = str(c.get("name", ""))
    if name.startswith("disparity"):
        return "ratio"
    if "monetary" in name:  # 1: the weaker's money is anchored on the stronger's (a flag)
        return ""
    if name.startswith("dependence") or "difference" in name or "criticise" in name:
        return "share"
    return ""


def _criterion_value(c: dict) -> str:
    """A criterion's value in its unit: a ratio for disparities, a percentage for shares."""
    v = c.get("value")
    if v is None:
        return "no data"
    return fmt(_num(v) if not (isinstance(v, float) and math.isinf(v)) else v, _criterion_unit(c))


_MULTIPLE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:x|×)(?!\w)")
_BARE_NUMBER = re.compile(r"(?<![\w.×(])(\d+(?:\.\d+)?)(?![\w.%×])(?!\))")


def _fmt_threshold(t: Any, unit: str = "") -> str:
    """A criterion's threshold in the unit of its value: "≥ 10% and ≥ 2× the reverse" for a
    share (not "≥ 0.1 and ≥ 2.0 x reverse"), multiples as "2×", comparisons as ≥ and ≤."""
    if t is None:
        return ""
    if isinstance(t, (int, float)) and not isinstance(t, bool):
        return fmt(float(t), unit) if unit == "share" else fmt_number(float(t))
    text = str(t).replace(">=", "≥").replace("<=", "≤")
    text = _MULTIPLE.sub(lambda m: f"{float(m.group(1)):g}×", text)
    text = text.replace("× reverse", "× the reverse")
    def number(m: re.Match) -> str:
        x = float(m.group(1))
        if x >= 1000:  # a year, not a level
            return m.group(1)
        return fmt(x, "share") if unit == "share" else f"{x:g}"

    text = _BARE_NUMBER.sub(number, text)
    return tidy_text(text)


def _table_markup(df: "pd.DataFrame", *, table_id: str | None = None, numeric: Iterable[str] = ()) -> str:
    from .page import table_html

    html = str(table_html(df, numeric=numeric))
    if table_id:
        html = html.replace("<table>", f"<table id='{esc(table_id)}'>", 1)
    return html


# ----------------------------------------------------------------------------- 2. capability


def capability_section(ctx: _Ctx) -> tuple[Section, Any]:
    """Capability ratios by dimension (A over B in strength terms, log scale) with Womack's
    threshold both ways."""
    import pandas as pd

    from ..measures.capability import capability_profile
    from .charts import Rule, line_chart

    cap = ctx.cfg.get("capability", {})
    t = float(cap.get("threshold", 1.5))
    k = int(cap.get("stability_years", 5))
    prof = capability_profile(ctx.a, ctx.b, start=ctx.start, end=ctx.end, threshold=t, stability=k,
                              store=ctx.store)
    dims = prof.dimensions()
    names = list(prof.registry.dimensions)
    series_used = {d: sorted({s for s in dims.loc[dims["name"] == d, "series"] if isinstance(s, str)})
                   for d in names}
    entries = {e.name: e for e in prof.registry.entries}
    adv = []
    for r in dims.itertuples(index=False):
        ratio = _num(r.ratio)
        if ratio is None or not isinstance(r.stronger, str):
            adv.append(1.0 if ratio == 1.0 else None)
        else:
            adv.append(ratio if r.stronger == ctx.A else 1.0 / ratio)
    dims = dims.assign(value=adv, series=dims["name"],
                       stronger_txt=[s if isinstance(s, str) else "equal or no data" for s in dims["stronger"]],
                       ratio_txt=[fmt_ratio(v) for v in dims["ratio"]],
                       used=[s if isinstance(s, str) else "no data" for s in dims["series"]],
                       flag=[_flag_txt(w, s) for w, s in zip(dims["womack"], dims["stable"])])
    notes = []
    drawable = dims["value"].map(lambda v: _num(v) is not None and v > 0)
    empty = [d for d in names if not drawable[dims["name"] == d].any()]
    present = [d for d in names if d not in empty]
    for d in empty:
        sub = dims[dims["name"] == d]
        inf = [int(y) for y, r in zip(sub["year"], sub["ratio"]) if _inf(r)]
        if inf:
            side = next((x for x in sub["stronger"] if isinstance(x, str)), "one side")
            other = ctx.B if side == ctx.A else ctx.A
            notes.append(f"The {d} dimension is not drawn: {other} has none in {_runs(inf)} (only {side} has any), "
                         f"so the ratio has no finite value; the table says so year by year.")
        else:
            notes.append(f"No data for the {d} dimension for {ctx.A} and {ctx.B} in {ctx.span}.")
    from ..measures.capability import entry_sources

    drawn_series = {s for s, ok in zip(dims["used"], drawable) if ok}
    sources = ctx.use(sorted({k for s in drawn_series if s in entries for k in entry_sources(ctx.store, entries[s])}))
    fig_missing = f"No capability data for {ctx.A} and {ctx.B} in {ctx.span}." if not present else ""
    spec = None
    if present:
        data = dims[dims["name"].isin(present)][["year", "series", "value", "stronger_txt", "ratio_txt", "used",
                                                  "flag"]]
        spec = line_chart(
            data, start=ctx.start, end=ctx.end, series_order=names, log=True,
            y_title=f"{ctx.A} ÷ {ctx.B} (log scale)", height=320,
            rules=[Rule(t, f"{ctx.A} ≥ {t:g}× {ctx.B}"), Rule(1 / t, f"{ctx.B} ≥ {t:g}× {ctx.A}", below=True)],
            tooltip=[("stronger_txt", "Stronger", ""), ("ratio_txt", "Stronger ÷ weaker", ""),
                     ("used", "Series used", ""), ("flag", "Womack", "")])
    # wide table: one row per year, one column per dimension
    wide = {"Year": [str(y) for y in ctx.years]}
    rows = {(r["name"], int(r["year"])): r for r in dims[["name", "year", "ratio", "stronger", "stable", "womack"]]
            .to_dict("records")}  # one row per dimension and year
    for d in names:
        col = []
        for y in ctx.years:
            r = rows.get((d, y))
            ratio = r["ratio"] if r is not None else None
            if ratio is None or ratio != ratio:  # missing
                col.append("no data")
                continue
            side = r["stronger"] if isinstance(r["stronger"], str) else "="
            mark = " ✓" if _truth(r["stable"]) else (" ·" if _truth(r["womack"]) else "")
            if math.isinf(float(ratio)):  # the weaker side has none
                col.append(f"only {side} has any{mark}")
            else:
                col.append(f"{side} ×{fmt_ratio(ratio)}{mark}")
        wide[d] = col
    table = pd.DataFrame(wide)
    used_txt = "; ".join(f"{d}: {', '.join(v)}" for d, v in series_used.items() if v and d in present)
    fig = Figure(
        id="capability", spec=spec, missing=fig_missing,
        alt=f"Capability ratio of {ctx.A} to {ctx.B} by dimension, {ctx.span}, log scale",
        caption=(f"Each line is one dimension: {ctx.A}'s value divided by {ctx.B}'s (for lower-is-stronger series, "
                 f"the inverse), so above 1 means {ctx.A} is stronger. Dashed lines: Womack's threshold "
                 f"({t:g}× either way). In the table, ✓ marks a disparity that has held for {k} consecutive years "
                 f"(stable), · one that has not yet; 'only X has any' means the other side has none. Series used per dimension (the first in the registry with data for "
                 f"both states that year): {used_txt or 'none'}."),
        sources=sources, table=table, numeric=frozenset(names))
    intro = (f"Who is stronger, and by how much, on each dimension of capability. "
             f"Korolev's order for {ctx.end}: {prof.korolev(ctx.end).label}.")
    mil = dims[(dims["name"] == cap.get("primary_dimension", "military")) & dims["value"].notna()]
    if not mil.empty:
        last = mil.iloc[-1]
        ctx.headlines.append(f"Military capability in {int(last['year'])}: {last['stronger_txt']} stronger, "
                             f"ratio {last['ratio_txt']} (series {last['used']}).")
    return Section(id="capability", title="Capability by dimension", intro=intro, figures=[fig], notes=notes,
                   chart_section=True), prof


def _inf(v: Any) -> bool:
    try:
        return math.isinf(float(v))
    except (TypeError, ValueError):
        return False


def _truth(x: Any) -> bool | None:
    """A nullable flag (Python, numpy or pandas boolean) as True/False/None."""
    import pandas as pd

    if x is None or x is pd.NA or (isinstance(x, float) and x != x):
        return None
    return bool(x)


def _flag_txt(w: Any, s: Any) -> str:
    w, s = _truth(w), _truth(s)
    if w and s:
        return "threshold met, stable"
    if w:
        return "threshold met, not yet stable"
    if w is False:
        return "below threshold"
    return "no data"


# ----------------------------------------------------------------------------- 3. robustness


def robustness_section(prof: Any, ctx: _Ctx) -> Section:
    """Exact share of all weightings of the dimensions under which the stronger side's
    composite is at least t times the other's, per year, with the extreme ratios."""
    import numpy as np
    import pandas as pd

    from ..measures.robustness import common_dimensions, weight_robustness
    from .charts import SHARE_FORMAT, Rule, band_chart, line_chart

    t = float(prof.threshold)
    dims = prof.dimensions()
    names = list(prof.registry.dimensions)
    years = ctx.years
    va = np.full((len(years), len(names)), np.nan)
    vb = np.full_like(va, np.nan)
    pos = {y: i for i, y in enumerate(years)}
    col = {d: j for j, d in enumerate(names)}
    for r in dims.itertuples(index=False):
        a, b = _num(r.a_value), _num(r.b_value)
        if a is None or b is None or a < 0 or b < 0 or r.year not in pos:
            continue
        # A lower-is-stronger value enters as its counterpart's (the share of reciprocals
        # equals the other side's share), so every column is higher-is-stronger.
        if r.direction is not None and r.direction is not pd.NA and int(r.direction) == -1:
            a, b = b, a
        va[pos[r.year], col[r.name]] = a
        vb[pos[r.year], col[r.name]] = b
    # Years are compared on one set of dimensions: those with data in every year that has any
    # (measures.robustness.common_dimensions), so the share does not jump when a source ends.
    keep = common_dimensions(va, vb)
    if keep.any():
        dropped = [d for j, d in enumerate(names) if not keep[j] and (~np.isnan(va[:, j]) & ~np.isnan(vb[:, j])).any()]
        va[:, ~keep] = np.nan
        vb[:, ~keep] = np.nan
    else:
        dropped = []
    res = weight_robustness(va, vb, threshold=t, normalise="share")
    stronger = [ctx.A if s == 1 else ctx.B if s == -1 else "equal" for s in res.stronger]
    n_dim = res.n_dimensions.astype(int)
    frame = pd.DataFrame({"year": years, "fraction": res.fraction, "either": res.fraction_either,
                          "ew": res.equal_weight_ratio, "lo": res.min_ratio, "hi": res.max_ratio,
                          "stronger": stronger, "n": n_dim})
    frame.loc[frame["n"] == 0, ["fraction", "either", "ew", "lo", "hi"]] = np.nan
    frame["stronger"] = [s if n > 0 else "no data" for s, n in zip(frame["stronger"], frame["n"])]
    missing_years = [y for y, n in zip(years, n_dim) if n == 0]
    notes = []
    note = _no_data_note("any capability dimension", missing_years, ctx)
    if note:
        notes.append(note)
    absent = [d for j, d in enumerate(names) if not (~np.isnan(va[:, j]) & ~np.isnan(vb[:, j])).any() and d not in dropped]
    if absent and len(absent) < len(names):
        notes.append(f"No data for the {', '.join(absent)} dimension{'s' if len(absent) > 1 else ''} in {ctx.span}: "
                     f"the weightings range over the other dimensions.")
    if dropped:
        used = [d for j, d in enumerate(names) if keep[j]]
        notes.append(f"Every year is weighed on the same {len(used)} dimensions ({', '.join(used)}); left out because "
                     f"they lack data in some years of {ctx.span}: {', '.join(dropped)}.")
    from ..measures.capability import entry_sources

    entries = {e.name: e for e in prof.registry.entries}
    kept = {names[j] for j in range(len(names)) if keep[j]} if keep.any() else set(names)
    drawn = {s for d, s in zip(dims["name"], dims["series"]) if d in kept and isinstance(s, str)}
    sources = ctx.use(sorted({k for s in drawn if s in entries for k in entry_sources(ctx.store, entries[s])}))
    figs = []
    have = frame["fraction"].notna().any()
    frac = frame[["year", "fraction", "stronger", "n"]].rename(columns={"fraction": "value"}).assign(
        series=f"weightings: stronger ≥ {t:g}× the other")
    figs.append(Figure(
        id="robustness-fraction", missing="" if have else f"No data for weight robustness of {ctx.A}-{ctx.B} in {ctx.span}.",
        spec=line_chart(frac, start=ctx.start, end=ctx.end, series_order=[frac["series"].iloc[0]],
                        y_title="Share of all weightings", y_format=SHARE_FORMAT, y_domain=[0, 1],
                        rules=[Rule(0.5, "half of all weightings")],
                        tooltip=[("stronger", "Stronger (equal weights)", ""), ("n", "Dimensions with data", "d")])
        if have else None,
        alt=f"Share of all weightings of the capability dimensions under which the stronger of {ctx.A} and {ctx.B} "
            f"is at least {t:g} times the other, per year",
        caption=("Weights drawn uniformly from all possible weightings of the dimensions with data that year "
                 "(each dimension scored as its share of the pair's total); the share is computed exactly, not "
                 "sampled. 1 means every weighting gives the verdict, 0 none. The stronger side is the one "
                 "stronger with equal weights."),
        sources=sources,
        table=pd.DataFrame({
            "Year": [str(y) for y in years], "Stronger (equal weights)": frame["stronger"],
            "Dimensions with data": [str(n) for n in n_dim],
            f"Share of weightings, stronger ≥ {t:g}×": [fmt_share(v) for v in frame["fraction"]],
            f"Either side ≥ {t:g}×": [fmt_share(v) for v in frame["either"]],
            "Equal-weight ratio": [fmt_ratio(v) for v in frame["ew"]],
            "Smallest ratio": [fmt_ratio(v) for v in frame["lo"]],
            "Largest ratio": [fmt_ratio(v) for v in frame["hi"]],
        }), numeric=frozenset({"Dimensions with data", f"Share of weightings, stronger ≥ {t:g}×",
                               f"Either side ≥ {t:g}×", "Equal-weight ratio", "Smallest ratio", "Largest ratio"})))
    band = frame[["year", "lo", "hi", "ew", "stronger"]]
    have_band = band[["lo", "hi", "ew"]].apply(lambda c: [(_num(v) or 0) > 0 for v in c]).any().any()
    figs.append(Figure(
        id="robustness-range", missing="" if have_band else f"No data for composite ratios of {ctx.A}-{ctx.B} in {ctx.span}.",
        spec=band_chart(band, start=ctx.start, end=ctx.end, lo="lo", hi="hi", mid="ew",
                        lo_title="smallest ratio", hi_title="largest ratio", mid_title="equal weights",
                        y_title="Stronger ÷ weaker (log scale)",
                        rules=[Rule(t, f"threshold {t:g}"), Rule(1.0, "parity", below=True)],
                        tooltip=[("stronger", "Stronger (equal weights)", "")]) if have_band else None,
        alt=f"Range of composite capability ratios any weighting can give, {ctx.A}-{ctx.B}, per year",
        caption=("The shaded range runs from the smallest to the largest composite ratio (stronger over weaker) "
                 "that any weighting can produce; these are attained by putting all weight on one dimension. "
                 "Below 1 (parity), some weighting reverses the verdict."
                 + (" Where one side has none of a dimension, the largest ratio is unbounded ('one side has none' "
                    "in the table) and the band reaches the top of the chart."
                    if any(_inf(v) for v in frame["hi"]) else "")),
        sources=sources))
    last = frame.dropna(subset=["fraction"])
    if not last.empty:
        r = last.iloc[-1]
        line = (f"Weight robustness in {int(r['year'])}: {fmt_share(r['fraction'], 0)} of all weightings of "
                f"{int(r['n'])} dimensions make {r['stronger']} at least {t:g} times the other")
        if r["stronger"] in (ctx.A, ctx.B) and _num(r["either"]) is not None:
            # the two sides' shares are disjoint (t > 1): the rest of "either side" is the other's,
            # named where it shows (a composite can favour one side while a dimension favours the other)
            other = ctx.B if r["stronger"] == ctx.A else ctx.A
            rest = max(float(r["either"]) - float(r["fraction"]), 0.0)
            if fmt_share(rest, 0) != fmt_share(0.0, 0):
                line += f"; {fmt_share(rest, 0)} make {other} at least {t:g} times {r['stronger']}"
        ctx.headlines.append(line + ".")
    return Section(id="robustness", title="Does the verdict depend on the weights?",
                   intro=("Composite measures of power depend on how the dimensions are weighted. Instead of picking "
                          "weights, this section asks how much of the space of all weightings supports the verdict."),
                   figures=figs, notes=notes, chart_section=True)


# ----------------------------------------------------------------------------- 4-5. dependence and arms


def dependence_sections(ctx: _Ctx) -> tuple[Section, Section]:
    import pandas as pd

    from ..measures.dependence import dependence
    from .charts import SHARE_FORMAT, Rule, line_chart

    # dyadic series read only for the rows that involve the pair (the partner totals and ranks
    # are among them): the same result at half the memory (tests/test_report.py)
    # (trade intensity, which sums the world's exports, is not shown: not computed)
    dep = dependence(ctx.a, ctx.b, start=ctx.start, end=ctx.end, store=scoped_store(ctx.store, {ctx.a.ccode, ctx.b.ccode}),
                     intensity=False)
    fr = dep.frame.copy()
    A, B = ctx.A, ctx.B
    src = dep.sources

    # --- trade: the sources of the years drawn or tabled, not every source the rule could use
    from ..measures.evidence import TRADE_ORDER, TRADE_TOTALS_CURATED

    series_of = {spec[0]: list(spec[1:]) for spec in TRADE_ORDER}
    series_of["curated"] = list(TRADE_TOTALS_CURATED)
    shown = fr[fr["a_on_b_share"].notna() | fr["b_on_a_share"].notna() | fr["trade_usd"].notna()]
    rules_used = [lab for lab in dict.fromkeys(shown["source_label"]) if isinstance(lab, str)]
    product_keys = [str(k).split(" (")[0] for lab, k in zip(shown["source_label"], shown["source_trade"])
                    if not isinstance(lab, str) and isinstance(k, str) and k]
    gdp = ["gdp_usd"] if fr["a_on_b_gdp"].notna().any() or fr["b_on_a_gdp"].notna().any() else []  # in the table
    trade_src = ctx.use([src.get(sid) or (ctx.store.series_index.get(sid) or {}).get("source")
                         for sid in [s for lab in rules_used for s in series_of.get(lab, [])] + gdp] + product_keys)
    for fid in fr["fact_ids"].dropna():
        for f in str(fid).split(","):
            if f.strip():
                ctx.facts.setdefault(f.strip(), {"id": f.strip()})
    labels = {"a_on_b_share": f"{A} on {B}: {B}'s share of {A}'s trade",
              "b_on_a_share": f"{B} on {A}: {A}'s share of {B}'s trade"}
    fr["trade_txt"] = [fmt(_num(v), "usd") for v in fr["trade_usd"]]
    from ..measures.evidence import TRADE_TEXT

    fr["src_txt"] = [TRADE_TEXT.get(lab) or (s if isinstance(s, str) and s else "none")
                     for lab, s in zip(fr["source_label"], fr["source_trade"])]
    data = _long(fr, labels, extra=["trade_txt", "src_txt"])
    have = _has_any(fr, labels)
    trade_cfg = ctx.cfg.get("dependence", {}).get("trade", {})
    rules = [Rule(float(trade_cfg["min_share"]), f"assessment level {float(trade_cfg['min_share']):.0%}")] \
        if "min_share" in trade_cfg else []
    notes_trade = []
    miss = [int(r["year"]) for r in fr.to_dict("records") if _num(r["a_on_b_share"]) is None
            and _num(r["b_on_a_share"]) is None]
    reasons = sorted({r["note"] for r in fr.to_dict("records") if r["note"] and int(r["year"]) in miss})
    n = _no_data_note(f"trade shares of {A} and {B}", miss, ctx)
    if n:
        notes_trade.append(n + (f" Why: {'; '.join(reasons)}." if reasons else ""))
    table = pd.DataFrame({
        "Year": [str(y) for y in fr["year"]],
        f"{B}'s share of {A}'s trade": [fmt_share(v) for v in fr["a_on_b_share"]],
        f"{A}'s share of {B}'s trade": [fmt_share(v) for v in fr["b_on_a_share"]],
        f"Trade / {A}'s GDP": [fmt_share(v, 2) for v in fr["a_on_b_gdp"]],
        f"Trade / {B}'s GDP": [fmt_share(v, 2) for v in fr["b_on_a_gdp"]],
        "Asymmetry (ratio)": [fmt_ratio(v) for v in fr["asymmetry_ratio"]],
        "Bilateral trade": fr["trade_txt"],
        f"{B}'s rank among {A}'s partners": [fmt_number(_num(v)) if _num(v) is not None else "no data"
                                             for v in fr.get("rank_b_in_a", [None] * len(fr))],
        f"{A}'s rank among {B}'s partners": [fmt_number(_num(v)) if _num(v) is not None else "no data"
                                             for v in fr.get("rank_a_in_b", [None] * len(fr))],
        "Source": fr["src_txt"],
        "Note": [n or "" for n in fr["note"]],
    })
    figs = [Figure(
        id="trade", missing="" if have else f"No data for trade between {A} and {B} in {ctx.span}.",
        spec=line_chart(data, start=ctx.start, end=ctx.end, series_order=list(labels.values()),
                        y_title="Share of own total trade", y_format=SHARE_FORMAT, rules=rules, zero=True,
                        tooltip=[("trade_txt", "Bilateral trade", ""), ("src_txt", "Source", "")]) if have else None,
        alt=f"Trade dependence of {A} on {B} and of {B} on {A}, {ctx.span}",
        caption=("Trade with the partner (exports plus imports, imports measured as the partner's exports) over "
                 "the state's total merchandise trade; each year takes both directions from one source and the "
                 "totals that go with it" + (f" (here: {'; '.join(TRADE_TEXT[lab] for lab in rules_used if lab in TRADE_TEXT)})"
                                            if rules_used else "") +
                 "." + (" The dashed line is the level the assessment asks of the weaker side." if rules else "")),
        sources=trade_src, table=table,
        numeric=frozenset(c for c in table.columns if c not in ("Year", "Source", "Note")))]

    # composition: product data where they exist, else the WDI proxy
    comp_cols = {"a_exports_raw_material_share": f"raw materials in {A}'s exports to {B}",
                 "b_exports_raw_material_share": f"raw materials in {B}'s exports to {A}",
                 "a_imports_machinery_share_84_85": f"machinery (HS 84-85) in {A}'s imports from {B}",
                 "b_imports_machinery_share_84_85": f"machinery (HS 84-85) in {B}'s imports from {A}"}
    proxy_cols = {"a_fuel_exports_pct": f"fuel in all of {A}'s exports (WDI proxy)",
                  "b_fuel_exports_pct": f"fuel in all of {B}'s exports (WDI proxy)",
                  "a_ores_metals_exports_pct": f"ores and metals in all of {A}'s exports (WDI proxy)",
                  "b_ores_metals_exports_pct": f"ores and metals in all of {B}'s exports (WDI proxy)"}
    if _has_any(fr, comp_cols):
        comp = {c: lab for c, lab in comp_cols.items() if fr[c].notna().any()}
        cdata = _long(fr, comp)
        prod_src = sorted({s for s in fr["product_source"].dropna()})
        comp_sources = ctx.use(prod_src)
        cap = ("Shares by HS chapter from product-level trade data: raw materials are HS 25-27, 44, 47, 72, "
               "74-76, 78-81 (fuels, ores, metals, wood and pulp); machinery HS 84-85. Years without product data "
               "are gaps.")
        comp_table = pd.DataFrame({"Year": [str(y) for y in fr["year"]],
                                   **{lab: [fmt_share(v) for v in fr[c]] for c, lab in comp.items()}})
        comp_missing = ""
        span = _data_years(fr, comp)
        cap += f" Product data exist for {_runs(span)} only: the axis spans those years." if span and (
            span[0] > ctx.start or span[-1] < ctx.end) else ""
        comp_spec = line_chart(cdata, start=span[0] if span else ctx.start, end=span[-1] if span else ctx.end,
                               series_order=list(comp.values()), y_title="Share of the flow",
                               y_format=SHARE_FORMAT, y_domain=[0, 1])
    elif _has_any(fr, proxy_cols):
        comp = {c: lab for c, lab in proxy_cols.items() if fr[c].notna().any()}
        fr2 = fr.assign(**{c: fr[c] / 100.0 for c in comp})
        cdata = _long(fr2, comp)
        comp_sources = ctx.use([src.get("fuel_exports_pct"), src.get("ores_metals_exports_pct")])
        cap = ("No product-level trade data for this pair: as a labelled proxy, the fuel and ores-and-metals "
               "shares of each state's merchandise exports to all partners (World Bank WDI).")
        comp_table = pd.DataFrame({"Year": [str(y) for y in fr["year"]],
                                   **{lab: [fmt_share(v) for v in fr2[c]] for c, lab in comp.items()}})
        comp_missing = ""
        comp_spec = line_chart(cdata, start=ctx.start, end=ctx.end, series_order=list(comp.values()),
                               y_title="Share of exports", y_format=SHARE_FORMAT, zero=True)
    else:
        comp_spec, comp_table, comp_sources, cap = None, None, [], ""
        comp_missing = f"No data for the composition of trade between {A} and {B} in {ctx.span}."
    figs.append(Figure(id="composition", spec=comp_spec, missing=comp_missing,
                       alt=f"Composition of trade between {A} and {B}", caption=cap, sources=comp_sources,
                       table=comp_table,
                       numeric=frozenset(c for c in (comp_table.columns if comp_table is not None else [])
                                         if c != "Year")))
    # investment: a table of the years with any figure
    inv_cols = {"a_fdi_position_usd": f"{B}'s direct investment in {A}",
                "a_fdi_position_gdp": f"... as share of {A}'s GDP",
                "b_fdi_position_usd": f"{A}'s direct investment in {B}",
                "b_fdi_position_gdp": f"... as share of {B}'s GDP",
                "a_cgit_investment_usd": f"{B} -> {A} investment, AEI CGIT",
                "b_cgit_investment_usd": f"{A} -> {B} investment, AEI CGIT"}
    # The AEI tracker records Chinese investment only: for any other investor its figures are
    # missing (not zero), so those columns are left out rather than shown as 0.
    cgit_investor = {"a_cgit_investment_usd": B, "b_cgit_investment_usd": A}
    for c, investor in cgit_investor.items():
        if investor != "CHN":
            inv_cols.pop(c, None)
    inv_rows = fr[[c for c in inv_cols if c in fr.columns]].notna().any(axis=1)
    blocks = [Markup("<h3>Investment</h3>")]
    if inv_rows.any():
        sub = fr[inv_rows]
        inv_table = pd.DataFrame({"Year": [str(y) for y in sub["year"]],
                                  **{lab: [fmt(_num(v), "share" if c.endswith("_gdp") else "usd") for v in sub[c]]
                                     for c, lab in inv_cols.items() if c in sub.columns}})
        inv_src = ctx.use([src.get("fdi_position_usd")]
                          + ([src.get("cgit_investment_usd")] if "CHN" in (A, B) else []))
        blocks.append(Markup(_table_markup(inv_table, numeric=[c for c in inv_table.columns if c != "Year"])))
        blocks.append(Markup(f"<p class=meta>Direct-investment positions as reported (IMF); the AEI China Global "
                             f"Investment Tracker covers Chinese investment only (deals of US$ 100 m or more), so it "
                             f"gives no figure for other investors.{' Sources: ' + esc('; '.join(inv_src)) + '.' if inv_src else ''}</p>"))
    else:
        blocks.append(Markup(f"<p class=note>{esc(f'No data for direct investment between {A} and {B} in {ctx.span}.')}</p>"))
    for nt in dep.notes:
        notes_trade.append(nt)
    trade_sec = Section(id="dependence", title="Dependence in both directions",
                        intro=(f"How much each side's trade depends on the other: {ctx.a.name} ({A}) on {ctx.b.name} "
                               f"({B}), and {ctx.b.name} on {ctx.a.name}."),
                        figures=figs, notes=notes_trade, blocks=blocks, chart_section=True)
    tr = fr.dropna(subset=["a_on_b_share", "b_on_a_share"])
    if not tr.empty:
        r = tr.iloc[-1]
        ctx.headlines.append(f"Trade in {int(r['year'])}: {ctx.b.name} accounted for {fmt_share(r['a_on_b_share'])} "
                             f"of {ctx.a.name}'s trade; {ctx.a.name} for {fmt_share(r['b_on_a_share'])} of "
                             f"{ctx.b.name}'s.")

    # --- arms
    arms_src = ctx.use([src.get("arms_transfers_tiv"), src.get("arms_imports_tiv_sipri"),
                        src.get("arms_exports_tiv_sipri"), src.get("arms_imports_tiv"), src.get("arms_exports_tiv")])
    imp = {"a_arms_import_share_5y": f"{A}'s arms imports from {B} (share, 5 years)",
           "b_arms_import_share_5y": f"{B}'s arms imports from {A} (share, 5 years)"}
    exp = {"a_arms_world_export_share_5y": f"{A}'s share of world arms exports (5 years)",
           "b_arms_world_export_share_5y": f"{B}'s share of world arms exports (5 years)",
           "a_arms_world_export_share": f"{A}'s share of world arms exports (year)",
           "b_arms_world_export_share": f"{B}'s share of world arms exports (year)"}
    arms_notes = []
    for cols, what in ((imp, f"arms imports of {A} or {B}"), (exp, "arms exports")):
        miss = [int(r["year"]) for r in fr.to_dict("records") if all(_num(r[c]) is None for c in cols)]
        n = _no_data_note(what, miss, ctx)
        if n:
            arms_notes.append(n)
    for c, lab in imp.items():
        miss = [int(r["year"]) for r in fr.to_dict("records") if _num(r[c]) is None]
        if miss and len(miss) < len(fr):
            arms_notes.append(f"{lab.split(' (')[0]}: no share in {_runs(miss)} (no arms imports recorded in the "
                              f"five years, so no share can be formed).")
    arms_cfg = ctx.cfg.get("dependence", {}).get("arms", {})
    arms_rules = [Rule(float(arms_cfg["min_share"]), f"assessment level {float(arms_cfg['min_share']):.0%}")] \
        if "min_share" in arms_cfg else []
    figs = []
    have = _has_any(fr, imp)
    figs.append(Figure(
        id="arms-imports", missing="" if have else f"No data for arms transfers between {A} and {B} in {ctx.span}.",
        spec=line_chart(_long(fr, imp), start=ctx.start, end=ctx.end, series_order=list(imp.values()),
                        y_title="Share of own arms imports", y_format=SHARE_FORMAT, y_domain=[0, 1],
                        rules=arms_rules)
        if have else None,
        alt=f"Share of each side's arms imports supplied by the other, {ctx.span}",
        caption=("SIPRI trend-indicator values (TIV) summed over the five years ending in each year (SIPRI's "
                 "convention): the partner's share of the state's arms imports."),
        sources=arms_src,
        table=pd.DataFrame({"Year": [str(y) for y in fr["year"]],
                            **{lab: [fmt_share(v) for v in fr[c]] for c, lab in imp.items()},
                            f"{A}'s arms imports from {B} (year)": [fmt_share(v) for v in fr["a_arms_import_share"]],
                            f"{B}'s arms imports from {A} (year)": [fmt_share(v) for v in fr["b_arms_import_share"]]}),
        numeric=frozenset(list(imp.values()) + [f"{A}'s arms imports from {B} (year)",
                                                 f"{B}'s arms imports from {A} (year)"])))
    have = _has_any(fr, exp)
    figs.append(Figure(
        id="arms-exports", missing="" if have else f"No data for arms exports of {A} and {B} in {ctx.span}.",
        spec=line_chart(_long(fr, exp), start=ctx.start, end=ctx.end, series_order=list(exp.values()),
                        y_title="Share of world arms exports", y_format=SHARE_FORMAT, zero=True)
        if have else None,
        alt=f"Shares of world arms exports of {A} and {B}, {ctx.span}",
        caption="Each state's arms exports (SIPRI TIV) over world arms exports, per year and over five years.",
        sources=arms_src,
        table=pd.DataFrame({"Year": [str(y) for y in fr["year"]],
                            **{lab: [fmt_share(v) for v in fr[c]] for c, lab in exp.items()}}),
        numeric=frozenset(exp.values())))
    blocks = []
    if dep.arms_windows:
        rows = []
        for w in dep.arms_windows:
            lo, hi = w["window"]
            rows.append({"Period": f"{lo}-{hi}",
                         f"{B}'s share of {A}'s arms imports": fmt_share(_num(w["a_on_b"]["arms_import_share"])),
                         f"{A}'s share of {B}'s arms imports": fmt_share(_num(w["b_on_a"]["arms_import_share"])),
                         f"{A}'s share of world exports": fmt_share(_num(w["a_on_b"]["arms_world_export_share"])),
                         f"{B}'s share of world exports": fmt_share(_num(w["b_on_a"]["arms_world_export_share"]))})
        wt = pd.DataFrame(rows)
        blocks.append(Markup("<h3>SIPRI's five-year periods</h3>" + _table_markup(
            wt, numeric=[c for c in wt.columns if c != "Period"])))
    arms_sec = Section(id="arms", title="Arms flows",
                       intro="Who arms whom: each side's arms imports from the other, and both sides' weight in the "
                             "world arms market.",
                       figures=figs, notes=arms_notes, blocks=blocks, chart_section=True)
    ar = fr.dropna(subset=["a_arms_import_share_5y", "b_arms_import_share_5y"], how="all")
    if not ar.empty:
        r = ar.iloc[-1]
        # the direction that carries information: the larger share (a 0% line says nothing)
        shares = [(_num(r["a_arms_import_share_5y"]), ctx.b.name, ctx.a.name),
                  (_num(r["b_arms_import_share_5y"]), ctx.a.name, ctx.b.name)]
        share, supplier, buyer = max(shares, key=lambda x: -1 if x[0] is None else x[0])
        if share is None:
            pass  # no share either way: nothing to headline (the section says why)
        elif share:
            ctx.headlines.append(f"Arms: in the five years to {int(r['year'])}, {supplier} supplied "
                                 f"{fmt_share(share)} of {buyer}'s arms imports.")
        else:
            ctx.headlines.append(f"Arms: neither supplied arms to the other in the five years to {int(r['year'])} "
                                 f"(SIPRI records no transfer between them).")
    return trade_sec, arms_sec


# ----------------------------------------------------------------------------- 6. alignment


def alignment_section(ctx: _Ctx) -> Section:
    import pandas as pd

    from ..measures.alignment import alignment, state_year_values
    from .charts import line_chart

    al = alignment(ctx.a, ctx.b, start=ctx.start, end=ctx.end, store=ctx.store)
    fr = al.frame.copy()
    A, B, C = ctx.A, ctx.B, ctx.C
    from ..measures.evidence import min_roll_calls

    least = min_roll_calls()  # below it vote_agreement has no agreement (assess_config.yaml)
    fr["agreement_drawn"] = fr["agreement"].where(fr["n_votes"] >= least)
    ag = {"agreement_drawn": "UN General Assembly agreement (roll calls)",
          "agreement_voeten": "Voeten's published agreement score"}
    fr["n_txt"] = [str(int(n)) for n in fr["n_votes"]]
    have = _has_any(fr, ag)
    notes = []
    miss = [int(r["year"]) for r in fr.to_dict("records") if _num(r["agreement_drawn"]) is None
            and _num(r["agreement_voeten"]) is None]
    n = _no_data_note(f"UN vote agreement of {A} and {B}", miss, ctx)
    if n:
        notes.append(n)
    few = [int(r["year"]) for r in fr.to_dict("records") if 0 < r["n_votes"] < least]
    if few:
        notes.append(f"Fewer than {least} roll calls both voted on in {_runs(few)}: no agreement from the roll "
                     f"calls for those years (too few to mean anything; un_votes.min_roll_calls).")
    # the table's columns, each with the series behind it: a column with no value in any year
    # (Voeten's score outside China-Russia, ICEWS outside 2002-2014) is left out, and so is
    # its source
    alliances = [c for c in fr.columns if c.startswith("alliance_")]
    columns = [
        ("Agreement", [fmt_ratio(v) for v in fr["agreement"]], fr["agreement"], ["un_votes"]),
        ("S score", [fmt_ratio(v) for v in fr["s_score"]], fr["s_score"], ["un_votes"]),
        ("Kappa", [fmt_ratio(v) for v in fr["kappa"]], fr["kappa"], ["un_votes"]),
        ("Roll calls", fr["n_txt"], fr["n_votes"], ["un_votes"]),
        ("Voeten agreement", [fmt_ratio(v) for v in fr["agreement_voeten"]], fr["agreement_voeten"],
         ["un_agreement_voeten"]),
        ("Joint UNSC vetoes", [fmt_number(_num(v)) if _num(v) is not None else "no data" for v in fr["joint_vetoes"]],
         fr["joint_vetoes"], ["veto_joint"]),
        ("Alliance (ATOP)", [_alliance_txt(r) for r in fr.to_dict("records")],
         fr[alliances].max(axis=1) if alliances else pd.Series(dtype=float), alliances),
        ("Joint IGOs", [fmt_number(_num(v)) if _num(v) is not None else "no data" for v in fr["igo_joint"]],
         fr["igo_joint"], ["igo_joint"]),
        (f"ICEWS coop/conflict {A}->{B}", [fmt_ratio(v) for v in fr["icews_a_to_b_ratio"]], fr["icews_a_to_b_ratio"],
         [k for k in al.sources if k.startswith("icews_")]),
        (f"ICEWS coop/conflict {B}->{A}", [fmt_ratio(v) for v in fr["icews_b_to_a_ratio"]], fr["icews_b_to_a_ratio"],
         [k for k in al.sources if k.startswith("icews_")]),
    ]
    kept = [(name, txt, keys) for name, txt, raw, keys in columns if pd.Series(raw).notna().any()]
    table = pd.DataFrame({"Year": [str(y) for y in fr["year"]], **{name: list(txt) for name, txt, _ in kept},
                          "Note": [n or "" for n in fr["note"]]})
    table_sources = ctx.use([al.sources.get(k) for _, _, keys in kept for k in keys])
    figs = [Figure(
        id="un-agreement", missing="" if have else f"No data for UN vote agreement of {A} and {B} in {ctx.span}.",
        spec=line_chart(_long(fr, ag, extra=["n_txt"]), start=ctx.start, end=ctx.end, series_order=list(ag.values()),
                        y_title="Agreement (0-1)", y_format=".2f", y_domain=[0, 1],
                        tooltip=[("n_txt", "Roll calls both voted on", "")]) if have else None,
        alt=f"UN General Assembly voting agreement of {A} and {B}, {ctx.span}",
        caption=("Share of roll calls on which the two voted alike (yes/abstain/no; an abstention against a yes or a "
                 "no counts as half agreement), calendar year of the vote; Voeten's published score extends the "
                 "series where the roll-call data stop."),
        sources=ctx.use([al.sources.get("un_votes") if fr["agreement_drawn"].notna().any() else None,
                         al.sources.get("un_agreement_voeten") if fr["agreement_voeten"].notna().any() else None]),
        table_sources=table_sources, table=table, numeric=frozenset(table.columns) - {"Year", "Alliance (ATOP)", "Note"})]
    # ideal points of the two and the third state
    ip_rows = []
    for st in (ctx.a, ctx.b, ctx.third):
        v = state_year_values(ctx.store, "ideal_point", st.ccode, ctx.years)
        lo = state_year_values(ctx.store, "ideal_point_q5", st.ccode, ctx.years)["value"]
        hi = state_year_values(ctx.store, "ideal_point_q95", st.ccode, ctx.years)["value"]
        ip_rows.append(v.assign(series=f"{st.label} ({st.name})", lo=lo.to_numpy(), hi=hi.to_numpy()))
    ip = pd.concat(ip_rows, ignore_index=True)
    ip["interval"] = [f"{fmt_ratio(l)} to {fmt_ratio(h)}" if _num(l) is not None else "no data"
                      for l, h in zip(ip["lo"], ip["hi"])]
    order = list(dict.fromkeys(ip["series"]))
    have_ip = ip["value"].notna().any()
    ip_src = ctx.use([ctx.store.series_index.get("ideal_point", {}).get("source")])
    ipt = ip.pivot(index="year", columns="series", values="value").reindex(ctx.years)
    figs.append(Figure(
        id="ideal-points", missing="" if have_ip else f"No data for UN ideal points of {A}, {B} or {C} in {ctx.span}.",
        spec=line_chart(ip[["year", "series", "value", "interval"]], start=ctx.start, end=ctx.end, series_order=order,
                        y_title="Ideal point (UN votes)", y_format=".2f",
                        tooltip=[("interval", "90% interval", "")]) if have_ip else None,
        alt=f"UN ideal points of {A}, {B} and {C}, {ctx.span}",
        caption=(f"Bailey-Strezhnev-Voeten ideal points from all UN General Assembly votes: states whose points are "
                 f"close vote alike. {C} is shown for reference. The table gives the distance of {A} and {B} with its "
                 f"interval from the posterior 5%-95% quantiles."),
        sources=ip_src,
        table=pd.DataFrame({
            "Year": [str(y) for y in ctx.years],
            **{s: [fmt_ratio(v) for v in ipt[s]] for s in order},
            f"Distance {A}-{B}": [fmt_ratio(v) for v in fr["ideal_point_distance"]],
            "Interval": [f"{fmt_ratio(l)} to {fmt_ratio(h)}" if _num(l) is not None else "no data"
                         for l, h in zip(fr["ideal_point_distance_lo"], fr["ideal_point_distance_hi"])],
        }), numeric=frozenset(order + [f"Distance {A}-{B}"])))
    for nt in al.notes:
        notes.append(nt)
    last = fr.dropna(subset=["agreement_drawn"])
    if not last.empty:
        r = last.iloc[-1]
        ctx.headlines.append(f"UN votes in {int(r['year'])}: {ctx.a.name} and {ctx.b.name} agreed on "
                             f"{fmt_share(r['agreement'], 2)} of {int(r['n_votes'])} roll calls.")
    return Section(id="alignment", title="UN alignment and ideal points",
                   intro=(f"Do {ctx.a.name} ({A}) and {ctx.b.name} ({B}) vote alike in the UN General Assembly, and are their "
                          f"positions converging?"),
                   figures=figs, notes=notes, chart_section=True)


def _alliance_txt(r: dict) -> str:
    kinds = [k for k in ("defense", "offense", "neutral", "nonagg", "consult") if _num(r.get(f"alliance_{k}"))]
    if kinds:
        return ", ".join({"nonagg": "non-aggression", "defense": "defence"}.get(k, k) for k in kinds)
    if all(_num(r.get(f"alliance_{k}")) is None for k in ("defense", "offense", "neutral", "nonagg", "consult")):
        return "no data"
    return "none"


# ----------------------------------------------------------------------------- 7. triangle


def items_text(e: dict) -> str:
    """One era of the triangle in words."""
    txt = e["pattern"] or "no data"
    if e["pattern"] == "romantic triangle" and e.get("pivot"):
        txt += f": {e['pivot']} is the pivot, courted by {' and '.join(e.get('wings') or [])}"
    elif e["pattern"] == "stable marriage" and e.get("partners"):
        txt += f": {' and '.join(e['partners'])} are partners, {e.get('outcast')} the outcast"
    return txt


def triangle_section(ctx: _Ctx) -> Section:
    import pandas as pd

    from ..measures.triangle import triangle
    from .charts import Rule, line_chart

    # dyadic series read only for the rows of the three states (every tie the triangle reads
    # is between two of them; the yearly medians come from state-year series): the same
    # result as the whole store (tests/test_report.py), without reading every alliance
    three = scoped_store(ctx.store, {ctx.a.ccode, ctx.b.ccode, ctx.third.ccode})
    tr = triangle(ctx.a, ctx.b, ctx.third, start=ctx.start, end=ctx.end, store=three, measure="evidence")
    un = triangle(ctx.a, ctx.b, ctx.third, start=ctx.start, end=ctx.end, store=three, measure="agreement")
    pairs = tr.pair_labels
    fr = tr.frame
    ufr = un.frame
    thr = un.threshold
    rows = []
    for r, u in zip(fr.to_dict("records"), ufr.to_dict("records")):
        for i, p in enumerate(pairs):
            v = u["values"][i] if u["values"] is not None else None
            rows.append({"year": int(r["year"]), "series": p, "value": _num(v),
                         "tie": r["ties"][i] if r["ties"] and r["ties"][i] else "no data",
                         "pattern": r["pattern"] or "no data"})
    data = pd.DataFrame(rows)
    have = data["value"].notna().any()
    sources = ctx.use([*tr.sources.values(), *un.sources.values()])  # chart: un's; table: both
    rules = [Rule(float(thr), f"threshold {float(thr):g}: above is amity (+)")] if isinstance(thr, (int, float)) else []
    notes = []
    miss = [int(r["year"]) for r in fr.to_dict("records") if r["pattern"] is None]
    if miss:
        reasons = sorted({r["note"] for r in fr.to_dict("records") if r["note"]})
        n = _no_data_note(f"the triangle of {ctx.A}, {ctx.B} and {ctx.C}", miss, ctx)
        notes.append(n + (f" ({'; '.join(reasons)})" if reasons else ""))
    notes.extend(tr.notes)

    def roles(r: dict) -> str:
        if r["pattern"] == "romantic triangle" and r.get("pivot"):
            return f"pivot {r['pivot']}, wings {', '.join(r.get('wings') or [])}"
        if r["pattern"] == "stable marriage" and r.get("partners"):
            return f"partners {', '.join(r['partners'])}, outcast {r.get('outcast')}"
        return ""

    table = pd.DataFrame({
        "Year": [str(int(y)) for y in fr["year"]],
        "Pattern": [p or "no data" for p in fr["pattern"]],
        "Roles": [roles(r) for r in fr.to_dict("records")],
        **{p: [f"{t or '?'} {b[i] if b is not None and b[i] else 'no evidence'}"
               for t, b in zip([ties[i] if ties else None for ties in fr["ties"]], fr["basis"])]
           for i, p in enumerate(pairs)},
        **{f"UN agreement {p}": [fmt_ratio(_num(v[i]) if v is not None else None) for v in ufr["values"]]
           for i, p in enumerate(pairs)},
        "Note": [n or "" for n in fr["note"]],
    })
    eras = tr.eras()
    items = []
    for e in eras:
        yrs = f"{e['from']}" if e["from"] == e["to"] else f"{e['from']}-{e['to']}"
        items.append(f"<li>{esc(yrs)}: {esc(tidy_text(items_text(e)))}</li>")
    blocks = [Markup("<h3>Eras</h3><ul>" + "".join(items) + "</ul>")] if items else []
    fig = Figure(
        id="triangle", missing="" if have else f"No data for the triangle of {ctx.A}, {ctx.B} and {ctx.C} in {ctx.span}.",
        spec=line_chart(data, start=ctx.start, end=ctx.end, series_order=pairs, y_title="UN agreement (0-1)",
                        y_format=".2f", y_domain=[0, 1], rules=rules,
                        tooltip=[("tie", "Tie", ""), ("pattern", "Pattern that year", "")]) if have else None,
        alt=f"UN agreement of each pair among {ctx.A}, {ctx.B} and {ctx.C}, {ctx.span}",
        caption=(f"UN General Assembly agreement of each pair, one signal among several (years with fewer than "
                 f"{FEW_VOTES} common roll calls are left out). The pattern in the table is Dittmer's strategic "
                 f"triangle read from the evidence the field uses: a strategic rivalry or a war is enmity (-), an "
                 f"alliance or the absence of rivalry amity (+); after the rivalry data end, rivalries are carried "
                 f"forward, then alliances of the alliance data's last year, and UN ideal points decide the other "
                 f"ties. Three positive ties make a ménage à trois, two "
                 f"a romantic triangle (the state in both is the pivot), one a stable marriage (the third state is "
                 f"the outcast), none a unit veto."),
        sources=ctx.use(un.sources.values()), table_sources=sources, table=table,
        numeric=frozenset(f"UN agreement {p}" for p in pairs))
    known = [e for e in eras if e["pattern"]]
    if known:
        e = known[-1]
        ctx.headlines.append(f"Triangle with {ctx.C}, {_runs(range(int(e['from']), int(e['to']) + 1))}: "
                             f"{items_text(e)}.")
    return Section(id="triangle", title=f"The triangle with {ctx.third.name}",
                   intro=(f"{ctx.a.name}, {ctx.b.name} and {ctx.third.name}: who is aligned with whom, year by year, from "
                          f"rivalries, wars and alliances, with UN voting beside them."),
                   figures=[fig], notes=notes, blocks=blocks, chart_section=True)


# ----------------------------------------------------------------------------- 8. claims


def _mentions(expr: str, code: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(code)}(?![A-Za-z0-9_])", expr) is not None


def claims_for_pair(a: str, b: str, claims: Sequence[Any]) -> list[Any]:
    """The seed claims for a pair: all of them for China-Russia (the essays are about that
    pair), else those whose value expression names both states' ISO3 codes."""
    if frozenset({a, b}) == SEED_PAIR:
        return list(claims)
    return [c for c in claims if _mentions(c.value, a) and _mentions(c.value, b)]


def _claim_codes(obj: Any, out: set[int]) -> set[int]:
    """The COW codes of every state a bound claim names (in each year it asks about)."""
    import dataclasses

    from ..claims.evaluate import Bound, Country

    if isinstance(obj, Country):
        out.add(int(obj.ccode))
    elif isinstance(obj, Bound):
        for c in obj.countries:
            out.add(int(c.ccode))
            out.update(int(c.code_in(y)) for y in obj.years)
    elif isinstance(obj, dict):  # a claim's calls, each bound to its arguments
        for x in obj.values():
            _claim_codes(x, out)
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            _claim_codes(x, out)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            _claim_codes(getattr(obj, f.name), out)
    return out


def scoped_store(store, codes: Iterable[int]) -> Any:
    """``store`` seen through :class:`powergap.measures.evidence.Scoped` (dyadic series read
    only for rows involving ``codes``), or ``store`` itself where that view is unavailable."""
    try:
        from ..measures.evidence import Scoped
    except ImportError:  # the engine moved it: read the whole store
        return store
    codes = set(int(c) for c in codes)
    return Scoped(store, codes) if codes else store


# Functions of the claim language whose measure reads dyadic series the claim does not name
# (trade flows, alliance and IGO ties): those series are read for the years such calls ask
# about and the MARGIN years before them (stability windows, five-year arms windows).
_INDIRECT = frozenset({"dependence", "dimension_ratio", "agreement", "product_share"})
# Functions that read a named dyadic series only at rows with their first state on one side:
# its value for a pair in a year (or over years), and its rank among that state's partners.
_LOOKUPS = frozenset({"series", "sum", "mean", "max", "min", "growth", "change", "partner_rank"})
_MARGIN = 10


class ClaimRows:
    """The store as a claims check needs it: dyadic series read only for the rows that involve
    the states the claims name, in the years they ask about. A series the claims name is read
    for its years and, where it is only looked up (a value, a sum over years, a partner rank),
    for the rows of each call's first state: the pair's row and the first state's partners are
    among them. A series read by a measure such as trade dependence is read for every state
    those calls name, in their years with a margin. State-year series, tables and the catalog
    are the store's own.

    Every dyadic lookup of the claim language names its states and years, and a state's
    total over its partners has that state on one side of each row, so the values, sources
    and missing lists are those of the whole snapshot (tests/test_report.py checks it for
    every seed claim) from a few thousand rows instead of millions."""

    def __init__(self, store, claims: Sequence[Any]) -> None:
        from ..claims.evaluate import Bound

        self._store = store
        named: dict[str, set[int]] = {}         # series -> years asked
        named_codes: dict[str, set[int]] = {}   # series -> states whose rows those lookups need
        indirect: set[int] = set()
        indirect_codes: set[int] = set()
        for c in claims:
            for b in (getattr(c, "bound", None) or {}).values():
                if not isinstance(b, Bound):
                    continue
                ys = set(b.years)
                if b.func in ("sum", "mean", "max", "min") and len(b.years) == 2:
                    ys = set(range(b.years[0], b.years[1] + 1))
                codes = _claim_codes(b, set())
                if b.series is not None:
                    named.setdefault(b.series.id, set()).update(ys)
                    if b.func in _LOOKUPS and b.countries:
                        first = b.countries[0]
                        named_codes.setdefault(b.series.id, set()).update(
                            {int(first.ccode)} | {int(first.code_in(y)) for y in ys})  # ys holds b.years
                    else:
                        named_codes.setdefault(b.series.id, set()).update(codes)
                if b.func in _INDIRECT or b.series is None:
                    indirect.update(y - k for y in ys for k in range(_MARGIN + 1))
                    indirect_codes.update(codes)
        self._named = named
        self._named_codes = named_codes
        self._indirect = indirect
        self._indirect_codes = indirect_codes

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def series(self, series_id: str, *, directed: bool = True):
        meta = self._store.series_meta(series_id)
        if not meta.get("dyadic"):  # the store's own: the state-year file is read once per process
            return self._store.series(series_id)
        years = self._named.get(series_id, set()) | self._indirect
        codes = self._named_codes.get(series_id, set()) | self._indirect_codes
        return self._store.series(series_id, directed=directed, involving=tuple(sorted(codes)), years=years)


def claims_store(claims: Sequence[Any], store) -> Any:
    """The store the claims are checked on: :class:`ClaimRows`."""
    return ClaimRows(store, claims)


def check_scoped(claims: Sequence[Any], store) -> Any:
    """:func:`powergap.check_claims` on :func:`claims_store` (the same results as on the
    whole snapshot, in the claims' order)."""
    from ..claims import check_claims

    return check_claims(claims, store=claims_store(claims, store))


def pair_claims(a: str, b: str, store, *, extra_claims: str | Path | None = None,
                seeds: bool = True) -> tuple[list, list[str], Any]:
    """The claims the report checks for the pair ``a``, ``b`` (ISO3 labels): the seed claims
    that apply and those of ``extra_claims``, their origins, and the checked report (None when
    there is no claim). It needs nothing the other sections compute, so the report runs it
    beside them (:func:`build_report`)."""
    from ..claims import load_claims, seeds_path

    chosen = []
    origin = []
    if seeds:
        seed_claims = claims_for_pair(a, b, load_claims(seeds_path(), store=store))
        chosen += seed_claims
        origin += ["seed"] * len(seed_claims)
    if extra_claims is not None:
        from ..claims.draft import is_text_file, load_drafts

        # A text file (.txt, .md) is drafted into claims first (`powergap claims draft`).
        extra = (load_drafts(extra_claims, store=store) if is_text_file(extra_claims)
                 else load_claims(extra_claims, store=store))
        seen = {c.id for c in chosen}
        for c in extra:
            if c.id in seen:
                raise InputError(f"{extra_claims}: claim {c.id!r} has the same id as a seed claim")
        chosen += extra
        origin += [Path(extra_claims).name] * len(extra)
    checked = check_scoped(chosen, store) if chosen else None
    release_freed_memory()
    return chosen, origin, checked


def claims_section(ctx: _Ctx, *, extra_claims: str | Path | None = None, seeds: bool = True,
                   checked: tuple | None = None) -> Section:
    """The claims section; ``checked`` is :func:`pair_claims`'s result when already computed."""
    chosen, origin, rep = checked if checked is not None else pair_claims(
        ctx.A, ctx.B, ctx.store, extra_claims=extra_claims, seeds=seeds)
    if not chosen:
        why = (f"No seed claim applies to {ctx.A}-{ctx.B} (none names both states)" if seeds
               else "The seed claims were left out")
        return Section(id="claims", title="Claims checked",
                       notes=[f"{why}, and no claim file was given: no claims to check."])
    groups: dict[str, list[str]] = {v: [] for v in ("contradicted", "supported", "unverifiable")}
    for n, (res, org) in enumerate(zip(rep.results, origin), start=1):
        groups.setdefault(res.verdict, []).append(_claim_card(n, res, org, ctx))
    s = rep.summary
    line = (f"{len(rep.results)} claims: {s['supported']} supported, {s['contradicted']} contradicted, "
            f"{s['unverifiable']} unverifiable" + (f" ({rep.curated_count} verdicts rest on curated figures)"
                                                   if rep.curated_count else "") + ".")
    ctx.headlines.append(f"Claims: {line}")
    intro = (f"Quantitative claims about {ctx.A} and {ctx.B} checked against the data: supported, contradicted, or "
             f"unverifiable (with what is missing). A verdict marked (curated) rests on a published figure kept in "
             f"powergap's curated facts.")
    if frozenset({ctx.A, ctx.B}) == SEED_PAIR:
        intro += " These are the claims of the seed essays on China and Russia."
    elif seeds:
        intro += " Seed claims are included when their expression names both states."
    blocks = [Markup(f"<p><strong>{esc(line)}</strong></p>")]
    heads = {"contradicted": "Contradicted by the data", "supported": "Supported by the data",
             "unverifiable": "Unverifiable with the data at hand"}
    for verdict, cards in groups.items():
        if not cards:
            continue
        body = f"<ol class=claims>{''.join(cards)}</ol>"
        title = f"{heads.get(verdict, verdict)} ({len(cards)})"
        if verdict != "contradicted":
            # long lists: folded, still in the page (opened for printing); contradictions,
            # the most telling, stay open
            blocks.append(Markup(f"<details class=claimgroup><summary><h3>{esc(title)}</h3></summary>{body}</details>"))
        else:
            blocks.append(Markup(f"<h3>{esc(title)}</h3>{body}"))
    return Section(id="claims", title="Claims checked", intro=intro, blocks=blocks, chart_section=False)


# The seed essays (shared/seeds) by file name: their titles (or, where the copy has none, the
# author or opening words), so a claim's source reads as a reference, not a file id.
SEED_TITLES = {
    "000_472813444b920a34.txt": "Ivan Kondratenko, essay on the Russia-China partnership (2025)",
    "001_32a61a6f2c38fac9.txt": "Op-ed from Glasgow, 'An alliance with a powerful actor is never safe'",
    "002_68a84e90bc4b6cba.txt": "'Delving Deeper into Putin's \"Turn to the East\": Sino-Russian Asymmetry "
                                "Reinterpreted and Up for Debate'",
    "003_435c0581c92eed09.txt": "'Why The Budding Xi-Putin Alliance Is Bound To Implode' (Worldcrunch)",
    "004_1d6f208102361938.txt": "'Putin, Xi ties are as solid as ever after decade of trade deals and US "
                                "antagonism' (Cryptopolitan, 2 September 2025)",
}


def claim_source_text(source: str) -> str:
    """A seed claim's source with the essay's title in place of its file name."""
    head, sep, rest = str(source).partition(",")
    title = SEED_TITLES.get(head.strip())
    return f"{title}{sep}{rest}" if title else str(source)


# "a third", "one quarter", "half" are fractions; "third term" is not
_SHARE_WORDS = re.compile(r"%|percent|per cent|\bshare\b|\b(?:a|one|two)[ -](?:third|quarter|fifth)s?\b|\bhalf\b", re.I)
_MONEY_WORDS = re.compile(r"\$|US\$|\bdollars?\b|\bbillion\b|\bmillion\b|\btrillion\b|\bbn\b", re.I)
# expressions whose value is a ratio of two sides, a rank or an order, whatever the words say
_PLAIN_CALLS = re.compile(r"^\s*(?:ratio|rank|partner_rank|rank_increase|rank_decrease|visit_order\w*)\(")


def claim_unit(claim: Any) -> str:
    """The unit a claim speaks in, from its expression, its own words and its target: a plain
    number for a ratio, rank or order ("ratio(gdp_usd, CHN, RUS, 2021) >= 1.5" reads 9.95,
    not 995%); a share ("4%", "a third") when the target is a fraction (below 1, or 1 as an
    upper bound or approximate value); US dollars when it is money-sized; else a plain
    number. The computed value and the expectation are then written in that same unit."""
    target = _num(getattr(claim.expect, "target", None))
    text = f"{claim.text} {claim.note or ''}"
    if _PLAIN_CALLS.match(str(getattr(claim, "value", ""))):
        return ""
    fraction = target is not None and (abs(target) < 1 or (abs(target) == 1 and claim.expect.op in ("approx", "<=", "<")))
    if fraction and _SHARE_WORDS.search(text):
        return "share"
    if target is not None and abs(target) >= 1e6 and _MONEY_WORDS.search(text):
        return "usd"
    return ""


def expectation_text(expect: Any, unit: str) -> str:
    """``≈ 4% ± 25%`` / ``< 1%``: the expectation in the claim's unit."""
    target = fmt(_num(expect.target), unit)
    if expect.op == "approx":
        return f"≈ {target} ± {fmt(expect.tolerance, 'share', 2)}"
    return f"{ {'>=': '≥', '<=': '≤'}.get(expect.op, expect.op)} {target}"


def _claim_card(n: int, res: Any, origin: str, ctx: _Ctx) -> str:
    """One checked claim as a card; every text in it is escaped."""
    c = res.claim
    used = ctx.use([s for s in res.sources if not str(s).startswith("curated:")])
    for f in res.facts:
        ctx.facts.setdefault(str(f.get("id")), dict(f))
    missing = ["; ".join(str(m.get(k)) for k in ("series", "country", "year") if m.get(k) is not None)
               + (f": {m.get('reason')}" if m.get("reason") else "") for m in res.missing[:5]]
    if len(res.missing) > 5:
        missing.append(f"and {len(res.missing) - 5} more")
    unit = claim_unit(c)
    value = fmt(res.value, unit) if res.value is not None else "no value could be computed"
    rows = [("Checked", f"{value} (expected {expectation_text(c.expect, unit)})")]
    if used or res.facts:
        rows.append(("Data used", ", ".join(used) + (("; " if used else "") + "curated: "
                                                      + ", ".join(str(f.get("id")) for f in res.facts)
                                                      if res.facts else "")))
    if missing:
        rows.append(("Missing", " | ".join(missing)))
    if c.note:
        rows.append(("Reading", c.note))
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
    dl += f"<dt>Expression</dt><dd><code>{esc(c.value)}</code></dd>"
    return (f"<li class=claim id='claim-{n}'><p class=claim-head>"
            f"<span class='verdict verdict-{esc(res.verdict)}'>{esc(res.label)}</span> "
            f"<code class=claim-id>{esc(c.id)}</code> <span class=muted>({esc(origin)})</span></p>"
            f"<blockquote class=claim-text>{esc(c.text)}</blockquote>"
            f"<p class=meta>{esc(claim_source_text(c.source))}</p><dl>{dl}</dl></li>")


# ----------------------------------------------------------------------------- footer


def _safe_url(url: Any) -> str | None:
    if isinstance(url, str) and re.match(r"^https?://[^\s\"'<>]+$", url.strip()):
        return url.strip()
    return None


def citations_html(keys: Sequence[str], store, *, facts: Sequence[dict] = ()) -> Markup:
    """The sources used, cited from the snapshot's catalog (and the curated facts used)."""
    index = store.source_index
    items = []
    for k in sorted(keys, key=lambda k: (str(index.get(k, {}).get("title") or k).lower(), k)):
        s = index.get(k, {})
        parts = [f"<strong>{esc(s.get('title') or k)}</strong>"]
        meta = ", ".join(str(x) for x in (s.get("producer"), ("version " + str(s["version"])) if s.get("version") else None)
                         if x)
        if meta:
            parts.append(f" ({esc(meta)})")
        if s.get("citation"):
            parts.append(f". {esc(s['citation'])}")
        if s.get("licence"):
            parts.append(f" <span class=muted>Licence: {esc(s['licence'])}.</span>")
        url = _safe_url(s.get("url"))
        if url:
            parts.append(f" <a href='{esc(url)}' rel=noreferrer>{esc(url)}</a>")
        parts.append(f" <span class=muted>[{esc(k)}]</span>")
        items.append(f"<li>{''.join(parts)}</li>")
    html = ["<section id=sources><h2>Sources</h2>"]
    if items:
        html.append(f"<p class=meta>Generated from the snapshot's catalog: only the sources this page used.</p>"
                    f"<ol class=sources>{''.join(items)}</ol>")
    else:
        html.append("<p class=note>No catalogued source was used.</p>")
    if facts:
        fitems = []
        for f in sorted(facts, key=lambda f: str(f.get("id"))):
            txt = str(f.get("id"))
            if f.get("source"):
                txt += f": {f['source']}"
            fitems.append(f"<li>{esc(txt)}</li>")
        html.append("<h3>Curated figures used</h3><ul>" + "".join(fitems) + "</ul>")
    html.append("</section>")
    return Markup("".join(html))


def config_html(config: dict) -> Markup:
    import yaml

    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
    return Markup(f"<section id=config><h2>Configuration used</h2><p class=meta>Everything that decided what this "
                  f"page shows: the pair, the years, the assessment thresholds, the snapshot.</p>"
                  f"<pre>{esc(text)}</pre></section>")


def snapshot_identity(store) -> dict:
    """The snapshot's end year and a fingerprint of its files (from the catalog checksums)."""
    files = store.catalog.get("files", {})
    h = hashlib.sha256("\n".join(f"{k}:{v}" for k, v in sorted(files.items())).encode()).hexdigest()[:16]
    return {"end_year": store.end_year, "fingerprint": h,
            "sources": len(store.catalog.get("sources", [])), "series": len(store.catalog.get("series", []))}


# ----------------------------------------------------------------------------- the whole report


def _complete_facts(facts: dict[str, dict]) -> None:
    """Give every curated fact used its citation from the curated-facts file."""
    if not facts:
        return
    try:
        from ..curated import load_facts

        known = {f.id: f for f in load_facts()}
    except PowergapError:
        return
    for fid, d in facts.items():
        f = known.get(fid)
        if f is not None:
            d.setdefault("source", f.source)
            d.setdefault("series", f.series)
            d.setdefault("year", f.when)


def _is_assessment(obj: Any) -> bool:
    return all(hasattr(obj, k) for k in ("years", "changes", "sources", "summary", "config", "state_a", "state_b"))


class _Background:
    """``fn(*args, **kwargs)`` run beside the caller; :meth:`result` waits for it and returns
    its value or raises its exception. A report that fails elsewhere does not wait for it.

    On Linux it runs in a forked process, so that it has a core of its own: most of the
    report is Python code, which threads of one process run one at a time (the GIL). The
    value comes back pickled (the same objects); if the process fails in any way, the call
    is made here instead, so that its error, if any, is raised as it would be. Elsewhere, a
    daemon thread."""

    def __init__(self, fn: Callable[..., Any], *args: Any, threaded: bool = True, **kwargs: Any) -> None:
        import threading

        self._out: list[Any] = []
        self._err: list[BaseException] = []
        self._call: tuple | None = None
        self._payload: list[bytes] = []
        if not threaded:  # run when the result is asked for
            self._thread = threading.Thread(target=lambda: None)
            self._call = (fn, args, kwargs)
            return
        if _can_fork():
            self._fork(fn, args, kwargs)
            return

        def run() -> None:
            try:
                self._out.append(fn(*args, **kwargs))
            except BaseException as exc:  # handed to the caller of result()
                self._err.append(exc)

        self._thread = threading.Thread(target=run, name="powergap-claims", daemon=True)
        self._thread.start()

    def _fork(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        import os
        import pickle
        import threading

        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, leave without running any exit handler
            try:
                import gc

                gc.disable()  # it lives for a second and leaves by os._exit: collecting is wasted work
                os.close(r)
                try:
                    payload = pickle.dumps(("ok", fn(*args, **kwargs)), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:  # the parent makes the call itself and raises what it raises
                    payload = pickle.dumps(("again", None))
                with os.fdopen(w, "wb") as fh:
                    fh.write(payload)
            finally:
                os._exit(0)
        os.close(w)
        self._pid = pid
        self._call = (fn, args, kwargs)  # kept for the fallback

        def read() -> None:  # a thread drains the pipe (the child never blocks) and reaps the child
            try:
                with os.fdopen(r, "rb") as fh:
                    self._payload.append(fh.read())
            finally:
                os.waitpid(pid, 0)

        self._thread = threading.Thread(target=read, name="powergap-claims", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Stop the work: the forked process is killed (and reaped by the reading thread);
        the call is not made here. For a report that fails before it needs the result."""
        import os
        import signal

        self._call = None
        pid = getattr(self, "_pid", None)
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):  # it has already finished
                pass

    def result(self) -> Any:
        if self._thread.ident is not None:
            self._thread.join()
        if self._call is not None and self._payload:
            import pickle

            try:
                kind, value = pickle.loads(self._payload[0])
            except Exception:
                kind, value = "again", None
            self._payload.clear()
            if kind == "ok":
                self._call = None
                self._out.append(value)
        if self._call is not None:
            fn, args, kwargs = self._call
            self._call = None
            try:
                self._out.append(fn(*args, **kwargs))
            except BaseException as exc:
                self._err.append(exc)
        if self._err:
            raise self._err[0]
        return self._out[0]


def _can_fork() -> bool:
    import os
    import sys

    return sys.platform.startswith("linux") and hasattr(os, "fork")


def default_third(a: "State", b: "State", year: int, cfg: dict, store) -> "State":
    """The third state of the triangle when none is given: of the assessment's major powers
    (``independence.vote_difference.major_powers``) other than ``a`` and ``b``, the one with
    the largest military expenditure (SIPRI, current US$) in the last year up to ``year``
    with figures for all of them; the first in the list when there are none."""
    from ..states import resolve

    labels = (cfg.get("independence", {}).get("vote_difference", {}).get("major_powers")
              or ["USA", "CHN", "RUS", "GBR", "FRA", "DEU", "JPN", "IND"])
    options = []
    for lab in labels:
        st = resolve(str(lab).split("/")[0])
        if st.ccode not in (a.ccode, b.ccode) and all(st.ccode != o.ccode for o in options):
            options.append(st)
    if not options:
        raise InputError("no major power other than the pair to be the third state: give --third")
    try:
        mil = store.series("milex_usd")
    except PowergapError:
        return options[0]
    mil = mil[mil["ccode"].isin([o.ccode for o in options]) & (mil["year"] <= year) & mil["value"].notna()]
    full = mil.groupby("year")["ccode"].nunique()
    full = full[full == len(options)]
    if full.empty:
        return options[0]
    last = mil[mil["year"] == int(full.index.max())].set_index("ccode")["value"]
    return max(options, key=lambda o: (float(last.get(o.ccode, float("-inf"))), -options.index(o)))


def _warm_triangle(store, a: Any, b: Any, third: "State | None", config: Any) -> None:
    """Read the triangle's tie series (rivalries and alliances) for the rows of the pair and
    the third state before the assessment reads them for the pair's rows: the row groups are
    decoded once, the assessment's reads are answered from these rows (the same rows, see
    Snapshot._dyad_rows), and the triangle's reads are ready. The third state is the one
    given or the default for the snapshot's last year (the assessment's last year may be
    earlier; a different default only leaves these rows unused)."""
    from ..assess_core import load_config
    from ..measures.amity import ALLIANCE_SERIES, RIVALRY_SERIES
    from ..states import resolve

    try:
        sa, sb = resolve(a), resolve(b)
        sc = third if third is not None else default_third(sa, sb, int(store.end_year), load_config(config), store)
        codes = {sa.ccode, sb.ccode, sc.ccode}
        if len(codes) < 3:
            return
        view = scoped_store(store, codes)
        for sid in (*RIVALRY_SERIES, *ALLIANCE_SERIES):
            if sid in store.series_index:
                view.series(sid, directed=False)
    except PowergapError:  # the assessment raises it again, where it belongs
        return


def build_report(a: Any = None, b: Any = None, *, start: int | None = None, end: int | None = None,
                 third: Any = None, config: dict | str | Path | None = None, assessment: Any = None,
                 extra_claims: str | Path | None = None, seeds: bool = True, store=None,
                 progress: Progress | None = None) -> Report:
    """Gather every section of the report for ``a`` and ``b``.

    Parameters
    ----------
    a, b : the two states (any form :func:`powergap.resolve` accepts); optional when
        ``assessment`` is given (its pair, years and config are used).
    start, end : years (default: those of :func:`powergap.assess`, the last 31 years).
    third : the third state of the triangle (default: :func:`default_third`, the major power
        other than the pair with the largest military expenditure).
    config : assessment configuration overrides (mapping or YAML file).
    assessment : an :class:`~powergap.assessment.Assessment` already computed (not recomputed).
    extra_claims : a claim file (YAML) whose claims are checked in addition to the seed
        claims that apply to the pair; all text in it is shown escaped.
    seeds : include the seed claims (default True).
    progress : called with a short message before each step (for a progress display).

    Returns
    -------
    Report
        Render it with :meth:`Report.render` (or use :func:`powergap.report.write_report`).
    """
    from ..snapshot.store import default_store
    from ..states import resolve

    say = progress or (lambda m: None)
    st = store if store is not None else default_store()
    timings: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        try:
            return fn()
        finally:
            timings[name] = round(time.perf_counter() - t0, 3)

    sc = resolve(third) if third is not None else None  # bad inputs are errors before any work
    if extra_claims is not None:
        from ..claims import load_claims
        from ..claims.draft import is_text_file, load_drafts

        (load_drafts if is_text_file(extra_claims) else load_claims)(extra_claims, store=st)
    # The claims check needs nothing the other sections compute: it starts now, beside the
    # assessment (a forked process on Linux, else a thread: _Background), and its result, or
    # its error, is taken where the claims section stands.
    if _is_assessment(assessment):
        pair = (assessment.state_a.label, assessment.state_b.label)
    else:
        pair = (resolve(a).label, resolve(b).label) if a is not None and b is not None else None
    claims_job = (_Background(pair_claims, *pair, st, extra_claims=extra_claims, seeds=seeds, threaded=WORKERS > 1)
                  if pair else None)
    try:
        if assessment is None:
            if a is None or b is None:
                raise InputError("give two states (or an assessment) for the report")
            from .. import assess  # the public name: the module behind it may move

            _warm_triangle(st, a, b, sc, config)
            say("assessing the stages, year by year")
            assessment = timed("assessment", lambda: assess(a, b, start=start, end=end, config=config, store=st))
            release_freed_memory()
        elif not _is_assessment(assessment):
            raise InputError("assessment= must be a powergap Assessment")
        sa, sb = assessment.state_a, assessment.state_b
        if a is not None and resolve(a).ccode != sa.ccode or b is not None and resolve(b).ccode != sb.ccode:
            raise InputError("the assessment given is for another pair of states")
        if sc is None:
            sc = default_third(sa, sb, int(assessment.end), dict(assessment.config), st)
        if sc.ccode in (sa.ccode, sb.ccode):
            raise InputError(f"the third state of the triangle must differ from {sa.label} and {sb.label} (got {sc.label})")
        cfg = dict(assessment.config)
        ctx = _Ctx(sa, sb, sc, int(assessment.start), int(assessment.end), cfg, st)

        sections: list[Section] = []
        say("stage timeline")
        sections.append(timed("timeline", lambda: _safe_section(
            "timeline", "Stage timeline", "the stage timeline", ctx, lambda: timeline_section(assessment, ctx))))
        # The sections below read different data and share nothing but the store's caches: they
        # are gathered two at a time (in a forked process beside this one on Linux, else in
        # threads), each with its own record of sources and headlines, merged back in the page's
        # order so that the page is the same as gathered one by one.

        def cap_and_robustness(c: _Ctx) -> list[Section]:
            prof_box: list[Any] = []

            def cap() -> Section:
                sec, prof = capability_section(c)
                prof_box.append(prof)
                return sec

            out = [timed("capability", lambda: _safe_section(
                "capability", "Capability by dimension", "capabilities", c, cap))]
            if prof_box:
                out.append(timed("robustness", lambda: _safe_section(
                    "robustness", "Does the verdict depend on the weights?", "weight robustness", c,
                    lambda: robustness_section(prof_box[0], c))))
            else:
                out.append(Section(id="robustness", title="Does the verdict depend on the weights?",
                                   notes=[f"No data for weight robustness for {c.A}-{c.B} in {c.span}: "
                                          f"there is no capability profile."]))
            return out

        def dependence_and_arms(c: _Ctx) -> list[Section]:
            try:
                return list(timed("dependence", lambda: dependence_sections(c)))
            except PowergapError as exc:
                return [Section(id="dependence", title="Dependence in both directions",
                                notes=[f"No data for dependence for {c.A}-{c.B} in {c.span}: {exc}"]),
                        Section(id="arms", title="Arms flows",
                                notes=[f"No data for arms flows for {c.A}-{c.B} in {c.span}: {exc}"])]

        jobs = [
            ("capability by dimension and weight robustness", cap_and_robustness),
            # issue 15: every specification of the multiverse on the assessment's own evidence
            ("how sure the verdict is", lambda c: [timed("multiverse", lambda: _safe_section(
                "multiverse", "How sure is this verdict?", "the multiverse", c,
                lambda: _multiverse_section(assessment, c)))]),
            ("dependence and arms flows", dependence_and_arms),
            ("UN alignment and ideal points", lambda c: [timed("alignment", lambda: _safe_section(
                "alignment", "UN alignment and ideal points", "UN alignment", c, lambda: alignment_section(c)))]),
            (f"the triangle with {sc.label}", lambda c: [timed("triangle", lambda: _safe_section(
                "triangle", f"The triangle with {sc.name}", "the triangle", c, lambda: triangle_section(c)))]),
        ]
        from concurrent.futures import ThreadPoolExecutor

        forks = [ctx.fork() for _ in jobs]

        def trimmed(fn: Callable[[_Ctx], list[Section]]) -> Callable[[_Ctx], list[Section]]:
            def run(c: _Ctx) -> list[Section]:
                out = fn(c)
                release_freed_memory()
                return out
            return run

        jobs = [(message, trimmed(fn)) for message, fn in jobs]
        if WORKERS > 1 and _can_fork():
            # Two processes, each with its core (threads of one process run Python one at a time):
            # the alignment and the triangle, which share their UN data, in a forked process that
            # has every snapshot read of the assessment already; the rest here. Each section is
            # then taken in the page's order, with its record of sources, as gathered one by one.
            away = [3, 4]

            def gather_away() -> tuple[list, dict[str, float]]:
                out = []
                for i in away:
                    c = forks[i]
                    out.append((jobs[i][1](c), c.used, c.facts, c.headlines))
                return out, dict(timings)

            remote = _Background(gather_away)
            results: dict[int, list[Section]] = {}
            try:
                for i, (_, fn) in enumerate(jobs):
                    if i not in away:
                        results[i] = fn(forks[i])
            except BaseException:
                remote.cancel()
                raise
            got, remote_timings = remote.result()
            for i, (secs, used, facts, headlines) in zip(away, got):
                results[i] = secs
                forks[i].used, forks[i].facts, forks[i].headlines = used, facts, headlines
            for k, v in remote_timings.items():
                timings.setdefault(k, v)
            for i, ((message, _), child) in enumerate(zip(jobs, forks)):
                say(message)
                sections += results[i]
                ctx.merge(child)
        elif WORKERS > 1:
            with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="powergap-section") as pool:
                futures = [pool.submit(fn, c) for (_, fn), c in zip(jobs, forks)]
                for (message, _), future, child in zip(jobs, futures, forks):
                    say(message)
                    sections += future.result()
                    ctx.merge(child)
        else:
            for (message, fn), child in zip(jobs, forks):
                say(message)
                sections += fn(child)
                ctx.merge(child)
        say("checking the claims")

        def claims() -> Section:
            try:
                checked = claims_job.result() if claims_job is not None else None
                return claims_section(ctx, extra_claims=extra_claims, seeds=seeds, checked=checked)
            except InputError:
                raise  # a bad claim file is the user's error, not missing data
            except PowergapError as exc:
                return Section(id="claims", title="Claims checked",
                               notes=[f"No data for the claims for {ctx.A}-{ctx.B}: {exc}"])

        sections.append(timed("claims", claims))

        _complete_facts(ctx.facts)
        title = f"{sa.name} and {sb.name}: power asymmetry and alignment, {ctx.span}"
        summary = [assessment.summary()] + ctx.headlines
        lede = (f"A powergap report on {sa.name} ({sa.label}) and {sb.name} ({sb.label}), {ctx.span}, with "
                f"{sc.name} ({sc.label}) as the third state. Hover over a chart for values; each chart has its "
                f"numbers in a table below it and its sources in the caption.")
        ident = snapshot_identity(st)
        config_doc = {
            "pair": [sa.label, sb.label], "names": [sa.name, sb.name], "years": [ctx.start, ctx.end],
            "third_state": sc.label,
            "claims": {"seed_claims": bool(seeds), "extra_claim_file": Path(extra_claims).name if extra_claims else None},
            "snapshot": ident,
            "assessment_config": cfg,
        }
        return Report(a=sa, b=sb, third=sc, start=ctx.start, end=ctx.end, title=title, lede=lede, summary=summary,
                      sections=sections, sources=sorted(ctx.used), config=config_doc, facts=list(ctx.facts.values()),
                      timings=timings, snapshot=ident)
    except BaseException:
        if claims_job is not None:  # a report that fails does not leave its claims check running
            claims_job.cancel()
        raise
