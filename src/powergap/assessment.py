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

from .assess_core import (STAGES, Criterion, YearAssessment, any_channel_arr, at_least, at_least_arr, change_kind,
                          held_year, ladder_arr, load_config, steady_arr, submission_arr, to_json)
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

    def capability() -> tuple[dict, dict]:
        # the one capability engine (measures.capability.capability_panel) with its series rule
        dims_, sources = {}, {}
        panel = capability_panel(grid.a, grid.b, grid.years, registry=registry, dimensions=dims, window=k,
                                 threshold=cap["threshold"], store=getattr(store, "_store", store))
        for name in dims:
            p = panel.dimensions[name]
            dims_[name] = {"va": p.a, "vb": p.b, "ratio": p.ratio, "side": p.side, "flag": p.womack,
                           "stable": p.stable, "entry": np.where(p.series == None, "", p.series).astype(object)}  # noqa: E711
            sources[f"capability:{name}"] = sorted({s for v in p.sources.values() for s in v})
        return dims_, sources

    votes = "un_votes" in store.catalog.get("tables", {}) and "un_roll_calls" in store.catalog.get("tables", {})
    # many dyads: capability and the manoeuvre standard in a second thread while the rest is
    # gathered here (Parquet decoding and most numpy work release the GIL; the store's caches are
    # shared, as in the report); the results are merged in the order of the one-thread path
    background = None
    if len(grid.a) > 10:
        from concurrent.futures import ThreadPoolExecutor

        def capability_and_manoeuvre() -> tuple[dict, dict, Evidence]:
            dims_, sources = capability()
            man = Evidence(grid, cfg)  # vote_codes None: agreement among all voters, as for many dyads
            _manoeuvre(store, man, votes)
            return dims_, sources, man

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="powergap-gather")
        background = pool.submit(capability_and_manoeuvre)
        pool.shutdown(wait=False)
    else:
        ev.dims, ev.sources = capability()
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
    if cfg["dependence"]["monetary"]["use"]:  # curated monetary anchors (no snapshot series)
        m_ab, id_ab = E.monetary_anchor(a, b, y)
        m_ba, id_ba = E.monetary_anchor(b, a, y)
        ev.extra["monetary_a_on_b"], ev.extra["monetary_b_on_a"] = _reshape(m_ab, grid), _reshape(m_ba, grid)
        ev.extra["monetary_id_a_on_b"] = np.asarray(id_ab, dtype=object).reshape(grid.shape)
        ev.extra["monetary_id_b_on_a"] = np.asarray(id_ba, dtype=object).reshape(grid.shape)
        ev.sources["monetary"] = [f"curated:{E.MONETARY_FILE}"]

    # --- independence of each side toward the other
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
    if background is None:
        _manoeuvre(store, ev, votes)
    before_manoeuvre = list(ev.sources)
    ideal = "ideal_point"
    if _has(store, ideal):
        ev.extra["theta_a"] = _reshape(_state(store, ideal, a, y), grid)
        ev.extra["theta_b"] = _reshape(_state(store, ideal, b, y), grid)
        ev.extra["theta_a_5"] = _reshape(_state(store, ideal, a, y - 5), grid)  # the context criterion's start
        ev.extra["theta_b_5"] = _reshape(_state(store, ideal, b, y - 5), grid)
        ev.sources["ideal_points"] = _sources(store, ideal)
    if background is not None:  # in the order of the one-thread path
        dims_, sources, man = background.result()
        before = {key: ev.sources[key] for key in before_manoeuvre}
        ev.dims, ev.extra = dims_, {**ev.extra, **man.extra}
        ev.sources = {**sources, **before, **man.sources, **ev.sources}
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


# ============================================================================ the decision (vectorised)

CHANNELS = (("trade", "trade", "trade with the stronger / own total trade"),
            ("arms", "arms", "stronger's share of own arms imports, 5 years"),
            ("investment", "fdi", "stronger's direct investment position / own GDP"),
            # curated table (data/monetary_anchors.yaml); 1 = listed arrangement, else missing
            ("monetary", "monetary", "money anchored on the stronger's currency (1 = listed arrangement)"))
FOREIGN_POLICY = "independence: foreign-policy difference"
CRITICISM = "independence: freedom to criticise"
MANOEUVRE = "independence: manoeuvre for distinct influence"
CONVERGENCE = "context: ideal-point convergence"


@dataclass
class Decision:
    """Every criterion's value and met flag and the stage, for each dyad-year of an
    :class:`Evidence`, as arrays of its grid's shape (or of a specification space's, see
    :mod:`powergap.spec_curve`). Flags are tri-state floats: 1.0 met, 0.0 not met, NaN no
    data; for the independence standards "met" means the weaker *fails* the standard.
    Stages and reaches are codes into ``STAGES`` (-1: unassessed). Where no side is stronger
    (``sw`` 0) the dependence and independence criteria do not apply (NaN)."""

    sw: np.ndarray  # +1: a stronger, -1: b stronger, 0: neither (equal, or no data)
    names: list[str]  # the criteria, in the order a year lists them
    value: dict[str, np.ndarray]
    met: dict[str, np.ndarray]
    reverse: dict[str, np.ndarray]  # dependence: the same measure the other way
    aux: dict[str, np.ndarray]  # what the texts need: confirmed/with_data checks, arms_dropped, intensity, conduit, fp_ideal
    dependence: np.ndarray
    submission: np.ndarray
    n_failed: np.ndarray
    stage: np.ndarray
    reach: np.ndarray
    at_least: np.ndarray


def _fin(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return np.where(np.isfinite(x), x, np.nan)


def _tri(cond: np.ndarray, unknown: np.ndarray) -> np.ndarray:
    return np.where(unknown, np.nan, np.asarray(cond, dtype=float))


def decide(ev: Evidence, cfg: dict | None = None) -> Decision:
    """The criteria, their met flags and the stage for every dyad-year of ``ev`` at once:
    the one decision path behind :func:`assess`, :func:`assess_all`, :func:`asymmetry_panel`
    and the multiverse (whose thresholds may be arrays broadcasting against the evidence,
    one row per specification). ``cfg`` defaults to the evidence's own configuration."""
    cfg = ev.cfg if cfg is None else cfg
    cap, dep, ind = cfg["capability"], cfg["dependence"], cfg["independence"]
    shape = ev.grid.shape
    nan = np.full(shape, np.nan)
    cache: dict[str, np.ndarray] = {}

    def x(key: str) -> np.ndarray:
        if key not in cache:
            v = ev.extra.get(key)
            v = None if v is None else np.asarray(v, dtype=float)
            # grid-shaped (or flat) evidence; the multiverse may pass one row per specification
            cache[key] = nan if v is None else _fin(v.reshape(shape) if v.ndim < 2 or v.shape[0] == shape[0] else v)
        return cache[key]

    prim = ev.dims[cap["primary_dimension"]]
    side = np.asarray(prim["side"], dtype=float)
    sw = np.where(np.isnan(side) | (side == 0), 0, np.sign(side)).astype(np.int8)
    wa, has = sw == -1, sw != 0  # the weaker is a; a side is stronger

    def pick(key: str) -> np.ndarray:  # the weaker's {w} measure toward the stronger {s}
        return np.where(wa, x(key.format(w="a", s="b")), x(key.format(w="b", s="a")))

    names: list[str] = []
    value: dict[str, np.ndarray] = {}
    met: dict[str, np.ndarray] = {}
    reverse: dict[str, np.ndarray] = {}
    aux: dict[str, np.ndarray] = {}

    def put(name: str, v, m) -> None:
        names.append(name)
        value[name], met[name] = v, m

    ratio = _fin(prim["ratio"])
    stable = np.asarray(prim["stable"], dtype=float)
    cap_met = _tri(stable == 1, np.isnan(stable))
    put(f"disparity: {cap['primary_dimension']}", ratio, cap_met)
    confirmed = with_data = 0
    for d in cap["robustness_checks"]:
        dd = ev.dims[d]
        f = np.asarray(dd["flag"], dtype=float)
        m = _tri((f == 1) & has & (np.asarray(dd["side"]) == side), np.isnan(f))
        put(f"check: {d}", _fin(dd["ratio"]), m)
        confirmed = confirmed + (m == 1)
        with_data = with_data + ~np.isnan(f)
    aux["confirmed"], aux["with_data"] = np.asarray(confirmed), np.asarray(with_data)

    # dependence of the weaker on the stronger, channel by channel
    flags = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for channel, key, _ in CHANNELS:
            c = dep[channel]
            vw, vs = pick(f"{key}_{{w}}_on_{{s}}"), pick(f"{key}_{{s}}_on_{{w}}")
            vs_cmp = vs
            if channel == "arms":  # the reverse counts only when the stronger's arms imports are material
                tw, ts = pick("arms_total_{w}"), pick("arms_total_{s}")
                intensity = np.where((tw > 0) & (ratio > 0), (ts / tw) / ratio, np.nan)
                dropped = (vs > 0) & (intensity < c["reverse_min_intensity"])
                vs_cmp = np.where(dropped, 0.0, vs)
                aux["arms_dropped"], aux["intensity"] = dropped, intensity
            mm = c["min_multiple"]
            m = np.where(np.isnan(vw), np.nan, np.where(vw < c["min_share"], 0.0, np.where(
                np.isnan(vs_cmp), np.where(np.asarray(mm) > 0, np.nan, 1.0), (vw >= mm * vs_cmp).astype(float))))
            if channel == "investment":  # conduit economies: the position alone makes no dependence
                codes = _conduit_codes(tuple(c.get("conduits", [])))
                pair = (np.isin(ev.grid.a, codes) | np.isin(ev.grid.b, codes))[:, None]
                conduit = pair & has & (m == 1)
                m = np.where(conduit, 0.0, m)
                aux["conduit"] = conduit
            flags.append(np.where(has, m, np.nan))
            name = f"dependence: {channel}"
            put(name, np.where(has, vw, np.nan), flags[-1])
            reverse[name] = np.where(has, vs, np.nan)
        dependence = np.where(has, any_channel_arr(flags), np.nan)

        # independence standards of the weaker toward the stronger (met = fails the standard)
        vd = ind["vote_difference"]
        agree = x("agree_ab")
        if vd["reference"] == "region":
            med, n_p = pick("region_agree_{w}"), np.nan_to_num(pick("region_peers_{w}"))
            excess = np.where(np.isnan(med) | (n_p < vd["min_peers"]), np.nan, agree - med)
            fail = _tri(excess >= vd["margin"], np.isnan(excess))
            # where roll calls are too few: UN ideal points (labelled as such)
            iratio, ifail = ideal_fallback_arr(pick("ideal_far_{w}"), pick("ideal_region_{w}"),
                                               pick("ideal_peers_{w}"), vd)
            ideal = np.isnan(agree) & ~np.isnan(iratio)
            fp_value = np.where(ideal, iratio, excess)
            fp_fail = np.where(ideal, ifail, fail)
            aux["fp_ideal"] = ideal & has
        else:
            dis_s, dm = 1 - agree, pick("dis_majors_{w}")
            fp_value = dis_s
            fp_fail = _tri(dis_s < vd["max_ratio"] * dm, np.isnan(dis_s) | np.isnan(dm) | (dm == 0))
        cr = ind["criticism"]
        v_cs, v_cb, n_ev = pick("conflict_share_{w}"), pick("conflict_base_{w}"), pick("events_{w}")
        cr_fail = _tri(v_cs < cr["max_ratio"] * v_cb, np.isnan(v_cs) | np.isnan(v_cb) | np.isnan(n_ev)
                       | (n_ev < cr["min_events"]))
        mv = ind["manoeuvre"]
        n_ind, n_al, tie, n_r = (pick(f"{k}_{{w}}") for k in ("indep_allies", "allies", "rival_ties", "rivals_of_other"))
        mv_fail = manoeuvre_fails_arr(n_ind, n_al, tie, n_rivals=n_r, min_independent=mv["min_independent_allies"])
        mv_value = np.where(np.isnan(n_ind) & np.isnan(tie), np.nan,
                            ((np.nan_to_num(n_ind) >= mv["min_independent_allies"]) | (tie == 1)).astype(float))
        fails = []
        for name, v, f in ((FOREIGN_POLICY, fp_value, fp_fail), (CRITICISM, v_cs, cr_fail), (MANOEUVRE, mv_value, mv_fail)):
            fails.append(np.where(has, f, np.nan))
            put(name, np.where(has, v, np.nan), fails[-1])
        if "theta_a" in ev.extra:  # context: who moved toward whom in UN ideal points over 5 years
            ta, tb, ta0, tb0 = _thetas(ev)
            w1, s1 = np.where(wa, ta, tb), np.where(wa, tb, ta)
            w0, s0 = np.where(wa, ta0, tb0), np.where(wa, tb0, ta0)
            conv = np.where(has, np.abs(s1 - w1) - np.abs(s0 - w0), np.nan)  # NaN where any is missing
        else:
            conv = np.where(has, np.nan, np.nan)
        put(CONVERGENCE, conv, np.full(conv.shape, np.nan))
    sub, n_failed = submission_arr(fails, min_failed=ind["min_failed"], min_evaluated=ind["min_evaluated"])
    sub = np.where(has, sub, np.nan)
    stage, reach = ladder_arr(cap_met, dependence, sub)
    return Decision(sw=sw, names=names, value=value, met=met, reverse=reverse, aux=aux, dependence=dependence,
                    submission=sub, n_failed=n_failed, stage=stage, reach=reach, at_least=at_least_arr(stage, reach))


def ideal_fallback_arr(far, med, peers, vd: dict) -> tuple[np.ndarray, np.ndarray]:
    """The foreign-policy standard on UN ideal points, used where roll calls are too few:
    (ratio of the weaker's far-end distance to its region's median distance, fails), NaN
    where ideal points cannot tell (no distance, a median <= 0, fewer than ``min_peers``)."""
    far, med = _fin(far), _fin(med)
    peers = np.nan_to_num(np.asarray(peers, dtype=float))
    ok = ~np.isnan(far) & (med > 0) & (peers >= vd["min_peers"])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ok, far / med, np.nan)
    return ratio, _tri(ratio < vd["ideal_ratio"], ~ok)


def _ideal_fallback(ev: Evidence, i: int, j: int, wk: str, vd: dict):
    """:func:`ideal_fallback_arr` for one dyad-year: (ratio, far-end distance, median, peers,
    fails) or None when ideal points cannot tell."""
    far_, med_, n_ = (ev.extra.get(f"ideal_{k}_{wk}") for k in ("far", "region", "peers"))
    if far_ is None:
        return None
    ratio, fail = ideal_fallback_arr(far_[i, j], med_[i, j], n_[i, j], vd)
    if np.isnan(ratio):
        return None
    return float(ratio), _f(far_[i, j]), _f(med_[i, j]), int(n_[i, j]), bool(fail)


def _thetas(ev: Evidence) -> tuple[np.ndarray, ...]:
    """Each side's UN ideal point in the year and five years before, as grid arrays: the
    earlier values read by gather (``theta_*_5``) or, without them, five columns back."""
    shape = ev.grid.shape
    ta, tb = (np.asarray(ev.extra[k], dtype=float).reshape(shape) for k in ("theta_a", "theta_b"))
    if "theta_a_5" in ev.extra:
        ta0, tb0 = (np.asarray(ev.extra[k], dtype=float).reshape(shape) for k in ("theta_a_5", "theta_b_5"))
    else:
        ta0, tb0 = np.full(shape, np.nan), np.full(shape, np.nan)
        ta0[:, 5:], tb0[:, 5:] = ta[:, :-5], tb[:, :-5]
    return ta, tb, ta0, tb0


@functools.lru_cache(maxsize=8)
def _conduit_codes(names: tuple[str, ...]) -> np.ndarray:
    return np.array(sorted({resolve(x).ccode for x in names}), dtype=np.int64)


def _conduits(c: dict) -> frozenset[str]:
    return _conduit_labels(tuple(c.get("conduits", [])))


@functools.lru_cache(maxsize=8)
def _conduit_labels(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(resolve(x).label for x in names)


def manoeuvre_fails_arr(n_independent, n_allies, rival_tie, *, n_rivals, min_independent=1) -> np.ndarray:
    """The manoeuvre standard on arrays (NaN: not measured); see :func:`manoeuvre_fails`."""
    n_ind, n_al, tie, n_r = (np.asarray(v, dtype=float) for v in (n_independent, n_allies, rival_tie, n_rivals))
    passes = (np.nan_to_num(n_ind, nan=-1.0) >= min_independent) | (tie == 1)
    unread = (np.isnan(n_ind) & np.isnan(tie)) | (np.isnan(tie) & (np.nan_to_num(n_al) == 0) & (np.nan_to_num(n_r) == 0))
    return np.where(passes, 0.0, np.where(unread, np.nan, 1.0))


def manoeuvre_fails(n_independent: float | None, n_allies: float | None, rival_tie: float | None, *,
                    n_rivals: float | None, min_independent: int = 1) -> bool | None:
    """The manoeuvre standard (True = the weaker fails it: no room of its own).

    It manoeuvres when it has at least ``min_independent`` independent allies (Lake) or a tie
    with a rival of the stronger; it fails when the data show neither. No data when neither
    could be measured, or when it has no ally at all and the stronger no rival (nothing to
    read: a state without alliances facing a stronger without rivals shows no submission).
    (:func:`manoeuvre_fails_arr` for one dyad-year.)"""
    nan = float("nan")
    v = manoeuvre_fails_arr(*(nan if x is None else x for x in (n_independent, n_allies, rival_tie)),
                            n_rivals=nan if n_rivals is None else n_rivals, min_independent=min_independent)
    return None if np.isnan(v) else bool(v)


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


def _at(ev: Evidence, key: str, i: int, j: int) -> float | None:
    v = ev.extra.get(key)
    return None if v is None else _f(v[i, j])


def _met(x) -> bool | None:
    return None if x != x else bool(x)


def evaluate_row(ev: Evidence, i: int, j: int, labels: tuple[str, str], dec: Decision | None = None) -> YearAssessment:
    """Criteria and stage for dyad i in year column j: the values, flags and stage of
    :func:`decide` (``dec``, computed here when not given), with the texts that explain them."""
    dec = decide(ev) if dec is None else dec
    cfg = ev.cfg
    cap, dep, ind = cfg["capability"], cfg["dependence"], cfg["independence"]
    year = int(ev.grid.years[j])
    prim = ev.dims[cap["primary_dimension"]]
    ratio = prim["ratio"][i, j]
    sw_ = int(dec.sw[i, j])
    stronger = weaker = None
    if sw_:
        stronger, weaker = (labels[0], labels[1]) if sw_ > 0 else (labels[1], labels[0])
    crit: list[Criterion] = []
    k = int(cap["stability_years"])

    def criterion(name: str, **kw) -> Criterion:
        c = Criterion(name=name, value=_f(dec.value[name][i, j]), met=_met(dec.met[name][i, j]), **kw)
        crit.append(c)
        return c

    pname = f"disparity: {cap['primary_dimension']}"
    cap_met = _met(dec.met[pname][i, j])
    entry = prim["entry"][i, j] or None
    criterion(pname, stage="potential", threshold=cap["threshold"],
              sources=ev.sources.get(f"capability:{cap['primary_dimension']}", []),
              years=list(range(year - k + 1, year + 1)),
              detail=(f"{stronger} stronger; ratio {ratio:.2f} on {entry}; Womack's threshold must hold {k} consecutive years"
                      if stronger and entry else "no data on the primary dimension" if np.isnan(ratio) else "equal values"))
    # Korolev's robustness checks (reported, not required)
    nodata = []
    for d in cap["robustness_checks"]:
        dd = ev.dims[d]
        s = dd["side"][i, j]
        if np.isnan(dd["flag"][i, j]):
            nodata.append(d)
        ent = dd["entry"][i, j] or None
        criterion(f"check: {d}", stage="potential (robustness)", threshold=cap["threshold"],
                  sources=ev.sources.get(f"capability:{d}", []), years=[year],
                  detail=(f"{labels[0] if s > 0 else labels[1]} stronger on {ent}" if ent and not np.isnan(s) and s != 0 else ""))
    confirmed, with_data = int(dec.aux["confirmed"][i, j]), int(dec.aux["with_data"][i, j])
    if cap_met is None:
        korolev = f"no data on {cap['primary_dimension']}"
    elif np.isnan(ratio) or ratio < cap["threshold"]:
        korolev = f"not asymmetric on {cap['primary_dimension']} (ratio {ratio:.2f})"
    else:
        korolev = (f"asymmetric: {cap['primary_dimension']} ({stronger} stronger, ratio {ratio:.2f}), "
                   f"confirmed by {confirmed} of {with_data} checks" + (f" (no data: {', '.join(nodata)})" if nodata else ""))

    if sw_:
        wk, st_ = ("a", "b") if sw_ < 0 else ("b", "a")
        # dependence of the weaker on the stronger
        for channel, key, label in CHANNELS:
            c = dep[channel]
            name = f"dependence: {channel}"
            vs = _f(dec.reverse[name][i, j])
            note = ""
            if channel == "arms" and dec.aux["arms_dropped"][i, j]:
                note = (f"; the reverse is not counted: {stronger}'s arms imports are not material "
                        f"(import intensity {dec.aux['intensity'][i, j]:.3g} of {weaker}'s, below {c['reverse_min_intensity']})")
            if channel == "investment" and dec.aux["conduit"][i, j]:
                note = (f"; flagged: {' and '.join(sorted({weaker, stronger} & _conduits(c)))} is a conduit economy "
                        "(pass-through capital in special-purpose entities: Damgaard, Elkjaer and Johannesen, IMF "
                        "WP/19/274): the position does not alone make a dependence")
            yrs = list(range(year - 4, year + 1)) if channel == "arms" else [year]
            detail = f"{weaker}: {label}; reverse ({stronger}): {f'{vs:.6f}' if vs is not None else 'no data'}" + note
            srcs = ev.sources.get(channel, [])
            if channel == "monetary" and f"monetary_id_{wk}_on_{st_}" in ev.extra:
                sid = ev.extra[f"monetary_id_{wk}_on_{st_}"][i, j]
                detail += (f"; curated: {E.monetary_text(sid)}" if sid else "; no arrangement listed in the curated table")
                srcs = [f"curated:{sid}"] if sid else []  # the table was read, no row of it used
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
            criterion(name, stage="emerging", threshold=f">= {c['min_share']} and >= {c['min_multiple']} x reverse",
                      sources=srcs, years=yrs, detail=detail, reverse=vs)
        # independence standards of the weaker toward the stronger (met = fails the standard)
        vd = ind["vote_difference"]
        own = _at(ev, "agree_ab", i, j)
        n_votes = _n_votes(ev, i, j)
        if vd["reference"] == "region":
            region = E.REGIONS[int(E.region_of([ev.grid.a[i] if wk == "a" else ev.grid.b[i]])[0])][0]
            if dec.aux["fp_ideal"][i, j]:
                far, imed = _at(ev, f"ideal_far_{wk}", i, j), _at(ev, f"ideal_region_{wk}", i, j)
                n_i = int(ev.extra[f"ideal_peers_{wk}"][i, j])
                criterion(FOREIGN_POLICY, stage="actual",
                          threshold=f"< {vd['ideal_ratio']} x its region's median ideal-point distance to the stronger",
                          sources=ev.sources.get("ideal_points_fp", []), years=[year],
                          detail=(f"measure: UN ideal points (foreign-policy roll calls), as the {n_votes} roll "
                                  f"calls both voted on are fewer than {cfg['un_votes']['min_roll_calls']}: {weaker}'s distance to {stronger} at the "
                                  f"far end of its 90% interval {_fmt6(far)} against the median distance of the other "
                                  f"{region} members, {_fmt6(imed)} ({n_i} peers); met = fails the standard"))
            else:
                med = _at(ev, f"region_agree_{wk}", i, j)
                rn = ev.extra.get(f"region_peers_{wk}")
                n_p = 0 if rn is None else int(rn[i, j])
                criterion(FOREIGN_POLICY, stage="actual",
                          threshold=f">= {vd['margin']} above its region's median agreement with the stronger",
                          sources=ev.sources.get("votes", []), years=[year],
                          detail=(f"UN agreement of {weaker} with {stronger} {_fmt6(own)} against the median of the other "
                                  f"{region} members, {_fmt6(med)} ({n_p} with at least {cfg['un_votes']['min_roll_calls']} "
                                  f"common roll calls; fewer than {vd['min_peers']}: no data); {n_votes} roll calls "
                                  "both voted on; met = fails the standard"))
        else:
            dm = _at(ev, f"dis_majors_{wk}", i, j)
            criterion(FOREIGN_POLICY, stage="actual",
                      threshold=f"< {vd['max_ratio']} x disagreement with other major powers ({dm if dm is not None else 'no data'})",
                      sources=ev.sources.get("votes", []), years=[year],
                      detail=f"share of UN votes on which {weaker} differs from {stronger} "
                             f"({n_votes} roll calls both voted on; fewer than "
                             f"{cfg['un_votes']['min_roll_calls']}: no data); met = fails the standard")
        cr = ind["criticism"]
        v_cb, n_ev = _at(ev, f"conflict_base_{wk}", i, j), _at(ev, f"events_{wk}", i, j)
        criterion(CRITICISM, stage="actual",
                  threshold=f"< {cr['max_ratio']} x baseline conflict share ({v_cb if v_cb is not None else 'no data'})",
                  sources=ev.sources.get("events", []), years=[year],
                  detail=f"conflictual share of {weaker}'s ICEWS events toward {stronger} ({int(n_ev) if n_ev is not None else 0} events); met = fails")
        mv = ind["manoeuvre"]
        n_r, tie = _at(ev, f"rivals_of_other_{wk}", i, j), _at(ev, f"rival_ties_{wk}", i, j)
        n_ind, n_al = _at(ev, f"indep_allies_{wk}", i, j), _at(ev, f"allies_{wk}", i, j)
        parts = [f"{int(n_ind)} independent ally(ies) of {int(n_al)} (ATOP allies not allied with {stronger}; Lake)"
                 if n_ind is not None and n_al is not None else "no alliance data"]
        parts.append(f"{stronger} has {int(n_r)} rival(s); tie with a rival (alliance, arms received"
                     f"{', closer UN votes' if mv['rival_votes_tie'] else ''}): "
                     f"{'yes' if tie == 1 else 'no' if tie == 0 else 'no data'}" if n_r is not None else "no rivalry data")
        criterion(MANOEUVRE, stage="actual",
                  threshold=f"no independent ally (>= {mv['min_independent_allies']}) and no tie with a rival of the stronger",
                  sources=ev.sources.get("manoeuvre", []), years=[year], detail="; ".join(parts) + "; met = fails")
        if not np.isnan(dec.value[CONVERGENCE][i, j]):
            ta, tb, ta0, tb0 = _thetas(ev)
            (w1, w0), (s1, s0) = ((ta, ta0), (tb, tb0)) if wk == "a" else ((tb, tb0), (ta, ta0))
            dw, ds = w1[i, j] - w0[i, j], s1[i, j] - s0[i, j]
            gap0, gap1 = s0[i, j] - w0[i, j], s1[i, j] - w1[i, j]
            toward_w = dw * np.sign(gap0)  # positive: weaker moved toward the stronger
            toward_s = -ds * np.sign(gap0)
            mover = weaker if abs(toward_w) >= abs(toward_s) else stronger
            criterion(CONVERGENCE, stage="actual (context)", threshold=None,
                      sources=ev.sources.get("ideal_points", []), years=[year - 5, year],
                      detail=f"gap {abs(gap0):.2f} -> {abs(gap1):.2f} over 5 years; moved most toward the other: {mover}")
    code, reach_code = int(dec.stage[i, j]), int(dec.reach[i, j])
    stage = None if code < 0 else STAGES[code]
    reach = STAGES[reach_code]
    lower = bool(dec.at_least[i, j])
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
    # the evidence gathered (reused by the multiverse and the report; not part of the result's value)
    evidence: Evidence | None = field(default=None, repr=False, compare=False)

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
                 + ", ".join(f"{s} in {n} year{'' if n == 1 else 's'}" for s, n in counts.items()) + "."]
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
    """Years to compute: from the first year whose own stage feeds ``start``'s stable stage
    (:func:`_context`). Windows further back (the disparity's stability, 5-year arms sums,
    ideal points five years before) are read by the evidence functions themselves."""
    return np.arange(max(1816, start - _context(cfg)), end + 1)


def _context(cfg: dict) -> int:
    """Years before the first year assessed whose own stages feed its stable stage."""
    return int(cfg["stages"]["window"]) - 1


def dyad_grid(a: Any, b: Any, start: int, end: int, cfg: dict) -> Grid:
    """The grid of dyads ``(a[i], b[i])`` for ``start``-``end``, with the earlier years whose
    own stages feed ``start``'s stable stage (the one grid of :func:`assess`,
    :func:`asymmetry_panel` and :func:`powergap.orbit`)."""
    return Grid(np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64), _grid_years(start, end, cfg),
                eval_start=start - _context(cfg))


def grid_members(store, grid: Grid) -> np.ndarray:
    """(D, T): both states of the dyad are COW system members in the year."""
    fa, fb, fy = grid.flat()
    return (E.member(store, fa, fy) & E.member(store, fb, fy)).reshape(grid.shape)


@dataclass
class Stages:
    """Each dyad-year's stable stage (:func:`powergap.assess_core.steady_arr` over the
    decision): ``own`` the year's own stage code (-1 unassessed, or outside the state system),
    ``stage`` the stable one, ``held`` where they differ, ``support`` the counts behind it."""

    own: np.ndarray
    reach: np.ndarray
    stage: np.ndarray
    at_least: np.ndarray
    held: np.ndarray
    support: np.ndarray
    member: np.ndarray
    first: int  # the first column whose stage is read (earlier columns only feed windows)


def stable_stages(ev: Evidence, dec: Decision, member: np.ndarray | None = None) -> Stages:
    """The stable stage of every dyad-year (the rule: ``stages`` in the config). Years in
    which either state is not a system member (``member`` False) are unassessed and count
    for nothing in their neighbours' windows."""
    st = ev.cfg["stages"]
    member = np.ones(dec.stage.shape, dtype=bool) if member is None else member
    own = np.where(member, dec.stage, -1).astype(np.int8)
    reach = np.where(member, dec.reach, 0).astype(np.int8)
    first = int(np.searchsorted(ev.grid.years, ev.grid.eval_start))
    stage, support = steady_arr(own, reach, window=int(st["window"]), min_years=int(st["min_years"]), first=first)
    held = (own >= 0) & (stage != own)
    return Stages(own=own, reach=reach, stage=stage, at_least=dec.at_least & member & ~held, held=held,
                  support=support, member=member, first=first)


def _held(y: YearAssessment, ev: Evidence, stg: Stages, i: int, j: int) -> YearAssessment:
    """The year at its stable stage, with the note and summary saying why it differs."""
    st = ev.cfg["stages"]
    first_year = max(int(ev.grid.years[stg.first]), y.year - int(st["window"]) + 1)
    y = held_year(y, int(stg.stage[i, j]), [int(stg.support[k, i, j]) for k in range(3)], first_year=first_year,
                  min_years=int(st["min_years"]))
    y.reason = None
    y.summary = _summary(y.year, y.stage, y.evidence_reach, y.stronger, y.weaker, y.korolev) + f" ({y.held})"
    return y


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
    store = _store(store)
    cfg = load_config(config)
    sa, sb, start, end, grid, (ma, mb) = pair_grid(a, b, start, end, cfg, store)
    yrs = grid.years
    ev = gather(grid, cfg, store=store)
    dec = decide(ev)
    stg = stable_stages(ev, dec, (ma & mb)[None, :])
    out = []
    for j, yr in enumerate(yrs):
        if yr < start:
            continue
        outside = [st.label for st, m in ((sa, ma), (sb, mb)) if not m[j]]
        if outside:
            out.append(_not_members(int(yr), (sa.label, sb.label), outside))
            continue
        y = evaluate_row(ev, 0, j, (sa.label, sb.label), dec)
        out.append(_held(y, ev, stg, 0, j) if stg.held[0, j] else y)
    if end is None:  # by default, end at the last year the primary dimension has data for both
        end = last_known_year(ev.dims[cfg["capability"]["primary_dimension"]]["ratio"][0], yrs, start)
        out = [y for y in out if y.year <= end]
    # the sources of criteria that had data in some year: a source consulted but without a value
    # for this pair (BACI outside China-Russia, ICEWS outside 2002-14) is not cited
    keys = sorted({s for y in out for c in y.criteria if c.value is not None or c.met is not None
                   for s in c.sources})
    return Assessment(sa, sb, start, end, cfg, out, keys, evidence=ev)


def pair_grid(a: Any, b: Any, start: int | None, end: int | None, cfg: dict, store
              ) -> tuple[State, State, int, int | None, Grid, tuple[np.ndarray, np.ndarray]]:
    """The states, years and grid of a one-pair assessment, and each state's membership per
    grid year. ``end`` is returned as None when it was not given (the caller then ends at
    the last year with data on the primary dimension: :func:`last_known_year`)."""
    sa, sb = resolve(a), resolve(b)
    if sa.ccode == sb.ccode:
        raise InputError(f"cannot assess {sa.name} against itself")
    default_start, default_end = start is None, end is None
    start, end = _years(start, end, store)
    start, end, _ = _member_years(store, sa, sb, start, end, default_start, default_end)
    grid = dyad_grid([sa.ccode], [sb.ccode], start, end, cfg)
    yrs = grid.years
    ma = E.member(store, np.full(len(yrs), sa.ccode), yrs)
    mb = E.member(store, np.full(len(yrs), sb.ccode), yrs)
    return sa, sb, start, None if default_end else end, grid, (ma, mb)


def last_known_year(ratio: np.ndarray, years: np.ndarray, start: int) -> int:
    """The last year from ``start`` with a value on the primary dimension (else the last year)."""
    known = years[(years >= start) & ~np.isnan(ratio)]
    return int(known[-1]) if len(known) else int(years[-1])


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


# ============================================================================ every dyad-year

def criterion_slug(name: str) -> str:
    """The column stem of a criterion: "disparity: military" -> ``disparity_military``."""
    import re

    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def deciding_arr(dec: Decision, stage: np.ndarray, channels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The criterion that set each dyad-year's (stable) ``stage``, as an index into
    ``["disparity: <primary>", *channels, "independence standards"]`` (-1: none) and its
    value; the rule of :func:`deciding`, on arrays."""
    shape = stage.shape
    pname = dec.names[0]
    vals = np.stack([dec.value[c] for c in channels]) if channels else np.full((0,) + shape, np.nan)
    mets = np.stack([dec.met[c] for c in channels]) if channels else np.full((0,) + shape, np.nan)
    any_met_known = (~np.isnan(mets)).any(axis=0)
    idx = np.full(shape, -1, dtype=np.int16)
    val = np.full(shape, np.nan)
    disp = (stage == 0) | ((stage == 1) & ~any_met_known)
    idx[disp], val[disp] = 0, np.broadcast_to(dec.value[pname], shape)[disp]
    if len(channels):
        # potential: the strongest channel that fell short (first of equal values)
        v = np.where(np.isnan(vals), -np.inf, vals)
        best = np.argmax(v, axis=0)
        has_v = (~np.isnan(vals)).any(axis=0)
        pot = (stage == 1) & ~disp & has_v
        idx[pot] = 1 + best[pot]
        val[pot] = np.take_along_axis(vals, best[None], 0)[0][pot]
        # emerging: the met channel with the highest share (else any channel with a value)
        pool = np.where((mets == 1).any(axis=0)[None], mets == 1, ~np.isnan(vals))
        score = np.where(pool, np.nan_to_num(vals), -np.inf)
        best = np.argmax(score, axis=0)
        em = (stage == 2) & pool.any(axis=0)
        idx[em] = 1 + best[em]
        val[em] = np.take_along_axis(vals, best[None], 0)[0][em]
    act = stage == 3
    idx[act], val[act] = 1 + len(channels), np.broadcast_to(dec.n_failed, shape)[act]
    return idx, val


def _panel_block(ev: Evidence, dec: Decision, stg: Stages, di: np.ndarray, tj: np.ndarray) -> dict[str, Any]:
    """The panel's columns for the dyad-years (row ``di``, column ``tj``) of one grid."""
    a, b = ev.grid.a[di], ev.grid.b[di]
    sw = dec.sw[di, tj]
    stage = stg.stage[di, tj]
    cols: dict[str, Any] = {
        "ccode1": a, "ccode2": b, "year": ev.grid.years[tj],
        "stronger": np.where(sw > 0, a, np.where(sw < 0, b, -1)),
        "weaker": np.where(sw > 0, b, np.where(sw < 0, a, -1)),
        "stage": stage, "at_least": stg.at_least[di, tj], "evidence_reach": stg.reach[di, tj],
        "held": stg.held[di, tj]}
    # why a stage is missing or only a lower bound (the texts of evaluate_row's ``reason``)
    ratio = dec.value[dec.names[0]]
    code = np.select([~stg.member, stg.own < 0, ~stg.at_least, stg.stage == 1, stg.stage == 2],
                     [1, np.where(np.isnan(ratio), 2, 3), 0, 4, 5], 0)
    cols["reason"] = code[di, tj].astype(np.int8)
    channels = [n for n in dec.names if n.startswith("dependence: ")]
    idx, val = deciding_arr(dec, stg.stage, channels)
    cols["deciding_criterion"], cols["deciding_value"] = idx[di, tj], val[di, tj]
    for name in dec.names:
        slug = criterion_slug(name)
        cols[f"{slug}_value"] = np.broadcast_to(dec.value[name], stg.stage.shape)[di, tj]
        met = np.broadcast_to(dec.met[name], stg.stage.shape)[di, tj]
        cols[f"{slug}_met"] = np.where(np.isnan(met), -1, met).astype(np.int8)  # -1: no data
    cols["_deciding_names"] = [dec.names[0], *channels, "independence standards"]
    cols["_cfg"] = ev.cfg
    return cols


def _panel_frame(blocks: list[dict[str, Any]]) -> pd.DataFrame:
    """Concatenate blocks into the documented frame, in the panel's order (ccode1, ccode2,
    year): codes to labels, tri-state flags to nullable booleans, no stronger side to <NA>.
    Each column is built and the blocks' copy of it released in turn (memory)."""
    names, cfg = blocks[0]["_deciding_names"], blocks[0]["_cfg"]
    keys = [k for k in blocks[0] if k not in ("_deciding_names", "_cfg")]

    def take(key: str) -> np.ndarray:
        parts = [bl.pop(key) for bl in blocks]
        col = np.concatenate(parts) if len(parts) > 1 else np.asarray(parts[0])
        return col if order is None else col[order]

    order = None
    if len(blocks) > 1:  # blocks follow years: back to the panel's order
        c1, c2, yr = (np.concatenate([bl[k] for bl in blocks]) for k in ("ccode1", "ccode2", "year"))
        order = np.lexsort((yr, c2, c1))
        del c1, c2, yr
    stage_cat = pd.CategoricalDtype(list(STAGES), ordered=True)
    prim, k = cfg["capability"]["primary_dimension"], int(cfg["capability"]["stability_years"])
    reasons = ["not a member of the state system", f"no data on the primary dimension ({prim})",
               f"the {k}-year stability of the disparity cannot be tested: earlier years lack data on {prim}",
               "dependence cannot be tested: no data on the trade channel and no other channel met",
               f"the independence standards cannot be tested: fewer than {cfg['independence']['min_evaluated']} have data"]
    cols: dict[str, Any] = {}
    for key in keys:
        v = take(key)
        if key in ("ccode1", "ccode2", "year"):
            cols[key] = v.astype(np.int16)
        elif key in ("stronger", "weaker"):
            cols[key] = pd.arrays.IntegerArray(np.where(v < 0, 0, v).astype(np.int16), v < 0)
        elif key in ("stage", "evidence_reach"):
            cols[key] = pd.Categorical.from_codes(v.astype(np.int8), dtype=stage_cat)
        elif key in ("at_least", "held"):
            cols[key] = v.astype(bool)
        elif key == "reason":  # 0: no reason to give
            cols[key] = pd.Categorical.from_codes(v.astype(np.int8) - 1, categories=reasons)
        elif key == "deciding_criterion":
            cols[key] = pd.Categorical.from_codes(v.astype(np.int16), categories=names)
        elif key.endswith("_met"):
            cols[key] = pd.arrays.BooleanArray(v == 1, v < 0)
        else:  # values: finite or NaN
            cols[key] = _fin(v)
        del v
    return pd.DataFrame(cols)


def _blocks(years: np.ndarray, size: int) -> list[tuple[int, int]]:
    return [(int(y), int(min(y + size - 1, years[-1]))) for y in range(int(years[0]), int(years[-1]) + 1, size)]


def asymmetry_panel(start: int | None = None, end: int | None = None, *, directed: bool = False,
                    config: dict | str | Path | None = None, store=None, progress=None,
                    block_years: int = 10) -> pd.DataFrame:
    """Wong's stage for every dyad-year of the COW state system, by the engine of
    :func:`assess` (the same evidence, decision and stable-stage rule, on arrays).

    One row per dyad-year of :func:`powergap.dyad_years` from ``start`` (default 1816) to
    ``end`` (default: the snapshot's last year): ``ccode1 < ccode2`` when non-directed;
    both orders when ``directed``, each carrying the pair's values. Columns: ``ccode1,
    ccode2, year``, ``stronger``/``weaker`` (COW codes; <NA> when neither side is stronger),
    ``stage`` (none/potential/emerging/actual; <NA> when unassessed: no data on the primary
    dimension, or a state outside the system), ``at_least`` (the next stage could not be
    tested), ``evidence_reach``, ``held`` (the stable stage differs from the year's own
    evidence), ``deciding_criterion`` and ``deciding_value`` (see :func:`deciding`), and for
    each criterion ``<criterion>_value`` and ``<criterion>_met`` (nullable boolean; <NA> =
    no data; for the independence standards "met" = the weaker fails it). docs/assessment.md
    lists the criteria columns.

    The years are computed in blocks of ``block_years`` (each with the years before it that
    its windows read), which bounds memory.
    """
    from .panels.core import dyad_keys

    store = _store(store)
    cfg = load_config(config)
    lo, hi = _years(1816 if start is None else start, store.end_year if end is None else end, store)
    say = progress or (lambda m: None)
    c1, c2, yy, _ = dyad_keys(directed=False, start=lo, end=hi)
    c1, c2, yy = c1.astype(np.int64), c2.astype(np.int64), yy.astype(np.int64)
    blocks: list[dict[str, Any]] = []
    used: list[str] = []  # source keys the evidence read (attrs["sources"])
    for y0, y1 in _blocks(np.arange(lo, hi + 1), max(1, int(block_years))):
        sel = (yy >= y0) & (yy <= y1)
        if not sel.any():
            continue
        pair = c1[sel] * 10000 + c2[sel]
        pairs, inv = np.unique(pair, return_inverse=True)
        a, b = pairs // 10000, pairs % 10000
        grid = dyad_grid(a, b, y0, y1, cfg)
        say(f"{y0}-{y1}: gathering evidence for {len(a):,} dyads")
        ev = gather(grid, cfg, store=store)
        used += [k for k in dict.fromkeys(k for v in ev.sources.values() for k in v) if k not in used]
        dec = decide(ev)
        stg = stable_stages(ev, dec, grid_members(store, grid))
        blocks.append(_panel_block(ev, dec, stg, inv, (yy[sel] - grid.years[0]).astype(np.int64)))
        del ev, dec, stg
    df = _panel_frame(blocks)
    del blocks
    if directed:  # both orders, each with the pair's values, in the directed panel's order (one copy)
        c1_, c2_, yr = df["ccode1"].to_numpy(), df["ccode2"].to_numpy(), df["year"].to_numpy()
        k1, k2 = np.concatenate([c1_, c2_]), np.concatenate([c2_, c1_])
        order = np.lexsort((np.concatenate([yr, yr]), k2, k1))
        df = df.take(order % len(c1_)).reset_index(drop=True)
        df["ccode1"], df["ccode2"] = k1[order], k2[order]
    df.attrs["config"] = cfg
    df.attrs["unit"] = "dyad_year_directed" if directed else "dyad_year_nondirected"
    df.attrs["sources"] = used
    return df


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
    """Assess every non-directed dyad of the COW system in ``year``: :func:`asymmetry_panel`
    for one year (the same engine as :func:`assess`), with the states' labels, ``stage_text``
    ("at least ..."), and the primary ratio and trade dependence under their old names
    (``military_ratio``, ``trade_dependence``)."""
    from .states import state as state_of

    store = _store(store)
    cfg = load_config(config)
    year, _ = _years(year, year, store)
    df = asymmetry_panel(year, year, config=cfg, store=store, progress=progress)
    codes = np.unique(np.concatenate([df["ccode1"].to_numpy(), df["ccode2"].to_numpy()]))
    labels = pd.Series({int(c): state_of(int(c)).label for c in codes})
    out = df[["ccode1", "ccode2"]].astype(int)
    out["a"], out["b"] = labels[out["ccode1"]].to_numpy(), labels[out["ccode2"]].to_numpy()
    out["year"] = int(year)
    out["stronger"] = np.where(df["stronger"].isna(), None, labels.reindex(df["stronger"].fillna(-1).astype(int)).to_numpy())
    stage = df["stage"].astype(object).where(df["stage"].notna(), None)
    out["stage"] = stage
    out["at_least"] = df["at_least"]
    out["stage_text"] = np.where(stage.isna(), "unassessed", np.where(df["at_least"], "at least " + stage.astype(str),
                                                                      stage.astype(str)))
    out["reason"] = df["reason"].astype(object).where(df["reason"].notna(), None)
    out["evidence_reach"] = df["evidence_reach"].astype(str)
    prim = criterion_slug(f"disparity: {cfg['capability']['primary_dimension']}")
    out["military_ratio"] = df[f"{prim}_value"]
    out["trade_dependence"] = df["dependence_trade_value"]
    rest = [c for c in df.columns if c not in ("ccode1", "ccode2", "year", "stronger", "weaker", "stage", "at_least",
                                                 "evidence_reach", "reason")]
    out = pd.concat([out, df[rest]], axis=1)
    out.attrs["config"] = cfg
    return out
