"""ATOP in panels, checked against the raw file: the five directed obligations and the
``atop_alliance`` indicator (1 for every dyad-year ATOP lists, whatever the obligations;
peacesciencer's add_atop_alliance() rows), joined by add_alliances from the shipped snapshot.

The expected values are computed here from the raw CSV with pandas merges (an independent
route from the reader + snapshot + binary-search join). Skips without ../shared."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import powergap as pg

OBLIGATIONS = {"atop_defense": "defense", "atop_offense": "offense", "atop_neutral": "neutral",
               "atop_nonagg": "nonagg", "atop_consul": "consult"}


@pytest.fixture(scope="module")
def raw_atop(raw_dir) -> pd.DataFrame:
    return pd.read_csv(raw_dir / "atop_alliance" / "atop_alliance.csv.gz")


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return pg.add_alliances(pg.dyad_years(directed=True, start=1816, end=2022))


def test_raw_file_shape(raw_atop):
    """What the indicator exists for: rows listed with all five obligations 0."""
    zero = (raw_atop[list(OBLIGATIONS)] == 0).all(axis=1)
    assert len(raw_atop) == 273_296 and int(zero.sum()) == 170
    assert (raw_atop.year.min(), raw_atop.year.max()) == (1815, 2018)


def test_atop_alliance_matches_raw_file(raw_atop, panel):
    keys = ["ccode1", "ccode2", "year"]
    m = panel[keys + ["atop_alliance"]].merge(raw_atop.assign(listed=1.0)[keys + ["listed"]], on=keys, how="left")
    inside = m.year <= 2018
    expected = m.listed.where(~m.listed.isna(), 0.0).where(inside)
    np.testing.assert_array_equal(m.atop_alliance.to_numpy(), expected.to_numpy())
    assert m.loc[~inside, "atop_alliance"].isna().all() and (~inside).sum() > 0  # after 2018: missing
    # every listed dyad-year inside the state system is a 1, the all-zero ones included
    zero_rows = raw_atop[(raw_atop[list(OBLIGATIONS)] == 0).all(axis=1)]
    z = panel.merge(zero_rows[keys], on=keys)
    assert len(z) > 0 and (z.atop_alliance == 1.0).all()
    assert (z[[f"alliance_{v}_12" for v in OBLIGATIONS.values()]] == 0.0).all(axis=None)


def test_obligations_match_raw_file(raw_atop, panel):
    keys = ["ccode1", "ccode2", "year"]
    m = panel.merge(raw_atop, on=keys, how="left")
    inside = m.year <= 2018
    for raw_col, name in OBLIGATIONS.items():
        want12 = m[raw_col].fillna(0.0).where(inside)
        np.testing.assert_array_equal(m[f"alliance_{name}_12"].to_numpy(), want12.to_numpy())
    # the reverse direction is the raw row of (ccode2, ccode1)
    rev = raw_atop.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})
    m = panel.merge(rev, on=keys, how="left")
    for raw_col, name in OBLIGATIONS.items():
        np.testing.assert_array_equal(m[f"alliance_{name}_21"].to_numpy(),
                                      m[raw_col].fillna(0.0).where(m.year <= 2018).to_numpy())


def test_nondirected_panel_indicator(raw_atop):
    d = pg.add_alliances(pg.dyad_years(directed=False, start=2000, end=2018))
    listed = set(zip(raw_atop.ccode1, raw_atop.ccode2, raw_atop.year))
    got = set(zip(*(d.loc[d.atop_alliance == 1.0, k] for k in ("ccode1", "ccode2", "year"))))
    want = {k for k in zip(d.ccode1, d.ccode2, d.year) if k in listed}
    assert got == want and len(got) > 10_000
    assert d.attrs["sources"] == ["cow_states", "atop_alliance"]
