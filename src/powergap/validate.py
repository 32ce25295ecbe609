"""Check user-given values once, in one place: numbers, flags, lists and YAML files.

The CLI, configuration files, registries and the Python API all pass what the user gave
through these functions, so the same value gets the same answer (and the same one-line
message) whichever way it arrives. Numbers must be real (not text, not bool), finite and
inside their meaningful range; flags must be booleans; a list that was asked for must not
be empty. YAML files are read with a size cap and refuse duplicate keys (PyYAML would
otherwise keep the last one silently).
"""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path
from typing import Any, Callable, Iterable

from .errors import InputError

#: largest configuration, registry or curated-facts file read (bytes); real ones are a few KB
MAX_YAML_BYTES = 1_000_000


def number(value: Any, name: str, *, lo: float | None = None, hi: float | None = None,
           lo_open: bool = False, hi_open: bool = False, integer: bool = False,
           origin: str = "") -> float | int:
    """``value`` as a finite real number in ``[lo, hi]`` (open ends with ``lo_open`` /
    ``hi_open``), a whole number when ``integer``; :class:`InputError` naming ``name``
    otherwise. Text and booleans are refused rather than converted."""
    where = f"{origin}: " if origin else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{where}{name} must be a {'whole ' if integer else ''}number, got {_show(value)}")
    if integer:
        if isinstance(value, numbers.Integral):
            value = int(value)
        elif math.isfinite(float(value)) and float(value).is_integer():
            value = int(value)
        else:
            raise InputError(f"{where}{name} must be a whole number, got {_show(value)}")
    elif not math.isfinite(float(value)):
        raise InputError(f"{where}{name} must be a finite number, got {_show(value)}")
    if lo is not None and (value <= lo if lo_open else value < lo):
        raise InputError(f"{where}{name} must be {'above' if lo_open else 'at least'} {lo:g}"
                         f"{_range_tail(hi, hi_open)}, got {_show(value)}")
    if hi is not None and (value >= hi if hi_open else value > hi):
        raise InputError(f"{where}{name} must be {'below' if hi_open else 'at most'} {hi:g}, got {_show(value)}")
    return value


def _range_tail(hi: float | None, hi_open: bool) -> str:
    return "" if hi is None else f" and {'below' if hi_open else 'at most'} {hi:g}"


def year(value: Any, name: str = "year", *, origin: str = "") -> int | None:
    """A calendar year (or None): a whole number, not text; range checks against the data
    are the caller's (they know the coverage)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not float(value).is_integer():
        where = f"{origin}: " if origin else ""
        raise InputError(f"{where}{name} must be a year (a whole number), got {_show(value)}")
    return int(number(value, name, integer=True, lo=-10_000, hi=10_000, origin=origin))


def year_span(start: int, end: int) -> str:
    """``"1990-2000"``, or ``"-5 to 5"`` when a year is negative ("-5--5" misreads)."""
    return f"{start} to {end}" if min(start, end) < 0 else f"{start}-{end}"


def flag(value: Any, name: str, *, origin: str = "") -> bool:
    """A true boolean (``"no"`` or ``0`` are refused, not read as truthy/falsy)."""
    if not isinstance(value, bool):
        import numpy as np

        if isinstance(value, np.bool_):
            return bool(value)
        where = f"{origin}: " if origin else ""
        raise InputError(f"{where}{name} must be True or False, got {_show(value)}")
    return value


def names(values: Iterable[str] | str | None, name: str, *, allow_none: bool = True) -> list[str] | None:
    """A list of names from repeated and/or comma-separated values. ``None`` (the option was
    not given) passes through when ``allow_none``; an explicit but empty list is an error."""
    if values is None:
        if allow_none:
            return None
        raise InputError(f"{name}: give at least one name")
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        if not isinstance(v, str):
            raise InputError(f"{name}: names must be text, got {_show(v)}")
        out.extend(p.strip() for p in v.split(",") if p.strip())
    if not out:
        raise InputError(f"{name} is empty: give at least one name")
    return out


def text_list(value: Any, name: str, *, what: str = "name") -> list[str]:
    """One text or a list (tuple, set...) of texts as a list; anything else, or an empty
    list, is an :class:`InputError` saying what was expected (not a TypeError from deep
    inside)."""
    if isinstance(value, str):
        return [value]
    if value is None or isinstance(value, (bytes, dict)) or not hasattr(value, "__iter__"):
        raise InputError(f"{name} must be a {what} or a list of them, got {_show(value)}")
    out = list(value)
    bad = [v for v in out if not isinstance(v, str)]
    if bad:
        raise InputError(f"{name} must be a {what} or a list of them; {_show(bad[0])} is not text")
    if not out:
        raise InputError(f"{name} is empty: give at least one {what}")
    return out


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ----------------------------------------------------------------------------- YAML

def _strict_loader():
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[misc, valid-type]
        """Safe loader that refuses a key given twice in one mapping."""

    def construct_mapping(loader, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:  # before merges (``<<``), which may override on purpose
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = loader.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue  # the base constructor reports unhashable keys itself
            if key in seen:
                raise InputError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1} "
                                 f"(first at line {seen[key] + 1})")
            seen[key] = key_node.start_mark.line
        return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)

    StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return StrictLoader


_LOADER = None


def load_yaml_text(text: str, origin: str) -> Any:
    """Parse YAML text strictly (safe types only, no duplicate keys); one-line InputError."""
    import yaml

    global _LOADER
    if _LOADER is None:
        _LOADER = _strict_loader()
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a SafeLoader subclass
    except InputError as exc:
        raise InputError(f"{origin}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise InputError(f"{origin}: not valid YAML{at} ({problem})") from None
    except RecursionError:
        raise InputError(f"{origin}: YAML nested too deeply") from None


def load_yaml_file(path: str | os.PathLike, *, what: str = "file", max_bytes: int = MAX_YAML_BYTES,
                   check_text: Callable[[str], None] | None = None) -> Any:
    """Read a user's YAML file: it must exist, be a regular file of at most ``max_bytes``,
    be UTF-8 text, pass ``check_text`` (cheap checks on the text, before parsing), and parse
    strictly (:func:`load_yaml_text`)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{what} not found: {p}")
    if not p.is_file():
        raise InputError(f"{p}: {what} must be a regular file")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(f"{p}: {what} too large ({size:,} bytes; at most {max_bytes:,})")
    with open(p, "rb") as fh:
        data = fh.read(max_bytes + 1)  # a file that grows while read is still capped
    if len(data) > max_bytes:
        raise InputError(f"{p}: {what} too large (more than {max_bytes:,} bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{p}: not a UTF-8 text file ({what})") from None
    if check_text is not None:
        check_text(text)
    return load_yaml_text(text, str(p))
