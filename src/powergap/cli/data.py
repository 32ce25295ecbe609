"""``powergap data info|verify|build|update`` and ``powergap cite``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer


def register(app: typer.Typer) -> None:
    data = typer.Typer(help="The embedded data snapshot: list, verify, build, update.", no_args_is_help=True)
    app.add_typer(data, name="data")

    @data.command("info")
    def info(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
             markdown: bool = typer.Option(False, "--markdown", help="Print the data catalogue as Markdown (docs/data.md).")) -> None:
        """List every series in the snapshot with its unit, dimension, source and coverage."""
        from ..snapshot.store import default_store

        store = default_store()
        if markdown:
            from ..citations import catalogue_markdown

            typer.echo(catalogue_markdown(store), nl=False)
            return
        rows = [{"id": s["id"], "description": s["description"], "unit": s["unit"], "dimension": s["dimension"],
                 "source": s["source"], "sources": s.get("sources", [s["source"]]),
                 "first_year": s["first_year"], "last_year": s["last_year"], "dyadic": bool(s["dyadic"]),
                 "n_obs": s.get("n_obs")} for s in store.catalog["series"]]
        if as_json:
            out = {"snapshot": str(store.path), "end_year": store.end_year, "series": rows,
                   "tables": store.catalog.get("tables", {}),
                   "sources": [{k: v for k, v in s.items() if k != "files"} for s in store.catalog["sources"]]}
            typer.echo(json.dumps(out, indent=1))
            return
        from rich.console import Console
        from rich.table import Table

        t = Table(title=f"powergap snapshot: {len(rows)} series, end year {store.end_year}")
        for col in ("id", "unit", "dimension", "source", "years", "dyadic"):
            t.add_column(col)
        for r in rows:
            t.add_row(r["id"], r["unit"], r["dimension"], ",".join(r["sources"]),
                      f"{r['first_year']}-{r['last_year']}", "yes" if r["dyadic"] else "")
        Console().print(t)

    @data.command("verify")
    def verify() -> None:
        """Check the snapshot's files against the catalog's sha256 checksums."""
        from ..errors import DataError
        from ..snapshot.store import default_store

        store = default_store()
        problems = store.verify()
        if problems:
            raise DataError(f"snapshot at {store.path} failed verification: {'; '.join(problems)}")
        typer.echo(f"snapshot OK: {len(store.catalog['files'])} files match the catalog ({store.path})")

    @data.command("build")
    def build(
        raw: Path = typer.Option(..., "--raw", help="Directory of raw files (as in shared/data/raw)."),
        out: Path = typer.Option(..., "--out", help="Directory to write the snapshot into (replaced atomically)."),
        include_restricted: bool = typer.Option(False, "--include-restricted",
                                                help="Also read sources whose licence keeps them out of the shipped snapshot."),
    ) -> None:
        """Build a snapshot from raw files (atomic and deterministic)."""
        from rich.console import Console

        from ..snapshot.build import build as run_build

        console = Console(stderr=True)
        with console.status("building snapshot") as status:
            cat = run_build(raw, out, include_restricted=include_restricted, progress=lambda m: status.update(m))
        typer.echo(f"built {len(cat['series'])} series and {len(cat['tables'])} tables from "
                   f"{len(cat['sources'])} sources into {out}")

    @data.command("update")
    def update(
        source: str = typer.Argument(..., help="Which source to refresh; only 'wdi' is supported."),
        raw: Optional[Path] = typer.Option(None, "--raw", help="Raw directory to rebuild from (other sources)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Snapshot directory to write (default: user snapshot)."),
    ) -> None:
        """Pull fresh World Bank WDI series through wbgapi into a user cache and rebuild."""
        from ..live import update_wdi

        path = update_wdi(source=source, raw=raw, out=out, echo=typer.echo)
        typer.echo(f"updated snapshot at {path}; set POWERGAP_SNAPSHOT={path} to use it")

    @app.command("cite")
    def cite_cmd(series: List[str] = typer.Argument(None, help="Series ids (default: every source)."),
                 bibtex: bool = typer.Option(False, "--bibtex", help="BibTeX entries instead of text.")) -> None:
        """Print citations for exactly these series (or every source)."""
        from ..citations import cite

        typer.echo(cite(series or None, bibtex=bibtex))
