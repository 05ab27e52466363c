"""Is extraction output the same? ``python -m bench.compare_extract [--save FILE | --check FILE]``.

Pages: the real corpus (../shared/corpus/readability/*/source.html) and every HTML page of a
generated sandbox web (``--sites``, ``--seed``). Each page's ``parse_page`` result is reduced
to plain data (every link field, the page text and facts; sets sorted) so two runs can be
compared exactly.

- no option: compiled path (crawler._fastdom) against the pure-Python path, in this process;
- ``--save FILE``: write the records of the current code (e.g. before a change) to FILE;
- ``--check FILE``: compare the current code's records with FILE.

Exit status 1 when any page differs; the first differing pages are printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from crawler import treeview
from crawler.items import Page
from crawler.links import parse_page
from tests.corpus import CORPUS

CORPUS_URL = "http://fakehost/test/page.html"


def _plain(value: Any) -> Any:
    if isinstance(value, (frozenset, set)):
        return sorted(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def page_record(page: Page) -> dict[str, Any]:
    """Everything ``parse_page`` said about a page, as JSON-able data."""
    return _plain(asdict(page))


def corpus_pages(corpus: Path = CORPUS) -> Iterator[tuple[str, bytes, str, Any]]:
    """(name, body, url, headers) of the corpus pages."""
    for path in sorted(corpus.glob("*/source.html")):
        yield path.parent.name, path.read_bytes(), CORPUS_URL, None


def sandbox_pages(sites: int, seed: int) -> Iterator[tuple[str, bytes, str, Any]]:
    """(url, body, url, headers) of the HTML pages of a generated sandbox web."""
    from crawler.sandbox import build_web

    web = build_web(sites, seed)
    for url in sorted(web.page_map):
        answer = web.response(url)
        if not isinstance(answer, tuple):
            continue
        _status, headers, body = answer
        if dict(headers).get("Content-Type", "").startswith("text/html"):
            yield url, body, url, {key: [value] for key, value in headers}


def records(pages: list[tuple[str, bytes, str, Any]]) -> dict[str, Any]:
    return {name: page_record(parse_page(body, url, headers=headers)) for name, body, url, headers in pages}


def differences(left: dict[str, Any], right: dict[str, Any]) -> list[str]:
    """Names of the pages whose records differ (or that only one side has)."""
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


def _report(diff: list[str], total: int, what: str) -> int:
    print(f"{total} pages compared ({what}): {len(diff)} differ")
    for name in diff[:10]:
        print(f"  differs: {name}")
    return 1 if diff else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sites", type=int, default=60, help="sandbox sites (0: corpus only)")
    parser.add_argument("--seed", type=int, default=7)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--save", type=Path, help="write the current records to this file")
    group.add_argument("--check", type=Path, help="compare the current records with this file")
    args = parser.parse_args(argv)
    pages = list(corpus_pages(args.corpus))
    if args.sites:
        pages += list(sandbox_pages(args.sites, args.seed))
    path = "compiled" if treeview.using_compiled() else "pure Python"
    if args.save:
        args.save.write_text(json.dumps(records(pages)))
        print(f"{len(pages)} page records ({path}) written to {args.save}")
        return 0
    if args.check:
        saved = json.loads(args.check.read_text())
        return _report(differences(saved, records(pages)), len(pages), f"{path} against {args.check}")
    if not treeview.compiled_available():
        print("crawler._fastdom is not built: nothing to compare against", file=sys.stderr)
        return 2
    previous = treeview.set_compiled(True)
    try:
        compiled = records(pages)
        treeview.set_compiled(False)
        pure = records(pages)
    finally:
        treeview.set_compiled(previous)
    return _report(differences(compiled, pure), len(pages), "compiled against pure Python")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
