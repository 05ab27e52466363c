"""The sandbox ground truth, read the way the index stores it: one expected backlink per
(source URL, target URL) of an outbound link, its anchor and rel taken from the most
prominent element (content over boilerplate, text over image, then document order), as
crawler.backlinks chooses."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from crawler.backlinks import BACKLINK_KINDS
from crawler.urls import host_of, site_of

Key = tuple[str, str, str, tuple[str, ...]]


def read_truth(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def key(source: str, target: str, anchor: str, rel: Iterable[str]) -> Key:
    return (source, target, anchor, tuple(sorted(rel)))


def expected_backlinks(truth: list[dict]) -> dict[str, dict[str, dict]]:
    """source URL -> target URL -> the ground-truth line that gives the backlink."""
    chosen: dict[str, dict[str, tuple[tuple[bool, bool, int], dict]]] = {}
    for order, line in enumerate(truth):
        if line.get("kind", "text") not in BACKLINK_KINDS:
            continue
        source, target = line["source_url"], line["target_url"]
        if site_of(host_of(source)) == site_of(host_of(target)):
            continue
        rank = (line.get("position", "content") != "content", line.get("kind", "text") != "text", order)
        page = chosen.setdefault(source, {})
        if target not in page or rank < page[target][0]:
            page[target] = (rank, line)
    return {source: {t: line for t, (_, line) in page.items()} for source, page in chosen.items()}


def expected_keys(truth: list[dict], crawled_urls: set[str]) -> set[Key]:
    """The (source, target, anchor, rel) of every backlink on the crawled pages."""
    result: set[Key] = set()
    for source, targets in expected_backlinks(truth).items():
        if source in crawled_urls:
            for target, line in targets.items():
                result.add(key(source, target, line["anchor"], line["rel"]))
    return result


def per_class(pairs: Iterable[tuple[object, object]]) -> dict[object, tuple[float, float, int]]:
    """label -> (precision, recall, how many the truth has) over (expected, got) pairs; a
    label never said (or never expected) scores 1.0 on that side."""
    hits: Counter[object] = Counter()
    said: Counter[object] = Counter()
    real: Counter[object] = Counter()
    for expected, got in pairs:
        said[got] += 1
        real[expected] += 1
        hits[expected] += expected == got
    return {
        label: (hits[label] / said[label] if said[label] else 1.0,
                hits[label] / real[label] if real[label] else 1.0, real[label])
        for label in set(said) | set(real)
    }
