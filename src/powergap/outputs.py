"""Safe output paths: check an ``-o`` target before any work, then replace it atomically.

The rule: a command replaces nothing but the one output path asked for, and only when that
path is absent or a regular file. :func:`check_output` refuses, with one line and before any
work is done, a directory, a device, a FIFO, a socket, a path that is the same file as one
of the command's inputs (also through a symlink or a hard link), a path inside the snapshot
folder, a read-only file, and a missing or unwritable directory.

Symlinks: an output path that is a symlink is followed, and the regular file it points to is
the one replaced (the link itself stays a link). A link to a device, directory or other
non-regular file is refused like the thing it points to, and a dangling link is refused
(its target's location was not chosen by this command). So ``-o /dev/full`` or ``-o
link-to-/dev/full`` can never turn a device into a regular file.

:func:`write_output` writes through a temporary file in the target's own directory and
``os.replace`` (atomic on POSIX and Windows): readers never see half a file, and a failure
(a full disk, say) leaves the old file untouched and no temporary behind. Operating-system
failures become :class:`~powergap.errors.OutputError` (exit status 1).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Mapping

from .errors import InputError, OutputError

_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _named_inputs(inputs) -> list[tuple[str, Path]]:
    if inputs is None:
        return []
    items = inputs.items() if isinstance(inputs, Mapping) else ((None, v) for v in inputs)
    out = []
    for label, value in items:
        if value is None or not isinstance(value, (str, os.PathLike)):
            continue  # a mapping or an object given in Python: no file to protect
        out.append((label or "an input", Path(value)))
    return out


def _snapshot_dirs() -> list[str]:
    """The shipped snapshot's folder and ``POWERGAP_SNAPSHOT`` (without importing the store)."""
    dirs = [os.path.realpath(Path(__file__).resolve().parent / "data" / "snapshot")]
    if os.environ.get("POWERGAP_SNAPSHOT"):
        dirs.append(os.path.realpath(os.environ["POWERGAP_SNAPSHOT"]))
    return dirs


def check_output(path: str | os.PathLike, *, inputs: Mapping[str, object] | Iterable[object] | None = None,
                 what: str = "output") -> Path:
    """Check that ``path`` may receive an output, before any work; return the path to replace.

    ``inputs`` maps option names (``"--config"``) to the command's input files (or is an
    iterable of them); the output may not be any of them. The returned path is ``path``
    itself, or the regular file a symlink points to.
    """
    if path is None or not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise InputError(f"{what} path must be a file name, got {path!r}")
    p = Path(path)
    target = p
    try:
        lst = os.lstat(p)
    except FileNotFoundError:
        lst = None
    except OSError as exc:
        raise InputError(f"cannot write {what} to {p}: {exc.strerror or exc}") from None
    st = lst
    if lst is not None and stat.S_ISLNK(lst.st_mode):
        target = Path(os.path.realpath(p))
        try:
            st = os.stat(target)
        except FileNotFoundError:
            raise InputError(f"cannot write {what} to {p}: it is a symlink to a missing file ({target})") from None
        except OSError as exc:
            raise InputError(f"cannot write {what} to {p}: {exc.strerror or exc}") from None
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            via = f" (through the symlink {p})" if target != p else ""
            raise InputError(f"cannot write {what} to {target}{via}: it is {_kind(st.st_mode)}, "
                             f"not a regular file")
        if not os.access(target, os.W_OK):
            raise InputError(f"cannot write {what} to {target}: the file is read-only")
        for label, inp in _named_inputs(inputs):
            try:
                same = os.path.samefile(target, inp)
            except OSError:
                same = False
            if same:
                raise InputError(f"cannot write {what} to {p}: it is the same file as {label} ({inp}); "
                                 f"choose another output path")
    parent = target.parent if str(target.parent) else Path(".")
    for snap in _snapshot_dirs():  # the data every command reads is an input of every command
        if os.path.realpath(parent) == snap:
            raise InputError(f"cannot write {what} to {p}: it is inside the snapshot folder {snap}; "
                             f"choose another output path")
    if not parent.is_dir():
        raise InputError(f"cannot write {what} to {p}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"cannot write {what} to {p}: directory {parent} is not writable")
    return target


def write_output(path: str | os.PathLike, write: Callable[[Path], None], *,
                 inputs: Mapping[str, object] | Iterable[object] | None = None, what: str = "output",
                 mode: int = 0o644) -> Path:
    """Check ``path`` (:func:`check_output`), call ``write(tmp)`` to fill a temporary file in
    the same directory, then rename it over the target. Returns the path written (the
    symlink's target when ``path`` is a symlink)."""
    target = check_output(path, inputs=inputs, what=what)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {what} to {path}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, mode)
        # the check above ran before the work: re-check that nothing swapped the target
        # for a device or directory meanwhile (os.replace would replace it otherwise)
        check_output(path, inputs=inputs, what=what)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, (InputError, OutputError)):
            raise
        raise OutputError(f"cannot write {what} to {path}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def write_text_output(path: str | os.PathLike, text: str, **kwargs) -> Path:
    """:func:`write_output` for text (UTF-8, ``\\n`` line ends, flushed to disk)."""
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    return write_output(path, write, **kwargs)
