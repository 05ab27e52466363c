"""Pipeline 1: a page item becomes its outbound backlinks (anchor, rel, position ...)."""

from __future__ import annotations

import logging
from typing import Any

from crawler.backlinks import backlinks_and_links
from crawler.items import PageItem

logger = logging.getLogger(__name__)


class OutboundLinksPipeline:
    """Fills ``PageItem.backlinks`` with one record per outbound target of the page, the
    first ``max_backlinks`` in document order (0: all of them)."""

    def __init__(self, stats: Any, max_backlinks: int = 0) -> None:
        self.stats = stats
        self.max_backlinks = max_backlinks
        #: Source sites with at least one outbound backlink: the referring domains found.
        self.referring: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler) -> OutboundLinksPipeline:
        return cls(crawler.stats, crawler.settings.getint("BACKLINKS_MAX_BACKLINKS_PER_PAGE", 0))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, PageItem) or item.page is None:
            return item
        item.backlinks, item.backlink_links = backlinks_and_links(
            item.page, source_url=item.url, fetched_at=item.fetched_at, source_ip=item.source_ip
        )
        cap = self.max_backlinks
        if cap and len(item.backlinks) > cap:
            # A link farm of 300,000 targets costs seconds of classification in the crawl's
            # one thread, and as many index rows: its first targets are kept.
            dropped = len(item.backlinks) - cap
            item.backlinks, item.backlink_links = item.backlinks[:cap], item.backlink_links[:cap]
            item.backlinks_complete = False
            self.stats.inc_value("backlinks/capped/pages")
            self.stats.inc_value("backlinks/capped/backlinks", dropped)
            logger.info("%s links to %d other targets: the first %d are kept "
                        "(BACKLINKS_MAX_BACKLINKS_PER_PAGE)", item.url, cap + dropped, cap)
        if item.backlinks:
            self.stats.inc_value("backlinks/extracted", len(item.backlinks))
            site = item.backlinks[0].source_site
            if site not in self.referring:
                self.referring.add(site)
                self.stats.set_value("backlinks/referring_domains", len(self.referring))
        return item
