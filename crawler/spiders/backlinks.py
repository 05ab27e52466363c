"""The ``backlinks`` spider: fetch the seed sites, follow their links to discover the
sites they link to, and hand every fetched page to the pipelines as one ``PageItem``.

Each HTML page is parsed once (``crawler.links.parse_page``): the same parse gives the
links to follow and the item. Which links are followed is the scope's decision
(``crawler.scope``): discovery hops, pages per site and depth within a site; URLs already
asked for are dropped before a Request is built.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.backlinks import followable, redirect_page
from crawler.focus import FocusTracker
from crawler.items import PageItem
from crawler.links import parse_page
from crawler.middlewares.redirect import KNOWN_TARGET_META
from crawler.scope import Admission, scope_from_crawler
from crawler.seeds import read_seeds
from crawler.urls import host_of, join, site_of

logger = logging.getLogger(__name__)


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_html(response: Response) -> bool:
    content_type = response.headers.get(b"Content-Type", b"") or b""
    if content_type:
        return b"html" in content_type.lower()
    return hasattr(response, "text")


class BacklinksSpider(Spider):
    name = "backlinks"

    def __init__(self, seeds: str | None = None, targets: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seeds_arg = seeds
        self.targets_arg = targets
        self.seed_urls: list[str] = []
        self.targets: list[str] = [t.strip().lower() for t in (targets or "").split(",") if t.strip()]

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> BacklinksSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.scope = scope_from_crawler(crawler)
        spider.focus = FocusTracker(spider.targets)
        spider.follow_nofollow = settings.getbool("BACKLINKS_FOLLOW_NOFOLLOW", True)
        scheme = settings.get("BACKLINKS_SEED_SCHEME", "https")
        if spider.seeds_arg is not None or not settings.get("REDIS_URL"):
            # Without Redis a crawl needs seeds; with Redis a worker may just work the queue.
            spider.seed_urls = read_seeds(spider.seeds_arg, scheme)
        return spider

    # -- requests -------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        # Crawler.stats exists only once the crawl starts, after from_crawler.
        self.scope.stats = self.crawler.stats
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        for url in self.seed_urls:
            admission = self.scope.add_seed(url)
            if admission is not None:
                yield self._request(admission)

    def _request(self, admission: Admission, boost: int = 0) -> Request:
        return Request(
            admission.url,
            callback=self.parse,
            errback=self.on_error,
            priority=boost - admission.depth - 4 * admission.hop,
            meta={"hop": admission.hop, "site_depth": admission.depth},
        )

    # -- responses ------------------------------------------------------------------------
    def parse(self, response: Response) -> Iterator[Any]:
        fetched_at = utc_now()
        source_ip = str(response.ip_address) if response.ip_address is not None else None
        known_target = response.meta.get(KNOWN_TARGET_META)
        if known_target:
            # A redirect to a URL asked for already (crawler/middlewares/redirect.py): its
            # chain is recorded here, the target is fetched by its own request.
            yield from self._redirect_items(response.meta, known_target, fetched_at, source_ip)
            return
        yield from self._redirect_items(response.meta, response.url, fetched_at, source_ip)
        stats = self.crawler.stats
        if response.status >= 400 or not _is_html(response):
            if response.status < 400:
                stats.inc_value("backlinks/pages/not_html")
            yield PageItem(url=response.url, status=response.status, fetched_at=fetched_at,
                           source_ip=source_ip)
            return
        page = parse_page(response.body, response.url, headers=response.headers)
        stats.inc_value("backlinks/pages/html")
        yield PageItem(url=page.url, status=response.status, fetched_at=fetched_at,
                       source_ip=source_ip, page=page)
        yield from self._follow(page.links, response)

    def _follow(self, links, response: Response) -> Iterator[Request]:
        meta = response.meta
        hop = meta.get("hop", 0)
        depth = meta.get("site_depth", 0)
        from_site = site_of(host_of(response.url))
        if self.focus and self.focus.observe(from_site, links):
            self.crawler.stats.inc_value("backlinks/focus/referring_pages")
        urls = [link.url for link in followable(links, self.follow_nofollow)]
        for admission in self.scope.admit_page(urls, from_site, hop, depth):
            yield self._request(
                admission,
                self.focus.boost(admission.site, from_site, hop=admission.hop, depth=admission.depth),
            )

    def _redirect_items(self, meta: dict, url: str, fetched_at: str,
                        source_ip: str | None) -> Iterator[Any]:
        """One item per HTTP redirect that led to ``url`` (the response's, or the URL of a
        request that was then refused)."""
        chain = meta.get("redirect_urls") or []
        if not chain:
            return
        reasons = meta.get("redirect_reasons") or []
        hops = [*chain, url]
        for index, url in enumerate(chain):
            status = reasons[index] if index < len(reasons) and isinstance(reasons[index], int) else 302
            location = join(url, hops[index + 1]) or hops[index + 1]
            self.crawler.stats.inc_value("backlinks/pages/redirect")
            yield PageItem(url=url, status=status, fetched_at=fetched_at, source_ip=source_ip,
                           page=redirect_page(url, location), redirect_to=location)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        # Whatever happened at this URL (refused by robots.txt or the address guard, too
        # many redirects, a timeout), the redirects that led here were fetched, and are links.
        known_target = request.meta.get(KNOWN_TARGET_META)
        yield from self._redirect_items(request.meta, known_target or request.url, utc_now(), None)
        if known_target or failure.check(IgnoreRequest):
            # (A redirect to a known URL was fetched: only its handling failed.)
            return
        self.crawler.stats.inc_value(f"backlinks/errors/{failure.type.__name__}")
        logger.debug("fetch failed: %(url)s: %(error)s", {"url": request.url, "error": failure.value})
        yield PageItem(url=request.url, status=0, fetched_at=utc_now())

    def closed(self, reason: str) -> None:
        stats = self.crawler.stats
        stats.set_value("backlinks/sites/known", len(self.scope.site_hops))
