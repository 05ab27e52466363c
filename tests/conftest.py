"""Shared fixtures.

Redis: ``redis_server`` (a real redis-server on a free port, one per test module) and
``redis_client`` (a client on a freshly flushed database).

Index backends: ``any_index`` / ``any_index_uri`` run a test on SQLite, on MongoDB through
mongomock, and on a real MongoDB server when the environment variable MONGO_URI is set (a
fresh database per test, dropped afterwards).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from crawler.index import open_index
from tests.redis_server import RedisServer, fresh_client

MONGO_URI = os.environ.get("MONGO_URI", "").strip()
INDEX_BACKENDS = [
    "sqlite",
    # SQLite with generations of two links, so that every view reads many of them.
    "sqlite-gens",
    "mongomock",
    pytest.param(
        "mongodb",
        marks=pytest.mark.skipif(not MONGO_URI, reason="set MONGO_URI to test a real MongoDB"),
    ),
]


def real_mongo_uri(db_name: str) -> str:
    """MONGO_URI with its database replaced by ``db_name`` (options kept)."""
    base, _, options = MONGO_URI.partition("?")
    scheme, _, rest = base.partition("://")
    hosts = rest.split("/", 1)[0]
    return f"{scheme}://{hosts}/{db_name}" + (f"?{options}" if options else "")


@contextmanager
def backend_uri(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URI for a fresh index on ``backend``; its data is removed afterwards."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / f'{name}.db'}"
    elif backend == "sqlite-gens":
        from crawler.index import sqlite_schema

        saved, sqlite_schema.GEN_BITS = sqlite_schema.GEN_BITS, 1
        try:
            yield f"sqlite:///{tmp_path / f'{name}.db'}"
        finally:
            sqlite_schema.GEN_BITS = saved
    elif backend == "mongomock":
        yield f"mongomock://{name}/backlinks"
        from crawler.index.mongo import mongomock_client

        mongomock_client(name).drop_database("backlinks")
    else:
        yield real_mongo_uri(name)
        from pymongo import MongoClient

        client = MongoClient(MONGO_URI)
        client.drop_database(name)
        client.close()


@pytest.fixture(params=INDEX_BACKENDS)
def any_index_uri(request, tmp_path) -> Iterator[str]:
    with backend_uri(request.param, tmp_path) as uri:
        yield uri


@pytest.fixture
def any_index(any_index_uri):
    """A fresh, empty LinkIndex on each backend."""
    with open_index(any_index_uri) as index:
        yield index


@pytest.fixture(scope="module")
def redis_server():
    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_client(redis_server):
    return fresh_client(redis_server)
