"""``powergap profile`` and ``powergap robustness`` against the shipped snapshot (issue 4 item 6-7)."""

from __future__ import annotations

import json

import pytest

from powergap.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_profile_json_chn_rus(capsys):
    code, out, err = run(capsys, "profile", "CHN", "RUS", "--start", "1985", "--end", "2022", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert (d["a"], d["b"], d["threshold"]) == ("CHN", "RUS", 1.5)
    assert [y["year"] for y in d["years"]] == list(range(1985, 2023))
    y = {x["year"]: x for x in d["years"]}
    c = y[2022]["series"]["cinc"]
    assert c["stronger"] == "CHN" and c["ratio"] > 1.5 and c["womack"] is True and c["stable"] is True
    assert y[1985]["series"]["cinc"]["stronger"] == "RUS"  # the Soviet Union led on CINC
    mil = y[2022]["dimensions"]["military"]
    assert set(mil) >= {"ratio", "stronger", "womack", "stable"}
    assert mil["stronger"] == "CHN"
    assert y[2022]["korolev"]["label"].startswith("asymmetric: military (CHN stronger")
    for item in y[2022]["dimensions"].values():  # no data is null, never parity
        if item["ratio"] is None and not item.get("ratio_infinite"):
            assert item["stronger"] is None and item["womack"] is None and item["stable"] is None


def test_profile_symmetric_verdicts(capsys):
    _, out1, _ = run(capsys, "profile", "CHN", "RUS", "--start", "2015", "--end", "2022", "--json")
    _, out2, _ = run(capsys, "profile", "Russia", "China", "--start", "2015", "--end", "2022", "--json")
    d1, d2 = json.loads(out1), json.loads(out2)
    for y1, y2 in zip(d1["years"], d2["years"]):
        for name, item in y1["dimensions"].items():
            other = y2["dimensions"][name]
            for key in ("ratio", "stronger", "womack", "stable"):
                assert item[key] == other[key]
            assert (item["a"], item["b"]) == (other["b"], other["a"])


def test_profile_table_output(capsys):
    code, out, err = run(capsys, "profile", "CHN", "RUS", "--start", "2020", "--end", "2022")
    assert code == 0, err
    assert "Korolev order, 2022" in out and "cinc" in out


def test_robustness_json_chn_rus(capsys):
    code, out, err = run(capsys, "robustness", "CHN", "RUS", "--year", "2020", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert set(d) >= {"a", "b", "year", "threshold", "dimensions", "scores", "fraction", "min_ratio", "max_ratio"}
    assert (d["a"], d["b"], d["year"], d["threshold"]) == ("CHN", "RUS", 2020, 1.5)
    assert set(d["scores"]["a"]) == set(d["dimensions"]) == set(d["scores"]["b"])
    assert set(d["dimensions"]) | set(d["missing_dimensions"]) == {
        "military", "economic", "financial", "technological", "demographic", "nuclear", "diplomatic"}
    # the CLI prints the library's own figure (a bound like 0 <= f <= 1 could not fail)
    from powergap.measures.robustness import dyad_robustness

    lib = dyad_robustness("CHN", "RUS", year=2020)
    assert d["dimensions"] == list(lib.dimensions)
    assert d["fraction"] == pytest.approx(lib.fraction, abs=1e-12) and 0 <= d["fraction"] <= 1
    for dim in d["dimensions"]:
        assert d["scores"]["a"][dim] + d["scores"]["b"][dim] == pytest.approx(1.0)


def test_robustness_selected_dimensions(capsys):
    code, out, err = run(capsys, "robustness", "CHN", "RUS", "--year", "2020", "--dimensions", "military,economic",
                         "--threshold", "2", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["dimensions"] == ["military", "economic"] and d["threshold"] == 2.0
    code, out, _ = run(capsys, "robustness", "CHN", "RUS", "--year", "2020", "--dimensions", "military",
                       "--dimensions", "demographic")
    assert code == 0 and "Share of all weightings" in out


@pytest.mark.parametrize("argv, message", [
    (("profile", "CHN", "CHN"), "same state"),
    (("profile", "CHN", "Narnia"), "unknown country 'Narnia'"),
    (("profile", "CHN", "RUS", "--start", "2020", "--end", "2000"), "after end year"),
    (("profile", "CHN", "RUS", "--start", "1700", "--end", "1800"), "years 1700-1800 reach outside the snapshot's years"),
    (("profile", "CHN", "RUS", "--threshold", "0.5"), "threshold must be a number >= 1"),
    (("profile", "CHN", "RUS", "--registry", "/nonexistent/registry.yaml"), "registry file not found"),
    (("robustness", "CHN", "RUS", "--year", "2100"), "year 2100 is outside the snapshot's years"),
    (("robustness", "CHN", "RUS", "--dimensions", "cyber"), "unknown dimension(s) cyber"),
    (("robustness", "CHN", "RUS", "--normalise", "zscore"), "--normalise must be one of share, max, none, got 'zscore'"),
    (("robustness", "RUS", "Soviet Union", "--year", "2000"), "same state"),
])
def test_cli_errors_are_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("powergap: error:") and message in err and err.count("\n") == 1


def test_user_registry_from_cli(capsys, tmp_path):
    reg = tmp_path / "reg.yaml"
    reg.write_text(
        "dimensions:\n"
        "  military:\n    series:\n      - {id: milper, direction: 1, unit: thousands}\n"
        "  industry:\n    series:\n      - {id: irst, direction: 1, unit: kt}\n"
        "indices:\n  - {id: cinc, direction: 1, unit: share}\n", encoding="utf-8")
    code, out, err = run(capsys, "profile", "USA", "GBR", "--start", "1900", "--end", "1901", "--registry", str(reg),
                         "--json")
    assert code == 0, err
    d = json.loads(out)
    assert set(d["years"][0]["dimensions"]) == {"military", "industry"}
    assert "korolev" not in d["years"][0]  # the registry lacks Korolev's dimensions
    bad = tmp_path / "bad.yaml"
    bad.write_text("dimensions:\n  military:\n    series:\n      - {id: milperr, direction: 1, unit: k}\n",
                   encoding="utf-8")
    code, _, err = run(capsys, "profile", "USA", "GBR", "--registry", str(bad))
    assert code == 2 and "bad.yaml" in err and "unknown series 'milperr'" in err and "milper" in err


def test_profile_names_the_series_behind_each_dimension(capsys):
    """China-Russia military: NMC to 1996, SIPRI from 1997, with no alternation (the old rule
    switched NMC 1985-88, SIPRI 1989-90, NMC 1991-92, SIPRI after); technological: R&D
    spending to 2023, patent applications in 2024."""
    code, out, err = run(capsys, "profile", "CHN", "RUS", "--start", "1985", "--end", "2024")
    assert code == 0, err
    text = " ".join(out.split())
    assert "mil: nmc_milex 1985-1996, milex_usd 1997-2024;" in text
    assert "rd_spending_usd 2000-2023, patent_applications 2024;" in text
    code, out, err = run(capsys, "profile", "CHN", "RUS", "--start", "1985", "--end", "2024", "--json")
    years = {y["year"]: y["dimensions"]["military"]["series"] for y in json.loads(out)["years"]}
    assert [years[y] for y in (1988, 1989, 1990, 1991, 1992, 1996, 1997)] == ["nmc_milex"] * 6 + ["milex_usd"]


def test_robustness_says_how_many_dimensions(capsys):
    code, out, err = run(capsys, "robustness", "CHN", "RUS", "--year", "2023")
    assert code == 0, err
    assert "Share of all weightings of these 6 dimensions" in " ".join(out.split())
