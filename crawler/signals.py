"""Signals of our own, sent through Scrapy's signal manager (``crawler.signals``)."""

from __future__ import annotations

#: Sent by the index pipeline after a batch is durably stored, with ``urls``: the list of
#: page URLs whose links (or status) are now in the index. A distributed scheduler uses it
#: to acknowledge requests only once their results are safe.
pages_stored = object()
