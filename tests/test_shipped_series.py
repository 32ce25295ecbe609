"""The shipped snapshot holds every series and table that the code says it holds (issue 12).

A series or table dropped from a build (a reader that stops producing it, a precedence
rule that loses it, a build from an incomplete raw directory) fails here, by name. Tests
elsewhere that use a series assert its presence too; none of them skips when it is absent.
"""

from __future__ import annotations

import pytest

from powergap.snapshot import precedence
from powergap.sources import all_sources


def _series_ids(source) -> list[str]:
    return [spec.id for spec in source.series]


@pytest.fixture(scope="module")
def shipped(store):
    return {s["id"]: s for s in store.catalog["series"]}, set(store.catalog.get("tables", {}))


def test_every_series_a_shipped_source_declares_is_in_the_snapshot(shipped):
    series, _ = shipped
    missing = [f"{src.key}: {sid}" for src in all_sources() if src.embed for sid in _series_ids(src)
               if sid not in series]
    assert not missing, "declared series missing from the shipped snapshot: " + ", ".join(missing)
    empty = [sid for sid, meta in series.items() if not meta.get("n_obs")]
    assert not empty, "series with no observations in the shipped snapshot: " + ", ".join(empty)


def test_every_table_a_shipped_source_declares_is_in_the_snapshot(shipped):
    _, tables = shipped
    missing = [f"{src.key}: {t}" for src in all_sources() if src.embed for t in src.tables if t not in tables]
    assert not missing, "declared tables missing from the shipped snapshot: " + ", ".join(missing)


def test_sources_that_may_not_be_redistributed_are_not_shipped(shipped):
    series, tables = shipped
    leaked = [f"{src.key}: {x}" for src in all_sources() if not src.embed
              for x in (*_series_ids(src), *src.tables) if x in series or x in tables]
    assert not leaked, "non-redistributable data in the shipped snapshot: " + ", ".join(leaked)


def test_combined_series_are_in_the_snapshot(shipped):
    series, _ = shipped
    combined = {*precedence.PRECEDENCE, *precedence.TOTAL_OF, *precedence.TOTAL_OF.values(),
                *precedence.PAIRED, *precedence.PAIRED.values()}
    missing = sorted(sid for sid in combined if sid not in series)
    assert not missing, "combined series missing from the shipped snapshot: " + ", ".join(missing)


def test_capability_registry_series_are_in_the_snapshot(shipped):
    from powergap.measures.capability import load_registry

    series, _ = shipped
    missing = sorted(sid for sid in load_registry().series_ids() if sid not in series)
    assert not missing, "capability registry series missing from the shipped snapshot: " + ", ".join(missing)
