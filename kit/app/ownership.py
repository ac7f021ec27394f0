"""One writer per review: a lease beside the review file, held by one live session at a time.

The lease is a small JSON file in the review's folder, named after the review
(``.<id>.lease``, or ``.<file name>.lease`` for a file the app did not name). It holds the
holder's session id, process and host, a heartbeat the holder refreshes every few seconds while
its page is open, and perhaps a request from another window to take over. Every change to a
lease happens under one lock per folder (``.pillarkit.lock``, an ``flock``), so two sessions
can never both believe they hold it. A lease whose heartbeat is older than ``ttl`` seconds, or
whose process is gone, is free.

Taking over is polite first: a window asks (:meth:`Lease.ask`), the holder saves what it has
and hands over (:meth:`Lease.hand_over`) at its next heartbeat; a holder that does not answer
within a few seconds is overruled (:meth:`Lease.force`).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from kit.app.timing import Clock
from kit.core.jsonio import write_atomic

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows; the lease still works, without the lock
    fcntl = None  # type: ignore[assignment]

#: A holder that has not refreshed its lease for this long is taken to be gone.
LEASE_TTL = 15.0
LOCK_NAME = ".pillarkit.lock"
HOST = socket.gethostname()


@dataclass(frozen=True)
class Holder:
    """Who holds a lease, as written in the lease file."""

    session: str
    pid: int
    host: str
    heartbeat: float  # seconds since the epoch
    since: float
    #: A session that asked to take over, and when.
    asked_by: str = ""
    asked_at: float = 0.0


def lease_path(review_path: Path, review_id: str | None) -> Path:
    """Where the lease of a review file lives: beside it, named after the review's id when it has one."""
    folder = Path(review_path).parent
    return folder / (f".{review_id}.lease" if review_id else f".{Path(review_path).name}.lease")


class Lease:
    """The lease of one review, seen from one session."""

    def __init__(self, path: Path, session: str, clock: Clock, ttl: float = LEASE_TTL):
        self.path = Path(path)
        self.session = session
        self.clock = clock
        self.ttl = ttl

    # --- reading ------------------------------------------------------------------------

    def holder(self) -> Holder | None:
        """The live holder, or None when the lease is free (never taken, released, or its holder gone)."""
        found = self._read()
        return found if found is not None and self._alive(found) else None

    def held(self) -> bool:
        """This session holds the lease (and nobody has overruled it)."""
        found = self._read()
        return found is not None and found.session == self.session

    def _read(self) -> Holder | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return Holder(**data) if isinstance(data, dict) and data.get("session") else None
        except (OSError, ValueError, TypeError):
            return None

    def _alive(self, holder: Holder) -> bool:
        if self.clock.now().timestamp() - holder.heartbeat > self.ttl:
            return False
        if holder.host == HOST and holder.pid not in (0, os.getpid()):
            try:
                os.kill(holder.pid, 0)
            except ProcessLookupError:
                return False
            except PermissionError:
                return True
        return True

    # --- changing -----------------------------------------------------------------------

    def acquire(self) -> Holder | None:
        """Take the lease if it is free or already ours; None on success, else the live holder."""
        with self._locked():
            current = self._read()
            if current is not None and current.session != self.session and self._alive(current):
                return current
            since = current.since if current is not None and current.session == self.session else self._now()
            self._write(Holder(self.session, os.getpid(), HOST, self._now(), since))
            return None

    def refresh(self) -> Holder | None:
        """The holder's heartbeat. Returns the lease as it now stands (with any request to take over),
        or None when this session no longer holds it."""
        with self._locked():
            current = self._read()
            if current is None or current.session != self.session:
                return None
            fresh = Holder(
                self.session, os.getpid(), HOST, self._now(), current.since, current.asked_by, current.asked_at
            )
            self._write(fresh)
            return fresh

    def ask(self) -> bool:
        """Ask the holder to hand over; True if the lease was free and is now ours."""
        with self._locked():
            current = self._read()
            if current is None or current.session == self.session or not self._alive(current):
                self._write(Holder(self.session, os.getpid(), HOST, self._now(), self._now()))
                return True
            if current.asked_by != self.session:
                self._write(
                    Holder(
                        current.session,
                        current.pid,
                        current.host,
                        current.heartbeat,
                        current.since,
                        self.session,
                        self._now(),
                    )
                )
            return False

    def hand_over(self) -> str | None:
        """Give the lease to the session that asked for it (called by the holder, after saving); that session's id."""
        with self._locked():
            current = self._read()
            if current is None or current.session != self.session or not current.asked_by:
                return None
            # The new holder's process is not known here: its heartbeat alone keeps the lease alive.
            self._write(Holder(current.asked_by, 0, "", self._now(), self._now()))
            return current.asked_by

    def force(self) -> None:
        """Take the lease whoever holds it (a holder that did not answer a request)."""
        with self._locked():
            self._write(Holder(self.session, os.getpid(), HOST, self._now(), self._now()))

    def release(self) -> None:
        """Let go of the lease, if this session holds it."""
        with self._locked():
            current = self._read()
            if current is not None and current.session == self.session:
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()

    # --- the file -----------------------------------------------------------------------

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def _write(self, holder: Holder) -> None:
        # Replaced whole, by a rename, so a reader never sees half a lease, and through the one
        # writer, so a temporary file a kill leaves behind is cleaned like any other; not flushed
        # to disk: a lease means nothing after a crash of the machine, and its heartbeat runs
        # every few seconds.
        write_atomic(self.path, json.dumps(asdict(holder)), durable=False)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if fcntl is None:  # pragma: no cover
            yield
            return
        with open(self.path.parent / LOCK_NAME, "a+b") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
