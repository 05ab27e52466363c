"""The switch to a distributed crawl: a Scrapy add-on that acts when REDIS_URL is set.

Listed in ``ADDONS`` (crawler/settings.py), it runs after every settings source (project,
environment, ``-s``, spider) is merged and before any component is built, so setting
REDIS_URL in any of them is enough. Without REDIS_URL it does nothing. With it:

* SCHEDULER becomes crawler.distributed.RedisScheduler (shared queue, leases, politeness);
* DUPEFILTER_CLASS becomes crawler.distributed.CompactDupeFilter, unless one of ours is set;
* politeness moves to the cluster: BACKLINKS_REDIS_HOST_DELAY and
  BACKLINKS_REDIS_HOST_CONCURRENCY take DOWNLOAD_DELAY and CONCURRENT_REQUESTS_PER_DOMAIN
  unless set, and the local DOWNLOAD_DELAY and AutoThrottle are switched off: a local delay
  would start a request later than the time its worker reported to the cluster, and the
  next worker could then come too soon.

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
        top = max(SETTINGS_PRIORITIES["addon"], *(settings.getpriority(name) or 0 for name in (
            "SCHEDULER", "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED")))
        settings.set("SCHEDULER", SCHEDULER, top)
        if settings.get("DUPEFILTER_CLASS") not in OUR_DUPEFILTERS:
            settings.set("DUPEFILTER_CLASS", COMPACT_DUPEFILTER,
                         max(SETTINGS_PRIORITIES["addon"], settings.getpriority("DUPEFILTER_CLASS") or 0))
        for ours, scrapys in (("BACKLINKS_REDIS_HOST_DELAY", "DOWNLOAD_DELAY"),
                              ("BACKLINKS_REDIS_HOST_CONCURRENCY", "CONCURRENT_REQUESTS_PER_DOMAIN")):
            if settings.get(ours) in (None, ""):
                settings.set(ours, settings.get(scrapys), SETTINGS_PRIORITIES["addon"])
        if settings.getfloat("DOWNLOAD_DELAY"):
            settings.set("DOWNLOAD_DELAY", 0, top)
        if settings.getbool("AUTOTHROTTLE_ENABLED"):
            logger.info("REDIS_URL is set: per-host delay and concurrency are enforced for the "
                        "whole cluster (BACKLINKS_REDIS_HOST_DELAY=%(d)s, "
                        "BACKLINKS_REDIS_HOST_CONCURRENCY=%(c)s); AutoThrottle, which adapts a "
                        "single worker's delay, is switched off",
                        {"d": settings.get("BACKLINKS_REDIS_HOST_DELAY"),
                         "c": settings.get("BACKLINKS_REDIS_HOST_CONCURRENCY")})
            settings.set("AUTOTHROTTLE_ENABLED", False, top)
