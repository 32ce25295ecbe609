"""The faster paths of the report's sections (issue 16 item 5) give what the plain ones gave.

Each faster path is checked against an independent plain computation on the shipped snapshot:
UN votes of a pair, year lookups of state-year and dyadic series (with the absent-means-zero
rule), the median ideal-point distance, per-year trade rows, caches shared by the store's
views, the default configuration, and the report's background process, which is stopped
when the report fails.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from powergap.errors import InputError
from powergap.measures import alignment as AL
from powergap.measures import evidence as E

CHN, RUS, USA, IND, PAK, FSM, KAZ = 710, 365, 2, 750, 770, 987, 705


# ----------------------------------------------------------------------------- UN votes

@pytest.mark.parametrize("a, b", [(CHN, RUS), (RUS, CHN), (USA, CHN), (IND, PAK), (USA, FSM), (CHN, 999)])
def test_pair_votes_equal_the_table_scan(store, a, b):
    votes = AL._un_tables(store)[0]
    want = AL.dyad_votes(votes, a, b).reset_index(drop=True)  # the public pandas form
    got = AL._state_dyad_votes(E.Scoped(store, [a, b]), a, b)
    pd.testing.assert_frame_equal(got, want)
    assert len(got) > 1000 or b == 999


def test_views_share_the_snapshot_caches(store):
    view = E.Scoped(store, [CHN, RUS, USA])
    assert E.base_store(view) is store and E.base_store(store) is store
    # the UN tables are read once, not per view
    assert all(x is y for x, y in zip(AL._un_tables(view), AL._un_tables(store)))
    assert AL.median_ideal_point_distance_by_year(view) is AL.median_ideal_point_distance_by_year(store)
    assert E._state_index(view, "gdp_usd") is E._state_index(store, "gdp_usd")


# ----------------------------------------------------------------------------- year lookups

def _plain_values(store, sid, rows, codes, years):
    """The values on ``years`` by a merge, with the absent-means-zero rule read directly from
    the catalog (coverage, members): the computation the array path replaced."""
    out = pd.DataFrame({"year": np.asarray(years, dtype="int64")}).merge(
        rows[["year", "value", "source"]], on="year", how="left")
    if E.absent_means_zero(store, sid):
        lo, hi = E.coverage(store, sid)
        yy = out["year"].to_numpy()
        ok = (yy >= lo) & (yy <= hi) & out["value"].isna().to_numpy()
        for c in codes:
            ok &= E.member(store, np.full(len(yy), c), yy)
        out.loc[ok, "value"] = 0.0
        out.loc[ok, "source"] = store.series_meta(sid)["source"]
    return out


STATE_SERIES = ["gdp_usd", "milex_usd", "nuclear_warheads", "arms_imports_tiv_sipri", "ideal_point", "cinc"]
DYAD_SERIES = ["alliance_defense", "veto_joint", "icews_verbal_coop", "igo_joint", "arms_transfers_tiv",
               "trade_exports_usd_dots"]
CODES = [CHN, RUS, USA, IND, PAK, FSM, KAZ, 2, 200, 220, 255, 740]


@settings(max_examples=60, deadline=None)
@given(sid=st.sampled_from(STATE_SERIES), c=st.sampled_from(CODES),
       years=st.lists(st.integers(1816, 2025), min_size=1, max_size=40))
def test_state_year_values_equal_a_merge(store, sid, c, years):
    got = AL.state_year_values(store, sid, c, years, with_source=True)
    want = _plain_values(store, sid, AL._state_one(store, sid, c), (c,), years)
    assert got["year"].tolist() == want["year"].tolist()
    np.testing.assert_array_equal(got["value"].to_numpy(), want["value"].to_numpy())
    known = want["value"].notna().to_numpy()
    assert got["source"][known].tolist() == want["source"][known].tolist()
    assert list(AL.state_year_values(store, sid, c, years).columns) == ["year", "value"]


@settings(max_examples=60, deadline=None)
@given(sid=st.sampled_from(DYAD_SERIES), pair=st.sampled_from([(CHN, RUS), (RUS, CHN), (USA, CHN), (IND, PAK),
                                                                (USA, FSM), (RUS, KAZ), (2, 200)]),
       years=st.lists(st.integers(1900, 2025), min_size=1, max_size=40))
def test_dyad_year_values_equal_a_merge(store, sid, pair, years):
    a, b = pair
    got = AL.dyad_year_values(store, sid, a, b, years, with_source=True)
    want = _plain_values(store, sid, AL._dyad_pair(store, sid, a, b), (a, b), years)
    np.testing.assert_array_equal(got["value"].to_numpy(), want["value"].to_numpy())
    known = want["value"].notna().to_numpy()
    assert got["source"][known].tolist() == want["source"][known].tolist()


def test_zero_rule_and_missing_series_on_the_array_path(store):
    # alliances list pacts: no row inside ATOP's coverage is 0 for members, missing after 2018
    v = AL.dyad_year_values(store, "alliance_defense", USA, CHN, [2000, 2018, 2019])["value"].tolist()
    assert v[:2] == [0.0, 0.0] and np.isnan(v[2])
    miss = AL.state_year_values(store, "no_such_series", CHN, [2000], with_source=True)
    assert np.isnan(miss["value"][0]) and miss["source"][0] is None


# ----------------------------------------------------------------------------- ideal points

@pytest.mark.parametrize("variant", ["all", "fp"])
def test_median_ideal_distance_equals_each_pair_once(store, variant):
    got = AL.median_ideal_point_distance_by_year(store, variant)
    df = AL.state_frame(store, AL._ideal_ids(variant)[0])
    for year in [1950, 1971, 1991, 2014, int(got.index.max())]:
        x = df.loc[df["year"] == year, "value"].to_numpy(dtype=float)
        i, j = np.triu_indices(x.size, k=1)
        assert got[year] == float(np.median(np.abs(x[i] - x[j])))  # exactly: the same differences
    # some years only (the triangle's): the same numbers, NaN outside the ideal-point years
    years = [1940, 1946, 1991, 2014, int(got.index.max()), int(got.index.max()) + 1]
    some = AL.median_ideal_point_distance(E.Scoped(store, [CHN]), years, variant)
    assert [got.get(y, np.nan) for y in years] == pytest.approx(list(some), nan_ok=True)
    assert np.isnan(some[0]) and np.isnan(some[-1]) and np.isfinite(some[1:-1]).all()


# ----------------------------------------------------------------------------- trade rows

@pytest.mark.parametrize("a, b, years", [(CHN, RUS, range(1990, 2026)), (RUS, 305, [2014, 2021]),
                                         (USA, FSM, range(1986, 2000)), (IND, PAK, range(1947, 1960))])
def test_trade_rows_are_the_one_trade_function(store, a, b, years):
    from powergap.measures.dependence import _trade_year_rows
    from powergap.states import resolve

    sa, sb = resolve(a), resolve(b)
    yy = np.asarray(list(years), dtype=np.int64)
    rows = _trade_year_rows(store, sa, sb, list(years), intensity=False)
    ts = E.trade_shares(store, np.full(len(yy), a), np.full(len(yy), b), yy)
    np.testing.assert_array_equal(rows["a_on_b_share"].to_numpy(), ts.share_ab)
    np.testing.assert_array_equal(rows["b_on_a_share"].to_numpy(), ts.share_ba)
    gdp = E.state_values(store, "gdp_usd", np.full(len(yy), a), yy)
    np.testing.assert_array_equal(rows["gdp_a_usd"].to_numpy(), gdp)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(ts.share_ba > 0, ts.share_ab / ts.share_ba, np.nan)
    np.testing.assert_array_equal(rows["asymmetry_ratio"].to_numpy(), ratio)
    # a year without a figure says why, never 0
    none = ~np.isfinite(rows["trade_usd"].to_numpy())
    assert (rows.loc[none, "note"].str.len() > 0).all()
    assert not (rows["a_on_b_share"] == 0).any() or (ts.share_ab == 0).any()


# ----------------------------------------------------------------------------- store reads

def test_series_column_read_on_demand(store):
    t = store.rows("igo_joint", involving=[CHN], columns=["series", "year", "value"])
    assert set(t.column("series").to_pylist()) == {"igo_joint"} and t.num_rows > 0
    plain = store.rows("igo_joint", involving=[CHN], columns=["year", "value"])
    assert plain.column("value").equals(t.column("value"))


# ----------------------------------------------------------------------------- configuration

def test_default_config_is_a_fresh_copy_each_time():
    from powergap.assess_core import default_config

    one = default_config()
    one["capability"]["threshold"] = 99
    assert default_config()["capability"]["threshold"] != 99


def test_monetary_table_refuses_a_key_given_twice(tmp_path):
    path = tmp_path / "m.yaml"
    row = ("  - {id: zar-lso, state: LSO, anchor: ZAF, from: 1966, to: 2025, kind: par_agreement, "
           "citation: Metzger 2006, checked: yes, kind: currency_use}\n")
    path.write_text("spells:\n" + row, encoding="utf-8")
    with pytest.raises(InputError, match="duplicate key 'kind'") as e:
        E.load_monetary_spells(path)
    assert "\n" not in str(e.value)
    path.write_text(yaml.safe_dump({"spells": []}) + "spells: []\n", encoding="utf-8")
    with pytest.raises(InputError, match="duplicate key 'spells'"):
        E.load_monetary_spells(path)


# ----------------------------------------------------------------------------- background work

def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.skipif(not hasattr(os, "fork"), reason="processes are forked on Linux only")
def test_cancel_stops_the_forked_work():
    from powergap.report.build import _Background

    job = _Background(time.sleep, 30)
    pid = job._pid
    assert _alive(pid)
    job.cancel()
    job._thread.join(5)  # the reading thread reaps the killed process
    assert not job._thread.is_alive() and not _alive(pid)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="processes are forked on Linux only")
def test_a_failed_report_leaves_no_claims_process(monkeypatch, store):
    import powergap
    import powergap.report.build as B

    started = []
    real = B._Background.__init__

    def spy(self, *args, **kwargs):
        real(self, *args, **kwargs)
        started.append(self)

    def broken(*args, **kwargs):
        raise RuntimeError("assessment failed")

    monkeypatch.setattr(B._Background, "__init__", spy)
    monkeypatch.setattr(powergap, "assess", broken)
    with pytest.raises(RuntimeError, match="assessment failed"):
        B.build_report("CHN", "RUS", store=store)
    assert started, "the claims check was not started beside the assessment"
    for job in started:
        job._thread.join(10)
        assert not _alive(job._pid)


# ----------------------------------------------------------------------------- vote arrays, claim arrays

@settings(max_examples=25, deadline=None)
@given(pair=st.sampled_from([(CHN, RUS), (USA, CHN), (IND, PAK), (USA, FSM), (2, 200), (RUS, KAZ)]),
       extra=st.lists(st.sampled_from(CODES), max_size=4), year=st.integers(1950, 2024))
def test_agreement_among_a_few_voters_equals_all_voters(store, pair, extra, year):
    from powergap.panels import votes as V

    a, b = pair
    c1, c2, yy = np.array([a, b]), np.array([b, a]), np.array([year, year])
    few = V.vote_agreement(store, c1, c2, yy, only={a, b, *extra})
    every = V.vote_agreement(store, c1, c2, yy)  # the matrices of every voter of the year
    np.testing.assert_array_equal(few[0], every[0])
    np.testing.assert_array_equal(few[1], every[1])
    assert few[2].tolist() == every[2].tolist()


def test_un_tables_are_the_stored_tables(store):
    votes, rc, _ = AL._un_tables(store)
    want = store.table("un_votes")[["rcid", "ccode", "vote"]].astype("int64").reset_index(drop=True)
    pd.testing.assert_frame_equal(votes, want)
    pd.testing.assert_frame_equal(rc, store.table("un_roll_calls")[["rcid", "year"]].astype("int64")
                                  .reset_index(drop=True))


def test_pair_rows_through_a_view_are_the_snapshot_rows(store):
    for sid in ["alliance_defense", "cgit_investment_usd", "icews_verbal_coop", "igo_joint"]:
        view = AL._dyad_pair(E.Scoped(store, [CHN, RUS]), sid, CHN, RUS)
        assert view is AL._dyad_pair(store, sid, CHN, RUS)  # one cache for the snapshot and its views
        rows = store.series(sid, directed=False, involving=(CHN, RUS))
        fwd = rows[(rows["ccode1"] == CHN) & (rows["ccode2"] == RUS)]
        assert len(view) >= len(fwd) and set(fwd["year"]) <= set(view["year"])


def test_claim_arrays_keep_the_year_order_of_a_stable_sort():
    from powergap.claims.evaluate import _Arrays

    df = pd.DataFrame({"ccode1": [1, 2, 3, 4, 5], "ccode2": [9, 8, 7, 6, 5], "year": [2001, 2000, 2001, 2000, 1999],
                       "value": [1.0, 2.0, 3.0, 4.0, 5.0], "source": pd.Categorical(["a", "b", "a", "b", "a"])})
    arr = _Arrays(df, dyadic=True)
    want = df.sort_values("year", kind="mergesort")
    assert arr.year.tolist() == want["year"].tolist() and arr.c1.tolist() == want["ccode1"].tolist()
    assert arr.source.tolist() == want["source"].astype(str).tolist()
    assert all(type(s) is str for s in arr.source)


# ----------------------------------------------------------------------------- snapshot layout

def test_dyad_file_is_year_major_within_each_series(store):
    """The dyad-year file is sorted by series, then year: a question about some years (the
    claims check) decodes only the row groups that can hold them."""
    import pyarrow.parquet as pq

    from powergap.snapshot.store import DYAD_YEAR

    md = pq.read_metadata(store.path / DYAD_YEAR)
    names = md.schema.to_arrow_schema().names
    si, yi = names.index("series"), names.index("year")
    groups = [(md.row_group(g).column(si).statistics, md.row_group(g).column(yi).statistics)
              for g in range(md.num_row_groups)]
    dots = [(y.min, y.max) for s, y in groups if s.min == s.max == "trade_exports_usd_dots"]
    assert len(dots) >= 3
    assert all(a[1] <= b[0] for a, b in zip(dots, dots[1:]))  # the groups follow each other in time

    decoded = []
    real = pq.ParquetFile.read_row_group

    def counting(self, i, *args, **kwargs):
        decoded.append(i)
        return real(self, i, *args, **kwargs)

    import pytest as _pytest

    with _pytest.MonkeyPatch.context() as mp:
        mp.setattr(pq.ParquetFile, "read_row_group", counting)
        some = store.rows("trade_exports_usd_dots", involving=(RUS,), years=(2019,))
        n_some = len(decoded)
        decoded.clear()
        every = store.rows("trade_exports_usd_dots", involving=(RUS,))
    assert n_some < len(decoded) and some.num_rows > 0
    assert set(some.column("year").to_pylist()) == {2019}
    want = every.filter(__import__("pyarrow.compute", fromlist=["equal"]).equal(every.column("year"), 2019))
    assert some.num_rows == want.num_rows


# ----------------------------------------------------------------------------- dependence formulas on arrays
# The plain forms below are the pandas computations the array forms replaced (groupby,
# rank, outer merge, pivot and rolling): the oracle for each.

from powergap.measures import dependence as D  # noqa: E402


def _plain_concentration(flows: pd.DataFrame) -> pd.DataFrame:
    v = pd.to_numeric(flows["value"], errors="coerce")
    f = flows[v.notna() & (v > 0)].astype({"value": "float64"})
    tot = f.groupby("year")["value"].transform("sum")
    g = ((f["value"] / tot) ** 2).groupby(f["year"])
    out = pd.DataFrame({"hhi": g.sum(), "n_partners": g.size()}).reset_index()
    out["hirschman"] = 100.0 * np.sqrt(out["hhi"])
    return out[["year", "hhi", "hirschman", "n_partners"]]


def _plain_rank(flows: pd.DataFrame, partner: int) -> pd.DataFrame:
    v = pd.to_numeric(flows["value"], errors="coerce")
    f = flows[v.notna() & (v > 0)].astype({"value": "float64"})
    f["rank"] = f.groupby("year")["value"].rank(ascending=False, method="min")
    n = f.groupby("year").size().rename("n_partners")
    out = f[f["partner"] == partner][["year", "rank"]].merge(n.reset_index(), on="year")
    out["rank"] = out["rank"].astype("int64")
    return out.reset_index(drop=True)


def _plain_arms(tr: pd.DataFrame, recipient: int, supplier: int, first: int, last: int,
                total_imports: pd.Series | None) -> pd.DataFrame:
    years = np.arange(first, last + 1)
    f = tr[(tr["ccode2"] == recipient) & tr["year"].between(first, last)]
    by_sup = f.groupby(["ccode1", "year"])["value"].sum().reset_index()
    from_sup = by_sup[by_sup["ccode1"] == supplier].set_index("year")["value"].reindex(years, fill_value=0.0
                                                                                     ).astype("float64")
    total = by_sup.groupby("year")["value"].sum().reindex(years, fill_value=0.0).astype("float64")
    if total_imports is not None:
        total = np.fmax(total_imports.reindex(years).fillna(total), total)
    out = pd.DataFrame({"year": years, "from_supplier": from_sup.to_numpy(), "imports": np.asarray(total)})
    roll = out.set_index("year")[["from_supplier", "imports"]].rolling(5, min_periods=5).sum()
    out["from_supplier_5y"], out["imports_5y"] = roll["from_supplier"].to_numpy(), roll["imports"].to_numpy()
    out["share"] = np.where(out["imports"] == 0, 0.0, D.dependence_share(out["from_supplier"], out["imports"]))
    out["share_5y"] = np.where(out["imports_5y"] == 0, 0.0,
                               D.dependence_share(out["from_supplier_5y"], out["imports_5y"]))
    sup = by_sup.rename(columns={"ccode1": "partner"})
    wide = sup.pivot_table(index="partner", columns="year", values="value", aggfunc="sum").reindex(
        columns=years).fillna(0.0)
    sup5 = wide.T.rolling(5, min_periods=5).sum().rename_axis("year").reset_index().melt(
        id_vars="year", var_name="partner", value_name="value").dropna(subset=["value"])
    hhi1 = _plain_concentration(sup)[["year", "hhi"]].rename(columns={"hhi": "supplier_hhi"})
    hhi5 = _plain_concentration(sup5)[["year", "hhi"]].rename(columns={"hhi": "supplier_hhi_5y"})
    out = out.merge(hhi1, on="year", how="left").merge(hhi5, on="year", how="left")
    cols = ["share", "share_5y", "supplier_hhi", "supplier_hhi_5y", "imports", "imports_5y", "from_supplier",
            "from_supplier_5y"]
    return out[["year", *cols]].astype({c: "float64" for c in cols})  # empty input: object columns


_flow_rows = st.lists(st.tuples(st.integers(1990, 1994), st.integers(1, 6),
                                st.one_of(st.floats(-5, 1e6, allow_nan=False), st.just(float("nan")))),
                      max_size=40, unique_by=lambda r: (r[0], r[1]))


@settings(max_examples=80, deadline=None)
@given(rows=_flow_rows, partner=st.integers(1, 6))
def test_concentration_and_rank_equal_the_groupby(rows, partner):
    flows = pd.DataFrame(rows, columns=["year", "partner", "value"]).astype({"year": "int64", "partner": "int64"})
    got = D.concentration_by_year(flows)
    want = _plain_concentration(flows)
    if len(want):
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12)
    else:
        assert got.empty
    r_got, r_want = D.partner_rank(flows, partner), _plain_rank(flows, partner)
    assert r_got["year"].tolist() == r_want["year"].tolist() and r_got["rank"].tolist() == r_want["rank"].tolist()
    assert r_got["n_partners"].tolist() == r_want["n_partners"].tolist()


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(2000, 2003),
                               st.one_of(st.floats(0, 1e6, allow_nan=False), st.just(float("nan")))),
                     max_size=40, unique_by=lambda r: r[:3]),
       ccode=st.integers(1, 5))
def test_partner_flows_equal_the_outer_merge(rows, ccode):
    ex = pd.DataFrame(rows, columns=["ccode1", "ccode2", "year", "value"]).astype(
        {"ccode1": "int64", "ccode2": "int64", "year": "int64", "value": "float64"})
    got = D.partner_flows(ex, ccode)
    want = D._partner_flows_merge(ex, ccode)  # the plain outer merge
    if len(want):
        pd.testing.assert_frame_equal(got, want)
    else:
        assert got.empty and list(got.columns) == list(want.columns)


def test_partner_flows_given_twice_keeps_every_combination():
    ex = pd.DataFrame({"ccode1": [1, 1, 2], "ccode2": [2, 2, 1], "year": [2000] * 3, "value": [1.0, 2.0, 5.0]})
    assert D.partner_flows(ex, 1)["value"].tolist() == [6.0, 7.0]  # as the merge gives


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(2015, 2024),
                               st.floats(0, 500, allow_nan=False)), max_size=40),
       supplier=st.integers(1, 4), published=st.booleans())
def test_arms_import_shares_equal_the_pivot_and_rolling(rows, supplier, published):
    tr = pd.DataFrame(rows, columns=["ccode1", "ccode2", "year", "value"]).astype(
        {"ccode1": "int64", "ccode2": "int64", "year": "int64"})
    total = pd.Series({y: 100.0 for y in range(2016, 2024, 2)}) if published else None
    got = D.arms_import_shares(tr, 1, supplier, first_year=2016, last_year=2024, total_imports=total)
    want = _plain_arms(tr, 1, supplier, 2016, 2024, total)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, atol=1e-12)


def test_arms_import_shares_on_the_snapshot_equal_the_plain_form(store):
    tr = AL.dyad_frame(store, D.ARMS_DYADIC)
    first, last = D._coverage(store, D.ARMS_DYADIC)
    imp = AL.state_frame(store, D._first_series(store, D.ARMS_IMPORTS))
    for rcp, sup in ((CHN, RUS), (RUS, CHN), (IND, RUS), (PAK, CHN), (USA, 200)):
        total = imp[imp["ccode"] == rcp].set_index("year")["value"]
        got = D.arms_import_shares(tr, rcp, sup, first_year=first, last_year=last, total_imports=total)
        want = _plain_arms(tr, rcp, sup, first, last, total)
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12)
        assert got["share_5y"].notna().sum() > 40


@pytest.mark.parametrize("a, b, years", [(CHN, RUS, range(1995, 2025)), (RUS, CHN, [2023, 2017, 1990]),
                                         (USA, CHN, range(2015, 2025))])
def test_composition_equals_the_group_share_formula(store, a, b, years):
    from powergap.sources.products import hs_groups
    from powergap.states import resolve

    got = D._composition(store, resolve(a), resolve(b), list(years))
    p = D._product_table(store)
    groups = hs_groups()
    for side, (me, other) in (("a", (a, b)), ("b", (b, a))):
        for col, (exp_, imp_), group in ((f"{side}_exports_raw_material_share", (me, other), "raw_materials"),
                                         (f"{side}_imports_machinery_share_84_85", (other, me), "machinery")):
            for y, v in zip(years, got[col]):
                rows = p[(p["exporter"] == exp_) & (p["importer"] == imp_) & (p["year"] == y)]
                inside = rows["product"].astype(str).str[:2].isin(groups[group].chapters)
                want = rows.loc[inside, "value_usd"].sum() / rows["value_usd"].sum() if len(rows) else np.nan
                assert (np.isnan(v) and np.isnan(want)) or v == pytest.approx(want, rel=1e-12)
    if (a, b) == (CHN, RUS):
        assert got["a_imports_machinery_share_84_85"].notna().sum() == 7  # BACI 2017-2023


def test_state_frame_is_the_series_read(store):
    for sid in ("arms_imports_tiv_sipri", "ideal_point", "gdp_usd"):
        got = AL.state_frame(store, sid)
        want = store.rows(sid).to_pandas()
        assert got["ccode"].tolist() == want["ccode"].astype("int64").tolist()
        assert np.array_equal(got["value"].to_numpy(), want["value"].to_numpy(dtype="float64"), equal_nan=True)
        assert got["value"].dtype == "float64" and got["year"].dtype == "int64"


# ----------------------------------------------------------------------------- Womack stability on arrays

def _plain_stability(side: np.ndarray, flag: np.ndarray, k: int) -> np.ndarray:
    """The year-by-year loop the array form replaced: a run grows while the flag holds with
    the same stronger side; a short run that began after a year without data is unknown."""
    d, t = flag.shape
    out = np.full((d, t), np.nan)
    for i in range(d):
        run, unknown = 0, True
        for j in range(t):
            on = flag[i, j] == 1
            same = j > 0 and on and flag[i, j - 1] == 1 and side[i, j] == side[i, j - 1]
            if same:
                run += 1
            else:
                run, unknown = (1 if on else 0), (j == 0 or bool(np.isnan(flag[i, j - 1])))
            if np.isnan(flag[i, j]):
                continue
            out[i, j] = np.nan if on and run < k and unknown else float(run >= k)
    return out


@settings(max_examples=200, deadline=None)
@given(data=st.data(), d=st.integers(1, 4), t=st.integers(1, 14), k=st.integers(1, 6))
def test_stability_runs_equal_the_year_by_year_loop(data, d, t, k):
    from powergap.measures.capability import stability_runs

    cell = st.sampled_from([0.0, 1.0, float("nan")])
    flag = np.array(data.draw(st.lists(st.lists(cell, min_size=t, max_size=t), min_size=d, max_size=d)))
    side = np.array(data.draw(st.lists(st.lists(st.sampled_from([1.0, -1.0, 0.0, float("nan")]), min_size=t,
                                                max_size=t), min_size=d, max_size=d)))
    assert np.array_equal(stability_runs(side, flag, k), _plain_stability(side, flag, k), equal_nan=True)


def test_dependence_columns_joined_by_year_as_a_merge():
    frame = pd.DataFrame({"year": [2000, 2001, 2002], "x": [1.0, 2.0, 3.0]})
    part = pd.DataFrame({"year": [2002, 2000, 1999], "n": [5, 6, 7], "s": ["a", "b", "c"]})
    pd.testing.assert_frame_equal(D._attach(frame, part), frame.merge(part, on="year", how="left"))
    twice = pd.DataFrame({"year": [2000, 2000], "n": [1, 2]})
    pd.testing.assert_frame_equal(D._attach(frame, twice), frame.merge(twice, on="year", how="left"))


def test_one_view_per_store_and_states(store):
    """The assessment and the report's sections ask for the same view of the same states:
    one object, so the caches keyed on it are built once."""
    v = E.Scoped(store, [CHN, RUS])
    assert E.Scoped(store, {RUS, CHN}) is v and E.Scoped(store, [RUS, CHN, CHN]) is v
    assert E.Scoped(store, [CHN, RUS, USA]) is not v and E.Scoped(v, [CHN, RUS]) is not v
    assert v._codes == (RUS, CHN) and v._store is store
    got = E.dyad_values(v, "trade_exports_usd_dots", [CHN], [RUS], [2015])
    assert E._dyad_index(E.Scoped(store, [RUS, CHN]), "trade_exports_usd_dots") is E._dyad_index(
        v, "trade_exports_usd_dots")
    assert got[0] == E.dyad_values(store, "trade_exports_usd_dots", [CHN], [RUS], [2015])[0] > 0


def test_views_go_with_their_store(store):
    """The views are kept on the store: a store nobody holds is freed with them (a registry
    of its own would keep every store ever viewed)."""
    import gc
    import weakref

    from powergap.snapshot.store import Snapshot

    other = Snapshot(store.path)
    gone = weakref.ref(other)
    view = E.Scoped(other, [CHN, RUS])
    assert E.Scoped(other, [RUS, CHN]) is view and E.Scoped(store, [CHN, RUS]) is not view
    del view, other
    gc.collect()
    assert gone() is None


# ----------------------------------------------------------------------------- the report's reads

# every row of the one trade function is its own: the claims check computes all its
# dependence(A, B, YEAR) calls in one call (Evaluator.prepare)
_TRADE_STATES = [CHN, RUS, USA, IND, PAK, KAZ, 255, 220, 740, 305, 987, 2, 710]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_TRADE_STATES), st.sampled_from(_TRADE_STATES),
                          st.integers(1946, 2025)).filter(lambda t: t[0] != t[1]), min_size=2, max_size=12))
def test_trade_shares_of_many_rows_are_each_rows_own(store, rows):
    c1, c2, yy = (np.array(col, dtype=np.int64) for col in zip(*rows))
    many = E.trade_shares(store, c1, c2, yy)
    for i, (a, b, y) in enumerate(rows):
        one = E.trade_shares(store, np.array([a]), np.array([b]), np.array([y]))
        for f in ("share_ab", "source", "source_total_a", "curated", "fact_ids", "citation"):
            got, want = getattr(many, f)[i], getattr(one, f)[0]
            assert got == want or (isinstance(want, float) and np.isnan(want) and np.isnan(got)), (rows[i], f)


def test_claims_checked_with_the_trade_rows_computed_at_once_are_the_same(store, monkeypatch):
    # the seed claims' 31 dependence calls: one trade_shares call, the same verdicts, values,
    # sources, missing lists and curated facts as one call per claim
    from powergap.claims import check_claims, load_claims, seeds_path
    from powergap.claims.evaluate import Evaluator

    claims = load_claims(seeds_path(), store=store)
    seen = []
    real = Evaluator.prepare
    monkeypatch.setattr(Evaluator, "prepare", lambda self, bounds: (real(self, bounds), seen.append(len(self._trade))))
    batched = check_claims(claims, store=store)
    assert seen and seen[0] >= 20  # the batch was used
    monkeypatch.setattr(Evaluator, "prepare", lambda self, bounds: None)
    single = check_claims(claims, store=store)

    def key(r):
        return r.id, r.verdict, r.value, sorted(r.sources), r.missing, r.facts

    assert [key(r) for r in batched.results] == [key(r) for r in single.results]


def test_claim_rows_read_a_looked_up_series_for_the_first_states_only(store, tmp_path):
    # trade_total_usd(RUS, DEU, 2019) and partner_rank(trade_exports_usd, RUS, NLD, 2019) need
    # Russia's rows only; dependence(RUS, AUT, 2019) reads the trade series for both states
    from powergap.claims import check_claims, load_claims
    from powergap.report.build import ClaimRows, check_scoped

    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump([
        {"id": "a", "text": "t", "source": "s", "value": "trade_total_usd(RUS, DEU, 2019)",
         "expect": {"op": ">", "target": 0}},
        {"id": "b", "text": "t", "source": "s", "value": "partner_rank(trade_exports_usd, RUS, NLD, 2019)",
         "expect": {"op": "<=", "target": 10}},
        {"id": "c", "text": "t", "source": "s", "value": "dependence(RUS, AUT, 2019)",
         "expect": {"op": ">", "target": 0}}]), encoding="utf-8")
    claims = load_claims(path, store=store)
    rows = ClaimRows(store, claims)
    assert rows._named_codes["trade_total_usd"] == {RUS}
    assert rows._named_codes["trade_exports_usd"] == {RUS}
    assert rows._indirect_codes == {RUS, 305}
    got = rows.series("trade_total_usd")
    assert (got["ccode1"].isin([RUS, 305]) | got["ccode2"].isin([RUS, 305])).all()
    assert ((got["ccode1"] == RUS) & (got["ccode2"] == 255)).any()  # Russia's row with Germany

    def key(r):
        return r.id, r.verdict, r.value, sorted(r.sources), r.missing

    full, fast = check_claims(claims, store=store), check_scoped(claims, store)
    assert [key(r) for r in fast.results] == [key(r) for r in full.results]
    assert [r.verdict for r in full.results] == ["supported"] * 3  # values 57.7 bn, rank 2, 0.95%


def test_triangle_rows_read_before_the_assessment_change_nothing(store):
    # the report reads the tie series for the pair and the third state before assessing; the
    # assessment then reads the pair's rows from them: the same assessment, the same triangle
    from powergap.assessment import assess
    from powergap.measures.amity import ALLIANCE_SERIES, RIVALRY_SERIES
    from powergap.measures.triangle import triangle
    from powergap.report.build import _warm_triangle, scoped_store
    from powergap.snapshot.store import Snapshot
    from powergap.states import resolve

    fresh, warm = Snapshot(store.path), Snapshot(store.path)
    _warm_triangle(warm, "CHN", "RUS", None, None)
    assert {(sid, (USA, RUS, CHN)) for sid in (*RIVALRY_SERIES, *ALLIANCE_SERIES)} <= \
        {(sid, codes) for sid, codes, _ in warm._pair_cache}
    assert assess("CHN", "RUS", store=warm).to_json() == assess("CHN", "RUS", store=fresh).to_json()
    trio = [resolve(x) for x in ("CHN", "RUS", "USA")]
    for measure in ("evidence", "agreement"):
        a = triangle(*trio, start=1995, end=2024, store=scoped_store(warm, {710, 365, 2}), measure=measure)
        b = triangle(*trio, start=1995, end=2024, store=scoped_store(fresh, {710, 365, 2}), measure=measure)
        assert a.to_json() == b.to_json(), measure
    # a pair with the third state among them, or a bad state: nothing read, no error
    _warm_triangle(fresh, "USA", "CHN", resolve("USA"), None)
    _warm_triangle(fresh, "CHN", "XXX", None, None)
