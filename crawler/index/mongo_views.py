"""The per-target views of the MongoDB index, as find() and aggregation pipelines.

Every value from a caller arrives already checked (a str, int or bool: ``LinkFilter.make``,
``parse_target``) and is only ever placed as a *value* of a ``$match``/``find`` filter,
where a string that starts with ``$`` is a literal; never as a key, and never inside an
aggregation expression where it could name a field.
"""

from __future__ import annotations

from typing import Any

from crawler.index.query import SORT_FIELDS, LinkFilter, Sort, Target
from crawler.index.records import (
    RECORD_FIELDS,
    AnchorRow,
    BrokenBacklink,
    DomainRow,
    PageRow,
    Summary,
)
from crawler.items import Backlink
from crawler.vocab import POTENTIALLY_TOXIC_MIN, TOXIC_MIN, TYPES

_PROJECTION = dict.fromkeys(RECORD_FIELDS, 1)


def backlink_of(doc: dict[str, Any]) -> Backlink:
    return Backlink(**{name: doc.get(name) for name in RECORD_FIELDS})


def match(target: Target, flt: LinkFilter) -> dict[str, Any]:
    """The filter document for a target and a filter."""
    query: dict[str, Any] = {"target_site": target.site}
    if target.kind != "site":
        query["target_host"] = target.host
    if target.kind == "url":
        query["target_path"] = target.path
        if target.url:
            query["target_url"] = target.url
    elif target.kind == "prefix":
        if target.path:
            query["target_path"] = {"$gte": target.path, "$lt": target.path_end}
        if target.scheme:
            query["target_url"] = {"$gte": f"{target.scheme}://", "$lt": f"{target.scheme}:/0"}
    if flt.types:
        query["type"] = {"$in": list(flt.types)}
    if flt.dofollow is not None:
        query["nofollow"] = not flt.dofollow
    if flt.rel:
        query["rel"] = flt.rel
    if flt.positions:
        query["position"] = {"$in": list(flt.positions)}
    if flt.status:
        query["status"] = flt.status
    toxicity: dict[str, int] = {}
    if flt.min_toxicity is not None:
        toxicity["$gte"] = flt.min_toxicity
    if flt.max_toxicity is not None:
        toxicity["$lte"] = flt.max_toxicity
    if toxicity:
        query["toxicity"] = toxicity
    if flt.source_site:
        query["source_site"] = flt.source_site
    if flt.first_seen_since:
        query["first_seen"] = {"$gte": flt.first_seen_since}
    if flt.lost_since:
        query["lost_at"] = {"$gte": flt.lost_since}
    return query


def _when(condition: dict[str, Any]) -> dict[str, Any]:
    return {"$sum": {"$cond": [condition, 1, 0]}}


_DOFOLLOW = {"$sum": {"$cond": ["$nofollow", 0, 1]}}


def _page(limit: int, offset: int) -> list[dict[str, Any]]:
    stages: list[dict[str, Any]] = [{"$skip": offset}] if offset else []
    return stages + ([{"$limit": limit}] if limit else [])


#: Summary figures that count distinct values of a field among the live links.
_DISTINCT_FIGURES = {
    "referring_domains": "source_site",
    "referring_pages": "source_url",
    "referring_ips": "source_ip",
    "referring_subnets": "source_subnet",
}


def _first(rows: list[dict[str, Any]], **empty: Any) -> dict[str, Any]:
    """The one row of a grouped facet, or ``empty`` when nothing matched."""
    return rows[0] if rows else empty


class MongoViews:
    """Mixin: the view primitives of LinkIndex over ``self._link_docs`` and ``self._page_docs``."""

    _link_docs: Any
    _page_docs: Any

    def _aggregate(self, pipeline: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return list(self._link_docs.aggregate(pipeline, allowDiskUse=True))

    def _summary(self, target: Target, flt: LinkFilter) -> Summary:
        # One aggregation: the target's matching links are read once (through the index
        # of the leading $match) and every figure is a facet of them.
        live: dict[str, Any] = {"status": "live"}
        distinct = {
            name: [{"$match": {**live, field: {"$ne": None}}},
                   {"$group": {"_id": f"${field}"}}, {"$count": "n"}]
            for name, field in _DISTINCT_FIGURES.items()
        }  # fmt: skip
        facets = self._aggregate([
            {"$match": match(target, flt)},
            {"$facet": {
                "totals": [{"$group": {
                    "_id": None,
                    "live": _when({"$eq": ["$status", "live"]}),
                    "lost": _when({"$eq": ["$status", "lost"]}),
                    "first_seen": {"$min": "$first_seen"},
                    "last_seen": {"$max": "$last_seen"},
                }}],
                "counts": [{"$match": live}, {"$group": {
                    "_id": None,
                    "dofollow": _DOFOLLOW,
                    "toxic": _when({"$gte": ["$toxicity", TOXIC_MIN]}),
                    "potentially_toxic": _when({"$and": [
                        {"$gte": ["$toxicity", POTENTIALLY_TOXIC_MIN]},
                        {"$lt": ["$toxicity", TOXIC_MIN]},
                    ]}),
                }}],
                "types": [{"$match": live}, {"$group": {"_id": "$type", "n": {"$sum": 1}}}],
                **distinct,
            }},
        ])[0]  # fmt: skip
        head = _first(facets["totals"], live=0, lost=0, first_seen=None, last_seen=None)
        tail = _first(facets["counts"], dofollow=0, toxic=0, potentially_toxic=0)
        types = dict.fromkeys(TYPES, 0)
        for row in facets["types"]:
            types[row["_id"]] = row["n"]
        figures = {name: _first(facets[name], n=0)["n"] for name in _DISTINCT_FIGURES}
        return Summary(
            target=target.text,
            target_kind=target.kind,
            backlinks=head["live"],
            lost=head["lost"],
            **figures,
            dofollow=tail["dofollow"],
            types=types,
            toxic=tail["toxic"],
            potentially_toxic=tail["potentially_toxic"],
            first_seen=head["first_seen"],
            last_seen=head["last_seen"],
        )

    def _backlinks(
        self, target: Target, flt: LinkFilter, sort: Sort, limit: int, offset: int
    ) -> list[Backlink]:
        field = sort.field if sort.field in SORT_FIELDS else "first_seen"
        direction = -1 if sort.descending else 1
        cursor = self._link_docs.find(match(target, flt), _PROJECTION).sort(
            [(field, direction), ("_id", direction)]
        )
        if offset:
            cursor = cursor.skip(offset)
        if limit:
            cursor = cursor.limit(limit)
        return [backlink_of(doc) for doc in cursor]

    def _domains(
        self, target: Target, flt: LinkFilter, limit: int, offset: int
    ) -> list[DomainRow]:
        rows = self._aggregate([
            {"$match": match(target, flt)},
            {"$addFields": {
                "_boilerplate": {"$cond": [{"$eq": ["$position", "content"]}, 0, 1]},
                "_no_anchor": {"$cond": [{"$eq": ["$anchor", ""]}, 1, 0]},
            }},
            {"$sort": {"nofollow": 1, "_boilerplate": 1, "_no_anchor": 1, "toxicity": 1,
                       "first_seen": 1, "source_url": 1, "target_url": 1}},
            {"$group": {
                "_id": "$source_site",
                "backlinks": {"$sum": 1},
                "dofollow": _DOFOLLOW,
                "first_seen": {"$min": "$first_seen"},
                "last_seen": {"$max": "$last_seen"},
                "anchor": {"$first": "$anchor"},
                "toxicity": {"$max": "$toxicity"},
            }},
            {"$sort": {"backlinks": -1, "_id": 1}},
            *_page(limit, offset),
        ])  # fmt: skip
        return [
            DomainRow(r["_id"], r["backlinks"], r["dofollow"], r["first_seen"], r["last_seen"],
                      r["anchor"], r["toxicity"])
            for r in rows
        ]

    def _anchors(
        self, target: Target, flt: LinkFilter, limit: int, offset: int
    ) -> list[AnchorRow]:
        rows = self._aggregate([
            {"$match": match(target, flt)},
            {"$group": {"_id": "$anchor", "n": {"$sum": 1},
                        "sites": {"$addToSet": "$source_site"}, "dofollow": _DOFOLLOW}},
            {"$project": {"n": 1, "dofollow": 1, "domains": {"$size": "$sites"}}},
            {"$sort": {"n": -1, "_id": 1}},
            *_page(limit, offset),
        ])  # fmt: skip
        return [AnchorRow(r["_id"], r["n"], r["domains"], r["dofollow"]) for r in rows]

    def _pages(self, target: Target, flt: LinkFilter, limit: int, offset: int) -> list[PageRow]:
        rows = self._aggregate([
            {"$match": match(target, flt)},
            {"$group": {"_id": "$target_url", "n": {"$sum": 1},
                        "sites": {"$addToSet": "$source_site"}, "dofollow": _DOFOLLOW,
                        "first_seen": {"$min": "$first_seen"}}},
            {"$project": {"n": 1, "dofollow": 1, "first_seen": 1,
                          "domains": {"$size": "$sites"}}},
            {"$sort": {"domains": -1, "n": -1, "_id": 1}},
            *_page(limit, offset),
        ])  # fmt: skip
        return [PageRow(r["_id"], r["domains"], r["n"], r["dofollow"], r["first_seen"])
                for r in rows]

    def _broken(
        self, target: Target, flt: LinkFilter, limit: int, offset: int
    ) -> list[BrokenBacklink]:
        query = match(target, flt)
        urls = [r["_id"] for r in self._aggregate([{"$match": query},
                                                   {"$group": {"_id": "$target_url"}}])]
        failed: dict[str, tuple[int, str]] = {}
        for start in range(0, len(urls), 1000):
            for doc in self._page_docs.find(
                {"_id": {"$in": urls[start : start + 1000]},
                 "$or": [{"status": {"$gte": 400}}, {"status": 0}]},
                {"status": 1, "fetched_at": 1},
            ):
                failed[doc["_id"]] = (doc["status"], doc["fetched_at"])
        if not failed:
            return []
        cursor = self._link_docs.find({**query, "target_url": {"$in": sorted(failed)}}, _PROJECTION)
        cursor = cursor.sort([("target_url", 1), ("source_url", 1)])
        if offset:
            cursor = cursor.skip(offset)
        if limit:
            cursor = cursor.limit(limit)
        out = []
        for doc in cursor:
            status, fetched_at = failed[doc["target_url"]]
            out.append(BrokenBacklink(backlink_of(doc), status, fetched_at))
        return out

    def _links_per_site(self, target: Target, flt: LinkFilter) -> dict[str, int]:
        rows = self._aggregate([{"$match": match(target, flt)},
                                {"$group": {"_id": "$source_site", "n": {"$sum": 1}}}])
        return {r["_id"]: r["n"] for r in rows}

    def _toxic_domains(
        self, target: Target, flt: LinkFilter, min_toxicity: int
    ) -> list[tuple[str, int, int, int]]:
        rows = self._aggregate([
            {"$match": match(target, flt)},
            {"$group": {"_id": "$source_site", "n": {"$sum": 1},
                        "toxic": _when({"$gte": ["$toxicity", int(min_toxicity)]}),
                        "worst": {"$max": "$toxicity"}}},
            {"$match": {"toxic": {"$gt": 0}}},
        ])  # fmt: skip
        return [(r["_id"], r["n"], r["toxic"], r["worst"]) for r in rows]

    def _toxic_sources(
        self, target: Target, flt: LinkFilter, min_toxicity: int
    ) -> list[tuple[str, str, int, int]]:
        query = match(target, flt)
        floor = max(int(min_toxicity), query.get("toxicity", {}).get("$gte", 0))
        query["toxicity"] = {**query.get("toxicity", {}), "$gte": floor}
        rows = self._aggregate([
            {"$match": query},
            {"$group": {"_id": "$source_url", "site": {"$first": "$source_site"},
                        "n": {"$sum": 1}, "worst": {"$max": "$toxicity"}}},
        ])  # fmt: skip
        return [(r["_id"], r["site"], r["n"], r["worst"]) for r in rows]
