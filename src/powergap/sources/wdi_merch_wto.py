"""Total merchandise exports and imports per state (WDI from WTO), 2014-2024, 24 states.

The raw files are row subsets of open-numbers' DDF copy of two World Development Indicators,
TX.VAL.MRCH.CD.WT (merchandise exports, current US$) and TM.VAL.MRCH.CD.WT (merchandise
imports, current US$), which the World Bank republishes from the WTO (exports f.o.b.,
imports c.i.f.). Each file has three columns ``geo`` (lower-case ISO3), ``time`` (year) and
the indicator (whole US dollars, rounded to millions by the publisher).

These are the trade-total denominators after 2020, when IMF DOTS (to 2020) and COW national
trade (to 2014) stop. The 2014-2020 overlap with DOTS lets a user check the splice; the two
are different compilations (DOTS imports are a FOB mirror, these are reported CIF imports),
so they stay separate series and are not chained.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_unique, check_years, read_csv, to_numeric

DIR = "wdi_merchandise_trade_totals_opennumbers"


@dataclass(frozen=True)
class MerchIndicator:
    code: str      # WDI indicator code
    column: str    # the DDF concept (the file's value column)
    series: str
    description: str

    @property
    def file(self) -> str:
        return f"{DIR}/ddf--datapoints--{self.column}--by--geo--time_subset24_2014-2024.csv"


INDICATORS = (
    MerchIndicator("TX.VAL.MRCH.CD.WT", "tx_val_mrch_cd_wt", "merch_exports_usd_wto",
                   "Total merchandise exports f.o.b., current US$ (WDI TX.VAL.MRCH.CD.WT, from WTO)"),
    MerchIndicator("TM.VAL.MRCH.CD.WT", "tm_val_mrch_cd_wt", "merch_imports_usd_wto",
                   "Total merchandise imports c.i.f., current US$ (WDI TM.VAL.MRCH.CD.WT, from WTO)"),
)


def read_merch_file(path: Path, ind: MerchIndicator) -> pd.DataFrame:
    """One DDF datapoints file -> ``series, ccode, year, value`` (US$), strictly checked.

    Every ISO3 code must be a COW state in that year: the subset holds only states, so an
    unknown code means a different file, not a territory to drop.
    """
    from ..states import iso3_to_ccode

    label = Path(path).name
    df = read_csv(path, columns=["geo", "time", ind.column], dtype=str, keep_default_na=False)
    extra = [c for c in df.columns if c not in ("geo", "time", ind.column)]
    if extra:
        raise DataError(f"{label}: unexpected column {extra[0]!r} (expected geo, time, {ind.column})")
    year = to_numeric(df["time"], label, "time")
    check_years(year, label, lo=1948)
    value = to_numeric(df[ind.column], label, ind.column)
    if (value < 0).any():
        raise DataError(f"{label}: negative merchandise trade for {df.loc[value < 0, 'geo'].iloc[0]!r}")
    iso3 = df["geo"].str.strip().str.upper()
    out = pd.DataFrame({"iso3": iso3, "year": year.astype("int64"), "value": value}).dropna(subset=["value"])
    out["ccode"] = iso3_to_ccode(out["iso3"], out["year"]).to_numpy()
    unknown = out["ccode"].isna()
    if unknown.any():
        raise DataError(f"{label}: ISO3 code {out.loc[unknown, 'iso3'].iloc[0]!r} is not a COW state")
    out = out.assign(series=ind.series, ccode=out["ccode"].astype("int64"))
    check_unique(out, ["ccode", "year"], label)
    return out[["series", "ccode", "year", "value"]]


def read_wto_merch(raw: Path) -> SourceData:
    parts = [read_merch_file(Path(raw) / ind.file, ind) for ind in INDICATORS]
    return SourceData(state_year=pd.concat(parts, ignore_index=True))


SOURCES = [
    Source(
        key="wdi_merch_wto",
        title="Merchandise exports and imports, total (WDI from WTO), 24 states, 2014-2024",
        producer="World Trade Organization; republished by the World Bank (WDI); DDF packaging by open-numbers",
        version=("WDI vintage 2025 or later (every state has 2024); open-numbers/ddf--open_numbers--"
                 "world_development_indicators commit 01a34e8b54d76160a61b0325d74254e22db06b93, 24-state subset"),
        citation=("World Bank, World Development Indicators: TX.VAL.MRCH.CD.WT 'Merchandise exports (current US$)' "
                  "and TM.VAL.MRCH.CD.WT 'Merchandise imports (current US$)', from the World Trade Organization."),
        licence="CC BY 4.0 (World Bank WDI); attribute 'World Bank WDI, from WTO'",
        url="https://data.worldbank.org/indicator/TX.VAL.MRCH.CD.WT",
        files=tuple(ind.file for ind in INDICATORS), read=read_wto_merch,
        series=tuple(SeriesSpec(ind.series, ind.description, "current US$", "trade") for ind in INDICATORS),
        note=("States: ARG AUS BLR BRA CAN CHN DEU FRA GBR IDN IND IRN ITA JPN KAZ PRK RUS SAU TJK TKM TUR UKR "
              "USA UZB (the rows the trade-totals scout copied; other states are in the upstream file). Exports "
              "f.o.b., imports c.i.f., as the WTO compiles them (for Russia since 2022 WTO estimates). Not chained "
              "with IMF DOTS or COW totals: a different compilation (DOTS imports are a FOB mirror)."),
    ),
]
