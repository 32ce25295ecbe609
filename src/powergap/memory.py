"""Process memory: hand freed heap pages back to the operating system."""

from __future__ import annotations


def release_freed_memory() -> None:
    """Give heap pages freed by Python, numpy and Arrow back to the system (glibc's
    ``malloc_trim``; a no-op elsewhere). glibc keeps the freed pages of many mid-sized
    arrays in its arenas (one per thread), so without this a process's peak memory is what
    it held before plus what comes next: the report calls it between sections, the panel
    before joining the asymmetry columns."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: no malloc_trim, nothing to do
        pass
