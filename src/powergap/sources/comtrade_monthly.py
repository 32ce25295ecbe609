"""UN Comtrade: China's monthly imports from Russia, 2017-01 to 2024-12 (total trade only).

The raw file is the Comtrade+ API "get" output with China (M49 156) as reporter, Russia
(643) as partner, flow M, commodity TOTAL; descriptive columns are empty. There is no
product breakdown (cmdCode is TOTAL in every row), so the table holds one value per month.
``primaryValue`` equals ``cifvalue`` (China values imports CIF), in US dollars.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import DataError
from .base import Source, SourceData, check_unique, check_years, read_csv, to_numeric

FILE = "comtrade_china_imports_from_russia_monthly/comtrade_china_imports_from_russia_monthly_2017-2024.csv"
COLS = ["freqCode", "refYear", "refMonth", "period", "reporterCode", "flowCode", "partnerCode",
        "classificationCode", "cmdCode", "cifvalue", "primaryValue"]

# What the file must be: anything else would silently change the table's meaning.
EXPECTED = {"freqCode": "M", "reporterCode": "156", "flowCode": "M", "partnerCode": "643", "cmdCode": "TOTAL"}


def read_comtrade_monthly(raw: Path) -> SourceData:
    path = Path(raw) / FILE
    label = path.name
    df = read_csv(path, columns=COLS, dtype=str, keep_default_na=False)
    for col, want in EXPECTED.items():
        got = sorted(set(df[col].str.strip()) - {want})
        if got:
            raise DataError(f"{label}: column {col!r} is {got[0]!r}; expected {want!r} (China's monthly imports from Russia, total)")
    year = to_numeric(df["refYear"], label, "refYear")
    month = to_numeric(df["refMonth"], label, "refMonth")
    check_years(year, label)
    if month.isna().any() or not month.between(1, 12).all():
        raise DataError(f"{label}: column 'refMonth' has a value outside 1-12")
    value = to_numeric(df["primaryValue"], label, "primaryValue")
    out = df.assign(year=year.astype("int64"), month=month.astype("int64"), value_usd=value,
                    classification=df["classificationCode"].str.strip())
    out = out[["year", "month", "value_usd", "classification"]].dropna(subset=["value_usd"])
    check_unique(out, ["year", "month"], label)
    out = out.sort_values(["year", "month"], kind="mergesort").reset_index(drop=True)
    return SourceData(tables={"comtrade_cn_imports_ru_monthly": out})


SOURCES = [
    Source(
        key="comtrade_monthly", title="UN Comtrade: China's monthly imports from Russia, 2017-2024",
        producer="UN Comtrade (United Nations Statistics Division)",
        version="Comtrade+ API v1 'get' output, stored at commit 239100644f1e119454aa5a564620e76ee6a1bb95 (2026-02-18)",
        citation=("United Nations Statistics Division, UN Comtrade database: China (reporter) imports from the "
                  "Russian Federation, monthly, total of all commodities, 2017-01 to 2024-12."),
        licence="UN Comtrade terms (attribution)",
        url="https://github.com/SamiNakibETU/Russia_China_relationship",
        files=(FILE,), read=read_comtrade_monthly, tables=("comtrade_cn_imports_ru_monthly",),
        embed=False,
        note=("Table comtrade_cn_imports_ru_monthly: year, month, value_usd (primaryValue = CIF value, US$), "
              "classification (H5 or H6: the HS revision China reported in). 96 months, 2017-01 to 2024-12, "
              "totals only (no product breakdown in the file). Kept out of the shipped snapshot: the UN Comtrade "
              "licence agreement (as restated in WITS's terms) allows internal use and forbids re-dissemination "
              "without UNSD's written permission. File from SamiNakibETU/Russia_China_relationship, "
              "russia_china_dependency/01_raw_data/trade/comtrade_imports_chn_from_rus_2017_2024.csv."),
    ),
]
