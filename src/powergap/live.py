"""Live refresh of the World Bank WDI series (``powergap data update wdi``).

For users with internet: the WDI indicators the snapshot holds (the table in
:mod:`powergap.sources.wdi`) are pulled through wbgapi into a per-user cache, written there
in the World Bank's own CSV download format (so the ordinary WDI reader reads them), and a
snapshot is rebuilt from the raw directory with those files in place of the shipped WDI
files. The rebuilt snapshot goes to a user directory, never into the snapshot shipped
inside the package; point ``POWERGAP_SNAPSHOT`` at it to use it.

Where things go:

* cache: ``$XDG_CACHE_HOME/powergap/wdi`` (default ``~/.cache/powergap/wdi``), one file
  ``API_<indicator>_live.csv`` per indicator;
* snapshot: ``out`` or ``$XDG_DATA_HOME/powergap/snapshot`` (default
  ``~/.local/share/powergap/snapshot``);
* raw directory for the other sources: ``raw`` or, when not given, ``../shared/data/raw``
  (relative to the working directory, then to the source checkout) if it exists. Without
  one the command stops and asks for ``--raw``: the other series cannot be rebuilt from
  nothing, and mixing a fresh WDI pull into the shipped snapshot's Parquet files would
  give a snapshot whose checksums and provenance no raw files back.

Failure leaves everything as it was: every indicator is fetched into memory first (a
network error raises :class:`~powergap.errors.DataError` saying the snapshot was not
changed), the build is atomic, and the cache files are replaced only after the build
succeeds.

wbgapi is used through its paged fetcher :func:`wbgapi.fetch` on the classic v2 endpoint
``country/all/indicator/<code>`` (one paged request per indicator) and
:func:`wbgapi.source.get` for the database's "last updated" date. ``wbgapi.data.fetch``
would first download the API's concept, economy and aggregate lists, several more
round trips for nothing the snapshot uses.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from .errors import DataError, InputError

WDI_DB = 2  # the World Bank API's source id for World Development Indicators
PER_PAGE = 20_000  # one page holds every economy-year of one indicator (about 17,500)
TIMEOUT_S = 60
LIVE_SUFFIX = "_live.csv"


# ----------------------------------------------------------------------------- locations

def cache_dir() -> Path:
    """Per-user cache for the fetched WDI files (honours ``XDG_CACHE_HOME``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "powergap" / "wdi"


def default_out() -> Path:
    """Per-user snapshot directory (honours ``XDG_DATA_HOME``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "powergap" / "snapshot"


def raw_candidates() -> list[Path]:
    """Where a raw directory is looked for when ``--raw`` is not given."""
    checkout = Path(__file__).resolve().parents[2]  # src/powergap/live.py -> the checkout
    return [Path.cwd().parent / "shared" / "data" / "raw", checkout.parent / "shared" / "data" / "raw"]


def find_raw(raw: Path | str | None) -> Path:
    if raw is not None:
        raw = Path(raw)
        if not raw.is_dir():
            raise InputError(f"raw directory not found: {raw}")
        return raw
    for cand in raw_candidates():
        if cand.is_dir():
            return cand
    raise InputError("no raw directory to rebuild the other series from: pass --raw DIR "
                     "(the directory of raw files the snapshot is built from, as in shared/data/raw)")


def live_file(code: str) -> str:
    return f"API_{code}{LIVE_SUFFIX}"


# ----------------------------------------------------------------------------- fetching

def _offline(exc: BaseException) -> DataError:
    """One line: what failed, without the transport's nested repr of the URL and pool."""
    import wbgapi

    detail = type(exc).__name__
    if isinstance(exc, wbgapi.APIError):  # the API answered, but with an error status
        detail = f"{detail} {exc.code or ''} {exc.msg}".strip()
    return DataError(f"cannot reach the World Bank API at api.worldbank.org ({detail}); the snapshot was not changed")


def fetch_indicator(code: str) -> list[dict]:
    """All economy-year rows of one WDI indicator, as the v2 API returns them.

    Each row looks like ``{"indicator": {"id", "value"}, "country": {"id", "value"},
    "countryiso3code", "date", "value", ...}``.
    """
    import wbgapi

    return list(wbgapi.fetch(f"country/all/indicator/{code}", {"source": WDI_DB, "per_page": PER_PAGE}))


def fetch_last_updated() -> str | None:
    import wbgapi

    meta = wbgapi.source.get(WDI_DB) or {}
    return meta.get("lastupdated")


def fetch_all(codes: Iterable[str], *, echo: Callable[[str], None]) -> tuple[dict[str, list[dict]], str | None]:
    """Fetch every indicator (nothing is written); network failures become DataError."""
    try:
        import requests
        import wbgapi
    except ImportError:
        raise InputError("the live refresh needs wbgapi: pip install 'powergap[live]'") from None
    saved = dict(wbgapi.get_options)
    wbgapi.get_options = {**saved, "timeout": TIMEOUT_S}
    try:
        last = fetch_last_updated()
        out = {}
        for code in codes:
            rows = fetch_indicator(code)
            echo(f"fetched {code}: {len(rows)} economy-years")
            out[code] = rows
        return out, last
    except (requests.exceptions.RequestException, wbgapi.APIError, OSError) as exc:
        raise _offline(exc) from None
    finally:
        wbgapi.get_options = saved


# ----------------------------------------------------------------------------- writing

def _q(v: object) -> str:
    return '"' + str(v).replace('"', '""') + '"'


def to_wdi_csv(code: str, rows: list[dict], *, last_updated: str | None) -> str:
    """API rows -> the World Bank's CSV download format (preamble, wide years, trailing comma).

    Rows without an ISO3 code (a few API aggregates) are left out; the WDI reader drops
    aggregates anyway.
    """
    table: dict[str, dict] = {}
    years: set[int] = set()
    name = None
    for r in rows:
        try:
            ind = r["indicator"]
            iso = (r.get("countryiso3code") or "").strip()
            date = str(r["date"]).strip()
            value = r["value"]
            country = r["country"]["value"]
        except (KeyError, TypeError):
            raise DataError(f"World Bank API: unexpected response shape for {code}") from None
        if ind.get("id") != code:
            raise DataError(f"World Bank API: asked for {code}, got {ind.get('id')}")
        name = name or ind.get("value")
        if not iso:
            continue
        if not (len(date) == 4 and date.isdigit()):
            raise DataError(f"World Bank API: {code} has a non-annual date {date!r}")
        years.add(int(date))
        entry = table.setdefault(iso, {"name": country, "values": {}})
        if value is not None:
            entry["values"][int(date)] = float(value)
    if not table:
        raise DataError(f"World Bank API: no economies returned for {code}")
    cols = list(range(min(years), max(years) + 1))
    lines = [f'{_q("Data Source")},{_q("World Development Indicators")},', "",
             f'{_q("Last Updated Date")},{_q(last_updated or "")},', "",
             ",".join(_q(c) for c in ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *cols]) + ","]
    for iso in sorted(table):
        e = table[iso]
        vals = [repr(e["values"][y]) if y in e["values"] else "" for y in cols]
        lines.append(",".join([_q(e["name"]), _q(iso), _q(name or code), _q(code), *(_q(v) for v in vals)]) + ",")
    return "\r\n".join(lines) + "\r\n"


def _overlay_raw(raw: Path, live_dir: Path, into: Path) -> Path:
    """A raw directory that is ``raw`` with the live WDI files added to its ``wdi`` folder."""
    root = into / "raw"
    root.mkdir()
    for entry in sorted(raw.iterdir()):
        if entry.name != "wdi":
            (root / entry.name).symlink_to(entry.resolve())
    wdi = root / "wdi"
    wdi.mkdir()
    if (raw / "wdi").is_dir():
        for f in sorted((raw / "wdi").iterdir()):
            (wdi / f.name).symlink_to(f.resolve())
    for f in sorted(live_dir.iterdir()):
        target = wdi / f.name
        if target.exists() or target.is_symlink():
            target.unlink()
        target.symlink_to(f.resolve())
    return root


# ----------------------------------------------------------------------------- entry point

def update_wdi(*, source: str = "wdi", raw: Path | str | None = None, out: Path | str | None = None,
               echo: Callable[[str], None] = print, sources=None) -> Path:
    """Pull the WDI indicators live, cache them and rebuild a user snapshot.

    Parameters
    ----------
    source
        Which source to refresh; only ``"wdi"`` is supported.
    raw
        Raw directory for the other sources (default: ``../shared/data/raw`` if found).
    out
        Snapshot directory to write (default: :func:`default_out`); never the snapshot
        shipped in the package.
    echo
        Progress messages.
    sources
        The sources to build (default: every source); the WDI one is replaced by its live
        copy. Tests pass a subset.

    Returns
    -------
    Path
        The snapshot directory written.

    Raises
    ------
    InputError
        Another source than ``"wdi"``, no raw directory, or ``out`` pointing at the shipped
        snapshot.
    DataError
        The World Bank API cannot be reached or answers oddly (nothing is changed), or the
        rebuild fails (the previous snapshot and cache are kept).
    """
    from .snapshot.build import build
    from .snapshot.store import package_snapshot_dir
    from .sources import all_sources
    from .sources import wdi as wdi_mod

    if str(source).strip().lower() != "wdi":
        raise InputError(f"cannot update {source!r} live: only 'wdi' (World Bank WDI through wbgapi) is supported")
    raw_dir = find_raw(raw)
    out_dir = Path(out) if out is not None else default_out()
    if out_dir.resolve() == package_snapshot_dir().resolve():
        raise InputError(f"refusing to write into the snapshot shipped with the package ({out_dir}); choose --out")

    indicators = wdi_mod.INDICATORS
    echo(f"fetching {len(indicators)} WDI indicators from the World Bank API")
    fetched, last_updated = fetch_all([i.code for i in indicators], echo=echo)

    cache = cache_dir()
    cache.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".wdi-live-", dir=cache.parent) as tmp:
        tmp = Path(tmp)
        staged = tmp / "wdi"
        staged.mkdir()
        for ind in indicators:
            text = to_wdi_csv(ind.code, fetched[ind.code], last_updated=last_updated)
            (staged / live_file(ind.code)).write_text(text, encoding="utf-8", newline="")
        vintage = f"live pull through wbgapi, WDI last updated {last_updated or 'unknown'}"
        live_inds = tuple(dataclasses.replace(i, file=f"wdi/{live_file(i.code)}", vintage=vintage) for i in indicators)
        live_src = wdi_mod.make_source(live_inds, version=vintage,
                                       note="Fetched live from the World Bank API (api.worldbank.org/v2) with wbgapi; "
                                            "aggregates and territories without a COW state are dropped.")
        chosen = tuple(sources) if sources is not None else all_sources()
        chosen = tuple(live_src if s.key == "wdi" else s for s in chosen)
        if not any(s.key == "wdi" for s in chosen):
            chosen = chosen + (live_src,)
        overlay = _overlay_raw(raw_dir, staged, tmp)
        echo(f"rebuilding the snapshot into {out_dir}")
        build(overlay, out_dir, sources=chosen, progress=echo)
        # Only now, with a good snapshot written, replace the cached files.
        cache.mkdir(parents=True, exist_ok=True)
        for f in sorted(staged.iterdir()):
            os.replace(f, cache / f.name)
    echo(f"cached {len(indicators)} WDI files in {cache}")
    return out_dir
