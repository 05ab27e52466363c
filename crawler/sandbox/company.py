"""Company and shop sites: home, products with photos and PDF data sheets, partners and
press pages (outbound links that are not editorial), and a cart behind robots.txt."""

from __future__ import annotations

from crawler.sandbox import blogs, chrome, community, names
from crawler.sandbox.model import Block, Heading, Links, Page, Para, Raw, Site
from crawler.sandbox.plan import Builder

_PRODUCT_WORDS = ("Trail", "Compact", "Pro", "Classic", "Studio", "Field", "Urban", "Nomad", "Core", "Prime")


def skeleton(b: Builder, site: Site) -> None:
    rng = b.rng
    root = site.home
    b.page(site, root, "home", f"{site.brand} - {names.title_case(site.topic)} gear", body_class="home page")
    b.page(site, root + "about/", "page", f"About us - {site.brand}", body_class="page")
    b.page(site, root + "products/", "products", f"Products - {site.brand}", body_class="page")
    products = []
    for index in range(rng.randint(3, 6)):
        name = f"{site.brand} {rng.choice(_PRODUCT_WORDS)} {index + 2}"
        products.append(b.page(site, f"{root}products/{names.slug(name)}/", "product", name,
                               body_class="product-template-default", og_type="product"))
    b.page(site, root + "partners/", "partners", f"Our partners - {site.brand}", body_class="page")
    b.page(site, root + "press/", "press", f"Press - {site.brand}", body_class="page")
    b.page(site, root + "contact/", "page", f"Contact - {site.brand}", body_class="page")
    b.page(site, root + "cart/", "private", f"Cart - {site.brand}")
    site.disallow.setdefault(site.host, []).extend(["/cart/", "/checkout", "/admin/"])
    b.deep.setdefault(site.domain, []).extend(p.url for p in products)
    for host, theme in sorted(site.subhosts.items()):
        if host.startswith("blog."):
            blogs.skeleton(b, site, host, theme, "company")
        else:
            community.forum_skeleton(b, site, host, theme)


def content(b: Builder, site: Site) -> None:
    rng = b.rng
    root = site.home
    menu = [(root, "Home"), (root + "products/", "Products"), (root + "about/", "About"),
            (root + "partners/", "Partners"), (root + "contact/", "Contact")]
    for host in sorted(site.subhosts):
        menu.append((f"http://{host}/", "Blog" if host.startswith("blog.") else "Support forum"))
    extras = b.extras.setdefault(site.host, {})
    if rng.random() < 0.4:
        extras["credit"] = (b.pick_site(site, ("company",)), rng.choice(("", "nofollow")))
    pages = [b.pages[u] for u in site.pages if u.startswith(root)]
    products = [p for p in pages if p.kind == "product"]
    for page in pages:
        chrome.header(b, site, page, menu)
        items: list = [Heading(page.title.split(" - ")[0], 1)]
        if page.kind == "home":
            items.append(Para((f"{site.brand} makes {site.topic} gear that lasts. ",
                               b.link(page, root + "products/", "See all products"), ".")))
            items.append(Links(tuple(b.link(page, p.url, p.title) for p in products[:3])))
            trusted = b.pick_sites(site, 2, ("company", "news"))
            items.append(Raw("<h2>Trusted by</h2>\n"))
            items.append(Para(tuple(b.link(page, t.home, "", img=f"/assets/clients/{names.slug(t.brand)}.png",
                                           alt=t.brand) for t in trusted)))
        elif page.kind == "products":
            items.append(Links(tuple(b.link(page, p.url, p.title) for p in products)))
        elif page.kind == "product":
            slug = page.url.rstrip("/").rsplit("/", 1)[-1]
            photo, sheet = f"{root}uploads/{slug}.jpg", f"{root}files/{slug}-datasheet.pdf"
            b.extras.setdefault("assets", {}).update({photo: "image/jpeg", sheet: "application/pdf"})
            items.append(Para((b.link(page, photo, "", img=f"/uploads/{slug}-thumb.jpg", alt=page.title),)))
            items.append(Para((f"The {page.title} is built for {site.topic}. ",
                               b.link(page, sheet, "Download the data sheet (PDF)"), ".")))
            items.append(Raw(f'<form action="{root}cart/" method="post"><button>Add to cart</button></form>\n'))
        elif page.kind == "partners":
            partners = b.pick_sites(site, rng.randint(3, 6), ("company", "blog", "directory"))
            items.append(Para(("We work with these fine people:",)))
            items.append(Links(tuple(b.link(page, p.home, p.brand, rel=rng.choice(("", "", "nofollow")))
                                     for p in partners)))
        elif page.kind == "press":
            outlets = b.pick_sites(site, 3, ("news", "blog"))
            items.append(Para(("As featured in:",)))
            items.append(Links(tuple(b.link(page, b.deep_page(o), f"{o.brand}: {site.brand} review")
                                     for o in outlets)))
        elif page.kind == "private":
            items.append(Para(("Your cart is empty. ", b.link(page, b.pick_site(site).home, "Continue shopping"))))
        else:
            for text in chrome.sentences(b, site, 3):
                items.append(Para((text,)))
        page.main.append(Block("section", items))
        chrome.footer(b, site, page, [(root + "about/", "About"), (root + "contact/", "Contact"),
                                      (root + "press/", "Press")], extras)
    for host in sorted(site.subhosts):
        if host.startswith("blog."):
            blogs.content(b, site, host, "company")
        else:
            community.forum_content(b, site, host)


def landing(b: Builder, site: Site, page: Page, targets: list[tuple[str, str]]) -> None:
    """A bare landing page that points to the site's sections (forum sites on a subdomain)."""
    page.main.append(Block("section", [Heading(site.brand, 1),
                                       Links(tuple(b.link(page, url, label) for url, label in targets))]))
