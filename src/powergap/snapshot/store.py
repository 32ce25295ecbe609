"""Load the snapshot: series by id, dyadic series, tables, and the catalog.

The default snapshot is the one committed inside the package (``powergap/data/snapshot``);
``POWERGAP_SNAPSHOT`` points at another directory (for example one made by
``powergap data build``).

Every file is checked when a process first opens it: the catalog against ``catalog.sha256``
(written beside it by the build) and each Parquet file against the sha256 the catalog
records, so a corrupted or edited snapshot gives one error naming the file, never a number.
Only the files a command opens are hashed, once per process (about 10 ms for the largest).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..errors import DataError, InputError, SnapshotCorruptError

if TYPE_CHECKING:  # pandas is imported where frames are built: the panel CLI's fast path never needs it
    import pandas as pd

CATALOG = "catalog.json"
CATALOG_SUM = "catalog.sha256"  # "<hex>  catalog.json": the catalog's own checksum (sha256sum -c reads it)
STATE_YEAR = "state_year.parquet"
DYAD_YEAR = "dyad_year.parquet"
TABLE_PREFIX = "table_"


def package_snapshot_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "snapshot"


def snapshot_dir() -> Path:
    env = os.environ.get("POWERGAP_SNAPSHOT")
    return Path(env) if env else package_snapshot_dir()


class Snapshot:
    """Read access to one snapshot directory."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._cache: dict[str, pd.DataFrame] = {}
        self._block_cache: dict[str, tuple[pd.DataFrame, dict[str, tuple[int, int]]]] = {}
        self._lock = threading.RLock()
        self._footers: dict[tuple, Any] = {}
        self._pair_cache: dict[tuple, pd.DataFrame] = {}

    # -- catalog --------------------------------------------------------------------
    @functools.cached_property
    def catalog(self) -> dict:
        return self._load_catalog(check=True)

    def _load_catalog(self, *, check: bool) -> dict:
        p = self.path / CATALOG
        if not p.is_file():
            raise DataError(f"no snapshot at {self.path} (missing {CATALOG}); run 'powergap data build'")
        raw = p.read_bytes()
        if check:
            recorded = self._catalog_sum()
            if recorded is not None and hashlib.sha256(raw).hexdigest() != recorded:
                raise self._corrupt(CATALOG, f"differs from its checksum in {CATALOG_SUM}")
        try:
            cat = json.loads(raw.decode("utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            msg = f"{exc.msg} at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
            raise DataError(f"{p}: catalog is not valid JSON ({msg}); run 'powergap data verify'") from None
        if not isinstance(cat, dict) or not isinstance(cat.get("files"), dict):
            raise DataError(f"{p}: catalog has no file checksums; run 'powergap data verify'")
        return cat

    def _catalog_sum(self) -> str | None:
        """The catalog's recorded sha256, or None for a snapshot built before it was written."""
        p = self.path / CATALOG_SUM
        try:
            text = p.read_text(encoding="ascii", errors="replace")
        except FileNotFoundError:
            return None
        digest = text.split()[0].lower() if text.split() else ""
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise self._corrupt(CATALOG_SUM, "is not a sha256 checksum")
        return digest

    @property
    def has_catalog_sum(self) -> bool:
        """Whether the catalog's own checksum was written (snapshots built since it exists)."""
        return (self.path / CATALOG_SUM).is_file()

    def _corrupt(self, name: str, what: str) -> SnapshotCorruptError:
        return SnapshotCorruptError(f"snapshot file {name} {what}: the snapshot at {self.path} is corrupted "
                                    f"or was edited; run 'powergap data verify' (and rebuild or reinstall it)")

    def checked(self, name: str) -> Path:
        """The path of snapshot file ``name``, verified against the catalog (once per process),
        for code that reads the Parquet file itself; DataError when it is missing."""
        p = self.path / name
        if not p.is_file():
            raise DataError(f"snapshot file missing: {p}")
        self._check_file(name)
        return p

    def _check_file(self, name: str) -> None:
        """Hash ``name`` against the catalog the first time this process opens it."""
        p = self.path / name
        st = p.stat()
        key = (str(p.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)
        if key in _VERIFIED:
            return
        files = self.catalog["files"]
        recorded = files.get(name)
        if recorded is None:
            if not files:
                return  # a hand-made snapshot (tests, fixtures) records no checksums to check
            raise self._corrupt(name, "is not listed in the catalog")
        with open(p, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest() if hasattr(hashlib, "file_digest") \
                else hashlib.sha256(fh.read()).hexdigest()
        if digest != recorded:
            raise self._corrupt(name, "differs from its checksum in the catalog")
        _VERIFIED.add(key)

    @property
    def end_year(self) -> int:
        return int(self.catalog["end_year"])

    @functools.cached_property
    def series_index(self) -> dict[str, dict]:
        return {s["id"]: s for s in self.catalog["series"]}

    @functools.cached_property
    def source_index(self) -> dict[str, dict]:
        return {s["key"]: s for s in self.catalog["sources"]}

    def series_meta(self, series_id: str) -> dict:
        try:
            return self.series_index[series_id]
        except KeyError:
            close = difflib.get_close_matches(series_id, list(self.series_index), n=4)
            hint = f"; closest: {', '.join(close)}" if close else "; 'powergap data info' lists them"
            raise InputError(f"unknown series {series_id!r}{hint}") from None

    # -- data -------------------------------------------------------------------------
    def _parquet(self, name: str, **kwargs) -> pd.DataFrame:
        """Read a snapshot file (optionally some columns, with a pushed-down filter); a
        missing or corrupt file is one DataError. Key columns come back as int64 and the
        source as str whenever they are read."""
        p = self.path / name
        if not p.is_file():
            raise DataError(f"snapshot file missing: {p}")
        self._check_file(name)
        return read_arrow(p, **kwargs).to_pandas()

    @staticmethod
    def _tidy(out: pd.DataFrame) -> pd.DataFrame:
        for k in ("ccode1", "ccode2", "ccode", "year"):
            if k in out.columns:
                out[k] = out[k].astype("int64")
        src = out["source"]
        if src.dtype == "category" and len(src) and (src.cat.codes.to_numpy() >= 0).all():
            # the same str objects as astype(str), taken from the few categories at once
            words = np.asarray(src.cat.categories.astype(str), dtype=object)
            out["source"] = words[src.cat.codes.to_numpy()]
        else:
            out["source"] = src.astype(str)
        return out

    def _read(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = self._parquet(name)
        return self._cache[name]

    def _blocks(self, name: str) -> tuple[pd.DataFrame, dict[str, tuple[int, int]]]:
        """The whole file with ``series`` and ``source`` as categoricals (a tenth of the memory
        and time of Python strings), and each series' row range (the files are sorted by
        series). Read once per process, whichever thread asks first (the others wait)."""
        with self._lock:
            if name not in self._block_cache:
                import pandas as pd

                if name in self._cache:  # already read with strings: reuse it
                    df = self._cache[name]
                    c = pd.Categorical(df["series"])
                    codes, words = c.codes, c.categories
                else:
                    df = self._parquet(name, read_dictionary=["series", "source"])
                    codes, words = df["series"].cat.codes.to_numpy(), df["series"].cat.categories
                starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else np.zeros(0, int)
                ends = np.r_[starts[1:], len(codes)]
                bounds = {str(words[codes[s]]): (int(s), int(e)) for s, e in zip(starts, ends)}
                self._block_cache[name] = (df, bounds)
            return self._block_cache[name]

    def state_year_all(self) -> pd.DataFrame:
        """Every state-year observation: ``series, ccode, year, value, source``."""
        return self._read(STATE_YEAR)

    def dyad_year_all(self) -> pd.DataFrame:
        return self._read(DYAD_YEAR)

    @functools.lru_cache(maxsize=256)
    def _series_frame(self, series_id: str) -> pd.DataFrame:
        """One series' rows, read with a pushed-down filter: the files are sorted by series
        and written in small row groups, so only the groups holding it are decoded."""
        meta = self.series_meta(series_id)
        dyadic = bool(meta.get("dyadic"))
        name = DYAD_YEAR if dyadic else STATE_YEAR
        if not dyadic or name in self._cache:
            # the state-year file is small: load it once, then slice (it is sorted by series)
            df, bounds = self._blocks(name)
            lo, hi = bounds.get(series_id, (0, 0))
            out = df.iloc[lo:hi].drop(columns="series").reset_index(drop=True)
        else:
            out = self.rows(series_id).to_pandas()
        return self._tidy(out)

    def series(self, series_id: str, *, directed: bool = True, involving=None, years=None) -> pd.DataFrame:
        """One series as a tidy frame.

        State-year series: ``ccode, year, value, source``. Dyadic series: ``ccode1, ccode2,
        year, value, source``; a symmetric series (stored once per pair) is returned in both
        directions when ``directed`` is true. ``involving`` (COW codes) keeps only dyadic
        rows with one of those states on either side, read with a pushed-down filter (fast
        for one pair's questions); ``years`` with it, only those years.
        """
        meta = self.series_meta(series_id)
        if involving is not None and meta.get("dyadic"):
            out = self._dyad_rows(series_id, tuple(sorted(int(c) for c in involving)),
                                  None if years is None else tuple(sorted(int(y) for y in years)))
        else:
            out = self._series_frame(series_id)
        if meta.get("dyadic") and meta.get("symmetric") and directed:
            import pandas as pd

            flipped = out.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})
            return pd.concat([out, flipped[out.columns]], ignore_index=True)  # a new frame already
        return out.copy()

    def _dyad_rows(self, series_id: str, codes: tuple[int, ...], years: tuple[int, ...] | None = None) -> pd.DataFrame:
        """Rows of a dyadic series with one of ``codes`` on either side (in ``years``), cached:
        a question about fewer states or years than one already read is answered from its
        rows (the same rows in the same order as a read of its own)."""
        key = (series_id, codes, years)
        with self._lock:
            hit = self._pair_cache.get(key)
            if hit is None:
                wider = next(((c, y) for (sid, c, y) in self._pair_cache if sid == series_id
                              and set(codes) <= set(c) and (y is None or years is not None and set(years) <= set(y))),
                             None)
                base = self._pair_cache[(series_id, *wider)] if wider is not None else None
        if hit is not None:
            return hit
        if base is not None:
            keep = base["ccode1"].isin(codes) | base["ccode2"].isin(codes)
            if years is not None:
                keep &= base["year"].isin(years)
            out = base[keep.to_numpy()].reset_index(drop=True)
        else:
            out = self._tidy(self.rows(series_id, involving=codes, years=years).to_pandas())
        with self._lock:
            while len(self._pair_cache) >= 256:  # a bounded cache, oldest out first
                del self._pair_cache[next(iter(self._pair_cache))]
            return self._pair_cache.setdefault(key, out)

    def _metadata(self, name: str):
        """The Parquet footer of snapshot file ``name``, verified like every read (the file is
        hashed once per process; a file changed since is hashed again) and parsed once."""
        import pyarrow.parquet as pq

        p = self.checked(name)
        st = p.stat()
        key = (name, st.st_size, st.st_mtime_ns, st.st_ino)
        with self._lock:
            if key not in self._footers:
                try:
                    self._footers[key] = pq.read_metadata(p)
                except Exception as exc:
                    raise _unreadable(p, exc) from None
            return self._footers[key]

    def rows(self, series_id: str, *, involving: Sequence[int] | None = None, first: Sequence[int] | None = None,
             years: Sequence[int] | None = None, columns: Sequence[str] | None = None):
        """One series' rows as a pyarrow Table in file order, ``series`` left out and ``source``
        dictionary-encoded; only the row groups whose statistics can hold them are decoded.

        ``involving`` (COW codes): dyadic rows with one of them on either side (a state-year
        series: rows of those states); ``first``: rows whose first code (``ccode1``, or
        ``ccode``) is one of them, where the sort order lets whole row groups be skipped;
        ``years``: only those years; ``columns``: only those (default: every column but
        ``series``). The store's one reader of series rows: a filtered ``read_table`` builds
        a dataset and compares strings, several times slower for the same rows."""
        import pyarrow as pa

        dyadic = bool(self.series_meta(series_id).get("dyadic"))
        name = DYAD_YEAR if dyadic else STATE_YEAR
        keys = ["ccode1", "ccode2"] if dyadic else ["ccode"]
        md = self._metadata(name)
        schema = md.schema.to_arrow_schema()
        out_cols = list(columns) if columns is not None else [c for c in schema.names if c != "series"]
        tests: list[tuple[list[str], Any]] = []  # (columns, value set): a row passes if any column is in the set
        if involving is not None:
            tests.append((keys, tuple(sorted({int(c) for c in involving}))))
        if first is not None:
            tests.append((keys[:1], tuple(sorted({int(c) for c in first}))))
        if years is not None:
            tests.append((["year"], tuple(sorted({int(y) for y in years}))))
        need = list(dict.fromkeys(["series", *[c for cols, _ in tests for c in cols], *out_cols]))
        pos = {c: schema.get_field_index(c) for c in need}

        def stats(rg, col):
            st = rg.column(pos[col]).statistics
            return (st.min, st.max) if st is not None and st.has_min_max else None

        groups, whole = [], []
        for i in range(md.num_row_groups):
            rg = md.row_group(i)
            if rg.num_rows == 0:
                continue
            s = stats(rg, "series")
            if s is not None and not s[0] <= series_id <= s[1]:
                continue
            one = s is not None and s[0] == s[1] == series_id  # the group holds this series only
            if one and any(not any(r is None or r[0] <= v <= r[1] for r in (stats(rg, c) for c in cols) for v in vals)
                           for cols, vals in tests):
                continue  # no value of a test can be in this group
            groups.append(i)
            whole.append(one)
        pf = open_arrow(self.path / name, metadata=md, read_dictionary=["series", "source"])
        parts = []
        # a group of this series only needs no decoding of the series name (unless asked for)
        alone = need if "series" in out_cols else [c for c in need if c != "series"]
        try:
            for i, one in zip(groups, whole):
                t = pf.read_row_group(i, columns=alone if one else need)
                mask = None if one else _equal_mask(t.column("series"), series_id)
                for cols, vals in tests:
                    m = None
                    for c in cols:
                        hit = _isin_mask(t.column(c), vals)
                        m = hit if m is None else m | hit
                    mask = m if mask is None else mask & m
                if mask is not None:
                    t = t.filter(pa.array(mask))
                if t.num_rows:
                    parts.append(t.select(out_cols))
        except Exception as exc:  # corrupt parquet raises ArrowInvalid/OSError
            raise _unreadable(self.path / name, exc) from None
        if not parts:
            empty = pa.schema([pa.field(c, pa.dictionary(pa.int32(), pa.string()) if c == "source"
                                        else schema.field(c).type) for c in out_cols])
            return empty.empty_table()
        return pa.concat_tables(parts)

    def value(self, series_id: str, ccode: int, year: int) -> float | None:
        df = self._series_frame(series_id)
        hit = df[(df["ccode"] == ccode) & (df["year"] == year)]
        return None if hit.empty else float(hit["value"].iloc[0])

    def table(self, name: str) -> pd.DataFrame:
        tables = self.catalog.get("tables", {})
        if name not in tables:
            raise DataError(f"snapshot has no table {name!r}")
        return self._read(f"{TABLE_PREFIX}{name}.parquet").copy()

    # -- provenance ---------------------------------------------------------------------
    def verify(self) -> list[str]:
        """Problems found comparing the snapshot's files with the catalog's checksums."""
        from ..sources.base import sha256_file

        problems = []
        recorded = self._catalog_sum()  # None for a snapshot built before it existed: see has_catalog_sum
        if recorded is not None and sha256_file(self.path / CATALOG) != recorded:
            problems.append(f"{CATALOG}: checksum differs from {CATALOG_SUM}")
        files = self._load_catalog(check=False).get("files", {})
        for name, digest in sorted(files.items()):
            p = self.path / name
            if not p.is_file():
                problems.append(f"{name}: missing")
            elif sha256_file(p) != digest:
                problems.append(f"{name}: checksum differs from the catalog")
        listed = set(files) | {CATALOG, CATALOG_SUM}
        for p in sorted(self.path.iterdir()):
            if p.is_file() and p.name not in listed and not p.name.startswith("."):
                problems.append(f"{p.name}: not in the catalog")
        return problems


def _equal_mask(column, word: str) -> np.ndarray:
    """Rows of a dictionary-encoded string column equal to ``word``, compared on the
    dictionary indices (a string comparison of every row is twenty times slower)."""
    import pyarrow.compute as pc

    out = []
    for chunk in column.chunks:
        if chunk.null_count or not hasattr(chunk, "indices"):
            out.append(pc.equal(chunk, word).to_numpy(zero_copy_only=False).astype(bool))
            continue
        words = chunk.dictionary.to_pylist()
        idx = chunk.indices.to_numpy()
        out.append(idx == words.index(word) if word in words else np.zeros(len(idx), dtype=bool))
    return np.concatenate(out) if out else np.zeros(0, dtype=bool)


def _isin_mask(column, values: Sequence[int]) -> np.ndarray:
    """Rows of an integer column holding one of ``values`` (codes, years): a lookup table when
    the values are small non-negative integers, as they are in the snapshot."""
    import pyarrow.compute as pc

    if column.null_count:
        return pc.is_in(column, value_set=pc.cast(values, column.type)).to_numpy(zero_copy_only=False).astype(bool)
    arr = column.to_numpy()
    if not values:
        return np.zeros(len(arr), dtype=bool)
    if min(values) < 0 or max(values) > 100_000:
        return np.isin(arr, values)
    table = np.zeros(max(values) + 1, dtype=bool)
    table[list(values)] = True
    inside = (arr >= 0) & (arr < len(table))
    return inside & table[np.where(inside, arr, 0)]


# files already hashed in this process: (resolved path, size, mtime, inode)
_VERIFIED: set[tuple[str, int, int, int]] = set()


def _unreadable(path: Path | str, exc: BaseException) -> DataError:
    """The one error for a snapshot file that pyarrow cannot read (corrupt Parquet raises
    ArrowInvalid or OSError)."""
    return DataError(f"{path}: cannot be read ({type(exc).__name__}); run 'powergap data verify'")


def read_arrow(path: Path | str, **kwargs):
    """The one Parquet read of snapshot files (pyarrow.parquet.read_table's keyword arguments:
    columns, filters, read_dictionary); a corrupt file is one DataError. Callers outside this
    module get ``path`` from :meth:`Snapshot.checked`, so the file is verified first."""
    import pyarrow.parquet as pq

    try:
        if set(kwargs) <= {"columns", "read_dictionary"}:
            # no filter: ParquetFile reads the one file without pyarrow.dataset, whose import
            # imports pandas (0.4 s the panel CLI's fast path does without); same table
            return pq.ParquetFile(path, read_dictionary=kwargs.get("read_dictionary")).read(columns=kwargs.get("columns"))
        return pq.read_table(path, **kwargs)
    except Exception as exc:  # corrupt parquet raises ArrowInvalid/OSError
        raise _unreadable(path, exc) from None


def open_arrow(path: Path | str, **kwargs):
    """A pyarrow ParquetFile of a snapshot file (row-group reads), with the same one error."""
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path, **kwargs)
    except Exception as exc:
        raise _unreadable(path, exc) from None


@functools.lru_cache(maxsize=4)
def _store_for(path: str) -> Snapshot:
    return Snapshot(path)


def default_store() -> Snapshot:
    return _store_for(str(snapshot_dir()))
