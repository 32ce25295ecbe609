"""Check and evaluate claim expressions against a snapshot.

Two steps, both over the tree built by :mod:`powergap.claims.parse`:

* :func:`bind` checks every call before anything is computed: the function or series name
  is known, the arguments have the right number and kinds (series, country, year, group),
  countries resolve, years are plausible and ranges run forwards. Any problem is an
  :class:`~powergap.errors.InputError` naming the claim.
* :func:`evaluate` computes the value. Missing data never raise and never become zero: the
  value is ``None`` and :class:`Evaluation` lists what is missing (series, country, year,
  reason). Division by zero is treated the same way. The sources used (catalog source keys)
  and the curated facts used are collected as well.

The functions of the language are listed in :data:`FUNCTIONS` (docs/claims.md explains
them with examples).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Callable, Iterable

import numpy as np

from ..errors import InputError, PowergapError, UnknownStateError
from .parse import Call, Int, Name, Neg, Node, Num, to_text

YEAR_MIN, YEAR_MAX = 1700, 2100
MAX_RANGE = 300  # years in one sum/mean range


# ----------------------------------------------------------------------------- series names

@dataclass(frozen=True)
class SeriesInfo:
    """What the claim language knows about one series name."""

    id: str
    dyadic: bool
    symmetric: bool = False
    status: str = "snapshot"  # "snapshot" (in the catalog), "planned" or "wanted"
    description: str = ""
    zero_within_coverage: bool = False
    first_year: int | None = None
    last_year: int | None = None
    sources: tuple[str, ...] = ()


@functools.lru_cache(maxsize=1)
def series_registry() -> dict[str, SeriesInfo]:
    """Planned and wanted series (``claims/series_registry.yaml``), loaded strictly."""
    from ..validate import load_yaml_text

    text = (resources.files("powergap.claims") / "series_registry.yaml").read_text(encoding="utf-8")

    doc = load_yaml_text(text, "series_registry.yaml")
    out: dict[str, SeriesInfo] = {}
    planned = doc.get("planned", {})
    for kind in ("state_year", "dyadic", "symmetric"):
        for sid in planned.get(kind, []):
            out[str(sid)] = SeriesInfo(str(sid), dyadic=kind != "state_year", symmetric=kind == "symmetric",
                                       status="planned")
    for entry in doc.get("wanted", []):
        sid = str(entry["id"])
        if sid in out:
            raise InputError(f"series_registry.yaml: {sid!r} listed twice")
        out[sid] = SeriesInfo(sid, dyadic=bool(entry.get("dyadic", False)),
                              symmetric=bool(entry.get("symmetric", False)), status="wanted",
                              description=str(entry.get("description", "")))
    return out


# ----------------------------------------------------------------------------- signatures

# Argument kinds: S state-year series, D dyadic series, C country, Y year, G HS group,
# F a curated-fact id or curated series name.
@dataclass(frozen=True)
class FunctionSpec:
    name: str
    signatures: tuple[tuple[str, ...], ...]
    usage: str
    doc: str


def _spec(name: str, sigs: list[str], usage: str, doc: str) -> FunctionSpec:
    return FunctionSpec(name, tuple(tuple(s) for s in sigs), usage, doc)


FUNCTIONS: dict[str, FunctionSpec] = {f.name: f for f in [
    _spec("world", ["SY"], "world(SERIES, YEAR)", "sum over all states with a value that year"),
    _spec("share", ["SCY"], "share(SERIES, ISO3, YEAR)", "the state's value over world(SERIES, YEAR)"),
    _spec("sum", ["SCYY", "DCCYY"], "sum(SERIES, ISO3, Y0, Y1) or sum(DYADIC, A, B, Y0, Y1)",
          "sum over the years Y0..Y1 inclusive (every year needed)"),
    _spec("mean", ["SCYY", "DCCYY"], "mean(SERIES, ISO3, Y0, Y1) or mean(DYADIC, A, B, Y0, Y1)",
          "mean over the years Y0..Y1 inclusive (every year needed)"),
    _spec("max", ["SCYY", "DCCYY"], "max(SERIES, ISO3, Y0, Y1) or max(DYADIC, A, B, Y0, Y1)",
          "largest value over the years Y0..Y1 inclusive (every year needed)"),
    _spec("min", ["SCYY", "DCCYY"], "min(SERIES, ISO3, Y0, Y1) or min(DYADIC, A, B, Y0, Y1)",
          "smallest value over the years Y0..Y1 inclusive (every year needed)"),
    _spec("growth", ["SCYY", "DCCYY"], "growth(SERIES, ISO3, Y0, Y1) or growth(DYADIC, A, B, Y0, Y1)",
          "relative change v(Y1) / v(Y0) - 1"),
    _spec("change", ["SCYY", "DCCYY"], "change(SERIES, ISO3, Y0, Y1) or change(DYADIC, A, B, Y0, Y1)",
          "absolute change v(Y1) - v(Y0)"),
    _spec("rank", ["SCY"], "rank(SERIES, ISO3, YEAR)", "1 for the largest value among states that year"),
    _spec("rank_increase", ["SCYY"], "rank_increase(SERIES, ISO3, Y0, Y1)",
          "1 for the largest absolute increase from Y0 to Y1 among states with both values"),
    _spec("rank_decrease", ["SCYY"], "rank_decrease(SERIES, ISO3, Y0, Y1)",
          "1 for the largest absolute decrease from Y0 to Y1 among states with both values"),
    _spec("partner_rank", ["DCCY"], "partner_rank(DYADIC, A, B, YEAR)",
          "B's rank among A's partners (1 = largest value from A)"),
    _spec("ratio", ["SCCY"], "ratio(SERIES, A, B, YEAR)",
          "value of A over value of B; SERIES may be a capability dimension (military, economic, ...): "
          "its value from powergap.measures.capability.capability_panel, as in profile and assess"),
    _spec("dependence", ["CCY"], "dependence(A, B, YEAR)",
          "A's trade with B over A's total trade (powergap.measures.evidence.trade_shares, as in "
          "`powergap dependence` and `assess`)"),
    _spec("agreement", ["CCY"], "agreement(A, B, YEAR)",
          "UN General Assembly vote agreement (powergap.measures.evidence.un_agreement; missing "
          "below un_votes.min_roll_calls common roll calls, default 10)"),
    _spec("cinc", ["CY"], "cinc(ISO3, YEAR)", "the published NMC CINC score"),
    _spec("product_share", ["GCCY"], "product_share(GROUP, EXPORTER, IMPORTER, YEAR)",
          "share of an HS chapter group (data/hs_groups.yaml) in the exporter's exports to the importer"),
    _spec("curated", ["F", "FCY", "FCCY", "FCYY"],
          "curated(FACT_ID), curated(SERIES, A, YEAR), curated(SERIES, A, B, YEAR) or curated(SERIES, A, Y0, Y1)",
          "a curated fact (powergap.curated); the verdict is marked '(curated)'"),
]}

# Chapter ranges usable as product_share groups: hs27 (one chapter), hs84_89 (84 to 89).
_HS_RANGE = re.compile(r"hs(\d{2})(?:_(\d{2}))?")


def chapter_range(name: str) -> tuple[str, ...] | None:
    """Two-digit HS chapters of a range name ("hs25_27" -> 25, 26, 27; chapter 77 is reserved)."""
    m = _HS_RANGE.fullmatch(name)
    if not m:
        return None
    lo = int(m.group(1))
    hi = int(m.group(2)) if m.group(2) else lo
    if not 1 <= lo <= hi <= 99:
        return None
    return tuple(f"{c:02d}" for c in range(lo, hi + 1) if c != 77)




# ----------------------------------------------------------------------------- binding

@functools.lru_cache(maxsize=8)
def _dimensions(store) -> frozenset[str]:
    """Names of the capability registry's dimensions (usable as ``ratio(DIMENSION, A, B, YEAR)``)."""
    from ..measures.capability import load_registry

    return frozenset(load_registry(None, store=store).dimensions)


@dataclass(frozen=True)
class Country:
    """A country argument: the text as written and the state it resolved to."""

    text: str
    ccode: int
    label: str

    def code_in(self, year: int) -> int:
        """COW code in ``year`` (ISO3 DEU/YEM denote West Germany/North Yemen before 1990)."""
        return _year_code(self.text.upper(), self.ccode, year)


@functools.lru_cache(maxsize=4096)
def _year_code(text: str, ccode: int, year: int) -> int:
    if text not in ("DEU", "YEM"):
        return ccode
    import pandas as pd

    from ..states import iso3_to_ccode

    out = iso3_to_ccode(pd.Series([text]), pd.Series([year])).iloc[0]
    return ccode if pd.isna(out) else int(out)


@dataclass(frozen=True)
class Bound:
    """A checked call: what to compute and with which resolved arguments."""

    func: str  # a FUNCTIONS name, or "series" for SERIES(...) calls
    series: SeriesInfo | None
    countries: tuple[Country, ...]
    years: tuple[int, ...]
    name: str | None = None  # group id or curated fact/series name
    text: str = ""


class Binder:
    """Checks calls against the snapshot's catalog and the series registry."""

    def __init__(self, store):
        self.store = store
        self._catalog_index = {s["id"]: s for s in store.catalog.get("series", [])}

    def series_info(self, name: str) -> SeriesInfo | None:
        meta = self._catalog_index.get(name)
        if meta is not None:
            return SeriesInfo(name, dyadic=bool(meta.get("dyadic")), symmetric=bool(meta.get("symmetric")),
                              status="snapshot", description=str(meta.get("description", "")),
                              zero_within_coverage=bool(meta.get("zero_within_coverage")),
                              first_year=meta.get("first_year"), last_year=meta.get("last_year"),
                              sources=tuple(meta.get("sources") or [meta.get("source", "")]))
        return series_registry().get(name)

    def known_series(self) -> list[str]:
        return sorted(set(self._catalog_index) | set(series_registry()))

    def bind(self, node: Node, where: str) -> dict[Call, Bound]:
        from .parse import iter_calls

        out: dict[Call, Bound] = {}
        for call in iter_calls(node):
            if call not in out:
                out[call] = self.bind_call(call, where)
        return out

    # -- one call -----------------------------------------------------------------------
    def bind_call(self, call: Call, where: str) -> Bound:
        text = to_text(call)
        if call.name in FUNCTIONS:
            spec = FUNCTIONS[call.name]
            return self._bind_function(spec, call, text, where)
        info = self.series_info(call.name)
        if info is None:
            raise InputError(f"{where}: unknown function or series {call.name!r}{self._hint(call.name)}")
        sig = "CCY" if info.dyadic else "CY"
        usage = f"{call.name}(A, B, YEAR)" if info.dyadic else f"{call.name}(ISO3, YEAR)"
        if len(call.args) != len(sig):
            kind = "dyadic" if info.dyadic else "state-year"
            raise InputError(f"{where}: {call.name} is a {kind} series: write {usage} "
                             f"({len(call.args)} argument{'s' if len(call.args) != 1 else ''} given)")
        countries, years = self._args(call, sig, where, text)
        return Bound("series", info, countries, years, text=text)

    def _bind_function(self, spec: FunctionSpec, call: Call, text: str, where: str) -> Bound:
        sigs = [s for s in spec.signatures if len(s) == len(call.args)]
        if not sigs:
            raise InputError(f"{where}: {spec.name} takes {spec.usage}; {len(call.args)} argument"
                             f"{'s' if len(call.args) != 1 else ''} given in {text}")
        series = None
        name = None
        # The first argument decides between the state-year and dyadic forms.
        sig = sigs[0]
        if sig[0] in "SD":
            first = call.args[0]
            if not isinstance(first, Name):
                raise InputError(f"{where}: the first argument of {spec.name} must be a series id, not {first.value}")
            if spec.name == "ratio" and self.series_info(first.text) is None and first.text in _dimensions(self.store):
                # ratio(DIMENSION, A, B, YEAR): the capability engine's dimension value
                countries, years = self._args(call, ("D", "C", "C", "Y"), where, text)
                return Bound("dimension_ratio", None, countries, years, name=first.text, text=text)
            series = self.series_info(first.text)
            if series is None:
                raise InputError(f"{where}: unknown series {first.text!r} in {text}{self._hint(first.text)}")
            want = "D" if series.dyadic else "S"
            match = [s for s in sigs if s[0] == want]
            if not match:
                kind = "dyadic" if series.dyadic else "state-year"
                raise InputError(f"{where}: {spec.name} takes {spec.usage}; {first.text} is a {kind} series "
                                 f"(in {text})")
            sig = match[0]
        elif sig[0] in "GF":
            first = call.args[0]
            if not isinstance(first, Name):
                raise InputError(f"{where}: the first argument of {spec.name} must be a name (in {text})")
            name = first.text
            if len(sigs) > 1:  # curated(SERIES, A, B, YEAR) or curated(SERIES, A, Y0, Y1)
                sig = next(s for s in sigs if (s[2] == "Y") == isinstance(call.args[2], Int))
            if sig[0] == "G":
                self._check_group(name, where, text)
            else:
                self._check_curated(call, sig, where, text)
        countries, years = self._args(call, sig, where, text)
        if spec.name == "cinc":  # the published score is the snapshot's cinc series
            return Bound("series", self.series_info("cinc"), countries, years, text=text)
        if spec.name in ("sum", "mean", "max", "min", "growth", "change", "rank_increase", "rank_decrease") or \
                (spec.name == "curated" and len(years) == 2):
            y0, y1 = years
            if y0 > y1:
                raise InputError(f"{where}: years run backwards in {text} ({y0} > {y1})")
            if spec.name in ("growth", "change", "rank_increase", "rank_decrease") and y0 == y1:
                raise InputError(f"{where}: {spec.name} needs two different years (in {text})")
            if y1 - y0 + 1 > MAX_RANGE:
                raise InputError(f"{where}: year range too long in {text} (at most {MAX_RANGE} years)")
        return Bound(spec.name, series, countries, years, name=name, text=text)

    def _args(self, call: Call, sig: tuple[str, ...], where: str, text: str) -> tuple[tuple[Country, ...], tuple[int, ...]]:
        countries: list[Country] = []
        years: list[int] = []
        for arg, kind in zip(call.args, sig):
            if kind == "C":
                countries.append(self._country(arg, where, text))
            elif kind == "Y":
                if not isinstance(arg, Int):
                    raise InputError(f"{where}: expected a year where {arg.text!r} stands in {text}")
                if not YEAR_MIN <= arg.value <= YEAR_MAX:
                    raise InputError(f"{where}: year {arg.value} out of range {YEAR_MIN}-{YEAR_MAX} in {text}")
                years.append(arg.value)
        if len(countries) == 2 and countries[0].ccode == countries[1].ccode:
            raise InputError(f"{where}: the same country twice in {text}")
        return tuple(countries), tuple(years)

    def _country(self, arg, where: str, text: str) -> Country:
        from ..states import resolve

        query = arg.value if isinstance(arg, Int) else arg.text
        try:
            st = resolve(query)
        except UnknownStateError as exc:
            raise InputError(f"{where}: {exc} (in {text})") from None
        return Country(str(query), st.ccode, st.label)

    def _check_group(self, name: str, where: str, text: str) -> None:
        if chapter_range(name) is not None:
            return
        if _HS_RANGE.fullmatch(name):
            raise InputError(f"{where}: bad HS chapter range {name!r} in {text} (write hsNN or hsNN_MM, "
                             "chapters 01-99, first <= last)")
        try:
            from ..sources.products import hs_groups
        except ImportError:  # product-trade support not installed: the claim will be unverifiable
            return
        groups = hs_groups()
        if name not in groups:
            raise InputError(f"{where}: unknown HS group {name!r} in {text}; known: {', '.join(sorted(groups))}, "
                             "or a chapter range such as hs84_89")

    def _check_curated(self, call: Call, sig: tuple[str, ...], where: str, text: str) -> None:
        """A curated() name must be a fact id (one argument) or a series of some fact."""
        try:
            cur = importlib.import_module("powergap.curated")
        except ModuleNotFoundError:  # no curated facts installed: the claim will be unverifiable
            return
        name = call.args[0].text
        facts = list(cur.load_facts())
        if len(sig) == 1:
            if _find_fact(cur, name) is None:
                known = sorted(str(_fact_attr(f, "id")) for f in facts)
                raise InputError(f"{where}: no curated fact {name!r} in {text}; known: {', '.join(known[:12])}"
                                 f"{' ...' if len(known) > 12 else ''}")
        else:
            series = sorted({str(_fact_attr(f, "series")) for f in facts})
            if name not in series:
                raise InputError(f"{where}: no curated facts for series {name!r} in {text}; "
                                 f"curated series: {', '.join(series)}")

    def _hint(self, name: str) -> str:
        import difflib

        pool = list(FUNCTIONS) + self.known_series()
        close = difflib.get_close_matches(name, pool, n=3)
        return f"; closest: {', '.join(close)}" if close else "; see docs/claims.md and 'powergap data info'"


# ----------------------------------------------------------------------------- evaluation

@dataclass
class Evaluation:
    """What evaluating one expression produced besides its value."""

    sources: list[str] = field(default_factory=list)
    facts: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)

    def add_sources(self, keys) -> None:
        for k in keys:
            k = str(k)
            if k and k not in self.sources:
                self.sources.append(k)

    def add_missing(self, *, series: str, country: str | None = None, year: Any = None, reason: str) -> None:
        entry = {"series": series, "country": country, "year": year, "reason": reason}
        if entry not in self.missing:
            self.missing.append(entry)

    @property
    def curated(self) -> bool:
        return bool(self.facts)


class _Arrays:
    """One series as numpy arrays, rows grouped by year for fast lookups."""

    def __init__(self, df, dyadic: bool):
        import pandas as pd

        # rows in year order (stable: within a year, as the store gives them), on arrays: a
        # claim file reads series of a few hundred thousand rows
        order = np.argsort(df["year"].to_numpy(dtype=np.int64), kind="stable")
        self.year = df["year"].to_numpy(dtype=np.int64)[order]
        self.value = df["value"].to_numpy(dtype=float)[order]
        src = df["source"]
        if src.dtype != object or pd.api.types.infer_dtype(src, skipna=False) != "string":
            src = src.astype(str)  # the store gives str already; anything else is written as text
        self.source = src.to_numpy(dtype=object)[order]
        if dyadic:
            self.c1 = df["ccode1"].to_numpy(dtype=np.int64)[order]
            self.c2 = df["ccode2"].to_numpy(dtype=np.int64)[order]
        else:
            self.c = df["ccode"].to_numpy(dtype=np.int64)[order]
        self.dyadic = dyadic

    def year_slice(self, year: int) -> slice:
        lo = int(np.searchsorted(self.year, year, side="left"))
        hi = int(np.searchsorted(self.year, year, side="right"))
        return slice(lo, hi)


class Evaluator:
    """Evaluates bound expressions against one store (caching series arrays)."""

    def __init__(self, store):
        self.store = store
        self._arrays: dict[str, _Arrays] = {}
        self._measured: dict[tuple, tuple] = {}  # (function, states, year) -> result or error
        self._trade: dict[tuple[int, int, int], tuple[Any, int]] = {}  # (a, b, year) -> (TradeShares, row)

    def prepare(self, bounds: Iterable[Any]) -> None:
        """Compute at once what the calls among ``bounds`` would ask one at a time: the trade
        dependence of every ``dependence(A, B, YEAR)`` (the one trade function works row by
        row, so each row is what a call of its own gives; tests/test_fast_paths.py checks
        it). A failure here leaves each call to ask, and report, on its own."""
        keys = sorted({(int(b.countries[0].ccode), int(b.countries[1].ccode), int(b.years[0])) for b in bounds
                       if isinstance(b, Bound) and b.func == "dependence" and len(b.countries) == 2 and b.years})
        if len(keys) < 2:
            return
        from ..measures.evidence import trade_shares

        c1, c2, yy = (np.array(col, dtype=np.int64) for col in zip(*keys))
        try:
            ts = trade_shares(self.store, c1, c2, yy)
        except PowergapError:
            return
        self._trade.update({k: (ts, i) for i, k in enumerate(keys)})

    # -- data access --------------------------------------------------------------------
    def arrays(self, info: SeriesInfo) -> _Arrays:
        if info.id not in self._arrays:
            df = self.store.series(info.id, directed=True)
            self._arrays[info.id] = _Arrays(df, info.dyadic)
        return self._arrays[info.id]

    def _absent(self, info: SeriesInfo, year: int, codes: tuple[int, ...] = ()) -> float | None:
        """Value of an absent row: 0 inside the coverage of a sparse series for states that
        are system members in the year (the evidence layer's rule), else missing."""
        from ..measures.evidence import absent_means_zero, coverage, member

        if info.id in self.store.series_index:  # the snapshot's flag and coverage, as everywhere
            if not absent_means_zero(self.store, info.id):
                return None
            first, last = coverage(self.store, info.id)
        elif info.zero_within_coverage and info.first_year is not None and info.last_year is not None:
            first, last = info.first_year, info.last_year
        else:
            return None
        if not first <= year <= last:
            return None
        if codes and not member(self.store, np.asarray(codes, dtype=np.int64), np.full(len(codes), year)).all():
            return None
        return 0.0

    def lookup(self, info: SeriesInfo, countries: tuple[Country, ...], year: int, ev: Evaluation) -> float | None:
        label = _pair(countries, symmetric=info.symmetric)
        if info.status != "snapshot":
            why = ("not in this snapshot (a planned series; rebuild the snapshot with its source)"
                   if info.status == "planned" else "no source provides it yet (a wanted series)")
            ev.add_missing(series=info.id, country=label, year=year, reason=why)
            return None
        arr = self.arrays(info)
        sl = arr.year_slice(year)
        if info.dyadic:
            a, b = countries[0].code_in(year), countries[1].code_in(year)
            hit = np.flatnonzero((arr.c1[sl] == a) & (arr.c2[sl] == b))
        else:
            hit = np.flatnonzero(arr.c[sl] == countries[0].code_in(year))
        if hit.size:
            i = sl.start + int(hit[0])
            ev.add_sources([arr.source[i]])
            return float(arr.value[i])
        zero = self._absent(info, year, tuple(int(c.code_in(year)) for c in countries))
        if zero is not None:
            ev.add_sources(info.sources)
            return zero
        ev.add_missing(series=info.id, country=label, year=year, reason="no value")
        return None

    def year_values(self, info: SeriesInfo, year: int, ev: Evaluation) -> tuple[np.ndarray, np.ndarray] | None:
        """All states' values of a state-year series in ``year`` (codes, values)."""
        if info.status != "snapshot":
            self.lookup(info, (), year, ev)
            return None
        arr = self.arrays(info)
        sl = arr.year_slice(year)
        if sl.stop == sl.start:
            if self._absent(info, year) is not None:
                ev.add_sources(info.sources)
                return np.array([], dtype=np.int64), np.array([], dtype=float)
            ev.add_missing(series=info.id, country="all states", year=year, reason="no value for any state")
            return None
        ev.add_sources(sorted(set(arr.source[sl])))
        return arr.c[sl], arr.value[sl]

    # -- expression -----------------------------------------------------------------------
    def evaluate(self, node: Node, bound: dict[Call, Bound], ev: Evaluation) -> float | None:
        value = self._eval(node, bound, ev)
        if value is not None and not math.isfinite(value):
            ev.add_missing(series=to_text(node), reason="the value is not a finite number")
            return None
        return value

    def _eval(self, node: Node, bound: dict[Call, Bound], ev: Evaluation) -> float | None:
        if isinstance(node, Num):
            return node.value
        if isinstance(node, Neg):
            v = self._eval(node.operand, bound, ev)
            return None if v is None else -v
        if isinstance(node, Call):
            return self.call(bound[node], ev)
        # Chain: evaluate every operand (to list everything missing), then combine.
        acc = self._eval(node.first, bound, ev)
        for op, operand in node.rest:
            v = self._eval(operand, bound, ev)
            if acc is None or v is None:
                acc = None
                continue
            if op == "+":
                acc = acc + v
            elif op == "-":
                acc = acc - v
            elif op == "*":
                acc = acc * v
            else:
                if v == 0:
                    ev.add_missing(series=to_text(operand), reason="division by zero")
                    acc = None
                    continue
                acc = acc / v
            if not math.isfinite(acc):
                ev.add_missing(series=to_text(node), reason="the value is not a finite number")
                acc = None
        return acc

    # -- functions --------------------------------------------------------------------------
    def call(self, b: Bound, ev: Evaluation) -> float | None:
        f = b.func
        if f == "series":
            return self.lookup(b.series, b.countries, b.years[0], ev)
        if f in ("sum", "mean", "max", "min", "growth", "change"):
            return self._over_years(b, ev)
        if f == "world":
            got = self.year_values(b.series, b.years[0], ev)
            return None if got is None else float(got[1].sum())
        if f == "share":
            v = self.lookup(b.series, b.countries, b.years[0], ev)
            got = self.year_values(b.series, b.years[0], ev)
            if v is None or got is None:
                return None
            total = float(got[1].sum())
            if total == 0:
                ev.add_missing(series=f"world({b.series.id}, {b.years[0]})", year=b.years[0], reason="division by zero")
                return None
            return v / total
        if f == "rank":
            v = self.lookup(b.series, b.countries, b.years[0], ev)
            got = self.year_values(b.series, b.years[0], ev)
            if v is None or got is None:
                return None
            return float(1 + int((got[1] > v).sum()))
        if f in ("rank_increase", "rank_decrease"):
            return self._rank_change(b, ev)
        if f == "partner_rank":
            return self._partner_rank(b, ev)
        if f == "dimension_ratio":
            return self._dimension_ratio(b, ev)
        if f == "ratio":
            a = self.lookup(b.series, b.countries[:1], b.years[0], ev)
            c = self.lookup(b.series, b.countries[1:], b.years[0], ev)
            if a is None or c is None:
                return None
            if c == 0:
                ev.add_missing(series=b.series.id, country=b.countries[1].label, year=b.years[0],
                               reason="division by zero (the denominator is 0)")
                return None
            return a / c
        if f == "dependence":
            return self._measure(b, ev, module="powergap.measures.dependence", function="trade_dependence",
                                 column="a_on_b_share", source_columns=("source_trade", "source_total"),
                                 fallback_series="trade_exports_usd", first=self._trade_row)
        if f == "agreement":
            return self._measure(b, ev, module="powergap.measures.alignment", function="vote_agreement",
                                 column="agreement", fallback_table="un_votes")
        if f == "product_share":
            return self._product_share(b, ev)
        if f == "curated":
            return self._curated(b, ev)
        raise AssertionError(f"unhandled function {f}")  # every FUNCTIONS entry is handled above

    def _dimension_ratio(self, b: Bound, ev: Evaluation) -> float | None:
        """A over B on a capability dimension, from the one capability engine
        (:func:`powergap.measures.capability.capability_panel`, default stability window)."""
        from ..measures.capability import capability_panel, load_registry

        (a, c), year = b.countries, b.years[0]
        reg = load_registry(None, store=self.store)
        p = capability_panel([a.code_in(year)], [c.code_in(year)], [year], registry=reg, dimensions=[b.name],
                             store=self.store).dimensions[b.name]
        used = p.series[0, 0]
        if used is None:
            ev.add_missing(series=b.name, country=_pair(b.countries), year=year,
                           reason="no series of the dimension has values for both states")
            return None
        ev.add_sources(p.sources[used])
        if p.b[0, 0] == 0:
            ev.add_missing(series=f"{b.name} ({used})", country=c.label, year=year,
                           reason="division by zero (the denominator is 0)")
            return None
        return float(p.a[0, 0] / p.b[0, 0])

    def _over_years(self, b: Bound, ev: Evaluation) -> float | None:
        y0, y1 = b.years
        if b.func in ("growth", "change"):
            years = [y0, y1]
        else:
            years = list(range(y0, y1 + 1))
        # Collect quietly first so that a long range reports its missing years compactly.
        sub = Evaluation()
        vals = [self.lookup(b.series, b.countries, y, sub) for y in years]
        ev.add_sources(sub.sources)
        missing_years = [y for y, v in zip(years, vals) if v is None]
        if missing_years:
            reason = "; ".join(sorted({m["reason"] for m in sub.missing}))
            ev.add_missing(series=b.series.id, country=_pair(b.countries, symmetric=b.series.symmetric),
                           year=_years_text(missing_years), reason=reason)
            return None
        if b.func == "sum":
            return float(sum(vals))
        if b.func == "mean":
            return float(sum(vals) / len(vals))
        if b.func == "max":
            return float(max(vals))
        if b.func == "min":
            return float(min(vals))
        if b.func == "change":
            return vals[1] - vals[0]
        if vals[0] == 0:
            ev.add_missing(series=b.series.id, country=_pair(b.countries), year=y0,
                           reason="division by zero (the first year's value is 0)")
            return None
        return vals[1] / vals[0] - 1

    def _rank_change(self, b: Bound, ev: Evaluation) -> float | None:
        y0, y1 = b.years
        v0 = self.lookup(b.series, b.countries, y0, ev)
        v1 = self.lookup(b.series, b.countries, y1, ev)
        a = self.year_values(b.series, y0, ev)
        c = self.year_values(b.series, y1, ev)
        if v0 is None or v1 is None or a is None or c is None:
            return None
        first = dict(zip(a[0].tolist(), a[1].tolist()))
        changes = np.array([v - first[k] for k, v in zip(c[0].tolist(), c[1].tolist()) if k in first], dtype=float)
        own = v1 - v0
        if b.func == "rank_increase":
            return float(1 + int((changes > own).sum()))
        return float(1 + int((changes < own).sum()))

    def _partner_rank(self, b: Bound, ev: Evaluation) -> float | None:
        year = b.years[0]
        v = self.lookup(b.series, b.countries, year, ev)
        if v is None:
            return None
        arr = self.arrays(b.series)
        sl = arr.year_slice(year)
        mine = arr.c1[sl] == b.countries[0].code_in(year)
        ev.add_sources(sorted(set(arr.source[sl][mine])))
        return float(1 + int((arr.value[sl][mine] > v).sum()))

    def _trade_row(self, a: Country, c: Country, year: int):
        """``a``'s trade dependence on ``c`` in ``year`` straight from the one trade function
        (:func:`powergap.measures.evidence.trade_shares`, which ``trade_dependence`` reports
        too), as the one-row frame ``trade_dependence`` would give; None when there is no
        share, so that the measure itself says why."""
        import pandas as pd

        from ..measures.evidence import trade_shares

        ts, i = self._trade.get((int(a.ccode), int(c.ccode), int(year))) or (
            trade_shares(self.store, np.array([a.ccode]), np.array([c.ccode]), np.array([year])), 0)
        if not np.isfinite(ts.share_ab[i]):
            return None
        one = slice(i, i + 1)
        return pd.DataFrame({"year": [year], "a_on_b_share": ts.share_ab[one], "source_trade": ts.source[one],
                             "source_total": ts.source_total_a[one], "curated": ts.curated[one],
                             "fact_ids": ts.fact_ids[one], "citation": ts.citation[one]})

    def _measure(self, b: Bound, ev: Evaluation, *, module: str, function: str, column: str,
                 source_columns: tuple[str, ...] = ("source", "sources"),
                 fallback_series: str | None = None, fallback_table: str | None = None,
                 first: Callable[[Country, Country, int], Any] | None = None) -> float | None:
        """``column`` of ``module.function(a, c, start=year, end=year)`` in the claim's year;
        ``first`` (optional) gives that row faster, or None to ask the function itself."""
        a, c = b.countries
        year = b.years[0]
        label = _pair(b.countries)
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                ev.add_missing(series=b.func, country=label, year=year,
                               reason=f"{module} is not available in this installation")
                return None
            raise
        fn = getattr(mod, function, None)
        if fn is None:
            ev.add_missing(series=b.func, country=label, year=year, reason=f"{module}.{function} is not available")
            return None
        kwargs: dict[str, Any] = {"start": year, "end": year}
        try:
            params = inspect.signature(fn).parameters
        except (TypeError, ValueError):
            params = {}
        if "store" in params:
            kwargs["store"] = self.store
        key = (module, function, a.label, c.label, year)
        try:
            if key not in self._measured and first is not None:
                quick = first(a, c, year)
                if quick is not None:
                    self._measured[key] = (quick, None)
            if key not in self._measured:  # a file asking the same pair and year again is not slower
                try:
                    self._measured[key] = (fn(a.label, c.label, **kwargs), None)
                except PowergapError as exc:
                    self._measured[key] = (None, exc)
            df, err = self._measured[key]
            if err is not None:
                raise err
        except PowergapError as exc:
            ev.add_missing(series=b.func, country=label, year=year, reason=str(exc).splitlines()[0] if str(exc) else
                           type(exc).__name__)
            return None
        if df is None or column not in getattr(df, "columns", ()):
            ev.add_missing(series=b.func, country=label, year=year, reason=f"{function} returned no {column!r} column")
            return None
        rows = df[df["year"] == year] if "year" in df.columns else df
        vals = rows[column].dropna() if len(rows) else rows[column]
        if len(vals) == 0:
            note = _cell(rows, "note") if len(rows) else None
            ev.add_missing(series=b.func, country=label, year=year, reason=str(note) if note else "no value")
            return None
        value = float(vals.iloc[0])
        if not math.isfinite(value):
            ev.add_missing(series=b.func, country=label, year=year, reason="no value")
            return None
        row = rows.loc[vals.index[:1]]
        used = _frame_sources(row, source_columns)
        if not used and _cell(row, "curated") is not True:
            catalog = self.store.catalog
            if fallback_series:
                meta = {s["id"]: s for s in catalog.get("series", [])}.get(fallback_series)
                if meta:
                    used = list(meta.get("sources") or [meta.get("source")])
            if fallback_table:
                t = catalog.get("tables", {}).get(fallback_table)
                if t:
                    used = [t.get("source")]
        # The measure may itself fall back on curated figures (trade_dependence does for
        # years no dataset covers): the claim is then marked curated like a curated() call.
        if _cell(row, "curated") is True:
            ids = str(_cell(row, "fact_ids") or "")
            cite = _cell(row, "citation")
            for fid in [x.strip() for x in ids.split(",") if x.strip()] or [f"{b.func}-{label}-{year}"]:
                rec = {"id": fid, "via": f"{b.func}({label}, {year})"}
                if cite:
                    rec["citation"] = cite
                if rec not in ev.facts:
                    ev.facts.append(rec)
                used.append(f"curated:{fid}")
        ev.add_sources(used)
        return value

    def _product_share(self, b: Bound, ev: Evaluation) -> float | None:
        exporter, importer = b.countries
        year = b.years[0]
        label = f"{exporter.label}->{importer.label}"
        series = f"product_share({b.name})"
        try:
            from ..sources import products
        except ImportError:
            ev.add_missing(series=series, country=label, year=year, reason="product-trade support is not installed")
            return None
        try:
            df = products.product_trade(self.store)
        except PowergapError as exc:
            ev.add_missing(series=series, country=label, year=year, reason=str(exc))
            return None
        cell = df[(df["exporter"] == exporter.code_in(year)) & (df["importer"] == importer.code_in(year))
                  & (df["year"] == year)]
        if cell.empty:
            ev.add_missing(series=series, country=label, year=year, reason="no product-level trade data")
            return None
        # Sources overlap (OEC HS4 is BACI summed): use one, the first listed, at its finest level.
        src = str(cell["source"].iloc[0])
        part = cell[cell["source"] == src]
        part = part[part["hs_level"] == part["hs_level"].max()]
        share = products.hs_group_share(part, chapter_range(b.name) or b.name)
        if not math.isfinite(share):
            ev.add_missing(series=series, country=label, year=year, reason="no trade value")
            return None
        ev.add_sources([src])
        return float(share)

    def _curated(self, b: Bound, ev: Evaluation) -> float | None:
        year = b.years[0] if len(b.years) == 1 else (_years_text(list(b.years)) if b.years else None)
        label = _pair(b.countries) if b.countries else None
        what = f"curated({b.name})"
        try:
            cur = importlib.import_module("powergap.curated")
        except ModuleNotFoundError as exc:
            if exc.name and "powergap.curated".startswith(exc.name):
                ev.add_missing(series=what, country=label, year=year, reason="curated facts are not available")
                return None
            raise
        if not b.countries:
            fact = _find_fact(cur, b.name)
            if fact is None:
                ev.add_missing(series=what, reason="no curated fact with this id")
                return None
            value = _fact_attr(fact, "value")
        else:
            codes = [c.label for c in b.countries]
            a_, b_ = codes[0], (codes[1] if len(codes) > 1 else None)
            if len(b.years) == 2:
                got = cur.fact_value(b.name, a_, b_, period=(b.years[0], b.years[1]))
            else:
                got = cur.fact_value(b.name, a_, b_, year=b.years[0])
            if got is None:
                ev.add_missing(series=what, country=label, year=year, reason="no curated fact")
                return None
            value, fact = got
        try:
            value = float(value)
        except (TypeError, ValueError):
            value = float("nan")
        if not math.isfinite(value):
            ev.add_missing(series=what, country=label, year=year, reason="the curated fact has no numeric value")
            return None
        fid = str(_fact_attr(fact, "id") or b.name)
        record = {"id": fid, "value": value}
        for key in ("series", "year", "period", "unit", "source", "note"):
            v = _fact_attr(fact, key)
            if v is None or isinstance(v, dict):
                continue
            if isinstance(v, (tuple, list)):
                record[key] = [int(x) if isinstance(x, (int, np.integer)) else str(x) for x in v]
            else:
                record[key] = v if isinstance(v, (int, float, bool)) else str(v)
        if record not in ev.facts:
            ev.facts.append(record)
        ev.add_sources([f"curated:{fid}"])
        return value


def _cell(df, column: str):
    """First value of a column as a plain Python object (None when absent or NA)."""
    if column not in getattr(df, "columns", ()) or len(df) == 0:
        return None
    v = df[column].iloc[0]
    try:
        import pandas as pd

        if v is None or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, np.bool_):
        return bool(v)
    return v if not isinstance(v, str) or v.strip() else None


def _fact_attr(fact, key: str):
    if isinstance(fact, dict):
        return fact.get(key)
    return getattr(fact, key, None)


def _norm_id(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in str(text)).lower()


def _find_fact(cur, fact_id: str):
    facts = cur.load_facts()
    items = facts.values() if isinstance(facts, dict) else facts
    if isinstance(facts, dict) and fact_id in facts:
        return facts[fact_id]
    want = _norm_id(fact_id)
    for f in items:
        if _norm_id(_fact_attr(f, "id") or "") == want:
            return f
    return None


def _frame_sources(df, columns: tuple[str, ...]) -> list[str]:
    """Catalog source keys named in a measure's source columns ("imf_dots+cow_trade", ...)."""
    out: list[str] = []
    for col in columns:
        if col in getattr(df, "columns", ()):
            for v in df[col].dropna().astype(str):
                for part in v.replace(";", ",").replace("+", ",").split(","):
                    part = part.strip().split(" (")[0].strip()  # "cepii_baci (sum of product flows)"
                    if part and part != "curated" and part not in out:
                        out.append(part)
    return out


def _pair(countries: tuple[Country, ...], *, symmetric: bool = False) -> str | None:
    """How missing entries name the countries: "RUS", "RUS->CHN" (directed), "CHN-RUS" (symmetric)."""
    if not countries:
        return None
    return ("-" if symmetric else "->").join(c.label for c in countries)


def _years_text(years: list[int]) -> str | int:
    """Compact year list: 2019 / "2014-2016" / "2001, 2004-2006"."""
    if len(years) == 1:
        return years[0]
    runs = []
    start = prev = years[0]
    for y in years[1:]:
        if y == prev + 1:
            prev = y
            continue
        runs.append((start, prev))
        start = prev = y
    runs.append((start, prev))
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)
