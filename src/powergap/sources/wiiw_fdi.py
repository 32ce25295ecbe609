"""wiiw FDI Database: foreign direct investment in Kazakhstan by partner, 2003-2021.

The raw file (wiiw, from National Bank of Kazakhstan data) is wide: one row per direction
("FDI inflow", "FDI inward stock"), partner and unit ("EUR m", "in % of total"), one column
per year (``_2003`` ... ``_2021``; "." = not available). Inflows are net flows under the
directional principle (BPM6 from 2013), so they can be negative (disinvestment).

Values stay in euros, as wiiw publishes them: converting to dollars would need exchange
rates that no raw file here provides.

Series (dyadic, partner -> Kazakhstan 705): ``fdi_inflows_kaz_eur`` (annual inflow) and
``fdi_stock_kaz_eur`` (inward stock at year end). Aggregates (WORLD, EU-15/27/28) and
partners that are not COW states (Hong Kong, Bermuda, Cayman Islands, Jersey, ...) are
dropped from the series and kept, with a null ``ccode``, in the table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..states import iso_codes
from .base import Source, SeriesSpec, SourceData, check_unique, read_csv, to_numeric

FILE = "wiiw_fdi_kazakhstan_by_partner/wiiw_fdi_kazakhstan_by_partner_2003-2021.csv"
ID_COLS = ["Country-Code", "Direction", "Partner-Code", "Partner", "Unit"]
YEARS = range(2003, 2022)
KAZ = 705

DIRECTIONS = {"FDI inflow": ("inflow", "fdi_inflows_kaz_eur"),
              "FDI inward stock": ("inward_stock", "fdi_stock_kaz_eur")}
AGGREGATES = {"WORLD", "EU27_2020", "EU28_2013", "EU15_1995"}


def read_wiiw_fdi(raw: Path) -> SourceData:
    path = Path(raw) / FILE
    label = path.name
    year_cols = [f"_{y}" for y in YEARS]
    df = read_csv(path, columns=ID_COLS + year_cols, dtype=str, keep_default_na=False)
    countries = sorted(set(df["Country-Code"]) - {"KZ"})
    if countries:
        raise DataError(f"{label}: column 'Country-Code' is {countries[0]!r}; expected 'KZ' (Kazakhstan)")
    unknown = sorted(set(df["Direction"]) - set(DIRECTIONS))
    if unknown:
        raise DataError(f"{label}: unknown Direction {unknown[0]!r}")
    df = df[df["Unit"] == "EUR m"]  # the "% of total" rows are derivable from these
    if df.empty:
        raise DataError(f"{label}: no rows in 'EUR m'")
    long = df.melt(id_vars=ID_COLS, value_vars=year_cols, var_name="col", value_name="raw_value")
    long["year"] = long["col"].str[1:].astype("int64")
    long["value_eur"] = to_numeric(long["raw_value"], label, "year columns", allow=("", ".", "..", "-", "n/a")) * 1e6
    long = long.dropna(subset=["value_eur"])
    long["direction"] = long["Direction"].map(lambda d: DIRECTIONS[d][0])
    code = long["Partner-Code"].str.strip().str.upper()
    codes = iso_codes()
    long["ccode"] = code.map(lambda c: None if c in AGGREGATES else codes.get(c)).astype("Int64")
    table = long.rename(columns={"Partner-Code": "partner_code", "Partner": "partner"})[
        ["partner_code", "partner", "ccode", "year", "direction", "value_eur"]]
    check_unique(table, ["partner_code", "direction", "year"], label)
    table = table.sort_values(["direction", "partner_code", "year"], kind="mergesort").reset_index(drop=True)

    states = long.dropna(subset=["ccode"])
    states = states[states["ccode"] != KAZ]
    dyad = pd.DataFrame({"series": states["Direction"].map(lambda d: DIRECTIONS[d][1]),
                         "ccode1": states["ccode"].astype("int64"), "ccode2": KAZ,
                         "year": states["year"], "value": states["value_eur"]})
    return SourceData(dyad_year=dyad.reset_index(drop=True), tables={"wiiw_fdi_kaz_by_partner": table})


SOURCES = [
    Source(
        key="wiiw_fdi_kaz", title="wiiw FDI Database: FDI in Kazakhstan by partner, 2003-2021",
        producer="wiiw (Vienna Institute for International Economic Studies), based on National Bank of Kazakhstan data",
        version="wiiw FDI Database extract stored at dfshapir/kazakhstan_ipe commit e07b99d70b2077a4d3df1e8780913692563d1e84 (2023-04-07)",
        citation="wiiw FDI Database, National Bank of Kazakhstan.",
        licence="wiiw database terms (not stated in repo)",
        url="https://github.com/dfshapir/kazakhstan_ipe",
        files=(FILE,), read=read_wiiw_fdi,
        series=(
            SeriesSpec("fdi_inflows_kaz_eur", "FDI inflow into Kazakhstan from the partner (net, directional principle), "
                       "in euros as wiiw publishes it", "current EUR", "investment", dyadic=True),
            SeriesSpec("fdi_stock_kaz_eur", "Inward FDI stock in Kazakhstan held by the partner, end of year, "
                       "in euros as wiiw publishes it", "current EUR", "investment", dyadic=True),
        ),
        tables=("wiiw_fdi_kaz_by_partner",),
        embed=False,
        note=("Kept out of the shipped snapshot: wiiw distributes its databases under its own terms, which the "
              "source repo does not state; include it in a user's own build (include_restricted). Values stay in euros as "
              "published (no exchange rates are shipped with powergap to convert them). Aggregates (WORLD, EU15/27/28) and non-state partners "
              "(HK, BM, KY, GI, GG, JE, AN, VG) are kept only in the table. Repo path: wiiw_partners.csv."),
    ),
]
