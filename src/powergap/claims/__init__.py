"""Check quantitative claims against the data.

A claim file is a YAML list; each claim has an ``id``, the ``text`` as written, its
``source`` (document and place), a ``value`` expression over the data and an ``expect``
mapping (``{op: approx, target: 8, tolerance: 0.1}`` or ``{op: ">=", target: 8}``).
:func:`load_claims` reads and checks a file (nothing in it is ever executed: expressions go
through :mod:`powergap.claims.parse`); :func:`check_claims` evaluates every claim and
returns a :class:`ClaimReport` with one verdict per claim:

* **supported**: the value meets the expectation;
* **contradicted**: the value does not;
* **unverifiable**: a value could not be computed; ``missing`` says what data are lacking.

A claim whose value uses a curated fact (``curated(...)``) is flagged ``curated`` and its
verdict shown as e.g. "supported (curated)". The seed claims shipped with the package
(``claims/seeds.yaml``, every quantitative claim of the five seed essays) are checked with
``check_claims(seeds_path())`` or ``powergap claims check --seeds``. See docs/claims.md.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Literal

from ..errors import InputError

Op = Literal["approx", ">=", "<=", ">", "<"]
OPS: tuple[str, ...] = ("approx", ">=", "<=", ">", "<")
DEFAULT_TOLERANCE = 0.05  # relative, for op "approx"
MAX_TOLERANCE = 10.0
MAX_TARGET = 1e18
MAX_FILE_BYTES = 2_000_000  # bytes of a claim file (the seeds are ~60 KB)
MAX_CLAIMS = 1_000  # far above any real file (the seeds have 109); keeps a full file to seconds
REQUIRED_KEYS = ("id", "text", "source", "value", "expect")
OPTIONAL_KEYS = ("note",)
VERDICTS = ("supported", "contradicted", "unverifiable")

__all__ = ["Claim", "Expect", "ClaimResult", "ClaimReport", "load_claims", "check_claims", "seeds_path",
           "judge", "DEFAULT_TOLERANCE", "OPS"]


@dataclass(frozen=True)
class Expect:
    """What the claim says about its value: ``op`` and ``target`` (and ``tolerance`` for approx)."""

    op: str
    target: float
    tolerance: float | None = None

    def describe(self) -> str:
        if self.op == "approx":
            return f"≈ {_fmt(self.target)} ± {self.tolerance:.0%}"
        return f"{self.op} {_fmt(self.target)}"

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"op": self.op, "target": self.target}
        if self.op == "approx":
            d["tolerance"] = self.tolerance
        return d


@dataclass(frozen=True)
class Claim:
    """One checked claim of a claim file (``tree`` is the parsed value expression)."""

    id: str
    text: str
    source: str
    value: str
    expect: Expect
    note: str | None = None
    tree: Any = field(default=None, repr=False, compare=False)
    bound: Any = field(default=None, repr=False, compare=False)


@dataclass
class ClaimResult:
    """The verdict on one claim, with the value computed and where it came from."""

    claim: Claim
    verdict: str
    value: float | None
    missing: list[dict]
    sources: list[str]
    facts: list[dict]

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def curated(self) -> bool:
        return bool(self.facts)

    @property
    def label(self) -> str:
        """The verdict as shown to readers: "supported (curated)" where a curated fact was used."""
        return f"{self.verdict} (curated)" if self.curated and self.verdict != "unverifiable" else self.verdict

    def to_dict(self) -> dict:
        c = self.claim
        d = {"id": c.id, "verdict": self.verdict, "verdict_label": self.label, "curated": self.curated,
             "value": self.value, "expect": c.expect.to_dict(), "missing": self.missing,
             "sources": self.sources, "facts": self.facts, "expression": c.value, "text": c.text,
             "source": c.source}
        if c.note:
            d["note"] = c.note
        return d


@dataclass
class ClaimReport:
    """Verdicts on every claim of a file, in file order."""

    results: list[ClaimResult]
    file: str
    snapshot: str
    end_year: int | None = None

    @property
    def summary(self) -> dict[str, int]:
        out = {v: 0 for v in VERDICTS}
        for r in self.results:
            out[r.verdict] += 1
        return out

    @property
    def curated_count(self) -> int:
        return sum(1 for r in self.results if r.curated and r.verdict != "unverifiable")

    def summary_line(self) -> str:
        s = self.summary
        n = len(self.results)
        line = (f"{n} claim{'s' if n != 1 else ''}: {s['supported']} supported, {s['contradicted']} contradicted, "
                f"{s['unverifiable']} unverifiable")
        if self.curated_count:
            line += f" ({self.curated_count} of the verdicts rest on curated facts)"
        return line

    def to_dict(self) -> dict:
        return {"file": self.file, "snapshot": self.snapshot, "end_year": self.end_year,
                "claims": [r.to_dict() for r in self.results], "summary": self.summary}

    def __getitem__(self, claim_id: str) -> ClaimResult:
        for r in self.results:
            if r.id == claim_id:
                return r
        raise KeyError(claim_id)


def seeds_path() -> Path:
    """The seed claims shipped with the package (``powergap/claims/seeds.yaml``)."""
    return Path(str(resources.files("powergap.claims") / "seeds.yaml"))


# ----------------------------------------------------------------------------- loading

def _fmt(x: float | None) -> str:
    """A number for people: 20,000 / 0.3333 / 244.8e9 (engineering notation for large values)."""
    if x is None:
        return "-"
    if x == 0:
        return "0"
    ax = abs(x)
    if ax >= 1e6:
        k = int(math.floor(math.log10(ax) / 3) * 3)
        return f"{x / 10 ** k:.4g}e{k}"
    if ax < 1e-3:
        return f"{x:.3g}"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:.4g}"


def _number(raw: Any, what: str, where: str) -> float:
    if isinstance(raw, bool) or raw is None:
        raise InputError(f"{where}: {what} must be a number, not {raw!r}")
    if isinstance(raw, (int, float)):
        v = float(raw)
    elif isinstance(raw, str):
        try:
            v = float(raw.strip().replace("_", ""))
        except ValueError:
            raise InputError(f"{where}: {what} must be a number, not {raw[:40]!r}") from None
    else:
        raise InputError(f"{where}: {what} must be a number, not a {type(raw).__name__}")
    if not math.isfinite(v) or abs(v) > MAX_TARGET:
        raise InputError(f"{where}: {what} {raw!r} is not a usable number")
    return v


def _expect(raw: Any, where: str) -> Expect:
    if not isinstance(raw, dict):
        raise InputError(f"{where}: 'expect' must be a mapping like {{op: approx, target: 8, tolerance: 0.1}}")
    unknown = set(map(str, raw)) - {"op", "target", "tolerance"}
    if unknown:
        raise InputError(f"{where}: unknown key(s) in 'expect': {', '.join(sorted(unknown))} "
                         "(allowed: op, target, tolerance)")
    op = raw.get("op")
    if op not in OPS:
        raise InputError(f"{where}: bad op {op!r} in 'expect' (one of {', '.join(OPS)})")
    if "target" not in raw:
        raise InputError(f"{where}: 'expect' has no target")
    target = _number(raw["target"], "target", where)
    tol = None
    if op == "approx":
        tol = _number(raw.get("tolerance", DEFAULT_TOLERANCE), "tolerance", where)
        if not 0 <= tol <= MAX_TOLERANCE:
            raise InputError(f"{where}: tolerance {tol} out of range (a relative tolerance from 0 to {MAX_TOLERANCE:g})")
    elif "tolerance" in raw:
        raise InputError(f"{where}: tolerance applies only to op approx (op is {op!r})")
    return Expect(op, target, tol)


def _claim(raw: Any, index: int, label: str) -> Claim:
    from .parse import parse

    if not isinstance(raw, dict):
        raise InputError(f"{label}: claim #{index} is not a mapping (each claim needs {', '.join(REQUIRED_KEYS)})")
    cid = raw.get("id")
    name = f"claim {cid!r}" if isinstance(cid, (str, int)) and str(cid).strip() else f"claim #{index}"
    where = f"{label}: {name}"
    missing = [k for k in REQUIRED_KEYS if k not in raw]
    if missing:
        raise InputError(f"{where}: missing {', '.join(repr(k) for k in missing)}")
    unknown = set(map(str, raw)) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} "
                         f"(allowed: {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)})")
    if not isinstance(cid, (str, int)) or isinstance(cid, bool) or not str(cid).strip():
        raise InputError(f"{where}: 'id' must be a non-empty text")
    cid = str(cid).strip()
    if len(cid) > 200:
        raise InputError(f"{label}: claim #{index}: id longer than 200 characters")
    for key in ("text", "source"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise InputError(f"{where}: {key!r} must be a non-empty text")
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        raise InputError(f"{where}: 'note' must be a text")
    value = raw["value"]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(f"{where}: 'value' must be an expression (text), not a {type(value).__name__}")
    value = str(value).strip()
    expect = _expect(raw["expect"], where)
    tree = parse(value, where=where)
    return Claim(cid, raw["text"].strip(), raw["source"].strip(), value, expect, note, tree)


def _read_yaml(path: Path) -> Any:
    from ..validate import load_yaml_file
    from .parse import count_top_items

    def count_first(text: str) -> None:  # refuse a file of too many claims before parsing it
        n = count_top_items(text)
        if n > MAX_CLAIMS:
            raise InputError(f"{path}: too many claims ({n:,}; at most {MAX_CLAIMS:,})")

    return load_yaml_file(path, what="claim file", max_bytes=MAX_FILE_BYTES, check_text=count_first)


def _store(store):
    from ..snapshot.store import Snapshot, default_store

    if store is None:
        return default_store()
    if isinstance(store, (str, os.PathLike)):
        return Snapshot(store)
    return store


def _parse_claims(raw: Any, label: str, store) -> list[Claim]:
    from .evaluate import Binder

    if not isinstance(raw, list) or not raw:
        kind = "empty" if raw is None or raw == [] else f"a {type(raw).__name__}"
        raise InputError(f"{label}: a claim file must be a YAML list of claims (mappings); this one is {kind}")
    if len(raw) > MAX_CLAIMS:
        raise InputError(f"{label}: too many claims ({len(raw)}; at most {MAX_CLAIMS})")
    from .parse import FileBudget

    binder = Binder(store)
    budget = FileBudget(label)  # the work asked for, refused as soon as it is too much
    claims: list[Claim] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, start=1):
        c = _claim(item, i, label)
        if c.id in seen:
            raise InputError(f"{label}: claim {c.id!r}: duplicate id")
        seen.add(c.id)
        bound = binder.bind(c.tree, f"{label}: claim {c.id!r}")
        budget.add(c.tree, bound)
        claims.append(Claim(c.id, c.text, c.source, c.value, c.expect, c.note, c.tree, bound))
    return claims


def load_claims(path: str | os.PathLike, *, store=None) -> list[Claim]:
    """Read and check a claim file.

    Every claim is checked before any is evaluated: the file must be a YAML list of
    mappings with ``id``, ``text``, ``source``, ``value`` and ``expect`` (and optionally
    ``note``); ids are unique; ``expect.op`` is one of ``approx, >=, <=, >, <``; the value
    parses and names only known functions, known series (the snapshot's catalog, plus the
    planned and wanted series of ``claims/series_registry.yaml``) and known countries.

    Raises
    ------
    InputError
        One line naming the file and the claim.
    """
    p = Path(path)
    return _parse_claims(_read_yaml(p), str(p), _store(store))


def judge(value: float | None, expect: Expect) -> str:
    """The verdict for a computed value.

    ``approx`` is a relative tolerance: supported when ``|value - target| <= tolerance *
    |target|`` (a target of 0 then needs an exact 0). A value of ``None`` (data missing,
    division by zero) is unverifiable.
    """
    if value is None or not math.isfinite(value):
        return "unverifiable"
    t = expect.target
    if expect.op == "approx":
        # A hair of slack so that binary rounding does not flip a boundary case.
        ok = abs(value - t) <= expect.tolerance * abs(t) + 1e-12 * max(abs(t), 1.0)
    elif expect.op == ">=":
        ok = value >= t
    elif expect.op == "<=":
        ok = value <= t
    elif expect.op == ">":
        ok = value > t
    else:
        ok = value < t
    return "supported" if ok else "contradicted"


def check_claims(path_or_claims: str | os.PathLike | Iterable, *, store=None) -> ClaimReport:
    """Check every claim of a file (or of a list of claims) against the data.

    Parameters
    ----------
    path_or_claims
        A claim file (YAML), or claims already loaded (:class:`Claim` objects or mappings
        in the file's format).
    store
        The snapshot (a :class:`~powergap.snapshot.store.Snapshot` or a directory);
        default: the shipped snapshot, or ``POWERGAP_SNAPSHOT``.

    Returns
    -------
    ClaimReport
        One :class:`ClaimResult` per claim in file order; ``summary`` counts the verdicts.

    Raises
    ------
    InputError
        For a bad file or claim (before anything is evaluated). Missing data never raise:
        they make a claim unverifiable.
    """
    from .evaluate import Evaluation, Evaluator

    st = _store(store)
    if isinstance(path_or_claims, (str, os.PathLike)):
        label = str(path_or_claims)
        claims = load_claims(path_or_claims, store=st)
    else:
        if isinstance(path_or_claims, (bytes, dict)) or not hasattr(path_or_claims, "__iter__"):
            raise InputError(f"check_claims needs a claim file path or a list of claims, "
                             f"got {type(path_or_claims).__name__}")
        items = list(path_or_claims)
        label = "<claims>"
        if items and all(isinstance(c, Claim) for c in items):
            from .evaluate import Binder

            binder = Binder(st)
            claims = [c if c.bound is not None else
                      Claim(c.id, c.text, c.source, c.value, c.expect, c.note, c.tree,
                            binder.bind(c.tree, f"{label}: claim {c.id!r}")) for c in items]
        else:
            claims = _parse_claims(items, label, st)
    evaluator = Evaluator(st)
    evaluator.prepare(b for c in claims for b in (c.bound or {}).values())
    results = []
    for c in claims:
        ev = Evaluation()
        value = evaluator.evaluate(c.tree, c.bound, ev)
        results.append(ClaimResult(c, judge(value, c.expect), value, ev.missing, ev.sources, ev.facts))
    try:
        end_year = st.end_year
    except Exception:  # a snapshot without end_year still gets its claims checked
        end_year = None
    return ClaimReport(results, label, str(getattr(st, "path", "")), end_year)
