"""How each view of ``scrapy backlinks`` looks as a table, and the summary report."""

from __future__ import annotations

from typing import Any, TextIO

from crawler.commands._output import Column
from crawler.vocab import POTENTIALLY_TOXIC_MIN, TOXIC_MIN


def _date(value: str | None) -> str:
    return (value or "")[:10]


def _follow(record: dict[str, Any]) -> str:
    flags = [t for t in ("ugc", "sponsored") if record[t]]
    return ("nofollow" if record["nofollow"] else "follow") + (
        f" ({','.join(flags)})" if flags else ""
    )


def _target_cell(record: dict[str, Any]) -> str:
    return record["target_host"] + record["target_path"]


# Columns that several tables show.
_SOURCE = Column("SOURCE", lambda r: r["source_url"], 24)
_ANCHOR = Column("ANCHOR", lambda r: r["anchor"] or "-", 12)
_FOLLOW = Column("FOLLOW", _follow)
_LINKS = Column("LINKS", lambda r: r["backlinks"], align_right=True)
_DOMAINS = Column("DOMAINS", lambda r: r["referring_domains"], align_right=True)
_DOFOLLOW = Column("DOFOLLOW", lambda r: r["dofollow"], align_right=True)
_REFERRING_DOMAIN = Column("REFERRING DOMAIN", lambda r: r["source_site"], 16)
_FIRST_SEEN = Column("FIRST SEEN", lambda r: _date(r["first_seen"]))
_LAST_SEEN = Column("LAST SEEN", lambda r: _date(r["last_seen"]))

BACKLINK_COLUMNS = [
    _SOURCE,
    Column("TARGET", _target_cell, 16),
    _ANCHOR,
    Column("TYPE", lambda r: r["type"]),
    _FOLLOW,
    Column("POSITION", lambda r: r["position"]),
    Column("TOX", lambda r: r["toxicity"], align_right=True),
    _FIRST_SEEN,
    _LAST_SEEN,
    Column("STATUS", lambda r: r["status"] if r["status"] == "live" else f"lost {_date(r['lost_at'])}"),
]

BROKEN_COLUMNS = [
    Column("TARGET", lambda r: r["target_url"], 20),
    Column("HTTP", lambda r: r["target_status"] or "failed", align_right=True),
    _SOURCE,
    _ANCHOR,
    _FOLLOW,
    _FIRST_SEEN,
]

DOMAIN_COLUMNS = [
    _REFERRING_DOMAIN,
    _LINKS,
    _DOFOLLOW,
    Column("MAX TOX", lambda r: r["toxicity"], align_right=True),
    _FIRST_SEEN,
    _LAST_SEEN,
    Column("BEST ANCHOR", lambda r: r["anchor"] or "-", 12),
]

ANCHOR_COLUMNS = [
    Column("ANCHOR", lambda r: r["anchor"] or "(empty)", 20),
    _LINKS,
    _DOMAINS,
    _DOFOLLOW,
]

PAGE_COLUMNS = [
    Column("TARGET PAGE", lambda r: r["target_url"], 30),
    _DOMAINS,
    _LINKS,
    _DOFOLLOW,
    _FIRST_SEEN,
]

INTERSECT_COLUMNS = [
    _REFERRING_DOMAIN,
    _LINKS,
    Column("LINKS TO", lambda r: ", ".join(r["competitors"]), 16),
]

TABLES = {
    "backlinks": BACKLINK_COLUMNS,
    "new": BACKLINK_COLUMNS,
    "lost": BACKLINK_COLUMNS,
    "broken": BROKEN_COLUMNS,
    "domains": DOMAIN_COLUMNS,
    "anchors": ANCHOR_COLUMNS,
    "pages": PAGE_COLUMNS,
    "intersect": INTERSECT_COLUMNS,
}


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def write_summary(summary: dict[str, Any], out: TextIO) -> None:
    """The summary as a short report for people."""
    n = summary["backlinks"]
    types = sorted(
        ((name, count) for name, count in summary["types"].items() if count),
        key=lambda item: (-item[1], item[0]),
    )
    rows = [
        ("backlinks", f"{n:,} live, {summary['lost']:,} lost"),
        ("referring domains", f"{summary['referring_domains']:,}"),
        ("referring pages", f"{summary['referring_pages']:,}"),
        ("referring IPs", f"{summary['referring_ips']:,} in {summary['referring_subnets']:,} subnets"),
        ("dofollow", f"{summary['dofollow']:,} ({_share(summary['dofollow'], n)})"),
        ("types", ", ".join(f"{name} {count:,} ({_share(count, n)})" for name, count in types) or "-"),
        ("toxic", f"{summary['toxic']:,} (toxicity >= {TOXIC_MIN}), "
                  f"{summary['potentially_toxic']:,} potentially toxic "
                  f"({POTENTIALLY_TOXIC_MIN}-{TOXIC_MIN - 1})"),
        ("first seen", summary["first_seen"] or "-"),
        ("last seen", summary["last_seen"] or "-"),
    ]  # fmt: skip
    out.write(f"Backlinks of {summary['target']} ({summary['target_kind']})\n")
    label = max(len(name) for name, _ in rows)
    for name, value in rows:
        out.write(f"  {name.ljust(label)}  {value}\n")
