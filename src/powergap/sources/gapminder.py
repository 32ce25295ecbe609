"""Gapminder Systema Globalis (open-numbers DDF repository): series that extend WDI.

Each concept is one file ``ddf--datapoints--<concept>--by--geo--time.csv`` with columns
``geo, time, <concept>``; ``geo`` is Gapminder's lower-case country id, mostly the ISO3
code (``chn``), with its own ids for dissolved states (``ussr``, ``cheslo``, ``yug``) and
Kosovo (``kos``). ``ddf--entities--geo--country.csv`` gives each id's ISO3 code;
``ddf--concepts.csv`` names each concept, its source and its unit.

Units (from ``ddf--concepts.csv`` and the WDI definitions it links to):

* arms exports/imports are WDI MS.MIL.XPRT.KD / MS.MIL.MPRT.KD, i.e. SIPRI trend-indicator
  values expressed in TIV *units* (China 2024 exports = 1,131,000,000 = 1,131 TIV million),
  not in millions as SIPRI's own tables print them;
* oil and gas proved reserves (Energy Institute) are in tonnes of oil equivalent;
* total GDP PPP (Gapminder's long splice, 1800-2013) is in constant 2005 international $;
* patents (WIPO IP statistics) are counts; ``ddf--concepts.csv`` does not say whether they
  are counted by office or by the applicant's origin;
* the ``_percent_`` concepts are percentages (0-100).

Dissolved states: ``ussr`` (COW 365) is used to 1991, ``cheslo`` (COW 315) to 1992 and
``yug`` (COW 345) to 2005 (WIPO's "Yugoslavia" after 1991 is the Federal Republic, which
COW 345 continues); after those years they are dropped (Gapminder keeps ``yug`` and
``cheslo`` rows of patents in force to 2024, and its ``ussr`` gas reserves for 1991-1996
are the Energy Institute's residual "other CIS", about a fifteenth of Russia's). Where the
successor has its own figure for the same state-year, the successor's wins (gas reserves
1991: ``rus`` 30.5 bn toe rather than ``ussr`` 2.2 bn toe). Ids without an ISO3 code or
COW state (Abkhazia, Hong Kong, Puerto Rico, Netherlands Antilles, Channel Islands, ...)
are dropped. No concept read here runs past 2024 (projections to 2100 exist only for
other concepts, which are not read).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, attach_ccode, check_unique, check_years, read_csv, to_numeric

DIR = "gapminder_systema_globalis"
CONCEPTS_FILE = f"{DIR}/ddf--concepts.csv"
GEO_FILE = f"{DIR}/ddf--entities--geo--country.csv"


@dataclass(frozen=True)
class Concept:
    concept: str
    series: str
    unit: str
    dimension: str
    description: str
    # A phrase that ddf--concepts.csv must contain for this concept (name or description):
    # guards the unit against silent changes upstream.
    must_say: str = ""

    @property
    def file(self) -> str:
        return f"{DIR}/ddf--datapoints--{self.concept}--by--geo--time.csv"


CONCEPTS: tuple[Concept, ...] = (
    Concept("armed_forces_personnel_total", "armed_forces", "persons", "military",
            "Armed forces personnel, active duty incl. paramilitary (WDI MS.MIL.TOTL.P1 via Gapminder; ends 2020)",
            "Armed forces personnel"),
    Concept("armed_forces_personnel_percent_of_labor_force", "armed_forces_pct_labor", "% of labour force", "military",
            "Armed forces personnel, % of total labour force (WDI MS.MIL.TOTL.TF.ZS via Gapminder)", "% of labor force"),
    Concept("arms_exports_sipri_tiv", "arms_exports_tiv_gm", "SIPRI TIV (units; 1 TIV million = 1e6)", "arms",
            "Arms exports, SIPRI trend-indicator values of major conventional weapons (WDI MS.MIL.XPRT.KD via Gapminder)",
            "SIPRI trend indicator values"),
    Concept("arms_imports_sipri_tiv", "arms_imports_tiv_gm", "SIPRI TIV (units; 1 TIV million = 1e6)", "arms",
            "Arms imports, SIPRI trend-indicator values of major conventional weapons (WDI MS.MIL.MPRT.KD via Gapminder)",
            "SIPRI trend indicator values"),
    Concept("high_technology_exports_percent_of_manufactured_exports", "hightech_exports_pct",
            "% of manufactured exports", "technological",
            "High-technology exports, % of manufactured exports (WDI TX.VAL.TECH.MF.ZS via Gapminder)",
            "% of manufactured exports"),
    Concept("patent_applications_total", "patent_applications", "patent applications (count)", "technological",
            "Patent applications, total (WIPO IP statistics via Gapminder; office or origin basis not stated)"),
    Concept("patents_granted_total", "patents_granted", "patents (count)", "technological",
            "Patents granted, total (WIPO IP statistics via Gapminder)"),
    Concept("patents_in_force_total", "patents_in_force", "patents (count)", "technological",
            "Patents in force, total (WIPO IP statistics via Gapminder)"),
    Concept("market_value_of_listed_companies_percent_of_gdp", "market_cap_gdp_pct", "% of GDP", "financial",
            "Market capitalisation of listed domestic companies, % of GDP, end of year (WDI CM.MKT.LCAP.GD.ZS via Gapminder)",
            "% of GDP"),
    Concept("oil_proved_reserves_total", "oil_reserves", "tonnes of oil equivalent", "economic",
            "Proved oil reserves (Energy Institute Statistical Review via Gapminder; to 2020)", "tonnes oil equivalent"),
    Concept("natural_gas_proved_reserves_total", "gas_reserves", "tonnes of oil equivalent", "economic",
            "Proved natural gas reserves (Energy Institute Statistical Review via Gapminder; to 2020)",
            "tonnes oil equivalent"),
    Concept("military_expenditure_percent_of_gdp", "milex_gdp_pct_gm", "% of GDP", "military",
            "Military expenditure, % of GDP (SIPRI via WDI MS.MIL.XPND.GD.ZS via Gapminder)", "% of GDP"),
    Concept("foreign_direct_investment_net_inflows_percent_of_gdp", "fdi_inflows_gdp_pct", "% of GDP", "financial",
            "Foreign direct investment, net inflows, % of GDP (WDI BX.KLT.DINV.WD.GD.ZS via Gapminder)", "% of GDP"),
    Concept("foreign_direct_investment_net_outflows_percent_of_gdp", "fdi_outflows_gdp_pct", "% of GDP", "financial",
            "Foreign direct investment, net outflows, % of GDP (WDI BM.KLT.DINV.WD.GD.ZS via Gapminder)", "% of GDP"),
    Concept("trade_balance_us_not_inflation_adjusted", "trade_balance_usd", "current US$", "economic",
            "External balance on goods and services, current US$ (WDI NE.RSB.GNFS.CD via Gapminder)", "current U.S. dollars"),
    # Times gdp_usd (WDI, current US$) this is total merchandise trade for every state to 2024,
    # where the 24-state WTO file (wdi_merch_wto) has no row.
    Concept("merchandise_trade_percent_of_gdp", "merch_trade_gdp_pct_gm", "% of GDP", "trade",
            "Merchandise trade (exports + imports), % of GDP, all in current US$ (WDI TG.VAL.TOTL.GD.ZS via Gapminder)",
            "Merchandise trade as a share of GDP"),
    Concept("total_gdp_ppp_inflation_adjusted", "gdp_ppp_gm", "constant 2005 international $ (PPP)", "economic",
            "Total GDP at PPP, constant 2005 international $, 1800-2013 (Gapminder's long-run splice, gapm.io/dgdppc)",
            "constant 2005 international dollars"),
)

# Gapminder ids of dissolved states (and Kosovo) -> the code iso_windows.tsv knows; the years
# each is attached in come from there (SUN 1922-1991, CSK to 1992, YUG 1919-1991), so a
# dissolved state's id never meets its successor's (RUS from 1992, SRB from 2006) in one year.
HISTORICAL_GEO = {"ussr": "SUN", "cheslo": "CSK", "yug": "YUG", "kos": "XKX"}


def geo_to_iso3(raw: Path) -> dict[str, str]:
    """Gapminder geo id -> ISO3 code (only ids that have one, plus the historical ids)."""
    path = Path(raw) / GEO_FILE
    ent = read_csv(path, columns=["country", "iso3166_1_alpha3"], usecols=lambda c: c in ("country", "iso3166_1_alpha3"),
                   keep_default_na=False, dtype=str)
    out = {r.country.strip(): r.iso3166_1_alpha3.strip().upper() for r in ent.itertuples() if r.iso3166_1_alpha3.strip()}
    for geo, iso in HISTORICAL_GEO.items():
        out[geo] = iso
    return out


def check_concepts(raw: Path, concepts: tuple[Concept, ...] = CONCEPTS) -> None:
    """Every concept read must be listed in ddf--concepts.csv, saying its unit phrase."""
    path = Path(raw) / CONCEPTS_FILE
    df = read_csv(path, columns=["concept", "name", "description"], keep_default_na=False, dtype=str)
    listed = df.set_index("concept")
    for c in concepts:
        if c.concept not in listed.index:
            raise DataError(f"{path.name}: concept {c.concept!r} is not listed")
        row = listed.loc[c.concept]
        text = f"{row['name']} {row['description']}".lower()
        if c.must_say and c.must_say.lower() not in text:
            raise DataError(f"{path.name}: concept {c.concept!r} no longer says {c.must_say!r}; check its unit")


def read_concept(raw: Path, c: Concept) -> pd.DataFrame:
    """One datapoints file as long rows ``series, geo, year, value``."""
    path = Path(raw) / c.file
    # Numbers parse as numbers (fast); a junk cell leaves the column as text for to_numeric to reject.
    df = read_csv(path, columns=["geo", "time", c.concept], keep_default_na=False, na_values=[""],
                  dtype={"geo": str})
    year = to_numeric(df["time"], path.name, "time")
    check_years(year, path.name)
    year = year.astype("int64")
    value = to_numeric(df[c.concept], path.name, c.concept)
    out = pd.DataFrame({"series": c.series, "geo": df["geo"].str.strip().str.lower(), "year": year,
                        "value": value})
    out = out.dropna(subset=["value"])
    check_unique(out, ["geo", "year"], path.name)
    return out


def read_gapminder(raw: Path, concepts: tuple[Concept, ...] = CONCEPTS) -> SourceData:
    check_concepts(raw, concepts)
    iso = geo_to_iso3(raw)
    parts = []
    for c in concepts:
        long = read_concept(raw, c)
        long["iso3"] = long["geo"].map(iso)
        long = long.dropna(subset=["iso3"])
        parts.append(attach_ccode(long, code_col="iso3", label=Path(c.file).name, source="gapminder"))
    df = pd.concat(parts, ignore_index=True)
    return SourceData(state_year=df[["series", "ccode", "year", "value"]])


SOURCES = [
    Source(
        key="gapminder", title="Gapminder Systema Globalis (DDF)", producer="Gapminder Foundation",
        version="open-numbers/ddf--gapminder--systema_globalis, commit c63631ab (2026-03-01)",
        citation=("Gapminder Foundation. Systema Globalis, https://github.com/open-numbers/ddf--gapminder--systema_globalis "
                  "(series compiled from World Bank WDI, SIPRI, WIPO and the Energy Institute Statistical Review)."),
        licence="CC BY 4.0",
        url="https://github.com/open-numbers/ddf--gapminder--systema_globalis",
        files=(CONCEPTS_FILE, GEO_FILE, *(c.file for c in CONCEPTS)), read=read_gapminder,
        series=tuple(SeriesSpec(c.series, c.description, c.unit, c.dimension) for c in CONCEPTS),
        note=("Cite the original producer too: World Bank WDI (armed forces, high-tech exports, market capitalisation, "
              "FDI, trade balance), SIPRI (arms TIV, military expenditure), WIPO (patents), Energy Institute (reserves). "
              "Arms TIV are in TIV units (x 1e6 of SIPRI's 'TIV million')."),
    ),
]
