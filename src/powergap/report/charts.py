"""Vega-Lite chart specifications for the report, built with Altair.

Every chart here follows the same rules:

* colours from the Okabe-Ito palette (distinguishable with the common forms of colour
  blindness), and never colour alone: each series also has its own line dash and point
  shape, and the legend names it;
* hover shows the values (tooltips); clicking a legend entry highlights that series;
* the width follows the page (``width: "container"``), so charts fit a phone and a laptop;
* missing values are gaps, never zeros (``invalid: break-paths``);
* specs are deterministic: Altair's random parameter and view names are replaced by
  stable ones, so the same data give the same page bytes.

Altair and pandas are imported inside the functions: importing this module is cheap.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# Okabe & Ito (2008), "Color Universal Design", reordered so that the first colours have
# good contrast on white (the yellow comes last).
PALETTE: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
                            "#F0E442")
DASHES: tuple[tuple[int, ...], ...] = ((1, 0), (7, 3), (2, 2), (9, 3, 2, 3), (4, 4), (1, 3), (12, 3), (6, 2, 2, 2))
SHAPES: tuple[str, ...] = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-right",
                           "triangle-left")
STAGE_ORDER: tuple[str, ...] = ("none", "potential", "emerging", "actual")
RULE_COLOUR = "#444444"
HEIGHT = 260


@dataclass(frozen=True)
class Rule:
    """A horizontal reference line (a threshold) with its label."""

    value: float
    label: str


def _finite(v: Any) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


_AUTO_NAME = re.compile(r"\b(param|view)_[0-9a-f]{16}(?:_\d+)?\b|\bview_\d+\b|\bparam_\d+\b")


def stable_names(spec: dict) -> dict:
    """Replace Altair's generated parameter/view names (random or counted per process) by
    names numbered in order of appearance, so identical charts give identical specs."""
    text = json.dumps(spec, sort_keys=False)
    mapping: dict[str, str] = {}

    def repl(m: re.Match) -> str:
        name = m.group(0)
        if name not in mapping:
            kind = "param" if name.startswith("param") else "view"
            mapping[name] = f"pg_{kind}_{sum(1 for v in mapping.values() if v.startswith(f'pg_{kind}')) + 1}"
        return mapping[name]

    return json.loads(_AUTO_NAME.sub(repl, text))


def _finish(chart: Any) -> dict:
    chart = chart.configure_view(stroke=None).configure_axis(
        labelFontSize=11, titleFontSize=12, gridColor="#e6e6e6", labelColor="#333333", titleColor="#333333",
    ).configure_legend(labelFontSize=12, symbolSize=110, symbolStrokeWidth=2, labelLimit=360, orient="bottom",
                       direction="vertical", title=None)
    spec = chart.to_dict()
    spec["autosize"] = {"type": "fit-x", "contains": "padding", "resize": True}
    return stable_names(spec)


def _year_axis(start: int, end: int):
    import altair as alt

    span = max(end - start, 1)
    return alt.X("year:Q", title=None, scale=alt.Scale(domain=[start, end], nice=False, zero=False),
                 axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True, tickCount=min(span, 12)))


def _rules_layer(rules: Sequence[Rule], *, log: bool):
    import altair as alt
    import pandas as pd

    rows = [{"value": r.value, "label": r.label} for r in rules if _finite(r.value) is not None
            and (not log or r.value > 0)]
    if not rows:
        return None
    df = pd.DataFrame(rows)
    base = alt.Chart(df)
    line = base.mark_rule(strokeDash=[5, 4], color=RULE_COLOUR, strokeWidth=1.2).encode(
        y="value:Q", tooltip=[alt.Tooltip("label:N", title="Reference"), alt.Tooltip("value:Q", title="Value")])
    text = base.mark_text(align="left", baseline="bottom", dx=4, dy=-3, color=RULE_COLOUR, fontSize=11).encode(
        y="value:Q", x=alt.value(0), text="label:N")
    return line + text


def line_chart(df: "pd.DataFrame", *, start: int, end: int, series_order: Sequence[str], y_title: str,
               y_format: str = ".3~g", log: bool = False, rules: Sequence[Rule] = (),
               tooltip: Sequence[tuple[str, str, str]] = (), y_domain: Sequence[float] | None = None,
               height: int = HEIGHT, step: bool = False) -> dict:
    """Lines over years, one per series.

    Parameters
    ----------
    df : long frame with columns ``year``, ``series``, ``value`` (NaN/None = no data) and
        any columns named in ``tooltip``.
    series_order : the series in legend order (fixes colour, dash and shape).
    tooltip : extra ``(column, title, format)`` triples (format "" for text).
    log : a log scale (non-positive values are dropped: they cannot be drawn on it).
    """
    import altair as alt

    data = df.copy()
    data["value"] = [(_finite(v) if not log or (_finite(v) or 0) > 0 else None) for v in data["value"]]
    order = list(series_order)
    n = len(order)
    sel = alt.selection_point(name="pick", fields=["series"], bind="legend")
    legend = alt.Legend(title=None, orient="bottom", direction="vertical", symbolType="stroke")
    scale_kw: dict[str, Any] = {"type": "log"} if log else {"zero": False}
    if y_domain is not None:
        scale_kw["domain"] = list(y_domain)
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(**scale_kw), axis=alt.Axis(format=y_format, titlePadding=6))
    tips = [alt.Tooltip("series:N", title="Series"), alt.Tooltip("year:Q", title="Year", format="d"),
            alt.Tooltip("value:Q", title=y_title[:40], format=y_format)]
    tips += [alt.Tooltip(f"{c}:{'Q' if f else 'N'}", title=t, **({"format": f} if f else {})) for c, t, f in tooltip]
    color = alt.Color("series:N", scale=alt.Scale(domain=order, range=list(PALETTE[:n])), legend=legend, sort=order)
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=order, range=[list(d) for d in DASHES[:n]]),
                          legend=legend, sort=order)
    shape = alt.Shape("series:N", scale=alt.Scale(domain=order, range=list(SHAPES[:n])), legend=None, sort=order)
    opacity = alt.condition(sel, alt.value(1.0), alt.value(0.15))
    x = _year_axis(start, end)
    base = alt.Chart(data)
    lines = base.mark_line(strokeWidth=2.2, invalid="break-paths-show-domains",
                           interpolate="step-after" if step else "linear").encode(
        x=x, y=y, color=color, strokeDash=dash, opacity=opacity, detail="series:N")
    points = base.mark_point(filled=True, size=38).encode(
        x=x, y=y, color=alt.Color("series:N", scale=alt.Scale(domain=order, range=list(PALETTE[:n])), legend=None),
        shape=shape, opacity=opacity, tooltip=tips).transform_filter("isValid(datum.value)")
    layers = [lines.add_params(sel), points]
    rl = _rules_layer(rules, log=log)
    if rl is not None:
        layers.append(rl)
    chart = alt.layer(*layers).properties(width="container", height=height)
    return _finish(chart)


def band_chart(df: "pd.DataFrame", *, start: int, end: int, lo: str, hi: str, mid: str, lo_title: str,
               hi_title: str, mid_title: str, y_title: str, rules: Sequence[Rule] = (), log: bool = True,
               tooltip: Sequence[tuple[str, str, str]] = (), height: int = HEIGHT) -> dict:
    """A shaded range (``lo``..``hi``) with a line inside it (``mid``), over years."""
    import altair as alt

    data = df.copy()
    for c in (lo, hi, mid):
        data[c] = [(_finite(v) if not log or (_finite(v) or 0) > 0 else None) for v in data[c]]
    scale = alt.Scale(type="log") if log else alt.Scale(zero=False)
    x = _year_axis(start, end)
    tips = [alt.Tooltip("year:Q", title="Year", format="d"), alt.Tooltip(f"{lo}:Q", title=lo_title, format=".3~g"),
            alt.Tooltip(f"{mid}:Q", title=mid_title, format=".3~g"),
            alt.Tooltip(f"{hi}:Q", title=hi_title, format=".3~g")]
    tips += [alt.Tooltip(f"{c}:{'Q' if f else 'N'}", title=t, **({"format": f} if f else {})) for c, t, f in tooltip]
    base = alt.Chart(data)
    # The band's legend entry comes from a constant field so readers can name it.
    band = base.transform_calculate(kind=f"'{_js_text(lo_title)} to {_js_text(hi_title)}'").mark_area(
        opacity=0.28, invalid="break-paths-show-domains").encode(
        x=x, y=alt.Y(f"{lo}:Q", title=y_title, scale=scale, axis=alt.Axis(format=".3~g")), y2=f"{hi}:Q",
        color=alt.Color("kind:N", scale=alt.Scale(range=[PALETTE[5]]),
                        legend=alt.Legend(title=None, orient="bottom", symbolType="square")))
    edge_lo = base.mark_line(color=PALETTE[0], strokeDash=[2, 2], strokeWidth=1.2,
                             invalid="break-paths-show-domains").encode(x=x, y=f"{lo}:Q")
    edge_hi = base.mark_line(color=PALETTE[0], strokeDash=[2, 2], strokeWidth=1.2,
                             invalid="break-paths-show-domains").encode(x=x, y=f"{hi}:Q")
    line = base.transform_calculate(kind2=f"'{_js_text(mid_title)}'").mark_line(
        strokeWidth=2.2, point=alt.OverlayMarkDef(filled=True, size=36), invalid="break-paths-show-domains").encode(
        x=x, y=f"{mid}:Q", strokeDash=alt.StrokeDash("kind2:N", scale=alt.Scale(range=[[1, 0]]),
                                                      legend=alt.Legend(title=None, orient="bottom")),
        color=alt.value(PALETTE[1]), tooltip=tips)
    layers = [band, edge_lo, edge_hi, line]
    rl = _rules_layer(rules, log=log)
    if rl is not None:
        layers.append(rl)
    chart = alt.layer(*layers).resolve_scale(color="independent", strokeDash="independent").properties(
        width="container", height=height)
    return _finish(chart)


def stage_chart(df: "pd.DataFrame", *, start: int, end: int, height: int = 190) -> dict:
    """The stage of asymmetry per year on an ordered axis (none < potential < emerging <
    actual): the stage reached (solid, filled points) and how far the evidence reaches
    (dashed, open points). Columns: ``year``, ``stage``, ``reach``, ``stronger``, ``korolev``."""
    import altair as alt
    import pandas as pd

    rows = []
    for r in df.to_dict("records"):
        for series, col in (("stage reached", "stage"), ("evidence reaches", "reach")):
            rows.append({"year": r["year"], "series": series, "level": r[col],
                         "rank": STAGE_ORDER.index(r[col]) if r[col] in STAGE_ORDER else None,
                         "stage": r["stage"], "reach": r["reach"], "stronger": r.get("stronger") or "none",
                         "korolev": r.get("korolev") or ""})
    data = pd.DataFrame(rows)
    order = ["stage reached", "evidence reaches"]
    x = _year_axis(start, end)
    y = alt.Y("rank:Q", title=None, scale=alt.Scale(domain=[-0.3, 3.3], nice=False, zero=False),
              axis=alt.Axis(values=[0, 1, 2, 3], labelExpr="['none','potential','emerging','actual'][datum.value]",
                            grid=True, labelFontWeight="bold"))
    legend = alt.Legend(title=None, orient="bottom", direction="horizontal")
    color = alt.Color("series:N", scale=alt.Scale(domain=order, range=[PALETTE[1], PALETTE[0]]), legend=legend)
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=order, range=[[1, 0], [5, 3]]), legend=legend)
    tips = [alt.Tooltip("year:Q", title="Year", format="d"), alt.Tooltip("stage:N", title="Stage"),
            alt.Tooltip("reach:N", title="Evidence reaches"), alt.Tooltip("stronger:N", title="Stronger"),
            alt.Tooltip("korolev:N", title="Korolev order")]
    base = alt.Chart(data)
    lines = base.mark_line(interpolate="step-after", strokeWidth=2.2, invalid="break-paths-show-domains").encode(
        x=x, y=y, color=color, strokeDash=dash, detail="series:N")
    pts = base.mark_point(size=48, strokeWidth=1.6).encode(
        x=x, y=y, color=alt.Color("series:N", scale=alt.Scale(domain=order, range=[PALETTE[1], PALETTE[0]]), legend=None),
        fill=alt.condition("datum.series == 'stage reached'", alt.value(PALETTE[1]), alt.value("white")),
        shape=alt.Shape("series:N", scale=alt.Scale(domain=order, range=["circle", "diamond"]), legend=None),
        tooltip=tips).transform_filter("isValid(datum.rank)")
    chart = alt.layer(lines, pts).properties(width="container", height=height)
    return _finish(chart)


def _js_text(s: str) -> str:
    """Text for a single-quoted Vega expression string literal (labels we compose)."""
    return s.replace("\\", "\\\\").replace("'", "\\'")
