"""A self-contained HTML page: sections of prose, charts and tables, no network at view time.

Charts are Vega-Lite specifications (built with Altair in :mod:`powergap.report.charts`)
rendered in the browser by the Vega libraries, which ``vl-convert-python`` bundles; the
bundle is inlined once per page and every chart's spec sits in one JSON block. Every piece
of text that comes from data or files is escaped here, in one place: callers pass plain
strings, never markup, except through :class:`Markup` for the few fragments the report
itself composes (and those fragments escape their own inputs with :func:`esc`).

The page is deterministic: the same sections give the same bytes, except the one element
marked ``data-generated`` that holds the generation time.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pandas as pd


class Markup(str):
    """A string of HTML the report composed itself (already escaped)."""


def esc(value: Any) -> str:
    """Escape text for HTML (element content and quoted attributes); Markup passes through."""
    if isinstance(value, Markup):
        return str(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "&ndash;"
    return html.escape(str(value), quote=True)


def _missing(v: Any) -> bool:
    if v is None or v is pd.NA:
        return True
    try:
        return isinstance(v, float) and math.isnan(v)
    except TypeError:  # pragma: no cover - exotic scalars
        return False


NONE_SIDE = "one side has none"  # an infinite ratio: the weaker side's value is zero


def _plain(x: float, digits: int) -> str:
    """``x`` to ``digits`` significant digits in positional notation (never "1e+3" or
    "1.87e-05"), thousands separated, trailing zeros dropped."""
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    decimals = max(0, digits - 1 - mag)
    rounded = round(x, decimals)
    if rounded != 0 and math.floor(math.log10(abs(rounded))) > mag:  # 9.996 -> 10.0
        decimals = max(0, decimals - 1)
    text = f"{x:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt(v: Any, unit: str = "", digits: int = 3) -> str:
    """The one number formatter of the page (and of its tables, captions and claims).

    ``unit``: ``""`` a plain number; ``"share"`` a fraction shown as a percentage
    ("2.44%", "0.002%", never "0.00%" for a value that is not zero); ``"pct"`` a value
    already in percent; ``"ratio"`` a ratio of two sides (infinite: "one side has none");
    ``"usd"`` US dollars ("US$ 13.2 bn"); ``"count"`` a whole number ("1,234");
    ``"year"`` a year. ``digits`` significant digits. Missing values (None, NaN, NA) read
    "no data", never 0.
    """
    if _missing(v):
        return "no data"
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalars
        v = v.item()
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, str):
        return v
    x = float(v)
    if math.isinf(x):
        if unit == "ratio":
            return NONE_SIDE
        return "unbounded" if x > 0 else "-unbounded"
    if unit == "year":
        return str(int(x))
    if unit == "count":
        return f"{int(round(x)):,}"
    if unit == "share":
        return _plain(x * 100, digits) + "%"
    if unit == "pct":
        return _plain(x, digits) + "%"
    if unit == "usd":
        return "US$ " + _scaled(x, digits)
    if unit == "ratio":
        return _plain(x, digits)
    if isinstance(v, int):
        return f"{v:,}"
    return _scaled(x, digits) if abs(x) >= 1e6 else _plain(x, digits)


def _scaled(x: float, digits: int) -> str:
    for size, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(x) >= size:
            return f"{_plain(x / size, digits)} {word}"
    return _plain(x, digits)


def fmt_number(v: Any, digits: int = 3) -> str:
    """A plain number (see :func:`fmt`)."""
    return fmt(v, "", digits)


def fmt_share(v: Any, digits: int = 3) -> str:
    """A share in 0..1 as a percentage (see :func:`fmt`)."""
    return fmt(v, "share", digits)


def fmt_ratio(v: Any, digits: int = 3) -> str:
    """A ratio; infinite reads "one side has none" (see :func:`fmt`)."""
    return fmt(v, "ratio", digits)


_LONG_NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*\.\d{4,}(?:[eE][-+]?\d+)?(?![\w.])|(?<![\w.])-?\d(?:\.\d+)?[eE][-+]?\d+(?![\w.])")
_PLURAL = re.compile(r"\b(\d+) (\w+)\(s\)")
# one spelling per term on the page (the engine's texts use both): Dittmer's French term with
# its accents, British "defence" (ATOP's "defense" pacts keep their name in the catalog)
_SPELLING = ((re.compile(r"\bmenage a trois\b"), "ménage à trois"), (re.compile(r"\bdefense\b"), "defence"))


def tidy_text(text: Any) -> str:
    """Text composed elsewhere (the engine's details and thresholds, notes) made readable:
    unrounded numbers ("0.39956140350877195", "1.87e-05") to :func:`fmt`'s significant
    digits, "14 year(s)" to "14 years", and one spelling per term ("ménage à trois")."""
    if not isinstance(text, str) or isinstance(text, Markup):
        return text
    text = _LONG_NUMBER.sub(lambda m: _plain(float(m.group(0).replace(",", "")), 3), text)
    for pattern, spelling in _SPELLING:
        text = pattern.sub(spelling, text)
    return _PLURAL.sub(lambda m: f"{m.group(1)} {m.group(2)}{'' if m.group(1) == '1' else 's'}", text)


@dataclass
class Figure:
    """One chart with its caption, sources and the numbers behind it.

    ``spec`` is a Vega-Lite specification; when it is None the figure shows ``missing``
    (words such as "no data for ... in ...") instead of an empty chart.
    """

    id: str
    spec: dict | None
    alt: str = ""
    caption: str = ""
    sources: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    numeric: frozenset[str] = frozenset()  # table columns to right-align
    missing: str = ""
    table_sources: list[str] = field(default_factory=list)  # the table's, where it shows more than the chart


@dataclass
class Section:
    id: str
    title: str
    intro: str = ""
    figures: list[Figure] = field(default_factory=list)
    table: pd.DataFrame | None = None   # a table shown open (sections without charts)
    numeric: frozenset[str] = frozenset()
    caption: str = ""
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # "no data for ..." and other caveats
    blocks: list[Markup] = field(default_factory=list)  # extra composed HTML (after the figures)
    chart_section: bool = False  # the section's job is a chart (tests check one is drawn)

    @property
    def charts(self) -> list[Figure]:
        return [f for f in self.figures if f.spec is not None]


CSS = """
:root{--fg:#1b1f24;--muted:#57606a;--bg:#fff;--accent:#0b5cad;--line:#d0d7de;--ok:#1a7f37;--warn:#8a5a00;--bad:#b3261e;--soft:#f6f8fa}
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);background:var(--bg);margin:0}
main{max-width:980px;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.7rem;line-height:1.25;margin:.6rem 0}h2{font-size:1.3rem;margin:2.2rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
h3{font-size:1.05rem;margin:1.2rem 0 .3rem}
.lede{color:var(--muted);margin:.2rem 0 1rem}
.summary{background:var(--soft);border-left:4px solid var(--accent);padding:.75rem 1rem;margin:1rem 0}
.summary p{margin:.4rem 0}
.muted,figcaption,.meta{color:var(--muted);font-size:.9rem}
.srcs{font-size:.82rem}
.note{background:#fff8e5;border-left:4px solid #d4a72c;padding:.4rem .75rem;margin:.5rem 0;font-size:.92rem}
figure{margin:1rem 0 1.25rem}
.chart{width:100%;min-height:60px}
.chart svg{max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:.86rem;margin:.5rem 0}
th,td{border-bottom:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:var(--soft);position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.tablewrap{overflow:auto;max-height:30rem;border:1px solid var(--line);border-radius:4px}
.tablewrap table{margin:0}
details{margin:.5rem 0}summary{cursor:pointer;color:var(--accent)}summary .what{color:var(--muted);font-size:.85rem}
.tablewrap th:first-child,.tablewrap td:first-child{position:sticky;left:0;background:var(--bg);z-index:1}
.tablewrap th:first-child{background:var(--soft);z-index:2}h1{text-wrap:balance}
.stage{font-weight:600;white-space:nowrap}
.stage-none{color:var(--muted)}.stage-potential{color:var(--warn)}.stage-emerging{color:#a33f00}.stage-actual{color:var(--bad)}
.verdict{font-weight:600;white-space:nowrap}
.verdict-supported{color:var(--ok)}.verdict-contradicted{color:var(--bad)}.verdict-unverifiable{color:var(--muted)}
ol.claims{list-style:none;padding:0;margin:.5rem 0;display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,27rem),1fr));gap:.6rem}
li.claim{border:1px solid var(--line);border-radius:6px;padding:.5rem .8rem;margin:0;break-inside:avoid;min-width:0}
.claim-head{margin:.1rem 0}.claim-id{font-size:.8rem;color:var(--muted);word-break:break-all}
blockquote.claim-text{margin:.35rem 0;padding-left:.7rem;border-left:3px solid var(--line);font-style:italic}
li.claim dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:.3rem 0;font-size:.88rem}
li.claim dt{color:var(--muted)}li.claim dd{margin:0;overflow-wrap:anywhere}
details.claimgroup>summary>h3{display:inline}
@media (max-width:640px){li.claim dl{grid-template-columns:1fr}li.claim dt{margin-top:.2rem}}
nav ol{columns:2;font-size:.92rem;padding-left:1.4rem}
pre{background:var(--soft);padding:.75rem;overflow:auto;font-size:.82rem;border-radius:4px;max-height:32rem}
ol.sources li{margin:.35rem 0;overflow-wrap:anywhere}
main{overflow-wrap:break-word}
footer{margin-top:2.5rem;border-top:1px solid var(--line)}
a{color:var(--accent)}
@media (max-width:640px){body{font-size:15px}nav ol{columns:1}main{padding:.5rem .75rem 2rem}h1{font-size:1.4rem}table{font-size:.8rem}
.tablewrap table{min-width:34rem}}
@media print{nav{display:none}.tablewrap{max-height:none;overflow:visible;border:0}
th{position:static}h2{break-after:avoid}figure,tr{break-inside:avoid}main{max-width:none;padding:0}}
"""

EMBED_SNIPPET = """
const specs = JSON.parse(document.getElementById('pg-chart-specs').textContent);
for (const [id, spec] of Object.entries(specs)) {
  const el = document.getElementById(id);
  const label = el.getAttribute('aria-label');
  vegaEmbed(el, spec, {actions: false, renderer: 'svg'})
    .then(() => {
      // vega-embed labels its container "Vega visualization": give the chart its own words back
      el.setAttribute('aria-label', label);
      el.setAttribute('data-rendered', 'true');
    })
    .catch(err => { el.textContent = 'Chart could not be drawn: ' + err; console.error(err); });
}
"""


def _bundle_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "powergap" / "report"


@functools.lru_cache(maxsize=1)
def vega_bundle() -> str:
    """The Vega, Vega-Lite and Vega-Embed libraries as one inline ES module (about 0.9 MB).

    ``vl-convert`` compiles the bundle in several seconds, so it is cached per user
    (``$XDG_CACHE_HOME/powergap/report``), keyed by the vl-convert version and the embed
    snippet; an unwritable cache only costs the time.
    """
    import vl_convert as vlc

    # The chart specs are Vega-Lite 6: bundle the newest 6.x this vl-convert ships.
    sixes = [v for v in vlc.get_vegalite_versions() if v.split(".")[0] == "6"]
    vl_version = max(sixes, key=lambda v: tuple(int(x) for x in v.split("."))) if sixes else None
    key = hashlib.sha256(f"{vlc.__version__}\n{vl_version}\n{EMBED_SNIPPET}".encode()).hexdigest()[:16]
    path = _bundle_cache_dir() / f"vega-bundle-{key}.js"
    try:
        text = path.read_text(encoding="utf-8")
        if text:
            return text
    except OSError:
        pass
    text = vlc.javascript_bundle(EMBED_SNIPPET, vl_version=vl_version) if vl_version else \
        vlc.javascript_bundle(EMBED_SNIPPET)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".vega-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in path.parent.glob("vega-bundle-*.js"):  # bundles of other versions
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # no cache: the next page compiles the bundle again
    return text


def script_json(obj: Any) -> str:
    """JSON safe inside a <script> element: every ``<``, ``>`` and ``&`` is a JSON
    escape, so no data value can close the element or open a comment."""
    text = json.dumps(obj, separators=(",", ":"), allow_nan=False, default=str, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def table_html(df: pd.DataFrame, *, max_rows: int = 1000, numeric: Iterable[str] = (),
               caption: str = "") -> Markup:
    """An HTML table; every cell is escaped (Markup cells pass through as composed HTML).

    Numbers are formatted with :func:`fmt_number`; columns named in ``numeric`` (and
    numeric cells) are right-aligned.
    """
    num = set(numeric)
    head = "".join(f"<th scope=col>{esc(c)}</th>" for c in df.columns)
    rows = []
    cols = list(df.columns)
    for rec in df.head(max_rows).itertuples(index=False):
        cells = []
        for c, v in zip(cols, rec):
            if isinstance(v, Markup):
                cells.append(f"<td>{v}</td>")
            elif (isinstance(v, (int, float)) or hasattr(v, "dtype")) and not isinstance(v, (bool, str)):
                cells.append(f"<td class=num>{esc(fmt(v))}</td>")
            elif _missing(v):
                cells.append(f"<td{' class=num' if c in num else ''}>no data</td>")
            else:
                cells.append(f"<td{' class=num' if c in num else ''}>{_unbroken_years(esc(tidy_text(v)))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = f"<p class=muted>{len(df) - max_rows} more rows not shown.</p>" if len(df) > max_rows else ""
    cap = f"<caption class=muted>{esc(caption)}</caption>" if caption else ""
    return Markup(f"<div class=tablewrap><table>{cap}<thead><tr>{head}</tr></thead>"
                  f"<tbody>{''.join(rows)}</tbody></table></div>{more}")


def _unbroken_years(text: str) -> str:
    # "1995-2024" must not break after the hyphen: a non-breaking hyphen joins the years
    return re.sub(r"(\d{4})-(\d{4})", "\\1\u2011\\2", text)


def _sources_line(sources: list[str]) -> str:
    return (" <span class=srcs>Sources: " + esc("; ".join(sources)) + ".</span>") if sources else ""


def _numbers_toggle(fig: Figure) -> str:
    # each toggle names its chart: a screen reader's list of controls tells them apart
    what = fig.alt or fig.caption or fig.id
    return (f"<details class=numbers><summary>Show the numbers<span class=what>: {esc(what)}</span></summary>"
            f"{table_html(fig.table, numeric=fig.numeric)}"
            + (f"<p class=meta>{_sources_line(fig.table_sources).strip()}</p>" if fig.table_sources else "")
            + "</details>")


def _figure_html(fig: Figure) -> str:
    cap = f"{esc(tidy_text(fig.caption))}{_sources_line(fig.sources)}"
    if fig.spec is None:
        body = f"<p class=note>{esc(tidy_text(fig.missing or 'No data for this chart.'))}</p>"
        body += f"<p class=meta>{cap}</p>" if cap else ""
        if fig.table is not None and not fig.table.empty:
            body += _numbers_toggle(fig)
        return f"<figure id='fig-{esc(fig.id)}' class=nodata>{body}</figure>"
    parts = [f"<figure id='fig-{esc(fig.id)}'>",
             f"<div class=chart id='chart-{esc(fig.id)}' role=img aria-label='{esc(fig.alt or fig.caption)}'></div>",
             f"<figcaption>{cap}</figcaption>"]
    if fig.table is not None and not fig.table.empty:
        parts.append(_numbers_toggle(fig))
    parts.append("</figure>")
    return "".join(parts)


def render_page(*, title: str, summary: Iterable[str], sections: list[Section], footer: list[Markup],
                generated: str, lede: str = "", lang: str = "en",
                footer_entries: Iterable[tuple[str, str]] = ()) -> str:
    """The whole page as one string. ``generated`` is the only part that varies between runs
    on the same data; it sits in one clearly marked element (``data-generated``)."""
    specs: dict[str, dict] = {}
    for s in sections:
        for f in s.charts:
            key = f"chart-{f.id}"
            if key in specs:
                raise ValueError(f"two figures share the id {f.id!r}")
            # Vega gives the chart's SVG this description as its aria-label (instead of
            # "Vega visualization"); the page script also restores the container's label
            specs[key] = {**f.spec, "description": f.alt or f.caption or f.id}
    entries = [(s.id, s.title) for s in sections] + list(footer_entries)
    nav = "".join(f"<li><a href='#{esc(i)}'>{esc(t)}</a></li>" for i, t in entries)
    body = []
    for s in sections:
        attrs = " data-chart-section" if s.chart_section else ""
        parts = [f"<section id='{esc(s.id)}'{attrs}><h2>{esc(s.title)}</h2>"]
        if s.intro:
            parts.append(f"<p>{esc(tidy_text(s.intro))}</p>")
        for n in s.notes:
            parts.append(f"<p class=note>{esc(tidy_text(n))}</p>")
        parts.extend(_figure_html(f) for f in s.figures)
        parts.extend(str(b) for b in s.blocks)
        if s.table is not None and not s.table.empty:
            parts.append(table_html(s.table, numeric=s.numeric))
        if s.caption or s.sources:
            parts.append(f"<p class=meta>{esc(s.caption)}{_sources_line(s.sources)}</p>")
        parts.append("</section>")
        body.append("".join(parts))
    summary_html = "".join(f"<p>{esc(tidy_text(p))}</p>" for p in summary)
    # Closed <details> do not print: open them all for printing (a plain inline script,
    # no network).
    scripts = ("<script>addEventListener('beforeprint',()=>document.querySelectorAll('details')"
               ".forEach(d=>d.open=true));</script>")
    if specs:
        scripts += (f"<script type='application/json' id='pg-chart-specs'>{script_json(specs)}</script>"
                    f"<script type='module'>{vega_bundle()}</script>")
    lede_html = f"<p class=lede>{esc(lede)}</p>" if lede else ""
    return ("<!doctype html>\n"
            f"<html lang={esc(lang)}><head><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>"
            f"<h1>{_unbroken_years(esc(title))}</h1>{lede_html}<div class=summary id=summary>{summary_html}</div>"
            f"<nav aria-label='Contents'><ol>{nav}</ol></nav>{''.join(body)}"
            f"<footer>{''.join(str(f) for f in footer)}"
            f"<p class=meta id=generated>Generated: <span data-generated>{esc(generated)}</span> "
            "(the only part of this page that changes between runs on the same data)</p></footer>"
            f"</main>{scripts}</body></html>\n")
