"""ATOP v5.1 alliance obligations, directed dyad-years 1815-2018 (peacesciencer's summary).

Each row of the file is a directed dyad-year that ATOP lists (mostly dyad-years with at least
one obligation): ``atop_defense`` etc. are 1 when ccode1 has that obligation toward ccode2.
The obligations are directed: in about 1,300 of 273,000 rows the two directions differ (the
United States' bilateral pledges to Iran or Portugal, for example). So the five series are
stored as directed dyadic series (not symmetric) with every row the file lists, 0 or 1; a
dyad-year absent from the file but inside 1815-2018 means no obligation
(``zero_within_coverage``). Keeping the file's explicit zeros also keeps each series'
first and last year at the file's coverage (offense pledges end in 1990 in the data, but
the data set still covers 1991-2018).

A sixth series, ``atop_alliance``, says whether the dyad-year is listed at all: 1 for every
row of the file, including the 170 rows in which all five obligations are 0 (an alliance
whose members owe each other none of the five, such as Brazil (140) and Argentina (160) in
1859-64), and 0 for the other dyad-years inside 1815-2018. It is the
"any ATOP alliance" indicator (ATOP's own dyad-year files call it ``atopally``). The file
lists every dyad-year in both orders, so the series is symmetric and stored once per pair.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_unique, check_years, read_csv, to_numeric
from .cow_trade import int_columns

ATOP_FILE = "atop_alliance/atop_alliance.csv.gz"
TYPES = {"atop_defense": "alliance_defense", "atop_offense": "alliance_offense",
         "atop_neutral": "alliance_neutral", "atop_nonagg": "alliance_nonagg", "atop_consul": "alliance_consult"}
ATOP_COLS = ["ccode1", "ccode2", "year", *TYPES]
PRESENCE = "atop_alliance"  # 1 for every dyad-year the file lists (any ATOP alliance)


def read_atop(raw: Path) -> SourceData:
    path = Path(raw) / ATOP_FILE
    label = path.name
    df = read_csv(path, columns=ATOP_COLS)[ATOP_COLS].copy()
    df = int_columns(df, ["ccode1", "ccode2", "year"], label)
    check_years(df["year"], label)
    check_unique(df, ["ccode1", "ccode2", "year"], label)
    parts = []
    for col, sid in TYPES.items():
        v = to_numeric(df[col], label, col)
        bad = v.notna() & ~v.isin([0, 1])
        if bad.any():
            raise DataError(f"{label}: column {col!r} must be 0 or 1, found {v[bad].iloc[0]!r}")
        parts.append(pd.DataFrame({"series": sid, "ccode1": df["ccode1"], "ccode2": df["ccode2"],
                                   "year": df["year"], "value": v}).dropna(subset=["value"]))
    parts.append(_presence(df, label))
    out = pd.concat(parts, ignore_index=True)
    out = out[out["ccode1"] != out["ccode2"]]
    return SourceData(dyad_year=out.reset_index(drop=True))


def _presence(df: pd.DataFrame, label: str) -> pd.DataFrame:
    """``atop_alliance``: 1 for each pair-year the file lists, stored once (ccode1 < ccode2).
    The file lists both orders of every pair-year; a pair-year listed in one order only
    would make the indicator directed, which this series cannot represent, so it is refused."""
    low = df[["ccode1", "ccode2"]].min(axis=1)
    high = df[["ccode1", "ccode2"]].max(axis=1)
    pairs = pd.DataFrame({"ccode1": low, "ccode2": high, "year": df["year"]})
    counts = pairs.value_counts()
    one_way = counts[counts != 2]
    if len(one_way):
        c1, c2, y = one_way.index[0]
        raise DataError(f"{label}: dyad-year ({c1}, {c2}, {y}) is listed in one order only; "
                        "ATOP's dyad-year file lists both")
    pairs = pairs[df["ccode1"].to_numpy() < df["ccode2"].to_numpy()]
    return pd.DataFrame({"series": PRESENCE, "ccode1": pairs["ccode1"], "ccode2": pairs["ccode2"],
                         "year": pairs["year"], "value": 1.0})


def _spec(sid: str, what: str) -> SeriesSpec:
    return SeriesSpec(sid, f"ATOP {what} obligation of the first state toward the second (1 = yes)",
                      "indicator (0/1)", "alignment", dyadic=True, zero_within_coverage=True)


SOURCES = [
    Source(
        key="atop_alliance", title="Alliance Treaty Obligations and Provisions (ATOP) v5.1, directed dyad-years",
        producer="Leeds, Ritter, Mitchell & Long (ATOP project)", version="5.1",
        citation=("Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002. "
                  "'Alliance Treaty Obligations and Provisions, 1815-1944.' International Interactions 28: 237-260. "
                  "ATOP v5.1 codebook."),
        licence="Freely available for research with citation (ATOP terms)",
        url="http://www.atopdata.org/",
        files=(ATOP_FILE,), read=read_atop,
        series=(_spec("alliance_defense", "defence"), _spec("alliance_offense", "offence"),
                _spec("alliance_neutral", "neutrality"), _spec("alliance_nonagg", "non-aggression"),
                _spec("alliance_consult", "consultation"),
                SeriesSpec(PRESENCE, "Any ATOP alliance between the two states in force in the year (1 = the dyad-year "
                           "is in ATOP's dyad-year data, whatever the obligations, as peacesciencer's "
                           "add_atop_alliance() data list it)", "indicator (0/1)", "alignment", dyadic=True,
                           symmetric=True, zero_within_coverage=True)),
        note=("Copy distributed with peacesciencer (atop_alliance). Its 273,296 rows match peacesciencer's ATOP v5.1 "
              "build (the MANIFEST says v5.0; the v5.0 build had 272,046 rows). Coverage 1815-2018 for all five types; the "
              "file lists directed dyad-years with ATOP entries (both orders), with 0/1 per obligation, and all "
              "its rows are kept. Absent dyad-years within 1815-2018 mean no obligation. Directed: ccode1's "
              "obligation toward ccode2 (about 0.5% of rows differ between the two directions). Offence pledges "
              "last appear in 1990. Series atop_alliance is 1 for every listed dyad-year (both orders are "
              "always listed), including 170 directed rows whose five obligations are all 0, and 0 for other "
              "dyad-years within 1815-2018."),
    ),
]
