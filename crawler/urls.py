"""URLs as browsers see them: WHATWG resolution (ada-url), host and site split (tldextract,
offline).

>>> join("http://example.com/a/b.html", "../c d.html#top")
'http://example.com/c%20d.html'
>>> join("http://example.com/", "javascript:void(0)") is None
True
>>> site_of("blog.name.test")
'name.test'
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

import ada_url
import tldextract

__all__ = ["host_of", "is_ip", "join", "normalize", "path_of", "site_of"]

_HTTP = "http://"
_HTTPS = "https://"

# What browsers strip from the ends of an href (C0 controls and space), and remove inside.
_C0_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_NEWLINE = str.maketrans("", "", "\t\n\r")


def _clean(href: str) -> str:
    href = href.strip(_C0_SPACE)
    if "\t" in href or "\n" in href or "\r" in href:
        href = href.translate(_TAB_NEWLINE)
    return href


def _http_only(href: str) -> str | None:
    if not (href.startswith(_HTTP) or href.startswith(_HTTPS)):
        return None
    hash_at = href.find("#")
    return href if hash_at < 0 else href[:hash_at]


def join(base: str, href: str) -> str | None:
    """Resolve ``href`` against ``base`` as a browser does (WHATWG URL standard).

    Returns the absolute URL without its fragment, or None when a browser would not fetch
    it as a web page: other schemes (javascript:, mailto:, tel:, data: ...), invalid
    hosts or ports, a relative href against an unusable base.
    """
    if not href:
        href = ""
    else:
        href = _clean(href)
    try:
        resolved = ada_url.join_url(base, href)
    except ValueError:
        # Either href is invalid, or the base is and href may still be absolute.
        try:
            resolved = ada_url.URL(href).href
        except ValueError:
            return None
    return _http_only(resolved)


def normalize(url: str) -> str | None:
    """The WHATWG serialisation of an absolute http(s) URL, without its fragment; None
    for anything else (the same as :func:`join` with no base)."""
    try:
        resolved = ada_url.URL(_clean(url)).href
    except ValueError:
        return None
    return _http_only(resolved)


def _authority_end(url: str, start: int) -> int:
    end = len(url)
    for sep in "/?#":
        at = url.find(sep, start)
        if 0 <= at < end:
            end = at
    return end


@lru_cache(maxsize=65536)
def host_of(url: str) -> str:
    """Lower-case hostname of ``url`` without port ("" when it has none); an IPv6 address
    keeps its brackets, as ada-url gives it."""
    scheme_end = url.find("://")
    if scheme_end > 0 and url[:scheme_end] in ("http", "https"):
        # Fast path for the normalised URLs this project passes around.
        start = scheme_end + 3
        authority = url[start : _authority_end(url, start)]
        if "@" not in authority and "%" not in authority and "\\" not in authority:
            if authority.startswith("["):
                host = authority[: authority.find("]") + 1]
            else:
                host = authority.split(":", 1)[0]
            if host and host == host.lower() and host.isascii():
                return host
    try:
        return ada_url.URL(_clean(url)).hostname.lower()
    except ValueError:
        return ""


def path_of(url: str) -> str:
    """Path plus ``?query`` of ``url`` (no fragment); "/" for a bare origin."""
    scheme_end = url.find("://")
    if scheme_end < 0:
        return ""
    start = _authority_end(url, scheme_end + 3)
    hash_at = url.find("#", start)
    rest = url[start:] if hash_at < 0 else url[start:hash_at]
    if not rest or rest.startswith("?"):
        return "/" + rest
    return rest


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # Offline: the suffix list bundled with tldextract, never a download or a disk cache.
    # Private suffixes (blogspot.com, github.io ...) count: each user's blog there is a
    # separate owner, so a separate referring site.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def is_ip(host: str) -> bool:
    """True when ``host`` is an IPv4 or (bracketed or bare) IPv6 address."""
    candidate = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=65536)
def site_of(host: str) -> str:
    """Registered domain (eTLD+1) of ``host``.

    IP addresses are their own site. Names whose suffix is not in the Public Suffix List
    (the reserved .test, .localhost, .internal, .local ... TLDs) count their last two
    labels, a single label is itself, and a public suffix itself ("co.uk") is itself.
    """
    host = host.strip().lower().rstrip(".")
    if not host:
        return ""
    if host.startswith("[") or is_ip(host):
        return host
    result = _extractor()(host)
    if result.suffix:
        if result.domain:
            return f"{result.domain}.{result.suffix}"
        return host
    labels = host.split(".")
    return ".".join(labels[-2:])
