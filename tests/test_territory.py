"""Territory-true state system and one source per dyad-year (issue 12, items 1 and 2).

Tests on the shipped snapshot never skip; tests that read ../shared raw files skip when it
is absent (conftest.raw_dir).
"""

from __future__ import annotations

import gzip
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from powergap.errors import DataError, UnknownStateError
from powergap.snapshot import precedence
from powergap.states import check_iso_windows, crosswalk, iso_windows

# Sources whose state-year series are keyed by ISO3 codes (or names turned into ISO3
# codes) and describe a territory, with whether they use withdrawn codes (SUN, YUG, CSK).
TERRITORIAL = {"wdi": False, "pwt": False, "imf_weo": False, "maddison": True, "gapminder": True}


def _windows(source: str, historical: bool) -> pd.DataFrame:
    w = iso_windows()
    own = w[w["source"] == source]
    w = pd.concat([own, w[(w["source"] == "") & ~w["code"].isin(set(own["code"]))]], ignore_index=True)
    if not historical:  # only the codes the source uses: current ISO3 codes (and Kosovo's XKX)
        current = set(crosswalk()["iso3"]) | {"XKX"}
        w = w[w["code"].isin(current)]
    return w


# ----------------------------------------------------------------------------- windows

def test_windows_cover_every_crosswalk_and_historical_code():
    from powergap.states import HISTORICAL_ISO3

    codes = set(iso_windows()["code"])
    assert set(crosswalk()["iso3"]) - {""} <= codes
    assert set(HISTORICAL_ISO3) <= codes
    assert iso_windows()["note"].str.len().gt(20).all()  # every row says why


def _overlapping() -> pd.DataFrame:
    w = iso_windows().copy()
    # The old crosswalk's two DEU rules: 255 outside 1946-1989 and 260 inside them.
    extra = pd.DataFrame([{"code": "DEU", "ccode": 260, "first_year": 1946, "last_year": 1995, "source": "",
                           "note": "overlaps DEU -> 255 from 1990"}])
    return pd.concat([w, extra], ignore_index=True)


def test_overlapping_windows_are_refused_naming_the_codes():
    with pytest.raises(UnknownStateError, match=r"overlap: code DEU -> COW 260 to 1995 and -> COW 255 from 1990"):
        check_iso_windows(_overlapping())


def test_overlapping_windows_fail_the_build(monkeypatch, raw_dir, tmp_path):
    from powergap.snapshot import build as build_mod
    from powergap.sources import source

    monkeypatch.setattr("powergap.states.iso_windows", _overlapping)
    with pytest.raises(DataError, match="state system: ISO windows overlap: code DEU"):
        build_mod.build(raw_dir, tmp_path / "snap", sources=(source("cow_states"),))
    assert not (tmp_path / "snap").exists()


def test_window_outside_membership_is_refused(store):
    spells = store.table("cow_states")
    bad = pd.DataFrame([{"code": "KAZ", "ccode": 705, "first_year": 1960, "last_year": 9999, "source": "",
                         "note": "Kazakh SSR"}])
    with pytest.raises(UnknownStateError, match="KAZ -> COW 705 in 1960- lies outside the state's system membership"):
        check_iso_windows(bad, spells)
    check_iso_windows(iso_windows(), spells)  # the shipped windows pass


def test_no_code_names_two_states_in_one_year():
    w = iso_windows()
    years = [(r.source, r.code, y) for r in w.itertuples() for y in range(max(r.first_year, 1816),
                                                                            min(r.last_year, 2030) + 1)]
    assert len(years) == len(set(years))


# ----------------------------------------------------------------------------- shipped snapshot

def test_ussr_population_1970_is_cows_not_the_russian_sfsrs(store):
    # WDI's RUS figure for 1970 (130.4 million) is the Russian SFSR: not attached to COW 365.
    assert store.value("population", 365, 1970) is None
    assert store.value("population", 365, 1991) is None
    assert store.value("population", 365, 1992) == pytest.approx(148_538_197)
    # COW NMC v7.0 tpop (thousands) for the USSR and China in 1970, and Maddison's former USSR.
    assert store.value("tpop", 365, 1970) == 242_767.0
    assert store.value("tpop", 710, 1970) == 830_675.0
    assert store.value("population_maddison", 365, 1970) == pytest.approx(242_478_000)
    assert 830_675.0 / 242_767.0 == pytest.approx(3.4217, abs=1e-4)


def test_profile_compares_cow_consistent_populations_ussr_china_1970():
    import json

    from typer.testing import CliRunner

    from powergap.cli import app

    out = CliRunner().invoke(app, ["profile", "Soviet Union", "CHN", "--start", "1970", "--end", "1970", "--json"])
    assert out.exit_code == 0, out.output
    demo = json.loads(out.stdout)["years"][0]["dimensions"]["demographic"]
    if demo["ratio"] is not None:
        assert demo["ratio"] == pytest.approx(830_675 / 242_767, rel=0.02)  # never 6.3 (RSFSR)


@pytest.mark.parametrize("ccode, years", [
    (260, range(1955, 1990)),  # West Germany: no unified-Germany backcasts
    (678, range(1960, 1990)),  # North Yemen: no unified-Yemen figures
    (816, range(1960, 1976)),  # North Vietnam: no all-Vietnam figures
    (345, range(1992, 2008)),  # Serbia and Montenegro (with Kosovo): not Serbia alone
    (625, range(1960, 2012)),  # Sudan with the South: WDI's SDN never includes it
    (770, range(1960, 1972)),  # Pakistan with East Pakistan
])
def test_wdi_population_absent_where_the_territory_differs(store, ccode, years):
    pop = store.series("population")
    assert pop[(pop["ccode"] == ccode) & pop["year"].isin(list(years))].empty


def test_iso3_sourced_state_years_lie_in_their_windows_and_cow_membership(store):
    """Property over the whole snapshot: every state-year of a territorial ISO3-keyed source
    lies inside a window of a code that source uses for that state, and the state was a
    system member that year."""
    sy = store.state_year_all()
    spells = store.table("cow_states")
    member = {(int(r.ccode), y) for r in spells.itertuples() for y in range(int(r.styear), int(r.endyear) + 1)}
    end = int(spells["endyear"].max())
    checked = 0
    for src, historical in TERRITORIAL.items():
        rows = sy.loc[sy["source"] == src, ["ccode", "year"]].drop_duplicates()
        assert not rows.empty, src
        w = _windows(src, historical)
        allowed = {(int(r.ccode), y) for r in w.itertuples()
                   for y in range(max(r.first_year, 1800), min(r.last_year, 2030) + 1)}
        pairs = set(zip(rows["ccode"].astype(int), rows["year"].astype(int)))
        outside = sorted(pairs - allowed)
        assert not outside, f"{src}: {outside[:5]}"
        not_member = sorted(p for p in pairs if p not in member and not (p[1] > end and (p[0], end) in member))
        assert not not_member, f"{src}: {not_member[:5]}"
        checked += len(pairs)
    assert checked > 40_000
    # Sources keyed by ISO3 codes that report the state of the day ("state" rows): members only.
    for src in ("sipri_milex", "fbic", "pew", "imf_direct_investment_positions"):
        rows = sy.loc[sy["source"] == src, ["ccode", "year"]].drop_duplicates()
        assert not rows.empty, src
        pairs = set(zip(rows["ccode"].astype(int), rows["year"].astype(int)))
        not_member = sorted(p for p in pairs if p not in member and not (p[1] > end and (p[0], end) in member))
        assert not not_member, f"{src}: {not_member[:5]}"


def test_nmc_is_untouched_by_the_windows(store):
    # COW NMC is keyed by ccode in COW's own territory: the USSR and the two Germanies stay.
    assert store.value("tpop", 260, 1970) == 60_714.0
    assert store.value("tpop", 265, 1970) == 17_058.0
    assert store.value("milper", 365, 1970) is not None


# ----------------------------------------------------------------------------- one source per pair-year

def test_no_dyad_year_mixes_sources(store):
    x = store.series("trade_exports_usd")
    rev = x.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1", "source": "rsource", "value": "rvalue"})
    both = x.merge(rev[["ccode1", "ccode2", "year", "rsource", "rvalue"]], on=["ccode1", "ccode2", "year"])
    assert len(both) > 500_000
    assert (both["source"] == both["rsource"]).all()
    # the pair total comes from the source of the pair's flows
    tot = store.series("trade_total_usd", directed=False)
    t = tot.merge(x[["ccode1", "ccode2", "year", "source"]], on=["ccode1", "ccode2", "year"], suffixes=("", "_x"))
    assert len(t) == len(tot)
    assert (t["source"] == t["source_x"]).all()


def test_china_ussr_trade_1960_1963_is_missing_not_zero(store):
    # COW Dyadic Trade v4.0 (cow_trade_ndy.csv.gz, row ccode1=365, ccode2=710, year=1962)
    # holds flow1 = flow2 = 0; neither state has an IMF DOTS table listing the other (the
    # USSR's 1962 table holds only "Asia not specified"; China has none), so the zeros are
    # no report and are dropped: the pair-year is missing in every trade series.
    for sid in ("trade_exports_usd", "trade_exports_usd_cow", "trade_exports_usd_dots"):
        x = store.series(sid)
        hit = x[(((x.ccode1 == 710) & (x.ccode2 == 365)) | ((x.ccode1 == 365) & (x.ccode2 == 710)))
                & x.year.between(1960, 1963)]
        assert hit.empty, (sid, hit)
    for sid in ("trade_total_usd", "trade_total_usd_cow"):
        assert store.series(sid, directed=False).query("ccode1 == 365 and ccode2 == 710 and year == 1962").empty
    # 1957, when COW has reports, stays: 812 and 544 million US$ (COW flow1, flow2)
    x = store.series("trade_exports_usd")
    assert x.query("ccode1 == 710 and ccode2 == 365 and year == 1957")["value"].item() == 812_000_000
    assert x.query("ccode1 == 365 and ccode2 == 710 and year == 1957")["value"].item() == 544_000_000


def test_ussr_total_trade_1960_is_missing_not_316_million(store):
    # COW national trade 1960 (169.5 + 146.7 million) and IMF DOTS's "World" line (146.7)
    # come from a table with only an "Asia not specified" line: not totals.
    for sid in ("merch_exports_usd_cow", "merch_imports_usd_cow", "merch_exports_usd_dots"):
        assert store.value(sid, 365, 1960) is None, sid
    assert store.value("merch_exports_usd_cow", 365, 1963) == pytest.approx(7_272_390_137, rel=1e-6)


# ----------------------------------------------------------------------------- the rules, on constructed data

def _frame(rows):
    return pd.DataFrame(rows, columns=["series", "ccode1", "ccode2", "year", "value", "source"])


def test_zero_contradicted_by_the_dots_is_dropped():
    """South Africa-Lesotho 2000: COW 0 both ways, the DOTS has Lesotho's exports to South Africa."""
    dy = _frame([
        ("trade_exports_usd_dots", 570, 560, 2000, 91935581.0, "imf_dots"),
        ("trade_exports_usd_dots", 560, 2, 2000, 1.0e9, "imf_dots"),          # South Africa reports that year
        ("trade_exports_usd_cow", 560, 570, 2000, 0.0, "cow_trade_dyadic"),
        ("trade_exports_usd_cow", 570, 560, 2000, 0.0, "cow_trade_dyadic"),
        ("trade_total_usd_cow", 560, 570, 2000, 0.0, "cow_trade_dyadic"),
    ])
    out, n = precedence.drop_unreported_zeros(dy)
    assert n == 2
    assert set(out["series"]) == {"trade_exports_usd_dots"}
    combined, _choice = precedence.pair_precedence([out[out.series == "trade_exports_usd_dots"],
                                                    out[out.series == "trade_exports_usd_cow"]])
    pair = combined[(combined.ccode1.isin([560, 570])) & (combined.ccode2.isin([560, 570]))]
    assert pair[["ccode1", "ccode2", "value", "source"]].values.tolist() == [[570, 560, 91935581.0, "imf_dots"]]


def test_real_south_africa_lesotho_2000_takes_the_dots_not_cow_zeros(store):
    df = store.series("trade_exports_usd", involving=(560, 570))
    pair = df[df.ccode1.isin([560, 570]) & df.ccode2.isin([560, 570]) & (df.year == 2000)]
    assert pair[["ccode1", "ccode2", "value", "source"]].values.tolist() == [[570, 560, 91935581.0, "imf_dots"]]


def test_unreported_zero_is_dropped_reported_zero_kept():
    dy = _frame([
        ("trade_exports_usd_dots", 2, 200, 1970, 5.0, "imf_dots"),   # USA and Canada report in 1970
        ("trade_exports_usd_dots", 20, 200, 1970, 6.0, "imf_dots"),
        ("trade_exports_usd_dots", 2, 20, 1965, 1.0, "imf_dots"),
        ("trade_exports_usd_cow", 2, 40, 1970, 0.0, "cow_trade_dyadic"),    # Cuba no DOTS table: no report
        ("trade_exports_usd_cow", 40, 2, 1970, 0.0, "cow_trade_dyadic"),
        ("trade_exports_usd_cow", 2, 20, 1970, 0.0, "cow_trade_dyadic"),    # both report: a measured zero
        ("trade_exports_usd_cow", 2, 40, 1950, 0.0, "cow_trade_dyadic"),    # before DOTS: kept as published
        ("trade_exports_usd_cow", 2, 40, 1971, 3.0, "cow_trade_dyadic"),    # positive: kept
        ("trade_total_usd_cow", 2, 40, 1970, 0.0, "cow_trade_dyadic"),
        ("trade_total_usd_cow", 2, 20, 1970, 9.0, "cow_trade_dyadic"),
    ])
    out, n = precedence.drop_unreported_zeros(dy)
    assert n == 2
    cow = out[out.series == "trade_exports_usd_cow"]
    assert set(zip(cow.ccode1, cow.ccode2, cow.year)) == {(2, 20, 1970), (2, 40, 1950), (2, 40, 1971)}
    tot = out[out.series == "trade_total_usd_cow"]
    assert set(zip(tot.ccode1, tot.ccode2)) == {(2, 20)}


pair_rows = st.lists(st.tuples(st.sampled_from([2, 20, 40, 200]), st.sampled_from([2, 20, 40, 200]),
                               st.integers(2000, 2002), st.sampled_from([0.0, 1.0, 7.5])), max_size=25)


@settings(max_examples=60, deadline=None)
@given(dots=pair_rows, cow=pair_rows)
def test_pair_precedence_one_source_per_pair_year(dots, cow):
    def frame(rows, sid, src):
        df = pd.DataFrame([r for r in rows if r[0] != r[1]], columns=["ccode1", "ccode2", "year", "value"])
        df = df.drop_duplicates(["ccode1", "ccode2", "year"]).assign(series=sid, source=src)
        return df.astype({"ccode1": "int64", "ccode2": "int64", "year": "int64"})

    d, c = frame(dots, "trade_exports_usd_dots", "imf_dots"), frame(cow, "trade_exports_usd_cow", "cow_trade_dyadic")
    out, choice = precedence.pair_precedence([d, c])

    def dirs(df):
        k = df.assign(lo=np.minimum(df.ccode1, df.ccode2), hi=np.maximum(df.ccode1, df.ccode2))
        return k.groupby(["lo", "hi", "year"]).size().to_dict()

    nd, nc, no = dirs(d), dirs(c), dirs(out)
    assert set(no) == set(nd) | set(nc)  # every pair-year some source has is kept
    for key in no:
        want = "imf_dots" if nd.get(key, 0) == 2 or (nd.get(key, 0) == 1 and nc.get(key, 0) < 2) else "cow_trade_dyadic"
        part = out[(np.minimum(out.ccode1, out.ccode2) == key[0]) & (np.maximum(out.ccode1, out.ccode2) == key[1])
                   & (out.year == key[2])]
        assert set(part["source"]) == {want}, key
        src = d if want == "imf_dots" else c
        assert len(part) == dirs(src)[key]  # all of that source's directions, none from the other
    assert len(out) == sum(no.values())


# ----------------------------------------------------------------------------- raw files

def test_raw_cow_zeros_for_china_ussr_are_no_report(raw_dir):
    """Where the 1960-63 zeros come from, read in the raw files themselves."""
    ndy = pd.read_csv(raw_dir / "cow_trade_dyadic" / "cow_trade_ndy.csv.gz")
    rows = ndy.query("ccode1 == 365 and ccode2 == 710 and 1960 <= year <= 1963")
    assert rows["year"].tolist() == [1960, 1961, 1962, 1963]
    assert (rows[["flow1", "flow2"]] == 0).all().all()
    with gzip.open(raw_dir / "imf_dots" / "imf_dots_exports_fob_all_reporters_1960-2020_long.csv.gz", "rb") as fh:
        dots = pd.read_csv(io.BytesIO(fh.read()), usecols=["reporter", "partner", "year"])
    ussr = dots[(dots.reporter == "USSR") & dots.year.between(1960, 1963)]
    # The USSR's table: only aggregates of one "Asia not specified" line; no country partner.
    assert set(ussr["partner"]) - {"World", "Asia not specified"} <= {
        p for p in ussr["partner"] if "Economies" in p or "Asia" in p}
    china = dots[(dots.reporter == "China, P.R.: Mainland") & dots.year.between(1960, 1963)]
    assert set(china["year"]) == {1961} and "USSR" not in set(china["partner"])
