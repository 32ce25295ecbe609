"""The embedded snapshot: catalog, verify, cite, deterministic and atomic builds."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from powergap.errors import DataError
from powergap.snapshot import build as build_mod
from powergap.snapshot.build import build
from powergap.snapshot.store import Snapshot, package_snapshot_dir
from powergap.sources import all_sources, source

from conftest import RAW

COW = (source("cow_states"), source("cow_nmc"))


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "powergap", *args], capture_output=True, text=True, env=env)


def copy_cow_raw(dst: Path) -> Path:
    for src in COW:
        for rel in src.files:
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(RAW / rel, dst / rel)
    return dst


def tree_bytes(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}


# ----------------------------------------------------------------------------- shipped snapshot

def test_shipped_snapshot_verifies(store):
    assert store.verify() == []


def test_catalog_lists_coverage_and_provenance(store):
    cat = store.catalog
    ids = {s["id"] for s in cat["series"]}
    assert {"cinc", "milper", "irst", "pec", "tpop", "upop"} <= ids
    for s in cat["series"]:
        assert s["first_year"] <= s["last_year"]
        assert s["source"] in store.source_index
        assert s["unit"] and s["dimension"] and s["description"]
    for src in cat["sources"]:
        assert src["citation"] and src["licence"] and src["url"]
        for f in src["files"]:
            assert len(f["sha256"]) == 64
    assert cat["end_year"] >= 2022


def test_no_missing_values_stored(store):
    sy = store.state_year_all()
    assert sy["value"].notna().all()
    assert not sy.duplicated(["series", "ccode", "year"]).any()


def test_snapshot_size_under_30mb():
    total = sum(p.stat().st_size for p in package_snapshot_dir().iterdir())
    assert total < 30 * 1024 * 1024


def test_data_info_json_lists_every_series(store):
    out = run_cli("data", "info", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert len(doc["series"]) == len(store.catalog["series"])
    for s in doc["series"]:
        assert set(s) >= {"id", "unit", "dimension", "source", "first_year", "last_year", "dyadic"}
        assert isinstance(s["dyadic"], bool)


def test_cite_names_exact_sources():
    out = run_cli("cite", "cinc")
    assert out.returncode == 0
    assert "Correlates of War" in out.stdout or "National Material Capabilities" in out.stdout
    assert out.stdout.count("\n") == 1
    bib = run_cli("cite", "cinc", "--bibtex")
    assert bib.stdout.startswith("@misc{cow_nmc")


def test_cite_unknown_series_is_one_line_error():
    out = run_cli("cite", "no_such_series")
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert "unknown series 'no_such_series'" in out.stderr
    assert "Traceback" not in out.stderr


def test_verify_names_the_file_that_differs(tmp_path):
    snap = tmp_path / "snap"
    shutil.copytree(package_snapshot_dir(), snap)
    target = snap / "state_year.parquet"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    out = run_cli("data", "verify", env={**__import__("os").environ, "POWERGAP_SNAPSHOT": str(snap)})
    assert out.returncode == 2
    assert "state_year.parquet: checksum differs" in out.stderr
    assert out.stderr.strip().count("\n") == 0 and "Traceback" not in out.stderr


# ----------------------------------------------------------------------------- builds from raw

@pytest.mark.usefixtures("raw_dir")
def test_cow_build_is_deterministic(tmp_path):
    a = build(RAW, tmp_path / "a", sources=COW)
    b = build(RAW, tmp_path / "b", sources=COW)
    assert a == b
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")
    assert Snapshot(tmp_path / "a").verify() == []


@pytest.mark.usefixtures("raw_dir")
@pytest.mark.parametrize("damage", ["missing_column", "truncated", "junk_value", "missing_file"])
def test_bad_raw_file_fails_cleanly_and_keeps_output(tmp_path, damage):
    raw = copy_cow_raw(tmp_path / "raw")
    out = tmp_path / "out"
    build(raw, out, sources=COW)
    before = tree_bytes(out)
    nmc = raw / "cow_nmc/cow_nmc_v7.0_peacesciencer.csv"
    lines = nmc.read_text().splitlines()
    if damage == "missing_column":
        df = pd.read_csv(nmc).drop(columns=["irst"])
        df.to_csv(nmc, index=False)
    elif damage == "truncated":
        nmc.write_text("\n".join(lines[:500]) + "\n710,2023,38")
    elif damage == "junk_value":
        nmc.write_text("\n".join(lines[:3] + ["2,1818,abc,17,80,254,9000,100,0.04"] + lines[3:]))
    else:
        nmc.unlink()
    with pytest.raises(DataError) as exc:
        build(raw, out, sources=COW)
    assert "\n" not in str(exc.value)
    assert ("cow_nmc" in str(exc.value)) or ("cow_nmc_v7.0" in str(exc.value))
    assert tree_bytes(out) == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".out.")]


@pytest.mark.usefixtures("raw_dir")
def test_interrupted_write_leaves_previous_snapshot(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(RAW, out, sources=COW)
    before = tree_bytes(out)
    calls = {"n": 0}
    real = build_mod._write_parquet

    def explode(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(build_mod, "_write_parquet", explode)
    with pytest.raises(KeyboardInterrupt):
        build(RAW, out, sources=COW)
    assert tree_bytes(out) == before
    assert Snapshot(out).verify() == []


@pytest.mark.usefixtures("raw_dir")
def test_cli_build_error_is_one_line(tmp_path):
    out = run_cli("data", "build", "--raw", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o"))
    assert out.returncode == 2
    assert out.stderr == f"powergap: error: raw directory not found: {tmp_path / 'nowhere'}\n"


def test_every_source_is_cited_and_declares_files():
    for src in all_sources():
        assert src.files and src.citation and src.licence and src.url, src.key


def test_docs_data_catalogue_is_current():
    """docs/data.md is generated from the shipped catalog; regenerate it after a build."""
    from powergap.citations import catalogue_markdown
    from powergap.snapshot.store import Snapshot

    doc = (Path(__file__).resolve().parent.parent / "docs" / "data.md").read_text(encoding="utf-8")
    assert doc == catalogue_markdown(Snapshot(package_snapshot_dir())), "run: powergap data info --markdown > docs/data.md"


@pytest.mark.usefixtures("raw_dir")
def test_full_build_reproduces_the_shipped_snapshot_byte_for_byte(tmp_path):
    """The acceptance of the Foundation issue: building from ../shared gives the committed
    files. Parquet bytes depend on the writer, so with another pyarrow than the one the
    catalog records, the tables are compared by content instead."""
    import pyarrow
    import pyarrow.parquet as pq

    shipped = Snapshot(package_snapshot_dir())
    build(RAW, tmp_path / "snap")
    fresh = tree_bytes(tmp_path / "snap")
    if shipped.catalog["writer"] == f"pyarrow {pyarrow.__version__}":
        assert fresh == tree_bytes(package_snapshot_dir())
    else:
        assert set(fresh) == set(tree_bytes(package_snapshot_dir()))
        for name in fresh:
            if name.endswith(".parquet"):
                assert pq.read_table(tmp_path / "snap" / name).equals(pq.read_table(package_snapshot_dir() / name))
