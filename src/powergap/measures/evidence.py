"""The evidence layer: one function per relational quantity, vectorised over dyad-years.

Every command that reports one of these quantities (``assess``, ``dependence``,
``alignment``, ``triangle``, the claims language, the panels and the report) takes it from
here, so the same dyad-year gives the same number everywhere:

* :func:`member` - COW system membership of state-years;
* :func:`state_values`, :func:`dyad_values`, :func:`partner_totals` - raw values with the
  one *absent means zero* rule (:func:`absent_means_zero`);
* :func:`trade_shares` - trade dependence of both sides of a dyad-year, both directions
  and both totals from one source (IMF DOTS, then CEPII BACI over WDI/WTO totals, then
  COW, then curated figures over WDI/WTO totals);
* :func:`arms_import_share` - a supplier's share of a recipient's arms imports over a
  SIPRI window;
* :func:`investment_share` - an investor's direct-investment position over the host's GDP;
* :func:`un_agreement` - UN General Assembly agreement, missing below a minimum number of
  common roll calls (:func:`min_roll_calls`); :func:`resolution_agreement` - the same on
  whole resolutions (2025, restricted builds only: a different level, never mixed in);
* :func:`alliance_tie`, :func:`independent_allies`, :func:`rivals` - ATOP alliances (Lake's
  independent alliances) and Thompson rivalries.

Inputs are arrays of COW codes and years (any mix of dyads and years); outputs are float
arrays aligned with them, NaN where the quantity is missing. Definitions and the coverage
rules: ``docs/relations.md`` and ``docs/assessment.md``.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

TRADE_DOTS = ("dots", "trade_exports_usd_dots", "merch_exports_usd_dots", "merch_imports_usd_dots_mirror")
# CEPII BACI holds China-Russia only (2017-2023): its totals are WDI/WTO merchandise trade
TRADE_BACI = ("baci", "trade_exports_usd_baci", "merch_exports_usd_wto", "merch_imports_usd_wto")
TRADE_COW = ("cow", "trade_exports_usd_cow", "merch_exports_usd_cow", "merch_imports_usd_cow")
TRADE_ORDER = (TRADE_DOTS, TRADE_BACI, TRADE_COW)  # label, directed exports, national exports, national imports
# Sources whose dyadic table holds a few pairs only: a state's total is never the sum over
# its partners there (that would be the bilateral flow itself), only the national figures.
TRADE_PARTIAL = frozenset({"baci"})
# National totals for curated bilateral figures (years no dataset covers): WDI/WTO.
TRADE_TOTALS_CURATED = ("merch_exports_usd_wto", "merch_imports_usd_wto")
# What each label means, for the output ("curated": published figures, see curated_facts.yaml)
TRADE_TEXT = {
    "dots": "IMF DOTS (both directions and both totals)",
    "baci": "bilateral: CEPII BACI; total: WDI/WTO merchandise trade",
    "cow": "COW Trade (both directions and both totals)",
    "curated": "bilateral: curated customs figures; total: WDI/WTO merchandise trade where it has the year",
}
ARMS = "arms_transfers_tiv"
ARMS_IMPORTS = ("arms_imports_tiv_sipri", "arms_imports_tiv")
FDI = "fdi_position_usd"
GDP = "gdp_usd"
ALLIANCES = ("alliance_defense", "alliance_offense", "alliance_neutral", "alliance_nonagg", "alliance_consult")
RIVALRIES = ("rivalry_td", "rivalry_tss")

# Series that list events (a delivery, a treaty): a state-year or dyad-year absent inside the
# series' coverage means none. The catalog flags most of them (``zero_within_coverage``);
# SIPRI's register-derived series are lists of deliveries too, so they follow the same rule.
EVENT_LISTS = frozenset({ARMS, *ARMS_IMPORTS, "arms_exports_tiv_sipri", "arms_exports_tiv"})


def share(part: Any, whole: Any) -> np.ndarray:
    """part / whole, NaN where the whole is missing or not positive (a dependence share:
    :func:`powergap.measures.dependence.dependence_share` is this formula)."""
    t, d = np.asarray(part, dtype=float), np.asarray(whole, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d > 0, t / d, np.nan)


# ============================================================================ store access

def _has(store, sid: str) -> bool:
    return sid in store.series_index


def sources_of(store, *sids: str) -> list[str]:
    """Source keys of the series (in order, without repeats)."""
    out: list[str] = []
    for sid in sids:
        if _has(store, sid):
            meta = store.series_meta(sid)
            for k in meta.get("sources") or [meta["source"]]:
                if k not in out:
                    out.append(k)
    return out


def coverage(store, sid: str) -> tuple[int, int] | None:
    """First and last year of a series' coverage (None: not in the snapshot)."""
    if not _has(store, sid):
        return None
    meta = store.series_meta(sid)
    first = meta.get("coverage_first_year") or meta["first_year"]
    last = meta.get("coverage_last_year") or meta["last_year"]
    return int(first), int(last)


def absent_means_zero(store, sid: str) -> bool:
    """Whether a row absent inside the coverage of ``sid`` means 0 (the series lists events)."""
    return _has(store, sid) and (bool(store.series_meta(sid).get("zero_within_coverage")) or sid in EVENT_LISTS)


def base_store(store):
    """The snapshot behind a view of it (:class:`Scoped`, the report's claim store): views
    narrow the dyadic series they read and nothing else, so caches of tables and state-year
    series are keyed on the snapshot itself and shared by every view."""
    seen = 0
    while hasattr(store, "_store") and seen < 8:  # a view keeps what it wraps in ``_store``
        store, seen = store._store, seen + 1
    return store


def snapshot_cache(maxsize: int):
    """``functools.lru_cache`` keyed on the snapshot behind the store argument (the first):
    for results that do not depend on which dyadic rows a view reads (tables, state-year
    series, pairs it holds), so the snapshot and all its views share one cached result."""
    def wrap(fn):
        cached = functools.lru_cache(maxsize=maxsize)(fn)

        @functools.wraps(fn)
        def call(store, *args, **kwargs):
            return cached(base_store(store), *args, **kwargs)

        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call
    return wrap


class Scoped:
    """The store seen by a small query: dyadic series are read only for the rows that involve
    the given states (every dyadic lookup of such a query has one of them on a side).

    One view per store and set of states: asking again gives the same object, so the caches
    keyed on a view (indices of its rows, partner totals) serve every query about those
    states (the report's sections reuse what the assessment built). The views are kept on
    the store itself and go with it."""

    _lock = threading.Lock()

    def __new__(cls, store, codes):
        key = tuple(sorted({int(c) for c in codes}))
        with cls._lock:
            attrs = getattr(store, "__dict__", None)
            # a store without attributes of its own (a plain stand-in): a view of its own
            per = attrs.setdefault("_scoped_views", {}) if isinstance(attrs, dict) else {}
            view = per.get(key)
            if view is None or type(view) is not cls:
                view = super().__new__(cls)
                view._store, view._codes = store, key
                per[key] = view
        return view

    def __init__(self, store, codes):
        pass  # set once, in __new__

    def __getattr__(self, name):
        return getattr(self._store, name)

    def series(self, series_id: str, *, directed: bool = True):
        return self._store.series(series_id, directed=directed, involving=self._codes)


def _key(c1, c2, yy) -> np.ndarray:
    return (np.asarray(c1, np.int64) * 1000 + np.asarray(c2, np.int64)) * 4096 + (np.asarray(yy, np.int64) - 1000)


@dataclass(frozen=True)
class _Index:
    keys: np.ndarray  # sorted
    values: np.ndarray
    source: np.ndarray  # object: source key of each row


def _index(keys: np.ndarray, values: np.ndarray, source: np.ndarray) -> _Index:
    order = np.argsort(keys, kind="stable")
    return _Index(keys[order], values[order], source[order])


def _find(ix: _Index, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    out = np.full(len(q), np.nan)
    hit = np.zeros(len(q), dtype=bool)
    pos = np.zeros(len(q), dtype=np.int64)
    if len(ix.keys):
        pos = np.minimum(np.searchsorted(ix.keys, q), len(ix.keys) - 1)
        hit = ix.keys[pos] == q
        out[hit] = ix.values[pos[hit]]
    return out, np.where(hit, pos, -1)


def _source_at(ix: _Index, pos: np.ndarray) -> np.ndarray:
    out = np.full(len(pos), None, dtype=object)
    ok = pos >= 0
    out[ok] = ix.source[pos[ok]]
    return out


@snapshot_cache(maxsize=128)
def _state_index(store, sid: str) -> _Index:
    d = store.series(sid)
    return _index(_key(d["ccode"].to_numpy(), 0, d["year"].to_numpy()), d["value"].to_numpy(dtype=float),
                  d["source"].astype(object).to_numpy())


@functools.lru_cache(maxsize=128)
def _dyad_index(store, sid: str) -> _Index:
    d = store.series(sid, directed=False)  # as stored: symmetric series once per pair
    c1, c2 = d["ccode1"].to_numpy(), d["ccode2"].to_numpy()
    if store.series_meta(sid).get("symmetric"):
        c1, c2 = np.minimum(c1, c2), np.maximum(c1, c2)
    return _index(_key(c1, c2, d["year"].to_numpy()), d["value"].to_numpy(dtype=float),
                  d["source"].astype(object).to_numpy())


@functools.lru_cache(maxsize=64)
def _totals_index(store, sid: str, outgoing: bool, incoming: bool) -> _Index:
    d = store.series(sid, directed=True)
    parts = []
    if outgoing:
        parts.append(d.groupby(["ccode1", "year"])["value"].sum().rename_axis(["ccode", "year"]))
    if incoming:
        parts.append(d.groupby(["ccode2", "year"])["value"].sum().rename_axis(["ccode", "year"]))
    s = pd.concat(parts).groupby(level=[0, 1]).sum()
    keys = _key(s.index.get_level_values(0).to_numpy(), 0, s.index.get_level_values(1).to_numpy())
    src = sources_of(store, sid)
    return _index(keys, s.to_numpy(dtype=float), np.full(len(keys), "+".join(src), dtype=object))


# ============================================================================ membership

@functools.lru_cache(maxsize=4)
def _member_keys(end_year: int) -> np.ndarray:
    from ..states import membership

    sp = membership(end_year)
    cc = sp["ccode"].to_numpy(np.int64)
    sy = pd.DatetimeIndex(sp["start"]).year.to_numpy(np.int64)
    ey = pd.DatetimeIndex(sp["end"]).year.to_numpy(np.int64)
    n = np.maximum(ey - sy + 1, 0)
    which = np.repeat(np.arange(len(cc)), n)
    year = sy[which] + (np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n))
    return np.unique(_key(cc[which], 0, year))


def member(store, cc: Any, yy: Any) -> np.ndarray:
    """True where state ``cc`` is a member of the COW state system in year ``yy`` (a
    membership spell touches the year; open spells run to the snapshot's last year)."""
    keys = _member_keys(int(store.end_year))
    q = _key(np.asarray(cc), 0, np.asarray(yy))
    if not len(keys):
        return np.zeros(len(q), dtype=bool)
    pos = np.minimum(np.searchsorted(keys, q), len(keys) - 1)
    return keys[pos] == q


def membership_years(ccode: int) -> list[tuple[int, int]]:
    """A state's membership spells as (first year, last year)."""
    from ..states import membership

    sp = membership()
    sp = sp[sp["ccode"] == int(ccode)]
    return [(int(s.year), int(e.year)) for s, e in zip(pd.DatetimeIndex(sp["start"]), pd.DatetimeIndex(sp["end"]))]


# ============================================================================ raw values

def _fill_zero(store, sid: str, out: np.ndarray, yy: np.ndarray, members: np.ndarray) -> np.ndarray:
    """The one absent-means-zero rule: 0 where a flagged series has no row, inside its
    coverage, for system members only; missing everywhere else."""
    if not absent_means_zero(store, sid):
        return out
    lo, hi = coverage(store, sid)
    return np.where(np.isnan(out) & (yy >= lo) & (yy <= hi) & members, 0.0, out)


def state_values(store, sid: str, cc: Any, yy: Any, *, with_source: bool = False):
    """State-year values of ``sid`` (NaN where missing; see :func:`absent_means_zero`)."""
    cc, yy = np.asarray(cc, np.int64), np.asarray(yy, np.int64)
    if not _has(store, sid):
        out = np.full(len(cc), np.nan)
        return (out, np.full(len(cc), None, dtype=object)) if with_source else out
    ix = _state_index(store, sid)
    out, pos = _find(ix, _key(cc, 0, yy))
    filled = _fill_zero(store, sid, out, yy, member(store, cc, yy))
    if not with_source:
        return filled
    src = _source_at(ix, pos)
    src[np.isnan(out) & ~np.isnan(filled)] = store.series_meta(sid).get("source")
    return filled, src


def dyad_values(store, sid: str, c1: Any, c2: Any, yy: Any, *, with_source: bool = False):
    """Dyad-year values of ``sid`` from ``c1`` to ``c2`` (symmetric series: either order)."""
    c1, c2, yy = np.asarray(c1, np.int64), np.asarray(c2, np.int64), np.asarray(yy, np.int64)
    if not _has(store, sid):
        out = np.full(len(c1), np.nan)
        return (out, np.full(len(c1), None, dtype=object)) if with_source else out
    k1, k2 = c1, c2
    if store.series_meta(sid).get("symmetric"):
        k1, k2 = np.minimum(c1, c2), np.maximum(c1, c2)
    ix = _dyad_index(store, sid)
    out, pos = _find(ix, _key(k1, k2, yy))
    filled = out
    if absent_means_zero(store, sid):
        filled = _fill_zero(store, sid, out, yy, member(store, c1, yy) & member(store, c2, yy))
    if not with_source:
        return filled
    src = _source_at(ix, pos)
    src[np.isnan(out) & ~np.isnan(filled)] = store.series_meta(sid).get("source")
    return filled, src


def partner_totals(store, sid: str, cc: Any, yy: Any, *, outgoing: bool = True, incoming: bool = True) -> np.ndarray:
    """Sum of a directed dyadic series over all partners of each state-year (outgoing rows,
    incoming rows or both). Without any partner row: 0 for a flagged series inside its
    coverage and for a member, else missing."""
    cc, yy = np.asarray(cc, np.int64), np.asarray(yy, np.int64)
    if not _has(store, sid):
        return np.full(len(cc), np.nan)
    out, _ = _find(_totals_index(store, sid, outgoing, incoming), _key(cc, 0, yy))
    return _fill_zero(store, sid, out, yy, member(store, cc, yy))


# ============================================================================ trade

@dataclass
class TradeShares:
    """Trade dependence of both sides of each dyad-year (arrays aligned with the query).

    ``share_ab`` = (exports a->b + exports b->a) / a's total trade, ``share_ba`` the same over
    b's; ``label`` is the source of the row ("dots", "cow", "curated" or None), ``source``
    the source key of the flows, ``source_total_a``/``_b`` of the totals; curated rows
    carry ``fact_ids`` and ``citation``.
    """

    x_ab: np.ndarray
    x_ba: np.ndarray
    trade: np.ndarray
    total_a: np.ndarray
    total_b: np.ndarray
    share_ab: np.ndarray
    share_ba: np.ndarray
    label: np.ndarray
    source: np.ndarray
    source_total_a: np.ndarray
    source_total_b: np.ndarray
    curated: np.ndarray
    fact_ids: np.ndarray
    citation: np.ndarray


def _national_total(store, spec, cc, yy) -> tuple[np.ndarray, np.ndarray]:
    """A state's total trade in one source: exports + imports, each the national total where
    the source reports one, else the sum over the state's partners in the dyadic data;
    with the source keys used ("a+b" when the two sides come from different keys)."""
    total = np.zeros(len(cc))
    parts = []
    dsrc = "+".join(sources_of(store, spec[1])) or None
    for col, outgoing in ((2, True), (3, False)):
        nat, src = state_values(store, spec[col], cc, yy, with_source=True)
        dy = np.full(len(cc), np.nan)
        if np.isnan(nat).any() and _has(store, spec[1]) and spec[0] not in TRADE_PARTIAL:
            dy, _ = _find(_totals_index(store, spec[1], outgoing, not outgoing), _key(cc, 0, yy))
        use = np.isfinite(nat)
        total = total + np.where(use, nat, dy)
        parts.append(pd.Series(np.where(use, src, np.where(np.isfinite(dy), dsrc, None)), dtype=object))
    ex, im = parts
    label = ex.where(ex.notna() & ((ex == im) | im.isna()), ex + "+" + im)
    label = label.where(label.notna(), im)
    return total, label.to_numpy(dtype=object)


@functools.lru_cache(maxsize=2)
def _curated_trade():
    """Curated trade facts: {(frozenset pair, year): fact} for trade_total, {(from, to, year):
    fact} for exports and {(ccode, year): fact} for trade_total_all_partners."""
    try:
        from ..curated import load_facts
        facts = load_facts()
    except Exception:  # no curated file in this installation: no curated figures
        return {}, {}, {}
    pair, directed, totals = {}, {}, {}
    for f in facts:
        if f.year is None or f.value is None:
            continue
        if f.series == "trade_total" and f.from_ccode is None and len(f.ccodes) == 2:
            pair[(f.ccodes, f.year)] = f
        elif f.series == "exports" and f.from_ccode is not None:
            directed[(f.from_ccode, f.to_ccode, f.year)] = f
        elif f.series == "trade_total_all_partners" and len(f.ccodes) == 1:
            totals[(next(iter(f.ccodes)), f.year)] = f
    return pair, directed, totals


def _wto_total(store, cc, yy) -> tuple[np.ndarray, np.ndarray]:
    """Merchandise exports + imports (WDI from WTO) of each state-year, NaN unless both are
    there; with the source key. The totals under curated bilateral figures."""
    ex, src = state_values(store, TRADE_TOTALS_CURATED[0], cc, yy, with_source=True)
    im = state_values(store, TRADE_TOTALS_CURATED[1], cc, yy)
    return ex + im, src


def _cite(f) -> str:
    return str(getattr(f, "source", None) or getattr(f, "citation", None) or "")


def trade_shares(store, c1: Any, c2: Any, yy: Any, *, curated: bool = True) -> TradeShares:
    """Trade dependence of ``c1`` on ``c2`` and of ``c2`` on ``c1`` for each dyad-year.

    Per dyad-year, the first source in (IMF DOTS, CEPII BACI, COW) that reports both
    directions gives the two flows and both states' totals (DOTS: exports to the world as
    reported + the world's exports to the state, mirror; COW: national totals; either, where
    the national total is missing, the sum over the state's partners in that source; BACI,
    which holds China-Russia only: WDI/WTO merchandise exports + imports, never a partner
    sum). A source with one direction only is passed over: the two directions never come
    from two sources. Dyad-years none covers take curated figures (``curated=True``): the
    pair's total trade (or both directed exports) over each state's WDI/WTO merchandise
    trade (else its total trade as published), labelled "curated" with the fact ids and
    citations. Shares are NaN where a figure is missing, never 0. ``TRADE_TEXT`` says what
    each label means; ``docs/relations.md`` gives the order by year.
    """
    c1, c2, yy = np.asarray(c1, np.int64), np.asarray(c2, np.int64), np.asarray(yy, np.int64)
    n = len(c1)
    x_ab, x_ba = np.full(n, np.nan), np.full(n, np.nan)
    tot_a, tot_b = np.full(n, np.nan), np.full(n, np.nan)
    label = np.full(n, None, dtype=object)
    source = np.full(n, None, dtype=object)
    src_a, src_b = np.full(n, None, dtype=object), np.full(n, None, dtype=object)
    for spec in TRADE_ORDER:
        if not _has(store, spec[1]):
            continue
        todo = np.flatnonzero(label == None)  # noqa: E711 (object array)
        if not len(todo):
            break
        ab, s_ab = dyad_values(store, spec[1], c1[todo], c2[todo], yy[todo], with_source=True)
        ba = dyad_values(store, spec[1], c2[todo], c1[todo], yy[todo])
        take = np.isfinite(ab) & np.isfinite(ba)
        rows = todo[take]
        if not len(rows):
            continue
        x_ab[rows], x_ba[rows], label[rows], source[rows] = ab[take], ba[take], spec[0], s_ab[take]
        tot_a[rows], src_a[rows] = _national_total(store, spec, c1[rows], yy[rows])
        tot_b[rows], src_b[rows] = _national_total(store, spec, c2[rows], yy[rows])
    trade = x_ab + x_ba
    is_cur = np.zeros(n, dtype=bool)
    fact_ids = np.full(n, None, dtype=object)
    cites = np.full(n, None, dtype=object)
    if curated:
        pair, directed, totals = _curated_trade()
        cand = np.zeros(n, dtype=bool)  # rows some curated fact is about (a handful of facts)
        for codes, y in pair:
            p, q = tuple(codes)
            cand |= (yy == y) & (((c1 == p) & (c2 == q)) | ((c1 == q) & (c2 == p)))
        for p, q, y in directed:
            cand |= (yy == y) & (((c1 == p) & (c2 == q)) | ((c1 == q) & (c2 == p)))
        for cc, y in totals:
            cand |= (yy == y) & ((c1 == cc) | (c2 == cc))
        rows = np.flatnonzero((label == None) & cand)  # noqa: E711
        wto_a, wto_sa = _wto_total(store, c1[rows], yy[rows])
        wto_b, wto_sb = _wto_total(store, c2[rows], yy[rows])
        for k, i in enumerate(rows):
            a, b, y = int(c1[i]), int(c2[i]), int(yy[i])
            used = []
            f = pair.get((frozenset((a, b)), y))
            e1, e2 = directed.get((a, b, y)), directed.get((b, a, y))
            if f is not None:
                trade[i] = f.value
                used.append(f)
                for fx, key in ((e1, "ab"), (e2, "ba")):
                    if fx is not None:
                        (x_ab if key == "ab" else x_ba)[i] = fx.value
                        used.append(fx)
            elif e1 is not None and e2 is not None:
                x_ab[i], x_ba[i] = e1.value, e2.value
                trade[i] = e1.value + e2.value
                used += [e1, e2]
            # totals under a curated bilateral figure: WDI/WTO merchandise trade where it has
            # the state-year (a dataset before a curated figure), else a curated national
            # total, else missing
            sides = ((a, tot_a, src_a, wto_a[k], wto_sa[k]), (b, tot_b, src_b, wto_b[k], wto_sb[k]))
            for cc, tot, src, wv, ws in sides if np.isfinite(trade[i]) else ():
                t = totals.get((cc, y))
                if np.isfinite(wv):
                    tot[i], src[i] = wv, ws
                elif t is not None:
                    tot[i], src[i] = t.value, "curated"
                    used.append(t)
            if used:
                is_cur[i] = True
                if np.isfinite(trade[i]):
                    label[i], source[i] = "curated", "curated"
                fact_ids[i] = ", ".join(dict.fromkeys(u.id for u in used))
                cites[i] = "; ".join(dict.fromkeys(_cite(u) for u in used))
    return TradeShares(x_ab, x_ba, trade, tot_a, tot_b, share(trade, tot_a), share(trade, tot_b),
                       label, source, src_a, src_b, is_cur, fact_ids, cites)


# ============================================================================ arms, investment

def arms_import_share(store, recipient: Any, supplier: Any, yy: Any, *, width: int = 5
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``supplier``'s share of ``recipient``'s arms imports (SIPRI TIV) over the ``width``
    years ending in each year: (share, TIV from the supplier, the recipient's total TIV).

    SIPRI's register lists deliveries, so inside its coverage a supplier-recipient-year
    without a row is 0 (and a recipient that received nothing at all has share 0 from every
    supplier). The total is the published national total (incl. non-state and unknown
    suppliers), never below the sum over state suppliers. Missing where the window reaches
    outside the coverage or the recipient is not a system member in the year.
    """
    r, s, yy = np.asarray(recipient, np.int64), np.asarray(supplier, np.int64), np.asarray(yy, np.int64)
    n = len(r)
    cov = coverage(store, ARMS)
    if cov is None:
        nan = np.full(n, np.nan)
        return nan, nan.copy(), nan.copy()
    tot_id = next((t for t in ARMS_IMPORTS if _has(store, t)), None)
    frm, tot = np.zeros(n), np.zeros(n)
    for k in range(width):
        y = yy - k
        f = np.nan_to_num(dyad_values(store, ARMS, s, r, y))
        by_states = np.nan_to_num(partner_totals(store, ARMS, r, y, outgoing=False, incoming=True))
        pub = np.nan_to_num(state_values(store, tot_id, r, y)) if tot_id else by_states
        frm += f
        tot += np.fmax(pub, by_states)
    inside = (yy - width + 1 >= cov[0]) & (yy <= cov[1]) & member(store, r, yy)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(tot > 0, frm / tot, 0.0)
    nan = np.nan
    return np.where(inside, share, nan), np.where(inside, frm, nan), np.where(inside, tot, nan)


def arms_received(store, recipient: Any, supplier: Any, yy: Any, *, width: int = 5) -> np.ndarray:
    """TIV delivered by ``supplier`` to ``recipient`` in the ``width`` years ending in each
    year (0 inside SIPRI's coverage when none; missing when the window is wholly outside)."""
    r, s, yy = np.asarray(recipient, np.int64), np.asarray(supplier, np.int64), np.asarray(yy, np.int64)
    cov = coverage(store, ARMS)
    if cov is None:
        return np.full(len(r), np.nan)
    tot = sum(np.nan_to_num(dyad_values(store, ARMS, s, r, yy - k)) for k in range(width))
    return np.where((yy >= cov[0]) & (yy - width + 1 <= cov[1]), tot, np.nan)


def investment_share(store, host: Any, investor: Any, yy: Any) -> tuple[np.ndarray, np.ndarray]:
    """``investor``'s direct-investment position in ``host`` (IMF DIP) over the host's GDP
    (current US$): (share, position)."""
    pos = dyad_values(store, FDI, investor, host, yy)
    return share(pos, state_values(store, GDP, host, yy)), pos


# ============================================================================ monetary anchors

MONETARY_FILE = "monetary_anchors.yaml"
MONETARY_KINDS = ("legal_tender", "par_agreement", "treasury_guarantee")
MONETARY_TEXT = {
    "legal_tender": "the anchor's currency is legal tender",
    "par_agreement": "own currency at par with the anchor's under a monetary agreement with it",
    "treasury_guarantee": "own currency pegged with the anchor's Treasury guaranteeing convertibility",
}


@dataclass(frozen=True)
class MonetarySpell:
    """One row of ``data/monetary_anchors.yaml`` with its states resolved to COW codes."""

    id: str
    state: int
    anchor: int
    first: int
    last: int
    kind: str
    citation: str
    checked: str


def load_monetary_spells(path: Any = None) -> tuple[MonetarySpell, ...]:
    """The curated monetary-anchor table (the package's, or ``path``), strictly checked: one
    line naming the row and the problem for a malformed entry."""
    from importlib import resources
    from pathlib import Path

    from ..errors import InputError, UnknownStateError
    from ..states import resolve
    from ..validate import load_yaml_text

    if path is None:
        text = resources.files("powergap").joinpath("data", MONETARY_FILE).read_text(encoding="utf-8")
        where = MONETARY_FILE
    else:
        text, where = Path(path).read_text(encoding="utf-8"), str(path)
    data = load_yaml_text(text, where)  # strict: a key given twice is refused too
    rows = data.get("spells") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise InputError(f"{where}: needs a list 'spells'")
    keys = {"id", "state", "anchor", "from", "to", "kind", "citation", "checked"}
    out, seen = [], set()
    for n, r in enumerate(rows, 1):
        label = f"{where}: spell {n} ({r.get('id', '?') if isinstance(r, dict) else '?'})"
        if not isinstance(r, dict) or set(r) != keys:
            got = sorted(r) if isinstance(r, dict) else type(r).__name__
            raise InputError(f"{label}: needs exactly the keys {', '.join(sorted(keys))} (got {got})")
        if r["id"] in seen:
            raise InputError(f"{label}: duplicate id")
        seen.add(r["id"])
        if r["kind"] not in MONETARY_KINDS:
            raise InputError(f"{label}: kind must be one of {', '.join(MONETARY_KINDS)}")
        if not all(isinstance(r[k], int) and not isinstance(r[k], bool) for k in ("from", "to")) or r["from"] > r["to"]:
            raise InputError(f"{label}: 'from' and 'to' must be whole years, from <= to")
        if not str(r["citation"]).strip():
            raise InputError(f"{label}: empty citation")
        try:
            s, a = resolve(str(r["state"])).ccode, resolve(str(r["anchor"])).ccode
        except UnknownStateError as e:
            raise InputError(f"{label}: {e}") from None
        if s == a:
            raise InputError(f"{label}: a state cannot be its own anchor")
        out.append(MonetarySpell(str(r["id"]), int(s), int(a), r["from"], r["to"], r["kind"],
                                 " ".join(str(r["citation"]).split()), str(r["checked"])))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _monetary_default() -> tuple[MonetarySpell, ...]:
    return load_monetary_spells()


def monetary_text(spell_id: str) -> str:
    """One line for a listed spell: id, kind, years and citation."""
    sp = next(s for s in _monetary_default() if s.id == spell_id)
    return f"{sp.id} ({MONETARY_TEXT[sp.kind]}, {sp.first}-{sp.last}; {sp.citation})"


def monetary_anchor(state: Any, anchor: Any, yy: Any, *, spells: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Is ``state``'s money anchored on ``anchor``'s in each year (``data/monetary_anchors.yaml``)?

    1.0 where a listed spell covers the state-anchor-year; 0.0 where a listed spell runs the
    other way (``anchor``'s money is anchored on ``state``'s: then ``state``'s is not anchored
    on ``anchor``'s); NaN elsewhere: the table lists the arrangements it names, so a pair-year
    it does not list is "no listed arrangement", not evidence of none. Returns the values and
    the spell ids (None where not listed)."""
    s, a, yy = np.asarray(state, np.int64), np.asarray(anchor, np.int64), np.asarray(yy, np.int64)
    out = np.full(len(s), np.nan)
    ids = np.full(len(s), None, dtype=object)
    for sp in spells if spells is not None else _monetary_default():
        during = (yy >= sp.first) & (yy <= sp.last)
        out[(s == sp.anchor) & (a == sp.state) & during] = 0.0
    for sp in spells if spells is not None else _monetary_default():
        hit = (s == sp.state) & (a == sp.anchor) & (yy >= sp.first) & (yy <= sp.last)
        out[hit] = 1.0
        ids[hit] = sp.id
    return out, ids


# ============================================================================ UN votes

@functools.lru_cache(maxsize=1)
def min_roll_calls() -> int:
    """The minimum number of roll calls two states both voted on for their UN agreement to
    count (``un_votes.min_roll_calls`` in ``data/assess_config.yaml``)."""
    from ..assess_core import default_config

    return int(default_config().get("un_votes", {}).get("min_roll_calls", 10))


def un_agreement(store, c1: Any, c2: Any, yy: Any, *, min_votes: int | None = None, only=None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """UN General Assembly agreement (abstention = half agreement) of each dyad-year and the
    number of roll calls both voted on; agreement is missing below ``min_votes`` common roll
    calls (default :func:`min_roll_calls`) and where either did not vote. ``only``: a set of
    COW codes holding every code queried (computes among those voters only; same numbers)."""
    from ..panels.votes import vote_agreement

    c1, c2, yy = np.asarray(c1, np.int64), np.asarray(c2, np.int64), np.asarray(yy, np.int64)
    if not all(t in store.catalog.get("tables", {}) for t in ("un_votes", "un_roll_calls")):
        return np.full(len(c1), np.nan), np.zeros(len(c1), dtype=np.int64)
    agree, _, n, _ = vote_agreement(store, c1, c2, yy, only=only)
    n = np.asarray(n.to_numpy(dtype="float64", na_value=0.0), dtype=np.int64)
    m = min_roll_calls() if min_votes is None else int(min_votes)
    return np.where(n >= max(m, 1), agree, np.nan), n


def un_agreement_all(store, year: int, *, min_votes: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of UN voters in ``year`` (ccode1 < ccode2) with :func:`un_agreement`'s
    agreement, pairs below the minimum of common roll calls left out: (ccode1, ccode2,
    agreement)."""
    from ..panels.votes import year_matrices

    if not all(t in store.catalog.get("tables", {}) for t in ("un_votes", "un_roll_calls")):
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0)
    codes, agree, both = year_matrices(store, year)
    iu = np.triu_indices(len(codes), k=1)
    m = min_roll_calls() if min_votes is None else int(min_votes)
    keep = both[iu] >= max(m, 1)
    return codes[iu[0]][keep], codes[iu[1]][keep], agree[iu][keep]


RESOLUTION_TABLES = ("un_resolution_votes", "un_resolutions")


@functools.lru_cache(maxsize=4)
def _resolution_votes(store) -> pd.DataFrame:
    """General Assembly resolution votes with their year: ``res_id, ccode, vote, year``."""
    v = store.table(RESOLUTION_TABLES[0])
    r = store.table(RESOLUTION_TABLES[1])
    r = r.loc[r["body"] == "GA", ["res_id", "year"]]
    return v.merge(r, on="res_id", how="inner")


def has_resolution_votes(store) -> bool:
    """Whether the snapshot holds the resolution-level vote tables (the ``unga_2025`` source,
    kept out of the shipped snapshot: a build with ``--include-restricted`` has them)."""
    return all(t in store.catalog.get("tables", {}) for t in RESOLUTION_TABLES)


def resolution_agreement(store, c1: Any, c2: Any, yy: Any, *, min_votes: int | None = None
                         ) -> tuple[np.ndarray, np.ndarray]:
    """UN General Assembly agreement on whole resolutions adopted by recorded vote (the
    ``unga_2025`` tables: no amendment or paragraph votes, so NOT comparable one to one with
    :func:`un_agreement` on roll calls) and the number of resolutions both voted on. Same
    formula (abstention = half agreement) and the same minimum (:func:`min_roll_calls`);
    missing below it and wherever the snapshot lacks the tables."""
    c1, c2, yy = np.asarray(c1, np.int64), np.asarray(c2, np.int64), np.asarray(yy, np.int64)
    n_out = np.zeros(len(c1), dtype=np.int64)
    out = np.full(len(c1), np.nan)
    if not has_resolution_votes(store):
        return out, n_out
    rv = _resolution_votes(store)
    m = max(min_roll_calls() if min_votes is None else int(min_votes), 1)
    for i in range(len(c1)):
        part = rv[rv["year"] == yy[i]]
        va = part.loc[part["ccode"] == c1[i], ["res_id", "vote"]]
        vb = part.loc[part["ccode"] == c2[i], ["res_id", "vote"]]
        both = va.merge(vb, on="res_id", suffixes=("_a", "_b"))
        n_out[i] = len(both)
        if len(both) >= m:
            d = np.abs(both["vote_a"].to_numpy(float) - both["vote_b"].to_numpy(float))
            out[i] = float(np.mean(1 - d / 2))
    return out, n_out


# Regions as blocks of COW country codes (the COW list numbers states region by region):
# powergap's grouping for the regional reference of UN votes; 600-699 holds North Africa and
# the Middle East (the Arab states, who vote much as a group).
REGIONS = (("Americas", 1, 199), ("Europe", 200, 399), ("Africa", 400, 599),
           ("Middle East and North Africa", 600, 699), ("Asia", 700, 899), ("Oceania", 900, 999))


def region_of(cc: Any) -> np.ndarray:
    """Index into :data:`REGIONS` of each COW code (-1 outside every block)."""
    cc = np.asarray(cc, np.int64)
    out = np.full(len(cc), -1, dtype=np.int64)
    for k, (_, lo, hi) in enumerate(REGIONS):
        out[(cc >= lo) & (cc <= hi)] = k
    return out


def region_codes(store) -> np.ndarray:
    """Every COW code that is ever a system member (the peers a region can have)."""
    return np.unique(store.table("cow_states")["ccode"].to_numpy(np.int64))


def regional_agreement(store, weak: Any, strong: Any, yy: Any, own: Any, *, min_votes: int | None = None,
                       only=None) -> tuple[np.ndarray, np.ndarray]:
    """How ``weak``'s region agrees with ``strong`` in UN General Assembly votes: per dyad-year,
    (the median of :func:`un_agreement` with ``strong`` over the other system members of
    ``weak``'s region (:data:`REGIONS`), ``weak`` and ``strong`` left out; the number of those
    peers with an agreement). ``own`` is ``weak``'s own agreement with ``strong`` in the same
    rows (NaN where missing), left out of the median. NaN median where no peer has data."""
    return _regional_median(store, weak, strong, yy, own, lambda p, s, y: un_agreement(
        store, p, s, y, min_votes=min_votes, only=only)[0])


IDEAL_FP = ("ideal_point_fp", "ideal_point_fp_q5", "ideal_point_fp_q95")


def regional_ideal_distance(store, weak: Any, strong: Any, yy: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """UN ideal points (foreign-policy roll calls, Bailey-Strezhnev-Voeten) where roll calls
    are too few: per dyad-year, (``weak``'s distance to ``strong`` at the far end of its 90%
    posterior interval, max(|q5 - theta_s|, |q95 - theta_s|); the median distance to
    ``strong`` of the other system members of ``weak``'s region, ``weak`` and ``strong`` left
    out; the number of those peers). NaN where ideal points are missing."""
    w, s, yy = np.asarray(weak, np.int64), np.asarray(strong, np.int64), np.asarray(yy, np.int64)
    if not all(_has(store, k) for k in IDEAL_FP):
        nan = np.full(len(w), np.nan)
        return nan, nan.copy(), np.zeros(len(w))
    theta = lambda c, y: state_values(store, IDEAL_FP[0], c, y)  # noqa: E731
    ts = theta(s, yy)
    far = np.fmax(np.abs(state_values(store, IDEAL_FP[1], w, yy) - ts), np.abs(state_values(store, IDEAL_FP[2], w, yy) - ts))
    far = np.where(np.isnan(ts), np.nan, far)
    med, cnt = _regional_median(store, w, s, yy, np.abs(theta(w, yy) - ts),
                                lambda p, s_, y: np.abs(theta(p, y) - theta(s_, y)))
    return far, med, cnt


def _regional_median(store, weak, strong, yy, own, peer_values) -> tuple[np.ndarray, np.ndarray]:
    """Median of ``peer_values(peer, strong, year)`` over the other system members of each
    row's ``weak``'s region, ``strong`` left out and ``own`` (``weak``'s own value) left out
    once; (median, number of peers with a value)."""
    w, s, yy = np.asarray(weak, np.int64), np.asarray(strong, np.int64), np.asarray(yy, np.int64)
    own = np.asarray(own, float)
    n = len(w)
    reg = region_of(w)
    med, cnt = np.full(n, np.nan), np.zeros(n)
    ok = reg >= 0
    if not ok.any():
        return med, cnt
    g = pd.DataFrame({"r": reg[ok], "s": s[ok], "y": yy[ok]})
    groups = g.drop_duplicates(ignore_index=True)
    codes = region_codes(store)
    peers = pd.DataFrame({"r": region_of(codes), "p": codes})
    rows = groups.reset_index().rename(columns={"index": "g"}).merge(peers, on="r")
    rows = rows[(rows["p"] != rows["s"]) & member(store, rows["p"].to_numpy(), rows["y"].to_numpy())]
    v = peer_values(rows["p"].to_numpy(), rows["s"].to_numpy(), rows["y"].to_numpy())
    rows = rows.assign(a=v).dropna(subset=["a"]).sort_values(["g", "a"], kind="stable")
    size = rows.groupby("g").size().reindex(range(len(groups)), fill_value=0).to_numpy()
    width = max(int(size.max()) if len(size) else 0, 1)
    table = np.full((len(groups), width), np.nan)
    table[rows["g"].to_numpy(), rows.groupby("g").cumcount().to_numpy()] = rows["a"].to_numpy()
    gi = g.merge(groups.reset_index().rename(columns={"index": "g"}), on=["r", "s", "y"], how="left")["g"].to_numpy()
    vals, k = table[gi], size[gi].astype(np.int64)
    x = own[ok]
    # leave the weaker's own value out (it is one of its region's values when it has one)
    drop = ~np.isnan(x) & (k > 0)
    # its position in the sorted row (searchsorted, left): the values below it (NaN pads compare False)
    with np.errstate(invalid="ignore"):
        pos = np.where(drop, (vals < np.nan_to_num(x)[:, None]).sum(axis=1), k)
    m = k - drop.astype(np.int64)
    i1, i2 = np.maximum((m - 1) // 2, 0), np.maximum(m // 2, 0)
    i1 = i1 + (i1 >= pos)
    i2 = i2 + (i2 >= pos)
    rr = np.arange(len(vals))
    with np.errstate(invalid="ignore"):
        md = np.where(m > 0, (vals[rr, np.minimum(i1, width - 1)] + vals[rr, np.minimum(i2, width - 1)]) / 2, np.nan)
    med[ok], cnt[ok] = md, m
    return med, cnt


def un_sources(store) -> list[str]:
    out = []
    for t in ("un_votes", "un_roll_calls"):
        key = store.catalog.get("tables", {}).get(t, {}).get("source")
        if key and key not in out:
            out.append(key)
    return out or ["unvotes"]


# ============================================================================ alliances, rivals

def alliance_tie(store, c1: Any, c2: Any, yy: Any, *, types: tuple[str, ...] = ALLIANCES) -> np.ndarray:
    """1 where the two states share an ATOP alliance of any of ``types`` (default: any type),
    0 where they do not (inside ATOP's coverage, both members), NaN where ATOP cannot tell."""
    out = None
    for sid in ALLIANCES:
        if sid not in types or not _has(store, sid):
            continue
        v = dyad_values(store, sid, c1, c2, yy)
        t = np.where(np.isnan(v), np.nan, (v > 0).astype(float))
        out = t if out is None else np.fmax(out, t)
    return np.full(len(np.asarray(c1)), np.nan) if out is None else out


@functools.lru_cache(maxsize=4)
def _alliance_edges(store, sids: tuple[str, ...]) -> tuple[pd.DataFrame, np.ndarray]:
    """Every ATOP alliance in force (any type), both directions: (frame ccode1, ccode2, year;
    sorted keys of the same pairs)."""
    parts = []
    for sid in sids:
        d = store.series(sid, directed=False)
        d = d[d["value"] > 0]
        parts.append(d[["ccode1", "ccode2", "year"]])
    e = pd.concat(parts, ignore_index=True)
    e = pd.concat([e, e.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})], ignore_index=True)
    e = e.drop_duplicates(ignore_index=True)
    return e, np.unique(_key(e["ccode1"].to_numpy(), e["ccode2"].to_numpy(), e["year"].to_numpy()))


def independent_allies(store, weak: Any, strong: Any, yy: Any, *, types: tuple[str, ...] = ALLIANCES
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Lake's "independent alliances" (*Hierarchy in International Relations*, 2009, ch. 3):
    per dyad-year, (the number of ``weak``'s ATOP allies (alliances of the given ``types``,
    series ids of :data:`ALLIANCES`) that are neither ``strong`` nor allied with ``strong``
    by the same types; the number of ``weak``'s allies other than ``strong``). Both are NaN
    outside ATOP's coverage or where ``weak`` is not a system member. An alliance in force
    between two states in the year counts in either direction."""
    w, s, yy = np.asarray(weak, np.int64), np.asarray(strong, np.int64), np.asarray(yy, np.int64)
    n = len(w)
    sids = [sid for sid in ALLIANCES if sid in types and _has(store, sid)]
    if not sids or not n:
        return np.full(n, np.nan), np.full(n, np.nan)
    e, edge_keys = _alliance_edges(store, tuple(sids))
    yrs = np.unique(yy)
    e = e[e["year"].isin(yrs)]
    q = pd.DataFrame({"i": np.arange(n), "ccode1": w, "s": s, "year": yy})
    m = q.merge(e, on=["ccode1", "year"], how="inner")
    m = m[m["ccode2"] != m["s"]]
    k = _key(m["ccode2"].to_numpy(), m["s"].to_numpy(), m["year"].to_numpy())
    pos = np.minimum(np.searchsorted(edge_keys, k), max(len(edge_keys) - 1, 0))
    shared = edge_keys[pos] == k if len(edge_keys) else np.zeros(len(k), dtype=bool)
    allies = np.bincount(m["i"].to_numpy(), minlength=n).astype(float)
    indep = np.bincount(m["i"].to_numpy()[~shared], minlength=n).astype(float)
    lo = min(coverage(store, sid)[0] for sid in sids)
    hi = max(coverage(store, sid)[1] for sid in sids)
    inside = (yy >= lo) & (yy <= hi) & member(store, w, yy)
    return np.where(inside, indep, np.nan), np.where(inside, allies, np.nan)


@functools.lru_cache(maxsize=4)
def _rival_frame(store) -> pd.DataFrame:
    frames = [store.series(sid, directed=True) for sid in RIVALRIES if _has(store, sid)]
    if not frames:
        return pd.DataFrame({"s": [], "year": [], "rival": []}, dtype="int64")
    d = pd.concat(frames)
    d = d[d["value"] > 0].drop_duplicates(["ccode1", "ccode2", "year"])
    return pd.DataFrame({"s": d["ccode1"].to_numpy(np.int64), "year": d["year"].to_numpy(np.int64),
                         "rival": d["ccode2"].to_numpy(np.int64)})


def rivals(store) -> pd.DataFrame:
    """Strategic rivalries by year, both directions (Thompson-Dreyer, Thompson-Sakuwa-Suhas):
    columns ``s``, ``year``, ``rival``."""
    return _rival_frame(store)


def rivalry_coverage(store) -> tuple[int, int] | None:
    cov = [coverage(store, s) for s in RIVALRIES if _has(store, s)]
    return (min(c[0] for c in cov), max(c[1] for c in cov)) if cov else None
