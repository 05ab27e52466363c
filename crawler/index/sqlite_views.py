"""The per-target views of the SQLite index, in SQL. Every value reaches SQLite as a bound
parameter; the only text put into the SQL is column names from fixed lists and the
generation numbers the index reads from itself (integers, see ``sqlite_schema``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from crawler.index.query import SORT_FIELDS, LinkFilter, Sort, Target
from crawler.index.records import AnchorRow, BrokenBacklink, DomainRow, PageRow, Summary
from crawler.index.sqlite_schema import (
    COUNTERS,
    DERIVED_COLUMNS,
    RECORD_COLUMNS,
    generations,
    gens_in,
    select_in,
)
from crawler.items import Backlink
from crawler.urls import host_of
from crawler.vocab import POTENTIALLY_TOXIC_MIN, TOXIC_MIN, TYPES

#: The link record of ``links l``, RECORD_COLUMNS in order: stored columns as they are,
#: derived ones from the page and the names (source_host is filled in by ``backlink_of``).
SELECT_RECORD = ", ".join(
    f"l.{c}" if c not in DERIVED_COLUMNS else (DERIVED_COLUMNS[c] or "NULL") for c in RECORD_COLUMNS
)
#: A link's source URL and site, in SQL over ``links l``.
SOURCE_URL = DERIVED_COLUMNS["source_url"]
SOURCE_SITE = DERIVED_COLUMNS["source_site"]
#: The filter of a summary without filters (LinkIndex.summary clears the status).
_NO_FILTER = LinkFilter(status=None)


def backlink_of(row: tuple) -> Backlink:
    """A ``links`` row (RECORD_COLUMNS order) as a link record."""
    (source_url, source_host, source_site, target_url, target_host, target_site, target_path,
     anchor, rel, nofollow, ugc, sponsored, nofollow_by, kind, position, context, hidden,
     region, count, type_, origin, toxicity, markers, type_reason, first_seen, last_seen,
     lost_at, status, source_ip) = row  # fmt: skip
    if source_host is None:
        source_host = _host_of_source(source_url)
    return Backlink(
        source_url, source_host, source_site, target_url, target_host, target_site,
        target_path, anchor, rel.split() if rel else [], bool(nofollow), bool(ugc),
        bool(sponsored), nofollow_by, kind, position, context, bool(hidden), region, count,
        type_, origin, toxicity, markers.split() if markers else [], type_reason,
        first_seen, last_seen, lost_at, status, source_ip,
    )  # fmt: skip


@lru_cache(maxsize=4096)
def _host_of_source(url: str) -> str:
    """The host a link's source URL was stored under (crawler.index.keys.source_keys)."""
    return host_of(url)


def where(
    target: Target, flt: LinkFilter, name_id: Callable[[str], int], gens: list[int]
) -> tuple[str, list[Any]]:
    """The WHERE clause (on ``links l``) and its parameters for a target and a filter;
    ``name_id`` gives the id of a site or host name (-1 for a name never stored), ``gens``
    the generations to read."""
    # Every target kind names its site: the ranges of ``links_site`` to scan, one per
    # generation.
    if len(gens) == 1:
        generation = f"l.gen = {gens_in(gens)}"
    else:
        generation = f"l.gen IN ({gens_in(gens)})"
    parts: list[str] = [generation, "l.site_id = ?"]
    params: list[Any] = [name_id(target.site)]
    if target.kind != "site":
        parts.append("l.host_id = ?")
        params.append(name_id(target.host))
        if target.kind == "url":
            parts.append("l.target_path = ?")
            params.append(target.path)
            if target.url:
                parts.append("l.target_url = ?")
                params.append(target.url)
        elif target.kind == "prefix":
            if target.path:
                parts.append("l.target_path >= ? AND l.target_path < ?")
                params += [target.path, target.path_end]
            if target.scheme:
                parts.append("substr(l.target_url, 1, ?) = ?")
                params += [len(target.scheme) + 3, target.scheme + "://"]
    if flt.types:
        parts.append(f"l.type IN ({', '.join('?' * len(flt.types))})")
        params += flt.types
    if flt.dofollow is not None:
        parts.append("l.nofollow = ?")
        params.append(0 if flt.dofollow else 1)
    if flt.rel:
        parts.append("instr(' ' || l.rel || ' ', ?) > 0")
        params.append(f" {flt.rel} ")
    if flt.positions:
        parts.append(f"l.position IN ({', '.join('?' * len(flt.positions))})")
        params += flt.positions
    if flt.status:
        parts.append("l.status = ?")
        params.append(flt.status)
    if flt.min_toxicity is not None:
        parts.append("l.toxicity >= ?")
        params.append(flt.min_toxicity)
    if flt.max_toxicity is not None:
        parts.append("l.toxicity <= ?")
        params.append(flt.max_toxicity)
    if flt.source_site:
        parts.append("l.source_site_id = ?")
        params.append(name_id(flt.source_site))
    if flt.first_seen_since:
        parts.append("l.first_seen >= ?")
        params.append(flt.first_seen_since)
    if flt.lost_since:
        parts.append("l.lost_at >= ?")
        params.append(flt.lost_since)
    return " AND ".join(parts), params


#: The sort key of a domain's "best" link, smallest first: followed, in the content,
#: with an anchor, least toxic, oldest, then by URL; the anchor rides after \x02.
_BEST = (
    "min(printf('%d%d%d%03d', l.nofollow, l.position <> 'content', l.anchor = '', l.toxicity)"
    f" || l.first_seen || char(1) || {SOURCE_URL} || char(1) || l.target_url"
    " || char(2) || l.anchor)"
)


class SqliteViews:
    """Mixin: the view primitives of LinkIndex over ``self._conn``."""

    _conn: sqlite3.Connection
    _names: dict[str, int]

    def _name_id(self, name: str) -> int:
        """The id of a stored name, -1 if it was never stored (matches no row)."""
        known = self._names.get(name)
        if known is not None:
            return known
        row = self._conn.execute("SELECT id FROM names WHERE name = ?", (name,)).fetchone()
        return row[0] if row else -1

    def _where(
        self, target: Target, flt: LinkFilter, gens: list[int] | None = None
    ) -> tuple[str, list[Any]]:
        """The WHERE clause of a target and a filter over ``gens`` (default: all)."""
        if gens is None:
            gens = generations(self._conn)
        return where(target, flt, self._name_id, gens)

    def _query(self, sql: str, params: list[Any]) -> list[tuple]:
        return self._conn.execute(sql, params).fetchall()

    def _summary(self, target: Target, flt: LinkFilter) -> Summary:
        if target.kind == "site" and flt == _NO_FILTER:
            return self._site_summary(target)
        clause, params = self._where(target, flt)
        live = "l.status = 'live'"
        per_type = ", ".join(f"coalesce(sum({live} AND l.type = ?), 0)" for _ in TYPES)
        row = self._query(
            f"""SELECT coalesce(sum({live}), 0), coalesce(sum(l.status = 'lost'), 0),
                coalesce(sum({live} AND l.nofollow = 0), 0),
                coalesce(sum({live} AND l.toxicity >= ?), 0),
                coalesce(sum({live} AND l.toxicity >= ? AND l.toxicity < ?), 0),
                {per_type}, min(l.first_seen), max(l.last_seen)
            FROM links l WHERE {clause}""",
            [TOXIC_MIN, POTENTIALLY_TOXIC_MIN, TOXIC_MIN, *TYPES, *params],
        )[0]
        return self._summary_of(target, row[:-2], row[-2], row[-1], clause, params)

    def _site_summary(self, target: Target) -> Summary:
        """A site without filters: the counters the writer keeps, and the distinct
        referrers from the index."""
        clause, params = self._where(target, _NO_FILTER)
        row = self._conn.execute(
            f"SELECT {', '.join(COUNTERS)}, first_seen, last_seen FROM targets "
            "WHERE site_id = ?",
            params[:1],
        ).fetchone()
        if row is None:
            row = (0,) * len(COUNTERS) + (None, None)
        return self._summary_of(target, row[:-2], row[-2], row[-1], clause, params)

    def _summary_of(
        self, target: Target, counts: tuple, first: str | None, last: str | None,
        clause: str, params: list[Any],
    ) -> Summary:  # fmt: skip
        """A Summary from COUNTERS-ordered counts; the distinct referrers (domains, pages,
        addresses, networks) of the live links are counted from ``links_site``."""
        backlinks, lost, dofollow, toxic, potentially = counts[:5]
        if backlinks:
            distinct = self._query(
                f"""SELECT count(DISTINCT l.source_site_id), count(DISTINCT l.page_id),
                    count(DISTINCT l.ip_id), count(DISTINCT l.subnet_id)
                FROM links l WHERE {clause} AND l.status = 'live'""",
                params,
            )[0]
        else:
            distinct = (0, 0, 0, 0)
        return Summary(
            target=target.text,
            target_kind=target.kind,
            backlinks=backlinks,
            lost=lost,
            referring_domains=distinct[0],
            referring_pages=distinct[1],
            referring_ips=distinct[2],
            referring_subnets=distinct[3],
            dofollow=dofollow,
            types=dict(zip(TYPES, counts[5:], strict=True)),
            toxic=toxic,
            potentially_toxic=potentially,
            first_seen=first,
            last_seen=last,
        )

    def _backlinks(
        self, target: Target, flt: LinkFilter, sort: Sort, limit: int, offset: int
    ) -> list[Backlink]:
        column = sort.field if sort.field in SORT_FIELDS else "first_seen"
        direction = "DESC" if sort.descending else "ASC"
        clause, params = self._where(target, flt)
        # The page's rowids from the index first, then only those rows. Over several
        # generations (``gen IN (...)``) the default sort is the index's own order within
        # each: SQLite's ORDER BY ... LIMIT keeps the best offset + limit entries and leaves
        # a generation's range as soon as its next entry cannot enter them (the merge of
        # the generations' first pages, in C), so a page costs about a seek per generation.
        ids = [
            row[0]
            for row in self._query(
                f"SELECT l.id FROM links l WHERE {clause} "
                f"ORDER BY l.{column} {direction}, l.link_id {direction} LIMIT ? OFFSET ?",
                [*params, limit if limit else -1, offset],
            )
        ]
        return [backlink_of(row) for row in self._rows(ids)]

    def _rows(self, ids: list[int]) -> list[tuple]:
        """The record columns of the links with these rowids, in this order."""
        found = {
            row[0]: row[1:]
            for row in select_in(
                self._conn, f"SELECT l.id, {SELECT_RECORD} FROM links l WHERE l.id IN ({{in}})", ids
            )
        }
        return [found[i] for i in ids]

    def _domains(
        self, target: Target, flt: LinkFilter, limit: int, offset: int
    ) -> list[DomainRow]:
        clause, params = self._where(target, flt)
        # The page of domains from the index, then the rows of those domains only.
        page = self._query(
            f"""SELECT g.source_site_id, n.name, g.n, g.dofollow, g.first_seen, g.toxicity
            FROM (SELECT l.source_site_id, count(*) AS n, sum(l.nofollow = 0) AS dofollow,
                    min(l.first_seen) AS first_seen, max(l.toxicity) AS toxicity
                  FROM links l WHERE {clause} GROUP BY l.source_site_id) g
            JOIN names n ON n.id = g.source_site_id
            ORDER BY g.n DESC, n.name LIMIT ? OFFSET ?""",
            [*params, limit if limit else -1, offset],
        )
        if not page:
            return []
        ids = [row[0] for row in page]
        details: dict[int, tuple[str, str]] = {}
        for site_id, last, best in select_in(
            self._conn,
            f"""SELECT l.source_site_id, max(l.last_seen), {_BEST} FROM links l
            WHERE {clause} AND l.source_site_id IN ({{in}}) GROUP BY l.source_site_id""",
            ids,
            params,
        ):
            details[site_id] = (last, best[best.index("\x02") + 1 :])
        return [
            DomainRow(name, n, dofollow, first, details[sid][0], details[sid][1], worst)
            for sid, name, n, dofollow, first, worst in page
        ]

    def _anchors(
        self, target: Target, flt: LinkFilter, limit: int, offset: int
    ) -> list[AnchorRow]:
        clause, params = self._where(target, flt)
        rows = self._query(
            f"""SELECT l.anchor, count(*) AS n, count(DISTINCT l.source_site_id),
                sum(l.nofollow = 0)
            FROM links l WHERE {clause} GROUP BY l.anchor
            ORDER BY n DESC, l.anchor LIMIT ? OFFSET ?""",
            [*params, limit if limit else -1, offset],
        )
        return [AnchorRow(*row) for row in rows]

    def _pages(self, target: Target, flt: LinkFilter, limit: int, offset: int) -> list[PageRow]:
        clause, params = self._where(target, flt)
        rows = self._query(
            f"""SELECT l.target_url, count(DISTINCT l.source_site_id) AS d, count(*) AS n,
                sum(l.nofollow = 0), min(l.first_seen)
            FROM links l WHERE {clause} GROUP BY l.target_url
            ORDER BY d DESC, n DESC, l.target_url LIMIT ? OFFSET ?""",
            [*params, limit if limit else -1, offset],
        )
        return [PageRow(*row) for row in rows]

    def _broken(
        self, target: Target, flt: LinkFilter, limit: int, offset: int
    ) -> list[BrokenBacklink]:
        clause, params = self._where(target, flt)
        rows = self._query(
            f"""SELECT {SELECT_RECORD}, p.status, p.fetched_at
            FROM links l JOIN pages p ON p.url = l.target_url
            WHERE {clause} AND (p.status >= 400 OR p.status = 0)
            ORDER BY l.target_url, {SOURCE_URL} LIMIT ? OFFSET ?""",
            [*params, limit if limit else -1, offset],
        )
        return [BrokenBacklink(backlink_of(row[:-2]), row[-2], row[-1]) for row in rows]

    def _links_per_site(self, target: Target, flt: LinkFilter) -> dict[str, int]:
        clause, params = self._where(target, flt)
        return dict(
            self._query(
                f"""SELECT n.name, g.c FROM (SELECT l.source_site_id AS s, count(*) AS c
                FROM links l WHERE {clause} GROUP BY l.source_site_id) g
                JOIN names n ON n.id = g.s""",
                params,
            )
        )

    def _toxic_domains(
        self, target: Target, flt: LinkFilter, min_toxicity: int
    ) -> list[tuple[str, int, int, int]]:
        clause, params = self._where(target, flt)
        return self._query(
            f"""SELECT n.name, g.c, g.toxic, g.worst FROM (SELECT l.source_site_id AS s,
                count(*) AS c, sum(l.toxicity >= ?) AS toxic, max(l.toxicity) AS worst
            FROM links l WHERE {clause} GROUP BY l.source_site_id HAVING toxic > 0) g
            JOIN names n ON n.id = g.s""",
            [min_toxicity, *params],
        )

    def _toxic_sources(
        self, target: Target, flt: LinkFilter, min_toxicity: int
    ) -> list[tuple[str, str, int, int]]:
        clause, params = self._where(target, flt)
        return self._query(
            f"""SELECT {SOURCE_URL}, {SOURCE_SITE}, count(*), max(l.toxicity)
            FROM links l WHERE {clause} AND l.toxicity >= ? GROUP BY l.page_id""",
            [*params, min_toxicity],
        )
