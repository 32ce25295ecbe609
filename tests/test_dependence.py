"""Dependence measures: formulas on hand-worked panels, the snapshot layer on the tiny hand-made
snapshot (tests/fixtures/relations), and SIPRI's published 2020-24 shares on the real snapshot."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from powergap.errors import InputError, UnknownStateError
from powergap.measures import dependence as dep



# ----------------------------------------------------------------------------- formulas

def test_dependence_share_and_asymmetry():
    d = dep.dependence_share([50, 50, 50, np.nan], [180, 0, np.nan, 10])
    assert d[0] == pytest.approx(50 / 180)
    assert all(math.isnan(x) for x in d[1:])  # zero or missing denominators: missing, never 0 or inf
    ratio, diff = dep.asymmetry([0.3, 0.2], [0.1, 0.0])
    assert ratio[0] == pytest.approx(3.0) and diff[0] == pytest.approx(0.2)
    assert math.isnan(ratio[1]) and diff[1] == pytest.approx(0.2)


def test_barbieri_hand_worked():
    b = dep.barbieri([50 / 180], [0.1])
    assert b["salience"][0] == pytest.approx(math.sqrt(50 / 180 * 0.1))   # 1/6
    assert b["symmetry"][0] == pytest.approx(1 - (50 / 180 - 0.1))        # 0.82222
    assert b["interdependence"][0] == pytest.approx(b["salience"][0] * b["symmetry"][0])


def test_concentration_hand_worked():
    c = dep.concentration([50, 90, 25, 0, np.nan])  # zero and missing flows are not partners
    assert c["hhi"] == pytest.approx((50 ** 2 + 90 ** 2 + 25 ** 2) / 165 ** 2)
    assert c["hirschman"] == pytest.approx(100 * math.sqrt(11225 / 27225))
    assert c["n_partners"] == 3
    assert dep.concentration([7.0])["hirschman"] == pytest.approx(100.0)  # one partner: Hirschman's 100
    assert math.isnan(dep.concentration([])["hhi"])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(min_value=0.01, max_value=1e6), min_size=1, max_size=30))
def test_concentration_bounds(values):
    c = dep.concentration(values)
    assert 1 / len(values) - 1e-9 <= c["hhi"] <= 1 + 1e-9
    assert c["hirschman"] == pytest.approx(100 * math.sqrt(c["hhi"]))


def test_concentration_by_year_and_rank():
    flows = pd.DataFrame({"year": [1, 1, 1, 2, 2], "partner": [10, 20, 30, 10, 20], "value": [50, 90, 25, 5, 5]})
    c = dep.concentration_by_year(flows).set_index("year")
    assert c.loc[1, "hhi"] == pytest.approx(11225 / 27225) and c.loc[2, "hhi"] == pytest.approx(0.5)
    r = dep.partner_rank(flows, 10).set_index("year")
    assert r.loc[1, "rank"] == 2 and r.loc[1, "n_partners"] == 3
    assert r.loc[2, "rank"] == 1  # tie shares the best rank


def test_trade_intensity_hand_worked():
    # Russia's exports to China 20 of its 85; the world's exports to China 160 of 765
    assert dep.trade_intensity(20, 85, 160, 765) == pytest.approx((20 / 85) / (160 / 765))
    assert math.isnan(dep.trade_intensity(20, 85, 0, 765))


def test_partner_flows_mirror():
    ex = pd.DataFrame({"ccode1": [1, 2, 1], "ccode2": [2, 1, 3], "year": [2000] * 3, "value": [5.0, 7.0, 1.0]})
    pf = dep.partner_flows(ex, 1).set_index("partner")
    assert pf.loc[2, "exports"] == 5 and pf.loc[2, "imports"] == 7 and pf.loc[2, "value"] == 12
    assert pf.loc[3, "value"] == 1 and math.isnan(pf.loc[3, "imports"])


def test_sipri_window():
    assert dep.sipri_window(2022) == (2020, 2024)
    assert dep.sipri_window(2020) == (2020, 2024)
    assert dep.sipri_window(2019) == (2015, 2019)
    assert dep.sipri_window(1951) == (1950, 1954)


def _arms_frame():
    rows = [(365, 710, 2020, 100), (365, 710, 2021, 50), (365, 710, 2023, 30), (365, 710, 2024, 20),
            (220, 710, 2020, 100), (220, 710, 2022, 40), (710, 365, 2024, 10)]
    return pd.DataFrame(rows, columns=["ccode1", "ccode2", "year", "value"])


def test_arms_import_shares_hand_worked():
    total = pd.Series({2020: 250.0, 2021: 50.0, 2022: 40.0, 2023: 30.0, 2024: 20.0})  # 2020 incl. 50 non-state
    r = dep.arms_import_shares(_arms_frame(), 710, 365, first_year=2019, last_year=2024, total_imports=total)
    r = r.set_index("year")
    assert r.loc[2020, "share"] == pytest.approx(100 / 250)
    assert r.loc[2022, "share"] == 0.0                       # imports from others only: a real zero
    assert r.loc[2019, "share"] == 0.0                       # no imports at all: none from 365 either
    assert r.loc[2024, "share_5y"] == pytest.approx(200 / 390)
    assert math.isnan(r.loc[2022, "share_5y"])              # window 2018-2022 leaves the coverage
    assert r.loc[2024, "supplier_hhi_5y"] == pytest.approx((200 ** 2 + 140 ** 2) / 340 ** 2)
    # without a published total the state suppliers' sum is the total
    r2 = dep.arms_import_shares(_arms_frame(), 710, 365, first_year=2019, last_year=2024).set_index("year")
    assert r2.loc[2020, "share"] == pytest.approx(0.5)


def test_world_export_shares_hand_worked():
    ex = pd.DataFrame({"ccode": [365, 365, 365, 365, 2], "year": [2020, 2021, 2023, 2024, 2020],
                       "value": [100.0, 50.0, 30.0, 20.0, 200.0]})
    world = pd.Series({2019: 200.0, 2020: 450.0, 2021: 250.0, 2022: 240.0, 2023: 230.0, 2024: 230.0})
    r = dep.world_export_shares(ex, world, [365], first_year=2019, last_year=2024).set_index("year")
    assert r.loc[2020, "share"] == pytest.approx(100 / 450)
    assert r.loc[2022, "share"] == 0.0
    assert r.loc[2024, "share_5y"] == pytest.approx(200 / 1400)
    assert math.isnan(r.loc[2022, "share_5y"])


# ----------------------------------------------------------------------------- snapshot layer: trade

def test_trade_dependence_columns_and_dots_year(rel_store):
    df = dep.trade_dependence("RUS", "CHN", start=2004, end=2012, store=rel_store)
    assert list(df.columns[:9]) == dep.TRADE_COLUMNS
    r = df.set_index("year").loc[2010]
    # DOTS: T_AB = 20 + 30; T_RUS = exports to world 100 + mirror imports 80; T_CHN = 340 + 160
    assert r["a_on_b_share"] == pytest.approx(50 / 180) and r["b_on_a_share"] == pytest.approx(50 / 500)
    assert r["a_on_b_gdp"] == pytest.approx(50 / 1000) and r["b_on_a_gdp"] == pytest.approx(50 / 5000)
    assert r["asymmetry_ratio"] == pytest.approx((50 / 180) / 0.1)
    assert r["asymmetry_diff"] == pytest.approx(50 / 180 - 0.1)
    assert r["salience"] == pytest.approx(math.sqrt(50 / 180 * 0.1))
    assert r["source_trade"] == "imf_dots" and r["source_total"] == "imf_dots"
    assert r["intensity_ab"] == pytest.approx((20 / 85) / (160 / 765))
    assert r["intensity_ba"] == pytest.approx((30 / 330) / (80 / 765))


def test_trade_dependence_source_precedence(rel_store):
    df = dep.trade_dependence("RUS", "CHN", start=2004, end=2012, store=rel_store).set_index("year")
    # 2005: DOTS has Russia->China only, so the whole year comes from COW (flows and totals)
    r = df.loc[2005]
    assert r["source_trade"] == "cow_trade_dyadic" and r["source_total"] == "cow_trade_national"
    assert r["a_on_b_share"] == pytest.approx(22 / 300) and r["b_on_a_share"] == pytest.approx(22 / 900)
    # 2012: no source: missing with a note, never 0
    r = df.loc[2012]
    assert math.isnan(r["a_on_b_share"]) and math.isnan(r["a_on_b_gdp"]) and r["source_trade"] is None
    assert "no bilateral trade figure" in r["note"]


def _curated(*facts):
    """Curated facts in the shape evidence._curated_trade returns (pair, directed, totals)."""
    from powergap.curated import Fact

    pair, directed, totals = {}, {}, {}
    for series, codes, year, value, fid, cite in facts:
        f = Fact(id=fid, series=series, source=cite, year=year, value=value, ccodes=frozenset(codes))
        (pair if series == "trade_total" else totals)[
            (frozenset(codes), year) if series == "trade_total" else (codes[0], year)] = f
    return lambda: (pair, directed, totals)


def test_trade_dependence_curated_years(rel_store, monkeypatch):
    import powergap.measures.evidence as E

    monkeypatch.setattr(E, "_curated_trade", _curated(
        ("trade_total", (365, 710), 2023, 240.1e9, "gacc-cn-ru-trade-2023", "GACC 2023"),
        ("trade_total_all_partners", (365,), 2023, 710.1e9, "fcs-ru-total-trade-2023", "FCS 2023")))
    r = dep.trade_dependence("RUS", "CHN", start=2023, end=2023, store=rel_store).iloc[0]
    assert r["curated"] and r["source_trade"] == "curated" and r["source_total"] == "curated"
    assert r["a_on_b_share"] == pytest.approx(240.1 / 710.1)
    assert math.isnan(r["b_on_a_share"]) and "no total-trade figure for CHN" in r["note"]
    assert "GACC 2023" in r["citation"] and "fcs-ru-total-trade-2023" in r["fact_ids"]


def test_trade_dependence_product_totals_when_nothing_else(rel_store, monkeypatch):
    import powergap.measures.evidence as E

    monkeypatch.setattr(E, "_curated_trade", _curated())
    r = dep.trade_dependence("RUS", "CHN", start=2017, end=2017, store=rel_store).iloc[0]
    assert r["trade_usd"] == 200 and r["source_trade"].startswith("cepii_baci")
    assert math.isnan(r["a_on_b_share"])  # no total trade: no share


def test_dependence_partner_measures_composition_arms_investment(rel_store):
    res = dep.dependence("RUS", "CHN", start=2010, end=2024, store=rel_store)
    f = res.frame.set_index("year")
    assert f.loc[2010, "rank_b_in_a"] == 2 and f.loc[2010, "n_partners_a"] == 3
    assert f.loc[2010, "hhi_a"] == pytest.approx(11225 / 27225)
    assert f.loc[2010, "rank_a_in_b"] == 3  # China: USA 260, DEU 180, RUS 50
    # composition 2017: Russia's exports to China: HS 27, 44 raw = 70 of 100; China's exports
    # to Russia: HS 85 60 of 100 (84-85), + HS 87 20 (84-90)
    assert f.loc[2017, "a_exports_raw_material_share"] == pytest.approx(0.7)
    assert f.loc[2017, "a_imports_machinery_share_84_85"] == pytest.approx(0.6)
    assert f.loc[2017, "a_imports_machinery_share_84_90"] == pytest.approx(0.8)
    assert f.loc[2017, "b_exports_raw_material_share"] == 0.0
    assert math.isnan(f.loc[2016, "a_exports_raw_material_share"])
    assert f.loc[2010, "a_fuel_exports_pct"] == 65.0
    # investment 2018: China's position in Russia 10 of GDP 1000 and inward stock 400
    assert f.loc[2018, "a_fdi_position_gdp"] == pytest.approx(0.01)
    assert f.loc[2018, "a_fdi_position_inward_share"] == pytest.approx(0.025)
    assert f.loc[2018, "a_cgit_investment_usd"] == 5
    # arms: Russia's world export share, China's share of Russia's imports
    assert f.loc[2024, "a_arms_world_export_share_5y"] == pytest.approx(200 / 1400)
    assert f.loc[2024, "a_arms_import_share"] == pytest.approx(1.0)
    assert math.isnan(f.loc[2018, "a_arms_world_export_share"])  # before the arms coverage


def test_dependence_arms_china_on_russia(rel_store):
    res = dep.dependence("CHN", "RUS", start=2018, end=2024, store=rel_store)
    f = res.frame.set_index("year")
    assert f.loc[2020, "a_arms_import_share"] == pytest.approx(0.4)
    assert f.loc[2022, "a_arms_import_share"] == 0.0
    assert f.loc[2024, "a_arms_import_share_5y"] == pytest.approx(200 / 390)
    assert f.loc[2024, "a_arms_supplier_hhi_5y"] == pytest.approx((200 ** 2 + 140 ** 2) / 340 ** 2)
    assert [w["window"] for w in res.arms_windows] == [[2020, 2024]]  # 2015-2019 is not covered
    w = res.arms_windows[0]
    assert w["a_on_b"]["arms_import_share"] == pytest.approx(200 / 390)
    assert w["b_on_a"]["arms_world_export_share"] == pytest.approx(200 / 1400)


def test_dependence_json_shape(rel_store):
    d = json.loads(dep.dependence("RUS", "CHN", start=2010, end=2012, store=rel_store).to_json())
    assert d["a"] == "RUS" and d["b"] == "CHN"
    y = {r["year"]: r for r in d["years"]}
    for key in ("trade_share", "trade_gdp", "source"):
        assert key in y[2010]["a_on_b"] and key in y[2010]["b_on_a"]
    assert "asymmetry_ratio" in y[2010] and "arms_import_share_5y" in y[2010]
    assert y[2010]["a_on_b"]["trade_share"] == pytest.approx(0.277778)
    # a year without data: nulls and a note, never zeros
    assert y[2012]["a_on_b"]["trade_share"] is None and y[2012]["asymmetry_ratio"] is None
    assert y[2012]["note"]


def test_dependence_errors(rel_store):
    with pytest.raises(InputError, match="same state"):
        dep.dependence("CHN", "PRC", start=2010, end=2011, store=rel_store)
    with pytest.raises(InputError, match="after end year"):
        dep.trade_dependence("CHN", "RUS", start=2012, end=2010, store=rel_store)
    with pytest.raises(UnknownStateError, match="unknown country 'Narnia'"):
        dep.dependence("CHN", "Narnia", start=2010, end=2011, store=rel_store)


def test_dependence_missing_series(tmp_path, rel_fake):
    fake = rel_fake
    store = fake.load_store(fake.write_snapshot(tmp_path / "s", drop_series=("trade_exports_usd_dots",
                                                                             "arms_transfers_tiv"),
                                                drop_tables=("product_trade_baci",)))
    res = dep.dependence("RUS", "CHN", start=2010, end=2010, store=store)
    assert math.isnan(res.frame["a_on_b_share"].iloc[0]) and math.isnan(res.frame["a_arms_import_share"].iloc[0])
    assert any("trade_exports_usd_dots" in n for n in res.notes)


def test_cli_dependence(rel_store, monkeypatch, capsys):
    from powergap.cli import main

    monkeypatch.setenv("POWERGAP_SNAPSHOT", str(rel_store.path))
    main(["dependence", "RUS", "CHN", "--start", "2010", "--end", "2011", "--json"])
    d = json.loads(capsys.readouterr().out)
    assert d["years"][0]["a_on_b"]["trade_share"] == pytest.approx(0.277778)
    main(["dependence", "RUS", "CHN", "--start", "2010", "--end", "2024"])
    out = capsys.readouterr().out
    assert "Dependence: RUS on CHN" in out and "Arms transfers" in out
    with pytest.raises(SystemExit) as exc:
        main(["dependence", "RUS", "Narnia"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("powergap: error: unknown country 'Narnia'") and "\n" not in err and "Traceback" not in err


# ----------------------------------------------------------------------------- real snapshot

SIPRI_2020_2024 = {"USA": 0.43, "FRA": 0.096, "RUS": 0.078, "CHN": 0.059, "ITA": 0.048}


def test_sipri_2020_2024_shares_match_fact_sheet(store):
    for sid in ("arms_exports_tiv_sipri", "arms_exports_tiv"):  # a dropped series fails, never skips
        assert sid in store.series_index, f"{sid} missing from the shipped snapshot"
    from powergap.curated import fact_value

    expected = {}
    for k in SIPRI_2020_2024:
        hit = fact_value("arms_export_share_5y", k, period=(2020, 2024))
        assert hit is not None, f"curated facts lack SIPRI's 2020-24 export share for {k}"
        expected[k] = hit[0]
    assert expected == pytest.approx(SIPRI_2020_2024)  # the fact file says what the test says
    got = dep.arms_window_shares(list(expected), (2020, 2024), store=store)
    for k, v in expected.items():
        assert got[k] == pytest.approx(v, abs=0.01), k


def test_real_rus_chn_trade(store):
    assert "trade_exports_usd_dots" in store.series_index, "IMF DOTS trade missing from the shipped snapshot"
    df = dep.trade_dependence("RUS", "CHN", start=2014, end=2020, store=store).set_index("year")
    # Russia's dependence on China several times China's on Russia, rising to 2020
    assert 0.10 < df.loc[2014, "a_on_b_share"] < 0.13 and 0.015 < df.loc[2014, "b_on_a_share"] < 0.03
    assert 0.16 < df.loc[2020, "a_on_b_share"] < 0.20 and df.loc[2020, "asymmetry_ratio"] > 5
