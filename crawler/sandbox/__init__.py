"""The sandbox web: hundreds of generated sites on loopback, with a ground-truth link graph.

    web = build_web(sites=60, seed=11)
    web.seed_urls()       # http://<site>/ for every site
    web.page(url)         # the page model, or None
    web.response(url)     # (status, headers, body) as the server answers it
    web.ground_truth()    # one dict per link on every page a polite crawler fetches

``python -m crawler.sandbox serve --port 0 --sites N --seed S`` serves it as an HTTP proxy.
The same seed gives the same web, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator

from crawler.sandbox import blogs, community, company, listings, specials
from crawler.sandbox.model import Alias, Asset, ErrorPage, Hostile, Page, Redirect, Resource, Site, host_of
from crawler.sandbox.plan import MAX_SITES, MIN_SITES, Builder
from crawler.sandbox.render import Rendered, render_page
from crawler.sandbox.truth import ground_truth, robots_allows

__all__ = ["MAX_SITES", "MIN_SITES", "Web", "build_web"]

Response = tuple[int, tuple[tuple[str, str], ...], bytes]


class Web:
    """A built sandbox web: its sites, every URL's answer, robots.txt per host."""

    def __init__(self, builder: Builder, sites: int, seed: int) -> None:
        self.size = sites
        self.seed = seed
        self.sites: list[Site] = builder.sites
        self.resources: dict[str, Resource] = builder.resources
        #: Every page by URL (``pages()`` lists them, ``page(url)`` finds one).
        self.page_map: dict[str, Page] = builder.pages
        self.hosts: dict[str, Site] = {}
        for site in self.sites:
            for host in builder.hosts(site):
                self.hosts[host] = site
        self.disallow: dict[str, list[str]] = {}
        for site in self.sites:
            for host in builder.hosts(site):
                self.disallow[host] = list(site.disallow.get(host, []))
        self._rendered: dict[str, Rendered] = {url: render_page(page) for url, page in self.page_map.items()}

    # -- the model ---------------------------------------------------------------------------
    def seed_urls(self) -> list[str]:
        return [f"http://{site.domain}/" for site in self.sites]

    def page(self, url: str) -> Page | None:
        return self.page_map.get(url)

    def pages(self) -> list[Page]:
        """Every page of the web (HTML answers, robots.txt-disallowed ones included), in build order."""
        return list(self.page_map.values())

    def rendered(self, url: str) -> Rendered:
        return self._rendered[url]

    def robots_txt(self, host: str) -> str | None:
        """robots.txt of a host, or None where the site has none (it answers 404)."""
        site = self.hosts.get(host)
        if site is None or site.kind == "farm":
            return None
        rules = self.disallow.get(host, [])
        lines = []
        if rules:
            lines += ["User-agent: BadBot", "Disallow: /", ""]
        lines.append("User-agent: *")
        lines += [f"Disallow: {rule}" for rule in rules] or ["Disallow:"]
        lines += ["", f"Sitemap: http://{host}/sitemap.xml", ""]
        return "\n".join(lines)

    def allowed(self, url: str) -> bool:
        return robots_allows(self.disallow.get(host_of(url), []), url)

    def response(self, url: str) -> Response | Hostile | None:
        """How the server answers ``url`` on a sandbox host: (status, headers, body), a
        Hostile answer, or None for a host that is not in the sandbox."""
        host = host_of(url)
        if host not in self.hosts:
            return None
        resource = self.resources.get(url)
        if resource is None and url.endswith("/robots.txt") and url.count("/") == 3:
            text = self.robots_txt(host)
            if text is not None:
                return 200, (("Content-Type", "text/plain"),), text.encode("ascii")
        if isinstance(resource, Page):
            rendered = self._rendered[url]
            return 200, (("Content-Type", rendered.content_type),), rendered.body
        if isinstance(resource, Alias):
            rendered = self._rendered[resource.page_url]
            return 200, (("Content-Type", rendered.content_type),), rendered.body
        if isinstance(resource, Redirect):
            reason = "Moved Permanently" if resource.status == 301 else "Found"
            body = f"<html><body>{reason}: <a href=\"{resource.location}\">here</a></body></html>".encode()
            return resource.status, (("Location", resource.location), ("Content-Type", "text/html")), body
        if isinstance(resource, Asset):
            return 200, (("Content-Type", resource.content_type),), resource.body
        if isinstance(resource, Hostile):
            return resource
        status = resource.status if isinstance(resource, ErrorPage) else 404
        title = {404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable"}.get(status, "Error")
        body = f"<!DOCTYPE html><html><head><title>{status} {title}</title></head><body><h1>{title}</h1>" \
               f"<p><a href=\"/\">Home</a></p></body></html>".encode()
        return status, (("Content-Type", "text/html; charset=utf-8"),), body

    def ground_truth(self) -> Iterator[dict]:
        return ground_truth(self)


def build_web(sites: int, seed: int) -> Web:
    """Build the sandbox web of ``sites`` sites from ``seed`` (deterministic)."""
    if not MIN_SITES <= sites <= MAX_SITES:
        raise ValueError(f"a sandbox web has {MIN_SITES} to {MAX_SITES} sites, not {sites}")
    b = Builder(seed)
    b.make_sites(sites)
    for site in b.sites:
        if site.kind in ("blog", "news", "company", "forum"):
            b.people.append((site.owner[0], site.owner[1], site.home))
    for site in b.sites:
        _skeleton(b, site)
    blogs.ensure_families(b)
    community.assign_profiles(b)
    b.plan_inbound()
    specials.prepare(b)
    for site in b.sites:
        _content(b, site)
    specials.apply(b)
    return Web(b, sites, seed)


def _skeleton(b: Builder, site: Site) -> None:
    kind = site.kind
    if kind in ("blog", "news", "spam"):
        blogs.skeleton(b, site, site.host, site.theme, kind)
    elif kind == "company":
        company.skeleton(b, site)
    elif kind == "forum":
        forum_host = next(iter(site.subhosts), site.host)
        if forum_host != site.host:
            b.page(site, site.home, "home", f"{site.brand} community", theme="ghost")
        community.forum_skeleton(b, site, forum_host, site.theme)
    elif kind == "directory":
        listings.directory_skeleton(b, site)
    elif kind == "social":
        community.social_skeleton(b, site)
    elif kind == "farm":
        listings.farm_skeleton(b, site)


def _content(b: Builder, site: Site) -> None:
    kind = site.kind
    if kind in ("blog", "news", "spam"):
        blogs.content(b, site, site.host, kind)
    elif kind == "company":
        company.content(b, site)
    elif kind == "forum":
        forum_host = next(iter(site.subhosts), site.host)
        if forum_host != site.host:
            company.landing(b, site, b.pages[site.home], [(f"http://{forum_host}/", "Forum")])
        community.forum_content(b, site, forum_host)
    elif kind == "directory":
        listings.directory_content(b, site)
    elif kind == "social":
        community.social_content(b, site)
    elif kind == "farm":
        listings.farm_content(b, site)
