"""``add_*`` verbs: join snapshot series onto a panel, one dataset family per verb.

Every verb

* checks the panel's unit and raises :class:`InputError` for the wrong kind of panel;
* adds columns for the state (state-year panels) or for both sides of a dyad (suffixes
  ``_1`` and ``_2`` for ``ccode1`` and ``ccode2``); directed dyadic series give the flow
  from ``ccode1`` to ``ccode2`` (suffix ``_12``) and the reverse flow (suffix ``_21``);
  symmetric dyadic series give one column named after the series;
* leaves values missing outside a series' coverage years, and inside them too unless the
  series is declared ``zero_within_coverage`` (then an absent row is zero);
* records the catalog keys of the sources it joined in ``attrs["sources"]``;
* returns a new frame (the input panel is not modified), with the panel's attrs;
* raises one :class:`DataError` naming the series it needs that the snapshot lacks.

Column names are the snapshot's series ids (``powergap data info`` lists their units).
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Literal, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..memory import release_freed_memory
from .core import UNIT_LABEL, PanelInfo, panel_info, with_info
from .fast import (DYAD_ONLY, MILEX_SERIES, NMC_SERIES, REGIME_SERIES, STATE_VERBS, TECH_SERIES, VERB_NAMES, sides,
                   sources_of, state_plan, verb_names)
from .join import (DyadLocator, Locator, chain_state, dense_state_series, dyad_values, gather_state, pack_dyads,
                   require_series, series_info)

DYADIC = ("dyad_year_directed", "dyad_year_nondirected")
ANY = ("state_year",) + DYADIC

ALLIANCE_SERIES = ("alliance_defense", "alliance_offense", "alliance_neutral", "alliance_nonagg", "alliance_consult")
ATOP_ANY = "atop_alliance"  # 1 for every ATOP dyad-year, whatever the obligations (symmetric)
EVENT_SERIES = ("icews_verbal_coop", "icews_material_coop", "icews_verbal_conflict", "icews_material_conflict")

# GDP precedence (docs/panels.md): a value comes from the first series in its chain that
# has one; ``<column>_source`` names the source. Only series measuring the same concept in
# the same unit are chained; PWT and Maddison GDP (other price bases) stay side by side.
GDP_USD_CHAIN = ("gdp_usd", "gdp_usd_weo")  # WDI, then IMF WEO (the build already combines them)
POPULATION_CHAIN = ("population", "population_pwt", "population_maddison")  # WDI, PWT, Maddison
GDP_HISTORICAL = ("gdp_ppp_pwt", "gdp_maddison", "gdp_pc_maddison")
PEW_SERIES = {2: "pew_fav_usa", 710: "pew_fav_china", 365: "pew_fav_russia"}
# A state's goods trade with the world, in the dyadic flows' precedence: IMF DOTS (exports
# FOB to the world + the world's exports FOB to the state), then COW national trade.
WORLD_TRADE_PAIRS = (("merch_exports_usd_dots", "merch_imports_usd_dots_mirror"),
                     ("merch_exports_usd_cow", "merch_imports_usd_cow"))


# ----------------------------------------------------------------------------- plumbing

def _store(store):
    if store is None:
        from ..snapshot.store import default_store

        return default_store()
    return store


def _check(verb: str, panel: pd.DataFrame, allowed: Sequence[str]) -> PanelInfo:
    info = panel_info(panel)
    if info.unit not in allowed:
        want = "a dyad-year panel" if set(allowed) == set(DYADIC) else \
            " or ".join(UNIT_LABEL[u] for u in allowed)
        raise InputError(f"{verb} needs {want}, got {UNIT_LABEL[info.unit]}")
    return info


def _attach(panel: pd.DataFrame, info: PanelInfo, columns: dict[str, object] | pd.DataFrame,
            sources: Iterable[str]) -> pd.DataFrame:
    """A new frame: the panel's columns (minus any being replaced) plus ``columns``."""
    added = columns if isinstance(columns, pd.DataFrame) else pd.DataFrame(columns, index=panel.index)
    base = panel.drop(columns=[c for c in added.columns if c in panel.columns])
    out = pd.concat([base, added], axis=1, copy=False)
    return with_info(out, info, add_sources=list(sources))


def _float_block(names: list[str], fill: Callable[[int, np.ndarray], None], index: pd.Index) -> pd.DataFrame:
    """A float frame built in one preallocated (columns x rows) block: each column is
    gathered straight into its row, and pandas takes the block without copying."""
    block = np.empty((len(names), len(index)), dtype=np.float64)
    for i in range(len(names)):
        fill(i, block[i])
    return pd.DataFrame(block.T, columns=names, index=index, copy=False)


def _keys(panel: pd.DataFrame, info: PanelInfo) -> tuple[np.ndarray, ...]:
    """The panel's key columns as numpy arrays (views, not copies, for the usual int16)."""
    names = ("ccode1", "ccode2", "year") if info.dyadic else ("ccode", "year")
    out = []
    for name in names:
        arr = panel[name].to_numpy()
        if not np.issubdtype(arr.dtype, np.integer):
            try:
                arr = arr.astype(np.int64)
            except (TypeError, ValueError):
                raise InputError(f"panel column {name} must hold integers") from None
        out.append(arr)
    return tuple(out)


def _state_columns(store, info: PanelInfo, keys, series_ids: Sequence[str], index: pd.Index) -> pd.DataFrame:
    """Each state-year series for the state, or for both sides of a dyad (all ``_1``
    columns, then all ``_2`` columns, as peacesciencer orders them)."""
    plan = state_plan(store, info, keys, series_ids)

    def fill(i: int, row: np.ndarray) -> None:
        gather_state(plan[i][1], plan[i][2], out=row)

    return _float_block([p[0] for p in plan], fill, index)


def _dyad_columns(store, loc: DyadLocator, series_ids: Sequence[str], *, both_directions: bool = True
                  ) -> dict[str, np.ndarray]:
    cols: dict[str, np.ndarray] = {}
    for sid in series_ids:
        if series_info(store, sid).symmetric:
            cols[sid] = dyad_values(store, sid, loc)
        else:
            cols[f"{sid}_12"] = dyad_values(store, sid, loc)
            if both_directions:
                cols[f"{sid}_21"] = dyad_values(store, sid, loc, reverse=True)
    return cols


def _state_verb(verb: str, panel: pd.DataFrame, series_ids: Sequence[str], store) -> pd.DataFrame:
    store = _store(store)
    info = _check(verb, panel, ANY)
    require_series(store, verb, series_ids)
    cols = _state_columns(store, info, _keys(panel, info), series_ids, panel.index)
    return _attach(panel, info, cols, sources_of(store, series_ids))


# ----------------------------------------------------------------------------- generic

def add_series(panel: pd.DataFrame, series_ids: str | Sequence[str], *, both_directions: bool = True,
               store=None) -> pd.DataFrame:
    """Join any snapshot series by id.

    State-year series give a column per series on a state-year panel and ``<id>_1``,
    ``<id>_2`` on a dyad-year panel. Dyadic series (dyad-year panels only) give ``<id>_12``
    (``ccode1`` to ``ccode2``) and, with ``both_directions``, ``<id>_21``; symmetric dyadic
    series give one column ``<id>``. Coverage rules as for every verb.
    """
    from ..validate import text_list

    store = _store(store)
    ids = text_list(series_ids, "add_series: series_ids", what="series id")
    info = _check("add_series", panel, ANY)
    for sid in ids:
        store.series_meta(sid)  # unknown ids: InputError with the closest matches
    state_ids = [s for s in ids if not series_info(store, s).dyadic]
    dyad_ids = [s for s in ids if series_info(store, s).dyadic]
    if dyad_ids and not info.dyadic:
        raise InputError(f"dyadic series {', '.join(dyad_ids)} need a dyad-year panel, got {UNIT_LABEL[info.unit]}")
    keys = _keys(panel, info)
    cols = _state_columns(store, info, keys, state_ids, panel.index)
    if dyad_ids:
        dyad_cols = _dyad_columns(store, DyadLocator(*keys), dyad_ids, both_directions=both_directions)
        cols = pd.concat([cols, pd.DataFrame(dyad_cols, index=panel.index)], axis=1, copy=False)
    return _attach(panel, info, cols, sources_of(store, ids))


# ----------------------------------------------------------------------------- state-level verbs

def add_nmc(panel: pd.DataFrame, *, store=None) -> pd.DataFrame:
    """COW National Material Capabilities v7.0: the six components and the published CINC.

    Columns (``_1``/``_2`` on dyads): ``nmc_milex`` (thousands; GBP to 1913, current US$
    from 1914), ``milper`` (thousands), ``irst`` (thousand tons), ``pec`` (thousand
    coal-ton equivalents), ``tpop``, ``upop`` (thousands), ``cinc`` (share of the system,
    as published: CINC = mean of the state's shares of the six system totals; Singer,
    Bremer and Stuckey 1972). Source: ``cow_nmc``.
    """
    return _state_verb("add_nmc", panel, NMC_SERIES, store)


def _unit_scale(unit: str) -> float | None:
    """Persons per unit of a population series, or None when the unit is not recognised
    (such a series is not chained: a wrong scale would be worse than a gap)."""
    u = unit.strip().lower()
    for word, scale in (("million", 1e6), ("thousand", 1e3), ("person", 1.0), ("people", 1.0), ("count", 1.0)):
        if re.match(rf"^(number of )?{word}", u):
            return scale
    return None


def add_gdp(panel: pd.DataFrame, *, historical: bool = False, store=None) -> pd.DataFrame:
    """GDP and population, with the source of each chained value.

    Columns (``_1``/``_2`` on dyads): ``gdp_usd`` (current US$; World Bank WDI, then IMF
    WEO where WDI has no value) with ``gdp_usd_source``; ``gdp_const_usd`` (constant 2015
    US$, WDI); ``gdp_ppp`` (constant 2021 international $, WDI); ``gdp_pc_usd`` (current
    US$ per person, WDI); ``population`` (persons; WDI, then PWT, then Maddison) with
    ``population_source``. With ``historical=True`` also ``gdp_ppp_pwt`` (PWT, 2017 US$),
    ``gdp_maddison`` and ``gdp_pc_maddison`` (Maddison Project, 2011 US$), which reach
    back before WDI's years (PPP from 1990) but use other price bases, so they are never
    spliced into ``gdp_ppp``.
    The precedence is documented in docs/panels.md.
    """
    verb = "add_gdp"
    store = _store(store)
    info = _check(verb, panel, ANY)
    required = ["gdp_usd", "gdp_const_usd", "gdp_ppp", "gdp_pc_usd", "population"]
    if historical:
        required += list(GDP_HISTORICAL)
    require_series(store, verb, required)
    pop_chain = [s for s in POPULATION_CHAIN if s in store.series_index and _unit_scale(store.series_meta(s)["unit"])]
    pop_scales = [_unit_scale(store.series_meta(s)["unit"]) for s in pop_chain]
    used: list[str] = []
    cols: dict[str, object] = {}
    for suffix, loc in sides(info, _keys(panel, info)):
        vals, src, chain_used = chain_state(store, GDP_USD_CHAIN, loc)
        cols[f"gdp_usd{suffix}"], cols[f"gdp_usd_source{suffix}"] = vals, src
        used += chain_used
        for sid in ("gdp_const_usd", "gdp_ppp", "gdp_pc_usd"):
            cols[f"{sid}{suffix}"] = gather_state(dense_state_series(store, sid), loc)[0]
        cols[f"population{suffix}"], cols[f"population_source{suffix}"], _ = \
            chain_state(store, pop_chain, loc, scales=pop_scales)
        if historical:
            for sid in GDP_HISTORICAL:
                cols[f"{sid}{suffix}"] = gather_state(dense_state_series(store, sid), loc)[0]
    if info.dyadic:  # all _1 columns, then all _2 columns
        cols = {k: cols[k] for k in [c for c in cols if c.endswith("_1")] + [c for c in cols if c.endswith("_2")]}
    series = list(dict.fromkeys(used + ["gdp_const_usd", "gdp_ppp", "gdp_pc_usd"] + pop_chain
                                + (list(GDP_HISTORICAL) if historical else [])))
    return _attach(panel, info, cols, sources_of(store, series))


def add_milex(panel: pd.DataFrame, *, store=None) -> pd.DataFrame:
    """SIPRI military expenditure: ``milex_usd`` (current US$), ``milex_const_usd``
    (constant US$), ``milex_gdp_pct`` (share of GDP, 0-100). Source: SIPRI Military
    Expenditure Database."""
    return _state_verb("add_milex", panel, MILEX_SERIES, store)


def add_nuclear(panel: pd.DataFrame, *, store=None) -> pd.DataFrame:
    """``nuclear_warheads``: estimated nuclear warhead stockpile (FAS via Our World in Data);
    zero inside the source's years for states it does not list, missing outside them."""
    return _state_verb("add_nuclear", panel, STATE_VERBS["nuclear"], store)


def add_tech(panel: pd.DataFrame, *, store=None) -> pd.DataFrame:
    """Technology: ``rd_gdp_pct`` (R&D spending, % of GDP), ``researchers_per_million``,
    ``patents_resident`` (resident patent applications; all WDI) and
    ``hightech_exports_pct`` (high-technology exports, % of manufactured exports;
    Gapminder/WDI)."""
    return _state_verb("add_tech", panel, TECH_SERIES, store)


def add_regime(panel: pd.DataFrame, *, store=None) -> pd.DataFrame:
    """Regime type: ``polyarchy`` (V-Dem electoral democracy index, 0-1) and ``polity2``
    (Polity, -10..10)."""
    return _state_verb("add_regime", panel, REGIME_SERIES, store)


def add_ideal_points(panel: pd.DataFrame, *, variant: Literal["all", "fp"] = "all", store=None) -> pd.DataFrame:
    """UN General Assembly ideal points (Bailey, Strezhnev and Voeten; July 2025 release).

    ``variant="all"`` uses the all-votes estimate (``ideal_point``), ``"fp"`` the
    foreign-policy one (``ideal_point_fp``). State-year panels get the point; dyad-year
    panels get ``<id>_1``, ``<id>_2`` and ``<id>_distance`` = ``|<id>_1 - <id>_2|``, the
    ideal-point distance used as a dyadic (dis)similarity measure.
    """
    if variant not in ("all", "fp"):
        raise InputError(f"variant must be 'all' or 'fp', got {variant!r}")
    sid = "ideal_point" if variant == "all" else "ideal_point_fp"
    out = _state_verb("add_ideal_points", panel, (sid,), store)
    if panel_info(out).dyadic:
        out[f"{sid}_distance"] = (out[f"{sid}_1"] - out[f"{sid}_2"]).abs()
    return out


# ----------------------------------------------------------------------------- dyadic verbs

def _dyad_verb(verb: str, panel: pd.DataFrame, series_ids: Sequence[str], store) -> pd.DataFrame:
    store = _store(store)
    info = _check(verb, panel, DYADIC)
    require_series(store, verb, series_ids)
    cols = _dyad_columns(store, DyadLocator(*_keys(panel, info)), series_ids)
    return _attach(panel, info, cols, sources_of(store, series_ids))


def _pair_chain(store, pairs: Sequence[tuple[str, str]], loc: Locator) -> tuple[np.ndarray, pd.Categorical, list[str]]:
    """Sum of two state-year series (e.g. exports + imports), from the first pair in
    ``pairs`` with both values; pairs absent from the snapshot are skipped. Returns values,
    the source of each value (categorical) and the series used."""
    out = np.full(len(loc), np.nan)
    labels = np.full(len(loc), None, dtype=object)
    used: list[str] = []
    for a, b in pairs:
        if a not in store.series_index or b not in store.series_index:
            continue
        used += [a, b]
        da, db = dense_state_series(store, a), dense_state_series(store, b)
        va, sa = gather_state(da, loc, with_source=True)
        vb, _ = gather_state(db, loc)
        total = va + vb
        take = np.isnan(out) & ~np.isnan(total)
        out[take] = total[take]
        labels[take] = da.source_names[sa[take]]
    cats = sorted({str(x) for x in labels if x is not None})
    return out, pd.Categorical(labels, categories=cats), used


def add_trade(panel: pd.DataFrame, *, store=None) -> pd.DataFrame:
    """Bilateral goods trade (current US$) for dyad-years, and each side's trade with the world.

    Columns: ``trade_exports_usd_12`` (exports from ``ccode1`` to ``ccode2``; IMF DOTS
    first, COW Dyadic Trade where DOTS has none), ``trade_exports_usd_21`` (the reverse),
    ``trade_total_usd`` (exports both ways: the snapshot's ``trade_total_usd`` where it
    exists, else ``trade_exports_usd_12 + trade_exports_usd_21``, missing if either is),
    and ``trade_world_usd_1``/``_2``: each side's total goods trade with the world,
    T_A = exports + imports, with the same precedence as the dyadic flows (IMF DOTS
    exports to the world plus the world's exports to the state, else COW national trade
    exports plus imports) and ``trade_world_usd_source_1``/``_2`` naming the source. Then
    ``trade_total_usd / trade_world_usd_1`` is ccode1's dependence share D_A|B on ccode2
    (Hirschman 1945; methods.md 1.3). Trade is not zero-filled: a dyad-year with no
    reported flow is missing.
    """
    verb = "add_trade"
    store = _store(store)
    info = _check(verb, panel, DYADIC)
    require_series(store, verb, ["trade_exports_usd"])
    if not any(a in store.series_index and b in store.series_index for a, b in WORLD_TRADE_PAIRS):
        require_series(store, verb, WORLD_TRADE_PAIRS[0])
    c1, c2, year = _keys(panel, info)
    loc = DyadLocator(c1, c2, year)
    x12 = dyad_values(store, "trade_exports_usd", loc)
    x21 = dyad_values(store, "trade_exports_usd", loc, reverse=True)
    used = ["trade_exports_usd"]
    if "trade_total_usd" in store.series_index:
        total = dyad_values(store, "trade_total_usd", loc)
        used.append("trade_total_usd")
    else:
        total = x12 + x21
    cols: dict[str, object] = {"trade_exports_usd_12": x12, "trade_exports_usd_21": x21, "trade_total_usd": total}
    for suffix, side in sides(info, (c1, c2, year)):
        cols[f"trade_world_usd{suffix}"], cols[f"trade_world_usd_source{suffix}"], world_used = \
            _pair_chain(store, WORLD_TRADE_PAIRS, side)
    used += world_used
    return _attach(panel, info, cols, sources_of(store, used))


def add_arms_transfers(panel: pd.DataFrame, *, store=None) -> pd.DataFrame:
    """SIPRI arms transfers (TIV, millions): ``arms_transfers_tiv_12`` (supplied by
    ``ccode1`` to ``ccode2``) and ``arms_transfers_tiv_21`` (the reverse)."""
    return _dyad_verb("add_arms_transfers", panel, ("arms_transfers_tiv",), store)


def add_alliances(panel: pd.DataFrame, *, store=None) -> pd.DataFrame:
    """ATOP alliance obligations in force (0/1): ``alliance_<type>_12`` (an obligation of
    ``ccode1`` toward ``ccode2``) and ``alliance_<type>_21`` (the reverse) for type in
    defense, offense, neutral, nonagg, consult, then ``atop_alliance``: 1 for every
    dyad-year ATOP lists, including the few whose five obligations are all 0 (peacesciencer's
    ``add_atop_alliance()`` rows; ATOP's ``atopally``). ATOP's obligations are directed (a
    few pledges are one-sided); the listing is not. Zero inside ATOP's years (1815-2018)
    where the dyad has no such obligation or alliance, missing outside them."""
    return _dyad_verb("add_alliances", panel, ALLIANCE_SERIES + (ATOP_ANY,), store)


def add_igos(panel: pd.DataFrame, *, store=None) -> pd.DataFrame:
    """``igo_joint``: number of intergovernmental organisations in which both states are
    full members (COW IGO data, symmetric)."""
    return _dyad_verb("add_igos", panel, ("igo_joint",), store)


def add_events(panel: pd.DataFrame, *, store=None) -> pd.DataFrame:
    """ICEWS event counts each way: ``icews_<type>_12`` (events by ``ccode1`` toward
    ``ccode2``) and ``icews_<type>_21`` for type in verbal_coop, material_coop,
    verbal_conflict, material_conflict."""
    return _dyad_verb("add_events", panel, EVENT_SERIES, store)


def add_opinion(panel: pd.DataFrame, *, store=None) -> pd.DataFrame:
    """Pew Global Attitudes favourability of the other side, where surveyed.

    ``pew_fav_12``: share (0-1, survey-weighted) of ``ccode1``'s public with a favourable
    view of ``ccode2``; ``pew_fav_21``: the reverse. Pew asks about a few countries only,
    so a value exists only when the other side is the USA (``pew_fav_usa``), China
    (``pew_fav_china``) or Russia (``pew_fav_russia``) and the first was surveyed that
    year; it is missing otherwise.
    """
    verb = "add_opinion"
    store = _store(store)
    info = _check(verb, panel, DYADIC)
    require_series(store, verb, PEW_SERIES.values())
    c1, c2, year = _keys(panel, info)
    cols = {}
    for name, a, b in (("pew_fav_12", c1, c2), ("pew_fav_21", c2, c1)):
        out = np.full(len(a), np.nan)
        for target, sid in PEW_SERIES.items():
            rows = b == target
            if rows.any():
                out[rows] = gather_state(dense_state_series(store, sid), Locator(a[rows], year[rows]))[0]
        cols[name] = out
    return _attach(panel, info, cols, sources_of(store, PEW_SERIES.values()))


def add_votes(panel: pd.DataFrame, *, store=None) -> pd.DataFrame:
    """UN General Assembly vote agreement of the dyad in each calendar year.

    Votes coded yes = 1, abstain = 2, no = 3 (unvotes; absences dropped). Over the N roll
    calls of the year on which both states voted:

    ``un_agreement`` = (1/N) sum_r (1 - |v_Ar - v_Br| / 2)   (abstain vs yes/no counts 0.5;
    Voeten's convention, un-project.github.io/un-votes);
    ``un_agreement_exact`` = (1/N) sum_r 1[v_Ar = v_Br];
    ``un_n_votes`` = N.

    N = 0 gives missing agreement. Outside the years with roll calls all three are missing.
    """
    from .votes import vote_agreement

    store = _store(store)
    info = _check("add_votes", panel, DYADIC)
    c1, c2, year = _keys(panel, info)
    agree, exact, n, sources = vote_agreement(store, c1, c2, year)
    cols = {"un_agreement": agree, "un_agreement_exact": exact, "un_n_votes": n}
    return _attach(panel, info, cols, sources)


def add_dependence(panel: pd.DataFrame, *, store=None) -> pd.DataFrame:
    """Dependence of each side of a dyad-year on the other, from the evidence layer
    (:mod:`powergap.measures.evidence`: the numbers ``powergap dependence`` and ``powergap
    assess`` give for the same dyad-year).

    ``trade_share_12``: ccode1's trade with ccode2 (exports both ways) over ccode1's total
    trade, ``trade_share_21`` the reverse, ``trade_share_source`` the source of the
    dyad-year ("dots", "baci", "cow" or "curated"; one source for both directions, with its
    totals: the source's own for DOTS and COW, WDI/WTO merchandise trade for BACI and curated);
    ``arms_share_5y_12``: ccode2's share of ccode1's SIPRI arms imports over the five years
    ending in the year (0 inside SIPRI's coverage when nothing was received),
    ``arms_share_5y_21`` the reverse. Missing where the data are.
    """
    from ..measures import evidence as E

    verb = "add_dependence"
    store = _store(store)
    info = _check(verb, panel, DYADIC)
    c1, c2, year = (np.asarray(k, dtype=np.int64) for k in _keys(panel, info))
    ts = E.trade_shares(store, c1, c2, year)
    labels = [spec[0] for spec in E.TRADE_ORDER] + ["curated"]
    label = pd.Categorical(ts.label, categories=[c for c in labels if (ts.label == c).any()])
    cols: dict[str, object] = {"trade_share_12": ts.share_ab, "trade_share_21": ts.share_ba,
                               "trade_share_source": label,
                               "arms_share_5y_12": E.arms_import_share(store, c1, c2, year)[0],
                               "arms_share_5y_21": E.arms_import_share(store, c2, c1, year)[0]}
    used = [s for spec in E.TRADE_ORDER for s in spec[1:]] + [E.ARMS, *E.ARMS_IMPORTS]
    return _attach(panel, info, cols, sources_of(store, [s for s in used if s in store.series_index]))


def add_asymmetry(panel: pd.DataFrame, *, store=None, progress: Callable[[str], None] | None = None
                  ) -> pd.DataFrame:
    """Wong's stage of power asymmetry for every dyad-year, from the assessment engine
    (:func:`powergap.assessment.asymmetry_panel`: the numbers ``powergap assess`` gives for
    the same pair and year).

    Columns, for the ordered pair (``ccode1``, ``ccode2``) of each row: ``stronger`` and
    ``weaker`` (COW codes), ``stage`` (none, potential, emerging or actual), ``at_least``
    (the next stage could not be tested), ``evidence_reach`` (the highest stage the data
    could show), the deciding criterion, and each criterion's ``<criterion>_value`` and
    ``<criterion>_met``, as the engine names them. Missing where the engine gives no row
    (outside the data's years). Directed and non-directed panels alike (both orders of a
    pair carry the pair's values, as in the engine's directed frame); the engine is run
    once for the panel's years; ``progress`` gets its messages (one per block of years).
    """
    from ..assessment import asymmetry_panel

    verb = "add_asymmetry"
    store = _store(store)
    info = _check(verb, panel, DYADIC)
    c1, c2, year = _keys(panel, info)
    if not len(panel):
        years = (info.start, info.end)
    else:
        years = (int(year.min()), int(year.max()))
    # The engine's non-directed rows (ccode1 < ccode2), looked up by the unordered pair: its
    # directed frame only repeats each row with the codes swapped, and doubling and sorting
    # two million rows of it would cost more memory than the rest of the verb.
    asym = asymmetry_panel(years[0], years[1], directed=False, store=store, progress=progress)
    release_freed_memory()  # the engine's evidence arrays, before the join copies its rows
    sources = [k for k in asym.attrs.get("sources", []) if k in store.source_index]
    lo, hi = (np.minimum(c1, c2), np.maximum(c1, c2)) if info.directed else (c1, c2)
    rows, hit = DyadLocator(lo, hi, year).place(pack_dyads(asym["ccode1"], asym["ccode2"], asym["year"]))
    values = asym.copy(deep=False)  # the engine's columns without copying them (a million rows and more)
    del asym
    for k in ("ccode1", "ccode2", "year"):
        values.pop(k)
    values.index = pd.RangeIndex(len(values))
    pick = np.full(len(panel), -1, dtype=np.int64)
    pick[rows] = hit
    if len(pick) == len(values) and bool((pick == np.arange(len(pick))).all()):
        cols = values  # the panel is the engine's rows in its order (a whole panel): no copy
    else:
        if (pick < 0).any():  # rows the engine does not give (not dyad-years of the system): missing
            flags = [c for c in values.columns if values[c].dtype == bool]
            values = values.astype({c: "boolean" for c in flags})  # missing stays missing, not object
        cols = values.reindex(pick)  # -1 is no row of the engine's: missing in every column
    cols.index = panel.index
    # sources: catalog keys only (cite() resolves them); curated figures are named in the criteria
    return _attach(panel, info, cols, sources)


# ----------------------------------------------------------------------------- registry

VERBS: dict[str, Callable[..., pd.DataFrame]] = {name: globals()[f"add_{name}"] for name in VERB_NAMES}


def add(panel: pd.DataFrame, names: str | Iterable[str], *, store=None,
        progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Apply several verbs by name, in order (``add(panel, "nmc,gdp")``)."""
    verbs = verb_names(names)
    if not verbs:  # add(panel, "") or add(panel, []) asked for nothing: say so
        raise InputError("add: no panel verb given; valid: " + ", ".join(VERBS))
    info = panel_info(panel)
    if not info.dyadic:
        wrong = [v for v in verbs if v in DYAD_ONLY]
        if wrong:
            raise InputError(f"add_{wrong[0]} needs a dyad-year panel, got {UNIT_LABEL[info.unit]}")
    for name in verbs:
        if progress:
            progress(f"adding {name}")
        if name == "asymmetry":  # the one long verb: say where the engine is
            panel = add_asymmetry(panel, store=store, progress=progress and (lambda m: progress(f"asymmetry: {m}")))
        else:
            panel = VERBS[name](panel, store=store)
    return panel


__all__ = ["add", "add_series", "verb_names", "VERBS"] + [f"add_{v}" for v in VERBS]

