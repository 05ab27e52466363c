"""Scaling out on Redis: a shared queue with leases, dupefilter, scope and politeness.

Set ``REDIS_URL`` and every ``scrapy crawl backlinks`` worker joins one crawl; see
deploy/README.md. The pieces, each in its own module:

* ``addon.RedisAddon``: the switch (settings applied when REDIS_URL is set);
* ``scheduler.RedisScheduler``: batched enqueue/lease, acknowledgements, termination;
* ``queue.HostQueue``: per-host queues, leases, cluster-wide host delay and concurrency;
* ``dupefilter.CompactDupeFilter`` / ``RedisDupeFilter``: shared request fingerprints;
* ``scope.RedisCrawlScope``: the spider's scope (seen URLs, hops, pages per site) shared;
* ``connection``: the client, reconnect with backoff, ``check_redis`` for preflight.
"""

from __future__ import annotations

from crawler.distributed.addon import RedisAddon
from crawler.distributed.connection import RedisLink, RedisUnavailable, check_redis, link_for
from crawler.distributed.dupefilter import CompactDupeFilter, RedisDupeFilter
from crawler.distributed.scheduler import RedisScheduler
from crawler.distributed.scope import RedisCrawlScope

__all__ = [
    "CompactDupeFilter",
    "RedisAddon",
    "RedisCrawlScope",
    "RedisDupeFilter",
    "RedisLink",
    "RedisScheduler",
    "RedisUnavailable",
    "check_redis",
    "link_for",
]
