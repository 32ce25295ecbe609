"""Composite capability indices: CINC (publisher's rule, strict, custom weights), Beckley's
net resources, GDP ratios at market rates and PPP, and a weighted composite across
dimensions.

Sources
-------
* CINC: Singer, Bremer & Stuckey (1972); COW NMC v7.0 documentation. The publisher's rule
  (correlatesofwar.org): "summing all observations on each of the 6 capability components
  for a given year, converting each state's absolute component to a share of the
  international system, and then averaging across the 6 components"; a state missing a
  component is averaged over the components it has (methods.md section 1.1, verified to
  2.4e-8 on v6 and v7).
* Net resources: Beckley, "The Power of Nations: Measuring What Matters", *International
  Security* 43(2) 2018: 7-44, p. 18: GDP multiplied by GDP per capita (= GDP^2 / population).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from ..snapshot.store import Snapshot

NMC_COMPONENTS: tuple[str, ...] = ("nmc_milex", "milper", "irst", "pec", "tpop", "upop")
CincRule = Literal["publisher", "strict"]
GDP_BASES: dict[str, str] = {"mer": "gdp_usd", "ppp": "gdp_ppp"}


def _store(store: "Snapshot | None") -> "Snapshot":
    if store is not None:
        return store
    from ..snapshot.store import default_store

    return default_store()


def wide_state_year(series: Sequence[str], *, store: "Snapshot | None" = None,
                    ccodes: Sequence[int] | None = None) -> pd.DataFrame:
    """Snapshot state-year series as one wide frame ``ccode, year, <series>...``.

    Series absent from the snapshot raise :class:`~powergap.errors.InputError` (through the
    store's catalog lookup); a state-year without a value is NaN.
    """
    st = _store(store)
    for sid in series:
        meta = st.series_meta(sid)
        if meta.get("dyadic"):
            raise InputError(f"series {sid!r} is dyadic; a state-year series is needed here")
    sy = st.state_year_all()
    sub = sy[sy["series"].isin(list(series))]
    if ccodes is not None:
        sub = sub[sub["ccode"].isin(list(ccodes))]
    wide = (sub.pivot_table(index=["ccode", "year"], columns="series", values="value", aggfunc="first",
                            observed=True)
            .reindex(columns=list(series)))
    wide.columns.name = None
    out = wide.reset_index()
    out["ccode"] = out["ccode"].astype("int64")
    out["year"] = out["year"].astype("int64")
    return out


# ----------------------------------------------------------------------------- CINC

def cinc(components: pd.DataFrame | None = None, *, rule: CincRule = "publisher",
         weights: Mapping[str, float] | None = None, store: "Snapshot | None" = None) -> pd.DataFrame:
    """Composite Index of National Capability from the six NMC components.

    Parameters
    ----------
    components : DataFrame, optional
        Columns ``ccode, year`` and the components ``nmc_milex, milper, irst, pec, tpop,
        upop`` (NaN = missing; zeros are values). The frame *is* the state system: shares
        are of the total over its rows in each year. Default: every NMC state-year in the
        snapshot.
    rule : {"publisher", "strict"}
        ``publisher``: average over the components the state has (NMC's rule; a state with
        one component gets that share). ``strict``: NaN unless the state has every
        component (every component with positive weight, when ``weights`` are given).
    weights : mapping component -> weight, optional
        Custom non-negative weights (e.g. Korolev-style military-first: ``{"nmc_milex": 2,
        "milper": 2, "irst": 1, ...}``). Components left out weigh 0. The weights are
        renormalised over the components each state-year has:
        ``CINC_w = sum_{c in A} w_c s_c / sum_{c in A} w_c``; NaN when no positively
        weighted component is present.

    Returns
    -------
    DataFrame
        ``ccode, year, cinc, n_components`` (components present, out of those used).

    Notes
    -----
    ``s_cit = x_cit / sum_j x_cjt`` over all states ``j`` with the component non-missing
    in year ``t``; ``CINC_it = mean_{c in A_it} s_cit``, ``A_it`` the components present
    (methods.md section 1.1). Yearly sums of CINC exceed 1 when components are missing.
    ``nmc_milex`` is in pounds sterling before 1914: shares within a year are unit-free.
    The system total includes every state with the component, whatever the rule.
    """
    if rule not in ("publisher", "strict"):
        raise InputError(f"unknown CINC rule {rule!r} (choose 'publisher' or 'strict')")
    if weights is not None:
        if not isinstance(weights, Mapping) or not weights:
            raise InputError("weights must be a non-empty mapping component -> weight")
        unknown = [k for k in weights if k not in NMC_COMPONENTS]
        if unknown:
            raise InputError(f"unknown CINC component(s) {', '.join(map(str, unknown))}; "
                             f"components: {', '.join(NMC_COMPONENTS)}")
        w = {}
        for k, v in weights.items():
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not np.isfinite(v) or v < 0:
                raise InputError(f"weight for {k} must be a non-negative number, got {v!r}")
            w[k] = float(v)
        if sum(w.values()) <= 0:
            raise InputError("at least one CINC weight must be positive")
        used = [c for c in NMC_COMPONENTS if w.get(c, 0.0) > 0]
        wvec = np.array([w[c] for c in used])
    else:
        used = list(NMC_COMPONENTS)
        wvec = np.ones(len(used))

    if components is None:
        components = wide_state_year(list(NMC_COMPONENTS), store=store)
    if not isinstance(components, pd.DataFrame):
        raise InputError("components must be a DataFrame with ccode, year and the NMC components")
    need = ["ccode", "year", *used]
    missing_cols = [c for c in need if c not in components.columns]
    if missing_cols:
        raise InputError(f"components frame lacks column(s) {', '.join(missing_cols)}")
    df = components[need].copy()
    if df.duplicated(["ccode", "year"]).any():
        raise InputError("components frame has duplicate ccode-year rows")
    x = df[used].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    if (x < 0).any():
        raise InputError("NMC components must be non-negative (missing values must be NaN, not -9)")
    # System totals per year and component; NaN rows are skipped, zeros count.
    totals = pd.DataFrame(x, columns=used).groupby(df["year"].to_numpy()).transform("sum").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(totals > 0, x / totals, np.where(np.isnan(x), np.nan, 0.0))
    present = ~np.isnan(shares)
    wsum = (present * wvec).sum(axis=1)
    num = (np.where(present, shares, 0.0) * wvec).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(wsum > 0, num / wsum, np.nan)
    n_comp = present.sum(axis=1)
    if rule == "strict":
        value = np.where(n_comp == len(used), value, np.nan)
    out = pd.DataFrame({"ccode": df["ccode"].to_numpy(), "year": df["year"].to_numpy(), "cinc": value,
                        "n_components": n_comp.astype("int64")})
    return out.sort_values(["ccode", "year"], kind="stable").reset_index(drop=True)


# ----------------------------------------------------------------------------- Beckley

def net_resources(gdp: Any, population: Any) -> np.ndarray:
    """Beckley's net resources ``GDP x GDP per capita = GDP^2 / population``.

    Beckley (2018, p. 18): "multiplying GDP by GDP per capita, creating an index that
    gives equal weight to a nation's gross output and its output per person". NaN where
    either input is missing, GDP is negative or population is not positive. The unit is
    (money)^2 per person, so only ratios between states (same series, same year) mean
    anything.
    """
    g = np.asarray(gdp, dtype=float)
    p = np.asarray(population, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out = np.where((g >= 0) & (p > 0), g * (g / p), np.nan)
    return out


def net_resources_frame(*, gdp: str = "gdp_usd", population: str = "population",
                        store: "Snapshot | None" = None, ccodes: Sequence[int] | None = None) -> pd.DataFrame:
    """Beckley's net resources for every state-year in the snapshot with both inputs.

    Parameters
    ----------
    gdp, population : str
        Snapshot series ids (GDP in money, population in persons or thousands; the unit
        cancels in ratios). Default: market-rate GDP (``gdp_usd``) and ``population``;
        ``gdp="gdp_ppp"`` gives the PPP version, ``gdp="gdp_maddison",
        population="population_maddison"`` the long-run one.

    Returns
    -------
    DataFrame ``ccode, year, gdp, population, net_resources`` (rows with both inputs).
    """
    wide = wide_state_year([gdp, population], store=store, ccodes=ccodes)
    wide = wide.dropna(subset=[gdp, population]).rename(columns={gdp: "gdp", population: "population"})
    wide["net_resources"] = net_resources(wide["gdp"], wide["population"])
    return wide.reset_index(drop=True)


def gdp_ratio(a: Any, b: Any, *, basis: Literal["mer", "ppp"] = "mer", start: int | None = None,
              end: int | None = None, store: "Snapshot | None" = None) -> pd.DataFrame:
    """GDP of two states compared year by year, at market exchange rates or PPP.

    ``basis="mer"`` uses ``gdp_usd`` (current US$), ``"ppp"`` uses ``gdp_ppp`` (constant
    international $). Returns ``year, a_value, b_value, ratio, stronger, share_a`` with
    ``ratio = larger / smaller`` (>= 1), ``stronger`` the ISO3 code (None when equal or
    missing) and ``share_a = a / (a + b)``; missing years are NaN, never parity.
    """
    if basis not in GDP_BASES:
        raise InputError(f"unknown GDP basis {basis!r} (choose 'mer' or 'ppp')")
    return series_comparison(a, b, GDP_BASES[basis], start=start, end=end, store=store)


def series_comparison(a: Any, b: Any, series: str, *, direction: int = 1, start: int | None = None,
                      end: int | None = None, store: "Snapshot | None" = None) -> pd.DataFrame:
    """One state-year series compared for two states (see :func:`gdp_ratio`)."""
    from .capability import _resolve_pair, compare

    sa, sb, st = _resolve_pair(a, b, store)
    if direction not in (1, -1):
        raise InputError("direction must be +1 or -1")
    wide = wide_state_year([series], store=st, ccodes=[sa.ccode, sb.ccode])
    lo = start if start is not None else int(wide["year"].min()) if len(wide) else st.end_year
    hi = end if end is not None else st.end_year
    if lo > hi:
        raise InputError(f"start year {lo} is after end year {hi}")
    years = np.arange(lo, hi + 1)
    piv = wide.pivot(index="year", columns="ccode", values=series).reindex(years)
    va = piv.get(sa.ccode, pd.Series(np.nan, index=years)).to_numpy(dtype=float)
    vb = piv.get(sb.ccode, pd.Series(np.nan, index=years)).to_numpy(dtype=float)
    cmp = compare(va, vb, direction=direction, threshold=1.5)
    side = cmp["side"]
    stronger = np.where(side == 1, sa.label, np.where(side == -1, sb.label, None))
    return pd.DataFrame({"year": years, "a_value": va, "b_value": vb, "ratio": cmp["ratio"],
                         "stronger": pd.Series(stronger, dtype=object).where(~np.isnan(side), None),
                         "share_a": cmp["share_a"]})


# ----------------------------------------------------------------------------- weighted composite

def weighted_composite(values_a: pd.DataFrame | Mapping[str, float], values_b: pd.DataFrame | Mapping[str, float],
                       weights: Mapping[str, float], *, normalise: Literal["share", "max", "none"] = "share",
                       directions: Mapping[str, int] | None = None) -> pd.DataFrame:
    """A composite across dimensions with user weights, for one or many dyad-years.

    Parameters
    ----------
    values_a, values_b : DataFrame (rows = dyad-years, columns = dimensions) or mapping
        dimension -> value (one dyad-year). NaN = no data.
    weights : mapping dimension -> non-negative weight
        Dimensions not named weigh 0; unknown dimensions raise. Renormalised over the
        dimensions present in each row: ``S_A = sum_{i present} w_i x_Ai / sum_{i present} w_i``.
    normalise : {"share", "max", "none"}
        Per-dimension scores as in :func:`powergap.measures.robustness.normalise_scores`
        (default: each side's share of the dyad total, so units cancel).
    directions : mapping dimension -> +1/-1, optional

    Returns
    -------
    DataFrame ``composite_a, composite_b, ratio, stronger ("a"/"b"/None), share_a,
    n_dimensions``; ``ratio`` is stronger over weaker (>= 1).
    """
    from .robustness import normalise_scores

    if isinstance(values_a, Mapping) and isinstance(values_b, Mapping):
        values_a = pd.DataFrame([values_a])
        values_b = pd.DataFrame([values_b])
    if not isinstance(values_a, pd.DataFrame) or not isinstance(values_b, pd.DataFrame):
        raise InputError("values_a and values_b must both be DataFrames or both mappings")
    dims = list(values_a.columns)
    if list(values_b.columns) != dims or len(values_a) != len(values_b):
        raise InputError("values_a and values_b must have the same dimensions (columns) and rows")
    if not isinstance(weights, Mapping) or not weights:
        raise InputError("weights must be a non-empty mapping dimension -> weight")
    unknown = [k for k in weights if k not in dims]
    if unknown:
        raise InputError(f"weights name unknown dimension(s) {', '.join(map(str, unknown))}; have {', '.join(dims)}")
    w = np.zeros(len(dims))
    for i, d in enumerate(dims):
        v = weights.get(d, 0.0)
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not np.isfinite(v) or v < 0:
            raise InputError(f"weight for {d} must be a non-negative number, got {v!r}")
        w[i] = float(v)
    if w.sum() <= 0:
        raise InputError("at least one weight must be positive")
    dirs = None if directions is None else [int(directions.get(d, 1)) for d in dims]
    xa, xb = normalise_scores(values_a.to_numpy(dtype=float), values_b.to_numpy(dtype=float),
                              normalise=normalise, directions=dirs)
    present = ~(np.isnan(xa) | np.isnan(xb))
    ws = (present * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ca = np.where(ws > 0, (np.where(present, xa, 0) * w).sum(axis=1) / ws, np.nan)
        cb = np.where(ws > 0, (np.where(present, xb, 0) * w).sum(axis=1) / ws, np.nan)
        hi, lo = np.fmax(ca, cb), np.fmin(ca, cb)
        ratio = np.where(lo > 0, hi / lo, np.where(hi > 0, np.inf, np.where(hi == 0, 1.0, np.nan)))
        share = np.where(ca + cb > 0, ca / (ca + cb), np.where(np.isnan(ca), np.nan, 0.5))
    stronger = np.where(np.isnan(ca) | (ca == cb), None, np.where(ca > cb, "a", "b"))
    return pd.DataFrame({"composite_a": ca, "composite_b": cb, "ratio": ratio, "stronger": stronger,
                         "share_a": share, "n_dimensions": (present & (w > 0)).sum(axis=1)},
                        index=values_a.index)
