"""The write path of the SQLite index: pages and their backlinks in one transaction.

The writer reads, inside its ``BEGIN IMMEDIATE`` transaction, the stored state of every
link of the pages it writes (by the rowids each page keeps in ``link_rows``), decides in
Python what each link becomes (new, seen again, revived, stale, lost) exactly as the
MongoDB backend does, and writes plain INSERTs and UPDATEs by rowid. Knowing each link's
state before and after is what keeps the per-target counters (``targets``) exact, also
with several writer processes: they are updated in the same transaction.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from collections import Counter
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any

from crawler.compiled import stale_build
from crawler.index import sqlite_schema
from crawler.index.base import GONE_STATUSES, PageLinks
from crawler.index.keys import source_keys, sqlite_link_ids, subnet_of, target_keys
from crawler.index.records import WriteResult
from crawler.index.sqlite_schema import (
    CONTENT_COLUMNS,
    COUNTERS,
    INSERT_LINK,
    INSERT_NAME,
    INSERT_PAGE,
    MARK_LOST,
    RECORD_COLUMNS,
    RESET_TARGET_TIMES,
    SELECT_NAME,
    STORED_RECORD,
    UPDATE_FETCH,
    UPDATE_FETCH_GONE,
    UPDATE_LINK,
    UPDATE_PAGE,
    UPSERT_TARGET,
    generations,
    gens_in,
    select_in,
)
from crawler.vocab import POTENTIALLY_TOXIC_MIN, TOXIC_MIN, TYPES

try:  # the compiled hot path (setup.py builds it; BACKLINKS_PURE_PYTHON=1 leaves it out)
    from crawler._fastwrite import add_new_links
except ImportError:  # pragma: no cover - not built
    add_new_links = None
if os.environ.get("BACKLINKS_PURE_PYTHON") or stale_build():
    add_new_links = None

#: Names kept in memory per process (sites, hosts, addresses); past this the map restarts.
NAME_CACHE = 1_000_000

#: A parsed page ready to write: source URL, status, fetch time, source site, address,
#: its links as (link_id, target site, target host, record columns), and whether they are
#: all the page's (PageLinks.complete).
Prepared = tuple[str, int, str, str, "str | None", list[tuple[int, str, str, tuple]], bool]

# Positions in a prepared link's record (RECORD_COLUMNS order).
_R = {name: i for i, name in enumerate(RECORD_COLUMNS)}
R_NOFOLLOW, R_TYPE, R_TOXICITY, R_IP = _R["nofollow"], _R["type"], _R["toxicity"], _R["source_ip"]
#: The record columns UPDATE_LINK overwrites, in its order.
_record_content = itemgetter(*(i for i, c in enumerate(RECORD_COLUMNS) if c in CONTENT_COLUMNS))
#: The record columns ``links`` stores, in INSERT_LINK's order.
_record_stored = itemgetter(*STORED_RECORD)
# Positions in a stored link's state (``_STATE_SQL``).
_ROWID, _STATUS, _LOST_AT, _LAST_SEEN, _SITE, _NOFOLLOW, _TOXICITY, _TYPE = range(8)
_TYPE_SLOT = {name: 5 + i for i, name in enumerate(TYPES)}
# Positions in a stored page (``_pages_of``).
_ID, _FETCHED, _CARRIED, _ROWS, _PAGE_STATUS = range(5)


_SLOTS: dict[tuple[str, int, int, str], tuple[int, ...]] = {}


def _slots(status: str, nofollow: int, toxicity: int, type_: str) -> tuple[int, ...]:
    """The COUNTERS one link in this state counts in (each by one)."""
    key = (status, nofollow, toxicity, type_)
    found = _SLOTS.get(key)
    if found is not None:
        return found
    if status != "live":
        slots = [1]
    else:
        slots = [0]
        if not nofollow:
            slots.append(2)
        if toxicity >= TOXIC_MIN:
            slots.append(3)
        elif toxicity >= POTENTIALLY_TOXIC_MIN:
            slots.append(4)
        if type_ in _TYPE_SLOT:
            slots.append(_TYPE_SLOT[type_])
    if len(_SLOTS) < 10_000:
        _SLOTS[key] = tuple(slots)
    return tuple(slots)


class TargetCounts:
    """Changes to the ``targets`` rows of one transaction: per target, the counts of the
    link states that appeared (+1) or went away (-1), and the times seen."""

    def __init__(self) -> None:
        self.sums: dict[int, list[int]] = {}
        self.times: dict[int, list[str]] = {}
        #: Targets a link moved away from or to: their first/last seen are recomputed.
        self.moved: set[int] = set()

    def add(self, site: int, status: str, nofollow: int, toxicity: int, type_: str,
            n: int = 1) -> None:  # fmt: skip
        total = self.sums.get(site)
        if total is None:
            total = self.sums[site] = [0] * len(COUNTERS)
        for i in _slots(status, nofollow, toxicity, type_):
            total[i] += n

    def seen(self, site: int, when: str) -> None:
        times = self.times.get(site)
        if times is None:
            self.times[site] = [when, when]
        elif when < times[0]:
            times[0] = when
        elif when > times[1]:
            times[1] = when

    def rows(self) -> list[tuple]:
        times, sums = self.times, self.sums
        none = (None, None)
        zero = [0] * len(COUNTERS)
        rows = [(site, *times.get(site, none), *total) for site, total in sums.items()]
        rows += [(site, *times[site], *zero) for site in times.keys() - sums.keys()]
        return rows

    def write(self, conn: sqlite3.Connection) -> None:
        conn.executemany(UPSERT_TARGET, self.rows())
        if self.moved:
            reset = RESET_TARGET_TIMES.replace("{gens}", gens_in(generations(conn)))
            for site in self.moved:
                conn.execute(reset, (site,))
_STATE_SQL = (
    "SELECT page_id, link_id, id, status, lost_at, last_seen, site_id, nofollow, toxicity, type "
    "FROM links WHERE id IN ({in})"
)


def pack(ids: list[int]) -> bytes:
    return struct.pack(f">{len(ids)}q", *ids)


def unpack(blob: bytes | None) -> list[int]:
    if not blob:
        return []
    return list(struct.unpack(f">{len(blob) // 8}q", blob))


def prepare_pure(page: PageLinks) -> Prepared:
    """Normalise a page and build its link rows (no database access): per link its
    ``target_keys``, its ``sqlite_link_id`` (the page's part of the hash done once) and its
    record. Link rows are keyed by link id: a target repeated on the page keeps its first
    place and its last record.

    :data:`prepare` is this, or its compiled twin ``crawler._fastprepare.prepare`` (same
    rows, byte for byte) when that is built and ``BACKLINKS_PURE_PYTHON`` is not set."""
    source_url, source_host, source_site = source_keys(page.source_url)
    seen = page.fetched_at
    page_ip = page.source_ip
    link_id, join = sqlite_link_ids(source_url), " ".join
    links: dict[int, tuple[int, str, str, tuple]] = {}
    for b in page.backlinks:
        target_url, target_host, target_site, target_path = target_keys(b)
        ident = link_id(target_url)
        links[ident] = (ident, target_site, target_host, (
            source_url, source_host, source_site,
            target_url, target_host, target_site, target_path,
            b.anchor, join(b.rel), int(b.nofollow), int(b.ugc), int(b.sponsored),
            b.nofollow_by, b.kind, b.position, b.context, int(b.hidden), b.region,
            b.count, b.type, b.origin, int(b.toxicity), join(b.toxic_markers),
            b.type_reason, seen, seen, None, "live", page_ip or b.source_ip,
        ))  # fmt: skip
    return source_url, page.status, seen, source_site, page_ip, list(links.values()), page.complete


try:  # built with the compiled extractor (setup.py); optional
    from crawler._fastprepare import prepare as prepare_compiled
except ImportError:  # pragma: no cover - not built
    prepare_compiled = None

#: Normalise a page and build its link rows (no database access): ``prepare_compiled`` when
#: built and BACKLINKS_PURE_PYTHON is not set (read at import), else ``prepare_pure``.
prepare: Callable[[PageLinks], Prepared] = (
    prepare_compiled
    if prepare_compiled is not None and not os.environ.get("BACKLINKS_PURE_PYTHON") and not stale_build()
    else prepare_pure
)


_SELECT_NAMES = "SELECT id, name FROM names WHERE name IN ({in})"


class _NameIds(dict):
    """name -> id of the ``names`` table, kept in memory per process. Looking up a name
    not yet known reads it, or adds it (inside the write transaction): ``fresh`` lists
    those, to be forgotten if the transaction rolls back."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__()
        self.conn = conn
        self.fresh: list[str] = []

    def __missing__(self, name: str) -> int:
        conn = self.conn
        row = conn.execute(SELECT_NAME, (name,)).fetchone()
        if row is None:
            ident = conn.execute(INSERT_NAME, (name,)).lastrowid
        else:
            ident = row[0]
        self[name] = ident
        self.fresh.append(name)
        return ident

    def resolve(self, names: Iterable[str]) -> None:
        """Look up (or add) the names not yet known in a few statements: one ``IN`` list
        per 500 names instead of a SELECT and an INSERT per name."""
        wanted = [name for name in dict.fromkeys(names) if name not in self]
        for _ in range(2):
            for ident, name in select_in(self.conn, _SELECT_NAMES, wanted):
                self[name] = ident
                self.fresh.append(name)
            wanted = [name for name in wanted if name not in self]
            if not wanted:
                return
            self.conn.executemany(INSERT_NAME, [(name,) for name in wanted])
        raise AssertionError(f"names not stored: {wanted[:3]}")

    def forget_fresh(self) -> None:
        for name in self.fresh:
            self.pop(name, None)
        self.fresh.clear()


class SqliteWriter:
    """Mixin: ``write`` and ``record_fetches`` over ``self._conn``, inside
    ``self._transaction`` (which calls ``_committed``/``_rolled_back``)."""

    _conn: sqlite3.Connection

    def _init_writer(self) -> None:
        self._names = _NameIds(self._conn)
        #: A new link's generation is its rowid >> this (read once: tests make it small).
        self._gen_bits = sqlite_schema.GEN_BITS

    # --- names ----------------------------------------------------------------------------
    def _committed(self) -> None:
        names = self._names
        names.fresh.clear()
        if len(names) > NAME_CACHE:
            names.clear()

    def _rolled_back(self) -> None:
        # Ids handed out in a rolled-back transaction may go to other names.
        self._names.forget_fresh()

    # --- pages ----------------------------------------------------------------------------
    def _pages_of(self, urls: list[str]) -> dict[str, list[Any]]:
        """url -> [id, fetched_at, link_ids, link_rows, status] of the stored pages among
        ``urls``."""
        found: dict[str, list[Any]] = {}
        for url, *rest in select_in(
            self._conn,
            "SELECT url, id, fetched_at, link_ids, link_rows, status FROM pages WHERE url IN ({in})",
            list(dict.fromkeys(urls)),
        ):
            rest[_ROWS] = unpack(rest[_ROWS])
            found[url] = rest
        return found

    def _links_of(self, pages: Iterable[list[Any]]) -> dict[int, dict[int, list[Any]]]:
        """page id -> link_id -> [rowid, status, lost_at, last_seen, site_id, nofollow,
        toxicity, type] of every stored link of those pages (by the rowids they keep)."""
        rowids = [rowid for page in pages for rowid in page[_ROWS]]
        found: dict[int, dict[int, list[Any]]] = {}
        for page_id, ident, *state in select_in(self._conn, _STATE_SQL, rowids):
            found.setdefault(page_id, {})[ident] = state
        return found

    def _next_id(self, table: str) -> int:
        return (self._conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0) + 1

    # --- writes ---------------------------------------------------------------------------
    def _write_prepared(self, prepared: list[Prepared]) -> WriteResult:
        conn = self._conn
        ids = self._names
        # Every name the batch refers to, looked up (or added) in bulk: new sources,
        # addresses and targets cost no statement of their own.
        ids.resolve(_batch_names(prepared))
        pages = self._pages_of([p[0] for p in prepared])
        states = self._links_of(pages.values())
        next_link = self._next_id("links")
        next_page = self._next_id("pages")
        inserts: list[tuple] = []
        updates: list[tuple] = []
        losses: list[tuple[str, int]] = []
        new_pages: set[int] = set()
        changed: dict[int, tuple[str, list[Any]]] = {}
        inserted = updated = lost = revived = 0
        counters = TargetCounts()
        add, times = counters.add, counters.seen
        repeated = {url for url, n in Counter(p[0] for p in prepared).items() if n > 1}
        fresh: dict[tuple[int, Any, int, str], int] = {}
        fresh_get = fresh.get
        gen_bits = self._gen_bits
        for source_url, status, seen, source_site, page_ip, links, complete in prepared:
            stored = pages.get(source_url)
            if stored is None:
                page_id = next_page
                next_page += 1
                stored = pages[source_url] = [page_id, seen, None, [], status]
                state: dict[int, list[Any]] = {}
                states[page_id] = state
                new_pages.add(page_id)
                fresh_page = True
                # A new page's links need no state unless the batch has it again.
                keep = source_url in repeated
            else:
                page_id = stored[0]
                state = states.setdefault(page_id, {})
                fresh_page = False
                keep = True
            changed[page_id] = (source_url, stored)
            rows = stored[_ROWS]
            stale = stored[1] > seen
            source_site_id = ids[source_site]
            page_address = _address_ids(ids, page_ip)
            if not keep and add_new_links is not None:
                # A new page seen once in the batch: every link is new (the hot path of a
                # write, compiled: crawler/_fastwrite.pyx).
                first = next_link
                next_link = add_new_links(
                    links, inserts, ids, page_ip, page_address, _address_ids, next_link,
                    gen_bits, page_id, source_site_id, counters.sums, counters.times, seen,
                    _TYPE_SLOT, len(COUNTERS), TOXIC_MIN, POTENTIALLY_TOXIC_MIN,
                    R_IP, R_NOFOLLOW, R_TOXICITY, R_TYPE, STORED_RECORD,
                )  # fmt: skip
                rows.extend(range(first, next_link))
                inserted += next_link - first
            elif not keep:
                # The same in Python: counted per target state in ``fresh``, spread on
                # COUNTERS after.
                first = next_link
                for ident, site, host, record in links:
                    ip = record[R_IP]
                    ip_id, subnet_id = page_address if ip == page_ip else _address_ids(ids, ip)
                    site_id = ids[site]
                    inserts.append((next_link, next_link >> gen_bits, page_id, ident, site_id,
                                    ids[host], source_site_id, ip_id, subnet_id,
                                    *_record_stored(record)))  # fmt: skip
                    next_link += 1
                    key = (site_id, record[R_NOFOLLOW], record[R_TOXICITY], record[R_TYPE])
                    fresh[key] = fresh_get(key, 0) + 1
                    times(site_id, seen)
                rows.extend(range(first, next_link))
                inserted += next_link - first
            for ident, site, host, record in links if keep else ():
                ip = record[R_IP]
                ip_id, subnet_id = page_address if ip == page_ip else _address_ids(ids, ip)
                known = state.get(ident)
                site_id = ids[site]
                nofollow, type_, toxicity = record[R_NOFOLLOW], record[R_TYPE], record[R_TOXICITY]
                if known is None:
                    inserted += 1
                    inserts.append((next_link, next_link >> gen_bits, page_id, ident, site_id,
                                    ids[host], source_site_id, ip_id, subnet_id,
                                    *_record_stored(record)))  # fmt: skip
                    state[ident] = [next_link, "live", None, seen, site_id, nofollow,
                                    toxicity, type_]  # fmt: skip
                    rows.append(next_link)
                    next_link += 1
                    key = (site_id, nofollow, toxicity, type_)
                    fresh[key] = fresh_get(key, 0) + 1
                    times(site_id, seen)
                    continue
                if seen < known[_LAST_SEEN] or (known[_LOST_AT] or "") > seen:
                    continue  # an older observation than the one stored
                if known[_STATUS] == "lost":
                    revived += 1
                else:
                    updated += 1
                updates.append((site_id, ids[host], source_site_id, ip_id, subnet_id,
                                *_record_content(record), seen, seen,
                                known[_ROWID]))  # fmt: skip
                add(known[_SITE], known[_STATUS], known[_NOFOLLOW], known[_TOXICITY],
                    known[_TYPE], -1)  # fmt: skip
                add(site_id, "live", nofollow, toxicity, type_)
                times(site_id, seen)
                if known[_SITE] != site_id:  # its first_seen comes along: recompute both
                    counters.moved.update((known[_SITE], site_id))
                known[1:] = ["live", None, seen, site_id, nofollow, toxicity, type_]
            if stale:
                continue
            carried = [link[0] for link in links]
            if not complete:
                # Only some of the page's links: none is lost, the ones not seen stay its.
                carried = list(dict.fromkeys([*carried, *unpack(stored[_CARRIED])]))
            elif not fresh_page:
                lost += _lose_dropped(counters, state, stored[_CARRIED], set(carried), seen,
                                      losses)  # fmt: skip
            stored[_FETCHED], stored[_CARRIED], stored[_PAGE_STATUS] = seen, pack(carried), status
        for (site_id, nofollow, toxicity, type_), n in fresh.items():
            add(site_id, "live", nofollow, toxicity, type_, n)
        conn.executemany(INSERT_PAGE, [
            (page_id, url, s[_PAGE_STATUS], s[_FETCHED], s[_CARRIED], pack(s[_ROWS]))
            for page_id, (url, s) in changed.items() if page_id in new_pages
        ])  # fmt: skip
        conn.executemany(UPDATE_PAGE, [
            (s[_PAGE_STATUS], s[_FETCHED], s[_CARRIED], pack(s[_ROWS]), page_id)
            for page_id, (url, s) in changed.items() if page_id not in new_pages
        ])  # fmt: skip
        conn.executemany(INSERT_LINK, inserts)
        conn.executemany(UPDATE_LINK, updates)
        conn.executemany(MARK_LOST, losses)
        counters.write(conn)
        return WriteResult(inserted, updated, lost, revived, len(prepared))

    def _record(self, items: list[tuple[str, int, str]]) -> None:
        conn = self._conn
        pages = self._pages_of([url for url, _, _ in items])
        states = self._links_of(
            pages[url] for url, status, _ in items if status in GONE_STATUSES and url in pages
        )
        counters = TargetCounts()
        next_page = self._next_id("pages")
        new_pages: set[int] = set()
        # page id -> [url, status, fetched_at, gone]: the page's row after the batch (gone:
        # its link list was dropped).
        rows: dict[int, list[Any]] = {}
        losses: list[tuple[str, int]] = []
        for url, status, fetched_at in items:
            stored = pages.get(url)
            if stored is None:
                pages[url] = [next_page, fetched_at, None, [], status]
                rows[next_page] = [url, status, fetched_at, False]
                new_pages.add(next_page)
                next_page += 1
                continue
            if stored[_FETCHED] > fetched_at:
                continue
            page_id = stored[_ID]
            row = rows.setdefault(page_id, [url, status, fetched_at, False])
            row[1], row[2] = status, fetched_at
            if status in GONE_STATUSES:
                _lose_dropped(counters, states.get(page_id, {}), stored[_CARRIED], set(),
                              fetched_at, losses)  # fmt: skip
                stored[_CARRIED] = None
                row[3] = True
            stored[_FETCHED] = fetched_at
        conn.executemany(INSERT_PAGE, [
            (page_id, url, status, fetched_at, None, None)
            for page_id, (url, status, fetched_at, _) in rows.items() if page_id in new_pages
        ])  # fmt: skip
        for statement, gone in ((UPDATE_FETCH_GONE, True), (UPDATE_FETCH, False)):
            conn.executemany(statement, [
                (status, fetched_at, page_id)
                for page_id, (_, status, fetched_at, dropped) in rows.items()
                if page_id not in new_pages and dropped is gone
            ])  # fmt: skip
        conn.executemany(MARK_LOST, losses)
        counters.write(conn)


_site_of_link, _host_of_link, _record_of_link = itemgetter(1), itemgetter(2), itemgetter(3)
_ip_of_record = itemgetter(R_IP)


def _batch_names(prepared: list[Prepared]) -> list[str]:
    """The names the rows of a batch refer to: each page's site, each link's target site
    and host, then every source address (the pages' and any link's own) and its network.
    Gathered with C-level maps: a batch has tens of thousands."""
    names: list[str] = []
    addresses: dict[str | None, None] = {}
    for _, _, _, source_site, page_ip, links, _ in prepared:
        names.append(source_site)
        addresses[page_ip] = None
        names += map(_site_of_link, links)
        names += map(_host_of_link, links)
        addresses.update(dict.fromkeys(map(_ip_of_record, map(_record_of_link, links))))
    for ip in addresses:
        if ip:
            names.append(ip)
            names.append(subnet_of(ip) or ip)
    return names


def _address_ids(ids: dict[str, int], ip: str | None) -> tuple[int | None, int | None]:
    """Name ids of a source address and of its /24 (/48) network; (None, None) without one."""
    if not ip:
        return None, None
    return ids[ip], ids[subnet_of(ip) or ip]


def _lose_dropped(
    counters: TargetCounts, state: dict[int, list[Any]], carried: bytes | None,
    now: set[int], when: str, losses: list[tuple[str, int]],
) -> int:  # fmt: skip
    """Lose the links a page carried (``carried``, packed identities) that it no longer
    does (not in ``now``) and that are live and not seen after ``when``: their MARK_LOST
    rows go to ``losses``. How many were lost."""
    lost = 0
    for ident in unpack(carried):
        known = state.get(ident)
        if (ident not in now and known is not None and known[_STATUS] == "live"
                and known[_LAST_SEEN] <= when):  # fmt: skip
            losses.append((when, known[_ROWID]))
            _lose(counters, known, when)
            lost += 1
    return lost


def _lose(counters: TargetCounts, known: list[Any], when: str) -> None:
    """Count a live link as lost (the caller writes MARK_LOST)."""
    site, nofollow, toxicity, type_ = known[_SITE:]
    counters.add(site, "live", nofollow, toxicity, type_, -1)
    counters.add(site, "lost", nofollow, toxicity, type_)
    known[_STATUS], known[_LOST_AT] = "lost", when
