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
    # every ISO3 code present maps to exactly one state unless year-ranged
    iso = xw[xw.iso3 != ""]
    dup = iso[iso.iso3.duplicated(keep=False)]
    assert set(dup.iso3) <= {"DEU", "YEM"}
    assert (dup.iso_from + dup.iso_to != "").any()


def test_iso3_to_ccode_depends_on_year():
    import pandas as pd

    from powergap.states import iso3_to_ccode

    out = iso3_to_ccode(pd.Series(["DEU", "DEU", "YEM", "YEM", "SUN", "XXX"]),
                        pd.Series([1980, 1995, 1985, 1995, 1980, 2000]))
    assert out.tolist()[:5] == [260, 255, 678, 679, 365]
    assert pd.isna(out.iloc[5])


def test_membership_extends_open_spells_to_end_year():
    m = pg.membership(end_year=2022)
    usa = m[m.ccode == 2]
    assert usa["end"].max().year == 2022
    # a state that left before the list's end is not extended
    assert m[m.ccode == 817]["end"].max().year == 1975
    m16 = pg.membership(end_year=2010)
    assert m16["end"].max().year == 2010
