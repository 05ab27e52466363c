"""What the index commands share: opening the index for queries and turning errors into one
line on stderr with the right exit code (2: bad arguments, 1: the environment)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from crawler.index import IndexUnavailable, LinkIndex, open_index


class CommandError(Exception):
    """A command cannot go on; ``exit_code`` 2 for bad arguments, 1 for the rest."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def open_for_query(uri: str | None, settings: Any) -> LinkIndex:
    """Open an existing index (``uri``, else the BACKLINKS_INDEX_URI setting); never
    create one."""
    uri = uri or settings.get("BACKLINKS_INDEX_URI", "sqlite:///backlinks.db")
    try:
        return open_index(uri, create=False)
    except ValueError as exc:
        raise CommandError(str(exc), 2) from exc
    except IndexUnavailable as exc:
        raise CommandError(f"cannot open the index {uri}: {exc}", 1) from exc


def count_option(name: str, value: str) -> int:
    """A whole number >= 0 given to option ``name``; else a usage error."""
    if not value.isdigit():
        raise CommandError(f"{name} must be a whole number >= 0, not {value!r}", 2)
    return int(value)


def toxicity_option(name: str, value: str | None) -> int | None:
    """A toxicity 0..100 given to option ``name`` (None when not given); else a usage error."""
    if value is None:
        return None
    if not value.isdigit() or int(value) > 100:
        raise CommandError(f"{name} must be a whole number from 0 to 100, not {value!r}", 2)
    return int(value)


def run_reporting_errors(name: str, body: Callable[[], None]) -> int:
    """Run ``body``; print any failure as ``scrapy NAME: error: ...`` and give the exit code."""
    try:
        body()
    except CommandError as exc:
        print(f"scrapy {name}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except ValueError as exc:
        print(f"scrapy {name}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (head, less) went away: not an error of ours.
        try:
            sys.stdout = None  # type: ignore[assignment]
        finally:
            return 0  # noqa: B012
    except OSError as exc:
        print(f"scrapy {name}: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a database error, a bug: one line, not a traceback
        reason = " ".join(str(exc).split()) or type(exc).__name__
        print(f"scrapy {name}: error: {type(exc).__name__}: {reason}", file=sys.stderr)
        return 1
    return 0

