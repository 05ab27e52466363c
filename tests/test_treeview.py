"""The compiled extractor (crawler._fastdom and friends) against the pure-Python one.

Both paths must give byte-identical pages: every link field, the page text and the facts,
on the real corpus, on a sandbox web and on hostile markup. The compiled view's nodes must
also answer like selectolax's own nodes. Skipped where the extension is not built (the
pure path is then the only one); run the extraction tests with BACKLINKS_PURE_PYTHON=1 to
exercise the fallback where it is built (``make test`` does).
"""

from __future__ import annotations

import itertools
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from bench.compare_extract import corpus_pages, differences, page_record, records, sandbox_pages
from crawler import cleanup, mainblock, nodetext, placement, positions, treeview
from crawler.cleanup import _TALLIED
from crawler.links import LINK_SELECTOR, MARKER_BOX_SELECTOR, STRIPPED_TAGS, _decode, parse_page
from crawler.mainblock import DIV_BLOCKS, TO_SCORE
from crawler.pagefacts import FACTS_SELECTOR, HeadFacts
from tests.corpus import CORPUS
from tests.test_links_robustness import _piece as markup_piece

URL = "http://blog.example.test/posts/hello.html"

needs_compiled = pytest.mark.skipif(not treeview.compiled_available(), reason="crawler._fastdom is not built")

#: Markup where the two readings could part: bytes that are not UTF-8 split across text
#: nodes, foreign content, custom and upper-case names, odd attributes, deep nesting.
HOSTILE = [
    b"<p>ok \xff bad <i>\xe2\x82</i></p><div>\xed\xa0\x80 x</div><a href=/a>\xc3</a><a href=/b>\xa9</a>",
    "<div> a,b\u00a0 \u3000x\uff0cy <b>z</b>\u2028 \x85q\u200b</div><a href='/x'>\u00a0x\u2029y </a>".encode(),
    b"<svg><a href='/svg'><text>icon</text></a><foreignObject><p>in svg</p></foreignObject></svg>",
    b"<My-Widget Data-X=1 class=' Nav\tx_y\fauthor-BIO '><a HREF='/w' Rel='NoFollow UGC'>w</a></My-Widget>",
    b"<div a='' b c=\"x\x00y\" xlink:href='/z' xml:lang=en><a href='#top'>top</a><a href=''>empty</a></div>",
    b"<table><tr><td>" * 50 + b"<a href='/deep'>deep cell</a>" + b"</td></tr></table>" * 50,
    b"<article><p>" + b"Words, words and more words. " * 40 + b"<a href='http://x.example/'>x</a></p></article>"
    b"<aside><ul><li><a href=/1>1</a></li><li><a href=/2>2</a></li><li><a href=/3>3</a></li></ul></aside>",
    b"<svg><a xlink:href='/x'>svg link</a><a href='/y'>y</a></svg><form ACTION='/f'></form><form></form>"
    b"<meta HTTP-EQUIV=refresh content='0;url=/r'><frame src=/fr><area href=/ar><link href=/l rel=canonical>"
    b"<form xlink:action=/n></form><div data-X=1></div>",
    # Names that are not UTF-8: two of them decode to one key (the later value kept).
    b"<div \xff=1 \xfe=2 id=x \xff\xfe=3 data-\xc3=4><a href=/u \xe2\x82=5 data-\xc3=6>u</a></div>",
    b"<a href=/i1><img alt=' A  b '><span><img ALT=c><img></span></a><a href=/i2><img xlink:alt=n alt=''>"
    b"<svg><img alt=s><image alt=t></image></svg></a><a href=/i3><picture><img data-x=1 alt=p alt=q></picture></a>"
    b"<a href=/i4><IMG Alt=\xc3\xa9 style=x hidden></a><a href=/i5><b></b></a><area href=/ar ALT=' area  alt '>",
    b"<!doctype html><div class='Author-Bio disclosure'><p class=author-bio>bio <a href=/me>me</a></p></div>",
    # Class tokens longer than eight bytes, split by each blank, by none (a control byte) or
    # next to bytes that are not ASCII (read eight bytes at a time).
    b"<div class='author-bio-box\x01author-bio author-bio\r\n\n\x0cx_y\tdisclosure\xc3\xa9 \xc3\xa9author-box'>"
    b"<p class='sponsored-label                 bio-box'>p</p><i class='x_y\x1fnav'>i</i></div>",
    # Anchors read in place: no href, a fragment, one after a blank, a foreign one, no value.
    b"<a name=top>top</a><a href=#>in page</a><a href=' #x'>spaced</a><svg><a xlink:href='#s'>s</a></svg>"
    b"<p><a href>none</a> <a HREF='#up'>up</a></p>",
    b"",
    b"\x00\x01\x02",
]


@pytest.fixture
def both_paths() -> Iterator[None]:
    previous = treeview.set_compiled(True)
    yield
    treeview.set_compiled(previous)


def _both(pages: list[tuple[str, bytes, str, object]]) -> tuple[dict, dict]:
    treeview.set_compiled(True)
    assert treeview.using_compiled()
    compiled = records(pages)
    treeview.set_compiled(False)
    pure = records(pages)
    return compiled, pure


@needs_compiled
@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_corpus_pages_identical(both_paths: None) -> None:
    compiled, pure = _both(list(corpus_pages(CORPUS)))
    assert len(compiled) == len(list(CORPUS.glob("*/source.html")))
    assert differences(compiled, pure) == []


@needs_compiled
def test_sandbox_pages_identical(both_paths: None) -> None:
    compiled, pure = _both(list(sandbox_pages(20, 5)))
    assert len(compiled) > 100
    assert differences(compiled, pure) == []


@needs_compiled
@pytest.mark.parametrize("body", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_markup_identical(both_paths: None, body: bytes) -> None:
    treeview.set_compiled(True)
    compiled = page_record(parse_page(body, URL))
    treeview.set_compiled(False)
    assert compiled == page_record(parse_page(body, URL))


@needs_compiled
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(markup_piece, max_size=60), encoding=st.sampled_from(["utf-8", "latin-1"]))
def test_generated_markup_identical(pieces: list[str], encoding: str) -> None:
    body = "".join(pieces).encode(encoding, "replace")
    previous = treeview.set_compiled(True)
    try:
        compiled = page_record(parse_page(body, URL))
        treeview.set_compiled(False)
        assert compiled == page_record(parse_page(body, URL))
    finally:
        treeview.set_compiled(previous)


def _trees(bodies: list[bytes], decode: bool = True) -> Iterator[tuple[list, list]]:
    """(selectolax nodes, compiled nodes) of every element of each page, in order; the
    bytes are decoded as the extractor decodes them, or (``decode=False``) given to lexbor."""
    for body in bodies:
        markup = _decode(body, None)[0] if decode else body
        tree = LexborHTMLParser(markup)
        tree.strip_tags(["script", "style", "template"])
        dom = treeview._fastdom.FastDoc(tree)  # type: ignore[union-attr]
        try:
            yield tree.css("*"), dom.css("*")
        finally:
            dom.release()


def _sample_bodies() -> list[bytes]:
    """Every sixth corpus page and the hostile markup."""
    pages = sorted(CORPUS.glob("*/source.html"))[::6] if CORPUS.is_dir() else []
    return [p.read_bytes() for p in pages] + HOSTILE


@needs_compiled
def test_nodes_answer_like_selectolax() -> None:
    for plain, fast in [*_trees(_sample_bodies()), *_trees(HOSTILE, decode=False)]:
        assert len(plain) == len(fast)
        for a, b in zip(plain, fast, strict=True):
            assert (a.mem_id, a.tag, a.attributes) == (b.mem_id, b.tag, b.attributes)
            assert a.text() == b.text()
            assert a.text(deep=False) == b.text(deep=False)
            assert a.text(separator=" ") == b.text(separator=" ")
            assert (a.parent and a.parent.mem_id) == (b.parent and b.parent.mem_id)
            x, y = a.child, b.child
            while x is not None:
                assert (x.mem_id, x.tag, x.is_element_node, x.is_text_node, x.text_content) == (
                    y.mem_id, y.tag, y.is_element_node, y.is_text_node, y.text_content)
                x, y = x.next, y.next
            assert y is None
            assert [n.mem_id for n in a.css("a, p")] == [n.mem_id for n in b.css("a, p")]


@needs_compiled
def test_fixed_names_are_read_alike_in_every_document() -> None:
    """Tags and attributes of lexbor's fixed ids are named from tables shared by every view:
    named as selectolax names them, whichever document read them first, upper-case and
    foreign (SVG, MathML) spellings included."""
    documents = [
        b"<svg viewBox='0 0 1 1'><foreignObject><p CLASS=x>p</p></foreignObject><a xlink:href=/s>s</a></svg>",
        b"<DIV Class=a ID=b Style='x' hidden Role=main><P ALIGN=left>t</P><A HREF=/a REL=nofollow>a</A></DIV>"
        b"<math><mi mathvariant=bold>x</mi></math><table BORDER=1><tr><td COLSPAN=2>c</td></tr></table>",
    ]
    for _round in range(2):
        for plain, fast in _trees(documents, decode=False):
            for a, b in zip(plain, fast, strict=True):
                assert (a.tag, a.attributes) == (b.tag, b.attributes)


#: The selectors the extractor asks of nodes; the plain tag lists are answered by a tree walk.
SELECTORS = [TO_SCORE, _TALLIED, DIV_BLOCKS, "a", "img", "table", "tr", "td, th", "h1, h2, h3",
             "caption, thead, tfoot, th, colgroup", "a[href]", ".author-bio", MARKER_BOX_SELECTOR, ".Nav, .x_y",
             ".x_y, .nav, .x_y", LINK_SELECTOR, "div[data-x], my-widget[class]"]


@needs_compiled
def test_selectors_match_like_lexbor() -> None:
    for plain, fast in [*_trees(_sample_bodies()), *_trees(HOSTILE, decode=False)]:
        for a, b in list(zip(plain, fast, strict=True))[::7]:
            for query in SELECTORS:
                assert [n.mem_id for n in a.css(query)] == [n.mem_id for n in b.css(query)], query
                first = a.css_first(query)
                assert (first and first.mem_id) == (b.css_first(query) and b.css_first(query).mem_id), query


#: Class values whose tokens the compiled class lists take apart: names of equal lengths,
#: tokens ending inside and at the end of an eight-byte word, control bytes that are not
#: blanks, names of 63 bytes and longer (which share a length slot), upper case (quirks).
CLASS_MARKUP = [
    b"<div class='author-box author-bio\tbio-box\ndisclosure'>a</div><p class='xauthor-bio author-bi'>b</p>"
    b"<i class='author-bio\x01 \x01bio-box bio-box bio-boxes disclosur'>c</i><b class=' \f\r '>d</b>"
    b"<u class='abcdefg author-info abcdefgh sponsored-label1 sponsored-label'>e</u><s class=''>f</s>",
    b"<span class='" + b"n" * 63 + b" " + b"n" * 64 + b" " + b"n" * 70 + b" q" + b"n" * 7 + b"'>g</span>",
]
CLASS_QUERIES = [MARKER_BOX_SELECTOR, ".bio-box, .author-bio, .bio-box", "." + "n" * 64 + ", ." + "n" * 70,
                 "." + "n" * 63 + ", .qnnnnnnn", ".ABOUT-AUTHOR, .Author-Box"]


@needs_compiled
def test_class_lists_match_tokens_like_lexbor() -> None:
    """The compiled class lists (css and the prefetch walk) find what lexbor's css finds,
    in documents of both modes (lexbor folds the case of class names in quirks mode)."""
    for doctype in (b"<!DOCTYPE html>", b""):
        for body in CLASS_MARKUP:
            markup = doctype + body + body.upper()
            tree = LexborHTMLParser(markup)
            dom = treeview._fastdom.FastDoc(tree)  # type: ignore[union-attr]
            try:
                dom.prefetch([(query, None) for query in CLASS_QUERIES])
                for query in CLASS_QUERIES:
                    expected = [node.mem_id for node in tree.css(query)]
                    assert [node.mem_id for node in dom.css(query)] == expected, query  # prefetched
                    assert [node.mem_id for node in dom.css(query)] == expected, query  # walked
            finally:
                dom.release()


HEAD_MARKUP = [
    b"<svg><style><script>a</script><template>t</template></style><script><style>s</style></script></svg>"
    b"<template><script>x</script></template><style>p{}</style><x:script>y</x:script>",
    b"<html itemtype=x><head><meta itemtype=a name=x><base href=/b itemtype=q><title>t</title>"
    b"<script type=j itemtype=z></script><script>x</script></head><body><svg><title>s</title>"
    b"<script type=k></script></svg><div itemtype=d><base><meta></div><BASE HREF=y><div ITEMTYPE=u>"
    b"<template><meta itemtype=t></template><math><title>m</title></math></div></body></html>",
    # Attribute names of the document's own, met again and again (head_walk remembers which
    # of them is itemtype): itemprop has itemtype's length.
    b"<div itemprop=a data-x=1 itemtype=b><p itemprop=c><span data-x=2 ITEMTYPE=d itemprop=e></span>"
    b"<i itemtype=f itemprop=g data-y=h></i><b data-itemtype=i itemprop=j></b><u itemtype></u></p></div>",
]


def _meta_matters(node: Any) -> bool:
    """Whether head_walk lists the ``<meta>`` ``node``: it carries an itemtype, or a name,
    property or http-equiv value not ASCII or naming a fact the compiled HeadFacts reads."""
    attrs = node.attributes
    values = [attrs.get(name) for name in ("name", "property", "http-equiv")]
    return "itemtype" in attrs or any(
        value and (not value.isascii() or value.strip().lower() in ("robots", "generator", "og:type",
                                                                    "content-language"))
        for value in values)


@needs_compiled
@pytest.mark.parametrize("decode", [True, False])
def test_head_walk_finds_what_lexbor_finds(both_paths: None, decode: bool) -> None:
    assert FACTS_SELECTOR == treeview._fastdom.FACTS_QUERY  # type: ignore[union-attr]
    assert STRIPPED_TAGS == treeview._fastdom.STRIP_TAGS  # type: ignore[union-attr]
    for body in _sample_bodies() + HEAD_MARKUP + HEAD_FACTS_MARKUP:
        markup = _decode(body, None)[0] if decode else body
        tree, stripped = LexborHTMLParser(markup), LexborHTMLParser(markup)
        dom = treeview.view(tree)
        walked = treeview.head_walk(tree, FACTS_SELECTOR, STRIPPED_TAGS, dom, [])
        wanted = [node for node in tree.css(FACTS_SELECTOR) if node.tag != "meta" or _meta_matters(node)]
        assert [node.mem_id for node in walked[0]] == [node.mem_id for node in wanted]
        treeview.strip(tree, STRIPPED_TAGS, walked)
        dom.release()
        stripped.strip_tags(list(STRIPPED_TAGS))
        assert tree.html == stripped.html
        assert (tree.body and tree.body.html) == (stripped.body and stripped.body.html)


@needs_compiled
def test_head_walk_answers_the_prefetch_and_text_facts_of_the_stripped_tree(both_paths: None) -> None:
    """The walk before the strip passes over the stripped elements' subtrees: its answers
    to the prefetched selectors and its text facts table are those of the stripped tree."""
    def answers(dom: Any, queries: list) -> list:
        places = {node.mem_id: place for place, node in enumerate(dom.css("*"))}
        found = [[places[n.mem_id] for n in (dom.css(q) if s is None else s.css(q))] for q, s in queries]
        return found + [node.text_piece() for node in dom.css("*")[::5] if node.child is not None]

    for body in _sample_bodies() + HEAD_MARKUP + HEAD_FACTS_MARKUP:
        markup = _decode(body, None)[0]
        tree, stripped = LexborHTMLParser(markup), LexborHTMLParser(markup)
        dom = treeview.view(tree)
        queries = [(LINK_SELECTOR, None), (MARKER_BOX_SELECTOR, None), (TO_SCORE, dom.body), ("p, li", dom.body)]
        walked = treeview.head_walk(tree, FACTS_SELECTOR, STRIPPED_TAGS, dom, queries)
        treeview.strip(tree, STRIPPED_TAGS, walked)
        stripped.strip_tags(list(STRIPPED_TAGS))
        reference = treeview.view(stripped)
        try:
            asked = [(query, None if scope is None else reference.body) for query, scope in queries]
            assert answers(dom, queries) == answers(reference, asked)
        finally:
            dom.release()
            reference.release()


@needs_compiled
def test_pages_whose_head_walk_does_not_run_get_the_selectors_answered_after_the_strip(
        both_paths: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the compiled head walk does not run (here: the facts' selector written another
    way), the passes' selectors are still answered by one walk, of the stripped tree, and
    the records are the same."""
    from crawler import links

    bodies = _sample_bodies()
    expected = [page_record(parse_page(body, "http://example.com/p")) for body in bodies]
    asked = []
    page_queries = links._page_queries
    monkeypatch.setattr(links, "FACTS_SELECTOR", FACTS_SELECTOR.replace(", ", " , "))
    monkeypatch.setattr(links, "_page_queries", lambda dom: asked.append(dom) or page_queries(dom))
    assert [page_record(parse_page(body, "http://example.com/p")) for body in bodies] == expected
    # Each page's queries made twice: for the walk that did not run, and for dom.prefetch.
    assert len(asked) == 2 * len(bodies)


HEAD_FACTS_MARKUP = [
    b"<html lang=de><head><title> A  b </title><base href=/x><base href=/y><meta name=Robots content='NoIndex'>"
    b"<meta property=og:type content=Article itemtype=http://schema.org/Thing><meta name=generator content=G>"
    b"<script type=' Application/LD+JSON '>{\"@type\": \"NewsArticle\"}</script><script type=text/x>1</script>"
    b"</head><body><svg><title>s</title></svg><div itemscope itemtype=http://schema.org/Person></div></body></html>",
    # Names and values the compiled reading takes apart: case, spaces, non-ASCII (the Kelvin
    # sign lower-cases to "k"), repeated and non-UTF-8 names, languages from the metas.
    "<html xml:lang=' EN_gb ' class=' A\tb ' id=' Top '><head><meta NAME=' GENERATOR ' content=' W P '>"
    "<meta name=generator content=second><meta name=\u212aeywords content=k><meta name='robots\u00a0' content='none'>"
    "<meta property=' OG:Type ' content=''><meta name=og:type content=Website><base HREF><base href=/later>"
    "<meta http-equiv=' Content-Language ' content='fr-CA, en'><meta name=robots content='noarchive,,x'>"
    "<script type=application/ld+jsonx>[{\"@type\": [\"a/B/\", \"x:C #D\"], \"@graph\": [{\"@type\": \"E\"}]}]"
    "</script><script type='\u212a application/ld+json'>{}</script></head><body class=Post id=b>"
    "<div itemprop=mainEntity itemtype='s:Q s#R/'></div><div itemprop=other itemtype=S></div></body></html>".encode(),
    b"<html><head><meta name=a name=generator content=c content=d \xff=1 n\xffame=x><meta \xc3=generator>"
    b"<title>t <b>u</b></title><script type=\"application/ld+json\"><!-- {\"mainEntity\": {\"@type\": 1}} --></script>"
    b"</head><body><math><title>m</title></math></body></html>",
    b"<html lang=' '><meta http-equiv=Content-Language><meta http-equiv=content-language content='PT_br,x'>",
    # Metas passed over unread unless a name, property or http-equiv value may be a fact's:
    # str.strip's ASCII whitespace, near misses, repeated names, values not ASCII.
    b"<html><meta name=viewport content=v><meta name='\x1f\x0bROBOTS\x1c ' content=nofollow><meta name=robot "
    b"content=noindex><meta name=og:typex content=a><meta property=og:title content=t><meta name=x name=generator "
    b"content=g><meta property='og:type\xc2\xa0' content=p><meta http-equiv='\xe2\x80\x83content-language' "
    b"content=es><meta http-equiv=refresh content=0><meta content=c property=' og:TYPE\t'><meta name>",
]

HEADERS = [None, {"Content-Language": "nl-BE", "X-Robots-Tag": "googlebot: noindex, nofollow"},
           {"Content-Language": " ", "X-Robots-Tag": ["unavailable_after: 2030", "NONE"]}]


@needs_compiled
def test_head_facts_read_compiled_match_the_loop(both_paths: None) -> None:
    def facts(head: Any, headers: Any) -> tuple:
        return (head.base, head.title(), head.lang(headers), head.robots(headers), head.generator(),
                head.og_type(), head.schema_types(), head.page_classes())

    for body in _sample_bodies() + HEAD_MARKUP + HEAD_FACTS_MARKUP:
        tree = LexborHTMLParser(_decode(body, None)[0])
        dom = treeview.view(tree)
        walked = treeview.head_walk(tree, FACTS_SELECTOR, STRIPPED_TAGS, dom, [])
        assert walked is not None
        compiled = treeview.head_facts(tree, walked)
        assert compiled.__class__ is not HeadFacts
        for headers in HEADERS:
            assert facts(compiled, headers) == facts(HeadFacts(tree), headers)
        treeview.strip(tree, STRIPPED_TAGS, walked)
        dom.release()


@needs_compiled
@pytest.mark.parametrize("table_first", [False, True], ids=["in the facts table's walk", "own walk"])
def test_prefetched_selectors_answer_like_their_own_walks(table_first: bool) -> None:
    def asked_of(dom) -> list:
        elements = dom.css("*")  # lexbor's engine: builds no facts table
        scopes = [dom.body, *elements[1::97]]
        asked = [(query, scope) for scope in scopes if scope is not None for query in SELECTORS[:4]]
        return asked + [(query, None) for query in ("h1, h2, h3", MARKER_BOX_SELECTOR, LINK_SELECTOR, "div > p")]

    for body in [*_sample_bodies(), *HEAD_MARKUP]:
        tree = LexborHTMLParser(_decode(body, None)[0])
        tree.strip_tags(["script", "style", "template"])
        reference = treeview._fastdom.FastDoc(tree)  # type: ignore[union-attr]
        try:
            expected = [[n.mem_id for n in (reference.css(q) if s is None else s.css(q))]
                        for q, s in asked_of(reference)]
        finally:
            reference.release()
        dom = treeview._fastdom.FastDoc(tree)  # type: ignore[union-attr]
        try:
            asked = asked_of(dom)
            if table_first and dom.body is not None:
                dom.body.text_piece()  # builds the text facts table: prefetch then walks alone
            dom.prefetch(asked)
            for (query, scope), wanted in zip(asked, expected, strict=True):
                for _ in range(2):  # prefetched, then walked again
                    found = dom.css(query) if scope is None else scope.css(query)
                    assert [n.mem_id for n in found] == wanted, query
        finally:
            dom.release()


@needs_compiled
def test_anchors_below_from_the_facts_table_match_like_lexbor() -> None:
    """css("a") on an element with children is read from the text facts table's list of
    anchors (their places in document order), not walked."""
    for plain, fast in [*_trees(_sample_bodies()), *_trees(HOSTILE + HEAD_MARKUP, decode=False)]:
        for a, b in list(zip(plain, fast, strict=True))[::3]:
            assert [n.mem_id for n in a.css("a")] == [n.mem_id for n in b.css("a")]


@needs_compiled
def test_collapsed_words_of_every_length_equal_the_python_expressions() -> None:
    """Collapsed words of 0 to 40 code points (ASCII ones narrowed 16 at a time into the
    str, the rest one by one), ASCII or not, one text node or several."""
    words = ["ab", "c,d", "efghijklmnopqrstu", "\u00e9t\u00e9", "x\u4e2dy", "\U0001f600"]
    bodies = []
    for size in range(41):
        for word in words:
            text = " ".join(word for _ in range(size))[:size]
            bodies.append(f"<div> {text}\n\t</div><a href=/a>{text}<b>{text[:7]}</b>{text[7:]}</a>".encode())
    for _plain, fast in _trees(bodies, decode=False):
        for node in fast:
            text = node.text()
            assert nodetext.collapsed_text(node) == " ".join(node.text(separator=" ").split())
            assert nodetext.anchor_text(node)[0] == " ".join(text.split())
            for room in (1, 15, 16, 17):
                assert node.collapsed_prefix(room) == nodetext.collapsed_text(node)[:room]


@needs_compiled
def test_text_facts_equal_the_python_expressions() -> None:
    checked = 0
    for _plain, fast in [*_trees(_sample_bodies()), *_trees(HOSTILE, decode=False)]:
        for node in fast:
            text, own = node.text(), node.text(deep=False)
            assert nodetext.node_piece(node) == nodetext.piece(text)
            assert nodetext.collapsed_text(node) == " ".join(node.text(separator=" ").split())
            assert nodetext.collapsed_text(node, spaced=False) == " ".join(text.split())
            words = text.split()
            assert nodetext.anchor_text(node)[0] == " ".join(words)
            collapsed = nodetext.collapsed_text(node)
            for room in (1, 7, 100, 3000):
                assert node.collapsed_prefix(room) in (None, collapsed[:room])
            for deep, value in ((True, text), (False, own)):
                expected = None
                if len(value) >= 25:
                    expected = (nodetext.piece(value), value.count(",") + value.count("\uff0c"))
                assert nodetext.paragraph_facts(node, deep, 25) == expected
            checked += 1
    assert checked > 1000 or not CORPUS.is_dir()


def _children(node: Any) -> Iterator[Any]:
    child = node.child
    while child is not None:
        yield child
        child = child.next


@needs_compiled
def test_text_facts_of_blank_led_text_nodes_equal_the_python_expressions() -> None:
    """The facts table and the text scans read a text node's leading ASCII white space
    themselves and scan only the rest (or nothing, for the white space between tags): the
    facts and words of elements whose text nodes begin with every kind of white space, or
    are nothing else, are text()'s."""
    blanks = ["", " ", "\n", "\n" + " " * 17, "\t\t", "\r\n  \n\t", "\x0b\x0c\x1c\x1d\x1e\x1f", " " * 8]
    rests = ["", "x", "a,b", " \u00a0y", "\u3000", "\uff0c", "\x85z ", "w\u00e9 ", "\u2028"]
    bodies = []
    for blank in blanks:
        for rest in rests:
            text = blank + rest
            bodies.append(f"<div>{text}<p>{text}<b>{text}</b>{text}</p>{text}<i></i>{text}</div>".encode())
    for _plain, fast in _trees(bodies, decode=False):
        texts = [child for node in fast for child in _children(node) if child.is_text_node]
        for node in [*fast, *texts]:
            for deep in (True, False):
                value = node.text(deep=deep)
                commas = value.count(",") + value.count("\uff0c")
                assert node.paragraph_facts(deep) == (len(value), nodetext.piece(value), commas)
            assert node.text_piece() == nodetext.piece(node.text())
            words = " ".join(node.text(separator=" ").split())
            assert node.collapsed_text() == words
            assert node.anchor_text() == (" ".join(node.text().split()), nodetext.piece(node.text()))
            assert node.collapsed_prefix(3) == words[:3]


@needs_compiled
def test_text_facts_read_in_ascii_blocks_equal_the_python_expressions() -> None:
    """Text facts without words read ASCII bytes 16 at a time (the last few padded with
    spaces), a block holding other bytes one code point at a time: the facts of texts of 0
    to 40 bytes, and of thousands (more blocks than a byte lane counts), with each kind of
    ASCII white space, the bytes next to them, commas and other code points at each place
    around the blocks' edges, are text()'s."""
    specials = ["x", " ", "  ", ",", "\t", "\n", "\r", "\x08", "\x0e", "\x1b", "\x1c", "\x1f", "!", "\x7f",
                "\u00e9", "\uff0c", "\u3000", "\u00a0", "\U0001f600"]
    base = "ab cd,ef  gh\tij k, l mnop qrstuvwxyz ABC"
    bodies = []
    for special in specials:
        texts = []
        for size in range(41):
            for place in sorted({0, size // 2, max(size - 1, 0), 14, 15, 16, 17, 31, 32}):
                texts.append(base[:place] + special + base[place:size])
        texts += [(base + special) * 120, special + "ab, c\t" * 1000 + special]
        bodies.append("".join(f"<p>{text}</p><p>{text}<b>{text}</b></p>" for text in texts).encode())
    checked = 0
    for _plain, fast in _trees(bodies, decode=False):
        texts = [child for node in fast for child in _children(node) if child.is_text_node]
        for node in [*fast, *texts]:
            value = node.text()
            commas = value.count(",") + value.count("\uff0c")
            assert node.paragraph_facts() == (len(value), nodetext.piece(value), commas), repr(value)
            checked += 1
    assert checked > 10000


def _placements_agree(trees: list[tuple[list, list]], last_first: bool = False) -> int:
    """Assert that FastPlacement.place gives Placement.place's facts tuple for every element
    of each (selectolax nodes, compiled nodes) page, asked in document order or
    (``last_first``) the other way round; how many elements were compared."""
    from crawler import _fastplace
    from crawler.mainblock import TextCache, find_main
    from crawler.placement import BLOCK, Placement

    checked = 0
    for plain, fast in trees:
        body = next((node for node in plain if node.tag == "body"), None)
        main = find_main(body, TextCache()) if body is not None else None
        pure, compiled = Placement(main), _fastplace.FastPlacement(Placement(main))
        pairs = list(zip(plain, fast, strict=True))
        for a, b in reversed(pairs) if last_first else pairs:
            want, got = pure.place(a), compiled.place(b)
            assert got[:BLOCK] + got[BLOCK + 1 :] == want[:BLOCK] + want[BLOCK + 1 :]
            assert (got[BLOCK] and got[BLOCK].mem_id) == (want[BLOCK] and want[BLOCK].mem_id)
            checked += 1
    return checked


@needs_compiled
def test_compiled_placement_answers_as_placement() -> None:
    """FastPlacement.place gives Placement.place's facts tuple for every element (the
    compiled walk keeps them as Place objects, shared with the parent where none changes,
    and reads most elements' naming attributes without their attribute dict)."""
    checked = _placements_agree([*_trees(_sample_bodies()), *_trees(HOSTILE, decode=False)])
    assert checked > 1000 or not CORPUS.is_dir()


@needs_compiled
def test_compiled_placement_walks_up_long_chains() -> None:
    """FastPlacement places an element none of whose ancestors is placed yet however deep it
    sits (its scratch room for them grows): the elements asked last first agree too."""
    deep = b"<div><span>" * 150 + b"<a href=/deep>deep</a>" + b"</span></div>" * 150
    assert _placements_agree([*_trees([deep, *_sample_bodies()])], last_first=True) > 1000


#: An article long enough to be the main content (so the clean-up judges what it holds),
#: holding the attributes placement reads from lexbor without decoding them (values that
#: are not UTF-8, repeated, empty or missing, names in upper case or with a prefix, and a
#: class too long for its answers to be kept) and blocks of links the link-density
#: clean-up judges (images in a figure, a video, a menu, a form, a table).
NAMING = (
    b"<body><article><p>" + b"Words, words and more words. " * 40 + b"</p>"
    b"<div class='share \xff\xfe' id=x><a href=/1>1</a></div><div class=share class=nav><a href=/2>2</a></div>"
    b"<div class><a href=/3>3</a></div><div class='' id=''><a href=/4>4</a></div><div class=share><i>s</i></div>"
    b"<div role=navigation><a href=/5>5</a></div><div ROLE=menu class=x><a href=/6>6</a></div>"
    b"<div aria-hidden=true><a href=/7>7</a></div><div aria-hidden='true\xff'><a href=/8>8</a></div>"
    b"<span rel=author><a href=/9>9</a></span><span itemprop='x author'><a href=/10>10</a></span>"
    b"<h2 class=comment>c</h2><h3 class='\xe2\x82 share'>d</h3><div hidden><a href=/11>11</a></div>"
    b"<div style='display:none'><a href=/12>12</a></div><svg class=byline><a href=/13>13</a></svg>"
    b"<div CLASS='" + b"related " * 100 + b"'><a href=/14>14</a></div><nav><a href=/15>15</a></nav>"
    b"<div id=comments xml:lang=en xlink:role=navigation><a href=/16>16</a></div><footer class=byline>"
    b"<a href=/17>17</a></footer><figure><div><img src=a><img src=b><a href=/g1>g</a><a href=/g2>g</a>"
    b"<a href=/g3>g</a> a caption that says far more than its links</div></figure><div><iframe src='https://www.youtube.com/embed/x'></iframe>"
    b"<a href=/v1>v</a><a href=/v2>v</a><a href=/v3>v</a></div><div class=menu><h4>Menu</h4><ul><li><a href=/m1>m"
    b"</a></li><li><a href=/m2>m</a></li><li><a href=/m3>m</a></li></ul></div><form><input><input><a href=/f1>f"
    b"</a><a href=/f2>f</a><a href=/f3>f</a></form><table><tr><td><a href=/t1>t</a><a href=/t2>t</a><a href=/t3>"
    b"t</a></td></tr></table></article><aside class=share><a href=/18>18</a></aside></body>"
)


@needs_compiled
def test_compiled_placement_reads_names_raw_and_keeps_their_answers() -> None:
    """The compiled placement reads class, id, role and the other attributes it judges from
    lexbor and keeps the answers for those bytes; they agree with Placement's, met first or
    kept (the page placed twice), as bytes or decoded, and for names too long to keep."""
    from crawler import _fastplace

    for decode in (False, True, False):
        assert _placements_agree(list(_trees([NAMING, *HOSTILE], decode=decode))) > 100
    assert _fastplace.kept_answers() > 10


#: Paragraphs in blocks whose names, roles and hiding attributes the scoring pass reads
#: from lexbor: unlikely and positive or negative names, as bytes that are not UTF-8, empty
#: or missing, repeated, in upper case, too long for their answers to be kept, and styles,
#: hidden and aria-hidden attributes that hide a block or do not.
SCORED = b"<body>" + b"".join(
    b"<div " + names + b"><p>" + b"Words, words and more words. " * 3 + b"</p><td>A cell, with words enough.</td>"
    b"<section " + names + b"><p>" + b"Some more text, long enough to score. " * 2 + b"</p></section></div>"
    for names in (
        b"class=sidebar", b"class='sidebar article'", b"id=comments", b"class=content id=footer",
        b"role=navigation", b"ROLE=menu class=x", b"class", b"class='' id=''", b"class='\xff sidebar'",
        b"class='hid'", b"CLASS='" + b"related " * 100 + b"'", b"style='display: None'", b"style=''", b"style",
        b"hidden", b"aria-hidden=true", b"aria-hidden=true class=fallback-image", b"aria-hidden",
        b"style='Visibility : HIDDEN'", b"style='d\xc4\xb0splay:none'", b"style='display:\xe2\x80\x82none'",
        b"style='" + b"color: red; " * 30 + b"DISPLAY: none'", b"style='" + b"color: red; " * 30 + b"'",
        b"aria-hidden=TRUE", b"aria-hidden=true class='x fallback-image-y'",
        b"class=menu class=post", b"xlink:role=navigation class=main", b"data-x=1", b"",
    )
) + b"<table><tr><td class=sidebar><p>" + b"In a table, so kept. " * 3 + b"</p></td></tr></table></body>"


def _scored_both(plain: list, fast: list, strip_unlikely: bool) -> tuple[Any, Any] | None:
    """(the reference's scoring context, the compiled one) after each scored the page's body
    (mainblock._score_paragraphs, crawler._fastmain.score_paragraphs); None without a body."""
    from crawler import _fastmain
    from crawler.mainblock import TextCache, _Ctx, _score_paragraphs

    body = next((index for index, node in enumerate(plain) if node.tag == "body"), None)
    if body is None:
        return None
    pure = _Ctx(strip_unlikely=strip_unlikely, texts=TextCache())
    compiled = _Ctx(strip_unlikely=strip_unlikely, texts=TextCache())
    _score_paragraphs(plain[body], pure)
    _fastmain.score_paragraphs(fast[body], compiled)
    return pure, compiled


@needs_compiled
@pytest.mark.parametrize("strip_unlikely", [True, False])
def test_compiled_scores_judge_names_as_the_reference(strip_unlikely: bool) -> None:
    """crawler._fastmain.score_paragraphs, which reads class, id, role and the hiding
    attributes from lexbor and judges the names by its answers table, scores as
    mainblock._score_paragraphs does, the names met first or kept (the page scored twice)."""
    for plain, fast in [*_trees([SCORED, SCORED], decode=False), *_trees(_sample_bodies())]:
        scored = _scored_both(plain, fast, strip_unlikely)
        if scored is None:
            continue
        pure, compiled = scored
        assert list(compiled.scores.items()) == list(pure.scores.items())


@needs_compiled
@pytest.mark.parametrize("strip_unlikely", [True, False])
def test_compiled_siblings_choose_as_siblings(strip_unlikely: bool) -> None:
    """crawler._fastmain.siblings takes the blocks (and the listing items) that
    mainblock._siblings takes, around every scored element and its children."""
    from crawler import _fastmain
    from crawler.mainblock import _siblings

    checked = 0
    for plain, fast in [*_trees(_sample_bodies()), *_trees(HOSTILE, decode=False)]:
        scored = _scored_both(plain, fast, strip_unlikely)
        if scored is None:
            continue
        pure, compiled = scored
        for index, node in enumerate(plain):
            if node.mem_id not in pure.scores and (node.parent is None or node.parent.mem_id not in pure.scores):
                continue
            want = [block.mem_id for block in _siblings(node, pure)]
            assert [block.mem_id for block in _fastmain.siblings(fast[index], compiled)] == want
            assert compiled.listed == pure.listed
            checked += 1
    assert checked > 500 or not CORPUS.is_dir()


@needs_compiled
def test_compiled_link_lengths_are_link_lengths() -> None:
    """crawler._fastmain.link_length (which reads a container's anchors from the facts
    table, _fastdom.anchors_below) gives TextCache.link_length's floats for every element,
    with a cache of its own and with one shared across the page."""
    from crawler import _fastmain
    from crawler.mainblock import TextCache

    checked = 0
    for plain, fast in [*_trees(_sample_bodies()), *_trees(HOSTILE, decode=False)]:
        pure_texts, compiled_texts = TextCache(), TextCache()
        for a, b in zip(plain, fast, strict=True):
            assert _fastmain.link_length({}, {}, b) == TextCache().link_length(a)
            assert compiled_texts.link_length(b) == pure_texts.link_length(a)
            checked += 1
    assert checked > 1000 or not CORPUS.is_dir()


@needs_compiled
def test_composed_lengths_are_text_lengths() -> None:
    """Measured from the innermost element out, each container's text length and link
    length are summed from its children (crawler._fastmain's _compose and link_length,
    which read the text children from lexbor without wrapping them and look in the cache
    only for the children the view has wrapped, so the view is used while it is live): the
    reference's, invalid UTF-8 included."""
    from crawler.mainblock import TextCache

    checked = 0
    for plain, fast in itertools.chain(_trees(_sample_bodies()), _trees(HOSTILE, decode=False)):
        pure_texts, compiled_texts = TextCache(), TextCache()
        for a, b in zip(reversed(plain), reversed(fast), strict=True):
            assert compiled_texts.length(b) == pure_texts.length(a)
            assert compiled_texts.density(b) == pure_texts.density(a)
            checked += 1
        assert compiled_texts.pieces == pure_texts.pieces
        assert compiled_texts.links == pure_texts.links
    assert checked > 1000 or not CORPUS.is_dir()


@needs_compiled
def test_compiled_cache_sees_entries_written_elsewhere() -> None:
    """crawler._fastmain looks TextCache's entries up in C mirrors of its dicts (Mirror): an
    entry another writer put in a dict (TextCache.note, a second cache used in turns) is
    seen as the reference sees it."""
    from crawler.mainblock import TextCache

    body = b"<html><body><div><p>one two <a href=/x>three</a></p><p>four <a href=#y>five</a></p></div></body></html>"
    for plain, fast in _trees([body]):
        div = [node.tag for node in plain].index("div")
        first, second = (i for i, node in enumerate(plain) if node.tag == "p")
        for nodes, texts, other in ((plain, TextCache(), TextCache()), (fast, TextCache(), TextCache())):
            texts.length(nodes[second])
            texts.link_length(nodes[second])
            other.density(nodes[div])
            texts.note(nodes[first], (40, False, False, False, 0))
            texts.links[nodes[first].mem_id] = 7.0
            texts.length(nodes[div])
            texts.link_length(nodes[div])
            if nodes is plain:
                want = (dict(texts.pieces), dict(texts.links), dict(other.pieces), dict(other.links))
        assert [*want] == [texts.pieces, texts.links, other.pieces, other.links]
        assert texts.links[fast[div].mem_id] == 7.0 + 4 * 0.3  # the noted <p>, then <a href=#y>five</a>


@needs_compiled
def test_collected_anchors_are_noted_on_their_nodes() -> None:
    """crawler._fastlinks.collect keeps what TextCache.anchor records on the compiled nodes,
    not in the cache's dicts: the text lengths, link lengths and link densities read after
    it are the reference's, and another cache does not see them."""
    from crawler import _fastlinks
    from crawler.links import _collect
    from crawler.mainblock import TextCache
    from crawler.urls import Resolver

    checked = 0
    for body in _sample_bodies():
        tree = LexborHTMLParser(_decode(body, None)[0])
        tree.strip_tags(list(STRIPPED_TAGS))
        dom = treeview._fastdom.FastDoc(tree)  # type: ignore[union-attr]
        try:
            pure_texts, compiled_texts = TextCache(), TextCache()
            _collect(tree, Resolver(URL), pure_texts)
            _fastlinks.collect(dom, Resolver(URL), compiled_texts)
            assert pure_texts.links or not tree.css("a[href]")
            assert not compiled_texts.pieces and not compiled_texts.links
            for a, b in zip(tree.css("*"), dom.css("*"), strict=True):
                assert compiled_texts.length(b) == pure_texts.length(a)
                assert compiled_texts.density(b) == pure_texts.density(a)
                assert TextCache().link_length(b) == TextCache().link_length(a)
                checked += 1
        finally:
            dom.release()
    assert checked > 1000 or not CORPUS.is_dir()


@needs_compiled
def test_short_ascii_anchors_are_read_as_the_python_anchors(both_paths: None) -> None:
    """An anchor whose only child is a short ASCII text node is read in one pass
    (crawler._fastdom's _lone_ascii_text): its text and the facts TextCache records of it
    are the reference's, at the edges of that path too (white space at either end,
    commas, ASCII separators, the longest text it reads and one byte more, other text)."""
    from crawler import _fastlinks
    from crawler.links import _collect
    from crawler.mainblock import TextCache
    from crawler.urls import Resolver

    texts = ["Home", " Home ", "a  b\tc\n", "a,b , c,", "\x1cx\x1f", " ", "x" * 256, "x " * 128, "x" * 257,
             "caf\u00e9", "a<b>b</b>"]
    body = ("<html><body><article><p>" + "".join(f'<a href="/{n}">{text}</a> ' for n, text in enumerate(texts))
            + "</p></article></body></html>").encode()
    treeview.set_compiled(True)
    compiled = [link.anchor for link in parse_page(body, URL).links]
    treeview.set_compiled(False)
    assert compiled == [link.anchor for link in parse_page(body, URL).links]
    tree = LexborHTMLParser(body)
    dom = treeview._fastdom.FastDoc(tree)  # type: ignore[union-attr]
    try:
        pure_texts, compiled_texts = TextCache(), TextCache()
        _collect(tree, Resolver(URL), pure_texts)
        _fastlinks.collect(dom, Resolver(URL), compiled_texts)
        for a, b in zip(tree.css("*"), dom.css("*"), strict=True):
            assert compiled_texts.length(b) == pure_texts.length(a)
            assert compiled_texts.commas(b) == pure_texts.commas(a)
            assert compiled_texts.density(b) == pure_texts.density(a)
    finally:
        dom.release()


@needs_compiled
def test_compiled_listing_items_are_the_listing_items() -> None:
    """crawler._fastmain.listing_items finds the items placement._listing_items finds, as
    the main block, in every element with children (wrappers included)."""
    from crawler import _fastmain
    from crawler.mainblock import TextCache, element_children
    from crawler.placement import _listing_items

    checked = found = 0
    for plain, fast in [*_trees(_sample_bodies()), *_trees(HOSTILE, decode=False)]:
        pure_texts, compiled_texts = TextCache(), TextCache()
        for a, b in zip(plain, fast, strict=True):
            if not element_children(a):
                continue
            want = _listing_items((a,), pure_texts)
            assert _fastmain.listing_items((b,), compiled_texts) == want
            checked += 1
            found += bool(want)
    assert (checked > 500 and found > 50) or not CORPUS.is_dir()


@needs_compiled
def test_compiled_listing_items_group_by_the_class_attribute() -> None:
    """listing_items reads each child's class from lexbor, not from an attribute dict: the
    groups are the reference's for duplicated, empty, valueless, upper-case-named and
    non-UTF-8 class attributes too. (Each group of three is one only when its members are
    told apart as the reference tells them; the pairs are never listed.)"""
    from crawler import _fastmain
    from crawler.mainblock import TextCache
    from crawler.placement import _listing_items

    items = [b"<li class='a' class='b'>"] * 2 + [b"<li CLASS='a'>"]  # the first of a name counts
    items += [b"<li class='\xff'>"] * 2 + [b"<li class='\xef\xbf\xbd'>"]  # both U+FFFD, undecoded
    items += [b"<li class=''>", b"<li class>", b"<li>"]  # no class
    items += [b"<li class='c'>"] * 2 + [b"<div class=''>"] * 2
    body = b"<ul>" + b"".join(item + b"x</li>" for item in items) + b"</ul>"
    for plain, fast in [*_trees([body]), *_trees([body], decode=False)]:
        a, b = next((a, b) for a, b in zip(plain, fast, strict=True) if a.tag == "ul")
        want = _listing_items((a,), TextCache())
        assert want
        assert _fastmain.listing_items((b,), TextCache()) == want


@needs_compiled
def test_compiled_zones_are_placement_zones() -> None:
    """Placement maps the same zones around a main block through crawler._fastmain.map_zones
    (compiled view) as through Placement._map_zones, wherever the main block is."""
    from crawler.mainblock import MainContent, TextCache
    from crawler.placement import Placement

    checked = 0
    for plain, fast in [*_trees(_sample_bodies()), *_trees(HOSTILE, decode=False)]:
        for a, b in zip(plain[::3], fast[::3], strict=True):
            if a.parent is None:
                continue
            pure = Placement(MainContent((a,), a, 0, {}, True, TextCache()))
            compiled = Placement(MainContent((b,), b, 0, {}, True, TextCache()))
            assert compiled.child_zone == pure.child_zone
            assert compiled.listed == pure.listed
            checked += 1
    assert checked > 1000 or not CORPUS.is_dir()


@needs_compiled
def test_invalid_utf8_text_is_left_to_python() -> None:
    for _plain, fast in _trees([HOSTILE[0]], decode=False):
        html = fast[0]
        assert html.text_piece() is None  # "\xc3" + "\xa9" in two nodes decode as one "é" whole
        assert nodetext.node_piece(html) == nodetext.piece(html.text())


def test_compiled_modules_built_where_their_headers_are() -> None:
    """setup.py keeps going when the extension does not compile (the pure path works), so a
    compile error would pass unnoticed: where the lexbor headers were fetched, the modules
    must be there."""
    headers = Path(__file__).resolve().parents[1] / "build" / "selectolax-1.0.2-headers"
    if not headers.is_dir() or os.environ.get("BACKLINKS_NO_COMPILE"):
        pytest.skip("no lexbor headers fetched here: nothing to build against")
    assert treeview.compiled_available(), "crawler._fast* did not build: see `pip install -v -e .`"


def test_pure_python_switch_from_the_environment() -> None:
    code = "from crawler import treeview; print(treeview.using_compiled())"
    env = {**os.environ, "BACKLINKS_PURE_PYTHON": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    env.pop("BACKLINKS_PURE_PYTHON")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(treeview.compiled_available())


_url_chars = st.sampled_from(
    list("abcXYZ019-._~!$&'()*+,;=:@/%?#\\ \t\n.")
    + ["%2e", "%2E", "%2", "xn--", "xn-", "..", "é", "€", "\xa0", "\x00", "//"])
_url_tails = st.lists(_url_chars, max_size=14).map("".join)
_url_hosts = st.sampled_from(["a.com", "a-.com", "x.y.z", "localhost", "1.2.3.4", "a.0x1", "xn--a.com", "axn--b.c",
                              "A.com", "a..b", ".a", "a.", "", "a.b-", "ab.c1", "é.com", "Www.TeAra.govt.NZ",
                              "XN--a.com", "a.xN--b", "Xn-.c", "a.B1", "A.0X1", "a.1B", "a.-B"])
_hrefs = st.one_of(
    st.builds(lambda scheme, h, p: f"{scheme}://{h}{p}", st.sampled_from(["http", "https", "HTTP", "httpx", "ftp"]),
              _url_hosts, _url_tails),
    st.builds(lambda h, p: f"//{h}{p}", _url_hosts, _url_tails),
    st.builds(lambda p: "/" + p, _url_tails),
    st.builds(lambda p: "#" + p, _url_tails),
    st.builds(lambda scheme, p: scheme + p, st.sampled_from(
        ["javascript:", "mailto:", "HTTP:", "Https:", "httpss:", "http+x:", "a.b-c:", "1a:", "c:", "é:",
         "java\tscript:"]),
        _url_tails),
    _url_tails,
    # relative paths of dot segments and others
    st.lists(st.sampled_from(["..", ".", "", "a", "b.c", "%2e", ".%2E", "a:b", "q?r", "é", "x#y"]), min_size=1,
             max_size=6).map("/".join),
)


@needs_compiled
@settings(max_examples=600, deadline=None)
@given(hrefs=st.lists(_hrefs, min_size=1, max_size=4), base=st.sampled_from(
    ["http://example.com/dir/page.html?q=1", "https://u:p@example.com:8443/a/", "http://EXAMPLE.com", "not a url",
     "https://example.com", "http://example.com/a\tb",
     "http://example.com/p?q#old", "mailto:a@example.com"]))
def test_compiled_resolver_answers_as_the_python_one(hrefs: list[str], base: str) -> None:
    from crawler._fastlinks import FastResolver

    from crawler.urls import Resolver

    fast = FastResolver(Resolver(base))
    from_bytes = FastResolver(Resolver(base))
    for href in hrefs + hrefs:  # the second time from the cache, or settled again
        assert fast(href) == Resolver(base)(href), href
        assert from_bytes(href.encode()) == Resolver(base)(href), href
        # (bytes that are not UTF-8 read as the attribute dict decodes them)
        assert from_bytes(href.encode() + b"\xff") == Resolver(base)(href + "\ufffd"), href


@needs_compiled
@pytest.mark.parametrize("base", [
    "http://example.com/p?q#old", "https://example.com", "http://example.com?q", "http://EXAMPLE.com/a",
    "http://example.com:80/a", "http://example.com/a/../b", "http://example.com/a ", "not a url",
    "mailto:a@example.com", "http://exa mple.com/", "HTTP://[::1]:8080/a#b", "http://bücher.example/%7e/"])
def test_compiled_resolver_takes_the_page_url_from_the_resolver(base: str) -> None:
    """An empty or "#fragment" href is the page itself, join(base, ""): the Python resolver
    has it from its parse of the base, and the compiled one takes it from there without
    resolving anything."""
    from crawler._fastlinks import FastResolver

    from crawler.urls import Resolver, join

    resolver = Resolver(base)
    fast = FastResolver(resolver)
    for href in ("#", "", "#top", b"#top", b""):
        assert fast(href) == join(base, ""), href
    assert not resolver.cache
    assert resolver("#top") == resolver("") == join(base, "")


@needs_compiled
@pytest.mark.parametrize("rel", ["canonical", "CanoNical", "alternate canonical", "canonical\xa0x",
                                 "\u2003canonical\x1f", "\u212aanonical", "canonicalx", "canonica", "can\u0130nical",
                                 "", "x y"])
def test_compiled_collect_finds_canonical_rels_as_python(both_paths: None, rel: str) -> None:
    body = f'<html><head><link rel="{rel}" href="/canonical"></head><body><p>Text</p></body></html>'.encode()
    treeview.set_compiled(True)
    compiled = [(link.url, link.kind) for link in parse_page(body, URL).links]
    treeview.set_compiled(False)
    assert compiled == [(link.url, link.kind) for link in parse_page(body, URL).links]
    assert bool(compiled) == ("canonical" in rel.lower().split())


@needs_compiled
def test_long_inline_styles_are_judged_alike_and_not_kept(both_paths: None) -> None:
    """The compiled path keeps the hidden verdict of short style values only: a long one
    (inline data can be megabytes) is judged each time, with the same answer as the pure
    path, and repeated long styles do not pile up in memory."""
    import tracemalloc

    data = "background:url(data:image/png;base64," + "A" * 200_000 + ");"
    body = (
        '<html><body><article><p>Words about the subject, long enough to be read. '
        f'<a href="/a" style="{data}display:none">hidden</a> '
        f'<a href="/b" style="{data}color:red">shown</a> '
        '<a href="/c" style="display: none">short</a></p></article></body></html>'
    ).encode()
    treeview.set_compiled(True)
    compiled = parse_page(body, URL)
    treeview.set_compiled(False)
    pure = parse_page(body, URL)
    assert [(link.url, link.hidden) for link in compiled.links] == [
        (link.url, link.hidden) for link in pure.links
    ]
    assert [link.hidden for link in compiled.links] == [True, False, True]
    treeview.set_compiled(True)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(40):  # 40 distinct 200 KB styles
            parse_page(body.replace(b"color:red", f"color:#{n:06x}".encode()), URL)
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 2_000_000, kept


def _long_blocks_page() -> bytes:
    """Blocks of thousands of words holding links early, late, twice with one anchor, with
    an anchor found only read with spaces (``foo<b>bar</b>``), one found nowhere, without
    an anchor, and a long block nested in another."""
    words = " ".join(f"word{n}" for n in range(3000))
    return (
        f"<html><body><article><div><p>{words[:300]} <a href=/early>word12</a> {words[300:]}"
        f" <a href=/again>word12</a> <a href=/split>foo<b>bar</b></a>{words[:20000]}"
        f" <a href=/image><img src=i.png></a> {words[:9000]}<a href=/late>word2999</a></p>"
        f"<section><p>{words[:5000]} <a href=/nested>nested</a> {words}</p></section>"
        f"<a href=/outer>outer</a> {words} <a href=/missing>not<i>here</i></a></div>"
        "<ul><li><a href=/home>Home</a></li><li> <a href=/about><span>About</span> us</a> </li>"
        "<li><a href=/joined>Jo<b>ined</b></a></li><li>Say <a href=/hi>hi</a></li></ul>"
        "</article></body></html>"
    ).encode()


def _invalid_late_text_page() -> bytes:
    """A long block whose text turns out not to be valid UTF-8 only after the first steps of
    reading it (its links deep in it), with words spread over many text nodes."""
    words = " ".join(f"<i>word{n}</i> x" for n in range(600)).encode()
    return (
        b"<html><body><article><p>" + words + b" <a href=/deep>word590</a> \xff\xfe broken "
        + words + b" <a href=/after>after</a></p></article></body></html>"
    )


@needs_compiled
@pytest.mark.parametrize("budget", [None, 1, 3_000, 40_000])
def test_context_windows_read_from_block_prefixes_identical(
    both_paths: None, monkeypatch: pytest.MonkeyPatch, budget: int | None
) -> None:
    """The compiled context reads a long block's text only as far as its links need (in
    steps, going on where the last stopped), and takes a block holding nothing but its
    link's anchor from the facts table; the budget of block text per page runs out where
    the pure path's does."""
    from crawler import _fastlinks, links

    if budget is not None:
        monkeypatch.setattr(links, "CONTEXT_TEXT_BUDGET", budget)
        monkeypatch.setattr(_fastlinks, "CONTEXT_TEXT_BUDGET", budget)
    for body in [_long_blocks_page(), _invalid_late_text_page(), *_sample_bodies()]:
        treeview.set_compiled(True)
        compiled = page_record(parse_page(body, URL))
        treeview.set_compiled(False)
        assert compiled == page_record(parse_page(body, URL))


@needs_compiled
def test_compiled_context_reads_a_prefix_of_a_long_block() -> None:
    """FastContext answers as links._Context, having read only the start of a long block,
    and none of a block whose text is its link's anchor."""
    from crawler._fastlinks import FastContext

    from crawler.links import _Context

    body = _long_blocks_page()
    tree = LexborHTMLParser(body)
    dom = treeview._fastdom.FastDoc(tree)  # type: ignore[union-attr]
    try:
        fast, pure = FastContext(), _Context()
        block, pure_block = dom.css("p")[0], tree.css_first("p")
        for node, pure_node in zip(block.css("a"), pure_block.css("a"), strict=True):
            anchor = nodetext.collapsed_text(node, False)
            assert fast(block, anchor, node) == pure(pure_block, anchor, pure_node)
            if node.attributes["href"] == "/again":
                assert not fast.blocks[block].whole
        assert fast.blocks[block].whole  # the anchor read with spaces is searched in all of it
        for item, pure_item in zip(dom.css("li"), tree.css("li"), strict=True):
            node, pure_node = item.css("a")[0], pure_item.css("a")[0]
            anchor = nodetext.collapsed_text(node, False)
            assert fast(item, anchor, node, True) == pure(pure_item, anchor, pure_node)
            # A block holding nothing but its link's text: the anchor itself, no text read.
            assert (fast.blocks[item] is anchor) == (anchor in ("Home", "About us"))
    finally:
        dom.release()


@needs_compiled
def test_a_build_from_other_sources_is_not_used(tmp_path: Path) -> None:
    """The compiled modules carry the digest of the sources they were built from: the
    present build matches the sources beside it, and a changed source (a `git pull` run
    without `make`) makes it count as stale, so the pure-Python path runs instead."""
    from crawler import _fastdom, compiled

    assert compiled.built_from_current_sources(_fastdom)
    assert not compiled.stale_build()
    for pattern in compiled.SOURCE_PATTERNS:
        for path in compiled.PACKAGE.glob(pattern):
            (tmp_path / path.name).write_bytes(path.read_bytes())
    assert compiled.built_from_current_sources(_fastdom, tmp_path)
    changed = tmp_path / "_fastlinks.pyx"
    changed.write_bytes(changed.read_bytes() + b"\n# a later edit\n")
    assert not compiled.built_from_current_sources(_fastdom, tmp_path)
    # An install without sources (a wheel) trusts its build.
    assert compiled.built_from_current_sources(_fastdom, tmp_path / "none")


#: The regular expressions over class and id names, searched quicker in ASCII names.
NAME_PATTERNS = {
    "UNLIKELY": mainblock.UNLIKELY,
    "MAYBE_CANDIDATE": mainblock.MAYBE_CANDIDATE,
    "POSITIVE": mainblock.POSITIVE,
    "NEGATIVE": mainblock.NEGATIVE,
    "SHARE": mainblock.SHARE,
    "WIDGET": cleanup.WIDGET,
    "BYLINE": cleanup.BYLINE,
    "_BIO": cleanup._BIO,
}
#: Pieces of names: the patterns' words, separators, and letters that fold into ASCII ones
#: under re.I (the Kelvin sign, the long s) or change length when lower-cased (I with a dot).
_NAME_PIECES = sorted(
    {word for pattern in NAME_PATTERNS.values() for word in re.findall(r"[a-z0-9-]+", pattern.pattern)}
    | {" ", "-", "_", "\n", "\t", "hid", "x", "\u212a", "\u017f", "\u0130", "\u0131", "\u00e9", "\u00df"}
)
_name_piece = st.sampled_from(_NAME_PIECES).flatmap(
    lambda piece: st.sampled_from([piece, piece.upper(), piece.title(), piece.swapcase(), piece[::-1]])
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(_name_piece | st.text(max_size=3), max_size=8))
def test_name_patterns_match_as_with_re_ignorecase(pieces: list[str]) -> None:
    """A NamePattern finds what its pattern compiled with re.I finds, at the same place, in
    ASCII names (searched lower-cased without re.I) and in others (searched with re.I)."""
    text = "".join(pieces)
    for name, pattern in NAME_PATTERNS.items():
        found = pattern.search(text)
        expected = re.compile(pattern.pattern, re.I).search(text)
        assert (found and found.span()) == (expected and expected.span()), name


def test_name_patterns_search_ascii_names_lower_cased() -> None:
    """The quick way is taken for ASCII names only; other names keep re.I, which folds the
    long s (kept by str.lower) and the Kelvin sign into ASCII letters."""
    assert mainblock.SHARE.search("post SHARE-bar").string == "post share-bar"
    assert mainblock.SHARE.search("\u017fhare").string == "\u017fhare"
    assert cleanup.WIDGET.search("\u017fOCIAL") is not None
    assert mainblock.UNLIKELY.search("S\u212aYSCRAPER") is not None
    with pytest.raises(ValueError):
        mainblock.NamePattern(r"\W+share")


_marker_name = st.lists(
    st.sampled_from(
        sorted(positions.NAV_TOKENS | positions.NAV_PARTS | set(positions._TOKEN_LANDMARKS))
        + sorted(positions.COMMENT_TOKENS | set(positions.REGION_TOKENS))
        + ["x", "comment-", "Nav", "MENU", "post", "-", "_", " ", "\t", "\n", "\u212a", "\u0130"]
    ),
    max_size=6,
).map("".join)


@needs_compiled
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tag=st.sampled_from(["nav", "header", "footer", "aside", "article", "div", "main"]),
    classes=st.none() | _marker_name,
    ident=st.none() | _marker_name,
    role=st.sampled_from([None, "", "navigation", " Banner ", "contentinfo", "complementary", "main"]),
    in_article=st.booleans(),
)
def test_compiled_markers_answer_as_placement(
    tag: str, classes: str | None, ident: str | None, role: str | None, in_article: bool
) -> None:
    """The compiled copy of placement._markers (the first sight of an element's class, id
    and role) gives its landmark and region."""
    from crawler import _fastplace

    expected = placement._markers.__wrapped__(tag, classes, ident, role, in_article)
    assert _fastplace.markers(tag, classes, ident, role, in_article) == expected


@needs_compiled
def test_collapsed_prose_written_in_blocks_equals_the_python_expressions() -> None:
    """Prose is written 16 bytes at a time while its white space bytes stand alone (each
    written as a space), and narrowed into a str of the kind of its widest code point: the
    words and facts of random texts of single and doubled white space of each kind, commas
    and code points of each width, long enough for more blocks than a byte lane counts,
    are text()'s."""
    chunks = ["a", "bc", "defgh", "ijklmnopqrstuvwxyz", ",", " ", " ", " ", "\n", "\t", "\x0b", "  ", " \n ",
              "\u00e9", "\u2019", "\U0001f600", "\u00a0"]
    rng = random.Random(7)
    bodies = []
    for size in (15, 16, 17, 31, 33, 64, 200, 5000):
        for _ in range(12):
            text = "".join(rng.choice(chunks[:10] if rng.random() < 0.5 else chunks) for _ in range(size))
            bodies.append(f"<div>{text}<p>{text[:size]}</p>x{text}</div>".encode())
    for _plain, fast in _trees(bodies, decode=False):
        for node in fast:
            text = node.text()
            words = " ".join(node.text(separator=" ").split())
            assert node.collapsed_text() == words
            assert node.anchor_text() == (" ".join(text.split()), nodetext.piece(text))
            assert node.paragraph_facts() == (len(text), nodetext.piece(text),
                                              text.count(",") + text.count("\uff0c"))
            for room in (1, 17, 100):
                assert node.collapsed_prefix(room) == words[:room]
