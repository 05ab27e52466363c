"""Pipeline 1: a page item becomes its outbound backlinks (anchor, rel, position ...)."""

from __future__ import annotations

from typing import Any

from crawler.backlinks import backlinks_and_links
from crawler.items import PageItem


class OutboundLinksPipeline:
    """Fills ``PageItem.backlinks`` with one record per outbound target of the page."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats
        #: Source sites with at least one outbound backlink: the referring domains found.
        self.referring: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler) -> OutboundLinksPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, PageItem) or item.page is None:
            return item
        item.backlinks, item.backlink_links = backlinks_and_links(
            item.page, source_url=item.url, fetched_at=item.fetched_at, source_ip=item.source_ip
        )
        if item.backlinks:
            self.stats.inc_value("backlinks/extracted", len(item.backlinks))
            site = item.backlinks[0].source_site
            if site not in self.referring:
                self.referring.add(site)
                self.stats.set_value("backlinks/referring_domains", len(self.referring))
        return item
