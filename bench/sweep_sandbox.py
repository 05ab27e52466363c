"""Sweep sandbox webs of other seeds and sizes: where does the crawler disagree with the
ground truth?

    python -m bench.sweep_sandbox [--seeds 1-12] [--sites 60] [--runs 3:200,5:300] [--show 5] [--recrawl]
    python -m bench.sweep_sandbox --offline --seeds 1-40 --sites 60,150
    python -m bench.sweep_sandbox --workers 3 --seeds 1-4 --sites 20

For each (seed, sites): serve the sandbox, run ``scrapy crawl backlinks`` into a fresh SQLite
index exactly as tests/test_e2e_crawl.py does, then compare per crawled page the index with
the ground truth (read as tests/truth.py reads it): missing and invented backlinks, and for
the backlinks on both sides the anchor, rel, kind and position; then type, origin and toxic
per class (precision and recall, as tests/test_classify_sandbox.py computes them).

``--workers N`` crawls with N workers sharing one real redis-server (the distributed crawl,
as tests/test_distributed_crawl.py runs it). ``--offline`` skips the crawl: every page the
ground truth covers is answered in-process, parsed and judged as the pipelines do (what
tests/test_classify_sandbox.py measures, also from the ground truth's link facts), so many
seeds are swept in seconds; it finds extraction and classification disagreements but
not the spider's, scope's or index's.

Not part of the test run (a crawl takes ~30-40 s per 60 sites); prints one summary line per
web and the first ``--show`` disagreements of each kind.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from crawler.backlinks import backlinks_and_links
from crawler.classify import Classifier
from crawler.index import open_index
from crawler.items import Backlink, Link
from crawler.judge import BacklinkJudge
from crawler.links import parse_page
from crawler.sandbox.process import SandboxProcess
from crawler.toxicity import ToxicityScorer
from crawler.urls import host_of, site_of
from crawler.vocab import TOXIC_MIN
from tests.truth import expected_backlinks, per_class, read_truth

SANDBOX_IP = "127.0.0.1"
#: Link facts compared between a stored backlink and its ground-truth line.
FACTS = ("anchor", "rel", "kind", "position")
#: Labels compared per class.
LABELS = ("type", "origin", "toxic")


@dataclass
class Report:
    """What one web's comparison found."""

    seed: int
    sites: int
    pages: int = 0
    expected: int = 0
    unreached: list[str] = field(default_factory=list)
    missing: list[tuple[str, str, str]] = field(default_factory=list)
    invented: list[tuple[str, str, str]] = field(default_factory=list)
    #: fact name -> (source, target, expected, got)
    facts: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    #: label name -> [(expected, got, source, target, evidence)]
    labels: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    seconds: float = 0.0
    #: Checks of tests/test_e2e_crawl.py on the crawl's stats and log that fail.
    checks: list[str] = field(default_factory=list)
    #: Offline only: the labels judged from the ground truth's link facts (classification alone).
    alone: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    #: With a second crawl: rows it added, links it marked lost (source, target, lost_at).
    recrawled: bool = False
    recrawl_added: int = 0
    recrawl_lost: list[tuple[str, str, str]] = field(default_factory=list)

    def per_class(self, label: str) -> dict[object, tuple[float, float, int]]:
        return per_class((expected, got) for expected, got, *_ in self.labels[label])

    def worst(self, label: str) -> tuple[float, str]:
        scores = self.per_class(label)
        if not scores:
            return 1.0, "-"
        name, (p, r, _) = min(scores.items(), key=lambda item: min(item[1][0], item[1][1]))
        return min(p, r), f"{name}:{p:.3f}/{r:.3f}"

    def wrong(self, label: str, labels: dict[str, list[tuple]] | None = None) -> list[tuple]:
        return [row for row in (self.labels if labels is None else labels)[label] if row[0] != row[1]]


def compare(report: Report, truth: list[dict], stored: list[Backlink], crawled: set[str]) -> None:
    """Fill ``report`` from the ground truth, the stored backlinks and the crawled URLs."""
    chosen = expected_backlinks(truth)
    sources = {line["source_url"] for line in truth}
    report.pages = len(crawled)
    report.unreached = sorted(sources - crawled)
    by_pair = {(b.source_url, b.target_url): b for b in stored}
    expected_pairs = set()
    for source, targets in chosen.items():
        if source not in crawled:
            continue
        for target, line in targets.items():
            expected_pairs.add((source, target))
            got = by_pair.get((source, target))
            if got is None:
                report.missing.append((source, target, f"{line['anchor']!r} {line['position']} {line['kind']}"))
                continue
            compare_one(report, line, got)
    report.expected = len(expected_pairs)
    for pair, got in sorted(by_pair.items()):
        if pair not in expected_pairs:
            page = "crawled" if pair[0] in crawled else "not crawled"
            report.invented.append((*pair, f"{got.anchor!r} {got.position} {got.kind} page={page}"))


def compare_one(report: Report, line: dict, got: Backlink) -> None:
    source, target = got.source_url, got.target_url
    expected_facts = {"anchor": line["anchor"], "rel": tuple(sorted(line["rel"])), "kind": line["kind"],
                      "position": line["position"]}
    got_facts = {"anchor": got.anchor, "rel": tuple(sorted(got.rel)), "kind": got.kind, "position": got.position}
    for name in FACTS:
        if expected_facts[name] != got_facts[name]:
            report.facts[name].append((source, target, expected_facts[name], got_facts[name]))
    markers = ",".join(got.toxic_markers)
    evidence = f"{got.type_reason} | markers={markers} score={got.toxicity} | truth: {line['reason']}"
    toxic = got.toxicity >= TOXIC_MIN
    for name, expected, value in (("type", line["type"], got.type), ("origin", line["origin"], got.origin),
                                  ("toxic", line["toxic"], toxic)):
        report.labels[name].append((expected, value, source, target, evidence))


def crawl(seed: int, sites: int, workdir: Path, recrawl: bool = False) -> Report:
    """Serve the web, crawl it as the end-to-end test does, compare; with ``recrawl``
    crawl it again into the same index, which must add no row and lose no link."""
    from tests.test_e2e_crawl import run_crawl

    report = Report(seed, sites)
    truth_path = workdir / "truth.jsonl"
    uri = f"sqlite:///{workdir / 'backlinks.db'}"
    started = time.monotonic()
    with SandboxProcess(sites=sites, seed=seed, ground_truth=truth_path) as sandbox:
        done = run_crawl(sandbox, uri, workdir / "crawl.log")
        if done.returncode != 0:
            raise RuntimeError(f"seed {seed}, {sites} sites: the crawl failed: {done.stderr[-2000:]}")
        report.checks = e2e_checks(workdir / "crawl.log", sandbox.stats())
        with open_index(uri) as index:
            stored = list(index.iter_backlinks())
            fetched = {url: status for url, status, _ in index.crawled_pages()}
        crawled = {url for url, status in fetched.items() if 0 < status < 400}
        if recrawl:
            again = run_crawl(sandbox, uri, workdir / "crawl2.log")
            if again.returncode != 0:
                raise RuntimeError(f"seed {seed}, {sites} sites: the second crawl failed: {again.stderr[-2000:]}")
            with open_index(uri) as index:
                report.recrawled = True
                report.recrawl_added = index.count_backlinks() - len(stored)
                report.recrawl_lost = [(b.source_url, b.target_url, b.lost_at or "")
                                       for b in index.iter_backlinks(status="lost")]
    report.seconds = time.monotonic() - started
    compare(report, read_truth(truth_path), stored, crawled)
    if len({site_of(host_of(url)) for url in fetched}) < sites:
        report.checks.append(f"fewer than {sites} sites fetched")
    if report.expected <= 500:
        report.checks.append("500 expected backlinks or fewer")
    return report


def e2e_checks(log: Path, served: dict) -> list[str]:
    """The end-to-end test's checks on one crawl's stats and log that fail (empty: all hold)."""
    stats = json.loads(log.with_suffix(".stats.json").read_text(encoding="utf-8"))
    text = log.read_text(encoding="utf-8", errors="replace")
    checks = {
        "private addresses never reached": served.get("private_address_hits") == 0,
        "guard blocked >= 4": stats.get("backlinks/guard/blocked", 0) >= 4,
        "robots.txt forbade some": stats.get("robotstxt/forbidden", 0) > 0,
        "non-HTML skipped": stats.get("backlinks/skipped/content_type", 0) > 0,
        "errors counted": any(k.startswith("backlinks/errors/") for k in stats),
        "finished": stats.get("finish_reason") == "finished",
        "no traceback": "Traceback" not in text,
    }
    return [name for name, holds in checks.items() if not holds]


def distributed(seed: int, sites: int, workdir: Path, workers: int) -> Report:
    """Serve the web and crawl it with ``workers`` workers sharing one real redis-server,
    as tests/test_distributed_crawl.py does (the first worker has the seeds), compare."""
    from tests.redis_server import RedisServer
    from tests.test_distributed_crawl import finish, start_worker, worker_env

    report = Report(seed, sites)
    truth_path = workdir / "truth.jsonl"
    uri = f"sqlite:///{workdir / 'backlinks.db'}"
    started = time.monotonic()
    with SandboxProcess(sites=sites, seed=seed, ground_truth=truth_path) as sandbox, \
            RedisServer(workdir / "redis") as redis_server:
        env = worker_env(redis_server.url, uri, sandbox.proxy_url)
        logs = [workdir / f"worker{i}.log" for i in range(workers)]
        running = [start_worker(env, logs[0], sandbox.seed_urls)]
        running += [start_worker(env, log) for log in logs[1:]]
        codes = finish(running, timeout=60 + sites * 4)
        if any(codes):
            raise RuntimeError(f"seed {seed}, {sites} sites: worker exit codes {codes}")
    report.seconds = time.monotonic() - started
    with open_index(uri) as index:
        stored = list(index.iter_backlinks())
        crawled = {url for url, status, _ in index.crawled_pages() if 0 < status < 400}
    compare(report, read_truth(truth_path), stored, crawled)
    return report


def offline(seed: int, sites: int) -> Report:
    """Answer, parse and judge every page of the ground truth in-process (no crawl)."""
    from crawler.sandbox import build_web

    report = Report(seed, sites)
    started = time.monotonic()
    web = build_web(sites, seed)
    truth = list(web.ground_truth())
    classifier, scorer = Classifier(), ToxicityScorer()
    # One judge per way of reading the links, each with its own subnet counts.
    judge, alone = BacklinkJudge(classifier, scorer), BacklinkJudge(classifier, scorer)
    chosen = expected_backlinks(truth)
    stored: list[Backlink] = []
    crawled: set[str] = set()
    for url in dict.fromkeys(line["source_url"] for line in truth):
        answer = web.response(url)
        if not isinstance(answer, tuple) or not 0 < answer[0] < 400:
            continue
        crawled.add(url)
        headers = dict(answer[1])
        if answer[0] >= 300 or "html" not in headers.get("Content-Type", ""):
            continue  # HTTP redirects are the spider's; offline sweeps judge page bodies only
        page = parse_page(answer[2], url, headers=headers)
        ctx = judge.page_context(page)
        records, elements = backlinks_and_links(page, source_url=url, fetched_at="2026-01-01T00:00:00Z",
                                                source_ip=SANDBOX_IP)
        for record, element in zip(records, elements, strict=True):
            cls, tox = judge.judge(record, element, ctx)
            record.type, record.origin, record.type_reason = cls.type, cls.origin, cls.reason
            record.toxicity, record.toxic_markers = tox.score, [marker.name for marker in tox.markers]
            stored.append(record)
            line = chosen.get(url, {}).get(record.target_url)
            if line is not None:  # classification alone: the link facts from the ground truth
                truth_link = Link(url=line["target_url"], anchor=line["anchor"], rel=frozenset(line["rel"]),
                                  kind=line["kind"], position=line["position"], hidden=line["hidden"],
                                  region=line["region"], context=record.context)
                cls, tox = alone.judge(record, truth_link, ctx)
                evidence = f"{cls.reason} | score={tox.score} | truth: {line['reason']}"
                for name, expected, value in (("type", line["type"], cls.type), ("origin", line["origin"], cls.origin),
                                              ("toxic", line["toxic"], tox.score >= TOXIC_MIN)):
                    report.alone[name].append((expected, value, url, record.target_url, evidence))
    redirects = {line["source_url"] for line in truth
                 if line["kind"] == "redirect" and line["reason"].startswith("HTTP")}
    compare(report, [line for line in truth if line["source_url"] not in redirects], stored, crawled - redirects)
    report.seconds = time.monotonic() - started
    return report


def summary(report: Report) -> str:
    facts = " ".join(f"{name}={len(report.facts[name])}" for name in FACTS)
    worst = " ".join(f"{name}[{report.worst(name)[1]}]" for name in LABELS)
    recrawl = f"recrawl +{report.recrawl_added}/lost {len(report.recrawl_lost)} " if report.recrawled else ""
    alone = ""
    if report.alone:
        alone = " | alone wrong " + " ".join(f"{name}={len(report.wrong(name, report.alone))}" for name in LABELS)
    return (f"seed {report.seed:>3} sites {report.sites:>4}: pages {report.pages:>5} expected {report.expected:>6} "
            f"unreached {len(report.unreached):>3} missing {len(report.missing):>4} invented {len(report.invented):>4} "
            f"{recrawl}| {facts} "
            f"| wrong type={len(report.wrong('type'))} origin={len(report.wrong('origin'))} "
            f"toxic={len(report.wrong('toxic'))} | min P/R {worst}{alone} | {report.seconds:.0f}s")


def details(report: Report, show: int) -> list[str]:
    out = []

    def block(title: str, rows: list) -> None:
        if rows:
            out.append(f"  {title} ({len(rows)}):")
            out.extend(f"    {row if isinstance(row, str) else ' | '.join(map(str, row))}" for row in rows[:show])

    block("end-to-end checks failing", report.checks)
    block("unreached", report.unreached)
    block("missing", report.missing)
    block("invented", report.invented)
    if report.recrawl_added:
        out.append(f"  the second crawl added {report.recrawl_added} rows")
    block("lost after the second crawl", report.recrawl_lost)
    for name in FACTS:
        block(f"{name} differs (source | target | expected | got)", report.facts[name])
    for name in LABELS:
        wrong = report.wrong(name)
        pairs = Counter((expected, got) for expected, got, *_ in wrong)
        if pairs:
            out.append(f"  {name} confusions: " + ", ".join(f"{e}->{g} x{n}" for (e, g), n in pairs.most_common()))
        block(f"{name} wrong (expected | got | source | target | evidence)", wrong)
    for name in LABELS:
        block(f"{name} wrong from the truth's link facts (classification alone)", report.wrong(name, report.alone))
    return out


def _numbers(text: str) -> list[int]:
    result: list[int] = []
    for part in text.split(","):
        if "-" in part:
            low, high = part.split("-")
            result += range(int(low), int(high) + 1)
        elif part:
            result.append(int(part))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sweep_sandbox", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1-12", help="seeds: 1-12 or 1,4,9 (default 1-12)")
    parser.add_argument("--sites", default="60", help="sizes, each with every seed: 60 or 60,150 (default 60)")
    parser.add_argument("--runs", default="", help="extra seed:sites pairs, e.g. 3:200,5:300")
    parser.add_argument("--show", type=int, default=5, help="disagreements shown per kind (default 5)")
    parser.add_argument("--offline", action="store_true", help="no crawl: parse and judge in-process")
    parser.add_argument("--recrawl", action="store_true", help="crawl each web twice (no new rows, nothing lost)")
    parser.add_argument("--workers", type=int, default=0,
                        help="crawl with N workers on one redis-server (distributed) instead of one process")
    parser.add_argument("--keep", metavar="DIR", help="keep each crawl's index, truth and log under DIR")
    args = parser.parse_args(argv)
    runs = [(seed, sites) for sites in _numbers(args.sites) for seed in _numbers(args.seeds)]
    runs += [tuple(int(x) for x in pair.split(":")) for pair in args.runs.split(",") if pair]
    reports = []
    def run(seed: int, sites: int, workdir: Path) -> Report:
        if args.workers:
            return distributed(seed, sites, workdir, args.workers)
        return crawl(seed, sites, workdir, args.recrawl)

    for seed, sites in runs:
        if args.offline:
            report = offline(seed, sites)
        elif args.keep:
            workdir = Path(args.keep) / f"seed{seed}-sites{sites}"
            if workdir.exists():
                shutil.rmtree(workdir)
            workdir.mkdir(parents=True)
            report = run(seed, sites, workdir)
        else:
            with tempfile.TemporaryDirectory(prefix="sweep-") as tmp:
                report = run(seed, sites, Path(tmp))
        reports.append(report)
        print(summary(report), flush=True)
        for line in details(report, args.show):
            print(line, flush=True)
    clean = sum(not (r.missing or r.invented or r.unreached or r.recrawl_added or r.recrawl_lost or r.checks
                     or any(r.facts.values()) or any(r.wrong(n) for n in LABELS)
                     or any(r.wrong(n, r.alone) for n in LABELS))
                for r in reports)
    print(f"{clean} of {len(reports)} webs agree with their ground truth")
    return 0 if clean == len(reports) else 1


if __name__ == "__main__":
    sys.exit(main())
