"""The top bar: which workload, whether it is saved, the download link, and the display modes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w
from markupsafe import escape

from kit.app.ui import checkbox, classed, html, set_class, toggle

if TYPE_CHECKING:
    from kit.app.app import ReviewApp


class Toolbar:
    def __init__(self, app: ReviewApp, presenter: bool = False, compact: bool = False, hide_choices: bool = False):
        self.app = app
        events = app.events
        self.title = html("", "pk-title")
        self.saved = html("<span class='pk-saved-none'>not saved yet</span>", "pk-saved-status")
        self.download = html("", "pk-download")
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
        modes = classed(w.HBox([self.presenter, self.hide_choices, self.compact]), "pk-modes")
        status = classed(w.HBox([self.saved, self.download]), "pk-file-status")
        self.widget = classed(w.HBox([self.title, status, modes]), "pk-toolbar")

    def show_title(self, workload_name: str) -> None:
        name = workload_name.strip() or "Untitled workload"
        value = f"<span class='pk-brand'>pillarkit</span> <span class='pk-workload-title'>{escape(name)}</span>"
        if self.title.value != value:
            self.title.value = value

    def show_saving(self) -> None:
        value = "<span class='pk-saved-pending'>saving…</span>"
        if self.saved.value != value:
            self.saved.value = value

    def show_saved(self, when: str) -> None:
        self.saved.value = f"<span class='pk-saved-ok'>saved {escape(when)}</span>"

    def show_not_saved(self, why: str) -> None:
        self.saved.value = f"<span class='pk-saved-failed'>NOT SAVED: {escape(why)}</span>"

    def apply_modes(self) -> None:
        root = self.app.widget
        set_class(root, "pk-presenter", self.presenter.value)
        set_class(root, "pk-compact", self.compact.value)

    def _on_presenter(self, change: dict) -> None:
        if change["new"] and self.compact.value:
            with self.app.events.quiet():
                self.compact.value = False
        self.apply_modes()

    def _on_compact(self, change: dict) -> None:
        if change["new"] and self.presenter.value:
            with self.app.events.quiet():
                self.presenter.value = False
        self.apply_modes()

    def _on_hide(self, change: dict) -> None:
        self.app.question_view.set_hide_choices(change["new"])
