"""The Redis connection of a worker, and what happens when Redis goes away.

``redis_from_settings`` builds the client with scrapy-redis's connection helper, but with
short socket timeouts and no client-side retries: every call runs on the Twisted event
loop, so a call must fail fast instead of freezing the crawl.

``RedisLink`` wraps the client for the scheduler and the shared scope. A connection error
marks the link down (one warning), work continues locally (requests wait in memory), and a
probe retries with exponential backoff (each attempt logged) until Redis answers again;
then the registered callbacks run (renew leases, flush what waited) and the crawl goes on.
"""

from __future__ import annotations

import logging
import sys
import time
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from scrapy_redis import connection as scrapy_redis_connection
from scrapy_redis import defaults as scrapy_redis_defaults

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Errors that mean "Redis is not there right now" (restarting, loading its data, unreachable).
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.BusyLoadingError,
    redis.exceptions.TryAgainError,
    OSError,
)

#: Client parameters: fail fast, never retry inside redis-py (the link retries, with backoff).
CLIENT_PARAMS: dict[str, Any] = {
    "socket_timeout": 10,
    "socket_connect_timeout": 3,
    "retry_on_timeout": False,
    "health_check_interval": 0,
}


class RedisUnavailable(Exception):
    """Redis cannot be reached right now; the caller keeps its work and tries later."""


def redis_from_settings(settings: Any) -> redis.Redis:
    """A client for ``REDIS_URL`` (plus ``REDIS_PARAMS``), through scrapy-redis's helper."""
    params = dict(scrapy_redis_defaults.REDIS_PARAMS)
    params.update(CLIENT_PARAMS)
    params.update(settings.getdict("REDIS_PARAMS"))
    params["retry"] = Retry(NoBackoff(), 0)
    url = settings.get("REDIS_URL")
    if not url:
        raise ValueError("REDIS_URL is not set: give redis://host:port/db to share the crawl")
    params.pop("encoding", None)
    return scrapy_redis_connection.get_redis(url=url, **params)


def check_redis(url: str, timeout: float = 3.0) -> str:
    """Ping the Redis at ``url``; return its version. Raises ValueError for a malformed URL
    and RedisUnavailable when it does not answer."""
    try:
        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                      retry=Retry(NoBackoff(), 0))
    except ValueError as exc:
        raise ValueError(f"REDIS_URL {url!r} is not a Redis URL: {exc}; "
                         "use redis://host:port/db") from exc
    try:
        client.ping()
        return str(client.info("server").get("redis_version", "?"))
    except TRANSIENT_ERRORS as exc:
        raise RedisUnavailable(str(exc)) from exc
    except redis.exceptions.RedisError as exc:  # e.g. authentication required
        raise RedisUnavailable(str(exc)) from exc
    finally:
        client.close()


class RedisLink:
    """One worker's view of Redis: up or down, and the reconnect loop while down."""

    def __init__(self, client: redis.Redis, *, where: str, max_backoff: float = 30.0,
                 stats: Any = None) -> None:
        self.client = client
        self.where = where
        self.max_backoff = max(0.1, max_backoff)
        self.stats = stats
        self.up = True
        self.down_since = 0.0
        self.attempts = 0
        self._probe_call: Any = None
        self._on_reconnect: list[Callable[[], None]] = []

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (0.25s doubling, capped)."""
        return min(self.max_backoff, 0.25 * 2 ** attempt)

    def on_reconnect(self, callback: Callable[[], None]) -> None:
        self._on_reconnect.append(callback)

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one Redis call; on a connection error mark the link down and raise
        RedisUnavailable (no call is made while the link is down)."""
        if not self.up:
            raise RedisUnavailable(f"Redis at {self.where} is unreachable")
        try:
            return func(*args, **kwargs)
        except TRANSIENT_ERRORS as exc:
            self.mark_down(exc)
            raise RedisUnavailable(f"Redis at {self.where} is unreachable: {exc}") from exc

    def mark_down(self, exc: BaseException) -> None:
        if not self.up:
            return
        self.up = False
        self.down_since = time.monotonic()
        self.attempts = 0
        logger.warning("Redis at %(where)s unreachable (%(error)s): requests wait locally, "
                       "reconnecting with backoff", {"where": self.where, "error": exc})
        if self.stats is not None:
            self.stats.inc_value("backlinks/redis/disconnects")
        self._schedule_probe()

    def _schedule_probe(self) -> None:
        if "twisted.internet.reactor" not in sys.modules:
            return  # not inside a crawl: callers probe with wait_until_up()
        from twisted.internet import reactor

        delay = self.backoff(self.attempts)
        if self._probe_call is not None and self._probe_call.active():
            return
        self._probe_call = reactor.callLater(delay, self._probe)

    def _probe(self) -> None:
        self._probe_call = None
        self.attempts += 1
        try:
            self.client.ping()
        except TRANSIENT_ERRORS as exc:
            delay = self.backoff(self.attempts)
            logger.warning("Redis at %(where)s still unreachable after %(down).1fs "
                           "(attempt %(n)d: %(error)s); next try in %(delay).1fs",
                           {"where": self.where, "down": time.monotonic() - self.down_since,
                            "n": self.attempts, "error": exc, "delay": delay})
            self._schedule_probe()
            return
        down = time.monotonic() - self.down_since
        self.up = True
        logger.warning("Redis at %(where)s reachable again after %(down).1fs (%(n)d attempts)",
                       {"where": self.where, "down": down, "n": self.attempts})
        if self.stats is not None:
            self.stats.inc_value("backlinks/redis/reconnects")
            self.stats.inc_value("backlinks/redis/down_seconds", round(down, 1))
        for callback in list(self._on_reconnect):
            try:
                callback()
            except RedisUnavailable:
                return  # went down again: mark_down scheduled the next probe
            except Exception:
                logger.exception("error while resuming after a Redis reconnect")

    def wait_until_up(self, what: str, give_up_after: float = 300.0) -> None:
        """Block (retrying with backoff) until Redis answers: only for start-up steps that
        must happen before the crawl runs (seeding, resetting a finished crawl)."""
        started = time.monotonic()
        attempt = 0
        while True:
            try:
                self.client.ping()
                self.up = True
                return
            except TRANSIENT_ERRORS as exc:
                waited = time.monotonic() - started
                if waited > give_up_after:
                    raise RedisUnavailable(
                        f"Redis at {self.where} unreachable for {waited:.0f}s while {what}") from exc
                delay = self.backoff(attempt)
                attempt += 1
                logger.warning("Redis at %(where)s unreachable while %(what)s (%(error)s); "
                               "retrying in %(delay).1fs",
                               {"where": self.where, "what": what, "error": exc, "delay": delay})
                time.sleep(delay)

    def close(self) -> None:
        if self._probe_call is not None and self._probe_call.active():
            self._probe_call.cancel()
        self._probe_call = None


_links: weakref.WeakKeyDictionary[Any, RedisLink] = weakref.WeakKeyDictionary()


def link_for(crawler: Any) -> RedisLink:
    """The one RedisLink of a crawler, shared by its scheduler, dupefilter and scope.
    (The scope asks for it while the spider is built, before the crawler has stats.)"""
    link = _links.get(crawler)
    if link is None:
        settings = crawler.settings
        client = redis_from_settings(settings)
        kwargs = client.connection_pool.connection_kwargs
        where = f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}"
        link = RedisLink(client, where=where,
                         max_backoff=settings.getfloat("BACKLINKS_REDIS_MAX_BACKOFF", 30.0),
                         stats=getattr(crawler, "_stats", None))
        _links[crawler] = link
    elif link.stats is None and getattr(crawler, "_stats", None) is not None:
        link.stats = crawler._stats
    return link
