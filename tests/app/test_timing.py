"""The kernel's scheduler: what runs when, on the loop that handles widget messages."""

from __future__ import annotations

import asyncio
import time

from kit.app.timing import SEND_TURN_SECONDS, LoopScheduler


def test_without_a_running_loop_nothing_is_scheduled_and_the_caller_runs_it():
    scheduler = LoopScheduler()
    assert scheduler.call_soon(lambda: None) is None
    assert scheduler.call_later(1, lambda: None) is None


def test_call_soon_waits_in_the_loop_rather_than_running_on_its_next_turn():
    """What the chart's message needs: while the rest of a tick waits, idle in the loop, the
    kernel's IO thread gets the interpreter lock at once to send it, instead of after a switch
    interval of this thread running Python."""
    ran: list[float] = []

    async def tick() -> float:
        scheduler = LoopScheduler()
        asked = time.monotonic()
        assert scheduler.call_soon(lambda: ran.append(time.monotonic())) is not None
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert ran == []  # not on the loop's next turns
        while not ran and time.monotonic() - asked < 5:
            await asyncio.sleep(SEND_TURN_SECONDS / 4)
        return asked

    asked = asyncio.run(tick())
    assert len(ran) == 1 and ran[0] - asked >= SEND_TURN_SECONDS * 0.9


def test_call_soon_on_a_closed_loop_returns_none():
    loop = asyncio.new_event_loop()
    scheduler = LoopScheduler()
    scheduler._loop = loop
    loop.close()
    assert scheduler.call_soon(lambda: None) is None
