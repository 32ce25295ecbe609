"""UN Security Council vetoes, 1946 to September 2022 (World Politics Data Lab).

One row per vetoed draft resolution (or, in the early years, proposal); the vetoing
permanent members are named in ``member_veto1..3``. The file's 0/1 member columns are
incomplete (26 drafts have vetoes named but no flag set), so the named members are used.

* table ``unsc_vetoes``: one row per veto x vetoing state (veto_id = row of the file);
* ``vetoes`` (state-year): number of drafts the member vetoed that year;
* ``veto_joint`` (dyadic, symmetric): number of drafts both members vetoed that year.

Both series hold every permanent member (pair) in every year 1946-2022, zeros included;
other states and pairs are zero (only permanent members can veto), hence
``zero_within_coverage``. 2022 covers January to September only.

China's seat: the Republic of China (COW 713) held it until 25 October 1971, the People's
Republic (710) after; the Soviet Union and Russia are COW 365.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_years, read_csv
from .cow_trade import int_columns

VETO_FILE = "unsc_vetoes/unsc_vetoes_1946_sept2022.csv"
MEMBER_COLS = ["member_veto1", "member_veto2", "member_veto3"]
VETO_COLS = ["year", "date", "draft", "meeting_record", "agenda_item", "crisis_topic", "region", *MEMBER_COLS]
MEMBERS = {"USA": 2, "UK": 200, "France": 220, "USSR": 365, "Russia": 365, "China": 710}
PRC_SEAT = pd.Timestamp("1971-10-25")
FIRST_YEAR = 1946


def _china_code(date: pd.Timestamp) -> int:
    return 710 if date >= PRC_SEAT else 713


def _permanent_members(year: int) -> list[int]:
    china = 710 if year >= 1971 else 713
    return sorted([2, 200, 220, 365, china])


def read_vetoes(raw: Path) -> SourceData:
    path = Path(raw) / VETO_FILE
    label = path.name
    df = read_csv(path, columns=VETO_COLS)[VETO_COLS].copy()
    df = int_columns(df, ["year"], label)
    check_years(df["year"], label, lo=FIRST_YEAR)
    df["date"] = pd.to_datetime(df["date"], format="%m/%d/%Y", errors="coerce")
    if df["date"].isna().any():
        raise DataError(f"{label}: unparsable date in row {int(df['date'].isna().idxmax()) + 2} (expected M/D/YYYY)")
    if (df["date"].dt.year != df["year"]).any():
        raise DataError(f"{label}: column 'year' disagrees with 'date' in row {int((df['date'].dt.year != df['year']).idxmax()) + 2}")
    df["veto_id"] = range(1, len(df) + 1)
    long = df.melt(id_vars=["veto_id", "year", "date", "draft", "meeting_record", "agenda_item", "crisis_topic", "region"],
                   value_vars=MEMBER_COLS, value_name="member").dropna(subset=["member"])
    long["member"] = long["member"].astype(str).str.strip()
    unknown = set(long["member"]) - set(MEMBERS)
    if unknown:
        raise DataError(f"{label}: unknown vetoing member(s) {sorted(unknown)}")
    if df[MEMBER_COLS[0]].isna().any():
        raise DataError(f"{label}: a veto with no vetoing member (row {int(df[MEMBER_COLS[0]].isna().idxmax()) + 2})")
    long["ccode"] = [_china_code(d) if m == "China" else MEMBERS[m] for m, d in zip(long["member"], long["date"])]
    long = long.drop(columns="variable").drop_duplicates(["veto_id", "ccode"])
    table = long[["veto_id", "date", "year", "draft", "meeting_record", "agenda_item", "crisis_topic", "region",
                  "member", "ccode"]].copy()
    table["date"] = table["date"].dt.strftime("%Y-%m-%d")
    for c in ("draft", "meeting_record", "agenda_item", "crisis_topic", "region", "member"):
        table[c] = table[c].astype("string")
    table = table.sort_values(["veto_id", "ccode"]).reset_index(drop=True)

    last = int(df["year"].max())
    counts = long.groupby(["ccode", "year"]).size()
    sy_rows, dy_rows = [], []
    pair_counts: dict[tuple[int, int, int], int] = {}
    for _, g in long.groupby("veto_id"):
        for a, b in combinations(sorted(set(g["ccode"])), 2):
            key = (a, b, int(g["year"].iloc[0]))
            pair_counts[key] = pair_counts.get(key, 0) + 1
    for year in range(FIRST_YEAR, last + 1):
        members = _permanent_members(year)
        for c in members:
            sy_rows.append(("vetoes", c, year, float(counts.get((c, year), 0))))
        for a, b in combinations(members, 2):
            dy_rows.append(("veto_joint", a, b, year, float(pair_counts.get((a, b, year), 0))))
    # A veto cast by a state that is not a member of that year's panel (cannot happen with
    # the seat rule above, but a malformed date could cause it) must not vanish silently.
    panel = {(c, y) for _, c, y, _ in sy_rows}
    stray = [k for k in counts.index if (int(k[0]), int(k[1])) not in panel]
    if stray:
        raise DataError(f"{label}: veto by COW {stray[0][0]} in {stray[0][1]}, not a permanent member that year")
    sy = pd.DataFrame(sy_rows, columns=["series", "ccode", "year", "value"])
    dy = pd.DataFrame(dy_rows, columns=["series", "ccode1", "ccode2", "year", "value"])
    return SourceData(state_year=sy, dyad_year=dy, tables={"unsc_vetoes": table})


SOURCES = [
    Source(
        key="unsc_vetoes", title="UN Security Council vetoes, 1946-September 2022",
        producer="Carlos L. Yordan / World Politics Data Lab (from the UN Dag Hammarskjold Library veto list)",
        version="2023-09 (to September 2022)",
        citation=("Yordan, Carlos L. World Politics Data Lab. 'Vetoes in the UN Security Council, 1946-2022' "
                  "(github.com/world-politics-datalab/vetoes-un-security-council), compiled from the UN Dag "
                  "Hammarskjold Library, 'Security Council - Veto List'."),
        licence="MIT (repository licence)",
        url="https://github.com/world-politics-datalab/vetoes-un-security-council",
        files=(VETO_FILE,), read=read_vetoes,
        series=(
            SeriesSpec("vetoes", "Draft resolutions vetoed by the state in the UN Security Council that year",
                       "count", "alignment", zero_within_coverage=True),
            SeriesSpec("veto_joint", "Draft resolutions vetoed by both states in the UN Security Council that year",
                       "count", "alignment", dyadic=True, symmetric=True, zero_within_coverage=True),
        ),
        tables=("unsc_vetoes",),
        note=("Vetoing members from member_veto1-3 (the file's 0/1 member flags miss 26 drafts). China is the Republic "
              "of China (713) before 25 Oct 1971 and the PRC (710) after; USSR and Russia are 365. Every permanent "
              "member (and pair) is stored for each year 1946-2022 with zeros; 2022 runs to September only."),
    ),
]
