"""One backlink judged: its type and origin (crawler.classify) and its toxicity
(crawler.toxicity), from the page context and the link element extraction produced.

The item pipeline, the benchmark and the quality tests all go through ``BacklinkJudge``,
so what is measured and tested is exactly what a crawl runs.
"""

from __future__ import annotations

from crawler.classify import Classification, Classifier, PageContext
from crawler.items import Backlink, Link, Page
from crawler.toxicity import SubnetTracker, Toxicity, ToxicityScorer


class BacklinkJudge:
    """Classifies and scores the backlinks of one crawl (it keeps the crawl's subnet
    counts for the link-network marker)."""

    def __init__(self, classifier: Classifier | None = None, scorer: ToxicityScorer | None = None) -> None:
        self.classifier = classifier or Classifier()
        self.scorer = scorer or ToxicityScorer()
        self.subnets = SubnetTracker()

    def page_context(self, page: Page) -> PageContext:
        """The per-page facts, computed once per page."""
        return self.classifier.page_context(page)

    def judge(self, record: Backlink, link: Link, ctx: PageContext) -> tuple[Classification, Toxicity]:
        """Type, origin and toxicity of ``record``, made from the element ``link``."""
        cls = self.classifier.classify(link, ctx)
        self.subnets.add(record.source_ip, record.source_site, record.target_site)
        tox = self.scorer.score(
            link,
            ctx,
            cls,
            source_site=record.source_site,
            target_site=record.target_site,
            source_ip=record.source_ip,
            subnets=self.subnets,
        )
        return cls, tox
