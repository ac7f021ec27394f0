"""The top bar: which workload, whether it is saved, the download link, and the display modes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from kit.app.ui import checkbox, classed, esc, html, set_class, toggle

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
        self.modes = classed(w.HBox([self.presenter, self.hide_choices, self.compact]), "pk-modes")
        status = classed(w.HBox([self.saved, self.download]), "pk-file-status")
        self.widget = classed(w.HBox([self.title, status, self.modes]), "pk-toolbar")

    def add_keys(self, keys: w.Widget) -> None:
        """The keyboard's "Keys" button, last among the modes."""
        self.modes.children = (*self.modes.children, keys)

    def show_title(self, workload_name: str) -> None:
        name = workload_name.strip() or "Untitled workload"
        value = f"<span class='pk-brand'>pillarkit</span> <span class='pk-workload-title'>{esc(name)}</span>"
        if self.title.value != value:
            self.title.value = value

    def show_saving(self) -> None:
        value = "<span class='pk-saved-pending'>saving…</span>"
        if self.saved.value != value:
            self.saved.value = value

    def show_saved(self, when: str) -> None:
        self.saved.value = f"<span class='pk-saved-ok'>saved {esc(when)}</span>"

    def show_not_saved(self, why: str) -> None:
        self.saved.value = f"<span class='pk-saved-failed'>NOT SAVED: {esc(why)}</span>"

    def apply_modes(self) -> None:
        root = self.app.widget
        set_class(root, "pk-presenter", self.presenter.value)
        set_class(root, "pk-compact", self.compact.value)
        self.app.presenter_changed(self.presenter.value)

    def toggle_presenter(self) -> None:
        """Presenter mode on or off, as a click on its button does."""
        self.presenter.value = not self.presenter.value

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
