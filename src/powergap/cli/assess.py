"""``powergap assess A B`` (one pair, year by year) and ``powergap assess --all --year Y``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

STAGE_STYLE = {"none": "dim", "potential": "yellow", "emerging": "dark_orange", "actual": "red"}


def _fmt(v) -> str:
    """Rounded for the terminal with the report's one number formatter (numbers inside
    threshold texts too), so an 80-column table never cuts a raw float."""
    from ..report.page import fmt, tidy_text

    if v is None:
        return "no data"
    if isinstance(v, str):
        return tidy_text(v)
    return fmt(v)


def register(app: typer.Typer) -> None:
    @app.command("assess")
    def assess_cmd(
        a: Optional[str] = typer.Argument(None, help="First state (name, ISO3/ISO2, COW abbreviation or number)."),
        b: Optional[str] = typer.Argument(None, help="Second state."),
        start: Optional[int] = typer.Option(None, "--start", help="First year (default: 30 years before the end)."),
        end: Optional[int] = typer.Option(None, "--end", help="Last year (default: the snapshot's last year)."),
        config: Optional[Path] = typer.Option(None, "--config", help="YAML file overriding the thresholds."),
        as_json: bool = typer.Option(False, "--json", help="Print the documented JSON instead of tables."),
        all_dyads: bool = typer.Option(False, "--all", help="Assess every non-directed dyad of the system in --year."),
        year: Optional[int] = typer.Option(None, "--year", help="With --all: the year to assess."),
        out: Optional[Path] = typer.Option(None, "-o", "--out", help="With --all: output file (.parquet, .csv, .feather, .json)."),
        multiverse: bool = typer.Option(False, "--multiverse", help="Every specification of the space at once: stage shares per year and the choices that move the verdict."),
        space: Optional[Path] = typer.Option(None, "--space", help="With --multiverse: your specification space (YAML; default: the shipped one)."),
    ) -> None:
        """Wong's stages of asymmetry (none, potential, emerging, actual) year by year, with evidence."""
        from ..errors import InputError

        if all_dyads:
            if a or b:
                raise InputError("--all assesses every dyad; do not name states with it")
            if year is None or out is None:
                raise InputError("--all needs --year Y and -o FILE")
            if multiverse or space is not None:
                raise InputError("--multiverse is for one pair (powergap assess A B --multiverse), not with --all")
            _run_all(year, config, out)
            return
        if year is not None or out is not None:  # options that only --all takes: refused, not ignored
            raise InputError(f"{'--year' if year is not None else '-o'} applies only with --all; for one pair "
                             f"use --start/--end (and --json > FILE)")
        if not a or not b:
            raise InputError("name two states, e.g. 'powergap assess CHN RUS' (or use --all --year Y -o FILE)")
        if space is not None and not multiverse:
            raise InputError("--space applies only with --multiverse")
        if multiverse:
            _run_multiverse(a, b, start, end, config, space, as_json)
            return
        from ..assessment import assess

        result = assess(a, b, start=start, end=end, config=config)
        if as_json:
            typer.echo(result.to_json())
            return
        _print_timeline(result)


def _print_timeline(result) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    con.print(f"[bold]{result.state_a.name} ({result.a}) and {result.state_b.name} ({result.b}), "
              f"{result.start}-{result.end}[/bold]")
    con.print(result.summary())
    t = Table(title="Stage of asymmetrical relations by year (Wong: potential -> emerging -> actual)")
    for col in ("year", "stronger", "stage", "evidence reaches", "military ratio", "Korolev's checks"):
        t.add_column(col)
    for y in result.years:
        prim = next((c for c in y.criteria if c.name.startswith("disparity")), None)
        style = STAGE_STYLE.get(y.stage or "none", "dim")
        h = getattr(y, "held", None)  # stable stages: the note below the table says why
        held = "" if not h else (" (held back)" if "not yet held" in h else " (held)")
        t.add_row(str(y.year), y.stronger or "-", f"[{style}]{y.stage_text}{held}[/{style}]", y.evidence_reach,
                  _fmt(prim.value if prim else None), (y.korolev or "").split(", confirmed by ")[-1]
                  if y.korolev and "confirmed" in y.korolev else (y.korolev or ""))
    con.print(t)
    for y in result.years:
        if getattr(y, "held", None):
            con.print(f"[dim]{y.year}: {y.held}[/dim]")
    con.print("[bold]Evidence behind each change of stage[/bold]")
    for ch in result.changes():
        why = {"coverage": "; a change of data coverage, not of evidence", "evidence": ""}.get(ch["kind"], "")
        con.print(f"[bold]{ch['year']}[/bold]: {ch['from_text'] or 'start'} -> {ch['to_text']}"
                  f" ({ch['stronger'] or 'no stronger side'}; evidence reaches {ch['evidence_reach']}{why})"
                  + (f"\n  {ch['reason']}" if ch["reason"] else ""))
        ct = Table(show_header=True, box=None, pad_edge=False)
        for col in ("criterion", "value", "threshold", "met", "years", "sources"):
            ct.add_column(col)
        for c in ch["criteria"]:
            met = "no data" if c["met"] is None else ("yes" if c["met"] else "no")
            yrs = f"{min(c['years'])}-{max(c['years'])}" if len(c["years"]) > 1 else (str(c["years"][0]) if c["years"] else "")
            ct.add_row(c["name"], _fmt(c["value"]), _fmt(c["threshold"]), met, yrs, ", ".join(c["sources"]))
        con.print(ct)
    con.print("[dim]Terms: 'stage' is the highest of Wong's stages whose criteria are met (each needs the one "
              "before); 'at least' marks a stage whose next criterion lacks data. 'Evidence reaches' is the highest "
              "stage the data could evaluate that year: where it equals the stage, the next stage could not be "
              "tested. 'Military ratio' is stronger / weaker on the military dimension (Womack's threshold "
              "applies). 'Korolev's checks': after the military disparity, how many of the other checks "
              "(economic, diplomatic, financial...) confirm the same stronger side, and which lack data.[/dim]")
    con.print(f"[dim]Sources: {', '.join(result.sources())}. Thresholds: powergap/data/assess_config.yaml "
              f"(override with --config). Cite with: powergap cite.[/dim]")


def _run_multiverse(a, b, start, end, config, space, as_json: bool) -> None:
    from ..spec_curve import multiverse, to_json_dict

    df = multiverse(a, b, start, end, space=space, config=config)
    if as_json:
        typer.echo(json.dumps(to_json_dict(df), indent=1, allow_nan=False))
        return
    from rich.console import Console
    from rich.table import Table

    con = Console()
    names = df.attrs["names"]
    con.print(f"[bold]{names[0]} ({df.attrs['a']}) and {names[1]} ({df.attrs['b']}), {df.attrs['start']}-"
              f"{df.attrs['end']}: {df.attrs['n_specifications']:,} specifications[/bold]")
    con.print(df.attrs["sentence"])
    t = Table(title="Share of specifications at each stage, by year")
    for col in ("year", "default", "none", "potential", "emerging", "actual", "unassessed"):
        t.add_column(col)
    for _, r in df[df["choice"] == "all"].iterrows():
        st = r["default_stage"] or "unassessed"
        t.add_row(str(r["year"]), f"[{STAGE_STYLE.get(st, 'dim')}]{st}[/]",
                  *(f"{r[o]:.0%}" for o in ("none", "potential", "emerging", "actual", "unassessed")))
    con.print(t)
    t = Table(title="What moves the verdict: stage shares with one choice held (last year)")
    for col in ("choice", "option", "none", "potential", "emerging", "actual", "unassessed"):
        t.add_column(col)
    last = df[df["year"] == df["year"].max()]
    for ch in df.attrs["influence"]["choice"]:
        for k, (_, r) in enumerate(last[last["choice"] == ch].iterrows()):
            # the choice's name once per group, with spaces so that a narrow terminal wraps it
            t.add_row(ch.replace("_", " ") if k == 0 else "", str(r["option"]),
                      *(f"{r[o]:.0%}" for o in ("none", "potential", "emerging", "actual", "unassessed")),
                      end_section=k == len(last[last["choice"] == ch]) - 1)
    con.print(t)
    inf = ", ".join(f"{r.choice} {r.influence:.2f}" for r in df.attrs["influence"].itertuples())
    con.print(f"[dim]Influence (mean over years of the largest swing of a stage share between a choice's options): "
              f"{inf}. Space: {space or 'powergap/data/multiverse_space.yaml'}.[/dim]")


def _run_all(year: int, config: Optional[Path], out: Path) -> None:
    from rich.console import Console

    from ..assessment import assess_all
    from ..errors import InputError
    from ..outputs import check_output, write_output

    suffix = out.suffix.lower()
    if suffix not in (".parquet", ".csv", ".feather", ".json"):
        raise InputError(f"{out}: unknown output format {suffix or '(none)'}; use .parquet, .csv, .feather or .json")
    inputs = {"--config": config}
    check_output(out, inputs=inputs)  # before minutes of work, not after
    console = Console(stderr=True)
    with console.status(f"assessing every dyad in {year}") as status:
        df = assess_all(year, config=config, progress=lambda m: status.update(m))
        cfg = df.attrs.get("config")

        def write(tmp: Path) -> None:
            if suffix == ".parquet":
                import pyarrow as pa
                import pyarrow.parquet as pq

                table = pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(
                    {"powergap_config": json.dumps(cfg, sort_keys=True)})
                pq.write_table(table, tmp)
            elif suffix == ".csv":
                df.to_csv(tmp, index=False)
            elif suffix == ".feather":
                df.reset_index(drop=True).to_feather(tmp)
            else:
                tmp.write_text(json.dumps({"year": year, "config": cfg, "dyads": json.loads(
                    df.to_json(orient="records"))}, indent=1), encoding="utf-8")

        write_output(out, write, inputs=inputs)
    counts = df["stage"].fillna("unassessed").value_counts().to_dict()
    typer.echo(f"assessed {len(df):,} dyads in {year}: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
               + f"; written to {out}")
