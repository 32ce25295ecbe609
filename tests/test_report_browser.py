"""End to end: `powergap report` writes the China-Russia page, and headless Chromium shows it
with the network blocked.

Checks (issues 8 and 16, acceptance): no console errors or warnings; no request leaves the
page; every chart section has a rendered, non-empty chart; the stage timeline lists every
year asked for; a hostile claim is shown as text and its script never runs; each chart keeps
its own aria-label after rendering; no unrounded number in the visible text; no page wider
than a 390 px phone and no legend label cut short; every contents entry leads somewhere. The
same checks run on a second page, USA-China with the default third state, a pair with the
USA and without product-level trade data, and on Germany-France (an infinite capability
ratio: Germany has no nuclear weapons). Screenshots of the three pages (the full page at a
laptop width of 1280 px, the top of it at a phone width of 390 px) go to
$POWERGAP_ARTIFACTS (default: the system temp directory), for a person to look at; they are
not committed.

Needs Debian's chromium (/usr/bin/chromium) and PyPI's playwright (no browser download);
the browser tests skip cleanly without them. The page itself is generated in any case
(that part tests the command from a clean install).
"""

from __future__ import annotations

import os
import re
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


@pytest.fixture(scope="module")
def usa_file(tmp_path_factory) -> Path:
    """USA-China with the default third state (the USA cannot be it): no product data."""
    out = tmp_path_factory.mktemp("report-usa") / "usa-chn.html"
    r = subprocess.run([sys.executable, "-m", "powergap", "report", "USA", "CHN", "--generated", GENERATED,
                        "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def deu_file(tmp_path_factory) -> Path:
    """Germany-France: one side (Germany) has no nuclear weapons, so a capability ratio is
    infinite in every year."""
    out = tmp_path_factory.mktemp("report-deu") / "deu-fra.html"
    r = subprocess.run([sys.executable, "-m", "powergap", "report", "DEU", "FRA", "--generated", GENERATED,
                        "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return out


def test_usa_pair_gets_another_third_state_and_says_it_has_no_product_data(usa_file):
    text = usa_file.read_text(encoding="utf-8")
    third = re.search(r"<h2>The triangle with ([^<]+)</h2>", text)
    assert third and third.group(1) not in ("United States of America", "China"), third
    assert "No product-level trade data for this pair" in text


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
    # Vega reports spec problems as console warnings ("Conflicting legend property"): none allowed
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
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


# A decimal with more than four significant digits ("0.039282911534042085"), or a number in
# e-notation ("1.87e-05"), is unrounded.
DECIMAL = re.compile(r"(?<![\w.,:/])\d[\d,]*\.\d+(?![\w./])")  # not in a DOI or handle
E_NOTATION = re.compile(r"(?<![\w.])\d(?:\.\d+)?e[-+]?\d+(?![\w.])")


def unrounded(text: str) -> list[str]:
    def significant(num: str) -> int:
        return len(num.replace(",", "").replace(".", "").lstrip("0"))

    return [m for m in DECIMAL.findall(text) if significant(m) > 4] + E_NOTATION.findall(text)


def test_unrounded_finds_what_it_should():
    assert unrounded("0.039282911534042085 and 1.87e-05 and 12,345.678") == ["0.039282911534042085", "12,345.678",
                                                                           "1.87e-05"]
    assert unrounded("0.00727, 2.44%, US$ 13.2 bn, 1995-2024, 0.000019, version 2.0, doi:10.7910/DVN/28075") == []


def _page_checks(page) -> None:
    """What an analyst reading the page must never meet (issue 16)."""
    # each chart keeps its own description: vega-embed must not leave "Vega visualization"
    labels = page.evaluate("() => [...document.querySelectorAll('.chart')].map(e => e.getAttribute('aria-label'))")
    assert labels and all(labels), labels
    assert not [x for x in labels if "Vega visualization" in x], labels
    assert page.locator("[aria-label='Vega visualization']").count() == 0
    # the visible text, with every table opened (the configuration's YAML is data, not prose,
    # and is left out); the tables are closed again afterwards
    text = page.evaluate("""() => {
        const closed = [...document.querySelectorAll('details:not([open])')];
        closed.forEach(d => d.open = true);
        const parts = [...document.querySelectorAll('main > *:not(footer), footer > *:not(#config)')];
        let text = parts.map(e => e.innerText).join('\\n');
        // quotations of the essays and claim expressions are others' words, shown as written
        for (const q of document.querySelectorAll('blockquote, code')) text = text.split(q.innerText).join(' ');
        closed.forEach(d => d.open = false);
        return text; }""")
    bad = unrounded(text)
    assert not bad, bad[:10]
    assert "year(s)" not in text
    # every contents entry leads to a section of the page, including the sources and the config
    targets = page.eval_on_selector_all("nav a", "as => as.map(a => a.getAttribute('href'))")
    assert "#sources" in targets and "#config" in targets
    for t in targets:
        assert page.locator(t).count() == 1, t
    # each "show the numbers" toggle names its chart
    toggles = page.eval_on_selector_all("details.numbers > summary", "ss => ss.map(s => s.textContent)")
    assert len(toggles) == len(set(toggles)), toggles


def _phone_checks(page) -> None:
    # nothing wider than the phone: no horizontal scrolling of the page
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
    # no legend label cut short with an ellipsis
    cut = page.evaluate("() => [...document.querySelectorAll('.chart svg .role-legend-label text')]"
                        ".map(t => t.textContent).filter(t => t.endsWith('…'))")
    assert cut == [], cut
    over = page.evaluate("() => [...document.querySelectorAll('.chart svg text')]"
                         ".filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
                         ".map(t => t.textContent)")
    assert over == [], over
    # the year column of the timeline table starts on screen
    left = page.evaluate("() => document.querySelector('#timeline-table td').getBoundingClientRect().left")
    assert left >= 0


def test_page_reads_right_at_laptop_width(laptop):
    page, _, _ = laptop
    _page_checks(page)


def _screenshots(browser, page, page_file: Path, name: str) -> None:
    out = _artifacts()
    page.screenshot(path=str(out / f"powergap-{name}-1280.png"), full_page=True)
    phone, errors, blocked = _open(browser, page_file, 390, 844)
    try:
        assert errors == [] and blocked == []
        _phone_checks(phone)
        # the top of the page (title, summary, timeline, first charts): a full 28,000-pixel
        # phone page costs seconds and shows nothing the laptop one does not
        height = min(5000, phone.evaluate("() => document.documentElement.scrollHeight"))
        phone.screenshot(path=str(out / f"powergap-{name}-390.png"), full_page=True,
                         clip={"x": 0, "y": 0, "width": 390, "height": height})
    finally:
        phone.close()
    assert (out / f"powergap-{name}-1280.png").stat().st_size > 10_000


def test_screenshots_laptop_and_phone(browser, laptop, page_file):
    page, _, _ = laptop
    _screenshots(browser, page, page_file, "report")


def test_usa_page_in_the_browser(browser, usa_file):
    page, errors, blocked = _open(browser, usa_file, 1280, 900)
    try:
        assert errors == [] and blocked == []
        _page_checks(page)
        _screenshots(browser, page, usa_file, "report-usa-chn")
    finally:
        page.close()


def test_deu_fra_page_in_the_browser(browser, deu_file):
    """An infinite ratio reads "only FRA has any" (never "no data" beside "×infinite") and the
    weight-robustness band is still drawn for every year."""
    text = deu_file.read_text(encoding="utf-8")
    assert "only FRA has any" in text and "×infinite" not in text and "×inf" not in text
    page, errors, blocked = _open(browser, deu_file, 1280, 900)
    try:
        assert errors == [] and blocked == []
        _page_checks(page)
        band = page.evaluate("""() => [...document.querySelectorAll('#robustness .chart svg .mark-area path')]
            .map(p => p.getBoundingClientRect().width)""")
        assert band and max(band) > 300, band  # shaded across the years, not a sliver
        _screenshots(browser, page, deu_file, "report-deu-fra")
    finally:
        page.close()


def test_pdf_is_the_page_printed_by_chromium(browser, tmp_path):
    """`-o FILE.pdf` prints the page (charts drawn, tables opened) with the same headless
    Chromium, offline; the file is a PDF, not HTML in a .pdf."""
    out = tmp_path / "ind-pak.pdf"
    r = subprocess.run([sys.executable, "-m", "powergap", "report", "IND", "PAK", "--no-seeds", "--generated",
                        GENERATED, "-o", str(out)], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "POWERGAP_CHROMIUM": CHROMIUM})
    assert r.returncode == 0, r.stderr[-3000:]
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and b"<!doctype html>" not in data[:2000]
    assert len(data) > 50_000  # pages with drawn charts, not an empty print
    assert (out.stat().st_mode & 0o777) == 0o644  # as every output file
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary left behind
