"""``scrapy crawl``, with the backlinks spider's arguments and index checked first.

Scrapy would report a bad seeds file or an unusable index as a traceback from inside the
crawl; this check turns them into one line on stderr and a non-zero exit (2 for a bad
argument, 1 for an index that cannot be opened) before anything starts, even before
Scrapy's start-up log lines (so it runs in ``process_options``, which Scrapy calls before it
builds the crawler process).
"""

from __future__ import annotations

import sys
from argparse import Namespace

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.preflight import PreflightError, check_crawl


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: Namespace) -> None:
        super().process_options(args, opts)
        if len(args) == 1 and args[0] == "backlinks":
            try:
                check_crawl(self.settings, opts.spargs)
            except PreflightError as exc:
                print(f"scrapy crawl: error: {exc}", file=sys.stderr)
                sys.exit(exc.exit_code)
