"""The records that flow through the crawler: what one parse of a page yields (``Link``,
``Page``), the item the spider hands to the pipelines (``PageItem``) and the stored
backlink (``Backlink``).

All are dataclasses, read through itemadapter by Scrapy's exporters and pipelines.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Link:
    """One link found on a page, as a browser would see it."""

    #: Absolute, normalised URL (WHATWG serialisation, fragment removed).
    url: str
    #: Visible text, whitespace collapsed; for image links the ``alt`` text.
    anchor: str = ""
    #: Lower-cased rel tokens of the element.
    rel: frozenset[str] = frozenset()
    #: True when rel has nofollow, or the page says nofollow (meta robots / X-Robots-Tag).
    nofollow: bool = False
    ugc: bool = False
    sponsored: bool = False
    #: Where the nofollow came from: "rel", "meta", "header", or "" when followed.
    nofollow_by: str = ""
    #: text, image, area, redirect, canonical, frame, form (crawler.vocab.KINDS).
    kind: str = "text"
    #: content, nav, header, footer, sidebar, comment (crawler.vocab.POSITIONS).
    position: str = "content"
    #: About 100 characters of text around the anchor.
    context: str = ""
    #: Hidden by inline style, ``hidden`` attribute, zero size text and the like.
    hidden: bool = False
    #: A finer block label: author_bio, signature, ad, profile or "" (crawler.vocab.REGIONS).
    region: str = ""


@dataclass(frozen=True, slots=True)
class Page:
    """Everything one parse of an HTML page yields: its links and the page facts that
    classification needs (so nothing parses the HTML twice)."""

    #: The document URL.
    url: str
    #: The URL relative links resolve against (``<base href>`` or the document URL).
    base_url: str
    links: tuple[Link, ...] = ()
    title: str = ""
    #: ``<html lang>`` or Content-Language, lower-cased primary tag ("en", "de"), or "".
    lang: str = ""
    #: Tokens of ``<meta name=robots>`` and X-Robots-Tag, lower-cased (noindex, nofollow ...).
    robots: frozenset[str] = frozenset()
    #: ``<meta name=generator>`` content (WordPress, phpBB, Discourse ...).
    generator: str = ""
    #: schema.org types named by JSON-LD ``@type`` or microdata ``itemtype`` (short names).
    schema_types: frozenset[str] = frozenset()
    #: ``og:type`` content.
    og_type: str = ""
    #: class and id tokens of ``<html>`` and ``<body>`` (e.g. WordPress body classes).
    page_classes: frozenset[str] = frozenset()
    #: Visible text of the headings and the start of the main content, whitespace
    #: collapsed, at most a few thousand characters: for marker phrases.
    text: str = ""
    #: Characters of the detected main content's text outside its links (long-form prose
    #: marks an article even without article markup); 0 when no main content is trusted.
    main_prose: int = 0
    #: The character encoding the body was decoded with.
    encoding: str = "utf-8"


@dataclass(slots=True)
class PageItem:
    """The spider's item: one fetched URL and, for HTML, its parse."""

    url: str
    status: int
    #: ISO 8601 UTC time of the fetch, e.g. "2026-11-24T12:00:00Z".
    fetched_at: str
    #: IP address the response came from, when Scrapy knows it.
    source_ip: str | None = None
    #: The parse, for HTML pages; None for errors, redirects and non-HTML answers.
    page: Page | None = None
    #: For an HTTP 3xx answer: the absolute Location it pointed to.
    redirect_to: str | None = None
    #: Filled by the pipelines: the outbound backlinks of this page.
    backlinks: list[Backlink] = field(default_factory=list)
    #: Beside each backlink, the link element it was made from (what classification reads),
    #: so that nothing is rebuilt from the records.
    backlink_links: list[Link] = field(default_factory=list)
    #: Whether ``backlinks`` holds all the page's outbound targets (the outbound pipeline's
    #: per-page cap may keep only the first).
    backlinks_complete: bool = True


@dataclass(slots=True)
class Backlink:
    """One stored backlink: the link record of ../shared/DESIGN.md."""

    source_url: str
    source_host: str
    source_site: str
    target_url: str
    target_host: str
    target_site: str
    target_path: str
    anchor: str = ""
    rel: list[str] = field(default_factory=list)
    nofollow: bool = False
    ugc: bool = False
    sponsored: bool = False
    nofollow_by: str = ""
    kind: str = "text"
    position: str = "content"
    context: str = ""
    hidden: bool = False
    region: str = ""
    #: How many elements on the source page point at this target.
    count: int = 1
    type: str = "other"
    origin: str = "natural"
    toxicity: int = 0
    #: Names of the toxicity markers that fired (see crawler.toxicity).
    toxic_markers: list[str] = field(default_factory=list)
    #: Why the type was chosen (the evidence, e.g. "rel=ugc", "generator=phpBB").
    type_reason: str = ""
    first_seen: str = ""
    last_seen: str = ""
    lost_at: str | None = None
    status: str = "live"
    source_ip: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
