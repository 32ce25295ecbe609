"""Who depends on whom: trade, its composition, arms and investment for a pair of states.

Pure formulas (tested on hand-made panels):

* :func:`dependence_share`, :func:`asymmetry`, :func:`barbieri` (salience, symmetry,
  interdependence), :func:`concentration` / :func:`concentration_by_year` (Herfindahl
  and Hirschman), :func:`partner_rank`, :func:`trade_intensity`;
* arms: :func:`sipri_window`, :func:`arms_import_shares`,
  :func:`world_export_shares`, :func:`supplier_hhi`.

The snapshot layer picks one trade source per year (IMF DOTS 1960-2020 with mirror
imports, then CEPII BACI for China-Russia 2017-2023 over WDI/WTO merchandise totals, then
COW 1870-2014, then curated figures over WDI/WTO totals), the two directions always from
one source and the totals from the one the source's documentation names, and keeps that
source with each value:
:func:`trade_dependence` (the flat frame other modules use) and the public
:func:`dependence` (everything, with ``.to_dict()``/``.to_json()`` in the shape of issue 5
item 8). Missing stays missing: a year without data has NaN and a ``note``, never 0.
Definitions, precedence and sources: ``docs/relations.md``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError, PowergapError
from .evidence import TRADE_ORDER, TRADE_PARTIAL, TRADE_TEXT, share
from .alignment import (_store, check_years, clean_tree, dyad_frame, has_series, has_table, resolve_states, state_frame,
                        source_of, state_year_values)

if TYPE_CHECKING:  # pragma: no cover
    from ..snapshot.store import Snapshot
    from ..states import State

WINDOW = 5  # SIPRI reports arms transfers over five-year periods


# ============================================================================ formulas: trade

def dependence_share(trade_ab: Any, total_a: Any) -> np.ndarray:
    """D_A|B = T_AB / T_A (or T_AB / GDP_A): A's dependence on B.

    Hirschman (1945); Keohane & Nye's "sensitivity" read as a trade share; the GDP form is
    Oneal and Russett's. NaN where the denominator is missing or not positive.
    """
    return share(trade_ab, total_a)


def asymmetry(d_ab: Any, d_ba: Any) -> tuple[np.ndarray, np.ndarray]:
    """Asymmetry of dependence: ratio D_A|B / D_B|A and difference D_A|B - D_B|A.

    A ratio above 1 (difference above 0) means A depends more on B than B on A. The ratio
    is NaN when D_B|A is 0 or missing.
    """
    a, b = np.asarray(d_ab, dtype=float), np.asarray(d_ba, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(b > 0, a / b, np.nan)
    return ratio, a - b


def barbieri(d_ab: Any, d_ba: Any) -> dict[str, np.ndarray]:
    """Barbieri's (1996, *JPR* 33(1): 29-49) trade salience, symmetry and interdependence.

    salience = sqrt(D_A|B D_B|A); symmetry = 1 - |D_A|B - D_B|A|;
    interdependence = salience x symmetry (dependence as trade shares).
    """
    a, b = np.asarray(d_ab, dtype=float), np.asarray(d_ba, dtype=float)
    with np.errstate(invalid="ignore"):
        salience = np.sqrt(a * b)
    symmetry = 1.0 - np.abs(a - b)
    return {"salience": salience, "symmetry": symmetry, "interdependence": salience * symmetry}


def concentration(values: Sequence[float]) -> dict[str, float]:
    """Partner (or supplier) concentration of one set of flows.

    With shares s_k = v_k / sum(v): HHI = sum s_k^2 (Herfindahl form, 0..1) and Hirschman's
    index H = 100 sqrt(sum s_k^2) (Hirschman 1945: 100 = a single partner). Flows that are
    missing or zero are not partners. NaN for no flows.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return {"hhi": float("nan"), "hirschman": float("nan"), "n_partners": 0}
    s = v / v.sum()
    hhi = float(np.sum(s * s))
    return {"hhi": hhi, "hirschman": 100.0 * float(np.sqrt(hhi)), "n_partners": int(v.size)}


def _positive(flows: pd.DataFrame, *cols: str) -> tuple[np.ndarray, ...]:
    """The rows of ``flows`` with a positive value (NaN and values <= 0 are not flows):
    ``value`` as floats, then the columns ``cols``, as arrays in the frame's order."""
    v = pd.to_numeric(flows["value"], errors="coerce").to_numpy(dtype=float)
    keep = ~np.isnan(v) & (v > 0)
    return (v[keep], *(flows[c].to_numpy()[keep] for c in cols))


def concentration_by_year(flows: pd.DataFrame) -> pd.DataFrame:
    """:func:`concentration` per year of a ``year, partner, value`` frame (vectorised: one
    pass of sums over the rows, years in ascending order)."""
    v, yr = _positive(flows, "year")
    if not v.size:
        return pd.DataFrame({"year": pd.Series(dtype="int64"), "hhi": pd.Series(dtype=float),
                             "hirschman": pd.Series(dtype=float), "n_partners": pd.Series(dtype="int64")})
    years, at = np.unique(yr, return_inverse=True)
    hhi, n = _grouped_hhi(v, at, len(years))
    return pd.DataFrame({"year": years, "hhi": hhi, "hirschman": 100.0 * np.sqrt(hhi), "n_partners": n})


def _grouped_hhi(v: np.ndarray, group: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`concentration`'s HHI of the positive flows ``v`` of each group (``group``: its
    index, 0..n_groups-1; flows summed in their order) and the number of flows; NaN for a
    group without any."""
    total = np.bincount(group, weights=v, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        hhi = np.bincount(group, weights=(v / total[group]) ** 2, minlength=n_groups)
    n = np.bincount(group, minlength=n_groups).astype("int64")
    return np.where(n > 0, hhi, np.nan), n


def partner_rank(flows: pd.DataFrame, partner: int) -> pd.DataFrame:
    """Rank of ``partner`` among a state's partners per year (1 = largest flow).

    ``flows``: ``year, partner, value``. Ties share the best rank ("min" method: 1 + the
    number of larger flows that year). Years where ``partner`` has no positive flow are left
    out. Columns ``year, rank, n_partners``, in the order of ``partner``'s rows.
    """
    v, yr, who = _positive(flows, "year", "partner")
    if not v.size:
        return pd.DataFrame({"year": pd.Series(dtype="int64"), "rank": pd.Series(dtype="int64"),
                             "n_partners": pd.Series(dtype="int64")})
    _, at = np.unique(yr, return_inverse=True)
    mine = np.flatnonzero(who == partner)
    rank = np.array([1 + np.count_nonzero((at == at[i]) & (v > v[i])) for i in mine], dtype="int64")
    return pd.DataFrame({"year": yr[mine], "rank": rank, "n_partners": np.bincount(at)[at[mine]].astype("int64")})


def trade_intensity(x_ab: Any, x_a: Any, x_wb: Any, x_w: Any) -> np.ndarray:
    """Trade intensity index TII_AB = (x_AB / X_A) / (x_wB / X_w).

    x_AB: A's exports to B; X_A: A's total exports; x_wB: the world's exports to B; X_w:
    world exports. Above 1, A exports more to B than B's weight in world imports would
    predict (WITS/WTO-UNCTAD *Practical Guide to Trade Policy Analysis*, ch. 1).
    """
    num = dependence_share(x_ab, x_a)
    den = dependence_share(x_wb, x_w)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, np.nan)


def partner_flows(exports: pd.DataFrame, ccode: int) -> pd.DataFrame:
    """A state's trade with each partner from a directed export table.

    ``exports``: ``ccode1`` (exporter), ``ccode2`` (importer), ``year``, ``value``. Returns
    ``year, partner, exports, imports, value`` with imports the partner's exports to the
    state (mirror) and value = exports + imports, summing the directions that are reported;
    sorted by year and partner.
    """
    c1, c2, yr = (exports[c].to_numpy() for c in ("ccode1", "ccode2", "year"))
    v = exports["value"].to_numpy()
    out_, in_ = c1 == ccode, c2 == ccode
    keys = np.concatenate([np.stack([yr[out_], c2[out_]], 1), np.stack([yr[in_], c1[in_]], 1)])
    if v.dtype.kind != "f" or keys.dtype.kind not in "iu":
        return _partner_flows_merge(exports, ccode)
    # one integer per year-partner (sorted as year, then partner): np.unique on rows is slower
    lo = keys.min(axis=0) if len(keys) else np.zeros(2, dtype=np.int64)
    span = int(keys[:, 1].max() - lo[1] + 1) if len(keys) else 1
    flat = (keys[:, 0].astype(np.int64) - lo[0]) * span + (keys[:, 1].astype(np.int64) - lo[1])
    uniq, at = np.unique(flat, return_inverse=True)
    cells = np.stack([uniq // span + lo[0], uniq % span + lo[1]], 1).astype(keys.dtype)
    n_out = int(out_.sum())
    if len(np.unique(at[:n_out])) < n_out or len(np.unique(at[n_out:])) < len(at) - n_out:
        return _partner_flows_merge(exports, ccode)  # a year-partner given twice: the merge's rows
    ex, im = np.full(len(cells), np.nan), np.full(len(cells), np.nan)
    ex[at[:n_out]], im[at[n_out:]] = v[out_], v[in_]
    value = np.where(np.isnan(ex) & np.isnan(im), np.nan, np.where(np.isnan(ex), 0.0, ex) + np.where(np.isnan(im), 0.0, im))
    return pd.DataFrame({"year": cells[:, 0], "partner": cells[:, 1], "exports": ex, "imports": im, "value": value})


def _partner_flows_merge(exports: pd.DataFrame, ccode: int) -> pd.DataFrame:
    """:func:`partner_flows` as an outer merge of the two directions (any column types, and
    every combination where a year-partner is given twice)."""
    out_ = exports.loc[exports["ccode1"] == ccode, ["year", "ccode2", "value"]].rename(
        columns={"ccode2": "partner", "value": "exports"})
    in_ = exports.loc[exports["ccode2"] == ccode, ["year", "ccode1", "value"]].rename(
        columns={"ccode1": "partner", "value": "imports"})
    f = out_.merge(in_, on=["year", "partner"], how="outer")
    f["value"] = f[["exports", "imports"]].sum(axis=1, min_count=1)
    return f.sort_values(["year", "partner"]).reset_index(drop=True)


# ============================================================================ formulas: arms

def sipri_window(year: int, *, width: int = WINDOW) -> tuple[int, int]:
    """The fixed SIPRI period holding ``year``: 2020-2024, 2015-2019, ... (ending in 4 or 9)."""
    first = year - ((year - 2020) % width)
    return first, first + width - 1


def arms_import_shares(transfers: pd.DataFrame, recipient: int, supplier: int, *, first_year: int,
                       last_year: int, total_imports: pd.Series | None = None,
                       width: int = WINDOW) -> pd.DataFrame:
    """``supplier``'s share of ``recipient``'s arms imports (SIPRI TIV), yearly and over
    rolling ``width``-year windows, with the recipient's supplier concentration.

    ``transfers``: ``ccode1`` (supplier), ``ccode2`` (recipient), ``year``, ``value``; a
    supplier-recipient-year absent inside [``first_year``, ``last_year``] means no recorded
    delivery (SIPRI lists deliveries). ``total_imports`` (Series by year), when given, is
    the recipient's total including suppliers without a state code (non-state actors,
    unknown); otherwise the total is the sum over state suppliers.

    share = sum_{window} TIV(supplier -> recipient) / sum_{window} TIV(all -> recipient);
    HHI over the recipient's state suppliers in the window. Columns ``year, share,
    share_5y, supplier_hhi, supplier_hhi_5y, imports, imports_5y`` (0 when the recipient
    imported nothing inside the coverage: it received nothing from the supplier either;
    NaN for a window reaching outside the coverage).
    """
    years = np.arange(first_year, last_year + 1)
    supplier_rows, yr, val = _received(transfers, recipient, first_year, last_year)
    # received[k, t]: TIV from the k-th supplier (ascending codes) in year first_year + t
    suppliers, at = np.unique(supplier_rows, return_inverse=True)
    received = np.zeros((len(suppliers), len(years)))
    np.add.at(received, (at, yr - first_year), val)
    from_sup = received[suppliers == supplier].sum(axis=0)
    state_total = received.sum(axis=0)
    total = state_total
    if total_imports is not None:
        ti = total_imports.reindex(years).to_numpy(dtype=float)
        # a published total below the sum of its own parts would be a vintage mismatch:
        # never let it push a share above 1
        total = np.fmax(np.where(np.isnan(ti), state_total, ti), state_total)
    from_5y, total_5y = _rolling_sum(from_sup, width), _rolling_sum(total, width)
    with np.errstate(invalid="ignore"):
        share_1 = np.where(total == 0, 0.0, dependence_share(from_sup, total))
        share_5 = np.where(total_5y == 0, 0.0, dependence_share(from_5y, total_5y))
    return pd.DataFrame({
        "year": years, "share": share_1, "share_5y": share_5,
        "supplier_hhi": _hhi_by_column(received), "supplier_hhi_5y": _hhi_by_column(_rolling_sum(received, width)),
        "imports": total, "imports_5y": total_5y, "from_supplier": from_sup, "from_supplier_5y": from_5y})


def _received(transfers: pd.DataFrame, recipient: int, first_year: int, last_year: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Supplier codes, years and TIV of ``recipient``'s deliveries inside the years (a
    missing TIV counts as none)."""
    yr = transfers["year"].to_numpy()
    keep = (transfers["ccode2"].to_numpy() == recipient) & (yr >= first_year) & (yr <= last_year)
    val = pd.to_numeric(transfers["value"], errors="coerce").to_numpy(dtype=float)[keep]
    return transfers["ccode1"].to_numpy()[keep], yr[keep].astype(np.int64), np.where(np.isnan(val), 0.0, val)


def _rolling_sum(x: np.ndarray, width: int) -> np.ndarray:
    """Sums over the ``width`` columns (years) ending at each column of ``x`` (last axis);
    NaN where the window starts before the first column."""
    x = np.asarray(x, dtype=float)
    out = np.full(x.shape, np.nan)
    n = x.shape[-1]
    if n >= width:
        acc = x[..., 0:n - width + 1].copy()
        for k in range(1, width):
            acc += x[..., k:n - width + 1 + k]
        out[..., width - 1:] = acc
    return out


def _hhi_by_column(flows: np.ndarray) -> np.ndarray:
    """:func:`concentration`'s HHI of each column of a (partners x years) matrix: positive
    flows only; NaN for a column without any (or with a NaN window)."""
    row, col = np.nonzero(flows > 0)  # row by row: each column's flows in partner order
    return _grouped_hhi(flows[row, col], col, flows.shape[1])[0]


def world_export_shares(exports: pd.DataFrame, world: pd.Series, ccodes: Sequence[int], *,
                        first_year: int, last_year: int, width: int = WINDOW) -> pd.DataFrame:
    """Each state's share of world arms exports, yearly and over rolling windows.

    ``exports``: ``ccode, year, value`` (TIV; absent = none delivered inside the coverage);
    ``world``: world TIV by year (all suppliers, incl. non-state). share =
    sum_{window} TIV(state) / sum_{window} TIV(world). Columns ``ccode, year, share,
    share_5y``.
    """
    years = np.arange(first_year, last_year + 1)
    w = world.reindex(years)
    w5 = w.rolling(width, min_periods=width).sum()
    rows = []
    for cc in ccodes:
        x = exports[exports["ccode"] == cc].groupby("year")["value"].sum().reindex(years, fill_value=0.0)
        x5 = x.rolling(width, min_periods=width).sum()
        rows.append(pd.DataFrame({"ccode": cc, "year": years, "share": dependence_share(x, w),
                                  "share_5y": dependence_share(x5, w5)}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["ccode", "year", "share", "share_5y"])


def supplier_hhi(transfers: pd.DataFrame, recipient: int, years: tuple[int, int]) -> float:
    """HHI of ``recipient``'s state suppliers over the years ``years`` (inclusive)."""
    f = transfers[(transfers["ccode2"] == recipient) & transfers["year"].between(*years)]
    return concentration(f.groupby("ccode1")["value"].sum().to_numpy())["hhi"]


# ============================================================================ snapshot layer: trade

@dataclass(frozen=True)
class TradeSourceSpec:
    """One trade source in the precedence chain, with the national totals that match it."""

    label: str
    dyadic: str                # directed exports, ccode1 -> ccode2
    exports_total: str | None  # national merchandise exports (to the world)
    imports_total: str | None  # national merchandise imports; None = mirror (partners' exports)
    description: str


_TRADE_DESCRIPTIONS = {
    "dots": "IMF DOTS exports (FOB) as reported by each exporter; imports = the world's exports to the state (mirror)",
    "baci": "CEPII BACI flows (China-Russia only, 2017-2023) over WDI/WTO merchandise exports + imports",
    "cow": "COW Trade v4.0 dyadic flows and national totals"}
# the order lives with the one trade function (powergap.measures.evidence.trade_shares)
TRADE_SOURCES = tuple(TradeSourceSpec(*spec, _TRADE_DESCRIPTIONS[spec[0]]) for spec in TRADE_ORDER)
COMBINED_TRADE = "trade_exports_usd"


@functools.lru_cache(maxsize=8)
def _trade_frame(store: "Snapshot", label: str) -> pd.DataFrame | None:
    spec = next(s for s in TRADE_SOURCES if s.label == label)
    if has_series(store, spec.dyadic):
        df = dyad_frame(store, spec.dyadic)
    elif has_series(store, COMBINED_TRADE):
        # only the combined series: its rows from this source (matched on the source key)
        df = dyad_frame(store, COMBINED_TRADE)
        df = df[df["source"].str.contains(label, case=False, regex=False)]
        if df.empty:
            return None
    else:
        return None
    return df[["ccode1", "ccode2", "year", "value", "source"]]


@functools.lru_cache(maxsize=8)
def _world_exports(store: "Snapshot", label: str) -> pd.Series:
    """World exports (sum over every directed pair) by year, in one source: only the year and
    value columns of the series are read (the snapshot's rows, whatever view ``store`` is)."""
    spec = next(s for s in TRADE_SOURCES if s.label == label)
    if (has_series(store, spec.dyadic) and not store.series_meta(spec.dyadic).get("symmetric")
            and hasattr(store, "rows")):
        t = store.rows(spec.dyadic, columns=["year", "value"]).to_pandas()
        return t["value"].astype("float64").groupby(t["year"].astype("int64")).sum()
    df = _trade_frame(store, label)
    return df.groupby("year")["value"].sum()


def _rows_involving(store: "Snapshot", series_id: str, codes: tuple[int, ...]) -> pd.DataFrame:
    """Rows of a dyadic series with one of ``codes`` on either side (at least): the snapshot
    reads only those; a view already scoped to its states (``evidence.Scoped``, the report's
    claim store) gives its own rows, which hold them."""
    try:
        return store.series(series_id, involving=codes)
    except TypeError:  # a scoped view: no ``involving`` argument
        return store.series(series_id)


@functools.lru_cache(maxsize=64)
def _state_sums(store: "Snapshot", label: str, ccode: int,
                pair: tuple[int, ...]) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """A state's summed exports to and imports from (mirror) all partners by year, and its
    rows of the source (``ccode1 == ccode`` or ``ccode2 == ccode``), in one source; ``pair``:
    the codes of the question (``ccode`` among them), whose rows are read together."""
    spec = next(s for s in TRADE_SOURCES if s.label == label)
    if has_series(store, spec.dyadic):
        df = _rows_involving(store, spec.dyadic, pair)[["ccode1", "ccode2", "year", "value", "source"]]
    else:
        df = _trade_frame(store, label)
    rows = df[(df["ccode1"] == ccode) | (df["ccode2"] == ccode)]
    ex = rows[rows["ccode1"] == ccode].groupby("year")["value"].sum()
    im = rows[rows["ccode2"] == ccode].groupby("year")["value"].sum()
    return ex, im, rows


def _has_trade(store: "Snapshot", label: str) -> bool:
    spec = next(s for s in TRADE_SOURCES if s.label == label)
    return has_series(store, spec.dyadic) or _trade_frame(store, label) is not None


def _lookup(s: pd.Series, key: Any) -> float:
    try:
        v = s.loc[key]
    except KeyError:
        return float("nan")
    return float(v)


@functools.lru_cache(maxsize=4)
def _product_table(store: "Snapshot") -> pd.DataFrame | None:
    try:
        from ..sources.products import product_trade
        df = product_trade(store)
    except (ImportError, PowergapError):
        return None
    if df.empty:
        return None
    # one source only (they overlap): BACI HS6 first, then OEC, then WITS
    for key in ("cepii_baci", "baci"):
        if (df["source"] == key).any():
            return df[df["source"] == key]
    first = sorted(df["source"].unique())[0]
    return df[df["source"] == first]


TRADE_COLUMNS = ["year", "a_on_b_share", "a_on_b_gdp", "b_on_a_share", "b_on_a_gdp", "asymmetry_ratio",
                 "asymmetry_diff", "source_trade", "source_total"]


def _trade_year_rows(store: "Snapshot", sa: "State", sb: "State", years: list[int], *,
                     intensity: bool = True) -> pd.DataFrame:
    """Per year: the chosen source, flows, totals, GDP and all trade measures (both ways);
    ``intensity=False`` leaves trade intensity missing (it needs the world's exports).

    Flows, totals and shares come from :func:`powergap.measures.evidence.trade_shares` (the
    one definition the assessment and the claims use too), GDP from
    :func:`powergap.measures.evidence.state_values`; this adds GDP shares, trade intensity
    and, for years no source covers, product-table flows (reported as flows only: never
    divided by a total from another source). Built on arrays, one frame at the end: the
    claims check asks it for one year at a time.
    """
    from .evidence import state_values, trade_shares

    a, b = sa.ccode, sb.ccode
    yy = np.asarray(years, dtype=np.int64)
    n = len(yy)
    ts = trade_shares(store, np.full(n, a), np.full(n, b), yy)
    # copies: product-table flows fill years no source covers
    x_ab, x_ba, trade = (np.array(v, dtype=float) for v in (ts.x_ab, ts.x_ba, ts.trade))
    source_trade = np.array(ts.source, dtype=object)
    gdp_a = state_values(store, "gdp_usd", np.full(n, a), yy)
    gdp_b = state_values(store, "gdp_usd", np.full(n, b), yy)
    int_ab, int_ba = np.full(n, np.nan), np.full(n, np.nan)
    note = np.full(n, "", dtype=object)
    product = None
    for i, y in enumerate(years):
        lab = ts.label[i]
        if lab in ("dots", "cow"):
            if not intensity:
                continue
            world = _lookup(_world_exports(store, lab), y)
            pair = (min(a, b), max(a, b))
            (ex_a, im_a), (ex_b, im_b) = [(_lookup(_state_sums(store, lab, c, pair)[0], y),
                                           _lookup(_state_sums(store, lab, c, pair)[1], y)) for c in (a, b)]
            int_ab[i] = float(trade_intensity(ts.x_ab[i], ex_a, im_b, world))
            int_ba[i] = float(trade_intensity(ts.x_ba[i], ex_b, im_a, world))
            continue
        if lab is None:
            if product is None:
                product = _product_table(store)
            if product is not None:
                p = product[product["year"] == y]
                f_ab = p.loc[(p["exporter"] == a) & (p["importer"] == b), "value_usd"]
                f_ba = p.loc[(p["exporter"] == b) & (p["importer"] == a), "value_usd"]
                if len(f_ab) and len(f_ba):
                    x_ab[i], x_ba[i] = float(f_ab.sum()), float(f_ba.sum())
                    trade[i] = float(f_ab.sum()) + float(f_ba.sum())
                    source_trade[i] = f"{p['source'].iloc[0]} (sum of product flows)"
        if not np.isfinite(trade[i]):
            note[i] = (("no bilateral trade figure with both directions in one source: neither IMF DOTS "
                        "(1960-2020) nor COW (1870-2014) reports the pair in both directions this year")
                       if y <= 2020 else
                       ("no bilateral trade figure with both directions in one source after IMF DOTS "
                        "(ends 2020): only China-Russia has one (CEPII BACI 2017-2023, curated customs "
                        "figures after)"))
        elif not np.isfinite(ts.share_ab[i]) or not np.isfinite(ts.share_ba[i]):
            who = [s.label for s, tot in ((sa, ts.total_a), (sb, ts.total_b)) if not np.isfinite(tot[i])]
            note[i] = ("bilateral flows from product data only: no total in the same source, no trade share"
                       if lab is None else
                       f"no total-trade figure for {' and '.join(who)} in this year: trade share unavailable")
    ratio, diff = asymmetry(ts.share_ab, ts.share_ba)
    return pd.DataFrame({
        "year": yy, "exports_ab_usd": x_ab, "exports_ba_usd": x_ba, "trade_usd": trade,
        "total_a_usd": ts.total_a, "total_b_usd": ts.total_b, "source_trade": source_trade,
        "source_total": ts.source_total_a, "source_total_b": ts.source_total_b, "curated": ts.curated,
        "citation": ts.citation, "fact_ids": ts.fact_ids, "gdp_a_usd": gdp_a, "gdp_b_usd": gdp_b,
        "source_gdp": source_of(store, "gdp_usd"), "intensity_ab": int_ab, "intensity_ba": int_ba, "note": note,
        "source_label": ts.label, "a_on_b_share": ts.share_ab, "b_on_a_share": ts.share_ba,
        "a_on_b_gdp": dependence_share(trade, gdp_a), "b_on_a_gdp": dependence_share(trade, gdp_b),
        "asymmetry_ratio": ratio, "asymmetry_diff": diff, **barbieri(ts.share_ab, ts.share_ba)})


def _partner_measures(store: "Snapshot", ccode: int, partner: int, chosen: pd.Series) -> pd.DataFrame:
    """Rank of ``partner`` and the state's partner concentration, in each year's chosen source."""
    parts = []
    for spec in TRADE_SOURCES:
        yrs = chosen[chosen == spec.label].index
        # a source holding a few pairs cannot rank partners or measure concentration
        if len(yrs) == 0 or spec.label in TRADE_PARTIAL or not _has_trade(store, spec.label):
            continue
        rows = _state_sums(store, spec.label, ccode, (min(ccode, partner), max(ccode, partner)))[2]
        pf = partner_flows(rows[rows["year"].isin(yrs)], ccode)[["year", "partner", "value"]]
        conc = concentration_by_year(pf)
        rank = partner_rank(pf, partner)[["year", "rank"]]
        parts.append(conc.merge(rank, on="year", how="left"))
    if not parts:
        return pd.DataFrame(columns=["year", "hhi", "hirschman", "n_partners", "rank"])
    return pd.concat(parts, ignore_index=True)


def trade_dependence(a: "str | int | State", b: "str | int | State", *, start: int | None = None,
                     end: int | None = None, store: "Snapshot | None" = None) -> pd.DataFrame:
    """Trade dependence of ``a`` on ``b`` and of ``b`` on ``a``, year by year.

    Columns (NaN where missing, never 0): ``year``; ``a_on_b_share`` = T_AB / T_A;
    ``a_on_b_gdp`` = T_AB / GDP_A; ``b_on_a_share``, ``b_on_a_gdp``; ``asymmetry_ratio`` =
    a_on_b_share / b_on_a_share; ``asymmetry_diff`` = a_on_b_share - b_on_a_share;
    ``source_trade`` (source of T_AB) and ``source_total`` (source of T_A); then
    ``source_total_b``, ``exports_ab_usd``, ``exports_ba_usd``, ``trade_usd``,
    ``total_a_usd``, ``total_b_usd``, ``gdp_a_usd``, ``gdp_b_usd``, Barbieri's
    ``salience``, ``symmetry``, ``interdependence``, ``intensity_ab``/``intensity_ba``
    (trade intensity of A's exports to B and B's to A), ``curated`` (bool), ``citation``,
    ``fact_ids``, ``note``.

    T_AB = exports A->B + exports B->A (imports of A from B taken as B's exports to A:
    mirror). Per year, the first source in (IMF DOTS, CEPII BACI, COW) with both directions
    is used for the flows, both states' totals and the intensity aggregates. DOTS totals:
    exports to the world as reported + the partners' exports to the state; COW: national
    totals; BACI (China-Russia only): WDI/WTO merchandise exports + imports, and no
    intensity, partner rank or concentration (one pair is not a partner list). Years no
    dataset covers use curated figures over WDI/WTO totals (``curated`` = True, with the
    citation). ``source_label`` names the rule ("dots", "baci", "cow", "curated").
    """
    store = _store(store)
    sa, sb = resolve_states(a, b)
    start, end = check_years(start, end, store)
    years = list(range(start, end + 1))
    out = _trade_year_rows(store, sa, sb, years)
    first = ["year", "a_on_b_share", "a_on_b_gdp", "b_on_a_share", "b_on_a_gdp", "asymmetry_ratio",
             "asymmetry_diff", "source_trade", "source_total"]
    return out[first + [c for c in out.columns if c not in first]]


# ============================================================================ snapshot layer: the rest

ARMS_DYADIC = "arms_transfers_tiv"
ARMS_IMPORTS = ("arms_imports_tiv_sipri", "arms_imports_tiv")
ARMS_EXPORTS = ("arms_exports_tiv_sipri", "arms_exports_tiv")


def _first_series(store: "Snapshot", ids: Sequence[str]) -> str | None:
    return next((s for s in ids if has_series(store, s)), None)


def _coverage(store: "Snapshot", sid: str) -> tuple[int, int]:
    meta = store.series_meta(sid)
    return int(meta.get("coverage_first_year", meta["first_year"])), int(meta.get("coverage_last_year", meta["last_year"]))


@functools.lru_cache(maxsize=4)
def world_arms_exports(store: "Snapshot") -> tuple[pd.Series, str] | None:
    """World arms exports (TIV) by year and where they come from.

    The ``arms_world_totals`` table (all suppliers incl. non-state and unknown) when the
    snapshot has it; else the sum of the state-year export series over states (a slight
    undercount: non-state suppliers are left out)."""
    if has_table(store, "arms_world_totals"):
        t = store.table("arms_world_totals")
        col = "world_tiv" if "world_tiv" in t.columns else [c for c in t.columns if c != "year"][0]
        return t.set_index("year")[col].astype(float).sort_index(), "table arms_world_totals"
    sid = _first_series(store, ARMS_EXPORTS)
    if sid is None:
        return None
    df = state_frame(store, sid)
    return df.groupby("year")["value"].sum().astype(float), f"sum of {sid} over states"


def arms_export_shares(ccodes: Sequence["str | int | State"], *, start: int, end: int,
                       store: "Snapshot | None" = None) -> pd.DataFrame:
    """Shares of world arms exports (SIPRI TIV) per year and over the rolling five years
    ending in each year: columns ``ccode, state, year, share, share_5y``."""
    store = _store(store)
    states = resolve_states(*ccodes)
    start, end = check_years(start, end, store)
    sid = _first_series(store, ARMS_EXPORTS)
    world = world_arms_exports(store)
    if sid is None or world is None:
        from ..errors import CoverageError

        raise CoverageError("the snapshot has no arms-export series (arms_exports_tiv_sipri)")
    lo, hi = _coverage(store, sid)
    first, last = max(lo, start - WINDOW + 1), min(hi, end)
    if first > last:
        return pd.DataFrame(columns=["ccode", "state", "year", "share", "share_5y"])
    ex = state_frame(store, sid)
    res = world_export_shares(ex, world[0], [s.ccode for s in states], first_year=first, last_year=last)
    res = res[res["year"].between(start, end)]
    res.insert(1, "state", res["ccode"].map({s.ccode: s.label for s in states}))
    return res.reset_index(drop=True)


def arms_window_shares(ccodes: Sequence["str | int | State"], window: tuple[int, int], *,
                       store: "Snapshot | None" = None) -> dict[str, float]:
    """Shares of world arms exports over one period (e.g. SIPRI's 2020-2024), by state label."""
    store = _store(store)
    states = resolve_states(*ccodes)
    sid = _first_series(store, ARMS_EXPORTS)
    world = world_arms_exports(store)
    if sid is None or world is None:
        from ..errors import CoverageError

        raise CoverageError("the snapshot has no arms-export series (arms_exports_tiv_sipri)")
    lo, hi = window
    w = world[0].reindex(range(lo, hi + 1))
    if w.isna().any():
        from ..errors import CoverageError

        raise CoverageError(f"world arms exports are not available for every year {lo}-{hi}")
    ex = state_frame(store, sid)
    ex = ex[ex["year"].between(lo, hi)]
    tot = float(w.sum())
    return {s.label: float(ex.loc[ex["ccode"] == s.ccode, "value"].sum()) / tot for s in states}


@functools.lru_cache(maxsize=32)
def _arms_side(store: "Snapshot", recipient: int, supplier: int) -> pd.DataFrame | None:
    """:func:`arms_import_shares` over the whole coverage of the arms data (cached)."""
    if not has_series(store, ARMS_DYADIC):
        return None
    first, last = _coverage(store, ARMS_DYADIC)
    tr = dyad_frame(store, ARMS_DYADIC)
    tot_id = _first_series(store, ARMS_IMPORTS)
    tot = None
    if tot_id is not None:
        t = state_frame(store, tot_id)
        tot = t[t["ccode"] == recipient].set_index("year")["value"]
    out = arms_import_shares(tr, recipient, supplier, first_year=first, last_year=last, total_imports=tot)
    # the shares themselves from the one definition the assessment uses (0 when nothing was
    # received inside SIPRI's coverage, missing outside it or outside system membership)
    from .evidence import arms_import_share

    yy = out["year"].to_numpy(dtype=np.int64)
    r, s = np.full(len(yy), recipient), np.full(len(yy), supplier)
    out["share"] = arms_import_share(store, r, s, yy, width=1)[0]
    out["share_5y"] = arms_import_share(store, r, s, yy, width=WINDOW)[0]
    return out


@functools.lru_cache(maxsize=32)
def _arms_export_side(store: "Snapshot", ccode: int) -> pd.DataFrame | None:
    """:func:`world_export_shares` of one state over the whole coverage (cached)."""
    sid = _first_series(store, ARMS_EXPORTS)
    world = world_arms_exports(store)
    if sid is None or world is None:
        return None
    lo, hi = _coverage(store, sid)
    first, last = max(lo, int(world[0].index.min())), min(hi, int(world[0].index.max()))
    if first > last:
        return None
    return world_export_shares(state_frame(store, sid), world[0], [ccode], first_year=first, last_year=last)


def _arms_windows(store: "Snapshot", sa: "State", sb: "State", start: int, end: int) -> list[dict]:
    """Fixed SIPRI periods overlapping [start, end] that the arms data cover entirely."""
    if not has_series(store, ARMS_DYADIC):
        return []
    lo, hi = _coverage(store, ARMS_DYADIC)
    out = []
    first = sipri_window(max(start, lo))[0]
    while first <= end:
        w = (first, first + WINDOW - 1)
        first += WINDOW
        if w[0] < lo or w[1] > hi:
            continue
        rec: dict[str, Any] = {"window": list(w)}
        for tag, (rcp, sup) in (("a_on_b", (sa.ccode, sb.ccode)), ("b_on_a", (sb.ccode, sa.ccode))):
            res = _arms_side(store, rcp, sup)
            row = res[res["year"] == w[1]].iloc[0] if res is not None and (res["year"] == w[1]).any() else None
            exp = _arms_export_side(store, rcp)
            erow = exp[exp["year"] == w[1]] if exp is not None else None
            rec[tag] = {
                "arms_import_share": None if row is None else row["share_5y"],
                "arms_supplier_hhi": None if row is None else row["supplier_hhi_5y"],
                "arms_imports_tiv": None if row is None else row["imports_5y"],
                "arms_imports_from_other_tiv": None if row is None else row["from_supplier_5y"],
                "arms_world_export_share": None if erow is None or erow.empty else erow["share_5y"].iloc[0],
            }
        out.append(rec)
    return out


def _composition(store: "Snapshot", sa: "State", sb: "State", years: list[int]) -> pd.DataFrame:
    """Raw-material share of each side's exports to the other and machinery shares of its
    imports from the other, from the product table (one source); NaN where none."""
    out = pd.DataFrame({"year": years})
    cols = ["exports_raw_material_share", "imports_machinery_share_84_85", "imports_machinery_share_84_90"]
    for side in ("a", "b"):
        for c in cols:
            out[f"{side}_{c}"] = np.nan
    out["product_source"] = None
    product = _product_table(store)
    if product is None:
        return out
    try:
        from ..sources.products import hs_groups
        groups = hs_groups()
    except (ImportError, PowergapError):
        return out
    # hs_group_share's formula (value in the group's chapters / all value) for each
    # direction and year, on arrays: the pair's rows only, the chapter read once for the
    # three groups (a missing value counts as none)
    a, b = sa.ccode, sb.ccode
    ex, im, yr = (product[c].to_numpy() for c in ("exporter", "importer", "year"))
    yy = np.asarray(years, dtype=np.int64)
    rows = np.flatnonzero((((ex == a) & (im == b)) | ((ex == b) & (im == a))) & np.isin(yr, yy))
    if not rows.size:
        return out
    chapter = product["product"].to_numpy()[rows].astype(str).astype("U2")
    value = product["value_usd"].to_numpy(dtype=float)[rows]
    value = np.where(np.isnan(value), 0.0, value)
    n = len(yy)
    order = np.argsort(yy, kind="stable")
    cell = np.where(ex[rows] == a, 0, n) + order[np.searchsorted(yy, yr[rows], sorter=order)]  # a->b, then b->a
    total = np.bincount(cell, weights=value, minlength=2 * n)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = {group: np.where(total > 0, np.bincount(cell, weights=np.where(np.isin(chapter, groups[group].chapters),
                                                                                value, 0.0), minlength=2 * n) / total,
                                  np.nan)
                  for group in ("raw_materials", "machinery", "machinery_instruments")}
    for side, (mine, other) in (("a", (slice(0, n), slice(n, 2 * n))), ("b", (slice(n, 2 * n), slice(0, n)))):
        out[f"{side}_exports_raw_material_share"] = shares["raw_materials"][mine]
        out[f"{side}_imports_machinery_share_84_85"] = shares["machinery"][other]
        out[f"{side}_imports_machinery_share_84_90"] = shares["machinery_instruments"][other]
    have = np.zeros(n, dtype=bool)
    have[cell % n] = True
    source = product["source"].to_numpy()[rows[0]]
    out["product_source"] = [source if h else None for h in have]
    return out


def _investment(store: "Snapshot", host: "State", investor: "State", years: list[int], gdp_host: pd.Series) -> pd.DataFrame:
    out = pd.DataFrame({"year": years})
    pos = state_pos = None
    pos = _dyad_values(store, "fdi_position_usd", investor.ccode, host.ccode, years)
    out["fdi_position_usd"] = pos
    out["fdi_position_gdp"] = dependence_share(pos, gdp_host.reindex(years).to_numpy())
    state_pos = state_year_values(store, "fdi_inward_stock_usd", host.ccode, years)["value"].to_numpy()
    out["fdi_position_inward_share"] = dependence_share(pos, state_pos)
    out["cgit_investment_usd"] = _dyad_values(store, "cgit_investment_usd", investor.ccode, host.ccode, years)
    return out


def _dyad_values(store: "Snapshot", sid: str, c1: int, c2: int, years: list[int]) -> np.ndarray:
    from .alignment import dyad_year_values

    return dyad_year_values(store, sid, c1, c2, years)["value"].to_numpy()


def _attach(frame: pd.DataFrame, part: pd.DataFrame) -> pd.DataFrame:
    """``frame.merge(part, on="year", how="left")`` for a ``part`` with one row per year (a
    reindex on the years, without the merge's key matching); any other part is merged."""
    by_year = part.set_index("year")
    if not by_year.index.is_unique:
        return frame.merge(part, on="year", how="left")
    got = by_year.reindex(frame["year"].to_numpy())
    return pd.concat([frame, got.reset_index(drop=True)], axis=1)


@dataclass
class DependenceResult:
    """Dependence of ``a`` on ``b`` and of ``b`` on ``a``, year by year.

    ``frame``: one row per year, flat columns (trade from :func:`trade_dependence`, partner
    rank and concentration, composition, arms, investment); ``arms_windows``: fixed SIPRI
    periods; ``to_dict()`` nests them per issue 5 item 8.
    """

    a: "State"
    b: "State"
    start: int
    end: int
    frame: pd.DataFrame
    arms_windows: list[dict] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def _side(self, r: dict, side: str) -> dict:
        o = "b" if side == "a" else "a"
        d = "ab" if side == "a" else "ba"
        share = "a_on_b" if side == "a" else "b_on_a"
        return {
            "trade_share": r[f"{share}_share"], "trade_gdp": r[f"{share}_gdp"],
            "source": r["source_trade"], "source_total": r["source_total" if side == "a" else "source_total_b"],
            "exports_usd": r[f"exports_{d}_usd"], "imports_usd": r[f"exports_{d[::-1]}_usd"],
            "total_trade_usd": r[f"total_{side}_usd"], "gdp_usd": r[f"gdp_{side}_usd"],
            "partner_rank": r[f"rank_{o}_in_{side}"], "n_partners": r[f"n_partners_{side}"],
            "partner_hhi": r[f"hhi_{side}"], "partner_hirschman": r[f"hirschman_{side}"],
            "trade_intensity": r[f"intensity_{d}"],
            "exports_raw_material_share": r[f"{side}_exports_raw_material_share"],
            "imports_machinery_share_84_85": r[f"{side}_imports_machinery_share_84_85"],
            "imports_machinery_share_84_90": r[f"{side}_imports_machinery_share_84_90"],
            "composition_proxy_wdi": {"fuel_exports_pct": r[f"{side}_fuel_exports_pct"],
                                      "ores_metals_exports_pct": r[f"{side}_ores_metals_exports_pct"]},
            "arms_import_share": r[f"{side}_arms_import_share"],
            "arms_import_share_5y": r[f"{side}_arms_import_share_5y"],
            "arms_supplier_hhi_5y": r[f"{side}_arms_supplier_hhi_5y"],
            "arms_world_export_share": r[f"{side}_arms_world_export_share"],
            "arms_world_export_share_5y": r[f"{side}_arms_world_export_share_5y"],
            "fdi_position_usd": r[f"{side}_fdi_position_usd"],
            "fdi_position_gdp": r[f"{side}_fdi_position_gdp"],
            "fdi_position_inward_share": r[f"{side}_fdi_position_inward_share"],
            "cgit_investment_usd": r[f"{side}_cgit_investment_usd"],
        }

    def to_dict(self) -> dict:
        years = []
        for r in self.frame.to_dict("records"):
            years.append({
                "year": int(r["year"]),
                "a_on_b": self._side(r, "a"),
                "b_on_a": self._side(r, "b"),
                "asymmetry_ratio": r["asymmetry_ratio"], "asymmetry_diff": r["asymmetry_diff"],
                "salience": r["salience"], "symmetry": r["symmetry"], "interdependence": r["interdependence"],
                "trade_usd": r["trade_usd"],
                "trade_source": TRADE_TEXT.get(r["source_label"]) if r["source_label"] else None,
                "arms_import_share_5y": r["a_arms_import_share_5y"],
                "product_source": r["product_source"],
                "curated": bool(r["curated"]), "citation": r["citation"], "fact_ids": r["fact_ids"],
                "note": r["note"] or None,
            })
        return clean_tree({
            "a": self.a.label, "b": self.b.label, "a_name": self.a.name, "b_name": self.b.name,
            "start": self.start, "end": self.end,
            "definitions": {
                "trade_share": "T_AB / T_A: trade with the partner (exports + imports, imports = partner's "
                               "exports: mirror) over own total merchandise trade",
                "trade_source": "the year's trade source rule: bilateral flows (both directions) and totals "
                                "(docs/relations.md, 'Trade sources by year')",
                "trade_gdp": "T_AB / GDP (current US$)",
                "asymmetry_ratio": "a_on_b.trade_share / b_on_a.trade_share",
                "asymmetry_diff": "a_on_b.trade_share - b_on_a.trade_share",
                "salience": "Barbieri: sqrt(D_AB * D_BA)", "symmetry": "Barbieri: 1 - |D_AB - D_BA|",
                "interdependence": "Barbieri: salience * symmetry",
                "partner_rank": "rank of the other state among this state's partners by total trade (1 = first)",
                "partner_hhi": "Herfindahl of this state's partner shares of total trade (0..1)",
                "partner_hirschman": "Hirschman: 100 * sqrt(HHI)",
                "trade_intensity": "(x_AB / X_A) / (x_wB / X_w) for this state's exports to the other",
                "exports_raw_material_share": "share of HS 25-27, 44, 47, 72, 74-76, 78-81 in exports to the other "
                                              "(product data)",
                "imports_machinery_share_84_85": "share of HS 84-85 in imports from the other (product data)",
                "imports_machinery_share_84_90": "share of HS 84-90 in imports from the other (product data)",
                "composition_proxy_wdi": "proxy: WDI fuel and ores-and-metals shares of ALL merchandise exports "
                                         "(0-100), not of exports to the other",
                "arms_import_share": "the other state's share of this state's arms imports (SIPRI TIV), year",
                "arms_import_share_5y": "the same over the five years ending in the year",
                "arms_supplier_hhi_5y": "Herfindahl of this state's arms suppliers over the five years",
                "arms_world_export_share": "this state's share of world arms exports (TIV), year",
                "arms_world_export_share_5y": "the same over the five years ending in the year",
                "fdi_position_usd": "direct-investment position of the other state in this one (IMF DIP)",
                "fdi_position_gdp": "fdi_position_usd / this state's GDP",
                "fdi_position_inward_share": "fdi_position_usd / this state's inward FDI stock",
                "cgit_investment_usd": "AEI China Global Investment Tracker flows from the other state (China only)",
                "year.arms_import_share_5y": "the same as a_on_b.arms_import_share_5y",
            },
            "years": years,
            "arms_windows": self.arms_windows,
            "sources": self.sources,
            "notes": self.notes,
        })

    def to_json(self, **kwargs: Any) -> str:
        kwargs.setdefault("indent", 1)
        return json.dumps(self.to_dict(), **kwargs)


def dependence(a: "str | int | State", b: "str | int | State", *, start: int | None = None,
               end: int | None = None, store: "Snapshot | None" = None, intensity: bool = True) -> DependenceResult:
    """Every dependence indicator for ``a`` on ``b`` and ``b`` on ``a``, year by year.

    Trade (:func:`trade_dependence`), partner rank and concentration, trade intensity,
    composition (product data where they exist, else the WDI proxy), arms (SIPRI TIV:
    shares of imports from the other yearly and over five years, supplier concentration,
    shares of world exports), investment (IMF direct-investment positions, AEI CGIT).
    ``start`` defaults to 1946 and ``end`` to the snapshot's end year. ``intensity=False``
    leaves trade intensity missing: it sums the world's exports, which a caller that does
    not show it (the report) need not read.
    """
    store = _store(store)
    sa, sb = resolve_states(a, b)
    start, end = check_years(start, end, store)
    years = list(range(start, end + 1))
    frame = _trade_year_rows(store, sa, sb, years, intensity=intensity)
    notes: list[str] = []
    sources: dict[str, str] = {}

    # partner rank and concentration in the year's chosen source
    src_label = frame.set_index("year")["source_label"]
    for side, me, other in (("a", sa, sb), ("b", sb, sa)):
        pm = _partner_measures(store, me.ccode, other.ccode, src_label)
        pm = pm.rename(columns={"hhi": f"hhi_{side}", "hirschman": f"hirschman_{side}",
                                "n_partners": f"n_partners_{side}", "rank": f"rank_{'b' if side == 'a' else 'a'}_in_{side}"})
        frame = _attach(frame, pm)

    frame = _attach(frame, _composition(store, sa, sb, years))
    for side, st in (("a", sa), ("b", sb)):
        for sid in ("fuel_exports_pct", "ores_metals_exports_pct"):
            frame[f"{side}_{sid}"] = state_year_values(store, sid, st.ccode, years)["value"].to_numpy()

    # arms
    for side, (rcp, sup) in (("a", (sa, sb)), ("b", (sb, sa))):
        res = _arms_side(store, rcp.ccode, sup.ccode)
        cols = {"share": f"{side}_arms_import_share", "share_5y": f"{side}_arms_import_share_5y",
                "supplier_hhi_5y": f"{side}_arms_supplier_hhi_5y"}
        if res is None:
            for c in cols.values():
                frame[c] = np.nan
        else:
            frame = _attach(frame, res[["year", *cols]].rename(columns=cols))
        exp = _arms_export_side(store, rcp.ccode)
        ecols = {"share": f"{side}_arms_world_export_share", "share_5y": f"{side}_arms_world_export_share_5y"}
        if exp is None:
            for c in ecols.values():
                frame[c] = np.nan
        else:
            frame = _attach(frame, exp[["year", *ecols]].rename(columns=ecols))

    # investment: the other state's position in this one
    for side, (host, inv) in (("a", (sa, sb)), ("b", (sb, sa))):
        gdp = frame.set_index("year")[f"gdp_{side}_usd"]
        inv_df = _investment(store, host, inv, years, gdp)
        inv_df = inv_df.rename(columns={c: f"{side}_{c}" for c in inv_df.columns if c != "year"})
        frame = _attach(frame, inv_df)

    for sid in ("trade_exports_usd_dots", "trade_exports_usd_baci", "trade_exports_usd_cow", "merch_exports_usd_dots",
                "merch_exports_usd_wto", "merch_imports_usd_wto", "merch_exports_usd_cow", "merch_imports_usd_cow",
                "gdp_usd", ARMS_DYADIC, *ARMS_IMPORTS, *ARMS_EXPORTS, "fdi_position_usd",
                "fdi_inward_stock_usd", "cgit_investment_usd", "fuel_exports_pct", "ores_metals_exports_pct"):
        if has_series(store, sid):
            sources[sid] = source_of(store, sid)
    w = world_arms_exports(store)
    if w is not None:
        sources["world_arms_exports"] = w[1]
    missing = [s for s in ("trade_exports_usd_dots", "trade_exports_usd_cow", "gdp_usd", ARMS_DYADIC,
                           "fdi_position_usd") if not has_series(store, s)]
    if missing:
        notes.append(f"series not in this snapshot: {', '.join(missing)}")
    if _product_table(store) is None:
        notes.append("no product-level trade table: composition shares unavailable (WDI proxy only)")
    return DependenceResult(sa, sb, start, end, frame, _arms_windows(store, sa, sb, start, end), sources, notes)
