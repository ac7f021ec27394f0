"""Export, in the review file page: the handout (HTML, PDF), the answers (XLSX, CSV) or the data (JSON) as a download.

A thin shell: the file is made in memory by :func:`kit.render.handout.to_bytes`, which goes through
the same functions as ``pillarkit export`` (:func:`kit.render.handout.to_html`, :mod:`kit.render.pdf`,
:mod:`kit.render.tables`), and offered as a data-URI link (Voila refuses ``FileLink``). The file is
named from a slug of the workload name, like the review files; typed text is never a file name.
A prepared link is a snapshot of the answers at that moment: it is dropped when another format
is picked or another review is shown.

The handout comes in two editions (the full one, or the executive summary) picked beside the
format. Where the server has no Chromium (Binder), "Handout (PDF)" becomes "Handout (PDF, from
your browser)": the browser's own print dialog opens on the handout (:mod:`kit.app.printer`),
so no option is offered that can only fail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from kit.app.printer import BrowserPrint
from kit.app.storage import download_link, slug
from kit.app.ui import button, classed, dropdown, esc, html, show, spoken
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
#: The picker's value for the handout printed to PDF by the browser, where the server cannot.
BROWSER_PDF = "print"
BROWSER_PDF_LABEL = "Handout (PDF, from your browser)"
#: The handout's editions in the edition picker: (label, edition of kit.render.handout).
EDITIONS = (("Full handout", "full"), ("Executive summary (4 pages)", "summary"))
HANDOUTS = (".html", ".pdf", BROWSER_PDF)


def server_prints_pdf() -> bool:
    """Whether this server has a Chromium to print PDFs with (Binder's image has none)."""
    from kit.core.errors import ExportError
    from kit.render.pdf import find_chromium

    try:
        find_chromium()
    except ExportError:
        return False
    return True


def format_options(server_pdf: bool) -> list[tuple[str, str]]:
    """The picker's formats: the server's PDF where it can print one, else the browser's."""
    if server_pdf:
        return list(FORMATS)
    return [(BROWSER_PDF_LABEL, BROWSER_PDF) if suffix == ".pdf" else (label, suffix) for label, suffix in FORMATS]


#: The word after the workload's slug in the file name: ``payments-api-handout.pdf``.
KINDS = {".html": "handout", ".pdf": "handout", ".xlsx": "answers", ".csv": "answers", ".json": "review"}
WHAT = {".html": "Handout", ".pdf": "Handout", ".xlsx": "Answers", ".csv": "Answers", ".json": "Review data"}
PREPARING = "<span class='pk-hint'>Preparing the file…</span>"


def export_filename(workload_name: str, suffix: str, edition: str = "full") -> str:
    """``"Payments API (EU)"``, ``".pdf"`` -> ``"payments-api-eu-handout.pdf"``: the same slug as the review files."""
    kind = "summary" if edition == "summary" and suffix in HANDOUTS else KINDS[suffix]
    return f"{slug(workload_name)}-{kind}{suffix}"


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
        self.format = spoken(
            dropdown(format_options(server_prints_pdf()), "pk-export-format", value=".html"), "Export format"
        )
        self.edition = spoken(dropdown(list(EDITIONS), "pk-export-edition", value="full"), "Handout edition")
        self.printer = BrowserPrint()
        self.prepare = button(
            "Prepare download", "pk-export-prepare", icon="download", tooltip="Make the file for the review on screen"
        )
        self.status = html("", "pk-export-status")
        app.events.click(self.prepare, self.prepare_download, "preparing the download")
        app.events.observe(self.format, self._on_format, "choosing an export format")
        app.events.observe(self.edition, lambda _change: self.clear(), "choosing the handout's edition")
        self.widget = classed(
            w.VBox(
                [
                    html("<h4>Export</h4>", "pk-side-heading"),
                    html(
                        "<div class='pk-hint'>The handout for the team and its managers, the answers for a spreadsheet, "
                        "or the review with its risks for other tools.</div>"
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
        show(self.edition, change["new"] in HANDOUTS)
        self.prepare.description = "Print…" if change["new"] == BROWSER_PDF else "Prepare download"

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
        edition = self.edition.value if suffix in HANDOUTS else "full"
        if suffix == BROWSER_PDF:
            self.print_in_browser(edition)
            return
        self.status.value = PREPARING  # sent to the browser now, before the work starts
        self.prepare.disabled = True
        try:
            content = handout.to_bytes(review, suffix, edition)
        except PillarkitError as exc:
            self.status.value = ""
            app.messages.problem(exc, "The download could not be prepared: ")
            return
        except BaseException:
            self.status.value = ""
            raise
        finally:
            self.prepare.disabled = False
        filename = export_filename(review.workload.name, suffix, edition)
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

    def print_in_browser(self, edition: str) -> None:
        """Open the browser's print dialog on the handout (its print stylesheet: A4 pages), to save it as PDF."""
        from kit.render import handout

        review = self.app.review
        document = handout.to_html(review, edition=edition)
        name = review.workload.name or "Untitled workload"
        self.printer.print_html(document, f"{name}: handout")
        self.status.value = (
            "<div class='pk-hint'>Your browser's print dialog opens on the handout: choose <b>Save as PDF</b> "
            "as the printer. The pages are laid out for A4; pick Letter there if you print on it.</div>"
        )
