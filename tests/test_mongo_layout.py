"""MongoDB layout: the indexes and shard keys the per-target queries need, created by
deploy/mongo-init.py. mongomock cannot explain a query, so the plans are checked on a real
server only (MONGO_URI); here the index specs are."""

from __future__ import annotations

import importlib.util
import uuid
from pathlib import Path

import pytest

from crawler.index import open_index, parse_target
from crawler.index.mongo_layout import LINK_INDEXES, SHARD_KEYS
from crawler.index.mongo_views import match
from crawler.index.query import LinkFilter
from tests.conftest import MONGO_URI, real_mongo_uri
from tests.index_data import load

ROOT = Path(__file__).resolve().parent.parent


def mongo_init():
    spec = importlib.util.spec_from_file_location("mongo_init", ROOT / "deploy" / "mongo-init.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_index_specs():
    specs = {name: keys for name, keys, _ in LINK_INDEXES}
    assert specs == {
        "links_site_first": [("target_site", 1), ("first_seen", -1), ("_id", -1)],
        "links_site_last": [("target_site", 1), ("last_seen", -1), ("_id", -1)],
        "links_site_toxicity": [("target_site", 1), ("toxicity", -1), ("_id", -1)],
        "links_site_lost": [("target_site", 1), ("lost_at", -1), ("_id", -1)],
        "links_host_path": [("target_site", 1), ("target_host", 1), ("target_path", 1)],
        "links_site_source": [("target_site", 1), ("source_site", 1)],
        "links_shard": [("target_site", 1), ("_id", "hashed")],
    }
    assert SHARD_KEYS == {"links": {"target_site": 1, "_id": "hashed"}, "pages": {"_id": "hashed"}}


@pytest.mark.parametrize("target", ["t.com", "blog.t.com", "t.com/blog/", "https://t.com/x"])
def test_every_filter_starts_with_the_shard_key_prefix(target):
    query = match(parse_target(target), LinkFilter.make())
    assert next(iter(query)) == "target_site" and query["target_site"] == "t.com"


def test_mongo_init_creates_the_indexes_and_skips_sharding(capsys):
    name = f"init_{uuid.uuid4().hex[:8]}"
    uri = f"mongomock://{name}/backlinks"
    assert mongo_init().main(["--uri", uri]) == 0
    assert mongo_init().main(["--uri", uri]) == 0  # idempotent
    out = capsys.readouterr().out.splitlines()
    assert out.count("index links.links_site_first: ok") == 2
    assert out[-1].startswith("sharding skipped: not a sharded cluster")
    with open_index(uri, create=False) as index:
        info = index.db["links"].index_information()
        assert {n for n, _, _ in LINK_INDEXES} <= set(info)
        assert info["links_site_lost"]["partialFilterExpression"] == {"status": "lost"}


def test_mongo_init_bad_uri(capsys):
    assert mongo_init().main(["--uri", "sqlite:///x.db"]) == 2
    assert capsys.readouterr().err == "mongo-init: error: give --uri mongodb://host:port/db\n"


def test_query_for_a_missing_database_says_so():
    with pytest.raises(OSError, match="holds no backlinks index"):
        open_index(f"mongomock://{uuid.uuid4().hex[:8]}/empty", create=False)


@pytest.mark.skipif(not MONGO_URI, reason="set MONGO_URI to check query plans on a real MongoDB")
def test_query_plans_on_a_real_server():
    uri = real_mongo_uri(f"plans_{uuid.uuid4().hex[:8]}")
    with open_index(uri) as index:
        try:
            load(index)
            links = index.db["links"]
            cases = [
                (match(parse_target("t.com"), LinkFilter.make()), [("first_seen", -1), ("_id", -1)],
                 "links_site_first"),
                (match(parse_target("t.com"), LinkFilter.make()), [("toxicity", -1), ("_id", -1)],
                 "links_site_toxicity"),
                (match(parse_target("t.com/blog/"), LinkFilter.make()), None, "links_host_path"),
            ]  # fmt: skip
            for query, sort, expected in cases:
                cursor = links.find(query)
                if sort:
                    cursor = cursor.sort(sort)
                plan = str(cursor.limit(50).explain()["queryPlanner"]["winningPlan"])
                assert expected in plan and "COLLSCAN" not in plan, plan
                if sort:
                    assert "'SORT'" not in plan, plan
        finally:
            index.client.drop_database(index.db.name)
