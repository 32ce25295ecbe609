"""UN General Assembly ideal points, July 2025 release (Bailey, Strezhnev & Voeten 2017).

State-year series on the model's latent scale (the USA sits at the high end, e.g. 2.55 in
2019, China and Russia below zero; the scale is bridged over time by resolutions repeated
across sessions, so levels are comparable across years):

* ``ideal_point`` (``idealpointall``: all roll calls), with the posterior 5% and 95%
  quantiles ``ideal_point_q5``/``ideal_point_q95`` (``q5all``/``q95all``);
* ``ideal_point_fp`` (``idealpointfp``: foreign-policy roll calls), with
  ``ideal_point_fp_q5``/``ideal_point_fp_q95`` (``q5fp``/``q95fp``);
* ``ideal_point_legacy`` (``idealpointlegacy``: the earlier estimation method);
* ``un_nvotes`` and ``un_nvotes_fp``: roll calls behind each estimate (``nvotesall``,
  ``nvotesfp``).

The 90% interval of a distance |theta_A - theta_B| can be bounded from the quantiles; the
alignment module does that. The file's ``ccode`` is Voeten's COW code; the reader checks it
against ``iso3c`` where the latter maps to a COW state (a disagreement is an error).
Rows whose estimates are all empty (17 placeholder rows) give no values.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_unique, check_years, long_state_year, read_csv, to_numeric

IDEAL_FILE = "un_ideal_points/IdealpointsJuly2025.csv"

SERIES_COLS = {
    "idealpointall": "ideal_point",
    "q5all": "ideal_point_q5",
    "q95all": "ideal_point_q95",
    "idealpointfp": "ideal_point_fp",
    "q5fp": "ideal_point_fp_q5",
    "q95fp": "ideal_point_fp_q95",
    "idealpointlegacy": "ideal_point_legacy",
    "nvotesall": "un_nvotes",
    "nvotesfp": "un_nvotes_fp",
}
COLUMNS = ["ccode", "iso3c", "year", *SERIES_COLS]


def read_ideal_points(raw: Path) -> SourceData:
    path = Path(raw) / IDEAL_FILE
    label = path.name
    # ISO3 read as text and without NA markers ("NAM" and friends stay strings).
    df = read_csv(path, columns=COLUMNS, usecols=COLUMNS.__contains__, dtype={"iso3c": str}, keep_default_na=False,
                  na_values={c: [""] for c in COLUMNS if c != "iso3c"})
    for c in ["ccode", "year", *SERIES_COLS]:
        df[c] = to_numeric(df[c], label, c)
    if df[["ccode", "year"]].isna().any().any():
        raise DataError(f"{label}: empty ccode or year")
    df["ccode"] = df["ccode"].astype("int64")
    df["year"] = df["year"].astype("int64")
    check_years(df["year"], label, lo=1945)
    check_unique(df, ["ccode", "year"], label)
    _check_ccode_against_iso3(df, label)
    for c in ("q5all", "q5fp"):
        upper = c.replace("q5", "q95")
        bad = (df[c] > df[upper]) & df[c].notna() & df[upper].notna()
        if bad.any():
            raise DataError(f"{label}: {c} above {upper} for ccode {df.loc[bad, 'ccode'].iloc[0]} "
                            f"in {df.loc[bad, 'year'].iloc[0]}")
    return SourceData(state_year=long_state_year(df, SERIES_COLS))


def _check_ccode_against_iso3(df: pd.DataFrame, label: str) -> None:
    """Voeten's ccode is trusted; the ISO3 column must not contradict it."""
    from ..states import iso3_to_ccode

    iso = df["iso3c"].fillna("").astype(str).str.strip()
    mapped = iso3_to_ccode(iso, df["year"], source="state")
    clash = mapped.notna() & (mapped != df["ccode"])
    if clash.any():
        r = df[clash].iloc[0]
        raise DataError(f"{label}: ccode {r['ccode']} and iso3c {r['iso3c']!r} name different states in {r['year']}")


_UNIT = "ideal point (latent scale)"
_QUANT = "posterior quantile of the ideal point (latent scale)"

SOURCES = [
    Source(
        key="un_ideal_points",
        title="UN General Assembly ideal points (July 2025 release)",
        producer="Michael A. Bailey, Anton Strezhnev, Erik Voeten",
        version="July 2025 (IdealpointsJuly2025.dta, CSV conversion; copy from lucasbuildsapps/Masterthesis commit "
                "5298218d5b57e5b09223b124b25c03dc37ed646e)",
        citation="Bailey, Michael A., Anton Strezhnev & Erik Voeten (2017), \"Estimating Dynamic State Preferences "
                 "from United Nations Voting Data\", Journal of Conflict Resolution 61(2): 430-456; data from Voeten's "
                 "Harvard Dataverse UN voting dataset (July 2025 release).",
        licence="Dataverse dataset is CC0 (as stated for the UNVotes dataverse); no licence in repo",
        url="https://dataverse.harvard.edu/dataset.xhtml?persistentId=hdl:1902.1/12379",
        files=(IDEAL_FILE,),
        read=read_ideal_points,
        series=(
            SeriesSpec("ideal_point", "UN ideal point, all roll calls (idealpointall)", _UNIT, "alignment"),
            SeriesSpec("ideal_point_q5", "UN ideal point, all roll calls: posterior 5% quantile (q5all)", _QUANT, "alignment"),
            SeriesSpec("ideal_point_q95", "UN ideal point, all roll calls: posterior 95% quantile (q95all)", _QUANT, "alignment"),
            SeriesSpec("ideal_point_fp", "UN ideal point, foreign-policy roll calls (idealpointfp)", _UNIT, "alignment"),
            SeriesSpec("ideal_point_fp_q5", "UN ideal point, foreign-policy roll calls: posterior 5% quantile (q5fp)", _QUANT, "alignment"),
            SeriesSpec("ideal_point_fp_q95", "UN ideal point, foreign-policy roll calls: posterior 95% quantile (q95fp)", _QUANT, "alignment"),
            SeriesSpec("ideal_point_legacy", "UN ideal point, earlier estimation method (idealpointlegacy)", _UNIT, "alignment"),
            SeriesSpec("un_nvotes", "Roll calls behind the all-votes ideal point (nvotesall)", "roll calls", "alignment"),
            SeriesSpec("un_nvotes_fp", "Roll calls behind the foreign-policy ideal point (nvotesfp)", "roll calls", "alignment"),
        ),
        note=("1946-2024; 2024 has only the foreign-policy estimate. ccode is Voeten's COW code (the ROC seat "
              "1946-1971 is 713; Byelorussian and Ukrainian SSRs are 370 and 369 from 1946). "
              "Distance |theta_A - theta_B| measures dissimilarity."),
    ),
]
