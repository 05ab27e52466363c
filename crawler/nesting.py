"""Markup nested deeper than a browser builds it, flattened before the parse.

An HTML parser checks the stack of open elements at every block start tag ("is a ``<p>`` in
button scope?"), so a page of nested ``<div>`` or ``<ul><li>`` costs time quadratic in its
depth: lexbor takes 1.4 s for 30,000 nested divs, 25 s for 100,000, and a 10 MB page of
them (within ``DOWNLOAD_MAXSIZE``) would hold a crawl's only thread for hours. Browsers do
not build such trees either: Chromium's parser stops nesting at 512 levels and adds deeper
elements as siblings. Here, on a page with many tags, the block containers and inline
elements past ``MAX_DEPTH`` open ones are dropped with their end tags before the parse;
their content (text, links) stays, one level up. Pages with fewer than ``CHECK_ABOVE`` tags cannot nest
deep enough to matter and are passed through untouched (every page of the Readability corpus
is one of them).
"""

from __future__ import annotations

import re

__all__ = ["CHECK_ABOVE", "MAX_DEPTH", "flatten_deep_nesting"]

#: Block containers open at once beyond which further ones are dropped (Chromium's
#: kMaximumHTMLParserDOMTreeDepth).
MAX_DEPTH = 512
#: Tags ("<") below which a page is parsed as it is: at most this deep, the parse takes
#: well under a second.
CHECK_ABOVE = 20_000

#: Elements the parser nests (no end tag is implied by a sibling) and whose start tags scan
#: the stack of open elements: the ones that make deep nesting quadratic.
CONTAINERS = (
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div",
    "dl", "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "listing", "main",
    "menu", "nav", "ol", "pre", "search", "section", "summary", "ul",
)  # fmt: skip
#: Inline elements that nest as deep as they are opened: under 60,000 of them, each block
#: start tag scans them all (20,000 ``<div>``s after them took 6 s). Never ``<a>``: the
#: parser closes an open link at the next one, and a link's tag is what we extract.
INLINE = (
    "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i",
    "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span", "strike",
    "strong", "sub", "sup", "time", "tt", "u", "var",
)  # fmt: skip

_NAMES = "|".join((*CONTAINERS, *INLINE))
_TAG_TEXT = re.compile(rf"<(/?)({_NAMES})(?=[\s/>])[^>]*>?", re.IGNORECASE)
_TAG_BYTES = re.compile(_TAG_TEXT.pattern.encode(), re.IGNORECASE)


def flatten_deep_nesting(markup: str | bytes, max_depth: int = MAX_DEPTH) -> str | bytes:
    """``markup`` without the container tags (and their end tags) nested deeper than
    ``max_depth``; the same object when nothing is that deep."""
    text = isinstance(markup, str)
    if markup.count("<" if text else b"<") < CHECK_ABOVE:
        return markup
    pattern = _TAG_TEXT if text else _TAG_BYTES
    slash = "/" if text else b"/"
    depth = 0
    dropped: dict[str | bytes, int] = {}
    pieces: list[str | bytes] = []
    start = 0
    for match in pattern.finditer(markup):
        name = match.group(2).lower()
        if match.group(1) == slash:
            if dropped.get(name):
                dropped[name] -= 1
            else:
                depth = max(0, depth - 1)
                continue
        elif depth < max_depth:
            depth += 1
            continue
        else:
            dropped[name] = dropped.get(name, 0) + 1
        pieces.append(markup[start : match.start()])
        start = match.end()
    if not pieces:
        return markup
    pieces.append(markup[start:])
    return ("" if text else b"").join(pieces)  # type: ignore[arg-type]
