"""How each view of ``scrapy backlinks`` looks as a table, and the summary report."""

from __future__ import annotations

from typing import Any, TextIO

from crawler.commands._output import Column
from crawler.vocab import POTENTIALLY_TOXIC_MIN, TOXIC_MIN


def _date(value: str | None) -> str:
    return (value or "")[:10]


def _follow(record: dict[str, Any]) -> str:
    if not record["nofollow"]:
        flags = [t for t in ("ugc", "sponsored") if record[t]]
        return "follow" + (f" ({','.join(flags)})" if flags else "")
    flags = [t for t in ("ugc", "sponsored") if record[t]]
    return "nofollow" + (f" ({','.join(flags)})" if flags else "")


def _target_cell(record: dict[str, Any]) -> str:
    return record["target_host"] + record["target_path"]


BACKLINK_COLUMNS = [
    Column("SOURCE", lambda r: r["source_url"], 24),
    Column("TARGET", _target_cell, 16),
    Column("ANCHOR", lambda r: r["anchor"] or "-", 12),
    Column("TYPE", lambda r: r["type"]),
    Column("FOLLOW", _follow),
    Column("POSITION", lambda r: r["position"]),
    Column("TOX", lambda r: r["toxicity"], align_right=True),
    Column("FIRST SEEN", lambda r: _date(r["first_seen"])),
    Column("LAST SEEN", lambda r: _date(r["last_seen"])),
    Column("STATUS", lambda r: r["status"] if r["status"] == "live" else f"lost {_date(r['lost_at'])}"),
]

BROKEN_COLUMNS = [
    Column("TARGET", lambda r: r["target_url"], 20),
    Column("HTTP", lambda r: r["target_status"] or "failed", align_right=True),
    Column("SOURCE", lambda r: r["source_url"], 24),
    Column("ANCHOR", lambda r: r["anchor"] or "-", 12),
    Column("FOLLOW", _follow),
    Column("FIRST SEEN", lambda r: _date(r["first_seen"])),
]

DOMAIN_COLUMNS = [
    Column("REFERRING DOMAIN", lambda r: r["source_site"], 16),
    Column("LINKS", lambda r: r["backlinks"], align_right=True),
    Column("DOFOLLOW", lambda r: r["dofollow"], align_right=True),
    Column("MAX TOX", lambda r: r["toxicity"], align_right=True),
    Column("FIRST SEEN", lambda r: _date(r["first_seen"])),
    Column("LAST SEEN", lambda r: _date(r["last_seen"])),
    Column("BEST ANCHOR", lambda r: r["anchor"] or "-", 12),
]

ANCHOR_COLUMNS = [
    Column("ANCHOR", lambda r: r["anchor"] or "(empty)", 20),
    Column("LINKS", lambda r: r["backlinks"], align_right=True),
    Column("DOMAINS", lambda r: r["referring_domains"], align_right=True),
    Column("DOFOLLOW", lambda r: r["dofollow"], align_right=True),
]

PAGE_COLUMNS = [
    Column("TARGET PAGE", lambda r: r["target_url"], 30),
    Column("DOMAINS", lambda r: r["referring_domains"], align_right=True),
    Column("LINKS", lambda r: r["backlinks"], align_right=True),
    Column("DOFOLLOW", lambda r: r["dofollow"], align_right=True),
    Column("FIRST SEEN", lambda r: _date(r["first_seen"])),
]

INTERSECT_COLUMNS = [
    Column("REFERRING DOMAIN", lambda r: r["source_site"], 16),
    Column("LINKS", lambda r: r["backlinks"], align_right=True),
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
