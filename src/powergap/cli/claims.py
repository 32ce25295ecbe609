"""``powergap claims check FILE|--seeds [--json]``: verdicts on quantitative claims."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

_STYLE = {"supported": "green", "contradicted": "red", "unverifiable": "yellow"}


def register(app: typer.Typer) -> None:
    claims = typer.Typer(help="Check quantitative claims against the data (see docs/claims.md).",
                         no_args_is_help=True)
    app.add_typer(claims, name="claims")

    @claims.command("check")
    def check(
        file: Optional[Path] = typer.Argument(None, help="Claim file (YAML list of claims)."),
        seeds: bool = typer.Option(False, "--seeds", help="Check the seed claims shipped with powergap."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    ) -> None:
        """Give each claim a verdict: supported, contradicted or unverifiable (with what is missing).

        Exit status 0 whenever the file could be checked, whatever the verdicts; 2 for a bad file.
        """
        from ..claims import check_claims, seeds_path
        from ..errors import InputError

        if seeds and file is not None:
            raise InputError("give either a claim FILE or --seeds, not both")
        if not seeds and file is None:
            raise InputError("give a claim FILE or --seeds")
        report = check_claims(seeds_path() if seeds else file)
        if as_json:
            typer.echo(json.dumps(report.to_dict(), indent=1, ensure_ascii=False, allow_nan=False))
            return
        _print_table(report, title="seed claims" if seeds else str(file))


_SHORT_REASON = {"not in this snapshot": "series not in this snapshot", "no source provides": "no source yet"}


def _reason(text: str) -> str:
    for key, short in _SHORT_REASON.items():
        if str(text).startswith(key):
            return short
    return str(text)


def _missing_text(missing: list[dict], limit: int = 2) -> str:
    """What is missing, grouped by reason: "gdp_usd RUS 2018, gdp_usd CHN 2018 (no source yet)"."""
    groups: dict[str, list[str]] = {}
    for m in missing:
        bits = [str(m.get("series"))]
        if m.get("country"):
            bits.append(str(m["country"]))
        if m.get("year") is not None:
            bits.append(str(m["year"]))
        groups.setdefault(_reason(m.get("reason", "")), []).append(" ".join(bits))
    parts = []
    for reason, items in groups.items():
        shown = ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")
        parts.append(f"{shown} ({reason})")
    return "missing: " + "; ".join(parts)


def _print_table(report, *, title: str) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..claims import _fmt

    console = Console()
    if not console.is_terminal:  # piped into a file or pager: do not squeeze into 80 columns
        console = Console(width=160)
    t = Table(title=f"Claims: {title}", show_lines=False, expand=False)
    t.add_column("id", overflow="fold", max_width=44)
    t.add_column("verdict", no_wrap=True)
    t.add_column("value", justify="right", no_wrap=True)
    t.add_column("expected", no_wrap=True)
    t.add_column("sources / missing", overflow="fold", ratio=1)
    for r in report.results:
        verdict = Text(r.label, style=_STYLE[r.verdict])
        detail = ", ".join(r.sources) if r.verdict != "unverifiable" else _missing_text(r.missing)
        t.add_row(r.id, verdict, _fmt(r.value), r.claim.expect.describe(), detail)
    console.print(t)
    console.print(report.summary_line())
