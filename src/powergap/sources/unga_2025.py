"""UN General Assembly and Security Council resolution votes of 2025 (UN Digital Library, via 3DL).

The raw file is wide: one row per resolution adopted by recorded vote, one column per
member state (ISO3) holding ``YES``, ``NO`` or ``ABSTAIN``; an empty cell is no vote (absent,
not voting, or for Security Council rows not a Council member). Metadata columns: ``token``
(the UN Digital Library record id), ``Council``, ``Resolution`` (symbol), ``Date``, ``Title``
and the vote counts as printed in the UN record (``YES COUNT`` ...; zero-padded strings for
the Council). The pipeline's ``tags``/``country``/``subregion``/``continent`` columns were
made by a language model and are not kept.

**Resolution level.** These are the recorded votes on whole resolutions only: no separate
votes on amendments or paragraphs, unlike Voeten's roll calls (``un_votes``, where a
resolution can have several rcids). Agreement computed from them is therefore not comparable
one to one with agreement from ``un_votes``; the tables have their own names so that no
consumer mixes the two silently.

Two tables (vote codes as in ``un_votes``: yes = 1, abstain = 2, no = 3):

* ``un_resolution_votes``: ``res_id`` (int32, the UN DL record id), ``ccode`` (int16, COW),
  ``vote`` (int8). Only cast votes are rows.
* ``un_resolutions``: ``res_id, symbol, body`` ("GA" or "SC"), ``date`` (ISO string),
  ``year``, ``title`` (at most 120 characters), ``yes, no, abstain, non_voting`` (the
  printed counts; ``non_voting`` NA where not printed), ``level`` ("resolution").

Each row's cells must add up to its printed yes/no/abstain counts (the reader checks; the
2025 file agrees on all 236 rows). ISO3 columns are mapped to COW codes with
:func:`powergap.states.iso3_to_ccode` for the vote's year; a column that is not a COW state
is an error.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import Source, SourceData, check_unique, read_csv, to_numeric

FILE = "unga_votes_2025_3dl_hzloto/un_votes_2025_ga_sc_wide_3dl.csv"
META_COLS = ["token", "Title", "Council", "Resolution", "Date", "YES COUNT", "NO COUNT", "ABSTAIN COUNT"]
# Columns of the pipeline that are not states (kept out of the ISO3 scan).
NON_STATE_COLS = {"Link", "token", "Scrape_Year", "Title", "Council", "Resolution", "country", "subregion",
                  "continent", "Date", "YES COUNT", "NO COUNT", "ABSTAIN COUNT", "NO-VOTE COUNT",
                  "TOTAL VOTES", "tags"}
BODIES = {"General Assembly": "GA", "Security Council": "SC"}
VOTE_CODES = {"YES": 1, "ABSTAIN": 2, "NO": 3}
TITLE_MAX = 120
_ISO3 = re.compile(r"^[A-Z]{3}$")


def read_resolution_votes(path: Path) -> SourceData:
    """Read one wide resolution-vote file (the 3DL / UN Digital Library layout)."""
    from ..states import iso3_to_ccode

    label = Path(path).name
    df = read_csv(path, columns=META_COLS, dtype=str, keep_default_na=False)
    states = [c for c in df.columns if c not in NON_STATE_COLS]
    odd = [c for c in states if not _ISO3.match(c)]
    if odd:
        raise DataError(f"{label}: column {odd[0]!r} is neither a known field nor an ISO3 state code")
    if not states:
        raise DataError(f"{label}: no state columns (expected one ISO3 column per member state)")

    res_id = to_numeric(df["token"], label, "token")
    if res_id.isna().any() or (res_id != res_id.round()).any():
        raise DataError(f"{label}: column 'token' must be the UN Digital Library record id (a whole number)")
    body = df["Council"].str.strip().map(BODIES)
    if body.isna().any():
        raise DataError(f"{label}: column 'Council' has {df.loc[body.isna(), 'Council'].iloc[0]!r} "
                        f"(expected General Assembly or Security Council)")
    date = pd.to_datetime(df["Date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    if date.isna().any():
        raise DataError(f"{label}: column 'Date' has an unreadable date {df.loc[date.isna(), 'Date'].iloc[0]!r}")
    counts = {k: to_numeric(df[f"{k.upper()} COUNT"], label, f"{k.upper()} COUNT") for k in ("yes", "no", "abstain")}
    for k, v in counts.items():
        if v.isna().any():
            raise DataError(f"{label}: column {k.upper() + ' COUNT'!r} is empty for {df.loc[v.isna(), 'Resolution'].iloc[0]!r}")
    non_voting = (to_numeric(df["NO-VOTE COUNT"], label, "NO-VOTE COUNT") if "NO-VOTE COUNT" in df.columns
                  else pd.Series(float("nan"), index=df.index))
    title = df["Title"].str.strip().str.slice(0, TITLE_MAX)
    resolutions = pd.DataFrame({
        "res_id": res_id.astype("int32"), "symbol": df["Resolution"].str.strip(), "body": body,
        "date": date.dt.strftime("%Y-%m-%d"), "year": date.dt.year.astype("int16"),
        "title": title.mask(title == "").astype("string"),
        **{k: v.astype("int16") for k, v in counts.items()},
        "non_voting": non_voting.astype("Int16"), "level": "resolution",
    })
    check_unique(resolutions, ["res_id"], label)
    check_unique(resolutions, ["symbol"], label)

    cells = df[states].apply(lambda s: s.str.strip().str.upper())
    bad = ~cells.isin(list(VOTE_CODES) + [""])
    if bad.to_numpy().any():
        r, c = next((r, c) for c in states for r in cells.index[bad[c]])
        raise DataError(f"{label}: unknown vote {df.at[r, c]!r} by {c} on {df.at[r, 'Resolution']} "
                        f"(expected YES, NO, ABSTAIN or empty)")
    for word, k in (("YES", "yes"), ("NO", "no"), ("ABSTAIN", "abstain")):
        tally = (cells == word).sum(axis=1)
        off = tally != counts[k]
        if off.any():
            i = off[off].index[0]
            raise DataError(f"{label}: {df.at[i, 'Resolution']} has {int(tally[i])} {word} cells but the record "
                            f"prints {int(counts[k][i])}")

    long = cells.assign(res_id=resolutions["res_id"], year=resolutions["year"]).melt(
        id_vars=["res_id", "year"], var_name="iso3", value_name="word")
    long = long[long["word"] != ""]
    pairs = long[["iso3", "year"]].drop_duplicates()
    pairs["ccode"] = iso3_to_ccode(pairs["iso3"], pairs["year"].astype("int64")).to_numpy()
    if pairs["ccode"].isna().any():
        raise DataError(f"{label}: state column {pairs.loc[pairs['ccode'].isna(), 'iso3'].iloc[0]!r} "
                        f"is not a COW state")
    long = long.merge(pairs, on=["iso3", "year"], how="left")
    votes = pd.DataFrame({"res_id": long["res_id"].astype("int32").to_numpy(),
                          "ccode": long["ccode"].astype("int16").to_numpy(),
                          "vote": long["word"].map(VOTE_CODES).astype("int8").to_numpy()})
    check_unique(votes, ["res_id", "ccode"], label)
    return SourceData(tables={
        "un_resolution_votes": votes.sort_values(["res_id", "ccode"], kind="mergesort").reset_index(drop=True),
        "un_resolutions": resolutions.sort_values(["date", "res_id"], kind="mergesort").reset_index(drop=True),
    })


def read_unga_2025(raw: Path) -> SourceData:
    return read_resolution_votes(Path(raw) / FILE)


SOURCES = [
    Source(
        key="unga_2025",
        title="UN General Assembly and Security Council resolution votes, 2025 (resolution level)",
        producer=("United Nations Dag Hammarskjöld Library voting records, scraped by 3DL (Data Driven Decision Lab, "
                  "un-digital-library-scraper)"),
        version="HZloto/unga-2025 data/un_votes_2025_processed.csv, commit 46fa27efae8b05d522b89bbdcdcd564a96e49cef",
        citation=("United Nations Dag Hammarskjöld Library, voting records of General Assembly and Security Council "
                  "resolutions, 2025 (digitallibrary.un.org), via the 3DL UN Digital Library scraper "
                  "(HZloto/unga-2025)."),
        licence=("None stated in the repositories; UN Digital Library voting data: non-commercial use with "
                 "attribution (treated as such)"),
        url="https://github.com/HZloto/unga-2025",
        files=(FILE,), read=read_unga_2025, tables=("un_resolution_votes", "un_resolutions"),
        embed=False,
        note=("RESOLUTION-LEVEL votes: whole resolutions adopted by recorded vote, no amendment or paragraph votes, "
              "so agreement from them is not comparable one to one with Voeten's roll calls (un_votes). 192 GA "
              "resolutions (2025-02-24 to 2025-12-29) and 44 SC resolutions; votes yes=1, abstain=2, no=3; an "
              "empty cell (absent, not voting, not on the Council) is not a row. AFG and VEN have no column "
              "(no vote cast in 2025). Kept out of the shipped snapshot: no licence is stated and the UN Digital "
              "Library's terms for its voting data are non-commercial; build with include_restricted from your "
              "own copy. The pipeline's LLM-made topic and geography tags are dropped."),
    ),
]
