"""State-year and dyad-year panels built from the COW state system, and what a panel knows
about itself (its unit, system, years and sources).

The dyad rule
-------------
A dyad-year (A, B, Y) exists when A and B are both system members in year Y **and** were
members on at least one common day of year Y. Membership comes from COW's day-precision
spells (:func:`powergap.states.membership`); a state may have several spells, so every
pair of spells is checked. The common day is checked *within the year*, as peacesciencer
does (its ``false_cow_dyads`` list is built year by year from state-days): Belgium and
Germany were both members in 1945 and both were members together in 1944, but in 1945
Germany left (8 May) before Belgium returned (26 June), so (BEL, GMY, 1945) is not a
dyad. Checking the common day over the pair's whole life instead would keep such rows and
give 1,912,306 directed dyad-years for 1816-2016; the within-year rule gives 1,912,290,
the same rows as ``peacesciencer::create_dyadyears(directed = TRUE, mry = FALSE)``.

A state-year (A, Y) exists when one of A's spells includes a day of year Y.

The end-year rule
-----------------
The membership list ends on 2016-12-31. Spells still open then are extended to
31 December of ``end_year`` (default: the snapshot's last year of data, never the system
clock), so panels run to ``end_year``. peacesciencer's ``mry = FALSE`` stops at 2016.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from ..errors import CoverageError, DataError, InputError

if TYPE_CHECKING:  # pandas is imported where frames are built: the CLI's fast path (fast.py) never needs it
    import pandas as pd

Unit = Literal["state_year", "dyad_year_directed", "dyad_year_nondirected"]
UNITS: tuple[str, ...] = ("state_year", "dyad_year_directed", "dyad_year_nondirected")
UNIT_LABEL = {"state_year": "a state-year panel", "dyad_year_directed": "a directed dyad-year panel",
              "dyad_year_nondirected": "a non-directed dyad-year panel"}
SYSTEMS = ("cow",)
SYSTEM_SOURCE = {"cow": "cow_states"}  # catalog source key of each state system's membership list
FIRST_YEAR = 1816  # first year of the COW state system
MAX_CCODE = 1000  # COW codes run 2..990; dense (ccode, year) arrays are this wide
_YEAR_SPAN = 2048  # room for years FIRST_YEAR..FIRST_YEAR+2047 in packed keys (11 bits)


@dataclass(frozen=True)
class PanelInfo:
    """What a panel is: read from (and written to) ``DataFrame.attrs``.

    Attributes
    ----------
    unit : "state_year", "dyad_year_directed" or "dyad_year_nondirected"
    system : the state system ("cow")
    start, end : the panel's first and last year
    end_year : the year open membership spells were extended to
    sources : catalog keys of every source behind the panel's rows and columns
    """

    unit: str
    system: str
    start: int
    end: int
    end_year: int
    sources: tuple[str, ...]

    @property
    def dyadic(self) -> bool:
        return self.unit != "state_year"

    @property
    def directed(self) -> bool:
        return self.unit == "dyad_year_directed"

    def attrs(self) -> dict:
        return {"unit": self.unit, "system": self.system, "start": int(self.start), "end": int(self.end),
                "end_year": int(self.end_year), "sources": list(self.sources)}


def panel_info(panel: pd.DataFrame) -> PanelInfo:
    """The :class:`PanelInfo` of a panel; raises :class:`InputError` for a frame that is not one.

    A frame is a panel when its ``attrs`` name a known unit and it has the key columns of
    that unit (``ccode, year`` or ``ccode1, ccode2, year``).
    """
    import pandas as pd

    if not isinstance(panel, pd.DataFrame):
        raise InputError(f"expected a panel (a pandas DataFrame), got {type(panel).__name__}")
    attrs = getattr(panel, "attrs", {}) or {}
    unit = attrs.get("unit")
    if unit not in UNITS:
        raise InputError("not a powergap panel (its attrs carry no unit); build one with "
                         "powergap.state_years() or powergap.dyad_years()")
    keys = ["ccode1", "ccode2", "year"] if unit != "state_year" else ["ccode", "year"]
    missing = [k for k in keys if k not in panel.columns]
    if missing:
        raise InputError(f"{UNIT_LABEL[unit]} must keep its key columns; missing {', '.join(missing)}")
    try:
        return PanelInfo(unit=unit, system=str(attrs.get("system", "cow")), start=int(attrs["start"]),
                         end=int(attrs["end"]), end_year=int(attrs["end_year"]),
                         sources=tuple(attrs.get("sources", ())))
    except (KeyError, TypeError, ValueError):
        raise InputError("panel attrs are incomplete (need unit, system, start, end, end_year, sources)") from None


def with_info(frame: pd.DataFrame, info: PanelInfo, *, add_sources: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """Set ``frame.attrs`` from ``info``, appending new source keys (each once, in order)."""
    sources = list(info.sources)
    for key in add_sources:
        if key not in sources:
            sources.append(key)
    frame.attrs = {**info.attrs(), "sources": sources}
    return frame


# ----------------------------------------------------------------------------- the system

@dataclass(frozen=True)
class _System:
    """Every state-year and directed dyad-year of one system up to ``end_year`` (cached)."""

    end_year: int
    state_ccode: np.ndarray  # int16, sorted by (ccode, year)
    state_year: np.ndarray  # int16
    dyad_ccode1: np.ndarray  # int16, sorted by (ccode1, ccode2, year)
    dyad_ccode2: np.ndarray  # int16
    dyad_year: np.ndarray  # int16


LIST_END = (2016, 12, 31)  # last day of COW State System Membership v2016 (states.LIST_END)


def _day_numbers(year, month, day) -> np.ndarray:
    """Days since 1970-01-01 of calendar dates given as integer arrays."""
    months = (np.asarray(year, dtype=np.int64) - 1970) * 12 + (np.asarray(month, dtype=np.int64) - 1)
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + np.asarray(day, dtype=np.int64) - 1


def _spells(end_year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """COW membership spells as (ccode, first day, last day) arrays, read with pyarrow (no
    pandas), with the end-year rule of :func:`powergap.states.membership`: spells open on
    the list's last day run to 31 December of ``end_year``; an ``end_year`` before 2016
    drops spells that start after it and cuts the others at its last day.
    (tests/test_panels.py checks these arrays against ``membership()``.)"""
    from ..snapshot.store import TABLE_PREFIX, default_store, read_arrow
    from .join import column_numpy

    store = default_store()
    if "cow_states" not in store.catalog.get("tables", {}):
        raise DataError("snapshot has no table 'cow_states'")
    cols = ["ccode", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"]
    t = read_arrow(store.checked(f"{TABLE_PREFIX}cow_states.parquet"), columns=cols)
    a = {c: column_numpy(t, c) for c in cols}
    cc = a["ccode"].astype(np.int64)
    start = _day_numbers(a["styear"], a["stmonth"], a["stday"])
    end = _day_numbers(a["endyear"], a["endmonth"], a["endday"])
    list_end = _day_numbers(*LIST_END)
    cap = _day_numbers(end_year, 12, 31)
    if end_year > LIST_END[0]:
        end = np.where(end == list_end, cap, end)
    elif end_year < LIST_END[0]:
        keep = start <= cap
        cc, start, end = cc[keep], start[keep], np.minimum(end[keep], cap)
    return cc, start, end


def _year_bounds(years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers of 1 January and 31 December of each year."""
    jan1 = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    dec31 = (years + 1 - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64) - 1
    return jan1, dec31


def _expand_spells(cc: np.ndarray, start: np.ndarray, end: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One row per spell and calendar year it touches: ccode, year, first and last member day
    of that spell within that year (as day numbers)."""
    sy = start.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    ey = end.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    n = np.maximum(ey - sy + 1, 0)
    which = np.repeat(np.arange(len(cc)), n)
    offset = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    year = sy[which] + offset
    jan1, dec31 = _year_bounds(year)
    return cc[which], year, np.maximum(start[which], jan1), np.minimum(end[which], dec31)


@functools.lru_cache(maxsize=8)
def _system_cached(snapshot: str, system: str, end_year: int) -> _System:
    cc, year, first, last = _expand_spells(*_spells(end_year))
    if len(cc) and (cc.min() < 0 or cc.max() >= MAX_CCODE or year.min() < FIRST_YEAR):
        raise InputError("membership spells hold codes or years outside the COW range")

    # State-years: a state is a member in a year when any of its spells touches the year.
    skey = _sorted_unique(cc * _YEAR_SPAN + (year - FIRST_YEAR))
    state_ccode = (skey // _YEAR_SPAN).astype(np.int16)
    state_year = (skey % _YEAR_SPAN + FIRST_YEAR).astype(np.int16)

    # Dyad-years: every pair of spell-years in the same year, kept when the two states differ
    # and their spells share a day of that year. Each year's pairs are one outer product of
    # packed keys, ccode1 << 21 | ccode2 << 11 | year offset (31 bits: sorts in (ccode1,
    # ccode2, year) order and decodes with shifts), written straight into one array. Only
    # spell-years covering part of a year need the day test (full-year members always share
    # a day); pairs failing it become -1 and go after sorting, as do self-pairs. The
    # sort-unique also drops a pair found twice through two spells of one state in a year.
    order = np.argsort(year, kind="stable")
    cc, year, first, last = cc[order], year[order], first[order], last[order]
    jan1, dec31 = _year_bounds(year)
    partial = (first != jan1) | (last != dec31)
    cc32 = cc.astype(np.int32)
    key_left = (cc32 << 21) | (year - FIRST_YEAR).astype(np.int32)
    key_right = cc32 << 11
    bounds = np.flatnonzero(np.r_[True, year[1:] != year[:-1], True]) if len(year) else np.zeros(1, dtype=np.int64)
    sizes = np.diff(bounds).astype(np.int64)
    pairs = np.empty(int((sizes * sizes).sum()), dtype=np.int32)
    pos = 0
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        n = hi - lo
        block = pairs[pos:pos + n * n].reshape(n, n)
        np.bitwise_or.outer(key_left[lo:hi], key_right[lo:hi], out=block)
        block.flat[::n + 1] = -1  # a spell-year with itself
        part = np.flatnonzero(partial[lo:hi])
        if len(part):
            f, last_day = first[lo:hi], last[lo:hi]
            apart = (np.maximum(f[part][:, None], f[None, :])
                     > np.minimum(last_day[part][:, None], last_day[None, :]))  # symmetric
            i, j = np.nonzero(apart)
            block[part[i], j] = -1
            block[j, part[i]] = -1
        pos += n * n
    dkey = _sorted_unique(pairs)
    dkey = dkey[np.searchsorted(dkey, dkey.dtype.type(0)):]  # the dropped pairs (-1) sort first
    c1, c2 = dkey >> 21, (dkey >> 11) & 0x3FF  # ccodes < 1000 fit 10 bits
    differ = c1 != c2  # two spells of one state in one year pair it with itself
    if not differ.all():
        dkey, c1, c2 = dkey[differ], c1[differ], c2[differ]
    arrays = [state_ccode, state_year, c1.astype(np.int16), c2.astype(np.int16),
              ((dkey & (_YEAR_SPAN - 1)) + FIRST_YEAR).astype(np.int16)]
    for a in arrays:  # cached and handed out without copies (dyad_keys): nobody may change them
        a.flags.writeable = False
    return _System(end_year, *arrays)


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    # np.sort + a neighbour test: numpy 2's np.unique hashes first and is ~50x slower here.
    keys = np.sort(keys)
    if not len(keys):
        return keys
    first = np.empty(len(keys), dtype=bool)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    return keys[first]


def _resolve_years(system: str, start: int | None, end: int | None, end_year: int | None) -> tuple[int, int, int]:
    from ..snapshot.store import default_store

    if system not in SYSTEMS:
        raise InputError(f"unknown state system {system!r}; powergap supports: {', '.join(SYSTEMS)}")
    if end_year is None:
        end_year = default_store().end_year
    end_year = _as_year(end_year, "end_year")
    if end_year < FIRST_YEAR or end_year >= FIRST_YEAR + _YEAR_SPAN:
        raise CoverageError(f"end_year {end_year} is outside the COW state system (which starts in {FIRST_YEAR})")
    start = FIRST_YEAR if start is None else _as_year(start, "start")
    end = end_year if end is None else _as_year(end, "end")
    if start > end:
        raise InputError(f"reversed year range: start {start} is after end {end}")
    if start < FIRST_YEAR:
        raise CoverageError(f"start {start} is before the COW state system begins ({FIRST_YEAR})")
    if end > end_year:
        raise CoverageError(f"end {end} is after the panel's end year {end_year}; "
                            f"pass end_year={end} (CLI: --end-year {end}) to extend open membership spells")
    return start, end, end_year


def _as_year(value, name: str) -> int:
    from ..validate import year

    return year(value, name)  # text such as "1900" is refused, as assess() refuses it


def _system(system: str, end_year: int) -> _System:
    from ..snapshot.store import snapshot_dir

    return _system_cached(str(snapshot_dir()), system, end_year)


def state_years(*, system: str = "cow", start: int | None = None, end: int | None = None,
                end_year: int | None = None) -> pd.DataFrame:
    """Every state-year of the state system from ``start`` to ``end``.

    A state is in year Y when one of its COW membership spells includes a day of Y. Spells
    open at the list's end (2016-12-31) run to 31 December of ``end_year`` (default: the
    snapshot's end year).

    Parameters
    ----------
    system : "cow" (Correlates of War State System Membership v2016)
    start, end : first and last year (default 1816 and ``end_year``)
    end_year : the year open spells are extended to

    Returns
    -------
    DataFrame with columns ``ccode, year`` (int16), sorted by ccode and year, whose
    ``attrs`` say ``unit="state_year"`` (see :func:`panel_info`).
    """
    import pandas as pd

    ccode, year, info = state_keys(system=system, start=start, end=end, end_year=end_year)
    return with_info(pd.DataFrame({"ccode": ccode, "year": year}), info)


def dyad_years(*, directed: bool = True, system: str = "cow", start: int | None = None,
               end: int | None = None, end_year: int | None = None) -> pd.DataFrame:
    """Every dyad-year of the state system from ``start`` to ``end``.

    (A, B, Y) is a dyad-year when A != B, both are members in year Y and their membership
    spells share at least one day of Y (see the module docstring). For 1816-2016 this gives
    the same rows as ``peacesciencer::create_dyadyears(directed = TRUE, mry = FALSE)``:
    1,912,290 directed dyad-years, or 956,145 non-directed ones (``ccode1 < ccode2``).

    Parameters
    ----------
    directed : True for both orders of each pair, False for ``ccode1 < ccode2`` only
    system : "cow"
    start, end : first and last year (default 1816 and ``end_year``)
    end_year : the year open spells are extended to (default: the snapshot's end year)

    Returns
    -------
    DataFrame with columns ``ccode1, ccode2, year`` (int16), sorted in that order, whose
    ``attrs`` give the unit (``dyad_year_directed`` or ``dyad_year_nondirected``).
    """
    import pandas as pd

    c1, c2, y, info = dyad_keys(directed=directed, system=system, start=start, end=end, end_year=end_year)
    return with_info(pd.DataFrame({"ccode1": c1, "ccode2": c2, "year": y}), info)


def state_keys(*, system: str = "cow", start: int | None = None, end: int | None = None,
               end_year: int | None = None) -> tuple[np.ndarray, np.ndarray, PanelInfo]:
    """The key columns (ccode, year; int16, sorted) and :class:`PanelInfo` of
    :func:`state_years`, as numpy arrays (no pandas)."""
    start, end, end_year = _resolve_years(system, start, end, end_year)
    sysd = _system(system, end_year)
    keep = (sysd.state_year >= start) & (sysd.state_year <= end)
    info = PanelInfo("state_year", system, start, end, end_year, (SYSTEM_SOURCE[system],))
    return sysd.state_ccode[keep], sysd.state_year[keep], info


def dyad_keys(*, directed: bool = True, system: str = "cow", start: int | None = None, end: int | None = None,
              end_year: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, PanelInfo]:
    """The key columns (ccode1, ccode2, year; int16, sorted) and :class:`PanelInfo` of
    :func:`dyad_years`, as numpy arrays (no pandas)."""
    from ..validate import flag

    directed = flag(directed, "directed")
    start, end, end_year = _resolve_years(system, start, end, end_year)
    sysd = _system(system, end_year)
    c1, c2, y = sysd.dyad_ccode1, sysd.dyad_ccode2, sysd.dyad_year
    keep = None if start <= FIRST_YEAR and end >= end_year else (y >= start) & (y <= end)
    if not directed:
        keep = (c1 < c2) if keep is None else keep & (c1 < c2)
    if keep is not None:
        c1, c2, y = c1[keep], c2[keep], y[keep]
    unit = "dyad_year_directed" if directed else "dyad_year_nondirected"
    return c1, c2, y, PanelInfo(unit, system, start, end, end_year, (SYSTEM_SOURCE[system],))
