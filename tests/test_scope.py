"""What the crawl follows: discovery hops, pages per site, depth within a site, traps and
duplicates, decided before any Request is built."""

from __future__ import annotations

from crawler.scope import CrawlScope
from crawler.traps import TrapFilter


def scope(**kwargs) -> CrawlScope:
    settings = {"max_pages_per_site": 100, "discovery_hops": 1, "depth_limit": 2, "traps": TrapFilter()}
    settings.update(kwargs)
    return CrawlScope(**settings)


def urls(admissions) -> list[tuple[str, int, int]]:
    return [(a.url, a.hop, a.depth) for a in admissions]


def test_internal_links_go_one_click_deeper_until_the_depth_limit() -> None:
    s = scope()
    assert s.add_seed("http://a.test/").depth == 0
    assert urls(s.admit_page(["http://a.test/1", "http://a.test/1#x"], "a.test", 0, 0)) == [("http://a.test/1", 0, 1)]
    assert urls(s.admit_page(["http://a.test/2"], "a.test", 0, 1)) == [("http://a.test/2", 0, 2)]
    assert s.admit_page(["http://a.test/3"], "a.test", 0, 2) == []
    assert s.cut == {"depth": 1}


def test_a_new_site_is_one_hop_further_and_its_home_page_is_added() -> None:
    s = scope()
    s.add_seed("http://a.test/")
    got = urls(s.admit_page(["http://blog.b.test/post"], "a.test", 0, 1))
    assert got == [("http://blog.b.test/post", 1, 0), ("http://blog.b.test/", 1, 0)]
    assert s.admit_page(["http://c.test/"], "b.test", 1, 0) == []
    assert s.cut == {"hops": 1}
    # a site already known keeps its hop
    assert urls(s.admit_page(["http://b.test/x"], "a.test", 0, 0)) == [("http://b.test/x", 1, 0)]


def test_pages_per_site_are_capped() -> None:
    s = scope(max_pages_per_site=3)
    s.add_seed("http://a.test/")
    got = s.admit_page([f"http://a.test/{i}" for i in range(5)], "a.test", 0, 0)
    assert len(got) == 2
    assert s.cut == {"site_cap": 3}


def test_duplicates_by_canonical_form_are_dropped_and_traps_counted() -> None:
    s = scope()
    s.add_seed("http://a.test/")
    got = s.admit_page(
        ["http://a.test/p?b=2&a=1", "http://a.test/p?a=1&b=2", "http://a.test/p?a=1&b=2&sid=9",
         "http://a.test/x/y/x/y/x/"],
        "a.test", 0, 0,
    )
    assert urls(got) == [("http://a.test/p?b=2&a=1", 0, 1)]
    assert s.cut == {"repeated_segment": 1}
