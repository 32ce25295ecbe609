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
    "capability_profile": "powergap.measures.capability",
    "cinc": "powergap.measures.composite",
    "weight_robustness": "powergap.measures.robustness",
    "dependence": "powergap.measures.dependence",
    "alignment": "powergap.measures.alignment",
    "triangle": "powergap.measures.triangle",
    "assess": "powergap.assess",
    "check_claims": "powergap.claims",
}

__all__ = sorted(_API) + ["__version__"]


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'powergap' has no attribute {name!r}")
