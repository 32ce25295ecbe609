"""ICEWS event counts by directed dyad-year, 2002-2014 (netify's aggregation).

The file is a complete panel of 152 states (every ordered pair, every year), with zero counts
where no event was coded; the counts are events whose source actor is in ccode1's country
and whose target is in ccode2's, by CAMEO QuadClass: verbal cooperation, material
cooperation, verbal conflict, material conflict. All rows, zeros included, are kept, so an
absent dyad-year means "not in the panel" (missing), not zero.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_unique, check_years, read_csv, to_numeric
from .cow_trade import int_columns

ICEWS_FILE = "icews_netify_dyad_year/icews_events_only.csv.gz"
COUNTS = {"verbCoop": "icews_verbal_coop", "matlCoop": "icews_material_coop",
          "verbConf": "icews_verbal_conflict", "matlConf": "icews_material_conflict"}
ICEWS_COLS = ["i", "j", "i_iso3c", "j_iso3c", "year", *COUNTS]


def read_icews(raw: Path) -> SourceData:
    from ..states import iso3_to_ccode

    path = Path(raw) / ICEWS_FILE
    label = path.name
    df = read_csv(path, columns=ICEWS_COLS, keep_default_na=False, na_values=[""])[ICEWS_COLS].copy()
    df = int_columns(df, ["year"], label)
    check_years(df["year"], label)
    for side in ("i", "j"):
        codes = iso3_to_ccode(df[f"{side}_iso3c"], df["year"], source="state")
        if codes.isna().any():
            bad = df.loc[codes.isna(), f"{side}_iso3c"].iloc[0]
            raise DataError(f"{label}: ISO3 code {bad!r} has no COW state")
        df[f"c{side}"] = codes.astype("int64")
    check_unique(df, ["ci", "cj", "year"], label)
    parts = []
    for col, sid in COUNTS.items():
        v = to_numeric(df[col], label, col)
        if (v < 0).any():
            raise DataError(f"{label}: column {col!r} has negative counts")
        parts.append(pd.DataFrame({"series": sid, "ccode1": df["ci"], "ccode2": df["cj"], "year": df["year"],
                                   "value": v}).dropna(subset=["value"]))
    out = pd.concat(parts, ignore_index=True)
    out = out[out["ccode1"] != out["ccode2"]]
    return SourceData(dyad_year=out.reset_index(drop=True))


def _spec(sid: str, what: str) -> SeriesSpec:
    return SeriesSpec(sid, f"ICEWS events of {what} from the first state toward the second (count per year)",
                      "events", "events", dyadic=True)


SOURCES = [
    Source(
        key="icews_netify_dyad_year", title="ICEWS Coded Event Data, directed dyad-year counts 2002-2014 (netify)",
        producer="Boschee et al. (ICEWS); aggregation by Dorff & Minhas (netify R package)",
        version="ICEWS Dataverse release as aggregated in netify (2026-07 commit)",
        citation=("Boschee, Elizabeth, Jennifer Lautenschlager, Sean O'Brien, Steve Shellman, James Starz, and "
                  "Michael Ward. 2015. ICEWS Coded Event Data. Harvard Dataverse, doi:10.7910/DVN/28075. "
                  "Dyad-year counts from the netify R package (Dorff, Minhas et al.)."),
        licence="ICEWS Dataverse terms (research use with citation); netify package GPL-3",
        url="https://dataverse.harvard.edu/dataverse/icews",
        files=(ICEWS_FILE,), read=read_icews,
        series=(_spec("icews_verbal_coop", "verbal cooperation"), _spec("icews_material_coop", "material cooperation"),
                _spec("icews_verbal_conflict", "verbal conflict"), _spec("icews_material_conflict", "material conflict")),
        note=("netify's icews data (event columns only). Complete panel of 152 states x 151 partners x 2002-2014 with "
              "zeros kept, so absence means the state is not in the panel (e.g. Serbia), not zero events. No total "
              "column in the source; the four QuadClass counts add up to all coded events."),
    ),
]
