"""``scrapy disavow TARGET``: write the disavow file of a target for Google's disavow tool.

    scrapy disavow example.com -o disavow.txt
    scrapy disavow example.com --min-toxicity 70 --index mongodb://db:27017/backlinks
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime, timezone

from crawler.command_base import ReportingCommand
from crawler.commands._common import (
    CommandError,
    open_for_query,
    toxicity_option,
)
from crawler.index import parse_target
from crawler.index.disavow import render_disavow
from crawler.vocab import TOXIC_MIN


class Command(ReportingCommand):
    command_name = "disavow"

    def syntax(self) -> str:
        return "TARGET [--index URI] [--min-toxicity 60] [-o FILE]"

    def short_desc(self) -> str:
        return "Write a disavow file (Google's format) of a target's toxic backlinks"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--index", metavar="URI",
                            help="index URI (default: the BACKLINKS_INDEX_URI setting)")
        parser.add_argument("--min-toxicity", default=str(TOXIC_MIN), metavar="N",
                            help=f"links with toxicity >= N are disavowed (default {TOXIC_MIN})")
        parser.add_argument("--mode", metavar="MODE",
                            help="read TARGET as site, host, prefix or url instead of guessing")
        parser.add_argument("-o", "--output", metavar="FILE",
                            help="write the file here (default: standard output)")

    def _run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise CommandError("give exactly one TARGET (a site, host, URL prefix or URL)", 2)
        min_toxicity = toxicity_option("--min-toxicity", opts.min_toxicity)
        target = parse_target(args[0], opts.mode)
        output = opts.output
        if output and output != "-":
            directory = os.path.dirname(os.path.abspath(output))
            if not os.path.isdir(directory):
                raise CommandError(f"cannot write {output}: directory {directory} does not exist", 1)
        with open_for_query(opts.index, self.settings) as index:
            entries = index.disavow(target, min_toxicity=min_toxicity)
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        text, notes = render_disavow(
            entries, target=target.text, min_toxicity=min_toxicity, generated_at=now
        )
        if not output or output == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            # Write next to the file and rename: a failed run never leaves half a file.
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(output)), suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                    handle.write(text)
                os.replace(tmp, output)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
            domains = sum(1 for e in entries if e.scope == "domain")
            print(f"wrote {output}: {domains} domains, {len(entries) - domains} URLs",
                  file=sys.stderr)
        for note in notes:
            print(f"scrapy disavow: note: {note}", file=sys.stderr)
