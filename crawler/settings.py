"""Every setting of the crawler, with its default.

Our own settings carry the ``BACKLINKS_`` prefix. Each one can be overridden by an
environment variable of the same name (``BACKLINKS_INDEX_URI=mongodb://... scrapy crawl``),
by ``-s NAME=VALUE`` on the command line, or in a spider's ``custom_settings``.
scrapy-redis keeps its own names (``REDIS_URL``); Scrapy's settings keep theirs.
"""

from __future__ import annotations

import os


def _env(name: str, default: str) -> str:
    """The environment variable ``name`` if set and not empty, else ``default``."""
    value = os.environ.get(name, "")
    return value if value.strip() else default


BOT_NAME = "backlinks"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# --- The index -------------------------------------------------------------------------
# Where backlinks are stored: sqlite:///path.db (embedded, the default) or
# mongodb://host:port/db (production). Env var BACKLINKS_INDEX_URI.
BACKLINKS_INDEX_URI = _env("BACKLINKS_INDEX_URI", "sqlite:///backlinks.db")
# Pages buffered by the index pipeline before one batched write. Env var BACKLINKS_INDEX_BATCH_SIZE.
BACKLINKS_INDEX_BATCH_SIZE = int(_env("BACKLINKS_INDEX_BATCH_SIZE", "500"))

# --- Scope and bounds --------------------------------------------------------------------
# Most pages fetched per site (registered domain). Env var BACKLINKS_MAX_PAGES_PER_SITE.
BACKLINKS_MAX_PAGES_PER_SITE = int(_env("BACKLINKS_MAX_PAGES_PER_SITE", "200"))
# How many site-to-site hops away from the seed sites the crawl follows outbound links
# (0: seed sites only; 1: also the sites they link to). Env var BACKLINKS_DISCOVERY_HOPS.
BACKLINKS_DISCOVERY_HOPS = int(_env("BACKLINKS_DISCOVERY_HOPS", "1"))
# Clicks from a site's entry page (its home page or the page a link led to) that the crawl
# goes within one site. 0 means no limit. Scrapy's own name; counted per site here.
DEPTH_LIMIT = int(_env("DEPTH_LIMIT", "3"))
# Scheme used for seeds given as bare domains ("example.com"). Env var BACKLINKS_SEED_SCHEME.
BACKLINKS_SEED_SCHEME = _env("BACKLINKS_SEED_SCHEME", "https")
# Follow rel=nofollow links for discovery (their backlinks are recorded either way).
BACKLINKS_FOLLOW_NOFOLLOW = _env("BACKLINKS_FOLLOW_NOFOLLOW", "true").lower() in ("1", "true", "yes")

# --- Traps ---------------------------------------------------------------------------------
# URLs are deduplicated on their canonical form without session ids (crawler/traps.py).
# A path segment repeated more than this many times in one URL marks a link loop.
BACKLINKS_MAX_REPEATED_SEGMENTS = int(_env("BACKLINKS_MAX_REPEATED_SEGMENTS", "2"))
# URLs with more path segments than this are not followed.
BACKLINKS_MAX_PATH_SEGMENTS = int(_env("BACKLINKS_MAX_PATH_SEGMENTS", "20"))
# Outbound targets recorded per page, the first in document order (0: no limit): a link farm
# page with hundreds of thousands of links would hold the crawl's thread for seconds.
BACKLINKS_MAX_BACKLINKS_PER_PAGE = int(_env("BACKLINKS_MAX_BACKLINKS_PER_PAGE", "10000"))
# Distinct query strings followed per path of one host (faceted search, calendars).
BACKLINKS_MAX_QUERY_VARIANTS = int(_env("BACKLINKS_MAX_QUERY_VARIANTS", "100"))
# Longest URL followed (Scrapy's own setting, also enforced by its UrlLengthMiddleware).
URLLENGTH_LIMIT = int(_env("URLLENGTH_LIMIT", "2083"))

# --- Crawl budget ------------------------------------------------------------------------------
# Stop the crawl after this many responses / seconds (0: no limit). Scrapy's own settings.
CLOSESPIDER_PAGECOUNT = int(_env("CLOSESPIDER_PAGECOUNT", "0"))
CLOSESPIDER_TIMEOUT = int(_env("CLOSESPIDER_TIMEOUT", "0"))

# --- Safety ----------------------------------------------------------------------------------
# Networks the crawler may fetch from although they are loopback, private, link-local,
# multicast or reserved (all of which are refused by default). Comma-separated CIDRs,
# e.g. "127.0.0.0/8" for the sandbox web. Env var BACKLINKS_ALLOWED_NETWORKS.
BACKLINKS_ALLOWED_NETWORKS = [
    n.strip() for n in _env("BACKLINKS_ALLOWED_NETWORKS", "").split(",") if n.strip()
]
# Stop downloading non-HTML answers (images, PDFs ...) as soon as their headers arrive.
BACKLINKS_HTML_ONLY = _env("BACKLINKS_HTML_ONLY", "true").lower() in ("1", "true", "yes")
# Name resolution that refuses host names resolving to a forbidden address.
TWISTED_DNS_RESOLVER = "crawler.middlewares.address_guard.GuardedResolver"

# --- Politeness ------------------------------------------------------------------------------
# A contact URL for site owners, carried in the user agent. Env var BACKLINKS_CONTACT_URL.
BACKLINKS_CONTACT_URL = _env(
    "BACKLINKS_CONTACT_URL", "https://github.com/backlinks-crawler/backlinks-crawler"
)
USER_AGENT = _env("USER_AGENT", f"BacklinksCrawler/0.1 (+{BACKLINKS_CONTACT_URL})")
ROBOTSTXT_OBEY = _env("ROBOTSTXT_OBEY", "true").lower() in ("1", "true", "yes")
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"
# robots.txt Crawl-delay is honoured per site, up to this many seconds.
BACKLINKS_MAX_CRAWL_DELAY = float(_env("BACKLINKS_MAX_CRAWL_DELAY", "30"))
# Distributed crawls: a host's robots.txt is fetched by one worker and kept in Redis for the
# others this many seconds (0: every worker fetches its own).
BACKLINKS_ROBOTS_SHARE_SECONDS = int(_env("BACKLINKS_ROBOTS_SHARE_SECONDS", "86400"))
AUTOTHROTTLE_ENABLED = _env("AUTOTHROTTLE_ENABLED", "true").lower() in ("1", "true", "yes")
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = int(_env("CONCURRENT_REQUESTS", "32"))
CONCURRENT_REQUESTS_PER_DOMAIN = int(_env("CONCURRENT_REQUESTS_PER_DOMAIN", "4"))
DOWNLOAD_DELAY = float(_env("DOWNLOAD_DELAY", "0"))
DOWNLOAD_TIMEOUT = int(_env("DOWNLOAD_TIMEOUT", "30"))
# Responses bigger than this are dropped (bytes); Scrapy's own settings.
DOWNLOAD_MAXSIZE = int(_env("DOWNLOAD_MAXSIZE", str(10 * 1024 * 1024)))
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 1
# A site that still fails after the retry (dead host, 5xx, reset) is ordinary crawl life,
# not an error of the crawler: its status is recorded and counted (retry/max_reached,
# backlinks/errors/...), so Scrapy's "Gave up retrying" line is logged at INFO.
RETRY_GIVE_UP_LOG_LEVEL = _env("RETRY_GIVE_UP_LOG_LEVEL", "INFO").upper()

# Every status reaches the spider, so 404s and 5xx are recorded (broken backlinks);
# redirects are still followed (crawler/middlewares/redirect.py) and recorded from redirect_urls.
HTTPERROR_ALLOW_ALL = True
# Meta refresh is a link (kind "redirect") that the extractor reports and the spider follows.
METAREFRESH_ENABLED = False
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# The spider counts depth per site itself (see DEPTH_LIMIT above), so Scrapy's
# DepthMiddleware, which counts from the seeds across sites, is switched off.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
}

DOWNLOADER_MIDDLEWARES = {
    # The address guard runs first, so not even robots.txt is fetched from a private host.
    "crawler.middlewares.address_guard.AddressGuardMiddleware": 50,
    # robots.txt with Crawl-delay, in place of Scrapy's RobotsTxtMiddleware.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robots.RobotsCrawlDelayMiddleware": 100,
    # Redirects followed past the dupefilter, so every redirect chain reaches the spider.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.middlewares.redirect.ChainKeepingRedirectMiddleware": 600,
}

EXTENSIONS = {
    "crawler.extensions.content_type.HtmlOnly": 100,
    "crawler.extensions.progress.CrawlProgress": 500,
}
# Seconds between progress log lines (0: only the summary at the end).
BACKLINKS_PROGRESS_INTERVAL = float(_env("BACKLINKS_PROGRESS_INTERVAL", "60"))
# Write the final crawl stats to this file as JSON (empty: don't). Env var BACKLINKS_STATS_FILE.
BACKLINKS_STATS_FILE = _env("BACKLINKS_STATS_FILE", "")

# --- Classification and toxicity ---------------------------------------------------------------
# A directory of the operator's own rule files, merged on top of the shipped crawler/rules/
# (same file names: list entries are added, "!entry" removes one, TOML scalars such as
# marker weights replace the shipped ones). Empty: the shipped rules only.
# Env var BACKLINKS_RULES_DIR.
BACKLINKS_RULES_DIR = _env("BACKLINKS_RULES_DIR", "")

# --- Scaling out on Redis (crawler/distributed, deploy/README.md) -------------------------------
# Set it and every `scrapy crawl backlinks` worker shares one queue, dupefilter and scope
# (scrapy-redis's name). Env var REDIS_URL, e.g. redis://127.0.0.1:6379/0.
REDIS_URL = _env("REDIS_URL", "")
# The add-on that switches SCHEDULER, DUPEFILTER_CLASS and politeness when REDIS_URL is set.
ADDONS = {"crawler.distributed.addon.RedisAddon": 0}
# Prefix of every Redis key of a crawl (%(spider)s: the spider name). Env var BACKLINKS_REDIS_KEY.
BACKLINKS_REDIS_KEY = _env("BACKLINKS_REDIS_KEY", "backlinks:%(spider)s")
# Seconds a worker holds a request without renewing before another worker may take it
# (a dead worker's requests come back after this). Env var BACKLINKS_REDIS_LEASE_SECONDS.
BACKLINKS_REDIS_LEASE_SECONDS = float(_env("BACKLINKS_REDIS_LEASE_SECONDS", "120"))
# Seconds with nothing queued and nothing in flight in the whole cluster before a worker
# stops (negative: never stop, wait for new seeds). Env var BACKLINKS_REDIS_IDLE_SECONDS.
BACKLINKS_REDIS_IDLE_SECONDS = float(_env("BACKLINKS_REDIS_IDLE_SECONDS", "15"))
# Most requests leased at once into a worker's local buffer. Env var BACKLINKS_REDIS_PREFETCH.
BACKLINKS_REDIS_PREFETCH = int(_env("BACKLINKS_REDIS_PREFETCH", "32"))
# Cluster-wide seconds between the starts of two requests to one host, and requests to one
# host at a time; empty: DOWNLOAD_DELAY and CONCURRENT_REQUESTS_PER_DOMAIN.
# Env vars BACKLINKS_REDIS_HOST_DELAY, BACKLINKS_REDIS_HOST_CONCURRENCY.
BACKLINKS_REDIS_HOST_DELAY = _env("BACKLINKS_REDIS_HOST_DELAY", "")
BACKLINKS_REDIS_HOST_CONCURRENCY = _env("BACKLINKS_REDIS_HOST_CONCURRENCY", "")
# Longest wait between reconnect attempts while Redis is unreachable (seconds).
# Env var BACKLINKS_REDIS_MAX_BACKOFF.
BACKLINKS_REDIS_MAX_BACKOFF = float(_env("BACKLINKS_REDIS_MAX_BACKOFF", "30"))
# URLs the compact dupefilter and the shared scope are sized for (~5 bytes per URL at this
# size; beyond ~2x it still works with more memory). Env var BACKLINKS_DUPEFILTER_CAPACITY.
BACKLINKS_DUPEFILTER_CAPACITY = int(_env("BACKLINKS_DUPEFILTER_CAPACITY", "20000000"))

ITEM_PIPELINES = {
    "pipelines.outbound.OutboundLinksPipeline": 100,
    "pipelines.classify.ClassifyPipeline": 200,
    "pipelines.index.IndexPipeline": 300,
}

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = _env("LOG_LEVEL", "INFO")
