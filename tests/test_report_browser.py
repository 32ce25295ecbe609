"""End to end: `powergap report` writes the China-Russia page, and headless Chromium shows it
with the network blocked.

Checks (issue 8, acceptance): no console errors; no request leaves the page; every chart
section has a rendered, non-empty chart; the stage timeline lists every year asked for; a
hostile claim is shown as text and its script never runs. Screenshots (the full page at a
laptop width of 1280 px, the top of it at a phone width of 390 px) go to
$POWERGAP_ARTIFACTS (default: the system temp directory), for a person to look at; they are
not committed.

Needs Debian's chromium (/usr/bin/chromium) and PyPI's playwright (no browser download);
the browser tests skip cleanly without them. The page itself is generated in any case
(that part tests the command from a clean install).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

START, END = 1992, 2022
HOSTILE = "<script>window.__pwned=1</script>"
GENERATED = "2000-01-01 00:00 UTC"
CHROMIUM = os.environ.get("POWERGAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
# every section whose job is a chart (the claims section is a list, sources a footer)
CHART_SECTIONS = ["timeline", "capability", "robustness", "dependence", "arms", "alignment", "triangle"]


def _artifacts() -> Path:
    d = Path(os.environ.get("POWERGAP_ARTIFACTS") or tempfile.gettempdir())
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    """The report, written by the command line, with a hostile claim file."""
    d = tmp_path_factory.mktemp("report")
    claims = d / "hostile.yaml"
    claims.write_text(
        "- id: hostile-claim\n"
        f"  text: \"{HOSTILE}\"\n"
        f"  source: \"a test file {HOSTILE}\"\n"
        "  value: \"gdp_usd(CHN, 2018) / gdp_usd(RUS, 2018)\"\n"
        "  expect: {op: approx, target: 8.5, tolerance: 0.1}\n"
        f"  note: \"{HOSTILE}\"\n", encoding="utf-8")
    out = d / "chn-rus.html"
    r = subprocess.run([sys.executable, "-m", "powergap", "report", "CHN", "RUS", "--start", str(START), "--end",
                        str(END), "--claims", str(claims), "--generated", GENERATED, "-o", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return out


def test_command_writes_a_self_contained_page(page_file):
    import re

    text = page_file.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    assert HOSTILE not in text  # escaped everywhere
    # nothing to fetch: no external scripts, styles, images or frames in the markup (the
    # inlined libraries' own code is left out of this check: the browser test below
    # blocks and records any request they would make)
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "", text, flags=re.S)
    assert len(re.findall(r"<script\b", text)) == 3  # print helper, chart specs, inline bundle
    assert "<script src" not in text
    for bad in ("<link ", "<img ", "<iframe", "<object", "<embed", "@import", "url("):
        assert bad not in markup, bad
    assert [p.name for p in page_file.parent.iterdir() if not p.name.endswith(".yaml")] == [page_file.name]


@pytest.fixture(scope="module")
def browser():
    from playwright import sync_api  # a test dependency: missing it fails, never skips

    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # a broken browser install: skip, with the reason
            pytest.skip(f"chromium could not be launched: {str(exc).splitlines()[0]}")
        yield b
        b.close()


def _open(browser, page_file: Path, width: int, height: int):
    url = page_file.resolve().as_uri()
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    blocked: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url == url:
            r.continue_()
        else:  # anything else would leave the page: block it and remember it
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.chart')].every("
        "e => e.dataset.rendered === 'true' || e.textContent.startsWith('Chart could not'))", timeout=45_000)
    return page, errors, blocked


@pytest.fixture(scope="module")
def laptop(browser, page_file):
    page, errors, blocked = _open(browser, page_file, 1280, 900)
    yield page, errors, blocked
    page.close()


def test_no_console_errors_and_no_request_leaves_the_page(laptop):
    _, errors, blocked = laptop
    assert errors == []
    assert blocked == []


def test_every_chart_section_has_a_rendered_nonempty_chart(laptop):
    page, _, _ = laptop
    for sid in CHART_SECTIONS:
        info = page.evaluate(
            """sid => {
                const sec = document.getElementById(sid);
                if (!sec) return null;
                return [...sec.querySelectorAll('.chart')].map(el => ({
                    id: el.id, rendered: el.dataset.rendered === 'true',
                    marks: el.querySelectorAll('svg .mark-line path, svg .mark-symbol path, svg .mark-area path').length,
                    width: el.getBoundingClientRect().width, height: el.getBoundingClientRect().height}));
            }""", sid)
        assert info, f"section {sid} has no chart"
        for c in info:
            assert c["rendered"], c
            assert c["marks"] > 0, c
            assert c["width"] > 300 and c["height"] > 100, c


def test_stage_timeline_lists_every_year_asked_for(laptop):
    page, _, _ = laptop
    years = page.eval_on_selector_all("#timeline-table tbody tr td:first-child", "tds => tds.map(t => t.textContent)")
    assert years == [str(y) for y in range(START, END + 1)]


def test_hostile_claim_is_text_and_never_runs(laptop):
    page, _, _ = laptop
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert HOSTILE in page.text_content("#claims")
    assert page.locator("#claims script").count() == 0


def test_hover_shows_values(laptop):
    page, _, _ = laptop
    page.locator("#chart-trade svg .mark-symbol path").first.hover(force=True)
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
    assert "Year" in page.text_content("#vg-tooltip-element")


def test_screenshots_laptop_and_phone(browser, laptop, page_file):
    page, _, _ = laptop
    out = _artifacts()
    page.screenshot(path=str(out / "powergap-report-1280.png"), full_page=True)
    phone, errors, blocked = _open(browser, page_file, 390, 844)
    try:
        assert errors == [] and blocked == []
        # charts fit the phone's width: no horizontal scrolling of the page
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
        # the top of the page (title, summary, timeline, first charts): a full 28,000-pixel
        # phone page costs seconds and shows nothing the laptop one does not
        height = min(5000, phone.evaluate("() => document.documentElement.scrollHeight"))
        phone.screenshot(path=str(out / "powergap-report-390.png"), full_page=True,
                         clip={"x": 0, "y": 0, "width": 390, "height": height})
    finally:
        phone.close()
    assert (out / "powergap-report-1280.png").stat().st_size > 10_000
