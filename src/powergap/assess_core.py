"""The assessment's building blocks: configuration, criteria, and Wong's stage ladder.

Wong (seed 002) distinguishes three stages of asymmetrical relations, each presupposing
the one before: *potential* (a disparity of capabilities), *emerging* (asymmetrical
dependence of the weaker on the stronger) and *actual* (an imbalance of influence: the
weaker submits, i.e. fails the standards of an independent power). This module holds the
pure logic; :mod:`powergap.assess` gathers the evidence from the data.
"""

from __future__ import annotations

import copy
import functools
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
    """The shipped assessment configuration (a fresh copy: callers may change it)."""
    return copy.deepcopy(_default_config_parsed())


@functools.lru_cache(maxsize=1)
def _default_config_parsed() -> dict:
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


def tri(x) -> float:
    """A tri-state flag as a float: 1.0 (True), 0.0 (False), NaN (None: no data)."""
    return float("nan") if x is None else float(bool(x))


def untri(x) -> bool | None:
    """The inverse of :func:`tri`."""
    return None if x != x else bool(x)


def any_channel_arr(flags: list):
    """Dependence through any channel (the first, trade, is the main one), on tri-state
    arrays (1.0, 0.0, NaN): 1 if one channel is met; 0 if none is met and the main channel
    could be measured; NaN (no data) otherwise, since an unmeasured main channel might show
    dependence."""
    import numpy as np

    hit = np.asarray(flags[0]) == 1
    for f in flags[1:]:
        hit = hit | (np.asarray(f) == 1)
    return np.where(hit, 1.0, np.where(np.asarray(flags[0]) == 0, 0.0, np.nan))


def any_channel(flags: list[bool | None]) -> bool | None:
    """:func:`any_channel_arr` for one dyad-year (True, False or None per channel)."""
    return untri(float(any_channel_arr([tri(f) for f in flags]))) if flags else None


def submission_arr(failed: list, *, min_failed, min_evaluated):
    """Imbalance of influence on tri-state arrays: the weaker fails at least ``min_failed``
    of the independence standards, among at least ``min_evaluated`` that the data could
    evaluate (thresholds may be arrays, one per specification). Returns (flag, number failed)."""
    import numpy as np

    known = sum((~np.isnan(np.asarray(f, dtype=float))).astype(np.int64) for f in failed)
    n_failed = sum((np.asarray(f) == 1).astype(np.int64) for f in failed)
    return np.where(known < min_evaluated, np.nan, (n_failed >= min_failed).astype(float)), n_failed


def submission(failed: list[bool | None], *, min_failed: int, min_evaluated: int) -> bool | None:
    """:func:`submission_arr` for one dyad-year."""
    flag, _ = submission_arr([tri(f) for f in failed], min_failed=min_failed, min_evaluated=min_evaluated)
    return untri(float(flag))


def ladder_arr(capability, dependence, submission):
    """Wong's ladder on tri-state arrays: (stage code, evidence reach code), codes being
    indices into :data:`STAGES` (-1 for an unassessed year); see :func:`ladder`."""
    import numpy as np

    cap, dep, sub = (np.asarray(x, dtype=float) for x in (capability, dependence, submission))
    stage = np.where(np.isnan(cap), -1, np.where(cap == 0, 0, np.where(np.isnan(dep) | (dep == 0), 1, np.where(
        np.isnan(sub) | (sub == 0), 2, 3))))
    reach = np.where(np.isnan(cap), 0, np.where(cap == 0, 1, np.where(np.isnan(dep), 1, np.where(
        dep == 0, 2, np.where(np.isnan(sub), 2, 3)))))
    return stage.astype(np.int8), reach.astype(np.int8)


def ladder(capability: bool | None, dependence: bool | None, submission: bool | None) -> tuple[str | None, str]:
    """Wong's ladder: (stage, evidence_reach).

    ``stage`` is the highest stage whose criterion and every earlier one are met, or None
    (unassessed) when the disparity of capabilities itself cannot be tested;
    ``evidence_reach`` is the highest stage the data could evaluate (met or not): a stage
    of "potential" with reach "potential" means dependence could not be measured (the
    stage is "at least potential", see :func:`at_least`), with reach "emerging" that
    dependence was measured and found not asymmetric. (:func:`ladder_arr` for one year.)
    """
    stage, reach = ladder_arr(tri(capability), tri(dependence), tri(submission))
    return (None if stage < 0 else STAGES[int(stage)]), STAGES[int(reach)]


def at_least_arr(stage, reach):
    """:func:`at_least` on code arrays."""
    import numpy as np

    stage = np.asarray(stage)
    return (stage >= 0) & (stage != 3) & (np.asarray(reach) == stage)


def steady_arr(stage, reach, *, window: int, min_years: int, first: int = 0):
    """Stable stages on (D, T) code arrays of consecutive years (the rule:
    :func:`steady_stages`); columns before ``first`` are not read (they only fed earlier
    windows). Returns (stable stage codes, support), ``support[s - 1]`` counting per
    dyad-year the years of the window that could test stage s and reached it."""
    import numpy as np

    S = np.atleast_2d(np.asarray(stage, dtype=np.int8))
    R = np.atleast_2d(np.asarray(reach, dtype=np.int8))
    support = np.zeros((3,) + S.shape, dtype=np.int16)
    if window <= 1:
        return S.copy(), support
    assessed = S >= 0
    cols = np.arange(S.shape[1]) >= first

    def rolling(x):
        c = np.cumsum(x & cols, axis=1, dtype=np.int32)
        c[:, window:] -= c[:, :-window].copy()
        return c

    new = np.zeros(S.shape, dtype=np.int8)
    ok = np.ones(S.shape, dtype=bool)
    for s in (1, 2, 3):
        tested = assessed & (R >= s)
        n_tested = rolling(tested)
        n_support = rolling(tested & (S >= s))
        support[s - 1] = n_support
        ok &= (R >= s) & (n_tested > 0) & (n_support >= np.minimum(min_years, n_tested))
        new[ok] = s
    return np.where(assessed, new, S).astype(np.int8), support


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
    series between windows from making a one-year "potential".) The rule is
    :func:`steady_arr`, which the engine applies to every dyad-year at once; this is its form
    for a list of years, with the notes.
    """
    import numpy as np

    if not years:
        return []
    y0 = years[0].year
    n = years[-1].year - y0 + 1
    S, R = np.full(n, -1, dtype=np.int8), np.zeros(n, dtype=np.int8)
    pos = [y.year - y0 for y in years]
    S[pos] = [stage_rank(y.stage) for y in years]
    R[pos] = [stage_rank(y.evidence_reach) if y.stage is not None else 0 for y in years]
    new, support = steady_arr(S[None], R[None], window=window, min_years=min_years)
    out = []
    for y, p in zip(years, pos):
        code = int(new[0, p])
        if y.stage is None or code == stage_rank(y.stage):
            out.append(y)
            continue
        sup = [int(support[k, 0, p]) for k in range(3)]
        out.append(held_year(y, code, sup, first_year=max(y0, y.year - window + 1), min_years=min_years))
    return out


def held_note(year: int, own: str, code: int, support: list[int], *, first_year: int, min_years: int) -> str:
    """Why a year's stable stage (``code``) differs from its own evidence (stage ``own``);
    ``support[s - 1]``: years of the window that could test stage s and reached it."""
    span = f"{first_year}-{year}"
    if code > stage_rank(own):
        return (f"{STAGES[code]} held over a lapse: its evidence held in {support[code - 1]} of the years {span} "
                f"that could test it (this year alone: {own})")
    return (f"{STAGES[code + 1]} not yet held: its evidence held in {support[code]} of the years {span} that could "
            f"test it, fewer than {min_years} (this year alone: {own})")


def held_year(y: "YearAssessment", code: int, support: list[int], *, first_year: int,
              min_years: int) -> "YearAssessment":
    """A copy of ``y`` at its stable stage, with the note."""
    new = copy.copy(y)
    new.held = held_note(y.year, y.stage, code, support, first_year=first_year, min_years=min_years)
    new.stage, new.at_least = STAGES[code], False
    return new


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
