"""Citations generated from the snapshot's catalog: for series ids, or for a panel."""

from __future__ import annotations

import re
from typing import Iterable

from .errors import InputError
from .snapshot.store import Snapshot, default_store


def sources_for(series_ids: Iterable[str], store: Snapshot | None = None) -> list[dict]:
    """Catalog entries of the sources behind these series (each once, in catalog order)."""
    store = store or default_store()
    keys: list[str] = []
    for sid in series_ids:
        meta = store.series_meta(sid)
        for key in meta.get("sources") or [meta["source"]]:
            if key not in keys:
                keys.append(key)
    return [store.source_index[k] for k in sorted(keys)]


def cite(what=None, *, bibtex: bool = False, store: Snapshot | None = None) -> str:
    """Citations for a panel (anything with ``.attrs['sources']``), a list of series ids,
    or, with nothing given, every source in the snapshot."""
    store = store or default_store()
    if what is None:
        entries = list(store.source_index.values())
    elif hasattr(what, "attrs") and "sources" in getattr(what, "attrs", {}):
        keys = list(what.attrs["sources"])
        missing = [k for k in keys if k not in store.source_index]
        if missing:
            raise InputError(f"panel names unknown sources {missing}")
        entries = [store.source_index[k] for k in sorted(keys)]
    elif isinstance(what, str):
        entries = sources_for([what], store)
    else:
        entries = sources_for(list(what), store)
    if bibtex:
        return "\n\n".join(_bibtex(e) for e in entries)
    return "\n".join(f"[{e['key']}] {e['citation']} ({e['title']}; licence: {e['licence']}; {e['url']})" for e in entries)


def _bibtex(e: dict) -> str:
    key = re.sub(r"[^A-Za-z0-9_]", "_", e["key"])
    esc = lambda s: str(s).replace("{", "\\{").replace("}", "\\}")  # noqa: E731
    return (f"@misc{{{key},\n  title = {{{esc(e['title'])}}},\n  author = {{{esc(e['producer'])}}},\n"
            f"  note = {{{esc(e['citation'])}. Version {esc(e['version'])}. Licence: {esc(e['licence'])}}},\n"
            f"  howpublished = {{\\url{{{e['url']}}}}}\n}}")
