"""User text is data: script and formula payloads through every field survive as text, never as markup or formulas.

Every free-text field of a review gets the same payload: the workload's name, description,
owner, industry, review date, facilitator, participants, regions, notes and business context
(keys and values), the pillar priorities, question notes, choice notes (on a practice that is
followed, one that is missing and one set aside), parking-lot text, owner and links, and the
milestone's name and date, and every text of the risk register (component, failure mode,
detection, mitigation, runbook, owner, notes, and an open question parked from an entry). (Not-
applicable reasons are enums, so they are left out.) A custom lens's own texts get the same
treatment, since a lens file is input too. The outputs: the handout's HTML, the answers CSV, the
workbook, the risk register's CSV, the backlog CSV, the JSON export, and ``pillarkit register``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile

import openpyxl
import pytest
from bs4 import BeautifulSoup

from kit import cli
from kit.core import lens as lenses
from kit.core.errors import LensError
from kit.core.review import Review
from kit.core.vocabulary import ChoiceStatus
from kit.render import backlog, handout
from kit.render import tables as exports
from kit.render.handout.audit import remote_references
from tests.handout.reviews import (
    ALIAS,
    FORMULA_PAYLOADS,
    FORMULA_START,
    LENS_FILE,
    PAYLOADS,
    SCRIPT_PAYLOADS,
    payload_review,
)

NOW = dt.datetime(2025, 3, 15, tzinfo=dt.UTC)


def lens_payload_review(payload: str) -> Review:
    document = json.loads(LENS_FILE.read_text())
    document["name"] = document["description"] = payload
    pillar = document["pillars"][0]
    pillar["name"] = pillar["pillarkit"]["description"] = payload
    question = pillar["questions"][0]
    question["title"] = question["description"] = question["pillarkit"]["code"] = payload
    for choice in question["choices"]:
        choice["title"] = payload
        if "improvementPlan" in choice:
            choice["improvementPlan"]["displayText"] = payload
            choice["pillarkit"]["code"] = payload
    review = Review([lenses.from_document(document, "payload-lens.json", ALIAS)])
    review.workload.name = "Lens payload"
    review.set_choice(ALIAS, "deploy", "deploy_pipeline")
    review.set_choice(ALIAS, "backup", "backup_auto")
    return review


def normalise(text: str) -> str:
    return " ".join(text.split())


def assert_inert_html(document: str, payload: str, charts: int = 1, pictures: int = 0) -> None:
    soup = BeautifulSoup(document, "html5lib")
    assert soup.select("script, iframe, frame, object, embed, svg, math, form, base, link, template") == []
    assert len(soup.select("style")) == 1 and len(soup.select("meta[http-equiv]")) == 1
    for tag in soup.find_all(True):
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag
        for attribute in ("href", "src", "action", "formaction", "srcset", "xlink:href", "style"):
            value = tag.get(attribute)
            if value is not None:
                assert not re.match(r"\s*(javascript|vbscript|data:text)", value, re.I), tag
                assert "evil" not in value, tag
    images = soup.select("img")
    assert len(images) == 2 * charts + pictures  # each chart wide, and narrow for phones; a picture once
    assert all(
        img["src"].startswith("data:image/png;base64,") and set(img.attrs) <= {"src", "width", "height", "alt", "class"}
        for img in images
    )
    for a in soup.select("a"):
        assert a["href"].startswith("#") or a["href"].startswith("https://docs.example.org/"), a
    body = normalise(soup.body.get_text(" "))
    assert normalise(payload) in body  # shown to the reader, as text
    if "<" in payload:
        assert payload not in document  # only ever in escaped form in the source
    # (nbconvert re-serialises the page with BeautifulSoup, which writes quotes in text as
    # plain characters; < > & stay escaped, and attribute values stay quoted.)


@pytest.mark.parametrize("payload", PAYLOADS, ids=repr)
def test_no_payload_survives_as_markup_in_the_html(payload):
    review = payload_review(payload)
    document = handout.to_html(review, NOW)
    assert_inert_html(document, payload, charts=1, pictures=1)  # the risk chart, and the register's heat map
    soup = BeautifulSoup(document, "html5lib")
    first = soup.select_one('tr.pk-register-entry[data-risk-id="R1"]')
    assert normalise(first.select_one("strong").get_text()) == normalise(payload[:120])
    assert normalise(first.select_one(".pk-register-mode").get_text()) == normalise(payload)
    what = [normalise(dd.get_text()) for dd in soup.select('tr.pk-register-details[data-risk-id="R1"] dd')]
    assert what == [normalise(payload)] * 3 + ["REL01 How do you back up data?", normalise(payload)]
    assert soup.h1.get_text() == payload.strip() or normalise(soup.h1.get_text()) == normalise(payload)
    assert soup.title.get_text().startswith(payload.strip()[:10])
    notes = [n.get_text() for n in soup.select(".pk-notes .pk-pre")]
    assert len(notes) >= 3 and all(normalise(n) == normalise(payload) for n in notes)
    choice_notes = [n.get_text() for n in soup.select(".pk-choice-note")]
    assert (
        sum(normalise(n) == normalise(payload) for n in choice_notes) == 4
    )  # followed, missing, set aside, "None of these"
    assert remote_references(document) == []


@pytest.mark.parametrize("payload", SCRIPT_PAYLOADS + FORMULA_PAYLOADS[:2], ids=repr)
def test_no_payload_in_a_custom_lens_text_survives_as_markup(payload):
    document = handout.to_html(lens_payload_review(payload), NOW)
    assert_inert_html(document, payload)


def csv_cells(review: Review) -> list[list[str]]:
    return list(csv.reader(io.StringIO(exports.to_csv(review), newline="")))


def assert_no_formula_text(value: str) -> None:
    assert not value.startswith(FORMULA_START), repr(value)
    stripped = value.lstrip(" \t\r\n\u00a0")
    assert not stripped or stripped[0] not in "=+-@" or value.startswith("'"), repr(value)


@pytest.mark.parametrize("payload", PAYLOADS, ids=repr)
def test_no_payload_survives_as_a_formula_in_csv(payload):
    rows = csv_cells(payload_review(payload))
    assert rows[0] == list(exports.HEADERS)
    for row in rows:
        for value in row:
            assert_no_formula_text(value)
    notes = [row[exports.HEADERS.index("Question notes")] for row in rows[1:]]
    if payload.lstrip(" \t\r\n").startswith(("=", "+", "-", "@")) or payload.startswith(("\t", "\r")):
        assert "'" + payload in notes  # neutralised by one leading quote, otherwise unchanged
    else:
        assert payload in notes


def xml_text(value: str) -> str:
    """Text as it reads back from XML, which turns every line end into a line feed."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def assert_safe_workbook(data: bytes, payload: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        # Summary, Answers, Instructions, Improvement plan, Risk register, Parking lot, the hidden export record
        assert len(sheets) == 7
        for name in sheets:
            assert "<f>" not in archive.read(name).decode("utf-8") and "<f " not in archive.read(name).decode("utf-8")
    book = openpyxl.load_workbook(io.BytesIO(data))
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    assert_no_formula_text(cell.value)
                    seen += xml_text(cell.value) in (xml_text(payload), "'" + xml_text(payload))
    assert seen > 20  # the payload is in the workbook, many times over, as text


@pytest.mark.parametrize("payload", PAYLOADS, ids=repr)
def test_no_payload_survives_as_a_formula_in_xlsx(payload):
    data = exports.to_xlsx(payload_review(payload))
    assert_safe_workbook(data, payload)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Risk register"]
    header = [c.value for c in sheet[1]]
    first = {h: c.value for h, c in zip(header, sheet[2])}
    for column in ("Component", "Failure mode", "Detection", "Mitigation", "Runbook", "Owner", "Notes"):
        assert xml_text(first[column]) in (xml_text(payload), "'" + xml_text(payload)), column


def assert_safe_csv(data: bytes, payload: str, minimum: int) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    seen = 0
    for row in rows:
        for value in row:
            assert_no_formula_text(value)
            seen += value in (payload, "'" + payload)
    assert seen >= minimum, seen
    return rows


@pytest.mark.parametrize("payload", PAYLOADS, ids=repr)
def test_no_payload_survives_as_a_formula_in_the_register_csv(payload):
    rows = assert_safe_csv(exports.register_csv_bytes(payload_review(payload)), payload, 8)
    assert rows[0] == list(exports.REGISTER_HEADERS) and len(rows) == 3


@pytest.mark.parametrize("payload", PAYLOADS, ids=repr)
def test_no_payload_survives_as_a_formula_in_the_backlog(payload):
    review = payload_review(payload)
    rows = assert_safe_csv(backlog.csv_bytes(review), payload, 2)  # the parked topics' owners
    assert rows[0] == list(backlog.COLUMNS)
    # Multi-line texts ride inside the description, whole; a title is one line that starts with our words.
    starts = {"Improvement plan": ("OPS", "REL"), "Risk register": ("Risk R",), "Parking lot": ("Follow up: ",)}
    for row in rows[1:]:
        summary, source = row[1], row[backlog.COLUMNS.index("Source")]
        assert "\n" not in summary and "\r" not in summary and len(summary) <= 255
        assert summary.startswith(starts[source]), summary
    sources = [row[backlog.COLUMNS.index("Source")] for row in rows[1:]]
    assert (
        sources == ["Improvement plan"] * 3 + ["Risk register"] + ["Parking lot"] * 5
    )  # the accepted risk is left out
    risk = next(row for row in rows if row[1].startswith("Risk R1"))
    assert payload.strip() in risk[2] or normalise(payload) in normalise(risk[2])


@pytest.mark.parametrize("payload", PAYLOADS, ids=repr)
def test_the_register_command_prints_payloads_as_inert_text(payload, tmp_path, capsys):
    path = tmp_path / "payload.json"
    payload_review(payload).save(path)
    assert cli.main(["register", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out
    assert all(len(line) < 400 for line in out.splitlines())  # user text never breaks a row into lines
    assert cli.main(["register", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    first = data["entries"][0]
    assert {
        first[k] for k in ("component", "failure_mode", "detection", "mitigation", "runbook", "owner", "notes")
    } == {payload}


def test_openpyxl_writes_the_neutralised_cell_as_a_string():
    book = openpyxl.Workbook()
    cell = book.active.cell(row=1, column=1)
    cell.value = exports.safe_cell("=1+1")
    assert (cell.value, cell.data_type) == ("'=1+1", "s")
    cell.value = "=1+1"
    assert cell.data_type == "f"  # what would happen without safe_cell


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1", "'=1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t1", "'\t1"),
        ("\r1", "'\r1"),
        (" =1", "' =1"),
        ("\u00a0=1", "'\u00a0=1"),
        ("a=1", "a=1"),
        ("", ""),
        ("plain", "plain"),
        ("bell\x07", "bell\ufffd"),
        (3, 3),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert exports.safe_cell(value) == expected


CONTROL = "a\x00b\x08c\x1b[2Jd\x7fe\x9bf\ufffeg"


def test_control_characters_never_reach_the_html():
    review = payload_review(CONTROL)
    review.set_notes(ALIAS, "deploy", "tab\tand\nline")
    document = handout.to_html(review, NOW)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]", document)
    assert "a\ufffdb\ufffdc\ufffd[2Jd\ufffde\ufffdf\ufffdg" in document  # visible where they were
    import html5lib

    parser = html5lib.HTMLParser()
    parser.parse(document)
    assert [e for e in parser.errors if "invalid-codepoint" in str(e)] == []


def test_control_characters_never_reach_a_spreadsheet():
    review = payload_review(CONTROL)
    text = exports.to_csv(review)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", text)
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(review)))
    assert book["Summary"]["A1"].value.endswith("a\ufffdb\ufffdc\ufffd[2Jd\ufffde\ufffdf\ufffdg")


def test_control_characters_do_not_break_the_workbook():
    review = payload_review("ring \x07 the \x1b bell")
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(review)))
    assert book["Summary"]["A1"].value == "ring \ufffd the \ufffd bell"


@pytest.mark.parametrize("payload", PAYLOADS[:3] + FORMULA_PAYLOADS[:2], ids=repr)
def test_json_keeps_every_payload_exactly(payload):
    data = json.loads(json.dumps(exports.to_json(payload_review(payload))))
    assert data["review"]["workload"]["name"] == payload
    assert data["review"]["answers"][ALIAS]["deploy"]["Notes"] == payload
    assert {i["notes"] for i in data["improvement_plan"]} == {payload}
    assert data["milestone_changes"]["milestone"]["name"] == payload
    assert data["risk_register"]["entries"][0]["runbook"] == payload
    assert data["review"]["risk_register"][0]["notes"] == payload


def test_a_choice_note_on_an_unselected_practice_is_shown_once(review):
    review.set_choice(ALIAS, "deploy", "deploy_small", ChoiceStatus.UNSELECTED)
    review.set_notes(ALIAS, "deploy", "unique note 42", "deploy_small")
    document = handout.to_html(review, NOW)
    before_changes = document[: document.index('id="changes"')]
    assert before_changes.count("unique note 42") == 1  # once in its question, never twice
    assert document.count("unique note 42") == 2  # and once more among the edits since the milestone


def test_a_custom_lens_with_odd_extension_values_never_reaches_the_handout():
    """pillarkit's extension fields are typed: a lens carrying odd values there is refused, field by field."""
    document = json.loads(LENS_FILE.read_text())
    document["pillarkit"] = {"edition": 2025, "url": ["not", "a", "url"]}
    choice = document["pillars"][0]["questions"][0]["choices"][2]
    choice["pillarkit"] = {"code": 7, "level": ["HIGH"]}
    with pytest.raises(LensError) as caught:
        lenses.from_document(document, "odd.json", ALIAS)
    lines = caught.value.lines()
    for field in (
        "pillarkit.edition",
        "pillarkit.url",
        "choices[2] 'deploy_small' .pillarkit.code",
        "choices[2] 'deploy_small' .pillarkit.level",
    ):
        assert any(field in line and "must be a string" in line for line in lines), field


def test_every_template_escapes_what_it_is_given_and_nothing_bypasses_it():
    """Escaping by construction: autoescape on, no ``|safe`` in a template, and one place that marks output as markup."""
    from pathlib import Path

    from kit.render.handout import jinja

    env = jinja.environment()
    assert env.autoescape is True
    names = env.list_templates()
    assert len(names) >= 12
    for name in names:
        source = env.loader.get_source(env, name)[0]
        assert not re.search(r"\|\s*safe\b|autoescape\s+false|Markup", source), name
    assert str(jinja.render("macros.html.j2")) == ""
    package = Path(jinja.__file__).parent
    makers = [p.name for p in sorted(package.glob("*.py")) if re.search(r"\bMarkup\(", p.read_text(encoding="utf-8"))]
    assert makers == ["jinja.py"]  # only a rendered template becomes markup


def test_a_template_line_break_never_reaches_the_html(review):
    from kit.render.handout import sections
    from kit.render.handout.facts import Facts

    review.set_notes(ALIAS, "deploy", "Deploys are manual on Fridays.")  # no user text holds a line break now
    facts = Facts.of(review, NOW)
    parts = [
        sections.cover(facts),
        sections.plan_section(facts),
        sections.pillar_section(facts, ALIAS, review.lenses[ALIAS].pillars[0], 1, 2),
    ]
    assert all(part and "\n" not in part for part in parts)
