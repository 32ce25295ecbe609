"""Readers that carry evidence to 2024-2025: WDI/WTO merchandise totals, the 2025 UN
resolution votes, China's customs (monthly sums) and BACI China-Russia pair totals.

Fixtures under tests/fixtures/present/<raw dataset dir>/ are tiny files in each source's
real format (the WDI and UN rows are copied from the real files; the monthly customs files
hold round made-up values so that annual sums can be checked by hand). Tests on the real
files use ``raw_dir`` and skip without ../shared.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import FIXTURES
from powergap.errors import DataError
from powergap.sources import cn_customs
from powergap.sources import unga_2025
from powergap.sources import wdi_merch_wto as wto_merch
from powergap.sources import products
from powergap.snapshot.build import _validate
from powergap.states import all_states

PRESENT = FIXTURES / "present"
CHN, RUS, USA, IND, UKR = 710, 365, 2, 750, 369


def copy_raw(tmp_path: Path, *dirs: str) -> Path:
    for d in dirs:
        shutil.copytree(PRESENT / d, tmp_path / d)
    return tmp_path


def value(df: pd.DataFrame, series: str, *key) -> float | None:
    cols = ["ccode", "year"] if len(key) == 2 else ["ccode1", "ccode2", "year"]
    hit = df[(df["series"] == series) & (df[cols] == list(key)).all(axis=1)]
    assert len(hit) <= 1
    return None if hit.empty else float(hit["value"].iloc[0])


def valid(src, data) -> None:
    """The build's own contract check (declared series, no NaN, known COW codes)."""
    _validate(src, data, {s.ccode for s in all_states()})


# ----------------------------------------------------------------------------- WDI / WTO totals

def test_merch_totals_units_codes_and_values():
    data = wto_merch.read_wto_merch(PRESENT)
    valid(wto_merch.SOURCES[0], data)
    sy = data.state_year
    assert set(sy["ccode"]) == {CHN, RUS, USA}
    assert sorted(sy["year"].unique()) == [2014, 2023, 2024]
    # the publisher's figures, in whole US$ (MANIFEST spot checks: CHN 2023 exports 3,379.0 bn)
    assert value(sy, "merch_exports_usd_wto", CHN, 2023) == 3_379_044_000_000
    assert value(sy, "merch_imports_usd_wto", CHN, 2024) == 2_587_234_000_000
    assert value(sy, "merch_exports_usd_wto", RUS, 2024) == 417_170_000_000
    assert value(sy, "merch_imports_usd_wto", USA, 2023) == 3_168_237_000_000
    # outside the file's years a value is missing, not zero
    assert value(sy, "merch_exports_usd_wto", CHN, 2020) is None


@pytest.mark.parametrize("old,new,msg", [
    ("chn,2023,", "xxx,2023,", "is not a COW state"),
    ("rus,2024,417170000000", "rus,2024,4171x0", "non-numeric"),
    ("rus,2024,417170000000", "rus,2024,-5", "negative"),
    ("geo,time,tx_val_mrch_cd_wt", "geo,time,tm_val_mrch_cd_wt", "missing expected column"),
])
def test_merch_totals_bad_files_name_the_problem(tmp_path, old, new, msg):
    raw = copy_raw(tmp_path, "wdi_merchandise_trade_totals_opennumbers")
    path = raw / wto_merch.INDICATORS[0].file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(DataError, match=msg):
        wto_merch.read_wto_merch(raw)


def test_merch_totals_duplicate_state_year_is_an_error(tmp_path):
    raw = copy_raw(tmp_path, "wdi_merchandise_trade_totals_opennumbers")
    path = raw / wto_merch.INDICATORS[1].file
    path.write_text(path.read_text() + "chn,2023,1\n")
    with pytest.raises(DataError, match="not unique"):
        wto_merch.read_wto_merch(raw)


# ----------------------------------------------------------------------------- UN resolution votes 2025

def test_resolution_votes_codes_and_metadata():
    data = unga_2025.read_unga_2025(PRESENT)
    valid(unga_2025.SOURCES[0], data)
    votes, res = data.tables["un_resolution_votes"], data.tables["un_resolutions"]
    assert list(votes.columns) == ["res_id", "ccode", "vote"]
    assert set(res["level"]) == {"resolution"}
    es7 = res[res["symbol"] == "A/RES/ES-11/7"].iloc[0]
    assert (es7["body"], es7["date"], es7["year"]) == ("GA", "2025-02-24", 2025)
    v = votes[votes["res_id"] == es7["res_id"]].set_index("ccode")["vote"]
    # UN press release GA/12675: Ukraine yes, Russia and the USA no, China and India abstain
    assert v.to_dict() == {USA: 3, RUS: 3, CHN: 2, IND: 2, UKR: 1}
    sc = res[res["body"] == "SC"].iloc[0]
    sv = votes[votes["res_id"] == sc["res_id"]]
    # empty cells (not on the Council) are not votes
    assert set(sv["ccode"]) == {CHN, RUS, USA} and set(sv["vote"]) == {1}
    assert (sc["yes"], sc["no"], sc["abstain"]) == (3, 0, 0)


@pytest.mark.parametrize("old,new,msg", [
    (",NO,YES,NO\n", ",NO,YES,MAYBE\n", "unknown vote 'MAYBE' by USA"),
    ("2025-02-24,1,2,2,", "2025-02-24,2,2,2,", "has 1 YES cells but the record prints 2"),
    ("General Assembly,A/RES/ES-11/8", "Trusteeship Council,A/RES/ES-11/8", "Trusteeship Council"),
    (",CHN,IND,", ",CHN,XXX,", "'XXX' is not a COW state"),
    (",CHN,IND,", ",CHN,India,", "neither a known field nor an ISO3"),
])
def test_resolution_votes_bad_files_name_the_problem(tmp_path, old, new, msg):
    raw = copy_raw(tmp_path, "unga_votes_2025_3dl_hzloto")
    path = raw / unga_2025.FILE
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(DataError, match=msg):
        unga_2025.read_unga_2025(raw)


# ----------------------------------------------------------------------------- China's customs

def test_customs_annual_sums_complete_years_only():
    data = cn_customs.read_cn_customs(PRESENT)
    valid(cn_customs.SOURCES[0], data)
    dy = data.dyad_year
    # imports 2020-01..2022-11 (December 2022 missing), exports 2020-01..2022-12: 2022 is
    # incomplete on one side, so neither direction of 2022 is stored
    assert sorted(dy["year"].unique()) == [2020, 2021]
    # by hand: month m of 2021 is (21000 + m) million (imports) and (2100 + m) million + 0.5 (exports)
    imports_2021 = sum((21000 + m) * 1e6 for m in range(1, 13))
    exports_2021 = sum((2100 + m) * 1e6 + 0.5 for m in range(1, 13))
    assert value(dy, "trade_exports_usd_cn_customs", RUS, CHN, 2021) == imports_2021
    assert value(dy, "trade_exports_usd_cn_customs", CHN, RUS, 2021) == exports_2021
    assert value(dy, "trade_total_usd_cn_customs", RUS, CHN, 2021) == imports_2021 + exports_2021
    assert value(dy, "trade_exports_usd_cn_customs", RUS, CHN, 2022) is None


def test_complete_years_never_sums_a_partial_year():
    monthly = pd.DataFrame({"year": [2023] * 6 + [2024] * 12, "month": list(range(1, 7)) + list(range(1, 13)),
                            "value_usd": [1.0] * 18})
    out = cn_customs.complete_years(monthly)
    assert out.to_dict("list") == {"year": [2024], "value_usd": [12.0]}


def test_customs_sources_are_one_reporter_and_restricted():
    src = cn_customs.SOURCES[0]
    assert src.embed is False  # the Comtrade half may not be re-disseminated
    assert set(src.files) == {cn_customs.COMTRADE_FILE, cn_customs.APRICITAS_FILE}


# ----------------------------------------------------------------------------- BACI pair totals

def test_baci_pair_totals_only_where_both_directions():
    data = products.read_baci(FIXTURES / "cepii_baci")
    valid(next(s for s in products.SOURCES if s.key == "cepii_baci"), data)
    dy = data.dyad_year
    # fixture: 2021 both directions, 2022 Russia -> China only
    assert sorted(dy["year"].unique()) == [2021]
    assert value(dy, "trade_exports_usd_baci", CHN, RUS, 2021) == 3_000_250
    assert value(dy, "trade_exports_usd_baci", RUS, CHN, 2021) == 48_641 + 1_500_500 + 51_000
    assert value(dy, "trade_total_usd_baci", RUS, CHN, 2021) == 3_000_250 + 1_600_141


def test_new_sources_build_into_a_snapshot(tmp_path):
    """The three new readers pass the build's checks together and land in the catalog with
    their licence flags: the restricted two only in a build that asks for them."""
    from powergap.snapshot.build import build
    from powergap.snapshot.store import Snapshot

    srcs = (*wto_merch.SOURCES, *unga_2025.SOURCES, *cn_customs.SOURCES)
    shipped = build(PRESENT, tmp_path / "shipped", sources=srcs)
    assert {s["key"] for s in shipped["sources"]} == {"wdi_merch_wto"}
    assert "un_resolutions" not in shipped["tables"]
    cat = build(PRESENT, tmp_path / "own", sources=srcs, include_restricted=True)
    series = {s["id"]: s for s in cat["series"]}
    assert (series["merch_imports_usd_wto"]["first_year"], series["merch_imports_usd_wto"]["last_year"]) == (2014, 2024)
    assert (series["trade_total_usd_cn_customs"]["symmetric"], series["trade_total_usd_cn_customs"]["last_year"]) == (True, 2021)
    assert cat["tables"]["un_resolution_votes"]["rows"] == 5 + 5 + 3
    assert {s["key"]: s["embedded"] for s in cat["sources"]} == {"wdi_merch_wto": True, "unga_2025": False,
                                                                 "cn_customs": False}
    assert Snapshot(tmp_path / "own").verify() == []


# ----------------------------------------------------------------------------- real files

def test_real_merch_totals_match_manifest(raw_dir):
    sy = wto_merch.read_wto_merch(raw_dir).state_year
    assert sy.groupby("series")["ccode"].nunique().to_dict() == {"merch_exports_usd_wto": 24,
                                                                 "merch_imports_usd_wto": 24}
    assert (sy["year"].min(), sy["year"].max()) == (2014, 2024)
    assert len(sy) == 2 * 24 * 11
    # MANIFEST spot checks (bn US$): RUS 2022 592.1 + 276.5; USA 2023 2,018.1 + 3,168.2
    assert round(value(sy, "merch_exports_usd_wto", RUS, 2022) / 1e9, 1) == 592.1
    assert round(value(sy, "merch_imports_usd_wto", RUS, 2022) / 1e9, 1) == 276.5
    assert round(value(sy, "merch_exports_usd_wto", USA, 2023) / 1e9, 1) == 2018.1


def test_real_resolution_votes_agreement_matches_manifest(raw_dir):
    t = unga_2025.read_unga_2025(raw_dir).tables
    res, votes = t["un_resolutions"], t["un_resolution_votes"]
    assert res["body"].value_counts().to_dict() == {"GA": 192, "SC": 44}
    ga = votes[votes["res_id"].isin(res.loc[res["body"] == "GA", "res_id"])]
    wide = ga.pivot(index="res_id", columns="ccode", values="vote")

    def same(a: int, b: int) -> float:
        both = wide[[a, b]].dropna()
        return round(float((both[a] == both[b]).mean()), 3)

    # identical-vote shares computed independently by the recent-years scout (MANIFEST)
    assert same(CHN, RUS) == 0.781
    assert same(CHN, IND) == 0.880
    assert same(RUS, USA) == 0.130
    assert (wide[USA] == 3).sum() == 174


def test_real_customs_and_baci_china_russia(raw_dir):
    cu = cn_customs.read_cn_customs(raw_dir).dyad_year
    assert sorted(cu["year"].unique()) == [2018, 2019, 2020, 2021, 2022]
    # MANIFEST: Apricitas China->Russia 2021 = 67.2 bn, 2022 = 75.6 bn; Comtrade imports 2022 = 114.4 bn
    assert round(value(cu, "trade_exports_usd_cn_customs", CHN, RUS, 2021) / 1e9, 1) == 67.2
    assert round(value(cu, "trade_exports_usd_cn_customs", CHN, RUS, 2022) / 1e9, 1) == 75.6
    assert round(value(cu, "trade_exports_usd_cn_customs", RUS, CHN, 2022) / 1e9, 1) == 114.4
    # GACC's own 2022 total (curated: 190.27 bn) within 0.2 %
    assert value(cu, "trade_total_usd_cn_customs", RUS, CHN, 2022) == pytest.approx(190.27e9, rel=2e-3)
    ba = products.read_baci(raw_dir).dyad_year
    assert sorted(ba["year"].unique()) == list(range(2017, 2024))
    # MANIFEST: BACI 2023 China->Russia 110.0 bn, Russia->China 129.0 bn
    assert round(value(ba, "trade_exports_usd_baci", CHN, RUS, 2023) / 1e9, 1) == 110.0
    assert round(value(ba, "trade_exports_usd_baci", RUS, CHN, 2023) / 1e9, 1) == 129.0


def test_real_merchandise_trade_share_of_gdp_reaches_2024_and_matches_wto(raw_dir):
    """Gapminder's TG.VAL.TOTL.GD.ZS gives total merchandise trade for states outside the
    24-state WTO file; times WDI GDP it must agree with the WTO totals where both exist."""
    from powergap.sources import gapminder, wdi

    concept = tuple(c for c in gapminder.CONCEPTS if c.series == "merch_trade_gdp_pct_gm")
    pct = gapminder.read_gapminder(raw_dir, concept).state_year.set_index(["ccode", "year"])["value"]
    assert pct[(RUS, 2023)] == pytest.approx(35.13555)
    assert pct.xs(2024, level="year").size > 180  # nearly every state, not 24
    gdp_ind = tuple(i for i in wdi.INDICATORS if i.series == "gdp_usd")
    gdp = wdi.read_indicators(raw_dir, gdp_ind).state_year.set_index(["ccode", "year"])["value"]
    wto = wto_merch.read_wto_merch(raw_dir).state_year.groupby(["ccode", "year"])["value"].sum()
    for cc in (CHN, RUS):
        for y in range(2021, 2025):
            assert pct[(cc, y)] / 100 * gdp[(cc, y)] == pytest.approx(wto[(cc, y)], rel=0.035), (cc, y)
