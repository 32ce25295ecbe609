"""Where several sources measure the same thing, which one a combined series takes.

Each rule fills the gaps of the primary series (first in the list) with the next ones, in
order, for state-years the earlier ones lack. Only series in the same unit and concept are
combined; every value keeps the source it came from (the ``source`` column).

* ``gdp_usd`` (GDP, current US$): World Bank WDI, then IMF WEO (Oct/Nov 2025 vintage,
  historical years only) for state-years WDI lacks (e.g. Taiwan, recent years).
* ``trade_exports_usd`` and ``trade_total_usd`` (dyadic): IMF DOTS 1960-2020 first, then COW
  1870-2014. ``arms_exports_tiv``/``arms_imports_tiv``: SIPRI's own totals (all parties).
* ``gdp_ppp`` is not filled across sources: WDI (constant 2021 international $), PWT
  (2017 US$) and Maddison (2011 US$) use different price bases. They stay separate
  series (``gdp_ppp``, ``gdp_ppp_pwt``, ``rgdp_maddison``) and ``add_gdp`` reports them
  side by side.
"""

from __future__ import annotations

from ..sources.base import SeriesSpec

# target series id -> (chain of series ids, highest precedence first; metadata for the
# target when no source declares it itself)
PRECEDENCE: dict[str, tuple[list[str], SeriesSpec | None]] = {
    "gdp_usd": (["gdp_usd", "gdp_usd_weo"], None),
    # Bilateral goods trade: IMF DOTS (1960-2020, reporter's exports FOB) first, then COW
    # Dyadic Trade v4.0 (1870-2014) for dyad-years DOTS lacks.
    "trade_exports_usd": (["trade_exports_usd_dots", "trade_exports_usd_cow"], SeriesSpec(
        "trade_exports_usd", "Exports of goods from the first state to the second (IMF DOTS, else COW)",
        "current US$", "trade", dyadic=True)),
    "trade_total_usd": (["trade_total_usd_dots", "trade_total_usd_cow"], SeriesSpec(
        "trade_total_usd", "Goods trade between the two states, both directions (IMF DOTS, else COW)",
        "current US$", "trade", dyadic=True, symmetric=True)),
    # SIPRI TIV only: Gapminder's copies are in different units (TIV units, not millions)
    # and a shorter range, so they stay separate series (arms_*_tiv_gm).
    "arms_exports_tiv": (["arms_exports_tiv_sipri"], SeriesSpec(
        "arms_exports_tiv", "Exports of major conventional arms, all recipients incl. non-state (SIPRI)",
        "SIPRI TIV (millions)", "arms")),
    "arms_imports_tiv": (["arms_imports_tiv_sipri"], SeriesSpec(
        "arms_imports_tiv", "Imports of major conventional arms, all suppliers incl. non-state (SIPRI)",
        "SIPRI TIV (millions)", "arms")),
}
