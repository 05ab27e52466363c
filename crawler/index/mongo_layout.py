"""The MongoDB layout of the link index: collections, indexes, shard keys.

``links``: one document per backlink. ``_id`` is the 32-hex-digit link identity
(``crawler.index.keys``); every field of the link record is a field of the document
(``rel`` and ``toxic_markers`` as arrays), plus ``source_subnet``.

``pages``: one document per fetched URL: ``_id`` the URL, ``status``, ``fetched_at`` and,
for parsed pages, ``links``: the ``[_id, target_site]`` pairs of the backlinks it carried
(so a recrawl finds its lost links, and updates them with their full shard key).

Every query of the index is per target, and every target (site, host, prefix, URL) knows
its site, so every filter starts with ``target_site``. Indexes, one per access path:

* ``{target_site, first_seen, _id}``: site targets, the default sort, "new" (the trailing
  ``_id`` breaks ties, so sort + paging never needs an in-memory sort);
* ``{target_site, last_seen, _id}``, ``{target_site, toxicity, _id}``: the other sorts,
  disavow;
* ``{target_site, lost_at, _id}``, partial on lost links only: the "lost" view;
* ``{target_site, target_host, target_path}``: host, URL prefix and exact URL targets;
* ``{target_site, source_site}``: referring domains, intersect (a covered group);
* ``{target_site, _id: hashed}``: supports the shard key.

Shard keys. ``links``: ``{target_site: 1, _id: "hashed"}``. The range part keeps one
target's links on few chunks, so a per-target query goes to the shards that hold that
target and not to all of them; the hashed ``_id`` lets the chunks of one huge target
(millions of backlinks) split and spread, where ``{target_site: 1}`` alone would make
jumbo chunks that cannot move. Writes of one page spread over its targets' chunks.
``pages``: ``{_id: "hashed"}``: pages are only ever read by URL.
"""

from __future__ import annotations

from typing import Any

LINKS = "links"
PAGES = "pages"

#: (name, keys, options) of every index of ``links``.
LINK_INDEXES: list[tuple[str, list[tuple[str, Any]], dict[str, Any]]] = [
    ("links_site_first", [("target_site", 1), ("first_seen", -1), ("_id", -1)], {}),
    ("links_site_last", [("target_site", 1), ("last_seen", -1), ("_id", -1)], {}),
    ("links_site_toxicity", [("target_site", 1), ("toxicity", -1), ("_id", -1)], {}),
    (
        "links_site_lost",
        [("target_site", 1), ("lost_at", -1), ("_id", -1)],
        {"partialFilterExpression": {"status": "lost"}},
    ),
    ("links_host_path", [("target_site", 1), ("target_host", 1), ("target_path", 1)], {}),
    ("links_site_source", [("target_site", 1), ("source_site", 1)], {}),
    ("links_shard", [("target_site", 1), ("_id", "hashed")], {}),
]

PAGE_INDEXES: list[tuple[str, list[tuple[str, Any]], dict[str, Any]]] = [
    ("pages_shard", [("_id", "hashed")], {}),
]

SHARD_KEYS: dict[str, dict[str, Any]] = {
    LINKS: {"target_site": 1, "_id": "hashed"},
    PAGES: {"_id": "hashed"},
}


def ensure_indexes(db: Any) -> list[str]:
    """Create every index (idempotent: an index that exists is left alone); the names."""
    made = []
    for collection, specs in ((LINKS, LINK_INDEXES), (PAGES, PAGE_INDEXES)):
        existing = db[collection].index_information()
        for name, keys, options in specs:
            if name not in existing:
                db[collection].create_index(keys, name=name, **options)
            made.append(f"{collection}.{name}")
    return made


def shard_collections(client: Any, db_name: str) -> list[str]:
    """Shard both collections on SHARD_KEYS (mongos only; idempotent). Raises
    ``pymongo.errors.OperationFailure`` on a server that is not a sharded cluster."""
    admin = client.admin
    done = []
    try:
        admin.command("enableSharding", db_name)
    except Exception as exc:  # already enabled on old servers, a no-op on new ones
        if "already enabled" not in str(exc):
            raise
    for collection, key in SHARD_KEYS.items():
        namespace = f"{db_name}.{collection}"
        try:
            admin.command("shardCollection", namespace, key=key)
        except Exception as exc:
            if "already sharded" not in str(exc) and "AlreadyInitialized" not in str(exc):
                raise
        done.append(f"{namespace} on {key}")
    return done
