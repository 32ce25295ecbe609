"""Readers for UN votes, ideal points, Voeten agreement, Pew, Levada, FBIC and GDELT.

Fixtures (tests/fixtures/<raw dir>/) are tiny hand-made files in each source's real format;
their values are invented so that the expected results can be worked out by hand.
"""

from __future__ import annotations

import gzip
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powergap.errors import DataError
from powergap.sources import fbic, gdelt, levada, pew, un_ideal_points, unvotes, voeten_agreement

FIXTURES = Path(__file__).resolve().parent / "fixtures"

MY_DIRS = ["unvotes_voeten", "un_ideal_points", "voeten_agreement_chn_rus_via_nakib", "pew_global_attitudes_harmonized",
           "levada_attitudes_us_eu_geodata", "fbic_china_influence_aasheim", "gdelt_monthly_dyadic_score_gzemo",
           "gdelt_country_snapshot_2025-26_worldcountrygroups"]


@pytest.fixture()
def raw_copy(tmp_path: Path) -> Path:
    """A writable raw directory holding copies of this module's fixtures."""
    for d in MY_DIRS:
        shutil.copytree(FIXTURES / d, tmp_path / d)
    return tmp_path


def sy(frame: pd.DataFrame, series: str, ccode: int, year: int) -> float:
    hit = frame[(frame["series"] == series) & (frame["ccode"] == ccode) & (frame["year"] == year)]
    assert len(hit) == 1, (series, ccode, year, len(hit))
    return float(hit["value"].iloc[0])


def has(frame: pd.DataFrame, series: str, ccode: int, year: int) -> bool:
    return bool(((frame["series"] == series) & (frame["ccode"] == ccode) & (frame["year"] == year)).any())


def write_gz(path: Path, text: str) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(text)


# ============================================================================ unvotes

def test_unvotes_votes_coded_and_mapped_by_date():
    t = unvotes.read_unvotes(FIXTURES).tables
    v = t["un_votes"]
    assert list(v.columns) == ["rcid", "ccode", "vote"]
    assert (v.dtypes.astype(str).tolist()) == ["int32", "int16", "int8"]
    got = {(int(r.rcid), int(r.ccode)): int(r.vote) for r in v.itertuples()}
    assert got == {
        (3, 2): 1, (3, 365): 3, (3, 713): 1, (3, 315): 2,              # 1946: USSR seat -> 365, ROC seat -> 713
        (1001, 2): 3, (1001, 365): 1, (1001, 710): 1, (1001, 260): 2,  # 1985: FRG -> 260
        (1001, 265): 1, (1001, 678): 1,                                 # GDR -> 265, YAR before unification -> 678
        (2001, 2): 1, (2001, 365): 2, (2001, 710): 3,
        (2001, 255): 1, (2001, 679): 3, (2001, 565): 1,                 # Nov 1990: "FRG" -> 255, "YAR" -> 679, "NA" Namibia
        (3001, 255): 1, (3001, 679): 2,
        (4001, 365): 3, (4001, 710): 3, (4001, 2): 1,
    }
    # The absent vote (South Yemen 1985) and the empty one (Russia 1991) are not rows.
    assert not ((v["rcid"] == 1001) & (v["ccode"] == 680)).any()
    assert not ((v["rcid"] == 3001) & (v["ccode"] == 365)).any()


def test_unvotes_roll_calls_and_issues():
    t = unvotes.read_unvotes(FIXTURES).tables
    rc = t["un_roll_calls"].set_index("rcid")
    assert list(t["un_roll_calls"].columns) == ["rcid", "session", "date", "year", "importantvote", "amend", "para",
                                                "unres", "short"]
    assert rc.loc[4001, "date"] == "2020-01-14" and rc.loc[4001, "year"] == 2020 and rc.loc[4001, "session"] == 74
    assert rc.loc[1001, "importantvote"] == 1 and rc.loc[3, "importantvote"] == 0
    assert pd.isna(rc.loc[2001, "importantvote"]) and pd.isna(rc.loc[2001, "amend"])
    assert len(rc.loc[2001, "short"]) == unvotes.SHORT_TITLE_MAX
    assert pd.isna(rc.loc[3001, "short"]) and pd.isna(rc.loc[3001, "unres"])
    assert rc.loc[3, "short"] == "AMENDMENTS, RULES OF PROCEDURE"
    iss = t["un_roll_call_issues"]
    assert list(iss.columns) == ["rcid", "issue_code", "issue_label"]
    assert sorted(iss.loc[iss["rcid"] == 1001, "issue_code"]) == ["di", "nu"]


@given(day=st.dates(min_value=pd.Timestamp("1973-09-18").date(), max_value=pd.Timestamp("1990-12-31").date()))
@settings(max_examples=40, deadline=None)
def test_unvotes_frg_seat_split_at_unification(day):
    date = pd.Series([day.isoformat()])
    cc = unvotes.vote_ccodes(pd.Series(["Federal Republic of Germany"]), pd.Series([""]), date, label="x")
    assert int(cc.iloc[0]) == (255 if day.isoformat() >= "1990-10-03" else 260)


def test_unvotes_gdr_vote_after_unification_is_an_error():
    with pytest.raises(DataError, match="German Democratic Republic"):
        unvotes.vote_ccodes(pd.Series(["German Democratic Republic"]), pd.Series(["DD"]),
                            pd.Series(["1990-11-03"]), label="un_votes.csv.gz")


def _rewrite_votes(raw: Path, edit) -> None:
    path = raw / unvotes.VOTES_FILE
    text = gzip.open(path, "rt", encoding="utf-8").read()
    write_gz(path, edit(text))


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("rcid,country,country_code,vote", "rcid,country,country_code,ballot"), "missing expected column.*vote"),
    (lambda t: t.replace("4001,China,CN,no", "4001,China,CN,maybe"), "unknown vote value 'maybe'"),
    (lambda t: t + "4001,Atlantis,XX,yes\n", "no COW code for voter 'Atlantis'"),
    (lambda t: t + "9999,China,CN,yes\n", "rcid 9999 is not in un_roll_calls.csv"),
    (lambda t: t + "4001,China,CN,yes\n", r"key \['rcid', 'ccode'\] is not unique"),
])
def test_unvotes_malformed_votes(raw_copy, edit, message):
    _rewrite_votes(raw_copy, edit)
    with pytest.raises(DataError, match=f"un_votes.csv.gz: {message}"):
        unvotes.read_unvotes(raw_copy)


def test_unvotes_truncated_gzip(raw_copy):
    path = raw_copy / unvotes.VOTES_FILE
    path.write_bytes(path.read_bytes()[:60])
    with pytest.raises(DataError, match="un_votes.csv.gz: cannot be parsed"):
        unvotes.read_unvotes(raw_copy)


def test_unvotes_bad_roll_call_date(raw_copy):
    path = raw_copy / unvotes.ROLL_CALLS_FILE
    path.write_text(path.read_text().replace("1985-11-20", "1985-13-45"))
    with pytest.raises(DataError, match="un_roll_calls.csv: unparsable date '1985-13-45'"):
        unvotes.read_unvotes(raw_copy)


# ============================================================================ ideal points

def test_ideal_points_values_and_quantiles():
    s = un_ideal_points.read_ideal_points(FIXTURES).state_year
    assert sy(s, "ideal_point", 710, 2019) == -0.66
    assert sy(s, "ideal_point_q5", 710, 2019) == -0.81
    assert sy(s, "ideal_point_q95", 710, 2019) == -0.5
    assert sy(s, "ideal_point_fp", 365, 2019) == 0.02
    assert sy(s, "ideal_point_fp_q5", 365, 2019) == -0.1
    assert sy(s, "ideal_point_fp_q95", 365, 2019) == 0.15
    assert sy(s, "ideal_point_legacy", 2, 2019) == 2.6
    assert sy(s, "un_nvotes", 2, 2019) == 170 and sy(s, "un_nvotes_fp", 2, 2019) == 100
    # 2024: only the foreign-policy estimate; the empty placeholder row gives nothing.
    assert has(s, "ideal_point_fp", 710, 2024) and not has(s, "ideal_point", 710, 2024)
    assert not (s["ccode"] == 260).any()
    assert not s["value"].isna().any()


def test_ideal_points_ccode_iso3_clash(raw_copy):
    path = raw_copy / un_ideal_points.IDEAL_FILE
    path.write_text(path.read_text().replace("365,RUS,Russia", "365,CHN,Russia"))
    with pytest.raises(DataError, match="IdealpointsJuly2025.csv: ccode 365 and iso3c 'CHN'"):
        un_ideal_points.read_ideal_points(raw_copy)


def test_ideal_points_missing_column(raw_copy):
    path = raw_copy / un_ideal_points.IDEAL_FILE
    path.write_text(path.read_text().replace(",q95all,", ",q95_all,"))
    with pytest.raises(DataError, match="IdealpointsJuly2025.csv: missing expected column.*q95all"):
        un_ideal_points.read_ideal_points(raw_copy)


# ============================================================================ Voeten agreement

def test_voeten_agreement_only_the_score():
    d = voeten_agreement.read_voeten_agreement(FIXTURES).dyad_year
    assert d.to_dict("list") == {"series": ["un_agreement_voeten"] * 3, "ccode1": [365] * 3, "ccode2": [710] * 3,
                                 "year": [1971, 2022, 2023], "value": [0.85, 0.8, 0.75]}


def test_voeten_agreement_out_of_range(raw_copy):
    path = raw_copy / voeten_agreement.AGREEMENT_FILE
    path.write_text(path.read_text().replace(",0.75,", ",1.75,"))
    with pytest.raises(DataError, match="master_dataset.csv: agreement score outside 0-1"):
        voeten_agreement.read_voeten_agreement(raw_copy)


# ============================================================================ Pew

def test_pew_weighted_shares_by_hand():
    s = pew.read_pew(FIXTURES).state_year
    # Russia 2019, USA: favourable weights 0.5 + 2.0 of valid 0.5 + 1 + 1.5 + 2 = 5 -> 0.5;
    # with the DK respondent (weight 1) in the denominator: 2.5 / 6.
    assert sy(s, "pew_fav_usa", 365, 2019) == pytest.approx(0.5)
    assert sy(s, "pew_fav_usa_topline", 365, 2019) == pytest.approx(2.5 / 6)
    # China: favourable 0.5 + 1 + 1 of valid 4 (DK weight 2 excluded) -> 0.625; topline 2.5 / 6.
    assert sy(s, "pew_fav_china", 365, 2019) == pytest.approx(0.625)
    assert sy(s, "pew_fav_china_topline", 365, 2019) == pytest.approx(2.5 / 6)
    # Russia: all valid answers favourable; Refused (2) is asked, the empty one (1) was not.
    assert sy(s, "pew_fav_russia", 365, 2019) == pytest.approx(1.0)
    assert sy(s, "pew_fav_russia_topline", 365, 2019) == pytest.approx(3.0 / 5)
    # USA 2019: one in three (by weight) favourable to China, nobody to Russia (a true zero).
    assert sy(s, "pew_fav_china", 2, 2019) == pytest.approx(1 / 3)
    assert sy(s, "pew_fav_russia", 2, 2019) == 0.0
    # Not asked: missing, never zero.
    assert not has(s, "pew_fav_usa", 2, 2019)
    assert not has(s, "pew_fav_china", 255, 2002) and sy(s, "pew_fav_usa", 255, 2002) == 1.0
    # Palestinian territories have no COW state.
    assert set(s["ccode"]) == {2, 255, 365}


def _pew_text(rows: list[tuple]) -> str:
    head = ("wav,sta,wgt,sex,age,opi_rel,opi_USA,opi_CHN,opi_RUS,opi_UN,opi_EU,opi_IRN,opi_DEU,opi_FRA,opi_JPN,"
            "opi_IND,opi_TWN,opi_BRA")
    return "\n".join([head] + [f"2010,{sta},{w},Male,30.0,,{a},{a},{a},,,,,,,,," for sta, w, a in rows]) + "\n"


ANSWERS = list(pew.FAVOURABLE + pew.UNFAVOURABLE + pew.NOT_VALID) + [""]


@given(rows=st.lists(st.tuples(st.sampled_from(["RUS", "CHN"]), st.floats(0.01, 10.0), st.sampled_from(ANSWERS)),
                     min_size=1, max_size=25),
       scale=st.floats(0.1, 10.0))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_pew_share_properties(tmp_path_factory, rows, scale):
    """Shares lie in [0, 1], topline <= valid-answer share, and rescaling all weights changes nothing."""
    raw = tmp_path_factory.mktemp("pew")
    (raw / "pew_global_attitudes_harmonized").mkdir()
    write_gz(raw / pew.PEW_FILE, _pew_text(rows))
    a = pew.read_pew(raw).state_year
    write_gz(raw / pew.PEW_FILE, _pew_text([(s, w * scale, x) for s, w, x in rows]))
    b = pew.read_pew(raw).state_year
    m = a.merge(b, on=["series", "ccode", "year"])
    assert len(m) == len(a) == len(b)
    assert np.allclose(m["value_x"], m["value_y"], atol=1e-12)
    assert a["value"].between(0, 1).all()
    wide = a.pivot_table(index=["ccode", "year"], columns="series", values="value")
    if "pew_fav_usa" in wide:
        assert (wide["pew_fav_usa_topline"] <= wide["pew_fav_usa"] + 1e-12).all()
    # a state with no valid answer has no value
    for sta, cc in (("RUS", 365), ("CHN", 710)):
        valid = [x for s, _, x in rows if s == sta and x in pew.FAVOURABLE + pew.UNFAVOURABLE]
        assert has(a, "pew_fav_usa", cc, 2010) == bool(valid)


def test_pew_unexpected_answer(raw_copy):
    path = raw_copy / pew.PEW_FILE
    text = gzip.open(path, "rt").read().replace("Somewhat unfavorable,Very unfavorable", "Sort of unfavorable,Very unfavorable")
    write_gz(path, text)
    with pytest.raises(DataError, match="pew_all_opi.csv.gz: column 'opi_CHN' has unexpected answer 'Sort of unfavorable'"):
        pew.read_pew(raw_copy)


def test_pew_unknown_country_and_bad_weight(raw_copy):
    path = raw_copy / pew.PEW_FILE
    original = gzip.open(path, "rt").read()
    write_gz(path, original.replace("2002,DEU,", "2002,XYZ,"))
    with pytest.raises(DataError, match="pew_all_opi.csv.gz: sta 'XYZ' is not a known country code"):
        pew.read_pew(raw_copy)
    write_gz(path, original.replace("2002,DEU,1.0,", "2002,DEU,heavy,"))
    with pytest.raises(DataError, match="pew_all_opi.csv.gz: column 'wgt'"):
        pew.read_pew(raw_copy)


# ============================================================================ Levada

def test_levada_annual_means_and_waves():
    d = levada.read_levada(FIXTURES)
    s = d.state_year
    assert set(s["ccode"]) == {365}
    assert sy(s, "levada_positive_usa", 365, 2014) == pytest.approx(0.225)  # (20 + 25) / 2 / 100
    assert sy(s, "levada_negative_usa", 365, 2014) == pytest.approx(0.68)
    assert sy(s, "levada_positive_usa", 365, 1990) == pytest.approx(0.75)
    assert sy(s, "levada_positive_eu", 365, 2014) == pytest.approx(0.30)
    assert sy(s, "levada_negative_eu", 365, 2014) == pytest.approx(0.55)
    assert not has(s, "levada_positive_eu", 365, 1990)
    w = d.tables["levada_waves"]
    assert list(w.columns) == ["date", "target", "positive_pct", "negative_pct", "difficult_pct"]
    assert len(w) == 4
    sept = w[(w["target"] == "USA") & (w["date"] == "2014-09-01")].iloc[0]
    assert (sept["positive_pct"], sept["negative_pct"]) == (25, 66) and pd.isna(sept["difficult_pct"])


def test_levada_bad_attitude(raw_copy):
    path = raw_copy / levada.EU_FILE
    path.write_text(path.read_text().replace("Negative", "Hostile"))
    with pytest.raises(DataError, match="oc_russie_levada_attitude_eu.csv: unknown attitude 'Hostile'"):
        levada.read_levada(raw_copy)


# ============================================================================ FBIC

def test_fbic_target_keyed_series():
    s = fbic.read_fbic(FIXTURES).state_year
    assert sy(s, "fbic_china_over", 365, 2023) == 0.3
    assert sy(s, "fbic_west_over", 365, 2022) == 0.5
    assert sy(s, "fbic_west_expanded_over", 365, 2023) == 0.625
    assert sy(s, "fbic_china_over", 347, 2023) == 0.01  # the file's UNK is Kosovo
    assert not has(s, "fbic_china_over", 365, 2024)     # empty 2024 row: missing
    assert set(s["ccode"]) == {347, 365}                # Hong Kong left out


def test_fbic_out_of_range(raw_copy):
    path = raw_copy / fbic.FBIC_FILE
    path.write_text(path.read_text().replace(",0.3,0.52,", ",1.3,0.52,"))
    with pytest.raises(DataError, match="base_conversion.csv: fbic outside 0-1"):
        fbic.read_fbic(raw_copy)


# ============================================================================ GDELT

def test_gdelt_monthly_table_and_annual_means():
    d = gdelt.read_gdelt_monthly(FIXTURES)
    t = d.tables["gdelt_monthly"]
    assert list(t.columns) == ["ccode1", "ccode2", "month", "score"]
    assert (t["ccode1"] < t["ccode2"]).all()
    assert not ((t["month"] == "2018-03")).any()  # the builder's 0 = no event: missing
    a = d.dyad_year.set_index(["ccode1", "ccode2", "year"])["value"]
    assert a[(365, 710, 2018)] == pytest.approx((100.0 + 200.5) / 2)
    assert a[(365, 710, 2023)] == 300.0
    assert a[(2, 365, 2018)] == -50.25
    assert a[(365, 705, 2023)] == 12.5


def test_gdelt_snapshot_tables():
    t = gdelt.read_gdelt_snapshot(FIXTURES).tables
    p = t["gdelt_snapshot"].set_index(["ccode1", "ccode2"])
    assert p.loc[(710, 365), "events"] == 120 and p.loc[(365, 710), "events"] == 150  # directed as published
    assert p.loc[(365, 2), "cooperation_ratio"] == 0.35
    assert len(p) == 3  # the PAL partner row is left out
    c = t["gdelt_snapshot_countries"].set_index("ccode")
    assert c.loc[710, "events"] == 500 and c.loc[365, "goldstein_avg"] == -0.8
    assert (c["period"] == "2025-02 to 2026-02").all()


def test_gdelt_snapshot_malformed(raw_copy):
    path = raw_copy / gdelt.SNAPSHOT_FILE
    path.write_text(path.read_text()[:200])
    with pytest.raises(DataError, match="gdelt-data.json: cannot be parsed"):
        gdelt.read_gdelt_snapshot(raw_copy)


def test_gdelt_monthly_is_restricted_and_build_respects_it(tmp_path):
    from powergap.snapshot.build import build

    srcs = {s.key: s for s in gdelt.SOURCES}
    assert srcs["gdelt_monthly"].embed is False and srcs["gdelt_snapshot"].embed is True
    mine = tuple(s for m in (unvotes, un_ideal_points, voeten_agreement, pew, levada, fbic, gdelt) for s in m.SOURCES)
    cat = build(FIXTURES, tmp_path / "snap", sources=mine)
    ids = {s["id"] for s in cat["series"]}
    assert "gdelt_score" not in ids and "gdelt_monthly" not in cat["tables"]
    assert {"ideal_point", "un_agreement_voeten", "pew_fav_china", "levada_positive_usa", "fbic_china_over"} <= ids
    assert {"un_votes", "un_roll_calls", "un_roll_call_issues", "levada_waves", "gdelt_snapshot"} <= set(cat["tables"])
    cat = build(FIXTURES, tmp_path / "snap-user", sources=mine, include_restricted=True)
    assert "gdelt_score" in {s["id"] for s in cat["series"]} and "gdelt_monthly" in cat["tables"]


# ============================================================================ raw data (skip without ../shared)

def test_raw_unvotes(raw_dir):
    t = unvotes.read_unvotes(raw_dir).tables
    v, rc = t["un_votes"], t["un_roll_calls"]
    assert len(v) == 870109 and len(rc) == 6203  # MANIFEST: every row is a cast vote
    assert rc["date"].min() == "1946-01-01" and rc["date"].max() == "2020-01-14"
    assert set(v["vote"]) == {1, 2, 3}
    m = v.merge(rc[["rcid", "year"]], on="rcid")
    assert m.loc[m["ccode"] == 260, "year"].max() == 1989 and m.loc[m["ccode"] == 255, "year"].min() == 1990
    assert m.loc[m["ccode"] == 710, "year"].min() == 1971 and m.loc[m["ccode"] == 713, "year"].max() == 1971
    # China-Russia agreement recomputed by session year matches Voeten's published score (1991: 0.761194).
    cr = v[v["ccode"] == 710].merge(v[v["ccode"] == 365], on="rcid").merge(rc[["rcid", "session"]], on="rcid")
    cr = cr[cr["session"] == 1991 - 1945]
    agree = (1 - (cr["vote_x"].astype(int) - cr["vote_y"].astype(int)).abs() / 2).mean()
    assert agree == pytest.approx(0.761194, abs=1e-6)


def test_raw_ideal_points(raw_dir):
    s = un_ideal_points.read_ideal_points(raw_dir).state_year
    assert sy(s, "ideal_point", 710, 2019) == pytest.approx(-0.659514, abs=1e-6)
    assert sy(s, "ideal_point_q5", 710, 2019) == pytest.approx(-0.811372, abs=1e-6)
    assert sy(s, "ideal_point_fp", 365, 2024) == pytest.approx(-0.598485, abs=1e-6)
    assert not has(s, "ideal_point", 2, 2024)


def test_raw_voeten_agreement(raw_dir):
    d = voeten_agreement.read_voeten_agreement(raw_dir).dyad_year.set_index("year")["value"]
    assert d.index.min() == 1971 and d.index.max() == 2023 and len(d) == 53
    assert d[2022] == pytest.approx(0.798851, abs=1e-6)
    assert d[2013] == pytest.approx(0.84375, abs=1e-6)


def test_raw_pew_reproduces_published_topline(raw_dir):
    t0 = time.perf_counter()
    s = pew.read_pew(raw_dir).state_year
    assert time.perf_counter() - t0 < 20
    # Pew (Dec 2019): 71% of Russians favourable to China; 26% of Americans.
    assert sy(s, "pew_fav_china_topline", 365, 2019) == pytest.approx(0.71, abs=0.01)
    assert sy(s, "pew_fav_china_topline", 2, 2019) == pytest.approx(0.26, abs=0.01)
    assert sy(s, "pew_fav_china", 365, 2019) > sy(s, "pew_fav_china_topline", 365, 2019)


def test_raw_fbic_levada_gdelt(raw_dir):
    f = fbic.read_fbic(raw_dir).state_year
    assert sy(f, "fbic_china_over", 365, 2023) == pytest.approx(0.291079, abs=1e-6)
    assert sy(f, "fbic_west_over", 365, 1994) == pytest.approx(0.471386, abs=1e-6)
    lv = levada.read_levada(raw_dir)
    assert len(lv.tables["levada_waves"]) == 172 + 121
    g = gdelt.read_gdelt_monthly(raw_dir).dyad_year.set_index(["ccode1", "ccode2", "year"])["value"]
    assert g[(365, 710, 2018)] == pytest.approx(278, abs=0.5)  # MANIFEST: CHN-RUS 2018 mean 278
    snap = gdelt.read_gdelt_snapshot(raw_dir).tables["gdelt_snapshot"].set_index(["ccode1", "ccode2"])
    assert snap.loc[(710, 365), "events"] == 14037 and snap.loc[(365, 710), "events"] == 17768
