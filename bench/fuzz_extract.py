"""Fuzz the compiled extractor against the pure one: ``python -m bench.fuzz_extract``.

Each input page goes through ``crawler.links.parse_page`` on the compiled path and on the
pure-Python path; the two results must be equal (or both raise the same exception type),
and the compiled path must not crash the process. Inputs run in worker SUBPROCESSES, so a
segfault or an abort is caught and reported (with the input saved) instead of killing the
run; a worker that goes silent for ``--timeout`` seconds is killed and reported as a hang.

Sources (``--source``, repeatable; default: all but the valgrind-slow ones):

- ``mutate``: every corpus page (tests/corpus.py finds it: BACKLINKS_CORPUS_DIR ...) mutated at
  random: byte flips, duplicated or removed tags, inserted NULs and bytes that are not
  UTF-8, a declared encoding (meta charset or Content-Type header), or several at once;
- ``truncate``: every corpus page cut at each 1/64 of its length;
- ``generated``: random markup from hypothesis strategies (nested tables, forms,
  templates, svg, math, select, frameset, attributes without values, duplicated
  attributes, odd bytes, declared encodings);
- ``shapes``: the heavy pages (1 MB text nodes, huge attribute values, 50,000 links,
  nesting 20,000 deep in many shapes);
- ``sandbox``: every HTML page of a sandbox web and its hostile answers (huge, garbage).

``--count N`` inputs per source (``mutate``, ``generated``), ``--dev`` runs the workers under
``python -X dev``, ``--malloc-debug`` with ``PYTHONMALLOC=debug``, ``--valgrind`` under valgrind
memcheck (use a small ``--count``), ``--asan`` with the compiled modules rebuilt with
AddressSanitizer (gcc; from the C that ``make install`` leaves in build/cython, into
build/asan). Failing inputs are written to ``--out``
(default build/fuzz). Exit status 1 when anything crashed, hung or differed.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tests.corpus import CORPUS

ROOT = Path(__file__).resolve().parents[1]
URL = "http://fuzz.example.test/dir/page.html"
SOURCES = ("mutate", "truncate", "generated", "shapes", "sandbox")
ENCODINGS = ["utf-8", "UTF-8", "latin-1", "windows-1252", "shift_jis", "euc-jp", "iso-2022-jp", "gb18030", "big5",
             "euc-kr", "windows-1251", "koi8-r", "utf-16", "utf-16le", "utf-16be", "x-user-defined", "iso-8859-8-i",
             "replacement", "bogus-charset", "utf-7", "base64", "rot13"]
BAD_BYTES = [b"\xff", b"\xfe", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf",
             b"\xf0\x9f\x98", b"\x80\x80", b"\xef\xbf\xbd", b"\x00", b"\xf8\x88\x80\x80\x80", b"\xe0\x80\x80"]
TAG = re.compile(rb"<[a-zA-Z/!][^<>]{0,200}>")


# -- inputs ------------------------------------------------------------------------------------

Input = tuple[bytes, Any]  # (body, headers)


def corpus_paths() -> list[Path]:
    return sorted(CORPUS.glob("*/source.html"))


def mutate(body: bytes, rng: random.Random) -> Input:
    """One random mutation of ``body`` (or several, one in four)."""
    headers = None
    data = bytearray(body)
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        kind = rng.randrange(7)
        if kind == 0 and data:  # byte flips
            for _ in range(rng.randint(1, 32)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == 1:  # a tag duplicated, many times
            tags = list(TAG.finditer(bytes(data)))
            if tags:
                tag = rng.choice(tags)
                data[tag.end():tag.end()] = tag.group() * rng.choice((1, 2, 50, 2000))
        elif kind == 2:  # tags removed
            tags = list(TAG.finditer(bytes(data)))
            for tag in sorted(rng.sample(tags, min(len(tags), rng.randint(1, 40))), key=lambda m: -m.start()):
                del data[tag.start():tag.end()]
        elif kind == 3 and data:  # NULs and bytes that are not UTF-8
            for _ in range(rng.randint(1, 40)):
                at = rng.randrange(len(data) + 1)
                data[at:at] = rng.choice(BAD_BYTES)
        elif kind == 4:  # a declared encoding
            encoding = rng.choice(ENCODINGS)
            if rng.random() < 0.5:
                headers = {"Content-Type": [f"text/html; charset={encoding}"]}
            else:
                data[0:0] = f'<meta charset="{encoding}">'.encode()
        elif kind == 5 and data:  # a slice of the page somewhere else in it
            start = rng.randrange(len(data))
            piece = bytes(data[start:start + rng.randint(1, 4000)])
            at = rng.randrange(len(data) + 1)
            data[at:at] = piece
        elif kind == 6:  # a byte-order mark, right or wrong
            data[0:0] = rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
    return bytes(data), headers


def corpus_input(index: int, seed: int) -> tuple[str, Input]:
    paths = corpus_paths()
    path = paths[index % len(paths)]
    rng = random.Random(f"mutate:{seed}:{index}")
    return f"mutate:{path.parent.name}:{index}", mutate(path.read_bytes(), rng)


def truncate_input(index: int, seed: int) -> tuple[str, Input]:
    paths = corpus_paths()
    path = paths[(index // 63) % len(paths)]
    body = path.read_bytes()
    cut = len(body) * (index % 63 + 1) // 64
    return f"truncate:{path.parent.name}:{index % 63 + 1}/64", (body[:cut], None)


def _deep(opening: bytes, closing: bytes, depth: int, middle: bytes = b"<a href=/deep>deep</a>") -> bytes:
    return opening * depth + middle + closing * depth


def shapes() -> list[tuple[str, Callable[[], Input]]]:
    """The heavy pages, built on demand."""
    big = b"word, " * 180_000  # ~1 MB
    return [
        ("1mb-text", lambda: (b"<p>" + big + b"<a href=/x>x</a></p>", None)),
        ("1mb-text-nbsp", lambda: (b"<div>" + "\u00a0\u3000x\uff0c".encode() * 200_000 + b"</div><a href=/>a</a>",
                                   None)),
        ("1mb-one-word", lambda: (b"<p><a href=/w>" + b"w" * 1_200_000 + b"</a></p>", None)),
        ("1mb-invalid-utf8", lambda: (b"<p>" + b"\xff\xc3 a," * 250_000 + b"<a href=/i>\xe2\x82</a></p>",
                                      {"Content-Type": ["text/html; charset=utf-8"]})),
        ("huge-attribute", lambda: (b"<a href='/" + b"h" * 2_000_000 + b"' title='" + b"t\xff" * 500_000
                                    + b"' class='" + b"author-bio " * 100_000 + b"'>x</a>", None)),
        ("many-attributes", lambda: (b"<a href=/m " + b" ".join(b"a%d=%d" % (i, i) for i in range(20_000))
                                     + b">m</a>", None)),
        ("50k-links", lambda: (b"<ul>" + b"".join(b"<li><a href='/l%d' rel=nofollow>link %d</a></li>" % (i, i)
                                                  for i in range(50_000)) + b"</ul>", None)),
        ("50k-links-one-block", lambda: (b"<p>" + b"".join(b"<a href='http://e%d.test/'>a%d</a> text, "
                                                           % (i % 500, i) for i in range(50_000)) + b"</p>", None)),
        ("deep-div", lambda: (_deep(b"<div>", b"</div>", 20_000), None)),
        ("deep-div-text", lambda: (_deep(b"<div class=content>text, more text ", b"</div>", 20_000), None)),
        ("deep-span", lambda: (_deep(b"<span>", b"</span>", 20_000), None)),
        ("deep-unclosed", lambda: (b"<div><p>x" * 20_000 + b"<a href=/u>u</a>", None)),
        ("deep-b", lambda: (b"<b>" * 20_000 + b"<a href=/b>b</a>", None)),
        ("deep-table", lambda: (_deep(b"<table><tr><td>", b"</td></tr></table>", 7_000), None)),
        ("deep-list", lambda: (_deep(b"<ul><li>", b"</li></ul>", 10_000), None)),
        ("deep-svg", lambda: (b"<svg>" + _deep(b"<g>", b"</g>", 20_000, b"<a href=/s>s</a>") + b"</svg>", None)),
        ("deep-math", lambda: (b"<math>" + _deep(b"<mrow>", b"</mrow>", 20_000) + b"</math>", None)),
        ("deep-article", lambda: (_deep(b"<article><section>", b"</section></article>", 10_000), None)),
        ("deep-a", lambda: (b"<a href=/1>" * 20_000, None)),
        ("deep-form", lambda: (_deep(b"<form action=/f><fieldset>", b"</fieldset></form>", 10_000), None)),
        ("deep-template", lambda: (_deep(b"<template><div>", b"</div></template>", 10_000), None)),
        ("deep-object", lambda: (_deep(b"<object>", b"</object>", 20_000), None)),
        ("deep-custom", lambda: (_deep(b"<x-a data-k>", b"</x-a>", 20_000), None)),
        ("deep-mixed", lambda: (b"".join(rng_tag(i) for i in range(20_000)) + b"<a href=/mix>mix</a>", None)),
        ("wide-siblings", lambda: (b"<div>" + b"<p>x</p>" * 200_000 + b"</div>", None)),
        ("many-text-nodes", lambda: (b"<p>" + b"a<!---->" * 200_000 + b"<a href=/t>t</a></p>", None)),
        ("nul-text", lambda: (b"<p>" + b"\x00" * 100_000 + b"<a href=/n>\x00</a></p>", None)),
        ("frameset", lambda: (b"<frameset>" + b"<frame src=/f%d>" % 1 * 5000 + b"</frameset>", None)),
        ("selects", lambda: (b"<select>" + b"<option><a href=/o>o</a><selectedcontent>" * 3000 + b"</select>", None)),
    ]


def rng_tag(index: int) -> bytes:
    tags = (b"<div>", b"<span>", b"<table>", b"<td>", b"<li>", b"<p>", b"<svg>", b"<math>", b"<a href=/r>", b"<form>",
            b"<section>", b"<template>", b"<select>", b"<object>", b"<foreignObject>", b"<mi>", b"<b>", b"<i>")
    return tags[(index * 2654435761) % len(tags)]


def sandbox_inputs() -> Iterator[tuple[str, Input]]:
    from bench.compare_extract import sandbox_pages
    from crawler.sandbox.server import _make_hostile

    for kind in ("huge", "garbage"):
        yield f"sandbox:hostile:{kind}", (_make_hostile(kind, 11), None)
    for name, body, _url, headers in sandbox_pages(40, 11):
        yield f"sandbox:{name}", (body, headers)


# -- generated markup (hypothesis) ---------------------------------------------------------------

TAGS = ["div", "p", "span", "a", "b", "i", "table", "tbody", "tr", "td", "th", "caption", "colgroup", "col", "thead",
        "tfoot", "form", "input", "button", "label", "fieldset", "template", "svg", "math", "foreignObject", "desc",
        "title", "mi", "mo", "mtext", "annotation-xml", "g", "text", "select", "option", "optgroup",
        "selectedcontent", "frameset", "frame", "iframe", "noscript", "noframes", "noembed", "textarea", "xmp",
        "script", "style", "area", "map", "img", "link", "meta", "base", "article", "section", "aside", "nav",
        "footer", "header", "main", "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h6", "pre", "code",
        "blockquote", "object", "embed", "html", "body", "head", "x-widget", "My-Tag", "A", "DIV", "svg:a", "font",
        "marquee", "plaintext", "image", "isindex", "hr", "br", "wbr", "picture", "source", "figure"]
ATTRIBUTES = ["href", "HREF", "src", "action", "rel", "class", "id", "style", "hidden", "aria-hidden", "role",
              "http-equiv", "content", "alt", "xlink:href", "XLINK:HREF", "xml:lang", "xmlns", "xmlns:xlink",
              "definitionurl", "viewbox", "itemprop", "data-x", "lang", "charset", "type", "name", "target", "\x00",
              "\ufffd", "a\u00e9", "on\u0000click", "xlink:show", "encoding"]
RAW_NAMES = [b"\xff", b"\xfe", b"\xc3", b"\xed\xa0\x80", b"\x80"]
VALUES = ["/a", "#top", "", " ", "http://other.example/x", "https://fuzz.example.test/", "javascript:void(0)",
          "mailto:x@y", "//cdn.example/", "http://[::1]/", "http://a b/", "/\u00e9\u00e8", "nofollow", "ugc sponsored",
          "NoFollow UGC", "author", "refresh", "0; url=/r", "5;URL='http://x.example/'", "display:none",
          "visibility: hidden", "true", "author-bio", "comment sidebar", "footer", "nav menu", "content article",
          "share social", "byline", "widget", "sponsored-label disclosure", "canonical", "main", "navigation",
          "complementary", "text/html; charset=utf-8", "\x00", "\ud7ff\ue000\uffff"]
WORDS = ["word", "Words,", "and", "more", "text.", "\u00a0", "\u3000", "\uff0c", "\u2028", "\x85", "\u200b", "a,b",
         "\x00", "\ufffd", "\U0001f600", "&amp;", "&nbsp;", "&#0;", "&#xD800;", "&#x110000;", "&lt;a href=/x&gt;",
         "\t", "\n", "\r", "\x0c", " ", "   ", "Lorem ipsum dolor sit amet, consectetur adipiscing elit,"]
LEAVES = ["<!-- comment -->", "<!--", "-->", "<!doctype html>", "<!DOCTYPE html PUBLIC '-//W3C//DTD HTML 4.01//EN'>",
          "<?xml version='1.0'?>", "<?pi data?>", "<![CDATA[cdata <a href=/c>]]>", "</div>", "</p>", "</table>",
          "</a>", "</svg>", "</template>", "<br/>", "<p/>", "<div", "<a href='/unclosed", "&", "<", ">", "</>"]


def _attribute(draw: Any) -> bytes:
    from hypothesis import strategies as st

    if draw(st.integers(0, 5)) == 0:  # names that are not UTF-8 (several decode alike)
        name = draw(st.sampled_from(RAW_NAMES))
    else:
        name = draw(st.sampled_from(ATTRIBUTES)).encode()
    if draw(st.booleans()):
        return name  # no value
    value = draw(st.sampled_from(VALUES) | st.text(max_size=12))
    quote = draw(st.sampled_from(("'", '"', "")))
    if not quote:
        value = value.replace(" ", "").replace(">", "") or "x"
    encoded = value.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 30)) == 0:
        encoded = encoded * draw(st.sampled_from((100, 5000)))
    return name + b"=" + quote.encode() + encoded + quote.encode()


def pages() -> Any:
    """Pages of random markup: (body, headers)."""
    from hypothesis import strategies as st

    text = st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=12).map(lambda ws: " ".join(ws).encode(
        "utf-8", "surrogatepass"))
    leaf = text | st.sampled_from(LEAVES).map(str.encode) | st.sampled_from(RAW_NAMES)

    @st.composite
    def element(draw: Any, children: Any) -> bytes:
        tag = draw(st.sampled_from(TAGS)).encode()
        attributes = draw(st.lists(st.composite(lambda d: _attribute(d))(), max_size=5))
        if attributes and draw(st.integers(0, 6)) == 0:
            attributes.append(attributes[0])  # a duplicate
        inner = b"".join(draw(st.lists(children, max_size=5)))
        close = draw(st.sampled_from((b"</" + tag + b">", b"</" + tag + b">", b"", b"</div>", b"/>")))
        return b"<" + tag + b"".join(b" " + a for a in attributes) + b">" + inner + close

    tree = st.recursive(leaf, lambda children: element(children), max_leaves=60)

    # Flat runs of link and block elements whose attributes come from a few names, raw bytes
    # among them: what it takes for attribute names to be confused between elements.
    soup_attribute = st.tuples(st.sampled_from(RAW_NAMES + [b"rel", b"class", b"hidden", b"style", b"href"]),
                               st.sampled_from([None, b"nofollow", b"/s", b"display:none", b"author-bio", b"x"]))
    soup_element = st.tuples(st.sampled_from([b"a href=/a", b"a", b"div", b"form action=/f", b"link href=/l", b"p"]),
                             st.lists(soup_attribute, max_size=5)).map(
        lambda e: b"<" + e[0] + b"".join(b" " + n + (b"=" + v if v else b"") for n, v in e[1]) + b">x")
    soup = st.lists(soup_element, min_size=2, max_size=30).map(b"".join)

    @st.composite
    def page(draw: Any) -> Input:
        body = b"".join(draw(st.lists(tree | soup, min_size=1, max_size=6)))
        repeat = draw(st.sampled_from((1, 1, 1, 1, 2, 300)))
        if repeat > 1:
            body = body * repeat  # deep when the pieces leave elements open
        headers = None
        declared = draw(st.sampled_from((None, "header", "header", "meta")))
        if declared:
            encoding = draw(st.sampled_from(["utf-8"] * len(ENCODINGS) + ENCODINGS))  # UTF-8 keeps raw bytes
            if declared == "header":
                headers = {"Content-Type": [f"text/html; charset={encoding}"]}
            else:
                body = f"<meta charset={encoding}>".encode() + body
        return body, headers

    return page()


# -- the worker ----------------------------------------------------------------------------------

def _outcome(body: bytes, headers: Any, compiled: bool) -> Any:
    from bench.compare_extract import page_record
    from crawler import treeview
    from crawler.links import parse_page

    treeview.set_compiled(compiled)
    try:
        return page_record(parse_page(body, URL, headers=headers))
    except RecursionError:
        return ("RecursionError",)
    except Exception as error:  # noqa: BLE001 (compared between the paths)
        return ("error", type(error).__name__)


def check(body: bytes, headers: Any) -> str | None:
    """None when both paths agree, else a short description."""
    compiled = _outcome(body, headers, True)
    pure = _outcome(body, headers, False)
    if compiled == pure:
        if isinstance(compiled, tuple):  # both failed alike: not a divergence, but say so
            _report(f"X {compiled}")
        return None
    if isinstance(compiled, tuple) or isinstance(pure, tuple):
        return f"compiled: {compiled if isinstance(compiled, tuple) else 'ok'}, pure: " \
               f"{pure if isinstance(pure, tuple) else 'ok'}"
    keys = [key for key in compiled if compiled[key] != pure[key]]
    if "links" in keys and len(compiled["links"]) == len(pure["links"]):
        at = next(i for i, (a, b) in enumerate(zip(compiled["links"], pure["links"], strict=True)) if a != b)
        fields = [k for k in compiled["links"][at] if compiled["links"][at][k] != pure["links"][at][k]]
        return f"link {at} differs in {fields}: {compiled['links'][at]} / {pure['links'][at]}"[:2000]
    return f"differs in {keys}"


def _report(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _save(out: Path, name: str, body: bytes, headers: Any, note: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:120]
    (out / f"{stem}.html").write_bytes(body)
    (out / f"{stem}.json").write_text(json.dumps({"name": name, "headers": headers, "note": note}))
    return out / f"{stem}.html"


def worker(source: str, seed: int, start: int, count: int, out: Path) -> None:
    """Check inputs ``start``... of ``source``; each is written to ``out/current`` first, so
    that the parent can keep the one a crash interrupted."""
    current = out / "current"
    out.mkdir(parents=True, exist_ok=True)

    def run(index: int, name: str, body: bytes, headers: Any) -> None:
        current.write_bytes(json.dumps({"name": name, "headers": headers}).encode() + b"\n" + body)
        _report(f"B {index} {name}")
        problem = check(body, headers)
        if problem is not None:
            _save(out / "differ", name, body, headers, problem)
            _report(f"D {index} {name} {problem}")

    if source == "generated":
        _generated(seed, start, count, run)
    elif source == "shapes":
        for index, (name, build) in enumerate(shapes()):
            if index >= start:
                run(index, f"shapes:{name}", *build())
    elif source == "sandbox":
        for index, (name, page) in enumerate(sandbox_inputs()):
            if index >= start:
                run(index, name, *page)
    else:
        make = corpus_input if source == "mutate" else truncate_input
        total = count if source == "mutate" else 63 * len(corpus_paths())
        for index in range(start, total):
            name, page = make(index, seed)
            run(index, name, *page)
    _report("DONE")


def _generated(seed: int, start: int, count: int, run: Callable[..., None]) -> None:
    from hypothesis import HealthCheck, given, settings

    counter = [start]

    @settings(max_examples=max(count - start, 1), deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(page=pages())
    def one(page: tuple[bytes, Any]) -> None:
        index = counter[0]
        counter[0] += 1
        body, headers = page
        run(index, f"generated:{seed}:{index}", body, headers)

    import hypothesis

    hypothesis.seed(seed * 1_000_003 + start)(one)()


# -- the parent --------------------------------------------------------------------------------

#: A worker says first which compiled module it loaded (the ASan build must be the one).
WORKER = ("import crawler._fastdom, sys; print('I', crawler._fastdom.__file__, flush=True); "
          "from bench.fuzz_extract import main; sys.exit(main(sys.argv[1:]))")


def _command(args: argparse.Namespace, source: str, start: int) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("BACKLINKS_PURE_PYTHON", None)
    python = [sys.executable]
    if args.dev:
        python += ["-X", "dev"]
    if args.malloc_debug:
        env["PYTHONMALLOC"] = "debug"
    prefix: list[str] = []
    if args.asan:
        env["PYTHONPATH"] = f"{args.asan}{os.pathsep}{ROOT}"
        env["LD_PRELOAD"] = _gcc("-print-file-name=libasan.so")
        env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1"
        env["PYTHONMALLOC"] = "malloc"  # freed objects go back to ASan, which poisons them
    if args.valgrind:
        env["PYTHONMALLOC"] = "malloc"
        prefix = ["valgrind", "--tool=memcheck", "--quiet", "--track-origins=no",
                  f"--log-file={args.out}/valgrind-{source}-%p.log"]
    worker_args = ["-c", WORKER, "--worker", source, "--seed", str(args.seed), "--start", str(start),
                   "--count", str(args.count), "--out", str(args.out)]
    return prefix + python + worker_args, env


def _gcc(*arguments: str) -> str:
    return subprocess.run(["gcc", *arguments], check=True, capture_output=True, text=True).stdout.strip()


def build_asan(target: Path) -> Path:
    """A copy of the crawler package whose compiled modules are built with AddressSanitizer,
    from the C that ``make install`` left under build/cython (workers import it first)."""
    import sysconfig

    sources = ROOT / "build" / "cython" / "crawler"
    for pyx in (ROOT / "crawler").glob("_fast*.pyx"):
        c = sources / f"{pyx.stem}.c"
        if not c.exists() or c.stat().st_mtime < pyx.stat().st_mtime:
            raise SystemExit(f"{c} is missing or older than {pyx.name}: run make install first")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ROOT / "crawler", target / "crawler", ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    headers = ROOT / "build" / "selectolax-1.0.2-headers"
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    for c in sorted(sources.glob("_fast*.c")):
        _gcc("-shared", "-fPIC", "-fsanitize=address", "-fno-omit-frame-pointer", "-g", "-O1", "-DLEXBOR_STATIC",
             f"-I{sysconfig.get_paths()['include']}", f"-I{headers}", str(c), "-o",
             str(target / "crawler" / f"{c.stem}{suffix}"))
    return target


def _pump(stream: Any, lines: queue.Queue[bytes | None]) -> None:
    for raw in stream:
        lines.put(raw)
    lines.put(None)


def run_source(args: argparse.Namespace, source: str) -> dict[str, int]:
    """Run ``source`` in workers until done, restarting after each crash or hang."""
    totals = {"inputs": 0, "crashes": 0, "hangs": 0, "differ": 0, "errors": 0, "both_failed": 0}
    start = 0
    started = time.monotonic()
    while True:
        command, env = _command(args, source, start)
        # The ASan copy of the package is found first only when it is the working directory
        # (python -c puts that first on sys.path).
        process = subprocess.Popen(command, cwd=args.asan or ROOT, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        lines: queue.Queue[bytes | None] = queue.Queue()
        threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()
        last, name, done, hung = start - 1, "", False, False
        while True:
            try:
                raw = lines.get(timeout=args.timeout)
            except queue.Empty:
                hung = True
                process.kill()
                break
            if raw is None:
                break
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if line.startswith("I "):
                if args.asan and not line[2:].startswith(str(args.asan)):
                    raise SystemExit(f"the worker loaded {line[2:]}, not the AddressSanitizer build")
            elif line.startswith("B "):
                _, index, name = line.split(" ", 2)
                last = int(index)
                totals["inputs"] += 1
            elif line.startswith("X "):
                totals["both_failed"] += 1
                print(f"[{source}] BOTH PATHS FAILED on {name}: {line[2:]}", flush=True)
            elif line.startswith("D "):
                totals["differ"] += 1
                print(f"[{source}] DIFFERS {line[2:]}", flush=True)
            elif line == "DONE":
                done = True
        code = process.wait()
        stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
        if done and code == 0:
            break
        if not done and not hung and last < start:
            print(f"[{source}] worker failed before its first input (exit {code}):\n{stderr[-3000:]}", flush=True)
            totals["errors"] += 1
            break
        kind = "hangs" if hung else "crashes" if code < 0 or code in (99, 134, 139) else "errors"
        totals[kind] += 1
        current = args.out / "current"
        if current.exists() and last >= start:
            header, _, body = current.read_bytes().partition(b"\n")
            meta = json.loads(header)
            saved = _save(args.out / kind, meta["name"], body, meta["headers"], f"exit {code}\n{stderr[-4000:]}")
            print(f"[{source}] {kind.upper()[:-1]} (exit {code}) on {name}: saved {saved}\n{stderr[-1500:]}",
                  flush=True)
        if done:  # a non-zero exit after the last input (valgrind's error exit code)
            break
        start = last + 1
    totals["seconds"] = round(time.monotonic() - started)
    return totals


#: Frames that make a valgrind report ours (CPython itself reports a few uninitialised
#: reads at start-up: random seeding, the small-int cache).
OURS = re.compile(r"crawler/_fast|_fast(dom|main|place|links)\.c|lexbor|selectolax")


def valgrind_findings(out: Path) -> list[str]:
    """The memcheck reports of the workers' logs whose stack passes through the compiled
    extractor, lexbor or selectolax."""
    found = []
    for log in sorted(out.glob("valgrind-*.log")):
        for block in re.split(r"\n==\d+== \n", log.read_text(errors="replace")):
            if OURS.search(block) and "definitely lost" not in block and "possibly lost" not in block:
                found.append(f"{log.name}:\n{block.strip()}")
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", action="append", choices=SOURCES)
    parser.add_argument("--count", type=int, default=5000, help="inputs for mutate and generated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--worker", choices=SOURCES, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds of silence that count as a hang")
    parser.add_argument("--dev", action="store_true", help="workers under python -X dev")
    parser.add_argument("--malloc-debug", action="store_true", help="workers with PYTHONMALLOC=debug")
    parser.add_argument("--valgrind", action="store_true", help="workers under valgrind memcheck")
    parser.add_argument("--asan", action="store_const", const=ROOT / "build" / "asan",
                        help="workers with the compiled modules built with AddressSanitizer (gcc)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "fuzz")
    args = parser.parse_args(argv)
    args.out = args.out.resolve()
    if args.worker:
        try:
            worker(args.worker, args.seed, args.start, args.count, args.out)
        except BaseException:
            traceback.print_exc()
            raise
        return 0
    from crawler import treeview

    if not treeview.compiled_available():
        print("crawler._fastdom is not built: nothing to fuzz", file=sys.stderr)
        return 2
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    if args.asan:
        build_asan(args.asan)
    failed = False
    for source in args.source or SOURCES:
        totals = run_source(args, source)
        print(f"{source}: {json.dumps(totals)}", flush=True)
        failed |= any(totals[key] for key in ("crashes", "hangs", "differ", "errors"))
    if args.valgrind:
        findings = valgrind_findings(args.out)
        print(f"valgrind: {len(findings)} reports through the compiled extractor, lexbor or selectolax")
        for finding in findings[:20]:
            print(finding[:3000])
        failed |= bool(findings)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
