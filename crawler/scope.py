"""What the crawl may fetch next: discovery hops, pages per site, depth within a site,
and the URLs already asked for (deduplicated before any Request object is built).

The spider asks ``CrawlScope.admit(url, from_site, hop, depth)`` for every link it could
follow; the answer is the (hop, depth) the request gets, or None with the reason counted
in stats.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.traps import TrapFilter
from crawler.urls import host_of, site_of


def home_url(url: str) -> str:
    """The home page of a URL's host: ``http://a.test/x/y?q`` -> ``http://a.test/``."""
    scheme_end = url.index("://") + 3
    return url[: url.index("/", scheme_end)] + "/" if "/" in url[scheme_end:] else url + "/"


@dataclass(frozen=True, slots=True)
class Admission:
    """A URL the crawl will fetch: its discovery hop and its depth within its site."""

    url: str
    site: str
    hop: int
    depth: int
    #: True when this admission made the site known (its home page is worth a visit).
    new_site: bool = False


class CrawlScope:
    """In-process scope state. One per crawl (per worker when distributed)."""

    def __init__(
        self,
        *,
        max_pages_per_site: int,
        discovery_hops: int,
        depth_limit: int,
        traps: TrapFilter | None = None,
        stats=None,
    ) -> None:
        self.stats = stats
        self.max_pages_per_site = max_pages_per_site
        self.traps = traps
        self.discovery_hops = discovery_hops
        self.depth_limit = depth_limit
        self.site_hops: dict[str, int] = {}
        self.site_pages: dict[str, int] = {}
        #: Dedup keys (canonical URLs) of everything admitted.
        self._seen: set[str] = set()
        #: Raw URLs already admitted or found duplicate: a fast path that skips the
        #: canonicalisation for the many links to pages already asked for.
        self._taken: set[str] = set()
        #: Why links were not followed: reason -> count (the spider copies these to stats).
        self.cut: dict[str, int] = {}

    def _cut(self, reason: str) -> None:
        self.cut[reason] = self.cut.get(reason, 0) + 1
        if self.stats is not None:
            self.stats.inc_value(f"backlinks/scope/cut/{reason}")

    def add_seed(self, url: str) -> Admission | None:
        site = site_of(host_of(url))
        self.site_hops[site] = 0
        return self._take(url, site, 0, 0, new_site=False)

    def admit(self, url: str, from_site: str, hop: int, depth: int) -> Admission | None:
        """Whether to fetch ``url``, found on a page of ``from_site`` at (hop, depth)."""
        if url in self._taken:
            return None
        if self._key(url) in self._seen:
            self._taken.add(url)
            return None
        variant = None
        if self.traps is not None:
            trap, variant = self.traps.inspect(url)
            if trap is None and variant is not None and self.traps.variants_full(variant):
                trap = "query_variants"
            if trap is not None:
                self._cut(trap)
                return None
        admission = self._admit_new(url, from_site, hop, depth)
        if admission is not None and variant is not None:
            # A query variant counts once admitted: a URL cut for depth or hops, and linked
            # again and again, does not use up its path's variants.
            self.traps.count_variant(variant)  # type: ignore[union-attr]
        return admission

    def _admit_new(self, url: str, from_site: str, hop: int, depth: int) -> Admission | None:
        """``admit`` for a URL not seen before and not a trap."""
        site = site_of(host_of(url))
        if site == from_site:
            next_depth = depth + 1
            if self.depth_limit and next_depth > self.depth_limit:
                self._cut("depth")
                return None
            return self._take(url, site, hop, next_depth)
        known = self.site_hops.get(site)
        if known is not None:
            return self._take(url, site, known, 0)
        next_hop = hop + 1
        if next_hop > self.discovery_hops:
            self._cut("hops")
            return None
        self.site_hops[site] = next_hop
        return self._take(url, site, next_hop, 0, new_site=True)

    def admit_page(self, urls: list[str], from_site: str, hop: int, depth: int) -> list[Admission]:
        """``admit`` for all the followable links of one page, plus the home page of every
        site the page made known. One call per page, so a shared (Redis) scope can answer
        it in one round trip."""
        admitted: list[Admission] = []
        for url in urls:
            admission = self.admit(url, from_site, hop, depth)
            if admission is None:
                continue
            admitted.append(admission)
            if admission.new_site:
                home = self.home_of(admission)
                if home is not None:
                    admitted.append(home)
        return admitted

    def _key(self, url: str) -> str:
        return self.traps.key(url) if self.traps is not None else url

    def _take(self, url: str, site: str, hop: int, depth: int, *, new_site: bool = False) -> Admission | None:
        key = self._key(url)
        if key in self._seen:
            return None
        pages = self.site_pages.get(site, 0)
        if self.max_pages_per_site and pages >= self.max_pages_per_site:
            self._cut("site_cap")
            return None
        self._mark_taken(key, url, site)
        return Admission(url=url, site=site, hop=hop, depth=depth, new_site=new_site)

    def _mark_taken(self, key: str, url: str, site: str) -> None:
        """Record ``url`` (dedup key ``key``) as asked for: one more page of ``site``."""
        self._seen.add(key)
        self._taken.add(url)
        self.site_pages[site] = self.site_pages.get(site, 0) + 1

    def key_of(self, url: str) -> str:
        """The key URLs are deduplicated on (session ids dropped, canonical form)."""
        return self._key(url)

    def take_redirect(self, url: str, chain: tuple[str, ...] = ()) -> bool:
        """Take the target of an HTTP redirect (reached through ``chain``): True if it was
        not asked for yet (it is now, so later links to it are not fetched again), False
        if it was (its own request fetches it). Never cut: the redirect was fetched."""
        key = self._key(url)
        if key in self._seen:
            self._taken.add(url)
            return False
        self._mark_taken(key, url, site_of(host_of(url)))
        return True

    def home_of(self, admission: Admission) -> Admission | None:
        """The home page of a newly discovered site, taken at depth 0."""
        return self._take(home_url(admission.url), admission.site, admission.hop, 0, new_site=False)


def scope_from_crawler(crawler) -> CrawlScope:
    """The scope for a crawl, from its settings."""
    settings = crawler.settings
    scope = CrawlScope(
        max_pages_per_site=settings.getint("BACKLINKS_MAX_PAGES_PER_SITE", 200),
        discovery_hops=settings.getint("BACKLINKS_DISCOVERY_HOPS", 1),
        depth_limit=settings.getint("DEPTH_LIMIT", 3),
        traps=TrapFilter(
            max_url_length=settings.getint("URLLENGTH_LIMIT", 2083) or 2083,
            max_path_segments=settings.getint("BACKLINKS_MAX_PATH_SEGMENTS", 20),
            max_repeated_segments=settings.getint("BACKLINKS_MAX_REPEATED_SEGMENTS", 2),
            max_query_variants=settings.getint("BACKLINKS_MAX_QUERY_VARIANTS", 100),
        ),
    )
    if settings.get("REDIS_URL"):  # distributed: one scope for every worker, in Redis
        from crawler.distributed.scope import RedisCrawlScope

        return RedisCrawlScope.sharing(scope, crawler)
    return scope
