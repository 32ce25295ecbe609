import pytest

import powergap as pg
from powergap.errors import UnknownStateError


@pytest.mark.parametrize("query, ccode", [
    ("China", 710), ("Russia", 365), ("Soviet Union", 365), ("Korea, Republic of", 732),
    ("RUS", 365), ("CN", 710), ("365", 365), (365, 365), ("KZK", 705), ("UKG", 200),
    ("United States", 2), ("USA", 2), ("AUS", 900), ("AUT", 305), ("MNG", 712),
    ("West Germany", 260), ("DEU", 255), ("North Korea", 731), ("Kazakhstan", 705),
])
def test_resolve(query, ccode):
    assert pg.resolve(query).ccode == ccode


@pytest.mark.parametrize("query, hint", [("Chna", "China"), ("Atlantis", ""), ("Congo", "Democratic Republic"),
                                         ("Korea", "North Korea"), ("", ""), ("9999", ""), ("Macao SAR", "")])
def test_resolve_errors_name_the_problem(query, hint):
    with pytest.raises(UnknownStateError) as exc:
        pg.resolve(query)
    msg = str(exc.value)
    assert "\n" not in msg
    assert hint in msg


def test_crosswalk_is_complete_and_strict():
    from powergap.states import crosswalk

    xw = crosswalk()
    assert xw["ccode"].is_unique
    assert xw.loc[xw.ccode == 565, "iso2"].item() == "NA"  # Namibia, not missing
    assert xw.loc[xw.ccode == 365, "iso3"].item() == "RUS"
    # Only DEU and YEM are shown for two states (West Germany and North Yemen have no code
    # of their own); which state-years their figures attach to is iso_windows.tsv's business.
    iso = xw[xw.iso3 != ""]
    dup = iso[iso.iso3.duplicated(keep=False)]
    assert set(dup.iso3) == {"DEU", "YEM"}
    assert "iso_from" not in xw.columns


def test_iso3_to_ccode_depends_on_year_and_territory():
    import pandas as pd

    from powergap.states import iso3_to_ccode

    codes = ["DEU", "DEU", "YEM", "YEM", "SUN", "SUN", "RUS", "RUS", "VNM", "VNM", "SRB", "YUG", "XXX"]
    years = [1980, 1995, 1985, 1995, 1980, 1992, 1970, 1992, 1970, 1980, 2000, 1980, 2000]
    out = iso3_to_ccode(pd.Series(codes), pd.Series(years))
    assert [None if pd.isna(v) else int(v) for v in out] == [
        None, 255,   # unified-Germany backcast for 1980 is neither West Germany nor the Reich
        None, 679,   # unified Yemen's territory before 1990 is not North Yemen's
        365, None,   # the Soviet Union to 1991; SUN is no state after
        None, 365,   # the Russian SFSR is not the USSR
        None, 816,   # all Vietnam before 1976 is not North Vietnam
        None, 345,   # Serbia alone is not Serbia and Montenegro; Yugoslavia is 345 to 1991
        None]
    # a source's own rows: IMF WEO's "Germany" to 1990 is West Germany
    weo = iso3_to_ccode(pd.Series(["DEU", "DEU"]), pd.Series([1985, 1991]), source="imf_weo")
    assert weo.tolist() == [260, 255]
    # statistics for a territory vs. the state of the day: the World Bank's SDN for 2005
    # leaves out South Sudan (not Sudan's 2005 territory); SIPRI's or ICEWS's Sudan of 2005 is Sudan
    sdn = [iso3_to_ccode(pd.Series(["SDN"]), pd.Series([2005]), source=s).iloc[0] for s in (None, "state")]
    assert pd.isna(sdn[0]) and sdn[1] == 625


def test_membership_extends_open_spells_to_end_year():
    m = pg.membership(end_year=2022)
    usa = m[m.ccode == 2]
    assert usa["end"].max().year == 2022
    # a state that left before the list's end is not extended
    assert m[m.ccode == 817]["end"].max().year == 1975
    m16 = pg.membership(end_year=2010)
    assert m16["end"].max().year == 2010
