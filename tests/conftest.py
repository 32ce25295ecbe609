import os
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
