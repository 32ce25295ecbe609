"""Voeten's published UN General Assembly agreement score for China and Russia, 1971-2023.

One symmetric dyadic series, ``un_agreement_voeten`` (stored once, ccode1 = 365 Russia,
ccode2 = 710 China). It is the file's ``Diplomatic_Agreement_Score``: the mean of ``agree``
over the two orientations (710-365 and 365-710) of the dyad in Voeten's
``AgreementScoresAll_Jun2024.csv`` (MANIFEST, voeten_agreement_chn_rus_via_nakib). Voeten's
``agree`` is the share of roll calls both states voted on where they agreed, an abstention
against a yes or a no counting as half agreement:

    agree_AB = (1/N) * sum_r (1 - |v_Ar - v_Br| / 2),   v in {yes=1, abstain=2, no=3}

over the N roll calls of the year both cast a vote on. Voeten's "year" is the session year
(session s is year 1945 + s, the autumn in which it opens), not the calendar year of each
vote's date that this project's own agreement uses. Recomputed from the unvotes roll calls
by session, it matches the published value to 1e-6 in 28 of the 49 years 1971-2019 (e.g.
1980 0.813953, 1991 0.761194, 2013 0.843750, 2019 0.873563) and within 0.016 in all (the
gaps presumably come from revisions between the 2021 release unvotes was built from and
the June 2024 data). It extends the
China-Russia agreement series past the last unvotes roll call (January 2020) to 2023, and
is labelled as Voeten's figure wherever used.

Nothing else in the file is read: its trade columns are 4-8 times the official values
(MANIFEST) and its other columns are copies of sources read directly elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import Source, SeriesSpec, SourceData, check_unique, check_years, read_csv, to_numeric

AGREEMENT_FILE = "voeten_agreement_chn_rus_via_nakib/master_dataset.csv"
COLUMNS = ["Year", "Diplomatic_Agreement_Score"]
RUSSIA, CHINA = 365, 710


def read_voeten_agreement(raw: Path) -> SourceData:
    path = Path(raw) / AGREEMENT_FILE
    label = path.name
    df = read_csv(path, columns=COLUMNS, usecols=COLUMNS.__contains__)
    year = to_numeric(df["Year"], label, "Year")
    score = to_numeric(df["Diplomatic_Agreement_Score"], label, "Diplomatic_Agreement_Score")
    check_years(year, label)
    out = pd.DataFrame({"year": year.astype("int64"), "value": score}).dropna(subset=["value"])
    check_unique(out, ["year"], label)
    bad = (out["value"] < 0) | (out["value"] > 1)
    if bad.any():
        raise DataError(f"{label}: agreement score outside 0-1 ({out.loc[bad, 'value'].iloc[0]}) "
                        f"in {out.loc[bad, 'year'].iloc[0]}")
    dyad = pd.DataFrame({"series": "un_agreement_voeten", "ccode1": RUSSIA, "ccode2": CHINA,
                         "year": out["year"].to_numpy(), "value": out["value"].to_numpy()})
    return SourceData(dyad_year=dyad.sort_values("year").reset_index(drop=True))


SOURCES = [
    Source(
        key="voeten_agreement",
        title="Voeten UN General Assembly agreement score, China-Russia (AgreementScoresAll_Jun2024, via S. Nakib)",
        producer="Erik Voeten, Anton Strezhnev, Michael Bailey (agreement scores); copied into master_dataset.csv "
                 "by Sami Nakib",
        version="AgreementScoresAll_Jun2024 (SamiNakibETU/Russia_China_relationship commit "
                "239100644f1e119454aa5a564620e76ee6a1bb95, russia_china_dependency/02_processed_data/master_dataset.csv)",
        citation="Voeten, Strezhnev & Bailey, UN General Assembly Voting Data, Harvard Dataverse hdl:1902.1/12379",
        licence="CC0",
        url="https://dataverse.harvard.edu/dataset.xhtml?persistentId=hdl:1902.1/12379",
        files=(AGREEMENT_FILE,),
        read=read_voeten_agreement,
        series=(
            SeriesSpec("un_agreement_voeten",
                       "UN General Assembly agreement, Voeten's published score (abstention = half agreement; "
                       "year = session year, 1945 + session); China-Russia only, mean of the two orientations",
                       "share of votes in agreement (Voeten)", "alignment", dyadic=True, symmetric=True),
        ),
        note=("Only the Diplomatic_Agreement_Score column is read (China-Russia, 1971-2023); the file's trade "
              "columns are unreliable (MANIFEST) and ignored."),
    ),
]
