"""Where an element sits on the page: its landmark, region, visibility, the text block it
belongs to, and how it stands to the detected main content.

Each element's facts follow from its parent's, so they are computed once per element, top
down, and memoised: finding the place of every link costs one short upward walk to the
nearest element already known, not a walk to the root per link.

Position rule (documented in the report and README):
1. the innermost landmark ancestor (nav, header, footer, sidebar, comment; shared
   conventions A) decides; landmarks above the main content do not reach into it (but a
   comment section stays a comment section);
2. otherwise a link in the main content is ``content``, unless Readability's clean-up would
   drop its block (share bar, link-dense list, article footer/aside, form ...): ``sidebar``;
3. a link outside the main content in an author bio, signature or profile box is ``content``;
4. other links outside the main content: ``header`` before it and ``footer`` after it when
   they sit in page-level blocks, ``sidebar`` when they sit in a column beside it;
5. when the page has no main content we trust (no article-like text), every link without a
   landmark is ``content``.
"""

from __future__ import annotations

from functools import lru_cache
from statistics import median
from typing import Any

from crawler.cleanup import Cleaner
from crawler.compiled import imported_later
from crawler.mainblock import SKIPPED_TAGS, MainContent, TextCache, element_children
from crawler.positions import class_id_tokens, is_hidden, landmark_of, region_of
from crawler.treeview import FAST_NODE

__all__ = ["Placement", "BLOCK_TAGS"]

Node = Any

Z_NONE, Z_PATH, Z_IN, Z_BOILER, Z_BEFORE, Z_AFTER, Z_RAIL = range(7)

BLOCK_TAGS = frozenset(
    {
        "p",
        "li",
        "td",
        "th",
        "dd",
        "dt",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "figcaption",
        "caption",
        "pre",
        "address",
        "div",
        "section",
        "article",
        "aside",
        "nav",
        "header",
        "footer",
        "main",
        "form",
        "body",
        "ul",
        "ol",
        "dl",
        "table",
        "tr",
        "fieldset",
        "details",
        "summary",
        "figure",
    }
)
#: Tags whose bare element (no attributes) opens a landmark.
_LANDMARK_TAGS = frozenset({"nav", "header", "footer", "aside"})
_MARKED_TAGS = frozenset({"table", "code", "html", "body"})
_KEEP_REGIONS = frozenset({"author_bio", "signature", "profile"})
_ZONE_POSITION = {Z_BOILER: "sidebar", Z_RAIL: "sidebar", Z_BEFORE: "header", Z_AFTER: "footer"}

# Info tuple indices.
LANDMARK, REGION, HIDDEN, IN_ARTICLE, ZONE, IN_TABLE, BLOCK, DEPTH = range(8)
#: (landmark|None, region, hidden, in_article, zone, in_table, block node|None, depth in main)
Info = tuple
#: Bits of the in_article field: inside an <article>/<main> element, inside the detected
#: main content.
IN_ARTICLE_TAG, IN_MAIN_BLOCK, IN_LISTED = 1, 2, 4
#: Readability's clean-up is judged only this deep inside the main content: real articles
#: nest far less, and it keeps pathological nesting linear.
MAX_CLEAN_DEPTH = 40


@lru_cache(maxsize=16384)
def _markers(
    tag: str, classes: str | None, ident: str | None, role: str | None, in_article: bool
) -> tuple[str | None, str]:
    """(landmark, region) an element opens, cached: class names repeat across a page.
    (crawler/_fastnaming.pxi has a compiled copy, with positions.class_id_tokens,
    landmark_of and region_of: change both.)"""
    tokens, ident_lower = class_id_tokens(classes, ident)
    landmark = landmark_of(tag, tokens, ident_lower, (role or "").strip().lower(), in_article)
    return landmark, region_of(tokens) if tokens else ""


#: Median text length (characters) of the items of a thread of posts, reviews or comments,
#: as opposed to captions or link lists.
TEXT_RICH_ITEM = 120


def _listing_items(blocks: tuple[Node, ...], texts: TextCache) -> frozenset[int]:
    """The children of main blocks (or of the first element below them that has more than
    one child, as a WordPress content-area div around a <main>) that are items of a
    listing: three or more alike (same tag and class) children of one block.
    (crawler._fastmain.listing_items is a compiled copy for the compiled view: change both.)"""
    items: set[int] = set()
    for block in blocks:
        children = element_children(block)
        # Wrappers (a content-area div holding a <main>, a section holding one entry div)
        # hide the listing a few levels down: go down through only children.
        wrapped = False
        for _ in range(4):
            significant = [c for c in children if c.tag not in SKIPPED_TAGS]
            if len(significant) != 1:
                break
            children = element_children(significant[0])
            wrapped = significant[0].tag != "main"
        groups: dict[tuple[str, str], list[int]] = {}
        for child in children:
            classes = child.attributes.get("class") or ""
            if classes or child.tag in ("article", "section", "li"):
                groups.setdefault((child.tag, classes), []).append(child.mem_id)
        for group in groups.values():
            if len(group) < 3:
                continue
            if wrapped:
                # Deeper down, only text-rich items (forum posts, reviews, comments) make a
                # listing; alike link lists there are widgets (related posts, tag clouds).
                # One link-heavy post among many text-rich ones (a reply that is a bare
                # URL) does not make a thread a widget; among captions (thumbnails) or in
                # a group of three, one is enough.
                by_id = {c.mem_id: c for c in children}
                dense = sum(texts.density(by_id[key]) >= 0.5 for key in group)
                if dense and (
                    dense * 4 > len(group)
                    or len(group) < 4
                    or median([texts.length(by_id[key]) for key in group]) < TEXT_RICH_ITEM
                ):
                    continue
            items.update(group)
    return frozenset(items)


# crawler._fastmain imports this module.
_compiled_zone_steps = imported_later("crawler._fastmain", "listing_items", "map_zones")


class Placement:
    """Memoised placement of the elements of one parsed page."""

    __slots__ = ("memo", "main_ids", "listed", "child_zone", "cleaner", "root")

    def __init__(self, main: MainContent | None) -> None:
        self.memo: dict[int, Info] = {}
        self.main_ids: frozenset[int] = frozenset()
        self.listed: frozenset[int] = frozenset()
        self.child_zone: dict[int, int] = {}
        self.cleaner: Cleaner | None = None
        zone = Z_NONE
        if main is not None:
            zone = Z_PATH
            self.main_ids = frozenset(block.mem_id for block in main.blocks)
            listing_items, map_zones = _listing_items, Placement._map_zones
            if main.top.__class__ is FAST_NODE:
                # The compiled view's nodes: the same items and zones, found compiled.
                listing_items, map_zones = _compiled_zone_steps()
            self.listed = main.listed | listing_items(main.blocks, main.texts)
            self.cleaner = Cleaner(main)
            map_zones(self, main)
        self.root: Info = (None, "", False, 0, zone, False, None, 0)

    def _map_zones(self, main: MainContent) -> None:
        """Zones of the elements that branch off the path from the root to the main blocks:
        before or after it in page-level blocks, or beside it in a column.
        (crawler._fastmain.map_zones is a compiled copy for the compiled view: change both.)"""
        path: list[tuple[Node, Node | None]] = []  # (ancestor, its child on the path)
        child: Node | None = None
        current = main.blocks[0].parent
        while current is not None:
            if current.is_element_node:
                path.append((current, child))
            child = current
            current = current.parent
        path.reverse()
        page_level = True
        for ancestor, path_child in path:
            if ancestor.tag not in ("html", "body") and ancestor.parent is not None:
                siblings = element_children(ancestor.parent)
                page_level = page_level and sum(c.tag not in SKIPPED_TAGS for c in siblings) == 1
            side = Z_BEFORE
            children = element_children(ancestor)
            last_main = -1
            if path_child is None:
                for index, element in enumerate(children):
                    if element.mem_id in self.main_ids:
                        last_main = index
            for index, element in enumerate(children):
                key = element.mem_id
                if path_child is not None:
                    if key == path_child.mem_id:
                        side = Z_AFTER
                        continue
                    zone = side
                else:
                    if key in self.main_ids:
                        side = Z_AFTER
                        continue
                    zone = Z_RAIL if side == Z_AFTER and index < last_main else side
                if not page_level:
                    zone = Z_RAIL
                self.child_zone[key] = zone

    def place(self, node: Node) -> Info:
        """The placement facts of ``node``, memoised (crawler._fastplace is the compiled
        version of this walk and of :meth:`_derive`)."""
        info = self.memo.get(node.mem_id)
        return info if info is not None else self.of(node)

    def of(self, node: Node) -> Info:
        """The placement facts of ``node`` (an element or the document)."""
        memo = self.memo
        parent = node.parent
        if parent is not None and node.is_element_node:
            # The common case: the parent is known already.
            info = memo.get(parent.mem_id)
            if info is not None:
                info = memo[node.mem_id] = self._derive(node, info)
                return info
        chain = []
        current = node
        info = None
        while current is not None:
            info = memo.get(current.mem_id)
            if info is not None:
                break
            chain.append(current)
            current = current.parent
        if info is None:
            info = self.root
        for element in reversed(chain):
            if element.is_element_node:
                info = self._derive(element, info)
            memo[element.mem_id] = info
        return info

    def _derive(self, element: Node, parent: Info) -> Info:
        """The facts of ``element`` from its parent's. (crawler._fastplace has a compiled copy
        of this method and of :meth:`of` for the compiled view: change both.)"""
        landmark, region, hidden, in_article, zone, in_table, block, depth = parent
        tag = element.tag
        attrs = element.attributes
        entering_main = False
        if zone == Z_PATH:
            key = element.mem_id
            if key in self.main_ids:
                zone = Z_IN
                entering_main = True
                if key in self.listed:
                    in_article |= IN_LISTED
            else:
                zone = self.child_zone.get(key, Z_PATH)
        elif zone == Z_IN:  # (only with a main content, hence a cleaner)
            depth += 1
            if element.mem_id in self.listed:
                in_article |= IN_LISTED
            if depth <= MAX_CLEAN_DEPTH and self.cleaner.dropped(  # type: ignore[union-attr]
                element, tag, attrs, in_table, bool(in_article & IN_ARTICLE_TAG), bool(in_article & IN_LISTED)
            ):
                zone = Z_BOILER
        if tag in BLOCK_TAGS:
            block = element
        if tag in _MARKED_TAGS:
            if tag == "table" or tag == "code":
                in_table = True
            elif tag == "html" or tag == "body":
                if attrs and not hidden and is_hidden(attrs):
                    hidden = True
                return (landmark, region, hidden, in_article, zone, in_table, block, depth)
        if entering_main:
            in_article |= IN_MAIN_BLOCK
            if landmark != "comment":
                landmark = None
        if attrs:
            if not hidden and ("style" in attrs or "hidden" in attrs) and is_hidden(attrs):
                hidden = True
            own, own_region = _markers(tag, attrs.get("class"), attrs.get("id"), attrs.get("role"), bool(in_article))
            if own_region:
                region = own_region
        elif tag in _LANDMARK_TAGS:
            own = landmark_of(tag, [], "", "", bool(in_article))
        else:
            own = None
        if own is not None and not (entering_main and own != "comment"):
            landmark = own
        if tag == "article" or tag == "main":
            in_article |= IN_ARTICLE_TAG
        return (landmark, region, hidden, in_article, zone, in_table, block, depth)

    @staticmethod
    def position(info: Info) -> str:
        landmark = info[LANDMARK]
        if landmark is not None:
            return landmark
        zone = info[ZONE]
        if zone <= Z_IN or info[REGION] in _KEEP_REGIONS:
            return "content"
        return _ZONE_POSITION[zone]
