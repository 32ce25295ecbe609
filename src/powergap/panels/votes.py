"""UN General Assembly vote agreement for every dyad of a year, by matrix products.

For one calendar year, let Y, A and N be 0/1 matrices (states x roll calls) marking yes,
abstain and no votes. With V = Y + A + N (voted at all):

* both voted:   C = V V'
* same vote:    S = Y Y' + A A' + N N'
* one step off: H = Y A' + A Y' + A N' + N A'   (yes/abstain or abstain/no)

and since 1 - |v_a - v_b| / 2 is 1 for the same vote, 0.5 one step apart and 0 for yes
against no, the agreement of states a and b is (S + H/2) / C and the exact-match share is
S / C (methods.md 2.1; coding as in unvotes: yes = 1, abstain = 2, no = 3).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from .core import MAX_CCODE
from .join import _file_key

TABLES = ("un_votes", "un_roll_calls")


@dataclass(frozen=True)
class _Agreement:
    y0: int  # first year with roll calls
    y1: int  # last year with roll calls
    pos: np.ndarray  # int32 (n_years, MAX_CCODE): a state's row in its year's matrices, -1 if it cast no vote
    size: np.ndarray  # int64 (n_years,): states voting in the year
    offset: np.ndarray  # int64 (n_years,): start of the year's flattened matrices
    both: np.ndarray  # int32, flattened C
    agree: np.ndarray  # float64, flattened (S + H/2) / C
    exact: np.ndarray  # float64, flattened S / C


@functools.lru_cache(maxsize=4)
def _table_arrays(file_key: tuple, columns: tuple[str, ...]) -> tuple[np.ndarray, ...]:
    """Columns of a vote table as int64 arrays, read once per process and file version (each
    set of voters is then a mask, not another read of the file)."""
    from ..snapshot.store import read_arrow

    t = read_arrow(file_key[0], columns=list(columns))
    return tuple(t.column(c).to_numpy().astype(np.int64) for c in columns)


@functools.lru_cache(maxsize=4)
def _agreement_cached(votes_key: tuple, rollcalls_key: tuple, codes: tuple[int, ...] | None = None,
                      span: tuple[int, int] | None = None) -> _Agreement:
    """The year matrices for every voter, or only among ``codes``, for every year or only
    the years of ``span`` (the same numbers for those pairs and years: a pair's agreement in
    a year depends on its two rows of that year only)."""
    rcid, ccode, vote = _table_arrays(votes_key, ("rcid", "ccode", "vote"))
    if codes is not None:  # those voters' rows, in file order (as a filtered read gives them)
        keep = np.zeros(MAX_CCODE, dtype=bool)
        keep[[c for c in codes if 0 <= c < MAX_CCODE]] = True
        inside = (ccode >= 0) & (ccode < MAX_CCODE)
        sel = inside & keep[np.where(inside, ccode, 0)]
        rcid, ccode, vote = rcid[sel], ccode[sel], vote[sel]
    call_id, call_year = _table_arrays(rollcalls_key, ("rcid", "year"))
    if len(call_id) == 0:
        raise DataError("un_roll_calls is empty: no years to compute vote agreement for")
    if span is not None:
        keep = (call_year >= span[0]) & (call_year <= span[1])
        if not keep.any():
            z = np.zeros(0, dtype=np.int64)
            return _Agreement(span[0], span[0] - 1, np.full((0, MAX_CCODE), -1, dtype=np.int32), z, z,
                              np.zeros(0, dtype=np.int32), np.zeros(0), np.zeros(0))
        call_id, call_year = call_id[keep], call_year[keep]
    order = np.argsort(call_id)
    call_id, call_year = call_id[order], call_year[order]
    at = np.minimum(np.searchsorted(call_id, rcid), len(call_id) - 1)
    ok = (call_id[at] == rcid) & np.isin(vote, (1, 2, 3)) & (ccode >= 0) & (ccode < MAX_CCODE)
    rcid, ccode, vote, year = rcid[ok], ccode[ok], vote[ok], call_year[at[ok]]

    y0, y1 = int(call_year.min()), int(call_year.max())
    n_years = y1 - y0 + 1
    pos = np.full((n_years, MAX_CCODE), -1, dtype=np.int32)
    size = np.zeros(n_years, dtype=np.int64)
    both_parts, agree_parts, exact_parts = [], [], []
    order = np.argsort(year, kind="stable")
    rcid, ccode, vote, year = rcid[order], ccode[order], vote[order], year[order]
    bounds = np.searchsorted(year, np.arange(y0, y1 + 2))
    for i in range(n_years):
        lo, hi = bounds[i], bounds[i + 1]
        if lo == hi:
            continue
        states, srow = np.unique(ccode[lo:hi], return_inverse=True)
        _, rcol = np.unique(rcid[lo:hi], return_inverse=True)
        n_s, n_r = len(states), int(rcol.max()) + 1
        onehot = np.zeros((3, n_s, n_r), dtype=np.float64)
        onehot[vote[lo:hi] - 1, srow, rcol] = 1.0
        yes, abst, no = onehot
        voted = yes + abst + no
        both = voted @ voted.T
        same = yes @ yes.T + abst @ abst.T + no @ no.T
        step = yes @ abst.T + abst @ no.T
        step = step + step.T
        with np.errstate(invalid="ignore", divide="ignore"):
            agree = np.where(both > 0, (same + 0.5 * step) / both, np.nan)
            exact = np.where(both > 0, same / both, np.nan)
        pos[i, states] = np.arange(n_s, dtype=np.int32)
        size[i] = n_s
        both_parts.append(np.rint(both).astype(np.int32).ravel())
        agree_parts.append(agree.ravel())
        exact_parts.append(exact.ravel())
    offset = np.concatenate([[0], np.cumsum(size ** 2)[:-1]]).astype(np.int64)
    cat = (lambda parts, dt: np.concatenate(parts) if parts else np.zeros(0, dtype=dt))
    return _Agreement(y0, y1, pos, size, offset, cat(both_parts, np.int32), cat(agree_parts, np.float64),
                      cat(exact_parts, np.float64))


def _table_path(store, name: str):
    from ..snapshot.store import TABLE_PREFIX

    if name not in store.catalog.get("tables", {}):
        raise DataError(f"add_votes needs table {name}, which the snapshot at {store.path} does not hold; "
                        f"rebuild it with the unvotes source (powergap data build)")
    return store.checked(f"{TABLE_PREFIX}{name}.parquet")  # missing or corrupted: one DataError


def vote_agreement(store, ccode1: np.ndarray, ccode2: np.ndarray, year: np.ndarray, *, only=None
                   ) -> tuple[np.ndarray, np.ndarray, pd.arrays.IntegerArray, list[str]]:
    """Agreement, exact agreement, number of common votes (nullable integers) and the
    source keys, for each dyad-year given. ``only`` (COW codes, every code in the query
    among them) limits the computation to those voters: faster for a few states."""
    paths = [_table_path(store, t) for t in TABLES]
    c1, c2 = np.asarray(ccode1, dtype=np.int64), np.asarray(ccode2, dtype=np.int64)
    codes = None if only is None else tuple(sorted({int(c) for c in only} | set(np.unique(c1).tolist())
                                                   | set(np.unique(c2).tolist())))
    yy = np.asarray(year, dtype=np.int64)
    span = (int(yy.min()), int(yy.max())) if len(yy) else None
    ag = _agreement_cached(_file_key(paths[0]), _file_key(paths[1]), codes, span)
    yi = yy - ag.y0
    covered = (yi >= 0) & (yi <= ag.y1 - ag.y0)
    agree = np.full(len(c1), np.nan)
    exact = np.full(len(c1), np.nan)
    n = np.zeros(len(c1), dtype=np.int32)
    idx = np.flatnonzero(covered)
    p1, p2 = ag.pos[yi[idx], c1[idx]], ag.pos[yi[idx], c2[idx]]
    voted = (p1 >= 0) & (p2 >= 0)
    idx, p1, p2 = idx[voted], p1[voted], p2[voted]
    flat = ag.offset[yi[idx]] + p1 * ag.size[yi[idx]] + p2
    agree[idx], exact[idx], n[idx] = ag.agree[flat], ag.exact[flat], ag.both[flat]
    n_votes = pd.arrays.IntegerArray(n, ~covered)
    sources = []
    for t in TABLES:
        key = store.catalog["tables"][t].get("source")
        if key and key not in sources:
            sources.append(key)
    return agree, exact, n_votes, sources


def year_matrices(store, year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every voter of one calendar year: COW codes (sorted), the agreement matrix and the
    matrix of roll calls both voted on (empty arrays for a year without roll calls)."""
    paths = [_table_path(store, t) for t in TABLES]
    ag = _agreement_cached(_file_key(paths[0]), _file_key(paths[1]), None, None)
    i = int(year) - ag.y0
    if i < 0 or i > ag.y1 - ag.y0 or ag.size[i] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0)), np.zeros((0, 0), dtype=np.int32)
    n = int(ag.size[i])
    codes = np.flatnonzero(ag.pos[i] >= 0)
    order = ag.pos[i][codes]  # row of each code in the year's matrices
    sl = slice(int(ag.offset[i]), int(ag.offset[i]) + n * n)
    agree = ag.agree[sl].reshape(n, n)[np.ix_(order, order)]
    both = ag.both[sl].reshape(n, n)[np.ix_(order, order)]
    return codes.astype(np.int64), agree, both
