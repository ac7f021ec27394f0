"""The top bar: which workload, whether and when it was saved, the download link, Undo, and the display modes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import ipywidgets as w
from markupsafe import escape

from kit.app.events import Events
from kit.app.session import SaveStatus
from kit.app.ui import button, checkbox, classed, html, toggle

MODES = ("presenter", "hide_choices", "compact")


def saved_text(when: dt.datetime, today: dt.date) -> str:
    """``10:32:05`` today; ``28 Nov 10:32`` another day (a review resumed the next morning)."""
    local = when.astimezone()
    return f"{local:%H:%M:%S}" if local.date() == today else f"{local:%d %b %H:%M}"


class Toolbar:
    """``on_modes(modes)`` is called with every mode's value when one is switched; ``on_undo()`` by Undo."""

    def __init__(
        self,
        events: Events,
        on_modes: Callable[[dict[str, bool]], None],
        on_undo: Callable[[], None],
        presenter: bool = False,
        compact: bool = False,
        hide_choices: bool = False,
    ):
        self.events = events
        self.on_modes = on_modes
        self.title = html("", "pk-title")
        self.saved = html("<span class='pk-saved-none'>not saved yet</span>", "pk-saved-status")
        self.download = html("", "pk-download")
        self.undo = button("Undo", "pk-undo", icon="undo", tooltip="Nothing to undo yet (Ctrl+Z)")
        self.undo.disabled = True
        self.presenter = toggle(
            "Presenter",
            "pk-presenter-toggle",
            value=presenter,
            icon="television",
            tooltip="Large type for a shared screen",
        )
        self.hide_choices = checkbox("Hide choices until revealed", "pk-hide-choices", value=hide_choices)
        self.compact = toggle(
            "Compact",
            "pk-compact-toggle",
            value=compact,
            icon="compress",
            tooltip="Smaller type for the facilitator's laptop",
        )
        events.observe(self.presenter, self._on_presenter, "switching presenter mode")
        events.observe(self.compact, self._on_compact, "switching compact mode")
        events.observe(self.hide_choices, self._on_hide, "hiding the choices")
        events.click(self.undo, on_undo, "undoing the last change")
        self.mode_box = classed(w.HBox([self.presenter, self.hide_choices, self.compact]), "pk-modes")
        status = classed(w.HBox([self.saved, self.download, self.undo]), "pk-file-status")
        self.widget = classed(w.HBox([self.title, status, self.mode_box]), "pk-toolbar")

    def add_keys(self, keys: w.Widget) -> None:
        """The keyboard's "Keys" button, last among the modes."""
        self.mode_box.children = (*self.mode_box.children, keys)

    def modes(self) -> dict[str, bool]:
        return {
            "presenter": bool(self.presenter.value),
            "hide_choices": bool(self.hide_choices.value),
            "compact": bool(self.compact.value),
        }

    def set_modes(self, modes: dict[str, bool]) -> None:
        """Show the modes a review was saved with (observers quiet: nothing is saved back)."""
        with self.events.quiet():
            for name, widget in (
                ("presenter", self.presenter),
                ("hide_choices", self.hide_choices),
                ("compact", self.compact),
            ):
                if name in modes and widget.value != modes[name]:
                    widget.value = modes[name]

    def show_title(self, workload_name: str) -> None:
        name = workload_name.strip() or "Untitled workload"
        value = f"<span class='pk-brand'>pillarkit</span> <span class='pk-workload-title'>{escape(name)}</span>"
        if self.title.value != value:
            self.title.value = value

    def show_status(self, status: SaveStatus, today: dt.date) -> None:
        """The save status as it is: when the file was last saved (also after a resume), saving, failed, read-only."""
        if status.state == "pending":
            value = "<span class='pk-saved-pending'>saving…</span>"
        elif status.state == "saved" and status.when is not None:
            value = f"<span class='pk-saved-ok'>saved {escape(saved_text(status.when, today))}</span>"
        elif status.state == "failed":
            value = f"<span class='pk-saved-failed'>NOT SAVED: {escape(status.why)}</span>"
        elif status.state == "read-only":
            when = f" · saved {escape(saved_text(status.when, today))}" if status.when else ""
            value = f"<span class='pk-saved-readonly'>read-only{when}</span>"
        else:
            value = "<span class='pk-saved-none'>not saved yet</span>"
        if self.saved.value != value:
            self.saved.value = value

    def show_undo(self, label: str | None, count: int) -> None:
        with self.undo.hold_sync():
            self.undo.disabled = label is None
            self.undo.tooltip = f"Undo {label} (Ctrl+Z; {count} can be undone)" if label else "Nothing to undo (Ctrl+Z)"

    def toggle_presenter(self) -> None:
        """Presenter mode on or off, as a click on its button does."""
        self.presenter.value = not self.presenter.value

    def _on_presenter(self, change: dict[str, object]) -> None:
        if change["new"] and self.compact.value:
            with self.events.quiet():
                self.compact.value = False
        self.on_modes(self.modes())

    def _on_compact(self, change: dict[str, object]) -> None:
        if change["new"] and self.presenter.value:
            with self.events.quiet():
                self.presenter.value = False
        self.on_modes(self.modes())

    def _on_hide(self, change: dict[str, object]) -> None:
        self.on_modes(self.modes())
