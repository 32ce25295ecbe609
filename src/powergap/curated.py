"""Curated facts: published figures that no raw dataset covers, each with its citation.

The facts live in ``powergap/data/curated_facts.yaml`` (a reviewed copy of
``shared/data/curated/facts.yaml``): China-Russia trade 2022-2024 from China's customs,
Russia's 2023 trade turnover, SIPRI's 2020-24 shares of world arms exports, and so on.
They are never mixed silently into computed series: whoever uses one shows it as
"curated" together with its ``source``.

Each YAML entry is a mapping with these keys (others are an error):

``id``       unique identifier (required)
``series``   what the figure measures, e.g. ``trade_total`` (required)
``source``   who published it, where and when (required)
one subject: ``countries`` (a list of one or more states; a pair is order-free),
             ``from`` and ``to`` (a directed pair), or ``values`` (state -> figure)
one time:    ``year`` or ``period: [first, last]``
``value``    the figure (required unless ``values`` is given)
``unit``, ``note``  optional text

States may be written as anything :func:`powergap.states.resolve` accepts (ISO3 codes in
the shipped file). Numbers may be written as YAML numbers or numeric strings such as
``190.27e9`` (PyYAML reads exponents without a sign as strings).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from .errors import InputError, UnknownStateError

ALLOWED_KEYS = frozenset({"id", "series", "countries", "from", "to", "year", "period", "value", "values",
                          "unit", "source", "note"})


@dataclass(frozen=True)
class Fact:
    """One published figure with its citation.

    ``countries`` / ``from_`` / ``to`` / ``values`` hold the states as written in the file;
    ``ccodes``, ``from_ccode``, ``to_ccode`` and ``value_by_ccode`` the resolved COW codes.
    """

    id: str
    series: str
    source: str
    year: int | None = None
    period: tuple[int, int] | None = None
    value: float | None = None
    values: Mapping[str, float] | None = None
    countries: tuple[str, ...] = ()
    from_: str | None = None
    to: str | None = None
    unit: str | None = None
    note: str | None = None
    ccodes: frozenset[int] = field(default=frozenset(), repr=False)
    from_ccode: int | None = field(default=None, repr=False)
    to_ccode: int | None = field(default=None, repr=False)
    value_by_ccode: Mapping[int, float] | None = field(default=None, repr=False, compare=False)

    @property
    def last_year(self) -> int:
        """The year the figure refers to, or the last year of its period."""
        return self.year if self.year is not None else self.period[1]  # type: ignore[index]

    @property
    def when(self) -> str:
        return str(self.year) if self.year is not None else f"{self.period[0]}-{self.period[1]}"  # type: ignore[index]


def default_path() -> Path:
    return Path(str(resources.files("powergap") / "data" / "curated_facts.yaml"))


def load_facts(path: str | Path | None = None) -> list[Fact]:
    """Load and validate the curated facts (the packaged file unless ``path`` is given).

    Raises
    ------
    InputError
        One line naming the file and, where it applies, the fact id: file missing or not
        YAML, an entry that is not a mapping, unknown keys, missing ``id``/``series``/
        ``source``/``value``, an unknown state, a non-numeric value, a bad year or period,
        duplicate ids, or two facts for the same series, subject and time.
    """
    p = Path(path) if path is not None else default_path()
    if not p.is_file():
        raise InputError(f"{p}: curated facts file not found")
    # keyed by modification time too, so an edited file is read again
    return list(_load_cached(str(p.resolve()), p.stat().st_mtime_ns))


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> tuple[Fact, ...]:
    from .validate import load_yaml_file

    p = Path(path)
    raw = load_yaml_file(p, what="curated facts file")  # size cap, duplicate keys refused
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InputError(f"{p.name}: expected a list of facts, found {type(raw).__name__}")
    facts: list[Fact] = []
    seen_ids: set[str] = set()
    seen_keys: dict[tuple, str] = {}
    for i, entry in enumerate(raw, start=1):
        fact = _parse(entry, i, p.name)
        if fact.id in seen_ids:
            raise InputError(f"{p.name}: fact {fact.id!r}: duplicate id")
        seen_ids.add(fact.id)
        for key in _match_keys(fact):
            if key in seen_keys:
                raise InputError(f"{p.name}: fact {fact.id!r}: same series, states and time as fact {seen_keys[key]!r}")
            seen_keys[key] = fact.id
        facts.append(fact)
    return tuple(facts)


def _match_keys(fact: Fact) -> list[tuple]:
    when = ("y", fact.year) if fact.year is not None else ("p", fact.period)
    if fact.value_by_ccode is not None:
        return [(fact.series, "one", c, when) for c in fact.value_by_ccode]
    if fact.from_ccode is not None:
        return [(fact.series, "dir", fact.from_ccode, fact.to_ccode, when)]
    return [(fact.series, "set", fact.ccodes, when)]


def _number(v: Any, what: str, where: str) -> float:
    if isinstance(v, bool):
        raise InputError(f"{where}: {what} must be a number, found {v!r}")
    if isinstance(v, (int, float)):
        out = float(v)
    elif isinstance(v, str):
        try:
            out = float(v.strip().replace("_", ""))
        except ValueError:
            raise InputError(f"{where}: {what} must be a number, found {v!r}") from None
    else:
        raise InputError(f"{where}: {what} must be a number, found {type(v).__name__}")
    if not math.isfinite(out):
        raise InputError(f"{where}: {what} must be finite, found {v!r}")
    return out


def _year(v: Any, what: str, where: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 1800 <= v <= 2100:
        raise InputError(f"{where}: {what} must be a year (an integer 1800-2100), found {v!r}")
    return v


def _state(q: Any, where: str) -> int:
    from .states import resolve

    try:
        return resolve(q).ccode
    except UnknownStateError as exc:
        raise InputError(f"{where}: {exc}") from None


def _text(entry: dict, key: str, where: str, *, required: bool) -> str | None:
    v = entry.get(key)
    if v is None:
        if required:
            raise InputError(f"{where}: missing {key!r}")
        return None
    if not isinstance(v, str) or not v.strip():
        raise InputError(f"{where}: {key!r} must be non-empty text")
    return v.strip()


def _parse(entry: Any, index: int, file: str) -> Fact:
    if not isinstance(entry, dict):
        raise InputError(f"{file}: entry {index} is not a mapping")
    fid = entry.get("id")
    if not isinstance(fid, str) or not fid.strip():
        raise InputError(f"{file}: entry {index} has no 'id'")
    where = f"{file}: fact {fid!r}"
    unknown = sorted(set(map(str, entry)) - ALLOWED_KEYS)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(unknown)}")
    series = _text(entry, "series", where, required=True)
    source = _text(entry, "source", where, required=True)
    unit = _text(entry, "unit", where, required=False)
    note = _text(entry, "note", where, required=False)

    # time: a year or a period
    if ("year" in entry) == ("period" in entry):
        raise InputError(f"{where}: give exactly one of 'year' or 'period'")
    year = period = None
    if "year" in entry:
        year = _year(entry["year"], "'year'", where)
    else:
        per = entry["period"]
        if not isinstance(per, list) or len(per) != 2:
            raise InputError(f"{where}: 'period' must be [first_year, last_year]")
        period = (_year(per[0], "'period' start", where), _year(per[1], "'period' end", where))
        if period[0] > period[1]:
            raise InputError(f"{where}: 'period' starts after it ends")

    # value(s) and subject
    has_value, has_values = "value" in entry, "values" in entry
    if has_value == has_values:
        raise InputError(f"{where}: give exactly one of 'value' or 'values'" if has_value else f"{where}: missing 'value'")
    subjects = [k for k in ("countries", "from", "values") if k in entry]
    if "to" in entry and "from" not in entry:
        raise InputError(f"{where}: 'to' without 'from'")
    if "from" in entry and "to" not in entry:
        raise InputError(f"{where}: 'from' without 'to'")
    if len(subjects) != 1:
        raise InputError(f"{where}: give exactly one subject: 'countries', 'from'/'to', or 'values'")

    kw: dict[str, Any] = {}
    if has_values:
        vals = entry["values"]
        if not isinstance(vals, dict) or not vals:
            raise InputError(f"{where}: 'values' must map states to numbers")
        by_code: dict[int, float] = {}
        for k, v in vals.items():
            c = _state(k, where)
            if c in by_code:
                raise InputError(f"{where}: 'values' names state {k!r} twice")
            by_code[c] = _number(v, f"value for {k!r}", where)
        kw.update(values={str(k): by_code[_state(k, where)] for k in vals}, value_by_ccode=by_code)
    else:
        kw["value"] = _number(entry["value"], "'value'", where)
        if "countries" in entry:
            cs = entry["countries"]
            if isinstance(cs, str):
                cs = [cs]
            if not isinstance(cs, list) or not cs:
                raise InputError(f"{where}: 'countries' must be a non-empty list of states")
            codes = [_state(c, where) for c in cs]
            if len(set(codes)) != len(codes):
                raise InputError(f"{where}: 'countries' names a state twice")
            kw.update(countries=tuple(str(c) for c in cs), ccodes=frozenset(codes))
        else:
            a, b = _state(entry["from"], where), _state(entry["to"], where)
            if a == b:
                raise InputError(f"{where}: 'from' and 'to' are the same state")
            kw.update(from_=str(entry["from"]), to=str(entry["to"]), from_ccode=a, to_ccode=b,
                      ccodes=frozenset((a, b)))
    return Fact(id=fid.strip(), series=series, source=source, year=year, period=period, unit=unit, note=note, **kw)


def fact_value(series: str, a, b=None, year: int | None = None, *, period: tuple[int, int] | None = None,
               facts: list[Fact] | None = None) -> tuple[float, Fact] | None:
    """The curated figure for ``series`` about state ``a`` (and ``b``), or None.

    Matching rules:

    * ``b`` given: a fact on the pair ``countries: [a, b]`` (either order) or a directed
      fact ``from: a, to: b`` (only that direction);
    * ``b`` omitted: a fact on ``countries: [a]`` or the entry for ``a`` in ``values``;
    * time: ``period=(first, last)`` matches that period; else ``year`` matches facts for
      that single year (a five-year figure is not returned for one of its years); with
      neither, the most recent matching fact is returned.

    ``fact_value("trade_total", "CHN", "RUS", 2023)`` gives ``(240.1e9, <Fact gacc-cn-ru-trade-2023>)``.
    The caller must label the value as curated and cite ``fact.source``.
    """
    from .states import resolve

    pool = load_facts() if facts is None else facts
    ca = resolve(a).ccode
    cb = resolve(b).ccode if b is not None else None
    hits: list[tuple[float, Fact]] = []
    for f in pool:
        if f.series != series:
            continue
        if period is not None:
            if f.period != tuple(period):
                continue
        elif year is not None and f.year != year:
            continue
        if cb is None:
            if f.value_by_ccode is not None and ca in f.value_by_ccode:
                hits.append((f.value_by_ccode[ca], f))
            elif f.from_ccode is None and f.value is not None and f.ccodes == frozenset((ca,)):
                hits.append((f.value, f))
        elif f.value is not None:
            if f.from_ccode is not None:
                if (f.from_ccode, f.to_ccode) == (ca, cb):
                    hits.append((f.value, f))
            elif f.ccodes == frozenset((ca, cb)):
                hits.append((f.value, f))
    if not hits:
        return None
    return max(hits, key=lambda h: h[1].last_year)
