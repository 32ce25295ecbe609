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

    @claims.command("draft")
    def draft(
        files: list[Path] = typer.Argument(..., help="Text files (UTF-8) to draft claims from."),
        output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the drafts (a claim file) here, "
                                              "in the format its extension names: FILE.yaml (or .yml) or FILE.json; "
                                              "default: print them as YAML."),
        check: bool = typer.Option(False, "--check", help="Also check the drafts and print the verdicts."),
        as_json: bool = typer.Option(False, "--json", help="With --check: print the verdicts as JSON."),
    ) -> None:
        """Draft checkable claims from a text: its figures, as claims ready for `claims check`.

        Each draft's note gives its confidence, the words it rests on and how they were read;
        review the drafts before relying on them (docs/claims.md, "Drafting claims").
        """
        from ..claims import check_claims
        from ..claims.draft import draft_claims, draft_format, drafts_text, drafts_to_yaml
        from ..outputs import check_output, write_text_output

        inputs = {"the text": f for f in files} if len(files) == 1 else {f"the text {f}": f for f in files}
        if output is not None:  # one clear line before any work
            draft_format(output)
            check_output(output, inputs=inputs, what="the drafts")
        drafts = []
        for f in files:
            drafts += draft_claims(f)
        if len({d.id for d in drafts}) < len(drafts):  # several files: prefix the ids with the file's stem
            drafts = []
            for f in files:
                for d in draft_claims(f):
                    d.id = f"{Path(f).stem}-{d.id}"
                    drafts.append(d)
        if not drafts:  # an empty claim file would not pass `claims check`: write none
            typer.echo("no quantitative statements found: no claims drafted" +
                       (f" ({output} not written)" if output is not None else ""))
            return
        source = ", ".join(Path(f).name for f in files)
        text = drafts_to_yaml(drafts, source=source)
        if output is not None:
            write_text_output(output, drafts_text(drafts, output, source=source), inputs=inputs, what="the drafts")
        if not check:
            if output is None:
                typer.echo(text, nl=False)
            else:
                typer.echo(f"wrote {len(drafts)} drafted claim{'s' if len(drafts) != 1 else ''} to {output}")
            return
        report = check_claims([d.to_claim() for d in drafts])
        if as_json:
            out = report.to_dict()
            for item, d in zip(out["claims"], drafts):
                item["confidence"] = d.confidence
            typer.echo(json.dumps(out, indent=1, ensure_ascii=False, allow_nan=False))
            return
        _print_table(report, title=f"drafted from {', '.join(Path(f).name for f in files)}",
                     confidence={d.id: d.confidence for d in drafts},
                     quotes={d.id: d.text for d in drafts})
        if output is not None:
            typer.echo(f"wrote {len(drafts)} drafted claims to {output}")


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


def _print_table(report, *, title: str, confidence: dict | None = None, quotes: dict | None = None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..report.build import claim_unit, expectation_text
    from ..report.page import fmt

    console = Console()
    if not console.is_terminal:  # piped into a file or pager: do not squeeze into 80 columns
        console = Console(width=160)
    t = Table(title=f"Claims: {title}", show_lines=False, expand=False)
    t.add_column("id", overflow="fold", max_width=44)
    t.add_column("verdict", no_wrap=True)
    t.add_column("value", justify="right", no_wrap=True)
    t.add_column("expected", no_wrap=True)
    if confidence is not None:  # drafted claims: how sure the drafter is, and the words drafted
        t.add_column("conf.", justify="right", no_wrap=True)
    t.add_column("sources / missing", overflow="fold", ratio=1)
    for r in report.results:
        verdict = Text(r.label, style=_STYLE[r.verdict])
        detail = ", ".join(r.sources) if r.verdict != "unverifiable" else _missing_text(r.missing)
        unit = claim_unit(r.claim)  # the page's unit and formatter: "US$ 104 bn", "2.44%", "9.95"
        row = [r.id, verdict, fmt(r.value, unit) if r.value is not None else "-", expectation_text(r.claim.expect, unit)]
        if confidence is not None:
            row.append(f"{confidence.get(r.id, 0):.2f}")
            detail = f"{r.claim.value}\n{detail}"
        t.add_row(*row, detail)
    console.print(t)
    console.print(report.summary_line())
