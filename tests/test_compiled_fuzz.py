"""Hostile input for the compiled extractor: what fuzzing it found, kept as fast tests.

The long fuzz (mutated corpus pages, generated markup, heavy pages, the sandbox's hostile
answers, each in a subprocess so that a crash is reported) is ``python -m bench.fuzz_extract``.
Here: the defects it and the review found, the heavy shapes that must not crash (run in a
subprocess for the same reason), the lifetime rules of the view's node objects, and a short
hypothesis run of the fuzz's markup strategy.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from selectolax.lexbor import LexborHTMLParser

from bench.compare_extract import page_record
from bench.fuzz_extract import check, pages
from crawler import treeview
from crawler.links import parse_page

ROOT = Path(__file__).resolve().parents[1]
URL = "http://fuzz.example.test/dir/page.html"
UTF8 = {"Content-Type": ["text/html; charset=utf-8"]}

pytestmark = pytest.mark.skipif(not treeview.compiled_available(), reason="crawler._fastdom is not built")


@pytest.fixture(autouse=True)
def _restore_switch():
    previous = treeview.set_compiled(True)
    yield
    treeview.set_compiled(previous)


def _fast_doc(markup: bytes | str):
    tree = LexborHTMLParser(markup)
    return tree, treeview._fastdom.FastDoc(tree)  # type: ignore[union-attr]


#: Attribute names that are not UTF-8 decode to one name ("\ufffd") for two attributes:
#: the compiled view paired selectolax's keys with the attributes in order, so every
#: attribute after them took the next one's name (here the link became rel=nofollow).
SHARED_NAME = [
    b"<a href=/y>y</a><form action=/f \xff=2 \xfe=3 rel=4></form><a href=/x \xfe=nofollow>x</a>",
    b"<a href=/y>y</a><div \x00=1 \xef\xbf\xbd=2 rel=3></div><a href=/x \xef\xbf\xbd=nofollow>x</a>",
    b"<link rel=canonical href=/c \xc3=1 \xc2=2 class=x><a href=/x \xc2=sponsored class=author-bio>x</a>",
]


@pytest.mark.parametrize("body", SHARED_NAME, ids=range(len(SHARED_NAME)))
def test_attribute_names_that_decode_alike(body: bytes) -> None:
    assert check(body, UTF8) is None
    tree, dom = _fast_doc(body)
    try:
        plain = [node.attributes for node in tree.css("*")]
        assert [node.attributes for node in dom.css("*")] == plain
    finally:
        dom.release()


#: Found by the fuzz (generated markup): 300 copies of a block whose paragraphs score alike.
#: mainblock's top candidates were sorted as (score, key) pairs, so equal scores were ordered
#: by the key, a node's address, which differs from one parse to the next: the chosen main
#: block, and with it the links' positions, changed between two parses of the same page
#: (and so between the compiled and the pure path).
TIED = (b"</div></a>< \xf0\xa1\x8e\xb4\xc3\xbd`I \x00 \xf3\xbb\xaf\x8ab\xc2\x81\xf2\xb0\x96\xa9 \xe2\x80\x8b w% a,b"
        b"\xc3\xf0\x9f\x98\x80/></div><div>x<a href=/a>x<div class=s>x<div>x") * 300


def test_tied_candidates_give_one_answer() -> None:
    outcomes = set()
    for compiled in (True, False, True, False, True, False):
        treeview.set_compiled(compiled)
        outcomes.add(repr(page_record(parse_page(TIED, URL))))
    assert len(outcomes) == 1


def test_attribute_selectors_on_fixed_lexbor_names() -> None:
    """``tag[attribute]`` walks compare lexbor's attribute ids; names with a fixed id other
    than href/src/http-equiv (class, rel, id ...) never matched."""
    tree, dom = _fast_doc("<div class=x rel=y data-x=1><a rel=n href=/></a></div><p class=q id=i>")
    try:
        for query in ("div[class]", "a[rel]", "div[data-x], p[class]", "p[id]", "div[rel], a[rel]", "a[href]"):
            assert [n.mem_id for n in dom.css(query)] == [n.mem_id for n in tree.css(query)], query
            assert dom.css(query), query
    finally:
        dom.release()


def test_view_objects_cannot_be_made_empty() -> None:
    """A FastNode or FastDoc without a node or document would read through a NULL pointer."""
    fastdom = treeview._fastdom
    with pytest.raises(TypeError):
        fastdom.FastNode()
    with pytest.raises(TypeError):
        fastdom.FastDoc(None)
    with pytest.raises(ValueError, match="document"):
        fastdom.FastDoc(LexborHTMLParser.__new__(LexborHTMLParser))
    from crawler import _fastplace
    from crawler.placement import Placement

    tree, dom = _fast_doc("<p><a href=/a>a</a></p>")
    try:
        placement = _fastplace.FastPlacement(Placement(None))
        with pytest.raises(TypeError):
            placement.place(None)
        with pytest.raises(TypeError):
            placement.of(None)
    finally:
        dom.release()


def test_nodes_outlive_their_view_and_parser() -> None:
    """A node kept after ``release`` (and after every other reference to the parser is
    gone) still reads its tree: it keeps its view, which keeps the parser."""
    tree, dom = _fast_doc("<div class=c><p>hello <b>world</b></p><a href=/a rel=x>a</a></div>")
    node = dom.css("p")[0]
    link = dom.css("a")[0]
    dom.release()
    del tree, dom
    gc.collect()
    assert node.text() == "hello world" and node.collapsed_text() == "hello world"
    assert node.parent.attributes == {"class": "c"} and link.attributes == {"href": "/a", "rel": "x"}
    assert node.parent.css("a")[0].mem_id == link.mem_id


def test_two_views_of_one_tree_and_two_parsers() -> None:
    """Two views of one tree each answer with their own node objects (the per-node ``user``
    pointer goes to the last view that wrapped the node; the other makes a new object),
    and a released view leaves no pointer to its nodes in the tree."""
    tree, first = _fast_doc("<p><a href=/a>a</a></p>")
    second = treeview._fastdom.FastDoc(tree)
    other_tree, other = _fast_doc("<p><a href=/b>b</a></p>")
    try:
        a1, a2 = first.css("a")[0], second.css("a")[0]
        assert a1 is not a2 and a1.mem_id == a2.mem_id
        assert first.css("a")[0].mem_id == a1.mem_id and second.css("a")[0].attributes == {"href": "/a"}
        assert other.css("a")[0].attributes == {"href": "/b"}
        first.release()
        a2 = second.css("a")[0]
        assert second.css("a")[0] is a2
        third = treeview._fastdom.FastDoc(tree)
        assert third.css("a")[0] is not a2
        third.release()
    finally:
        second.release()
        other.release()
    del first, second, third, a1, a2
    gc.collect()
    again = treeview._fastdom.FastDoc(tree)
    try:
        assert again.css("a")[0].attributes == {"href": "/a"}
    finally:
        again.release()


_CLONE_SCRIPT = """
import gc
from selectolax.lexbor import LexborHTMLParser
from crawler import treeview
tree = LexborHTMLParser("<div class=d><p>hello <a href=/a>a</a></p><span>s</span></div>" * 200)
view = treeview._fastdom.FastDoc(tree)
assert len(view.css("*")) > 800
clone = tree.clone()  # lexbor copies each node's user pointer into the clone
view.release()
del view
gc.collect()
again = treeview._fastdom.FastDoc(clone)
plain = clone.css("*")
for a, b in zip(plain, again.css("*"), strict=True):
    assert (a.mem_id, a.tag, a.attributes) == (b.mem_id, b.tag, b.attributes)
again.release()
print("ok")
"""


def test_clone_of_a_viewed_tree() -> None:
    """lexbor copies the per-node ``user`` pointer when it clones a tree: the view read it
    as a FastNode's address, which the clone kept after the first view was released and its
    nodes freed (AddressSanitizer: heap-use-after-free in FastDoc.wrap). It now holds a
    place in the view's own list, checked before use. Run with the debug allocator in a
    subprocess, where a use after free finds poisoned memory."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONMALLOC": "debug"}
    done = subprocess.run([sys.executable, "-X", "dev", "-c", _CLONE_SCRIPT], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stderr[-3000:]


def test_threads_with_their_own_pages() -> None:
    """Scrapy extracts on the reactor thread only; threads that each parse their own pages
    (tests, benchmarks) get the same answers."""
    bodies = [b"<article><p>" + b"Text, more text. " * 30 + b"<a href=/t%d rel=ugc>t</a></p></article>" % i
              for i in range(8)]
    expected = [page_record(parse_page(body, URL)) for body in bodies]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                assert [page_record(parse_page(body, URL)) for body in bodies] == expected
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


#: Heavy pages, run in a subprocess (a crash must fail the test, not kill the run).
_SHAPES_SCRIPT = """
import sys
from bench.fuzz_extract import check, shapes
wanted = set(sys.argv[1:])
for name, build in shapes():
    if name in wanted:
        problem = check(*build())
        assert problem is None, (name, problem)
        print(name, "ok", flush=True)
"""
SHAPES = ["deep-div", "deep-unclosed", "deep-svg", "deep-table", "deep-mixed", "deep-a", "1mb-invalid-utf8",
          "huge-attribute", "many-text-nodes", "nul-text"]


@pytest.mark.timeout(180)
def test_heavy_pages_in_a_subprocess() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("BACKLINKS_PURE_PYTHON", None)
    done = subprocess.run([sys.executable, "-X", "dev", "-c", _SHAPES_SCRIPT, *SHAPES], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=170)
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(done.stdout.split()[::2]) == sorted(SHAPES)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(page=pages())
def test_generated_pages_agree(page: tuple[bytes, object]) -> None:
    body, headers = page
    assert check(body, headers) is None
