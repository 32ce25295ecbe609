"""Generic machinery that joins snapshot series onto panels, honouring each series' coverage.

Coverage rule (the same for every verb): outside a series' ``[first_year, last_year]`` a
value is missing; inside it a missing row is missing too, except for series declared
``zero_within_coverage`` (sparse event-like series such as alliances or warheads), where
a row absent inside the coverage years means zero.

State-year series are joined through a dense ``(ccode, year)`` array (one float per cell,
one gather per column) and dyadic series by binary search of each series' packed
``(ccode1, ccode2, year)`` keys in the panel's sorted keys, so a join over two million
dyad-years is a few vectorised operations, never a pandas merge.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np

from ..errors import DataError

if TYPE_CHECKING:  # imported where needed: the CLI's fast path (fast.py) runs without pandas
    import pandas as pd
from .core import FIRST_YEAR, MAX_CCODE

# ----------------------------------------------------------------------------- loading


def _file_key(path) -> tuple[str, int, int]:
    st = os.stat(path)
    return str(path), st.st_mtime_ns, st.st_size


def column_numpy(table, name: str) -> np.ndarray:
    """A numeric column of an Arrow table as numpy (nulls as NaN, in float64)."""
    import pyarrow as pa

    col = table.column(name)
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    parts = [array_numpy(c) for c in chunks]
    if not parts:
        return np.zeros(0, dtype=_numpy_dtype(col.type))
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _numpy_dtype(arrow_type) -> np.dtype:
    import pyarrow as pa

    for test, kind in ((pa.types.is_floating, "f"), (pa.types.is_signed_integer, "i"),
                       (pa.types.is_unsigned_integer, "u")):
        if test(arrow_type):
            return np.dtype(f"{kind}{arrow_type.bit_width // 8}")
    raise DataError(f"expected a numeric column, got Arrow type {arrow_type}")


# pyarrow's own conversions between numpy and Arrow (pa.array, Array.to_numpy) import pandas
# when it is installed; these two work on the buffers directly (numeric types only), so the
# panel CLI's fast path never pays pandas' import.
def array_numpy(arr) -> np.ndarray:
    """A numeric Arrow Array as a numpy array (a read-only view when it has no nulls; nulls
    become NaN in a float64 copy otherwise)."""
    dtype = _numpy_dtype(arr.type)
    validity, data = arr.buffers()[:2]
    n, off = len(arr), arr.offset
    vals = np.frombuffer(data, dtype=dtype, count=n + off)[off:] if n else np.zeros(0, dtype=dtype)
    if arr.null_count:
        bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), count=n + off, bitorder="little")[off:]
        vals = vals.astype(np.float64)
        vals[bits == 0] = np.nan
    return vals


def numpy_array(values: np.ndarray):
    """A 1-d numpy array of a numeric type as an Arrow Array sharing its memory; NaN in a float
    array becomes null (as ``pa.array(values, from_pandas=True)`` and ``write_panel`` do)."""
    import pyarrow as pa

    values = np.ascontiguousarray(values)
    validity = None
    if values.dtype.kind == "f":
        ok = ~np.isnan(values)
        if not ok.all():
            validity = pa.py_buffer(np.packbits(ok, bitorder="little"))
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), [validity, pa.py_buffer(values)])


def _dictionary_parts(column) -> tuple[np.ndarray, np.ndarray]:
    """(int codes, names) of a string or dictionary column of an Arrow table."""
    import pyarrow as pa

    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not pa.types.is_dictionary(arr.type):
        import pyarrow.compute as pc  # 0.1 s to import: only when the file gave no dictionary

        arr = pc.dictionary_encode(arr)
    return (array_numpy(arr.indices).astype(np.int32), np.array(arr.dictionary.to_pylist(), dtype=object))


@functools.lru_cache(maxsize=4)
def _state_table(file_key: tuple[str, int, int]) -> dict[str, np.ndarray]:
    """The whole state-year file as numpy arrays (read once per file version; it is small,
    and one read is faster than a filtered read per series)."""
    from ..snapshot.store import read_arrow

    table = read_arrow(file_key[0], columns=["series", "ccode", "year", "value", "source"],
                       read_dictionary=["series", "source"])
    series_code, series_names = _dictionary_parts(table.column("series"))
    source_code, source_names = _dictionary_parts(table.column("source"))
    return {"series_code": series_code, "series_names": series_names,
            "ccode": column_numpy(table, "ccode").astype(np.int64),
            "year": column_numpy(table, "year").astype(np.int64),
            "value": column_numpy(table, "value").astype(np.float64),
            "source_code": source_code.astype(np.int16), "source_names": source_names}


@functools.lru_cache(maxsize=64)
def _read_series(file_key: tuple[str, int, int], series_id: str, dyadic: bool) -> dict[str, np.ndarray]:
    """Rows of one series from a snapshot Parquet file, as numpy arrays (cached per file
    version). Dyadic series are read with a pushed-down filter, so the (large) dyad-year
    file is never loaded as a whole."""
    from ..snapshot.store import read_arrow

    if not dyadic:
        t = _state_table(file_key)
        hit = np.flatnonzero(t["series_names"] == series_id)
        rows = t["series_code"] == (hit[0] if len(hit) else -1)
        return {"ccode": t["ccode"][rows], "year": t["year"][rows], "value": t["value"][rows],
                "source_code": t["source_code"][rows], "source_names": t["source_names"]}
    table = read_arrow(file_key[0], columns=["ccode1", "ccode2", "year", "value", "source"],
                       filters=[("series", "=", series_id)], read_dictionary=["source"])
    source_code, source_names = _dictionary_parts(table.column("source"))
    out = {k: column_numpy(table, k).astype(np.int64) for k in ("ccode1", "ccode2", "year")}
    out["value"] = column_numpy(table, "value").astype(np.float64)
    out["source_code"], out["source_names"] = source_code.astype(np.int16), source_names
    return out


@dataclass(frozen=True)
class SeriesInfo:
    """Catalog facts a join needs about one series."""

    id: str
    dyadic: bool
    symmetric: bool
    zero_within_coverage: bool
    first_year: int
    last_year: int
    sources: tuple[str, ...]


def series_info(store, series_id: str) -> SeriesInfo:
    meta = store.series_meta(series_id)
    return SeriesInfo(id=series_id, dyadic=bool(meta.get("dyadic")), symmetric=bool(meta.get("symmetric")),
                      zero_within_coverage=bool(meta.get("zero_within_coverage")),
                      first_year=int(meta["first_year"]), last_year=int(meta["last_year"]),
                      sources=tuple(meta.get("sources") or [meta["source"]]))


def missing_series(store, series_ids: Iterable[str]) -> list[str]:
    return [s for s in series_ids if s not in store.series_index]


def require_series(store, verb: str, series_ids: Iterable[str]) -> None:
    """Raise one clear :class:`DataError` naming every series ``verb`` needs that the
    snapshot lacks (readers for some sources may not be in a given snapshot)."""
    missing = missing_series(store, series_ids)
    if missing:
        raise DataError(f"{verb} needs series {', '.join(missing)}, which the snapshot at {store.path} "
                        f"does not hold; rebuild it with their sources (powergap data build)")


# ----------------------------------------------------------------------------- state-year


@dataclass(frozen=True)
class DenseStateSeries:
    """A state-year series as a dense ``(ccode, year - y0)`` array with coverage applied
    (ccode-major, so the rows of one state, adjacent in a panel, are adjacent in memory)."""

    info: SeriesInfo
    y0: int
    values: np.ndarray  # float64 (MAX_CCODE, n_years)
    source: np.ndarray  # int16 codes into source_names, -1 where no value
    source_names: np.ndarray


@functools.lru_cache(maxsize=128)
def _dense_cached(file_key: tuple[str, int, int], info: SeriesInfo) -> DenseStateSeries:
    rows = _read_series(file_key, info.id, False)
    y0, y1 = info.first_year, info.last_year
    fill = 0.0 if info.zero_within_coverage else np.nan
    values = np.full((MAX_CCODE, y1 - y0 + 1), fill, dtype=np.float64)
    source = np.full(values.shape, -1, dtype=np.int16)
    ok = (rows["year"] >= y0) & (rows["year"] <= y1) & (rows["ccode"] >= 0) & (rows["ccode"] < MAX_CCODE)
    yi, ci = rows["year"][ok] - y0, rows["ccode"][ok]
    values[ci, yi] = rows["value"][ok]
    source[ci, yi] = rows["source_code"][ok]
    if info.zero_within_coverage and len(info.sources) == 1:
        # an implied zero comes from the one source whose coverage implies it
        names = list(rows["source_names"])
        if info.sources[0] not in names:
            names.append(info.sources[0])
        source[source < 0] = names.index(info.sources[0])
        return DenseStateSeries(info, y0, values, source, np.array(names, dtype=object))
    return DenseStateSeries(info, y0, values, source, rows["source_names"])


def dense_state_series(store, series_id: str) -> DenseStateSeries:
    from ..snapshot.store import STATE_YEAR

    info = series_info(store, series_id)
    if info.dyadic:
        raise DataError(f"series {series_id} is dyadic, not a state-year series")
    path = store.checked(STATE_YEAR)  # missing or corrupted: one DataError
    return _dense_cached(_file_key(path), info)


class Locator:
    """Flat positions of a panel's state-years in dense ``(ccode, year - y0)`` arrays,
    computed once per year span and shared by every series with that span.

    Works on the panel's own (int16) key arrays without copying them: at two million
    rows every temporary array costs more in fresh memory than in arithmetic.
    """

    def __init__(self, ccode: np.ndarray, year: np.ndarray):
        self.ccode = np.asarray(ccode)
        self.year = np.asarray(year)
        self._cache: dict[tuple[int, int], tuple[np.ndarray, np.ndarray | None]] = {}
        n = len(self.ccode)
        self._range = (int(self.ccode.min()), int(self.ccode.max()), int(self.year.min()), int(self.year.max())) \
            if n else (0, 0, 0, 0)

    def __len__(self) -> int:
        return len(self.ccode)

    def flat(self, y0: int, n_years: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Flat indexes (0 where out of range) and the out-of-range mask (None if none)."""
        key = (y0, n_years)
        if key not in self._cache:
            flat = self.ccode.astype(np.int64)
            flat *= n_years
            flat += self.year
            flat -= y0
            cmin, cmax, ymin, ymax = self._range
            if cmin >= 0 and cmax < MAX_CCODE and ymin >= y0 and ymax < y0 + n_years:
                self._cache[key] = (flat, None)
            else:
                bad = (self.year < y0) | (self.year >= y0 + n_years) | (self.ccode < 0) | (self.ccode >= MAX_CCODE)
                flat[bad] = 0
                self._cache[key] = (flat, bad)
        return self._cache[key]


def gather_state(dense: DenseStateSeries, loc: Locator, *, out: np.ndarray | None = None,
                 with_source: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Values (NaN where missing) and, if asked, source codes (-1 where missing)."""
    flat, bad = loc.flat(dense.y0, dense.values.shape[1])
    # mode="clip" skips numpy's per-index bounds check (5x faster); every index is in
    # range already, out-of-range rows pointing at 0 and masked below.
    vals = np.take(dense.values.reshape(-1), flat, out=out, mode="clip")
    src = np.take(dense.source.reshape(-1), flat, mode="clip") if with_source else None
    if bad is not None:
        vals[bad] = np.nan
        if src is not None:
            src[bad] = -1
    return vals, src


def chain_state(store, series_ids: Sequence[str], loc: Locator, *, scales: Sequence[float] | None = None
                ) -> tuple[np.ndarray, pd.Categorical, list[str]]:
    """Fill a value from the first series in ``series_ids`` that has one (series absent
    from the snapshot are skipped), times its scale. Returns values, the source key each
    value came from (categorical, NA where no value), and the series actually used."""
    import pandas as pd

    out = np.full(len(loc), np.nan)
    codes = np.full(len(loc), -1, dtype=np.int16)
    names: list[str] = []
    used = []
    for i, sid in enumerate(series_ids):
        if sid not in store.series_index:
            continue
        used.append(sid)
        dense = dense_state_series(store, sid)
        vals, src = gather_state(dense, loc, with_source=True)
        take = np.isnan(out) & ~np.isnan(vals)
        out[take] = vals[take] * (scales[i] if scales is not None else 1.0)
        # map this series' source codes into the union of source names
        local = [str(n) for n in dense.source_names]
        for n in local:
            if n not in names:
                names.append(n)
        remap = np.array([names.index(n) for n in local] or [0], dtype=np.int16)
        codes[take] = remap[src[take]]
    order = sorted(range(len(names)), key=lambda k: names[k])
    rank = np.empty(max(len(names), 1), dtype=np.int16)
    rank[order] = np.arange(len(order), dtype=np.int16)
    final = np.where(codes >= 0, rank[np.maximum(codes, 0)], -1)
    return out, pd.Categorical.from_codes(final, categories=[names[k] for k in order]), used


# ----------------------------------------------------------------------------- dyadic


def pack_dyads(ccode1: np.ndarray, ccode2: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Packed int64 key in (ccode1, ccode2, year) order (the panels' own order)."""
    return ((np.asarray(ccode1, dtype=np.int64) * MAX_CCODE + np.asarray(ccode2, dtype=np.int64)) * 4096
            + (np.asarray(year, dtype=np.int64) - FIRST_YEAR + 1024))


@dataclass(frozen=True)
class DyadSeriesKeys:
    """A dyadic series' rows as packed keys for both orders of each pair."""

    info: SeriesInfo
    forward: np.ndarray  # pack(ccode1, ccode2, year) of each row
    backward: np.ndarray  # pack(ccode2, ccode1, year)
    values: np.ndarray
    year: np.ndarray


@functools.lru_cache(maxsize=64)
def _dyad_keys_cached(file_key: tuple[str, int, int], info: SeriesInfo) -> DyadSeriesKeys:
    rows = _read_series(file_key, info.id, True)
    return DyadSeriesKeys(info, pack_dyads(rows["ccode1"], rows["ccode2"], rows["year"]),
                          pack_dyads(rows["ccode2"], rows["ccode1"], rows["year"]), rows["value"], rows["year"])


def dyad_series_keys(store, series_id: str) -> DyadSeriesKeys:
    from ..snapshot.store import DYAD_YEAR

    info = series_info(store, series_id)
    if not info.dyadic:
        raise DataError(f"series {series_id} is a state-year series, not dyadic")
    path = store.checked(DYAD_YEAR)  # missing or corrupted: one DataError
    return _dyad_keys_cached(_file_key(path), info)


class DyadLocator:
    """Finds a panel's dyad-years in dyadic series.

    The panel's packed keys are sorted once (panels from :func:`dyad_years` already are),
    and each series' rows are looked up in them: that costs one binary search per series
    row, far fewer than the panel's rows for every series the snapshot holds.
    """

    def __init__(self, ccode1: np.ndarray, ccode2: np.ndarray, year: np.ndarray):
        self.year = np.asarray(year)
        keys = pack_dyads(ccode1, ccode2, year)
        if len(keys) < 2 or bool((keys[1:] > keys[:-1]).all()):
            self.order, self.keys = None, keys
        else:
            self.order = np.argsort(keys, kind="stable")
            self.keys = keys[self.order]
        self.unique = len(keys) < 2 or bool((self.keys[1:] != self.keys[:-1]).all())

    def __len__(self) -> int:
        return len(self.keys)

    def place(self, series_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(panel rows, series rows) of every series row the panel holds."""
        if not len(self.keys) or not len(series_keys):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        pos = np.searchsorted(self.keys, series_keys)
        pos_c = np.minimum(pos, len(self.keys) - 1)
        hit = np.flatnonzero(self.keys[pos_c] == series_keys)
        rows = pos_c[hit]
        if self.order is not None:
            rows = self.order[rows]
        if not self.unique:  # a panel with repeated dyad-years: fill every copy
            extra_rows, extra_hits = [], []
            k = 1
            while True:
                nxt = pos_c[hit] + k
                ok = nxt < len(self.keys)
                ok[ok] = self.keys[nxt[ok]] == series_keys[hit[ok]]
                if not ok.any():
                    break
                extra_rows.append(nxt[ok] if self.order is None else self.order[nxt[ok]])
                extra_hits.append(hit[ok])
                k += 1
            if extra_rows:
                rows = np.concatenate([rows, *extra_rows])
                hit = np.concatenate([hit, *extra_hits])
        return rows, hit


def dyad_values(store, series_id: str, loc: DyadLocator, *, reverse: bool = False) -> np.ndarray:
    """Values of a dyadic series for each panel row: the flow ``ccode1 -> ccode2`` (or,
    with ``reverse``, ``ccode2 -> ccode1``); NaN where missing, zero inside coverage for
    ``zero_within_coverage`` series. Symmetric series give the same value both ways."""
    s = dyad_series_keys(store, series_id)
    out = np.full(len(loc), np.nan)
    if s.info.zero_within_coverage:
        out[(loc.year >= s.info.first_year) & (loc.year <= s.info.last_year)] = 0.0
    orders = [s.forward, s.backward] if s.info.symmetric else [s.backward if reverse else s.forward]
    for keys in orders:
        rows, hit = loc.place(keys)
        out[rows] = s.values[hit]
    return out
