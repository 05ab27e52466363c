"""Business directories and review sites (listings with the business's website link), and
link farms (pages with hundreds of outbound links to distinct sites)."""

from __future__ import annotations

from crawler.sandbox import names
from crawler.sandbox.model import Block, Heading, Links, Page, Para, Raw, Site
from crawler.sandbox.plan import Builder

_DIR_URLS = {
    "yelpish": ("/categories/{slug}", "/biz/{slug}"),
    "yellowpages": ("/springfield/{slug}", "/company/{slug}.html"),
    "listingpro": ("/listing-category/{slug}/", "/listing/{slug}/"),
}
_CATEGORIES = (("Plumbers", "Plumber"), ("Restaurants", "Restaurant"), ("Dentists", "Dentist"),
               ("Bike shops", "Store"), ("Coffee shops", "CafeOrCoffeeShop"), ("Web designers", "LocalBusiness"),
               ("Electricians", "Electrician"), ("Bakeries", "Bakery"))
_FARM_URLS = {"linktable": "/links/page-{n}.html", "resources": "/resources/{slug}/", "partners": "/partners/{n}/"}
#: Outbound sites on one link-farm page (convention H: a farm page links to >= 100 distinct sites).
FARM_MIN_SITES = 100


def directory_skeleton(b: Builder, site: Site) -> None:
    rng = b.rng
    root = site.home
    cat_url, listing_url = _DIR_URLS[site.theme]
    common = {"flags": frozenset({"directory"})}
    b.page(site, root, "dir_home", f"{site.brand} - Local Business Directory & Reviews", **common)
    b.page(site, root + "add-business", "dir_page", f"Add your business - {site.brand} Directory", **common)
    companies = [s for s in b.sites if s.kind == "company"]
    for cat, schema in rng.sample(_CATEGORIES, rng.randint(2, 4)):
        b.page(site, root[:-1] + cat_url.format(slug=names.slug(cat)), "dir_category",
               f"Best {cat} in Springfield - {site.brand} Directory", schema=("ItemList",), description=schema,
               **common)
    listings = []
    for index in range(rng.randint(7, 14)):
        if companies and rng.random() < 0.6:
            business = rng.choice(companies)
            name, website = business.brand, business.home
        else:
            name = f"{rng.choice(names.FIRST)}'s {rng.choice(('Plumbing', 'Bistro', 'Dental', 'Bikes', 'Bakery'))}"
            website = f"http://{rng.choice(b.dead_sites)}/" if rng.random() < 0.6 else ""
        slug = f"{names.slug(name)}-{index + 1}"
        page = b.page(site, root[:-1] + listing_url.format(slug=slug), "listing",
                      f"{name} - Reviews - {site.brand}", schema=("LocalBusiness",), **common)
        b.owners[page.url] = (name, slug, website)
        listings.append(page)
    site.disallow.setdefault(site.host, []).extend(["/user/", "/search", "/writeareview"])
    b.deep.setdefault(site.domain, []).extend(p.url for p in listings)


def directory_content(b: Builder, site: Site) -> None:
    rng = b.rng
    root = site.home
    pages = [b.pages[u] for u in site.pages]
    cats = [p for p in pages if p.kind == "dir_category"]
    listings = [p for p in pages if p.kind == "listing"]
    ad_sponsor = b.pick_site(site, ("company",)) if rng.random() < 0.6 else None
    for page in pages:
        page.header.append(Block("logo", [Heading("", 3, b.link(page, root, site.brand))]))
        page.header.append(Block("menu", [Links(tuple(b.link(page, c.url, c.title.split(" in ")[0][5:])
                                                      for c in cats) + (b.link(page, root + "add-business",
                                                                               "Add your business"),))]))
        items: list = [Heading(page.title.split(" - ")[0], 1)]
        if page.kind == "dir_home":
            items.append(Para(("Find and review local businesses in Springfield.",)))
            items.append(Links(tuple(b.link(page, p.url, p.title.split(" - ")[0]) for p in listings[:6])))
        elif page.kind == "dir_category":
            page.header.append(Block("breadcrumb", [Links((b.link(page, root, "Home"),))]))
            for listing in rng.sample(listings, min(len(listings), rng.randint(3, 6))):
                name, _, website = b.owners[listing.url]
                card: list = [Heading("", 3, b.link(page, listing.url, name)),
                              Raw(f'<span class="rating">{rng.randint(2, 5)} stars</span>\n')]
                if website and site.theme == "yellowpages":
                    card.append(Para((b.link(page, website, "Website", rel="nofollow"),)))
                items.append(Block("listing", card, ident=f"l-{listing.url.rsplit('/', 2)[-2][:20]}"))
        elif page.kind == "listing":
            name, _, website = b.owners[page.url]
            page.header.append(Block("breadcrumb", [Links((b.link(page, root, "Home"),
                                                           b.link(page, rng.choice(cats).url, "Category")))]))
            card = [Raw(f'<p class="adr">{rng.randint(1, 999)} Main Street, Springfield</p>'
                        f'<p class="tel"><a href="tel:+1555010{rng.randint(1000, 9999)}">Call now</a></p>\n')]
            if website:
                anchor = rng.choice(("Visit website", website, website.split("/")[2], name))
                card.append(Para(("Website: ", b.link(page, website, anchor,
                                                      rel=rng.choice(("nofollow", "nofollow noopener", "",
                                                                      "noopener", "nofollow"))))))
            items.append(Block("listing", card, ident="business"))
            items.append(Heading("Reviews", 2))
            for _ in range(rng.randint(1, 3)):
                reviewer = b.namer.person()
                items.append(Para((b.link(page, root + f"user/{reviewer[1]}", reviewer[0]), ": ",
                                   rng.choice(("Friendly and quick.", "Would not go back.", "Fair prices.",
                                               "Best in town!")))))
        else:
            items.append(Raw('<form action="/writeareview" method="post"><input name="name"></form>\n'))
        page.main.append(Block("section", items))
        if ad_sponsor is not None:
            ad = b.link(page, ad_sponsor.home, f"{ad_sponsor.brand} - special offer", rel="sponsored")
            page.sidebar.append(Block("ad", [Para((ad,))]))
        page.footer.append(Block("footer_menu", [Links((b.link(page, root, "Home"),
                                                        b.link(page, root + "add-business", "Add a business")))]))


def farm_skeleton(b: Builder, site: Site) -> None:
    rng = b.rng
    root = site.home
    b.page(site, root, "farm_home", f"{site.brand} - Web Resources and Partners")
    pattern = _FARM_URLS[site.theme]
    for number in range(1, rng.randint(3, 5) + 1):
        slug = rng.choice(("business", "health", "finance", "travel", "home", "tech", "shopping")) + f"-{number}"
        b.page(site, root[:-1] + pattern.format(n=number, slug=slug), "farm",
               f"{rng.choice(('Resources', 'Links', 'Partners', 'Useful sites'))} {number} - {site.brand}")


def farm_content(b: Builder, site: Site) -> None:
    rng = b.rng
    root = site.home
    pages = [b.pages[u] for u in site.pages]
    farms = [p for p in pages if p.kind == "farm"]
    targets = [s.domain for s in b.sites if s is not site] + b.dead_sites
    for page in pages:
        page.header.append(Block("logo", [Heading("", 3, b.link(page, root, site.brand))]))
        menu = (b.link(page, root, "Home"),) + tuple(b.link(page, f.url, f"Page {n + 1}") for n, f in enumerate(farms))
        page.header.append(Block("menu", [Links(menu)]))
        if page.kind == "farm_home":
            page.main.append(Block("section", [Heading(site.brand, 1),
                                               Para(("Hand-picked resources. Submit your site today!",))]))
        else:
            chosen = rng.sample(targets, min(len(targets), rng.randint(FARM_MIN_SITES + 5, FARM_MIN_SITES + 60)))
            page.main.append(Block("farm", [Heading(page.title.split(" - ")[0], 1),
                                            Links(tuple(_farm_link(b, page, domain) for domain in chosen))]))
        page.footer.append(Block("credits", [Para(("Add your link for $5.",))]))


def _farm_link(b: Builder, page: Page, domain: str) -> object:
    rng = b.rng
    site = b.by_domain.get(domain)
    url = site.home if site is not None else f"http://{domain}/"
    if names.is_spam_name(domain) or rng.random() < 0.15:
        anchor = rng.choice(names.COMMERCIAL_ANCHORS)
    elif site is not None:
        anchor = site.brand
    else:
        anchor = rng.choice((domain, f"Visit {domain}", names.brand(domain)))
    return b.link(page, url, anchor)
