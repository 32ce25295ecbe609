"""CEIAS WHO | WHERE | WHEN: international travel of the Chinese leaders, 1949-2020 (v1.1).

The raw file (the "Dataset" sheet of the CEIAS workbook, as CSV) has one row per visit of
a top leader to a country: ``Year, Name, Level, Country, Continent`` and three 0/1 flags
(developed, communist, developing). It has no day or month and no purpose of the visit;
a trip through several countries is one row per country, and two visits of the same
leader to the same country in one year are two identical rows.

Provides the table ``china_leader_travel`` (one row per visit) and the dyadic series
``chn_leader_visits`` (China 710 -> host, visits per year). Every CEIAS level counts as a
top leader: President, Premier, Leader CCP, Paramount Leader and "Other (Acting leader)"
(Deng Xiaoping's 1974-1975 trips). The series is sparse: within the dataset's years
(1949-2020) an absent host-year means no visit (zero), outside them it is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from ..errors import DataError, UnknownStateError
from ..states import resolve
from .base import Source, SeriesSpec, SourceData, check_years, read_csv, to_numeric

FILE = "china_leader_travel_ceias/WHO-WHERE-WHEN-dataset-v.1.1_Dataset.csv"
COLS = ["Year", "Name", "Level", "Country", "Continent"]
LEVELS = ("President", "Premier", "Leader CCP", "Paramount Leader", "Other (Acting leader)")
CHINA = 710

# Names the resolver does not know, or that depend on the year (COW 260 West Germany until
# unification, 255 Germany after).
OVERRIDES: dict[str, int | Callable[[int], int]] = {
    "Czech Republic": 316,
    "Germany, East": 265,
    "Germany": lambda year: 260 if year <= 1990 else 255,
    "Soviet Union": 365,
    "Russia": 365,
    "Serbia": 345,
    "Yugoslavia": 345,
}
# Destinations that are not COW states: kept in the table with a null code.
NON_STATES = frozenset({"Palestine", "Cook Islands"})


def names_to_ccodes(names: pd.Series, years: pd.Series, label: str, *,
                    overrides: dict[str, int | Callable[[int], int]] = OVERRIDES,
                    non_states: frozenset[str] = NON_STATES) -> pd.Series:
    """English country names (with their year) -> COW codes; non-states give NA.

    A name neither resolvable nor listed as a non-state is a DataError naming the file,
    so that a changed raw file cannot silently lose rows.
    """
    cache: dict[str, int | Callable[[int], int] | None] = {}
    out = []
    for name, year in zip(names, years):
        if name not in cache:
            if name in overrides:
                cache[name] = overrides[name]
            elif name in non_states:
                cache[name] = None
            else:
                try:
                    cache[name] = resolve(name).ccode
                except UnknownStateError:
                    raise DataError(f"{label}: country {name!r} matches no COW state") from None
        code = cache[name]
        out.append(code(int(year)) if callable(code) else code)
    return pd.Series(out, index=names.index, dtype="Int64")


def read_ceias(raw: Path) -> SourceData:
    path = Path(raw) / FILE
    label = path.name
    df = read_csv(path, columns=COLS, dtype=str, keep_default_na=False)
    year = to_numeric(df["Year"], label, "Year")
    check_years(year, label)
    year = year.astype("int64")
    level = df["Level"].str.strip()
    unknown = sorted(set(level) - set(LEVELS))
    if unknown:
        raise DataError(f"{label}: unknown Level {unknown[0]!r}")
    country = df["Country"].str.strip()
    if (country == "").any() or (df["Name"].str.strip() == "").any():
        raise DataError(f"{label}: a row lacks its leader name or country")
    table = pd.DataFrame({
        "row": range(1, len(df) + 1),  # identical rows are distinct visits: keep them apart
        "year": year, "leader": df["Name"].str.strip(), "position": level,
        "destination_ccode": names_to_ccodes(country, year, label),
        "destination": country, "continent": df["Continent"].str.strip(),
    })
    visits = (table.dropna(subset=["destination_ccode"])
              .groupby(["destination_ccode", "year"]).size().rename("value").reset_index())
    dyad = pd.DataFrame({"series": "chn_leader_visits", "ccode1": CHINA,
                         "ccode2": visits["destination_ccode"].astype("int64"), "year": visits["year"],
                         "value": visits["value"].astype("float64")})
    return SourceData(dyad_year=dyad, tables={"china_leader_travel": table})


SOURCES = [
    Source(
        key="ceias_travel", title="WHO | WHERE | WHEN: International travel of the Chinese leaders (1949-2020), v1.1",
        producer="Central European Institute of Asian Studies (CEIAS) with Sinophone Borderlands",
        version="v1.1, 15 July 2021",
        citation=("R. Turcsányi, M. Eckert, M. Šimalčík, N. Majsniarová (2021), \"WHO | WHERE | WHEN – International "
                  "travel of the Chinese leaders (1949-2020)\", dataset, Central European Institute of Asian Studies "
                  "(CEIAS) with Sinophone Borderlands, v1.1, 15 July 2021."),
        licence="Not stated",
        url="https://github.com/milesdwilliams15/chinese_media_and_foreign_aid",
        files=(FILE,), read=read_ceias,
        series=(
            SeriesSpec("chn_leader_visits", "Visits by China's top leaders (President, Premier, CCP leader, paramount "
                       "or acting leader; CEIAS) to the host state in the year", "visits", "diplomatic",
                       dyadic=True, zero_within_coverage=True),
        ),
        tables=("china_leader_travel",),
        note=("Table china_leader_travel: row, year, leader, position, destination_ccode, destination, continent "
              "(the dataset has no date and no purpose). Destinations Palestine and Cook Islands have no COW code. "
              "'Germany' before 1991 is West Germany (260); Soviet Union and Russia are both 365. Reads the CSV "
              "conversion of the workbook's 'Dataset' sheet (01_data/PublicDiplomacy/ in the origin repo, "
              "commit 6d4593b9f3398b8af691e7fb58d07c01b432afaa). Licence not stated by CEIAS; the dataset is "
              "published openly for research use with citation."),
    ),
]
