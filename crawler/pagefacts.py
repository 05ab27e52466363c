"""The facts of a page that classification needs, read from its head and markup: title,
language, robots directives, generator, schema.org types, og:type, html/body classes."""

from __future__ import annotations

import json
import re
from typing import Any

from crawler.encoding import header_values

__all__ = ["HeadFacts", "meta_refresh_target", "page_classes"]

Node = Any
Tree = Any

_TOKEN_SPLIT = re.compile(r"[\s,]+")
#: X-Robots-Tag directives that carry a value after a colon (not a user-agent prefix).
_VALUED_DIRECTIVES = frozenset({"unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"})
_ROBOTS_NAMES = frozenset({"robots"})


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _root_lang(tree: Tree) -> str:
    root = tree.root
    if root is not None and root.is_element_node:
        attrs = root.attributes  # a new dict at each read
        return attrs.get("lang") or attrs.get("xml:lang") or ""
    return ""


def _primary_subtag(value: str) -> str:
    return re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0] if value.strip() else ""


def _directives(content: str) -> set[str]:
    tokens = {t for t in _TOKEN_SPLIT.split(content.lower()) if t}
    if "none" in tokens:
        tokens |= {"noindex", "nofollow"}
    return tokens


def _header_robots(headers: Any) -> frozenset[str]:
    header: set[str] = set()
    for value in header_values(headers, "X-Robots-Tag"):
        for part in value.split(","):
            part = part.strip()
            name, colon, rest = part.partition(":")
            if colon and name.strip().lower() not in _VALUED_DIRECTIVES:
                continue  # "agent: directives" for another crawler
            header |= _directives(part)
    return frozenset(header)


def _short_type(value: Any) -> list[str]:
    if isinstance(value, str):
        names = []
        for part in value.split():
            part = part.rstrip("/")
            short = re.split(r"[/#:]", part)[-1]
            if short:
                names.append(short)
        return names
    if isinstance(value, list):
        return [name for item in value for name in _short_type(item)]
    return []


def _jsonld_types(data: Any, found: set[str], depth: int = 0) -> None:
    """Types of top-level JSON-LD entities, of @graph members and of a mainEntity."""
    if depth > 20:
        return
    if isinstance(data, list):
        for item in data:
            _jsonld_types(item, found, depth + 1)
    elif isinstance(data, dict):
        found.update(_short_type(data.get("@type")))
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in data:
                _jsonld_types(data[key], found, depth + 1)


def _load_json(text: str) -> Any:
    text = text.strip()
    if text.startswith("<!--"):
        text = text[4:]
    if text.endswith("-->"):
        text = text[:-3]
    text = text.replace("<![CDATA[", "").replace("]]>", "").strip()
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return None


def page_classes(tree: Tree) -> frozenset[str]:
    tokens: set[str] = set()
    for node in (tree.root, tree.body):
        if node is None or not node.is_element_node:
            continue
        attrs = node.attributes
        tokens.update((attrs.get("class") or "").lower().split())
        ident = (attrs.get("id") or "").strip().lower()
        if ident:
            tokens.add(ident)
    return frozenset(tokens)


_REFRESH = re.compile(
    r"""^\s*[\d.]+\s*[;,]?\s*(?:url\s*=\s*)?(?P<quote>["']?)(?P<url>.*?)(?P=quote)\s*$""",
    re.I | re.S,
)


def meta_refresh_target(content: str) -> str | None:
    """The URL of a ``<meta http-equiv=refresh content="5; url=...">``, or None (no
    delay first, or no URL)."""
    match = _REFRESH.match(content)
    if match is None:
        return None
    return match.group("url") or None


#: One pass over the document finds every element the page facts come from.
FACTS_SELECTOR = "base[href], meta, title, script[type], [itemtype]"


class HeadFacts:
    """The elements the page facts come from, found by one selector pass: the first
    ``<base href>``, robots directives (``<meta name=robots>`` and X-Robots-Tag; header
    directives for a named user agent address another crawler and are left out), the
    title (the one in ``<head>`` first), the primary language subtag (``<html lang>``,
    else Content-Language), generator, og:type and schema.org types (JSON-LD and
    top-level microdata items)."""

    __slots__ = ("tree", "base", "metas", "titles", "json_ld", "items")

    def __init__(self, tree: Tree) -> None:
        """(crawler._fastdom.FastHeadFacts is this class compiled, over the elements that
        crawler.treeview.head_walk finds by one walk: change both.)"""
        self.tree = tree
        self.base: str | None = None
        self.metas: list[dict[str, str | None]] = []
        self.titles: list[Node] = []
        #: The ``<script type=application/ld+json>`` elements (their type read here: a
        #: node's ``attributes`` is a new dict at each read).
        self.json_ld: list[Node] = []
        self.items: list[dict[str, str | None]] = []
        for node in tree.css(FACTS_SELECTOR):
            tag = node.tag
            attrs = node.attributes
            if tag == "meta":
                self.metas.append(attrs)
            elif tag == "base":
                if self.base is None and "href" in attrs:
                    self.base = attrs.get("href") or ""
            elif tag == "title":
                self.titles.append(node)
            elif tag == "script" and "type" in attrs:
                if (attrs.get("type") or "").strip().lower().startswith("application/ld+json"):
                    self.json_ld.append(node)
            if "itemtype" in attrs:
                self.items.append(attrs)

    def meta_content(self, attribute: str, name: str) -> str:
        for attrs in self.metas:
            if attribute in attrs and (attrs.get(attribute) or "").strip().lower() == name:
                return (attrs.get("content") or "").strip()
        return ""

    def robots(self, headers: Any) -> tuple[frozenset[str], frozenset[str]]:
        meta: set[str] = set()
        for attrs in self.metas:
            if "name" in attrs and (attrs.get("name") or "").strip().lower() in _ROBOTS_NAMES:
                meta |= _directives(attrs.get("content") or "")
        return frozenset(meta), _header_robots(headers)

    def title(self) -> str:
        for node in self.titles:
            parent = node.parent
            if parent is not None and parent.tag == "head":
                return _collapse(node.text())
        return _collapse(self.titles[0].text()) if self.titles else ""

    def lang(self, headers: Any) -> str:
        value = _root_lang(self.tree)
        if not value.strip():
            languages = header_values(headers, "Content-Language")
            value = languages[0].split(",")[0] if languages else ""
        if not value.strip():
            for attrs in self.metas:
                if "http-equiv" in attrs and (attrs.get("http-equiv") or "").strip().lower() == "content-language":
                    value = (attrs.get("content") or "").split(",")[0]
                    break
        return _primary_subtag(value)

    def generator(self) -> str:
        return self.meta_content("name", "generator")

    def og_type(self) -> str:
        return (self.meta_content("property", "og:type") or self.meta_content("name", "og:type")).lower()

    def schema_types(self) -> frozenset[str]:
        found: set[str] = set()
        for script in self.json_ld:
            _jsonld_types(_load_json(script.text()), found)
        for attrs in self.items:
            prop = (attrs.get("itemprop") or "").strip()
            if prop and prop not in ("mainEntity", "mainEntityOfPage"):
                continue
            found.update(_short_type(attrs.get("itemtype") or ""))
        return frozenset(found)

    def page_classes(self) -> frozenset[str]:
        return page_classes(self.tree)
