"""COW Intergovernmental Organizations v3.0, non-directed dyad-years 1816-2014.

peacesciencer's summary ``dyadigos`` is the number of IGOs in which both states are FULL
members. (In COW's state-IGO data a membership is coded 1 full, 2 associate, 3 observer,
0 none, -9 missing, -1 state not in the system; associate and observer status does not
count here.) Zeros are real observations inside the coverage and are kept; negative
codes, if any, are missing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .base import Source, SeriesSpec, SourceData, check_unique, check_years, read_csv, to_numeric
from .cow_trade import int_columns

IGO_FILE = "cow_igo_dyadic/cow_igo_ndy.csv.gz"
IGO_COLS = ["ccode1", "ccode2", "year", "dyadigos"]


def read_igo(raw: Path) -> SourceData:
    path = Path(raw) / IGO_FILE
    label = path.name
    df = read_csv(path, columns=IGO_COLS)[IGO_COLS].copy()
    df = int_columns(df, ["ccode1", "ccode2", "year"], label)
    check_years(df["year"], label)
    v = to_numeric(df["dyadigos"], label, "dyadigos")
    df["value"] = v.mask(v < 0)  # COW missing-data codes (-9, -1)
    lo = df[["ccode1", "ccode2"]].min(axis=1)
    hi = df[["ccode1", "ccode2"]].max(axis=1)
    out = pd.DataFrame({"series": "igo_joint", "ccode1": lo, "ccode2": hi, "year": df["year"], "value": df["value"]})
    out = out[out["ccode1"] != out["ccode2"]].dropna(subset=["value"])
    check_unique(out, ["ccode1", "ccode2", "year"], label)
    return SourceData(dyad_year=out.reset_index(drop=True))


SOURCES = [
    Source(
        key="cow_igo_dyadic", title="COW Intergovernmental Organizations v3.0 (dyadic joint memberships)",
        producer="Correlates of War Project (Pevehouse, Nordstrom, McManus & Jamison)", version="3.0",
        citation=("Pevehouse, Jon C.W., Timothy Nordstrom, Roseanne W. McManus, and Anne Spencer Jamison. 2020. "
                  "'Tracking Organizations in the World: The Correlates of War IGO Version 3.0 datasets.' "
                  "Journal of Peace Research 57(3): 492-503."),
        licence="Free for research use with citation (COW terms)",
        url="https://correlatesofwar.org/data-sets/igos/",
        files=(IGO_FILE,), read=read_igo,
        series=(SeriesSpec("igo_joint", "Number of intergovernmental organisations in which both states are full "
                           "members (COW IGO v3.0)", "count of IGOs", "alignment", dyadic=True, symmetric=True),),
        note=("Copy distributed with peacesciencer (cow_igo_ndy, column dyadigos). Rule: joint FULL memberships "
              "only (COW code 1); associate (2) and observer (3) status do not count. Reported zeros kept."),
    ),
]
