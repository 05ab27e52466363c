"""The private-address guard: never fetch from the operator's own networks.

Three checks, so that neither a link, nor DNS, nor a redirect gets past:

* ``AddressGuardMiddleware.process_request`` refuses a request whose URL names a
  forbidden address literally (``http://10.0.0.1/``, ``http://[::1]/``) or a local name
  (``localhost``). Redirects pass through it again, so a 302 to such a URL is refused too.
* For host names, the middleware asks the resolver first (unless the request goes through
  a proxy, which resolves names itself), so a name that resolves to a forbidden address
  is refused and counted before anything is sent.
* ``GuardedResolver`` (the ``TWISTED_DNS_RESOLVER``) refuses such names again at
  connection time, so the connection can never use an answer that changed in between
  (no DNS-rebinding window).
* ``AddressGuardMiddleware.process_response`` drops a response that came from a
  forbidden peer address when no proxy was in between (belt and braces).

Every refusal is counted in stats as ``backlinks/guard/blocked`` and
``backlinks/guard/blocked/<kind>`` (loopback, private, link_local, multicast, reserved,
unspecified, non_global). ``BACKLINKS_ALLOWED_NETWORKS`` lists the CIDRs let through.
"""

from __future__ import annotations

import logging
import urllib.request
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError

from crawler.networks import AddressPolicy, ip_of, parse_networks

logger = logging.getLogger(__name__)


def policy_from_settings(settings: Any) -> AddressPolicy:
    return AddressPolicy(parse_networks(settings.getlist("BACKLINKS_ALLOWED_NETWORKS")))


class BlockedAddressError(DNSLookupError):
    """A host name resolved to a forbidden address; ``kind`` says which kind."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def _count(stats: Any, kind: str) -> None:
    if stats is not None:
        stats.inc_value("backlinks/guard/blocked")
        stats.inc_value(f"backlinks/guard/blocked/{kind}")


class AddressGuardMiddleware:
    """Downloader middleware: refuse requests to forbidden addresses by URL."""

    def __init__(self, policy: AddressPolicy, stats: Any, proxies_enabled: bool = True) -> None:
        self.policy = policy
        self.stats = stats
        #: The environment's proxies (http_proxy ...), as HttpProxyMiddleware reads them.
        self.proxies = urllib.request.getproxies() if proxies_enabled else {}

    @classmethod
    def from_crawler(cls, crawler) -> AddressGuardMiddleware:
        return cls(
            policy_from_settings(crawler.settings),
            crawler.stats,
            crawler.settings.getbool("HTTPPROXY_ENABLED", True),
        )

    def _proxied(self, request: Request, host: str) -> bool:
        if request.meta.get("proxy"):
            return True
        if "proxy" in request.meta:  # an explicit None: no proxy for this request
            return False
        scheme = urlparse_cached(request).scheme
        return bool(self.proxies.get(scheme)) and not urllib.request.proxy_bypass_environment(host, self.proxies)

    async def _resolved_kind(self, host: str) -> str | None:
        from twisted.internet import reactor

        try:
            await maybe_deferred_to_future(reactor.resolve(host))
        except BlockedAddressError as exc:
            return exc.kind
        except Exception:  # no answer: the download itself will fail and say why
            return None
        return None

    async def process_request(self, request: Request, spider: Any = None) -> None:
        host = urlparse_cached(request).hostname or ""
        kind = self.policy.forbidden_host(host)
        if kind is None and ip_of(host) is None and not self._proxied(request, host):
            kind = await self._resolved_kind(host)
        if kind is not None:
            _count(self.stats, kind)
            logger.info(
                "address guard: not fetching %(url)s: %(host)s is a %(kind)s address",
                {"url": request.url, "host": host, "kind": kind},
            )
            raise IgnoreRequest(f"address guard: {host} is a {kind} address")

    def process_response(self, request: Request, response: Response, spider: Any = None):
        if request.meta.get("proxy") or response.ip_address is None:
            return response
        address = ip_of(str(response.ip_address))
        kind = self.policy.forbidden(address) if address is not None else None
        if kind is not None:
            _count(self.stats, kind)
            logger.warning(
                "address guard: dropped %(url)s: it came from %(ip)s, a %(kind)s address",
                {"url": request.url, "ip": response.ip_address, "kind": kind},
            )
            raise IgnoreRequest(f"address guard: response from a {kind} address")
        return response


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching DNS resolver that refuses names resolving to forbidden addresses.

    IP literals pass through untouched: the middleware judges those by URL, and the
    address of a configured proxy (often 127.0.0.1) must stay reachable.
    """

    policy: AddressPolicy = AddressPolicy()

    @classmethod
    def from_crawler(cls, crawler, reactor):
        # Built by the crawler process (one resolver per reactor), which has settings but
        # no stats: refusals are counted by AddressGuardMiddleware.process_exception.
        resolver = super().from_crawler(crawler, reactor)
        resolver.policy = policy_from_settings(crawler.settings)
        return resolver

    def getHostByName(self, name: str, timeout=()):  # noqa: N802 (Twisted's name)
        deferred = super().getHostByName(name, timeout)
        if ip_of(name) is not None:
            return deferred
        return deferred.addCallback(self._check, name)

    def _check(self, address: str, name: str) -> str:
        ip = ip_of(address)
        kind = self.policy.forbidden(ip) if ip is not None else None
        if kind is not None:
            logger.info(
                "address guard: %(name)s resolves to %(ip)s, a %(kind)s address: not connecting",
                {"name": name, "ip": address, "kind": kind},
            )
            raise BlockedAddressError(f"{name} resolves to {address}, a {kind} address (address guard)", kind)
        return address
