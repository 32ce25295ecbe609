"""Errors that powergap reports to users as one clear line."""

from __future__ import annotations


class PowergapError(Exception):
    """Base class: the message is the whole story, shown as one line by the CLI."""

    #: the CLI's exit status for this kind of error (docs/errors.md has the table)
    exit_code = 2


class UnknownStateError(PowergapError, LookupError):
    """A country name or code that matches no state (or matches several)."""


class DataError(PowergapError):
    """A raw file or snapshot that is missing, malformed or inconsistent."""


class CoverageError(PowergapError, ValueError):
    """Years or units outside what the data or the panel cover."""


class InputError(PowergapError, ValueError):
    """Bad arguments: reversed ranges, unknown options, malformed user files."""


class SnapshotCorruptError(DataError):
    """A snapshot file (or its catalog) whose checksum differs from the one recorded."""


class OutputError(PowergapError, OSError):
    """The operating system could not write an output (full disk, no permission): exit 1."""

    exit_code = 1
