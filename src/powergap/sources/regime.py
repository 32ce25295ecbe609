"""Regime type: V-Dem polyarchy, Polity5 polity2 and (adjusted) extended UDS, by COW state-year.

``regime_type/cw_democracy_isard.csv`` (the R package isard's ``cw_democracy``): columns
``ccode, year, euds, aeuds, polity2, v2x_polyarchy``, already keyed by COW code, 1816-2025.
Values are stored as published; each column's range is checked (polyarchy 0-1, polity2
-10..10) so that a file with another scale or with Polity's special codes (-66, -77, -88)
fails loudly.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_unique, check_years, long_state_year, read_csv, to_numeric

FILE = "regime_type/cw_democracy_isard.csv"
COLUMNS = ["ccode", "year", "euds", "aeuds", "polity2", "v2x_polyarchy"]

# column -> (series id, allowed range)
SERIES = {
    "v2x_polyarchy": ("polyarchy", (0.0, 1.0)),
    "polity2": ("polity2", (-10.0, 10.0)),
    "euds": ("euds", (-10.0, 10.0)),
    "aeuds": ("aeuds", (-10.0, 10.0)),
}


def read_regime(raw: Path) -> SourceData:
    path = Path(raw) / FILE
    df = read_csv(path, columns=COLUMNS, usecols=lambda c: c in COLUMNS)
    for c in COLUMNS:
        df[c] = to_numeric(df[c], path.name, c)
    if df[["ccode", "year"]].isna().any().any():
        raise DataError(f"{path.name}: blank ccode or year")
    df["ccode"] = df["ccode"].astype("int64")
    df["year"] = df["year"].astype("int64")
    check_years(df["year"], path.name)
    check_unique(df, ["ccode", "year"], path.name)
    for col, (_sid, (lo, hi)) in SERIES.items():
        v = df[col].dropna()
        bad = (v < lo) | (v > hi)
        if bad.any():
            raise DataError(f"{path.name}: column {col!r} has {float(v[bad].iloc[0]):g}, outside {lo:g}..{hi:g}")
    long = long_state_year(df, {col: sid for col, (sid, _r) in SERIES.items()})
    return SourceData(state_year=long)


SOURCES = [
    Source(
        key="regime", title="Democracy indicators by COW state-year (isard cw_democracy: V-Dem v16, Polity5, extended UDS)",
        producer="V-Dem Institute; Center for Systemic Peace; Marquez (extended UDS); packaged by Steven V. Miller (isard)",
        version="isard cw_democracy (2026-06-24): V-Dem v16, Polity5 v2018, democracyData 0.7.1",
        citation=("Coppedge, Michael et al. V-Dem Country-Year Dataset v16. Varieties of Democracy (V-Dem) Project. "
                  "Marshall, Monty G. 2020. Polity5: Political Regime Characteristics and Transitions, 1800-2018. "
                  "Marquez, Xavier. 2016. 'A Quick Method for Extending the Unified Democracy Scores'; Pemstein, Meserve "
                  "and Melton. 2010. 'Democratic Compromise', Political Analysis 18(4). Packaged by Steven V. Miller, "
                  "isard (R package)."),
        licence="V-Dem CC BY-SA 4.0; Polity5 free with citation; isard GPL-2",
        url="https://github.com/svmiller/isard",
        files=(FILE,), read=read_regime,
        series=(
            SeriesSpec("polyarchy", "V-Dem electoral democracy index (v2x_polyarchy), v16", "index 0-1", "regime"),
            SeriesSpec("polity2", "Polity5 combined polity score (polity2; interregnum and transition years "
                       "interpolated by Polity); ends 2018-2020", "scale -10..10", "regime"),
            SeriesSpec("euds", "Extended Unified Democracy Score (Marquez 2016), latent scale centred near 0",
                       "latent score (about -3..3)", "regime"),
            SeriesSpec("aeuds", "Adjusted extended Unified Democracy Score (Marquez 2016)", "latent score (about -3..3)",
                       "regime"),
        ),
        note="Already keyed by COW code (isard).",
    ),
]
