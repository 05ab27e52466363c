"""The compiled write path (crawler/_fastwrite.pyx) stores exactly what the pure-Python
one does: the same rows, counters and pages, byte for byte."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from bench.bench_index import pages, target_sites
from crawler.index import PageLinks, open_index, sqlite_write
from tests.index_data import load

pytestmark = pytest.mark.skipif(sqlite_write.add_new_links is None,
                                reason="crawler._fastwrite is not built")  # fmt: skip


def history(index) -> None:
    """New pages (the compiled path), then recrawls, repeats and losses (the Python one)."""
    load(index)
    batch = list(pages(3_000, target_sites(40), 300))
    index.write(batch[:60])
    # A page twice in one batch, a recrawl with fewer links, new pages alongside.
    again = [replace(p, fetched_at="2026-02-01T00:00:00Z", backlinks=p.backlinks[:7])
             for p in batch[:10]]  # fmt: skip
    index.write([*again, batch[60], batch[60], *batch[61:120]])
    # Pages without an address, links with their own, a link to a new target type.
    odd = [replace(p, source_ip=None, backlinks=tuple(
        replace(b, source_ip="2001:db8::7" if i % 2 else None, type="unknown-type")
        for i, b in enumerate(p.backlinks))) for p in batch[120:130]]  # fmt: skip
    index.write(odd + batch[130:])
    index.write([PageLinks(batch[0].source_url, "2026-03-01T00:00:00Z", 404, (), None)])


def dump(path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("names", "pages", "links", "targets")}  # fmt: skip
    finally:
        conn.close()


def test_compiled_and_python_write_paths_store_the_same(tmp_path, monkeypatch):
    with open_index(f"sqlite:///{tmp_path / 'compiled.db'}") as index:
        history(index)
    monkeypatch.setattr(sqlite_write, "add_new_links", None)
    with open_index(f"sqlite:///{tmp_path / 'python.db'}") as index:
        history(index)
    compiled, python = dump(tmp_path / "compiled.db"), dump(tmp_path / "python.db")
    assert len(compiled["links"]) > 2_500
    for table in compiled:
        assert compiled[table] == python[table], table


def test_names_of_a_rolled_back_write_are_not_kept(tmp_path, monkeypatch):
    """Names looked up or added inside a write that fails are forgotten with it: the ids
    they had may go to other names afterwards."""
    batch = list(pages(400, target_sites(5), 40))
    with open_index(f"sqlite:///{tmp_path / 'i.db'}") as index:
        def fail(self, conn):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(sqlite_write.TargetCounts, "write", fail)
        with pytest.raises(RuntimeError):
            index.write(batch[:10])
        monkeypatch.undo()
        assert index.count_backlinks() == 0
        index.write(batch[10:])
        index.write(batch[:10])
        expected = {p.source_url.split("/")[2].split(".", 1)[1] for p in batch}
        linking = {p.source_url.split("/")[2].split(".", 1)[1] for p in batch
                   if any(b.target_site == "target0.com" for b in p.backlinks)}  # fmt: skip
        assert {r.source_site for r in index.domains("target0.com", limit=0)} == linking
        stored = {b.source_site for b in index.iter_backlinks()}
        assert stored == expected
        conn = index._conn
        assert {name for (name,) in conn.execute(
            "SELECT name FROM names WHERE id IN (SELECT source_site_id FROM links)")} == expected
