"""The shared scope on a real redis-server: the same decisions as the in-process
CrawlScope, shared by several workers, replayed after a crash, and a clear failure when
Redis is gone."""

from __future__ import annotations

import pytest

from crawler.distributed.connection import RedisLink, RedisUnavailable
from crawler.distributed.scope import RedisCrawlScope, home_url
from crawler.scope import CrawlScope
from crawler.traps import TrapFilter
from tests.redis_server import RedisServer

pytestmark = pytest.mark.redis



LIMITS = {"max_pages_per_site": 4, "discovery_hops": 1, "depth_limit": 2}


def shared(client, **limits) -> RedisCrawlScope:
    link = RedisLink(client, where="test")
    return RedisCrawlScope(link=link, prefix="bl:t", capacity=10_000, **{**LIMITS, **limits})


def plain(**limits) -> CrawlScope:
    return CrawlScope(**{**LIMITS, **limits})


def as_tuples(admissions):
    return [(a.url, a.site, a.hop, a.depth, a.new_site) for a in admissions]


# (urls on the page, from_site, hop, depth): a small crawl's worth of pages, in order.
PAGES = [
    (["https://a.test/1", "https://a.test/2", "https://a.test/1", "https://b.test/x",
      "https://blog.b.test/post"], "a.test", 0, 0),
    (["https://a.test/1", "https://a.test/3", "https://c.test/deep/page", "https://a.test/4"],
     "a.test", 0, 1),
    (["https://a.test/5", "https://a.test/6"], "a.test", 0, 2),  # depth limit
    (["https://d.test/"], "b.test", 1, 0),  # a second hop: cut
    (["https://b.test/y", "https://a.test/7", "https://c.test/more"], "b.test", 1, 0),
    (["https://a.test/8", "https://a.test/9"], "a.test", 0, 0),  # a.test's page cap
]


def test_shared_scope_decides_like_the_in_process_scope(redis_client):
    ours, theirs = shared(redis_client), plain()
    for url in ("https://a.test/",):
        ours.add_seed(url)
        theirs.add_seed(url)
    for urls, site, hop, depth in PAGES:
        assert as_tuples(ours.admit_page(urls, site, hop, depth)) == \
            as_tuples(theirs.admit_page(urls, site, hop, depth)), urls
    assert ours.cut == theirs.cut == {"depth": 2, "hops": 1, "site_cap": 4}
    assert dict(ours.site_hops) == theirs.site_hops
    assert dict(ours.site_pages) == theirs.site_pages
    assert len(ours.site_hops) == 3


def test_two_workers_share_seen_urls_hops_and_caps(redis_client):
    one, two = shared(redis_client, max_pages_per_site=3), shared(redis_client, max_pages_per_site=3)
    one.add_seed("https://a.test/")
    assert as_tuples(one.admit_page(["https://a.test/1", "https://b.test/"], "a.test", 0, 0)) == [
        ("https://a.test/1", "a.test", 0, 1, False), ("https://b.test/", "b.test", 1, 0, True)]
    # the other worker: a.test/1 is taken, b.test is known at hop 1, a.test has one page left
    assert as_tuples(two.admit_page(["https://a.test/1", "https://b.test/z", "https://a.test/2",
                                     "https://a.test/3"], "c.test", 0, 0)) == [
        ("https://b.test/z", "b.test", 1, 0, False), ("https://a.test/2", "a.test", 0, 0, False)]
    assert two.cut == {"site_cap": 1}
    assert one.cluster_cuts() == {"depth": 0, "hops": 0, "site_cap": 1, "query_variants": 0}


def test_the_same_page_asked_again_gets_the_same_answer(redis_client):
    """A worker died after the scope admitted a page's links but before they were queued:
    the page is fetched again (by any worker) and its links are admitted again."""
    dead, alive = shared(redis_client), shared(redis_client)
    urls = ["https://a.test/1", "https://b.test/", "https://a.test/2"]
    first = as_tuples(dead.admit_page(urls, "a.test", 0, 0))
    assert len(first) == 3
    assert as_tuples(alive.admit_page(urls, "a.test", 0, 0)) == first
    assert dict(alive.site_pages) == {"a.test": 2, "b.test": 1}  # not counted twice
    # another page with some of the same links is a different question
    assert alive.admit_page(urls[:2], "a.test", 0, 0) == []


def test_seeds_are_admitted_again_and_counted_once(redis_client):
    one, two = shared(redis_client), shared(redis_client)
    assert one.add_seed("https://a.test/").url == "https://a.test/"
    assert two.add_seed("https://a.test/").url == "https://a.test/"  # the dupefilter decides
    assert dict(one.site_pages) == {"a.test": 1}
    assert dict(one.site_hops) == {"a.test": 0}
    assert int(redis_client.get("bl:t:admitted")) == 1


def test_traps_are_cut_before_asking_redis(redis_client):
    scope = shared(redis_client)
    scope.traps = TrapFilter(max_url_length=40, max_path_segments=20, max_repeated_segments=2,
                             max_query_variants=100)
    long_url = "https://a.test/" + "x" * 60
    assert as_tuples(scope.admit_page([long_url, "https://a.test/ok"], "a.test", 0, 0)) == [
        ("https://a.test/ok", "a.test", 0, 1, False)]
    assert scope.cut == {"long_url": 1}


def traps(max_query_variants: int) -> TrapFilter:
    return TrapFilter(max_url_length=200, max_path_segments=20, max_repeated_segments=2,
                      max_query_variants=max_query_variants)


def test_query_variants_are_counted_for_the_cluster(redis_client):
    """A faceted search (?page=N) crawled by two workers: the path's variant cap holds for
    the cluster, not per worker (each worker counting its own let N workers take N times
    the cap), and a URL already seen is not a new variant."""
    one, two = shared(redis_client, max_pages_per_site=100), shared(redis_client, max_pages_per_site=100)
    one.traps, two.traps = traps(3), traps(3)
    one.add_seed("https://shop.test/")
    got = []
    for n in range(1, 7):
        worker = one if n % 2 else two
        got += [a.url for a in worker.admit_page(
            [f"https://shop.test/search?page={n}", "https://shop.test/search?page=1"], "shop.test", 0, 0)]
    assert got == [f"https://shop.test/search?page={n}" for n in (1, 2, 3)]
    assert (one.cut, two.cut) == ({"query_variants": 1}, {"query_variants": 2})
    assert one.cluster_cuts()["query_variants"] == 3
    # another path of the same host has its own count
    assert [a.url for a in two.admit_page(["https://shop.test/tags?t=a"], "shop.test", 0, 0)] == [
        "https://shop.test/tags?t=a"]


def test_shared_scope_counts_variants_like_the_in_process_scope(redis_client):
    ours, theirs = shared(redis_client), plain()
    ours.traps, theirs.traps = traps(2), traps(2)
    for scope in (ours, theirs):
        scope.add_seed("https://a.test/")
    page = ["https://a.test/cal?m=1", "https://a.test/cal?m=2", "https://a.test/cal?m=1",
            "https://a.test/cal?m=3", "https://b.test/q?x=1", "https://a.test/cal?m=4"]
    assert as_tuples(ours.admit_page(page, "a.test", 0, 0)) == as_tuples(theirs.admit_page(page, "a.test", 0, 0))
    assert ours.cut == theirs.cut == {"query_variants": 2}


def test_only_admitted_urls_use_up_a_paths_query_variants(redis_client):
    """A query URL cut for depth, linked from page after page, is no new variant each time:
    the path's one real variant is still admitted after it (both scopes alike)."""
    ours, theirs = shared(redis_client, depth_limit=2), plain(depth_limit=2)
    for scope in (ours, theirs):
        scope.traps = traps(3)
        scope.add_seed("https://a.test/")
        for _ in range(5):  # pages at depth 2 linking a query URL: cut by the depth limit
            assert scope.admit_page(["https://a.test/search?sort=new"], "a.test", 0, 2) == []
        assert [a.url for a in scope.admit_page(["https://a.test/search?q=first"], "a.test", 0, 0)] == [
            "https://a.test/search?q=first"]
    assert ours.cut == theirs.cut == {"depth": 5}


@pytest.mark.parametrize(("url", "home"), [
    ("https://a.test/x/y?z", "https://a.test/"),
    ("https://a.test", "https://a.test/"),
    ("http://blog.a.test:8080/p", "http://blog.a.test:8080/"),
])
def test_home_url(url, home):
    assert home_url(url) == home


def test_unreachable_redis_raises_at_once(tmp_path):
    server = RedisServer(directory=tmp_path).start()
    scope = shared(server.client())
    server.stop()
    with pytest.raises(RedisUnavailable, match="unreachable"):
        scope.admit_page(["https://a.test/1"], "a.test", 0, 0)
    assert scope.link.up is False
    with pytest.raises(RedisUnavailable):  # no new connection attempt while marked down
        scope.admit_page(["https://a.test/1"], "a.test", 0, 0)
    server.close()


@pytest.mark.parametrize("kind", ["plain", "shared"])
def test_a_redirect_target_is_taken_once(redis_client, kind):
    """The target of a redirect is fetched once in the whole crawl: taken by the first
    redirect to it, not again by a later redirect or link (on any worker), and not by a
    redirect when a link took it first."""
    first, second = (plain(), plain()) if kind == "plain" else (shared(redis_client), shared(redis_client))
    if kind == "plain":
        second = first  # one process, one scope
    assert first.take_redirect("https://a.test/new", ("https://a.test/old",)) is True
    assert second.take_redirect("https://a.test/new", ("https://a.test/old-too",)) is False
    assert "https://a.test/new" not in [a.url for a in second.admit_page(
        ["https://a.test/new", "https://a.test/other"], "a.test", 0, 0)]  # fmt: skip
    assert first.take_redirect("https://a.test/other", ("https://a.test/old",)) is False
    assert second.site_pages["a.test"] == 2
    if kind == "shared":  # the running total of `scrapy cluster` moves with the sites' counts
        assert int(redis_client.get("bl:t:admitted")) == 2


def test_a_redirect_asked_again_gets_the_same_answer(redis_client):
    """A lease replayed after a crash runs the same redirect again: it is still told to
    fetch the target, which it took the first time; another redirect to it is not."""
    first, again = shared(redis_client), shared(redis_client)
    chain = ("https://a.test/old",)
    assert first.take_redirect("https://a.test/new", chain) is True
    assert again.take_redirect("https://a.test/new", chain) is True
    assert again.take_redirect("https://a.test/new", ("https://a.test/other",)) is False
    assert again.site_pages["a.test"] == 1


def test_a_crawl_without_the_admitted_total_gets_it_from_the_sites_counts(redis_client):
    """A crawl started by a version that kept no P:admitted: the first script that adds to
    P:pages sets the total from the per-site counts first, so `scrapy cluster` counts the
    pages admitted before the upgrade too."""
    scope = shared(redis_client)
    scope.add_seed("https://a.test/")
    scope.admit_page(["https://a.test/1", "https://a.test/2"], "a.test", 0, 0)
    assert int(redis_client.get("bl:t:admitted")) == 3
    redis_client.delete("bl:t:admitted")  # as an older version left it
    scope.admit_page(["https://a.test/3"], "a.test", 0, 0)
    assert int(redis_client.get("bl:t:admitted")) == 4 == sum(
        map(int, redis_client.hvals("bl:t:pages")))
    redis_client.delete("bl:t:admitted")
    assert scope.take_redirect("https://a.test/4", ("https://a.test/3",)) is True
    assert int(redis_client.get("bl:t:admitted")) == 5
