"""Panels straight to a file, with numpy and pyarrow only: the fast path of ``powergap panel``.

A ``powergap panel`` command whose verbs all join plain state-year series (nmc, milex,
nuclear, tech, regime) never needs a DataFrame: the keys come from the cached system arrays
(:func:`powergap.panels.core.dyad_keys`), each column is gathered from the same dense
``(ccode, year)`` arrays the ``add_*`` verbs use (:mod:`powergap.panels.join`), a slice of
rows at a time, and each slice goes to the writer as an Arrow table while the next one is
gathered (:func:`powergap.panels.io.write_tables`). Skipping pandas saves its import (about
0.4 s of a one-second command) and a full in-memory copy of the panel; the file holds the
same rows, columns, values and attrs as ``write_panel(add_nmc(dyad_years(...)))``
(tests/test_panels.py compares them). Other verbs go through the pandas path.

This module also holds what the verbs and the fast path share without pandas: the verb
names, the series of the state-level verbs, and the column plan of a state-level join.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from ..errors import InputError
from .core import PanelInfo, dyad_keys, state_keys
from .join import Locator, dense_state_series, gather_state, numpy_array, require_series, series_info

# Every verb, in the order the CLI help and errors list them; add_<name> in verbs.py.
VERB_NAMES = ("nmc", "gdp", "milex", "nuclear", "tech", "trade", "arms_transfers", "alliances", "igos", "votes",
              "dependence", "ideal_points", "events", "regime", "opinion", "asymmetry")
DYAD_ONLY = frozenset({"trade", "arms_transfers", "alliances", "igos", "votes", "events", "opinion", "dependence",
                       "asymmetry"})

NMC_SERIES = ("nmc_milex", "milper", "irst", "pec", "tpop", "upop", "cinc")
MILEX_SERIES = ("milex_usd", "milex_const_usd", "milex_gdp_pct")
TECH_SERIES = ("rd_gdp_pct", "researchers_per_million", "patents_resident", "hightech_exports_pct")
REGIME_SERIES = ("polyarchy", "polity2")
# Verbs that only join state-year series, one column per series and side: the fast path's verbs.
STATE_VERBS = {"nmc": NMC_SERIES, "milex": MILEX_SERIES, "nuclear": ("nuclear_warheads",), "tech": TECH_SERIES,
               "regime": REGIME_SERIES}

CHUNK_ROWS = 1 << 18  # rows gathered and handed to the writer at a time (one Parquet row group)


def verb_names(names: str | Iterable[str]) -> list[str]:
    """Parse verb names ("nmc,gdp", ["trade", "arms-transfers"]) into registry keys, in order,
    each once; an unknown name raises :class:`InputError` listing the valid ones."""
    import difflib

    parts = [names] if isinstance(names, str) else list(names)
    out: list[str] = []
    for part in parts:
        for raw in str(part).split(","):
            name = raw.strip().lower().replace("-", "_")
            if name.startswith("add_"):
                name = name[4:]
            if not name:
                continue
            if name not in VERB_NAMES:
                close = difflib.get_close_matches(name, list(VERB_NAMES), n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                raise InputError(f"unknown panel verb {raw.strip()!r}{hint}; valid: {', '.join(VERB_NAMES)}")
            if name not in out:
                out.append(name)
    return out


def sides(info: PanelInfo, keys: Sequence[np.ndarray]) -> list[tuple[str, Locator]]:
    """("", state) for a state-year panel; ("_1", ccode1) and ("_2", ccode2) for dyads."""
    if not info.dyadic:
        return [("", Locator(keys[0], keys[1]))]
    return [("_1", Locator(keys[0], keys[2])), ("_2", Locator(keys[1], keys[2]))]


def state_plan(store, info: PanelInfo, keys: Sequence[np.ndarray], series_ids: Sequence[str]):
    """(column name, dense series, locator) of each column a state-level join adds: one per
    series on state-years; on dyads all ``_1`` columns, then all ``_2`` columns (as
    peacesciencer orders them)."""
    dense = [dense_state_series(store, sid) for sid in series_ids]
    return [(f"{sid}{suffix}", d, loc) for suffix, loc in sides(info, keys) for sid, d in zip(series_ids, dense)]


def sources_of(store, series_ids: Iterable[str]) -> list[str]:
    """Catalog source keys behind ``series_ids``, each once, in order."""
    keys: list[str] = []
    for sid in series_ids:
        for k in series_info(store, sid).sources:
            if k not in keys:
                keys.append(k)
    return keys


def fast_verbs(verbs: Sequence[str]) -> bool:
    """Whether the fast path can add all of ``verbs`` (parsed names)."""
    return all(v in STATE_VERBS for v in verbs)


def write_panel_file(kind: str, output: str | Path, *, verbs: Sequence[str] = (), directed: bool = True,
                     start: int | None = None, end: int | None = None, end_year: int | None = None, store=None,
                     progress: Callable[[float], None] | None = None) -> tuple[int, int, dict]:
    """Build a panel (``kind`` "state-years" or "dyad-years") with the state-level ``verbs``
    and write it to ``output`` (format from the extension), without pandas.

    Returns (rows, columns, attrs). Raises :class:`InputError` for a verb the fast path
    cannot add (see :func:`fast_verbs`) and what :func:`dyad_years` and the verbs raise.
    """
    from ..snapshot.store import default_store
    from .io import panel_format, write_tables

    panel_format(output)
    if not fast_verbs(verbs):
        raise InputError(f"the fast path adds only {', '.join(STATE_VERBS)}; got {', '.join(verbs)}")
    store = default_store() if store is None else store
    series: list[str] = []
    for verb in verbs:
        require_series(store, f"add_{verb}", STATE_VERBS[verb])
        series += [s for s in STATE_VERBS[verb] if s not in series]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        # the series are read (and checked) while the keys are built: Arrow and numpy release
        # the GIL, so the two cores share the work
        reading = pool.submit(lambda: [dense_state_series(store, sid) for sid in series])
        if kind == "state-years":
            *keys, info = state_keys(start=start, end=end, end_year=end_year)
            key_names = ("ccode", "year")
        else:
            *keys, info = dyad_keys(directed=directed, start=start, end=end, end_year=end_year)
            key_names = ("ccode1", "ccode2", "year")
        dense = reading.result()
    sources = list(info.sources)
    sources += [k for k in sources_of(store, series) if k not in sources]
    attrs = {**info.attrs(), "sources": sources}
    n = len(keys[0])
    # columns in the order the verbs add them: verb by verb, each as state_plan orders it
    plan = [(f"{sid}{suffix}", side, dense[series.index(sid)])
            for verb in verbs for side, suffix in enumerate(("_1", "_2") if info.dyadic else ("",))
            for sid in STATE_VERBS[verb]]
    names = list(key_names) + [name for name, _, _ in plan]

    def tables() -> Iterator:
        import pyarrow as pa

        for lo in range(0, max(n, 1), CHUNK_ROWS):
            part = [k[lo:lo + CHUNK_ROWS] for k in keys]
            cols = [numpy_array(k) for k in part]
            locs = [loc for _, loc in sides(info, part)]
            for _, side, d in plan:
                vals, _ = gather_state(d, locs[side], out=np.empty(len(part[0]), dtype=np.float64))
                cols.append(numpy_array(vals))  # NaN -> null, as write_panel does
            yield pa.Table.from_arrays(cols, names=names)

    write_tables(tables, output, attrs=attrs, n_rows=n, progress=progress)
    return n, len(names), attrs
