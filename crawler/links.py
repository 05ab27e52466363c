"""HTML bytes in, link records and page facts out: one parse per page.

``parse_page(body, url, headers=...)`` decodes the body (crawler.encoding), parses it once
with lexbor (selectolax), finds the main content (crawler.mainblock), and returns a
``crawler.items.Page`` holding every followable link (``<a>``, ``<area>``, image links,
``<link rel=canonical>``, ``<iframe>``/``<frame>``, ``<form action>``, meta refresh) with
its anchor, rel, position, region, context and visibility, plus the page facts.

Pure functions: no global state except caches.
"""

from __future__ import annotations

from typing import Any

from selectolax.lexbor import LexborHTMLParser

from crawler.encoding import decode_body, header_values
from crawler.items import Link, Page
from crawler.mainblock import find_main
from crawler.pagefacts import (
    base_href,
    generator,
    lang_of,
    meta_refresh_target,
    og_type,
    page_classes,
    robots_tokens,
    schema_types,
    title_of,
)
from crawler.placement import BLOCK, HIDDEN, REGION, Placement
from crawler.positions import is_hidden
from crawler.urls import Resolver, join

__all__ = ["extract_links", "parse_page"]

LINK_SELECTOR = "a[href], area[href], link[href], iframe[src], frame[src], form[action], meta[http-equiv]"
CONTEXT_CHARS = 100
CONTEXT_TEXT_BUDGET = 4_000_000
PAGE_TEXT_CHARS = 3000
HEADINGS_CHARS = 600
MARKER_BOX_SELECTOR = ".author-bio, .author-box, .about-author, .author-info, .bio-box, .sponsored-label, .disclosure"
_HEAD_KINDS = frozenset({"canonical", "redirect"})


def _collapse(text: str) -> str:
    return " ".join(text.split())


class _Context:
    """Text around an anchor, from its block's collapsed text, searched forward so that
    links in one block find their own occurrence in document order."""

    __slots__ = ("blocks", "budget")

    def __init__(self) -> None:
        self.blocks: dict[int, list[Any]] = {}
        #: Characters of block text still to read; nested blocks each holding links would
        #: otherwise read the same text again at every level.
        self.budget = CONTEXT_TEXT_BUDGET

    def __call__(self, block: Any, anchor: str) -> str:
        if block is None:
            return anchor[:CONTEXT_CHARS]
        entry = self.blocks.get(block.mem_id)
        if entry is None:
            if self.budget <= 0:
                return anchor[:CONTEXT_CHARS]
            text = _collapse(block.text(separator=" "))
            self.budget -= len(text)
            entry = self.blocks[block.mem_id] = [text, 0]
        text, cursor = entry
        if len(text) <= CONTEXT_CHARS:
            return text
        at = text.find(anchor, cursor) if anchor else -1
        if at < 0:
            at = min(cursor, len(text))
        else:
            entry[1] = at + len(anchor)
        return _window(text, at, len(anchor))


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


def _rel_tokens(value: str | None) -> frozenset[str]:
    if not value:
        return frozenset()
    return frozenset(value.lower().split())


def _anchor_of(node: Any) -> tuple[str, str]:
    """(anchor, kind) of an ``<a>``: its visible text, or the alt texts of its images."""
    text = _collapse(node.text())
    if text:
        return text, "text"
    images = node.css("img")
    if images:
        alts = (_collapse(img.attributes.get("alt") or "") for img in images)
        return " ".join(alt for alt in alts if alt), "image"
    return "", "text"


def _decode(body: bytes, headers: Any) -> tuple[str | bytes, str]:
    content_types = header_values(headers, "Content-Type")
    return decode_body(body, content_types[0] if content_types else None)


def _page_text(tree: Any, main: Any) -> str:
    parts: list[str] = []
    headings = _collapse(" ".join(h.text(separator=" ") for h in tree.css("h1, h2, h3")))
    headings = headings[:HEADINGS_CHARS]
    if headings:
        parts.append(headings)
    for box in tree.css(MARKER_BOX_SELECTOR)[:10]:
        text = _collapse(box.text(separator=" "))[:400]
        if text:
            parts.append(text)
    used = sum(len(p) + 1 for p in parts)
    if used < PAGE_TEXT_CHARS:
        if main is not None:
            blocks = main.blocks
        else:
            body = tree.body
            blocks = (body,) if body is not None else ()
        room = PAGE_TEXT_CHARS - used
        for block in blocks:
            if room <= 0:
                break
            text = _collapse(block.text(separator=" "))[:room]
            if text:
                parts.append(text)
                room -= len(text) + 1
    return " ".join(parts)[:PAGE_TEXT_CHARS]


def parse_page(body: bytes, url: str, *, headers: Any = None) -> Page:
    """Parse one HTML page: all its followable links and the facts about it."""
    markup, encoding = _decode(body, headers)
    tree = LexborHTMLParser(markup)

    href = base_href(tree)
    base_url = url
    if href is not None:
        base_url = join(url, href) or url
    meta_robots, header_robots = robots_tokens(tree, headers)
    page_nofollow_by = ""
    if "nofollow" in meta_robots:
        page_nofollow_by = "meta"
    elif "nofollow" in header_robots:
        page_nofollow_by = "header"

    facts = {
        "title": title_of(tree),
        "lang": lang_of(tree, headers),
        "robots": meta_robots | header_robots,
        "generator": generator(tree),
        "schema_types": schema_types(tree),
        "og_type": og_type(tree),
        "page_classes": page_classes(tree),
    }
    # Script and style text is not page text: drop it before any text is read.
    tree.strip_tags(["script", "style", "template"])

    main = find_main(tree.body)
    placement = Placement(main)
    resolve = Resolver(base_url)
    context_of = _Context()
    links: list[Link] = []
    for node in tree.css(LINK_SELECTOR):
        tag = node.tag
        attrs = node.attributes
        rel: frozenset[str] = frozenset()
        if tag == "a":
            target = resolve(attrs.get("href") or "")
            if target is None:
                continue
            anchor, kind = _anchor_of(node)
            rel = _rel_tokens(attrs.get("rel"))
        elif tag == "area":
            target = resolve(attrs.get("href") or "")
            if target is None:
                continue
            anchor, kind = _collapse(attrs.get("alt") or ""), "area"
            rel = _rel_tokens(attrs.get("rel"))
        elif tag == "link":
            rel = _rel_tokens(attrs.get("rel"))
            if "canonical" not in rel:
                continue
            target = resolve(attrs.get("href") or "")
            anchor, kind = "", "canonical"
        elif tag in ("iframe", "frame"):
            target = resolve(attrs.get("src") or "")
            anchor, kind = "", "frame"
        elif tag == "form":
            target = resolve(attrs.get("action") or "")
            anchor, kind = "", "form"
            rel = _rel_tokens(attrs.get("rel"))
        else:  # meta
            if (attrs.get("http-equiv") or "").strip().lower() != "refresh":
                continue
            refresh = meta_refresh_target(attrs.get("content") or "")
            target = resolve(refresh) if refresh else None
            anchor, kind = "", "redirect"
        if target is None:
            continue

        if kind in _HEAD_KINDS:
            position, region, hidden, context = "content", "", False, ""
        else:
            parent = node.parent
            info = placement.of(parent) if parent is not None else placement.root
            position = placement.position(info)
            region = info[REGION]
            hidden = info[HIDDEN] or is_hidden(attrs)
            context = context_of(info[BLOCK], anchor)

        if "nofollow" in rel:
            nofollow, nofollow_by = True, "rel"
        elif page_nofollow_by:
            nofollow, nofollow_by = True, page_nofollow_by
        else:
            nofollow, nofollow_by = False, ""
        links.append(
            Link(
                url=target,
                anchor=anchor,
                rel=rel,
                nofollow=nofollow,
                ugc="ugc" in rel,
                sponsored="sponsored" in rel,
                nofollow_by=nofollow_by,
                kind=kind,
                position=position,
                context=context,
                hidden=hidden,
                region=region,
            )
        )

    return Page(
        url=url,
        base_url=base_url,
        links=tuple(links),
        text=_page_text(tree, main),
        encoding=encoding,
        **facts,
    )


def extract_links(body: bytes, url: str, *, headers: Any = None) -> list[Link]:
    """Every followable link of the page (see :func:`parse_page`)."""
    return list(parse_page(body, url, headers=headers).links)
