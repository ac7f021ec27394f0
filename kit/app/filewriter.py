"""Writing review files off the kernel's main thread.

The session serialises the review on the kernel's thread (the review is only ever touched
there) and hands the text to a writer. :class:`ThreadWriter` writes it atomically (temporary
file, fsync, rename) on one background thread, in the order given, so a tick that arrives
while the disk is slow is not kept waiting; it reports back on the kernel's loop.
:class:`InlineWriter` writes at once, for plain Python, tests, and the last save as a kernel
exits (when there is no loop left to report to).
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kit.core.jsonio import write_atomic

#: (modification time in ns, size, inode): what tells one version of a file from another.
Stamp = tuple[int, int, int]


def disk_stamp(path: Path | None) -> Stamp | None:
    """The file's stamp, or None if it is absent."""
    if path is None:
        return None
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


@dataclass(frozen=True)
class Job:
    """One save: ``text`` goes to ``path``; then ``replaces`` (the file before a rename) is removed."""

    path: Path
    text: str
    replaces: Path | None = None


@dataclass(frozen=True)
class Written:
    """What became of a job: the stamp of the file written, or the error that stopped it."""

    job: Job
    stamp: Stamp | None = None
    error: OSError | None = None


def run(job: Job) -> Written:
    try:
        write_atomic(job.path, job.text)
        stamp = disk_stamp(job.path)
        if job.replaces is not None and job.replaces != job.path:
            job.replaces.unlink(missing_ok=True)
    except OSError as exc:
        return Written(job, error=exc)
    return Written(job, stamp=stamp)


class FileWriter(Protocol):
    def submit(self, job: Job, done: Callable[[Written], None]) -> None:
        """Write ``job``; call ``done`` with the outcome on the caller's thread (now, or later on its loop)."""

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until every job submitted so far is on disk; False if that took longer than ``timeout``."""

    @property
    def busy(self) -> bool:
        """A job is still being written."""


class InlineWriter:
    """Writes at once, on the caller's thread."""

    busy = False

    def submit(self, job: Job, done: Callable[[Written], None]) -> None:
        done(run(job))

    def drain(self, timeout: float = 10.0) -> bool:
        return True


class ThreadWriter:
    """Writes on one background thread, in order, and reports on the loop that submitted the job.

    When no loop is running (a kernel exiting), a job is written at once on the caller's thread,
    after the ones already queued.
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Job, Callable[[Written], None], asyncio.AbstractEventLoop] | None] = queue.Queue()
        self._pending = 0
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._pending > 0

    def submit(self, job: Job, done: Callable[[Written], None]) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.drain()
            done(run(job))
            return
        with self._lock:
            self._pending += 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="pillarkit-file-writer", daemon=True)
                self._thread.start()
        self._jobs.put((job, done, loop))

    def _work(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            job, done, loop = item
            try:
                written = run(job)
            except Exception as exc:  # a bad path (a NUL in it): reported like a disk error, the thread lives on
                written = Written(job, error=OSError(str(exc)))
            try:
                loop.call_soon_threadsafe(done, written)
            except RuntimeError:
                pass  # the loop has closed: the kernel is exiting, and the file is written all the same
            with self._lock:
                self._pending -= 1
                self._idle.notify_all()

    def drain(self, timeout: float = 10.0) -> bool:
        with self._lock:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)
