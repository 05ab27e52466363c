"""From one parsed page to its outbound backlinks.

A backlink is one (source URL, target URL) pair. Several elements pointing at the same
target on one page make one backlink with a ``count``; the most prominent element gives
its anchor, rel, kind and position: content over boilerplate, text over image, then the
first in document order.
"""

from __future__ import annotations

from collections.abc import Iterable

from crawler.items import Backlink, Link, Page
from crawler.urls import host_of, path_of, site_of

#: Kinds of link that make a backlink. Canonical, frame and form references are reported
#: by extraction but are not links a reader follows, so they are not stored as backlinks.
BACKLINK_KINDS: frozenset[str] = frozenset({"text", "image", "area", "redirect"})


def _prominence(link: Link, order: int) -> tuple[int, int, int]:
    return (link.position != "content", link.kind != "text", order)


def outbound_links(page: Page, source_site: str) -> list[tuple[Link, int, str, str]]:
    """The page's outbound links, one per target URL (the most prominent element), each
    with how many elements point at that target and the target's host and site, in
    document order of the chosen element."""
    best: dict[str, list] = {}
    internal: set[str] = set()
    for order, link in enumerate(page.links):
        if link.kind not in BACKLINK_KINDS or link.url in internal:
            continue
        seen = best.get(link.url)
        if seen is None:
            target_host = host_of(link.url)
            target_site = site_of(target_host)
            if target_site == source_site:
                internal.add(link.url)
                continue
            best[link.url] = [_prominence(link, order), link, 1, target_host, target_site]
            continue
        seen[2] += 1
        key = _prominence(link, order)
        if key < seen[0]:
            seen[0], seen[1] = key, link
    chosen = sorted(best.values(), key=lambda entry: entry[0][2])
    return [(link, count, host, site) for _, link, count, host, site in chosen]


def backlinks_and_links(
    page: Page,
    *,
    source_url: str,
    fetched_at: str,
    source_ip: str | None = None,
) -> tuple[list[Backlink], list[Link]]:
    """The outbound backlinks of ``page`` as link records (type and toxicity not yet set),
    and beside each the link element it was made from (what classification reads)."""
    source_host = host_of(source_url)
    source_site = site_of(source_host)
    records = []
    links = []
    for link, count, target_host, target_site in outbound_links(page, source_site):
        links.append(link)
        records.append(
            Backlink(
                source_url=source_url,
                source_host=source_host,
                source_site=source_site,
                target_url=link.url,
                target_host=target_host,
                target_site=target_site,
                target_path=path_of(link.url),
                anchor=link.anchor,
                rel=sorted(link.rel),
                nofollow=link.nofollow,
                ugc=link.ugc,
                sponsored=link.sponsored,
                nofollow_by=link.nofollow_by,
                kind=link.kind,
                position=link.position,
                context=link.context,
                hidden=link.hidden,
                region=link.region,
                count=count,
                first_seen=fetched_at,
                last_seen=fetched_at,
                source_ip=source_ip,
            )
        )
    return records, links


def build_backlinks(
    page: Page,
    *,
    source_url: str,
    fetched_at: str,
    source_ip: str | None = None,
) -> list[Backlink]:
    """The outbound backlinks of ``page`` as link records (type and toxicity not yet set)."""
    return backlinks_and_links(page, source_url=source_url, fetched_at=fetched_at, source_ip=source_ip)[0]


def link_of(record: Backlink) -> Link:
    """The link element a backlink record was made from, rebuilt from the record (for
    records read back from the index; the pipelines keep the original elements)."""
    return Link(
        url=record.target_url,
        anchor=record.anchor,
        rel=frozenset(record.rel),
        nofollow=record.nofollow,
        ugc=record.ugc,
        sponsored=record.sponsored,
        nofollow_by=record.nofollow_by,
        kind=record.kind,
        position=record.position,
        context=record.context,
        hidden=record.hidden,
        region=record.region,
    )


def redirect_page(url: str, location: str) -> Page:
    """A page that is nothing but an HTTP redirect to ``location``, as one ``redirect`` link."""
    return Page(url=url, base_url=url, links=(Link(url=location, kind="redirect"),))


def followable(links: Iterable[Link], follow_nofollow: bool = True) -> Iterable[Link]:
    """The links a crawler follows: page links, not canonical or form references."""
    for link in links:
        if link.kind in ("canonical", "form"):
            continue
        if link.nofollow and not follow_nofollow:
            continue
        yield link
