"""Readability's clean-up of the main content, as a question: would it drop this element?

Links in dropped blocks (share bars, related posts, link-dense lists, bylines, forms) are
not called content. Inside an ``<article>``/``<main>`` element the shared conventions decide
first: the article's own footer, aside and header are content unless they are link widgets.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from crawler.mainblock import (
    MAYBE_CANDIDATE,
    SHARE,
    VIDEOS,
    MainContent,
    NamePattern,
    class_weight,
    unlikely_candidate,
)

__all__ = ["Cleaner"]

Node = Any

#: Elements Readability drops from the article whatever they hold. (Readability also drops
#: the article's <footer> and <aside>; the shared conventions count those as content, and
#: their link widgets are caught by the link-density clean-up anyway.)
DROPPED_TAGS = frozenset(
    {
        "object",
        "embed",
        "iframe",
        "input",
        "textarea",
        "select",
        "button",
        "noscript",
        "script",
        "style",
        "template",
        "link",
    }
)
CONDITIONAL_TAGS = frozenset({"form", "fieldset", "table", "ul", "div"})
#: The elements the conditional clean-up counts, found in one selector pass.
_TALLIED = "p, img, li, input, h1, h2, h3, h4, h5, h6, object, embed, iframe, ul, ol"
#: Readability's link-density clean-up drops a block only when it holds this many links.
MIN_WIDGET_LINKS = 3


WIDGET = NamePattern(
    r"share|sharing|social|sharedaddy|addthis|related|recommend|read-?next|more-stories|popular"
    r"|trending|outbrain|taboola|newsletter|subscribe|pagination|pager"
)


BYLINE = NamePattern(r"byline|author|dateline|writtenby|p-author")
_BIO = NamePattern(r"author-?bio|author-?box|about-?author|author-?info|bio-?box")
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

#: What class and id names say about an element, as bits.
F_BYLINE, F_WIDGET, F_SHARE = 1, 2, 4


@lru_cache(maxsize=8192)
def _name_flags(match: str) -> int:
    """Bits for ``"<class> <id>"``: a byline (not an author bio box), a link widget, a
    share bar. (Unlikely candidates are mainblock's ``unlikely_candidate``.)"""
    maybe = MAYBE_CANDIDATE.search(match) is not None
    flags = 0
    if BYLINE.search(match) and not _BIO.search(match):
        flags |= F_BYLINE
    if not maybe and WIDGET.search(match):
        flags |= F_WIDGET
    if SHARE.search(match):
        flags |= F_SHARE
    return flags


class Cleaner:
    """Whether Readability's clean-up would drop an element from the main content."""

    __slots__ = ("scores", "strip_unlikely", "texts")

    def __init__(self, main: MainContent) -> None:
        self.scores = main.scores
        self.strip_unlikely = main.strip_unlikely
        self.texts = main.texts

    def dropped(
        self,
        node: Node,
        tag: str,
        attrs: dict[str, str | None],
        in_table: bool,
        in_article: bool = False,
        listed: bool = False,
    ) -> bool:
        """True when the clean-up drops ``node``. Elements hidden by style are not dropped
        here: hiding is reported as ``Link.hidden`` and does not move a link. The
        ``<footer>`` and ``<aside>`` of an ``<article>``/``<main>`` element belong to it
        (shared conventions); elsewhere Readability drops them. (crawler._fastplace has a
        compiled copy of this method for the compiled view: change both.)"""
        if tag in DROPPED_TAGS:
            return True
        if tag in ("footer", "aside"):
            if not in_article:
                return True
            # An article's own footer/aside is content unless it is a block of links.
            return self._clean_conditionally(node, tag, attrs)
        if listed:
            # An item of a listing: its links are the listing's (link-density clean-up
            # would call every item with a list of links a widget).
            in_table = True
        if not attrs:
            return tag in CONDITIONAL_TAGS and not in_table and self._clean_conditionally(node, tag, attrs)
        if attrs.get("aria-hidden") == "true":
            return True
        classes = attrs.get("class")
        ident = attrs.get("id")
        flags = _name_flags(f"{classes or ''} {ident or ''}") if classes or ident else 0
        # Collapsed text lengths, as everywhere else (Readability measures bylines and share
        # bars on raw textContent, the byline's trimmed, where indentation between tags counts).
        texts = self.texts
        if flags & F_BYLINE or attrs.get("rel") == "author" or "author" in (attrs.get("itemprop") or ""):
            if texts.length(node) < 100:
                return True  # Readability sets the byline apart from the article
        if self.strip_unlikely and not in_table:
            # Inside an <article>/<main> element the shared conventions decide what is
            # boilerplate; only link widgets (share bars, related posts ...) are dropped there.
            if in_article:
                if flags & F_WIDGET and texts.length(node) < 500:
                    return True
            elif unlikely_candidate(tag, attrs):
                return True
        if tag in HEADINGS and class_weight(attrs) < 0:
            return True
        if flags & F_SHARE and texts.length(node) < 500:
            return True
        if tag in CONDITIONAL_TAGS and not in_table:
            return self._clean_conditionally(node, tag, attrs)
        return False

    def _clean_conditionally(self, node: Node, tag: str, attrs: dict[str, str | None]) -> bool:
        # (crawler._fastplace has a compiled copy of this method and of _has_ancestor for
        # the compiled view: change both.)
        if tag == "table" and _data_table(node, attrs):
            return False
        weight = class_weight(attrs)
        if weight + self.scores.get(node.mem_id, 0) < 0:
            return True
        anchors = node.css("a")
        if len(anchors) < MIN_WIDGET_LINKS:
            # One or two links in a small box (a byline, a caption, a poster's name) are
            # part of what they sit in; a widget is a collection of links.
            return False
        texts = self.texts
        if texts.commas(node) >= 10:
            return False
        content_length = texts.length(node)
        paragraphs = images = items = inputs = embeds = heading_length = 0
        lists = []
        for element in node.css(_TALLIED):
            kind = element.tag
            if kind == "p":
                paragraphs += 1
            elif kind == "li":
                items += 1
            elif kind == "img":
                images += 1
            elif kind == "input":
                inputs += 1
            elif kind in HEADINGS:
                heading_length += texts.length(element)
            elif kind == "ul" or kind == "ol":
                lists.append(element)
            else:  # object, embed, iframe
                embed = element.attributes
                if VIDEOS.search(embed.get("src") or embed.get("data") or ""):
                    embeds += 1
        items -= 100
        heading_density = heading_length / content_length if content_length else 0
        is_list = tag in ("ul", "ol")
        if not is_list and content_length:
            list_length = sum(texts.length(lst) for lst in lists)
            is_list = list_length / content_length > 0.9
        density = texts.density(node)
        return (
            (images > 1 and paragraphs / images < 0.5 and not _has_ancestor(node, "figure"))
            or (not is_list and items > paragraphs)
            or (inputs > paragraphs // 3)
            or (
                not is_list
                and heading_density < 0.9
                and content_length < 25
                and (images == 0 or images > 2)
                and density > 0
            )
            or (not is_list and weight < 25 and density > 0.2)
            or (weight >= 25 and density > 0.5)
            or (embeds == 1 and content_length < 75)
            or embeds > 1
        )


def _has_ancestor(node: Node, tag: str, limit: int = 3) -> bool:
    current = node.parent
    depth = 0
    while current is not None and depth < limit:
        if current.tag == tag:
            return True
        current = current.parent
        depth += 1
    return False


def _data_table(node: Node, attrs: dict[str, str | None]) -> bool:
    if attrs.get("role") == "presentation" or attrs.get("datatable") == "0":
        return False
    if attrs.get("summary") or node.css_first("caption, thead, tfoot, th, colgroup") is not None:
        return True
    key = node.mem_id
    if any(table.mem_id != key for table in node.css("table")):
        return False
    rows = node.css("tr")
    if len(rows) >= 10:
        return True
    columns = max((len(row.css("td, th")) for row in rows[:10]), default=0)
    return columns > 4 or len(rows) * columns > 10
