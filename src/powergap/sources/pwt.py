"""Penn World Table 10.01 (CSV conversion of the CRAN package pwt10's data).

``pwt/pwt10.01_cran_pwt10.csv`` has one row per ISO3 country-year (183 countries,
1950-2019) and PWT's 52 variables. Money aggregates are in millions of 2017 US$ and counts
in millions of persons; they are stored in US$ and persons. Codes with no COW state
(ABW, AIA, BMU, CUW, CYM, HKG, MAC, MSR, PSE, SXM, TCA, VGB) are dropped. PWT's RUS
starts in 1990 (Russian Federation), stored under COW 365.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .base import (Source, SeriesSpec, SourceData, attach_ccode, check_unique, check_years, empty_state_year,
                   read_csv, to_numeric)

FILE = "pwt/pwt10.01_cran_pwt10.csv"

# PWT column -> (series id, scale to the stored unit, unit, dimension, description)
VARIABLES: dict[str, tuple[str, float, str, str, str]] = {
    "rgdpe": ("gdp_ppp_pwt", 1e6, "chained PPP 2017 US$", "economic",
              "Expenditure-side real GDP at chained PPPs (PWT rgdpe): compares living standards across countries and years"),
    "rgdpo": ("gdp_ppp_output_pwt", 1e6, "chained PPP 2017 US$", "economic",
              "Output-side real GDP at chained PPPs (PWT rgdpo): compares productive capacity across countries and years"),
    "rgdpna": ("gdp_na_pwt", 1e6, "constant 2017 national prices, in 2017 US$", "economic",
               "Real GDP at constant 2017 national prices (PWT rgdpna): for growth rates within a country"),
    "pop": ("population_pwt", 1e6, "persons", "demographic", "Population (PWT pop)"),
    "emp": ("employment_pwt", 1e6, "persons", "demographic", "Number of persons engaged (PWT emp)"),
    "hc": ("hc_pwt", 1.0, "index (years of schooling and returns to education)", "demographic",
           "Human capital index based on years of schooling and returns to education (PWT hc)"),
    "rnna": ("capital_stock_pwt", 1e6, "constant 2017 national prices, in 2017 US$", "economic",
             "Capital stock at constant 2017 national prices (PWT rnna)"),
    "ctfp": ("tfp_pwt", 1.0, "index, USA = 1 (current PPPs)", "economic",
             "TFP level at current PPPs, USA = 1 (PWT ctfp)"),
}
ID_COLS = ["isocode", "year"]
WANTED = frozenset(ID_COLS) | set(VARIABLES)  # a callable usecols lets a missing column reach check_columns


def read_pwt(raw: Path) -> SourceData:
    path = Path(raw) / FILE
    df = read_csv(path, columns=ID_COLS + list(VARIABLES), usecols=lambda c: c in WANTED,
                  keep_default_na=False, na_values=["", "NA"])
    year = to_numeric(df["year"], path.name, "year")
    check_years(year, path.name, lo=1900)  # also rejects blank years
    df["year"] = year.astype("int64")
    parts = []
    for col, (sid, scale, *_rest) in VARIABLES.items():
        v = to_numeric(df[col], path.name, col) * scale
        parts.append(pd.DataFrame({"series": sid, "iso3": df["isocode"], "year": df["year"], "value": v}).dropna(subset=["value"]))
    long = pd.concat(parts, ignore_index=True) if parts else empty_state_year()
    long = attach_ccode(long, code_col="iso3", label=path.name, source="pwt")
    check_unique(long, ["series", "ccode", "year"], path.name)
    return SourceData(state_year=long[["series", "ccode", "year", "value"]])


SOURCES = [
    Source(
        key="pwt", title="Penn World Table version 10.01",
        producer="Groningen Growth and Development Centre (Feenstra, Inklaar and Timmer)", version="10.01",
        citation=("Feenstra, Robert C., Robert Inklaar and Marcel P. Timmer (2015), 'The Next Generation of the Penn "
                  "World Table', American Economic Review 105(10): 3150-3182. Penn World Table version 10.01, "
                  "www.ggdc.net/pwt"),
        licence="CC BY 4.0",
        url="https://www.rug.nl/ggdc/productivity/pwt/",
        files=(FILE,), read=read_pwt,
        series=tuple(SeriesSpec(sid, desc, unit, dim) for sid, _s, unit, dim, desc in VARIABLES.values()),
        note="CSV conversion of the CRAN package pwt10 10.01-0 (Zeileis). Millions are stored as units.",
    ),
]
