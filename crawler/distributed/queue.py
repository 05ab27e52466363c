"""The shared request queue: per-host queues, leases and cluster-wide politeness.

A scrapy-redis queue (``scrapy_redis.queue.Base``: one key, a serializer) grown into what
a crash-safe, polite cluster needs. Every call is one Lua script (crawler.distributed.lua),
and the scheduler batches calls into one pipelined transaction per event-loop turn.

Life of a request id (see crawler.distributed.keys for the keys):
  enqueue  -> ``P:req`` record + ``P:q:<host>``; the host joins ``P:ready``
  lease    -> out of its host queue, into ``P:leases`` (expiry) and ``P:slots:<host>``
  release  -> the download ended: the host's concurrency slot is free; with a delay, the
              host's next request may start ``delay`` after this one started
  ack      -> the page's links are stored: the record is deleted (the request is done)
  requeue / reap -> back to its host queue (given back, or its worker stopped renewing)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy_redis.queue import Base

from crawler.distributed import lua
from crawler.distributed.codec import RequestCodec
from crawler.distributed.keys import CrawlKeys, delete_crawl


@dataclass(frozen=True, slots=True)
class Entry:
    """One request on its way into the queue."""

    host: str
    priority: int
    payload: str
    #: Dupefilter set and member, or ("", "") for dont_filter requests.
    df_key: str
    df_member: str | int


@dataclass(frozen=True, slots=True)
class Release:
    """A leased request's download ended (or never began): its host slot is free."""

    host: str
    id: str
    #: It reached the downloader (something may have been sent to the host).
    started: bool
    #: Milliseconds since it started (-1: unknown, counted from now).
    elapsed_ms: int = -1
    #: The delay the worker's downloader keeps for the host (Crawl-delay, AutoThrottle).
    host_delay_ms: int = 0


@dataclass(frozen=True, slots=True)
class Politeness:
    """Cluster-wide per-host limits, enforced by the lease script."""

    #: Milliseconds between the starts of two requests to one host (0: none).
    delay_ms: int = 0
    #: Requests to one host between lease and download end, cluster-wide (0: unlimited).
    concurrency: int = 0
    #: How long a slot (and a delay hold) lasts if its worker never reports back.
    slot_ms: int = 60_000


class HostQueue(Base):
    """The crawl's queue in Redis; ``client`` may be a pipeline (calls are then queued)."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: RequestCodec | None = None,
                 *, politeness: Politeness = Politeness(), lease_ms: int = 120_000,
                 worker: str = "worker") -> None:
        super().__init__(server, spider, key, serializer or RequestCodec(spider))
        self.keys = CrawlKeys(self.key)
        self.politeness = politeness
        self.lease_ms = lease_ms
        self.worker = worker
        self._scripts = {name: server.register_script(getattr(lua, name))
                         for name in ("ENQUEUE", "LEASE", "RELEASE", "ACK", "REQUEUE", "REAP",
                                      "RENEW")}

    # -- scrapy-redis's queue interface ---------------------------------------------------
    def __len__(self) -> int:
        """Requests not finished yet, anywhere in the cluster (queued or leased)."""
        return int(self.server.hlen(self.keys.req))

    def push(self, request: Any) -> None:  # pragma: no cover - the scheduler batches
        raise NotImplementedError("HostQueue is fed in batches by RedisScheduler (enqueue)")

    def pop(self, timeout: int = 0) -> Any:  # pragma: no cover - the scheduler leases
        raise NotImplementedError("HostQueue hands out leases (lease), not plain pops")

    def clear(self, keep: str = "") -> None:
        """Delete every key of this crawl (queue, leases, dupefilter, scope, counters)
        except ``keep``."""
        delete_crawl(self.server, self.key, keep)

    # -- batched operations ---------------------------------------------------------------
    def enqueue(self, entries: list[Entry], client: Any = None) -> Any:
        args: list[Any] = [self.key]
        for entry in entries:
            args += [entry.host, entry.priority, entry.payload, entry.df_key, entry.df_member]
        return self._scripts["ENQUEUE"](args=args, client=client)

    def lease(self, n: int, client: Any = None) -> tuple[list[tuple[str, str, int, str]], float]:
        """Lease up to n requests: ([(id, host, priority, payload)], seconds until some host
        is ready, or -1 when nothing is queued). With a pipeline as ``client`` the call is
        queued: read its result with ``leased(raw)``."""
        p = self.politeness
        raw = self._scripts["LEASE"](
            args=[self.key, n, self.lease_ms, p.slot_ms, p.delay_ms, p.concurrency, self.worker],
            client=client)
        return raw if client is not None else self.leased(raw)

    @staticmethod
    def leased(raw: Any) -> tuple[list[tuple[str, str, int, str]], float]:
        """The LEASE script's raw answer as ``lease`` returns it."""
        flat, wait = raw
        leased = []
        for i in range(0, len(flat), 2):
            record = flat[i + 1].decode() if isinstance(flat[i + 1], bytes) else flat[i + 1]
            host, priority, payload = record.split("\n", 2)
            request_id = flat[i].decode() if isinstance(flat[i], bytes) else flat[i]
            leased.append((request_id, host, int(priority), payload))
        return leased, (wait / 1000.0 if wait >= 0 else -1.0)

    def release(self, slots: list[Release], client: Any = None) -> Any:
        args: list[Any] = [self.key, self.politeness.delay_ms]
        for r in slots:
            args += [r.host, r.id, "1" if r.started else "0", r.elapsed_ms, r.host_delay_ms]
        return self._scripts["RELEASE"](args=args, client=client)

    def ack(self, ids: list[str], client: Any = None) -> Any:
        return self._scripts["ACK"](args=[self.key, *ids], client=client)

    def requeue(self, ids: list[str], client: Any = None) -> Any:
        return self._scripts["REQUEUE"](args=[self.key, *ids], client=client)

    def reap(self, limit: int = 1000, client: Any = None) -> Any:
        """Re-queue up to ``limit`` expired leases; the number re-queued (or, with a
        pipeline as ``client``, its future result)."""
        return self._scripts["REAP"](args=[self.key, limit], client=client)

    def renew(self, ids: list[str], client: Any = None) -> Any:
        return self._scripts["RENEW"](args=[self.key, self.lease_ms, self.worker, *ids],
                                      client=client)

    # -- crawl state ----------------------------------------------------------------------
    def state(self) -> str:
        value = self.server.get(self.keys.state)
        return value.decode() if isinstance(value, bytes) else (value or "")

    def mark_finished(self) -> None:
        self.server.set(self.keys.state, "finished")

    def counters(self) -> dict[str, int]:
        raw = self.server.hgetall(self.keys.stats)
        return {k.decode(): int(v) for k, v in raw.items()}
