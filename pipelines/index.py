"""Pipeline 3: store pages and their backlinks in the link index, in batches.

Pages are buffered and written ``BACKLINKS_INDEX_BATCH_SIZE`` at a time, in one
transaction (SQLite) or one bulk write (MongoDB), and whatever is left when the spider
closes. After each write the ``crawler.signals.pages_stored`` signal names the pages now
safe in the index.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals as scrapy_signals

from crawler import signals as our_signals
from crawler.index import PageLinks, open_index
from crawler.items import PageItem

logger = logging.getLogger(__name__)


class IndexPipeline:
    def __init__(self, crawler: Any, uri: str, batch_size: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.uri = uri
        self.batch_size = max(1, batch_size)
        self.index = open_index(uri)
        self.pages: list[PageLinks] = []
        self.fetches: list[tuple[str, int, str]] = []

    @classmethod
    def from_crawler(cls, crawler) -> IndexPipeline:
        settings = crawler.settings
        pipeline = cls(
            crawler,
            settings.get("BACKLINKS_INDEX_URI", "sqlite:///backlinks.db"),
            settings.getint("BACKLINKS_INDEX_BATCH_SIZE", 500),
        )
        # An idle worker writes what it holds: a distributed crawl acknowledges requests
        # (and so can end) only once their pages are stored.
        crawler.signals.connect(pipeline.flush, signal=scrapy_signals.spider_idle)
        return pipeline

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, PageItem):
            return item
        if item.page is None:
            self.fetches.append((item.url, item.status, item.fetched_at))
        else:
            self.pages.append(
                PageLinks(
                    source_url=item.url,
                    fetched_at=item.fetched_at,
                    status=item.status,
                    backlinks=tuple(item.backlinks),
                    source_ip=item.source_ip,
                    complete=item.backlinks_complete,
                )
            )
        if len(self.pages) + len(self.fetches) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        pages, fetches = self.pages, self.fetches
        if not pages and not fetches:
            return
        self.pages, self.fetches = [], []
        try:
            if pages:
                result = self.index.write(pages)
                self.stats.inc_value("backlinks/stored", sum(len(p.backlinks) for p in pages))
                self.stats.inc_value("index/inserted", result.inserted)
                self.stats.inc_value("index/lost", result.lost)
            if fetches:
                self.index.record_fetches(fetches)
        except Exception:
            self.stats.inc_value("index/write_errors")
            logger.exception("index write failed for %(n)d pages", {"n": len(pages) + len(fetches)})
            raise
        self.stats.inc_value("index/pages_written", len(pages) + len(fetches))
        self.crawler.signals.send_catch_log(
            our_signals.pages_stored,
            urls=[p.source_url for p in pages] + [f[0] for f in fetches],
        )

    def close_spider(self, spider: Any = None) -> None:
        try:
            self.flush()
        finally:
            self.index.close()
