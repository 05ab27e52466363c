"""A running sandbox web for any test: ``with running_sandbox(60, 11, path) as sandbox:``.

The sandbox is a child process serving on a free loopback port; ``sandbox.proxy_url`` is the
HTTP proxy to give the crawler, ``sandbox.seed_urls`` its seeds. When ``ground_truth_path`` is
given, the ground truth is written there (JSON lines) before the sandbox is ready.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crawler.sandbox.process import SandboxProcess


@contextmanager
def running_sandbox(sites: int, seed: int, ground_truth_path: str | Path | None = None) -> Iterator[SandboxProcess]:
    sandbox = SandboxProcess(sites=sites, seed=seed, ground_truth=ground_truth_path)
    sandbox.start()
    try:
        yield sandbox
    finally:
        sandbox.stop()
