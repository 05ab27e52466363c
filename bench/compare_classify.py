"""Is classification output the same? ``python -m bench.compare_classify --save FILE | --check FILE``.

Pages: the real corpus (../shared/corpus/readability/*/source.html) and every HTML page of a
generated sandbox web (``--sites``, ``--seed``), as ``bench.compare_extract`` reads them.
Each page is parsed, its outbound backlinks are judged by one ``BacklinkJudge`` (as the
classify pipeline does), and every page context and every backlink's type, origin, reason,
rule, toxicity score and markers are kept as plain data. The whole crawl is judged twice
with the same judge, so that a second, warm-cache pass must agree with the first.

Source addresses come from a small pool of public IPs chosen per source site, so that the
subnet-network marker fires; the corpus pages all come from one address.

- ``--save FILE``: write the records of the current code (e.g. before a change) to FILE;
- ``--check FILE``: compare the current code's records with FILE.

Exit status 1 when any record differs; the first differing ones are printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.compare_extract import CORPUS_URL, corpus_pages, sandbox_pages
from crawler.backlinks import backlinks_and_links
from crawler.judge import BacklinkJudge
from crawler.links import parse_page
from crawler.urls import host_of, site_of
from tests.corpus import CORPUS

#: Public addresses in three /24 networks: sites sharing one look like a link network.
SOURCE_IPS: tuple[str, ...] = ("93.184.216.34", "93.184.216.35", "151.101.1.69", "151.101.1.70",
                               "104.16.132.229")
PASSES = 2


def source_ip(url: str) -> str:
    """The address ``url``'s site is served from (a fixed choice per site)."""
    site = site_of(host_of(url))
    return SOURCE_IPS[zlib.crc32(site.encode()) % len(SOURCE_IPS)]


def _context_record(ctx: Any) -> dict[str, Any]:
    record = asdict(ctx)
    del record["languages"]
    return record


def judged(pages: list[tuple[str, bytes, str, Any]]) -> dict[str, Any]:
    """name -> the page context and the judged backlinks of each pass over ``pages``."""
    parsed = []
    for name, body, url, headers in pages:
        page = parse_page(body, url, headers=headers)
        ip = source_ip(url) if url != CORPUS_URL else SOURCE_IPS[0]
        records, elements = backlinks_and_links(page, source_url=url, fetched_at="2026-01-01T00:00:00Z",
                                                source_ip=ip)
        parsed.append((name, page, records, elements))
    judge = BacklinkJudge()
    out: dict[str, Any] = {}
    for number in range(PASSES):
        for name, page, records, elements in parsed:
            ctx, verdicts = judge.judge_page(page, records, elements)
            backlinks = []
            for record, (cls, tox) in zip(records, verdicts, strict=True):
                backlinks.append([record.target_url, cls.type, cls.origin, cls.reason, cls.rule, tox.score,
                                  [[m.name, m.weight, m.explanation] for m in tox.markers]])
            out[f"{number}:{name}"] = {"context": _context_record(ctx), "backlinks": backlinks}
    return out


def differences(left: dict[str, Any], right: dict[str, Any]) -> list[str]:
    """Names of the pages whose records differ (or that only one side has)."""
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sites", type=int, default=60, help="sandbox sites (0: corpus only)")
    parser.add_argument("--seed", type=int, default=7)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="write the current records to this file")
    group.add_argument("--check", type=Path, help="compare the current records with this file")
    args = parser.parse_args(argv)
    pages = list(corpus_pages(args.corpus))
    if args.sites:
        pages += list(sandbox_pages(args.sites, args.seed))
    records = judged(pages)
    backlinks = sum(len(page["backlinks"]) for page in records.values())
    if args.save:
        args.save.write_text(json.dumps(records))
        print(f"{len(records)} page records ({backlinks} backlinks) written to {args.save}")
        return 0
    diff = differences(json.loads(args.check.read_text()), json.loads(json.dumps(records)))
    print(f"{len(records)} page records ({backlinks} backlinks) compared with {args.check}: {len(diff)} differ")
    for name in diff[:10]:
        print(f"  differs: {name}")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
