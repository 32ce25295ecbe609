"""Whose orbit? Many states between two powers, year by year (issue 20).

For each state and year, :func:`orbit` puts side by side, for two powers A and B, every
relational quantity of the one evidence layer (:mod:`powergap.measures.evidence`):

* **trade**: trade with the power over the state's total trade (:func:`~powergap.measures.evidence.trade_shares`);
* **arms**: the power's share of the state's arms imports over five years (SIPRI TIV,
  :func:`~powergap.measures.evidence.arms_import_share`);
* **investment**: the power's direct-investment position over the state's GDP (IMF DIP,
  :func:`~powergap.measures.evidence.investment_share`), where known;
* **votes**: UN General Assembly agreement (:func:`~powergap.measures.evidence.un_agreement`),
  or, in years with too few common roll calls, the distance between UN ideal points;

the stage of asymmetry with each power (the assessment engine, :mod:`powergap.assessment`),
and a **lean** per channel and overall by the rule of :class:`LeanRule` (``docs/orbit.md``):

* shares (trade, arms, investment): toward A when A's share is at least ``ratio`` (1.5)
  times B's, toward B the other way round, "balanced" otherwise, and "neither" when both
  shares are below ``min_share`` (1%); a state that imported no arms at all in the window
  has no arms lean (nothing to compare);
* votes: toward A when the agreement with A exceeds that with B by at least
  ``agreement_margin`` (0.05), or, from ideal points, the distance to A is smaller by at least
  ``distance_margin`` (0.25) (relative: which power the state votes *more* like, see
  ``docs/orbit.md`` for what that does and does not say);
* overall: the channels with data vote (toward A +1, toward B -1, balanced and neither 0);
  a tie between leaning channels goes to the trade lean; no channel with data = no data.

A missing quantity is "no data" (None) and never counts as 0 or "balanced". Regions are the
UN M49 sub-regions (``data/regions.tsv``, :func:`region_members`).
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from .errors import CoverageError, InputError

CHANNELS = ("trade", "arms", "investment", "votes")
BALANCED, NEITHER = "balanced", "neither"
NOT_MEMBER = "not a member of the state system"


@dataclass(frozen=True)
class LeanRule:
    """The documented lean rule (``docs/orbit.md``).

    ratio : a share channel leans toward the power whose share is at least this multiple of
        the other's.
    min_share : below this share with both powers, the channel leans toward "neither".
    agreement_margin : UN agreement with one power higher by at least this (0-1 scale).
    distance_margin : ideal-point distance to one power smaller by at least this.
    arms_window : years of SIPRI deliveries summed for the arms shares.
    """

    ratio: float = 1.5
    min_share: float = 0.01
    agreement_margin: float = 0.05
    distance_margin: float = 0.25
    arms_window: int = 5

    def __post_init__(self) -> None:
        if not self.ratio > 1:
            raise InputError(f"the lean ratio must be above 1, got {self.ratio}")
        for name in ("min_share", "agreement_margin", "distance_margin"):
            if not getattr(self, name) >= 0:
                raise InputError(f"{name} must be zero or more, got {getattr(self, name)}")
        if int(self.arms_window) < 1:
            raise InputError(f"arms_window must be at least 1, got {self.arms_window}")


# ============================================================================ regions

@functools.lru_cache(maxsize=1)
def regions() -> pd.DataFrame:
    """The shipped UN M49 sub-region of every COW state (``data/regions.tsv``: ``ccode,
    label, name, region, note``; source and method in its header and
    ``scripts/build_regions.py``)."""
    from importlib import resources

    path = resources.files("powergap") / "data" / "regions.tsv"
    with path.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, sep="\t", comment="#", dtype=str, keep_default_na=False, na_values=[])
    if list(df.columns) != ["ccode", "label", "name", "region", "note"]:
        raise InputError(f"regions.tsv: unexpected columns {list(df.columns)}")
    df["ccode"] = df["ccode"].astype(int)
    return df


def region_names() -> list[str]:
    return sorted(regions()["region"].unique())


def region_members(name: str) -> list[int]:
    """COW codes of the states in the UN M49 sub-region ``name`` (case and spacing ignored)."""
    key = " ".join(str(name).split()).lower()
    r = regions()
    hit = r[r["region"].str.lower() == key]
    if hit.empty:
        raise InputError(f"unknown region {name!r}: the UN M49 sub-regions are {', '.join(region_names())}")
    return sorted(hit["ccode"].tolist())


# ============================================================================ leans

def share_lean(sa: Any, sb: Any, rule: LeanRule) -> np.ndarray:
    """Lean of a share channel per row: "A", "B", "balanced", "neither" or None (no data)."""
    sa, sb = np.asarray(sa, float), np.asarray(sb, float)
    out = np.full(len(sa), None, dtype=object)
    ok = np.isfinite(sa) & np.isfinite(sb)
    big = ok & (np.fmax(sa, sb) >= rule.min_share)
    out[ok] = NEITHER
    out[big] = BALANCED
    out[big & (sa >= rule.ratio * sb)] = "A"
    out[big & (sb >= rule.ratio * sa)] = "B"
    return out


def margin_lean(closer_a: Any, margin: float) -> np.ndarray:
    """Lean from a signed difference (positive: closer to A): "A" at or above ``margin``,
    "B" at or below ``-margin``, "balanced" between, None where missing."""
    d = np.asarray(closer_a, float)
    out = np.full(len(d), None, dtype=object)
    ok = np.isfinite(d)
    out[ok] = BALANCED
    out[ok & (d >= margin)] = "A"
    out[ok & (d <= -margin)] = "B"
    return out


def overall_lean(leans: dict[str, np.ndarray]) -> np.ndarray:
    """The channels with data vote: toward A +1, toward B -1, balanced and neither 0; a tie
    between leaning channels goes to the trade lean; no channel with data: None."""
    n = len(next(iter(leans.values())))
    score = np.zeros(n)
    seen = np.zeros(n, dtype=bool)
    for v in leans.values():
        v = np.asarray(v, dtype=object)
        score += (v == "A").astype(float) - (v == "B").astype(float)
        seen |= np.array([x is not None for x in v])
    trade = np.asarray(leans.get("trade", np.full(n, None)), dtype=object)
    out = np.full(n, None, dtype=object)
    out[seen] = BALANCED
    out[seen & (score > 0)] = "A"
    out[seen & (score < 0)] = "B"
    tie = seen & (score == 0) & np.isin(trade, ["A", "B"])
    out[tie] = trade[tie]
    return out


# ============================================================================ the result

@dataclass
class Orbit:
    """The result of :func:`orbit`: one row per state-year (:attr:`frame`) with the evidence
    for both powers, the stage with each and the leans; :meth:`changes` and :meth:`spells`
    say when each lean changed."""

    a: Any  # State
    b: Any
    states: list[Any]
    start: int
    end: int
    frame: pd.DataFrame
    rule: LeanRule
    region: str | None = None
    world: bool = False
    source_keys: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def labels(self) -> tuple[str, str]:
        return self.a.label, self.b.label

    def sources(self) -> list[str]:
        return list(self.source_keys)

    def spells(self, state: Any, channel: str = "trade") -> list[dict]:
        """Runs of the same lean of one state on one channel ("lean" for the overall):
        ``[{"lean", "first", "last"}]`` with ``lean`` None for years without data."""
        col = _lean_col(channel)
        out: list[dict] = []
        for r in self._by_state[_ccode(state, self)]:
            y, v = r["year"], r[col]
            if out and out[-1]["lean"] == v and out[-1]["last"] == y - 1:
                out[-1]["last"] = y
            else:
                out.append({"lean": v, "first": int(y), "last": int(y)})
        return out

    def changes(self) -> list[dict]:
        """Every year a state's lean changed, per channel and overall: ``{state, channel,
        year, from, to, since, gap, kind}`` (``since``: the first year of the previous lean;
        years without data in between are skipped, ``gap`` says how many; ``kind``
        "evidence" when the lean rests on the same channels (and the same UN measure) in both
        years, "coverage" when a channel's data began or ended or the UN measure changed, so
        the change may be the data's rather than the state's)."""
        out = []
        for st in self.states:
            for ch in (*CHANNELS, "overall"):
                prev = None
                for sp in self.spells(st, ch):
                    if sp["lean"] is None:
                        continue
                    if prev is not None and sp["lean"] != prev["lean"]:
                        same = self._basis(st.ccode, prev["last"], ch) == self._basis(st.ccode, sp["first"], ch)
                        out.append({"state": self.label_of(st), "ccode": st.ccode, "channel": ch,
                                    "year": sp["first"], "from": prev["lean"], "to": sp["lean"], "since": prev["first"],
                                    "gap": sp["first"] - prev["last"] - 1, "kind": "evidence" if same else "coverage"})
                    if prev is None or sp["lean"] != prev["lean"]:
                        prev = dict(sp)
                    else:
                        prev["last"] = sp["last"]
        return out

    @functools.cached_property
    def _by_state(self) -> dict[int, list[dict]]:
        """Each state's rows (by COW code), in year order (lean columns only)."""
        cols = ["ccode", "label", "year", "votes_measure", *(f"lean_{c}" for c in CHANNELS), "lean"]
        out: dict[int, list[dict]] = {}
        for r in self.frame[cols].sort_values(["ccode", "year"]).to_dict("records"):
            out.setdefault(int(r["ccode"]), []).append(r)
        return out

    def label_of(self, state: Any) -> str:
        """The state's label in this result (its ISO3 code; with the COW code where two states
        of the result share one, as the two Yemens)."""
        return self._by_state[_ccode(state, self)][0]["label"]

    def _basis(self, ccode: int, year: int, channel: str) -> tuple:
        """What a lean rests on in a year: the channels with data (overall) and the UN measure."""
        rows = self._by_state[ccode]
        r = rows[year - rows[0]["year"]]
        chans = CHANNELS if channel in ("overall", "lean") else (channel,)
        return tuple(c for c in chans if r[f"lean_{c}"] is not None) + (
            (r["votes_measure"],) if "votes" in chans else ())

    def moved(self, state: Any, channel: str = "trade") -> dict:
        """When the state's lean on ``channel`` moved from B to A, if it did: ``{"moved",
        "last_b", "first_a", "text"}`` (``first_a``: the first year toward A after the last
        year toward B; ``text`` says it in words, with the spells)."""
        A, B = self.labels
        sp = [s for s in self.spells(state, channel) if s["lean"] is not None]
        last_b = max((s["last"] for s in sp if s["lean"] == B), default=None)
        first_a = None
        if last_b is not None:
            first_a = min((s["first"] for s in sp if s["lean"] == A and s["first"] > last_b), default=None)
        what = "trade lean" if channel == "trade" else ("overall lean" if channel in ("overall", "lean")
                                                         else f"{channel} lean")
        lab = self.label_of(state)
        runs = ", ".join(f"{_lean_text(s['lean'])} {_span(s['first'], s['last'])}" for s in self.spells(state, channel))
        if not sp:
            text = f"{lab}: no data for the {what} in {_span(self.start, self.end)}"
        elif first_a is not None:
            text = f"{lab}: {what} moved from {B} to {A} in {first_a} (last year toward {B}: {last_b})"
        elif last_b is not None:
            text = f"{lab}: {what} toward {B} until {last_b}; it has not moved to {A} since"
        elif any(s["lean"] == A for s in sp):
            first = min(s["first"] for s in sp if s["lean"] == A)
            text = f"{lab}: {what} never toward {B} in the years with data; toward {A} from {first}"
        else:
            text = f"{lab}: {what} never toward either power in the years with data"
        return {"state": lab, "channel": channel, "moved": first_a is not None, "last_b": last_b,
                "first_a": first_a, "text": f"{text}; by year: {runs}."}

    def summary(self) -> list[str]:
        """One line per state: when its trade lean moved from B to A, if it did."""
        return [self.moved(st, "trade")["text"] for st in self.states]

    def latest(self) -> pd.DataFrame:
        """Each state's row in the last year of the range."""
        return self.frame[self.frame["year"] == self.end].reset_index(drop=True)

    def to_dict(self) -> dict:
        rows = self.frame.astype(object).where(self.frame.notna(), None).to_dict("records")
        return {"between": list(self.labels), "names": {self.a.label: self.a.name, self.b.label: self.b.name},
                "start": self.start, "end": self.end, "region": self.region, "world": self.world,
                "states": [{"label": s.label, "name": s.name, "ccode": s.ccode} for s in self.states],
                "rule": asdict(self.rule), "summary": self.summary(),
                "moves": [self.moved(s, "trade") for s in self.states], "changes": self.changes(),
                "notes": list(self.notes), "sources": self.sources(), "rows": rows}

    def to_json(self) -> str:
        from .assess_core import to_json

        return to_json(self.to_dict())

    def report(self, path: str | Path, **kwargs) -> Path:
        from .report.orbit import write_orbit_report

        return write_orbit_report(self, path, **kwargs)


def _lean_col(channel: str) -> str:
    if channel in ("overall", "lean"):
        return "lean"
    if channel not in CHANNELS:
        raise InputError(f"unknown channel {channel!r}: one of {', '.join(CHANNELS)} or overall")
    return f"lean_{channel}"


def _ccode(state: Any, orb: Orbit) -> int:
    from .states import resolve

    st = resolve(state)
    if st.ccode not in orb._by_state:
        raise InputError(f"{st.name} is not one of the states of this orbit")
    return st.ccode


def _lean_text(v: Any) -> str:
    if v is None:
        return "no data"
    if v in (BALANCED, NEITHER, NOT_MEMBER):
        return v
    return f"toward {v}"


def _span(a: int, b: int) -> str:
    return str(a) if a == b else f"{a}-{b}"


# ============================================================================ computing

def _years(start: int | None, end: int | None, store) -> tuple[int, int]:
    hi = int(store.end_year)
    end = hi if end is None else end
    start = end - 30 if start is None else start
    for v, n in ((start, "start"), (end, "end")):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
            raise InputError(f"{n} year must be a whole number, got {v!r}")
    if start > end:
        raise InputError(f"start year {start} is after end year {end}")
    if start < 1816 or end > hi:
        raise CoverageError(f"years {_span(start, end)} are outside the data (1816-{hi})")
    return int(start), int(end)


@dataclass
class _Engine:
    """What the assessment engine gathered for the (state, power) dyads, years start..end:
    (dyads, years) arrays."""

    values: dict[str, np.ndarray]
    stage: np.ndarray | None
    stronger: np.ndarray | None


def _engine(store, codes: np.ndarray, powers: np.ndarray, start: int, end: int, rule: LeanRule, *,
            stages: bool) -> _Engine:
    """Every quantity for each (state, power) dyad and year, in one pass of the assessment
    engine (:func:`powergap.assessment.gather`, which takes each from the evidence layer), and
    the stage with its stronger side (``decide`` and ``stable_stages``: the path
    :func:`powergap.assess` takes). A quantity the engine did not gather (a series missing
    from the snapshot, another arms window) is asked of the evidence layer directly."""
    from . import assessment as AS
    from .assess_core import STAGES
    from .measures import evidence as E

    cfg = AS.load_config(None)
    codes, powers = np.asarray(codes, np.int64), np.asarray(powers, np.int64)
    grid = AS.dyad_grid(codes, powers, start, end, cfg)
    yrs = grid.years
    ev = AS.gather(grid, cfg, store=store)
    cols = (yrs >= start) & (yrs <= end)
    d = len(codes)
    t = int(cols.sum())
    a, b, y = codes.repeat(t), powers.repeat(t), np.tile(yrs[cols], d)

    def take(key: str, compute: Callable[[], np.ndarray], dtype=float) -> np.ndarray:
        if key in ev.extra:
            return np.asarray(ev.extra[key])[:, cols]
        return np.asarray(compute(), dtype=dtype).reshape(d, t)

    v = {"trade": take("trade_a_on_b", lambda: E.trade_shares(store, a, b, y).share_ab),
         "trade_label": take("trade_label", lambda: E.trade_shares(store, a, b, y).label, object),
         "investment": take("fdi_a_on_b", lambda: E.investment_share(store, a, b, y)[0]),
         "agree": take("agree_ab", lambda: E.un_agreement(store, a, b, y)[0]),
         "theta": take("theta_a", lambda: E.state_values(store, "ideal_point", a, y)),
         "theta_power": take("theta_b", lambda: E.state_values(store, "ideal_point", b, y))}
    if rule.arms_window == 5:  # the engine's window
        v["arms"] = take("arms_a_on_b", lambda: E.arms_import_share(store, a, b, y, width=5)[0])
        v["arms_tiv"] = take("arms_total_a", lambda: E.arms_import_share(store, a, b, y, width=5)[2])
    else:
        sh, _, tot = E.arms_import_share(store, a, b, y, width=rule.arms_window)
        v["arms"], v["arms_tiv"] = sh.reshape(d, t), tot.reshape(d, t)
    if not stages:
        return _Engine(v, None, None)
    dec = AS.decide(ev)
    stg = AS.stable_stages(ev, dec, AS.grid_members(store, grid))
    code = stg.stage[:, cols]
    names = np.array(STAGES, dtype=object)
    text = np.where(code >= 0, names[np.clip(code, 0, len(STAGES) - 1)], "unassessed").astype(object)
    text = np.where((code >= 0) & stg.at_least[:, cols], "at least " + text.astype(str), text).astype(object)
    sw = np.asarray(dec.sw)[:, cols]
    stronger = np.where(sw > 0, codes[:, None], np.where(sw < 0, powers[:, None], 0))
    return _Engine(v, text, np.where(code >= 0, stronger, 0))


def orbit(states: Sequence[Any] = (), *, between: Sequence[Any], region: str | None = None, world: bool = False,
          start: int | None = None, end: int | None = None, year: int | None = None, rule: LeanRule | None = None,
          stages: bool = True, store=None, progress: Callable[[str], None] | None = None) -> Orbit:
    """Which of two powers do these states lean toward, channel by channel, year by year?

    Parameters
    ----------
    states : the states (names or codes, see :func:`powergap.resolve`).
    between : the two powers, A and B.
    region : a UN M49 sub-region ("Central Asia"), added to ``states`` (the powers left out).
    world : every state of the system in ``year`` (or each year of the range).
    start, end : years (default: the 31 years up to the snapshot's last year); ``year``: one
        year (same as ``start=end=year``).
    rule : the lean rule (default :class:`LeanRule`).
    stages : compute the stage of asymmetry with each power (the assessment engine).

    Returns
    -------
    Orbit
        Rows per state-year (``frame``): the evidence for A (``*_a``) and B (``*_b``), the
        stage with each, the lean per channel (``lean_trade``...) and overall (``lean``).
    """
    from .measures import evidence as E
    from .snapshot.store import default_store
    from .states import resolve

    say = progress or (lambda m: None)
    rule = rule if rule is not None else LeanRule()
    if isinstance(between, (str, bytes)) or len(between) != 2:
        raise InputError("give two powers: between=(A, B)")
    sa, sb = resolve(between[0]), resolve(between[1])
    if sa.ccode == sb.ccode:
        raise InputError(f"the two powers must differ (got {sa.label} twice)")
    chosen = [resolve(s) for s in states]
    for s in chosen:
        if s.ccode in (sa.ccode, sb.ccode):
            raise InputError(f"{s.name} is one of the two powers: it cannot also be a state between them")
    notes = []
    if region is not None:
        from .states import state

        members = region_members(region)
        left = [c for c in members if c in (sa.ccode, sb.ccode)]
        if left:
            notes.append(f"{', '.join(state(c).label for c in left)} left out of {region}: one of the two powers")
        chosen += [state(c) for c in members if c not in (sa.ccode, sb.ccode)]
    default_end = end is None and year is None
    if year is not None:
        if start is not None or end is not None:
            raise InputError("give either year or start/end, not both")
        start = end = year
    st = store if store is not None else default_store()
    start, end = _years(start, end, st)
    yrs = np.arange(start, end + 1)
    if world:
        from .states import state

        codes = sorted({int(c) for c in E.region_codes(st)
                        if E.member(st, np.full(len(yrs), c), yrs).any()} - {sa.ccode, sb.ccode})
        chosen += [state(c) for c in codes]
    seen: dict[int, Any] = {}
    for s in chosen:
        seen.setdefault(s.ccode, s)
    chosen = list(seen.values())
    if not chosen:
        raise InputError("give the states between the two powers (or --region NAME, or --world)")
    # states never in the system in the range: refused when named, dropped from a region
    alive = []
    for s in chosen:
        if E.member(st, np.full(len(yrs), s.ccode), yrs).any():
            alive.append(s)
        elif region is not None or world:
            notes.append(f"{s.name} ({s.label}, COW {s.ccode}) left out: not a member of the state system in "
                         f"{_span(start, end)}")
        else:
            raise CoverageError(f"{s.name} is not a member of the state system in any year of {_span(start, end)}")
    chosen = alive
    if not chosen:
        raise CoverageError(f"no state of {region} is a member of the state system in {_span(start, end)}")
    for s in (sa, sb):
        if not E.member(st, np.full(len(yrs), s.ccode), yrs).any():
            raise CoverageError(f"{s.name} is not a member of the state system in any year of {_span(start, end)}")

    n = len(chosen)
    cc = np.repeat([s.ccode for s in chosen], len(yrs)).astype(np.int64)
    yy = np.tile(yrs, n).astype(np.int64)
    say("evidence and stages (the assessment engine)")
    eng = _engine(st, np.array([s.ccode for s in chosen] * 2, np.int64),
                  np.array([sa.ccode] * n + [sb.ccode] * n, np.int64), start, end, rule, stages=stages)
    va = {k: x[:n].ravel() for k, x in eng.values.items()}
    vb = {k: x[n:].ravel() for k, x in eng.values.items()}
    ua, ub = va["agree"].astype(float), vb["agree"].astype(float)
    da = np.abs(va["theta"] - va["theta_power"])
    db = np.abs(vb["theta"] - vb["theta_power"])
    use_agree = np.isfinite(ua) & np.isfinite(ub)
    use_ideal = ~use_agree & np.isfinite(da) & np.isfinite(db)
    # how far apart the two powers vote themselves (1 - their agreement, or the distance of
    # their ideal points): shown beside the state's values, so a lean between two powers that
    # vote alike (or a state far from both) can be read for what it is
    only = None if world else frozenset([s.ccode for s in chosen] + [sa.ccode, sb.ccode])
    pair = E.un_agreement(st, np.full(len(yrs), sa.ccode), np.full(len(yrs), sb.ccode), yrs, only=only)[0]
    apart = np.where(use_agree, 1 - np.tile(pair, n), np.abs(va["theta_power"] - vb["theta_power"]).astype(float))
    member = E.member(st, cc, yy)
    arms_tot = va["arms_tiv"].astype(float)

    leans = {
        "trade": share_lean(va["trade"], vb["trade"], rule),
        "arms": np.where(np.nan_to_num(arms_tot) > 0, share_lean(va["arms"], vb["arms"], rule), None),
        "investment": share_lean(va["investment"], vb["investment"], rule),
        "votes": np.where(use_agree, margin_lean(ua - ub, rule.agreement_margin),
                          np.where(use_ideal, margin_lean(db - da, rule.distance_margin), None)),
    }
    overall = overall_lean(leans)
    name = {"A": sa.label, "B": sb.label}
    shared = {lab for lab in (s.label for s in chosen) if sum(x.label == lab for x in chosen) > 1}
    label = {s.ccode: f"{s.label} (COW {s.ccode})" if s.label in shared else s.label for s in chosen}
    frame = pd.DataFrame({
        "ccode": cc, "label": [label[s.ccode] for s in chosen for _ in yrs],
        "name": [s.name for s in chosen for _ in yrs],
        "year": yy, "member": member,
        "trade_a": va["trade"].astype(float), "trade_b": vb["trade"].astype(float),
        "trade_source": [x if x == y else f"{x or 'no data'}/{y or 'no data'}"
                         for x, y in zip(va["trade_label"], vb["trade_label"])],
        "arms_a": va["arms"].astype(float), "arms_b": vb["arms"].astype(float), "arms_tiv": arms_tot,
        "investment_a": va["investment"].astype(float), "investment_b": vb["investment"].astype(float),
        "votes_measure": np.where(use_agree, "UN agreement", np.where(use_ideal, "ideal-point distance", None)),
        "votes_a": np.where(use_agree, ua, np.where(use_ideal, da, np.nan)),
        "votes_b": np.where(use_agree, ub, np.where(use_ideal, db, np.nan)),
        "votes_powers": np.where(use_agree, 1 - np.tile(pair, n), np.where(use_ideal, apart, np.nan)),
    })
    for ch in CHANNELS:
        frame[f"lean_{ch}"] = [name.get(v, v) for v in leans[ch]]
    frame["lean"] = [name.get(v, v) for v in overall]
    frame.loc[~member, [f"lean_{c}" for c in CHANNELS] + ["lean"]] = None
    if stages:
        lab = {s.ccode: s.label for s in (*chosen, sa, sb)}
        frame["stage_a"], frame["stage_b"] = eng.stage[:n].ravel(), eng.stage[n:].ravel()
        frame["stronger_a"] = [lab.get(int(c)) for c in eng.stronger[:n].ravel()]
        frame["stronger_b"] = [lab.get(int(c)) for c in eng.stronger[n:].ravel()]
    if default_end:  # without an explicit end: stop at the last year any state has a lean
        have = frame.loc[frame[[f"lean_{c}" for c in CHANNELS]].notna().any(axis=1), "year"]
        if len(have) and int(have.max()) < end:
            end = max(int(have.max()), start)
            frame = frame[frame["year"] <= end].reset_index(drop=True)
    f = frame
    # the trade sources the rows actually use (one per pair-year, "dots", "baci", "cow"), not every candidate
    used = {lab for v in f.loc[f[["trade_a", "trade_b"]].notna().any(axis=1), "trade_source"].dropna()
            for lab in str(v).split("/")}
    keys = E.sources_of(st, *[s for spec in E.TRADE_ORDER if spec[0] in used for s in spec[1:]])
    if "curated" in used:
        keys += E.sources_of(st, *E.TRADE_TOTALS_CURATED)
    if f["arms_a"].notna().any():
        keys += E.sources_of(st, E.ARMS, *E.ARMS_IMPORTS)
    if f[["investment_a", "investment_b"]].notna().any().any():
        keys += E.sources_of(st, E.FDI, E.GDP)
    if (f["votes_measure"] == "UN agreement").any():
        keys += E.un_sources(st)
    if (f["votes_measure"] == "ideal-point distance").any():
        keys += E.sources_of(st, "ideal_point")
    return Orbit(sa, sb, chosen, start, end, frame, rule, region=region, world=world,
                 source_keys=list(dict.fromkeys(keys)), notes=notes)


__all__ = ["orbit", "Orbit", "LeanRule", "regions", "region_members", "region_names", "share_lean", "margin_lean",
           "overall_lean"]
