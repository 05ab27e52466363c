"""Building the web model: the sites, their hosts and themes, and the helpers every page
builder uses (page registration, hrefs written the many ways real pages write them, anchors).
The page builders per site kind live in blogs.py, community.py and listings.py."""

from __future__ import annotations

import posixpath
import random

from crawler.sandbox import names
from crawler.sandbox.model import Link, Page, Resource, Site, host_of, join, site_of
from crawler.sandbox.themes import FAMILIES

#: Share of each site kind, and the least number of such sites in any web.
KIND_SHARES: tuple[tuple[str, float, int], ...] = (
    ("social", 0.05, 2), ("directory", 0.07, 2), ("forum", 0.09, 2), ("spam", 0.05, 2),
    ("farm", 0.035, 1), ("company", 0.16, 2), ("news", 0.08, 1),
)
MIN_SITES = 16
MAX_SITES = 1000
#: Site kinds a normal page may link to editorially.
LINKABLE = ("blog", "news", "company", "forum", "directory", "social")


class Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.namer = names.Namer(self.rng)
        self.sites: list[Site] = []
        self.by_domain: dict[str, Site] = {}
        self.pages: dict[str, Page] = {}
        self.resources: dict[str, Resource] = {}
        #: Deep pages worth linking to, per site domain (articles, products, threads, listings).
        self.deep: dict[str, list[str]] = {}
        #: Target URLs each site promised to link to from its articles (so every site is linked).
        self.promised: dict[str, list[str]] = {}
        #: People with a web presence: (name, handle, home URL of their site).
        self.people: list[tuple[str, str, str]] = []
        #: Social profile URL per handle.
        self.profiles: dict[str, str] = {}
        self.dead_sites: list[str] = []
        self.weights: list[float] = []
        self.linkable: list[Site] = []
        #: Per-host site-wide choices (blogroll, ad, footer credit, injected hidden links).
        self.extras: dict[str, dict] = {}
        #: The person behind a social profile or post, by page URL: (name, handle, home URL).
        self.owners: dict[str, tuple[str, str, str]] = {}

    # -- sites --------------------------------------------------------------------------------
    def make_sites(self, count: int) -> None:
        rng = self.rng
        kinds: list[str] = []
        for kind, share, least in KIND_SHARES:
            kinds += [kind] * max(least, round(share * count))
        kinds += ["blog"] * (count - len(kinds))
        rng.shuffle(kinds)
        themes: dict[str, list[str]] = {}
        for kind in kinds:
            family = themes.setdefault(kind, [])
            if not family:
                family.extend(FAMILIES[kind])
                rng.shuffle(family)
            theme = family.pop()
            domain = self.namer.site(kind)
            owner = self.namer.person()
            site = Site(domain=domain, kind=kind, topic=rng.choice(sorted(names.TOPICS)), theme=theme,
                        brand=names.brand(domain), owner=owner, host=domain)
            if kind in ("blog", "news") and rng.random() < (0.2 if kind == "blog" else 0.5):
                site.host = "www." + domain
            if kind == "forum" and rng.random() < 0.4:
                site.subhosts["forum." + domain] = theme
            if kind == "company":
                if rng.random() < 0.5:
                    site.subhosts["blog." + domain] = rng.choice(FAMILIES["blog"])
                if rng.random() < 0.3:
                    site.subhosts["forum." + domain] = rng.choice(FAMILIES["forum"])
            site.sloppy = theme in ("classic", "vbulletin", "smf", "yellowpages", "linktable")
            self.sites.append(site)
            self.by_domain[domain] = site
        self._pick_locales()
        self.linkable = [s for s in self.sites if s.kind in LINKABLE]
        # Popularity: a few sites are linked a lot, most a little (Zipf-like).
        order = list(range(len(self.linkable)))
        rng.shuffle(order)
        self.weights = [1.0 / (rank + 1) ** 0.7 for rank in order]
        self.dead_sites = [self.namer.dead_site(spammy=i % 3 == 0) for i in range(170)]

    def _pick_locales(self) -> None:
        blogs = [s for s in self.sites if s.kind == "blog" and s.theme != "ghost"]
        for site, locale in zip(blogs[:3], ("fr-1252", "ja-sjis", "pl-8859-2"), strict=False):
            site.locale = locale

    def hosts(self, site: Site) -> list[str]:
        hosts = [site.host]
        if site.host != site.domain:
            hosts.append(site.domain)
        return hosts + sorted(site.subhosts)

    # -- pages ---------------------------------------------------------------------------------
    def page(self, site: Site, url: str, kind: str, title: str, **fields) -> Page:
        if url in self.resources:
            raise ValueError(f"two resources at {url}")
        page = Page(url=url, site=site, kind=kind, title=title, theme=fields.pop("theme", site.theme), **fields)
        if site.locale == "fr-1252":
            page.encoding, page.declared, page.lang = "windows-1252", "header", "fr"
        elif site.locale == "ja-sjis":
            page.encoding, page.declared, page.lang = "shift_jis", "meta", "ja"
        elif site.locale == "pl-8859-2":
            page.encoding, page.declared, page.lang = "iso-8859-2", "meta", "pl"
        self.pages[url] = page
        self.resources[url] = page
        site.pages.append(url)
        return page

    def add(self, resource: Resource) -> Resource:
        if resource.url in self.resources:
            raise ValueError(f"two resources at {resource.url}")
        self.resources[resource.url] = resource
        return resource

    def site_at(self, url: str) -> Site:
        """The sandbox site that serves ``url``."""
        return self.by_domain[site_of(host_of(url))]

    def deep_page(self, site: Site) -> str:
        pages = self.deep.get(site.domain)
        return self.rng.choice(pages) if pages else site.home

    # -- link targets ---------------------------------------------------------------------------
    def pick_site(self, exclude: Site, kinds: tuple[str, ...] = LINKABLE) -> Site:
        pool = [(s, w) for s, w in zip(self.linkable, self.weights, strict=True)
                if s is not exclude and s.kind in kinds]
        if not pool:
            pool = [(s, 1.0) for s in self.sites if s is not exclude]
        return self.rng.choices([s for s, _ in pool], weights=[w for _, w in pool])[0]

    def pick_sites(self, exclude: Site, count: int, kinds: tuple[str, ...] = LINKABLE) -> list[Site]:
        chosen: list[Site] = []
        for _ in range(count * 6):
            if len(chosen) == count:
                break
            site = self.pick_site(exclude, kinds)
            if site not in chosen:
                chosen.append(site)
        return chosen

    def plan_inbound(self) -> None:
        """Every linkable site gets editorial links from at least three other sites."""
        writers = [s for s in self.sites if s.kind in ("blog", "news")
                   or (s.kind == "company" and any(h.startswith("blog.") for h in s.subhosts))]
        for target in self.linkable:
            sources = [s for s in writers if s is not target]
            for source in self.rng.sample(sources, min(3, len(sources))):
                url = target.home if self.rng.random() < 0.5 else self.deep_page(target)
                self.promised.setdefault(source.domain, []).append(url)

    # -- hrefs and anchors ----------------------------------------------------------------------
    def href(self, page: Page, target: str, style: str = "auto") -> str:
        base = page.base or page.url
        rng = self.rng
        same_host = host_of(target) == host_of(base)
        if style == "auto":
            if same_host:
                style = rng.choice(("root", "root", "rel", "abs"))
            else:
                style = rng.choices(("abs", "proto", "upper", "frag", "space", "port"),
                                    weights=(84, 3, 3, 5, 3, 2))[0]
        host = host_of(target)
        rest = target.split("://", 1)[1][len(host):]
        candidates: list[str] = []
        if style == "root" and same_host:
            candidates.append(rest)
        elif style == "rel" and same_host:
            candidates.append(_relative(base, rest))
        elif style == "proto":
            candidates.append("//" + host + rest)
        elif style == "upper":
            candidates.append("http://" + host.upper() + rest)
        elif style == "frag":
            candidates.append(target + rng.choice(("#top", "#main", "#section-2", "#comments")))
        elif style == "space":
            candidates.append(" " + target + "\n")
        elif style == "port":
            candidates.append("http://" + host + ":80" + rest)
        candidates.append(target)
        for href in candidates:
            if join(base, href) == target:
                return href
        raise ValueError(f"cannot write a link from {page.url} to {target}")

    def link(self, page: Page, target: str, text: str = "", *, rel: str = "", img: str = "", alt: str = "",
             hide: str = "", attrs: str = "", style: str = "auto") -> Link:
        return Link(url=target, href=self.href(page, target, style), text=text, img=img, alt=alt, rel=rel,
                    hide=hide, attrs=attrs)

    def anchor(self, target_site: Site, target_url: str) -> str:
        """A realistic anchor for an outbound link: brand, naked URL, generic, or descriptive."""
        roll = self.rng.random()
        if roll < 0.35:
            return target_site.brand
        if roll < 0.5:
            return target_url if self.rng.random() < 0.5 else host_of(target_url)
        if roll < 0.7:
            return self.rng.choice(names.GENERIC_ANCHORS)
        title = self.pages[target_url].title if target_url in self.pages else ""
        return title or f"{target_site.brand} on {target_site.topic}"


def _relative(base: str, rest: str) -> str:
    """``rest`` (path and query) written relative to the directory of ``base``."""
    base_path = "/" + base.split("://", 1)[1].split("/", 1)[1] if base.count("/") > 2 else "/"
    base_path = base_path.split("?", 1)[0]
    path, _, query = rest.partition("?")
    directory = base_path.rsplit("/", 1)[0] or "/"
    relative = posixpath.relpath(path, directory)
    if path.endswith("/") and not relative.endswith("/"):
        relative += "/"
    if relative in ("./", "."):
        relative = "./"
    return relative + ("?" + query if query else "")
