"""Alignment of two states: UN General Assembly votes, ideal points, vetoes, alliances,
shared IGOs and event data.

Pure formulas work on small frames and arrays and are tested against hand-worked panels:

* :func:`agreement_scores` / :func:`agreement_by_group`: percent agreement with
  abstention as half agreement, Signorino-Ritter S and Cohen's kappa for a set of roll
  calls both states voted on (yes = 1, abstain = 2, no = 3);
* :func:`signorino_ritter_s` (the general S, to check the identity S = 2 agreement - 1);
* :func:`all_dyad_agreement_year` and :func:`median_dyad_agreement` (every pair of voters
  at once, vectorised through one-hot vote matrices);
* :func:`ideal_point_distance` (|theta_A - theta_B| with an interval from the posterior
  quantiles);
* :func:`coop_conflict_ratio`.

A thin layer fetches the inputs from the snapshot: :func:`vote_agreement`,
:func:`vote_agreement_by_issue` and the public :func:`alignment` (one row per year with
every indicator, and ``.to_dict()``/``.to_json()`` in the shape of issue 5 item 8). Years
without data have missing values and a ``note``, never zeros. Definitions and sources are
documented in ``docs/relations.md``.

This module also holds the small data-access helpers that the other relations measures
(dependence, triangle) share.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Literal, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from .evidence import base_store, snapshot_cache

if TYPE_CHECKING:  # pragma: no cover
    from ..snapshot.store import Snapshot
    from ..states import State

VOTE_YES, VOTE_ABSTAIN, VOTE_NO = 1, 2, 3
VOTE_CATEGORIES = (VOTE_YES, VOTE_ABSTAIN, VOTE_NO)
FEW_VOTES = 10  # years with fewer common roll calls get a note (2020 has one roll call)

ALLIANCE_SERIES = {
    "defense": "alliance_defense",
    "offense": "alliance_offense",
    "neutral": "alliance_neutral",
    "nonagg": "alliance_nonagg",
    "consult": "alliance_consult",
}
ICEWS_SERIES = {
    "verbal_coop": "icews_verbal_coop",
    "material_coop": "icews_material_coop",
    "verbal_conflict": "icews_verbal_conflict",
    "material_conflict": "icews_material_conflict",
}

MIN_YEAR, MAX_YEAR = 1800, 2100

# The measure of UN alignment a year uses (first available, in this order), as reported by
# :func:`alignment` and described in docs/relations.md ("Which alignment measure a year uses").
MEASURES = {
    "roll_calls": "UN roll-call agreement (Voeten roll calls, at least the minimum of common roll calls)",
    "ideal_points": "UN ideal-point distance with its interval (roll-call agreement missing: too few common "
                    "roll calls, e.g. 2020, or none in the vote data, 2021 on)",
    "resolutions": "UN resolution-level agreement (whole resolutions by recorded vote, 2025; not comparable one "
                   "to one with roll-call agreement)",
}
RESTRICTED_2025 = ("2025 resolution-level votes exist only in a restricted build (source unga_2025, tables "
                   "un_resolution_votes/un_resolutions: powergap data build --include-restricted)")


# ============================================================================ shared helpers
# (used by dependence.py and triangle.py too)

def _store(store: "Snapshot | None") -> "Snapshot":
    if store is not None:
        return store
    from ..snapshot.store import default_store

    return default_store()


def resolve_states(*queries: "str | int | State") -> list["State"]:
    """Resolve each query to a COW state; two queries naming the same state are an error."""
    from ..states import resolve

    states = [resolve(q) for q in queries]
    seen: dict[int, str] = {}
    for q, s in zip(queries, states):
        if s.ccode in seen:
            raise InputError(f"{seen[s.ccode]!s} and {q!s} name the same state ({s.name}); give distinct states")
        seen[s.ccode] = str(q)
    return states


def check_years(start: int | None, end: int | None, store: "Snapshot", *, default_start: int = 1946) -> tuple[int, int]:
    """Validate a year range; ``None`` means ``default_start`` / the snapshot's end year."""
    start = default_start if start is None else start
    end = store.end_year if end is None else end
    for name, y in (("start", start), ("end", end)):
        if isinstance(y, bool) or not isinstance(y, (int, np.integer)):
            raise InputError(f"{name} year must be a whole number, got {y!r}")
        if not MIN_YEAR <= int(y) <= MAX_YEAR:
            raise InputError(f"{name} year {y} is outside {MIN_YEAR}-{MAX_YEAR}")
    if start > end:
        raise InputError(f"start year {start} is after end year {end}")
    return int(start), int(end)


def has_series(store: "Snapshot", series_id: str) -> bool:
    return series_id in store.series_index


def has_table(store: "Snapshot", name: str) -> bool:
    return name in store.catalog.get("tables", {})


def source_of(store: "Snapshot", series_id: str) -> str | None:
    return store.series_index[series_id]["source"] if has_series(store, series_id) else None


def state_year_values(store: "Snapshot", series_id: str, ccode: int, years: Sequence[int], *,
                      with_source: bool = False) -> pd.DataFrame:
    """One state's values of a series on ``years`` (NaN where absent).

    Columns ``year, value`` (+ ``source``). For a series flagged ``zero_within_coverage``
    an absent year inside the series' coverage is 0, outside it is missing.
    """
    return _values_frame(store, series_id, years, (int(ccode),), with_source,
                         lambda: _state_one(store, series_id, int(ccode)))


def dyad_year_values(store: "Snapshot", series_id: str, ccode1: int, ccode2: int, years: Sequence[int], *,
                     with_source: bool = False) -> pd.DataFrame:
    """Values of a dyadic series from ``ccode1`` to ``ccode2`` (symmetric series: either order)."""
    return _values_frame(store, series_id, years, (int(ccode1), int(ccode2)), with_source,
                         lambda: _dyad_pair(store, series_id, int(ccode1), int(ccode2)))


def _values_frame(store: "Snapshot", series_id: str, years: Sequence[int], codes: tuple[int, ...],
                  with_source: bool, rows: Any) -> pd.DataFrame:
    """``year, value`` (+ ``source``) of the rows ``rows()`` on ``years``, with the
    absent-means-zero rule for ``codes``; built on arrays (these are asked for many times)."""
    yy = np.asarray(list(years), dtype="int64")
    if not has_series(store, series_id):
        out = pd.DataFrame({"year": yy})
        out["value"] = np.nan
        if with_source:
            out["source"] = None
        return out
    df = rows()
    found = _year_arrays(df, yy)
    if found is None:  # several rows in a year: the merge keeps them all
        out = _zero_fill(store, series_id, _on_years(pd.DataFrame({"year": yy}), df), codes)
        return out if with_source else out.drop(columns="source")
    value, source = found
    inside = _zero_years(store, series_id, yy, codes) & np.isnan(value)
    if inside.any():
        value[inside] = 0.0
        source[inside] = store.series_meta(series_id).get("source")
    cols: dict[str, Any] = {"year": yy, "value": value}
    if with_source:
        cols["source"] = source
    return pd.DataFrame(cols)


def _year_arrays(df: pd.DataFrame, yy: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The ``value`` and ``source`` of ``df`` on the years ``yy`` (NaN where ``df`` has no
    row), or None when ``df`` has several rows in some year."""
    yrs = df["year"].to_numpy()
    if len(yrs) == 0 or len(np.unique(yrs)) != len(yrs):
        return None
    idx = pd.Index(yrs).get_indexer(yy)
    hit = idx >= 0
    value = np.full(len(idx), np.nan)
    value[hit] = df["value"].to_numpy(dtype=float)[idx[hit]]
    source = np.full(len(idx), np.nan, dtype=object)
    source[hit] = df["source"].to_numpy(dtype=object)[idx[hit]]
    return value, source


def _zero_years(store: "Snapshot", series_id: str, yy: np.ndarray, codes: tuple[int, ...]) -> np.ndarray:
    """Years where an absent row means 0: inside the coverage of a series that lists events
    (:func:`powergap.measures.evidence.absent_means_zero`), every state of ``codes`` a
    system member."""
    from .evidence import absent_means_zero, coverage, member

    if not absent_means_zero(store, series_id):
        return np.zeros(len(yy), dtype=bool)
    first, last = coverage(store, series_id)
    inside = (yy >= first) & (yy <= last)
    for c in codes:
        inside &= member(store, np.full(len(yy), int(c)), yy)
    return inside


def _on_years(out: pd.DataFrame, df: pd.DataFrame) -> pd.DataFrame:
    """``out`` (a ``year`` column) left-joined with the ``value`` and ``source`` of ``df`` on
    the year: missing where ``df`` has no row. One row per year of ``df`` (as in the
    snapshot) is looked up directly; anything else goes through a merge."""
    found = _year_arrays(df, out["year"].to_numpy())
    if found is None:
        return out.merge(df[["year", "value", "source"]], on="year", how="left")
    return out.assign(value=found[0], source=found[1])


@snapshot_cache(maxsize=512)
def _state_one(store: "Snapshot", series_id: str, ccode: int) -> pd.DataFrame:
    df = store.series(series_id)  # the state-year file is read once per process and sliced
    df = df[df["ccode"] == ccode].reset_index(drop=True)
    return df.assign(source=df["source"].astype(object))


@snapshot_cache(maxsize=512)
def _dyad_pair(store: "Snapshot", series_id: str, ccode1: int, ccode2: int) -> pd.DataFrame:
    """Rows of one directed pair (for a symmetric series, the pair stored in either order).
    A view of the snapshot holds every row of a pair it can be asked about, so the pair's
    rows are read from (and cached on) the snapshot itself, shared with ``assess``."""
    meta = store.series_meta(series_id)
    try:  # the snapshot's rows of the two states (read once per process, shared with `assess`)
        df = store.series(series_id, directed=False, involving=(ccode1, ccode2))
    except TypeError:  # a view without ``involving`` (evidence.Scoped, the report's claim store)
        try:
            df = _read_series_fast(store, series_id, dyadic=True, codes=(ccode1, ccode2))
        except Exception:
            df = store.series(series_id, directed=False)
    fwd = df[(df["ccode1"] == ccode1) & (df["ccode2"] == ccode2)]
    if meta.get("symmetric"):
        rev = df[(df["ccode1"] == ccode2) & (df["ccode2"] == ccode1)]
        rev = rev.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})[df.columns]
        fwd = pd.concat([fwd, rev], ignore_index=True).drop_duplicates(["ccode1", "ccode2", "year"])
    fwd = fwd.reset_index(drop=True)
    return fwd.assign(source=fwd["source"].astype(object))


@functools.lru_cache(maxsize=64)
def _dyad_frame_cached(store: "Snapshot", series_id: str) -> pd.DataFrame:
    meta = store.series_meta(series_id)
    try:
        df = _read_series_fast(store, series_id, dyadic=True)
    except Exception:  # any other snapshot layout: the store's own (slower) reader
        return store.series(series_id, directed=True)
    if meta.get("symmetric"):
        flipped = df.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})[df.columns]
        df = pd.concat([df, flipped], ignore_index=True)
    return df


def _read_series_fast(store: "Snapshot", series_id: str, *, dyadic: bool,
                      codes: tuple[int, ...] | None = None) -> pd.DataFrame:
    """One series straight from the snapshot's Parquet file (:meth:`Snapshot.rows
    <powergap.snapshot.store.Snapshot.rows>`: only the row groups whose statistics can hold
    it are decoded, ``series`` and ``source`` dictionary-encoded); with ``codes``, only rows
    whose first code (``ccode1``/``ccode``) is one of them, whole row groups skipped where the
    sort order allows. Same columns as ``Snapshot.series`` (``source`` categorical),
    symmetric series as stored (once per pair)."""
    df = store.rows(series_id, first=codes).to_pandas()
    for k in (["ccode1", "ccode2", "year"] if dyadic else ["ccode", "year"]):
        df[k] = df[k].astype("int64")
    df["value"] = df["value"].astype("float64")
    return df


@snapshot_cache(maxsize=128)
def _state_frame_cached(store: "Snapshot", series_id: str) -> pd.DataFrame:
    # a slice of the state-year file, which the store reads once and every state-year
    # lookup shares (a Parquet read of the one series took 5-10 ms more)
    df = store.series(series_id)
    if df["value"].dtype != "float64":
        df["value"] = df["value"].astype("float64")
    return df


def state_frame(store: "Snapshot", series_id: str) -> pd.DataFrame:
    """A state-year series ``ccode, year, value, source`` (cached per process; do not mutate)."""
    return _state_frame_cached(store, series_id)


def dyad_frame(store: "Snapshot", series_id: str) -> pd.DataFrame:
    """A dyadic series, both directions for symmetric ones (cached per process; do not mutate)."""
    return _dyad_frame_cached(store, series_id)


def _zero_fill(store: "Snapshot", series_id: str, out: pd.DataFrame, codes: tuple[int, ...]) -> pd.DataFrame:
    """The evidence layer's absent-means-zero rule (:func:`powergap.measures.evidence.absent_means_zero`)
    on a ``year, value, source`` frame: :func:`_zero_years` where the value is missing."""
    inside = _zero_years(store, series_id, out["year"].to_numpy(dtype="int64"), codes) & out["value"].isna().to_numpy()
    if inside.any():
        out["source"] = out["source"].astype(object)
        out.loc[inside, "value"] = 0.0
        out.loc[inside, "source"] = store.series_meta(series_id).get("source")
    return out


def clean_number(x: Any, digits: int = 6) -> Any:
    """A JSON-safe scalar: NaN/NA -> None, numpy numbers -> Python numbers (rounded)."""
    if x is None:
        return None
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        if not math.isfinite(float(x)):
            return None
        from ..assess_core import round_number

        return round_number(float(x), digits)
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        pass
    return x


def clean_tree(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): clean_tree(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean_tree(v) for v in obj]
    return clean_number(obj)


# ============================================================================ formulas: votes

def signorino_ritter_s(x: Sequence[float], y: Sequence[float], *, lo: float = VOTE_YES, hi: float = VOTE_NO,
                       weights: Sequence[float] | None = None,
                       distance: Literal["absolute", "squared"] = "absolute") -> float:
    """Signorino and Ritter's S for two position vectors.

    .. math:: S = 1 - 2\\,\\frac{\\sum_k w_k |x_k - y_k|^p}{\\sum_k w_k \\Delta^p}

    with :math:`\\Delta = hi - lo` the largest possible distance on each item and
    :math:`p = 1` (absolute distances, S&R's original) or 2. Range -1..1. Source:
    Signorino & Ritter (1999), "Tau-b or Not Tau-b", *ISQ* 43(1): 115-144; the ``levels``
    argument of fpsim's ``srs()`` plays the role of ``lo``/``hi``. With unweighted UN votes
    coded 1..3 and absolute distances, S = 2 x agreement - 1 (tested).
    """
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xa.shape != ya.shape:
        raise InputError("signorino_ritter_s: the two position vectors differ in length")
    if xa.size == 0:
        return float("nan")
    w = np.ones_like(xa) if weights is None else np.asarray(weights, dtype=float)
    p = 1 if distance == "absolute" else 2
    d = float(np.sum(w * np.abs(xa - ya) ** p))
    dmax = float(np.sum(w * (hi - lo) ** p))
    return 1.0 - 2.0 * d / dmax if dmax > 0 else float("nan")


def _pair_stats(va: np.ndarray, vb: np.ndarray) -> dict[str, float]:
    n = va.size
    if n == 0:
        return {"agreement": np.nan, "s_score": np.nan, "kappa": np.nan, "kappa_weighted": np.nan,
                "exact_agreement": np.nan, "n_votes": 0}
    diff = np.abs(va - vb)
    agree = float(np.mean(1.0 - diff / 2.0))
    exact = float(np.mean(diff == 0))
    pa = np.array([np.mean(va == c) for c in VOTE_CATEGORIES])
    pb = np.array([np.mean(vb == c) for c in VOTE_CATEGORIES])
    return {"agreement": agree, "s_score": 1.0 - float(np.mean(diff)),
            "kappa": _kappa(exact, float(pa @ pb)),
            "kappa_weighted": _kappa(agree, float(pa @ _LINEAR_WEIGHTS @ pb)),
            "exact_agreement": exact, "n_votes": int(n)}


# w[c, d] = 1 - |c - d| / 2: the credit a pair of votes (c, d) earns in percent agreement.
_LINEAR_WEIGHTS = 1.0 - np.abs(np.subtract.outer(np.arange(3), np.arange(3))) / 2.0


def _kappa(observed: float, expected: float) -> float:
    if not np.isfinite(expected) or math.isclose(expected, 1.0, abs_tol=1e-12):
        return float("nan")  # both states cast one and the same category only: undefined
    return (observed - expected) / (1.0 - expected)


def agreement_scores(va: Sequence[int], vb: Sequence[int]) -> dict[str, float]:
    """Agreement of two states over roll calls both voted on (yes = 1, abstain = 2, no = 3).

    * ``agreement`` = mean(1 - |v_A - v_B| / 2): abstention against yes or no counts as half
      agreement (Voeten's convention; un-project.github.io/un-votes);
    * ``s_score`` = 1 - mean|v_A - v_B| = 2 agreement - 1: Signorino-Ritter S with absolute
      distances and unit weights on the 1..3 scale (see :func:`signorino_ritter_s`);
    * ``kappa``: Cohen's kappa on the three categories, (p_o - p_e) / (1 - p_e) with p_o the
      share of identical votes and p_e = sum_c p_A(c) p_B(c) from the two states' own vote
      distributions over the same roll calls (Cohen 1960; Hage 2011, *Political Analysis*
      19(3) recommends chance-corrected indices); NaN when p_e = 1;
    * ``kappa_weighted``: the same with linear agreement weights 1 - |c - d| / 2, i.e.
      chance-corrected ``agreement`` (the project's addition);
    * ``exact_agreement``: share of identical votes; ``n_votes``: number of roll calls.
    """
    a, b = np.asarray(va, dtype=float), np.asarray(vb, dtype=float)
    if a.shape != b.shape:
        raise InputError("agreement_scores: the two vote vectors differ in length")
    bad = ~np.isin(a, VOTE_CATEGORIES) | ~np.isin(b, VOTE_CATEGORIES)
    if bad.any():
        raise InputError("agreement_scores: votes must be 1 (yes), 2 (abstain) or 3 (no)")
    return _pair_stats(a, b)


def dyad_votes(votes: pd.DataFrame, a: int, b: int) -> pd.DataFrame:
    """Roll calls both ``a`` and ``b`` voted on: columns ``rcid, vote_a, vote_b``."""
    return _pair_votes(votes["rcid"].to_numpy(), votes["ccode"].to_numpy(), votes["vote"].to_numpy(), a, b)


def _pair_votes(rcid: np.ndarray, ccode: np.ndarray, vote: np.ndarray, a: int, b: int) -> pd.DataFrame:
    """:func:`dyad_votes` on a vote table's columns, each state's rows in table order (numpy
    masks: a pandas row selection would copy every column of the table)."""
    def part(c: int, name: str) -> pd.DataFrame:
        m = ccode == c
        return pd.DataFrame({"rcid": rcid[m], name: vote[m]})

    return part(a, "vote_a").merge(part(b, "vote_b"), on="rcid", how="inner")


AGREEMENT_COLUMNS = ["agreement", "s_score", "kappa", "kappa_weighted", "exact_agreement", "n_votes"]


def agreement_by_group(dv: pd.DataFrame, keys: str | list[str]) -> pd.DataFrame:
    """:func:`agreement_scores` for each group of a ``vote_a, vote_b`` frame, vectorised.

    Returns the ``keys`` columns and :data:`AGREEMENT_COLUMNS`; one row per group present.
    """
    keys = [keys] if isinstance(keys, str) else list(keys)
    if dv.empty:
        cols = {k: dv[k] if k in dv else pd.Series(dtype="int64") for k in keys}
        cols.update({c: pd.Series(dtype="float64") for c in AGREEMENT_COLUMNS[:-1]})
        cols["n_votes"] = pd.Series(dtype="int64")
        return pd.DataFrame(cols)
    va = dv["vote_a"].to_numpy(dtype=float)
    vb = dv["vote_b"].to_numpy(dtype=float)
    diff = np.abs(va - vb)
    work = dv[keys].copy()
    work["_agree"] = 1.0 - diff / 2.0
    work["_diff"] = diff
    work["_exact"] = (diff == 0).astype(float)
    for i, c in enumerate(VOTE_CATEGORIES):
        work[f"_a{i}"] = (va == c).astype(float)
        work[f"_b{i}"] = (vb == c).astype(float)
    g = work.groupby(keys, sort=True)
    m = g.mean()
    n = g.size()
    pa = m[[f"_a{i}" for i in range(3)]].to_numpy()
    pb = m[[f"_b{i}" for i in range(3)]].to_numpy()
    pe = np.einsum("ij,ij->i", pa, pb)
    pe_w = np.einsum("ij,jk,ik->i", pa, _LINEAR_WEIGHTS, pb)
    agree = m["_agree"].to_numpy()
    exact = m["_exact"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(np.isclose(pe, 1.0, atol=1e-12, rtol=0), np.nan, (exact - pe) / (1.0 - pe))
        kappa_w = np.where(np.isclose(pe_w, 1.0, atol=1e-12, rtol=0), np.nan, (agree - pe_w) / (1.0 - pe_w))
    out = pd.DataFrame({"agreement": agree, "s_score": 1.0 - m["_diff"].to_numpy(), "kappa": kappa,
                        "kappa_weighted": kappa_w, "exact_agreement": exact,
                        "n_votes": n.to_numpy().astype("int64")}, index=m.index).reset_index()
    return out


def _onehot_year(votes_year: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """One-hot vote matrices (3, states, roll calls) for one year's votes; state codes."""
    ccodes, si = np.unique(votes_year["ccode"].to_numpy(), return_inverse=True)
    _, ri = np.unique(votes_year["rcid"].to_numpy(), return_inverse=True)
    v = votes_year["vote"].to_numpy().astype(int)
    onehot = np.zeros((3, ccodes.size, ri.max() + 1 if ri.size else 0), dtype=np.float32)
    onehot[v - 1, si, ri] = 1.0
    return onehot, ccodes


def all_dyad_agreement_year(votes_year: pd.DataFrame, *, min_votes: int = 1) -> pd.DataFrame:
    """Agreement of every pair of voters in one set of roll calls, at once.

    With one-hot matrices Y, A, N (states x roll calls) and P = Y + A + N:
    agreement = [Y Y' + A A' + N N' + (Y A' + A Y' + A N' + N A') / 2] / (P P'),
    the same number :func:`agreement_scores` gives pair by pair.

    Returns ``ccode1, ccode2`` (ccode1 < ccode2), ``agreement``, ``n_votes`` for pairs with at
    least ``min_votes`` common roll calls.
    """
    if votes_year.empty:
        return pd.DataFrame(columns=["ccode1", "ccode2", "agreement", "n_votes"])
    oh, ccodes = _onehot_year(votes_year)
    y, a, n = oh[0], oh[1], oh[2]  # float32: sums of halves up to a few hundred are exact
    p = y + a + n
    # one product instead of eight: [Y A N] . [W-weighted Y A N]' with W = _LINEAR_WEIGHTS
    x = np.concatenate([y, a, n], axis=1)
    z = np.concatenate([y + 0.5 * a, 0.5 * y + a + 0.5 * n, 0.5 * a + n], axis=1)
    credit = x @ z.T
    both = p @ p.T
    iu = np.triu_indices(ccodes.size, k=1)
    nv = both[iu]
    keep = nv >= max(min_votes, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        agree = credit[iu].astype(np.float64) / nv
    return pd.DataFrame({"ccode1": ccodes[iu[0]][keep], "ccode2": ccodes[iu[1]][keep],
                         "agreement": agree[keep], "n_votes": nv[keep].astype("int64")})


def median_dyad_agreement(votes: pd.DataFrame, roll_calls: pd.DataFrame, *, min_votes: int = 1) -> pd.Series:
    """Median agreement over all pairs of voters, per calendar year of the roll call."""
    v = votes.merge(roll_calls[["rcid", "year"]], on="rcid", how="inner")
    out = {}
    for year, part in v.groupby("year", sort=True):
        d = all_dyad_agreement_year(part, min_votes=min_votes)
        if len(d):
            out[int(year)] = float(np.median(d["agreement"].to_numpy()))
    return pd.Series(out, name="median_agreement", dtype=float)


# ============================================================================ formulas: others

def ideal_point_distance(theta_a: Any, theta_b: Any, *, q5_a: Any = None, q95_a: Any = None,
                         q5_b: Any = None, q95_b: Any = None) -> dict[str, np.ndarray]:
    """Ideal-point distance |theta_A - theta_B| and a conservative interval.

    The interval is interval arithmetic on the two states' 90% posterior intervals
    [q5, q95] (Bailey, Strezhnev & Voeten 2017 publish these quantiles):

    .. math:: lo = \\max(0,\\ q5_A - q95_B,\\ q5_B - q95_A), \\qquad
              hi = \\max(q95_A - q5_B,\\ q95_B - q5_A)

    i.e. the smallest and largest distance compatible with both states lying inside their
    intervals. If the two posteriors are independent, both lie inside with probability at
    least 0.9 x 0.9 = 0.81, so [lo, hi] covers the distance with at least that probability
    (more in practice: the bound is loose). The project's own operationalisation.
    Returns arrays ``distance``, ``lo``, ``hi`` (NaN where an input is missing).
    """
    ta, tb = np.asarray(theta_a, dtype=float), np.asarray(theta_b, dtype=float)
    dist = np.abs(ta - tb)
    if q5_a is None or q95_a is None or q5_b is None or q95_b is None:
        nan = np.full_like(dist, np.nan, dtype=float)
        return {"distance": dist, "lo": nan, "hi": nan.copy()}
    l_a, h_a = np.asarray(q5_a, dtype=float), np.asarray(q95_a, dtype=float)
    l_b, h_b = np.asarray(q5_b, dtype=float), np.asarray(q95_b, dtype=float)
    lo = np.maximum(0.0, np.maximum(l_a - h_b, l_b - h_a))
    hi = np.maximum(h_a - l_b, h_b - l_a)
    return {"distance": dist, "lo": lo, "hi": hi}


def coop_conflict_ratio(coop: Any, conflict: Any) -> np.ndarray:
    """Cooperation events per conflict event (ICEWS counts); NaN when there is no conflict
    event (the ratio is unbounded) or a count is missing."""
    c, k = np.asarray(coop, dtype=float), np.asarray(conflict, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(k > 0, c / k, np.nan)


# ============================================================================ snapshot layer

def _un_tables(store: "Snapshot") -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """The UN vote tables (``rcid, ccode, vote``; ``rcid, year``; issues or None), read once per
    snapshot: a view of the store (evidence.Scoped, the report's claim store) scopes dyadic
    series only, so it shares the snapshot's tables."""
    return _votes_frame(store), _roll_calls(store), _issues(store)


def _table_columns(store: "Snapshot", name: str, columns: tuple[str, ...]) -> tuple[np.ndarray, ...]:
    """Columns of a UN table as int64 arrays: the arrays the agreement matrices read
    (:mod:`powergap.panels.votes`), one read of each file per process."""
    from ..panels.join import _file_key
    from ..panels.votes import _table_arrays, _table_path

    return _table_arrays(_file_key(_table_path(base_store(store), name)), columns)


@snapshot_cache(maxsize=4)
def _votes_frame(store: "Snapshot") -> pd.DataFrame:
    return pd.DataFrame(dict(zip(("rcid", "ccode", "vote"), _table_columns(store, "un_votes", ("rcid", "ccode", "vote")))))


@snapshot_cache(maxsize=4)
def _roll_calls(store: "Snapshot") -> pd.DataFrame:
    return pd.DataFrame(dict(zip(("rcid", "year"), _table_columns(store, "un_roll_calls", ("rcid", "year")))))


@snapshot_cache(maxsize=4)
def _issues(store: "Snapshot") -> pd.DataFrame | None:
    if not has_table(store, "un_roll_call_issues"):
        return None
    iss = store.table("un_roll_call_issues")
    # the reader names them issue_code/issue_label; accept the brief's issue/label too
    iss = iss.rename(columns={"issue": "issue_code", "label": "issue_label"}) if "issue_code" not in iss else iss
    return iss[["rcid", "issue_code", "issue_label"]]


def _state_dyad_votes(store: "Snapshot", a: int, b: int) -> pd.DataFrame:
    """:func:`dyad_votes` on the snapshot's vote table, from its arrays."""
    return _pair_votes(*_table_columns(store, "un_votes", ("rcid", "ccode", "vote")), int(a), int(b))


def _require_votes(store: "Snapshot") -> None:
    from ..errors import CoverageError

    missing = [t for t in ("un_votes", "un_roll_calls") if not has_table(store, t)]
    if missing:
        raise CoverageError(f"the snapshot has no UN voting tables ({', '.join(missing)}); "
                            "rebuild it with the unvotes source")


def vote_agreement(a: "str | int | State", b: "str | int | State", *, start: int | None = None,
                   end: int | None = None, store: "Snapshot | None" = None,
                   min_votes: int | None = None) -> pd.DataFrame:
    """UN General Assembly agreement of ``a`` and ``b`` per calendar year of the roll call.

    Columns ``year, agreement, s_score, kappa, kappa_weighted, exact_agreement, n_votes``,
    one row per year from ``start`` to ``end``. ``agreement`` and ``n_votes`` are those of
    :func:`powergap.measures.evidence.un_agreement` (the one definition the assessment and
    the claims use); every measure is NaN in years with fewer than ``min_votes`` roll calls
    both states voted on (default: ``un_votes.min_roll_calls`` of the assessment
    configuration, 10), ``n_votes`` still says how many there were. Formulas:
    :func:`agreement_scores`.
    """
    from .evidence import min_roll_calls, un_agreement

    store = _store(store)
    sa, sb = resolve_states(a, b)
    start, end = check_years(start, end, store)
    _require_votes(store)
    rc = _roll_calls(store)
    dv = _state_dyad_votes(store, sa.ccode, sb.ccode).merge(rc, on="rcid", how="inner")
    dv = dv[dv["year"].between(start, end)]
    res = agreement_by_group(dv, "year")
    yy = np.arange(start, end + 1, dtype="int64")
    out = pd.DataFrame({"year": yy}).merge(res, on="year", how="left")
    m = min_roll_calls() if min_votes is None else int(min_votes)
    agree, n = un_agreement(store, np.full(len(yy), sa.ccode), np.full(len(yy), sb.ccode), yy, min_votes=m,
                            only=(sa.ccode, sb.ccode))
    out["agreement"], out["n_votes"] = agree, n.astype("int64")
    few = out["n_votes"] < max(m, 1)
    out.loc[few, [c for c in AGREEMENT_COLUMNS if c != "n_votes"]] = np.nan
    return out[["year"] + AGREEMENT_COLUMNS]


def vote_agreement_by_issue(a: "str | int | State", b: "str | int | State", *, start: int | None = None,
                            end: int | None = None, store: "Snapshot | None" = None) -> pd.DataFrame:
    """:func:`vote_agreement` per year and issue category (Voeten's six: me, nu, di, hr, co,
    ec; a roll call may carry several issues or none). Columns ``year, issue_code,
    issue_label`` + the agreement columns; only year-issue cells with roll calls."""
    store = _store(store)
    sa, sb = resolve_states(a, b)
    start, end = check_years(start, end, store)
    _require_votes(store)
    rc, issues = _roll_calls(store), _issues(store)
    if issues is None:
        return pd.DataFrame(columns=["year", "issue_code", "issue_label"] + AGREEMENT_COLUMNS)
    dv = _state_dyad_votes(store, sa.ccode, sb.ccode).merge(rc, on="rcid", how="inner")
    dv = dv[dv["year"].between(start, end)].merge(issues, on="rcid", how="inner")
    res = agreement_by_group(dv, ["year", "issue_code", "issue_label"])
    return res.astype({"year": "int64"}) if len(res) else res


@functools.lru_cache(maxsize=8)
def median_agreement_by_year(store: "Snapshot", min_votes: int = 1) -> pd.Series:
    """Median UN agreement over all dyads per year (cached per process)."""
    from .evidence import un_agreement_all

    _require_votes(store)
    rc = _roll_calls(store)
    out = {}
    for year in sorted(rc["year"].unique()):
        agree = un_agreement_all(store, int(year), min_votes=min_votes)[2]
        if len(agree):
            out[int(year)] = float(np.median(agree))
    return pd.Series(out, name="median_agreement", dtype=float)


@snapshot_cache(maxsize=8)
def median_ideal_point_distance_by_year(store: "Snapshot", variant: str = "all") -> pd.Series:
    """Median |theta_i - theta_j| over all pairs of states with an ideal point, per year
    (cached per snapshot, shared by its views)."""
    years = _ideal_points_by_year(store, variant)
    out = {y: _median_distance(store, variant, y) for y in years}
    return pd.Series({y: v for y, v in out.items() if v == v}, name="median_distance", dtype=float)


def median_ideal_point_distance(store: "Snapshot", years: Sequence[int], variant: str = "all") -> np.ndarray:
    """:func:`median_ideal_point_distance_by_year` for some years only (NaN where a year has
    fewer than two ideal points): each year is computed once per snapshot, when first asked."""
    return np.array([_median_distance(store, variant, int(y)) for y in years], dtype=float)


@snapshot_cache(maxsize=4)
def _ideal_points_by_year(store: "Snapshot", variant: str) -> dict[int, np.ndarray]:
    sid = _ideal_ids(variant)[0]
    if not has_series(store, sid):
        return {}
    df = state_frame(store, sid)
    return {int(y): part["value"].to_numpy(dtype=float) for y, part in df.groupby("year", sort=True)}


@snapshot_cache(maxsize=1024)
def _median_distance(store: "Snapshot", variant: str, year: int) -> float:
    x = _ideal_points_by_year(store, variant).get(year)
    if x is None or x.size < 2:
        return float("nan")
    return float(np.median(np.abs(x[:, None] - x[None, :])[_upper(x.size)]))  # each pair once


@functools.lru_cache(maxsize=64)
def _upper(n: int) -> np.ndarray:
    """Mask of the pairs i < j of an n x n matrix (a mask is faster than index arrays)."""
    return np.triu(np.ones((n, n), dtype=bool), 1)


def _ideal_ids(variant: str) -> tuple[str, str, str]:
    if variant == "all":
        return "ideal_point", "ideal_point_q5", "ideal_point_q95"
    if variant == "fp":
        return "ideal_point_fp", "ideal_point_fp_q5", "ideal_point_fp_q95"
    raise InputError(f"unknown ideal-point variant {variant!r}; use 'all' or 'fp'")


def ideal_points_dyad(a: int, b: int, years: Sequence[int], store: "Snapshot", *,
                      variant: str = "all") -> pd.DataFrame:
    """``year, ideal_point_a, ideal_point_b, ideal_point_distance, _lo, _hi``."""
    sid, s5, s95 = _ideal_ids(variant)
    out = pd.DataFrame({"year": np.asarray(list(years), dtype="int64")})
    vals = {}
    for tag, cc in (("a", a), ("b", b)):
        for key, s in (("t", sid), ("l", s5), ("h", s95)):
            vals[key + tag] = state_year_values(store, s, cc, years)["value"].to_numpy()
    d = ideal_point_distance(vals["ta"], vals["tb"], q5_a=vals["la"], q95_a=vals["ha"], q5_b=vals["lb"],
                             q95_b=vals["hb"])
    out["ideal_point_a"] = vals["ta"]
    out["ideal_point_b"] = vals["tb"]
    out["ideal_point_distance"] = d["distance"]
    out["ideal_point_distance_lo"] = d["lo"]
    out["ideal_point_distance_hi"] = d["hi"]
    return out


@dataclass
class AlignmentResult:
    """Alignment of ``a`` and ``b`` year by year.

    ``frame``: one row per year with every indicator (NaN = no data). ``by_issue``: UN
    agreement per year and issue. ``sources``: series/table id -> source key for what was
    used. ``to_dict()`` follows issue 5 item 8 (``a``, ``b``, ``years`` with ``year``,
    ``agreement``, ``s_score``, ``kappa``, ``n_votes``, ``ideal_point_distance`` ...).
    """

    a: "State"
    b: "State"
    start: int
    end: int
    frame: pd.DataFrame
    by_issue: pd.DataFrame
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        issues = {}
        if len(self.by_issue):
            for year, part in self.by_issue.groupby("year", sort=True):
                issues[int(year)] = {r.issue_code: {"label": r.issue_label, "agreement": r.agreement,
                                                    "s_score": r.s_score, "kappa": r.kappa,
                                                    "n_votes": int(r.n_votes)} for r in part.itertuples()}
        years = []
        for r in self.frame.to_dict("records"):
            y = int(r["year"])
            rec = {
                "year": y,
                "agreement": r["agreement"], "s_score": r["s_score"], "kappa": r["kappa"],
                "kappa_weighted": r["kappa_weighted"], "exact_agreement": r["exact_agreement"],
                "n_votes": int(r["n_votes"]),
                "agreement_voeten": r["agreement_voeten"],
                "ideal_point_distance": r["ideal_point_distance"],
                "ideal_point_interval": ([r["ideal_point_distance_lo"], r["ideal_point_distance_hi"]]
                                         if np.isfinite(r["ideal_point_distance_lo"]) else None),
                "ideal_point_a": r["ideal_point_a"], "ideal_point_b": r["ideal_point_b"],
                "resolution_agreement": r["resolution_agreement"], "n_resolutions": int(r["n_resolutions"]),
                "measure": r["measure"],
                "joint_vetoes": r["joint_vetoes"],
                "alliance": {k: r[f"alliance_{k}"] for k in ALLIANCE_SERIES},
                "igo_joint": r["igo_joint"],
                "icews": {d: {**{k: r[f"icews_{d}_{k}"] for k in ICEWS_SERIES},
                              "coop": r[f"icews_{d}_coop"], "conflict": r[f"icews_{d}_conflict"],
                              "coop_conflict_ratio": r[f"icews_{d}_ratio"]} for d in ("a_to_b", "b_to_a")},
                "by_issue": issues.get(y, {}),
                "note": r["note"] or None,
            }
            years.append(rec)
        return clean_tree({
            "a": self.a.label, "b": self.b.label, "a_name": self.a.name, "b_name": self.b.name,
            "start": self.start, "end": self.end,
            "definitions": {
                "agreement": "UNGA roll calls both voted on, calendar year of the vote; yes=1, abstain=2, no=3; "
                             "abstention vs yes/no = half agreement",
                "s_score": "Signorino-Ritter S, absolute distances, unit weights (= 2 agreement - 1)",
                "kappa": "Cohen's kappa on yes/abstain/no (chance from both states' vote shares that year)",
                "kappa_weighted": "kappa with linear weights (chance-corrected agreement)",
                "agreement_voeten": "Voeten's published agreement score (AgreementScoresAll_Jun2024), "
                                    "China-Russia only; extends the series to 2023",
                "ideal_point_distance": "|theta_A - theta_B|, Bailey-Strezhnev-Voeten ideal points (all votes); "
                                        "interval from the posterior 5%/95% quantiles by interval arithmetic",
                "resolution_agreement": "UNGA whole resolutions adopted by recorded vote both voted on (unga_2025, "
                                        "restricted builds only), same formula and minimum as agreement; "
                                        "resolution level, not comparable one to one with roll calls",
                "measure": "which UN alignment measure the year uses: " + "; ".join(
                    f"{k} = {v}" for k, v in MEASURES.items()) + "; null = none available",
                "joint_vetoes": "UNSC draft resolutions both vetoed in the year",
                "alliance": "ATOP v5 obligations (1 = in force)",
                "igo_joint": "COW IGO v3: IGOs both are full members of",
                "icews": "ICEWS event counts, source toward target; coop = verbal + material cooperation, "
                         "conflict = verbal + material conflict",
            },
            "years": years,
            "sources": self.sources,
            "notes": self.notes,
        })

    def to_json(self, **kwargs: Any) -> str:
        kwargs.setdefault("indent", 1)
        return json.dumps(self.to_dict(), **kwargs)


def alignment(a: "str | int | State", b: "str | int | State", *, start: int | None = None,
              end: int | None = None, store: "Snapshot | None" = None,
              ideal_point_variant: Literal["all", "fp"] = "all") -> AlignmentResult:
    """Every alignment indicator for the dyad ``a``-``b``, year by year.

    UN agreement, S and kappa (:func:`vote_agreement`, also by issue), Voeten's published
    agreement where the snapshot has it (China-Russia 1971-2023), ideal-point distance with
    its interval, resolution-level agreement (2025, restricted builds only), joint Security
    Council vetoes, ATOP alliance obligations, joint IGO memberships, ICEWS cooperation and
    conflict counts each way and their ratio. ``measure`` names the UN alignment measure
    each year uses (:func:`year_measure`: roll calls, else ideal points, else resolutions).
    Years without data get NaN (never 0) and a ``note`` saying which data are missing.

    ``start`` defaults to 1946 and ``end`` to the snapshot's end year.
    """
    from .evidence import has_resolution_votes, resolution_agreement

    store = _store(store)
    sa, sb = resolve_states(a, b)
    start, end = check_years(start, end, store)
    years = list(range(start, end + 1))
    frame = pd.DataFrame({"year": np.asarray(years, dtype="int64")})
    sources: dict[str, str] = {}
    notes: list[str] = []

    has_votes = has_table(store, "un_votes") and has_table(store, "un_roll_calls")
    if has_votes:
        frame = frame.merge(vote_agreement(sa, sb, start=start, end=end, store=store), on="year", how="left")
        by_issue = vote_agreement_by_issue(sa, sb, start=start, end=end, store=store)
        sources["un_votes"] = store.catalog["tables"]["un_votes"].get("source", "")
    else:
        for c in AGREEMENT_COLUMNS:
            frame[c] = np.nan
        frame["n_votes"] = 0
        by_issue = pd.DataFrame(columns=["year", "issue_code", "issue_label"] + AGREEMENT_COLUMNS)
        notes.append("the snapshot has no UN roll-call tables: agreement, S and kappa are unavailable")

    frame["agreement_voeten"] = dyad_year_values(store, "un_agreement_voeten", sa.ccode, sb.ccode, years)["value"]
    ip = ideal_points_dyad(sa.ccode, sb.ccode, years, store, variant=ideal_point_variant)
    frame = frame.merge(ip, on="year", how="left")
    frame["resolution_agreement"], frame["n_resolutions"] = resolution_agreement(
        store, np.full(len(years), sa.ccode), np.full(len(years), sb.ccode), np.asarray(years, dtype="int64"))
    frame["measure"] = year_measure(frame["agreement"], frame["ideal_point_distance"], frame["resolution_agreement"])
    other = _ideal_ids("fp" if ideal_point_variant == "all" else "all")[0]
    sid_used = _ideal_ids(ideal_point_variant)[0]
    if has_series(store, other) and has_series(store, sid_used):
        last_used, last_other = (int(store.series_meta(x)["last_year"]) for x in (sid_used, other))
        if last_other > last_used and end > last_used:
            notes.append(f"ideal points of this variant ({sid_used}) end in {last_used}; the other variant "
                         f"({other}, --variant {'fp' if ideal_point_variant == 'all' else 'all'}) reaches {last_other}")
    if has_resolution_votes(store):
        sources["un_resolution_votes"] = store.catalog["tables"]["un_resolution_votes"].get("source", "")
    elif end >= 2025:
        notes.append(RESTRICTED_2025)
    frame["joint_vetoes"] = dyad_year_values(store, "veto_joint", sa.ccode, sb.ccode, years)["value"]
    for k, sid in ALLIANCE_SERIES.items():
        frame[f"alliance_{k}"] = dyad_year_values(store, sid, sa.ccode, sb.ccode, years)["value"]
    frame["igo_joint"] = dyad_year_values(store, "igo_joint", sa.ccode, sb.ccode, years)["value"]
    for d, (c1, c2) in (("a_to_b", (sa.ccode, sb.ccode)), ("b_to_a", (sb.ccode, sa.ccode))):
        for k, sid in ICEWS_SERIES.items():
            frame[f"icews_{d}_{k}"] = dyad_year_values(store, sid, c1, c2, years)["value"]
        frame[f"icews_{d}_coop"] = frame[f"icews_{d}_verbal_coop"] + frame[f"icews_{d}_material_coop"]
        frame[f"icews_{d}_conflict"] = frame[f"icews_{d}_verbal_conflict"] + frame[f"icews_{d}_material_conflict"]
        frame[f"icews_{d}_ratio"] = coop_conflict_ratio(frame[f"icews_{d}_coop"], frame[f"icews_{d}_conflict"])

    sid_ip = _ideal_ids(ideal_point_variant)[0]
    for sid in ["un_agreement_voeten", sid_ip, "veto_joint", *ALLIANCE_SERIES.values(), "igo_joint",
                *ICEWS_SERIES.values()]:
        if has_series(store, sid):
            sources[sid] = source_of(store, sid)
    frame["note"] = [_alignment_note(r, store, sid_ip) for r in frame.to_dict("records")]
    missing = [s for s in ["un_agreement_voeten", sid_ip, "veto_joint", "alliance_defense", "igo_joint",
                           "icews_verbal_coop"] if not has_series(store, s)]
    if missing:
        notes.append(f"series not in this snapshot: {', '.join(missing)}")
    return AlignmentResult(sa, sb, start, end, frame, by_issue, sources, notes)


def year_measure(agreement: Any, ip_distance: Any, res_agreement: Any) -> np.ndarray:
    """The UN alignment measure each year uses (a key of :data:`MEASURES`, None when none):
    roll-call agreement where it exists, else ideal-point distance, else resolution-level
    agreement. The three are different measures: a year takes one, never a blend."""
    ag, ip, ra = (np.asarray(x, dtype=float) for x in (agreement, ip_distance, res_agreement))
    return np.where(np.isfinite(ag), "roll_calls",
                    np.where(np.isfinite(ip), "ideal_points",
                             np.where(np.isfinite(ra), "resolutions", None))).astype(object)


def _alignment_note(r: dict, store: "Snapshot", sid_ip: str) -> str:
    from .evidence import has_resolution_votes

    parts = []
    n = int(r["n_votes"])
    if n == 0:
        parts.append("no UN roll call both voted on in the vote data" +
                     ("; Voeten's published agreement shown for reference (not the measure of the year)"
                      if np.isfinite(r["agreement_voeten"]) else ""))
    elif not np.isfinite(r["agreement"]):
        parts.append(f"only {n} UN roll call(s) both voted on: agreement missing (fewer than the minimum)")
    elif n < FEW_VOTES:
        parts.append(f"only {n} UN roll call(s) both voted on: agreement is noisy")
    if not np.isfinite(r["ideal_point_distance"]):
        parts.append(f"no ideal point ({sid_ip}) for one or both states")
    if r["measure"] == "ideal_points":
        parts.append("measure of the year: ideal-point distance (no roll-call agreement)")
    elif r["measure"] == "resolutions":
        parts.append(f"measure of the year: resolution-level agreement ({int(r['n_resolutions'])} resolutions; "
                     "not comparable one to one with roll-call agreement)")
    elif r["measure"] is None and int(r["year"]) >= 2025 and not has_resolution_votes(store):
        parts.append("no alignment measure: " + RESTRICTED_2025)
    return "; ".join(parts)
