"""``powergap data update trade``: bilateral goods exports from the IMF's IMTS through SDMX.

IMTS ("International Trade in Goods (by partner country)", dataflow ``IMF.STA:IMTS``) is
the successor of the Direction of Trade Statistics the shipped snapshot reads. One request
to the IMF's keyless SDMX 2.1 REST service::

    GET https://api.imf.org/external/sdmx/2.1/data/IMF.STA,IMTS/{reporters}.XG_FOB_USD..A
        ?startPeriod={start}
    Accept: application/vnd.sdmx.data+csv;version=1.0.0

The key follows the dataflow's dimension order ``COUNTRY.INDICATOR.COUNTERPART_COUNTRY.
FREQUENCY``: reporters are ISO3 codes joined by ``+`` (empty = every reporter), indicator
``XG_FOB_USD`` (goods exports, FOB, US dollars), every counterpart, annual. The answer is
SDMX-CSV 1.0: a ``DATAFLOW`` column (``IMF.STA:IMTS(1.0.0)``), one column per dimension,
``TIME_PERIOD``, ``OBS_VALUE`` (plain US dollars; the ``SCALE`` attribute only says how the
IMF displays it) and attribute columns. SDMX-CSV 2.0 (``STRUCTURE``, ``STRUCTURE_ID``,
``ACTION`` first) is read as well. Counterpart ``G001`` is the world.

Conversion into the raw layout the DOTS reader (:mod:`powergap.sources.imf_dots`) reads,
``imf_dots/imf_dots_exports_fob_all_reporters_1960-2020_long.csv.gz`` with columns
``reporter, partner, year, exports_fob_usd_mn, estimated, source_file``:

* ISO3 codes (Kosovo: the IMF's ``KOS``) become the IMF country names the shipped file uses
  for the same COW state (so a reporter is never counted twice under two spellings);
  ``G001`` becomes ``World``;
  codes with no COW state (territories, IMF aggregates other than the world) are dropped;
* US dollars become millions; ``estimated`` is left empty (IMTS's CSV has no estimate flag
  comparable to DOTS's "e");
* the SDMX-CSV answer itself is cached too (gzipped, ``imf_imts/``; its sha256 is in the
  cache record);
* the live rows replace the shipped file's rows reporter-year by reporter-year: every
  shipped row of a reporter in a year the pull covers for that reporter goes, the rest of
  the shipped file (earlier years, reporters the pull lacks) stays.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Callable, Sequence

from ..errors import DataError, InputError
from .common import LiveRecord, gzip_bytes, http_get, read_local, refresh, sha256_bytes, today

NAME = "trade"
PUBLISHER = "the IMF SDMX API"
BASE_URL = "https://api.imf.org/external/sdmx/2.1/data/IMF.STA,IMTS"
ACCEPT = "application/vnd.sdmx.data+csv;version=1.0.0"
INDICATOR = "XG_FOB_USD"
WORLD = "G001"
# IMF country codes that differ from the ISO3 codes the crosswalk knows (Kosovo is KOS at the
# IMF, XKX at the World Bank and in the crosswalk).
IMF_TO_ISO3 = {"KOS": "XKX"}
DEFAULT_START = 2015
DIMENSIONS = ("COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY", "FREQUENCY")
ANSWER_DIR = "imf_imts"  # the SDMX-CSV answer as received, kept beside the converted file


def data_url(reporters: Sequence[str] = ()) -> str:
    key = f"{'+'.join(reporters)}.{INDICATOR}..A"
    return f"{BASE_URL}/{key}"


def parse_sdmx_csv(text: str, *, label: str = "IMF IMTS") -> "pd.DataFrame":
    """SDMX-CSV (1.0 or 2.0) of IMTS exports -> ``country, counterpart, year, value`` (US$).

    Observations without a value (empty or ``NaN``) are dropped; anything else that is not a
    number, a non-annual period, another indicator or another dataflow is an error.
    """
    import pandas as pd

    if not text.strip():
        raise DataError(f"{label}: the answer is empty")
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataError(f"{label}: the answer is not SDMX-CSV ({type(exc).__name__})") from None
    flow_col = "DATAFLOW" if "DATAFLOW" in df.columns else "STRUCTURE_ID" if "STRUCTURE_ID" in df.columns else None
    need = [*DIMENSIONS, "TIME_PERIOD", "OBS_VALUE"]
    missing = [c for c in need if c not in df.columns]
    if flow_col is None or missing:
        raise DataError(f"{label}: the answer is not IMTS SDMX-CSV (missing {', '.join(missing or ['DATAFLOW'])})")
    flows = set(df[flow_col].str.strip())
    if flows and not all(":IMTS(" in f for f in flows):
        raise DataError(f"{label}: the answer is for dataflow {sorted(flows)[0]!r}, not IMF.STA:IMTS")
    if df.empty:
        return pd.DataFrame({"country": [], "counterpart": [], "year": [], "value": []})
    other = set(df["INDICATOR"].str.strip()) - {INDICATOR}
    if other:
        raise DataError(f"{label}: asked for {INDICATOR}, got {sorted(other)[0]}")
    period = df["TIME_PERIOD"].str.strip()
    annual = period.str.fullmatch(r"\d{4}") & (df["FREQUENCY"].str.strip() == "A")
    if not annual.all():
        raise DataError(f"{label}: non-annual observation {period[~annual].iloc[0]!r}")
    raw_value = df["OBS_VALUE"].str.strip()
    blank = raw_value.isin(["", "NaN", "nan", "NA"])
    value = pd.to_numeric(raw_value.mask(blank), errors="coerce")
    bad = value.isna() & ~blank
    if bad.any():
        raise DataError(f"{label}: non-numeric OBS_VALUE {raw_value[bad].iloc[0]!r}")
    out = pd.DataFrame({"country": df["COUNTRY"].str.strip(), "counterpart": df["COUNTERPART_COUNTRY"].str.strip(),
                        "year": period.astype("int64"), "value": value})
    out = out[~blank].reset_index(drop=True)
    if out.duplicated(["country", "counterpart", "year"]).any():
        raise DataError(f"{label}: repeated observation for one reporter, counterpart and year")
    if (out["value"] < 0).any():
        raise DataError(f"{label}: negative exports ({out.loc[out['value'] < 0].iloc[0].to_dict()})")
    return out


def dataflow_version(text: str) -> str:
    """``IMF.STA:IMTS(1.0.0)`` as the answer states it (first data row), or ``IMF.STA:IMTS``."""
    lines = text.splitlines()
    if len(lines) < 2:
        return "IMF.STA:IMTS"
    header = lines[0].split(",")
    col = "DATAFLOW" if "DATAFLOW" in header else "STRUCTURE_ID" if "STRUCTURE_ID" in header else None
    if col is None:
        return "IMF.STA:IMTS"
    cells = lines[1].split(",")
    i = header.index(col)
    return cells[i] if i < len(cells) and cells[i] else "IMF.STA:IMTS"


def dots_names(base: "pd.DataFrame", label: str) -> dict[int, str]:
    """COW code -> the IMF name the shipped DOTS file uses for it (the spelling of the latest
    year in which that name denotes the state: "Germany" is both 260 before 1990 and 255)."""
    import pandas as pd

    from ..sources import imf_dots

    pairs = pd.concat([base[["reporter", "year"]].rename(columns={"reporter": "name"}),
                       base[["partner", "year"]].rename(columns={"partner": "name"})], ignore_index=True)
    pairs = pairs.drop_duplicates().reset_index(drop=True)
    pairs["ccode"] = imf_dots.names_to_ccodes(pairs["name"], pairs["year"], label=label,
                                              aliases=imf_dots.DOTS_ALIASES, skip=imf_dots.DOTS_SKIP,
                                              windows=imf_dots.DOTS_WINDOWS).to_numpy()
    pairs = pairs.dropna(subset=["ccode"]).sort_values(["ccode", "year", "name"], kind="mergesort")
    return {int(c): str(g["name"].iloc[-1]) for c, g in pairs.groupby("ccode")}


def to_dots(obs: "pd.DataFrame", base: "pd.DataFrame", *, label: str, source_file: str) -> "pd.DataFrame":
    """IMTS observations merged into the shipped DOTS long table (see the module docstring)."""
    import pandas as pd

    from ..sources import imf_dots
    from ..states import iso3_to_ccode, state

    names = dots_names(base, label)

    def name_of(codes: pd.Series, years: pd.Series) -> pd.Series:
        cc = iso3_to_ccode(codes.replace(IMF_TO_ISO3), years)
        out = pd.Series([names.get(int(c)) or state(int(c)).name if pd.notna(c) else None for c in cc],
                        index=codes.index, dtype="object")
        return out.mask(codes == WORLD, imf_dots.WORLD)

    live = pd.DataFrame({"reporter": name_of(obs["country"], obs["year"]),
                         "partner": name_of(obs["counterpart"], obs["year"]),
                         "year": obs["year"].astype("int64"),
                         "exports_fob_usd_mn": obs["value"] / 1e6})
    live = live.dropna(subset=["reporter", "partner"])
    live = live[live["reporter"] != live["partner"]]
    if live.empty:
        raise DataError(f"{label}: no observation maps to a COW state")
    live["estimated"] = ""
    live["source_file"] = source_file
    covered = live[["reporter", "year"]].drop_duplicates().assign(_live=True)
    kept = base.merge(covered, on=["reporter", "year"], how="left")
    kept = kept[kept["_live"].isna()].drop(columns="_live")
    cols = ["reporter", "partner", "year", "exports_fob_usd_mn", "estimated", "source_file"]
    merged = pd.concat([kept[cols], live[cols]], ignore_index=True)
    return merged.sort_values(["reporter", "partner", "year"], kind="mergesort").reset_index(drop=True)


def read_base(raw: Path) -> "pd.DataFrame":
    import pandas as pd

    from ..sources import imf_dots

    path = Path(raw) / imf_dots.DOTS_FILE
    if not path.is_file():
        raise InputError(f"the trade refresh merges into the shipped DOTS file, which is not in the raw directory: {path}")
    try:
        df = pd.read_csv(path, dtype={"reporter": str, "partner": str, "source_file": str, "estimated": str},
                         keep_default_na=False)
    except (OSError, EOFError, ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"{path.name}: cannot be parsed ({type(exc).__name__})") from None
    if "source_file" not in df.columns:
        df["source_file"] = ""
    df["year"] = pd.to_numeric(df["year"], errors="raise").astype("int64")
    return df


def gzip_csv(df: "pd.DataFrame") -> bytes:
    """The table as gzipped CSV (same rows, same bytes)."""
    return gzip_bytes(df.to_csv(index=False, lineterminator="\n").encode("utf-8"))


def fetch(reporters: Sequence[str], start: int) -> tuple[str, str]:
    """The SDMX-CSV text and the URL asked."""
    url = data_url(reporters)
    resp = http_get(url, publisher=PUBLISHER, params={"startPeriod": str(start)}, headers={"Accept": ACCEPT})
    return resp.text, resp.url or url


def update_trade(*, raw: Path | str | None = None, out: Path | str | None = None, file: Path | str | None = None,
                 start: int | None = None, reporters: Sequence[str] = (), echo: Callable[[str], None] = print,
                 sources=None, include_restricted: bool = False) -> Path:
    """Pull IMTS exports from ``start`` on (default 2015), merge them into the DOTS raw file
    in the user's cache and rebuild the user's snapshot.

    ``file`` reads an SDMX-CSV answer saved earlier instead of asking the API; ``reporters``
    (ISO3 codes) limits the pull (the world aggregate ``G001`` is always added, for the
    import mirrors).
    """
    from ..sources import imf_dots
    from .common import check_out, find_raw

    start = DEFAULT_START if start is None else int(start)
    if not 1948 <= start <= 2100:
        raise InputError(f"--start {start}: IMTS annual data begin in 1948")
    reporters = tuple(dict.fromkeys(r.strip().upper() for r in reporters if r.strip()))
    if reporters and WORLD not in reporters:
        reporters = reporters + (WORLD,)
    raw_dir = find_raw(raw)
    check_out(out)
    if file is not None:
        path, data = read_local(file)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(f"{path}: not an SDMX-CSV text file") from None
        url = f"file {path.name}"
        echo(f"reading IMTS exports from {file}")
    else:
        echo(f"fetching IMTS goods exports (XG_FOB_USD) from {start} on from api.imf.org")
        text, url = fetch(reporters, start)
    obs = parse_sdmx_csv(text)
    obs = obs[obs["year"] >= start]
    if obs.empty:
        raise DataError(f"IMF IMTS: no observations from {start} on; the snapshot was not changed")
    flow = dataflow_version(text)
    fetched = today()
    base = read_base(raw_dir)
    merged = to_dots(obs, base, label="IMF IMTS", source_file=f"IMTS live {flow} {fetched}")
    first, last = int(obs["year"].min()), int(obs["year"].max())
    echo(f"IMTS: {len(obs)} observations, {obs['country'].nunique()} reporters, {first}-{last}")
    fname = Path(imf_dots.DOTS_FILE).name
    answer = f"imts_{INDICATOR}_A_from{start}.csv.gz"
    answer_bytes = text.encode("utf-8")
    rec = LiveRecord(name=NAME, source=imf_dots.SOURCES[0].key, url=url, fetched=fetched,
                     vintage=f"IMF IMTS {flow}, exports FOB {first}-{last} (earlier years: shipped DOTS)",
                     files={imf_dots.DOTS_FILE: fname, f"{ANSWER_DIR}/{answer}": answer},
                     extra={"first_year": first, "last_year": last, "answer_sha256": sha256_bytes(answer_bytes)})
    return refresh(rec, {fname: gzip_csv(merged), answer: gzip_bytes(answer_bytes, answer[:-3])}, raw=raw, out=out,
                   echo=echo, sources=sources, include_restricted=include_restricted)
