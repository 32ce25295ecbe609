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
from pathlib import Path
from typing import TYPE_CHECKING

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
        out["source"] = out["source"].astype(str)
        return out

    def _read(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = self._parquet(name)
        return self._cache[name]

    @functools.lru_cache(maxsize=2)
    def _blocks(self, name: str) -> tuple[pd.DataFrame, dict[str, tuple[int, int]]]:
        import pandas as pd

        df = self._read(name)
        codes = pd.Categorical(df["series"])
        c = codes.codes
        starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
        ends = np.r_[starts[1:], len(c)]
        bounds = {str(codes.categories[c[s]]): (int(s), int(e)) for s, e in zip(starts, ends)}
        return df, bounds

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
            cols = (["ccode1", "ccode2"] if dyadic else ["ccode"]) + ["year", "value", "source"]
            out = self._parquet(name, columns=cols, filters=[("series", "=", series_id)])
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

    @functools.lru_cache(maxsize=256)
    def _dyad_rows(self, series_id: str, codes: tuple[int, ...], years: tuple[int, ...] | None = None) -> pd.DataFrame:
        sel = [("series", "=", series_id)] + ([("year", "in", years)] if years is not None else [])
        return self._tidy(self._parquet(DYAD_YEAR, columns=["ccode1", "ccode2", "year", "value", "source"],
                                        filters=[sel + [("ccode1", "in", codes)], sel + [("ccode2", "in", codes)]]))

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


# files already hashed in this process: (resolved path, size, mtime, inode)
_VERIFIED: set[tuple[str, int, int, int]] = set()


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
        raise DataError(f"{path}: cannot be read ({type(exc).__name__}); run 'powergap data verify'") from None


def open_arrow(path: Path | str, **kwargs):
    """A pyarrow ParquetFile of a snapshot file (row-group reads), with the same one error."""
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path, **kwargs)
    except Exception as exc:
        raise DataError(f"{path}: cannot be read ({type(exc).__name__}); run 'powergap data verify'") from None


@functools.lru_cache(maxsize=4)
def _store_for(path: str) -> Snapshot:
    return Snapshot(path)


def default_store() -> Snapshot:
    return _store_for(str(snapshot_dir()))
