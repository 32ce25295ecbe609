"""SIPRI Military Expenditure Database, 2025 release (data 1949-2024).

One workbook, ``sipri_milex/SIPRI-Milex-data-1949-2024_2.xlsx``, with a sheet per measure.
Each sheet has a few lines of notes, a header row whose first cell is ``Country`` (then
``Notes``, sometimes other text columns, then one column per year), and countries grouped
under region and sub-region label rows (whose year cells are empty). Footnote markers
(† ‡ § ¶ ‖ and numbers) sit in the ``Notes`` column, not in the values.

Read here:

* ``Current US$`` (US$ m.) -> ``milex_usd`` in US$ (x 1e6);
* ``Constant (2023) US$`` (US$ m. at 2023 prices and exchange rates) -> ``milex_const_usd``
  in constant 2023 US$ (x 1e6);
* ``Share of GDP`` (a fraction, 0.017 = 1.7 %) -> ``milex_gdp_pct`` as a percentage (x 100);
* ``Share of Govt. spending`` (a fraction, 1988-2024) -> ``milex_govt_pct`` (x 100).

Missing: ``...``, ``. .`` and ``..`` (data unavailable) and ``xxx`` (state not independent)
are missing. Zeros need care: in the *Current US$* sheet SIPRI's conversion leaves 0 in
cells where no figure exists (Russia 1988-1992 has 0 there although its 1992 share of GDP
is 4.4 % and the constant-price sheet says ". ."; likewise the USSR's satellites, Yugoslavia,
North Korea). A current-US$ zero is therefore kept only where the constant-price sheet
also holds exactly 0 for that country-year (Costa Rica, Iceland, Panama from 2000, Haiti
1996-2011, Mauritania 2007-2011: states without armed forces or spending, as SIPRI
reports); any other current-US$ zero is missing.

States: "USSR" is COW 365 to 1991 and "Russia" from 1992; "Czechoslovakia" 315 to 1992;
"Yugoslavia" 345 to 1991 and "Serbia" 345 from 1992; "German Democratic Republic" 265 to
1990; "Yemen, North" 678 to 1989; "Germany" before 1990 is the Federal Republic (COW 260
from 1955, by the "state" rows of ``data/iso_windows.tsv``: SIPRI reports the
spending of the government of the day, so Sudan before 2011 is Sudan with the South). The "European Union" row (2022-2024) is not a state and is dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_unique, check_years, first_line, require_file
from .imf_weo import names_to_ccode

FILE = "sipri_milex/SIPRI-Milex-data-1949-2024_2.xlsx"
BASE_YEAR = 2023  # price base of the constant-US$ sheet in this release

CURRENT_SHEET = "Current US$"
CONSTANT_SHEET = f"Constant ({BASE_YEAR}) US$"
GDP_SHEET = "Share of GDP"
GOVT_SHEET = "Share of Govt. spending"

# sheet -> (series id, scale to the stored unit)
SHEETS = {
    CURRENT_SHEET: ("milex_usd", 1e6),
    CONSTANT_SHEET: ("milex_const_usd", 1e6),
    GDP_SHEET: ("milex_gdp_pct", 100.0),
    GOVT_SHEET: ("milex_govt_pct", 100.0),
}

MISSING = frozenset({"...", ". .", "..", "xxx", ""})

ALIASES = {
    "USSR": (365, None, 1991),
    "Russia": (365, 1992, None),
    "Czechoslovakia": (315, None, 1992),
    "Yugoslavia": (345, None, 1991),
    "Serbia": (345, 1992, None),
    "German Democratic Republic": (265, None, 1990),
    "Yemen, North": (678, None, 1989),
    "Yemen": (679, 1990, None),  # by ISO3 alone, YEM before 1990 would be North Yemen too
    "Korea, North": (731, None, None),
    "Korea, South": (732, None, None),
    "Congo, DR": (490, None, None),
    "Congo, Republic": (484, None, None),
    "Taiwan": (713, None, None),
    "Kosovo": (347, None, None),
    "European Union": (None, None, None),
}


def sheet_table(df: pd.DataFrame, *, label: str) -> pd.DataFrame:
    """One SIPRI sheet (read with ``header=None``) as long rows ``name, year, cell``.

    The header row is the first whose first cell is ``Country``; year columns are the
    header cells that are whole numbers; rows whose year cells are all empty (region
    labels, blank lines) are skipped.
    """
    first = df.iloc[:, 0].astype("string").str.strip()
    hits = first.index[first == "Country"]
    if len(hits) == 0:
        raise DataError(f"{label}: no header row starting with 'Country'")
    h = hits[0]
    header = df.loc[h]
    year_cols = {}
    for col, v in header.items():
        if isinstance(v, (int, float, np.integer, np.floating)) and not pd.isna(v) and float(v).is_integer():
            year_cols[col] = int(v)
    if not year_cols:
        raise DataError(f"{label}: header row has no year columns")
    body = df.loc[h + 1:, [df.columns[0], *year_cols]]
    body = body[body[df.columns[0]].notna()]
    vals = body[list(year_cols)]
    is_blank = vals.isna() | vals.map(lambda v: isinstance(v, str) and not v.strip())
    body = body[~is_blank.all(axis=1)]
    long = body.rename(columns={df.columns[0]: "name", **year_cols}).melt(id_vars=["name"], var_name="year", value_name="cell")
    long["name"] = long["name"].astype(str).str.strip()
    long["year"] = long["year"].astype("int64")
    return long


def cells_to_values(cell: pd.Series, *, label: str) -> pd.Series:
    """Numbers stay; SIPRI's missing markers become NaN; any other text is an error."""
    is_text = cell.map(lambda v: isinstance(v, str))
    text = cell[is_text].str.strip()
    bad = ~text.isin(MISSING)
    if bad.any():
        raise DataError(f"{label}: non-numeric value {text[bad].iloc[0]!r}")
    return pd.to_numeric(cell.mask(is_text), errors="coerce").astype("float64")


def load_workbook(path: Path) -> dict[str, pd.DataFrame]:
    """The four sheets read here (header-less); the other six are not parsed."""
    path = require_file(path)
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            names = list(book.sheet_names)
            missing = [s for s in SHEETS if s not in names]
            if missing:
                constant = [s for s in names if re.match(r"Constant \(\d{4}\) US\$", s)]
                hint = f" (found {constant[0]!r}: update BASE_YEAR)" if constant and CONSTANT_SHEET in missing else ""
                raise DataError(f"{path.name}: missing sheet(s) {', '.join(missing)}{hint}")
            return {s: book.parse(s, header=None) for s in SHEETS}
    except DataError:
        raise
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise DataError(f"{path.name}: cannot be parsed ({type(exc).__name__}: {first_line(exc)})") from None


def parse_workbook(book: dict[str, pd.DataFrame], *, label: str) -> pd.DataFrame:
    """All four measures as long rows ``series, name, year, value`` in stored units."""
    tables = {}
    for sheet in SHEETS:
        t = sheet_table(book[sheet], label=f"{label} [{sheet}]")
        t["value"] = cells_to_values(t["cell"], label=f"{label} [{sheet}]")
        tables[sheet] = t.drop(columns="cell").dropna(subset=["value"])
    # A current-US$ zero is real only where the constant-price sheet also says 0.
    cur, const = tables[CURRENT_SHEET], tables[CONSTANT_SHEET]
    const_zero = const.loc[const["value"] == 0, ["name", "year"]].assign(_zero=True)
    cur = cur.merge(const_zero, on=["name", "year"], how="left")
    tables[CURRENT_SHEET] = cur[(cur["value"] != 0) | cur["_zero"].eq(True)].drop(columns="_zero")
    parts = []
    for sheet, (sid, scale) in SHEETS.items():
        t = tables[sheet]
        parts.append(pd.DataFrame({"series": sid, "name": t["name"].to_numpy(), "year": t["year"].to_numpy(),
                                   "value": t["value"].to_numpy() * scale}))
    return pd.concat(parts, ignore_index=True)


def read_milex(raw: Path) -> SourceData:
    path = Path(raw) / FILE
    long = parse_workbook(load_workbook(path), label=path.name)
    check_years(long["year"], path.name, lo=1900)
    if (long["value"] < 0).any():
        raise DataError(f"{path.name}: negative military expenditure for {long.loc[long['value'] < 0, 'name'].iloc[0]}")
    long["ccode"] = names_to_ccode(long["name"], long["year"], label=path.name, aliases=ALIASES, source="state")
    long = long.dropna(subset=["ccode"])
    long["ccode"] = long["ccode"].astype("int64")
    check_unique(long, ["series", "ccode", "year"], path.name)
    return SourceData(state_year=long[["series", "ccode", "year", "value"]].reset_index(drop=True))


SOURCES = [
    Source(
        key="sipri_milex", title="SIPRI Military Expenditure Database (2025 release, 1949-2024)",
        producer="Stockholm International Peace Research Institute (SIPRI)", version="2025 release (data 1949-2024)",
        citation="SIPRI Military Expenditure Database 2025. Stockholm International Peace Research Institute. https://www.sipri.org/databases/milex",
        licence="Free use with attribution ('Source: SIPRI Military Expenditure Database')",
        url="https://www.sipri.org/databases/milex",
        files=(FILE,), read=read_milex,
        series=(
            SeriesSpec("milex_usd", "Military expenditure, current US$ at each year's exchange rate (SIPRI; sheet in US$ m.)",
                       "current US$", "military"),
            SeriesSpec("milex_const_usd", f"Military expenditure at constant {BASE_YEAR} prices and exchange rates (SIPRI; sheet in US$ m.)",
                       f"constant {BASE_YEAR} US$", "military"),
            SeriesSpec("milex_gdp_pct", "Military expenditure as a share of GDP (SIPRI; the sheet's fraction x 100)",
                       "% of GDP (0-100)", "military"),
            SeriesSpec("milex_govt_pct", "Military expenditure as a share of general government expenditure "
                       "(SIPRI, government spending from IMF WEO; fraction x 100; 1988-2024)",
                       "% of government spending (0-100)", "military"),
        ),
        note=("Blue (SIPRI estimate) and red (highly uncertain) font colours in the workbook are not carried over. "
              "Current-US$ zeros are kept only where the constant-US$ sheet also reports 0 (states without military "
              "spending); other zeros there are artefacts of missing exchange rates and are treated as missing. "
              "USSR -> COW 365 to 1991, Russia from 1992."),
    ),
]
