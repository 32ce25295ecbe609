"""``powergap data update milex``: the SIPRI Military Expenditure Database workbook.

SIPRI publishes the database as one Excel workbook linked from
``https://www.sipri.org/databases/milex``, named after its coverage and revision, e.g.
``https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2024_2.xlsx`` (2025
release) or ``.../SIPRI-Milex-data-1949-2025_v1.2.xlsx`` (2026 release). The refresh reads
the landing page, takes the linked ``SIPRI-Milex-data-<first>-<last>*.xlsx`` with the
latest last year, downloads it and puts it where the reader
(:mod:`powergap.sources.sipri_milex`) looks, ``sipri_milex/SIPRI-Milex-data-1949-2024_2.xlsx``,
unchanged (the cache keeps it under its published name).

Before anything is rebuilt the workbook is checked for the sheets the reader needs. The
reader is written for constant-price sheet ``Constant (2023) US$``; a release priced in
another base year stops here with one line (the series would change unit silently
otherwise) and nothing is changed.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin

from ..errors import DataError
from .common import LiveRecord, fetch_newest, refresh, today

NAME = "milex"
PUBLISHER = "SIPRI"
PAGE_URL = "https://www.sipri.org/databases/milex"
_LINK_RE = re.compile(r"""(?:https?:)?(?://www\.sipri\.org)?/sites/default/files/"""
                      r"""(SIPRI-Milex-data-(\d{4})-(\d{4})[A-Za-z0-9_.\-]*?\.xlsx)""")


def newest_workbook_url(html: str, page_url: str = PAGE_URL) -> tuple[str, str]:
    """The workbook with the latest last year linked from the page: (URL, file name)."""
    found = {}
    for m in _LINK_RE.finditer(html):
        found[(int(m.group(3)), m.group(1))] = (urljoin(page_url, m.group(0)), m.group(1))
    if not found:
        raise DataError(f"{PUBLISHER}: {PAGE_URL} links no SIPRI-Milex-data-*.xlsx; the snapshot was not changed")
    return found[max(found)]


def check_workbook(data: bytes, *, label: str) -> dict:
    """Open the workbook, check the sheets the reader needs; returns its properties."""
    import openpyxl

    from ..sources import sipri_milex

    if not data.startswith(b"PK"):
        raise DataError(f"{PUBLISHER}: {label} is not an Excel workbook ({'empty' if not data else 'a web page?'}); "
                        "the snapshot was not changed")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise DataError(f"{PUBLISHER}: {label} cannot be opened ({type(exc).__name__}); the snapshot was not changed") from None
    try:
        names = list(book.sheetnames)
        props = book.properties
        modified = props.modified.date().isoformat() if props.modified else None
    finally:
        book.close()
    constant = [m.group(1) for s in names if (m := re.fullmatch(r"Constant \((\d{4})\) US\$", s))]
    if sipri_milex.CONSTANT_SHEET not in names and constant:
        raise DataError(f"{PUBLISHER}: {label} prices its constant series in {constant[0]} US$, but this powergap "
                        f"reads {sipri_milex.BASE_YEAR} US$ (sipri_milex.BASE_YEAR); update the reader first; "
                        "the snapshot was not changed")
    missing = [s for s in sipri_milex.SHEETS if s not in names]
    if missing:
        raise DataError(f"{PUBLISHER}: {label} lacks sheet(s) {', '.join(missing)}; the snapshot was not changed")
    return {"modified": modified}


def update_milex(*, raw: Path | str | None = None, out: Path | str | None = None, file: Path | str | None = None,
                 echo: Callable[[str], None] = print, sources=None,
                 include_restricted: bool = False) -> Path:
    """Download SIPRI's current Milex workbook, cache it and rebuild the user's snapshot."""
    from ..sources import sipri_milex
    from .common import check_out, find_raw

    find_raw(raw)
    check_out(out)
    name, url, data, last_modified = fetch_newest(file, page_url=PAGE_URL, publisher=PUBLISHER,
                                                  what="SIPRI Milex workbook", pick=newest_workbook_url, echo=echo)
    props = check_workbook(data, label=name)
    dated = props["modified"] or last_modified or "undated"
    rec = LiveRecord(name=NAME, source=sipri_milex.SOURCES[0].key, url=url, fetched=today(),
                     vintage=f"SIPRI Milex workbook {name} (last modified {dated})",
                     files={sipri_milex.FILE: name},
                     extra={"workbook_modified": props["modified"], "http_last_modified": last_modified})
    return refresh(rec, {name: data}, raw=raw, out=out, echo=echo, sources=sources,
                   include_restricted=include_restricted)
