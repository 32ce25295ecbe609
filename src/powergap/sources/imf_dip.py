"""IMF Direct Investment Positions by counterpart economy (IMF.STA:DIP 12.0.1), 2014-2024.

Two downloads, five reporters (China, Germany, Japan, Singapore, USA): the reporters'
inward positions (net liabilities) by investing economy and their outward positions (net
assets) by host economy, in US$ millions. Each cell is either reported by the reporter
(``DV_TYPE`` "O") or derived from the counterpart's statistics ("SCC", a mirror).

For a pair investor -> host, four figures can exist. ``fdi_position_usd`` takes the first
available, in this order (the choice, documented in the Source note):

1. the investor's own outward statistics: outward file, reporter = investor, "O";
2. the same, as mirrored by the IMF: inward file, reporter = host, "SCC";
3. the host's own inward statistics: inward file, reporter = host, "O";
4. the same, as mirrored: outward file, reporter = investor, "SCC".

Why investor first: the dyads this project needs most (China's investment in Russia and
Central Asia) have hosts that are not among the reporters and, for Russia, stopped
publishing after 2021; China's outward statistics are the one continuous series to 2024
(China in Russia: 6,578 million in 2018, 15,752 million in 2024). Every candidate, with
who reported it, is kept in the table ``fdi_positions_reported`` so that consumers can
show the other side.

Values are net positions and can be negative (reverse investment). A bilateral value larger
than the reporter's own total position vis-a-vis the World cannot be right; in this download
China's reported positions with Korea and Kuwait are such cells (apparently in US$ rather
than millions), and they are dropped as unit errors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_unique, read_csv, to_numeric

INWARD_FILE = ("imf_direct_investment_positions/"
               "IMF_STA_DIP_12.0.1_inward_CHN-DEU-JPN-SGP-USA_2014-2024_dl2026-03-29.csv")
OUTWARD_FILE = ("imf_direct_investment_positions/"
                "IMF_STA_DIP_12.0.1_outward_CHN-DEU-JPN-SGP-USA_2014-2024_dl2026-03-29.csv")
DIP_COLS = ["COUNTRY.ID", "DV_TYPE.ID", "INDICATOR.ID", "COUNTERPART_COUNTRY.ID", "TIME_PERIOD", "OBS_VALUE"]
INDICATORS = {"inward": "INWD_D_NETLA_FALL_ALL", "outward": "OTWD_D_NETAL_FALL_ALL"}
WORLD = "G001"
MILLION = 1e6
# (file, DV_TYPE) -> (rank in fdi_position_usd, who reported the figure)
RANKS = {("outward", "O"): (1, "investor"), ("inward", "SCC"): (2, "investor"),
         ("inward", "O"): (3, "host"), ("outward", "SCC"): (4, "host")}


def _read_one(path: Path, direction: str) -> pd.DataFrame:
    label = path.name
    df = read_csv(path, columns=DIP_COLS, encoding="utf-8-sig", keep_default_na=False, na_values=[""])[DIP_COLS].copy()
    ind = set(df["INDICATOR.ID"].dropna().unique())
    if ind != {INDICATORS[direction]}:
        raise DataError(f"{label}: expected indicator {INDICATORS[direction]} only, found {sorted(ind)}")
    bad_dv = set(df["DV_TYPE.ID"].dropna().unique()) - {"O", "SCC"}
    if bad_dv:
        raise DataError(f"{label}: unknown DV_TYPE.ID {sorted(bad_dv)}")
    df["value"] = to_numeric(df["OBS_VALUE"], label, "OBS_VALUE")
    df["year"] = to_numeric(df["TIME_PERIOD"], label, "TIME_PERIOD")
    # The IMF export lists series with no observation as rows with a blank period and value.
    blank = df["year"].isna()
    if (blank & df["value"].notna()).any():
        raise DataError(f"{label}: a value without a TIME_PERIOD")
    df = df[~blank & df["value"].notna()].copy()
    df["year"] = df["year"].astype("int64")
    if ((df["year"] < 1990) | (df["year"] > 2100)).any():
        raise DataError(f"{label}: implausible TIME_PERIOD {df['year'].min()}")
    check_unique(df, ["COUNTRY.ID", "DV_TYPE.ID", "COUNTERPART_COUNTRY.ID", "year"], label)
    df["file"] = direction
    return df.rename(columns={"COUNTRY.ID": "reporter", "DV_TYPE.ID": "dv", "COUNTERPART_COUNTRY.ID": "counterpart"})


def read_dip(raw: Path) -> SourceData:
    from ..states import iso3_to_ccode

    raw = Path(raw)
    df = pd.concat([_read_one(raw / INWARD_FILE, "inward"), _read_one(raw / OUTWARD_FILE, "outward")],
                   ignore_index=True)

    # Unit errors: no bilateral position can exceed the reporter's total vis-a-vis the World.
    world = df[df["counterpart"] == WORLD]
    cap = world.assign(a=world["value"].abs()).groupby(["file", "reporter"])["a"].max().rename("cap")
    df = df.join(cap, on=["file", "reporter"])
    df = df[~((df["counterpart"] != WORLD) & df["cap"].notna() & (df["value"].abs() > df["cap"]))]

    df["rep"] = iso3_to_ccode(df["reporter"], df["year"], source="state")
    # The IMF codes Kosovo "KOS" (not ISO 3166); every other state uses its ISO3 code.
    df["cp"] = iso3_to_ccode(df["counterpart"].replace({"KOS": "XKX"}), df["year"], source="state")
    if df["rep"].isna().any():
        raise DataError(f"{Path(INWARD_FILE).name}: reporter {df.loc[df['rep'].isna(), 'reporter'].iloc[0]!r} "
                        "has no COW state")

    # State-year totals from the reporters' own statistics (vis-a-vis the World).
    own_world = df[(df["counterpart"] == WORLD) & (df["dv"] == "O")]
    sy = pd.DataFrame({
        "series": np.where(own_world["file"] == "inward", "fdi_inward_stock_usd", "fdi_outward_stock_usd"),
        "ccode": own_world["rep"].astype("int64"), "year": own_world["year"], "value": own_world["value"] * MILLION})

    # Bilateral candidates; counterparts that are aggregates or territories drop out here.
    bil = df[df["cp"].notna() & (df["rep"] != df["cp"])].copy()
    outward = bil["file"] == "outward"
    bil["investor"] = np.where(outward, bil["rep"], bil["cp"]).astype("int64")
    bil["host"] = np.where(outward, bil["cp"], bil["rep"]).astype("int64")
    ranks = [RANKS[(f, d)] for f, d in zip(bil["file"], bil["dv"])]
    bil["rank"] = [r for r, _ in ranks]
    bil["reported_by"] = [w for _, w in ranks]
    bil["value_usd"] = bil["value"] * MILLION
    table = (bil[["investor", "host", "year", "value_usd", "reported_by", "file", "dv"]]
             .rename(columns={"dv": "dv_type"}).reset_index(drop=True))
    check_unique(table, ["investor", "host", "year", "file", "dv_type"], "IMF DIP (after mapping codes)")
    best = bil.sort_values(["investor", "host", "year", "rank"], kind="mergesort").drop_duplicates(
        ["investor", "host", "year"], keep="first")
    dy = pd.DataFrame({"series": "fdi_position_usd", "ccode1": best["investor"], "ccode2": best["host"],
                       "year": best["year"], "value": best["value_usd"]})
    return SourceData(state_year=sy.reset_index(drop=True), dyad_year=dy.reset_index(drop=True),
                      tables={"fdi_positions_reported": table})


SOURCES = [
    Source(
        key="imf_direct_investment_positions",
        title="IMF Direct Investment Positions by counterpart economy (DIP 12.0.1), 5 reporters, 2014-2024",
        producer="International Monetary Fund, Statistics Department", version="IMF.STA:DIP 12.0.1, downloaded 2026-03-29",
        citation=("International Monetary Fund. Direct Investment Positions by Counterpart Economy (formerly CDIS), "
                  "dataset IMF.STA:DIP version 12.0.1. Washington, DC: IMF. Downloaded 29 March 2026."),
        licence="IMF data terms: free reuse with attribution to the IMF",
        url="https://data.imf.org/",
        files=(INWARD_FILE, OUTWARD_FILE), read=read_dip,
        series=(
            SeriesSpec("fdi_position_usd", "Direct investment position of the first state (investor) in the second "
                       "(host), net; investor-reported where available, else host-reported (IMF DIP)",
                       "current US$", "investment", dyadic=True),
            SeriesSpec("fdi_inward_stock_usd", "Total inward direct investment position, net liabilities vis-a-vis "
                       "the World, as reported (IMF DIP; CHN, DEU, JPN, SGP, USA only)", "current US$", "investment"),
            SeriesSpec("fdi_outward_stock_usd", "Total outward direct investment position, net assets vis-a-vis "
                       "the World, as reported (IMF DIP; CHN from 2018, DEU, JPN, USA)", "current US$", "investment"),
        ),
        tables=("fdi_positions_reported",),
        note=("Reporters CHN, DEU, JPN, SGP, USA; counterparts mapped ISO3 -> COW; regional aggregates and territories "
              "are dropped, notably Hong Kong, Macao, the Cayman and British Virgin Islands, through which much of "
              "China's direct investment is routed (so bilateral positions understate ultimate ownership). "
              "fdi_position_usd precedence per investor-host-year: investor's outward report (O), its IMF mirror "
              "(inward SCC), host's inward report (O), its mirror (outward SCC). So a dyad can switch reporting side "
              "between years (China in Russia: Russia's figures 2014-2017, China's from 2018); table "
              "fdi_positions_reported (investor, host, year, value_usd, reported_by, file, dv_type) keeps every "
              "candidate. Net positions, can be negative. Cells larger than the reporter's World total (China's "
              "positions with Korea and Kuwait, apparently in US$ not millions) are dropped. Millions converted to US$."),
    ),
]
