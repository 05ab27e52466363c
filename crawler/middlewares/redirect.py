"""HTTP redirects that are never lost to the dupefilter.

Scrapy's ``RedirectMiddleware`` follows a 3xx answer with a new request that goes through
the scheduler's dupefilter like any other. When the redirect target was already asked for
(``http://a.test/`` redirecting to ``http://www.a.test/``, which other pages link to), that
request is dropped, and with it the ``redirect_urls`` chain the spider records redirects
from: the redirecting URL is never recorded and a cross-site redirect backlink is lost.

This subclass asks the crawl's scope (``CrawlScope.take_redirect``; shared through Redis
when the crawl is distributed) whether the target was asked for already:

* if not, the target is taken (later links to it are not fetched again) and the followed
  request passes the dupefilter (``dont_filter``), so the chain reaches the spider;
* if it was, the target is not fetched a second time: the 3xx response goes to the spider
  with the chain in its meta and the target under ``KNOWN_TARGET_META``, and the spider
  records the redirects from it.

A target already in the chain (a redirect loop) is left to the dupefilter as before, and
``REDIRECT_MAX_TIMES`` still bounds every chain.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.http import Request, Response

#: Request meta: the target of the redirect this response answered, already asked for.
KNOWN_TARGET_META = "backlinks_redirect_to_known"

_CHAIN_META = ("redirect_urls", "redirect_reasons", "redirect_times", "redirect_ttl")


class ChainKeepingRedirectMiddleware(RedirectMiddleware):
    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        result = super().process_response(request, response)
        if not isinstance(result, Request) or result is request:
            return result
        chain = result.meta.get("redirect_urls") or []
        scope = getattr(self.crawler.spider, "scope", None)
        if result.url in chain or scope is None or self._new_target(scope, result.url, chain):
            return keep_chain(result)
        # Asked for already: its own request fetches it; the spider records the chain.
        for key in _CHAIN_META:
            if key in result.meta:
                request.meta[key] = result.meta[key]
        request.meta[KNOWN_TARGET_META] = result.url
        self.crawler.stats.inc_value("backlinks/redirects/to_known_url")
        # Only the status and the chain are read: no body for later middlewares to decode
        # (a broken one would turn this fetched redirect into a failed fetch).
        headers = response.headers.copy()
        headers.pop(b"Content-Encoding", None)
        return response.replace(body=b"", headers=headers)

    def _new_target(self, scope: Any, url: str, chain: list[str]) -> bool:
        """Whether to follow a redirect to ``url``: it was not asked for yet (the scope takes
        it), or it is the page of its own chain under another spelling (a session id added
        or dropped, the query reordered: the scope knows its key, but that page was never
        fetched)."""
        key = scope.key_of(url)
        if any(scope.key_of(earlier) == key for earlier in chain):
            return True
        return scope.take_redirect(url, tuple(chain))


def keep_chain(redirected: Request) -> Request:
    """Mark a followed redirect so the dupefilter does not drop it, unless its URL is
    already in its own redirect chain (a loop)."""
    chain = redirected.meta.get("redirect_urls") or []
    if redirected.url not in chain:
        redirected.dont_filter = True
    return redirected
