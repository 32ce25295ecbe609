"""What every live refresh shares: where files go, HTTP with timeouts, the cache records and
the atomic rebuild.

The flow of ``powergap data update SOURCE`` is the same for every source:

1. fetch the publisher's file(s) into memory (a network failure raises
   :class:`~powergap.errors.DataError` naming the publisher; nothing is written);
2. convert them into the raw layout a reader of :mod:`powergap.sources` reads and stage
   them in a temporary directory beside the cache;
3. rebuild a snapshot from a raw directory in which the staged files, and the files of
   every source refreshed earlier (their cache records), take the place of the shipped raw
   files (symlinks; the raw directory itself is never written);
4. only once the build succeeded, move the staged files into the cache and write the
   source's record ``<cache root>/<name>.live.json`` (file names, sha256, vintage, URL,
   download date).

The build itself is atomic (:func:`powergap.snapshot.build.build`), so a failure at any
step leaves the previous snapshot and cache as they were.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping
from urllib.parse import urlparse

from ..errors import DataError, InputError, OutputError

CONNECT_TIMEOUT_S = 10  # an offline machine fails at once (DNS) or within this
READ_TIMEOUT_S = 300  # a publisher's whole file can take minutes
USER_AGENT = "powergap-live-refresh (+https://github.com/powergap)"
RECORD_SUFFIX = ".live.json"

Echo = Callable[[str], None]


# ----------------------------------------------------------------------------- locations

def cache_root() -> Path:
    """Per-user cache for live files (honours ``XDG_CACHE_HOME``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "powergap"


def cache_dir(name: str = "wdi") -> Path:
    """The cache folder of one live source (``wdi``, ``trade``, ``unvotes``, ``milex``)."""
    return cache_root() / name


def default_out() -> Path:
    """Per-user snapshot directory (honours ``XDG_DATA_HOME``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "powergap" / "snapshot"


def raw_candidates() -> list[Path]:
    """Where a raw directory is looked for when ``--raw`` is not given."""
    checkout = Path(__file__).resolve().parents[3]  # src/powergap/live/common.py -> the checkout
    return [Path.cwd().parent / "shared" / "data" / "raw", checkout.parent / "shared" / "data" / "raw"]


def find_raw(raw: Path | str | None) -> Path:
    if raw is not None:
        raw = Path(raw)
        if not raw.is_dir():
            raise InputError(f"raw directory not found: {raw}")
        return raw
    for cand in raw_candidates():
        if cand.is_dir():
            return cand
    raise InputError("no raw directory to rebuild the other series from: pass --raw DIR "
                     "(the directory of raw files the snapshot is built from, as in shared/data/raw)")


def check_out(out: Path | str | None) -> Path:
    from ..snapshot.store import package_snapshot_dir

    out_dir = Path(out) if out is not None else default_out()
    if out_dir.resolve() == package_snapshot_dir().resolve():
        raise InputError(f"refusing to write into the snapshot shipped with the package ({out_dir}); choose --out")
    return out_dir


def read_local(file: Path | str) -> tuple[Path, bytes]:
    """A publisher's file downloaded by hand (``--file``): its name as published (without a
    ``.gz`` the user added) and its bytes (decompressed)."""
    import gzip

    path = Path(file)
    if not path.is_file():
        raise InputError(f"file not found: {path}")
    data = path.read_bytes()
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            raise InputError(f"{path}: not a readable gzip file") from None
        path = path.with_suffix("")
    return path, data


def gzip_bytes(data: bytes, name: str = "") -> bytes:
    """gzip with a fixed header time, so the same content gives the same bytes."""
    import gzip
    import io

    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename=name) as gz:
        gz.write(data)
    return buf.getvalue()


def today() -> str:
    return _dt.date.today().isoformat()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------------------- HTTP

def unreachable(publisher: str, url: str, exc: BaseException) -> DataError:
    """One line: who could not be reached, without the transport's nested repr."""
    host = urlparse(url).netloc or url
    return DataError(f"cannot reach {publisher} at {host} ({type(exc).__name__}); the snapshot was not changed")


def http_get(url: str, *, publisher: str, params: Mapping[str, str] | None = None,
             headers: Mapping[str, str] | None = None):
    """GET with a short connect timeout; any transport failure or HTTP error status becomes
    one :class:`DataError` naming the publisher. Returns the ``requests.Response``."""
    try:
        import requests
    except ImportError:
        raise InputError("the live refresh needs requests: pip install 'powergap[live]'") from None

    hdrs = {"User-Agent": USER_AGENT, **(headers or {})}
    try:
        resp = requests.get(url, params=params, headers=hdrs, timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S))
    except (requests.exceptions.RequestException, OSError) as exc:
        raise unreachable(publisher, url, exc) from None
    if resp.status_code >= 400:
        host = urlparse(url).netloc
        raise DataError(f"{publisher} at {host} answered HTTP {resp.status_code} for {urlparse(resp.url or url).path}; "
                        "the snapshot was not changed")
    return resp


# ----------------------------------------------------------------------------- cache records

@dataclass
class LiveRecord:
    """What one refresh produced: raw files (relative raw path -> bytes on disk) and provenance."""

    name: str  # the update command's name: wdi, trade, unvotes, milex
    source: str  # the powergap source key whose raw files these replace
    vintage: str
    url: str
    fetched: str = field(default_factory=today)
    files: dict[str, str] = field(default_factory=dict)  # raw path -> file name in the cache folder
    sha256: dict[str, str] = field(default_factory=dict)  # raw path -> sha256 of the cached file
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"name": self.name, "source": self.source, "vintage": self.vintage, "url": self.url,
                "fetched": self.fetched, "files": self.files, "sha256": self.sha256, "extra": self.extra}

    @classmethod
    def from_json(cls, d: dict) -> "LiveRecord":
        return cls(name=d["name"], source=d["source"], vintage=d["vintage"], url=d["url"], fetched=d["fetched"],
                   files=dict(d["files"]), sha256=dict(d["sha256"]), extra=dict(d.get("extra") or {}))


def record_path(name: str) -> Path:
    return cache_root() / f"{name}{RECORD_SUFFIX}"


def cached_records() -> dict[str, LiveRecord]:
    """Every earlier refresh's record, checked against its files' sha256."""
    from ..sources.base import sha256_file

    out: dict[str, LiveRecord] = {}
    root = cache_root()
    if not root.is_dir():
        return out
    for p in sorted(root.glob(f"*{RECORD_SUFFIX}")):
        try:
            rec = LiveRecord.from_json(json.loads(p.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError):
            raise DataError(f"live cache record {p} is unreadable; delete it and run the update again") from None
        for rel, fname in rec.files.items():
            f = cache_dir(rec.name) / fname
            if not f.is_file() or sha256_file(f) != rec.sha256.get(rel):
                raise DataError(f"live cache file {f} is missing or does not match its sha256; "
                                f"run `powergap data update {rec.name}` again")
        out[rec.name] = rec
    return out


def fetch_newest(file: Path | str | None, *, page_url: str, publisher: str, what: str,
                 pick: Callable[[str, str], tuple[str, str]], echo: Callable[[str], None],
                 params: Mapping[str, str] | None = None) -> tuple[str, str, bytes, str | None]:
    """The publisher's file: a local copy when ``file`` is given, else the newest one the
    publisher's page links (``pick(html, page_url) -> (url, name)``), downloaded.

    Returns (file name, where it came from, bytes, the server's Last-Modified or None)."""
    if file is not None:
        path, data = read_local(file)
        echo(f"reading the {what} {path}")
        return path.name, f"file {path.name}", data, None
    echo(f"looking up the newest {what} on {page_url}")
    page = http_get(page_url, publisher=publisher, params=params)
    url, name = pick(page.text, page.url or page_url)
    echo(f"downloading {url}")
    resp = http_get(url, publisher=publisher)
    return name, url, resp.content, resp.headers.get("Last-Modified")


# ----------------------------------------------------------------------------- overlay and rebuild

def overlay_raw(raw: Path, files: Mapping[str, Path], into: Path) -> Path:
    """A raw directory that is ``raw`` with ``files`` (relative raw path -> real file) put in
    place: folders holding a live file are rebuilt from symlinks, everything else is one
    symlink to the original."""
    root = into / "raw"
    root.mkdir()
    touched = {Path(rel).parts[0] for rel in files}
    for entry in sorted(raw.iterdir()):
        if entry.name not in touched:
            (root / entry.name).symlink_to(entry.resolve())

    def link_tree(src: Path, dst: Path) -> None:
        dst.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            for f in sorted(src.iterdir()):
                target = dst / f.name
                if not target.exists() and not target.is_symlink():
                    target.symlink_to(f.resolve())

    for rel, real in sorted(files.items()):
        parts = Path(rel).parts
        # Rebuild each folder on the way down so that only the live file differs.
        for depth in range(1, len(parts)):
            sub = Path(*parts[:depth])
            dst = root / sub
            if dst.is_symlink():
                dst.unlink()
            link_tree(raw / sub, dst)
        target = root / rel
        if target.exists() or target.is_symlink():
            target.unlink()
        target.symlink_to(Path(real).resolve())
    return root


def rebuild(*, raw: Path, out: Path, staged: LiveRecord, staged_dir: Path, workdir: Path,
            echo: Echo, sources=None, include_restricted: bool = False) -> dict:
    """Build ``out`` from ``raw`` with the staged record and every cached record overlaid.

    ``staged_dir`` holds the staged record's files (by their cache file names). Returns the
    catalog. Source overrides (the live WDI files have other names than the shipped ones)
    come from :func:`powergap.live.source_override`.
    """
    from ..snapshot.build import build
    from ..sources import all_sources
    from . import source_override

    records = cached_records()
    records[staged.name] = staged
    files: dict[str, Path] = {}
    overrides = {}
    for name, rec in sorted(records.items()):
        folder = staged_dir if name == staged.name else cache_dir(name)
        for rel, fname in rec.files.items():
            files[rel] = folder / fname
        override = source_override(rec)
        if override is not None:
            overrides[override.key] = override
    chosen = tuple(sources) if sources is not None else all_sources()
    chosen = tuple(overrides.get(s.key, s) for s in chosen)
    chosen = chosen + tuple(o for k, o in overrides.items() if not any(s.key == k for s in chosen))
    if not include_restricted:
        chosen = tuple(s for s in chosen if s.embed)
    # A source's vintage is the record of the refresh whose files it reads.
    vintages: dict[str, str] = {}
    for name, rec in sorted(records.items()):
        for src in chosen:
            if set(src.files) & set(rec.files):
                vintages[src.key] = (f"{rec.vintage} (live refresh `powergap data update {name}`, "
                                     f"downloaded {rec.fetched})")
    if not any(set(s.files) & set(staged.files) for s in chosen):
        restricted = [s.key for s in (tuple(sources) if sources is not None else all_sources())
                      if not s.embed and set(s.files) & set(staged.files)]
        if restricted:
            echo(f"note: {', '.join(restricted)} is kept out of snapshots by its licence unless you pass "
                 "--include-restricted; the files are cached")
        else:
            echo(f"note: no reader in this powergap reads the {staged.name} files yet; they are cached for later")
    tree = overlay_raw(raw, files, workdir)
    echo(f"rebuilding the snapshot into {out}")
    return build(tree, out, sources=chosen, progress=echo, vintages=vintages, include_restricted=include_restricted)


def commit_cache(rec: LiveRecord, staged_dir: Path) -> None:
    """Move the staged files into the cache folder and write the record (after a good build).

    Files of an earlier refresh of the same source that the new record no longer names are
    removed.
    """
    folder = cache_dir(rec.name)
    folder.mkdir(parents=True, exist_ok=True)
    for fname in sorted(set(rec.files.values())):
        os.replace(staged_dir / fname, folder / fname)
    keep = set(rec.files.values())
    old = record_path(rec.name)
    if old.is_file():
        try:
            previous = json.loads(old.read_text(encoding="utf-8")).get("files", {})
        except ValueError:
            previous = {}
        for fname in set(previous.values()) - keep:
            (folder / fname).unlink(missing_ok=True)
    tmp = old.with_suffix(".tmp")
    tmp.write_text(json.dumps(rec.to_json(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, old)


def refresh(rec: LiveRecord, contents: Mapping[str, bytes], *, raw: Path | str | None, out: Path | str | None,
            echo: Echo, sources=None, include_restricted: bool = False) -> Path:
    """Stage ``contents`` (cache file name -> bytes) for ``rec``, rebuild, then commit the cache."""
    raw_dir = find_raw(raw)
    out_dir = check_out(out)
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{rec.name}-live-", dir=root) as tmp:
        tmp = Path(tmp)
        staged = tmp / "staged"
        staged.mkdir()
        for fname, data in contents.items():
            (staged / fname).write_bytes(data)
        rec.sha256 = {rel: sha256_bytes(contents[fname]) for rel, fname in rec.files.items()}
        try:
            rebuild(raw=raw_dir, out=out_dir, staged=rec, staged_dir=staged, workdir=tmp, echo=echo,
                    sources=sources, include_restricted=include_restricted)
        except DataError as exc:
            raise DataError(f"{exc}; the snapshot and the cache were not changed") from None
        except OutputError:
            raise
        except OSError as exc:  # an unwritable --out, a full disk, no symlinks
            raise OutputError(f"cannot write the snapshot ({exc.strerror or type(exc).__name__}: "
                              f"{exc.filename or out_dir}); the snapshot and the cache were not changed") from None
        commit_cache(rec, staged)
    echo(f"cached {len(rec.files)} {rec.name} file(s) in {cache_dir(rec.name)}; vintage: {rec.vintage}")
    return out_dir
