"""``powergap data update wdi``: the World Bank WDI series through wbgapi.

The WDI indicators the snapshot holds (the table in :mod:`powergap.sources.wdi`) are pulled
through wbgapi, written in the World Bank's own CSV download format as
``wdi/API_<indicator>_live.csv`` (so the ordinary WDI reader reads them) and used in place
of the shipped WDI files.

wbgapi is used through its paged fetcher :func:`wbgapi.fetch` on the classic v2 endpoint
``country/all/indicator/<code>`` (one paged request per indicator) and
:func:`wbgapi.source.get` for the database's "last updated" date. ``wbgapi.data.fetch``
would first download the API's concept, economy and aggregate lists, several more
round trips for nothing the snapshot uses.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Callable, Iterable

from ..errors import DataError, InputError
from .common import LiveRecord, refresh

NAME = "wdi"
WDI_DB = 2  # the World Bank API's source id for World Development Indicators
PER_PAGE = 20_000  # one page holds every economy-year of one indicator (about 17,500)
TIMEOUT_S = 60
LIVE_SUFFIX = "_live.csv"
API_URL = "https://api.worldbank.org/v2/country/all/indicator/<code>?source=2"


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


# ----------------------------------------------------------------------------- entry point

def vintage_of(last_updated: str | None) -> str:
    return f"live pull through wbgapi, WDI last updated {last_updated or 'unknown'}"


def source_override(rec: LiveRecord):
    """The WDI source reading the live files (their names differ from the shipped ones)."""
    from ..sources import wdi as wdi_mod

    by_code = {i.code: i for i in wdi_mod.INDICATORS}
    inds = []
    for rel in sorted(rec.files):
        code = Path(rel).name[len("API_"):-len(LIVE_SUFFIX)]
        if code in by_code:
            inds.append(dataclasses.replace(by_code[code], file=rel, vintage=rec.vintage))
    order = [i.code for i in wdi_mod.INDICATORS]
    inds.sort(key=lambda i: order.index(i.code))
    return wdi_mod.make_source(tuple(inds), version=rec.vintage,
                               note="Fetched live from the World Bank API (api.worldbank.org/v2) with wbgapi; "
                                    "aggregates and territories without a COW state are dropped.")


def update_wdi(*, source: str = "wdi", raw: Path | str | None = None, out: Path | str | None = None,
               echo: Callable[[str], None] = print, sources=None,
               include_restricted: bool = False) -> Path:
    """Pull the WDI indicators live, cache them and rebuild a user snapshot.

    Parameters
    ----------
    source
        Which source to refresh; only ``"wdi"`` is accepted here (see
        :func:`powergap.live.update` for the others).
    raw
        Raw directory for the other sources (default: ``../shared/data/raw`` if found).
    out
        Snapshot directory to write (default: :func:`~powergap.live.common.default_out`);
        never the snapshot shipped in the package.
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
    from ..sources import wdi as wdi_mod
    from .common import check_out, find_raw

    if str(source).strip().lower() != "wdi":
        from . import unknown_source

        raise unknown_source(source)
    find_raw(raw)
    check_out(out)
    indicators = wdi_mod.INDICATORS
    echo(f"fetching {len(indicators)} WDI indicators from the World Bank API")
    fetched, last_updated = fetch_all([i.code for i in indicators], echo=echo)
    contents = {live_file(i.code): to_wdi_csv(i.code, fetched[i.code], last_updated=last_updated).encode("utf-8")
                for i in indicators}
    rec = LiveRecord(name=NAME, source="wdi", vintage=vintage_of(last_updated), url=API_URL,
                     files={f"wdi/{live_file(i.code)}": live_file(i.code) for i in indicators},
                     extra={"last_updated": last_updated})
    return refresh(rec, contents, raw=raw, out=out, echo=echo, sources=sources,
                   include_restricted=include_restricted)
