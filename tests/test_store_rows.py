"""The store's row-group reader (issue 16 item 5: read only the rows a question needs).

Every answer is checked against an independent reading of the same shipped file: pyarrow's
own filtered ``read_table`` (a dataset scan comparing strings), which the reader replaced.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from powergap.snapshot.store import DYAD_YEAR, STATE_YEAR, Snapshot

COLS = ["ccode1", "ccode2", "year", "value", "source"]
CHN, RUS, USA, IND, PAK = 710, 365, 2, 750, 770


def oracle(store: Snapshot, name: str, filters, cols=COLS) -> pd.DataFrame:
    return Snapshot._tidy(pq.read_table(store.path / name, columns=cols, filters=filters).to_pandas())


# series whose row groups hold one series only, several, or few rows; symmetric and directed
SERIES = ["igo_joint", "trade_exports_usd_dots", "alliance_consult", "veto_joint", "icews_verbal_coop",
          "un_agreement_voeten", "arms_transfers_tiv"]


@pytest.mark.parametrize("sid", SERIES)
@pytest.mark.parametrize("codes", [(CHN, RUS), (USA, CHN, RUS), (IND, PAK)])
def test_rows_involving_equal_a_filtered_read(store, sid, codes):
    fresh = Snapshot(store.path)
    got = fresh._dyad_rows(sid, codes)
    want = oracle(store, DYAD_YEAR, [[("series", "=", sid), ("ccode1", "in", codes)],
                                     [("series", "=", sid), ("ccode2", "in", codes)]])
    assert len(want) > 0 or codes == (IND, PAK)  # no UN vetoes between India and Pakistan
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("sid", SERIES)
def test_rows_first_code_and_years_equal_a_filtered_read(store, sid):
    years = tuple(range(2001, 2012))
    got = Snapshot._tidy(store.rows(sid, first=(RUS, CHN)).to_pandas())
    want = oracle(store, DYAD_YEAR, [("series", "=", sid), ("ccode1", "in", (RUS, CHN))])
    pd.testing.assert_frame_equal(got, want)
    many = tuple(range(2, 1000, 7))  # many codes on either side, a few years (the claims' question)
    got = Snapshot(store.path)._dyad_rows(sid, many, years)
    want = oracle(store, DYAD_YEAR, [[("series", "=", sid), ("year", "in", years), ("ccode1", "in", many)],
                                     [("series", "=", sid), ("year", "in", years), ("ccode2", "in", many)]])
    pd.testing.assert_frame_equal(got, want)


def test_whole_series_and_state_series_equal_a_filtered_read(store):
    fresh = Snapshot(store.path)
    got = fresh.series("alliance_defense", directed=False)
    want = oracle(store, DYAD_YEAR, [("series", "=", "alliance_defense")])
    pd.testing.assert_frame_equal(got, want)
    for sid in ("gdp_usd", "milex_usd", "aeuds", "vetoes"):  # first, middle and last row groups
        want = oracle(store, STATE_YEAR, [("series", "=", sid)], ["ccode", "year", "value", "source"])
        pd.testing.assert_frame_equal(fresh.series(sid), want)


def test_year_value_columns_only(store):
    t = store.rows("trade_exports_usd_cow", columns=["year", "value"])
    assert t.column_names == ["year", "value"]
    want = pq.read_table(store.path / DYAD_YEAR, columns=["year", "value"],
                         filters=[("series", "=", "trade_exports_usd_cow")])
    assert t.num_rows == want.num_rows > 100_000
    assert np.array_equal(t.column("value").to_numpy(), want.column("value").to_numpy())


def test_a_narrower_question_is_answered_from_a_wider_one(store):
    fresh, other = Snapshot(store.path), Snapshot(store.path)
    fresh._dyad_rows("alliance_defense", (USA, CHN, RUS))  # read first: the wider question

    def no_read(*args, **kwargs):
        raise AssertionError("read again")

    fresh.rows = no_read
    for codes, years in [((CHN, RUS), None), ((USA,), None), ((CHN,), tuple(range(1990, 2000)))]:
        pd.testing.assert_frame_equal(fresh._dyad_rows("alliance_defense", codes, years),
                                      other._dyad_rows("alliance_defense", codes, years))


def test_no_rows_keep_the_columns_and_types(store):
    got = Snapshot(store.path)._dyad_rows("veto_joint", (999,))
    want = oracle(store, DYAD_YEAR, [[("series", "=", "veto_joint"), ("ccode1", "in", (999,))],
                                     [("series", "=", "veto_joint"), ("ccode2", "in", (999,))]])
    assert got.empty and list(got.dtypes) == list(want.dtypes)


def test_categorical_sources_become_the_same_strings():
    df = pd.DataFrame({"ccode": np.array([2, 710], dtype="int16"), "year": np.array([2000, 2001], dtype="int16"),
                       "value": [1.0, 2.0], "source": pd.Categorical(["cow_nmc", "sipri_milex"])})
    want = df.astype({"ccode": "int64", "year": "int64", "source": str})
    pd.testing.assert_frame_equal(Snapshot._tidy(df.copy()), want)


def test_on_years_is_the_left_join(store):
    from powergap.measures.alignment import _dyad_pair, _on_years, _state_one

    years = pd.DataFrame({"year": np.arange(1940, 2030, dtype="int64")})
    frames = [_state_one(store, sid, c) for sid in ("gdp_usd", "arms_imports_tiv_sipri") for c in (CHN, 999)]
    frames += [_dyad_pair(store, "fdi_position_usd", RUS, CHN), _dyad_pair(store, "veto_joint", CHN, RUS)]
    for df in frames:
        pd.testing.assert_frame_equal(_on_years(years, df),
                                      years.merge(df[["year", "value", "source"]], on="year", how="left"))


def test_a_corrupted_file_is_still_refused(tmp_path, store):
    import shutil

    from powergap.errors import SnapshotCorruptError

    for f in store.path.iterdir():
        shutil.copy(f, tmp_path / f.name)
    data = bytearray((tmp_path / DYAD_YEAR).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / DYAD_YEAR).write_bytes(bytes(data))
    with pytest.raises(SnapshotCorruptError):
        Snapshot(tmp_path).rows("veto_joint", involving=(CHN,))


def _boom(msg):
    from powergap.errors import InputError

    raise InputError(msg)


def test_background_process_gives_the_value_or_the_error():
    """The report's claims check and two of its sections run in forked processes (Linux): the
    value comes back equal, and an error is raised here as the call itself raises it."""
    from powergap.errors import InputError
    from powergap.report.build import _Background

    frame = pd.DataFrame({"a": [1.5, np.nan], "b": ["x", None]})
    got = _Background(lambda f: (f, {"k": [1, 2]}), frame).result()
    pd.testing.assert_frame_equal(got[0], frame)
    assert got[1] == {"k": [1, 2]}
    with pytest.raises(InputError, match="bad claim"):
        _Background(_boom, "bad claim").result()
