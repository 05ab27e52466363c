"""crawler.urls: WHATWG resolution, host / site / path split. Tables of cases, w3lib style,
plus hypothesis properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.urls import host_of, is_ip, join, normalize, path_of, site_of

BASE = "http://a/b/c/d;p?q"

# RFC 3986 section 5.4 reference resolution examples, as the WHATWG standard gives them.
RFC_CASES = [
    ("g", "http://a/b/c/g"),
    ("./g", "http://a/b/c/g"),
    ("g/", "http://a/b/c/g/"),
    ("/g", "http://a/g"),
    ("//g", "http://g/"),
    ("?y", "http://a/b/c/d;p?y"),
    ("g?y", "http://a/b/c/g?y"),
    ("#s", "http://a/b/c/d;p?q"),
    ("g#s", "http://a/b/c/g"),
    (";x", "http://a/b/c/;x"),
    ("", "http://a/b/c/d;p?q"),
    (".", "http://a/b/c/"),
    ("..", "http://a/b/"),
    ("../g", "http://a/b/g"),
    ("../..", "http://a/"),
    ("../../../g", "http://a/g"),
    ("/./g", "http://a/g"),
    ("g.", "http://a/b/c/g."),
    ("g/../h", "http://a/b/c/h"),
    ("g;x=1/../y", "http://a/b/c/y"),
    ("g:h", None),  # unknown scheme: not a web page
]


@pytest.mark.parametrize(("href", "expected"), RFC_CASES)
def test_join_rfc3986_examples(href: str, expected: str | None) -> None:
    assert join(BASE, href) == expected


BROWSER_CASES = [
    # whitespace: C0 and space stripped at the ends, tab/newline removed inside
    ("http://x.com/", "  /a b  ", "http://x.com/a%20b"),
    ("http://x.com/", "\x00\x1f /p\x7f", "http://x.com/p%7F"),
    ("http://x.com/", "/pa\tth\n/fi\rle", "http://x.com/path/file"),
    ("http://x.com/", "ht\ttp://ex\nample.org/", "http://example.org/"),
    # backslashes count as slashes in special schemes
    ("http://x.com/a/", "\\\\other.org\\p\\q", "http://other.org/p/q"),
    ("http://x.com/a/", "..\\b", "http://x.com/b"),
    # scheme-relative keeps the base scheme
    ("https://x.com/", "//cdn.example.org/lib.js", "https://cdn.example.org/lib.js"),
    # case, default ports, dot segments, percent-encoding
    ("http://x.com/", "HTTP://EXAMPLE.COM:80/a/./b/../c", "http://example.com/a/c"),
    ("http://x.com/", "https://example.com:443/", "https://example.com/"),
    ("http://x.com/", "http://example.com:8080", "http://example.com:8080/"),
    ("http://x.com/", "/%7Efoo/ä?q=ü v", "http://x.com/%7Efoo/%C3%A4?q=%C3%BC%20v"),
    ("http://x.com/", "/a%2fb", "http://x.com/a%2fb"),
    # IDNA hosts
    ("http://x.com/", "http://münchen.de/", "http://xn--mnchen-3ya.de/"),
    ("http://x.com/", "http://BÜCHER.example/", "http://xn--bcher-kva.example/"),
    # IP hosts, canonicalised
    ("http://x.com/", "http://0x7f.0.0.1/", "http://127.0.0.1/"),
    ("http://x.com/", "http://[0:0::1]:8080/", "http://[::1]:8080/"),
    # query-only and fragment-only
    ("http://x.com/p?a=1#top", "?b=2", "http://x.com/p?b=2"),
    ("http://x.com/p?a=1#top", "#frag", "http://x.com/p?a=1"),
    # userinfo is kept as the standard serialises it
    ("http://x.com/", "http://user:pw@example.com/", "http://user:pw@example.com/"),
]


@pytest.mark.parametrize(("base", "href", "expected"), BROWSER_CASES)
def test_join_as_browsers_do(base: str, href: str, expected: str) -> None:
    assert join(base, href) == expected


NOT_PAGES = [
    "javascript:void(0)",
    " JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "mailto:someone@example.com",
    "tel:+441234567",
    "sms:+441234567",
    "data:text/html,<p>hi",
    "ftp://files.example.com/x",
    "file:///etc/passwd",
    "about:blank",
    "http://exa mple.com/",  # space in host
    "http://example.com:99999/",  # port out of range
    "http://[::1/",  # broken IPv6
    "http://a%00b.com/",  # forbidden host code point
    "http://",
    "https:",  # no host
]


@pytest.mark.parametrize("href", NOT_PAGES)
def test_join_returns_none_for_what_a_browser_would_not_fetch(href: str) -> None:
    assert join("http://x.com/", href) is None


def test_join_with_unusable_base() -> None:
    assert join("not a url", "page.html") is None
    assert join("", "page.html") is None
    assert join("not a url", "https://ok.example/") == "https://ok.example/"


NORMALIZE_CASES = [
    ("HTTP://Example.COM", "http://example.com/"),
    ("https://example.com:443/a/../b#x", "https://example.com/b"),
    ("  http://example.com/a b  ", "http://example.com/a%20b"),
    ("http://example.com/?", "http://example.com/?"),
    ("example.com", None),
    ("/relative/path", None),
    ("mailto:x@example.com", None),
    ("", None),
]


@pytest.mark.parametrize(("url", "expected"), NORMALIZE_CASES)
def test_normalize(url: str, expected: str | None) -> None:
    assert normalize(url) == expected


HOST_CASES = [
    ("http://example.com/", "example.com"),
    ("http://Example.COM:8080/x", "example.com"),
    ("https://user:pw@www.example.co.uk/path", "www.example.co.uk"),
    ("http://[::1]:8080/", "[::1]"),
    ("http://127.0.0.1:8000/x", "127.0.0.1"),
    ("http://münchen.de/", "xn--mnchen-3ya.de"),
    ("http://blog.name.test/p?q#f", "blog.name.test"),
    ("http://h.com?x", "h.com"),
    ("not a url", ""),
    ("", ""),
]


@pytest.mark.parametrize(("url", "expected"), HOST_CASES)
def test_host_of(url: str, expected: str) -> None:
    assert host_of(url) == expected


SITE_CASES = [
    ("www.example.com", "example.com"),
    ("example.com", "example.com"),
    ("a.b.c.example.co.uk", "example.co.uk"),
    ("news.bbc.co.uk", "bbc.co.uk"),
    ("xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
    ("WWW.Example.COM.", "example.com"),
    # private PSL section: each user's site is its own site
    ("alice.blogspot.com", "alice.blogspot.com"),
    ("bob.github.io", "bob.github.io"),
    # reserved TLDs outside the PSL: last two labels
    ("blog.name.test", "name.test"),
    ("name.test", "name.test"),
    ("a.b.svc.internal", "svc.internal"),
    ("printer.local", "printer.local"),
    ("app.localhost", "app.localhost"),
    # a single label, a suffix itself, IPs
    ("localhost", "localhost"),
    ("co.uk", "co.uk"),
    ("127.0.0.1", "127.0.0.1"),
    ("[::1]", "[::1]"),
    ("[2001:db8::1]", "[2001:db8::1]"),
    ("", ""),
]


@pytest.mark.parametrize(("host", "expected"), SITE_CASES)
def test_site_of(host: str, expected: str) -> None:
    assert site_of(host) == expected


PATH_CASES = [
    ("http://example.com", "/"),
    ("http://example.com/", "/"),
    ("http://example.com?x=1", "/?x=1"),
    ("http://example.com/a/b?x=1&y=2", "/a/b?x=1&y=2"),
    ("http://example.com/a#frag", "/a"),
    ("http://[::1]:80/p?q", "/p?q"),
    ("not a url", ""),
]


@pytest.mark.parametrize(("url", "expected"), PATH_CASES)
def test_path_of(url: str, expected: str) -> None:
    assert path_of(url) == expected


def test_is_ip() -> None:
    assert is_ip("10.0.0.1") and is_ip("[::1]") and is_ip("::1")
    assert not is_ip("example.com") and not is_ip("1.2.3.4.5") and not is_ip("")


# -- properties ------------------------------------------------------------------------

_url_alphabet = st.characters(codec="utf-8", exclude_categories=("Cs",))
_hrefs = st.one_of(
    st.text(_url_alphabet, max_size=60),
    st.builds(
        lambda scheme, host, path: f"{scheme}{host}{path}",
        st.sampled_from(["http://", "https://", "//", "HTTP://", "", "javascript:", "\\\\"]),
        st.text(_url_alphabet, max_size=20),
        st.text(_url_alphabet, max_size=30),
    ),
)


@settings(max_examples=300, deadline=None)
@given(href=_hrefs)
def test_join_never_raises_and_normalises_idempotently(href: str) -> None:
    url = join("http://example.com/dir/page.html", href)
    if url is None:
        return
    assert url.startswith(("http://", "https://"))
    assert "#" not in url
    assert normalize(url) == url
    assert join("http://other.example/", url) == url
    host = host_of(url)
    assert host == host.lower()
    assert isinstance(site_of(host), str)
    assert path_of(url).startswith("/")


@settings(max_examples=200, deadline=None)
@given(url=st.text(_url_alphabet, max_size=80))
def test_helpers_never_raise(url: str) -> None:
    normalize(url)
    host_of(url)
    path_of(url)
    site_of(url)


# -- the shortcuts agree with the URL standard -------------------------------------------

def _reference_join(base: str, href: str) -> str | None:
    """join() as ada-url's Python API gives it, without shortcuts."""
    import ada_url

    href = href.strip("".join(chr(c) for c in range(0x21))).replace("\t", "").replace("\n", "").replace("\r", "")
    try:
        resolved = ada_url.join_url(base, href)
    except ValueError:
        try:
            resolved = ada_url.URL(href).href
        except ValueError:
            return None
    if not resolved.startswith(("http://", "https://")):
        return None
    return resolved.split("#", 1)[0]


_url_chars = st.sampled_from(list("abcXYZ019-._~!$&'()*+,;=:@/%?#\\ \t.") + ["%2e", "%2E", "%41", "xn--", "..", "é"])
_paths = st.lists(_url_chars, max_size=14).map("".join)
_hosts = st.sampled_from(["a.com", "a-.com", "x.y.z", "localhost", "1.2.3.4", "a.0x1", "xn--a.com", "A.com", "a..b"])
_shortcut_hrefs = st.one_of(
    st.builds(lambda h, p: f"http://{h}/{p}", _hosts, _paths),
    st.builds(lambda p: "/" + p, _paths),
    st.builds(lambda p: "#" + p, _paths),
    _paths,
)


@settings(max_examples=400, deadline=None)
@given(href=_shortcut_hrefs, base=st.sampled_from(
    ["http://example.com/dir/page.html?q=1", "https://u:p@example.com:8443/a/", "http://EXAMPLE.com", "not a url",
     "http://example.com/p?q#old", "mailto:a@example.com"]))
def test_resolver_and_join_shortcuts_equal_the_url_standard(href: str, base: str) -> None:
    from crawler.urls import Resolver

    expected = _reference_join(base, href)
    assert join(base, href) == expected
    assert Resolver(base)(href) == expected
