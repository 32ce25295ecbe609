"""AEI China Global Investment Tracker (CGIT): Chinese investment abroad, 2005-2025.

CGIT records Chinese investments of US$100 million or more (its "Dataset 1"; construction
contracts are a separate data set, not included). The raw files are aggregations by
destination country and year made by HansenShu/China-FDI (US$ millions; 0 = no recorded
deal), the yearly world totals, and a deal-level subset for Russia, Central Asia and
Mongolia.

Because CGIT tracks the whole world, a country-year without a recorded deal is a zero inside
2005-2025 (``zero_within_coverage``); the aggregation's explicit zeros are kept.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_unique, check_years, read_csv, to_numeric
from .cow_trade import int_columns
from .imf_dots import names_to_ccodes

FLOWS_FILE = "aei_china_global_investment_tracker/annual_flows_by_country_usd_millions.csv"
TOTALS_FILE = "aei_china_global_investment_tracker/annual_total_flow_and_stock_proxy.csv"
DEALS_FILE = "aei_china_global_investment_tracker/cgit_investments_2005-2025_subset_russia_centralasia_mongolia.csv"
TOTAL_COL = "Annual recorded investment flow (USD millions)"
DEAL_COLS = ["Year", "Month", "Investor", "Quantity in Millions", "Sector", "Subsector", "Country"]
CHINA = 710
MILLION = 1e6

CGIT_ALIASES: dict[str, int] = {
    "Britain": 200, "USA": 2, "UAE": 696, "Bosnia": 346, "Congo": 484,
    "Democratic Republic of the Congo": 490, "Czech Republic": 316, "Ivory Coast": 437,
    "Sao Tome": 403, "Trinidad-Tobago": 52, "Russian Federation": 365, "South Korea": 732,
    "North Korea": 731, "Taiwan": 713, "Vietnam": 816, "Serbia": 345,
}


def read_cgit(raw: Path) -> SourceData:
    raw = Path(raw)
    path = raw / FLOWS_FILE
    label = path.name
    wide = read_csv(path, columns=["Year"])
    wide = int_columns(wide, ["Year"], label)
    check_years(wide["Year"], label, lo=2000)
    check_unique(wide, ["Year"], label)
    countries = [c for c in wide.columns if c != "Year"]
    if not countries:
        raise DataError(f"{label}: no country columns")
    for c in countries:
        wide[c] = to_numeric(wide[c], label, c)

    # Integrity: each year's row sums to the published world total (catches truncated rows).
    tpath = raw / TOTALS_FILE
    totals = read_csv(tpath, columns=["Year", TOTAL_COL])
    totals = int_columns(totals, ["Year"], tpath.name)
    totals["flow"] = to_numeric(totals[TOTAL_COL], tpath.name, TOTAL_COL)
    merged = wide.set_index("Year")[countries].sum(axis=1).rename("rows").to_frame().join(
        totals.set_index("Year")["flow"], how="outer")
    off = merged[(merged["rows"] - merged["flow"]).abs().fillna(np.inf) > 0.5]
    if not off.empty:
        y = off.index[0]
        raise DataError(f"{label}: year {y} sums to {merged.loc[y, 'rows']} but {tpath.name} gives {merged.loc[y, 'flow']}")

    long = wide.melt(id_vars="Year", var_name="country", value_name="musd").dropna(subset=["musd"])
    if (long["musd"] < 0).any():
        raise DataError(f"{label}: negative investment values")
    long["ccode"] = names_to_ccodes(long["country"], long["Year"], label=label, aliases=CGIT_ALIASES).to_numpy()
    dy = pd.DataFrame({"series": "cgit_investment_usd", "ccode1": CHINA, "ccode2": long["ccode"].astype("int64"),
                       "year": long["Year"], "value": long["musd"] * MILLION})
    check_unique(dy, ["ccode2", "year"], f"{label} (after mapping names to COW states)")
    sy = pd.DataFrame({"series": "cgit_total_usd", "ccode": CHINA, "year": totals["Year"],
                       "value": totals["flow"] * MILLION}).dropna(subset=["value"])

    dpath = raw / DEALS_FILE
    deals = read_csv(dpath, columns=DEAL_COLS)[DEAL_COLS].copy()
    deals = int_columns(deals, ["Year"], dpath.name)
    check_years(deals["Year"], dpath.name, lo=2000)
    deals["value_usd"] = to_numeric(deals["Quantity in Millions"], dpath.name, "Quantity in Millions") * MILLION
    deals["ccode"] = names_to_ccodes(deals["Country"], deals["Year"], label=dpath.name,
                                     aliases=CGIT_ALIASES).astype("Int64")
    deals = deals.rename(columns={"Year": "year", "Month": "month", "Investor": "investor", "Sector": "sector",
                                  "Subsector": "subsector", "Country": "country"})
    table = deals[["year", "month", "investor", "value_usd", "sector", "subsector", "country", "ccode"]].copy()
    for c in ("month", "investor", "sector", "subsector", "country"):
        table[c] = table[c].astype("string")
    return SourceData(state_year=sy.reset_index(drop=True), dyad_year=dy.reset_index(drop=True),
                      tables={"cgit_deals": table.reset_index(drop=True)})


SOURCES = [
    Source(
        key="aei_cgit", title="AEI China Global Investment Tracker (investments >= US$100m), 2005-2025",
        producer="American Enterprise Institute (Derek Scissors)", version="public version Jan 2005-Dec 2025",
        citation="American Enterprise Institute and The Heritage Foundation, China Global Investment Tracker, "
                 "https://www.aei.org/china-global-investment-tracker/ (public dataset, investments 2005-2025).",
        licence="Freely downloadable from AEI; cite 'American Enterprise Institute, China Global Investment Tracker'",
        url="https://www.aei.org/china-global-investment-tracker/",
        files=(FLOWS_FILE, TOTALS_FILE, DEALS_FILE), read=read_cgit,
        series=(
            SeriesSpec("cgit_investment_usd", "Chinese investment (deals >= US$100m, construction excluded) "
                       "recorded in the second state, per year (AEI CGIT)", "current US$", "investment",
                       dyadic=True, zero_within_coverage=True),
            SeriesSpec("cgit_total_usd", "Chinese investment abroad recorded by AEI CGIT, all destinations, per year",
                       "current US$", "investment"),
        ),
        tables=("cgit_deals",),
        note=("Aggregation by destination country and year by HansenShu/China-FDI (each year's row sum checked "
              "against the totals file). Only China (710) -> country. Deals of US$100m or more; construction "
              "contracts not included. Table cgit_deals holds the deal-level rows for Russia, Kazakhstan, "
              "Kyrgyzstan, Uzbekistan, Tajikistan, Turkmenistan and Mongolia only (year, month, investor, "
              "value_usd, sector, subsector, country, ccode). Millions converted to US$."),
    ),
]
