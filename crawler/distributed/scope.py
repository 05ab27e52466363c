"""The crawl scope shared by every worker: seen URLs, site hops and pages per site in Redis.

``RedisCrawlScope`` answers the spider's ``admit_page`` (all followable links of one page)
with one Lua script, one round trip, atomically, so the caps of crawler.scope hold for the
cluster: a site's page cap counts every worker's pages, a URL is admitted once cluster-wide,
a site's discovery hop is decided once, and the query variants of a path (a trap's
faceted search or calendar) are counted for the whole cluster. The decisions mirror ``CrawlScope`` exactly.

Crash safety: the answer for a page is also kept for a while under a digest of the
question (site, hop, depth, links). If the worker dies before the admitted requests reach
the queue, the page's request is leased again, parsed again, asks the same question and
gets the same answer; the dupefilter drops whatever was already queued.

Seen URLs live in compact sharded sets (crawler.distributed.keys), ~5 bytes per URL.
When Redis is unreachable ``admit_page`` raises RedisUnavailable at once (the scheduler's
callback wrapper gives the page's request back to the queue); ``add_seed`` waits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

from crawler.distributed import lua
from crawler.distributed.connection import RedisLink, RedisUnavailable, link_for
from crawler.distributed.keys import CrawlKeys, ShardedSet, shard_bits_for
from crawler.scope import Admission, CrawlScope, home_url
from crawler.urls import host_of, site_of


def url_digest(url: str) -> bytes:
    return hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=8).digest()


class RedisHashView(Mapping[str, int]):
    """A read-only view of a Redis hash of site -> integer (``len`` is one HLEN)."""

    def __init__(self, link: RedisLink, key: str) -> None:
        self.link = link
        self.key = key

    def __len__(self) -> int:
        return int(self.link.call(self.link.client.hlen, self.key))

    def __getitem__(self, site: str) -> int:
        value = self.link.call(self.link.client.hget, self.key, site)
        if value is None:
            raise KeyError(site)
        return int(value)

    def __iter__(self) -> Iterator[str]:
        for key in self.link.call(self.link.client.hkeys, self.key):
            yield key.decode() if isinstance(key, bytes) else key


class RedisCrawlScope(CrawlScope):
    #: URLs this worker knows are taken, to skip hashing and sending them again (bounded).
    TAKEN_CACHE = 200_000

    def __init__(self, *, max_pages_per_site: int, discovery_hops: int, depth_limit: int,
                 link: RedisLink, prefix: str, capacity: int = 20_000_000,
                 replay_seconds: float = 600.0, traps: Any = None, stats: Any = None) -> None:
        super().__init__(max_pages_per_site=max_pages_per_site, discovery_hops=discovery_hops,
                         depth_limit=depth_limit, traps=traps, stats=stats)
        self.link = link
        self.keys = CrawlKeys(prefix)
        self.seen = ShardedSet(f"{prefix}:seen", shard_bits_for(capacity))
        self.replay_ms = int(replay_seconds * 1000)
        client = link.client
        self._admit = client.register_script(lua.ADMIT)
        self._seed = client.register_script(lua.SEED)
        self._take_redirect = client.register_script(lua.TAKE_REDIRECT)
        self._taken_cache: dict[str, None] = {}
        self.site_hops = RedisHashView(link, self.keys.hops)  # type: ignore[assignment]
        self.site_pages = RedisHashView(link, self.keys.pages)  # type: ignore[assignment]

    @classmethod
    def sharing(cls, scope: CrawlScope, crawler: Any) -> RedisCrawlScope:
        """The shared version of an in-process scope (same limits, trap filter, stats)."""
        settings = crawler.settings
        lease = settings.getfloat("BACKLINKS_REDIS_LEASE_SECONDS", 120.0)
        return cls(
            max_pages_per_site=scope.max_pages_per_site,
            discovery_hops=scope.discovery_hops,
            depth_limit=scope.depth_limit,
            link=link_for(crawler),
            prefix=CrawlKeys.for_crawler(crawler).prefix,
            capacity=settings.getint("BACKLINKS_DUPEFILTER_CAPACITY", 20_000_000),
            replay_seconds=max(600.0, 4 * lease),
            traps=scope.traps,
            stats=scope.stats,
        )

    def _remember(self, url: str) -> None:
        cache = self._taken_cache
        if len(cache) >= self.TAKEN_CACHE:
            for old in list(cache)[: self.TAKEN_CACHE // 4]:
                del cache[old]
        cache[url] = None

    def add_seed(self, url: str) -> Admission | None:
        site = site_of(host_of(url))
        key, member = self.seen.locate(url_digest(self._key(url)))
        self.link.wait_until_up("adding a seed")
        self.link.call(self._seed, args=[self.keys.prefix, site, key, member])
        return Admission(url=url, site=site, hop=0, depth=0, new_site=False)

    def admit(self, url: str, from_site: str, hop: int, depth: int) -> Admission | None:
        for admission in self.admit_page([url], from_site, hop, depth):
            if admission.url == url:
                return admission
        return None

    def admit_page(self, urls: list[str], from_site: str, hop: int, depth: int) -> list[Admission]:
        """``CrawlScope.admit_page`` for the cluster, in one round trip (see the module)."""
        if not urls:
            return []
        args: list[Any] = [self.keys.prefix, from_site, hop, depth, self.max_pages_per_site,
                           self.discovery_hops, self.depth_limit]
        # The replay key is a digest of the whole question, before this worker's own
        # filtering (its cache, its trap checks), so any worker asks the same question.
        question = "\x00".join([from_site, str(hop), str(depth), *urls])
        digest = hashlib.blake2b(question.encode("utf-8", "replace"), digest_size=16).hexdigest()
        max_variants = self.traps.max_query_variants if self.traps is not None else 0
        args += [self.keys.replay(digest), self.replay_ms, max_variants]
        sites: dict[int, str] = {}
        homes: dict[int, str] = {}
        #: home URL -> its seen (key, member): most links of a page share a few hosts, so
        #: each home page is canonicalised and hashed once per page, not once per link.
        home_slots: dict[str, tuple[str, int]] = {}
        for index, url in enumerate(urls, 1):
            if url in self._taken_cache:
                continue
            variant = b""
            if self.traps is not None:
                # The URL's shape is judged here; its query variants are counted in Redis,
                # for the whole cluster.
                trap, path_key = self.traps.inspect(url)
                if trap is not None:
                    self._cut(trap)
                    continue
                if path_key is not None:
                    variant = url_digest(path_key)
            site = site_of(host_of(url))
            home = home_url(url)
            key, member = self.seen.locate(url_digest(self._key(url)))
            if home != url:
                slot = home_slots.get(home)
                if slot is None:
                    slot = home_slots[home] = self.seen.locate(url_digest(self._key(home)))
                home_key, home_member = slot
            else:
                home_key, home_member = "", ""
            args += [index, site, key, member, home_key, home_member, variant]
            sites[index] = site
            homes[index] = home
        flat, cuts, seen = self.link.call(self._admit, args=args)
        for reason, count in zip(("depth", "hops", "site_cap", "query_variants"), cuts, strict=True):
            for _ in range(int(count)):
                self._cut(reason)
        admitted = []
        for i in range(0, len(flat), 5):
            index, is_home, adm_hop, adm_depth, new_site = (int(v) for v in flat[i:i + 5])
            url = urls[index - 1]
            site = sites.get(index) or site_of(host_of(url))
            if is_home:
                url = homes.get(index) or home_url(url)
            else:
                self._remember(url)
            admitted.append(Admission(url=url, site=site, hop=adm_hop, depth=adm_depth,
                                      new_site=bool(new_site)))
        for index in seen:
            self._remember(urls[int(index) - 1])
        return admitted

    def take_redirect(self, url: str, chain: tuple[str, ...] = ()) -> bool:
        """``CrawlScope.take_redirect`` for the cluster, in one round trip (lua.TAKE_REDIRECT).
        The same redirect (``chain`` and ``url``) asked again within the replay time gets
        the same answer: a lease replayed after a crash still fetches the target. With
        Redis unreachable the answer is True: the target is fetched (at worst twice),
        never lost."""
        question = "\x00".join(["redirect", *chain, url])
        digest = hashlib.blake2b(question.encode("utf-8", "replace"), digest_size=16).hexdigest()
        key, member = self.seen.locate(url_digest(self._key(url)))
        try:
            added = self.link.call(self._take_redirect, args=[
                self.keys.prefix, site_of(host_of(url)), key, member, self.keys.replay(digest),
                self.replay_ms,
            ])  # fmt: skip
        except RedisUnavailable:
            if self.stats is not None:
                self.stats.inc_value("backlinks/redirects/scope_unavailable")
            return True
        self._remember(url)
        return bool(int(added))

    def cluster_cuts(self) -> dict[str, int]:
        raw = self.link.call(self.link.client.hgetall, self.keys.cut)
        return {k.decode(): int(v) for k, v in raw.items()}
