"""The assessment's building blocks: configuration, criteria, and Wong's stage ladder.

Wong (seed 002) distinguishes three stages of asymmetrical relations, each presupposing
the one before: *potential* (a disparity of capabilities), *emerging* (asymmetrical
dependence of the weaker on the stronger) and *actual* (an imbalance of influence: the
weaker submits, i.e. fails the standards of an independent power). This module holds the
pure logic; :mod:`powergap.assess` gathers the evidence from the data.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from .errors import InputError

Stage = Literal["none", "potential", "emerging", "actual"]
STAGES: tuple[str, ...] = ("none", "potential", "emerging", "actual")


# ----------------------------------------------------------------------------- config

def default_config() -> dict:
    text = (resources.files("powergap") / "data" / "assess_config.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _merge(base: dict, over: dict, where: str, origin: str) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if key not in base:
            raise InputError(f"{origin}: unknown setting '{where}{key}' (known: {', '.join(sorted(base))})")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise InputError(f"{origin}: setting '{where}{key}' must be a mapping")
            out[key] = _merge(base[key], value, f"{where}{key}.", origin)
        else:
            out[key] = _check_value(base[key], value, f"{where}{key}", origin)
    return out


def _check_value(default: Any, value: Any, name: str, origin: str) -> Any:
    if isinstance(default, bool) or isinstance(value, bool):
        if not isinstance(value, bool) or not isinstance(default, bool):
            raise InputError(f"{origin}: setting '{name}' must be {type(default).__name__}, got {value!r}")
        return value
    if isinstance(default, (int, float)):
        if not isinstance(value, (int, float)):
            raise InputError(f"{origin}: setting '{name}' must be a number, got {value!r}")
        if value < 0:
            raise InputError(f"{origin}: setting '{name}' must not be negative, got {value!r}")
        if isinstance(default, int) and not isinstance(value, int):
            raise InputError(f"{origin}: setting '{name}' must be a whole number, got {value!r}")
        return value
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{origin}: setting '{name}' must be a list of names")
        return value
    if isinstance(default, str) and not isinstance(value, str):
        raise InputError(f"{origin}: setting '{name}' must be text, got {value!r}")
    return value


def load_config(config: dict | str | Path | None = None) -> dict:
    """The default configuration, overridden by a mapping or a YAML file (strictly checked)."""
    base = default_config()
    if config is None:
        return base
    if isinstance(config, (str, Path)):
        path = Path(config)
        if not path.is_file():
            raise InputError(f"config file not found: {path}")
        try:
            over = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark else ""
            raise InputError(f"{path}: not valid YAML{where}") from None
        except UnicodeDecodeError:
            raise InputError(f"{path}: not a text file") from None
        origin = str(path)
        if over is None:
            return base
    else:
        over, origin = config, "config"
    if not isinstance(over, dict):
        raise InputError(f"{origin}: must be a mapping of settings")
    cfg = _merge(base, over, "", origin)
    cap = cfg["capability"]
    if cap["threshold"] < 1:
        raise InputError(f"{origin}: capability.threshold must be at least 1, got {cap['threshold']}")
    if cap["stability_years"] < 1:
        raise InputError(f"{origin}: capability.stability_years must be at least 1")
    return cfg


# ----------------------------------------------------------------------------- results

@dataclass
class Criterion:
    """One test in the ladder: what was measured, against what, with which data."""

    name: str
    stage: str
    value: float | None
    threshold: float | str | None
    met: bool | None  # None: no data
    sources: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    detail: str = ""

    def to_dict(self) -> dict:
        d = asdict(self)
        if isinstance(self.value, float):
            d["value"] = float(f"{self.value:.6g}")
        if self.met is None:
            d["note"] = "no data"
        return d


@dataclass
class YearAssessment:
    year: int
    stronger: str | None
    weaker: str | None
    stage: str
    evidence_reach: str
    criteria: list[Criterion]
    korolev: str | None = None
    summary: str = ""

    def to_dict(self) -> dict:
        return {"year": self.year, "stronger": self.stronger, "weaker": self.weaker, "stage": self.stage,
                "evidence_reach": self.evidence_reach, "korolev": self.korolev, "summary": self.summary,
                "criteria": [c.to_dict() for c in self.criteria]}


def any_channel(flags: list[bool | None]) -> bool | None:
    """Dependence through any channel (the first, trade, is the main one): True if one
    channel is met; False if none is met and the main channel could be measured; None
    (no data) otherwise, since an unmeasured main channel might show dependence."""
    if any(f is True for f in flags):
        return True
    if flags and flags[0] is False:
        return False
    return None


def submission(failed: list[bool | None], *, min_failed: int, min_evaluated: int) -> bool | None:
    """Imbalance of influence: the weaker fails at least ``min_failed`` of the independence
    standards, among at least ``min_evaluated`` that the data could evaluate."""
    known = [f for f in failed if f is not None]
    if len(known) < min_evaluated:
        return None
    return sum(known) >= min_failed


def ladder(capability: bool | None, dependence: bool | None, submission: bool | None) -> tuple[str, str]:
    """Wong's ladder: (stage, evidence_reach).

    ``stage`` is the highest stage whose criterion and every earlier one are met;
    ``evidence_reach`` is the highest stage the data could evaluate (met or not): a stage
    of "potential" with reach "potential" means dependence could not be measured, with
    reach "emerging" that dependence was measured and found not asymmetric.
    """
    if capability is None:
        return "none", "none"
    if capability is False:
        return "none", "potential"
    if dependence is None:
        return "potential", "potential"
    if dependence is False:
        return "potential", "emerging"
    if submission is None:
        return "emerging", "emerging"
    if submission is False:
        return "emerging", "actual"
    return "actual", "actual"


def stage_rank(stage: str) -> int:
    return STAGES.index(stage)


def to_json(obj: dict) -> str:
    return json.dumps(obj, indent=1, sort_keys=False, allow_nan=False, default=_jsonable)


def _jsonable(v):
    import numpy as np

    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    raise TypeError(f"not JSON serialisable: {type(v).__name__}")
