"""``make demo``: serve the sandbox web, crawl it, stop it, print a backlink report.

    python -m crawler.demo [--sites 60] [--seed 7] [--workdir .demo]

Everything stays on loopback; the index is an SQLite file in the work directory.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from crawler.sandbox.process import SandboxProcess


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=60, help="sites in the sandbox web (default 60)")
    parser.add_argument("--seed", type=int, default=7, help="sandbox seed (default 7)")
    parser.add_argument("--workdir", default=".demo", help="where the index and logs go (default .demo)")
    args = parser.parse_args(argv)

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "backlinks.db"
    for leftover in workdir.glob("backlinks.db*"):
        leftover.unlink()
    scrapy = str(Path(sys.executable).with_name("scrapy"))
    uri = f"sqlite:///{db}"
    started = time.monotonic()
    with SandboxProcess(sites=args.sites, seed=args.seed) as sandbox:
        seeds = ",".join(sandbox.seed_urls)
        target = sandbox.report_site
        print(f"sandbox web: {args.sites} sites on {sandbox.proxy_url} (seed {args.seed})", flush=True)
        env = {
            **os.environ,
            "http_proxy": sandbox.proxy_url,
            "BACKLINKS_INDEX_URI": uri,
        }
        log = workdir / "crawl.log"
        command = [
            scrapy, "crawl", "backlinks", "-a", f"seeds={seeds}",
            "-s", "BACKLINKS_DISCOVERY_HOPS=2", "-s", "AUTOTHROTTLE_ENABLED=false",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "DOWNLOAD_TIMEOUT=10",
            "-s", f"LOG_FILE={log}",
        ]
        print(f"crawling from {len(sandbox.seed_urls)} seed sites (log: {log}) ...", flush=True)
        crawl = subprocess.run(command, env=env, check=False)
        if crawl.returncode != 0:
            print(f"demo: the crawl failed (exit {crawl.returncode}); see {log}", file=sys.stderr)
            return 1
    print(f"crawl done in {time.monotonic() - started:.0f}s; backlinks of {target}:\n", flush=True)
    for view in ("summary", "backlinks"):
        report = subprocess.run(
            [scrapy, "backlinks", target, "--index", uri, "--view", view, "--limit", "25"],
            check=False,
        )
        if report.returncode != 0:
            return report.returncode
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
