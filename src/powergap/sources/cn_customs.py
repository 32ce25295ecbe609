"""China-Russia goods trade as China's customs report it: annual sums of two monthly series.

Both directions come from one reporter, China (General Administration of Customs, GACC):

* Russia -> China: China's imports from Russia, c.i.f., from UN Comtrade (reporter 156,
  partner 643, flow M, all commodities), 2017-01 to 2024-12 (:mod:`.comtrade_monthly`);
* China -> Russia: China's exports to Russia, f.o.b., GACC data compiled by Apricitas
  Economics, 2018-01 to 2023-06 (:mod:`.apricitas`).

A year is summed only when a series has all twelve months, and a dyad-year is stored only
when both directions are complete, so that the two directions of a dyad-year always come
from this one source (2018-2022 with the shipped raw files). China values imports c.i.f.
and exports f.o.b., as it publishes them: Russia -> China here is therefore a little above
Russia's own f.o.b. exports to China (and above BACI, which removes freight and insurance).

Kept out of the shipped snapshot because the Comtrade half is (UN Comtrade's licence
forbids re-dissemination); a user's own build (``include_restricted``) has it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .apricitas import FILE as APRICITAS_FILE, read_apricitas
from .base import Source, SeriesSpec, SourceData, empty_dyad_year
from .comtrade_monthly import FILE as COMTRADE_FILE, read_comtrade_monthly

CHN, RUS = 710, 365


def complete_years(monthly: pd.DataFrame) -> pd.DataFrame:
    """Annual sums of a ``year, month, value_usd`` table, for years with all 12 months only.

    Returns ``year, value_usd``; a year with a missing month is absent (missing), never a
    partial sum.
    """
    g = monthly.groupby("year")
    n = g["month"].nunique()
    total = g["value_usd"].sum()
    full = n[n == 12].index
    return pd.DataFrame({"year": full.astype("int64"), "value_usd": total.loc[full].to_numpy(dtype=float)})


def read_cn_customs(raw: Path) -> SourceData:
    imports = complete_years(read_comtrade_monthly(raw).tables["comtrade_cn_imports_ru_monthly"])
    exports = complete_years(read_apricitas(raw).tables["cn_exports_ru_monthly"])
    both = imports.merge(exports, on="year", suffixes=("_ru_cn", "_cn_ru"))
    if both.empty:
        return SourceData(dyad_year=empty_dyad_year())
    n = len(both)
    directed = pd.DataFrame({
        "series": "trade_exports_usd_cn_customs",
        "ccode1": [RUS] * n + [CHN] * n, "ccode2": [CHN] * n + [RUS] * n,
        "year": list(both["year"]) * 2,
        "value": list(both["value_usd_ru_cn"].round()) + list(both["value_usd_cn_ru"].round()),
    })
    total = pd.DataFrame({"series": "trade_total_usd_cn_customs", "ccode1": RUS, "ccode2": CHN,
                          "year": both["year"],
                          "value": (both["value_usd_ru_cn"] + both["value_usd_cn_ru"]).round()})
    # COW 365 < 710: the symmetric total is stored as (365, 710).
    dy = pd.concat([directed, total], ignore_index=True)
    for c in ("ccode1", "ccode2", "year"):
        dy[c] = dy[c].astype("int64")
    return SourceData(dyad_year=dy)


SOURCES = [
    Source(
        key="cn_customs",
        title="China's customs: China-Russia goods trade, annual sums of monthly data (complete years 2018-2022)",
        producer=("General Administration of Customs of the PRC (GACC), via UN Comtrade (imports) and Apricitas "
                  "Economics (exports)"),
        version=("Comtrade+ API output stored at SamiNakibETU/Russia_China_relationship commit "
                 "239100644f1e119454aa5a564620e76ee6a1bb95; Miles-byte/Apricitas commit "
                 "f31c9714cf1a9e72d8863eacddc30726bf9eab5f"),
        citation=("United Nations Statistics Division, UN Comtrade: China (reporter) imports from the Russian "
                  "Federation, monthly totals; General Administration of Customs of the PRC, China's exports to "
                  "Russia, monthly, compiled by Joseph Politano (Apricitas Economics). Annual sums by powergap."),
        licence=("UN Comtrade terms (no re-dissemination without UNSD's permission) for the imports; none stated "
                 "for the exports (cite GACC and Apricitas)"),
        url="https://comtradeplus.un.org/",
        files=(COMTRADE_FILE, APRICITAS_FILE), read=read_cn_customs,
        series=(
            SeriesSpec("trade_exports_usd_cn_customs",
                       "Goods trade between China and Russia as China's customs report it: China's exports f.o.b. "
                       "(710->365) and China's imports c.i.f. stored as Russia's exports to China (365->710); annual "
                       "sums of complete months, both directions of a year or neither",
                       "current US$", "trade", dyadic=True),
            SeriesSpec("trade_total_usd_cn_customs",
                       "China-Russia goods trade, both directions, as China's customs report it (sum of the two "
                       "directions of trade_exports_usd_cn_customs)", "current US$", "trade",
                       dyadic=True, symmetric=True),
        ),
        embed=False,
        note=("Only China-Russia. Years: those where both monthly series have 12 months (2018-2022 with the shipped "
              "files: Comtrade imports run 2017-01 to 2024-12, Apricitas exports 2018-01 to 2023-06). Imports c.i.f. "
              "(Comtrade primaryValue = cifvalue), exports f.o.b. Not in the shipped snapshot: the Comtrade half is "
              "under UN Comtrade's no-re-dissemination terms (see comtrade_monthly)."),
    ),
]
