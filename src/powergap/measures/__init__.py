"""Measures computed from the snapshot: capability, composites, weight robustness, dependence, alignment."""
