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
Every relational quantity (trade, arms and investment dependence, UN agreement, alliances,
rivalries) comes from :mod:`powergap.measures.evidence`, the layer `powergap dependence`,
`alignment`, the claims and the report read too; capabilities come from
:mod:`powergap.measures.capability`.

Coverage is reported, never read as evidence: a year whose next stage cannot be tested is
"at least <stage>" (``at_least``), a change between two years is labelled ``"coverage"``
when the data cannot tell them apart, a year without data on the primary dimension is
unassessed (``stage`` None, with a ``reason``), and years outside either state's COW
system membership are refused or marked (see :func:`assess`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .assess_core import (Criterion, YearAssessment, any_channel, at_least, change_kind, ladder, load_config,
                          steady_stages, submission, to_json)
from .errors import CoverageError, InputError
from .measures import evidence as E
from .states import State, resolve

ARMS = "arms_transfers_tiv"
FDI = "fdi_position_usd"
ICEWS_CONFLICT = ("icews_verbal_conflict", "icews_material_conflict")
ICEWS_ALL = ("icews_verbal_coop", "icews_material_coop", "icews_verbal_conflict", "icews_material_conflict")


# ============================================================================ data access

def _store(store=None):
    from .snapshot.store import default_store

    return store if store is not None else default_store()


def _has(store, sid: str) -> bool:
    return sid in store.series_index


# every value comes from the one evidence layer (powergap.measures.evidence)
_sources = E.sources_of
_Scoped = E.Scoped
_state = E.state_values
_dyad = E.dyad_values
_totals = E.partner_totals


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


# ============================================================================ evaluation

@dataclass
class Evidence:
    """Everything the ladder needs, as (D, T) arrays, with both orientations resolved."""

    grid: Grid
    cfg: dict
    dims: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    sources: dict[str, list[str]] = field(default_factory=dict)
    vote_codes: frozenset | None = None  # a few pairs: UN agreement among these voters only


def _reshape(x: np.ndarray, grid: Grid) -> np.ndarray:
    return np.asarray(x, dtype=float).reshape(grid.shape)


def gather(grid: Grid, cfg: dict, *, store=None, registry=None) -> Evidence:
    """Compute every criterion's raw values for the grid's dyad-years."""
    from .measures.capability import capability_panel, load_registry

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
    # capability: the one engine (measures.capability.capability_panel) with its series rule
    panel = capability_panel(grid.a, grid.b, grid.years, registry=registry, dimensions=dims, window=k,
                             threshold=cap["threshold"], store=getattr(store, "_store", store))
    for name in dims:
        p = panel.dimensions[name]
        ev.dims[name] = {"va": p.a, "vb": p.b, "ratio": p.ratio, "side": p.side, "flag": p.womack,
                         "stable": p.stable, "entry": np.where(p.series == None, "", p.series).astype(object)}  # noqa: E711
        ev.sources[f"capability:{name}"] = sorted({s for v in p.sources.values() for s in v})

    # --- dependence, both directions: x_ab = a's dependence on b (the one evidence layer)
    if any(_has(store, spec[1]) for spec in E.TRADE_ORDER):
        ts = E.trade_shares(store, a, b, y)
        ev.extra["trade_a_on_b"] = _reshape(ts.share_ab, grid)
        ev.extra["trade_b_on_a"] = _reshape(ts.share_ba, grid)
        ev.extra["trade_label"] = np.asarray(ts.label, dtype=object).reshape(grid.shape)
        ev.extra["trade_facts"] = np.asarray(ts.fact_ids, dtype=object).reshape(grid.shape)
        ev.extra["trade_totals_src"] = np.asarray(ts.source_total_a, dtype=object).reshape(grid.shape)
        for spec in E.TRADE_ORDER:
            ev.sources[f"trade:{spec[0]}"] = E.sources_of(store, *spec[1:])
        ev.sources["trade"] = [s_ for spec in E.TRADE_ORDER for s_ in ev.sources[f"trade:{spec[0]}"]]
    if _has(store, ARMS):
        sh_ab, _, tot_a = E.arms_import_share(store, a, b, y, width=5)
        sh_ba, _, tot_b = E.arms_import_share(store, b, a, y, width=5)
        ev.extra["arms_a_on_b"], ev.extra["arms_b_on_a"] = _reshape(sh_ab, grid), _reshape(sh_ba, grid)
        # each side's arms imports over the window (TIV): is the reverse share material?
        ev.extra["arms_total_a"], ev.extra["arms_total_b"] = _reshape(tot_a, grid), _reshape(tot_b, grid)
        ev.sources["arms"] = E.sources_of(store, ARMS, *E.ARMS_IMPORTS)
    if _has(store, FDI) and _has(store, "gdp_usd"):
        ev.extra["fdi_a_on_b"] = _reshape(E.investment_share(store, a, b, y)[0], grid)
        ev.extra["fdi_b_on_a"] = _reshape(E.investment_share(store, b, a, y)[0], grid)
        ev.sources["investment"] = E.sources_of(store, FDI, "gdp_usd")

    # --- independence of each side toward the other
    votes = "un_votes" in store.catalog.get("tables", {}) and "un_roll_calls" in store.catalog.get("tables", {})
    if votes:
        m = int(cfg["un_votes"]["min_roll_calls"])
        majors = _majors(store, cfg["independence"]["vote_difference"]["major_powers"], y)
        if len(grid.a) <= 10:  # a few pairs: agreement among their states, the majors and their rivals only
            riv = E.rivals(store)
            mine = riv[riv["s"].isin(np.concatenate([grid.a, grid.b]).tolist())]
            ev.vote_codes = frozenset(np.concatenate([grid.a, grid.b, *majors, mine["rival"].to_numpy()]).tolist())
        only = ev.vote_codes
        ev.extra["agree_ab"], n_ab = E.un_agreement(store, a, b, y, min_votes=m, only=only)
        ev.extra["votes_ab"] = _reshape(n_ab, grid)
        regional = cfg["independence"]["vote_difference"]["reference"] == "region"
        if regional:  # the weaker's region as the reference
            peers = None
            if only is not None:  # a few pairs: agreement among their states and their regions' members
                codes = E.region_codes(store)
                mine_ = np.concatenate([grid.a, grid.b])
                peers = frozenset(np.concatenate([mine_, codes[np.isin(E.region_of(codes), E.region_of(mine_))]]).tolist())
            for side_name, w_, s_ in (("a", a, b), ("b", b, a)):
                med, cnt = E.regional_agreement(store, w_, s_, y, ev.extra["agree_ab"], min_votes=m, only=peers)
                ev.extra[f"region_agree_{side_name}"] = _reshape(med, grid)
                # where roll calls are too few (2020-2024): UN ideal points, labelled as such
                gap = np.flatnonzero(np.isnan(ev.extra["agree_ab"]) & (y >= grid.eval_start))
                if len(gap) and all(_has(store, k_) for k_ in E.IDEAL_FP):
                    far, imed, icnt = (np.full(len(w_), np.nan), np.full(len(w_), np.nan), np.zeros(len(w_)))
                    far[gap], imed[gap], icnt[gap] = E.regional_ideal_distance(store, w_[gap], s_[gap], y[gap])
                    ev.extra[f"ideal_far_{side_name}"], ev.extra[f"ideal_region_{side_name}"] = (
                        _reshape(far, grid), _reshape(imed, grid))
                    ev.extra[f"ideal_peers_{side_name}"] = _reshape(icnt, grid)
                    ev.sources["ideal_points_fp"] = E.sources_of(store, *E.IDEAL_FP)
                ev.extra[f"region_peers_{side_name}"] = _reshape(cnt, grid)
        ev.extra["agree_ab"] = _reshape(ev.extra["agree_ab"], grid)
        for side_name, w_, s_ in (("a", a, b), ("b", b, a)) if not regional else ():
            vals = []
            for mc in majors:
                ag = E.un_agreement(store, w_, mc, y, min_votes=m, only=only)[0]
                ag[(w_ == mc) | (s_ == mc)] = np.nan
                vals.append(1 - ag)
            stack = np.vstack(vals)
            counts = (~np.isnan(stack)).sum(axis=0)
            mean = np.where(counts > 0, np.nansum(stack, axis=0) / np.maximum(counts, 1), np.nan)
            ev.extra[f"dis_majors_{side_name}"] = _reshape(mean, grid)
        ev.sources["votes"] = E.un_sources(store)
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


def _majors(store, labels: list[str], yy: np.ndarray) -> list[np.ndarray]:
    """The major powers' COW codes per year. An entry may name stand-ins, "DEU/GFR": each
    year takes the first of them that is a system member then (Germany, 255, in 1816-1945
    and from 1990; West Germany, 260, in 1955-1990), so no major drops out of the
    comparison in the years its usual code is not a member."""
    years = np.unique(yy)
    out = []
    for lab in labels:
        alts = [resolve(x.strip()).ccode for x in str(lab).split("/") if x.strip()]
        code = np.full(len(years), alts[0], dtype=np.int64)
        todo = ~E.member(store, code, years)
        for alt in alts[1:]:
            hit = todo & E.member(store, np.full(len(years), alt), years)
            code[hit] = alt
            todo &= ~hit
        out.append(code[np.searchsorted(years, yy)])
    return out


def _manoeuvre(store, ev: Evidence, votes: bool) -> None:
    """Each side's manoeuvre toward the other: its independent alliances (Lake: ATOP allies
    that are not the other side's allies), and its ties with the other side's rivals: an
    alliance, arms received from the rival in the last ``arms_window`` years, or UN
    agreement with the rival above its agreement with the other side."""
    grid = ev.grid
    a, b, y = grid.flat()
    evaluated = y >= ev.grid.eval_start
    types = tuple(f"alliance_{k}" for k in ev.cfg["independence"]["manoeuvre"]["alliance_types"])
    if any(_has(store, s_) for s_ in types):
        ix = np.flatnonzero(evaluated)
        for side_name, w_, s_ in (("a", a, b), ("b", b, a)):
            indep, allies = np.full(len(w_), np.nan), np.full(len(w_), np.nan)
            indep[ix], allies[ix] = E.independent_allies(store, w_[ix], s_[ix], y[ix], types=types)
            ev.extra[f"indep_allies_{side_name}"] = _reshape(indep, grid)
            ev.extra[f"allies_{side_name}"] = _reshape(allies, grid)
        ev.sources["manoeuvre"] = E.sources_of(store, *types)
    cover = E.rivalry_coverage(store)
    if cover is None:
        return
    w = int(ev.cfg["independence"]["manoeuvre"]["arms_window"])
    m = int(ev.cfg["un_votes"]["min_roll_calls"])
    riv = E.rivals(store)
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
            by_votes = votes and bool(ev.cfg["independence"]["manoeuvre"]["rival_votes_tie"])
            ties = _rival_ties(store, w_[ri], rc, s_[ri], y[ri], arms_window=w, min_votes=m, votes=by_votes,
                               index=ri, n=len(w_), only=ev.vote_codes, types=types)
            ties = np.where(np.nan_to_num(n_rivals) > 0, ties, np.nan)
        ev.extra[f"rival_ties_{side_name}"] = _reshape(ties, grid)
    ev.sources["manoeuvre"] = E.sources_of(store, *E.RIVALRIES, *E.ALLIANCES, ARMS)


def _rival_ties(store, weak: np.ndarray, rival: np.ndarray, strong: np.ndarray, yy: np.ndarray, *,
                arms_window: int, min_votes: int, votes: bool, index: np.ndarray, n: int, only=None,
                types: tuple[str, ...] = E.ALLIANCES) -> np.ndarray:
    """Per row ``index`` (weaker, rival of the stronger, year): 1 if the weaker has a tie with
    any of its rows' rivals, 0 if the data show none, NaN if no tie could be measured.
    Ties: an ATOP alliance of ``types``; arms the weaker *received from* the rival (SIPRI, the
    last ``arms_window`` years: a supplier-recipient link the weaker's own security rests on);
    with ``votes``, UN agreement with the rival above its agreement with the stronger."""
    tie = np.zeros(len(weak), dtype=bool)
    known = np.zeros(len(weak), dtype=bool)
    al = E.alliance_tie(store, weak, rival, yy, types=types)
    known |= ~np.isnan(al)
    tie |= np.nan_to_num(al) > 0
    if _has(store, ARMS):
        got = E.arms_received(store, weak, rival, yy, width=arms_window)
        known |= ~np.isnan(got)
        tie |= np.nan_to_num(got) > 0
    if votes:
        ag_r = E.un_agreement(store, weak, rival, yy, min_votes=min_votes, only=only)[0]
        ag_s = E.un_agreement(store, weak, strong, yy, min_votes=min_votes, only=only)[0]
        ok = ~np.isnan(ag_r) & ~np.isnan(ag_s)
        known |= ok
        tie |= ok & (ag_r > ag_s)
    got_ = np.zeros(n)
    np.maximum.at(got_, index, tie.astype(float))
    kn = np.zeros(n)
    np.maximum.at(kn, index, known.astype(float))
    return np.where(kn > 0, got_, np.nan)


def _ideal_fallback(ev: Evidence, i: int, j: int, wk: str, vd: dict):
    """The foreign-policy standard on UN ideal points where roll calls are too few: (ratio of
    the weaker's far-end distance to its region's median distance, far-end distance, median,
    peers, fails) or None when ideal points cannot tell."""
    far_, med_, n_ = (ev.extra.get(f"ideal_{k}_{wk}") for k in ("far", "region", "peers"))
    if far_ is None:
        return None
    far, med, n_i = _f(far_[i, j]), _f(med_[i, j]), int(n_[i, j])
    if far is None or med is None or med <= 0 or n_i < vd["min_peers"]:
        return None
    return far / med, far, med, n_i, far / med < vd["ideal_ratio"]


def _conduits(c: dict) -> frozenset[str]:
    return _conduit_labels(tuple(c.get("conduits", [])))


@functools.lru_cache(maxsize=8)
def _conduit_labels(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(resolve(x).label for x in names)


def _arms_intensity(ev: Evidence, i: int, j: int, wk: str, st_: str, ratio: float) -> float | None:
    """The stronger's arms-import intensity relative to the weaker's: (stronger's imports /
    weaker's imports) / (stronger / weaker on the primary dimension); None without data."""
    tw, ts = ev.extra.get(f"arms_total_{wk}"), ev.extra.get(f"arms_total_{st_}")
    if tw is None or ts is None:
        return None
    vw, vs = _f(tw[i, j]), _f(ts[i, j])
    r = _f(ratio)
    if vw is None or vs is None or r is None or vw <= 0 or r <= 0:
        return None
    return (vs / vw) / r


def manoeuvre_fails(n_independent: float | None, n_allies: float | None, rival_tie: float | None, *,
                    n_rivals: float | None, min_independent: int = 1) -> bool | None:
    """The manoeuvre standard (True = the weaker fails it: no room of its own).

    It manoeuvres when it has at least ``min_independent`` independent allies (Lake) or a tie
    with a rival of the stronger; it fails when the data show neither. No data when neither
    could be measured, or when it has no ally at all and the stronger no rival (nothing to
    read: a state without alliances facing a stronger without rivals shows no submission)."""
    if (n_independent is not None and n_independent >= min_independent) or rival_tie == 1:
        return False
    if n_independent is None and rival_tie is None:
        return None
    if rival_tie is None and (n_allies or 0) == 0 and not n_rivals:
        return None
    return True


def _n_votes(ev: Evidence, i: int, j: int) -> int:
    v = ev.extra.get("votes_ab")
    return 0 if v is None or np.isnan(v[i, j]) else int(v[i, j])


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
            note = ""
            if channel == "arms" and vs is not None and vs > 0:
                intensity = _arms_intensity(ev, i, j, wk, st_, ratio)
                if intensity is not None and intensity < c["reverse_min_intensity"]:
                    note = (f"; the reverse is not counted: {stronger}'s arms imports are not material "
                            f"(import intensity {intensity:.3g} of {weaker}'s, below {c['reverse_min_intensity']})")
                    vs_cmp = 0.0
                else:
                    vs_cmp = vs
            else:
                vs_cmp = vs
            conduit = channel == "investment" and bool({weaker, stronger} & _conduits(c))
            if vw is None:
                met = None
            elif vw < c["min_share"]:
                met = False
            elif vs_cmp is None:
                met = None if c["min_multiple"] > 0 else True
            else:
                met = vw >= c["min_multiple"] * vs_cmp
            if conduit and met:
                met = False
                note = (f"; flagged: {' and '.join(sorted({weaker, stronger} & _conduits(c)))} is a conduit economy "
                        "(pass-through capital in special-purpose entities: Damgaard, Elkjaer and Johannesen, IMF "
                        "WP/19/274): the position does not alone make a dependence")
            dep_flags.append(met)
            yrs = list(range(year - 4, year + 1)) if channel == "arms" else [year]
            detail = f"{weaker}: {label}; reverse ({stronger}): {f'{vs:.6f}' if vs is not None else 'no data'}" + note
            srcs = ev.sources.get(channel, [])
            if channel == "trade" and "trade_label" in ev.extra:
                lab, facts = ev.extra["trade_label"][i, j], ev.extra["trade_facts"][i, j]
                srcs = ev.sources.get(f"trade:{lab}", srcs) if f"trade:{lab}" in ev.sources else srcs
                if facts:  # curated figures are labelled and cited by fact id; totals keep their source
                    detail += f"; curated figures (official statistics as published: {facts})"
                    tot_src = ev.extra["trade_totals_src"][i, j]
                    srcs = [f"curated:{f_.strip()}" for f_ in str(facts).split(",")]
                    srcs += [s_ for s_ in str(tot_src or "").split("+") if s_ and s_ != "curated"]
                    if tot_src and tot_src != "curated":
                        detail += "; total: WDI/WTO merchandise trade"
                elif lab:
                    detail += f"; source: {E.TRADE_TEXT.get(lab, lab)}"
            crit.append(Criterion(name=f"dependence: {channel}", stage="emerging", value=vw,
                                  threshold=f">= {c['min_share']} and >= {c['min_multiple']} x reverse",
                                  met=met, sources=srcs, years=yrs, detail=detail, reverse=vs))
        # independence standards of the weaker toward the stronger (True = fails the standard)
        fails: list[bool | None] = []
        vd = ind["vote_difference"]
        agree = ev.extra.get("agree_ab")
        if vd["reference"] == "region":
            own = None if agree is None else _f(agree[i, j])
            rm, rn = ev.extra.get(f"region_agree_{wk}"), ev.extra.get(f"region_peers_{wk}")
            med = None if rm is None else _f(rm[i, j])
            n_p = 0 if rn is None else int(rn[i, j])
            excess = None if own is None or med is None or n_p < vd["min_peers"] else own - med
            fail = None if excess is None else excess >= vd["margin"]
            region = E.REGIONS[int(E.region_of([ev.grid.a[i] if wk == "a" else ev.grid.b[i]])[0])][0]
            ideal = _ideal_fallback(ev, i, j, wk, vd) if own is None else None
            if ideal is not None:
                ratio_, far, imed, n_i, fail = ideal
                fails.append(fail)
                crit.append(Criterion(
                    name="independence: foreign-policy difference", stage="actual", value=ratio_,
                    threshold=f"< {vd['ideal_ratio']} x its region's median ideal-point distance to the stronger",
                    met=fail, sources=ev.sources.get("ideal_points_fp", []), years=[year],
                    detail=(f"measure: UN ideal points (foreign-policy roll calls), as the {_n_votes(ev, i, j)} roll "
                            f"calls both voted on are fewer than {cfg['un_votes']['min_roll_calls']}: {weaker}'s distance to {stronger} at the "
                            f"far end of its 90% interval {_fmt6(far)} against the median distance of the other "
                            f"{region} members, {_fmt6(imed)} ({n_i} peers); met = fails the standard")))
            else:
                fails.append(fail)
                crit.append(Criterion(
                    name="independence: foreign-policy difference", stage="actual", value=excess,
                    threshold=f">= {vd['margin']} above its region's median agreement with the stronger",
                    met=fail, sources=ev.sources.get("votes", []), years=[year],
                    detail=(f"UN agreement of {weaker} with {stronger} {_fmt6(own)} against the median of the other "
                            f"{region} members, {_fmt6(med)} ({n_p} with at least {cfg['un_votes']['min_roll_calls']} "
                            f"common roll calls; fewer than {vd['min_peers']}: no data); {_n_votes(ev, i, j)} roll calls "
                            "both voted on; met = fails the standard")))
        else:
            dis_m = ev.extra.get(f"dis_majors_{wk}")
            dis_s = None if agree is None else _f(1 - agree[i, j])
            dm = None if dis_m is None else _f(dis_m[i, j])
            fail = None if dis_s is None or dm is None or dm == 0 else dis_s < vd["max_ratio"] * dm
            fails.append(fail)
            crit.append(Criterion(name="independence: foreign-policy difference", stage="actual", value=dis_s,
                                  threshold=f"< {vd['max_ratio']} x disagreement with other major powers ({dm if dm is not None else 'no data'})",
                                  met=fail, sources=ev.sources.get("votes", []), years=[year],
                                  detail=f"share of UN votes on which {weaker} differs from {stronger} "
                                         f"({_n_votes(ev, i, j)} roll calls both voted on; fewer than "
                                         f"{cfg['un_votes']['min_roll_calls']}: no data); met = fails the standard"))
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
        mv = ind["manoeuvre"]
        nr = ev.extra.get(f"rivals_of_other_{wk}")
        rt = ev.extra.get(f"rival_ties_{wk}")
        ia, al = ev.extra.get(f"indep_allies_{wk}"), ev.extra.get(f"allies_{wk}")
        n_r = None if nr is None else _f(nr[i, j])
        tie = None if rt is None else _f(rt[i, j])
        n_ind = None if ia is None else _f(ia[i, j])
        n_al = None if al is None else _f(al[i, j])
        fail = manoeuvre_fails(n_ind, n_al, tie, n_rivals=n_r, min_independent=int(mv["min_independent_allies"]))
        fails.append(fail)
        parts = [f"{int(n_ind)} independent ally(ies) of {int(n_al)} (ATOP allies not allied with {stronger}; Lake)"
                 if n_ind is not None and n_al is not None else "no alliance data"]
        parts.append(f"{stronger} has {int(n_r)} rival(s); tie with a rival (alliance, arms received"
                     f"{', closer UN votes' if mv['rival_votes_tie'] else ''}): "
                     f"{'yes' if tie == 1 else 'no' if tie == 0 else 'no data'}" if n_r is not None else "no rivalry data")
        crit.append(Criterion(name="independence: manoeuvre for distinct influence", stage="actual",
                              value=None if n_ind is None and tie is None else float((n_ind or 0) >= mv["min_independent_allies"] or tie == 1),
                              threshold=f"no independent ally (>= {mv['min_independent_allies']}) and no tie with a rival of the stronger",
                              met=fail, sources=ev.sources.get("manoeuvre", []), years=[year],
                              detail="; ".join(parts) + "; met = fails"))
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
    lower = at_least(stage, reach)
    reason = None
    if stage is None:
        reason = (f"no data on the primary dimension ({cap['primary_dimension']})" if np.isnan(ratio) else
                  f"the {k}-year stability of the disparity cannot be tested: earlier years lack data on "
                  f"{cap['primary_dimension']}")
    elif lower:
        reason = ("dependence cannot be tested: no data on the trade channel and no other channel met"
                  if stage == "potential" else
                  f"the independence standards cannot be tested: fewer than {ind['min_evaluated']} have data")
    summary = _summary(year, stage, reach, stronger, weaker, korolev, reason)
    return YearAssessment(year=year, stronger=stronger, weaker=weaker, stage=stage, evidence_reach=reach,
                          criteria=crit, korolev=korolev, summary=summary, at_least=lower, reason=reason)


def _disparity_year(ev: Evidence, i: int, j: int, labels: tuple[str, str]) -> YearAssessment:
    """A year judged on the disparity alone (evaluate_row's first rung, without the rest):
    enough for steady_stages where the year assessed reaches no further than "potential"."""
    stable = ev.dims[ev.cfg["capability"]["primary_dimension"]]["stable"][i, j]
    stage = None if np.isnan(stable) else ("potential" if stable == 1 else "none")
    return YearAssessment(year=int(ev.grid.years[j]), stronger=None, weaker=None, stage=stage,
                          evidence_reach="none" if stage is None else "potential", criteria=[])


def _summary(year, stage, reach, stronger, weaker, korolev, reason=None) -> str:
    if stage is None:
        return f"{year}: unassessed: {reason}"
    if stage == "none":
        return f"{year}: no stable disparity ({korolev})"
    text = {"potential": f"{year}: potential asymmetry: {stronger} stronger ({korolev})",
            "emerging": f"{year}: emerging asymmetry: {weaker} depends asymmetrically on {stronger}",
            "actual": f"{year}: actual asymmetry: {weaker} fails the independence standards toward {stronger}"}[stage]
    if at_least(stage, reach):
        text = text.replace(f"{year}: {stage} asymmetry", f"{year}: at least {stage} asymmetry", 1)
        text += "; the data do not reach the next stage"
    return text


def _not_members(year: int, labels: tuple[str, str], which: list[str]) -> YearAssessment:
    reason = f"not a member of the state system in {year}: {', '.join(which)}"
    return YearAssessment(year=year, stronger=None, weaker=None, stage=None, evidence_reach="none", criteria=[],
                          korolev=None, summary=f"{year}: unassessed: {reason}", at_least=False, reason=reason)


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
        """One row per year: the verdict, then each criterion's value and met flag
        (:func:`criterion_columns`)."""
        return pd.DataFrame([{"year": y.year, "stronger": y.stronger, "stage": y.stage,
                              "evidence_reach": y.evidence_reach, "korolev": y.korolev,
                              **criterion_columns(y.criteria)} for y in self.years])

    def sources(self) -> list[str]:
        return list(self.source_keys)

    def changes(self) -> list[dict]:
        """Years where the stage (or the stronger side) changes, with the criteria behind it."""
        out, prev, last = [], None, None
        for y in self.years:
            key = (y.stage, y.stronger)
            if last is None or key != prev:
                decisive = [c.to_dict() for c in y.criteria if not c.name.startswith(("check:", "context:"))]
                out.append({"year": y.year, "from": None if last is None else last.stage,
                            "from_text": None if last is None else last.stage_text, "to": y.stage,
                            "to_text": y.stage_text, "at_least": y.at_least, "reason": y.reason,
                            # "evidence": the measured relationship changed; "coverage": a source
                            # began or ended (or a year is unassessed), so the data cannot tell
                            "kind": None if last is None else change_kind(last, y),
                            "stronger": y.stronger, "evidence_reach": y.evidence_reach, "criteria": decisive})
                prev = key
            last = y
        return out

    def summary(self) -> str:
        """Plain-language summary of the whole period."""
        if not self.years:
            return "no years assessed"
        last = self.years[-1]
        counts = pd.Series([y.stage_text for y in self.years]).value_counts()
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
        from .validate import year_span

        raise CoverageError(f"years {year_span(start, end)} are outside the data ({lo}-{hi})")
    return int(start), int(end)


def _grid_years(start: int, end: int, cfg: dict) -> np.ndarray:
    """Years to compute: the window before ``start`` feeds stability and 5-year sums."""
    back = max(int(cfg["capability"]["stability_years"]), 5, int(cfg["independence"]["manoeuvre"]["arms_window"]))
    back += _context(cfg)  # the years before ``start`` that steady_stages reads need their own windows
    return np.arange(max(1816, start - back + 1), end + 1)


def _context(cfg: dict) -> int:
    """Years before the first year assessed whose own stages feed its stable stage."""
    return int(cfg["stages"]["window"]) - 1


def _steady(rows: list[YearAssessment], cfg: dict) -> list[YearAssessment]:
    """Stable stages (assess_core.steady_stages) with each held year's summary rewritten."""
    st = cfg["stages"]
    out = steady_stages(rows, window=int(st["window"]), min_years=int(st["min_years"]))
    for y in out:
        if y.held:
            y.reason = None
            y.summary = _summary(y.year, y.stage, y.evidence_reach, y.stronger, y.weaker, y.korolev) + f" ({y.held})"
    return out


def deciding(y: YearAssessment) -> tuple[str | None, float | None, str]:
    """The criterion that set the year's stage, for auditing: (name, value, text).

    none and potential: the disparity on the primary dimension (for "potential" with the
    strongest dependence channel that fell short); emerging: the dependence channel met with
    the highest share; actual: the independence standards (value: how many fail). A held
    stage says so."""
    if y.stage is None:
        return None, None, y.reason or "unassessed"
    crit = [c for c in y.criteria if not c.name.startswith(("check:", "context:"))]
    disp = next((c for c in crit if c.name.startswith("disparity")), None)
    deps = [c for c in crit if c.name.startswith("dependence")]
    inds = [c for c in crit if c.name.startswith("independence")]
    held = f"; {y.held}" if y.held else ""
    if y.stage == "none" or (y.stage == "potential" and not any(c.met is not None for c in deps)):
        v = disp.value if disp else None
        return (disp.name if disp else None), v, f"{disp.name if disp else 'disparity'} = {_fmt6(v)} (threshold {disp.threshold if disp else '-'})" + held
    if y.stage == "potential":
        short = max((c for c in deps if c.value is not None), key=lambda c: c.value, default=None)
        if short is None:
            return disp.name, disp.value, f"{disp.name} = {_fmt6(disp.value)}; no dependence channel measured" + held
        return short.name, short.value, (f"{short.name} = {_fmt6(short.value)} (reverse {_fmt6(short.reverse)}; "
                                         f"needs {short.threshold}): not met") + held
    if y.stage == "emerging":
        met = [c for c in deps if c.met] or [c for c in deps if c.value is not None]
        best = max(met, key=lambda c: c.value or 0.0, default=None)
        if best is None:
            return None, None, "emerging" + held
        return best.name, best.value, (f"{best.name} = {_fmt6(best.value)} (reverse {_fmt6(best.reverse)}; "
                                       f"{best.threshold})") + held
    failed = [c.name.split(": ", 1)[-1] for c in inds if c.met]
    return ("independence standards", float(len(failed)),
            f"fails {len(failed)} of {sum(c.met is not None for c in inds)} independence standards: "
            + ", ".join(failed) + held)


def _fmt6(v) -> str:
    return "no data" if v is None else f"{v:.6g}"


def assess(a: Any, b: Any, *, start: int | None = None, end: int | None = None,
           config: dict | str | Path | None = None, store=None) -> Assessment:
    """Assess the relationship between ``a`` and ``b`` year by year.

    Parameters
    ----------
    a, b : country names or codes (see :func:`powergap.resolve`).
    start, end : years (default: the 31 years up to the snapshot's last year; without an
        explicit ``end``, trailing years where the primary dimension has no data for the
        pair are left out). A default range is narrowed to the years both states are COW
        system members; a range in which they never both are raises CoverageError; in an
        explicit range, years outside membership are unassessed ("not a member of the
        state system in <year>: <state>").
    config : overrides of ``data/assess_config.yaml`` (mapping or YAML file).
    """
    sa, sb = resolve(a), resolve(b)
    if sa.ccode == sb.ccode:
        raise InputError(f"cannot assess {sa.name} against itself")
    store = _store(store)
    cfg = load_config(config)
    default_start, default_end = start is None, end is None
    start, end = _years(start, end, store)
    start, end, members = _member_years(store, sa, sb, start, end, default_start, default_end)
    yrs = _grid_years(start, end, cfg)
    first = start - _context(cfg)  # earlier years feed the stable stages only
    grid = Grid(np.array([sa.ccode]), np.array([sb.ccode]), yrs, eval_start=first)
    ev = gather(grid, cfg, store=store)
    before = yrs[yrs < start]
    ma = set(before[E.member(store, np.full(len(before), sa.ccode), before)].tolist()) | members[0]
    mb = set(before[E.member(store, np.full(len(before), sb.ccode), before)].tolist()) | members[1]
    out = []
    for j, yr in enumerate(yrs):
        if yr < first:
            continue
        outside = [st.label for st, m in ((sa, ma), (sb, mb)) if int(yr) not in m]
        out.append(_not_members(int(yr), (sa.label, sb.label), outside) if outside
                   else evaluate_row(ev, 0, j, (sa.label, sb.label)))
    out = [y for y in _steady(out, cfg) if y.year >= start]
    if default_end:  # by default, end at the last year the primary dimension has data for both
        prim = ev.dims[cfg["capability"]["primary_dimension"]]["ratio"][0]
        known = [int(y) for y, r in zip(yrs, prim) if y >= start and not np.isnan(r)]
        if known:
            out = [y for y in out if y.year <= known[-1]]
            end = known[-1]
    keys = sorted({s for y in out for c in y.criteria for s in c.sources})
    return Assessment(sa, sb, start, end, cfg, out, keys)


def _member_years(store, sa: State, sb: State, start: int, end: int, default_start: bool, default_end: bool
                  ) -> tuple[int, int, tuple[set[int], set[int]]]:
    """Years of [start, end] in which each state is a COW system member. A default range is
    narrowed to the years both are members; a range in which they never both are is refused
    (CoverageError); an explicit range keeps its years and the assessment marks the years
    outside membership as unassessed ("not a member of the state system")."""
    yy = np.arange(start, end + 1)
    ma = E.member(store, np.full(len(yy), sa.ccode), yy)
    mb = E.member(store, np.full(len(yy), sb.ccode), yy)
    both = yy[ma & mb]
    if not len(both):
        def spells(st):
            sp = E.membership_years(st.ccode)
            return ", ".join(f"{f}-{t}" for f, t in sp) or "never"
        raise CoverageError(f"{sa.name} and {sb.name} are not both members of the state system in any year of "
                            f"{start}-{end} ({sa.label} member {spells(sa)}; {sb.label} member {spells(sb)})")
    if default_start:
        start = max(start, int(both[0]))
    if default_end:
        end = min(end, int(both[-1]))
    return start, end, (set(yy[ma].tolist()), set(yy[mb].tolist()))


def criterion_columns(criteria) -> dict[str, Any]:
    """Each criterion as two columns, its value and its met flag (None: no data), named from
    the criterion: "disparity: military" -> ``disparity_military_value``,
    ``disparity_military_met``. Used by ``Assessment.frame()`` and the ``--all`` file."""
    import re

    out: dict[str, Any] = {}
    for c in criteria:
        slug = re.sub(r"[^a-z0-9]+", "_", c.name.lower()).strip("_")
        out[f"{slug}_value"] = c.value
        out[f"{slug}_met"] = c.met
    return out


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
    ctx = _context(cfg)
    grid = Grid(a, b, _grid_years(year, year, cfg), eval_start=year - ctx)
    say(f"gathering evidence for {len(a):,} dyads")
    ev = gather(grid, cfg, store=store)
    say("evaluating stages")
    from .states import state as state_of

    j = len(grid.years) - 1
    rows = []
    labels = {c: state_of(c).label for c in np.unique(np.concatenate([a, b]))}
    for i in range(len(a)):
        lab = (labels[a[i]], labels[b[i]])
        ya = evaluate_row(ev, i, j, lab)
        if ctx and ya.stage is not None:
            # the stable stage reads the years before (their own evidence, same engine); when
            # this year's evidence reaches no further than the disparity, only the earlier
            # years' disparity can matter (steady_stages stops at the year's own reach)
            one = _disparity_year if ya.evidence_reach == "potential" else evaluate_row
            ya = _steady([one(ev, i, j - k, lab) for k in range(ctx, 0, -1) if j - k >= 0] + [ya], cfg)[-1]
        crit = {c.name: c for c in ya.criteria}
        prim = crit[f"disparity: {cfg['capability']['primary_dimension']}"]
        rows.append({"ccode1": int(a[i]), "ccode2": int(b[i]), "a": labels[a[i]], "b": labels[b[i]], "year": year,
                     "stronger": ya.stronger, "stage": ya.stage, "at_least": ya.at_least,
                     "stage_text": ya.stage_text, "reason": ya.reason, "evidence_reach": ya.evidence_reach,
                     "military_ratio": prim.value,
                     "trade_dependence": crit["dependence: trade"].value if "dependence: trade" in crit else None,
                     "korolev": ya.korolev, "held": ya.held,
                     # the criterion that set the stage and its value, to audit a verdict
                     **dict(zip(("deciding_criterion", "deciding_value", "deciding"), deciding(ya))),
                     **criterion_columns(ya.criteria)})
    df = pd.DataFrame(rows)
    df.attrs["config"] = cfg
    return df
