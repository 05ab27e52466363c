"""A real ``redis-server`` for tests: started on a free port in a temporary directory,
stopped (and restartable on the same port, with its data) on demand.

    with RedisServer() as server:
        server.url          # "redis://127.0.0.1:PORT/0"
        server.client()     # a redis.Redis connected to it
        server.restart()    # SHUTDOWN (saving the AOF), then start again on the same port

Persistence is on (append-only file, fsync every write), so a restart keeps the crawl's
state, as a production Redis configured for the crawler must.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, directory: str | Path | None = None, port: int | None = None) -> None:
        if not Path(REDIS_SERVER).exists():
            pytest.skip("redis-server is not installed: run `make redis-server`")
        self._tmp = None if directory else tempfile.TemporaryDirectory(prefix="redis-test-")
        self.directory = Path(directory or self._tmp.name)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=10,
                           retry=Retry(NoBackoff(), 0))

    def start(self, timeout: float = 10.0) -> RedisServer:
        command = [
            REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", str(self.directory), "--appendonly", "yes", "--appendfsync", "always",
            "--save", "", "--protected-mode", "no", "--daemonize", "no",
            "--logfile", str(self.directory / "redis.log"),
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return self
            except redis.exceptions.BusyLoadingError:
                pass
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None:
                    break
            time.sleep(0.05)
        log = (self.directory / "redis.log").read_text(errors="replace")[-2000:]
        self.stop()
        raise RuntimeError(f"redis-server did not start on port {self.port}: {log}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                self.client().shutdown(nosave=False)
            except redis.exceptions.ConnectionError:
                pass  # SHUTDOWN closes the connection while it answers
            except redis.exceptions.RedisError:
                self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self, down_seconds: float = 0.0) -> None:
        """Stop the server (saving its data), stay down ``down_seconds``, start it again on
        the same port with the same data."""
        self.stop()
        if down_seconds:
            time.sleep(down_seconds)
        self.start()

    def close(self) -> None:
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()



def fresh_client(server: RedisServer) -> redis.Redis:
    """A client of ``server`` after FLUSHALL (for a test that wants an empty Redis)."""
    client = server.client()
    client.flushall()
    return client
