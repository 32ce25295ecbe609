"""The add_* verbs on a small synthetic snapshot with hand-worked answers: columns, values,
coverage (missing outside a series' years, zero inside only for zero_within_coverage
series), the GDP precedence and its source columns, UN vote agreement, and recorded sources.

The synthetic snapshot is built with the real builder from in-memory sources, so it has
exactly the shape of a shipped one (catalog, coverage, precedence)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import powergap as pg
from powergap.errors import DataError, InputError
from powergap.panels import add, add_series, verb_names
from powergap.snapshot.build import build
from powergap.snapshot.store import Snapshot, default_store
from powergap.sources.atop import ATOP_COLS, ATOP_FILE, read_atop
from powergap.sources.atop import SOURCES as ATOP_SOURCES
from powergap.sources.base import SeriesSpec, Source, SourceData

USA, RUS, CHN, TAW, UK, FRN, CAN = 2, 365, 710, 713, 200, 220, 20
ATOP_SOURCE = ATOP_SOURCES[0]
# ATOP in the raw file's own format (ccode1, ccode2, year, five obligations; both orders of
# every pair-year), read by the real reader: UK-France are listed in 1816 and 2017 with all
# five obligations 0 (like ATOP's 170 such rows), Russia-China have non-aggression
# 2001-2018, and only the USA pledges defence to the UK in 2018.
ATOP_ROWS = ([(a, b, y, 0, 0, 0, 0, 0) for a, b in ((UK, FRN), (FRN, UK)) for y in (1816, 2017)]
             + [(a, b, y, 0, 0, 0, 1, 0) for a, b in ((RUS, CHN), (CHN, RUS)) for y in range(2001, 2019)]
             + [(USA, UK, 2018, 1, 0, 0, 0, 0), (UK, USA, 2018, 0, 0, 0, 0, 0)])


def sy(rows):
    return pd.DataFrame(rows, columns=["series", "ccode", "year", "value"])


def dy(rows):
    return pd.DataFrame(rows, columns=["series", "ccode1", "ccode2", "year", "value"])


def years(series, ccode, first, last, f):
    return [(series, ccode, y, f(y)) for y in range(first, last + 1)]


def _sources() -> tuple[Source, ...]:
    cow_states = default_store().table("cow_states")

    def src(key, read, series=(), tables=()):
        return Source(key=key, title=f"Synthetic {key}", producer="tests", version="0", citation=f"Cite {key}.",
                      licence="test", url="https://example.org", files=(), read=read, series=tuple(series),
                      tables=tuple(tables))

    S = lambda sid, unit="x", **kw: SeriesSpec(sid, sid, unit, "other", **kw)  # noqa: E731
    wdi = (years("gdp_usd", USA, 2000, 2020, lambda y: 1e13 + y) + years("gdp_usd", RUS, 2000, 2019, lambda y: 1e12 + y)
           + [(s, c, y, v * (1 + y - 2000)) for s, v in (("gdp_const_usd", 9e12), ("gdp_ppp", 2e13), ("gdp_pc_usd", 6e4),
                                                          ("population", 3e8)) for c in (USA,) for y in range(2000, 2021)]
           + years("population", RUS, 2000, 2020, lambda y: 1.4e8)
           + [(s, c, 2015, v) for s, v in (("rd_gdp_pct", 2.5), ("researchers_per_million", 4000.0),
                                            ("patents_resident", 3e5), ("hightech_exports_pct", 20.0)) for c in (USA, CHN)])
    weo = [("gdp_usd_weo", USA, 2005, 1.0), ("gdp_usd_weo", USA, 2021, 2.3e13), ("gdp_usd_weo", USA, 2022, 2.5e13)] \
        + years("gdp_usd_weo", TAW, 2000, 2022, lambda y: 5e11)
    pwt = (years("population_pwt", CHN, 1950, 2019, lambda y: 1e9 + y) + years("population_pwt", USA, 1950, 2019, lambda y: 2e8)
           + years("gdp_ppp_pwt", USA, 1950, 2019, lambda y: 2e13))
    mad = (years("population_maddison", CHN, 1900, 2018, lambda y: 4e8 + y) + years("gdp_maddison", CHN, 1900, 2018, lambda y: 1e11)
           + years("gdp_pc_maddison", CHN, 1900, 2018, lambda y: 500.0))
    sipri = [(s, c, y, v) for s, v in (("milex_usd", 1e11), ("milex_const_usd", 1.1e11), ("milex_gdp_pct", 1.5))
             for c in (CHN, RUS) for y in range(1990, 2023)]
    nuclear = years("nuclear_warheads", USA, 1945, 2022, lambda y: 1000.0) + years("nuclear_warheads", RUS, 1949, 2022, lambda y: 900.0)
    regime = years("polyarchy", USA, 1900, 2022, lambda y: 0.8) + years("polity2", USA, 1900, 2018, lambda y: 10.0)
    ideal = [("ideal_point", USA, 2010, 3.0), ("ideal_point", CHN, 2010, -1.0), ("ideal_point_fp", USA, 2010, 2.5),
             ("ideal_point_fp", CHN, 2010, -0.5)]
    pew = [("pew_fav_usa", CHN, 2010, 0.4), ("pew_fav_russia", CHN, 2010, 0.55), ("pew_fav_usa", RUS, 2010, 0.5),
           ("pew_fav_china", RUS, 2010, 0.6), ("pew_fav_china", USA, 2010, 0.49), ("pew_fav_russia", USA, 2010, 0.3),
           ("pew_fav_usa", UK, 2012, 0.6)]
    trade = [("trade_exports_usd", CHN, RUS, 2020, 50e9), ("trade_exports_usd", RUS, CHN, 2020, 60e9),
             ("trade_exports_usd", USA, CHN, 2020, 400e9), ("trade_exports_usd", CHN, USA, 2020, 100e9),
             ("trade_exports_usd", USA, CAN, 1960, 1e9)]
    world_dots = [("merch_exports_usd_dots", CHN, 2020, 2.6e12), ("merch_imports_usd_dots_mirror", CHN, 2020, 1.8e12),
                  ("merch_exports_usd_dots", RUS, 2020, 3.3e11), ("merch_imports_usd_dots_mirror", RUS, 2020, 2.2e11),
                  ("merch_exports_usd_dots", USA, 2019, 1.6e12)]  # no USA import total: no DOTS world trade
    world_cow = [("merch_exports_usd_cow", USA, 1960, 2e10), ("merch_imports_usd_cow", USA, 1960, 1.5e10),
                 ("merch_exports_usd_cow", CHN, 2014, 2.8e12), ("merch_imports_usd_cow", CHN, 2014, 2.5e12),
                 ("merch_exports_usd_cow", USA, 2019, 1e12), ("merch_imports_usd_cow", USA, 2019, 2e12)]
    arms = [("arms_transfers_tiv", RUS, CHN, 2010, 500.0), ("arms_transfers_tiv", USA, UK, 1950, 10.0),
            ("arms_transfers_tiv", USA, UK, 2024, 20.0)]
    igo = [("igo_joint", RUS, CHN, 2000, 50.0), ("igo_joint", RUS, CHN, 2014, 55.0)]
    icews = [(f"icews_{t}", CHN, RUS, 2010, v) for t, v in (("verbal_coop", 100.0), ("material_coop", 5.0),
                                                           ("verbal_conflict", 3.0), ("material_conflict", 1.0))] \
        + [("icews_verbal_coop", RUS, CHN, 2010, 90.0), ("icews_verbal_coop", USA, UK, 2005, 7.0),
           ("icews_material_coop", USA, UK, 2014, 1.0), ("icews_verbal_conflict", USA, UK, 2014, 1.0),
           ("icews_material_conflict", USA, UK, 2005, 1.0)]
    # UN votes (yes 1, abstain 2, no 3): 2000 three roll calls, 2001 one, 2002 none, 2003 one.
    calls = pd.DataFrame({"rcid": [1, 2, 3, 4, 5], "year": [2000, 2000, 2000, 2001, 2003]})
    votes = pd.DataFrame([(1, USA, 1), (1, RUS, 3), (1, CHN, 1), (2, USA, 2), (2, RUS, 1), (2, CHN, 1),
                          (3, USA, 3), (3, CHN, 3), (4, USA, 1), (4, RUS, 1), (5, USA, 1), (5, CHN, 2)],
                         columns=["rcid", "ccode", "vote"])
    ids = lambda rows: sorted({r[0] for r in rows})  # noqa: E731
    return (
        src("cow_states", lambda raw: SourceData(tables={"cow_states": cow_states}), tables=("cow_states",)),
        src("cow_nmc", lambda raw: SourceData(state_year=sy([("cinc", c, y, 0.1) for c in (USA, CHN) for y in (2000, 2022)])),
            [S("cinc"), S("nmc_milex"), S("milper"), S("irst"), S("pec"), S("tpop"), S("upop")]),
        src("wdi", lambda raw: SourceData(state_year=sy(wdi)), [S(s, "persons" if s == "population" else "x") for s in ids(wdi)]),
        src("imf_weo", lambda raw: SourceData(state_year=sy(weo)), [S("gdp_usd_weo")]),
        src("pwt", lambda raw: SourceData(state_year=sy(pwt)), [S("population_pwt", "persons"), S("gdp_ppp_pwt")]),
        src("maddison", lambda raw: SourceData(state_year=sy(mad)),
            [S("population_maddison", "persons"), S("gdp_maddison"), S("gdp_pc_maddison")]),
        src("sipri_milex", lambda raw: SourceData(state_year=sy(sipri)), [S(s) for s in ids(sipri)]),
        src("fas_nuclear", lambda raw: SourceData(state_year=sy(nuclear)), [S("nuclear_warheads", zero_within_coverage=True)]),
        src("regime", lambda raw: SourceData(state_year=sy(regime)), [S("polyarchy"), S("polity2")]),
        src("un_ideal_points", lambda raw: SourceData(state_year=sy(ideal)), [S("ideal_point"), S("ideal_point_fp")]),
        src("pew", lambda raw: SourceData(state_year=sy(pew)), [S(s) for s in ("pew_fav_usa", "pew_fav_china", "pew_fav_russia")]),
        src("imf_dots", lambda raw: SourceData(dyad_year=dy(trade)), [S("trade_exports_usd", dyadic=True)]),
        src("imf_dots_world", lambda raw: SourceData(state_year=sy(world_dots)), [S(s) for s in ids(world_dots)]),
        src("cow_trade_national", lambda raw: SourceData(state_year=sy(world_cow)), [S(s) for s in ids(world_cow)]),
        src("sipri_arms_transfers", lambda raw: SourceData(dyad_year=dy(arms)), [S("arms_transfers_tiv", dyadic=True)]),
        src("atop_alliance", lambda raw: read_atop(_atop_file(raw, ATOP_ROWS)), ATOP_SOURCE.series),
        src("cow_igo_dyadic", lambda raw: SourceData(dyad_year=dy(igo)), [S("igo_joint", dyadic=True, symmetric=True)]),
        src("icews", lambda raw: SourceData(dyad_year=dy(icews)), [S(s, dyadic=True) for s in ids(icews)]),
        src("unvotes", lambda raw: SourceData(tables={"un_votes": votes, "un_roll_calls": calls}),
            tables=("un_votes", "un_roll_calls")),
    )


def _atop_file(raw, rows):
    """Write ``rows`` as ATOP's dyad-year file (peacesciencer's columns) under ``raw``."""
    path = raw / ATOP_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=ATOP_COLS).to_csv(path, index=False, compression="gzip")
    return raw


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> Snapshot:
    root = tmp_path_factory.mktemp("panels")
    (root / "raw").mkdir()
    build(root / "raw", root / "snap", sources=_sources())
    store = Snapshot(root / "snap")
    assert store.end_year == 2022
    return store


@pytest.fixture(scope="module")
def dyads():
    return pg.dyad_years(start=1950, end=2020)


def at(panel: pd.DataFrame, *key) -> pd.Series:
    cols = ["ccode1", "ccode2", "year"] if len(key) == 3 else ["ccode", "year"]
    mask = np.logical_and.reduce([panel[c].to_numpy() == k for c, k in zip(cols, key)])
    rows = panel[mask]
    assert len(rows) == 1, key
    return rows.iloc[0]


def isna(x) -> bool:
    return bool(pd.isna(x))


# ----------------------------------------------------------------------------- state-level verbs

def test_add_gdp_precedence_and_sources(synth):
    s = pg.add_gdp(pg.state_years(start=1900, end=2022), store=synth)
    assert [c for c in s.columns if c not in ("ccode", "year")] == [
        "gdp_usd", "gdp_usd_source", "gdp_const_usd", "gdp_ppp", "gdp_pc_usd", "population", "population_source"]
    r = at(s, USA, 2010)
    assert r.gdp_usd == 1e13 + 2010 and r.gdp_usd_source == "wdi"
    assert at(s, USA, 2005).gdp_usd == 1e13 + 2005  # WDI wins where both have a value
    r = at(s, USA, 2021)
    assert r.gdp_usd == 2.3e13 and r.gdp_usd_source == "imf_weo"  # WEO fills WDI's gap
    r = at(s, TAW, 2010)
    assert r.gdp_usd == 5e11 and r.gdp_usd_source == "imf_weo"
    r = at(s, USA, 1990)
    assert isna(r.gdp_usd) and isna(r.gdp_usd_source)  # before either source: missing, no source
    assert at(s, USA, 2010).gdp_const_usd == 9e12 * 11
    # population: WDI, then PWT, then Maddison
    r = at(s, USA, 2010)
    assert r.population == 3e8 * 11 and r.population_source == "wdi"
    r = at(s, CHN, 2010)
    assert r.population == 1e9 + 2010 and r.population_source == "pwt"
    r = at(s, CHN, 1930)
    assert r.population == 4e8 + 1930 and r.population_source == "maddison"
    r = at(s, CHN, 2021)
    assert isna(r.population) and isna(r.population_source)
    assert sorted(s.attrs["sources"]) == ["cow_states", "imf_weo", "maddison", "pwt", "wdi"]
    assert str(s["gdp_usd_source"].dtype) == "category"


def test_add_gdp_dyads_and_historical(synth):
    d = pg.add_gdp(pg.dyad_years(start=2010, end=2010), historical=True, store=synth)
    r = at(d, CHN, USA, 2010)
    assert r.gdp_usd_2 == 1e13 + 2010 and r.gdp_usd_source_2 == "wdi" and isna(r.gdp_usd_1)
    assert r.gdp_maddison_1 == 1e11 and r.gdp_pc_maddison_1 == 500.0 and isna(r.gdp_ppp_pwt_1)
    assert r.gdp_ppp_pwt_2 == 2e13
    cols = [c for c in d.columns if c not in ("ccode1", "ccode2", "year")]
    assert all(c.endswith("_1") for c in cols[:len(cols) // 2]) and all(c.endswith("_2") for c in cols[len(cols) // 2:])
    assert "gdp_ppp_pwt_1" in cols


def test_zero_within_coverage_state_series(synth):
    s = pg.add_nuclear(pg.state_years(start=1930, end=2022), store=synth)
    assert at(s, USA, 1950).nuclear_warheads == 1000.0
    assert at(s, CHN, 1990).nuclear_warheads == 0.0  # inside coverage, not listed: zero
    assert isna(at(s, USA, 1940).nuclear_warheads)  # before coverage: missing, not zero
    assert isna(at(s, RUS, 1940).nuclear_warheads)
    assert at(s, RUS, 1946).nuclear_warheads == 0.0  # coverage is the series', not the state's
    assert s.attrs["sources"] == ["cow_states", "fas_nuclear"]


def test_missing_inside_coverage_stays_missing(synth):
    s = pg.add_milex(pg.state_years(start=1980, end=2022), store=synth)
    assert at(s, CHN, 2000).milex_usd == 1e11
    assert isna(at(s, USA, 2000).milex_usd)  # inside coverage but absent: missing (not zero_within_coverage)
    assert isna(at(s, CHN, 1985).milex_usd)  # outside coverage
    d = pg.add_regime(pg.dyad_years(start=2019, end=2019), store=synth)
    r = at(d, USA, CHN, 2019)
    assert r.polyarchy_1 == 0.8 and isna(r.polity2_1) and isna(r.polyarchy_2)


def test_add_tech_and_ideal_points(synth):
    d = pg.add_tech(pg.dyad_years(start=2015, end=2015), store=synth)
    r = at(d, USA, CHN, 2015)
    assert (r.rd_gdp_pct_1, r.patents_resident_2, r.hightech_exports_pct_2) == (2.5, 3e5, 20.0)
    d = pg.add_ideal_points(pg.dyad_years(start=2010, end=2010), store=synth)
    r = at(d, USA, CHN, 2010)
    assert (r.ideal_point_1, r.ideal_point_2, r.ideal_point_distance) == (3.0, -1.0, 4.0)
    assert isna(at(d, USA, UK, 2010).ideal_point_distance)
    d = pg.add_ideal_points(pg.dyad_years(start=2010, end=2010), variant="fp", store=synth)
    assert at(d, CHN, USA, 2010).ideal_point_fp_distance == 3.0
    s = pg.add_ideal_points(pg.state_years(start=2010, end=2010), store=synth)
    assert at(s, CHN, 2010).ideal_point == -1.0 and "ideal_point_distance" not in s
    with pytest.raises(InputError, match="variant must be 'all' or 'fp', got 'x'"):
        pg.add_ideal_points(s, variant="x", store=synth)


# ----------------------------------------------------------------------------- dyadic verbs

def test_add_trade(synth, dyads):
    d = pg.add_trade(dyads, store=synth)
    assert [c for c in d.columns if c not in dyads.columns] == [
        "trade_exports_usd_12", "trade_exports_usd_21", "trade_total_usd", "trade_world_usd_1",
        "trade_world_usd_source_1", "trade_world_usd_2", "trade_world_usd_source_2"]
    r = at(d, CHN, RUS, 2020)
    assert (r.trade_exports_usd_12, r.trade_exports_usd_21, r.trade_total_usd) == (50e9, 60e9, 110e9)
    # each side's trade with the world: DOTS exports + the world's exports to it
    assert (r.trade_world_usd_1, r.trade_world_usd_source_1) == (4.4e12, "imf_dots_world")
    assert (r.trade_world_usd_2, r.trade_world_usd_source_2) == (5.5e11, "imf_dots_world")
    r = at(d, CHN, RUS, 2019)  # inside coverage, no row: missing (trade is not zero_within_coverage)
    assert isna(r.trade_exports_usd_12) and isna(r.trade_total_usd) and isna(r.trade_world_usd_1)
    assert isna(r.trade_world_usd_source_1)
    r = at(d, USA, CAN, 1960)
    assert r.trade_exports_usd_12 == 1e9 and isna(r.trade_exports_usd_21) and isna(r.trade_total_usd)
    assert (r.trade_world_usd_1, r.trade_world_usd_source_1) == (3.5e10, "cow_trade_national")
    # DOTS lacks the USA's 2019 import total, so the COW pair (exports + imports) is used whole
    assert (at(d, USA, CHN, 2019).trade_world_usd_1, at(d, USA, CHN, 2019).trade_world_usd_source_1) == \
        (3e12, "cow_trade_national")
    assert at(d, RUS, CHN, 2014).trade_world_usd_2 == 5.3e12
    assert isna(at(d, USA, CAN, 1950).trade_exports_usd_12)
    n = pg.add_trade(pg.dyad_years(directed=False, start=2020, end=2020), store=synth)
    r = at(n, RUS, CHN, 2020)
    assert (r.trade_exports_usd_12, r.trade_exports_usd_21) == (60e9, 50e9)
    assert sorted(d.attrs["sources"]) == ["cow_states", "cow_trade_national", "imf_dots", "imf_dots_world"]


def test_add_alliances_zero_within_coverage(synth):
    d = pg.add_alliances(pg.dyad_years(start=2010, end=2022), store=synth)
    r = at(d, RUS, CHN, 2010)
    assert r.alliance_nonagg_12 == 1.0 and r.alliance_nonagg_21 == 1.0 and r.alliance_defense_12 == 0.0
    r = at(d, UK, USA, 2018)
    assert r.alliance_defense_12 == 0.0 and r.alliance_defense_21 == 1.0  # directed obligations
    assert at(d, UK, FRN, 2010).alliance_consult_12 == 0.0  # inside ATOP's years: zero
    r = at(d, RUS, CHN, 2019)  # after ATOP's last year: missing, never zero
    assert isna(r.alliance_nonagg_12) and isna(r.alliance_defense_21) and isna(r.atop_alliance)


def test_atop_alliance_indicator(synth):
    """atop_alliance is 1 for every dyad-year ATOP lists (also when all five obligations are
    0), 0 for other dyad-years inside ATOP's years, missing outside them; one column for
    both orders, on directed and non-directed panels."""
    obligations = [f"alliance_{t}_{s}" for t in ("defense", "offense", "neutral", "nonagg", "consult")
                   for s in ("12", "21")]
    for directed in (True, False):
        d = pg.add_alliances(pg.dyad_years(directed=directed, start=1816, end=2022), store=synth)
        assert list(d.columns[-11:]) == obligations + ["atop_alliance"]
        r = at(d, UK, FRN, 2017)  # listed, no obligation
        assert r.atop_alliance == 1.0 and all(r[c] == 0.0 for c in obligations)
        assert at(d, UK, FRN, 1816).atop_alliance == 1.0 and at(d, UK, FRN, 2016).atop_alliance == 0.0
        assert at(d, RUS, CHN, 2005).atop_alliance == 1.0 and at(d, USA, UK, 2018).atop_alliance == 1.0
        assert at(d, USA, UK, 2017).atop_alliance == 0.0
        assert d.loc[d.year > 2018, "atop_alliance"].isna().all()
        inside = d[d.year <= 2018]
        assert inside["atop_alliance"].notna().all()
        listed = {(a, b, y) for a, b, y, *_ in ATOP_ROWS}
        ones = set(zip(*(inside.loc[inside.atop_alliance == 1.0, k] for k in ("ccode1", "ccode2", "year"))))
        assert ones == {k for k in listed if directed or k[0] < k[1]}
        if directed:
            assert at(d, FRN, UK, 2017).atop_alliance == 1.0  # the same both ways


def test_add_igos_symmetric(synth):
    d = pg.add_igos(pg.dyad_years(start=1995, end=2016), store=synth)
    assert at(d, CHN, RUS, 2000).igo_joint == 50.0 and at(d, RUS, CHN, 2000).igo_joint == 50.0
    assert at(d, RUS, CHN, 2014).igo_joint == 55.0
    assert isna(at(d, RUS, CHN, 2001).igo_joint)  # not zero_within_coverage
    assert isna(at(d, RUS, CHN, 1995).igo_joint) and isna(at(d, RUS, CHN, 2015).igo_joint)


def test_add_arms_and_events(synth):
    d = pg.add_arms_transfers(pg.dyad_years(start=2010, end=2010), store=synth)
    assert at(d, RUS, CHN, 2010).arms_transfers_tiv_12 == 500.0
    r = at(d, CHN, RUS, 2010)
    assert isna(r.arms_transfers_tiv_12) and r.arms_transfers_tiv_21 == 500.0
    d = pg.add_events(pg.dyad_years(start=2010, end=2010), store=synth)
    r = at(d, CHN, RUS, 2010)
    assert (r.icews_verbal_coop_12, r.icews_verbal_coop_21, r.icews_material_coop_12) == (100.0, 90.0, 5.0)
    assert isna(r.icews_material_coop_21)
    assert len([c for c in d.columns if c.startswith("icews_")]) == 8


def test_add_opinion(synth):
    d = pg.add_opinion(pg.dyad_years(start=2010, end=2012), store=synth)
    r = at(d, CHN, USA, 2010)
    assert r.pew_fav_12 == 0.4 and r.pew_fav_21 == 0.49  # China's view of the USA; the USA's of China
    r = at(d, CHN, RUS, 2010)
    assert r.pew_fav_12 == 0.55 and r.pew_fav_21 == 0.6
    r = at(d, RUS, USA, 2010)
    assert r.pew_fav_12 == 0.5 and r.pew_fav_21 == 0.3
    r = at(d, CHN, UK, 2010)  # Pew does not ask about the UK
    assert isna(r.pew_fav_12) and isna(r.pew_fav_21)
    assert at(d, UK, USA, 2012).pew_fav_12 == 0.6 and isna(at(d, UK, USA, 2010).pew_fav_12)


def test_add_votes_hand_worked(synth):
    d = pg.add_votes(pg.dyad_years(start=1999, end=2004), store=synth)
    assert str(d["un_n_votes"].dtype) == "Int32"

    def check(a, b, year, agree, exact, n):
        for x, y in ((a, b), (b, a)):  # symmetric
            r = at(d, x, y, year)
            assert r.un_n_votes == n
            if agree is None:
                assert isna(r.un_agreement) and isna(r.un_agreement_exact)
            else:
                assert r.un_agreement == pytest.approx(agree) and r.un_agreement_exact == pytest.approx(exact)

    check(USA, RUS, 2000, 0.25, 0.0, 2)  # yes/no -> 0, abstain/yes -> 0.5
    check(USA, CHN, 2000, 2.5 / 3, 2 / 3, 3)
    check(RUS, CHN, 2000, 0.5, 0.5, 2)
    check(USA, RUS, 2001, 1.0, 1.0, 1)
    check(USA, CHN, 2001, None, None, 0)  # China cast no vote: no common roll call
    check(USA, RUS, 2002, None, None, 0)  # a year without roll calls inside coverage
    check(USA, CHN, 2003, 0.5, 0.0, 1)
    check(UK, FRN, 2000, None, None, 0)
    for year in (1999, 2004):  # outside the roll calls' years: all missing
        r = at(d, USA, RUS, year)
        assert isna(r.un_n_votes) and isna(r.un_agreement)
    assert d.attrs["sources"] == ["cow_states", "unvotes"]


def test_add_votes_without_tables(synth, tmp_path):
    snap = tmp_path / "snap"
    shutil.copytree(synth.path, snap)
    cat = json.loads((snap / "catalog.json").read_text())
    del cat["tables"]["un_votes"]
    (snap / "catalog.json").write_text(json.dumps(cat))
    (snap / "catalog.sha256").unlink(missing_ok=True)  # an edited catalog: drop its checksum
    with pytest.raises(DataError, match="add_votes needs table un_votes"):
        pg.add_votes(pg.dyad_years(start=2000, end=2000), store=Snapshot(snap))


# ----------------------------------------------------------------------------- generic machinery

def test_add_series_generic(synth):
    d = add_series(pg.dyad_years(start=2010, end=2010), ["polyarchy", "arms_transfers_tiv", "igo_joint"],
                   both_directions=False, store=synth)
    new = [c for c in d.columns if c not in ("ccode1", "ccode2", "year")]
    assert new == ["polyarchy_1", "polyarchy_2", "arms_transfers_tiv_12", "igo_joint"]
    with pytest.raises(InputError, match="need a dyad-year panel"):
        add_series(pg.state_years(start=2010, end=2010), "igo_joint", store=synth)
    with pytest.raises(InputError, match="unknown series 'polyarchyy'"):
        add_series(pg.state_years(start=2010, end=2010), "polyarchyy", store=synth)


def test_verbs_chain_keep_attrs_and_cite_exactly(synth):
    d = pg.dyad_years(start=2000, end=2020)
    d = add(d, "milex,alliances", store=synth)
    d = pg.add_votes(d, store=synth)
    d = d[d["year"] >= 2010]  # ordinary pandas filtering keeps attrs
    d = pg.add_opinion(d, store=synth)
    assert d.attrs["unit"] == "dyad_year_directed" and (d.attrs["start"], d.attrs["end"]) == (2000, 2020)
    assert d.attrs["sources"] == ["cow_states", "sipri_milex", "atop_alliance", "unvotes", "pew"]
    keys = [line.split("]")[0].lstrip("[") for line in pg.cite(d, store=synth).splitlines()]
    assert sorted(keys) == sorted(d.attrs["sources"])


def test_verb_names_and_add_errors(synth):
    assert verb_names("nmc, gdp,add_trade") == ["nmc", "gdp", "trade"]
    assert verb_names(["arms-transfers", "nmc", "nmc"]) == ["arms_transfers", "nmc"]
    with pytest.raises(InputError, match="unknown panel verb 'gpd' \\(did you mean gdp\\?\\)"):
        verb_names("nmc,gpd")
    with pytest.raises(InputError, match="add_trade needs a dyad-year panel, got a state-year panel"):
        add(pg.state_years(start=2000, end=2000), "nmc,trade", store=synth)


JOIN_COLS = ["trade_exports_usd", "igo_joint", "alliance_nonagg", "polyarchy"]


@pytest.fixture(scope="module")
def joined(synth):
    full = pg.dyad_years(start=2009, end=2020)
    return full, add_series(full, JOIN_COLS, store=synth)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), frac=st.floats(0.001, 1.0))
def test_join_ignores_row_order_and_subsets(synth, joined, seed, frac):
    """Joining onto a shuffled subset of a panel gives the same values as onto the panel."""
    full, ref = joined
    rows = np.random.default_rng(seed).choice(len(full), size=max(1, int(frac * len(full))), replace=False)
    got = add_series(full.iloc[rows], JOIN_COLS, store=synth)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), ref.iloc[rows].reset_index(drop=True))


def test_join_repeated_rows(synth, joined):
    full, ref = joined
    rows = np.r_[np.arange(100), np.arange(50), np.flatnonzero((full.ccode1 == CHN).to_numpy())]
    got = add_series(full.iloc[rows], JOIN_COLS, store=synth)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), ref.iloc[rows].reset_index(drop=True))


# ----------------------------------------------------------------------------- real data from the shipped snapshot

def test_votes_match_voeten_agreement_for_china_russia():
    store = default_store()
    assert "un_votes" in store.catalog.get("tables", {}), "un_votes missing from the shipped snapshot"
    assert "un_agreement_voeten" in store.series_index, "un_agreement_voeten missing from the shipped snapshot"
    d = pg.add_votes(pg.dyad_years(directed=False, start=1971, end=2019), store=store)
    d = d[(d.ccode1 == RUS) & (d.ccode2 == CHN)]
    v = store.series("un_agreement_voeten", directed=False)
    m = d.merge(v, on=["ccode1", "ccode2", "year"])
    assert len(m) >= 45
    # Voeten counts by session and roll-call set, we by calendar year: close, not equal
    assert (m["un_agreement"] - m["value"]).abs().max() < 0.03
