"""The multiverse (issue 15): every specification of the stage on the same evidence."""

import json
import subprocess
import sys

import numpy as np
import pytest

import powergap as pg
from powergap.assess_core import load_config
from powergap.assessment import Evidence, Grid
from powergap.errors import InputError
from powergap.measures.capability import compare, stability_runs
from powergap.spec_curve import load_space, multiverse, specifications, stages_by_spec

T = 10
YEARS = np.arange(2000, 2000 + T)


@pytest.fixture(scope="module")
def chn_rus():
    return multiverse("CHN", "RUS", 1995, 2024)


def test_default_specification_is_assess(chn_rus):
    got = chn_rus[chn_rus["choice"] == "all"]
    want = pg.assess("CHN", "RUS", start=1995, end=2024)
    assert list(got["year"]) == [y.year for y in want.years]
    assert list(got["default_stage"]) == [y.stage for y in want.years]


def test_default_specification_is_assess_for_another_pair():
    df = multiverse("USA", "JPN", 1985, 1995)
    got = df[df["choice"] == "all"]
    assert list(got["default_stage"]) == [y.stage for y in pg.assess("USA", "JPN", start=1985, end=1995).years]


def test_shares_add_up_and_the_space_is_the_product(chn_rus):
    sp = load_space()
    n = int(np.prod([len(c.labels) for c in sp.choices]))
    assert chn_rus.attrs["n_specifications"] == n == len(chn_rus.attrs["specifications"]) - 1
    stages = ["none", "potential", "emerging", "actual", "unassessed"]
    assert np.allclose(chn_rus[stages].sum(axis=1), 1.0)
    # holding a choice at each option splits the space evenly: the mean of the options' shares is the whole's
    allr = chn_rus[chn_rus["choice"] == "all"].set_index("year")
    for c in sp.choices:
        part = chn_rus[chn_rus["choice"] == c.name].groupby("year")[stages].mean()
        assert np.allclose(part.to_numpy(), allr[stages].to_numpy())
    # the default configuration is one point of the shipped space
    default = chn_rus.attrs["specifications"].iloc[-1]
    assert all(default[c.name] is not None for c in sp.choices)


def _evidence(ratio: float, trade=(0.30, 0.01)) -> Evidence:
    """One dyad, a stronger by ``ratio`` on every dimension in every year, b dependent on a
    (trade 30% vs 1%), b failing no independence standard."""
    cfg = load_config(None)
    grid = Grid(np.array([2]), np.array([20]), YEARS, eval_start=int(YEARS[0]))
    ev = Evidence(grid, cfg)
    for name in [cfg["capability"]["primary_dimension"], *cfg["capability"]["robustness_checks"]]:
        va, vb = np.full((1, T), 100.0 * ratio), np.full((1, T), 100.0)
        c = compare(va, vb, threshold=cfg["capability"]["threshold"])
        ev.dims[name] = {"va": va, "vb": vb, "ratio": c["ratio"], "side": c["side"], "flag": c["womack"],
                         "stable": stability_runs(c["side"], c["womack"], 5), "entry": np.full((1, T), "x", dtype=object)}
    full = lambda v: np.full((1, T), v, dtype=float)  # noqa: E731
    ev.extra.update({"trade_b_on_a": full(trade[0]), "trade_a_on_b": full(trade[1])})
    return ev


def _by_hand(ev, ratio):
    def capability(series, thr, k):
        va, vb = np.full((1, T), 100.0 * ratio), np.full((1, T), 100.0)
        c = compare(va, vb, threshold=thr)
        return {"ratio": c["ratio"], "side": c["side"], "stable": stability_runs(c["side"], c["womack"], k)}
    return capability


def test_a_ratio_of_1_3_is_a_disparity_exactly_under_threshold_1_25():
    cfg = load_config(None)
    sp = load_space()
    specs = specifications(sp, cfg)
    ev = _evidence(1.3)
    stages = stages_by_spec(ev, specs, cfg, _by_hand(ev, 1.3))
    last = stages[:-1, -1]  # the last year: every stability window is complete
    low = (specs["capability.threshold"] == 1.25).to_numpy()[:-1]
    # with the disparity, b's 30% trade dependence makes "emerging" unless the share threshold is above it
    assert (last[low] >= 1).all() and (last[~low] == 0).all()
    assert (last >= 1).mean() == pytest.approx(1 / 3)
    # the 20% trade threshold keeps emerging; all at threshold 1.25 reach at least emerging here
    assert (last[low] == 2).all()
    # the default (threshold 1.5): none
    assert stages[-1, -1] == 0


def test_trade_share_threshold_counts_by_hand():
    cfg = load_config(None)
    specs = specifications(load_space(), cfg)
    ev = _evidence(3.0, trade=(0.08, 0.01))  # 8% of b's trade: dependence only under the 5% threshold
    stages = stages_by_spec(ev, specs, cfg, _by_hand(ev, 3.0))[:-1, -1]
    five = (specs["dependence.trade.min_share"] == 0.05).to_numpy()[:-1]
    assert (stages[five] == 2).all() and (stages[~five] == 1).all()


@pytest.mark.parametrize("text, msg", [
    ("version: 2\nchoices: {}\n", "'version' must be 1"),
    ("version: 1\nchoices: {}\n", "non-empty mapping"),
    ("version: 1\nchoices:\n  x:\n    options: {a: {capability.threshold: 1.5}}\n", "needs a 'reason'"),
    ("version: 1\nchoices:\n  x:\n    reason: r\n    options: {a: {stages.window: 2}}\n", "cannot vary"),
    ("version: 1\nchoices:\n  x:\n    reason: r\n    options: {a: {capability.threshold: -1}}\n", "threshold"),
    ("version: 1\nchoices:\n  x:\n    reason: r\n    options: {a: {capability.primary_series: gdp}}\n", "primary_series"),
    ("version: 1\nchoices:\n  x:\n    reason: r\n    options: {a: {capability.threshold: 1.5}}\n"
     "  y:\n    reason: r\n    options: {b: {capability.threshold: 2}}\n", "both set"),
    ("version: 1\nchoices:\n  x:\n    reason: r\n    options: [1, 2]\n", "options"),
    ("version: 1\nextra: 1\nchoices: {}\n", "unknown key"),
])
def test_bad_space_files(tmp_path, text, msg):
    p = tmp_path / "space.yaml"
    p.write_text(text)
    with pytest.raises(InputError, match=msg):
        load_space(p)
    r = subprocess.run([sys.executable, "-m", "powergap", "assess", "CHN", "RUS", "--multiverse", "--space", str(p)],
                       capture_output=True, text=True)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert len([ln for ln in r.stderr.splitlines() if ln.strip()]) == 1


def test_cli_json_shape(tmp_path):
    p = tmp_path / "space.yaml"
    p.write_text("version: 1\nchoices:\n  womack_threshold:\n    reason: bracket 1.5\n"
                 "    options: {'1.25': {capability.threshold: 1.25}, '1.5': {capability.threshold: 1.5}}\n")
    r = subprocess.run([sys.executable, "-m", "powergap", "assess", "CHN", "RUS", "--start", "2010", "--end", "2014",
                        "--multiverse", "--space", str(p), "--json"], capture_output=True, text=True, check=True)
    doc = json.loads(r.stdout)
    assert doc["n_specifications"] == 2 and [y["year"] for y in doc["years"]] == list(range(2010, 2015))
    y = doc["years"][-1]
    assert set(y["shares"]) == {"none", "potential", "emerging", "actual", "unassessed"}
    assert set(y["by_choice"]["womack_threshold"]) == {"1.25", "1.5"}
    assert y["default_stage"] == pg.assess("CHN", "RUS", start=2014, end=2014).years[0].stage
    assert doc["influence"][0]["choice"] == "womack_threshold" and doc["sentence"].startswith("In 2014")


def test_alignment_measure_reads_ideal_points_throughout():
    """b agrees with a on roll calls far above its region (fails the foreign-policy standard)
    but its ideal point is far from a's (0.9 of its region's median distance: does not fail).
    With the other two standards failed: "actual" on roll calls, "emerging" on ideal points."""
    cfg = load_config(None)
    space = {"version": 1, "choices": {"alignment_measure": {"reason": "r", "options": {
        "roll calls": {"independence.vote_difference.measure": "roll calls"},
        "ideal points": {"independence.vote_difference.measure": "ideal points"}}}}}
    specs = specifications(load_space(space), cfg)
    ev = _evidence(3.0)
    full = lambda v: np.full((1, T), v, dtype=float)  # noqa: E731
    ev.extra.update({"agree_ab": full(0.95), "region_agree_b": full(0.60), "region_peers_b": full(20),
                     "conflict_share_b": full(0.01), "conflict_base_b": full(0.10), "events_b": full(100),
                     "rivals_of_other_b": full(2), "rival_ties_b": full(0.0)})
    ideal = {"ideal_far_b": full(0.9), "ideal_region_b": full(1.0), "ideal_peers_b": full(20)}
    stages = stages_by_spec(ev, specs, cfg, _by_hand(ev, 3.0), ideal=ideal)[:, -1]
    assert list(specs["alignment_measure"]) == ["roll calls", "ideal points", "roll calls"]
    assert list(stages) == [3, 2, 3]  # the last row is the default (roll calls)
    # ideal points close to a's (0.3 of the median distance): fails there too
    ideal["ideal_far_b"] = full(0.3)
    assert list(stages_by_spec(ev, specs, cfg, _by_hand(ev, 3.0), ideal=ideal)[:, -1]) == [3, 3, 3]


def test_report_section_reuses_the_assessment_and_draws_a_valid_chart(chn_rus):
    import jsonschema
    from altair.vegalite.v6.schema import core

    from powergap.report.multiverse import multiverse_section

    res = pg.assess("CHN", "RUS", start=1995, end=2024)
    again = multiverse(assessment=res)  # the assessment's evidence: nothing gathered again
    assert again.equals(chn_rus) and again.attrs["sentence"] == chn_rus.attrs["sentence"]
    sec = multiverse_section(again)
    assert sec.id == "multiverse" and sec.title == "How sure is this verdict?" and sec.intro == again.attrs["sentence"]
    spec = sec.figures[0].spec
    assert not list(jsonschema.Draft7Validator(core.load_schema()).iter_errors(spec))
    rows = spec["datasets"]["data"]
    # the chart's shares are the frame's: per year they add up to one
    by_year = {}
    for r in rows:
        by_year[r["year"]] = by_year.get(r["year"], 0.0) + r["share"]
    assert sorted(by_year) == list(range(1995, 2025)) and all(abs(v - 1) < 1e-9 for v in by_year.values())
    assert list(sec.table["choice"])[0] == again.attrs["influence"]["choice"].iloc[0].replace("_", " ")


def test_every_specification_is_the_assessment_under_its_own_config(chn_rus):
    """The thresholds as arrays give, row by row, what `assess` gives with that row's settings
    as its config (a sample of specifications; the two settings that exist only in a space
    are held at their defaults)."""
    specs = chn_rus.attrs["specifications"]
    plain = specs[(specs["capability.primary_series"] == "precedence")
                  & (specs["independence.vote_difference.measure"] == "roll calls") & ~specs["default"]]
    rng = np.random.default_rng(15)
    from powergap.spec_curve import VARIABLE, _nest
    for i in rng.choice(len(plain), size=12, replace=False):
        row = plain.iloc[int(i)]
        settings = {p: (row[p].item() if hasattr(row[p], "item") else row[p]) for p in plain.columns
                    if p in VARIABLE and p not in ("capability.primary_series", "independence.vote_difference.measure")}
        want = [y.stage for y in pg.assess("CHN", "RUS", start=1995, end=2024, config=_nest(settings)).years]
        assert [row[str(y)] for y in range(1995, 2025)] == want, settings


def test_sentence_counts_only_specifications_that_can_assess_the_year(chn_rus):
    # In 2024 the NMC options have no data (NMC ends in 2016): those specifications are
    # unassessed, and the sentence's share is of the others, not of all 1,296.
    last = chn_rus[(chn_rus["choice"] == "all") & (chn_rus["year"] == 2024)].iloc[0]
    n = int(last["n"])
    can = n - int(round(last["unassessed"] * n))
    assert 0 < can < n
    at_or_above = sum(last[s] for s in ("emerging", "actual")) / (1 - last["unassessed"])
    assert chn_rus.attrs["sentence"].startswith(
        f"In 2024, {can:,} of {n:,} specifications can assess China-Russia (the others lack data for that "
        f"year); {at_or_above:.0%} of those place it at 'emerging' or above")
    nmc = chn_rus[(chn_rus["year"] == 2024) & chn_rus["option"].astype(str).str.startswith("NMC")]
    assert len(nmc) and (nmc["unassessed"] == 1).all()
