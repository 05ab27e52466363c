"""Focused discovery: referring domains of a target found per 1,000 pages fetched, with
``-a targets=TARGET`` (focused) and without (unfocused), on the same sandbox, same budget.

    python -m bench.bench_focus [--sites 200] [--seed 3] [--pages 1000]

Both crawls start from the same seeds (a tenth of the sandbox's sites, so that discovery
matters), follow outbound links without a hop limit, and stop after ``--pages`` responses
(CLOSESPIDER_PAGECOUNT). Prints each count and the ratio focused / unfocused.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from crawler.index import open_index
from crawler.sandbox.process import SandboxProcess

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = str(Path(sys.executable).with_name("scrapy"))


def referring_domains(uri: str, target: str) -> int:
    with open_index(uri) as index:
        return len({b.source_site for b in index.iter_backlinks() if b.target_site == target})


def topical_target(sandbox: SandboxProcess) -> str:
    """A blog with many referring domains but not the very top (social networks and the
    most popular sites are linked from everywhere, whatever the topic)."""
    from crawler.urls import host_of, site_of

    referring: dict[str, set[str]] = {}
    for line in sandbox.web.ground_truth():
        source, target = site_of(host_of(line["source_url"])), site_of(host_of(line["target_url"]))
        if source != target:
            referring.setdefault(target, set()).add(source)
    blogs = {site.domain for site in sandbox.web.sites if site.kind == "blog"}
    ranked = sorted((s for s in referring if s in blogs), key=lambda s: (-len(referring[s]), s))
    return ranked[min(9, len(ranked) - 1)]


def crawl(sandbox: SandboxProcess, seeds: list[str], uri: str, pages: int, targets: str | None) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SCRAPY_SETTINGS_MODULE", "REDIS_URL")}
    env.update({"http_proxy": sandbox.proxy_url, "BACKLINKS_INDEX_URI": uri})
    command = [SCRAPY, "crawl", "backlinks", "-a", "seeds=" + ",".join(seeds),
               "-s", f"CLOSESPIDER_PAGECOUNT={pages}", "-s", "BACKLINKS_DISCOVERY_HOPS=1000",
               "-s", "AUTOTHROTTLE_ENABLED=false", "-s", "CONCURRENT_REQUESTS=8",
               "-s", "LOG_LEVEL=WARNING"]
    if targets:
        command += ["-a", f"targets={targets}"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"crawl failed: {done.stderr[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--target", default="", help="default: the 10th most linked-to blog")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, SandboxProcess(sites=args.sites, seed=args.seed) as sandbox:
        target = args.target or topical_target(sandbox)
        seeds = sandbox.seed_urls[:: 10]
        found = {}
        for name, targets in (("unfocused", None), ("focused", target)):
            uri = f"sqlite:///{tmp}/{name}.db"
            crawl(sandbox, seeds, uri, args.pages, targets)
            found[name] = referring_domains(uri, target)
        per_k = {name: count * 1000 / args.pages for name, count in found.items()}
        print(f"target {target}, {len(seeds)} seed sites, budget {args.pages} pages")
        for name in ("unfocused", "focused"):
            print(f"{name:>9}: {found[name]} referring domains ({per_k[name]:.1f} per 1,000 pages)")
        ratio = found["focused"] / found["unfocused"] if found["unfocused"] else float("inf")
        print(f"ratio focused/unfocused: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
