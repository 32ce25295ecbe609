"""Product-level trade: CEPII BACI (HS6) and OEC (HS4) for China-Russia, one shared table shape.

Every product-level source contributes its own table (a table name belongs to one source)
with the same columns, :data:`PRODUCT_TRADE_COLUMNS`:

``exporter, importer`` (COW codes), ``year``, ``hs_revision`` ("HS2017"), ``hs_level``
(6, 4 or 2: the digits of the code), ``product`` (the code as a string, zero-padded to its
level: "0101", "010121"), ``value_usd`` (US dollars), ``quantity`` (float, NA if absent;
BACI: metric tons).

:func:`product_trade` stacks whichever of these tables a snapshot holds, with a ``source``
column, and :func:`hs_group_share` gives the share of value in an HS chapter group defined
in ``data/hs_groups.yaml`` (raw materials, fuels, machinery, ...).

Readers here are BACI (``product_trade_baci``, plus its directed and pair totals as the
dyadic series ``trade_exports_usd_baci`` / ``trade_total_usd_baci`` for the years with both
directions: China-Russia 2017-2023) and OEC (``product_trade_oec`` plus
``rus_tariffs_on_chn_hs4``); WITS Kazakhstan (``product_trade_wits``) lives in
``wits_kazakhstan.py`` and uses the helpers of this module.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from ..errors import DataError, InputError
from .base import Source, SeriesSpec, SourceData, check_unique, check_years, read_csv, to_numeric

BACI_FILE = "cepii_baci_china_russia_hs6/baci_hs17_v202501_chn_rus_both_directions_2017-2023.csv"
OEC_EXPORTS_FILE = "oec_china_russia_hs4/oec_exports_russia_to_china_hs4_2018-2023.csv"
OEC_IMPORTS_FILE = "oec_china_russia_hs4/oec_russia_imports_from_china_hs4_tariffs_2019-2023.csv"

PRODUCT_TRADE_COLUMNS = ["exporter", "importer", "year", "hs_revision", "hs_level", "product",
                         "value_usd", "quantity"]
PRODUCT_TRADE_TABLES = ("product_trade_baci", "product_trade_oec", "product_trade_wits")

# BACI codes countries by UN M49 number; the file holds only China and Russia, so a tiny
# explicit map is safer than a general converter (any other code is an error).
M49_TO_COW = {156: 710, 643: 365}

# Four-digit headings created by HS2022 (flours of fish 0309, nicotine products 2404,
# halogenated-hydrocarbon mixtures 3827, additive manufacturing machines 8485, flat-panel
# modules 8524, e-waste 8549, unmanned aircraft 8806, their parts 8807). A year block that
# holds one of them is HS2022; otherwise the OEC data are HS2017 (the OEC Russia->China file
# equals BACI HS17 summed to four digits, to the dollar).
HS2022_NEW_HEADINGS = frozenset({"0309", "2404", "3827", "8485", "8524", "8549", "8806", "8807"})


# ----------------------------------------------------------------------------- helpers

def normalise_hs(codes: pd.Series, level: int, label: str, column: str) -> pd.Series:
    """HS codes as strings zero-padded to ``level`` digits ("101" -> "0101").

    Codes whose leading zero was lost (read as numbers) are restored; anything that is not
    1..``level`` digits is a DataError naming the file and column.
    """
    s = codes.astype("string").str.strip()
    # A code read as float ("101.0") keeps its integer part only.
    s = s.str.replace(r"\.0$", "", regex=True)
    bad = s.isna() | ~s.str.fullmatch(rf"\d{{1,{level}}}").fillna(False)
    if bad.any():
        raise DataError(f"{label}: column {column!r} has an invalid HS{level} code {codes[bad].iloc[0]!r}")
    return s.str.zfill(level).astype(object)


def product_frame(*, exporter, importer, year, hs_revision, hs_level: int, product, value_usd,
                  quantity=np.nan) -> pd.DataFrame:
    """Assemble a frame in the shared product-trade shape with the shared dtypes."""
    df = pd.DataFrame({"exporter": exporter, "importer": importer, "year": year,
                       "hs_revision": hs_revision, "hs_level": hs_level, "product": product,
                       "value_usd": value_usd, "quantity": quantity})
    df = df[PRODUCT_TRADE_COLUMNS]
    for c in ("exporter", "importer", "year", "hs_level"):
        df[c] = df[c].astype("int64")
    for c in ("hs_revision", "product"):
        df[c] = df[c].astype(str)
    for c in ("value_usd", "quantity"):
        df[c] = df[c].astype("float64")
    return df.sort_values(["exporter", "importer", "year", "product"], kind="mergesort").reset_index(drop=True)


def _revision_by_year(years: pd.Series, products: pd.Series) -> pd.Series:
    """HS2022 for the years whose codes include an HS2022-only heading, else HS2017."""
    hs4 = products.str[:4]
    new = hs4.isin(HS2022_NEW_HEADINGS).groupby(years).any()
    return years.map(lambda y: "HS2022" if new.get(y, False) else "HS2017")


# ----------------------------------------------------------------------------- BACI

BACI_COLS = ["t", "i", "j", "k", "v", "q"]


def read_baci(raw: Path) -> SourceData:
    path = Path(raw) / BACI_FILE
    label = path.name
    df = read_csv(path, columns=BACI_COLS, dtype=str, keep_default_na=False)
    year = to_numeric(df["t"], label, "t")
    check_years(year, label)
    codes = {}
    for c in ("i", "j"):
        num = to_numeric(df[c], label, c)
        if num.isna().any():
            raise DataError(f"{label}: column {c!r} has a missing country code")
        unknown = sorted(set(num.astype(int)) - set(M49_TO_COW))
        if unknown:
            raise DataError(f"{label}: column {c!r} has country code {unknown[0]} (expected 156 China or 643 Russia)")
        codes[c] = num.astype(int).map(M49_TO_COW)
    value = to_numeric(df["v"], label, "v")
    if value.isna().any():
        raise DataError(f"{label}: column 'v' has a missing value")
    out = product_frame(
        exporter=codes["i"], importer=codes["j"], year=year.astype(int), hs_revision="HS2017", hs_level=6,
        product=normalise_hs(df["k"], 6, label, "k"),
        # BACI values are thousands of current US$ with three decimals: whole dollars.
        value_usd=(value * 1000.0).round(0),
        quantity=to_numeric(df["q"], label, "q"),  # metric tons; empty = not reported
    )
    check_unique(out, ["exporter", "importer", "year", "product"], label)
    return SourceData(tables={"product_trade_baci": out}, dyad_year=baci_dyad_year(out))


def baci_dyad_year(trade: pd.DataFrame) -> pd.DataFrame:
    """Directed totals (``trade_exports_usd_baci``) and pair totals (``trade_total_usd_baci``)
    of a BACI product table, for the years where both directions are present: the two
    directions of a dyad-year then always come from BACI (one source per dyad-year)."""
    flows = trade.groupby(["exporter", "importer", "year"], sort=True)["value_usd"].sum().reset_index()
    flows["pair"] = list(zip(flows[["exporter", "importer"]].min(axis=1), flows[["exporter", "importer"]].max(axis=1)))
    both = flows.groupby(["pair", "year"])["exporter"].transform("nunique") == 2
    flows = flows[both]
    directed = pd.DataFrame({"series": "trade_exports_usd_baci", "ccode1": flows["exporter"],
                             "ccode2": flows["importer"], "year": flows["year"], "value": flows["value_usd"]})
    total = flows.groupby(["pair", "year"], sort=True)["value_usd"].sum().reset_index()
    total = pd.DataFrame({"series": "trade_total_usd_baci", "ccode1": [a for a, _ in total["pair"]],
                          "ccode2": [b for _, b in total["pair"]], "year": total["year"], "value": total["value_usd"]})
    out = pd.concat([directed, total], ignore_index=True)
    for c in ("ccode1", "ccode2", "year"):
        out[c] = out[c].astype("int64")
    return out


# ----------------------------------------------------------------------------- OEC

OEC_EXPORT_COLS = ["Section ID", "Section", "HS4 ID", "HS4", "Year", "Exports from Russia to China (USD)", "PCI"]
OEC_IMPORT_COLS = ["Section ID", "Section", "HS4 ID", "HS4", "Year"]
OEC_IMPORT_YEARS = (2019, 2020, 2021, 2023)  # the file has no 2022 columns


def _read_oec_exports(path: Path) -> pd.DataFrame:
    label = path.name
    df = read_csv(path, columns=OEC_EXPORT_COLS)
    year = to_numeric(df["Year"], label, "Year")
    check_years(year, label)
    product = normalise_hs(df["HS4 ID"], 4, label, "HS4 ID")
    value = to_numeric(df["Exports from Russia to China (USD)"], label, "Exports from Russia to China (USD)")
    keep = value > 0  # OEC lists traded products; a missing or zero cell is no recorded flow
    year, product, value = year[keep].astype(int), product[keep], value[keep]
    out = product_frame(exporter=365, importer=710, year=year, hs_revision=_revision_by_year(year, product),
                        hs_level=4, product=product, value_usd=value)
    check_unique(out, ["year", "product"], label)
    return out


def _read_oec_imports(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The OEC tariff view stacks one block per year: the ``Year`` column says which
    ``Imports (USD) <year>`` and ``Tariff <year>`` columns hold that row's values."""
    label = path.name
    wanted = OEC_IMPORT_COLS + [f"{k} {y}" for y in OEC_IMPORT_YEARS for k in ("Tariff", "Imports (USD)")]
    df = read_csv(path, columns=wanted)
    year = to_numeric(df["Year"], label, "Year")
    check_years(year, label)
    extra = sorted(set(year.astype(int)) - set(OEC_IMPORT_YEARS))
    if extra:
        raise DataError(f"{label}: rows for year {extra[0]} but no 'Imports (USD) {extra[0]}' column")
    product = normalise_hs(df["HS4 ID"], 4, label, "HS4 ID")
    value = pd.Series(np.nan, index=df.index)
    tariff = pd.Series(np.nan, index=df.index)
    for y in OEC_IMPORT_YEARS:
        rows = year == y
        value[rows] = to_numeric(df.loc[rows, f"Imports (USD) {y}"], label, f"Imports (USD) {y}")
        tariff[rows] = to_numeric(df.loc[rows, f"Tariff {y}"], label, f"Tariff {y}")
    year = year.astype(int)
    revision = _revision_by_year(year, product)
    # The tariff view lists every tariff line, traded or not: zero imports are not flows.
    keep = value > 0
    trade = product_frame(exporter=710, importer=365, year=year[keep], hs_revision=revision[keep],
                          hs_level=4, product=product[keep], value_usd=value[keep])
    check_unique(trade, ["year", "product"], label)
    tariffs = pd.DataFrame({"importer": 365, "exporter": 710, "year": year, "hs_revision": revision,
                            "hs_level": 4, "product": product, "tariff_pct": tariff,
                            "imports_usd": value})
    tariffs = tariffs.dropna(subset=["tariff_pct"]).sort_values(["year", "product"], kind="mergesort")
    return trade, tariffs.reset_index(drop=True)


def read_oec(raw: Path) -> SourceData:
    exports = _read_oec_exports(Path(raw) / OEC_EXPORTS_FILE)
    imports, tariffs = _read_oec_imports(Path(raw) / OEC_IMPORTS_FILE)
    trade = pd.concat([exports, imports], ignore_index=True)
    trade = trade.sort_values(["exporter", "importer", "year", "product"], kind="mergesort").reset_index(drop=True)
    return SourceData(tables={"product_trade_oec": trade, "rus_tariffs_on_chn_hs4": tariffs})


# ----------------------------------------------------------------------------- HS groups

@dataclass(frozen=True)
class HSGroup:
    """A named set of two-digit HS chapters (see ``data/hs_groups.yaml``)."""

    id: str
    label: str
    chapters: tuple[str, ...]
    why: str


@functools.lru_cache(maxsize=1)
def hs_groups() -> dict[str, HSGroup]:
    """The shipped HS chapter groups, loaded strictly (two-digit chapters 01-99, no 77)."""
    from ..validate import load_yaml_text

    path = resources.files("powergap") / "data" / "hs_groups.yaml"
    doc = load_yaml_text(path.read_text(encoding="utf-8"), "hs_groups.yaml")  # duplicate keys refused
    if not isinstance(doc, dict) or not isinstance(doc.get("groups"), dict):
        raise DataError("hs_groups.yaml: expected a mapping 'groups'")
    out = {}
    for gid, spec in doc["groups"].items():
        chapters = tuple(str(c) for c in (spec or {}).get("chapters", ()))
        if not chapters or not all(len(c) == 2 and c.isdigit() and c not in ("00", "77") for c in chapters):
            raise DataError(f"hs_groups.yaml: group {gid!r} needs two-digit HS chapters (01-99, not 77)")
        if len(set(chapters)) != len(chapters):
            raise DataError(f"hs_groups.yaml: group {gid!r} lists a chapter twice")
        out[str(gid)] = HSGroup(str(gid), str(spec.get("label", gid)), chapters, str(spec.get("why", "")))
    return out


def _group_chapters(group: str | Iterable[str]) -> frozenset[str]:
    if isinstance(group, str):
        groups = hs_groups()
        if group not in groups:
            raise InputError(f"unknown HS group {group!r}; known: {', '.join(sorted(groups))}")
        return frozenset(groups[group].chapters)
    chapters = [str(c).zfill(2) for c in group]
    if not chapters or not all(len(c) == 2 and c.isdigit() for c in chapters):
        raise InputError(f"HS chapters must be two-digit codes, got {list(group)!r}")
    return frozenset(chapters)


def _check_product_frame(df: pd.DataFrame) -> None:
    missing = [c for c in ("product", "value_usd") if c not in df.columns]
    if missing:
        raise InputError(f"product-trade frame lacks column(s) {', '.join(missing)}")
    for col in ("source", "hs_level"):
        if col in df.columns and df[col].nunique(dropna=False) > 1:
            # Two sources (or levels) describe the same flows: summing them double counts.
            raise InputError(f"product-trade frame mixes several {col} values "
                             f"({', '.join(map(str, sorted(df[col].unique())))}); filter to one first")


def hs_group_share(df: pd.DataFrame, group: str | Iterable[str]) -> float:
    """Share of trade value in an HS chapter group.

    .. math:: s_G = \\frac{\\sum_{p:\\,\\mathrm{chapter}(p) \\in G} v_p}{\\sum_p v_p}

    where :math:`v_p` is ``value_usd`` of product code ``p`` and ``chapter(p)`` its first two
    digits (chapters are stable across HS revisions; groups in ``data/hs_groups.yaml``).

    Parameters
    ----------
    df
        Rows in the product-trade shape (at least ``product`` and ``value_usd``), one source
        and one HS level; all rows are pooled (filter to one exporter, importer and year for
        a dyad-year share, or use :func:`hs_group_shares`).
    group
        A group id from ``hs_groups.yaml`` (``"raw_materials"``, ``"fuels"``, ``"machinery"``,
        ``"machinery_instruments"``, ...) or an explicit list of two-digit chapters.

    Returns
    -------
    float
        The share in [0, 1]; NaN when the frame has no trade (total value 0 or no rows),
        never 0.
    """
    chapters = _group_chapters(group)
    _check_product_frame(df)
    values = df["value_usd"].astype("float64")
    total = values.sum()
    if len(df) == 0 or not np.isfinite(total) or total == 0:
        return float("nan")
    in_group = df["product"].astype(str).str[:2].isin(chapters)
    return float(values[in_group].sum() / total)


def hs_group_shares(df: pd.DataFrame, group: str | Iterable[str], *,
                    by: tuple[str, ...] = ("exporter", "importer", "year")) -> pd.DataFrame:
    """:func:`hs_group_share` for each ``by`` cell: columns ``*by, group_usd, total_usd, share``."""
    chapters = _group_chapters(group)
    _check_product_frame(df)
    missing = [c for c in by if c not in df.columns]
    if missing:
        raise InputError(f"product-trade frame lacks column(s) {', '.join(missing)}")
    work = df[list(by)].copy()
    work["total_usd"] = df["value_usd"].astype("float64")
    work["group_usd"] = work["total_usd"].where(df["product"].astype(str).str[:2].isin(chapters), 0.0)
    out = work.groupby(list(by), sort=True)[["group_usd", "total_usd"]].sum().reset_index()
    out["share"] = (out["group_usd"] / out["total_usd"]).where(out["total_usd"] > 0)
    return out


# ----------------------------------------------------------------------------- snapshot access

def product_trade(store=None) -> pd.DataFrame:
    """Every product-level trade table in the snapshot, stacked, with a ``source`` column.

    Columns: :data:`PRODUCT_TRADE_COLUMNS` + ``source`` (the catalog key of the source).
    Sources overlap (OEC HS4 is BACI summed to four digits): filter on ``source`` before
    summing across them.
    """
    if store is None:
        from ..snapshot.store import default_store

        store = default_store()
    tables = store.catalog.get("tables", {})
    present = [t for t in PRODUCT_TRADE_TABLES if t in tables]
    if not present:
        raise DataError("the snapshot has no product-level trade table (product_trade_baci/oec/wits)")
    parts = [store.table(t)[PRODUCT_TRADE_COLUMNS].assign(source=tables[t]["source"]) for t in present]
    return pd.concat(parts, ignore_index=True)


# ----------------------------------------------------------------------------- sources

SOURCES = [
    Source(
        key="cepii_baci", title="CEPII BACI: China-Russia trade by HS6 product, 2017-2023 (HS17, release 202501)",
        producer="CEPII", version="V202501 (HS 2017 nomenclature)",
        citation=('CEPII, BACI (Gaulier & Zignago 2010, "BACI: International Trade Database at the Product-Level. '
                  'The 1994-2007 Version", CEPII WP 2010-23), release 202501, HS 2017 nomenclature.'),
        licence="Licence Ouverte / Etalab 2.0 (attribution), as CEPII distributes BACI",
        url="https://github.com/SamiNakibETU/Russia_China_relationship",
        files=(BACI_FILE,), read=read_baci, tables=("product_trade_baci",),
        series=(
            SeriesSpec("trade_exports_usd_baci", "Goods exports from the first state to the second, CEPII BACI "
                       "(reconciled mirror flows, f.o.b. values; sum of HS6 products); China-Russia only, years "
                       "with both directions", "current US$", "trade", dyadic=True),
            SeriesSpec("trade_total_usd_baci", "Goods trade between the two states, both directions, CEPII BACI "
                       "(sum of trade_exports_usd_baci); China-Russia only", "current US$", "trade",
                       dyadic=True, symmetric=True),
        ),
        note=("Rows of BACI_HS17_Y20xx_V202501.csv with (exporter, importer) = (156, 643) or (643, 156), "
              "kept by SamiNakibETU/Russia_China_relationship (russia_china_dependency/01_raw_data/trade/"
              "baci_russia_china_processed_2017_2023.csv, commit 239100644f1e119454aa5a564620e76ee6a1bb95). "
              "Values converted from thousands of US$ to US$; quantity in metric tons; codes M49 156 -> COW 710, "
              "643 -> COW 365; HS6 codes zero-padded. Producer: http://www.cepii.fr (BACI)."),
    ),
    Source(
        key="oec_hs4", title="OEC: Russia-China trade by HS4 product (Russia->China 2018-2023; China->Russia 2019-2021, 2023)",
        producer="Observatory of Economic Complexity (OEC, oec.world)",
        version="oec.world downloads stored at commit 239100644f1e119454aa5a564620e76ee6a1bb95 (2026-02-18)",
        citation=("Observatory of Economic Complexity (OEC, oec.world), bilateral product data built on BACI (HS4 level): "
                  "exports from Russia to China 2018-2023; tariff view of Russia's applied tariff and imports from "
                  "China by HS4 2019-2023."),
        licence=("Not stated in repo; OEC's site terms apply (attribution to OEC; the OEC states a Creative Commons "
                 "BY-SA licence - verify before redistribution)"),
        url="https://github.com/SamiNakibETU/Russia_China_relationship",
        files=(OEC_EXPORTS_FILE, OEC_IMPORTS_FILE), read=read_oec,
        tables=("product_trade_oec", "rus_tariffs_on_chn_hs4"),
        embed=False,
        note=("Kept out of the shipped snapshot until OEC's redistribution terms are verified (the repo states "
              "none); it adds little to BACI: the Russia->China file equals BACI HS17 summed to four digits. "
              "Values already in US$. The tariff view (China->Russia) has no 2022 block and covers only "
              "products with tariff lines (2019-2021 totals below BACI); zero-import lines are dropped from "
              "product_trade_oec and kept in rus_tariffs_on_chn_hs4 (tariff_pct = Russia's applied tariff, %). "
              "hs_revision: HS2022 for the 2023 tariff block (it holds HS2022-only headings), HS2017 otherwise. "
              "Files from SamiNakibETU/Russia_China_relationship, russia_china_dependency/01_raw_data/trade/."),
    ),
]
