"""``python -m crawler.sandbox``: serve the sandbox web, or write its ground truth.

    python -m crawler.sandbox serve --port 0 --sites 60 --seed 11 [--ground-truth truth.jsonl]
    python -m crawler.sandbox truth --sites 60 --seed 11 [--out truth.jsonl]

``serve`` prints exactly one line, ``sandbox listening on http://127.0.0.1:PORT``, once it
accepts connections; give that URL to the crawler as its HTTP proxy (``http_proxy=...``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from crawler.sandbox import MAX_SITES, MIN_SITES, Web, build_web


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m crawler.sandbox", description="The sandbox web: generated sites on loopback.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    serve = commands.add_parser("serve", help="serve the web as an HTTP proxy on loopback")
    serve.add_argument("--port", type=int, default=0, help="TCP port (0: any free port; default 0)")
    serve.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    truth = commands.add_parser("truth", help="write the ground truth as JSON lines and exit")
    truth.add_argument("--out", default="-", help="file to write (default: standard output)")
    for sub in (serve, truth):
        sub.add_argument("--sites", type=int, default=60, help=f"number of sites, {MIN_SITES}-{MAX_SITES} (default 60)")
        sub.add_argument("--seed", type=int, default=7, help="random seed: the same seed gives the same web")
    serve.add_argument("--ground-truth", metavar="FILE", help="also write the ground truth (JSON lines) to FILE")
    return parser


def write_truth(web: Web, path: str) -> None:
    """JSON lines, one per link; written to a temporary file and renamed (readers never see half)."""
    lines = (json.dumps(line, ensure_ascii=False) + "\n" for line in web.ground_truth())
    if path == "-":
        sys.stdout.writelines(lines)
        sys.stdout.flush()
        return
    target = Path(path)
    temporary = target.with_name(target.name + ".part")
    with open(temporary, "w", encoding="utf-8") as stream:
        stream.writelines(lines)
    os.replace(temporary, target)


async def _serve(web: Web, host: str, port: int) -> None:
    from crawler.sandbox.server import serve

    server = await serve(web, port, host)
    bound = server.sockets[0].getsockname()[1]
    print(f"sandbox listening on http://{host}:{bound}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    prog = "python -m crawler.sandbox"
    if not MIN_SITES <= args.sites <= MAX_SITES:
        print(f"{prog}: error: --sites must be between {MIN_SITES} and {MAX_SITES}, not {args.sites}",
              file=sys.stderr)
        return 2
    if args.command == "serve" and not 0 <= args.port <= 65535:
        print(f"{prog}: error: --port must be 0-65535, not {args.port}", file=sys.stderr)
        return 2
    web = build_web(args.sites, args.seed)
    path = args.out if args.command == "truth" else args.ground_truth
    if path:
        try:
            write_truth(web, path)
        except BrokenPipeError:  # `... truth | head`: the reader had enough
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        except OSError as error:
            print(f"{prog}: error: cannot write the ground truth to {path}: {error.strerror or error}; "
                  "give a path in an existing, writable directory", file=sys.stderr)
            return 1
    if args.command == "truth":
        return 0
    try:
        asyncio.run(_serve(web, args.host, args.port))
    except OSError as error:
        print(f"{prog}: error: cannot listen on {args.host}:{args.port}: {error.strerror or error}; "
              "pick another --port (0 picks a free one)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
