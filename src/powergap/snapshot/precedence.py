"""Where several sources measure the same thing, which one a combined series takes.

State-year series (``gdp_usd``, ``arms_*_tiv``): the first series in the chain with a value
for the state-year wins; later ones fill only state-years the earlier ones lack. Only series
in the same unit and concept are combined; every value keeps the source it came from (the
``source`` column).

* ``gdp_usd`` (GDP, current US$): World Bank WDI, then IMF WEO (Oct 2025 vintage, historical
  years only) for state-years WDI lacks (e.g. Taiwan, recent years).
* ``arms_exports_tiv``/``arms_imports_tiv``: SIPRI's own totals (all parties).
* ``gdp_ppp`` is not filled across sources: WDI (constant 2021 international $), PWT
  (2017 US$) and Maddison (2011 US$) use different price bases. They stay separate series
  (``gdp_ppp``, ``gdp_ppp_pwt``, ``rgdp_maddison``) and ``add_gdp`` reports them side by side.

Dyadic series (``trade_exports_usd``, directed, and ``trade_total_usd``, per pair): one
source per *pair-year* for both directions and the total (:func:`pair_precedence`). The
chain is IMF DOTS (1960-2020), then COW Dyadic Trade (1870-2014). For each non-directed pair
and year the first source in the chain that has both directions is used; if none has both,
the first that has either. The pair's other direction and total then come from that source
or are missing: a value (in particular a zero) from one source never fills a gap of another.

Zeros that are known artefacts (:func:`drop_unreported_zeros`): COW Trade v4.0 records 0
where neither partner's trade was reported, as well as for measured zero trade. In the years
the IMF DOTS tables cover (1960-2020; COW's own source for those years), a COW zero flow is
kept only when both states have their own DOTS table with partner lines that year; else it
is no report and is dropped (missing). So is a COW zero that the DOTS contradicts, with a
positive flow for the same pair and year in either direction (South Africa-Lesotho 1998-2009:
COW 0 both ways, while Lesotho's exports to South Africa are in the DOTS; without this rule the
COW zeros, having both directions, would outrank the DOTS pair-year). Example: China-USSR 1960-1963, 0 both ways in COW,
when neither the USSR (its DOTS table for 1960-62 holds a single "Asia not specified" line
and none after) nor China (no table for 1960, 1962, 1963; in 1961 only market-economy
partners) reported that trade, which Soviet and Chinese statistics put at over a billion
US$ in 1960. Before 1960 COW zeros are kept as published (no reporter list to test them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..sources.base import SeriesSpec

# target series id -> (chain of series ids, highest precedence first; metadata for the
# target when no source declares it itself)
PRECEDENCE: dict[str, tuple[list[str], SeriesSpec | None]] = {
    "gdp_usd": (["gdp_usd", "gdp_usd_weo"], None),
    # Bilateral goods trade: IMF DOTS (1960-2020, reporter's exports FOB) first, then COW
    # Dyadic Trade v4.0 (1870-2014), chosen per pair-year (PAIRED, pair_precedence).
    "trade_exports_usd": (["trade_exports_usd_dots", "trade_exports_usd_cow"], SeriesSpec(
        "trade_exports_usd", "Exports of goods from the first state to the second: IMF DOTS, else COW, one "
        "source per pair-year for both directions", "current US$", "trade", dyadic=True)),
    "trade_total_usd": (["trade_total_usd_dots", "trade_total_usd_cow"], SeriesSpec(
        "trade_total_usd", "Goods trade between the two states, both directions, from the source of the "
        "pair-year's trade_exports_usd (IMF DOTS, else COW)", "current US$", "trade", dyadic=True, symmetric=True)),
    # SIPRI TIV only: Gapminder's copies are in different units (TIV units, not millions)
    # and a shorter range, so they stay separate series (arms_*_tiv_gm).
    "arms_exports_tiv": (["arms_exports_tiv_sipri"], SeriesSpec(
        "arms_exports_tiv", "Exports of major conventional arms, all recipients incl. non-state (SIPRI)",
        "SIPRI TIV (millions)", "arms")),
    "arms_imports_tiv": (["arms_imports_tiv_sipri"], SeriesSpec(
        "arms_imports_tiv", "Imports of major conventional arms, all suppliers incl. non-state (SIPRI)",
        "SIPRI TIV (millions)", "arms")),
}

# A symmetric (per-pair) combined series -> the directed combined series whose per-pair-year
# source choice it follows; chain positions correspond (DOTS total <-> DOTS exports, ...).
PAIRED: dict[str, str] = {"trade_total_usd": "trade_exports_usd"}

# Zero-artefact rule: series whose zeros count only where both states report to the IMF
# DOTS that year -> the DOTS series that lists the reporters (its ccode1 by year).
UNREPORTED_ZEROS: dict[str, str] = {"trade_exports_usd_cow": "trade_exports_usd_dots"}
# Totals built from those directed flows: dropped where a component was dropped.
TOTAL_OF: dict[str, str] = {"trade_total_usd_cow": "trade_exports_usd_cow"}


def _pair_key(df: pd.DataFrame) -> pd.DataFrame:
    a, b = df["ccode1"].to_numpy(), df["ccode2"].to_numpy()
    return pd.DataFrame({"lo": np.minimum(a, b), "hi": np.maximum(a, b), "year": df["year"].to_numpy()},
                        index=df.index)


def _take(parts: list[pd.DataFrame], choice: pd.DataFrame) -> pd.DataFrame:
    """Rows of each chain member for the pair-years where it is the chosen one."""
    out = []
    for rank, p in enumerate(parts):
        mine = choice.loc[choice["rank"] == rank, ["lo", "hi", "year"]]
        idx = _pair_key(p).reset_index().merge(mine, on=["lo", "hi", "year"])["index"]
        out.append(p.loc[idx.to_numpy()])
    out = [p for p in out if not p.empty] or out[:1]
    return pd.concat(out, ignore_index=True)


def drop_unreported_zeros(dy: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Drop zero flows that are no report (module docstring); returns the frame and the count."""
    dropped = 0
    for sid, reporters_sid in UNREPORTED_ZEROS.items():
        rep = dy.loc[dy["series"] == reporters_sid, ["ccode1", "year"]].drop_duplicates()
        if rep.empty:
            continue
        first, last = int(rep["year"].min()), int(rep["year"].max())
        rep = rep.assign(_r=True)
        part = dy[(dy["series"] == sid) & (dy["value"] == 0) & dy["year"].between(first, last)]
        part = part[["ccode1", "ccode2", "year"]].reset_index()
        part = part.merge(rep.rename(columns={"_r": "r1"}), on=["ccode1", "year"], how="left")
        part = part.merge(rep.rename(columns={"ccode1": "ccode2", "_r": "r2"}), on=["ccode2", "year"], how="left")
        unreported = ~(part["r1"].eq(True) & part["r2"].eq(True))
        # A zero that the DOTS contradicts (a positive DOTS flow for the same pair-year, either
        # direction) is no report either: COW's figures for these years derive from the DOTS.
        pos = dy.loc[(dy["series"] == reporters_sid) & (dy["value"] > 0)]
        pos_pairs = _pair_key(pos).drop_duplicates().assign(_p=True)
        contradicted = _pair_key(dy.loc[part["index"]]).reset_index(drop=True).merge(
            pos_pairs, on=["lo", "hi", "year"], how="left")["_p"].eq(True).to_numpy()
        bad = part.loc[unreported.to_numpy() | contradicted, "index"].to_numpy()
        gone = _pair_key(dy.loc[bad]).drop_duplicates()
        dy = dy.drop(index=bad)
        dropped += len(bad)
        for total_sid, flow_sid in TOTAL_OF.items():
            if flow_sid == sid and not gone.empty:
                tot = dy[dy["series"] == total_sid]
                hit = _pair_key(tot).reset_index().merge(gone, on=["lo", "hi", "year"])["index"]
                dy = dy.drop(index=hit.to_numpy())
    return dy, dropped


def pair_precedence(parts: list[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Combine directed dyadic frames (one per chain member, highest precedence first).

    Per non-directed pair-year: the first member with both directions, else the first with
    either; every row of the pair-year comes from that member. Returns the combined rows
    and the choice (``lo, hi, year, rank``) that paired totals follow (:func:`_take`).
    """
    keyed = []
    for rank, p in enumerate(parts):
        n_dir = _pair_key(p).groupby(["lo", "hi", "year"]).size().rename("n").reset_index()
        keyed.append(n_dir.assign(rank=rank))
    cand = pd.concat(keyed, ignore_index=True)
    cand["score"] = np.where(cand["n"] >= 2, 0, 1) * len(parts) + cand["rank"]
    choice = cand.sort_values(["lo", "hi", "year", "score"], kind="mergesort").drop_duplicates(["lo", "hi", "year"])
    choice = choice[["lo", "hi", "year", "rank"]].reset_index(drop=True)
    return _take(parts, choice), choice


def paired_total(parts: list[pd.DataFrame], choice: pd.DataFrame) -> pd.DataFrame:
    """Totals per pair-year from the chain member chosen for the directed series."""
    return _take(parts, choice)
