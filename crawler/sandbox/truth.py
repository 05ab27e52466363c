"""Ground truth: which pages a polite crawler reaches, and one labelled line per link on them.

Labels follow the shared conventions: the backlink type by the first matching rule of
convention G, the origin from ``crawler.vocab.ORIGIN_OF_TYPE``, and toxic exactly in the four
cases of convention H. The facts the rules read (position, region, rel, hidden, page flags)
are the page construction's own, recorded while the HTML was written.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING

from crawler.sandbox.doc import Placed
from crawler.sandbox.listings import FARM_MIN_SITES
from crawler.sandbox.model import Alias, Page, Redirect, host_of, join, site_of
from crawler.sandbox.names import COMMERCIAL_ANCHORS, is_spam_name
from crawler.vocab import ORIGIN_OF_TYPE

if TYPE_CHECKING:
    from crawler.sandbox import Web

_BOILERPLATE = ("nav", "header", "footer", "sidebar")
_COMMERCIAL = frozenset(COMMERCIAL_ANCHORS)


def robots_allows(rules: list[str], url: str) -> bool:
    """True when no Disallow rule (a path prefix) matches the URL's path and query."""
    rest = url.split("://", 1)[1]
    slash = rest.find("/")
    path = rest[slash:] if slash >= 0 else "/"
    return not any(path.startswith(rule) for rule in rules if rule)


def classify(link: Placed, flags: frozenset[str], farm: bool, outbound: bool = True) -> tuple[str, str]:
    """(type, reason) by convention G. Rule 8 (a sponsored post's content links) applies to
    outbound links only: a post's own category link is not the sponsor's paid link."""
    rel, position, region = link.rel, link.position, link.region
    if "sponsored" in rel:
        return "sponsored", "rel=sponsored"
    if region == "ad":
        return "sponsored", "in an ad block"
    if position in _BOILERPLATE:
        return "sitewide", f"site-wide {position} link"
    if "forum" in flags:
        return "forum", "signature link on a forum page" if region == "signature" else "forum page"
    if "social" in flags:
        return "social", "social network profile" if region == "profile" else "social network page"
    if position == "comment":
        return "comment", "comment section"
    if "ugc" in rel:
        return "comment", "rel=ugc"
    if "directory" in flags:
        return "business_profile", "business directory listing"
    if region == "author_bio":
        return "guest_post", "link in a guest post author bio"
    if "sponsored_post" in flags and outbound:
        return "sponsored", "content link of a sponsored post"
    if farm:
        return "other", "link farm page"
    if position == "content" and "article" in flags:
        return "editorial", "link in an article body"
    if link.kind == "redirect":
        return "other", "meta refresh"
    return "other", "content link on a non-article page"


def toxic_reasons(link: Placed, type_: str, flags: frozenset[str], farm_sites: int, source_site: str,
                  anchor: str) -> list[str]:
    """Why a link is toxic, by convention H (empty: not toxic)."""
    reasons = []
    if farm_sites >= FARM_MIN_SITES:
        reasons.append(f"link farm page ({farm_sites} sites)")
    if link.hidden:
        reasons.append("hidden link")
    if type_ == "sponsored" and "sponsored_post" in flags and "sponsored" not in link.rel and link.region != "ad":
        # Only rule 8 gives this combination: rules 1 (rel, ad block) need a marker.
        reasons.append("paid link without rel=sponsored")
    if is_spam_name(source_site) and anchor.lower() in _COMMERCIAL:
        reasons.append("spam site, exact-match commercial anchor")
    return reasons


def page_lines(page: Page, url: str, links: tuple[Placed, ...]) -> list[dict]:
    """The ground-truth lines of ``page`` served at ``url`` (an alias URL resolves again)."""
    base = page.base or url
    source_site = site_of(host_of(url))
    resolved = []
    for link in links:
        target = link.url if url == page.url else join(base, link.href)
        if target is None:
            continue
        resolved.append((link, target))
    outbound = {site_of(host_of(t)) for _, t in resolved}
    outbound.discard(source_site)
    farm_sites = len(outbound)
    farm = farm_sites >= FARM_MIN_SITES
    lines = []
    for link, target in resolved:
        outbound_link = site_of(host_of(target)) != source_site
        type_, reason = classify(link, page.flags, farm, outbound_link)
        toxic = toxic_reasons(link, type_, page.flags, farm_sites, source_site, link.anchor)
        if toxic:
            reason += "; toxic: " + ", ".join(toxic)
        lines.append({
            "source_url": url, "target_url": target, "anchor": link.anchor, "rel": list(link.rel),
            "kind": link.kind, "position": link.position, "hidden": link.hidden, "region": link.region,
            "type": type_, "origin": ORIGIN_OF_TYPE[type_], "toxic": bool(toxic), "reason": reason,
        })
    return lines


def redirect_line(url: str, target: str, status: int) -> dict:
    return {"source_url": url, "target_url": target, "anchor": "", "rel": [], "kind": "redirect",
            "position": "content", "hidden": False, "region": "", "type": "other", "origin": ORIGIN_OF_TYPE["other"],
            "toxic": False, "reason": f"HTTP {status} redirect"}


def ground_truth(web: Web) -> Iterator[dict]:
    """Breadth-first from the seeds over everything a polite crawler fetches: a/area/image
    links, frames, meta refreshes and HTTP redirects, nofollow included, robots.txt obeyed."""
    queue = deque(web.seed_urls())
    seen = set(queue)
    while queue:
        url = queue.popleft()
        if not web.allowed(url):
            continue
        resource = web.resources.get(url)
        lines: list[dict]
        if isinstance(resource, Alias):
            lines = page_lines(web.page_map[resource.page_url], url, web.rendered(resource.page_url).links)
        elif isinstance(resource, Page):
            lines = page_lines(resource, url, web.rendered(url).links)
        elif isinstance(resource, Redirect):
            target = join(url, resource.location)
            lines = [redirect_line(url, target, resource.status)] if target else []
        else:
            continue
        for line in lines:
            yield line
            target = line["target_url"]
            if target not in seen:
                seen.add(target)
                queue.append(target)
