"""Property-based tests across the measures (issue 9, item 2).

Invariants every measure must keep, checked with hypothesis on constructed inputs and on a
few real pairs and years:

1. swapping the two states swaps the sides and keeps every verdict (capability profile,
   weight robustness, the assessment's stage ladder, dependence, the strategic triangle's
   pattern and roles under any order of its three states);
2. rescaling a series' unit changes no ratio, flag or stage;
3. weight robustness lies in [0, 1], falls (weakly) as the threshold rises, is 1 when every
   dimension has A >= tB and 0 when none has;
4. the directed dyad-year set is the non-directed one plus its mirror, without duplicates
   or self pairs;
5. no measure turns missing into zero (comparisons, robustness, panels, dependence, claims).

Real-data checks share module-level caches so the file stays fast; hypothesis draws
pairs and years from fixed lists.
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import powergap as pg
from powergap.assess_core import load_config
from powergap.assessment import Evidence, Grid, evaluate_row
from powergap.measures.capability import compare, load_registry, stability_runs, womack_stability
from powergap.measures.robustness import dyad_robustness, weight_robustness
from powergap.measures.triangle import classify, classify_years, threshold_range

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REAL = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PAIRS = [("CHN", "RUS"), ("USA", "JPN"), ("IND", "PAK"), ("RUS", "KAZ"), ("CHN", "KAZ")]
PROFILE_YEARS = (2000, 2020)
NAN = float("nan")


# ============================================================================ helpers

def same_float(x, y, rel=1e-9) -> bool:
    """Equal numbers, both NaN, or the same infinity."""
    if x is None or y is None:
        return x is None and y is None
    x, y = float(x), float(y)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return math.isclose(x, y, rel_tol=rel, abs_tol=1e-12)


def same_flag(x, y) -> bool:
    """Equal booleans, or both missing (None, pd.NA or NaN)."""
    def norm(v):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        return bool(v)
    return norm(x) == norm(y)


@functools.lru_cache(maxsize=None)
def registry():
    return load_registry()


@functools.lru_cache(maxsize=None)
def profile(a: str, b: str):
    return pg.capability_profile(a, b, start=PROFILE_YEARS[0], end=PROFILE_YEARS[1], registry=registry())


# values are capabilities: zero or a plausible positive magnitude (no subnormals, whose
# ratios overflow)
finite = st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e9, allow_nan=False, allow_infinity=False))
maybe_missing = st.one_of(finite, finite, finite, st.just(NAN))


@st.composite
def value_pairs(draw, *, min_size=1, max_size=12, missing=True):
    n = draw(st.integers(min_size, max_size))
    elem = maybe_missing if missing else finite
    a = draw(st.lists(elem, min_size=n, max_size=n))
    b = draw(st.lists(elem, min_size=n, max_size=n))
    return np.array(a, dtype=float), np.array(b, dtype=float)


# ============================================================================ 1. swapping the states

@FAST
@given(value_pairs(), st.sampled_from([1.0, 1.25, 1.5, 2.0, 3.0]), st.sampled_from([1, -1]))
def test_compare_swap_swaps_sides_keeps_verdicts(pair, threshold, direction):
    a, b = pair
    ab = compare(a, b, direction=direction, threshold=threshold)
    ba = compare(b, a, direction=direction, threshold=threshold)
    for i in range(len(a)):
        assert same_float(ab["ratio"][i], ba["ratio"][i])
        assert same_float(ab["womack"][i], ba["womack"][i])
        assert same_float(ab["side"][i], -ba["side"][i])  # +1 (a stronger) becomes -1 (b, the same state)
        if not np.isnan(ab["share_a"][i]):
            assert ab["share_a"][i] == pytest.approx(1 - ba["share_a"][i], abs=1e-12)
        else:
            assert np.isnan(ba["share_a"][i])


@FAST
@given(st.lists(st.tuples(st.sampled_from([1.0, -1.0, 0.0]), st.sampled_from([1.0, 0.0, NAN])), min_size=1,
                max_size=15), st.integers(1, 6))
def test_womack_stability_does_not_depend_on_which_side_is_a(years, k):
    side = [NAN if w != w else s for s, w in years]  # no data: no side either
    womack = [w for _, w in years]
    assert womack_stability(side, womack, k) == womack_stability([-s for s in side], womack, k)


@REAL
@given(st.sampled_from(PAIRS), st.integers(*PROFILE_YEARS))
def test_capability_profile_swap_real_pairs(pair, year):
    a, b = pair
    ab, ba = profile(a, b), profile(b, a)
    key = ["level", "name"]
    x = ab.table[ab.table["year"] == year].set_index(key)
    y = ba.table[ba.table["year"] == year].set_index(key)
    assert list(x.index) == list(y.index)
    for idx in x.index:
        r, s = x.loc[idx], y.loc[idx]
        where = f"{a}/{b} {year} {idx}"
        assert same_float(r["ratio"], s["ratio"]), where
        assert same_flag(r["womack"], s["womack"]), where
        assert same_flag(r["stable"], s["stable"]), where
        # the label is a state code: the same state stays stronger whichever side it is on
        assert (r["stronger"] if isinstance(r["stronger"], str) else None) == \
               (s["stronger"] if isinstance(s["stronger"], str) else None), where
        assert same_float(r["a_value"], s["b_value"]) and same_float(r["b_value"], s["a_value"]), where
        if np.isnan(r["share_a"]):
            assert np.isnan(s["share_a"]), where
        else:
            assert r["share_a"] == pytest.approx(1 - s["share_a"], abs=1e-12), where
        if idx[0] == "dimension":  # the precedence picks the same series for both orders
            assert (r["series"] if isinstance(r["series"], str) else None) == \
                   (s["series"] if isinstance(s["series"], str) else None), where
    ka, kb = ab.korolev(year).to_dict(), ba.korolev(year).to_dict()
    assert ka == kb


@st.composite
def robustness_inputs(draw, *, min_dims=2, max_dims=8, max_rows=4, missing=False, zeros=False):
    m = draw(st.integers(1, max_rows))
    n = draw(st.integers(min_dims, max_dims))
    pos = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
    if zeros:  # a side with nothing on a dimension (ratios become infinite)
        pos = st.one_of(pos, pos, pos, st.just(0.0))
    elem = st.one_of(pos, pos, pos, st.just(NAN)) if missing else pos
    a = np.array(draw(st.lists(elem, min_size=m * n, max_size=m * n)), dtype=float).reshape(m, n)
    b = np.array(draw(st.lists(elem, min_size=m * n, max_size=m * n)), dtype=float).reshape(m, n)
    return a, b


ROBUST_FIELDS = ("fraction", "fraction_either", "equal_weight_ratio", "min_ratio", "max_ratio")


@FAST
@given(robustness_inputs(missing=True, zeros=True), st.sampled_from([1.0, 1.2, 1.5, 2.0, 4.0]),
       st.sampled_from(["share", "max", "none"]), st.data())
def test_weight_robustness_swap(ab_vals, t, normalise, data):
    a, b = ab_vals
    dirs = data.draw(st.lists(st.sampled_from([1, -1]), min_size=a.shape[1], max_size=a.shape[1]))
    if normalise == "none":
        dirs = None  # raw values have no reciprocal for lower-is-stronger dimensions
    ab = weight_robustness(a, b, threshold=t, normalise=normalise, directions=dirs)
    ba = weight_robustness(b, a, threshold=t, normalise=normalise, directions=dirs)
    np.testing.assert_allclose(ab.fraction_a, ba.fraction_b, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ab.fraction_b, ba.fraction_a, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(ab.stronger, -ba.stronger)
    for f in ROBUST_FIELDS:
        np.testing.assert_allclose(getattr(ab, f), getattr(ba, f), rtol=1e-9, atol=1e-9, err_msg=f)


@pytest.mark.parametrize("a, b, year", [("CHN", "RUS", 2020), ("IND", "PAK", 2015)])
def test_dyad_robustness_swap_real(a, b, year):
    ab = dyad_robustness(a, b, year=year, registry=registry())
    ba = dyad_robustness(b, a, year=year, registry=registry())
    assert ab.stronger == ba.stronger and ab.dimensions == ba.dimensions
    assert same_float(ab.fraction, ba.fraction)
    assert same_float(ab.fraction_a, ba.fraction_b) and same_float(ab.fraction_b, ba.fraction_a)
    for f in ("fraction_either", "equal_weight_ratio", "min_ratio", "max_ratio"):
        assert same_float(getattr(ab, f), getattr(ba, f)), f


@FAST
@given(robustness_inputs(missing=True, zeros=True, max_dims=5), st.data(), st.sampled_from(["share", "max", "none"]))
def test_weighted_composite_swap(ab_vals, data, normalise):
    a, b = ab_vals
    dims = [f"d{i}" for i in range(a.shape[1])]
    w = {d: data.draw(st.sampled_from([0.0, 0.5, 1.0, 3.0])) for d in dims}
    assume(sum(w.values()) > 0)
    fa, fb = pd.DataFrame(a, columns=dims), pd.DataFrame(b, columns=dims)
    ab = pg.weighted_composite(fa, fb, w, normalise=normalise)
    ba = pg.weighted_composite(fb, fa, w, normalise=normalise)
    np.testing.assert_allclose(ab["composite_a"], ba["composite_b"], rtol=1e-12)
    np.testing.assert_allclose(ab["ratio"], ba["ratio"], rtol=1e-12)
    np.testing.assert_allclose(ab["share_a"], 1 - ba["share_a"], atol=1e-12)
    flip = {"a": "b", "b": "a", None: None}
    assert ab["stronger"].tolist() == [flip[s] for s in ba["stronger"].tolist()]


# ---------------------------------------------------------------------------- assessment

T = 8
YEARS = np.arange(2000, 2000 + T)
CFG = load_config()
DIMS = [CFG["capability"]["primary_dimension"], *CFG["capability"]["robustness_checks"]]
# per-side evidence keys and their mirror when a and b trade places
SIDE_KEYS = {"trade_a_on_b": "trade_b_on_a", "arms_a_on_b": "arms_b_on_a", "fdi_a_on_b": "fdi_b_on_a",
             "dis_majors_a": "dis_majors_b", "conflict_share_a": "conflict_share_b",
             "conflict_base_a": "conflict_base_b", "events_a": "events_b", "rivals_of_other_a": "rivals_of_other_b",
             "rival_ties_a": "rival_ties_b", "theta_a": "theta_b", "arms_exports_a_to_b_w": "arms_exports_b_to_a_w"}
SIDE_KEYS.update({v: k for k, v in list(SIDE_KEYS.items())})
SYMMETRIC_KEYS = ("agree_ab",)


def build_evidence(dims: dict[str, tuple[np.ndarray, np.ndarray]], extra: dict[str, np.ndarray],
                   cfg: dict = CFG) -> Evidence:
    """Evidence for one dyad from per-dimension values, through the library's own rules:
    compare() and stability_runs() of measures.capability, as gather() uses them."""
    grid = Grid(np.array([1]), np.array([2]), YEARS)
    ev = Evidence(grid, cfg)
    thr, k = cfg["capability"]["threshold"], int(cfg["capability"]["stability_years"])
    for name, (va, vb) in dims.items():
        c = compare(va.reshape(1, T), vb.reshape(1, T), threshold=thr)
        ratio, side, flag = c["ratio"], c["side"], c["womack"]
        entry = np.where(np.isnan(va) | np.isnan(vb), "", "x").astype(object).reshape(1, T)
        ev.dims[name] = {"va": va.reshape(1, T), "vb": vb.reshape(1, T), "ratio": ratio, "side": side,
                         "flag": flag, "stable": stability_runs(side, flag, k), "entry": entry}
    ev.extra = {k: v.reshape(1, T) for k, v in extra.items()}
    return ev


def swapped(dims, extra):
    return ({n: (vb, va) for n, (va, vb) in dims.items()},
            {SIDE_KEYS.get(k, k): v for k, v in extra.items()})


share = st.one_of(st.floats(0.0, 1.0), st.just(NAN))


@st.composite
def evidence_inputs(draw):
    mil = st.one_of(st.floats(1.0, 1e4), st.just(NAN))
    # mostly-constant military values with occasional gaps, so stable disparities occur
    base_a, base_b = draw(st.floats(1.0, 1e4)), draw(st.floats(1.0, 1e4))
    dims = {}
    for name in DIMS:
        va = np.full(T, base_a) if name == DIMS[0] else np.array(draw(st.lists(mil, min_size=T, max_size=T)))
        vb = np.full(T, base_b) if name == DIMS[0] else np.array(draw(st.lists(mil, min_size=T, max_size=T)))
        if name == DIMS[0]:
            for j in draw(st.lists(st.integers(0, T - 1), max_size=2)):
                va[j] = NAN
        dims[name] = (va, vb)
    extra = {}
    complete = draw(st.booleans())  # half the draws have every independence measure (no NaN)
    gap = st.nothing() if complete else st.just(NAN)
    # values on both sides of each criterion's threshold, so that every stage occurs
    picks = {"trade": [0.02, 0.05, 0.3, 0.6], "arms": [0.1, 0.5, 0.9], "fdi": [0.001, 0.05], "agree_ab": [0.5, 0.95],
             "dis_majors": [0.1, 0.4], "conflict_share": [0.01, 0.2], "conflict_base": [0.1]}
    for key in ("trade_a_on_b", "trade_b_on_a", "arms_a_on_b", "arms_b_on_a", "fdi_a_on_b", "fdi_b_on_a", "agree_ab",
                "dis_majors_a", "dis_majors_b", "conflict_share_a", "conflict_share_b", "conflict_base_a",
                "conflict_base_b"):
        typical = picks[key if key in picks else key.split("_")[0] if key.split("_")[0] in picks else key[:-2]]
        extra[key] = np.full(T, draw(st.one_of(*[st.sampled_from(typical)] * 3, st.floats(0.0, 1.0), gap)))
    for key in ("events_a", "events_b"):
        extra[key] = np.full(T, draw(st.one_of(st.sampled_from([0.0, 5.0, 50.0, 500.0]), gap)))
    for key in ("rivals_of_other_a", "rivals_of_other_b"):
        extra[key] = np.full(T, draw(st.one_of(st.sampled_from([0.0, 1.0, 3.0]), gap)))
    for key in ("rival_ties_a", "rival_ties_b"):
        extra[key] = np.full(T, draw(st.one_of(st.sampled_from([0.0, 1.0]), gap)))
    for key in ("theta_a", "theta_b"):
        extra[key] = np.array(draw(st.lists(st.one_of(st.floats(-3, 3), st.just(NAN)), min_size=T, max_size=T)))
    return dims, extra


@settings(FAST, max_examples=60)
@given(evidence_inputs())
def test_assessment_swap_constructed(inputs):
    dims, extra = inputs
    ev_ab = build_evidence(dims, extra)
    ev_ba = build_evidence(*swapped(dims, extra))
    for j in range(T):
        ab = evaluate_row(ev_ab, 0, j, ("AAA", "BBB"))
        ba = evaluate_row(ev_ba, 0, j, ("BBB", "AAA"))
        assert (ab.stage, ab.evidence_reach, ab.stronger, ab.weaker) == \
               (ba.stage, ba.evidence_reach, ba.stronger, ba.weaker)
        assert ab.to_dict() == ba.to_dict()


@pytest.fixture(scope="module")
def assess_both_orders():
    return pg.assess("CHN", "RUS", start=2012, end=2020), pg.assess("RUS", "CHN", start=2012, end=2020)


def test_assessment_swap_real_pair(assess_both_orders):
    ab, ba = assess_both_orders
    assert [y.year for y in ab.years] == [y.year for y in ba.years] == list(range(2012, 2021))
    for x, y in zip(ab.years, ba.years):
        assert (x.year, x.stage, x.evidence_reach, x.stronger, x.weaker) == \
               (y.year, y.stage, y.evidence_reach, y.stronger, y.weaker)
        cx = {c.name: c for c in x.criteria}
        cy = {c.name: c for c in y.criteria}
        assert set(cx) == set(cy), x.year
        for name in cx:
            assert same_float(cx[name].value, cy[name].value, rel=1e-9), (x.year, name)
            assert cx[name].met == cy[name].met, (x.year, name)


def test_dependence_swap_real_pair():
    ab = pg.dependence("RUS", "CHN", start=2010, end=2020).frame.set_index("year")
    ba = pg.dependence("CHN", "RUS", start=2010, end=2020).frame.set_index("year")
    assert list(ab.index) == list(ba.index) == list(range(2010, 2021))
    pairs = [("a_on_b_share", "b_on_a_share"), ("a_on_b_gdp", "b_on_a_gdp"), ("exports_ab_usd", "exports_ba_usd"),
             ("total_a_usd", "total_b_usd"), ("rank_b_in_a", "rank_a_in_b"), ("hhi_a", "hhi_b")]
    for year in ab.index:
        for x, y in pairs:
            assert same_float(ab.at[year, x], ba.at[year, y]), (year, x)
            assert same_float(ab.at[year, y], ba.at[year, x]), (year, y)
        for sym in ("trade_usd", "salience", "symmetry", "interdependence"):
            assert same_float(ab.at[year, sym], ba.at[year, sym]), (year, sym)


# ---------------------------------------------------------------------------- triangle

tie = st.sampled_from(["+", "-", None])


@FAST
@given(st.tuples(tie, tie, tie), st.permutations(["AAA", "BBB", "CCC"]))
def test_triangle_classification_ignores_the_order_of_states(ties, order):
    states = ["AAA", "BBB", "CCC"]
    sign = {frozenset(p): t for p, t in zip(itertools.combinations(states, 2), ties)}
    perm_ties = [sign[frozenset(p)] for p in itertools.combinations(order, 2)]
    x, y = classify(states, list(ties)), classify(order, perm_ties)
    for k in ("pattern", "pivot", "outcast", "n_positive"):
        assert x[k] == y[k], k
    for k in ("wings", "partners"):
        assert (None if x[k] is None else set(x[k])) == (None if y[k] is None else set(y[k])), k


@FAST
@given(st.lists(st.one_of(st.floats(0.0, 1.0), st.just(NAN)), min_size=3, max_size=3), st.floats(0.0, 1.0),
       st.sampled_from(["agreement", "ideal_point"]), st.permutations([0, 1, 2]))
def test_triangle_threshold_range_ignores_the_order_of_states(values, thr, measure, order):
    states = ["AAA", "BBB", "CCC"]
    pair_value = {frozenset(p): v for p, v in zip(itertools.combinations(states, 2), values)}
    perm_states = [states[i] for i in order]
    perm_values = [pair_value[frozenset(p)] for p in itertools.combinations(perm_states, 2)]
    assert threshold_range(values, thr, measure) == threshold_range(perm_values, thr, measure)
    fx = classify_years(states, pd.DataFrame([[2000, *values]]), thr, measure).iloc[0]
    fy = classify_years(perm_states, pd.DataFrame([[2000, *perm_values]]), thr, measure).iloc[0]
    assert fx["pattern"] == fy["pattern"] and fx["pivot"] == fy["pivot"] and fx["outcast"] == fy["outcast"]
    if fx["pattern"] is not None:
        assert fx["threshold_lo"] == fy["threshold_lo"] and fx["threshold_hi"] == fy["threshold_hi"]


def test_triangle_real_orders_agree():
    orders = [("USA", "CHN", "RUS"), ("RUS", "USA", "CHN"), ("CHN", "RUS", "USA")]
    frames = [pg.triangle(*o, start=2000, end=2019).frame.set_index("year") for o in orders]
    first = frames[0]
    assert list(first.index) == list(range(2000, 2020))
    for other in frames[1:]:
        for year in first.index:
            x, y = first.loc[year], other.loc[year]
            assert x["pattern"] == y["pattern"], year
            assert x["pivot"] == y["pivot"] and x["outcast"] == y["outcast"], year
            assert set(x["partners"] or []) == set(y["partners"] or []), year
            assert set(x["wings"] or []) == set(y["wings"] or []), year
            assert (x["threshold_lo"], x["threshold_hi"]) == (y["threshold_lo"], y["threshold_hi"]), year


# ============================================================================ 2. rescaling a unit

positive = st.floats(min_value=1e-3, max_value=1e9, allow_nan=False, allow_infinity=False)
factor = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False)


@FAST
@given(value_pairs(missing=True), factor, st.sampled_from([1.0, 1.5, 2.0]))
def test_compare_unit_free(pair, c, threshold):
    a, b = pair
    x = compare(a, b, threshold=threshold)
    y = compare(a * c, b * c, threshold=threshold)
    for i in range(len(a)):
        r = x["ratio"][i]
        if np.isfinite(r):
            # away from the knife-edges, where float rounding may legitimately flip a flag: an
            # exact tie at the threshold (1.5 / 1.0) is not exact after rescaling (1.5c / c can
            # be 1.4999999999999998), so it is excluded too; equality (a == b) stays exact
            assume(abs(r - threshold) > 1e-9 * threshold)
            assume(r == 1 or abs(r - 1) > 1e-9)
        assert same_float(r, y["ratio"][i], rel=1e-9)
        assert same_float(x["side"][i], y["side"][i])
        assert same_float(x["womack"][i], y["womack"][i])
        assert same_float(x["share_a"][i], y["share_a"][i], rel=1e-9)


@FAST
@given(robustness_inputs(), st.data(), factor, st.sampled_from([1.2, 1.5, 2.0]), st.sampled_from(["share", "max"]))
def test_weight_robustness_per_dimension_unit_free(ab_vals, data, c, t, normalise):
    """share and max normalisation divide each dimension by a total of both sides: a
    dimension's unit (a factor applied to both sides) cancels."""
    a, b = ab_vals
    j = data.draw(st.integers(0, a.shape[1] - 1))
    a2, b2 = a.copy(), b.copy()
    a2[:, j] *= c
    b2[:, j] *= c
    x = weight_robustness(a, b, threshold=t, normalise=normalise)
    y = weight_robustness(a2, b2, threshold=t, normalise=normalise)
    for f in ("fraction_a", "fraction_b", *ROBUST_FIELDS):
        np.testing.assert_allclose(getattr(x, f), getattr(y, f), rtol=1e-7, atol=1e-9, err_msg=f)
    np.testing.assert_array_equal(x.stronger, y.stronger)


@FAST
@given(robustness_inputs(), factor, st.sampled_from([1.2, 1.5, 2.0]))
def test_weight_robustness_raw_values_unit_free_when_all_dimensions_scale(ab_vals, c, t):
    a, b = ab_vals
    x = weight_robustness(a, b, threshold=t, normalise="none")
    y = weight_robustness(a * c, b * c, threshold=t, normalise="none")
    for f in ("fraction_a", "fraction_b", *ROBUST_FIELDS):
        np.testing.assert_allclose(getattr(x, f), getattr(y, f), rtol=1e-7, atol=1e-9, err_msg=f)


@FAST
@given(evidence_inputs(), factor)
def test_assessment_stage_unit_free_constructed(inputs, c):
    dims, extra = inputs
    scaled = {n: (va * c, vb * c) for n, (va, vb) in dims.items()}
    thr = CFG["capability"]["threshold"]
    for n, (va, vb) in dims.items():  # stay off the knife-edges (threshold, equality)
        r = np.fmax(va, vb) / np.fmin(va, vb)
        r = r[np.isfinite(r)]
        assume(not np.any(np.abs(r - thr) < 1e-9 * thr))  # exact ties too: not exact after rescaling
        assume(not np.any((np.abs(r - 1) < 1e-9) & (r != 1)))
    x, y = build_evidence(dims, extra), build_evidence(scaled, extra)
    for j in range(T):
        rx, ry = evaluate_row(x, 0, j, ("AAA", "BBB")), evaluate_row(y, 0, j, ("AAA", "BBB"))
        assert (rx.stage, rx.evidence_reach, rx.stronger) == (ry.stage, ry.evidence_reach, ry.stronger)
        for cx, cy in zip(rx.criteria, ry.criteria):
            assert cx.name == cy.name and cx.met == cy.met
            if cx.name.startswith(("disparity", "check")):
                assert same_float(cx.value, cy.value, rel=1e-9), cx.name


def scaled_store(factors: dict[str, float]):
    """The shipped snapshot with some series multiplied by a factor (a change of unit):
    the data files are shared, only the values handed out are scaled."""
    from powergap.snapshot.store import Snapshot, default_store

    base = default_store()

    class Scaled(Snapshot):
        def __init__(self):
            super().__init__(base.path)
            self._cache = base._cache  # the same parsed files; read-only here
            self.__dict__["catalog"] = base.catalog

        def series(self, series_id, *, directed=True, involving=None):
            out = super().series(series_id, directed=directed, involving=involving)
            if series_id in factors:
                out["value"] = out["value"] * factors[series_id]
            return out

        def value(self, series_id, ccode, year):
            v = super().value(series_id, ccode, year)
            return None if v is None else v * factors.get(series_id, 1.0)

    return Scaled()


MILITARY = ("milex_usd", "nmc_milex", "milper", "armed_forces")


@pytest.mark.parametrize("c", [1e-6, 1000.0])
def test_rescaled_military_series_change_no_ratio_flag_or_stage(c):
    """Real data: every military series in another unit (thousands instead of units, ...)
    gives the same profile ratios and flags and the same assessment stages."""
    store = scaled_store({s: c * (i + 1) for i, s in enumerate(MILITARY)})  # each series its own unit
    p0 = pg.capability_profile("CHN", "RUS", start=2008, end=2020, registry=registry())
    p1 = pg.capability_profile("CHN", "RUS", start=2008, end=2020, registry=registry(), store=store)
    t0, t1 = p0.table, p1.table
    mil = t0["dimension"] == "military"
    assert mil.any()
    milex = (t0["level"] == "series") & (t0["name"] == "milex_usd")
    np.testing.assert_allclose(t1.loc[milex, "a_value"], t0.loc[milex, "a_value"] * c)  # the unit did change
    for col in ("ratio", "share_a"):
        np.testing.assert_allclose(t1[col].to_numpy(float), t0[col].to_numpy(float), rtol=1e-9, err_msg=col)
    for col in ("stronger", "womack", "stable", "series"):
        assert list(map(str, t1[col].astype(object))) == list(map(str, t0[col].astype(object))), col
    a0 = pg.assess("CHN", "RUS", start=2012, end=2020)
    a1 = pg.assess("CHN", "RUS", start=2012, end=2020, store=store)
    assert [(y.stage, y.stronger, y.evidence_reach) for y in a0.years] == \
           [(y.stage, y.stronger, y.evidence_reach) for y in a1.years]
    for y0, y1 in zip(a0.years, a1.years):
        d0 = next(c_ for c_ in y0.criteria if c_.name == "disparity: military")
        d1 = next(c_ for c_ in y1.criteria if c_.name == "disparity: military")
        assert same_float(d0.value, d1.value) and d0.met == d1.met


NMC = ("nmc_milex", "milper", "irst", "pec", "tpop", "upop")


@st.composite
def nmc_frames(draw, *, missing=True):
    n_states, n_years = draw(st.integers(2, 6)), draw(st.integers(1, 3))
    val = st.one_of(st.just(0.0), st.floats(1e-3, 1e7))  # no values a change of unit would underflow
    elem = st.one_of(val, val, val, st.just(NAN)) if missing else val
    rows = []
    for c in range(n_states):
        for y in range(n_years):
            rows.append({"ccode": 2 + c, "year": 2000 + y, **{k: draw(elem) for k in NMC}})
    return pd.DataFrame(rows)


@FAST
@given(nmc_frames(), st.sampled_from(NMC), factor, st.sampled_from(["publisher", "strict"]))
def test_cinc_unit_free_per_component(frame, comp, c, rule):
    """Shares of a system total: a component's unit (e.g. NMC's pounds sterling before 1914)
    cancels."""
    scaled = frame.copy()
    scaled[comp] = scaled[comp] * c
    x, y = pg.cinc(frame, rule=rule), pg.cinc(scaled, rule=rule)
    np.testing.assert_allclose(x["cinc"], y["cinc"], rtol=1e-9, atol=1e-15)
    assert x["n_components"].tolist() == y["n_components"].tolist()


@FAST
@given(nmc_frames(missing=False), st.data())
def test_cinc_missing_component_is_left_out_not_zero(frame, data):
    i = data.draw(st.integers(0, len(frame) - 1))
    comp = data.draw(st.sampled_from(NMC))
    holed = frame.copy()
    holed.loc[i, comp] = NAN
    got = pg.cinc(holed).set_index(["ccode", "year"])
    key = (frame.at[i, "ccode"], frame.at[i, "year"])
    assert got.at[key, "n_components"] == len(NMC) - 1
    # the state's CINC is the mean of its other five shares (of totals without it)
    yr = holed[holed["year"] == key[1]]
    shares = []
    for k in NMC:
        if k == comp:
            continue
        tot = yr[k].sum()
        shares.append(frame.at[i, k] / tot if tot > 0 else 0.0)
    assert got.at[key, "cinc"] == pytest.approx(np.mean(shares), rel=1e-9, abs=1e-15)
    assert np.isnan(pg.cinc(holed, rule="strict").set_index(["ccode", "year"]).at[key, "cinc"])
    nothing = holed.copy()
    nothing.loc[i, list(NMC)] = NAN
    assert np.isnan(pg.cinc(nothing).set_index(["ccode", "year"]).at[key, "cinc"])


@FAST
@given(robustness_inputs(missing=True, max_dims=5), st.data(), factor)
def test_weighted_composite_unit_free_and_missing_dropped(ab_vals, data, c):
    a, b = ab_vals
    dims = [f"d{i}" for i in range(a.shape[1])]
    w = {d: data.draw(st.sampled_from([0.5, 1.0, 3.0])) for d in dims}
    j = data.draw(st.integers(0, len(dims) - 1))
    a2, b2 = a.copy(), b.copy()
    a2[:, j] *= c
    b2[:, j] *= c
    x = pg.weighted_composite(pd.DataFrame(a, columns=dims), pd.DataFrame(b, columns=dims), w)
    y = pg.weighted_composite(pd.DataFrame(a2, columns=dims), pd.DataFrame(b2, columns=dims), w)
    for col in ("composite_a", "composite_b", "ratio", "share_a"):
        np.testing.assert_allclose(x[col], y[col], rtol=1e-9, atol=1e-12, err_msg=col)
    none = ~np.any(~np.isnan(a) & ~np.isnan(b), axis=1)  # rows with no dimension on both sides
    assert x.loc[none, ["composite_a", "composite_b", "ratio", "share_a"]].isna().all().all()
    assert x.loc[none, "stronger"].isna().all() and (x.loc[none, "n_dimensions"] == 0).all()


# ============================================================================ 3. robustness bounds

@FAST
@given(robustness_inputs(missing=True, zeros=True), st.floats(0.2, 5.0), st.floats(0.0, 3.0),
       st.sampled_from(["share", "max", "none"]))
def test_robustness_in_unit_interval_and_falls_with_threshold(ab_vals, t, dt, normalise):
    a, b = ab_vals
    lo = weight_robustness(a, b, threshold=t, normalise=normalise)
    hi = weight_robustness(a, b, threshold=t + dt, normalise=normalise)
    for res in (lo, hi):
        for f in ("fraction", "fraction_a", "fraction_b", "fraction_either"):
            v = getattr(res, f)
            ok = ~np.isnan(v)
            assert np.all((v[ok] >= -1e-12) & (v[ok] <= 1 + 1e-12)), (f, v)
    ok = lo.n_dimensions > 0
    assert np.all(hi.fraction_a[ok] <= lo.fraction_a[ok] + 1e-9)
    assert np.all(hi.fraction_b[ok] <= lo.fraction_b[ok] + 1e-9)


@FAST
@given(st.integers(2, 8), st.data(), st.floats(1.0, 4.0), st.sampled_from(["share", "max"]))
def test_robustness_is_one_when_every_dimension_clears_the_threshold(n, data, t, normalise):
    b = np.array(data.draw(st.lists(positive, min_size=n, max_size=n)))
    margin = np.array(data.draw(st.lists(st.floats(0.0, 5.0), min_size=n, max_size=n)))
    a = b * t * (1 + margin)
    res = weight_robustness(a, b, threshold=t, normalise=normalise)
    assert res.fraction_a[0] == pytest.approx(1.0, abs=1e-9)


@FAST
@given(st.integers(2, 8), st.data(), st.floats(1.0, 4.0), st.sampled_from(["share", "max"]))
def test_robustness_is_zero_when_no_dimension_clears_the_threshold(n, data, t, normalise):
    b = np.array(data.draw(st.lists(positive, min_size=n, max_size=n)))
    shortfall = np.array(data.draw(st.lists(st.floats(0.01, 0.99), min_size=n, max_size=n)))
    a = b * t * (1 - shortfall)
    res = weight_robustness(a, b, threshold=t, normalise=normalise)
    assert res.fraction_a[0] == pytest.approx(0.0, abs=1e-9)


# ============================================================================ 4. dyad-year symmetry

def _pairs(df: pd.DataFrame) -> np.ndarray:
    return (df["ccode1"].to_numpy(np.int64) * 1000 + df["ccode2"].to_numpy(np.int64)) * 10000 \
        + df["year"].to_numpy(np.int64)


END_YEAR = pg.default_store().end_year


@FAST
@given(st.integers(1816, END_YEAR), st.integers(0, 12))
def test_directed_dyads_are_nondirected_plus_mirror(start, span):
    end = min(start + span, END_YEAR)
    d = pg.dyad_years(directed=True, start=start, end=end)
    u = pg.dyad_years(directed=False, start=start, end=end)
    assert not (d["ccode1"] == d["ccode2"]).any() and not (u["ccode1"] == u["ccode2"]).any()
    assert (u["ccode1"] < u["ccode2"]).all()
    kd, ku = _pairs(d), _pairs(u)
    assert len(np.unique(kd)) == len(kd) and len(np.unique(ku)) == len(ku)
    mirror = _pairs(u.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"}))
    assert len(kd) == 2 * len(ku)
    assert np.array_equal(np.sort(kd), np.sort(np.concatenate([ku, mirror])))
    # both sides of every dyad-year are state-years of the system
    sy = pg.state_years(start=start, end=end)
    members = set(zip(sy["ccode"].tolist(), sy["year"].tolist()))
    sample = u.iloc[:: max(1, len(u) // 200)]
    assert all((c, y) in members for c, y in zip(sample["ccode1"].tolist(), sample["year"].tolist()))
    assert all((c, y) in members for c, y in zip(sample["ccode2"].tolist(), sample["year"].tolist()))


@settings(max_examples=10, deadline=None)
@given(st.data())
def test_dyadic_values_agree_between_directed_and_nondirected_panels(data):
    """A dyadic series joined onto a directed panel gives x_12(a, b) = x_21(b, a); a
    symmetric one the same value both ways; the non-directed panel the directed rows' values."""
    store = pg.default_store()
    ids = sorted(s["id"] for s in store.catalog["series"] if s.get("dyadic"))
    sid = data.draw(st.sampled_from(ids))
    meta = store.series_meta(sid)
    year = data.draw(st.integers(max(1816, int(meta["first_year"])), min(int(meta["last_year"]), store.end_year)))
    d = pg.add_series(pg.dyad_years(directed=True, start=year, end=year), sid)
    u = pg.add_series(pg.dyad_years(directed=False, start=year, end=year), sid)
    cols = [sid] if meta.get("symmetric") else [f"{sid}_12", f"{sid}_21"]
    fwd = d.set_index(["ccode1", "ccode2", "year"])[cols]
    back = d.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"}).set_index(["ccode1", "ccode2", "year"])
    back = back.reindex(fwd.index)
    if meta.get("symmetric"):
        np.testing.assert_array_equal(fwd[sid].to_numpy(), back[sid].to_numpy(), err_msg=sid)
    else:
        np.testing.assert_array_equal(fwd[f"{sid}_12"].to_numpy(), back[f"{sid}_21"].to_numpy(), err_msg=sid)
    same = fwd.reindex(u.set_index(["ccode1", "ccode2", "year"]).index)
    np.testing.assert_array_equal(same.to_numpy(), u[cols].to_numpy(), err_msg=sid)


# ============================================================================ 5. missing is not zero

@FAST
@given(value_pairs(missing=False), st.data())
def test_compare_missing_is_missing_not_parity(pair, data):
    a, b = pair
    holes = data.draw(st.lists(st.integers(0, len(a) - 1), min_size=1, max_size=len(a)))
    side = data.draw(st.sampled_from(["a", "b", "both"]))
    a, b = a.copy(), b.copy()
    for i in holes:
        if side in ("a", "both"):
            a[i] = NAN
        if side in ("b", "both"):
            b[i] = NAN
    res = compare(a, b)
    for i in set(holes):
        for k in ("ratio", "side", "share_a", "womack"):
            assert np.isnan(res[k][i]), (k, res[k][i])
    flags = womack_stability(res["side"], res["womack"], 3)
    assert all(flags[i] is None for i in set(holes))


@FAST
@given(robustness_inputs(missing=False, min_dims=3), st.data(), st.sampled_from([1.2, 1.5, 2.0]),
       st.sampled_from(["share", "max"]))
def test_robustness_drops_a_missing_dimension_instead_of_scoring_it_zero(ab_vals, data, t, normalise):
    a, b = ab_vals
    j = data.draw(st.integers(0, a.shape[1] - 1))
    who = data.draw(st.sampled_from(["a", "b"]))
    holed_a, holed_b = a.copy(), b.copy()
    (holed_a if who == "a" else holed_b)[:, j] = NAN
    got = weight_robustness(holed_a, holed_b, threshold=t, normalise=normalise)
    want = weight_robustness(np.delete(a, j, axis=1), np.delete(b, j, axis=1), threshold=t, normalise=normalise)
    assert np.all(got.n_dimensions == a.shape[1] - 1)
    for f in ("fraction_a", "fraction_b", *ROBUST_FIELDS):
        np.testing.assert_allclose(getattr(got, f), getattr(want, f), rtol=1e-9, atol=1e-12, err_msg=f)
    nothing = weight_robustness(np.full((1, 3), NAN), np.full((1, 3), NAN), threshold=t, normalise=normalise)
    assert nothing.n_dimensions[0] == 0 and nothing.stronger[0] == 0
    assert np.isnan(nothing.fraction[0]) and np.isnan(nothing.fraction_a[0])


def test_profile_series_outside_coverage_are_missing_not_parity():
    """gdp_ppp starts in 1990 and milex_usd in 1949: earlier years have no ratio and no flag."""
    p = pg.capability_profile("USA", "JPN", start=1985, end=1992, registry=registry())
    rows = p.table[(p.table["level"] == "series") & (p.table["name"] == "gdp_ppp")]
    early = rows[rows["year"] < 1990]
    assert len(early) == 5
    assert early["a_value"].isna().all() and early["b_value"].isna().all()
    assert early["ratio"].isna().all() and early["share_a"].isna().all()
    assert early["womack"].isna().all() and early["stable"].isna().all() and early["stronger"].isna().all()
    late = rows[rows["year"] >= 1990]
    assert late["ratio"].notna().all()
    doc = p.to_dict()
    for y in doc["years"]:
        item = y["series"]["gdp_ppp"]
        if y["year"] < 1990:
            assert item["ratio"] is None and item["womack"] is None and item["share_a"] is None


# series whose coverage starts after 1816 (or ends before the snapshot's end), with the verb
# that adds them; the years outside coverage come from the catalog
COVERAGE_CASES = [("gdp_ppp", "add_gdp"), ("milex_usd", "add_milex"), ("nuclear_warheads", "add_nuclear"),
                  ("rd_gdp_pct", "add_tech")]


@settings(max_examples=12, deadline=None)
@given(st.sampled_from(COVERAGE_CASES), st.data())
def test_panel_verbs_leave_years_outside_coverage_missing(case, data):
    """e.g. gdp_ppp before 1990, milex_usd before 1949, nuclear_warheads (zero inside its
    coverage for states without weapons) before 1945 and after its last year."""
    sid, verb = case
    meta = pg.default_store().series_meta(sid)
    outside = [y for y in range(meta["first_year"] - 8, meta["first_year"]) if y >= 1816] + \
              list(range(meta["last_year"] + 1, END_YEAR + 1))
    year = data.draw(st.sampled_from(outside))
    panel = pg.state_years(start=year, end=year)
    out = getattr(pg, verb)(panel)
    assert len(out) == len(panel) > 0
    assert out[sid].isna().all(), f"{verb} gives {sid} values outside its coverage ({year})"
    assert not (out[sid] == 0).any()


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_add_series_matches_the_snapshot_and_never_invents_zeros(data):
    """Any state-year series: the panel has the snapshot's value where there is one, 0 only
    inside the coverage of a zero_within_coverage series, and NaN everywhere else."""
    store = pg.default_store()
    ids = sorted(s["id"] for s in store.catalog["series"] if not s.get("dyadic"))
    sid = data.draw(st.sampled_from(ids))
    meta = store.series_meta(sid)
    first, last = int(meta["first_year"]), int(meta["last_year"])
    lo = max(1816, first - 6)
    year0 = data.draw(st.integers(lo, min(last + 3, store.end_year)))
    year1 = min(year0 + data.draw(st.integers(0, 4)), store.end_year)
    panel = pg.state_years(start=year0, end=year1)
    got = pg.add_series(panel, sid)
    vals = got[sid].to_numpy(float)
    snap = store.series(sid)
    snap = snap[(snap["year"] >= year0) & (snap["year"] <= year1)]
    want = pd.Series(snap["value"].to_numpy(float),
                     index=pd.MultiIndex.from_arrays([snap["ccode"], snap["year"]])) if len(snap) else pd.Series(dtype=float)
    key = pd.MultiIndex.from_arrays([panel["ccode"].astype(np.int64), panel["year"].astype(np.int64)])
    expected = want.reindex(key).to_numpy(float) if len(want) else np.full(len(panel), np.nan)
    years = panel["year"].to_numpy()
    inside = (years >= first) & (years <= last)
    if meta.get("zero_within_coverage"):
        expected = np.where(np.isnan(expected) & inside, 0.0, expected)
    np.testing.assert_allclose(vals, expected, equal_nan=True, err_msg=sid)
    assert np.isnan(vals[~inside]).all(), f"{sid}: values outside {first}-{last}"


def test_dyad_verb_outside_coverage_is_missing():
    """Alliances are zero inside ATOP/COW coverage (sparse), missing after it ends."""
    store = pg.default_store()
    meta = store.series_meta("alliance_defense")
    panel = pg.dyad_years(directed=False, start=meta["last_year"] - 1, end=meta["last_year"] + 2)
    out = pg.add_alliances(panel)
    after = out["year"] > meta["last_year"]
    assert after.any() and (~after).any()
    for col in ("alliance_defense_12", "alliance_defense_21"):
        assert out.loc[after, col].isna().all(), col
        assert out.loc[~after, col].notna().all(), col
        assert (out.loc[~after, col] == 0).any()  # sparse: absent inside coverage is 0


def test_dependence_without_trade_data_is_null():
    d = pg.dependence("USA", "JPN", start=1860, end=1875)
    f = d.frame.set_index("year")
    no_trade = f["trade_usd"].isna()
    assert no_trade.loc[1860:1869].all() and no_trade.any() and (~no_trade).any()
    for col in ("a_on_b_share", "b_on_a_share", "asymmetry_ratio", "asymmetry_diff", "salience", "symmetry",
                "interdependence", "exports_ab_usd", "exports_ba_usd"):
        assert f.loc[no_trade, col].isna().all(), col
    for y in d.to_dict()["years"]:
        if y["year"] in f.index[no_trade]:
            assert y["a_on_b"]["trade_share"] is None and y["b_on_a"]["trade_share"] is None
            assert y["trade_usd"] is None and y["salience"] is None
            assert y["note"]


@settings(max_examples=12, deadline=None)
@given(st.sampled_from([("gdp_ppp", 1989), ("gdp_ppp", 1975), ("milex_usd", 1948), ("gdp_usd", 1959),
                        ("rd_gdp_pct", 1990)]),
       st.sampled_from(["CHN", "RUS", "USA", "IND"]), st.sampled_from([">=", "<=", "<"]))
def test_claims_on_missing_data_are_unverifiable(case, country, op):
    """A value before a series' first year is unverifiable under every comparison: read as 0,
    '>= 0' or '< 1' would come out supported."""
    sid, year = case
    claims = [
        {"id": "one", "text": "t", "source": "s", "value": f"{sid}({country}, {year})",
         "expect": {"op": op, "target": 0 if op != "<" else 1}},
        {"id": "diff", "text": "t", "source": "s", "value": f"{sid}({country}, {year}) - {sid}({country}, {year})",
         "expect": {"op": "approx", "target": 0, "tolerance": 0.1}},
        {"id": "sum", "text": "t", "source": "s", "value": f"{sid}({country}, {year}) + 1",
         "expect": {"op": "<=", "target": 1}},
    ]
    rep = pg.check_claims(claims)
    assert [r.id for r in rep.results] == ["one", "diff", "sum"]
    for r in rep.results:
        assert r.verdict == "unverifiable" and r.value is None, (r.id, r.verdict, r.value)
        assert r.missing and r.missing[0]["series"] == sid
