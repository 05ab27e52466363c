"""One suite, every backend: SQLite, MongoDB through mongomock, and a real MongoDB when
MONGO_URI is set. Both backends must store and answer exactly alike."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crawler.index import PageLinks, open_index, parse_target
from tests.conftest import backend_uri
from tests.index_data import (
    C1,
    C4,
    DAY1,
    DAY1_PAGES,
    DAY2,
    DAY3,
    L1,
    L2,
    L3,
    L4,
    L5,
    L6,
    L7,
    L8,
    L9,
    P2,
    P3,
    P5,
    P6,
    bl,
    load,
    pair,
    pairs,
)

LIVE_T = {pair(x) for x in (L1, L2, L3, L4, L6, L7, L8, L9)}


@pytest.fixture
def loaded(any_index):
    load(any_index)
    return any_index


# --- writes -------------------------------------------------------------------------------
def test_first_write_inserts_and_records_pages(any_index):
    result = any_index.write(DAY1_PAGES)
    assert (result.inserted, result.updated, result.lost, result.revived, result.pages) == (
        13, 0, 0, 0, 7,
    )
    assert any_index.count_backlinks() == 13
    assert {url for url, _, _ in any_index.crawled_pages()} == {p.source_url for p in DAY1_PAGES}


def test_rewriting_the_same_pages_adds_no_rows(any_index):
    any_index.write(DAY1_PAGES)
    again = [PageLinks(p.source_url, DAY2, p.status, p.backlinks, p.source_ip) for p in DAY1_PAGES]
    result = any_index.write(again)
    assert (result.inserted, result.updated, result.lost) == (0, 13, 0)
    assert any_index.count_backlinks() == 13
    stored = {pair(b): b for b in any_index.iter_backlinks()}
    assert {(b.first_seen, b.last_seen, b.status) for b in stored.values()} == {(DAY1, DAY2, "live")}


def test_recrawl_loses_and_revives_links(any_index):
    any_index.write(DAY1_PAGES)
    result = any_index.write([PageLinks(P3, DAY2, 200, (L4,), "203.0.113.5")])
    assert (result.inserted, result.updated, result.lost, result.revived) == (0, 1, 1, 0)
    lost = list(any_index.iter_backlinks(status="lost"))
    assert [(pair(b), b.lost_at, b.last_seen) for b in lost] == [(pair(L5), DAY2, DAY1)]
    result = any_index.write([PageLinks(P3, DAY3, 200, (L4, L5), "203.0.113.5")])
    assert (result.inserted, result.updated, result.lost, result.revived) == (0, 1, 0, 1)
    back = {pair(b): b for b in any_index.iter_backlinks()}[pair(L5)]
    assert (back.status, back.lost_at, back.first_seen, back.last_seen) == ("live", None, DAY1, DAY3)
    assert list(any_index.iter_backlinks(status="lost")) == []


def test_a_capped_page_loses_nothing_it_did_not_show(any_index):
    """A page whose backlinks were cut by the per-page cap (complete=False) carries L4 only
    this time: L5, beyond the cap, is not lost, and a later complete crawl without it is."""
    any_index.write(DAY1_PAGES)
    result = any_index.write([PageLinks(P3, DAY2, 200, (L4,), "203.0.113.5", complete=False)])
    assert (result.inserted, result.updated, result.lost, result.revived) == (0, 1, 0, 0)
    assert list(any_index.iter_backlinks(status="lost")) == []
    result = any_index.write([PageLinks(P3, DAY3, 200, (L4,), "203.0.113.5")])
    assert (result.lost, [pair(b) for b in any_index.iter_backlinks(status="lost")]) == (1, [pair(L5)])


def test_an_older_observation_changes_nothing(any_index):
    any_index.write([PageLinks(P3, DAY2, 200, (L4,), "203.0.113.5")])
    stale = any_index.write([PageLinks(P3, DAY1, 200, (), "203.0.113.5")])
    assert stale.lost == 0
    (stored,) = any_index.iter_backlinks()
    assert (stored.status, stored.last_seen) == ("live", DAY2)
    assert [(u, s, f) for u, s, f in any_index.crawled_pages()] == [(P3, 200, DAY2)]


def test_stored_record_keeps_every_field(any_index):
    any_index.write(DAY1_PAGES)
    stored = {pair(b): b for b in any_index.iter_backlinks()}[pair(L3)]
    assert stored.to_dict() == {
        **L3.to_dict(), "first_seen": DAY1, "last_seen": DAY1, "lost_at": None,
        "status": "live", "source_ip": "198.51.100.2",
    }  # fmt: skip


def test_fetches_keep_status_and_gone_pages_lose_their_links(any_index):
    any_index.write(DAY1_PAGES)
    any_index.record_fetches([(P2, 503, DAY2)])  # passing trouble: links stay
    assert list(any_index.iter_backlinks(status="lost")) == []
    any_index.record_fetches([(P2, 404, DAY3), ("https://t.com/new", 301, DAY2)])
    assert pairs(any_index.iter_backlinks(status="lost")) == {pair(L3), (P2, "https://c1.com/x")}
    assert {b.lost_at for b in any_index.iter_backlinks(status="lost")} == {DAY3}
    pages = {url: (status, at) for url, status, at in any_index.crawled_pages()}
    assert pages[P2] == (404, DAY3) and pages["https://t.com/new"] == (301, DAY2)


def test_same_page_twice_in_one_batch(any_index):
    result = any_index.write([
        PageLinks(P3, DAY1, 200, (L4, L5), None),
        PageLinks(P3, DAY2, 200, (L4,), None),
    ])  # fmt: skip
    assert (result.inserted, result.updated, result.lost) == (2, 1, 1)
    assert pairs(any_index.iter_backlinks(status="lost")) == {pair(L5)}


# --- targets and filters ------------------------------------------------------------------
TARGETS = [
    ("t.com", None, LIVE_T),
    ("blog.t.com", None, {pair(L2)}),
    ("t.com/blog/", None, {pair(L6), pair(L8)}),
    ("https://t.com/blog/", None, {pair(L6), pair(L8)}),
    ("http://t.com/blog/", None, set()),
    ("t.com/blog*", None, {pair(L6), pair(L8)}),
    ("https://t.com/shop/item", None, {pair(L3)}),
    ("t.com/shop/item", None, {pair(L3)}),
    ("https://t.com/", None, {pair(x) for x in (L1, L3, L4, L6, L7, L8, L9)}),
    ("https://t.com/", "url", {pair(x) for x in (L1, L4, L7, L9)}),
    ("T.COM", None, LIVE_T),
    ("nobody.example", None, set()),
]


@pytest.mark.parametrize(("target", "mode", "expected"), TARGETS)
def test_targets(loaded, target, mode, expected):
    assert pairs(loaded.backlinks(parse_target(target, mode), limit=0)) == expected


def test_host_target_with_lost_link(loaded):
    assert pairs(loaded.backlinks("www.t.com", status=None)) == {pair(L5)}
    assert loaded.backlinks("www.t.com") == []


FILTERS = [
    ({"type": "forum"}, [L3]),
    ({"type": ["editorial"]}, [L1, L2, L7, L9]),
    ({"type": "forum,editorial"}, [L1, L2, L3, L7, L9]),
    ({"dofollow": False}, [L3]),
    ({"dofollow": True}, [L1, L2, L4, L6, L7, L8, L9]),
    ({"rel": "ugc"}, [L3]),
    ({"rel": "UGC"}, [L3]),
    ({"status": "lost"}, [L5]),
    ({"status": None}, [L1, L2, L3, L4, L5, L6, L7, L8, L9]),
    ({"position": "comment"}, [L3]),
    ({"position": ["comment", "footer"]}, [L3, L8]),
    ({"min_toxicity": 60}, [L4, L6, L8]),
    ({"max_toxicity": 10}, [L1, L2, L7, L9]),
    ({"min_toxicity": 45, "max_toxicity": 65}, [L3, L6]),
    ({"source_site": "x.net"}, [L4, L6]),
    ({"source_site": "spam.x.net"}, [L4, L6]),
]


@pytest.mark.parametrize(("filters", "expected"), FILTERS)
def test_filters(loaded, filters, expected):
    assert pairs(loaded.backlinks("t.com", limit=0, **filters)) == {pair(x) for x in expected}


def test_sort_and_paging(loaded):
    by_toxicity = loaded.backlinks("t.com", sort="toxicity", limit=0)
    assert [b.toxicity for b in by_toxicity] == [80, 75, 65, 50, 10, 5, 0, 0]
    assert [b.toxicity for b in loaded.backlinks("t.com", sort="toxicity:asc", limit=3)] == [0, 0, 5]
    pages = [loaded.backlinks("t.com", sort="toxicity", limit=3, offset=o) for o in (0, 3, 6, 9)]
    assert [b for page in pages for b in page] == by_toxicity
    newest = loaded.backlinks("t.com", limit=0)
    assert pair(newest[0]) == pair(L9)
    assert [b.last_seen for b in loaded.backlinks("t.com", sort="last_seen", limit=2)] == [DAY3, DAY2]


# --- views -------------------------------------------------------------------------------
def test_summary(loaded):
    summary = loaded.summary("t.com").to_dict()
    assert summary == {
        "target": "t.com", "target_kind": "site", "backlinks": 8, "lost": 1,
        "referring_domains": 5, "referring_pages": 7, "referring_ips": 4,
        "referring_subnets": 3, "dofollow": 7, "dofollow_share": 0.875,
        "types": {"editorial": 4, "guest_post": 0, "business_profile": 0, "social": 0,
                  "forum": 1, "comment": 0, "sponsored": 0, "sitewide": 0, "other": 3},
        "toxic": 3, "potentially_toxic": 1, "first_seen": DAY1, "last_seen": DAY3,
    }  # fmt: skip


def test_summary_of_an_unknown_target(loaded):
    summary = loaded.summary("nobody.example")
    assert (summary.backlinks, summary.lost, summary.referring_domains) == (0, 0, 0)
    assert (summary.dofollow_share, summary.first_seen) == (0.0, None)


def test_domains(loaded):
    rows = [r.to_dict() for r in loaded.domains("t.com")]
    assert rows == [
        {"source_site": "a.com", "backlinks": 2, "dofollow": 2, "first_seen": DAY1,
         "last_seen": DAY1, "anchor": "T home", "toxicity": 10},
        {"source_site": "x.net", "backlinks": 2, "dofollow": 2, "first_seen": DAY1,
         "last_seen": DAY2, "anchor": "casino", "toxicity": 80},
        {"source_site": "y.io", "backlinks": 2, "dofollow": 2, "first_seen": DAY1,
         "last_seen": DAY1, "anchor": "T", "toxicity": 75},
        {"source_site": "b.org", "backlinks": 1, "dofollow": 0, "first_seen": DAY1,
         "last_seen": DAY1, "anchor": "buy", "toxicity": 50},
        {"source_site": "w.com", "backlinks": 1, "dofollow": 1, "first_seen": DAY3,
         "last_seen": DAY3, "anchor": "T", "toxicity": 0},
    ]  # fmt: skip
    assert [r.source_site for r in loaded.domains("t.com", limit=2, offset=1)] == ["x.net", "y.io"]


def test_anchors(loaded):
    assert [(r.anchor, r.backlinks, r.referring_domains, r.dofollow)
            for r in loaded.anchors("t.com")] == [
        ("T", 2, 2, 2), ("T blog", 1, 1, 1), ("T home", 1, 1, 1), ("buy", 1, 1, 0),
        ("casino", 1, 1, 1), ("cheap pills", 1, 1, 1), ("great post", 1, 1, 1),
    ]  # fmt: skip


def test_pages(loaded):
    assert [(r.target_url, r.referring_domains, r.backlinks) for r in loaded.pages("t.com")] == [
        ("https://t.com/", 4, 4),
        ("https://blog.t.com/post", 1, 1),
        ("https://t.com/blog/a", 1, 1),
        ("https://t.com/blog/b", 1, 1),
        ("https://t.com/shop/item", 1, 1),
    ]


def test_new_and_lost_since(loaded):
    assert [pair(b) for b in loaded.new("t.com", "2026-01-03")] == [pair(L9)]
    assert pairs(loaded.new("t.com", "2026-01-01")) == LIVE_T | {pair(L5)}
    assert [(pair(b), b.lost_at) for b in loaded.lost("t.com", "2026-01-02")] == [(pair(L5), DAY2)]
    assert loaded.lost("t.com", DAY3) == []


def test_broken(loaded):
    rows = [(pair(r.backlink), r.target_status, r.target_fetched_at) for r in loaded.broken("t.com")]
    assert rows == [(pair(L6), 503, DAY2), (pair(L3), 404, DAY2)]
    assert [(pair(r.backlink), r.target_status) for r in loaded.broken("c1.com")] == [
        (pair(C4), 0), (pair(C1), 0),
    ]
    assert loaded.broken("t.com")[0].to_dict()["target_status"] == 503


def test_intersect(loaded):
    rows = [r.to_dict() for r in loaded.intersect("t.com", ["c1.com", "c2.com"])]
    assert rows == [{"source_site": "z.com", "competitors": ["c1.com", "c2.com"], "backlinks": 2}]
    rows = [r.to_dict() for r in loaded.intersect("nobody.example", ["c1.com", "c2.com"])]
    assert rows == [
        {"source_site": "z.com", "competitors": ["c1.com", "c2.com"], "backlinks": 2},
        {"source_site": "a.com", "competitors": ["c1.com"], "backlinks": 1},
        {"source_site": "b.org", "competitors": ["c1.com"], "backlinks": 1},
        {"source_site": "y.io", "competitors": ["c2.com"], "backlinks": 1},
    ]
    with pytest.raises(ValueError, match="at least one competitor"):
        loaded.intersect("t.com", [])


def test_disavow(loaded):
    assert [(e.line, e.toxic_links, e.links, e.toxicity) for e in loaded.disavow("t.com")] == [
        ("domain:x.net", 2, 2, 80),
        (P6, 1, 1, 75),
    ]
    assert [e.line for e in loaded.disavow("t.com", min_toxicity=50)] == [
        "domain:x.net", "domain:b.org", P6,
    ]
    assert loaded.disavow("t.com", min_toxicity=90) == []


# --- safety -------------------------------------------------------------------------------
HOSTILE_TARGETS = [
    '{"$gt": ""}',
    "$where",
    "t.com' OR '1'='1",
    "t.com;DROP TABLE links",
    "",
    "   ",
    "javascript:alert(1)",
    "ftp://t.com/",
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_hostile_targets_are_refused(loaded, target):
    with pytest.raises(ValueError, match="target"):
        loaded.backlinks(target)
    assert loaded.count_backlinks() == 14


@pytest.mark.parametrize(
    "filters",
    [
        {"type": {"$ne": "x"}},
        {"type": ["editorial", {"$gt": ""}]},
        {"source_site": {"$gt": ""}},
        {"source_site": "$where"},
        {"rel": "x' OR 1=1"},
        {"rel": {"$exists": True}},
        {"position": "content'--"},
        {"min_toxicity": "0 OR 1"},
        {"min_toxicity": {"$gte": 0}},
        {"status": {"$ne": None}},
        {"dofollow": "yes"},
    ],
)
def test_hostile_filters_are_refused(loaded, filters):
    with pytest.raises(ValueError):
        loaded.backlinks("t.com", **filters)


def test_operator_like_text_is_stored_and_matched_literally(any_index):
    odd = bl(P5, "https://t.com/$where?q={$gt:1}", anchor='{"$ne": null}', toxicity=1)
    any_index.write([PageLinks(P5, DAY1, 200, (odd,), None)])
    found = any_index.backlinks("https://t.com/$where?q={$gt:1}")
    assert [(b.target_url, b.anchor) for b in found] == [(odd.target_url, odd.anchor)]
    assert [r.anchor for r in any_index.anchors("t.com")] == ['{"$ne": null}']
    assert pairs(any_index.backlinks("t.com/$*")) == {pair(odd)}


# --- the backends agree, ties included ----------------------------------------------------
def test_sqlite_and_mongomock_answer_identically(tmp_path):
    answers = []
    for backend in ("sqlite", "sqlite-gens", "mongomock"):
        with backend_uri(backend, tmp_path) as uri, open_index(uri) as index:
            load(index)
            answers.append({
                "summary": index.summary("t.com").to_dict(),
                "backlinks": [b.to_dict() for b in index.backlinks("t.com", status=None)],
                "toxicity": [b.to_dict() for b in index.backlinks("t.com", sort="toxicity")],
                "oldest": [b.to_dict() for b in index.backlinks("t.com", sort="first_seen:asc")],
                "domains": [r.to_dict() for r in index.domains("t.com")],
                "anchors": [r.to_dict() for r in index.anchors("t.com")],
                "pages": [r.to_dict() for r in index.pages("t.com")],
                "broken": [r.to_dict() for r in index.broken("t.com")],
                "disavow": [r.to_dict() for r in index.disavow("t.com")],
                "all": sorted((b.to_dict() for b in index.iter_backlinks()),
                              key=lambda d: (d["source_url"], d["target_url"])),
                "pages_crawled": sorted(index.crawled_pages()),
            })  # fmt: skip
    assert answers[0] == answers[1] == answers[2]


def test_unknown_and_bad_uris():
    for uri, message in [
        ("postgres://db/x", "unknown index URI scheme 'postgres'"),
        ("sqlite://", "has no file path"),
        ("mongodb://localhost:27017", "names no database"),
        ("mongodb://", "not a valid MongoDB URI"),
        ("mongomock://only", "needs a name and a database"),
        ("", "index URI is empty"),
    ]:
        with pytest.raises(ValueError, match=message):
            open_index(uri)


def test_an_empty_source_address_is_no_address(any_index):
    """A link whose address is "" (and its page's unknown) reads back without one, alike on
    every backend (found in review: SQLite said None, MongoDB "")."""
    link = replace(bl("https://e.net/x", "https://t.com/e"), source_ip="")
    any_index.write([PageLinks("https://e.net/x", DAY3, 200, (link,), None)])
    assert [b.source_ip for b in any_index.backlinks("t.com")] == [None]
