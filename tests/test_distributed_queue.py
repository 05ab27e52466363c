"""The shared queue on a real redis-server: order, leases, acknowledgements, re-queueing,
cluster-wide per-host concurrency and delay; and the JSON request codec."""

from __future__ import annotations

import time

import pytest
from scrapy import FormRequest, Request, Spider

from crawler.distributed.codec import RequestCodec
from crawler.distributed.queue import Entry, HostQueue, Politeness, Release

pytestmark = pytest.mark.redis



class Spider1(Spider):
    name = "t"

    def parse(self, response):
        pass

    def on_error(self, failure):
        pass


SPIDER = Spider1()
CODEC = RequestCodec(SPIDER)


NO_LIMITS = Politeness()


def queue(client, politeness=NO_LIMITS, lease_ms=60_000, worker="w1") -> HostQueue:
    return HostQueue(client, SPIDER, "bl:%(spider)s", CODEC, politeness=politeness,
                     lease_ms=lease_ms, worker=worker)


def entry(url: str, priority: int = 0, dupe: bool = True) -> Entry:
    host = url.split("/")[2]
    request = Request(url, callback=SPIDER.parse, priority=priority)
    return Entry(host, priority, CODEC.encode(request), "bl:t:df" if dupe else "", url if dupe else "")


def urls(leased) -> list[str]:
    return [CODEC.decode(payload).url for _id, _host, _prio, payload in leased]


def test_enqueue_drops_duplicates_and_counts_pending(redis_client):
    q = queue(redis_client)
    flags = q.enqueue([entry("http://a.test/1"), entry("http://a.test/2"), entry("http://a.test/1"),
                       entry("http://a.test/1", dupe=False)])
    assert flags == [1, 1, 0, 1]
    assert len(q) == 3
    assert q.counters() == {"enqueued": 3}
    assert q.state() == "running"


def test_lease_order_is_priority_then_fifo_within_a_host(redis_client):
    q = queue(redis_client)
    q.enqueue([entry("http://a.test/low", -5), entry("http://a.test/first", 0),
               entry("http://a.test/second", 0), entry("http://a.test/high", 3)])
    leased, _ = q.lease(10)
    assert urls(leased) == ["http://a.test/high", "http://a.test/first", "http://a.test/second",
                            "http://a.test/low"]


def test_ack_finishes_and_requeue_gives_back(redis_client):
    q = queue(redis_client)
    q.enqueue([entry("http://a.test/1"), entry("http://b.test/1")])
    leased, _ = q.lease(10)
    assert len(leased) == 2 and len(q) == 2
    assert q.lease(10)[0] == []
    ids = {url: lease[0] for url, lease in zip(urls(leased), leased, strict=True)}
    assert q.ack([ids["http://a.test/1"]]) == 1
    assert q.requeue([ids["http://b.test/1"]]) == 1
    assert len(q) == 1
    again, _ = q.lease(10)
    assert urls(again) == ["http://b.test/1"]
    assert q.ack([again[0][0]]) == 1 and len(q) == 0
    assert q.counters() == {"enqueued": 2, "leased": 3, "acked": 2, "requeued": 1}


def test_expired_leases_are_reaped_and_renewed_leases_are_not(redis_client):
    dead = queue(redis_client, lease_ms=300, worker="dead")
    alive = queue(redis_client, lease_ms=300, worker="alive")
    dead.enqueue([entry("http://a.test/1"), entry("http://b.test/1")])
    (first,), _ = dead.lease(1)
    (second,), _ = alive.lease(1)
    for _ in range(4):
        time.sleep(0.15)
        alive.renew([second[0]])
    assert alive.reap() == 1
    again, _ = alive.lease(10)
    assert [lease[0] for lease in again] == [first[0]]
    assert len(dead) == 2


@pytest.mark.parametrize(("concurrency", "expected"), [(0, 5), (1, 1), (2, 2), (4, 4)])
def test_host_concurrency_holds_across_workers(redis_client, concurrency, expected):
    politeness = Politeness(concurrency=concurrency)
    one, two = queue(redis_client, politeness, worker="one"), queue(redis_client, politeness, worker="two")
    one.enqueue([entry(f"http://a.test/{i}") for i in range(5)])
    first, _ = one.lease(3)
    second, _ = two.lease(3)
    assert len(first) + len(second) == expected
    if concurrency:
        one.release([Release("a.test", first[0][0], True)])
        third, _ = two.lease(3)
        assert len(third) == 1


def test_host_delay_spaces_starts_for_the_whole_cluster(redis_client):
    politeness = Politeness(delay_ms=400, concurrency=4)
    one, two = queue(redis_client, politeness, worker="one"), queue(redis_client, politeness, worker="two")
    one.enqueue([entry(f"http://a.test/{i}") for i in range(3)] + [entry("http://b.test/1")])
    first, _ = one.lease(10)
    assert sorted(h for _, h, _, _ in first) == ["a.test", "b.test"]  # one per host
    assert two.lease(10)[0] == []  # a.test held while its request is out
    a_id = next(i for i, h, _, _ in first if h == "a.test")
    one.release([Release("a.test", a_id, True, elapsed_ms=100)])  # started 100 ms ago
    assert two.lease(10)[0] == []  # ... and then until 400 ms after that start
    time.sleep(0.35)
    second, _ = two.lease(10)
    assert [h for _, h, _, _ in second] == ["a.test"]


def test_a_request_enqueued_after_the_host_queue_ran_empty_still_waits(redis_client):
    """The host's only queued request is out; a new one for it (found on another host's
    page meanwhile) must wait for that download to end, not start beside it."""
    politeness = Politeness(delay_ms=400, concurrency=4)
    one, two = queue(redis_client, politeness, worker="one"), queue(redis_client, politeness, worker="two")
    one.enqueue([entry("http://a.test/1")])
    (first,), _ = one.lease(10)
    two.enqueue([entry("http://a.test/2")])
    assert two.lease(10)[0] == []
    one.release([Release("a.test", first[0], True, elapsed_ms=400)])
    assert urls(two.lease(10)[0]) == ["http://a.test/2"]


def test_a_host_delay_reported_by_one_worker_holds_for_all(redis_client):
    """robots.txt Crawl-delay (or AutoThrottle) seen by one worker's downloader."""
    one, two = queue(redis_client, worker="one"), queue(redis_client, worker="two")
    one.enqueue([entry(f"http://a.test/{i}") for i in range(3)])
    first, _ = one.lease(10)
    assert len(first) == 3  # no delay known yet: concurrency unlimited
    for lease_id, *_ in first:
        one.release([Release("a.test", lease_id, True, elapsed_ms=0, host_delay_ms=5_000)])
    one.enqueue([entry(f"http://a.test/{i}") for i in range(3, 6)])
    assert two.lease(10)[0] == []
    assert redis_client.hget("bl:t:hdelay", "a.test") == b"5000"


def test_a_request_that_never_started_frees_its_host_at_once(redis_client):
    q = queue(redis_client, Politeness(delay_ms=5_000, concurrency=1))
    q.enqueue([entry("http://a.test/1"), entry("http://a.test/2")])
    (first,), _ = q.lease(10)
    assert q.lease(10)[0] == []
    q.release([Release("a.test", first[0], False)])  # e.g. forbidden by robots.txt: nothing sent
    assert urls(q.lease(10)[0]) == ["http://a.test/2"]


def test_clear_deletes_every_key_of_the_crawl_only(redis_client):
    q = queue(redis_client)
    q.enqueue([entry("http://a.test/1")])
    redis_client.set("other:key", "1")
    q.clear()
    assert [k.decode() for k in redis_client.keys("*")] == ["other:key"]


@pytest.mark.parametrize(
    "request_",
    [
        Request("http://a.test/x?q=1", callback=SPIDER.parse, errback=SPIDER.on_error, priority=-7,
                meta={"hop": 1, "site_depth": 2, "redirect_urls": ["http://a.test/"]},
                headers={"Referer": "http://b.test/"}, dont_filter=True, flags=["f"],
                cb_kwargs={"k": [1, "v"]}),
        Request("http://a.test/é", method="POST", body=b"\x00\xff binary", encoding="latin-1"),
        FormRequest("http://a.test/form", formdata={"a": "1"}, callback=SPIDER.parse),
    ],
)
def test_codec_round_trip(request_):
    back = CODEC.decode(CODEC.encode(request_))
    assert type(back) is type(request_)
    for attr in ("url", "method", "body", "meta", "priority", "dont_filter", "flags", "cb_kwargs",
                 "encoding", "callback", "errback"):
        assert getattr(back, attr) == getattr(request_, attr), attr
    assert back.headers == request_.headers


def test_codec_names_the_meta_key_that_cannot_be_shared():
    request = Request("http://a.test/", meta={"ok": 1, "bad": object()})
    with pytest.raises(TypeError, match=r"request http://a.test/ cannot go through the shared queue: "
                                        r"meta key\(s\) 'bad' hold non-JSON values"):
        CODEC.encode(request)


def test_codec_refuses_a_callback_that_is_not_a_spider_method():
    with pytest.raises(TypeError, match="is not a method of the spider"):
        CODEC.encode(Request("http://a.test/", callback=lambda response: None))
