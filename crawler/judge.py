"""One backlink judged: its type and origin (crawler.classify) and its toxicity
(crawler.toxicity), from the page context and the link element extraction produced.

The item pipeline, the benchmark and the quality tests all go through ``BacklinkJudge``,
so what is measured and tested is exactly what a crawl runs. ``judge_page`` judges all the
backlinks of a page in one call (what the pipeline does); ``judge`` judges one.
"""

from __future__ import annotations

from collections.abc import Sequence

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
        return self.judge_links((record,), (link,), ctx)[0]

    def judge_page(
        self, page: Page, records: Sequence[Backlink], links: Sequence[Link]
    ) -> tuple[PageContext, list[tuple[Classification, Toxicity]]]:
        """The context of ``page`` and the verdict on each of its backlinks (``records``,
        beside the link elements they were made from), in order."""
        ctx = self.page_context(page)
        return ctx, self.judge_links(records, links, ctx)

    def judge_links(
        self, records: Sequence[Backlink], links: Sequence[Link], ctx: PageContext
    ) -> list[tuple[Classification, Toxicity]]:
        """Type, origin and toxicity of each of ``records`` (backlinks of the page of
        ``ctx``), made from the elements ``links``: the same as judging them one by one,
        in order, with what the page shares worked out once."""
        classify = self.classifier.classify
        classifications = [classify(link, ctx) for link in links]
        toxicities = self.scorer.score_links(records, links, classifications, ctx, self.subnets)
        return list(zip(classifications, toxicities, strict=True))
