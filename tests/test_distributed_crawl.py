"""Several `scrapy crawl backlinks` workers on one real redis-server crawl one sandbox web
together: the shared index equals the ground truth, also when a worker is SIGKILLed or
Redis restarts mid-crawl; per-host delay holds across workers; Redis unreachable at start
is one line and exit 1; a finished crawl is crawled again when it is seeded again."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.index import open_index
from crawler.urls import host_of, site_of
from tests.local_server import Route, local_web
from tests.redis_server import RedisServer
from tests.sandbox_fixture import running_sandbox
from tests.truth import expected_keys, key, read_truth

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = str(Path(sys.executable).with_name("scrapy"))
SITES = 20
SEED = 11
STATS = "backlinks:backlinks:stats"

GENEROUS = [
    "-s", "BACKLINKS_MAX_PAGES_PER_SITE=100000",
    "-s", "BACKLINKS_DISCOVERY_HOPS=1000",
    "-s", "DEPTH_LIMIT=0",
    "-s", "AUTOTHROTTLE_ENABLED=false",
    "-s", "CONCURRENT_REQUESTS=32",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "-s", "DOWNLOAD_TIMEOUT=4",
    "-s", "BACKLINKS_MAX_CRAWL_DELAY=0.2",
    "-s", "BACKLINKS_REDIS_IDLE_SECONDS=2",
    "-s", "BACKLINKS_REDIS_LEASE_SECONDS=3",
    "-s", "LOG_LEVEL=INFO",
]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    truth_path = tmp_path_factory.mktemp("sandbox") / "truth.jsonl"
    with running_sandbox(sites=SITES, seed=SEED, ground_truth_path=truth_path) as web:
        web.truth = read_truth(truth_path)
        yield web


def worker_env(redis_url: str, uri: str, proxy_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SCRAPY_SETTINGS_MODULE", "http_proxy")}
    env.update({"BACKLINKS_INDEX_URI": uri, "BACKLINKS_ALLOWED_NETWORKS": "127.0.0.0/8",
                "REDIS_URL": redis_url})
    if proxy_url:
        env["http_proxy"] = proxy_url
    return env


def start_worker(env: dict[str, str], log: Path, seeds: list[str] | None = None,
                 extra: tuple[str, ...] = ()) -> subprocess.Popen:
    command = [SCRAPY, "crawl", "backlinks", *GENEROUS, *extra, "-s", f"LOG_FILE={log}"]
    if seeds:
        command += ["-a", "seeds=" + ",".join(seeds)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def finish(workers: list[subprocess.Popen], timeout: float = 240) -> list[int]:
    codes = []
    for worker in workers:
        try:
            worker.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
            pytest.fail("a worker did not stop by itself: " + (worker.stderr.read() or "")[-2000:])
        codes.append(worker.returncode)
    return codes


def finish_ok(workers: list[subprocess.Popen], timeout: float = 240) -> None:
    """``finish``, and every worker exited 0; else fail with what the failed ones printed."""
    codes = finish(workers, timeout)
    failed = [(code, (worker.stderr.read() or "")[-2000:])
              for code, worker in zip(codes, workers, strict=True) if code != 0]  # fmt: skip
    assert not failed, failed


def wait_for(client, field: str, at_least: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if int(client.hget(STATS, field) or 0) >= at_least:
            return
        time.sleep(0.05)
    pytest.fail(f"the crawl never reached {field} >= {at_least}")


def counters(client) -> dict[str, int]:
    return {k.decode(): int(v) for k, v in client.hgetall(STATS).items()}


def check_index_equals_truth(sandbox, uri: str) -> None:
    with open_index(uri) as index:
        stored = list(index.iter_backlinks())
        pages = list(index.crawled_pages())
    crawled = {url for url, status, _ in pages if 0 < status < 400}
    expected = expected_keys(sandbox.truth, crawled)
    actual = {key(b.source_url, b.target_url, b.anchor, b.rel) for b in stored}
    missing, invented = sorted(expected - actual), sorted(actual - expected)
    assert not missing and not invented, (
        f"{len(missing)} missing, e.g. {missing[:3]}; {len(invented)} invented, e.g. {invented[:3]}")
    assert len(expected) > 500
    sources = {line["source_url"] for line in sandbox.truth}
    unreached = sorted(sources - {url for url, _, _ in pages})
    assert len(unreached) <= 0.02 * len(sources), unreached[:10]
    assert len({site_of(host_of(url)) for url, _, _ in pages}) >= SITES


def dequeued(log: Path) -> int:
    found = re.search(r"'scheduler/dequeued/redis': (\d+)", log.read_text(errors="replace"))
    return int(found.group(1)) if found else 0


def test_three_workers_crawl_one_sandbox_into_one_index(sandbox, tmp_path):
    uri = f"sqlite:///{tmp_path / 'index.db'}"
    with RedisServer(tmp_path / "redis") as redis_server:
        env = worker_env(redis_server.url, uri, sandbox.proxy_url)
        logs = [tmp_path / f"worker{i}.log" for i in range(3)]
        workers = [start_worker(env, logs[0], sandbox.seed_urls)]
        workers += [start_worker(env, log) for log in logs[1:]]  # no seeds: they work the queue
        finish_ok(workers)
        client = redis_server.client()
        stats = counters(client)
        assert client.hlen("backlinks:backlinks:req") == 0
        assert client.get("backlinks:backlinks:state") == b"finished"
    # nothing fetched twice: every request was leased once and acknowledged once
    assert stats["enqueued"] == stats["leased"] == stats["acked"]
    assert all(dequeued(log) > 0 for log in logs), [dequeued(log) for log in logs]
    assert sum(dequeued(log) for log in logs) == stats["leased"]
    check_index_equals_truth(sandbox, uri)


def test_a_worker_killed_mid_crawl_loses_nothing(sandbox, tmp_path):
    uri = f"sqlite:///{tmp_path / 'index.db'}"
    with RedisServer(tmp_path / "redis") as redis_server:
        env = worker_env(redis_server.url, uri, sandbox.proxy_url)
        survivor = start_worker(env, tmp_path / "survivor.log", sandbox.seed_urls)
        victim = start_worker(env, tmp_path / "victim.log")
        client = redis_server.client()
        wait_for(client, "acked", 150)
        held = client.zcard("backlinks:backlinks:leases")
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        finish_ok([survivor])
        stats = counters(client)
        assert client.hlen("backlinks:backlinks:req") == 0
    assert held > 0
    assert stats["reaped"] > 0  # the victim's leases came back to the queue
    assert stats["acked"] == stats["enqueued"]
    check_index_equals_truth(sandbox, uri)


def test_redis_restarted_mid_crawl(sandbox, tmp_path):
    uri = f"sqlite:///{tmp_path / 'index.db'}"
    with RedisServer(tmp_path / "redis") as redis_server:
        env = worker_env(redis_server.url, uri, sandbox.proxy_url)
        logs = [tmp_path / "worker0.log", tmp_path / "worker1.log"]
        workers = [start_worker(env, logs[0], sandbox.seed_urls), start_worker(env, logs[1])]
        client = redis_server.client()
        wait_for(client, "acked", 150)
        redis_server.restart(down_seconds=2.0)
        finish_ok(workers)
        client = redis_server.client()
        stats = counters(client)
        assert client.hlen("backlinks:backlinks:req") == 0
    assert stats["acked"] == stats["enqueued"]
    text = "".join(log.read_text(errors="replace") for log in logs)
    assert "unreachable" in text and "reachable again after" in text
    check_index_equals_truth(sandbox, uri)


def polite_web_routes(port: int, hosts: int, pages: int) -> dict[str, Route]:
    routes = {"/robots.txt": Route(200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n")}
    for j in range(pages):
        links = "".join(f'<a href="http://127.0.0.{h + 1}:{port}/p{(j + 1) % pages}">p</a>'
                        for h in range(hosts))
        routes[f"/p{j}"] = Route(body=f"<html><body>{links}</body></html>".encode())
    return routes


def test_host_delay_holds_for_the_cluster(tmp_path):
    """Two workers, DOWNLOAD_DELAY=0.4: no host ever sees two page requests closer than that
    (measured by the server). robots.txt, fetched outside the queue, is not counted there;
    it is fetched once per host for the cluster, and the other worker reads it from Redis."""
    hosts, pages, delay = 2, 8, 0.4
    routes: dict[str, Route] = {}
    with local_web(routes) as web, RedisServer(tmp_path / "redis") as redis_server:
        routes.update(polite_web_routes(web.port, hosts, pages))
        env = worker_env(redis_server.url, f"sqlite:///{tmp_path / 'index.db'}")
        seeds = [f"http://127.0.0.{h + 1}:{web.port}/p0" for h in range(hosts)]
        extra = ("-s", f"DOWNLOAD_DELAY={delay}", "-s", "RANDOMIZE_DOWNLOAD_DELAY=false")
        workers = [start_worker(env, tmp_path / "w0.log", seeds, extra),
                   start_worker(env, tmp_path / "w1.log", None, extra)]
        finish_ok(workers)
        hits = [hit for hit in web.hits if hit.path != "/robots.txt"]
        robots = sorted(hit.host for hit in web.hits if hit.path == "/robots.txt")
    assert len(hits) == hosts * pages  # every page once
    assert robots == sorted({hit.host for hit in hits})  # robots.txt once per host
    shared = sum(int(m) for i in range(2) for m in re.findall(
        r"'backlinks/robots/shared': (\d+)", (tmp_path / f"w{i}.log").read_text(errors="replace")))
    assert shared >= 1  # the other worker read it from Redis
    assert all(dequeued(tmp_path / f"w{i}.log") > 0 for i in range(2))
    for host in {hit.host for hit in hits}:
        times = sorted(hit.at for hit in hits if hit.host == host)
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        # Gaps are measured where the requests arrive, so transit jitter on a loaded machine
        # can shave a little off; two uncoordinated workers would show gaps near zero.
        assert min(gaps) >= delay * 0.75, (host, [(round(h.at, 3), h.path) for h in hits if h.host == host])


def test_unreachable_redis_at_start_is_one_line_and_exit_1(tmp_path):
    port = RedisServer(tmp_path).port  # a free port with nothing listening
    env = worker_env(f"redis://127.0.0.1:{port}/0", f"sqlite:///{tmp_path / 'index.db'}")
    result = subprocess.run([SCRAPY, "crawl", "backlinks", "-a", "seeds=example.com"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"scrapy crawl: error: cannot reach Redis at redis://127.0.0.1:{port}/0 (")
    assert lines[0].endswith("): start redis-server or fix REDIS_URL")


def test_a_finished_crawl_is_crawled_again_when_seeded_again(tmp_path):
    routes: dict[str, Route] = {}
    with local_web(routes) as web, RedisServer(tmp_path / "redis") as redis_server:
        routes.update(polite_web_routes(web.port, 2, 4))
        env = worker_env(redis_server.url, f"sqlite:///{tmp_path / 'index.db'}")
        seeds = [f"http://127.0.0.{h}:{web.port}/p0" for h in (1, 2)]
        finish_ok([start_worker(env, tmp_path / "first.log", seeds)])
        first = [h for h in web.hits if h.path != "/robots.txt"]
        finish_ok([start_worker(env, tmp_path / "second.log", seeds)])
        second = [h for h in web.hits if h.path != "/robots.txt"][len(first):]
    assert len(first) == 8
    assert sorted((h.host, h.path) for h in second) == sorted((h.host, h.path) for h in first)
    assert "was finished: cleared its state for this new crawl" in \
        (tmp_path / "second.log").read_text(errors="replace")
