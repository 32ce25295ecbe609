"""CINC (publisher's rule, strict, custom weights), Beckley's net resources and GDP ratios."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from powergap.errors import InputError
from powergap.measures.composite import (
    NMC_COMPONENTS,
    cinc,
    gdp_ratio,
    net_resources,
    net_resources_frame,
    weighted_composite,
)


def _frame() -> pd.DataFrame:
    # Three states, one year; state 3 lacks milex and upop.
    return pd.DataFrame({
        "ccode": [1, 2, 3], "year": [1900, 1900, 1900],
        "nmc_milex": [10.0, 30.0, np.nan], "milper": [1.0, 1.0, 2.0], "irst": [0.0, 5.0, 5.0],
        "pec": [2.0, 2.0, 4.0], "tpop": [100.0, 300.0, 600.0], "upop": [10.0, 30.0, np.nan],
    })


def test_publisher_rule_hand_worked():
    out = cinc(_frame()).set_index("ccode")
    # shares: milex .25 .75 -; milper .25 .25 .5; irst 0 .5 .5; pec .25 .25 .5; tpop .1 .3 .6; upop .25 .75 -
    assert out.loc[1, "cinc"] == pytest.approx((0.25 + 0.25 + 0 + 0.25 + 0.1 + 0.25) / 6)
    assert out.loc[3, "cinc"] == pytest.approx((0.5 + 0.5 + 0.5 + 0.6) / 4)  # mean of AVAILABLE shares
    assert out.loc[3, "n_components"] == 4
    assert out["cinc"].sum() > 1  # not a partition when components are missing


def test_strict_and_weights():
    strict = cinc(_frame(), rule="strict").set_index("ccode")
    assert np.isnan(strict.loc[3, "cinc"])
    assert strict.loc[1, "cinc"] == pytest.approx(cinc(_frame()).set_index("ccode").loc[1, "cinc"])
    w = cinc(_frame(), weights={"nmc_milex": 3, "tpop": 1}).set_index("ccode")
    assert w.loc[1, "cinc"] == pytest.approx((3 * 0.25 + 0.1) / 4)
    assert w.loc[3, "cinc"] == pytest.approx(0.6)  # renormalised over what state 3 has
    only_milex = cinc(_frame(), weights={"nmc_milex": 1}).set_index("ccode")
    assert np.isnan(only_milex.loc[3, "cinc"])
    ws = cinc(_frame(), weights={"nmc_milex": 1, "tpop": 1}, rule="strict").set_index("ccode")
    assert np.isnan(ws.loc[3, "cinc"]) and ws.loc[2, "cinc"] == pytest.approx((0.75 + 0.3) / 2)


def test_cinc_bad_inputs():
    with pytest.raises(InputError, match="unknown CINC component"):
        cinc(_frame(), weights={"gdp": 1})
    with pytest.raises(InputError, match="non-negative"):
        cinc(_frame(), weights={"tpop": -1})
    with pytest.raises(InputError, match="positive"):
        cinc(_frame(), weights={"tpop": 0})
    with pytest.raises(InputError, match="rule"):
        cinc(_frame(), rule="sum6")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="lacks column"):
        cinc(_frame().drop(columns="upop"))
    bad = _frame()
    bad.loc[0, "pec"] = -9
    with pytest.raises(InputError, match="-9"):
        cinc(bad)
    with pytest.raises(InputError, match="duplicate"):
        cinc(pd.concat([_frame(), _frame()]))


def test_reproduces_published_cinc_for_every_state_year(store):
    """NMC v7.0: recomputed CINC matches the published column to 1e-6 (methods.md: 2.4e-8)."""
    ours = cinc(store=store)
    pub = store.series("cinc")[["ccode", "year", "value"]]
    m = pub.merge(ours, on=["ccode", "year"], how="outer", indicator=True)
    assert (m["_merge"] == "both").all(), "every published state-year has a recomputed value"
    assert len(m) == len(pub)
    err = (m["cinc"] - m["value"]).abs()
    assert err.max() < 1e-6
    assert (ours["n_components"] < 6).sum() > 2000  # v7: 2,804 rows miss a component
    # sum/6 would be far off on those rows
    assert ours["cinc"].notna().all()


def test_yearly_sum_exceeds_one_in_1860(store):
    ours = cinc(store=store)
    assert ours.loc[ours["year"] == 1860, "cinc"].sum() == pytest.approx(1.0747, abs=5e-4)


def test_net_resources_formula():
    np.testing.assert_allclose(net_resources([10.0, 6.0], [2.0, 3.0]), [50.0, 12.0])
    out = net_resources([10.0, np.nan, 5.0, -1.0], [0.0, 1.0, 1.0, 1.0])
    assert np.isnan(out[0]) and np.isnan(out[1]) and out[2] == 25.0 and np.isnan(out[3])


def _need(store, *ids):
    # A series dropped from the shipped snapshot is a failure, never a skip.
    missing = [s for s in ids if s not in store.series_index]
    assert not missing, f"series {', '.join(missing)} missing from the shipped snapshot"


def test_gdp_ratios_and_net_resources_from_snapshot(store):
    _need(store, "gdp_usd", "gdp_ppp", "population")
    mer = gdp_ratio("CHN", "RUS", basis="mer", start=2020, end=2020, store=store).iloc[0]
    g_c, g_r = store.value("gdp_usd", 710, 2020), store.value("gdp_usd", 365, 2020)
    assert mer["ratio"] == pytest.approx(g_c / g_r)
    assert mer["stronger"] == "CHN" and mer["share_a"] == pytest.approx(g_c / (g_c + g_r))
    # methods.md 1.2 [C]: about 9.9 with the July 2021 WDI vintage
    assert 9.0 < mer["ratio"] < 11.0
    ppp = gdp_ratio("CHN", "RUS", basis="ppp", start=2020, end=2020, store=store).iloc[0]
    assert 3.0 < ppp["ratio"] < 8.0
    nr = net_resources_frame(store=store, ccodes=[710, 365]).set_index(["ccode", "year"])
    p_c, p_r = store.value("population", 710, 2020), store.value("population", 365, 2020)
    want = (g_c / g_r) ** 2 * (p_r / p_c)
    got = nr.loc[(710, 2020), "net_resources"] / nr.loc[(365, 2020), "net_resources"]
    assert got == pytest.approx(want)
    assert 8.0 < got < 12.5  # methods.md: about 10.1 (near-equal GDP per capita)


def test_gdp_ratio_bad_basis(store):
    with pytest.raises(InputError, match="basis"):
        gdp_ratio("CHN", "RUS", basis="nominal", store=store)  # type: ignore[arg-type]


def test_weighted_composite():
    a = pd.DataFrame({"military": [3.0, np.nan], "economic": [1.0, 2.0]})
    b = pd.DataFrame({"military": [1.0, 1.0], "economic": [1.0, 2.0]})
    out = weighted_composite(a, b, {"military": 3, "economic": 1})
    # shares: military .75/.25, economic .5/.5 -> (3*.75 + .5)/4 = .6875 vs .3125
    assert out.loc[0, "composite_a"] == pytest.approx(0.6875)
    assert out.loc[0, "ratio"] == pytest.approx(0.6875 / 0.3125) and out.loc[0, "stronger"] == "a"
    assert out.loc[1, "stronger"] is None and out.loc[1, "ratio"] == 1.0 and out.loc[1, "n_dimensions"] == 1
    one = weighted_composite({"x": 1.0, "y": 4.0}, {"x": 2.0, "y": 1.0}, {"y": 1})
    assert one.loc[0, "share_a"] == pytest.approx(0.8)
    with pytest.raises(InputError, match="unknown dimension"):
        weighted_composite(a, b, {"nuclear": 1})
    with pytest.raises(InputError, match="positive"):
        weighted_composite(a, b, {"military": 0})


def test_components_constant():
    assert NMC_COMPONENTS == ("nmc_milex", "milper", "irst", "pec", "tpop", "upop")
