"""Link extraction speed on real pages: ``python -m bench.bench_extract [--rounds N]``.

Single core, the Readability corpus (../shared/corpus/readability/*/source.html), all in one
run so the ratios compare like with like:

- ours: ``crawler.links.extract_links`` with every field filled (positions, regions,
  context, page facts);
- baseline 1: Scrapy's ``LinkExtractor().extract_links(HtmlResponse)``;
- baseline 2: a bare parse of the same bytes by the parser we use (selectolax lexbor).

Targets: at least 5x LinkExtractor's pages/s, at most 2.5x the bare parse time. The ratios
are those of the path ``extract_links`` takes by default: compiled (crawler._fastdom, when
built) or pure Python (``BACKLINKS_PURE_PYTHON=1``, or not built); when the compiled path is
there, the pure-Python one is timed too, in the same run, for the before/after ratio.
The contenders are timed in rounds, one pass of each in turn per round, so that their best
passes come from the same minute (the shared machine's speed drifts by several per cent
within minutes); the ratio of the bests is printed, and the spread of the ratios of the
same round's passes (each a comparison within a second or so). Those are warm figures (the best of several passes over
the same pages, so the caches of class and id names, URLs and markers hold every page's); a
crawler keeps meeting new sites, so the first pass over the pages in a fresh interpreter,
with every cache empty, is reported too (``first pass``, the best of that many fresh
interpreters).
It runs with a fixed glibc mmap threshold (STABLE_MALLOC; ``--malloc-default`` to measure
without it), which makes the bare parse's time stable instead of bimodal.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor
from selectolax.lexbor import LexborHTMLParser

from crawler import treeview
from crawler.links import extract_links
from tests.corpus import CORPUS

URL = "http://fakehost/test/page.html"

#: glibc serves allocations above its mmap threshold (128 KiB at first, raised as mmapped
#: blocks are freed) with fresh mmapped pages, each page-faulted and zeroed on first use. A
#: lexbor tree of a 200 KiB page makes such allocations, so the bare parse took 0.32 or
#: 0.45-0.63 ms per page depending on where glibc's threshold happened to be in that run,
#: and the parse ratio swung between 2.7x and 3.9x for the same code. The benchmark runs with
#: this fixed threshold unless --malloc-default is given or GLIBC_TUNABLES is already set.
STABLE_MALLOC = "glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=268435456"


def _interleaved(
    rounds: int, bodies: list[bytes], contenders: dict[str, Callable[[bytes], object]]
) -> dict[str, list[float]]:
    """Seconds for one pass over all pages per contender and round. A round times one pass
    of each contender in turn, so that every ratio compares passes run within the same
    second or so of a shared machine whose speed drifts by several per cent in minutes."""
    passes: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, work in contenders.items():
            start = time.perf_counter()
            for body in bodies:
                work(body)
            passes[name].append(time.perf_counter() - start)
    return passes


#: A tiny page extracted before a first pass is timed: the modules imported on first use
#: are loaded, and no page of the corpus is seen.
_TINY_PAGE = b"<html><body><p class=x>hi <a href=/a>a</a></p></body></html>"


def _first_pass_here(bodies: list[bytes]) -> float:
    """Seconds for this interpreter's first pass over all pages (after the tiny page)."""
    extract_links(_TINY_PAGE, "http://fakehost/")
    start = time.perf_counter()
    for body in bodies:
        extract_links(body, URL)
    return time.perf_counter() - start


def _first_pass(rounds: int, corpus: Path, malloc_default: bool) -> float:
    """Seconds for the first pass over all pages in a fresh interpreter (every cache empty),
    the best of ``rounds`` interpreters."""
    command = [sys.executable, "-m", "bench.bench_extract", "--first-pass-only", "--corpus", str(corpus)]
    if malloc_default:
        command.append("--malloc-default")
    return min(float(subprocess.run(command, capture_output=True, text=True, check=True).stdout) for _ in range(rounds))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes per contender (best is kept)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of */source.html pages")
    parser.add_argument("--malloc-default", action="store_true",
                        help="measure with glibc's adaptive mmap threshold (see STABLE_MALLOC)")
    parser.add_argument("--first-pass-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.malloc_default and "GLIBC_TUNABLES" not in os.environ and sys.platform == "linux":
        # Restart with the fixed threshold (the tunable is read when the process starts).
        os.execve(sys.executable, [sys.executable, "-m", "bench.bench_extract", *argv],
                  {**os.environ, "GLIBC_TUNABLES": STABLE_MALLOC})
    pages = sorted(args.corpus.glob("*/source.html"))
    if not pages:
        print(f"error: no */source.html under {args.corpus}; pass --corpus DIR", file=sys.stderr)
        return 2
    bodies = [p.read_bytes() for p in pages]
    if args.first_pass_only:
        print(_first_pass_here(bodies))
        return 0
    extractor = LinkExtractor()

    def scrapy_links(body: bytes) -> object:
        return extractor.extract_links(HtmlResponse(URL, body=body, encoding="utf-8"))

    def ours(body: bytes) -> object:
        return extract_links(body, URL)

    compiled = treeview.using_compiled()
    path = "compiled" if compiled else "pure Python"

    def pure(body: bytes) -> object:
        previous = treeview.set_compiled(False)
        try:
            return extract_links(body, URL)
        finally:
            treeview.set_compiled(previous)

    contenders: dict[str, Callable[[bytes], object]] = {
        "bare lexbor parse": LexborHTMLParser,
        f"extract_links ({path})": ours,
        "scrapy LinkExtractor": scrapy_links,
    }
    if compiled:
        contenders["extract_links (pure Python)"] = pure
    passes = _interleaved(args.rounds, bodies, contenders)
    timings = {name: min(seconds) for name, seconds in passes.items()}
    round_ratios = sorted(
        mine / bare for mine, bare in zip(passes[f"extract_links ({path})"], passes["bare lexbor parse"], strict=True)
    )
    timings[f"extract_links ({path}), first pass"] = _first_pass(args.rounds, args.corpus, args.malloc_default)
    n = len(bodies)
    links = sum(len(extract_links(b, URL)) for b in bodies)
    size = sum(len(b) for b in bodies) / n / 1024
    print(f"{n} pages, {size:.0f} KiB and {links / n:.0f} links per page on average, best of {args.rounds}")
    print(f"  malloc: {os.environ.get('GLIBC_TUNABLES') or 'glibc defaults (adaptive mmap threshold)'}")
    if not treeview.compiled_available():
        print("  (crawler._fastdom is not built: the pure-Python path runs)")
    for name, seconds in timings.items():
        print(f"  {name:36} {n / seconds:8.1f} pages/s  {seconds / n * 1e3:7.3f} ms/page")
    mine = timings[f"extract_links ({path})"]
    print(f"  path: {path}")
    print(f"  throughput vs LinkExtractor:  {timings['scrapy LinkExtractor'] / mine:5.2f}x  (target >= 5x)")
    print(f"  time vs bare parse:           {mine / timings['bare lexbor parse']:5.2f}x  (target <= 2.5x)")
    print(f"    per round (same second):    {round_ratios[0]:.2f}x to {round_ratios[-1]:.2f}x,"
          f" median {round_ratios[len(round_ratios) // 2]:.2f}x")
    if compiled:
        print(f"  compiled vs pure Python:      {timings['extract_links (pure Python)'] / mine:5.2f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
