"""The review file: where it is saved, exporting it, resuming a saved review, uploading one, milestones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as w
from markupsafe import escape

from kit.app.events import Events
from kit.app.export_panel import ExportPanel
from kit.app.messages import Messages
from kit.app.storage import Storage, Upload, uploads
from kit.app.ui import button, classed, html
from kit.core.review import Milestone


@dataclass(frozen=True)
class FileActions:
    """What the file page may do: each switches or changes the review through the session."""

    resume: Callable[[Path], None]
    upload: Callable[[Upload], None]
    new_review: Callable[[], None]
    save_milestone: Callable[[str], None]


BINDER_NOTE = (
    "Every change is saved within a second to the file below, on the machine that runs this notebook. "
    "<b>On Binder, or any other temporary server, that machine and the file disappear when the session ends: "
    "use “Download review” at the top to keep your work</b>, and upload the file here to carry on later."
)


class FilesPanel:
    """Built on first show; the list of saved reviews is read again every time it is shown."""

    def __init__(self, events: Events, messages: Messages, storage: Storage, actions: FileActions, export: ExportPanel):
        self.events = events
        self.messages = messages
        self.storage = storage
        self.actions = actions
        self.path: Path | None = None
        self._milestones: list[Milestone] = []
        self.note = html(f"<p>{BINDER_NOTE}</p>", "pk-binder-note")
        self.current = html("", "pk-current-file")
        self.recent = html("", "pk-resume-recent-text")
        self.resume_recent = button("Resume the most recent", "pk-resume-recent", icon="history")
        self.picker = classed(w.Dropdown(options=[], layout=w.Layout(width="100%")), "pk-resume-picker")
        self.open = button("Open", "pk-resume-open", icon="folder-open")
        self.refresh_list = button(
            "Refresh", "pk-resume-refresh", icon="refresh", tooltip="Read the reviews folder again"
        )
        self.upload = classed(
            w.FileUpload(accept=".json,application/json", multiple=False, description="Upload a review"), "pk-upload"
        )
        self.new = button("New review", "pk-new-review", icon="file", tooltip="Save this review and start an empty one")
        self.milestone_name = classed(
            w.Text(
                placeholder="Milestone name, e.g. “before migration”", layout=w.Layout(width="auto", flex="1 1 auto")
            ),
            "pk-milestone-name",
        )
        self.milestone_save = button("Save milestone", "pk-milestone-save", icon="flag")
        self.milestones = html("", "pk-milestones")
        self.export = export

        events.click(self.resume_recent, self._on_resume_recent, "resuming the most recent review")
        events.click(self.open, self._on_open, "opening a saved review")
        events.click(self.refresh_list, lambda: self.refresh(self.path, self._milestones), "reading the reviews folder")
        events.observe(self.upload, self._on_upload, "opening an uploaded review")
        events.click(self.new, actions.new_review, "starting a new review")
        events.click(self.milestone_save, self._on_milestone, "saving a milestone")

        self.widget = classed(
            w.VBox(
                [
                    html("<h3>Review file</h3>", "pk-side-heading"),
                    self.note,
                    self.current,
                    self.export.widget,
                    html("<h4>Resume</h4>", "pk-side-heading"),
                    self.recent,
                    self.resume_recent,
                    classed(w.HBox([self.picker, self.open, self.refresh_list]), "pk-resume-row"),
                    self.upload,
                    self.new,
                    html("<h4>Milestones</h4>", "pk-side-heading"),
                    html("<div class='pk-hint'>A milestone freezes the current answers under a name and date.</div>"),
                    classed(w.HBox([self.milestone_name, self.milestone_save]), "pk-milestone-row"),
                    self.milestones,
                ]
            ),
            "pk-files",
        )

    def refresh(self, path: Path | None, milestones: list[Milestone]) -> None:
        """Read the folder again and show the current file and the milestones."""
        self.path = path
        if path is None:
            where = (
                f"Not saved yet: the first change creates a file in <code>{escape(self.storage.folder.name)}/</code>."
            )
        else:
            where = f"Saving to <code>{escape(self.messages.redact(str(path)))}</code>."
        self.current.value = f"<p>{where}</p>"
        saved = [s for s in self.storage.saved() if s.readable and s.path != path]
        most_recent = saved[0] if saved else None
        if most_recent is None:
            self.recent.value = "<p>No other saved review in the folder.</p>"
        else:
            self.recent.value = (
                f"<p>Most recent: <b>{escape(most_recent.workload or 'Untitled workload')}</b>, "
                f"last answer {most_recent.last_change.astimezone():%Y-%m-%d %H:%M}.</p>"
            )
        self.resume_recent.disabled = most_recent is None
        with self.events.quiet():
            self.picker.options = [(s.label, str(s.path)) for s in saved]
        self.open.disabled = not saved
        self.show_milestones(milestones)

    def show_milestones(self, milestones: list[Milestone]) -> None:
        self._milestones = milestones
        if not milestones:
            self.milestones.value = "<p class='pk-hint'>No milestone yet.</p>"
            return
        items = "".join(f"<li>{escape(m.name)} <span class='pk-hint'>{escape(m.date)}</span></li>" for m in milestones)
        self.milestones.value = f"<ul>{items}</ul>"

    # --- callbacks ----------------------------------------------------------------

    def _on_resume_recent(self) -> None:
        saved = [s for s in self.storage.saved() if s.readable and s.path != self.path]
        if not saved:
            self.messages.info("There is no other saved review in the folder.")
            return
        self.actions.resume(saved[0].path)

    def _on_open(self) -> None:
        if self.picker.value:
            self.actions.resume(Path(self.picker.value))

    def _on_upload(self, change: dict) -> None:
        files = uploads(change["new"])
        with self.events.quiet():
            self.upload.value = ()
        for upload in files:
            self.actions.upload(upload)

    def _on_milestone(self) -> None:
        name = self.milestone_name.value.strip()
        if not name:
            self.messages.warning("Give the milestone a name first.")
            return
        self.actions.save_milestone(name)
        with self.events.quiet():
            self.milestone_name.value = ""
