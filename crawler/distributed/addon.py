"""The switch to a distributed crawl: a Scrapy add-on that acts when REDIS_URL is set.

Listed in ``ADDONS`` (crawler/settings.py), it runs after every settings source (project,
environment, ``-s``, spider) is merged and before any component is built, so setting
REDIS_URL in any of them is enough. Without REDIS_URL it does nothing. With it:

* SCHEDULER becomes crawler.distributed.RedisScheduler (shared queue, leases, politeness);
* DUPEFILTER_CLASS becomes crawler.distributed.CompactDupeFilter, unless one of ours is set.

Politeness needs no switch: the scheduler enforces DOWNLOAD_DELAY and
CONCURRENT_REQUESTS_PER_DOMAIN (or BACKLINKS_REDIS_HOST_DELAY/_CONCURRENCY) per host for
the whole cluster, plus any longer delay a worker's downloader keeps for a host (robots.txt
Crawl-delay, AutoThrottle); local delays only ever make a worker slower.

The shared scope is chosen by crawler.scope.scope_from_crawler (the spider is built before
add-ons run), from the same REDIS_URL.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.settings import SETTINGS_PRIORITIES

logger = logging.getLogger(__name__)

SCHEDULER = "crawler.distributed.scheduler.RedisScheduler"
COMPACT_DUPEFILTER = "crawler.distributed.dupefilter.CompactDupeFilter"
OUR_DUPEFILTERS = (COMPACT_DUPEFILTER, "crawler.distributed.dupefilter.RedisDupeFilter",
                   "crawler.distributed.CompactDupeFilter", "crawler.distributed.RedisDupeFilter")


class RedisAddon:
    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedisAddon:
        return cls(crawler)

    def update_settings(self, settings: Any) -> None:
        if not settings.get("REDIS_URL"):
            raise NotConfigured
        settings.set("SCHEDULER", SCHEDULER,
                     max(SETTINGS_PRIORITIES["addon"], settings.getpriority("SCHEDULER") or 0))
        if settings.get("DUPEFILTER_CLASS") not in OUR_DUPEFILTERS:
            settings.set("DUPEFILTER_CLASS", COMPACT_DUPEFILTER,
                         max(SETTINGS_PRIORITIES["addon"], settings.getpriority("DUPEFILTER_CLASS") or 0))
