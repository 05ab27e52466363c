"""`scrapy backlinks`: what people and programs see. JSON equals the Python API's to_dict,
CSV carries the link record's field names, errors are one line with exit 2 or 1."""

from __future__ import annotations

import csv
import io
import json

import pytest

from crawler.index import open_index
from crawler.items import Backlink
from tests.index_data import DAY2, L9, P6, load, scrapy


@pytest.fixture(scope="module")
def uri(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "index.db"
    with open_index(f"sqlite:///{path}") as index:
        load(index)
    return f"sqlite:///{path}"


def test_json_is_the_python_api(uri):
    out = scrapy("backlinks", "t.com", "--index", uri, "--view", "backlinks", "--format", "json",
                 "--sort", "toxicity", "--limit", "3", "--offset", "1")
    assert out.returncode == 0, out.stderr
    with open_index(uri) as index:
        expected = [b.to_dict() for b in index.backlinks("t.com", sort="toxicity", limit=3, offset=1)]
    assert json.loads(out.stdout) == expected
    assert list(expected[0]) == list(Backlink.__dataclass_fields__)


@pytest.mark.parametrize(
    ("args", "method"),
    [
        (["--view", "summary"], lambda i: i.summary("t.com").to_dict()),
        (["--view", "domains", "--dofollow"], lambda i: [r.to_dict() for r in i.domains("t.com", dofollow=True)]),
        (["--view", "intersect", "--vs", "c1.com", "c2.com"],
         lambda i: [r.to_dict() for r in i.intersect("t.com", ["c1.com", "c2.com"])]),
        (["--view", "broken"], lambda i: [r.to_dict() for r in i.broken("t.com")]),
    ],
)  # fmt: skip
def test_views_as_json(uri, args, method):
    out = scrapy("backlinks", "t.com", "--index", uri, "--format", "json", *args)
    assert out.returncode == 0, out.stderr
    with open_index(uri) as index:
        assert json.loads(out.stdout) == method(index)


def test_jsonl_and_csv(uri):
    jsonl = scrapy("backlinks", "t.com", "--index", uri, "--view", "new", "--since", "2026-01-03",
                   "--format", "jsonl")
    assert jsonl.returncode == 0, jsonl.stderr
    lines = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [(r["source_url"], r["target_url"]) for r in lines] == [(L9.source_url, L9.target_url)]
    table = scrapy("backlinks", "t.com", "--index", uri, "--view", "backlinks", "--format", "csv",
                   "--min-toxicity", "70")
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert list(rows[0]) == list(Backlink.__dataclass_fields__)
    assert {(r["source_url"], r["toxicity"], r["nofollow"]) for r in rows} == {
        ("https://spam.x.net/p1", "80", "false"), (P6, "75", "false"),
    }
    assert rows[0]["toxic_markers"] in ("pharma_anchor spam_host", "")


def test_summary_and_backlinks_tables(uri):
    summary = scrapy("backlinks", "t.com", "--index", uri)
    assert summary.returncode == 0, summary.stderr
    assert summary.stdout.splitlines()[:6] == [
        "Backlinks of t.com (site)",
        "  backlinks          8 live, 1 lost",
        "  referring domains  5",
        "  referring pages    7",
        "  referring IPs      4 in 3 subnets",
        "  dofollow           7 (87.5%)",
    ]
    table = scrapy("backlinks", "t.com", "--index", uri, "--view", "lost", "--since", DAY2)
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["SOURCE", "TARGET", "ANCHOR", "TYPE", "FOLLOW", "POSITION", "TOX",
                                "FIRST", "SEEN", "LAST", "SEEN", "STATUS"]
    assert lines[2].split() == ["https://spam.x.net/p1", "www.t.com/blog/a", "-", "sponsored",
                                "follow", "(sponsored)", "content", "70", "2026-01-01",
                                "2026-01-01", "lost", "2026-01-02"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["t.com", "--view", "graph"], 2, "unknown view 'graph': use one of summary, backlinks, "
         "domains, anchors, pages, new, lost, broken, intersect"),
        (["t.com", "--format", "xml"], 2, "unknown format 'xml': use one of table, csv, json, jsonl"),
        (["not a site"], 2, "target 'not a site' is empty, too long or has spaces: give a site "
         "(example.com), a host (blog.example.com), a URL prefix (example.com/blog/) or a URL "
         "(https://example.com/page)"),
        (["t.com", "--type", "spam"], 2, "unknown type 'spam': use one of editorial, guest_post, "
         "business_profile, social, forum, comment, sponsored, sitewide, other"),
        (["t.com", "--view", "lost"], 2, "--view lost needs --since DATE (e.g. --since 2026-11-01)"),
        (["t.com", "--view", "new", "--since", "yesterday"], 2,
         "since 'yesterday' is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"),
        (["t.com", "--view", "intersect"], 2, "--view intersect needs at least one --vs COMPETITOR"),
        (["t.com", "--limit", "-5"], 2, "--limit must be a whole number >= 0, not '-5'"),
        (["t.com", "--view", "backlinks", "--sort", "anchor"], 2, "unknown sort 'anchor': use one of first_seen, "
         "last_seen, toxicity, lost_at, optionally with :asc or :desc"),
        ([], 2, "give exactly one TARGET (a site, host, URL prefix or URL)"),
    ],
)  # fmt: skip
def test_usage_errors(uri, args, code, message):
    out = scrapy("backlinks", *args, "--index", uri)
    assert (out.returncode, out.stderr, out.stdout) == (code, f"scrapy backlinks: error: {message}\n", "")


def test_environment_errors(tmp_path):
    missing = tmp_path / "nothing.db"
    out = scrapy("backlinks", "t.com", "--index", f"sqlite:///{missing}")
    assert out.returncode == 1
    assert out.stderr == (f"scrapy backlinks: error: cannot open the index sqlite:///{missing}: "
                          f"index file {missing} does not exist: crawl into it first, or pass "
                          "--index with the URI of an existing index\n")
    assert not missing.exists()
    out = scrapy("backlinks", "t.com", "--index", "mongodb://127.0.0.1:9/backlinks?serverSelectionTimeoutMS=300")
    assert out.returncode == 1 and len(out.stderr.splitlines()) == 1
    assert "MongoDB at 127.0.0.1:9 is unreachable" in out.stderr
    out = scrapy("backlinks", "t.com", "--index", "postgres://db/x")
    assert out.returncode == 2 and "unknown index URI scheme 'postgres'" in out.stderr
