"""``powergap data update unvotes``: UN General Assembly votes from the UN Digital Library.

The Dag Hammarskjöld Library publishes "General Assembly voting data" as one CSV on record
4060887 of the UN Digital Library, re-issued under a dated name
(``https://digitallibrary.un.org/record/4060887/files/<YYYY_M_D>_ga_voting.csv``, e.g.
``2026_02_06_ga_voting.csv``, about 360 MB, 1946 to the latest session). The refresh reads
the record page, takes the newest ``*_ga_voting.csv`` it links, and downloads it.

Layout (long: one row per member state and resolution adopted by recorded vote): ``undl_id``
(record id of the vote), ``ms_code`` (ISO3-like member code), ``ms_name``, ``ms_vote``
(``Y`` yes, ``N`` no, ``A`` abstention, ``X`` non-voting), ``date``, ``session``,
``resolution`` (symbol), ``draft``, ``committee_report``, ``meeting``, ``title``,
``agenda_title``, ``subjects``, ``vote_note``, ``total_yes``, ``total_no``,
``total_abstentions``, ``total_non_voting``, ``total_ms``, ``undl_link``.

What is written into the cache:

* the publisher's file as downloaded, gzipped: ``undl_ga_voting/<name>.csv.gz`` (its sha256
  before compression is in the cache record); no reader reads this layout yet;
* the General Assembly rows dated from ``--since`` on (default 2025, the coverage of the
  shipped file), converted to the wide layout of
  ``unga_votes_2025_3dl_hzloto/un_votes_2025_ga_sc_wide_3dl.csv`` (one row per resolution,
  one ISO3 column per state holding ``YES``/``NO``/``ABSTAIN``, empty = did not vote) and
  merged into the shipped file: a live row replaces the shipped row with the same
  ``Resolution`` symbol; Security Council rows and resolutions the pull lacks stay. The
  3DL pipeline's model-made columns (``tags``, ``country``, ``subregion``, ``continent``)
  are empty in live rows.

The Digital Library sits behind a bot check: a script may get an empty answer or a web
page instead of the file. The refresh then stops with one line saying so (nothing is
changed); download the file in a browser and pass it with ``--file``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin

from ..errors import DataError, InputError
from .common import LiveRecord, fetch_newest, gzip_bytes, refresh, sha256_bytes, today

NAME = "unvotes"
PUBLISHER = "the UN Digital Library"
RECORD_URL = "https://digitallibrary.un.org/record/4060887"
WIDE_FILE = "unga_votes_2025_3dl_hzloto/un_votes_2025_ga_sc_wide_3dl.csv"
PUBLISHED_DIR = "undl_ga_voting"
DEFAULT_SINCE = 2025
COLUMNS = ["undl_id", "ms_code", "ms_name", "ms_vote", "date", "session", "resolution", "draft",
           "committee_report", "meeting", "title", "agenda_title", "subjects", "vote_note", "total_yes",
           "total_no", "total_abstentions", "total_non_voting", "total_ms", "undl_link"]
NEEDED = ["undl_id", "ms_code", "ms_vote", "date", "resolution", "title", "total_yes", "total_no",
          "total_abstentions", "total_non_voting", "total_ms", "undl_link"]
VOTES = {"Y": "YES", "N": "NO", "A": "ABSTAIN", "X": ""}
META = ["Link", "token", "Scrape_Year", "Title", "Council", "Resolution", "country", "subregion", "continent",
        "Date", "YES COUNT", "NO COUNT", "ABSTAIN COUNT", "NO-VOTE COUNT", "TOTAL VOTES", "tags"]
_FILE_RE = re.compile(r"""[^"'\s<>]*?/record/4060887/files/((\d{4})_(\d{1,2})_(\d{1,2})_ga_voting\.csv)""")
_BOT_HINT = (f"download the newest *_ga_voting.csv from {RECORD_URL} in a browser and run "
             "`powergap data update unvotes --file PATH`")


def newest_file_url(html: str, page_url: str = RECORD_URL) -> tuple[str, str]:
    """The newest ``*_ga_voting.csv`` linked from the record page: (URL, file name)."""
    found = {}
    for m in _FILE_RE.finditer(html):
        key = (int(m.group(2)), int(m.group(3)), int(m.group(4)))
        found[key] = (urljoin(page_url, m.group(0).split("?")[0]), m.group(1))
    if not found:
        raise DataError(f"{PUBLISHER}: the record page links no *_ga_voting.csv (it may have shown its bot "
                        f"check); {_BOT_HINT}; the snapshot was not changed")
    return found[max(found)]


def read_published(data: bytes, *, label: str) -> "pd.DataFrame":
    """The publisher's CSV (bytes) -> the columns the conversion needs, as strings."""
    import pandas as pd

    head = data[:512].lstrip().lower()
    if not head or head.startswith(b"<"):
        raise DataError(f"{PUBLISHER} did not serve the voting file ({'an empty answer' if not head else 'a web page'}, "
                        f"probably its bot check); {_BOT_HINT}; the snapshot was not changed")
    try:
        df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig",
                         usecols=lambda c: c in NEEDED)
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"{label}: cannot be parsed ({type(exc).__name__})") from None
    missing = [c for c in NEEDED if c not in df.columns]
    if missing:
        raise DataError(f"{label}: not the UN Digital Library voting layout (missing {', '.join(missing)})")
    return df


def _count(s: "pd.Series", label: str, column: str) -> "pd.Series":
    from ..sources.base import to_numeric

    v = to_numeric(s, label, column)  # the published totals come as floats ("106.0")
    if (v.dropna() != v.dropna().round()).any():
        raise DataError(f"{label}: column {column!r} holds a fractional count")
    return v


def to_wide(df: "pd.DataFrame", *, since: int, label: str) -> "pd.DataFrame":
    """General Assembly rows from ``since`` on -> the 3DL wide layout (one row per resolution)."""
    import pandas as pd

    date = pd.to_datetime(df["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    if date.isna().any():
        raise DataError(f"{label}: unreadable date {df.loc[date.isna(), 'date'].iloc[0]!r}")
    df = df.assign(_date=date)
    df = df[(date.dt.year >= since) & df["resolution"].str.strip().str.startswith("A/")]
    if df.empty:
        return pd.DataFrame(columns=META)
    vote = df["ms_vote"].str.strip().str.upper()
    bad = ~vote.isin(list(VOTES) + [""])
    if bad.any():
        raise DataError(f"{label}: unknown vote {vote[bad].iloc[0]!r} (expected Y, N, A or X)")
    code = df["ms_code"].str.strip().str.upper()
    iso_like = code.str.fullmatch(r"[A-Z]{3}")
    if not iso_like.all():
        raise DataError(f"{label}: member code {code[~iso_like].iloc[0]!r} is not ISO3-like")
    df = df.assign(_code=code, _vote=vote.map(VOTES).fillna(""))
    if df.duplicated(["undl_id", "_code"]).any():
        raise DataError(f"{label}: a member votes twice on one resolution")
    firsts = df.groupby("undl_id", sort=False).first()
    votes = df.pivot(index="undl_id", columns="_code", values="_vote").reindex(firsts.index).fillna("")
    # The published totals are copied as they are; the unga_2025 reader checks every row's
    # cells against them when the snapshot is built.
    counts = {c: _count(firsts[c], label, c) for c in ("total_yes", "total_no", "total_abstentions",
                                                         "total_non_voting", "total_ms")}

    def as_int(s: pd.Series) -> pd.Series:
        return s.map(lambda v: "" if pd.isna(v) else str(int(v)))

    wide = pd.DataFrame({
        "Link": firsts["undl_link"].str.strip(), "token": firsts.index.astype(str).str.strip(),
        "Scrape_Year": firsts["_date"].dt.year.astype(str), "Title": firsts["title"].str.strip(),
        "Council": "General Assembly", "Resolution": firsts["resolution"].str.strip(),
        "country": "", "subregion": "", "continent": "", "Date": firsts["_date"].dt.strftime("%Y-%m-%d"),
        "YES COUNT": as_int(counts["total_yes"]), "NO COUNT": as_int(counts["total_no"]),
        "ABSTAIN COUNT": as_int(counts["total_abstentions"]), "NO-VOTE COUNT": as_int(counts["total_non_voting"]),
        "TOTAL VOTES": as_int(counts["total_ms"]), "tags": "",
    })
    wide = pd.concat([wide, votes], axis=1).reset_index(drop=True)
    if wide["Resolution"].duplicated().any():
        raise DataError(f"{label}: resolution {wide.loc[wide['Resolution'].duplicated(), 'Resolution'].iloc[0]} "
                        "has two recorded votes")
    return wide


def merge_wide(live: "pd.DataFrame", shipped: "pd.DataFrame") -> "pd.DataFrame":
    """Live rows replace shipped rows with the same symbol; state columns are the union (sorted)."""
    import pandas as pd

    kept = shipped[~shipped["Resolution"].str.strip().isin(set(live["Resolution"]))]
    both = pd.concat([kept, live], ignore_index=True).fillna("")
    states = sorted(c for c in both.columns if c not in META)
    both = both[[c for c in META if c in both.columns] + states]
    return both.sort_values(["Date", "Council", "Resolution"], kind="mergesort").reset_index(drop=True)


def read_shipped(raw: Path) -> "pd.DataFrame":
    import pandas as pd

    path = Path(raw) / WIDE_FILE
    if not path.is_file():
        return pd.DataFrame(columns=META)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"{path.name}: cannot be parsed ({type(exc).__name__})") from None


def update_unvotes(*, raw: Path | str | None = None, out: Path | str | None = None, file: Path | str | None = None,
                   since: int | None = None, echo: Callable[[str], None] = print, sources=None,
                   include_restricted: bool = False) -> Path:
    """Download the UN Digital Library's GA voting file, cache it and rebuild the snapshot."""
    from .common import check_out, find_raw

    since = DEFAULT_SINCE if since is None else int(since)
    if not 1946 <= since <= 2100:
        raise InputError(f"--start {since}: the General Assembly voting data begin in 1946")
    raw_dir = find_raw(raw)
    check_out(out)
    name, url, data, _ = fetch_newest(file, page_url=RECORD_URL, publisher=PUBLISHER, what="GA voting file",
                                      pick=newest_file_url, echo=echo, params={"ln": "en"})
    df = read_published(data, label=name)
    wide = to_wide(df, since=since, label=name)
    if wide.empty:
        raise DataError(f"{name}: no General Assembly resolution dated {since} or later; the snapshot was not changed")
    merged = merge_wide(wide, read_shipped(raw_dir))
    m = re.match(r"(\d{4})_(\d{1,2})_(\d{1,2})_ga_voting", name)
    issued = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else "undated"
    last = wide["Date"].max()
    echo(f"{name}: {len(wide)} General Assembly resolutions from {since} on, the last on {last}")
    gz_name = f"{name}.gz"
    wide_name = Path(WIDE_FILE).name
    rec = LiveRecord(name=NAME, source="unga_2025", url=url, fetched=today(),
                     vintage=f"UN Digital Library GA voting data {name} (issued {issued}), GA rows {since}-{last[:4]}",
                     files={f"{PUBLISHED_DIR}/{gz_name}": gz_name, WIDE_FILE: wide_name},
                     extra={"published_sha256": sha256_bytes(data), "since": since, "last_vote": last})
    wide_bytes = merged.to_csv(index=False, lineterminator="\n").encode("utf-8")
    return refresh(rec, {gz_name: gzip_bytes(data, name), wide_name: wide_bytes}, raw=raw, out=out, echo=echo,
                   sources=sources, include_restricted=include_restricted)
