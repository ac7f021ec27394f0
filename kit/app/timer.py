"""The agenda's timer, without widgets: a timebox per pillar and the time used in each.

The default spreads four hours over the pillars by their number of questions (whole
minutes that add up exactly). While the timer runs, time goes to the pillar of the question
on screen. Everything lives in the review file under ``extensions["agenda"]``::

    {"plan_minutes": 240, "timeboxes": {"wellarchitected:security": 42, ...},
     "used": {"wellarchitected:security": 611.5, ...}, "running": true}

A tick only books time and redraws: it never marks the review as changed, so a timer left
running never writes the file by itself (the time used rides along with the next real save).
Starting and pausing are changes the session saves, so a reload finds the timer as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kit.app import settings
from kit.app.timing import Clock, Handle, Scheduler
from kit.core import options
from kit.core.lens import Lens
from kit.core.review import Review

PLAN_MINUTES = options.PLAN_MINUTES.default
#: How often the display follows the clock while the timer runs.
TICK_SECONDS = options.TIMER_TICK_SECONDS.default


def pillar_key(alias: str, pillar_id: str) -> str:
    return f"{alias}:{pillar_id}"


def default_timeboxes(lenses: Iterable[Lens], total_minutes: int = PLAN_MINUTES) -> dict[str, int]:
    """Whole minutes per pillar, in proportion to its questions, adding up to ``total_minutes`` exactly."""
    sizes = {pillar_key(lens.alias, p.id): len(p.questions) for lens in lenses for p in lens.pillars}
    questions = sum(sizes.values())
    if not questions:
        return {}
    shares = {key: total_minutes * size / questions for key, size in sizes.items()}
    minutes = {key: int(share) for key, share in shares.items()}
    left = total_minutes - sum(minutes.values())
    # Largest remainders first; ties keep lens order.
    order = sorted(sizes, key=lambda key: -(shares[key] - minutes[key]))
    for key in order[:left]:
        minutes[key] += 1
    return minutes


def clock_text(seconds: float) -> str:
    """Seconds as hours and minutes: ``3725`` -> ``"1:02"``."""
    minutes = int(seconds // 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


class AgendaTimer:
    """Books time to the pillar on screen while running; ``on_tick`` redraws (it never saves)."""

    def __init__(self, clock: Clock, scheduler: Scheduler, on_tick: Callable[[], None] = lambda: None):
        self.clock = clock
        self.scheduler = scheduler
        self.on_tick = on_tick
        #: Wraps the scheduled tick (the app reports a tick's error in its message line).
        self.wrap: Callable[[Callable[[], None]], Callable[[], None]] = lambda f: f
        self.review: Review | None = None
        self.current: str | None = None
        self.names: dict[str, str] = {}
        self._mark = 0.0
        self._handle: Handle | None = None

    # --- state in the review ----------------------------------------------------------

    @property
    def state(self) -> dict[str, Any]:
        assert self.review is not None, "bind a review first"
        state: dict[str, Any] = self.review.extensions.setdefault(settings.AGENDA, {})
        return state

    @property
    def timeboxes(self) -> dict[str, int]:
        boxes: dict[str, int] = self.state.setdefault("timeboxes", {})
        return boxes

    @property
    def used(self) -> dict[str, float]:
        used: dict[str, float] = self.state.setdefault("used", {})
        return used

    @property
    def running(self) -> bool:
        """Counting now (the review may still say it runs while its page is gone: see :meth:`pause`)."""
        return self._handle is not None

    def bind(self, review: Review) -> None:
        """Follow ``review`` (a review shown): timeboxes for its pillars, the default spread for any missing.

        A timer that was running when the file was saved runs on from now; the time between that
        save and now is not booked, since nobody can tell what happened in it.
        """
        self._stop()
        self.review = review
        lenses = list(review.lenses.values())
        state = self.state
        state.setdefault("plan_minutes", PLAN_MINUTES)
        defaults = default_timeboxes(lenses, state["plan_minutes"])
        boxes = self.timeboxes
        if not set(boxes) & set(defaults):
            boxes.clear()
            boxes.update(defaults)
        else:
            for key, minutes in defaults.items():
                boxes.setdefault(key, minutes)
        many = len(lenses) > 1
        self.names = {
            pillar_key(lens.alias, p.id): (f"{lens.alias} · " if many else "") + p.name
            for lens in lenses
            for p in lens.pillars
        }
        self.current = None
        self.resume()

    def resume(self) -> bool:
        """Count again if the review says the timer runs (a review shown, a page back); True if it started."""
        if self._handle is not None or not self.state.get("running"):
            return False
        self._mark = self.clock.monotonic()
        self._schedule()
        return True

    # --- time ---------------------------------------------------------------------

    def enter(self, alias: str, pillar_id: str) -> bool:
        """The question on screen moved to this pillar: time from now on goes there. True if the pillar changed."""
        key = pillar_key(alias, pillar_id)
        if key == self.current:
            return False
        self.account()
        self.current = key
        return True

    def start(self) -> bool:
        """Start; True if it was not running."""
        if self._handle is not None:
            return False
        self.state["running"] = True
        self._mark = self.clock.monotonic()
        self._schedule()
        return True

    def pause(self, remember: bool = True) -> bool:
        """Pause; True if it was running. With ``remember`` False the review still says it runs
        (the page is gone: a reload, or another window, carries on with the timer running)."""
        was = self._handle is not None
        self.account()
        self._stop()
        if remember and self.state.get("running"):
            self.state["running"] = False
            was = True
        return was

    def tick(self) -> None:
        """Account the time since the last tick and redraw; reschedules itself while running."""
        if self._handle is None or not self.state.get("running"):
            self._handle = None
            return
        self.account()
        self._handle = None
        self._schedule()
        self.on_tick()

    def account(self) -> None:
        """Book the time since the last mark to the current pillar."""
        if self._handle is None or self.current is None:
            return
        now = self.clock.monotonic()
        spent, self._mark = now - self._mark, now
        if spent > 0:
            self.used[self.current] = round(self.used.get(self.current, 0.0) + spent, 1)

    def over_by(self, key: str) -> float:
        """Seconds over the timebox (0 when within it)."""
        return max(0.0, self.used.get(key, 0.0) - 60 * self.timeboxes.get(key, 0))

    def _schedule(self) -> None:
        if self._handle is None:
            self._handle = self.scheduler.call_later(TICK_SECONDS, self.wrap(self.tick))
            if self._handle is None:  # no event loop (plain Python): time is booked on each change instead
                self._handle = _Unscheduled()

    def _stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def close(self) -> None:
        self._stop()


class _Unscheduled:
    """Stands for a tick that could not be scheduled, so the timer still counts as running."""

    def cancel(self) -> None:
        pass
