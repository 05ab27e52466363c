"""Run the sandbox web as a child process (for the demo, the tests and the benchmarks).

    with SandboxProcess(sites=60, seed=7, ground_truth=path) as sandbox:
        sandbox.proxy_url   # "http://127.0.0.1:PORT": give it to Scrapy as http_proxy
        sandbox.seed_urls   # where a crawl of the whole web starts
        sandbox.report_site # a well-linked site, for reports
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

READY_PREFIX = "sandbox listening on "


class SandboxProcess:
    def __init__(self, sites: int, seed: int, ground_truth: str | Path | None = None,
                 startup_timeout: float = 60.0) -> None:
        self.sites = sites
        self.seed = seed
        self.ground_truth = Path(ground_truth) if ground_truth else None
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        self.proxy_url = ""
        self.port = 0
        self._web = None

    @property
    def web(self):
        if self._web is None:
            from crawler.sandbox import build_web

            self._web = build_web(self.sites, self.seed)
        return self._web

    @property
    def seed_urls(self) -> list[str]:
        return list(self.web.seed_urls())

    @property
    def report_site(self) -> str:
        """The site with the most referring sites in the ground truth."""
        from crawler.urls import host_of, site_of

        referring: dict[str, set[str]] = {}
        for line in self.web.ground_truth():
            source = site_of(host_of(line["source_url"]))
            target = site_of(host_of(line["target_url"]))
            if source != target and not line.get("toxic"):
                referring.setdefault(target, set()).add(source)
        counts = Counter({site: len(sources) for site, sources in referring.items()})
        return counts.most_common(1)[0][0]

    def stats(self) -> dict:
        """The sandbox's own counters (requests served, statuses, private-address hits),
        from ``GET http://sandbox.test/__stats`` through the proxy."""
        import json
        import urllib.request

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": self.proxy_url}))
        with opener.open("http://sandbox.test/__stats", timeout=10) as answer:
            return json.loads(answer.read().decode("utf-8"))

    def start(self) -> SandboxProcess:
        command = [sys.executable, "-m", "crawler.sandbox", "serve", "--port", "0",
                   "--sites", str(self.sites), "--seed", str(self.seed)]
        if self.ground_truth:
            command += ["--ground-truth", str(self.ground_truth)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        deadline = time.monotonic() + self.startup_timeout
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            if line.startswith(READY_PREFIX):
                self.proxy_url = line[len(READY_PREFIX):].strip()
                self.port = int(self.proxy_url.rsplit(":", 1)[1])
                return self
        self.stop()
        raise RuntimeError("the sandbox web did not start: run `python -m crawler.sandbox serve` to see why")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
