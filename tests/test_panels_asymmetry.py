"""add_asymmetry / ``--add asymmetry``: the stage of asymmetry as a panel variable, from the
assessment engine (powergap.assessment.asymmetry_panel), checked against ``powergap assess``
for China-Russia 2014 (the issue's acceptance check) and against the engine's own frame."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import powergap as pg
from powergap.errors import InputError
from powergap.panels import read_panel
from test_panels import run_cli

CHN, RUS = 710, 365
KEYS = ["ccode1", "ccode2", "year"]


def _slug(name: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def test_cli_panel_matches_assess_china_russia_2014(tmp_path, capsys):
    out = tmp_path / "a.parquet"
    code, stdout, err = run_cli(["panel", "dyad-years", "--start", "2014", "--end", "2014", "--add", "asymmetry",
                                 "-o", str(out)], capsys)
    assert code == 0, err
    panel = read_panel(out)
    code, stdout, err = run_cli(["assess", "CHN", "RUS", "--start", "2014", "--end", "2014", "--json"], capsys)
    assert code == 0, err
    want = json.loads(stdout)["years"][0]
    for a, b in ((CHN, RUS), (RUS, CHN)):  # a directed panel: both orders carry the pair's values
        row = panel[(panel.ccode1 == a) & (panel.ccode2 == b) & (panel.year == 2014)]
        assert len(row) == 1
        row = row.iloc[0]
        assert (row.stronger, row.weaker) == (CHN, RUS) and (want["stronger"], want["weaker"]) == ("CHN", "RUS")
        assert row.stage == want["stage"] == "emerging"
        assert bool(row.at_least) == want["at_least"] and row.evidence_reach == want["evidence_reach"]
        for c in want["criteria"]:
            slug = _slug(c["name"])
            value, met = row[f"{slug}_value"], row[f"{slug}_met"]
            if c["value"] is None:
                assert pd.isna(value), c["name"]
            else:  # the JSON rounds (6 significant digits, at most 6 decimals)
                assert value == pytest.approx(c["value"], rel=1e-5, abs=1e-6), c["name"]
            assert (None if pd.isna(met) else bool(met)) == c["met"], c["name"]
    assert {"cow_states", "cow_nmc", "imf_dots", "unvotes", "atop_alliance"} <= set(panel.attrs["sources"])
    assert "curated" not in " ".join(panel.attrs["sources"])  # only catalog keys: cite() resolves each
    assert pg.cite(panel).count("\n") == len(panel.attrs["sources"]) - 1


@pytest.fixture(scope="module")
def engine_2014():
    from powergap.assessment import asymmetry_panel

    return asymmetry_panel(2014, 2014, directed=False)


def test_nondirected_panel_is_the_engine_frame(engine_2014, monkeypatch):
    import powergap.assessment as A

    calls = []
    monkeypatch.setattr(A, "asymmetry_panel", lambda *a, **k: calls.append((a, k)) or engine_2014)
    panel = pg.dyad_years(directed=False, start=2014, end=2014)
    got = pg.add_asymmetry(panel)
    assert calls == [((2014, 2014), {"directed": False, "store": pg.default_store(), "progress": None})]
    pd.testing.assert_frame_equal(got.reset_index(drop=True), engine_2014.reset_index(drop=True), check_like=False)
    assert got.attrs["unit"] == "dyad_year_nondirected" and got.attrs["sources"][0] == "cow_states"
    # a directed panel: each order of a pair gets the pair's row (what the engine's directed frame holds)
    directed = pg.add_asymmetry(pg.dyad_years(directed=True, start=2014, end=2014))
    mirror = engine_2014.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})
    want = pd.concat([engine_2014, mirror[engine_2014.columns]]).sort_values(KEYS, ignore_index=True)
    pd.testing.assert_frame_equal(directed.reset_index(drop=True), want)
    # a shuffled subset, with a row the engine does not give: the same values by key, missing there
    rng = np.random.default_rng(3)
    rows = rng.choice(len(panel), size=500, replace=False)
    sub = panel.iloc[rows].copy()
    sub.loc[sub.index[0], "ccode2"] = 999  # not a state: no engine row
    part = pg.add_asymmetry(sub)
    ref = engine_2014.iloc[rows].reset_index(drop=True)
    part = part.reset_index(drop=True)
    assert part.loc[0, ["stage", "stronger", "at_least", "dependence_trade_value"]].isna().all()
    cols = [c for c in ref.columns if c not in KEYS]
    pd.testing.assert_frame_equal(part.loc[1:, cols].reset_index(drop=True),
                                  ref.loc[1:, cols].reset_index(drop=True), check_dtype=False)
    assert part["at_least"].dtype == "boolean"  # missing stays missing (not False, not object)


def test_asymmetry_needs_dyads():
    with pytest.raises(InputError, match="add_asymmetry needs a dyad-year panel"):
        pg.add_asymmetry(pg.state_years(start=2014, end=2014))
