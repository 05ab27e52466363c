"""The sandbox web's HTTP server: one asyncio process on loopback that a crawler uses as its
HTTP proxy (absolute-form ``GET http://host.test/path``; origin-form with a Host header and
HEAD work too). Answers are pre-built bytes, connections are kept alive.

- sandbox hosts: the page, redirect, file, error or hostile answer of that URL; robots.txt;
- private, loopback, link-local and reserved addresses and ``localhost``: 403, counted;
- any other host: 502 (what a proxy answers when DNS fails);
- ``GET http://sandbox.test/__stats``: JSON counters (requests, statuses, private hits ...).
"""

from __future__ import annotations

import asyncio
import gzip
import io
import ipaddress
import json
import random
import socket
import struct
import zlib
from collections import Counter

import ada_url

from crawler.sandbox import Web
from crawler.sandbox.model import Hostile

STATS_HOST = "sandbox.test"
_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 400: "Bad Request", 403: "Forbidden",
            404: "Not Found", 405: "Method Not Allowed", 431: "Request Header Fields Too Large",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
#: Sizes of the hostile answers.
BOMB_INFLATED = 210 * 1024 * 1024
HUGE_SIZE = 12 * 1024 * 1024
_MAX_HEAD = 64 * 1024


def is_private_host(host: str) -> bool:
    """Loopback, private, link-local, reserved or unspecified addresses and localhost names."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return not ipaddress.ip_address(name).is_global
    except ValueError:
        return False


def _head(status: int, headers, length: int) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}", "Server: sandbox-web"]
    lines += [f"{name}: {value}" for name, value in headers]
    lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


class Answers:
    """Pre-built answers and the counters, shared by all connections."""

    def __init__(self, web: Web) -> None:
        self.web = web
        self.stats: Counter[str] = Counter()
        self.private_hosts: Counter[str] = Counter()
        self._built: dict[str, tuple[bytes, bytes]] = {}
        self._hostile: dict[str, bytes] = {}

    def lookup(self, url: str) -> tuple[bytes, bytes] | Hostile | None:
        built = self._built.get(url)
        if built is not None:
            return built
        if "://" not in url:
            return None
        answer = self.web.response(url)
        if answer is None or isinstance(answer, Hostile):
            return answer
        status, headers, body = answer
        built = (_head(status, headers, len(body)), body)
        if status != 404:
            self._built[url] = built
        return built

    def simple(self, status: int, text: str) -> tuple[bytes, bytes]:
        body = text.encode("utf-8")
        return _head(status, (("Content-Type", "text/plain; charset=utf-8"),), len(body)), body

    def stats_json(self) -> tuple[bytes, bytes]:
        data = {"requests": self.stats["requests"], "pages_served": self.stats["pages_served"],
                "private_address_hits": self.stats["private"],
                "private_hosts": dict(sorted(self.private_hosts.items())),
                "unknown_host": self.stats["unknown_host"],
                "statuses": {k[7:]: v for k, v in sorted(self.stats.items()) if k.startswith("status/")},
                "hostile": {k[8:]: v for k, v in sorted(self.stats.items()) if k.startswith("hostile/")},
                "sites": self.web.size, "seed": self.web.seed}
        body = json.dumps(data, sort_keys=True).encode()
        return _head(200, (("Content-Type", "application/json"), ("Cache-Control", "no-store")), len(body)), body

    def hostile_body(self, kind: str) -> bytes:
        body = self._hostile.get(kind)
        if body is None:
            body = self._hostile[kind] = _make_hostile(kind, self.web.seed)
        return body


def _make_hostile(kind: str, seed: int) -> bytes:
    if kind == "bomb":
        # Deflate cannot beat ~1:1030, so 210 MB of inflated HTML is ~200 KB on the wire.
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
        chunk = b" " * (1 << 20)
        parts = [compressor.compress(b'<html><body><a href="http://bomb-payload.test/">bomb</a>')]
        parts += [compressor.compress(chunk) for _ in range(BOMB_INFLATED >> 20)]
        parts.append(compressor.flush())
        return b"".join(parts)
    if kind == "huge":
        row = b"<p>" + b"All work and no play makes a very large page. " * 20 + b"</p>\n"
        body = b"<!DOCTYPE html><html><head><title>Everything</title></head><body>\n"
        body += row * (HUGE_SIZE // len(row) + 1)
        return body + b'<a href="http://huge-page-payload.test/">payload</a></body></html>\n'
    if kind == "garbage":
        rng = random.Random(seed * 7919 + 1)
        return bytes(b if b != 0x3C else 0 for b in rng.randbytes(24 * 1024))
    raise ValueError(kind)


class Connection(asyncio.Protocol):
    def __init__(self, answers: Answers, own_host: str) -> None:
        self.answers = answers
        self.own_host = own_host
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.skip = 0
        self.stalled = False

    def connection_made(self, transport) -> None:
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        if self.stalled or self.transport is None:
            return
        self.buffer += data
        while self.transport is not None and not self.stalled:
            if self.skip:
                dropped = min(self.skip, len(self.buffer))
                del self.buffer[:dropped]
                self.skip -= dropped
                if self.skip:
                    return
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > _MAX_HEAD:
                    self._send(self.answers.simple(431, "request head too large\n"), close=True)
                return
            head = bytes(self.buffer[:end])
            del self.buffer[: end + 4]
            self._request(head)

    def _request(self, head: bytes) -> None:
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ")
        if len(parts) != 3:
            self._send(self.answers.simple(400, "bad request line\n"), close=True)
            return
        method, target, version = parts[0].decode("latin-1"), parts[1].decode("latin-1"), parts[2]
        host_header, close = "", version == b"HTTP/1.0"
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"host":
                host_header = value.strip().decode("latin-1").lower()
            elif name in (b"connection", b"proxy-connection"):
                token = value.strip().lower()
                close = token == b"close" or (close and token != b"keep-alive")
            elif name == b"content-length" and value.strip().isdigit():
                self.skip = int(value.strip())
        stats = self.answers.stats
        stats["requests"] += 1
        if method == "CONNECT":
            host = target.rsplit(":", 1)[0]
            self._private_or(host, lambda: self._send(self.answers.simple(502, "no tunnels here\n"), close=True))
            return
        if method not in ("GET", "HEAD"):
            self._send(self.answers.simple(405, "only GET and HEAD\n"), close=close)
            return
        head_only = method == "HEAD"
        if target.startswith("/"):
            if host_header in (self.own_host, "") or host_header == STATS_HOST:
                if target.split("?", 1)[0] == "/__stats":
                    self._send(self.answers.stats_json(), close, head_only)
                else:
                    self._send(self.answers.simple(404, "sandbox web proxy: see GET http://sandbox.test/__stats\n"),
                               close, head_only)
                return
            url = f"http://{host_header}{target}"
        else:
            url = target
        self._serve(url, close, head_only)

    def _private_or(self, host: str, otherwise) -> None:
        if is_private_host(host):
            self.answers.stats["private"] += 1
            self.answers.private_hosts[host] += 1
            self.answers.stats["status/403"] += 1
            self._send(self.answers.simple(403, f"refused: {host} is a private address\n"), close=True)
        else:
            otherwise()

    def _serve(self, url: str, close: bool, head_only: bool) -> None:
        answers = self.answers
        answer = answers.lookup(url)
        if answer is None:
            try:
                parsed = ada_url.URL(url)
            except ValueError:
                self._send(answers.simple(400, "bad URL\n"), close=True)
                return
            if parsed.protocol not in ("http:", "https:"):
                self._send(answers.simple(400, "only http URLs\n"), close=True)
                return
            parsed.hash = ""
            normal, host = parsed.href, parsed.hostname
            if host == STATS_HOST and parsed.pathname == "/__stats":
                self._send(answers.stats_json(), close, head_only)
                return
            answer = answers.lookup(normal) if normal != url else None
            if answer is None:
                def unknown() -> None:
                    answers.stats["unknown_host"] += 1
                    answers.stats["status/502"] += 1
                    self._send(answers.simple(502, f"sandbox web: no such host {host}\n"), close, head_only)
                self._private_or(host, unknown)
                return
        if isinstance(answer, Hostile):
            self._hostile(answer, close, head_only)
            return
        status = int(answer[0][9:12])
        answers.stats[f"status/{status}"] += 1
        if status == 200 and answer[0].find(b"text/html") > 0:
            answers.stats["pages_served"] += 1
        self._send(answer, close, head_only)

    def _send(self, answer: tuple[bytes, bytes], close: bool, head_only: bool = False) -> None:
        transport = self.transport
        if transport is None:
            return
        head, body = answer
        tail = b"Connection: close\r\n\r\n" if close else b"Connection: keep-alive\r\n\r\n"
        transport.write(head + tail if head_only else head + tail + body)
        if close:
            transport.close()
            self.transport = None

    def _hostile(self, answer: Hostile, close: bool, head_only: bool) -> None:
        answers = self.answers
        answers.stats[f"hostile/{answer.kind}"] += 1
        if answer.kind == "loop":
            answers.stats["status/302"] += 1
            self._send((_head(302, (("Location", answer.location),), 0), b""), close, head_only)
        elif answer.kind in ("bomb", "huge", "garbage"):
            body = answers.hostile_body(answer.kind)
            headers = [("Content-Type", "text/html")]
            if answer.kind == "bomb":
                headers.append(("Content-Encoding", "gzip"))
            answers.stats["status/200"] += 1
            self._send((_head(200, headers, len(body)), body), close, head_only)
        elif answer.kind == "reset":
            self._partial(b"<!DOCTYPE html><html><body><p>" + b"streaming " * 200)
            transport = self.transport
            sock = transport.get_extra_info("socket") if transport is not None else None
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            asyncio.get_running_loop().call_later(0.02, self._abort)
        else:  # stall: a head and a little body, then nothing until the client gives up
            self._partial(b"<!DOCTYPE html><html><body><p>Loading the report")

    def _partial(self, start: bytes) -> None:
        self.stalled = True
        if self.transport is not None:
            head = _head(200, (("Content-Type", "text/html; charset=utf-8"),), len(start) * 50)
            self.transport.write(head + b"Connection: keep-alive\r\n\r\n" + start)

    def _abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()
            self.transport = None

    def connection_lost(self, exc) -> None:
        self.transport = None


async def serve(web: Web, port: int, host: str = "127.0.0.1") -> asyncio.Server:
    """Start listening; the bound port is ``server.sockets[0].getsockname()[1]``."""
    answers = Answers(web)
    loop = asyncio.get_running_loop()
    holder: dict[str, str] = {}
    server = await loop.create_server(lambda: Connection(answers, holder["own"]), host, port, reuse_address=True,
                                      backlog=1024)
    holder["own"] = f"{host}:{server.sockets[0].getsockname()[1]}"
    server.answers = answers  # type: ignore[attr-defined]
    return server


def gunzip_size(body: bytes) -> int:
    """Inflated size of a gzip body (for tests), read in chunks."""
    size = 0
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
        while chunk := stream.read(1 << 20):
            size += len(chunk)
    return size
