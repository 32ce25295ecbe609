"""Panels: state-years and dyad-years of the COW state system, and ``add_*`` verbs that
join the snapshot's series onto them (what peacesciencer users expect, in Python).

>>> import powergap as pg
>>> d = pg.dyad_years(directed=True, start=1816, end=2016)   # 1,912,290 rows
>>> d = pg.add_nmc(d)                                         # NMC for both sides
>>> print(pg.cite(d))                                         # exactly the panel's sources

A panel is a pandas DataFrame whose ``attrs`` say what it is (see :func:`panel_info`).
The dyad rule, the end-year rule and every verb's columns are documented in docs/panels.md.

Names are imported on first use (PEP 562), so ``powergap.panels.fast`` (the CLI's path
that writes a panel without pandas) can be imported without importing pandas.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "PanelInfo": "core", "dyad_years": "core", "panel_info": "core", "state_years": "core",
    "read_panel": "io", "write_panel": "io",
    "VERBS": "verbs", "add": "verbs", "add_series": "verbs", "verb_names": "verbs",
    **{f"add_{v}": "verbs" for v in ("alliances", "arms_transfers", "asymmetry", "dependence", "events", "gdp",
                                     "ideal_points", "igos", "milex", "nmc", "nuclear", "opinion", "regime", "tech",
                                     "trade", "votes")},
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
