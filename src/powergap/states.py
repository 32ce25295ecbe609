"""The Correlates of War state system: membership spells, the ISO3 crosswalk, and one
resolver for every way users name a state.

Membership comes from COW's State System Membership list v2016 (day precision). States
still members on the list's last day (2016-12-31) are extended to an explicit ``end_year``
which defaults to the last year of data in the snapshot, never to the system clock.

The crosswalk (``data/crosswalk.tsv``) is a reviewable table: one row per COW state with
its ISO3/ISO2 code where one exists (the code users type and see).

Which state-year a figure keyed by an ISO3 (or withdrawn/publisher) code is attached to is
decided by ``data/iso_windows.tsv``: one row per code and year window, with a note. A code
is attached only in years when its figures describe the territory the COW state had then
and the state was a system member (docs/states.md). So World Bank RUS figures attach to
COW 365 from 1992 (before, they are the Russian SFSR, not the USSR) and SUN figures for
1946-1991; DEU attaches to Germany (255) from 1990 and never to West Germany (260); YEM to
Yemen (679) from 1990, never to North Yemen (678). A source whose code means another
territory has its own rows (``source`` column; ``state`` rows serve sources that report
the state of the day rather than a territory's statistics). Windows of one code never
overlap: a code names at most one state in any year, checked on load and at build time.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from .errors import UnknownStateError

LIST_END = pd.Timestamp("2016-12-31")  # last day covered by COW state system v2016

# Historical ISO 3166 codes (withdrawn) and publisher-specific codes some sources use, for
# the resolver ("SUN" names the Soviet Union). Which years a source's figures under these
# codes are attached in is data/iso_windows.tsv's business, not this table's.
HISTORICAL_ISO3 = {"SUN": 365, "YUG": 345, "SCG": 345, "CSK": 315, "DDR": 265, "XKX": 347, "KSV": 347,
                   "ROM": 360, "ZAR": 490, "TMP": 860, "BUR": 775}

# English names that country_converter does not know, or that we want to pin.
ALIASES = {
    "soviet union": 365, "ussr": 365, "u.s.s.r.": 365, "russian federation": 365, "russia": 365,
    "china": 710, "prc": 710, "people's republic of china": 710, "china, p.r.: mainland": 710,
    "china, people's republic of": 710, "mainland china": 710,
    "united states": 2, "usa": 2, "us": 2, "u.s.": 2, "america": 2, "united states of america": 2,
    "united kingdom": 200, "uk": 200, "britain": 200, "great britain": 200,
    "korea, republic of": 732, "republic of korea": 732, "south korea": 732, "korea, rep.": 732,
    "korea, democratic people's republic of": 731, "north korea": 731, "dprk": 731,
    "korea, dem. people's rep.": 731, "korea, north": 731, "korea, south": 732,
    "west germany": 260, "german federal republic": 260, "federal republic of germany": 260,
    "east germany": 265, "german democratic republic": 265,
    "germany": 255, "north yemen": 678, "yemen arab republic": 678, "south yemen": 680,
    "south vietnam": 817, "republic of vietnam": 817, "north vietnam": 816, "vietnam": 816,
    "viet nam": 816, "burma": 775, "myanmar": 775, "czechoslovakia": 315, "yugoslavia": 345,
    "serbia": 345, "taiwan": 713, "republic of china": 713, "iran": 630, "turkey": 640, "turkiye": 640,
    "kazakhstan": 705, "zanzibar": 511, "austria-hungary": 300,
}


# Where an ISO3 code maps to several COW states over time, the code names the current one.
CURRENT_ISO = {"DEU": 255, "YEM": 679}

# Names that denote several states: the resolver refuses to guess.
AMBIGUOUS_NAMES = {"congo": (484, 490), "korea": (731, 732), "germany (any)": (255, 260, 265),
                   "yemen (any)": (678, 679, 680), "vietnam (any)": (816, 817)}


@dataclass(frozen=True, order=True)
class State:
    """One state of the COW system."""

    ccode: int
    iso3: str | None
    abb: str
    name: str

    @property
    def label(self) -> str:
        """The code users see: ISO3 where one exists, else the COW abbreviation."""
        return self.iso3 or self.abb

    def __str__(self) -> str:
        return f"{self.name} ({self.label}, COW {self.ccode})"


@functools.lru_cache(maxsize=1)
def crosswalk() -> pd.DataFrame:
    """The shipped COW-ISO crosswalk, loaded strictly (ISO2 'NA' is Namibia, not missing)."""
    path = resources.files("powergap") / "data" / "crosswalk.tsv"
    with path.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, sep="\t", dtype=str, keep_default_na=False, na_values=[])
    expected = ["ccode", "stateabb", "cow_name", "iso3", "iso2", "note"]
    if list(df.columns) != expected:
        raise UnknownStateError(f"crosswalk.tsv: expected columns {expected}, found {list(df.columns)}")
    df["ccode"] = df["ccode"].astype(int)
    if df["ccode"].duplicated().any():
        raise UnknownStateError("crosswalk.tsv: duplicate ccode")
    return df


@functools.lru_cache(maxsize=None)
def _states_by_ccode() -> dict[int, State]:
    xw = crosswalk()
    return {int(r.ccode): State(int(r.ccode), r.iso3 or None, r.stateabb, r.cow_name) for r in xw.itertuples()}


def all_states() -> list[State]:
    return sorted(_states_by_ccode().values())


def state(ccode: int) -> State:
    try:
        return _states_by_ccode()[int(ccode)]
    except KeyError:
        raise UnknownStateError(f"no COW state with code {ccode}") from None


WINDOW_COLUMNS = ["code", "ccode", "first_year", "last_year", "source", "note"]


def read_iso_windows(path) -> pd.DataFrame:
    """Read an ISO-window table (the shipped one by default) and check it (:func:`check_iso_windows`)."""
    with open(path, "r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, sep="\t", dtype=str, keep_default_na=False, na_values=[])
    if list(df.columns) != WINDOW_COLUMNS:
        raise UnknownStateError(f"{path}: expected columns {WINDOW_COLUMNS}, found {list(df.columns)}")
    out = pd.DataFrame({"code": df["code"].str.strip().str.upper(), "source": df["source"].str.strip(),
                        "note": df["note"]})
    for col in ("ccode", "first_year", "last_year"):
        vals = df[col].str.strip()
        bad = ~vals.str.fullmatch(r"\d+") & ~((vals == "") & (col != "ccode"))
        if bad.any():
            raise UnknownStateError(f"{path}: column {col} holds {vals[bad].iloc[0]!r} (code {df.loc[bad, 'code'].iloc[0]})")
        out[col] = pd.to_numeric(vals.replace("", np.nan))
    out["ccode"] = out["ccode"].astype(int)
    out["first_year"] = out["first_year"].fillna(0).astype(int)
    out["last_year"] = out["last_year"].fillna(9999).astype(int)
    check_iso_windows(out)
    return out[["code", "ccode", "first_year", "last_year", "source", "note"]]


def check_iso_windows(windows: pd.DataFrame, spells: pd.DataFrame | None = None) -> None:
    """Raise :class:`UnknownStateError` when a code's windows overlap (the code would name two
    states, or one state twice, in some year), a window is empty, or names an unknown state.

    With ``spells`` (COW membership: ``ccode, styear, endyear``) every window must also lie
    within the years its state was a system member.
    """
    empty = windows["first_year"] > windows["last_year"]
    if empty.any():
        r = windows[empty].iloc[0]
        raise UnknownStateError(f"ISO windows: code {r.code} -> {r.ccode} has first year {r.first_year} "
                                f"after last year {r.last_year}")
    w = windows.sort_values(["source", "code", "first_year"], kind="mergesort")
    prev = w.groupby(["source", "code"], sort=False)["last_year"].shift()
    prev_cc = w.groupby(["source", "code"], sort=False)["ccode"].shift()
    clash = prev.notna() & (w["first_year"] <= prev)
    if clash.any():
        r = w[clash].iloc[0]
        who = f" for source {r.source}" if r.source else ""
        raise UnknownStateError(f"ISO windows overlap{who}: code {r.code} -> COW {int(prev_cc[clash].iloc[0])} "
                                f"to {int(prev[clash].iloc[0])} and -> COW {r.ccode} from {r.first_year}")
    if spells is None:
        return
    years = {}
    for r in spells.itertuples():
        years.setdefault(int(r.ccode), []).append((int(r.styear), int(r.endyear)))
    open_end = int(spells["endyear"].max())
    for r in windows.itertuples():
        lo, hi = r.first_year, min(r.last_year, open_end)
        ok = any(a <= lo and hi <= b for a, b in years.get(int(r.ccode), []))
        if not ok:
            raise UnknownStateError(f"ISO windows: code {r.code} -> COW {r.ccode} in {r.first_year}-"
                                    f"{'' if r.last_year == 9999 else r.last_year} lies outside the state's "
                                    "system membership")


@functools.lru_cache(maxsize=1)
def iso_windows() -> pd.DataFrame:
    """The shipped code -> state windows (``data/iso_windows.tsv``), checked."""
    path = resources.files("powergap") / "data" / "iso_windows.tsv"
    with resources.as_file(path) as p:
        windows = read_iso_windows(p)
    unknown = set(windows["ccode"]) - set(crosswalk()["ccode"])
    if unknown:
        raise UnknownStateError(f"iso_windows.tsv: unknown COW codes {sorted(unknown)}")
    return windows


def _windows_for(source: str | None) -> pd.DataFrame:
    """Windows as one source sees them: its own rows replace the default rows of a code."""
    w = iso_windows()
    own = w[w["source"] == source] if source else w.iloc[0:0]
    default = w[(w["source"] == "") & ~w["code"].isin(set(own["code"]))]
    return pd.concat([own, default], ignore_index=True)


def iso3_to_ccode(iso3: pd.Series, year: pd.Series, *, source: str | None = None) -> pd.Series:
    """Map ISO3 codes (with their year) to COW codes; a code-year outside every window gives NA.

    A code is attached only in the years its figures describe the state's territory and the
    state was a system member (``data/iso_windows.tsv``): ``RUS`` is COW 365 from 1992,
    ``SUN`` 1946-1991, ``DEU`` 255 from 1990. ``source`` selects a source's own rows where a
    code means another territory in that source; ``source="state"`` is for sources that
    report the state of the day (government spending, events, relations, surveys), where
    ``SDN`` in 2005 is the Sudan of 2005 and ``DEU`` in 1980 the Federal Republic.
    """
    rules = _windows_for(source)
    df = pd.DataFrame({"code": iso3.astype("string").str.strip().str.upper().values,
                       "year": year.astype(int).values})
    df["_row"] = np.arange(len(df))
    m = df.merge(rules[["code", "ccode", "first_year", "last_year"]], on="code", how="inner")
    m = m[(m["year"] >= m["first_year"]) & (m["year"] <= m["last_year"])]
    out = pd.Series(pd.NA, index=range(len(df)), dtype="Int64")
    out.iloc[m["_row"].to_numpy()] = m["ccode"].to_numpy()  # windows do not overlap: one match at most
    out.index = iso3.index
    return out


# ----------------------------------------------------------------------------- resolver

def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


@functools.lru_cache(maxsize=1)
def _lookup() -> tuple[dict[str, set[int]], dict[str, int]]:
    """Codes (ISO3, ISO2, COW abbreviation) -> candidate ccodes; names -> ccode."""
    codes: dict[str, set[int]] = {}
    names: dict[str, int] = {}
    xw = crosswalk()
    for r in xw.itertuples():
        c = int(r.ccode)
        codes.setdefault(r.stateabb.upper(), set()).add(c)
        if r.iso3:
            codes.setdefault(r.iso3.upper(), set()).add(CURRENT_ISO.get(r.iso3, c))
        if r.iso2:
            codes.setdefault(r.iso2.upper(), set()).add(CURRENT_ISO.get(r.iso3, c))
        names[_norm(r.cow_name)] = c
    for k, v in HISTORICAL_ISO3.items():
        codes.setdefault(k, set()).add(v)
    for k, v in ALIASES.items():
        names[_norm(k)] = v
    return codes, names


@functools.lru_cache(maxsize=1)
def iso_codes() -> dict[str, int]:
    """ISO3 and ISO2 codes (current and historical) -> the state they denote today."""
    out: dict[str, int] = {}
    for r in crosswalk().itertuples():
        if r.iso3:
            out[r.iso3.upper()] = CURRENT_ISO.get(r.iso3, int(r.ccode))
            if r.iso2:
                out[r.iso2.upper()] = CURRENT_ISO.get(r.iso3, int(r.ccode))
    for k, v in HISTORICAL_ISO3.items():
        out.setdefault(k, v)
    return out


def _coco_iso3(name: str) -> str | None:
    """English name -> ISO3 through country_converter's regular expressions."""
    import logging

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    out = _coco().convert(name, to="ISO3", not_found=None)
    if isinstance(out, list) or out is None or out == name:
        return None
    return str(out)


@functools.lru_cache(maxsize=1)
def _coco():
    import country_converter as coco

    return coco.CountryConverter()


MAX_NAME_CHARS = 100  # longest accepted query; the longest official names have about 60


def resolve(query: str | int | State) -> State:
    """Return the one state that ``query`` names.

    Accepts a :class:`State`, a COW number (``365`` or ``"365"``), an ISO3 or ISO2 code,
    a COW abbreviation, or an English name ("China", "Soviet Union", "Korea, Republic of").
    Codes are matched ISO first: ``"AUS"`` is Australia (ISO3), although COW abbreviates
    Austria as AUS; use ``"AUT"``, ``"Austria"`` or ``305`` for Austria. Raises
    :class:`UnknownStateError` naming the closest matches when the query matches no state,
    or several ("Congo", "Korea").
    """
    if isinstance(query, State):
        return query
    if isinstance(query, (int, np.integer)):
        return state(int(query))
    if not isinstance(query, str) or not query.strip():
        raise UnknownStateError(f"unknown country {query!r}: give a name, ISO3/ISO2 code, COW abbreviation or COW number")
    q = query.strip()
    if len(q) > MAX_NAME_CHARS:  # before fuzzy matching, whose cost grows with the length
        raise UnknownStateError(f"unknown country {q[:30]!r}... ({len(q):,} characters; a country name or code "
                                f"has at most {MAX_NAME_CHARS})")
    if q.isdigit():
        return state(int(q))
    codes, names = _lookup()
    by_state = _states_by_ccode()
    if len(q) <= 3 and q.upper() in codes:
        found = codes[q.upper()]
        iso = iso_codes().get(q.upper())
        if iso is not None:  # ISO codes win over COW abbreviations ("AUS" is Australia)
            return by_state[iso]
        if len(found) == 1:
            return by_state[next(iter(found))]
        options = "; ".join(f"{by_state[c].name} (COW {c})" for c in sorted(found))
        raise UnknownStateError(f"ambiguous country {query!r}: it is a code of {options}; use the COW number")
    key = _norm(q)
    if key in AMBIGUOUS_NAMES:
        options = "; ".join(f"{by_state[c].name} ({by_state[c].label}, COW {c})" for c in AMBIGUOUS_NAMES[key])
        raise UnknownStateError(f"ambiguous country {query!r}: did you mean {options}?")
    if key in names:
        return by_state[names[key]]
    iso = _coco_iso3(q) if len(q) > 3 else None
    if iso and iso.upper() in iso_codes():  # ISO codes only: "Macao" is ISO3 MAC, not COW's MAC
        return by_state[iso_codes()[iso.upper()]]
    raise UnknownStateError(f"unknown country {query!r}{_suggest(q)}")


def _suggest(q: str) -> str:
    codes, names = _lookup()
    pool = list(names) + [c.lower() for c in codes]
    close = difflib.get_close_matches(q.lower(), pool, n=5, cutoff=0.6)
    if not close:
        return ""
    by_state = _states_by_ccode()
    labels = []
    for c in close:
        cc = names.get(c) or next(iter(codes.get(c.upper(), {None})))
        if cc is None:
            continue
        lab = f"{by_state[cc].name} ({by_state[cc].label})"
        if lab not in labels:
            labels.append(lab)
    return f"; closest matches: {', '.join(labels)}" if labels else ""


# ----------------------------------------------------------------------------- membership

def membership(end_year: int | None = None) -> pd.DataFrame:
    """System membership spells: ``ccode, stateabb, statenme, start, end`` (dates).

    Spells open on the list's last day are extended to 31 December of ``end_year``
    (default: the snapshot's last year of data).
    """
    from .snapshot.store import default_store

    store = default_store()
    spells = store.table("cow_states").copy()
    if end_year is None:
        end_year = store.end_year
    from .validate import year

    end_year = year(end_year, "membership: end_year")
    spells["start"] = pd.to_datetime(dict(year=spells.styear, month=spells.stmonth, day=spells.stday))
    spells["end"] = pd.to_datetime(dict(year=spells.endyear, month=spells.endmonth, day=spells.endday))
    if end_year > LIST_END.year:
        open_ = spells["end"] == LIST_END
        spells.loc[open_, "end"] = pd.Timestamp(year=end_year, month=12, day=31)
    elif end_year < LIST_END.year:
        spells = spells[spells["start"] <= pd.Timestamp(year=end_year, month=12, day=31)].copy()
        cap = pd.Timestamp(year=end_year, month=12, day=31)
        spells["end"] = spells["end"].where(spells["end"] <= cap, cap)
    return spells[["ccode", "stateabb", "statenme", "start", "end"]].reset_index(drop=True)
