"""The assessment: stage rules on constructed evidence, then the real data and the CLI."""

import itertools
import json
import subprocess
import sys

import numpy as np
import pytest

import powergap as pg
from powergap.assessment import Evidence, Grid, evaluate_row
from powergap.measures.capability import stability_runs
from powergap.assess_core import load_config
from powergap.errors import CoverageError, InputError, UnknownStateError

T = 8  # years 2000-2007
YEARS = np.arange(2000, 2000 + T)


def constructed(cfg=None, *, mil=(200.0, 100.0), trade=(0.02, 0.30), fails=(True, True, True), checks=True):
    """One dyad (a=1, b=2) over 8 years with every input set by hand.

    ``mil``: military values of a and b (a stronger by mil[0]/mil[1]); ``trade``: (a's
    dependence on b, b's dependence on a); ``fails``: whether b (the weaker) fails each
    independence standard toward a.
    """
    cfg = load_config(cfg)
    grid = Grid(np.array([1]), np.array([2]), YEARS)
    ev = Evidence(grid, cfg)
    k = cfg["capability"]["stability_years"]
    thr = cfg["capability"]["threshold"]
    for name in [cfg["capability"]["primary_dimension"], *cfg["capability"]["robustness_checks"]]:
        va, vb = np.full((1, T), mil[0]), np.full((1, T), mil[1])
        if not checks and name != "military":
            va[:] = np.nan
        ratio = np.fmax(va, vb) / np.fmin(va, vb)
        side = np.sign(va - vb)
        flag = np.where(np.isnan(ratio), np.nan, (ratio >= thr).astype(float))
        ev.dims[name] = {"va": va, "vb": vb, "ratio": ratio, "side": side, "flag": flag,
                         "stable": stability_runs(side, flag, k), "entry": np.full((1, T), "x", dtype=object)}
    full = lambda v: np.full((1, T), v, dtype=float)  # noqa: E731
    ev.extra["trade_a_on_b"], ev.extra["trade_b_on_a"] = full(trade[0]), full(trade[1])
    # foreign-policy difference: b differs from a on 5% of votes vs 40% from the majors (fails)
    ev.extra["agree_ab"] = full(0.95 if fails[0] else 0.5)
    ev.extra["dis_majors_b"] = full(0.40)
    # regional reference (the default): b's region agrees 0.60 with a (0.95 is 0.35 above: fails)
    ev.extra["region_agree_b"], ev.extra["region_peers_b"] = full(0.60), full(20)
    ev.extra["conflict_share_b"] = full(0.01 if fails[1] else 0.2)
    ev.extra["conflict_base_b"] = full(0.10)
    ev.extra["events_b"] = full(100)
    ev.extra["rivals_of_other_b"] = full(2)
    ev.extra["rival_ties_b"] = full(0.0 if fails[2] else 1.0)
    return [evaluate_row(ev, 0, j, ("AAA", "BBB")) for j in range(T)]


def stages(rows):
    return [r.stage for r in rows]


def test_disparity_needs_stability_window():
    rows = constructed()
    # the window of 5 consecutive years is complete only from the 5th year on; earlier years
    # lack the data to tell (the run begins at the first year of data)
    # lack the data to tell (the run begins at the first year of data): unassessed, not "none"
    assert [r.stage for r in rows[:4]] == [None] * 4
    assert [r.stage_text for r in rows[:4]] == ["unassessed"] * 4
    assert all("stability of the disparity cannot be tested" in r.reason for r in rows[:4])
    assert [r.evidence_reach for r in rows[:4]] == ["none"] * 4
    assert rows[4].stage == "actual"
    assert all(r.stronger == "AAA" and r.weaker == "BBB" for r in rows)


def test_disparity_without_dependence_stays_potential():
    rows = constructed(trade=(0.02, 0.05))
    assert stages(rows)[4:] == ["potential"] * 4
    assert rows[-1].evidence_reach == "emerging"
    dep = next(c for c in rows[-1].criteria if c.name == "dependence: trade")
    assert dep.met is False and dep.value == pytest.approx(0.05)


def test_symmetric_dependence_is_not_asymmetric():
    rows = constructed(trade=(0.25, 0.30))  # b depends on a, but a depends on b almost as much
    assert rows[-1].stage == "potential"


def test_dependence_without_submission_stays_emerging():
    rows = constructed(fails=(True, True, False))  # b still manoeuvres with a's rivals
    assert rows[-1].stage == "emerging"
    assert rows[-1].evidence_reach == "actual"


def test_all_standards_failed_is_actual():
    assert constructed()[-1].stage == "actual"


def test_no_disparity_is_none_whatever_else():
    rows = constructed(mil=(120.0, 100.0))
    assert set(stages(rows)) == {"none"}
    assert rows[-1].evidence_reach == "potential"


def test_threshold_in_config_changes_stage_as_documented():
    assert constructed()[-1].stage == "actual"  # ratio 2.0 >= 1.5
    assert constructed({"capability": {"threshold": 2.5}})[-1].stage == "none"
    looser = constructed({"capability": {"stability_years": 2}})
    assert looser[1].stage == "actual"
    stricter = constructed({"dependence": {"trade": {"min_share": 0.5}}})
    assert stricter[-1].stage == "potential"
    loose_ind = constructed({"independence": {"min_failed": 2, "min_evaluated": 2}}, fails=(True, True, False))
    assert loose_ind[-1].stage == "actual"


def test_ladder_is_monotone_in_the_evidence():
    # Every combination of three evidence levels: disparity (ratio 1.2 below / 3.0 above
    # the 1.5 threshold), trade dependence (0.05 not asymmetric / 0.30 asymmetric), and
    # each of the three independence standards failed or not. More evidence never lowers
    # the stage, and each stage is exactly the one Wong's ladder names.
    order = ["none", "potential", "emerging", "actual"]
    cases = {}
    for disparity in (0, 1):
        for dependent in (0, 1):
            for fails in itertools.product((False, True), repeat=3):
                row = constructed(mil=(300.0 if disparity else 120.0, 100.0),
                                  trade=(0.02, 0.30 if dependent else 0.05), fails=fails)[-1]
                cases[(disparity, dependent, *fails)] = row.stage
    for key, stage in cases.items():
        disparity, dependent, *fails = key
        want = ("none" if not disparity else "potential" if not dependent
                else "actual" if all(fails) else "emerging")
        assert stage == want, (key, stage)
    assert set(cases.values()) == set(order)
    for lo, lo_stage in cases.items():
        for hi, hi_stage in cases.items():
            if all(x <= y for x, y in zip(lo, hi)):
                assert order.index(lo_stage) <= order.index(hi_stage), (lo, lo_stage, hi, hi_stage)


def test_missing_data_says_no_data_not_parity():
    rows = constructed(trade=(np.nan, np.nan))
    last = rows[-1]
    dep = next(c for c in last.criteria if c.name == "dependence: trade")
    assert dep.met is None and dep.to_dict()["note"] == "no data"
    assert last.stage == "potential" and last.evidence_reach == "potential"


def test_swapping_sides_swaps_stronger_not_stage():
    rows = constructed()
    swapped = constructed(mil=(100.0, 200.0), trade=(0.30, 0.02))
    # swapped: b is now the stronger; the weaker (a) has no independence data, so the
    # ladder stops at emerging for lack of evidence, and never claims more
    assert all(r.stronger == "BBB" for r in swapped)
    assert [r.stage for r in swapped][4:] == ["emerging"] * 4
    assert [r.stage for r in rows][4:] == ["actual"] * 4


# ----------------------------------------------------------------------------- real data

@pytest.fixture(scope="module")
def chn_rus():
    return pg.assess("CHN", "RUS", start=1992, end=2020)


def test_chn_rus_names_china_stronger_and_explains(chn_rus):
    years = {y.year: y for y in chn_rus.years}
    assert list(years) == list(range(1992, 2021))
    assert all(years[y].stronger == "CHN" for y in range(2009, 2021))
    for y in chn_rus.years:
        names = [c.name for c in y.criteria]
        assert "disparity: military" in names
        for c in y.criteria:
            if c.met is None:
                assert c.to_dict()["note"] == "no data"
    assert years[2018].stage in ("potential", "emerging", "actual")


def test_json_schema(chn_rus):
    doc = json.loads(chn_rus.to_json())
    assert doc["a"] == "CHN" and doc["b"] == "RUS"
    assert doc["config"]["capability"]["threshold"] == 1.5
    y = doc["years"][-1]
    assert set(y) >= {"year", "stronger", "stage", "evidence_reach", "criteria"}
    assert y["stage"] in ("none", "potential", "emerging", "actual")
    for c in y["criteria"]:
        assert set(c) >= {"name", "stage", "value", "threshold", "met", "sources"}


@pytest.mark.parametrize("a, b", [("USA", "JPN"), ("IND", "PAK")])
def test_other_pairs_run_and_explain(a, b):
    res = pg.assess(a, b, start=2005, end=2015)
    assert len(res.years) == 11
    assert res.years[-1].stronger in (a, b)
    counts: dict[str, int] = {}
    for y in res.years:
        counts[y.stage_text] = counts.get(y.stage_text, 0) + 1
    head = res.summary().split(": ", 1)[1].split(". In ", 1)[0]
    # the summary counts each stage text in words a reader can quote: "none in 3 years, potential in 1 year"
    assert "(s)" not in head
    assert {p.rsplit(" in ", 1)[0]: int(p.rsplit(" in ", 1)[1].split()[0]) for p in head.split(", ")} == counts


@pytest.mark.parametrize("args, err, message", [
    (("CHN", "CHN"), InputError, "cannot assess China against itself"),
    (("CHN", "Atlantis"), UnknownStateError, "unknown country 'Atlantis'"),
])
def test_bad_pairs(args, err, message):
    with pytest.raises(err, match=message):
        pg.assess(*args, start=2000, end=2001)


def test_bad_years():
    with pytest.raises(InputError, match="start year 2010 is after end year 2000"):
        pg.assess("CHN", "RUS", start=2010, end=2000)
    with pytest.raises(CoverageError, match="years 1700-2000 are outside the data"):
        pg.assess("CHN", "RUS", start=1700, end=2000)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "powergap", *args], capture_output=True, text=True)


def test_cli_json_and_errors(tmp_path):
    out = run_cli("assess", "CHN", "RUS", "--start", "2012", "--end", "2014", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert [y["year"] for y in doc["years"]] == [2012, 2013, 2014]
    bad = run_cli("assess", "CHN", "CHN")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr == "powergap: error: cannot assess China against itself\n"
    cfg = tmp_path / "c.yaml"
    cfg.write_text("capability:\n  threshold: 9\n")
    strict = json.loads(run_cli("assess", "CHN", "RUS", "--start", "2012", "--end", "2014", "--json",
                                "--config", str(cfg)).stdout)
    assert strict["config"]["capability"]["threshold"] == 9
    assert {y["stage"] for y in strict["years"]} == {"none"}
    cfg.write_text("capability:\n  threshold: [\n")
    bad = run_cli("assess", "CHN", "RUS", "--config", str(cfg))
    assert bad.returncode == 2 and "not valid YAML" in bad.stderr and str(cfg) in bad.stderr
    assert "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1


def test_sources_are_those_of_criteria_with_data():
    # CEPII BACI and the WDI/WTO totals serve China-Russia only: Germany-France's trade is IMF DOTS,
    # so its assessment (and the report's stage timeline) cites DOTS and not the sources it could not use
    deu_fra = pg.assess("DEU", "FRA", start=1995, end=2020)
    keys = set(deu_fra.sources())
    assert "imf_dots" in keys and not {"cepii_baci", "wdi_merch_wto"} & keys
    cited = {s for y in deu_fra.years for c in y.criteria if c.value is not None or c.met is not None for s in c.sources}
    assert keys == cited
    assert {"cepii_baci", "wdi_merch_wto"} <= set(pg.assess("CHN", "RUS", start=2017, end=2023).sources())
