"""crawler.links never crashes and never hangs: the real corpus, generated markup, a 10 MB
page, nesting 10,000 deep, garbage bytes. Every result keeps the record's invariants."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.items import Page
from crawler.links import parse_page
from crawler.parseguard import MAX_ATTRIBUTES, MAX_DEPTH, MAX_FORMATTING, MAX_OPTIONS, defuse, tag_counts, thin_out_tags
from crawler.vocab import KINDS, POSITIONS, REGIONS
from tests.corpus import CORPUS

URL = "http://site.example/dir/page.html"


def check(page: Page) -> None:
    assert isinstance(page, Page)
    for link in page.links:
        assert link.url.startswith(("http://", "https://")) and "#" not in link.url
        assert link.kind in KINDS and link.position in POSITIONS and link.region in REGIONS
        assert link.anchor == " ".join(link.anchor.split())
        assert len(link.context) <= 100
        assert link.nofollow == bool(link.nofollow_by)
    assert len(page.text) <= 3000


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
@pytest.mark.timeout(60)
def test_every_corpus_page() -> None:
    pages = sorted(CORPUS.glob("*/source.html"))
    assert len(pages) >= 50
    for path in pages:
        check(parse_page(path.read_bytes(), "http://fakehost/test/page.html"))


TAGS = [
    "div",
    "p",
    "a",
    "span",
    "nav",
    "header",
    "footer",
    "aside",
    "article",
    "main",
    "ul",
    "li",
    "table",
    "tr",
    "td",
    "img",
    "area",
    "map",
    "iframe",
    "form",
    "base",
    "meta",
    "script",
    "style",
    "noscript",
    "svg",
    "template",
    "br",
    "b",
    "section",
    "h1",
    "h2",
]
ATTRS = [
    "href",
    "src",
    "class",
    "id",
    "rel",
    "style",
    "hidden",
    "role",
    "alt",
    "action",
    "http-equiv",
    "content",
    "name",
    "itemtype",
    "charset",
]
VALUES = [
    "",
    "/x",
    "http://a.example/",
    "#f",
    "javascript:x",
    "nav",
    "comment",
    "display:none",
    "nofollow ugc",
    "refresh",
    "0;url=/r",
    "\x00\xff",
    "menu sidebar",
    "-9999px",
    "http://[::1",
    "\\\\h\\p",
    "utf-16",
    "robots",
]

_attr = st.tuples(st.sampled_from(ATTRS), st.one_of(st.sampled_from(VALUES), st.text(max_size=12)))
_piece = st.one_of(
    st.builds(
        lambda tag, attrs: "<" + tag + "".join(f' {k}="{v}"' for k, v in attrs) + ">",
        st.sampled_from(TAGS),
        st.lists(_attr, max_size=3),
    ),
    st.builds(lambda tag: f"</{tag}>", st.sampled_from(TAGS)),
    st.text(max_size=30),
    st.sampled_from(["<!--", "-->", "<![CDATA[", "&amp;", "&#0;", "<", ">", '"', "'", "</"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(_piece, max_size=60), encoding=st.sampled_from(["utf-8", "latin-1"]))
def test_generated_markup(pieces: list[str], encoding: str) -> None:
    body = "".join(pieces).encode(encoding, "replace")
    check(parse_page(body, URL))


@settings(max_examples=60, deadline=None)
@given(
    body=st.binary(max_size=2000),
    content_type=st.sampled_from(
        [None, "text/html; charset=utf-16", "text/html; charset=bogus", "text/html; charset=shift_jis"]
    ),
)
def test_garbage_bytes(body: bytes, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else None
    check(parse_page(body, URL, headers=headers))


@pytest.mark.timeout(30)
def test_ten_megabyte_page() -> None:
    rng = random.Random(7)
    words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod".split()
    parts = ["<html><body><nav><a href='/'>home</a></nav><article>"]
    size = 0
    i = 0
    while size < 10_000_000:
        text = " ".join(rng.choice(words) for _ in range(150))
        part = f"<p>{text}, <a href='http://s{i % 997}.example/p{i}'>link {i}</a>.</p>"
        parts.append(part)
        size += len(part)
        i += 1
    parts.append("</article><footer><a href='/about'>about</a></footer></body></html>")
    page = parse_page("".join(parts).encode(), URL)
    check(page)
    assert len(page.links) == i + 2
    assert page.links[0].position == "nav" and page.links[-1].position == "footer"
    assert {link.position for link in page.links[1:-1]} == {"content"}


NESTING = 10_000


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        ("<div>", "</div>"),
        ("<div>Some words, and more words, in a nested block. <a href='/l'>l</a> ", "</div>"),
        ("<div><p>Some words here, and more words, to score this paragraph well.</p><a href='/x'>x</a>", "</div>"),
        ("<span>", "</span>"),
        ("<table><tr><td>", "</td></tr></table>"),
        ("<ul><li><a href='/x'>x</a>", "</li></ul>"),
        ("<b><i>", "</i></b>"),
    ],
)
def test_nesting_ten_thousand_deep(opening: str, closing: str) -> None:
    body = (opening * NESTING + "<a href='http://deep.example/'>deep</a>" + closing * NESTING).encode()
    page = parse_page(body, URL)
    check(page)
    assert page.links[-1].url == "http://deep.example/"
    assert page.links[-1].anchor == "deep"


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("opening", "closing"),
    [("<div>", "</div>"), ("<ul><li>", "</li></ul>"), ("<dl><dd>", ""), ("<i><div>", "</div></i>"),
     ("<SECTION class=x>", "</SECTION>"), ("<em><strong><u>", "<div>x</div>")],
)  # fmt: skip
def test_nesting_a_hundred_thousand_deep_is_flattened_not_quadratic(opening: str, closing: str) -> None:
    # Unflattened, lexbor took 25 s for the divs (quadratic in the depth); a 10 MB page of
    # them would take hours. Flattened past 512 levels as Chromium does: well under a second
    # (the timeout is the check).
    body = (opening * 100_000 + "<a href='http://deep.example/'>deep</a>" + closing * 100_000).encode()
    page = parse_page(body, URL)
    check(page)
    assert [(link.url, link.anchor) for link in page.links] == [("http://deep.example/", "deep")]


def test_flatten_keeps_shallow_pages_and_drops_only_the_deep_tags() -> None:
    shallow = "<div><p>x</p></div>" * 100
    assert thin_out_tags(shallow) is shallow
    deep = "<p>" + "<div class=a>" * 30_000 + "<a href=/x>x</a>" + "</div>" * 30_000
    flat = thin_out_tags(deep)
    assert flat == "<p>" + "<div class=a>" * MAX_DEPTH + "<a href=/x>x</a>" + "</div>" * MAX_DEPTH
    assert thin_out_tags(deep.encode()) == flat.encode()
    mixed = "<DIV>" * 25_000 + "<Section id=s>" + "</SECTION>" + "</div>" * 25_000
    assert thin_out_tags(mixed) == "<DIV>" * MAX_DEPTH + "</div>" * MAX_DEPTH
    # inline elements count and go too (formatting ones past MAX_FORMATTING); links never do
    inline = "<span>" * 30_000 + "<a href=/x>x</a>" * 10 + "<div>y</div>"
    assert thin_out_tags(inline) == "<span>" * MAX_DEPTH + "<a href=/x>x</a>" * 10 + "y"
    # tag-like text in scripts, styles and comments is not markup; an unclosed one ends it
    script = "<script>var t = '" + "<div>" * 30_000 + "';</Script >" + "<div class=real><p>x</p></div>" * 5_000
    assert thin_out_tags(script) is script
    comment = "<!--" + "<div>" * 30_000 + "-->" + "<div><p>x</p></div>" * 5_000
    assert thin_out_tags(comment) is comment
    unclosed = "<script>" + "<div>" * 30_000
    assert thin_out_tags("<div>" * 600 + unclosed) == "<div>" * MAX_DEPTH + unclosed
    # alike formatting tags count three times at most (as the parser keeps them), so only
    # the depth limit applies to them; distinct ones stop at MAX_FORMATTING active
    bold = "<b>" * 30_000 + "<a href=/x>x</a>" * 10 + "<div>y</div>"
    assert thin_out_tags(bold) == "<b>" * MAX_DEPTH + "<a href=/x>x</a>" * 10 + "y"
    fonts = "".join(f"<font color=c{i}>" for i in range(30_000)) + "<div>y</div>"
    assert thin_out_tags(fonts) == "".join(f"<font color=c{i}>" for i in range(MAX_FORMATTING)) + "<div>y</div>"


@pytest.mark.timeout(30)
def test_a_select_of_two_hundred_thousand_options_is_cut_not_quadratic() -> None:
    # lexbor's time per option grows with the options before it: 287 s unguarded.
    body = ("<form><select name=s>" + "<option value=v>choice" * 200_000 + "</select></form>"
            "<p><a href='http://after.example/'>after</a></p>").encode()
    page = parse_page(body, URL)
    check(page)
    assert [link.url for link in page.links] == ["http://after.example/"]


def test_options_past_the_limit_lose_their_tags_only() -> None:
    markup = "<select>" + "<OPTION>o</option>" * (MAX_OPTIONS + 20_000) + "</select>"
    assert thin_out_tags(markup) == (
        "<select>" + "<OPTION>o</option>" * MAX_OPTIONS + "o" * 20_000 + "</select>")


@pytest.mark.timeout(30)
def test_reopened_formatting_does_not_explode() -> None:
    # 2,000 distinct <b> left open, then 20,000 paragraphs: the parser reopens every open
    # formatting element in each block (Noah's Ark keeps only three *alike*): 40 million
    # elements unguarded. At most MAX_FORMATTING are reopened now.
    body = ("<div>" + "".join(f"<b id=b{i}>" for i in range(2_000)) + "</div>" + "<p>x" * 20_000
            + "<p><a href='http://after.example/'>after</a>").encode()
    assert b"<b id=b11>" in defuse(body) and b"<b id=b12>" not in defuse(body)
    page = parse_page(body, URL)
    check(page)
    assert [link.url for link in page.links] == ["http://after.example/"]


def test_formatting_past_the_limit_loses_its_tags_only() -> None:
    opened = "".join(f"<font color=c{i}>" for i in range(MAX_FORMATTING + 5))
    markup = opened + "<p>text</p>" * 200_000 + "</font>" * (MAX_FORMATTING + 5)
    kept = "".join(f"<font color=c{i}>" for i in range(MAX_FORMATTING))
    assert thin_out_tags(markup) == kept + "<p>text</p>" * 200_000 + "</font>" * MAX_FORMATTING


def test_big_real_pages_keep_every_tag() -> None:
    """The guard follows the open elements as the parser does, so elements the parser closes
    by itself (a <span> left open in each card, a <font> left open in each cell) do not pile
    up into a false depth: on these big pages (20,000+ tags) nothing is dropped, and the
    hidden link stays hidden, the sidebar a sidebar."""
    cards = "".join(
        f'<div class="card"><span class="badge">new<h3>Item {i}</h3><p>Text {i} <a href="/item/{i}">more</a></p>'
        "<ul><li>a<li>b<li>c<li>d<li>e<li>f<li>g<li>h<li>i<li>j</ul></div>" for i in range(1_000))
    listing = ("<main>" + cards + "</main><p><span style='display:none'>old</span> See "
               "<a href='http://visible.example/'>partner</a>.</p><div class=col><div class=sidebar>"
               "<a href='http://friend.example/'>Friend</a></div></div>")  # fmt: skip
    rows = "".join(f'<tr><td><font face="Verdana" size="2">Post {i} <a href="/t/{i}">topic</a></td><td>{i}</td></tr>'
                   for i in range(2_600))  # fmt: skip
    forum = ("<table>" + rows + "</table><p>Sponsors: <font style='display:none'>"
             "<a href='http://casino.example/'>casino</a></font></p>")
    for markup in (listing, forum):
        assert tag_counts(markup)[0] >= 20_000
        assert thin_out_tags(markup) is markup
        assert thin_out_tags(markup.encode()) == markup.encode()
    found = {link.url: (link.position, link.hidden) for link in parse_page(listing.encode(), URL).links}
    assert found["http://visible.example/"] == ("content", False)
    assert found["http://friend.example/"] == ("sidebar", False)
    assert [link.hidden for link in parse_page(forum.encode(), URL).links if "casino" in link.url] == [True]


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "markup",
    [b"<div></i>" * 60_000, b"<div></span>" * 60_000,  # end tags of no open element close nothing
     ("<div>" + "".join(f"<b id=b{i}></u>" for i in range(1_500)) + "</div>" + "<p>x" * 15_000).encode(),
     ("<div>" + "".join(f"<b/id=b{i}>" for i in range(1_000)) + "</div>" + "<p>x" * 10_000).encode()],
    ids=["stray-i", "stray-span", "stray-u-between-formatting", "slash-attributes"],
)  # fmt: skip
def test_stray_end_tags_and_slashes_do_not_slip_past_the_guard(markup: bytes) -> None:
    assert defuse(markup) != markup
    check(parse_page(markup + b"<a href='http://end.example/'>end</a>", URL))


def test_a_dropped_tag_goes_whole_with_a_quoted_greater_than() -> None:
    markup = ("<div>" * 600 + '<p><a href="http://t.example/"><span x-show="count > 0">Cheap</span> flights</a></p>'
              + "</div>" * 600 + "<p>x</p>" * 19_000)  # fmt: skip
    page = parse_page(markup.encode(), URL)
    assert [(link.url, link.anchor) for link in page.links] == [("http://t.example/", "Cheap flights")]


@pytest.mark.timeout(30)
def test_a_tag_with_a_hundred_thousand_attributes_is_cut_not_quadratic() -> None:
    # lexbor checks each attribute against the element's earlier ones: 40 s unguarded.
    junk = " ".join(f"data-a{i}='{i}'" for i in range(100_000))
    body = f"<p>Text <a href='http://giant.example/' {junk}>giant</a> and <a href='/b'>b</a></p>".encode()
    page = parse_page(body, URL)
    check(page)
    assert [(link.url, link.anchor) for link in page.links] == [
        ("http://giant.example/", "giant"), ("http://site.example/b", "b")]


def test_giant_tags_keep_their_first_attributes_and_long_values() -> None:
    inline_json = "<div data-props='" + "{" * 100_000 + "'><a href=/x>x</a></div>"
    assert defuse(inline_json) is inline_json  # one long value: kept whole
    tag = "<a href=/x " + " ".join(f"a{i}={i}" for i in range(6_000)) + ">x</a>"  # 50 KB
    cut = defuse("<p>" + tag + "</p>")
    assert cut == "<p><a href=/x " + " ".join(f"a{i}={i}" for i in range(MAX_ATTRIBUTES - 1)) + " >x</a></p>"
    assert defuse(("<p>" + tag + "</p>").encode()) == cut.encode()
    # a long inline script without ">" ("a<b" reads like a tag) is never cut, nor a comment
    script = "<script>" + "if (a<b && c<d) { x = y; } " * 3_000 + "</script><a href=/x>x</a>"
    assert defuse(script) is script
    comment = "<!-- <b " + " ".join(f"a{i}=1" for i in range(5_000)) + " --><a href=/x>x</a>"
    assert defuse(comment) is comment


@pytest.mark.timeout(30)
def test_unclosed_deep_nesting_without_closing_tags() -> None:
    body = ("<div class=nav><p>" * NESTING + "<a href=/x>x").encode()
    page = parse_page(body, URL)
    check(page)
    assert [link.position for link in page.links] == ["nav"]


@given(st.binary(max_size=3_000) | st.text("<>/ bBiIoOsStTuUgGnNrRmMeEfFcCdD\t\n", max_size=200).map(str.encode))
@settings(max_examples=300, deadline=None)
def test_compiled_tag_counts_agree_with_the_python_ones(data: bytes) -> None:
    fastscan = pytest.importorskip("crawler._fastscan")
    from crawler import parseguard

    compiled = fastscan.tag_counts(data)
    saved, parseguard._compiled_counts = parseguard._compiled_counts, None
    try:
        assert compiled == tag_counts(data) == tag_counts(data.decode("latin-1"))
    finally:
        parseguard._compiled_counts = saved


def test_the_guard_without_the_compiled_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler import parseguard

    monkeypatch.setattr(parseguard, "_compiled_counts", None)
    deep = ("<div>" * 30_000 + "x" + "</div>" * 30_000).encode()
    assert defuse(deep) == b"<div>" * MAX_DEPTH + b"x" + b"</div>" * MAX_DEPTH
    options = ("<select>" + "<option>o" * (MAX_OPTIONS + 10)).encode()
    assert defuse(options) == b"<select>" + b"<option>o" * MAX_OPTIONS + b"o" * 10
