"""`pillarkit register` and the backlog export: exact contracts, stable keys, and a register that scores, exports and reopens."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest

from kit.cli import main
from kit.core import register
from kit.core.review import Review, new
from kit.core.vocabulary import ACCEPTED, CLOSED, HIGH, LOW, MEDIUM, MITIGATED
from kit.render import backlog

WA = "wellarchitected"
OLD_FILE = Path(__file__).resolve().parents[1] / "data" / "review-files" / "format-1-framework.json"


def register_review() -> Review:
    review = new([WA], "Checkout")
    review.set_choice(WA, "planning-for-recovery", "rel_planning_for_recovery_no")
    review.set_choice(WA, "testing-resiliency", "rel_testing_resiliency_no")
    db = register.add_from_catalogue(
        review, "relational-database.failover-reconnect", "Orders database", likelihood=HIGH, impact=HIGH, owner="Data"
    )
    register.add(review, "CDN", "Cache purge storms hit the origin", likelihood=LOW, impact=MEDIUM)
    register.add(review, "Checkout API", "Concurrency limit at peak", likelihood=MEDIUM, impact=HIGH, status=MITIGATED)
    register.add(review, "Queue", "Consumers fall behind", likelihood=HIGH, impact=HIGH, status=CLOSED)
    register.add(review, "Payments provider", "Outage", likelihood=MEDIUM, impact=MEDIUM, status=ACCEPTED)
    register.park_question(review, db.id, "Does the app re-resolve DNS after a failover?")
    review.park("Budget for a second region", "Finance")
    return review


@pytest.fixture
def saved(tmp_path) -> Path:
    path = tmp_path / "checkout.json"
    register_review().save(path)
    return path


def test_register_json_is_the_exact_contract(saved, capsys):
    assert main(["register", str(saved), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert list(printed) == ["entries", "heatmap"]
    stored = {e["id"]: e for e in json.loads(saved.read_text())["risk_register"]}
    assert [e["id"] for e in printed["entries"]] == ["R1", "R4", "R3", "R5", "R2"]  # 9 open, 9 closed, 6, 4, 2
    assert all(entry == stored[entry["id"]] for entry in printed["entries"])  # each entry as stored
    assert printed["heatmap"] == {
        "HIGH": {"HIGH": 1, "MEDIUM": 0, "LOW": 0},
        "MEDIUM": {"HIGH": 1, "MEDIUM": 1, "LOW": 0},
        "LOW": {"HIGH": 0, "MEDIUM": 1, "LOW": 0},
    }


def test_register_prints_a_ranked_table_and_the_heat_map(saved, capsys):
    assert main(["register", str(saved)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Checkout: {saved}"
    assert out[1] == "Risk register: 5 entries, 4 not closed; ranked by likelihood x impact, then status"
    table = out[3:9]
    assert table[0].split()[:6] == ["#", "id", "rating", "likelihood", "impact", "status"]
    assert [line.split()[1] for line in table[1:]] == ["R1", "R4", "R3", "R5", "R2"]
    assert table[1].split()[:7] == ["1", "R1", "9", "HIGH", "HIGH", "OPEN", "Orders"]
    assert "ACCEPTED until " in table[4]
    heat = out[out.index("Heat map: entries not closed, by likelihood (down) and impact (across)") + 1 :]
    assert [line.split() for line in heat] == [
        ["likelihood", "LOW", "MEDIUM", "HIGH"],
        ["HIGH", "0", "0", "1"],
        ["MEDIUM", "0", "1", "1"],
        ["LOW", "0", "1", "0"],
    ]


def test_an_empty_register_says_so(tmp_path, capsys):
    path = tmp_path / "empty.json"
    new([WA], "Empty").save(path)
    assert main(["register", str(path)]) == 0
    assert "The risk register is empty" in capsys.readouterr().out
    assert main(["register", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == []


def test_an_old_file_has_an_empty_register(capsys):
    assert main(["register", str(OLD_FILE), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == []


def test_a_lapsed_acceptance_reads_as_open_and_the_file_is_left_alone(tmp_path, capsys):
    review = new([WA], "Lapsed")
    entry = register.add(review, "DB", "Fails over")
    register.update(review, entry.id, dt.date(2020, 1, 1), status=ACCEPTED, accepted_until="2020-06-30")
    path = tmp_path / "lapsed.json"
    review.save(path)
    before = path.read_bytes()
    assert main(["register", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["entries"][0]["status"] == "OPEN"
    assert json.loads(captured.out)["entries"][0]["accepted_until"] == "2020-06-30"
    assert "note: " in captured.err and "risk R1 was accepted until 2020-06-30, which has passed" in captured.err
    assert path.read_bytes() == before


def test_a_bad_register_is_one_line_and_exit_2(tmp_path, capsys):
    data = register_review().to_dict()
    data["risk_register"][1]["impact"] = "CATASTROPHIC"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    assert main(["register", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {path}: risk_register[1].impact: 'CATASTROPHIC' is not one of HIGH, MEDIUM, LOW"]


# --- the backlog ------------------------------------------------------------------------------


def read_backlog(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_the_backlog_has_the_documented_columns_and_rows(saved, tmp_path, capsys):
    out = tmp_path / "backlog.csv"
    assert main(["export", str(saved), "-o", str(out), "--backlog"]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out} (CSV backlog)"
    rows = read_backlog(out)
    assert rows[0] == [
        "Key",
        "Summary",
        "Description",
        "Issue Type",
        "Priority",
        "Labels",
        "Labels",
        "Title",
        "Body",
        "Owner",
        "Source",
        "Horizon",
    ]
    body = [dict(zip(rows[0], row)) | {"labels": row[5:7]} for row in rows[1:]]
    review_id = json.loads(saved.read_text())["extensions"]["review_id"]
    assert [r["Key"] for r in body] == [
        f"pk-{review_id}-plan-{WA}-testing-resiliency",
        f"pk-{review_id}-plan-{WA}-planning-for-recovery",
        f"pk-{review_id}-risk-R1",  # the open entries, ranked (mitigated, accepted and closed ones are not work)
        f"pk-{review_id}-risk-R2",
        f"pk-{review_id}-parked-P1",
        f"pk-{review_id}-parked-P2",
    ]
    plan = body[1]
    assert plan["Summary"] == plan["Title"] == "REL13: How do you plan for disaster recovery (DR)?"
    assert (plan["Priority"], plan["Horizon"], plan["Issue Type"]) == ("High", "3 months", "Task")
    assert plan["labels"] == ["pillarkit-plan", plan["Key"]]
    assert "REL13-BP01" in plan["Description"] and plan["Description"] == plan["Body"]
    risk = body[2]
    assert risk["Summary"].startswith("Risk R1: Orders database: The primary database fails over")
    assert (risk["Priority"], risk["Owner"], risk["Source"]) == ("High", "Data", "Risk register")
    assert "Runbook: If the application stays broken" in risk["Description"]
    assert body[3]["Priority"] == "Low"  # rated 2
    parked = body[4]
    assert parked["Summary"] == "Follow up: Does the app re-resolve DNS after a failover?"
    assert "Open question on risk R1: Orders database" in parked["Description"]
    assert parked["labels"] == ["pillarkit-parked", parked["Key"]]


def test_a_second_export_keeps_every_key(saved, tmp_path):
    first, second = tmp_path / "one.csv", tmp_path / "two.csv"
    assert main(["export", str(saved), "-o", str(first), "--backlog"]) == 0
    review = Review.load(saved)
    register.update(review, "R1", failure_mode="Failover leaves dead connections in the pool", owner="Platform")
    register.add(review, "DNS", "A bad record", likelihood=HIGH, impact=MEDIUM)
    review.set_parked_done(1)  # "Budget for a second region" is done
    review.save(saved)
    assert main(["export", str(saved), "-o", str(second), "--backlog"]) == 0
    keys_before = [row[0] for row in read_backlog(first)[1:]]
    keys_after = [row[0] for row in read_backlog(second)[1:]]
    assert set(keys_before) - set(keys_after) == {keys_before[-1]}  # the topic ticked off left
    assert set(keys_after) - set(keys_before) == {keys_before[2].replace("R1", "R6")}  # the new risk joined
    edited = next(row for row in read_backlog(second) if row[0] == keys_before[2])
    assert "dead connections" in edited[1]  # the same key carries the new text


def test_long_texts_are_shortened_in_titles_and_kept_whole_in_descriptions():
    review = new([WA], "Long")
    long_mode = ("The primary fails over " * 21).strip()
    register.add(review, "Orders database", long_mode)
    row = backlog.rows(review)[0]
    assert len(row["Summary"]) <= backlog.SUMMARY_LIMIT and row["Summary"].endswith("\u2026")
    assert long_mode in row["Description"]


def test_backlog_and_register_refuse_other_suffixes(saved, tmp_path, capsys):
    for flag in ("--backlog", "--register"):
        assert main(["export", str(saved), "-o", str(tmp_path / "b.xlsx"), flag]) == 2
        assert (
            capsys.readouterr().err.strip()
            == f"error: {tmp_path / 'b.xlsx'}: {flag} writes a CSV file: name it with .csv"
        )
    assert not (tmp_path / "b.xlsx").exists()


def test_the_register_csv_is_the_ranked_register(saved, tmp_path):
    out = tmp_path / "register.csv"
    assert main(["export", str(saved), "-o", str(out), "--register"]) == 0
    rows = read_backlog(out)
    assert rows[0][:8] == ["Rank", "ID", "Component", "Failure mode", "Likelihood", "Impact", "Rating", "Status"]
    assert [(r[0], r[1], r[6], r[7]) for r in rows[1:]] == [
        ("1", "R1", "9", "Open"),
        ("2", "R4", "9", "Closed"),
        ("3", "R3", "6", "Mitigated"),
        ("4", "R5", "4", "Accepted"),
        ("5", "R2", "2", "Open"),
    ]
    questions = rows[1][rows[0].index("Questions")]
    assert questions.startswith("REL11 How do you design your workload to withstand component failures?")


def test_a_review_with_a_register_scores_exports_and_reopens(saved, tmp_path, capsys):
    """Issue 14's done-when: every output accepts the register, and the file reopens with it whole."""
    assert main(["score", str(saved), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["RiskCounts"]["HIGH"] == 2
    for suffix in (".html", ".csv", ".xlsx", ".json"):
        assert main(["export", str(saved), "-o", str(tmp_path / f"out{suffix}")]) == 0
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert "Risk register" in book.sheetnames
    assert [c.value for c in book["Risk register"]["B"]][1:] == ["R1", "R4", "R3", "R5", "R2"]
    exported = json.loads((tmp_path / "out.json").read_text())
    assert [e["id"] for e in exported["risk_register"]["entries"]] == ["R1", "R4", "R3", "R5", "R2"]
    reopened = Review.load(saved)
    assert reopened.to_dict() == Review.from_dict(json.loads(saved.read_text())).to_dict()
    assert [e.id for e in reopened.risk_register] == ["R1", "R2", "R3", "R4", "R5"]
    reopened.save(tmp_path / "again.json")
    assert (
        json.loads((tmp_path / "again.json").read_text())["risk_register"]
        == json.loads(saved.read_text())["risk_register"]
    )
