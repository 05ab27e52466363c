"""Stable identities and derived keys of stored rows.

A backlink is identified by a hash of its (normalised source URL, normalised target URL):
BLAKE2b with a 16-byte digest, top bit cleared. MongoDB stores the 32 hex digits as
``_id`` (no realistic collision at billions of links); SQLite stores the first 8 bytes as
a positive 63-bit integer in ``links.link_id`` (a collision becomes likely only past
about 3 billion links in one file; the rowid itself is handed out by the writer).
"""

from __future__ import annotations

import ipaddress
import re
import struct
from collections.abc import Callable
from functools import lru_cache
from hashlib import blake2b

from crawler.items import Backlink
from crawler.urls import host_of, normalize, path_of, site_of


def link_digest(source_url: str, target_url: str) -> bytes:
    """16-byte digest of a (source URL, target URL) pair; both must already be normalised.

    The top bit is cleared so that the SQLite id (a positive 63-bit integer) and the
    MongoDB hex ``_id`` sort in the same order: both backends break ties the same way.
    """
    digest = blake2b(f"{source_url}\n{target_url}".encode(), digest_size=16).digest()
    return bytes((digest[0] & 0x7F,)) + digest[1:]


def sqlite_id(digest: bytes) -> int:
    """The SQLite rowid of a link digest."""
    return int.from_bytes(digest[:8], "big")


def sqlite_link_id(source_url: str, target_url: str) -> int:
    """``sqlite_id(link_digest(source_url, target_url))`` in one step."""
    return sqlite_link_ids(source_url)(target_url)


#: The first 8 bytes of a digest, read big-endian.
_FIRST_WORD = struct.Struct(">Q").unpack_from


def sqlite_link_ids(source_url: str) -> Callable[[str], int]:
    """``sqlite_link_id(source_url, target_url)`` as a function of ``target_url``: the
    source URL's part of the hash is done once, for all the links of a page (the write
    path)."""
    prefix = blake2b(f"{source_url}\n".encode(), digest_size=16)

    def link_id(target_url: str) -> int:
        digest = prefix.copy()
        digest.update(target_url.encode())
        return _FIRST_WORD(digest.digest())[0] & 0x7FFF_FFFF_FFFF_FFFF

    return link_id


def mongo_id(digest: bytes) -> str:
    """The MongoDB ``_id`` of a link digest."""
    return digest.hex()


_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
#: A dotted-quad IPv4 address as ipaddress accepts and prints it (no leading zeros).
_IPV4 = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}\Z")


@lru_cache(maxsize=65536)
def subnet_of(ip: str | None) -> str | None:
    """The network an IP address belongs to for diversity counts: the /24 of an IPv4
    address ("203.0.113.0/24"), the /48 of an IPv6 address; None when there is no address.

    >>> subnet_of("203.0.113.9")
    '203.0.113.0/24'
    >>> subnet_of("2001:db8:1234:5678::1")
    '2001:db8:1234::/48'
    """
    if not ip:
        return None
    dotted = _IPV4.match(ip)
    if dotted is not None:  # the common case, without ipaddress's parse (as it prints it)
        return f"{dotted[1]}.{dotted[2]}.{dotted[3]}.0/24"
    return subnet_by_ipaddress(ip)


def subnet_by_ipaddress(ip: str) -> str | None:
    """``subnet_of`` through the ipaddress module, for any address form."""
    try:
        address = ipaddress.ip_address(ip.strip("[]"))
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


# A URL already in WHATWG serialisation, in the common shape: http(s), a lower-case DNS
# name whose last label starts with a letter (no IP forms, which ada rewrites), no port,
# a path and query of characters the URL standard leaves alone, no fragment. Such a URL
# is its own normalisation; anything else goes through the full parser.
_CANONICAL = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*/[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*\Z"
)


def normal_url(url: str) -> str:
    """``crawler.urls.normalize(url)``, fast for URLs that are already normal (as the
    extractor's are); the URL itself when it is not an http(s) URL at all."""
    if _CANONICAL.match(url) and "/." not in url and "%2" not in url:
        return url
    return normalize(url) or url


def source_keys(url: str) -> tuple[str, str, str]:
    """(normalised URL, host, site) of a source page, as both backends store them."""
    url = normal_url(url)
    host = host_of(url)
    return url, host, site_of(host)


def target_keys(b: Backlink) -> tuple[str, str, str, str]:
    """(normalised URL, host, site, path) of a backlink's target, as both backends store
    them: the record's own host, site and path when it has them."""
    url = normal_url(b.target_url)
    host = b.target_host or host_of(url)
    return url, host, b.target_site or site_of(host), b.target_path or path_of(url)
