"""Live WDI refresh, offline: recorded World Bank API responses replayed with `responses`.

The recorded payloads (tests/fixtures/live/*.json) have the v2 API's real shape
(``[header, rows]``) with invented values. No test touches the network: inside
``responses.RequestsMock`` any unregistered URL raises ``requests.ConnectionError``,
which is exactly what an offline machine gives.
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
    with pytest.raises(InputError, match="only 'wdi'"):
        live.update_wdi(source="imf_weo", raw=raw)
    with pytest.raises(InputError, match="refusing to write into the snapshot shipped"):
        live.update_wdi(raw=raw, out=package_snapshot_dir())
    with pytest.raises(InputError, match="raw directory not found"):
        live.update_wdi(raw=raw / "nope")
    monkeypatch.setattr(live, "raw_candidates", lambda: [])
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
