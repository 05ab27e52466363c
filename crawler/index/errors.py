"""Errors of the link index.

A bad URI, target or filter is a ``ValueError`` (the caller asked for something wrong:
exit code 2 at the command line). An index that cannot be opened or reached is an
``IndexUnavailable``, an ``OSError`` (the environment is wrong: exit code 1).
"""

from __future__ import annotations


class IndexUnavailable(OSError):
    """The index cannot be opened: an unwritable path, a missing file, an unreachable
    server, a file that is not a backlinks index."""


class IndexNotFound(IndexUnavailable):
    """The index file does not exist (raised when opening for queries only)."""
