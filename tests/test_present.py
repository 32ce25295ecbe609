"""The present (issue 14): China-Russia trade shares to 2024 and the alignment measure of each
year, from the one evidence layer, pinned on the shipped snapshot.

Pinned shares were computed independently from the raw files (not through powergap): the
CEPII BACI HS17 V202501 China-Russia rows summed per direction (thousand US$ x 1000) over
WDI TX.VAL.MRCH.CD.WT + TM.VAL.MRCH.CD.WT (WTO merchandise trade, current US$), and for
2024 the PRC customs figures (244.8bn US$, curated) over the same WDI/WTO totals.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import powergap as pg
from powergap.claims import check_claims, seeds_path
from powergap.measures import evidence as E
from powergap.measures.alignment import MEASURES, alignment, year_measure
from powergap.measures.dependence import dependence, trade_dependence
from powergap.snapshot.store import default_store

RUS, CHN, USA, MEX = 365, 710, 2, 70

# year -> (Russia on China, China on Russia, bilateral trade US$, Russia's total, China's total)
WTO_TOTAL = {2021: (795_207e6, 5_995_434e6), 2022: (868_586e6, 6_250_941e6), 2023: (727_349e6, 5_935_985e6),
             2024: (711_706e6, 6_163_999e6)}
PINNED = {2021: (0.178175, 0.023632), 2022: (0.218175, 0.030316), 2023: (0.328613, 0.040266),
          2024: (0.343962, 0.039714)}
BACI_TRADE = {2021: 141_685_665_312.0, 2022: 189_503_668_601.0, 2023: 239_016_479_306.0}


@pytest.fixture(scope="module")
def store():
    return default_store()


def _crit(year, name):
    return next(c for c in year.criteria if c.name == name)


# ----------------------------------------------------------------------------- the values

def test_rus_chn_shares_2021_2024_with_their_sources(store):
    td = trade_dependence("RUS", "CHN", start=2021, end=2025, store=store).set_index("year")
    for y, (ab, ba) in PINNED.items():
        r = td.loc[y]
        assert round(r["a_on_b_share"], 6) == ab and round(r["b_on_a_share"], 6) == ba, y
        # the publisher's totals, unchanged: WTO exports + imports of each state
        assert r["total_a_usd"] == WTO_TOTAL[y][0] and r["total_b_usd"] == WTO_TOTAL[y][1]
        assert r["source_total"] == r["source_total_b"] == "wdi_merch_wto"
    for y, t in BACI_TRADE.items():
        r = td.loc[y]
        assert r["source_label"] == "baci" and r["source_trade"] == "cepii_baci" and not r["curated"]
        assert r["trade_usd"] == pytest.approx(t, rel=1e-12)
        assert r["a_on_b_share"] == pytest.approx(t / WTO_TOTAL[y][0], rel=1e-12)
    r = td.loc[2024]
    assert r["source_label"] == "curated" and r["curated"] and r["trade_usd"] == 244.8e9
    assert "gacc-cn-ru-trade-2024" in r["fact_ids"] and "General Administration of Customs" in r["citation"]
    assert r["a_on_b_share"] == pytest.approx(244.8e9 / WTO_TOTAL[2024][0], rel=1e-12)
    # 2025: no bilateral figure in any source: missing, with a note, never 0
    assert math.isnan(td.loc[2025, "a_on_b_share"]) and td.loc[2025, "note"]
    # the pair asked the other way round gives the same numbers, swapped
    sw = trade_dependence("CHN", "RUS", start=2021, end=2024, store=store).set_index("year")
    assert (sw["a_on_b_share"] == td.loc[2021:2024, "b_on_a_share"]).all()
    assert (sw["b_on_a_share"] == td.loc[2021:2024, "a_on_b_share"]).all()


def test_dependence_cli_2021_2024_names_both_compilations():
    out = subprocess.run([sys.executable, "-m", "powergap", "dependence", "RUS", "CHN", "--start", "2021", "--end",
                          "2024", "--json"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    years = {y["year"]: y for y in json.loads(out.stdout)["years"]}
    assert sorted(years) == [2021, 2022, 2023, 2024]
    for y, (ab, ba) in PINNED.items():
        d = years[y]
        assert (d["a_on_b"]["trade_share"], d["b_on_a"]["trade_share"]) == (ab, ba)
        assert d["a_on_b"]["source_total"] == d["b_on_a"]["source_total"] == "wdi_merch_wto"
        # BACI is one pair, not a partner list: no rank, concentration or intensity from it
        assert d["a_on_b"]["partner_rank"] is None and d["a_on_b"]["trade_intensity"] is None
    for y in (2021, 2022, 2023):
        assert years[y]["a_on_b"]["source"] == "cepii_baci"
        assert years[y]["trade_source"] == "bilateral: CEPII BACI; total: WDI/WTO merchandise trade"
    assert years[2024]["a_on_b"]["source"] == "curated" and years[2024]["curated"] is True
    assert years[2024]["trade_source"].startswith("bilateral: curated customs figures; total: WDI/WTO")


def test_assess_dependence_and_claims_agree_2021_2023(store):
    res = pg.assess("RUS", "CHN", start=2021, end=2024, store=store)
    td = trade_dependence("RUS", "CHN", start=2021, end=2024, store=store).set_index("year")
    claims = [{"id": f"d{y}{k}", "text": "t", "source": "s", "value": f"dependence({a}, {b}, {y})",
               "expect": {"op": ">", "target": 0}}
              for y in range(2021, 2025) for k, (a, b) in enumerate((("RUS", "CHN"), ("CHN", "RUS")))]
    rep = {r.id: r for r in check_claims(claims, store=store).results}
    for yr in res.years:
        y = yr.year
        crit = _crit(yr, "dependence: trade")
        # the same float everywhere, not merely close
        assert crit.value == td.loc[y, "a_on_b_share"] == rep[f"d{y}0"].value
        assert crit.reverse == td.loc[y, "b_on_a_share"] == rep[f"d{y}1"].value
        assert crit.met is True and rep[f"d{y}0"].verdict == "supported"
        assert yr.stage in ("emerging", "actual")  # dependence tested: no longer "at least potential"
        if y <= 2023:
            assert crit.sources == ["cepii_baci", "wdi_merch_wto"]
            assert "bilateral: CEPII BACI; total: WDI/WTO merchandise trade" in crit.detail
            assert set(rep[f"d{y}0"].sources) == {"cepii_baci", "wdi_merch_wto"}
        else:
            assert "curated:gacc-cn-ru-trade-2024" in crit.sources and "wdi_merch_wto" in crit.sources
            assert "total: WDI/WTO merchandise trade" in crit.detail and rep[f"d{y}0"].curated


def test_panel_verb_gives_the_same_shares_and_labels(store):
    from powergap.panels.core import dyad_years
    from powergap.panels.verbs import add_dependence

    p = dyad_years(directed=False, start=2020, end=2025)
    p = add_dependence(p[(p["ccode1"] == RUS) & (p["ccode2"] == CHN)], store=store).set_index("year")
    td = trade_dependence("RUS", "CHN", start=2020, end=2025, store=store).set_index("year")
    for y in range(2020, 2025):
        assert p.loc[y, "trade_share_12"] == td.loc[y, "a_on_b_share"]
        assert p.loc[y, "trade_share_21"] == td.loc[y, "b_on_a_share"]
    assert [p.loc[y, "trade_share_source"] for y in range(2020, 2025)] == ["dots", "baci", "baci", "baci", "curated"]
    assert pd.isna(p.loc[2025, "trade_share_12"]) and pd.isna(p.loc[2025, "trade_share_source"])


def test_seed_claims_on_2024_trade_shares_get_a_verdict(store):
    rep = {r.id: r for r in check_claims(seeds_path(), store=store).results}
    one_third = rep["s0-china-share-of-russia-trade-2024"]   # "one-third of Russia's total foreign trade"
    four_pct = rep["s0-russia-share-of-china-trade"]         # "roughly 4% of total foreign commerce"
    assert one_third.verdict == "supported" and round(one_third.value, 6) == PINNED[2024][0]
    assert four_pct.verdict == "supported" and round(four_pct.value, 6) == PINNED[2024][1]


def test_partner_rank_never_ranks_among_one_pair(store):
    # BACI holds China-Russia only: Russia's export destinations in 2021 cannot be ranked
    # from it, so the claim stays unverifiable (the combined trade_exports_usd must not
    # take BACI rows: a rank among one partner would "support" it)
    claims = [{"id": "r", "text": "t", "source": "s", "value": "partner_rank(trade_exports_usd, RUS, CHN, 2021)",
               "expect": {"op": "approx", "target": 1.0, "tolerance": 0.0}}]
    assert check_claims(claims, store=store).results[0].verdict == "unverifiable"
    d = dependence("RUS", "CHN", start=2021, end=2021, store=store).to_dict()["years"][0]
    assert d["a_on_b"]["partner_rank"] is None and d["a_on_b"]["partner_hhi"] is None


# ----------------------------------------------------------------------------- one source per dyad-year

def test_no_dyad_year_mixes_two_sources(store):
    yy = np.arange(1992, 2026)
    c1, c2 = np.full(len(yy), RUS), np.full(len(yy), CHN)
    ts = E.trade_shares(store, c1, c2, yy)
    series = {spec[0]: spec[1] for spec in E.TRADE_ORDER}
    assert {str(x) for x in ts.label if x} == {"dots", "baci", "curated"}
    for i, lab in enumerate(ts.label):
        if lab in series:  # both flows are that source's own two directions
            assert ts.x_ab[i] == E.dyad_values(store, series[lab], [RUS], [CHN], [yy[i]])[0]
            assert ts.x_ba[i] == E.dyad_values(store, series[lab], [CHN], [RUS], [yy[i]])[0]
        if lab is None:
            assert math.isnan(ts.share_ab[i]) and math.isnan(ts.share_ba[i])
        else:
            assert np.isfinite(ts.trade[i])


class _Store:
    """A snapshot stand-in: directed dyadic and state-year series given as rows."""

    def __init__(self, dyadic: dict, state: dict, tables: dict | None = None, end_year: int = 2024):
        self.frames = {}
        for sid, rows in dyadic.items():
            self.frames[sid] = pd.DataFrame(rows, columns=["ccode1", "ccode2", "year", "value"]).assign(
                source=sid.rsplit("_", 1)[-1])
        for sid, rows in state.items():
            self.frames[sid] = pd.DataFrame(rows, columns=["ccode", "year", "value"]).assign(
                source=sid.rsplit("_", 1)[-1])
        self.series_index = {s: {} for s in self.frames}
        self._tables = tables or {}
        self.catalog = {"tables": {t: {"source": "unga_2025"} for t in self._tables}}
        self.end_year = end_year

    def series_meta(self, sid):
        return {"first_year": 1950, "last_year": 2024, "source": sid.rsplit("_", 1)[-1], "symmetric": False,
                "zero_within_coverage": False}

    def series(self, sid, *, directed=True, involving=None):
        return self.frames[sid]

    def table(self, name):
        return self._tables[name]


def test_one_direction_gives_missing_never_a_half_share(monkeypatch):
    monkeypatch.setattr(E, "_curated_trade", lambda: ({}, {}, {}))
    tot = {"merch_exports_usd_dots": [(USA, 2010, 100.0), (MEX, 2010, 50.0)],
           "merch_imports_usd_dots_mirror": [(USA, 2010, 100.0), (MEX, 2010, 50.0)]}
    only_one = _Store({"trade_exports_usd_dots": [(USA, MEX, 2010, 10.0)]}, tot)
    ts = E.trade_shares(only_one, [USA], [MEX], [2010])
    assert ts.label[0] is None and math.isnan(ts.trade[0])
    assert math.isnan(ts.share_ab[0]) and math.isnan(ts.share_ba[0])
    # a later source with both directions gives both; the first source's lone flow is not used
    wto = {"merch_exports_usd_wto": [(USA, 2010, 300.0), (MEX, 2010, 80.0)],
           "merch_imports_usd_wto": [(USA, 2010, 100.0), (MEX, 2010, 20.0)]}
    both_later = _Store({"trade_exports_usd_dots": [(USA, MEX, 2010, 10.0)],
                         "trade_exports_usd_baci": [(USA, MEX, 2010, 12.0), (MEX, USA, 2010, 8.0)]}, {**tot, **wto})
    ts = E.trade_shares(both_later, [USA, MEX], [MEX, USA], [2010, 2010])
    assert list(ts.label) == ["baci", "baci"] and (ts.x_ab[0], ts.x_ba[0]) == (12.0, 8.0)
    assert ts.share_ab[0] == pytest.approx(20 / 400) and ts.share_ba[0] == pytest.approx(20 / 100)
    assert ts.share_ab[1] == ts.share_ba[0]  # the same dyad-year asked the other way round


def test_baci_total_is_never_the_partner_sum(monkeypatch):
    monkeypatch.setattr(E, "_curated_trade", lambda: ({}, {}, {}))
    # BACI holds the pair but WDI/WTO has no total for MEX: its share is missing, not 100%
    st = _Store({"trade_exports_usd_baci": [(USA, MEX, 2010, 12.0), (MEX, USA, 2010, 8.0)]},
                {"merch_exports_usd_wto": [(USA, 2010, 300.0)], "merch_imports_usd_wto": [(USA, 2010, 100.0)]})
    ts = E.trade_shares(st, [USA], [MEX], [2010])
    assert ts.share_ab[0] == pytest.approx(20 / 400) and math.isnan(ts.share_ba[0])


def test_curated_single_direction_is_missing_and_wto_totals_sit_under_curated_pairs(monkeypatch):
    fact = lambda i, v: SimpleNamespace(id=i, value=v, source=f"cite {i}")  # noqa: E731
    wto = {"merch_exports_usd_wto": [(USA, 2010, 300.0), (MEX, 2010, 80.0)],
           "merch_imports_usd_wto": [(USA, 2010, 100.0), (MEX, 2010, 20.0)]}
    st = _Store({"trade_exports_usd_dots": [(USA, 70, 1990, 1.0), (70, USA, 1990, 1.0)]}, wto)
    monkeypatch.setattr(E, "_curated_trade", lambda: ({}, {(USA, MEX, 2010): fact("x", 12.0)}, {}))
    ts = E.trade_shares(st, [USA], [MEX], [2010])
    assert math.isnan(ts.trade[0]) and math.isnan(ts.share_ab[0]) and math.isnan(ts.share_ba[0])
    monkeypatch.setattr(E, "_curated_trade", lambda: ({(frozenset((USA, MEX)), 2010): fact("p", 20.0)}, {}, {}))
    ts = E.trade_shares(st, [USA], [MEX], [2010])
    assert ts.label[0] == "curated" and ts.curated[0] and ts.fact_ids[0] == "p"
    assert ts.share_ab[0] == pytest.approx(20 / 400) and ts.share_ba[0] == pytest.approx(20 / 100)
    assert ts.source_total_a[0] == ts.source_total_b[0] == "wto"


# ----------------------------------------------------------------------------- alignment: the measure of each year

def test_year_measure_takes_one_measure_in_order():
    nan = np.nan
    got = year_measure([0.8, nan, nan, nan, 0.7], [0.3, 0.2, nan, nan, nan], [nan, 0.9, 0.9, nan, 0.5])
    assert list(got) == ["roll_calls", "ideal_points", "resolutions", None, "roll_calls"]
    assert set(MEASURES) == {"roll_calls", "ideal_points", "resolutions"}


def test_alignment_shows_the_measure_of_each_year(store):
    d = alignment("CHN", "RUS", start=2017, end=2025, store=store).to_dict()
    m = {y["year"]: y["measure"] for y in d["years"]}
    assert [m[y] for y in (2017, 2018, 2019)] == ["roll_calls"] * 3
    # 2020: one common roll call (below the minimum); 2021 on: none in the vote data
    assert [m[y] for y in (2020, 2021, 2022, 2023)] == ["ideal_points"] * 4
    by = {y["year"]: y for y in d["years"]}
    assert by[2020]["agreement"] is None and by[2020]["ideal_point_distance"] == 0.438989
    assert "measure of the year: ideal-point distance" in by[2021]["note"]
    # the all-votes ideal points end in 2023; the foreign-policy variant reaches 2024
    assert m[2024] is None and any("reaches 2024" in n for n in d["notes"])
    fp = {y["year"]: y for y in alignment("CHN", "RUS", start=2024, end=2024, store=store,
                                          ideal_point_variant="fp").to_dict()["years"]}
    assert fp[2024]["measure"] == "ideal_points" and fp[2024]["ideal_point_interval"] is not None
    # 2025: resolution-level votes are kept out of the shipped snapshot (no licence)
    assert not E.has_resolution_votes(store)
    assert m[2025] is None and by[2025]["resolution_agreement"] is None
    assert "restricted build" in by[2025]["note"] and any("un_resolution_votes" in n for n in d["notes"])


def test_resolution_agreement_by_hand():
    votes = pd.DataFrame({"res_id": [1, 1, 2, 2, 3, 3, 4, 5], "ccode": [CHN, RUS, CHN, RUS, CHN, RUS, CHN, CHN],
                          "vote": [1, 1, 1, 2, 1, 3, 1, 1]})
    res = pd.DataFrame({"res_id": [1, 2, 3, 4, 5], "year": [2025] * 5, "body": ["GA", "GA", "GA", "GA", "SC"]})
    st = _Store({}, {}, tables={"un_resolution_votes": votes, "un_resolutions": res}, end_year=2025)
    agree, n = E.resolution_agreement(st, [CHN, CHN, CHN], [RUS, RUS, RUS], [2025, 2025, 2024], min_votes=3)
    # resolutions 1-3 both voted on: agreement 1, 0.5 (abstain vs yes), 0 (yes vs no)
    assert n.tolist() == [3, 3, 0] and agree[0] == pytest.approx(0.5) and math.isnan(agree[2])
    agree4, _ = E.resolution_agreement(st, [CHN], [RUS], [2025], min_votes=4)
    assert math.isnan(agree4[0])  # below the minimum: missing, never a value from 3 resolutions


def test_terminal_tables_name_the_measure_and_the_compilations(capsys):
    from powergap.cli import main

    main(["alignment", "CHN", "RUS", "--start", "2019", "--end", "2021"])
    out = capsys.readouterr().out
    rows = {ln.split()[0]: ln for ln in out.splitlines() if ln[:4] in ("2019", "2020", "2021")}
    assert "roll calls" in rows["2019"] and "ideal pts" in rows["2020"] and "ideal pts" in rows["2021"]
    main(["dependence", "RUS", "CHN", "--start", "2020", "--end", "2024"])
    out = capsys.readouterr().out
    rows: dict[str, str] = {}
    for ln in out.splitlines():  # the first table (the composition table repeats the years)
        if ln[2:6] in ("2020", "2021", "2023", "2024"):
            rows.setdefault(ln[2:6], ln)
    assert "DOTS" in rows["2020"] and "/WTO" not in rows["2020"]
    assert "BACI/WTO" in rows["2021"] and "BACI/WTO" in rows["2023"] and "curated/WTO" in rows["2024"]
