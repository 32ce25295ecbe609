"""Maddison Project Database 2020 (Bolt and van Zanden), long-run GDP per capita and population.

``maddison/mpd2020.xlsx``, sheet ``Full data``: columns ``countrycode, country, year, gdppc,
pop`` with GDP per capita in 2011 international dollars (PPP) and population in thousands.
Years before 1800 (the benchmark years 1, 730, 1000, 1150, 1280, 1500, 1600, 1700) are left
out: the COW state system starts in 1816.

Series: ``gdp_pc_maddison`` (2011 int. $ per person), ``population_maddison`` (persons =
pop x 1000) and ``gdp_maddison`` = gdppc x pop x 1000 (2011 int. $), the latter only where
both are published.

Dissolved states. The file carries both the former federations and their successors for
every year: SUN (former USSR territory) and RUS, CSK and CZE/SVK, YUG and SRB/MNE/...,
each to 2018. COW 365 is the USSR from 1922 to 1991 and Russia otherwise, and COW 345 is
Yugoslavia to 1991 and then the Federal Republic of Yugoslavia / Serbia and Montenegro
(to June 2006) and Serbia. So:

* COW 365 takes SUN up to 1991 and RUS from 1992 (SUN also stands for the Russian Empire
  before 1922, whose territory it approximates better than RUS does);
* COW 315 takes CSK up to 1992;
* COW 345 takes YUG up to 1991; SRB and MNE summed for 1992-2005 (population and GDP
  added, GDP per capita = their GDP / their population); SRB alone from 2006;
* everything else follows the ISO3 crosswalk (DEU 1946-1989 -> COW 260, as the crosswalk
  documents: the values are for the territory of unified Germany).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .base import (Source, SeriesSpec, SourceData, check_unique, check_years, first_line, require_file,
                   to_numeric)
from .wdi import attach_ccode

FILE = "maddison/mpd2020.xlsx"
SHEET = "Full data"
COLUMNS = ["countrycode", "country", "year", "gdppc", "pop"]
FIRST_YEAR = 1800

# Code -> (first, last) year it is used for (inclusive; None = open).
WINDOWS: dict[str, tuple[int | None, int | None]] = {
    "SUN": (None, 1991), "RUS": (1992, None),
    "CSK": (None, 1992),
    "YUG": (None, 1991), "SRB": (2006, None),
}
# Serbia and Montenegro together stand for COW 345 in 1992-2005.
SCG_YEARS = (1992, 2005)


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

    # Serbia and Montenegro, 1992-2005: add the two; both must be published.
    lo, hi = SCG_YEARS
    scg = df[df["countrycode"].isin(["SRB", "MNE"]) & df["year"].between(lo, hi)]
    if not scg.empty:
        g = scg.groupby("year").agg(n=("countrycode", "size"), persons=("persons", "sum"), gdp=("gdp", "sum"),
                                    persons_ok=("persons", lambda s: s.notna().all()),
                                    gdp_ok=("gdp", lambda s: s.notna().all())).reset_index()
        g = g[g["n"] == 2]
        comb = pd.DataFrame({"countrycode": "SCG", "year": g["year"],
                             "persons": g["persons"].where(g["persons_ok"]),
                             "gdp": g["gdp"].where(g["gdp_ok"])})
        comb["gdppc"] = comb["gdp"] / comb["persons"]
        df = pd.concat([df, comb], ignore_index=True)

    parts = []
    for col, sid in (("gdppc", "gdp_pc_maddison"), ("persons", "population_maddison"), ("gdp", "gdp_maddison")):
        part = pd.DataFrame({"series": sid, "code": df["countrycode"], "year": df["year"], "value": df[col]})
        parts.append(part.dropna(subset=["value"]))
    long = pd.concat(parts, ignore_index=True)
    long = long[np.isfinite(long["value"])]
    # SCG is ISO 3166's withdrawn code for Serbia and Montenegro (-> COW 345); allow it only
    # in 1992-2005 so that it cannot clash with SRB.
    long = attach_ccode(long, code_col="code", label=label, windows={**WINDOWS, "SCG": SCG_YEARS})
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
