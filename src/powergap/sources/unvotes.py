"""UN General Assembly roll-call votes (Voeten, Strezhnev & Bailey), as packaged by unvotes.

Three tables, no series (agreement, S and kappa are computed from them elsewhere):

* ``un_votes``: ``rcid`` (int32), ``ccode`` (int16, COW), ``vote`` (int8: yes = 1,
  abstain = 2, no = 3). Only cast votes are kept: absences and non-membership are not rows
  (the unvotes package already omits them; a file that codes them, as words or as Voeten's
  numeric codes 8 and 9, has those rows dropped here).
* ``un_roll_calls``: ``rcid, session, date`` (ISO ``YYYY-MM-DD`` string), ``year`` (calendar
  year of the date, the year alignment measures use), ``importantvote`` (1 = on the US State
  Department's list of important votes, 0 = not, NA = not coded), ``amend``, ``para``
  (0/1/NA), ``unres`` (resolution symbol) and ``short`` (title, at most 120 characters).
  The long description ``descr`` is dropped to keep the snapshot small.
* ``un_roll_call_issues``: ``rcid, issue_code, issue_label`` (one row per roll call and
  issue category: me, nu, di, hr, co, ec; a roll call can be in several or none).

Country codes. The file names each voter (``country``) and gives its ISO2 code
(``country_code``), which is empty for some historical states and shared by others. The
voter's COW code is chosen by name and vote date where the name alone is not enough
(``NAME_SPELLS``) and from the ISO2 code otherwise:

* "Russia" is the seat of the Soviet Union until 1991 and of the Russian Federation after:
  COW 365 throughout.
* "Federal Republic of Germany" votes dated from 1990-10-03 (COW's unification date) are
  Germany (255), earlier ones West Germany (260); "Germany" is 255; the GDR is 265.
* "Yemen Arab Republic" votes from 1990-05-22 are unified Yemen (679), earlier ones North
  Yemen (678); "Yemen People's Republic" is South Yemen (680). (In the file, the 1990
  session votes of both united states are still filed under the FRG and YAR names.)
* "Czechoslovakia" is 315 (to 1992), "Yugoslavia" 345 (COW's code also for Serbia and
  Montenegro, and Serbia), "Zanzibar" 511.
* "Taiwan" is the Republic of China's seat (1946 to October 1971): 713, as Voeten's own
  data and ideal points code it, although COW counts the ROC as China (710) before
  1949-12-08. "China" (from 1971-11) is 710.
* The Byelorussian and Ukrainian SSRs held UN seats from 1945; their votes are filed under
  Belarus (370) and Ukraine (369), as in Voeten's data, although COW lists both states only
  from 1991. Consumers that restrict dyad-years to COW system members drop them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from .base import Source, SourceData, check_unique, read_csv, to_numeric

VOTES_FILE = "unvotes_voeten/un_votes.csv.gz"
ROLL_CALLS_FILE = "unvotes_voeten/un_roll_calls.csv"
ISSUES_FILE = "unvotes_voeten/un_roll_call_issues.csv"

VOTE_COLS = ["rcid", "country", "country_code", "vote"]
ROLL_CALL_COLS = ["rcid", "session", "importantvote", "date", "unres", "amend", "para", "short"]
ISSUE_COLS = ["rcid", "short_name", "issue"]

# yes = 1, abstain = 2, no = 3 (Voeten's coding); both the words and the digits are accepted.
VOTE_CODES = {"yes": 1, "abstain": 2, "no": 3, "1": 1, "2": 2, "3": 3}
# Not a cast vote: dropped (absence is missing, never a vote). 8 = absent, 9 = not a member.
NOT_CAST = {"", "absent", "not voting", "non-voting", "not a member", "non-member", "8", "9"}

SHORT_TITLE_MAX = 120

# name -> [(ccode, first vote date inclusive, last vote date inclusive)], ISO dates.
NAME_SPELLS: dict[str, list[tuple[int, str, str]]] = {
    "Russia": [(365, "1900-01-01", "2100-12-31")],
    "China": [(710, "1900-01-01", "2100-12-31")],
    "Taiwan": [(713, "1900-01-01", "2100-12-31")],
    "Federal Republic of Germany": [(260, "1900-01-01", "1990-10-02"), (255, "1990-10-03", "2100-12-31")],
    "German Democratic Republic": [(265, "1900-01-01", "1990-10-02")],
    "Germany": [(255, "1990-10-03", "2100-12-31")],
    "Yemen Arab Republic": [(678, "1900-01-01", "1990-05-21"), (679, "1990-05-22", "2100-12-31")],
    "Yemen People's Republic": [(680, "1900-01-01", "1990-05-21")],
    "Yemen": [(679, "1990-05-22", "2100-12-31")],
    "Czechoslovakia": [(315, "1900-01-01", "1992-12-31")],
    "Yugoslavia": [(345, "1900-01-01", "2100-12-31")],
    "Zanzibar": [(511, "1963-12-01", "1964-04-26")],
}

# ISO2 codes that denote several COW states: only NAME_SPELLS may place them.
_AMBIGUOUS_ISO2 = {"DE", "YE"}


def _iso2_ccodes() -> dict[str, int]:
    from ..states import crosswalk

    xw = crosswalk()
    xw = xw[(xw["iso2"] != "") & ~xw["iso2"].isin(_AMBIGUOUS_ISO2)]
    return {r.iso2.upper(): int(r.ccode) for r in xw.itertuples()}


def vote_ccodes(country: pd.Series, iso2: pd.Series, date: pd.Series, *, label: str) -> pd.Series:
    """COW code of each vote, from the voter's name, ISO2 code and the vote's date.

    Names in :data:`NAME_SPELLS` are placed by date (a vote outside every spell of its name
    is an error); other voters by ISO2 through the shipped crosswalk. A voter that cannot
    be placed raises :class:`DataError` naming the file and the voter.
    """
    out = pd.Series(-1, index=country.index, dtype="int64")
    special = country.isin(list(NAME_SPELLS))
    # Ordinary voters: one code per (name, ISO2) pair, looked up once per pair.
    table = _iso2_ccodes()
    pairs = pd.DataFrame({"country": country[~special], "iso2": iso2[~special]}).drop_duplicates()
    by_name: dict[str, int] = {}
    for name, code in zip(pairs["country"], pairs["iso2"]):
        cc = table.get(str(code).strip().upper())
        if cc is None:
            raise DataError(f"{label}: no COW code for voter {name!r} (country_code {code!r})")
        if by_name.setdefault(name, cc) != cc:
            raise DataError(f"{label}: voter {name!r} has several country codes")
    out[~special] = country[~special].map(by_name).to_numpy()
    # Historical seats: placed by the vote's date.
    sub_country, sub_date = country[special], date[special]
    placed = pd.Series(False, index=sub_country.index)
    for name, spells in NAME_SPELLS.items():
        rows = sub_country == name
        for ccode, first, last in spells:
            hit = rows & (sub_date >= first) & (sub_date <= last)
            out[hit[hit].index] = ccode
            placed |= hit
    stray = ~placed
    if stray.any():
        i = stray[stray].index[0]
        raise DataError(f"{label}: vote by {sub_country[i]!r} dated {sub_date[i]} is outside the dates "
                        f"its COW code covers")
    return out


def read_unvotes(raw: Path) -> SourceData:
    raw = Path(raw)
    rc_path, v_path, i_path = raw / ROLL_CALLS_FILE, raw / VOTES_FILE, raw / ISSUES_FILE

    # --- roll calls (read as text: ISO2 "NA" is Namibia and empty cells are meaningful)
    rc = read_csv(rc_path, columns=ROLL_CALL_COLS, usecols=ROLL_CALL_COLS.__contains__,
                  dtype=str, keep_default_na=False)
    label = rc_path.name
    rcid = to_numeric(rc["rcid"], label, "rcid")
    if rcid.isna().any() or (rcid != rcid.round()).any():
        raise DataError(f"{label}: rcid must be a whole number")
    dates = pd.to_datetime(rc["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        raise DataError(f"{label}: unparsable date {rc.loc[dates.isna(), 'date'].iloc[0]!r}")
    session = to_numeric(rc["session"], label, "session")
    if session.isna().any() or (session != session.round()).any():
        raise DataError(f"{label}: session must be a whole number")
    flags = {}
    for col in ("importantvote", "amend", "para"):
        v = to_numeric(rc[col], label, col)
        if not v.dropna().isin([0, 1]).all():
            raise DataError(f"{label}: column {col!r} must be 0, 1 or empty")
        flags[col] = v.astype("Int8")
    short = rc["short"].str.strip().str.slice(0, SHORT_TITLE_MAX)
    unres = rc["unres"].str.strip()
    roll_calls = pd.DataFrame({
        "rcid": rcid.astype("int32"),
        "session": session.astype("int16"),
        "date": dates.dt.strftime("%Y-%m-%d"),
        "year": dates.dt.year.astype("int16"),
        "importantvote": flags["importantvote"],
        "amend": flags["amend"],
        "para": flags["para"],
        "unres": unres.mask(unres == "").astype("string"),
        "short": short.mask(short == "").astype("string"),
    })
    check_unique(roll_calls, ["rcid"], label)

    # --- votes
    v = read_csv(v_path, columns=VOTE_COLS, usecols=VOTE_COLS.__contains__, dtype=str, keep_default_na=False)
    label = v_path.name
    # Work on the few distinct vote strings, not on 870,000 rows.
    uniq = pd.Series(v["vote"].unique())
    norm = dict(zip(uniq, uniq.str.strip().str.lower()))
    vote_text = v["vote"].map(norm)
    unexpected = ~vote_text.isin(list(VOTE_CODES)) & ~vote_text.isin(NOT_CAST)
    if unexpected.any():
        raise DataError(f"{label}: unknown vote value {v.loc[unexpected, 'vote'].iloc[0]!r} "
                        f"(expected yes, abstain or no)")
    v = v[vote_text.isin(list(VOTE_CODES))]
    vote = vote_text[v.index].map(VOTE_CODES)
    vrcid = pd.to_numeric(v["rcid"], errors="coerce")
    if vrcid.isna().any():
        raise DataError(f"{label}: non-numeric rcid {v.loc[vrcid.isna(), 'rcid'].iloc[0]!r}")
    date_of = pd.Series(roll_calls["date"].to_numpy(), index=roll_calls["rcid"].to_numpy())
    vdate = vrcid.map(date_of)
    orphan = vdate.isna()
    if orphan.any():
        raise DataError(f"{label}: rcid {int(vrcid[orphan].iloc[0])} is not in {Path(ROLL_CALLS_FILE).name}")
    ccode = vote_ccodes(v["country"], v["country_code"], vdate, label=label)
    votes = pd.DataFrame({"rcid": vrcid.astype("int32").to_numpy(), "ccode": ccode.astype("int16").to_numpy(),
                          "vote": vote.astype("int8").to_numpy()})
    check_unique(votes, ["rcid", "ccode"], label)

    # --- issues
    iss = read_csv(i_path, columns=ISSUE_COLS, usecols=ISSUE_COLS.__contains__, dtype=str, keep_default_na=False)
    label = i_path.name
    irc = to_numeric(iss["rcid"], label, "rcid")
    if irc.isna().any() or (iss["short_name"].str.strip() == "").any():
        raise DataError(f"{label}: empty rcid or short_name")
    issues = pd.DataFrame({"rcid": irc.astype("int32"), "issue_code": iss["short_name"].str.strip(),
                           "issue_label": iss["issue"].str.strip()})
    check_unique(issues, ["rcid", "issue_code"], label)
    stray = ~issues["rcid"].isin(roll_calls["rcid"])
    if stray.any():
        raise DataError(f"{label}: rcid {int(issues.loc[stray, 'rcid'].iloc[0])} is not in {Path(ROLL_CALLS_FILE).name}")
    labels = issues.groupby("issue_code")["issue_label"].nunique()
    if (labels > 1).any():
        raise DataError(f"{label}: issue code {labels[labels > 1].index[0]!r} has several labels")

    return SourceData(tables={
        "un_votes": votes.sort_values(["rcid", "ccode"], kind="mergesort").reset_index(drop=True),
        "un_roll_calls": roll_calls.sort_values("rcid", kind="mergesort").reset_index(drop=True),
        "un_roll_call_issues": issues.sort_values(["rcid", "issue_code"], kind="mergesort").reset_index(drop=True),
    })


SOURCES = [
    Source(
        key="unvotes",
        title="United Nations General Assembly Voting Data (roll calls 1946-2019, unvotes package)",
        producer="Erik Voeten, Anton Strezhnev, Michael Bailey; R package unvotes by David Robinson",
        version="unvotes data of 2021-03-08 (dgrtwo/unvotes commit 7eb7034314ff79c49c9e0785fcd9d216fa04cf14), "
                "built from Voeten's UNVotes2021.RData downloaded 2021-02-21; sessions 1-74",
        citation="Erik Voeten, Anton Strezhnev, Michael Bailey, \"United Nations General Assembly Voting Data\", "
                 "Harvard Dataverse hdl:1902.1/12379; package by David Robinson.",
        licence="data CC0 (per data-raw/README.md); package MIT",
        url="https://github.com/dgrtwo/unvotes",
        files=(VOTES_FILE, ROLL_CALLS_FILE, ISSUES_FILE),
        read=read_unvotes,
        tables=("un_votes", "un_roll_calls", "un_roll_call_issues"),
        note=("Votes coded yes=1, abstain=2, no=3; absences and non-members are not rows. Roll calls "
              "1946-01-01 to 2020-01-14 (year = calendar year of the vote's date). Voters mapped to COW "
              "codes by name, ISO2 code and vote date (FRG votes from 1990-10-03 -> 255, YAR votes from "
              "1990-05-22 -> 679, Russia/USSR -> 365, the ROC seat 1946-1971 -> 713 as in Voeten's data, "
              "Byelorussian and Ukrainian SSR seats -> 370 and 369 before COW lists them in 1991). "
              "Long descriptions (descr) dropped; titles truncated to 120 characters."),
    ),
]
