"""The base of this project's commands that run no crawl (backlinks, disavow, cluster).

It lives outside ``crawler.commands``: Scrapy takes every command class defined in that
package's modules for a command of its own."""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand

from crawler.commands._common import run_reporting_errors


class ReportingCommand(ScrapyCommand):
    """A command of this project that runs no crawl (backlinks, disavow, cluster): quiet
    logs, and ``_run``'s failures reported as one line with the exit code."""

    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}
    #: The command's name, in its error lines ("scrapy NAME: error: ...").
    command_name = ""

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        self.exitcode = run_reporting_errors(self.command_name, lambda: self._run(args, opts))

    def _run(self, args: list[str], opts: argparse.Namespace) -> None:
        raise NotImplementedError
