"""The evidence reading of amity and enmity (powergap.measures.amity), rule by rule."""

import math

import pytest

from powergap.measures.amity import decide_tie, tie_evidence

NAN = math.nan
BASE = dict(rivalry=0.0, rivalry_source="rivalry_tss", mid_hostility=0.0, alliance=None, distance=NAN,
            median=NAN, ideal_point_variant=None, last_coded=(2020, 0.0))


def tie(year=2000, **kw):
    return decide_tie(year, **{**BASE, **kw})


def test_rivalry_is_enmity_even_with_an_alliance():
    # the Sino-Soviet treaty stayed in force to 1980 while the two were rivals from 1958
    assert tie(rivalry=1.0, alliance="defence pact") == ("-", "strategic rivalry (Thompson-Sakuwa-Suhas)")
    assert tie(rivalry=1.0, rivalry_source="rivalry_td")[1] == "strategic rivalry (Thompson-Dreyer)"


def test_war_without_rivalry_is_enmity_but_lesser_disputes_are_not():
    assert tie(mid_hostility=5.0, alliance="defence pact") == ("-", "war (MID hostility level 5)")
    assert tie(mid_hostility=4.0) == ("+", "no strategic rivalry (Thompson-Sakuwa-Suhas)")


def test_alliance_then_no_rivalry_is_amity():
    assert tie(alliance="consultation pact") == ("+", "alliance (ATOP consultation pact)")
    assert tie()[0] == "+"


def test_after_the_rivalry_data_a_rivalry_is_carried_forward():
    got = tie(2023, rivalry=NAN, rivalry_source=None, mid_hostility=NAN, distance=0.1, median=1.0,
              ideal_point_variant="all", last_coded=(2020, 1.0))
    assert got == ("-", "strategic rivalry (Thompson-Sakuwa-Suhas, last coded 2020, carried forward)")


@pytest.mark.parametrize("distance,median,sign,word", [(0.2, 0.7, "+", "closer"), (0.7, 0.7, "+", "closer"),
                                                       (0.9, 0.7, "-", "farther")])
def test_after_the_rivalry_data_other_pairs_take_the_ideal_points(distance, median, sign, word):
    got = tie(2024, rivalry=NAN, rivalry_source=None, mid_hostility=NAN, distance=distance, median=median,
              ideal_point_variant="fp", last_coded=(2020, 0.0))
    assert got == (sign, f"UN ideal points (foreign-policy votes) {word} than the median pair "
                         "(no rivalry data after 2020)")


def test_after_the_alliance_data_an_alliance_is_carried_forward_after_any_rivalry():
    allied = (2018, "defence pact")
    got = tie(2023, rivalry=NAN, rivalry_source=None, mid_hostility=NAN, distance=0.9, median=0.7,
              ideal_point_variant="all", last_coded=(2020, 0.0), last_alliance=allied)
    assert got == ("+", "alliance (ATOP defence pact, last coded 2018, carried forward)")
    # a carried rivalry comes first, as inside the data (allies that are rivals: Greece-Turkey)
    got = tie(2023, rivalry=NAN, rivalry_source=None, mid_hostility=NAN, last_coded=(2020, 1.0), last_alliance=allied)
    assert got[0] == "-" and "rivalry" in got[1]
    # inside the rivalry data the coded evidence decides; no pact in the last year carries nothing
    assert tie(2019, last_alliance=allied) == ("+", "no strategic rivalry (Thompson-Sakuwa-Suhas)")
    got = tie(2023, rivalry=NAN, rivalry_source=None, mid_hostility=NAN, distance=0.9, median=0.7,
              ideal_point_variant="all", last_coded=(2020, 0.0), last_alliance=(2018, None))
    assert got[0] == "-" and got[1].startswith("UN ideal points")


@pytest.mark.parametrize("pair", [(2, 20), (2, 255), (2, 220), (255, 220)])  # NATO allies
def test_allies_stay_allies_after_the_data_end(store, pair):
    ev = tie_evidence(*pair, range(2015, 2025), store).set_index("year")
    assert (ev["tie"] == "+").all(), ev[["tie", "basis"]]
    assert ev.loc[2024, "basis"] == "alliance (ATOP defence pact, last coded 2018, carried forward)"
    assert ev.loc[2020, "basis"].startswith("no strategic rivalry")
    # a window that starts after the alliance data end reads the last year itself
    late = tie_evidence(*pair, [2022, 2024], store)
    assert late["basis"].tolist() == [ev.loc[2022, "basis"], ev.loc[2024, "basis"]]


def test_no_evidence_is_no_tie():
    assert tie(2024, rivalry=NAN, rivalry_source=None, mid_hostility=NAN, last_coded=(2020, 0.0)) == (None, None)


def test_real_ties_china_ussr(store):
    ev = tie_evidence(710, 365, range(1950, 1992), store).set_index("year")
    assert ev.loc[1955, "tie"] == "+" and ev.loc[1955, "alliance"] == "defence pact"
    assert ev.loc[1969, "tie"] == "-" and ev.loc[1969, "rivalry"] == 1.0   # the border clashes
    assert ev.loc[1969, "mid_hostility"] == 4.0                            # shown beside the tie
    assert ev.loc[1991, "tie"] == "+" and ev.loc[1991, "rivalry"] == 0.0


def test_no_tie_for_a_state_outside_the_system(store):
    # Germany (COW 255) was not a member in 1946-1989 (West and East Germany were): no
    # "absence of rivalry" can be read for it, so the tie is missing, not amity
    ev = tie_evidence(255, 290, [1970, 1995], store).set_index("year")
    assert ev.loc[1970, "tie"] is None and math.isnan(ev.loc[1970, "rivalry"])
    assert ev.loc[1995, "tie"] == "+" and ev.loc[1995, "rivalry"] == 0.0
