"""Errors that powergap reports to users as one clear line."""

from __future__ import annotations


class PowergapError(Exception):
    """Base class: the message is the whole story, shown as one line by the CLI."""


class UnknownStateError(PowergapError, LookupError):
    """A country name or code that matches no state (or matches several)."""


class DataError(PowergapError):
    """A raw file or snapshot that is missing, malformed or inconsistent."""


class CoverageError(PowergapError, ValueError):
    """Years or units outside what the data or the panel cover."""


class InputError(PowergapError, ValueError):
    """Bad arguments: reversed ranges, unknown options, malformed user files."""
