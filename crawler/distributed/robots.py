"""robots.txt fetched once per host for the whole cluster.

Each worker's robots.txt middleware (crawler.middlewares.robots) first looks for a host's
robots.txt in Redis; only when no worker has fetched it yet does it download the file, and
then it stores the body there for the others (``P:robots:<netloc>``, expiring after
``BACKLINKS_ROBOTS_SHARE_SECONDS``, a day by default, as long as search engines keep
robots.txt). Only answers that say something lasting are shared: 2xx and 4xx (a missing
robots.txt allows everything); a 5xx answer or a failed download stays the worker's own,
so a passing outage is not spread to the cluster for a day. When Redis is unreachable
the worker simply fetches robots.txt itself.
"""

from __future__ import annotations

from typing import Any

from crawler.distributed.connection import RedisLink, RedisUnavailable, link_for
from crawler.distributed.keys import CrawlKeys


class SharedRobots:
    def __init__(self, link: RedisLink, keys: CrawlKeys, ttl_seconds: int) -> None:
        self.link = link
        self.keys = keys
        self.ttl_seconds = ttl_seconds

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedRobots | None:
        """The cluster's robots.txt store, or None when the crawl is not distributed or
        sharing is off (BACKLINKS_ROBOTS_SHARE_SECONDS = 0)."""
        settings = crawler.settings
        ttl = settings.getint("BACKLINKS_ROBOTS_SHARE_SECONDS", 86_400)
        if not settings.get("REDIS_URL") or ttl <= 0:
            return None
        return cls(link_for(crawler), CrawlKeys.for_crawler(crawler), ttl)

    def get(self, netloc: str) -> bytes | None:
        """The stored robots.txt body of a host, or None (not stored, or Redis is away)."""
        try:
            return self.link.call(self.link.client.get, self.keys.robots(netloc))
        except RedisUnavailable:
            return None

    def put(self, netloc: str, status: int, body: bytes) -> bool:
        """Store a host's robots.txt answer for the other workers; whether it was stored."""
        if status >= 500 or status < 200:
            return False
        try:
            self.link.call(self.link.client.set, self.keys.robots(netloc), body,
                           ex=self.ttl_seconds)  # fmt: skip
        except RedisUnavailable:
            return False
        return True
