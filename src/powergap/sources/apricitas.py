"""China's monthly exports to Russia (GACC data compiled by Apricitas Economics), 2018-01 to 2023-06.

The raw file has two columns, ``date`` (first day of the month) and ``value`` (US dollars).
Annual sums for 2018-2020 agree with IMF DOTS China->Russia within 0.5 % (MANIFEST).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import Source, SourceData, check_unique, check_years, read_csv, to_numeric

FILE = "apricitas_china_exports_to_russia_monthly/China_Exports_to_Russia.csv"


def read_apricitas(raw: Path) -> SourceData:
    path = Path(raw) / FILE
    label = path.name
    df = read_csv(path, columns=["date", "value"], dtype=str, keep_default_na=False)
    date = pd.to_datetime(df["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    if date.isna().any():
        raise DataError(f"{label}: column 'date' has an unreadable date {df['date'][date.isna()].iloc[0]!r}")
    if (date.dt.day != 1).any():
        raise DataError(f"{label}: column 'date' should hold the first day of each month, found {df['date'][date.dt.day != 1].iloc[0]!r}")
    check_years(date.dt.year, label)
    out = pd.DataFrame({"year": date.dt.year.astype("int64"), "month": date.dt.month.astype("int64"),
                        "value_usd": to_numeric(df["value"], label, "value")})
    out = out.dropna(subset=["value_usd"])
    check_unique(out, ["year", "month"], label)
    return SourceData(tables={"cn_exports_ru_monthly": out.sort_values(["year", "month"]).reset_index(drop=True)})


SOURCES = [
    Source(
        key="apricitas_cn_ru", title="China's monthly exports to Russia, 2018-01 to 2023-06 (GACC via Apricitas Economics)",
        producer="General Administration of Customs of the PRC (GACC); compiled by Joseph Politano (Apricitas Economics)",
        version="Miles-byte/Apricitas commit f31c9714cf1a9e72d8863eacddc30726bf9eab5f",
        citation=("General Administration of Customs of the People's Republic of China (GACC), China's exports to "
                  "Russia, monthly, compiled by Joseph Politano, Apricitas Economics."),
        licence="None stated; cite GACC and Apricitas",
        url="https://github.com/Miles-byte/Apricitas",
        files=(FILE,), read=read_apricitas, tables=("cn_exports_ru_monthly",),
        note=("Table cn_exports_ru_monthly: year, month, value_usd (US$). 66 months, 2018-01 to 2023-06. "
              "Repo path: Russia's Recession/China_Exports_to_Russia.csv (transcribed verbatim via a text index; "
              "byte count matches)."),
    ),
]
