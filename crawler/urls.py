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
import re
from functools import lru_cache

import ada_url
import tldextract

try:  # ada-url's own cffi binding: one C call per URL instead of the wrapper's objects
    from ada_url._ada_wrapper import ffi as _ffi
    from ada_url._ada_wrapper import lib as _lib
except ImportError:  # pragma: no cover - another build of ada-url
    _ffi = _lib = None

__all__ = ["Resolver", "host_of", "is_ip", "join", "normalize", "path_of", "site_of"]

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


def _ada_href(href: str, base: str | None = None) -> str | None:
    """ada's WHATWG serialisation of ``href`` (against ``base``), or None when invalid."""
    if _lib is None:
        try:
            return ada_url.join_url(base, href) if base is not None else ada_url.URL(href).href
        except ValueError:
            return None
    try:
        data = href.encode()
        if base is None:
            url = _lib.ada_parse(data, len(data))
        else:
            base_data = base.encode()
            url = _lib.ada_parse_with_base(data, len(data), base_data, len(base_data))
    except UnicodeEncodeError:
        return None
    try:
        if not _lib.ada_is_valid(url):
            return None
        serialised = _lib.ada_get_href(url)
        return _ffi.unpack(serialised.data, serialised.length).decode()
    finally:
        _lib.ada_free(url)


# Shortcuts that give exactly what the URL standard gives, for the commonest hrefs (checked
# against ada by a property test): an absolute URL already in WHATWG serialisation (http(s),
# a lower-case ASCII DNS name whose last label starts with a letter, no port, userinfo,
# punycode or IP form, a path and query of characters the standard leaves alone and no dot
# segment), and a root-relative path of such characters.
_SAFE_PATH = r"/[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*"
_CANONICAL = re.compile(r"https?://(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*" + _SAFE_PATH + r"\Z")
_ROOT_RELATIVE = re.compile(r"/(?!/)[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*\Z")


def _simple(url: str) -> bool:
    """No dot segment, no percent-encoded byte that could spell one, no punycode label."""
    return "/." not in url and "%2e" not in url and "%2E" not in url and "xn--" not in url


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
        hash_at = href.find("#")
        head = href if hash_at < 0 else href[:hash_at]
        if _CANONICAL.match(head) and _simple(head):
            return head
    resolved = _ada_href(href, base)
    if resolved is None:
        # Either href is invalid, or the base is and href may still be absolute.
        resolved = _ada_href(href)
        if resolved is None:
            return None
    return _http_only(resolved)


class Resolver:
    """``join(base, href)`` for the many hrefs of one page: each distinct href is resolved
    once, root-relative paths without surprises are appended to the base's origin.
    (crawler/_fasturls.pxi has a compiled copy of this cache and of the shortcuts,
    _ROOT_RELATIVE, _CANONICAL and _simple, for the compiled extractor: change both.)"""

    __slots__ = ("base", "cache", "origin", "here")

    def __init__(self, base: str) -> None:
        self.base = base
        self.cache: dict[str, str | None] = {}
        self.origin: str | None = None
        normal = _ada_href(base)
        #: What an empty or ``#fragment`` href resolves to, join(base, ""): the base's own
        #: serialisation without its fragment (None unless it is an http(s) URL).
        self.here = _http_only(normal) if normal is not None else None
        if normal is not None and normal.startswith((_HTTP, _HTTPS)):
            self.origin = normal[: normal.index("/", normal.index("://") + 3)]

    def __call__(self, href: str) -> str | None:
        cache = self.cache
        try:
            return cache[href]
        except KeyError:
            pass
        url = None
        if href[:1] == "#":
            # An in-page link: the base itself, whatever the fragment.
            cache[href] = self.here
            return self.here
        if self.origin is not None and href.startswith("/"):
            hash_at = href.find("#")
            head = href if hash_at < 0 else href[:hash_at]
            if _ROOT_RELATIVE.match(head) and _simple(head):
                url = self.origin + head
        if url is None:
            url = join(self.base, href)
        cache[href] = url
        return url


def normalize(url: str) -> str | None:
    """The WHATWG serialisation of an absolute http(s) URL, without its fragment; None
    for anything else (the same as :func:`join` with no base)."""
    resolved = _ada_href(_clean(url))
    if resolved is None:
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
    if ":" not in candidate and not candidate.replace(".", "").isdigit():
        return False  # a name: no parse (a failed one raises, which is slow)
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
