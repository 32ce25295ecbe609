"""Shared fixtures.

What may skip, and what may not (issue 12):

* tests that read the raw files under ../shared/data/raw use ``raw_dir`` (or ``requires_raw``)
  and skip when that directory is absent, so a clone without ../shared passes; CI has it;
* the browser test skips when chromium is absent, the permission test when run as root;
* nothing skips because the *shipped* snapshot lacks a series or table: that is a failure
  (tests/test_shipped_series.py checks every declared series and table by name);
* a declared test dependency (``pip install -e ".[test]"``) is imported, never skipped.
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT.parent / "shared" / "data" / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

requires_raw = pytest.mark.skipif(not RAW.is_dir(), reason="../shared/data/raw not present")


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    if not RAW.is_dir():
        pytest.skip("../shared/data/raw not present")
    return RAW


@pytest.fixture(scope="session")
def store():
    from powergap.snapshot.store import default_store

    return default_store()



@pytest.fixture(scope="session")
def rel_fake():
    """The module that writes the tiny hand-made relations snapshot (tests/fixtures/relations)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("rel_fake_snapshot", FIXTURES / "relations" / "fake_snapshot.py")
    fake = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fake)
    return fake


@pytest.fixture(scope="module")
def rel_store(rel_fake, tmp_path_factory):
    return rel_fake.load_store(rel_fake.write_snapshot(tmp_path_factory.mktemp("rel") / "snap"))
