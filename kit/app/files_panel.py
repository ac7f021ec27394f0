"""The review file: where it is saved, exporting it, resuming a saved review, uploading one, milestones.

Also the banner that offers to continue the most recent review when the app opens; it sits
above the first question and never blocks it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from kit.app.export_panel import ExportPanel
from kit.app.storage import SavedReview, uploads
from kit.app.ui import button, classed, esc, html, show, spoken
from kit.core.dates import readable_moment

if TYPE_CHECKING:
    from kit.app.app import ReviewApp

BINDER_NOTE = (
    "Every change is saved within a second to the file below, on the machine that runs this notebook. "
    "<b>On Binder, or any other temporary server, that machine and the file disappear when the session ends: "
    "use “Download review” at the top to keep your work</b>, and upload the file here to carry on later."
)


class ResumeBanner:
    """“Continue where you left off?” above the first question, when the folder holds a saved review."""

    def __init__(self, app: ReviewApp):
        self.app = app
        self.saved: SavedReview | None = None
        self.text = html("", "pk-resume-banner-text")
        self.resume = button("Continue it", "pk-banner-resume", icon="folder-open", style="success")
        self.dismiss = button("Start a new review", "pk-banner-dismiss")
        app.events.click(self.resume, self._on_resume, "resuming the most recent review")
        app.events.click(self.dismiss, self.hide, "dismissing the resume banner")
        self.widget = classed(w.HBox([self.text, self.resume, self.dismiss]), "pk-resume-banner")
        show(self.widget, False)

    def offer(self, saved: SavedReview | None) -> None:
        self.saved = saved
        if saved is None:
            self.hide()
            return
        name = esc(saved.workload or "Untitled workload")
        self.text.value = f"Continue the review of <b>{name}</b>, saved {esc(readable_moment(saved.modified))}?"
        show(self.widget, True)

    def hide(self) -> None:
        show(self.widget, False)

    def _on_resume(self) -> None:
        if self.saved is not None:
            self.app.resume(self.saved.path)
        self.hide()


class FilesPanel:
    """Built on first show; the list of saved reviews is read again every time it is shown."""

    def __init__(self, app: ReviewApp):
        self.app = app
        events = app.events
        self.note = html(f"<p>{BINDER_NOTE}</p>", "pk-binder-note")
        self.current = html("", "pk-current-file")
        self.recent = html("", "pk-resume-recent-text")
        self.resume_recent = button("Resume the most recent", "pk-resume-recent", icon="history")
        self.picker = spoken(
            classed(w.Dropdown(options=[], layout=w.Layout(width="100%")), "pk-resume-picker"), "Saved reviews"
        )
        self.open = button("Open", "pk-resume-open", icon="folder-open")
        self.refresh_list = button(
            "Refresh", "pk-resume-refresh", icon="refresh", tooltip="Read the reviews folder again"
        )
        self.upload = classed(
            w.FileUpload(
                accept=".json,application/json",
                multiple=False,
                description="Upload a review",
                layout=w.Layout(width="auto"),
            ),
            "pk-upload",
        )
        self.new = button("New review", "pk-new-review", icon="file", tooltip="Save this review and start an empty one")
        self.milestone_name = spoken(
            classed(
                w.Text(
                    placeholder="Milestone name, e.g. “before migration”",
                    layout=w.Layout(width="auto", flex="1 1 auto"),
                ),
                "pk-milestone-name",
            ),
            "Milestone name",
        )
        self.milestone_save = button("Save milestone", "pk-milestone-save", icon="flag")
        self.milestones = html("", "pk-milestones")
        self.export = ExportPanel(app)

        events.click(self.resume_recent, self._on_resume_recent, "resuming the most recent review")
        events.click(self.open, self._on_open, "opening a saved review")
        events.click(self.refresh_list, self.refresh, "reading the reviews folder")
        events.observe(self.upload, self._on_upload, "opening an uploaded review")
        events.click(self.new, app.new_review, "starting a new review")
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

    def refresh(self) -> None:
        """Read the folder again and show the current file and the milestones."""
        app = self.app
        path = app.path
        if path is None:
            where = f"Not saved yet: the first change creates a file in <code>{esc(app.storage.folder)}</code>."
        else:
            where = f"Saving to <code>{esc(path)}</code>."
        self.current.value = f"<p>{where}</p>"
        saved = [s for s in app.storage.saved() if s.readable and s.path != path]
        most_recent = saved[0] if saved else None
        if most_recent is None:
            self.recent.value = "<p>No other saved review in the folder.</p>"
        else:
            self.recent.value = f"<p>Most recent: <b>{esc(most_recent.workload or 'Untitled workload')}</b>, saved {esc(readable_moment(most_recent.modified))}.</p>"
        self.resume_recent.disabled = most_recent is None
        with app.events.quiet():
            self.picker.options = [(s.label, str(s.path)) for s in saved]
        self.open.disabled = not saved
        self.show_milestones()

    def show_milestones(self) -> None:
        milestones = self.app.review.milestones
        if not milestones:
            self.milestones.value = "<p class='pk-hint'>No milestone yet.</p>"
            return
        items = "".join(
            f"<li>{esc(m.name)} <span class='pk-hint'>{esc(readable_moment(m.date))}</span></li>" for m in milestones
        )
        self.milestones.value = f"<ul>{items}</ul>"

    # --- callbacks ----------------------------------------------------------------

    def _on_resume_recent(self) -> None:
        saved = [s for s in self.app.storage.saved() if s.readable and s.path != self.app.path]
        if not saved:
            self.app.messages.info("There is no other saved review in the folder.")
            return
        self.app.resume(saved[0].path)

    def _on_open(self) -> None:
        if self.picker.value:
            self.app.resume(self.picker.value)

    def _on_upload(self, change: dict) -> None:
        files = uploads(change["new"])
        with self.app.events.quiet():
            self.upload.value = ()
        for upload in files:
            self.app.open_upload(upload)

    def _on_milestone(self) -> None:
        name = self.milestone_name.value.strip()
        if not name:
            self.app.messages.warning("Give the milestone a name first.")
            return
        self.app.save_milestone(name)
        with self.app.events.quiet():
            self.milestone_name.value = ""
        self.show_milestones()
