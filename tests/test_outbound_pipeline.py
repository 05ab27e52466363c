"""The outbound-links pipeline: one record per outbound target, and the per-page cap."""

from __future__ import annotations

from scrapy.utils.test import get_crawler

from crawler.items import Link, Page, PageItem
from pipelines.outbound import OutboundLinksPipeline

SOURCE = "https://farm.example/links"


def farm_item(targets: int) -> PageItem:
    links = (Link(url="https://farm.example/about", anchor="about"),
             *(Link(url=f"https://site{i}.test/", anchor=f"site {i}") for i in range(targets)),
             Link(url="https://site0.test/", anchor="again"))  # fmt: skip
    page = Page(url=SOURCE, base_url=SOURCE, links=links)
    return PageItem(url=SOURCE, status=200, fetched_at="2026-01-01T00:00:00Z", page=page)


def pipeline(**settings) -> tuple[OutboundLinksPipeline, object]:
    crawler = get_crawler(settings_dict=settings)
    return OutboundLinksPipeline.from_crawler(crawler), crawler.stats


def test_a_page_keeps_its_first_targets_up_to_the_cap() -> None:
    outbound, stats = pipeline(BACKLINKS_MAX_BACKLINKS_PER_PAGE=5)
    item = outbound.process_item(farm_item(12))
    assert [b.target_url for b in item.backlinks] == [f"https://site{i}.test/" for i in range(5)]
    assert [link.url for link in item.backlink_links] == [b.target_url for b in item.backlinks]
    assert item.backlinks[0].count == 2  # both elements linking to site0 are counted
    assert stats.get_value("backlinks/capped/pages") == 1
    assert stats.get_value("backlinks/capped/backlinks") == 7
    assert stats.get_value("backlinks/extracted") == 5
    assert item.backlinks_complete is False  # the index loses nothing past the cap


def test_under_the_cap_or_without_one_every_target_is_kept() -> None:
    for settings in ({"BACKLINKS_MAX_BACKLINKS_PER_PAGE": 12}, {"BACKLINKS_MAX_BACKLINKS_PER_PAGE": 0}):
        outbound, stats = pipeline(**settings)
        item = outbound.process_item(farm_item(12))
        assert len(item.backlinks) == 12 and item.backlinks_complete
        assert stats.get_value("backlinks/capped/pages") is None


def test_the_project_default_cap() -> None:
    from crawler import settings

    assert settings.BACKLINKS_MAX_BACKLINKS_PER_PAGE == 10_000
