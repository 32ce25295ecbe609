"""The report: one self-contained HTML page per relationship.

* :func:`write_report` writes the page for an :class:`~powergap.assessment.Assessment` (or a
  pair of states) atomically; ``Assessment.report(path)`` calls it.
* :func:`report_html` returns the page as a string.
* :func:`assessment_html` is the compact fragment Jupyter shows for an Assessment
  (``Assessment._repr_html_``): the summary and the stage timeline as a table, without
  the 0.9 MB chart libraries (a notebook with many assessments stays light); use
  ``Assessment.report(path)`` for the full page with charts.

The page has no network dependency at view time: the Vega libraries are inlined once, and
every chart's specification sits in one JSON block (:mod:`powergap.report.page`). Apart
from one element marked ``data-generated`` (the generation time, the only use of the
clock), the same inputs on the same snapshot give a byte-identical page.
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
from typing import Any, Callable

from ..errors import InputError

__all__ = ["write_report", "report_html", "assessment_html", "build_report", "check_writable", "output_format",
           "write_pdf"]

#: the formats a report can be written in, by file extension
FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf"}
CHROMIUM = "/usr/bin/chromium"  # Debian's package; POWERGAP_CHROMIUM names another
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic")


def output_format(path: str | os.PathLike) -> str:
    """The report's format from the output's extension: "html" (.html, .htm) or "pdf";
    any other extension is refused (one line), so a .pdf never silently holds HTML."""
    ext = Path(path).suffix.lower()
    if ext not in FORMATS:
        raise InputError(f"cannot tell the report's format from {str(path)!r}: name the file .html (a "
                         f"self-contained page) or .pdf (the page printed)")
    return FORMATS[ext]


def _chromium() -> str:
    """The Chromium that prints PDFs, or one line saying how to get it."""
    import shutil

    exe = os.environ.get("POWERGAP_CHROMIUM") or CHROMIUM
    found = exe if Path(exe).is_file() else shutil.which(exe)
    how = ("a PDF report is printed by headless Chromium through Playwright: install them with "
           "'apt-get install chromium' and 'pip install playwright' (no browser download needed), or write "
           "-o FILE.html and print it from a browser")
    if not found:
        raise InputError(f"Chromium not found at {exe}; {how}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise InputError(f"the Python package playwright is not installed; {how}") from None
    return found


def write_pdf(html: str, path: str | os.PathLike, *, inputs=None) -> Path:
    """Print the page ``html`` to the PDF file ``path`` (atomically) with headless Chromium,
    the network blocked, once every chart is drawn; the closed tables are opened for print."""
    import tempfile

    from ..errors import OutputError
    from ..outputs import write_output

    exe = _chromium()
    check_writable(path, inputs=inputs)

    def render(tmp: Path) -> None:
        from playwright.sync_api import Error as PlaywrightError, sync_playwright

        with tempfile.TemporaryDirectory(prefix="powergap-pdf-") as d:
            page_file = Path(d) / "report.html"
            page_file.write_text(html, encoding="utf-8")
            url = page_file.resolve().as_uri()
            try:
                with sync_playwright() as pw:
                    browser = pw.chromium.launch(executable_path=exe, args=list(CHROMIUM_ARGS))
                    try:
                        page = browser.new_page(viewport={"width": 1000, "height": 1400})
                        page.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
                        page.goto(url)
                        page.wait_for_function(
                            "() => [...document.querySelectorAll('.chart')].every(e => e.dataset.rendered === 'true'"
                            " || e.textContent.startsWith('Chart could not'))", timeout=60_000)
                        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
                        page.emulate_media(media="print")
                        page.pdf(path=str(tmp), format="A4", print_background=True,
                                 margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"})
                    finally:
                        browser.close()
            except PlaywrightError as exc:
                raise OutputError(f"Chromium could not print the report: {str(exc).splitlines()[0]}") from None

    return write_output(path, render, inputs=inputs, what="the report")


def write_any(path: str | os.PathLike, html: str, *, inputs=None) -> Path:
    """Write the page to ``path`` in the format its extension names (:func:`output_format`)."""
    if output_format(path) == "pdf":
        return write_pdf(html, path, inputs=inputs)
    return write_atomic(path, html, inputs=inputs)



def build_report(*args: Any, **kwargs: Any):
    """See :func:`powergap.report.build.build_report`."""
    from .build import build_report as _build

    return _build(*args, **kwargs)


def _now() -> str:
    # The only use of the clock in the report: the labelled generation time.
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _split_target(assessment_or_pair: Any) -> tuple[Any, Any, Any]:
    """(assessment, a, b) from an Assessment or a pair of states."""
    from .build import _is_assessment

    if _is_assessment(assessment_or_pair):
        return assessment_or_pair, None, None
    if isinstance(assessment_or_pair, (tuple, list)) and len(assessment_or_pair) == 2:
        return None, assessment_or_pair[0], assessment_or_pair[1]
    raise InputError("write_report needs an Assessment or a pair of states such as ('CHN', 'RUS')")


def report_html(assessment_or_pair: Any, *, third: Any = None, generated: str | None = None,
                start: int | None = None, end: int | None = None, config: Any = None,
                extra_claims: str | os.PathLike | None = None, seeds: bool = True, store: Any = None,
                progress: Callable[[str], None] | None = None) -> str:
    """The report page for an Assessment or a pair of states, as a string."""
    from .build import build_report as _build

    assessment, a, b = _split_target(assessment_or_pair)
    rep = _build(a, b, start=start, end=end, third=third, config=config, assessment=assessment,
                 extra_claims=extra_claims, seeds=seeds, store=store, progress=progress)
    if progress:
        progress("writing the page")
    return rep.render(generated=generated if generated is not None else _now(), store=store)


def check_writable(path: str | os.PathLike, *, inputs=None) -> Path:
    """Fail early (one clear line) when ``path`` cannot receive the report: see
    :func:`powergap.outputs.check_output` (``inputs``: files the page is made from)."""
    from ..outputs import check_output

    return check_output(path, inputs=inputs, what="the report")


def write_atomic(path: str | os.PathLike, text: str, *, inputs=None) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same directory and
    ``os.replace``: readers never see half a page, and a failure leaves nothing behind."""
    from ..outputs import write_text_output

    return write_text_output(path, text, inputs=inputs, what="the report")


def write_report(assessment_or_pair: Any, path: str | os.PathLike, *, third: Any = None,
                 generated: str | None = None, start: int | None = None, end: int | None = None,
                 config: Any = None, extra_claims: str | os.PathLike | None = None, seeds: bool = True,
                 store: Any = None, progress: Callable[[str], None] | None = None) -> Path:
    """Write the report page for an Assessment (or a pair of states) to ``path``.

    Parameters
    ----------
    assessment_or_pair : an :class:`~powergap.assessment.Assessment` (its pair, years and
        config are used, nothing is recomputed) or a pair such as ``("CHN", "RUS")``.
    path : the file to write (atomically; the directory must exist): ``.html`` for the page,
        ``.pdf`` for the page printed by headless Chromium (:func:`write_pdf`).
    third : the third state of the triangle (default: the major power other than the pair
        with the largest military expenditure; see :func:`powergap.report.build.default_third`).
    generated : the text of the generation-time element (default: the current UTC time).
        Fix it to get byte-identical pages from the same snapshot.
    start, end, config : for a pair: passed to :func:`powergap.assess`.
    extra_claims : a claim file checked in addition to the seed claims that apply.

    Returns
    -------
    Path
        The file written.
    """
    inputs = {"the config": config, "the claim file": extra_claims}
    if output_format(path) == "pdf":
        _chromium()  # before the work: one line if the PDF cannot be printed here
    check_writable(path, inputs=inputs)  # before minutes of work, not after
    html = report_html(assessment_or_pair, third=third, generated=generated, start=start, end=end, config=config,
                       extra_claims=extra_claims, seeds=seeds, store=store, progress=progress)
    return write_any(path, html, inputs=inputs)


def assessment_html(assessment: Any) -> str:
    """A compact HTML fragment for Jupyter: the summary and the stage timeline as a table.

    No scripts and no chart libraries (the full page with charts is
    ``assessment.report(path)``); every text is escaped.
    """
    from .page import Markup, esc, table_html
    import pandas as pd

    rows = []
    for y in assessment.years:
        s = y.stage if y.stage in ("none", "potential", "emerging", "actual") else "none"
        rows.append({"Year": str(y.year), "Stronger": y.stronger or "none",
                     "Stage": Markup(f"<span class='stage stage-{s}'>{esc(y.stage_text)}</span>"),
                     "Evidence reaches": y.evidence_reach, "Korolev's order": y.korolev or "no data"})
    table = table_html(pd.DataFrame(rows), max_rows=400) if rows else Markup("<p>no years assessed</p>")
    style = ("<style>.pg-assess .stage-potential{color:#8a5a00}.pg-assess .stage-emerging{color:#a33f00}"
             ".pg-assess .stage-actual{color:#b3261e}.pg-assess .tablewrap{max-height:24rem;overflow:auto}"
             ".pg-assess td.num{text-align:right}</style>")
    return (f"<div class=pg-assess>{style}<p><strong>{esc(assessment.state_a.name)} and "
            f"{esc(assessment.state_b.name)}, {esc(assessment.start)}-{esc(assessment.end)}</strong></p>"
            f"<p>{esc(assessment.summary())}</p>{table}"
            f"<p style='color:#57606a;font-size:.9em'>Full report with charts: "
            f"<code>assessment.report(&quot;report.html&quot;)</code></p></div>")
