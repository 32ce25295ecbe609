"""Pew Research Center Global Attitudes surveys 2002-2023 (harmonised respondent file),
aggregated with the survey weights to country-year favourability of the USA, China and
Russia.

For respondents ``i`` surveyed in country ``c`` in wave (year) ``t`` and a target ``X``
(USA, China, Russia), with survey weight ``w_i``:

    pew_fav_x(c, t) = sum_i w_i * F_i / sum_i w_i * V_i

where ``F_i`` = 1 for "Very favorable" or "Somewhat favorable", and ``V_i`` = 1 for a valid
answer (very or somewhat favourable or unfavourable). "DK" and "Refused" are EXCLUDED from
the denominator, as are respondents not asked (empty). Pew's own published toplines keep
"don't know" and "refused" in the denominator; that share is provided as
``pew_fav_x_topline``:

    pew_fav_x_topline(c, t) = sum_i w_i * F_i / sum_i w_i * A_i,   A_i = 1 if asked

(it reproduces Pew's published figures, e.g. 71% of Russians favourable to China in 2019).
A country-year with no valid answer for a target has no value (missing, not zero). Surveys
of the Palestinian territories (PSE, PLS) have no COW state and are left out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_years, read_csv

PEW_FILE = "pew_global_attitudes_harmonized/pew_all_opi.csv.gz"
TARGETS = {"opi_USA": "usa", "opi_CHN": "china", "opi_RUS": "russia"}
COLUMNS = ["wav", "sta", "wgt", *TARGETS]

FAVOURABLE = ("Very favorable", "Somewhat favorable")
UNFAVOURABLE = ("Somewhat unfavorable", "Very unfavorable")
NOT_VALID = ("DK", "Refused")  # asked, but no opinion given
NOT_ASKED = ("",)
NON_STATES = ("PSE", "PLS")  # Palestinian territories: no COW state


def iso3_ccodes_strict(iso3: pd.Series, year: pd.Series, *, label: str, column: str,
                       drop: tuple[str, ...] = (), extra: dict[str, int] | None = None) -> pd.Series:
    """COW codes for ISO3 codes (year-aware), NA for the codes in ``drop``.

    ``extra`` adds publisher-specific codes (e.g. ``{"UNK": 347}``). Any other code with no
    COW state raises :class:`DataError` naming the file and the code, so that a new
    country in a future file is not silently lost.
    """
    from ..states import iso3_to_ccode, iso_windows

    # Map the distinct (code, year) pairs only: survey files have 10^5-10^6 rows.
    frame = pd.DataFrame({"raw": iso3.to_numpy(dtype=object), "year": year.to_numpy(dtype="int64")})
    pairs = frame.drop_duplicates().reset_index(drop=True)
    pairs["iso3"] = pairs["raw"].astype("string").str.strip().str.upper()
    mapped = iso3_to_ccode(pairs["iso3"], pairs["year"], source="state").astype("Int64")
    for code, cc in (extra or {}).items():
        mapped[pairs["iso3"] == code] = cc
    dropped = pairs["iso3"].isin(list(drop))
    mapped[dropped] = pd.NA
    # A known code outside its windows (Timor-Leste before it joined the system in 2002) is
    # no state that year: dropped. Only codes no window knows are errors.
    known = pairs["iso3"].isin(set(iso_windows()["code"]) | set(extra or {}))
    missing = mapped.isna() & ~dropped & ~known
    if missing.any():
        raise DataError(f"{label}: {column} {pairs.loc[missing, 'iso3'].iloc[0]!r} is not a known country code")
    pairs["ccode"] = mapped
    out = frame.merge(pairs[["raw", "year", "ccode"]], on=["raw", "year"], how="left", sort=False)
    return pd.Series(out["ccode"].to_numpy(), index=iso3.index, dtype="Int64")


def read_pew(raw: Path) -> SourceData:
    path = Path(raw) / PEW_FILE
    label = path.name
    answer = pd.CategoricalDtype()  # few distinct strings: categorical keeps this fast
    df = read_csv(path, columns=COLUMNS, usecols=COLUMNS.__contains__, keep_default_na=False, na_values={"wgt": [""]},
                  dtype={"wav": "category", "sta": "category", **{c: answer for c in TARGETS}})
    # Parse the few distinct wave labels, then index by each row's category code.
    wav_cats = pd.to_numeric(pd.Series(df["wav"].cat.categories.astype(str)), errors="coerce")
    if wav_cats.isna().any():
        raise DataError(f"{label}: non-numeric wav {df['wav'].cat.categories[wav_cats.isna().to_numpy()][0]!r}")
    wav = pd.Series(wav_cats.to_numpy()[df["wav"].cat.codes.to_numpy()], index=df.index)
    check_years(wav, label, lo=1990)
    try:
        w = pd.to_numeric(df["wgt"], errors="raise").astype("float64")
    except (ValueError, TypeError):
        raise DataError(f"{label}: column 'wgt' has non-numeric values") from None
    if w.isna().any() or (w < 0).any():
        raise DataError(f"{label}: survey weight missing or negative")
    known = set(FAVOURABLE) | set(UNFAVOURABLE) | set(NOT_VALID) | set(NOT_ASKED)
    for col in TARGETS:
        cats = [str(c).strip() for c in df[col].cat.categories]
        odd = sorted(set(cats) - known)
        if odd:
            raise DataError(f"{label}: column {col!r} has unexpected answer {odd[0]!r}")
    wav = wav.astype("int64")
    ccode = iso3_ccodes_strict(df["sta"], wav, label=label, column="sta", drop=NON_STATES)
    keep = ccode.notna()
    df, w, wav, ccode = df[keep], w[keep], wav[keep], ccode[keep]

    parts = []
    base = pd.DataFrame({"ccode": ccode.astype("int64").to_numpy(), "year": wav.to_numpy()})
    for col, target in TARGETS.items():
        # Classify the few categories once, then index by each row's category code.
        cats = np.array([str(c).strip() for c in df[col].cat.categories] + [""])
        codes = df[col].cat.codes.to_numpy()  # -1 (no category) points at the trailing ""
        fav = np.isin(cats, FAVOURABLE)[codes]
        valid = fav | np.isin(cats, UNFAVOURABLE)[codes]
        asked = ~np.isin(cats, NOT_ASKED)[codes]
        frame = base.assign(fav=w.to_numpy() * fav, valid=w.to_numpy() * valid, asked=w.to_numpy() * asked,
                            n_valid=valid.astype("int64"))
        g = frame.groupby(["ccode", "year"], sort=True)[["fav", "valid", "asked", "n_valid"]].sum()
        g = g[g["n_valid"] > 0]  # never asked / no valid answer: missing, not zero
        for sid, den in ((f"pew_fav_{target}", "valid"), (f"pew_fav_{target}_topline", "asked")):
            parts.append(pd.DataFrame({"series": sid, "ccode": g.index.get_level_values(0),
                                       "year": g.index.get_level_values(1), "value": (g["fav"] / g[den]).to_numpy()}))
    out = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    return SourceData(state_year=out)


_TARGET_NAMES = {"usa": "the USA", "china": "China", "russia": "Russia"}

SOURCES = [
    Source(
        key="pew",
        title="Pew Research Center Global Attitudes Survey 2002-2023 (harmonised respondent-level file)",
        producer="Pew Research Center; harmonised by C. Grasland (WorldRegio project)",
        version="2002-2023 waves; worldregio/pew_opi data/pew_all_opi.RDS commit "
                "9fa28b630975c2ca32f2e28e696508c6adfe13d6 (2024-10-16), CSV conversion",
        citation="Pew Research Center, Global Attitudes Survey 2002-2023 (respondent-level public files), "
                 "harmonised by C. Grasland, WorldRegio project (see repo data.qmd).",
        licence="Pew public datasets are free with attribution under Pew's terms; repo has no licence file",
        url="https://github.com/worldregio/pew_opi",
        files=(PEW_FILE,),
        read=read_pew,
        series=tuple(
            spec
            for t, name in _TARGET_NAMES.items()
            for spec in (
                SeriesSpec(f"pew_fav_{t}",
                           f"Share of respondents with a favourable view of {name} (very or somewhat), among valid "
                           f"answers (don't know and refused excluded); survey-weighted", "share (0-1)", "opinion"),
                SeriesSpec(f"pew_fav_{t}_topline",
                           f"Share of respondents with a favourable view of {name} (very or somewhat), among all "
                           f"asked (don't know and refused count as not favourable; Pew's published convention); "
                           f"survey-weighted", "share (0-1)", "opinion"),
            )
        ),
        note=("Aggregated from respondents with the survey weight wgt by survey country (sta) and wave (wav). "
              "Russia surveyed 2002-2015 and 2017-2019, China 2002 and 2005-2016. Palestinian territories "
              "(PSE, PLS) left out: no COW state."),
    ),
]
