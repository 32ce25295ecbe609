"""``powergap data info|verify|build|update`` and ``powergap cite``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer


def vintage_of(source: dict) -> str:
    """A catalog source's vintage: recorded by the build (live refreshes record the publisher's
    date or the download date), else its declared version (snapshots built before the field)."""
    return source.get("vintage") or source.get("version") or ""


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
                   "sources": [{**{k: v for k, v in s.items() if k != "files"}, "vintage": vintage_of(s)}
                               for s in store.catalog["sources"]]}
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
        console = Console()
        console.print(t)
        last: dict[str, int] = {}
        for r in rows:
            for key in r["sources"]:
                last[key] = max(last.get(key, r["last_year"]), r["last_year"])
        v = Table(title=f"sources: vintage of the raw files ({len(store.catalog['sources'])})")
        for col in ("source", "vintage", "last year"):
            v.add_column(col)
        for s in sorted(store.catalog["sources"], key=lambda s: s["key"]):
            v.add_row(s["key"], vintage_of(s), str(last.get(s["key"], "")))
        console.print(v)

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
        if not store.has_catalog_sum:
            typer.echo("note: no catalog.sha256 beside the catalog (built by an older powergap), so the catalog "
                       "itself was not checked; rebuild with 'powergap data build' to add it")

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
        source: str = typer.Argument(..., help="Which source to refresh: wdi (World Bank), trade (IMF IMTS), "
                                                "unvotes (UN Digital Library GA votes) or milex (SIPRI)."),
        raw: Optional[Path] = typer.Option(None, "--raw", help="Raw directory to rebuild from (other sources)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Snapshot directory to write (default: user snapshot)."),
        file: Optional[Path] = typer.Option(None, "--file", help="Use a file downloaded by hand instead of fetching "
                                                                 "(trade, unvotes, milex)."),
        start: Optional[int] = typer.Option(None, "--start", help="First year to take (trade: default 2015; "
                                                                  "unvotes: default 2025)."),
        include_restricted: bool = typer.Option(False, "--include-restricted",
                                                help="Also build sources whose licence keeps them out of the shipped "
                                                     "snapshot (the UN votes)."),
    ) -> None:
        """Fetch one source's current data into a user cache and rebuild a user snapshot (docs/live.md)."""
        from ..live import update as run_update

        path = run_update(source, raw=raw, out=out, file=file, start=start, echo=typer.echo,
                          include_restricted=include_restricted)
        typer.echo(f"updated snapshot at {path}; set POWERGAP_SNAPSHOT={path} to use it")

    @app.command("cite")
    def cite_cmd(series: List[str] = typer.Argument(None, help="Series ids (default: every source)."),
                 bibtex: bool = typer.Option(False, "--bibtex", help="BibTeX entries instead of text.")) -> None:
        """Print citations for exactly these series (or every source)."""
        from ..citations import cite

        typer.echo(cite(series or None, bibtex=bibtex))
