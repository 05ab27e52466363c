"""The production backend: MongoDB (pymongo), one ``links`` and one ``pages`` collection
(layout, indexes and shard keys: ``crawler.index.mongo_layout``).

Writes go in unordered bulk writes, one per batch of pages. Every update of a link names
its full shard key (``target_site`` and ``_id``), so on a sharded cluster it is routed to
one shard.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from pymongo import MongoClient, UpdateOne
from pymongo.errors import ConfigurationError, InvalidURI, PyMongoError

from crawler.index.base import GONE_STATUSES, LinkIndex, PageLinks
from crawler.index.errors import IndexNotFound, IndexUnavailable
from crawler.index.keys import (
    link_digest,
    mongo_id,
    normal_url,
    source_keys,
    subnet_of,
    target_keys,
)
from crawler.index.mongo_layout import LINKS, PAGES, ensure_indexes
from crawler.index.mongo_views import MongoViews, backlink_of
from crawler.index.records import WriteResult
from crawler.items import Backlink

#: How long to look for a server before saying it is unreachable, unless the URI says.
SERVER_SELECTION_MS = 5000

_mongomock_clients: dict[str, Any] = {}
_mongomock_lock = threading.Lock()


def _patch_mongomock() -> None:
    """mongomock 4.3 predates pymongo 4.9+, whose UpdateOne hands ``sort=None`` to the bulk
    builder; mongomock rejects the unknown argument. Drop it when it is None (we never sort
    an update) and let any real use fail loudly."""
    from mongomock.collection import BulkOperationBuilder

    original = BulkOperationBuilder.add_update
    if getattr(original, "_drops_sort", False):
        return

    def add_update(self, *args: Any, sort: Any = None, **kwargs: Any) -> Any:
        if sort is not None:
            raise NotImplementedError("mongomock cannot sort an update")
        return original(self, *args, **kwargs)

    add_update._drops_sort = True  # type: ignore[attr-defined]
    BulkOperationBuilder.add_update = add_update


def mongomock_client(name: str) -> Any:
    """The process-wide mongomock client called ``name`` (tests and demos only)."""
    try:
        import mongomock
    except ImportError as exc:  # a test dependency, not a runtime one
        raise IndexUnavailable(
            "mongomock:// needs the mongomock package: pip install 'backlinks-crawler[test]'"
        ) from exc
    with _mongomock_lock:
        _patch_mongomock()
        if name not in _mongomock_clients:
            _mongomock_clients[name] = mongomock.MongoClient()
        return _mongomock_clients[name]


def open_mongo(uri: str, *, create: bool = True) -> MongoIndex:
    """Open ``mongodb://``, ``mongodb+srv://`` or ``mongomock://`` URIs."""
    if uri.lower().startswith("mongomock://"):
        parts = urlsplit(uri)
        db_name = parts.path.strip("/")
        if not parts.netloc or not db_name or "/" in db_name:
            raise ValueError(f"index URI {uri!r} needs a name and a database: mongomock://name/db")
        return MongoIndex(mongomock_client(parts.netloc), db_name, create=create, uri=uri)
    from pymongo import uri_parser

    try:
        parsed = uri_parser.parse_uri(uri)
    except (InvalidURI, ConfigurationError, ValueError) as exc:
        raise ValueError(f"index URI {uri!r} is not a valid MongoDB URI: {exc}") from exc
    db_name = parsed.get("database")
    if not db_name:
        raise ValueError(
            f"index URI {uri!r} names no database: add it, e.g. mongodb://host:27017/backlinks"
        )
    options = {"serverSelectionTimeoutMS": SERVER_SELECTION_MS}
    if "serverselectiontimeoutms" in {k.lower() for k in parsed.get("options", {})}:
        options = {}
    client: MongoClient = MongoClient(uri, **options)
    try:
        client.admin.command("ping")
    except PyMongoError as exc:
        client.close()
        hosts = ", ".join(f"{h}:{p}" for h, p in parsed.get("nodelist", [])) or uri
        raise IndexUnavailable(
            f"MongoDB at {hosts} is unreachable ({type(exc).__name__}): start it or fix the URI"
        ) from exc
    return MongoIndex(client, db_name, create=create, uri=uri)


class MongoIndex(MongoViews, LinkIndex):
    """LinkIndex on a MongoDB database."""

    def __init__(self, client: Any, db_name: str, *, create: bool = True, uri: str = "") -> None:
        self.client = client
        self.uri = uri
        self.db = client[db_name]
        try:
            if not create and LINKS not in self.db.list_collection_names():
                raise IndexNotFound(
                    f"database {db_name!r} holds no backlinks index (no {LINKS} collection): "
                    "crawl into it first, or pass --index with the URI of an existing index"
                )
            if create:
                ensure_indexes(self.db)
        except PyMongoError as exc:
            raise IndexUnavailable(f"cannot use MongoDB database {db_name!r}: {exc}") from exc
        self._link_docs = self.db[LINKS]
        self._page_docs = self.db[PAGES]

    # --- writes -------------------------------------------------------------------------
    @staticmethod
    def _prepare(page: PageLinks) -> tuple[str, int, str, dict[str, dict[str, Any]]]:
        source_url, source_host, source_site = source_keys(page.source_url)
        seen = page.fetched_at
        docs: dict[str, dict[str, Any]] = {}
        for b in page.backlinks:
            target_url, target_host, target_site, target_path = target_keys(b)
            ident = mongo_id(link_digest(source_url, target_url))
            ip = page.source_ip or b.source_ip or None  # "" is no address, as in SQLite
            docs[ident] = {
                "source_url": source_url, "source_host": source_host,
                "source_site": source_site, "target_url": target_url,
                "target_host": target_host, "target_site": target_site,
                "target_path": target_path, "anchor": b.anchor,
                "rel": sorted(b.rel), "nofollow": bool(b.nofollow), "ugc": bool(b.ugc),
                "sponsored": bool(b.sponsored), "nofollow_by": b.nofollow_by, "kind": b.kind,
                "position": b.position, "context": b.context, "hidden": bool(b.hidden),
                "region": b.region, "count": b.count, "type": b.type, "origin": b.origin,
                "toxicity": int(b.toxicity), "toxic_markers": list(b.toxic_markers),
                "type_reason": b.type_reason, "source_ip": ip, "source_subnet": subnet_of(ip),
            }  # fmt: skip
        return source_url, page.status, seen, docs, page.complete

    def write(self, pages: list[PageLinks]) -> WriteResult:
        prepared = [self._prepare(page) for page in pages]
        if not prepared:
            return WriteResult()
        inserted = updated = lost = revived = 0
        link_ops: list[UpdateOne] = []
        lost_ops: list[UpdateOne] = []
        page_ops: list[UpdateOne] = []
        before = {
            doc["_id"]: doc
            for doc in self._page_docs.find({"_id": {"$in": [p[0] for p in prepared]}})
        }
        all_ids = [ident for _, _, _, docs, _ in prepared for ident in docs]
        state: dict[str, dict[str, Any]] = {}
        for start in range(0, len(all_ids), 1000):
            for doc in self._link_docs.find(
                {"_id": {"$in": all_ids[start : start + 1000]}},
                {"status": 1, "lost_at": 1, "last_seen": 1},
            ):
                state[doc["_id"]] = doc
        for source_url, status, seen, docs, complete in prepared:
            previous = before.get(source_url)
            stale = previous is not None and previous["fetched_at"] > seen
            for ident, doc in docs.items():
                known = state.get(ident)
                if known is None:
                    inserted += 1
                elif seen < known["last_seen"] or (known.get("lost_at") or "") > seen:
                    continue  # an older observation than the one stored
                elif known["status"] == "lost":
                    revived += 1
                else:
                    updated += 1
                link_ops.append(UpdateOne(
                    {"_id": ident, "target_site": doc["target_site"]},
                    {"$set": {**doc, "last_seen": seen, "status": "live", "lost_at": None},
                     "$min": {"first_seen": seen}},
                    upsert=True,
                ))  # fmt: skip
                state[ident] = {"status": "live", "lost_at": None, "last_seen": seen}
            if stale:
                continue
            carried = [[ident, doc["target_site"]] for ident, doc in docs.items()]
            if not complete:
                # Only some of the page's links: none is lost, the ones not seen stay its.
                carried += [pair for pair in (previous or {}).get("links") or [] if pair[0] not in docs]
            elif previous is not None:
                now = set(docs)
                for ident, site in previous.get("links") or []:
                    if ident not in now:
                        lost_ops.append(_lose(ident, site, seen))
            page_ops.append(UpdateOne(
                {"_id": source_url},
                {"$set": {"status": status, "fetched_at": seen, "links": carried}},
                upsert=True,
            ))  # fmt: skip
            before[source_url] = {"fetched_at": seen, "links": carried}
        if link_ops:
            self._link_docs.bulk_write(link_ops, ordered=True)
        if lost_ops:
            lost = self._link_docs.bulk_write(lost_ops, ordered=False).modified_count
        if page_ops:
            self._page_docs.bulk_write(page_ops, ordered=True)
        return WriteResult(inserted, updated, lost, revived, len(prepared))

    def record_fetches(self, fetches: Iterable[tuple[str, int, str]]) -> None:
        items = [(normal_url(url), int(status), fetched_at) for url, status, fetched_at in fetches]
        if not items:
            return
        before = {
            doc["_id"]: doc
            for doc in self._page_docs.find({"_id": {"$in": [url for url, _, _ in items]}})
        }
        lost_ops: list[UpdateOne] = []
        page_ops: list[UpdateOne] = []
        for url, status, fetched_at in items:
            previous = before.get(url)
            if previous is not None and previous["fetched_at"] > fetched_at:
                continue
            fields: dict[str, Any] = {"status": status, "fetched_at": fetched_at}
            if status in GONE_STATUSES:
                for ident, site in (previous or {}).get("links") or []:
                    lost_ops.append(_lose(ident, site, fetched_at))
                fields["links"] = []
            page_ops.append(UpdateOne({"_id": url}, {"$set": fields}, upsert=True))
            before[url] = {**(previous or {}), **fields}
        if lost_ops:
            self._link_docs.bulk_write(lost_ops, ordered=False)
        self._page_docs.bulk_write(page_ops, ordered=True)

    # --- reads --------------------------------------------------------------------------
    def iter_backlinks(self, status: str | None = None) -> Iterator[Backlink]:
        query = {} if status is None else {"status": str(status)}
        for doc in self._link_docs.find(query):
            yield backlink_of(doc)

    def crawled_pages(self) -> Iterator[tuple[str, int, str]]:
        for doc in self._page_docs.find({}, {"status": 1, "fetched_at": 1}):
            yield doc["_id"], doc["status"], doc["fetched_at"]

    def count_backlinks(self) -> int:
        return self._link_docs.count_documents({})

    def close(self) -> None:
        if self.uri.lower().startswith("mongomock://"):
            return  # the shared in-process client outlives one index
        self.client.close()


def _lose(ident: str, site: str, seen: str) -> UpdateOne:
    return UpdateOne(
        {"_id": ident, "target_site": site, "status": "live", "last_seen": {"$lte": seen}},
        {"$set": {"status": "lost", "lost_at": seen}},
    )
