"""``powergap report A B -o FILE.html`` (or ``FILE.pdf``): one self-contained page per relationship."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Tuple

import typer

# assessment, then the sections gathered (timeline, capability, robustness, dependence and
# arms, alignment, triangle, claims), then writing: the progress bar's steps
_STEPS = 8


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        a: Optional[str] = typer.Argument(None, help="First state: name, ISO3/ISO2 code, COW abbreviation or number.",
                                          show_default=False),
        b: Optional[str] = typer.Argument(None, help="Second state.", show_default=False),
        output: Path = typer.Option(..., "-o", "--output", help="The file to write: FILE.html for the page, "
                                    "FILE.pdf for the page printed by headless Chromium (its directory must exist)."),
        start: Optional[int] = typer.Option(None, "--start", help="First year (default: 30 years before the last).",
                                            show_default=False),
        end: Optional[int] = typer.Option(None, "--end", help="Last year (default: the snapshot's last year).",
                                          show_default=False),
        third: Optional[str] = typer.Option(None, "--third", help="Third state of the strategic triangle (default: "
                                            "the major power other than A and B with the largest military "
                                            "spending).", show_default=False),
        config: Optional[Path] = typer.Option(None, "--config", help="Assessment thresholds (YAML; only the keys "
                                                                     "you change)."),
        claims: Optional[Path] = typer.Option(None, "--claims", help="A claim file to check in addition to the seed "
                                                                     "claims that apply to the pair; a text file "
                                                                     "(.txt, .md) is drafted into claims first."),
        seeds: bool = typer.Option(True, "--seeds/--no-seeds", help="Include the seed claims that apply."),
        generated: Optional[str] = typer.Option(None, "--generated", help="Text of the page's generation-time "
                                                "element (default: now, UTC); fix it for byte-identical pages."),
        orbit: bool = typer.Option(False, "--orbit", help="The orbit page instead (docs/orbit.md): the states "
                                   "given (A, B), --region or --world, between the two powers of --between."),
        between: Optional[Tuple[str, str]] = typer.Option(None, "--between", help="With --orbit: the two powers.",
                                                          show_default=False),
        region: Optional[str] = typer.Option(None, "--region", help="With --orbit: a UN M49 sub-region.",
                                             show_default=False),
        world: bool = typer.Option(False, "--world", help="With --orbit: every state of the system in --year."),
        year: Optional[int] = typer.Option(None, "--year", help="With --orbit: one year.", show_default=False),
    ) -> None:
        """Write a report on a relationship (HTML page or PDF): summary, stage timeline, charts, claims, sources."""
        import time

        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from ..report import _chromium, check_writable, output_format, report_html, write_any

        if orbit:  # the orbit page (cli/orbit.py)
            from .orbit import orbit_report

            if third or config or claims or not seeds:
                from ..errors import InputError

                raise InputError("--third, --config, --claims and --no-seeds apply to the pair report, not to --orbit")

            orbit_report([s for s in (a, b) if s], between, region=region, world=world, year=year, start=start,
                         end=end, output=output, generated=generated)
            return
        if a is None or b is None or between or region or world or year is not None:
            from ..errors import InputError

            raise InputError("give two states (report A B -o FILE), or --orbit with --between A B for the orbit page")
        inputs = {"--config": config, "--claims": claims}
        if output_format(output) == "pdf":  # one clear line before any work
            _chromium()
        check_writable(output, inputs=inputs)
        t0 = time.perf_counter()
        console = Console(stderr=True)
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                      console=console, transient=True, disable=not console.is_terminal) as progress:
            task = progress.add_task("report", total=_STEPS)

            def step(message: str) -> None:
                progress.update(task, description=message, advance=1)

            html = report_html((a, b), third=third, generated=generated, start=start, end=end, config=config,
                               extra_claims=claims, seeds=seeds, progress=step)
            progress.update(task, completed=_STEPS)
        path = write_any(output, html, inputs=inputs)
        size = path.stat().st_size
        typer.echo(f"wrote {path} ({size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
