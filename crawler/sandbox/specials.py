"""The awkward parts of the real web, placed on a few pages: redirects (HTTP and meta refresh),
errors, files, frames, image maps, hidden links, a BOM page, links to private addresses, and
hostile answers for the crawler's safety work. Each is linked from a normal page."""

from __future__ import annotations

from crawler.sandbox import names
from crawler.sandbox.model import (
    Alias,
    Asset,
    Block,
    ErrorPage,
    Frame,
    Heading,
    Hostile,
    ImageMap,
    Link,
    Links,
    Page,
    Para,
    Redirect,
    Site,
)
from crawler.sandbox.plan import Builder

#: Links a safe crawler must refuse to fetch (cloud metadata, private and loopback addresses).
PRIVATE_TARGETS: tuple[tuple[str, str], ...] = (
    ("http://169.254.169.254/latest/meta-data/", "instance metadata"),
    ("http://10.0.0.5/admin", "the admin panel"),
    ("http://localhost/", "localhost"),
    ("http://[::1]/", "IPv6 loopback"),
)
HOSTILE_PATHS: tuple[tuple[str, str], ...] = (
    ("bomb", "downloads/site-backup.html"), ("huge", "archive/everything.html"),
    ("garbage", "legacy/index.html"), ("reset", "stream/live.html"), ("stall", "reports/slow.html"),
)
_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                     "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")
_JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300") + bytes(64) + bytes.fromhex("ffd9")


def _pdf(title: str) -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
            b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
            + f"% {title}\n".encode("ascii", "replace") + b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _blogs(b: Builder) -> list[Site]:
    return [s for s in b.sites if s.kind == "blog" and s.locale == "en"] or [s for s in b.sites if s.kind == "blog"]


def prepare(b: Builder) -> None:
    """Choices that the page builders read: a hacked site with hidden footer links."""
    spam = [s for s in b.sites if s.kind == "spam"]
    blogs = _blogs(b)
    if spam and blogs:
        hacked = blogs[-1]
        targets = [(s.home, b.rng.choice(names.COMMERCIAL_ANCHORS)) for s in spam[:2]]
        b.extras.setdefault(hacked.host, {})["injected"] = ("display", targets)


def _posts(b: Builder, site: Site) -> list[Page]:
    return [b.pages[u] for u in site.pages if b.pages[u].kind == "article"]


def _append(b: Builder, page: Page, heading: str, links: list[Link]) -> None:
    page.main.append(Block("section", [Heading(heading, 3), Links(tuple(links))]))


def _small_page(b: Builder, site: Site, url: str, kind: str, title: str, text: str) -> Page:
    page = b.page(site, url, kind, title)
    page.main.append(Block("section", [Heading(title, 1), Para((text, " ", b.link(page, site.home, "Home")))]))
    return page


def apply(b: Builder) -> None:
    blogs = _blogs(b)
    companies = [s for s in b.sites if s.kind == "company"]
    # Apex -> www. redirects (the seed is the apex).
    for site in b.sites:
        if site.host != site.domain:
            b.add(Redirect(f"http://{site.domain}/", site.home, 301))
    # Files linked from pages.
    for url, content_type in sorted(b.extras.get("assets", {}).items()):
        body = _pdf(url) if content_type == "application/pdf" else _JPEG
        b.add(Asset(url, content_type, body))
    # A chain of moved pages: /2017/... -301-> /2018/... -301-> /archive/... (relative Locations).
    for site in blogs[:3]:
        root = site.home
        _small_page(b, site, root + "archive/old-roundup/", "page", f"Roundup archive - {site.brand}",
                    "This roundup moved here.")
        b.add(Redirect(root + "2018/roundup.html", "/archive/old-roundup/", 301))
        b.add(Redirect(root + "2017/roundup.html", root + "2018/roundup.html", 301))
        posts = _posts(b, site)
        if posts:
            _append(b, posts[0], "From the archive", [b.link(posts[0], root + "2017/roundup.html", "Old roundup"),
                                                      b.link(posts[0], root + "2016/deleted-post/",
                                                             "A post that was deleted")])
    # Tracking redirects to partners (302 to a landing URL with a ref parameter) and meta refresh.
    for site in blogs[3:6] + companies[:2]:
        partner = b.pick_site(site, ("company", "blog"))
        landing = f"{partner.home}?ref={site.domain.split('.')[0]}"
        b.add(Alias(landing, partner.home))
        go = f"{site.home}go/{names.slug(partner.brand)}"
        b.add(Redirect(go, landing, 302))
        out = _small_page(b, site, f"{site.home}out/{names.slug(partner.brand)}.html", "refresh",
                          "Redirecting...", "You are being redirected.")
        out.refresh = Link(url=partner.home, href=partner.home, alt="0")
        moved = _small_page(b, site, f"{site.home}old-home.html", "refresh", "Moved", "This page moved.")
        moved.refresh = Link(url=site.home, href="/", alt="3")
        page = b.pages[site.home]
        _append(b, page, "Partners", [b.link(page, go, f"{partner.brand} (partner)"),
                                      b.link(page, out.url, f"Visit {partner.brand}"),
                                      b.link(page, moved.url, "Old home page")])
    # Server errors.
    for site in blogs[:2] + companies[:1]:
        page = b.pages[site.home]
        b.add(ErrorPage(site.home + "status/", 500))
        b.add(ErrorPage(site.home + "feeds/latest", 503))
        _append(b, page, "Status", [b.link(page, site.home + "status/", "Service status"),
                                    b.link(page, site.home + "feeds/latest", "Latest feed")])
    # Frames and an image map.
    for site in blogs[1:3]:
        widget = _small_page(b, site, site.home + "widgets/newsletter.html", "widget", "Newsletter",
                             "Subscribe to our newsletter.")
        widget.main[0].items.append(Para((b.link(widget, site.home + "about/", "About us"),)))
        home = b.pages[site.home]
        home.main.append(Block("section", [Frame(Link(url=widget.url, href="/widgets/newsletter.html",
                                                      alt="Newsletter"))]))
    for site in companies[:2]:
        home = b.pages[site.home]
        products = [u for u in site.pages if b.pages[u].kind == "product"][:2]
        partner = b.pick_site(site, ("company",))
        areas = tuple(b.link(home, u, "", alt=b.pages[u].title) for u in products)
        areas += (b.link(home, partner.home, "", alt=f"{partner.brand} partner"),)
        home.main.append(Block("section", [ImageMap("products", "/assets/products-map.png",
                                                    tuple(Link(a.url, a.href, alt=a.alt) for a in areas))]))
    _hidden_links(b, blogs)
    _bom_page(b, blogs)
    _private_and_hostile(b, blogs)


def _hidden_links(b: Builder, blogs: list[Site]) -> None:
    spam = [s for s in b.sites if s.kind == "spam"]
    if not spam:
        return
    for site, hide in zip(blogs[2:4], ("indent", "font"), strict=False):
        posts = _posts(b, site)
        if not posts:
            continue
        page = posts[-1]
        target = b.rng.choice(spam).home
        page.main[0].items.append(Para((b.link(page, target, b.rng.choice(names.COMMERCIAL_ANCHORS), hide=hide),)))
    if len(blogs) > 4:
        posts = _posts(b, blogs[4])
        if posts:
            page = posts[0]
            links = [b.link(page, f"http://{b.dead_sites[1]}/", "cheap pills online", hide="attr"),
                     b.link(page, spam[0].home, "online casino", hide="visibility"),
                     b.link(page, f"http://{b.dead_sites[2]}/", "fast cash loans", hide="left")]
            page.main[0].items.append(Para(tuple(links)))


def _bom_page(b: Builder, blogs: list[Site]) -> None:
    for site in blogs:
        about = b.pages.get(site.home + "about/")
        if about is not None and site.locale == "en":
            about.declared = "bom"
            about.main[0].items.append(Para(("Unicode check: naïve café, Ελληνικά, 日本語 — “quoted”.",)))
            return


def _private_and_hostile(b: Builder, blogs: list[Site]) -> None:
    tech = [s for s in blogs if s.topic == "tech"] or blogs
    site = tech[0]
    posts = _posts(b, site)
    if posts:
        page = posts[-1]
        _append(b, page, "Things your crawler must never fetch",
                [b.link(page, url, text, style="abs") for url, text in PRIVATE_TARGETS])
    hosts = blogs[::-1]
    for index, (kind, path) in enumerate(HOSTILE_PATHS):
        owner = hosts[index % len(hosts)]
        url = owner.home + path
        b.add(Hostile(url, kind))
        page = b.pages.get(owner.home + "about/") or b.pages[owner.home]
        _append(b, page, "Downloads", [b.link(page, url, f"Download {path.rsplit('/', 1)[-1]}")])
    owner = hosts[0]
    b.add(Hostile(owner.home + "loop/a", "loop", "/loop/b"))
    b.add(Hostile(owner.home + "loop/b", "loop", owner.home + "loop/a"))
    page = b.pages[owner.home]
    _append(b, page, "Elsewhere", [b.link(page, owner.home + "loop/a", "Our mirror")])
