"""Draft checkable claims from prose: ``powergap claims draft``.

:func:`draft_claims` reads a text (an essay, an op-ed), finds its quantitative statements
and writes each as a claim in the format of docs/claims.md, ready for ``claims check``:

1. paragraphs are lines; sentences are split with syntok (its own offsets are kept);
2. figures are found by the grammar below (:func:`find_quantities`): amounts with a currency
   and scale ("$245 billion", "1.6 trillion USD"), percentages, multiples ("eight times",
   "fifty to one", "tenfold", "twice"), fractions in words ("a third", "nine tenths"),
   ranges ("300,000 to 500,000") and plain numbers (years, dates and model names such as
   S-400 are left out);
3. states are found by name, demonym or adjective ("Chinese", "Kazakh", "Soviet"),
   possessive ("Russia's") and capital used for the government ("Beijing"), each resolved by
   :func:`powergap.states.resolve`;
4. the quantity is mapped to a series through the lexicon ``claims/lexicon.yaml`` (the
   concept named nearest to the figure in the sentence);
5. operator and tolerance come from the wording (table ``HEDGES``; docs/claims.md);
6. the year comes from the sentence, else the paragraph, else the text's date; the note says
   which.

A statement that maps to no concept is still drafted, with the series ``drafted_concept``
(a wanted series of ``claims/series_registry.yaml``): it comes out unverifiable and its note
names what is missing. Every draft carries a confidence (0-1) and the words it rests on.
Nothing of the text is executed: an expression is assembled only from lexicon series ids,
ISO3 codes and numbers, and is checked by the claim parser and binder before it is kept.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable

from ..errors import InputError

MAX_TEXT_BYTES = 1_000_000  # about 12 times the five seed essays together (87 KB)
MAX_DRAFTS = 1_000  # the claim file limit (powergap.claims.MAX_CLAIMS)
PLACEHOLDER = "drafted_concept"  # wanted series of claims/series_registry.yaml

__all__ = ["Draft", "draft_claims", "drafts_to_yaml", "read_text", "MAX_TEXT_BYTES", "HEDGES"]


# ----------------------------------------------------------------------------- wording tables

# Words before a figure -> (op, reading). "almost" is approx from below (see _expect).
HEDGES: list[tuple[str, str]] = [
    ("more than", ">"), ("over", ">"), ("above", ">"), ("exceeded", ">"), ("exceeding", ">"),
    ("exceeds", ">"), ("exceed", ">"), ("surpassed", ">"), ("upwards of", ">"), ("in excess of", ">"),
    ("passed", ">"), ("topped", ">"), ("greater than", ">"), ("higher than", ">"),
    ("at least", ">="), ("no less than", ">="), ("no fewer than", ">="), ("not less than", ">="),
    ("less than", "<"), ("under", "<"), ("below", "<"), ("fewer than", "<"), ("lower than", "<"),
    ("at most", "<="), ("up to", "<="), ("no more than", "<="), ("not more than", "<="),
    ("almost", "almost"), ("nearly", "almost"), ("close to", "almost"), ("just under", "almost"),
    ("just shy of", "almost"), ("not quite", "almost"),
    ("about", "approx"), ("around", "approx"), ("roughly", "approx"), ("some", "approx"),
    ("approximately", "approx"), ("an estimated", "approx"), ("estimated", "approx"),
    ("circa", "approx"), ("approx.", "approx"), ("~", "approx"), ("almost exactly", "approx"),
]
EXACT_TOLERANCE = 0.05  # a bare figure: 5%, or the rounding of its last digit if larger
HEDGED_TOLERANCE = 0.10  # "about", "roughly", "some": 10%
WORD_TOLERANCE = 0.10  # fractions and multiples in words ("a third", "eight times")
GROWTH_TOLERANCE = 0.15  # "rose 1.9%": 15% of the rate (revisions, deflators)
ALMOST_FACTOR, ALMOST_TOLERANCE = 0.95, 0.06  # "nearly X": approx 0.95X ± 6% (0.89X to 1.007X)
RECORD_YEARS = 5  # "record": higher than each of the 5 years before
PRESENT_LAG = 2  # a year from the text's date moves back at most this far to the data's end

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
    "a dozen": 12, "dozen": 12,
}
_DENOMINATORS = {"half": 2, "halves": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5, "sixth": 6,
                 "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
_SCALES = {"thousand": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9,
           "b": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12, "lakh": 1e5, "crore": 1e7}
_FOLD = {"double": 2, "doubled": 2, "doubling": 2, "twice": 2, "triple": 3, "tripled": 3, "trebled": 3,
         "quadrupled": 4, "halved": 0.5}
_USD = {"$", "us$", "usd", "us dollars", "dollars", "u.s. dollars", "dollar"}

_WORDNUM_RE = "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True))
_DEN_RE = "|".join(sorted(_DENOMINATORS, key=len, reverse=True))
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE_RE = r"thousand|million|mln|mn|billion|bn|trillion|tn|trn|lakh|crore|m\b|b\b"
_CUR_AFTER = (r"us dollars|u\.s\. dollars|dollars|dollar|usd|euros?|eur|yuan|rmb|renminbi|rubles?|roubles?|"
              r"rupees?|pounds?")
_NUMWORD = rf"(?:{_NUM}|{_WORDNUM_RE})"

_QUANTITY_RES: list[tuple[str, re.Pattern]] = [
    # $245 billion, US$ 3 bn, €5m
    ("money", re.compile(rf"(?P<cur>us\$|\$|€|£|usd\s)\s?(?P<num>{_NUM})(?:\s?(?P<lo_to>to|-|–)\s?\$?(?P<num2>{_NUM}))?"
                         rf"(?:\s?-?(?P<scale>{_SCALE_RE}))?", re.I)),
    # 1.6 trillion USD, 340 billion dollars, 52 billion yuan
    ("money", re.compile(rf"(?P<num>{_NUMWORD})\s?-?(?P<scale>{_SCALE_RE})?\s(?P<cur2>{_CUR_AFTER})\b", re.I)),
    # 80%, 71 per cent, 2.5 percentage points, 300.000 to 500.000 -> below
    ("percent", re.compile(rf"(?P<num>{_NUMWORD})(?:\s?(?P<lo_to>to|-|–)\s?(?P<num2>{_NUM}))?\s?"
                           rf"(?P<pct>%|per\s?cent(?:age points?)?|percentage points?)", re.I)),
    # eight times, 1.2 times, 14 times as many
    ("times", re.compile(rf"(?P<num>{_NUMWORD})(?:\s|-)times\b", re.I)),
    # tenfold, 3-fold, ten-fold
    ("fold", re.compile(rf"(?P<num>{_NUMWORD})-?fold\b", re.I)),
    # fifty to one, 3:1
    ("to_one", re.compile(rf"\b(?P<num>{_NUMWORD})(?:\s+to\s+one\b|\s?:\s?1\b)", re.I)),
    # twice, doubled, tripled, halved
    ("word_fold", re.compile(r"\b(?P<word>twice|doubled|doubling|double|tripled|trebled|triple|quadrupled|halved)\b",
                             re.I)),
    # a third, one-third, two-thirds, nine tenths, three quarters, half
    ("fraction", re.compile(rf"\b(?P<n>a|one|two|three|four|five|six|seven|eight|nine)[\s-](?P<den>{_DEN_RE})s?\b"
                            rf"|\b(?P<half>half)\b", re.I)),
    # 300,000 troops, 14 projects, 1.2 million people, 300.000 to 500.000
    ("number", re.compile(rf"(?P<num>{_NUM})(?:\s?(?P<lo_to>to|-|–)\s?(?P<num2>{_NUM}))?"
                          rf"(?:\s?-?(?P<scale>{_SCALE_RE}))?", re.I)),
    # three pipelines (a number in words followed by a lexicon noun: checked later)
    ("word_count", re.compile(rf"\b(?P<num>{_WORDNUM_RE})\s(?P<scale>million|billion|trillion|thousand)?", re.I)),
]

_GROWTH_UP = (r"rose|rise|rising|risen|grew|grow|growing|grown|increased|increase|increasing|jumped|surged|soared|"
              r"climbed|expanded|gained|up")
_GROWTH_DOWN = (r"fell|fall|falling|fallen|declined|decline|declining|dropped|drop|decreased|decrease|shrank|shrunk|"
                r"slipped|contracted|plunged|slumped|down")
_GROWTH_RE = re.compile(rf"\b(?P<dir_up>{_GROWTH_UP})|(?P<dir_down>{_GROWTH_DOWN})\b", re.I)
_MORE_RE = re.compile(r"\b(more|larger|bigger|higher|greater|stronger|richer|superior|surpass\w*|overt(?:ook|aken|akes|ake)|"
                      r"outpac\w*|outspen\w*|outnumber\w*|exceed\w*|dwarf\w*|ahead of|lead over|clear lead|dominance|"
                      r"advantage|supremacy|superiority)\b", re.I)
_LESS_RE = re.compile(r"\b(less|smaller|lower|weaker|poorer|fewer|behind|lags?|lagging|trails?|inferior)\b", re.I)
_SUPER_RE = re.compile(r"\b(largest|biggest|greatest|highest|top|leading|main|foremost)\b", re.I)
_FIRST_RE = re.compile(r"\bfirst\s+(?:foreign\s+)?(?:country|trip|visit|destination|stop)\b|"
                       r"\b(?:to|in)\s+[A-Z]\w+\s+first\b", re.I)
_GAP_RE = re.compile(r"\b(disparity|gap|asymmetry|imbalance)\b", re.I)
_TREND_RE = re.compile(r"\b(?:has|have|had)\s+(?:\w+\s+)?(?P<up>grown|risen|increased|surged|climbed|expanded)\b|"
                       r"\b(?:has|have|had)\s+(?:\w+\s+)?"
                       r"(?P<down>slipped|declined|fallen|dropped|decreased|shrunk|shrank|weakened)\b", re.I)
_GAP_PAIR_RE = re.compile(r"\bbetween\s+(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z]\w*)?\s+and\s+(?:the\s+)?[A-Z]|"
                          r"\b(?:of|with)\s+[A-Z]\w+\s+(?:with|over)\s+[A-Z]")
_REGION_RE = re.compile(r"\s+(?:with|to|from|in)\s+(?:the\s+)?(?:continent|region|world|west|east|rest of|eu\b|european union|"
                        r"africa|europe|asia|latin america|middle east|central asia|global south)", re.I)
_GOAL_RE = re.compile(r"\b(?:seeks?|aims?|aiming|plans?|planning|set|expected|targets?|goal|pledged?|intends?|hopes?|want)\s+to\b|"
                      r"\bwill\b", re.I)
_FLOW_SERIES = {"trade_exports_usd", "trade_total_usd"}
_PRODUCT_RE = re.compile(r"\s+of\s+(?!the\b|its\b|their\b|all\b|total\b|goods\b|russia|china|[A-Z])"
                         r"[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2}")
TREND_YEARS = 10  # "has slipped" with no period: read over the ten years to the claim's year
_RECORD_RE = re.compile(r"\brecord\b", re.I)
_YEAR_RE = re.compile(r"(?<![\d$.,])(?P<y>1[89]\d\d|20\d\d)(?!\d|\.\d|,\d{3})(?P<s>s)?")
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_DATE_RE = re.compile(rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+(?P<y1>(?:19|20)\d\d)|"
                      rf"\d{{1,2}}\s+(?:{_MONTHS})\s+(?P<y2>(?:19|20)\d\d))\b", re.I)
_DAY_RE = re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTHS})\b", re.I)
_DECADE_RE = re.compile(r"\b(?:the\s+)?(?:(early|mid|late)[\s-])?((?:19|20)\d0)s\b", re.I)
_CLAUSE_RE = re.compile(r"[,;:—–()]|\s-\s|\bwhile\b|\bwhereas\b|\bbut\b", re.I)


# ----------------------------------------------------------------------------- states

# Demonyms, adjectives, capitals used for governments, and short forms -> ISO3. Names of
# states ("Russia", "Kazakhstan") come from the resolver's own table (powergap.states).
DEMONYMS: dict[str, str] = {
    "russian": "RUS", "russians": "RUS", "soviet": "RUS", "soviets": "RUS", "moscow": "RUS", "kremlin": "RUS",
    "chinese": "CHN", "sino": "CHN", "beijing": "CHN", "prc": "CHN",
    "american": "USA", "americans": "USA", "washington": "USA", "u.s.": "USA", "us": "USA", "usa": "USA",
    "united states": "USA", "america": "USA",
    "kazakh": "KAZ", "kazakhs": "KAZ", "kazakhstani": "KAZ", "astana": "KAZ",
    "uzbek": "UZB", "uzbeks": "UZB", "tashkent": "UZB", "kyrgyz": "KGZ", "bishkek": "KGZ",
    "tajik": "TJK", "dushanbe": "TJK", "turkmen": "TKM", "ashgabat": "TKM",
    "mongolian": "MNG", "mongolians": "MNG", "ulaanbaatar": "MNG",
    "indian": "IND", "indians": "IND", "new delhi": "IND", "delhi": "IND",
    "pakistani": "PAK", "pakistanis": "PAK", "islamabad": "PAK",
    "mexican": "MEX", "mexicans": "MEX", "mexico city": "MEX",
    "japanese": "JPN", "tokyo": "JPN", "korean": None, "south korean": "KOR", "seoul": "KOR",
    "north korean": "PRK", "pyongyang": "PRK",
    "german": "DEU", "germans": "DEU", "berlin": "DEU", "french": "FRA", "paris": "FRA",
    "british": "GBR", "london": "GBR", "uk": "GBR", "u.k.": "GBR", "britain": "GBR",
    "italian": "ITA", "rome": "ITA", "spanish": "ESP", "madrid": "ESP", "dutch": "NLD",
    "polish": "POL", "warsaw": "POL", "ukrainian": "UKR", "ukrainians": "UKR", "kyiv": "UKR", "kiev": "UKR",
    "belarusian": "BLR", "minsk": "BLR", "turkish": "TUR", "ankara": "TUR", "iranian": "IRN", "tehran": "IRN",
    "israeli": "ISR", "saudi": "SAU", "riyadh": "SAU", "egyptian": "EGY", "cairo": "EGY",
    "brazilian": "BRA", "brasilia": "BRA", "canadian": "CAN", "ottawa": "CAN", "australian": "AUS",
    "canberra": "AUS", "vietnamese": "VNM", "hanoi": "VNM", "indonesian": "IDN", "jakarta": "IDN",
    "taiwanese": "TWN", "taipei": "TWN", "afghan": "AFG", "kabul": "AFG", "bangladeshi": "BGD",
    "dhaka": "BGD", "syrian": "SYR", "damascus": "SYR", "georgian": None, "armenian": "ARM",
    "azerbaijani": "AZE", "baku": "AZE", "finnish": "FIN", "swedish": "SWE", "norwegian": "NOR",
    "south african": "ZAF", "nigerian": "NGA", "argentine": "ARG", "argentinian": "ARG", "chilean": "CHL",
    "venezuelan": "VEN", "cuban": "CUB", "havana": "CUB", "philippine": "PHL", "filipino": "PHL",
    "manila": "PHL", "thai": "THA", "bangkok": "THA", "malaysian": "MYS", "singaporean": "SGP",
    "new zealand": "NZL", "swiss": "CHE", "austrian": "AUT", "belgian": "BEL", "greek": "GRC",
    "hungarian": "HUN", "czech": "CZE", "romanian": "ROU", "bulgarian": "BGR", "serbian": "SRB",
    "estonian": "EST", "latvian": "LVA", "lithuanian": "LTU", "moldovan": "MDA", "iraqi": "IRQ",
    "baghdad": "IRQ", "qatari": "QAT", "emirati": "ARE", "algerian": "DZA", "ethiopian": "ETH",
    "kenyan": "KEN", "colombian": "COL", "peruvian": "PER", "sri lankan": "LKA", "nepalese": "NPL",
    "nepali": "NPL", "burmese": "MMR", "myanmar": "MMR", "laotian": "LAO", "cambodian": "KHM",
}
# Capitals (and seats of government) in DEMONYMS: they stand for the government, not as adjectives.
CAPITALS = {"moscow", "kremlin", "beijing", "washington", "astana", "tashkent", "bishkek", "dushanbe", "ashgabat",
            "ulaanbaatar", "new delhi", "delhi", "islamabad", "mexico city", "tokyo", "seoul", "pyongyang", "berlin",
            "paris", "london", "rome", "madrid", "warsaw", "kyiv", "kiev", "minsk", "ankara", "tehran", "riyadh",
            "cairo", "brasilia", "ottawa", "canberra", "hanoi", "jakarta", "taipei", "kabul", "dhaka", "damascus",
            "baku", "havana", "manila", "bangkok", "baghdad", "us", "u.s.", "usa", "united states", "america",
            "uk", "u.k.", "britain", "prc", "myanmar", "new zealand"}
# Heads of state and government named for their state ("Putin and Xi have met 40 times").
LEADERS: dict[str, str] = {
    "putin": "RUS", "medvedev": "RUS", "yeltsin": "RUS", "gorbachev": "RUS", "xi": "CHN", "xi jinping": "CHN",
    "hu jintao": "CHN", "jiang zemin": "CHN", "deng xiaoping": "CHN", "biden": "USA", "trump": "USA",
    "obama": "USA", "modi": "IND", "sharif": "PAK", "erdogan": "TUR", "lukashenko": "BLR", "tokayev": "KAZ",
    "nazarbayev": "KAZ", "zelensky": "UKR", "zelenskyy": "UKR", "kim jong un": "PRK", "amlo": "MEX",
}
# Capitalised words that look like state names but are not one here.
_NOT_STATES = {"chad", "jordan", "georgia", "guinea", "niger", "turkey", "china sea", "korea",
               "congo", "may", "march", "the", "us"}


@dataclass(frozen=True)
class Mention:
    iso3: str
    start: int
    end: int
    possessive: bool  # "Russia's", or an adjective before a noun ("Russian exports")
    words: str


@functools.lru_cache(maxsize=1)
def _state_pattern() -> tuple[re.Pattern, dict[str, str]]:
    from ..states import all_states

    names: dict[str, str] = {}
    for st in all_states():
        if st.iso3 and st.name:
            key = st.name.lower()
            if key not in _NOT_STATES and len(key) > 3:
                names.setdefault(key, st.iso3)
    for key, iso in list(DEMONYMS.items()) + list(LEADERS.items()):
        if iso:
            names[key] = iso
    # State names that COW spells otherwise.
    for key, iso in {"russia": "RUS", "china": "CHN", "kazakhstan": "KAZ", "iran": "IRN", "vietnam": "VNM",
                     "south korea": "KOR", "north korea": "PRK", "myanmar": "MMR", "taiwan": "TWN",
                     "germany": "DEU", "the netherlands": "NLD", "netherlands": "NLD", "belarus": "BLR",
                     "turkey": "TUR", "türkiye": "TUR", "united kingdom": "GBR", "soviet union": "RUS",
                     "ussr": "RUS", "the united states": "USA"}.items():
        names[key] = iso
    alts = sorted((re.escape(k) for k in names), key=len, reverse=True)
    # Case-sensitive on the first letter: names are capitalised ("US", not "us").
    pat = re.compile(r"(?<![\w.])(?:" + "|".join(alts) + r")(?:['’]s)?(?![\w])", re.I)
    return pat, names


def find_states(sentence: str) -> list[Mention]:
    """States named in a sentence, in order: names, demonyms, capitals, possessives."""
    from ..states import resolve

    pat, names = _state_pattern()
    out: list[Mention] = []
    for m in pat.finditer(sentence):
        raw = m.group(0)
        if not raw[0].isupper():
            continue
        poss = raw.endswith(("'s", "’s"))
        key = raw[:-2] if poss else raw
        iso = names.get(key.lower())
        if iso is None:
            continue
        if key in ("US", "U.S.") and re.match(r"\s?(?:\$|dollars?)", sentence[m.end():m.end() + 9]):
            continue  # "US dollars", "US$": a currency
        # An adjective before a noun ("Russian exports", "Chinese investment") owns like a possessive.
        adjective = key.lower() in DEMONYMS and key.lower() not in CAPITALS and not key.lower().endswith("s") and \
            re.match(r"\s+[A-Za-z]", sentence[m.end():m.end() + 2] or "") is not None
        iso = resolve(iso).label
        out.append(Mention(iso, m.start(), m.end(), poss or adjective, raw))
        if key.lower() == "sino" and sentence[m.end():m.end() + 1] in "-–":
            # "Sino-Russian": the second half is found by the next match
            pass
    return out


# ----------------------------------------------------------------------------- lexicon

@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    keywords: tuple[str, ...]
    series: str
    unit: str
    dyadic: bool = False
    single: str | None = None
    growth: str | None = None
    of_gdp: str | None = None
    share: str | None = None
    reverse: bool = False
    wanted: bool = False
    function: str | None = None
    curated: str | None = None
    group: str | None = None
    priority: bool = False


_CONCEPT_KEYS = {"id", "label", "keywords", "series", "unit", "dyadic", "single", "growth", "of_gdp", "share",
                 "reverse", "wanted", "function", "curated", "group", "priority"}
_UNITS = {"usd", "persons", "count", "share", "pct", "tiv", "index", "rank"}


def lexicon_path() -> Path:
    return Path(str(resources.files("powergap.claims") / "lexicon.yaml"))


@functools.lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> tuple[Concept, ...]:
    """The concepts of ``claims/lexicon.yaml`` (or another lexicon file), checked strictly."""
    from ..validate import load_yaml_text

    p = Path(path) if path else lexicon_path()
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{p}: cannot read the lexicon ({e})") from None
    doc = load_yaml_text(text, str(p))
    if not isinstance(doc, dict) or not isinstance(doc.get("concepts"), list):
        raise InputError(f"{p}: a lexicon is a mapping with a list 'concepts'")
    out = []
    seen = set()
    for i, c in enumerate(doc["concepts"], 1):
        if not isinstance(c, dict):
            raise InputError(f"{p}: concept #{i} is not a mapping")
        bad = set(c) - _CONCEPT_KEYS
        if bad:
            raise InputError(f"{p}: concept #{i}: unknown key(s) {', '.join(sorted(bad))}")
        for k in ("id", "label", "keywords", "series", "unit"):
            if k not in c:
                raise InputError(f"{p}: concept #{i}: missing {k!r}")
        if c["unit"] not in _UNITS:
            raise InputError(f"{p}: concept {c['id']!r}: unit {c['unit']!r} is not one of {', '.join(sorted(_UNITS))}")
        if c["id"] in seen:
            raise InputError(f"{p}: concept {c['id']!r} listed twice")
        seen.add(c["id"])
        kws = c["keywords"]
        if not isinstance(kws, list) or not kws or not all(isinstance(k, str) and k.strip() for k in kws):
            raise InputError(f"{p}: concept {c['id']!r}: keywords must be a list of words")
        out.append(Concept(str(c["id"]), str(c["label"]), tuple(k.lower().strip() for k in kws), str(c["series"]),
                           str(c["unit"]), bool(c.get("dyadic", False)), c.get("single"), c.get("growth"),
                           c.get("of_gdp"), c.get("share"), bool(c.get("reverse", False)),
                           bool(c.get("wanted", False)), c.get("function"), c.get("curated"), c.get("group"),
                           bool(c.get("priority", False))))
    return tuple(out)


@functools.lru_cache(maxsize=4)
def _keyword_pattern(concepts: tuple[Concept, ...]) -> tuple[re.Pattern, dict[str, Concept]]:
    by_kw: dict[str, Concept] = {}
    for c in concepts:
        for k in c.keywords:
            by_kw.setdefault(k, c)
    alts = []
    for k in sorted(by_kw, key=len, reverse=True):
        body = re.escape(k.rstrip("*"))
        alts.append(body + (r"\w*" if k.endswith("*") else ""))
    return re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])", re.I), by_kw


@dataclass(frozen=True)
class Hit:
    concept: Concept
    start: int
    end: int
    words: str


def find_concepts(sentence: str, concepts: tuple[Concept, ...]) -> list[Hit]:
    pat, by_kw = _keyword_pattern(concepts)
    out = []
    for m in pat.finditer(sentence):
        w = m.group(0).lower()
        c = by_kw.get(w)
        if c is None:  # a stem keyword ("export*")
            c = next(cc for k, cc in by_kw.items() if k.endswith("*") and w.startswith(k[:-1]))
        out.append(Hit(c, m.start(), m.end(), m.group(0)))
    return out


# ----------------------------------------------------------------------------- quantities

@dataclass
class Quantity:
    kind: str  # money, percent, multiple, fraction, number
    value: float
    start: int
    end: int
    words: str
    currency: str | None = None  # "usd" or another currency word
    decimals_unit: float = 1.0  # size of the last stated digit, in the value's unit
    growth: bool = False  # a "fold"/"doubled" figure read as growth
    range_half: float = 0.0  # half the width of a stated range


def _num(text: str) -> tuple[float, float]:
    """A number and the size of its last stated digit: "1.6" -> (1.6, 0.1); "3,200" -> (3200, 1)."""
    t = text.strip().lower()
    if t in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[t]), 1.0
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", t) and not t.startswith("0"):
        # European thousands separators: "300.000" is three hundred thousand
        return float(t.replace(".", "")), 1.0
    t = t.replace(",", "")
    v = float(t)
    step = 10.0 ** -len(t.split(".")[1]) if "." in t else 1.0
    return v, step


def find_quantities(sentence: str) -> list[Quantity]:
    """The figures of a sentence (grammar above), left to right, without overlaps."""
    taken: list[tuple[int, int]] = []
    out: list[Quantity] = []
    blocked = [(m.start(), m.end()) for m in _DAY_RE.finditer(sentence)]

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken + blocked)

    for kind, rx in _QUANTITY_RES:
        for m in rx.finditer(sentence):
            a, b = m.span()
            words = m.group(0).strip()
            if not words or not free(a, b):
                continue
            b = a + len(m.group(0).rstrip())
            prev = sentence[a - 1] if a else " "
            nxt = sentence[b] if b < len(sentence) else " "
            if kind in ("number", "percent", "times", "fold", "to_one") and (prev.isalpha() or prev in "-_/"):
                continue  # S-400, G20, SU-35
            if kind == "number" and (prev in "$€£" or re.search(r"\bpp?\.\s?$|\bno\.\s?$", sentence[max(0, a - 4):a], re.I)):
                continue  # a page or issue number ("p.7")
            if kind == "number" and (nxt.isalpha() and nxt.lower() not in "mb" or nxt in "-/"):
                continue  # 5G, 80th, 2018/19
            q = _quantity(kind, m, sentence, a, b)
            if q is None:
                continue
            taken.append((a, b))
            out.append(q)
    out.sort(key=lambda q: q.start)
    return out


def _quantity(kind: str, m: re.Match, sentence: str, a: int, b: int) -> Quantity | None:
    g = m.groupdict()
    words = sentence[a:b]
    if kind == "money":
        v, step = _num(g["num"])
        if not g.get("scale") and v < 1000 and "." in g["num"]:
            return None  # a price ("$2.90 per month"): page furniture, not a claim about states
        scale = _SCALES.get((g.get("scale") or "").lower(), 1.0)
        cur = (g.get("cur") or g.get("cur2") or "").strip().lower()
        currency = "usd" if cur in _USD or cur == "usd" else cur
        half = 0.0
        if g.get("num2"):
            v2, _ = _num(g["num2"])
            half = abs(v2 - v) / 2 * scale
            v = (v + v2) / 2
        return Quantity("money", v * scale, a, b, words, currency, step * scale, range_half=half)
    if kind == "percent":
        v, step = _num(g["num"])
        half = 0.0
        if g.get("num2"):
            v2, _ = _num(g["num2"])
            half = abs(v2 - v) / 200
            v = (v + v2) / 2
        if "point" in g["pct"].lower():
            return Quantity("points", v / 100, a, b, words, decimals_unit=step / 100)
        return Quantity("percent", v / 100, a, b, words, decimals_unit=step / 100, range_half=half)
    if kind in ("times", "to_one"):
        v, step = _num(g["num"])
        if v <= 1 and kind == "times":
            return None
        return Quantity("multiple", v, a, b, words, decimals_unit=step)
    if kind == "fold":
        v, step = _num(g["num"])
        return Quantity("multiple", v, a, b, words, decimals_unit=step, growth=True)
    if kind == "word_fold":
        w = g["word"].lower()
        return Quantity("multiple", float(_FOLD[w]), a, b, words, growth=w not in ("twice", "double"))
    if kind == "fraction":
        if g.get("half"):
            if re.search(r"\b(?:first|second|latter|former|other|one)\s+$", sentence[:a].lower()):
                return None  # "the first half of the year"
            if re.match(r"\s+(?:of|a|the)\b", sentence[b:b + 5]) is None and not re.search(
                    r"\b(more than|nearly|almost|about|over|under|less than|than)\s+$", sentence[:a]):
                return None  # "the first half", "on behalf"
            return Quantity("fraction", 0.5, a, b, words)
        if re.match(r"\s+of\b", sentence[b:b + 4]) is None:
            return None  # "a fourth pipeline", "a third term": an ordinal, not a fraction
        n = 1 if g["n"].lower() in ("a", "one") else _WORD_NUMBERS[g["n"].lower()]
        den = _DENOMINATORS[g["den"].lower()]
        if g["den"].lower() in ("third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth") and \
                g["n"].lower() in ("a", "one") and \
                re.match(r"\s+(?:term|time|round|largest|biggest|century|quarter|country)", sentence[b:b + 12]):
            return None  # "a third term", "the fifth largest"
        if n >= den:
            return None
        return Quantity("fraction", n / den, a, b, words)
    if kind == "number":
        raw = g["num"]
        if g.get("scale") and g["scale"].lower() in ("m", "b") and \
                not re.match(r"\s?-?[mb]\b", sentence[a + len(raw):b + 1]):
            return None
        v, step = _num(raw)
        scale = _SCALES.get((g.get("scale") or "").lower(), 1.0)
        if not sentence[:a].strip() and re.match(r"[.)]\s", sentence[b:b + 2]):
            return None  # a list or note number ("3. In the spring")
        if not g.get("scale") and not g.get("num2") and re.fullmatch(r"(?:1[89]|20)\d\d", raw):
            return None  # a year
        if not g.get("scale") and re.fullmatch(r"\d{1,2}", raw) and \
                re.match(r"\s*(?:years?|months?|days?|weeks?|hours?|minutes?)\b", sentence[b:b + 10]):
            return None  # a duration
        half = 0.0
        if g.get("num2"):
            if re.fullmatch(r"(?:1[89]|20)\d\d", raw):
                return None  # 2019-2023
            v2, _ = _num(g["num2"])
            half = abs(v2 - v) / 2 * scale
            v = (v + v2) / 2
        if v == 0:
            return None
        return Quantity("number", v * scale, a, b, sentence[a:b], decimals_unit=step * scale, range_half=half)
    if kind == "word_count":
        v = float(_WORD_NUMBERS[g["num"].lower()])
        scale = _SCALES.get((g.get("scale") or "").lower(), 1.0)
        if scale == 1.0 and v < 3:
            return None  # "the two states", "one of"
        if scale == 1.0 and re.match(r"\s*(?:years?|months?|days?|weeks?|hours?|decades?|times)\b", sentence[b:b + 10]):
            return None  # a duration, or "three times" (found as a multiple)
        return Quantity("number", v * scale, a, b, sentence[a:b].rstrip(), decimals_unit=scale)
    return None


# ----------------------------------------------------------------------------- years

@dataclass(frozen=True)
class YearRef:
    year: int
    start: int
    end: int
    decade: bool


def find_years(sentence: str) -> list[YearRef]:
    out = []
    for m in _YEAR_RE.finditer(sentence):
        nxt = sentence[m.end():m.end() + 12].lower()
        if re.match(r"\s?(?:%|per ?cent|billion|million|trillion|troops|people)", nxt):
            continue
        out.append(YearRef(int(m.group("y")), m.start(), m.end(), bool(m.group("s"))))
    return out


def text_date(text: str) -> tuple[int | None, str]:
    """The year the text was written: its first full date, else the latest year it names."""
    m = _DATE_RE.search(text[:20000])
    if m:
        return int(m.group("y1") or m.group("y2")), f"the text's date ({m.group(0).strip()})"
    import datetime

    now = datetime.date.today().year
    years = [y.year for y in find_years(text) if y.year <= now and not y.decade]
    if years:
        return max(years), "the latest year the text names"
    return None, ""


# ----------------------------------------------------------------------------- drafts

@dataclass
class Draft:
    """One drafted claim: the claim (``to_claim``) plus how it was read."""

    id: str
    text: str
    source: str
    value: str
    expect: dict
    note: str
    confidence: float
    concept: str | None
    rests_on: list[str]
    line: int
    sentence: str
    anchor: tuple[int, int]  # characters of the line the draft rests on (figure or cue)
    sentence_span: tuple[int, int]
    mapped: bool = True  # False: the placeholder series (no concept)

    def to_claim(self) -> dict:
        return {"id": self.id, "text": self.text, "source": self.source, "value": self.value,
                "expect": dict(self.expect), "note": self.note}


@dataclass
class _Sentence:
    text: str
    start: int  # offset in the line
    line: int
    section: str
    paragraph_years: list[YearRef]
    prev_states: list[Mention]
    para_states: list[Mention]
    quote: str = ""  # the sentence as written (footnote markers kept)


def read_text(path: str | os.PathLike) -> str:
    """Read a text file for drafting: UTF-8, not empty, at most ``MAX_TEXT_BYTES``.

    Raises :class:`InputError` with one line naming the file and the problem.
    """
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(f"{p}: is a directory, not a text file")
        size = p.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise InputError(f"{p}: too large to draft claims from ({size:,} bytes; at most {MAX_TEXT_BYTES:,})")
        with open(p, "rb") as fh:
            data = fh.read(MAX_TEXT_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except PermissionError:
        raise InputError(f"{p}: permission denied") from None
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror or e})") from None
    return _decode(data, str(p))


def _decode(data: bytes, label: str) -> str:
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(f"{label}: too large to draft claims from (more than {MAX_TEXT_BYTES:,} bytes)")
    if b"\x00" in data[:8192]:
        raise InputError(f"{label}: a binary file, not text (it holds NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{label}: not UTF-8 text (byte {e.start:,} cannot be decoded); save it as UTF-8") from None
    return _check_text(text, label)


def _check_text(text: str, label: str) -> str:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES:
        raise InputError(f"{label}: too large to draft claims from (more than {MAX_TEXT_BYTES:,} bytes)")
    if not text.strip():
        raise InputError(f"{label}: empty text (nothing to draft claims from)")
    bad = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if bad > 10:
        raise InputError(f"{label}: looks binary, not text ({bad} control characters)")
    return text


def _is_heading(line: str) -> bool:
    s = line.strip()
    return 0 < len(s) <= 120 and s[-1] not in ".?!:;,\"”’)" and len(s.split()) <= 16 and s[0].isupper() \
        and not re.search(r"\d{2,}", s)


_FOOTNOTE_RES = (
    re.compile(r"(?<=[A-Za-z)\]”\"’]\.)\d{1,3}(?=\s|$|\))"),  # "assessments.7 They"
    re.compile(r"(?<=(?:19|20)\d\d\.)\d{1,3}(?=\s|$)"),  # "in 2020.6 The"
    re.compile(r"(?<=[.,;:][”\"’)])\d{1,3}(?=\s|$)"),  # "power.”12"
)


def mask_footnotes(line: str) -> str:
    """The line with footnote markers blanked out (same length, so offsets hold), and an
    ellipsis before a capital read as a sentence end ("not apparent… Russia maintains")."""
    for rx in _FOOTNOTE_RES:
        line = rx.sub(lambda m: " " * len(m.group(0)), line)
    return re.sub(r"…(?=\s+[A-Z])", ".", line)


def _sentences(text: str):
    """(line number, section, line text, [(start, end)]) for every non-empty line."""
    import syntok.segmenter as segmenter

    section = "introduction"
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if _is_heading(line):
            section = line.strip()
            continue
        masked = mask_footnotes(line)
        spans = []
        for para in segmenter.analyze(masked):
            for sent in para:
                if not sent:
                    continue
                a = sent[0].offset
                last = sent[-1]
                spans.append((a, last.offset + len(last.value)))
        yield i, section, line, masked, spans


def draft_claims(text_or_path, *, name: str | None = None, store=None, lexicon: str | None = None) -> list[Draft]:
    """Draft checkable claims from a text.

    Parameters
    ----------
    text_or_path
        A path (``str`` without line breaks naming an existing file, or ``os.PathLike``) or
        the text itself.
    name
        The document name used in each claim's ``source`` (default: the file's name, or
        "text").
    store
        The snapshot used to check that each drafted expression binds (default: shipped).
    lexicon
        Another lexicon file (default ``claims/lexicon.yaml``).

    Returns
    -------
    list of Draft
        In text order; ``[d.to_claim() for d in drafts]`` is a claim list for
        :func:`powergap.check_claims`, and :func:`drafts_to_yaml` writes it as a file.

    Raises
    ------
    InputError
        A missing, binary, non-UTF-8, empty or too large input (one line).
    """
    if isinstance(text_or_path, (os.PathLike,)) or (
            isinstance(text_or_path, str) and "\n" not in text_or_path and len(text_or_path) < 1024
            and (text_or_path.endswith((".txt", ".md", ".text")) or Path(text_or_path).is_file())):
        p = Path(text_or_path)
        text = read_text(p)
        name = name or p.name
    elif isinstance(text_or_path, bytes):
        text = _decode(text_or_path, name or "text")
    elif isinstance(text_or_path, str):
        text = _check_text(text_or_path, name or "text")
    else:
        raise InputError(f"draft_claims needs a text or a path, not a {type(text_or_path).__name__}")
    return _Drafter(text, name or "text", store, load_lexicon(lexicon)).run()


class _Drafter:
    def __init__(self, text: str, name: str, store, concepts: tuple[Concept, ...]):
        self.text = text
        self.name = name
        self.concepts = concepts
        self.date, self.date_how = text_date(text)
        self.drafts: list[Draft] = []
        self.mentions: list[Mention] = []
        self.ids: dict[str, int] = {}
        from . import _store
        from .evaluate import Binder

        self.binder = Binder(_store(store))
        counts: dict[str, int] = {}
        for m in find_states(text[:200_000]):
            counts[m.iso3] = counts.get(m.iso3, 0) + 1
        self.main_states = [k for k, _ in sorted(counts.items(), key=lambda kv: -kv[1])][:2]

    # -------------------------------------------------------------- walk the text
    def run(self) -> list[Draft]:
        for line_no, section, line, masked, spans in _sentences(self.text):
            para_years = find_years(masked)
            para_states = find_states(masked)
            prev_states: list[Mention] = []
            for a, b in spans:
                s = _Sentence(masked[a:b], a, line_no, section, para_years, prev_states, para_states, line[a:b])
                self.sentence(s)
                found = find_states(s.text)
                if found:
                    prev_states = found
                if len(self.drafts) >= MAX_DRAFTS:
                    return self.drafts
        return self.drafts

    def sentence(self, s: _Sentence) -> None:
        qs = find_quantities(s.text)
        hits = find_concepts(s.text, self.concepts)
        states = find_states(s.text)
        self.mentions = states
        years = [y for y in find_years(s.text) if not any(q.start <= y.start < q.end for q in qs)]
        last: Hit | None = None
        used: list[Quantity] = []
        for q in qs:
            if q.kind == "number" and q.value < 3 and q.decimals_unit == 1.0:
                continue
            if q.kind == "number" and q.currency is None and not hits and not _counts_something(s.text, q):
                continue  # a bare number with nothing it counts
            if _GOAL_RE.search(s.text[:q.start]) and re.search(r"\bby\s+(?:19|20)\d\d\b", s.text[q.end:q.end + 40]):
                continue  # a goal ("seek to double trade to $200 billion by 2024"), not a claim about the data
            usable = [h for h in hits if not any(_denominator(s.text, q2, h) for q2 in qs)]
            pri = [h for h in usable if h.concept.priority and _unit_fits(q, h.concept)]
            hit = self.nearest(pri, q.start, q.end, s.text, limit=400) or self.nearest(usable, q.start, q.end, s.text)
            if hit is None and last is not None:
                hit = last  # "India spent $83 billion, while Pakistan spent less than $9 billion"
            last = hit or last
            used.append(q)
            self.draft_quantity(s, q, hit, states, years)
            if _RECORD_RE.search(s.text[max(0, q.start - 25):q.start]) and hit and not hit.concept.wanted:
                self.draft_record(s, q, hit, states, years)
        # Comparisons and superlatives in clauses without a figure.
        bounds = [0] + [m.end() for m in _CLAUSE_RE.finditer(s.text)] + [len(s.text)]
        done = 0
        for lo, hi in zip(bounds, bounds[1:]):
            if done >= 2:
                break
            if any(lo <= q.start < hi for q in used):
                continue
            if self.draft_comparison(s, hits, states, years, lo, hi):
                done += 1

    @staticmethod
    def nearest(hits: list[Hit], a: int, b: int, sentence: str, limit: float = 200) -> Hit | None:
        best, best_d = None, math.inf
        for h in hits:
            lo, hi = (h.end, a) if h.end <= a else (b, h.start) if h.start >= b else (a, a)
            gap = sentence[lo:hi]
            d = max(0, hi - lo) + 60 * len(_CLAUSE_RE.findall(gap)) - 0.01 * len(h.words)
            if h.start >= b:
                d += 5  # a concept named before the figure usually owns it
            if d < best_d:
                best, best_d = h, d
        return best if best_d < limit else None

    # -------------------------------------------------------------- context
    def year_for(self, s: _Sentence, years: list[YearRef], at: int) -> tuple[int | None, str, YearRef | None]:
        plain = [y for y in years if not y.decade]
        before = [y for y in plain if y.end <= at]
        if before:
            return before[-1].year, "the sentence", before[-1]
        if plain:
            return plain[0].year, "the sentence", plain[0]
        line_years = [y for y in s.paragraph_years if not y.decade and y.start < s.start]
        if line_years:
            return line_years[-1].year, "the paragraph", None
        line_years = [y for y in s.paragraph_years if not y.decade]
        if line_years:
            return line_years[0].year, "the paragraph", None
        if self.date:
            return self.date, self.date_how, None
        return None, "", None

    @staticmethod
    def year_range(s: _Sentence, years: list[YearRef], at: int | None = None) -> tuple[int, int] | None:
        """A period: "from 2019 to 2023", "between 2019 and 2023", or a decade near the figure
        ("in the mid-2010s": 2014-2016; early: years 0-2, late: 7-9, else the whole decade)."""
        m = re.search(r"\b(?:from|between)\s+(?:\w+\s+)?((?:19|20)\d\d)\s+(?:to|and|until|through|-|–)\s+((?:19|20)\d\d)\b",
                      s.text, re.I)
        if m and int(m.group(1)) < int(m.group(2)):
            return int(m.group(1)), int(m.group(2))
        for d in _DECADE_RE.finditer(s.text):
            if at is not None and not (at <= d.start() <= at + 40 or (d.end() <= at and not re.search(
                    r"\b(?:19|20)\d\d\b(?!s)", s.text[d.end():at]) and not _CLAUSE_RE.search(s.text[d.end():at]))):
                continue  # a decade right after the figure, or before it in its clause with no year between
            y = int(d.group(2))
            part = (d.group(1) or "").lower()
            return {"early": (y, y + 2), "mid": (y + 4, y + 6), "late": (y + 7, y + 9)}.get(part, (y, y + 9))
        return None

    def states_for(self, s: _Sentence, states: list[Mention], at: int, need: int) -> tuple[list[Mention], str]:
        if len({m.iso3 for m in states}) >= need:
            return states, "the sentence"
        pool = list(states)
        for extra, how in ((s.prev_states, "the previous sentence"), (s.para_states, "the paragraph")):
            for m in extra:
                if m.iso3 not in [p.iso3 for p in pool]:
                    pool.append(m)
            if len({p.iso3 for p in pool}) >= need:
                return pool, how if not states else f"the sentence and {how}"
        for iso in self.main_states:
            if iso not in [p.iso3 for p in pool]:
                pool.append(Mention(iso, -1, -1, False, iso))
        return pool, "the text's main states"

    @staticmethod
    def distinct(states: list[Mention]) -> list[Mention]:
        out: list[Mention] = []
        for m in states:
            if m.iso3 not in [o.iso3 for o in out]:
                out.append(m)
        return out

    def order_pair(self, s: _Sentence, states: list[Mention], hit: Hit | None) -> tuple[str, str]:
        """(A, B) for a dyadic flow or a comparison: owner or exporter first."""
        st = self.distinct(states)
        a, b = st[0], st[1]
        for m in st[:2]:
            if m.start < 0 or m.possessive:
                continue  # an adjective owns its noun ("Russian exports"): no preposition applies
            before = s.text[max(0, m.start - 12):m.start].lower()
            prep = re.search(r"\b(to|into|in|with|from)\s+(?:the\s+)?$", before)
            if prep:
                other = b if m is a else a
                if prep.group(1) == "from":
                    a, b = m, other
                else:
                    a, b = other, m
                break
        return a.iso3, b.iso3

    # -------------------------------------------------------------- one figure
    def draft_quantity(self, s: _Sentence, q: Quantity, hit: Hit | None, states: list[Mention],
                       years: list[YearRef]) -> None:
        op, hedge = self.hedge(s.text, q.start)
        year, year_how, _ = self.year_for(s, years, q.start)
        rests = [q.words] + ([hedge] if hedge else []) + ([hit.words] if hit else [])
        low = s.text.lower()
        if year is None:
            return self.placeholder(s, q, hit, states, "no year in the text", rests, op, hedge, None, "")
        c = hit.concept if hit else None
        if c is None:
            return self.placeholder(s, q, None, states, "no concept of the lexicon names this figure", rests, op,
                                    hedge, year, year_how)
        growth = self.growth_dir(s.text, q)
        after = low[q.end:q.end + 25]
        conf = 0.55 + (0.15 if hit and abs(hit.start - q.start) < 60 else 0) + (0.1 if year_how == "the sentence" else 0)
        value, target, reading = None, None, ""
        st1, how1 = self.states_for(s, states, q.start, 1)
        st1 = self.distinct(st1)
        states_how = how1
        a = self.owner(s, st1, hit, q.start) if st1 else None
        if a is None:
            return None  # no state named anywhere in the text: nothing to attach a claim to
        yr = self.year_range(s, years, q.start)
        if yr and not [y for y in years if not y.decade and abs(y.start - q.start) < 60]:
            year, year_how = yr[1], f"the sentence (the period {yr[0]}-{yr[1]})"
        product = _PRODUCT_RE.match(s.text[hit.end:hit.end + 50]) if c.series in _FLOW_SERIES else None
        if c.dyadic and _REGION_RE.match(low[hit.end:hit.end + 40]):
            return self.placeholder(s, q, hit, states, f"{c.label} with a region, not a state", rests, op, hedge,
                                    year, year_how)
        if product:  # "exports of refined copper": one product's flow, which no series holds
            return self.placeholder(s, q, hit, states, f"{hit.words} {product.group(0).strip()}", rests, op, hedge,
                                    year, year_how)
        if c.wanted:
            # A wanted series: the value names it so the claim says what is missing.
            if c.dyadic:
                st2, states_how = self.states_for(s, states, q.start, 2)
                st2 = self.distinct(st2)
                if len(st2) < 2:
                    return self.placeholder(s, q, hit, states, "two states needed", rests, op, hedge, year, year_how)
                A, B = self.order_pair(s, st2, hit)
                value = f"{c.series}({A}, {B}, {year})"
            else:
                value = f"{c.series}({a.iso3}, {year})"
            target, reading = self.target_for_unit(q, c)
            if target is None:
                return self.placeholder(s, q, hit, states, reading, rests, op, hedge, year, year_how)
            conf = min(conf, 0.5)
        elif growth is not None and q.kind in ("percent", "multiple", "fraction"):
            series = c.growth or (c.single if c.dyadic and c.single else c.series)
            y0, y1 = (yr if yr else (year - 1, year))
            sign = -1 if growth < 0 else 1
            if q.kind == "multiple":
                target = q.value - 1 if q.growth or q.value > 1 else q.value
                reading = f"'{q.words}' read as growth of {target:g} (x{q.value:g})"
            else:
                target = sign * q.value
                reading = f"'{q.words}' read as growth of {target:+.4g} from {y0} to {y1}"
            if c.dyadic and c.function is None and len(self.distinct(self.states_for(s, states, q.start, 2)[0])) >= 2 \
                    and not c.growth:
                A, B = self.order_pair(s, self.states_for(s, states, q.start, 2)[0], hit)
                value = f"growth({c.series}, {A}, {B}, {y0}, {y1})"
            else:
                value = f"growth({series}, {a.iso3}, {y0}, {y1})"
            return self.emit(s, q, hit, value, target, op, hedge, reading, year_how, states_how, rests, conf,
                             growth=True)
        elif q.kind == "percent" and re.match(r"\s+(more|higher|larger|greater|bigger|richer|less|lower|smaller|poorer)\s+than\b", after) \
                and (c.single if c.dyadic else c.series) \
                and len(self.distinct(self.states_for(s, states, q.start, 2)[0])) >= 2:
            series = c.single if c.dyadic else c.series
            st2, states_how = self.states_for(s, states, q.start, 2)
            A, B = self.compare_pair(s, self.distinct(st2), q.start)
            word = re.match(r"\s+(\w+)", after).group(1)
            if word in ("less", "lower", "smaller", "poorer"):
                value, target = f"1 - ratio({series}, {A}, {B}, {year})", q.value
            else:
                value, target = f"ratio({series}, {A}, {B}, {year}) - 1", q.value
            reading = f"'{q.words} {word} than' read as the ratio of {A} to {B} minus one"
        elif q.kind in ("percent", "fraction", "points"):
            value, target, reading, states_how = self.share_value(s, q, c, states, a, year, yr, low, after)
            if value is None:
                return self.placeholder(s, q, hit, states, reading, rests, op, hedge, year, year_how)
        elif q.kind == "multiple":
            st2, states_how = self.states_for(s, states, q.start, 2)
            st2 = self.distinct(st2)
            series = c.single if c.dyadic else c.series
            if len(st2) < 2 or not series:
                return self.placeholder(s, q, hit, states, "a multiple needs two states and a state-level series",
                                        rests, op, hedge, year, year_how)
            A, B = self.compare_pair(s, st2, q.start)
            value = f"ratio({series}, {A}, {B}, {year})"
            target = q.value
            reading = f"'{q.words}' read as the ratio of {A} to {B}"
            if re.match(r"\s+(more|larger|bigger|higher|greater)\b", low[q.end:q.end + 10]):
                reading += " ('N times more' read as N times as much)"
        else:  # money or a number
            target, reading = self.target_for_unit(q, c)
            if target is None:
                return self.placeholder(s, q, hit, states, reading, rests, op, hedge, year, year_how)
            by_before = re.search(r"\bby\s+(?:\w+\s+){0,2}$", low[max(0, q.start - 25):q.start]) is not None
            st2, how2 = self.states_for(s, states, q.start, 2)
            st2 = self.distinct(st2)
            series = c.single if c.dyadic else c.series
            if by_before and growth is not None:
                if c.dyadic and len(st2) >= 2:
                    A, B = self.order_pair(s, st2, hit)
                    value = f"change({c.series}, {A}, {B}, {year - 1}, {year})"
                else:
                    value = f"change({series}, {a.iso3}, {year - 1}, {year})"
                target = target * (-1 if growth < 0 else 1)
                reading = f"'{q.words}' read as the change from {year - 1} to {year}"
            elif by_before and len(st2) >= 2 and series and _MORE_RE.search(low[:q.start]):
                A, B = self.compare_pair(s, st2, q.start)
                value = f"{series}({A}, {year}) - {series}({B}, {year})"
                reading = f"'{q.words}' read as the gap between {A} and {B}"
                states_how = how2
            elif c.dyadic and len(st2) >= 2 and (self.pair_in_sentence(states) or not c.single) \
                    and how2 == "the sentence":
                A, B = self.order_pair(s, st2, hit)
                if c.reverse:
                    A, B = B, A
                value = f"{c.series}({A}, {B}, {year})"
                states_how = how2
                if c.function:
                    value = f"{c.function}({A}, {B}, {year})"
            elif series and re.search(r"\b(?:global|world|worldwide|world's|world’s)\s+$", low[max(0, hit.start - 12):hit.start]):
                value = f"world({series}, {year})"
                reading += " (the world total)"
            elif series:
                value = f"{series}({a.iso3}, {year})"
            else:
                return self.placeholder(s, q, hit, states, "a dyadic series needs two states", rests, op, hedge,
                                        year, year_how)
        self.emit(s, q, hit, value, target, op, hedge, reading, year_how, states_how, rests, conf)

    def pair_in_sentence(self, states: list[Mention]) -> bool:
        return len({m.iso3 for m in states}) >= 2

    def owner(self, s: _Sentence, st: list[Mention], hit: Hit | None, at: int | None = None) -> Mention:
        """The state a figure belongs to.

        The possessive or adjective just before the concept ("Russia's trade", "Chinese
        investment") where the concept is in the figure's clause; else the state named last
        before the figure in its clause; else the first state.
        """
        mentions = [m for m in self.mentions if m.start >= 0] or st
        same_clause = hit is not None and (at is None or not _CLAUSE_RE.search(
            s.text[min(hit.end, at):max(hit.start, at)]))
        if hit and same_clause:
            owners = [m for m in mentions if m.possessive and 0 <= hit.start - m.end <= 30]
            if owners:
                return owners[-1]
        if at is not None:
            before = [m for m in mentions if m.end <= at]
            if before and not _CLAUSE_RE.search(s.text[before[-1].end:at]):
                return before[-1]
        if hit:
            owners = [m for m in mentions if m.possessive and 0 <= hit.start - m.end <= 30]
            if owners:
                return owners[-1]
            before = [m for m in mentions if 0 <= m.end <= hit.start]
            if before:
                return before[-1]
        return st[0]

    def compare_pair(self, s: _Sentence, st: list[Mention], at: int) -> tuple[str, str]:
        """(larger, other) for "A ... N times B": the subject first; "that is N times" refers back."""
        st = self.distinct(st)
        inside = [m for m in st if m.start >= 0]
        if re.match(r"\s*(that|this|it)\b", s.text[:at].lower()) and len([m for m in inside if m.start < at]) < 1:
            # "That's eight times the size": the thing named last before is the larger
            return st[-1].iso3 if st[-1].start < 0 else st[1].iso3, st[0].iso3
        return st[0].iso3, st[1].iso3

    def share_value(self, s, q, c: Concept, states, a: Mention | None, year, yr, low, after):
        """Value for a percentage or fraction: a share of world, of a partner's trade, of GDP."""
        frac = q.value
        if re.match(r"\s*of\s+(?:its\s+|the\s+country's\s+|\w+['’]s\s+)?gdp\b", after):
            if c.of_gdp:
                return f"{c.of_gdp}({a.iso3}, {year})", frac * 100, f"'{q.words}' of GDP read as {c.of_gdp}", "the sentence"
            if c.unit == "usd":
                if c.dyadic:
                    st2, how = self.states_for(s, states, q.start, 2)
                    st2 = self.distinct(st2)
                    if len(st2) >= 2:
                        A, B = self.order_pair(s, st2, None)
                        hosts = [m for m in self.mentions if not m.possessive and 0 <= q.start - m.end <= 60
                                 and re.search(r"\bin\s+(?:the\s+)?$", s.text[max(0, m.start - 8):m.start])]
                        if hosts:  # "in Kazakhstan, Chinese investment equals 4% of GDP; in Mongolia, 50%"
                            B = hosts[-1].iso3
                            owners = [m for m in self.mentions if m.possessive and m.iso3 != B]
                            A = owners[0].iso3 if owners else next(m.iso3 for m in st2 if m.iso3 != B)
                        return (f"{c.series}({A}, {B}, {year}) / gdp_usd({B}, {year})", frac,
                                f"'{q.words}' read as a share of {B}'s GDP", how)
                return (f"{c.single or c.series}({a.iso3}, {year}) / gdp_usd({a.iso3}, {year})", frac,
                        f"'{q.words}' read as a share of GDP", "the sentence")
        if c.unit == "pct":
            return f"{c.series}({a.iso3}, {year})", frac * 100, f"'{q.words}' read in percent (0-100)", "the sentence"
        if c.unit == "share" and not c.dyadic:
            return f"{c.series}({a.iso3}, {year})", frac, f"'{q.words}' read as a share (0-1)", "the sentence"
        world = re.search(r"\b(global|world|worldwide|international)\b", low)
        st2, how = self.states_for(s, states, q.start, 2)
        st2 = self.distinct(st2)
        two = len(st2) >= 2 and self.pair_in_sentence(states)
        if c.function == "product_share" and len(st2) >= 2:
            A, B = self.order_pair(s, st2, None)
            return (f"product_share({c.group}, {A}, {B}, {year})", frac,
                    f"'{q.words}' read as the share of {c.label}", how)
        if c.function == "agreement" and len(st2) >= 2:
            A, B = st2[0].iso3, st2[1].iso3
            return f"{c.function}({A}, {B}, {year})", frac, f"'{q.words}' read as the share of votes alike", how
        if world and c.share == "world" and (c.single or not c.dyadic):
            series = c.single or c.series
            if yr:
                return (f"sum({series}, {a.iso3}, {yr[0]}, {yr[1]}) / ("
                        + " + ".join(f"world({series}, {y})" for y in range(yr[0], yr[1] + 1)) + ")",
                        frac, f"'{q.words}' read as a share of the world total over {yr[0]}-{yr[1]}", "the sentence")
            return f"share({series}, {a.iso3}, {year})", frac, f"'{q.words}' read as a share of the world total", "the sentence"
        if c.share == "dependence" and len(st2) >= 2:
            whose = self.owner(s, st2, self.nearest_after(q, s))
            A = whose.iso3
            B = next(m.iso3 for m in st2 if m.iso3 != A)
            return f"dependence({A}, {B}, {year})", frac, f"'{q.words}' read as {B}'s share of {A}'s trade", how
        if c.share == "partner" and c.single and len(st2) >= 2 and two:
            whose = self.owner(s, st2, self.nearest_after(q, s))
            A = whose.iso3
            B = next(m.iso3 for m in st2 if m.iso3 != A)
            if c.reverse:  # B's share of A's imports: B's flow to A over A's total
                num, den = f"{c.series}", c.single
                if yr:
                    return (f"sum({num}, {B}, {A}, {yr[0]}, {yr[1]}) / sum({den}, {A}, {yr[0]}, {yr[1]})", frac,
                            f"'{q.words}' read as {B}'s share of {A}'s {c.label} over {yr[0]}-{yr[1]}", how)
                return (f"{num}({B}, {A}, {year}) / {den}({A}, {year})", frac,
                        f"'{q.words}' read as {B}'s share of {A}'s {c.label}", how)
            return (f"{c.series}({A}, {B}, {year}) / {c.single}({A}, {year})", frac,
                    f"'{q.words}' read as the share of {A}'s {c.label} going to {B}", how)
        return None, None, f"a share of what? ({c.label}: no share reading for this wording)", how

    def nearest_after(self, q: Quantity, s: _Sentence) -> Hit | None:
        hits = [h for h in find_concepts(s.text, self.concepts) if h.start >= q.end]
        return hits[0] if hits else None

    @staticmethod
    def target_for_unit(q: Quantity, c: Concept) -> tuple[float | None, str]:
        if q.kind == "money":
            if q.currency != "usd" and c.unit == "index":
                return q.value, f"'{q.words}' read as {q.value:g} (an index or rate)"
            if q.currency != "usd":
                return None, f"an amount in {q.currency or 'an unknown currency'}: the series are in US$"
            if c.unit != "usd":
                return None, f"an amount of money, but {c.label} is not in US$"
            return q.value, f"'{q.words}' read as US$ {q.value:,.0f}"
        if q.kind in ("percent", "fraction", "points"):
            if c.unit == "pct":
                return q.value * 100, f"'{q.words}' read in percent (0-100)"
            return q.value, f"'{q.words}' read as a share (0-1)"
        if q.kind == "multiple":
            return q.value, f"'{q.words}' read as x{q.value:g}"
        if c.unit in ("count", "persons", "index"):
            return q.value, f"'{q.words}' read as {q.value:,.6g}"
        return None, f"a bare number for {c.label} ({c.unit}): no unit stated"

    @staticmethod
    def growth_dir(sentence: str, q: Quantity) -> int | None:
        if q.growth and q.value != 0.5:
            return 1
        if q.kind == "multiple" and q.value == 0.5 and "halved" in q.words.lower():
            return -1
        window = sentence[max(0, q.start - 30):q.start]
        m = None
        for m in _GROWTH_RE.finditer(window):
            pass
        if m is None:
            return None
        between = window[m.end():].lower()
        if re.search(r"\bto\b|\bat\b|\bfrom\b", between):
            return None  # "dropped to 4%": a level
        if len(between.split()) > 3:
            return None
        return 1 if m.group("dir_up") else -1

    @staticmethod
    def hedge(sentence: str, at: int) -> tuple[str, str]:
        window = sentence[max(0, at - 40):at].lower()
        window = re.sub(r"\b(just|only|a mere|mere|a|the|well|by|some\s+of)\s*$", "", window.rstrip()).rstrip() + " "
        for phrase, op in sorted(HEDGES, key=lambda h: -len(h[0])):
            if re.search(r"(?:^|[\s(])" + re.escape(phrase) + r"\s*$", window):
                return op, phrase
        return "approx", ""

    # -------------------------------------------------------------- outputs
    def emit(self, s, q, hit, value, target, op, hedge, reading, year_how, states_how, rests, conf,
             growth: bool = False, mapped: bool = True):
        expect, how = self.expect(q, target, op, hedge, growth)
        concept = hit.concept if hit and mapped else None
        note = (f"confidence {conf:.2f}; rests on {_quote_list(rests)}. {reading}; {how}. "
                f"Year from {year_how}")
        if states_how and states_how != "the sentence":
            note += f"; states from {states_how}"
        if concept:
            note += f". Concept: {concept.label} ({concept.series})"
        if concept and concept.wanted:
            note += " - no source provides it yet"
        note += "."
        self.add(s, q.start, q.end, value, expect, note, conf, concept, rests, mapped, year_how=year_how)

    def expect(self, q: Quantity | None, target: float, op: str, hedge: str, growth: bool) -> tuple[dict, str]:
        if op in (">", "<", ">=", "<="):
            return {"op": op, "target": _clean(target)}, f"'{hedge}' read as {op}"
        rounding = 0.0
        if q is not None and q.kind in ("money", "number", "percent", "points") and target:
            rounding = (q.decimals_unit / 2) / abs(q.value) if q.value else 0.0
        if q is not None and q.range_half and q.value:
            rounding = max(rounding, q.range_half / abs(q.value) + EXACT_TOLERANCE)
        if growth:
            tol = max(GROWTH_TOLERANCE, rounding)
            how = f"approx ± {tol:.0%} of the rate"
        elif op == "almost":
            tol = max(ALMOST_TOLERANCE, rounding)
            target = target * ALMOST_FACTOR
            how = f"'{hedge}' read as a little below: approx {ALMOST_FACTOR:g}x ± {tol:.0%}"
        elif q is not None and q.kind in ("multiple", "fraction"):
            tol = WORD_TOLERANCE + (0.05 if hedge else 0)
            how = f"approx ± {tol:.0%}" + (f" ('{hedge}')" if hedge else "")
        elif q is not None and q.kind == "number" and q.value < 100 and not hedge and q.decimals_unit >= 1:
            tol = 0.0
            how = "a small count: exact"
        elif hedge:
            tol = max(HEDGED_TOLERANCE, rounding)
            how = f"'{hedge}' read as approx ± {tol:.0%}"
        else:
            tol = max(EXACT_TOLERANCE, rounding)
            how = f"approx ± {tol:.0%}"
        return {"op": "approx", "target": _clean(target), "tolerance": round(min(tol, 0.5), 4)}, how

    def placeholder(self, s, q, hit, states, why, rests, op, hedge, year, year_how):
        st, how = self.states_for(s, states, q.start, 1)
        if not st or year is None:
            return  # nothing to attach a claim to: no state or no year anywhere in the text
        target = q.value if q.kind != "percent" else q.value
        wanted = _wanted_words(s.text, q)
        value = f"{PLACEHOLDER}({self.owner(s, self.distinct(st), hit, q.start).iso3}, {year})"
        reading = f"wanted: {wanted}" + (f" ({why})" if why else "")
        self.emit(s, q, hit, value, target, op, hedge, reading, year_how, how, rests, 0.2, mapped=False)

    def draft_record(self, s, q, hit, states, years):
        c = hit.concept
        year, year_how, _ = self.year_for(s, years, q.start)
        if year is None:
            return
        st2, how = self.states_for(s, states, q.start, 2)
        st2 = self.distinct(st2)
        y0, y1 = year - RECORD_YEARS, year - 1
        if c.dyadic and len(st2) >= 2:
            A, B = self.order_pair(s, st2, hit)
            value = f"{c.series}({A}, {B}, {year}) / max({c.series}, {A}, {B}, {y0}, {y1})"
        elif (c.single or not c.dyadic) and st2:
            series = c.single if c.dyadic else c.series
            value = f"{series}({st2[0].iso3}, {year}) / max({series}, {st2[0].iso3}, {y0}, {y1})"
        else:
            return
        note = (f"confidence 0.50; rests on 'record' + {_quote_list([q.words, hit.words])}. 'record' read as higher "
                f"than each of the {RECORD_YEARS} years before ({y0}-{y1}). Year from {year_how}. "
                f"Concept: {c.label} ({c.series}).")
        m = _RECORD_RE.search(s.text[max(0, q.start - 25):q.start])
        a = max(0, q.start - 25) + m.start()
        self.add(s, a, a + 6, value, {"op": ">", "target": 1}, note, 0.5, c, ["record", q.words], True, suffix="record",
                 year_how=year_how)

    def draft_comparison(self, s: _Sentence, hits: list[Hit], states: list[Mention], years: list[YearRef],
                         lo: int = 0, hi: int | None = None) -> bool:
        """A clause without a figure: a comparison, a superlative, a gap or a trend.

        With a concept of the lexicon: ``ratio(SERIES, A, B, YEAR) > 1`` ("more ... than",
        "surpassed"; ``< 1`` for "less", "behind"), ``rank(SERIES, A, YEAR) <= 1`` ("largest"),
        ``rank_increase``/``rank_decrease`` ("the largest increase"), ``partner_rank`` ("main
        partner"), ``SERIES(A, B, YEAR) == 1`` for a wanted order series ("first foreign trip"),
        ``change(SERIES, A, YEAR-10, YEAR)`` for a trend without a period ("has slipped").
        Without a concept, the comparison on the placeholder series, naming the words compared;
        a gap without a direction ("a growing gap between A and B") is drafted on the placeholder.
        """
        hi = len(s.text) if hi is None else hi
        clause = s.text[lo:hi]
        low = s.text.lower()
        more, less, sup = _MORE_RE.search(clause), _LESS_RE.search(clause), _SUPER_RE.search(clause)
        first, gap, trend = _FIRST_RE.search(clause), _GAP_RE.search(clause), _TREND_RE.search(clause)
        if less and not re.search(r"\bthan\b|\bto\b", low[lo + less.end():hi]) \
                and not re.match(r"behind|lags?|lagging|trails?", less.group(0).lower()):
            less = None  # "less" without "than": not a comparison ("the weaker state")
        if sup and not re.search(r"(?:\bthe|world['’]s|['’]s|\bits|\btheir)\s+(?:\w+\s+)?$", clause[:sup.start()].lower()):
            sup = None  # "leading to": a verb, not a superlative
        if sup and re.search(r"\bone\s+of\s+the\s+(?:\w+\s+)?$", clause[:sup.start()].lower()):
            sup = None  # "one of the main constraints": not rank 1
        if more and more.group(0).lower() in ("more", "higher", "greater", "larger", "bigger", "stronger", "richer") \
                and not re.search(r"\bthan\b", low[lo + more.end():hi]):
            more = None  # "more" without "than": "more and more", "more aligned"
        cue = first or more or less or sup or gap or trend
        if cue is None:
            return False
        ca, cb = lo + cue.start(), lo + cue.end()
        if cue is gap and not _GAP_PAIR_RE.search(clause):
            return False  # "the asymmetry debate": a gap is drafted only between two named states
        year, year_how, _ = self.year_for(s, years, ca)
        if year is None:
            return False
        words = cue.group(0)
        if cue is first:
            hit = self.nearest([h for h in hits if h.concept.wanted and h.concept.dyadic and h.concept.unit == "rank"],
                               ca, cb, s.text, limit=200)
        else:
            hit = self.nearest([h for h in hits if not h.concept.wanted], ca, cb, s.text, limit=200)
        c = hit.concept if hit else None
        if c is None and cue is not gap and cue is not first:
            # Without a concept, only an explicit comparison of two named states: "A ... more ... than B".
            if cue is sup or cue is trend:
                return False
            if re.fullmatch(r"dominance|advantage|supremacy|superiority|lead over|clear lead", words.lower()) \
                    and not re.match(r"\s+(?:\w+\s+){0,3}?over\b", s.text[cb:cb + 40]):
                return False  # "American dominance": over whom is not said
            than = re.search(r"\bthan\b|\bover\b", s.text[cb:])
            after_at = cb + than.end() if than else cb
            if not ([m for m in states if m.end <= after_at - (than.end() - than.start() if than else 0)]
                    and [m for m in states if m.start >= after_at]):
                return False
        rests = [words] + ([hit.words] if hit else [])
        series = (c.single if c.dyadic else c.series) if c else PLACEHOLDER
        if c is not None and c.function:
            series = None
        expect: dict = {"op": ">", "target": 1}
        if cue is first:
            if c is None:
                return False
            leaders = [m for m in states if m.words.lower().rstrip("'s’") in LEADERS]
            places = [m for m in states if m not in leaders]
            if not leaders:
                st1, _ = self.states_for(s, states, ca, 1)
                leaders = [m for m in st1 if m not in places][:1]
            if not leaders or not places:
                return False
            A = leaders[0].iso3
            B = min(places, key=lambda m: abs(m.start - ca)).iso3
            if A == B:
                return False
            value = f"{c.series}({A}, {B}, {year})"
            expect = {"op": "approx", "target": 1, "tolerance": 0}
            reading = f"'{words}' read as {B} first among {A}'s destinations"
        elif cue is gap:
            st2, how = self.states_for(s, states, ca, 2)
            st2 = self.distinct(st2)
            if len(st2) < 2:
                return False
            value = f"ratio({PLACEHOLDER}, {st2[0].iso3}, {st2[1].iso3}, {year})"
            c, series = None, PLACEHOLDER
            reading = "a gap whose direction and measure the wording does not give"
        elif cue is trend:
            if c is None or not series:
                return False
            st1, how = self.states_for(s, states, ca, 1)
            a_ = self.owner(s, self.distinct(st1), hit, ca).iso3
            value = f"change({series}, {a_}, {year - TREND_YEARS}, {year})"
            up = cue.group("up") is not None
            expect = {"op": ">" if up else "<", "target": 0}
            reading = (f"'{words}' read as a {'rise' if up else 'fall'} over the {TREND_YEARS} years to {year} "
                       f"(no period stated)")
        elif cue is sup and not more and not less:
            if c is not None and hit is not None and min(abs(hit.start - cb), abs(ca - hit.end)) > 40 \
                    and not re.match(r"\s+(?:absolute\s+)?(?:increase|decrease)\b", low[cb:cb + 25]):
                return False  # "the greatest threat": the superlative is not about the concept
            local = [m for m in states if lo <= m.start < hi]
            st, how = (local, "the sentence") if local else self.states_for(s, states, ca, 1)
            st = self.distinct(st)
            if not st:
                return False
            after = low[cb:cb + 40]
            if c is not None and re.search(r"\b(partner|destination|supplier|market)\b", after) and \
                    len(self.distinct(states)) >= 2 and c.dyadic and \
                    c.series in ("trade_exports_usd", "trade_total_usd", "arms_transfers_tiv"):
                dist = self.distinct(states)
                whose = self.owner(s, dist, hit)
                other = next(m.iso3 for m in dist if m.iso3 != whose.iso3)
                sid = "trade_exports_usd" if c.series == "trade_total_usd" else c.series
                value = f"partner_rank({sid}, {whose.iso3}, {other}, {year})"
                expect = {"op": "approx", "target": 1, "tolerance": 0}
                reading = f"'{words}' read as {other} first among {whose.iso3}'s partners"
            elif series:
                inc = re.search(r"\b(increase|decrease)\b", after)
                a_ = st[0].iso3 if len(st) == 1 else self.owner(s, st, hit, ca).iso3
                if inc:
                    fn = "rank_increase" if inc.group(1) == "increase" else "rank_decrease"
                    sid = c.growth if c is not None and c.growth else series
                    value = f"{fn}({sid}, {a_}, {year - 1}, {year})"
                else:
                    value = f"rank({series}, {a_}, {year})"
                expect = {"op": "<=", "target": 1}
                reading = f"'{words}' read as rank 1 among states"
            else:
                return False
        else:
            st2, how = self.states_for(s, states, ca, 2)
            st2 = self.distinct(st2)
            if len(st2) < 2 or not series:
                return False
            than = re.search(r"\bthan\b|\bover\b", s.text[cb:])
            split = cb + than.start() if than else cb
            before = [m for m in states if m.end <= split]
            after_ = [m for m in states if m.start >= split]
            A = before[-1].iso3 if before else st2[0].iso3
            B = next((m.iso3 for m in after_ if m.iso3 != A), None) or next(m.iso3 for m in st2 if m.iso3 != A)
            value = f"ratio({series}, {A}, {B}, {year})"
            op = "<" if cue is less else ">"
            expect = {"op": op, "target": 1}
            reading = f"'{words}' read as {A} {'above' if op == '>' else 'below'} {B}"
        if c is None:
            wanted = re.sub(r"\s+", " ", s.text[cb:cb + 50]).strip() or words
            note = (f"confidence 0.15; rests on {_quote_list(rests)}; no figure and no concept of the lexicon: "
                    f"wanted: '{wanted}'. {reading}. Year from {year_how}.")
            self.add(s, ca, cb, value, expect, note, 0.15, None, rests, False, suffix="compare")
            return True
        conf = 0.35 if not c.wanted else 0.3
        note = (f"confidence {conf:.2f}; rests on {_quote_list(rests)}; no figure: drafted from the "
                f"wording. {reading}. Year from {year_how}. Concept: {c.label} ({c.series})"
                + (" - no source provides it yet." if c.wanted else "."))
        self.add(s, ca, cb, value, expect, note, conf, c, rests, True, suffix="compare", year_how=year_how)
        return True

    def fit_year(self, value: str, note: str, concept: Concept | None, shift: bool) -> tuple[str, str]:
        """A year taken from the text's date, past the end of the data, moves back to the
        latest year the series cover (at most ``PRESENT_LAG`` years: present tense in a
        2025 essay is read on 2024 data); further back, a curated series of the concept is
        used where the lexicon names one. Coverage comes from the catalog (the product tables'
        last year for ``product_share``), never from the values a claim is checked on.
        """
        from .parse import parse

        try:
            tree = parse(value)
        except InputError:
            return value, note
        years = [int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", value)]
        if not years:
            return value, note
        year = max(years)
        lasts = [self.binder.series_info(sid).last_year for sid in _series_of(tree, self.binder)]
        if "product_share(" in value:
            lasts.append(self.product_last_year())
        lasts = [x for x in lasts if x is not None]
        if not lasts:
            return value, note
        last = min(lasts)
        if last >= year:
            return value, note
        if shift and year - last <= PRESENT_LAG:
            shift = year - last
            value = re.sub(r"\b((?:19|20)\d\d)\b", lambda m: str(int(m.group(1)) - shift), value)
            return value, note + f" The data end in {last}: read on {last} (the text's year is {year})."
        if concept is not None and concept.curated and concept.dyadic:
            S, cur = re.escape(concept.series), concept.curated
            fact_years = _curated_years(cur)
            if shift and year not in fact_years:
                back = [y for y in fact_years if year - PRESENT_LAG <= y < year]
                if back:  # the text's year has no curated figure yet: the latest one before it
                    value = re.sub(rf"\b{year}\b", str(max(back)), value)
                    note += f" No figure for {year} yet: read on {max(back)}."
                    year = max(back)
            pair = r"([A-Z]{3}), ([A-Z]{3})"
            marked = " The data end in %d: read on curated official figures (marked '(curated)')." % last
            m = re.fullmatch(rf"{S}\({pair}, (\d{{4}})\)", value)
            if m:
                return f"curated({cur}, {m.group(1)}, {m.group(2)}, {m.group(3)})", note + marked
            m = re.fullmatch(rf"{S}\({pair}, (\d{{4}})\) / max\({S}, {pair}, \d{{4}}, \d{{4}}\)", value)
            if m:
                a, b, y = m.group(1), m.group(2), int(m.group(3))
                return (f"curated({cur}, {a}, {b}, {y}) / curated({cur}, {a}, {b}, {y - 1})",
                        note + marked + " 'Record' then compared with the year before only.")
            m = re.fullmatch(rf"growth\({S}, {pair}, (\d{{4}}), (\d{{4}})\)", value)
            if m:
                a, b = m.group(1), m.group(2)
                return (f"curated({cur}, {a}, {b}, {m.group(4)}) / curated({cur}, {a}, {b}, {m.group(3)}) - 1",
                        note + marked)
        return value, note

    def product_last_year(self) -> int | None:
        """The last year of the product-level trade tables (what ``product_share`` reads)."""
        if not hasattr(self, "_product_last"):
            try:
                from ..sources.products import product_trade

                years = product_trade(self.binder.store)["year"]
                self._product_last = int(years.max()) if len(years) else None
            except Exception:  # no product tables in this snapshot: the year stays
                self._product_last = None
        return self._product_last

    def add(self, s: _Sentence, a: int, b: int, value: str, expect: dict, note: str, conf: float,
            concept: Concept | None, rests: list[str], mapped: bool, suffix: str = "", year_how: str = "") -> None:
        from .parse import parse

        if mapped:
            value, note = self.fit_year(value, note, concept,
                                        shift=bool(year_how) and not year_how.startswith(("the sentence", "the paragraph")))
        where = f"{self.name}: line {s.line}"
        try:
            tree = parse(value, where=where)
            self.binder.bind(tree, where)
        except InputError as e:
            if not mapped:
                return  # the placeholder itself does not bind: no state for it
            msg = str(e).split(": ")[-1]
            concept_label = concept.label if concept else "?"
            value2 = re.sub(r"^.*?\(([A-Z]{3}).*?(\d{4})\).*$", rf"{PLACEHOLDER}(\1, \2)", value)
            try:
                self.binder.bind(parse(value2, where=where), where)
            except InputError:
                return
            note = note.replace(f"Concept: {concept_label}", f"Wanted: {concept_label} (the drafted expression "
                                f"{value} did not bind: {msg[:80]})")
            value, mapped, conf = value2, False, 0.2
        if any(d.line == s.line and d.value == value and d.expect == expect for d in self.drafts):
            return  # the same claim drafted twice from one paragraph
        base = f"l{s.line}-{(concept.id if concept and mapped else 'unmapped')}" + (f"-{suffix}" if suffix else "")
        n = self.ids.get(base, 0) + 1
        self.ids[base] = n
        cid = base if n == 1 else f"{base}-{n}"
        quote = (s.quote or s.text).strip()
        source = f"{self.name}, line {s.line}, section '{s.section}'"
        self.drafts.append(Draft(cid, quote, source, value, expect, note, round(conf, 2),
                                 concept.id if concept else None, rests, s.line, s.text,
                                 (s.start + a, s.start + b), (s.start, s.start + len(s.text)), mapped))


@functools.lru_cache(maxsize=8)
def _curated_years(series: str) -> frozenset[int]:
    """Years for which powergap's curated facts hold a figure of this series."""
    try:
        from ..curated import load_facts
    except ImportError:
        return frozenset()
    return frozenset(int(f.year) for f in load_facts() if getattr(f, "series", None) == series
                     and getattr(f, "year", None) is not None)


def _series_of(tree, binder) -> list[str]:
    """Series ids an expression reads (call names, or first arguments of functions)."""
    from .parse import Name, iter_calls

    out = []
    for call in iter_calls(tree):
        if binder.series_info(call.name) is not None:
            out.append(call.name)
        elif call.args and isinstance(call.args[0], Name) and binder.series_info(call.args[0].text) is not None:
            out.append(call.args[0].text)
    return out


def _unit_fits(q: Quantity, c: Concept) -> bool:
    """A priority concept takes the figures of its own kind: shares for percentages, counts for numbers."""
    if q.kind in ("percent", "fraction"):
        return c.unit in ("share", "pct")
    if q.kind == "number":
        return c.unit in ("persons", "count")
    return False


_COUNTED = re.compile(r"\s+(?:[a-z][\w-]*\s+){0,2}?(?:[a-z]{3,}s|people|personnel|staff|police|military|chinese|"
                      r"russians?)\b", re.I)


def _counts_something(sentence: str, q: Quantity) -> bool:
    """A bare number followed by what it counts ("500 cases", "20,000 Chinese volunteers")."""
    return q.value >= 10 and _COUNTED.match(sentence[q.end:q.end + 40]) is not None \
        and not re.match(r"\s+(?:years?|months?|days?|weeks?|hours?|minutes?|kilomet\w+|km|miles?)\b", sentence[q.end:q.end + 12])


def _denominator(sentence: str, q: Quantity, h: Hit) -> bool:
    """GDP named right after a figure ("3% of GDP") is its denominator, not its concept."""
    return h.concept.series == "gdp_usd" and h.start >= q.end and \
        re.fullmatch(r"\s*(?:of|to)\s+(?:its\s+|the\s+|\w+['’]s\s+)?", sentence[q.end:h.start]) is not None


def _clean(x: float) -> float | int:
    if x is None:
        return x
    r = round(float(x), 6) if abs(x) < 1e6 else round(float(x))
    if float(r).is_integer() and abs(r) < 1e18:
        return int(r)
    return float(f"{r:.6g}")


def _quote_list(words: Iterable[str]) -> str:
    return " + ".join(f"'{w}'" for w in words if w)


def _wanted_words(sentence: str, q: Quantity) -> str:
    """The words after (or before) a figure that say what it counts: "of Russia's car market"."""
    after = sentence[q.end:q.end + 60]
    m = re.match(r"\s*((?:of\s+)?(?:[\w’'-]+\s*){1,6})", after)
    words = m.group(1).strip() if m else ""
    if len(words) < 3:
        words = sentence[max(0, q.start - 50):q.start].strip()
    return re.sub(r"\s+", " ", words)[:60] or "?"


# ----------------------------------------------------------------------------- YAML

def drafts_to_yaml(drafts: list[Draft], *, source: str = "") -> str:
    """The drafts as a claim file for ``powergap claims check`` (a confidence comment on each)."""
    lines = ["# Claims drafted by `powergap claims draft`" + (f" from {source}" if source else "") + ".",
             "# Review each draft: the note gives its confidence, the words it rests on and how they",
             "# were read. Claims on `drafted_concept` map to no series yet (unverifiable).", ""]
    if not drafts:
        lines.append("[]")
    for d in drafts:
        e = d.expect
        exp = f"{{op: {json.dumps(e['op'])}, target: {_num_text(e['target'])}"
        if "tolerance" in e:
            exp += f", tolerance: {_num_text(e['tolerance'])}"
        exp += "}"
        lines += [f"# confidence {d.confidence:.2f}",
                  f"- id: {json.dumps(d.id)}",
                  f"  text: {json.dumps(d.text, ensure_ascii=False)}",
                  f"  source: {json.dumps(d.source, ensure_ascii=False)}",
                  f"  value: {json.dumps(d.value)}",
                  f"  expect: {exp}",
                  f"  note: {json.dumps(d.note, ensure_ascii=False)}"]
    return "\n".join(lines) + "\n"


#: the formats a claim file of drafts can be written in, by file extension
DRAFT_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


def draft_format(path: str | os.PathLike) -> str:
    """The format of a drafts file from its extension: "yaml" (.yaml, .yml) or "json"; any
    other extension is refused (one line), so a file never holds another format than its
    name says."""
    from ..errors import InputError

    ext = Path(path).suffix.lower()
    if ext not in DRAFT_FORMATS:
        raise InputError(f"cannot tell the drafts' format from {str(path)!r}: name the file .yaml (a claim file "
                         f"with a confidence comment on each draft) or .json")
    return DRAFT_FORMATS[ext]


def drafts_to_json(drafts: list[Draft]) -> str:
    """The drafts as a JSON claim file (a list of claims, which ``powergap claims check``
    reads like the YAML one; each note gives the draft's confidence)."""
    return json.dumps([d.to_claim() for d in drafts], indent=1, ensure_ascii=False) + "\n"


def drafts_text(drafts: list[Draft], path: str | os.PathLike, *, source: str = "") -> str:
    """The drafts in the format ``path``'s extension names (:func:`draft_format`)."""
    return drafts_to_json(drafts) if draft_format(path) == "json" else drafts_to_yaml(drafts, source=source)


def _num_text(x) -> str:
    if isinstance(x, int):
        return str(x)
    return repr(float(x))


def load_drafts(path: str | os.PathLike, *, store=None) -> list:
    """Draft the claims of a text file and load them as checked claims (for the report's
    claims section, which takes a text file as well as a claim file)."""
    from . import _parse_claims, _store

    st = _store(store)
    drafts = draft_claims(path, store=st)
    if not drafts:
        return []
    return _parse_claims([d.to_claim() for d in drafts], str(path), st)


def is_text_file(path: str | os.PathLike) -> bool:
    """A file to draft claims from (by its suffix) rather than a claim file (.yaml/.yml)."""
    return Path(path).suffix.lower() in (".txt", ".text", ".md")
