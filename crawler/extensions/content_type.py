"""Drop non-HTML answers as soon as their headers arrive, before the body is downloaded.

A backlink crawl only needs HTML. When a response's ``Content-Type`` says it is an image,
a PDF, a video or any other non-HTML type, the download stops right after the headers
(``StopDownload(fail=False)``): the spider still gets the response, with its status and
headers and an empty or partial body, and records the fetch. robots.txt fetches are left
alone. Counted as ``backlinks/skipped/content_type``.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured, StopDownload

#: Media types whose bodies we parse. Anything else with an explicit type is not fetched.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml", "text/xml"})


def media_type(content_type: bytes | str | None) -> str:
    if not content_type:
        return ""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    return content_type.split(";", 1)[0].strip().lower()


class HtmlOnly:
    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler) -> HtmlOnly:
        if not crawler.settings.getbool("BACKLINKS_HTML_ONLY", True):
            raise NotConfigured
        extension = cls(crawler.stats)
        crawler.signals.connect(extension.headers_received, signal=signals.headers_received)
        return extension

    def headers_received(self, headers: Any, body_length: int, request: Any, spider: Any) -> None:
        if request.meta.get("dont_obey_robotstxt") or request.url.endswith("/robots.txt"):
            return
        kind = media_type(headers.get(b"Content-Type"))
        if kind and kind not in HTML_TYPES:
            self.stats.inc_value("backlinks/skipped/content_type")
            raise StopDownload(fail=False)
