"""Focused discovery: with ``-a targets=example.com,...`` the crawl spends its page budget
where new referring domains of the targets are likely, by Scrapy request priority:

* breadth first: the entry pages of sites not yet seen come before deeper pages of sites
  already seen (one or two pages of a site usually show whether it links to a target:
  blogrolls, partner lists and profiles sit on every page);
* neighbours first: sites that referring sites link to (link communities cluster by
  topic, so their neighbours often link to the target too) are crawled before others,
  and deeper: the more referring sites link to a site, the higher its pages go;
* once a site is known to link to a target, its deeper pages wait: the domain is counted.

Without targets, priorities are the plain crawl order (seed sites first, shallow first).
"""

from __future__ import annotations

from collections.abc import Iterable

from crawler.items import Link
from crawler.urls import host_of, site_of

#: Priority for the entry page of a site, per hop it is away (cancels the hop penalty).
ENTRY_BOOST = 30
#: Priority added per referring site seen linking to a site (its neighbourhood), up to
#: MAX_NEIGHBOUR_VOTES votes.
NEIGHBOUR_BOOST = 8
MAX_NEIGHBOUR_VOTES = 5
#: Priority taken from deeper pages of a site already known to link to a target.
COUNTED_PENALTY = 20
#: Priority taken per click of depth within a site (on top of the plain crawl's).
DEPTH_PENALTY = 5


class FocusTracker:
    def __init__(self, targets: Iterable[str]) -> None:
        self.targets = frozenset(site_of(t.strip().lower()) for t in targets if t.strip())
        #: Sites seen linking to a target -> how many of their pages did.
        self.referring: dict[str, int] = {}
        #: Site -> the referring sites seen linking to it (neighbour evidence).
        self.votes: dict[str, set[str]] = {}

    def __bool__(self) -> bool:
        return bool(self.targets)

    def observe(self, source_site: str, links: Iterable[Link]) -> bool:
        """Note whether a page of ``source_site`` links to a target (True if it does), and
        count a referring site's links to other sites as neighbour votes."""
        if not self.targets or source_site in self.targets:
            return False
        sites = {site_of(host_of(link.url)) for link in links}
        sites.discard(source_site)
        refers = not sites.isdisjoint(self.targets)
        if refers:
            self.referring[source_site] = self.referring.get(source_site, 0) + 1
        if source_site in self.referring:
            for site in sites - self.targets:
                self.votes.setdefault(site, set()).add(source_site)
        return refers

    def boost(self, site: str, from_site: str, *, hop: int = 0, depth: int = 0) -> int:
        """Extra priority for a request to ``site`` (``hop`` sites from the seeds, ``depth``
        clicks into the site) found on a page of ``from_site``."""
        if not self.targets:
            return 0
        boost = 4 * hop - DEPTH_PENALTY * depth
        if depth == 0:
            boost += ENTRY_BOOST
        if site in self.referring or site in self.targets:
            return boost - COUNTED_PENALTY
        votes = self.votes.get(site)
        if votes:
            boost += NEIGHBOUR_BOOST * min(len(votes), MAX_NEIGHBOUR_VOTES) + DEPTH_PENALTY * depth
        return boost
