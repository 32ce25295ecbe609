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

A dimension's value in year ``t`` is that of the series, among those with data for *both*
states in ``t``, with data for both in the most years of the stability window
``t-k+1 .. t`` (ties: registry precedence; so the first series covering the whole window
whenever one does); its stability is judged on that
one series, so a change of series never makes a run. The two sides are always compared on
one series and the output names it per year. :func:`capability_panel` is the one engine
(profiles, the assessment, robustness and claims read it).

Korolev's robustness order (Korolev 2022, *China-Russia Strategic Alignment in
International Politics*, p. 23, via seed 002): the verdict rests on the military
dimension; economic, political (here: diplomatic), financial and technological asymmetry in
the same direction are robustness checks. See :func:`korolev_order`.
"""

from __future__ import annotations

import difflib
import functools
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
        from ..validate import load_yaml_text

        reg = parse_registry(load_yaml_text(_default_registry_text(), "dimensions.yaml"), origin="dimensions.yaml (default)")
        _check_against_store(reg, st, require_present=False)
        return reg
    if isinstance(registry, Mapping):
        reg = parse_registry(registry, origin="registry")
    elif isinstance(registry, (str, Path)):
        from ..validate import load_yaml_file

        path = Path(registry)
        doc = load_yaml_file(path, what="registry file")  # size cap, duplicate keys refused
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


def stability_runs(side: np.ndarray, womack: np.ndarray, k: int) -> np.ndarray:
    """Womack stability for (D, T) arrays of consecutive years (module docstring).

    ``side`` (+1/-1/0, NaN missing) and ``womack`` (1.0, 0.0, NaN) per dyad and year.
    Returns 1.0 where the flag held with the same stronger side in each of the ``k``
    years ending with the year; 0.0 where it did not (flag off, or a shorter run that began
    right after an observed year: flag off or the other side stronger); NaN where it cannot
    be told (no data this year, or a shorter run that began after a year without data or
    at the first column).
    """
    side = np.atleast_2d(np.asarray(side, dtype=float))
    flag = np.atleast_2d(np.asarray(womack, dtype=float))
    d, t = flag.shape
    on = flag == 1
    # a year continues the run of the year before when the flag holds in both with the same
    # stronger side; each year's run starts at the last year that did not continue one
    cont = np.zeros((d, t), dtype=bool)
    cont[:, 1:] = on[:, 1:] & on[:, :-1] & (side[:, 1:] == side[:, :-1])
    cols = np.broadcast_to(np.arange(t), (d, t))
    start = np.maximum.accumulate(np.where(cont, 0, cols), axis=1)
    run = np.where(on, cols - start + 1, 0)
    # whether the year before the run's start was without data (or the run starts the columns)
    before_unknown = np.ones((d, t), dtype=bool)
    before_unknown[:, 1:] = np.isnan(flag[:, :-1])
    unknown_start = np.take_along_axis(before_unknown, start, axis=1)
    out = np.where(run >= k, 1.0, 0.0)
    out[np.isnan(flag)] = np.nan
    out[on & (run < k) & unknown_start] = np.nan
    return out


def womack_stability(side: Sequence[float], womack: Sequence[float], k: int) -> list[bool | None]:
    """:func:`stability_runs` for one sequence of consecutive years, as ``True``/``False``/``None``."""
    out = stability_runs(np.asarray(side, dtype=float)[None, :], np.asarray(womack, dtype=float)[None, :], k)[0]
    return [None if x != x else bool(x) for x in out]


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


def state_values(store: "Snapshot", sid: str, ccodes: Sequence[int], years: Sequence[int]) -> np.ndarray:
    """(S, T) values of a state-year series on the grid ``ccodes`` x ``years``, from the
    evidence layer (:func:`powergap.measures.evidence.state_values`: NaN where absent, 0
    where its one absent-means-zero rule says so)."""
    from . import evidence

    cc = np.asarray(ccodes, dtype=np.int64)
    yy = np.asarray(years, dtype=np.int64)
    out = evidence.state_values(store, sid, np.repeat(cc, len(yy)), np.tile(yy, len(cc)))
    return np.asarray(out, dtype=float).reshape(len(cc), len(yy))


def partner_stat(store: "Snapshot", sids: Sequence[str], stat: str, ccodes: Sequence[int], years: Sequence[int],
                 *, side: str = "from") -> np.ndarray:
    """(S, T) totals over partners of dyadic series, per state-year: ``stat="sum"`` the sum
    of the values over partners (and over the series), ``"count"`` the number of distinct
    partners with a value > 0 in any of the series.

    A symmetric series counts for both states of a pair; a directed one for ``ccode1``
    (``side="from"``) or ``ccode2`` (``"to"``). NaN where a state-year has no row, except
    where an absent row means zero for one of the series (the evidence layer's rule,
    :func:`powergap.measures.evidence.absent_means_zero`: flagged series, inside their
    coverage, system members only), then 0.
    The one implementation of a registry ``dyadic`` entry, used by profiles, the
    assessment, robustness and claims.
    """
    cc = np.asarray(ccodes, dtype=np.int64)
    yy = np.asarray(years, dtype=np.int64)
    key = (tuple(sids), stat, side, tuple(np.unique(cc).tolist()), tuple(yy.tolist()))
    uniq = np.asarray(key[3], dtype=np.int64)
    return _partner_stat(store, key)[np.searchsorted(uniq, cc)].copy()


@functools.lru_cache(maxsize=64)
def _partner_stat(store: "Snapshot", key: tuple) -> np.ndarray:
    sids, stat, side, codes, yrs = key
    cc = np.asarray(codes, dtype=np.int64)
    yy = np.asarray(yrs, dtype=np.int64)
    out = np.full((len(cc), len(yy)), np.nan)
    present = [s for s in sids if s in store.series_index]
    if not present or not len(yy):
        return out
    y0, y1 = int(yy.min()), int(yy.max())
    involving = tuple(sorted(set(codes))) if len(codes) <= 10 else None
    parts: list[tuple[np.ndarray, ...]] = []  # (state, partner, year, value) rows
    for sid in present:
        meta = store.series_index[sid]
        d = store.series(sid, directed=False, involving=involving)
        d = d[(d["year"] >= y0) & (d["year"] <= y1)]
        c1, c2 = d["ccode1"].to_numpy(np.int64), d["ccode2"].to_numpy(np.int64)
        yv, v = d["year"].to_numpy(np.int64), d["value"].to_numpy(dtype=float)
        if meta.get("symmetric"):
            pairs = [(c1, c2), (c2, c1)]
        else:
            pairs = [(c1, c2)] if side == "from" else [(c2, c1)]
        for o, p in pairs:
            keep = np.isin(o, cc)
            parts.append((o[keep], p[keep], yv[keep], v[keep]))
    own_a, other_a, year_a, val_a = (np.concatenate(x) for x in zip(*parts))
    pos_s = np.searchsorted(np.sort(cc), own_a)
    order_c = np.argsort(cc, kind="stable")
    row = order_c[np.minimum(pos_s, len(cc) - 1)]
    col = year_a - int(yy[0]) if np.all(np.diff(yy) == 1) else np.searchsorted(yy, year_a)
    ok = (cc[row] == own_a) & (col >= 0) & (col < len(yy))
    ok &= yy[np.clip(col, 0, len(yy) - 1)] == year_a
    row, col, other_a, val_a = row[ok], col[ok], other_a[ok], val_a[ok]
    seen = np.zeros(out.shape, dtype=bool)
    seen[row, col] = True
    if stat == "sum":
        tot = np.zeros(out.shape)
        np.add.at(tot, (row, col), np.nan_to_num(val_a))
    else:
        pos = val_a > 0
        cell = row[pos].astype(np.int64) * len(yy) + col[pos]
        trip = np.unique(cell * 100_000 + other_a[pos])  # one per (state, year, partner)
        tot = np.bincount(trip // 100_000, minlength=out.size).astype(float).reshape(out.shape)
    out[seen] = tot[seen]
    from . import evidence

    flat_c, flat_y = np.repeat(cc, len(yy)), np.tile(yy, len(cc))
    members = evidence.member(store, flat_c, flat_y)
    for sid in present:  # the evidence layer's one absent-means-zero rule, series by series
        out = evidence._fill_zero(store, sid, out.ravel(), flat_y, members).reshape(out.shape)
    out.setflags(write=False)
    return out


def entry_values(store: "Snapshot", entry: RegistryEntry, ccodes: Sequence[int], years: Sequence[int]) -> np.ndarray:
    """(S, T) values of one registry entry (a series, a formula over series, or a partner
    total); NaN where missing or not a capability (negative)."""
    cc = np.asarray(ccodes, dtype=np.int64)
    yy = np.asarray(years, dtype=np.int64)
    catalog = store.series_index
    if entry.kind == "dyadic":
        out = partner_stat(store, entry.series, entry.stat or "sum", cc, yy, side=entry.side)
    elif not all(s in catalog for s in entry.series):
        return np.full((len(cc), len(yy)), np.nan)
    elif entry.kind == "series":
        out = state_values(store, entry.series[0], cc, yy)
    else:
        out = np.full((len(cc), len(yy)), entry.scale)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            for sid, pw in zip(entry.series, entry.powers):
                x = state_values(store, sid, cc, yy)
                bad = (x < 0) | ((x == 0) & (pw < 0))
                out = out * np.where(bad, np.nan, x) ** pw
    out = np.where(np.isfinite(out) & (out >= 0), out, np.nan)
    return out


def entry_sources(store: "Snapshot", entry: RegistryEntry) -> list[str]:
    catalog = store.series_index
    return sorted({k for s in entry.series if s in catalog
                   for k in (catalog[s].get("sources") or [catalog[s]["source"]])})


# ----------------------------------------------------------------------------- the engine

@dataclass
class Comparison:
    """One measure compared for D dyads over T consecutive years: (D, T) arrays.

    ``side`` is +1 where ``a`` is stronger, -1 where ``b`` is, 0 equal, NaN no data (the
    entry's direction applied); ``womack`` 1.0/0.0/NaN; ``stable`` 1.0/0.0/NaN.
    """

    a: np.ndarray
    b: np.ndarray
    ratio: np.ndarray
    side: np.ndarray
    share_a: np.ndarray
    womack: np.ndarray
    stable: np.ndarray


@dataclass
class DimensionPanel(Comparison):
    """A dimension for D dyads over T years: the values of the series chosen per dyad-year
    (``series``: entry name, None where none), its ``direction`` and ``unit``, and whether
    the chosen series covers both states over the whole stability window (``held``)."""

    series: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=object))
    direction: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    held: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=bool))
    units: dict[str, str] = field(default_factory=dict)
    sources: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class CapabilityPanel:
    """The result of :func:`capability_panel`."""

    years: np.ndarray
    window: int
    threshold: float
    dimensions: dict[str, DimensionPanel]
    entries: dict[str, Comparison]
    entry_sources: dict[str, list[str]]
    unavailable: list[str]


def _compare(va: np.ndarray, vb: np.ndarray, direction: np.ndarray | float, threshold: float,
             k: int) -> Comparison:
    cmp = compare(va, vb, direction=1, threshold=threshold)
    side = cmp["side"] * direction
    return Comparison(a=va, b=vb, ratio=cmp["ratio"], side=side, share_a=cmp["share_a"], womack=cmp["womack"],
                      stable=stability_runs(side, cmp["womack"], k))


def capability_panel(a: Sequence[int], b: Sequence[int], years: Sequence[int], *, registry: Registry,
                     dimensions: Sequence[str] | None = None, window: int = 5, threshold: float = 1.5,
                     entries: Sequence[RegistryEntry] | bool = False,
                     store: "Snapshot | None" = None) -> CapabilityPanel:
    """Each dimension's value per side, the series used, and Womack's comparison, for D
    dyads (``a[i]``, ``b[i]``: COW codes) over consecutive ``years``: the one capability
    engine behind profiles, the assessment, robustness and claims.

    The series rule (docs/capability.md, "Series that hold still"): for each dyad and year
    ``t``, a dimension uses, among the entries with values for both states in ``t``, the
    one with values for both in the most years of the stability window
    ``t-window+1 .. t``; ties go to the registry's precedence order. So the first entry
    covering the whole window wins whenever one does. Womack's stability in ``t`` is judged
    on that one series over its window, so a change of series inside a window cannot make
    a run: the run restarts on the new series (and is "cannot tell" when the new series
    has no earlier data). The values of a year do not depend on the years asked for (the
    window before the first year is read).

    ``entries``: also compare these registry entries one by one (True: every entry).
    """
    st = store if store is not None else _default_store()
    k = int(window)
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    want = np.asarray(sorted(set(int(y) for y in years)), dtype=np.int64)
    yrs = np.arange(int(want[0]) - (k - 1), int(want[-1]) + 1)
    cols = want - yrs[0]
    states = np.unique(np.concatenate([a, b]))
    ia, ib = np.searchsorted(states, a), np.searchsorted(states, b)
    names = list(registry.dimensions) if dimensions is None else list(dimensions)
    catalog = st.series_index
    cache: dict[str, np.ndarray] = {}

    def values(e: RegistryEntry) -> np.ndarray:
        if e.name not in cache:
            cache[e.name] = entry_values(st, e, states, yrs)
        return cache[e.name]

    dims: dict[str, DimensionPanel] = {}
    shape = (len(a), len(yrs))
    for dname in names:
        ents = registry.dimensions[dname].entries
        # score: years of the window with values for both (0 where none in t itself)
        score = np.zeros((len(ents),) + shape, dtype=np.int64)
        for n, e in enumerate(ents):
            v = values(e)
            ok = ~np.isnan(v[ia]) & ~np.isnan(v[ib])
            c = np.cumsum(ok, axis=1)
            run = c.copy()
            run[:, k:] -= c[:, :-k]
            score[n] = np.where(ok, run, 0)
        chosen = np.argmax(score, axis=0)  # ties: the first in precedence order
        best = np.take_along_axis(score, chosen[None], axis=0)[0]
        chosen = np.where(best > 0, chosen, -1)
        full = best >= k
        va, vb = np.full(shape, np.nan), np.full(shape, np.nan)
        direction = np.full(shape, np.nan)
        stable = np.full(shape, np.nan)
        cmps: dict[int, Comparison] = {}
        for n, e in enumerate(ents):
            pick = chosen == n
            if not pick.any():
                continue
            v = values(e)
            cmps[n] = _compare(v[ia], v[ib], float(e.direction), threshold, k)
            va[pick], vb[pick] = cmps[n].a[pick], cmps[n].b[pick]
            direction[pick] = e.direction
            stable[pick] = cmps[n].stable[pick]
        cmp = compare(va, vb, direction=1, threshold=threshold)
        side = cmp["side"] * np.where(np.isnan(direction), 1.0, direction)
        series = np.full(shape, None, dtype=object)
        labels = np.array([e.name for e in ents] + [None], dtype=object)
        series[:] = labels[np.where(chosen < 0, len(ents), chosen)]
        held = full & (chosen >= 0)
        dims[dname] = DimensionPanel(
            a=va[:, cols], b=vb[:, cols], ratio=cmp["ratio"][:, cols], side=side[:, cols],
            share_a=cmp["share_a"][:, cols], womack=cmp["womack"][:, cols], stable=stable[:, cols],
            series=series[:, cols], direction=direction[:, cols], held=held[:, cols],
            units={e.name: e.unit for e in ents}, sources={e.name: entry_sources(st, e) for e in ents})
    if entries is True:
        entries = registry.entries
    ent_out: dict[str, Comparison] = {}
    for e in entries or ():
        v = values(e)
        c = _compare(v[ia], v[ib], float(e.direction), threshold, k)
        ent_out[e.name] = Comparison(*(getattr(c, f)[:, cols] for f in ("a", "b", "ratio", "side", "share_a",
                                                                        "womack", "stable")))
    used = [e for d in names for e in registry.dimensions[d].entries] + list(entries or ())
    unavailable = sorted({s for e in used for s in e.series if s not in catalog})
    return CapabilityPanel(years=want, window=k, threshold=float(threshold), dimensions=dims, entries=ent_out,
                           entry_sources={e.name: entry_sources(st, e) for e in used}, unavailable=unavailable)


def dimension_values(a: "State", b: "State", *, years: Sequence[int], registry: Registry,
                     dimensions: Sequence[str] | None = None, window: int = 5,
                     store: "Snapshot | None" = None) -> dict:
    """Each dimension's values for one pair in each year, from :func:`capability_panel`.

    Returns a dict ``(dimension, year) -> {"a", "b", "series", "unit", "direction",
    "sources", "held"}`` holding only dimension-years with data for both states.
    """
    panel = capability_panel([a.ccode], [b.ccode], years, registry=registry, dimensions=dimensions,
                             window=window, store=store)
    out = {}
    for d, p in panel.dimensions.items():
        for j, y in enumerate(panel.years):
            name = p.series[0, j]
            if name is None:
                continue
            out[(d, int(y))] = {"a": float(p.a[0, j]), "b": float(p.b[0, j]), "series": name,
                                "unit": p.units[name], "direction": int(p.direction[0, j]),
                                "sources": p.sources[name], "held": bool(p.held[0, j])}
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
    both = np.zeros(len(years), dtype=bool)
    codes = np.array([sa.ccode, sb.ccode])
    for e in (e for d in names for e in reg.dimensions[d].entries):
        v = entry_values(st, e, codes, years)
        both |= ~np.isnan(v[0]) & ~np.isnan(v[1])
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
        from ..validate import year_span

        raise CoverageError(f"years {year_span(start, end)} reach outside the snapshot's years "
                            f"{FIRST_YEAR}-{st.end_year}")
    k = int(stability)
    years = np.arange(start, end + 1)
    panel = capability_panel([sa.ccode], [sb.ccode], years, registry=reg, window=k, threshold=threshold,
                             entries=True, store=st)
    labels = {1.0: sa.label, -1.0: sb.label}
    n = len(years)
    cols: dict[str, list] = {c: [] for c in TABLE_COLUMNS}

    def emit(level: str, name: str, dimension: str | None, series: Sequence, unit: Sequence, direction: Sequence,
             c: Comparison) -> None:
        cols["year"].extend(int(y) for y in years)
        cols["level"].extend([level] * n)
        cols["name"].extend([name] * n)
        cols["dimension"].extend([dimension] * n)
        cols["series"].extend(series)
        cols["unit"].extend(unit)
        cols["direction"].extend(direction)
        cols["a_value"].extend(c.a[0])
        cols["b_value"].extend(c.b[0])
        cols["ratio"].extend(c.ratio[0])
        cols["stronger"].extend(labels.get(float(s)) if s == s else None for s in c.side[0])
        cols["share_a"].extend(c.share_a[0])
        cols["womack"].extend(None if w != w else bool(w) for w in c.womack[0])
        cols["stable"].extend(None if s != s else bool(s) for s in c.stable[0])

    for e in reg.entries:
        emit("series", e.name, e.dimension if e.dimension is not None else "index", [e.name] * n, [e.unit] * n,
             [e.direction] * n, panel.entries[e.name])
    for d, p in panel.dimensions.items():
        used = list(p.series[0])
        emit("dimension", d, d, used, [p.units[u] if u is not None else None for u in used],
             [None if x != x else int(x) for x in p.direction[0]], p)

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
    used_sources = sorted({src for e in reg.entries if e.name in has_data for src in panel.entry_sources[e.name]})
    return CapabilityProfile(a=sa, b=sb, start=start, end=end, threshold=float(threshold), stability=k,
                             registry=reg, table=table, unavailable_series=panel.unavailable, sources=used_sources)
