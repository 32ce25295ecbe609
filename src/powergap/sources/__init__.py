"""Source readers: one module per raw dataset, each exposing ``SOURCES`` (a list of
:class:`~powergap.sources.base.Source`). New datasets need a new module only."""

from __future__ import annotations

import functools
import importlib
import pkgutil

from .base import Source, SeriesSpec, SourceData  # noqa: F401


@functools.lru_cache(maxsize=1)
def all_sources() -> tuple[Source, ...]:
    found: dict[str, Source] = {}
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if mod.name.startswith("_") or mod.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        for src in getattr(module, "SOURCES", ()):
            if src.key in found:
                raise RuntimeError(f"duplicate source key {src.key!r} in {mod.name}")
            found[src.key] = src
    return tuple(found[k] for k in sorted(found))


def source(key: str) -> Source:
    for s in all_sources():
        if s.key == key:
            return s
    raise KeyError(key)
