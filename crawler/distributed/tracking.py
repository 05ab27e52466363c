"""Watch what a leased request's callback (or errback) yields, for the ledger.

The scheduler wraps the callback and errback of every request it hands to the engine.
The wrapper passes the output through unchanged while it
  * counts the requests it yields (tagged with the parent lease, so the scheduler can tell
    when they are queued) and the page items (whose URLs ``pages_stored`` will name),
  * marks the output done when it is exhausted or raises,
  * turns ``RedisUnavailable`` (the shared scope could not answer) into "give this request
    back to the queue": its page is stored, its links will be followed on the next fetch.
Scrapy calls both wrappers; a request without an errback gets one that only marks the
failure done and lets Scrapy handle it as before.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from scrapy import Request
from twisted.python.failure import Failure

from crawler.distributed.connection import RedisUnavailable
from crawler.distributed.ledger import Ledger
from crawler.items import PageItem

logger = logging.getLogger(__name__)

LEASE_META = "_bl_lease"
PARENT_META = "_bl_parent"


class Tracked:
    """A callback or errback that reports its output to the ledger."""

    def __init__(self, original: Any, fallback: Any, lease_id: str, ledger: Ledger) -> None:
        #: The request's own callback/errback (None: Scrapy's default), kept for serialising.
        self.original = original
        self.func = original or fallback
        self.lease_id = lease_id
        self.ledger = ledger
        self.__name__ = getattr(self.func, "__name__", "callback") if self.func else "errback"

    def __call__(self, result: Any, **kwargs: Any) -> Any:
        if self.func is None:  # no errback: the failure goes on as Scrapy handles it
            self.ledger.output_done(self.lease_id)
            return result
        try:
            output = self.func(result, **kwargs)
        except RedisUnavailable:
            self._unavailable()
            return []
        except BaseException:
            self.ledger.output_done(self.lease_id)
            raise
        if output is None or isinstance(output, (Failure, Request, dict)) or _is_item(output):
            return self._single(output)
        if isinstance(output, AsyncIterator) or hasattr(output, "__aiter__"):
            return self._async(output)
        return self._sync(output)

    def _see(self, value: Any) -> None:
        if isinstance(value, Request):
            value.meta[PARENT_META] = self.lease_id
            self.ledger.yielded_request(self.lease_id)
        elif isinstance(value, PageItem):
            self.ledger.yielded_item(self.lease_id, value.url)

    def _single(self, output: Any) -> Any:
        if output is not None and not isinstance(output, Failure):
            self._see(output)
        self.ledger.output_done(self.lease_id)
        return output

    def _unavailable(self) -> None:
        logger.warning("Redis unreachable while following the links of a page: its request "
                       "goes back to the queue", extra={"lease": self.lease_id})
        self.ledger.output_done(self.lease_id, requeue=True)

    @contextmanager
    def _consuming(self) -> Iterator[None]:
        """Around the consumption of an iterable output: done when it ends, is closed or
        raises; given back to the queue when Redis was unreachable."""
        try:
            yield
        except RedisUnavailable:
            self._unavailable()
        finally:
            self.ledger.output_done(self.lease_id)

    def _sync(self, output: Iterable[Any]) -> Iterable[Any]:
        with self._consuming():
            for value in output:
                self._see(value)
                yield value

    async def _async(self, output: AsyncIterator[Any]) -> AsyncIterator[Any]:
        with self._consuming():
            async for value in output:
                self._see(value)
                yield value


def _is_item(value: Any) -> bool:
    return isinstance(value, PageItem) or (hasattr(value, "__dataclass_fields__")
                                           and not hasattr(value, "__iter__"))


def track(request: Request, spider: Any, lease_id: str, ledger: Ledger) -> Request:
    """The request with its callback and errback wrapped (in place) and its lease in meta."""
    request.meta[LEASE_META] = lease_id
    callback = request.callback
    errback = request.errback
    if isinstance(callback, Tracked):
        callback = callback.original
    if isinstance(errback, Tracked):
        errback = errback.original
    request.callback = Tracked(callback, getattr(spider, "_parse", None), lease_id, ledger)
    request.errback = Tracked(errback, None, lease_id, ledger)
    return request


def untracked(request: Request) -> Request:
    """The request with its own callback and errback back (for serialising)."""
    callback, errback = request.callback, request.errback
    if isinstance(callback, Tracked) or isinstance(errback, Tracked):
        return request.replace(
            callback=callback.original if isinstance(callback, Tracked) else callback,
            errback=errback.original if isinstance(errback, Tracked) else errback,
        )
    return request
