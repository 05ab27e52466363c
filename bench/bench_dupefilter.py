"""Dupefilter memory on a real redis-server: bytes per URL of scrapy-redis's RFPDupeFilter
(a set of 40-character hex SHA1 fingerprints) and of our CompactDupeFilter (64-bit hashes in
sharded intsets), for the same URLs, in the same run.

    python -m bench.bench_dupefilter [--urls 1000000] [--capacity N]

Memory is Redis ``INFO memory`` ``used_memory`` after the filter is filled minus before
(each filter on an emptied server). Fingerprints are computed once with Scrapy's
fingerprinter and written in pipelined batches: the figure is memory, not speed. Also
prints the compact filter's expected false-positive rate at that size.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scrapy_redis.dupefilter import RFPDupeFilter  # noqa: E402

from crawler.distributed.keys import ShardedSet, shard_bits_for  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402


def urls(n: int) -> list[str]:
    return [f"https://site{i % 50_000}.example/path/{i // 50_000}/page-{i}.html?ref={i % 7}"
            for i in range(n)]


def used_memory(client) -> int:
    return int(client.info("memory")["used_memory"])


def fill(client, keys_members, batch: int = 10_000) -> int:
    client.flushall()
    time.sleep(0.2)
    before = used_memory(client)
    pipe = client.pipeline(transaction=False)
    for i, (key, member) in enumerate(keys_members, 1):
        pipe.sadd(key, member)
        if i % batch == 0:
            pipe.execute()
    pipe.execute()
    return used_memory(client) - before


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=1_000_000)
    parser.add_argument("--capacity", type=int, default=0,
                        help="compact filter capacity (default: the number of URLs)")
    args = parser.parse_args(argv)
    n = args.urls
    capacity = args.capacity or n
    from scrapy import Request
    from scrapy.utils.request import RequestFingerprinter

    fingerprinter = RequestFingerprinter()
    started = time.perf_counter()
    fingerprints = [fingerprinter.fingerprint(Request(url)) for url in urls(n)]
    print(f"{n} URLs fingerprinted in {time.perf_counter() - started:.1f}s", flush=True)

    with RedisServer() as server:
        client = server.client()
        plain = RFPDupeFilter(client, "df")
        # scrapy-redis stores the hex fingerprint (its own SHA1 of the same request fields)
        plain_bytes = fill(client, (("df", fp.hex()) for fp in fingerprints))
        assert plain.server.scard("df") == n
        shards = ShardedSet("df", shard_bits_for(capacity))
        compact_bytes = fill(client, (shards.locate(fp) for fp in fingerprints))
        stored = sum(client.scard(f"df:{s}") for s in range(1 << shards.bits))
        encodings = {client.object("encoding", f"df:{s}") for s in range(min(64, 1 << shards.bits))}
    print(f"scrapy-redis RFPDupeFilter: {plain_bytes / n:6.1f} bytes/URL ({plain_bytes / 2**20:.1f} MiB)")
    print(f"CompactDupeFilter:          {compact_bytes / n:6.1f} bytes/URL ({compact_bytes / 2**20:.1f} MiB), "
          f"{1 << shards.bits} shards, encodings {sorted(e.decode() for e in encodings if e)}, "
          f"{n - stored} URLs taken for duplicates (hash collisions)")
    print(f"expected false-positive rate at {n} URLs: {shards.false_positive_rate(n):.1e} per new URL")
    print(f"ratio compact/scrapy-redis: {compact_bytes / plain_bytes:.3f}x "
          f"(target: <= 16 bytes/URL: {'met' if compact_bytes / n <= 16 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
