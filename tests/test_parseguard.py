"""The script and style text and the unread attributes left out before the parse
(crawler._fastscan.tag_counts_quieted, ``defuse(markup, quiet=True)``) never change the tree
the extractor reads: tricky markup and generated markup give the same elements, texts,
read attributes and links with and without the cut."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from bench.compare_extract import page_record
from crawler import treeview
from crawler.compiled import stale_build
from crawler.links import parse_page
from crawler.parseguard import WINDOW, defuse, tag_counts, trim_giant_tags

fastscan = pytest.importorskip("crawler._fastscan")
pytestmark = pytest.mark.skipif(stale_build(), reason="compiled modules built from other sources")

URL = "http://site.example/dir/page.html"


def quieted(markup: bytes) -> bytes:
    counts, cut = fastscan.tag_counts_quieted(markup)
    assert counts == tag_counts(markup)
    return cut


def shape(markup: bytes) -> list[tuple[str, tuple, str | None]]:
    """Every node of the parsed tree, in order: its tag, attributes and text, but the text
    directly inside a script or style element and the attributes no one reads (what the
    cut may leave out), and a select's ``multiple`` (what the cut may add)."""
    tree = LexborHTMLParser(markup)
    nodes = []
    for node in tree.root.traverse(include_text=True) if tree.root is not None else ():
        if node.is_text_node:
            if node.parent is not None and node.parent.tag in ("script", "style"):
                continue
            nodes.append(("#text", (), node.text_content))
        else:
            attributes = tuple(
                (name, value) for name, value in node.attributes.items()
                if not fastscan.unread_attribute(name.encode()) and not (node.tag == "select" and name == "multiple")
            )
            nodes.append((node.tag, attributes, None))
    return nodes


def assert_same_tree(markup: bytes) -> bytes:
    cut = quieted(markup)
    assert shape(cut) == shape(markup)
    return cut


#: (markup, the markup with the text cut): where the tokenizer's state must be followed.
CUT = [
    (b"<p>a<script>var x = '<a href=/no>';</script><a href=/yes>y</a>",
     b"<p>a<script></script><a href=/yes>y</a>"),
    (b"<script>a</script ><script>b</SCRIPT><script>c</script\t><script>d</script/><script>e</script x='>'>",
     b"<script></script ><script></SCRIPT><script></script\t><script></script/><script></script x='>'>"),
    (b"<script>a</scripts></script>", b"<script></script>"),
    (b"<style>a{}</style><STYLE media=x>b</Style >", b"<style></style><STYLE ></Style >"),
    # JSON-LD (and anything a character reference could make JSON-LD) is read: kept.
    (b"<script type=application/ld+json>{}</script><script type='x&#106;son'>{}</script>",
     b"<script type=application/ld+json>{}</script><script type='x&#106;son'>{}</script>"),
    (b"<script type=\"application/LD+JSON\">{}</script><script>x</script>",
     b"<script type=\"application/LD+JSON\">{}</script><script></script>"),
    # Other JSON data is not read: cut (but "ld+json" anywhere in the tag keeps the text).
    (b"<script type=application/json id=__NEXT_DATA__>{}</script><script type=text/x-json>[1]</script>",
     b"<script type=application/json id=__NEXT_DATA__></script><script type=text/x-json></script>"),
    (b"<script id=ld+json type=application/json>{}</script><script src=/Ld+JsOn>x</script>"
     b"<script l+json d+json>x</script>",
     b"<script id=ld+json type=application/json>{}</script><script src=/Ld+JsOn>x</script>"
     b"<script l+json d+json></script>"),
    (b"<script type=\"application/ld+json-with-a-long-name-past-16-bytes\">{}</script><script type=+json>x</script>",
     b"<script type=\"application/ld+json-with-a-long-name-past-16-bytes\">{}</script><script type=+json></script>"),
    # Escaped script text: "</script>" inside "<!--<script>" does not end the script.
    (b"<script><!--<script>x</script>y--></script><a href=/a>a</a>",
     b"<script></script><a href=/a>a</a>"),
    (b"<script><!--<script>x</script></script><a href=/a>a</a></script>b",
     b"<script></script><a href=/a>a</a></script>b"),
    (b"<script><!-- x --><script></script><a href=/a>a</a>", b"<script></script><a href=/a>a</a>"),
    (b"<script><!--><script></script><a href=/a>a</a>", b"<script></script><a href=/a>a</a>"),
    (b"<script><!--<script>--></script><a href=/a>a</a>", b"<script></script><a href=/a>a</a>"),
    # Tags and comments holding "<script>": not scripts.
    (b"<a title='<script>' href=/a>a</a><script>x</script>", b"<a  href=/a>a</a><script></script>"),
    (b"<!-- <script> --><a href=/a>a</a><script>x</script>", b"<!----><a href=/a>a</a><script></script>"),
    (b"<!--><script>x</script>", b"<!--><script></script>"),
    (b"<!---><script>x</script>", b"<!---><script></script>"),
    (b"<!-- a --!><script>x</script>", b"<!----!><script></script>"),
    (b"<!x <script>><script>x</script>", b"<!x <script>><script></script>"),
    (b"<?x <script>?><script>x</script>", b"<?x <script>?><script></script>"),
    (b"</1 <script>><script>x</script>", b"</1 <script>><script></script>"),
    (b"<a b=\"x>\"<script>c</script><script>d</script>", b"<a b=\"x>\"<script>c</script><script></script>"),
    (b"<a =\"<script>\"><script>x</script>", b"<a =\"<script>\"><script></script>"),
    (b"<title><script>x</script></title><script>y</script>", b"<title><script>x</script></title><script></script>"),
    (b"<textarea><script></TEXTAREA><script>y</script>", b"<textarea><script></TEXTAREA><script></script>"),
    (b"<xmp><style></xmp><iframe><script></iframe><noembed><!--</noembed><style>a</style>",
     b"<xmp><style></xmp><iframe><script></iframe><noembed><!--</noembed><style></style>"),
    (b"<noscript><script>x</script></noscript>", b"<noscript><script></script></noscript>"),
    (b"<table><script>x</script><tr><td><style>y</style>", b"<table><script></script><tr><td><style></style>"),
    # Foreign content: its script and style hold markup; after it, scripts are cut again.
    (b"<svg><script><a href=/in>in</a></script><style>a</style></svg><script>x</script>",
     b"<svg><script><a href=/in>in</a></script><style>a</style></svg><script></script>"),
    (b"<svg><title>t</title><g><path/></g><![CDATA[</svg><script>]]></svg><script>x</script>",
     b"<svg><title>t</title><g><path/></g><![CDATA[</svg><script>]]></svg><script></script>"),
    (b"<svg/><script>x</script><math><mrow></mrow></math><script>y</script>",
     b"<svg/><script></script><math><mrow></mrow></math><script></script>"),
    (b"<p><script>unclosed <a href=/x>", b"<p><script>"),
    # Comments: their text is cut to the first "-->" or "--!>" (the node stays, empty).
    (b"<p>a<!-- x -- y --->b<!---->c<!--->d<!---x--->e<!--<!-->f<!-- --!-- -->g",
     b"<p>a<!---->b<!---->c<!--->d<!---->e<!---->f<!---->g"),
    (b"<!-- x -!> y --!x --\x00> <a href=/in>in</a> -->", b"<!---->"),
    (b"<table><!-- a --><tr><!--b--></table><svg><!-- c --><g/></svg><p>unclosed <!-- d",
     b"<table><!----><tr><!----></table><svg><!----><g/></svg><p>unclosed <!-- d"),
    # Selects holding only text, comments, options, option groups and hr: followed to their
    # end tag, and given a "multiple" attribute (their own stays: a duplicate, ignored).
    (b"<select name=s data-x=1><option value=1 data-y>a<option>b</option><optgroup label=g><option>c"
     b"</optgroup><hr><!-- x -->d < e</select><script>x</script>",
     b"<select multiple=\"\" name=s ><option  >a<option>b</option><optgroup label=g><option>c"
     b"</optgroup><hr><!---->d < e</select><script></script>"),
    (b"<SELECT multiple size=3><OPTION>a</Select ><select/><option>b</select><select\n=x></select>",
     b"<SELECT multiple=\"\" multiple size=3><OPTION>a</Select ><select multiple=\"\"/><option>b</select>"
     b"<select multiple=\"\"\n=x></select>"),
    # A select holding more is not followed (its start tag keeps its attributes' cuts, and
    # its own "multiple", which spares lexbor the quadratic walk over its options).
    (b"<select data-x=1><option data-y>a<input><script>x</script>", b"<select ><option >a<input><script>x</script>"),
    (b"<select multiple data-x=1><option>a<div>b</div>", b"<select multiple ><option>a<div>b</div>"),
    # End tags: a short name and ">" (read byte by byte), or attributes and long names.
    (b"</div><script>x</script></p ><script>y</script>", b"</div><script></script></p ><script></script>"),
    (b"</div title='<script>'><script>x</script></a/><script>y</script>",
     b"</div title='<script>'><script></script></a/><script></script>"),
    (b"</blockquote x=\"<script>\"><script>x</script></abcdefgh><script>y</script>",
     b"</blockquote x=\"<script>\"><script></script></abcdefgh><script></script>"),
    # Names and values longer than the 16 bytes read at a time, and bytes that only look like
    # the end of a name (control characters) or like "json" (any "j").
    (b"<a data-a-rather-long-attribute-name='x > <script>y</script> and more than 16 bytes'><script>z</script>",
     b"<a ><script></script>"),
    (b"<SCRIPT data-attribute-name-longer-than-16 = \"v\" src=/javascript/jquery.js>x</SCRIPT>",
     b"<SCRIPT  src=/javascript/jquery.js></SCRIPT>"),
    (b"<script data-a-long-attribute-name-first=\"\" type=application/ld+JSON>{}</script>",
     b"<script  type=application/ld+JSON>{}</script>"),
    (b"<a data\x01long\x1fattribute\x0bname-x=\"<script>\"><script>x</script>",
     b"<a data\x01long\x1fattribute\x0bname-x=\"<script>\"><script></script>"),
    # Unread attributes: every form of the tokenizer's (quoted, unquoted, empty, none, with
    # white space around "=", before "/" and ">"); the white space before them stays.
    (b"<a data-x=\"1\" href=/a TITLE='t' target=_blank onClick=go() data-y aria-label = x>a</a>",
     b"<a  href=/a     >a</a>"),
    (b"<img src=/i.png width=0 height=0 srcset=\"a 1x, b 2x\" sizes=9 loading=lazy decoding=async alt=i/>",
     b"<img src=/i.png       alt=i/>"),
    (b"<div aria-hidden=true aria-expanded=false tabindex=-1 data-x=><p data-y/>x</div>",
     b"<div aria-hidden=true   ><p />x</div>"),
    (b"<svg viewBox='0 0 9 9'><path d=\"M0 0z\" fill=red stroke=none transform=x points='1'/></svg>",
     b"<svg ><path     /></svg>"),
    (b"<path points=1/><p>", b"<path ><p>"),  # "/" ends no unquoted value
    (b"<td colspan=2 rowspan=2 scope=row dir=rtl><input value=v placeholder=p for=x><html xmlns:xlink=u>",
     b"<td    ><input   ><html >"),
    (b"<script async defer src=/s.js></script><link media=print hreflang=de href=/p rel=alternate>",
     b"<script   src=/s.js></script><link   href=/p rel=alternate>"),
    (b"<iframe frameborder=0 scrolling=no marginheight=0 marginwidth=0 src=/f></iframe>",
     b"<iframe     src=/f></iframe>"),
    (b"<path fill-rule=evenodd clip-rule=evenodd stroke-width=2 stroke-linecap='round'/>",
     b"<path    />"),
    # Names only like unread ones: kept.
    (b"<a datax=1 on=1 aria=1 aria-hiddenx=1 titles=1 d-x=1 xmln=1 strok=1 fo=1 href=/a>a</a>",
     b"<a datax=1 on=1 aria=1  titles=1 d-x=1 xmln=1 strok=1 fo=1 href=/a>a</a>"),
]

#: The attributes the extractor reads (crawler.links, .mainblock, .cleanup, .placement,
#: .positions, .pagefacts and their compiled twins): never left out.
READ_ATTRIBUTES = [
    "href", "src", "action", "alt", "rel", "http-equiv", "content", "style", "hidden", "class", "id", "role",
    "aria-hidden", "name", "property", "type", "itemtype", "itemprop", "itemscope", "lang", "xml:lang",
    "charset", "summary", "datatable", "data",
]  # fmt: skip


@pytest.mark.parametrize("name", READ_ATTRIBUTES)
def test_attributes_the_extractor_reads_are_kept(name: str) -> None:
    assert not fastscan.unread_attribute(name.encode())
    assert not fastscan.unread_attribute(name.upper().encode())


#: Markup past which nothing is cut (the state is not followed further).
UNCUT = [
    b"<svg><foreignObject><div></svg></div></foreignObject><script><a href=/x>x</a></script>",
    b"<svg><desc><b>x</b></desc></svg><script>x</script>",
    b"<svg><p>out</svg><script>x</script>",
    b"<svg><g></path></g></svg><script>x</script>",
    b"<math><mi><script><a href=/1>1</a></script></mi></math>",
    b"<select><style><a href=x>y</a></style></select><script>x</script>",
    b"<select><button><selectedcontent></selectedcontent></button><option>a</select><script>x</script>",
    b"<select><option>a<script>x</script></select><script>y</script>",
    b"<select><option>a<!x></select><script>y</script>",
    b"<select><option>a<?x <option data-x=1>></select><script>y</script>",
    b"<select><option>a</b></select><script>y</script>",
    b"<select><option>a",
    b"<template><col><script><a href=x>y</a></script></template><script>x</script>",
    b"<frameset><script>x</script></frameset>",
    b"<plaintext><script>x</script>",
    b"<script",
    b"<a href='<script>x</script>",
]


@pytest.mark.parametrize(("markup", "cut"), CUT, ids=range(len(CUT)))
def test_script_and_style_text_is_cut_where_the_tokenizer_reads_it(markup: bytes, cut: bytes) -> None:
    assert assert_same_tree(markup) == cut


@pytest.mark.parametrize("markup", UNCUT, ids=range(len(UNCUT)))
def test_cutting_stops_where_the_state_is_not_followed(markup: bytes) -> None:
    assert assert_same_tree(markup) is markup


def test_quiet_defuse_cuts_bytes_only_and_keeps_thinning_out() -> None:
    page = b"<p>x</p><script>" + b"y" * 2000 + b"</script>"
    assert defuse(page, quiet=True) == b"<p>x</p><script></script>"
    assert defuse(page) is page
    assert defuse(page.decode(), quiet=True) == page.decode()
    deep = b"<script>s</script>" + b"<div>" * 30_000  # thinned out: the page is left whole
    assert defuse(deep, quiet=True) == defuse(deep)


#: Pages of more than two windows: ">" in every window, or runs without it (giant tags, text).
WINDOWED = [
    b"<p>x</p>" * 10_000,
    b"<p>" + b"x" * (3 * WINDOW) + b"</p>",
    b"<p>" * 6_000 + b"<a " + b"data-x=1 " * 20_000 + b"href=/x>x</a>",
    b"<a" + b" b" * (2 * WINDOW) + b">",
    b"<p>" * (WINDOW // 3) + b"-" * WINDOW + b"<p>",
]


@pytest.mark.parametrize("markup", WINDOWED, ids=range(len(WINDOWED)))
def test_giant_tags_are_looked_for_in_the_same_windows_by_memchr(markup: bytes) -> None:
    windows = range(0, len(markup) - WINDOW + 1, WINDOW)
    without = [start for start in windows if markup.find(b">", start, start + WINDOW) < 0]
    for start in (0, 1, WINDOW - 1, WINDOW, 2 * WINDOW + 1):
        later = [at for at in without if at >= start]
        assert fastscan.first_window_without_close(markup, WINDOW, start) == (later[0] if later else -1)
    assert trim_giant_tags(markup) == trim_giant_tags(markup.decode()).encode()
    if not without:
        assert trim_giant_tags(markup) is markup


@contextmanager
def compiled_path() -> Iterator[None]:
    """On the compiled path (which cuts) until the block ends, then back to the setting before."""
    previous = treeview.set_compiled(True)
    if not treeview.using_compiled():
        pytest.skip("crawler._fastdom is not built")
    try:
        yield
    finally:
        treeview.set_compiled(previous)


@pytest.mark.parametrize("markup", [m for m, _ in CUT] + UNCUT)
def test_pages_give_the_same_links_cut_or_not(markup: bytes) -> None:
    with compiled_path():
        compiled = page_record(parse_page(markup, URL))
        treeview.set_compiled(False)
        assert compiled == page_record(parse_page(markup, URL))


#: Pieces of markup that move the tokenizer between its states.
PIECES = st.sampled_from([
    "<script>", "</script>", "</script >", "</SCRIPT>", "</script/>", "<script type=application/ld+json>",
    "<script/>", "<scr", "ipt>", "<style>", "</style>", "<!--", "-->", "--!>", "<!-->", "-", "!", "<!",
    "<svg>", "</svg>", "<svg/>", "<math>", "</math>", "<g>", "</g>", "<path/>", "<title>", "</title>",
    "<desc>", "</desc>", "<foreignObject>", "<![CDATA[", "]]>", "<textarea>", "</textarea>", "<xmp>",
    "</xmp>", "<iframe>", "</iframe>", "<noscript>", "</noscript>", "<select>", "<template>", "<table>",
    "<td>", "<p>", "<div>", "</div>", "<b>", "<a href=/x>", "<a href='/y'>", "</a>", "<a title=\"",
    "\">", "'", "\"", "=", "<", ">", "/", " ", "\n", "x", "{}", "<!DOCTYPE html>", "<?x>", "</1>",
    "<plaintext>", "<frameset>", "<option>", "</option>", "<optgroup>", "</optgroup>", "</select>", "<hr>",
    " multiple", "<button>", "<selectedcontent>", "<script type=application/json>", "&amp;", "\x00", "\xe9",
    "<a data-x=1 href=/z>", " title=", " data-y",
    " aria-hidden=true", " aria-label='", " onclick=\"", " hidden", " style=display:none", " class=nav",
])  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=40))
def test_generated_markup_keeps_its_tree(pieces: list[str]) -> None:
    assert_same_tree("".join(pieces).encode())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=40))
def test_generated_markup_keeps_its_links(pieces: list[str]) -> None:
    markup = ("<a href=/first>first</a>" + "".join(pieces) + "<a href=/last>last</a>").encode()
    with compiled_path():
        compiled = page_record(parse_page(markup, URL))
        treeview.set_compiled(False)
        assert compiled == page_record(parse_page(markup, URL))
