"""Whether the compiled modules were built from the sources beside them.

The Cython modules (``crawler/_fast*.so``) are built in place by ``make install`` (an
editable install), and rebuilt by ``make`` whenever a source changes. Run without ``make``
after a ``git pull``, old builds would stay beside new Python code that calls them with other
arguments and fail on every page or write. So ``setup.py`` compiles the digest of every
compiled source into ``crawler._fastdom`` (``SOURCES_DIGEST``), and the code that uses the
compiled modules (``crawler.treeview``, the SQLite writer, the parse guard) uses them only
when that digest matches the sources present now (``stale_build``); otherwise the pure-Python
path runs, with a warning. Where no sources are present (an installed wheel), the build is
trusted.

This module is also loaded by ``setup.py`` from its path (not as part of the package), so it
imports nothing from ``crawler`` at import time. It also holds ``imported_later``, how the
modules that import each other with the compiled ones reach them.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The directory of the package's sources.
PACKAGE = Path(__file__).resolve().parent
#: The files the compiled modules are built from (Cython sources, declarations, includes).
SOURCE_PATTERNS = ("_fast*.pyx", "_fast*.pxd", "_fast*.pxi", "_facts*.pxi")


def sources_digest(package: Path = PACKAGE) -> str | None:
    """BLAKE2b (16 bytes, hex) of the compiled modules' sources in ``package``, in name
    order; None when there are none (an install without sources)."""
    files = sorted({path for pattern in SOURCE_PATTERNS for path in package.glob(pattern)})
    if not files:
        return None
    digest = hashlib.blake2b(digest_size=16)
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def built_from_current_sources(fastdom: Any, package: Path = PACKAGE) -> bool:
    """Whether ``fastdom`` (crawler._fastdom; every compiled module is built with it) was
    built from the sources now in ``package``."""
    current = sources_digest(package)
    return current is None or getattr(fastdom, "SOURCES_DIGEST", None) == current


@functools.cache
def stale_build() -> bool:
    """Whether the compiled modules are built but from other sources than those present
    (warned about once): then none of them may be used."""
    try:
        from crawler import _fastdom
    except ImportError:  # not built: each user falls back on its own
        return False
    if built_from_current_sources(_fastdom):
        return False
    warnings.warn("crawler's compiled modules were built from other sources: run `make install` to "
                  "rebuild them; the pure-Python path is used meanwhile", RuntimeWarning, stacklevel=2)
    return True


def imported_later(module: str, *names: str) -> Callable[[], tuple[Any, ...]]:
    """A function giving the ``names`` of ``module``, imported at its first call and kept:
    for modules that import each other (the compiled modules import the Python ones whose
    twins they are), where an import statement in the function using them would cost
    microseconds at each page."""

    @functools.lru_cache(maxsize=1)
    def names_of() -> tuple[Any, ...]:
        loaded = importlib.import_module(module)
        return tuple(getattr(loaded, name) for name in names)

    return names_of
