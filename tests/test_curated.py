"""Curated facts: strict loading and lookups."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import RAW
from powergap.curated import Fact, fact_value, load_facts
from powergap.errors import InputError

GOOD = """\
- id: pair-2023
  series: trade_total
  countries: [CHN, RUS]
  year: 2023
  value: 240.1e9
  unit: USD
  source: "Customs, 2024"
- id: dir-2024
  series: exports
  from: RUS
  to: China
  year: 2024
  value: 129320000000
  unit: USD
  source: "Customs, 2025"
- id: shares
  series: share_5y
  values: {USA: 0.43, FRA: 0.096}
  period: [2020, 2024]
  source: "Fact sheet"
  note: "five-year shares"
- id: one-state
  series: trade_total_all_partners
  countries: [RUS]
  year: 2023
  value: 710.1e9
  source: "FCS"
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "facts.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_shipped_facts_load_and_answer_the_flagship_lookups():
    facts = load_facts()
    assert len(facts) >= 7 and all(isinstance(f, Fact) and f.source for f in facts)
    value, fact = fact_value("trade_total", "CHN", "RUS", 2023)
    assert value == 240.1e9 and fact.id == "gacc-cn-ru-trade-2023" and "Customs" in fact.source
    assert fact_value("trade_total", "Russia", "China", 2022)[0] == 190.27e9  # pair order does not matter
    assert fact_value("exports", "RUS", "CHN", 2024)[0] == 129.32e9
    assert fact_value("exports", "CHN", "RUS", 2024)[0] == 115.49e9
    assert fact_value("arms_export_share_5y", "RUS", period=(2020, 2024))[0] == 0.078
    assert fact_value("trade_total", "CHN", "RUS", 2019) is None


def test_shipped_copy_matches_the_shared_file():
    import yaml

    shared = RAW.parent / "curated" / "facts.yaml"
    if not shared.is_file():
        pytest.skip("../shared not present")
    packaged = Path(__file__).resolve().parent.parent / "src" / "powergap" / "data" / "curated_facts.yaml"
    assert yaml.safe_load(packaged.read_text()) == yaml.safe_load(shared.read_text())


def test_lookup_rules(tmp_path):
    facts = load_facts(write(tmp_path, GOOD))
    # numeric strings (PyYAML reads 240.1e9 as text) become numbers
    assert facts[0].value == 240.1e9 and facts[0].ccodes == frozenset({710, 365})
    assert fact_value("trade_total", "RUS", "CHN", 2023, facts=facts)[0] == 240.1e9
    assert fact_value("exports", "RUS", "CHN", 2024, facts=facts)[0] == 129.32e9
    assert fact_value("exports", "CHN", "RUS", 2024, facts=facts) is None  # directed
    assert fact_value("share_5y", "FRA", facts=facts)[0] == 0.096  # latest when no time given
    assert fact_value("share_5y", "USA", year=2022, facts=facts) is None  # a period is not a year
    assert fact_value("share_5y", "CHN", period=(2020, 2024), facts=facts) is None
    assert fact_value("trade_total_all_partners", "Russia", year=2023, facts=facts)[0] == 710.1e9
    assert fact_value("trade_total", "CHN", facts=facts) is None  # a pair fact needs both states
    assert facts[2].when == "2020-2024" and facts[0].when == "2023"


@pytest.mark.parametrize("text, message", [
    ("- id: a\n  series: s\n  countries: [CHN]\n  year: 2020\n  value: 1\n  source: x\n  colour: red\n",
     "fact 'a': unknown key(s) colour"),
    ("- series: s\n  countries: [CHN]\n  year: 2020\n  value: 1\n  source: x\n", "entry 1 has no 'id'"),
    ("- id: a\n  series: s\n  countries: [CHN]\n  year: 2020\n  value: 1\n", "fact 'a': missing 'source'"),
    ("- id: a\n  series: s\n  countries: [CHN]\n  year: 2020\n  source: x\n", "fact 'a': missing 'value'"),
    ("- id: a\n  series: s\n  countries: [CHN]\n  year: 2020\n  value: lots\n  source: x\n", "fact 'a': 'value' must be a number"),
    ("- id: a\n  series: s\n  countries: [Atlantis]\n  year: 2020\n  value: 1\n  source: x\n", "fact 'a': unknown country 'Atlantis'"),
    ("- id: a\n  series: s\n  countries: [CHN]\n  value: 1\n  source: x\n", "fact 'a': give exactly one of 'year' or 'period'"),
    ("- id: a\n  series: s\n  countries: [CHN]\n  period: [2024, 2020]\n  value: 1\n  source: x\n", "fact 'a': 'period' starts after"),
    ("- id: a\n  series: s\n  from: CHN\n  year: 2020\n  value: 1\n  source: x\n", "fact 'a': 'from' without 'to'"),
    ("- id: a\n  series: s\n  year: 2020\n  value: 1\n  source: x\n", "fact 'a': give exactly one subject"),
    ("- id: a\n  series: s\n  countries: [CHN]\n  year: 2020\n  value: 1\n  source: x\n"
     "- id: a\n  series: t\n  countries: [CHN]\n  year: 2020\n  value: 1\n  source: x\n", "fact 'a': duplicate id"),
    ("- id: a\n  series: s\n  countries: [CHN, RUS]\n  year: 2020\n  value: 1\n  source: x\n"
     "- id: b\n  series: s\n  countries: [RUS, CHN]\n  year: 2020\n  value: 2\n  source: y\n", "fact 'b': same series"),
    ("id: a\n", "expected a list of facts"),
    ("- id: a\n  series: [unclosed\n", "not valid YAML"),
])
def test_bad_facts_raise_one_line_input_errors(tmp_path, text, message):
    p = write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        load_facts(p)
    msg = str(exc.value)
    assert message in msg and "facts.yaml" in msg and "\n" not in msg


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="nothere.yaml: curated facts file not found"):
        load_facts(tmp_path / "nothere.yaml")
