"""One registry of export formats: a new format is one entry, and both the command line and the app offer it."""

from __future__ import annotations

import base64
import re
from contextlib import contextmanager

import pytest

from kit.app.app import FILES
from kit.cli import main
from kit.core.errors import ExportError
from kit.render import formats
from tests.app.app_driver import tick


def _listing(review) -> bytes:
    """A made-up format: one line per answered question."""
    return "".join(f"{qid}\n" for qid in review.answers[next(iter(review.answers))]).encode("utf-8")


@contextmanager
def registered(export_format: formats.ExportFormat):
    """``export_format`` registered until the block ends; the registry is then as it was."""
    saved = dict(formats.FORMATS)
    try:
        yield formats.register(export_format)
    finally:
        formats.FORMATS.clear()
        formats.FORMATS.update(saved)


@pytest.fixture
def listing():
    """A fake format registered for one test."""
    with registered(
        formats.ExportFormat(
            ".lst", "Question list (LST)", "question list", "text/plain;charset=utf-8", "questions", _listing
        )
    ) as export_format:
        yield export_format


def test_one_entry_puts_a_format_in_the_command_line_and_the_apps_picker(listing, make_app, tmp_path, capsys):
    app = make_app()
    tick(app, "deploy_no")
    app.flush()

    # The command line writes it, says what it wrote, and lists it in its help.
    output = tmp_path / "out" / "answered.lst"
    assert main(["export", str(app.path), "-o", str(output)]) == 0
    assert capsys.readouterr().out == f"wrote {output} (LST question list)\n"
    assert output.read_bytes() == b"deploy\n"
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert ".json or .lst" in " ".join(capsys.readouterr().out.split())

    # The app's picker offers it last, and the download is the same file.
    app.show_side_page(FILES)
    panel = app.files_panel.export
    assert panel.format.options[-1] == ("Question list (LST)", ".lst")
    panel.format.value = ".lst"
    panel.prepare.click()
    link = re.search(r'download="([^"]+)" href="data:([^;"]+;charset=utf-8);base64,([^"]+)"', panel.status.value)
    assert link is not None, panel.status.value
    assert link.group(1) == "untitled-questions.lst"
    assert link.group(2) == "text/plain;charset=utf-8"
    assert base64.b64decode(link.group(3)) == output.read_bytes()


def test_without_the_entry_neither_offers_it(app, tmp_path, capsys):
    app.show_side_page(FILES)
    assert ".lst" not in [suffix for _, suffix in app.files_panel.export.format.options]
    assert main(["export", str(tmp_path / "review.json"), "-o", str(tmp_path / "answered.lst")]) == 2
    assert "use one of .html, .pdf, .xlsx, .csv, .json" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", ["lst", ".LST", ".", ".html"])
def test_a_suffix_must_be_new_lower_case_and_dotted(suffix):
    with pytest.raises(ValueError, match="suffix"):
        formats.register(formats.ExportFormat(suffix, "x", "x", "text/plain", "x", _listing))


def test_every_format_says_what_the_picker_the_command_line_and_a_download_need():
    assert list(formats.FORMATS) == [".html", ".pdf", ".xlsx", ".csv", ".json", "backlog.csv", "register.csv"]
    for key, export_format in formats.FORMATS.items():
        assert export_format.key == key and export_format.kind == export_format.suffix[1:].upper()
        assert (
            export_format.label and export_format.what and export_format.file_word and "/" in export_format.media_type
        )
    assert [f.suffix for f in formats.FORMATS.values() if f.needs_chromium] == [".pdf"]
    with pytest.raises(ExportError, match=r"no export format '\.docx'; use one of \.html, \.pdf"):
        formats.by_suffix(".docx")


@pytest.fixture
def variant():
    """A fake variant of .csv, picked by its own flag, registered for one test."""
    with registered(
        formats.ExportFormat(
            ".csv",
            "Question list (CSV)",
            "question list",
            "text/csv;charset=utf-8",
            "questions",
            _listing,
            variant="list",
        )
    ) as export_format:
        yield export_format


def test_a_variant_is_picked_by_its_own_flag_and_offered_under_its_own_label(variant, make_app, tmp_path, capsys):
    app = make_app()
    tick(app, "deploy_no")
    app.flush()
    output = tmp_path / "list.csv"
    assert main(["export", str(app.path), "-o", str(output), "--list"]) == 0
    assert capsys.readouterr().out == f"wrote {output} (CSV question list)\n"
    assert output.read_bytes() == b"deploy\n"
    assert main(["export", str(app.path), "-o", str(tmp_path / "plain.csv")]) == 0  # without the flag: the answers
    assert (tmp_path / "plain.csv").read_bytes().startswith(b"\xef\xbb\xbfLens,")
    assert main(["export", str(app.path), "-o", str(tmp_path / "list.txt"), "--list"]) == 2
    assert "--list writes a CSV file: name it with .csv" in capsys.readouterr().err
    app.show_side_page(FILES)
    assert app.files_panel.export.format.options[-1] == ("Question list (CSV)", "list.csv")


@pytest.mark.parametrize("name", ["List", "backlog", "two words"])
def test_a_variant_is_a_new_lower_case_flag(name):
    with pytest.raises(ValueError, match="variant"):
        formats.register(formats.ExportFormat(".csv", "x", "x", "text/csv", "x", _listing, variant=name))
