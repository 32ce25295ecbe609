"""Live refresh: ``powergap data update wdi|trade|unvotes|milex``.

For users with internet. Each command fetches one publisher's current data, writes it into
a per-user cache in the raw layout a reader of :mod:`powergap.sources` reads (with its
sha256 in a cache record), and rebuilds a snapshot from the raw directory with the cached
files of every refreshed source in place of the shipped ones. The rebuilt snapshot goes to
a user directory, never into the snapshot shipped inside the package; point
``POWERGAP_SNAPSHOT`` at it to use it. The catalog records each source's vintage.

=========  ==================================================  =============================
name       publisher and transport                             raw file it replaces
=========  ==================================================  =============================
wdi        World Bank API v2 through wbgapi                    ``wdi/API_<code>_live.csv``
trade      IMF SDMX 2.1 REST, dataflow IMF.STA:IMTS (CSV)      ``imf_dots/...long.csv.gz``
unvotes    UN Digital Library, GA voting data (record 4060887)  ``unga_votes_2025_3dl_hzloto/...``
milex      SIPRI Milex workbook (sipri.org)                    ``sipri_milex/...xlsx``
=========  ==================================================  =============================

Where things go: cache ``$XDG_CACHE_HOME/powergap/<name>/`` (default ``~/.cache/powergap``)
with the record ``<name>.live.json`` beside it; snapshot ``--out`` or
``$XDG_DATA_HOME/powergap/snapshot``; raw directory ``--raw`` or ``../shared/data/raw``.
Failure leaves everything as it was (see :mod:`powergap.live.common`). Details per source
in ``docs/live.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import InputError
from .common import (LiveRecord, cache_dir, cache_root, cached_records, default_out, find_raw,  # noqa: F401
                     raw_candidates)
from .wdi import LIVE_SUFFIX, fetch_all, live_file, to_wdi_csv, update_wdi  # noqa: F401

NAMES = ("wdi", "trade", "unvotes", "milex")


def unknown_source(name: str) -> InputError:
    return InputError(f"cannot update {name!r} live: choose one of {', '.join(NAMES)}")


def source_override(rec: LiveRecord):
    """The source to build for a cached record when its live files need another reader
    configuration (only WDI: its live files have other names); else None."""
    if rec.name == "wdi":
        from .wdi import source_override as wdi_override

        return wdi_override(rec)
    return None


def update(source: str, *, raw: Path | str | None = None, out: Path | str | None = None,
           file: Path | str | None = None, start: int | None = None, echo: Callable[[str], None] = print,
           sources=None, include_restricted: bool = False) -> Path:
    """Refresh one source live (see the module docstring); returns the snapshot directory.

    ``file`` reads a file downloaded by hand instead of fetching (trade: an SDMX-CSV answer;
    unvotes: the ``*_ga_voting.csv``; milex: the workbook). ``start``: first year to take
    (trade: default 2015; unvotes: default 2025). ``include_restricted`` also builds sources
    whose licence keeps them out of the shipped snapshot (the UN votes are such a source).
    """
    opts = {"raw": raw, "out": out, "echo": echo, "sources": sources, "include_restricted": include_restricted}
    name = str(source).strip().lower()
    if name not in NAMES:
        raise unknown_source(source)
    if name == "wdi":
        if file is not None or start is not None:
            raise InputError("`data update wdi` takes neither --file nor --start")
        return update_wdi(**opts)
    if name == "trade":
        from .trade import update_trade

        return update_trade(file=file, start=start, **opts)
    if name == "unvotes":
        from .unvotes import update_unvotes

        return update_unvotes(file=file, since=start, **opts)
    from .milex import update_milex

    if start is not None:
        raise InputError("`data update milex` takes no --start (the workbook is taken whole)")
    return update_milex(file=file, **opts)
