"""The report's section "How sure is this verdict?" (issue 15): stage shares per year over
every specification of the multiverse (:func:`powergap.multiverse`, in
:mod:`powergap.spec_curve`), the choices that move the verdict most, and one sentence a
reader can quote."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .charts import PALETTE, _spec, _tip
from .page import Figure, Section

ORDER = ["none", "potential", "emerging", "actual", "unassessed"]


def share_chart(df: pd.DataFrame, *, start: int, end: int, height: int = 200) -> dict:
    """Stacked bars: per year, the share of specifications at each stage (Vega-Lite)."""
    allr = df[df["choice"] == "all"]
    rows = [{"year": int(r["year"]), "stage": s, "share": float(r[s]), "n": int(r["n"]),
             "default": r["default_stage"] or "unassessed"}
            for r in allr.to_dict("records") for s in ORDER if r[s] > 0]
    colours = ["#d0d7de", PALETTE[0], PALETTE[4], PALETTE[1], "#f6f8fa"]
    x = {"field": "year", "type": "ordinal", "title": None, "sort": list(range(start, end + 1)),
         "scale": {"domain": list(range(start, end + 1))}, "axis": {"labelAngle": 0, "labelOverlap": True}}
    layer = {"data": {"name": "data"}, "mark": {"type": "bar", "stroke": "#8c959f", "strokeWidth": 0.3},
             "encoding": {"x": x,
                          "y": {"field": "share", "type": "quantitative", "stack": "normalize", "title": None,
                                "axis": {"format": ".0%"}},
                          "color": {"field": "stage", "type": "nominal", "sort": ORDER,
                                    "scale": {"domain": ORDER, "range": colours},
                                    "legend": {"title": None, "orient": "bottom", "direction": "horizontal",
                                               "columns": 3}},  # five entries fit a 390 px phone in 3 columns
                          "order": {"field": "rank", "type": "quantitative"},
                          "tooltip": [_tip("year", "Year", "d"), _tip("stage", "Stage"),
                                      _tip("share", "Share of specifications", ".1%"),
                                      _tip("default", "Default specification")]}}
    layer["transform"] = [{"calculate": "indexof(" + str(ORDER) + ", datum.stage)", "as": "rank"}]
    return _spec([layer], {"data": rows}, height=height)


def multiverse_section(df: pd.DataFrame, *, top: int = 6) -> Section:
    """The section from a :func:`powergap.multiverse` result."""
    attrs = df.attrs
    df = pd.DataFrame(df, copy=False)  # a view without the attrs, which pandas deep-copies at every step
    start, end = int(df["year"].min()), int(df["year"].max())
    n = attrs["n_specifications"]
    inf = attrs["influence"].head(top)
    last = df[df["year"] == end]
    rows: list[dict[str, Any]] = []
    for ch in inf["choice"]:
        for r in last[last["choice"] == ch].to_dict("records"):
            rows.append({"choice": ch.replace("_", " "), "option": r["option"],
                         **{s: f"{r[s]:.0%}" for s in ORDER}})
    table = pd.DataFrame(rows)
    influence = pd.DataFrame({"choice": inf["choice"].str.replace("_", " "),
                              "influence": inf["influence"].map(lambda v: f"{v:.2f}")})
    fig = Figure(id="multiverse-shares", spec=share_chart(df, start=start, end=end),
                 alt=f"Stacked bars: share of {n} specifications at each stage per year, {start}-{end}",
                 caption=(f"Share of {n:,} specifications at each stage per year (the space: "
                          "powergap/data/multiverse_space.yaml); the default configuration is one of them."),
                 table=table, numeric=frozenset(ORDER))
    return Section(id="multiverse", title="How sure is this verdict?", intro=attrs["sentence"],
                   figures=[fig], table=influence, numeric=frozenset({"influence"}),
                   caption=("Influence: the mean over years of the largest swing of a stage share between a "
                            f"choice's options (the numbers under the chart: stage shares in {end} with each "
                            "choice held at each option)."),
                   chart_section=True)
