"""Dittmer's strategic triangle: signs, patterns, roles and threshold ranges worked out by hand,
on pure inputs and on the tiny hand-made snapshot (tests/fixtures/relations)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from powergap.errors import InputError
from powergap.measures import triangle as tri

S = ("USA", "CHN", "RUS")



# ----------------------------------------------------------------------------- pure

@pytest.mark.parametrize("ties,pattern,pivot,wings,partners,outcast", [
    (["+", "+", "+"], "menage a trois", None, None, list(S), None),
    (["-", "+", "+"], "romantic triangle", "RUS", ["USA", "CHN"], None, None),
    (["+", "+", "-"], "romantic triangle", "USA", ["CHN", "RUS"], None, None),
    (["-", "-", "+"], "stable marriage", None, None, ["CHN", "RUS"], "USA"),
    (["+", "-", "-"], "stable marriage", None, None, ["USA", "CHN"], "RUS"),
    (["-", "-", "-"], "unit veto", None, None, None, None),
])
def test_classify_patterns_and_roles(ties, pattern, pivot, wings, partners, outcast):
    c = tri.classify(S, ties)
    assert c["pattern"] == pattern and c["pivot"] == pivot and c["wings"] == wings
    assert c["partners"] == partners and c["outcast"] == outcast


def test_classify_missing_tie():
    assert tri.classify(S, ["+", None, "-"])["pattern"] is None


def test_sign_ties_rules():
    assert tri.sign_ties([0.5, 0.51, np.nan], 0.5, "agreement") == ["-", "+", None]  # + iff > t
    assert tri.sign_ties([1.0, 1.01], 1.0, "ideal_point") == ["+", "-"]              # + iff <= t
    with pytest.raises(InputError, match="unknown triangle measure 'votes'"):
        tri.sign_ties([0.1], 0.5, "votes")


def test_threshold_range_hand_worked():
    # agreement .375/.5/.625 at t = .5: one + tie (.625); holds for t in [.5, .625)
    assert tri.threshold_range([0.5, 0.375, 0.625], 0.5, "agreement") == (0.5, 0.625)
    # all positive at t = .1: t in (-inf, .375)
    assert tri.threshold_range([0.5, 0.375, 0.625], 0.1, "agreement") == (None, 0.375)
    # none positive at t = .7: [.625, inf)
    assert tri.threshold_range([0.5, 0.375, 0.625], 0.7, "agreement") == (0.625, None)
    # distances .3/2.5/2.8 at t = 1.65: one + tie: [.3, 2.5)
    assert tri.threshold_range([2.5, 2.8, 0.3], 1.65, "ideal_point") == (0.3, 2.5)
    assert tri.threshold_range([2.5, 2.8, 0.3], 0.1, "ideal_point") == (None, 0.3)
    assert tri.threshold_range([2.5, np.nan, 0.3], 1.0, "ideal_point") == (None, None)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=3, max_size=3),
       st.floats(min_value=0, max_value=1, allow_nan=False),
       st.sampled_from(["agreement", "ideal_point"]))
def test_threshold_range_is_exactly_where_the_signs_hold(values, t, measure):
    lo, hi = tri.threshold_range(values, t, measure)
    base = tri.sign_ties(values, t, measure)
    assert (lo is None or lo <= t) and (hi is None or t < hi)
    for probe in (lo, None if hi is None else np.nextafter(hi, -np.inf)):
        if probe is not None:
            assert tri.sign_ties(values, probe, measure) == base
    for probe in (None if lo is None else np.nextafter(lo, -np.inf), hi):
        if probe is not None:
            assert tri.sign_ties(values, probe, measure) != base


def test_classify_years_frame():
    values = pd.DataFrame({"year": [2000, 2001], "ab": [0.2, 0.6], "ac": [0.3, 0.7], "bc": [0.9, np.nan]})
    out = tri.classify_years(S, values, 0.5, "agreement")
    assert out.loc[0, "pattern"] == "stable marriage" and out.loc[0, "outcast"] == "USA"
    assert out.loc[1, "pattern"] is None


# ----------------------------------------------------------------------------- snapshot layer

def test_triangle_fixture_agreement(rel_store):
    res = tri.triangle("USA", "CHN", "RUS", start=2010, end=2012, min_votes=1, measure="agreement", store=rel_store)
    f = res.frame.set_index("year")
    # 2010: USA-CHN .5 (not above .5), USA-RUS .375, CHN-RUS .625
    assert f.loc[2010, "ties"] == ["-", "-", "+"]
    assert f.loc[2010, "pattern"] == "stable marriage" and f.loc[2010, "outcast"] == "USA"
    assert (f.loc[2010, "threshold_lo"], f.loc[2010, "threshold_hi"]) == (pytest.approx(0.5), pytest.approx(0.625))
    # 2011: USA-CHN .25, USA-RUS .625, CHN-RUS .625 -> Russia the pivot
    assert f.loc[2011, "pattern"] == "romantic triangle" and f.loc[2011, "pivot"] == "RUS"
    assert f.loc[2011, "wings"] == ["USA", "CHN"]
    assert (f.loc[2011, "threshold_lo"], f.loc[2011, "threshold_hi"]) == (pytest.approx(0.25), pytest.approx(0.625))
    assert f.loc[2012, "pattern"] is None and "no UN roll calls" in f.loc[2012, "note"]


def test_triangle_json_shape(rel_store):
    d = json.loads(tri.triangle("USA", "CHN", "RUS", start=2010, end=2012, min_votes=1, measure="agreement", store=rel_store).to_json())
    assert d["states"] == ["USA", "CHN", "RUS"] and d["measure"] == "agreement" and d["threshold"] == 0.5
    y = {r["year"]: r for r in d["years"]}
    assert y[2010]["ties"] == {"USA-CHN": "-", "USA-RUS": "-", "CHN-RUS": "+"}
    assert y[2010]["partners"] == ["CHN", "RUS"] and y[2010]["outcast"] == "USA" and y[2010]["pivot"] is None
    assert y[2010]["threshold_range"] == [0.5, 0.625]
    assert y[2012]["pattern"] is None and y[2012]["threshold_range"] is None and y[2012]["note"]
    assert y[2012]["values"] == {"USA-CHN": None, "USA-RUS": None, "CHN-RUS": None}
    assert d["eras"][0] == {"from": 2010, "to": 2010, "pattern": "stable marriage", "pivot": None, "wings": None,
                            "partners": ["CHN", "RUS"], "outcast": "USA"}


def test_triangle_min_votes(rel_store):
    res = tri.triangle("USA", "CHN", "RUS", start=2010, end=2011, measure="agreement", store=rel_store)  # default: 10 roll calls
    assert res.frame["pattern"].isna().all()
    assert "fewer than 10" in res.frame["note"].iloc[0]


def test_triangle_median_and_fixed_thresholds(rel_store):
    med = tri.triangle("USA", "CHN", "RUS", start=2010, end=2010, min_votes=1, threshold="median", measure="agreement", store=rel_store)
    assert med.frame["threshold"].iloc[0] == pytest.approx(0.5625) and med.frame["pattern"].iloc[0] == "stable marriage"
    low = tri.triangle("USA", "CHN", "RUS", start=2010, end=2010, min_votes=1, threshold=0.3, measure="agreement", store=rel_store)
    assert low.frame["pattern"].iloc[0] == "menage a trois"


def test_triangle_ideal_point(rel_store):
    res = tri.triangle("USA", "CHN", "RUS", start=2010, end=2011, measure="ideal_point", store=rel_store)
    f = res.frame.set_index("year")
    # distances USA-CHN 2.5, USA-RUS 2.8, CHN-RUS 0.3; median over the 6 pairs = (1.5 + 1.8) / 2
    assert f.loc[2010, "threshold"] == pytest.approx(1.65)
    assert f.loc[2010, "pattern"] == "stable marriage"
    assert (f.loc[2010, "threshold_lo"], f.loc[2010, "threshold_hi"]) == (pytest.approx(0.3), pytest.approx(2.5))
    assert f.loc[2011, "pattern"] is None and f.loc[2011, "note"]


def test_triangle_errors(rel_store):
    with pytest.raises(InputError, match="unknown triangle measure 'votes'"):
        tri.triangle("USA", "CHN", "RUS", measure="votes", store=rel_store)
    with pytest.raises(InputError, match="threshold must be a number or 'median', got 'high'"):
        tri.triangle("USA", "CHN", "RUS", threshold="high", store=rel_store)
    with pytest.raises(InputError, match="same state"):
        tri.triangle("USA", "CHN", "China", store=rel_store)


def test_cli_triangle(rel_store, monkeypatch, capsys):
    from powergap.cli import main

    monkeypatch.setenv("POWERGAP_SNAPSHOT", str(rel_store.path))
    main(["triangle", "USA", "CHN", "RUS", "--start", "2010", "--end", "2011", "--min-votes", "1", "--measure", "agreement", "--json"])
    d = json.loads(capsys.readouterr().out)
    assert [r["pattern"] for r in d["years"]] == ["stable marriage", "romantic triangle"]
    main(["triangle", "USA", "CHN", "RUS", "--start", "2010", "--end", "2011", "--min-votes", "1", "--measure", "agreement"])
    assert "romantic triangle" in capsys.readouterr().out
    for bad, message in ((["--measure", "agreement", "--threshold", "x"], "--threshold must be a number or 'median', got 'x'"),
                         (["--measure", "votes"], "--measure must be one of evidence, agreement, ideal_point, got 'votes'"),
                         (["--start", "2012", "--end", "2010"], "start year 2012 is after end year 2010")):
        with pytest.raises(SystemExit) as exc:
            main(["triangle", "USA", "CHN", "RUS", *bad])
        assert exc.value.code == 2
        err = capsys.readouterr().err.strip()
        assert err == f"powergap: error: {message}", bad


# ----------------------------------------------------------------------------- real snapshot

def test_real_triangle_eras_agreement(store):
    res = tri.triangle("USA", "CHN", "RUS", start=1992, end=2019, measure="agreement", store=store)
    f = res.frame.set_index("year")
    # UN agreement alone: the 1990s Russia votes with both (romantic triangle, Russia the pivot)
    assert f.loc[1995, "pattern"] == "romantic triangle" and f.loc[1995, "pivot"] == "RUS"
    assert f.loc[2010, "pattern"] == "stable marriage" and f.loc[2010, "outcast"] == "USA"


def test_real_triangle_evidence_cold_war(store):
    """The default reading reproduces the clear periods of the US-China-USSR triangle."""
    res = tri.triangle("USA", "CHN", "RUS", start=1950, end=2024, store=store)
    f = res.frame.set_index("year")
    for y in range(1950, 1958):  # Sino-Soviet alliance (1950 treaty), both at enmity with the USA
        assert f.loc[y, "ties"] == ["-", "-", "+"], y
        assert f.loc[y, "pattern"] == "stable marriage" and f.loc[y, "outcast"] == "USA", y
    for y in range(1960, 1972):  # the Sino-Soviet split while both remain rivals of the USA
        assert f.loc[y, "ties"] == ["-", "-", "-"] and f.loc[y, "pattern"] == "unit veto", y
    for y in range(1973, 1990):  # Sino-American rapprochement; Sino-Soviet hostility until 1989
        assert f.loc[y, "ties"][0] == "+" and f.loc[y, "ties"][2] == "-", y
    for y in range(2007, 2025):  # Russia and China partners, the USA the outcast
        assert f.loc[y, "pattern"] == "stable marriage" and f.loc[y, "outcast"] == "USA", y
    basis = f.loc[1955, "basis"]
    assert basis[2] == "alliance (ATOP defence pact)" and basis[0].startswith("strategic rivalry")
    assert "carried forward" in f.loc[2023, "basis"][0]
    assert f.loc[2023, "basis"][2] == "alliance (ATOP consultation pact, last coded 2018, carried forward)"
    d = res.to_dict()
    assert d["measure"] == "evidence" and d["years"][0]["basis"]["CHN-RUS"] == "alliance (ATOP defence pact)"


def test_cli_triangle_evidence_refuses_threshold(capsys):
    from powergap.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["triangle", "USA", "CHN", "RUS", "--threshold", "0.4"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err == "powergap: error: --threshold applies to --measure agreement or ideal_point, not to evidence"
