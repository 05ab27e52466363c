"""The baseline of bench_crawl.py: a bare Scrapy spider that only follows links.

It parses nothing but ``a::attr(href)``, stores nothing, and lets Scrapy's dupefilter drop
repeats: what a follow-only crawl of the same sandbox costs with Scrapy's stock machinery.
"""

from __future__ import annotations

from scrapy import Spider


class BareFollowSpider(Spider):
    name = "bare_follow"
    custom_settings = {"ITEM_PIPELINES": {}, "SPIDER_MIDDLEWARES": {}}

    def __init__(self, seeds: str = "", **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [s for s in seeds.split(",") if s]

    def parse(self, response):
        if not hasattr(response, "css"):
            return
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, callback=self.parse)
