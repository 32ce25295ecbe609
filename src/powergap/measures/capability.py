"""Capability profiles: two states compared series by series and dimension by dimension,
with Womack's asymmetry threshold, its stability, and Korolev's robustness order.

Definitions (docs/capability.md has the full reference)
-------------------------------------------------------
For one series (or dimension) in one year, with values ``a`` and ``b`` (non-negative):

* ``ratio = max(a, b) / min(a, b)`` (stronger over weaker, >= 1; ``inf`` when the weaker
  is 0; 1 when both are 0);
* ``stronger``: the state with the larger value (the smaller for a lower-is-stronger
  series); ``None`` when equal;
* ``share_a = a / (a + b)`` (1/2 when both are 0);
* ``womack = ratio >= threshold`` with a stronger side. Womack (*Asymmetry and
  International Relationships*, CUP 2016, p. 7, via seed 002): asymmetry exists when the
  larger surpasses the smaller "by one-half in quantitative terms", i.e. threshold 1.5;
* ``stable``: the flag has held, with the same stronger side, in each of the ``k``
  consecutive years *ending with* this year (default ``k = 5``; Womack asks for "a clear and
  relatively stable disparity"). ``False`` when the flag is off this year, or when the run
  is shorter than ``k`` and began right after an observed year without it; ``None`` when
  the run is shorter than ``k`` and began after a year with no data (it might have held).

A missing value on either side leaves ratio, stronger, womack and stable ``None``: never
parity. Negative values (not capabilities) are treated as missing.

A dimension's value in a year is that of the first series in its registry list with data
for *both* states in that year (dimensions.yaml, "precedence"), so the two sides are always
compared on one series; the output names it.

Korolev's robustness order (Korolev 2022, *China-Russia Strategic Alignment in
International Politics*, p. 23, via seed 002): the verdict rests on the military
dimension; economic, political (here: diplomatic), financial and technological asymmetry in
the same direction are robustness checks. See :func:`korolev_order`.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import CoverageError, InputError

if TYPE_CHECKING:  # pragma: no cover
    from ..snapshot.store import Snapshot
    from ..states import State

DIMENSIONS: tuple[str, ...] = ("military", "economic", "financial", "technological", "demographic",
                               "nuclear", "diplomatic")
KOROLEV_CHECKS: tuple[str, ...] = ("economic", "diplomatic", "financial", "technological")
FIRST_YEAR = 1816  # the COW state system begins; no series in the snapshot starts earlier

_TOP_KEYS = {"version", "dimensions", "indices"}
_DIM_KEYS = {"description", "series", "aggregation"}
_ENTRY_KEYS = {"id", "name", "formula", "scale", "dyadic", "stat", "side", "direction", "unit", "source",
               "note", "description"}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# ----------------------------------------------------------------------------- registry

@dataclass(frozen=True)
class RegistryEntry:
    """One capability measure: a snapshot series, a formula over series, or a total over
    partners of dyadic series."""

    name: str
    kind: str  # "series" | "formula" | "dyadic"
    direction: int
    unit: str
    dimension: str | None  # None for an index
    series: tuple[str, ...]  # the snapshot series it needs
    powers: tuple[float, ...] = ()  # formula: one power per series
    scale: float = 1.0
    stat: str | None = None  # dyadic: "sum" | "count"
    side: str = "from"  # dyadic, directed series: "from" (ccode1) or "to" (ccode2)
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class Dimension:
    name: str
    description: str
    entries: tuple[RegistryEntry, ...]
    aggregation: str = "first"


@dataclass(frozen=True)
class Registry:
    """Dimensions (each a precedence list of entries) and stand-alone indices."""

    dimensions: dict[str, Dimension]
    indices: tuple[RegistryEntry, ...]
    origin: str

    @property
    def entries(self) -> tuple[RegistryEntry, ...]:
        """Every entry, indices first, then dimensions in order."""
        out = list(self.indices)
        for d in self.dimensions.values():
            out.extend(d.entries)
        return tuple(out)

    def series_ids(self) -> set[str]:
        return {s for e in self.entries for s in e.series}


def _default_registry_text() -> str:
    return (resources.files("powergap") / "data" / "dimensions.yaml").read_text(encoding="utf-8")


def _fail(origin: str, where: str, msg: str) -> InputError:
    return InputError(f"{origin}: {where}: {msg}")


def _parse_entry(raw: Any, origin: str, where: str, dimension: str | None) -> RegistryEntry:
    if not isinstance(raw, Mapping):
        raise _fail(origin, where, "must be a mapping with id (or name and formula/dyadic), direction and unit")
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        raise _fail(origin, where, f"unknown key(s) {', '.join(map(str, unknown))} (allowed: {', '.join(sorted(_ENTRY_KEYS))})")
    kinds = [k for k in ("id", "formula", "dyadic") if k in raw]
    if len(kinds) != 1:
        raise _fail(origin, where, "give exactly one of id, formula or dyadic")
    kind = {"id": "series", "formula": "formula", "dyadic": "dyadic"}[kinds[0]]
    name = raw.get("name", raw.get("id"))
    if not isinstance(name, str) or not _NAME.match(name):
        raise _fail(origin, where, f"name must be an identifier (letters, digits, _), got {name!r}")
    where = f"{where} ({name})"
    direction = raw.get("direction")
    if isinstance(direction, bool) or direction not in (1, -1):
        raise _fail(origin, where, f"direction must be 1 (higher is stronger) or -1 (lower is stronger), got {direction!r}")
    unit = raw.get("unit")
    if not isinstance(unit, str) or not unit.strip():
        raise _fail(origin, where, "unit is required (text)")
    for key in ("source", "note", "description"):
        if key in raw and not isinstance(raw[key], str):
            raise _fail(origin, where, f"{key} must be text")
    scale = raw.get("scale", 1.0)
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale) or scale <= 0:
        raise _fail(origin, where, f"scale must be a positive number, got {scale!r}")
    if kind != "formula" and "scale" in raw:
        raise _fail(origin, where, "scale applies only to a formula")
    if kind != "dyadic" and ("stat" in raw or "side" in raw):
        raise _fail(origin, where, "stat and side apply only to dyadic entries")
    powers: tuple[float, ...] = ()
    stat, side = None, "from"
    if kind == "series":
        if not isinstance(raw["id"], str) or not raw["id"]:
            raise _fail(origin, where, "id must be a series id")
        series = (raw["id"],)
    elif kind == "formula":
        f = raw["formula"]
        if not isinstance(f, Mapping) or not f:
            raise _fail(origin, where, "formula must be a mapping series -> power, e.g. {gdp_usd: 2, population: -1}")
        for sid, pw in f.items():
            if not isinstance(sid, str) or isinstance(pw, bool) or not isinstance(pw, (int, float)) or pw == 0 \
                    or not math.isfinite(pw):
                raise _fail(origin, where, f"formula term {sid!r}: {pw!r} must be series id: non-zero power")
        series = tuple(f)
        powers = tuple(float(p) for p in f.values())
    else:
        d = raw["dyadic"]
        if isinstance(d, str):
            d = [d]
        if not isinstance(d, list) or not d or not all(isinstance(s, str) and s for s in d):
            raise _fail(origin, where, "dyadic must be a series id or a list of series ids")
        series = tuple(d)
        stat = raw.get("stat")
        if stat not in ("sum", "count"):
            raise _fail(origin, where, f"stat must be 'sum' or 'count', got {stat!r}")
        side = raw.get("side", "from")
        if side not in ("from", "to"):
            raise _fail(origin, where, f"side must be 'from' or 'to', got {side!r}")
    if kind != "series" and "name" not in raw:
        raise _fail(origin, where, "a formula or dyadic entry needs a name")
    return RegistryEntry(name=name, kind=kind, direction=int(direction), unit=unit.strip(), dimension=dimension,
                         series=series, powers=powers, scale=float(scale), stat=stat, side=side,
                         source=str(raw.get("source", "")), note=str(raw.get("note", raw.get("description", ""))))


def parse_registry(doc: Any, *, origin: str = "registry") -> Registry:
    """Check a registry document (parsed YAML) strictly and build a :class:`Registry`.

    Checks syntax only; :func:`load_registry` also checks the series against the snapshot.
    """
    if not isinstance(doc, Mapping):
        raise InputError(f"{origin}: must be a mapping with 'dimensions' (and optionally 'indices')")
    unknown = sorted(set(doc) - _TOP_KEYS)
    if unknown:
        raise InputError(f"{origin}: unknown top-level key(s) {', '.join(map(str, unknown))} "
                         f"(allowed: {', '.join(sorted(_TOP_KEYS))})")
    if doc.get("version", 1) != 1:
        raise InputError(f"{origin}: unsupported registry version {doc.get('version')!r} (expected 1)")
    dims_raw = doc.get("dimensions")
    if not isinstance(dims_raw, Mapping) or not dims_raw:
        raise InputError(f"{origin}: 'dimensions' must be a non-empty mapping name -> dimension")
    dims: dict[str, Dimension] = {}
    names: set[str] = set()

    def add(entry: RegistryEntry, where: str) -> None:
        if entry.name in names:
            raise _fail(origin, where, f"entry name {entry.name!r} is used twice in the registry")
        names.add(entry.name)

    for dname, draw in dims_raw.items():
        if not isinstance(dname, str) or not _NAME.match(dname):
            raise InputError(f"{origin}: dimension name {dname!r} must be an identifier")
        if not isinstance(draw, Mapping):
            raise InputError(f"{origin}: dimension '{dname}' must be a mapping with a 'series' list")
        bad = sorted(set(draw) - _DIM_KEYS)
        if bad:
            raise InputError(f"{origin}: dimension '{dname}': unknown key(s) {', '.join(map(str, bad))} "
                             f"(allowed: {', '.join(sorted(_DIM_KEYS))})")
        agg = draw.get("aggregation", "first")
        if agg != "first":
            raise InputError(f"{origin}: dimension '{dname}': aggregation must be 'first' (precedence), got {agg!r}")
        entries_raw = draw.get("series")
        if not isinstance(entries_raw, list) or not entries_raw:
            raise InputError(f"{origin}: dimension '{dname}': 'series' must be a non-empty list")
        entries = []
        for i, eraw in enumerate(entries_raw, 1):
            where = f"dimension '{dname}', entry {i}"
            e = _parse_entry(eraw, origin, where, dname)
            add(e, where)
            entries.append(e)
        desc = draw.get("description", "")
        if not isinstance(desc, str):
            raise InputError(f"{origin}: dimension '{dname}': description must be text")
        dims[dname] = Dimension(name=dname, description=desc, entries=tuple(entries), aggregation=agg)
    idx_raw = doc.get("indices", []) or []
    if not isinstance(idx_raw, list):
        raise InputError(f"{origin}: 'indices' must be a list of entries")
    indices = []
    for i, eraw in enumerate(idx_raw, 1):
        where = f"indices, entry {i}"
        e = _parse_entry(eraw, origin, where, None)
        add(e, where)
        indices.append(e)
    return Registry(dimensions=dims, indices=tuple(indices), origin=origin)


def _check_against_store(reg: Registry, store: "Snapshot", *, require_present: bool) -> None:
    catalog = store.series_index
    for where, entry in _entry_locations(reg):
        for sid in entry.series:
            meta = catalog.get(sid)
            if meta is None:
                if require_present:
                    close = difflib.get_close_matches(sid, list(catalog), n=3)
                    hint = f" (closest: {', '.join(close)})" if close else " ('powergap data info' lists them)"
                    raise _fail(reg.origin, f"{where} ({entry.name})", f"unknown series {sid!r}{hint}")
                continue
            dyadic = bool(meta.get("dyadic"))
            if entry.kind == "dyadic" and not dyadic:
                raise _fail(reg.origin, f"{where} ({entry.name})", f"series {sid!r} is state-year, not dyadic")
            if entry.kind != "dyadic" and dyadic:
                raise _fail(reg.origin, f"{where} ({entry.name})",
                            f"series {sid!r} is dyadic; use 'dyadic: [{sid}]' with a stat")


def _entry_locations(reg: Registry) -> Iterable[tuple[str, RegistryEntry]]:
    for i, e in enumerate(reg.indices, 1):
        yield f"indices, entry {i}", e
    for d in reg.dimensions.values():
        for i, e in enumerate(d.entries, 1):
            yield f"dimension '{d.name}', entry {i}", e


def load_registry(registry: "Registry | str | Path | Mapping | None" = None, *,
                  store: "Snapshot | None" = None) -> Registry:
    """The capability registry: the package's ``dimensions.yaml`` or a user's.

    Parameters
    ----------
    registry : None, path, mapping or Registry
        ``None``: the shipped registry (series not yet in the snapshot simply have no
        data). A path or mapping: a user's registry, checked strictly: unknown keys, bad
        directions or units, and series the snapshot does not have raise
        :class:`~powergap.errors.InputError` naming the file and the entry.
    """
    if isinstance(registry, Registry):
        return registry
    st = store if store is not None else _default_store()
    if registry is None:
        import yaml

        reg = parse_registry(yaml.safe_load(_default_registry_text()), origin="dimensions.yaml (default)")
        _check_against_store(reg, st, require_present=False)
        return reg
    if isinstance(registry, Mapping):
        reg = parse_registry(registry, origin="registry")
    elif isinstance(registry, (str, Path)):
        import yaml

        path = Path(registry)
        if not path.is_file():
            raise InputError(f"registry file not found: {path}")
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(f"{path}: not valid YAML{f' at line {mark.line + 1}' if mark else ''}") from None
        except UnicodeDecodeError:
            raise InputError(f"{path}: not a text file") from None
        reg = parse_registry(doc, origin=str(path))
    else:
        raise InputError(f"registry must be a file path, a mapping or a Registry, got {type(registry).__name__}")
    _check_against_store(reg, st, require_present=True)
    return reg


# ----------------------------------------------------------------------------- comparisons

def compare(a: Any, b: Any, *, direction: int = 1, threshold: float = 1.5) -> dict[str, np.ndarray]:
    """Element-wise comparison of two value arrays (module docstring for definitions).

    Returns arrays ``ratio`` (NaN missing, inf when the weaker is 0), ``side`` (+1 a
    stronger, -1 b stronger, 0 equal, NaN missing), ``share_a`` and ``womack`` (1.0, 0.0 or
    NaN).
    """
    va = np.asarray(a, dtype=float)
    vb = np.asarray(b, dtype=float)
    ok = np.isfinite(va) & np.isfinite(vb) & (va >= 0) & (vb >= 0)
    va = np.where(ok, va, np.nan)
    vb = np.where(ok, vb, np.nan)
    hi, lo = np.fmax(va, vb), np.fmin(va, vb)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ratio = np.where(lo > 0, hi / lo, np.where(hi > 0, np.inf, 1.0))
        share = np.where(va + vb > 0, va / (va + vb), 0.5)
    ratio = np.where(ok, ratio, np.nan)
    share = np.where(ok, share, np.nan)
    side = np.where(ok, np.sign(va - vb) * direction, np.nan)
    womack = np.where(ok, ((ratio >= threshold) & (side != 0)).astype(float), np.nan)
    return {"ratio": ratio, "side": side, "share_a": share, "womack": womack}


def womack_stability(side: Sequence[float], womack: Sequence[float], k: int) -> list[bool | None]:
    """Stability of the Womack flag over consecutive years (module docstring).

    ``side`` and ``womack`` are per consecutive year (NaN = no data). The year before the
    first is treated as unknown.
    """
    out: list[bool | None] = []
    run = 0
    run_side = 0.0
    preceded_by_data = False  # what came just before the current run
    prev: str = "missing"  # "missing" | "observed"
    for s, w in zip(side, womack):
        if w != w:  # NaN
            out.append(None)
            run, prev = 0, "missing"
            continue
        if w == 0:
            out.append(False)
            run, prev = 0, "observed"
            continue
        if run > 0 and s == run_side:
            run += 1
        else:
            # A flag for the other side also counts as observed evidence of a break.
            preceded_by_data = prev == "observed" or run > 0
            run, run_side = 1, s
        prev = "observed"
        if run >= k:
            out.append(True)
        else:
            out.append(False if preceded_by_data else None)
    return out


# ----------------------------------------------------------------------------- data access

def _default_store() -> "Snapshot":
    from ..snapshot.store import default_store

    return default_store()


def _resolve_pair(a: Any, b: Any, store: "Snapshot | None") -> tuple["State", "State", "Snapshot"]:
    from ..states import resolve

    sa, sb = resolve(a), resolve(b)
    if sa.ccode == sb.ccode:
        raise InputError(f"both sides are the same state ({sa.label}); give two different states")
    return sa, sb, store if store is not None else _default_store()


def _member_mask(ccodes: Sequence[int], years: np.ndarray, store: "Snapshot") -> np.ndarray:
    """(len(ccodes), len(years)) booleans: the state was a COW system member in the year."""
    from ..states import membership

    spells = membership(end_year=store.end_year)
    out = np.zeros((len(ccodes), len(years)), dtype=bool)
    for i, c in enumerate(ccodes):
        for sp in spells[spells["ccode"] == c].itertuples():
            out[i] |= (years >= sp.start.year) & (years <= sp.end.year)
    return out


def _rows(store: "Snapshot", sid: str, ccodes: Sequence[int], y0: int, y1: int) -> pd.DataFrame:
    """One series' rows for these states (either side of a dyad) and years.

    Uses the store's per-series access (cached, read with a Parquet filter); a symmetric
    dyadic series comes back as stored, once per pair.
    """
    df = store.series(sid, directed=False)
    keep = (df["year"] >= y0) & (df["year"] <= y1)
    if "ccode" in df.columns:
        keep &= df["ccode"].isin(list(ccodes))
    else:
        keep &= df["ccode1"].isin(list(ccodes)) | df["ccode2"].isin(list(ccodes))
    return df[keep]


@dataclass
class _Values:
    values: dict[str, np.ndarray]  # entry name -> (2, n_years)
    sources: dict[str, list[str]]  # entry name -> source keys
    unavailable: list[str]  # series ids not in the snapshot


def _fetch(entries: Sequence[RegistryEntry], ccodes: Sequence[int], years: np.ndarray,
           store: "Snapshot") -> _Values:
    catalog = store.series_index
    y0, y1 = int(years[0]), int(years[-1])
    ny = len(years)
    sy_ids = sorted({s for e in entries if e.kind != "dyadic" for s in e.series if s in catalog})
    dy_ids = sorted({s for e in entries if e.kind == "dyadic" for s in e.series if s in catalog})
    unavailable = sorted({s for e in entries for s in e.series if s not in catalog})
    member = None

    def members() -> np.ndarray:
        nonlocal member
        if member is None:
            member = _member_mask(ccodes, years, store)
        return member

    def coverage(meta: dict) -> np.ndarray:
        return (years >= int(meta.get("first_year", y0))) & (years <= int(meta.get("last_year", y1)))

    base: dict[str, np.ndarray] = {}
    if sy_ids:
        for sid in sy_ids:
            arr = np.full((len(ccodes), ny), np.nan)
            part = _rows(store, sid, ccodes, y0, y1)
            for i, c in enumerate(ccodes):
                rows = part[part["ccode"] == c]
                arr[i, rows["year"].to_numpy(dtype=int) - y0] = rows["value"].to_numpy(dtype=float)
            meta = catalog[sid]
            if meta.get("zero_within_coverage"):
                fill = np.isnan(arr) & coverage(meta)[None, :] & members()
                arr[fill] = 0.0
            base[sid] = arr
    dsub = {sid: _rows(store, sid, ccodes, y0, y1) for sid in dy_ids}

    values: dict[str, np.ndarray] = {}
    sources: dict[str, list[str]] = {}
    for e in entries:
        present = [s for s in e.series if s in catalog]
        sources[e.name] = sorted({k for s in present for k in (catalog[s].get("sources") or [catalog[s]["source"]])})
        if len(present) < len(e.series) and e.kind != "dyadic":
            values[e.name] = np.full((len(ccodes), ny), np.nan)
            continue
        if e.kind == "series":
            values[e.name] = base[e.series[0]].copy()
        elif e.kind == "formula":
            out = np.full((len(ccodes), ny), e.scale)
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                for sid, pw in zip(e.series, e.powers):
                    x = base[sid]
                    bad = (x < 0) | ((x == 0) & (pw < 0))
                    out = out * np.where(bad, np.nan, x) ** pw
            out[~np.isfinite(out)] = np.nan
            values[e.name] = out
        else:
            values[e.name] = _dyadic_totals(e, present, dsub, ccodes, years, store, members, coverage)
    return _Values(values=values, sources=sources, unavailable=unavailable)


def _dyadic_totals(e: RegistryEntry, present: list[str], dsub: dict[str, pd.DataFrame], ccodes: Sequence[int],
                   years: np.ndarray, store: "Snapshot", members, coverage) -> np.ndarray:
    """Per state-year totals over partners of dyadic series (sum of values or number of
    partners with a positive value)."""
    y0 = int(years[0])
    out = np.full((len(ccodes), len(years)), np.nan)
    if not present:
        return out
    catalog = store.series_index
    zero_cov = np.zeros(len(years), dtype=bool)
    for sid in present:
        if catalog[sid].get("zero_within_coverage"):
            zero_cov |= coverage(catalog[sid])
    for i, c in enumerate(ccodes):
        frames = []
        for sid in present:
            rows = dsub[sid]
            if catalog[sid].get("symmetric"):
                one = rows[rows["ccode1"] == c][["ccode2", "year", "value"]].rename(columns={"ccode2": "partner"})
                two = rows[rows["ccode2"] == c][["ccode1", "year", "value"]].rename(columns={"ccode1": "partner"})
                frames += [one, two]
            elif e.side == "from":
                frames.append(rows[rows["ccode1"] == c][["ccode2", "year", "value"]].rename(columns={"ccode2": "partner"}))
            else:
                frames.append(rows[rows["ccode2"] == c][["ccode1", "year", "value"]].rename(columns={"ccode1": "partner"}))
        both = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["partner", "year", "value"])
        if len(both):
            if e.stat == "sum":
                tot = both.groupby("year")["value"].sum()
            else:
                tot = both[both["value"] > 0].groupby("year")["partner"].nunique()
                seen = both.groupby("year").size()
                tot = tot.reindex(seen.index, fill_value=0)
            out[i, tot.index.to_numpy(dtype=int) - y0] = tot.to_numpy(dtype=float)
        fill = np.isnan(out[i]) & zero_cov & members()[i]
        out[i, fill] = 0.0
    return out


def dimension_values(a: "State", b: "State", *, years: Sequence[int], registry: Registry,
                     dimensions: Sequence[str] | None = None, store: "Snapshot | None" = None) -> dict:
    """Each dimension's values for the pair in each year, by registry precedence.

    Returns a dict ``(dimension, year) -> {"a", "b", "series", "unit", "direction",
    "sources"}`` holding only dimension-years with data for both states.
    """
    st = store if store is not None else _default_store()
    names = list(registry.dimensions) if dimensions is None else list(dimensions)
    entries = [e for d in names for e in registry.dimensions[d].entries]
    yrs = np.arange(min(years), max(years) + 1)
    vals = _fetch(entries, [a.ccode, b.ccode], yrs, st)
    want = set(int(y) for y in years)
    out = {}
    for d in names:
        for j, y in enumerate(yrs):
            if int(y) not in want:
                continue
            for e in registry.dimensions[d].entries:
                va, vb = vals.values[e.name][0, j], vals.values[e.name][1, j]
                if np.isfinite(va) and np.isfinite(vb) and va >= 0 and vb >= 0:
                    out[(d, int(y))] = {"a": float(va), "b": float(vb), "series": e.name, "unit": e.unit,
                                        "direction": e.direction, "sources": vals.sources[e.name]}
                    break
    return out


def latest_common_year(a: Any, b: Any, *, registry: "Registry | str | Path | Mapping | None" = None,
                       dimensions: Sequence[str] | None = None, store: "Snapshot | None" = None,
                       lookback: int = 60) -> int:
    """The latest year in which both states have data on at least one of the dimensions
    (default: all in the registry); the snapshot's last year when there is none in the
    ``lookback`` years before it. Used for the default end year of profiles."""
    sa, sb, st = _resolve_pair(a, b, store)
    reg = load_registry(registry, store=st)
    names = list(reg.dimensions) if dimensions is None else [d for d in dimensions if d in reg.dimensions]
    years = np.arange(max(FIRST_YEAR, st.end_year - lookback), st.end_year + 1)
    entries = [e for d in names for e in reg.dimensions[d].entries]
    vals = _fetch(entries, [sa.ccode, sb.ccode], years, st).values
    both = np.zeros(len(years), dtype=bool)
    for v in vals.values():
        both |= np.isfinite(v[0]) & np.isfinite(v[1]) & (v[0] >= 0) & (v[1] >= 0)
    return int(years[np.flatnonzero(both)[-1]]) if both.any() else st.end_year


# ----------------------------------------------------------------------------- profile

TABLE_COLUMNS = ["year", "level", "name", "dimension", "series", "unit", "direction", "a_value", "b_value",
                 "ratio", "stronger", "share_a", "womack", "stable"]


def _num(x: Any) -> float | None:
    if x is None or x is pd.NA:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _flag(x: Any) -> bool | None:
    return None if x is None or x is pd.NA or (isinstance(x, float) and x != x) else bool(x)


@dataclass
class KorolevVerdict:
    """Korolev's robustness order for one year: the military verdict, then the checks.

    ``checks`` maps each check dimension to ``{"status", "stronger", "ratio"}`` where status
    is, when the primary dimension is asymmetric, "confirms" (asymmetric, same stronger
    side), "contradicts" (asymmetric, other side), "does not confirm" (not asymmetric) or
    "no data"; otherwise "asymmetric", "not asymmetric" or "no data".
    """

    year: int
    primary: str
    asymmetric: bool | None
    stronger: str | None
    ratio: float | None
    stable: bool | None
    series: str | None
    checks: dict[str, dict]
    confirmed: int
    with_data: int
    no_data: int
    label: str

    def to_dict(self) -> dict:
        return {"year": self.year, "primary": self.primary, "asymmetric": self.asymmetric,
                "stronger": self.stronger, "ratio": _num(self.ratio), "stable": self.stable, "series": self.series,
                "checks": self.checks, "confirmed": self.confirmed, "checks_with_data": self.with_data,
                "checks_no_data": self.no_data, "label": self.label}


def _fmt_ratio(r: float | None) -> str:
    if r is None:
        return "n/a"
    return "inf" if math.isinf(r) else f"{r:.2f}"


def korolev_order(table: pd.DataFrame, year: int, *, primary: str = "military",
                  checks: Sequence[str] = KOROLEV_CHECKS) -> KorolevVerdict:
    """Korolev's order from a profile table (``CapabilityProfile.table``) for one year.

    The verdict rests on the ``primary`` dimension (military): asymmetric when its Womack
    flag is set. Each check dimension confirms when it is asymmetric with the same
    stronger side. Checks without data are counted as "no data", never as
    disconfirmations. Label examples: "asymmetric: military (CHN stronger, ratio 3.10),
    confirmed by 3 of 4 checks"; "... confirmed by 2 of 3 checks (no data: diplomatic)";
    "not asymmetric on military (ratio 1.21); asymmetric on 2 of 4 checks: economic (CHN),
    technological (CHN)"; "no data on military; ...".
    """
    dims = table[(table["level"] == "dimension") & (table["year"] == year)].set_index("name")

    def get(d: str) -> tuple[bool | None, str | None, float | None, bool | None, str | None]:
        if d not in dims.index:
            return None, None, None, None, None
        r = dims.loc[d]
        ratio = float(r["ratio"])
        return (_flag(r["womack"]), r["stronger"] if isinstance(r["stronger"], str) else None,
                None if ratio != ratio else ratio, _flag(r["stable"]),
                r["series"] if isinstance(r["series"], str) else None)

    flag, side, ratio, stable, series = get(primary)
    out: dict[str, dict] = {}
    confirmed = with_data = no_data = 0
    asym_list = []
    for d in checks:
        f, s, r, _, _ = get(d)
        if f is None:
            status = "no data"
            no_data += 1
        else:
            with_data += 1
            if flag:
                status = "confirms" if (f and s == side) else "contradicts" if f else "does not confirm"
                confirmed += status == "confirms"
            else:
                status = "asymmetric" if f else "not asymmetric"
                if f:
                    asym_list.append(f"{d} ({s})")
        out[d] = {"status": status, "stronger": s, "ratio": _num(r)}
    missing = [d for d in checks if out[d]["status"] == "no data"]
    tail = f" (no data: {', '.join(missing)})" if missing else ""
    if flag:
        label = (f"asymmetric: {primary} ({side} stronger, ratio {_fmt_ratio(ratio)}), "
                 f"confirmed by {confirmed} of {with_data} checks{tail}")
    else:
        head = f"no data on {primary}" if flag is None else f"not asymmetric on {primary} (ratio {_fmt_ratio(ratio)})"
        n_asym = len(asym_list)
        body = f"asymmetric on {n_asym} of {with_data} checks" + (f": {', '.join(asym_list)}" if asym_list else "")
        label = f"{head}; {body}{tail}"
    return KorolevVerdict(year=int(year), primary=primary, asymmetric=flag, stronger=side, ratio=ratio,
                          stable=stable, series=series, checks=out, confirmed=confirmed, with_data=with_data,
                          no_data=no_data, label=label)


@dataclass
class CapabilityProfile:
    """The result of :func:`capability_profile`.

    Attributes
    ----------
    a, b : the two states (``State``).
    table : tidy DataFrame, one row per year x series and year x dimension, columns
        ``year, level ("series"|"dimension"), name, dimension, series, unit, direction,
        a_value, b_value, ratio, stronger, share_a, womack, stable``.
    unavailable_series : registry series the snapshot does not have (no data).
    """

    a: Any
    b: Any
    start: int
    end: int
    threshold: float
    stability: int
    registry: Registry
    table: pd.DataFrame
    unavailable_series: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def dimensions(self) -> pd.DataFrame:
        return self.table[self.table["level"] == "dimension"].reset_index(drop=True)

    def series(self) -> pd.DataFrame:
        return self.table[self.table["level"] == "series"].reset_index(drop=True)

    def korolev(self, year: int | None = None, *, primary: str = "military",
                checks: Sequence[str] = KOROLEV_CHECKS) -> KorolevVerdict:
        """Korolev's robustness order for ``year`` (default: the last year)."""
        year = self.end if year is None else int(year)
        if not self.start <= year <= self.end:
            raise CoverageError(f"year {year} is outside the profile's years {self.start}-{self.end}")
        for d in [primary, *checks]:
            if d not in self.registry.dimensions:
                raise InputError(f"unknown dimension {d!r}; known: {', '.join(self.registry.dimensions)}")
        return korolev_order(self.table, year, primary=primary, checks=checks)

    def to_dict(self) -> dict:
        """The documented JSON shape (issue 4 item 7; docs/capability.md)."""
        la, lb = self.a.label, self.b.label
        years = []
        has_korolev = "military" in self.registry.dimensions and all(c in self.registry.dimensions
                                                                     for c in KOROLEV_CHECKS)
        for year, grp in self.table.groupby("year", sort=True):
            ser, dim = {}, {}
            for r in grp.itertuples(index=False):
                item = {"a": _num(r.a_value), "b": _num(r.b_value), "ratio": _num(r.ratio),
                        "stronger": r.stronger if isinstance(r.stronger, str) else None,
                        "share_a": _num(r.share_a), "womack": _flag(r.womack), "stable": _flag(r.stable),
                        "unit": r.unit}
                if isinstance(r.ratio, float) and math.isinf(r.ratio):
                    item["ratio_infinite"] = True
                if r.level == "series":
                    item["dimension"] = r.dimension
                    ser[r.name] = item
                else:
                    item["series"] = r.series if isinstance(r.series, str) else None
                    dim[r.name] = item
            entry = {"year": int(year), "series": ser, "dimensions": dim}
            if has_korolev:
                entry["korolev"] = korolev_order(self.table, int(year)).to_dict()
            years.append(entry)
        return {"a": la, "b": lb, "a_name": self.a.name, "b_name": self.b.name, "start": self.start,
                "end": self.end, "threshold": self.threshold, "stability_years": self.stability,
                "registry": self.registry.origin, "years": years,
                "unavailable_series": list(self.unavailable_series), "sources": list(self.sources)}

    def to_json(self, *, indent: int | None = 1) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)


def _check_options(threshold: float, stability: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not math.isfinite(threshold) \
            or threshold < 1:
        raise InputError(f"threshold must be a number >= 1 (stronger/weaker ratio), got {threshold!r}")
    if isinstance(stability, bool) or not isinstance(stability, (int, np.integer)) or stability < 1:
        raise InputError(f"stability must be a whole number of years >= 1, got {stability!r}")


def capability_profile(a: Any, b: Any, *, start: int | None = None, end: int | None = None,
                       threshold: float = 1.5, stability: int = 5,
                       registry: "Registry | str | Path | Mapping | None" = None,
                       store: "Snapshot | None" = None) -> CapabilityProfile:
    """Compare two states' capabilities series by series and dimension by dimension.

    Parameters
    ----------
    a, b : state names or codes (anything :func:`powergap.resolve` accepts).
    start, end : int, optional
        Years (inclusive). Default end: the latest year in which both states have data on
        at least one dimension (:func:`latest_common_year`); default start: nine years
        before the end.
    threshold : float
        Womack's asymmetry threshold on the stronger/weaker ratio (default 1.5: "surpasses
        the smaller by one-half").
    stability : int
        Years the flag must have held, same stronger side, up to and including the year
        (default 5). Years before ``start`` are read to decide it.
    registry : path, mapping or Registry, optional
        The dimension registry (default: the package's ``dimensions.yaml``).

    Returns
    -------
    CapabilityProfile
        ``.table`` (tidy), ``.to_dict()`` / ``.to_json()``, ``.korolev(year)``.

    Notes
    -----
    Formulas in the module docstring; swapping ``a`` and ``b`` swaps ``a_value``/``b_value``
    and ``share_a -> 1 - share_a`` but leaves ratio, stronger, womack and stable unchanged.
    """
    sa, sb, st = _resolve_pair(a, b, store)
    _check_options(threshold, stability)
    reg = load_registry(registry, store=st)
    if end is None:
        end = latest_common_year(sa, sb, registry=reg, store=st)
        if start is not None and int(start) > end:
            end = st.end_year  # the user asked for later years: let the range check speak
    end = int(end)
    start = max(FIRST_YEAR, end - 9) if start is None else int(start)
    if start > end:
        raise InputError(f"start year {start} is after end year {end}")
    if start < FIRST_YEAR or end > st.end_year:
        raise CoverageError(f"years {start}-{end} reach outside the snapshot's years {FIRST_YEAR}-{st.end_year}")
    k = int(stability)
    years = np.arange(start - k, end + 1)  # k years of look-back decide stability at `start`
    entries = reg.entries
    vals = _fetch(entries, [sa.ccode, sb.ccode], years, st)
    keep = years >= start
    labels = {1.0: sa.label, -1.0: sb.label}
    cols: dict[str, list] = {c: [] for c in TABLE_COLUMNS}

    def emit(level: str, name: str, dimension: str | None, series: list[str | None], unit: list[str],
             direction: list[int], va: np.ndarray, vb: np.ndarray, directions: np.ndarray) -> None:
        cmp = compare(va, vb, direction=1, threshold=threshold)
        side = cmp["side"] * directions
        stab = womack_stability(side, cmp["womack"], k)
        for j in np.flatnonzero(keep):
            cols["year"].append(int(years[j]))
            cols["level"].append(level)
            cols["name"].append(name)
            cols["dimension"].append(dimension)
            cols["series"].append(series[j])
            cols["unit"].append(unit[j])
            cols["direction"].append(direction[j])
            cols["a_value"].append(va[j])
            cols["b_value"].append(vb[j])
            cols["ratio"].append(cmp["ratio"][j])
            s = side[j]
            cols["stronger"].append(labels.get(float(s)) if s == s else None)
            cols["share_a"].append(cmp["share_a"][j])
            w = cmp["womack"][j]
            cols["womack"].append(None if w != w else bool(w))
            cols["stable"].append(stab[j])

    n = len(years)
    for e in entries:
        v = vals.values[e.name]
        emit("series", e.name, e.dimension if e.dimension is not None else "index", [e.name] * n, [e.unit] * n,
             [e.direction] * n, v[0], v[1], np.full(n, float(e.direction)))
    for d in reg.dimensions.values():
        va, vb = np.full(n, np.nan), np.full(n, np.nan)
        used: list[str | None] = [None] * n
        unit: list[str | None] = [None] * n
        dirn: list[int | None] = [None] * n
        dirs = np.full(n, 1.0)
        for j in range(n):
            for e in d.entries:
                x, y = vals.values[e.name][0, j], vals.values[e.name][1, j]
                if np.isfinite(x) and np.isfinite(y) and x >= 0 and y >= 0:
                    va[j], vb[j], used[j], unit[j], dirn[j], dirs[j] = x, y, e.name, e.unit, e.direction, e.direction
                    break
        emit("dimension", d.name, d.name, used, unit, dirn, va, vb, dirs)

    table = pd.DataFrame(cols, columns=TABLE_COLUMNS)
    table["womack"] = table["womack"].astype("boolean")
    table["stable"] = table["stable"].astype("boolean")
    table["ratio"] = table["ratio"].astype(float)
    table["share_a"] = table["share_a"].astype(float)
    table["a_value"] = table["a_value"].astype(float)
    table["b_value"] = table["b_value"].astype(float)
    table["direction"] = table["direction"].astype("Int64")

    for s, lab in ((sa, "a_value"), (sb, "b_value")):
        if not table[lab].notna().any():
            span = f"{start}" if start == end else f"{start}-{end}"
            raise CoverageError(f"no capability data for {s.label} in {span}: the series do not cover these "
                                f"years or {s.name} was not a state then ('powergap data info' shows coverage)")
    has_data = table[table["a_value"].notna() | table["b_value"].notna()]["name"].unique()
    used_sources = sorted({src for e in entries if e.name in has_data for src in vals.sources[e.name]})
    return CapabilityProfile(a=sa, b=sb, start=start, end=end, threshold=float(threshold), stability=k,
                             registry=reg, table=table, unavailable_series=vals.unavailable, sources=used_sources)
