"""Checks made before a crawl starts, so that bad input fails fast with one clear line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.index import open_index
from crawler.networks import parse_networks
from crawler.ruleset import load_rules
from crawler.seeds import read_seeds


class PreflightError(Exception):
    """A crawl cannot start; ``exit_code`` is 2 for bad arguments, 1 for the environment."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def check_crawl(settings: Any, spider_args: Mapping[str, str]) -> None:
    """Raise PreflightError if the seeds or the index of a ``backlinks`` crawl are unusable."""
    seeds = spider_args.get("seeds")
    if seeds is not None or not settings.get("REDIS_URL"):
        try:
            read_seeds(seeds, settings.get("BACKLINKS_SEED_SCHEME", "https"))
        except ValueError as exc:
            raise PreflightError(str(exc), 2) from exc
    try:
        parse_networks(settings.getlist("BACKLINKS_ALLOWED_NETWORKS"))
    except ValueError as exc:
        raise PreflightError(str(exc), 2) from exc
    try:
        load_rules(settings.get("BACKLINKS_RULES_DIR") or None)
    except (ValueError, OSError) as exc:
        raise PreflightError(str(exc), 2) from exc
    redis_url = settings.get("REDIS_URL")
    if redis_url:
        from crawler.distributed.connection import RedisUnavailable, check_redis

        try:
            check_redis(redis_url)
        except ValueError as exc:
            raise PreflightError(str(exc), 2) from exc
        except RedisUnavailable as exc:
            raise PreflightError(f"cannot reach Redis at {redis_url} ({exc}): start redis-server "
                                 "or fix REDIS_URL", 1) from exc
    uri = settings.get("BACKLINKS_INDEX_URI", "sqlite:///backlinks.db")
    try:
        index = open_index(uri)
    except ValueError as exc:
        raise PreflightError(str(exc), 2) from exc
    except Exception as exc:  # an unreachable server, an unwritable file ...
        raise PreflightError(f"cannot open the index {uri}: {exc}", 1) from exc
    index.close()
