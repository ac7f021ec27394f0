"""The agenda page: a timebox per pillar, the time used in each, and a hint when one runs over.

The timer itself (what is booked where, and when it ticks) is :class:`kit.app.timer.AgendaTimer`,
owned by the session; this page shows it and turns clicks into calls: ``start`` and ``pause``
(saved, so a reload finds the timer as it was) and ``set_timebox`` (a change Undo can take back).
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
from markupsafe import escape

from kit.app.events import Events
from kit.app.timer import PLAN_MINUTES, TICK_SECONDS, AgendaTimer, clock_text, default_timeboxes, pillar_key
from kit.app.ui import classed, html, show, toggle

__all__ = ["PLAN_MINUTES", "TICK_SECONDS", "Agenda", "clock_text", "default_timeboxes", "pillar_key"]


class Agenda:
    """The agenda page: one HTML table (cheap to redraw every tick) and, on demand, the timebox editor."""

    def __init__(
        self,
        events: Events,
        clock: AgendaTimer,
        start: Callable[[], None],
        pause: Callable[[], None],
        set_timebox: Callable[[str, int], None],
    ):
        self.events = events
        self.clock = clock
        self._start = start
        self._pause = pause
        self._set_timebox = set_timebox
        self._editor: dict[str, w.BoundedIntText] = {}

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

    # --- what the timer holds ----------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.clock.running

    @property
    def current(self) -> str | None:
        return self.clock.current

    @property
    def timeboxes(self) -> dict[str, int]:
        return self.clock.timeboxes

    @property
    def used(self) -> dict[str, float]:
        return self.clock.used

    def over_by(self, key: str) -> float:
        return self.clock.over_by(key)

    def rebuild(self) -> None:
        """After the timer was bound to a review: the editor (if open) and the table. Call inside ``events.quiet()``."""
        if self._editor:
            self._build_editor()
        self.refresh()

    # --- display --------------------------------------------------------------------

    def refresh(self) -> None:
        """Redraw the table, the totals and the hint (and the timer's button) from the timer."""
        self._show_timer()
        rows = []
        names = self.clock.names
        for key, name in names.items():
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
        planned = sum(self.timeboxes.get(k, 0) for k in names)
        spent = sum(self.used.get(k, 0.0) for k in names)
        state = "running" if self.running else "paused"
        total = f"Elapsed <b>{clock_text(spent)}</b> of <b>{clock_text(planned * 60)}</b> planned · timer {state}"
        if self.total.value != total:
            self.total.value = total
        self._show_hint()

    def _show_hint(self) -> None:
        key = self.current
        over = self.over_by(key) if key else 0.0
        if key in self.clock.names and over >= 60:
            self.hint.value = (
                f"⏱ {escape(self.clock.names[key])} is {int(over // 60)} min over its {self.timeboxes.get(key, 0)} min timebox: "
                "park open topics and move on?"
            )
            show(self.hint, True)
        else:
            show(self.hint, False)

    def _show_timer(self) -> None:
        if self.timer.value == self.running and self.timer.description == (
            "Pause timer" if self.running else "Start timer"
        ):
            return
        with self.events.quiet(), self.timer.hold_sync():
            self.timer.value = self.running
            self.timer.description = "Pause timer" if self.running else "Start timer"
            self.timer.icon = "pause" if self.running else "play"

    # --- the timebox editor -----------------------------------------------------------

    def _build_editor(self) -> None:
        for box in self._editor.values():
            box.close()
        self._editor = {}
        rows = []
        for key, name in self.clock.names.items():
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
            self.events.observe(box, self._edited(key), "changing a timebox")
            self._editor[key] = box
            rows.append(box)
        self.editor.children = rows

    def _on_edit(self, change: dict) -> None:
        if change["new"]:
            with self.events.quiet():
                self._build_editor()
        show(self.editor, change["new"])

    def _edited(self, key: str) -> Callable[[dict], None]:
        def edited(change: dict) -> None:
            try:
                self._set_timebox(key, int(change["new"]))
            finally:
                self.refresh()

        return edited

    # --- callbacks ----------------------------------------------------------------

    def _on_timer(self, change: dict) -> None:
        try:
            if change["new"]:
                self._start()
            else:
                self._pause()
        finally:
            self.refresh()  # the button shows what the timer does, also when the window may not change it

    def close(self) -> None:
        for box in self._editor.values():
            box.close()
