"""World Bank WITS (UN Comtrade as reported by Kazakhstan): Kazakhstan's exports to China by
HS4 product and its imports from every partner by WITS HS product group, 2015-2024.

Values are thousands of US$ in the raw files (converted to US$ here); nomenclature "H4" in
WITS means HS 2012. Two tables:

* ``product_trade_wits`` (shared product-trade shape, see ``products.py``): Kazakhstan (705)
  -> China (710), HS4, 2015-2019 and 2023-2024 (2020-2022 dropped, see below).
* ``kaz_imports_by_hs_section``: Kazakhstan's imports by partner state and WITS product
  group ("84-85" machinery and electrical, "27-27" fuels, ... 16 groups covering HS 01-99),
  with the world total of that group-year in ``world_usd`` so partner shares are direct.
  These groups are chapter ranges, not HS codes of one level, so they do not fit the
  product-trade shape and stay in their own table.

Partners that are not COW states (the WLD aggregate, "Other Asia, nes", "Unspecified", Hong
Kong, Macao, dependent territories) are dropped from both tables (the world total is kept
as a column); zero values are dropped (no flow).

Incomplete years. For 2020-2022 the stored WITS extract lists, in HS groups 72-83, 84-85,
86-89 and 90-99, only Kazakhstan's Eurasian Economic Union partners (Russia, Belarus,
Kyrgyzstan, Armenia: 5 partners instead of ~120, and a "world" total that is their sum),
and the HS4 export file has almost nothing in chapters 72-99 for those years (China's
imports of Kazakh copper and ferro-alloys are absent). Those group-years are detected from
the data (a group-year listing fewer than half the group's median number of partners) and
dropped from ``kaz_imports_by_hs_section``; the years they fall in are dropped whole from
``product_trade_wits`` (a partial year would bias every share computed from it). Absent
therefore means missing, never zero.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..states import iso3_to_ccode
from .base import Source, SourceData, check_unique, check_years, read_csv, to_numeric
from .products import normalise_hs, product_frame

DIR = "wits_kazakhstan_trade"
EXPORTS_FILE = f"{DIR}/kazakhstan_exports_to_china_hs4_2015_2024_wits.csv"
IMPORT_FILES = (f"{DIR}/kazakhstan_imports_all_partners_hs_sections_01_49_2015_2024_wits.csv",
                f"{DIR}/kazakhstan_imports_all_partners_hs_sections_50_99_2015_2024_wits.csv")
COLS = ["Nomenclature", "ReporterISO3", "ProductCode", "PartnerISO3", "PartnerName", "Year",
        "TradeFlowName", "TradeValuein1000USD"]

HS_REVISION = {"H0": "HS1992", "H1": "HS1996", "H2": "HS2002", "H3": "HS2007", "H4": "HS2012",
               "H5": "HS2017", "H6": "HS2022"}
# WITS (Comtrade) codes that differ from ISO 3166 alpha-3.
WITS_CODES = {"SER": 345, "MNT": 341, "SUD": 625, "ROM": 360, "ZAR": 490, "TMP": 860}


def _read(path: Path, flow: str) -> pd.DataFrame:
    label = path.name
    df = read_csv(path, columns=COLS, dtype=str, keep_default_na=False)
    for col, want in (("ReporterISO3", "KAZ"), ("TradeFlowName", flow)):
        got = sorted(set(df[col].str.strip()) - {want})
        if got:
            raise DataError(f"{label}: column {col!r} is {got[0]!r}; expected {want!r}")
    unknown = sorted(set(df["Nomenclature"].str.strip()) - set(HS_REVISION))
    if unknown:
        raise DataError(f"{label}: unknown nomenclature {unknown[0]!r}")
    year = to_numeric(df["Year"], label, "Year")
    check_years(year, label)
    out = pd.DataFrame({
        "year": year.astype("int64"),
        "hs_revision": df["Nomenclature"].str.strip().map(HS_REVISION),
        "code": df["ProductCode"].str.strip(),
        "partner_iso3": df["PartnerISO3"].str.strip().str.upper(),
        # thousands of US$ with three decimals: whole dollars
        "value_usd": (to_numeric(df["TradeValuein1000USD"], label, "TradeValuein1000USD") * 1000.0).round(0),
    })
    check_unique(out, ["year", "code", "partner_iso3"], label)
    return out


def _partner_ccode(iso3: pd.Series, year: pd.Series) -> pd.Series:
    cc = iso3_to_ccode(iso3, year, source="state")
    extra = iso3.map(WITS_CODES).astype("Int64")
    return cc.fillna(extra)


def _read_imports(raw: Path) -> pd.DataFrame:
    parts = []
    for f in IMPORT_FILES:
        part = _read(raw / f, "Import")
        lab = Path(f).name
        bad = ~part["code"].str.fullmatch(r"\d{2}-\d{2}_[A-Za-z]+")
        if bad.any():
            raise DataError(f"{lab}: column 'ProductCode' has {part['code'][bad].iloc[0]!r}; expected a WITS group like '84-85_MachElec'")
        parts.append(part)
    im = pd.concat(parts, ignore_index=True)
    check_unique(im, ["year", "code", "partner_iso3"], "WITS Kazakhstan imports")
    return im


def _incomplete_groups(im: pd.DataFrame) -> pd.DataFrame:
    """Group-years whose partner list is under half the group's median length (``year, code``)."""
    n = im[im["partner_iso3"] != "WLD"].groupby(["code", "year"]).size().rename("n").reset_index()
    n["median"] = n.groupby("code")["n"].transform("median")
    return n.loc[n["n"] < 0.5 * n["median"], ["year", "code"]].reset_index(drop=True)


def read_wits_kazakhstan(raw: Path) -> SourceData:
    raw = Path(raw)
    im = _read_imports(raw)
    incomplete = _incomplete_groups(im)
    bad_years = set(incomplete["year"])
    ex = _read(raw / EXPORTS_FILE, "Export")
    label = Path(EXPORTS_FILE).name
    partners = sorted(set(ex["partner_iso3"]) - {"CHN"})
    if partners:
        raise DataError(f"{label}: partner {partners[0]!r}; expected only CHN (exports to China)")
    ex = ex[(ex["value_usd"] > 0) & ~ex["year"].isin(bad_years)]
    trade = product_frame(exporter=705, importer=710, year=ex["year"], hs_revision=ex["hs_revision"], hs_level=4,
                          product=normalise_hs(ex["code"], 4, label, "ProductCode"), value_usd=ex["value_usd"])

    im = im.merge(incomplete.assign(_drop=True), on=["year", "code"], how="left")
    im = im[im["_drop"].isna()].drop(columns="_drop")
    world = (im[im["partner_iso3"] == "WLD"].set_index(["year", "code"])["value_usd"].rename("world_usd"))
    im = im[im["value_usd"] > 0].copy()
    im["exporter"] = _partner_ccode(im["partner_iso3"], im["year"])
    im = im.dropna(subset=["exporter"])  # aggregates and non-state partners
    im = im.join(world, on=["year", "code"])
    rng = im["code"].str.extract(r"^(\d{2})-(\d{2})_(.+)$")
    sections = pd.DataFrame({
        "exporter": im["exporter"].astype("int64"), "importer": 705, "year": im["year"],
        "hs_revision": im["hs_revision"], "section": rng[0] + "-" + rng[1], "section_label": rng[2],
        "first_chapter": rng[0], "last_chapter": rng[1], "value_usd": im["value_usd"],
        "world_usd": im["world_usd"].astype("float64"),
    })
    sections = sections.sort_values(["exporter", "year", "section"], kind="mergesort").reset_index(drop=True)
    check_unique(sections, ["exporter", "year", "section"], "WITS Kazakhstan imports")
    return SourceData(tables={"product_trade_wits": trade, "kaz_imports_by_hs_section": sections})


SOURCES = [
    Source(
        key="wits_kaz", title="WITS: Kazakhstan's exports to China by HS4 and imports by partner and HS group, 2015-2024",
        producer="World Bank WITS (UN Comtrade data as reported by Kazakhstan)",
        version="WITS downloads stored at AkshatSharma03/KazPaper-data-analysis commit ffe5d918c724ccb695019b8184c859845fe9eed7 (2026-06-23); HS nomenclature H4 (HS 2012)",
        citation=("World Bank, World Integrated Trade Solution (WITS), UN Comtrade data as reported by Kazakhstan, "
                  "HS nomenclature (H4), values in thousand USD, 2015-2024."),
        licence="WITS/UN Comtrade terms of use (attribution); no licence file in repo",
        url="https://github.com/AkshatSharma03/KazPaper-data-analysis",
        files=(EXPORTS_FILE,) + IMPORT_FILES, read=read_wits_kazakhstan,
        tables=("product_trade_wits", "kaz_imports_by_hs_section"),
        embed=False,
        note=("Kept out of the shipped snapshot: WITS's terms restate the UN Comtrade licence (data for internal "
              "use, not to be re-disseminated without UNSD's written permission). Reads the .csv conversions of "
              "the .dta originals (data/wits_raw/ in the origin repo). Values converted from thousands of US$ to "
              "US$. Dropped: partner rows that are not COW states (WLD kept as world_usd; OAS 'Other Asia, nes', "
              "UNS 'Unspecified', HKG, MAC and dependent territories dropped) and zero values. WITS partner codes "
              "SER, MNT, SUD mapped to COW 345, 341, 625. Incomplete in the extract and dropped: HS groups 72-83, "
              "84-85, 86-89, 90-99 in 2020-2022 (only EAEU partners listed), hence product_trade_wits lacks "
              "2020-2022 (HS4 chapters 72-99 absent). Kazakhstan's all-partner export file is not in raw/."),
    ),
]
