"""GDELT-derived event data: a monthly dyadic composite score (2018-01 to 2023-06, 20
countries; NON-COMMERCIAL licence) and a one-year country snapshot (2025-02 to 2026-02).

Monthly composite score (source ``gdelt_monthly``, embed=False). G. Zemo's index from
GDELT 2.0 events whose two actors are coded as bare countries: each event contributes

    e = G + s * (0.025 * NumSources + 0.01 * NumArticles) + 0.01 * AvgTone,

with G the Goldstein score and s = sign(G) (when G = 0, s = sign(AvgTone), and e = 0 if
both are 0); events are summed per day for the unordered pair, and the month's value is
the mean of the non-zero daily sums. Higher = more cooperative or intense, negative =
conflictual. The input was a filtered list of GDELT files, so levels depend on that
sampling: compare within the series only. The builder wrote 0 for a month with no
recorded event in the pair; such months are missing here, not a neutral score. Gives:

* table ``gdelt_monthly``: ``ccode1 < ccode2, month`` (``YYYY-MM``), ``score``;
* symmetric dyadic series ``gdelt_score``: the mean of the pair's monthly scores in the
  year (2023: January-June only).

The data are CC BY-NC-SA 4.0: the source is kept out of the shipped snapshot and is read
only by ``build(..., include_restricted=True)`` on a user's own copy.

Country snapshot (source ``gdelt_snapshot``; MIT, embedded). T. Gonzalez's 12-month
aggregation for 60 countries; the script that built it is not public, so its rules are
undocumented (low authority; descriptive use only). Gives:

* table ``gdelt_snapshot``: directed partner rows as published (each country's top 5-10
  partners): ``ccode1`` (the country), ``ccode2`` (the partner), ``events``,
  ``cooperative``, ``conflictual``, ``cooperation_ratio``, ``avg_tone``, ``period``;
* table ``gdelt_snapshot_countries``: ``ccode``, ``events``, ``cooperative``, ``neutral``,
  ``conflictual``, ``cooperation_ratio``, ``goldstein_avg``, ``avg_tone``,
  ``article_volume``, ``period``.

Partners without a COW state (``PAL``, Palestine) are left out.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_unique, read_csv, require_file, to_numeric
from .pew import iso3_ccodes_strict

MONTHLY_FILE = "gdelt_monthly_dyadic_score_gzemo/gdelt_composite_edge_dyad_month_2018-01_2023-06_focus20.csv"
SNAPSHOT_FILE = "gdelt_country_snapshot_2025-26_worldcountrygroups/gdelt-data.json"
MONTHLY_COLS = ["month", "iso3_a", "iso3_b", "gdelt_composite_edge"]
SNAPSHOT_NON_STATES = ("PAL",)


def read_gdelt_monthly(raw: Path) -> SourceData:
    path = Path(raw) / MONTHLY_FILE
    label = path.name
    df = read_csv(path, columns=MONTHLY_COLS, usecols=MONTHLY_COLS.__contains__, dtype=str, keep_default_na=False)
    month = pd.to_datetime(df["month"].str.strip(), format="%Y-%m", errors="coerce")
    if month.isna().any():
        raise DataError(f"{label}: unparsable month {df.loc[month.isna(), 'month'].iloc[0]!r}")
    year = month.dt.year.astype("int64")
    score = to_numeric(df["gdelt_composite_edge"], label, "gdelt_composite_edge")
    a = iso3_ccodes_strict(df["iso3_a"], year, label=label, column="iso3_a").astype("int64")
    b = iso3_ccodes_strict(df["iso3_b"], year, label=label, column="iso3_b").astype("int64")
    if (a == b).any():
        raise DataError(f"{label}: a country paired with itself ({df.loc[a == b, 'iso3_a'].iloc[0]})")
    table = pd.DataFrame({"ccode1": np.minimum(a, b).astype("int16"), "ccode2": np.maximum(a, b).astype("int16"),
                          "month": month.dt.strftime("%Y-%m"), "score": score})
    check_unique(table, ["ccode1", "ccode2", "month"], label)
    # 0 is what the builder wrote for "no event this month" (nan_to_num), not a neutral score.
    table = table[table["score"].notna() & (table["score"] != 0)]
    table = table.sort_values(["ccode1", "ccode2", "month"], kind="mergesort").reset_index(drop=True)
    annual = (table.assign(year=table["month"].str.slice(0, 4).astype("int64"))
              .groupby(["ccode1", "ccode2", "year"], sort=True)["score"].mean().reset_index())
    dyad = pd.DataFrame({"series": "gdelt_score", "ccode1": annual["ccode1"].astype("int64"),
                         "ccode2": annual["ccode2"].astype("int64"), "year": annual["year"], "value": annual["score"]})
    return SourceData(dyad_year=dyad, tables={"gdelt_monthly": table})


def _number(value, label: str, where: str) -> float:
    if value is None:
        return float("nan")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DataError(f"{label}: {where} is not a number ({value!r})")
    return float(value)


def _counts(values: pd.Series, label: str, name: str) -> pd.Series:
    """Event and article counts: whole, non-negative numbers (nullable integers)."""
    v = values.dropna()
    if ((v < 0) | (v != v.round())).any():
        raise DataError(f"{label}: {name} must be a whole non-negative count")
    return values.astype("Int64")


def read_gdelt_snapshot(raw: Path) -> SourceData:
    path = require_file(Path(raw) / SNAPSHOT_FILE)
    label = path.name
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{label}: cannot be parsed ({type(exc).__name__})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("countries"), dict) or not isinstance(doc.get("_meta"), dict):
        raise DataError(f"{label}: expected an object with '_meta' and 'countries'")
    period = str(doc["_meta"].get("period", "")).strip()
    if not period:
        raise DataError(f"{label}: _meta has no period")
    # The snapshot is one window ending in the period's last month; codes are mapped as of then.
    try:
        year = int(period[-7:-3])
    except ValueError:
        raise DataError(f"{label}: cannot read the year from period {period!r}") from None

    countries, partners = [], []
    for iso, entry in sorted(doc["countries"].items()):
        try:
            ev, media, bil = entry["events"], entry["media"], entry["bilateral"]
        except (KeyError, TypeError):
            raise DataError(f"{label}: country {iso!r} lacks events, media or bilateral") from None
        where = f"country {iso}"
        try:
            countries.append({
                "iso3": iso,
                **{k: _number(ev[k], label, f"{where} events.{k}") for k in
                   ("total", "cooperative", "neutral", "conflictual", "cooperation_ratio", "goldstein_avg")},
                "avg_tone": _number(media["avg_tone"], label, f"{where} media.avg_tone"),
                "article_volume": _number(media["article_volume"], label, f"{where} media.article_volume"),
            })
            for p in bil:
                partners.append({"iso3": iso, "partner": str(p["partner"]),
                                 **{k: _number(p[k], label, f"{where} partner {p.get('partner')} {k}") for k in
                                    ("events", "cooperative", "conflictual", "cooperation_ratio", "avg_tone")}})
        except (KeyError, TypeError) as exc:
            raise DataError(f"{label}: {where} lacks field {exc}") from None

    c = pd.DataFrame(countries)
    c["ccode"] = iso3_ccodes_strict(c["iso3"], pd.Series(year, index=c.index), label=label, column="country")
    c = c.rename(columns={"total": "events"})
    c = c[["ccode", "events", "cooperative", "neutral", "conflictual", "cooperation_ratio", "goldstein_avg",
           "avg_tone", "article_volume"]].assign(period=period)
    c["ccode"] = c["ccode"].astype("int16")
    for k in ("events", "cooperative", "neutral", "conflictual", "article_volume"):
        c[k] = _counts(c[k], label, k)
    check_unique(c, ["ccode"], label)

    p = pd.DataFrame(partners)
    p = p[~p["partner"].str.upper().isin(SNAPSHOT_NON_STATES)]
    yr = pd.Series(year, index=p.index)
    p["ccode1"] = iso3_ccodes_strict(p["iso3"], yr, label=label, column="country").astype("int16")
    p["ccode2"] = iso3_ccodes_strict(p["partner"], yr, label=label, column="partner").astype("int16")
    p = p[["ccode1", "ccode2", "events", "cooperative", "conflictual", "cooperation_ratio", "avg_tone"]].assign(period=period)
    for k in ("events", "cooperative", "conflictual"):
        p[k] = _counts(p[k], label, k)
    if (p["ccode1"] == p["ccode2"]).any():
        raise DataError(f"{label}: a country listed as its own partner")
    check_unique(p, ["ccode1", "ccode2"], label)
    return SourceData(tables={
        "gdelt_snapshot": p.sort_values(["ccode1", "ccode2"]).reset_index(drop=True),
        "gdelt_snapshot_countries": c.sort_values("ccode").reset_index(drop=True),
    })


SOURCES = [
    Source(
        key="gdelt_monthly",
        title="GDELT monthly dyadic composite score, 20 countries, 2018-01 to 2023-06 (G. Zemo)",
        producer="Giacomo Zemo (M.Sc. Computational Social Science, Univ. of Trento 2023/24) from GDELT 2.0 Event data",
        version="gzemo/relations-of-power-between-countries timestepnet/ commit 5eb9dca2dad337536b47ab5c163df977f9f06973 "
                "(method: builder.py at c279d100c1b1455f625c1b5e99c5eb1ea37390d3); conversion + 20-country subset",
        citation="Giacomo Zemo, relations-of-power-between-countries (GitHub), from GDELT 2.0 Event data "
                 "(www.gdeltproject.org).",
        licence="repo LICENCE = CC BY-NC-SA 4.0 (non-commercial!); GDELT terms apply",
        url="https://github.com/gzemo/relations-of-power-between-countries",
        files=(MONTHLY_FILE,),
        read=read_gdelt_monthly,
        series=(
            SeriesSpec("gdelt_score", "GDELT composite event score for the pair (Zemo), annual mean of monthly values; "
                       "higher = more cooperative, negative = conflictual; 2023 = January-June",
                       "GDELT composite score (index, within-series comparison only)", "events",
                       dyadic=True, symmetric=True),
        ),
        tables=("gdelt_monthly",),
        embed=False,
        note=("Non-commercial licence (CC BY-NC-SA 4.0): not in the shipped snapshot; build with "
              "include_restricted=True from your own copy. Months with no recorded event (written as 0 by the "
              "builder) are missing. 190 pairs among CHN RUS USA IND JPN KOR PRK MNG KAZ KGZ TJK TKM UZB DEU FRA "
              "GBR UKR BLR IRN VNM."),
    ),
    Source(
        key="gdelt_snapshot",
        title="GDELT country snapshot 2025-02 to 2026-02 (worldcountrygroups)",
        producer="Tomas Gonzalez (worldcountrygroups site) from GDELT",
        version="tomasgonz/worldcountrygroups site/server/data/gdelt-data.json commit "
                "0512ccbfed3ccb371f6352fa8969cae6716bf66b (2026-03-04); _meta.last_updated 2026-03-01",
        citation="Tomas Gonzalez, worldcountrygroups, gdelt-data.json (GDELT Project data, period 2025-02 to 2026-02).",
        licence="repo MIT",
        url="https://github.com/tomasgonz/worldcountrygroups",
        files=(SNAPSHOT_FILE,),
        read=read_gdelt_snapshot,
        tables=("gdelt_snapshot", "gdelt_snapshot_countries"),
        note=("Low authority: the script that built the file is not public, so the aggregation rules are "
              "undocumented. 60 countries (no Central Asian states); partner lists are each country's top 5-10 "
              "partners only. Palestine (PAL) partner rows left out."),
    ),
]
