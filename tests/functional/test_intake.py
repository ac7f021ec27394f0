"""The spreadsheet round trip: export the workbook, fill it in, take it back with `pillarkit intake`, score.

The review is tests/handout/reviews.py's small one. Its Answers sheet has one row per choice:

    row  2-5   deploy     pipeline, rollback, small, no       (MEDIUM)
    row  6-8   observe    alarms, dash, no                    (HIGH: "None of these")
    row  9-11  runbooks   written, drill, no                  (question not applicable)
    row 12-15  backup     auto, restore, offsite, no          (HIGH)
    row 16-18  scale      auto, test, no                      (UNANSWERED)

and the columns of ``kit.render.tables.COLUMNS``: D Question ID, G Question applicable,
H its reason, I Question notes, L Choice ID, O Selected, P Not applicable, Q its reason,
R Choice notes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kit.cli import main
from kit.core.errors import IntakeError
from kit.core.review import Review
from kit.core.scoring import score
from kit.core.vocabulary import ChoiceStatus
from kit.exchange.intake import intake
from kit.render import tables
from tests.handout.reviews import ALIAS, small_review

PILLARKIT = Path(sys.executable).with_name("pillarkit")


def letter(header: str) -> str:
    return openpyxl.utils.get_column_letter(tables.HEADERS.index(header) + 1)


@pytest.fixture
def workbook(review_file, tmp_path) -> Path:
    path = tmp_path / "team.xlsx"
    path.write_bytes(tables.to_xlsx(Review.load(review_file)))
    return path


class Text(str):
    """Text typed with a leading apostrophe, which a spreadsheet stores as text even if it starts with '='."""


def fill(path: Path, cells: dict[str, object], delete_sheet: str | None = None) -> Path:
    """Edit cells of the Answers sheet (``{"O17": "yes"}``) as a person would in a spreadsheet."""
    book = openpyxl.load_workbook(path)
    sheet = book["Answers"]
    for ref, value in cells.items():
        sheet[ref].value = value
        if isinstance(value, Text):
            sheet[ref].data_type = "s"
    if delete_sheet:
        del book[delete_sheet]
    book.save(path)
    return path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PILLARKIT), *args], capture_output=True, text=True, timeout=300)


# --- the workbook is made for filling in ------------------------------------------------


def test_every_yes_no_and_reason_cell_has_a_drop_down(workbook):
    sheet = openpyxl.load_workbook(workbook)["Answers"]
    lists = {}
    for check in sheet.data_validations.dataValidation:
        assert check.type == "list" and check.allow_blank and check.showErrorMessage
        for ranges in str(check.sqref).split():
            lists[ranges] = check.formula1
    yes_no = '"yes,no"'
    reasons = '"Out of scope,Business priorities,Architecture constraints,Other,None"'
    assert lists == {
        "G2:G18": yes_no,
        "O2:O18": yes_no,
        "P2:P18": yes_no,
        "H2:H18": reasons,
        "Q2:Q18": reasons,
    }


def test_only_the_answer_columns_are_unlocked(workbook):
    sheet = openpyxl.load_workbook(workbook)["Answers"]
    assert sheet.protection.sheet is True and not sheet.protection.password
    for column, header in enumerate(tables.HEADERS, start=1):
        for row in (1, 2, 18):
            locked = sheet.cell(row=row, column=column).protection.locked
            assert locked is (row == 1 or header not in tables.ANSWER_COLUMNS), (header, row)
    assert sheet["D2"].protection.locked and sheet["L2"].protection.locked  # the ids


def test_the_workbook_has_instructions_and_keeps_todays_headers(workbook):
    book = openpyxl.load_workbook(workbook)
    assert [c.value for c in book["Answers"][1]] == list(tables.HEADERS)
    text = " ".join(str(row[0]) for row in book["Instructions"].iter_rows(values_only=True) if row[0])
    assert "pillarkit intake REVIEW.json --from" in text and "Answers!O17" in text
    assert "250 characters" in text and "2,084" in text
    assert book[tables.BASELINE_SHEET].sheet_state == "veryHidden"
    assert [name for name in book.sheetnames if book[name].sheet_state == "visible"] == [
        "Summary",
        "Answers",
        "Instructions",
        "Improvement plan",
        "Risk register",
        "Parking lot",
    ]


# --- the full round trip ----------------------------------------------------------------


def test_export_fill_in_intake_and_score(review_file, tmp_path):
    exported = tmp_path / "exported.xlsx"
    assert run("export", str(review_file), "-o", str(exported)).returncode == 0
    fill(
        exported,
        {
            # deploy: the missing practice is now followed, and a note on the question
            "O4": "yes",
            "I3": "Pipelines cover every service since May.",
            # scale: answered for the first time, one practice set aside with its reason and a note
            "O16": "Yes",
            "P17": "yes",
            "Q17": "Architecture constraints",
            "R17": Text("=Load tests need a copy of production"),
            # runbooks applies after all: said on one of its three rows, the others left as exported
            "G9": "yes",
            "H9": None,
        },
    )
    result = run("intake", str(review_file), "--from", str(exported))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"17 rows read from {exported}: 3 questions changed, marked pre-filled until confirmed in the session;"
        f" wrote {review_file}"
    )
    review = Review.load(review_file)
    assert review.answer(ALIAS, "deploy").status("deploy_small") == ChoiceStatus.SELECTED
    assert review.answer(ALIAS, "deploy").notes == "Pipelines cover every service since May."
    scale = review.answer(ALIAS, "scale")
    assert (
        scale.status("scale_auto") == ChoiceStatus.SELECTED
        and scale.status("scale_test") == ChoiceStatus.NOT_APPLICABLE
    )
    assert scale.choices["scale_test"].reason == "ARCHITECTURE_CONSTRAINTS"
    assert scale.choices["scale_test"].notes == "=Load tests need a copy of production"  # text, never a formula
    assert "runbooks" not in review.answers[ALIAS]  # applicable again, and nothing ticked yet
    risks = score(review).lenses[ALIAS].questions
    # deploy: every practice followed. scale: one practice ticked, the other set aside, which does
    # not satisfy the "||" of the MEDIUM rule "!scale_auto || !scale_test || scale_no".
    assert risks == {"deploy": "NONE", "observe": "HIGH", "runbooks": "UNANSWERED", "backup": "HIGH", "scale": "NONE"}
    assert set(review.prefilled[ALIAS]) == {"deploy", "scale"}  # runbooks has no answer left to confirm
    assert review.prefill(ALIAS, "scale").source == "workbook: exported.xlsx"
    # Untouched answers came through unchanged.
    before = small_review()
    for qid in ("observe", "backup"):
        assert review.answer(ALIAS, qid).to_api() == before.answer(ALIAS, qid).to_api()


def test_a_second_intake_of_the_same_workbook_changes_nothing(review_file, workbook, capsys):
    fill(workbook, {"O4": "yes"})
    assert main(["intake", str(review_file), "--from", str(workbook)]) == 0
    text = review_file.read_bytes()
    capsys.readouterr()
    assert main(["intake", str(review_file), "--from", str(workbook)]) == 0
    assert capsys.readouterr().out.strip().endswith(f"no answer changed; {review_file} is as it was")
    assert review_file.read_bytes() == text


def test_output_goes_to_another_file_and_the_review_is_left_alone(review_file, workbook, tmp_path):
    original = review_file.read_bytes()
    fill(workbook, {"O4": "yes"})
    out = tmp_path / "after.json"
    assert main(["intake", str(review_file), "--from", str(workbook), "-o", str(out)]) == 0
    assert review_file.read_bytes() == original
    assert Review.load(out).answer(ALIAS, "deploy").status("deploy_small") == ChoiceStatus.SELECTED


def test_changes_made_in_the_review_since_the_export_are_kept(review_file, workbook):
    review = Review.load(review_file)
    review.set_choice(ALIAS, "backup", "backup_restore")  # the facilitator changed backup meanwhile
    review.save(review_file)
    fill(workbook, {"O4": "yes"})  # the team changed deploy
    result = intake(review, workbook)
    assert result.changed == [(ALIAS, "deploy")]
    assert review.answer(ALIAS, "backup").status("backup_restore") == ChoiceStatus.SELECTED
    assert review.answer(ALIAS, "deploy").status("deploy_small") == ChoiceStatus.SELECTED


def test_a_hand_made_workbook_without_the_record_of_the_export_is_taken_as_it_is(review_file, workbook, capsys):
    fill(workbook, {"O4": "yes"}, delete_sheet=tables.BASELINE_SHEET)
    assert main(["intake", str(review_file), "--from", str(workbook)]) == 0
    assert "every row was taken as it is" in capsys.readouterr().err
    assert Review.load(review_file).answer(ALIAS, "deploy").status("deploy_small") == ChoiceStatus.SELECTED


# --- every refusal: exit 2, one line per problem naming sheet and cell, nothing written ----------

REFUSALS = [
    ({"O17": "maybe"}, ["Answers!O17: 'maybe' is not allowed under 'Selected': use yes or no (empty means no)"]),
    (
        {"G16": "sometimes"},
        ["Answers!G16: 'sometimes' is not allowed under 'Question applicable': use yes or no (empty means yes)"],
    ),
    (
        {"P13": "yes", "Q13": "Because"},
        [
            "Answers!Q13: 'Because' is not a reason: use one of Out of scope, Business priorities, "
            "Architecture constraints, Other, None (or leave it empty)"
        ],
    ),
    ({"D2": "deplyo"}, ["Answers!D2: 'deplyo' is not a question of this review's lenses (two-pillars)"]),
    (
        {"L2": "deploy_pipe"},
        [
            "Answers!L2: 'deploy_pipe' is not a choice of question 'deploy'; its choices are "
            "deploy_pipeline, deploy_rollback, deploy_small, deploy_no"
        ],
    ),
    ({"D3": None}, ["Answers!D3: has no question id: every row needs the id it was exported with"]),
    ({"L3": "deploy_pipeline"}, ["Answers!L3: choice 'deploy_pipeline' is already answered on row 2"]),
    (
        {"O16": "yes", "P16": "yes"},
        ["Answers!P16: a practice cannot be both selected and not applicable: set Selected or Not applicable to no"],
    ),
    (
        {"Q16": "Other"},
        [
            "Answers!Q16: a reason is kept only for a practice marked not applicable: "
            "set Not applicable to yes, or empty this cell"
        ],
    ),
    (
        {"H16": "Out of scope"},
        [
            "Answers!H16: a reason is kept only for a question that does not apply: "
            "set Question applicable to no, or empty this cell"
        ],
    ),
    (
        {"O16": "yes", "O18": "yes"},
        [
            "Answers!O18: \u201cNone of these\u201d is selected together with 'scale_auto': "
            "select either \u201cNone of these\u201d or practices"
        ],
    ),
    (
        {"P18": "yes"},
        [
            "Answers!P18: \u201cNone of these\u201d cannot be marked not applicable (the WA Tool does not allow it): use no"
        ],
    ),
    (
        {"R16": "x" * 251},
        [
            "Answers!R16: choice notes have 251 characters; the WA Tool takes at most 250, so they were not cut but refused"
        ],
    ),
    (
        {"I16": "y" * 2085},
        [
            "Answers!I16: question notes have 2085 characters; the WA Tool takes at most 2084, "
            "so they were not cut but refused"
        ],
    ),
    ({"O16": "=1=1"}, ["Answers!O16: holds a formula (=1=1); type the answer itself under 'Selected'"]),
    (
        {"I16": "Autoscaling on CPU.", "I17": "Autoscaling on queue depth."},
        [
            "Answers!I16: Question notes differs between rows of question 'scale' ('Autoscaling on CPU.' on row 16; "
            "'Autoscaling on queue depth.' on row 17): give it once"
        ],
    ),
    (
        # several problems at once: every one is listed, in sheet order
        {"O17": "maybe", "L2": "deploy_pipe", "P13": "perhaps"},
        [
            "Answers!L2: 'deploy_pipe' is not a choice of question 'deploy'; its choices are "
            "deploy_pipeline, deploy_rollback, deploy_small, deploy_no",
            "Answers!P13: 'perhaps' is not allowed under 'Not applicable': use yes or no (empty means no)",
            "Answers!O17: 'maybe' is not allowed under 'Selected': use yes or no (empty means no)",
        ],
    ),
    ({"O1": "Ticked"}, ["Answers!1:1: the header row lacks 'Selected': keep the headers of the kit's export"]),
    (
        {"R1": "Selected"},
        [
            "Answers!1:1: the header row lacks 'Choice notes': keep the headers of the kit's export",
            "Answers!R1: the column 'Selected' appears twice (first in O1)",
        ],
    ),
]


@pytest.mark.parametrize("cells, lines", REFUSALS, ids=[", ".join(c) for c, _ in REFUSALS])
def test_a_bad_cell_is_refused_with_its_place_and_nothing_is_written(
    review_file, workbook, tmp_path, cells, lines, capsys
):
    original = review_file.read_bytes()
    fill(workbook, cells)
    out = tmp_path / "out.json"
    assert main(["intake", str(review_file), "--from", str(workbook), "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"error: {workbook}: {line}" for line in lines]
    assert captured.out == ""
    assert not out.exists()
    assert main(["intake", str(review_file), "--from", str(workbook)]) == 2
    assert review_file.read_bytes() == original


def test_the_installed_command_refuses_with_exit_2_and_no_traceback(review_file, workbook):
    original = review_file.read_bytes()
    fill(workbook, {"O17": "maybe", "Q13": "Because"})
    result = run("intake", str(review_file), "--from", str(workbook))
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 2
    assert f"{workbook}: Answers!O17: 'maybe' is not allowed under 'Selected'" in result.stderr
    assert review_file.read_bytes() == original


def test_a_cell_changed_in_the_workbook_and_in_the_review_is_refused(review_file, workbook, capsys):
    review = Review.load(review_file)
    review.set_notes(ALIAS, "scale", "Autoscaling is being designed.", "scale_auto")
    review.save(review_file)
    original = review_file.read_bytes()
    fill(workbook, {"R16": "Autoscaling is live."})
    assert main(["intake", str(review_file), "--from", str(workbook)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: {workbook}: Answers!R16: the notes was changed here (to 'Autoscaling is live.') and in the review since "
        "this workbook was exported (to 'Autoscaling is being designed.'): set the cell to the review's value to keep "
        "it, or export a fresh workbook"
    ]
    assert review_file.read_bytes() == original
    # Setting the cell to the review's value resolves it.
    fill(workbook, {"R16": "Autoscaling is being designed."})
    assert main(["intake", str(review_file), "--from", str(workbook)]) == 0


@pytest.mark.parametrize(
    "content, message",
    [
        (b"Question ID,Choice ID\n", "is not an XLSX workbook: export one with pillarkit export REVIEW -o FILE.xlsx"),
        (None, "no such file"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_one_line(review_file, tmp_path, content, message, capsys):
    path = tmp_path / "answers.xlsx"
    if content is not None:
        path.write_bytes(content)
    assert main(["intake", str(review_file), "--from", str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [f"error: {path}: {message}"]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda path: os.mkfifo(path), "is a named pipe, not a file"),
        (lambda path: path.mkdir(), "is a folder, not a workbook"),
        (lambda path: path.write_bytes(b"PK" + b"0" * (1024 * 1024 + 1)), "is 1.0 MB; files over 1.0 MB are refused"),
    ],
)
def test_a_special_or_huge_file_is_refused_without_hanging(review_file, tmp_path, monkeypatch, make, message, capsys):
    monkeypatch.setenv("PILLARKIT_MAX_FILE_MB", "1")
    path = tmp_path / "answers.xlsx"
    make(path)
    before = review_file.read_bytes()
    assert main(["intake", str(review_file), "--from", str(path)]) == 2  # a named pipe would block open() for ever
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: {path}: {message}")
    assert review_file.read_bytes() == before


def test_the_review_is_never_written_over_its_workbook(review_file, workbook, capsys):
    before = workbook.read_bytes()
    assert main(["intake", str(review_file), "--from", str(workbook), "-o", str(workbook)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: {workbook}: is the workbook being read; write the review to another file (nothing was written)"
    ]
    assert workbook.read_bytes() == before


def test_a_device_is_refused_not_read(review_file, capsys):
    assert main(["intake", str(review_file), "--from", "/dev/zero"]) == 2
    assert capsys.readouterr().err.splitlines() == ["error: /dev/zero: is a device, not a file"]


def test_a_workbook_without_an_answers_sheet_is_refused(review_file, tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    path = tmp_path / "other.xlsx"
    book.save(path)
    assert main(["intake", str(review_file), "--from", str(path)]) == 2
    assert capsys.readouterr().err.strip() == f"error: {path}: has no 'Answers' sheet (it has 'Sheet1')"


def test_a_failed_write_leaves_the_review_whole(review_file, workbook, monkeypatch, capsys):
    original = review_file.read_bytes()
    fill(workbook, {"O4": "yes"})

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    assert main(["intake", str(review_file), "--from", str(workbook)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert review_file.read_bytes() == original
    assert [p.name for p in review_file.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_two_lenses_sharing_a_question_id_are_told_apart_by_the_lens_column(tmp_path, write_lens, lens_document):
    from kit.core import lens as lenses

    first = lenses.load_file(write_lens(lens_document(), "first.json"))
    second_document = lens_document()
    second_document["name"] = "Second lens"
    second = lenses.load_file(write_lens(second_document, "second.json"))
    review = Review([first, second])
    path = tmp_path / "two.xlsx"
    path.write_bytes(tables.to_xlsx(review))
    book = openpyxl.load_workbook(path)
    sheet = book["Answers"]
    rows = [r for r in range(2, sheet.max_row + 1) if sheet[f"A{r}"].value == "Second lens"]
    sheet[f"O{rows[0]}"].value = "yes"
    book.save(path)
    result = intake(review, path)
    assert result.changed == [("second", "q1")]
    assert review.answer("second", "q1").status("a") == ChoiceStatus.SELECTED and review.answers["first"] == {}
    # Without a lens name to tell them apart, the row is refused.
    sheet[f"A{rows[0]}"].value = None
    book.save(path)
    with pytest.raises(IntakeError) as caught:
        intake(Review([first, second]), path)
    assert caught.value.lines() == [
        f"{path}: Answers!A{rows[0]}: question 'q1' is in lenses first, second: the Lens column must name one of them"
    ]


def test_notes_the_export_neutralised_come_back_as_they_were(tmp_path):
    review = small_review()
    tricky = ["=1+1", "+44 20 7946 0000", "-- legacy", "@SUM(A1)", " =x", "'quoted already"]
    choices = ["deploy_pipeline", "deploy_rollback", "deploy_small", "scale_auto", "scale_test", "backup_auto"]
    for cid, note in zip(choices, tricky):
        review.set_notes(ALIAS, cid.split("_")[0], note, choice_id=cid)
    path = tmp_path / "tricky.xlsx"
    path.write_bytes(tables.to_xlsx(review))
    before = review.to_dict()
    assert intake(review, path).changed == []
    assert review.to_dict() == before
    # Without the record of the export, the same cells compare with the review itself: still no change.
    book = openpyxl.load_workbook(path)
    del book[tables.BASELINE_SHEET]
    book.save(path)
    assert intake(review, path).changed == [] and review.to_dict() == before
