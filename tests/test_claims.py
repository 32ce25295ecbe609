"""Claims: the expression parser, every function of the language on a tiny hand-made
snapshot, verdicts, claim-file validation, hostile input, and the CLI."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powergap.claims import ClaimReport, Expect, check_claims, judge, load_claims
from powergap.claims.parse import MAX_DEPTH, Call, Chain, Neg, Num, parse
from powergap.errors import InputError
from powergap.snapshot.store import Snapshot

FIX = Path(__file__).resolve().parent / "fixtures" / "claims"

CHN, RUS, USA, IND, DEU, NLD, TUR = 710, 365, 2, 750, 255, 210, 640

# ----------------------------------------------------------------------------- tiny snapshot

STATE_YEAR = [
    # series, ccode, year, value, source
    ("gdp_usd", CHN, 2018, 800.0, "wdi"), ("gdp_usd", CHN, 2019, 1000.0, "wdi"), ("gdp_usd", CHN, 2020, 1200.0, "wdi"),
    ("gdp_usd", RUS, 2018, 100.0, "wdi"), ("gdp_usd", RUS, 2019, 125.0, "imf_weo"), ("gdp_usd", RUS, 2020, 150.0, "wdi"),
    ("gdp_usd", USA, 2018, 1600.0, "wdi"), ("gdp_usd", USA, 2019, 1700.0, "wdi"),  # USA 2020 missing
    ("milex_usd", CHN, 2016, 200.0, "sipri_milex"), ("milex_usd", CHN, 2017, 230.0, "sipri_milex"),
    ("milex_usd", RUS, 2016, 70.0, "sipri_milex"), ("milex_usd", RUS, 2017, 60.0, "sipri_milex"),
    ("milex_usd", USA, 2016, 600.0, "sipri_milex"), ("milex_usd", USA, 2017, 610.0, "sipri_milex"),
    ("milex_usd", IND, 2016, 50.0, "sipri_milex"), ("milex_usd", IND, 2017, 55.0, "sipri_milex"),
    ("nuclear_warheads", RUS, 2020, 6000.0, "fas"), ("nuclear_warheads", USA, 2020, 5500.0, "fas"),
    ("nuclear_warheads", CHN, 2020, 300.0, "fas"),  # India absent: 0 inside coverage 2000-2021
    ("reserves_usd", CHN, 2020, 5.0, "wdi"), ("reserves_usd", RUS, 2020, 0.0, "wdi"),
    ("cinc", CHN, 2019, 0.2, "cow_nmc"), ("cinc", RUS, 2019, 0.04, "cow_nmc"),
]
DYAD_YEAR = [
    # series, ccode1, ccode2, year, value, source
    ("trade_exports_usd", RUS, CHN, 2019, 60.0, "imf_dots"), ("trade_exports_usd", CHN, RUS, 2019, 50.0, "imf_dots"),
    ("trade_exports_usd", RUS, DEU, 2019, 40.0, "imf_dots"), ("trade_exports_usd", RUS, NLD, 2019, 70.0, "imf_dots"),
    ("trade_exports_usd", RUS, TUR, 2019, 20.0, "imf_dots"),
    ("trade_total_usd", RUS, CHN, 2018, 100.0, "imf_dots"), ("trade_total_usd", RUS, CHN, 2019, 110.0, "imf_dots"),
    ("veto_joint", RUS, CHN, 2011, 1.0, "unsc_vetoes"), ("veto_joint", RUS, CHN, 2012, 2.0, "unsc_vetoes"),
]
META = {
    "gdp_usd": dict(dyadic=False), "milex_usd": dict(dyadic=False), "reserves_usd": dict(dyadic=False),
    "cinc": dict(dyadic=False),
    "nuclear_warheads": dict(dyadic=False, zero_within_coverage=True, first_year=2000, last_year=2021),
    "trade_exports_usd": dict(dyadic=True), "trade_total_usd": dict(dyadic=True, symmetric=True),
    "veto_joint": dict(dyadic=True, symmetric=True, zero_within_coverage=True, first_year=2010, last_year=2013),
}


def make_snapshot(path: Path) -> Snapshot:
    """Write a snapshot directory in the store's layout (Parquet + catalog.json)."""
    path.mkdir(parents=True, exist_ok=True)
    sy = pd.DataFrame(STATE_YEAR, columns=["series", "ccode", "year", "value", "source"])
    dy = pd.DataFrame(DYAD_YEAR, columns=["series", "ccode1", "ccode2", "year", "value", "source"])
    for df, name in ((sy, "state_year.parquet"), (dy, "dyad_year.parquet")):
        for c in ("ccode", "ccode1", "ccode2", "year"):
            if c in df.columns:
                df[c] = df[c].astype("int16")
        df.to_parquet(path / name, index=False)
    series = []
    for sid, m in META.items():
        frame = dy if m["dyadic"] else sy
        part = frame[frame["series"] == sid]
        srcs = sorted(part["source"].unique())
        series.append({"id": sid, "description": sid, "unit": "x", "dimension": "other", "source": srcs[0],
                       "sources": srcs, "dyadic": m["dyadic"], "symmetric": m.get("symmetric", False),
                       "zero_within_coverage": m.get("zero_within_coverage", False),
                       "first_year": m.get("first_year", int(part["year"].min())),
                       "last_year": m.get("last_year", int(part["year"].max())), "n_obs": len(part)})
    catalog = {"format": 1, "end_year": 2020, "series": series, "tables": {}, "sources": [], "files": {}}
    (path / "catalog.json").write_text(json.dumps(catalog), encoding="utf-8")
    return Snapshot(path)


@pytest.fixture(scope="module")
def snap(tmp_path_factory) -> Snapshot:
    return make_snapshot(tmp_path_factory.mktemp("claims-snap"))


def one(snap, value: str, expect=None, cid: str = "c1"):
    """Check a single claim; return its result."""
    claim = {"id": cid, "text": "t", "source": "s", "value": value, "expect": expect or {"op": ">", "target": 0}}
    return check_claims([claim], store=snap).results[0]


def val(snap, value: str) -> float | None:
    return one(snap, value).value


# ----------------------------------------------------------------------------- parser

@pytest.mark.parametrize("text, expected", [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("-2 * 3", -6), ("10 / 4 / 5", 0.5), ("2 - 3 - 4", -5),
    ("--3", 3), ("+3", 3), ("2 * -3", -6), ("1.5 + .5", 2), ("((((7))))", 7), ("8 / 2 * 4", 16),
    ("1 - 2 + 3", 2), ("100000000000000", 1e14),
])
def test_arithmetic_and_precedence(snap, text, expected):
    assert val(snap, text) == pytest.approx(expected)


def test_parse_tree_shapes():
    t = parse("a(CHN, 2018) + 2 * 3")
    assert isinstance(t, Chain) and t.kind == "add"
    assert isinstance(t.first, Call) and t.first.name == "a"
    assert isinstance(parse("-1"), Neg) and isinstance(parse("1"), Num)


# Reference arithmetic for the property test (a hand-written tree walker, never eval).
def _tree():
    leaf = st.integers(min_value=0, max_value=1000).map(lambda n: (str(n), float(n)))

    def combine(children):
        def build(a, op, b):
            ta, va = a
            tb, vb = b
            if va is None or vb is None:
                v = None
            elif op == "+":
                v = va + vb
            elif op == "-":
                v = va - vb
            elif op == "*":
                v = va * vb
            else:
                v = None if vb == 0 else va / vb
            return f"({ta} {op} {tb})", v

        neg = children.map(lambda c: (f"-{c[0]}", None if c[1] is None else -c[1]))
        binop = st.builds(build, children, st.sampled_from("+-*/"), children)
        return st.one_of(neg, binop)

    return st.recursive(leaf, combine, max_leaves=12)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_tree())
def test_arithmetic_matches_reference(snap, pair):
    text, expected = pair
    got = one(snap, text)
    if expected is None or not math.isfinite(expected):
        assert got.verdict == "unverifiable" and got.value is None
        assert any("division by zero" in m["reason"] for m in got.missing)
    else:
        assert got.value == pytest.approx(expected, rel=1e-9, abs=1e-9)


# ----------------------------------------------------------------------------- functions

def test_state_year_series_and_source(snap):
    r = one(snap, "gdp_usd(CHN, 2019)")
    assert r.value == 1000 and r.sources == ["wdi"] and r.missing == []
    assert one(snap, "gdp_usd(RUS, 2019)").sources == ["imf_weo"]  # the row's own source
    assert val(snap, "gdp_usd(China, 2019)") == 1000  # other forms resolve too
    assert val(snap, "gdp_usd(710, 2019)") == 1000


def test_dyadic_series_directed_and_symmetric(snap):
    assert val(snap, "trade_exports_usd(RUS, CHN, 2019)") == 60
    assert val(snap, "trade_exports_usd(CHN, RUS, 2019)") == 50
    assert val(snap, "trade_total_usd(CHN, RUS, 2019)") == 110
    assert val(snap, "trade_total_usd(RUS, CHN, 2019)") == 110


def test_world_and_share(snap):
    assert val(snap, "world(gdp_usd, 2019)") == 2825
    assert val(snap, "share(gdp_usd, CHN, 2019)") == pytest.approx(1000 / 2825)
    r = one(snap, "share(gdp_usd, CHN, 2019)")
    assert r.sources == ["wdi", "imf_weo"] or set(r.sources) == {"wdi", "imf_weo"}
    r = one(snap, "world(gdp_usd, 2030)")
    assert r.verdict == "unverifiable" and r.missing[0]["year"] == 2030


def test_sum_mean_max_min_growth_change(snap):
    assert val(snap, "sum(gdp_usd, CHN, 2018, 2020)") == 3000
    assert val(snap, "mean(gdp_usd, CHN, 2018, 2020)") == 1000
    assert val(snap, "max(gdp_usd, CHN, 2018, 2020)") == 1200
    assert val(snap, "min(gdp_usd, CHN, 2018, 2020)") == 800
    assert val(snap, "growth(gdp_usd, CHN, 2018, 2020)") == pytest.approx(0.5)
    assert val(snap, "change(gdp_usd, RUS, 2018, 2020)") == 50
    assert val(snap, "sum(trade_total_usd, CHN, RUS, 2018, 2019)") == 210
    assert val(snap, "growth(trade_total_usd, CHN, RUS, 2018, 2019)") == pytest.approx(0.1)
    assert val(snap, "sum(gdp_usd, CHN, 2019, 2019)") == 1000


def test_sum_with_a_missing_year_is_unverifiable(snap):
    r = one(snap, "sum(gdp_usd, USA, 2017, 2020)")
    assert r.verdict == "unverifiable" and r.value is None
    assert r.missing == [{"series": "gdp_usd", "country": "USA", "year": "2017, 2020", "reason": "no value"}]


def test_rank(snap):
    assert val(snap, "rank(gdp_usd, USA, 2019)") == 1
    assert val(snap, "rank(gdp_usd, CHN, 2019)") == 2
    assert val(snap, "rank(gdp_usd, RUS, 2019)") == 3
    assert val(snap, "rank(nuclear_warheads, RUS, 2020)") == 1
    assert val(snap, "rank(nuclear_warheads, IND, 2020)") == 4  # absent inside coverage: 0


def test_zero_within_coverage(snap):
    assert val(snap, "nuclear_warheads(IND, 2020)") == 0
    r = one(snap, "nuclear_warheads(IND, 2022)")  # outside coverage: missing, never 0
    assert r.verdict == "unverifiable" and r.missing[0]["reason"] == "no value"
    assert val(snap, "sum(veto_joint, CHN, RUS, 2010, 2013)") == 3
    assert one(snap, "sum(veto_joint, CHN, RUS, 2010, 2014)").verdict == "unverifiable"


def test_rank_increase_and_decrease(snap):
    assert val(snap, "rank_increase(milex_usd, CHN, 2016, 2017)") == 1
    assert val(snap, "rank_increase(milex_usd, USA, 2016, 2017)") == 2
    assert val(snap, "rank_decrease(milex_usd, RUS, 2016, 2017)") == 1
    assert val(snap, "rank_decrease(milex_usd, CHN, 2016, 2017)") == 4


def test_partner_rank(snap):
    assert [val(snap, f"partner_rank(trade_exports_usd, RUS, {p}, 2019)") for p in ("NLD", "CHN", "DEU", "TUR")] \
        == [1, 2, 3, 4]
    assert one(snap, "partner_rank(trade_exports_usd, RUS, USA, 2019)").verdict == "unverifiable"


def test_ratio_and_cinc(snap):
    assert val(snap, "ratio(gdp_usd, CHN, RUS, 2019)") == 8
    assert val(snap, "cinc(CHN, 2019) / cinc(RUS, 2019)") == pytest.approx(5)


def test_division_by_zero_is_unverifiable_not_a_crash(snap):
    r = one(snap, "ratio(reserves_usd, CHN, RUS, 2020)")
    assert r.verdict == "unverifiable" and r.value is None
    assert r.missing[0]["country"] == "RUS" and "division by zero" in r.missing[0]["reason"]
    r = one(snap, "gdp_usd(CHN, 2019) / reserves_usd(RUS, 2020)")
    assert r.verdict == "unverifiable" and "division by zero" in r.missing[0]["reason"]
    r = one(snap, "growth(reserves_usd, RUS, 2020, 2021)")
    assert r.verdict == "unverifiable"


def test_missing_data_lists_everything(snap):
    r = one(snap, "gdp_usd(USA, 2020) + gdp_usd(DEU, 2019) + gdp_usd(CHN, 2019)")
    assert r.verdict == "unverifiable" and r.value is None
    assert [(m["series"], m["country"], m["year"]) for m in r.missing] == [("gdp_usd", "USA", 2020),
                                                                           ("gdp_usd", "DEU", 2019)]


def test_planned_and_wanted_series_are_unverifiable(snap):
    r = one(snap, "polyarchy(RUS, 2021) / polyarchy(CHN, 2021)")  # planned, not in this snapshot
    assert r.verdict == "unverifiable"
    assert {m["country"] for m in r.missing} == {"RUS", "CHN"}
    assert all("not in this snapshot" in m["reason"] for m in r.missing)
    r = one(snap, "students_abroad(CHN, USA, 2019)")  # wanted: no source provides it
    assert r.verdict == "unverifiable" and r.missing[0]["country"] == "CHN->USA"
    assert "no source" in r.missing[0]["reason"]


def _fake_frame(column, value, **extra):
    return pd.DataFrame({"year": [2019], column: [value], **{k: [v] for k, v in extra.items()}})


def test_dependence_calls_the_measure(snap, monkeypatch):
    import powergap.measures.dependence as dep

    calls = []

    def fake(a, b, *, start=None, end=None, store=None):
        calls.append((a, b, start, end, store))
        share = {("RUS", "CHN"): 0.18, ("CHN", "RUS"): 0.02}[(a, b)]
        return _fake_frame("a_on_b_share", share, source_trade="imf_dots", source_total="imf_dots")

    monkeypatch.setattr(dep, "trade_dependence", fake)
    r = one(snap, "dependence(RUS, CHN, 2019) / dependence(CHN, RUS, 2019)")
    assert r.value == pytest.approx(9) and r.sources == ["imf_dots"] and not r.curated
    assert calls[0][:4] == ("RUS", "CHN", 2019, 2019) and calls[0][4] is snap


def test_dependence_missing_and_curated(snap, monkeypatch):
    import powergap.measures.dependence as dep

    monkeypatch.setattr(dep, "trade_dependence", lambda a, b, **k: _fake_frame(
        "a_on_b_share", float("nan"), note="no bilateral trade figure"))
    r = one(snap, "dependence(RUS, CHN, 2019)")
    assert r.verdict == "unverifiable" and r.missing[0]["reason"] == "no bilateral trade figure"

    monkeypatch.setattr(dep, "trade_dependence", lambda a, b, **k: _fake_frame(
        "a_on_b_share", 0.34, source_trade="curated", source_total="curated", curated=True,
        fact_ids="f-trade, f-total", citation="Customs"))
    r = one(snap, "dependence(RUS, CHN, 2019)", {"op": "approx", "target": 0.33, "tolerance": 0.1})
    assert r.curated and r.label == "supported (curated)"
    assert r.sources == ["curated:f-trade", "curated:f-total"]


def test_agreement_calls_the_measure(snap, monkeypatch):
    import powergap.measures.alignment as ali

    monkeypatch.setattr(ali, "vote_agreement", lambda a, b, *, start=None, end=None, store=None:
                        _fake_frame("agreement", 0.87, n_votes=90))
    assert val(snap, "agreement(CHN, RUS, 2019)") == pytest.approx(0.87)


def test_product_share(snap, monkeypatch):
    import powergap.sources.products as products

    rows = [  # exporter, importer, year, hs_level, product, value
        (RUS, CHN, 2023, 6, "270900", 60.0), (RUS, CHN, 2023, 6, "260300", 10.0), (RUS, CHN, 2023, 6, "250100", 5.0),
        (RUS, CHN, 2023, 6, "440700", 25.0),
        (CHN, RUS, 2023, 6, "870300", 30.0), (CHN, RUS, 2023, 6, "900100", 10.0), (CHN, RUS, 2023, 6, "640100", 60.0),
    ]
    df = pd.DataFrame(rows, columns=["exporter", "importer", "year", "hs_level", "product", "value_usd"])
    df["hs_revision"], df["quantity"], df["source"] = "HS2017", float("nan"), "cepii_baci"
    monkeypatch.setattr(products, "product_trade", lambda store=None: df)
    assert val(snap, "product_share(hs25_27, RUS, CHN, 2023)") == pytest.approx(0.75)
    assert val(snap, "product_share(fuels, RUS, CHN, 2023)") == pytest.approx(0.60)
    assert val(snap, "product_share(hs84_89, CHN, RUS, 2023)") == pytest.approx(0.30)
    assert val(snap, "product_share(machinery_instruments, CHN, RUS, 2023)") == pytest.approx(0.40)
    assert one(snap, "product_share(hs27, RUS, CHN, 2023)").sources == ["cepii_baci"]
    assert one(snap, "product_share(hs27, RUS, CHN, 2022)").verdict == "unverifiable"


class _Fact:
    def __init__(self, fid, series, value, year, source="Customs"):
        self.id, self.series, self.value, self.year, self.source = fid, series, value, year, source


def test_curated_facts(snap, monkeypatch):
    import powergap.curated as cur

    facts = [_Fact("cust-trade-2023", "trade_total", 240.0, 2023), _Fact("cust-trade-2024", "trade_total", 245.0, 2024)]
    monkeypatch.setattr(cur, "load_facts", lambda *a, **k: facts)

    def fact_value(series, a, b=None, year=None, *, period=None, facts=None):
        for f in facts_list:
            if f.series == series and f.year == year and {a, b} == {"CHN", "RUS"}:
                return f.value, f
        return None

    facts_list = facts
    monkeypatch.setattr(cur, "fact_value", fact_value)
    r = one(snap, "curated(trade_total, CHN, RUS, 2024) / curated(trade_total, CHN, RUS, 2023) - 1",
            {"op": "approx", "target": 0.02, "tolerance": 0.1})
    assert r.value == pytest.approx(5 / 240) and r.curated and r.label == "supported (curated)"
    assert r.sources == ["curated:cust-trade-2024", "curated:cust-trade-2023"]
    assert r.facts[0]["id"] == "cust-trade-2024" and r.facts[0]["source"] == "Customs"
    assert val(snap, "curated(cust_trade_2023)") == 240  # ids: hyphens written as underscores
    r = one(snap, "curated(trade_total, CHN, RUS, 2019)")
    assert r.verdict == "unverifiable" and not r.curated
    with pytest.raises(InputError, match="no curated fact 'nope'"):
        one(snap, "curated(nope)")
    with pytest.raises(InputError, match="no curated facts for series 'gdp'"):
        one(snap, "curated(gdp, CHN, 2019)")


# ----------------------------------------------------------------------------- verdicts

@pytest.mark.parametrize("value, op, target, tol, verdict", [
    (8.8, "approx", 8, 0.1, "supported"), (7.2, "approx", 8, 0.1, "supported"), (8.81, "approx", 8, 0.1, "contradicted"),
    (-0.06, "approx", -0.06, 0.0, "supported"), (0.0, "approx", 0, 0.05, "supported"), (1e-9, "approx", 0, 0.05, "contradicted"),
    (5, ">=", 5, None, "supported"), (4.99, ">=", 5, None, "contradicted"),
    (5, ">", 5, None, "contradicted"), (5.01, ">", 5, None, "supported"),
    (5, "<=", 5, None, "supported"), (5.01, "<=", 5, None, "contradicted"),
    (5, "<", 5, None, "contradicted"), (4.99, "<", 5, None, "supported"),
    (None, ">", 0, None, "unverifiable"), (float("nan"), "approx", 1, 0.1, "unverifiable"),
])
def test_judge(value, op, target, tol, verdict):
    assert judge(value, Expect(op, target, tol)) == verdict


def test_default_tolerance_is_five_percent(snap):
    r = one(snap, "gdp_usd(CHN, 2019)", {"op": "approx", "target": 1050})
    assert r.claim.expect.tolerance == 0.05 and r.verdict == "supported"
    assert one(snap, "gdp_usd(CHN, 2019)", {"op": "approx", "target": 1060}).verdict == "contradicted"


def test_report_shape_and_summary(snap):
    claims = [
        {"id": "a", "text": "t", "source": "s", "value": "ratio(gdp_usd, CHN, RUS, 2019)",
         "expect": {"op": "approx", "target": 8, "tolerance": 0.1}},
        {"id": "b", "text": "t", "source": "s", "value": "gdp_usd(RUS, 2019)", "expect": {"op": ">", "target": 200}},
        {"id": "c", "text": "t", "source": "s", "value": "gdp_usd(USA, 2020)", "expect": {"op": ">", "target": 1},
         "note": "n"},
    ]
    rep = check_claims(claims, store=snap)
    assert isinstance(rep, ClaimReport)
    d = rep.to_dict()
    assert d["summary"] == {"supported": 1, "contradicted": 1, "unverifiable": 1}
    first = d["claims"][0]
    for key in ("id", "verdict", "curated", "value", "missing", "sources"):
        assert key in first
    assert first["verdict"] == "supported" and first["curated"] is False and first["value"] == 8
    assert d["claims"][2]["missing"] == [{"series": "gdp_usd", "country": "USA", "year": 2020, "reason": "no value"}]
    assert d["claims"][2]["note"] == "n"
    json.dumps(d, allow_nan=False)
    assert rep.summary_line() == "3 claims: 1 supported, 1 contradicted, 1 unverifiable"
    assert rep["b"].verdict == "contradicted"


# ----------------------------------------------------------------------------- bad expressions

HOSTILE = [
    ("__import__('os')", "not allowed"),
    ("__import__(os)", "not allowed"),
    ("a.b", "attribute access"),
    ("gdp_usd(CHN, 2018).real", "attribute access"),
    ("gdp_usd . real", "attribute access"),
    ("'abc'", "strings are not allowed"),
    ('"abc"', "strings are not allowed"),
    ("[1, 2]", "brackets"),
    ("{1: 2}", "brackets"),
    ("9**9**9", "no power operator"),
    ("2^3", "no power operator"),
    ("1e308", "exponent notation"),
    ("1E5", "exponent notation"),
    ("99999999999999999999", "too large"),
    ("1" * 30, "too long"),
    ("(" * (MAX_DEPTH + 5) + "1" + ")" * (MAX_DEPTH + 5), "nested too deeply"),
    ("-" * (MAX_DEPTH + 5) + "1", "nested too deeply"),
    ("1+" * 3000 + "1", "too long"),
    ("lambda: 1", "operator not supported"),
    ("lambda", "bare name"),
    ("1 if 2 else 3", "missing operator"),
    ("gdp_usd(CHN, 2018)(1)", "missing operator"),
    ("open('/etc/passwd')", "strings are not allowed"),
    ("gdp_usd(CHN, 1 + 1)", "names and years separated by commas"),
    ("gdp_usd(CHN, -2018)", "negative argument"),
    ("gdp_usd(CHN, gdp_usd(RUS, 2018))", "arguments are names and years only"),
    ("gdp_usd(CHN, 2018.5)", "whole number"),
    ("1 +", "ends too early"),
    ("(1 + 2", "expected ')'"),
    ("1 + 2)", "unexpected ')'"),
    ("", "empty expression"),
    ("1 == 1", "comparisons belong in 'expect'"),
    ("1; 2", "operator not supported"),
    ("\x00", "control character"),
    ("１２", "unexpected character"),
    ("gdp_usd(CHN, 2018", "unclosed call"),
    ("x" * 70 + "(CHN, 2018)", "too long"),
    ("f(" + ", ".join(["CHN"] * 3) + ")", "unknown function or series 'f'"),
]


@pytest.mark.parametrize("text, problem", HOSTILE)
def test_hostile_expressions_are_rejected(snap, text, problem, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as exc:
        one(snap, text, cid="evil")
    msg = str(exc.value)
    assert "claim 'evil'" in msg and problem in msg and "\n" not in msg
    assert list(tmp_path.iterdir()) == []  # nothing ran


def test_too_many_calls(snap):
    with pytest.raises(InputError, match="too many calls"):
        one(snap, "+".join(["cinc(CHN,2019)"] * 201))


@pytest.mark.parametrize("text, problem", [
    ("foo(CHN, 2018)", "unknown function or series 'foo'"),
    ("gdp_us(CHN, 2018)", "closest: gdp_usd"),
    ("gdp_usd(CHN)", "write gdp_usd(ISO3, YEAR)"),
    ("gdp_usd(CHN, RUS, 2018)", "state-year series"),
    ("trade_total_usd(CHN, 2018)", "dyadic series"),
    ("world(trade_total_usd, 2019)", "trade_total_usd is a dyadic series"),
    ("world(2019, 2019)", "must be a series id"),
    ("share(gdp_usd, CHN)", "share takes share(SERIES, ISO3, YEAR)"),
    ("gdp_usd(XYZ, 2018)", "unknown country 'XYZ'"),
    ("gdp_usd(CHN, 3000)", "out of range"),
    ("gdp_usd(CHN, CHN)", "expected a year"),
    ("gdp_usd(2018, 2018)", "no COW state"),
    ("sum(gdp_usd, CHN, 2020, 2018)", "years run backwards"),
    ("growth(gdp_usd, CHN, 2018, 2018)", "two different years"),
    ("sum(gdp_usd, CHN, 1700, 2100)", "range too long"),
    ("ratio(gdp_usd, CHN, CHN, 2018)", "same country twice"),
    ("trade_total_usd(RUS, RUS, 2018)", "same country twice"),
    ("product_share(nonsense, RUS, CHN, 2023)", "unknown HS group"),
    ("product_share(hs99_10, RUS, CHN, 2023)", "bad HS chapter range"),
    ("gdp_usd", "bare name"),
])
def test_bad_calls_are_rejected(snap, text, problem):
    with pytest.raises(InputError) as exc:
        one(snap, text, cid="bad")
    assert "claim 'bad'" in str(exc.value) and problem in str(exc.value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_random_text_gives_a_value_or_an_input_error(snap, text):
    try:
        one(snap, text)
    except InputError as exc:
        assert "\n" not in str(exc)


ALPHABET = "abcdegilmnoprstuwxyzCHNRUS_0123456789 +-*/(),.'\"[]{}_^%=<>"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_random_expression_like_text_never_escapes(snap, text):
    try:
        r = one(snap, text)
    except InputError:
        return
    assert r.verdict in ("supported", "contradicted", "unverifiable")


# ----------------------------------------------------------------------------- claim files

def _write(tmp_path: Path, text: str, name: str = "claims.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """
- id: gdp-ratio
  text: "China's GDP is eight times Russia's"
  source: "test"
  value: "ratio(gdp_usd, CHN, RUS, 2019)"
  expect: {op: approx, target: 8, tolerance: 0.1}
"""


def test_fixture_file_loads_and_checks(snap):
    rep = check_claims(FIX / "example.yaml", store=snap)
    assert [r.verdict for r in rep.results] == ["supported", "contradicted", "unverifiable", "supported"]
    assert rep.file.endswith("example.yaml")


@pytest.mark.parametrize("text, problem", [
    ("{a: 1}", "must be a YAML list"),
    ("", "must be a YAML list"),
    ("[]", "must be a YAML list"),
    ("- just a string", "claim #1 is not a mapping"),
    ("- {id: a, text: t, source: s, value: '1'}", "claim 'a': missing 'expect'"),
    ("- {text: t, source: s, value: '1', expect: {op: '>', target: 0}}", "claim #1: missing 'id'"),
    ("- {id: a, text: t, source: s, value: '1', expect: {op: '>', target: 0}, tolerence: 1}", "unknown key(s) tolerence"),
    ("- {id: a, text: '', source: s, value: '1', expect: {op: '>', target: 0}}", "'text' must be a non-empty text"),
    ("- {id: a, text: t, source: s, value: '1', expect: {op: '=', target: 0}}", "bad op '='"),
    ("- {id: a, text: t, source: s, value: '1', expect: {op: '>', target: x}}", "target must be a number"),
    ("- {id: a, text: t, source: s, value: '1', expect: {op: '>'}}", "no target"),
    ("- {id: a, text: t, source: s, value: '1', expect: {op: '>', target: .inf}}", "not a usable number"),
    ("- {id: a, text: t, source: s, value: '1', expect: {op: approx, target: 1, tolerance: -0.1}}", "tolerance -0.1 out of range"),
    ("- {id: a, text: t, source: s, value: '1', expect: {op: '>', target: 1, tolerance: 0.1}}", "tolerance applies only to op approx"),
    ("- {id: a, text: t, source: s, value: '1', expect: [1]}", "'expect' must be a mapping"),
    ("- {id: a, text: t, source: s, value: [1], expect: {op: '>', target: 0}}", "'value' must be an expression"),
    ("- {id: a, text: t, source: s, value: '1', expect: {op: '>', target: 0}}\n"
     "- {id: a, text: t, source: s, value: '2', expect: {op: '>', target: 0}}", "claim 'a': duplicate id"),
    ("- {id: a, text: t, source: s, value: 'gdp_usd(CHN, 2019', expect: {op: '>', target: 0}}", "claim 'a': unclosed call"),
    ("- {id: a, text: t\n  source: [", "not valid YAML at line"),
    ("- &a {id: x, text: t, source: s, value: '1', expect: {op: '>', target: 0}}\n- *a", "claim 'x': duplicate id"),
])
def test_bad_claim_files(snap, tmp_path, text, problem):
    p = _write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        load_claims(p, store=snap)
    msg = str(exc.value)
    assert str(p) in msg and problem in msg and "\n" not in msg


def test_missing_and_binary_files(snap, tmp_path):
    with pytest.raises(InputError, match="claim file not found"):
        load_claims(tmp_path / "nope.yaml", store=snap)
    p = tmp_path / "bin.yaml"
    p.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InputError, match="not a UTF-8 text file"):
        load_claims(p, store=snap)


def test_yaml_python_tags_are_not_constructed(snap, tmp_path):
    p = _write(tmp_path, "- !!python/object/apply:os.system ['touch pwned']\n")
    with pytest.raises(InputError, match="not valid YAML"):
        load_claims(p, store=snap)
    assert not (tmp_path / "pwned").exists()


def test_targets_as_text_and_integers(snap, tmp_path):
    p = _write(tmp_path, GOOD.replace("target: 8,", "target: '8e0',"))
    assert load_claims(p, store=snap)[0].expect.target == 8.0


# ----------------------------------------------------------------------------- CLI

def _cli(argv, capsys):
    from powergap.cli import main

    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_exit_codes_and_json(snap, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("POWERGAP_SNAPSHOT", str(snap.path))
    code, out, err = _cli(["claims", "check", str(FIX / "example.yaml"), "--json"], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert d["summary"] == {"supported": 2, "contradicted": 1, "unverifiable": 1}
    code, out, err = _cli(["claims", "check", str(FIX / "example.yaml")], capsys)
    assert code == 0 and "4 claims: 2 supported, 1 contradicted, 1 unverifiable" in out
    assert "contradicted" in out and "missing: gdp_usd USA 2020" in out
    bad = _write(tmp_path, "- {id: a, text: t, source: s, value: '__import__(os)', expect: {op: '>', target: 0}}")
    code, out, err = _cli(["claims", "check", str(bad)], capsys)
    assert code == 2 and out == "" and err.startswith("powergap: error:") and "claim 'a'" in err
    assert "'__import__'" in err and "not allowed" in err and err.count("\n") == 1
    assert "Traceback" not in err
    code, out, err = _cli(["claims", "check"], capsys)
    assert code == 2 and err == "powergap: error: give a claim FILE or --seeds\n"
    code, out, err = _cli(["claims", "check", str(bad), "--seeds"], capsys)
    assert code == 2 and err == "powergap: error: give either a claim FILE or --seeds, not both\n"
    code, out, err = _cli(["claims", "check", str(tmp_path / "missing.yaml")], capsys)
    assert code == 2 and err == f"powergap: error: claim file not found: {tmp_path / 'missing.yaml'}\n"


def test_public_api(snap):
    import powergap

    assert powergap.check_claims is check_claims
    rep = powergap.check_claims(FIX / "example.yaml", store=str(snap.path))  # a directory works too
    assert rep.summary["supported"] == 2


def test_cli_table_writes_values_in_the_claims_unit(capsys):
    # the terminal uses the page's unit and formatter: money as "US$ ... bn", shares as percentages,
    # never engineering notation ("244.8e9") or a share as a bare fraction
    code, out, err = _cli(["claims", "check", "--seeds"], capsys)
    assert code == 0, err
    row = next(line for line in out.splitlines() if "s0-trade-2024-level" in line)
    assert "US$ 245 bn" in row and "≈ US$ 245 bn ± 3%" in row
    row = next(line for line in out.splitlines() if "s0-china-share-of-russia-trade-2024" in line)
    assert "34.4%" in row and "≈ 33.3% ± 10%" in row
    assert not re.search(r"\b\d+(\.\d+)?e\d+\b", out)
