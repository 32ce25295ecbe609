"""State-year and dyad-year panels: the rows (checked against peacesciencer's counts), the
dyad rule, the end-year rule, panel attrs, add_nmc on the shipped snapshot, citations, and
the ``powergap panel`` command."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import powergap as pg
from powergap.errors import CoverageError, DataError, InputError
from powergap.panels import panel_info

# peacesciencer::create_dyadyears(directed = TRUE, mry = FALSE) row counts, 1816-2016.
PS_DIRECTED_1816_2016 = 1_912_290
PS_NONDIRECTED_1816_2016 = 956_145

# Pairs of states that were both members in the year but never on the same day of it
# (ccode1 < ccode2, year): the within-year common-day rule must drop them.
FALSE_DYADS = [
    (211, 255, 1945),  # Belgium back 26 Jun 1945, Germany gone 8 May 1945 (they overlapped before)
    (255, 260, 1990),  # West Germany ends 2 Oct 1990, united Germany starts 3 Oct
    (255, 265, 1990),  # East Germany likewise
    (678, 679, 1990),  # North Yemen ends 21 May 1990, Yemen starts 22 May
    (679, 680, 1990),  # South Yemen likewise
    (540, 817, 1975),  # South Vietnam ends 30 Apr 1975, Angola starts 11 Nov
    (511, 553, 1964),  # Zanzibar ends 26 Apr 1964, Malawi starts 6 Jul
    (332, 710, 1860),  # Modena ends 15 Mar 1860, China enters 25 Oct
    (300, 310, 1918),  # Austria-Hungary ends 12 Nov 1918, Hungary starts 16 Nov
]


def _keys(c1, c2, year) -> np.ndarray:
    """Sorted packed (ccode1, ccode2, year) keys, for set comparisons at numpy speed."""
    return np.sort((np.asarray(c1, np.int64) * 1000 + np.asarray(c2, np.int64)) * 10_000 + np.asarray(year, np.int64))


def _pairs(df: pd.DataFrame) -> np.ndarray:
    return _keys(df["ccode1"], df["ccode2"], df["year"])


def _has(keys: np.ndarray, a: int, b: int, year: int) -> bool:
    k = _keys([a], [b], [year])[0]
    i = np.searchsorted(keys, k)
    return bool(i < len(keys) and keys[i] == k)


@pytest.fixture(scope="module")
def directed_2016():
    return pg.dyad_years(directed=True, start=1816, end=2016)


@pytest.fixture(scope="module")
def nondirected_2016():
    return pg.dyad_years(directed=False, start=1816, end=2016)


# ----------------------------------------------------------------------------- rows

def test_row_counts_match_peacesciencer(directed_2016, nondirected_2016):
    assert len(directed_2016) == PS_DIRECTED_1816_2016
    assert len(nondirected_2016) == PS_NONDIRECTED_1816_2016
    # the same rows whatever year open spells are extended to
    assert len(pg.dyad_years(start=1816, end=2016, end_year=2016)) == PS_DIRECTED_1816_2016
    assert len(pg.dyad_years(directed=False, start=1816, end=2016, end_year=2030)) == PS_NONDIRECTED_1816_2016


def test_no_self_pairs_no_duplicates_sorted(directed_2016, nondirected_2016):
    for d in (directed_2016, nondirected_2016):
        assert (d["ccode1"] != d["ccode2"]).all()
        assert not d.duplicated(["ccode1", "ccode2", "year"]).any()
        key = (d["ccode1"].to_numpy(np.int64) * 1000 + d["ccode2"].to_numpy()) * 10_000 + d["year"].to_numpy()
        assert (np.diff(key) > 0).all()  # sorted by ccode1, ccode2, year
        assert list(d.dtypes) == [np.int16] * 3
    assert (nondirected_2016["ccode1"] < nondirected_2016["ccode2"]).all()


def test_false_dyads_absent(directed_2016):
    sy = pg.state_years(start=1816, end=2016)
    members = set(zip(sy["ccode"].tolist(), sy["year"].tolist()))
    rows = _pairs(directed_2016)
    for a, b, year in FALSE_DYADS:
        # both were members that year (so a year-only rule would keep the pair) ...
        assert (a, year) in members and (b, year) in members
        # ... but never on the same day of it
        assert not _has(rows, a, b, year) and not _has(rows, b, a, year)
    assert not _has(rows, 211, 255, 1944)  # Belgium was not a member in 1944
    assert _has(rows, 211, 255, 1939) and _has(rows, 678, 680, 1989) and not _has(rows, 255, 260, 1989)


def test_directed_is_nondirected_plus_mirror(directed_2016, nondirected_2016):
    n = nondirected_2016
    both = np.sort(np.concatenate([_pairs(n), _keys(n["ccode2"], n["ccode1"], n["year"])]))
    np.testing.assert_array_equal(_pairs(directed_2016), both)
    assert len(directed_2016) == 2 * len(nondirected_2016)


@settings(max_examples=25, deadline=None)
@given(st.integers(1816, 2022), st.integers(0, 40), st.booleans())
def test_directed_equals_nondirected_and_mirror_for_any_range(start, span, as_2016):
    end = min(start + span, 2022)
    end_year = 2016 if as_2016 and end <= 2016 else None
    d = pg.dyad_years(directed=True, start=start, end=end, end_year=end_year)
    n = pg.dyad_years(directed=False, start=start, end=end, end_year=end_year)
    mirror = n.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})[["ccode1", "ccode2", "year"]]
    both = pd.concat([n, mirror], ignore_index=True).sort_values(["ccode1", "ccode2", "year"], ignore_index=True)
    pd.testing.assert_frame_equal(d.reset_index(drop=True), both, check_dtype=True)
    assert d["year"].between(start, end).all()


def test_state_years():
    s = pg.state_years(start=1816, end=2016)
    assert not s.duplicated().any()
    assert s.attrs["unit"] == "state_year"
    assert (s["year"] == 2016).sum() == 195  # COW system members in 2016
    assert (s["year"] == 1816).sum() == 23
    # a state counts in every year one of its spells touches
    assert set(s.loc[s["ccode"] == 255, "year"]) == set(range(1816, 1946)) | set(range(1990, 2017))
    # per year, the dyads are pairs of that year's members
    d = pg.dyad_years(start=1900, end=1900)
    n = (s["year"] == 1900).sum()
    assert len(d) == n * (n - 1)


def test_end_year_rule_extends_open_spells():
    last = pg.state_years(start=2016, end=2016)
    assert len(last) == 195
    later = pg.state_years(start=2017, end=2030, end_year=2030)
    assert later.groupby("year").size().eq(195).all() and later["year"].max() == 2030
    d = pg.dyad_years(start=2030, end=2030, end_year=2030)
    assert len(d) == 195 * 194
    assert d.attrs["end_year"] == 2030
    # the default end year is the snapshot's, never the clock
    assert pg.dyad_years(start=2016, end=2016).attrs["end_year"] == pg.default_store().end_year
    # a shorter end year cuts spells off
    assert pg.state_years(end_year=1900)["year"].max() == 1900


# ----------------------------------------------------------------------------- attrs and errors

def test_panel_attrs_and_info(directed_2016):
    a = directed_2016.attrs
    assert a == {"unit": "dyad_year_directed", "system": "cow", "start": 1816, "end": 2016,
                 "end_year": pg.default_store().end_year, "sources": ["cow_states"]}
    info = panel_info(directed_2016)
    assert info.dyadic and info.directed and info.sources == ("cow_states",)
    sub = directed_2016[directed_2016["year"] > 2000]  # pandas keeps attrs on filtering
    assert panel_info(sub).unit == "dyad_year_directed"
    with pytest.raises(InputError, match="not a powergap panel"):
        panel_info(pd.DataFrame({"ccode1": [2], "ccode2": [20], "year": [2000]}))
    with pytest.raises(InputError, match="key columns"):
        panel_info(directed_2016.drop(columns="year"))


@pytest.mark.parametrize("kwargs, error, text", [
    ({"start": 2000, "end": 1990}, InputError, "reversed year range"),
    ({"start": 1700}, CoverageError, "before the COW state system"),
    ({"end": 2200}, CoverageError, "after the panel's end year"),
    ({"end_year": 1700}, CoverageError, "outside the COW state system"),
    ({"system": "gw"}, InputError, "unknown state system"),
    ({"start": "1990x"}, InputError, "must be a year"),
])
def test_bad_ranges(kwargs, error, text):
    with pytest.raises(error, match=text) as exc:
        pg.dyad_years(**kwargs)
    assert "\n" not in str(exc.value)


# ----------------------------------------------------------------------------- add_nmc on the shipped snapshot

NMC = ["nmc_milex", "milper", "irst", "pec", "tpop", "upop", "cinc"]


def test_add_nmc_values_match_snapshot(store):
    d = pg.add_nmc(pg.dyad_years(start=2010, end=2022))
    assert list(d.columns) == ["ccode1", "ccode2", "year"] + [f"{c}_1" for c in NMC] + [f"{c}_2" for c in NMC]
    row = d[(d.ccode1 == 710) & (d.ccode2 == 365) & (d.year == 2022)]
    assert len(row) == 1
    assert row[[f"{c}_{s}" for c in NMC for s in "12"]].notna().all(axis=None)
    for a, b, year in [(710, 365, 2022), (365, 710, 2015), (2, 710, 2010), (200, 220, 2019)]:
        r = d[(d.ccode1 == a) & (d.ccode2 == b) & (d.year == year)].iloc[0]
        for c in NMC:
            assert r[f"{c}_1"] == store.value(c, a, year)
            assert r[f"{c}_2"] == store.value(c, b, year)
    assert d.attrs["sources"] == ["cow_states", "cow_nmc"]
    s = pg.add_nmc(pg.state_years(start=1816, end=1820))
    r = s[(s.ccode == 200) & (s.year == 1816)].iloc[0]
    assert r["cinc"] == store.value("cinc", 200, 1816) and list(s.columns) == ["ccode", "year"] + NMC


def test_add_nmc_missing_stays_missing(store):
    # NMC codes missing components as -9; they must come out NA, never 0 or -9
    s = pg.add_nmc(pg.state_years())
    nmc = store.state_year_all()
    nmc = nmc[nmc.series == "milper"]
    present = set(zip(nmc.ccode, nmc.year))
    absent = [i for i, k in enumerate(zip(s.ccode.tolist(), s.year.tolist())) if k not in present]
    assert absent, "expected some state-years without milper"
    assert s["milper"].iloc[absent].isna().all()
    assert not (s[NMC] == -9).any(axis=None)


def test_add_nmc_keeps_input_and_is_idempotent():
    d = pg.dyad_years(start=2000, end=2001)
    before = d.copy()
    once = pg.add_nmc(d)
    pd.testing.assert_frame_equal(d, before)  # input untouched
    twice = pg.add_nmc(once)
    pd.testing.assert_frame_equal(once, twice)
    assert twice.attrs["sources"] == ["cow_states", "cow_nmc"]


def test_cite_panel_cites_exactly_its_sources():
    d = pg.add_nmc(pg.dyad_years(start=2000, end=2001))
    text = pg.cite(d)
    keys = [line.split("]")[0].lstrip("[") for line in text.splitlines()]
    assert sorted(keys) == ["cow_nmc", "cow_states"]
    bare = pg.cite(pg.state_years(start=2000, end=2000)).splitlines()
    assert len(bare) == 1 and bare[0].startswith("[cow_states]")


def test_wrong_unit_and_missing_series_errors():
    s = pg.state_years(start=2000, end=2001)
    with pytest.raises(InputError) as exc:
        pg.add_votes(s)
    assert str(exc.value) == "add_votes needs a dyad-year panel, got a state-year panel"
    for verb in (pg.add_trade, pg.add_alliances, pg.add_events, pg.add_opinion, pg.add_igos, pg.add_arms_transfers):
        with pytest.raises(InputError, match="needs a dyad-year panel, got a state-year panel"):
            verb(s)
    with pytest.raises(InputError, match="not a powergap panel"):
        pg.add_nmc(pd.DataFrame({"ccode": [2], "year": [2000]}))


def test_verb_for_absent_series_names_them(tmp_path):
    from powergap.snapshot.store import Snapshot

    store = pg.default_store()
    import json
    import shutil

    snap = tmp_path / "snap"
    shutil.copytree(store.path, snap)
    cat = json.loads((snap / "catalog.json").read_text())
    cat["series"] = [s for s in cat["series"] if s["id"] not in ("irst", "pec")]
    (snap / "catalog.json").write_text(json.dumps(cat))
    (snap / "catalog.sha256").unlink(missing_ok=True)  # an edited catalog: drop its checksum
    with pytest.raises(DataError, match="add_nmc needs series irst, pec") as exc:
        pg.add_nmc(pg.dyad_years(start=2000, end=2000), store=Snapshot(snap))
    assert "\n" not in str(exc.value)


# ----------------------------------------------------------------------------- writing and the CLI

def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    from powergap.cli import main

    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_acceptance_dyad_years_with_nmc(tmp_path, capsys):
    out = tmp_path / "d.parquet"
    code, stdout, err = run_cli(["panel", "dyad-years", "--start", "1816", "--end", "2022", "--add", "nmc",
                                 "-o", str(out)], capsys)
    assert code == 0, err
    assert "2,139,270 rows" in stdout
    d = pd.read_parquet(out)
    assert len(d) == 2_139_270
    row = d[(d.ccode1 == 710) & (d.ccode2 == 365) & (d.year == 2022)]
    assert row[[f"{c}_{s}" for c in NMC for s in "12"]].notna().all(axis=None)
    assert d.attrs["unit"] == "dyad_year_directed" and d.attrs["sources"] == ["cow_states", "cow_nmc"]
    assert [p.name for p in tmp_path.iterdir()] == ["d.parquet"]  # no temporary file left


@pytest.mark.parametrize("suffix", [".csv", ".feather", ".parquet"])
def test_cli_formats(tmp_path, capsys, suffix):
    from powergap.panels import read_panel

    out = tmp_path / f"s{suffix}"
    code, _, err = run_cli(["panel", "state-years", "--start", "2015", "--end", "2016", "--add", "nmc",
                            "-o", str(out)], capsys)
    assert code == 0, err
    expected = pg.add_nmc(pg.state_years(start=2015, end=2016))
    if suffix == ".csv":
        got = pd.read_csv(out)
        assert list(got.columns) == list(expected.columns) and len(got) == 2 * 195
        np.testing.assert_allclose(got["cinc"], expected["cinc"], rtol=1e-12)
    else:
        got = read_panel(out)
        assert got.attrs == expected.attrs
        pd.testing.assert_frame_equal(got, expected)


def test_cli_non_directed(tmp_path, capsys):
    out = tmp_path / "n.parquet"
    code, _, err = run_cli(["panel", "dyad-years", "--start", "2000", "--end", "2000", "--non-directed",
                            "-o", str(out)], capsys)
    assert code == 0, err
    d = pd.read_parquet(out)
    assert (d.ccode1 < d.ccode2).all() and d.attrs["unit"] == "dyad_year_nondirected"


@pytest.mark.parametrize("args, text", [
    (["--add", "nmc,bogus"], "unknown panel verb 'bogus'"),
    (["--add", "nmcc"], "did you mean nmc"),
    (["--start", "2000", "--end", "1990"], "reversed year range"),
    (["--start", "1800"], "before the COW state system"),
    (["--end", "2100"], "after the panel's end year"),
])
def test_cli_errors_are_one_line(tmp_path, capsys, args, text):
    out = tmp_path / "x.parquet"
    code, stdout, err = run_cli(["panel", "dyad-years", *args, "-o", str(out)], capsys)
    assert code == 2 and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("powergap: error:") and text in lines[0]
    assert not out.exists() and stdout == ""


def test_cli_unknown_extension_and_wrong_unit(tmp_path, capsys):
    code, _, err = run_cli(["panel", "dyad-years", "--start", "2000", "--end", "2000", "-o",
                            str(tmp_path / "x.xlsx")], capsys)
    assert code == 2 and f"cannot tell the output format of '{tmp_path / 'x.xlsx'}'" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    code, _, err = run_cli(["panel", "state-years", "--add", "votes", "-o", str(tmp_path / "x.csv")], capsys)
    assert code == 2 and "add_votes needs a dyad-year panel, got a state-year panel" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_write_is_atomic(tmp_path, monkeypatch):
    from powergap.panels import io, write_panel

    target = tmp_path / "p.parquet"
    target.write_bytes(b"previous contents")

    class Broken:  # writes part of the file, then fails like a full disk
        def __init__(self, path):
            self.fh = open(path, "wb")

        def write_table(self, table):
            self.fh.write(b"half a file")
            raise OSError("disk full")

        def close(self):
            self.fh.close()

    monkeypatch.setattr(io, "_open_writer", lambda fmt, path, schema: Broken(path))
    with pytest.raises(OSError, match="disk full"):
        write_panel(pg.state_years(start=2000, end=2000), target)
    assert target.read_bytes() == b"previous contents"
    assert [p.name for p in tmp_path.iterdir()] == ["p.parquet"]
    with pytest.raises(InputError, match="does not exist"):
        write_panel(pg.state_years(start=2000, end=2000), tmp_path / "nodir" / "p.csv")


# ----------------------------------------------------------------------------- the CLI's fast path (panels/fast.py)

@pytest.mark.parametrize("kind, kwargs, verbs", [
    ("dyad-years", {"directed": True, "start": 1816, "end": 2022}, ["nmc"]),
    ("dyad-years", {"directed": False, "start": 1990, "end": 2025}, ["nmc", "milex", "regime"]),
    ("state-years", {"start": 1816, "end": 2025}, ["nmc", "tech", "nuclear"]),
    ("dyad-years", {"directed": True, "start": 1900, "end": 1900}, []),
])
def test_fast_path_file_equals_pandas_verbs(tmp_path, kind, kwargs, verbs):
    """The file written without pandas holds exactly the frame the verbs build: rows, column
    order, dtypes, values (NaN where missing) and attrs."""
    from powergap.panels import read_panel
    from powergap.panels.fast import write_panel_file
    from powergap.panels.verbs import add

    out = tmp_path / "f.parquet"
    n_rows, n_cols, attrs = write_panel_file(kind, out, verbs=verbs, **kwargs)
    if kind == "dyad-years":
        expected = pg.dyad_years(**kwargs)
    else:
        expected = pg.state_years(**kwargs)
    if verbs:
        expected = add(expected, verbs)
    got = read_panel(out)
    pd.testing.assert_frame_equal(got, expected)
    assert got.attrs == expected.attrs == attrs and (n_rows, n_cols) == expected.shape


def test_cli_fast_path_never_imports_pandas(tmp_path):
    """The acceptance command runs without importing pandas (its import is about 0.4 s of a
    one-second command); a verb that needs pandas still works, through the pandas path."""
    import subprocess
    import sys

    code = ("import sys; from powergap.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "print('pandas' in sys.modules)")
    base = [sys.executable, "-c", code, "panel", "dyad-years", "--start", "2000", "--end", "2001"]
    fast = subprocess.run(base + ["--add", "nmc", "-o", str(tmp_path / "a.parquet")], capture_output=True, text=True)
    assert fast.returncode == 0 and fast.stdout.strip().splitlines()[-1] == "False", fast.stderr
    slow = subprocess.run(base + ["--add", "nmc,gdp", "-o", str(tmp_path / "b.parquet")], capture_output=True, text=True)
    assert slow.returncode == 0 and slow.stdout.strip().splitlines()[-1] == "True", slow.stderr


@pytest.mark.parametrize("end_year", [1816, 1900, 2010, 2016, 2025, 2040])
def test_spell_arrays_follow_membership(end_year):
    """The panels read spells with pyarrow (panels.core._spells); they must be the spells and
    end-year rule of powergap.membership()."""
    from powergap.panels.core import _spells

    cc, first, last = _spells(end_year)
    m = pg.membership(end_year)
    day = lambda s: s.to_numpy(dtype="datetime64[D]").astype(np.int64)  # noqa: E731
    np.testing.assert_array_equal(cc, m["ccode"].to_numpy())
    np.testing.assert_array_equal(first, day(m["start"]))
    np.testing.assert_array_equal(last, day(m["end"]))


@settings(max_examples=12, deadline=None)
@given(start=st.integers(1816, 2025), span=st.integers(0, 30), directed=st.booleans(),
       verbs=st.lists(st.sampled_from(["nmc", "milex", "nuclear", "tech", "regime"]), max_size=3, unique=True),
       states=st.booleans())
def test_fast_path_any_range_and_verbs(tmp_path_factory, start, span, directed, verbs, states):
    """Any year range, unit and set of state-level verbs: the pandas-free file equals the verbs'."""
    from powergap.panels import read_panel
    from powergap.panels.fast import write_panel_file
    from powergap.panels.verbs import add

    end = min(start + span, 2025)
    out = tmp_path_factory.mktemp("fast") / "p.feather"
    kind = "state-years" if states else "dyad-years"
    kwargs = {"start": start, "end": end} if states else {"start": start, "end": end, "directed": directed}
    write_panel_file(kind, out, verbs=verbs, **kwargs)
    expected = pg.state_years(**kwargs) if states else pg.dyad_years(**kwargs)
    if verbs:
        expected = add(expected, verbs)
    got = read_panel(out)
    pd.testing.assert_frame_equal(got, expected)
    assert got.attrs == expected.attrs
