"""Where the shared corpus of real web pages is (Mozilla Readability's test pages, each with
the main content Readability extracts): ``BACKLINKS_CORPUS_DIR`` if set, else
``../shared/corpus/readability`` beside the checkout, else ``/work/shared/corpus/readability``.
Tests that need it are skipped, with that path in the reason, when none of these exists."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def find_corpus() -> Path:
    candidates = [ROOT.parent / "shared" / "corpus" / "readability",
                  Path("/work/shared/corpus/readability")]  # fmt: skip
    given = os.environ.get("BACKLINKS_CORPUS_DIR")
    if given:
        return Path(given)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]


CORPUS = find_corpus()
