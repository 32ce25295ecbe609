"""Readers for product-level trade and the China-focused datasets (BACI, OEC, Comtrade monthly,
Apricitas, WITS Kazakhstan, wiiw FDI, CEIAS travel, AidData), the HS groups and
hs_group_share.

Fixtures live in tests/fixtures/<source key>/ laid out like the raw directory, with a few
hand-made rows in each source's real format.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from powergap.errors import DataError, InputError
from powergap.sources import aiddata, apricitas, ceias_travel, comtrade_monthly, products, wiiw_fdi, wits_kazakhstan
from powergap.sources.products import PRODUCT_TRADE_COLUMNS, hs_group_share, hs_group_shares, hs_groups

from conftest import FIXTURES

MY_SOURCES = ("cepii_baci", "oec_hs4", "comtrade_monthly", "apricitas_cn_ru", "wits_kaz", "wiiw_fdi_kaz",
              "ceias_travel", "aiddata_pd", "aiddata_gcdf")


def fx(key: str) -> Path:
    return FIXTURES / key


def copy_fixture(key: str, tmp_path: Path) -> Path:
    dest = tmp_path / key
    shutil.copytree(fx(key), dest)
    return dest


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ----------------------------------------------------------------------------- BACI

def test_baci_converts_thousands_maps_codes_and_pads_hs6():
    t = products.read_baci(fx("cepii_baci")).tables["product_trade_baci"]
    assert list(t.columns) == PRODUCT_TRADE_COLUMNS
    assert set(zip(t["exporter"], t["importer"])) == {(710, 365), (365, 710)}  # 156 -> 710, 643 -> 365
    row = t[(t["exporter"] == 365) & (t["product"] == "010121")].iloc[0]  # "10121" lost its leading zero
    assert row["value_usd"] == 48_641.0 and row["quantity"] == pytest.approx(3.124)
    assert row["hs_revision"] == "HS2017" and row["hs_level"] == 6 and row["year"] == 2021
    assert math.isnan(t.loc[t["product"] == "440320", "quantity"].iloc[0])  # empty q is NA, not 0
    ru_cn_2021 = t[(t["exporter"] == 365) & (t["year"] == 2021)]
    assert ru_cn_2021["value_usd"].sum() == 1_500_500 + 48_641 + 51_000
    assert t["product"].str.len().eq(6).all()
    assert t.loc[t["product"] == "847130", "value_usd"].iloc[0] == 2_000_250.0


def test_baci_missing_column_names_the_file(tmp_path):
    raw = copy_fixture("cepii_baci", tmp_path)
    f = raw / products.BACI_FILE
    rewrite(f, "t,i,j,k,v,q", "t,i,j,k,value,q")
    with pytest.raises(DataError, match=r"baci_hs17_v202501.*missing expected column.*\bv\b"):
        products.read_baci(raw)


@pytest.mark.parametrize("old,new,match", [
    ("2021,156,643,870323,1000,", "2021,156,643,870323,lots,", r"baci_hs17.*'v'.*'lots'"),
    ("2021,156,643,870323", "2021,840,643,870323", r"baci_hs17.*country code 840"),
    ("2021,156,643,870323", "2021,156,643,87O323", r"baci_hs17.*invalid HS6 code"),
    ("2022,643,156,260300", "2021,643,156,270900", r"baci_hs17.*not unique"),
])
def test_baci_malformed_values(tmp_path, old, new, match):
    raw = copy_fixture("cepii_baci", tmp_path)
    rewrite(raw / products.BACI_FILE, old, new)
    with pytest.raises(DataError, match=match):
        products.read_baci(raw)


# ----------------------------------------------------------------------------- OEC

def test_oec_pads_hs4_detects_revision_and_drops_zero_imports():
    data = products.read_oec(fx("oec_hs4"))
    t = data.tables["product_trade_oec"]
    assert list(t.columns) == PRODUCT_TRADE_COLUMNS
    ex = t[t["exporter"] == 365]
    assert set(ex["importer"]) == {710}
    assert ex.loc[ex["product"] == "0101", "value_usd"].iloc[0] == 29_200.0  # "101" -> "0101"
    assert (ex["hs_revision"] == "HS2017").all() and (ex["hs_level"] == 4).all()
    assert ex["quantity"].isna().all()
    im = t[t["exporter"] == 710]
    assert set(im["importer"]) == {365}
    # Horses 2019 had a tariff line but zero imports: not a flow
    assert not ((im["product"] == "0101") & (im["year"] == 2019)).any()
    assert im.set_index(["year", "product"])["value_usd"].to_dict() == {
        (2019, "8471"): 5e9, (2020, "8471"): 5.5e9, (2023, "8471"): 7e9, (2023, "8549"): 1e6}
    # the 2023 block holds an HS2022-only heading (8549): HS2022; earlier blocks HS2017
    assert im.groupby("year")["hs_revision"].first().to_dict() == {2019: "HS2017", 2020: "HS2017", 2023: "HS2022"}
    tariffs = data.tables["rus_tariffs_on_chn_hs4"]
    assert len(tariffs) == 5
    horses = tariffs[(tariffs["product"] == "0101")].iloc[0]
    assert horses["tariff_pct"] == pytest.approx(2.8) and horses["imports_usd"] == 0.0


def test_oec_year_without_columns_is_an_error(tmp_path):
    raw = copy_fixture("oec_hs4", tmp_path)
    rewrite(raw / products.OEC_IMPORTS_FILE, ",,,,2020,0.0,5500000000.0", ",,,,2022,0.0,5500000000.0")
    with pytest.raises(DataError, match=r"oec_russia_imports_from_china.*2022"):
        products.read_oec(raw)


# ----------------------------------------------------------------------------- HS groups

def frame(rows):
    return pd.DataFrame(rows, columns=["product", "value_usd"])


def test_hs_groups_file_documents_the_choices():
    g = hs_groups()
    assert {"raw_materials", "fuels", "machinery", "machinery_instruments"} <= set(g)
    raw = set(g["raw_materials"].chapters)
    assert {"25", "26", "27", "44", "47", "72", "74", "75", "76", "78", "79", "80", "81"} == raw
    assert not raw & {"28", "71", "73", "77", "82", "83"}
    assert set(g["raw_materials_broad"].chapters) == raw | {"28", "71"}
    assert g["fuels"].chapters == ("27",)
    assert set(g["machinery"].chapters) == {"84", "85"}
    assert set(g["machinery_instruments"].chapters) == {f"{c}" for c in range(84, 91)}


def test_hs_group_share_hand_made():
    df = frame([("270900", 70.0), ("260300", 10.0), ("847130", 15.0), ("0101", 5.0)])
    assert hs_group_share(df, "fuels") == pytest.approx(0.70)
    assert hs_group_share(df, "raw_materials") == pytest.approx(0.80)
    assert hs_group_share(df, "machinery") == pytest.approx(0.15)
    assert hs_group_share(df, ["1", "27"]) == pytest.approx(0.75)  # explicit chapters, padded
    assert hs_group_share(frame([("847130", 1.0)]), "fuels") == 0.0
    assert math.isnan(hs_group_share(frame([]), "fuels"))  # no trade: NaN, never 0
    assert math.isnan(hs_group_share(frame([("270900", 0.0)]), "fuels"))


def test_hs_group_share_refuses_bad_input():
    df = frame([("270900", 1.0)])
    with pytest.raises(InputError, match="unknown HS group 'metal'"):
        hs_group_share(df, "metal")
    with pytest.raises(InputError, match="value_usd"):
        hs_group_share(df.drop(columns="value_usd"), "fuels")
    mixed = df.assign(source=["a"]).pipe(lambda d: pd.concat([d, d.assign(source="b")]))
    with pytest.raises(InputError, match="mixes several source"):
        hs_group_share(mixed, "fuels")


def test_hs_group_shares_by_dyad_year():
    df = pd.DataFrame({"exporter": [365, 365, 365, 710], "importer": [710, 710, 710, 365],
                       "year": [2021, 2021, 2022, 2021], "product": ["2709", "4403", "2709", "8471"],
                       "value_usd": [3.0, 1.0, 5.0, 2.0]})
    out = hs_group_shares(df, "fuels").set_index(["exporter", "year"])
    assert out.loc[(365, 2021), "share"] == pytest.approx(0.75)
    assert out.loc[(365, 2022), "share"] == 1.0
    assert out.loc[(710, 2021), "share"] == 0.0
    assert out.loc[(365, 2021), "total_usd"] == 4.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 99), st.floats(0, 1e12, allow_nan=False)), min_size=1, max_size=30),
       st.sampled_from(sorted(hs_groups())))
def test_group_share_and_complement_sum_to_one(rows, group):
    df = frame([(f"{ch:02d}0000", v) for ch, v in rows])
    share = hs_group_share(df, group)
    if df["value_usd"].sum() == 0:
        assert math.isnan(share)
        return
    complement = [f"{c:02d}" for c in range(1, 100) if f"{c:02d}" not in hs_groups()[group].chapters]
    assert 0.0 <= share <= 1.0
    assert share + hs_group_share(df, complement) == pytest.approx(1.0)


# ----------------------------------------------------------------------------- monthly trade

def test_comtrade_monthly():
    t = comtrade_monthly.read_comtrade_monthly(fx("comtrade_monthly")).tables["comtrade_cn_imports_ru_monthly"]
    assert list(t.columns) == ["year", "month", "value_usd", "classification"]
    assert t[["year", "month"]].values.tolist() == [[2021, 1], [2021, 2], [2022, 12]]
    assert t["value_usd"].tolist() == [5.1e9, 4_900_000_000.5, 1.1e10]
    assert t["classification"].tolist() == ["H5", "H5", "H6"]


def test_comtrade_wrong_partner_is_an_error(tmp_path):
    raw = copy_fixture("comtrade_monthly", tmp_path)
    rewrite(raw / comtrade_monthly.FILE, ",M,,643,", ",M,,842,")
    with pytest.raises(DataError, match=r"comtrade_china_imports_from_russia_monthly_2017-2024.csv.*partnerCode.*'842'"):
        comtrade_monthly.read_comtrade_monthly(raw)


def test_apricitas_monthly():
    t = apricitas.read_apricitas(fx("apricitas_cn_ru")).tables["cn_exports_ru_monthly"]
    assert t.values.tolist() == [[2018, 1, 3863898073.0], [2018, 2, 3565156504.5], [2023, 6, 9551339251.0]]


def test_apricitas_bad_date(tmp_path):
    raw = copy_fixture("apricitas_cn_ru", tmp_path)
    rewrite(raw / apricitas.FILE, "2018-02-01", "2018-02-15")
    with pytest.raises(DataError, match=r"China_Exports_to_Russia.csv.*first day"):
        apricitas.read_apricitas(raw)


# ----------------------------------------------------------------------------- WITS Kazakhstan

def test_wits_product_trade_and_sections():
    data = wits_kazakhstan.read_wits_kazakhstan(fx("wits_kaz"))
    t = data.tables["product_trade_wits"]
    assert list(t.columns) == PRODUCT_TRADE_COLUMNS
    assert set(zip(t["exporter"], t["importer"])) == {(705, 710)}
    assert (t["hs_revision"] == "HS2012").all() and (t["hs_level"] == 4).all()
    # 2020 is incomplete in the imports extract (one partner in 84-85): dropped whole; zero 2612 dropped
    assert t.set_index(["year", "product"])["value_usd"].to_dict() == {
        (2019, "0101"): 355_509.0, (2019, "2709"): 1.2e9, (2019, "7403"): 800_000_250.0, (2023, "2709"): 1.5e9}
    s = data.tables["kaz_imports_by_hs_section"]
    assert set(s["importer"]) == {705}
    mach = s[s["section"] == "84-85"].set_index(["year", "exporter"])
    assert sorted(mach.index) == [(2019, 2), (2019, 365), (2019, 710), (2023, 255), (2023, 345), (2023, 365), (2023, 710)]
    assert mach.loc[(2019, 710), "value_usd"] == 2_594_985.0
    assert mach.loc[(2019, 710), "world_usd"] == 12_533_871.0  # WLD kept as a column only
    assert mach.loc[(2023, 345), "value_usd"] == 1_500.0  # WITS code SER -> COW 345
    assert mach.loc[(2019, 710), "section_label"] == "MachElec"
    fuels = s[s["section"] == "27-27"]
    assert sorted(fuels["year"].unique()) == [2019, 2020, 2023]  # complete group kept in 2020
    assert (fuels[["first_chapter", "last_chapter"]] == "27").all().all()


def test_wits_wrong_flow_is_an_error(tmp_path):
    raw = copy_fixture("wits_kaz", tmp_path)
    rewrite(raw / wits_kazakhstan.EXPORTS_FILE, "2019,Export,6,355.509", "2019,Import,6,355.509")
    with pytest.raises(DataError, match=r"kazakhstan_exports_to_china.*TradeFlowName"):
        wits_kazakhstan.read_wits_kazakhstan(raw)


# ----------------------------------------------------------------------------- wiiw FDI

def test_wiiw_fdi_keeps_euros_and_drops_aggregates():
    data = wiiw_fdi.read_wiiw_fdi(fx("wiiw_fdi_kaz"))
    d = data.dyad_year.set_index(["series", "ccode1", "year"])["value"]
    assert set(data.dyad_year["ccode2"]) == {705}
    assert d[("fdi_inflows_kaz_eur", 710, 2020)] == pytest.approx(-717.2e6)  # EUR m -> EUR, sign kept
    assert d[("fdi_stock_kaz_eur", 710, 2021)] == pytest.approx(4831.4e6)
    assert d[("fdi_stock_kaz_eur", 365, 2020)] == pytest.approx(3975.9e6)
    assert not data.dyad_year["ccode1"].isin([0]).any() and len(data.dyad_year) == 6  # no WORLD, no HK
    t = data.tables["wiiw_fdi_kaz_by_partner"]
    assert len(t) == 19 + 2 + 2 + 2 + 2  # "% of total" rows dropped, "." cells missing
    world = t[(t["partner_code"] == "WORLD") & (t["year"] == 2021)].iloc[0]
    assert pd.isna(world["ccode"]) and world["value_eur"] == pytest.approx(2851.1e6)
    assert pd.isna(t.loc[t["partner_code"] == "HK", "ccode"]).all()


def test_wiiw_bad_cell(tmp_path):
    raw = copy_fixture("wiiw_fdi_kaz", tmp_path)
    rewrite(raw / wiiw_fdi.FILE, "-717.2", "n.a.x")
    with pytest.raises(DataError, match=r"wiiw_fdi_kazakhstan_by_partner_2003-2021.csv.*'n.a.x'"):
        wiiw_fdi.read_wiiw_fdi(raw)


# ----------------------------------------------------------------------------- CEIAS

def test_ceias_travel_table_and_visits():
    data = ceias_travel.read_ceias(fx("ceias_travel"))
    t = data.tables["china_leader_travel"]
    assert list(t.columns) == ["row", "year", "leader", "position", "destination_ccode", "destination", "continent"]
    codes = dict(zip(zip(t["destination"], t["year"]), t["destination_ccode"]))
    assert codes[("Germany", 1979)] == 260 and codes[("Germany", 2014)] == 255
    assert codes[("Soviet Union", 1957)] == 365 and pd.isna(codes[("Palestine", 2000)])
    v = data.dyad_year
    assert set(v["series"]) == {"chn_leader_visits"} and set(v["ccode1"]) == {710}
    got = v.set_index(["ccode2", "year"])["value"].to_dict()
    assert got == {(365, 1957): 1.0, (365, 2015): 2.0, (2, 1974): 1.0, (260, 1979): 1.0, (255, 2014): 1.0,
                   (705, 2013): 1.0, (705, 2015): 1.0}  # two identical rows are two visits
    spec = ceias_travel.SOURCES[0].series[0]
    assert spec.zero_within_coverage and spec.dyadic


def test_ceias_unknown_country_and_level(tmp_path):
    raw = copy_fixture("ceias_travel", tmp_path)
    rewrite(raw / ceias_travel.FILE, "Kazakhstan,Asia,0,0,1\n2014", "Atlantis,Asia,0,0,1\n2014")
    with pytest.raises(DataError, match=r"WHO-WHERE-WHEN-dataset-v.1.1_Dataset.csv.*'Atlantis'"):
        ceias_travel.read_ceias(raw)
    raw2 = copy_fixture("ceias_travel", tmp_path / "b")
    rewrite(raw2 / ceias_travel.FILE, "Hua Guofeng,Premier", "Hua Guofeng,Chairman")
    with pytest.raises(DataError, match="unknown Level 'Chairman'"):
        ceias_travel.read_ceias(raw2)


# ----------------------------------------------------------------------------- AidData

def test_public_diplomacy_series_and_missing():
    data = aiddata.read_public_diplomacy(fx("aiddata_pd"))
    d = data.dyad_year.set_index(["series", "ccode2", "year"])["value"]
    assert set(data.dyad_year["ccode1"]) == {710}
    assert d[("chn_pd_elite_visits", 705, 2006)] == 30
    assert d[("chn_pd_confucius_institutes", 705, 2006)] == 1
    assert d[("chn_pd_sister_cities", 705, 2018)] == 1
    assert ("chn_pd_elite_visits", 705, 2018) not in d.index  # "N/A" = not collected: missing
    assert d[("chn_pd_elite_visits", 731, 2010)] == 8
    t = data.tables["chn_public_diplomacy"]
    cook = t[t["country"] == "Cook Islands"].iloc[0]
    assert pd.isna(cook["ccode"]) and cook["government_visits"] == 1 and pd.isna(cook["military_visits"])


def test_gcdf_zero_fills_listed_recipients_only():
    d = aiddata.read_gcdf(fx("aiddata_gcdf")).dyad_year
    usd = d[d["series"] == "chn_dev_finance_usd"].set_index(["ccode2", "year"])["value"].to_dict()
    assert usd == {(705, 2000): 5_132_913.5, (705, 2001): 0.0, (705, 2002): 430_208_200.0,
                   (365, 2000): 0.0, (365, 2001): 1e6, (365, 2002): 0.0}  # Cook Islands dropped
    proj = d[d["series"] == "chn_dev_finance_projects"].set_index(["ccode2", "year"])["value"]
    assert proj[(705, 2002)] == 3 and proj[(705, 2001)] == 0


def test_gcdf_missing_column(tmp_path):
    raw = copy_fixture("aiddata_gcdf", tmp_path)
    rewrite(raw / aiddata.GCDF_FILE, "usd_const_2021,", "usd_2021,")
    with pytest.raises(DataError, match=r"aiddata_gcdf_country_year.csv.*usd_const_2021"):
        aiddata.read_gcdf(raw)


# ----------------------------------------------------------------------------- snapshot round trip

@pytest.fixture(scope="module")
def fixture_snapshot(tmp_path_factory):
    from powergap.snapshot.build import build
    from powergap.sources import all_sources

    raw = tmp_path_factory.mktemp("raw")
    for key in MY_SOURCES:
        shutil.copytree(fx(key), raw, dirs_exist_ok=True)
    out = tmp_path_factory.mktemp("snap") / "snapshot"
    srcs = tuple(s for s in all_sources() if s.key in MY_SOURCES)
    assert {s.key for s in srcs} == set(MY_SOURCES)
    build(raw, out, sources=srcs, include_restricted=True)
    from powergap.snapshot.store import Snapshot

    return Snapshot(out)


def test_fixture_snapshot_and_product_trade(fixture_snapshot):
    snap = fixture_snapshot
    df = products.product_trade(snap)
    assert list(df.columns) == PRODUCT_TRADE_COLUMNS + ["source"]
    assert df.groupby("source").size().to_dict() == {"cepii_baci": 6, "oec_hs4": 8, "wits_kaz": 4}
    meta = snap.series_meta("chn_leader_visits")
    assert meta["zero_within_coverage"] and (meta["first_year"], meta["last_year"]) == (1957, 2015)
    assert snap.series_meta("fdi_inflows_kaz_eur")["unit"] == "current EUR"
    assert len(snap.table("comtrade_cn_imports_ru_monthly")) == 3


def test_product_trade_without_tables_is_an_error():
    class Empty:
        catalog = {"tables": {}}

    with pytest.raises(DataError, match="no product-level trade table"):
        products.product_trade(Empty())


def test_licences_keep_restricted_sources_out():
    from powergap.sources import source

    assert source("cepii_baci").embed and source("ceias_travel").embed and source("aiddata_gcdf").embed
    for key in ("comtrade_monthly", "wits_kaz", "oec_hs4", "wiiw_fdi_kaz"):
        assert not source(key).embed, key


# ----------------------------------------------------------------------------- raw data

def test_raw_baci_totals_and_fuel_share(raw_dir):
    t = products.read_baci(raw_dir).tables["product_trade_baci"]
    assert len(t) == 43_494 and sorted(t["year"].unique()) == list(range(2017, 2024))
    ru_cn = t[(t["exporter"] == 365) & (t["importer"] == 710)]
    totals = ru_cn.groupby("year")["value_usd"].sum() / 1e9
    # MANIFEST: 42.1, 55.3, 58.9, 51.2, 72.1, 114.1, 129.0 bn
    assert totals[2021] == pytest.approx(72.06, abs=0.01)
    assert totals[2023] == pytest.approx(129.0, abs=0.05)
    r21 = ru_cn[ru_cn["year"] == 2021]
    assert hs_group_share(r21, "fuels") == pytest.approx(0.675, abs=0.001)
    assert hs_group_share(r21, "raw_materials") == pytest.approx(0.856, abs=0.001)
    cn_ru = t[(t["exporter"] == 710) & (t["year"] == 2023)]
    assert cn_ru["value_usd"].sum() / 1e9 == pytest.approx(110.0, abs=0.05)
    assert hs_group_share(cn_ru, "machinery") == pytest.approx(0.385, abs=0.001)  # MANIFEST 0.39
    assert hs_group_share(cn_ru, "machinery_instruments") == pytest.approx(0.623, abs=0.001)  # MANIFEST 0.62


def test_raw_oec_exports_equal_baci_at_hs4(raw_dir):
    baci = products.read_baci(raw_dir).tables["product_trade_baci"]
    oec = products.read_oec(raw_dir).tables["product_trade_oec"]
    b = baci[(baci["exporter"] == 365) & (baci["year"] >= 2018)]
    b4 = b.assign(product=b["product"].str[:4]).groupby(["year", "product"])["value_usd"].sum()
    o4 = oec[oec["exporter"] == 365].set_index(["year", "product"])["value_usd"]
    joined = pd.concat([b4, o4], axis=1, keys=["baci", "oec"]).fillna(0.0)
    assert np.allclose(joined["baci"], joined["oec"], atol=1.0)


def test_raw_monthly_and_other_figures(raw_dir):
    c = comtrade_monthly.read_comtrade_monthly(raw_dir).tables["comtrade_cn_imports_ru_monthly"]
    assert len(c) == 96
    assert (c.groupby("year")["value_usd"].sum() / 1e9).round(1).to_dict() == {
        2017: 41.4, 2018: 59.1, 2019: 61.2, 2020: 57.8, 2021: 79.6, 2022: 114.4, 2023: 128.9, 2024: 129.9}
    a = apricitas.read_apricitas(raw_dir).tables["cn_exports_ru_monthly"]
    assert len(a) == 66 and round(a[a["year"] == 2021]["value_usd"].sum() / 1e9, 1) == 67.2
    v = ceias_travel.read_ceias(raw_dir).dyad_year.groupby("ccode2")["value"].sum()
    assert v[365] == 29 + 11 and v[705] == 10  # Russia + Soviet Union; Kazakhstan
    w = wiiw_fdi.read_wiiw_fdi(raw_dir).tables["wiiw_fdi_kaz_by_partner"]
    stock21 = w[(w["direction"] == "inward_stock") & (w["year"] == 2021)].set_index("partner_code")["value_eur"] / 1e6
    assert stock21["WORLD"] == pytest.approx(134_471, abs=1) and stock21["CN"] == pytest.approx(4_831, abs=1)
