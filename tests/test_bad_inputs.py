"""The catalogue of bad inputs (docs/errors.md): each gets one clear line on stderr and a
non-zero exit, never a traceback, and leaves nothing half-written."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "powergap", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300)


def one_line_error(res, *needles):
    """One ``powergap: error:`` line naming the problem (every needle), exit status 2 (bad
    input, data or output path: docs/errors.md), no traceback."""
    assert needles, "an error test must name the text it expects"
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
    err = res.stderr.strip()
    assert "Traceback" not in err, err
    assert err.count("\n") == 0, err
    assert err.startswith("powergap: error:"), err
    for n in needles:
        assert n in err, err
    return err


CASES = [
    # (id, argv, substrings of the one error line)
    ("unknown country", ["assess", "CHN", "Atlantis"], ["unknown country 'Atlantis'"]),
    ("misspelt country", ["assess", "Chna", "RUS"], ["unknown country 'Chna'", "closest matches", "China"]),
    ("ambiguous country", ["assess", "Congo", "RUS"], ["ambiguous country 'Congo'"]),
    ("identical countries", ["assess", "CHN", "China"], ["against itself"]),
    ("years reversed", ["assess", "CHN", "RUS", "--start", "2010", "--end", "2000"], ["after end year"]),
    ("years outside coverage", ["assess", "CHN", "RUS", "--start", "1700", "--end", "1800"], ["outside the data"]),
    ("non-numeric year", ["assess", "CHN", "RUS", "--start", "abc"], ["--start", "valid integer"]),
    ("missing config file", ["assess", "CHN", "RUS", "--config", "/nonexistent/c.yaml"], ["config file not found"]),
    ("unknown series", ["cite", "gdp_usdd"], ["unknown series 'gdp_usdd'", "gdp_usd"]),
    ("unknown command", ["asses", "CHN", "RUS"], ["No such command 'asses'"]),
    ("--all without year", ["assess", "--all", "-o", "/tmp/x.parquet"], ["--year"]),
    ("profile identical", ["profile", "RUS", "Russia"], ["same state (RUS)"]),
    ("robustness bad year", ["robustness", "CHN", "RUS", "--year", "1700"], ["year 1700", "outside"]),
    ("dependence reversed", ["dependence", "RUS", "CHN", "--start", "2010", "--end", "2000"],
     ["start year 2010 is after end year 2000"]),
    ("triangle repeated state", ["triangle", "USA", "CHN", "CHN"], ["CHN and CHN name the same state"]),
    ("panel unknown verb", ["panel", "dyad-years", "--start", "2000", "--end", "2001", "--add", "nmc,bogus", "-o", "/tmp/p.parquet"], ["bogus"]),
    ("panel bad extension", ["panel", "state-years", "--start", "2000", "--end", "2001", "-o", "/tmp/p.xlsx"],
     ["cannot tell the output format of '/tmp/p.xlsx'", ".parquet"]),
    ("report unknown country", ["report", "CHN", "Narnia", "-o", "/tmp/r.html"], ["unknown country 'Narnia'"]),
]


@pytest.mark.parametrize("argv, needles", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_cli_input_is_one_line(argv, needles):
    one_line_error(run(*argv), *needles)


@pytest.mark.parametrize("text, needle", [
    ("capability: {threshold: [\n", "not valid YAML"),
    ("capability:\n  threshold: -1\n", "must not be negative"),
    ("nonsense: 1\n", "unknown setting 'nonsense'"),
    ("- a list\n", "must be a mapping"),
])
def test_malformed_config(tmp_path, text, needle):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(text)
    one_line_error(run("assess", "CHN", "RUS", "--config", str(cfg)), needle, str(cfg))


@pytest.mark.parametrize("text, needles", [
    ("just text\n", ["must be a YAML list of claims"]),
    ("- id: x\n  text: t\n  source: s\n  value: \"__import__('os')\"\n  expect: {op: approx, target: 1}\n",
     ["claim 'x'", "'__import__'", "not allowed"]),
    ("- id: x\n  text: t\n  source: s\n  value: gdp_usd(CHN, 2018)\n  expect: {op: '~', target: 1}\n",
     ["claim 'x'", "bad op '~'"]),
    ("- id: x\n  text: t\n", ["claim 'x'", "missing 'source'"]),
    ("- id: [unclosed\n", ["not valid YAML", "line 2"]),
])
def test_malformed_claim_file(tmp_path, text, needles):
    f = tmp_path / "claims.yaml"
    f.write_text(text)
    one_line_error(run("claims", "check", str(f)), str(f), *needles)


def test_unwritable_output_paths(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for argv in (["assess", "--all", "--year", "2014", "-o", str(blocker / "out.parquet")],
                 ["report", "CHN", "RUS", "-o", str(blocker / "r.html")],
                 ["panel", "state-years", "--start", "2000", "--end", "2001", "-o", str(blocker / "p.csv")]):
        # a refused output path: exit 2 per docs/errors.md, before any work
        one_line_error(run(*argv), "cannot write", f"{argv[-1]}: Not a directory")
    assert blocker.read_text() == "x"


# ----------------------------------------------------------------------------- data build

COW_FILES = ["cow_states/cow_states_2016_peacesciencer.csv", "cow_nmc/cow_nmc_v7.0_peacesciencer.csv"]


@pytest.fixture
def raw_copy(tmp_path, raw_dir):
    dst = tmp_path / "raw"
    shutil.copytree(raw_dir, dst, ignore=shutil.ignore_patterns("*.rda", "*.RData", "*.dta", "*.RDS"))
    return dst


@pytest.mark.parametrize("damage, needle", [
    ("truncated", "truncated"),
    ("wrong header", "missing expected column"),
    ("wrong types", "non-numeric"),
    ("missing", "raw file missing"),
])
def test_bad_raw_file_during_build(tmp_path, raw_copy, damage, needle):
    out = tmp_path / "snap"
    shutil.copytree(ROOT / "src/powergap/data/snapshot", out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    nmc = raw_copy / COW_FILES[1]
    text = nmc.read_text()
    if damage == "truncated":
        nmc.write_text(text[: len(text) // 2].rsplit("\n", 1)[0] + "\n710,2023,12")
    elif damage == "wrong header":
        nmc.write_text(text.replace("milper", "mil_per", 1))
    elif damage == "wrong types":
        lines = text.splitlines()
        lines[5] = lines[5].replace(lines[5].split(",")[3], "lots", 1)
        nmc.write_text("\n".join(lines) + "\n")
    else:
        nmc.unlink()
    res = run("data", "build", "--raw", str(raw_copy), "--out", str(out))
    one_line_error(res, needle)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".snap.")]


def test_interrupted_build_keeps_previous_snapshot(tmp_path, raw_dir):
    out = tmp_path / "snap"
    shutil.copytree(ROOT / "src/powergap/data/snapshot", out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proc = subprocess.Popen([sys.executable, "-m", "powergap", "data", "build", "--raw", str(raw_dir), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(4)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    env = {**os.environ, "POWERGAP_SNAPSHOT": str(out)}
    res = run("data", "verify", env=env)
    assert res.returncode == 0, res.stderr
