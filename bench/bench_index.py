"""Link index on SQLite: write rate and per-target query latency at a million links.

    python -m bench.bench_index [--links 1000000] [--sites 10000] [--big 100000]
                                [--pages-per-batch 500]

Loads LINKS backlinks pointing at SITES target sites (one of them, the big target, gets BIG
backlinks; a small one gets about a hundred) through ``LinkIndex.write`` in batches of 500
pages of 20 links (one transaction each), as the index pipeline writes them by default.
Prints the write rate against baselines measured in the same run (plain ``INSERT ... ON
CONFLICT DO UPDATE`` of a 30-column row keyed by an integer, 1,000 per transaction, in a WAL
file, no secondary index; keys in order, SQLite's best case, and random keys), then p50/p95
latency of summary, paged backlinks, referring domains and anchors for both targets.

Targets: >= 100,000 link upserts/s; paged backlinks p95 <= 50 ms; the big target's
summary p95 <= 500 ms.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from crawler.index import PageLinks, open_index
from crawler.items import Backlink
from crawler.vocab import POSITIONS, TYPES

LINKS_PER_PAGE = 20
PAGES_PER_BATCH = 500
REPEATS = 30


def target_sites(count: int) -> list[str]:
    return [f"target{i}.com" for i in range(count)]


def pages(total: int, sites: list[str], big: int, seed: int = 1):
    """Pages of LINKS_PER_PAGE backlinks; every 1/share-th link goes to the big target."""
    rng = random.Random(seed)
    big_site, others = sites[0], sites[1:]
    share = big / total
    made = 0
    page_no = 0
    start = 1_767_225_600  # 2026-01-01
    while made < total:
        page_no += 1
        # A crawl's fetch times move on: one second per 50 pages.
        day = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + page_no // 50))
        referrer = f"ref{page_no % 40000}.example{page_no % 997}.org"
        source = f"https://{referrer}/articles/{page_no}"
        links = []
        for k in range(min(LINKS_PER_PAGE, total - made)):
            site = big_site if rng.random() < share else others[rng.randrange(len(others))]
            host = site if k % 3 else f"www.{site}"
            path = f"/p/{rng.randrange(500)}"
            toxicity = rng.choice((0, 5, 10, 20, 35, 50, 65, 80))
            links.append(Backlink(
                source_url=source, source_host=referrer, source_site=referrer.split(".", 1)[1],
                target_url=f"https://{host}{path}#{k}"[: -len(f'#{k}')] + f"?k={k}",
                target_host=host, target_site=site, target_path=f"{path}?k={k}",
                anchor=rng.choice(("best shoes", "click here", site, "", "read more")),
                rel=["nofollow"] if k % 4 == 0 else [], nofollow=k % 4 == 0,
                position=POSITIONS[k % len(POSITIONS)], context="some words around it",
                type=TYPES[k % len(TYPES)], toxicity=toxicity,
                toxic_markers=["spam_anchor"] if toxicity >= 60 else [],
                first_seen=day, last_seen=day,
            ))  # fmt: skip
        made += len(links)
        yield PageLinks(source, day, 200, tuple(links), f"10.{page_no % 250}.{page_no % 199}.7")


def baseline(path: Path, rows: int, *, sequential: bool) -> float:
    """Plain upserts/s: a 30-column row keyed by an integer, 1,000 per transaction, keys in
    order (SQLite's best case: every row appended) or at random."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    columns = [f"c{i}" for i in range(29)]
    conn.execute(f"CREATE TABLE t (id INTEGER PRIMARY KEY, {', '.join(columns)})")
    sql = (
        f"INSERT INTO t VALUES ({', '.join('?' * 30)}) ON CONFLICT (id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in columns)
    )
    rng = random.Random(2)
    data = [
        (i + 1 if sequential else rng.getrandbits(62),
         *(f"value {i} {j}" if j % 3 else j for j in range(29)))
        for i in range(rows)
    ]
    started = time.perf_counter()
    for start in range(0, rows, 1000):
        conn.execute("BEGIN")
        conn.executemany(sql, data[start : start + 1000])
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return rows / elapsed


def latency(call, repeats: int = REPEATS) -> tuple[float, float]:
    times = []
    for i in range(repeats):
        started = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--pages-per-batch", type=int, default=PAGES_PER_BATCH,
                        help="pages per LinkIndex.write (the pipeline's "
                        "BACKLINKS_INDEX_BATCH_SIZE; default %(default)s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base_rate = baseline(Path(tmp) / "seq.db", min(args.links, 300_000), sequential=True)
        random_rate = baseline(Path(tmp) / "random.db", min(args.links, 300_000), sequential=False)
        print(f"baseline plain upserts (1,000 per transaction, WAL): {base_rate:,.0f}/s with "
              f"keys in order, {random_rate:,.0f}/s with random keys")
        sites = target_sites(args.sites)
        index = open_index(f"sqlite:///{tmp}/index.db")
        written = 0
        spent = 0.0
        batch: list[PageLinks] = []
        for page in pages(args.links, sites, args.big):
            batch.append(page)
            if len(batch) == args.pages_per_batch:
                started = time.perf_counter()
                index.write(batch)
                spent += time.perf_counter() - started
                written += sum(len(p.backlinks) for p in batch)
                batch = []
        if batch:
            started = time.perf_counter()
            index.write(batch)
            spent += time.perf_counter() - started
            written += sum(len(p.backlinks) for p in batch)
        rate = written / spent
        size = sum(f.stat().st_size for f in Path(tmp).glob("index.db*"))
        print(f"index writes ({args.pages_per_batch} pages of {LINKS_PER_PAGE} links per write): "
              f"{written:,} links in {spent:.1f}s = {rate:,.0f} upserts/s "
              f"(ratio {rate / base_rate:.2f} to plain upserts in order, "
              f"{rate / random_rate:.2f} to random keys; target >= 100,000/s); "
              f"file {size / 1e6:,.0f} MB")
        big, small = sites[0], sites[len(sites) // 2]
        for name, site in (("big", big), ("small", small)):
            count = index.summary(site).backlinks
            print(f"{name} target {site}: {count:,} live backlinks")
            figures = {
                "summary": latency(lambda i, s=site: index.summary(s), 10 if name == "big" else REPEATS),
                "backlinks page 1": latency(lambda i, s=site: index.backlinks(s, limit=50)),
                "backlinks page n": latency(
                    lambda i, s=site: index.backlinks(s, limit=50, offset=50 * (i % 20))),
                "backlinks by toxicity": latency(
                    lambda i, s=site: index.backlinks(s, sort="toxicity", limit=50)),
                "backlinks, forum only": latency(
                    lambda i, s=site: index.backlinks(s, type="forum", limit=50)),
                "domains": latency(lambda i, s=site: index.domains(s, limit=50),
                                   10 if name == "big" else REPEATS),
                # Not among the targets: views that read the target's rows.
                "anchors": latency(lambda i, s=site: index.anchors(s, limit=50),
                                   5 if name == "big" else REPEATS),
                "summary, forum only": latency(lambda i, s=site: index.summary(s, type="forum"),
                                               5 if name == "big" else REPEATS),
            }
            for view, (p50, p95) in figures.items():
                print(f"  {view:24s} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
        index.close()


if __name__ == "__main__":
    main()
