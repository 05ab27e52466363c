"""``crawler.index.sqlite_write.prepare``: the pure-Python version gives what the plain
per-link version gives (``target_keys``, ``sqlite_link_id``, the record), and the compiled
``crawler._fastprepare.prepare``, when built, gives the same, byte for byte."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.index import PageLinks, sqlite_write
from crawler.index.keys import source_keys, sqlite_link_id, target_keys
from crawler.index.sqlite_write import prepare_compiled, prepare_pure
from crawler.items import Backlink


def reference_prepare(page: PageLinks):
    """prepare as it was written first: one step at a time, per link."""
    source_url, source_host, source_site = source_keys(page.source_url)
    seen = page.fetched_at
    page_ip = page.source_ip
    links = {}
    for b in page.backlinks:
        target_url, target_host, target_site, target_path = target_keys(b)
        ident = sqlite_link_id(source_url, target_url)
        links[ident] = (ident, target_site, target_host, (
            source_url, source_host, source_site,
            target_url, target_host, target_site, target_path,
            b.anchor, " ".join(b.rel), int(b.nofollow), int(b.ugc), int(b.sponsored),
            b.nofollow_by, b.kind, b.position, b.context, int(b.hidden), b.region,
            b.count, b.type, b.origin, int(b.toxicity), " ".join(b.toxic_markers),
            b.type_reason, seen, seen, None, "live", page_ip or b.source_ip,
        ))  # fmt: skip
    return source_url, page.status, seen, source_site, page_ip, list(links.values()), page.complete


IMPLEMENTATIONS = [pytest.param(prepare_pure, id="pure")]
if prepare_compiled is not None:
    IMPLEMENTATIONS.append(pytest.param(prepare_compiled, id="compiled"))


def same(got, expected) -> None:
    """Equal, and equal in every type (1 and True are equal; the rows must hold ints)."""
    assert got == expected
    assert repr(got) == repr(expected)


# --- inputs -----------------------------------------------------------------------------------
HOSTS = [
    "example.com", "www.example.com", "Example.COM", "WWW.Example.co.uk", "blog.name.test", "bücher.example",
    "xn--bcher-kva.example", "ÉCOLE.fr", "a-b.c-d.org", "1.2.3.4", "[2001:db8::1]", "example.com:443",
    "example.com:8080", "user:pw@example.com", "example.com.", "1example.com", "ex_ample.com", "localhost",
    "0x7f.1", "a..b.com", "-x.com", "xn--nxasmq6b.com", "例え.jp", "sub.domain.co.jp",
]  # fmt: skip
PATHS = [
    "/", "", "/a", "/a/b.html", "/p/1?k=2", "/?q=1", "/a b", "/a%20b", "/a%2fb", "/%2e%2e/x", "/./a", "/a/../b",
    "/a//b", "/ä", "/caf%C3%A9", "/x?y=ü", "/x#frag", "/x?#", "/~user/", "/a;b=c", "/a\\b", "/a'b\"c", "/A/B?C=D",
    "/" + "long/" * 40, "/" + "x" * 70, "/" + "y" * 71, "/" + "z" * 72, "/\t/", "/a?b=%zz", "/@:!$&()*+,;=",
]  # fmt: skip
SCHEMES = ["https://", "http://", "HTTPS://", "Http://", "ftp://", "//", "mailto:", "javascript:", ""]
IPS = [None, "", "10.0.0.1", "2001:db8::7"]

urls = st.builds(lambda scheme, host, path: scheme + host + path, st.sampled_from(SCHEMES),
                 st.sampled_from(HOSTS), st.sampled_from(PATHS)) | st.text(max_size=40)
words = st.text(max_size=12)
flag = st.booleans()


@st.composite
def backlinks(draw, source: str, pool: list[str]) -> Backlink:
    target = draw(st.sampled_from(pool))
    given_keys = draw(st.booleans())  # the record's own host, site, path (as the extractor's)
    toxicity = draw(st.sampled_from([0, 5, 35, 60, 80, 100]))
    return Backlink(
        source_url=source, source_host="", source_site="", target_url=target,
        target_host=draw(st.sampled_from(["h.example", ""])) if given_keys else "",
        target_site=draw(st.sampled_from(["example", ""])) if given_keys else "",
        target_path=draw(st.sampled_from(["/p", ""])) if given_keys else "",
        anchor=draw(words), rel=draw(st.lists(st.sampled_from(["nofollow", "ugc", "sponsored", "noopener"]),
                                               max_size=3)),
        nofollow=draw(flag), ugc=draw(flag), sponsored=draw(flag), nofollow_by=draw(st.sampled_from(["", "rel"])),
        kind=draw(st.sampled_from(["text", "image"])), position=draw(st.sampled_from(["content", "footer"])),
        context=draw(words), hidden=draw(flag), region=draw(st.sampled_from(["", "ad"])),
        count=draw(st.integers(1, 5)), type=draw(st.sampled_from(["other", "editorial", "forum"])),
        origin=draw(st.sampled_from(["natural", "paid"])), toxicity=toxicity,
        toxic_markers=draw(st.lists(st.sampled_from(["spam_anchor", "link_farm"]), max_size=2)),
        type_reason=draw(words), source_ip=draw(st.sampled_from(IPS)),
    )  # fmt: skip


@st.composite
def pages(draw) -> PageLinks:
    source = draw(urls)
    # A small pool: the same target several times on a page (the last record wins).
    pool = draw(st.lists(urls, min_size=1, max_size=6))
    links = draw(st.lists(backlinks(source, pool), max_size=12))
    return PageLinks(source, "2026-01-02T03:04:05Z", draw(st.sampled_from([200, 404, 301])), tuple(links),
                     draw(st.sampled_from(IPS)), draw(st.booleans()))  # fmt: skip


# --- tests ------------------------------------------------------------------------------------
@pytest.mark.parametrize("prepare", IMPLEMENTATIONS)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=pages())
def test_same_rows_as_the_plain_version(prepare, page):
    same(prepare(page), reference_prepare(page))


@pytest.mark.skipif(prepare_compiled is None, reason="crawler._fastprepare is not built")
@settings(max_examples=300, deadline=None)
@given(page=pages())
def test_compiled_and_pure_agree(page):
    same(prepare_compiled(page), prepare_pure(page))


def _bench_page(n: int = 20) -> PageLinks:
    from bench.bench_index import pages as bench_pages
    from bench.bench_index import target_sites

    return next(bench_pages(n, target_sites(50), n // 2))


@pytest.mark.parametrize("prepare", IMPLEMENTATIONS)
def test_the_benchmark_pages(prepare):
    from bench.bench_index import pages as bench_pages
    from bench.bench_index import target_sites

    for page in bench_pages(2_000, target_sites(100), 200):
        same(prepare(page), reference_prepare(page))


@pytest.mark.parametrize("prepare", IMPLEMENTATIONS)
def test_duplicate_targets_keep_the_first_place_and_the_last_record(prepare):
    page = _bench_page()
    first, second = page.backlinks[0], page.backlinks[1]
    again = replace(first, anchor="the last one", toxicity=80)
    page = replace(page, backlinks=(first, second, again))
    got = prepare(page)
    same(got, reference_prepare(page))
    assert [row[3][3] for row in got[5]] == [first.target_url, second.target_url]
    assert got[5][0][3][7] == "the last one"


@pytest.mark.parametrize("prepare", IMPLEMENTATIONS)
def test_odd_values_go_through_python(prepare):
    """Flags that are not bools, a subclass of Backlink, str subclasses: as in Python."""

    class Sub(Backlink):
        pass

    class Text(str):
        pass

    page = _bench_page()
    b = page.backlinks[0]
    odd = [
        replace(b, nofollow=2, ugc=1.7, hidden="3", toxicity=True),
        Sub(**{name: getattr(b, name) for name in Backlink.__dataclass_fields__}),
        replace(b, target_url=Text(b.target_url), target_host=None, target_site=None, target_path=None),
        replace(b, target_url=Text("HTTPS://Example.COM/a/./b")),
        replace(b, rel=("a", "b"), toxic_markers=()),
    ]
    page = replace(page, backlinks=tuple(odd), source_url=Text(page.source_url))
    same(prepare(page), reference_prepare(page))


@pytest.mark.parametrize("prepare", IMPLEMENTATIONS)
def test_errors_are_the_same(prepare):
    page = _bench_page()
    b = replace(page.backlinks[0])
    del b.anchor
    with pytest.raises(AttributeError):
        reference_prepare(replace(page, backlinks=(b,)))
    with pytest.raises(AttributeError):
        prepare(replace(page, backlinks=(b,)))
    for bad in (None, b"https://example.com/", "https://example.com/\ud800"):
        broken = replace(page, backlinks=(replace(page.backlinks[0], target_url=bad),))
        with pytest.raises(Exception) as expected:
            reference_prepare(broken)
        with pytest.raises(expected.type):
            prepare(broken)


def test_the_link_ids_are_sqlite_link_id():
    page = _bench_page()
    for prepare in filter(None, (prepare_pure, prepare_compiled)):
        source_url, *_, rows, _complete = prepare(page)
        for ident, _site, _host, record in rows:
            assert ident == sqlite_link_id(source_url, record[3])


def test_prepare_is_the_compiled_one_when_built():
    import os

    if prepare_compiled is None or os.environ.get("BACKLINKS_PURE_PYTHON"):
        assert sqlite_write.prepare is prepare_pure
    else:
        assert sqlite_write.prepare is prepare_compiled


@pytest.mark.parametrize("prepare", IMPLEMENTATIONS)
def test_link_ids_across_hash_block_boundaries(prepare):
    """Source and target URLs of every length around BLAKE2b's 128-byte blocks."""
    b = _bench_page().backlinks[0]
    for n in range(0, 280, 3):
        source = "https://example.com/" + "s" * n
        targets = tuple(replace(b, target_url=f"https://t.example/{'t' * m}é") for m in range(n % 7, 300, 37))
        page = PageLinks(source, "2026-01-02T03:04:05Z", 200, targets)
        same(prepare(page), reference_prepare(page))
