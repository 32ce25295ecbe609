"""Panels: state-years and dyad-years of the COW state system, and ``add_*`` verbs that
join the snapshot's series onto them (what peacesciencer users expect, in Python).

>>> import powergap as pg
>>> d = pg.dyad_years(directed=True, start=1816, end=2016)   # 1,912,290 rows
>>> d = pg.add_nmc(d)                                         # NMC for both sides
>>> print(pg.cite(d))                                         # exactly the panel's sources

A panel is a pandas DataFrame whose ``attrs`` say what it is (see :func:`panel_info`).
The dyad rule, the end-year rule and every verb's columns are documented in docs/panels.md.
"""

from .core import PanelInfo, dyad_years, panel_info, state_years
from .io import read_panel, write_panel
from .verbs import (VERBS, add, add_alliances, add_arms_transfers, add_dependence, add_events, add_gdp,
                    add_ideal_points, add_igos, add_milex, add_nmc, add_nuclear, add_opinion, add_regime, add_series,
                    add_tech, add_trade, add_votes, verb_names)

__all__ = ["PanelInfo", "VERBS", "add", "add_alliances", "add_arms_transfers", "add_dependence", "add_events", "add_gdp",
           "add_ideal_points", "add_igos", "add_milex", "add_nmc", "add_nuclear", "add_opinion", "add_regime",
           "add_series", "add_tech", "add_trade", "add_votes", "dyad_years", "panel_info", "read_panel",
           "state_years", "verb_names", "write_panel"]
