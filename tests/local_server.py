"""A small real HTTP server for crawl tests that need answers the sandbox web does not
give (a listener on every loopback address, exact timings). Routes map a path to
(status, headers, body); every request is recorded with its Host header and time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    body: bytes = b""


@dataclass
class Hit:
    host: str
    path: str
    at: float


class LocalWeb:
    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.hits: list[Hit] = []
        self.port = 0

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def hosts_hit(self) -> set[str]:
        return {hit.host for hit in self.hits}


@contextmanager
def local_web(routes: dict[str, Route]) -> Iterator[LocalWeb]:
    web = LocalWeb(routes)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            web.hits.append(Hit(self.headers.get("Host", ""), self.path, time.monotonic()))
            route = web.routes.get(self.path, Route(404, {"Content-Type": "text/html"}, b"not found"))
            body = route.body
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value.replace("{port}", str(web.port)))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = ThreadingHTTPServer(("0.0.0.0", 0), Handler)
    server.daemon_threads = True
    web.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield web
    finally:
        server.shutdown()
        server.server_close()
