"""Export from the app (handout HTML and PDF, XLSX, CSV, JSON as data-URI links) and the roadmap horizon selector."""

from __future__ import annotations

import base64
import csv
import io
import json
import shutil
import zipfile
from html.parser import HTMLParser

import pytest

from kit.app.app import FILES
from kit.app.export_panel import PREPARING
from kit.core import roadmap
from kit.core.errors import ExportError
from kit.core.lens import load as load_lens
from kit.core.review import Review, Workload
from kit.core.vocabulary import ChoiceStatus
from kit.render import formats, pdf
from kit.render import tables as exports
from kit.render.handout.audit import remote_references
from tests.app.app_driver import ALIAS, SMALL_LENS, saved, tick

HOSTILE = "<img src=x onerror=alert(1)>\"Pay & Go'"
HOSTILE_SLUG = "img-src-x-onerror-alert-1-pay-go"
TITLES = ("How do you deploy changes?", "How do you know the workload is healthy?", "How do you control access?")


# --- helpers --------------------------------------------------------------------------


class _Markup(HTMLParser):
    """Every tag of a snippet with its attributes, and the text inside each <a>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.anchor_text: list[str] = []
        self._in_a = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_a = self._in_a or tag == "a"
        if tag == "a":
            self.anchor_text.append("")

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_a = False

    def handle_data(self, data):
        if self._in_a:
            self.anchor_text[-1] += data


def markup(value: str) -> _Markup:
    parser = _Markup()
    parser.feed(value)
    parser.close()
    return parser


def prepare(app, suffix: str) -> str:
    """Pick a format in the review file page, click "Prepare download"; the status HTML."""
    app.show_side_page(FILES)
    panel = app.files_panel.export
    panel.format.value = suffix
    panel.prepare.click()
    return panel.status.value


def link_of(value: str) -> tuple[dict, str, str, bytes]:
    """(anchor attributes, anchor text, media type, decoded file) of the one link in a status value."""
    parsed = markup(value)
    anchors = [attrs for tag, attrs in parsed.tags if tag == "a"]
    assert len(anchors) == 1, value[:300]
    attrs = anchors[0]
    head, _, payload = attrs["href"].partition(";base64,")
    assert head.startswith("data:"), head
    return attrs, parsed.anchor_text[0], head[len("data:") :], base64.b64decode(payload, validate=True)


@pytest.fixture
def answered(make_app):
    """An app on a review with a hostile workload name, one HIGH question with a note, one MEDIUM."""
    app = make_app()
    app.workload_panel.fields["name"].value = HOSTILE
    tick(app, "deploy_no")  # HIGH
    app.question_view.notes.value = "We deploy by hand <b>on Fridays</b>"
    app.navigator.next.click()
    tick(app, "monitor_alarms")  # MEDIUM
    return app


# --- the export section -----------------------------------------------------------------


def test_the_export_section_is_in_the_review_file_page(app):
    assert app._files_panel is None  # built with the page, the first time it is shown
    app.show_side_page(FILES)
    panel = app.files_panel.export
    assert panel.widget in app.files_panel.widget.children
    assert "pk-export" in panel.widget._dom_classes
    assert [label for label, _ in panel.format.options] == [
        "Handout (HTML)",
        "Handout (PDF)",
        "Spreadsheet (XLSX)",
        "Spreadsheet (CSV)",
        "Data (JSON)",
        "Backlog for Jira or GitHub (CSV)",
        "Risk register (CSV)",
    ]
    assert panel.prepare.description == "Prepare download"
    assert panel.status.value == ""  # nothing is made until asked


def test_html_handout_holds_the_escaped_name_and_every_question(answered):
    attrs, label, media_type, content = link_of(prepare(answered, ".html"))
    assert media_type == "text/html;charset=utf-8"
    assert attrs["download"] == f"{HOSTILE_SLUG}-handout.html"
    assert label == f"Download {HOSTILE_SLUG}-handout.html"
    document = content.decode("utf-8")
    assert document.lstrip().lower().startswith("<!doctype html")
    assert "&lt;img src=x onerror=alert(1)&gt;" in document
    assert "<img src=x" not in document and "<b>on Fridays</b>" not in document
    assert "&lt;b&gt;on Fridays&lt;/b&gt;" in document
    for title in TITLES:
        assert title in document
    assert remote_references(document) == []


def test_xlsx_is_a_workbook(answered):
    attrs, _, media_type, content = link_of(prepare(answered, ".xlsx"))
    assert media_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert attrs["download"] == f"{HOSTILE_SLUG}-answers.xlsx"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "xl/workbook.xml" in archive.namelist()
        assert b"Answers" in archive.read("xl/workbook.xml")


def test_csv_has_the_header_and_is_the_file_the_command_line_writes(answered, tmp_path):
    attrs, _, media_type, content = link_of(prepare(answered, ".csv"))
    assert media_type == "text/csv;charset=utf-8"
    assert attrs["download"] == f"{HOSTILE_SLUG}-answers.csv"
    assert content.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == exports.HEADERS
    deploy = [r for r in rows if r["Question ID"] == "deploy"]
    assert {r["Question risk"] for r in deploy} == {"High risk"}
    assert {r["Selected"] for r in deploy if r["Choice ID"] == "deploy_no"} == {"yes"}
    written = formats.export(answered.review, tmp_path / "cli.csv")
    assert written.read_bytes() == content


def test_json_has_the_review_and_its_risk_counts(answered):
    attrs, _, media_type, content = link_of(prepare(answered, ".json"))
    assert media_type == "application/json;charset=utf-8"
    assert attrs["download"] == f"{HOSTILE_SLUG}-review.json"
    data = json.loads(content)
    assert data["format"] == exports.EXPORT_FORMAT
    assert data["score"]["RiskCounts"]["HIGH"] == 1 and data["score"]["RiskCounts"]["MEDIUM"] == 1
    assert data["review"]["workload"]["name"] == HOSTILE
    assert data["roadmap"] == {"3": [f"{ALIAS}/deploy"], "12": [f"{ALIAS}/monitor"], "36": []}


def test_user_text_is_escaped_in_the_link_and_its_description(answered):
    value = prepare(answered, ".html")
    assert "<img" not in value and "onerror=alert(1)>" not in value
    parsed = markup(value)
    assert [tag for tag, _ in parsed.tags] == ["a", "div"]  # no element came from the name
    attrs = parsed.tags[0][1]
    assert set(attrs) == {"class", "download", "href"}
    assert attrs["class"] == "pk-export-link"
    assert parsed.anchor_text == [f"Download {HOSTILE_SLUG}-handout.html"]
    assert (
        "“&lt;img src=x onerror=alert(1)&gt;&#34;Pay &amp; Go&#39;”" in value
    )  # the name, as text, in the description


def test_a_name_with_nothing_to_keep_gives_an_untitled_file(app):
    app.workload_panel.fields["name"].value = "<>&\"'"
    attrs, label, _, _ = link_of(prepare(app, ".json"))
    assert attrs["download"] == "untitled-review.json"
    assert label == "Download untitled-review.json"


def test_preparing_is_shown_while_the_file_is_made(app, monkeypatch):
    panel = (app.show_side_page(FILES), app.files_panel.export)[1]
    seen = []

    def slow_to_bytes(review, suffix, edition="full", paper="a4"):
        seen.append((panel.status.value, panel.prepare.disabled, suffix))
        return b"{}"

    monkeypatch.setattr(formats, "to_bytes", slow_to_bytes)
    panel.format.value = ".json"
    panel.prepare.click()
    assert seen == [(PREPARING, True, ".json")]
    assert "…" in PREPARING
    assert not panel.prepare.disabled
    assert "pk-export-link" in panel.status.value


def test_a_link_is_dropped_when_the_format_or_the_review_changes(app):
    prepare(app, ".json")
    panel = app.files_panel.export
    assert "pk-export-link" in panel.status.value
    panel.format.value = ".csv"
    assert panel.status.value == ""  # a JSON link under "Spreadsheet (CSV)" would mislead
    panel.prepare.click()
    assert "pk-export-link" in panel.status.value
    app.new_review()
    assert panel.status.value == ""  # never the previous review's file


def test_pdf_without_chromium_says_how_to_install_it_in_one_line(app, monkeypatch, tmp_path, folder):
    app.show_side_page(FILES)  # the panel was built on a server that could print PDFs
    if ".pdf" not in dict(map(reversed, app.files_panel.export.format.options)):
        pytest.skip("this machine has no Chromium, so the app offers the browser's PDF instead")
    monkeypatch.setattr(pdf, "CHROMIUM", str(tmp_path / "no-such-chromium"))  # ...and then lost its Chromium
    value = prepare(app, ".pdf")
    message = app.messages.current
    assert message is not None and message.level == "error"
    assert "Chromium not found" in message.text and "apt-get install chromium" in message.text
    assert "\n" not in message.text and message.details == ()  # one line, no traceback
    assert "Traceback" not in app.messages.text.value
    assert value == ""  # neither a link nor "preparing…" left behind
    assert not app.files_panel.export.prepare.disabled


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed (apt-get install chromium)")
def test_pdf_is_printed_by_chromium(answered):
    attrs, _, media_type, content = link_of(prepare(answered, ".pdf"))
    assert media_type == "application/pdf"
    assert attrs["download"] == f"{HOSTILE_SLUG}-handout.pdf"
    assert content.startswith(b"%PDF-")


def test_an_unexpected_failure_is_reported_and_leaves_no_preparing(make_app, monkeypatch):
    app = make_app(raise_errors=False)

    def broken(review, suffix, *options):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(formats, "to_bytes", broken)
    value = prepare(app, ".html")
    assert value == ""
    assert app.messages.current.level == "error"
    assert "preparing the download" in app.messages.current.text and "disk on fire" in app.messages.current.text
    assert not app.files_panel.export.prepare.disabled


def test_ignored_roadmap_entries_in_the_file_are_warned_about(app):
    app.review.extensions["horizons"] = {f"{ALIAS}/deploy": 7}
    value = prepare(app, ".json")
    assert "pk-export-link" in value  # the file is made anyway, on the default horizons
    message = app.messages.current
    assert message.level == "warning"
    assert any("7 is not 3, 12 or 36 months" in line for line in message.details)


def test_to_bytes_refuses_an_unknown_format():
    review = Review([load_lens(str(SMALL_LENS))], Workload())
    with pytest.raises(ExportError, match=r"no export format '\.docx'"):
        formats.to_bytes(review, ".docx")


# --- roadmap horizon ----------------------------------------------------------------------


def horizon(app):
    return app.question_view.horizon


def shown(widget) -> bool:
    return widget.layout.display != "none"


def test_the_horizon_is_hidden_unless_the_question_is_high_or_medium(app):
    assert "pk-horizon" in horizon(app)._dom_classes
    assert not shown(horizon(app))  # UNANSWERED
    tick(app, "deploy_pipeline")
    tick(app, "deploy_rollback")
    assert not shown(horizon(app))  # NONE
    tick(app, "deploy_rollback", False)
    assert shown(horizon(app))  # MEDIUM
    app.question_view.na.value = True
    assert not shown(horizon(app))  # NOT_APPLICABLE
    app.question_view.na.value = False
    assert shown(horizon(app))


def test_a_tick_that_makes_the_question_high_shows_three_months(app):
    tick(app, "deploy_no")
    assert shown(horizon(app)) and horizon(app).value == 3
    tick(app, "deploy_pipeline")  # MEDIUM now: the default follows the risk
    assert horizon(app).value == 12
    assert "horizons" not in app.review.extensions  # showing a horizon is not moving it
    assert [label for label, _ in horizon(app).options] == ["3 months", "12 months", "36 months"]


def test_moving_a_question_is_saved_in_the_review_and_its_file(app):
    tick(app, "deploy_no")
    app.flush()
    horizon(app).value = 36
    assert app.review.extensions["horizons"] == {f"{ALIAS}/deploy": 36}
    assert roadmap.horizon(app.review, ALIAS, "deploy", "HIGH") == 36
    assert app.autosaver.pending  # the move goes through the autosave like any answer
    assert app.flush() is True
    assert saved(app.path)["extensions"]["horizons"] == {f"{ALIAS}/deploy": 36}


def test_a_move_survives_navigating_away_and_back(app):
    tick(app, "deploy_no")
    horizon(app).value = 36
    app.navigator.next.click()
    assert app.position == (ALIAS, "monitor")
    assert not shown(horizon(app))  # unanswered
    tick(app, "monitor_no")
    assert horizon(app).value == 3  # this question's own horizon, not the previous one's
    app.navigator.prev.click()
    assert app.position == (ALIAS, "deploy")
    assert shown(horizon(app)) and horizon(app).value == 36
    assert app.review.extensions["horizons"] == {f"{ALIAS}/deploy": 36}


def test_a_move_is_kept_when_the_risk_changes(app):
    tick(app, "deploy_no")
    horizon(app).value = 36
    tick(app, "deploy_pipeline")  # MEDIUM: the facilitator's choice stands
    assert horizon(app).value == 36
    tick(app, "deploy_rollback")  # NONE: off the roadmap
    assert not shown(horizon(app))
    tick(app, "deploy_rollback", False)
    assert shown(horizon(app)) and horizon(app).value == 36


def test_showing_a_review_never_writes_its_horizons_back(make_app):
    review = Review([load_lens(str(SMALL_LENS))], Workload(name="Shown"))
    review.set_choice(ALIAS, "deploy", "deploy_no", ChoiceStatus.SELECTED)  # HIGH
    review.set_choice(ALIAS, "monitor", "monitor_dash", ChoiceStatus.SELECTED)  # MEDIUM
    roadmap.set_horizon(review, ALIAS, "deploy", 36)
    app = make_app(review=review)
    assert horizon(app).value == 36
    app.navigator.next.click()
    assert horizon(app).value == 12
    app.navigator.prev.click()
    assert horizon(app).value == 36
    assert review.extensions["horizons"] == {f"{ALIAS}/deploy": 36}
    assert not app.autosaver.dirty and not app.autosaver.pending  # looking around saved nothing


def test_a_move_reaches_the_exports_and_a_resumed_review(make_app, folder):
    app = make_app()
    tick(app, "deploy_no")
    horizon(app).value = 36
    app.flush()
    rows = list(csv.DictReader(io.StringIO(link_of(prepare(app, ".csv"))[3].decode("utf-8-sig"))))
    assert {r["Roadmap (months)"] for r in rows if r["Question ID"] == "deploy"} == {"36"}
    resumed = make_app(path=app.path)
    assert resumed.position == (ALIAS, "deploy")
    assert shown(horizon(resumed)) and horizon(resumed).value == 36


def test_without_chromium_the_pdf_comes_from_the_browsers_print_dialog(app, monkeypatch, tmp_path):
    """Binder: no Chromium on the server, so no option that can only fail; the browser prints the handout."""
    monkeypatch.setattr(pdf, "CHROMIUM", str(tmp_path / "no-such-chromium"))
    app.show_side_page(FILES)
    panel = app.files_panel.export
    labels = [label for label, _ in panel.format.options]
    assert "Handout (PDF)" not in labels and "Handout (PDF, from your browser)" in labels
    sent = []
    monkeypatch.setattr(panel.printer.widget, "send", lambda content, buffers=None: sent.append(content))
    panel.format.value = "print"
    assert panel.prepare.description == "Print…" and panel.edition.layout.display is None
    panel.edition.value = "summary"
    panel.prepare.click()
    assert len(sent) == 1
    document = sent[0]["html"]
    assert document.startswith("<!DOCTYPE html>") and "Executive summary" in document and "@media print" in document
    assert "size: A4;" in document
    assert "Save as PDF" in panel.status.value
    assert app.messages.current is None  # nothing went wrong


def test_the_edition_picker_names_the_summary_file(app):
    app.show_side_page(FILES)
    panel = app.files_panel.export
    panel.format.value = ".json"
    assert panel.edition.layout.display == "none"  # an edition means nothing for the data
    panel.format.value = ".html"
    panel.edition.value = "summary"
    panel.prepare.click()
    attrs, _label, _media, content = link_of(panel.status.value)
    assert attrs["download"].endswith("-summary.html")
    assert b"Executive summary" in content and b'class="pk-pillar"' not in content


def test_the_backlog_and_the_register_download_as_the_command_writes_them(answered):
    from kit.core import register
    from kit.render import backlog

    register.add(answered.review, "Orders database", '=HYPERLINK("http://evil")', likelihood="HIGH", impact="HIGH")
    attrs, _text, media, content = link_of(prepare(answered, "backlog.csv"))
    assert attrs["download"] == f"{HOSTILE_SLUG}-backlog.csv" and media == "text/csv;charset=utf-8"
    assert content == backlog.csv_bytes(answered.review)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert [row[10] for row in rows[1:]] == ["Improvement plan", "Improvement plan", "Risk register"]
    attrs, _text, _media, content = link_of(prepare(answered, "register.csv"))
    assert attrs["download"] == f"{HOSTILE_SLUG}-risk-register.csv"
    assert content == exports.register_csv_bytes(answered.review)
    assert "'=HYPERLINK" in content.decode("utf-8")  # a formula stays text
