"""Vega-Lite chart specifications for the report.

The specs are written as Vega-Lite JSON (plain dicts) and drawn in the browser by the
Vega libraries that ``vl-convert-python`` bundles (:func:`powergap.report.page.vega_bundle`).
They were first built with Altair, which produced the same specs but took 0.1-0.25 s per
chart (it copies and hashes its schema objects on every call): 2.5 s of a report's time
for eleven charts, against about a millisecond here. The tests validate every spec the
report makes against the Vega-Lite schema (through Altair's copy of it).

Every chart follows the same rules:

* colours from the Okabe-Ito palette (distinguishable with the common forms of colour
  blindness), and never colour alone: each series also has its own line dash and point
  shape, and the legend names it;
* hover shows the values (tooltips); clicking a legend entry highlights that series;
* the width follows the page (``width: "container"``), so charts fit a phone and a laptop;
* missing values are gaps, never zeros (``invalid: "break-paths-show-domains"``);
* the same data give the same spec (no generated names), so pages are reproducible.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier: never fetched

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
# Axis formats (d3-format): significant digits in positional notation, never "1e+3"; shares
# as percentages with two significant digits, so ticks 0.5%, 1%, 1.5% stay distinct.
NUMBER_FORMAT = ",.3~r"
SHARE_FORMAT = ".2~p"

CONFIG = {
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e6e6e6", "labelColor": "#333333",
             "titleColor": "#333333"},
    "legend": {"labelFontSize": 12, "symbolSize": 110, "symbolStrokeWidth": 2, "labelLimit": 360},
    "text": {"font": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"},
}


@dataclass(frozen=True)
class Rule:
    """A horizontal reference line (a threshold) with its label, drawn above or below it."""

    value: float
    label: str
    below: bool = False


def _finite(v: Any) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _positive(v: Any) -> float | None:
    f = _finite(v)
    return f if f is not None and f > 0 else None


def _num_inf(v: Any) -> bool:
    try:
        return math.isinf(float(v)) and float(v) > 0
    except (TypeError, ValueError):
        return False


def _is_na(v: Any) -> bool:
    import pandas as pd

    return v is pd.NA or v is pd.NaT


def records(df: "pd.DataFrame") -> list[dict]:
    """Rows as JSON-ready dicts: NaN/NA -> None, numpy scalars -> Python numbers."""
    out = []
    cols = list(df.columns)
    for row in df.itertuples(index=False, name=None):
        rec = {}
        for c, v in zip(cols, row):
            if hasattr(v, "item") and not isinstance(v, (str, bytes)):
                v = v.item()
            if v is None or (isinstance(v, float) and not math.isfinite(v)) or _is_na(v):
                v = None
            elif not isinstance(v, (bool, int, float, str)):
                v = str(v)  # other objects as text
            rec[str(c)] = v
        out.append(rec)
    return out


def _spec(layers: list[dict], datasets: dict[str, list[dict]], *, height: int, **extra: Any) -> dict:
    spec = {"$schema": SCHEMA, "width": "container", "height": height,
            "autosize": {"type": "fit-x", "contains": "padding", "resize": True},
            "config": CONFIG, "layer": layers}
    spec.update(extra)
    spec["datasets"] = datasets
    return spec


def _year_x(start: int, end: int) -> dict:
    span = max(end - start, 1)
    return {"field": "year", "type": "quantitative", "title": None,
            "scale": {"domain": [start, end], "nice": False, "zero": False},
            "axis": {"format": "d", "tickMinStep": 1, "labelOverlap": True, "tickCount": min(span, 12)}}


def _tip(field: str, title: str, fmt: str = "") -> dict:
    t: dict[str, Any] = {"field": field, "type": "quantitative" if fmt else "nominal", "title": title}
    if fmt:
        t["format"] = fmt
    return t


def _rule_layers(rules: Sequence[Rule], *, log: bool) -> tuple[list[dict], list[dict]]:
    rows = [{"value": r.value, "label": r.label, "below": r.below} for r in rules
            if _finite(r.value) is not None and (not log or r.value > 0)]
    if not rows:
        return [], []
    data = {"name": "rules"}
    line = {"data": data, "mark": {"type": "rule", "strokeDash": [5, 4], "color": RULE_COLOUR, "strokeWidth": 1.2},
            "encoding": {"y": {"field": "value", "type": "quantitative"},
                         "tooltip": [_tip("label", "Reference"), _tip("value", "Value", NUMBER_FORMAT)]}}
    layers = [line]
    for below in (False, True):
        if not any(r["below"] == below for r in rows):
            continue
        # the label sits on a white halo (a stroked copy drawn first), so a line passing
        # under it does not make it unreadable
        for halo in (True, False):
            mark = {"type": "text", "align": "left", "baseline": "top" if below else "bottom", "dx": 4,
                    "dy": 3 if below else -3, "color": RULE_COLOUR, "fontSize": 11}
            if halo:
                mark.update({"color": "white", "stroke": "white", "strokeWidth": 4, "strokeJoin": "round"})
            layers.append({
                "data": data, "transform": [{"filter": f"datum.below == {str(below).lower()}"}],
                "mark": mark,
                "encoding": {"y": {"field": "value", "type": "quantitative"}, "x": {"value": 0},
                             "text": {"field": "label", "type": "nominal"}}})
    return layers, rows


def _present(df: "pd.DataFrame", order: Sequence[str]) -> list[str]:
    """The series of ``order`` with at least one value to draw (a legend names no absent series)."""
    have = set(df.loc[df["value"].notna(), "series"])
    return [s for s in order if s in have]


def line_chart(df: "pd.DataFrame", *, start: int, end: int, series_order: Sequence[str], y_title: str,
               y_format: str = NUMBER_FORMAT, log: bool = False, rules: Sequence[Rule] = (),
               tooltip: Sequence[tuple[str, str, str]] = (), y_domain: Sequence[float] | None = None,
               height: int = HEIGHT, step: bool = False, styles: Sequence[int] | None = None,
               zero: bool = False) -> dict:
    """Lines over years, one per series.

    Parameters
    ----------
    df : long frame with columns ``year``, ``series``, ``value`` (NaN/None = no data) and
        any columns named in ``tooltip``.
    series_order : the series in legend order (fixes colour, dash and shape); series without
        any value to draw are left out of the chart and its legend.
    styles : for each series of ``series_order``, the index of its colour, dash and shape
        (default: its position), so that one quantity keeps its colour on every page even
        when some series are absent.
    tooltip : extra ``(column, title, format)`` triples (format "" for text).
    log : a log scale (non-positive values are left out: they cannot be drawn on it).
    zero : the axis starts at zero (shares: every page draws them from 0%).
    """
    data = df.copy()
    data["value"] = [(_positive(v) if log else _finite(v)) for v in data["value"]]
    style_of = dict(zip(series_order, styles if styles is not None else range(len(series_order))))
    order = _present(data, series_order) or list(series_order)
    data = data[data["series"].isin(order)]
    idx = [style_of[s] % len(PALETTE) for s in order]
    scale: dict[str, Any] = {"type": "log"} if log else {"zero": bool(zero)}
    if y_domain is not None:
        scale["domain"] = list(y_domain)
    y = {"field": "value", "type": "quantitative", "title": y_title, "scale": scale,
         "axis": {"format": y_format, "titlePadding": 6, "labelOverlap": "greedy"}}
    legend = {"title": None, "orient": "bottom", "direction": "vertical", "symbolSize": 90}
    color = {"field": "series", "type": "nominal", "sort": order,
             "scale": {"domain": order, "range": [PALETTE[i] for i in idx]}, "legend": legend}
    dash = {"field": "series", "type": "nominal", "sort": order,
            "scale": {"domain": order, "range": [list(DASHES[i]) for i in idx]}, "legend": legend}
    opacity = {"condition": {"param": "pick", "value": 1.0, "empty": True}, "value": 0.15}
    x = _year_x(start, end)
    tips = [_tip("series", "Series"), _tip("year", "Year", "d"), _tip("value", y_title[:48], y_format)]
    tips += [_tip(c, t, f) for c, t, f in tooltip]
    lines = {"data": {"name": "data"},
             "mark": {"type": "line", "strokeWidth": 2.2, "invalid": "break-paths-show-domains",
                      "interpolate": "step-after" if step else "linear"},
             "params": [{"name": "pick", "select": {"type": "point", "fields": ["series"]}, "bind": "legend"}],
             "encoding": {"x": x, "y": y, "color": color, "strokeDash": dash, "opacity": opacity,
                          "detail": {"field": "series", "type": "nominal"}}}
    # the points layer shares the lines' legend (same field, same properties): one legend whose
    # symbols show colour, dash and shape together, and no conflicting legend properties
    points = {"data": {"name": "data"}, "transform": [{"filter": "isValid(datum.value)"}],
              "mark": {"type": "point", "filled": True, "size": 40},
              "encoding": {"x": x, "y": y, "color": color,
                           "shape": {"field": "series", "type": "nominal", "sort": order,
                                     "scale": {"domain": order, "range": [SHAPES[i] for i in idx]},
                                     "legend": legend},
                           "opacity": opacity, "tooltip": tips}}
    rl, rrows = _rule_layers(rules, log=log)
    datasets = {"data": records(data)}
    if rrows:
        datasets["rules"] = rrows
    return _spec([lines, points, *rl], datasets, height=height)


def band_chart(df: "pd.DataFrame", *, start: int, end: int, lo: str, hi: str, mid: str, lo_title: str,
               hi_title: str, mid_title: str, y_title: str, rules: Sequence[Rule] = (), log: bool = True,
               tooltip: Sequence[tuple[str, str, str]] = (), height: int = HEIGHT) -> dict:
    """A shaded range (``lo``..``hi``) with a line inside it (``mid``), over years.

    An infinite ``hi`` (one side has none of something) is drawn up to the top of the axis,
    a decade above the largest finite value, so the band is shaded for that year too.
    """
    data = df.copy()
    finite = [f for c in (lo, hi, mid) for f in (_positive(v) if log else _finite(v) for v in data[c])
              if f is not None]
    top = None
    if finite:
        top = 10 ** math.ceil(math.log10(max(finite)) + 1) if log else max(finite) * 1.5
    data[hi] = [top if (_num_inf(v) and top is not None) else v for v in data[hi]]
    for c in (lo, hi, mid):
        data[c] = [(_positive(v) if log else _finite(v)) for v in data[c]]
    scale = {"type": "log"} if log else {"zero": False}
    x = _year_x(start, end)
    tips = [_tip("year", "Year", "d"), _tip(lo, lo_title, NUMBER_FORMAT), _tip(mid, mid_title, NUMBER_FORMAT)] + \
        [_tip(c, t, f) for c, t, f in tooltip]
    band_label = f"{lo_title} to {hi_title}"
    band = {"data": {"name": "data"}, "transform": [{"calculate": json.dumps(band_label), "as": "kind"}],
            "mark": {"type": "area", "opacity": 0.3, "invalid": "break-paths-show-domains"},
            "encoding": {"x": x,
                         "y": {"field": lo, "type": "quantitative", "title": y_title, "scale": scale,
                               "axis": {"format": NUMBER_FORMAT, "labelOverlap": "greedy"}},
                         "y2": {"field": hi},
                         "color": {"field": "kind", "type": "nominal",
                                   "scale": {"domain": [band_label], "range": [PALETTE[5]]},
                                   "legend": {"title": None, "orient": "bottom", "symbolType": "square"}}}}
    edges = [{"data": {"name": "data"},
              "mark": {"type": "line", "color": PALETTE[0], "strokeDash": [2, 2], "strokeWidth": 1.2,
                       "invalid": "break-paths-show-domains"},
              "encoding": {"x": x, "y": {"field": c, "type": "quantitative"}}} for c in (lo, hi)]
    line = {"data": {"name": "data"}, "transform": [{"calculate": json.dumps(mid_title), "as": "kind2"}],
            "mark": {"type": "line", "strokeWidth": 2.2, "invalid": "break-paths-show-domains",
                     "point": {"filled": True, "size": 40}},
            "encoding": {"x": x, "y": {"field": mid, "type": "quantitative"},
                         "color": {"field": "kind2", "type": "nominal",
                                   "scale": {"domain": [mid_title], "range": [PALETTE[1]]},
                                   "legend": {"title": None, "orient": "bottom", "symbolType": "circle"}},
                         "tooltip": tips}}
    rl, rrows = _rule_layers(rules, log=log)
    datasets = {"data": records(data)}
    if rrows:
        datasets["rules"] = rrows
    return _spec([band, *edges, line, *rl], datasets, height=height,
                 resolve={"scale": {"color": "independent"}, "legend": {"color": "independent"}})


def stage_chart(df: "pd.DataFrame", *, start: int, end: int, height: int = 190) -> dict:
    """The stage of asymmetry per year on an ordered axis (none < potential < emerging <
    actual): the stage reached (solid line, filled circles) and how far the evidence
    reaches (dashed line, open diamonds). Columns: ``year``, ``stage``, ``reach``,
    ``stronger``, ``korolev``."""
    rows = []
    for r in df.to_dict("records"):
        for series, col in (("stage reached", "stage"), ("evidence reaches", "reach")):
            rows.append({"year": int(r["year"]), "series": series,
                         "rank": STAGE_ORDER.index(r[col]) if r[col] in STAGE_ORDER else None,
                         "stage": r["stage"], "reach": r["reach"], "stronger": r.get("stronger") or "none",
                         "korolev": r.get("korolev") or ""})
    order = ["stage reached", "evidence reaches"]
    colours = [PALETTE[1], PALETTE[0]]
    x = _year_x(start, end)
    y = {"field": "rank", "type": "quantitative", "title": None,
         "scale": {"domain": [-0.3, 3.3], "nice": False, "zero": False},
         "axis": {"values": [0, 1, 2, 3], "grid": True, "labelFontWeight": "bold",
                  "labelExpr": "['none', 'potential', 'emerging', 'actual'][datum.value]"}}
    legend = {"title": None, "orient": "bottom", "direction": "horizontal", "symbolType": "stroke",
              "symbolStrokeWidth": 2.5, "symbolSize": 300}
    tips = [_tip("year", "Year", "d"), _tip("stage", "Stage"), _tip("reach", "Evidence reaches"),
            _tip("stronger", "Stronger"), _tip("korolev", "Korolev's order")]
    lines = {"data": {"name": "data"},
             "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 2.2,
                      "invalid": "break-paths-show-domains"},
             "encoding": {"x": x, "y": y,
                          "color": {"field": "series", "type": "nominal", "sort": order,
                                    "scale": {"domain": order, "range": colours}, "legend": legend},
                          "strokeDash": {"field": "series", "type": "nominal", "sort": order,
                                         "scale": {"domain": order, "range": [[1, 0], [5, 3]]}, "legend": legend},
                          "detail": {"field": "series", "type": "nominal"}}}
    points = {"data": {"name": "data"}, "transform": [{"filter": "isValid(datum.rank)"}],
              "mark": {"type": "point", "size": 50, "strokeWidth": 1.6},
              "encoding": {"x": x, "y": y,
                           "color": {"field": "series", "type": "nominal", "sort": order,
                                     "scale": {"domain": order, "range": colours}, "legend": legend},
                           # filled circles for the stage, open diamonds for the reach, in the legend too
                           "fill": {"field": "series", "type": "nominal", "sort": order,
                                    "scale": {"domain": order, "range": [PALETTE[1], "white"]}, "legend": legend},
                           "shape": {"field": "series", "type": "nominal", "sort": order,
                                     "scale": {"domain": order, "range": ["circle", "diamond"]}, "legend": legend},
                           "tooltip": tips}}
    return _spec([lines, points], {"data": rows}, height=height)
