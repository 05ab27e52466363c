"""The embedded backend: one SQLite file in WAL mode.

Several processes may write one file at once: every write is one ``BEGIN IMMEDIATE``
transaction (writers queue on SQLite's lock instead of failing half-way), the connection
waits up to ``busy_timeout`` for the lock, and a write that still finds the database busy
is retried with a growing pause. Readers never block writers (WAL).
"""

from __future__ import annotations

import os
import sqlite3
import struct
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from crawler.index.base import GONE_STATUSES, LinkIndex, PageLinks
from crawler.index.errors import IndexNotFound, IndexUnavailable
from crawler.index.keys import link_digest, normal_url, sqlite_id, subnet_of
from crawler.index.records import WriteResult
from crawler.index.sqlite_schema import (
    MARK_LOST,
    SCHEMA,
    SCHEMA_VERSION,
    UPSERT_FETCH,
    UPSERT_LINK,
    UPSERT_PAGE,
)
from crawler.index.sqlite_views import SELECT_RECORD, SqliteViews, backlink_of
from crawler.items import Backlink
from crawler.urls import host_of, path_of, site_of

T = TypeVar("T")

#: How long one statement waits for another writer's lock (milliseconds).
BUSY_TIMEOUT_MS = 30_000
#: Page cache per connection (KiB): the write path touches the tail of every target's
#: index range, so a bigger cache keeps writes fast as the file grows.
CACHE_KIB = 262_144
#: Retries of a whole write transaction that still found the database busy.
BUSY_RETRIES = 8


def _pack(ids: list[int]) -> bytes:
    return struct.pack(f">{len(ids)}q", *ids)


def _unpack(blob: bytes | None) -> list[int]:
    if not blob:
        return []
    return list(struct.unpack(f">{len(blob) // 8}q", blob))


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class SqliteIndex(SqliteViews, LinkIndex):
    """LinkIndex on an SQLite file (or ``:memory:``)."""

    def __init__(self, path: str, *, create: bool = True, uri: str = "") -> None:
        self.path = path
        self.uri = uri or f"sqlite:///{path}"
        memory = path == ":memory:"
        if not memory and not create and not os.path.exists(path):
            raise IndexNotFound(
                f"index file {path} does not exist: crawl into it first, or pass --index "
                "with the URI of an existing index"
            )
        try:
            if memory:
                conn = sqlite3.connect(":memory:", isolation_level=None)
            else:
                mode = "rwc" if create else "rw"
                conn = sqlite3.connect(
                    f"file:{_quote(os.path.abspath(path))}?mode={mode}",
                    uri=True,
                    isolation_level=None,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    check_same_thread=False,
                )
        except sqlite3.Error as exc:
            raise IndexUnavailable(_why_not(path, exc)) from exc
        self._conn = conn
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not memory:
                self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL"))
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            has_links = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'links'"
            ).fetchone()
            if version > SCHEMA_VERSION:
                raise IndexUnavailable(
                    f"index file {path} has schema version {version}, newer than this "
                    f"crawler's {SCHEMA_VERSION}: upgrade the crawler"
                )
            if not has_links:
                if not create:
                    raise IndexUnavailable(
                        f"{path} is not a backlinks index (it has no links table)"
                    )
                self._retry(self._create_schema)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise IndexUnavailable(_why_not(path, exc)) from exc
        except IndexUnavailable:
            conn.close()
            raise

    def _create_schema(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self._conn.execute(statement)
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        if self._conn.in_transaction:
            self._conn.execute("COMMIT")

    # --- transactions ---------------------------------------------------------------------
    def _retry(self, work: Callable[[], T]) -> T:
        pause = 0.05
        for attempt in range(BUSY_RETRIES + 1):
            try:
                return work()
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or attempt == BUSY_RETRIES:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 2.0)
        raise AssertionError("unreachable")

    def _transaction(self, body: Callable[[], T]) -> T:
        def attempt() -> T:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                result = body()
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            return result

        return self._retry(attempt)

    # --- writes -------------------------------------------------------------------------
    def write(self, pages: list[PageLinks]) -> WriteResult:
        prepared = [self._prepare(page) for page in pages]
        if not prepared:
            return WriteResult()
        return self._transaction(lambda: self._write_prepared(prepared))

    @staticmethod
    def _prepare(page: PageLinks) -> tuple[str, int, str, list[tuple]]:
        source_url = normal_url(page.source_url)
        source_host = host_of(source_url)
        source_site = site_of(source_host)
        seen = page.fetched_at
        rows: dict[int, tuple] = {}
        for b in page.backlinks:
            target_url = normal_url(b.target_url)
            ident = sqlite_id(link_digest(source_url, target_url))
            target_host = b.target_host or host_of(target_url)
            ip = page.source_ip or b.source_ip
            rows[ident] = (
                ident, source_url, source_host, source_site,
                target_url, target_host, b.target_site or site_of(target_host),
                b.target_path or path_of(target_url),
                b.anchor, " ".join(b.rel), int(b.nofollow), int(b.ugc), int(b.sponsored),
                b.nofollow_by, b.kind, b.position, b.context, int(b.hidden), b.region,
                b.count, b.type, b.origin, int(b.toxicity), " ".join(b.toxic_markers),
                b.type_reason, seen, seen, None, "live", ip, subnet_of(ip),
            )  # fmt: skip
        return source_url, page.status, seen, list(rows.values())

    def _write_prepared(self, prepared: list[tuple[str, int, str, list[tuple]]]) -> WriteResult:
        conn = self._conn
        inserted = updated = lost = revived = 0
        for source_url, status, seen, rows in prepared:
            before = conn.execute(
                "SELECT fetched_at, link_ids FROM pages WHERE url = ?", (source_url,)
            ).fetchone()
            stale = before is not None and before[0] > seen
            old = set(_unpack(before[1])) if before else set()
            new_ids = [row[0] for row in rows]
            fresh = [ident for ident in new_ids if ident not in old]
            known: dict[int, tuple[str, str | None]] = {}
            for start in range(0, len(fresh), 500):
                chunk = fresh[start : start + 500]
                known.update(
                    (ident, (state, lost_at))
                    for ident, state, lost_at in conn.execute(
                        f"SELECT link_id, status, lost_at FROM links WHERE link_id IN "
                        f"({', '.join('?' * len(chunk))})",
                        chunk,
                    )
                )
            for ident in new_ids:
                if ident in old:
                    updated += 1
                elif ident not in known:
                    inserted += 1
                elif known[ident][0] == "lost" and seen >= (known[ident][1] or ""):
                    revived += 1
                else:
                    updated += 1
            conn.executemany(UPSERT_LINK, rows)
            if not stale:
                gone = old.difference(new_ids)
                if gone:
                    cursor = conn.executemany(MARK_LOST, [(seen, ident, seen) for ident in gone])
                    lost += cursor.rowcount
                conn.execute(UPSERT_PAGE, (source_url, status, seen, _pack(new_ids)))
        return WriteResult(inserted, updated, lost, revived, len(prepared))

    def record_fetches(self, fetches: Iterable[tuple[str, int, str]]) -> None:
        items = [(normal_url(url), int(status), fetched_at) for url, status, fetched_at in fetches]
        if items:
            self._transaction(lambda: self._record(items))

    def _record(self, items: list[tuple[str, int, str]]) -> None:
        conn = self._conn
        for url, status, fetched_at in items:
            if status in GONE_STATUSES:
                before = conn.execute(
                    "SELECT fetched_at, link_ids FROM pages WHERE url = ?", (url,)
                ).fetchone()
                if before is not None and before[0] <= fetched_at and before[1]:
                    conn.executemany(
                        MARK_LOST,
                        [(fetched_at, ident, fetched_at) for ident in _unpack(before[1])],
                    )
                conn.execute(UPSERT_PAGE, (url, status, fetched_at, None))
            else:
                conn.execute(UPSERT_FETCH, (url, status, fetched_at))

    # --- reads --------------------------------------------------------------------------
    def iter_backlinks(self, status: str | None = None) -> Iterator[Backlink]:
        if status is None:
            cursor = self._conn.execute(f"SELECT {SELECT_RECORD} FROM links l")
        else:
            cursor = self._conn.execute(
                f"SELECT {SELECT_RECORD} FROM links l WHERE l.status = ?", (status,)
            )
        for row in cursor:
            yield backlink_of(row)

    def crawled_pages(self) -> Iterator[tuple[str, int, str]]:
        yield from self._conn.execute("SELECT url, status, fetched_at FROM pages")

    def count_backlinks(self) -> int:
        return self._conn.execute("SELECT count(*) FROM links").fetchone()[0]

    def explain(self, sql: str, params: list) -> list[str]:
        """EXPLAIN QUERY PLAN details of a statement (for the layout tests)."""
        return [row[3] for row in self._conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]

    def close(self) -> None:
        conn = getattr(self, "_conn", None)
        if conn is not None:
            try:
                conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            conn.close()
            self._conn = None  # type: ignore[assignment]


def _quote(path: str) -> str:
    return path.replace("%", "%25").replace("?", "%3f").replace("#", "%23")


def _why_not(path: str, exc: Exception) -> str:
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        return f"directory {directory} does not exist: create it or choose another index path"
    if "not a database" in str(exc) or "malformed" in str(exc):
        return f"{path} is not an SQLite database: choose another index path"
    if not os.access(directory, os.W_OK) or (
        os.path.exists(path) and not os.access(path, os.W_OK)
    ):
        return f"{path} is not writable: check its permissions or choose another index path"
    return f"cannot open {path}: {exc}"
