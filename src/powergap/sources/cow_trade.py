"""Correlates of War Trade v4.0: dyadic (bilateral) and national merchandise trade, 1870-2014.

The dyadic file is non-directed (one row per pair, ``ccode1 < ccode2``) with two flows:
``flow1`` = imports of ccode1 FROM ccode2 and ``flow2`` = imports of ccode2 FROM ccode1,
in millions of current US dollars (Barbieri & Keshk 2016, codebook v4.0). An import of A
from B is an export of B to A, so the directed export series is::

    exports(ccode2 -> ccode1) = flow1        exports(ccode1 -> ccode2) = flow2

We use ``flow`` and not ``smoothflow``: COW's smoothed flows adjust values that jump from
year to year, which would hide the very changes the dependence measures look at.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import (Source, SeriesSpec, SourceData, check_unique, check_years, empty_dyad_year,
                   long_state_year, read_csv, to_numeric)

NDY_FILE = "cow_trade_dyadic/cow_trade_ndy.csv.gz"
SY_FILE = "cow_trade_dyadic/cow_trade_sy.csv"

NDY_COLS = ["ccode1", "ccode2", "year", "flow1", "flow2"]
SY_COLS = ["ccode", "year", "imports", "exports"]
MILLION = 1e6


def int_columns(df: pd.DataFrame, cols: list[str], label: str) -> pd.DataFrame:
    """Key columns (codes, years) as int64; a blank or non-numeric key is a malformed file."""
    for c in cols:
        v = to_numeric(df[c], label, c)
        if v.isna().any():
            raise DataError(f"{label}: column {c!r} has missing values")
        if (v != v.round()).any():
            raise DataError(f"{label}: column {c!r} has non-integer value {v[v != v.round()].iloc[0]!r}")
        df[c] = v.astype("int64")
    return df


def _clean_flows(df: pd.DataFrame, cols: list[str], label: str) -> pd.DataFrame:
    for c in cols:
        v = to_numeric(df[c], label, c)
        # COW codes missing data as -9 in its own releases (NA in the peacesciencer copy);
        # any negative trade value is a missing-data code, never a real flow.
        df[c] = v.mask(v < 0)
    return df


def read_dyadic(raw: Path) -> SourceData:
    path = Path(raw) / NDY_FILE
    label = path.name
    df = read_csv(path, columns=NDY_COLS)[NDY_COLS].copy()
    df = int_columns(df, ["ccode1", "ccode2", "year"], label)
    check_years(df["year"], label)
    check_unique(df, ["ccode1", "ccode2", "year"], label)
    df = _clean_flows(df, ["flow1", "flow2"], label)

    # flow1: imports of ccode1 from ccode2 = exports ccode2 -> ccode1 (and vice versa).
    exp21 = pd.DataFrame({"ccode1": df["ccode2"], "ccode2": df["ccode1"], "year": df["year"],
                          "value": df["flow1"] * MILLION})
    exp12 = pd.DataFrame({"ccode1": df["ccode1"], "ccode2": df["ccode2"], "year": df["year"],
                          "value": df["flow2"] * MILLION})
    exports = pd.concat([exp21, exp12], ignore_index=True).assign(series="trade_exports_usd_cow")
    # Total trade of the pair only where both directions are reported (never half a total).
    both = df.dropna(subset=["flow1", "flow2"])
    lo = both[["ccode1", "ccode2"]].min(axis=1)
    hi = both[["ccode1", "ccode2"]].max(axis=1)
    total = pd.DataFrame({"series": "trade_total_usd_cow", "ccode1": lo, "ccode2": hi,
                          "year": both["year"], "value": (both["flow1"] + both["flow2"]) * MILLION})
    out = pd.concat([exports, total], ignore_index=True).dropna(subset=["value"])
    out = out[out["ccode1"] != out["ccode2"]]
    if out.empty:
        out = empty_dyad_year()
    return SourceData(dyad_year=out[["series", "ccode1", "ccode2", "year", "value"]].reset_index(drop=True))


# A national total below this share of the state's own bilateral flows (in both directions)
# is not a total: see partial_totals.
PARTIAL_SHARE = 0.5


def partial_totals(national: pd.DataFrame, dyadic: pd.DataFrame) -> pd.Series:
    """State-years whose national imports and exports are both below half the sums of the
    state's bilateral imports and exports in the dyadic file of the same release.

    A whole cannot be smaller than the sum of its parts; a factor of two leaves room for
    valuation differences. These totals were taken from a partial table: COW's figures for
    the USSR, Poland, Czechoslovakia and East Germany in 1960-63 are the IMF DOTS lines for
    a few market-economy partners (the USSR 1960: 169.5 and 146.7 million US$ of imports and
    exports, against 1,418 and 1,553 million in its bilateral rows). Returns a boolean mask
    aligned with ``national``.
    """
    imp = pd.concat([dyadic[["ccode1", "year", "flow1"]].set_axis(["ccode", "year", "v"], axis=1),
                     dyadic[["ccode2", "year", "flow2"]].set_axis(["ccode", "year", "v"], axis=1)])
    exp = pd.concat([dyadic[["ccode2", "year", "flow1"]].set_axis(["ccode", "year", "v"], axis=1),
                     dyadic[["ccode1", "year", "flow2"]].set_axis(["ccode", "year", "v"], axis=1)])
    parts = pd.DataFrame({"bi_imp": imp.groupby(["ccode", "year"])["v"].sum(),
                          "bi_exp": exp.groupby(["ccode", "year"])["v"].sum()}).reset_index()
    j = national[["ccode", "year", "imports", "exports"]].merge(parts, on=["ccode", "year"], how="left")
    bad = (j["imports"] < PARTIAL_SHARE * j["bi_imp"]) & (j["exports"] < PARTIAL_SHARE * j["bi_exp"])
    return pd.Series(bad.to_numpy(), index=national.index)


def read_national(raw: Path) -> SourceData:
    path = Path(raw) / SY_FILE
    label = path.name
    df = read_csv(path, columns=SY_COLS)[SY_COLS].copy()
    df = int_columns(df, ["ccode", "year"], label)
    check_years(df["year"], label)
    check_unique(df, ["ccode", "year"], label)
    df = _clean_flows(df, ["imports", "exports"], label)
    ndy_path = Path(raw) / NDY_FILE
    ndy = read_csv(ndy_path, columns=NDY_COLS)[NDY_COLS].copy()
    ndy = int_columns(ndy, ["ccode1", "ccode2", "year"], ndy_path.name)
    ndy = _clean_flows(ndy, ["flow1", "flow2"], ndy_path.name)
    partial = partial_totals(df, ndy)
    df.loc[partial, ["imports", "exports"]] = float("nan")
    sy = long_state_year(df, {"exports": "merch_exports_usd_cow", "imports": "merch_imports_usd_cow"},
                         scale={"exports": MILLION, "imports": MILLION})
    return SourceData(state_year=sy)


_CITATION = ("Barbieri, Katherine and Omar M.G. Keshk. 2016. Correlates of War Project Trade Data Set "
             "Codebook, Version 4.0. Online: http://correlatesofwar.org. Barbieri, Katherine, Omar M.G. "
             "Keshk, and Brian Pollins. 2009. 'Trading Data: Evaluating our Assumptions and Coding Rules.' "
             "Conflict Management and Peace Science 26(5): 471-491.")

SOURCES = [
    Source(
        key="cow_trade_dyadic", title="COW Dyadic Trade v4.0",
        producer="Correlates of War Project", version="4.0",
        citation=_CITATION,
        licence="Free for research use with citation (COW terms)",
        url="https://correlatesofwar.org/data-sets/bilateral-trade/",
        files=(NDY_FILE,), read=read_dyadic,
        series=(
            SeriesSpec("trade_exports_usd_cow", "Merchandise exports from the first state to the second "
                       "(COW dyadic trade; = the importer's reported imports, COW flow1/flow2)",
                       "current US$", "trade", dyadic=True),
            SeriesSpec("trade_total_usd_cow", "Merchandise trade between the two states, both directions "
                       "(COW flow1 + flow2, only where both are reported)",
                       "current US$", "trade", dyadic=True, symmetric=True),
        ),
        note=("Copy distributed with peacesciencer (cow_trade_ndy, last committed version). flow1 = imports "
              "of ccode1 from ccode2, i.e. exports ccode2 -> ccode1; flow2 the reverse. Raw flows are used, "
              "not COW's smoothed flows. Millions of current US$ converted to US$. Negative (-9) and NA "
              "flows are missing. Zeros: from 1960, when COW's source is the IMF DOTS, a zero flow is kept only "
              "where both states have their own DOTS table that year and the DOTS has no positive flow for the "
              "pair that year; other zeros are no report and are dropped at build time "
              "(snapshot/precedence.py; e.g. China-USSR 1960-63, South Africa-Lesotho 1998-2009)."),
    ),
    Source(
        key="cow_trade_national", title="COW National Trade v4.0",
        producer="Correlates of War Project", version="4.0",
        citation=_CITATION,
        licence="Free for research use with citation (COW terms)",
        url="https://correlatesofwar.org/data-sets/bilateral-trade/",
        files=(SY_FILE, NDY_FILE), read=read_national,
        series=(
            SeriesSpec("merch_exports_usd_cow", "Total merchandise exports (COW national trade)", "current US$", "trade"),
            SeriesSpec("merch_imports_usd_cow", "Total merchandise imports (COW national trade)", "current US$", "trade"),
        ),
        note=("Copy distributed with peacesciencer (cow_trade_sy). Millions of current US$ converted to US$. "
              "Totals taken from partial tables are missing: where a state-year's imports and exports are both "
              "below half of the sums of its own bilateral flows in the dyadic file (36 state-years, e.g. the "
              "USSR, Poland, Czechoslovakia and East Germany in 1960-63)."),
    ),
]
