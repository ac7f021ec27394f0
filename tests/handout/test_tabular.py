"""CSV, XLSX and JSON exports: one row per question and choice, a summary sheet, and the review with its risks."""

from __future__ import annotations

import csv
import io
import json

import openpyxl

from kit.core import roadmap
from kit.core.review import Review
from kit.core.scoring import score
from kit.render import formats
from kit.render import tables as exports
from tests.handout.reviews import ALIAS, golden


def csv_rows(review) -> list[dict]:
    return list(csv.DictReader(io.StringIO(exports.to_csv(review), newline="")))


def test_csv_has_one_row_per_question_and_choice_with_the_issues_columns(review):
    rows = csv_rows(review)
    lens = review.lenses[ALIAS]
    assert len(rows) == sum(len(q.choices) for q in lens.questions()) == 17
    assert list(rows[0]) == list(exports.HEADERS)
    for column in (
        "Pillar",
        "Question code",
        "Practice code",
        "Question",
        "Practice",
        "Selected",
        "Not applicable",
        "Not-applicable reason",
        "Question risk",
        "Question notes",
        "Choice notes",
        "Improvement",
    ):
        assert column in exports.HEADERS
    assert [(r["Question ID"], r["Choice ID"]) for r in rows[:4]] == [
        ("deploy", "deploy_pipeline"),
        ("deploy", "deploy_rollback"),
        ("deploy", "deploy_small"),
        ("deploy", "deploy_no"),
    ]


def test_csv_rows_carry_selection_not_applicable_reasons_risks_notes_and_improvements(review):
    rows = {(r["Question ID"], r["Choice ID"]): r for r in csv_rows(review)}
    pipeline = rows[("deploy", "deploy_pipeline")]
    assert pipeline["Lens"] == "Handout test lens" and pipeline["Pillar"] == "Operations"
    assert (pipeline["Question code"], pipeline["Practice code"]) == ("OPS01", "OPS01-BP01")
    assert (pipeline["Question risk"], pipeline["Selected"], pipeline["Not applicable"]) == ("Medium risk", "yes", "no")
    assert pipeline["Question notes"] == "Deploys are manual on Fridays.\nRollback takes an hour."
    assert pipeline["Roadmap (months)"] == "12"
    assert pipeline["Risk if missing"] == "High"
    assert pipeline["Improvement"] == "Start to deploy through a pipeline this month."
    assert pipeline["Improvement link"] == "https://docs.example.org/deploy_pipeline.html"
    offsite = rows[("backup", "backup_offsite")]
    assert (offsite["Selected"], offsite["Not applicable"], offsite["Not-applicable reason"]) == (
        "no",
        "yes",
        "Business priorities",
    )
    assert offsite["Choice notes"] == "One region is enough for now."
    assert rows[("backup", "backup_restore")]["Question risk"] == "High risk"
    runbooks = rows[("runbooks", "runbooks_written")]
    assert (runbooks["Question risk"], runbooks["Question applicable"], runbooks["Question not-applicable reason"]) == (
        "Not applicable",
        "no",
        "Out of scope",
    )
    assert runbooks["Roadmap (months)"] == ""
    assert rows[("scale", "scale_auto")]["Question risk"] == "Unanswered"
    assert rows[("observe", "observe_no")]["Selected"] == "yes"
    assert rows[("observe", "observe_no")]["Practice code"] == ""


def test_csv_file_is_utf8_with_a_byte_order_mark_and_crlf_rows(review, tmp_path):
    review.workload.name = "Caf\u00e9 \u2013 checkout"
    formats.export(review, tmp_path / "r.csv")
    raw = (tmp_path / "r.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfLens,Pillar,")
    assert raw.count(b"\r\n") == 18  # header and 17 rows; line ends inside notes stay inside their quoted cell
    assert b"Deploys are manual on Fridays.\nRollback" in raw


def test_xlsx_has_summary_answers_plan_register_and_parking_lot_sheets(review):
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(review)))
    assert book.sheetnames == [
        "Summary",
        "Answers",
        "Instructions",
        "Improvement plan",
        "Risk register",
        "Parking lot",
        "pillarkit export",
    ]
    assert [c.value for c in book["Risk register"][1]] == list(exports.REGISTER_HEADERS)
    assert book["Risk register"].max_row == 1  # an empty register: its header, ready to filter
    assert book["pillarkit export"].sheet_state == "veryHidden"  # the answers as exported, for the intake
    answers = book["Answers"]
    header = [c.value for c in answers[1]]
    assert header == list(exports.HEADERS)
    assert answers.max_row == 18 and answers.freeze_panes == "A2" and answers.auto_filter.ref == "A1:T18"
    csv_values = [[v or None for v in row.values()] for row in csv_rows(review)]
    sheet_values = [
        [None if v is None else str(v) for v in row] for row in answers.iter_rows(min_row=2, values_only=True)
    ]
    assert sheet_values == csv_values
    plan = list(book["Improvement plan"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[4], r[6]) for r in plan] == [
        (3, "High risk", "REL01", "REL01-BP02"),
        (3, "High risk", "OPS02", "OPS02-BP01"),
        (3, "High risk", "OPS02", "OPS02-BP02"),
        (12, "Medium risk", "OPS01", "OPS01-BP03"),
    ]
    parking = list(book["Parking lot"].iter_rows(min_row=2, values_only=True))
    assert parking[0][:5] == (
        "Ask the bank about its SLA",
        "Katherine Johnson",
        "Handout test lens",
        "REL01 How do you back up data?",
        "open",
    )


def test_xlsx_summary_sheet_has_the_workload_counts_roadmap_and_changes(review):
    roadmap.set_horizon(review, ALIAS, "observe", 36)
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(review)))["Summary"]
    cells = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row[0] is not None}
    assert sheet["A1"].value == "Checkout"
    assert cells["Owner"][0] == "Payments team" and cells["Facilitator"][0] == "Ada Lovelace"
    assert cells["Participants"][0] == "Grace Hopper, Alan Turing"
    assert cells["Lenses"][0] == "Handout test lens (2025-01-31)"
    counts = [row for row in sheet.iter_rows(values_only=True) if row[0] == "Handout test lens"]
    assert [r[1:8] for r in counts] == [
        ("Operations", 1, 1, 0, 1, 0, 3),
        ("Resilience", 1, 0, 0, 0, 1, 2),
        ("All pillars", 2, 1, 0, 1, 1, 5),
    ]
    assert (
        cells["3 months"][:3] == (1, 1, 0)
        and cells["12 months"][:3] == (1, 0, 1)
        and cells["36 months"][:3] == (1, 1, 0)
    )
    assert cells["Since milestone"][0] == "Kick-off (2025-01-10)"
    assert (cells["Improved"][0], cells["Regressed"][0], cells["New"][0], cells["Cleared"][0]) == (1, 1, 2, 1)


def test_json_export_is_the_review_with_its_risks(review, tmp_path):
    roadmap.set_horizon(review, ALIAS, "deploy", 3)
    formats.export(review, tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text())
    assert list(data) == [
        "format",
        "version",
        "exported",
        "pillarkit",
        "review",
        "score",
        "improvement_plan",
        "roadmap",
        "milestone_changes",
        "risk_register",
    ]
    assert (data["format"], data["version"]) == ("pillarkit-review-export", 1)
    assert data["score"] == score(review).to_json()
    assert Review.from_dict(data["review"]).to_dict() == review.to_dict()  # the review file's content, whole
    assert [(i["key"], i["risk"], i["horizon"]) for i in data["improvement_plan"]] == [
        (f"{ALIAS}/backup", "HIGH", 3),
        (f"{ALIAS}/observe", "HIGH", 3),
        (f"{ALIAS}/deploy", "MEDIUM", 3),
    ]
    assert data["improvement_plan"][0]["missing"] == [
        {
            "choice": "backup_restore",
            "code": "REL01-BP02",
            "title": "Test restores",
            "level": "HIGH",
            "improvement": "Start to test restores this month.",
            "url": "https://docs.example.org/backup_restore.html",
        }
    ]
    assert data["roadmap"] == {"3": [f"{ALIAS}/backup", f"{ALIAS}/observe", f"{ALIAS}/deploy"], "12": [], "36": []}
    changes = data["milestone_changes"]
    assert changes["milestone"] == {"name": "Kick-off", "date": "2025-01-10"}
    assert changes["counts"] == {"regressed": 1, "improved": 1, "new": 2, "cleared": 1}
    assert {
        "key": f"{ALIAS}/deploy",
        "lens": ALIAS,
        "question": "deploy",
        "before": "HIGH",
        "after": "MEDIUM",
        "kind": "improved",
    } in changes["changes"]


def test_json_without_milestones_has_null_changes(review):
    review.milestones.clear()
    assert exports.to_json(review)["milestone_changes"] is None


def test_csv_golden(review):
    actual = exports.to_csv(review)
    assert actual == golden("two-pillars.csv", actual)


def test_xlsx_risk_register_sheet_is_ranked_and_the_summary_has_its_heat_map(review):
    from kit.core import register

    first = register.add(review, "Orders database", "Fails over", likelihood="MEDIUM", impact="HIGH", owner="Data")
    register.update(review, first.id, questions=[(ALIAS, "backup")])
    register.add(review, "CDN", "Purge storm", likelihood="HIGH", impact="HIGH", status="CLOSED")
    register.add(review, "Queue", "Backlog", likelihood="LOW", impact="LOW", status="ACCEPTED")
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(review)))
    sheet = book["Risk register"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2], r[4], r[5], r[6], r[7], r[12], r[13]) for r in rows] == [
        (1, "R2", "CDN", "High", "High", 9, "Closed", None, None),
        (2, "R1", "Orders database", "Medium", "High", 6, "Open", "Data", "REL01 How do you back up data?"),
        (3, "R3", "Queue", "Low", "Low", 1, "Accepted", None, None),
    ]
    assert rows[2][8] is not None  # the date the acceptance runs out
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:O4"
    summary = [row[:4] for row in book["Summary"].iter_rows(values_only=True)]
    at = [r[0] for r in summary].index("Risk register")
    assert summary[at + 1 : at + 5] == [
        (None, "Low impact", "Medium impact", "High impact"),
        ("High likelihood", 0, 0, 0),  # the closed HIGH x HIGH entry is not counted
        ("Medium likelihood", 0, 0, 1),
        ("Low likelihood", 1, 0, 0),
    ]
