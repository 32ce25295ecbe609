"""Levada Center: Russians' attitudes towards the USA (1990-2023) and the EU (2003-2023).

Each survey wave reports the percentage of Russian respondents whose attitude to the
country (or the EU) is positive, negative, or who find it difficult to answer. The reader
gives:

* table ``levada_waves``: one row per wave and target: ``date`` (survey month, ISO
  ``YYYY-MM-DD`` with day 01), ``target`` ("USA" or "EU"), ``positive_pct``,
  ``negative_pct``, ``difficult_pct`` (percent of respondents, as published; the three sum
  to 100 up to rounding);
* state-year series for Russia (ccode 365, the respondents' country):
  ``levada_positive_usa``, ``levada_negative_usa``, ``levada_positive_eu``,
  ``levada_negative_eu`` = the unweighted mean over the year's waves of the published
  percentage, divided by 100 (a share 0-1, like the Pew series):

      levada_positive_x(t) = (1/W_t) * sum_{waves w in year t} positive_pct_w / 100

  Years have 1 to 12 waves (``levada_waves`` says how many); a year without a wave has no
  value. Levada's questions on China are not in these files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_unique, read_csv, to_numeric

USA_FILE = "levada_attitudes_us_eu_geodata/oc_russie_levada_attitude_us.csv"
EU_FILE = "levada_attitudes_us_eu_geodata/oc_russie_levada_attitude_eu.csv"
COLUMNS = ["attitude", "date", "percentage"]
ATTITUDES = {"Positive": "positive_pct", "Negative": "negative_pct", "Difficult to answer": "difficult_pct"}
RUSSIA = 365


def _read_waves(path: Path, target: str) -> pd.DataFrame:
    label = path.name
    df = read_csv(path, columns=COLUMNS, usecols=COLUMNS.__contains__, dtype={"attitude": str, "date": str})
    df["attitude"] = df["attitude"].str.strip()
    odd = ~df["attitude"].isin(list(ATTITUDES))
    if odd.any():
        raise DataError(f"{label}: unknown attitude {df.loc[odd, 'attitude'].iloc[0]!r}")
    dates = pd.to_datetime(df["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        raise DataError(f"{label}: unparsable date {df.loc[dates.isna(), 'date'].iloc[0]!r}")
    df["date"] = dates.dt.strftime("%Y-%m-%d")
    df["percentage"] = to_numeric(df["percentage"], label, "percentage")
    bad = (df["percentage"] < 0) | (df["percentage"] > 100)
    if bad.any():
        raise DataError(f"{label}: percentage outside 0-100 ({df.loc[bad, 'percentage'].iloc[0]})")
    check_unique(df, ["date", "attitude"], label)
    waves = df.pivot(index="date", columns="attitude", values="percentage").rename(columns=ATTITUDES)
    for col in ATTITUDES.values():
        if col not in waves.columns:
            waves[col] = float("nan")
    waves = waves.reset_index()[["date", *ATTITUDES.values()]]
    lacking = waves["positive_pct"].isna() | waves["negative_pct"].isna()
    if lacking.any():
        raise DataError(f"{label}: wave {waves.loc[lacking, 'date'].iloc[0]} lacks the positive or negative share")
    waves.columns.name = None
    return waves.assign(target=target)[["date", "target", *ATTITUDES.values()]]


def read_levada(raw: Path) -> SourceData:
    raw = Path(raw)
    waves = pd.concat([_read_waves(raw / USA_FILE, "USA"), _read_waves(raw / EU_FILE, "EU")], ignore_index=True)
    waves = waves.sort_values(["target", "date"], kind="mergesort").reset_index(drop=True)
    year = waves["date"].str.slice(0, 4).astype("int64")
    parts = []
    for target, suffix in (("USA", "usa"), ("EU", "eu")):
        w = waves[waves["target"] == target]
        means = w.groupby(year[w.index])[["positive_pct", "negative_pct"]].mean() / 100.0
        for col, stem in (("positive_pct", "levada_positive"), ("negative_pct", "levada_negative")):
            parts.append(pd.DataFrame({"series": f"{stem}_{suffix}", "ccode": RUSSIA, "year": means.index.to_numpy(),
                                       "value": means[col].to_numpy()}))
    state_year = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    return SourceData(state_year=state_year, tables={"levada_waves": waves})


_UNIT = "share of respondents (0-1), annual mean of survey waves"

SOURCES = [
    Source(
        key="levada",
        title="Levada Center, Attitudes towards countries: the USA and the EU (R package geodata copy)",
        producer="Levada Center; scraped into the R package geodata by Pascal Burkhard",
        version="Nenuial/geodata commit 6b2818b23537cc2b156de0e210364470dd33e636 (2023-03-14), waves to 2023-02; "
                "CSV conversions of oc_russie_levada_attitude_us.rda and oc_russie_levada_attitude_eu.rda",
        citation="Levada Center, \"Attitudes towards countries\" survey series, "
                 "https://www.levada.ru/en/ratings/attitudes-towards-countries/",
        licence="package MIT; Levada data - cite Levada Center",
        url="https://www.levada.ru/en/ratings/attitudes-towards-countries/",
        files=(USA_FILE, EU_FILE),
        read=read_levada,
        series=(
            SeriesSpec("levada_positive_usa", "Russians with a positive attitude to the USA (Levada), annual mean of waves", _UNIT, "opinion"),
            SeriesSpec("levada_negative_usa", "Russians with a negative attitude to the USA (Levada), annual mean of waves", _UNIT, "opinion"),
            SeriesSpec("levada_positive_eu", "Russians with a positive attitude to the EU (Levada), annual mean of waves", _UNIT, "opinion"),
            SeriesSpec("levada_negative_eu", "Russians with a negative attitude to the EU (Levada), annual mean of waves", _UNIT, "opinion"),
        ),
        tables=("levada_waves",),
        note=("Series keyed by the respondents' country, Russia (365). USA 1990-04 to 2023-02 (no waves 1994-1996), "
              "EU 2003-12 to 2023-02; 2023 holds one wave. Wave values are percentages as published; the series "
              "are shares (percent / 100). Attitudes to China are not in this copy."),
    ),
]
