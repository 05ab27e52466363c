"""Checkpoints of the SQLite index's WAL in a background thread.

A WAL checkpoint copies the pages written since the last one back into the database file
and syncs it: with ``synchronous = NORMAL`` that sync is the only one a write ever waits
for, and it cost a third of the write time when every commit past SQLite's threshold ran
the checkpoint itself. Here the writer's connection leaves checkpoints to a thread with its
own connection that runs a PASSIVE checkpoint (it never blocks readers or writers) at most
every ``interval`` seconds while writes go on, so the copy and the sync overlap the next
writes. Durability is unchanged: a commit is in the WAL either way. The writer keeps a
backstop (SQLite's own automatic checkpoint at a much longer WAL) in case this thread falls
behind; several processes may each run one (SQLite lets one checkpoint run at a time, the
others simply find it busy and try again later).
"""

from __future__ import annotations

import logging
import sqlite3
import threading

logger = logging.getLogger(__name__)


class Checkpointer:
    """Runs ``PRAGMA wal_checkpoint(PASSIVE)`` on ``path`` after writes, in a daemon thread."""

    def __init__(self, uri: str, *, interval: float = 0.25, busy_timeout_ms: int = 5000) -> None:
        self.uri = uri
        self.interval = interval
        self.busy_timeout_ms = busy_timeout_ms
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        """A write committed: checkpoint soon."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the checkpoint under way and end the thread."""
        self._stopping.set()
        self._wake.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.uri, uri=True, isolation_level=None)
        except sqlite3.Error as exc:  # the writer's backstop checkpoints instead
            logger.warning("no background checkpoints for %s: %s", self.uri, exc)
            return
        try:
            conn.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms}")
            while True:
                self._wake.wait()
                if self._stopping.is_set():
                    return
                self._wake.clear()
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:  # busy, or the file went away: try later
                    logger.debug("checkpoint of %s skipped: %s", self.uri, exc)
                # Let writes accumulate: each page is then copied once for many commits.
                self._stopping.wait(self.interval)
        finally:
            conn.close()
