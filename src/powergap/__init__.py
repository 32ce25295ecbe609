"""powergap: power asymmetry and alignment between states, from open data.

The public API is imported lazily so that ``import powergap`` (and the CLI) stay fast.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_API = {
    "resolve": "powergap.states",
    "State": "powergap.states",
    "membership": "powergap.states",
    "cite": "powergap.citations",
    "Snapshot": "powergap.snapshot.store",
    "default_store": "powergap.snapshot.store",
    "PowergapError": "powergap.errors",
    "state_years": "powergap.panels",
    "dyad_years": "powergap.panels",
    "panel_info": "powergap.panels",
    "add_series": "powergap.panels",
    "add_nmc": "powergap.panels",
    "add_gdp": "powergap.panels",
    "add_milex": "powergap.panels",
    "add_nuclear": "powergap.panels",
    "add_tech": "powergap.panels",
    "add_trade": "powergap.panels",
    "add_arms_transfers": "powergap.panels",
    "add_alliances": "powergap.panels",
    "add_igos": "powergap.panels",
    "add_votes": "powergap.panels",
    "add_dependence": "powergap.panels",
    "add_ideal_points": "powergap.panels",
    "add_events": "powergap.panels",
    "add_regime": "powergap.panels",
    "add_opinion": "powergap.panels",
    "add_asymmetry": "powergap.panels",
    "capability_profile": "powergap.measures.capability",
    "cinc": "powergap.measures.composite",
    "weight_robustness": "powergap.measures.robustness",
    "dyad_robustness": "powergap.measures.robustness",
    "net_resources": "powergap.measures.composite",
    "gdp_ratio": "powergap.measures.composite",
    "weighted_composite": "powergap.measures.composite",
    "load_registry": "powergap.measures.capability",
    "dependence": "powergap.measures.dependence",
    "alignment": "powergap.measures.alignment",
    "triangle": "powergap.measures.triangle",
    "trade_dependence": "powergap.measures.dependence",
    "vote_agreement": "powergap.measures.alignment",
    "assess": "powergap.assessment",
    "assess_all": "powergap.assessment",
    "Assessment": "powergap.assessment",
    "asymmetry_panel": "powergap.assessment",
    "multiverse": "powergap.spec_curve",
    "check_claims": "powergap.claims",
    "draft_claims": "powergap.claims.draft",
    "orbit": "powergap.orbits",
    "Orbit": "powergap.orbits",
}

__all__ = sorted(_API) + ["__version__"]


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'powergap' has no attribute {name!r}")
