"""Judging a page's backlinks in one call (``BacklinkJudge.judge_page``) gives what judging
them one by one gives, subnet counts and per-crawl languages included."""

from __future__ import annotations

import dataclasses

import pytest

from crawler.backlinks import backlinks_and_links
from crawler.items import Backlink, Link, Page
from crawler.judge import BacklinkJudge
from crawler.links import parse_page
from tests.corpus import CORPUS

FETCHED = "2026-01-01T00:00:00Z"


def one_by_one(judge: BacklinkJudge, page: Page, records: list[Backlink], links: list[Link]):
    """What ``judge_page`` must give, judged link by link."""
    ctx = judge.page_context(page)
    return ctx, [judge.judge(record, link, ctx) for record, link in zip(records, links, strict=True)]


def assert_batch_agrees(pages: list[tuple[Page, list[Backlink], list[Link]]], passes: int = 2) -> None:
    batch, single = BacklinkJudge(), BacklinkJudge()
    for _ in range(passes):  # the second pass with warm caches and filled subnet counts
        for page, records, links in pages:
            assert batch.judge_page(page, records, links) == one_by_one(single, page, records, links)


def farm_page(source: str, targets: list[str], **page_facts) -> Page:
    links = tuple(Link(url=target, anchor=f"cheap loans {i}") for i, target in enumerate(targets))
    return Page(url=source, base_url=source, links=links, **page_facts)


def parsed(page: Page, ip: str | None) -> tuple[Page, list[Backlink], list[Link]]:
    records, links = backlinks_and_links(page, source_url=page.url, fetched_at=FETCHED, source_ip=ip)
    return page, records, links


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")
def test_corpus_pages_judged_at_once_agree_with_one_by_one():
    pages = []
    for number, path in enumerate(sorted(CORPUS.glob("*/source.html"))):
        page = parse_page(path.read_bytes(), "http://fakehost/test/page.html")
        pages.append(parsed(page, ("93.184.216.34", "151.101.1.69", None)[number % 3]))
    assert_batch_agrees(pages)


def test_a_link_network_fires_alike_at_once_and_one_by_one():
    """Sites of one /24 linking to the same targets: the subnet marker fires from the
    third referring domain on, in both ways of judging."""
    targets = ["https://acme.com/", "https://acme.com/b", "https://other.org/", "http://[2001:db8::1]/"]
    pages = [
        parsed(farm_page(f"https://blog{n}-loans-24.xyz/post", targets, lang="en" if n % 2 else "de",
                         robots="noindex" if n == 3 else ""),
               f"93.184.216.{n}")
        for n in range(1, 7)
    ]
    pages.append(parsed(farm_page("https://acme.com/", ["https://blog1-loans-24.xyz/"], lang="fr"), None))
    assert_batch_agrees(pages)


def test_records_of_several_sources_on_one_page():
    """An item filled by other code may mix sources: each record counts for its own."""
    page, records, links = parsed(farm_page("https://a.example/", ["https://t.com/", "https://u.com/"]), None)
    mixed = [dataclasses.replace(record, source_site=site, source_ip=ip)
             for record, (site, ip) in zip(records * 3, [("a.example", "8.8.8.8"), ("b.example", "8.8.8.9"),
                                                          ("c.example", "8.8.8.10"), ("d.example", "8.8.8.11"),
                                                          ("b.example", "8.8.4.4"), ("spam-24-x.xyz", "")],
                                                         strict=True)]
    assert_batch_agrees([(page, mixed, links * 3)])


def test_judge_page_needs_a_link_per_record():
    page, records, links = parsed(farm_page("https://a.example/", ["https://t.com/"]), None)
    with pytest.raises(ValueError):
        BacklinkJudge().judge_page(page, records, [])
