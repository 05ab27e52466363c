"""Pipeline 2: type, origin and toxicity of every outbound backlink, from the page facts
and link records extraction already produced (no second parse)."""

from __future__ import annotations

from typing import Any

from crawler.backlinks import link_of
from crawler.classify import Classifier
from crawler.items import PageItem
from crawler.judge import BacklinkJudge
from crawler.ruleset import load_rules
from crawler.toxicity import ToxicityScorer


class ClassifyPipeline:
    def __init__(self, stats: Any, judge: BacklinkJudge) -> None:
        self.stats = stats
        self.judge = judge

    @property
    def classifier(self) -> Classifier:
        return self.judge.classifier

    @property
    def scorer(self) -> ToxicityScorer:
        return self.judge.scorer

    @classmethod
    def from_crawler(cls, crawler) -> ClassifyPipeline:
        rules = load_rules(crawler.settings.get("BACKLINKS_RULES_DIR") or None)
        return cls(crawler.stats, BacklinkJudge(Classifier(rules), ToxicityScorer(rules)))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, PageItem) or item.page is None or not item.backlinks:
            return item
        links = item.backlink_links
        if len(links) != len(item.backlinks):  # an item filled by other code
            links = [link_of(record) for record in item.backlinks]
        _, verdicts = self.judge.judge_page(item.page, item.backlinks, links)
        for record, (cls, tox) in zip(item.backlinks, verdicts, strict=True):
            record.type = cls.type
            record.origin = cls.origin
            record.type_reason = cls.reason
            record.toxicity = tox.score
            record.toxic_markers = [marker.name for marker in tox.markers]
            self.stats.inc_value(f"backlinks/type/{cls.type}")
            if tox.band == "toxic":
                self.stats.inc_value("backlinks/toxic")
        return item
