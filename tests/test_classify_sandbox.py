"""Type, origin and toxicity against the sandbox web's ground truth: at least 0.95 precision
and recall for every class.

The sandbox is built in-process; every HTML page the ground truth covers is parsed with
``crawler.links.parse_page``, turned into backlinks by ``crawler.backlinks.build_backlinks``
and classified as the classify pipeline does. The ground truth has one line per link
element; a backlink is one per (source, target), so each backlink is compared with the
labels of the element ``crawler.backlinks`` chooses (content over boilerplate, text over
image, then document order).

Two measurements:
- end to end (extraction + classification): what a crawl stores;
- classification alone: the link facts (position, region, rel, hidden, anchor) taken from the
  ground truth and only the page facts from extraction, so that extraction mistakes do not
  hide or excuse classification mistakes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import pytest

from crawler.backlinks import BACKLINK_KINDS, backlinks_and_links
from crawler.classify import Classifier
from crawler.items import Link
from crawler.judge import BacklinkJudge
from crawler.links import parse_page
from crawler.toxicity import ToxicityScorer
from crawler.urls import host_of, site_of
from crawler.vocab import ORIGINS, TYPES
from tests.truth import per_class

SITES, SEED = 120, 7
FLOOR = 0.95
SANDBOX_IP = "127.0.0.1"  # every sandbox answer comes through the loopback proxy

Row = tuple[dict, str, str, bool]  # truth line, predicted type, origin, toxic


def _chosen_truth(url: str, lines: list[dict]) -> dict[str, dict]:
    """target URL -> the ground-truth line of the element crawler.backlinks would choose."""
    source_site = site_of(host_of(url))
    best: dict[str, tuple[tuple[bool, bool, int], dict]] = {}
    for order, line in enumerate(lines):
        if line["kind"] not in BACKLINK_KINDS:
            continue
        if site_of(host_of(line["target_url"])) == source_site:
            continue
        key = (line["position"] != "content", line["kind"] != "text", order)
        seen = best.get(line["target_url"])
        if seen is None or key < seen[0]:
            best[line["target_url"]] = (key, line)
    return {target: line for target, (_, line) in best.items()}


@pytest.fixture(scope="module")
def evaluated() -> dict[str, list[Row]]:
    from crawler.sandbox import build_web

    web = build_web(SITES, SEED)
    truth: dict[str, list[dict]] = defaultdict(list)
    for line in web.ground_truth():
        truth[line["source_url"]].append(line)
    rows: dict[str, list[Row]] = {"end_to_end": [], "classification": []}
    unmatched: list[tuple[str, str]] = []
    classifier, scorer = Classifier(), ToxicityScorer()
    # One judge per way of reading the links, each with its own subnet counts.
    judges = {"end_to_end": BacklinkJudge(classifier, scorer), "classification": BacklinkJudge(classifier, scorer)}
    for url, lines in truth.items():
        answer = web.response(url)
        if not isinstance(answer, tuple) or answer[0] != 200:
            continue
        headers = dict(answer[1])
        if "html" not in headers.get("Content-Type", ""):
            continue
        page = parse_page(answer[2], url, headers=headers)
        ctx = classifier.page_context(page)
        chosen = _chosen_truth(url, lines)
        records, elements = backlinks_and_links(page, source_url=url, fetched_at="2026-01-01T00:00:00Z",
                                                source_ip=SANDBOX_IP)
        unmatched += [(url, t) for t in set(chosen) ^ {r.target_url for r in records}]
        for record, element in zip(records, elements, strict=True):
            line = chosen.get(record.target_url)
            if line is None:
                continue
            truth_link = Link(
                url=line["target_url"], anchor=line["anchor"], rel=frozenset(line["rel"]),
                kind=line["kind"], position=line["position"], hidden=line["hidden"],
                region=line["region"], context=record.context,
            )
            for name, link in (("end_to_end", element), ("classification", truth_link)):
                cls, tox = judges[name].judge(record, link, ctx)
                rows[name].append((line, cls.type, cls.origin, tox.band == "toxic"))
    # Extraction finds exactly the outbound targets the ground truth lists.
    assert unmatched == []
    return rows


def _per_class(rows: list[Row], truth: Callable[[Row], object], got: Callable[[Row], object]):
    return per_class((truth(row), got(row)) for row in rows)


FIELDS = {
    "type": (lambda r: r[0]["type"], lambda r: r[1]),
    "origin": (lambda r: r[0]["origin"], lambda r: r[2]),
    "toxic": (lambda r: r[0]["toxic"], lambda r: r[3]),
}


@pytest.mark.parametrize("measure", ["classification", "end_to_end"])
@pytest.mark.parametrize("field", list(FIELDS))
def test_precision_and_recall_per_class(evaluated, measure, field):
    scores = _per_class(evaluated[measure], *FIELDS[field])
    low = {label: f"precision {p:.3f} recall {r:.3f} of {n}"
           for label, (p, r, n) in scores.items() if p < FLOOR or r < FLOOR}
    assert low == {}


def test_every_class_is_exercised(evaluated):
    rows = evaluated["end_to_end"]
    assert {row[0]["type"] for row in rows} == set(TYPES)
    assert {row[0]["origin"] for row in rows} == set(ORIGINS)
    assert {row[0]["toxic"] for row in rows} == {True, False}
