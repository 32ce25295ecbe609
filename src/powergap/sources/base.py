"""The contract every source reader follows, and strict helpers for reading raw files.

A reader turns one raw dataset (as described in ``shared/data/raw/MANIFEST.md``) into
tidy frames keyed by Correlates of War state codes:

* ``state_year``: columns ``series, ccode, year, value`` (one row per series, state, year);
* ``dyad_year``: columns ``series, ccode1, ccode2, year, value`` (directed: from ccode1 to
  ccode2; for a series declared ``symmetric`` only ``ccode1 < ccode2`` is stored);
* ``tables``: named frames that are not series (roll calls, product-level trade, ...).

A reader does no joins with other sources and never turns missing into zero.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Literal

import pandas as pd

from ..errors import DataError

Dimension = Literal[
    "military", "economic", "financial", "technological", "demographic", "nuclear",
    "diplomatic", "trade", "arms", "investment", "alignment", "opinion", "regime", "events",
    "other",
]


@dataclass(frozen=True)
class SeriesSpec:
    """Catalog metadata for one series a source provides."""

    id: str
    description: str
    unit: str
    dimension: str
    dyadic: bool = False
    symmetric: bool = False  # dyadic and the same both ways (stored once, ccode1 < ccode2)
    # True for event-like series stored sparsely (alliances, joint vetoes, rivalries): a
    # state-year or dyad-year absent from the table but inside the source's coverage years
    # means zero; outside those years it is missing. Consumers must apply this rule (the
    # store's ``series(..., coverage=...)`` helpers do).
    zero_within_coverage: bool = False


@dataclass
class SourceData:
    state_year: pd.DataFrame | None = None
    dyad_year: pd.DataFrame | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """One raw dataset: where its files are, what it provides, and how to cite it."""

    key: str
    title: str
    producer: str
    version: str
    citation: str
    licence: str
    url: str
    files: tuple[str, ...]  # paths relative to the raw directory
    read: Callable[[Path], SourceData]
    series: tuple[SeriesSpec, ...] = ()
    tables: tuple[str, ...] = ()
    # False for data under a licence that forbids redistribution in the committed snapshot
    # (e.g. CC BY-NC-SA): the reader still works on a user's own copy.
    embed: bool = True
    note: str = ""

    def paths(self, raw: Path) -> list[Path]:
        return [Path(raw) / f for f in self.files]


# ----------------------------------------------------------------------------- helpers

def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def require_file(path: Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: raw file not found")
    return path


def read_csv(path: Path, *, columns: Iterable[str], name: str | None = None, **kwargs) -> pd.DataFrame:
    """Read a CSV (optionally gzipped) and check that the expected columns are present.

    Any parse failure (truncated gzip, ragged rows, bad encoding) becomes one DataError
    naming the file.
    """
    path = require_file(path)
    label = name or path.name
    kwargs.setdefault("low_memory", False)
    try:
        df = pd.read_csv(path, **kwargs)
    except (EOFError, OSError, UnicodeDecodeError, pd.errors.ParserError, ValueError) as exc:
        raise DataError(f"{label}: cannot be parsed ({type(exc).__name__}: {first_line(exc)})") from None
    check_columns(df, columns, label)
    if path.suffix.lower() == ".csv" and kwargs.get("skiprows") is None and kwargs.get("sep", ",") == ",":
        check_not_truncated(path, label)
    return df


def check_not_truncated(path: Path, label: str) -> None:
    """A plain CSV whose last line has fewer fields than its header was cut short."""
    import csv

    with open(path, "rb") as fh:
        head = fh.readline().decode("utf-8-sig", "replace")
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 65536))
        tail = fh.read().decode("utf-8", "replace")
    last = [ln for ln in tail.splitlines() if ln.strip()]
    if not last:
        return
    n_head = len(next(csv.reader([head])))
    n_last = len(next(csv.reader([last[-1]])))
    if n_last < n_head:
        raise DataError(f"{label}: last row has {n_last} of {n_head} fields (file truncated?)")


def read_excel(path: Path, *, columns: Iterable[str] = (), name: str | None = None, **kwargs) -> pd.DataFrame:
    path = require_file(path)
    label = name or path.name
    try:
        df = pd.read_excel(path, **kwargs)
    except Exception as exc:  # openpyxl/xlrd raise many types for corrupt files
        raise DataError(f"{label}: cannot be parsed ({type(exc).__name__}: {first_line(exc)})") from None
    check_columns(df, columns, label)
    return df


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else ""


def check_columns(df: pd.DataFrame, columns: Iterable[str], label: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{label}: missing expected column(s) {', '.join(map(str, missing))}")


def check_unique(df: pd.DataFrame, key: list[str], label: str) -> None:
    dup = df.duplicated(key, keep=False)
    if dup.any():
        example = df.loc[dup, key].iloc[0].to_dict()
        raise DataError(f"{label}: key {key} is not unique (e.g. {example})")


def to_numeric(series: pd.Series, label: str, column: str, *, allow: Iterable[str] = ("", "..", "NA", "n/a", "nan")) -> pd.Series:
    """Convert to float; values that are neither numbers nor known missing markers are an error."""
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("float64")
    s = series.astype("string").str.strip()
    s = s.mask(s.isin(list(allow)))
    out = pd.to_numeric(s.str.replace(",", "", regex=False), errors="coerce")
    bad = out.isna() & s.notna()
    if bad.any():
        raise DataError(f"{label}: column {column!r} has non-numeric value {s[bad].iloc[0]!r}")
    return out.astype("float64")


def check_years(years: pd.Series, label: str, lo: int = 1800, hi: int = 2100) -> None:
    bad = years.isna() | (years < lo) | (years > hi)
    if bad.any():
        raise DataError(f"{label}: implausible year {years[bad].iloc[0]!r}")


def long_state_year(df: pd.DataFrame, series_cols: dict[str, str], *, scale: dict[str, float] | None = None) -> pd.DataFrame:
    """Melt a wide ``ccode, year, col...`` frame into the long state-year form.

    ``series_cols`` maps source column -> series id; rows with missing values are dropped
    (absent rows are how the snapshot says "missing").
    """
    scale = scale or {}
    parts = []
    for col, sid in series_cols.items():
        v = df[col].astype("float64") * scale.get(col, 1.0)
        part = pd.DataFrame({"series": sid, "ccode": df["ccode"], "year": df["year"], "value": v})
        parts.append(part.dropna(subset=["value"]))
    if not parts:
        return empty_state_year()
    return pd.concat(parts, ignore_index=True)


def empty_state_year() -> pd.DataFrame:
    return pd.DataFrame({"series": pd.Series(dtype="string"), "ccode": pd.Series(dtype="int64"),
                         "year": pd.Series(dtype="int64"), "value": pd.Series(dtype="float64")})


def empty_dyad_year() -> pd.DataFrame:
    return pd.DataFrame({"series": pd.Series(dtype="string"), "ccode1": pd.Series(dtype="int64"),
                         "ccode2": pd.Series(dtype="int64"), "year": pd.Series(dtype="int64"),
                         "value": pd.Series(dtype="float64")})


def text_of(path: Path) -> io.StringIO:
    """The file's text (for formats with preambles that need trimming before parsing)."""
    try:
        return io.StringIO(Path(path).read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        return io.StringIO(Path(path).read_text(encoding="latin-1"))


# ----------------------------------------------------------------------------- ISO3 -> COW

def attach_ccode(df: pd.DataFrame, *, code_col: str, label: str, source: str | None = None,
                 key: tuple[str, ...] = ("series", "ccode", "year")) -> pd.DataFrame:
    """Map ISO3 (or withdrawn/publisher) codes with their years to COW codes; drop the rest.

    A code-year is attached only inside the code's window in ``data/iso_windows.tsv`` (the
    years its figures describe the COW state's territory, within the state's membership);
    ``source`` selects the source's own windows where its code means another territory.
    Windows never overlap, so two rows landing on one state-year mean the source itself
    holds two codes for one territory: an error naming the file.
    """
    from ..states import iso3_to_ccode

    if df.empty:
        return df.assign(ccode=pd.Series(dtype="int64"))
    codes = df[code_col].astype(str).str.strip().str.upper()
    df = df.assign(**{code_col: codes.to_numpy()})
    pairs = df[[code_col, "year"]].drop_duplicates()
    pairs = pairs.assign(ccode=iso3_to_ccode(pairs[code_col], pairs["year"], source=source).to_numpy())
    pairs = pairs.dropna(subset=["ccode"])
    pairs["ccode"] = pairs["ccode"].astype("int64")
    df = df.merge(pairs, on=[code_col, "year"], how="inner")
    check_unique(df, [k for k in key if k in df.columns], label)
    return df.reset_index(drop=True)
