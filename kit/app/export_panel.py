"""Export, in the review file page: the handout (HTML, PDF), the answers (XLSX, CSV) or the data (JSON) as a download.

A thin shell over the registry of export formats (:mod:`kit.render.formats`): the picker offers
every registered format, and the file is made in memory by the format's own function, the one
``pillarkit export`` writes with, then offered as a data-URI link (Voila refuses ``FileLink``). The
file is named from a slug of the workload name, like the review files; typed text is never a file name.
A prepared link is a snapshot of the answers at that moment: it is dropped when another format
is picked or another review is shown.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
from markupsafe import escape

from kit.app.events import Events
from kit.app.messages import Messages
from kit.app.storage import download_link, slug
from kit.app.timing import Clock
from kit.app.ui import button, classed, dropdown, html
from kit.core.errors import PillarkitError
from kit.core.review import Review
from kit.render import formats

PREPARING = "<span class='pk-hint'>Preparing the file…</span>"


def export_filename(workload_name: str, key: str) -> str:
    """``"Payments API (EU)"``, ``".pdf"`` -> ``"payments-api-eu-handout.pdf"``: the same slug as the review files."""
    export_format = formats.by_suffix(key)
    return f"{slug(workload_name)}-{export_format.file_word}{export_format.suffix}"


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class ExportPanel:
    """A format picker, "Prepare download", and the link (or "preparing…") underneath."""

    def __init__(self, events: Events, messages: Messages, clock: Clock, review: Callable[[], Review]):
        """``review()`` is the review on screen when a download is prepared."""
        self.messages = messages
        self.clock = clock
        self.review = review
        #: (label, key) of every registered format, read when the panel is built.
        self.format = dropdown([(f.label, f.key) for f in formats.FORMATS.values()], "pk-export-format", value=".html")
        self.prepare = button(
            "Prepare download", "pk-export-prepare", icon="download", tooltip="Make the file for the review on screen"
        )
        self.status = html("", "pk-export-status")
        events.click(self.prepare, self.prepare_download, "preparing the download")
        events.observe(self.format, lambda _change: self.clear(), "choosing an export format")
        self.widget = classed(
            w.VBox(
                [
                    html("<h4>Export</h4>", "pk-side-heading"),
                    html(
                        "<div class='pk-hint'>The handout for the team and its managers, the answers for a spreadsheet, "
                        "the review with its risks for other tools, or the work it found as a backlog to import.</div>"
                    ),
                    classed(w.HBox([self.format, self.prepare]), "pk-export-row"),
                    self.status,
                ]
            ),
            "pk-export",
        )

    def clear(self) -> None:
        """Drop a prepared link (another format, another review)."""
        if self.status.value:
            self.status.value = ""

    def prepare_download(self) -> None:
        """Make the file in the picked format and show its link; a kit error (no Chromium) is one line in the message bar."""
        from kit.core import roadmap

        export_format = formats.by_suffix(self.format.value)
        review = self.review()
        self.status.value = PREPARING  # sent to the browser now, before the work starts
        self.prepare.disabled = True
        try:
            export_format.ready()
            content = formats.to_bytes(review, export_format.key)
        except PillarkitError as exc:
            self.status.value = ""
            self.messages.problem(exc, "The download could not be prepared: ")
            return
        except BaseException:
            self.status.value = ""
            raise
        finally:
            self.prepare.disabled = False
        filename = export_filename(review.workload.name, export_format.key)
        name = review.workload.name or "Untitled workload"
        link = download_link(content, filename, f"Download {filename}", export_format.media_type, css="pk-export-link")
        when = self.clock.now().strftime("%H:%M:%S")
        self.status.value = (
            f"{link}<div class='pk-hint'>{escape(export_format.label)} of “{escape(name)}”, {escape(size_text(len(content)))}, "
            f"answers as of {escape(when)}: prepare it again after more changes.</div>"
        )
        ignored = roadmap.problems(review)
        if ignored:
            self.messages.warning(
                "The download is ready; some roadmap entries in the review file are ignored:", [str(p) for p in ignored]
            )
