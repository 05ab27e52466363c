"""The distributed scheduler: every worker shares one Redis queue, dupefilter and scope.

Built on scrapy-redis's Scheduler (same settings surface, ``len``/``flush``), with what a
real cluster needs on top:

* Batched I/O. ``enqueue_request`` only appends to a local outbox; once per event-loop
  turn the outbox (dupefilter checks included) and the ledger's operations (started,
  release, ack, requeue) go to Redis in one transaction. ``next_request`` leases a batch
  (as many as the downloader can start now) into a local buffer.
* Leases. A leased request is acknowledged only when its page's links are stored
  (crawler.distributed.ledger); a worker renews its leases on a heartbeat, and any worker
  re-queues leases that expired (their worker died). Nothing is fetched twice unless a
  worker dies or stalls longer than BACKLINKS_REDIS_LEASE_SECONDS.
* Politeness for the cluster: the lease script starts at most
  BACKLINKS_REDIS_HOST_CONCURRENCY requests per host at a time and spaces their starts by
  BACKLINKS_REDIS_HOST_DELAY, whichever worker fetches them (crawler.distributed.queue).
* Termination: a worker stops when the whole crawl has had nothing queued and nothing
  leased for BACKLINKS_REDIS_IDLE_SECONDS (negative: never, for long-running workers).
* Redis outages: work waits locally, the link reconnects with backoff, then the outbox
  and the pending acknowledgements are sent and the crawl goes on.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import deque
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy_redis.scheduler import Scheduler as ScrapyRedisScheduler

from crawler import signals as our_signals
from crawler.distributed.codec import RequestCodec
from crawler.distributed.connection import RedisUnavailable, link_for
from crawler.distributed.dupefilter import RedisDupeFilter
from crawler.distributed.keys import DEFAULT_KEY
from crawler.distributed.ledger import Ledger
from crawler.distributed.queue import Entry, HostQueue, Politeness
from crawler.distributed.tracking import LEASE_META, PARENT_META, track, untracked
from crawler.items import PageItem

logger = logging.getLogger(__name__)

def _reactor() -> Any:
    """The running reactor (imported late: importing it early would install the default
    reactor before Scrapy installs the asyncio one)."""
    from twisted.internet import reactor

    return reactor


#: Priorities are stored as Redis scores; keep them in a sane integer range.
PRIORITY_LIMIT = 1_000_000


class RedisScheduler(ScrapyRedisScheduler):
    def __init__(self, crawler: Any, *, key_template: str, dupefilter_cls: type,
                 lease_seconds: float, idle_seconds: float, prefetch: int,
                 politeness: Politeness, idle_poll: float = 0.25) -> None:
        link = link_for(crawler)
        super().__init__(server=link.client, persist=True, queue_key=key_template,
                         dupefilter_cls=dupefilter_cls, idle_before_close=0)
        self.crawler = crawler
        self.stats = crawler.stats
        self.link = link
        self.dupefilter_cls = dupefilter_cls
        self.lease_seconds = lease_seconds
        self.idle_seconds = idle_seconds
        self.prefetch = max(1, prefetch)
        self.politeness = politeness
        self.idle_poll = idle_poll
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self.ledger = Ledger()
        self.outbox: list[Entry] = []
        self.buffer: deque[tuple[str, Request]] = deque()
        #: Requests that cannot be serialised stay with this worker (as Scrapy's disk
        #: queues do), counted in scheduler/unserializable.
        self.local: deque[Request] = deque()
        self._flush_call: Any = None
        self._wake_call: Any = None
        self._heartbeat: Any = None
        self._next_poll = 0.0
        self._idle_since: float | None = None
        self._done = False
        self._closing = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedisScheduler:
        settings = crawler.settings
        dupefilter_cls = load_object(settings.get("DUPEFILTER_CLASS"))
        if not (isinstance(dupefilter_cls, type) and issubclass(dupefilter_cls, RedisDupeFilter)):
            raise ValueError(
                f"DUPEFILTER_CLASS {settings.get('DUPEFILTER_CLASS')} cannot be shared by workers: "
                "use crawler.distributed.CompactDupeFilter or crawler.distributed.RedisDupeFilter")
        delay = settings.get("BACKLINKS_REDIS_HOST_DELAY")
        delay = float(delay) if delay not in (None, "") else settings.getfloat("DOWNLOAD_DELAY")
        concurrency = settings.get("BACKLINKS_REDIS_HOST_CONCURRENCY")
        concurrency = (int(concurrency) if concurrency not in (None, "")
                       else settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        timeout = settings.getfloat("DOWNLOAD_TIMEOUT", 180)
        politeness = Politeness(delay_ms=int(delay * 1000), concurrency=max(0, concurrency),
                                slot_ms=int(max(60.0, timeout + 30.0) * 1000))
        scheduler = cls(
            crawler,
            key_template=settings.get("BACKLINKS_REDIS_KEY", DEFAULT_KEY),
            dupefilter_cls=dupefilter_cls,
            lease_seconds=settings.getfloat("BACKLINKS_REDIS_LEASE_SECONDS", 120.0),
            idle_seconds=settings.getfloat("BACKLINKS_REDIS_IDLE_SECONDS", 15.0),
            prefetch=settings.getint("BACKLINKS_REDIS_PREFETCH", 32),
            politeness=politeness,
        )
        return scheduler

    # -- open / close -----------------------------------------------------------------------
    def open(self, spider: Any) -> None:
        self.spider = spider
        self.df = build_from_crawler(self.dupefilter_cls, self.crawler)
        self.queue = HostQueue(self.server, spider, self.queue_key, RequestCodec(spider),
                               politeness=self.politeness,
                               lease_ms=int(self.lease_seconds * 1000), worker=self.worker)
        self.codec: RequestCodec = self.queue.serializer
        self._begin(seeding=bool(getattr(spider, "seed_urls", None)))
        connect = self.crawler.signals.connect
        connect(self._on_reached, signal=signals.request_reached_downloader)
        connect(self._on_left, signal=signals.request_left_downloader)
        connect(self._on_stored, signal=our_signals.pages_stored)
        connect(self._on_item_dropped, signal=signals.item_dropped)
        connect(self._on_item_dropped, signal=signals.item_error)
        connect(self._on_idle, signal=signals.spider_idle)
        self.link.on_reconnect(self._on_reconnect)
        beat = max(0.5, min(10.0, self.lease_seconds / 4))
        from twisted.internet import task

        self._heartbeat = task.LoopingCall(self._beat)
        self._heartbeat.start(beat, now=False)
        logger.info("Distributed crawl on Redis %(where)s, keys %(key)s:*, worker %(worker)s "
                    "(lease %(lease)ss, host delay %(delay)sms, host concurrency %(conc)s)",
                    {"where": self.link.where, "key": self.queue.key, "worker": self.worker,
                     "lease": self.lease_seconds, "delay": self.politeness.delay_ms,
                     "conc": self.politeness.concurrency})

    def _begin(self, *, seeding: bool) -> None:
        """Reset a finished crawl before seeding a new one; report a crawl being resumed."""
        self.link.wait_until_up("opening the crawl")
        keys = self.queue.keys
        if seeding and self.queue.state() == "finished":
            if self.server.set(keys.lock, self.worker, nx=True, px=120_000):
                try:
                    if self.queue.state() == "finished":
                        self.queue.clear(keep=keys.lock)
                        logger.info("The previous crawl under %(key)s:* was finished: cleared "
                                    "its state for this new crawl", {"key": self.queue.key})
                finally:
                    self.server.delete(keys.lock)
            else:
                deadline = time.monotonic() + 120
                while self.server.exists(keys.lock) and time.monotonic() < deadline:
                    time.sleep(0.1)
        pending = len(self.queue)
        if pending:
            logger.info("Joining a crawl in progress: %(n)d requests not finished yet",
                        {"n": pending})

    def close(self, reason: str) -> None:
        self._closing = True
        for call in (self._flush_call, self._wake_call):
            if call is not None and call.active():
                call.cancel()
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        for lease_id, _request in self.buffer:
            self.ledger.give_back(lease_id)
        self.buffer.clear()
        for lease_id in self.ledger.active_ids():  # shutdown before they finished
            self.ledger.give_back(lease_id)
        for lease_id in list(self.ledger.held):
            self.ledger.give_back(lease_id)
        if not self._flush():
            logger.error("Redis unreachable at shutdown: %(n)d requests stay leased and return "
                         "to the queue when their lease expires; %(m)d new requests are lost",
                         {"n": len(self.ledger.ops.requeues), "m": len(self.outbox)})
        else:
            try:
                if self._done:
                    self.link.call(self.queue.mark_finished)
                # A worker that stopped cleanly holds nothing: it leaves the workers set, so
                # ``scrapy cluster`` lists only those that are (or may still be) working.
                self.link.call(self.server.zrem, self.queue.keys.workers, self.worker)
            except RedisUnavailable:
                pass
        if self.local:
            logger.warning("%(n)d requests that could not be serialised were not crawled",
                           {"n": len(self.local)})
        self.link.close()

    # -- the engine's interface ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.buffer) + len(self.local) + len(self.outbox)

    def has_pending_requests(self) -> bool:
        return bool(self.buffer or self.local)

    def enqueue_request(self, request: Request) -> bool:
        parent = request.meta.pop(PARENT_META, None)
        lease = request.meta.pop(LEASE_META, None)
        request = untracked(request)
        try:
            payload = self.codec.encode(request)
        except (TypeError, ValueError) as exc:
            if not self.stats.get_value("scheduler/unserializable"):
                logger.warning("%(error)s: kept in this worker's memory (further such requests "
                               "are only counted in scheduler/unserializable)", {"error": exc})
            self.stats.inc_value("scheduler/unserializable")
            self.local.append(request)
        else:
            if request.dont_filter:
                df_key, member = "", ""
            else:
                df_key, member = self.df.locate(request)
            priority = max(-PRIORITY_LIMIT, min(PRIORITY_LIMIT, int(request.priority)))
            self.outbox.append(Entry(urlparse_cached(request).hostname or "", priority, payload,
                                     df_key, member))
            self._next_poll = 0.0
        if lease is not None and self.ledger.is_downloading(lease):
            self.ledger.continued(lease)
        if parent is not None:
            self.ledger.child_enqueued(parent)
        self._schedule_flush()
        return True

    def next_request(self) -> Request | None:
        if not self.buffer:
            self._refill()
        if self.buffer:
            lease_id, request = self.buffer.popleft()
            self.ledger.activate(lease_id)
            self.stats.inc_value("scheduler/dequeued/redis")
            return request
        if self.local:
            return self.local.popleft()
        return None

    # -- talking to Redis --------------------------------------------------------------------
    def _schedule_flush(self) -> None:
        if self._flush_call is None or not self._flush_call.active():
            self._flush_call = _reactor().callLater(0, self._flush)

    def _flush(self) -> bool:
        """Send the outbox and the ledger's operations in one transaction. False if Redis
        is unreachable (everything stays queued locally for the next try)."""
        return self._send()[0]

    def _send(self, lease: int = 0) -> tuple[bool, Any]:
        """``_flush``, and with ``lease`` > 0 also lease up to that many requests in the
        same round trip: (sent, the LEASE answer or None)."""
        if not self.outbox and not self.ledger.ops:
            if not lease:
                return True, None
            try:
                return True, self.link.call(self.queue.lease, lease)
            except RedisUnavailable:
                return False, None
        if not self.link.up:
            return False, None
        entries, self.outbox = self.outbox, []
        ops = self.ledger.take_ops()
        pipe = self.server.pipeline(transaction=True)
        if entries:
            self.queue.enqueue(entries, client=pipe)
        if ops.released:
            self.queue.release(ops.released, client=pipe)
        if ops.acks:
            self.queue.ack(ops.acks, client=pipe)
        if ops.requeues:
            self.queue.requeue(ops.requeues, client=pipe)
        if lease:
            self.queue.lease(lease, client=pipe)
        try:
            results = self.link.call(pipe.execute)
        except RedisUnavailable:
            self.outbox[:0] = entries
            self.ledger.restore_ops(ops)
            return False, None
        finally:
            pipe.reset()
        if entries:
            queued = sum(1 for flag in results[0] if flag)
            self.stats.inc_value("scheduler/enqueued/redis", queued)
            if len(entries) > queued:
                self.stats.inc_value("dupefilter/filtered", len(entries) - queued)
        if ops.acks:
            self.stats.inc_value("backlinks/redis/acked", len(ops.acks))
        if ops.requeues:
            self.stats.inc_value("backlinks/redis/requeued", len(ops.requeues))
        return True, (self.queue.leased(results[-1]) if lease else None)

    def _free_slots(self) -> int:
        engine = getattr(self.crawler, "engine", None)
        downloader = getattr(engine, "downloader", None)
        if downloader is None:
            return self.prefetch
        total = getattr(downloader, "total_concurrency", self.prefetch)
        return max(1, total - len(getattr(downloader, "active", ())))

    def _refill(self) -> None:
        if not self.link.up or self._closing:
            return
        now = time.monotonic()
        if now < self._next_poll:
            self._flush()
            return
        # What waits to be sent and the lease go in one round trip, in that order.
        sent, answer = self._send(lease=min(self.prefetch, self._free_slots()))
        if not sent or answer is None:
            return
        leased, wait = answer
        for lease_id, host, _priority, payload in leased:
            self.ledger.take(lease_id, host)
            try:
                request = self.codec.decode(payload)
            except Exception:
                logger.exception("dropping an unreadable request from the queue: %(p).200s",
                                 {"p": payload})
                self.ledger.activate(lease_id)
                self.ledger.output_done(lease_id)
                continue
            self.buffer.append((lease_id, track(request, self.spider, lease_id, self.ledger)))
        if leased:
            self.stats.inc_value("backlinks/redis/leased", len(leased))
            self._next_poll = 0.0
            self._idle_since = None
            return
        pause = self.idle_poll if wait < 0 else min(self.idle_poll, max(0.005, wait))
        self._next_poll = now + pause
        self._wake_at(pause)

    def _wake_at(self, delay: float) -> None:
        if self._closing:
            return
        if self._wake_call is not None and self._wake_call.active():
            if self._wake_call.getTime() - _reactor().seconds() <= delay:
                return
            self._wake_call.cancel()
        self._wake_call = _reactor().callLater(delay, self._wake)

    def _wake(self) -> None:
        """Make the engine ask for requests now (it otherwise polls every 5 seconds)."""
        slot = getattr(getattr(self.crawler, "engine", None), "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()

    def _beat(self) -> None:
        """Renew this worker's leases; re-queue the leases of workers that stopped."""
        if not self.link.up:
            return
        try:
            pipe = self.server.pipeline(transaction=False)
            self.queue.renew(list(self.ledger.held), client=pipe)
            self.queue.reap(1000, client=pipe)
            _, reaped = self.link.call(pipe.execute)
        except RedisUnavailable:
            return
        if reaped:
            self.stats.inc_value("backlinks/redis/reaped", int(reaped))
            logger.info("Re-queued %(n)d requests whose worker stopped renewing its leases",
                        {"n": int(reaped)})
            self._next_poll = 0.0
            self._wake()

    def _on_reconnect(self) -> None:
        held = list(self.ledger.held)
        if held:
            self.link.call(self.queue.renew, held)
        self._flush()
        self._next_poll = 0.0
        self._wake()

    # -- signals -----------------------------------------------------------------------------
    def _on_reached(self, request: Request, spider: Any = None) -> None:
        lease = request.meta.get(LEASE_META)
        if lease is not None:
            self.ledger.started(lease)

    def _on_left(self, request: Request, spider: Any = None) -> None:
        lease = request.meta.get(LEASE_META)
        if lease is None:
            return
        latency = request.meta.get("download_latency")
        elapsed_ms = int(latency * 1000) if isinstance(latency, (int, float)) else -1
        self.ledger.left_downloader(lease, elapsed_ms, self._host_delay_ms(request))
        self._schedule_flush()

    def _host_delay_ms(self, request: Request) -> int:
        """The delay this worker's downloader keeps for the request's slot (robots.txt
        Crawl-delay, AutoThrottle): reported so the whole cluster keeps it."""
        downloader = getattr(getattr(self.crawler, "engine", None), "downloader", None)
        slots = getattr(downloader, "slots", None) or {}
        slot = slots.get(request.meta.get("download_slot"))
        delay = getattr(slot, "delay", 0.0) or 0.0
        return int(delay * 1000) if delay > 0 else 0

    def _on_stored(self, urls: list[str]) -> None:
        self.ledger.stored(urls)
        self._schedule_flush()

    def _on_item_dropped(self, item: Any, response: Any = None, **kwargs: Any) -> None:
        if isinstance(item, PageItem):
            self.ledger.dropped(item.url)
            self._schedule_flush()

    def _on_idle(self, spider: Any) -> None:
        if self._closing:
            return
        if self.ledger.active_ids():
            # The engine is idle, so these requests' processing is over; the index
            # pipeline flushes on this same signal. Settle them right after it.
            _reactor().callLater(0, self._sweep)
            raise DontCloseSpider
        if not self._flush() or self.buffer or self.local:
            self._wake_at(self.idle_poll)
            raise DontCloseSpider
        try:
            pending = self.link.call(len, self.queue)
        except RedisUnavailable:
            raise DontCloseSpider from None
        now = time.monotonic()
        if pending:
            self._idle_since = None
            self._wake_at(self.idle_poll)
            raise DontCloseSpider
        if self._idle_since is None:
            self._idle_since = now
            if self.idle_seconds >= 0:
                logger.info("Nothing queued or in flight in the cluster: stopping in %(s).1fs "
                            "unless new requests arrive", {"s": self.idle_seconds})
        if self.idle_seconds < 0 or now - self._idle_since < self.idle_seconds:
            remaining = self.idle_seconds - (now - self._idle_since)
            self._wake_at(self.idle_poll if self.idle_seconds < 0
                          else min(self.idle_poll, max(0.01, remaining)))
            raise DontCloseSpider
        self._done = True

    def _sweep(self) -> None:
        swept = self.ledger.sweep()
        if swept:
            self.stats.inc_value("backlinks/redis/swept", swept)
            logger.debug("settled %(n)d requests at idle", {"n": swept})
        self._flush()
        self._wake()
