"""The seed claims shipped with the package: they load, parse, name only known functions,
series and countries, quote their seed exactly, and run from the CLI."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from powergap.claims import check_claims, load_claims, seeds_path
from powergap.claims.evaluate import FUNCTIONS, series_registry
from powergap.claims.parse import Name, iter_calls

SEEDS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
SEED_FILES = ["000_472813444b920a34.txt", "001_32a61a6f2c38fac9.txt", "002_68a84e90bc4b6cba.txt",
              "003_435c0581c92eed09.txt", "004_1d6f208102361938.txt"]


@pytest.fixture(scope="module")
def seeds(store):
    return load_claims(seeds_path(), store=store)


@pytest.fixture(scope="module")
def report(store):
    return check_claims(seeds_path(), store=store)


def test_seeds_file_is_shipped_and_loads(seeds):
    assert seeds_path().is_file()
    assert len(seeds) >= 30
    assert len({c.id for c in seeds}) == len(seeds)


def test_every_seed_document_has_claims(seeds):
    per_file = Counter(c.source.split(",")[0] for c in seeds)
    assert set(per_file) == set(SEED_FILES)
    assert all(n >= 3 for n in per_file.values())


def test_seed_claims_name_known_functions_and_series(seeds, store):
    catalog = {s["id"] for s in store.catalog["series"]}
    known = catalog | set(series_registry())
    for c in seeds:
        for call in iter_calls(c.tree):
            assert call.name in FUNCTIONS or call.name in known, (c.id, call.name)
            if call.name in FUNCTIONS and call.args and isinstance(call.args[0], Name) \
                    and call.name not in ("curated", "product_share", "dependence", "agreement", "cinc"):
                assert call.args[0].text in known, (c.id, call.args[0].text)


def test_seed_sources_point_at_a_line_and_section(seeds):
    for c in seeds:
        assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt, line \d+, section '.+'", c.source), c.source


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="../shared/seeds not present")
def test_seed_texts_are_quoted_exactly(seeds):
    for c in seeds:
        fname, line = c.source.split(",")[0], int(c.source.split("line ")[1].split(",")[0])
        lines = (SEEDS_DIR / fname).read_text(encoding="utf-8").split("\n")
        assert c.text in lines[line - 1], (c.id, c.text)


def test_no_seed_is_supported_by_its_own_figure(report):
    """Curated facts used by the seeds must come from a publisher, not from a seed essay."""
    seed_publishers = ("riddle", "kondratenko", "caspianreport", "asan forum", "worldcrunch", "cryptopolitan")
    for r in report.results:
        for fact in r.facts:
            src = str(fact.get("source", "")).lower()
            assert not any(p in src for p in seed_publishers), (r.id, fact)


def test_seeds_run_and_count(report):
    s = report.summary
    assert sum(s.values()) == len(report.results) >= 30
    for r in report.results:
        if r.verdict == "unverifiable":
            assert r.missing, r.id  # always says what is missing
        else:
            assert r.sources, r.id  # always says where the value came from


def test_cli_seeds_json(capsys):
    from powergap.cli import main

    main(["claims", "check", "--seeds", "--json"])
    d = json.loads(capsys.readouterr().out)
    assert set(d["summary"]) == {"supported", "contradicted", "unverifiable"}
    assert sum(d["summary"].values()) == len(d["claims"]) >= 30
    first = d["claims"][0]
    for key in ("id", "verdict", "curated", "value", "missing", "sources"):
        assert key in first


def test_seed_series_missing_from_snapshot_are_planned_or_wanted(seeds, store):
    """Lists (in the test log) the series the seeds need that this snapshot lacks."""
    catalog = {s["id"] for s in store.catalog["series"]}
    reg = series_registry()
    needed = set()
    for c in seeds:
        for call in iter_calls(c.tree):
            names = [call.name] + [a.text for a in call.args if isinstance(a, Name)]
            needed |= {n for n in names if n in reg and n not in catalog}
    for n in sorted(needed):
        assert reg[n].status in ("planned", "wanted")
    print("series the seeds need that the snapshot lacks:", ", ".join(sorted(needed)))
