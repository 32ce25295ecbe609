"""The assessment: Wong's three stages of asymmetrical relations, year by year, with evidence.

For a pair of states and each year, :func:`assess` names the stronger side and the stage:

* **none**: no stable disparity of capabilities;
* **potential**: a stable disparity: Womack's threshold (default: the larger exceeds the
  smaller by at least one half) held for ``stability_years`` consecutive years on the primary
  (military) dimension; Korolev's robustness checks (economic, diplomatic, financial,
  technological) are reported with it;
* **emerging**: in addition, asymmetrical dependence of the weaker on the stronger through
  trade, arms or investment (at least a stated level, and a stated multiple of the reverse);
* **actual**: in addition, an imbalance of influence: the weaker fails the independence
  standards of the debate (seed 002): (a) its UN votes differ from the stronger's less than
  from the other major powers'; (b) it does not criticise the stronger (ICEWS conflict events
  toward it, against its baseline); (c) it does not manoeuvre for influence of its own (no
  ties with the stronger's rivals).

Every criterion lists its value, threshold, years and sources; missing data say "no data",
and each year's ``evidence_reach`` says how far up the ladder the data could look. All
thresholds live in ``data/assess_config.yaml`` (see :func:`powergap.assess_core.load_config`).

The evidence is computed by one vectorised engine over arrays of dyad-years, used alike for
one pair (:func:`assess`) and for every dyad of the system in a year (:func:`assess_all`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .assess_core import (Criterion, YearAssessment, any_channel, ladder, load_config, submission, to_json)
from .errors import CoverageError, InputError
from .states import State, resolve

TRADE = "trade_exports_usd"
ARMS = "arms_transfers_tiv"
FDI = "fdi_position_usd"
ICEWS_CONFLICT = ("icews_verbal_conflict", "icews_material_conflict")
ICEWS_ALL = ("icews_verbal_coop", "icews_material_coop", "icews_verbal_conflict", "icews_material_conflict")
ALLIANCES = ("alliance_defense", "alliance_offense", "alliance_neutral", "alliance_nonagg", "alliance_consult")
RIVALRIES = ("rivalry_td", "rivalry_tss")


# ============================================================================ data access

def _store(store=None):
    from .snapshot.store import default_store

    return store if store is not None else default_store()


def _has(store, sid: str) -> bool:
    return sid in store.series_index


def _sources(store, *sids: str) -> list[str]:
    out: list[str] = []
    for sid in sids:
        if _has(store, sid):
            meta = store.series_meta(sid)
            for k in meta.get("sources") or [meta["source"]]:
                if k not in out:
                    out.append(k)
    return out


class _Scoped:
    """The store seen by one small assessment: dyadic series are read only for the rows
    that involve the assessed states (every dyadic lookup here has one of them on a side)."""

    def __init__(self, store, codes):
        self._store = store
        self._codes = tuple(sorted(int(c) for c in codes))

    def __getattr__(self, name):
        return getattr(self._store, name)

    def series(self, series_id: str, *, directed: bool = True):
        return self._store.series(series_id, directed=directed, involving=self._codes)


def _key(c1, c2, yy) -> np.ndarray:
    return (np.asarray(c1, np.int64) * 1000 + np.asarray(c2, np.int64)) * 4096 + (np.asarray(yy, np.int64) - 1000)


@functools.lru_cache(maxsize=128)
def _state_index(store, sid: str) -> tuple[np.ndarray, np.ndarray]:
    d = store.series(sid)
    keys = _key(d["ccode"].to_numpy(), 0, d["year"].to_numpy())
    order = np.argsort(keys, kind="stable")
    return keys[order], d["value"].to_numpy(dtype=float)[order]


@functools.lru_cache(maxsize=128)
def _dyad_index(store, sid: str) -> tuple[np.ndarray, np.ndarray]:
    d = store.series(sid, directed=False)  # as stored: symmetric series once per pair
    c1, c2 = d["ccode1"].to_numpy(), d["ccode2"].to_numpy()
    if store.series_meta(sid).get("symmetric"):
        c1, c2 = np.minimum(c1, c2), np.maximum(c1, c2)
    keys = _key(c1, c2, d["year"].to_numpy())
    order = np.argsort(keys, kind="stable")
    return keys[order], d["value"].to_numpy(dtype=float)[order]


def _find(index: tuple[np.ndarray, np.ndarray], q: np.ndarray) -> np.ndarray:
    keys, vals = index
    out = np.full(len(q), np.nan)
    if len(keys):
        pos = np.minimum(np.searchsorted(keys, q), len(keys) - 1)
        hit = keys[pos] == q
        out[hit] = vals[pos[hit]]
    return out


def _inside(store, sid: str, yy: np.ndarray) -> np.ndarray:
    meta = store.series_meta(sid)
    return (yy >= meta["first_year"]) & (yy <= meta["last_year"])


def _state(store, sid: str, cc: np.ndarray, yy: np.ndarray) -> np.ndarray:
    """State-year values (NaN where missing; 0 inside coverage for sparse series)."""
    cc, yy = np.asarray(cc), np.asarray(yy)
    if not _has(store, sid):
        return np.full(len(cc), np.nan)
    out = _find(_state_index(store, sid), _key(cc, 0, yy))
    if store.series_meta(sid).get("zero_within_coverage"):
        out = np.where(np.isnan(out) & _inside(store, sid, yy), 0.0, out)
    return out


def _dyad(store, sid: str, c1: np.ndarray, c2: np.ndarray, yy: np.ndarray) -> np.ndarray:
    """Dyad-year values from c1 to c2 (symmetric series: either order)."""
    c1, c2, yy = np.asarray(c1), np.asarray(c2), np.asarray(yy)
    if not _has(store, sid):
        return np.full(len(c1), np.nan)
    meta = store.series_meta(sid)
    if meta.get("symmetric"):
        c1, c2 = np.minimum(c1, c2), np.maximum(c1, c2)
    out = _find(_dyad_index(store, sid), _key(c1, c2, yy))
    if meta.get("zero_within_coverage"):
        out = np.where(np.isnan(out) & _inside(store, sid, yy), 0.0, out)
    return out


@functools.lru_cache(maxsize=32)
def _totals_index(store, sid: str, outgoing: bool, incoming: bool) -> tuple[np.ndarray, np.ndarray]:
    d = store.series(sid, directed=True)
    parts = []
    if outgoing:
        parts.append(d.groupby(["ccode1", "year"])["value"].sum().rename_axis(["ccode", "year"]))
    if incoming:
        parts.append(d.groupby(["ccode2", "year"])["value"].sum().rename_axis(["ccode", "year"]))
    s = pd.concat(parts).groupby(level=[0, 1]).sum()
    keys = _key(s.index.get_level_values(0).to_numpy(), 0, s.index.get_level_values(1).to_numpy())
    order = np.argsort(keys, kind="stable")
    return keys[order], s.to_numpy(dtype=float)[order]


def _totals(store, sid: str, cc: np.ndarray, yy: np.ndarray, *, outgoing: bool = True, incoming: bool = True) -> np.ndarray:
    """Sum of a dyadic series over all partners of each state-year (NaN: no partner row)."""
    if not _has(store, sid):
        return np.full(len(cc), np.nan)
    return _find(_totals_index(store, sid, outgoing, incoming), _key(cc, 0, yy))


@functools.lru_cache(maxsize=16)
def _dyadic_state_stat(store, sids: tuple[str, ...], stat: str, states: frozenset) -> tuple[pd.Series, int, int]:
    """Per state-year (for ``states`` only), the sum over partners (or the number of
    partners with a positive value) of dyadic series; with the series' coverage years."""
    frames, lo, hi = [], 9999, 0
    want = np.fromiter(states, dtype=np.int64)
    for sid in sids:
        if not _has(store, sid):
            continue
        meta = store.series_meta(sid)
        lo, hi = min(lo, meta["first_year"]), max(hi, meta["last_year"])
        d = store.series(sid, directed=False)
        d = d[np.isin(d["ccode1"], want) | np.isin(d["ccode2"], want)]
        if meta.get("symmetric"):  # stored once per pair: count it for both sides
            d = pd.concat([d, d.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})])
        frames.append(d[["ccode1", "ccode2", "year", "value"]])
    if not frames:
        return pd.Series(dtype=float), lo, hi
    d = pd.concat(frames)
    d = d[np.isin(d["ccode1"], want)]
    if stat == "count":
        d = d[d["value"] > 0].drop_duplicates(["ccode1", "ccode2", "year"])
        s = d.groupby(["ccode1", "year"]).size().astype(float)
    else:
        s = d.groupby(["ccode1", "year"])["value"].sum()
    return s, lo, hi


def _lookup(series: pd.Series, cc: np.ndarray, yy: np.ndarray) -> np.ndarray:
    if series.empty:
        return np.full(len(cc), np.nan)
    idx = pd.MultiIndex.from_arrays([cc, yy])
    return series.reindex(idx).to_numpy(dtype=float)


def _entry_values(store, entry, cc: np.ndarray, yy: np.ndarray) -> np.ndarray:
    """Values of one capability-registry entry (series, formula or dyadic total)."""
    if entry.kind == "series":
        return _state(store, entry.series[0], cc, yy)
    if entry.kind == "formula":
        out = np.full(len(cc), entry.scale, dtype=float)
        for sid, p in zip(entry.series, entry.powers):
            with np.errstate(divide="ignore", invalid="ignore"):
                out = out * _state(store, sid, cc, yy) ** p
        return np.where(np.isfinite(out), out, np.nan)
    s, lo, hi = _dyadic_state_stat(store, tuple(entry.series), entry.stat or "sum", frozenset(np.unique(cc).tolist()))
    out = _lookup(s, cc, yy)
    inside = (yy >= lo) & (yy <= hi)
    return np.where(np.isnan(out) & inside, 0.0, np.where(inside, out, np.nan))


# ============================================================================ evidence engine

@dataclass
class Grid:
    """D dyads x T consecutive years, flattened row-major (dyad, year)."""

    a: np.ndarray  # (D,)
    b: np.ndarray
    years: np.ndarray  # (T,)
    eval_start: int = 0  # years before this only feed windows (stability, 5-year sums)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.a), len(self.years)

    def flat(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        d, t = self.shape
        return np.repeat(self.a, t), np.repeat(self.b, t), np.tile(self.years, d)


@dataclass
class DimensionEvidence:
    name: str
    va: np.ndarray
    vb: np.ndarray
    entry: np.ndarray  # name of the entry used, per row ("" where none)
    sources: dict[str, list[str]]

    def ratio_side(self) -> tuple[np.ndarray, np.ndarray]:
        """ratio stronger/weaker (>= 1) and side (+1 a stronger, -1 b, 0 equal; NaN none)."""
        va, vb = self.va, self.vb
        ok = ~np.isnan(va) & ~np.isnan(vb) & (va >= 0) & (vb >= 0)
        hi, lo = np.fmax(va, vb), np.fmin(va, vb)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(ok, np.where(lo > 0, hi / lo, np.where(hi > 0, np.inf, 1.0)), np.nan)
        side = np.where(ok, np.sign(va - vb), np.nan)
        return ratio, side


def dimension_evidence(store, registry, name: str, grid: Grid) -> DimensionEvidence:
    """The registry's precedence rule: the first entry for which both states have a value."""
    a, b, y = grid.flat()
    dim = registry.dimensions[name]
    va, vb = np.full(len(a), np.nan), np.full(len(a), np.nan)
    used = np.full(len(a), "", dtype=object)
    sources: dict[str, list[str]] = {}
    for e in dim.entries:
        if not all(_has(store, s) for s in e.series):
            continue
        xa, xb = _entry_values(store, e, a, y), _entry_values(store, e, b, y)
        take = np.isnan(va) & ~np.isnan(xa) & ~np.isnan(xb)
        va[take], vb[take], used[take] = xa[take], xb[take], e.name
        sources[e.name] = _sources(store, *e.series)
    return DimensionEvidence(name, va, vb, used, sources)


def stability(flag: np.ndarray, side: np.ndarray, k: int) -> np.ndarray:
    """(D, T) flags -> 1 where Womack's flag held with the same stronger side for k
    consecutive years ending at that year; 0 where it did not; NaN where it cannot be told
    (no data this year, or a run too short only because earlier years lack data)."""
    d, t = flag.shape
    run = np.zeros((d, t))
    unknown_start = np.zeros((d, t), dtype=bool)  # the run began right after missing data
    for j in range(t):
        cur = flag[:, j] == 1
        if j == 0:
            run[:, j] = cur
            unknown_start[:, j] = True
        else:
            same = cur & (flag[:, j - 1] == 1) & (side[:, j] == side[:, j - 1])
            run[:, j] = np.where(same, run[:, j - 1] + 1, cur.astype(float))
            unknown_start[:, j] = np.where(same, unknown_start[:, j - 1], np.isnan(flag[:, j - 1]))
    out = np.where(run >= k, 1.0, 0.0)
    out[np.isnan(flag)] = np.nan
    out[(flag == 1) & (run < k) & unknown_start] = np.nan
    return out


def _window_sum(x: np.ndarray, width: int) -> np.ndarray:
    """(D, T) rolling sum over the last ``width`` years; NaN where any year is missing."""
    d, t = x.shape
    out = np.full((d, t), np.nan)
    for j in range(width - 1, t):
        out[:, j] = x[:, j - width + 1: j + 1].sum(axis=1)
    return out


class VoteMatrix:
    """UN General Assembly agreement for every pair of voters in a calendar year (cached)."""

    def __init__(self, store):
        self.store = store
        self._cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.available = "un_votes" in store.catalog.get("tables", {}) and "un_roll_calls" in store.catalog.get("tables", {})
        if self.available:
            v = store.table("un_votes")
            rc = store.table("un_roll_calls")[["rcid", "year"]]
            self.votes = v.merge(rc, on="rcid")
            self.years = set(int(y) for y in self.votes["year"].unique())

    def restrict(self, ccodes) -> None:
        """Compute agreement only among these states (enough for one pair's assessment)."""
        keep = np.isin(self.votes["ccode"].to_numpy(), np.asarray(sorted(ccodes)))
        self.votes = self.votes[keep]
        self._cache.clear()

    def matrix(self, year: int) -> tuple[np.ndarray, np.ndarray]:
        if year not in self._cache:
            from .measures.alignment import all_dyad_agreement_year

            part = self.votes[self.votes["year"] == year]
            d = all_dyad_agreement_year(part)
            codes = np.unique(np.concatenate([d["ccode1"].to_numpy(), d["ccode2"].to_numpy()])) if len(d) else np.array([], int)
            m = np.full((len(codes), len(codes)), np.nan)
            i1, i2 = np.searchsorted(codes, d["ccode1"]), np.searchsorted(codes, d["ccode2"])
            m[i1, i2] = d["agreement"].to_numpy()
            m[i2, i1] = d["agreement"].to_numpy()
            self._cache[year] = (codes, m)
        return self._cache[year]

    def agreement(self, c1: np.ndarray, c2: np.ndarray, yy: np.ndarray) -> np.ndarray:
        out = np.full(len(c1), np.nan)
        if not self.available:
            return out
        for year in np.unique(yy):
            if int(year) not in self.years:
                continue
            codes, m = self.matrix(int(year))
            sel = yy == year
            i1, i2 = np.searchsorted(codes, c1[sel]), np.searchsorted(codes, c2[sel])
            i1c, i2c = np.minimum(i1, len(codes) - 1), np.minimum(i2, len(codes) - 1)
            ok = (codes[i1c] == c1[sel]) & (codes[i2c] == c2[sel])
            vals = np.where(ok, m[i1c, i2c], np.nan)
            out[sel] = vals
        return out


def _vote_matrix(store, grid: "Grid", cfg: dict) -> VoteMatrix:
    vm = VoteMatrix(store)
    if vm.available and len(grid.a) <= 10:  # a few pairs: only their states, majors and rivals
        codes = set(grid.a.tolist()) | set(grid.b.tolist())
        codes |= {resolve(m).ccode for m in cfg["independence"]["vote_difference"]["major_powers"]}
        riv = _rival_frame(store)
        mine = riv[riv["s"].isin(list(codes)) & riv["year"].between(grid.years.min(), grid.years.max())]
        vm.restrict(codes | set(mine["rival"].tolist()))
    return vm


@functools.lru_cache(maxsize=4)
def _rival_frame(store) -> pd.DataFrame:
    """Rivalry pairs by year, both directions: columns s (a state), year, rival."""
    frames = [store.series(sid, directed=True) for sid in RIVALRIES if _has(store, sid)]
    if not frames:
        return pd.DataFrame({"s": [], "year": [], "rival": []}, dtype="int64")
    d = pd.concat(frames)
    d = d[d["value"] > 0].drop_duplicates(["ccode1", "ccode2", "year"])
    return pd.DataFrame({"s": d["ccode1"].to_numpy(np.int64), "year": d["year"].to_numpy(np.int64),
                         "rival": d["ccode2"].to_numpy(np.int64)})


def _rivalry_coverage(store) -> tuple[int, int] | None:
    yrs = [(store.series_meta(s)["first_year"], store.series_meta(s)["last_year"]) for s in RIVALRIES if _has(store, s)]
    return (min(y[0] for y in yrs), max(y[1] for y in yrs)) if yrs else None


# ============================================================================ evaluation

@dataclass
class Evidence:
    """Everything the ladder needs, as (D, T) arrays, with both orientations resolved."""

    grid: Grid
    cfg: dict
    dims: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    sources: dict[str, list[str]] = field(default_factory=dict)


def _reshape(x: np.ndarray, grid: Grid) -> np.ndarray:
    return np.asarray(x, dtype=float).reshape(grid.shape)


def gather(grid: Grid, cfg: dict, *, store=None, registry=None) -> Evidence:
    """Compute every criterion's raw values for the grid's dyad-years."""
    from .measures.capability import load_registry

    store = _store(store)
    registry = registry if registry is not None else load_registry(None, store=store)
    if len(grid.a) <= 10:  # one or a few pairs: read only their rows of dyadic series
        store = _Scoped(store, set(grid.a.tolist()) | set(grid.b.tolist()))
    cap = cfg["capability"]
    ev = Evidence(grid, cfg)
    a, b, y = grid.flat()
    k = int(cap["stability_years"])
    dims = [cap["primary_dimension"], *cap["robustness_checks"]]
    for name in dims:
        if name not in registry.dimensions:
            raise InputError(f"config names dimension {name!r}, which the capability registry does not define "
                             f"(known: {', '.join(registry.dimensions)})")
        de = dimension_evidence(store, registry, name, grid)
        ratio, side = de.ratio_side()
        ratio, side = _reshape(ratio, grid), _reshape(side, grid)
        flag = np.where(np.isnan(ratio), np.nan, (ratio >= cap["threshold"]).astype(float))
        ev.dims[name] = {"va": _reshape(de.va, grid), "vb": _reshape(de.vb, grid), "ratio": ratio, "side": side,
                         "flag": flag, "stable": stability(flag, side, k),
                         "entry": np.asarray(de.entry, dtype=object).reshape(grid.shape)}
        ev.sources[f"capability:{name}"] = sorted({s for v in de.sources.values() for s in v})

    # --- dependence, both directions: x_ab = a's dependence on b
    if _has(store, TRADE):
        ex_ab, ex_ba = _dyad(store, TRADE, a, b, y), _dyad(store, TRADE, b, a, y)
        bil = ex_ab + ex_ba
        tot_a = _totals(store, TRADE, a, y)
        tot_b = _totals(store, TRADE, b, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            ev.extra["trade_a_on_b"] = _reshape(np.where(tot_a > 0, bil / tot_a, np.nan), grid)
            ev.extra["trade_b_on_a"] = _reshape(np.where(tot_b > 0, bil / tot_b, np.nan), grid)
        ev.sources["trade"] = _sources(store, TRADE)
    if _has(store, ARMS):
        w = int(cfg["independence"]["manoeuvre"]["arms_window"])
        # window sums need earlier years: the grid starts early enough (see _grid_years)
        imp_a = _reshape(_arms_imports(store, a, y), grid)
        imp_b = _reshape(_arms_imports(store, b, y), grid)
        from_b = _reshape(_dyad(store, ARMS, b, a, y), grid)
        from_a = _reshape(_dyad(store, ARMS, a, b, y), grid)
        sa, sb = _window_sum(imp_a, 5), _window_sum(imp_b, 5)
        with np.errstate(divide="ignore", invalid="ignore"):
            ev.extra["arms_a_on_b"] = np.where(sa > 0, _window_sum(from_b, 5) / sa, np.nan)
            ev.extra["arms_b_on_a"] = np.where(sb > 0, _window_sum(from_a, 5) / sb, np.nan)
        ev.extra["arms_exports_a_to_b_w"] = _window_sum(from_a, w)
        ev.extra["arms_exports_b_to_a_w"] = _window_sum(from_b, w)
        ev.sources["arms"] = _sources(store, ARMS, "arms_imports_tiv_sipri")
    if _has(store, FDI) and _has(store, "gdp_usd"):
        gdp_a, gdp_b = _state(store, "gdp_usd", a, y), _state(store, "gdp_usd", b, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            ev.extra["fdi_a_on_b"] = _reshape(_dyad(store, FDI, b, a, y) / gdp_a, grid)
            ev.extra["fdi_b_on_a"] = _reshape(_dyad(store, FDI, a, b, y) / gdp_b, grid)
        ev.sources["investment"] = _sources(store, FDI, "gdp_usd")

    # --- independence of each side toward the other
    votes = _vote_matrix(store, grid, cfg)
    if votes.available:
        ev.extra["agree_ab"] = _reshape(votes.agreement(a, b, y), grid)
        majors = [resolve(m).ccode for m in cfg["independence"]["vote_difference"]["major_powers"]]
        for side_name, w_, s_ in (("a", a, b), ("b", b, a)):
            vals = []
            for m in majors:
                ag = votes.agreement(w_, np.full(len(w_), m), y)
                ag[(w_ == m) | (s_ == m)] = np.nan
                vals.append(1 - ag)
            stack = np.vstack(vals)
            counts = (~np.isnan(stack)).sum(axis=0)
            mean = np.where(counts > 0, np.nansum(stack, axis=0) / np.maximum(counts, 1), np.nan)
            ev.extra[f"dis_majors_{side_name}"] = _reshape(mean, grid)
        ev.sources["votes"] = ["unvotes"]
    if all(_has(store, s) for s in ICEWS_ALL):
        for side_name, w_, s_ in (("a", a, b), ("b", b, a)):
            conf = sum(_dyad(store, s, w_, s_, y) for s in ICEWS_CONFLICT)
            allv = sum(_dyad(store, s, w_, s_, y) for s in ICEWS_ALL)
            conf_tot = sum(_totals(store, s, w_, y, incoming=False) for s in ICEWS_CONFLICT)
            all_tot = sum(_totals(store, s, w_, y, incoming=False) for s in ICEWS_ALL)
            with np.errstate(divide="ignore", invalid="ignore"):
                ev.extra[f"conflict_share_{side_name}"] = _reshape(np.where(allv > 0, conf / allv, np.nan), grid)
                base = np.where((all_tot - allv) > 0, (conf_tot - conf) / (all_tot - allv), np.nan)
            ev.extra[f"conflict_base_{side_name}"] = _reshape(base, grid)
            ev.extra[f"events_{side_name}"] = _reshape(allv, grid)
        ev.sources["events"] = _sources(store, *ICEWS_ALL)
    _manoeuvre(store, ev, votes)
    ideal = "ideal_point"
    if _has(store, ideal):
        ev.extra["theta_a"] = _reshape(_state(store, ideal, a, y), grid)
        ev.extra["theta_b"] = _reshape(_state(store, ideal, b, y), grid)
        ev.sources["ideal_points"] = _sources(store, ideal)
    return ev


def _arms_imports(store, cc: np.ndarray, yy: np.ndarray) -> np.ndarray:
    for sid in ("arms_imports_tiv_sipri", "arms_imports_tiv"):
        if _has(store, sid):
            meta = store.series_meta(sid)
            out = _state(store, sid, cc, yy)
            inside = (yy >= meta["first_year"]) & (yy <= meta["last_year"])
            return np.where(np.isnan(out) & inside, 0.0, out)  # no deliveries recorded: none imported
    return np.full(len(cc), np.nan)


def _manoeuvre(store, ev: Evidence, votes: VoteMatrix) -> None:
    """Ties of each side with the other side's rivals: alliance, arms deliveries, or UN
    agreement above its agreement with the other side."""
    cover = _rivalry_coverage(store)
    if cover is None:
        return
    grid = ev.grid
    a, b, y = grid.flat()
    w = int(ev.cfg["independence"]["manoeuvre"]["arms_window"])
    riv = _rival_frame(store)
    evaluated = y >= ev.grid.eval_start
    for side_name, w_, s_ in (("a", a, b), ("b", b, a)):
        inside = evaluated & (y >= cover[0]) & (y <= cover[1])
        rows = pd.DataFrame({"i": np.flatnonzero(inside), "s": s_[inside], "w": w_[inside], "year": y[inside]})
        pairs = rows.merge(riv, on=["s", "year"], how="inner")
        pairs = pairs[pairs["rival"] != pairs["w"]]
        n_rivals = np.full(len(w_), np.nan)
        n_rivals[inside] = 0.0
        np.add.at(n_rivals, pairs["i"].to_numpy(), 1.0)
        ev.extra[f"rivals_of_other_{side_name}"] = _reshape(n_rivals, grid)
        ties = np.full(len(w_), np.nan)
        if len(pairs):
            ri, rc = pairs["i"].to_numpy(), pairs["rival"].to_numpy()
            wc, yr = w_[ri], y[ri]
            tie = np.zeros(len(ri), dtype=bool)
            known = np.zeros(len(ri), dtype=bool)
            for s in ALLIANCES:
                v = _dyad(store, s, wc, rc, yr)
                known |= ~np.isnan(v)
                tie |= np.nan_to_num(v) > 0
            if _has(store, ARMS):
                arms = sum(np.nan_to_num(_dyad(store, ARMS, wc, rc, yr - k)) for k in range(w))
                inside_arms = _inside(store, ARMS, yr)
                known |= inside_arms
                tie |= arms > 0
            if votes.available:
                ag_r = votes.agreement(wc, rc, yr)
                ag_s = votes.agreement(wc, s_[ri], yr)
                ok = ~np.isnan(ag_r) & ~np.isnan(ag_s)
                known |= ok
                tie |= ok & (ag_r > ag_s)
            got = np.zeros(len(w_))
            np.maximum.at(got, ri, tie.astype(float))
            kn = np.zeros(len(w_))
            np.maximum.at(kn, ri, known.astype(float))
            ties = np.where((np.nan_to_num(n_rivals) > 0) & (kn > 0), got, np.nan)
        ev.extra[f"rival_ties_{side_name}"] = _reshape(ties, grid)
    ev.sources["manoeuvre"] = _sources(store, *RIVALRIES, *ALLIANCES, ARMS)


def _f(x) -> float | None:
    """A finite float or None (rounded to 6 significant places when serialised)."""
    if x is None:
        return None
    x = float(x)
    if x != x or x == _INF or x == -_INF:
        return None
    return x


_INF = float("inf")


def evaluate_row(ev: Evidence, i: int, j: int, labels: tuple[str, str]) -> YearAssessment:
    """Criteria and stage for dyad i in year column j."""
    cfg = ev.cfg
    cap, dep, ind = cfg["capability"], cfg["dependence"], cfg["independence"]
    year = int(ev.grid.years[j])
    prim = ev.dims[cap["primary_dimension"]]
    side = prim["side"][i, j]
    ratio = prim["ratio"][i, j]
    stable = prim["stable"][i, j]
    stronger = weaker = None
    sw = None  # "a" if a stronger else "b"
    if not np.isnan(side) and side != 0:
        sw = "a" if side > 0 else "b"
        stronger, weaker = (labels[0], labels[1]) if sw == "a" else (labels[1], labels[0])
    crit: list[Criterion] = []
    k = int(cap["stability_years"])
    cap_met = None if np.isnan(stable) else bool(stable == 1)
    entry = prim["entry"][i, j] or None
    crit.append(Criterion(
        name=f"disparity: {cap['primary_dimension']}", stage="potential", value=_f(ratio),
        threshold=cap["threshold"], met=cap_met, sources=ev.sources.get(f"capability:{cap['primary_dimension']}", []),
        years=list(range(year - k + 1, year + 1)),
        detail=(f"{stronger} stronger; ratio {ratio:.2f} on {entry}; Womack's threshold must hold {k} consecutive years"
                if stronger and entry else "no data on the primary dimension" if np.isnan(ratio) else "equal values")))
    # Korolev's robustness checks (reported, not required)
    confirmed = with_data = 0
    nodata = []
    for d in cap["robustness_checks"]:
        dd = ev.dims[d]
        f, s, r = dd["flag"][i, j], dd["side"][i, j], dd["ratio"][i, j]
        if np.isnan(f):
            nodata.append(d)
            met = None
        else:
            with_data += 1
            met = bool(f == 1 and sw is not None and s == side)
            confirmed += met
        ent = dd["entry"][i, j] or None
        crit.append(Criterion(name=f"check: {d}", stage="potential (robustness)", value=_f(r), threshold=cap["threshold"],
                              met=met, sources=ev.sources.get(f"capability:{d}", []), years=[year],
                              detail=(f"{labels[0] if s > 0 else labels[1]} stronger on {ent}" if ent and not np.isnan(s) and s != 0 else "")))
    if cap_met is None:
        korolev = f"no data on {cap['primary_dimension']}"
    elif np.isnan(ratio) or ratio < cap["threshold"]:
        korolev = f"not asymmetric on {cap['primary_dimension']} (ratio {ratio:.2f})"
    else:
        korolev = (f"asymmetric: {cap['primary_dimension']} ({stronger} stronger, ratio {ratio:.2f}), "
                   f"confirmed by {confirmed} of {with_data} checks" + (f" (no data: {', '.join(nodata)})" if nodata else ""))

    # dependence of the weaker on the stronger
    dep_flags: list[bool | None] = []
    if sw is not None:
        wk, st_ = ("a", "b") if sw == "b" else ("b", "a")
        for channel, key, label in (("trade", "trade", "trade with the stronger / own total trade"),
                                    ("arms", "arms", "stronger's share of own arms imports, 5 years"),
                                    ("investment", "fdi", "stronger's direct investment position / own GDP")):
            c = dep[channel]
            fw = ev.extra.get(f"{key}_{wk}_on_{st_}")
            fs = ev.extra.get(f"{key}_{st_}_on_{wk}")
            vw = _f(fw[i, j]) if fw is not None else None
            vs = _f(fs[i, j]) if fs is not None else None
            if vw is None:
                met = None
            elif vw < c["min_share"]:
                met = False
            elif vs is None:
                met = None if c["min_multiple"] > 0 else True
            else:
                met = vw >= c["min_multiple"] * vs
            dep_flags.append(met)
            yrs = list(range(year - 4, year + 1)) if channel == "arms" else [year]
            crit.append(Criterion(name=f"dependence: {channel}", stage="emerging", value=vw,
                                  threshold=f">= {c['min_share']} and >= {c['min_multiple']} x reverse",
                                  met=met, sources=ev.sources.get(channel, []), years=yrs,
                                  detail=f"{weaker}: {label}; reverse ({stronger}): {vs if vs is not None else 'no data'}"))
        # independence standards of the weaker toward the stronger (True = fails the standard)
        fails: list[bool | None] = []
        vd = ind["vote_difference"]
        agree = ev.extra.get("agree_ab")
        dis_m = ev.extra.get(f"dis_majors_{wk}")
        dis_s = None if agree is None else _f(1 - agree[i, j])
        dm = None if dis_m is None else _f(dis_m[i, j])
        fail = None if dis_s is None or dm is None or dm == 0 else dis_s < vd["max_ratio"] * dm
        fails.append(fail)
        crit.append(Criterion(name="independence: foreign-policy difference", stage="actual", value=dis_s,
                              threshold=f"< {vd['max_ratio']} x disagreement with other major powers ({dm if dm is not None else 'no data'})",
                              met=fail, sources=ev.sources.get("votes", []), years=[year],
                              detail=f"share of UN votes on which {weaker} differs from {stronger}; met = fails the standard"))
        cr = ind["criticism"]
        cs = ev.extra.get(f"conflict_share_{wk}")
        cb = ev.extra.get(f"conflict_base_{wk}")
        ne = ev.extra.get(f"events_{wk}")
        v_cs = None if cs is None else _f(cs[i, j])
        v_cb = None if cb is None else _f(cb[i, j])
        n_ev = None if ne is None else _f(ne[i, j])
        if v_cs is None or v_cb is None or n_ev is None or n_ev < cr["min_events"]:
            fail = None
        else:
            fail = v_cs < cr["max_ratio"] * v_cb
        fails.append(fail)
        crit.append(Criterion(name="independence: freedom to criticise", stage="actual", value=v_cs,
                              threshold=f"< {cr['max_ratio']} x baseline conflict share ({v_cb if v_cb is not None else 'no data'})",
                              met=fail, sources=ev.sources.get("events", []), years=[year],
                              detail=f"conflictual share of {weaker}'s ICEWS events toward {stronger} ({int(n_ev) if n_ev is not None else 0} events); met = fails"))
        nr = ev.extra.get(f"rivals_of_other_{wk}")
        rt = ev.extra.get(f"rival_ties_{wk}")
        n_r = None if nr is None else _f(nr[i, j])
        tie = None if rt is None else _f(rt[i, j])
        fail = None if tie is None else (tie == 0)
        fails.append(fail)
        crit.append(Criterion(name="independence: manoeuvre for distinct influence", stage="actual", value=tie,
                              threshold="no tie with any rival of the stronger", met=fail,
                              sources=ev.sources.get("manoeuvre", []), years=[year],
                              detail=(f"{stronger} has {int(n_r)} rival(s); tie = alliance, arms deliveries or closer UN votes"
                                      if n_r is not None else "no rivalry data for the year") + "; met = fails"))
        ta, tb = ev.extra.get("theta_a"), ev.extra.get("theta_b")
        if ta is not None and j >= 5:
            w0, s0 = (ta, tb) if wk == "a" else (tb, ta)
            dw, ds = w0[i, j] - w0[i, j - 5], s0[i, j] - s0[i, j - 5]
            gap0, gap1 = s0[i, j - 5] - w0[i, j - 5], s0[i, j] - w0[i, j]
            if not np.isnan([dw, ds, gap0, gap1]).any():
                toward_w = dw * np.sign(gap0)  # positive: weaker moved toward the stronger
                toward_s = -ds * np.sign(gap0)
                mover = weaker if abs(toward_w) >= abs(toward_s) else stronger
                crit.append(Criterion(name="context: ideal-point convergence", stage="actual (context)",
                                      value=_f(abs(gap1) - abs(gap0)), threshold=None, met=None,
                                      sources=ev.sources.get("ideal_points", []), years=[year - 5, year],
                                      detail=f"gap {abs(gap0):.2f} -> {abs(gap1):.2f} over 5 years; moved most toward the other: {mover}"))
        sub = submission(fails, min_failed=int(ind["min_failed"]), min_evaluated=int(ind["min_evaluated"]))
    else:
        sub = None
    dependence = any_channel(dep_flags) if dep_flags else None
    stage, reach = ladder(cap_met, dependence, sub)
    summary = _summary(year, stage, reach, stronger, weaker, korolev)
    return YearAssessment(year=year, stronger=stronger, weaker=weaker, stage=stage, evidence_reach=reach,
                          criteria=crit, korolev=korolev, summary=summary)


def _summary(year, stage, reach, stronger, weaker, korolev) -> str:
    if stage == "none":
        if reach == "none":
            return f"{year}: no data on the primary dimension"
        return f"{year}: no stable disparity ({korolev})"
    text = {"potential": f"{year}: potential asymmetry: {stronger} stronger ({korolev})",
            "emerging": f"{year}: emerging asymmetry: {weaker} depends asymmetrically on {stronger}",
            "actual": f"{year}: actual asymmetry: {weaker} fails the independence standards toward {stronger}"}[stage]
    if reach == stage and stage != "actual":
        text += "; the data do not reach the next stage"
    return text


# ============================================================================ public API

@dataclass
class Assessment:
    """The result of :func:`assess`: a stage per year with the evidence behind it."""

    state_a: State
    state_b: State
    start: int
    end: int
    config: dict
    years: list[YearAssessment]
    source_keys: list[str]

    @property
    def a(self) -> str:
        return self.state_a.label

    @property
    def b(self) -> str:
        return self.state_b.label

    def to_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "names": {self.a: self.state_a.name, self.b: self.state_b.name},
                "start": self.start, "end": self.end, "config": self.config,
                "summary": self.summary(), "changes": self.changes(), "sources": self.sources(),
                "years": [y.to_dict() for y in self.years]}

    def to_json(self) -> str:
        return to_json(self.to_dict())

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"year": y.year, "stronger": y.stronger, "stage": y.stage,
                              "evidence_reach": y.evidence_reach, "korolev": y.korolev} for y in self.years])

    def sources(self) -> list[str]:
        return list(self.source_keys)

    def changes(self) -> list[dict]:
        """Years where the stage (or the stronger side) changes, with the criteria behind it."""
        out, prev = [], None
        for y in self.years:
            key = (y.stage, y.stronger)
            if key != prev:
                decisive = [c.to_dict() for c in y.criteria if not c.name.startswith(("check:", "context:"))]
                out.append({"year": y.year, "from": None if prev is None else prev[0], "to": y.stage,
                            "stronger": y.stronger, "evidence_reach": y.evidence_reach, "criteria": decisive})
                prev = key
        return out

    def summary(self) -> str:
        """Plain-language summary of the whole period."""
        if not self.years:
            return "no years assessed"
        last = self.years[-1]
        counts = pd.Series([y.stage for y in self.years]).value_counts()
        parts = [f"{self.state_a.name} and {self.state_b.name}, {self.start}-{self.end}: "
                 + ", ".join(f"{n} year(s) {s}" for s, n in counts.items()) + "."]
        parts.append(f"In {last.year}: {last.summary.split(': ', 1)[-1]}.")
        return " ".join(parts)

    def _repr_html_(self) -> str:
        from .report import assessment_html

        return assessment_html(self)

    def report(self, path: str | Path, **kwargs) -> Path:
        from .report import write_report

        return write_report(self, path, **kwargs)


def _years(start, end, store) -> tuple[int, int]:
    lo = 1816
    hi = store.end_year
    start = hi - 30 if start is None else start
    end = hi if end is None else end
    for v, n in ((start, "start"), (end, "end")):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
            raise InputError(f"{n} year must be a whole number, got {v!r}")
    if start > end:
        raise InputError(f"start year {start} is after end year {end}")
    if start < lo or end > hi:
        raise CoverageError(f"years {start}-{end} are outside the data ({lo}-{hi})")
    return int(start), int(end)


def _grid_years(start: int, end: int, cfg: dict) -> np.ndarray:
    """Years to compute: the window before ``start`` feeds stability and 5-year sums."""
    back = max(int(cfg["capability"]["stability_years"]), 5, int(cfg["independence"]["manoeuvre"]["arms_window"]))
    return np.arange(max(1816, start - back + 1), end + 1)


def assess(a: Any, b: Any, *, start: int | None = None, end: int | None = None,
           config: dict | str | Path | None = None, store=None) -> Assessment:
    """Assess the relationship between ``a`` and ``b`` year by year.

    Parameters
    ----------
    a, b : country names or codes (see :func:`powergap.resolve`).
    start, end : years (default: the 31 years up to the snapshot's last year; without an
        explicit ``end``, trailing years where the primary dimension has no data for the
        pair are left out).
    config : overrides of ``data/assess_config.yaml`` (mapping or YAML file).
    """
    sa, sb = resolve(a), resolve(b)
    if sa.ccode == sb.ccode:
        raise InputError(f"cannot assess {sa.name} against itself")
    store = _store(store)
    cfg = load_config(config)
    default_end = end is None
    start, end = _years(start, end, store)
    yrs = _grid_years(start, end, cfg)
    grid = Grid(np.array([sa.ccode]), np.array([sb.ccode]), yrs, eval_start=start)
    ev = gather(grid, cfg, store=store)
    out = [evaluate_row(ev, 0, j, (sa.label, sb.label)) for j, yr in enumerate(yrs) if yr >= start]
    if default_end:  # by default, end at the last year the primary dimension has data for both
        prim = ev.dims[cfg["capability"]["primary_dimension"]]["ratio"][0]
        known = [int(y) for y, r in zip(yrs, prim) if y >= start and not np.isnan(r)]
        if known:
            out = [y for y in out if y.year <= known[-1]]
            end = known[-1]
    keys = sorted({s for y in out for c in y.criteria for s in c.sources})
    return Assessment(sa, sb, start, end, cfg, out, keys)


def assess_all(year: int, *, config: dict | str | Path | None = None, store=None, progress=None) -> pd.DataFrame:
    """Assess every non-directed dyad of the COW system in ``year``: one row per dyad with
    the stronger side, stage, evidence reach and the key values."""
    from .panels import dyad_years

    store = _store(store)
    cfg = load_config(config)
    year, _ = _years(year, year, store)
    say = progress or (lambda m: None)
    dy = dyad_years(directed=False, start=year, end=year)
    a = dy["ccode1"].to_numpy().astype(np.int64)
    b = dy["ccode2"].to_numpy().astype(np.int64)
    grid = Grid(a, b, _grid_years(year, year, cfg), eval_start=year)
    say(f"gathering evidence for {len(a):,} dyads")
    ev = gather(grid, cfg, store=store)
    say("evaluating stages")
    from .states import state as state_of

    j = len(grid.years) - 1
    rows = []
    labels = {c: state_of(c).label for c in np.unique(np.concatenate([a, b]))}
    for i in range(len(a)):
        ya = evaluate_row(ev, i, j, (labels[a[i]], labels[b[i]]))
        crit = {c.name: c for c in ya.criteria}
        prim = crit[f"disparity: {cfg['capability']['primary_dimension']}"]
        rows.append({"ccode1": int(a[i]), "ccode2": int(b[i]), "a": labels[a[i]], "b": labels[b[i]], "year": year,
                     "stronger": ya.stronger, "stage": ya.stage, "evidence_reach": ya.evidence_reach,
                     "military_ratio": prim.value,
                     "trade_dependence": crit["dependence: trade"].value if "dependence: trade" in crit else None,
                     "korolev": ya.korolev})
    df = pd.DataFrame(rows)
    df.attrs["config"] = cfg
    return df
