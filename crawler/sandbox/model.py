"""The sandbox web as data: sites, pages made of blocks, links, and the other answers a URL
can get (redirects, files, errors, hostile answers).

A page is a tree of blocks; each block has a kind (``menu``, ``article``, ``comments``,
``signature`` ...) that a theme turns into markup. Where a link sits (position, region) is
decided by the blocks it is in, the way convention A/B of the shared conventions reads it
back from the HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ada_url


def join(base: str, href: str) -> str | None:
    """WHATWG resolution of ``href`` against ``base``, fragment removed; None when it is not
    an http(s) URL (javascript:, mailto:, unparsable)."""
    try:
        url = ada_url.join_url(base, href)
    except ValueError:
        return None
    if not url.startswith(("http://", "https://")):
        return None
    cut = url.find("#")
    return url if cut < 0 else url[:cut]


def host_of(url: str) -> str:
    rest = url.split("://", 1)[1]
    end = len(rest)
    for sep in "/?#":
        pos = rest.find(sep)
        if 0 <= pos < end:
            end = pos
    host = rest[:end].rsplit("@", 1)[-1]
    if host.startswith("["):
        return host[: host.index("]") + 1]
    return host.split(":", 1)[0]


def site_of(host: str) -> str:
    """Registered domain of a sandbox host (``blog.name.test`` -> ``name.test``); other hosts
    (IP addresses, ``localhost``) are their own site."""
    if host.endswith(".test"):
        return ".".join(host.split(".")[-2:])
    return host


@dataclass(frozen=True, slots=True)
class Link:
    """One link element. ``url`` is what ``href`` resolves to (checked when built)."""

    url: str
    href: str
    text: str = ""
    #: For an image link: the ``<img>`` source and alt text.
    img: str = ""
    alt: str = ""
    #: The rel attribute exactly as written ("" for none).
    rel: str = ""
    #: How the element itself is hidden: "", "display", "visibility", "font", "attr", "indent", "left".
    hide: str = ""
    #: Extra raw attributes (class, title, target ...), already escaped.
    attrs: str = ""


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph: text and links in reading order."""

    parts: tuple[str | Link, ...]


@dataclass(frozen=True, slots=True)
class Links:
    """A list of links (a menu, a blogroll, a link table)."""

    links: tuple[Link, ...]
    title: str = ""


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int = 2
    link: Link | None = None


@dataclass(frozen=True, slots=True)
class Raw:
    """Markup without links, written as is (forms, images, tables of facts)."""

    html: str


@dataclass(frozen=True, slots=True)
class Frame:
    link: Link


@dataclass(frozen=True, slots=True)
class ImageMap:
    """An ``<img usemap>`` with ``<area>`` links (the link text is the area's alt)."""

    name: str
    img: str
    areas: tuple[Link, ...]


@dataclass(slots=True)
class Block:
    kind: str
    items: list = field(default_factory=list)
    #: Hiding method for the whole block (inline style on its wrapper), "" when visible.
    hide: str = ""
    #: An id for the wrapper (comment ids, post ids), when the theme uses one.
    ident: str = ""


@dataclass(slots=True)
class Site:
    domain: str
    kind: str
    topic: str
    theme: str
    brand: str
    owner: tuple[str, str]
    #: The host that serves the home page (apex, www. or blog.).
    host: str
    #: Extra hosts of the site (blog., forum.) and what they are.
    subhosts: dict[str, str] = field(default_factory=dict)
    #: Disallow prefixes of robots.txt, per host.
    disallow: dict[str, list[str]] = field(default_factory=dict)
    generator: str = ""
    #: "en" or a locale for a site written in another encoding ("fr-1252", "ja-sjis", "pl-8859-2").
    locale: str = "en"
    #: True when the theme writes sloppy markup (unclosed tags, stray end tags).
    sloppy: bool = False
    #: The site's pages by URL, in creation order.
    pages: list[str] = field(default_factory=list)

    @property
    def home(self) -> str:
        return f"http://{self.host}/"


@dataclass(slots=True)
class Page:
    url: str
    site: Site
    kind: str
    title: str
    header: list[Block] = field(default_factory=list)
    main: list[Block] = field(default_factory=list)
    sidebar: list[Block] = field(default_factory=list)
    footer: list[Block] = field(default_factory=list)
    #: The theme that renders it (a site's theme, or a forum engine on a forum host).
    theme: str = ""
    #: ``<base href>`` value, "" for none.
    base: str = ""
    refresh: Link | None = None
    og_type: str = "website"
    #: JSON-LD ``@type`` values written in the head.
    schema: tuple[str, ...] = ()
    body_class: str = ""
    description: str = ""
    #: Character encoding of the body and where it is declared: header, meta, http-equiv, bom.
    encoding: str = "utf-8"
    declared: str = "header"
    lang: str = "en"
    #: Labelling facts (the construction's intent): forum, social, directory, article,
    #: guest_post, sponsored_post.
    flags: frozenset[str] = frozenset()
    author: str = ""
    date: str = ""


@dataclass(frozen=True, slots=True)
class Redirect:
    url: str
    #: The Location header as sent (may be relative).
    location: str
    status: int = 301


@dataclass(frozen=True, slots=True)
class Asset:
    url: str
    content_type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class ErrorPage:
    url: str
    status: int


@dataclass(frozen=True, slots=True)
class Hostile:
    """An answer meant to hurt a crawler: bomb, huge, garbage, reset, stall, loop."""

    url: str
    kind: str
    #: For a redirect loop: the Location it answers with.
    location: str = ""


@dataclass(frozen=True, slots=True)
class Alias:
    """Another URL for a page (a tracking query string the server ignores)."""

    url: str
    page_url: str


Resource = Page | Redirect | Asset | ErrorPage | Hostile | Alias
