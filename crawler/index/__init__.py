"""The inbound-link index: one API over SQLite (embedded) and MongoDB (production).

>>> with open_index("sqlite:///:memory:") as index:
...     index.count_backlinks()
0

URIs:

* ``sqlite:///backlinks.db`` (relative path), ``sqlite:////var/lib/backlinks.db``
  (absolute), ``sqlite:///:memory:``;
* ``mongodb://host[:port]/db`` and ``mongodb+srv://...`` (the database name is required;
  options after ``?`` go to pymongo);
* ``mongomock://name/db``: an in-process emulation (mongomock, a test dependency) shared by
  every ``open_index`` of the same name in this process; for tests and demos only.

``open_index(uri, create=False)`` opens an existing index only (the query commands use it:
asking about a file that does not exist must not create an empty one).
"""

from __future__ import annotations

from crawler.index.base import GONE_STATUSES, LinkIndex, PageLinks
from crawler.index.errors import IndexNotFound, IndexUnavailable
from crawler.index.query import LinkFilter, Sort, Target, parse_target
from crawler.index.records import (
    AnchorRow,
    BrokenBacklink,
    DisavowEntry,
    DomainRow,
    IntersectRow,
    PageRow,
    Summary,
    WriteResult,
)

__all__ = [
    "GONE_STATUSES",
    "AnchorRow",
    "BrokenBacklink",
    "DisavowEntry",
    "DomainRow",
    "IndexNotFound",
    "IndexUnavailable",
    "IntersectRow",
    "LinkFilter",
    "LinkIndex",
    "PageLinks",
    "PageRow",
    "Sort",
    "Summary",
    "Target",
    "WriteResult",
    "open_index",
    "parse_target",
]

_SCHEMES = "sqlite:///path.db, mongodb://host:port/db or mongomock://name/db"


def open_index(uri: str, *, create: bool = True) -> LinkIndex:
    """Open the index at ``uri``. A bad URI is a ValueError; an index that cannot be
    opened or reached is an ``IndexUnavailable`` (an OSError)."""
    if not isinstance(uri, str) or not uri.strip():
        raise ValueError(f"index URI is empty: use {_SCHEMES}")
    uri = uri.strip()
    scheme = uri.split(":", 1)[0].lower() if ":" in uri else ""
    if scheme == "sqlite":
        if not uri.lower().startswith("sqlite:///") or len(uri) <= len("sqlite:///"):
            raise ValueError(
                f"index URI {uri!r} has no file path: use sqlite:///relative/path.db, "
                "sqlite:////absolute/path.db or sqlite:///:memory:"
            )
        path = uri[len("sqlite:///") :]
        if "?" in path:
            raise ValueError(f"index URI {uri!r} has options; SQLite URIs take none")
        from crawler.index.sqlite import SqliteIndex

        return SqliteIndex(path, create=create, uri=uri)
    if scheme in ("mongodb", "mongodb+srv", "mongomock"):
        from crawler.index.mongo import open_mongo

        return open_mongo(uri, create=create)
    shown = scheme or uri
    raise ValueError(f"unknown index URI scheme {shown!r} in {uri!r}: use {_SCHEMES}")
