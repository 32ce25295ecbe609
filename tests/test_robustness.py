"""Exact weight robustness (issue 4 item 4): closed form vs recursion vs Monte Carlo."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from powergap.errors import InputError
from powergap.measures.robustness import (
    closed_form_probability,
    common_dimensions,
    normalise_scores,
    probability_nonnegative,
    weight_robustness,
    weight_robustness_mc,
)

# Values on a coarse grid produce exact ties and near-ties often.
value = st.one_of(st.integers(0, 6).map(float), st.floats(0.0, 50.0, allow_nan=False, width=32).map(float))
# The exact (rational) oracle takes every float, subnormals included.
coef = st.one_of(st.integers(-3, 3).map(float), st.floats(-5.0, 5.0, allow_nan=False).map(float))
# The Monte Carlo oracle sums ``w_i * c_i`` in floating point. Dirichlet weights go down to
# about 1e-10 in 40,000 draws, so a coefficient below ~1e-298 gives products that are
# subnormal or flush to zero, and then the oracle, not the product, is wrong (issue 12).
# Its coefficients stay at magnitudes it computes exactly: 0 or 1e-150 <= |c| <= 5 (mixed
# magnitudes up to a ratio of 5e150 are still drawn).
_mc_magnitude = st.floats(1e-150, 5.0, allow_nan=False, allow_infinity=False, allow_subnormal=False)
mc_coef = st.one_of(st.integers(-3, 3).map(float),
                    st.tuples(st.sampled_from((1.0, -1.0)), _mc_magnitude).map(lambda sm: sm[0] * sm[1]))


def _dirichlet_mc(c: np.ndarray, draws: int, seed: int) -> float:
    w = np.random.default_rng(seed).dirichlet(np.ones(len(c)), size=draws)
    return float(((w @ c) >= 0).mean())


# ----------------------------------------------------------------------------- hand-worked

def test_two_dimensions_hand_worked():
    # w c1 + (1-w) c2 >= 0  <=>  w >= -c2/(c1-c2): probability c1/(c1-c2)
    assert probability_nonnegative([3.0, -1.0])[0] == pytest.approx(0.75, abs=1e-15)
    assert closed_form_probability([3, -1]) == Fraction(3, 4)


def test_tied_knots_hand_worked():
    # c = (1, 1, -1): P(E1 + E2 >= E3) = 1 - E[exp(-(E1+E2))] = 1 - 1/4
    assert probability_nonnegative([1.0, 1.0, -1.0])[0] == pytest.approx(0.75, abs=1e-15)
    assert closed_form_probability([1, 1, -1]) == Fraction(3, 4)
    # c = (1, -1, -1): P(E1 >= E2 + E3) = 1/4
    assert closed_form_probability([1, -1, -1]) == Fraction(1, 4)
    # all knots equal and positive / negative
    assert closed_form_probability([2, 2, 2, 2]) == 1
    assert closed_form_probability([-2, -2, -2]) == 0


def test_zeros_drop_out_and_degenerate_cases():
    assert probability_nonnegative([2.0, 0.0, -1.0, 0.0])[0] == pytest.approx(2 / 3)
    assert probability_nonnegative([0.0, 0.0])[0] == 1.0  # composite equals t x the other: ">=" holds
    assert closed_form_probability([0, 0]) == 1
    assert closed_form_probability([0, 0], strict=True) == 0
    assert probability_nonnegative([0.0, -1.0])[0] == 0.0
    assert np.isnan(probability_nonnegative([np.nan, np.nan])[0])
    # NaN = absent dimension = the simplex of the others
    assert probability_nonnegative([3.0, np.nan, -1.0])[0] == pytest.approx(0.75)


def test_input_is_not_modified():
    # A 1-d float array used to be rescaled in place (its transpose needed no copy).
    c = np.array([1.0, -3.0])
    assert probability_nonnegative(c)[0] == pytest.approx(0.25)
    np.testing.assert_array_equal(c, [1.0, -3.0])
    c2 = np.array([[2.0, np.nan, -1.0]])
    probability_nonnegative(c2)
    assert c2[0, 0] == 2.0 and np.isnan(c2[0, 1]) and c2[0, 2] == -1.0


def test_near_ties_are_accurate():
    # Knots 1e-9 apart: the float divided-difference sum would cancel to garbage.
    eps = 1e-9
    c = [1.0, 1.0 + eps, 1.0 + 2 * eps, -0.5, -0.5 - eps, 0.3]
    exact = float(closed_form_probability(c))
    assert probability_nonnegative(c)[0] == pytest.approx(exact, abs=1e-13)
    tied = float(closed_form_probability([1.0, 1.0, 1.0, -0.5, -0.5, 0.3]))
    assert exact == pytest.approx(tied, abs=1e-8)


# ----------------------------------------------------------------------------- properties

@settings(max_examples=120, deadline=None)
@given(st.lists(coef, min_size=1, max_size=12))
@example([5e-324, -5e-324, -5e-324, -5e-324])  # subnormal knots: exactly 1/8
@example([1e-310, -3e-310, 2e-310])
@example([5.0, -5e-324])
def test_recursion_equals_exact_closed_form(c):
    got = probability_nonnegative(c)[0]
    want = float(closed_form_probability(c))
    assert got == pytest.approx(want, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(mc_coef, min_size=2, max_size=12), st.integers(0, 2**31 - 1))
@example([1e-150, -1e-150, -1e-150, -1e-150], 0)  # smallest magnitudes drawn: exactly 1/8
@example([5.0, 1e-150, -1e-150, -3.0], 1)
def test_recursion_matches_monte_carlo(c, seed):
    c = np.array(c)
    draws = 40_000
    mc = _dirichlet_mc(c, draws, seed)
    got = probability_nonnegative(c)[0]
    se = np.sqrt(max(got * (1 - got), 1e-4) / draws)
    assert abs(got - mc) <= 5 * se + 1e-3


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 12).flatmap(lambda n: st.tuples(st.lists(value, min_size=n, max_size=n),
                                                      st.lists(value, min_size=n, max_size=n))),
       st.floats(1.0, 4.0))
@example(([2.0, 2.0], [3.0, 3.0]), 1.5)  # B's side tied in every dimension
@example(([1.0, 1.0, 4.0], [3.0, 3.0, 1.0]), 3.0)  # two of three tied
def test_weight_robustness_against_dirichlet_sampling(ab, t):
    a, b = map(np.array, ab)
    res = weight_robustness(a, b, threshold=t)
    xa, xb = res.scores_a[0], res.scores_b[0]
    draws = 40_000
    w = np.random.default_rng(5).dirichlet(np.ones(len(a)), size=draws)
    sa, sb = w @ xa, w @ xb
    for got, hit, x, y in ((res.fraction_a[0], sa >= t * sb, xa, xb), (res.fraction_b[0], sb >= t * sa, xb, xa)):
        assert 0.0 <= got <= 1.0
        if np.isclose(x, t * y, rtol=1e-10, atol=0).all():
            # Every dimension sits at the threshold (e.g. a = (2, 2), b = (3, 3), t = 1.5):
            # the composite ratio is t for every weighting up to rounding, so the sampled
            # event is decided by rounding noise and the MC oracle cannot compute it. The
            # product's answer there is pinned in test_exact_ties_at_the_threshold.
            continue
        se = np.sqrt(max(got * (1 - got), 1e-4) / draws)
        assert abs(got - hit.mean()) <= 5 * se + 2e-3
    # extremes: every sampled composite ratio lies between min_ratio and max_ratio
    if res.stronger[0] != 0 and (xb > 0).all() and (xa > 0).all():
        r = sa / sb if res.stronger[0] == 1 else sb / sa
        assert r.min() >= res.min_ratio[0] * (1 - 1e-9)
        assert r.max() <= res.max_ratio[0] * (1 + 1e-9)


def test_exact_ties_at_the_threshold():
    # B's composite is exactly 1.5 x A's under every weighting: ">=" holds everywhere.
    res = weight_robustness([2.0, 2.0], [3.0, 3.0], threshold=1.5)
    assert res.fraction_b[0] == 1.0 and res.fraction_a[0] == 0.0
    res = weight_robustness([1.0, 1.0, 1.0], [3.0, 3.0, 3.0], threshold=3.0)
    assert res.fraction_b[0] == 1.0
    # Just above the tie (beyond the 1e-12 snap), no weighting qualifies.
    res = weight_robustness([2.0, 2.0], [3.0, 3.0], threshold=1.5 * (1 + 1e-9))
    assert res.fraction_b[0] == 0.0


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(st.lists(value, min_size=n, max_size=n),
                                                      st.lists(value, min_size=n, max_size=n))))
def test_monotone_in_threshold_and_bounded(ab):
    a, b = map(np.array, ab)
    ts = np.array([1.0, 1.1, 1.5, 2.0, 3.0, 10.0])
    fa = np.array([weight_robustness(a, b, threshold=t).fraction_a[0] for t in ts])
    fb = np.array([weight_robustness(a, b, threshold=t).fraction_b[0] for t in ts])
    for f in (fa, fb):
        assert ((f >= 0) & (f <= 1)).all()
        assert (np.diff(f) <= 1e-12).all()


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(st.lists(value, min_size=n, max_size=n),
                                                      st.lists(value, min_size=n, max_size=n))),
       st.floats(1.0, 3.0))
# Each branch below runs on at least these (random draws rarely reach the last one).
@example(([4.0, 5.0], [1.0, 1.0]), 2.0)   # every dimension clears t: 1
@example(([1.2, 1.1], [1.0, 1.0]), 1.5)   # A stronger, no dimension clears t: 0
def test_one_or_zero_when_every_dimension_agrees(ab, t):
    a, b = map(np.array, ab)
    res = weight_robustness(a, b, threshold=t)
    xa, xb = res.scores_a[0], res.scores_b[0]
    if (xa >= t * xb).all():
        assert res.fraction_a[0] == 1.0
    if (xa < t * xb).all() and not np.isclose(xa, t * xb, rtol=1e-9, atol=0).any():
        assert res.fraction_a[0] == 0.0
    # min_ratio >= t: every weighting qualifies; max_ratio < t: none does
    if res.stronger[0] == 1 and res.min_ratio[0] >= t * (1 + 1e-9):
        assert res.fraction[0] == 1.0
    if res.stronger[0] == 1 and res.max_ratio[0] < t * (1 - 1e-9):
        assert res.fraction[0] == 0.0


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8).flatmap(lambda n: st.tuples(st.lists(value, min_size=n, max_size=n),
                                                     st.lists(value, min_size=n, max_size=n))),
       st.floats(1.0, 3.0))
def test_swapping_sides_swaps_fractions(ab, t):
    a, b = map(np.array, ab)
    r1 = weight_robustness(a, b, threshold=t)
    r2 = weight_robustness(b, a, threshold=t)
    assert r1.fraction_a[0] == pytest.approx(r2.fraction_b[0], abs=1e-12)
    assert r1.fraction_b[0] == pytest.approx(r2.fraction_a[0], abs=1e-12)
    assert r1.stronger[0] == -r2.stronger[0]
    assert r1.fraction[0] == pytest.approx(r2.fraction[0], abs=1e-12)
    assert r1.min_ratio[0] == pytest.approx(r2.min_ratio[0], rel=1e-12)


def test_units_do_not_matter():
    rng = np.random.default_rng(3)
    a, b = rng.lognormal(size=(50, 6)), rng.lognormal(size=(50, 6))
    scale = np.array([1e-3, 1.0, 1e6, 7.0, 1e9, 0.01])
    for norm in ("share", "max"):
        r1 = weight_robustness(a, b, normalise=norm)
        r2 = weight_robustness(a * scale, b * scale, normalise=norm)
        np.testing.assert_allclose(r1.fraction, r2.fraction, atol=1e-12)
        np.testing.assert_allclose(r1.min_ratio, r2.min_ratio, rtol=1e-12)


def test_lower_is_stronger_means_reciprocals():
    a = np.array([[4.0, 10.0, 1.0]])
    b = np.array([[2.0, 5.0, 3.0]])
    r1 = weight_robustness(a, b, directions=[1, 1, -1])
    # direction -1 on (1 vs 3) is the same as direction +1 on (1/1 vs 1/3)
    r3 = weight_robustness(np.array([[4.0, 10.0, 1.0]]), np.array([[2.0, 5.0, 1 / 3]]))
    np.testing.assert_allclose(r1.fraction_a, r3.fraction_a, atol=1e-12)
    xa, xb = normalise_scores(a, b, directions=[1, 1, -1])
    assert xa[0, 2] == pytest.approx(0.75) and xb[0, 2] == pytest.approx(0.25)
    xa, xb = normalise_scores(a, b, normalise="max", directions=[1, 1, -1])
    assert xa[0, 2] == 1.0 and xb[0, 2] == pytest.approx(1 / 3)


def test_vectorised_rows_equal_single_rows_and_handle_missing():
    rng = np.random.default_rng(11)
    a, b = rng.lognormal(size=(200, 6)), rng.lognormal(size=(200, 6))
    a[rng.random(a.shape) < 0.2] = np.nan
    a[5] = np.nan  # a row with no data at all
    res = weight_robustness(a, b, threshold=1.3)
    assert np.isnan(res.fraction[5]) and res.n_dimensions[5] == 0 and res.stronger[5] == 0
    for i in (0, 1, 17, 99, 150):
        keep = ~np.isnan(a[i])
        one = weight_robustness(a[i][keep], b[i][keep], threshold=1.3)
        assert res.fraction_a[i] == pytest.approx(one.fraction_a[0], abs=1e-13)
        assert res.max_ratio[i] == pytest.approx(one.max_ratio[0])


def test_extremes_are_single_dimension_ratios_and_zero_gives_inf():
    res = weight_robustness([3.0, 1.0, 0.0], [1.0, 1.0, 2.0], threshold=1.5)
    # equal weights: shares (.75, .5, 0) vs (.25, .5, 1): B stronger (1.75 vs 1.25)
    assert res.stronger[0] == -1
    assert res.min_ratio[0] == pytest.approx(1 / 3)
    assert np.isinf(res.max_ratio[0])
    assert res.equal_weight_ratio[0] == pytest.approx(1.75 / 1.25)


def test_mc_helper_agrees():
    rng = np.random.default_rng(2)
    a, b = rng.lognormal(size=(20, 6)), rng.lognormal(size=(20, 6))
    exact = weight_robustness(a, b, threshold=1.2)
    fa, fb = weight_robustness_mc(a, b, threshold=1.2, draws=50_000, seed=4)
    se = np.sqrt(np.clip(exact.fraction_a * (1 - exact.fraction_a), 1e-4, None) / 50_000)
    assert (np.abs(exact.fraction_a - fa) <= 5 * se + 1e-3).all()


def test_bad_inputs():
    with pytest.raises(InputError, match="threshold must be a positive number, got 0"):
        weight_robustness([1.0], [2.0], threshold=0)
    with pytest.raises(InputError, match="values_a must be non-negative"):
        weight_robustness([1.0, -2.0], [2.0, 1.0])
    with pytest.raises(InputError, match=r"values_a and values_b differ in shape: \(1, 2\) vs \(1, 1\)"):
        weight_robustness([1.0, 2.0], [2.0])
    with pytest.raises(InputError, match=r"unknown normalisation \'zscore\' \(choose one of share, max, none\)"):
        weight_robustness([1.0], [2.0], normalise="zscore")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="directions must be 1 values of [+]1 or -1"):
        weight_robustness([1.0], [2.0], directions=[2])
    with pytest.raises(InputError, match="c must be finite"):
        probability_nonnegative([np.inf, -1.0])


# ----------------------------------------------------------------------------- comparing years (issue 12)

def test_common_dimensions_constructed():
    nan = np.nan
    va = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, nan], [nan, nan, nan], [1.0, nan, 3.0]])
    vb = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [nan, nan, nan], [1.0, 1.0, 1.0]])
    # a row without any value does not count; one side missing is missing
    assert common_dimensions(va, vb).tolist() == [True, False, False]
    assert common_dimensions(va[:1], vb[:1]).tolist() == [True, True, True]
    assert common_dimensions(va[2:3], vb[2:3]).tolist() == [False, False, False]


def test_report_robustness_weighs_the_same_dimensions_every_year():
    """China-Russia 2015-2024: the nuclear series ends in 2023 and the financial one too, the
    diplomatic ones in 2018; every year is weighed on the same set and the headline says how
    many (the share used to jump when 6 dimensions became 4)."""
    import types

    from powergap.measures.capability import capability_profile
    from powergap.report.build import robustness_section
    from powergap.report.page import fmt_ratio, fmt_share

    prof = capability_profile("CHN", "RUS", start=2015, end=2024)
    from powergap.snapshot.store import default_store

    ctx = types.SimpleNamespace(A="CHN", B="RUS", years=list(range(2015, 2025)), span="2015-2024", start=2015,
                                end=2024, use=lambda s: list(s), headlines=[], store=default_store())
    sec = robustness_section(prof, ctx)
    table = sec.figures[0].table
    counts = set(table["Dimensions with data"])
    assert counts == {"4"}
    assert any("same 4 dimensions (military, economic, technological, demographic)" in n for n in sec.notes)
    assert any("financial" in n and "nuclear" in n and "diplomatic" in n for n in sec.notes)
    assert ctx.headlines == [h for h in ctx.headlines if "of 4 dimensions" in h] and ctx.headlines
    # the share for each year equals a direct computation on those four dimensions only
    d = prof.dimensions()
    keep = ["military", "economic", "technological", "demographic"]
    for j, y in enumerate(range(2015, 2025)):
        rows = d[(d["year"] == y)].set_index("name").loc[keep]
        ref = weight_robustness(rows["a_value"].to_numpy(float), rows["b_value"].to_numpy(float), threshold=1.5)
        assert table.iloc[j, 3] == fmt_share(ref.fraction[0])
        assert table.iloc[j, 5] == fmt_ratio(ref.equal_weight_ratio[0])


def test_dyad_robustness_says_how_many_dimensions():
    from powergap.measures.robustness import dyad_robustness

    r = dyad_robustness("CHN", "RUS", year=2024).to_dict()
    assert r["n_dimensions"] == len(r["dimensions"]) == 4
    assert sorted(r["missing_dimensions"]) == ["diplomatic", "financial", "nuclear"]
