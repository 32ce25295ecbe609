"""Readers of state-year economic, military, technological, nuclear and regime data.

Fixture files under tests/fixtures/<source>/ are tiny hand-made files in each publisher's
format (invented values). The Excel workbooks (SIPRI, Maddison) are written by the tests
with openpyxl in the publisher's layout. The IMF DataMapper .xls cannot be written here
(xlrd only reads, and xlwt is not a dependency): its parser is tested on the sheet's cells
(tests/fixtures/imf_weo/*_cells.csv) and the .xls loading on the real file.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from powergap.errors import DataError
from powergap.sources import gapminder, imf_weo, maddison, nuclear, pwt, regime, sipri_milex, wdi

from conftest import FIXTURES


def value(df: pd.DataFrame, series: str, ccode: int, year: int) -> float | None:
    row = df[(df["series"] == series) & (df["ccode"] == ccode) & (df["year"] == year)]
    assert len(row) <= 1
    return None if row.empty else float(row["value"].iloc[0])


def place(raw: Path, rel: str, src: Path | str | bytes) -> Path:
    """Put a fixture (a path, text or bytes) at ``raw/rel``."""
    dst = raw / rel
    dst.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(src, Path):
        shutil.copyfile(src, dst)
    elif isinstance(src, bytes):
        dst.write_bytes(src)
    else:
        dst.write_text(src, encoding="utf-8", newline="")
    return dst


def check_contract(df: pd.DataFrame) -> None:
    assert list(df.columns) == ["series", "ccode", "year", "value"]
    assert df["value"].notna().all()
    assert not df.duplicated(["series", "ccode", "year"]).any()


# ============================================================================ WDI

WDI_GDP = FIXTURES / "wdi" / "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_fixture.csv"
WDI_FUEL = FIXTURES / "wdi" / "API_TX.VAL.FUEL.ZS.UN_nopreamble_fixture.csv"
WDI_POP = FIXTURES / "wdi" / "datahub_population_SP.POP.TOTL_fixture.csv"


def gdp_indicator(file: str = "wdi/gdp.csv", **kw) -> wdi.WdiIndicator:
    base = dict(code="NY.GDP.MKTP.CD", series="gdp_usd", file=file, unit="current US$", dimension="economic",
                description="GDP", vintage="test", name_must_contain="current US$")
    base.update(kw)
    return wdi.WdiIndicator(**base)


def test_wdi_api_file_with_preamble_and_trailing_comma():
    f = wdi.read_wdi_file(WDI_GDP, code="NY.GDP.MKTP.CD")
    assert f.last_updated == "2025-12-04"
    assert f.indicator_name == "GDP (current US$)"
    d = f.data.set_index(["iso3", "year"])["value"]
    assert d[("CHN", 2018)] == 14000000000000.5
    assert ("DEU", 2018) not in d.index  # "" is missing, not zero
    assert len(f.data) == 14  # 18 cells, 4 empty


def test_wdi_reader_maps_iso3_and_drops_aggregates(tmp_path):
    place(tmp_path, "wdi/gdp.csv", WDI_GDP)
    sy = wdi.read_indicators(tmp_path, (gdp_indicator(),)).state_year
    check_contract(sy)
    assert set(sy["ccode"]) == {710, 255, 365, 347}  # WLD and HKG dropped; XKX is Kosovo
    assert value(sy, "gdp_usd", 710, 2018) == 14000000000000.5
    assert value(sy, "gdp_usd", 365, 2019) == 1690000000000.0


def test_wdi_no_preamble_variant():
    f = wdi.read_wdi_file(WDI_FUEL, code="TX.VAL.FUEL.ZS.UN")
    assert f.last_updated is None
    d = f.data.set_index(["iso3", "year"])["value"]
    assert d[("RUS", 2020)] == 49.5 and ("RUS", 2021) not in d.index


def test_wdi_zip_reads_its_api_member(tmp_path):
    z = tmp_path / "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_1.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("Metadata_Indicator_API_NY.GDP.MKTP.CD_DS2_en_csv_v2_1.csv", '"INDICATOR_CODE",\n')
        zf.writestr("API_NY.GDP.MKTP.CD_DS2_en_csv_v2_1.csv", WDI_GDP.read_bytes())
        zf.writestr("Metadata_Country_API_NY.GDP.MKTP.CD_DS2_en_csv_v2_1.csv", '"Country Code",\n')
    from_zip = wdi.read_wdi_file(z, code="NY.GDP.MKTP.CD").data
    from_csv = wdi.read_wdi_file(WDI_GDP, code="NY.GDP.MKTP.CD").data
    pd.testing.assert_frame_equal(from_zip, from_csv)


def test_wdi_datahub_long_format_and_yemen_by_year(tmp_path):
    place(tmp_path, "wdi/pop.csv", WDI_POP)
    ind = wdi.WdiIndicator("SP.POP.TOTL", "population", "wdi/pop.csv", "persons", "demographic", "Population", "test")
    sy = wdi.read_indicators(tmp_path, (ind,)).state_year
    assert value(sy, "population", 710, 2023) == 1410700000.0
    # ISO3 YEM before 1990 is unified Yemen's territory: neither North Yemen's nor Yemen's
    assert value(sy, "population", 678, 1989) is None and value(sy, "population", 679, 1989) is None
    assert value(sy, "population", 679, 1990) == 12000000.0
    assert (sy["ccode"] != 0).all() and 8060000000.0 not in set(sy["value"])  # World dropped


@pytest.mark.parametrize("mutate, message", [
    (lambda t: t.replace('"Indicator Code",', ""), "Indicator Code"),
    (lambda t: t[: t.index('"Kosovo"') + 40], "fields"),  # cut inside the last row
    (lambda t: t.replace('"1690000000000"', '"1.69e12x"'), "non-numeric"),
    (lambda t: t.replace('"Country Name"', '"Economy"'), "Country Name"),
    (lambda t: t.replace('"NY.GDP.MKTP.CD","12300000000000"', '"NY.GDP.MKTP.KD","12300000000000"'), "expected indicator"),
])
def test_wdi_malformed_files_name_the_file(tmp_path, mutate, message):
    text = WDI_GDP.read_text(encoding="utf-8")
    path = place(tmp_path, "wdi/API_bad.csv", mutate(text))
    with pytest.raises(DataError, match=message) as err:
        wdi.read_wdi_file(path, code="NY.GDP.MKTP.CD")
    assert "API_bad.csv" in str(err.value)


def test_wdi_bad_zip_is_a_data_error(tmp_path):
    bad = place(tmp_path, "wdi/API_x.zip", b"PK\x03\x04 not really a zip")
    with pytest.raises(DataError, match="API_x.zip"):
        wdi.read_wdi_file(bad)
    empty = tmp_path / "wdi" / "API_y.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("Metadata_Country_y.csv", "x\n")
    with pytest.raises(DataError, match="one API_"):
        wdi.read_wdi_file(empty)


def test_wdi_unit_guard_catches_a_rebased_indicator(tmp_path):
    place(tmp_path, "wdi/gdp.csv", WDI_GDP)
    ind = gdp_indicator(name_must_contain="constant 2015 US$")
    with pytest.raises(DataError, match="update the unit of gdp_usd"):
        wdi.read_indicators(tmp_path, (ind,))


def test_wdi_table_covers_the_issue_series():
    ids = {i.series for i in wdi.INDICATORS}
    assert ids == {"gdp_usd", "gdp_const_usd", "gdp_ppp", "gdp_pc_usd", "population", "exports_usd", "imports_usd",
                   "reserves_usd", "rd_gdp_pct", "researchers_per_million", "patents_resident", "fuel_exports_pct",
                   "ores_metals_exports_pct", "manufactures_exports_pct", "fdi_inflows_usd", "milex_gdp_pct_wdi"}
    assert len({i.code for i in wdi.INDICATORS}) == len(wdi.INDICATORS)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["CHN", "RUS", "USA", "WLD", "HKG"]), st.integers(1960, 2024),
                          st.floats(-1e15, 1e15, allow_nan=False)), max_size=15))
def test_attach_ccode_never_invents_or_duplicates(rows):
    df = pd.DataFrame(rows, columns=["iso3", "year", "value"]).drop_duplicates(["iso3", "year"])
    out = wdi.attach_ccode(df.assign(series="x"), code_col="iso3", label="t")
    # CHN and USA are members all these years; RUS figures describe COW 365's territory from
    # 1992 only (before, the Russian SFSR inside the USSR); WLD and HKG are no states.
    kept = df["iso3"].isin(["CHN", "USA"]) | ((df["iso3"] == "RUS") & (df["year"] >= 1992))
    assert len(out) == kept.sum()
    assert set(out["ccode"]) <= {710, 365, 2}
    assert sorted(out["value"]) == sorted(df.loc[kept, "value"])


# ============================================================================ IMF WEO

def weo_cells(path: Path) -> pd.DataFrame:
    """The sheet's cells as pandas reads them from the .xls: numbers as floats, blanks NaN."""
    df = pd.read_csv(path, header=None, dtype=str, keep_default_na=False)

    def cell(v: str):
        if v == "":
            return np.nan
        try:
            return float(v)
        except ValueError:
            return v
    return df.map(cell)


WEO_CELLS = FIXTURES / "imf_weo" / "imf-dm-export-20251119_MER_cells.csv"


def test_weo_parse_keeps_history_and_scales_billions():
    cells = weo_cells(WEO_CELLS)
    long = imf_weo.parse_weo_frame(cells, label="MER", unit_phrase="Billions of U.S. dollars", scale=1e9,
                                   last_year=imf_weo.vintage_year("imf-dm-export-20251119_MER.xls") - 1)
    assert long["year"].max() == 2024  # 2025 is a projection in the October 2025 vintage
    d = long.set_index(["name", "year"])["value"]
    assert d[("China, People's Republic of", 2024)] == pytest.approx(18700.25e9, rel=1e-12)
    assert "Afghanistan" not in set(long["name"])  # all "no data"
    assert not long["name"].str.startswith("©").any()


def test_weo_names_map_to_cow_and_groups_are_dropped():
    cells = weo_cells(WEO_CELLS)
    long = imf_weo.parse_weo_frame(cells, label="MER", unit_phrase="Billions of U.S. dollars", scale=1e9, last_year=2024)
    cc = imf_weo.names_to_ccode(long["name"], long["year"], label="MER", drop=imf_weo.IMF_GROUPS)
    by_name = dict(zip(long["name"], cc))
    assert by_name["China, People's Republic of"] == 710
    assert by_name["Germany"] == 255
    assert by_name["Taiwan Province of China"] == 713
    assert by_name["Russian Federation"] == 365
    # Territories without a COW state are dropped; Macao must not become Macedonia (COW "MAC").
    assert pd.isna(by_name["Macao SAR"]) and pd.isna(by_name["Hong Kong SAR"])
    assert pd.isna(by_name["Euro area"]) and pd.isna(by_name["World"])


def test_weo_unknown_name_unit_change_and_junk_are_errors():
    with pytest.raises(DataError, match="'Atlantis' is not recognised"):
        imf_weo.names_to_ccode(pd.Series(["Atlantis"]), pd.Series([2000]), label="MER.xls")
    cells = weo_cells(WEO_CELLS)
    with pytest.raises(DataError, match="unit may have changed"):
        imf_weo.parse_weo_frame(cells, label="MER.xls", unit_phrase="Millions of euros", scale=1e6, last_year=2024)
    junk = cells.copy()
    junk.iat[3, 2] = "18,300 (est.)"
    with pytest.raises(DataError, match="non-numeric"):
        imf_weo.parse_weo_frame(junk, label="MER.xls", unit_phrase="Billions of U.S. dollars", scale=1e9, last_year=2024)


def test_weo_vintage_and_corrupt_file(tmp_path):
    assert imf_weo.vintage_year("imf-dm-export-20251119_PPP.xls") == 2025
    with pytest.raises(DataError, match="vintage"):
        imf_weo.vintage_year("weo.xls")
    bad = place(tmp_path, "imf_weo/imf-dm-export-20251119_MER.xls", b"\xd0\xcf\x11\xe0 truncated")
    with pytest.raises(DataError, match="imf-dm-export-20251119_MER.xls: cannot be parsed"):
        imf_weo.load_weo_sheet(bad)


# ============================================================================ SIPRI milex

SIPRI_YEARS = [1990, 1991, 1992, 2020]
# name, notes, values by sheet (current, constant, gdp share, govt share) for SIPRI_YEARS
SIPRI_ROWS = {
    "Americas": None,  # a region label row
    "Costa Rica": ("37", [0, 0, 0, 0], [0, 0, 0, 0], ["...", "...", "...", "..."], ["...", "...", "...", "..."]),
    "Asia & Oceania": None,
    "East Asia": None,
    "China": ("55", [9926.349, 9802.375, 12244.268, 257973.43], [21980.3, 23363.0, 28412.4, 259923.3],
               [0.02454, 0.02311, 0.02449, 0.017567], [0.137, 0.15, 0.169, 0.049]),
    "Europe": None,
    "Russia": ("83", [0, ". .", 0, 61712.5], ["...", "...", 47565.8, 67316.2], ["...", "...", 0.04427, 0.041447],
               ["...", "...", "...", 0.10586]),
    "USSR": (None, [219114.06, "...", "xxx", "xxx"], [221760.3, "...", "xxx", "xxx"], ["...", "...", "xxx", "xxx"],
             ["...", "...", "xxx", "xxx"]),
    "Czechoslovakia": ("72", [2334.26, 0, 0, "xxx"], [16341.1, 14255.2, 9350.6, "xxx"], ["...", "...", "...", "xxx"],
                       ["...", "...", "...", "xxx"]),
    "European Union": ("†¶103", ["xxx", "xxx", "xxx", 1187.7], ["xxx", "xxx", "xxx", 1150.0],
                       ["xxx", "xxx", "xxx", "..."], ["xxx", "xxx", "xxx", "..."]),
}


def write_sipri(path: Path, *, rows=SIPRI_ROWS, sheets=None, junk: str | None = None) -> Path:
    """A SIPRI workbook in the 2025 release's layout (notes, header row, regions, footnotes)."""
    from openpyxl import Workbook

    sheets = sheets or list(sipri_milex.SHEETS)
    wb = Workbook()
    wb.active.title = "Front page"
    for k, sheet in enumerate(sheets):
        ws = wb.create_sheet(sheet)
        ws.append([f"Military expenditure by country ({sheet}), 1949-2024", "© SIPRI 2024"])
        ws.append(["Figures in blue are SIPRI estimates. Figures in red indicate highly uncertain data."])
        ws.append(['". ." = data unavailable. "xxx" = country did not exist or was not independent.'])
        ws.append([])
        ws.append([])
        lead = ["Country", None, "Notes"] if sheet.startswith("Constant") else ["Country", "Notes"]
        if sheet == sipri_milex.GOVT_SHEET:
            lead = ["Country", "Notes", "Reporting year"]
        ws.append(lead + SIPRI_YEARS)
        ws.append([])
        for name, spec in rows.items():
            if spec is None:
                ws.append([name])
                continue
            notes, *vals = spec
            cells = list(vals[k])  # the sheets come in SHEETS order: current, constant, GDP, govt
            if junk and name == "China" and k == 0:
                cells[0] = junk
            pad = [name, None, notes] if sheet.startswith("Constant") else [name, notes]
            if sheet == sipri_milex.GOVT_SHEET:
                pad = [name, notes, "calendar"]
            ws.append(pad + cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def sipri_fixture(tmp_path_factory) -> pd.DataFrame:
    raw = tmp_path_factory.mktemp("sipri_raw")
    write_sipri(raw / sipri_milex.FILE)
    return sipri_milex.read_milex(raw).state_year


def test_sipri_units_and_markers(sipri_fixture):
    sy = sipri_fixture
    check_contract(sy)
    assert value(sy, "milex_usd", 710, 2020) == pytest.approx(257973.43e6)  # US$ m. -> US$
    assert value(sy, "milex_const_usd", 710, 1990) == pytest.approx(21980.3e6)
    assert value(sy, "milex_gdp_pct", 710, 2020) == pytest.approx(1.7567)  # fraction -> percent
    assert value(sy, "milex_govt_pct", 710, 2020) == pytest.approx(4.9)
    assert value(sy, "milex_usd", 365, 1991) is None  # "...", ". ." are missing


def test_sipri_ussr_russia_and_zeros(sipri_fixture):
    sy = sipri_fixture
    assert value(sy, "milex_usd", 365, 1990) == pytest.approx(219114.06e6)  # USSR, not Russia's 0
    assert value(sy, "milex_usd", 365, 1992) is None  # current-US$ 0 where constant is 47,566: missing
    assert value(sy, "milex_const_usd", 365, 1992) == pytest.approx(47565.8e6)
    assert value(sy, "milex_usd", 94, 2020) == 0.0  # Costa Rica: 0 in both sheets, a real zero
    assert value(sy, "milex_const_usd", 94, 1990) == 0.0
    assert value(sy, "milex_usd", 315, 1991) is None  # Czechoslovakia's current-US$ 0 is an artefact
    assert value(sy, "milex_usd", 315, 1990) == pytest.approx(2334.26e6)
    assert value(sy, "milex_const_usd", 315, 2020) is None  # "xxx"
    assert 1187.7e6 not in set(sy["value"])  # the European Union row is dropped


def test_sipri_malformed_workbooks(tmp_path):
    write_sipri(tmp_path / "a" / sipri_milex.FILE,
                sheets=[sipri_milex.CURRENT_SHEET, "Constant (2024) US$", sipri_milex.GDP_SHEET, sipri_milex.GOVT_SHEET])
    with pytest.raises(DataError, match=r"missing sheet\(s\) Constant \(2023\) US\$ \(found 'Constant \(2024\) US\$'"):
        sipri_milex.read_milex(tmp_path / "a")
    write_sipri(tmp_path / "b" / sipri_milex.FILE, junk="257,973 (est)")
    with pytest.raises(DataError, match="non-numeric value '257,973 \\(est\\)'"):
        sipri_milex.read_milex(tmp_path / "b")
    place(tmp_path / "c", sipri_milex.FILE, b"PK\x03\x04 truncated")
    with pytest.raises(DataError, match="SIPRI-Milex-data-1949-2024_2.xlsx: cannot be parsed"):
        sipri_milex.read_milex(tmp_path / "c")
    table = pd.DataFrame([["Nation", 2020], ["China", 1.0]])
    with pytest.raises(DataError, match="no header row"):
        sipri_milex.sheet_table(table, label="x")


# ============================================================================ Maddison

MADDISON_ROWS = [
    ("CHN", "China", 1700, 600.0, 138000.0),  # before 1800: left out
    ("CHN", "China", 1820, 600.0, 381000.0),
    ("CHN", "China", 2018, 13100.5, 1385000.0),
    ("SUN", "Former USSR", 1990, 11000.0, 289000.0),
    ("SUN", "Former USSR", 1992, 9000.0, 290000.0),  # after 1991: not COW 365
    ("RUS", "Russian Federation", 1990, 14000.0, 148000.0),  # before 1992: SUN is used
    ("RUS", "Russian Federation", 1992, 12000.0, 148500.0),
    ("CSK", "Czechoslovakia", 1990, 12000.0, 15600.0),
    ("CSK", "Czechoslovakia", 1995, 12500.0, 15700.0),
    ("YUG", "Former Yugoslavia", 1990, 8000.0, 23000.0),
    ("YUG", "Former Yugoslavia", 1995, 6000.0, 22000.0),
    ("SRB", "Serbia", 1995, 5000.0, 7600.0),
    ("MNE", "Montenegro", 1995, 4000.0, 600.0),
    ("SRB", "Serbia", 2006, 10000.0, 7450.0),
    ("MNE", "Montenegro", 2006, 9000.0, 620.0),
    ("SRB", "Serbia", 2008, 10500.0, 7350.0),
    ("DEU", "Germany", 1913, 3600.0, 65058.0),
    ("DEU", "Germany", 1970, 15000.0, 77783.0),
    ("TZA", "U.R. of Tanzania: Mainland", 1962, 800.0, 10500.0),
    ("TZA", "U.R. of Tanzania: Mainland", 1990, 900.0, 24000.0),
    ("HKG", "Hong Kong", 2018, 50000.0, 7400.0),
    ("USA", "United States", 1850, None, 23580.0),
]


def write_maddison(path: Path, rows=MADDISON_ROWS, columns=maddison.COLUMNS) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Notes"
    wb.active.append(["Maddison Project Database 2020 (fixture)"])
    ws = wb.create_sheet("Full data")
    ws.append(list(columns))
    for r in rows:
        ws.append(list(r)[: len(columns)])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_maddison_units_and_territory_windows(tmp_path):
    write_maddison(tmp_path / maddison.FILE)
    sy = maddison.read_maddison(tmp_path).state_year
    check_contract(sy)
    assert value(sy, "gdp_pc_maddison", 710, 1700) is None
    assert value(sy, "population_maddison", 710, 2018) == 1385000.0 * 1000
    assert value(sy, "gdp_maddison", 710, 2018) == pytest.approx(13100.5 * 1385000.0 * 1000)
    assert value(sy, "gdp_pc_maddison", 365, 1990) == 11000.0  # SUN to 1991
    assert value(sy, "gdp_pc_maddison", 365, 1992) == 12000.0  # RUS from 1992
    assert value(sy, "gdp_pc_maddison", 315, 1990) == 12000.0
    assert value(sy, "gdp_pc_maddison", 315, 1995) is None
    assert value(sy, "gdp_pc_maddison", 345, 1990) == 8000.0  # YUG to 1991
    # 1992-2007: COW 345 held Kosovo, which Maddison's SRB and MNE both leave out: missing
    assert value(sy, "population_maddison", 345, 1995) is None
    assert value(sy, "gdp_pc_maddison", 345, 2006) is None
    assert value(sy, "gdp_pc_maddison", 345, 2008) == 10500.0  # Serbia without Kosovo, as COW from 2008
    assert value(sy, "gdp_pc_maddison", 341, 2006) == 9000.0
    assert value(sy, "population_maddison", 255, 1913) == 65058.0 * 1000  # the Reich (Maddison's own rows)
    assert value(sy, "population_maddison", 255, 1970) is None  # unified backcast: no state
    assert value(sy, "population_maddison", 260, 1970) is None
    assert value(sy, "population_maddison", 510, 1962) == 10500.0 * 1000  # mainland = Tanganyika
    assert value(sy, "population_maddison", 510, 1990) is None
    assert value(sy, "gdp_maddison", 2, 1850) is None and value(sy, "population_maddison", 2, 1850) == 23580000.0
    assert 50000.0 not in set(sy["value"])  # Hong Kong has no COW state


def test_maddison_malformed(tmp_path):
    write_maddison(tmp_path / "a" / maddison.FILE, columns=["countrycode", "country", "year", "gdppc"])
    with pytest.raises(DataError, match="mpd2020.xlsx: missing expected column\\(s\\) pop"):
        maddison.read_maddison(tmp_path / "a")
    write_maddison(tmp_path / "b" / maddison.FILE, rows=[("CHN", "China", 2018, "13,100 est", 1.0)])
    with pytest.raises(DataError, match="non-numeric"):
        maddison.read_maddison(tmp_path / "b")
    write_maddison(tmp_path / "c" / maddison.FILE, rows=[("CHN", "China", 2018, 1.0, 1.0), ("CHN", "China", 2018, 2.0, 2.0)])
    with pytest.raises(DataError, match="not unique"):
        maddison.read_maddison(tmp_path / "c")


# ============================================================================ PWT

def test_pwt_scales_millions_and_drops_territories(tmp_path):
    place(tmp_path, pwt.FILE, FIXTURES / "pwt" / "pwt10.01_fixture.csv")
    sy = pwt.read_pwt(tmp_path).state_year
    check_contract(sy)
    assert value(sy, "gdp_ppp_pwt", 710, 2019) == 20000000 * 1e6
    assert value(sy, "gdp_ppp_pwt", 710, 2018) == 19500000.5 * 1e6
    assert value(sy, "population_pwt", 365, 2019) == pytest.approx(145.9e6)
    assert value(sy, "hc_pwt", 365, 2019) == 3.43
    assert value(sy, "tfp_pwt", 710, 2019) == 0.4
    assert set(sy["ccode"]) == {710, 365}  # HKG, ABW dropped


def test_pwt_malformed(tmp_path):
    text = (FIXTURES / "pwt" / "pwt10.01_fixture.csv").read_text()
    place(tmp_path / "a", pwt.FILE, text.replace("rgdpe,", "rgdp_e,", 1))
    with pytest.raises(DataError, match="pwt10.01_cran_pwt10.csv: missing expected column\\(s\\) rgdpe"):
        pwt.read_pwt(tmp_path / "a")
    place(tmp_path / "b", pwt.FILE, text.replace("2.65", "two"))
    with pytest.raises(DataError, match="column 'hc' has non-numeric value 'two'"):
        pwt.read_pwt(tmp_path / "b")


# ============================================================================ Gapminder

GM_FIX = FIXTURES / "gapminder"
GM_CONCEPTS = tuple(c for c in gapminder.CONCEPTS if c.concept in ("arms_exports_sipri_tiv", "natural_gas_proved_reserves_total"))


def gapminder_raw(root: Path) -> Path:
    for f in GM_FIX.iterdir():
        place(root, f"{gapminder.DIR}/{f.name}", f)
    return root


def test_gapminder_units_and_dissolved_states(tmp_path):
    sy = gapminder.read_gapminder(gapminder_raw(tmp_path), GM_CONCEPTS).state_year
    check_contract(sy)
    assert value(sy, "arms_exports_tiv_gm", 710, 2020) == 760000000.0  # TIV units, not millions
    assert value(sy, "arms_exports_tiv_gm", 365, 1990) == 11000000000.0  # ussr -> COW 365
    assert value(sy, "gas_reserves", 365, 1990) == 31500000000.0
    # 1991: rus is the Russian Federation (COW 365 from 1992) and Gapminder's ussr is a residual
    # of the other republics from 1991 (its own rows in iso_windows.tsv): neither is the USSR
    assert value(sy, "gas_reserves", 365, 1991) is None
    assert value(sy, "gas_reserves", 365, 1992) == 31000000000.0  # ussr after 1991 dropped
    assert set(sy["ccode"]) == {710, 365, 2}  # hkg, abkh dropped


def test_gapminder_concepts_are_checked(tmp_path):
    raw = gapminder_raw(tmp_path)
    concepts = raw / gapminder.CONCEPTS_FILE
    concepts.write_text(concepts.read_text().replace("tonnes oil equivalent", "billion cubic metres"))
    with pytest.raises(DataError, match="no longer says 'tonnes oil equivalent'"):
        gapminder.read_gapminder(raw, GM_CONCEPTS)
    with pytest.raises(DataError, match="'patents_granted_total' is not listed"):
        gapminder.check_concepts(raw, tuple(c for c in gapminder.CONCEPTS if c.concept == "patents_granted_total"))


def test_gapminder_junk_value(tmp_path):
    raw = gapminder_raw(tmp_path)
    f = raw / GM_CONCEPTS[0].file
    f.write_text(f.read_text().replace("760000000", "7.6e8?"))
    with pytest.raises(DataError, match="arms_exports_sipri_tiv--by--geo--time.csv: column .* non-numeric"):
        gapminder.read_gapminder(raw, GM_CONCEPTS)


def test_gapminder_declares_the_issue_series():
    ids = {c.series for c in gapminder.CONCEPTS}
    assert {"armed_forces", "arms_exports_tiv_gm", "arms_imports_tiv_gm", "hightech_exports_pct", "patent_applications",
            "patents_granted", "patents_in_force", "market_cap_gdp_pct", "oil_reserves", "gas_reserves",
            "milex_gdp_pct_gm"} <= ids


# ============================================================================ nuclear, regime

def test_nuclear_stockpiles(tmp_path):
    place(tmp_path, nuclear.FILE, FIXTURES / "nuclear" / "fas2023_nuclear_weapons_stockpiles.csv")
    sy = nuclear.read_nuclear(tmp_path).state_year
    check_contract(sy)
    assert value(sy, "nuclear_warheads", 731, 2007) == 2.0  # "North  Korea" (double space)
    assert value(sy, "nuclear_warheads", 710, 1963) == 0.0  # the file's own zero is kept
    assert value(sy, "nuclear_warheads", 365, 1991) == 30000.0
    assert len(sy) == 7  # World dropped
    spec = nuclear.SOURCES[0].series[0]
    assert spec.zero_within_coverage and spec.id == "nuclear_warheads"


def test_nuclear_unknown_state_and_bad_counts(tmp_path):
    text = (FIXTURES / "nuclear" / "fas2023_nuclear_weapons_stockpiles.csv").read_text()
    place(tmp_path / "a", nuclear.FILE, text + "Atlantis,2020,5\n")
    with pytest.raises(DataError, match="fas2023_nuclear_weapons_stockpiles.csv: unknown country name 'Atlantis'"):
        nuclear.read_nuclear(tmp_path / "a")
    place(tmp_path / "b", nuclear.FILE, text.replace("China,1964,1", "China,1964,-1"))
    with pytest.raises(DataError, match="whole numbers"):
        nuclear.read_nuclear(tmp_path / "b")


def test_regime_series_and_ranges(tmp_path):
    place(tmp_path, regime.FILE, FIXTURES / "regime" / "cw_democracy_isard.csv")
    sy = regime.read_regime(tmp_path).state_year
    check_contract(sy)
    assert value(sy, "polyarchy", 710, 2024) == 0.07
    assert value(sy, "polity2", 365, 2018) == 4.0
    assert value(sy, "polity2", 365, 2024) is None  # NA stays missing
    text = (FIXTURES / "regime" / "cw_democracy_isard.csv").read_text()
    place(tmp_path / "bad", regime.FILE, text.replace("2,2018,1.3,1.0,8.0", "2,2018,1.3,1.0,-88"))
    with pytest.raises(DataError, match="'polity2' has -88, outside -10..10"):
        regime.read_regime(tmp_path / "bad")
    place(tmp_path / "cols", regime.FILE, text.replace("v2x_polyarchy", "polyarchy"))
    with pytest.raises(DataError, match="cw_democracy_isard.csv: missing expected column\\(s\\) v2x_polyarchy"):
        regime.read_regime(tmp_path / "cols")


# ============================================================================ the real raw files

@pytest.fixture(scope="module")
def raw_sy(raw_dir):
    """Each source read once from the real raw files."""
    out = {}
    for mod in (wdi, imf_weo, pwt, maddison, gapminder, sipri_milex, nuclear, regime):
        src = mod.SOURCES[0]
        out[src.key] = src.read(raw_dir).state_year
    return out


def test_raw_wdi_published_values(raw_sy):
    sy = raw_sy["wdi"]
    check_contract(sy)
    assert value(sy, "gdp_usd", 710, 2018) == 14147765772963.8
    assert value(sy, "gdp_usd", 365, 2018) == 1657328773461.31
    assert value(sy, "population", 710, 2020) == 1411100000.0
    assert value(sy, "milex_gdp_pct_wdi", 365, 2024) == pytest.approx(7.05233864500366)  # read from the zip
    assert {i.series for i in wdi.INDICATORS} == set(sy["series"])
    assert value(sy, "gdp_usd", 713, 2018) is None  # the World Bank does not report Taiwan


def test_raw_weo_published_values(raw_sy):
    sy = raw_sy["imf_weo"]
    assert value(sy, "gdp_usd_weo", 710, 2024) == pytest.approx(18749.759e9)  # MANIFEST: 18,749.8 bn
    assert value(sy, "gdp_ppp_weo", 710, 2024) == pytest.approx(38209.549e9)  # MANIFEST: 38,209.5 bn
    assert value(sy, "gdp_usd_weo", 713, 2024) == pytest.approx(797.004e9)
    assert sy["year"].max() == 2024 and sy["year"].min() == 1980


def test_raw_sipri_published_values(raw_sy):
    sy = raw_sy["sipri_milex"]
    assert value(sy, "milex_usd", 710, 2020) == pytest.approx(257973.4298335652e6)
    assert value(sy, "milex_const_usd", 710, 2023) == pytest.approx(296821e6, abs=1e6)  # MANIFEST
    assert value(sy, "milex_const_usd", 710, 2024) == pytest.approx(317561e6, abs=1e6)
    assert value(sy, "milex_const_usd", 365, 2024) == pytest.approx(150534e6, abs=1e6)
    assert value(sy, "milex_const_usd", 2, 2024) == pytest.approx(968382e6, abs=1e6)
    assert value(sy, "milex_gdp_pct", 710, 2024) == pytest.approx(1.7113, abs=1e-4)
    assert value(sy, "milex_usd", 365, 1992) is None  # SIPRI's current-US$ 0 for Russia 1992
    assert value(sy, "milex_const_usd", 365, 1990) == pytest.approx(221760.29946222797e6)  # USSR


def test_raw_other_sources_published_values(raw_sy):
    assert value(raw_sy["fas_nuclear"], "nuclear_warheads", 710, 2023) == 410
    assert value(raw_sy["fas_nuclear"], "nuclear_warheads", 365, 2023) == 4489
    assert value(raw_sy["fas_nuclear"], "nuclear_warheads", 2, 2023) == 3708
    assert value(raw_sy["regime"], "polyarchy", 2, 2024) == 0.843
    assert value(raw_sy["regime"], "polyarchy", 365, 2024) == 0.171
    assert value(raw_sy["regime"], "polyarchy", 710, 2024) == 0.073
    assert value(raw_sy["pwt"], "gdp_ppp_pwt", 710, 2019) == 20056066e6
    assert value(raw_sy["pwt"], "population_pwt", 710, 2019) == pytest.approx(1433.783686e6)
    assert value(raw_sy["maddison"], "gdp_pc_maddison", 710, 2018) == 13101.7064
    assert value(raw_sy["maddison"], "population_maddison", 710, 2018) == 1385439414.0
    assert value(raw_sy["gapminder"], "arms_exports_tiv_gm", 710, 2024) == 1131e6
    assert value(raw_sy["gapminder"], "armed_forces", 710, 2020) == 2535000


def test_raw_all_econ_sources_fit_the_contract(raw_sy):
    from powergap.states import all_states

    known = {s.ccode for s in all_states()}
    for key, sy in raw_sy.items():
        check_contract(sy)
        assert set(sy["ccode"]) <= known, key
        assert sy["year"].between(1800, 2025).all(), key
