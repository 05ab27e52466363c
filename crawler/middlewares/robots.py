"""robots.txt with its ``Crawl-delay``.

Scrapy's ``RobotsTxtMiddleware`` obeys Allow/Disallow but ignores ``Crawl-delay``. This
subclass also applies the delay a site asks for to that site's download slot (capped at
``BACKLINKS_MAX_CRAWL_DELAY`` seconds) and tells AutoThrottle not to lower it. In a
distributed crawl, a host's robots.txt is fetched by one worker and shared with the others
through Redis (crawler.distributed.robots).
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred


class RobotsCrawlDelayMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.max_crawl_delay = crawler.settings.getfloat("BACKLINKS_MAX_CRAWL_DELAY", 30.0)
        self._delays: dict[str, float] = {}
        self._shared = None
        if crawler.settings.get("REDIS_URL"):
            from crawler.distributed.robots import SharedRobots

            self._shared = SharedRobots.from_crawler(crawler)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        # Scrapy (2.19) awaits the pending robots.txt Deferred itself from every request that
        # arrives while it downloads; the first await's callback returns None, so the second
        # and later requests got no parser and were never checked (seen with several workers
        # leasing a new host's pages at once). Each waiter gets its own Deferred here.
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if self._shared is not None and netloc not in self._parsers:
            body = self._shared.get(netloc)
            if body is not None:  # another worker fetched it
                parser = build_from_crawler(self._parserimpl, self.crawler, body)
                self._parsers[netloc] = parser
                self._stats.inc_value("backlinks/robots/shared")
                await self.crawler.signals.send_catch_log_async(
                    signal=signals.robots_parsed, robotparser=parser, request=request
                )
                return parser
        if isinstance(pending, Deferred):
            waiter: Deferred = Deferred()

            def relay(result: Any) -> Any:
                waiter.callback(result)
                return result

            pending.addCallback(relay)
            return await maybe_deferred_to_future(waiter)
        return await super().robot_parser(request)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if self._shared is not None and self._shared.put(netloc, response.status, response.body):
            self._stats.inc_value("backlinks/robots/shared_out")
        await super()._parse_robots(response, netloc, request)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        super().process_request_2(rp, request)
        if rp is None or not hasattr(rp, "crawl_delay"):
            return
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        delay = self._delays.get(key)
        if delay is None:
            useragent = self._robotstxt_useragent or request.headers.get(
                b"User-Agent", self._default_useragent
            )
            asked = rp.crawl_delay(useragent)
            delay = min(float(asked), self.max_crawl_delay) if asked else 0.0
            self._delays[key] = delay
            if delay:
                self._stats.inc_value("backlinks/robots/crawl_delay_sites")
                settings = downloader.per_slot_settings.setdefault(key, {})
                settings["delay"] = max(delay, float(settings.get("delay", 0.0)))
                # Crawl-delay is a minimum: no random jitter below it.
                settings["jitter"] = 0.0
        if delay:
            slot = downloader.slots.get(key)
            if slot is not None and (slot.delay < delay or slot.jitter):
                slot.delay = max(slot.delay, delay)
                slot.jitter = 0.0
            request.meta["autothrottle_dont_adjust_delay"] = True
