"""Review templates and pre-filled answers: copied, marked, confirmed, and written as format version 2."""

from __future__ import annotations

import json

import pytest

from kit.cli import main
from kit.core.errors import ReviewError
from kit.core.review import Review, new
from kit.core.template import from_template
from kit.core.vocabulary import ChoiceStatus

WA = "wellarchitected"
Q = "planning-for-recovery"
TESTED = "rel_planning_for_recovery_dr_tested"
OBJECTIVES = "rel_planning_for_recovery_objective_defined_recovery"


@pytest.fixture
def template() -> Review:
    review = new([WA], "Base platform")
    review.set_choice(WA, Q, TESTED)
    review.set_choice_reason(WA, Q, OBJECTIVES, "BUSINESS_PRIORITIES")
    review.set_notes(WA, Q, "Restores are tested every quarter.")
    review.set_applicable(WA, "priorities", False, "OUT_OF_SCOPE")
    review.park("Not copied", "Sam")
    review.save_milestone("Not copied either", "2026-01-01")
    review.pillar_priorities = ["security"]
    return review


def test_a_template_copies_answers_and_notes_and_marks_them_prefilled(template):
    review, skipped = from_template(template, "Checkout", source="base.json")
    assert skipped == []
    assert review.workload.name == "Checkout" and review.workload.review_date
    assert review.answers[WA][Q].to_api() == template.answers[WA][Q].to_api()
    assert review.answer(WA, "priorities").is_applicable is False
    assert review.is_prefilled(WA, Q) and review.is_prefilled(WA, "priorities")
    assert review.prefill(WA, Q).source == "template: base.json"
    assert review.prefilled_count() == 2
    assert review.parking_lot == [] and review.milestones == [] and review.pillar_priorities == []


def test_a_template_answer_the_new_lenses_cannot_hold_is_reported_not_dropped_in_silence(template):
    review, skipped = from_template(template, "Orders", ["serverless"], source="base.json")
    assert review.answers["serverless"] == {}
    assert [str(d) for d in skipped] == [
        "base.json: answers.wellarchitected: 2 answers for lens 'wellarchitected', which the new review does not apply, were not copied"
    ]


def test_confirming_clears_the_mark_and_a_cleared_answer_has_nothing_to_confirm(template):
    review, _ = from_template(template, "Checkout")
    assert review.confirm(WA, Q) is True
    assert not review.is_prefilled(WA, Q) and review.confirm(WA, Q) is False
    review.set_applicable(WA, "priorities", True)  # the answer is now blank and goes away
    assert review.prefilled == {}


def test_prefilled_marks_survive_the_file_and_need_format_version_2(template, tmp_path):
    review, _ = from_template(template, "Checkout", source="base.json")
    review.save(tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["version"] == 2
    assert data["prefilled"][WA][Q]["source"] == "template: base.json"
    again = Review.load(tmp_path / "r.json")
    assert again.to_dict() == review.to_dict()
    for qid in list(again.prefilled[WA]):
        again.confirm(WA, qid)
    assert again.to_dict()["version"] == 1 and "prefilled" not in again.to_dict()


def test_a_version_1_file_opens_unchanged(template, tmp_path):
    data = template.to_dict()
    assert data["version"] == 1 and "prefilled" not in data and "sync" not in data
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(data))
    assert Review.load(path).to_dict() == data


def test_new_with_a_template(template, tmp_path, capsys):
    template.save(tmp_path / "base.json")
    out = tmp_path / "checkout.json"
    assert main(["new", "--template", str(tmp_path / "base.json"), "--workload", "Checkout", "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == (
        f"wrote {out}: 'Checkout' against wellarchitected, 2 answers pre-filled from {tmp_path / 'base.json'}"
        " (confirm them in the session)"
    )
    review = Review.load(out)
    assert review.answer(WA, Q).status(TESTED) == ChoiceStatus.SELECTED
    assert review.answer(WA, Q).status(OBJECTIVES) == ChoiceStatus.NOT_APPLICABLE
    assert review.is_prefilled(WA, Q)


def test_new_needs_a_lens_or_a_template(tmp_path, capsys):
    assert main(["new", "--workload", "x", "-o", str(tmp_path / "r.json")]) == 2
    assert "give at least one --lens, or a --template" in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()


def test_score_says_how_many_answers_await_confirmation(template, tmp_path, capsys):
    review, _ = from_template(template, "Checkout")
    review.save(tmp_path / "r.json")
    assert main(["score", str(tmp_path / "r.json")]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("2 answers pre-filled, not yet confirmed by the team (counted above)")
    assert main(["score", str(tmp_path / "r.json"), "--json"]) == 0
    assert "pre-filled" not in capsys.readouterr().out  # the JSON form is a contract and stays as it is


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("n" * 101, "workload name has 101 characters; at most 100 are allowed"),
        ("caf\udcff", "workload name holds \\udcff, which is not a character"),
    ],
)
def test_a_workload_name_the_file_could_not_hold_is_refused_before_anything_is_made(template, tmp_path, name, message):
    with pytest.raises(ReviewError) as caught:
        from_template(template, name, source="base.json")
    assert str(caught.value).startswith(f"--workload: {message}")


def test_many_answers_a_template_cannot_copy_are_a_few_lines_and_a_count(template, tmp_path, capsys):
    data = template.to_dict()
    data["answers"][WA].update({f"gone-{i}": {"IsApplicable": False} for i in range(50)})
    base = tmp_path / "base.json"
    base.write_text(json.dumps(data))
    assert main(["new", "--template", str(base), "--workload", "Orders", "-o", str(tmp_path / "o.json")]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "gone-" in line or "more" in line]
    assert len(warnings) <= 8, warnings
