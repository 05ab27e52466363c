"""The embedded backend: one SQLite file in WAL mode.

Several processes may write one file at once: every write is one ``BEGIN IMMEDIATE``
transaction (writers queue on SQLite's lock instead of failing half-way), the connection
waits up to ``busy_timeout`` for the lock, and a write that still finds the database busy
is retried with a growing pause. Readers never block writers (WAL). A writing connection
leaves WAL checkpoints to a background thread (crawler.index.sqlite_checkpoint).

The layout is in crawler.index.sqlite_schema, the write path in crawler.index.sqlite_write,
the views in crawler.index.sqlite_views.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from crawler.index.base import LinkIndex, PageLinks
from crawler.index.errors import IndexNotFound, IndexUnavailable
from crawler.index.keys import normal_url
from crawler.index.records import WriteResult
from crawler.index.sqlite_checkpoint import Checkpointer
from crawler.index.sqlite_schema import SCHEMA, SCHEMA_VERSION, UPGRADABLE_VERSIONS, UPGRADE
from crawler.index.sqlite_views import SELECT_RECORD, SqliteViews, backlink_of
from crawler.index.sqlite_write import SqliteWriter, prepare
from crawler.items import Backlink

T = TypeVar("T")

#: How long one statement waits for another writer's lock (milliseconds).
BUSY_TIMEOUT_MS = 30_000
#: Page cache per connection (KiB): the write path touches the tail of every target's
#: index range, so a bigger cache keeps writes fast as the file grows.
CACHE_KIB = 262_144
#: Page size of a new index file (an existing file keeps its own). 16 KiB rather than
#: SQLite's default 4 KiB: a write appends rows and adds index entries within the newest
#: generation, and bigger pages mean fewer page splits and fewer pages to track and write
#: to the WAL per commit: bench_index went from 92,000-99,000 to 104,000-112,000 links/s
#: in alternating runs, with the same query latencies. (The first layout, with a unique
#: index on the link hash that dirtied a random page per link, also wrote 2.5 times as fast
#: with 16 KiB pages.)
PAGE_SIZE = 16_384
#: WAL bytes after which a commit copies the WAL back into the file (SQLite's default is
#: 1,000 pages). The same index pages (the newest generation's) are rewritten by every
#: transaction; a longer WAL copies each of them once per checkpoint instead of once per
#: write, and syncs the file less often (1.6x the write rate at 600,000 links). The
#: writer's connection checkpoints only at four times this: crawler.index.sqlite_checkpoint
#: does it in the background.
CHECKPOINT_BYTES = 64 * 1024 * 1024
#: Retries of a whole write transaction that still found the database busy.
BUSY_RETRIES = 8


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class SqliteIndex(SqliteWriter, SqliteViews, LinkIndex):
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
        self._file_uri = "" if memory else f"file:{_quote(os.path.abspath(path))}?mode=rw"
        self._checkpointer: Checkpointer | None = None
        self._init_writer()
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Takes effect only on a new file (before WAL mode is set): see PAGE_SIZE.
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            if not memory:
                self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL"))
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            # The background Checkpointer copies the WAL back; SQLite's own checkpoint
            # only if that falls far behind.
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
            conn.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_BYTES * 4 // page_size}")
            conn.execute(f"PRAGMA journal_size_limit = {CHECKPOINT_BYTES * 2}")
            # One statement, so one snapshot: read apart, another process could create the
            # schema in between (version 0 read before, the links table seen after).
            version, has_links = conn.execute(
                "SELECT (SELECT user_version FROM pragma_user_version), EXISTS (SELECT 1 FROM "
                "sqlite_master WHERE type = 'table' AND name = 'links')"
            ).fetchone()
            if version > SCHEMA_VERSION:
                raise IndexUnavailable(
                    f"index file {path} has schema version {version}, newer than this "
                    f"crawler's {SCHEMA_VERSION}: upgrade the crawler"
                )
            if has_links and version in UPGRADABLE_VERSIONS:
                self._retry(self._upgrade)
            elif has_links and version < SCHEMA_VERSION:
                raise IndexUnavailable(
                    f"index file {path} has schema version {version}, older than this "
                    f"crawler's {SCHEMA_VERSION}: crawl into a new index file"
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
        self._set_layout([st for st in SCHEMA.split(";") if st.strip()], from_versions=(0,))

    def _upgrade(self) -> None:
        """An older file (UPGRADABLE_VERSIONS): ``links`` rebuilt in the current layout."""
        self._set_layout(UPGRADE, from_versions=UPGRADABLE_VERSIONS)

    def _set_layout(self, statements: Iterable[str], *, from_versions: tuple[int, ...]) -> None:
        """Run ``statements`` and mark the file SCHEMA_VERSION, in one write transaction,
        if its version is still one of ``from_versions`` (another process may have done it
        meanwhile)."""
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("SELECT user_version FROM pragma_user_version").fetchone()[0]
            if version in from_versions:
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

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
                self._rolled_back()
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._committed()
            if self._file_uri:
                if self._checkpointer is None:
                    self._checkpointer = Checkpointer(self._file_uri)
                self._checkpointer.poke()
            return result

        return self._retry(attempt)

    # --- writes -------------------------------------------------------------------------
    def write(self, pages: list[PageLinks]) -> WriteResult:
        # A batch makes a few hundred thousand short-lived tuples; the cyclic garbage
        # collector would walk every live object several times meanwhile (6% of a write)
        # to find no cycles: they are freed by reference counting.
        collecting = gc.isenabled()
        gc.disable()
        try:
            prepared = [prepare(page) for page in pages]
            if not prepared:
                return WriteResult()
            return self._transaction(lambda: self._write_prepared(prepared))
        finally:
            if collecting:
                gc.enable()

    def record_fetches(self, fetches: Iterable[tuple[str, int, str]]) -> None:
        items = [(normal_url(url), int(status), fetched_at) for url, status, fetched_at in fetches]
        if items:
            self._transaction(lambda: self._record(items))

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
        checkpointer = getattr(self, "_checkpointer", None)
        if checkpointer is not None:
            checkpointer.stop()
            self._checkpointer = None
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
