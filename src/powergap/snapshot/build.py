"""Build the snapshot from raw files: read every source, check, combine, write atomically.

Deterministic: rows are sorted, Parquet is written without pandas metadata or timestamps,
and the catalog holds no dates, so the same raw files (and the same pyarrow version,
recorded in the catalog) give byte-identical files. Atomic: everything is written to a
temporary sibling directory that replaces the output only once complete.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ..errors import DataError
from ..sources import all_sources
from ..sources.base import Source, SourceData, sha256_file
from .precedence import PAIRED, PRECEDENCE, drop_unreported_zeros, pair_precedence, paired_total
from .store import CATALOG, CATALOG_SUM, DYAD_YEAR, STATE_YEAR, TABLE_PREFIX

FORMAT_VERSION = 1
Progress = Callable[[str], None]


def _validate(src: Source, data: SourceData, known_ccodes: set[int]) -> None:
    declared = {s.id: s for s in src.series}
    for kind, frame, key in (("state_year", data.state_year, ["series", "ccode", "year"]),
                             ("dyad_year", data.dyad_year, ["series", "ccode1", "ccode2", "year"])):
        if frame is None or frame.empty:
            continue
        missing = [c for c in key + ["value"] if c not in frame.columns]
        if missing:
            raise DataError(f"{src.key}: reader produced {kind} without {missing}")
        ids = set(frame["series"].unique())
        undeclared = ids - set(declared)
        if undeclared:
            raise DataError(f"{src.key}: series {sorted(undeclared)} not declared in the catalog")
        for sid in ids:
            if declared[sid].dyadic != (kind == "dyad_year"):
                raise DataError(f"{src.key}: series {sid} is in {kind} but declared otherwise")
        if frame["value"].isna().any():
            raise DataError(f"{src.key}: {kind} holds missing values; drop them (absence means missing)")
        if not np.isfinite(frame["value"].to_numpy(dtype=float)).all():
            raise DataError(f"{src.key}: {kind} holds infinite values")
        dup = frame.duplicated(key)
        if dup.any():
            raise DataError(f"{src.key}: {kind} key not unique, e.g. {frame.loc[dup, key].iloc[0].to_dict()}")
        codes = [c for c in key if c.startswith("ccode")]
        for c in codes:
            unknown = set(frame[c].astype(int).unique()) - known_ccodes
            if unknown:
                raise DataError(f"{src.key}: unknown COW codes {sorted(unknown)[:5]}")
        if kind == "dyad_year":
            if (frame["ccode1"] == frame["ccode2"]).any():
                raise DataError(f"{src.key}: dyadic series with self-pairs")
            sym = [sid for sid in ids if declared[sid].symmetric]
            if sym and (frame.loc[frame["series"].isin(sym), "ccode1"] >= frame.loc[frame["series"].isin(sym), "ccode2"]).any():
                raise DataError(f"{src.key}: symmetric series must be stored with ccode1 < ccode2")
    for name in data.tables:
        if name not in src.tables:
            raise DataError(f"{src.key}: table {name!r} not declared")


def _check_state_system(tables: dict) -> None:
    """The ISO code windows must not overlap and must lie within COW membership (the
    membership read in this build): a build error naming the codes otherwise."""
    from ..errors import UnknownStateError
    from ..states import check_iso_windows, iso_windows

    try:
        windows = iso_windows()
        if "cow_states" in tables:
            check_iso_windows(windows, tables["cow_states"][1])
    except UnknownStateError as exc:
        raise DataError(f"state system: {exc}") from None


def _combine(frames: list[pd.DataFrame], key: list[str]) -> pd.DataFrame:
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=key + ["value", "source"])
    for c in key[1:]:
        df[c] = df[c].astype("int16")
    df["value"] = df["value"].astype("float64")
    df["series"] = df["series"].astype(str)
    df["source"] = df["source"].astype(str)
    return df


def _apply_precedence(df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Combine series per PRECEDENCE: for state-years the first series in the chain with a
    value wins; dyadic series take one source per pair-year (precedence.pair_precedence)."""
    dyadic = "ccode1" in key
    if dyadic:
        df, _n = drop_unreported_zeros(df)
    choices: dict[str, pd.DataFrame] = {}
    order = sorted(PRECEDENCE, key=lambda t: t in PAIRED)  # directed series before their totals
    for target in order:
        chain = PRECEDENCE[target][0]
        parts = [df[df["series"] == sid] for sid in chain]
        if not any(not p.empty for p in parts):
            continue
        if dyadic and PAIRED.get(target) in choices:
            merged = paired_total(parts, choices[PAIRED[target]])
        elif dyadic:
            merged, choices[target] = pair_precedence(parts)
        else:
            merged = pd.concat([p for p in parts if not p.empty], ignore_index=True)  # earlier in chain first
            merged = merged.drop_duplicates(key, keep="first")
        merged = merged.assign(series=target)
        df = pd.concat([df[df["series"] != target], merged], ignore_index=True)
    return df


def _write_parquet(df: pd.DataFrame, path: Path, sort: list[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    df = df.sort_values(sort, kind="mergesort").reset_index(drop=True)
    table = pa.Table.from_pandas(df, preserve_index=False)
    table = table.replace_schema_metadata(None)
    for i, field in enumerate(table.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.string()))
    pq.write_table(table, path, compression="zstd", compression_level=9, use_dictionary=True,
                   write_statistics=True, row_group_size=131_072)


def _coverage(df: pd.DataFrame) -> dict[str, dict]:
    if df.empty:
        return {}
    g = df.groupby("series", sort=True)
    out = {}
    code = "ccode" if "ccode" in df.columns else "ccode1"
    for sid, part in g:
        out[sid] = {"first_year": int(part["year"].min()), "last_year": int(part["year"].max()),
                    "n_obs": int(len(part)), "n_states": int(part[code].nunique()),
                    "sources": sorted(part["source"].unique().tolist())}
    return out


def _spec_meta(s, source_key: str) -> dict:
    return {"id": s.id, "description": s.description, "unit": s.unit, "dimension": s.dimension,
            "source": source_key, "dyadic": s.dyadic, "symmetric": s.symmetric,
            "zero_within_coverage": s.zero_within_coverage}


def build(raw: Path | str, out: Path | str, *, include_restricted: bool = False,
          progress: Progress | None = None, sources: tuple[Source, ...] | None = None,
          vintages: dict[str, str] | None = None) -> dict:
    """Build a snapshot from the raw directory into ``out``; returns the catalog.

    ``include_restricted`` also reads sources whose licence keeps them out of the shipped
    snapshot (a user's own build may include them). ``vintages`` maps a source key to the
    vintage of its raw files (the live refresh passes the publisher's date or the download
    date); every other source's vintage is its declared ``version``.
    """
    import pyarrow

    from ..states import all_states

    raw, out = Path(raw), Path(out)
    say = progress or (lambda msg: None)
    if not raw.is_dir():
        raise DataError(f"raw directory not found: {raw}")
    out = check_out_dir(raw, out)  # before any work: never replace a folder that is not ours
    sources = sources if sources is not None else all_sources()
    known = {s.ccode for s in all_states()}
    sy_frames, dy_frames, tables, series_meta, source_meta = [], [], {}, {}, []
    for src in sources:
        if not src.embed and not include_restricted:
            continue
        files = []
        for p in src.paths(raw):
            if not p.is_file():
                raise DataError(f"{src.key}: raw file missing: {p}")
            files.append({"path": str(p.relative_to(raw)), "sha256": sha256_file(p), "bytes": p.stat().st_size})
        say(f"reading {src.key}")
        try:
            data = src.read(raw)
        except DataError:
            raise
        except Exception as exc:  # a reader bug or a format we did not foresee
            raise DataError(f"{src.key}: cannot read raw files ({type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''})") from exc
        _validate(src, data, known)
        if data.state_year is not None and not data.state_year.empty:
            sy_frames.append(data.state_year.assign(source=src.key)[["series", "ccode", "year", "value", "source"]])
        if data.dyad_year is not None and not data.dyad_year.empty:
            dy_frames.append(data.dyad_year.assign(source=src.key)[["series", "ccode1", "ccode2", "year", "value", "source"]])
        for name, t in data.tables.items():
            if name in tables:
                raise DataError(f"table {name!r} produced by two sources")
            tables[name] = (src.key, t)
        for s in src.series:
            if s.id in series_meta:
                raise DataError(f"series {s.id!r} declared by two sources")
            series_meta[s.id] = _spec_meta(s, src.key)
        source_meta.append({"key": src.key, "title": src.title, "producer": src.producer,
                            "version": src.version, "citation": src.citation, "licence": src.licence,
                            "url": src.url, "embedded": src.embed, "note": src.note, "files": files,
                            "vintage": (vintages or {}).get(src.key) or src.version})

    _check_state_system(tables)
    for target, (chain, spec) in PRECEDENCE.items():
        if spec is not None and target not in series_meta and any(c in series_meta for c in chain):
            series_meta[target] = _spec_meta(spec, series_meta[next(c for c in chain if c in series_meta)]["source"])
    sy = _apply_precedence(_combine(sy_frames, ["series", "ccode", "year"]), ["ccode", "year"])
    dy = _apply_precedence(_combine(dy_frames, ["series", "ccode1", "ccode2", "year"]), ["ccode1", "ccode2", "year"])
    cov = {**_coverage(sy), **_coverage(dy)}
    series = []
    for sid in sorted(series_meta):
        meta = dict(series_meta[sid])
        c = cov.get(sid)
        if c is None:
            continue  # declared but empty (e.g. restricted source skipped): not listed
        meta.update(c)
        series.append(meta)
    last_years = [s["last_year"] for s in series if not s["dyadic"]]
    end_year = max(last_years) if last_years else 2016

    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-{os.getpid()}-", dir=out.parent))
    try:
        say("writing snapshot")
        _write_parquet(sy, tmp / STATE_YEAR, ["series", "ccode", "year"])
        # year before pair: a question about some years (the claims check, a report's window)
        # decodes only the row groups holding them (row-group statistics); a question about
        # some states reads the whole series either way, as a state can be on either side
        _write_parquet(dy, tmp / DYAD_YEAR, ["series", "year", "ccode1", "ccode2"])
        table_meta = {}
        for name in sorted(tables):
            key, t = tables[name]
            _write_parquet(t, tmp / f"{TABLE_PREFIX}{name}.parquet", list(t.columns))
            table_meta[name] = {"source": key, "rows": int(len(t)), "columns": list(map(str, t.columns))}
        files = {p.name: sha256_file(p) for p in sorted(tmp.iterdir())}
        catalog = {"format": FORMAT_VERSION, "writer": f"pyarrow {pyarrow.__version__}",
                   "end_year": int(end_year), "series": series, "tables": table_meta,
                   "sources": source_meta, "files": files}
        (tmp / CATALOG).write_text(json.dumps(catalog, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        # the catalog's own checksum, in sha256sum's format: the store checks it on every load
        (tmp / CATALOG_SUM).write_text(f"{sha256_file(tmp / CATALOG)}  {CATALOG}\n", encoding="ascii")
        _swap_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    say(f"snapshot written to {out}")
    return catalog


def check_out_dir(raw: Path, out: Path) -> Path:
    """The snapshot directory to (re)place, checked before any work.

    ``out`` may be absent, an empty folder, or an existing powergap snapshot (it holds a
    catalog.json); anything else (an ordinary file, a folder of the user's, the raw folder,
    a folder inside it or holding it) is refused, since the build replaces the whole folder.
    A symlink is followed: the folder it points to is replaced and the link stays.
    """
    if not str(out).strip():
        raise DataError("--out must name a directory")
    target = Path(os.path.realpath(out))
    raw_real = Path(os.path.realpath(raw))
    if target == raw_real or raw_real.is_relative_to(target):
        raise DataError(f"refusing to build into {out}: it {'is' if target == raw_real else 'contains'} the raw "
                        f"directory {raw}, which the build would replace; choose another --out")
    if target.is_relative_to(raw_real):
        raise DataError(f"refusing to build into {out}: it lies inside the raw directory {raw}; "
                        f"choose an --out outside it")
    if os.path.lexists(target):
        if not target.is_dir():
            raise DataError(f"refusing to build into {out}: it exists and is not a directory; "
                            f"choose an absent or empty folder, or an existing snapshot")
        if not (target / CATALOG).is_file() and any(target.iterdir()):
            raise DataError(f"refusing to build into {out}: it is a folder with files and not a powergap "
                            f"snapshot (no {CATALOG}), and the build replaces the whole folder; choose an "
                            f"absent or empty folder")
    return target


def _remove_stale(out: Path) -> None:
    """Remove what killed builds of this output left behind (their process is gone, or is
    this one): ``.NAME.building-PID-*`` folders, and ``.NAME.old-PID-swap`` folders of a swap
    that finished its second rename. A swap interrupted between its two renames is undone (the
    old snapshot goes back). Anything else (not a folder, not a snapshot) is left alone: it
    may be a user's."""
    for p in out.parent.glob(f".{out.name}.*"):
        parts = p.name[len(out.name) + 2:].split("-")
        if len(parts) < 2 or parts[0] not in ("building", "old") or not parts[1].isdigit():
            continue
        pid = int(parts[1])
        if pid == os.getpid():
            alive = False  # a build of this process that failed earlier
        else:
            try:
                os.kill(pid, 0)
                alive = True
            except ProcessLookupError:
                alive = False
            except (PermissionError, OverflowError, OSError):
                alive = True
        if alive or p.is_symlink() or not p.is_dir():
            continue
        if parts[0] == "old" and not os.path.lexists(out):
            os.replace(p, out)  # a swap was interrupted between its two renames
        elif parts[0] == "building" or (p / CATALOG).is_file():
            shutil.rmtree(p, ignore_errors=True)


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Replace ``out`` by ``tmp`` so that a crash at any point leaves one complete copy."""
    os.chmod(tmp, 0o755)
    if not out.exists():
        os.replace(tmp, out)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}-swap"
    os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
