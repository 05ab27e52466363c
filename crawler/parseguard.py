"""Markup that makes the HTML parser explode, defused before the parse.

Some shapes of page cost lexbor time (or memory) far beyond their size, and a 10 MB page
of any of them (within ``DOWNLOAD_MAXSIZE``) would hold a crawl's only thread for hours or
exhaust its memory:

* **Deep nesting.** Every block start tag scans the stack of open elements ("is a ``<p>``
  in button scope?"): 30,000 nested ``<div>``s take 1.4 s, 100,000 take 25 s. Browsers do
  not build such trees: Chromium's parser stops nesting at 512 levels. Here, on a page with
  many tags, the block containers and inline elements past ``MAX_DEPTH`` open ones are
  dropped with their end tags; their content (text, links) stays, one level up.
* **Reopened formatting.** Formatting elements left open (``<b>``, ``<font>`` ...) are
  reopened by the parser in every later block: 1,000 distinct ``<b id=N>`` followed by
  10,000 ``<p>x`` build ten million elements (6 s; 30 KB of markup already builds two and a
  half million). Only formatting start tags with attributes escape the parser's own limit
  of three alike, so a page with many of them has formatting start tags past
  ``MAX_FORMATTING`` open ones dropped with their end tags (their text stays; they only
  style it).
* **Long selects.** Every option inserted into a ``<select>`` costs time in proportion to
  the options before it: 40,000 take 11 s, 200,000 take almost 5 minutes. Options past
  ``MAX_OPTIONS`` in a page are dropped with their end tags (a select holds no links).
* **Giant tags.** Every attribute is checked against the element's earlier ones: one tag
  with 100,000 distinct attribute names takes 40 s. Tags longer than ``MAX_TAG``
  characters keep their first ``MAX_ATTRIBUTES`` attributes (a long attribute value, such
  as inline JSON, is kept whole).

``defuse`` applies them all. Whether a page needs looking at is decided from counts of its
tags (``tag_counts``, one compiled pass when crawler._fastscan is built, about 0.03 ms per
page) and from its runs without ``>``; the pages of the Readability corpus are all passed
through untouched.

``defuse(markup, quiet=True)`` also leaves out, from a page in bytes, the text of its scripts
and styles that nothing reads (all but JSON-LD: the extractor strips these elements before
reading any text), the start tags' attributes that nothing reads (``data-*``, event
handlers, titles ...) and the text of its comments, and gives its selects a ``multiple``
attribute (sparing lexbor a walk of their options at each option), so that the parser has
less to do: found in the same compiled pass as the counts
(crawler._fastscan.tag_counts_quieted, whose docstring says where it cuts and where it
stops). Without the compiled module, the page is parsed whole (same output): a
Python twin of that pass would cost more than the parse saves.
"""

from __future__ import annotations

import re

from crawler.compiled import stale_build

try:  # one compiled pass for the counts (built with the compiled extractor); same answers
    from crawler._fastscan import first_tag_start as _compiled_tag_start
    from crawler._fastscan import first_window_without_close as _compiled_window_without_close
    from crawler._fastscan import tag_counts as _compiled_counts
    from crawler._fastscan import tag_counts_quieted as _compiled_counts_quieted
except ImportError:  # pragma: no cover - the extension is optional
    _compiled_counts = _compiled_counts_quieted = _compiled_tag_start = _compiled_window_without_close = None
if stale_build():  # built from other sources (crawler.compiled): not to be called
    _compiled_counts = _compiled_counts_quieted = _compiled_tag_start = _compiled_window_without_close = None

__all__ = ["CHECK_ABOVE", "MAX_ATTRIBUTES", "MAX_DEPTH", "MAX_FORMATTING", "MAX_OPTIONS", "MAX_TAG", "defuse",
           "tag_counts", "thin_out_tags", "trim_giant_tags"]

#: Block containers open at once beyond which further ones are dropped (Chromium's
#: kMaximumHTMLParserDOMTreeDepth).
MAX_DEPTH = 512
#: Tags ("<") below which nesting is not looked at: at most this deep, the parse takes
#: well under a second.
CHECK_ABOVE = 20_000
#: Options (in all of a page's ``<select>``s) past which further ones are dropped.
MAX_OPTIONS = 5_000
#: Formatting elements open at once past which further ones are dropped, looked at when
#: (formatting start tags with attributes) x (tags) reaches EXPLOSION: the most elements
#: the reopening could build. Real pages stay far below (the corpus: 1.2 million at most).
MAX_FORMATTING = 12
EXPLOSION = 2_000_000
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
    # Not its rows and cells (their end tags are often left out), but nested tables: a link
    # left open around each of 5,000 nested tables took 2 s.
    "table",
)  # fmt: skip
#: The formatting elements of the HTML standard but ``<a>`` (the parser closes an open
#: link at the next one, and a link's tag is what we extract).
FORMATTING = ("b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u")
#: Inline elements that nest as deep as they are opened: under 60,000 of them, each block
#: start tag scans them all (20,000 ``<div>``s after them took 6 s).
INLINE = (
    *FORMATTING, "abbr", "bdi", "bdo", "cite", "data", "del", "dfn", "ins", "kbd", "label",
    "mark", "q", "samp", "span", "sub", "sup", "time", "var",
)  # fmt: skip

#: Table parts: their start and end tags close what was opened in the cell before (the
#: parser pops it, and forgets the formatting opened there); never dropped.
CELLS = ("td", "th", "tr", "caption", "thead", "tbody", "tfoot")
_NAMES = "|".join((*CONTAINERS, *INLINE, *CELLS, "option"))
#: A tag of _NAMES (groups 1: "/" of an end tag, 2: the name), or the start of a script,
#: style or comment (group 3), whose text up to its end (_RAW_END) is not markup.
# (A quoted attribute value may hold ">"; ASCII only: "ſpan" is no <span>.)
_TAG_TEXT = re.compile(
    rf"""<(?:(script|style)\b|(!--))|<(/?)({_NAMES})(?=[\s/>])(?:"[^"]*"|'[^']*'|[^>"'])*>?""",
    re.IGNORECASE | re.ASCII,
)
_TAG_BYTES = re.compile(_TAG_TEXT.pattern.encode(), re.IGNORECASE)
_RAW_END_TEXT = {"script": re.compile(r"</script\s*>", re.I | re.A), "style": re.compile(r"</style\s*>", re.I | re.A),
                 "!--": re.compile(r"--!?>")}  # fmt: skip
_RAW_END_BYTES = {name.encode(): re.compile(end.pattern.encode(), re.I) for name, end in _RAW_END_TEXT.items()}
# Case by character classes, not IGNORECASE: the regex engine then runs faster.
_FORMATTING_ATTRIBUTES = "<(?:{})[ \t\n\r\f/]".format(
    "|".join("".join(f"[{c}{c.upper()}]" for c in name) for name in FORMATTING))
_FORMATTING_TEXT = re.compile(_FORMATTING_ATTRIBUTES)
_FORMATTING_BYTES = re.compile(_FORMATTING_ATTRIBUTES.encode())


def tag_counts(markup: str | bytes) -> tuple[int, int, int]:
    """(``<`` characters, ``<o``/``<O`` pairs: at least the option tags, formatting start
    tags followed by white space or "/": those with attributes) of ``markup``."""
    if _compiled_counts is not None:
        # A decoded page: its UTF-8 bytes hold the same "<" and tag names.
        return _compiled_counts(markup if isinstance(markup, bytes) else markup.encode("utf-8", "surrogatepass"))
    if isinstance(markup, bytes):
        return (markup.count(b"<"), markup.count(b"<o") + markup.count(b"<O"),
                len(_FORMATTING_BYTES.findall(markup)))  # fmt: skip
    return (markup.count("<"), markup.count("<o") + markup.count("<O"),
            len(_FORMATTING_TEXT.findall(markup)))  # fmt: skip


def _needs_thinning(markup: str | bytes, counts: tuple[int, int, int] | None = None) -> bool:
    """Whether ``markup`` (whose ``tag_counts`` are ``counts`` when given) may hold deep
    nesting, long selects or reopened formatting."""
    # A few hundred tags cannot do harm (and take at least three characters each).
    if len(markup) < 3 * 500:
        return False
    tags, options, formatting = tag_counts(markup) if counts is None else counts
    return tags >= CHECK_ABOVE or options >= MAX_OPTIONS or formatting * tags >= EXPLOSION


def thin_out_tags(markup: str | bytes, max_depth: int = MAX_DEPTH,
                  counts: tuple[int, int, int] | None = None) -> str | bytes:
    """``markup`` without the container and inline tags (and their end tags) nested deeper
    than ``max_depth``, the formatting tags past MAX_FORMATTING active ones, or the option
    tags past MAX_OPTIONS, when the page's counts say any may be there; the same object
    when there are none.

    The open elements are followed as the parser keeps them, closely enough that real
    pages keep every tag: a container's end tag closes the nearest open one of its name
    and every element opened inside it (a ``<span>`` left open closes with its parent's
    ``</div>``), unless a table lies between; an inline end tag closes only through inline
    elements; an end tag of no open element changes nothing. Formatting elements stay
    active after their element is closed (the parser reopens them in later blocks) until
    their own end tag or the end of their table; alike ones (same tag and attributes) count
    three times at most, as the parser keeps them ("Noah's Ark"). ``counts``: the page's
    ``tag_counts``, when known."""
    if not _needs_thinning(markup, counts):
        return markup
    text = isinstance(markup, str)
    pattern = _TAG_TEXT if text else _TAG_BYTES
    raw_ends = _RAW_END_TEXT if text else _RAW_END_BYTES
    slash, option, table, space = ("/", "option", "table", " ") if text else (b"/", b"option", b"table", b" ")
    encode = (lambda n: n) if text else str.encode
    formats = frozenset(encode(n) for n in FORMATTING)
    containers = frozenset(encode(n) for n in CONTAINERS)
    cells = frozenset(encode(n) for n in CELLS)
    # The open elements: whether each one's tag was dropped; per name, where its open ones
    # are; where the open containers are.
    names: list[str | bytes] = []
    gone = bytearray()
    where: dict[str | bytes, list[int]] = {}
    blocks: list[int] = []
    kept = 0
    # The active formatting elements, as (name, tag text); per open table, how many before it.
    active: list[tuple[str | bytes, str | bytes]] = []
    tables: list[int] = []
    option_count = dropped_options = 0

    def close_from(index: int) -> None:
        """Close the open elements from ``index`` up."""
        nonlocal kept
        kept -= (len(gone) - index) - sum(gone[index:])
        for position in range(len(gone) - 1, index - 1, -1):
            closed = names[position]
            where[closed].pop()  # each is the last open one of its name
            if closed in containers:
                blocks.pop()
            if closed == table and not gone[position] and tables:
                del active[tables.pop() :]  # a table's formatting ends with it
        del names[index:], gone[index:]

    pieces: list[str | bytes] = []
    start = at = 0
    search = pattern.search
    while (match := search(markup, at)) is not None:
        at = match.end()
        raw = match.group(1) or match.group(2)
        if raw is not None:  # a script, style or comment: skip to its end (none: the rest)
            end = raw_ends[raw.lower()].search(markup, at)
            if end is None:
                break
            at = end.end()
            continue
        name = match.group(4).lower()
        if name in cells:
            spots = where.get(table)
            if spots:  # inside a table: what the cell before opened closes
                close_from(spots[-1] + 1)
                if tables:
                    del active[tables[-1] :]
            continue
        if name == option:
            if match.group(3) == slash:
                if not dropped_options:
                    continue
                dropped_options -= 1
            else:
                option_count += 1
                if option_count <= MAX_OPTIONS:
                    continue
                dropped_options += 1
        elif match.group(3) == slash:
            spots = where.get(name)
            index = spots[-1] if spots else -1
            if index >= 0:
                above = blocks[-1] if blocks else -1
                tables_above = where.get(table)
                if name in containers:
                    closes = name == table or not tables_above or tables_above[-1] <= index
                else:  # inline: not across a block
                    closes = above <= index
                if not closes:
                    index = -1
            if name in formats and (index < 0 or not gone[index]):
                # its end tag ends the active formatting element too
                for slot in range(len(active) - 1, -1, -1):
                    if active[slot][0] == name:
                        del active[slot]
                        break
            if index < 0:
                continue  # no such element open here: the parser ignores the tag
            was_dropped = gone[index]
            close_from(index)
            if not was_dropped:
                continue
        else:
            keep = kept < max_depth
            if keep and name in formats:
                tag = space.join(match.group(0).lower().split())
                alike = [entry for entry in active if entry[1] == tag]
                if len(alike) >= 3:
                    active.remove(alike[0])  # Noah's Ark: the earliest alike one leaves
                    active.append((name, tag))
                elif len(active) < MAX_FORMATTING:
                    active.append((name, tag))
                else:
                    keep = False
            where.setdefault(name, []).append(len(gone))
            if name in containers:
                blocks.append(len(gone))
            names.append(name)
            gone.append(not keep)
            if keep:
                kept += 1
                if name == table:
                    tables.append(len(active))
                continue
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


def _window_without_close(markup: str | bytes, start: int) -> int:
    """Where the first window of ``markup`` without ``>`` at or after ``start`` starts (WINDOW
    characters from a multiple of WINDOW, the window whole), or -1: found by memchr in a
    page in bytes when the compiled scan is built (a ``find`` call per window takes 20 µs
    on a page of 1 MB)."""
    if _compiled_window_without_close is not None and isinstance(markup, bytes):
        return _compiled_window_without_close(markup, WINDOW, start)
    close = ">" if isinstance(markup, str) else b">"
    for at in range(-(-start // WINDOW) * WINDOW, len(markup) - WINDOW + 1, WINDOW):
        if markup.find(close, at, at + WINDOW) < 0:  # type: ignore[arg-type]
            return at
    return -1


def trim_giant_tags(markup: str | bytes) -> str | bytes:
    """``markup`` with every tag longer than MAX_TAG cut to its first MAX_ATTRIBUTES
    attributes; the same object when there is none.

    A tag of 2 * WINDOW characters leaves an aligned window without ``>``: only the runs
    without ``>`` around such windows are read (long inline scripts are such runs too; a
    cut never removes an end tag, so a script is never cut)."""
    size = len(markup)
    start = _window_without_close(markup, 0) if size >= 2 * WINDOW else -1
    if start < 0:
        return markup
    text = isinstance(markup, str)
    close, end_tag, comment_end, comment_bang_end = (">", "</", "--", "--!") if text else (b">", b"</", b"--", b"--!")
    tags, kept = (_TAG_START_TEXT, _KEPT_TEXT) if text else (_TAG_START_BYTES, _KEPT_BYTES)
    find, rfind = markup.find, markup.rfind
    pieces: list[str | bytes] = []
    copied = 0
    while start >= 0:
        run_start = rfind(close, 0, start) + 1  # type: ignore[arg-type]
        run_end = find(close, start)  # type: ignore[arg-type]
        run_end = size if run_end < 0 else run_end
        if _compiled_tag_start is not None and not text:
            # The regex reads a run of inline script at a few bytes a nanosecond: memchr.
            tag_start = _compiled_tag_start(markup, run_start, run_end)
        else:
            tag = tags.search(markup, run_start, run_end)  # type: ignore[arg-type]
            tag_start = -1 if tag is None else tag.start()
        if tag_start >= 0 and run_end - tag_start > MAX_TAG:
            head = kept.match(markup, tag_start, run_end)  # type: ignore[arg-type]
            cut = head.end() if head else tag_start + 1
            # An end tag, or the "--" ("--!") of a comment's end, is never cut.
            if not (cut >= run_end or find(end_tag, cut, run_end) >= 0  # type: ignore[arg-type]
                    or markup[run_end - 3 : run_end].endswith(comment_end)
                    or markup[run_end - 3 : run_end] == comment_bang_end):  # fmt: skip
                pieces.append(markup[copied:cut])
                copied = run_end
        start = _window_without_close(markup, run_end)
    if not pieces:
        return markup
    pieces.append(markup[copied:])
    return ("" if text else b"").join(pieces)  # type: ignore[arg-type]


def defuse(markup: str | bytes, *, quiet: bool = False) -> str | bytes:
    """``markup`` without the shapes that make the parse quadratic (see the module); with
    ``quiet``, a page in bytes also without the script, style and comment text and the
    attributes nothing reads (its selects given ``multiple``), when the compiled scan is
    built and the page needs no thinning out (rare)."""
    markup = trim_giant_tags(markup)
    if quiet and _compiled_counts_quieted is not None and isinstance(markup, bytes):
        counts, quieted = _compiled_counts_quieted(markup)
        return thin_out_tags(markup, counts=counts) if _needs_thinning(markup, counts) else quieted
    return thin_out_tags(markup)
