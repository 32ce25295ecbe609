"""End to end: `powergap report --orbit --region "Central Asia" --between CHN RUS` writes the
orbit page, and headless Chromium shows it with the network blocked (issue 20).

Checks: the page is self-contained and under 2 MB; no console errors or warnings; no request
leaves the page; every chart is rendered, the map with one outline per Central Asian state
and the small multiples with one panel per state; every chart keeps its own aria-label; the
map's tooltip shows a state's evidence. A screenshot goes to $POWERGAP_ARTIFACTS (default:
the system temp directory) for a person to look at.

Needs Debian's chromium (/usr/bin/chromium) and PyPI's playwright; the browser tests skip
cleanly without chromium. The page itself is generated in any case.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from test_report_browser import _open, browser  # noqa: F401 (the pair report's browser and page opener)

CENTRAL_ASIA = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("orbit") / "ca.html"
    r = subprocess.run([sys.executable, "-m", "powergap", "report", "--orbit", "--region", "Central Asia",
                        "--between", "CHN", "RUS", "--start", "2000", "--end", "2024", "--generated", "X",
                        "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return out


def test_page_is_self_contained_and_small(page_file):
    text = page_file.read_text(encoding="utf-8")
    assert page_file.stat().st_size < 2_000_000
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "", text, flags=re.S)
    assert "<script src" not in text
    for bad in ("<link ", "<img ", "<iframe", "<object", "<embed", "@import", "url("):
        assert bad not in markup, bad
    # the geometry is inlined (TopoJSON), never fetched
    assert '"type":"Topology"' in text and "world-atlas" in text


@pytest.fixture(scope="module")
def laptop(browser, page_file):  # noqa: F811 (the imported fixture)
    page, errors, blocked = _open(browser, page_file, 1280, 900)
    d = Path(os.environ.get("POWERGAP_ARTIFACTS") or tempfile.gettempdir())
    d.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(d / "orbit-central-asia.png"), full_page=True)
    yield page, errors, blocked
    page.close()


def test_no_console_errors_and_no_request_leaves_the_page(laptop):
    _, errors, blocked = laptop
    assert errors == []
    assert blocked == []


def test_every_chart_is_rendered_with_its_own_label(laptop):
    page, _, _ = laptop
    info = page.evaluate("""() => [...document.querySelectorAll('.chart')].map(el => ({
        id: el.id, rendered: el.dataset.rendered === 'true', label: el.getAttribute('aria-label'),
        width: el.getBoundingClientRect().width, height: el.getBoundingClientRect().height}))""")
    ids = [c["id"] for c in info]
    assert "chart-map-lean" in ids and "chart-multiples-trade" in ids, ids
    for c in info:
        assert c["rendered"], c
        assert c["label"] and "Vega visualization" not in c["label"], c
        assert c["width"] > 300 and c["height"] > 100, c


def test_map_draws_one_outline_per_state_of_the_region(laptop):
    page, _, _ = laptop
    n = page.evaluate("() => document.querySelectorAll('#chart-map-lean svg .mark-shape path').length")
    assert n == len(CENTRAL_ASIA)
    # each outline is filled with a lean class colour, none left unfilled
    fills = page.evaluate("() => [...document.querySelectorAll('#chart-map-lean svg .mark-shape path')]"
                          ".map(p => p.getAttribute('fill'))")
    assert all(f and f != "none" for f in fills), fills


def test_small_multiples_have_one_panel_per_state(laptop):
    page, _, _ = laptop
    heads = page.evaluate("() => [...document.querySelectorAll('#chart-multiples-trade svg .role-title-text, "
                          "#chart-multiples-trade svg .mark-text.role-axis-label text')].length")
    lines = page.evaluate("() => document.querySelectorAll('#chart-multiples-trade svg .mark-line path').length")
    assert lines == 2 * len(CENTRAL_ASIA)  # one line per power in each panel
    assert heads >= 0
    text = page.text_content("#chart-multiples-trade")
    for lab in CENTRAL_ASIA:
        assert lab in text


def test_map_tooltip_shows_the_evidence(laptop):
    page, _, _ = laptop
    page.locator("#chart-map-lean svg .mark-shape path").first.hover(force=True)
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
    tip = page.text_content("#vg-tooltip-element")
    assert "Evidence" in tip and ("CHN" in tip or "RUS" in tip), tip


def test_no_unrounded_number_in_the_visible_text(laptop):
    from test_report_browser import unrounded  # the pair report's check

    page, _, _ = laptop
    text = page.evaluate("""() => {
        const closed = [...document.querySelectorAll('details:not([open])')];
        closed.forEach(d => d.open = true);
        const text = [...document.querySelectorAll('main > *:not(footer), footer > *:not(#config)')]
            .map(e => e.innerText).join('\\n');
        closed.forEach(d => d.open = false);
        return text; }""")
    assert not unrounded(text), unrounded(text)[:10]
    assert "nan" not in text.split() and "None" not in text.split()


def test_fits_a_phone(browser, page_file):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.route("**/*", lambda r: r.continue_() if r.request.url == page_file.resolve().as_uri() else r.abort())
    page.goto(page_file.resolve().as_uri())
    page.wait_for_function("() => [...document.querySelectorAll('.chart')].every(e => e.dataset.rendered === 'true')",
                           timeout=45_000)
    try:
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 391
        cut = page.evaluate("() => [...document.querySelectorAll('.chart svg .role-legend-label text')]"
                            ".map(t => t.textContent).filter(t => t.endsWith('…'))")
        assert cut == [], cut
    finally:
        page.close()


def test_world_page_draws_every_outline(browser, tmp_path):  # noqa: F811
    out = tmp_path / "world.html"
    r = subprocess.run([sys.executable, "-m", "powergap", "orbit", "--world", "--year", "2020", "--between", "CHN",
                        "RUS", "--generated", "X", "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert out.stat().st_size < 2_000_000
    page, errors, blocked = _open(browser, out, 1280, 900)
    try:
        assert errors == [] and blocked == []
        fills = page.evaluate("() => [...document.querySelectorAll('#chart-map-lean svg .mark-shape path')]"
                              ".map(p => p.getAttribute('fill'))")
        assert len(fills) == 177  # every Natural Earth 1:110m outline
        # China and Russia are drawn as the powers themselves, in their own shades
        assert "#7a3300" in fills and "#003a66" in fills
    finally:
        page.close()
