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
NOT_APPLICABLE no change. The last milestone is the last one in the file (milestones are
appended as they are saved). Pure: nothing here imports Jupyter, matplotlib or pandas.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kit.core.jsonio import JsonPath
from kit.core.lens import Pillar, Question
from kit.core.review import Answer, Milestone, Review
from kit.core.scoring import ReviewScore, question_risk, score
from kit.core.vocabulary import HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED

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


@dataclass(frozen=True)
class MilestoneDiff:
    """The changes since one milestone, in lens, pillar and question order."""

    milestone: Milestone
    changes: list[Change] = field(default_factory=list)

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


def latest_milestone(review: Review) -> Milestone | None:
    """The last milestone saved, or ``None``."""
    return review.milestones[-1] if review.milestones else None


def milestone_risks(review: Review, milestone: Milestone) -> dict[str, dict[str, str]]:
    """Each question's risk at the milestone, by lens alias and question id, for the review's current lenses.

    Answers for lenses or questions the review no longer has are left out (they are kept in
    the file). A malformed frozen answer raises :class:`kit.core.errors.ReviewError` naming its place.
    """
    index = next((i for i, m in enumerate(review.milestones) if m is milestone), None)
    base: JsonPath = ["milestones", index, "answers"] if index is not None else ["milestone", "answers"]
    risks: dict[str, dict[str, str]] = {}
    for alias, lens in review.lenses.items():
        frozen = milestone.answers.get(alias, {})
        answers = {
            qid: Answer.from_api(data, review.source, base + [alias, qid])
            for qid, data in frozen.items()
            if lens.has_question(qid)
        }
        risks[alias] = {q.id: question_risk(q, answers.get(q.id)) for q in lens.questions()}
    return risks


def compare(
    review: Review, milestone: Milestone | None = None, result: ReviewScore | None = None
) -> MilestoneDiff | None:
    """The changes between a milestone (the last one by default) and the current answers; ``None`` without milestones."""
    milestone = milestone or latest_milestone(review)
    if milestone is None:
        return None
    result = result or score(review)
    then = milestone_risks(review, milestone)
    changes = []
    for alias, lens_score in result.lenses.items():
        for pillar in lens_score.lens.pillars:
            for question in pillar.questions:
                before, after = then[alias][question.id], lens_score.questions[question.id]
                kind = kind_of(before, after)
                if kind:
                    changes.append(Change(alias, pillar, question, before, after, kind))
    return MilestoneDiff(milestone, changes)


__all__ = [
    "CLEARED",
    "IMPROVED",
    "KINDS",
    "NEW",
    "REGRESSED",
    "Change",
    "MilestoneDiff",
    "compare",
    "kind_of",
    "latest_milestone",
    "milestone_risks",
]
