"""SQLite specifics of the link index: query plans use the indexes, two processes write one
file at once, how target strings are read, and query commands never create a file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.index import IndexNotFound, PageLinks, open_index, parse_target
from crawler.index.keys import (
    link_digest,
    mongo_id,
    normal_url,
    sqlite_id,
    sqlite_link_id,
    subnet_by_ipaddress,
    subnet_of,
)
from crawler.index.query import LinkFilter
from crawler.index.sqlite_schema import ALL_COLUMNS
from crawler.index.sqlite_views import _BEST, SELECT_RECORD, backlink_of
from crawler.urls import normalize
from tests.conftest import backend_uri
from tests.index_data import (
    C3,
    DAY1_PAGES,
    DAY2_PAGES,
    DAY3,
    DAY3_PAGES,
    FETCHES,
    L1,
    L2,
    L4,
    L5,
    L7,
    P1,
    P2,
    P3,
    P5,
    P6,
    bl,
    load,
)  # fmt: skip

ROOT = Path(__file__).resolve().parent.parent

TARGET_CASES = [
    # text, mode, (kind, site, host, path, scheme, url)
    ("example.com", None, ("site", "example.com", "", "", "", "")),
    ("Example.COM", None, ("site", "example.com", "", "", "", "")),
    ("example.co.uk", None, ("site", "example.co.uk", "", "", "", "")),
    ("blog.example.com", None, ("host", "example.com", "blog.example.com", "", "", "")),
    ("www.example.com", None, ("host", "example.com", "www.example.com", "", "", "")),
    ("blog.name.test", None, ("host", "name.test", "blog.name.test", "", "", "")),
    ("example.com/blog/", None, ("prefix", "example.com", "example.com", "/blog/", "", "")),
    ("https://example.com/blog/", None,
     ("prefix", "example.com", "example.com", "/blog/", "https", "")),
    ("https://example.com", None, ("prefix", "example.com", "example.com", "/", "https", "")),
    ("example.com/blog*", None, ("prefix", "example.com", "example.com", "/blog", "", "")),
    ("example.com*", None, ("prefix", "example.com", "example.com", "", "", "")),
    ("https://example.com/a.html", None,
     ("url", "example.com", "example.com", "/a.html", "https", "https://example.com/a.html")),
    ("example.com/a.html?x=1", None,
     ("url", "example.com", "example.com", "/a.html?x=1", "", "")),
    ("https://example.com/", "url",
     ("url", "example.com", "example.com", "/", "https", "https://example.com/")),
    ("blog.example.com", "site", ("site", "example.com", "", "", "", "")),
    ("https://bücher.example/x", None,
     ("url", "xn--bcher-kva.example", "xn--bcher-kva.example", "/x", "https",
      "https://xn--bcher-kva.example/x")),
]  # fmt: skip


@pytest.mark.parametrize(("text", "mode", "expected"), TARGET_CASES)
def test_how_targets_are_read(text, mode, expected):
    t = parse_target(text, mode)
    assert (t.kind, t.site, t.host, t.path, t.scheme, t.url) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("exa mple.com", "has spaces"),
        ("ftp://example.com/", "scheme other than http"),
        ("localhost", "no valid host name"),
        ("$where", "no valid host name"),
        ("http://", "not a valid host or URL"),
    ],
)
def test_bad_targets(text, message):
    with pytest.raises(ValueError, match=message):
        parse_target(text)


@pytest.mark.parametrize(
    "url",
    [
        "https://a.com/x", "https://A.com/x", "https://a.com", "https://a.com/./x",
        "https://a.com/%2e%2e/x", "https://0x7f.1/", "https://a.com/x#f",
        "https://a.com/q?a='b'", "https://a.com:443/", "https://a.com/a b",
        "http://a.com/x?y=1&z=%20", "https://a.com./", "https://a..com/", "https://a.com/\\x",
        "https://xn--bcher-kva.example/", "https://a.com/[x]|^`{}", "https://1.2.3.4/",
    ],
)  # fmt: skip
def test_fast_normalisation_equals_the_url_standard(url):
    assert normal_url(url) == (normalize(url) or url)
    target = "https://t.com/x"
    assert sqlite_link_id(url, target) == sqlite_id(link_digest(url, target))
    assert int(mongo_id(link_digest(url, target))[:16], 16) == sqlite_link_id(url, target)


# --- query plans ---------------------------------------------------------------------------
@pytest.fixture
def sqlite_index(tmp_path):
    with open_index(f"sqlite:///{tmp_path / 'plans.db'}") as index:
        load(index)
        index._conn.execute("ANALYZE")
        yield index


def plan(index, select: str, target: str, tail: str = "", extra: list | None = None, **filters):
    clause, params = index._where(parse_target(target), LinkFilter.make(**filters))
    sql = f"SELECT {select} FROM links l WHERE {clause} {tail}"
    return " | ".join(index.explain(sql, params + (extra or [])))


PLANS = [
    # view, select, target, tail, filters, index that must be used (covering: index only)
    ("backlinks", "l.id", "t.com", "ORDER BY l.first_seen DESC, l.link_id DESC LIMIT 50",
     {}, "COVERING INDEX links_site"),
    ("by toxicity", "l.id", "t.com", "ORDER BY l.toxicity DESC, l.link_id DESC LIMIT 50",
     {}, "COVERING INDEX links_site"),
    ("host", "l.id", "blog.t.com", "LIMIT 50", {}, "COVERING INDEX links_site"),
    ("prefix", "l.id", "t.com/blog/", "LIMIT 50", {}, "COVERING INDEX links_site"),
    ("url", "l.id", "t.com/shop/item", "LIMIT 50", {}, "COVERING INDEX links_site"),
    ("url with scheme", "l.id", "https://t.com/shop/item", "LIMIT 50", {}, "INDEX links_site"),
    ("summary", "count(DISTINCT l.source_site_id), count(DISTINCT l.page_id)", "t.com",
     "AND l.status = 'live'", {"status": None}, "COVERING INDEX links_site"),
    ("domains", "l.source_site_id, count(*), min(l.first_seen), max(l.toxicity)", "t.com",
     "GROUP BY l.source_site_id", {}, "COVERING INDEX links_site"),
    ("domain details", f"l.source_site_id, {_BEST}", "t.com",
     "AND l.source_site_id IN (1, 2) GROUP BY l.source_site_id", {}, "INDEX links_site"),
    ("anchors", "l.anchor, count(*)", "t.com", "GROUP BY l.anchor", {}, "INDEX links_site"),
    ("new", "l.id", "t.com", "ORDER BY l.first_seen DESC LIMIT 50",
     {"status": None, "first_seen_since": "2026-01-02"}, "COVERING INDEX links_site"),
    ("lost", "l.id", "t.com", "ORDER BY l.lost_at DESC LIMIT 50",
     {"status": "lost", "lost_since": "2026-01-02"}, "INDEX links_site_lost"),
    ("toxic", "l.source_site_id, count(*)", "t.com", "GROUP BY l.source_site_id",
     {"min_toxicity": 60}, "COVERING INDEX links_site"),
]  # fmt: skip


@pytest.mark.parametrize(("view", "select", "target", "tail", "filters", "used"), PLANS,
                         ids=[p[0] for p in PLANS])
def test_per_target_queries_use_an_index(sqlite_index, view, select, target, tail, filters, used):
    details = plan(sqlite_index, select, target, tail, **filters)
    assert f"USING {used} " in details, details
    assert "SCAN l" not in details.replace("SCAN l USING", ""), details


def test_paged_backlinks_need_no_sort(sqlite_index):
    """The default order is the index's own; other sorts sort the target's index entries
    (never its rows): they have no index of their own, see crawler/index/sqlite_schema.py."""
    for descending in (True, False):
        direction = "DESC" if descending else "ASC"
        details = plan(sqlite_index, "l.id", "t.com",
                       f"ORDER BY l.first_seen {direction}, l.link_id {direction} LIMIT 50")
        assert "TEMP B-TREE" not in details, details


def test_broken_joins_pages_by_key(sqlite_index):
    clause, params = sqlite_index._where(parse_target("t.com"), LinkFilter.make())
    details = " | ".join(sqlite_index.explain(
        f"SELECT l.id FROM links l JOIN pages p ON p.url = l.target_url WHERE {clause} "
        "AND (p.status >= 400 OR p.status = 0)", params))  # fmt: skip
    assert "USING INDEX links_site " in details, details
    assert "sqlite_autoindex_pages_1" in details, details



# --- generations ---------------------------------------------------------------------------
def generation_views(index) -> dict:
    """Every sort and page of t.com (deep offsets included), a host and a domains page."""
    pages = {}
    for sort in ("first_seen", "first_seen:asc", "last_seen", "last_seen:asc",
                 "toxicity", "toxicity:asc", "lost_at", "lost_at:asc"):
        for limit, offset in ((1, 0), (2, 1), (3, 4), (50, 0), (0, 2), (5, 20)):
            for status in (None, "live", "lost"):
                pages[sort, limit, offset, status] = [
                    (b.source_url, b.target_url) for b in index.backlinks(
                        "t.com", sort=sort, limit=limit, offset=offset, status=status)
                ]  # fmt: skip
    pages["host"] = [b.target_url for b in index.backlinks("www.t.com", limit=2)]
    pages["domains"] = [r.to_dict() for r in index.domains("t.com", limit=2, offset=1)]
    pages["summary"] = index.summary("t.com", dofollow=True).to_dict()
    return pages


def test_many_generations_answer_like_one(tmp_path):
    """Every sort and page over links spread on many generations (two links each) equals
    the same view over one generation."""
    answers = []
    for backend in ("sqlite", "sqlite-gens"):
        with backend_uri(backend, tmp_path) as uri, open_index(uri) as index:
            churn(index)
            newest = index._conn.execute("SELECT max(gen) FROM links").fetchone()[0]
            assert newest == (0 if backend == "sqlite" else 7)
            answers.append(generation_views(index))
    assert answers[0] == answers[1]


def test_a_file_written_with_another_generation_size_answers_alike(tmp_path, monkeypatch):
    """Generations are a partition of the rowids: a file whose first links were stored in
    generations of 8 and the rest in generations of 2 (GEN_BITS changed between runs, as
    it did from 17 to 15) answers like a file of one generation."""
    from crawler.index import sqlite_schema

    path = tmp_path / "mixed.db"
    monkeypatch.setattr(sqlite_schema, "GEN_BITS", 3)
    with open_index(f"sqlite:///{path}") as index:
        index.write(DAY1_PAGES)
    monkeypatch.setattr(sqlite_schema, "GEN_BITS", 1)
    with open_index(f"sqlite:///{path}") as index:
        index.write(DAY2_PAGES)
        index.write(DAY3_PAGES)
        index.record_fetches(FETCHES)
        churn_after_load(index)
        gens = [row[0] for row in index._conn.execute("SELECT DISTINCT gen FROM links")]
        assert 0 in gens and len(gens) > 2, gens
        mixed = generation_views(index)
    monkeypatch.setattr(sqlite_schema, "GEN_BITS", 30)
    with open_index(f"sqlite:///{tmp_path / 'one.db'}") as index:
        churn(index)
        assert generation_views(index) == mixed


def test_per_target_queries_read_one_range_per_generation(tmp_path):
    with backend_uri("sqlite-gens", tmp_path) as uri, open_index(uri) as index:
        load(index)
        gens = index._conn.execute("SELECT max(gen) FROM links").fetchone()[0] + 1
        details = plan(index, "l.id", "t.com", "LIMIT 50")
        assert "USING COVERING INDEX links_site (gen=? AND site_id=?)" in details, details
        assert f"gen IN ({', '.join(map(str, range(gens)))})" in index._where(
            parse_target("t.com"), LinkFilter.make())[0]  # fmt: skip


#: The links table of layout 2 (2026-11-25): every record field a column, no generation.
LAYOUT_2_LINKS = """
CREATE TABLE links_v2 (
    id INTEGER PRIMARY KEY, page_id INTEGER NOT NULL, link_id INTEGER NOT NULL,
    site_id INTEGER NOT NULL, host_id INTEGER NOT NULL, source_site_id INTEGER NOT NULL,
    ip_id INTEGER, subnet_id INTEGER, source_url TEXT NOT NULL, source_host TEXT NOT NULL,
    source_site TEXT NOT NULL, target_url TEXT NOT NULL, target_host TEXT NOT NULL,
    target_site TEXT NOT NULL, target_path TEXT NOT NULL, anchor TEXT NOT NULL DEFAULT '',
    rel TEXT NOT NULL DEFAULT '', nofollow INTEGER NOT NULL DEFAULT 0,
    ugc INTEGER NOT NULL DEFAULT 0, sponsored INTEGER NOT NULL DEFAULT 0,
    nofollow_by TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL DEFAULT 'text',
    position TEXT NOT NULL DEFAULT 'content', context TEXT NOT NULL DEFAULT '',
    hidden INTEGER NOT NULL DEFAULT 0, region TEXT NOT NULL DEFAULT '',
    count INTEGER NOT NULL DEFAULT 1, type TEXT NOT NULL DEFAULT 'other',
    origin TEXT NOT NULL DEFAULT 'natural', toxicity INTEGER NOT NULL DEFAULT 0,
    toxic_markers TEXT NOT NULL DEFAULT '', type_reason TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, lost_at TEXT,
    status TEXT NOT NULL DEFAULT 'live', source_ip TEXT
)"""


def test_an_index_of_layout_2_is_upgraded_in_place(tmp_path):
    """A version 2 file (every record field a column, no generations) opens: its links
    answer exactly as before, and new links go to their generation."""
    import sqlite3

    path = tmp_path / "v2.db"
    with open_index(f"sqlite:///{path}") as index:
        churn(index)
        before = {view: [b.to_dict() for b in index.backlinks(site, status=None, sort=sort)]
                  for view, site, sort in (("t", "t.com", "first_seen"), ("c1", "c1.com", "toxicity"))}  # fmt: skip
        summary = index.summary("t.com").to_dict()
        keys = ", ".join(f"l.{c}" for c in ("id", "page_id", "link_id", "site_id", "host_id",
                                             "source_site_id", "ip_id", "subnet_id"))  # fmt: skip
        rows = [(*row[:8], *backlink_of(row[8:]).to_dict().values())
                for row in index._conn.execute(f"SELECT {keys}, {SELECT_RECORD} FROM links l")]  # fmt: skip
    conn = sqlite3.connect(path)
    conn.execute(LAYOUT_2_LINKS)
    columns = ("id", *ALL_COLUMNS)
    conn.executemany(f"INSERT INTO links_v2 ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                     [tuple(" ".join(v) if isinstance(v, list) else v for v in row) for row in rows])  # fmt: skip
    conn.executescript("""
        DROP TABLE links;
        ALTER TABLE links_v2 RENAME TO links;
        CREATE INDEX links_site ON links (site_id, first_seen, link_id, status, toxicity,
            nofollow, type, host_id, target_path, source_site_id, page_id, ip_id, subnet_id);
        CREATE INDEX links_site_lost ON links (site_id, lost_at, link_id) WHERE lost_at IS NOT NULL;
        PRAGMA user_version = 2;
    """)
    conn.close()
    with open_index(f"sqlite:///{path}", create=False) as index:
        after = {view: [b.to_dict() for b in index.backlinks(site, status=None, sort=sort)]
                 for view, site, sort in (("t", "t.com", "first_seen"), ("c1", "c1.com", "toxicity"))}  # fmt: skip
        assert after == before
        assert index.summary("t.com").to_dict() == summary
        assert index._conn.execute("PRAGMA user_version").fetchone()[0] == 4
        index.write([PageLinks(P6, DAY3, 200, (bl(P6, "https://t.com/new"),), None)])
        assert "https://t.com/new" in {b.target_url for b in index.backlinks("t.com")}
        details = plan(index, "l.id", "t.com", "ORDER BY l.first_seen DESC, l.link_id DESC LIMIT 50")
        assert "COVERING INDEX links_site (gen=? AND site_id=?)" in details, details


def test_a_version_3_file_of_wide_rows_is_upgraded_too(tmp_path):
    """Version 3 (2026-12-07 development builds) had generations and every record field a
    column: it opens, its links answer as before, and new links can be written (found in
    review: it used to open as current and fail every write)."""
    import sqlite3

    path = tmp_path / "wide3.db"
    with open_index(f"sqlite:///{path}") as index:
        load(index)
        before = [b.to_dict() for b in index.backlinks("t.com", status=None)]
        keys = "l.id, l.page_id, l.link_id, l.site_id, l.host_id, l.source_site_id, l.ip_id, l.subnet_id"
        rows = index._conn.execute(f"SELECT {keys}, {SELECT_RECORD} FROM links l").fetchall()
    conn = sqlite3.connect(path)
    conn.execute(LAYOUT_2_LINKS.replace("links_v2 (", "links_v3w (gen INTEGER NOT NULL DEFAULT 0, "))
    columns = ("id", *ALL_COLUMNS)
    conn.executemany(f"INSERT INTO links_v3w ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                     [(*r[:8], *(" ".join(v) if isinstance(v, list) else v
                                 for v in backlink_of(r[8:]).to_dict().values())) for r in rows])  # fmt: skip
    conn.executescript("DROP TABLE links; ALTER TABLE links_v3w RENAME TO links; PRAGMA user_version = 3;")
    conn.close()
    with open_index(f"sqlite:///{path}", create=False) as index:
        assert [b.to_dict() for b in index.backlinks("t.com", status=None)] == before
        index.write([PageLinks(P6, DAY3, 200, (bl(P6, "https://t.com/new"),), None)])
        assert "https://t.com/new" in {b.target_url for b in index.backlinks("t.com")}
        assert index._conn.execute("PRAGMA user_version").fetchone()[0] == 4


# --- per-target counters ------------------------------------------------------------------
def recount(index, text: str):
    """The summary counted from the links themselves (a filter that every link passes
    takes the generic path instead of the counters)."""
    return index._summary(parse_target(text), LinkFilter.make(status=None, min_toxicity=0))


def churn(index) -> None:
    """A history through every transition a link can make."""
    load(index)  # inserts, a recrawl that loses L5, target fetches
    churn_after_load(index)


def churn_after_load(index) -> None:
    """``churn``'s writes after ``load``."""
    # L5 comes back with new content (revived), L4 changes type and toxicity.
    index.write([PageLinks(P3, DAY3, 200, (replace(L4, type="comment", toxicity=30),
                                           replace(L5, toxicity=10)), "203.0.113.6")])
    # An older crawl of P1 arrives late (stale): nothing regresses, C1 stays.
    index.write([PageLinks(P1, "2025-12-31T00:00:00Z", 200, (L1,), None)])
    # P6 is gone (L8 lost); P2 answers 500 (its links stay live).
    index.record_fetches([(P6, 404, DAY3), (P2, 500, DAY3)])
    # An empty address is no address.
    index.write([PageLinks("https://e.net/x", DAY3, 200,
                           (bl("https://e.net/x", "https://t.com/e"),), "")])
    # In one batch: the same page twice, the second time without L7.
    index.write([PageLinks(P5, "2026-01-05T00:00:00Z", 200, (L7, C3), None),
                 PageLinks(P5, "2026-01-06T00:00:00Z", 200, (C3,), None)])


CHURN_SITES = ("t.com", "c1.com", "c2.com", "moved.example", "none.example")


def test_site_counters_equal_a_recount_through_every_transition(tmp_path):
    with open_index(f"sqlite:///{tmp_path / 'counters.db'}") as index:
        churn(index)
        # P1 recrawled with L1 now counted for another site (a caller's target_site wins).
        index.write([PageLinks(P1, "2026-01-07T00:00:00Z", 200,
                               (replace(L1, target_site="moved.example"), L2), None)])
        for site in CHURN_SITES:
            assert index.summary(site).to_dict() == recount(index, site).to_dict(), site
        assert (index.summary("t.com").backlinks, index.summary("t.com").lost) == (7, 2)


def test_churned_summaries_equal_mongomock(tmp_path):
    answers = []
    for backend in ("sqlite", "sqlite-gens", "mongomock"):
        with backend_uri(backend, tmp_path) as uri, open_index(uri) as index:
            churn(index)
            answers.append([index.summary(site).to_dict() for site in CHURN_SITES])
    assert answers[0] == answers[1] == answers[2]


# --- files ---------------------------------------------------------------------------------
def test_opening_for_queries_never_creates_a_file(tmp_path):
    path = tmp_path / "missing.db"
    with pytest.raises(IndexNotFound, match="does not exist"):
        open_index(f"sqlite:///{path}", create=False)
    assert not path.exists()


def test_a_file_that_is_not_an_index(tmp_path):
    path = tmp_path / "other.db"
    import sqlite3

    sqlite3.connect(path).execute("CREATE TABLE x (y)").connection.commit()
    with pytest.raises(OSError, match="not a backlinks index"):
        open_index(f"sqlite:///{path}", create=False)
    (tmp_path / "junk.db").write_bytes(b"junk" * 1000)
    with pytest.raises(OSError, match="not an SQLite database"):
        open_index(f"sqlite:///{tmp_path / 'junk.db'}")


def test_an_index_of_an_older_layout_is_refused(tmp_path):
    import sqlite3

    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE links (id INTEGER PRIMARY KEY)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with pytest.raises(OSError, match="schema version 1, older than this crawler's 4"):
        open_index(f"sqlite:///{path}", create=False)


def test_relative_and_memory_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open_index("sqlite:///rel/../here.db") as index:
        assert index.count_backlinks() == 0
    assert (tmp_path / "here.db").exists()
    with open_index("sqlite:///:memory:") as index:
        load(index)
        assert index.count_backlinks() == 14


WRITER = textwrap.dedent("""
    import sys
    from crawler.index import PageLinks, open_index
    from tests.index_data import bl
    uri, who = sys.argv[1], sys.argv[2]
    with open_index(uri) as index:
        for batch in range(40):
            pages = []
            for n in range(25):
                source = f"https://{who}.example/p{batch}-{n}"
                links = tuple(bl(source, f"https://t.com/{who}/{batch}/{n}/{k}") for k in range(8))
                pages.append(PageLinks(source, f"2026-01-01T00:00:{batch:02d}Z", 200, links))
            index.write(pages)
            # Every other batch the previous one's pages are gone: their links are lost.
            gone = [(f"https://{who}.example/p{batch - 1}-{n}", 404, "2026-01-02T00:00:00Z")
                    for n in range(25)] if batch % 2 else []
            index.record_fetches([(f"https://t.com/{who}/{batch}", 404, "2026-01-02T00:00:00Z"),
                                  *gone])
    print("done")
""")


def test_two_processes_write_one_file_at_once(tmp_path):
    uri = f"sqlite:///{tmp_path / 'shared.db'}"
    open_index(uri).close()
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, uri, who], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for who in ("alpha", "beta")
    ]  # fmt: skip
    outputs = [proc.communicate(timeout=120) for proc in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0 and out.strip() == "done", err[-2000:]
    with open_index(uri) as index:
        assert index.count_backlinks() == 2 * 40 * 25 * 8
        assert len(list(index.crawled_pages())) == 2 * 40 * 25 + 2 * 40
        assert index.summary("t.com").referring_domains == 2
        assert index.summary("t.com").to_dict() == recount(index, "t.com").to_dict()


def test_a_failed_write_leaves_no_trace_and_the_next_one_stores_everything(
    tmp_path, monkeypatch
):
    """Names (sites, hosts, addresses) are given ids inside the write transaction; when it
    fails, those ids are forgotten with it, so the retry stores the same pages exactly."""
    from crawler.index import sqlite_write

    uri = f"sqlite:///{tmp_path}/i.db"
    index = open_index(uri)
    page = PageLinks(P1, DAY3, 200, (L1, L2), "203.0.113.9")
    calls = []

    def failing(self, conn):
        calls.append(1)
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(sqlite_write.TargetCounts, "write", failing)
        with pytest.raises(OSError, match="disk full"):
            index.write([page])
    assert calls and index.count_backlinks() == 0
    assert index._names == {}  # nothing of the failed transaction is remembered
    result = index.write([page, PageLinks(P2, DAY3, 200, (L5,), "203.0.113.10")])
    assert (result.inserted, result.pages) == (3, 2)
    assert index.summary("t.com").backlinks == 3
    assert index.summary("t.com").referring_ips == 2
    assert index.summary("t.com").referring_subnets == 1
    assert [b.target_url for b in index.backlinks("blog.t.com")] == [L2.target_url]
    index.close()


OPENER = textwrap.dedent("""
    import sys, time
    from crawler.index import open_index
    uri, start = sys.argv[1], float(sys.argv[2])
    while time.time() < start:
        pass
    open_index(uri).close()
    print("opened")
""")


def test_many_processes_opening_one_new_file_at_once(tmp_path):
    """Workers of one crawl start together on a new index file: one creates the schema,
    and none of the others may take the half-seen file for an older layout."""
    import time

    for round_ in range(3):
        uri = f"sqlite:///{tmp_path / f'new{round_}.db'}"
        start = time.time() + 1.5
        procs = [
            subprocess.Popen([sys.executable, "-c", OPENER, uri, str(start)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(6)
        ]  # fmt: skip
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0 and out.strip() == "opened", err[-2000:]


@given(st.one_of(
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(str),
    st.lists(st.integers(0, 300).map(str) | st.sampled_from(["01", "00", "-1", "1e1", "٣", ""]),
             min_size=3, max_size=5).map(".".join),
    st.text(alphabet="0123456789.:[]abcdef \\n", max_size=20),
))  # fmt: skip
def test_subnets_match_the_ipaddress_module(ip):
    subnet_of.cache_clear()
    assert subnet_of(ip) == (subnet_by_ipaddress(ip) if ip else None)


def test_page_size_is_set_for_new_files_and_kept_for_old_ones(tmp_path, monkeypatch):
    """New files get PAGE_SIZE pages; a file made with other pages keeps them (SQLite can
    only change it with VACUUM) and its WAL limits are the same in bytes."""
    from crawler.index import sqlite as sqlite_index

    def settings(index) -> list[int]:
        return [index._conn.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("page_size", "wal_autocheckpoint", "journal_size_limit")]

    with open_index(f"sqlite:///{tmp_path / 'new.db'}") as index:
        assert settings(index) == [16384, 16384, 128 * 1024 * 1024]
    monkeypatch.setattr(sqlite_index, "PAGE_SIZE", 4096)
    with open_index(f"sqlite:///{tmp_path / 'old.db'}") as index:
        index.write(DAY1_PAGES)
    monkeypatch.undo()
    with open_index(f"sqlite:///{tmp_path / 'old.db'}") as index:
        assert settings(index) == [4096, 65536, 128 * 1024 * 1024]
        index.write(DAY2_PAGES)
        assert index.count_backlinks() > 0


def test_a_page_of_backlinks_stops_early_in_every_generation(tmp_path, monkeypatch):
    """The default order is read, not sorted: over many generations SQLite leaves each
    generation's range once its entries cannot enter the page, so page 1 of a target with
    3,000 links costs a small fraction of a sort of all of them (counted in SQLite VM steps,
    not time)."""
    from crawler.index import sqlite_schema

    monkeypatch.setattr(sqlite_schema, "GEN_BITS", 8)
    with open_index(f"sqlite:///{tmp_path / 'steps.db'}") as index:
        for day in range(30):
            seen = f"2026-01-{day + 1:02d}T00:00:00Z"
            index.write([
                PageLinks(f"https://s{day}-{n}.org/p", seen, 200,
                          tuple(bl(f"https://s{day}-{n}.org/p", f"https://t.com/{k}")
                                for k in range(10)), None)
                for n in range(10)
            ])  # fmt: skip
        assert index._conn.execute("SELECT max(gen) FROM links").fetchone()[0] >= 10

        def steps(**query) -> tuple[int, list]:
            count = [0]

            def tick() -> int:
                count[0] += 1
                return 0

            index._conn.set_progress_handler(tick, 100)
            try:
                page = index.backlinks("t.com", limit=20, **query)
            finally:
                index._conn.set_progress_handler(None, 100)
            return count[0], page

        read, page = steps()
        assert [b.first_seen for b in page] == ["2026-01-30T00:00:00Z"] * 20
        sorted_all, _ = steps(sort="toxicity")
        assert read * 5 < sorted_all, (read, sorted_all)
