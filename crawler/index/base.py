"""The LinkIndex interface: what every backend stores and answers.

A backend implements storage (``write``, ``record_fetches``, ``iter_backlinks`` ...) and
the per-target primitives (``_summary``, ``_backlinks``, ``_domains`` ...). The public
views here check their arguments once (``LinkFilter.make``, ``parse_target``) so that no
backend ever sees an unchecked value, and build the views that are the same everywhere
(intersect, disavow) on top of the primitives.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from crawler.index.query import LinkFilter, Sort, Target, check_date, check_page, parse_target
from crawler.index.records import (
    AnchorRow,
    BrokenBacklink,
    DisavowEntry,
    DomainRow,
    IntersectRow,
    PageRow,
    Summary,
    WriteResult,
)
from crawler.items import Backlink
from crawler.vocab import TOXIC_MIN

#: HTTP answers after which a page no longer carries the links it had: it is gone (404,
#: 410) or permanently moved (301, 308). Other errors (5xx, 403, 429, timeouts) may be
#: passing, so the page's links stay live until the page is seen again.
GONE_STATUSES: frozenset[int] = frozenset({301, 308, 404, 410})


@dataclass(frozen=True, slots=True)
class PageLinks:
    """One parsed source page and its outbound backlinks, as the index pipeline writes it."""

    source_url: str
    #: ISO 8601 UTC time of the fetch, e.g. "2026-11-24T12:00:00Z".
    fetched_at: str
    status: int
    #: The page's backlinks, already classified (type, origin, toxicity).
    backlinks: tuple[Backlink, ...] = ()
    source_ip: str | None = None
    #: False when ``backlinks`` are not all the page's (BACKLINKS_MAX_BACKLINKS_PER_PAGE cut
    #: them): the links the page carried before and does not carry here are not lost, and
    #: stay among its links.
    complete: bool = True


def _target(target: str | Target) -> Target:
    return target if isinstance(target, Target) else parse_target(target)


class LinkIndex(ABC):
    """An inbound-link index. Use as a context manager or call ``close``."""

    uri: str = ""

    # --- storage -------------------------------------------------------------------------
    @abstractmethod
    def write(self, pages: list[PageLinks]) -> WriteResult:
        """Store parsed pages and their backlinks in one batch (idempotent upserts keyed on
        the link identity; links a recrawled page no longer carries become lost)."""

    @abstractmethod
    def record_fetches(self, fetches: Iterable[tuple[str, int, str]]) -> None:
        """Record fetches without a parse: (url, status, fetched_at). Errors, redirects,
        non-HTML. A page that is now gone (GONE_STATUSES) loses its links."""

    @abstractmethod
    def iter_backlinks(self, status: str | None = None) -> Iterator[Backlink]:
        """Every stored backlink (or only the live or lost ones), in no particular order."""

    @abstractmethod
    def crawled_pages(self) -> Iterator[tuple[str, int, str]]:
        """Every recorded fetch as (url, status, fetched_at), the latest per URL."""

    @abstractmethod
    def count_backlinks(self) -> int:
        """Stored backlinks, live and lost."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection; the index is unusable afterwards."""

    def __enter__(self) -> LinkIndex:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- backend primitives (arguments already checked) -----------------------------------
    @abstractmethod
    def _summary(self, target: Target, flt: LinkFilter) -> Summary: ...

    @abstractmethod
    def _backlinks(
        self, target: Target, flt: LinkFilter, sort: Sort, limit: int, offset: int
    ) -> list[Backlink]: ...

    @abstractmethod
    def _domains(
        self, target: Target, flt: LinkFilter, limit: int, offset: int
    ) -> list[DomainRow]: ...

    @abstractmethod
    def _anchors(
        self, target: Target, flt: LinkFilter, limit: int, offset: int
    ) -> list[AnchorRow]: ...

    @abstractmethod
    def _pages(self, target: Target, flt: LinkFilter, limit: int, offset: int) -> list[PageRow]: ...

    @abstractmethod
    def _broken(
        self, target: Target, flt: LinkFilter, limit: int, offset: int
    ) -> list[BrokenBacklink]: ...

    @abstractmethod
    def _links_per_site(self, target: Target, flt: LinkFilter) -> dict[str, int]:
        """Backlinks per referring site."""

    @abstractmethod
    def _toxic_domains(
        self, target: Target, flt: LinkFilter, min_toxicity: int
    ) -> list[tuple[str, int, int, int]]:
        """(source_site, links, toxic links, max toxicity) of every site with a toxic link."""

    @abstractmethod
    def _toxic_sources(
        self, target: Target, flt: LinkFilter, min_toxicity: int
    ) -> list[tuple[str, str, int, int]]:
        """(source_url, source_site, toxic links, max toxicity) of every toxic source page."""

    # --- views ---------------------------------------------------------------------------
    def summary(self, target: str | Target, **filters: Any) -> Summary:
        """Headline numbers of ``target``; ``filters`` as for ``backlinks`` (status aside:
        the summary counts live and lost apart)."""
        filters["status"] = None
        return self._summary(_target(target), LinkFilter.make(**filters))

    def backlinks(
        self,
        target: str | Target,
        *,
        sort: str | None = None,
        limit: int = 100,
        offset: int = 0,
        **filters: Any,
    ) -> list[Backlink]:
        """Backlinks of ``target``. Filters: type (one or a list), dofollow (bool), rel (a
        token), position, status ("live" by default, "lost", None for both),
        min_toxicity, max_toxicity, source_site. Sort: first_seen (default), last_seen,
        toxicity, with ":asc" or ":desc" (default)."""
        limit, offset = check_page(limit, offset)
        return self._backlinks(
            _target(target), LinkFilter.make(**filters), Sort.parse(sort), limit, offset
        )

    def domains(
        self, target: str | Target, *, limit: int = 100, offset: int = 0, **filters: Any
    ) -> list[DomainRow]:
        """Referring domains, most backlinks first."""
        limit, offset = check_page(limit, offset)
        return self._domains(_target(target), LinkFilter.make(**filters), limit, offset)

    def anchors(
        self, target: str | Target, *, limit: int = 100, offset: int = 0, **filters: Any
    ) -> list[AnchorRow]:
        """Anchor texts, most used first."""
        limit, offset = check_page(limit, offset)
        return self._anchors(_target(target), LinkFilter.make(**filters), limit, offset)

    def pages(
        self, target: str | Target, *, limit: int = 100, offset: int = 0, **filters: Any
    ) -> list[PageRow]:
        """The target's pages, most referring domains first."""
        limit, offset = check_page(limit, offset)
        return self._pages(_target(target), LinkFilter.make(**filters), limit, offset)

    def new(
        self, target: str | Target, since: str, *, limit: int = 100, offset: int = 0,
        **filters: Any,
    ) -> list[Backlink]:
        """Backlinks first seen at or after ``since`` (live or since lost), newest first."""
        since = check_date(since, "since") or ""
        filters.setdefault("status", None)
        filters["first_seen_since"] = since
        return self.backlinks(target, sort="first_seen", limit=limit, offset=offset, **filters)

    def lost(
        self, target: str | Target, since: str, *, limit: int = 100, offset: int = 0,
        **filters: Any,
    ) -> list[Backlink]:
        """Backlinks lost at or after ``since``, most recently lost first."""
        since = check_date(since, "since") or ""
        filters["status"] = "lost"
        filters["lost_since"] = since
        return self.backlinks(target, sort="lost_at", limit=limit, offset=offset, **filters)

    def broken(
        self, target: str | Target, *, limit: int = 100, offset: int = 0, **filters: Any
    ) -> list[BrokenBacklink]:
        """Backlinks whose target URL answered 4xx/5xx (or could not be reached: status 0)
        when it was fetched; by target URL, then source URL."""
        limit, offset = check_page(limit, offset)
        return self._broken(_target(target), LinkFilter.make(**filters), limit, offset)

    def intersect(
        self,
        target: str | Target,
        competitors: list[str | Target],
        *,
        limit: int = 100,
        offset: int = 0,
        **filters: Any,
    ) -> list[IntersectRow]:
        """Sites that link to at least one competitor but not to ``target``: most
        competitors first, then most backlinks, then by name."""
        limit, offset = check_page(limit, offset)
        if not competitors:
            raise ValueError("intersect needs at least one competitor (--vs example.org)")
        flt = LinkFilter.make(**filters)
        own = set(self._links_per_site(_target(target), flt))
        found: dict[str, tuple[list[str], int]] = {}
        for competitor in competitors:
            parsed = _target(competitor)
            for site, count in self._links_per_site(parsed, flt).items():
                if site in own or site == parsed.site:
                    continue
                names, total = found.get(site, ([], 0))
                if parsed.text not in names:
                    names = [*names, parsed.text]
                found[site] = (names, total + count)
        rows = [IntersectRow(site, names, total) for site, (names, total) in found.items()]
        rows.sort(key=lambda r: (-len(r.competitors), -r.backlinks, r.source_site))
        return rows[offset : offset + limit] if limit else rows[offset:]

    def disavow(
        self, target: str | Target, *, min_toxicity: int = TOXIC_MIN, **filters: Any
    ) -> list[DisavowEntry]:
        """The toxic referring domains and URLs of ``target``. A whole domain is listed when
        more than half of its links to the target reach ``min_toxicity``; otherwise each
        of its toxic source URLs is. Domains first (most toxic first), then URLs."""
        flt = LinkFilter.make(min_toxicity=None, **filters)
        bar = LinkFilter.make(min_toxicity=min_toxicity).min_toxicity or 0
        parsed = _target(target)
        whole: dict[str, DisavowEntry] = {}
        for site, links, toxic, worst in self._toxic_domains(parsed, flt, bar):
            if toxic * 2 > links:
                whole[site] = DisavowEntry("domain", site, toxic, links, worst)
        urls = [
            DisavowEntry("url", url, toxic, toxic, worst)
            for url, site, toxic, worst in self._toxic_sources(parsed, flt, bar)
            if site not in whole
        ]
        domains = sorted(whole.values(), key=lambda e: (-e.toxicity, -e.toxic_links, e.value))
        urls.sort(key=lambda e: (-e.toxicity, -e.toxic_links, e.value))
        return domains + urls
