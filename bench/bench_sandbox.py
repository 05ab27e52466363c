"""Sandbox web server throughput: pages/s through the proxy, against a trivial fixed-response
asyncio server measured the same way in the same run.

    python -m bench.bench_sandbox [--sites 200] [--seed 3] [--requests 30000] [--clients 2] [--pipeline 1]

Both servers run as child processes on one core each; the load comes from ``--clients``
processes, each with 8 keep-alive connections sending absolute-form ``GET http://host/path``
requests for every HTML page of the web in turn, one at a time per connection as a crawler
does (``--pipeline N`` sends batches of N, to find the server's own ceiling). Prints pages/s of
both and the ratio (sandbox / trivial): the client side is the same for both, so the ratio
is the cost of the sandbox's lookups and bigger answers over a server that does nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import subprocess
import sys
import time

from crawler.sandbox import build_web
from crawler.sandbox.process import SandboxProcess

CONNECTIONS = 8
_FIXED_BODY = b"<!DOCTYPE html><html><body>" + b"<p>trivial</p>" * 300 + b"</body></html>"
_FIXED = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: keep-alive\r\n\r\n"
          % len(_FIXED_BODY)) + _FIXED_BODY


class _Trivial(asyncio.Protocol):
    def connection_made(self, transport) -> None:
        self.transport, self.buffer = transport, b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        count = self.buffer.count(b"\r\n\r\n")
        if count:
            self.buffer = self.buffer[self.buffer.rfind(b"\r\n\r\n") + 4:]
            self.transport.write(_FIXED * count)


async def _trivial_server() -> None:
    server = await asyncio.get_running_loop().create_server(_Trivial, "127.0.0.1", 0)
    print(f"trivial listening on http://127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
    await asyncio.Event().wait()


async def _one_connection(port: int, requests: list[bytes], pipeline: int) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = 0
    for start in range(0, len(requests), pipeline):
        batch = requests[start:start + pipeline]
        writer.write(b"".join(batch))
        for _ in batch:
            head = await reader.readuntil(b"\r\n\r\n")
            at = head.find(b"Content-Length: ")
            length = int(head[at + 16:head.find(b"\r\n", at)])
            await reader.readexactly(length)
            done += 1
    writer.close()
    return done


def _client(args: tuple[int, list[bytes], int]) -> int:
    port, requests, pipeline = args

    async def run() -> int:
        shares = [requests[i::CONNECTIONS] for i in range(CONNECTIONS)]
        return sum(await asyncio.gather(*(_one_connection(port, share, pipeline) for share in shares)))

    return asyncio.run(run())


def measure(port: int, urls: list[str], total: int, clients: int, pipeline: int) -> float:
    requests = [f"GET {urls[i % len(urls)]} HTTP/1.1\r\nHost: {urls[i % len(urls)].split('/')[2]}\r\n\r\n".encode()
                for i in range(total)]
    shares = [(port, requests[i::clients], pipeline) for i in range(clients)]
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        pool.map(_client, [(port, requests[:200], pipeline)] * clients)  # warm up connections and caches
        started = time.perf_counter()
        served = sum(pool.map(_client, shares))
        elapsed = time.perf_counter() - started
    return served / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_sandbox", description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30000)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--pipeline", type=int, default=1, help="requests in flight per connection (default 1)")
    parser.add_argument("--trivial-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.trivial_server:
        asyncio.run(_trivial_server())
        return 0
    web = build_web(args.sites, args.seed)
    urls = [page.url for page in web.pages() if web.allowed(page.url)]
    trivial = subprocess.Popen([sys.executable, "-m", "bench.bench_sandbox", "--trivial-server"],
                               stdout=subprocess.PIPE, text=True)
    try:
        line = trivial.stdout.readline() if trivial.stdout else ""
        trivial_port = int(line.rsplit(":", 1)[1])
        with SandboxProcess(sites=args.sites, seed=args.seed) as sandbox:
            ours = measure(sandbox.port, urls, args.requests, args.clients, args.pipeline)
        baseline = measure(trivial_port, urls, args.requests, args.clients, args.pipeline)
    finally:
        trivial.terminate()
        trivial.wait()
    print(f"sandbox web ({args.sites} sites, {len(urls)} pages): {ours:,.0f} pages/s")
    print(f"trivial fixed-response asyncio server:   {baseline:,.0f} responses/s")
    print(f"ratio sandbox/trivial: {ours / baseline:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
