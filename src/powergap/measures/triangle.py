"""Dittmer's strategic triangle for three states, year by year.

Dittmer ("The Strategic Triangle: An Elementary Game-Theoretical Analysis", *World
Politics* 33(4), 1981) describes three patterns of relations among three players: the
menage a trois (mutual amity among all three), the stable marriage (amity between two,
enmity with the third) and the romantic triangle (one "pivot" in amity with two "wings"
that are at enmity with each other); the all-enmity configuration is the "unit veto".

The project's operationalisation (see ``docs/relations.md``): each pair is signed + (amity)
or - (enmity) from an alignment measure and a threshold,

* ``measure="agreement"``: UN General Assembly agreement (abstention = half agreement);
  + when agreement > threshold. Default threshold 0.5, i.e. Signorino-Ritter S > 0: the
  pair agrees more than it disagrees. ``threshold="median"`` uses that year's median
  agreement over all pairs of UN members instead;
* ``measure="ideal_point"``: ideal-point distance |theta_A - theta_B|; + when the distance
  is at or below the threshold. Default threshold: that year's median distance over all
  pairs of states ("closer than the typical pair").

* ``measure="evidence"`` (the default): the reading of amity and enmity that the field uses
  (strategic rivalry, war, alliances; after the rivalry data end, rivalries and then alliances
  carried forward, else UN ideal points), tie by
  tie with the evidence that decided it; see :mod:`powergap.measures.amity`. UN General
  Assembly agreement alone measured Third-World-majority voting in the Cold War decades, not
  amity, so it is an option, not the default.

Then the number of + ties gives the pattern (3 menage a trois, 2 romantic triangle,
1 stable marriage, 0 unit veto), and for each year :func:`threshold_range` gives the range
[lo, hi) of thresholds over which the same pattern (and roles) holds, from the sorted three
pair values: a wide range means a robust classification, a narrow one a knife-edge.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from .alignment import (FEW_VOTES, _ideal_ids, _require_votes, _store, check_years, clean_tree, has_series,
                        ideal_points_dyad, median_agreement_by_year, median_ideal_point_distance_by_year,
                        resolve_states)

if TYPE_CHECKING:  # pragma: no cover
    from ..snapshot.store import Snapshot
    from ..states import State

Measure = Literal["evidence", "agreement", "ideal_point"]
MEASURES = ("evidence", "agreement", "ideal_point")
PATTERNS = {3: "menage a trois", 2: "romantic triangle", 1: "stable marriage", 0: "unit veto"}
DEFAULT_AGREEMENT_THRESHOLD = 0.5


def sign_ties(values: Sequence[float], threshold: float, measure: Measure) -> list[str | None]:
    """'+' (amity) or '-' (enmity) for each pair value; None where the value is missing.

    agreement: + iff value > threshold; ideal_point (a distance): + iff value <= threshold.
    """
    _check_measure(measure)
    out: list[str | None] = []
    for v in values:
        if v is None or not np.isfinite(v) or threshold is None or not np.isfinite(threshold):
            out.append(None)
        elif measure == "agreement":
            out.append("+" if v > threshold else "-")
        else:
            out.append("+" if v <= threshold else "-")
    return out


def classify(states: Sequence[str], ties: Sequence[str | None]) -> dict[str, Any]:
    """Dittmer's pattern and the roles for three states and the signs of their three ties.

    ``states`` = (A, B, C); ``ties`` = signs of (A-B, A-C, B-C). Returns ``pattern``,
    ``pivot``, ``wings``, ``partners``, ``outcast``, ``n_positive`` (None everywhere when a
    tie is missing).
    """
    if len(states) != 3 or len(ties) != 3:
        raise InputError("a triangle needs three states and three ties")
    empty = {"pattern": None, "pivot": None, "wings": None, "partners": None, "outcast": None, "n_positive": None}
    if any(t is None for t in ties):
        return empty
    a, b, c = states
    pairs = [(a, b), (a, c), (b, c)]
    pos = [p for p, t in zip(pairs, ties) if t == "+"]
    k = len(pos)
    out = dict(empty, pattern=PATTERNS[k], n_positive=k)
    if k == 2:
        (p1, p2) = pos
        pivot = (set(p1) & set(p2)).pop()
        out["pivot"] = pivot
        out["wings"] = [s for s in states if s != pivot]
    elif k == 1:
        out["partners"] = list(pos[0])
        out["outcast"] = next(s for s in states if s not in pos[0])
    elif k == 3:
        out["partners"] = list(states)
    return out


def threshold_range(values: Sequence[float], threshold: float, measure: Measure) -> tuple[float | None, float | None]:
    """The thresholds [lo, hi) that give the same signs (hence pattern and roles) as ``threshold``.

    With the three pair values sorted v1 <= v2 <= v3 and k the number of + ties at
    ``threshold``: for agreement (+ iff v > t) the signs hold for t in [v_(3-k), v_(4-k));
    for ideal-point distance (+ iff d <= t) for t in [d_k, d_(k+1)); v_0 / d_0 = -inf and
    v_4 / d_4 = +inf are reported as None (unbounded). None, None when a value is missing.
    """
    _check_measure(measure)
    v = [float(x) if x is not None else np.nan for x in values]
    if len(v) != 3 or not all(np.isfinite(v)) or threshold is None or not np.isfinite(threshold):
        return None, None
    s = sorted(v)
    bounds = [None, *s, None]  # index 0 = -inf, 4 = +inf
    if measure == "agreement":
        k = sum(x > threshold for x in v)
        return bounds[3 - k], bounds[4 - k]
    k = sum(x <= threshold for x in v)
    return bounds[k], bounds[k + 1]


def _tie_value(tie: str | None) -> float:
    return 1.0 if tie == "+" else -1.0 if tie == "-" else np.nan


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise InputError(f"unknown triangle measure {measure!r}; use one of {', '.join(MEASURES)}")


def classify_years(states: Sequence[str], values: pd.DataFrame, thresholds: pd.Series | float,
                   measure: Measure) -> pd.DataFrame:
    """Classify each year of a ``year, AB, AC, BC`` frame of pair values (pure).

    ``thresholds``: one number or a Series by year. Returns one row per year with the
    ``threshold``, the three ``ties`` and ``values``, the pattern and roles, and the
    ``threshold_lo``/``threshold_hi`` of :func:`threshold_range`.
    """
    _check_measure(measure)
    rows = []
    if measure == "evidence":
        for r in values.itertuples(index=False):
            ties = [t if t in ("+", "-") else None for t in r[1:4]]
            cls = classify(states, ties)
            rows.append({"year": int(r[0]), "threshold": np.nan, "values": [_tie_value(t) for t in ties],
                         "ties": ties, **cls, "threshold_lo": None, "threshold_hi": None})
        return pd.DataFrame(rows)
    for r in values.itertuples(index=False):
        year = int(r[0])
        vals = [float(x) if x is not None and pd.notna(x) else np.nan for x in r[1:4]]
        t = float(thresholds.get(year, np.nan)) if isinstance(thresholds, pd.Series) else float(thresholds)
        ties = sign_ties(vals, t, measure)
        cls = classify(states, ties)
        lo, hi = threshold_range(vals, t, measure) if cls["pattern"] else (None, None)
        rows.append({"year": year, "threshold": t, "values": vals, "ties": ties, **cls,
                     "threshold_lo": lo, "threshold_hi": hi})
    return pd.DataFrame(rows)


@dataclass
class TriangleResult:
    """The triangle year by year; ``to_dict()`` follows issue 5 item 8."""

    states: list["State"]
    measure: str
    threshold: float | str
    start: int
    end: int
    frame: pd.DataFrame
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return [s.label for s in self.states]

    @property
    def pair_labels(self) -> list[str]:
        a, b, c = self.labels
        return [f"{a}-{b}", f"{a}-{c}", f"{b}-{c}"]

    def eras(self) -> list[dict]:
        """Runs of consecutive years with the same pattern and roles."""
        out: list[dict] = []
        for r in self.frame.to_dict("records"):
            key = (r["pattern"], r["pivot"], tuple(r["partners"] or ()), r["outcast"])
            if out and out[-1]["_key"] == key and out[-1]["to"] == r["year"] - 1:
                out[-1]["to"] = r["year"]
                continue
            out.append({"_key": key, "from": r["year"], "to": r["year"], "pattern": r["pattern"], "pivot": r["pivot"],
                        "wings": r["wings"], "partners": r["partners"], "outcast": r["outcast"]})
        for e in out:
            e.pop("_key")
        return out

    def to_dict(self) -> dict:
        years = []
        for r in self.frame.to_dict("records"):
            rng = [r["threshold_lo"], r["threshold_hi"]] if r["pattern"] else None
            years.append({
                "year": int(r["year"]), "pattern": r["pattern"],
                "ties": dict(zip(self.pair_labels, r["ties"])),
                "values": dict(zip(self.pair_labels, r["values"])),
                "n_votes": dict(zip(self.pair_labels, r["n_votes"])) if r.get("n_votes") is not None else None,
                "threshold": r["threshold"],
                "pivot": r["pivot"], "wings": r["wings"], "partners": r["partners"], "outcast": r["outcast"],
                "threshold_range": rng,
                "basis": dict(zip(self.pair_labels, r["basis"])) if r.get("basis") is not None else None,
                "note": r["note"] or None,
            })
        rule = {"agreement": "+ if UN agreement > threshold (abstention = half agreement)",
                "ideal_point": "+ if ideal-point distance <= threshold",
                "evidence": "- if a strategic rivalry or war; + if an alliance or no rivalry; after the rivalry "
                            "data end, a rivalry is carried forward, then an alliance of the alliance data's last "
                            "year, and other pairs are + when their UN ideal points are closer than the year's "
                            "median pair"}[self.measure]
        return clean_tree({
            "states": self.labels, "measure": self.measure, "threshold": self.threshold,
            "rule": rule,
            "threshold_range_meaning": "[lo, hi): every threshold in it gives this year's signs and pattern; "
                                       "null = unbounded",
            "start": self.start, "end": self.end,
            "years": years, "eras": self.eras(),
            "sources": self.sources, "notes": self.notes,
        })

    def to_json(self, **kwargs: Any) -> str:
        kwargs.setdefault("indent", 1)
        return json.dumps(self.to_dict(), **kwargs)


def triangle(a: "str | int | State", b: "str | int | State", c: "str | int | State", *,
             start: int | None = None, end: int | None = None, measure: Measure = "evidence",
             threshold: float | str | None = None, store: "Snapshot | None" = None,
             min_votes: int = FEW_VOTES, ideal_point_variant: Literal["all", "fp"] = "all") -> TriangleResult:
    """Dittmer's strategic triangle of ``a``, ``b``, ``c`` for each year.

    Parameters
    ----------
    measure
        ``"evidence"`` (default: rivalry, war, alliances, then UN ideal points; see
        :mod:`powergap.measures.amity`), ``"agreement"`` (UN General Assembly agreement; + if
        above the threshold) or
        ``"ideal_point"`` (ideal-point distance; + if at or below the threshold).
    threshold
        A number, ``"median"`` (that year's median over all pairs), or None for the default:
        0.5 for agreement (S > 0), the year's median for ideal points.
    min_votes
        Agreement needs at least this many roll calls both states voted on in the year
        (default 10; calendar 2020 has a single roll call in the vote data); fewer is
        treated as missing.

    Years where a pair has no value have ``pattern`` None and a ``note`` (never zeros).
    """
    store = _store(store)
    states = resolve_states(a, b, c)
    start, end = check_years(start, end, store)
    _check_measure(measure)
    years = list(range(start, end + 1))
    pairs = [(states[0], states[1]), (states[0], states[2]), (states[1], states[2])]
    sources: dict[str, str] = {}
    notes: list[str] = []
    values = pd.DataFrame({"year": years})
    nvotes = pd.DataFrame({"year": years})

    if threshold is not None and not (threshold == "median" or _is_number(threshold)):
        raise InputError(f"threshold must be a number or 'median', got {threshold!r}")
    from ..validate import number

    if threshold is not None and threshold != "median":
        # agreement is a share of roll calls (0..1); ideal-point distances are a few units
        threshold = number(threshold, f"threshold for {measure}", lo=0, hi=1 if measure == "agreement" else 100)
    min_votes = number(min_votes, "min_votes", lo=0, integer=True)
    basis = pd.DataFrame({"year": years})
    if measure == "evidence":
        from .amity import sources_used, tie_evidence

        for i, (p, q) in enumerate(pairs):
            ev = tie_evidence(p.ccode, q.ccode, years, store)
            values[f"v{i}"] = ev["tie"].to_numpy()
            basis[f"b{i}"] = ev["basis"].to_numpy()
        sources.update(sources_used(store))
        thr = thr_label = ("evidence order: rivalry, war, alliance, no rivalry; after the rivalry data, rivalries "
                            "and then alliances carried forward, else UN ideal points")
    elif measure == "agreement":
        from .evidence import un_agreement

        _require_votes(store)
        yy = np.asarray(years, dtype=np.int64)
        for i, (p, q) in enumerate(pairs):
            # the agreement and count of vote_agreement (the one definition: missing below the
            # minimum of common roll calls), without the other scores it computes beside them
            agree, n = un_agreement(store, np.full(len(yy), p.ccode), np.full(len(yy), q.ccode), yy,
                                    min_votes=max(min_votes, 1), only=(p.ccode, q.ccode))
            values[f"v{i}"] = agree
            nvotes[f"n{i}"] = n.astype("int64")
        sources["un_votes"] = store.catalog["tables"]["un_votes"].get("source", "")
        if threshold is None:
            thr: pd.Series | float = DEFAULT_AGREEMENT_THRESHOLD
            thr_label: float | str = DEFAULT_AGREEMENT_THRESHOLD
        elif threshold == "median":
            thr = median_agreement_by_year(store, max(min_votes, 1))
            thr_label = "median agreement over all pairs of UN members (per year)"
        else:
            thr = thr_label = float(threshold)
    else:
        sid = _ideal_ids(ideal_point_variant)[0]
        if not has_series(store, sid):
            from ..errors import CoverageError

            raise CoverageError(f"the snapshot has no ideal points ({sid})")
        for i, (p, q) in enumerate(pairs):
            ip = ideal_points_dyad(p.ccode, q.ccode, years, store, variant=ideal_point_variant)
            values[f"v{i}"] = ip["ideal_point_distance"].to_numpy()
        sources[sid] = store.series_index[sid]["source"]
        if threshold is None or threshold == "median":
            thr = median_ideal_point_distance_by_year(store, ideal_point_variant)
            thr_label = "median ideal-point distance over all pairs of states (per year)"
        else:
            thr = thr_label = float(threshold)

    frame = classify_years([s.label for s in states], values, thr, measure)
    frame["basis"] = ([list(r[1:]) for r in basis.itertuples(index=False)] if measure == "evidence"
                      else None)
    if measure == "agreement":
        frame["n_votes"] = [list(map(int, r[1:])) for r in nvotes.itertuples(index=False)]
    else:
        frame["n_votes"] = None
    frame["note"] = [_note(r, measure, min_votes) for r in frame.to_dict("records")]
    if frame["pattern"].isna().all():
        notes.append("no year in the range has the measure for all three pairs")
    return TriangleResult(list(states), measure, thr_label, start, end, frame, sources, notes)


def _is_number(x: Any) -> bool:
    try:
        return np.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _note(r: dict, measure: str, min_votes: int) -> str:
    if r["pattern"] is not None:
        return ""
    if measure == "evidence":
        return "no rivalry, alliance or UN ideal-point evidence for at least one pair in this year"
    if all(np.isfinite(r["values"])) and not np.isfinite(r["threshold"]):
        return "no threshold for this year (no all-pairs median)"
    if measure == "agreement":
        n = r.get("n_votes") or []
        if n and max(n) == 0:
            return "no UN roll calls in the vote data for this year"
        return f"fewer than {min_votes} UN roll calls both states voted on for at least one pair"
    return "no ideal point for at least one state in this year"
