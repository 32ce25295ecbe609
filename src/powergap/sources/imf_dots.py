"""IMF Direction of Trade Statistics (DOTS): exports FOB by partner, 1960-2020.

The raw file is a long conversion of 235 IMF country tables "Exports, FOB to Partner
Countries" (reporter, partner, year, US$ millions, estimate flag). Only exports are in the
extract; imports come from the mirror: A's imports from B = B's reported exports to A
(valued FOB, so a few percent below the CIF imports A itself records). Dependence code can
therefore take both directions of a pair from ``trade_exports_usd_dots`` alone.

IMF country names are mapped to COW codes by :func:`names_to_ccodes` with the alias table
below; aggregates and territories that are not COW states are dropped (see ``DOTS_SKIP``).
This module also holds that name-mapping helper for the other readers keyed by English
names (SIPRI arms transfers, AEI CGIT).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from ..errors import DataError, UnknownStateError
from .base import Source, SeriesSpec, SourceData, check_unique, check_years, read_csv, to_numeric
from .cow_trade import int_columns

DOTS_FILE = "imf_dots/imf_dots_exports_fob_all_reporters_1960-2020_long.csv.gz"
DOTS_COLS = ["reporter", "partner", "year", "exports_fob_usd_mn", "estimated"]
MILLION = 1e6
WORLD = "World"

# IMF spellings the resolver does not know, or where the IMF name needs a fixed COW state.
DOTS_ALIASES: dict[str, int] = {
    "China, P.R.: Mainland": 710,
    "Korea, Rep. of": 732,
    "Korea, Dem. People's Rep. of": 731,
    "Russian Federation": 365,
    "USSR": 365,
    "Serbia, Rep. of": 345,
    "Serbia and Montenegro": 345,
    "Yugoslavia": 345,
    "Czech Rep.": 316,
    "Czechoslovakia": 315,
    "Eastern Germany": 265,
    "Germany": 255,  # West Germany (260) before 1990: see adjust_for_year
    "Yemen Arab Rep.": 678,
    "Yemen, People's Dem. Rep. of": 680,
    "Yemen, Rep. of": 679,
    "Eswatini, Kingdom of": 572,
    "Vietnam": 816,  # South Vietnam (817) to 1975: see EARLIER_STATE
    "Taiwan Province of China": 713,
    "Kosovo, Rep. of": 347,
    "Congo, Rep. of": 484,
    "Congo, Dem. Rep. of the": 490,
    # South Africa reports as the Southern African Common Customs Area until 1997 (its
    # exports then include those of Botswana, Lesotho, Namibia and Eswatini); from 1998 it
    # reports as "South Africa". The two reporter names never overlap in a year.
    "South African Common Customs Area (SACCA)": 560,
}

# Years in which a predecessor/successor name denotes the COW state; rows outside are
# dropped. Several IMF reporters keep small residual "USSR", "Yugoslavia" or
# "Czechoslovakia" partner lines for years after the break-up; those are not Russia,
# Serbia or Czechia and are dropped.
DOTS_WINDOWS: dict[str, tuple[int, int]] = {
    "USSR": (1800, 1991),
    "Russian Federation": (1992, 2100),
    "Yugoslavia": (1800, 1992),
    "Serbia and Montenegro": (1993, 2005),
    "Serbia, Rep. of": (2006, 2100),
    "Czechoslovakia": (1800, 1992),
    "Eastern Germany": (1800, 1990),
    "Yemen Arab Rep.": (1800, 1989),
    "Yemen, People's Dem. Rep. of": (1800, 1989),
    "Yemen, Rep. of": (1990, 2100),
}

# Names that denote another COW state up to a year: name -> (last year, ccode). The IMF's
# "Vietnam" to 1975 is the Republic of Vietnam, the IMF member then (the United States'
# exports to it run at 200-700 million US$ a year in 1962-1975 and fall to about 1 million
# in 1976), not North Vietnam (816).
EARLIER_STATE: dict[str, tuple[int, int]] = {"Vietnam": (1975, 817)}

# Names with no COW state: IMF regional and analytical aggregates, residual categories,
# currency/customs unions and dependent territories. Dropped from dyads and totals, except
# that the reporter "World" and partner "World" give the national totals.
DOTS_SKIP: frozenset[str] = frozenset({
    # aggregates and residual categories
    "World", "Advanced Economies", "Emerging and Developing Economies", "Emerging and Developing Asia",
    "Emerging and Developing Europe", "Emerging Market and Developing Economies by Source of Export Earnings: Fuel",
    "Emerging Market and Developing Economies by Source of Export Earnings: Nonfuel", "Euro Area",
    "European Union", "Africa", "Sub-Saharan Africa", "Middle East", "Middle East and Central Asia",
    "Western Hemisphere", "Africa not specified", "Asia not specified", "Europe not specified",
    "Middle East and Central Asia not specified", "Western Hemisphere not specified",
    "Countries & Areas not specified", "Other Countries not included elsewhere", "Special Categories",
    # unions of two COW states (Belgium and Luxembourg report separately only from 1997)
    "Belgium-Luxembourg",
    # peninsular Malaysia 1960-63, reported beside "Malaysia"
    "Malaysia, West",
    # territories and non-members of the COW system
    "China, P.R.: Hong Kong", "China, P.R.: Macao", "Aruba, Kingdom of the Netherlands",
    "Curaçao, Kingdom of the Netherlands", "Sint Maarten, Kingdom of the Netherlands", "Netherlands Antilles",
    "American Samoa", "Anguilla", "Bermuda", "Falkland Islands (Malvinas)", "Faroe Islands", "French Polynesia",
    "Gibraltar", "Greenland", "Guam", "Holy See", "Montserrat", "New Caledonia", "West Bank and Gaza",
})


def adjust_for_year(ccode: pd.Series, year: pd.Series) -> pd.Series:
    """Publishers' "Germany" before 1990 is the Federal Republic (COW 260), not COW 255.

    The same convention as the "state" rows for DEU in ``data/iso_windows.tsv`` (figures of
    the state of the day): 260 for 1946-1989, 255 otherwise.
    """
    west = ((ccode == 255) & (year >= 1946) & (year <= 1989)).fillna(False).astype(bool)
    return ccode.mask(west, 260)


def names_to_ccodes(names: pd.Series, years: pd.Series, *, label: str, aliases: Mapping[str, int] | None = None,
                    skip: Iterable[str] = (), windows: Mapping[str, tuple[int, int]] | None = None,
                    is_skipped=None) -> pd.Series:
    """Map English country names (with their year) to COW codes.

    Order: ``skip`` names (and names for which ``is_skipped(name)`` is true) give NA;
    ``aliases`` give a fixed code; anything else goes through :func:`powergap.states.resolve`.
    A name that none of these knows raises :class:`DataError` naming the file, so that a
    new spelling in a new vintage is reviewed instead of silently dropped. Rows whose name
    has a ``windows`` entry and whose year lies outside it give NA; "Germany" before 1990
    becomes West Germany.
    """
    from ..states import resolve

    aliases = dict(aliases or {})
    windows = dict(windows or {})
    skip = set(skip)
    cat = pd.Categorical(names)
    codes = []
    for name in cat.categories:
        if name in skip or (is_skipped is not None and is_skipped(name)):
            codes.append(pd.NA)
        elif name in aliases:
            codes.append(aliases[name])
        else:
            try:
                codes.append(resolve(str(name)).ccode)
            except UnknownStateError:
                raise DataError(f"{label}: country name {name!r} is neither a COW state nor a known "
                                "aggregate, territory or non-state party") from None
    # Work on category positions: fast on the million-row DOTS file.
    lookup = pd.array(codes + [pd.NA], dtype="Int64")  # position -1 (missing name) -> NA
    out = pd.Series(lookup[cat.codes], index=names.index, dtype="Int64")
    yrs = years.to_numpy()
    for name, (lo, hi) in windows.items():
        if name not in cat.categories:
            continue
        pos = cat.categories.get_loc(name)
        outside = (cat.codes == pos) & ((yrs < lo) | (yrs > hi))
        out = out.mask(pd.Series(outside, index=names.index))
    return adjust_for_year(out, years)


def read_dots(raw: Path) -> SourceData:
    path = Path(raw) / DOTS_FILE
    label = path.name
    df = read_csv(path, columns=DOTS_COLS, keep_default_na=False, na_values=[""])[DOTS_COLS].copy()
    df = int_columns(df, ["year"], label)
    check_years(df["year"], label)
    df["value"] = to_numeric(df["exports_fob_usd_mn"], label, "exports_fob_usd_mn")
    df["estimated"] = to_numeric(df["estimated"], label, "estimated")
    for c in ("reporter", "partner"):
        if df[c].isna().any():
            raise DataError(f"{label}: column {c!r} has blank names")
    # The conversion repeats some blocks verbatim (Nicaragua's table twice, a few partner
    # blocks twice): identical rows are one observation; conflicting duplicates are an error.
    df = df.drop_duplicates(["reporter", "partner", "year", "value", "estimated"])
    check_unique(df, ["reporter", "partner", "year"], label)
    df = df.dropna(subset=["value"])

    rep = names_to_ccodes(df["reporter"], df["year"], label=label, aliases=DOTS_ALIASES,
                          skip=DOTS_SKIP, windows=DOTS_WINDOWS)
    par = names_to_ccodes(df["partner"], df["year"], label=label, aliases=DOTS_ALIASES,
                          skip=DOTS_SKIP, windows=DOTS_WINDOWS)
    for name, (last, ccode) in EARLIER_STATE.items():
        early = (df["year"] <= last).to_numpy()
        rep = rep.mask(pd.Series((df["reporter"] == name).to_numpy() & early, index=rep.index), ccode)
        par = par.mask(pd.Series((df["partner"] == name).to_numpy() & early, index=par.index), ccode)
    df["rep"], df["par"] = rep.to_numpy(), par.to_numpy()

    # State-year totals: a state's exports to "World", and the mirror of its imports,
    # "World"'s exports to it (IMF's aggregate of all partners' exports to the state).
    # A "World" total is kept only for reporter-years whose table has at least one partner
    # line that is a COW state: the USSR's 1960-62 tables hold nothing but an "Asia not
    # specified" line (146.7 million US$ of exports in 1960), which is not its total trade.
    has_lines = df.loc[df["rep"].notna() & df["par"].notna() & (df["rep"] != df["par"]), ["rep", "year"]]
    has_lines = has_lines.drop_duplicates().assign(_lines=True)
    to_world = df[df["rep"].notna() & (df["partner"] == WORLD)]
    to_world = to_world.merge(has_lines, on=["rep", "year"], how="inner")
    # IMF's "World" aggregate holds a few negative cells (World -> Malaysia 1960, the
    # residual of Malaya's split lines): an impossible import total is treated as missing.
    from_world = df[(df["reporter"] == WORLD) & df["par"].notna() & (df["value"] >= 0)]
    sy = pd.concat([
        pd.DataFrame({"series": "merch_exports_usd_dots", "ccode": to_world["rep"], "year": to_world["year"],
                      "value": (to_world["value"] * MILLION).round()}),
        pd.DataFrame({"series": "merch_imports_usd_dots_mirror", "ccode": from_world["par"],
                      "year": from_world["year"], "value": (from_world["value"] * MILLION).round()}),
    ], ignore_index=True)

    dy = df[df["rep"].notna() & df["par"].notna() & (df["rep"] != df["par"])]
    # Whole US dollars: the cells carry float noise below a dollar from the xlsx conversion.
    dyad = pd.DataFrame({"series": "trade_exports_usd_dots", "ccode1": dy["rep"], "ccode2": dy["par"],
                         "year": dy["year"], "value": (dy["value"] * MILLION).round()})
    for frame, key in ((sy, ["series", "ccode", "year"]), (dyad, ["series", "ccode1", "ccode2", "year"])):
        if (frame["value"] < 0).any():
            bad = frame[frame["value"] < 0].iloc[0]
            raise DataError(f"{label}: negative exports for a state ({bad.to_dict()})")
        check_unique(frame, key, f"{label} (after mapping IMF names to COW states)")

    # Pair totals where both partners report their exports to each other.
    rev = dyad.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1", "value": "rev"})
    both = dyad.merge(rev[["ccode1", "ccode2", "year", "rev"]], on=["ccode1", "ccode2", "year"])
    both = both[both["ccode1"] < both["ccode2"]]
    total = pd.DataFrame({"series": "trade_total_usd_dots", "ccode1": both["ccode1"], "ccode2": both["ccode2"],
                          "year": both["year"], "value": both["value"] + both["rev"]})
    dy_all = pd.concat([dyad, total], ignore_index=True)
    for c in ("ccode1", "ccode2", "year"):
        dy_all[c] = dy_all[c].astype("int64")
    sy["ccode"] = sy["ccode"].astype("int64")
    return SourceData(state_year=sy.reset_index(drop=True), dyad_year=dy_all.reset_index(drop=True))


SOURCES = [
    Source(
        key="imf_dots", title="IMF Direction of Trade Statistics: exports FOB by partner, 1960-2020",
        producer="International Monetary Fund", version="DOTS, vintage c. 2021-22 (tables to 2020)",
        citation="International Monetary Fund. Direction of Trade Statistics (DOTS). Washington, DC: IMF. "
                 "Country tables 'Exports, FOB to Partner Countries', 1960-2020.",
        licence="IMF data terms: free reuse with attribution to the IMF",
        url="https://data.imf.org/",
        files=(DOTS_FILE,), read=read_dots,
        series=(
            SeriesSpec("trade_exports_usd_dots", "Merchandise exports FOB from the first state to the second, as "
                       "reported by the exporter (IMF DOTS). Mirror: the second's imports from the first",
                       "current US$", "trade", dyadic=True),
            SeriesSpec("trade_total_usd_dots", "Merchandise trade between the two states: exports each way as "
                       "each reports them (IMF DOTS), only where both report", "current US$", "trade",
                       dyadic=True, symmetric=True),
            SeriesSpec("merch_exports_usd_dots", "Total merchandise exports FOB to the world (IMF DOTS)",
                       "current US$", "trade"),
            SeriesSpec("merch_imports_usd_dots_mirror", "Total merchandise imports, mirror estimate: the "
                       "world's exports FOB to the state (IMF DOTS 'World' aggregate); below CIF imports",
                       "current US$", "trade"),
        ),
        note=("Long conversion of the 235 IMF DOTS country tables kept by SamLeBlanc/Direction-of-Trade-Map. "
              "Only exports are in the extract: A's imports from B are B's reported exports to A (FOB). "
              "IMF names mapped to COW codes with an alias table; 'Germany' before 1990 is West Germany (260); "
              "USSR to 1991 and Russian Federation from 1992 are 365; 'Vietnam' to 1975 is South Vietnam (817); Yugoslavia to 1992, Serbia and Montenegro "
              "1993-2005 and Serbia from 2006 are 345; residual USSR/Yugoslavia/Czechoslovakia partner lines "
              "after the break-ups are dropped; SACCA (South Africa's reporter name to 1997) is 560. Dropped: "
              "IMF aggregates, Belgium-Luxembourg (no Belgium or Luxembourg rows before 1997), Hong Kong, "
              "Macao, Aruba, Curacao, Sint Maarten, Netherlands Antilles and other territories, Holy See, "
              "West Bank and Gaza. The IMF 'estimated' flag (about 8% of cells, typically derived from partner "
              "data) is not kept. Verbatim duplicate blocks in the conversion are read once. Millions of US$ "
              "converted to whole US$. A reporter's 'World' total is kept only in years when its table has "
              "a partner line for a COW state (the USSR's 1960-62 tables hold only 'Asia not specified')."),
    ),
]
