"""Blog-like sites: blogs, news sites, spam sites and company blogs. Articles with editorial
links, comment sections, guest posts with an author bio, sponsored posts, category listings."""

from __future__ import annotations

from crawler.sandbox import chrome, names
from crawler.sandbox.model import Block, Heading, Link, Links, Page, Para, Raw, Site, join
from crawler.sandbox.plan import Builder

ARTICLE_KINDS = ("article", "guest_post", "sponsored_post")
_POSTS = {"blog": (9, 17), "news": (10, 16), "spam": (5, 8), "company": (4, 7)}
_SCHEMA = {"blog": "BlogPosting", "news": "NewsArticle", "spam": "BlogPosting", "company": "Article"}
_EDITORIAL_RELS = ("", "", "", "", "", "", "", "nofollow", "noopener", "external")


def skeleton(b: Builder, site: Site, host: str, theme: str, kind: str) -> None:
    rng = b.rng
    root = f"http://{host}/"
    base = root if theme == "classic" and rng.random() < 0.5 else ""
    common = {"theme": theme, "base": base}
    home_title = site.brand + (" - News" if kind == "news" else "")
    b.page(site, root, "home", home_title, body_class="home blog", description=f"{site.brand}: {site.topic}",
           **common)
    cats = rng.sample(names.TOPICS[site.topic], 3 if kind != "spam" else 2)
    prefix = "/section/" if kind == "news" else "/category/"
    for cat in cats:
        b.page(site, f"{root[:-1]}{prefix}{names.slug(cat)}/", "category", f"{names.title_case(cat)} - {site.brand}",
               body_class="archive category", **common)
    low, high = _POSTS[kind]
    posts = []
    for index in range(rng.randint(low, high)):
        title = chrome.headline(b, site)
        slug = f"{names.slug(title) or 'post'}-{index + 1}" if site.locale != "en" else names.slug(title)
        year, month = 2019 + index % 5, 1 + (index * 5) % 12
        if theme == "wp":
            path = f"/{year}/{month:02d}/{slug}/"
        elif theme == "ghost":
            path = f"/{slug}/"
        else:
            path = f"/posts/{slug}.html"
        if kind == "news":
            path = f"{prefix}{names.slug(rng.choice(cats))}/{slug}-{1000 + index * 37}"
        if root[:-1] + path in b.resources:
            path = path.replace(slug, f"{slug}-{index}")
        post_id = 100 + index * 7
        page = b.page(site, root[:-1] + path, "article", f"{title} - {site.brand}", og_type="article",
                      schema=(_SCHEMA[kind],), body_class=f"single single-post postid-{post_id}",
                      flags=frozenset({"article"}), date=f"{year}-{month:02d}-{1 + index % 27:02d}",
                      author=site.owner[0], **common)
        posts.append(page)
    if kind == "blog" and len(posts) > 6 and rng.random() < 0.45:
        for page in rng.sample(posts, rng.randint(1, 2)):
            page.kind, page.flags = "guest_post", frozenset({"article", "guest_post"})
        b.page(site, root + "write-for-us/", "page", f"Write for us - {site.brand}", body_class="page", **common)
    if kind in ("blog", "news") and len(posts) > 6 and rng.random() < 0.35:
        page = next(p for p in reversed(posts) if p.kind == "article")
        page.kind, page.flags = "sponsored_post", frozenset({"article", "sponsored_post"})
    if kind != "spam":
        b.page(site, root + "page/2/", "listing", f"{site.brand} - Page 2", body_class="blog paged", **common)
        b.page(site, root + "about/", "page", f"About - {site.brand}", body_class="page", **common)
        b.page(site, root + "contact/", "page", f"Contact - {site.brand}", body_class="page", **common)
        # Behind robots.txt: a members area and site search (served, never in the ground truth).
        b.page(site, root + "private/members/", "private", f"Members - {site.brand}", **common)
        b.page(site, root + f"search?q={names.slug(cats[0])}", "private", f"Search - {site.brand}", **common)
        rules = ["/private/", "/search"] + (["/wp-admin/"] if theme == "wp" else [])
        site.disallow.setdefault(host, []).extend(rules)
    b.deep.setdefault(site.domain, []).extend(p.url for p in posts if p.kind == "article")


def ensure_families(b: Builder) -> None:
    """Every web, however small, has a guest post and a sponsored post (skeletons make them
    at random, and a 16-site web may have only four blogs). Called once every skeleton is
    built, before inbound links are planned; it draws nothing from the random stream, and
    changes nothing in a web that has both already. The blog (or news site) with the most
    posts gives its oldest article as the guest post, the newest as the sponsored post."""
    kinds = {page.kind for page in b.pages.values()}
    for family, site_kinds in (("guest_post", ("blog",)), ("sponsored_post", ("blog", "news"))):
        if family in kinds:
            continue
        best: tuple[Site, list[Page]] | None = None
        for site in b.sites:
            if site.kind not in site_kinds:
                continue
            articles = [b.pages[url] for url in site.pages if url in b.pages and b.pages[url].kind == "article"]
            if len(articles) > 6 and (best is None or len(articles) > len(best[1])):
                best = (site, articles)
        if best is None:
            continue
        site, articles = best
        page = articles[0] if family == "guest_post" else articles[-1]
        page.kind, page.flags = family, frozenset({"article", family})
        deep = b.deep.get(site.domain, [])
        if page.url in deep:
            deep.remove(page.url)
        root = page.url[: page.url.index("/", 8) + 1]
        if family == "guest_post" and root + "write-for-us/" not in b.pages:
            home = b.pages[root]
            b.page(site, root + "write-for-us/", "page", f"Write for us - {site.brand}", body_class="page",
                   theme=home.theme, base=home.base)


def content(b: Builder, site: Site, host: str, kind: str) -> None:
    rng = b.rng
    root = f"http://{host}/"
    pages = [b.pages[u] for u in site.pages if u.startswith(root)]
    posts = [p for p in pages if p.kind in ARTICLE_KINDS]
    cats = [p for p in pages if p.kind == "category"]
    extras = _site_extras(b, site, host, kind)
    menu = [(root, "Home")] + [(c.url, c.title.split(" - ")[0]) for c in cats]
    if root + "about/" in b.pages:
        menu += [(root + "about/", "About"), (root + "contact/", "Contact")]
    foot = [(root, "Home")]
    if root + "private/members/" in b.pages:
        foot += [(root + "private/members/", "Members area")]
    if root + "write-for-us/" in b.pages:
        foot += [(root + "write-for-us/", "Write for us")]
    promised = b.promised.get(site.domain, [])
    for page in pages:
        chrome.header(b, site, page, menu)
        recent = [p.url for p in posts[:4] if p is not page]
        if page.kind in ARTICLE_KINDS:
            cat = rng.choice(cats)
            chrome.breadcrumb(b, page, [(root, "Home"), (cat.url, cat.title.split(" - ")[0])])
            _article(b, site, page, posts, cat, promised, kind)
        elif page.kind in ("home", "category", "listing"):
            chosen = posts if page.kind == "home" else rng.sample(posts, min(len(posts), 5))
            _listing(b, site, page, chosen[:8])
        elif page.kind == "private":
            targets = b.pick_sites(site, 2)
            page.main.append(Block("section", [Heading(page.title, 1), Para((
                "Member discounts: ", b.link(page, targets[0].home, targets[0].brand), " and ",
                b.link(page, targets[-1].home, "partner offers"), "."))]))
        else:
            _plain_page(b, site, page)
        if kind != "spam" or rng.random() < 0.5:
            chrome.sidebar(b, site, page, recent, extras)
        chrome.footer(b, site, page, foot, extras)
    if promised:
        # Whatever promise was not kept in an article goes into the newest post.
        target = next(p for p in posts if p.kind == "article")
        target.main[0].items[2:2] = [Para(("See also ", b.link(target, url, b.anchor(b.site_at(url), url)),
                                           ".")) for url in promised]
        promised.clear()


def _site_extras(b: Builder, site: Site, host: str, kind: str) -> dict:
    rng = b.rng
    extras = b.extras.setdefault(host, {})
    if kind in ("blog", "news") and rng.random() < 0.7:
        extras["blogroll"] = b.pick_sites(site, rng.randint(3, 6), ("blog", "news", "company"))
        extras["blogroll_rel"] = rng.choice(("", "", "", "nofollow"))
    if kind in ("blog", "news") and rng.random() < 0.35:
        extras["ad"] = (b.pick_site(site, ("company",)), rng.choice(("sponsored noopener", "nofollow sponsored",
                                                                      "sponsored", "nofollow")))
    if kind != "spam" and rng.random() < 0.5:
        extras["credit"] = (b.pick_site(site, ("company",)), rng.choice(("", "nofollow", "designer")))
    return extras


def _listing(b: Builder, site: Site, page: Page, posts: list[Page]) -> None:
    for post in posts:
        read_more = b.link(page, post.url, "Read more" if b.rng.random() < 0.7 else "Continue reading")
        page.main.append(Block("section", [Heading("", 2, b.link(page, post.url, post.title.split(" - ")[0])),
                                           Para((chrome.sentences(b, site, 1)[0] + " ", read_more))]))


def _plain_page(b: Builder, site: Site, page: Page) -> None:
    items: list = [Heading(page.title.split(" - ")[0], 1)]
    for text in chrome.sentences(b, site, 3):
        items.append(Para((text,)))
    if page.url.endswith("/contact/"):
        items.append(Raw('<form method="post" action="/contact/send"><input name="email"><textarea name="msg">'
                         "</textarea><button>Send</button></form>\n"
                         f'<p><a href="mailto:hello@{site.domain}">Email us</a> or '
                         '<a href="tel:+15550100">call</a>.</p>\n'))
    if page.url.endswith("/write-for-us/"):
        contact = page.url.replace("write-for-us/", "contact/")
        items.append(Para(("We accept guest posts about ", site.topic, ". ",
                           b.link(page, contact, "Send us your pitch"), ".")))
    if page.url.endswith("/about/"):
        profile = b.profiles.get(site.owner[1])
        parts: list = [f"{site.brand} is written by {site.owner[0]}."]
        if profile:
            parts += [" Find me on ", b.link(page, profile, "my profile", rel="me"), "."]
        items.append(Para(tuple(parts)))
    page.main.append(Block("section", items))


def _editorial(b: Builder, site: Site, page: Page, promised: list[str], kind: str) -> list[Link]:
    rng = b.rng
    links = []
    count = rng.randint(1, 3) if kind != "spam" else rng.randint(2, 4)
    for _ in range(count):
        if kind == "spam":
            links.append(_spam_link(b, site, page))
            continue
        if promised:
            target = promised.pop()
        else:
            other = b.pick_site(site)
            target = other.home if rng.random() < 0.4 else b.deep_page(other)
        rel = rng.choice(_EDITORIAL_RELS)
        attrs = 'target="_blank"' if rel == "noopener" else ""
        other = b.site_at(target)
        anchor = b.anchor(other, target)
        if site.locale != "en" and rng.random() < 0.5:
            anchor = chrome.generic_anchor(b, site)
        links.append(b.link(page, target, anchor, rel=rel, attrs=attrs))
    return links


def _spam_link(b: Builder, site: Site, page: Page) -> Link:
    rng = b.rng
    roll = rng.random()
    if roll < 0.45:
        spam = [s for s in b.sites if s.kind == "spam" and s is not site]
        target = rng.choice(spam).home if spam else f"http://{rng.choice(b.dead_sites)}/"
    elif roll < 0.75:
        target = f"http://{rng.choice(b.dead_sites)}/"
    else:  # negative SEO: a money anchor pointed at a normal site
        target = b.pick_site(site, ("company", "blog")).home
    if rng.random() < 0.85:
        return b.link(page, target, rng.choice(names.COMMERCIAL_ANCHORS))
    return b.link(page, target, rng.choice(("our partner", "visit site", "more offers")))


def _article(b: Builder, site: Site, page: Page, posts: list[Page], cat: Page, promised: list[str],
             kind: str) -> None:
    rng = b.rng
    title = page.title.split(" - ")[0]
    items: list = [Block("entry_header", [Heading(title, 1), Para((f"Posted on {page.date} by {page.author}",))])]
    texts = chrome.sentences(b, site, rng.randint(3, 5))
    if page.kind == "sponsored_post":
        sponsor = b.pick_site(site, ("company",))
        label = rng.choice(("Sponsored post", "Advertorial", f"Paid partnership with {sponsor.brand}",
                            f"This post is sponsored by {sponsor.brand}"))
        items.append(Block("disclosure", [Raw(f"<strong>{label}</strong>")]))
        rel = rng.choice(("sponsored", "sponsored noopener", "", "nofollow", "sponsored"))
        deep = b.deep_page(sponsor)
        links = [b.link(page, sponsor.home, sponsor.brand, rel=rel)]
        if deep != sponsor.home:
            links.append(b.link(page, deep, f"{sponsor.brand} {site.topic} range", rel=rel))
        page.description = label
    else:
        links = _editorial(b, site, page, promised, kind)
    others = [p for p in posts if p is not page]
    if others and kind != "spam" and page.kind != "sponsored_post":
        other = rng.choice(others)
        links.append(b.link(page, other.url, other.title.split(" - ")[0]))
    for index, text in enumerate(texts):
        if index < len(links):
            link = links[index]
            items.append(Para((text + " ", *_woven(b, link))))
        else:
            items.append(Para((text,)))
    for link in links[len(texts):]:
        items.append(Para(("Also: ", link)))
    if rng.random() < 0.2 and kind != "spam":
        photo = join(page.base or page.url, f"/uploads/{names.slug(title)[:20] or 'photo'}.jpg")
        items.append(Para((b.link(page, photo, "", img=photo.replace(".jpg", "-300x200.jpg"),
                                  alt=f"Photo: {title}"),)))
        b.extras.setdefault("assets", {})[photo] = "image/jpeg"
    if page.kind == "guest_post":
        items.append(_bio(b, site, page, {link.url for link in links}))
    items.append(Block("entry_footer", [Para(("Filed under ", b.link(page, cat.url, cat.title.split(" - ")[0]),
                                              ".")),
                                        Raw('<a href="javascript:window.print()" class="print-link">Print</a>\n')]))
    page.main.append(Block("article", items, ident=f"post-{page.body_class.rsplit('-', 1)[-1]}"))
    index = posts.index(page)
    neighbours = [p for p in (posts[index - 1] if index else None,
                              posts[index + 1] if index + 1 < len(posts) else None) if p is not None]
    if neighbours:
        page.main.append(Block("postnav", [Links(tuple(b.link(page, p.url, p.title.split(" - ")[0])
                                                       for p in neighbours))]))
    if page.kind == "article" and kind in ("blog", "company") and rng.random() < 0.55:
        page.main.append(_comments(b, site, page))


def _woven(b: Builder, link: Link) -> tuple:
    return ("Read ", link, " for more.") if b.rng.random() < 0.3 else (link, ".")


def _bio(b: Builder, site: Site, page: Page, linked: set[str]) -> Block:
    """The guest author's bio box. Its link must not point where the article body already
    links: the body's link, first in document order, would then give that backlink, and
    the post would have no guest-post backlink at all."""
    rng = b.rng
    writers = [p for p in b.people if p[2].split("/")[2] != page.url.split("/")[2]
               and not p[2].split("/")[2].endswith(site.domain)]
    name, _, home = rng.choice(writers)
    if home in linked:  # drawn again only then, so webs without such a clash stay as they were
        name, _, home = rng.choice([w for w in writers if w[2] not in linked] or writers)
    page.author = name
    intro = rng.choice((f"This is a guest post by {name}.", f"Contributed by {name}.", f"Guest author: {name}."))
    brand = b.site_at(home).brand
    link = b.link(page, home, rng.choice((brand, home, f"{name}'s blog")), rel=rng.choice(("", "", "nofollow")))
    return Block("bio", [Raw('<img src="/assets/avatar.png" alt="" width="48" height="48">'),
                         Para((intro + f" {name.split()[0]} writes at ", link, "."))])


def _comments(b: Builder, site: Site, page: Page) -> Block:
    rng = b.rng
    comments = []
    for index in range(rng.randint(2, 5)):
        ident = f"comment-{1000 + index + len(page.url)}"
        reply = Link(url=join(page.base or page.url, "#respond") or page.url, href="#respond", text="Reply",
                     rel="nofollow", attrs='class="comment-reply-link"')
        roll = rng.random()
        rel = rng.choices(("ugc nofollow", "external nofollow ugc", "nofollow", ""), weights=(65, 20, 7, 8))[0]
        if roll < 0.12 and any(s.kind == "spam" for s in b.sites):
            spam = rng.choice([s for s in b.sites if s.kind == "spam"])
            author: list = [b.link(page, spam.home, rng.choice(names.COMMERCIAL_ANCHORS), rel=rel,
                                   attrs='class="url"')]
        elif roll < 0.75:
            name, _, home = rng.choice(b.people)
            if home.split("/")[2].endswith(site.domain):
                author = [name]
            else:
                author = [b.link(page, home, name, rel=rel, attrs='class="url"')]
        else:
            author = [names.Namer(rng).person()[0]]
        body: list = [rng.choice(("Great post, thanks!", "I tried this last week and it worked.",
                                  "Could you write more about this?", "Bookmarked.", "Interesting take."))]
        if rng.random() < 0.15:
            other = b.pick_site(site)
            body += [" I wrote about it here: ", b.link(page, b.deep_page(other), "my notes", rel="nofollow ugc")]
        comments.append(Block("comment", [Raw('<div class="comment-author">'), Para(tuple(author)),
                                          Raw("</div>"), Para(tuple(body)), Para((reply,))], ident=ident))
    return Block("comments", [Heading(f"{len(comments)} thoughts on this post", 2), Block("comment_list", comments),
                              Raw('<div id="respond"><form action="/wp-comments-post.php" method="post">'
                                  '<textarea name="comment"></textarea></form></div>\n')])
