"""``scrapy backlinks TARGET``: ask the link index about a site, host, URL prefix or URL.

    scrapy backlinks example.com                       # summary
    scrapy backlinks example.com --view backlinks --type forum --dofollow --limit 20
    scrapy backlinks example.com/blog/ --view domains --format csv > domains.csv
    scrapy backlinks example.com --view new --since 2026-11-01 --format jsonl
    scrapy backlinks example.com --view intersect --vs rival.com --vs other.org
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from crawler.command_base import ReportingCommand
from crawler.commands._common import (
    CommandError,
    count_option,
    open_for_query,
    toxicity_option,
)
from crawler.commands._output import FORMATS, write_csv, write_json, write_jsonl, write_table
from crawler.commands._tables import TABLES, write_summary
from crawler.index import LinkIndex, parse_target
from crawler.index.query import TARGET_MODES
from crawler.items import Backlink

VIEWS: tuple[str, ...] = (
    "summary", "backlinks", "domains", "anchors", "pages", "new", "lost", "broken", "intersect",
)  # fmt: skip
STATUS_CHOICES = {"live": "live", "lost": "lost", "all": None}
BACKLINK_FIELDS = list(Backlink.__dataclass_fields__)


class Command(ReportingCommand):
    command_name = "backlinks"

    def syntax(self) -> str:
        return "TARGET [--view VIEW] [--index URI] [filters] [--format table|csv|json|jsonl]"

    def short_desc(self) -> str:
        return "Show the backlinks of a site, host, URL prefix or URL from the link index"

    def long_desc(self) -> str:
        return (
            "Ask the link index about TARGET: a site (example.com: the registered domain with "
            "its subdomains), a host (blog.example.com), a URL prefix (example.com/blog/ or "
            "https://example.com/blog/, or anything ending in *) or an exact URL "
            "(https://example.com/page)."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--index", metavar="URI",
                            help="index URI (default: the BACKLINKS_INDEX_URI setting)")
        parser.add_argument("--view", default="summary", metavar="VIEW",
                            help=f"one of {', '.join(VIEWS)} (default summary)")
        parser.add_argument("--mode", metavar="MODE",
                            help=f"read TARGET as {', '.join(TARGET_MODES)} instead of guessing")
        parser.add_argument("--since", metavar="DATE",
                            help="for --view new and lost: YYYY-MM-DD or an ISO time")
        parser.add_argument("--vs", metavar="COMPETITOR", action="extend", nargs="+",
                            default=[], help="for --view intersect: competitor targets")
        parser.add_argument("--type", metavar="T", action="append", default=[],
                            help="only backlinks of this type (repeatable, or comma list)")
        follow = parser.add_mutually_exclusive_group()
        follow.add_argument("--dofollow", action="store_true", help="only followed links")
        follow.add_argument("--nofollow", action="store_true", help="only nofollow links")
        parser.add_argument("--rel", metavar="TOKEN", help="only links with this rel token")
        parser.add_argument("--position", metavar="P", action="append", default=[],
                            help="only links in this position (content, nav, footer ...)")
        parser.add_argument("--status", metavar="S",
                            help="live, lost or all (default live; all for --view new)")
        parser.add_argument("--min-toxicity", metavar="N", help="only toxicity >= N")
        parser.add_argument("--max-toxicity", metavar="N", help="only toxicity <= N")
        parser.add_argument("--source-site", metavar="SITE", help="only links from this site")
        parser.add_argument("--sort", metavar="FIELD",
                            help="first_seen (default), last_seen or toxicity; add :asc or :desc")
        parser.add_argument("--limit", default="100", metavar="N",
                            help="at most N rows (default 100; 0 for all)")
        parser.add_argument("--offset", default="0", metavar="N", help="skip the first N rows")
        parser.add_argument("--format", default="table", metavar="F",
                            help=f"one of {', '.join(FORMATS)} (default table)")

    def _run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise CommandError(
                "give exactly one TARGET (a site, host, URL prefix or URL)"
                + (f"; unexpected: {' '.join(args[1:])}" if len(args) > 1 else ""),
                2,
            )
        view, fmt = opts.view, opts.format
        if view not in VIEWS:
            raise CommandError(f"unknown view {view!r}: use one of {', '.join(VIEWS)}", 2)
        if fmt not in FORMATS:
            raise CommandError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}", 2)
        target = parse_target(args[0], opts.mode)
        competitors = [parse_target(v, opts.mode) for v in opts.vs]
        filters = self._filters(opts, view)
        limit = count_option("--limit", opts.limit)
        offset = count_option("--offset", opts.offset)
        if view in ("new", "lost") and not opts.since:
            raise CommandError(f"--view {view} needs --since DATE (e.g. --since 2026-11-01)", 2)
        if view == "intersect" and not competitors:
            raise CommandError("--view intersect needs at least one --vs COMPETITOR", 2)
        with open_for_query(opts.index, self.settings) as index:
            result = _query(index, view, target, competitors, filters, opts, limit, offset)
        _emit(view, fmt, result)

    @staticmethod
    def _filters(opts: argparse.Namespace, view: str) -> dict[str, Any]:
        status = opts.status or ("all" if view == "new" else "live")
        if status not in STATUS_CHOICES:
            raise CommandError(f"unknown status {opts.status!r}: use live, lost or all", 2)
        types = [t for value in opts.type for t in value.split(",") if t]
        positions = [p for value in opts.position for p in value.split(",") if p]
        return {
            "type": types or None,
            "dofollow": True if opts.dofollow else (False if opts.nofollow else None),
            "rel": opts.rel,
            "position": positions or None,
            "status": STATUS_CHOICES[status],
            "min_toxicity": toxicity_option("--min-toxicity", opts.min_toxicity),
            "max_toxicity": toxicity_option("--max-toxicity", opts.max_toxicity),
            "source_site": opts.source_site,
        }


def _query(index: LinkIndex, view: str, target, competitors, filters: dict[str, Any],
           opts: argparse.Namespace, limit: int, offset: int) -> Any:
    page = {"limit": limit, "offset": offset}
    if view == "summary":
        return index.summary(target, **filters)
    if view == "backlinks":
        return index.backlinks(target, sort=opts.sort, **page, **filters)
    if view == "new":
        return index.new(target, opts.since, **page, **filters)
    if view == "lost":
        filters.pop("status")
        return index.lost(target, opts.since, **page, **filters)
    if view == "intersect":
        return index.intersect(target, competitors, **page, **filters)
    return getattr(index, view)(target, **page, **filters)


def _emit(view: str, fmt: str, result: Any) -> None:
    out = sys.stdout
    if view == "summary":
        record = result.to_dict()
        if fmt == "table":
            write_summary(record, out)
        elif fmt == "json":
            write_json(record, out)
        elif fmt == "jsonl":
            write_jsonl([record], out)
        else:
            write_csv([record], out, list(record))
        return
    records = [r.to_dict() for r in result]
    if fmt == "table":
        write_table(records, TABLES[view], out)
    elif fmt == "json":
        write_json(records, out)
    elif fmt == "jsonl":
        write_jsonl(records, out)
    else:
        fields = BACKLINK_FIELDS if view in ("backlinks", "new", "lost") else []
        write_csv(records, out, fields)
    out.flush()
