"""``scrapy crawl``, with the backlinks spider's arguments and index checked first.

Scrapy would report a bad seeds file or an unusable index as a traceback from inside the
crawl; this check turns them into one line on stderr and a non-zero exit (2 for a bad
argument, 1 for an index that cannot be opened) before anything starts.
"""

from __future__ import annotations

import sys
from argparse import Namespace

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.preflight import PreflightError, check_crawl


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: Namespace) -> None:
        if len(args) == 1 and args[0] == "backlinks":
            try:
                check_crawl(self.settings, opts.spargs)
            except PreflightError as exc:
                print(f"scrapy crawl: error: {exc}", file=sys.stderr)
                sys.exit(exc.exit_code)
        super().run(args, opts)
