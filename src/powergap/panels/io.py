"""Write panels to Parquet, CSV or Feather (chosen by the file's extension), atomically.

A panel is written to a temporary file in the target's directory and renamed over the
target only once complete, so an interrupted or failed write never leaves a half-written
file. Parquet and Feather files keep the panel's attrs (unit, years, sources) in their
schema metadata, so :func:`read_panel` (or ``pandas.read_parquet``) gets them back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from ..errors import InputError

if TYPE_CHECKING:  # the CLI's fast path writes Arrow tables without importing pandas
    import pandas as pd

FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".feather": "feather", ".arrow": "feather"}
ATTRS_KEY = b"PANDAS_ATTRS"  # the key pandas itself uses for DataFrame.attrs in Parquet


def panel_format(path: str | Path) -> str:
    """"parquet", "csv" or "feather" from the file name; :class:`InputError` otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"cannot tell the output format of {str(path)!r}: use a file name ending in "
                         f"{', '.join(FORMATS)}")
    return FORMATS[suffix]


CHUNK_ROWS = 1 << 18  # rows converted to Arrow at a time: bounds the extra memory of a write


def _chunks(panel: pd.DataFrame) -> Iterator:
    """The panel as Arrow tables of at most CHUNK_ROWS rows. Converting slice by slice keeps
    a write's extra memory to one chunk instead of a second copy of the whole panel."""
    import pyarrow as pa

    for lo in range(0, max(len(panel), 1), CHUNK_ROWS):
        yield pa.Table.from_pandas(panel.iloc[lo:lo + CHUNK_ROWS], preserve_index=False)  # NaN -> null


def _with_attrs(tables: Iterable, attrs: dict, *, text_categories: bool) -> Iterator:
    """Each table with the panel's attrs in its schema metadata (and, for CSV, which has no
    dictionary type, categories such as source keys cast to text)."""
    import pyarrow as pa

    meta = None
    for table in tables:
        if text_categories:
            for i, field in enumerate(table.schema):
                if pa.types.is_dictionary(field.type):
                    table = table.set_column(i, field.name, table.column(i).cast(pa.string()))
        if meta is None:
            meta = dict(table.schema.metadata or {})
            if attrs:
                meta[ATTRS_KEY] = json.dumps(attrs, sort_keys=True).encode()
        yield table.replace_schema_metadata(meta)


def write_panel(panel: pd.DataFrame, path: str | Path, *,
                progress: Callable[[float], None] | None = None) -> Path:
    """Write ``panel`` to ``path`` (format from the extension), replacing it atomically.

    Parquet (zstd, byte-stream-split floats), Feather (Arrow IPC, lz4) and CSV (nulls as empty fields) are supported;
    ``progress`` is called with the fraction of rows written so far.
    """
    return write_tables(lambda: _chunks(panel), path, attrs=panel.attrs, n_rows=len(panel), progress=progress)


def write_tables(tables: Callable[[], Iterable], path: str | Path, *, attrs: dict, n_rows: int,
                 progress: Callable[[float], None] | None = None) -> Path:
    """Write a panel given as Arrow tables (``tables()`` yields them in row order, all with
    one schema) to ``path``, replacing it atomically, with ``attrs`` in the file's metadata.
    :func:`write_panel` feeds it a DataFrame's slices; the CLI's fast path
    (:mod:`powergap.panels.fast`) feeds it tables gathered straight from numpy."""
    from ..outputs import write_output

    fmt = panel_format(path)

    def write(tmp: Path) -> None:
        _write_chunks(_with_attrs(tables(), attrs, text_categories=fmt == "csv"), fmt, tmp, n_rows, progress)

    return write_output(path, write, what="the panel")


def _write_chunks(tables: Iterable, fmt: str, tmp: Path, n_rows: int,
                  progress: Callable[[float], None] | None) -> None:
    writer = None
    pending = None
    try:
        # The writer encodes one chunk in a background thread (Arrow releases the GIL)
        # while this thread prepares the next one: the two cores overlap the work.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            done = 0
            for table in tables:
                if writer is None:
                    writer = _open_writer(fmt, tmp, table.schema)
                if pending is not None:
                    pending.result()  # re-raises a failed write here
                pending = pool.submit(writer.write_table, table)
                done += table.num_rows
                if progress:
                    progress(done / max(n_rows, 1))
            if pending is not None:
                pending.result()
        writer.close()
        writer = None
    except BaseException:
        if pending is not None:
            pending.cancel()
        if writer is not None:
            try:
                writer.close()
            except Exception:  # already failing: the original error matters
                pass
        raise


def _open_writer(fmt: str, path: Path, schema):
    import pyarrow as pa

    if fmt == "parquet":
        import pyarrow.parquet as pq

        # Chosen for write speed at a small size cost: float columns repeat each state-year's
        # value once per partner in no useful order, so byte-stream-split + fast zstd beats
        # dictionary encoding; statistics only for the key columns that filters use. zstd's
        # fast level -3 (any zstd reader reads it) encodes the directed NMC panel in 0.27 s of
        # CPU against 0.33 s at level 1 and 0.23 s uncompressed, for a 28 MB file instead of
        # 26 MB (238 MB uncompressed); the encoding is the CLI fast path's critical path.
        floats = [f.name for f in schema if pa.types.is_floating(f.type)]
        others = [f.name for f in schema if f.name not in floats]
        keys = [c for c in ("ccode", "ccode1", "ccode2", "year") if c in schema.names]
        return pq.ParquetWriter(path, schema, compression="zstd", compression_level=-3,
                                use_dictionary=others or False, use_byte_stream_split=floats or False,
                                write_statistics=keys or False)
    if fmt == "feather":
        return pa.ipc.new_file(str(path), schema, options=pa.ipc.IpcWriteOptions(compression="lz4"))
    import pyarrow.csv as pacsv

    return pacsv.CSVWriter(str(path), schema)


def read_panel(path: str | Path) -> pd.DataFrame:
    """Read a panel written by :func:`write_panel` (Parquet or Feather) with its attrs."""
    path = Path(path)
    fmt = panel_format(path)
    if fmt == "csv":
        raise InputError(f"{path}: CSV keeps no panel metadata; read it with pandas.read_csv, or write Parquet")
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    if fmt == "parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
    else:
        import pyarrow.feather as feather

        table = feather.read_table(path)
    df = table.to_pandas()
    raw = (table.schema.metadata or {}).get(ATTRS_KEY)
    if raw:
        df.attrs = json.loads(raw)
    return df
