"""The report page: escaping, chart specs, sections, missing data, determinism, atomic writes.

The browser test (tests/test_report_browser.py) opens a real report in headless Chromium;
these tests check the pieces without a browser, on a stand-in assessment (the shape of
``powergap.assess``'s result) so that they stay fast and do not depend on the assessment's
speed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from powergap.assess_core import Criterion, YearAssessment
from powergap.errors import InputError
from powergap.report import assessment_html, check_writable, write_atomic
from powergap.report.build import build_report, claims_for_pair
from powergap.report.charts import Rule, band_chart, line_chart, records, stage_chart
from powergap.report.page import Figure, Markup, Section, esc, render_page, script_json, table_html
from powergap.states import resolve

HOSTILE = "<script>window.__pwned=1</script>"
ALERT = "<script>alert(1)</script>"
GENERATED = "2000-01-01 00:00 UTC"


# ----------------------------------------------------------------------------- stand-in


@dataclass
class StandIn:
    """The shape of powergap.assess(...)'s result, with hostile text in its free-text fields."""

    state_a: object
    state_b: object
    start: int
    end: int
    config: dict
    years: list

    @property
    def a(self) -> str:
        return self.state_a.label

    @property
    def b(self) -> str:
        return self.state_b.label

    def sources(self) -> list[str]:
        return ["cow_nmc"]

    def summary(self) -> str:
        return f"{self.state_a.name} and {self.state_b.name}: a stand-in summary {ALERT}"

    def changes(self) -> list[dict]:
        out, prev = [], None
        for y in self.years:
            if y.stage != prev:
                out.append({"year": y.year, "from": prev, "to": y.stage, "stronger": y.stronger,
                            "criteria": [c.to_dict() for c in y.criteria]})
                prev = y.stage
        return out


def standin(a: str = "CHN", b: str = "RUS", start: int = 2010, end: int = 2015) -> StandIn:
    from powergap.assess_core import default_config

    sa, sb = resolve(a), resolve(b)
    years = []
    for i, y in enumerate(range(start, end + 1)):
        stage = ("none", "potential", "potential", "emerging")[min(i, 3)]
        crit = [Criterion(name="disparity: military", stage="potential", value=1.2 + i, threshold=1.5,
                          met=i > 0, sources=["cow_nmc"], years=[y - 4, y], detail=f"detail {ALERT}"),
                Criterion(name="dependence: trade", stage="emerging", value=None, threshold=0.1, met=None,
                          sources=[], years=[y], detail="no data")]
        years.append(YearAssessment(year=y, stronger=sa.label, weaker=sb.label, stage=stage,
                                    evidence_reach="emerging", criteria=crit, korolev=f"korolev {ALERT}",
                                    summary=f"{y}: {stage} {ALERT}"))
    return StandIn(sa, sb, start, end, default_config(), years)


def hostile_claims(tmp_path: Path) -> Path:
    p = tmp_path / "hostile.yaml"
    p.write_text(
        "- id: hostile-1\n"
        f"  text: \"{HOSTILE}\"\n"
        f"  source: \"a file with {ALERT} in it\"\n"
        "  value: \"cinc(CHN, 2010) / cinc(RUS, 2010)\"\n"
        "  expect: {op: '>', target: 1}\n"
        f"  note: \"{ALERT}\"\n", encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def report_pair():
    """One report built twice from scratch on the stand-in (for determinism)."""
    return build_report(assessment=standin(), seeds=False), build_report(assessment=standin(), seeds=False)


# ----------------------------------------------------------------------------- escaping


def test_esc_escapes_markup_and_passes_composed_markup():
    assert esc(ALERT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert esc("a'b\"c&") == "a&#x27;b&quot;c&amp;"
    assert esc(Markup("<b>x</b>")) == "<b>x</b>"
    assert esc(None) == "&ndash;" and esc(float("nan")) == "&ndash;"


def test_script_json_cannot_close_its_element():
    obj = {"text": "</script><script>alert(1)</script><!-- & -->", "n": 1.5}
    out = script_json(obj)
    assert "<" not in out and ">" not in out and "&" not in out
    assert json.loads(out) == obj  # still the same data


def test_table_html_escapes_every_cell_and_header():
    df = pd.DataFrame({ALERT: [ALERT, 1234567.0, float("nan")], "b": [Markup("<i>ok</i>"), 2, None]})
    out = table_html(df)
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<i>ok</i>" in out  # composed markup passes
    assert "1.23 m" in out and "no data" in out  # three significant digits


def test_render_page_escapes_every_text_field():
    fig = Figure(id="f1", spec=None, missing=f"no data {ALERT}", caption=ALERT, sources=[ALERT],
                 table=pd.DataFrame({"x": [ALERT]}))
    sec = Section(id="s1", title=ALERT, intro=ALERT, notes=[ALERT], figures=[fig], caption=ALERT, sources=[ALERT],
                  table=pd.DataFrame({ALERT: [ALERT]}))
    page = render_page(title=ALERT, summary=[ALERT], sections=[sec], footer=[], generated=ALERT, lede=ALERT)
    assert "<script>alert" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 10
    assert "pg-chart-specs" not in page  # no chart, no bundle


# ----------------------------------------------------------------------------- charts


@pytest.fixture(scope="module")
def vl_validator():
    # altair (and its jsonschema) are test dependencies: missing them fails, never skips
    import jsonschema
    from altair.vegalite.v6.schema import core

    return jsonschema.Draft7Validator(core.load_schema())


def _frame():
    return pd.DataFrame({"year": [2000, 2001, 2002, 2000, 2001, 2002], "series": ["a"] * 3 + ["b"] * 3,
                         "value": [1.0, float("nan"), 3.0, 0.0, 2.0, float("inf")], "note": ["x"] * 6})


def test_chart_specs_are_valid_vega_lite_and_deterministic(vl_validator):
    specs = [
        line_chart(_frame(), start=2000, end=2002, series_order=["a", "b"], y_title="ratio", log=True,
                   rules=[Rule(1.5, "t"), Rule(1 / 1.5, "u", below=True)], tooltip=[("note", "Note", "")]),
        line_chart(_frame(), start=2000, end=2002, series_order=["a", "b"], y_title="share", y_format=".0%",
                   y_domain=[0, 1]),
        band_chart(pd.DataFrame({"year": [2000, 2001], "lo": [0.5, 0.0], "hi": [3.0, 4.0], "mid": [1.2, 2.0]}),
                   start=2000, end=2001, lo="lo", hi="hi", mid="mid", lo_title="min", hi_title="max",
                   mid_title="equal", y_title="ratio", rules=[Rule(1.5, "t")]),
        stage_chart(pd.DataFrame({"year": [2000, 2001], "stage": ["none", "potential"],
                                  "reach": ["potential", "emerging"], "stronger": ["CHN", None],
                                  "korolev": [ALERT, ""]}), start=2000, end=2001),
    ]
    for spec in specs:
        errors = list(vl_validator.iter_errors(spec))
        assert not errors, errors[0].message[:300]
        json.dumps(spec, allow_nan=False)  # no NaN or infinity anywhere
    # missing stays missing: NaN and inf become null, and a log scale leaves out 0
    vals = [r["value"] for r in specs[0]["datasets"]["data"]]
    assert vals == [1.0, None, 3.0, None, 2.0, None]
    assert [r["value"] for r in specs[1]["datasets"]["data"]][3] == 0.0
    again = line_chart(_frame(), start=2000, end=2002, series_order=["a", "b"], y_title="ratio", log=True,
                       rules=[Rule(1.5, "t"), Rule(1 / 1.5, "u", below=True)], tooltip=[("note", "Note", "")])
    assert json.dumps(again) == json.dumps(specs[0])


def test_charts_use_colour_blind_palette_with_dashes_and_shapes():
    spec = line_chart(_frame(), start=2000, end=2002, series_order=["a", "b"], y_title="x")
    lines, points = spec["layer"][0], spec["layer"][1]
    assert lines["encoding"]["color"]["scale"]["range"] == ["#0072B2", "#D55E00"]
    dashes = lines["encoding"]["strokeDash"]["scale"]["range"]
    shapes = points["encoding"]["shape"]["scale"]["range"]
    assert len(set(map(tuple, dashes))) == 2 and len(set(shapes)) == 2
    assert points["encoding"]["tooltip"]  # hover shows values


def test_records_are_json_ready():
    import numpy as np

    out = records(pd.DataFrame({"a": [np.int64(1), np.nan], "b": [pd.NA, "x"], "c": [np.float64(2.5), np.inf]}))
    assert out == [{"a": 1.0, "b": None, "c": 2.5}, {"a": None, "b": "x", "c": None}]


# ----------------------------------------------------------------------------- the report


def test_report_has_every_section_in_order(report_pair):
    rep = report_pair[0]
    assert [s.id for s in rep.sections] == ["timeline", "capability", "robustness", "multiverse", "dependence",
                                            "arms", "alignment", "triangle", "claims"]
    html = rep.render(generated=GENERATED)
    for sid in ("summary", "timeline", "capability", "robustness", "dependence", "arms", "alignment", "triangle",
                "claims", "sources", "config", "generated"):
        assert f"id='{sid}'" in html or f"id={sid}" in html, sid
    # the capability table marks Womack's threshold (· met, ✓ met and stable)
    cap = html.split("id='fig-capability'")[1].split("</figure>")[0]
    assert "✓" in cap or " ·" in cap
    # every year asked for is in the timeline table
    table = html.split("id='timeline-table'")[1].split("</table>")[0]
    for y in range(2010, 2016):
        assert f"<td>{y}</td>" in table


def test_every_chart_has_caption_sources_and_numbers_or_says_no_data(report_pair):
    rep = report_pair[0]
    for sec in rep.sections:
        for fig in sec.figures:
            if fig.spec is None:
                assert fig.missing.startswith("No data for"), (sec.id, fig.id)
            else:
                assert fig.caption and fig.alt, (sec.id, fig.id)
                # a chart cites what it draws; the stage timeline (drawn from every criterion)
                # cites the criteria's sources once, for the section
                assert fig.sources or (sec.id == "timeline" and sec.sources), (sec.id, fig.id)
        if sec.chart_section:
            assert sec.figures
        if not sec.figures and sec.id != "claims":
            assert any(n.startswith("No data for") for n in sec.notes), sec.id


def test_report_escapes_text_from_data_and_files(tmp_path):
    rep = build_report(assessment=standin(), seeds=False, extra_claims=hostile_claims(tmp_path))
    html = rep.render(generated=ALERT)
    assert HOSTILE not in html and "<script>alert" not in html
    assert esc(HOSTILE) in html  # the claim text, shown as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # the only <script> elements are the page's own: print helper, chart specs, bundle
    assert len(re.findall(r"<script[ >]", html)) == 3


def test_same_inputs_give_byte_identical_pages(report_pair):
    one, two = (r.render(generated=GENERATED) for r in report_pair)
    assert one == two
    other = report_pair[0].render(generated="2001-02-03 04:05 UTC")
    # the generation element is the only difference
    assert other != one
    assert other.replace("<span data-generated>2001-02-03 04:05 UTC</span>",
                         f"<span data-generated>{GENERATED}</span>") == one


def test_pages_are_identical_across_processes(report_pair):
    # Another process with another string-hash seed (set and dict orders built from
    # strings would show here) builds the same page.
    code = ("import sys; sys.path.insert(0, 'tests'); from test_report import standin, GENERATED; "
            "from powergap.report.build import build_report; "
            "sys.stdout.write(build_report(assessment=standin(), seeds=False).render(generated=GENERATED))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env,
                       cwd=Path(__file__).resolve().parent.parent)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout == report_pair[0].render(generated=GENERATED)


def test_citations_only_catalogued_sources_used(report_pair, store):
    rep = report_pair[0]
    assert rep.sources == sorted(set(rep.sources))
    assert set(rep.sources) <= set(store.source_index)
    assert "cow_nmc" in rep.sources
    html = rep.render(generated=GENERATED)
    foot = html.split("<section id=sources>")[1]
    for k in rep.sources:
        assert f"[{k}]" in foot
    unused = set(store.source_index) - set(rep.sources)
    for k in unused:
        assert f"[{k}]" not in foot
    # the config block is readable YAML with the thresholds
    cfg = html.split("<section id=config>")[1]
    assert "threshold: 1.5" in cfg and "third_state: USA" in cfg


def test_missing_data_are_said_in_words():
    # Canada was not a state before 1920 (no military data), and there was no UN: no votes,
    # no ideal points, no triangle, no SIPRI arms data.
    rep = build_report(assessment=standin("USA", "CAN", 1900, 1905), seeds=False, third="MEX")
    html = rep.render(generated=GENERATED)
    by_id = {s.id: s for s in rep.sections}
    assert any(n.startswith(("No data for the military dimension", "No data for capabilities"))
               for n in by_id["capability"].notes)
    for sid in ("capability", "robustness", "dependence", "arms", "alignment", "triangle"):
        sec = by_id[sid]
        texts = sec.notes + [f.missing for f in sec.figures]
        assert any(t.startswith("No data for") for t in texts), sid
    for sid in ("alignment", "triangle", "arms"):
        assert not by_id[sid].charts, sid  # words, not empty charts
    assert "No data for UN vote agreement of USA and CAN in 1900-1905." in html


def test_third_state_must_differ():
    with pytest.raises(InputError, match="third state"):
        build_report(assessment=standin(), third="RUS", seeds=False)


def test_claims_for_pair_filters_seed_claims():
    @dataclass
    class C:
        value: str

    claims = [C("gdp_usd(CHN, 2018) / gdp_usd(RUS, 2018)"), C("gdp_usd(USA, 2018) / gdp_usd(JPN, 2018)"),
              C("share(gdp_usd, CHN, 2018)"), C("ratio(gdp_usd, USAX, JPN, 2018)")]
    assert claims_for_pair("CHN", "RUS", claims) == claims  # the seeds' own pair: all
    assert claims_for_pair("RUS", "CHN", claims) == claims
    assert claims_for_pair("USA", "JPN", claims) == [claims[1]]
    assert claims_for_pair("IND", "PAK", claims) == []


def test_no_claims_apply_says_so():
    rep = build_report(assessment=standin("IND", "PAK", 2010, 2012), third="CHN")
    sec = {s.id: s for s in rep.sections}["claims"]
    assert sec.notes and "No seed claim applies to IND-PAK" in sec.notes[0]


# ----------------------------------------------------------------------------- writing


def test_write_atomic_replaces_and_leaves_nothing_behind(tmp_path):
    p = tmp_path / "r.html"
    p.write_text("old")
    write_atomic(p, "new page")
    assert p.read_text() == "new page"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["r.html"]


def test_unwritable_paths_are_one_line_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        check_writable(tmp_path / "missing" / "r.html")
    with pytest.raises(InputError, match="is a directory"):
        check_writable(tmp_path)
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        if os.access(ro, os.W_OK):  # root ignores permissions
            pytest.skip("running as root: permissions are not enforced")
        with pytest.raises(InputError, match="not writable"):
            write_atomic(ro / "r.html", "x")
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o700)


def test_write_report_checks_the_path_before_any_work(tmp_path, monkeypatch):
    import powergap.report as rpt

    def boom(*a, **k):  # the report must not be built for an unwritable path
        raise AssertionError("built a report for an unwritable path")

    monkeypatch.setattr(rpt, "report_html", boom)
    with pytest.raises(InputError, match=r"cannot write the report .*r\.html: directory .*nope does not exist"):
        rpt.write_report(standin(), tmp_path / "nope" / "r.html")
    assert list(tmp_path.iterdir()) == []


def test_write_report_with_an_assessment(tmp_path):
    from powergap.report import write_report

    p = write_report(standin(), tmp_path / "r.html", generated=GENERATED, seeds=False)
    text = p.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and "<span data-generated>2000-01-01 00:00 UTC</span>" in text


def test_default_generation_time_is_labelled_utc():
    from powergap.report import _now

    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", _now())


# ----------------------------------------------------------------------------- Jupyter


def test_assessment_html_is_compact_and_escaped():
    out = assessment_html(standin())
    assert "<script" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    for y in range(2010, 2016):
        assert f"<td>{y}</td>" in out
    assert len(out) < 50_000


# ----------------------------------------------------------------------------- CLI


def _cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "powergap", *args], capture_output=True, text=True, timeout=300,
                          **kw)

# The command's success path (`powergap report CHN RUS ... -o FILE`) is run once, in
# tests/test_report_browser.py, whose page the browser then opens.


def test_cli_unwritable_output_is_one_error_line(tmp_path):
    r = _cli("report", "CHN", "RUS", "-o", str(tmp_path / "no" / "such" / "dir" / "r.html"))
    assert r.returncode == 2  # a refused output path (docs/errors.md)
    assert f"directory {tmp_path / 'no' / 'such' / 'dir'} does not exist" in r.stderr
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("powergap: error: cannot write the report")
    assert "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_format_follows_the_extension(tmp_path):
    # an extension that names no format is refused before any work, in one line
    r = _cli("report", "CHN", "RUS", "-o", str(tmp_path / "r.txt"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        f"powergap: error: cannot tell the report's format from '{tmp_path / 'r.txt'}': name the file .html (a "
        f"self-contained page) or .pdf (the page printed)"]
    # a PDF without Chromium: one line saying how to get it, before any work, nothing written
    r = _cli("report", "CHN", "RUS", "-o", str(tmp_path / "r.pdf"),
             env={**os.environ, "POWERGAP_CHROMIUM": str(tmp_path / "no-chromium")})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Chromium not found" in lines[0] and "apt-get install chromium" in lines[0]
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- issue 16


def test_one_formatter_rounds_with_units_and_never_shows_missing_as_zero():
    from powergap.report.page import NONE_SIDE, fmt, tidy_text

    assert fmt(0.039282911534042085) == "0.0393"
    assert fmt(1.87e-05) == "0.0000187"  # positional, never "1.87e-05"
    assert fmt(0.00002, "share") == "0.002%"  # not "0.00%"
    assert fmt(0.0244, "share") == "2.44%" and fmt(0.04, "share") == "4%"
    assert fmt(13.2e9, "usd") == "US$ 13.2 bn" and fmt(18.2e9, "usd") == "US$ 18.2 bn"
    assert fmt(1234567.0) == "1.23 m" and fmt(1000) == "1,000" and fmt(0.9996) == "1"
    assert fmt(float("inf"), "ratio") == NONE_SIDE == "one side has none"
    assert fmt(2.14082, "ratio") == "2.14"
    for missing in (None, float("nan"), pd.NA):
        for unit in ("", "share", "ratio", "usd", "count"):
            assert fmt(missing, unit) == "no data"
    assert fmt(0.0, "share") == "0%"  # a real zero stays zero
    assert tidy_text("threshold (0.39956140350877195), reverse 0.000019, 14 year(s) none, 1 year(s)") == \
        "threshold (0.4), reverse 0.000019, 14 years none, 1 year"


def test_default_third_state_differs_from_the_pair_and_is_the_biggest_military_spender():
    from powergap.assess_core import default_config
    from powergap.report.build import default_third
    from powergap.snapshot.store import default_store

    st, cfg = default_store(), default_config()
    usa, chn, rus = resolve("USA"), resolve("CHN"), resolve("RUS")
    # SIPRI 2024: after the USA and China, Russia spends most of the major powers
    assert default_third(usa, chn, 2024, cfg, st).label == "RUS"
    assert default_third(chn, rus, 2024, cfg, st).label == "USA"
    assert default_third(rus, usa, 2024, cfg, st).label == "CHN"
    # an independent reading of the same figures: the largest of the others in 2024
    mil = st.series("milex_usd")
    others = [resolve(x) for x in ("CHN", "RUS", "GBR", "FRA", "DEU", "JPN", "IND")]
    y = mil[(mil["year"] == 2024) & mil["ccode"].isin([o.ccode for o in others])].set_index("ccode")["value"]
    assert default_third(usa, resolve("GBR"), 2024, cfg, st).ccode == int(y.drop(200).idxmax())


def test_charts_leave_absent_series_out_of_the_legend_and_keep_each_series_colour():
    from powergap.report.charts import PALETTE

    df = pd.DataFrame({"year": [2000, 2001, 2000, 2001, 2000, 2001], "series": ["a", "a", "b", "b", "c", "c"],
                       "value": [1.0, 2.0, None, None, 3.0, float("nan")]})
    spec = line_chart(df, start=2000, end=2001, series_order=["a", "b", "c"], y_title="y")
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    assert colour["domain"] == ["a", "c"]  # "b" has no value: not in the legend
    assert colour["range"] == [PALETTE[0], PALETTE[2]]  # "c" keeps its own colour
    assert {r["series"] for r in spec["datasets"]["data"]} == {"a", "c"}


def test_band_with_an_unbounded_side_is_still_shaded():
    df = pd.DataFrame({"year": [2000, 2001], "lo": [0.5, 0.6], "hi": [4.0, float("inf")], "ew": [1.5, 1.6]})
    spec = band_chart(df, start=2000, end=2001, lo="lo", hi="hi", mid="ew", lo_title="lo", hi_title="hi",
                      mid_title="ew", y_title="y")
    hi = [r["hi"] for r in spec["datasets"]["data"]]
    assert hi[0] == 4.0 and hi[1] == 100.0  # a decade above the largest finite value, not a gap


def test_claims_are_written_in_their_own_unit_with_the_essay_title():
    from types import SimpleNamespace as NS

    from powergap.claims import Expect
    from powergap.report.build import claim_source_text, claim_unit, expectation_text

    four = NS(text="China's share is 4%", note=None, expect=Expect("approx", 0.04, 0.25))
    assert claim_unit(four) == "share" and expectation_text(four.expect, "share") == "≈ 4% ± 25%"
    money = NS(text="investment of $18.2 billion", note=None, expect=Expect("approx", 18.2e9, 0.1))
    assert claim_unit(money) == "usd" and expectation_text(money.expect, "usd") == "≈ US$ 18.2 bn ± 10%"
    ratio = NS(text="trade grew", note=None, expect=Expect(">", 1))
    assert claim_unit(ratio) == "" and expectation_text(ratio.expect, "") == "> 1"
    # a ratio of two sides is a plain number whatever the words ("per cent", "a third term")
    gdp = NS(text="a disparity of 50 per cent", note=None, value="ratio(gdp_usd, CHN, RUS, 2021)",
             expect=Expect(">=", 1.5))
    assert claim_unit(gdp) == "" and expectation_text(gdp.expect, "") == "≥ 1.5"
    visit = NS(text="After his third term began, China was the first country he visited", note=None,
               value="visit_order_after_inauguration(RUS, CHN, 2012)", expect=Expect("approx", 1.0, 0.0))
    assert claim_unit(visit) == ""
    more = NS(text="the partnership matters more to Russia (a third of its trade)", note=None,
              value="dependence(RUS, CHN, 2019) / dependence(CHN, RUS, 2019)", expect=Expect(">", 1.0))
    assert claim_unit(more) == ""  # above 1 is no fraction
    src = claim_source_text("004_1d6f208102361938.txt, line 3, section 'x'")
    assert src.startswith("'Putin, Xi ties are as solid as ever") and src.endswith(", line 3, section 'x'")
    assert claim_source_text("my-file.yaml, line 2") == "my-file.yaml, line 2"


def test_aei_tracker_figures_only_for_chinese_investors():
    from powergap.report.build import _Ctx, dependence_sections
    from powergap.snapshot.store import default_store

    st = default_store()
    for a, b, shown in (("USA", "CHN", {"CHN -> USA"}), ("DEU", "FRA", set())):
        ctx = _Ctx(resolve(a), resolve(b), resolve("RUS"), 2005, 2020, {}, st)
        trade, _ = dependence_sections(ctx)
        html = "".join(str(x) for x in trade.blocks)
        for flow in (f"{a} -> {b}", f"{b} -> {a}"):
            assert (esc(f"{flow} investment, AEI CGIT") in html) == (flow in shown), (a, b, flow)


def test_trade_chart_cites_the_sources_of_the_years_it_draws():
    # Germany-France: IMF DOTS years only; the China-Russia sources (BACI, curated customs
    # figures over WDI/WTO totals) are not cited under a chart that does not draw them
    from powergap.report.build import _Ctx, dependence_sections
    from powergap.snapshot.store import default_store

    st = default_store()
    titles = {k: s.get("title") for k, s in st.source_index.items()}
    ctx = _Ctx(resolve("DEU"), resolve("FRA"), resolve("USA"), 1995, 2024, {}, st)
    trade, _ = dependence_sections(ctx)
    fig = next(f for f in trade.figures if f.id == "trade")
    assert titles["imf_dots"] in fig.sources
    assert not [t for t in fig.sources if "BACI" in t or "WTO" in t or "curated" in t], fig.sources
    assert "BACI" not in fig.caption and "curated" not in fig.caption
    ctx = _Ctx(resolve("CHN"), resolve("RUS"), resolve("USA"), 1995, 2024, {}, st)
    trade, _ = dependence_sections(ctx)
    fig = next(f for f in trade.figures if f.id == "trade")
    assert any("BACI" in t for t in fig.sources) and "curated customs figures" in fig.caption


def test_un_chart_and_table_cite_only_what_they_show():
    # India-Pakistan: no Voeten score (it is China-Russia only), so neither the chart nor the
    # table cites it, and the table has no column of "no data"
    from powergap.report.build import _Ctx, alignment_section
    from powergap.snapshot.store import default_store

    st = default_store()
    voeten = st.source_index["voeten_agreement"]["title"]
    ctx = _Ctx(resolve("IND"), resolve("PAK"), resolve("USA"), 1995, 2024, {}, st)
    sec = alignment_section(ctx)
    fig = next(f for f in sec.figures if f.id == "un-agreement")
    assert voeten not in fig.sources and voeten not in fig.table_sources
    assert "Voeten agreement" not in fig.table.columns
    for col in fig.table.columns:
        assert (fig.table[col] != "no data").any(), col
    assert "voeten_agreement" not in ctx.used
    ctx = _Ctx(resolve("CHN"), resolve("RUS"), resolve("USA"), 1995, 2024, {}, st)
    fig = next(f for f in alignment_section(ctx).figures if f.id == "un-agreement")
    assert voeten in fig.sources and "Voeten agreement" in fig.table.columns


def test_claims_checked_on_the_scoped_store_give_the_same_results():
    # the report checks claims reading dyadic series only for the states they name and the
    # years they ask about, and state-year series with filtered reads: the same verdicts,
    # values, sources and missing lists as on the whole snapshot, for every seed claim
    from powergap.claims import check_claims, load_claims, seeds_path
    from powergap.report.build import check_scoped, claims_store
    from powergap.snapshot.store import default_store

    st = default_store()
    claims = load_claims(seeds_path(), store=st)
    assert claims_store(claims, st) is not st
    full, fast = check_claims(claims, store=st), check_scoped(claims, st)
    assert fast.summary == full.summary and fast.curated_count == full.curated_count

    def key(r):
        return r.id, r.verdict, r.value, sorted(r.sources), r.missing

    assert [key(r) for r in fast.results] == [key(r) for r in full.results]


def test_triangle_on_the_three_states_rows_is_the_same():
    # the report reads the triangle's dyadic series only for rows of its three states
    from powergap.measures.triangle import triangle
    from powergap.report.build import scoped_store
    from powergap.snapshot.store import default_store

    st = default_store()
    for trio in (("CHN", "RUS", "USA"), ("DEU", "FRA", "USA")):
        a, b, c = (resolve(x) for x in trio)
        three = scoped_store(st, {a.ccode, b.ccode, c.ccode})
        for measure in ("evidence", "agreement"):
            fast = triangle(a, b, c, start=1995, end=2024, store=three, measure=measure)
            full = triangle(a, b, c, start=1995, end=2024, store=st, measure=measure)
            assert fast.to_json() == full.to_json(), (trio, measure)


def test_triangle_headline_names_a_single_year_once():
    from powergap.report.build import _Ctx, triangle_section
    from powergap.snapshot.store import default_store

    ctx = _Ctx(resolve("DEU"), resolve("FRA"), resolve("USA"), 1995, 2024, {}, default_store())
    triangle_section(ctx)
    line = next(h for h in ctx.headlines if h.startswith("Triangle with USA"))
    assert not re.search(r"\b(\d{4})-\1\b", line), line  # "2024", never "2024-2024"


def test_criterion_thresholds_read_in_the_unit_of_their_values():
    from powergap.report.build import _criterion_unit, _fmt_threshold

    trade = {"name": "dependence: trade"}
    assert _fmt_threshold(">= 0.1 and >= 2.0 x reverse", _criterion_unit(trade)) == "≥ 10% and ≥ 2× the reverse"
    fp = {"name": "independence: foreign-policy difference"}
    assert (_fmt_threshold(">= 0.1 above its region's median agreement with the stronger", _criterion_unit(fp))
            == "≥ 10% above its region's median agreement with the stronger")
    money = {"name": "dependence: monetary"}  # a flag (1 = anchored), not a share
    assert _fmt_threshold(">= 1.0 and >= 2.0 x reverse", _criterion_unit(money)) == "≥ 1 and ≥ 2× the reverse"
    assert _fmt_threshold(1.5, _criterion_unit({"name": "disparity: military"})) == "1.5"
    assert _fmt_threshold("in 1995-2024 >= 0.25", "share") == "in 1995-2024 ≥ 25%"  # years stay years


def test_dependence_on_the_scoped_store_is_the_same():
    from powergap.measures.dependence import dependence
    from powergap.report.build import scoped_store
    from powergap.snapshot.store import default_store

    st = default_store()
    a, b = resolve("CHN"), resolve("RUS")
    full = dependence(a, b, start=1995, end=2024, store=st)
    fast = dependence(a, b, start=1995, end=2024, store=scoped_store(st, {a.ccode, b.ccode}))
    pd.testing.assert_frame_equal(fast.frame, full.frame)
    assert fast.sources == full.sources and fast.notes == full.notes
    assert json.dumps(fast.arms_windows, default=float) == json.dumps(full.arms_windows, default=float)


# ----------------------------------------------------------------------------- outputs beyond the page


def test_version_and_help_say_each_default_once():
    from importlib.metadata import version

    r = _cli("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"powergap {version('powergap')}"
    for cmd in (["profile", "--help"], ["robustness", "--help"], ["report", "--help"], ["assess", "--help"]):
        r = _cli(*cmd, env={**os.environ, "COLUMNS": "200"})
        assert r.returncode == 0, r.stderr
        for line in r.stdout.splitlines():
            # a help text that states its default does not get click's "[default: ...]" too
            assert not ("(default" in line and "[default:" in line), line
        assert "Usage: powergap" in r.stdout and " a <str>" not in r.stdout  # arguments named A, B


def test_assess_refuses_options_that_only_all_takes():
    r = _cli("assess", "CHN", "RUS", "--year", "2014")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip() == ("powergap: error: --year applies only with --all; for one pair use --start/--end "
                                "(and --json > FILE)")


def test_assess_terminal_tables_round_and_explain_their_terms():
    r = _cli("assess", "CHN", "RUS", env={**os.environ, "COLUMNS": "80"})
    assert r.returncode == 0, r.stderr
    out = " ".join(r.stdout.split())
    assert "'Evidence reaches' is the highest stage the data could evaluate" in out
    assert "'Korolev's checks':" in out
    long_decimals = [m for m in re.findall(r"(?<![\w.,:/])\d[\d,]*\.\d+(?![\w./])", out)
                     if len(m.replace(",", "").replace(".", "").lstrip("0")) > 4]
    assert long_decimals == [] and not re.search(r"\d\.?\d*e[-+]\d", out), long_decimals[:5]


def test_assessment_frame_has_each_criterion_value_and_met_flag():
    import powergap

    a = powergap.assess("CHN", "RUS", start=2013, end=2014)
    f = a.frame()
    for row, y in zip(f.to_dict("records"), a.years):
        assert row["year"] == y.year and row["stage"] == y.stage
        for c in y.criteria:
            slug = re.sub(r"[^a-z0-9]+", "_", c.name.lower()).strip("_")
            v, met = row[f"{slug}_value"], row[f"{slug}_met"]
            assert (v is None or v != v) if c.value is None else v == pytest.approx(c.value)
            assert met is c.met or (c.met is None and (met is None or met != met))
    assert {"disparity_military_value", "dependence_trade_met",
            "independence_foreign_policy_difference_value"} <= set(f.columns)


def test_weight_robustness_headline_names_the_other_sides_share():
    # USA-CHN 2024: the composite favours China under most weightings while the military
    # dimension favours the USA; the headline gives the USA's share too (either side's share
    # minus China's: the two are disjoint at t = 1.5), and leaves a 0% share out (CHN-RUS)
    from powergap.report.build import _Ctx, capability_section, robustness_section
    from powergap.snapshot.store import default_store

    st = default_store()
    lines = {}
    for a, b in (("USA", "CHN"), ("CHN", "RUS")):
        ctx = _Ctx(resolve(a), resolve(b), resolve("GBR"), 1995, 2024, {}, st)
        _, prof = capability_section(ctx)
        robustness_section(prof, ctx)
        lines[a + b] = next(h for h in ctx.headlines if h.startswith("Weight robustness"))
    assert lines["USACHN"] == ("Weight robustness in 2024: 54% of all weightings of 5 dimensions make CHN at least "
                               "1.5 times the other; 3% make USA at least 1.5 times CHN.")
    assert lines["CHNRUS"] == ("Weight robustness in 2024: 100% of all weightings of 4 dimensions make CHN at least "
                               "1.5 times the other.")
