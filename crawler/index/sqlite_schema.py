"""The SQLite layout of the link index: tables, indexes and the SQL that writes them.

``links``: one row per backlink. ``link_id`` is the link identity (``crawler.index.keys``)
under a unique index; the rowid is SQLite's own, given in insertion order, so new rows are
appended to the table instead of landing at random pages of it (random rowids made writes
five times slower once the file outgrew the page cache).
Every field of the link record is a column; ``rel`` and ``toxic_markers`` are stored as
space-joined tokens, booleans as 0/1 (SQLite stores 0 and 1 in no payload bytes at all).
``source_subnet`` is derived on write for the diversity counts.

Indexes, each for a query of the index (``tests/test_index_queries.py`` checks with
EXPLAIN QUERY PLAN that every per-target view uses one):

* ``links_id (link_id)`` unique: the upsert key.
* ``links_site_first (target_site, first_seen, link_id)``: site targets, the default
  sort, "new".
* ``links_site_toxicity (target_site, toxicity, link_id)``: the toxicity sort, disavow.
* ``links_site_lost (target_site, lost_at, link_id) WHERE lost_at IS NOT NULL``: "lost"
  (partial: only lost rows pay for it).
* ``links_host_path (target_host, target_path)``: host, URL prefix and exact URL targets.

``link_id`` closes each sort index, so ties are broken the way MongoDB breaks them (by the
identity) and a sort plus paging never needs a temporary b-tree. The last_seen sort has no
index of its own (every recrawl moves last_seen, so it would be rewritten on every write;
it cost 10% of the write rate): it sorts the target's rows, fine but not instant on a
target with 100,000 backlinks.

``pages``: one row per fetched URL with its latest status and, for parsed pages, the ids
of the backlinks it carried (a packed array), which is how a recrawl finds the links it
lost without an index on the source URL.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

#: Columns of ``links`` that hold the link record, in crawler.items.Backlink order.
RECORD_COLUMNS: tuple[str, ...] = (
    "source_url", "source_host", "source_site",
    "target_url", "target_host", "target_site", "target_path",
    "anchor", "rel", "nofollow", "ugc", "sponsored", "nofollow_by", "kind", "position",
    "context", "hidden", "region", "count", "type", "origin", "toxicity", "toxic_markers",
    "type_reason", "first_seen", "last_seen", "lost_at", "status", "source_ip",
)  # fmt: skip

ALL_COLUMNS: tuple[str, ...] = ("link_id", *RECORD_COLUMNS, "source_subnet")

SCHEMA = """
CREATE TABLE IF NOT EXISTS links (
    id INTEGER PRIMARY KEY,
    link_id INTEGER NOT NULL,
    source_url TEXT NOT NULL,
    source_host TEXT NOT NULL,
    source_site TEXT NOT NULL,
    target_url TEXT NOT NULL,
    target_host TEXT NOT NULL,
    target_site TEXT NOT NULL,
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
    status TEXT NOT NULL DEFAULT 'live',
    source_ip TEXT,
    source_subnet TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS links_id ON links (link_id);
CREATE INDEX IF NOT EXISTS links_site_first ON links (target_site, first_seen, link_id);
CREATE INDEX IF NOT EXISTS links_site_toxicity ON links (target_site, toxicity, link_id);
CREATE INDEX IF NOT EXISTS links_site_lost ON links (target_site, lost_at, link_id)
    WHERE lost_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS links_host_path ON links (target_host, target_path);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    status INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    link_ids BLOB
);
"""

#: Fields a newer observation of a link overwrites.
_CONTENT = [c for c in RECORD_COLUMNS if c not in ("first_seen", "last_seen", "lost_at", "status")]

UPSERT_LINK = (
    f"INSERT INTO links ({', '.join(ALL_COLUMNS)}) VALUES ({', '.join('?' * len(ALL_COLUMNS))}) "
    "ON CONFLICT (link_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in [*_CONTENT, "source_subnet"])
    + ", first_seen = min(links.first_seen, excluded.first_seen)"
    ", last_seen = excluded.last_seen, lost_at = NULL, status = 'live' "
    "WHERE excluded.last_seen >= links.last_seen"
    " AND (links.lost_at IS NULL OR excluded.last_seen >= links.lost_at)"
)

MARK_LOST = (
    "UPDATE links SET status = 'lost', lost_at = ? "
    "WHERE link_id = ? AND status = 'live' AND last_seen <= ?"
)

UPSERT_PAGE = (
    "INSERT INTO pages (url, status, fetched_at, link_ids) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (url) DO UPDATE SET status = excluded.status, "
    "fetched_at = excluded.fetched_at, link_ids = excluded.link_ids "
    "WHERE excluded.fetched_at >= pages.fetched_at"
)

#: A fetch without a parse keeps the page's link list unless the page is gone.
UPSERT_FETCH = (
    "INSERT INTO pages (url, status, fetched_at, link_ids) VALUES (?, ?, ?, NULL) "
    "ON CONFLICT (url) DO UPDATE SET status = excluded.status, "
    "fetched_at = excluded.fetched_at "
    "WHERE excluded.fetched_at >= pages.fetched_at"
)
