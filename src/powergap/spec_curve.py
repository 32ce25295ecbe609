"""How sure is the verdict? Every defensible specification of the stage at once (issue 15):
``powergap.multiverse(a, b, start, end, space=None)`` (the module has its own name so that
the package attribute stays the function, as ``powergap.assess`` lives in ``assessment``).

A specification space (``data/multiverse_space.yaml``, or the user's file) lists choices
behind a stage (the military series, Womack's threshold, the stability years, the
dependence thresholds, how many independence standards must fail), each with its options
and a reason. :func:`multiverse` evaluates every combination for one pair and each year:
the evidence is gathered once (:func:`powergap.assessment.gather`); the capability
comparison is recomputed once per distinct (series, threshold, stability years), since the
series rule itself depends on the window; every other threshold varies as an array, one
row per specification, through the assessment's own decision
(:func:`powergap.assessment.decide`) and stable-stage rule. So the default specification's
stage is, by construction and by test, the stage :func:`powergap.assess` gives.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .assess_core import STAGES, load_config
from .errors import InputError

SERIES = "capability.primary_series"
MEASURE = "independence.vote_difference.measure"  # "roll calls" (agreement; ideal points where too few) or "ideal points"
MEASURES = ("roll calls", "ideal points")
# settings that may vary: thresholds the decision reads (arrays), plus the capability ones
VARIABLE = {
    "capability.threshold", "capability.stability_years", SERIES, MEASURE,
    "dependence.arms.reverse_min_intensity",
    "independence.min_failed", "independence.min_evaluated",
    "independence.vote_difference.margin", "independence.vote_difference.min_peers",
    "independence.vote_difference.ideal_ratio", "independence.vote_difference.max_ratio",
    "independence.criticism.max_ratio", "independence.criticism.min_events",
    "independence.manoeuvre.min_independent_allies",
} | {f"dependence.{c}.{k}" for c in ("trade", "arms", "investment", "monetary") for k in ("min_share", "min_multiple")}
CAPABILITY = ("capability.primary_series", "capability.threshold", "capability.stability_years")
OUTCOMES = (*STAGES, "unassessed")


@dataclass
class Choice:
    name: str
    reason: str
    labels: list[str]
    settings: list[dict[str, Any]]  # one per option: dotted path -> value


@dataclass
class Space:
    choices: list[Choice]
    origin: str

    @property
    def size(self) -> int:
        return int(np.prod([len(c.labels) for c in self.choices])) if self.choices else 1


def load_space(space: str | Path | dict | None = None, *, config: dict | None = None) -> Space:
    """The specification space: the shipped one, a YAML file or a mapping, strictly checked
    (one-line InputError naming the file, the choice and the option)."""
    from .validate import load_yaml_file, load_yaml_text

    if space is None:
        text = (resources.files("powergap") / "data" / "multiverse_space.yaml").read_text(encoding="utf-8")
        doc, origin = load_yaml_text(text, "multiverse_space.yaml"), "multiverse_space.yaml"
    elif isinstance(space, (str, Path)):
        doc, origin = load_yaml_file(Path(space), what="space file"), str(space)
    else:
        doc, origin = space, "space"
    cfg = load_config(config)
    if not isinstance(doc, dict):
        raise InputError(f"{origin}: must be a mapping with 'version' and 'choices'")
    unknown = set(doc) - {"version", "choices"}
    if unknown:
        raise InputError(f"{origin}: unknown key(s) {', '.join(sorted(map(str, unknown)))} (known: version, choices)")
    if doc.get("version") != 1:
        raise InputError(f"{origin}: 'version' must be 1")
    raw = doc.get("choices")
    if not isinstance(raw, dict) or not raw:
        raise InputError(f"{origin}: 'choices' must be a non-empty mapping of choice names")
    from .measures.capability import load_registry

    series = [e.name for e in load_registry(None).dimensions[cfg["capability"]["primary_dimension"]].entries]
    choices = []
    for name, body in raw.items():
        where = f"{origin}: choice {name!r}"
        if not isinstance(body, dict) or set(body) - {"reason", "options"}:
            raise InputError(f"{where}: must be a mapping with 'reason' and 'options' only")
        if not isinstance(body.get("reason"), str) or not body["reason"].strip():
            raise InputError(f"{where}: needs a 'reason' (why its options are defensible)")
        opts = body.get("options")
        if not isinstance(opts, dict) or not opts:
            raise InputError(f"{where}: 'options' must be a non-empty mapping of option labels to settings")
        labels, settings = [], []
        for label, sets in opts.items():
            w = f"{where}, option {label!r}"
            if not isinstance(sets, dict) or not sets:
                raise InputError(f"{w}: must map settings to values, e.g. {{capability.threshold: 1.5}}")
            for path, value in sets.items():
                if path not in VARIABLE:
                    raise InputError(f"{w}: setting {path!r} cannot vary in the multiverse (it changes the evidence "
                                     f"gathered, or is unknown); settings that can: {', '.join(sorted(VARIABLE))}")
                if path == SERIES and value != "precedence" and value not in series:
                    raise InputError(f"{w}: {SERIES} must be 'precedence' or one of {', '.join(series)}, got {value!r}")
                if path == MEASURE and (value not in MEASURES or cfg["independence"]["vote_difference"]["reference"]
                                        != "region"):
                    raise InputError(f"{w}: {MEASURE} must be one of {', '.join(map(repr, MEASURES))}, with the "
                                     f"regional reference (independence.vote_difference.reference: region); got {value!r}")
            try:
                load_config(_nest({p: v for p, v in sets.items() if p not in (SERIES, MEASURE)}))
            except InputError as e:
                raise InputError(f"{w}: {str(e).removeprefix('config: ')}") from None
            labels.append(str(label))
            settings.append(dict(sets))
        choices.append(Choice(str(name), body["reason"].strip(), labels, settings))
    paths = [{p for s in c.settings for p in s} for c in choices]
    for (i, p), (j, q) in itertools.combinations(enumerate(paths), 2):
        if p & q:
            raise InputError(f"{origin}: choices {choices[i].name!r} and {choices[j].name!r} both set "
                             f"{', '.join(sorted(p & q))}")
    sp = Space(choices, origin)
    if sp.size > 100_000:
        raise InputError(f"{origin}: {sp.size:,} specifications; at most 100,000")
    return sp


def _nest(flat: dict[str, Any]) -> dict:
    out: dict = {}
    for path, value in flat.items():
        node = out
        *head, leaf = path.split(".")
        for k in head:
            node = node.setdefault(k, {})
        node[leaf] = value
    return out


def _default(cfg: dict, path: str) -> Any:
    """A setting's value in ``cfg`` (the pseudo-settings: the registry's precedence, roll calls)."""
    return {SERIES: "precedence", MEASURE: MEASURES[0]}.get(path) or _get(cfg, path)


def _get(cfg: dict, path: str) -> Any:
    node = cfg
    for k in path.split("."):
        node = node[k]
    return node


def _set(cfg: dict, path: str, value: Any) -> None:
    *head, leaf = path.split(".")
    node = cfg
    for k in head:
        node = node[k]
    node[leaf] = value


def specifications(space: Space, cfg: dict) -> pd.DataFrame:
    """One row per specification (every combination of options, in order), the option label
    of each choice, then every setting's value; the last row, ``default`` True, is the
    configuration ``cfg`` itself (it need not be in the space)."""
    combos = list(itertools.product(*[range(len(c.labels)) for c in space.choices]))
    paths = sorted({p for c in space.choices for s in c.settings for p in s})
    base = {p: _default(cfg, p) for p in paths}  # each setting's value in cfg, read once
    rows = []
    for combo in combos:
        row: dict[str, Any] = {c.name: c.labels[k] for c, k in zip(space.choices, combo)}
        row.update(base)
        for c, k in zip(space.choices, combo):
            row.update(c.settings[k])
        row["default"] = False
        rows.append(row)
    default = {c.name: None for c in space.choices}
    default.update(base)
    default["default"] = True
    for c in space.choices:  # the default's label, where one option is the default
        for lab, s in zip(c.labels, c.settings):
            if all(default[p] == v for p, v in s.items()):
                default[c.name] = lab
    rows.append(default)
    df = pd.DataFrame(rows)
    for p in ("independence.min_failed", "independence.min_evaluated"):
        if p not in df:
            df[p] = _get(cfg, p)
    bad = df["independence.min_failed"] > df["independence.min_evaluated"]
    if bad.any():
        raise InputError(f"{space.origin}: some specifications ask more standards to fail than to be evaluated "
                         f"(independence.min_failed > independence.min_evaluated); vary them in one choice")
    return df


def _capability(grid, store, registry, cfg: dict, series: str, threshold: float, k: int) -> dict[str, np.ndarray]:
    """The primary dimension's comparison under one (series, threshold, stability years)."""
    from dataclasses import replace

    from .measures.capability import capability_panel

    prim = cfg["capability"]["primary_dimension"]
    reg = registry
    if series != "precedence":
        dim = registry.dimensions[prim]
        reg = replace(registry, dimensions={**registry.dimensions,
                                            prim: replace(dim, entries=tuple(e for e in dim.entries if e.name == series))})
    p = capability_panel(grid.a, grid.b, grid.years, registry=reg, dimensions=[prim], window=int(k),
                         threshold=float(threshold), store=store).dimensions[prim]
    return {"ratio": p.ratio, "side": p.side, "stable": p.stable}


def evaluate(a: Any, b: Any, start: int | None = None, end: int | None = None, *, space=None, config=None,
             store=None, assessment=None) -> dict[str, Any]:
    """Every specification's stable stage per year: {"specs": DataFrame, "years": array,
    "stages": (S + 1, T) codes (-1 unassessed; last row the default), "a", "b", "start",
    "end", "space"}. With ``assessment`` (a :func:`powergap.assess` result), its pair, years,
    configuration and gathered evidence are used (nothing is gathered again)."""
    from .assessment import _store, gather, last_known_year, pair_grid
    from .measures.capability import load_registry

    store = _store(store)
    if assessment is not None:
        a, b, start, end, config = assessment.a, assessment.b, assessment.start, assessment.end, assessment.config
    cfg = load_config(config)
    sp = space if isinstance(space, Space) else load_space(space, config=cfg)
    specs = specifications(sp, cfg)
    ev = getattr(assessment, "evidence", None)
    if ev is not None:  # the assessment's own grid and evidence
        from .measures import evidence as E

        sa, sb, grid = assessment.state_a, assessment.state_b, ev.grid
        ma, mb = (E.member(store, np.full(len(grid.years), c), grid.years) for c in (sa.ccode, sb.ccode))
    else:
        sa, sb, start, end, grid, (ma, mb) = pair_grid(a, b, start, end, cfg, store)
        ev = gather(grid, cfg, store=store)
    registry = load_registry(None, store=store)
    ideal = None
    if MEASURE in specs and (specs[MEASURE] == MEASURES[1]).any():  # ideal points in every year, both sides
        from .measures import evidence as E

        yy, ideal = grid.years, {}
        for side, w_, s_ in (("a", grid.a[0], grid.b[0]), ("b", grid.b[0], grid.a[0])):
            far, med, cnt = E.regional_ideal_distance(store, np.full(len(yy), w_), np.full(len(yy), s_), yy)
            ideal.update({f"ideal_far_{side}": far[None], f"ideal_region_{side}": med[None],
                          f"ideal_peers_{side}": cnt[None]})
    stages = stages_by_spec(ev, specs, cfg, lambda series, thr, k: _capability(grid, store, registry, cfg, series,
                                                                                thr, k), (ma & mb)[None, :], ideal=ideal)
    cols = grid.years >= start
    if end is None:  # as assess: the last year with data on the primary dimension
        end = last_known_year(ev.dims[cfg["capability"]["primary_dimension"]]["ratio"][0], grid.years, start)
    cols &= grid.years <= end
    return {"specs": specs, "years": grid.years[cols], "stages": stages[:, cols], "a": sa, "b": sb,
            "start": start, "end": end, "space": sp}


def stages_by_spec(ev, specs: pd.DataFrame, cfg: dict, capability, member: np.ndarray | None = None,
                   ideal: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """The stable stage codes (S, T) of every specification (row of ``specs``) on one
    pair's evidence ``ev`` (a grid of one dyad). ``capability(series, threshold, k)`` gives
    the primary dimension's ``ratio``, ``side`` and ``stable`` (1, T) under those settings;
    every other varying setting enters :func:`powergap.assessment.decide` as an (S, 1) array.
    Specifications reading the foreign-policy standard on UN ideal points (``MEASURE``) get
    no roll-call agreement, so the standard reads ``ideal`` (the ideal-point evidence of
    every year, as gather computes it where roll calls are too few)."""
    from .assessment import Evidence, decide, stable_stages

    S = len(specs)
    keyframe = pd.DataFrame({c: specs[c] if c in specs else _default(cfg, c) for c in CAPABILITY}, index=specs.index)
    combos, first, inv = np.unique(keyframe.astype(str).agg("|".join, axis=1).to_numpy(), return_index=True,
                                   return_inverse=True)
    parts = [capability(keyframe[SERIES].iloc[i], float(keyframe["capability.threshold"].iloc[i]),
                        int(keyframe["capability.stability_years"].iloc[i])) for i in first]
    prim = cfg["capability"]["primary_dimension"]
    dims = dict(ev.dims)
    dims[prim] = {k: np.concatenate([parts[n][k] for n in inv.ravel()]) for k in ("ratio", "side", "stable")}
    arr_cfg = copy.deepcopy(cfg)
    for p in specs.columns:
        if p in VARIABLE and p not in CAPABILITY and p != MEASURE:
            _set(arr_cfg, p, specs[p].to_numpy(dtype=float)[:, None])
    extra = dict(ev.extra)
    if MEASURE in specs and (specs[MEASURE] == MEASURES[1]).any():
        use = (specs[MEASURE] == MEASURES[1]).to_numpy()[:, None]
        agree = np.asarray(ev.extra.get("agree_ab", np.full(ev.grid.shape, np.nan)), dtype=float).reshape(ev.grid.shape)
        extra["agree_ab"] = np.where(use, np.nan, agree)
        extra.update(ideal or {})  # without ideal-point evidence the standard has no data there
    multi = Evidence(ev.grid, cfg, dims=dims, extra=extra, sources=ev.sources, vote_codes=ev.vote_codes)
    dec = decide(multi, arr_cfg)
    member = np.ones((1, len(ev.grid.years)), dtype=bool) if member is None else member
    return stable_stages(multi, dec, np.broadcast_to(member, (S, len(ev.grid.years)))).stage


def _shares(codes: np.ndarray) -> np.ndarray:
    """(len(OUTCOMES), T) shares of the rows of ``codes`` (S, T) at each stage."""
    out = np.stack([(codes == k).mean(axis=0) for k in range(4)] + [(codes < 0).mean(axis=0)])
    return out


def multiverse(a: Any = None, b: Any = None, start: int | None = None, end: int | None = None, *, space=None,
               config=None, store=None, assessment=None) -> pd.DataFrame:
    """For each year, the share of specifications at each stage (``none, potential,
    emerging, actual, unassessed``) over the whole space (``choice`` "all"), and with each
    choice held at each option (``choice``, ``option``), plus the default configuration's
    stage (``default_stage``) and the number of specifications (``n``).

    ``attrs``: ``specifications`` (one row per specification, with its stages by year),
    ``influence`` (per choice: the mean over years of the largest swing of a stage share
    between its options; higher = the verdict depends more on it), ``sentence`` (a
    quotable summary), ``space`` (the choices, options and reasons). ``assessment``: reuse
    a :func:`powergap.assess` result's pair, years and evidence."""
    res = evaluate(a, b, start, end, space=space, config=config, store=store, assessment=assessment)
    specs, years, stages = res["specs"], res["years"], res["stages"]
    sp: Space = res["space"]
    body, default = stages[:-1], stages[-1]
    dstage = [None if c < 0 else STAGES[c] for c in default]
    rows = []

    def emit(choice, option, codes):
        sh = _shares(codes)
        for t, y in enumerate(years):
            rows.append({"year": int(y), "choice": choice, "option": option, "n": int(codes.shape[0]),
                         **{o: float(sh[k, t]) for k, o in enumerate(OUTCOMES)}, "default_stage": dstage[t]})

    emit("all", None, body)
    influence = []
    for c in sp.choices:
        lab = specs[c.name].to_numpy()[:-1]
        per = []
        for o in c.labels:
            sel = body[lab == o]
            emit(c.name, o, sel)
            per.append(_shares(sel))
        swing = np.max(np.max(per, axis=0) - np.min(per, axis=0), axis=0)  # (T,)
        influence.append({"choice": c.name, "influence": float(swing.mean()) if len(swing) else 0.0,
                          "max_influence": float(swing.max()) if len(swing) else 0.0})
    df = pd.DataFrame(rows)
    inf = pd.DataFrame(influence).sort_values("influence", ascending=False, kind="stable", ignore_index=True)
    spec_out = specs.copy()
    for t, y in enumerate(years):
        spec_out[str(int(y))] = [None if c < 0 else STAGES[c] for c in stages[:, t]]
    df.attrs.update({"specifications": spec_out, "influence": inf, "space": space_dict(sp),
                     "a": res["a"].label, "b": res["b"].label, "names": (res["a"].name, res["b"].name),
                     "start": res["start"], "end": res["end"], "n_specifications": int(body.shape[0])})
    df.attrs["sentence"] = sentence(df)
    return df


def space_dict(sp: Space) -> dict:
    return {c.name: {"reason": c.reason, "options": dict(zip(c.labels, c.settings))} for c in sp.choices}


def sentence(df: pd.DataFrame) -> str:
    """One quotable sentence: the last year's share of specifications at or above the
    default's stage, and the choice the verdict depends on most."""
    a, b = df.attrs["names"]
    inf = df.attrs["influence"]
    df = pd.DataFrame(df, copy=False)  # a view without the attrs, which pandas deep-copies at every step
    allr = df[df["choice"] == "all"]
    if allr.empty:
        return "no years assessed"
    last = allr.iloc[-1]
    n = int(last["n"])
    st = last["default_stage"]
    most = inf.iloc[0]["choice"].replace("_", " ") if len(inf) and inf.iloc[0]["influence"] > 0 else None
    if st is None:
        text = (f"In {int(last['year'])}, the default specification leaves {a}-{b} unassessed; "
                f"{last['unassessed']:.0%} of {n:,} specifications do too")
    elif st == "none":
        text = f"In {int(last['year'])}, {last['none']:.0%} of {n:,} specifications find no stable asymmetry between {a} and {b}"
    else:
        k = STAGES.index(st)
        share = sum(last[s] for s in STAGES[k:])
        gap = float(last["unassessed"])
        if gap > 0:  # specifications whose data end before the year cannot vote: say so, not "below"
            m = n - int(round(gap * n))
            text = (f"In {int(last['year'])}, {m:,} of {n:,} specifications can assess {a}-{b} (the others lack "
                    f"data for that year); {share / (1 - gap):.0%} of those place it at '{st}' or above")
        else:
            text = f"In {int(last['year'])}, {share:.0%} of {n:,} specifications place {a}-{b} at '{st}' or above"
    return text + (f"; the verdict depends most on the {most}." if most else "; no choice moves the verdict.")


def to_json_dict(df: pd.DataFrame) -> dict:
    """The documented JSON (docs/assessment.md, "The multiverse")."""
    years = []
    for y, g in df.groupby("year", sort=True):
        allr = g[g["choice"] == "all"].iloc[0]
        by: dict[str, dict] = {}
        for _, r in g[g["choice"] != "all"].iterrows():
            by.setdefault(r["choice"], {})[r["option"]] = {o: round(float(r[o]), 6) for o in OUTCOMES}
        years.append({"year": int(y), "default_stage": allr["default_stage"],
                      "shares": {o: round(float(allr[o]), 6) for o in OUTCOMES}, "by_choice": by})
    return {"a": df.attrs["a"], "b": df.attrs["b"], "start": df.attrs["start"], "end": df.attrs["end"],
            "n_specifications": df.attrs["n_specifications"], "space": df.attrs["space"],
            "influence": [{k: (round(v, 6) if isinstance(v, float) else v) for k, v in r.items()}
                          for r in df.attrs["influence"].to_dict(orient="records")],
            "sentence": df.attrs["sentence"], "years": years}
