"""Every export format, registered once: the command line, the app and the benchmarks all read this registry.

An :class:`ExportFormat` says all there is to say about one kind of file: its suffix, how the
app's picker names it, what the command line says it wrote, its media type for a download,
the word a download's name ends with, the function that makes its bytes from a review, and
whether it needs Chromium. ``pillarkit export`` takes the format from the output's suffix;
the app's export panel offers every format in :data:`FORMATS`, in order. A new format is one
:func:`register` call.

A suffix has one main format; other formats of the same suffix are *variants*, each picked by
its own command-line flag (``pillarkit export REVIEW -o backlog.csv --backlog``) and offered
by the app under its own label. The backlog and the risk register's CSV are variants of ``.csv``.

The handout (:mod:`kit.render.handout`), :mod:`kit.render.pdf` and :mod:`kit.render.tables`
make the bytes; :func:`export` writes them atomically, so a file on disk is always whole.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from kit.core.errors import ExportError
from kit.core.jsonio import write_atomic
from kit.core.review import Review
from kit.render import tables

#: The handout's editions and paper sizes (kit.render.handout defines them; named here for the
#: tabular formats, which never load the handout).
FULL = "full"
EDITIONS = (FULL, "summary")
A4 = "a4"
PAPERS = (A4, "letter")


@dataclass(frozen=True)
class ExportFormat:
    """One kind of file a review can be exported to."""

    #: The file suffix that picks it, lower case with its dot: ``".html"``.
    suffix: str
    #: How the app's format picker names it: ``"Handout (HTML)"``.
    label: str
    #: What the file is, after its type in the command line's ``wrote FILE (HTML handout)``.
    what: str
    #: The media type of a download link.
    media_type: str
    #: The word after the workload's slug in a download's name: ``payments-api-handout.html``.
    file_word: str
    #: Makes the file's bytes from a review; raises :class:`ExportError` when it cannot. The handout's
    #: formats also take ``edition`` and ``paper`` keywords (see :data:`is_handout`).
    make: Callable[..., bytes]
    #: Whether making it starts Chromium (the PDF), which then must be installed.
    needs_chromium: bool = False
    #: Whether it is the handout, which comes in editions ("full", "summary") and paper sizes ("a4", "letter").
    is_handout: bool = False

    #: The command-line flag that picks it instead of its suffix's main format (``"backlog"`` for
    #: ``--backlog``); empty for the main format of a suffix.
    variant: str = ""

    @property
    def key(self) -> str:
        """Its key in :data:`FORMATS` and the app's picker: the suffix, or the variant before it (``"backlog.csv"``)."""
        return f"{self.variant}{self.suffix}" if self.variant else self.suffix

    def bytes_of(self, review: Review, edition: str = FULL, paper: str = A4) -> bytes:
        """The file's bytes; the edition and paper size apply to the handout only."""
        return self.make(review, edition=edition, paper=paper) if self.is_handout else self.make(review)

    @property
    def kind(self) -> str:
        """The file's type as people write it: ``"HTML"``."""
        return self.suffix[1:].upper()

    def ready(self, output: str | os.PathLike[str] | None = None) -> None:
        """Raise :class:`ExportError` (saying how to fix it) if this machine cannot make the format.

        Given the ``output`` being written, the error names it.
        """
        if self.needs_chromium:
            from kit.render.pdf import find_chromium

            with _naming(output):
                find_chromium()


#: The registered formats by key (a suffix, or a variant's name and suffix), in the order the app offers them.
FORMATS: dict[str, ExportFormat] = {}
_VARIANT = re.compile(r"^[a-z][a-z0-9-]*$")


def register(export_format: ExportFormat) -> ExportFormat:
    """Add a format; its suffix must start with a dot and be lower case, and its key must not be taken.

    A variant's name must be a command-line flag (lower-case letters, digits and ``-``) that no
    other variant has.
    """
    suffix = export_format.suffix
    if not suffix.startswith(".") or len(suffix) < 2 or suffix != suffix.lower():
        raise ValueError(f"an export format's suffix is lower case with its dot, like '.html', not {suffix!r}")
    variant = export_format.variant
    if variant and (not _VARIANT.match(variant) or any(f.variant == variant for f in FORMATS.values())):
        raise ValueError(f"a variant is a new command-line flag of lower-case letters, like 'backlog', not {variant!r}")
    if export_format.key in FORMATS:
        raise ValueError(f"the suffix {suffix!r} already has an export format")
    FORMATS[export_format.key] = export_format
    return export_format


def variants() -> list[ExportFormat]:
    """The formats picked by a flag rather than by their suffix alone, in registration order."""
    return [f for f in FORMATS.values() if f.variant]


def suffixes(last: str = ", ") -> str:
    """The registered suffixes for a sentence: ``.html, .pdf, .xlsx, .csv, .json`` (``last`` joins the final one)."""
    names = [key for key, f in FORMATS.items() if not f.variant]
    return ", ".join(names[:-1]) + last + names[-1] if len(names) > 1 else "".join(names)


def by_suffix(key: str) -> ExportFormat:
    """The format for a key (a suffix such as ``".pdf"``, any case, or ``"backlog.csv"``); :class:`ExportError` if unknown."""
    found = FORMATS.get(str(key).lower())
    if found is None:
        raise ExportError.at("export", "", f"no export format {key!r}; use one of {suffixes()}")
    return found


def format_of(path: str | os.PathLike[str], variant: str = "") -> ExportFormat:
    """The export format of a path, from its suffix (and a variant's flag); :class:`ExportError` if there is none."""
    suffix = Path(path).suffix.lower()
    if variant:
        chosen = next((f for f in FORMATS.values() if f.variant == variant), None)
        if chosen is None:
            raise ExportError.at("export", "", f"no export format is picked by --{variant}")
        if chosen.suffix != suffix:
            raise ExportError.at(
                str(path), "", f"--{variant} writes a {chosen.kind} file: name it with {chosen.suffix}"
            )
        return chosen
    found = FORMATS.get(suffix)
    if found is None:
        raise ExportError.at(
            str(path),
            "",
            f"cannot tell the format from {suffix or 'a name without a suffix'!r}; use one of {suffixes()}",
        )
    return found


def check_options(export_format: ExportFormat, edition: str, paper: str, source: str = "export") -> None:
    """Refuse an edition or paper size that is unknown, or given for a file that is not the handout."""
    if edition not in EDITIONS:
        raise ExportError.at(source, "", f"no edition {edition!r}; use one of {', '.join(EDITIONS)}")
    if paper not in PAPERS:
        raise ExportError.at(source, "", f"no paper size {paper!r}; use one of {', '.join(PAPERS)}")
    if not export_format.is_handout and (edition, paper) != (FULL, A4):
        handouts = ", ".join(f.suffix for f in FORMATS.values() if f.is_handout)
        raise ExportError.at(
            source, "", f"an edition and a paper size are for the handout ({handouts}), not {export_format.key}"
        )


def to_bytes(review: Review, key: str, edition: str = FULL, paper: str = A4) -> bytes:
    """The file :func:`export` writes for ``key`` (a suffix, or a variant's key), made in memory (the app's download).

    ``edition`` and ``paper`` apply to the handout. Raises :class:`ExportError` for an unknown
    suffix, edition or paper size, or for a PDF without Chromium (with how to install it).
    """
    export_format = by_suffix(key)
    check_options(export_format, edition, paper)
    return export_format.bytes_of(review, edition, paper)


def export(
    review: Review, path: str | os.PathLike[str], edition: str = FULL, paper: str = A4, variant: str = ""
) -> Path:
    """Write the review to ``path`` in the format its suffix (and ``variant``) names, atomically; returns the path.

    ``edition`` ("full" or "summary") and ``paper`` ("a4" or "letter") apply to the handout. Raises
    :class:`ExportError` for an unknown suffix, edition or paper size, or for a PDF without Chromium
    (with how to install it); every error names ``path``, never a renderer or a temporary file.
    """
    export_format = format_of(path, variant)
    check_options(export_format, edition, paper, str(path))
    with _naming(path):
        data = export_format.bytes_of(review, edition, paper)
    write_atomic(path, data)
    return Path(path)


#: The names renderers give their errors when they do not know the file being written.
_RENDERER_SOURCES = {"pdf", "handout", "export"}


@contextmanager
def _naming(output: str | os.PathLike[str] | None) -> Iterator[None]:
    """Errors raised inside name the file being written, not the renderer ("pdf") that failed."""
    try:
        yield
    except ExportError as exc:
        if output is None:
            raise
        raise ExportError(
            [replace(d, source=str(output)) if d.source in _RENDERER_SOURCES else d for d in exc.diagnostics]
        ) from None


def _html(review: Review, edition: str = FULL, paper: str = A4) -> bytes:
    from kit.render.handout import to_html

    return to_html(review, edition=edition, paper=paper).encode("utf-8")


def _pdf(review: Review, edition: str = FULL, paper: str = A4) -> bytes:
    from kit.render.handout import to_html
    from kit.render.pdf import print_pdf

    return print_pdf(to_html(review, edition=edition, paper=paper))


register(
    ExportFormat(".html", "Handout (HTML)", "handout", "text/html;charset=utf-8", "handout", _html, is_handout=True)
)
register(
    ExportFormat(
        ".pdf", "Handout (PDF)", "handout", "application/pdf", "handout", _pdf, needs_chromium=True, is_handout=True
    )
)
register(
    ExportFormat(
        ".xlsx",
        "Spreadsheet (XLSX)",
        "workbook",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "answers",
        tables.to_xlsx,
    )
)
register(ExportFormat(".csv", "Spreadsheet (CSV)", "answers", "text/csv;charset=utf-8", "answers", tables.csv_bytes))
register(
    ExportFormat(
        ".json", "Data (JSON)", "review with its risks", "application/json;charset=utf-8", "review", tables.json_bytes
    )
)


def _backlog(review: Review) -> bytes:
    from kit.render.backlog import csv_bytes

    return csv_bytes(review)


register(
    ExportFormat(
        ".csv",
        "Backlog for Jira or GitHub (CSV)",
        "backlog",
        "text/csv;charset=utf-8",
        "backlog",
        _backlog,
        variant="backlog",
    )
)
register(
    ExportFormat(
        ".csv",
        "Risk register (CSV)",
        "risk register",
        "text/csv;charset=utf-8",
        "risk-register",
        tables.register_csv_bytes,
        variant="register",
    )
)

__all__ = [
    "EDITIONS",
    "FORMATS",
    "PAPERS",
    "ExportFormat",
    "by_suffix",
    "check_options",
    "export",
    "format_of",
    "register",
    "suffixes",
    "to_bytes",
    "variants",
]
