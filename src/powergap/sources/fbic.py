"""Formal Bilateral Influence Capacity (FBIC, Pardee Center): China's and "the West's"
influence capacity over each state, 1994-2023, from H. Aasheim's merged thesis file.

FBIC(A -> B) measures A's capacity to influence B through formal ties (the bandwidth of
economic, political and security links times B's dependence on A), scaled 0-1 where 1 is
the largest value observed between two countries 1960-2018 (Moyer et al., FBIC codebook).

The file has one row per target state B and year, so every series here is a STATE-YEAR
series keyed by the target B (the state influenced), not a dyad:

* ``fbic_china_over``: FBIC(China -> B), the file's ``fbic`` (0-1). China itself is not a
  target.
* ``fbic_west_over``: sum over the "restricted West" of FBIC(W -> B), the file's
  ``west_1_fbic``; the author's list of 29 long-established Western democracies (Andorra,
  Australia, Austria, Belgium, Canada, Denmark, Finland, France, Germany, Greece, Iceland,
  Ireland, Israel, Italy, Japan, Liechtenstein, Luxembourg, Malta, Monaco, Netherlands, New
  Zealand, Norway, Portugal, San Marino, Spain, Sweden, Switzerland, United Kingdom, United
  States).
* ``fbic_west_expanded_over``: the same sum over the author's 42-state "expanded West"
  (``west_2_fbic``: the list above without Monaco, plus the other EU members, South Korea
  and Taiwan).

The two West series are sums of FBIC values, not FBIC values: they exceed 1 and are not
comparable in level with ``fbic_china_over``; compare each with itself over time, or
China's share of the total. When B is itself in the Western list, FBIC(B -> B) does not
exist, so its sum covers the other members only. No West aggregate is a state, so no
dyad is invented for it. The thesis does not hold US-only values.

Codes: ISO3 as in the file (``UNK`` = Kosovo, 347); Hong Kong (HKG) has no COW state and is
left out. The 2024 rows are empty (FBIC runs to 2023).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_unique, check_years, long_state_year, read_csv, to_numeric
from .pew import iso3_ccodes_strict

FBIC_FILE = "fbic_china_influence_aasheim/base_conversion.csv"
SERIES_COLS = {"fbic": "fbic_china_over", "west_1_fbic": "fbic_west_over", "west_2_fbic": "fbic_west_expanded_over"}
COLUMNS = ["iso3c", "year", *SERIES_COLS]
EXTRA_CODES = {"UNK": 347}  # the author's code for Kosovo
NON_STATES = ("HKG",)


def read_fbic(raw: Path) -> SourceData:
    path = Path(raw) / FBIC_FILE
    label = path.name
    df = read_csv(path, columns=COLUMNS, usecols=COLUMNS.__contains__, dtype={"iso3c": str}, keep_default_na=False,
                  na_values={c: ["", "NA"] for c in COLUMNS if c != "iso3c"})
    for c in ["year", *SERIES_COLS]:
        df[c] = to_numeric(df[c], label, c)
    if df["year"].isna().any() or (df["iso3c"].str.strip() == "").any():
        raise DataError(f"{label}: empty iso3c or year")
    df["year"] = df["year"].astype("int64")
    check_years(df["year"], label)
    df = df[~df["iso3c"].str.strip().str.upper().isin(NON_STATES)].copy()
    df["ccode"] = iso3_ccodes_strict(df["iso3c"], df["year"], label=label, column="iso3c", extra=EXTRA_CODES)
    df = df[df["ccode"].notna()].copy()  # known codes outside COW membership (Timor-Leste to 2001)
    df["ccode"] = df["ccode"].astype("int64")
    check_unique(df, ["ccode", "year"], label)
    bad = (df["fbic"] < 0) | (df["fbic"] > 1)
    if bad.any():
        raise DataError(f"{label}: fbic outside 0-1 ({df.loc[bad, 'fbic'].iloc[0]})")
    neg = (df[["west_1_fbic", "west_2_fbic"]] < 0).any(axis=1)
    if neg.any():
        raise DataError(f"{label}: negative West FBIC sum for {df.loc[neg, 'iso3c'].iloc[0]}")
    return SourceData(state_year=long_state_year(df, SERIES_COLS))


SOURCES = [
    Source(
        key="fbic",
        title="Formal Bilateral Influence Capacity (FBIC): China and the West toward each state (Aasheim thesis merge)",
        producer="Frederick S. Pardee Center for International Futures (FBIC); merged by H. Aasheim (MA thesis)",
        version="FBIC with data to 2023; Henning-Aasheim/Authoritarian-Diffusion-MA-Thesis data/base.RData commit "
                "2b61aa800f7c659a3b7aa248dbf2c394a4069d3f (2025-04-28), CSV conversion",
        citation="Moyer, Meisel, Matthews, Bohl & Burrows 2021, \"China-US Competition: Measuring Global Influence\", "
                 "Atlantic Council; FBIC index, Frederick S. Pardee Center. Merged file: H. Aasheim, "
                 "Authoritarian-Diffusion-MA-Thesis.",
        licence="none stated in repo; FBIC is public (Pardee Center); V-Dem CC BY-SA 4.0",
        url="https://github.com/Henning-Aasheim/Authoritarian-Diffusion-MA-Thesis",
        files=(FBIC_FILE,),
        read=read_fbic,
        series=(
            SeriesSpec("fbic_china_over", "China's formal bilateral influence capacity over this state, FBIC(China -> state)",
                       "FBIC index (0-1)", "diplomatic"),
            SeriesSpec("fbic_west_over", "Sum of FBIC over this state of 29 long-established Western democracies "
                       "(Aasheim's restricted West, incl. the USA)", "sum of FBIC indices", "diplomatic"),
            SeriesSpec("fbic_west_expanded_over", "Sum of FBIC over this state of 42 Western states "
                       "(Aasheim's expanded West: EU members, South Korea, Taiwan added)", "sum of FBIC indices", "diplomatic"),
        ),
        note=("State-year series keyed by the TARGET state (the one influenced); 1994-2023, 173 states. Derived "
              "data (a thesis merge of the Pardee FBIC file); China is never a target. No Russia -> other series."),
    ),
]
