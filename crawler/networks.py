"""Which IP addresses the crawler may connect to.

By default the crawler never fetches from loopback, private, link-local, multicast,
reserved or otherwise non-global addresses, IPv4 and IPv6 alike: a link or a redirect
to ``http://169.254.169.254/`` (cloud metadata), ``http://10.0.0.1/`` or
``http://localhost/`` must not turn the crawler against the operator's own network.
``BACKLINKS_ALLOWED_NETWORKS`` (a list of CIDRs) lets chosen networks through, e.g.
``127.0.0.0/8`` for the sandbox web.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Host names that name the local machine whatever DNS says (RFC 6761, RFC 8375 ...).
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
LOCAL_SUFFIXES = (".localhost",)


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """CIDR strings to networks; a bad value raises ValueError naming it."""
    networks = []
    for value in values:
        text = value.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError as exc:
            raise ValueError(
                f"BACKLINKS_ALLOWED_NETWORKS: {text!r} is not a network: write CIDRs such as "
                "127.0.0.0/8 or fd00::/8"
            ) from exc
    return tuple(networks)


def ip_of(host: str) -> IPAddress | None:
    """The address a URL host names literally (``10.0.0.1``, ``[::1]``), else None.

    Hosts come from WHATWG-parsed URLs, where ``0x7f.1`` and ``2130706433`` have already
    become ``127.0.0.1``.
    """
    text = host.strip("[]")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_local_name(host: str) -> bool:
    """True for names that always mean this machine (``localhost``, ``x.localhost``)."""
    name = host.lower().rstrip(".")
    return name in LOCAL_NAMES or name.endswith(LOCAL_SUFFIXES)


@lru_cache(maxsize=4096)
def _forbidden_kind(address: IPAddress) -> str | None:
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link_local"
    if address.is_multicast:
        return "multicast"
    if address.is_unspecified:
        return "unspecified"
    if address.is_private:
        return "private"
    if address.is_reserved:
        return "reserved"
    if isinstance(address, ipaddress.IPv6Address):
        # NAT64 / 6to4 / Teredo can embed any IPv4 address: judge the embedded one.
        embedded = address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None:
            return _forbidden_kind(embedded)
    if not address.is_global:
        return "non_global"
    return None


class AddressPolicy:
    """Says whether an address may be fetched and, if not, what kind of address it is."""

    def __init__(self, allowed: Iterable[IPNetwork] = ()) -> None:
        self.allowed = tuple(allowed)

    def forbidden(self, address: IPAddress) -> str | None:
        """None if the crawler may connect to ``address``, else its kind (``private`` ...)."""
        if any(address.version == net.version and address in net for net in self.allowed):
            return None
        return _forbidden_kind(address)

    def forbidden_host(self, host: str) -> str | None:
        """The same for a URL host, judged by its name alone (IP literals, localhost)."""
        address = ip_of(host)
        if address is not None:
            return self.forbidden(address)
        if is_local_name(host):
            loopback = (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))
            return None if any(self.forbidden(a) is None for a in loopback) else "loopback"
        return None
