"""World Bank World Development Indicators: one reader for the World Bank's CSV formats.

The raw directory holds per-indicator downloads of different vintages and shapes (see
``shared/data/raw/MANIFEST.md`` section E). One table, :data:`INDICATORS`, maps each
indicator code to its file, series id and unit; one reader handles every shape:

* the API download ``API_<code>_DS2_en_csv_v2_<n>.csv``: a 4-line preamble ("Data Source",
  blank, "Last Updated Date", blank), then a wide table ``Country Name, Country Code,
  Indicator Name, Indicator Code, 1960, ..., <last year>,`` with a trailing comma on every
  line;
* the same without its preamble (``..._nopreamble.csv``, the fuel-exports file);
* the same zipped with its two metadata files (``API_<code>_..._<n>.zip``);
* the datahub long format ``Country Name, Country Code, Year, Value`` (population);
* the older 2022-04 API downloads renamed ``wb2022-04_<code>_...csv`` (same API format).

Where two files carry the same indicator the fresher one is used: GDP current US$ comes
from the API download of 2025-12-04 (1960-2024), not from ``datahub_gdp_NY.GDP.MKTP.CD.csv``
(a pull of 2024-10 ending in 2023).

Country codes are ISO3 and are mapped to COW codes with
:func:`powergap.states.iso3_to_ccode`, which attaches a code only in the years its figures
describe the COW state's territory (``data/iso_windows.tsv``, docs/states.md: RUS from 1992,
DEU and YEM from 1990, VNM from 1976, SRB from 2006, SDN from 2012, ...). Codes with no COW state
are dropped: the World Bank aggregates (WLD, EAS, HIC, EUU, ARB, OED, IDA, ... about 50 of
them) and territories or non-members of the COW system: ABW, ASM, BMU, CHI, CUW, CYM, FRO,
GIB, GRL, GUM, HKG, IMN, MAC, MAF, MNP, NCL, PRI, PSE, PYF, SXM, TCA, VGB, VIR, and INX
("Not classified"). Kosovo's World Bank code XKX maps to COW 347.

:func:`make_source` builds the same source from other copies of these indicators (the live
refresh in :mod:`powergap.live` writes API-format files into a user cache and reuses it).
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import (Source, SeriesSpec, SourceData, attach_ccode, check_years,  # noqa: F401 (attach_ccode re-exported)
                   empty_state_year, require_file, text_of, to_numeric)


@dataclass(frozen=True)
class WdiIndicator:
    """One WDI indicator: where its file is and what the series means."""

    code: str
    series: str
    file: str  # path relative to the raw directory
    unit: str
    dimension: str
    description: str
    vintage: str  # which World Bank release the file is (shown in the catalog description)
    # A phrase the file's "Indicator Name" must contain: guards units that the World Bank
    # rebases from time to time (constant-price base years), so a new vintage with a new
    # base year fails loudly instead of being mislabelled.
    name_must_contain: str = ""


INDICATORS: tuple[WdiIndicator, ...] = (
    WdiIndicator("NY.GDP.MKTP.CD", "gdp_usd", "wdi/API_NY.GDP.MKTP.CD_DS2_en_csv_v2_2463.csv",
                 "current US$", "economic", "GDP at market prices, current US$", "vintage 2025-12-04", "current US$"),
    WdiIndicator("NY.GDP.MKTP.KD", "gdp_const_usd", "wdi/API_NY.GDP.MKTP.KD_DS2_en_csv_v2_213435.csv",
                 "constant 2015 US$", "economic", "GDP at market prices, constant 2015 US$", "vintage 2026-02-24",
                 "constant 2015 US$"),
    WdiIndicator("NY.GDP.MKTP.PP.KD", "gdp_ppp", "wdi/API_NY.GDP.MKTP.PP.KD_DS2_en_csv_v2_1004.csv",
                 "constant 2021 international $ (PPP)", "economic",
                 "GDP at purchasing power parity, constant 2021 international $", "vintage 2026-02-24",
                 "constant 2021 international $"),
    WdiIndicator("NY.GDP.PCAP.CD", "gdp_pc_usd", "wdi/API_NY.GDP.PCAP.CD_DS2_en_csv_v2_33610.csv",
                 "current US$ per person", "economic", "GDP per capita, current US$", "vintage 2026-07-13", "current US$"),
    WdiIndicator("SP.POP.TOTL", "population", "wdi/datahub_population_SP.POP.TOTL.csv",
                 "persons", "demographic", "Total population, midyear", "datahub.io packaging of a 2026-03 pull"),
    WdiIndicator("NE.EXP.GNFS.CD", "exports_usd", "wdi/API_NE.EXP.GNFS.CD_DS2_en_csv_v2_3025.csv",
                 "current US$", "economic", "Exports of goods and services, current US$",
                 "older vintage 2024-02-21, data to 2022", "current US$"),
    WdiIndicator("NE.IMP.GNFS.CD", "imports_usd", "wdi/API_NE.IMP.GNFS.CD_DS2_en_csv_v2_2474.csv",
                 "current US$", "economic", "Imports of goods and services, current US$", "vintage 2025-12-04",
                 "current US$"),
    WdiIndicator("FI.RES.TOTL.CD", "reserves_usd", "wdi/API_FI.RES.TOTL.CD_DS2_en_csv_v2_2475.csv",
                 "current US$", "financial", "Total reserves including gold, current US$", "vintage 2025-12-04",
                 "current US$"),
    WdiIndicator("GB.XPD.RSDV.GD.ZS", "rd_gdp_pct", "wdi/API_GB.XPD.RSDV.GD.ZS_DS2_en_csv_v2_232.csv",
                 "% of GDP", "technological", "Research and development expenditure, % of GDP (from UNESCO UIS)",
                 "vintage 2026-07-13", "% of GDP"),
    WdiIndicator("SP.POP.SCIE.RD.P6", "researchers_per_million", "wdi/API_SP.POP.SCIE.RD.P6_DS2_en_csv_v2_37695.csv",
                 "researchers per million people", "technological",
                 "Researchers in R&D per million people (from UNESCO UIS)", "vintage 2026-07-13", "per million"),
    WdiIndicator("IP.PAT.RESD", "patents_resident", "wdi/API_IP.PAT.RESD_DS2_en_csv_v2_226.csv",
                 "patent applications (count)", "technological", "Patent applications by residents (from WIPO)",
                 "vintage 2026-01-28"),
    WdiIndicator("TX.VAL.FUEL.ZS.UN", "fuel_exports_pct", "wdi/API_TX.VAL.FUEL.ZS.UN_DS2_en_csv_v2_1353_nopreamble.csv",
                 "% of merchandise exports", "economic", "Fuel exports, % of merchandise exports (from UN Comtrade)",
                 "vintage mid-2025 or later, preamble removed by the copier", "% of merchandise exports"),
    WdiIndicator("TX.VAL.MMTL.ZS.UN", "ores_metals_exports_pct",
                 "wdi/wb2022-04_TX.VAL.MMTL.ZS.UN_ore_metal_exports_perc_merchexport.csv",
                 "% of merchandise exports", "economic",
                 "Ores and metals exports, % of merchandise exports (from UN Comtrade)",
                 "old vintage 2022-04-08, data to 2020", "% of merchandise exports"),
    WdiIndicator("TX.VAL.MANF.ZS.UN", "manufactures_exports_pct", "wdi/API_TX.VAL.MANF.ZS.UN_DS2_en_csv_v2_7563.csv",
                 "% of merchandise exports", "economic",
                 "Manufactures exports, % of merchandise exports (from UN Comtrade)", "vintage 2026-02-24",
                 "% of merchandise exports"),
    WdiIndicator("BX.KLT.DINV.CD.WD", "fdi_inflows_usd", "wdi/wb2022-04_BX.KLT.DINV.CD.WD_fdi_net_inflow.csv",
                 "current US$ (net; can be negative)", "financial",
                 "Foreign direct investment, net inflows (balance of payments), current US$",
                 "old vintage 2022-04-08, data to 2020", "current US$"),
    WdiIndicator("MS.MIL.XPND.GD.ZS", "milex_gdp_pct_wdi", "wdi/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip",
                 "% of GDP", "military", "Military expenditure, % of GDP (republished from SIPRI)", "vintage 2026-02-24",
                 "% of GDP"),
)

WIDE_ID_COLS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
LONG_COLS = ["Country Name", "Country Code", "Year", "Value"]
_YEAR = re.compile(r"^\d{4}$")


@dataclass
class WdiFile:
    """One parsed World Bank file: long rows ``iso3, year, value`` plus its metadata."""

    data: pd.DataFrame
    indicator_name: str | None
    last_updated: str | None


def _file_text(path: Path, label: str) -> str:
    """The file's text; for a World Bank zip, the text of its one ``API_*.csv`` member."""
    if path.suffix.lower() != ".zip":
        return text_of(path).getvalue()
    try:
        with zipfile.ZipFile(path) as zf:
            members = [n for n in zf.namelist() if Path(n).name.startswith("API_") and n.lower().endswith(".csv")]
            if len(members) != 1:
                raise DataError(f"{label}: expected one API_*.csv inside the zip, found {len(members)}")
            raw = zf.read(members[0])
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise DataError(f"{label}: cannot be parsed ({type(exc).__name__}: {exc})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _rows(text: str, label: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise DataError(f"{label}: cannot be parsed (csv: {exc})") from None


def read_wdi_file(path: Path | str, *, code: str | None = None, name: str | None = None) -> WdiFile:
    """Parse one World Bank CSV (any of the shapes in the module docstring).

    Parameters
    ----------
    path
        The file (``.csv`` or the World Bank ``.zip``).
    code
        The indicator code the file must hold (checked against its ``Indicator Code``
        column where the format has one).
    name
        Label used in error messages (default: the file name).

    Returns
    -------
    WdiFile
        ``data`` has columns ``iso3, year, value`` with missing values dropped.

    Raises
    ------
    DataError
        Missing header columns, rows with the wrong number of fields (a truncated file),
        non-numeric values, implausible years, or another indicator than ``code``.
    """
    path = require_file(Path(path))
    label = name or path.name
    rows = _rows(_file_text(path, label), label)
    last_updated = None
    header_at = None
    for i, row in enumerate(rows[:10]):
        cells = [c.strip() for c in row]
        if len(cells) > 1 and cells[0] == "Last Updated Date":
            last_updated = cells[1] or None
        if cells[:1] == ["Country Name"]:
            header_at = i
            break
    if header_at is None:
        raise DataError(f"{label}: no 'Country Name' header line in the first 10 lines (not a World Bank CSV)")
    header = [c.strip() for c in rows[header_at]]
    body = [r for r in rows[header_at + 1:] if any(c.strip() for c in r)]
    if header[:4] == LONG_COLS:
        return WdiFile(_parse_long(header, body, label), None, last_updated)
    missing = [c for c in WIDE_ID_COLS if c not in header]
    if missing:
        raise DataError(f"{label}: missing expected column(s) {', '.join(missing)}")
    data, ind_name = _parse_wide(header, body, label, code)
    return WdiFile(data, ind_name, last_updated)


def _check_widths(header: list[str], body: list[list[str]], label: str) -> None:
    for k, row in enumerate(body):
        if len(row) != len(header):
            raise DataError(f"{label}: data row {k + 1} has {len(row)} fields, the header {len(header)} "
                            "(truncated or malformed file)")


def _parse_wide(header: list[str], body: list[list[str]], label: str, code: str | None) -> tuple[pd.DataFrame, str | None]:
    _check_widths(header, body, label)
    df = pd.DataFrame(body, columns=[h if h else f"_blank{i}" for i, h in enumerate(header)], dtype=object)
    blank = [c for c in df.columns if c.startswith("_blank")]
    # The World Bank ends every line with a comma, which makes one unnamed empty column.
    for c in blank:
        if (df[c].str.strip() != "").any():
            raise DataError(f"{label}: values in a column without a header")
    years = [c for c in df.columns if _YEAR.match(c)]
    if not years:
        raise DataError(f"{label}: no year columns in the header")
    codes = df["Indicator Code"].str.strip().unique().tolist()
    if code is not None and codes != [code]:
        raise DataError(f"{label}: expected indicator {code}, file holds {', '.join(map(str, codes[:3]))}")
    ind_names = df["Indicator Name"].str.strip().unique().tolist()
    long = df.melt(id_vars=["Country Code"], value_vars=years, var_name="year", value_name="value")
    # Most cells are empty; convert only the rest (much faster on 17,000-cell files).
    long = long[long["value"].str.strip() != ""]
    long["value"] = _exact_floats(long["value"], label)
    out = pd.DataFrame({"iso3": long["Country Code"].str.strip().to_numpy(),
                        "year": long["year"].astype("int64").to_numpy(),
                        "value": long["value"].to_numpy()})
    return out, (ind_names[0] if len(ind_names) == 1 else None)


def _exact_floats(cells: pd.Series, label: str) -> pd.Series:
    """Python's float() on each cell: exact round trip of the printed value (pandas' fast
    parser can be one unit in the last place off), and junk is an error naming the file."""
    out = []
    for v in cells:
        try:
            x = float(v)
        except ValueError:
            x = math.nan
        if not math.isfinite(x):  # also rejects "nan" and "inf", which float() accepts
            raise DataError(f"{label}: non-numeric value {v!r}")
        out.append(x)
    return pd.Series(out, index=cells.index, dtype="float64")


def _parse_long(header: list[str], body: list[list[str]], label: str) -> pd.DataFrame:
    _check_widths(header, body, label)
    df = pd.DataFrame(body, columns=header, dtype=object)
    year = to_numeric(df["Year"], label, "Year")
    if year.isna().any():
        raise DataError(f"{label}: blank Year")
    cells = df["Value"].str.strip()
    value = pd.Series(float("nan"), index=df.index)
    filled = cells != ""
    value[filled] = _exact_floats(cells[filled], label)
    out = pd.DataFrame({"iso3": df["Country Code"].str.strip().to_numpy(),
                        "year": year.astype("int64").to_numpy(), "value": value.to_numpy()})
    return out.dropna(subset=["value"]).reset_index(drop=True)


# ----------------------------------------------------------------------------- source

def read_indicators(raw: Path, indicators: tuple[WdiIndicator, ...] = INDICATORS) -> SourceData:
    """Read every indicator's file into the long state-year form (series, ccode, year, value)."""
    parts = []
    for ind in indicators:
        path = Path(raw) / ind.file
        parsed = read_wdi_file(path, code=ind.code, name=ind.file)
        if ind.name_must_contain and parsed.indicator_name is not None \
                and ind.name_must_contain not in parsed.indicator_name:
            raise DataError(f"{ind.file}: indicator is now {parsed.indicator_name!r}, not in "
                            f"{ind.name_must_contain!r}; update the unit of {ind.series} in sources/wdi.py")
        df = parsed.data
        check_years(df["year"], ind.file, lo=1900)
        df = attach_ccode(df.assign(series=ind.series), code_col="iso3", label=ind.file, source="wdi")
        parts.append(df[["series", "ccode", "year", "value"]])
    if not parts:
        return SourceData(state_year=empty_state_year())
    return SourceData(state_year=pd.concat(parts, ignore_index=True))


def series_specs(indicators: tuple[WdiIndicator, ...] = INDICATORS) -> tuple[SeriesSpec, ...]:
    return tuple(SeriesSpec(i.series, f"{i.description}. WDI {i.code}, {i.vintage}", i.unit, i.dimension)
                 for i in indicators)


CITATION = "World Bank. World Development Indicators (vintages as stated per series). Washington, DC: The World Bank. https://data.worldbank.org"


def make_source(indicators: tuple[WdiIndicator, ...] = INDICATORS, *, version: str | None = None,
                note: str | None = None) -> Source:
    """The WDI source for these indicator files (the shipped raw files by default)."""
    inds = tuple(indicators)
    return Source(
        key="wdi", title="World Development Indicators (per-indicator World Bank downloads)",
        producer="World Bank", version=version or "per-indicator files, vintages 2022-04-08 to 2026-07-13",
        citation=CITATION,
        licence="CC BY 4.0 (World Bank); datahub packaging ODC-PDDL-1.0",
        url="https://data.worldbank.org",
        files=tuple(i.file for i in inds), read=lambda raw: read_indicators(raw, inds),
        series=series_specs(inds),
        note=note or ("Some series are republished by the World Bank: MS.MIL.* from SIPRI, IP.PAT.* from WIPO, "
                      "GB.XPD.RSDV.* and SP.POP.SCIE.* from UNESCO UIS, TX.VAL.* from UN Comtrade/WITS. "
                      "GDP current US$ from the 2025-12-04 API file (the older datahub copy is not used). "
                      "Aggregates and territories without a COW state are dropped. A country's figures are attached to "
                      "a COW state only in years when they describe that state's territory (docs/states.md): "
                      "ISO3 RUS before 1992 (the Russian SFSR, not the USSR), DEU before 1990 (unified-Germany "
                      "backcasts), YEM before 1990, VNM before 1976, SRB before 2006, SDN before 2012 (without "
                      "South Sudan), PAK before 1972 and ETH before 1993 are not attached."),
    )


SOURCES = [make_source()]
