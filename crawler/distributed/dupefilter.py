"""Shared dupefilters for a distributed crawl, keyed by Scrapy's request fingerprinter.

* ``CompactDupeFilter`` (the default with REDIS_URL): 64-bit hashes of the fingerprint in
  sharded Redis intsets, ~5 bytes per URL (see crawler.distributed.keys and
  bench/bench_dupefilter.py), false positives about n / 2**(shard bits + 32).
* ``RedisDupeFilter``: scrapy-redis's layout (one set of 40-character hex fingerprints,
  ~90 bytes per URL), exact, kept for comparison and for tools that read that set.

Both share one interface with the scheduler: ``locate(request) -> (key, member)``, so the
scheduler's enqueue script checks and adds fingerprints of a whole batch in one round
trip. ``request_seen`` (one SADD) keeps them usable as plain Scrapy dupefilters.
The sets are shared by all workers and outlive a worker: ``close`` does not clear them
(a finished crawl is reset when the next one is seeded, see the scheduler).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.distributed.connection import link_for
from crawler.distributed.keys import CrawlKeys, ShardedSet, shard_bits_for

logger = logging.getLogger(__name__)


def _prefix(crawler: Any) -> str:
    return CrawlKeys.for_crawler(crawler).prefix


class RedisDupeFilter(RFPDupeFilter):
    """scrapy-redis's RFPDupeFilter with Scrapy's own request fingerprints."""

    def __init__(self, server: Any, key: str, debug: bool = False, *,
                 fingerprinter: Any = None, stats: Any = None) -> None:
        super().__init__(server, key, debug)
        self.fingerprinter = fingerprinter
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedisDupeFilter:
        link = link_for(crawler)
        return cls(link.client, f"{_prefix(crawler)}:df",
                   crawler.settings.getbool("DUPEFILTER_DEBUG"),
                   fingerprinter=crawler.request_fingerprinter, stats=crawler.stats)

    @classmethod
    def from_settings(cls, settings: Any) -> RedisDupeFilter:  # pragma: no cover - guard
        raise TypeError(f"{cls.__name__} needs a crawler: build it with from_crawler(crawler)")

    def fingerprint(self, request: Request) -> bytes:
        return self.fingerprinter.fingerprint(request)

    def request_fingerprint(self, request: Request) -> str:
        return self.fingerprint(request).hex()

    def locate(self, request: Request) -> tuple[str, str | int]:
        """The Redis set and member that stand for this request."""
        return self.key, self.request_fingerprint(request)

    def request_seen(self, request: Request) -> bool:
        key, member = self.locate(request)
        return self.server.sadd(key, member) == 0

    def log(self, request: Request, spider: Any) -> None:
        if self.stats is not None:
            self.stats.inc_value("dupefilter/filtered")
        super().log(request, spider)

    def close(self, reason: str = "") -> None:
        """Shared state: kept for the other workers (scrapy-redis would delete it here)."""

    def clear(self) -> None:
        self.server.delete(self.key)


class CompactDupeFilter(RedisDupeFilter):
    """Fingerprints as 64-bit hashes in sharded intsets: ~5 bytes per URL."""

    def __init__(self, server: Any, key: str, debug: bool = False, *, fingerprinter: Any = None,
                 stats: Any = None, capacity: int = 20_000_000) -> None:
        super().__init__(server, key, debug, fingerprinter=fingerprinter, stats=stats)
        self.capacity = capacity
        self.shards = ShardedSet(key, shard_bits_for(capacity))

    @classmethod
    def from_crawler(cls, crawler: Any) -> CompactDupeFilter:
        link = link_for(crawler)
        return cls(link.client, f"{_prefix(crawler)}:df",
                   crawler.settings.getbool("DUPEFILTER_DEBUG"),
                   fingerprinter=crawler.request_fingerprinter, stats=crawler.stats,
                   capacity=crawler.settings.getint("BACKLINKS_DUPEFILTER_CAPACITY", 20_000_000))

    def locate(self, request: Request) -> tuple[str, int]:
        return self.shards.locate(self.fingerprint(request))

    def clear(self) -> None:
        keys = [f"{self.key}:{shard}" for shard in range(1 << self.shards.bits)]
        for start in range(0, len(keys), 1000):
            self.server.unlink(*keys[start:start + 1000])
