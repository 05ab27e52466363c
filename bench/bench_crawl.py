"""Crawl throughput: a full ``backlinks`` crawl of a 200-site sandbox (extraction,
classification, index writes) against a bare follow-only Scrapy spider on the same sandbox,
in the same run.

    python -m bench.bench_crawl [--sites 200] [--seed 3]

Prints pages/s of each and the ratio (ours / bare). Both crawl with the same concurrency,
robots.txt on, AutoThrottle off, no page caps.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from crawler.sandbox.process import SandboxProcess

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = str(Path(sys.executable).with_name("scrapy"))
COMMON = [
    "-s", "AUTOTHROTTLE_ENABLED=false",
    "-s", "CONCURRENT_REQUESTS=64",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "LOG_LEVEL=WARNING",
    "-s", "TELNETCONSOLE_ENABLED=false",
    "-s", "DOWNLOAD_TIMEOUT=5",  # the sandbox has pages that stall on purpose
]


def run(command: list[str], env: dict[str, str], stats_file: Path) -> dict:
    """Run one crawl; pages fetched and seconds from spider open to close (no start-up)."""
    result = subprocess.run([*command, "-s", f"BACKLINKS_STATS_FILE={stats_file}"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"crawl failed: {result.stderr[-2000:]}")
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    return {"pages": stats.get("response_received_count", 0), "seconds": stats["backlinks/elapsed_seconds"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, SandboxProcess(sites=args.sites, seed=args.seed) as sandbox:
        env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
        env.update({"http_proxy": sandbox.proxy_url,     "BACKLINKS_INDEX_URI": f"sqlite:///{tmp}/bench.db"})
        seeds = ",".join(sandbox.seed_urls)
        ours_cmd = [SCRAPY, "crawl", "backlinks", "-a", f"seeds={seeds}", *COMMON,
                    "-s", "BACKLINKS_MAX_PAGES_PER_SITE=100000", "-s", "BACKLINKS_DISCOVERY_HOPS=1000",
                    "-s", "DEPTH_LIMIT=0"]
        bare_cmd = [SCRAPY, "runspider", str(ROOT / "bench" / "bare_spider.py"), "-a", f"seeds={seeds}",
                    *COMMON]
        bare = run(bare_cmd, env, Path(tmp) / "bare.json")
        ours = run(ours_cmd, env, Path(tmp) / "ours.json")
        bare_rate = bare["pages"] / bare["seconds"]
        ours_rate = ours["pages"] / ours["seconds"]
        print(json.dumps({"sites": args.sites, "bare": bare, "ours": ours}))
        print(f"bare follow-only spider: {bare['pages']} pages in {bare['seconds']:.1f}s = {bare_rate:.0f} pages/s")
        print(f"backlinks crawl (full):  {ours['pages']} pages in {ours['seconds']:.1f}s = {ours_rate:.0f} pages/s")
        print(f"ratio ours/bare: {ours_rate / bare_rate:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
