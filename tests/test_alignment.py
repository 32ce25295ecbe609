"""Alignment measures: formulas on hand-worked votes, the snapshot layer on a tiny hand-made
snapshot (tests/fixtures/relations), and checks against the real snapshot where it has the data."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from powergap.errors import CoverageError, InputError, UnknownStateError
from powergap.measures import alignment as al



# ----------------------------------------------------------------------------- formulas

def test_agreement_scores_hand_worked():
    # China and Russia in the fixture's 2010 roll calls: (1,1) (1,1) (2,1) (1,3)
    r = al.agreement_scores([1, 1, 2, 1], [1, 1, 1, 3])
    assert r["agreement"] == pytest.approx(2.5 / 4)       # 1 + 1 + 0.5 + 0
    assert r["s_score"] == pytest.approx(1 - 3 / 4)        # mean |d| = (0+0+1+2)/4
    assert r["exact_agreement"] == pytest.approx(0.5)
    # p_e = 0.75*0.75 (yes) + 0.25*0 (abstain) + 0*0.25 (no) = 0.5625
    assert r["kappa"] == pytest.approx((0.5 - 0.5625) / (1 - 0.5625))
    # weighted: p_e = .5625 + .25*.75*.5 + .25*.25*.5 = .6875
    assert r["kappa_weighted"] == pytest.approx((0.625 - 0.6875) / (1 - 0.6875))
    assert r["n_votes"] == 4


def test_kappa_edge_cases():
    same = al.agreement_scores([1, 2, 3, 1], [1, 2, 3, 1])
    assert same["kappa"] == pytest.approx(1.0) and same["agreement"] == 1.0
    all_yes = al.agreement_scores([1, 1, 1], [1, 1, 1])
    assert math.isnan(all_yes["kappa"])  # chance agreement is 1: undefined, not 0 or 1
    empty = al.agreement_scores([], [])
    assert empty["n_votes"] == 0 and math.isnan(empty["agreement"])


def test_agreement_scores_rejects_bad_votes():
    with pytest.raises(InputError, match=r"votes must be 1 \(yes\), 2 \(abstain\) or 3 \(no\)"):
        al.agreement_scores([1, 4], [1, 1])
    with pytest.raises(InputError, match="the two vote vectors differ in length"):
        al.agreement_scores([1, 2], [1])


votes_pair = st.integers(min_value=1, max_value=40).flatmap(
    lambda n: st.tuples(st.lists(st.sampled_from([1, 2, 3]), min_size=n, max_size=n),
                        st.lists(st.sampled_from([1, 2, 3]), min_size=n, max_size=n)))


@settings(max_examples=60, deadline=None)
@given(votes_pair)
def test_s_is_twice_agreement_minus_one(pair):
    va, vb = pair
    r = al.agreement_scores(va, vb)
    s_general = al.signorino_ritter_s(va, vb, lo=1, hi=3)
    assert r["s_score"] == pytest.approx(2 * r["agreement"] - 1)
    assert s_general == pytest.approx(r["s_score"])
    assert -1 - 1e-12 <= r["s_score"] <= 1 + 1e-12
    if not math.isnan(r["kappa"]):
        assert r["kappa"] <= 1 + 1e-12


def test_signorino_ritter_general_form():
    # weights and squared distances: d = 2*|1-3|^2 + 1*0 = 8, dmax = 3 * 4 = 12
    assert al.signorino_ritter_s([1, 2], [3, 2], weights=[2, 1], distance="squared") == pytest.approx(1 - 2 * 8 / 12)


def test_agreement_by_group_matches_pairwise():
    dv = pd.DataFrame({"year": [1, 1, 1, 1, 2, 2], "vote_a": [1, 1, 2, 1, 3, 3], "vote_b": [1, 1, 1, 3, 3, 1]})
    res = al.agreement_by_group(dv, "year").set_index("year")
    ref = al.agreement_scores([1, 1, 2, 1], [1, 1, 1, 3])
    for k in ("agreement", "s_score", "kappa", "kappa_weighted", "exact_agreement"):
        assert res.loc[1, k] == pytest.approx(ref[k])
    assert res.loc[2, "agreement"] == pytest.approx(0.5) and res.loc[2, "n_votes"] == 2


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0, 1, 2, 3]), min_size=6, max_size=6), min_size=2, max_size=5))
def test_all_dyad_agreement_matches_pairwise(matrix):
    # rows = states, columns = roll calls, 0 = did not vote
    rows = [(rc, s, v) for s, row in enumerate(matrix) for rc, v in enumerate(row) if v]
    votes = pd.DataFrame(rows, columns=["rcid", "ccode", "vote"])
    if votes.empty:
        return
    res = al.all_dyad_agreement_year(votes)
    for r in res.itertuples():
        dv = al.dyad_votes(votes, r.ccode1, r.ccode2)
        ref = al.agreement_scores(dv["vote_a"], dv["vote_b"])
        assert r.n_votes == ref["n_votes"]
        assert r.agreement == pytest.approx(ref["agreement"], abs=1e-6)


def test_ideal_point_distance_interval():
    d = al.ideal_point_distance([-0.5, 2.0], [-0.8, -0.5], q5_a=[-0.7, 1.8], q95_a=[-0.3, 2.2],
                                q5_b=[-1.0, -0.7], q95_b=[-0.6, -0.3])
    assert d["distance"] == pytest.approx([0.3, 2.5])
    assert d["lo"] == pytest.approx([0.0, 2.1])   # overlapping intervals: 0; else q5_A - q95_B
    assert d["hi"] == pytest.approx([0.7, 2.9])
    nan = al.ideal_point_distance([1.0], [np.nan])
    assert math.isnan(nan["distance"][0]) and math.isnan(nan["lo"][0])


def test_coop_conflict_ratio():
    r = al.coop_conflict_ratio([110, 80, np.nan], [10, 0, 3])
    assert r[0] == pytest.approx(11) and math.isnan(r[1]) and math.isnan(r[2])


# ----------------------------------------------------------------------------- snapshot layer

def test_vote_agreement_on_fixture(rel_store):
    # the fixture has a handful of roll calls a year: formulas checked with a minimum of 1
    df = al.vote_agreement("CHN", "RUS", start=2010, end=2020, store=rel_store, min_votes=1).set_index("year")
    assert list(df.columns) == al.AGREEMENT_COLUMNS
    assert df.loc[2010, "agreement"] == pytest.approx(0.625)
    assert df.loc[2010, "s_score"] == pytest.approx(0.25)
    assert df.loc[2010, "kappa"] == pytest.approx(-1 / 7)
    assert df.loc[2011, "agreement"] == pytest.approx(0.625)
    assert df.loc[2012, "n_votes"] == 0 and math.isnan(df.loc[2012, "agreement"])
    assert df.loc[2020, "n_votes"] == 1 and df.loc[2020, "agreement"] == 1.0
    us = al.vote_agreement("USA", "RUS", start=2010, end=2011, store=rel_store, min_votes=1).set_index("year")
    assert us.loc[2010, "agreement"] == pytest.approx(0.375) and us.loc[2011, "agreement"] == pytest.approx(0.625)
    # with the documented minimum (assess_config.yaml un_votes.min_roll_calls = 10) a year of
    # 1 or 4 common roll calls has no agreement, S or kappa; n_votes still says how many
    d = al.vote_agreement("CHN", "RUS", start=2010, end=2020, store=rel_store).set_index("year")
    assert d.loc[2020, "n_votes"] == 1 and math.isnan(d.loc[2020, "agreement"]) and math.isnan(d.loc[2020, "kappa"])
    assert d.loc[2010, "n_votes"] == df.loc[2010, "n_votes"] and math.isnan(d.loc[2010, "agreement"])


@pytest.fixture
def one_roll_call(monkeypatch):
    """The fixture's few roll calls count (minimum 1 instead of the documented 10)."""
    import powergap.measures.evidence as E

    monkeypatch.setattr(E, "min_roll_calls", lambda: 1)


def test_vote_agreement_by_issue(rel_store):
    df = al.vote_agreement_by_issue("CHN", "RUS", start=2010, end=2011, store=rel_store)
    got = {r.issue_code: (r.agreement, r.n_votes) for r in df.itertuples()}
    assert got["hr"] == (pytest.approx(1.0), 2)
    assert got["nu"] == (pytest.approx(0.5), 1) and got["di"] == (pytest.approx(0.5), 1)


def test_median_dyad_agreement(rel_store):
    med = al.median_agreement_by_year(rel_store)
    # 2010 pairs: .5 .375 .625 .625 .625 .5 -> median (.5 + .625) / 2
    assert med.loc[2010] == pytest.approx(0.5625)


def test_alignment_fixture(one_roll_call, rel_store):
    res = al.alignment("CHN", "RUS", start=2009, end=2021, store=rel_store)
    f = res.frame.set_index("year")
    assert f.loc[2010, "agreement"] == pytest.approx(0.625)
    assert f.loc[2010, "ideal_point_distance"] == pytest.approx(0.3)
    assert f.loc[2010, "ideal_point_distance_lo"] == pytest.approx(0.0)
    assert f.loc[2010, "ideal_point_distance_hi"] == pytest.approx(0.7)
    assert f.loc[2021, "agreement_voeten"] == pytest.approx(0.857)  # stored 365-710, asked 710-365
    # joint vetoes: sparse series, zero inside coverage (2010-2011), missing outside
    assert f.loc[2011, "joint_vetoes"] == 1 and f.loc[2010, "joint_vetoes"] == 0
    assert math.isnan(f.loc[2012, "joint_vetoes"]) and math.isnan(f.loc[2009, "joint_vetoes"])
    assert f.loc[2010, "alliance_nonagg"] == 1 and f.loc[2010, "alliance_defense"] == 0
    assert math.isnan(f.loc[2019, "alliance_defense"])
    assert f.loc[2010, "igo_joint"] == 40 and math.isnan(f.loc[2011, "igo_joint"])
    # ICEWS: China toward Russia 110 cooperation, 10 conflict events; Russia toward China no conflict
    assert f.loc[2010, "icews_a_to_b_ratio"] == pytest.approx(11.0)
    assert math.isnan(f.loc[2010, "icews_b_to_a_ratio"])
    assert "no UN roll call" in f.loc[2012, "note"]


def test_alignment_json_shape(rel_store):
    d = json.loads(al.alignment("CHN", "RUS", start=2010, end=2012, store=rel_store).to_json())
    assert d["a"] == "CHN" and d["b"] == "RUS"
    y = {r["year"]: r for r in d["years"]}
    for key in ("agreement", "s_score", "kappa", "n_votes", "ideal_point_distance", "ideal_point_interval",
                "joint_vetoes", "alliance", "igo_joint", "icews", "by_issue", "note"):
        assert key in y[2010]
    assert y[2010]["ideal_point_interval"] == [0.0, 0.7]
    assert y[2010]["by_issue"]["hr"]["agreement"] == 1.0
    # a year without data: nulls and a note, never zeros
    assert y[2012]["agreement"] is None and y[2012]["ideal_point_distance"] is None
    assert y[2012]["igo_joint"] is None and y[2012]["note"]


def test_alignment_errors(rel_store):
    with pytest.raises(InputError, match="same state"):
        al.alignment("RUS", "Russia", start=2010, end=2011, store=rel_store)
    with pytest.raises(InputError, match="after end year"):
        al.alignment("CHN", "RUS", start=2012, end=2010, store=rel_store)
    with pytest.raises(UnknownStateError, match="unknown country 'Atlantis'"):
        al.alignment("CHN", "Atlantis", start=2010, end=2011, store=rel_store)


def test_alignment_without_vote_tables(tmp_path, rel_fake):
    fake = rel_fake
    store = fake.load_store(fake.write_snapshot(tmp_path / "s", drop_tables=("un_votes",)))
    res = al.alignment("CHN", "RUS", start=2010, end=2010, store=store)
    assert math.isnan(res.frame["agreement"].iloc[0])
    assert any("no UN roll-call tables" in n for n in res.notes)
    with pytest.raises(CoverageError, match=r"no UN voting tables \(un_votes\)"):
        al.vote_agreement("CHN", "RUS", start=2010, end=2010, store=store)


def test_cli_alignment_json(one_roll_call, rel_store, monkeypatch, capsys):
    from powergap.cli import main

    monkeypatch.setenv("POWERGAP_SNAPSHOT", str(rel_store.path))
    main(["alignment", "CHN", "RUS", "--start", "2010", "--end", "2012", "--json"])
    d = json.loads(capsys.readouterr().out)
    assert d["years"][0]["agreement"] == 0.625
    main(["alignment", "CHN", "RUS", "--start", "2010", "--end", "2011"])
    assert "Alignment of CHN and RUS" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["alignment", "CHN", "CHN", "--json"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("powergap: error:") and "\n" not in err and "Traceback" not in err
    assert "CHN and CHN name the same state" in err


# ----------------------------------------------------------------------------- real snapshot

def _needs_votes(store):
    # The shipped snapshot must carry the vote tables: a dropped table fails, never skips.
    tables = store.catalog.get("tables", {})
    assert {"un_votes", "un_roll_calls"} <= set(tables), "UN vote tables missing from the shipped snapshot"


def test_real_chn_rus_agreement_close_to_voeten(store):
    _needs_votes(store)
    assert "un_agreement_voeten" in store.series_index, "un_agreement_voeten missing from the shipped snapshot"
    res = al.alignment("CHN", "RUS", start=1992, end=2019, store=store).frame
    both = res.dropna(subset=["agreement", "agreement_voeten"])
    assert len(both) >= 20
    # our calendar-year agreement and Voeten's published score use the same coding
    assert (both["agreement"] - both["agreement_voeten"]).abs().mean() < 0.02
    row = res.set_index("year").loc[2014]
    assert row["agreement"] == pytest.approx(0.816, abs=0.01)  # Voeten: 0.816 (2014)


def test_real_un_votes_identity(store):
    _needs_votes(store)
    df = al.vote_agreement("USA", "RUS", start=1992, end=2019, store=store).dropna()
    assert len(df) == 28
    assert np.allclose(df["s_score"], 2 * df["agreement"] - 1)
