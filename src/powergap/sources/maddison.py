"""Maddison Project Database 2020 (Bolt and van Zanden), long-run GDP per capita and population.

``maddison/mpd2020.xlsx``, sheet ``Full data``: columns ``countrycode, country, year, gdppc,
pop`` with GDP per capita in 2011 international dollars (PPP) and population in thousands.
Years before 1800 (the benchmark years 1, 730, 1000, 1150, 1280, 1500, 1600, 1700) are left
out: the COW state system starts in 1816.

Series: ``gdp_pc_maddison`` (2011 int. $ per person), ``population_maddison`` (persons =
pop x 1000) and ``gdp_maddison`` = gdppc x pop x 1000 (2011 int. $), the latter only where
both are published.

Territory (docs/states.md, ``data/iso_windows.tsv``). The file carries the former
federations and their successors for every year, mostly in present-day borders: SUN
(former USSR, 1991 borders) and RUS, CSK and CZE/SVK, YUG and SRB/MNE, each to 2018. A code
is attached to a COW state only in years when it describes that state's territory:

* COW 365 takes SUN for 1946-1991 (before 1946 the 1991 borders are not the USSR's or the
  Russian Empire's) and RUS from 1992;
* COW 315 takes CSK to 1992; COW 345 takes YUG for 1919-1991 and SRB from 2008 (SRB and
  MNE exclude Kosovo, so neither they nor their sum describe COW 345 in 1992-2007);
* DEU is the contemporary Reich to 1938 (COW 255 for 1871-1938), unified-Germany
  backcasts for 1946-1989 (not attached: neither West nor East Germany) and Germany from
  1990; TZA is mainland Tanzania (Tanganyika, COW 510 for 1961-1963 only);
* everything else follows the shared windows (PAK from 1972, SDN from 2012, POL from
  1946, ...).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .base import (Source, SeriesSpec, SourceData, attach_ccode, check_unique, check_years, first_line, require_file,
                   to_numeric)

FILE = "maddison/mpd2020.xlsx"
SHEET = "Full data"
COLUMNS = ["countrycode", "country", "year", "gdppc", "pop"]
FIRST_YEAR = 1800

# Which years each code (SUN, RUS, CSK, YUG, SRB, DEU, ...) is attached in: data/iso_windows.tsv.


def load_full_data(path: Path) -> pd.DataFrame:
    path = require_file(path)
    try:
        df = pd.read_excel(path, sheet_name=SHEET, engine="openpyxl")
    except ValueError as exc:
        raise DataError(f"{path.name}: cannot read sheet {SHEET!r} ({first_line(exc)})") from None
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise DataError(f"{path.name}: cannot be parsed ({type(exc).__name__}: {first_line(exc)})") from None
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{path.name}: missing expected column(s) {', '.join(missing)}")
    return df[COLUMNS]


def tidy_maddison(df: pd.DataFrame, *, label: str) -> pd.DataFrame:
    """Wide ``countrycode, year, gdppc, pop`` -> long ``series, ccode, year, value``.

    Formula: ``gdp_maddison = gdppc * pop * 1000`` (pop in thousands).
    """
    df = df.copy()
    for c in ("year", "gdppc", "pop"):
        df[c] = to_numeric(df[c], label, c)
    if df["year"].isna().any():
        raise DataError(f"{label}: blank year")
    if (df[["gdppc", "pop"]] < 0).any().any():
        raise DataError(f"{label}: negative GDP per capita or population")
    df["year"] = df["year"].astype("int64")
    df = df[df["year"] >= FIRST_YEAR]
    check_years(df["year"], label)
    df["countrycode"] = df["countrycode"].astype(str).str.strip().str.upper()
    check_unique(df, ["countrycode", "year"], label)
    df["persons"] = df["pop"] * 1000.0
    df["gdp"] = df["gdppc"] * df["persons"]

    parts = []
    for col, sid in (("gdppc", "gdp_pc_maddison"), ("persons", "population_maddison"), ("gdp", "gdp_maddison")):
        part = pd.DataFrame({"series": sid, "code": df["countrycode"], "year": df["year"], "value": df[col]})
        parts.append(part.dropna(subset=["value"]))
    long = pd.concat(parts, ignore_index=True)
    long = long[np.isfinite(long["value"])]
    long = attach_ccode(long, code_col="code", label=label, source="maddison")
    return long[["series", "ccode", "year", "value"]]


def read_maddison(raw: Path) -> SourceData:
    path = Path(raw) / FILE
    return SourceData(state_year=tidy_maddison(load_full_data(path), label=path.name))


SOURCES = [
    Source(
        key="maddison", title="Maddison Project Database 2020",
        producer="Groningen Growth and Development Centre, University of Groningen (Bolt and van Zanden)",
        version="MPD 2020",
        citation=("Bolt, Jutta and Jan Luiten van Zanden (2020), 'Maddison style estimates of the evolution of the "
                  "world economy. A new 2020 update', Maddison Project Database, version 2020."),
        licence="CC BY 4.0 (subject to the MPD citation policy in the workbook's Notes sheet)",
        url="https://www.rug.nl/ggdc/historicaldevelopment/maddison/releases/maddison-project-database-2020",
        files=(FILE,), read=read_maddison,
        series=(
            SeriesSpec("gdp_pc_maddison", "Real GDP per capita in 2011 international dollars (Maddison 2020 gdppc)",
                       "2011 international $ (PPP) per person", "economic"),
            SeriesSpec("population_maddison", "Population (Maddison 2020 pop, thousands x 1000)", "persons", "demographic"),
            SeriesSpec("gdp_maddison", "Real GDP = gdppc x population (Maddison 2020), 2011 international dollars",
                       "2011 international $ (PPP)", "economic"),
        ),
        note=("Years from 1800. COW 365 = former USSR (SUN) to 1991, Russian Federation (RUS) from 1992; COW 315 = "
              "CSK to 1992; COW 345 = YUG to 1991, SRB+MNE 1992-2005, SRB from 2006."),
    ),
]
