#!/usr/bin/env python
"""Compare powergap's verdicts with what published accounts say (``validation/cases.yaml``).

    python validation/run.py               # agreement per kind and for the triangle, every disagreement
    python validation/run.py --markdown    # the same, and regenerate docs/validation.md
    python validation/run.py --json        # the results as JSON
    python validation/run.py --config F    # with other assessment settings (e.g. a channel off)

The table is written from the literature (see the header of ``cases.yaml``); this script only
measures. Everything that touches powergap's API is in the "adapter" section below, so that a
change of the API means a change there only.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases.yaml"
DOC = HERE.parent / "docs" / "validation.md"

STAGES = ("none", "potential", "emerging", "actual")
KINDS = {
    "dependent": "at least emerging, with the stronger side the table names",
    "not_client": "anything but actual",
    "peers": "none",
}
PATTERNS = {3: "menage a trois", 2: "romantic triangle", 1: "stable marriage", 0: "unit veto"}
FIRST_YEAR, LAST_YEAR = 1946, 2025  # years a row may name (UN era to the snapshot's end)


class CaseError(ValueError):
    """The validation table is malformed (one line naming the row and the problem)."""


# ============================================================================ adapter

def resolve_ccode(query: Any) -> int:
    """COW code of a state as powergap resolves it."""
    import powergap

    return int(powergap.resolve(query).ccode)


class TableStore:
    """The shipped snapshot, read once per dyadic series for all the table's states.

    ``powergap.assess`` reads each dyadic series with a filter on the assessed pair's codes
    (one Parquet read per series per dyad: about 0.4 s a dyad). This view answers such a read
    from one read per series covering every state of the table, keeping the same rows in the
    same order (rows involving the pair are a subset of rows involving the table's states);
    anything else goes to the real store. ``tests/test_validation.py`` checks that
    assessments through it equal plain ``powergap.assess``.
    """

    def __init__(self, codes: set[int], store: Any = None):
        from powergap.snapshot.store import default_store

        self._store = store if store is not None else default_store()
        self._codes = frozenset(int(c) for c in codes)
        self._frames: dict[tuple[str, bool], Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def series(self, series_id: str, *, directed: bool = True, involving: Any = None):
        import numpy as np

        if involving is None or not self._store.series_meta(series_id).get("dyadic"):
            return self._store.series(series_id, directed=directed, involving=involving)
        want = {int(c) for c in involving}
        if not want <= self._codes:
            return self._store.series(series_id, directed=directed, involving=involving)
        key = (series_id, directed)
        if key not in self._frames:
            df = self._store.series(series_id, directed=directed, involving=sorted(self._codes))
            self._frames[key] = (df, df["ccode1"].to_numpy(), df["ccode2"].to_numpy())
        df, c1, c2 = self._frames[key]
        keep = np.zeros(len(df), dtype=bool)
        for c in want:
            keep |= (c1 == c) | (c2 == c)
        return df[keep].reset_index(drop=True)


def assess_years(a: Any, b: Any, start: int, end: int, store: Any = None, config: Any = None
                 ) -> tuple[dict[str, int], dict[int, dict]]:
    """powergap's assessment of a-b: {label: ccode} of the two sides and the documented
    per-year JSON (``Assessment.to_dict()["years"]``) keyed by year; ``config`` as
    ``powergap.assess`` takes it (None: the shipped thresholds)."""
    import powergap

    kwargs = {} if store is None else {"store": store}
    if config is not None:
        kwargs["config"] = config
    res = powergap.assess(a, b, start=start, end=end, **kwargs)
    d = res.to_dict()
    labels = {d["a"]: int(res.state_a.ccode), d["b"]: int(res.state_b.ccode)}
    return labels, {int(y["year"]): y for y in d["years"]}


def load_settings(path: str | Path) -> dict:
    """powergap's assessment settings from a file (as ``powergap assess --config`` reads it);
    a bad file raises :class:`CaseError` with powergap's one-line message."""
    from powergap.assess_core import load_config
    from powergap.errors import PowergapError

    try:
        return load_config(path)
    except PowergapError as e:
        raise CaseError(str(e)) from None


def triangle_years(states: list[Any], start: int, end: int, measure: str | None = None) -> dict:
    """powergap's triangle: the measure used and the documented per-year JSON keyed by year;
    each year's ties are returned in the order (0,1), (0,2), (1,2) of ``states``."""
    import powergap

    kwargs = {} if measure is None else {"measure": measure}
    d = powergap.triangle(*states, start=start, end=end, **kwargs).to_dict()
    years = {}
    for y in d["years"]:
        y = dict(y)
        y["tie_list"] = list((y.get("ties") or {}).values())
        years[int(y["year"])] = y
    return {"measure": d.get("measure"), "rule": d.get("rule"), "years": years}


# ============================================================================ the table

def load_cases(path: str | Path = CASES) -> dict:
    """Read and check the table: kinds, years, citations, resolvable states, triangle periods."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise CaseError(f"{path}: cannot read the validation table ({e})") from None
    if not isinstance(data, dict) or "dyads" not in data or "triangle" not in data:
        raise CaseError(f"{path}: needs 'dyads' and 'triangle'")
    seen = set()
    for i, row in enumerate(data["dyads"]):
        where = f"{path}: dyad row {i + 1} ({row.get('id', '?') if isinstance(row, dict) else '?'})"
        if not isinstance(row, dict):
            raise CaseError(f"{where}: not a mapping")
        for key in ("id", "kind", "a", "b", "years", "citation", "checked", "account"):
            if not row.get(key):
                raise CaseError(f"{where}: missing '{key}'")
        if row["id"] in seen:
            raise CaseError(f"{where}: duplicate id")
        seen.add(row["id"])
        if row["kind"] not in KINDS:
            raise CaseError(f"{where}: unknown kind {row['kind']!r}; use one of {', '.join(KINDS)}")
        years = row["years"]
        if not isinstance(years, list) or not all(isinstance(y, int) and not isinstance(y, bool)
                                                  and FIRST_YEAR <= y <= LAST_YEAR for y in years):
            raise CaseError(f"{where}: years must be a list of whole years in {FIRST_YEAR}-{LAST_YEAR}")
        try:
            ca, cb = resolve_ccode(row["a"]), resolve_ccode(row["b"])
        except Exception as e:  # powergap's one-line error
            raise CaseError(f"{where}: {e}") from None
        if ca == cb:
            raise CaseError(f"{where}: the two sides are the same state")
        row["ccodes"] = (ca, cb)
        if row["kind"] == "dependent":
            if "stronger" not in row:
                raise CaseError(f"{where}: a dependent dyad names its stronger side")
            cs = resolve_ccode(row["stronger"])
            if cs not in (ca, cb):
                raise CaseError(f"{where}: stronger side {row['stronger']!r} is neither a nor b")
            row["stronger_ccode"] = cs
    tri = data["triangle"]
    states = tri.get("states") if isinstance(tri, dict) else None
    if not isinstance(states, list) or len(states) != 3:
        raise CaseError(f"{path}: triangle needs three states")
    codes = [resolve_ccode(s) for s in states]
    pair_index = {frozenset((codes[i], codes[j])): k for k, (i, j) in enumerate(((0, 1), (0, 2), (1, 2)))}
    prev_end = None
    for p in tri["periods"]:
        where = f"{path}: triangle period {p.get('from')}-{p.get('to')}"
        for key in ("from", "to", "ties", "clear", "citation", "checked", "account"):
            if key not in p or p[key] in (None, ""):
                raise CaseError(f"{where}: missing '{key}'")
        if not (isinstance(p["from"], int) and isinstance(p["to"], int) and p["from"] <= p["to"]):
            raise CaseError(f"{where}: from/to must be whole years, from <= to")
        if prev_end is not None and p["from"] != prev_end + 1:
            raise CaseError(f"{where}: periods must follow each other without gap or overlap")
        prev_end = p["to"]
        ties: list[str | None] = [None, None, None]
        for pair, sign in p["ties"].items():
            x, y = str(pair).split("-")
            k = pair_index.get(frozenset((resolve_ccode(x), resolve_ccode(y))))
            if k is None or sign not in ("+", "-"):
                raise CaseError(f"{where}: bad tie {pair}: {sign!r}")
            ties[k] = sign
        if None in ties:
            raise CaseError(f"{where}: give a sign for each of the three pairs")
        p["tie_list"] = ties
        p["expected"] = classify_ties([str(s) for s in states], ties)
    return data


def classify_ties(states: list[str], ties: list[str]) -> dict:
    """Dittmer's pattern and roles from three signed ties in the order (0,1), (0,2), (1,2).

    Written here rather than imported from powergap, so that the table's expectations do not
    come from the code under test."""
    pairs = ((0, 1), (0, 2), (1, 2))
    plus = [pairs[k] for k, t in enumerate(ties) if t == "+"]
    out = {"pattern": PATTERNS[len(plus)], "pivot": None, "partners": None, "outcast": None}
    if len(plus) == 1:
        i, j = plus[0]
        out["partners"] = [states[i], states[j]]
        out["outcast"] = states[({0, 1, 2} - {i, j}).pop()]
    elif len(plus) == 2:
        count = defaultdict(int)
        for i, j in plus:
            count[i] += 1
            count[j] += 1
        out["pivot"] = states[max(count, key=count.get)]
    return out


# ============================================================================ judging

def _fmt(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, float):
        if math.isinf(v):
            return "inf"
        return f"{v:.3g}"
    return str(v)


def deciding_evidence(year: dict) -> list[str]:
    """The criteria behind a year's stage (not Korolev's checks or context lines):
    name, value, threshold and whether it was met."""
    out = []
    if year.get("held"):  # the engine's stability rule (a stage must hold for some years)
        out.append(f"stability: {year['held']}")
    for c in year.get("criteria") or []:
        name = str(c.get("name", ""))
        if name.startswith(("check:", "context:")):
            continue
        met = c.get("met")
        state = "met" if met is True else "not met" if met is False else "no data"
        thr = c.get("threshold")
        out.append(f"{name}: {_fmt(c.get('value'))}" + (f" (threshold {thr})" if thr not in (None, "") else "")
                   + f" -> {state}")
    return out


def met_channels(year: dict | None) -> list[str]:
    """The dependence channels met in a year ("trade", "monetary", ...), from its criteria."""
    return [str(c["name"]).split(": ", 1)[1] for c in (year or {}).get("criteria") or []
            if str(c.get("name", "")).startswith("dependence: ") and c.get("met") is True]


def channel_counts(rows: list[dict]) -> dict[str, int]:
    """How many agreeing dependent dyad-years each channel carries; "only X" when it alone did."""
    out: dict[str, int] = defaultdict(int)
    for r in rows:
        if r["kind"] == "dependent" and r["agrees"]:
            ch = r.get("channels") or []
            for c in ch:
                out[c] += 1
            if len(ch) == 1:
                out[f"only {ch[0]}"] += 1
    return dict(sorted(out.items()))


def lower_bound(year: dict) -> bool:
    """Is the year's stage only a lower bound (the data did not reach the next stage)?
    Read from ``at_least`` where the engine gives it, else from ``evidence_reach``."""
    if "at_least" in year:
        return bool(year["at_least"])
    return year.get("evidence_reach") == year.get("stage") and year.get("stage") != "actual"


def judge_year(row: dict, year: dict | None, side_of: Callable[[str | None], int | None]) -> tuple[bool, str]:
    """Does powergap's year agree with the row's expectation? Returns (agrees, what it got)."""
    if year is None:
        return False, "no assessment for this year"
    stage = year.get("stage")
    stronger = year.get("stronger")
    text = year.get("stage_text") or (f"at least {stage}" if stage and lower_bound(year) else str(stage))
    got = text + (f", {stronger} stronger" if stronger else "")
    if year.get("reason"):
        got += f" ({year['reason']})"
    elif stage is not None:
        got += f" (evidence reach {year.get('evidence_reach')})"
    if stage not in STAGES:
        return False, got
    kind = row["kind"]
    if kind == "dependent":
        ok = STAGES.index(stage) >= STAGES.index("emerging") and side_of(stronger) == row["stronger_ccode"]
    elif kind == "not_client":
        ok = stage != "actual"
    else:
        ok = stage == "none"
    return ok, got


def cause(row: dict, year: dict | None, side_of) -> tuple[str, bool]:
    """A short label for a disagreement, and whether powergap contradicts the account (True)
    or only stops short of it for want of data (False: unassessed, or a lower bound below
    the expectation)."""
    if year is None:
        return "no assessment", True
    stage = year.get("stage")
    if stage is None:
        return f"unassessed: {year.get('reason') or 'no data'}", False
    if row["kind"] == "dependent":
        if year.get("stronger") and side_of(year.get("stronger")) != row["stronger_ccode"]:
            return "stronger side reversed", True
        if stage == "none":
            if year.get("evidence_reach") == "none":
                return "no data on the primary dimension", False
            return "no stable disparity", True
        if lower_bound(year):
            return "dependence not measured", False
        if "not yet held" in str(year.get("held") or ""):
            return "dependence met this year, not yet held (stability rule)", True
        return "dependence measured, not met", True
    if row["kind"] == "not_client":
        return "actual", True
    return f"disparity found ({stage})", True


def _dyad_groups(rows: list[dict]) -> dict[tuple[int, int], list[dict]]:
    groups: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for r in rows:
        groups[tuple(r["ccodes"])].append(r)
    return groups


def validate(cases: dict | None = None, *, triangle_measure: str | None = None, fast: bool = True,
             config: Any = None) -> dict:
    """Run powergap on every row and period; return the figures and every disagreement.
    ``fast=False`` calls ``powergap.assess`` on the default store (slower, same results)."""
    cases = cases or load_cases()
    results: list[dict] = []
    groups = _dyad_groups(cases["dyads"])
    store = TableStore({c for pair in groups for c in pair}) if fast else None
    for (ca, cb), rows in groups.items():
        years = sorted({y for r in rows for y in r["years"]})
        try:
            labels, by_year = assess_years(rows[0]["a"], rows[0]["b"], years[0], years[-1], store, config)
            error = None
        except Exception as e:  # report, do not stop: one broken dyad is one disagreement
            labels, by_year, error = {}, {}, f"{type(e).__name__}: {e}"

        def side_of(label: str | None, labels=labels) -> int | None:
            return labels.get(label) if label else None

        for r in rows:
            for y in r["years"]:
                yd = by_year.get(y)
                ok, got = judge_year(r, yd, side_of)
                if error:
                    got = error
                why, contradicts = (None, False) if ok else cause(r, yd, side_of)
                results.append({"id": r["id"], "kind": r["kind"], "a": str(r["a"]), "b": str(r["b"]), "year": y,
                                "expected": KINDS[r["kind"]] if r["kind"] != "dependent"
                                else f"at least emerging, {r['stronger']} stronger",
                                "agrees": ok, "got": got, "stage": yd.get("stage") if yd else None,
                                "error": error, "cause": why, "contradicts": contradicts,
                                "channels": met_channels(yd),
                                "evidence": [] if ok or yd is None else deciding_evidence(yd)})
    per_kind = {}
    for k in KINDS:
        rs = [x for x in results if x["kind"] == k]
        n_ok = sum(x["agrees"] for x in rs)
        per_kind[k] = {"dyad_years": len(rs), "agree": n_ok, "share": n_ok / len(rs) if rs else None,
                       "contradict": sum(x["contradicts"] for x in rs),
                       "short_of_data": sum(not x["agrees"] and not x["contradicts"] for x in rs)}
    tri = cases["triangle"]
    periods = tri["periods"]
    states = [str(s) for s in tri["states"]]
    t_start, t_end = periods[0]["from"], min(periods[-1]["to"], LAST_YEAR)
    try:
        got_tri = triangle_years(tri["states"], t_start, t_end, triangle_measure)
        t_error = None
    except Exception as e:
        got_tri, t_error = {"measure": triangle_measure, "rule": None, "years": {}}, f"{type(e).__name__}: {e}"
    period_results = []
    for p in periods:
        yrs = []
        for y in range(p["from"], p["to"] + 1):
            g = got_tri["years"].get(y)
            ties = g["tie_list"] if g else [None, None, None]
            yrs.append({"year": y, "agrees": ties == p["tie_list"], "pattern": g.get("pattern") if g else None,
                        "ties": ties, "basis": (g.get("basis") if g else None), "values": (g.get("values") if g else None),
                        "note": (g.get("note") if g else t_error)})
        n_ok = sum(x["agrees"] for x in yrs)
        period_results.append({"from": p["from"], "to": p["to"], "clear": bool(p["clear"]),
                               "expected": p["expected"], "expected_ties": p["tie_list"], "states": states,
                               "years_agree": n_ok, "years": len(yrs), "agrees": n_ok == len(yrs),
                               "got_patterns": _runs(yrs, states), "year_detail": yrs})
    clear = [p for p in period_results if p["clear"]]
    tri_summary = {"measure": got_tri["measure"], "rule": got_tri["rule"], "error": t_error,
                   "clear_periods": len(clear), "clear_periods_agree": sum(p["agrees"] for p in clear),
                   "clear_years": sum(p["years"] for p in clear),
                   "clear_years_agree": sum(p["years_agree"] for p in clear)}
    return {"per_kind": per_kind, "rows": results, "triangle": tri_summary, "periods": period_results,
            "states": states}


def _runs(yrs: list[dict], states: list[str]) -> list[str]:
    """What powergap gave over a period, as runs of years with the same ties."""
    out: list[list] = []
    for y in yrs:
        if out and out[-1][2] == y["ties"]:
            out[-1][1] = y["year"]
        else:
            out.append([y["year"], y["year"], y["ties"]])
    text = []
    for a, b, ties in out:
        span = f"{a}" if a == b else f"{a}-{b}"
        text.append(f"{span}: " + ("no pattern" if None in ties else _pattern_text(states, ties)))
    return text


def _pattern_text(states: list[str], ties: list[str]) -> str:
    c = classify_ties(states, ties)
    role = (f", pivot {c['pivot']}" if c["pivot"] else
            f", partners {'-'.join(c['partners'])}, outcast {c['outcast']}" if c["partners"] else "")
    return f"{c['pattern']}{role}"


# ============================================================================ reports

def tie_evidence(states: list[str], year: dict) -> str:
    """A triangle year's three ties with what decided each (the engine's basis, else its value)."""
    pairs = (f"{states[0]}-{states[1]}", f"{states[0]}-{states[2]}", f"{states[1]}-{states[2]}")
    basis = list((year.get("basis") or {}).values())
    values = list((year.get("values") or {}).values())
    parts = []
    for k, pair in enumerate(pairs):
        why = basis[k] if k < len(basis) and basis[k] else (_fmt(values[k]) if k < len(values) else "")
        parts.append(f"{pair} {year['ties'][k] or '?'}" + (f" ({why})" if why not in ("", None) else ""))
    return "; ".join(parts)


def triangle_disagreements(res: dict) -> list[dict]:
    """Years of the clear periods where powergap's ties differ from the accounts'."""
    out = []
    for p in res["periods"]:
        if not p["clear"]:
            continue
        for y in p["year_detail"]:
            if not y["agrees"]:
                exp = ", ".join(f"{s}" for s in p["expected_ties"])
                out.append({"year": y["year"], "period": f"{p['from']}-{p['to']}", "expected": _expected_text(p),
                            "expected_ties": exp,
                            "got": (_pattern_text(res["states"], y["ties"]) if None not in y["ties"]
                                    else f"no pattern ({y['note']})"),
                            "evidence": tie_evidence(res["states"], y)})
    return out


def _pct(share: float | None) -> str:
    return "n/a" if share is None else f"{100 * share:.0f}%"


def _expected_text(p: dict) -> str:
    return _pattern_text(p["states"], p["expected_ties"])


def text_report(res: dict) -> str:
    lines = ["Agreement with published accounts (validation/cases.yaml)", ""]
    for k, v in res["per_kind"].items():
        lines.append(f"  {k:<11} {v['agree']:>3}/{v['dyad_years']:<3} dyad-years  {_pct(v['share']):>4}   "
                     f"({v['contradict']} contradict, {v['short_of_data']} short of data)   expect: {KINDS[k]}")
    counts = channel_counts(res["rows"])
    if counts:
        lines.append("  dependent dyad-years agreeing, by dependence channel met: "
                     + ", ".join(f"{k} {v}" for k, v in counts.items()))
    t = res["triangle"]
    lines.append(f"  triangle    {t['clear_periods_agree']:>3}/{t['clear_periods']:<3} clear periods "
                 f"({t['clear_years_agree']}/{t['clear_years']} years)   measure: {t['measure']}")
    if t["error"]:
        lines.append(f"  triangle error: {t['error']}")
    lines += ["", "Triangle periods (USA-CHN-RUS)"]
    for p in res["periods"]:
        flag = "clear" if p["clear"] else "contested"
        mark = "ok " if p["agrees"] else "NO "
        lines.append(f"  {mark}{p['from']}-{p['to']} [{flag}] expected {_expected_text(p)}; "
                     f"got {'; '.join(p['got_patterns'])}")
    tri_bad = triangle_disagreements(res)
    lines += ["", f"Triangle disagreements in clear periods ({len(tri_bad)} years)"]
    for d in tri_bad:
        lines.append(f"  {d['year']} ({d['period']}): expected {d['expected']}; got {d['got']}")
        lines.append(f"      {d['evidence']}")
    bad = [r for r in res["rows"] if not r["agrees"]]
    lines += ["", f"Disagreements ({len(bad)} dyad-years)"]
    for r in bad:
        lines.append(f"  [{r['kind']}] {r['id']} {r['a']}-{r['b']} {r['year']}: expected {r['expected']}; "
                     f"got {r['got']}  <{r['cause']}>")
        for e in r["evidence"]:
            lines.append(f"      {e}")
    return "\n".join(lines)


def _md(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def markdown_report(res: dict, cases: dict) -> str:
    t = res["triangle"]
    out = [
        "# Validation against published accounts",
        "",
        "<!-- generated by `python validation/run.py --markdown` from validation/cases.yaml; do not edit -->",
        "",
        "powergap's stages and strategic triangle compared with what the field's published accounts",
        "say, on a table written from the literature before the engine was tuned for issue 13",
        "(`validation/cases.yaml`: each row cites its account and says what of it was checked).",
        "",
        "A dyad-year agrees when powergap's stage for that year meets the kind's expectation:",
        "",
        "| kind | expectation | dyad-years | agree | share | contradict | short of data |",
        "|---|---|---|---|---|---|---|",
    ]
    for k, v in res["per_kind"].items():
        out.append(f"| {k} | {KINDS[k]} | {v['dyad_years']} | {v['agree']} | {_pct(v['share'])} | "
                   f"{v['contradict']} | {v['short_of_data']} |")
    counts = channel_counts(res["rows"])
    if counts:
        out += ["", "The agreeing dependent dyad-years by the dependence channel met (a year may meet several; "
                "\"only\": the one channel met; `monetary` reads the curated table `data/monetary_anchors.yaml`, "
                "see docs/relations.md): " + ", ".join(f"{k} {v}" for k, v in counts.items()) + "."]
    out += ["",
            f"Triangle (measure `{t['measure']}`): {t['clear_periods_agree']} of {t['clear_periods']} periods "
            f"that the accounts treat as clear match in every year ({t['clear_years_agree']} of "
            f"{t['clear_years']} years). Contested periods are shown, not scored.",
            "",
            "*Contradict*: powergap's verdict goes against the account. *Short of data*: powergap",
            "leaves the year unassessed or gives a lower bound (`at least ...`) below the expectation",
            "because the data do not reach the next stage; it does not contradict the account, but",
            "it does not reproduce it either, so it counts as a disagreement.",
            "",
            "## The US-China-USSR/Russia triangle",
            "",
            "| years | accounts | expected | powergap | match |",
            "|---|---|---|---|---|"]
    for p in res["periods"]:
        out.append(f"| {p['from']}-{p['to']} | {'clear' if p['clear'] else 'contested'} | {_md(_expected_text(p))} | "
                   f"{_md('; '.join(p['got_patterns']))} | {p['years_agree']}/{p['years']} |")
    tri_bad = triangle_disagreements(res)
    out += ["", f"Years of the clear periods where the triangle differs ({len(tri_bad)}), with each tie's evidence:",
            "", "| year | expected | powergap | ties (deciding evidence) |", "|---|---|---|---|"]
    for d in tri_bad:
        out.append(f"| {d['year']} | {_md(d['expected'])} | {_md(d['got'])} | {_md(d['evidence'])} |")
    if tri_bad:
        out += ["", "What the default reading does not represent (detente inside a coded rivalry, and why no "
                "summit or treaty signal was added): docs/relations.md, section 6."]
    bad = [r for r in res["rows"] if not r["agrees"]]
    out += ["", f"## Disagreements ({len(bad)} dyad-years)", "",
            "Each with the criteria that decided powergap's stage (value, threshold, met).", "",
            "| kind | dyad | year | expected | powergap | cause | deciding evidence |",
            "|---|---|---|---|---|---|---|"]
    for r in bad:
        out.append(f"| {r['kind']} | {r['id']} ({r['a']}-{r['b']}) | {r['year']} | {_md(r['expected'])} | "
                   f"{_md(r['got'])} | {_md(r['cause'])} | {_md('; '.join(r['evidence']))} |")
    out += ["", "## The table", "",
            "| id | kind | dyad | years | expected | account | citation | checked |",
            "|---|---|---|---|---|---|---|---|"]
    for row in cases["dyads"]:
        exp = f"at least emerging, {row['stronger']} stronger" if row["kind"] == "dependent" else KINDS[row["kind"]]
        out.append(f"| {row['id']} | {row['kind']} | {row['a']}-{row['b']} | {', '.join(map(str, row['years']))} | "
                   f"{_md(exp)} | {_md(row['account'])} | {_md(row['citation'])} | {_md(row['checked'])} |")
    out += ["", "Triangle periods:", "",
            "| years | clear | ties | account | citation | checked |", "|---|---|---|---|---|---|"]
    for p in cases["triangle"]["periods"]:
        ties = ", ".join(f"{k} {v}" for k, v in p["ties"].items())
        out.append(f"| {p['from']}-{p['to']} | {'yes' if p['clear'] else 'no'} | {ties} | {_md(p['account'])} | "
                   f"{_md(p['citation'])} | {_md(p['checked'])} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default=str(CASES), help="the validation table (YAML)")
    ap.add_argument("--markdown", nargs="?", const=str(DOC), default=None, metavar="FILE",
                    help=f"also write the Markdown report (default {DOC.relative_to(HERE.parent)})")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--triangle-measure", default=None, help="triangle measure (default: powergap's default)")
    ap.add_argument("--plain", action="store_true", help="call powergap.assess on the default store (slow)")
    ap.add_argument("--config", default=None, metavar="FILE",
                    help="assessment settings to use instead of the shipped ones (as `powergap assess --config`)")
    args = ap.parse_args(argv)
    try:
        cases = load_cases(args.cases)
    except CaseError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    config = None
    if args.config is not None:
        if args.markdown:
            print("error: --markdown writes docs/validation.md with the shipped settings; drop --config",
                  file=sys.stderr)
            return 2
        try:
            config = load_settings(args.config)  # a bad file: one line and exit 2, before any assessment
        except CaseError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    res = validate(cases, triangle_measure=args.triangle_measure, fast=not args.plain, config=config)
    if args.json:
        print(json.dumps(res, indent=1, default=str))
    else:
        print(text_report(res))
    if args.markdown:
        Path(args.markdown).write_text(markdown_report(res, cases), encoding="utf-8")
        print(f"\nwrote {args.markdown}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
