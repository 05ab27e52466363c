"""Focused discovery: with ``-a targets=example.com,...`` the crawl favours, by Scrapy
request priority, pages on sites already known to link to the targets (referring
sites) and the sites those pages link to (their neighbours), where more links to the
targets tend to be.
"""

from __future__ import annotations

from collections.abc import Iterable

from crawler.items import Link
from crawler.urls import host_of, site_of

#: Priority added to requests for pages on a referring site.
REFERRING_BOOST = 40
#: Priority added to requests found on a referring site's pages (its neighbourhood).
NEIGHBOUR_BOOST = 20


class FocusTracker:
    def __init__(self, targets: Iterable[str]) -> None:
        self.targets = frozenset(site_of(t.strip().lower()) for t in targets if t.strip())
        #: Sites seen linking to a target -> how many of their pages did.
        self.referring: dict[str, int] = {}

    def __bool__(self) -> bool:
        return bool(self.targets)

    def observe(self, source_site: str, links: Iterable[Link]) -> bool:
        """Note whether a page of ``source_site`` links to a target; True if it does."""
        if not self.targets or source_site in self.targets:
            return False
        for link in links:
            if site_of(host_of(link.url)) in self.targets:
                self.referring[source_site] = self.referring.get(source_site, 0) + 1
                return True
        return False

    def boost(self, site: str, from_site: str) -> int:
        """Extra priority for a request to ``site`` found on a page of ``from_site``."""
        if not self.targets:
            return 0
        if site in self.referring:
            return REFERRING_BOOST
        if from_site in self.referring:
            return NEIGHBOUR_BOOST
        return 0
