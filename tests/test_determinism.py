"""Determinism (issue 9, item 4): the same command on the same snapshot gives byte-identical
output: JSON on stdout, Parquet files, and HTML reports identical apart from the one element
marked as the generation date.

Two fresh Python processes run every command through the CLI's entry point
(``powergap.cli.main``, what ``python -m powergap`` calls), with different hash seeds
(``PYTHONHASHSEED``, so any output that depends on set or dict-of-set iteration order
shows) and in opposite orders (so any output that depends on what an earlier command left
in a cache shows). The two processes run side by side, which also halves the wall time on
two cores. One command is also run twice as a plain ``python -m powergap`` subprocess.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# name -> CLI arguments; "{out}" is replaced by a file in the run's own directory, and a
# command without it is judged by its stdout
COMMANDS: dict[str, list[str]] = {
    "assess.json": ["assess", "CHN", "RUS", "--start", "2010", "--end", "2020", "--json"],
    "profile.json": ["profile", "CHN", "RUS", "--start", "2000", "--end", "2020", "--json"],
    "robustness.json": ["robustness", "CHN", "RUS", "--year", "2020", "--json"],
    "dependence.json": ["dependence", "RUS", "CHN", "--start", "2010", "--end", "2020", "--json"],
    "alignment.json": ["alignment", "CHN", "RUS", "--start", "2010", "--end", "2019", "--json"],
    "triangle.json": ["triangle", "USA", "CHN", "RUS", "--start", "2000", "--end", "2019", "--json"],
    "claims.json": ["claims", "check", "--seeds", "--json"],
    "panel.parquet": ["panel", "dyad-years", "--start", "2000", "--end", "2010", "--add", "nmc", "-o", "{out}"],
    "assess_all.parquet": ["assess", "--all", "--year", "2014", "-o", "{out}"],
    "report.html": ["report", "CHN", "RUS", "--start", "2015", "--end", "2020", "-o", "{out}"],
}

# Runs the commands in one process, in the order given, each with stdout (file descriptor
# 1, so every writer is caught) sent to its own file; writes a manifest of exit codes.
DRIVER = textwrap.dedent("""
    import json, os, sys
    from pathlib import Path

    out_dir = Path(sys.argv[1])
    commands = json.loads(sys.argv[2])
    from powergap.cli import main

    codes = {}
    for name, argv in commands:
        target = out_dir / name
        uses_out = any("{out}" in a for a in argv)
        argv = [a.replace("{out}", str(target)) for a in argv]
        sink = out_dir / (name + ".stdout") if uses_out else target
        err = open(out_dir / (name + ".stderr"), "wb")
        with open(sink, "wb") as fh:
            sys.stdout.flush(); sys.stderr.flush()
            saved_out, saved_err = os.dup(1), os.dup(2)
            os.dup2(fh.fileno(), 1); os.dup2(err.fileno(), 2)
            try:
                try:
                    main(argv)
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            finally:
                sys.stdout.flush(); sys.stderr.flush()
                os.dup2(saved_out, 1); os.dup2(saved_err, 2)
                os.close(saved_out); os.close(saved_err)
        err.close()
        codes[name] = code
    (out_dir / "manifest.json").write_text(json.dumps(codes))
""")

TIMEOUT = 900  # seconds, for both runs together (a loaded CI machine is slow)


def _env(hash_seed: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = hash_seed
    env.pop("POWERGAP_PROGRESS", None)
    return env


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    """Both runs, side by side: the first in COMMANDS order, the second reversed."""
    items = list(COMMANDS.items())
    dirs, procs = [], []
    for seed, order in (("1", items), ("2", items[::-1])):
        d = tmp_path_factory.mktemp(f"run{seed}")
        dirs.append(d)
        procs.append(subprocess.Popen([sys.executable, "-c", DRIVER, str(d), json.dumps(order)],
                                      env=_env(seed), stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    for p in procs:
        out, err = p.communicate(timeout=TIMEOUT)
        assert p.returncode == 0, err.decode(errors="replace")[-2000:]
    for d in dirs:
        codes = json.loads((d / "manifest.json").read_text())
        failed = {k: (d / f"{k}.stderr").read_text(errors="replace").strip() for k, c in codes.items() if c != 0}
        assert not failed, failed
    return dirs[0], dirs[1]


def _first_difference(x: bytes, y: bytes) -> str:
    n = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
    return (f"sizes {len(x)} and {len(y)}; first difference at byte {n}: "
            f"{x[max(0, n - 60):n + 60]!r} vs {y[max(0, n - 60):n + 60]!r}")


@pytest.mark.parametrize("name", [k for k in COMMANDS if k.endswith(".json")])
def test_json_output_is_byte_identical(runs, name):
    a, b = ((d / name).read_bytes() for d in runs)
    assert a, f"{name}: no output"
    json.loads(a)  # stdout is only JSON
    assert a == b, f"{name}: {_first_difference(a, b)}"


@pytest.mark.parametrize("name", [k for k in COMMANDS if k.endswith(".parquet")])
def test_parquet_output_is_byte_identical(runs, name):
    a, b = ((d / name).read_bytes() for d in runs)
    assert a[:4] == b"PAR1" and a[-4:] == b"PAR1"
    if a != b:  # say which part differs: the rows or the file's metadata
        import pyarrow.parquet as pq

        ta, tb = (pq.read_table(d / name) for d in runs)
        detail = "same rows and schema" if ta.equals(tb) else "rows or schema differ"
        ma, mb = (pq.read_metadata(d / name) for d in runs)
        meta = "same key-value metadata" if ma.metadata == mb.metadata else "key-value metadata differ"
        pytest.fail(f"{name}: bytes differ ({detail}; {meta}); {_first_difference(a, b)}")


GENERATED = re.compile(rb"(<span data-generated>)(.*?)(</span>)", re.S)


def test_report_identical_apart_from_the_generation_date(runs):
    a, b = ((d / "report.html").read_bytes() for d in runs)
    assert len(GENERATED.findall(a)) == 1 and len(GENERATED.findall(b)) == 1, \
        "the page must hold exactly one element marked data-generated"
    strip = lambda html: GENERATED.sub(rb"\1\3", html)  # noqa: E731
    sa, sb = strip(a), strip(b)
    assert sa == sb, f"report.html: {_first_difference(sa, sb)}"


def test_plain_cli_subprocesses_agree():
    """The real entry point, ``python -m powergap``, twice in fresh processes."""
    args = [sys.executable, "-m", "powergap", *COMMANDS["robustness.json"]]
    procs = [subprocess.Popen(args, env=_env(seed), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for seed in ("3", "4")]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=TIMEOUT)
        assert p.returncode == 0, err.decode(errors="replace")
        outs.append(out)
    json.loads(outs[0])
    assert outs[0] == outs[1], _first_difference(*outs)
