"""The shared dupefilters on a real redis-server: Scrapy's fingerprints, shared between
workers, the compact layout really stored as intsets."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.distributed.dupefilter import CompactDupeFilter, RedisDupeFilter
from crawler.distributed.keys import ShardedSet, shard_bits_for

pytestmark = pytest.mark.redis



def fingerprinter():
    crawler = get_crawler(settings_dict={"REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7"})
    crawler._apply_settings()
    return crawler.request_fingerprinter


@pytest.fixture(params=["compact", "plain"])
def two_workers(request, redis_client):
    fp = fingerprinter()
    if request.param == "compact":
        make = lambda: CompactDupeFilter(redis_client, "bl:t:df", fingerprinter=fp, capacity=100_000)  # noqa: E731
    else:
        make = lambda: RedisDupeFilter(redis_client, "bl:t:df", fingerprinter=fp)  # noqa: E731
    return make(), make()


@pytest.mark.parametrize(("first", "second", "seen"), [
    ("http://a.test/p?x=1&y=2", "http://a.test/p?y=2&x=1", True),  # Scrapy canonicalises
    ("http://a.test/p#top", "http://a.test/p", True),
    ("http://a.test/p", "http://a.test/P", False),
    ("http://a.test/p", "https://a.test/p", False),
])
def test_second_worker_sees_what_the_first_one_added(two_workers, first, second, seen):
    one, two = two_workers
    assert one.request_seen(Request(first)) is False
    assert two.request_seen(Request(second)) is seen


def test_compact_shards_are_intsets(redis_client):
    df = CompactDupeFilter(redis_client, "bl:t:df", fingerprinter=fingerprinter(), capacity=1000)
    for i in range(1000):  # at capacity: ~250 per shard, under set-max-intset-entries (512)
        df.request_seen(Request(f"http://a.test/{i}"))
    keys = redis_client.keys("bl:t:df:*")
    assert len(keys) == 1 << shard_bits_for(1000) == 4
    assert {redis_client.object("encoding", k) for k in keys} == {b"intset"}
    assert sum(redis_client.scard(k) for k in keys) == 1000
    df.close()  # shared state stays for the other workers
    assert len(redis_client.keys("bl:t:df:*")) == 4
    df.clear()
    assert redis_client.keys("bl:t:df:*") == []


@pytest.mark.parametrize(("capacity", "bits"), [
    (1, 0), (256, 0), (257, 1), (1_000_000, 12), (20_000_000, 17), (1_000_000_000, 22)])
def test_shard_bits(capacity, bits):
    assert shard_bits_for(capacity) == bits


def test_sharded_set_layout():
    shards = ShardedSet("k", 4)
    assert shards.locate(bytes.fromhex("00000003ffffffff")) == ("k:3", 0x7FFFFFFF)
    assert shards.locate(bytes.fromhex("0000001100000000")) == ("k:1", -0x80000000)
    assert shards.false_positive_rate(2 ** 20) == 2 ** 20 / 2 ** 36
