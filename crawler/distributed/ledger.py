"""A worker's book of the requests it holds, and when each one is finished.

A leased request is finished (acknowledged, deleted from Redis) only when all of this hold:
  * its callback or errback has returned and its output has been consumed,
  * every request that output yielded has reached the scheduler (so it is queued first),
  * every page item it yielded is stored in the index (``pages_stored`` signal) or was
    dropped by a pipeline (``item_dropped`` / ``item_error``),
or, instead, when the downloader turned it into another request (a redirect or a retry):
that request is queued in the same transaction that acknowledges this one.

Requests whose processing failed because Redis was unreachable (the shared scope could not
answer) are given back to the queue instead of acknowledged, so their links are not lost.
The ledger only decides; the scheduler sends the resulting operations to Redis in batches.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from crawler.distributed.queue import Release


@dataclass(slots=True)
class Lease:
    id: str
    host: str
    #: Handed to the engine (False while waiting in the local buffer).
    active: bool = False
    #: Reached the downloader (something may have been sent to the host).
    started: bool = False
    #: Its host concurrency slot was freed.
    released: bool = False
    output_done: bool = False
    #: Requests yielded by its callback that have not reached the scheduler yet.
    children: int = 0
    #: Page items yielded by its callback that are not stored yet.
    items: int = 0
    #: Give it back to the queue instead of acknowledging it.
    requeue: bool = False


@dataclass(slots=True)
class Operations:
    """What the ledger decided, waiting to be sent to Redis (in this order)."""

    released: list[Release] = field(default_factory=list)
    acks: list[str] = field(default_factory=list)
    requeues: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.released or self.acks or self.requeues)


class Ledger:
    def __init__(self) -> None:
        self.held: dict[str, Lease] = {}
        self.ops = Operations()
        #: item URL -> ids of the leases waiting for that URL to be stored
        self._waiting: dict[str, deque[str]] = {}

    def __len__(self) -> int:
        return len(self.held)

    def take(self, lease_id: str, host: str) -> Lease:
        lease = Lease(lease_id, host)
        self.held[lease_id] = lease
        return lease

    def activate(self, lease_id: str) -> None:
        lease = self.held.get(lease_id)
        if lease is not None:
            lease.active = True

    def started(self, lease_id: str) -> None:
        """The request reached the downloader."""
        lease = self.held.get(lease_id)
        if lease is not None:
            lease.started = True

    def left_downloader(self, lease_id: str, elapsed_ms: int = -1, host_delay_ms: int = 0) -> None:
        """The download ended, ``elapsed_ms`` after it started (-1: unknown); the worker's
        downloader keeps ``host_delay_ms`` between requests to the host."""
        lease = self.held.get(lease_id)
        if lease is not None:
            lease.started = True
            self._release(lease, elapsed_ms, host_delay_ms)

    def _release(self, lease: Lease, elapsed_ms: int = -1, host_delay_ms: int = 0) -> None:
        if not lease.released:
            lease.released = True
            self.ops.released.append(Release(lease.host, lease.id, lease.started, elapsed_ms,
                                             host_delay_ms))

    # -- the callback's output --------------------------------------------------------------
    def yielded_request(self, lease_id: str) -> None:
        lease = self.held.get(lease_id)
        if lease is not None:
            lease.children += 1

    def yielded_item(self, lease_id: str, url: str) -> None:
        lease = self.held.get(lease_id)
        if lease is not None:
            lease.items += 1
            self._waiting.setdefault(url, deque()).append(lease_id)

    def output_done(self, lease_id: str, *, requeue: bool = False) -> None:
        lease = self.held.get(lease_id)
        if lease is not None:
            lease.output_done = True
            lease.requeue = lease.requeue or requeue
            self._release(lease)
            self._maybe_finish(lease)

    def child_enqueued(self, parent_id: str) -> None:
        lease = self.held.get(parent_id)
        if lease is not None and lease.children > 0:
            lease.children -= 1
            self._maybe_finish(lease)

    def is_downloading(self, lease_id: str) -> bool:
        """Handed to the engine and no callback output yet: a request coming back to the
        scheduler with this lease is the downloader's follow-up (redirect or retry)."""
        lease = self.held.get(lease_id)
        return lease is not None and lease.active and not lease.output_done

    def continued(self, lease_id: str) -> None:
        """The downloader replaced this request by another one (queued before the ack)."""
        lease = self.held.get(lease_id)
        if lease is not None:
            self._release(lease)
            self._finish(lease)

    # -- the index ------------------------------------------------------------------------
    def stored(self, urls: list[str]) -> None:
        for url in urls:
            self._resolve(url)

    def dropped(self, url: str) -> None:
        self._resolve(url)

    def _resolve(self, url: str) -> None:
        waiting = self._waiting.get(url)
        if not waiting:
            return
        lease_id = waiting.popleft()
        if not waiting:
            del self._waiting[url]
        lease = self.held.get(lease_id)
        if lease is not None and lease.items > 0:
            lease.items -= 1
            self._maybe_finish(lease)

    # -- endings --------------------------------------------------------------------------
    def _maybe_finish(self, lease: Lease) -> None:
        if lease.output_done and lease.children == 0 and lease.items == 0:
            self._finish(lease)

    def _finish(self, lease: Lease) -> None:
        if self.held.pop(lease.id, None) is None:
            return
        (self.ops.requeues if lease.requeue else self.ops.acks).append(lease.id)

    def give_back(self, lease_id: str) -> None:
        """Return a request to the queue (not fetched, or shutting down)."""
        lease = self.held.get(lease_id)
        if lease is not None:
            lease.requeue = True
            self._release(lease)
            self._finish(lease)

    def sweep(self) -> int:
        """Finish every active lease (the engine is idle: their processing is over, and
        what they still wait for will not come, e.g. a child filtered by a middleware)."""
        swept = [lease for lease in self.held.values() if lease.active]
        for lease in swept:
            self._release(lease)
            self._finish(lease)
        self._waiting.clear()
        return len(swept)

    def active_ids(self) -> list[str]:
        return [lease.id for lease in self.held.values() if lease.active]

    def take_ops(self) -> Operations:
        ops, self.ops = self.ops, Operations()
        return ops

    def restore_ops(self, ops: Operations) -> None:
        """Put back operations that could not be sent (Redis unreachable), oldest first."""
        current = self.ops
        self.ops = Operations(ops.released + current.released, ops.acks + current.acks,
                              ops.requeues + current.requeues)
