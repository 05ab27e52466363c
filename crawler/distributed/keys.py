"""Where a distributed crawl keeps its state in Redis, and the compact set layout.

Every key of one crawl starts with one prefix (``BACKLINKS_REDIS_KEY``, by default
``backlinks:<spider name>``), so a crawl can be inspected, reset or run next to another
crawl on the same Redis:

==========================  ===========================================================
``P:req``                   hash, request id -> "host\\npriority\\nJSON request": every
                            request not yet finished (queued or leased). Empty = done.
``P:q:<host>``              sorted set of the queued request ids of one host
                            (score -priority; equal scores in id order, i.e. FIFO)
``P:ready``                 sorted set, host -> server time (ms) the host may start its
                            next request; only hosts with queued requests
``P:hnext``                 hash, host -> time (ms) until which the host is held back
``P:hdelay``                hash, host -> the longest delay (ms) a worker's downloader
                            reported for it (robots.txt Crawl-delay, AutoThrottle)
``P:slots:<host>``          sorted set, request id -> expiry (ms): the host's requests
                            between lease and download end (cluster-wide concurrency)
``P:leases``                sorted set, request id -> lease expiry (ms)
``P:seq``                   request id counter
``P:df:<shard>``            dupefilter (compact: sets of 32-bit integers, see below)
``P:seen:<shard>``          the shared scope's seen URLs (same layout)
``P:hops`` / ``P:pages``    hashes, site -> discovery hop / pages admitted
``P:admitted``              pages admitted in all (the sum of ``P:pages``, kept by the
                            same scripts so that a status read is one GET; set from
                            ``P:pages`` on a crawl begun without it)
``P:cut``                   hash, reason -> links not followed (depth, hops, site_cap,
                            query_variants)
``P:variants``              hash, digest of a host and path -> query variants admitted
``P:adm:<digest>``          replay record of one page's admissions (expires)
``P:robots:<netloc>``       robots.txt body of a host, fetched by one worker for all
                            (expires after BACKLINKS_ROBOTS_SHARE_SECONDS)
``P:state``                 "running" or "finished"
``P:reset-lock``            held while a worker clears a finished crawl for a new one
``P:stats``                 hash of cluster counters (enqueued, leased, acked, ...)
``P:workers``               sorted set, worker name -> last heartbeat (ms)
==========================  ===========================================================

Compact sets: a 64-bit hash is split into a shard number (the high bits, as many as the
capacity needs) and a 32-bit member. Redis stores a set of small integers as an *intset*,
a sorted array of 4-byte integers, so a shard of ~200 members costs ~4 bytes per member
plus the key's overhead shared by its members: about 5 bytes per URL at capacity,
against ~90 for a set of 40-character hex fingerprints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Members per shard aimed at when the set holds its capacity (Redis keeps a set an
#: intset up to set-max-intset-entries, 512 by default).
SHARD_TARGET = 256

#: The default of BACKLINKS_REDIS_KEY (crawler/settings.py): the prefix of a crawl's keys.
DEFAULT_KEY = "backlinks:%(spider)s"


class _Key:
    """A fixed key of the crawl: ``<prefix>:<suffix>``, read as an attribute."""

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix

    def __get__(self, keys: CrawlKeys | None, owner: type | None = None) -> str:
        if keys is None:
            return self.suffix
        return f"{keys.prefix}:{self.suffix}"


@dataclass(frozen=True, slots=True)
class CrawlKeys:
    """The key names of one crawl."""

    prefix: str

    req = _Key("req")
    leases = _Key("leases")
    ready = _Key("ready")
    state = _Key("state")
    stats = _Key("stats")
    workers = _Key("workers")
    lock = _Key("reset-lock")
    hops = _Key("hops")
    pages = _Key("pages")
    admitted = _Key("admitted")
    cut = _Key("cut")

    @classmethod
    def for_spider(cls, template: str, spider_name: str) -> CrawlKeys:
        return cls(template % {"spider": spider_name})

    @classmethod
    def for_crawler(cls, crawler: Any) -> CrawlKeys:
        """The keys of the crawl ``crawler`` runs: its spider's name in BACKLINKS_REDIS_KEY."""
        spider = getattr(crawler, "spider", None) or getattr(crawler, "spidercls", None)
        name = getattr(spider, "name", None) or "backlinks"
        return cls.for_spider(crawler.settings.get("BACKLINKS_REDIS_KEY", DEFAULT_KEY), name)

    def queue(self, host: str) -> str:
        return f"{self.prefix}:q:{host}"

    def slots(self, host: str) -> str:
        return f"{self.prefix}:slots:{host}"

    def replay(self, digest: str) -> str:
        return f"{self.prefix}:adm:{digest}"

    def robots(self, netloc: str) -> str:
        return f"{self.prefix}:robots:{netloc}"


def delete_crawl(client: Any, prefix: str, keep: str = "") -> int:
    """Delete every key of the crawl under ``prefix`` but ``keep``; how many were deleted."""
    deleted = 0
    cursor = 0
    while True:
        cursor, found = client.scan(cursor, match=f"{prefix}:*", count=1000)
        found = [k for k in found if (k.decode() if isinstance(k, bytes) else k) != keep]
        if found:
            deleted += int(client.unlink(*found))
        if cursor == 0:
            return deleted


def shard_bits_for(capacity: int) -> int:
    """Shard bits so that ``capacity`` members fill shards to about SHARD_TARGET."""
    shards = max(1, -(-max(1, capacity) // SHARD_TARGET))
    return max(0, (shards - 1).bit_length())


@dataclass(frozen=True, slots=True)
class ShardedSet:
    """A set of 64-bit hashes kept as 2**bits Redis sets of signed 32-bit integers.

    Two different items collide when their hashes agree on bits+32 bits: the chance that
    a new item is taken for a seen one is about n / 2**(bits+32) with n items stored
    (about 6e-8 at capacity).
    """

    key_prefix: str
    bits: int

    def locate(self, digest: bytes) -> tuple[str, int]:
        """The (key, member) holding an item with this hash (at least 8 bytes)."""
        value = int.from_bytes(digest[:8], "big")
        member = (value & 0xFFFFFFFF) - 0x80000000
        shard = (value >> 32) & ((1 << self.bits) - 1)
        return f"{self.key_prefix}:{shard}", member

    def false_positive_rate(self, items: int) -> float:
        return items / 2 ** (self.bits + 32)
