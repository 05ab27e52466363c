"""HTTP redirects that are never lost to the dupefilter.

Scrapy's ``RedirectMiddleware`` follows a 3xx answer with a new request that goes through
the scheduler's dupefilter like any other. When the redirect target was already asked for
(``http://a.test/`` redirecting to ``http://www.a.test/``, which other pages link to), that
request is dropped, and with it the ``redirect_urls`` chain the spider records redirects
from: the redirecting URL is never recorded and a cross-site redirect backlink is lost.

This subclass lets the followed request past the dupefilter (``dont_filter``), so the chain
always reaches the spider. A target already in the chain (a redirect loop) is left to the
dupefilter as before, and ``REDIRECT_MAX_TIMES`` still bounds every chain.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.http import Request, Response


class ChainKeepingRedirectMiddleware(RedirectMiddleware):
    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request) and result is not request:
            keep_chain(result)
        return result


def keep_chain(redirected: Request) -> Request:
    """Mark a followed redirect so the dupefilter does not drop it, unless its URL is
    already in its own redirect chain (a loop)."""
    chain = redirected.meta.get("redirect_urls") or []
    if redirected.url not in chain:
        redirected.dont_filter = True
    return redirected
