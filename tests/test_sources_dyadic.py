"""Dyadic source readers: trade (COW, IMF DOTS), arms (SIPRI), alliances (ATOP), IGOs,
ICEWS events, IMF direct investment, AEI CGIT, rivalries and MIDs, UNSC vetoes.

Fixtures under tests/fixtures/<raw dataset dir>/ are tiny hand-made files in each source's
real format; tests on the real files use the ``raw_dir`` fixture and skip without ../shared.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from powergap.errors import DataError
from powergap.sources import aei_cgit, atop, cow_igo, cow_trade, icews, imf_dip, imf_dots, rivalries, sipri_arms, unsc_vetoes


def one(df: pd.DataFrame, series: str, *key) -> float | None:
    """The value of ``series`` at (ccode, year) or (ccode1, ccode2, year); None if absent."""
    cols = ["ccode", "year"] if len(key) == 2 else ["ccode1", "ccode2", "year"]
    hit = df[(df["series"] == series) & (df[cols] == list(key)).all(axis=1)]
    assert len(hit) <= 1
    return None if hit.empty else float(hit["value"].iloc[0])


def copy_raw(tmp_path: Path, *dirs: str) -> Path:
    for d in dirs:
        shutil.copytree(FIXTURES / d, tmp_path / d)
    return tmp_path


# ----------------------------------------------------------------------------- COW trade

def test_cow_trade_flow_direction_and_units():
    dy = cow_trade.read_dyadic(FIXTURES).dyad_year
    # flow1 = imports of ccode1 (USA) from ccode2 (Canada) = exports Canada -> USA
    assert one(dy, "trade_exports_usd_cow", 20, 2, 2000) == 5e6
    assert one(dy, "trade_exports_usd_cow", 2, 20, 2000) == 7e6
    assert one(dy, "trade_total_usd_cow", 2, 20, 2000) == 12e6
    # published China-Russia 2014 (flow1 = Russia's imports from China)
    assert one(dy, "trade_exports_usd_cow", 710, 365, 2014) == 51_135e6
    assert one(dy, "trade_exports_usd_cow", 365, 710, 2014) == 42_807e6
    # NA and -9 are missing: no value and no half total
    assert one(dy, "trade_exports_usd_cow", 20, 2, 2001) is None
    assert one(dy, "trade_exports_usd_cow", 2, 20, 2001) == 3e6
    assert one(dy, "trade_total_usd_cow", 2, 20, 2001) is None
    assert one(dy, "trade_exports_usd_cow", 710, 365, 2013) is None
    assert one(dy, "trade_total_usd_cow", 365, 710, 2013) is None
    sym = dy[dy.series == "trade_total_usd_cow"]
    assert (sym.ccode1 < sym.ccode2).all()


def test_cow_national_trade():
    sy = cow_trade.read_national(FIXTURES).state_year
    assert one(sy, "merch_exports_usd_cow", 2, 2000) == 781_918e6
    assert one(sy, "merch_imports_usd_cow", 365, 2014) is None
    assert one(sy, "merch_exports_usd_cow", 710, 2014) is None  # -9


def test_cow_national_totals_below_half_their_parts_are_missing():
    # COW's USSR 1960: 169.5 and 146.7 million of imports and exports (the IMF's one-line
    # table) against 1,418 and 1,553 million in its own bilateral rows.
    national = pd.DataFrame({"ccode": [365, 2, 710], "year": [1960, 1960, 1960],
                             "imports": [169.5, 15_000.0, 100.0], "exports": [146.7, 20_000.0, 900.0]})
    dyadic = pd.DataFrame({"ccode1": [2, 2, 365], "ccode2": [365, 710, 710], "year": [1960] * 3,
                           "flow1": [20.0, 0.0, 1_398.0], "flow2": [30.0, 10.0, 1_523.0]})
    # 365: imports 30 + 1398 = 1428, exports 20 + 1523 = 1543 -> both below half: partial
    # 710: imports 10 + 1523 (above 2 x 100), exports 1398 (not above 2 x 900) -> kept
    assert cow_trade.partial_totals(national, dyadic).tolist() == [True, False, False]


def test_dots_world_total_needs_partner_lines_and_vietnam_is_south_to_1975(tmp_path):
    rows = [("USSR", "World", 1960, 146.7), ("USSR", "Asia not specified", 1960, 146.7),
            ("USSR", "World", 1981, 38722.4), ("USSR", "China, P.R.: Mainland", 1981, 140.0),
            ("United States", "Vietnam", 1970, 352.0), ("United States", "Vietnam", 1976, 1.0)]
    p = tmp_path / imf_dots.DOTS_FILE
    p.parent.mkdir(parents=True)
    with gzip.open(p, "wt") as fh:
        fh.write("reporter,partner,year,exports_fob_usd_mn,estimated,source_file\n")
        fh.writelines(f"{r},{q!r},{y},{v},0,DOTS_203.xlsx\n".replace("'", '"') for r, q, y, v in rows)
    sy = imf_dots.read_dots(tmp_path).state_year
    assert one(sy, "merch_exports_usd_dots", 365, 1960) is None  # one "not specified" line: no total
    assert one(sy, "merch_exports_usd_dots", 365, 1981) == pytest.approx(38_722.4e6)
    dy = imf_dots.read_dots(tmp_path).dyad_year
    assert one(dy, "trade_exports_usd_dots", 2, 817, 1970) == 352e6  # the IMF member: South Vietnam
    assert one(dy, "trade_exports_usd_dots", 2, 816, 1970) is None
    assert one(dy, "trade_exports_usd_dots", 2, 816, 1976) == 1e6


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=6, unique_by=lambda t: t))
def test_cow_trade_exports_mirror_the_flows(tmp_path_factory, flows):
    raw = tmp_path_factory.mktemp("cow")
    rows = "\n".join(f"2,20,{1990 + i},{f1},{f2},{f1},{f2}" for i, (f1, f2) in enumerate(flows))
    p = raw / cow_trade.NDY_FILE
    p.parent.mkdir(parents=True)
    with gzip.open(p, "wt") as fh:
        fh.write("ccode1,ccode2,year,flow1,flow2,smoothflow1,smoothflow2\n" + rows + "\n")
    dy = cow_trade.read_dyadic(raw).dyad_year
    for i, (f1, f2) in enumerate(flows):
        y = 1990 + i
        assert one(dy, "trade_exports_usd_cow", 20, 2, y) == f1 * 1e6
        assert one(dy, "trade_exports_usd_cow", 2, 20, y) == f2 * 1e6
        assert one(dy, "trade_total_usd_cow", 2, 20, y) == (f1 + f2) * 1e6


def test_cow_trade_malformed_files_name_the_file(tmp_path):
    raw = copy_raw(tmp_path, "cow_trade_dyadic")
    p = raw / cow_trade.NDY_FILE
    p.write_bytes(p.read_bytes()[:40])  # truncated gzip
    with pytest.raises(DataError, match="cow_trade_ndy.csv.gz"):
        cow_trade.read_dyadic(raw)
    (raw / cow_trade.SY_FILE).write_text("ccode,year,imports\n2,2000,5\n")
    with pytest.raises(DataError, match="cow_trade_sy.csv: missing expected column.*exports"):
        cow_trade.read_national(raw)
    (raw / cow_trade.SY_FILE).write_text("ccode,year,imports,exports\n2,2000,5,lots\n")
    with pytest.raises(DataError, match="cow_trade_sy.csv.*'lots'"):
        cow_trade.read_national(raw)


# ----------------------------------------------------------------------------- IMF DOTS

def test_dots_names_mirror_and_totals():
    data = imf_dots.read_dots(FIXTURES)
    dy, sy = data.dyad_year, data.state_year
    assert one(dy, "trade_exports_usd_dots", 710, 365, 2020) == 50_608.3e6  # duplicate row read once
    assert one(dy, "trade_exports_usd_dots", 365, 710, 2020) == 49_583.1e6
    assert one(dy, "trade_total_usd_dots", 365, 710, 2020) == pytest.approx((50_608.3 + 49_583.1) * 1e6)
    assert one(dy, "trade_exports_usd_dots", 732, 365, 2020) == 6_900.25e6  # "Korea, Rep. of"
    # "Germany" before 1990 is West Germany; USSR is 365 until 1991
    assert one(dy, "trade_exports_usd_dots", 365, 260, 1985) == 4_000e6
    assert one(dy, "trade_exports_usd_dots", 260, 365, 1985) == 5_000e6
    # a residual "USSR" partner line after 1991 is not Russia
    assert dy[(dy.ccode1 == 740) & (dy.year == 1995)].empty
    assert one(dy, "trade_exports_usd_dots", 345, 740, 2010) == 12.5e6  # "Serbia, Rep. of"
    # aggregates and territories (Hong Kong, Advanced Economies) never appear
    assert set(dy.ccode1) | set(dy.ccode2) <= {2, 20, 255, 260, 345, 365, 710, 732, 740}
    assert one(sy, "merch_exports_usd_dots", 710, 2020) == 2_590_646.5e6
    assert one(sy, "merch_imports_usd_dots_mirror", 365, 2020) == 231_000e6
    assert one(sy, "merch_imports_usd_dots_mirror", 820, 1960) is None  # negative aggregate cell
    assert (dy.ccode1 != dy.ccode2).all()


def test_dots_unknown_name_and_conflicting_duplicates_are_errors(tmp_path):
    raw = copy_raw(tmp_path, "imf_dots")
    p = raw / imf_dots.DOTS_FILE
    text = gzip.open(p, "rt").read()
    with gzip.open(p, "wt") as fh:
        fh.write(text + "Atlantis,Japan,2000,5,0,DOTS_999.xlsx\n")
    with pytest.raises(DataError, match="imf_dots_exports.*'Atlantis'"):
        imf_dots.read_dots(raw)
    with gzip.open(p, "wt") as fh:
        fh.write(text + '"China, P.R.: Mainland",Russian Federation,2020,1.0,0,DOTS_40.xlsx\n')
    with pytest.raises(DataError, match="not unique"):
        imf_dots.read_dots(raw)


def test_names_to_ccodes_windows_and_skips():
    names = pd.Series(["Yemen Arab Rep.", "Yemen, Rep. of", "China, P.R.: Macao", "Czech Rep.", "Czechoslovakia",
                       "Czechoslovakia", "Eswatini, Kingdom of"])
    years = pd.Series([1985, 1995, 2000, 2000, 1990, 1995, 2000])
    out = imf_dots.names_to_ccodes(names, years, label="t", aliases=imf_dots.DOTS_ALIASES, skip=imf_dots.DOTS_SKIP,
                                   windows=imf_dots.DOTS_WINDOWS)
    assert out.tolist()[:2] == [678, 679]
    assert pd.isna(out.iloc[2])  # Macao is not North Macedonia
    assert out.iloc[3] == 316 and out.iloc[4] == 315 and pd.isna(out.iloc[5]) and out.iloc[6] == 572


# ----------------------------------------------------------------------------- SIPRI

def test_sipri_dyads_exclude_non_state_parties_but_totals_include_them():
    data = sipri_arms.read_arms(FIXTURES)
    dy, sy, world = data.dyad_year, data.state_year, data.tables["arms_world_totals"]
    assert one(dy, "arms_transfers_tiv", 365, 710, 2020) == 150.5  # two deals summed
    assert one(sy, "arms_exports_tiv_sipri", 365, 2020) == 160.5  # incl. Hezbollah
    assert one(sy, "arms_imports_tiv_sipri", 710, 2020) == 155.5  # incl. unknown supplier
    assert one(sy, "arms_exports_tiv_sipri", 2, 2020) == 20  # to NATO
    assert dy[(dy.year == 2020) & (dy.ccode1 == 2)].empty  # NATO is no dyad partner
    assert world.set_index("year").loc[2020, "world_tiv"] == pytest.approx(185.5)
    assert world.set_index("year").loc[2020, "source_file"] == "register"
    assert one(dy, "arms_transfers_tiv", 640, 620, 2019) == 11  # Libya + Libya GNC
    # 360info file before 1995 only; its rebels are not their host state (its own code says 92)
    assert one(dy, "arms_transfers_tiv", 365, 710, 1960) == 500
    assert one(dy, "arms_transfers_tiv", 365, 710, 1995) is None  # 360info's 1995 row is not used
    assert one(dy, "arms_transfers_tiv", 710, 365, 1995) == 1
    assert one(dy, "arms_transfers_tiv", 365, 92, 1985) is None
    assert one(sy, "arms_exports_tiv_sipri", 365, 1985) == 7
    assert one(sy, "arms_imports_tiv_sipri", 710, 1960) == 503
    assert world.set_index("year").loc[1960, "world_tiv"] == 1333
    assert world.set_index("year").loc[1960, "source_file"] == "360info"


def test_sipri_malformed_register_names_the_file(tmp_path):
    raw = copy_raw(tmp_path, "sipri_arms_transfers")
    p = raw / sipri_arms.REGISTER_FILE
    lines = p.read_text().splitlines()
    p.write_text("\n".join(lines[:8]))
    with pytest.raises(DataError, match="sipri_trade_register.*before the header"):
        sipri_arms.read_arms(raw)
    p.write_text("\n".join(lines[:11] + [lines[11].replace("TIV delivery values", "TIV")] + lines[12:]))
    with pytest.raises(DataError, match="sipri_trade_register.*TIV delivery values"):
        sipri_arms.read_arms(raw)


# ----------------------------------------------------------------------------- ATOP, IGO, ICEWS

def test_atop_is_directed_and_keeps_listed_zeros():
    dy = atop.read_atop(FIXTURES).dyad_year
    assert one(dy, "alliance_defense", 2, 630, 1960) == 1
    assert one(dy, "alliance_defense", 630, 2, 1960) == 0
    assert one(dy, "alliance_nonagg", 710, 365, 2018) == 1
    assert one(dy, "alliance_consult", 365, 710, 2018) == 1
    assert one(dy, "alliance_offense", 365, 710, 2018) == 0  # explicit zero keeps the coverage to 2018
    assert set(dy.series) == {"alliance_defense", "alliance_offense", "alliance_neutral", "alliance_nonagg",
                              "alliance_consult", "atop_alliance"}
    # the "any ATOP alliance" indicator: every listed pair-year, once (ccode1 < ccode2)
    assert one(dy, "atop_alliance", 2, 630, 1960) == 1 and one(dy, "atop_alliance", 630, 2, 1960) is None
    assert (dy.series == "atop_alliance").sum() == 3


def test_atop_indicator_keeps_all_zero_rows_and_needs_both_orders(tmp_path):
    raw = copy_raw(tmp_path, "atop_alliance")
    head = "ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n"
    with gzip.open(raw / atop.ATOP_FILE, "wt") as fh:  # listed both ways, no obligation: still an alliance
        fh.write(head + "140,160,1859,0,0,0,0,0\n160,140,1859,0,0,0,0,0\n")
    dy = atop.read_atop(raw).dyad_year
    assert one(dy, "atop_alliance", 140, 160, 1859) == 1 and one(dy, "alliance_defense", 160, 140, 1859) == 0
    with gzip.open(raw / atop.ATOP_FILE, "wt") as fh:
        fh.write(head + "140,160,1859,0,0,0,0,0\n")
    with pytest.raises(DataError, match=r"\(140, 160, 1859\) is listed in one order only"):
        atop.read_atop(raw)


def test_atop_rejects_non_binary(tmp_path):
    raw = copy_raw(tmp_path, "atop_alliance")
    with gzip.open(raw / atop.ATOP_FILE, "wt") as fh:
        fh.write("ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n2,20,2000,2,0,0,1,1\n")
    with pytest.raises(DataError, match="atop_alliance.csv.gz.*atop_defense"):
        atop.read_atop(raw)


def test_igo_joint_keeps_zero_and_is_symmetric():
    dy = cow_igo.read_igo(FIXTURES).dyad_year
    assert one(dy, "igo_joint", 365, 710, 2014) == 55
    assert one(dy, "igo_joint", 2, 700, 1950) == 0
    assert (dy.ccode1 < dy.ccode2).all()


def test_icews_counts_are_directed():
    dy = icews.read_icews(FIXTURES).dyad_year
    assert one(dy, "icews_verbal_coop", 710, 365, 2014) == 2182
    assert one(dy, "icews_material_coop", 710, 365, 2014) == 22
    assert one(dy, "icews_verbal_conflict", 710, 365, 2014) == 15
    assert one(dy, "icews_material_conflict", 710, 365, 2014) == 9
    assert one(dy, "icews_verbal_coop", 365, 710, 2014) == 2000
    assert one(dy, "icews_verbal_coop", 255, 710, 2014) == 0  # zeros inside the panel are kept


# ----------------------------------------------------------------------------- IMF DIP, CGIT

def test_dip_precedence_units_and_totals():
    data = imf_dip.read_dip(FIXTURES)
    dy, sy, table = data.dyad_year, data.state_year, data.tables["fdi_positions_reported"]
    # investor's own report (China outward, O) beats the host-side mirror
    assert one(dy, "fdi_position_usd", 710, 365, 2018) == pytest.approx(6_577.616227e6)
    assert one(dy, "fdi_position_usd", 710, 365, 2014) == pytest.approx(2_758.972966e6)  # only the mirror
    # Russia in the USA: investor-reported mirror (inward SCC) beats the host's own report
    assert one(dy, "fdi_position_usd", 365, 2, 2018) == pytest.approx(7_332.279704e6)
    assert one(dy, "fdi_position_usd", 365, 2, 2022) == 3_726e6
    # China's KOR cells exceed China's World total: dropped as unit errors; the mirror remains
    assert one(dy, "fdi_position_usd", 710, 732, 2018) == pytest.approx(8_351.48e6)
    assert one(dy, "fdi_position_usd", 732, 710, 2018) is None
    assert one(dy, "fdi_position_usd", 255, 347, 2018) == -12.5e6  # IMF's "KOS"; negative net kept
    assert set(dy.ccode1) | set(dy.ccode2) <= {2, 255, 347, 365, 710, 732}  # Hong Kong dropped
    assert one(sy, "fdi_inward_stock_usd", 2, 2018) == 4_179_984e6
    assert one(sy, "fdi_outward_stock_usd", 710, 2018) == 1_982_270e6
    cands = table[(table.investor == 710) & (table.host == 365) & (table.year == 2018)]
    assert sorted(cands.reported_by) == ["host", "investor"]


def test_dip_wrong_indicator_is_an_error(tmp_path):
    raw = copy_raw(tmp_path, "imf_direct_investment_positions")
    p = raw / imf_dip.INWARD_FILE
    p.write_text(p.read_text(encoding="utf-8-sig").replace("INWD_D_NETLA_FALL_ALL", "INWD_D_X", 1), encoding="utf-8-sig")
    with pytest.raises(DataError, match="IMF_STA_DIP_12.0.1_inward.*INWD_D_X"):
        imf_dip.read_dip(raw)


def test_cgit_flows_deals_and_row_sum_check(tmp_path):
    data = aei_cgit.read_cgit(FIXTURES)
    dy = data.dyad_year
    assert one(dy, "cgit_investment_usd", 710, 365, 2006) == 5_410e6
    assert one(dy, "cgit_investment_usd", 710, 200, 2005) == 0  # explicit zero inside coverage
    assert one(dy, "cgit_investment_usd", 710, 484, 2005) == 100e6  # "Congo" = Republic of the Congo
    deals = data.tables["cgit_deals"]
    assert list(deals.columns) == ["year", "month", "investor", "value_usd", "sector", "subsector", "country", "ccode"]
    assert deals.value_usd.sum() == 5_410e6 and set(deals.ccode) == {365}
    raw = copy_raw(tmp_path, "aei_china_global_investment_tracker")
    p = raw / aei_cgit.FLOWS_FILE
    p.write_text(p.read_text().replace("2006,50,0,5410", "2006,50,0,541"))
    with pytest.raises(DataError, match="annual_flows_by_country_usd_millions.csv: year 2006"):
        aei_cgit.read_cgit(raw)


# ----------------------------------------------------------------------------- rivalries, vetoes

def test_rivalries_and_mids():
    data = rivalries.read_rivalries(FIXTURES)
    dy = data.dyad_year
    assert one(dy, "rivalry_td", 365, 710, 1816) == 1
    assert one(dy, "rivalry_td", 365, 710, 1950) is None  # gap between the two spells
    assert one(dy, "rivalry_td", 365, 710, 1989) == 1
    assert one(dy, "rivalry_td", 200, 220, 1716) is None  # before 1816: cut
    assert one(dy, "rivalry_tss", 2, 710, 2020) == 1
    assert one(dy, "mid_dispute", 365, 710, 1969) == 1
    assert one(dy, "mid_dispute", 365, 710, 2009) == 1
    assert len(dy[dy.series == "mid_dispute"]) == 3  # both directed rows give one pair-year
    tss = data.tables["rivalries_tss"]
    assert tss.set_index("tssr_id").loc[211, ["positional", "spatial"]].tolist() == [1, 0]
    mids = data.tables["mid_dyad_years"]
    assert mids.fatality.isna().sum() == 2  # -9 is missing


def test_rivalry_ending_before_start_is_an_error(tmp_path):
    raw = copy_raw(tmp_path, "rivalries_peacesciencer")
    p = raw / rivalries.TD_FILE
    p.write_text(p.read_text().replace("1958,1989", "1989,1958"))
    with pytest.raises(DataError, match="td_rivalries.csv: a rivalry ends before it starts"):
        rivalries.read_rivalries(raw)


def test_vetoes_long_table_joint_counts_and_china_seat():
    data = unsc_vetoes.read_vetoes(FIXTURES)
    t, sy, dy = data.tables["unsc_vetoes"], data.state_year, data.dyad_year
    assert len(t) == 1 + 1 + 3 + 2 + 2  # one row per veto x vetoing state
    assert t[t.draft == "S/12211"].ccode.tolist() == [2, 200, 220]  # flags in the file are 0: names used
    assert one(dy, "veto_joint", 365, 710, 2007) == 1
    assert one(dy, "veto_joint", 365, 710, 2010) == 0  # permanent members' zeros are stored
    assert one(dy, "veto_joint", 200, 220, 1976) == 1
    assert one(dy, "veto_joint", 2, 713, 1950) == 0  # the Republic of China held the seat
    assert one(dy, "veto_joint", 2, 710, 1950) is None
    assert one(sy, "vetoes", 710, 1972) == 1
    assert one(sy, "vetoes", 365, 1946) == 1
    assert sy.year.min() == 1946 and sy.year.max() == 2011
    assert (dy.ccode1 < dy.ccode2).all()


def test_vetoes_unknown_member_is_an_error(tmp_path):
    raw = copy_raw(tmp_path, "unsc_vetoes")
    p = raw / unsc_vetoes.VETO_FILE
    p.write_text(p.read_text().replace("Middle East,USSR,", "Middle East,Spain,", 1))
    with pytest.raises(DataError, match="unsc_vetoes_1946_sept2022.csv: unknown vetoing member.*Spain"):
        unsc_vetoes.read_vetoes(raw)


# ----------------------------------------------------------------------------- real files

@pytest.fixture(scope="module")
def dots_real(raw_dir):
    return imf_dots.read_dots(raw_dir)


def test_real_cow_china_russia_2014(raw_dir):
    dy = cow_trade.read_dyadic(raw_dir).dyad_year
    assert one(dy, "trade_exports_usd_cow", 710, 365, 2014) == 51_135e6  # flow1
    assert one(dy, "trade_exports_usd_cow", 365, 710, 2014) == 42_807e6  # flow2


def test_real_dots_china_russia_2020(dots_real):
    dy = dots_real.dyad_year
    assert one(dy, "trade_exports_usd_dots", 710, 365, 2020) == pytest.approx(50_608e6, rel=1e-4)
    assert one(dy, "trade_exports_usd_dots", 365, 710, 2020) == pytest.approx(49_583e6, rel=1e-4)
    keys = ["series", "ccode1", "ccode2", "year"]
    assert not dy.duplicated(keys).any()


def test_real_sipri_2020_2024_shares_match_fact_sheet(raw_dir):
    from powergap.curated import fact_value

    data = sipri_arms.read_arms(raw_dir)
    sy, world = data.state_year, data.tables["arms_world_totals"]
    total = world[world.year.between(2020, 2024)].world_tiv.sum()
    exp = sy[(sy.series == "arms_exports_tiv_sipri") & sy.year.between(2020, 2024)].groupby("ccode").value.sum()
    for iso, ccode in (("USA", 2), ("FRA", 220), ("RUS", 365), ("CHN", 710), ("ITA", 325)):
        published, _ = fact_value("arms_export_share_5y", iso, period=(2020, 2024))
        assert abs(exp[ccode] / total - published) < 0.01


def test_real_igo_dip_cgit_vetoes(raw_dir):
    assert one(cow_igo.read_igo(raw_dir).dyad_year, "igo_joint", 365, 710, 2014) == 55
    dip = imf_dip.read_dip(raw_dir).dyad_year
    assert one(dip, "fdi_position_usd", 710, 365, 2024) == pytest.approx(15_752e6, rel=1e-4)
    assert one(aei_cgit.read_cgit(raw_dir).dyad_year, "cgit_investment_usd", 710, 365, 2006) == 5_410e6
    v = unsc_vetoes.read_vetoes(raw_dir)
    joint = v.dyad_year[(v.dyad_year.series == "veto_joint") & (v.dyad_year.ccode1 == 365) & (v.dyad_year.ccode2 == 710)]
    assert joint.value.sum() == 14
