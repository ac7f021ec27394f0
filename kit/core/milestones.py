"""What changed since the last milestone, question by question: improved, regressed, new, cleared.

A milestone is a named, dated, frozen copy of the answers in the WA Tool API's shape. Its
answers are rebuilt with :meth:`kit.core.review.Answer.from_api` and scored with
:func:`kit.core.scoring.question_risk` against the review's current lenses, then compared with the
current risks:

- **new**: unanswered at the milestone, answered now;
- **improved**: less risky now (HIGH to MEDIUM, MEDIUM to NONE, ...);
- **regressed**: more risky now;
- **cleared**: answered at the milestone, unanswered now (an answer was taken back).

A question marked not applicable carries no risk, so it ranks with NONE: HIGH to
NOT_APPLICABLE is an improvement, NOT_APPLICABLE to MEDIUM a regression, and NONE to
NOT_APPLICABLE no change.

Beside the risks, :class:`Edit` lists what the team changed in the answers themselves, whether
or not the risk moved: a practice ticked or unticked, a practice or the question marked not
applicable (or applicable again), and notes added, changed or removed. The last milestone is the last one in the file (milestones are
appended as they are saved). Pure: nothing here imports Jupyter, matplotlib or pandas.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kit.core.jsonio import JsonPath
from kit.core.lens import Choice, Pillar, Question
from kit.core.review import Answer, Milestone, Review
from kit.core.scoring import ReviewScore, question_risk, score
from kit.core.vocabulary import HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED, ChoiceStatus

NEW = "new"
IMPROVED = "improved"
REGRESSED = "regressed"
CLEARED = "cleared"
#: The kinds of change, in the order a reader wants them.
KINDS = (REGRESSED, IMPROVED, NEW, CLEARED)

#: How much risk a question carries; not applicable carries none.
_WEIGHT: dict[str, int] = {HIGH: 2, MEDIUM: 1, NONE: 0, NOT_APPLICABLE: 0}


@dataclass(frozen=True)
class Change:
    """One question whose risk changed since the milestone."""

    lens: str
    pillar: Pillar
    question: Question
    before: str
    after: str
    kind: str


NOT_APPLICABLE_CHOICE = ChoiceStatus.NOT_APPLICABLE
SELECTED = ChoiceStatus.SELECTED

#: Kinds of edit to an answer. A question's edits are listed as they come: the question's own
#: applicability, then each choice in the lens's order, then the question's notes.
TICKED = "ticked"
UNTICKED = "unticked"
SET_ASIDE = "not applicable"  # a practice, or (with no choice) the question, marked not applicable
RESTORED = "applicable again"
NOTES = "notes"
EDIT_KINDS = (SET_ASIDE, RESTORED, TICKED, UNTICKED, NOTES)


@dataclass(frozen=True)
class Edit:
    """One change to an answer since the milestone. ``choice`` is None for the question itself.

    For ``SET_ASIDE``, ``after`` holds the reason code (or ""); for ``NOTES``, ``before`` and
    ``after`` hold the two texts.
    """

    kind: str
    choice: Choice | None = None
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class QuestionEdits:
    """Every edit to one question's answer since the milestone."""

    lens: str
    pillar: Pillar
    question: Question
    edits: list[Edit]


@dataclass(frozen=True)
class MilestoneDiff:
    """The changes since one milestone, in lens, pillar and question order: risks, and edits to the answers."""

    milestone: Milestone
    changes: list[Change] = field(default_factory=list)
    edits: list[QuestionEdits] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    def counts(self) -> dict[str, int]:
        """How many changes of each kind, every kind present."""
        return {kind: len(self.of_kind(kind)) for kind in KINDS}


def kind_of(before: str, after: str) -> str | None:
    """The kind of change from one risk to another, or ``None`` when nothing a reader cares about changed."""
    if before == UNANSWERED:
        return None if after == UNANSWERED else NEW
    if after == UNANSWERED:
        return CLEARED
    if _WEIGHT[after] < _WEIGHT[before]:
        return IMPROVED
    if _WEIGHT[after] > _WEIGHT[before]:
        return REGRESSED
    return None


def answer_edits(question: Question, before: Answer | None, after: Answer | None) -> list[Edit]:
    """What changed in one question's answer, practice by practice, then the question, then notes."""
    before = before or Answer()
    after = after or Answer()
    edits: list[Edit] = []
    if before.is_applicable and not after.is_applicable:
        edits.append(Edit(SET_ASIDE, None, "", after.reason or ""))
    elif not before.is_applicable and after.is_applicable:
        edits.append(Edit(RESTORED))
    for choice in question.choices:
        then, now = before.status(choice.id), after.status(choice.id)
        if then != now:
            if now == NOT_APPLICABLE_CHOICE:
                entry = after.choices.get(choice.id)
                edits.append(Edit(SET_ASIDE, choice, "", (entry.reason if entry else None) or ""))
            elif now == SELECTED:
                edits.append(Edit(TICKED, choice))
            elif then == NOT_APPLICABLE_CHOICE:
                edits.append(Edit(RESTORED, choice))
            else:
                edits.append(Edit(UNTICKED, choice))
        old = before.choices[choice.id].notes if choice.id in before.choices else ""
        new = after.choices[choice.id].notes if choice.id in after.choices else ""
        if old != new:
            edits.append(Edit(NOTES, choice, old, new))
    if before.notes != after.notes:
        edits.append(Edit(NOTES, None, before.notes, after.notes))
    return edits


def latest_milestone(review: Review) -> Milestone | None:
    """The last milestone saved, or ``None``."""
    return review.milestones[-1] if review.milestones else None


def milestone_risks(review: Review, milestone: Milestone) -> dict[str, dict[str, str]]:
    """Each question's risk at the milestone, by lens alias and question id, for the review's current lenses.

    Answers for lenses or questions the review no longer has are left out (they are kept in
    the file). A malformed frozen answer raises :class:`kit.core.errors.ReviewError` naming its place.
    """
    answers = milestone_answers(review, milestone)
    return {
        alias: {q.id: question_risk(q, answers[alias].get(q.id)) for q in lens.questions()}
        for alias, lens in review.lenses.items()
    }


def milestone_answers(review: Review, milestone: Milestone) -> dict[str, dict[str, Answer]]:
    """The answers frozen in a milestone, by lens alias and question id, for the review's current lenses."""
    index = next((i for i, m in enumerate(review.milestones) if m is milestone), None)
    base: JsonPath = ["milestones", index, "answers"] if index is not None else ["milestone", "answers"]
    found: dict[str, dict[str, Answer]] = {}
    for alias, lens in review.lenses.items():
        frozen = milestone.answers.get(alias, {})
        found[alias] = {
            qid: Answer.from_api(data, review.source, base + [alias, qid])
            for qid, data in frozen.items()
            if lens.has_question(qid)
        }
    return found


def compare(
    review: Review, milestone: Milestone | None = None, result: ReviewScore | None = None
) -> MilestoneDiff | None:
    """The changes between a milestone (the last one by default) and the current answers; ``None`` without milestones."""
    milestone = milestone or latest_milestone(review)
    if milestone is None:
        return None
    result = result or score(review)
    frozen = milestone_answers(review, milestone)
    changes, edits = [], []
    for alias, lens_score in result.lenses.items():
        current = review.answers.get(alias, {})
        for pillar in lens_score.lens.pillars:
            for question in pillar.questions:
                then_answer = frozen[alias].get(question.id)
                before, after = question_risk(question, then_answer), lens_score.questions[question.id]
                kind = kind_of(before, after)
                if kind:
                    changes.append(Change(alias, pillar, question, before, after, kind))
                edited = answer_edits(question, then_answer, current.get(question.id))
                if edited:
                    edits.append(QuestionEdits(alias, pillar, question, edited))
    return MilestoneDiff(milestone, changes, edits)


__all__ = [
    "CLEARED",
    "EDIT_KINDS",
    "IMPROVED",
    "KINDS",
    "NEW",
    "NOTES",
    "REGRESSED",
    "RESTORED",
    "SET_ASIDE",
    "TICKED",
    "UNTICKED",
    "Change",
    "Edit",
    "MilestoneDiff",
    "QuestionEdits",
    "answer_edits",
    "compare",
    "kind_of",
    "latest_milestone",
    "milestone_answers",
    "milestone_risks",
]
