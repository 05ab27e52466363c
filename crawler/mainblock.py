"""Find the main content of a real page, the way Mozilla Readability does, without changing
the tree.

:func:`find_main` scores text blocks (paragraph length and commas, spread to their parent and
ancestors, weighted by tag and by class/id names, discounted by link density), picks the
best block, climbs to a better-scoring ancestor, and adds the siblings that score close to
it. :class:`crawler.cleanup.Cleaner` then answers, for an element inside that content, whether Readability's
clean-up would drop it (share widgets, link-dense lists, footers and asides of the article,
forms, hidden or unlikely blocks), so that links in such widgets are not called content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from crawler.compiled import imported_later
from crawler.nodetext import (
    NOTHING,
    Piece,
    anchor_text,
    collapsed_text,
    join_pieces,
    node_piece,
    paragraph_facts,
    piece,
)
from crawler.treeview import FAST_NODE

__all__ = [
    "MainContent",
    "TextCache",
    "class_weight",
    "element_children",
    "find_main",
    "text_len",
    "unlikely_candidate",
]

Node = Any  # selectolax.lexbor.LexborNode


class NamePattern:
    """A case-insensitive (``re.I``) regular expression over class and id names, searched
    quicker in the usual ASCII names: there the lower-cased name is searched with the pattern
    compiled without ``re.I``, which finds the very same matches (the pattern is lower-case
    ASCII, and ``re.I`` folds ASCII text just as ``str.lower`` does). Other names keep
    ``re.I``, which also folds non-ASCII letters into ASCII ones (the Kelvin sign into k,
    the long s into s)."""

    __slots__ = ("pattern", "needs", "_folded", "_caseless")

    def __init__(self, pattern: str, needs: str = "") -> None:
        """``needs``: a string every match holds, for a pattern the regular expression engine
        cannot look for quickly (one that starts with an anchor): ASCII names without it
        are not searched."""
        spelled = pattern + needs
        if not spelled.isascii() or spelled != spelled.lower():
            raise ValueError(f"a NamePattern must be lower-case ASCII: {pattern!r}, {needs!r}")
        self.pattern = pattern
        self.needs = needs
        self._folded = re.compile(pattern).search
        self._caseless = re.compile(pattern, re.I).search

    def search(self, text: str) -> re.Match[str] | None:
        """The first match in ``text`` (in its lower-cased copy when ``text`` is ASCII: the
        match's ``group()`` is then lower-cased; callers ask only whether there is one)."""
        if text.isascii():
            folded = text.lower()
            return self._folded(folded) if self.needs in folded else None
        return self._caseless(text)


UNLIKELY = NamePattern(
    r"-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer"
    r"|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper"
    r"|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote"
)
MAYBE_CANDIDATE = NamePattern(r"and|article|body|column|content|main|mathjax|shadow")
POSITIVE = NamePattern(r"article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story")
NEGATIVE = NamePattern(
    r"-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|footer|gdpr"
    r"|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper"
    r"|sponsor|shopping|tags|widget"
)
SHARE = NamePattern(r"(\b|_)(share|sharedaddy)(\b|_)", needs="share")
VIDEOS = re.compile(
    r"//(www\.)?((dailymotion|youtube|youtube-nocookie|player\.vimeo|v\.qq)\.com"
    r"|(archive|upload\.wikimedia)\.org|player\.twitch\.tv)",
    re.I,
)
UNLIKELY_ROLES = frozenset({"menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog"})
TAG_SCORE = {
    "div": 5,
    "pre": 3,
    "td": 3,
    "blockquote": 3,
    "address": -3,
    "ol": -3,
    "ul": -3,
    "dl": -3,
    "dd": -3,
    "dt": -3,
    "li": -3,
    "form": -3,
    "h1": -5,
    "h2": -5,
    "h3": -5,
    "h4": -5,
    "h5": -5,
    "h6": -5,
    "th": -5,
}
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "math"})
TO_SCORE = "p, pre, td, section, h2, h3, h4, h5, h6, div"
DIV_BLOCKS = "blockquote, dl, div, img, ol, p, pre, table, ul"
MIN_PARAGRAPH = 25
#: At most this many candidates get their link density measured (best raw scores first).
MAX_CANDIDATES = 40
#: A main block with more of its text in links than this is not an article.
MAX_MAIN_LINK_DENSITY = 0.5
#: Elements nested deeper than this are not scored (real pages nest far less).
MAX_DEPTH = 200
#: Below this much text the page has no main content we trust.
MIN_MAIN_TEXT = 250
#: A main content with this much text is taken at once (no second pass is tried).
ARTICLE_TEXT = 500
#: The page's own main region: ``<main>`` or an element with ``role="main"``.
MAIN_REGION = 'main, [role="main"]'


def text_len(text: str) -> int:
    """Length of ``text`` with whitespace collapsed and stripped."""
    return piece(text)[0]


@lru_cache(maxsize=8192)
def _name_weight(value: str) -> int:
    return (-25 if NEGATIVE.search(value) else 0) + (25 if POSITIVE.search(value) else 0)


def class_weight(attrs: dict[str, str | None]) -> int:
    """Readability's class weight: -25 / +25 for negative / positive class and id names.
    (crawler/_fastnames.pxi has compiled copies of this and unlikely_candidate, and
    crawler/_fastmain.pyx one of _visible: change both.)"""
    classes = attrs.get("class")
    ident = attrs.get("id")
    return (_name_weight(classes) if classes else 0) + (_name_weight(ident) if ident else 0)


@lru_cache(maxsize=8192)
def _unlikely_name(match: str) -> bool:
    return bool(UNLIKELY.search(match)) and not MAYBE_CANDIDATE.search(match)


def _visible(attrs: dict[str, str | None]) -> bool:
    if not attrs or ("style" not in attrs and "hidden" not in attrs and "aria-hidden" not in attrs):
        return True
    style = (attrs.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style or "hidden" in attrs:
        return False
    if attrs.get("aria-hidden") == "true" and "fallback-image" not in (attrs.get("class") or ""):
        return False
    return True


def unlikely_candidate(tag: str, attrs: dict[str, str | None]) -> bool:
    """Readability's unlikely candidate: a role or class/id names that mark boilerplate
    (menus, comments, sidebars ...), unless the names also say it may be content."""
    if tag in ("body", "a", "html", "main", "article"):
        return False
    role = attrs.get("role")
    if role and role in UNLIKELY_ROLES:
        return True
    classes = attrs.get("class")
    ident = attrs.get("id")
    if not classes and not ident:
        return False
    return _unlikely_name(f"{classes or ''} {ident or ''}")


@dataclass(slots=True)
class _Ctx:
    strip_unlikely: bool
    texts: TextCache
    #: mem_id -> (alive, in table/code, depth); not alive when the element or an ancestor
    #: is dropped before scoring.
    alive: dict[int, tuple[bool, bool, int]] = field(default_factory=dict)
    scores: dict[int, float] = field(default_factory=dict)
    nodes: dict[int, Node] = field(default_factory=dict)
    #: mem_id -> score scaled by (1 - link density), once measured.
    scaled_scores: dict[int, float] = field(default_factory=dict)
    #: The blocks taken as the best block's alike siblings (a listing's other items).
    listed: frozenset[int] = frozenset()


def _alive(node: Node, ctx: _Ctx) -> bool:
    """False when ``node`` or an ancestor is hidden, a script-like element, (first pass) an
    unlikely candidate, or nested deeper than MAX_DEPTH: Readability removes the first
    three before scoring; the depth bound keeps pathological nesting linear."""
    chain = []
    current = node
    state = (True, False, 0)  # (alive, inside a table or code, depth)
    while current is not None:
        known = ctx.alive.get(current.mem_id)
        if known is not None:
            state = known
            break
        chain.append(current)
        current = current.parent
    alive, in_table, depth = state
    for element in reversed(chain):
        depth += 1
        if alive and element.is_element_node:
            tag = element.tag
            attrs = element.attributes
            if depth > MAX_DEPTH or tag in SKIPPED_TAGS or not _visible(attrs):
                alive = False
            elif ctx.strip_unlikely and tag not in ("table", "code") and not in_table:
                if unlikely_candidate(tag, attrs):
                    alive = False
            in_table = in_table or tag in ("table", "code")
        ctx.alive[element.mem_id] = (alive, in_table, depth)
    return alive


def _length(node: Node, ctx: _Ctx) -> int:
    return ctx.texts.length(node)


#: A container is summed from its children (when one of them is known) only if it has at
#: most this many children; wider ones are read whole, which is cheaper.
MAX_COMPOSED_CHILDREN = 40
#: Summing from children nests at most this deep (then the element is read whole), so
#: pathological nesting cannot exhaust the stack.
MAX_COMPOSE_DEPTH = 32


def _compiled(name: str) -> Any:
    """A function of crawler._fastmain, where TextCache._piece, _compose, link_length and
    _has_known_child are compiled for the compiled view's nodes (imported on first use:
    that module imports this one)."""
    found = _COMPILED.get(name)
    if found is None:
        import crawler._fastmain

        found = _COMPILED[name] = getattr(crawler._fastmain, name)
    return found


_COMPILED: dict[str, Any] = {}


class TextCache:
    """Collapsed text lengths, weighted link text and link density of the elements of one
    page (both scoring passes and the clean-up share it). Nested containers are the costly
    part: a container whose child is already known is summed from its children, so the
    text of the page is read about once rather than once per level of nesting.
    (crawler._fastmain has compiled copies of _piece, _compose, link_length and
    _has_known_child for the compiled view: change both.)"""

    __slots__ = ("pieces", "links", "densities", "to_score", "paragraphs", "chains")

    def __init__(self) -> None:
        self.pieces: dict[int, Piece] = {}
        self.links: dict[int, float] = {}
        self.densities: dict[int, float] = {}
        #: The scoring pass's elements, their paragraph readings (in the same order;
        #: _UNREAD where not read yet), and the ancestors a paragraph's score spreads to (by
        #: the paragraph's parent), kept for a second pass.
        self.to_score: list[Node] | None = None
        self.paragraphs: list[tuple[Node, float] | None | object] = []
        self.chains: dict[int, list[tuple[int, Node, int]]] = {}

    def length(self, node: Node) -> int:
        """Length of the text of ``node`` with white space collapsed and stripped."""
        return self._piece(node)[0]

    def commas(self, node: Node) -> int:
        """Commas in the text of ``node``."""
        return self._piece(node)[4]

    def note(self, node: Node, facts: Piece) -> int:
        """Record ``facts``, the text facts of ``node`` the caller has read; its collapsed length."""
        found = self.pieces.get(node.mem_id)
        if found is None:
            found = self.pieces[node.mem_id] = facts
        return found[0]

    def _piece(self, node: Node, depth: int = 0) -> Piece:
        key = node.mem_id
        found = self.pieces.get(key)
        if found is None:
            if node.__class__ is FAST_NODE:
                return _compiled("text_piece")(self.pieces, node, depth)
            found = self._compose(node, depth) if depth < MAX_COMPOSE_DEPTH else None
            if found is None:
                found = node_piece(node)
            self.pieces[key] = found
        return found

    def _compose(self, node: Node, depth: int) -> Piece | None:
        """The text facts of ``node`` summed from its children, or None when none of its
        element children is known yet or it has too many children."""
        children = []
        known = False
        pieces = self.pieces
        child = node.child
        while child is not None:
            children.append(child)
            if len(children) > MAX_COMPOSED_CHILDREN:
                return None
            if not known and child.mem_id in pieces:
                known = True
            child = child.next
        if not known:
            return None
        total = NOTHING
        for child in children:
            if child.is_element_node:
                part = self._piece(child, depth + 1)
            elif child.is_text_node:
                part = node_piece(child)
            else:
                continue
            total = join_pieces(total, part)
        return total

    def anchor(self, node: Node, in_page: bool) -> str:
        """Read and record the text of the ``<a>`` ``node`` (``in_page``: its href is a
        ``#fragment``, whose text weighs 0.3 as link text); the text collapsed.
        (crawler._fastlinks' collect keeps these two entries on the compiled view's nodes
        instead, where crawler._fastmain's copies read them: change both.)"""
        collapsed, facts = anchor_text(node)
        key = node.mem_id
        if key not in self.pieces:
            self.pieces[key] = facts
        self.links[key] = facts[0] * 0.3 if in_page else float(facts[0])
        return collapsed

    def link_length(self, node: Node, depth: int = 0) -> float:
        """Collapsed text length of the links under ``node`` (in-page links weigh 0.3)."""
        key = node.mem_id
        links = self.links
        found = links.get(key)
        if found is not None:
            return found
        if node.__class__ is FAST_NODE:
            return _compiled("link_length")(self.pieces, links, node, depth)
        if node.tag == "a":
            coefficient = 0.3 if (node.attributes.get("href") or "").startswith("#") else 1.0
            found = self._piece(node)[0] * coefficient
        elif depth < MAX_COMPOSE_DEPTH and key in self.pieces and self._has_known_child(node):
            found = 0.0
            child = node.child
            while child is not None:
                if child.is_element_node:
                    found += self.link_length(child, depth + 1)
                child = child.next
        else:
            found = 0.0
            for anchor in node.css("a"):
                known = links.get(anchor.mem_id)
                found += known if known is not None else self.link_length(anchor)
        links[key] = found
        return found

    def _has_known_child(self, node: Node) -> bool:
        links = self.links
        child = node.child
        count = 0
        while child is not None:
            count += 1
            if count > MAX_COMPOSED_CHILDREN:
                return False
            if child.mem_id in links:
                return True
            child = child.next
        return False

    def density(self, node: Node) -> float:
        """Share of the text of ``node`` that sits in links (in-page links weigh 0.3).
        (crawler._fastmain has a compiled copy, for its _top_candidate and crawler._fastplace's
        clean-up: change both.)"""
        key = node.mem_id
        density = self.densities.get(key)
        if density is None:
            text = self.length(node)
            density = self.densities[key] = self.link_length(node) / text if text else 0.0
        return density


def _scaled(node: Node, ctx: _Ctx) -> float:
    key = node.mem_id
    scaled = ctx.scaled_scores.get(key)
    if scaled is None:
        scaled = ctx.scores[key] * (1 - ctx.texts.density(node))
        ctx.scaled_scores[key] = scaled
    return scaled


def _initial(node: Node) -> float:
    return TAG_SCORE.get(node.tag, 0) + class_weight(node.attributes)


def _paragraph(element: Node, texts: TextCache) -> tuple[Node, float] | None:
    """(the element credited, score) when ``element`` reads as a paragraph, else None."""
    whole = True
    if element.tag == "div":
        # Readability scores a div's loose text as a paragraph of the div when the div
        # holds blocks, and the whole div as a paragraph when it holds none. A div with
        # no loose text of its own is a container, scored through its children.
        found = paragraph_facts(element, False, MIN_PARAGRAPH)
        if found is None or found[0][0] < MIN_PARAGRAPH:
            return None
        if _has_block_child(element):
            parent = element
            whole = False
        else:
            parent = element.parent
            found = paragraph_facts(element, True, 0)
    else:
        found = paragraph_facts(element, True, MIN_PARAGRAPH)
        if found is None:
            return None
        parent = element.parent
    if parent is None:
        return None
    facts, commas = found  # type: ignore[misc]
    length = texts.note(element, facts) if whole else facts[0]
    if length < MIN_PARAGRAPH:
        return None
    return parent, 1 + commas + min(length // 100, 3)


def _chain(parent: Node, texts: TextCache) -> list[tuple[int, Node, int]]:
    """(key, element, divider) of ``parent`` and up to four ancestors above it: the
    elements a paragraph's score is spread to, and by how much it is divided."""
    chains = texts.chains
    chain = chains.get(parent.mem_id)
    if chain is None:
        chain = chains[parent.mem_id] = []
        ancestor = parent
        level = 0
        while ancestor is not None and level < 5:
            if not ancestor.is_element_node or ancestor.tag in ("html", "#document"):
                break
            chain.append((ancestor.mem_id, ancestor, 1 if level == 0 else 2 if level == 1 else level * 3))
            ancestor = ancestor.parent
            level += 1
    return chain


_UNREAD = object()


def _score_paragraphs(body: Node, ctx: _Ctx) -> None:
    """Spread each paragraph's score to its ancestors. (crawler._fastmain has a compiled copy
    of this pass, with _alive, _paragraph and _chain, for the compiled view: change both.)"""
    texts = ctx.texts
    if texts.to_score is None:
        texts.to_score = body.css(TO_SCORE)
        texts.paragraphs = [_UNREAD] * len(texts.to_score)
    paragraphs = texts.paragraphs
    scores = ctx.scores
    nodes = ctx.nodes
    for index, element in enumerate(texts.to_score):
        found = paragraphs[index]
        if found is _UNREAD:
            if element.tag in ("td", "section") and not _alive(element, ctx):
                continue  # containers: check before reading their whole text
            found = paragraphs[index] = _paragraph(element, texts)
        if found is None or not _alive(element, ctx):
            continue
        parent, score = found
        # For loose text of a div, the div itself is the paragraph's parent.
        for ancestor_key, ancestor, divider in _chain(parent, texts):
            if ancestor_key not in scores:
                scores[ancestor_key] = _initial(ancestor)
                nodes[ancestor_key] = ancestor
            scores[ancestor_key] += score / divider


@dataclass(frozen=True, slots=True)
class MainContent:
    """The detected main content: the chosen block and the siblings added to it."""

    #: The blocks that make the main content, all children of one parent, in order.
    blocks: tuple[Node, ...]
    #: The best-scoring block.
    top: Node
    #: Collapsed text length of the blocks together.
    text_length: int
    #: Readability scores of scored elements, by mem_id (used by the cleaner).
    scores: dict[int, float]
    #: Whether unlikely blocks were set aside before scoring (Readability's first pass).
    strip_unlikely: bool = True
    #: Text lengths and link densities read so far (shared with the clean-up).
    texts: TextCache = field(default_factory=lambda: TextCache())
    #: mem_ids of the blocks taken as alike siblings of the best block (a listing's or a
    #: thread's other items): their link lists are the listing's, not widgets.
    listed: frozenset[int] = frozenset()


def prose_length(main: MainContent | None) -> int:
    """Characters of ``main``'s text outside its links (0 without a main content): an
    article's prose, as opposed to a listing's titles and "Read more" links."""
    if main is None:
        return 0
    texts = main.texts
    return round(sum(texts.length(block) * (1.0 - min(1.0, texts.density(block))) for block in main.blocks))


def _top_candidate(body: Node, ctx: _Ctx) -> Node | None:
    """The block of the best paragraph scores, Readability's top candidate. (crawler._fastmain
    has a compiled copy of this, with _scaled, _initial and TextCache.density, for the
    compiled view: change both.)"""
    if not ctx.scores:
        return None
    ranked = sorted(ctx.scores.items(), key=lambda item: item[1], reverse=True)
    best: list[tuple[float, int]] = []
    for key, raw in ranked[:MAX_CANDIDATES]:
        if len(best) >= 5 and raw <= best[-1][0]:
            break
        node = ctx.nodes[key]
        _length(node, ctx)
        best.append((_scaled(node, ctx), key))
        # By score alone: a stable sort keeps equal scores in the order they were ranked; the
        # key, a node's address, would make the choice differ from one parse to the next.
        best.sort(key=lambda item: item[0], reverse=True)
        del best[5:]
    top_score, top_key = best[0]
    top = ctx.nodes[top_key]
    if top.tag == "body":
        return None
    # Several close candidates under one ancestor: the ancestor is the article.
    alternatives = [ctx.nodes[key] for score, key in best[1:] if top_score and score / top_score >= 0.75]
    if len(alternatives) >= 3:
        alt_paths = []
        for alt in alternatives:
            path = set()
            current = alt.parent
            while current is not None:
                path.add(current.mem_id)
                current = current.parent
            alt_paths.append(path)
        parent = top.parent
        while parent is not None and parent.tag != "body":
            if sum(parent.mem_id in path for path in alt_paths) >= 3:
                top = parent
                break
            parent = parent.parent
    if top.mem_id not in ctx.scores:
        ctx.scores[top.mem_id] = _initial(top)
        ctx.nodes[top.mem_id] = top
    # Climb while the parent keeps a good share of the score.
    last = _scaled(top, ctx)
    threshold = last / 3
    parent = top.parent
    while parent is not None and parent.tag not in ("body", "html"):
        if parent.mem_id not in ctx.scores:
            parent = parent.parent
            continue
        parent_score = _scaled(parent, ctx)
        if parent_score < threshold:
            break
        if parent_score > last:
            top = parent
            break
        last = parent_score
        parent = parent.parent
    # An only child is no different from its parent.
    parent = top.parent
    while parent is not None and parent.tag not in ("body", "html"):
        children = [c for c in element_children(parent) if c.tag not in SKIPPED_TAGS]
        if len(children) != 1:
            break
        top = parent
        parent = top.parent
    return top


def _has_block_child(node: Node) -> bool:
    """Whether a block element sits anywhere under ``node`` (lexbor's ``css`` also
    matches the node itself, so look from each child down). (crawler._fastdom.any_below
    answers it by one walk for the compiled view.)"""
    child = node.child
    while child is not None:
        if child.is_element_node and child.css_first(DIV_BLOCKS) is not None:
            return True
        child = child.next
    return False


def element_children(node: Node) -> list[Node]:
    """The element children of ``node`` (no text or comment nodes), in order."""
    if node.__class__ is FAST_NODE:
        return node.element_children()  # the same walk, compiled
    children = []
    child = node.child
    while child is not None:
        if child.is_element_node:
            children.append(child)
        child = child.next
    return children


def _siblings(top: Node, ctx: _Ctx) -> list[Node]:
    """The blocks of the main content: ``top`` and those of its siblings that score close
    to it, or read as its paragraphs, or are alike items of one listing (``ctx.listed``).
    (crawler._fastmain.siblings is a compiled copy for the compiled view: change both.)"""
    parent = top.parent
    if parent is None or parent.tag in ("html", "#document"):
        return [top]
    top_score = _scaled(top, ctx) if top.mem_id in ctx.scores else 0.0
    threshold = max(10.0, top_score * 0.2)
    top_class = top.attributes.get("class") or ""
    children = element_children(parent)
    # A listing or a thread: the best block is one of several alike (same tag and class),
    # and the others are content as much as it is.
    alike = [c for c in children if c.tag == top.tag and (c.attributes.get("class") or "") == top_class]
    repeated = len(alike) >= 3 and (top_class or top.tag in ("article", "section", "li"))
    alike_ids = {c.mem_id for c in alike} if repeated else set()
    ctx.listed = frozenset(alike_ids - {top.mem_id})
    blocks = []
    for sibling in children:
        if sibling.mem_id == top.mem_id or sibling.mem_id in alike_ids:
            blocks.append(sibling)
            continue
        if sibling.tag in SKIPPED_TAGS or not _alive(sibling, ctx):
            continue
        bonus = top_score * 0.2 if top_class and sibling.attributes.get("class") == top_class else 0
        if sibling.mem_id in ctx.scores and _scaled(sibling, ctx) + bonus >= threshold:
            blocks.append(sibling)
        elif sibling.tag == "p":
            length = _length(sibling, ctx)
            density = ctx.texts.density(sibling)
            if (length > 80 and density < 0.25) or (
                0 < length < 80 and density == 0 and re.search(r"\.( |$)", collapsed_text(sibling, spaced=False))
            ):
                blocks.append(sibling)
    return blocks


# crawler._fastmain imports this module.
_compiled_passes = imported_later("crawler._fastmain", "score_paragraphs", "top_candidate", "siblings")


def find_main(body: Node | None, texts: TextCache | None = None) -> MainContent | None:
    """The main content under ``body``, or None when the page has no block of text that
    Readability would call an article (listings, link pages, thin pages). ``texts`` may
    hold what the caller already read (the anchors' texts)."""
    if body is None:
        return None
    best: MainContent | None = None
    if texts is None:
        texts = TextCache()
    score_paragraphs, top_candidate, siblings = _score_paragraphs, _top_candidate, _siblings
    if body.__class__ is FAST_NODE:
        # The compiled view's nodes: the same pass and choices, compiled.
        score_paragraphs, top_candidate, siblings = _compiled_passes()
    for strip_unlikely in (True, False):
        ctx = _Ctx(strip_unlikely=strip_unlikely, texts=texts)
        score_paragraphs(body, ctx)
        top = top_candidate(body, ctx)
        if top is None:
            continue
        blocks = siblings(top, ctx)
        length = sum(_length(block, ctx) for block in blocks)
        found = MainContent(tuple(blocks), top, length, ctx.scores, strip_unlikely, texts, ctx.listed)
        if not _trusted(found, ctx):
            continue
        if length >= ARTICLE_TEXT:
            return found
        if best is None or length > best.text_length:
            best = found
    if best is None or best.text_length < MIN_MAIN_TEXT:
        return None
    return best


def _encloses_main_region(block: Node) -> bool:
    """Whether ``block`` holds a ``<main>`` (or role=main) element below it."""
    key = block.mem_id
    return any(found.mem_id != key for found in block.css(MAIN_REGION))


def _trusted(main: MainContent, ctx: _Ctx) -> bool:
    """An article has more text than links; a "main block" made mostly of links is a
    listing, a link page or the whole page, and Readability's clean-up would gut it.
    Nor is a thin one that encloses the page's own main region (``<main>``): that is a
    wrapper of the whole page (masthead, menus and footer around a short home or landing
    page), and its clean-up would call the page's own content boilerplate."""
    if main.text_length < ARTICLE_TEXT and any(_encloses_main_region(b) for b in main.blocks):
        return False
    links = sum(ctx.texts.density(block) * _length(block, ctx) for block in main.blocks)
    return links <= MAX_MAIN_LINK_DENSITY * max(1, main.text_length)
