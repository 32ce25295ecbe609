"""IMF World Economic Outlook (October 2025), DataMapper exports of GDP at MER and PPP.

Each file (``imf_weo/imf-dm-export-20251119_{MER,PPP}.xls``) is an OLE2 Excel sheet: a
title cell naming the indicator and its unit, then one row per economy or group with a
column per year 1980-2030 and ``"no data"`` where there is none. Values are billions.

Projections. The DataMapper export does not mark where each economy's estimates end, so
the rule is the vintage's: an October WEO publishes actual or staff-estimated figures up to
the previous year and projections from its own year on. The export date in the file name
(2025-11-19) gives the vintage year (2025); years from it on are dropped, leaving
1980-2024. For a few economies 2024 itself is an IMF staff estimate.

Names are mapped to COW codes by :func:`names_to_ccode` (also used by the SIPRI and FAS
readers): explicit aliases first, then country_converter's name -> ISO3 and the ISO code
windows of ``data/iso_windows.tsv`` (WEO's own rows: "Germany" is West Germany to 1990,
Sudan is attached in every year; docs/states.md). IMF groups (World, regions, income and analytical groups) are dropped by
an explicit list; economies with no COW state (Aruba, Hong Kong SAR, Macao SAR, Puerto Rico,
West Bank and Gaza) are dropped; any other name that cannot be mapped is an error, so a
new name in a new vintage is noticed rather than silently lost.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_unique, check_years, first_line, require_file

MER_FILE = "imf_weo/imf-dm-export-20251119_MER.xls"
PPP_FILE = "imf_weo/imf-dm-export-20251119_PPP.xls"

# series id -> (file, phrase the title cell must contain, scale to the stored unit)
WEO_SERIES = {
    "gdp_usd_weo": (MER_FILE, "Billions of U.S. dollars", 1e9),
    "gdp_ppp_weo": (PPP_FILE, "billions of international dollars", 1e9),
}

# IMF country groups in the DataMapper export (matched after trimming spaces).
IMF_GROUPS = frozenset({
    "Africa (Region)", "Asia and Pacific", "Australia and New Zealand", "Caribbean", "Central America",
    "Central Asia and the Caucasus", "East Asia", "Eastern Europe", "Europe", "Middle East (Region)",
    "North Africa", "North America", "Pacific Islands", "South America", "South Asia", "Southeast Asia",
    "Sub-Saharan Africa (Region)", "Western Europe", "Western Hemisphere (Region)", "ASEAN-5",
    "Advanced economies", "Emerging and Developing Asia", "Emerging and Developing Europe",
    "Emerging market and developing economies", "Euro area", "European Union",
    "Latin America and the Caribbean", "Major advanced economies (G7)", "Middle East and Central Asia",
    "Other advanced economies", "Sub-Saharan Africa", "World",
})

MISSING_MARKERS = ("no data", "", "n/a", "--")


# ----------------------------------------------------------------------------- names -> COW

Alias = tuple[int | None, int | None, int | None]  # (ccode or None = drop, first year, last year)


def _norm_name(name: str) -> str:
    return re.sub(r"\s+", " ", str(name)).strip()


def names_to_ccode(names: pd.Series, years: pd.Series, *, label: str, aliases: dict[str, Alias] | None = None,
                   drop: frozenset[str] | set[str] = frozenset(), source: str | None = None) -> pd.Series:
    """Map English country names (with their years) to COW codes; NA where dropped.

    Parameters
    ----------
    names, years
        Aligned Series of names and years.
    label
        File name used in error messages.
    aliases
        Normalised name -> ``(ccode, first_year, last_year)``. A ``ccode`` of None drops
        the name; outside ``first..last`` the row is dropped (used for states that
        dissolved or were renamed, e.g. ``"USSR": (365, None, 1991)``).
    drop
        Names known not to be states (aggregates, territories): dropped.
    source
        The source's key: names recognised as an ISO3 code are attached in that code's
        windows (``data/iso_windows.tsv``), the source's own rows first (WEO's "Germany"
        is West Germany to 1990).

    Raises
    ------
    DataError
        A name that is neither an alias, nor dropped, nor recognised by country_converter.
        Names that country_converter maps to an ISO3 code with no COW state (Hong Kong,
        Puerto Rico) give NA without error.
    """
    import logging

    # One shared converter: building a CountryConverter takes about a second.
    from ..states import _coco, iso3_to_ccode

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    aliases = {_norm_name(k).lower(): v for k, v in (aliases or {}).items()}
    drop_l = {_norm_name(d).lower() for d in drop}
    norm = names.map(_norm_name)
    out = pd.Series(pd.NA, index=names.index, dtype="Int64")
    iso = pd.Series(pd.NA, index=names.index, dtype="string")
    converter = _coco()
    for name in norm.unique():
        key = name.lower()
        sel = norm == name
        if key in drop_l:
            continue
        if key in aliases:
            cc, lo, hi = aliases[key]
            if cc is None:
                continue
            yrs = years[sel]
            ok = pd.Series(True, index=yrs.index)
            if lo is not None:
                ok &= yrs >= lo
            if hi is not None:
                ok &= yrs <= hi
            out[ok[ok].index] = cc
            continue
        found = converter.convert(name, to="ISO3", not_found=None)
        if not isinstance(found, str) or found == name or not re.fullmatch(r"[A-Z]{3}", found):
            raise DataError(f"{label}: country name {name!r} is not recognised; add it to the reader's aliases "
                            "or its list of aggregates")
        iso[sel] = found
    has_iso = iso.notna()
    if has_iso.any():
        out[has_iso] = iso3_to_ccode(iso[has_iso], years[has_iso], source=source).astype("Int64")
    return out


# ----------------------------------------------------------------------------- WEO

def vintage_year(path: Path | str) -> int:
    """The WEO vintage year from a DataMapper export name (``imf-dm-export-YYYYMMDD``)."""
    m = re.search(r"imf-dm-export-(\d{4})\d{4}", Path(path).name)
    if not m:
        raise DataError(f"{Path(path).name}: cannot tell the WEO vintage from the file name "
                        "(expected imf-dm-export-YYYYMMDD)")
    return int(m.group(1))


def load_weo_sheet(path: Path | str) -> pd.DataFrame:
    """The first sheet of a DataMapper .xls as a header-less DataFrame (strings and numbers)."""
    import xlrd

    path = require_file(Path(path))
    try:
        # These exports have a slightly malformed OLE2 directory; xlrd reads them when told
        # to ignore that (as MANIFEST.md notes).
        book = xlrd.open_workbook(str(path), ignore_workbook_corruption=True)
        return pd.read_excel(book, engine="xlrd", header=None)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct.error, ...
        raise DataError(f"{path.name}: cannot be parsed ({type(exc).__name__}: {first_line(exc)})") from None


def parse_weo_frame(df: pd.DataFrame, *, label: str, unit_phrase: str, scale: float, last_year: int) -> pd.DataFrame:
    """Turn a DataMapper sheet into long rows ``name, year, value`` (historical years only).

    ``value = cell * scale`` (billions -> units); years after ``last_year`` are dropped as
    projections; ``"no data"`` cells are missing; any other text in a year column is an error.
    """
    if df.shape[0] < 3 or df.shape[1] < 2:
        raise DataError(f"{label}: too few rows or columns for a DataMapper export")
    title = str(df.iat[0, 0])
    if unit_phrase.lower() not in title.lower():
        raise DataError(f"{label}: title {title!r} does not say {unit_phrase!r}; the unit may have changed")
    year_cols: dict[int, int] = {}
    for j in range(1, df.shape[1]):
        h = df.iat[0, j]
        if pd.isna(h):
            continue
        try:
            y = int(float(h))
        except (TypeError, ValueError):
            raise DataError(f"{label}: header cell {h!r} is not a year") from None
        year_cols[j] = y
    if not year_cols:
        raise DataError(f"{label}: no year columns in the first row")
    names = df.iloc[1:, 0]
    body = df.iloc[1:][list(year_cols)]
    keep = names.notna() & ~names.astype(str).str.startswith("©")
    names, body = names[keep].astype(str), body[keep]
    long = body.set_axis([year_cols[j] for j in body.columns], axis=1).assign(name=names.map(_norm_name).to_numpy())
    long = long.melt(id_vars=["name"], var_name="year", value_name="cell")
    cell = long["cell"]
    is_text = cell.map(lambda v: isinstance(v, str))
    text = cell[is_text].str.strip().str.lower()
    bad = ~text.isin(MISSING_MARKERS)
    if bad.any():
        raise DataError(f"{label}: non-numeric value {cell[is_text][bad].iloc[0]!r}")
    value = pd.to_numeric(cell.mask(is_text), errors="coerce").astype("float64") * scale
    out = pd.DataFrame({"name": long["name"], "year": long["year"].astype("int64"), "value": value})
    out = out[(out["year"] <= last_year) & out["value"].notna() & np.isfinite(out["value"])]
    return out.reset_index(drop=True)


def read_weo(raw: Path) -> SourceData:
    parts = []
    for sid, (rel, phrase, scale) in WEO_SERIES.items():
        path = Path(raw) / rel
        df = load_weo_sheet(path)
        long = parse_weo_frame(df, label=path.name, unit_phrase=phrase, scale=scale,
                               last_year=vintage_year(path) - 1)
        check_years(long["year"], path.name, lo=1900)
        long["ccode"] = names_to_ccode(long["name"], long["year"], label=path.name, drop=IMF_GROUPS, source="imf_weo")
        long = long.dropna(subset=["ccode"]).assign(series=sid)
        long["ccode"] = long["ccode"].astype("int64")
        check_unique(long, ["ccode", "year"], path.name)
        parts.append(long[["series", "ccode", "year", "value"]])
    return SourceData(state_year=pd.concat(parts, ignore_index=True))


SOURCES = [
    Source(
        key="imf_weo", title="IMF World Economic Outlook Database, October 2025 (DataMapper export)",
        producer="International Monetary Fund", version="WEO October 2025 (DataMapper export 2025-11-19)",
        citation="International Monetary Fund. 2025. World Economic Outlook Database, October 2025. Washington, DC: IMF.",
        licence="IMF copyright; reuse permitted with attribution (IMF terms of use)",
        url="https://www.imf.org/external/datamapper/",
        files=(MER_FILE, PPP_FILE), read=read_weo,
        series=(
            SeriesSpec("gdp_usd_weo", "GDP, current prices, US$ (IMF WEO Oct 2025 NGDPD; historical years only, "
                       "1980-2024; 2024 is a staff estimate for some economies)", "current US$", "economic"),
            SeriesSpec("gdp_ppp_weo", "GDP, current prices, PPP international $ (IMF WEO Oct 2025 PPPGDP; "
                       "historical years only, 1980-2024)", "current international $ (PPP)", "economic"),
        ),
        note=("Values are billions in the files, stored in units. Projection years (2025-2030 in this vintage) are "
              "dropped: an October WEO's figures from its own year on are projections. IMF groups and economies "
              "without a COW state (Aruba, Hong Kong SAR, Macao SAR, Puerto Rico, West Bank and Gaza) are dropped. "
              "'Germany' is West Germany (COW 260) to 1990 and unified Germany (255) from 1991: its 1980-1990 GDP "
              "is a steady 0.90 of the World Bank's unified-Germany backcast (docs/states.md)."),
    ),
]
