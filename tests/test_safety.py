"""Crawling the open web safely: the private-address guard, robots Crawl-delay, bounded
downloads of non-HTML answers, trap URLs and the progress log. Crawls run as real
`scrapy crawl backlinks` processes against a real local HTTP server."""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.networks import AddressPolicy, parse_networks
from crawler.traps import TrapFilter
from tests.local_server import Route, local_web

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = str(Path(sys.executable).with_name("scrapy"))


def html(body: str) -> Route:
    return Route(body=f"<!doctype html><html><body>{body}</body></html>".encode())


def run_crawl(
    tmp_path: Path, seeds: str, *settings: str, allowed: str = ""
) -> tuple[subprocess.CompletedProcess, dict]:
    stats_file = tmp_path / "stats.json"
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "redis_url", "scrapy_settings_module")}
    env.update({"BACKLINKS_INDEX_URI": f"sqlite:///{tmp_path / 'index.db'}",
                "BACKLINKS_ALLOWED_NETWORKS": allowed})
    args = [SCRAPY, "crawl", "backlinks", "-a", f"seeds={seeds}",
            "-s", f"BACKLINKS_STATS_FILE={stats_file}", "-s", "AUTOTHROTTLE_ENABLED=false",
            "-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_TIMES=0", *settings]
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done, json.loads(stats_file.read_text())


# --- the address policy -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("::1", "loopback"),
        ("10.0.0.5", "private"), ("172.16.3.4", "private"), ("192.168.1.1", "private"),
        ("fd00::1", "private"), ("100.64.0.1", "non_global"),
        ("169.254.169.254", "link_local"), ("fe80::1", "link_local"),
        ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"), ("::", "unspecified"),
        ("240.0.0.1", "private"), ("198.18.0.1", "private"),
        ("::ffff:10.0.0.1", "private"), ("2002:7f00:1::", "loopback"), ("2002:5db8:d822::", None),
        ("93.184.216.34", None), ("8.8.8.8", None), ("2606:4700::1111", None),
    ],
)
def test_forbidden_addresses(address: str, kind: str | None) -> None:
    parsed = ipaddress.ip_address(address)
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
        parsed = parsed.ipv4_mapped
    assert AddressPolicy().forbidden(parsed) == kind


@pytest.mark.parametrize(
    ("host", "allowed", "kind"),
    [
        ("127.0.0.1", "", "loopback"),
        ("127.0.0.1", "127.0.0.0/8", None),
        ("127.0.0.2", "127.0.0.1/32", "loopback"),
        ("[::1]", "127.0.0.0/8", "loopback"),
        ("[::1]", "::1/128", None),
        ("localhost", "", "loopback"),
        ("app.localhost", "", "loopback"),
        ("localhost", "127.0.0.0/8", None),
        ("169.254.169.254", "127.0.0.0/8", "link_local"),
        ("example.com", "", None),
        ("name.test", "", None),
    ],
)
def test_forbidden_hosts_by_name(host: str, allowed: str, kind: str | None) -> None:
    policy = AddressPolicy(parse_networks(allowed.split(",")))
    assert policy.forbidden_host(host) == kind


def test_a_bad_allowed_network_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["BACKLINKS_INDEX_URI"] = f"sqlite:///{tmp_path / 'x.db'}"
    done = subprocess.run(
        [SCRAPY, "crawl", "backlinks", "-a", "seeds=example.com", "-s", "BACKLINKS_ALLOWED_NETWORKS=10.0.0.0/33"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "scrapy crawl: error: BACKLINKS_ALLOWED_NETWORKS: '10.0.0.0/33' is not a network: "
        "write CIDRs such as 127.0.0.0/8 or fd00::/8"
    )


# --- the guard in real crawls -------------------------------------------------------------

def test_links_and_redirects_to_private_addresses_are_never_fetched(tmp_path: Path) -> None:
    routes: dict[str, Route] = {}
    with local_web(routes) as web:
        port = web.port
        routes["/"] = html(
            f'<a href="http://127.0.0.2:{port}/a">a</a>'
            f'<a href="http://[::1]:{port}/b">b</a>'
            f'<a href="http://0x7f000002:{port}/c">c</a>'
            f'<a href="http://[::ffff:127.0.0.3]:{port}/d">d</a>'
            '<a href="http://169.254.169.254/latest/meta-data/">metadata</a>'
            '<a href="http://10.0.0.5/admin">admin</a>'
            '<a href="/go">go</a><a href="/ok">ok</a>'
        )
        routes["/go"] = Route(302, {"Location": "http://127.0.0.4:{port}/secret"}, b"")
        routes["/ok"] = html("fine")
        _, stats = run_crawl(tmp_path, web.url("/"), allowed="127.0.0.1/32")
        hits = web.hits
    assert {hit.host for hit in hits} == {f"127.0.0.1:{port}"}
    assert {hit.path for hit in hits} == {"/robots.txt", "/", "/go", "/ok"}
    # Every link to a new host also asks for that host's home page: /a and its home,
    # [::1]/b and its home, /c (same host as /a), /d and its home, the redirect target.
    assert stats["backlinks/guard/blocked/loopback"] == 8
    assert stats["backlinks/guard/blocked/link_local"] == 2
    assert stats["backlinks/guard/blocked/private"] == 2
    assert stats["backlinks/guard/blocked"] == 12


def _name_resolving_to_a_local_address() -> str:
    name = socket.gethostname()
    try:
        address = ipaddress.ip_address(socket.gethostbyname(name))
    except (OSError, ValueError):
        pytest.skip(f"this machine's host name {name!r} does not resolve")
    if address.is_global:
        pytest.skip(f"this machine's host name {name!r} resolves to a public address")
    return name


def test_host_names_resolving_to_private_addresses_are_refused(tmp_path: Path) -> None:
    name = _name_resolving_to_a_local_address()
    with local_web({"/": html("secret")}) as web:
        _, stats = run_crawl(tmp_path, web.url("/", host=name) + "," + web.url("/", host="localhost"))
        hits = web.hits
    assert hits == []
    assert stats["backlinks/guard/blocked"] >= 2
    assert stats.get("response_received_count", 0) == 0


def test_allowed_networks_let_a_host_name_through(tmp_path: Path) -> None:
    name = _name_resolving_to_a_local_address()
    address = socket.gethostbyname(name)
    with local_web({"/": html("fine")}) as web:
        _, stats = run_crawl(tmp_path, web.url("/", host=name), allowed=f"{address}/32")
        paths = [hit.path for hit in web.hits]
    assert paths == ["/robots.txt", "/"]
    assert "backlinks/guard/blocked" not in stats


# --- what a server sends --------------------------------------------------------------------

def test_non_html_answers_stop_after_the_headers(tmp_path: Path) -> None:
    routes = {
        "/": html('<a href="/file.bin">file</a><a href="/photo.jpg">photo</a><a href="/page">page</a>'),
        "/file.bin": Route(200, {"Content-Type": "application/octet-stream"}, b"\0" * 4_000_000),
        "/photo.jpg": Route(200, {"Content-Type": "image/jpeg"}, b"\xff" * 4_000_000),
        "/page": html("text"),
    }
    with local_web(routes) as web:
        _, stats = run_crawl(tmp_path, web.url("/"), allowed="127.0.0.1/32")
    assert stats["backlinks/skipped/content_type"] == 2
    assert stats["backlinks/pages/html"] == 2
    assert stats["downloader/response_bytes"] < 2_000_000


def test_robots_crawl_delay_is_honoured_and_progress_is_logged(tmp_path: Path) -> None:
    routes = {
        "/robots.txt": Route(
            200, {"Content-Type": "text/plain"}, b"User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n"
        ),
        "/": html('<a href="/p1">1</a><a href="/p2">2</a><a href="/private/x">x</a>'),
        "/p1": html("one"),
        "/p2": html("two"),
    }
    with local_web(routes) as web:
        done, stats = run_crawl(tmp_path, web.url("/"), "-s", "BACKLINKS_PROGRESS_INTERVAL=0.5",
                                "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", allowed="127.0.0.1/32")
        pages = [hit for hit in web.hits if hit.path != "/robots.txt"]
    assert sorted(hit.path for hit in pages) == ["/", "/p1", "/p2"]
    gaps = [b.at - a.at for a, b in zip(pages, pages[1:], strict=False)]
    assert min(gaps) >= 0.9, gaps
    assert stats["robotstxt/forbidden"] == 1
    assert "progress: " in done.stderr
    assert "crawl finished (finished): 4 pages" in done.stderr


# --- traps ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://a.test/" + "x" * 2100, "long_url"),
        ("http://a.test/" + "/".join(f"s{i}" for i in range(25)), "deep_path"),
        ("http://a.test/a/b/a/b/a/b/", "repeated_segment"),
        ("http://a.test/cal/2026/11/", None),
        ("http://a.test/page?x=1", None),
    ],
)
def test_trap_urls(url: str, reason: str | None) -> None:
    assert TrapFilter().trap(url) == reason


def test_query_variants_are_capped_per_path() -> None:
    traps = TrapFilter(max_query_variants=3)
    reasons = [traps.trap(f"http://a.test/search?q={i}") for i in range(5)]
    assert reasons == [None, None, None, "query_variants", "query_variants"]
    assert traps.trap("http://a.test/other?q=1") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://a.test/p?b=2&a=1", "http://a.test/p?a=1&b=2"),
        ("http://a.test/p?PHPSESSID=abc&x=1", "http://a.test/p?x=1&PHPSESSID=def"),
        ("http://a.test/p;jsessionid=ABC123?x=1", "http://a.test/p?x=1"),
        ("http://a.test/p?sid=1", "http://a.test/p"),
    ],
)
def test_trap_keys_merge_the_same_page(a: str, b: str) -> None:
    assert TrapFilter.key(a) == TrapFilter.key(b)
