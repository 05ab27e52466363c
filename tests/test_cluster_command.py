"""``scrapy cluster``: the state of a distributed crawl in Redis, and its reset, against a
real redis-server and a real (small) distributed crawl."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.local_server import Route, local_web
from tests.redis_server import RedisServer
from tests.test_distributed_crawl import (
    ROOT,
    SCRAPY,
    finish_ok,
    polite_web_routes,
    start_worker,
    worker_env,
)

pytestmark = [pytest.mark.redis]


def cluster(*args: str, redis_url: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SCRAPY_SETTINGS_MODULE", "REDIS_URL")}
    if redis_url:
        env["REDIS_URL"] = redis_url
    return subprocess.run([SCRAPY, "cluster", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ((), 2, "no Redis to read: set REDIS_URL or give --redis URL"),
        (("--redis", "http://x"), 2, "REDIS_URL 'http://x' is not a Redis URL"),
        (("--redis", "redis://127.0.0.1:1/0", "--format", "xml"), 2,
         "unknown format 'xml': use table or json"),
        (("--redis", "redis://127.0.0.1:1/0", "--force"), 2, "--force goes with --reset"),
        (("--redis", "redis://127.0.0.1:1/0", "extra"), 2, "unexpected argument 'extra'"),
        (("--redis", "redis://127.0.0.1:1/0"), 1, "cannot reach Redis at redis://127.0.0.1:1/0 ("),
    ],
)  # fmt: skip
def test_bad_input_is_one_line(args, code, message):
    result = cluster(*args)
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"scrapy cluster: error: {message}")


def test_status_of_a_finished_crawl_and_its_reset(tmp_path):
    routes: dict[str, Route] = {}
    with local_web(routes) as web, RedisServer(tmp_path / "redis") as redis_server:
        url = redis_server.url
        assert cluster(redis_url=url).stdout.strip() == "crawl       backlinks:backlinks: none"
        routes.update(polite_web_routes(web.port, 2, 4))
        env = worker_env(url, f"sqlite:///{tmp_path / 'index.db'}")
        seeds = [f"http://127.0.0.{h}:{web.port}/p0" for h in (1, 2)]
        finish_ok([start_worker(env, tmp_path / "w.log", seeds)])

        status = json.loads(cluster("--format", "json", redis_url=url).stdout)
        assert status["key"] == "backlinks:backlinks"
        assert status["state"] == "finished"
        assert (status["queued"], status["in_flight"], status["hosts_waiting"]) == (0, 0, 0)
        assert status["workers"] == []  # a worker that stopped cleanly leaves the set
        assert status["counters"]["enqueued"] == status["counters"]["acked"] == 8
        assert (status["sites"], status["pages_admitted"]) == (2, 8)

        table = cluster("--redis", url).stdout.splitlines()
        assert table[0] == "crawl       backlinks:backlinks: finished"
        assert table[1] == "requests    0 queued, 0 in flight, 0 hosts waiting"
        assert table[2] == "workers     none"
        assert table[4] == "scope       2 sites, 8 pages admitted"

        client = redis_server.client()
        # The total is kept beside the per-site counts; a crawl started by a version that
        # did not keep it is summed from them.
        pages = client.hvals("backlinks:backlinks:pages")
        assert int(client.get("backlinks:backlinks:admitted")) == sum(map(int, pages)) == 8
        client.delete("backlinks:backlinks:admitted")
        status = json.loads(cluster("--format", "json", redis_url=url).stdout)
        assert (status["sites"], status["pages_admitted"]) == (2, 8)
        now = client.time()[0] * 1000
        client.zadd("backlinks:backlinks:workers", {"other-host:42": now})
        refused = cluster("--reset", redis_url=url)
        assert refused.returncode == 1
        assert refused.stderr.startswith("scrapy cluster: error: workers are still active on "
                                         "backlinks:backlinks (other-host:42 seen ")
        assert client.exists("backlinks:backlinks:req", "backlinks:backlinks:stats") >= 1

        forced = cluster("--reset", "--force", redis_url=url)
        assert forced.returncode == 0, forced.stderr
        assert forced.stdout.startswith("deleted ") and "keys of the crawl backlinks:backlinks" in forced.stdout
        assert client.keys("backlinks:backlinks:*") == []
        assert cluster(redis_url=url).stdout.strip() == "crawl       backlinks:backlinks: none"
