"""``scrapy cluster``: the state of a distributed crawl in Redis, or throw it away.

    REDIS_URL=redis://10.0.0.2:6379/0 scrapy cluster
    scrapy cluster --redis redis://10.0.0.2:6379/0 --format json
    scrapy cluster --reset            # refused while a worker is active; --force to insist
"""

from __future__ import annotations

import argparse
import sys

from crawler.command_base import ReportingCommand
from crawler.commands._common import CommandError
from crawler.commands._output import write_json
from crawler.distributed.connection import RedisUnavailable, check_redis, redis_from_settings
from crawler.distributed.keys import DEFAULT_KEY, CrawlKeys, delete_crawl
from crawler.distributed.status import ClusterStatus, read_status

FORMATS = ("table", "json")


class Command(ReportingCommand):
    command_name = "cluster"

    def syntax(self) -> str:
        return "[--redis URL] [--spider NAME] [--format table|json] [--reset [--force]]"

    def short_desc(self) -> str:
        return "Show (or reset) the state of a distributed crawl in Redis"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--redis", metavar="URL",
                            help="redis://host:port/db (default: the REDIS_URL setting)")
        parser.add_argument("--spider", default="backlinks", metavar="NAME",
                            help="the crawl's spider name (default: backlinks)")
        parser.add_argument("--format", default="table", metavar="FORMAT",
                            help="table or json (default: table)")
        parser.add_argument("--reset", action="store_true",
                            help="delete every key of the crawl (queue, dupefilter, scope, "
                            "counters); refused while a worker is active")
        parser.add_argument("--force", action="store_true",
                            help="with --reset: delete even while workers are active")

    def _run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise CommandError(f"unexpected argument {args[0]!r}: the crawl is chosen with "
                               "--redis and --spider", 2)  # fmt: skip
        if opts.format not in FORMATS:
            raise CommandError(f"unknown format {opts.format!r}: use table or json", 2)
        if opts.force and not opts.reset:
            raise CommandError("--force goes with --reset", 2)
        url = opts.redis or self.settings.get("REDIS_URL")
        if not url:
            raise CommandError("no Redis to read: set REDIS_URL or give --redis URL", 2)
        try:
            check_redis(url)
        except RedisUnavailable as exc:
            raise CommandError(f"cannot reach Redis at {url} ({exc}): start redis-server or "
                               "fix REDIS_URL", 1) from exc  # fmt: skip
        settings = self.settings.copy()
        settings.set("REDIS_URL", url, priority="cmdline")
        client = redis_from_settings(settings)  # REDIS_PARAMS apply, as for the workers
        template = self.settings.get("BACKLINKS_REDIS_KEY", DEFAULT_KEY)
        keys = CrawlKeys.for_spider(template, opts.spider)
        lease = self.settings.getfloat("BACKLINKS_REDIS_LEASE_SECONDS", 120.0)
        status = read_status(client, keys, lease)
        if opts.reset:
            active = [w for w in status.workers if w.active]
            if active and not opts.force:
                names = ", ".join(f"{w.name} seen {w.seen_seconds_ago:g} s ago" for w in active)
                raise CommandError(f"workers are still active on {keys.prefix} ({names}): stop "
                                   "them first, or add --force", 1)  # fmt: skip
            deleted = delete_crawl(client, keys.prefix)
            print(f"deleted {deleted} keys of the crawl {keys.prefix}")
            return
        if opts.format == "json":
            write_json(status.to_dict(), sys.stdout)
        else:
            print(render(status))


def render(status: ClusterStatus) -> str:
    """The status as a few aligned lines."""
    lines = [f"crawl       {status.key}: {status.state}"]
    if status.state == "none":
        return lines[0]
    lines.append(f"requests    {status.queued:,} queued, {status.in_flight:,} in flight, "
                 f"{status.hosts_waiting:,} hosts waiting")  # fmt: skip
    if status.workers:
        lines.append("workers     " + "; ".join(
            f"{w.name} ({'active' if w.active else 'stopped'}, seen {w.seen_seconds_ago:g} s ago)"
            for w in status.workers
        ))  # fmt: skip
    else:
        lines.append("workers     none")
    if status.counters:
        lines.append("counters    " + ", ".join(f"{k} {v:,}" for k, v in status.counters.items()))
    lines.append(f"scope       {status.sites:,} sites, {status.pages_admitted:,} pages admitted")
    if any(status.not_followed.values()):
        lines.append("not followed " + ", ".join(
            f"{k} {v:,}" for k, v in status.not_followed.items() if v))  # fmt: skip
    return "\n".join(lines)
