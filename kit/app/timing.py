"""Time for the app, injectable so tests never sleep: a clock and a scheduler.

In a kernel, :class:`LoopScheduler` runs callbacks on the kernel's asyncio loop, i.e. on the
same thread that handles widget messages, so a delayed autosave never races an answer being
changed. Outside a kernel (plain Python) there is no running loop: ``call_later`` then
returns ``None`` and the caller decides (the autosaver saves at once).

Tests use :class:`ManualClock` and :class:`ManualScheduler` and move time by hand.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class Handle(Protocol):
    def cancel(self) -> None: ...


class Scheduler(Protocol):
    def call_later(self, delay: float, callback: Callable[[], None]) -> Handle | None:
        """Run ``callback`` after ``delay`` seconds; ``None`` if nothing can be scheduled here."""

    def call_soon(self, callback: Callable[[], None]) -> Handle | None:
        """Run ``callback`` once the messages already sent have left the kernel; ``None``: the caller runs it now."""


class Clock:
    """Real time: ``monotonic()`` for durations, ``now()`` for what the user reads."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> dt.datetime:
        return dt.datetime.now().astimezone()


#: How long :meth:`LoopScheduler.call_soon` leaves the kernel's thread idle first. A kernel's
#: messages leave from its IO thread, which needs the interpreter lock to send them; while this
#: thread runs Python, that thread waits for its turn, up to the interpreter's switch interval
#: (5 ms). Waiting in the loop instead, for a few milliseconds nobody can see, lets it send at once.
SEND_TURN_SECONDS = 0.01


class LoopScheduler:
    """Schedules on the running asyncio loop (the kernel's), or on the one running when it was made."""

    def __init__(self) -> None:
        self._loop = _running_loop()

    def call_later(self, delay: float, callback: Callable[[], None]) -> Handle | None:
        loop = self._live_loop()
        return None if loop is None else loop.call_later(delay, callback)

    def call_soon(self, callback: Callable[[], None]) -> Handle | None:
        loop = self._live_loop()
        return None if loop is None else loop.call_later(SEND_TURN_SECONDS, callback)

    def _live_loop(self) -> asyncio.AbstractEventLoop | None:
        """The loop to schedule on, or None when none is running (plain Python, or the kernel is exiting)."""
        loop = _running_loop() or self._loop
        if loop is None or loop.is_closed() or not loop.is_running():
            return None
        return loop


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class ManualClock(Clock):
    """A clock that moves only when told: ``clock.advance(seconds)``."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._start = start or dt.datetime(2025, 1, 1, 9, 0, 0).astimezone()
        self._elapsed = 0.0

    def advance(self, seconds: float) -> None:
        self._elapsed += seconds

    def monotonic(self) -> float:
        return 1000.0 + self._elapsed

    def now(self) -> dt.datetime:
        return self._start + dt.timedelta(seconds=self._elapsed)


@dataclass(eq=False)
class _Call:
    due: float
    callback: Callable[[], None]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class ManualScheduler:
    """Collects calls; ``run_due()`` runs those whose time has come on ``clock``, ``run_all()`` every one.

    ``call_soon`` hands the callback back to its caller to run at once (as in plain Python),
    unless ``defer_soon`` is set: then it waits, due now, for ``run_due()`` or ``run_all()``.
    """

    clock: ManualClock | None = None
    calls: list[_Call] = field(default_factory=list)
    defer_soon: bool = False

    def call_later(self, delay: float, callback: Callable[[], None]) -> _Call:
        now = self.clock.monotonic() if self.clock else 0.0
        call = _Call(now + delay, callback)
        self.calls.append(call)
        return call

    def call_soon(self, callback: Callable[[], None]) -> _Call | None:
        return self.call_later(0, callback) if self.defer_soon else None

    @property
    def pending(self) -> list[_Call]:
        return [c for c in self.calls if not c.cancelled]

    def run_due(self) -> int:
        now = self.clock.monotonic() if self.clock else float("inf")
        return self._run(lambda call: call.due <= now)

    def run_all(self) -> int:
        return self._run(lambda call: True)

    def _run(self, due: Callable[[_Call], bool]) -> int:
        ready = [c for c in self.calls if not c.cancelled and due(c)]
        self.calls = [c for c in self.calls if not c.cancelled and c not in ready]
        for call in ready:
            call.callback()
        return len(ready)
