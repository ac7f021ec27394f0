"""Agenda and timer: a timebox per pillar, the time used in each, and a hint when one runs over.

The default spreads four hours over the pillars by their number of questions (whole
minutes that add up exactly). The facilitator can edit any timebox. While the timer runs,
time goes to the pillar of the question on screen. Timeboxes and time used live in the
review file under ``extensions["agenda"]``::

    {"plan_minutes": 240, "timeboxes": {"wellarchitected:security": 42, ...},
     "used": {"wellarchitected:security": 611.5, ...}}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import ipywidgets as w
from markupsafe import escape

from kit.app.timing import Clock, Scheduler
from kit.app.ui import classed, html, show, toggle
from kit.core import options
from kit.core.lens import Lens

if TYPE_CHECKING:
    from kit.app.app import ReviewApp

KEY = "agenda"
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


class Agenda:
    """The agenda page: one HTML table (cheap to redraw every tick) and, on demand, the timebox editor."""

    def __init__(self, app: ReviewApp, clock: Clock, scheduler: Scheduler):
        self.app = app
        self.clock = clock
        self.scheduler = scheduler
        self.running = False
        self.current: str | None = None
        self._mark = 0.0
        self._handle = None
        self._tick = app.events.run(self.tick, "updating the timer")
        self._names: dict[str, str] = {}
        self._editor: dict[str, w.BoundedIntText] = {}
        events = app.events

        self.timer = toggle("Start timer", "pk-timer-toggle", icon="play", tooltip="Start or pause the session timer")
        self.edit = toggle(
            "Edit timeboxes", "pk-agenda-edit", icon="pencil", tooltip="Change the minutes planned for each pillar"
        )
        self.total = html("", "pk-agenda-total")
        self.table = html("", "pk-agenda-table")
        self.editor = classed(w.VBox([]), "pk-agenda-editor")
        show(self.editor, False)
        self.hint = html("", "pk-agenda-hint")
        show(self.hint, False)
        self.widget = classed(
            w.VBox([classed(w.HBox([self.timer, self.edit]), "pk-agenda-head"), self.total, self.table, self.editor]),
            "pk-agenda",
        )
        events.observe(self.timer, self._on_timer, "starting or pausing the timer")
        events.observe(self.edit, self._on_edit, "opening the timebox editor")

    # --- state in the review ----------------------------------------------------------

    @property
    def state(self) -> dict:
        return self.app.review.extensions.setdefault(KEY, {})

    @property
    def timeboxes(self) -> dict[str, int]:
        return self.state.setdefault("timeboxes", {})

    @property
    def used(self) -> dict[str, float]:
        return self.state.setdefault("used", {})

    def rebuild(self) -> None:
        """Timeboxes for the review's pillars (the default spread for any missing). Call inside ``events.quiet()``."""
        lenses = list(self.app.review.lenses.values())
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
        self._names = {
            pillar_key(lens.alias, p.id): (f"{lens.alias} · " if many else "") + p.name
            for lens in lenses
            for p in lens.pillars
        }
        self.current = None
        if self._editor:
            self._build_editor()
        self.refresh()

    # --- time ---------------------------------------------------------------------

    def enter(self, alias: str, pillar_id: str) -> None:
        """The question on screen moved to this pillar: time from now on goes there."""
        key = pillar_key(alias, pillar_id)
        if key == self.current:
            return
        self._account()
        self.current = key
        self.refresh()

    def start(self) -> None:
        if self.running:
            return
        self.running = True
        self._mark = self.clock.monotonic()
        self._schedule()
        self._show_timer()
        self.refresh()

    def pause(self) -> None:
        if not self.running:
            return
        self._account()
        self.running = False
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._show_timer()
        self.refresh()
        self.app.changed()

    def tick(self) -> None:
        """Account the time since the last tick and show it; reschedules itself while running."""
        self._handle = None
        if not self.running:
            return
        self._account()
        self.refresh()
        self.app.changed()
        self._schedule()

    def _schedule(self) -> None:
        if self.running and self._handle is None:
            self._handle = self.scheduler.call_later(TICK_SECONDS, self._tick)

    def _account(self) -> None:
        if not self.running or self.current is None:
            return
        now = self.clock.monotonic()
        spent, self._mark = now - self._mark, now
        if spent > 0:
            self.used[self.current] = round(self.used.get(self.current, 0.0) + spent, 1)

    # --- display --------------------------------------------------------------------

    def over_by(self, key: str) -> float:
        """Seconds over the timebox (0 when within it)."""
        return max(0.0, self.used.get(key, 0.0) - 60 * self.timeboxes.get(key, 0))

    def refresh(self) -> None:
        """Redraw the table, the totals and the hint from the review's agenda state."""
        rows = []
        for key, name in self._names.items():
            used = self.used.get(key, 0.0)
            over = self.over_by(key)
            status = f"<span class='pk-agenda-over'>over by {int(over // 60)} min</span>" if over >= 60 else ""
            now = " class='pk-agenda-current'" if key == self.current else ""
            marker = " ◀" if key == self.current else ""
            rows.append(
                f"<tr{now}><td>{escape(name)}{marker}</td><td class='pk-num'>{self.timeboxes.get(key, 0)} min</td>"
                f"<td class='pk-num'>{clock_text(used)}</td><td>{status}</td></tr>"
            )
        table = (
            "<table class='pk-agenda-grid'><thead><tr><th>Pillar</th><th>Timebox</th><th>Used</th><th></th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
        if self.table.value != table:
            self.table.value = table
        planned = sum(self.timeboxes.get(k, 0) for k in self._names)
        spent = sum(self.used.get(k, 0.0) for k in self._names)
        state = "running" if self.running else "paused"
        total = f"Elapsed <b>{clock_text(spent)}</b> of <b>{clock_text(planned * 60)}</b> planned · timer {state}"
        if self.total.value != total:
            self.total.value = total
        self._show_hint()

    def _show_hint(self) -> None:
        key = self.current
        over = self.over_by(key) if key else 0.0
        if key in self._names and over >= 60:
            self.hint.value = (
                f"⏱ {escape(self._names[key])} is {int(over // 60)} min over its {self.timeboxes.get(key, 0)} min timebox: "
                "park open topics and move on?"
            )
            show(self.hint, True)
        else:
            show(self.hint, False)

    def _show_timer(self) -> None:
        with self.timer.hold_sync():
            self.timer.value = self.running
            self.timer.description = "Pause timer" if self.running else "Start timer"
            self.timer.icon = "pause" if self.running else "play"

    # --- the timebox editor -----------------------------------------------------------

    def _build_editor(self) -> None:
        for box in self._editor.values():
            box.close()
        self._editor = {}
        rows = []
        for key, name in self._names.items():
            box = classed(
                w.BoundedIntText(
                    value=int(self.timeboxes.get(key, 0)),
                    min=0,
                    max=600,
                    step=5,
                    description=name,
                    style={"description_width": "13em"},
                    layout=w.Layout(width="22em"),
                ),
                "pk-timebox",
            )
            self.app.events.observe(box, self._edited(key), "changing a timebox")
            self._editor[key] = box
            rows.append(box)
        self.editor.children = rows

    def _on_edit(self, change: dict) -> None:
        if change["new"]:
            with self.app.events.quiet():
                self._build_editor()
        show(self.editor, change["new"])

    def _edited(self, key: str):
        def edited(change: dict) -> None:
            self.timeboxes[key] = int(change["new"])
            self.refresh()
            self.app.changed()

        return edited

    # --- callbacks ----------------------------------------------------------------

    def _on_timer(self, change: dict) -> None:
        with self.app.events.quiet():
            if change["new"]:
                self.start()
            else:
                self.pause()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self.running = False
