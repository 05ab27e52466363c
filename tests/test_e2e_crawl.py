"""End to end: `scrapy crawl backlinks` over the sandbox web, into an SQLite index, then
`scrapy backlinks`. The index must equal the sandbox's ground truth for every crawled page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.index import open_index
from crawler.urls import host_of, site_of
from tests.sandbox_fixture import running_sandbox
from tests.truth import expected_keys, key, read_truth

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = str(Path(sys.executable).with_name("scrapy"))
SITES = 60
SEED = 11

GENEROUS = [
    "-s", "BACKLINKS_MAX_PAGES_PER_SITE=100000",
    "-s", "BACKLINKS_DISCOVERY_HOPS=1000",
    "-s", "DEPTH_LIMIT=0",
    "-s", "AUTOTHROTTLE_ENABLED=false",
    "-s", "CONCURRENT_REQUESTS=64",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "DOWNLOAD_TIMEOUT=10",
    "-s", "LOG_LEVEL=INFO",
]


def crawl_env(proxy_url: str, uri: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    env.update(
        {
            "http_proxy": proxy_url,
            "BACKLINKS_INDEX_URI": uri,
        }
    )
    return env


def run_crawl(sandbox, uri: str, log: Path) -> subprocess.CompletedProcess:
    seeds = ",".join(sandbox.seed_urls)
    stats = log.with_suffix(".stats.json")
    return subprocess.run(
        [SCRAPY, "crawl", "backlinks", "-a", f"seeds={seeds}", *GENEROUS, "-s", f"LOG_FILE={log}",
         "-s", f"BACKLINKS_STATS_FILE={stats}"],
        cwd=ROOT,
        env=crawl_env(sandbox.proxy_url, uri),
        capture_output=True,
        text=True,
        timeout=400,
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl of a 60-site sandbox, then a second crawl into the same index."""
    tmp = tmp_path_factory.mktemp("e2e")
    truth_path = tmp / "truth.jsonl"
    uri = f"sqlite:///{tmp / 'backlinks.db'}"
    with running_sandbox(sites=SITES, seed=SEED, ground_truth_path=truth_path) as sandbox:
        first = run_crawl(sandbox, uri, tmp / "crawl1.log")
        assert first.returncode == 0, first.stderr[-3000:]
        with open_index(uri) as index:
            rows_after_first = index.count_backlinks()
            stored = list(index.iter_backlinks())
            pages = list(index.crawled_pages())
        second = run_crawl(sandbox, uri, tmp / "crawl2.log")
        assert second.returncode == 0, second.stderr[-3000:]
        with open_index(uri) as index:
            rows_after_second = index.count_backlinks()
            lost_after_second = list(index.iter_backlinks(status="lost"))
        sandbox_stats = sandbox.stats()
    truth = read_truth(truth_path)
    return {
        "uri": uri,
        "truth": truth,
        "stored": stored,
        "pages": pages,
        "rows": (rows_after_first, rows_after_second),
        "lost_after_second": lost_after_second,
        "log": (tmp / "crawl1.log").read_text(encoding="utf-8", errors="replace"),
        "stats": json.loads((tmp / "crawl1.stats.json").read_text(encoding="utf-8")),
        "sandbox_stats": sandbox_stats,
        "sandbox_seed_urls": sandbox.seed_urls,
    }


def test_index_equals_ground_truth_for_every_crawled_page(crawled):
    crawled_urls = {url for url, status, _ in crawled["pages"] if 0 < status < 400}
    expected = expected_keys(crawled["truth"], crawled_urls)
    actual = {key(b.source_url, b.target_url, b.anchor, b.rel) for b in crawled["stored"]}
    missing = sorted(expected - actual)
    invented = sorted(actual - expected)
    assert not missing and not invented, (
        f"{len(missing)} missing, e.g. {missing[:5]}; {len(invented)} invented, e.g. {invented[:5]}"
    )
    assert len(expected) > 500


def test_crawl_reaches_the_whole_sandbox(crawled):
    truth_sources = {line["source_url"] for line in crawled["truth"]}
    crawled_urls = {url for url, _, _ in crawled["pages"]}
    unreached = sorted(truth_sources - crawled_urls)
    assert len(unreached) <= 0.02 * len(truth_sources), unreached[:20]
    sites = {site_of(host_of(url)) for url in crawled_urls}
    assert len(sites) >= SITES


def test_second_crawl_adds_no_rows_and_loses_nothing(crawled):
    first, second = crawled["rows"]
    assert first == second
    assert crawled["lost_after_second"] == []


def test_every_stored_backlink_is_outbound_and_classified(crawled):
    for b in crawled["stored"]:
        assert b.source_site != b.target_site
        assert b.first_seen and b.last_seen and b.status == "live"
        assert b.type and b.origin
        assert 0 <= b.toxicity <= 100


def test_backlinks_command_prints_the_target_site_as_json(crawled):
    stored = crawled["stored"]
    target = max({b.target_site for b in stored}, key=lambda s: sum(b.target_site == s for b in stored))
    out = subprocess.run(
        [SCRAPY, "backlinks", target, "--index", crawled["uri"], "--view", "backlinks", "--format", "json",
         "--limit", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    records = json.loads(out.stdout)
    expected = {(b.source_url, b.target_url) for b in stored if b.target_site == target}
    assert {(r["source_url"], r["target_url"]) for r in records} == expected
    for field in ("source_url", "source_host", "source_site", "target_url", "target_host",
                  "target_site", "target_path", "anchor", "rel", "nofollow", "ugc", "sponsored",
                  "kind", "position", "context", "type", "origin", "toxicity", "first_seen",
                  "last_seen", "lost_at", "status", "source_ip"):
        assert field in records[0], field


def test_hostile_answers_are_counted_and_private_addresses_never_reached(crawled):
    stats, served = crawled["stats"], crawled["sandbox_stats"]
    assert served["private_address_hits"] == 0, served["private_hosts"]
    assert stats["backlinks/guard/blocked"] >= 4
    assert stats["robotstxt/forbidden"] > 0
    assert stats["backlinks/skipped/content_type"] > 0
    errors = {k: v for k, v in stats.items() if k.startswith("backlinks/errors/")}
    assert errors, "the sandbox serves resets, stalls and bombs: the crawl must count them"
    assert stats["finish_reason"] == "finished"
    assert "Traceback" not in crawled["log"]
    # Dead hosts, resets and 5xx are recorded and counted, not logged as crawler errors.
    assert stats.get("log_count/ERROR", 0) == 0, [
        line for line in crawled["log"].splitlines() if " ERROR: " in line][:5]
