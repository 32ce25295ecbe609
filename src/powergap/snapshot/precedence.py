"""Where several sources measure the same thing, which one a combined series takes.

Each rule fills the gaps of the primary series (first in the list) with the next ones, in
order, for state-years the earlier ones lack. Only series in the same unit and concept are
combined; every value keeps the source it came from (the ``source`` column).

* ``gdp_usd`` (GDP, current US$): World Bank WDI, then IMF WEO (Oct/Nov 2025 vintage,
  historical years only) for state-years WDI lacks (e.g. Taiwan, recent years).
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
}
