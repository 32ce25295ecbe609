"""Capability profile, registry, Womack flag and stability, Korolev's order, CLI (issue 4)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from powergap.errors import CoverageError, InputError, UnknownStateError
from powergap.measures.capability import (
    DIMENSIONS,
    capability_profile,
    compare,
    korolev_order,
    load_registry,
    womack_stability,
)
from powergap.measures.robustness import dyad_robustness, weight_robustness
from powergap.snapshot.store import Snapshot

CHN, RUS, USA = 710, 365, 2
YEARS = list(range(2000, 2011))


# ----------------------------------------------------------------------------- a tiny snapshot

def _series_meta(sid, unit, *, dyadic=False, symmetric=False, zwc=False, first=2000, last=2010):
    return {"id": sid, "description": sid, "unit": unit, "dimension": "other", "source": "test",
            "sources": ["test"], "dyadic": dyadic, "symmetric": symmetric, "zero_within_coverage": zwc,
            "first_year": first, "last_year": last, "n_obs": 0}


def write_snapshot(path: Path, state_rows: list[tuple], dyad_rows: list[tuple], meta: list[dict], end_year=2010):
    path.mkdir(parents=True, exist_ok=True)
    # sorted by series, as the snapshot builder writes them (the store relies on it)
    sy = pd.DataFrame(state_rows, columns=["series", "ccode", "year", "value"]).sort_values(
        ["series", "ccode", "year"], kind="stable")
    sy["source"] = "test"
    dy = pd.DataFrame(dyad_rows, columns=["series", "ccode1", "ccode2", "year", "value"]).sort_values(
        ["series", "ccode1", "ccode2", "year"], kind="stable")
    dy["source"] = "test"
    for df, name in ((sy, "state_year.parquet"), (dy, "dyad_year.parquet")):
        for c in ("ccode", "ccode1", "ccode2", "year"):
            if c in df:
                df[c] = df[c].astype("int64")
        df["value"] = df["value"].astype(float)
        df.to_parquet(path / name, index=False)
    catalog = {"end_year": end_year, "format": 1, "writer": "test", "files": {}, "tables": {},
               "series": meta,
               "sources": [{"key": "test", "title": "Test data", "producer": "tests", "version": "1",
                            "citation": "Hand-made test data.", "licence": "CC0", "url": "https://example.org"}]}
    (path / "catalog.json").write_text(json.dumps(catalog), encoding="utf-8")
    return Snapshot(path)


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> Snapshot:
    rows = []
    for y in YEARS:
        k = y - 2000
        rows += [("cinc", CHN, y, 0.10 + 0.01 * k), ("cinc", RUS, y, 0.05), ("cinc", USA, y, 0.15)]
        # military: China ahead by 2x, except RUS missing in 2005 -> fallback to personnel
        rows += [("milex_usd", CHN, y, 200.0e9), ("milex_usd", USA, y, 600.0e9)]
        if y != 2005:
            rows.append(("milex_usd", RUS, y, 100.0e9))
        rows += [("milper", CHN, y, 2000.0), ("milper", RUS, y, 1000.0 + 100 * (y == 2005) * 8),
                 ("milper", USA, y, 1400.0)]
        # economy: ratio grows from 1.2 to 2.2 (crosses 1.5 in 2003)
        rows += [("gdp_usd", CHN, y, (1.2 + 0.1 * k) * 1e12), ("gdp_usd", RUS, y, 1.0e12),
                 ("gdp_usd", USA, y, 10.0e12)]
        rows += [("population", CHN, y, 1.3e9), ("population", RUS, y, 1.4e8), ("population", USA, y, 3.0e8)]
        # nuclear: sparse, China absent (= 0 inside coverage)
        rows += [("nuclear_warheads", RUS, y, 5000.0), ("nuclear_warheads", USA, y, 4000.0)]
    dyads = []
    for y in YEARS:
        if y <= 2008:  # IGO data stop in 2008
            dyads += [("igo_joint", USA, RUS, y, 50.0), ("igo_joint", USA, CHN, y, 40.0),
                      ("igo_joint", RUS, CHN, y, 30.0)]
        # alliances: sparse symmetric; RUS-USA none; one defense pact USA-CHN? none; RUS has 2 partners
    dyads += [("alliance_defense", 20, RUS, y, 1.0) for y in YEARS] + \
             [("alliance_defense", RUS, 700, y, 1.0) for y in YEARS if y >= 2003]
    meta = [_series_meta("cinc", "share"), _series_meta("milex_usd", "US$"), _series_meta("milper", "thousands"),
            _series_meta("gdp_usd", "US$"), _series_meta("population", "persons"),
            _series_meta("nuclear_warheads", "warheads", zwc=True),
            _series_meta("igo_joint", "count", dyadic=True, symmetric=True, last=2008),
            _series_meta("alliance_defense", "0/1", dyadic=True, symmetric=True, zwc=True)]
    return write_snapshot(tmp_path_factory.mktemp("snap"), rows, dyads, meta)


REGISTRY = {
    "version": 1,
    "dimensions": {
        "military": {"series": [{"id": "milex_usd", "direction": 1, "unit": "US$"},
                                {"id": "milper", "direction": 1, "unit": "thousands"}]},
        "economic": {"series": [{"id": "gdp_usd", "direction": 1, "unit": "US$"}]},
        "demographic": {"series": [{"id": "population", "direction": 1, "unit": "persons"}]},
        "nuclear": {"series": [{"id": "nuclear_warheads", "direction": 1, "unit": "warheads"}]},
        "diplomatic": {"series": [
            {"name": "igo_ties", "dyadic": ["igo_joint"], "stat": "sum", "direction": 1, "unit": "IGOs"},
            {"name": "allies", "dyadic": "alliance_defense", "stat": "count", "direction": 1, "unit": "states"}]},
        "financial": {"series": [{"name": "gdp_per_head", "formula": {"gdp_usd": 1, "population": -1},
                                  "direction": 1, "unit": "US$/person"}]},
        "technological": {"series": [{"name": "gdp_twice", "formula": {"gdp_usd": 1}, "scale": 2.0,
                                      "direction": -1, "unit": "US$ (lower is stronger, for the test)"}]},
    },
    "indices": [{"id": "cinc", "direction": 1, "unit": "share"},
                {"name": "net_resources", "formula": {"gdp_usd": 2, "population": -1}, "direction": 1,
                 "unit": "US$^2/person"}],
}


def _row(prof, level, name, year):
    t = prof.table
    r = t[(t["level"] == level) & (t["name"] == name) & (t["year"] == year)]
    assert len(r) == 1
    return r.iloc[0]


# ----------------------------------------------------------------------------- comparisons

def test_compare_definitions():
    c = compare([3.0, 1.0, 0.0, 0.0, np.nan, -1.0, 2.0], [2.0, 3.0, 5.0, 0.0, 1.0, 1.0, 2.0], threshold=1.5)
    np.testing.assert_allclose(c["ratio"][:4], [1.5, 3.0, np.inf, 1.0])
    np.testing.assert_array_equal(c["side"][:4], [1, -1, -1, 0])
    np.testing.assert_allclose(c["share_a"][:4], [0.6, 0.25, 0.0, 0.5])
    np.testing.assert_array_equal(c["womack"][:4], [1, 1, 1, 0])  # 1.5 counts; parity is never asymmetric
    assert np.isnan(c["ratio"][4]) and np.isnan(c["womack"][4]) and np.isnan(c["side"][4])
    assert np.isnan(c["ratio"][5])  # negative values are not capabilities: missing
    assert c["side"][6] == 0 and c["womack"][6] == 0
    assert compare([1.0], [3.0], direction=-1)["side"][0] == 1  # lower is stronger


def test_stability_looks_back_k_years():
    nan = np.nan
    side = [1, 1, 1, 1, 1, 1, nan, 1, 1, -1, -1, 1]
    flag = [1, 1, 1, 0, 1, 1, nan, 1, 1, 1, 1, 1]
    got = womack_stability(side, flag, 2)
    # year0: run 1 after unknown -> None; year1: run 2 -> True; year3 flag off -> False;
    # year4: run 1 after an observed break -> False; year5 -> True; year6 missing -> None;
    # year7: run 1 after missing -> None; year8 -> True; year9: side flips -> False; year10 -> True
    assert got == [None, True, True, False, False, True, None, None, True, False, True, False]
    assert womack_stability([1, 1, 1], [1, 1, 1], 1) == [True, True, True]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(0, 100, allow_nan=False)), min_size=1, max_size=30),
       st.lists(st.one_of(st.none(), st.floats(0, 100, allow_nan=False)), min_size=1, max_size=30),
       st.floats(1.0, 3.0), st.integers(1, 6))
def test_swapping_sides_swaps_sides_not_verdicts(a, b, t, k):
    n = min(len(a), len(b))
    va = np.array([np.nan if x is None else x for x in a[:n]])
    vb = np.array([np.nan if x is None else x for x in b[:n]])
    ab, ba = compare(va, vb, threshold=t), compare(vb, va, threshold=t)
    np.testing.assert_array_equal(ab["ratio"], ba["ratio"])
    np.testing.assert_array_equal(ab["womack"], ba["womack"])
    np.testing.assert_array_equal(ab["side"], -ba["side"])
    np.testing.assert_allclose(ab["share_a"], 1 - ba["share_a"], atol=1e-12)
    assert womack_stability(ab["side"], ab["womack"], k) == womack_stability(ba["side"], ba["womack"], k)
    missing = np.isnan(va) | np.isnan(vb)
    assert np.isnan(ab["womack"][missing]).all()  # missing is never parity


# ----------------------------------------------------------------------------- profile

def test_profile_values_precedence_and_missing(mini):
    p = capability_profile("CHN", "RUS", start=2002, end=2010, registry=REGISTRY, store=mini, stability=3)
    r = _row(p, "series", "milex_usd", 2004)
    assert (r["ratio"], r["stronger"], bool(r["womack"]), r["share_a"]) == (2.0, "CHN", True, pytest.approx(2 / 3))
    assert bool(r["stable"])  # 2002-2004 all flagged (look-back uses 2000-2001 too)
    gap = _row(p, "series", "milex_usd", 2005)
    assert np.isnan(gap["ratio"]) and gap["stronger"] is None and gap["womack"] is pd.NA and gap["stable"] is pd.NA
    after = _row(p, "series", "milex_usd", 2006)
    assert after["stable"] is pd.NA  # run of 1 after a missing year: unknown, not False
    assert bool(_row(p, "series", "milex_usd", 2008)["stable"])
    # the dimension falls back to personnel in 2005 and says so
    d5 = _row(p, "dimension", "military", 2005)
    assert d5["series"] == "milper" and d5["ratio"] == pytest.approx(2000 / 1800) and not d5["womack"]
    assert _row(p, "dimension", "military", 2004)["series"] == "milex_usd"


def test_profile_threshold_crossing_and_stability(mini):
    p = capability_profile("CHN", "RUS", start=2000, end=2010, registry=REGISTRY, store=mini, stability=3)
    econ = p.dimensions()
    econ = econ[econ["name"] == "economic"].set_index("year")
    assert list(econ["womack"].astype(bool)) == [y >= 2003 for y in YEARS]
    # the flag is off (observed) before 2003, so stability is False, not unknown, until the
    # third flagged year
    assert [None if v is pd.NA else bool(v) for v in econ["stable"]] == [False] * 5 + [True] * 6


def test_formula_dyadic_and_zero_fill(mini):
    p = capability_profile("CHN", "RUS", start=2004, end=2010, registry=REGISTRY, store=mini)
    nr = _row(p, "series", "net_resources", 2004)
    assert nr["a_value"] == pytest.approx((1.6e12) ** 2 / 1.3e9)
    assert nr["b_value"] == pytest.approx((1.0e12) ** 2 / 1.4e8)
    igo = _row(p, "series", "igo_ties", 2004)
    assert (igo["a_value"], igo["b_value"]) == (70.0, 80.0)  # sums over partners, both directions
    assert np.isnan(_row(p, "series", "igo_ties", 2009)["a_value"])  # outside coverage: missing
    allies = _row(p, "series", "allies", 2004)
    assert (allies["a_value"], allies["b_value"]) == (0.0, 2.0)  # sparse series: zero inside coverage
    dip = _row(p, "dimension", "diplomatic", 2009)
    assert dip["series"] == "allies" and math.isinf(dip["ratio"]) and dip["stronger"] == "RUS"
    nuc = _row(p, "series", "nuclear_warheads", 2004)
    assert nuc["a_value"] == 0.0 and math.isinf(nuc["ratio"]) and nuc["stronger"] == "RUS" and bool(nuc["womack"])
    tech = _row(p, "series", "gdp_twice", 2010)  # direction -1: the lower value is stronger
    assert tech["stronger"] == "RUS" and tech["a_value"] == pytest.approx(4.4e12)
    y = [x for x in p.to_dict()["years"] if x["year"] == 2004][0]
    assert y["series"]["nuclear_warheads"]["ratio"] is None and y["series"]["nuclear_warheads"]["ratio_infinite"]
    assert y["series"]["nuclear_warheads"]["womack"] is True


def test_profile_is_symmetric(mini):
    ab = capability_profile("CHN", "RUS", start=2000, end=2010, registry=REGISTRY, store=mini).table
    ba = capability_profile("RUS", "CHN", start=2000, end=2010, registry=REGISTRY, store=mini).table
    pd.testing.assert_series_equal(ab["ratio"], ba["ratio"])
    pd.testing.assert_series_equal(ab["stronger"], ba["stronger"])
    pd.testing.assert_series_equal(ab["womack"], ba["womack"])
    pd.testing.assert_series_equal(ab["stable"], ba["stable"])
    pd.testing.assert_series_equal(ab["a_value"], ba["b_value"], check_names=False)
    np.testing.assert_allclose(ab["share_a"], 1 - ba["share_a"], atol=1e-12)


def test_profile_json_shape(mini):
    d = capability_profile("CHN", "USA", start=2009, end=2010, registry=REGISTRY, store=mini,
                           threshold=2.0).to_dict()
    assert d["a"] == "CHN" and d["b"] == "USA" and d["threshold"] == 2.0
    assert [y["year"] for y in d["years"]] == [2009, 2010]
    s = d["years"][0]["series"]["cinc"]
    assert set(s) >= {"a", "b", "ratio", "stronger", "womack", "stable"}
    assert s["stronger"] == "CHN" and s["ratio"] == pytest.approx(0.19 / 0.15)
    dim = d["years"][0]["dimensions"]["military"]
    assert set(dim) >= {"ratio", "stronger", "womack", "stable", "series"}
    assert dim["ratio"] == pytest.approx(3.0) and dim["stronger"] == "USA" and dim["womack"] is True
    json.dumps(d, allow_nan=False)
    assert "korolev" in d["years"][0]
    assert "test" in d["sources"]


def test_profile_bad_inputs(mini):
    with pytest.raises(InputError, match="same state"):
        capability_profile("CHN", "China", registry=REGISTRY, store=mini)
    with pytest.raises(UnknownStateError, match="unknown country 'Atlantis'"):
        capability_profile("CHN", "Atlantis", registry=REGISTRY, store=mini)
    with pytest.raises(InputError, match="after end year"):
        capability_profile("CHN", "RUS", start=2009, end=2001, registry=REGISTRY, store=mini)
    with pytest.raises(CoverageError, match="outside"):
        capability_profile("CHN", "RUS", start=2000, end=2030, registry=REGISTRY, store=mini)
    with pytest.raises(CoverageError, match="no capability data for DDR"):
        capability_profile("CHN", "DDR", start=2000, end=2001, registry=REGISTRY, store=mini)
    with pytest.raises(InputError, match="threshold"):
        capability_profile("CHN", "RUS", threshold=0.9, registry=REGISTRY, store=mini)
    with pytest.raises(InputError, match="stability"):
        capability_profile("CHN", "RUS", stability=0, registry=REGISTRY, store=mini)


# ----------------------------------------------------------------------------- registry

def test_default_registry_is_valid_and_names_planned_series(store):
    reg = load_registry(store=store)
    assert list(reg.dimensions) == list(DIMENSIONS)
    planned = {
        "nmc_milex", "milper", "irst", "pec", "tpop", "upop", "cinc", "gdp_usd", "gdp_ppp", "population",
        "reserves_usd", "rd_gdp_pct", "researchers_per_million", "patents_resident", "armed_forces",
        "hightech_exports_pct", "patent_applications", "market_cap_gdp_pct", "milex_usd", "nuclear_warheads",
        "gdp_maddison", "population_maddison", "igo_joint", "alliance_defense", "alliance_offense",
        "alliance_neutral", "alliance_nonagg", "alliance_consult",
    }
    assert reg.series_ids() <= planned  # every id is in the series contract (brief/series.md)
    for e in reg.entries:
        assert e.direction in (1, -1) and e.unit


@pytest.mark.parametrize("mutate, message", [
    (lambda r: r["dimensions"]["military"]["series"][0].update(id="milex_usdd"), "unknown series 'milex_usdd'"),
    (lambda r: r["dimensions"]["military"]["series"][0].update(direction=2), "direction must be 1"),
    (lambda r: r["dimensions"]["military"]["series"][0].update(direction=True), "direction must be 1"),
    (lambda r: r["dimensions"]["military"]["series"][0].pop("unit"), "unit is required"),
    (lambda r: r["dimensions"]["military"]["series"][0].update(colour="red"), "unknown key"),
    (lambda r: r["dimensions"]["military"].update(weight=2), "unknown key"),
    (lambda r: r.update(extra=1), "unknown top-level key"),
    (lambda r: r["dimensions"]["economic"]["series"].append({"id": "gdp_usd", "direction": 1, "unit": "x"}),
     "used twice"),
    (lambda r: r["dimensions"]["economic"]["series"].append(
        {"name": "bad", "dyadic": ["gdp_usd"], "stat": "sum", "direction": 1, "unit": "x"}), "not dyadic"),
    (lambda r: r["dimensions"]["economic"]["series"].append({"id": "igo_joint", "direction": 1, "unit": "x"}),
     "is dyadic"),
    (lambda r: r["dimensions"]["economic"]["series"].append(
        {"name": "f", "formula": {"gdp_usd": 0}, "direction": 1, "unit": "x"}), "non-zero power"),
    (lambda r: r["dimensions"]["economic"].update(series=[]), "non-empty list"),
    (lambda r: r["dimensions"]["economic"].update(aggregation="mean"), "aggregation"),
])
def test_user_registry_is_checked_strictly(mini, tmp_path, mutate, message):
    import copy

    import yaml

    reg = copy.deepcopy(REGISTRY)
    mutate(reg)
    path = tmp_path / "my_registry.yaml"
    path.write_text(yaml.safe_dump(reg), encoding="utf-8")
    with pytest.raises(InputError, match=message) as exc:
        load_registry(path, store=mini)
    assert "my_registry.yaml" in str(exc.value)


def test_registry_file_errors(mini, tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_registry(tmp_path / "nope.yaml", store=mini)
    bad = tmp_path / "bad.yaml"
    bad.write_text("dimensions: [unclosed", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        load_registry(bad, store=mini)


# ----------------------------------------------------------------------------- Korolev

def _dim_table(year: int, spec: dict) -> pd.DataFrame:
    rows = []
    for name, (ratio, stronger, womack) in spec.items():
        rows.append({"year": year, "level": "dimension", "name": name, "dimension": name, "series": name,
                     "ratio": ratio, "stronger": stronger, "womack": womack, "stable": womack})
    t = pd.DataFrame(rows)
    t["womack"] = t["womack"].astype("boolean")
    t["stable"] = t["stable"].astype("boolean")
    return t


def test_korolev_labels():
    nan = float("nan")
    t = _dim_table(2020, {"military": (3.1, "CHN", True), "economic": (8.0, "CHN", True),
                          "diplomatic": (nan, None, None), "financial": (1.2, "CHN", False),
                          "technological": (20.0, "CHN", True)})
    v = korolev_order(t, 2020)
    assert v.label == "asymmetric: military (CHN stronger, ratio 3.10), confirmed by 2 of 3 checks (no data: diplomatic)"
    assert (v.confirmed, v.with_data, v.no_data) == (2, 3, 1)
    assert v.checks["financial"]["status"] == "does not confirm"
    assert v.checks["diplomatic"]["status"] == "no data"
    t2 = _dim_table(2020, {"military": (3.1, "CHN", True), "economic": (2.0, "RUS", True),
                           "diplomatic": (2.0, "CHN", True), "financial": (2.0, "CHN", True),
                           "technological": (2.0, "CHN", True)})
    v2 = korolev_order(t2, 2020)
    assert v2.label.endswith("confirmed by 3 of 4 checks") and v2.checks["economic"]["status"] == "contradicts"
    t3 = _dim_table(2020, {"military": (1.2, "RUS", False), "economic": (8.0, "CHN", True),
                           "diplomatic": (1.1, "RUS", False), "financial": (nan, None, None),
                           "technological": (20.0, "CHN", True)})
    v3 = korolev_order(t3, 2020)
    assert v3.asymmetric is False
    assert v3.label == ("not asymmetric on military (ratio 1.20); asymmetric on 2 of 3 checks: economic (CHN), "
                        "technological (CHN) (no data: financial)")
    t4 = _dim_table(2020, {"military": (nan, None, None), "economic": (8.0, "CHN", True)})
    assert korolev_order(t4, 2020).label.startswith("no data on military; asymmetric on 1 of 1 checks")


def test_profile_korolev(mini):
    p = capability_profile("CHN", "RUS", start=2004, end=2010, registry=REGISTRY, store=mini)
    v = p.korolev(2010)
    # military 2x CHN; economic 2.2x CHN confirms; diplomatic RUS (allies) contradicts;
    # financial (GDP per head) RUS stronger contradicts; technological (direction -1) RUS contradicts
    assert v.asymmetric and v.stronger == "CHN"
    assert v.checks["economic"]["status"] == "confirms"
    assert v.checks["diplomatic"]["status"] == "contradicts"
    assert v.label.startswith("asymmetric: military (CHN stronger, ratio 2.00), confirmed by 1 of 4 checks")
    with pytest.raises(CoverageError, match="year 1999 is outside the profile's years 2004-2010"):
        p.korolev(1999)


# ----------------------------------------------------------------------------- robustness of a dyad-year

def test_dyad_robustness(mini):
    r = dyad_robustness("CHN", "RUS", year=2009, registry=REGISTRY, store=mini, threshold=1.5)
    assert "military" in r.dimensions and r.series["diplomatic"] == "allies"
    assert r.missing_dimensions == []
    assert r.scores["a"]["military"] == pytest.approx(2 / 3)
    va = [r.values[d]["a"] for d in r.dimensions]
    vb = [r.values[d]["b"] for d in r.dimensions]
    dirs = [r.values[d]["direction"] for d in r.dimensions]
    ref = weight_robustness(va, vb, threshold=1.5, directions=dirs)
    assert r.fraction_a == pytest.approx(ref.fraction_a[0])
    d = r.to_dict()
    assert set(d) >= {"a", "b", "year", "threshold", "dimensions", "scores", "fraction", "min_ratio", "max_ratio"}
    # RUS is stronger under equal weights and infinitely ahead on nuclear (China: 0): the
    # largest composite ratio is infinite, written as null
    assert d["stronger"] == "RUS" and d["max_ratio"] is None
    json.dumps(d, allow_nan=False)
    only = dyad_robustness("CHN", "RUS", year=2009, dimensions=["military", "economic"], registry=REGISTRY,
                           store=mini)
    assert only.dimensions == ["military", "economic"] and only.fraction == 1.0 and only.min_ratio == pytest.approx(2.0)


def test_dyad_robustness_errors(mini):
    with pytest.raises(InputError, match="unknown dimension"):
        dyad_robustness("CHN", "RUS", year=2009, dimensions=["cyber"], registry=REGISTRY, store=mini)
    with pytest.raises(CoverageError, match="outside"):
        dyad_robustness("CHN", "RUS", year=2020, registry=REGISTRY, store=mini)
    with pytest.raises(CoverageError, match="no dimension has data"):
        dyad_robustness("CHN", "DDR", year=2009, registry=REGISTRY, store=mini)
    with pytest.raises(InputError, match="same state"):
        dyad_robustness("RUS", "Russia", year=2009, registry=REGISTRY, store=mini)


def test_default_years_end_at_the_latest_common_data(mini):
    from powergap.measures.capability import latest_common_year

    assert latest_common_year("CHN", "RUS", registry=REGISTRY, store=mini) == 2010
    assert latest_common_year("CHN", "RUS", registry=REGISTRY, store=mini, dimensions=["diplomatic"]) == 2010
    p = capability_profile("CHN", "RUS", registry=REGISTRY, store=mini)
    assert (p.start, p.end) == (2001, 2010)


# ----------------------------------------------------------------------------- series that hold still (issue 12)

SWITCH_REGISTRY = {
    "version": 1,
    "dimensions": {
        "military": {"series": [{"id": "milex_usd", "direction": 1, "unit": "US$"},
                                {"id": "milper", "direction": 1, "unit": "thousands"}]},
        "economic": {"series": [{"id": "gdp_usd", "direction": 1, "unit": "US$"}]},
        "diplomatic": {"series": [{"name": "gdp_d", "formula": {"gdp_usd": 1}, "direction": 1, "unit": "US$"}]},
        "financial": {"series": [{"name": "gdp_f", "formula": {"gdp_usd": 1}, "direction": 1, "unit": "US$"}]},
        "technological": {"series": [{"name": "gdp_low", "formula": {"gdp_usd": 1}, "direction": -1,
                                      "unit": "US$ (lower is stronger, for the test)"}]},
    },
}


@pytest.fixture(scope="module")
def switch(tmp_path_factory) -> Snapshot:
    """China twice Russia on both military series; SIPRI-like spending covers both states
    only in 2000-2003, personnel only from 2004: the series switches inside the window."""
    rows = []
    for y in YEARS:
        if y <= 2003:
            rows += [("milex_usd", CHN, y, 200.0), ("milex_usd", RUS, y, 100.0)]
        else:
            rows += [("milper", CHN, y, 2000.0), ("milper", RUS, y, 1000.0)]
        # a gap in the preferred series with the other complete: the dimension must not
        # alternate between the two
        rows += [("gdp_usd", CHN, y, 3.0e12), ("gdp_usd", RUS, y, 1.0e12)]
    meta = [_series_meta("milex_usd", "US$"), _series_meta("milper", "thousands"), _series_meta("gdp_usd", "US$")]
    return write_snapshot(tmp_path_factory.mktemp("switch"), rows, [], meta)


def test_series_switch_mid_window_breaks_the_stability_run(switch):
    """The old rule ("first series both have that year") counted 2000-2004 as five stable
    years across the switch; now the run restarts on the new series."""
    p = capability_profile("CHN", "RUS", start=2000, end=2010, registry=SWITCH_REGISTRY, store=switch, stability=5)
    mil = p.dimensions()
    mil = mil[mil["name"] == "military"].set_index("year")
    assert list(mil["series"]) == ["milex_usd"] * 4 + ["milper"] * 7  # named per year
    assert (mil["ratio"] == 2.0).all() and (mil["stronger"] == "CHN").all() and mil["womack"].all()
    stable = [None if v is pd.NA else bool(v) for v in mil["stable"]]
    # 2004-2007: a run of 1-4 years on milper, which has no earlier data: cannot tell, never True
    assert stable == [None] * 8 + [True] * 3
    # the same through the assessment's engine (gather) and the Korolev label
    from powergap.assess_core import load_config
    from powergap.assessment import Grid, gather

    reg = load_registry(SWITCH_REGISTRY, store=switch)
    ev = gather(Grid(np.array([CHN]), np.array([RUS]), np.array(YEARS)), load_config(None), store=switch,
                registry=reg)
    m = ev.dims["military"]
    assert list(m["entry"][0]) == list(mil["series"])
    assert [None if v != v else bool(v) for v in m["stable"][0]] == stable


def test_series_holds_still_across_a_one_year_gap(switch, tmp_path):
    """A one-year gap in the preferred series: the dimension keeps to the series covering the
    whole window instead of alternating year by year."""
    rows = []
    for y in YEARS:
        if y != 2005:
            rows += [("milex_usd", CHN, y, 300.0), ("milex_usd", RUS, y, 100.0)]
        rows += [("milper", CHN, y, 2000.0), ("milper", RUS, y, 1000.0)]
    meta = [_series_meta("milex_usd", "US$"), _series_meta("milper", "thousands")]
    snap = write_snapshot(tmp_path / "gap", rows, [], meta)
    reg = {"version": 1, "dimensions": {"military": SWITCH_REGISTRY["dimensions"]["military"]}}
    p = capability_profile("CHN", "RUS", start=2000, end=2010, registry=reg, store=snap, stability=3)
    mil = p.dimensions().set_index("year")
    # 2000-2004 spending; the windows 2005-2007 hold the gap -> personnel throughout; from 2008
    # spending covers 2006-2008 again
    assert list(mil["series"]) == ["milex_usd"] * 5 + ["milper"] * 3 + ["milex_usd"] * 3
    assert list(mil["ratio"]) == [3.0] * 5 + [2.0] * 3 + [3.0] * 3
    # each year's value does not depend on the years asked for
    q = capability_profile("CHN", "RUS", start=2006, end=2006, registry=reg, store=snap, stability=3)
    assert q.dimensions()["series"].tolist() == ["milper"]


def test_direction_is_honoured_by_profile_and_assess(switch):
    """A lower-is-stronger dimension: Russia (lower GDP) is the stronger side in the profile
    and in the assessment's evidence alike."""
    from powergap.assess_core import load_config
    from powergap.assessment import Grid, gather

    p = capability_profile("CHN", "RUS", start=2005, end=2010, registry=SWITCH_REGISTRY, store=switch)
    tech = p.dimensions()
    tech = tech[tech["name"] == "technological"]
    assert (tech["stronger"] == "RUS").all() and (tech["ratio"] == 3.0).all() and (tech["direction"] == -1).all()
    ev = gather(Grid(np.array([CHN]), np.array([RUS]), np.arange(2005, 2011)), load_config(None), store=switch,
                registry=load_registry(SWITCH_REGISTRY, store=switch))
    assert (ev.dims["technological"]["side"] == -1).all() and (ev.dims["economic"]["side"] == 1).all()


# ----------------------------------------------------------------------------- one engine, real snapshot

CROSS = [("CHN", "RUS", 2000), ("CHN", "RUS", 2010), ("CHN", "RUS", 2016), ("CHN", "RUS", 2021),
         ("CHN", "RUS", 2024), ("IND", "PAK", 1998), ("IND", "PAK", 2009), ("IND", "PAK", 2013),
         ("IND", "PAK", 2020)]
CROSS_DIMS = ("military", "economic", "diplomatic", "financial", "technological")


@pytest.fixture(scope="module")
def cross_values():
    """Each (pair, year, dimension): profile, assess (criterion objects and to_dict), claims
    and robustness values, computed once."""
    import powergap as pg
    from powergap.claims import check_claims

    out = {}
    for a, b, year in CROSS:
        prof = capability_profile(a, b, start=year, end=year)
        dims = prof.dimensions().set_index("name")
        ya = pg.assess(a, b, start=year, end=year).years[0]
        crit = {c.name.split(": ")[1]: c for c in ya.criteria if c.name.startswith(("disparity:", "check:"))}
        crit_d = {c["name"].split(": ")[1]: c for c in ya.to_dict()["criteria"]
                  if c["name"].startswith(("disparity:", "check:"))}
        claims = [{"id": f"c-{d}", "text": "t", "source": "s", "value": f"ratio({d}, {a}, {b}, {year})",
                   "expect": {"op": ">", "target": 0}} for d in CROSS_DIMS]
        res = {r.id.removeprefix("c-"): r for r in check_claims(claims).results}
        rob = dyad_robustness(a, b, year=year)
        for d in CROSS_DIMS:
            out[(a, b, year, d)] = (dims.loc[d], crit[d], crit_d[d], res[d], rob)
    return out


@pytest.mark.parametrize("a, b, year", CROSS)
@pytest.mark.parametrize("dim", CROSS_DIMS)
def test_profile_assess_claims_robustness_agree(cross_values, a, b, year, dim):
    row, crit, crit_d, claim, rob = cross_values[(a, b, year, dim)]
    if row["series"] is None:  # no series for both: missing everywhere, never a number
        assert crit.value is None and claim.value is None and dim not in rob.dimensions
        assert dim in rob.missing_dimensions
        return
    assert crit.value == row["ratio"]  # to the last digit
    assert crit_d["value"] == float(f"{row['ratio']:.6g}")  # as serialised (6 significant places)
    assert row["series"] in crit.detail  # the assessment names the same series
    assert claim.value == row["a_value"] / row["b_value"]
    assert rob.series[dim] == row["series"]
    assert (rob.values[dim]["a"], rob.values[dim]["b"]) == (row["a_value"], row["b_value"])


def test_every_cross_check_has_data(cross_values):
    """The cross-check is not vacuous: most dimension-years have a series."""
    have = sum(v[0]["series"] is not None for v in cross_values.values())
    assert have >= 35


# China-Russia ratios from the shipped snapshot (China over Russia), with the series used.
# Post-1995 years only: they do not depend on how Soviet-era World Bank rows are attached.
PINS = {
    "military": {2015: ("milex_usd", 2.9589496460728593), 2016: ("milex_usd", 2.8671747691972524),
                 2017: ("milex_usd", 3.1450230787292583), 2018: ("milex_usd", 3.7742833543237104),
                 2019: ("milex_usd", 3.6860066182863265), 2020: ("milex_usd", 4.180243458916085),
                 2021: ("milex_usd", 4.338347357895365), 2022: ("milex_usd", 2.8520857826095156),
                 2023: ("milex_usd", 2.7180542615009653), 2024: ("milex_usd", 2.105551906761947)},
    "technological": {2015: ("rd_spending_usd", 15.159162651652517), 2016: ("rd_spending_usd", 16.762784335584445),
                      2017: ("rd_spending_usd", 14.912290157580008), 2018: ("rd_spending_usd", 18.127521599607913),
                      2019: ("rd_spending_usd", 18.285900221142093), 2020: ("rd_spending_usd", 21.700336344452253),
                      2021: ("rd_spending_usd", 24.532720061646128), 2022: ("rd_spending_usd", 21.79207358833696),
                      2023: ("rd_spending_usd", 24.306865940333775),
                      2024: ("patent_applications", 72.81285459555843)},
}


def test_chn_rus_ratios_pinned_with_series(store):
    p = capability_profile("CHN", "RUS", start=2015, end=2024)
    d = p.dimensions()
    for dim, pins in PINS.items():
        got = d[d["name"] == dim].set_index("year")
        assert {y: (got.loc[y, "series"], got.loc[y, "ratio"]) for y in pins} == \
               {y: (s, pytest.approx(r, rel=1e-12)) for y, (s, r) in pins.items()}
        assert (got["stronger"] == "CHN").all()
    # independent computation from the raw series
    for y in (2015, 2021, 2024):
        assert PINS["military"][y][1] == pytest.approx(store.value("milex_usd", CHN, y) / store.value("milex_usd", RUS, y),
                                                       rel=1e-12)
    for y in (2015, 2021, 2023):
        rd = [store.value("rd_gdp_pct", c, y) * store.value("gdp_usd", c, y) for c in (CHN, RUS)]
        assert PINS["technological"][y][1] == pytest.approx(rd[0] / rd[1], rel=1e-12)
    # 2024: WDI has no R&D share; the patent series takes over and stability is judged on it
    y24 = d[(d["name"] == "technological") & (d["year"] == 2024)].iloc[0]
    assert bool(y24["stable"])
    assert PINS["technological"][2024][1] == pytest.approx(
        store.value("patent_applications", CHN, 2024) / store.value("patent_applications", RUS, 2024), rel=1e-12)


class _FakeStore:
    """A store holding a few state-year series in memory (for property tests of the engine)."""

    end_year = 2014

    def __init__(self, frames: dict[str, pd.DataFrame]):
        self._frames = frames
        self.series_index = {sid: _series_meta(sid, "u", first=1990, last=2014) for sid in frames}

    def series_meta(self, sid):
        return self.series_index[sid]

    def series(self, sid, *, directed=True, involving=None):
        return self._frames[sid].copy()


_cell = st.one_of(st.none(), st.integers(1, 6).map(float))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(_cell, _cell), min_size=15, max_size=15), min_size=3, max_size=3),
       st.integers(1, 5), st.integers(2000, 2014), st.integers(0, 14))
def test_series_rule_matches_a_direct_reading(cells, k, y0, span):
    """capability_panel against a year-by-year reading of the documented rule: among entries
    with values for both in t, the most years of the window t-k+1..t, ties by order; stability
    judged on that series alone; the third entry is lower-is-stronger."""
    from powergap.measures.capability import capability_panel

    years = list(range(2000, 2015))
    frames = {}
    for n, col in enumerate(cells):
        rows = [(c, y, v) for y, pair in zip(years, col) for c, v in zip((CHN, RUS), pair) if v is not None]
        frames[f"s{n}"] = pd.DataFrame(rows, columns=["ccode", "year", "value"]).assign(source="test")
    store = _FakeStore(frames)
    reg = load_registry({"version": 1, "dimensions": {"d": {"series": [
        {"id": "s0", "direction": 1, "unit": "u"}, {"id": "s1", "direction": 1, "unit": "u"},
        {"id": "s2", "direction": -1, "unit": "u"}]}}}, store=store)
    y1 = min(2014, y0 + span)
    p = capability_panel([CHN], [RUS], range(y0, y1 + 1), registry=reg, window=k, store=store).dimensions["d"]

    def both(n, y):
        return 2000 <= y <= 2014 and None not in cells[n][y - 2000]

    def side(n, y):  # +1: CHN stronger
        a, b = cells[n][y - 2000]
        return (1 if a > b else -1 if a < b else 0) * (-1 if n == 2 else 1)

    for j, y in enumerate(range(y0, y1 + 1)):
        cand = [(sum(both(n, x) for x in range(y - k + 1, y + 1)), -n) for n in range(3) if both(n, y)]
        if not cand:
            assert p.series[0, j] is None and np.isnan(p.a[0, j]) and np.isnan(p.stable[0, j])
            continue
        n = -max(cand)[1]
        assert p.series[0, j] == f"s{n}"
        assert (p.a[0, j], p.b[0, j]) == cells[n][y - 2000]
        assert p.side[0, j] == side(n, y)

        def flagged(x):
            a, b = cells[n][x - 2000]
            return max(a, b) / min(a, b) >= 1.5

        if not flagged(y):
            assert p.stable[0, j] == 0
            continue
        run, x = 0, y
        while both(n, x) and flagged(x) and side(n, x) == side(n, y) and run < k:
            run, x = run + 1, x - 1
        if run >= k:
            want = 1.0
        else:  # the run stopped at x: an observed year (flag off / other side) or a gap
            want = 0.0 if both(n, x) else np.nan
        assert (p.stable[0, j] == want) or (np.isnan(want) and np.isnan(p.stable[0, j]))
