"""SIPRI Arms Transfers Database: deliveries of major conventional arms in trend-indicator
values (TIV), by supplier, recipient and year.

Two raw files measure the same thing for different years and vintages:

* the trade register generated 12 Feb 2026 (deliveries 1995-2024): one row per deal and
  delivery year; ``TIV delivery values`` (TIV millions) summed per supplier, recipient and
  delivery year;
* the 360info dyad-year file (SIPRI TIV export tables generated 28 July 2022, 1950-2021).

``arms_transfers_tiv`` takes the register for 1995-2024 (the newer vintage) and the 360info
file for 1950-1994 only; the two are never mixed within a year. SIPRI TIV is a volume
index of military capability transferred, expressed in "millions" of TIV; it is not money.

Non-state recipients ("Hezbollah (Lebanon)*"), organisations ("NATO**") and unknown parties
are kept out of the dyads but counted in each state's and the world's totals, as SIPRI's
own totals count them.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_columns, check_years, first_line, require_file, to_numeric
from .cow_trade import int_columns
from .imf_dots import names_to_ccodes

REGISTER_FILE = "sipri_arms_transfers/sipri_trade_register_deliveries_1995-2024_generated2026-02-12.csv"
TIV360_FILE = "sipri_arms_transfers/sipri_tiv_dyad_year_1950-2021_360info.csv"
REGISTER_SKIP = 11  # lines of notes before the header
REGISTER_COLS = ["Supplier", "Recipient", "Delivery year", "TIV delivery values"]
TIV360_COLS = ["supplier", "recipient", "year", "value"]
FIRST_REGISTER_YEAR = 1995  # the 360info file is used only before this year

# SIPRI spellings the resolver does not know or would resolve wrongly.
SIPRI_ALIASES: dict[str, int] = {
    "Soviet Union": 365, "Russia": 365, "China": 710, "United States": 2, "UAE": 696,
    "Viet Nam": 816,  # North Vietnam before 1976 (COW 816), unified Vietnam after
    "South Vietnam": 817, "North Yemen": 678, "Yemen Arab Republic": 678, "South Yemen": 680,
    "Yemen": 679, "East Germany (GDR)": 265, "Germany": 255, "Congo": 484, "DR Congo": 490,
    "eSwatini": 572, "Bosnia-Herzegovina": 346, "Serbia": 345, "Yugoslavia": 345,
    "Czechia": 316, "Czechoslovakia": 315, "Turkey": 640, "Turkiye": 640, "Micronesia": 987,
    "Saint Vincent": 57, "Saint Kitts and Nevis": 60, "Kosovo": 347, "Taiwan": 713,
    # the Tripoli government (GNC/GNA) is a state actor for SIPRI (no '*'); its deliveries
    # are Libya's, summed with those listed under "Libya"
    "Libya GNC": 620,
}

# Parties that are not states in SIPRI's own notation: '*' marks non-state armed groups,
# '**' international organisations; plus unknown parties and non-COW territories.
SIPRI_NON_STATE: frozenset[str] = frozenset({
    "Western Sahara", "Palestine", "Northern Cyprus", "Katanga", "Biafra", "Aruba",
})


def is_non_state(name: str) -> bool:
    return "*" in name or name.strip().lower().startswith("unknown") or name in SIPRI_NON_STATE


def read_register(raw: Path) -> pd.DataFrame:
    """The trade register as ``supplier, recipient, year, tiv`` (one row per deal x year)."""
    path = require_file(Path(raw) / REGISTER_FILE)
    label = path.name
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise DataError(f"{label}: cannot be parsed (not UTF-8: {first_line(exc)})") from None
    if len(lines) <= REGISTER_SKIP:
        raise DataError(f"{label}: file ends before the header line ({len(lines)} lines)")
    # Every data line ends with ';' (SIPRI's export quirk), the header too.
    body = "\n".join(line[:-1] if line.endswith(";") else line for line in lines[REGISTER_SKIP:])
    try:
        df = pd.read_csv(io.StringIO(body), low_memory=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataError(f"{label}: cannot be parsed ({type(exc).__name__}: {first_line(exc)})") from None
    check_columns(df, REGISTER_COLS, label)
    df = df[REGISTER_COLS].rename(columns={"Supplier": "supplier", "Recipient": "recipient",
                                           "Delivery year": "year", "TIV delivery values": "tiv"})
    df = int_columns(df, ["year"], label)
    check_years(df["year"], label, lo=1950)
    df["tiv"] = to_numeric(df["tiv"], label, "TIV delivery values")
    if df["tiv"].isna().any() or (df["tiv"] < 0).any():
        raise DataError(f"{label}: 'TIV delivery values' has missing or negative values")
    for c in ("supplier", "recipient"):
        if df[c].isna().any():
            raise DataError(f"{label}: column {c!r} has blank names")
        df[c] = df[c].astype(str).str.strip()
    return df


def read_360(raw: Path) -> pd.DataFrame:
    from .base import read_csv

    path = Path(raw) / TIV360_FILE
    label = path.name
    df = read_csv(path, columns=TIV360_COLS)[TIV360_COLS].rename(columns={"value": "tiv"})
    df = int_columns(df, ["year"], label)
    check_years(df["year"], label, lo=1950)
    df["tiv"] = to_numeric(df["tiv"], label, "value")
    if df["tiv"].isna().any() or (df["tiv"] < 0).any():
        raise DataError(f"{label}: column 'value' has missing or negative values")
    for c in ("supplier", "recipient"):
        if df[c].isna().any():
            raise DataError(f"{label}: column {c!r} has blank names")
        df[c] = df[c].astype(str).str.strip()
    # We map names ourselves: the file's own COW codes place non-state groups in their host
    # country (e.g. "FMLN (El Salvador)*" -> 92), which would count rebels as the state.
    return df


def _tidy(df: pd.DataFrame, label: str) -> pd.DataFrame:
    df = df.copy()
    df["sup"] = names_to_ccodes(df["supplier"], df["year"], label=label, aliases=SIPRI_ALIASES,
                                is_skipped=is_non_state).to_numpy()
    df["rec"] = names_to_ccodes(df["recipient"], df["year"], label=label, aliases=SIPRI_ALIASES,
                                is_skipped=is_non_state).to_numpy()
    return df


def read_arms(raw: Path) -> SourceData:
    reg = _tidy(read_register(raw), Path(REGISTER_FILE).name).assign(file="register")
    old = _tidy(read_360(raw), Path(TIV360_FILE).name)
    old = old[old["year"] < FIRST_REGISTER_YEAR].assign(file="360info")
    both = pd.concat([old, reg], ignore_index=True)

    # Dyads: state to state only; several names can map to one state (Libya, Libya GNC).
    st = both.dropna(subset=["sup", "rec"])
    st = st[st["sup"] != st["rec"]]
    dy = (st.groupby(["sup", "rec", "year"], as_index=False)["tiv"].sum()
          .rename(columns={"sup": "ccode1", "rec": "ccode2", "tiv": "value"}).assign(series="arms_transfers_tiv"))

    # State totals include deliveries to/from non-state and unknown parties.
    exp = (both.dropna(subset=["sup"]).groupby(["sup", "year"], as_index=False)["tiv"].sum()
           .rename(columns={"sup": "ccode", "tiv": "value"}).assign(series="arms_exports_tiv_sipri"))
    imp = (both.dropna(subset=["rec"]).groupby(["rec", "year"], as_index=False)["tiv"].sum()
           .rename(columns={"rec": "ccode", "tiv": "value"}).assign(series="arms_imports_tiv_sipri"))
    sy = pd.concat([exp, imp], ignore_index=True)
    world = (both.groupby(["year", "file"], as_index=False)["tiv"].sum()
             .rename(columns={"tiv": "world_tiv", "file": "source_file"}))
    for frame, cols in ((dy, ["ccode1", "ccode2", "year"]), (sy, ["ccode", "year"])):
        for c in cols:
            frame[c] = frame[c].astype("int64")
    world["year"] = world["year"].astype("int64")
    return SourceData(state_year=sy[["series", "ccode", "year", "value"]],
                      dyad_year=dy[["series", "ccode1", "ccode2", "year", "value"]],
                      tables={"arms_world_totals": world[["year", "world_tiv", "source_file"]]})


SOURCES = [
    Source(
        key="sipri_arms_transfers", title="SIPRI Arms Transfers Database (trade register 1995-2024; TIV tables 1950-1994)",
        producer="Stockholm International Peace Research Institute (SIPRI)",
        version="trade register generated 2026-02-12; TIV export tables generated 2022-07-28 (via 360info)",
        citation=("SIPRI Arms Transfers Database, Stockholm International Peace Research Institute, "
                  "https://www.sipri.org/databases/armstransfers (trade register generated 12 February 2026; "
                  "TIV tables generated 28 July 2022 as processed by 360info, report-arms-trade, CC BY 4.0)."),
        licence="SIPRI: use with attribution ('Source: SIPRI Arms Transfers Database'); 360info processing CC BY 4.0",
        url="https://www.sipri.org/databases/armstransfers",
        files=(REGISTER_FILE, TIV360_FILE), read=read_arms,
        series=(
            SeriesSpec("arms_transfers_tiv", "Deliveries of major conventional arms from the first state "
                       "(supplier) to the second (recipient)", "SIPRI TIV (millions)", "arms", dyadic=True),
            SeriesSpec("arms_exports_tiv_sipri", "Deliveries of major conventional arms by the state, to all "
                       "recipients incl. non-state and unknown ones", "SIPRI TIV (millions)", "arms"),
            SeriesSpec("arms_imports_tiv_sipri", "Deliveries of major conventional arms to the state, from all "
                       "suppliers incl. unknown ones", "SIPRI TIV (millions)", "arms"),
        ),
        tables=("arms_world_totals",),
        note=("1995-2024 from the trade register (TIV delivery values summed per supplier, recipient and delivery "
              "year); 1950-1994 from the 360info dyad-year file (SIPRI TIV export tables of July 2022). The two "
              "vintages differ by a few percent where they overlap (Russia to China 2021: 467 vs 773), so a "
              "level break at 1994/1995 is possible. SIPRI TIV is a volume index, not money. Non-state parties "
              "('*'), organisations ('**'), unknown suppliers/recipients, Western Sahara, Palestine, Northern "
              "Cyprus, Katanga, Biafra and Aruba are kept out of the dyads but counted in state and world totals "
              "(table arms_world_totals: year, world_tiv, source_file). Caveat: the 360info file leaves out "
              "parties outside the COW state system in a given year, notably West Germany ('Germany' 1955-1990) "
              "as supplier and recipient, so 1950-1994 world totals are too low by West Germany's trade."),
    ),
]
