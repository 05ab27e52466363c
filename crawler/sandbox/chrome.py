"""The site-wide parts of blog-like pages (blogs, news, company and spam sites): header and
logo, menus, breadcrumbs, sidebar widgets (blogroll, ads, recent posts) and footer."""

from __future__ import annotations

from crawler.sandbox import names
from crawler.sandbox.model import Block, Heading, Links, Page, Para, Raw, Site, host_of
from crawler.sandbox.plan import Builder

LOCALE_TEXT: dict[str, dict[str, tuple[str, ...]]] = {
    "fr-1252": {
        "headlines": ("Café crème : les bases", "Crème brûlée façon grand-mère", "Où manger à Genève",
                      "L’été à Nîmes – notes", "Pâtisserie : mes « échecs »", "Fête de la bière à Noël",
                      "Déjeuner à Besançon", "Le goûter idéal"),
        "sentences": ("Voilà ce que j’ai appris cette année.", "C’est un sujet qui me tient à cœur.",
                      "Le résultat était très réussi — même en hiver.", "Prix moyen : 12 € par personne.",
                      "À bientôt pour la suite !"),
        "generic": ("cliquez ici", "ce billet", "leur site", "à lire ici"),
    },
    "ja-sjis": {
        "headlines": ("東京の喫茶店めぐり", "はじめての自家焙煎", "京都で見つけた古本屋", "週末のパン作り",
                      "山歩きの持ち物リスト", "冬の鍋レシピ", "旅の写真日記", "小さな庭の記録"),
        "sentences": ("今日はとても良い天気でした。", "この本は本当におすすめです。", "写真をたくさん撮りました。",
                      "また来週書きます。", "コメントありがとうございます。"),
        "generic": ("こちら", "この記事", "公式サイト", "詳しくはこちら"),
    },
    "pl-8859-2": {
        "headlines": ("Łódzkie kawiarnie - przewodnik", "Żurek domowy krok po kroku", "Zażółć gęślą jaźń",
                      "Spacer po Gdańsku", "Najlepsze pierogi w Krakowie", "Jesień w Zakopanem",
                      "Śniadanie w Poznaniu", "Wędrówki po Tatrach"),
        "sentences": ("To był naprawdę świetny dzień.", "Więcej zdjęć wkrótce.", "Cena: około 25 zł za osobę.",
                      "Dziękuję za wszystkie komentarze.", "Źródła podaję poniżej."),
        "generic": ("tutaj", "ten artykuł", "ich strona", "więcej"),
    },
}


def headline(b: Builder, site: Site) -> str:
    if site.locale in LOCALE_TEXT:
        return b.rng.choice(LOCALE_TEXT[site.locale]["headlines"])
    return names.headline(b.rng, b.rng.choice(names.TOPICS[site.topic]))


def sentences(b: Builder, site: Site, count: int) -> list[str]:
    if site.locale in LOCALE_TEXT:
        return b.rng.sample(LOCALE_TEXT[site.locale]["sentences"], min(count, 4))
    return names.sentences(b.rng, b.rng.choice(names.TOPICS[site.topic]), count)


def generic_anchor(b: Builder, site: Site) -> str:
    if site.locale in LOCALE_TEXT:
        return b.rng.choice(LOCALE_TEXT[site.locale]["generic"])
    return b.rng.choice(names.GENERIC_ANCHORS)


def home_of(host: str) -> str:
    return f"http://{host}/"


def header(b: Builder, site: Site, page: Page, menu: list[tuple[str, str]]) -> None:
    """Logo, optional social top bar, and the main menu (``menu``: (url, label) pairs)."""
    home = home_of(host_of(page.url))
    if b.rng.random() < 0.35 or site.kind == "company":
        logo = b.link(page, home, "", img="/assets/logo.png", alt=f"{site.brand} logo", rel="home")
    else:
        logo = b.link(page, home, site.brand, rel="home")
    page.header.append(Block("logo", [Heading("", 1 if page.kind == "home" else 3, logo),
                                       Raw(f'<p class="site-description">{site.topic} and more</p>')]))
    profile = b.profiles.get(site.owner[1])
    theme_kinds = ("wp", "classic")
    if profile and page.theme in theme_kinds and host_of(page.url) == site.host:
        network = b.site_at(profile)
        page.header.append(Block("topbar", [Links((b.link(page, profile, f"Follow us on {network.brand}",
                                                           rel="me noopener"),))]))
    page.header.append(Block("menu", [Links(tuple(b.link(page, url, label) for url, label in menu))]))


def breadcrumb(b: Builder, page: Page, trail: list[tuple[str, str]]) -> None:
    page.header.append(Block("breadcrumb", [Links(tuple(b.link(page, url, label) for url, label in trail))]))


def sidebar(b: Builder, site: Site, page: Page, recent: list[str], extras: dict) -> None:
    """Search form, recent posts, the blogroll and an ad, as this site configured them."""
    page.sidebar.append(Block("widget", [Raw('<form role="search" method="get" action="/search">'
                                             '<input type="search" name="q"><button>Search</button></form>\n')]))
    if recent:
        page.sidebar.append(Block("widget", [Links(tuple(b.link(page, url, b.pages[url].title) for url in recent),
                                                   title="Recent posts")]))
    friends = extras.get("blogroll", [])
    if friends:
        links = tuple(b.link(page, friend.home, friend.brand, rel=extras.get("blogroll_rel", "")) for friend in friends)
        page.sidebar.append(Block("blogroll", [Links(links, title="Blogroll")]))
    ad = extras.get("ad")
    if ad is not None:
        sponsor, rel = ad
        image = b.link(page, sponsor.home, "", img=f"/assets/banner-{names.slug(sponsor.brand)}.png",
                       alt=f"{sponsor.brand} - {sponsor.topic} deals", rel=rel)
        page.sidebar.append(Block("widget", [Block("ad", [Raw('<span class="ad-label">Advertisement</span>'),
                                                          Para((image,))])]))


def footer(b: Builder, site: Site, page: Page, links: list[tuple[str, str]], extras: dict) -> None:
    page.footer.append(Block("footer_menu", [Links(tuple(b.link(page, url, label) for url, label in links))]))
    parts: list = [f"© 2024 {site.brand}. "]
    credit = extras.get("credit")
    if credit is not None:
        maker, rel = credit
        parts += ["Theme by ", b.link(page, maker.home, maker.brand, rel=rel), "."]
    page.footer.append(Block("credits", [Para(tuple(parts))]))
    injected = extras.get("injected")
    if injected:
        hide, targets = injected
        page.footer.append(Block("hidden", [Para(tuple(b.link(page, url, text) for url, text in targets))],
                                 hide=hide))
