"""Markup that makes the HTML parser quadratic, defused before the parse.

Two shapes of page cost lexbor time quadratic in their size, and a 10 MB page of either
(within ``DOWNLOAD_MAXSIZE``) would hold a crawl's only thread for hours:

* **Deep nesting.** Every block start tag scans the stack of open elements ("is a ``<p>``
  in button scope?"): 30,000 nested ``<div>``s take 1.4 s, 100,000 take 25 s. Browsers do
  not build such trees: Chromium's parser stops nesting at 512 levels. Here, on a page with
  many tags, the block containers and inline elements past ``MAX_DEPTH`` open ones are
  dropped with their end tags; their content (text, links) stays, one level up.
* **Long selects.** Every option inserted into a ``<select>`` costs time in proportion to
  the options before it: 40,000 take 11 s, 200,000 take almost 5 minutes. Options past
  ``MAX_OPTIONS`` in a page are dropped with their end tags (a select holds no links).
* **Giant tags.** Every attribute is checked against the element's earlier ones: one tag
  with 100,000 distinct attribute names takes 40 s. Tags longer than ``MAX_TAG``
  characters keep their first ``MAX_ATTRIBUTES`` attributes (a long attribute value, such
  as inline JSON, is kept whole).

``defuse`` applies all three; pages with fewer than ``CHECK_ABOVE`` tags and no tag longer
than ``MAX_TAG`` are returned as they are, after two cheap scans (every page of the
Readability corpus is one of them).
"""

from __future__ import annotations

import re

try:  # the compiled byte count (built with the compiled extractor); same answers
    from crawler._fastscan import count_byte, count_pair
except ImportError:  # pragma: no cover - the extension is optional
    count_byte = count_pair = None

__all__ = ["CHECK_ABOVE", "MAX_ATTRIBUTES", "MAX_DEPTH", "MAX_OPTIONS", "MAX_TAG", "defuse", "thin_out_tags",
           "trim_giant_tags"]

#: Block containers open at once beyond which further ones are dropped (Chromium's
#: kMaximumHTMLParserDOMTreeDepth).
MAX_DEPTH = 512
#: Options (in all of a page's ``<select>``s) past which further ones are dropped.
MAX_OPTIONS = 5_000
#: Tags ("<") below which nesting is not looked at (at most this deep, the parse takes
#: well under a second), nor options unless the page has MAX_OPTIONS "<option" tags.
CHECK_ABOVE = 20_000
#: A tag longer than this (characters) keeps only its first MAX_ATTRIBUTES attributes.
MAX_TAG = 16_384
MAX_ATTRIBUTES = 1_000
#: Giant tags are looked for only when some aligned window of this many characters holds
#: no ``>`` (a tag of 2 * WINDOW characters always leaves one).
WINDOW = MAX_TAG

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

_NAMES = "|".join((*CONTAINERS, *INLINE, "option"))
_TAG_TEXT = re.compile(rf"<(/?)({_NAMES})(?=[\s/>])[^>]*>?", re.IGNORECASE)
_TAG_BYTES = re.compile(_TAG_TEXT.pattern.encode(), re.IGNORECASE)


def _options(markup: str | bytes) -> int:
    """At least as many as the option tags of ``markup``: its ``<o`` and ``<O``."""
    if isinstance(markup, str):
        return markup.count("<o") + markup.count("<O")
    if count_pair is not None:
        return count_pair(markup, 60, 111)
    return markup.count(b"<o") + markup.count(b"<O")


def thin_out_tags(markup: str | bytes, max_depth: int = MAX_DEPTH) -> str | bytes:
    """``markup`` without the container and inline tags (and their end tags) nested deeper
    than ``max_depth``, nor the option tags past MAX_OPTIONS; the same object when there
    are none."""
    text = isinstance(markup, str)
    # MAX_OPTIONS tags take at least three characters each ("<b>"): a smaller page is
    # not counted.
    if len(markup) < 3 * MAX_OPTIONS:
        return markup
    if text:
        tags = markup.count("<")
    else:
        tags = count_byte(markup, 60) if count_byte is not None else markup.count(b"<")
    if tags < CHECK_ABOVE and (tags < MAX_OPTIONS or _options(markup) < MAX_OPTIONS):
        return markup
    pattern = _TAG_TEXT if text else _TAG_BYTES
    slash = "/" if text else b"/"
    option = "option" if text else b"option"
    depth = options = 0
    dropped: dict[str | bytes, int] = {}
    pieces: list[str | bytes] = []
    start = 0
    for match in pattern.finditer(markup):
        name = match.group(2).lower()
        if match.group(1) == slash:
            if dropped.get(name):
                dropped[name] -= 1
            elif name == option:
                continue
            else:
                depth = max(0, depth - 1)
                continue
        elif name == option:
            options += 1
            if options <= MAX_OPTIONS:
                continue
            dropped[name] = dropped.get(name, 0) + 1
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


_TAG_START_TEXT = re.compile(r"<[A-Za-z][^>]*")
_TAG_START_BYTES = re.compile(_TAG_START_TEXT.pattern.encode())
_ATTRIBUTE = r"""\s+[^\s/>="'<][^\s/>=]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?"""
_KEPT_TEXT = re.compile(rf"<[A-Za-z][^\s/>]*(?:{_ATTRIBUTE}){{0,{MAX_ATTRIBUTES}}}[\s/]*")
_KEPT_BYTES = re.compile(_KEPT_TEXT.pattern.encode())


def trim_giant_tags(markup: str | bytes) -> str | bytes:
    """``markup`` with every tag longer than MAX_TAG cut to its first MAX_ATTRIBUTES
    attributes; the same object when there is none.

    A tag of 2 * WINDOW characters leaves an aligned window without ``>``: only the runs
    without ``>`` around such windows are read (long inline scripts are such runs too; a
    cut never removes an end tag, so a script is never cut)."""
    size = len(markup)
    if size < 2 * WINDOW:
        return markup
    text = isinstance(markup, str)
    close, end_tag = (">", "</") if text else (b">", b"</")
    tags, kept = (_TAG_START_TEXT, _KEPT_TEXT) if text else (_TAG_START_BYTES, _KEPT_BYTES)
    find, rfind = markup.find, markup.rfind
    pieces: list[str | bytes] = []
    copied = scanned = 0
    for start in range(0, size - WINDOW + 1, WINDOW):
        if start < scanned or find(close, start, start + WINDOW) >= 0:  # type: ignore[arg-type]
            continue
        run_start = rfind(close, 0, start) + 1  # type: ignore[arg-type]
        run_end = find(close, start)  # type: ignore[arg-type]
        scanned = run_end = size if run_end < 0 else run_end
        tag = tags.search(markup, run_start, run_end)  # type: ignore[arg-type]
        if tag is None or run_end - tag.start() <= MAX_TAG:
            continue
        head = kept.match(markup, tag.start(), run_end)  # type: ignore[arg-type]
        cut = head.end() if head else tag.start() + 1
        if cut >= run_end or find(end_tag, cut, run_end) >= 0:  # type: ignore[arg-type]
            continue
        pieces.append(markup[copied:cut])
        copied = run_end
    if not pieces:
        return markup
    pieces.append(markup[copied:])
    return ("" if text else b"").join(pieces)  # type: ignore[arg-type]


def defuse(markup: str | bytes) -> str | bytes:
    """``markup`` without the shapes that make the parse quadratic (see the module)."""
    return thin_out_tags(trim_giant_tags(markup))
