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

from .errors import InputError

Stage = Literal["none", "potential", "emerging", "actual"]
STAGES: tuple[str, ...] = ("none", "potential", "emerging", "actual")


# ----------------------------------------------------------------------------- config

def default_config() -> dict:
    from .validate import load_yaml_text

    text = (resources.files("powergap") / "data" / "assess_config.yaml").read_text(encoding="utf-8")
    return load_yaml_text(text, "assess_config.yaml")


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
        from .validate import number

        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise InputError(f"{origin}: setting '{name}' must not be negative, got {value!r}")
        if isinstance(default, int) and isinstance(value, float):
            raise InputError(f"{origin}: setting '{name}' must be a whole number, got {value!r}")
        lo, hi, lo_open = _RANGES.get(name, _RANGES.get(name.rsplit(".", 1)[-1], (0, None, False)))
        return number(value, f"setting '{name}'", lo=lo, hi=hi, lo_open=lo_open,
                      integer=isinstance(default, int), origin=origin)
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{origin}: setting '{name}' must be a list of names")
        return value
    if isinstance(default, str) and not isinstance(value, str):
        raise InputError(f"{origin}: setting '{name}' must be text, got {value!r}")
    return value


# meaningful range of each numeric setting (lo, hi, lo excluded), by dotted path or leaf name;
# every number must also be finite. Three independence standards exist (vote difference,
# criticism, manoeuvre), so min_failed and min_evaluated lie in 1..3.
_RANGES: dict[str, tuple[float, float | None, bool]] = {
    "capability.threshold": (1, None, False),
    "capability.stability_years": (1, 200, False),
    "min_share": (0, 1, True),
    "min_multiple": (1, None, False),
    "max_ratio": (0, 1, True),
    "independence.min_failed": (1, 3, False),
    "independence.min_evaluated": (1, 3, False),
    "independence.criticism.min_events": (0, None, False),
    "independence.manoeuvre.arms_window": (1, 50, False),
    "independence.manoeuvre.min_independent_allies": (1, None, False),
    "dependence.arms.reverse_min_intensity": (0, None, False),
    "stages.window": (1, 20, False),
    "independence.vote_difference.margin": (0, 1, False),
    "independence.vote_difference.min_peers": (1, None, False),
    "independence.vote_difference.ideal_ratio": (0, 1, True),
    "stages.min_years": (1, 20, False),
    "un_votes.min_roll_calls": (1, None, False),
}


def load_config(config: dict | str | Path | None = None) -> dict:
    """The default configuration, overridden by a mapping or a YAML file (strictly checked)."""
    base = default_config()
    if config is None:
        return base
    if isinstance(config, (str, Path)):
        from .validate import load_yaml_file

        path = Path(config)
        over = load_yaml_file(path, what="config file")  # size cap, duplicate keys refused
        origin = str(path)
        if over is None:
            return base
    else:
        over, origin = config, "config"
    if not isinstance(over, dict):
        raise InputError(f"{origin}: must be a mapping of settings")
    cfg = _merge(base, over, "", origin)
    if cfg["independence"]["vote_difference"]["reference"] not in ("region", "majors"):
        raise InputError(f"{origin}: setting 'independence.vote_difference.reference' must be 'region' or 'majors', "
                         f"got {cfg['independence']['vote_difference']['reference']!r}")
    bad = [k for k in cfg["independence"]["manoeuvre"]["alliance_types"]
           if k not in ("defense", "offense", "neutral", "nonagg", "consult")]
    if bad or not cfg["independence"]["manoeuvre"]["alliance_types"]:
        raise InputError(f"{origin}: setting 'independence.manoeuvre.alliance_types' must list ATOP types among "
                         f"defense, offense, neutral, nonagg, consult (got {bad or 'none'})")
    st = cfg["stages"]
    if st["min_years"] > st["window"]:
        raise InputError(f"{origin}: stages.min_years ({st['min_years']}) must not exceed stages.window ({st['window']})")
    for lab in cfg["dependence"]["investment"]["conduits"]:
        from .errors import UnknownStateError
        from .states import resolve

        try:
            resolve(lab)
        except UnknownStateError as e:
            raise InputError(f"{origin}: setting 'dependence.investment.conduits' names {lab!r}: {e}") from None
    ind = cfg["independence"]
    if ind["min_failed"] > ind["min_evaluated"]:
        raise InputError(f"{origin}: independence.min_failed ({ind['min_failed']}) must not exceed "
                         f"independence.min_evaluated ({ind['min_evaluated']})")
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
    reverse: float | None = None  # dependence criteria: the same measure the other way

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("value", "reverse"):
            if isinstance(d[key], float):
                # shares as `powergap dependence` prints them (6 decimals), ratios to 6 digits
                d[key] = round_number(d[key]) if self.name.startswith("dependence") else float(f"{d[key]:.6g}")
        if self.met is None:
            d["note"] = "no data"
        return d


def round_number(v: float, digits: int = 6) -> float:
    """The JSON rounding of shares and amounts (``powergap dependence``, ``alignment`` and the
    assessment's dependence criteria print the same digits): ``digits`` decimals, whole
    numbers from one million up."""
    return float(round(v)) if abs(v) >= 1e6 else float(round(v, digits))


@dataclass
class YearAssessment:
    """One year's verdict. ``stage`` is None when the year is unassessed (no data on the
    primary dimension, or a state not a system member): ``reason`` says why. ``at_least``
    is True when the next stage could not be tested (the data end before it): the stage is
    then a lower bound, shown as "at least <stage>"."""

    year: int
    stronger: str | None
    weaker: str | None
    stage: str | None
    evidence_reach: str
    criteria: list[Criterion]
    korolev: str | None = None
    summary: str = ""
    at_least: bool = False
    reason: str | None = None
    held: str | None = None  # set when the stage differs from the year's own evidence (see steady_stages)

    @property
    def stage_text(self) -> str:
        if self.stage is None:
            return "unassessed"
        return f"at least {self.stage}" if self.at_least else self.stage

    def to_dict(self) -> dict:
        return {"year": self.year, "stronger": self.stronger, "weaker": self.weaker, "stage": self.stage,
                "at_least": self.at_least, "stage_text": self.stage_text, "reason": self.reason,
                "evidence_reach": self.evidence_reach, "korolev": self.korolev, "summary": self.summary,
                "held": self.held, "criteria": [c.to_dict() for c in self.criteria]}


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


def ladder(capability: bool | None, dependence: bool | None, submission: bool | None) -> tuple[str | None, str]:
    """Wong's ladder: (stage, evidence_reach).

    ``stage`` is the highest stage whose criterion and every earlier one are met, or None
    (unassessed) when the disparity of capabilities itself cannot be tested;
    ``evidence_reach`` is the highest stage the data could evaluate (met or not): a stage
    of "potential" with reach "potential" means dependence could not be measured (the
    stage is "at least potential", see :func:`at_least`), with reach "emerging" that
    dependence was measured and found not asymmetric.
    """
    if capability is None:
        return None, "none"
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


def steady_stages(years: list["YearAssessment"], *, window: int, min_years: int) -> list["YearAssessment"]:
    """Stable stages: each stage must be supported by the evidence in at least ``min_years``
    of the ``window`` consecutive years ending at the year (``years`` in order, one per year;
    earlier entries serve as context).

    For an assessed year and each stage s from "potential" up: the years of the window that could test s (evidence reach >= s) are
    counted, and s holds when at least ``min(min_years, tested)`` of them reached s and the
    year itself could test s. The year's stage is the highest s that holds with every stage
    below it (Wong's ladder), so a single year's evidence neither raises a stage (a spike) nor
    drops it (a lapse). A year whose stage differs from its own evidence carries ``held``,
    saying why; the year's criteria stay its own. Unassessed years are left as they are; so
    are all years when ``window`` is 1. (The disparity has its own rule as well: Womack's
    threshold in each of ``stability_years``; this rule also keeps a change of capability
    series between windows from making a one-year "potential".)
    """
    out = []
    for n, y in enumerate(years):
        if window <= 1 or y.stage is None:
            out.append(y)
            continue
        win = [w for w in years[max(0, n - window + 1):n + 1] if w.year > y.year - window]
        stage = "none"
        for s in ("potential", "emerging", "actual"):
            r = stage_rank(s)
            tested = [w for w in win if w.stage is not None and stage_rank(w.evidence_reach) >= r]
            support = [w for w in tested if stage_rank(w.stage) >= r]
            if stage_rank(y.evidence_reach) >= r and tested and len(support) >= min(min_years, len(tested)):
                stage = s
            else:
                break
        if stage == y.stage:
            out.append(y)
            continue
        span = f"{win[0].year}-{y.year}"
        if stage_rank(stage) > stage_rank(y.stage):
            note = (f"{stage} held over a lapse: its evidence held in {_support(win, stage)} of the years {span} "
                    f"that could test it (this year alone: {y.stage})")
        else:
            up = STAGES[stage_rank(stage) + 1]
            note = (f"{up} not yet held: its evidence held in {_support(win, up)} of the years {span} that could "
                    f"test it, fewer than {min_years} (this year alone: {y.stage})")
        new = copy.copy(y)
        new.stage, new.at_least, new.held = stage, False, note
        out.append(new)
    return out


def _support(win: list["YearAssessment"], s: str) -> int:
    r = stage_rank(s)
    return sum(1 for w in win if w.stage is not None and stage_rank(w.evidence_reach) >= r and stage_rank(w.stage) >= r)


def at_least(stage: str | None, reach: str) -> bool:
    """True when the stage is only a lower bound: the next stage could not be tested."""
    return stage is not None and stage != "actual" and reach == stage


def stage_rank(stage: str | None) -> int:
    """0-3 for none..actual; -1 for an unassessed year."""
    return -1 if stage is None else STAGES.index(stage)


def change_kind(prev: "YearAssessment", cur: "YearAssessment") -> str:
    """Why the stage differs between two years: "coverage" when either year is unassessed
    or the lower of the two stages is only a lower bound (its next stage could not be
    tested, so the data cannot tell the two years apart); "evidence" otherwise."""
    if prev.stage is None or cur.stage is None:
        return "coverage"
    lower = prev if stage_rank(prev.stage) < stage_rank(cur.stage) else cur
    if stage_rank(prev.stage) != stage_rank(cur.stage) and lower.at_least:
        return "coverage"
    return "evidence"


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
