"""Crawler traps: URL spaces that never end (calendars, faceted search, session ids,
repeating path segments). ``TrapFilter`` gives every URL a canonical key for
deduplication and refuses URLs that look like a trap, saying why.

* The key is w3lib's canonical URL (sorted query, no fragment) with session-id parameters
  (``PHPSESSID``, ``jsessionid``, ``sid`` ...) removed, so the same page reached with
  a fresh session id or its query in another order is fetched once.
* ``long_url``: URLs longer than ``max_url_length``.
* ``deep_path``: more than ``max_path_segments`` path segments.
* ``repeated_segment``: a path segment repeated more than ``max_repeated_segments``
  times (``/a/b/a/b/a/b/``, relative-link loops).
* ``query_variants``: more than ``max_query_variants`` distinct queries on one path of
  one host (faceted search, calendars with ``?month=``). ``trap`` counts them in this
  process; a distributed crawl counts them for the whole cluster in Redis
  (crawler.distributed.scope), from ``inspect``.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

SESSION_PARAMS = frozenset(
    {"phpsessid", "jsessionid", "sid", "sessionid", "session_id", "sessid", "aspsessionid",
     "cfid", "cftoken", "zenid", "osCsid".lower(), "s_id"}
)
_JSESSION_PATH = re.compile(r";(?:jsessionid|phpsessid|sid)=[^/?#]*", re.I)


class TrapFilter:
    def __init__(
        self,
        *,
        max_url_length: int = 2048,
        max_path_segments: int = 20,
        max_repeated_segments: int = 2,
        max_query_variants: int = 100,
    ) -> None:
        self.max_url_length = max_url_length
        self.max_path_segments = max_path_segments
        self.max_repeated_segments = max_repeated_segments
        self.max_query_variants = max_query_variants
        self._variants: Counter[str] = Counter()

    @staticmethod
    def key(url: str) -> str:
        """The deduplication key of ``url``: canonical, without session ids."""
        url = _JSESSION_PATH.sub("", url)
        parts = urlsplit(url)
        if parts.query:
            kept = [
                pair for pair in parts.query.split("&")
                if pair and pair.split("=", 1)[0].lower() not in SESSION_PARAMS
            ]
            url = urlunsplit(parts._replace(query="&".join(kept)))
        return canonicalize_url(url)

    def trap(self, url: str) -> str | None:
        """Why ``url`` looks like a trap, or None. Counts it as a query variant of its path
        when it is not one too many, so call it once per new URL (the crawl scope counts
        only the URLs it admits: ``inspect``, ``variants_full``, ``count_variant``)."""
        reason, path_key = self.inspect(url)
        if reason is None and path_key is not None:
            if self.variants_full(path_key):
                return "query_variants"
            self.count_variant(path_key)
        return reason

    def variants_full(self, path_key: str) -> bool:
        """Whether ``path_key`` (from ``inspect``) has all the query variants it may have."""
        return self._variants[path_key] >= self.max_query_variants

    def count_variant(self, path_key: str) -> None:
        """One more query variant of ``path_key`` was admitted."""
        self._variants[path_key] += 1

    def inspect(self, url: str) -> tuple[str | None, str | None]:
        """(why the URL's shape is a trap or None, the host and path its query variants
        are counted under or None), counting nothing."""
        if len(url) > self.max_url_length:
            return "long_url", None
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) > self.max_path_segments:
            return "deep_path", None
        if segments:
            most = Counter(segments).most_common(1)[0][1]
            if most > self.max_repeated_segments:
                return "repeated_segment", None
        if parts.query and self.max_query_variants:
            return None, f"{parts.hostname}{parts.path}"
        return None, None
