"""HTML bytes in, link records and page facts out: one parse per page.

``parse_page(body, url, headers=...)`` decodes the body (crawler.encoding), parses it once
with lexbor (selectolax), finds the main content (crawler.mainblock), and returns a
``crawler.items.Page`` holding every followable link (``<a>``, ``<area>``, image links,
``<link rel=canonical>``, ``<iframe>``/``<frame>``, ``<form action>``, meta refresh) with
its anchor, rel, position, region, context and visibility, plus the page facts.

Pure functions: no global state except caches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from functools import lru_cache
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from crawler.compiled import imported_later
from crawler.encoding import decode_body, header_values
from crawler.items import Link, Page
from crawler.mainblock import TO_SCORE, TextCache, find_main, prose_length
from crawler.nodetext import collapsed_text
from crawler.pagefacts import FACTS_SELECTOR, meta_refresh_target
from crawler.parseguard import defuse
from crawler.placement import BLOCK, HIDDEN, REGION, Placement
from crawler.positions import AUTHOR_BIO_TOKENS, is_hidden
from crawler.treeview import FAST_NODE, PureView, head_facts, head_walk, placer, strip, using_compiled, view
from crawler.urls import Resolver, join

__all__ = ["extract_links", "parse_page"]

LINK_SELECTOR = "a[href], area[href], link[href], iframe[src], frame[src], form[action], meta[http-equiv]"
CONTEXT_CHARS = 100
CONTEXT_TEXT_BUDGET = 4_000_000
PAGE_TEXT_CHARS = 3000
HEADINGS_CHARS = 600
HEADINGS_SELECTOR = "h1, h2, h3"
#: Script and style text is not page text: these elements go before any text is read.
STRIPPED_TAGS = ("script", "style", "template")
#: Boxes whose text the page text always includes (classification matches its text phrases,
#: such as guest-post and sponsorship notes, against it): author bios and disclosure labels.
MARKER_BOX_SELECTOR = ", ".join(f".{name}" for name in (*AUTHOR_BIO_TOKENS, "sponsored-label", "disclosure"))
_HEAD_KINDS = frozenset({"canonical", "redirect"})
#: Kinds whose element's rel attribute is reported (frames and meta refreshes have none).
_REL_KINDS = frozenset({"text", "image", "area", "canonical", "form"})


def _collapse(text: str) -> str:
    return " ".join(text.split())


class _Context:
    """Text around an anchor, from its block's collapsed text, searched forward so that
    links in one block find their own occurrence in document order. (crawler._fastlinks
    has a compiled copy, FastContext, with _window: change both.)"""

    __slots__ = ("blocks", "budget")

    def __init__(self) -> None:
        #: mem_id -> the block's collapsed text when it is short, else [text, search cursor].
        self.blocks: dict[int, str | list[Any]] = {}
        #: Characters of block text still to read; nested blocks each holding links would
        #: otherwise read the same text again at every level.
        self.budget = CONTEXT_TEXT_BUDGET

    def __call__(self, block: Any, anchor: str, node: Any) -> str:
        if block is None:
            return anchor[:CONTEXT_CHARS]
        key = block.mem_id
        entry = self.blocks.get(key)
        if entry is None:
            if self.budget <= 0:
                return anchor[:CONTEXT_CHARS]
            text = collapsed_text(block)
            self.budget -= len(text)
            if len(text) <= CONTEXT_CHARS:
                # Most blocks (a list item, a short paragraph) are their links' context.
                self.blocks[key] = text
                return text
            entry = self.blocks[key] = [text, 0]
        elif entry.__class__ is str:
            return entry
        text, cursor = entry
        at = text.find(anchor, cursor) if anchor else -1
        length = len(anchor)
        if at < 0 and anchor:
            # The block text has a space between text nodes ("foo<b>bar</b>" reads
            # "foo bar" there, "foobar" in the anchor): look for the anchor read alike.
            spaced = collapsed_text(node)
            if spaced != anchor:
                at = text.find(spaced, cursor)
                length = len(spaced)
        if at < 0:
            at = min(cursor, len(text))
        else:
            entry[1] = at + length
        return _window(text, at, length)


def _window(text: str, at: int, length: int) -> str:
    if length >= CONTEXT_CHARS:
        return text[at : at + CONTEXT_CHARS]
    room = CONTEXT_CHARS - length
    start = max(0, at - room // 2)
    end = min(len(text), start + CONTEXT_CHARS)
    start = max(0, end - CONTEXT_CHARS)
    if start > 0:
        space = text.find(" ", start, at)
        if space >= 0:
            start = space + 1
    if end < len(text):
        space = text.rfind(" ", at + length, end)
        if space >= 0:
            end = space
    return text[start:end]


_NO_REL: frozenset[str] = frozenset()


@lru_cache(maxsize=4096)
def _rel_tokens(value: str | None) -> frozenset[str]:
    if not value:
        return _NO_REL
    return frozenset(value.lower().split())


def _image_anchor(node: Any) -> tuple[str, str]:
    """(anchor, kind) of an ``<a>`` without text: the alt texts of its images."""
    images = node.css("img")
    if images:
        alts = (_collapse(img.attributes.get("alt") or "") for img in images)
        return " ".join(alt for alt in alts if alt), "image"
    return "", "text"


def _link_factory() -> Callable[..., Link]:
    """``Link(...)`` with positional fields, made by setting its slots directly: a frozen
    dataclass's ``__init__`` goes through ``object.__setattr__`` once per field, which is
    the larger part of the cost of a link record. The result is an ordinary, equal Link;
    should Link's fields ever differ from these, the plain constructor is used."""
    names = ("url", "anchor", "rel", "nofollow", "ugc", "sponsored", "nofollow_by", "kind", "position", "context",
             "hidden", "region")
    if tuple(f.name for f in fields(Link)) != names or not hasattr(Link, "__slots__"):
        return Link
    new = object.__new__
    (url_, anchor_, rel_, nofollow_, ugc_, sponsored_, nofollow_by_, kind_, position_, context_, hidden_,
     region_) = (getattr(Link, name).__set__ for name in names)

    def make(url: str, anchor: str, rel: frozenset[str], nofollow: bool, ugc: bool, sponsored: bool,
             nofollow_by: str, kind: str, position: str, context: str, hidden: bool, region: str) -> Link:
        link = new(Link)
        url_(link, url)
        anchor_(link, anchor)
        rel_(link, rel)
        nofollow_(link, nofollow)
        ugc_(link, ugc)
        sponsored_(link, sponsored)
        nofollow_by_(link, nofollow_by)
        kind_(link, kind)
        position_(link, position)
        context_(link, context)
        hidden_(link, hidden)
        region_(link, region)
        return link

    return make


make_link = _link_factory()


def _decode(body: bytes, headers: Any) -> tuple[str | bytes, str]:
    content_types = header_values(headers, "Content-Type")
    return decode_body(body, content_types[0] if content_types else None)


def _leading_text(node: Any, room: int, texts: TextCache | None, depth: int = 0) -> str:
    """The collapsed text of ``node`` (text nodes joined by a space), or at least its first
    ``room`` characters: a long block is read child by child until enough is read."""
    length = texts.pieces.get(node.mem_id) if texts is not None else None
    if depth >= 8 or length is None or length[0] <= 2 * room or node.child is None:
        return collapsed_text(node)
    parts: list[str] = []
    got = 0
    child = node.child
    while child is not None and got <= room:
        if child.is_element_node:
            text = _leading_text(child, room - got, texts, depth + 1)
        elif child.is_text_node:
            text = collapsed_text(child)
        else:
            text = ""
        if text:
            parts.append(text)
            got += len(text) + 1
        child = child.next
    return " ".join(parts)


def _leading(node: Any, room: int, texts: TextCache | None) -> str:
    """``_leading_text(node, room, texts)[:room]``, which is the start of the node's collapsed
    text whichever way it was read; a compiled node reads just that start."""
    if node.__class__ is FAST_NODE:
        found = node.collapsed_prefix(room)
        if found is not None:
            return found
    return _leading_text(node, room, texts)[:room]


def _headings_text(headings: list[Any]) -> str:
    """``_collapse(" ".join(collapsed_text(h) for h in headings))[:HEADINGS_CHARS]``: each
    collapsed text is collapsed already, so the texts are joined as they are (empty ones
    left out), and no more headings are read than that many characters need."""
    parts: list[str] = []
    length = -1
    for heading in headings:
        text = collapsed_text(heading)
        if text:
            parts.append(text)
            length += len(text) + 1
            if length >= HEADINGS_CHARS:
                break
    return " ".join(parts)[:HEADINGS_CHARS]


def _page_text(tree: Any, main: Any) -> str:
    parts: list[str] = []
    headings = _headings_text(tree.css(HEADINGS_SELECTOR))
    if headings:
        parts.append(headings)
    for box in tree.css(MARKER_BOX_SELECTOR)[:10]:
        text = _leading(box, 400, None)
        if text:
            parts.append(text)
    used = sum(len(p) + 1 for p in parts)
    if used < PAGE_TEXT_CHARS:
        if main is not None:
            blocks = main.blocks
            texts = main.texts
        else:
            body = tree.body
            blocks = (body,) if body is not None else ()
            texts = None
        room = PAGE_TEXT_CHARS - used
        for block in blocks:
            if room <= 0:
                break
            text = _leading(block, room, texts)
            if text:
                parts.append(text)
                room -= len(text) + 1
    return " ".join(parts)[:PAGE_TEXT_CHARS]


def parse_page(body: bytes, url: str, *, headers: Any = None) -> Page:
    """Parse one HTML page: all its followable links and the facts about it."""
    markup, encoding = _decode(body, headers)
    # Deep nesting and giant tags make the parse quadratic: defused first. The compiled
    # path also leaves out the script and style text stripped unread below (same output).
    tree = LexborHTMLParser(defuse(markup, quiet=using_compiled()))

    # The heuristics walk the tree through a view: compiled (crawler._fastdom) when built.
    dom = view(tree)
    compiled = dom.__class__ is not PureView
    try:
        # Compiled: the head facts' elements, the elements stripped below and the selectors
        # the passes ask of the whole page (answered as the stripped tree will), from one walk.
        walked = head_walk(tree, FACTS_SELECTOR, STRIPPED_TAGS, dom, _page_queries(dom) if compiled else [])
        try:
            base_url, page_nofollow_by, facts = _page_facts(tree, url, headers, walked)
        finally:
            # Script and style text is not page text: dropped before any text is read.
            strip(tree, STRIPPED_TAGS, walked)
        if compiled and walked is None:
            # A compiled view whose head walk did not run (a selector or tags it does not
            # know): the passes' selectors answered by one walk of the stripped tree.
            dom.prefetch(_page_queries(dom))
        return _extract(dom, url, base_url, page_nofollow_by, encoding, facts)
    finally:
        dom.release()


def _page_queries(dom: Any) -> list[tuple[str, Any]]:
    """The selectors the passes of :func:`_extract` ask of the whole page: (query, scope
    node, None for the root element)."""
    return [(LINK_SELECTOR, None), (HEADINGS_SELECTOR, None), (MARKER_BOX_SELECTOR, None), (TO_SCORE, dom.body)]


def _page_facts(tree: LexborHTMLParser, url: str, headers: Any, walked: Any) -> tuple[str, str, dict[str, Any]]:
    """(base URL, page_nofollow_by, the Page's facts) from the head facts and the headers."""
    head = head_facts(tree, walked)
    href = head.base
    base_url = url
    if href is not None:
        base_url = join(url, href) or url
    meta_robots, header_robots = head.robots(headers)
    page_nofollow_by = ""
    if "nofollow" in meta_robots:
        page_nofollow_by = "meta"
    elif "nofollow" in header_robots:
        page_nofollow_by = "header"
    facts = {
        "title": head.title(),
        "lang": head.lang(headers),
        "robots": meta_robots | header_robots,
        "generator": head.generator(),
        "schema_types": head.schema_types(),
        "og_type": head.og_type(),
        "page_classes": head.page_classes(),
    }
    return base_url, page_nofollow_by, facts


# crawler._fastlinks imports this module.
_compiled_passes = imported_later("crawler._fastlinks", "collect", "emit")


def _extract(dom: Any, url: str, base_url: str, page_nofollow_by: str, encoding: str,
             facts: dict[str, Any]) -> Page:
    collect, emit = _collect, _emit
    if dom.__class__ is not PureView:
        # The compiled view: the same two passes, compiled.
        collect, emit = _compiled_passes()
    texts = TextCache()
    # First the elements: targets, anchors and kinds (the anchors' texts also serve the
    # main-content scoring), then where each sits.
    found = collect(dom, Resolver(base_url), texts)
    main = find_main(dom.body, texts)
    placement = Placement(main)
    links = emit(found, placement, placer(dom, placement), page_nofollow_by)
    return Page(
        url=url,
        base_url=base_url,
        links=tuple(links),
        text=_page_text(dom, main),
        main_prose=prose_length(main),
        encoding=encoding,
        **facts,
    )


Found = tuple[Any, dict[str, "str | None"], str, str, str]


def _collect(dom: Any, resolve: Resolver, texts: TextCache) -> list[Found]:
    """(node, attributes, target, anchor, kind) of the page's followable links, in order
    (crawler._fastlinks.collect is the compiled version)."""
    note_anchor = texts.anchor
    found: list[Found] = []
    for node in dom.css(LINK_SELECTOR):
        tag = node.tag
        attrs = node.attributes
        if tag == "a":
            href = attrs.get("href") or ""
            anchor = note_anchor(node, href.startswith("#"))
            target = resolve(href)
            if target is None:
                continue
            if anchor:
                kind = "text"
            else:
                anchor, kind = _image_anchor(node)
        elif tag == "area":
            target = resolve(attrs.get("href") or "")
            if target is None:
                continue
            anchor, kind = _collapse(attrs.get("alt") or ""), "area"
        elif tag == "link":
            if "canonical" not in _rel_tokens(attrs.get("rel")):
                continue
            target = resolve(attrs.get("href") or "")
            anchor, kind = "", "canonical"
        elif tag == "iframe" or tag == "frame":
            target = resolve(attrs.get("src") or "")
            anchor, kind = "", "frame"
        elif tag == "form":
            target = resolve(attrs.get("action") or "")
            anchor, kind = "", "form"
        else:  # meta
            if (attrs.get("http-equiv") or "").strip().lower() != "refresh":
                continue
            refresh = meta_refresh_target(attrs.get("content") or "")
            target = resolve(refresh) if refresh else None
            anchor, kind = "", "redirect"
        if target is not None:
            found.append((node, attrs, target, anchor, kind))
    return found


def _rel_flags(rel_value: str | None, page_nofollow_by: str) -> tuple[frozenset[str], bool, bool, bool, str]:
    """(rel tokens, nofollow, ugc, sponsored, nofollow_by) of a rel attribute on a page."""
    rel = _rel_tokens(rel_value)
    if "nofollow" in rel:
        nofollow, nofollow_by = True, "rel"
    elif page_nofollow_by:
        nofollow, nofollow_by = True, page_nofollow_by
    else:
        nofollow, nofollow_by = False, ""
    return (rel, nofollow, "ugc" in rel, "sponsored" in rel, nofollow_by)


def _emit(found: list[Found], placement: Placement, place: Callable[[Any], Any], page_nofollow_by: str) -> list[Link]:
    """The Link records of ``found`` (crawler._fastlinks.emit is the compiled version)."""
    position_of = placement.position
    context_of = _Context()
    # rel value -> (rel tokens, nofollow, ugc, sponsored, nofollow_by) on this page
    rels: dict[str | None, tuple[frozenset[str], bool, bool, bool, str]] = {}
    links: list[Link] = []
    append = links.append
    for node, attrs, target, anchor, kind in found:
        if kind in _HEAD_KINDS:
            position, region, hidden, context = "content", "", False, ""
        else:
            parent = node.parent
            info = placement.root if parent is None else place(parent)
            position = position_of(info)
            region = info[REGION]
            hidden = info[HIDDEN] or (("style" in attrs or "hidden" in attrs) and is_hidden(attrs))
            context = context_of(info[BLOCK], anchor, node)

        rel_value = attrs.get("rel") if kind in _REL_KINDS else None
        flags = rels.get(rel_value)
        if flags is None:
            flags = rels[rel_value] = _rel_flags(rel_value, page_nofollow_by)
        rel, nofollow, ugc, sponsored, nofollow_by = flags
        append(make_link(target, anchor, rel, nofollow, ugc, sponsored, nofollow_by, kind, position, context, hidden,
                         region))
    return links


def extract_links(body: bytes, url: str, *, headers: Any = None) -> list[Link]:
    """Every followable link of the page (see :func:`parse_page`)."""
    return list(parse_page(body, url, headers=headers).links)
