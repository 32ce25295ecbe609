"""Amity and enmity between two states, year by year, read as the field reads it.

Dittmer's strategic triangle needs each tie signed + (amity) or - (enmity). UN General
Assembly agreement alone is a poor reading before the 1990s: in the Cold War decades it
measures how often a state voted with the Third-World majority, not whom it was friendly
with (the Soviet Union and China agreed on most roll calls through the Sino-Soviet split).
The default reading here combines the evidence the literature uses, in a fixed order:

1. **Strategic rivalry** (Thompson, Sakuwa and Suhas 2022, 1816-2020; else Thompson and
   Dreyer 2011, 1816-2010). Rivalry datasets code, from historians' accounts, pairs that
   regard each other as competitors and enemies; they already weigh disputes and crises.
   An active rivalry is enmity.
2. **War**: a militarised dispute at hostility level 5 (war) in the year is enmity even
   without a coded rivalry.
3. **Alliance** (ATOP, 1815-2018): a defence, offence, neutrality or consultation pact
   (not a bare non-aggression pledge, which multilateral accords such as the Helsinki Final
   Act create between adversaries) is amity.
4. Inside the rivalry data's coverage and with none of the above: no rivalry is amity in
   Dittmer's binary sense ("normal" relations, as after Sino-American rapprochement).
5. After the rivalry data end (2020): a rivalry active in the last coded year is carried
   forward, labelled "carried forward" (rivalries last decades; the dataset's end is not
   their end). So is an alliance active in the alliance data's last year (2018): pacts such
   as NATO's outlive the dataset too, and allies are not read as enemies from their UN
   votes (a carried rivalry still comes first, as inside the data). For other pairs the UN
   signal decides, labelled as such: ideal-point distance (Bailey, Strezhnev and Voeten;
   the all-votes estimate, else the estimate that reaches further) at or below that year's
   median over all pairs of states is amity, above it enmity.

Each tie keeps the evidence that decided it (``basis``) and the other signals beside it
(militarised disputes below war level, ideal-point distance), so a reader can audit it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from .evidence import coverage

if TYPE_CHECKING:  # pragma: no cover
    from ..snapshot.store import Snapshot

RIVALRY_SERIES = ("rivalry_tss", "rivalry_td")
ALLIANCE_SERIES = ("alliance_defense", "alliance_offense", "alliance_neutral", "alliance_consult")
ALLIANCE_LABEL = {"alliance_defense": "defence pact", "alliance_offense": "offence pact",
                  "alliance_neutral": "neutrality pact", "alliance_consult": "consultation pact"}
WAR_LEVEL = 5
IDEAL_POINT = "ideal_point"

TIE_COLUMNS = ["year", "tie", "basis", "rivalry", "rivalry_source", "alliance", "mid_hostility",
               "ideal_point_distance", "ideal_point_median"]


def _dyad_flags(store: "Snapshot", sid: str, a: int, b: int, years: np.ndarray) -> np.ndarray:
    """1.0/0.0 per year for a 0/1 dyadic indicator in either direction, NaN where the series
    cannot tell (the evidence layer's absent-means-zero rule: inside coverage, members only)."""
    from .evidence import dyad_values

    ca, cb = np.full(len(years), a), np.full(len(years), b)
    v = np.fmax(dyad_values(store, sid, ca, cb, years), dyad_values(store, sid, cb, ca, years))
    return np.where(np.isnan(v), np.nan, (v > 0).astype(float))


def _mid_hostility(store: "Snapshot", a: int, b: int, years: np.ndarray) -> np.ndarray:
    """Highest MID hostility level of the pair per year (0 = no dispute; NaN outside coverage)."""
    out = np.full(len(years), np.nan)
    if "mid_dyad_years" not in store.catalog.get("tables", {}):
        return out
    cov = coverage(store, "mid_dispute")
    t = store.table("mid_dyad_years")
    hit = t[((t["ccode1"] == a) & (t["ccode2"] == b)) | ((t["ccode1"] == b) & (t["ccode2"] == a))]
    level = hit.groupby("year")["hostlev"].max()
    last = cov[1] if cov else int(t["year"].max())
    first = cov[0] if cov else int(t["year"].min())
    for i, y in enumerate(years):
        if first <= y <= last:
            out[i] = float(level.get(int(y), 0))
    return out


def tie_evidence(a: int, b: int, years: Sequence[int], store: "Snapshot") -> pd.DataFrame:
    """The sign of the a-b tie per year with the evidence that decided it (see module doc).

    Columns :data:`TIE_COLUMNS`; ``tie`` is "+", "-" or None (no evidence reaches the year).
    """
    from .alignment import ideal_points_dyad

    yy = np.asarray(list(years), dtype="int64")
    tss = _dyad_flags(store, RIVALRY_SERIES[0], a, b, yy)
    td = _dyad_flags(store, RIVALRY_SERIES[1], a, b, yy)
    rivalry = np.where(np.isfinite(tss), tss, td)
    rsource = np.where(np.isfinite(tss), "rivalry_tss", np.where(np.isfinite(td), "rivalry_td", None))
    alliance, alliance_known = _alliances(store, a, b, yy)
    host = _mid_hostility(store, a, b, yy)
    dist = np.full(len(yy), np.nan)
    med = np.full(len(yy), np.nan)
    ip_variant: list[str | None] = [None] * len(yy)
    from .alignment import median_ideal_point_distance

    for variant in ("all", "fp"):
        open_ = np.flatnonzero(~np.isfinite(dist))  # the years no earlier estimate filled
        if not open_.size:
            break
        d = ideal_points_dyad(a, b, yy[open_], store, variant=variant)["ideal_point_distance"].to_numpy(dtype=float)
        m = median_ideal_point_distance(store, yy[open_], variant)
        fill = np.isfinite(d) & np.isfinite(m)
        dist[open_[fill]], med[open_[fill]] = d[fill], m[fill]
        for i in open_[fill]:
            ip_variant[i] = variant
    # the rivalry flag and the pact of each dataset's last year, carried forward after it
    cov = coverage(store, RIVALRY_SERIES[0])
    last_coded = None if cov is None else _last_year(
        yy, rivalry, cov[1], lambda y: _dyad_flags(store, RIVALRY_SERIES[0], a, b, y))
    ends = [c[1] for c in (coverage(store, sid) for sid in ALLIANCE_SERIES) if c is not None]
    last_alliance = None if not ends else _last_year(
        yy, alliance, max(ends), lambda y: _alliances(store, a, b, y)[0])

    tie: list[str | None] = []
    basis: list[str | None] = []
    for i, y in enumerate(yy):
        t, b = decide_tie(int(y), rivalry=rivalry[i], rivalry_source=rsource[i], mid_hostility=host[i],
                          alliance=alliance[i], distance=dist[i], median=med[i], ideal_point_variant=ip_variant[i],
                          last_coded=last_coded, last_alliance=last_alliance)
        tie.append(t)
        basis.append(b)
    return pd.DataFrame({
        "year": yy, "tie": tie, "basis": basis, "rivalry": rivalry, "rivalry_source": rsource,
        "alliance": [x if alliance_known[i] else None for i, x in enumerate(alliance)],
        "mid_hostility": host, "ideal_point_distance": dist, "ideal_point_median": med,
    })[TIE_COLUMNS]


def _last_year(yy: np.ndarray, values: Sequence, year: int, read) -> tuple[int, Any]:
    """(``year``, the value in it): from the window's ``values`` when it holds the year, else
    ``read`` for that year alone (a window that starts after the data end)."""
    at = np.flatnonzero(yy == year)
    return year, (values[at[0]] if at.size else read(np.array([year]))[0])


def _alliances(store: "Snapshot", a: int, b: int, yy: np.ndarray) -> tuple[list[str | None], np.ndarray]:
    """The pact of the pair in each year (the first kind of :data:`ALLIANCE_SERIES` in force,
    None for none) and whether the alliance data cover the year."""
    alliance: list[str | None] = [None] * len(yy)
    known = np.zeros(len(yy), dtype=bool)
    for sid in ALLIANCE_SERIES:
        f = _dyad_flags(store, sid, a, b, yy)
        known |= np.isfinite(f)
        for i in np.flatnonzero(f == 1.0):
            if alliance[i] is None:
                alliance[i] = ALLIANCE_LABEL[sid]
    return alliance, known


def sources_used(store: "Snapshot") -> dict[str, str]:
    """Series id -> source key for the evidence :func:`tie_evidence` reads."""
    out = {}
    for sid in (*RIVALRY_SERIES, *ALLIANCE_SERIES, "mid_dispute", IDEAL_POINT):
        if sid in store.series_index:
            out[sid] = store.series_index[sid]["source"]
    return out


def decide_tie(year: int, *, rivalry: float, rivalry_source: str | None, mid_hostility: float,
               alliance: str | None, distance: float, median: float, ideal_point_variant: str | None,
               last_coded: tuple[int, float] | None,
               last_alliance: tuple[int, str | None] | None = None) -> tuple[str | None, str | None]:
    """The sign of one tie in one year and the evidence that decided it (the order of the module doc).

    ``rivalry`` 1/0/NaN (NaN: outside the rivalry data); ``mid_hostility`` the year's highest MID
    hostility level (0 none, NaN outside the MID data); ``alliance`` the pact's kind or None;
    ``distance``/``median`` the pair's ideal-point distance and the year's median pair distance;
    ``last_coded`` (year, rivalry flag) of the rivalry data's last year; ``last_alliance``
    (year, pact or None) of the alliance data's last year.
    """
    src = "Thompson-Sakuwa-Suhas" if rivalry_source == "rivalry_tss" else "Thompson-Dreyer"
    if rivalry == 1.0:
        return "-", f"strategic rivalry ({src})"
    if mid_hostility >= WAR_LEVEL:
        return "-", "war (MID hostility level 5)"
    if alliance is not None:
        return "+", f"alliance (ATOP {alliance})"
    if rivalry == 0.0:
        return "+", f"no strategic rivalry ({src})"
    if last_coded is not None and year > last_coded[0] and last_coded[1] == 1.0:
        return "-", f"strategic rivalry (Thompson-Sakuwa-Suhas, last coded {last_coded[0]}, carried forward)"
    if last_alliance is not None and year > last_alliance[0] and last_alliance[1] is not None:
        return "+", f"alliance (ATOP {last_alliance[1]}, last coded {last_alliance[0]}, carried forward)"
    if np.isfinite(distance) and np.isfinite(median):
        closer = distance <= median
        est = "all votes" if ideal_point_variant == "all" else "foreign-policy votes"
        after = f" (no rivalry data after {last_coded[0]})" if last_coded is not None else ""
        return ("+" if closer else "-"), f"UN ideal points ({est}) {'closer' if closer else 'farther'} than the median pair{after}"
    return None, None
