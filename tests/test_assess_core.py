"""Wong's ladder and the assessment configuration, on constructed inputs."""

import itertools

import pytest
from hypothesis import given, strategies as st

from powergap.assess_core import (STAGES, Criterion, YearAssessment, any_channel, at_least, change_kind, ladder,
                                  load_config, stage_rank, submission)
from powergap.errors import InputError

tri = st.sampled_from([True, False, None])


@given(tri, tri, tri)
def test_ladder_is_monotone_and_each_stage_requires_the_one_before(cap, dep, sub):
    stage, reach = ladder(cap, dep, sub)
    assert (stage in STAGES or (stage is None and cap is None)) and reach in STAGES
    assert stage_rank(stage) <= stage_rank(reach)
    # a lower bound exactly when the next stage could not be tested
    assert at_least(stage, reach) == (stage is not None and stage != "actual" and stage == reach)
    if stage_rank(stage) >= 1:
        assert cap is True
    if stage_rank(stage) >= 2:
        assert dep is True
    if stage == "actual":
        assert sub is True
    # improving any criterion never lowers the stage
    for i, val in enumerate((cap, dep, sub)):
        better = [cap, dep, sub]
        better[i] = True
        assert stage_rank(ladder(*better)[0]) >= stage_rank(stage)


@pytest.mark.parametrize("cap, dep, sub, stage, reach", [
    (None, True, True, None, "none"),               # the disparity cannot be tested: unassessed
    (False, True, True, "none", "potential"),
    (True, None, True, "potential", "potential"),   # disparity, dependence unmeasured
    (True, False, True, "potential", "emerging"),   # disparity but no dependence stays potential
    (True, True, None, "emerging", "emerging"),
    (True, True, False, "emerging", "actual"),
    (True, True, True, "actual", "actual"),
])
def test_ladder_cases(cap, dep, sub, stage, reach):
    assert ladder(cap, dep, sub) == (stage, reach)


def test_any_channel():
    assert any_channel([None, True, False]) is True
    assert any_channel([False, None]) is False
    assert any_channel([None, False]) is None
    assert any_channel([None, None]) is None


def test_submission_needs_enough_evidence():
    assert submission([True, True, None], min_failed=2, min_evaluated=2) is True
    assert submission([True, False, None], min_failed=2, min_evaluated=2) is False
    assert submission([True, None, None], min_failed=2, min_evaluated=2) is None
    assert submission([True, None, None], min_failed=1, min_evaluated=1) is True


def test_config_defaults_and_overrides(tmp_path):
    cfg = load_config()
    assert cfg["capability"]["threshold"] == 1.5
    assert cfg["capability"]["stability_years"] == 5
    over = load_config({"capability": {"threshold": 2.0}})
    assert over["capability"]["threshold"] == 2.0
    assert over["capability"]["stability_years"] == 5
    f = tmp_path / "c.yaml"
    f.write_text("dependence:\n  trade:\n    min_share: 0.2\n")
    assert load_config(f)["dependence"]["trade"]["min_share"] == 0.2


@pytest.mark.parametrize("text, msg", [
    ("capability:\n  treshold: 2\n", "unknown setting 'capability.treshold'"),
    ("capability:\n  threshold: high\n", "must be a number"),
    ("capability:\n  threshold: 0.5\n", "at least 1"),
    ("capability: [1, 2]\n", "must be a mapping"),
    ("- just a list\n", "must be a mapping of settings"),
    ("capability:\n  threshold: [\n", "not valid YAML"),
    ("capability:\n  stability_years: 2.5\n", "whole number"),
])
def test_malformed_config_is_one_clear_error(tmp_path, text, msg):
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    with pytest.raises(InputError) as exc:
        load_config(f)
    assert msg in str(exc.value)
    assert str(f) in str(exc.value)
    assert "\n" not in str(exc.value)


def _year(stage, reach):
    return YearAssessment(year=2000, stronger="A", weaker="B", stage=stage, evidence_reach=reach, criteria=[],
                          at_least=at_least(stage, reach))


def test_change_kind_separates_coverage_from_evidence():
    # a fall to a stage that is only a lower bound: the data ended, not the relationship
    assert change_kind(_year("emerging", "actual"), _year("potential", "potential")) == "coverage"
    # a fall measured on both sides: dependence measured and found not asymmetric
    assert change_kind(_year("emerging", "actual"), _year("potential", "emerging")) == "evidence"
    # a rise from a lower bound cannot be told from a start of coverage either
    assert change_kind(_year("potential", "potential"), _year("emerging", "actual")) == "coverage"
    assert change_kind(_year("none", "potential"), _year("potential", "emerging")) == "evidence"
    # to or from an unassessed year
    assert change_kind(_year(None, "none"), _year("potential", "emerging")) == "coverage"
    assert change_kind(_year("potential", "emerging"), _year(None, "none")) == "coverage"


def test_year_json_names_the_lower_bound():
    d = _year("potential", "potential").to_dict()
    assert d["stage"] == "potential" and d["at_least"] is True and d["stage_text"] == "at least potential"
    d = _year(None, "none").to_dict()
    assert d["stage"] is None and d["stage_text"] == "unassessed"
    d = _year("emerging", "actual").to_dict()
    assert d["at_least"] is False and d["stage_text"] == "emerging"


def test_dependence_criteria_round_as_the_dependence_command():
    c = Criterion(name="dependence: trade", stage="emerging", value=0.0227522151, threshold=None, met=None,
                  reverse=0.1798558186)
    assert c.to_dict()["value"] == 0.022752 and c.to_dict()["reverse"] == 0.179856
    r = Criterion(name="disparity: military", stage="potential", value=4.180243458, threshold=1.5, met=True)
    assert r.to_dict()["value"] == 4.18024
