"""HTTP redirects are recorded even when their target was already asked for.

Scrapy's dupefilter used to drop a followed redirect whose target another link had already
requested, and with it the redirect chain: ``http://a.test/`` redirecting to the
``http://www.a.test/`` other pages link to was never recorded (seen on bare-domain sandbox
seeds by bench/sweep_sandbox.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request

from crawler.index import open_index
from crawler.middlewares.redirect import keep_chain
from tests.local_server import Route, local_web
from tests.test_safety import html, run_crawl


def _followed(url: str, chain: list[str]) -> Request:
    return Request(url, meta={"redirect_urls": chain})


def test_a_followed_redirect_passes_the_dupefilter_unless_it_loops() -> None:
    assert keep_chain(_followed("http://www.a.test/", ["http://a.test/"])).dont_filter
    assert keep_chain(_followed("http://c.test/", ["http://a.test/", "http://b.test/"])).dont_filter
    assert not keep_chain(_followed("http://a.test/", ["http://a.test/", "http://b.test/"])).dont_filter
    assert not keep_chain(_followed("http://a.test/x", ["http://a.test/x"])).dont_filter


def crawl(tmp_path: Path, routes: dict) -> tuple[str, list[str], dict[str, int]]:
    """Crawl a local web of ``routes`` from "/": its base URL, the paths fetched (robots.txt
    aside, sorted) and the status stored for each crawled page."""
    with local_web(routes) as web:
        run_crawl(tmp_path, web.url("/"), allowed="127.0.0.1/32")
        base = web.url("")
        fetched = sorted(hit.path for hit in web.hits if hit.path != "/robots.txt")
    with open_index(f"sqlite:///{tmp_path / 'index.db'}") as index:
        pages = {url: status for url, status, _ in index.crawled_pages()}
    return base, fetched, pages


def test_a_redirect_to_a_page_already_requested_is_recorded(tmp_path: Path) -> None:
    routes = {
        "/": html('<a href="/old">old</a> <a href="/new">new</a>'),
        "/old": Route(301, {"Location": "/new"}, b""),
        "/new": html("the page"),
    }
    base, fetched, pages = crawl(tmp_path, routes)
    assert pages == {f"{base}/": 200, f"{base}/old": 301, f"{base}/new": 200}
    # The target, asked for already, is not fetched a second time.
    assert fetched == ["/", "/new", "/old"]


def test_a_page_reached_by_a_redirect_is_not_fetched_again_when_linked(tmp_path: Path) -> None:
    """/old redirects to /new; /other, fetched after, links to /new: one fetch of /new,
    whichever comes first, and the redirect recorded either way."""
    routes = {
        "/": html('<a href="/old">old</a> <a href="/a">a</a>'),
        "/old": Route(302, {"Location": "/new"}, b""),
        "/a": html('<a href="/b">b</a>'),
        "/b": html('<a href="/new">new</a> <a href="/old">old again</a>'),
        "/new": html("the page"),
    }
    base, fetched, pages = crawl(tmp_path, routes)
    assert fetched == ["/", "/a", "/b", "/new", "/old"]
    assert pages[f"{base}/old"] == 302 and pages[f"{base}/new"] == 200


def test_a_redirect_chain_ending_at_a_known_page_is_recorded_hop_by_hop(tmp_path: Path) -> None:
    routes = {
        "/": html('<a href="/new">new</a> <a href="/one">one</a>'),
        "/one": Route(301, {"Location": "/two"}, b""),
        "/two": Route(302, {"Location": "/new"}, b""),
        "/new": html("the page"),
    }
    base, fetched, pages = crawl(tmp_path, routes)
    assert fetched == ["/", "/new", "/one", "/two"]
    assert pages == {f"{base}/": 200, f"{base}/one": 301, f"{base}/two": 302, f"{base}/new": 200}


def test_a_redirect_to_a_refused_url_is_recorded(tmp_path: Path) -> None:
    """robots.txt forbids the target of /go, the address guard refuses the target of /gone:
    neither target is fetched, but both redirects were, and /gone's is a backlink."""
    routes = {
        "/robots.txt": Route(200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"),
        "/": html('<a href="/go">go</a> <a href="/gone">gone</a>'),
        "/go": Route(302, {"Location": "/private/x"}, b""),
        "/gone": Route(302, {"Location": "http://10.0.0.5/admin"}, b""),
    }
    with local_web(routes) as web:
        run_crawl(tmp_path, web.url("/"), allowed="127.0.0.1/32")
        base = web.url("")
        paths = {hit.path for hit in web.hits}
    assert paths == {"/robots.txt", "/", "/go", "/gone"}
    with open_index(f"sqlite:///{tmp_path / 'index.db'}") as index:
        pages = {url: status for url, status, _ in index.crawled_pages()}
        backlinks = [(b.source_url, b.target_url, b.kind) for b in index.iter_backlinks()]
    assert pages == {f"{base}/": 200, f"{base}/go": 302, f"{base}/gone": 302}
    assert backlinks == [(f"{base}/gone", "http://10.0.0.5/admin", "redirect")]


@pytest.mark.parametrize(("start", "location"), [
    ("/page", "/page?sid=abc"),  # the server adds a session id
    ("/page;jsessionid=XYZ", "/page"),  # the server drops one from the path
    ("/p?b=2&a=1", "/p?a=1&b=2"),  # the server reorders the query
])  # fmt: skip
def test_a_redirect_to_its_own_page_spelled_otherwise_is_followed(tmp_path: Path, start, location) -> None:
    """The target has the dedup key of the redirecting URL, which the scope knows as
    taken: it is still the one fetch of that page (found in review)."""
    routes = {
        "/": html(f'<a href="{start}">x</a>'),
        start: Route(302, {"Location": location}, b""),
        location: html("the page"),
    }
    _, fetched, _ = crawl(tmp_path, routes)
    assert sorted(fetched) == sorted(["/", start, location])


def test_a_redirect_to_a_known_page_with_a_broken_body_is_still_a_redirect(tmp_path: Path) -> None:
    """Its body is never decoded: a broken gzip body does not turn the fetched redirect into
    a failed fetch (found in review)."""
    routes = {
        "/": html('<a href="/new">new</a> <a href="/old">old</a>'),
        "/old": Route(301, {"Location": "/new", "Content-Encoding": "gzip", "Content-Type": "text/html"},
                      b"not gzip at all"),
        "/new": html("the page"),
    }
    base, _, pages = crawl(tmp_path, routes)
    assert pages == {f"{base}/": 200, f"{base}/old": 301, f"{base}/new": 200}


def test_an_unreachable_shared_scope_means_the_redirect_is_followed() -> None:
    """Redis down while a redirect is answered: the target is followed as it would be
    without a shared scope (at worst fetched twice), never lost (found in review)."""
    import redis
    from scrapy.http import Response
    from scrapy.utils.test import get_crawler

    from crawler.distributed.connection import RedisLink
    from crawler.distributed.scope import RedisCrawlScope
    from crawler.middlewares.redirect import ChainKeepingRedirectMiddleware
    from crawler.spiders.backlinks import BacklinksSpider

    crawler = get_crawler(BacklinksSpider)
    spider = BacklinksSpider()
    link = RedisLink(redis.Redis(port=1), where="test")
    link.up = False  # unreachable
    spider.scope = RedisCrawlScope(max_pages_per_site=10, discovery_hops=1, depth_limit=2, link=link,
                                   prefix="bl:t", capacity=10_000, stats=crawler.stats)
    crawler.spider = spider
    middleware = ChainKeepingRedirectMiddleware.from_crawler(crawler)
    request = Request("https://a.test/old")
    response = Response("https://a.test/old", status=301, headers={"Location": "/new"}, request=request)
    followed = middleware.process_response(request, response)
    assert isinstance(followed, Request) and followed.url == "https://a.test/new"
    assert followed.dont_filter
    assert crawler.stats.get_value("backlinks/redirects/scope_unavailable") == 1
