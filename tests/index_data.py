"""A small, hand-checked link graph for the index tests (see the expected values in
tests/test_index_conformance.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from crawler.index import PageLinks
from crawler.items import Backlink
from crawler.urls import host_of, path_of, site_of

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = str(Path(sys.executable).with_name("scrapy"))


def scrapy(*args: str) -> subprocess.CompletedProcess:
    """Run ``scrapy ARGS`` in the project, as a user would (the index command tests)."""
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    return subprocess.run([SCRAPY, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)


DAY1 = "2026-01-01T10:00:00Z"
DAY2 = "2026-01-02T10:00:00Z"
DAY3 = "2026-01-03T10:00:00Z"


def bl(source: str, target: str, **fields) -> Backlink:
    rel = fields.pop("rel", [])
    return Backlink(
        source_url=source, source_host=host_of(source), source_site=site_of(host_of(source)),
        target_url=target, target_host=host_of(target), target_site=site_of(host_of(target)),
        target_path=path_of(target), rel=sorted(rel), nofollow="nofollow" in rel,
        ugc="ugc" in rel, sponsored="sponsored" in rel, first_seen="", last_seen="",
        **fields,
    )  # fmt: skip


P1 = "https://news.a.com/story"
P2 = "https://forum.b.org/thread?id=1"
P3 = "https://spam.x.net/p1"
P4 = "https://spam.x.net/p2"
P5 = "https://mixed.y.io/a"
P6 = "https://mixed.y.io/b"
P7 = "https://c1fan.z.com/"
P8 = "https://late.w.com/"

L1 = bl(P1, "https://t.com/", anchor="T home", type="editorial", toxicity=5)
L2 = bl(P1, "https://blog.t.com/post", anchor="great post", type="editorial", toxicity=10)
C1 = bl(P1, "https://c1.com/", anchor="c1", type="editorial")
L3 = bl(P2, "https://t.com/shop/item", anchor="buy", rel=["nofollow", "ugc"], type="forum",
        toxicity=50, position="comment", toxic_markers=["forum_signature"])
C2 = bl(P2, "https://c1.com/x", anchor="c1 x", rel=["nofollow"], type="forum")
L4 = bl(P3, "https://t.com/", anchor="cheap pills", toxicity=80,
        toxic_markers=["pharma_anchor", "spam_host"])
L5 = bl(P3, "https://www.t.com/blog/a", anchor="", kind="image", rel=["sponsored"],
        type="sponsored", toxicity=70)
L6 = bl(P4, "https://t.com/blog/b", anchor="casino", toxicity=65)
L7 = bl(P5, "https://t.com/", anchor="T", type="editorial")
C3 = bl(P5, "https://c2.com/", anchor="c2")
L8 = bl(P6, "https://t.com/blog/a", anchor="T blog", toxicity=75, position="footer")
C4 = bl(P7, "https://c1.com/", anchor="c1 again")
C5 = bl(P7, "https://c2.com/z", anchor="c2 z")
L9 = bl(P8, "https://t.com/", anchor="T", type="editorial")

DAY1_PAGES = [
    PageLinks(P1, DAY1, 200, (L1, L2, C1), "198.51.100.1"),
    PageLinks(P2, DAY1, 200, (L3, C2), "198.51.100.2"),
    PageLinks(P3, DAY1, 200, (L4, L5), "203.0.113.5"),
    PageLinks(P4, DAY1, 200, (L6,), "203.0.113.5"),
    PageLinks(P5, DAY1, 200, (L7, C3), None),
    PageLinks(P6, DAY1, 200, (L8,), None),
    PageLinks(P7, DAY1, 200, (C4, C5), "192.0.2.1"),
]
#: Day 2: P3 recrawled without its image link (L5 becomes lost).
DAY2_PAGES = [PageLinks(P3, DAY2, 200, (L4,), "203.0.113.5")]
#: Day 3: a new referring page.
DAY3_PAGES = [PageLinks(P8, DAY3, 200, (L9,), "192.0.2.9")]
FETCHES = [
    ("https://t.com/shop/item", 404, DAY2),
    ("https://t.com/blog/b", 503, DAY2),
    ("https://blog.t.com/post", 200, DAY2),
    ("https://c1.com/", 0, DAY2),
]


def load(index) -> None:
    """The whole history: day 1, the day 2 recrawl, day 3, the target fetches."""
    index.write(DAY1_PAGES)
    index.write(DAY2_PAGES)
    index.write(DAY3_PAGES)
    index.record_fetches(FETCHES)


def pair(link: Backlink) -> tuple[str, str]:
    return (link.source_url, link.target_url)


def pairs(links) -> set[tuple[str, str]]:
    return {(b.source_url, b.target_url) for b in links}
