"""Progress of a crawl, from Scrapy stats: a log line every ``BACKLINKS_PROGRESS_INTERVAL``
seconds (pages/min, backlinks stored, referring domains found, errors) and a summary when
the spider closes. Set the interval to 0 to switch the periodic line off. With
``BACKLINKS_STATS_FILE`` set, the final stats are also written there as JSON, for scripts.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.utils.asyncio import create_looping_call

logger = logging.getLogger(__name__)


def error_count(stats: dict[str, Any]) -> int:
    """Fetches that failed: download exceptions and spider-side error records."""
    total = 0
    for key, value in stats.items():
        if key.startswith("backlinks/errors/") and isinstance(value, int):
            total += value
    return total


class CrawlProgress:
    def __init__(self, stats: Any, interval: float, stats_file: str = "") -> None:
        self.stats = stats
        self.stats_file = stats_file
        self.interval = interval
        self.task = None
        self.started = time.monotonic()
        self.last_pages = 0
        self.last_time = self.started

    @classmethod
    def from_crawler(cls, crawler) -> CrawlProgress:
        settings = crawler.settings
        extension = cls(
            crawler.stats,
            settings.getfloat("BACKLINKS_PROGRESS_INTERVAL", 60.0),
            settings.get("BACKLINKS_STATS_FILE", ""),
        )
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def figures(self) -> dict[str, int]:
        values = self.stats.get_stats()
        return {
            "pages": values.get("response_received_count", 0),
            "backlinks": values.get("backlinks/stored", 0),
            "domains": values.get("backlinks/referring_domains", 0),
            "errors": error_count(values),
        }

    def spider_opened(self, spider: Any) -> None:
        self.started = self.last_time = time.monotonic()
        if self.interval > 0:
            self.task = create_looping_call(self.log)
            self.task.start(self.interval, now=False)

    def log(self) -> None:
        now = time.monotonic()
        figures = self.figures()
        minutes = max(now - self.last_time, 1e-9) / 60
        rate = (figures["pages"] - self.last_pages) / minutes
        self.last_pages, self.last_time = figures["pages"], now
        logger.info(
            "progress: %(pages)d pages (%(rate).0f pages/min), %(backlinks)d backlinks stored, "
            "%(domains)d referring domains, %(errors)d errors",
            {**figures, "rate": rate},
        )

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        figures = self.figures()
        elapsed = max(time.monotonic() - self.started, 1e-9)
        values = self.stats.get_stats()
        cut = {k.rsplit("/", 1)[1]: v for k, v in values.items() if k.startswith("backlinks/scope/cut/")}
        logger.info(
            "crawl finished (%(reason)s): %(pages)d pages in %(elapsed).0f s "
            "(%(rate).0f pages/min), %(backlinks)d backlinks stored, %(domains)d referring "
            "domains, %(errors)d errors, %(blocked)d blocked by the address guard, "
            "%(robots)d forbidden by robots.txt, not followed: %(cut)s",
            {
                **figures,
                "reason": reason,
                "elapsed": elapsed,
                "rate": figures["pages"] / elapsed * 60,
                "blocked": values.get("backlinks/guard/blocked", 0),
                "robots": values.get("robotstxt/forbidden", 0),
                "cut": ", ".join(f"{k} {v}" for k, v in sorted(cut.items())) or "none",
            },
        )
        if self.stats_file:
            values = {k: (v if isinstance(v, (int, float, str, bool)) or v is None else str(v))
                      for k, v in self.stats.get_stats().items()}
            values["finish_reason"] = reason
            values["backlinks/elapsed_seconds"] = round(elapsed, 3)
            Path(self.stats_file).write_text(json.dumps(values, indent=1, sort_keys=True), encoding="utf-8")
