"""Distributed crawl throughput: the same sandbox crawl with Scrapy's in-memory scheduler,
with one worker on Redis, and with two workers on Redis, in the same run.

    python -m bench.bench_redis [--sites 500] [--seed 3] [--workers 2]

Prints pages/s of each (responses received by all workers / wall time from the first
start to the last exit, the Redis workers' idle wait before stopping subtracted) and the
ratios: one Redis worker / in-memory (target >= 0.9) and N workers / one Redis worker
(target >= 1.7 for two workers on a 2-core machine). Each crawl writes its own SQLite index.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.sandbox.process import SandboxProcess  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = str(Path(sys.executable).with_name("scrapy"))
IDLE = 0.5
COMMON = [
    "-s", "AUTOTHROTTLE_ENABLED=false",
    "-s", "CONCURRENT_REQUESTS=64",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "BACKLINKS_MAX_PAGES_PER_SITE=100000",
    "-s", "BACKLINKS_DISCOVERY_HOPS=1000",
    "-s", "DEPTH_LIMIT=0",
    "-s", "DOWNLOAD_TIMEOUT=3",
    "-s", "RETRY_ENABLED=false",
    "-s", "BACKLINKS_MAX_CRAWL_DELAY=0",
    "-s", "LOG_LEVEL=INFO",
    "-s", "TELNETCONSOLE_ENABLED=false",
    "-s", f"BACKLINKS_REDIS_IDLE_SECONDS={IDLE}",
]


def responses(log: Path) -> int:
    """Page responses of one worker: all responses but robots.txt (which every worker
    fetches once per host for itself, so counting it would flatter several workers)."""
    text = log.read_text(errors="replace")
    found = re.search(r"'response_received_count': (\d+)", text)
    robots = re.search(r"'robotstxt/response_count': (\d+)", text)
    return (int(found.group(1)) if found else 0) - (int(robots.group(1)) if robots else 0)


def crawl(sandbox, workdir: Path, name: str, workers: int, redis_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    env.update({"http_proxy": sandbox.proxy_url, "BACKLINKS_ALLOWED_NETWORKS": "127.0.0.0/8",
                "BACKLINKS_INDEX_URI": f"sqlite:///{workdir / name}.db", "REDIS_URL": redis_url})
    seeds = ",".join(sandbox.seed_urls)
    logs = [workdir / f"{name}-{i}.log" for i in range(workers)]
    started = time.perf_counter()
    processes = []
    for i, log in enumerate(logs):
        command = [SCRAPY, "crawl", "backlinks", *COMMON, "-s", f"LOG_FILE={log}"]
        if i == 0:
            command += ["-a", f"seeds={seeds}"]
        processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE, text=True))
    for process in processes:
        process.wait()
        if process.returncode:
            raise SystemExit(f"{name} crawl failed: {process.stderr.read()[-2000:]}")
    seconds = time.perf_counter() - started - (IDLE if redis_url else 0.0)
    pages = sum(responses(log) for log in logs)
    return {"pages": pages, "seconds": seconds, "rate": pages / seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=500)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, SandboxProcess(sites=args.sites, seed=args.seed) as sandbox:
        workdir = Path(tmp)
        memory = crawl(sandbox, workdir, "memory", 1, "")
        with RedisServer(workdir / "redis1") as server:
            one = crawl(sandbox, workdir, "redis1", 1, server.url)
        with RedisServer(workdir / "redisN") as server:
            many = crawl(sandbox, workdir, "redisN", args.workers, server.url)
    for label, result in (("in-memory scheduler, 1 worker", memory), ("Redis, 1 worker", one),
                          (f"Redis, {args.workers} workers", many)):
        print(f"{label:31s} {result['pages']:6d} pages in {result['seconds']:6.1f}s = "
              f"{result['rate']:6.1f} pages/s")
    print(f"ratio Redis 1 worker / in-memory: {one['rate'] / memory['rate']:.2f}x (target >= 0.9)")
    print(f"ratio Redis {args.workers} workers / 1 worker: {many['rate'] / one['rate']:.2f}x "
          f"(target >= 1.7 for 2 workers on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
