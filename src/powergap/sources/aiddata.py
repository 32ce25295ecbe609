"""AidData: China's Public Diplomacy Dashboard (v2.0) and Global Chinese Development Finance
(GCDF v3.0, aggregated to recipient-years).

Public diplomacy (``ChinesePublicDiplomacy.csv``): one row per receiving country and year,
2000-2018, for 39 countries of East Asia & Pacific (collected to 2016) and South & Central
Asia (to 2018); not Russia or the USA. "N/A" means not collected (missing). Series, all
dyadic China 710 -> receiving state, counts in the year:

* ``chn_pd_elite_visits``: Chinese government and military elite visits (``total_elite_visits``);
* ``chn_pd_confucius_institutes``: Confucius Institutes established;
* ``chn_pd_sister_cities``: sister-city relationships established.

The other columns (op-eds, journalist visits, media partnerships, students) are kept as
published in the table ``chn_public_diplomacy``; without the dataset's readme (not kept)
their definitions (flow or running count) cannot be checked, so they are not series.
``Perceptions.csv`` holds two regional rows only and is not read.

GCDF aggregate (``aiddata_gcdf_country_year.csv``, a secondary aggregate of GCDF v3.0 by a
third party; lower authority): recipient (ISO3) x commitment year, 2000-2021, number of
projects and amount in constant 2021 US$. The file lists only recipient-years with at least
one project. GCDF records every Chinese official-sector commitment to its 165 low- and
middle-income recipients, so for a recipient that appears in the file a year without a row
means no recorded commitment: those years are written as explicit zeros within 2000-2021.
States that never appear (high-income states, or recipients with no project) stay missing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..states import iso3_to_ccode
from .base import Source, SeriesSpec, SourceData, check_unique, check_years, read_csv, to_numeric
from .ceias_travel import names_to_ccodes

PD_FILE = "aiddata_china_public_diplomacy/ChinesePublicDiplomacy.csv"
GCDF_FILE = "aiddata_gcdf_aggregate/aiddata_gcdf_country_year.csv"
CHINA = 710

PD_COUNTS = ["confucius_institutes", "sister_cities_established", "government_visits", "military_visits",
             "total_elite_visits", "ambassador_op_eds", "journalist_visits", "media_partnerships",
             "outbound_chinese_students", "inbound_students_to_china"]
PD_SERIES = {"total_elite_visits": "chn_pd_elite_visits", "confucius_institutes": "chn_pd_confucius_institutes",
             "sister_cities_established": "chn_pd_sister_cities"}
PD_OVERRIDES = {"North Korea": 731, "South Korea": 732}
PD_NON_STATES = frozenset({"Cook Islands"})

GCDF_COLS = ["Country Code", "year", "projects", "usd_const_2021"]


def read_public_diplomacy(raw: Path) -> SourceData:
    path = Path(raw) / PD_FILE
    label = path.name
    df = read_csv(path, columns=["receiving_country", "year"] + PD_COUNTS, dtype=str, keep_default_na=False)
    year = to_numeric(df["year"], label, "year")
    check_years(year, label)
    year = year.astype("int64")
    country = df["receiving_country"].str.strip()
    table = pd.DataFrame({"ccode": names_to_ccodes(country, year, label, overrides=PD_OVERRIDES,
                                                    non_states=PD_NON_STATES),
                          "country": country, "year": year})
    for c in PD_COUNTS:
        v = to_numeric(df[c], label, c, allow=("", "N/A", "NA", "n/a"))
        if (v < 0).any():
            raise DataError(f"{label}: column {c!r} has a negative count")
        table[c] = v
    check_unique(table, ["country", "year"], label)
    table = table.sort_values(["country", "year"], kind="mergesort").reset_index(drop=True)
    states = table.dropna(subset=["ccode"])
    parts = []
    for col, sid in PD_SERIES.items():
        part = states.dropna(subset=[col])
        parts.append(pd.DataFrame({"series": sid, "ccode1": CHINA, "ccode2": part["ccode"].astype("int64"),
                                   "year": part["year"], "value": part[col].astype("float64")}))
    return SourceData(dyad_year=pd.concat(parts, ignore_index=True), tables={"chn_public_diplomacy": table})


def read_gcdf(raw: Path) -> SourceData:
    path = Path(raw) / GCDF_FILE
    label = path.name
    df = read_csv(path, columns=GCDF_COLS, dtype=str, keep_default_na=False)
    year = to_numeric(df["year"], label, "year")
    check_years(year, label)
    year = year.astype("int64")
    iso = df["Country Code"].str.strip().str.upper()
    out = pd.DataFrame({"iso3": iso, "year": year,
                        "projects": to_numeric(df["projects"], label, "projects"),
                        "usd": to_numeric(df["usd_const_2021"], label, "usd_const_2021")})
    check_unique(out, ["iso3", "year"], label)
    if (out[["projects", "usd"]] < 0).any().any():
        raise DataError(f"{label}: negative projects or amounts")
    out["ccode"] = iso3_to_ccode(out["iso3"], out["year"], source="state")
    # Non-state recipients (Cook Islands, Niue, Palestine, Curacao, ...: 0.02 % of the amount).
    out = out.dropna(subset=["ccode"])
    out["ccode"] = out["ccode"].astype("int64")
    check_unique(out, ["ccode", "year"], label)
    # Explicit zeros for listed recipients' years without a project, within the file's years.
    years = range(int(year.min()), int(year.max()) + 1)
    grid = pd.MultiIndex.from_product([sorted(out["ccode"].unique()), years], names=["ccode", "year"])
    full = out.set_index(["ccode", "year"])[["projects", "usd"]].reindex(grid, fill_value=0.0).reset_index()
    parts = [pd.DataFrame({"series": sid, "ccode1": CHINA, "ccode2": full["ccode"], "year": full["year"],
                           "value": full[col].astype("float64")})
             for col, sid in (("usd", "chn_dev_finance_usd"), ("projects", "chn_dev_finance_projects"))]
    return SourceData(dyad_year=pd.concat(parts, ignore_index=True))


SOURCES = [
    Source(
        key="aiddata_pd", title="AidData: China's Public Diplomacy Dashboard Dataset, Version 2.0",
        producer="AidData (William & Mary)", version="2.0 (readme dated 13 Dec 2021)",
        citation="AidData (2020/2021), China's Public Diplomacy Dashboard Dataset, Version 2.0.",
        licence="ODC Attribution License (ODC-By), stated in the readme",
        url="https://github.com/milesdwilliams15/chinese_media_and_foreign_aid",
        files=(PD_FILE,), read=read_public_diplomacy,
        series=(
            SeriesSpec("chn_pd_elite_visits", "Chinese government and military elite visits to the country (AidData "
                       "public diplomacy; East Asia & Pacific and South & Central Asia only)", "visits", "diplomatic",
                       dyadic=True),
            SeriesSpec("chn_pd_confucius_institutes", "Confucius Institutes established in the country in the year "
                       "(AidData public diplomacy)", "institutes", "diplomatic", dyadic=True),
            SeriesSpec("chn_pd_sister_cities", "Sister-city relationships with China established in the year (AidData "
                       "public diplomacy)", "relationships", "diplomatic", dyadic=True),
        ),
        tables=("chn_public_diplomacy",),
        note=("39 receiving countries, 2000-2018 (East Asia & Pacific collected to 2016, South & Central Asia to "
              "2018); no Russia, no USA. 'N/A' = not collected = missing. Cook Islands has no COW code (table only). "
              "Origin path 01_data/PublicDiplomacy/, commit 6d4593b9f3398b8af691e7fb58d07c01b432afaa."),
    ),
    Source(
        key="aiddata_gcdf", title="AidData Global Chinese Development Finance Dataset v3.0, recipient-year aggregate",
        producer="AidData (William & Mary)", version="GCDF 3.0; aggregate at esabin756/bri-education-project commit 4c3ee479f0dc4b686fdaed96616eb8ac7c97c09c",
        citation="AidData (William & Mary), Global Chinese Development Finance Dataset, Version 3.0 (Custer et al. 2023).",
        licence="AidData data under ODC-By/CC-BY (per AidData); none in repo",
        url="https://github.com/esabin756/bri-education-project",
        files=(GCDF_FILE,), read=read_gcdf,
        series=(
            SeriesSpec("chn_dev_finance_usd", "Chinese official-sector development finance committed to the "
                       "recipient in the year (AidData GCDF 3.0, recipient-year aggregate by a third party)", "constant 2021 US$", "financial", dyadic=True),
            SeriesSpec("chn_dev_finance_projects", "Number of Chinese official development finance projects committed "
                       "to the recipient (AidData GCDF 3.0)", "projects", "financial", dyadic=True),
        ),
        note=("Secondary aggregate made by the repo author (Data/clean_aid_data/) from GCDF v3.0; treat as derived, "
              "lower authority. Recipients present in the file get explicit zeros in 2000-2021 years without a "
              "project; other states are missing. Non-state recipients (COK, NIU, PSE, CUW, GUM, PYF, SXM) dropped."),
    ),
]
