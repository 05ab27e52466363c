"""Forums (phpBB, vBulletin, XenForo, Discourse, SMF URL schemes and markup) with signature
links, and social networks with profile cards and posts."""

from __future__ import annotations

from crawler.sandbox import names
from crawler.sandbox.model import Block, Heading, Links, Page, Para, Raw, Site
from crawler.sandbox.plan import Builder

#: URL shapes per forum engine: board, thread, member (the member path is behind robots.txt).
_FORUM_URLS = {
    "phpbb": ("/viewforum.php?f={n}", "/viewtopic.php?t={n}", "/memberlist.php?mode=viewprofile&u={n}",
              ["/memberlist.php", "/search.php", "/ucp.php", "/posting.php"]),
    "vbulletin": ("/forumdisplay.php?f={n}", "/showthread.php?t={n}", "/member.php?u={n}",
                  ["/member.php", "/search.php", "/private.php"]),
    "xenforo": ("/forums/{slug}.{n}/", "/threads/{slug}.{n}/", "/members/{handle}.{n}/",
                ["/members/", "/search/", "/login/"]),
    "discourse": ("/c/{slug}/{n}", "/t/{slug}/{n}", "/u/{handle}", ["/u/", "/search", "/admin/"]),
    "smf": ("/index.php?board={n}.0", "/index.php?topic={n}.0", "/index.php?action=profile;u={n}",
            ["/index.php?action="]),
}
_THREAD_SHAPES = ("Help with {t}?", "Best {t} for beginners", "Show us your {t}", "{T} FAQ - read first",
                  "Anyone tried {t} this year?", "{T}: what am I doing wrong?", "Cheap alternatives for {t}",
                  "Long-term review: {t}")
_SOCIAL_URLS = {
    "mastodon": ("/@{handle}", "/@{handle}/{n}"),
    "friendly": ("/profile/{handle}", "/posts/{n}"),
    "microblog": ("/users/{handle}", "/notice/{n}"),
}


def forum_skeleton(b: Builder, site: Site, host: str, engine: str) -> None:
    rng = b.rng
    root = f"http://{host}/"
    board_url, thread_url, _, disallow = _FORUM_URLS[engine]
    common = {"theme": engine, "flags": frozenset({"forum"})}
    b.page(site, root, "forum_index", f"{site.brand} Forum - Index", **common)
    topics = names.TOPICS[site.topic]
    for number, board in enumerate(rng.sample(topics, rng.randint(2, 3)), start=2):
        b.page(site, root[:-1] + board_url.format(n=number, slug=names.slug(board)), "board",
               f"{names.title_case(board)} - {site.brand} Forum", **common)
    threads = []
    for index in range(rng.randint(6, 12)):
        topic = rng.choice(topics)
        title = rng.choice(_THREAD_SHAPES).format(t=topic, T=topic[:1].upper() + topic[1:])
        number = 100 + index * 13
        url = root[:-1] + thread_url.format(n=number, slug=names.slug(title))
        schema = ("DiscussionForumPosting",) if engine in ("discourse", "xenforo") else ()
        threads.append(b.page(site, url, "thread", f"{title} - {site.brand} Forum", schema=schema, **common))
    site.disallow.setdefault(host, []).extend(disallow)
    b.deep.setdefault(site.domain, []).extend(t.url for t in threads)


def forum_content(b: Builder, site: Site, host: str) -> None:
    rng = b.rng
    root = f"http://{host}/"
    pages = [b.pages[u] for u in site.pages if u.startswith(root) and "forum" in b.pages[u].flags]
    engine = pages[0].theme
    boards = [p for p in pages if p.kind == "board"]
    threads = [p for p in pages if p.kind == "thread"]
    _, _, member_url, _ = _FORUM_URLS[engine]
    members = [b.rng.choice(b.people) for _ in range(8)] + [(*b.namer.person(), "") for _ in range(4)]
    signatures = {m[1]: _signature_rel(rng) for m in members if m[2] and rng.random() < 0.6}
    for page in pages:
        page.header.append(Block("logo", [Heading("", 3, b.link(page, root, "", img="/styles/logo.gif",
                                                                  alt=f"{site.brand} Forum"))]))
        page.header.append(Block("menu", [Links((b.link(page, root, "Board index"),
                                                 b.link(page, boards[0].url, "Latest"),
                                                 b.link(page, root[:-1] + member_url.format(n=1, handle="admin"),
                                                        "Members")))]))
        trail = [(root, "Board index")]
        if page.kind == "forum_index":
            items: list = [Heading(f"{site.brand} Forum", 1)]
            for board in boards:
                items.append(Block("thread_list", [Heading("", 3, b.link(page, board.url, board.title.split(" - ")[0])),
                                                   Para(("Talk about ", board.title.split(" - ")[0].lower(), "."))]))
        elif page.kind == "board":
            trail.append((page.url, page.title.split(" - ")[0]))
            chosen = rng.sample(threads, min(len(threads), rng.randint(4, 8)))
            items = [Heading(page.title.split(" - ")[0], 1),
                     Block("thread_list", [Links(tuple(b.link(page, t.url, t.title.split(" - ")[0])
                                                       for t in chosen))])]
        else:
            board = rng.choice(boards)
            trail.append((board.url, board.title.split(" - ")[0]))
            items = [Heading(page.title.split(" - ")[0], 1)]
            for number in range(rng.randint(3, 6)):
                items.append(_post(b, site, page, members, signatures, member_url, number))
        page.header.append(Block("breadcrumb", [Links(tuple(b.link(page, u, label) for u, label in trail))]))
        page.main.append(Block("section", items))
        page.footer.append(Block("footer_menu", [Links((b.link(page, root, "Board index"),
                                                        b.link(page, site.home, site.brand)))]))
        page.footer.append(Block("credits", [Para((f"Powered by {page.theme} forum software",))]))


def _signature_rel(rng) -> str:
    return rng.choice(("nofollow", "nofollow ugc", "", "ugc", "nofollow noopener"))


def _post(b: Builder, site: Site, page: Page, members: list, signatures: dict, member_url: str,
          number: int) -> Block:
    rng = b.rng
    name, handle, home = rng.choice(members)
    profile = page.url.split("/", 3)
    member = f"{profile[0]}//{profile[2]}" + member_url.format(n=number + 7, handle=handle)
    items: list = [Raw('<div class="postprofile">'), Para((b.link(page, member, name, attrs='class="username"'),)),
                   Raw("</div>")]
    text = names.sentences(rng, site.topic, rng.randint(1, 3))
    if rng.random() < 0.25:
        other = b.pick_site(site)
        target = b.deep_page(other)
        anchor = rng.choice((target, other.brand, "this thread", "here"))
        items.append(Para((" ".join(text) + " See ", b.link(page, target, anchor,
                                                            rel=rng.choice(("nofollow", "nofollow ugc", ""))), ".")))
    else:
        items.append(Para((" ".join(text),)))
    if handle in signatures and home and not home.split("/")[2].endswith(site.domain):
        sig_site = b.site_at(home)
        anchor = rng.choice((sig_site.brand, f"My blog: {sig_site.brand}", home, f"{name.split()[0]}'s site"))
        items.append(Block("signature", [Para((b.link(page, home, anchor, rel=signatures[handle]),))],
                           ident=f"msg{number}"))
    return Block("post", items, ident=f"p{1000 + number}")


def social_skeleton(b: Builder, site: Site) -> None:
    root = site.home
    common = {"flags": frozenset({"social"})}
    b.page(site, root, "social_home", f"{site.brand} - a small social network", **common)
    b.page(site, root + "about", "social_about", f"About {site.brand}", **common)
    site.disallow.setdefault(site.host, []).extend(["/api/", "/search", "/tags/", "/auth/"])


def assign_profiles(b: Builder) -> None:
    """Each person with a site has a profile on one social network (most do)."""
    networks = [s for s in b.sites if s.kind == "social"]
    if not networks:
        return
    counts = {s.domain: 0 for s in networks}
    for name, handle, home in b.people:
        if b.rng.random() > 0.7:
            continue
        network = b.rng.choice(networks)
        if counts[network.domain] >= 14:
            continue
        counts[network.domain] += 1
        profile_path, status_path = _SOCIAL_URLS[network.theme]
        url = network.home[:-1] + profile_path.format(handle=handle)
        common = {"flags": frozenset({"social"})}
        b.page(network, url, "profile", f"{name} (@{handle}) - {network.brand}", og_type="profile",
               schema=("ProfilePage",), author=name, **common)
        b.profiles[handle] = url
        b.owners[url] = (name, handle, home)
        for index in range(b.rng.randint(1, 2)):
            number = 109000000 + len(b.pages) * 17 + index
            status = b.page(network, network.home[:-1] + status_path.format(handle=handle, n=number), "status",
                            f"{name}: \"{site_words(b)}\" - {network.brand}", schema=("SocialMediaPosting",),
                            author=name, **common)
            b.owners[status.url] = (name, handle, home)
        b.deep.setdefault(network.domain, []).append(url)


def site_words(b: Builder) -> str:
    return b.rng.choice(("Big news today", "New post is up", "Worth a read", "Thread about this week",
                         "Sharing a favourite", "Just finished this"))


def social_content(b: Builder, site: Site) -> None:
    rng = b.rng
    root = site.home
    pages = [b.pages[u] for u in site.pages]
    profiles = [p for p in pages if p.kind == "profile"]
    for page in pages:
        page.header.append(Block("logo", [Heading("", 3, b.link(page, root, site.brand))]))
        page.header.append(Block("menu", [Links((b.link(page, root, "Explore"),
                                                 b.link(page, root + "about", "About"),
                                                 b.link(page, root + "auth/sign_in", "Log in")))]))
        items: list = []
        if page.kind == "social_home":
            items = [Heading("Explore", 1), Links(tuple(b.link(page, p.url, p.author) for p in profiles))]
        elif page.kind == "social_about":
            items = [Heading(page.title, 1), Para((f"{site.brand} is a friendly place for {site.topic} people.",))]
        elif page.kind == "profile":
            owner = b.owners[page.url]
            website = b.link(page, owner[2], owner[2].split("/")[2],
                             rel=rng.choice(("me nofollow noopener noreferrer", "nofollow me", "me")))
            card = Block("profile_card", [Heading(page.author, 1), Para(("I write about things I love. ",)),
                                          Raw('<dl class="fields"><dt>Website</dt><dd>'), Para((website,)),
                                          Raw("</dd></dl>")])
            statuses = [b.pages[u] for u in site.pages if b.pages[u].kind == "status"
                        and b.owners[u] == owner]
            items = [card] + [Block("status", [Para((s.title.split(": ", 1)[1].rsplit(" - ", 1)[0] + " ",
                                                     b.link(page, s.url, "View post")))], ident=f"s{n}")
                              for n, s in enumerate(statuses)]
        elif page.kind == "status":
            other = b.pick_site(site)
            owner = b.owners[page.url]
            target = b.deep_page(other) if rng.random() < 0.6 else owner[2]
            shown = target.split("://", 1)[1].rstrip("/")
            shown = shown if len(shown) < 30 else shown[:29] + "…"
            profile = b.profiles[owner[1]]
            items = [Block("status", [Para((b.link(page, profile, page.author),)),
                                      Para((page.title.split(": ", 1)[1].rsplit(" - ", 1)[0] + " ",
                                            b.link(page, target, shown, rel="nofollow noopener noreferrer"),
                                            " ", b.link(page, root + f"tags/{names.slug(site.topic)}",
                                                        f"#{names.slug(site.topic).replace('-', '')}")))],
                           ident="status")]
        page.main.append(Block("section", items))
        page.footer.append(Block("footer_menu", [Links((b.link(page, root + "about", "About"),
                                                        b.link(page, root, site.brand)))]))
