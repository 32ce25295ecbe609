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
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import CoverageError, InputError

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


def _days(values) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def _year_bounds(years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers of 1 January and 31 December of each year."""
    jan1 = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    dec31 = (years + 1 - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64) - 1
    return jan1, dec31


def _expand_spells(spells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One row per spell and calendar year it touches: ccode, year, first and last member day
    of that spell within that year (as day numbers)."""
    cc = spells["ccode"].to_numpy(dtype=np.int64)
    start, end = _days(spells["start"]), _days(spells["end"])
    sy = pd.DatetimeIndex(spells["start"]).year.to_numpy(dtype=np.int64)
    ey = pd.DatetimeIndex(spells["end"]).year.to_numpy(dtype=np.int64)
    n = np.maximum(ey - sy + 1, 0)
    which = np.repeat(np.arange(len(cc)), n)
    offset = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    year = sy[which] + offset
    jan1, dec31 = _year_bounds(year)
    return cc[which], year, np.maximum(start[which], jan1), np.minimum(end[which], dec31)


@functools.lru_cache(maxsize=8)
def _system_cached(snapshot: str, system: str, end_year: int) -> _System:
    from ..states import membership

    spells = membership(end_year)
    cc, year, first, last = _expand_spells(spells)
    if len(cc) and (cc.min() < 0 or cc.max() >= MAX_CCODE or year.min() < FIRST_YEAR):
        raise InputError("membership spells hold codes or years outside the COW range")

    # State-years: a state is a member in a year when any of its spells touches the year.
    skey = _sorted_unique(cc * _YEAR_SPAN + (year - FIRST_YEAR))
    state_ccode = (skey // _YEAR_SPAN).astype(np.int16)
    state_year = (skey % _YEAR_SPAN + FIRST_YEAR).astype(np.int16)

    # Dyad-years: every pair of spell-years in the same year (a cartesian product per year,
    # built with repeat/arange over year groups), kept when the two states differ and their
    # spells share a day of that year. Only spell-years that cover part of a year need the
    # day test; full-year members always share a day.
    order = np.argsort(year, kind="stable")
    cc, year, first, last = cc[order], year[order], first[order], last[order]
    group_start = np.flatnonzero(np.r_[True, year[1:] != year[:-1]])
    group_size = np.diff(np.r_[group_start, len(year)])
    group = np.repeat(np.arange(len(group_size)), group_size)
    n_pairs = group_size[group]  # partners of each spell-year: the size of its year group
    left = np.repeat(np.arange(len(cc), dtype=np.int32), n_pairs)
    right = (np.arange(len(left), dtype=np.int32)
             + np.repeat((group_start[group] - (np.cumsum(n_pairs) - n_pairs)).astype(np.int32), n_pairs))
    jan1, dec31 = _year_bounds(year)
    partial = (first != jan1) | (last != dec31)
    check = np.flatnonzero(partial[left] | partial[right])
    lc, rc = left[check], right[check]
    apart = np.maximum(first[lc], first[rc]) > np.minimum(last[lc], last[rc])
    keep = np.ones(len(left), dtype=bool)
    keep[check[apart]] = False
    # Packed 31-bit key, ccode1 << 21 | ccode2 << 11 | year offset, sorts in (ccode1, ccode2,
    # year) order and decodes with shifts; the sort-unique also drops a pair found twice
    # through two spells of one state touching the same year.
    cc32 = cc.astype(np.int32)
    key_left = (cc32 << 21) | (year - FIRST_YEAR).astype(np.int32)
    key_right = cc32 << 11
    dkey = _sorted_unique(key_left[left[keep]] | key_right[right[keep]])
    c1, c2 = dkey >> 21, (dkey >> 11) & 0x3FF  # ccodes < 1000 fit 10 bits
    differ = c1 != c2
    dkey, c1, c2 = dkey[differ], c1[differ], c2[differ]
    return _System(
        end_year=end_year, state_ccode=state_ccode, state_year=state_year,
        dyad_ccode1=c1.astype(np.int16), dyad_ccode2=c2.astype(np.int16),
        dyad_year=((dkey & (_YEAR_SPAN - 1)) + FIRST_YEAR).astype(np.int16),
    )


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    # np.sort + a neighbour test: numpy 2's np.unique hashes first and is ~50x slower here.
    keys = np.sort(keys)
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


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
    start, end, end_year = _resolve_years(system, start, end, end_year)
    sysd = _system(system, end_year)
    keep = (sysd.state_year >= start) & (sysd.state_year <= end)
    df = pd.DataFrame({"ccode": sysd.state_ccode[keep], "year": sysd.state_year[keep]})
    info = PanelInfo("state_year", system, start, end, end_year, (SYSTEM_SOURCE[system],))
    return with_info(df, info)


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
    from ..validate import flag

    directed = flag(directed, "directed")
    start, end, end_year = _resolve_years(system, start, end, end_year)
    sysd = _system(system, end_year)
    y = sysd.dyad_year
    keep = (y >= start) & (y <= end)
    if not directed:
        keep &= sysd.dyad_ccode1 < sysd.dyad_ccode2
    df = pd.DataFrame({"ccode1": sysd.dyad_ccode1[keep], "ccode2": sysd.dyad_ccode2[keep], "year": y[keep]})
    unit = "dyad_year_directed" if directed else "dyad_year_nondirected"
    return with_info(df, PanelInfo(unit, system, start, end, end_year, (SYSTEM_SOURCE[system],)))
