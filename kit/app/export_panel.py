"""Export, in the review file page: the handout (HTML, PDF), the answers (XLSX, CSV) or the data (JSON) as a download.

A thin shell over the registry of export formats (:mod:`kit.render.formats`): the picker offers
every registered format, and the file is made in memory by the format's own function, the one
``pillarkit export`` writes with, then offered as a data-URI link (Voila refuses ``FileLink``). The
file is named from a slug of the workload name, like the review files; typed text is never a file name.
The handout comes in two editions (full, or the executive summary), picked beside the format.
Where the server has no Chromium (Binder), "Handout (PDF)" becomes "Handout (PDF, from your
browser)": the browser's own print dialog opens on the handout (:mod:`kit.app.printer`), so no
option is offered that can only fail. A prepared link is a snapshot of the answers at that moment: it is dropped when another format
is picked or another review is shown.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
from markupsafe import escape

from kit.app.events import Events
from kit.app.messages import Messages
from kit.app.printer import BrowserPrint
from kit.app.storage import download_link, slug
from kit.app.timing import Clock
from kit.app.ui import button, classed, dropdown, html, show, spoken
from kit.core.errors import PillarkitError
from kit.core.review import Review
from kit.render import formats

PREPARING = "<span class='pk-hint'>Preparing the file…</span>"
#: The picker's value for the handout printed to PDF by the browser, where the server cannot.
BROWSER_PDF = "print"
BROWSER_PDF_LABEL = "Handout (PDF, from your browser)"
#: The handout's editions in the edition picker: (label, edition).
EDITIONS = (("Full handout", "full"), ("Executive summary (4 pages)", "summary"))


def export_filename(workload_name: str, key: str, edition: str = "full") -> str:
    """``"Payments API (EU)"``, ``".pdf"`` -> ``"payments-api-eu-handout.pdf"``: the same slug as the review files."""
    export_format = formats.by_suffix(key)
    word = "summary" if edition == "summary" and export_format.is_handout else export_format.file_word
    return f"{slug(workload_name)}-{word}{export_format.suffix}"


def server_prints_pdf() -> bool:
    """Whether this server has a Chromium to print PDFs with (Binder's image has none)."""
    from kit.render.pdf import find_chromium

    try:
        find_chromium()
    except PillarkitError:
        return False
    return True


def format_options(server_pdf: bool) -> list[tuple[str, str]]:
    """Every registered format; where the server cannot print a PDF, the browser's print-to-PDF instead."""
    options = []
    for f in formats.FORMATS.values():
        if f.needs_chromium and not server_pdf:
            options.append((BROWSER_PDF_LABEL, BROWSER_PDF))
        else:
            options.append((f.label, f.key))
    return options


def is_handout(value: str) -> bool:
    return value == BROWSER_PDF or formats.by_suffix(value).is_handout


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
        self.format = spoken(
            dropdown(format_options(server_prints_pdf()), "pk-export-format", value=".html"), "Export format"
        )
        self.edition = spoken(dropdown(list(EDITIONS), "pk-export-edition", value="full"), "Handout edition")
        self.printer = BrowserPrint()
        self.prepare = button(
            "Prepare download", "pk-export-prepare", icon="download", tooltip="Make the file for the review on screen"
        )
        self.status = html("", "pk-export-status")
        events.click(self.prepare, self.prepare_download, "preparing the download")
        events.observe(self.format, self._on_format, "choosing an export format")
        events.observe(self.edition, lambda _change: self.clear(), "choosing the handout's edition")
        self.widget = classed(
            w.VBox(
                [
                    html("<h4>Export</h4>", "pk-side-heading"),
                    html(
                        "<div class='pk-hint'>The handout for the team and its managers, the answers for a spreadsheet, "
                        "the review with its risks for other tools, or the work it found as a backlog to import.</div>"
                    ),
                    classed(w.HBox([self.format, self.edition, self.prepare]), "pk-export-row"),
                    self.status,
                    self.printer.widget,
                ]
            ),
            "pk-export",
        )

    def _on_format(self, change: dict) -> None:
        self.clear()
        show(self.edition, is_handout(change["new"]))
        self.prepare.description = "Print…" if change["new"] == BROWSER_PDF else "Prepare download"

    def clear(self) -> None:
        """Drop a prepared link (another format, another review)."""
        if self.status.value:
            self.status.value = ""

    def prepare_download(self) -> None:
        """Make the file in the picked format and show its link; a kit error (no Chromium) is one line in the message bar."""
        from kit.core import roadmap

        edition = self.edition.value if is_handout(self.format.value) else "full"
        if self.format.value == BROWSER_PDF:
            self.print_in_browser(edition)
            return
        export_format = formats.by_suffix(self.format.value)
        review = self.review()
        self.status.value = PREPARING  # sent to the browser now, before the work starts
        self.prepare.disabled = True
        try:
            export_format.ready()
            content = formats.to_bytes(review, export_format.key, edition)
        except PillarkitError as exc:
            self.status.value = ""
            self.messages.problem(exc, "The download could not be prepared: ")
            return
        except BaseException:
            self.status.value = ""
            raise
        finally:
            self.prepare.disabled = False
        filename = export_filename(review.workload.name, export_format.key, edition)
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

    def print_in_browser(self, edition: str) -> None:
        """Open the browser's print dialog on the handout (its print stylesheet: A4 pages), to save it as PDF."""
        from kit.render.handout import to_html

        review = self.review()
        name = review.workload.name or "Untitled workload"
        self.printer.print_html(to_html(review, edition=edition), f"{name}: handout")
        self.status.value = (
            "<div class='pk-hint'>Your browser's print dialog opens on the handout: choose <b>Save as PDF</b> "
            "as the printer. The pages are laid out for A4; pick Letter there if you print on it.</div>"
        )
