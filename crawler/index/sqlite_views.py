"""The per-target views of the SQLite index, in SQL. Every value reaches SQLite as a bound
parameter; the only text put into the SQL is column names from fixed lists."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from crawler.index.query import LinkFilter, Sort, Target
from crawler.index.records import AnchorRow, BrokenBacklink, DomainRow, PageRow, Summary
from crawler.index.sqlite_schema import RECORD_COLUMNS
from crawler.items import Backlink
from crawler.vocab import POTENTIALLY_TOXIC_MIN, TOXIC_MIN, TYPES

SELECT_RECORD = ", ".join(f"l.{c}" for c in RECORD_COLUMNS)
_SORT_COLUMNS = {"first_seen", "last_seen", "toxicity", "lost_at"}


def backlink_of(row: tuple) -> Backlink:
    """A ``links`` row (RECORD_COLUMNS order) as a link record."""
    (source_url, source_host, source_site, target_url, target_host, target_site, target_path,
     anchor, rel, nofollow, ugc, sponsored, nofollow_by, kind, position, context, hidden,
     region, count, type_, origin, toxicity, markers, type_reason, first_seen, last_seen,
     lost_at, status, source_ip) = row  # fmt: skip
    return Backlink(
        source_url, source_host, source_site, target_url, target_host, target_site,
        target_path, anchor, rel.split() if rel else [], bool(nofollow), bool(ugc),
        bool(sponsored), nofollow_by, kind, position, context, bool(hidden), region, count,
        type_, origin, toxicity, markers.split() if markers else [], type_reason,
        first_seen, last_seen, lost_at, status, source_ip,
    )  # fmt: skip


def where(
    target: Target, flt: LinkFilter, name_id: Callable[[str], int]
) -> tuple[str, list[Any]]:
    """The WHERE clause (on ``links l``) and its parameters for a target and a filter;
    ``name_id`` gives the id of a site or host name (-1 for a name never stored)."""
    parts: list[str] = []
    params: list[Any] = []
    if target.kind == "site":
        parts.append("l.site_id = ?")
        params.append(name_id(target.site))
    else:
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
    " || l.first_seen || char(1) || l.source_url || char(1) || l.target_url"
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

    def _where(self, target: Target, flt: LinkFilter) -> tuple[str, list[Any]]:
        return where(target, flt, self._name_id)

    def _query(self, sql: str, params: list[Any]) -> list[tuple]:
        return self._conn.execute(sql, params).fetchall()

    def _summary(self, target: Target, flt: LinkFilter) -> Summary:
        clause, params = self._where(target, flt)
        live = "l.status = 'live'"
        per_type = ", ".join(f"coalesce(sum({live} AND l.type = ?), 0)" for _ in TYPES)
        row = self._query(
            f"""SELECT coalesce(sum({live}), 0), coalesce(sum(l.status = 'lost'), 0),
                count(DISTINCT CASE WHEN {live} THEN l.source_site_id END),
                count(DISTINCT CASE WHEN {live} THEN l.page_id END),
                count(DISTINCT CASE WHEN {live} THEN l.ip_id END),
                count(DISTINCT CASE WHEN {live} THEN l.subnet_id END),
                coalesce(sum({live} AND l.nofollow = 0), 0),
                coalesce(sum({live} AND l.toxicity >= ?), 0),
                coalesce(sum({live} AND l.toxicity >= ? AND l.toxicity < ?), 0),
                min(l.first_seen), max(l.last_seen), {per_type}
            FROM links l WHERE {clause}""",
            [TOXIC_MIN, POTENTIALLY_TOXIC_MIN, TOXIC_MIN, *TYPES, *params],
        )[0]
        types = dict(zip(TYPES, row[11:], strict=True))
        backlinks, dofollow = row[0], row[6]
        return Summary(
            target=target.text,
            target_kind=target.kind,
            backlinks=backlinks,
            lost=row[1],
            referring_domains=row[2],
            referring_pages=row[3],
            referring_ips=row[4],
            referring_subnets=row[5],
            dofollow=dofollow,
            dofollow_share=round(dofollow / backlinks, 4) if backlinks else 0.0,
            types=types,
            toxic=row[7],
            potentially_toxic=row[8],
            first_seen=row[9],
            last_seen=row[10],
        )

    def _backlinks(
        self, target: Target, flt: LinkFilter, sort: Sort, limit: int, offset: int
    ) -> list[Backlink]:
        clause, params = self._where(target, flt)
        column = sort.field if sort.field in _SORT_COLUMNS else "first_seen"
        direction = "DESC" if sort.descending else "ASC"
        rows = self._query(
            f"SELECT {SELECT_RECORD} FROM links l WHERE {clause} "
            f"ORDER BY l.{column} {direction}, l.link_id {direction} LIMIT ? OFFSET ?",
            [*params, limit if limit else -1, offset],
        )
        return [backlink_of(row) for row in rows]

    def _domains(
        self, target: Target, flt: LinkFilter, limit: int, offset: int
    ) -> list[DomainRow]:
        clause, params = self._where(target, flt)
        rows = self._query(
            f"""SELECT l.source_site, count(*) AS n, sum(l.nofollow = 0), min(l.first_seen),
                max(l.last_seen), {_BEST}, max(l.toxicity)
            FROM links l WHERE {clause} GROUP BY l.source_site_id
            ORDER BY n DESC, l.source_site LIMIT ? OFFSET ?""",
            [*params, limit if limit else -1, offset],
        )
        return [
            DomainRow(site, n, dofollow, first, last, best[best.index("\x02") + 1 :], worst)
            for site, n, dofollow, first, last, best, worst in rows
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
            ORDER BY l.target_url, l.source_url LIMIT ? OFFSET ?""",
            [*params, limit if limit else -1, offset],
        )
        return [BrokenBacklink(backlink_of(row[:-2]), row[-2], row[-1]) for row in rows]

    def _links_per_site(self, target: Target, flt: LinkFilter) -> dict[str, int]:
        clause, params = self._where(target, flt)
        return dict(
            self._query(
                f"SELECT l.source_site, count(*) FROM links l WHERE {clause} "
                "GROUP BY l.source_site_id",
                params,
            )
        )

    def _toxic_domains(
        self, target: Target, flt: LinkFilter, min_toxicity: int
    ) -> list[tuple[str, int, int, int]]:
        clause, params = self._where(target, flt)
        return self._query(
            f"""SELECT l.source_site, count(*), sum(l.toxicity >= ?) AS toxic, max(l.toxicity)
            FROM links l WHERE {clause} GROUP BY l.source_site_id HAVING toxic > 0""",
            [min_toxicity, *params],
        )

    def _toxic_sources(
        self, target: Target, flt: LinkFilter, min_toxicity: int
    ) -> list[tuple[str, str, int, int]]:
        clause, params = self._where(target, flt)
        return self._query(
            f"""SELECT l.source_url, l.source_site, count(*), max(l.toxicity)
            FROM links l WHERE {clause} AND l.toxicity >= ? GROUP BY l.page_id""",
            [*params, min_toxicity],
        )
