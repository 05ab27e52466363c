"""What a distributed crawl looks like in Redis right now, and throwing one away.

Read by ``scrapy cluster`` (crawler/commands/cluster.py); every figure comes from the keys
listed in crawler.distributed.keys, read in one pipeline, with ages in Redis server time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from crawler.distributed.keys import CrawlKeys


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _counts(raw: dict[Any, Any]) -> dict[str, int]:
    return {_text(k): int(v) for k, v in sorted(raw.items(), key=lambda kv: _text(kv[0]))}


@dataclass(frozen=True, slots=True)
class Worker:
    name: str
    #: Seconds since its last heartbeat (lease or renewal), in Redis server time.
    seen_seconds_ago: float
    #: Whether it beat within the lease time (a worker that stopped beating has, at most,
    #: leases that are about to return to the queue).
    active: bool


@dataclass(frozen=True, slots=True)
class ClusterStatus:
    key: str
    #: "running", "finished", or "none" (no crawl under this key).
    state: str
    #: Requests not finished: waiting in a host queue or leased by a worker.
    unfinished: int
    in_flight: int
    hosts_waiting: int
    workers: list[Worker] = field(default_factory=list)
    #: Cluster counters: enqueued, leased, acked, requeued, reaped.
    counters: dict[str, int] = field(default_factory=dict)
    sites: int = 0
    pages_admitted: int = 0
    #: Links the shared scope did not follow, per reason (depth, hops, site_cap).
    not_followed: dict[str, int] = field(default_factory=dict)

    @property
    def queued(self) -> int:
        return max(0, self.unfinished - self.in_flight)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "queued": self.queued}


def read_status(client: Any, keys: CrawlKeys, lease_seconds: float) -> ClusterStatus:
    """The state of the crawl under ``keys`` (one round trip)."""
    pipe = client.pipeline(transaction=False)
    pipe.time()
    pipe.get(keys.state)
    pipe.hlen(keys.req)
    pipe.zcard(keys.leases)
    pipe.zcard(keys.ready)
    pipe.zrange(keys.workers, 0, -1, withscores=True)
    pipe.hgetall(keys.stats)
    pipe.hlen(keys.pages)
    pipe.get(keys.admitted)
    pipe.hgetall(keys.cut)
    pipe.exists(keys.req, keys.hops, keys.stats)
    (seconds, micros), state, unfinished, leased, ready, beats, stats, sites, admitted, cut, \
        exists = pipe.execute()
    if admitted is None and sites:
        # A crawl started before P:admitted was kept: add the sites' counts up (O(sites)).
        admitted = sum(int(v) for v in client.hvals(keys.pages))
    now_ms = int(seconds) * 1000 + int(micros) // 1000
    workers = [
        Worker(_text(name), round(max(0, now_ms - score) / 1000, 1),
               now_ms - score <= lease_seconds * 1000)
        for name, score in sorted(beats, key=lambda b: -b[1])
    ]  # fmt: skip
    if state is not None:
        state_text = _text(state)
    else:
        state_text = "running" if exists else "none"
    return ClusterStatus(
        key=keys.prefix,
        state=state_text,
        unfinished=int(unfinished),
        in_flight=int(leased),
        hosts_waiting=int(ready),
        workers=workers,
        counters=_counts(stats),
        sites=int(sites),
        pages_admitted=int(admitted or 0),
        not_followed=_counts(cut),
    )
