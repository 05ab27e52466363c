"""Prepare a MongoDB database for the link index: create the indexes and, on a sharded
cluster (mongos), shard the collections. Idempotent: run it again at will.

    python deploy/mongo-init.py --uri mongodb://mongos:27017/backlinks

On a server that is not a sharded cluster it creates the indexes and says that sharding
was skipped. Layout and the choice of shard keys: crawler/index/mongo_layout.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.index import IndexUnavailable, open_index  # noqa: E402
from crawler.index.mongo_layout import SHARD_KEYS, ensure_indexes, shard_collections  # noqa: E402


def is_sharded_cluster(client) -> bool:
    """True when connected to a mongos (``isdbgrid``)."""
    try:
        return client.admin.command("hello").get("msg") == "isdbgrid"
    except Exception:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mongo-init.py", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--uri",
        default=os.environ.get("BACKLINKS_INDEX_URI", ""),
        help="mongodb://host:port/db (default: the BACKLINKS_INDEX_URI environment variable)",
    )
    args = parser.parse_args(argv)
    uri = args.uri.strip()
    if not uri.lower().startswith(("mongodb://", "mongodb+srv://", "mongomock://")):
        print("mongo-init: error: give --uri mongodb://host:port/db", file=sys.stderr)
        return 2
    try:
        index = open_index(uri)
    except ValueError as exc:
        print(f"mongo-init: error: {exc}", file=sys.stderr)
        return 2
    except IndexUnavailable as exc:
        print(f"mongo-init: error: {exc}", file=sys.stderr)
        return 1
    with index:
        db = index.db  # type: ignore[attr-defined]
        for name in ensure_indexes(db):
            print(f"index {name}: ok")
        if is_sharded_cluster(index.client):  # type: ignore[attr-defined]
            for done in shard_collections(index.client, db.name):  # type: ignore[attr-defined]
                print(f"sharded {done}")
        else:
            keys = ", ".join(f"{c} on {k}" for c, k in SHARD_KEYS.items())
            print(f"sharding skipped: not a sharded cluster (would shard {keys})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
