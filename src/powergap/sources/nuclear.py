"""Nuclear warhead stockpiles, Federation of American Scientists (2023), as processed by OWID.

``nuclear_warheads/fas2023_nuclear_weapons_stockpiles.csv``: columns ``country_name, year,
nuclear_weapons_stockpile``, 1945-2023, one row per year for each of the ten states that
have ever held nuclear weapons (China, France, India, Israel, North Korea, Pakistan,
Russia (the USSR before 1992), South Africa, the United Kingdom and the United States),
plus "World" (dropped: not a state). The file states 0 explicitly for every year before
a state's first warhead (and after South Africa's disarmament), so its zeros are the
publisher's own.

Zeros for everyone else. Every state that has possessed nuclear weapons is in the file,
so a state-year inside 1945-2023 that is absent from it means no warheads: the series is
declared ``zero_within_coverage`` and consumers read a missing covered state-year as 0.
(Soviet warheads left in Belarus, Kazakhstan and Ukraine in 1991-1996 are counted by FAS
in Russia's stockpile, where operational control lay.) Outside 1945-2023 the value is
missing. Only the file's own rows are stored.

The OWID grapher export in the same folder holds the same values with ISO3 codes; the
FAS/OWID notebook file is read as the primary copy. Names are mapped by a fixed table:
an unknown name is an error, because a new nuclear state must be added deliberately.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_unique, check_years, read_csv, to_numeric

FILE = "nuclear_warheads/fas2023_nuclear_weapons_stockpiles.csv"
COLUMNS = ["country_name", "year", "nuclear_weapons_stockpile"]

NAMES = {
    "China": 710, "France": 220, "India": 750, "Israel": 666, "North Korea": 731, "Pakistan": 770,
    "Russia": 365, "South Africa": 560, "United Kingdom": 200, "United States": 2,
}
NOT_STATES = frozenset({"World"})


def read_nuclear(raw: Path) -> SourceData:
    path = Path(raw) / FILE
    df = read_csv(path, columns=COLUMNS, keep_default_na=False, dtype=str)
    name = df["country_name"].map(lambda s: re.sub(r"\s+", " ", s).strip())  # the file has "North  Korea"
    unknown = sorted(set(name) - set(NAMES) - NOT_STATES)
    if unknown:
        raise DataError(f"{path.name}: unknown country name {unknown[0]!r}; add it to NAMES in sources/nuclear.py")
    year = to_numeric(df["year"], path.name, "year")
    check_years(year, path.name, lo=1900)
    value = to_numeric(df["nuclear_weapons_stockpile"], path.name, "nuclear_weapons_stockpile")
    if (value < 0).any() or (value.dropna() % 1 != 0).any():
        raise DataError(f"{path.name}: warhead counts must be whole numbers >= 0")
    out = pd.DataFrame({"series": "nuclear_warheads", "ccode": name.map(NAMES), "year": year, "value": value})
    out = out.dropna(subset=["ccode", "value"])
    out["ccode"] = out["ccode"].astype("int64")
    out["year"] = out["year"].astype("int64")
    check_unique(out, ["ccode", "year"], path.name)
    return SourceData(state_year=out.reset_index(drop=True))


SOURCES = [
    Source(
        key="fas_nuclear", title="Status of World Nuclear Forces: estimated nuclear warhead stockpiles 1945-2023",
        producer="Federation of American Scientists (Kristensen, Korda, Reynolds, Norris); processed by Our World in Data",
        version="FAS 2023 (OWID notebook of 2024-01-12)",
        citation=("Kristensen, Hans M., Matt Korda, Eliana Reynolds and Robert Norris (2023). Status of World Nuclear "
                  "Forces / Estimated Global Nuclear Warhead Inventories. Federation of American Scientists. Processed "
                  "by Bastian Herre, Our World in Data."),
        licence="OWID processing CC BY 4.0; FAS data carry no stated licence (cite FAS)",
        url="https://fas.org/initiative/status-world-nuclear-forces/",
        files=(FILE,), read=read_nuclear,
        series=(
            SeriesSpec("nuclear_warheads",
                       "Nuclear warheads in the military stockpile (FAS estimate; retired warheads awaiting dismantlement "
                       "excluded). Sparse: every state that ever held warheads is listed with explicit zeros; a state-year "
                       "absent inside 1945-2023 means 0 warheads, outside those years missing",
                       "warheads (count)", "nuclear", zero_within_coverage=True),
        ),
        note="Russia = USSR before 1992 (COW 365). 'World' row dropped. Same values as the OWID grapher export.",
    ),
]
