"""Exact weight robustness: how much of the space of all weightings supports a verdict.

A composite capability score weights ``n`` dimensions: ``S_A(w) = sum_i w_i x_Ai``. Nobody
knows the right weights ("determining the weights of different dimensions remains a
methodological challenge, if not an impossibility", seed 002). So we ask instead: over
*all* weightings, drawn uniformly from the simplex ``{w_i >= 0, sum_i w_i = 1}``
(Dirichlet(1, ..., 1)), what fraction makes A's composite at least ``t`` times B's?

    P( sum_i w_i x_Ai >= t * sum_i w_i x_Bi ) = P( sum_i w_i c_i >= 0 ),   c_i = x_Ai - t x_Bi.

**Closed form** (methods.md section 6). The linear form ``sum_i w_i c_i`` of uniform
simplex weights has the Curry-Schoenberg B-spline with knots ``c_1..c_n`` as its density,
so for distinct ``c_i``

    P( sum_i w_i c_i > 0 ) = sum_{i: c_i > 0} c_i^(n-1) / prod_{j != i} (c_i - c_j),

the divided difference of ``f(x) = max(x, 0)^(n-1)`` on the knots. With tied knots it is the
*confluent* divided difference (derivatives of ``f(x) / prod_{other}(x - c_j)^{k_j}`` at the
tied value). :func:`closed_form_probability` evaluates exactly that, in exact rational
arithmetic, for one dyad-year: no cancellation, any ties.

**Vectorised evaluation** (:func:`probability_nonnegative`). Evaluating the sum above in
floating point cancels catastrophically when knots are close. We use an equivalent
recursion whose terms are all positive, so it is accurate to a few ulps whatever the
ties. Uniform simplex weights are normalised exponentials, ``w_i = E_i / sum_j E_j`` with
``E_i`` i.i.d. Exp(1), and the normalisation does not change a sign, so

    P( sum_i w_i c_i >= 0 ) = P( sum_{c_i > 0} c_i E_i  >=  sum_{c_j < 0} |c_j| E_j ).

Each side is a sum of exponential stages (means ``c_i`` and ``|c_j|``; dimensions with
``c_i = 0`` drop out exactly). Run both sides as clocks in parallel: by memorylessness the
stage that finishes next is the positive side's current stage ``i`` with probability
``|c_j| / (c_i + |c_j|)``. With ``P(i, j)`` the probability that the negative side finishes
all its stages first, from positive stage ``i`` and negative stage ``j``,

    P(i, j) = |c_j| / (c_i + |c_j|) * P(i + 1, j)  +  c_i / (c_i + |c_j|) * P(i, j + 1),
    P(i, q) = 1 (negative side done),   P(p, j) = 0 (positive side done).

This is the same distribution function as the B-spline formula (a convex, de Boor-Cox-like
recursion), costs ``p * q <= n^2 / 4`` vector operations for ``p`` positive and ``q``
negative knots, and is vectorised over any number of dyad-years. Both evaluations are
checked against each other and against Monte Carlo sampling in the tests.

**Extremes.** The composite ratio ``S_A(w) / S_B(w)`` is linear-fractional in ``w``, so its
minimum and maximum over the simplex are attained at vertices: single dimensions. Hence
``min_ratio = min_i x_Ai / x_Bi`` and ``max_ratio = max_i x_Ai / x_Bi``.

**Normalisation** (``normalise=``). Scores must not depend on the unit a series is measured
in, so each dimension is normalised within the dyad: ``"share"`` (default) uses each side's
share of the dyad total, ``x_A = a / (a + b)``, ``x_B = b / (a + b)`` (both 1/2 when both
values are zero); ``"max"`` divides by the larger value (the stronger side scores 1);
``"none"`` takes the inputs as scores. For a lower-is-stronger dimension (direction -1) the
roles of the two values are exchanged (share of the reciprocals). Single-dimension ratios
``x_Ai / x_Bi`` equal ``a_i / b_i`` under either normalisation; composites differ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, Sequence

import numpy as np

from ..errors import CoverageError, InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

Normalise = Literal["share", "max", "none"]
NORMALISATIONS: tuple[str, ...] = ("share", "max", "none")

# |c_i| below this fraction of |x_Ai| + t|x_Bi| is floating-point noise around exact parity
# at the threshold; it is set to zero (the dimension then drops out of the event exactly).
_SNAP = 1e-12


# ----------------------------------------------------------------------------- core math

def _as_2d(values: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numeric") from None
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise InputError(f"{name} must have shape (n,) or (m, n), got {arr.shape}")
    if arr.shape[1] == 0:
        raise InputError(f"{name} has no dimensions")
    return arr


def probability_nonnegative(c: Any) -> np.ndarray:
    """Exact ``P(sum_i w_i c_i >= 0)`` for weights uniform on the simplex, row by row.

    Parameters
    ----------
    c : array-like, shape (n,) or (m, n)
        One row per dyad-year. ``NaN`` marks a dimension absent for that row: the weights
        are then uniform on the simplex of the dimensions present (a zero ``c_i`` is
        equivalent, since it drops out of the event exactly).

    Returns
    -------
    numpy.ndarray, shape (m,)
        The probability; ``NaN`` for a row with no dimension present; 1 for a row whose
        ``c`` are all zero (the composite then equals ``t`` times the other for every
        weighting, and the event is ``>=``).

    Notes
    -----
    Evaluated with the positive-term recursion described in the module docstring (the
    race of two sums of exponential stages), equal to the B-spline / divided-difference
    closed form of methods.md section 6 but free of cancellation, so ties and near-ties
    need no special treatment.
    """
    cc = _as_2d(c, "c")
    if np.isinf(cc).any():
        raise InputError("c must be finite")
    # Row reductions run on a transposed copy: summing n rows of length m is much faster
    # than m rows of length n when n is small.
    ct = np.array(cc.T, order="C")  # a copy: the caller's array is never modified
    absent = np.isnan(ct)
    all_absent = absent.all(axis=0)
    ct[absent] = 0.0
    scale = np.abs(ct).max(axis=0)
    scale[scale == 0] = 1.0
    ct /= scale  # the event is scale-free; keep stage lengths in [0, 1]
    npos = (ct > 0).sum(axis=0)
    nneg = (ct < 0).sum(axis=0)
    cc = ct.T

    out = np.where(nneg == 0, 1.0, 0.0)  # no negative knot: always >= 0; no positive: never
    out[all_absent] = np.nan
    rows = np.flatnonzero((npos > 0) & (nneg > 0))
    if rows.size == 0:
        return out
    srt = np.sort(cc[rows], axis=1)  # negatives first, zeros, positives last
    # Stage lengths with zero padding after each side's real stages: a zero stage finishes
    # at once, and padding only follows a side's real stages, so both sides are never in
    # padding together on a reachable path.
    neg_all = np.maximum(-srt, 0.0)
    pos_all = np.maximum(srt[:, ::-1], 0.0)
    np_rows, nn_rows = npos[rows], nneg[rows]
    # Rows grouped by their number of positive knots: the work per row is then
    # p * max(q) <= n^2 / 4 instead of max(p) * max(q).
    for p in np.unique(np_rows):
        grp = np.flatnonzero(np_rows == p)
        q = int(nn_rows[grp].max())
        out[rows[grp]] = _race(pos_all[grp, :p], neg_all[grp, :q])
    return out


def _race(pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """P(negative side's stages all finish before the positive side's), by the recursion
    of the module docstring; ``pos`` (k, p) and ``neg`` (k, q) are stage lengths, zero
    padded at the end."""
    k, p = pos.shape
    q = neg.shape[1]
    ones, zeros = np.ones(k), np.zeros(k)
    nxt = [zeros] * q + [ones]  # P(p, j) = 0 for j < q; P(p, q) is unreachable
    for i in range(p - 1, -1, -1):
        a = pos[:, i]
        cur: list[np.ndarray] = [ones] * (q + 1)  # P(i, q) = 1
        for j in range(q - 1, -1, -1):
            b = neg[:, j]
            d = a + b
            # Both stages zero only on unreachable states: any finite weights will do.
            f_pos = np.divide(b, d, out=np.zeros(k), where=d > 0)
            cur[j] = nxt[j] * f_pos + cur[j + 1] * (1.0 - f_pos)
        nxt = cur
    return np.clip(nxt[0], 0.0, 1.0)


def _series_coefficients(v: Fraction, u: Fraction, k: int, order: int) -> list[Fraction]:
    """Taylor coefficients in h of (v + h - u)^(-k) up to h^order (exact)."""
    d = v - u
    coeffs = []
    binom = Fraction(1)
    for r in range(order + 1):
        # generalised binomial: (-k choose r) d^(-k-r)
        coeffs.append(binom / d ** (k + r))
        binom = binom * (-k - r) / (r + 1)
    return coeffs


def _mul_series(x: list[Fraction], y: list[Fraction], order: int) -> list[Fraction]:
    out = [Fraction(0)] * (order + 1)
    for i, xi in enumerate(x):
        if xi == 0:
            continue
        for j in range(order + 1 - i):
            out[i + j] += xi * y[j]
    return out


def closed_form_probability(c: Sequence[float | int | Fraction], *, strict: bool = False) -> Fraction:
    """``P(sum_i w_i c_i >= 0)`` (or ``> 0`` with ``strict``) by the divided-difference
    closed form, in exact rational arithmetic, for one weighting problem.

    Parameters
    ----------
    c : sequence of numbers
        The coefficients ``c_i = x_Ai - t x_Bi`` (floats are converted exactly).
    strict : bool
        ``>`` instead of ``>=``; they differ only when every ``c_i`` is zero.

    Notes
    -----
    Zero coefficients drop out (with ``w_i = E_i / sum E`` the event does not involve
    ``E_i``), leaving ``n'`` non-zero knots. For distinct knots (methods.md section 6)

        P = sum_{c_i > 0} c_i^(n'-1) / prod_{j != i} (c_i - c_j).

    A knot value ``v > 0`` of multiplicity ``k`` contributes the confluent term
    ``[h^(k-1)] (v + h)^(n'-1) / prod_{u != v} (v + h - u)^(k_u)`` (a Taylor coefficient,
    i.e. the (k-1)-th derivative over (k-1)!); negative knots contribute nothing because
    ``max(x, 0)^(n'-1)`` vanishes near them. Exact, but slow: use it to check
    :func:`probability_nonnegative`, not on a panel.
    """
    knots = [Fraction(x) for x in c if Fraction(x) != 0]
    if not knots:
        return Fraction(0) if strict else Fraction(1)
    mult: dict[Fraction, int] = {}
    for x in knots:
        mult[x] = mult.get(x, 0) + 1
    degree = len(knots) - 1
    total = Fraction(0)
    for v, k in mult.items():
        if v <= 0:
            continue
        order = k - 1
        # (v + h)^degree as a series in h
        series = [Fraction(math.comb(degree, r)) * v ** (degree - r) if r <= degree else Fraction(0)
                  for r in range(order + 1)]
        for u, ku in mult.items():
            if u != v:
                series = _mul_series(series, _series_coefficients(v, u, ku, order), order)
        total += series[order]
    return total


# ----------------------------------------------------------------------------- scores

def normalise_scores(values_a: Any, values_b: Any, *, normalise: Normalise = "share",
                     directions: Sequence[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Scale-free per-dimension scores of the two sides (see the module docstring).

    Parameters
    ----------
    values_a, values_b : array-like, shape (n,) or (m, n)
        Non-negative values per dimension (``NaN`` = no data for that dimension).
    normalise : {"share", "max", "none"}
        ``share``: ``x_A = a / (a + b)``; ``max``: ``x_A = a / max(a, b)``; ``none``: as given.
    directions : sequence of +1 / -1, optional
        Per dimension; -1 means lower is stronger (the two values swap roles).

    Returns
    -------
    (x_a, x_b) : two arrays of shape (m, n)
    """
    va, vb = _as_2d(values_a, "values_a"), _as_2d(values_b, "values_b")
    if va.shape != vb.shape:
        raise InputError(f"values_a and values_b differ in shape: {va.shape} vs {vb.shape}")
    if normalise not in NORMALISATIONS:
        raise InputError(f"unknown normalisation {normalise!r} (choose one of {', '.join(NORMALISATIONS)})")
    for name, arr in (("values_a", va), ("values_b", vb)):
        if np.isinf(arr).any():
            raise InputError(f"{name} must be finite (NaN marks missing)")
        if (arr < 0).any():
            raise InputError(f"{name} must be non-negative: capability ratios are undefined for negative values")
    n = va.shape[1]
    if directions is None:
        dirs = np.ones(n)
    else:
        dirs = np.asarray(list(directions), dtype=float)
        if dirs.shape != (n,) or not np.isin(dirs, (1, -1)).all():
            raise InputError(f"directions must be {n} values of +1 or -1")
    if normalise == "none":
        if (dirs == -1).any():
            raise InputError("normalise='none' takes scores as given; directions must all be +1")
        missing = np.isnan(va) | np.isnan(vb)
        return np.where(missing, np.nan, va), np.where(missing, np.nan, vb)
    lo_better = dirs == -1
    if lo_better.any():
        # Lower-is-stronger: exchange the two values (share of reciprocals = b / (a + b)).
        a, b = np.where(lo_better, vb, va), np.where(lo_better, va, vb)
    else:
        a, b = va, vb
    # NaN on either side propagates to both scores through the sum or the maximum.
    with np.errstate(invalid="ignore", divide="ignore"):
        if normalise == "share":
            den = a + b
            parity = 0.5
        else:  # "max"
            den = np.maximum(a, b)  # propagates NaN
            parity = 1.0
        xa, xb = a / den, b / den
        zero = den == 0
        if zero.any():  # both values zero: parity
            xa[zero] = parity
            xb[zero] = parity
        if normalise == "max" and lo_better.any():
            # max-normalising reciprocals: the lower raw value scores 1, the other lo/hi.
            xa_lo = np.where(va <= vb, 1.0, np.divide(vb, va, out=np.zeros_like(va), where=va > 0))
            xb_lo = np.where(vb <= va, 1.0, np.divide(va, vb, out=np.zeros_like(vb), where=vb > 0))
            nan = np.isnan(va) | np.isnan(vb)
            xa = np.where(lo_better & ~nan, xa_lo, xa)
            xb = np.where(lo_better & ~nan, xb_lo, xb)
    return xa, xb


# ----------------------------------------------------------------------------- results

@dataclass(frozen=True)
class WeightRobustness:
    """Weight robustness for ``m`` dyad-years (every array has shape ``(m,)``).

    Attributes
    ----------
    threshold : the ratio ``t`` asked about.
    scores_a, scores_b : normalised per-dimension scores, shape ``(m, n)``.
    n_dimensions : dimensions with data in each row.
    fraction_a : share of weightings with ``S_A >= t S_B``; fraction_b likewise for B.
    stronger : +1 when A's equal-weight composite is larger, -1 when B's, 0 when equal
        (or no data).
    fraction : the fraction for the side stronger under equal weights (the larger of the
        two when they tie).
    fraction_either : share of weightings under which either side is at least ``t`` times
        the other (``min(1, fraction_a + fraction_b)``; the events are disjoint for t > 1).
    equal_weight_ratio : stronger over weaker composite with equal weights.
    min_ratio, max_ratio : smallest and largest composite ratio (stronger side under equal
        weights over the other) any weighting gives; ``min_ratio < 1`` means some weighting
        reverses the verdict. ``inf`` when the weaker side scores zero on some dimension.
    """

    threshold: float
    normalise: str
    scores_a: np.ndarray
    scores_b: np.ndarray
    n_dimensions: np.ndarray
    fraction_a: np.ndarray
    fraction_b: np.ndarray
    stronger: np.ndarray
    fraction: np.ndarray
    fraction_either: np.ndarray
    equal_weight_ratio: np.ndarray
    min_ratio: np.ndarray
    max_ratio: np.ndarray

    def to_frame(self) -> "pd.DataFrame":
        import pandas as pd

        return pd.DataFrame({k: getattr(self, k) for k in (
            "n_dimensions", "stronger", "fraction", "fraction_a", "fraction_b", "fraction_either",
            "equal_weight_ratio", "min_ratio", "max_ratio")})


def _rows(reduce, arr: np.ndarray) -> np.ndarray:
    """A row reduction of an (m, n) array, computed on a transposed copy (fast for small n)."""
    return reduce(np.ascontiguousarray(arr.T), axis=0)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with x/0 = inf for x > 0 and 0/0 = 1 (parity); NaN stays NaN."""
    with np.errstate(invalid="ignore", divide="ignore"):
        r = num / den
    r = np.where((num == 0) & (den == 0), 1.0, r)
    return r


def weight_robustness(values_a: Any, values_b: Any, *, threshold: float = 1.5, normalise: Normalise = "share",
                      directions: Sequence[int] | None = None) -> WeightRobustness:
    """Exact share of all weightings under which one side's composite is >= ``threshold``
    times the other's, with the extreme composite ratios; vectorised over dyad-years.

    Parameters
    ----------
    values_a, values_b : array-like, shape (n,) or (m, n)
        Per-dimension values of the two sides (one row per dyad-year, one column per
        dimension; ``NaN`` = no data, the dimension is then left out of that row's simplex).
        Values must be non-negative.
    threshold : float
        ``t`` > 0 (Womack's 1.5 by default).
    normalise : {"share", "max", "none"}
        Per-dimension normalisation (module docstring).
    directions : sequence of +1/-1, optional
        -1 marks a lower-is-stronger dimension.

    Returns
    -------
    WeightRobustness

    Notes
    -----
    ``fraction_a = P(sum w_i x_Ai >= t sum w_i x_Bi)`` with ``w`` uniform on the simplex,
    computed exactly by :func:`probability_nonnegative` (closed form of methods.md
    section 6). It is 1 when every dimension has ``x_Ai >= t x_Bi``, 0 when none does,
    and non-increasing in ``t``.
    """
    t = float(threshold)
    if not math.isfinite(t) or t <= 0:
        raise InputError(f"threshold must be a positive number, got {threshold!r}")
    va, vb = _as_2d(values_a, "values_a"), _as_2d(values_b, "values_b")
    if va.shape != vb.shape:
        raise InputError(f"values_a and values_b differ in shape: {va.shape} vs {vb.shape}")
    m, n = va.shape
    xa, xb = np.empty((m, n)), np.empty((m, n))
    cols: dict[str, np.ndarray] = {k: np.empty(m) for k in (
        "fraction_a", "fraction_b", "fraction", "fraction_either", "equal_weight_ratio", "min_ratio", "max_ratio")}
    n_dim = np.empty(m, dtype=np.int64)
    stronger = np.empty(m, dtype=np.int8)
    # Blocks of rows small enough to stay in cache: every step below is a pass over the
    # block, and on a busy machine memory bandwidth, not arithmetic, sets the pace.
    for lo in range(0, m, _BLOCK):
        sl = slice(lo, lo + _BLOCK)
        xa[sl], xb[sl] = normalise_scores(va[sl], vb[sl], normalise=normalise, directions=directions)
        blk = _robustness_block(xa[sl], xb[sl], t)
        n_dim[sl] = blk.pop("n_dimensions")
        stronger[sl] = blk.pop("stronger")
        for k, v in blk.items():
            cols[k][sl] = v
    return WeightRobustness(threshold=t, normalise=normalise, scores_a=xa, scores_b=xb, n_dimensions=n_dim,
                            stronger=stronger, **cols)


_BLOCK = 1 << 14


def _robustness_block(xa: np.ndarray, xb: np.ndarray, t: float) -> dict[str, np.ndarray]:
    """Everything :func:`weight_robustness` reports, for one block of normalised scores."""
    present = ~np.isnan(xa)  # normalise_scores leaves both sides NaN together
    n_dim = _rows(np.sum, present)

    def coeffs(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        ty = t * y
        c = x - ty
        c[np.abs(c) <= _SNAP * (x + ty)] = 0.0  # NaN compares False and stays NaN
        return c

    fa = probability_nonnegative(coeffs(xa, xb))
    fb = probability_nonnegative(coeffs(xb, xa))
    none = n_dim == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        comp_a = _rows(np.nansum, xa) / n_dim
        comp_b = _rows(np.nansum, xb) / n_dim
    diff = comp_a - comp_b
    tie = np.abs(diff) <= 1e-12 * (np.abs(comp_a) + np.abs(comp_b))
    stronger = np.where(none | tie, 0, np.sign(diff)).astype(np.int8)
    fraction = np.where(stronger == 1, fa, np.where(stronger == -1, fb, np.fmax(fa, fb)))
    either = np.minimum(1.0, fa + fb)

    # Single-dimension ratios A/B; the extremes over all weightings are at the vertices.
    r = _ratio(xa, xb)
    with np.errstate(invalid="ignore", divide="ignore"):
        lo_ab = np.where(none, np.nan, _rows(np.min, np.where(present, r, np.inf)))
        hi_ab = np.where(none, np.nan, _rows(np.max, np.where(present, r, -np.inf)))
        ew_ab = _ratio(comp_a, comp_b)
        b_first = stronger == -1
        # Oriented as (stronger under equal weights) / (the other): for B, invert A/B.
        rmin = np.where(b_first, 1.0 / hi_ab, lo_ab)
        rmax = np.where(b_first, 1.0 / lo_ab, hi_ab)
        ew = np.where(b_first, 1.0 / ew_ab, ew_ab)
    return {"n_dimensions": n_dim, "stronger": stronger, "fraction_a": fa, "fraction_b": fb, "fraction": fraction,
            "fraction_either": either, "equal_weight_ratio": ew, "min_ratio": rmin, "max_ratio": rmax}


def weight_robustness_mc(values_a: Any, values_b: Any, *, threshold: float = 1.5, normalise: Normalise = "share",
                         directions: Sequence[int] | None = None, draws: int = 100_000,
                         seed: int | None = 0, chunk: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Monte Carlo estimate of ``(fraction_a, fraction_b)``: the slow check of
    :func:`weight_robustness`.

    Draws ``draws`` weightings uniformly on the simplex (as normalised Exp(1) variables,
    i.e. Dirichlet(1, ..., 1); the same draws for every row) and counts how often each
    side's composite is at least ``threshold`` times the other's. Standard error is
    ``sqrt(f (1 - f) / draws)``.
    """
    t = float(threshold)
    if not math.isfinite(t) or t <= 0:
        raise InputError(f"threshold must be a positive number, got {threshold!r}")
    if draws < 1:
        raise InputError("draws must be at least 1")
    xa, xb = normalise_scores(values_a, values_b, normalise=normalise, directions=directions)
    present = ~(np.isnan(xa) | np.isnan(xb))
    rng = np.random.default_rng(seed)
    e = rng.exponential(size=(draws, xa.shape[1]))
    e /= e.sum(axis=1, keepdims=True)
    m = xa.shape[0]
    fa, fb = np.empty(m), np.empty(m)
    for lo in range(0, m, chunk):
        sl = slice(lo, lo + chunk)
        a = np.where(present[sl], xa[sl], 0.0)
        b = np.where(present[sl], xb[sl], 0.0)
        # Absent dimensions contribute 0 to both composites: Dirichlet on the rest.
        sa, sb = a @ e.T, b @ e.T
        fa[sl] = (sa >= t * sb).mean(axis=1)
        fb[sl] = (sb >= t * sa).mean(axis=1)
    none = ~present.any(axis=1)
    fa[none] = np.nan
    fb[none] = np.nan
    return fa, fb


def common_dimensions(values_a: Any, values_b: Any) -> np.ndarray:
    """Which columns (dimensions) to weigh when rows (years) are compared with each other:
    those with values for both sides in every row that has any value at all.

    A share of weightings computed over 6 dimensions in one year and 4 in the next moves
    because two sources ended, not because the relationship changed; comparing years on
    this common set keeps the number of dimensions constant (rows without any value stay
    without). Returns a boolean array, one per column.
    """
    va = _as_2d(values_a, "values_a")
    vb = _as_2d(values_b, "values_b")
    both = ~np.isnan(va) & ~np.isnan(vb)
    rows = (~np.isnan(va) | ~np.isnan(vb)).any(axis=1)
    if not rows.any():
        return np.zeros(va.shape[1], dtype=bool)
    return both[rows].all(axis=0)


# ----------------------------------------------------------------------------- one dyad-year

@dataclass
class DyadRobustness:
    """Weight robustness of the capability comparison of two states in one year."""

    a: Any  # powergap.states.State
    b: Any
    year: int
    threshold: float
    normalise: str
    dimensions: list[str]
    missing_dimensions: list[str]
    series: dict[str, str]
    values: dict[str, dict[str, float]]
    scores: dict[str, dict[str, float]]
    stronger: str | None
    fraction: float | None
    fraction_a: float | None
    fraction_b: float | None
    fraction_either: float | None
    equal_weight_ratio: float | None
    min_ratio: float | None
    max_ratio: float | None
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The documented JSON shape (docs/capability.md)."""
        return {
            "a": self.a.label, "b": self.b.label, "year": self.year, "threshold": self.threshold,
            "normalisation": self.normalise, "dimensions": list(self.dimensions),
            "n_dimensions": len(self.dimensions),
            "missing_dimensions": list(self.missing_dimensions), "series": dict(self.series),
            "values": self.values, "scores": self.scores, "stronger": self.stronger,
            "fraction": self.fraction, "fraction_a": self.fraction_a, "fraction_b": self.fraction_b,
            "fraction_either": self.fraction_either, "equal_weight_ratio": self.equal_weight_ratio,
            "min_ratio": self.min_ratio, "max_ratio": self.max_ratio, "sources": list(self.sources),
        }

    def to_json(self, *, indent: int | None = 1) -> str:
        import json

        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)


def _num(x: float) -> float | None:
    """JSON-safe float: NaN and infinities become null (docs/capability.md)."""
    x = float(x)
    return x if math.isfinite(x) else None


def dyad_robustness(a: Any, b: Any, *, year: int, dimensions: Sequence[str] | None = None,
                    threshold: float = 1.5, normalise: Normalise = "share", registry: Any = None,
                    store: Any = None) -> DyadRobustness:
    """Weight robustness of the capability comparison of ``a`` and ``b`` in ``year``.

    Each dimension's value and series come from the one capability engine
    (:func:`powergap.measures.capability.capability_panel`, as in
    :func:`powergap.capability_profile` and :func:`powergap.assess`); dimensions without
    data for both are left out and listed in ``missing_dimensions`` (``to_dict()`` gives
    ``n_dimensions``). To compare years, weigh the same dimensions in each
    (:func:`common_dimensions`). See :func:`weight_robustness` for the rest.
    """
    from .capability import dimension_values, load_registry, _resolve_pair

    sa, sb, store = _resolve_pair(a, b, store)
    reg = load_registry(registry, store=store)
    names = list(reg.dimensions) if dimensions is None else list(dimensions)
    unknown = [d for d in names if d not in reg.dimensions]
    if unknown:
        raise InputError(f"unknown dimension(s) {', '.join(unknown)}; known: {', '.join(reg.dimensions)}")
    if not names:
        raise InputError("no dimensions given")
    if len(set(names)) != len(names):
        raise InputError("a dimension is listed twice")
    year = int(year)
    first = 1816
    if year < first or year > store.end_year:
        raise CoverageError(f"year {year} is outside the snapshot's years {first}-{store.end_year}")
    dv = dimension_values(sa, sb, years=[year], registry=reg, dimensions=names, store=store)
    used, missing, series, values, dirs = [], [], {}, {}, []
    va, vb = [], []
    for d in names:
        row = dv.get((d, year))
        if row is None:
            missing.append(d)
            continue
        used.append(d)
        series[d] = row["series"]
        values[d] = {"a": row["a"], "b": row["b"], "unit": row["unit"], "direction": row["direction"]}
        va.append(row["a"])
        vb.append(row["b"])
        dirs.append(row["direction"])
    if not used:
        raise CoverageError(f"no dimension has data for both {sa.label} and {sb.label} in {year} "
                            f"(asked: {', '.join(names)})")
    res = weight_robustness(va, vb, threshold=threshold, normalise=normalise, directions=dirs)
    side = int(res.stronger[0])
    stronger = sa.label if side == 1 else sb.label if side == -1 else None
    scores = {"a": {d: _num(res.scores_a[0, i]) for i, d in enumerate(used)},
              "b": {d: _num(res.scores_b[0, i]) for i, d in enumerate(used)}}
    srcs = sorted({s for d in used for s in dv[(d, year)]["sources"]})
    return DyadRobustness(
        a=sa, b=sb, year=year, threshold=float(threshold), normalise=normalise, dimensions=used,
        missing_dimensions=missing, series=series, values=values, scores=scores, stronger=stronger,
        fraction=_num(res.fraction[0]), fraction_a=_num(res.fraction_a[0]), fraction_b=_num(res.fraction_b[0]),
        fraction_either=_num(res.fraction_either[0]), equal_weight_ratio=_num(res.equal_weight_ratio[0]),
        min_ratio=_num(res.min_ratio[0]), max_ratio=_num(res.max_ratio[0]), sources=srcs)
