"""What changed since the last milestone: improved, regressed, new and cleared, question by question."""

from __future__ import annotations

import pytest

from kit.core import milestones as changes
from kit.core.errors import ReviewError
from kit.core.vocabulary import HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED
from tests.handout.reviews import ALIAS


def by_question(diff):
    return {c.question.id: (c.before, c.after, c.kind) for c in diff.changes}


def test_each_kind_of_change_since_the_milestone(review):
    diff = changes.compare(review)
    assert diff.milestone.name == "Kick-off"
    assert by_question(diff) == {
        "deploy": (HIGH, MEDIUM, changes.IMPROVED),
        "observe": (UNANSWERED, HIGH, changes.NEW),
        "runbooks": (UNANSWERED, NOT_APPLICABLE, changes.NEW),
        "backup": (NONE, HIGH, changes.REGRESSED),
        "scale": (MEDIUM, UNANSWERED, changes.CLEARED),
    }
    assert diff.counts() == {"regressed": 1, "improved": 1, "new": 2, "cleared": 1}
    assert [c.pillar.id for c in diff.changes] == ["ops", "ops", "ops", "rel", "rel"]


def test_no_milestone_no_diff(review):
    review.milestones.clear()
    assert changes.compare(review) is None
    assert changes.latest_milestone(review) is None


def test_the_last_milestone_is_the_reference(review):
    review.save_milestone("Now", "2025-03-14")
    diff = changes.compare(review)
    assert diff.milestone.name == "Now"
    assert diff.changes == []
    assert changes.compare(review, review.milestones[0]).counts()["regressed"] == 1


@pytest.mark.parametrize(
    "before, after, kind",
    [
        (HIGH, MEDIUM, changes.IMPROVED),
        (MEDIUM, NONE, changes.IMPROVED),
        (HIGH, NOT_APPLICABLE, changes.IMPROVED),
        (NONE, HIGH, changes.REGRESSED),
        (NOT_APPLICABLE, MEDIUM, changes.REGRESSED),
        (NONE, NOT_APPLICABLE, None),
        (HIGH, HIGH, None),
        (UNANSWERED, UNANSWERED, None),
        (UNANSWERED, NONE, changes.NEW),
        (NONE, UNANSWERED, changes.CLEARED),
    ],
)
def test_kind_of(before, after, kind):
    assert changes.kind_of(before, after) == kind


def test_milestone_answers_for_questions_the_lens_lost_are_ignored(review):
    review.milestones[-1].answers[ALIAS]["retired-question"] = {
        "SelectedChoices": [],
        "ChoiceAnswers": [],
        "IsApplicable": True,
    }
    review.milestones[-1].answers["other-lens"] = {"q": {"SelectedChoices": ["x"]}}
    assert changes.compare(review).counts()["new"] == 2


def test_a_malformed_frozen_answer_names_its_place(review):
    review.milestones[0].answers[ALIAS]["deploy"] = {
        "SelectedChoices": ["deploy_no", "deploy_no"],
        "ChoiceAnswers": [{"ChoiceId": "deploy_no", "Status": "UNSELECTED"}],
    }
    with pytest.raises(ReviewError, match=r"milestones\[0\]\.answers\.two-pillars\.deploy\.SelectedChoices\[0\]"):
        changes.compare(review)


def edits_of(diff) -> dict:
    return {q.question.id: [(e.kind, e.choice.id if e.choice else None, e.after) for e in q.edits] for q in diff.edits}


def test_the_edits_since_the_milestone_list_ticks_not_applicable_marks_and_notes(review):
    diff = changes.compare(review)
    assert edits_of(diff) == {
        "deploy": [
            (changes.TICKED, "deploy_pipeline", ""),
            (changes.TICKED, "deploy_rollback", ""),
            (changes.UNTICKED, "deploy_no", ""),
            (changes.NOTES, None, "Deploys are manual on Fridays.\nRollback takes an hour."),
        ],
        "observe": [(changes.TICKED, "observe_no", ""), (changes.NOTES, None, "Nobody is paged at night.")],
        "runbooks": [(changes.SET_ASIDE, None, "OUT_OF_SCOPE")],
        "backup": [
            (changes.UNTICKED, "backup_restore", ""),
            (changes.NOTES, "backup_restore", "Restores were never tried."),
            (changes.SET_ASIDE, "backup_offsite", "BUSINESS_PRIORITIES"),
            (changes.NOTES, "backup_offsite", "One region is enough for now."),
        ],
        "scale": [(changes.UNTICKED, "scale_auto", "")],
    }


def test_an_edit_that_leaves_the_risk_alone_is_still_listed(review):
    review.save_milestone("Now", "2025-03-14")
    review.set_notes(ALIAS, "deploy", "Rollback now takes ten minutes.")
    review.set_applicable(ALIAS, "runbooks", True)
    diff = changes.compare(review)
    assert diff.changes == [] or all(c.question.id == "runbooks" for c in diff.changes)
    assert edits_of(diff)["deploy"] == [(changes.NOTES, None, "Rollback now takes ten minutes.")]
    assert edits_of(diff)["runbooks"] == [(changes.RESTORED, None, "")]
    assert changes.answer_edits(review.lenses[ALIAS].question("scale"), None, None) == []
