"""Live refresh, offline: recorded publisher answers replayed with `responses`.

WDI: the recorded payloads (tests/fixtures/live/*.json) have the v2 API's real shape
(``[header, rows]``) with invented values. IMF IMTS: an SDMX-CSV 1.0 answer in the IMF's
column layout with illustrative round values; UN Digital Library: the record page's link
list and a voting file in the published columns for a few states; SIPRI: the landing page's
links and a tiny workbook in the release's sheet layout, written here with openpyxl. No
test touches the network: inside ``responses.RequestsMock``
any unregistered URL raises ``requests.ConnectionError``, which is exactly what an offline
machine gives.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import responses
from hypothesis import given, settings
from hypothesis import strategies as st

from powergap import live
from powergap.errors import DataError, InputError
from powergap.snapshot.store import Snapshot, package_snapshot_dir
from powergap.sources import wdi

from conftest import FIXTURES

LIVE = FIXTURES / "live"
API = "https://api.worldbank.org/v2/en"


def tree_digest(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def payload(ind: wdi.WdiIndicator) -> list:
    """A small API answer for one indicator; GDP's is the recorded fixture."""
    if ind.code == "NY.GDP.MKTP.CD":
        return json.loads((LIVE / "country_all_indicator_NY.GDP.MKTP.CD.json").read_text())
    name = f"Test indicator, {ind.name_must_contain or ind.unit}"
    rows = [{"indicator": {"id": ind.code, "value": name}, "country": {"id": iso2, "value": cname},
             "countryiso3code": iso3, "date": "2022", "value": v, "unit": "", "obs_status": "", "decimal": 1}
            for iso2, iso3, cname, v in (("CN", "CHN", "China", 12.5), ("RU", "RUS", "Russian Federation", 3.0),
                                         ("1W", "WLD", "World", 99.0))]
    return [{"page": 1, "pages": 1, "per_page": 20000, "total": len(rows), "sourceid": "2",
             "lastupdated": "2026-07-13"}, rows]


def register_all(rsps: responses.RequestsMock, *, skip: str | None = None) -> None:
    rsps.add(responses.GET, re.compile(re.escape(f"{API}/sources/2") + r"\?.*"),
             json=json.loads((LIVE / "sources_2.json").read_text()))
    for ind in wdi.INDICATORS:
        if ind.code == skip:
            continue
        rsps.add(responses.GET, re.compile(re.escape(f"{API}/country/all/indicator/{ind.code}") + r"\?.*"),
                 json=payload(ind))


@pytest.fixture
def user_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    raw = tmp_path / "raw"
    (raw / "other_source").mkdir(parents=True)
    (raw / "other_source" / "file.csv").write_text("a,b\n1,2\n")
    return tmp_path, raw


def test_update_with_recorded_responses(user_dirs):
    tmp, raw = user_dirs
    shipped = tree_digest(package_snapshot_dir())
    messages: list[str] = []
    with responses.RequestsMock() as rsps:
        register_all(rsps)
        out = live.update_wdi(source="wdi", raw=raw, echo=messages.append, sources=(wdi.SOURCES[0],))
        gdp_calls = [c.request.url for c in rsps.calls if "NY.GDP.MKTP.CD" in c.request.url]
    assert out == tmp / "data" / "powergap" / "snapshot"
    assert len(gdp_calls) == 1 and "source=2" in gdp_calls[0] and "format=json" in gdp_calls[0]

    snap = Snapshot(out)
    gdp = snap.series("gdp_usd")
    assert snap.value("gdp_usd", 710, 2024) == 1.875e13
    assert snap.value("gdp_usd", 365, 2024) == 2.17e12
    assert snap.value("gdp_usd", 365, 2023) is None  # null in the API is missing
    assert set(gdp["ccode"]) == {710, 365}  # WLD and the code-less aggregate dropped
    assert snap.value("gdp_const_usd", 710, 2022) == 12.5
    src = snap.source_index["wdi"]
    assert "live pull" in src["version"] and "2026-07-13" in src["version"]
    assert all(f["path"].endswith("_live.csv") for f in src["files"])
    assert snap.verify() == []

    cached = sorted(p.name for p in (tmp / "cache" / "powergap" / "wdi").iterdir())
    assert cached == sorted(live.live_file(i.code) for i in wdi.INDICATORS)
    assert tree_digest(package_snapshot_dir()) == shipped  # the shipped snapshot is never touched
    assert any("fetched NY.GDP.MKTP.CD" in m for m in messages)


def test_cached_files_are_read_by_the_wdi_reader(user_dirs):
    _tmp, raw = user_dirs
    with responses.RequestsMock() as rsps:
        register_all(rsps)
        live.update_wdi(raw=raw, echo=lambda m: None, sources=(wdi.SOURCES[0],))
    f = wdi.read_wdi_file(live.cache_dir() / live.live_file("NY.GDP.MKTP.CD"), code="NY.GDP.MKTP.CD")
    assert f.last_updated == "2026-07-13" and f.indicator_name == "GDP (current US$)"
    assert set(f.data["iso3"]) == {"CHN", "RUS", "WLD"}


def test_offline_leaves_snapshot_and_cache_untouched(user_dirs):
    tmp, raw = user_dirs
    out = tmp / "snap"
    out.mkdir()
    (out / "catalog.json").write_text('{"previous": true}\n')
    cache = live.cache_dir()
    cache.mkdir(parents=True)
    (cache / live.live_file("NY.GDP.MKTP.CD")).write_text("old pull\n")
    before = {"out": tree_digest(out), "cache": tree_digest(cache)}
    with responses.RequestsMock(assert_all_requests_are_fired=False):  # nothing registered: ConnectionError
        with pytest.raises(DataError, match=r"cannot reach the World Bank API .*the snapshot was not changed"):
            live.update_wdi(raw=raw, out=out, echo=lambda m: None, sources=(wdi.SOURCES[0],))
    assert {"out": tree_digest(out), "cache": tree_digest(cache)} == before


def test_failure_part_way_and_server_errors_change_nothing(user_dirs):
    tmp, raw = user_dirs
    out = tmp / "snap"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register_all(rsps, skip="MS.MIL.XPND.GD.ZS")  # the last indicator fails after 15 succeeded
        with pytest.raises(DataError, match="cannot reach the World Bank API"):
            live.update_wdi(raw=raw, out=out, echo=lambda m: None, sources=(wdi.SOURCES[0],))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.GET, re.compile(re.escape(f"{API}/sources/2") + r"\?.*"), status=503)
        with pytest.raises(DataError, match="cannot reach the World Bank API"):
            live.update_wdi(raw=raw, out=out, echo=lambda m: None, sources=(wdi.SOURCES[0],))
    assert not out.exists() and not live.cache_dir().exists()


def test_odd_answer_is_a_data_error_and_changes_nothing(user_dirs):
    tmp, raw = user_dirs
    bad = payload(wdi.INDICATORS[1])
    bad[1][0]["indicator"]["id"] = "SOMETHING.ELSE"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.GET, re.compile(re.escape(f"{API}/country/all/indicator/{wdi.INDICATORS[1].code}") + r"\?.*"),
                 json=bad)
        register_all(rsps, skip=wdi.INDICATORS[1].code)
        with pytest.raises(DataError, match="asked for NY.GDP.MKTP.KD, got SOMETHING.ELSE"):
            live.update_wdi(raw=raw, out=tmp / "snap", echo=lambda m: None, sources=(wdi.SOURCES[0],))
    assert not (tmp / "snap").exists() and not live.cache_dir().exists()


def test_bad_requests_are_input_errors(user_dirs, monkeypatch):
    _tmp, raw = user_dirs
    with pytest.raises(InputError, match="cannot update 'imf_weo' live: choose one of wdi, trade, unvotes, milex"):
        live.update_wdi(source="imf_weo", raw=raw)
    with pytest.raises(InputError, match="choose one of"):
        live.update("imf_weo", raw=raw)
    with pytest.raises(InputError, match="refusing to write into the snapshot shipped"):
        live.update_wdi(raw=raw, out=package_snapshot_dir())
    with pytest.raises(InputError, match="raw directory not found"):
        live.update_wdi(raw=raw / "nope")
    monkeypatch.setattr(live.common, "raw_candidates", lambda: [])
    with pytest.raises(InputError, match="pass --raw DIR"):
        live.update_wdi()


def test_cli_rejects_another_source_with_one_line():
    out = subprocess.run([sys.executable, "-m", "powergap", "data", "update", "imf"], capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stderr.strip().startswith("powergap: error: cannot update 'imf' live")
    assert "Traceback" not in out.stderr


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(
    st.tuples(st.sampled_from(["CHN", "RUS", "USA", "WLD", "DEU"]), st.integers(1960, 2025)),
    st.one_of(st.none(), st.floats(-1e16, 1e16, allow_nan=False, allow_infinity=False)), max_size=20))
def test_api_rows_round_trip_through_the_wdi_reader(tmp_path_factory, cells):
    rows = [{"indicator": {"id": "NY.GDP.MKTP.CD", "value": "GDP (current US$)"},
             "country": {"id": iso, "value": f"Name of {iso}, with comma"}, "countryiso3code": iso,
             "date": str(year), "value": v} for (iso, year), v in cells.items()]
    if not rows:
        return
    path = tmp_path_factory.mktemp("rt") / "API_x.csv"
    path.write_text(live.to_wdi_csv("NY.GDP.MKTP.CD", rows, last_updated="2026-01-01"), encoding="utf-8", newline="")
    got = wdi.read_wdi_file(path, code="NY.GDP.MKTP.CD").data
    want = {(iso, y): v for (iso, y), v in cells.items() if v is not None}
    assert {(r.iso3, r.year): r.value for r in got.itertuples()} == want


# ============================================================================ trade, unvotes, milex

import gzip  # noqa: E402
import os  # noqa: E402

import requests  # noqa: E402

from powergap.live import milex as live_milex  # noqa: E402
from powergap.live import trade as live_trade  # noqa: E402
from powergap.live import unvotes as live_unvotes  # noqa: E402
from powergap.sources import imf_dots, sipri_milex  # noqa: E402

IMTS_URL = re.compile(re.escape(live_trade.BASE_URL) + r"/.*")
DOTS_COLS = ["reporter", "partner", "year", "exports_fob_usd_mn", "estimated", "source_file"]
CN, RU, KZ = "China, P.R.: Mainland", "Russian Federation", "Kazakhstan, Rep. of"


def write_dots_base(raw: Path) -> None:
    """A tiny DOTS long file in the shipped layout (IMF names, US$ millions)."""
    rows = [(CN, RU, 2019, 49485.0), (CN, RU, 2020, 50608.0), (CN, RU, 2021, 60000.0), (CN, KZ, 2021, 13000.0),
            (RU, CN, 2020, 49583.0), (CN, "World", 2020, 2590000.0), (RU, "World", 2020, 333000.0),
            ("World", RU, 2020, 230000.0), (KZ, CN, 2020, 9000.0), (KZ, CN, 2022, 9500.0)]
    df = pd.DataFrame(rows, columns=DOTS_COLS[:4]).assign(estimated=0, source_file="DOTS_test.xlsx")
    path = raw / imf_dots.DOTS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(df.to_csv(index=False).encode()))


def imts_answer() -> str:
    return (LIVE / "imts_xg_fob_usd_A_2021.csv").read_text()


def milex_workbook(path: Path, *, base_year: int = 2023) -> bytes:
    """A tiny SIPRI Milex workbook in the release's layout: notes, a header row starting with
    'Country', region and subregion label rows, countries with values or SIPRI's markers."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Front page"
    data = {  # sheet -> {country: (2022, 2023, 2024)}; China/Russia/USA 2023-24 constant: SIPRI 2025 release
        f"Constant ({base_year}) US$": {"China": (285000.0, 296821.0, 317561.0), "Russia": (". .", 140000.0, 150534.0),
                                         "United States of America": (930000.0, 916015.0, 968382.0)},
        "Current US$": {"China": (291958.0, 296439.0, 313658.0), "Russia": (". .", 126000.0, 149000.0),
                        "United States of America": (877000.0, 916015.0, 997309.0)},
        "Share of GDP": {"China": (0.016, 0.0167, 0.0169), "Russia": (". .", 0.059, 0.071),
                         "United States of America": (0.034, 0.034, 0.034)},
        "Share of Govt. spending": {"China": (0.049, 0.05, 0.051), "Russia": (". .", 0.16, 0.19),
                                    "United States of America": (0.092, 0.094, 0.095)},
    }
    for sheet, countries in data.items():
        ws = wb.create_sheet(sheet)
        ws.append([f"Military expenditure by country, {sheet}, 2022-2024      © SIPRI (test workbook)"])
        ws.append(['". ." = data unavailable. "xxx" = country did not exist or was not independent.'])
        ws.append([""])
        ws.append(["Country", "Notes", 2022, 2023, 2024])
        ws.append([])
        for region, sub, names in (("Asia & Oceania", "East Asia", ["China"]), ("Europe", "Eastern Europe", ["Russia"]),
                                   ("Americas", "North America", ["United States of America"])):
            ws.append([region])
            ws.append([sub])
            for n in names:
                ws.append([n, None, *countries[n]])
    wb.save(path)
    return path.read_bytes()


def unga_source():
    """The reader of the 3DL wide resolution-vote file (registered, or the one being written)."""
    from powergap.sources import all_sources

    for s in all_sources():
        if live_unvotes.WIDE_FILE in s.files:
            return s
    from powergap.sources import unga_2025

    return unga_2025.SOURCES[0]


def write_wide_base(raw: Path) -> None:
    """The shipped 3DL file's layout: one SC row (kept), ES-11/7 with stale cells (replaced),
    A/RES/80/1 (kept: not in the live pull)."""
    meta = live_unvotes.META
    rows = [
        {"Link": "https://digitallibrary.un.org/record/4072364", "token": "4072364", "Scrape_Year": "2025",
         "Title": "Security Council resolution 2768 (2025)", "Council": "Security Council",
         "Resolution": "S/RES/2768(2025)", "Date": "2025-01-15", "YES COUNT": "002", "NO COUNT": "000",
         "ABSTAIN COUNT": "001", "NO-VOTE COUNT": "000", "TOTAL VOTES": "003",
         "CHN": "YES", "RUS": "ABSTAIN", "USA": "YES"},
        {"Link": "https://digitallibrary.un.org/record/4076672", "token": "4076672", "Scrape_Year": "2025",
         "Title": "stale copy", "Council": "General Assembly", "Resolution": "A/RES/ES-11/7", "Date": "2025-02-24",
         "YES COUNT": "3", "NO COUNT": "0", "ABSTAIN COUNT": "0", "NO-VOTE COUNT": "0", "TOTAL VOTES": "3",
         "CHN": "YES", "RUS": "YES", "USA": "YES"},
        {"Link": "https://digitallibrary.un.org/record/4080000", "token": "4080000", "Scrape_Year": "2025",
         "Title": "kept resolution", "Council": "General Assembly", "Resolution": "A/RES/80/1", "Date": "2025-09-10",
         "YES COUNT": "2", "NO COUNT": "1", "ABSTAIN COUNT": "0", "NO-VOTE COUNT": "0", "TOTAL VOTES": "3",
         "CHN": "YES", "RUS": "YES", "USA": "NO"},
    ]
    df = pd.DataFrame(rows).reindex(columns=meta + ["CHN", "RUS", "USA"]).fillna("")
    path = raw / live_unvotes.WIDE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False)


def offline(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise requests.exceptions.ConnectionError("network is unreachable")

    monkeypatch.setattr(requests, "get", refuse)


# ----------------------------------------------------------------------------- trade

def test_trade_update_merges_imts_into_the_dots_file(user_dirs):
    tmp, raw = user_dirs
    write_dots_base(raw)
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, IMTS_URL, body=imts_answer(), content_type="application/vnd.sdmx.data+csv")
        out = live.update("trade", raw=raw, start=2021, echo=lambda m: None, sources=tuple(imf_dots.SOURCES))
        call = rsps.calls[0].request
    assert call.url.startswith(f"{live_trade.BASE_URL}/.XG_FOB_USD..A?") and "startPeriod=2021" in call.url
    assert call.headers["Accept"] == "application/vnd.sdmx.data+csv;version=1.0.0"

    snap = Snapshot(out)
    exp = snap.series("trade_exports_usd_dots")
    got = {(r.ccode1, r.ccode2, r.year): r.value for r in exp.itertuples()}
    assert got[(710, 365, 2020)] == 50608e6  # before the pull: the shipped DOTS value
    assert got[(710, 365, 2021)] == 67565e6  # the IMTS value replaces DOTS's 60,000 m
    assert got[(710, 365, 2023)] == 110970e6 and got[(365, 710, 2022)] == 114150e6
    assert (710, 705, 2021) not in got  # China's 2021 is IMTS's whole: its DOTS row to KAZ went
    assert got[(710, 705, 2022)] == 16.3e9
    assert got[(710, 347, 2022)] == 170e6  # the IMF's KOS is Kosovo
    assert got[(705, 710, 2020)] == 9000e6 and got[(705, 710, 2022)] == 9500e6  # KAZ is not in the pull
    assert (365, 705, 2023) not in got  # NaN in the answer is missing, not zero
    assert snap.value("merch_exports_usd_dots", 710, 2022) == 3.59e12  # G001 is the world
    assert snap.value("merch_imports_usd_dots_mirror", 365, 2022) == 250e9
    total = snap.series("trade_total_usd_dots")
    assert total.loc[(total.ccode1 == 365) & (total.ccode2 == 710) & (total.year == 2022), "value"].item() == 76122e6 + 114150e6
    src = snap.source_index["imf_dots"]
    assert src["vintage"].startswith("IMF IMTS IMF.STA:IMTS(1.0.0), exports FOB 2021-2023")
    assert "live refresh `powergap data update trade`" in src["vintage"]
    assert snap.verify() == []

    rec = json.loads((live.cache_root() / "trade.live.json").read_text())
    cached = live.cache_dir("trade") / rec["files"][imf_dots.DOTS_FILE]
    assert hashlib.sha256(cached.read_bytes()).hexdigest() == rec["sha256"][imf_dots.DOTS_FILE]
    assert src["files"][0]["sha256"] == rec["sha256"][imf_dots.DOTS_FILE]
    live_rows = pd.read_csv(cached)
    assert set(live_rows.loc[live_rows.year >= 2021, "reporter"]) >= {CN, RU, "World"}
    assert "China, P.R.: Hong Kong" not in set(live_rows["partner"])  # territories are dropped


def test_trade_offline_changes_nothing(user_dirs, monkeypatch):
    tmp, raw = user_dirs
    write_dots_base(raw)
    out = tmp / "snap"
    out.mkdir()
    (out / "catalog.json").write_text('{"previous": true}\n')
    before = tree_digest(tmp / "cache"), tree_digest(out)
    offline(monkeypatch)
    with pytest.raises(DataError, match=r"^cannot reach the IMF SDMX API at api\.imf\.org \(ConnectionError\); "
                                        r"the snapshot was not changed$"):
        live.update("trade", raw=raw, out=out, echo=lambda m: None, sources=tuple(imf_dots.SOURCES))
    assert (tree_digest(tmp / "cache"), tree_digest(out)) == before


def test_trade_answer_checks():
    text = imts_answer()
    obs = live_trade.parse_sdmx_csv(text)
    assert len(obs) == 17 and obs["value"].sum() == pytest.approx(sum(
        float(line.split(",")[6]) for line in text.splitlines()[1:] if line.split(",")[6] != "NaN"))
    v2 = "STRUCTURE,STRUCTURE_ID,ACTION," + text.splitlines()[0][len("DATAFLOW,"):] + "\n" + "\n".join(
        "dataflow,IMF.STA:IMTS(1.0.0),R," + line[len("IMF.STA:IMTS(1.0.0),"):] for line in text.splitlines()[1:])
    pd.testing.assert_frame_equal(live_trade.parse_sdmx_csv(v2), obs)  # SDMX-CSV 2.0 reads the same
    with pytest.raises(DataError, match="asked for XG_FOB_USD, got MG_CIF_USD"):
        live_trade.parse_sdmx_csv(text.replace("XG_FOB_USD,RUS", "MG_CIF_USD,RUS"))
    with pytest.raises(DataError, match="non-numeric OBS_VALUE"):
        live_trade.parse_sdmx_csv(text.replace("67565000000", "67.5bn"))
    with pytest.raises(DataError, match="not IMTS SDMX-CSV"):
        live_trade.parse_sdmx_csv("<html>Service unavailable</html>\n")


def test_trade_from_a_saved_answer(user_dirs, tmp_path):
    _tmp, raw = user_dirs
    write_dots_base(raw)
    saved = tmp_path / "answer.csv"
    saved.write_text(imts_answer())
    with responses.RequestsMock():  # no request may go out
        out = live.update("trade", raw=raw, file=saved, start=2022, echo=lambda m: None,
                          sources=tuple(imf_dots.SOURCES))
    snap = Snapshot(out)
    got = {(r.ccode1, r.ccode2, r.year): r.value for r in snap.series("trade_exports_usd_dots").itertuples()}
    assert got[(710, 365, 2021)] == 60000e6  # --start 2022 keeps DOTS's 2021
    assert got[(710, 365, 2022)] == 76122e6


# ----------------------------------------------------------------------------- UN votes

def test_unvotes_update_converts_the_published_file(user_dirs):
    tmp, raw = user_dirs
    write_wide_base(raw)
    src = unga_source()
    published = (LIVE / "2026_02_06_ga_voting.csv").read_bytes()
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, re.compile(re.escape(live_unvotes.RECORD_URL) + r"\?ln=en"),
                 body=(LIVE / "undl_record_4060887.html").read_text(), content_type="text/html")
        rsps.add(responses.GET, f"{live_unvotes.RECORD_URL}/files/2026_02_06_ga_voting.csv", body=published,
                 content_type="text/csv")
        out = live.update("unvotes", raw=raw, echo=lambda m: None, sources=(src,), include_restricted=True)
    snap = Snapshot(out)
    res = snap.table("un_resolutions").set_index("symbol")
    assert set(res.index) == {"S/RES/2768(2025)", "A/RES/ES-11/7", "A/RES/80/1", "A/RES/80/101"}  # no 2024 row
    assert res.loc["A/RES/ES-11/7", ["yes", "no", "abstain"]].tolist() == [2, 4, 3]
    votes = snap.table("un_resolution_votes")
    es11 = votes[votes.res_id == 4076672].set_index("ccode")["vote"].to_dict()
    # UKR, FRA yes; RUS, USA, BLR, PRK no; CHN, IND, KAZ abstain (yes=1, abstain=2, no=3)
    assert es11 == {369: 1, 220: 1, 365: 3, 2: 3, 370: 3, 731: 3, 710: 2, 750: 2, 705: 2}
    r101 = votes[votes.res_id == 4099001].set_index("ccode")["vote"].to_dict()
    assert 731 not in r101 and r101[220] == 2  # X (non-voting) is no vote; FRA abstained
    assert votes[votes.res_id == 4072364].set_index("ccode")["vote"].to_dict() == {710: 1, 365: 2, 2: 1}  # SC kept
    vint = snap.source_index[src.key]["vintage"]
    assert vint.startswith("UN Digital Library GA voting data 2026_02_06_ga_voting.csv (issued 2026-02-06)")

    rec = json.loads((live.cache_root() / "unvotes.live.json").read_text())
    gz = live.cache_dir("unvotes") / "2026_02_06_ga_voting.csv.gz"
    assert gzip.decompress(gz.read_bytes()) == published  # the publisher's file, as published
    assert rec["extra"]["published_sha256"] == hashlib.sha256(published).hexdigest()


def test_unvotes_bot_check_and_offline_are_one_line(user_dirs, monkeypatch):
    tmp, raw = user_dirs
    write_wide_base(raw)
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, re.compile(re.escape(live_unvotes.RECORD_URL) + r"\?ln=en"), body="", status=202)
        with pytest.raises(DataError, match=r"links no \*_ga_voting.csv .* --file PATH`; the snapshot was not changed"):
            live.update("unvotes", raw=raw, echo=lambda m: None, sources=(unga_source(),), include_restricted=True)
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, re.compile(re.escape(live_unvotes.RECORD_URL) + r"\?ln=en"),
                 body=(LIVE / "undl_record_4060887.html").read_text())
        rsps.add(responses.GET, f"{live_unvotes.RECORD_URL}/files/2026_02_06_ga_voting.csv",
                 body="<!DOCTYPE html><html>challenge</html>", content_type="text/html")
        with pytest.raises(DataError, match="did not serve the voting file \\(a web page, probably its bot check\\)"):
            live.update("unvotes", raw=raw, echo=lambda m: None, sources=(unga_source(),), include_restricted=True)
    offline(monkeypatch)
    with pytest.raises(DataError, match=r"^cannot reach the UN Digital Library at digitallibrary\.un\.org "
                                        r"\(ConnectionError\); the snapshot was not changed$"):
        live.update("unvotes", raw=raw, echo=lambda m: None, sources=(unga_source(),), include_restricted=True)
    assert not live.default_out().exists() and not live.cache_root().exists()


def test_unvotes_totals_must_match_the_cells(user_dirs, tmp_path):
    tmp, raw = user_dirs
    write_wide_base(raw)
    text = (LIVE / "2026_02_06_ga_voting.csv").read_text()
    bad = tmp_path / "2026_02_06_ga_voting.csv.gz"
    bad.write_bytes(gzip.compress(text.replace("4076672,FRA,FRANCE,Y", "4076672,FRA,FRANCE,N").encode()))
    with pytest.raises(DataError, match="A/RES/ES-11/7 has 1 YES cells but the record prints 2"):
        live.update("unvotes", raw=raw, file=bad, echo=lambda m: None, sources=(unga_source(),),
                    include_restricted=True)
    assert not live.default_out().exists() and not live.cache_root().joinpath("unvotes").exists()


# ----------------------------------------------------------------------------- SIPRI milex

def test_milex_update_replaces_the_workbook(user_dirs, tmp_path):
    tmp, raw = user_dirs
    wb = milex_workbook(tmp_path / "w.xlsx")
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, live_milex.PAGE_URL, body=(LIVE / "sipri_milex_page.html").read_text())
        rsps.add(responses.GET, "https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2024_2.xlsx", body=wb,
                 headers={"Last-Modified": "Wed, 30 Apr 2025 13:02:04 GMT"})
        out = live.update("milex", raw=raw, echo=lambda m: None, sources=tuple(sipri_milex.SOURCES))
    snap = Snapshot(out)
    assert snap.value("milex_const_usd", 710, 2024) == 317561e6
    assert snap.value("milex_const_usd", 365, 2024) == 150534e6
    assert snap.value("milex_const_usd", 365, 2022) is None  # ". ." is missing
    assert snap.value("milex_gdp_pct", 365, 2024) == pytest.approx(7.1)
    assert snap.source_index["sipri_milex"]["vintage"].startswith("SIPRI Milex workbook SIPRI-Milex-data-1949-2024_2.xlsx")
    assert (live.cache_dir("milex") / "SIPRI-Milex-data-1949-2024_2.xlsx").read_bytes() == wb


def test_milex_new_base_year_and_offline_change_nothing(user_dirs, tmp_path, monkeypatch):
    tmp, raw = user_dirs
    wb = tmp_path / "SIPRI-Milex-data-1949-2025_v1.2.xlsx"
    milex_workbook(wb, base_year=2024)
    with pytest.raises(DataError, match=r"prices its constant series in 2024 US\$, but this powergap reads 2023 US\$"):
        live.update("milex", raw=raw, file=wb, echo=lambda m: None, sources=tuple(sipri_milex.SOURCES))
    offline(monkeypatch)
    with pytest.raises(DataError, match=r"^cannot reach SIPRI at www\.sipri\.org \(ConnectionError\); "
                                        r"the snapshot was not changed$"):
        live.update("milex", raw=raw, echo=lambda m: None, sources=tuple(sipri_milex.SOURCES))
    assert not live.default_out().exists() and not live.cache_root().exists()


def test_newest_links_are_found():
    url, name = live_milex.newest_workbook_url((LIVE / "sipri_milex_page.html").read_text())
    assert (url, name) == ("https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2024_2.xlsx",
                           "SIPRI-Milex-data-1949-2024_2.xlsx")
    url, name = live_unvotes.newest_file_url((LIVE / "undl_record_4060887.html").read_text())
    assert (url, name) == ("https://digitallibrary.un.org/record/4060887/files/2026_02_06_ga_voting.csv",
                           "2026_02_06_ga_voting.csv")


# ----------------------------------------------------------------------------- together

def test_refreshes_accumulate_and_a_corrupt_cache_is_refused(user_dirs, tmp_path):
    tmp, raw = user_dirs
    write_dots_base(raw)
    (raw / "sipri_milex").mkdir()
    milex_workbook(raw / sipri_milex.FILE)  # stands in for the shipped workbook
    both = tuple(imf_dots.SOURCES) + tuple(sipri_milex.SOURCES)
    saved = tmp_path / "answer.csv"
    saved.write_text(imts_answer())
    live.update("trade", raw=raw, file=saved, start=2021, echo=lambda m: None, sources=both)
    newer = milex_workbook(tmp_path / "new.xlsx")
    out = live.update("milex", raw=raw, file=tmp_path / "new.xlsx", echo=lambda m: None, sources=both)
    snap = Snapshot(out)
    assert "update trade" in snap.source_index["imf_dots"]["vintage"]  # the earlier refresh is kept
    assert "update milex" in snap.source_index["sipri_milex"]["vintage"]
    assert snap.value("merch_exports_usd_dots", 710, 2022) == 3.59e12
    assert (live.cache_dir("milex") / "new.xlsx").read_bytes() == newer

    cached = next(live.cache_dir("trade").iterdir())
    cached.write_bytes(cached.read_bytes() + b"x")
    before = tree_digest(out)
    with pytest.raises(DataError, match=r"does not match its sha256; run `powergap data update trade` again"):
        live.update("milex", raw=raw, file=tmp_path / "new.xlsx", echo=lambda m: None, sources=both)
    assert tree_digest(out) == before


def test_cli_offline_is_one_line_and_nonzero(tmp_path):
    raw = tmp_path / "raw"
    write_dots_base(raw)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "c"), "XDG_DATA_HOME": str(tmp_path / "d"),
           # an unusable local proxy: requests fails at once, nothing leaves the machine
           "HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "NO_PROXY": "", "no_proxy": ""}
    for name, host in (("trade", "the IMF SDMX API at api.imf.org"), ("unvotes", "the UN Digital Library at "
                       "digitallibrary.un.org"), ("milex", "SIPRI at www.sipri.org")):
        r = subprocess.run([sys.executable, "-m", "powergap", "data", "update", name, "--raw", str(raw)],
                           capture_output=True, text=True, env=env, timeout=60)
        assert r.returncode == 2, r.stderr
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"powergap: error: cannot reach {host} (")
        assert lines[0].endswith("the snapshot was not changed")
    assert not (tmp_path / "d").exists()


def test_unvotes_conversion_round_trips_the_shipped_2025_votes(raw_dir):
    """The shipped 2025 file's 192 GA resolutions, laid out as the UN Digital Library publishes
    them (one row per state and resolution), come back cell for cell."""
    wide = pd.read_csv(raw_dir / live_unvotes.WIDE_FILE, dtype=str, keep_default_na=False)
    ga = wide[wide["Council"] == "General Assembly"].reset_index(drop=True)
    states = [c for c in wide.columns if c not in live_unvotes.META]
    long = ga.melt(id_vars=["token", "Link", "Title", "Resolution", "Date", "YES COUNT", "NO COUNT", "ABSTAIN COUNT",
                            "NO-VOTE COUNT", "TOTAL VOTES"], value_vars=states, var_name="ms_code", value_name="cell")
    published = pd.DataFrame({
        "undl_id": long["token"], "ms_code": long["ms_code"], "ms_name": long["ms_code"],
        "ms_vote": long["cell"].map({"YES": "Y", "NO": "N", "ABSTAIN": "A", "": "X"}), "date": long["Date"],
        "session": "", "resolution": long["Resolution"], "draft": "", "committee_report": "", "meeting": "",
        "title": long["Title"], "agenda_title": "", "subjects": "", "vote_note": "",
        "total_yes": long["YES COUNT"] + ".0", "total_no": long["NO COUNT"] + ".0",
        "total_abstentions": long["ABSTAIN COUNT"] + ".0", "total_non_voting": long["NO-VOTE COUNT"] + ".0",
        "total_ms": long["TOTAL VOTES"] + ".0", "undl_link": long["Link"]})
    df = live_unvotes.read_published(published.to_csv(index=False).encode(), label="roundtrip.csv")
    back = live_unvotes.to_wide(df, since=2025, label="roundtrip.csv").set_index("Resolution")
    assert len(ga) == 192 and len(back) == 192
    ga = ga.set_index("Resolution").loc[back.index]
    pd.testing.assert_frame_equal(back[states], ga[states], check_names=False)
    for col in ("token", "Date", "YES COUNT", "NO COUNT", "ABSTAIN COUNT", "TOTAL VOTES"):
        assert (back[col].astype(int) if "COUNT" in col or "TOTAL" in col else back[col]).tolist() == \
            (ga[col].astype(int) if "COUNT" in col or "TOTAL" in col else ga[col]).tolist(), col
    es11 = back.loc["A/RES/ES-11/7"]
    assert (es11["RUS"], es11["USA"], es11["CHN"], es11["UKR"], es11["YES COUNT"]) == ("NO", "NO", "ABSTAIN", "YES", "93")


def test_data_info_shows_every_source_vintage(user_dirs, tmp_path):
    _tmp, raw = user_dirs
    write_dots_base(raw)
    saved = tmp_path / "answer.csv"
    saved.write_text(imts_answer())
    out = live.update("trade", raw=raw, file=saved, start=2021, echo=lambda m: None, sources=tuple(imf_dots.SOURCES))
    env = {**os.environ, "POWERGAP_SNAPSHOT": str(out)}
    r = subprocess.run([sys.executable, "-m", "powergap", "data", "info", "--json"], capture_output=True, text=True,
                       env=env, timeout=60)
    doc = json.loads(r.stdout)
    assert [s["key"] for s in doc["sources"]] == ["imf_dots"]
    assert doc["sources"][0]["vintage"].startswith("IMF IMTS IMF.STA:IMTS(1.0.0), exports FOB 2021-2023")
    # the shipped snapshot: every source has a vintage (its recorded version where built before the field)
    r = subprocess.run([sys.executable, "-m", "powergap", "data", "info", "--json"], capture_output=True, text=True,
                       env={k: v for k, v in os.environ.items() if k != "POWERGAP_SNAPSHOT"}, timeout=60)
    shipped = json.loads(r.stdout)["sources"]
    assert shipped and all(s["vintage"] for s in shipped)
    assert "2025 release" in {s["key"]: s["vintage"] for s in shipped}["sipri_milex"]
    r = subprocess.run([sys.executable, "-m", "powergap", "data", "info"], capture_output=True, text=True, env=env,
                       timeout=60)
    assert "vintage" in r.stdout and "IMF IMTS" in r.stdout


ISO_NAME = {"CHN": CN, "RUS": RU, "KAZ": KZ, "G001": "World"}


@settings(max_examples=40, deadline=None)
@given(base_cells=st.dictionaries(st.tuples(st.sampled_from([CN, RU, KZ, "World"]), st.sampled_from([CN, RU, KZ, "World"]),
                                            st.integers(2018, 2023)), st.floats(0, 1e6, allow_nan=False), max_size=30),
       obs_cells=st.dictionaries(st.tuples(st.sampled_from(["CHN", "RUS", "KAZ", "G001", "HKG"]),
                                           st.sampled_from(["CHN", "RUS", "KAZ", "G001", "HKG"]),
                                           st.integers(2020, 2024)), st.integers(0, 10**12), min_size=1, max_size=30))
def test_trade_merge_replaces_exactly_the_pulled_reporter_years(base_cells, obs_cells):
    base = pd.DataFrame([(r, p, y, v) for (r, p, y), v in base_cells.items() if r != p] or [(CN, RU, 2018, 1.0)],
                        columns=DOTS_COLS[:4]).assign(estimated="0", source_file="b")
    base = pd.concat([base, pd.DataFrame([(CN, RU, 2017, 1.0), (RU, CN, 2017, 1.0), (KZ, CN, 2017, 1.0),
                                          ("World", KZ, 2017, 1.0)], columns=DOTS_COLS[:4])
                      .assign(estimated="0", source_file="b")], ignore_index=True)  # every name once
    obs = pd.DataFrame([(r, p, y, float(v)) for (r, p, y), v in obs_cells.items()],
                       columns=["country", "counterpart", "year", "value"])
    try:
        merged = live_trade.to_dots(obs, base, label="t", source_file="live")
    except DataError as exc:  # only when nothing maps to two distinct states
        assert "no observation maps" in str(exc)
        assert not any(r in ISO_NAME and p in ISO_NAME and r != p for r, p, _ in obs_cells)
        return
    # the oracle: live rows are the obs between two mapped, distinct codes, in millions
    want_live = {(ISO_NAME[r], ISO_NAME[p], y): v / 1e6 for (r, p, y), v in obs_cells.items()
                 if r in ISO_NAME and p in ISO_NAME and r != p}
    covered = {(r, y) for r, _, y in want_live}
    is_live = merged["source_file"] == "live"
    got_live = {(r.reporter, r.partner, r.year): r.exports_fob_usd_mn for r in merged[is_live].itertuples()}
    assert got_live == pytest.approx(want_live)
    kept = merged[~is_live]
    assert not any((r, y) in covered for r, y in zip(kept["reporter"], kept["year"]))
    want_kept = base[[(r, y) not in covered for r, y in zip(base["reporter"], base["year"])]]
    assert len(kept) == len(want_kept)
    assert sorted(zip(kept.reporter, kept.partner, kept.year)) == sorted(zip(want_kept.reporter, want_kept.partner,
                                                                             want_kept.year))


def test_unwritable_out_is_one_output_error(user_dirs, tmp_path):
    _tmp, raw = user_dirs
    write_dots_base(raw)
    saved = tmp_path / "answer.csv"
    saved.write_text(imts_answer())
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    from powergap.errors import OutputError

    with pytest.raises(OutputError, match=r"^cannot write the snapshot .*; the snapshot and the cache were not changed$"):
        live.update("trade", raw=raw, file=saved, out=blocker / "snap", echo=lambda m: None,
                    sources=tuple(imf_dots.SOURCES))
    assert not live.cache_dir("trade").exists()
