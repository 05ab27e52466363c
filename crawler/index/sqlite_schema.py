"""The SQLite layout of the link index: tables, indexes and the SQL that writes them.

Write cost in SQLite is the number of b-tree pages a transaction dirties: every secondary
index whose key lands at a random place costs a page per link, written to the WAL and
later checkpointed. So the layout keeps keys small (integers, not host names) and has no
index on the link identity: a link is found through its source page.

``names``: every site, host, IP address and /24 (/48) network name once, with an integer
id (the writer keeps them in memory). Links refer to them by id.

``pages``: one row per fetched URL (``id`` its rowid) with its latest status and, for
parsed pages, ``link_ids``: the identities of the backlinks its last crawl carried (how a
recrawl finds the links it lost), and ``link_rows``: the rowids of every link it ever
carried (how a write finds the stored state of a page's links). Both are packed arrays
of 64-bit integers.

``links``: one row per backlink. The rowid is handed out by the writer in insertion order,
so new rows are appended to the table. ``link_id`` is the identity (the 63-bit hash of
``crawler.index.keys``); it needs no index of its own: a link is only ever looked up
through its source page's ``link_rows`` (a unique index on the hash put every new link on
a random page of that index, the costliest part of a write). Its integer keys:
``page_id`` (the source page), ``site_id``/``host_id`` of the target, ``source_site_id``,
``ip_id``/``subnet_id`` of the source page's address. Every other field of the link record
is a column (``rel`` and ``toxic_markers`` as space-joined tokens, booleans as 0/1), except
the six a key already gives (``DERIVED_COLUMNS``): the source URL (the page's), its host
(worked out from that URL when read), its site, the target's host and site and the source
address (the names of their ids). Keeping them out made the file a fifth smaller (606 ->
477-485 MB for bench_index's million links); the write rate moved within the noise
(63,000-69,000 against 66,000-67,400 links/s in alternating runs), though the INSERT and
COMMIT alone, timed inside the writer, went from about 12.2 to 10.4 µs per link.

``gen``, the link's generation: its rowid >> GEN_BITS, so a generation is a run of
32,768 links in the order they were first stored (a link keeps its generation when it is
seen again). The per-target index is led by it, so that a write only touches the index
pages of the newest generation: keyed by target alone, a write of 10,000 links over 6,300
targets dirtied 6,300 pages of the index (one per target, each written to the WAL at
commit: 8 of the 27 µs a link cost); within one generation they fall on the at most ~800
pages it holds. The smaller the generation, the fewer pages a write dirties and the
fewer it has to keep in cache: in a bare-SQL model of 500,000 links, a row and its index
entries cost 8.4 µs with generations of 131,072 and 4.2-4.5 µs with 32,768 (2.8 without
the index); bench_index went from 78,000 to 95,000-102,000 links/s. A per-target query
reads one range per generation (``gen IN (0, 1, ...)``, the generations up to
``max(gen)``, read from the index): a seek per 32,768 links stored (about 3,000 at 100
million links, a few ms). A page of backlinks in the default order is one statement:
SQLite's ORDER BY ... LIMIT over an IN list keeps the best offset + limit entries and
leaves a generation's range as soon as its next entry cannot enter them, which is the
merge of the generations' first pages done in C (0.03 ms for the first 50 of a target's
100,000 links over 31 generations; 0.2 ms at offset 950; SQLite has done this since 2016,
see its test/limit2.test; tests/test_index_queries.py counts the VM steps it saves). Files written with other
generation sizes stay valid: a generation is only a partition of the rowids, and every
query reads all of them up to the newest.

Indexes, each for a query of the index (``tests/test_index_queries.py`` checks with
EXPLAIN QUERY PLAN that every per-target view uses one):

* ``links_site (gen, site_id, first_seen, link_id, status, toxicity, nofollow, type,
  host_id, target_path, source_site_id, page_id, ip_id, subnet_id)``: every per-target
  query. Within a generation its order is the default sort (first_seen, ties broken by the
  identity as MongoDB breaks them), and it covers what the filters, the other sorts, the
  host/prefix/URL targets and the distinct counts read, so those scan the target's ranges
  of this index and never its rows. One index instead of one per access path: every index
  keyed by target costs each write transaction a page per target it touches.
* ``links_site_lost (site_id, lost_at, link_id) WHERE lost_at IS NOT NULL``: "lost"
  (partial: only lost rows pay for it).

``targets``: per target site, the counters of the summary (live, lost, followed, toxic,
potentially toxic, per type) and the earliest first_seen / latest last_seen, kept by the
writer in the same transaction as the links, from each link's state before and after.
The summary of a site without filters reads them instead of counting rows.

The toxicity and last_seen sorts sort the target's index entries (last_seen: its rows):
fine, but not instant, on a target with 100,000 backlinks.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from crawler.index.records import RECORD_FIELDS
from crawler.vocab import TYPES

SCHEMA_VERSION = 4
#: Versions upgraded in place (UPGRADE): 2 (every record field a column) and 3 (the same
#: with generations, 2026-12-07 development builds only).
UPGRADABLE_VERSIONS = (2, 3)

#: Links per generation, as a power of two: a link's ``gen`` is its rowid >> GEN_BITS
#: (32,768 links; 131,072 in the first layout-4 builds). See the module docstring.
GEN_BITS = 15

#: Columns of ``links`` that hold the link record, in crawler.items.Backlink order.
RECORD_COLUMNS: tuple[str, ...] = RECORD_FIELDS

#: The integer keys of a link row, before its record columns.
KEY_COLUMNS: tuple[str, ...] = (
    "page_id", "link_id", "site_id", "host_id", "source_site_id", "ip_id", "subnet_id",
)  # fmt: skip

ALL_COLUMNS: tuple[str, ...] = (*KEY_COLUMNS, *RECORD_COLUMNS)

#: Per-target counters of ``targets``, in this order: live and lost backlinks, then of the
#: live ones: followed, toxic, potentially toxic, and one per type of crawler.vocab.TYPES.
COUNTERS: tuple[str, ...] = (
    "live", "lost", "dofollow", "toxic", "potentially_toxic", *(f"type_{t}" for t in TYPES),
)  # fmt: skip

#: The ``links`` table (``{table}``: its name; the upgrade builds it under another first).
LINKS_TABLE = """CREATE TABLE IF NOT EXISTS {table} (
    id INTEGER PRIMARY KEY,
    gen INTEGER NOT NULL DEFAULT 0,
    page_id INTEGER NOT NULL,
    link_id INTEGER NOT NULL,
    site_id INTEGER NOT NULL,
    host_id INTEGER NOT NULL,
    source_site_id INTEGER NOT NULL,
    ip_id INTEGER,
    subnet_id INTEGER,
    target_url TEXT NOT NULL,
    target_path TEXT NOT NULL,
    anchor TEXT NOT NULL DEFAULT '',
    rel TEXT NOT NULL DEFAULT '',
    nofollow INTEGER NOT NULL DEFAULT 0,
    ugc INTEGER NOT NULL DEFAULT 0,
    sponsored INTEGER NOT NULL DEFAULT 0,
    nofollow_by TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'text',
    position TEXT NOT NULL DEFAULT 'content',
    context TEXT NOT NULL DEFAULT '',
    hidden INTEGER NOT NULL DEFAULT 0,
    region TEXT NOT NULL DEFAULT '',
    count INTEGER NOT NULL DEFAULT 1,
    type TEXT NOT NULL DEFAULT 'other',
    origin TEXT NOT NULL DEFAULT 'natural',
    toxicity INTEGER NOT NULL DEFAULT 0,
    toxic_markers TEXT NOT NULL DEFAULT '',
    type_reason TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    lost_at TEXT,
    status TEXT NOT NULL DEFAULT 'live'
);
"""

#: The indexes of ``links``.
LINK_INDEXES = """CREATE INDEX IF NOT EXISTS links_site ON links (
    gen, site_id, first_seen, link_id, status, toxicity, nofollow, type, host_id, target_path,
    source_site_id, page_id, ip_id, subnet_id
);
CREATE INDEX IF NOT EXISTS links_site_lost ON links (site_id, lost_at, link_id)
    WHERE lost_at IS NOT NULL;
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS names (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    status INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    link_ids BLOB,
    link_rows BLOB
);
{links}{link_indexes}CREATE TABLE IF NOT EXISTS targets (
    site_id INTEGER PRIMARY KEY,
    first_seen TEXT,
    last_seen TEXT,
    {counters}
);
""".replace("{counters}", ",\n    ".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in COUNTERS)
            ).replace("{links}", LINKS_TABLE.replace("{table}", "links")).replace("{link_indexes}", LINK_INDEXES)

#: Fields of the link record that are not stored in ``links`` but read from the page and
#: the names its ids point at (SQL over ``links l``; source_host, None, is the host of the
#: source URL, worked out when the record is read).
DERIVED_COLUMNS: dict[str, str | None] = {
    "source_url": "(SELECT url FROM pages WHERE id = l.page_id)",
    "source_host": None,
    "source_site": "(SELECT name FROM names WHERE id = l.source_site_id)",
    "target_host": "(SELECT name FROM names WHERE id = l.host_id)",
    "target_site": "(SELECT name FROM names WHERE id = l.site_id)",
    "source_ip": "(SELECT name FROM names WHERE id = l.ip_id)",
}
#: The columns of ``links`` that hold the key and record (``id`` and ``gen`` aside).
STORED_COLUMNS: tuple[str, ...] = tuple(c for c in ALL_COLUMNS if c not in DERIVED_COLUMNS)

#: Fields a newer observation of a link overwrites (the identity and the times aside).
CONTENT_COLUMNS: tuple[str, ...] = tuple(
    c for c in STORED_COLUMNS
    if c not in ("page_id", "link_id", "target_url", "first_seen", "last_seen", "lost_at",
                 "status")
)  # fmt: skip


#: A new link's values that INSERT_LINK does not bind: it is live, not lost, and last seen
#: when first seen.
_NEW_LINK_CONSTANTS = {"last_seen": "{first_seen}", "lost_at": "NULL", "status": "'live'"}

#: Positions in a link's record (RECORD_COLUMNS order) of the values INSERT_LINK binds
#: after the rowid, the generation and the KEY_COLUMNS.
STORED_RECORD: tuple[int, ...] = tuple(
    i for i, c in enumerate(RECORD_COLUMNS)
    if c not in DERIVED_COLUMNS and c not in _NEW_LINK_CONSTANTS
)


def _insert_link() -> str:
    bound = ("id", "gen", *KEY_COLUMNS, *(RECORD_COLUMNS[i] for i in STORED_RECORD))
    number = {c: f"?{i}" for i, c in enumerate(bound, 1)}
    values = [
        number[c] if c in number else _NEW_LINK_CONSTANTS[c].format_map(number)
        for c in ("id", "gen", *STORED_COLUMNS)
    ]
    return (
        f"INSERT INTO links (id, gen, {', '.join(STORED_COLUMNS)}) VALUES ({', '.join(values)})"
    )


#: A new link: rowid (the writer hands them out in order), generation, KEY_COLUMNS, then
#: the record's values at STORED_RECORD (first_seen also gives last_seen).
INSERT_LINK = _insert_link()


#: A link seen again: new content, first_seen kept (the earlier), live again.
UPDATE_LINK = (
    "UPDATE links SET "
    + ", ".join(f"{c} = ?" for c in CONTENT_COLUMNS)
    + ", first_seen = min(first_seen, ?), last_seen = ?, lost_at = NULL, status = 'live'"
    " WHERE id = ?"
)

MARK_LOST = "UPDATE links SET status = 'lost', lost_at = ? WHERE id = ?"

INSERT_NAME = "INSERT INTO names (name) VALUES (?)"
SELECT_NAME = "SELECT id FROM names WHERE name = ?"

#: A new page, with its rowid (None: the next one).
INSERT_PAGE = (
    "INSERT INTO pages (id, url, status, fetched_at, link_ids, link_rows) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
UPDATE_PAGE = (
    "UPDATE pages SET status = ?, fetched_at = ?, link_ids = ?, link_rows = ? WHERE id = ?"
)
#: A fetch without a parse keeps the page's link list unless the page is gone.
UPDATE_FETCH = "UPDATE pages SET status = ?, fetched_at = ? WHERE id = ?"
UPDATE_FETCH_GONE = "UPDATE pages SET status = ?, fetched_at = ?, link_ids = NULL WHERE id = ?"

#: Add a delta to a target's counters and widen its first/last seen.
UPSERT_TARGET = (
    f"INSERT INTO targets (site_id, first_seen, last_seen, {', '.join(COUNTERS)}) "
    f"VALUES (?, ?, ?, {', '.join('?' * len(COUNTERS))}) ON CONFLICT (site_id) DO UPDATE SET "
    "first_seen = coalesce(min(first_seen, excluded.first_seen), first_seen, "
    "excluded.first_seen), "
    "last_seen = coalesce(max(last_seen, excluded.last_seen), last_seen, excluded.last_seen), "
    + ", ".join(f"{c} = {c} + excluded.{c}" for c in COUNTERS)
)

#: A target's first/last seen from its links (after a link moved to another target);
#: ``{gens}``: the generations, see ``gens_in``.
RESET_TARGET_TIMES = (
    "UPDATE targets SET "
    "first_seen = (SELECT min(first_seen) FROM links WHERE gen IN ({gens}) AND site_id = ?1), "
    "last_seen = (SELECT max(last_seen) FROM links WHERE gen IN ({gens}) AND site_id = ?1) "
    "WHERE site_id = ?1"
)

#: The version 2 or 3 -> 4 upgrade: ``links`` rebuilt without the derived columns and with the
#: generation column (each link's, from its rowid), and its indexes.
UPGRADE = (
    "DROP TABLE IF EXISTS links_v3",
    LINKS_TABLE.replace("{table}", "links_v3"),
    f"INSERT INTO links_v3 (id, gen, {', '.join(STORED_COLUMNS)}) "
    f"SELECT id, id >> {GEN_BITS}, {', '.join(STORED_COLUMNS)} FROM links ORDER BY id",
    "DROP TABLE links",
    "ALTER TABLE links_v3 RENAME TO links",
    *(statement for statement in LINK_INDEXES.split(";") if statement.strip()),
)


def generations(conn: sqlite3.Connection) -> list[int]:
    """The generations that may hold links: 0 up to the newest (read from the index)."""
    newest = conn.execute("SELECT max(gen) FROM links").fetchone()[0]
    return list(range((newest or 0) + 1))


def gens_in(gens: Sequence[int]) -> str:
    """The SQL list of generations for ``gen IN (...)``: plain integers the index read from
    itself (never a value from a caller)."""
    return ", ".join(str(int(g)) for g in gens)


#: Values per ``IN (...)`` list (SQLite allows 32,766 parameters per statement).
IN_CHUNK = 500


def select_in(
    conn: sqlite3.Connection, sql: str, values: Sequence[Any], params: Sequence[Any] = ()
) -> Iterator[tuple]:
    """Rows of ``sql`` (with one ``{in}`` where the list goes, after ``params``) for every
    value of ``values``, IN_CHUNK values per statement."""
    for start in range(0, len(values), IN_CHUNK):
        chunk = values[start : start + IN_CHUNK]
        yield from conn.execute(sql.replace("{in}", ", ".join("?" * len(chunk))),
                                [*params, *chunk])  # fmt: skip
