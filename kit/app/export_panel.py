"""Export, in the review file page: the handout (HTML, PDF), the answers (XLSX, CSV) or the data (JSON) as a download.

A thin shell: the file is made in memory by :func:`kit.render.handout.to_bytes`, which goes through
the same functions as ``pillarkit export`` (:func:`kit.render.handout.to_html`, :mod:`kit.render.pdf`,
:mod:`kit.render.tables`), and offered as a data-URI link (Voila refuses ``FileLink``). The file is
named from a slug of the workload name, like the review files; typed text is never a file name.
A prepared link is a snapshot of the answers at that moment: it is dropped when another format
is picked or another review is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from kit.app.storage import download_link, slug
from kit.app.ui import button, classed, dropdown, esc, html, spoken
from kit.core.errors import PillarkitError

if TYPE_CHECKING:
    from kit.app.app import ReviewApp

#: (label, file suffix) in the format picker; the suffix is what kit.render.handout.to_bytes takes.
FORMATS = (
    ("Handout (HTML)", ".html"),
    ("Handout (PDF)", ".pdf"),
    ("Spreadsheet (XLSX)", ".xlsx"),
    ("Spreadsheet (CSV)", ".csv"),
    ("Data (JSON)", ".json"),
)
#: The word after the workload's slug in the file name: ``payments-api-handout.pdf``.
KINDS = {".html": "handout", ".pdf": "handout", ".xlsx": "answers", ".csv": "answers", ".json": "review"}
WHAT = {".html": "Handout", ".pdf": "Handout", ".xlsx": "Answers", ".csv": "Answers", ".json": "Review data"}
PREPARING = "<span class='pk-hint'>Preparing the file…</span>"


def export_filename(workload_name: str, suffix: str) -> str:
    """``"Payments API (EU)"``, ``".pdf"`` -> ``"payments-api-eu-handout.pdf"``: the same slug as the review files."""
    return f"{slug(workload_name)}-{KINDS[suffix]}{suffix}"


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class ExportPanel:
    """A format picker, "Prepare download", and the link (or "preparing…") underneath."""

    def __init__(self, app: ReviewApp):
        self.app = app
        self.format = spoken(dropdown(list(FORMATS), "pk-export-format", value=".html"), "Export format")
        self.prepare = button(
            "Prepare download", "pk-export-prepare", icon="download", tooltip="Make the file for the review on screen"
        )
        self.status = html("", "pk-export-status")
        app.events.click(self.prepare, self.prepare_download, "preparing the download")
        app.events.observe(self.format, lambda _change: self.clear(), "choosing an export format")
        self.widget = classed(
            w.VBox(
                [
                    html("<h4>Export</h4>", "pk-side-heading"),
                    html(
                        "<div class='pk-hint'>The handout for the team and its managers, the answers for a spreadsheet, "
                        "or the review with its risks for other tools.</div>"
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
        from kit.render import handout

        app = self.app
        suffix = self.format.value
        review = app.review
        self.status.value = PREPARING  # sent to the browser now, before the work starts
        self.prepare.disabled = True
        try:
            content = handout.to_bytes(review, suffix)
        except PillarkitError as exc:
            self.status.value = ""
            app.messages.problem(exc, "The download could not be prepared: ")
            return
        except BaseException:
            self.status.value = ""
            raise
        finally:
            self.prepare.disabled = False
        filename = export_filename(review.workload.name, suffix)
        name = review.workload.name or "Untitled workload"
        link = download_link(
            content, filename, f"Download {filename}", handout.MEDIA_TYPES[suffix], css="pk-export-link"
        )
        when = app.clock.now().strftime("%H:%M:%S")
        self.status.value = (
            f"{link}<div class='pk-hint'>{esc(WHAT[suffix])} of “{esc(name)}”, {esc(size_text(len(content)))}, "
            f"answers as of {esc(when)}: prepare it again after more changes.</div>"
        )
        ignored = roadmap.problems(review)
        if ignored:
            app.messages.warning(
                "The download is ready; some roadmap entries in the review file are ignored:", [str(p) for p in ignored]
            )
