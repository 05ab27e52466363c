"""A disavow file that Google's disavow links tool accepts.

UTF-8 text, one ``domain:example.com`` or full URL per line, ``#`` comment lines, at most
100,000 lines and 2 MB. The entries come from ``LinkIndex.disavow``: a whole domain when
more than half of its links to the target are toxic, else its toxic URLs. When the list
does not fit, the domains with the most listed URLs are folded into one ``domain:`` line
each (they are the cheapest lines to save); if it still does not fit, the least toxic
lines are left out and a comment says how many.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from crawler.index.records import DisavowEntry
from crawler.urls import host_of, site_of

MAX_LINES = 100_000
#: Google says 2 MB; stay under the smaller reading of it.
MAX_BYTES = 2_000_000


def _fits(lines: list[str]) -> bool:
    return len(lines) <= MAX_LINES and sum(len(line.encode()) + 1 for line in lines) <= MAX_BYTES


def render_disavow(
    entries: Sequence[DisavowEntry], *, target: str, min_toxicity: int, generated_at: str
) -> tuple[str, list[str]]:
    """The file text and notes for the user (folded domains, dropped lines)."""
    entries = list(entries)
    notes: list[str] = []
    header = [
        f"# Disavow file for {target}, made by backlinks-crawler on {generated_at}",
        f"# Referring domains and pages whose links have toxicity >= {min_toxicity}.",
        "# A domain is listed whole when more than half of its links to the target are toxic.",
    ]

    def body(items: list[DisavowEntry]) -> list[str]:
        domains = [e for e in items if e.scope == "domain"]
        urls = [e for e in items if e.scope == "url"]
        lines = [f"# {len(domains)} domains, {len(urls)} URLs"]
        lines += [e.line for e in domains] + [e.line for e in urls]
        return lines

    lines = header + body(entries)
    if not _fits(lines):
        by_site: dict[str, list[DisavowEntry]] = defaultdict(list)
        for entry in entries:
            if entry.scope == "url":
                by_site[site_of(host_of(entry.value))].append(entry)
        folded = 0
        for site, urls in sorted(by_site.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            if len(urls) < 2 or _fits(lines):
                break
            gone = set(map(id, urls))
            entries = [e for e in entries if id(e) not in gone]
            entries.append(DisavowEntry(
                "domain", site, sum(e.toxic_links for e in urls), sum(e.links for e in urls),
                max(e.toxicity for e in urls),
            ))  # fmt: skip
            entries.sort(key=lambda e: (e.scope != "domain", -e.toxicity, e.value))
            folded += 1
            lines = header + body(entries)
        if folded:
            notes.append(f"{folded} domains with many toxic URLs listed whole to fit the limits")
    if not _fits(lines):
        kept = list(entries)
        while kept and not _fits(header + body(kept) + ["# x"]):
            cut = max(1, len(kept) // 20)
            kept = kept[:-cut]
        dropped = len(entries) - len(kept)
        lines = header + body(kept) + [f"# {dropped} less toxic entries left out (file limits)"]
        notes.append(f"{dropped} less toxic entries left out to stay within "
                     f"{MAX_LINES:,} lines and {MAX_BYTES:,} bytes")
    return "\n".join(lines) + "\n", notes
