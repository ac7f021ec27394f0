"""What the handout shows, computed once per handout: the facts model, and the facts of each part.

Data only: the scores, the improvement list, the roadmap and the changes, and for each part the
items it lists (a question's practices followed, missing and set aside; the top risks; the
roadmap's columns). The wording of sentences is in :mod:`.wording`, the markup in the templates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from kit.core import fieldstats
from kit.core import milestones as milestone_changes
from kit.core import roadmap as roadmaps
from kit.core import top_risks as ranking
from kit.core.fieldstats import FieldStat
from kit.core.lens import Choice, Pillar, Question
from kit.core.review import Answer, Prefill, Review
from kit.core.scoring import Improvement, ReviewScore, improvement_list, score
from kit.core.vocabulary import HIGH, NOT_APPLICABLE, ChoiceStatus, Reason, Risk
from kit.render.handout.wording import nice_date

#: How many top risks the executive summary describes.
TOP_RISKS = 5
#: Missing practices are listed with the weightiest first (the Framework's levels, then the Serverless lens's labels).
LEVEL_RANK = {"HIGH": 0, "Required": 0, "MEDIUM": 1, "Good": 1, "LOW": 2, "Best": 2}


@dataclass
class Facts:
    """Everything computed once per handout: the score, the improvement list, the roadmap, the changes."""

    review: Review
    result: ReviewScore
    items: list[Improvement]
    plan: dict[int, list[Improvement]]
    diff: milestone_changes.MilestoneDiff | None
    generated: str

    @classmethod
    def of(cls, review: Review, now: dt.datetime | None = None) -> Facts:
        result = score(review)
        items = improvement_list(review, result)
        moment = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        return cls(
            review,
            result,
            items,
            roadmaps.roadmap(review, items),
            milestone_changes.compare(review, result=result),
            nice_date(moment.date().isoformat()),
        )

    @property
    def multi_lens(self) -> bool:
        return len(self.review.lenses) > 1

    def pillar_name(self, alias: str, pillar: Pillar) -> str:
        return f"{pillar.name} ({self.review.lenses[alias].name})" if self.multi_lens else pillar.name

    def top_risks(self) -> list[ranking.TopRisk]:
        """The risks that matter most, ranked with their reasons (:mod:`kit.core.top_risks`)."""
        return ranking.top_risks(self.review, self.result, TOP_RISKS)

    def uses_field_statistics(self) -> bool:
        """Whether any question or practice of the review's lenses shows a figure from the field."""
        return any(
            fieldstats.for_question(lens, q.id) or any(fieldstats.for_choice(lens, q.id, c.id) for c in q.choices)
            for lens in self.review.lenses.values()
            for q in lens.questions()
        )


def anchor(*parts: str) -> str:
    """An id for a cell or an element: letters, digits, ``-`` and ``_`` only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", "-".join(parts))[:64]


def weightiest_first(practices: list[Choice]) -> list[Choice]:
    """Missing practices, the high-level ones first (a stable sort: lens order within a level)."""
    return sorted(practices, key=lambda c: LEVEL_RANK.get(str(c.risk_level), 3))


@dataclass(frozen=True)
class Practice:
    """A practice as one question's block lists it."""

    choice: Choice
    note: str = ""
    #: Why it was set aside, in words ("" when no reason was given); only for practices set aside.
    reason: str = ""
    #: Figures from the field; only for missing practices.
    stats: list[FieldStat] = field(default_factory=list)


@dataclass(frozen=True)
class QuestionFacts:
    """One question's block: its risk, its practices by what the team said, its notes and figures."""

    alias: str
    question: Question
    risk: Risk
    anchor: str
    followed: list[Practice]
    missing: list[Practice]
    set_aside: list[Practice]
    #: Why the question does not apply, in words ("" when no reason was given or it applies).
    reason: str
    #: "None of these", when the question has it; whether it is ticked, and its note.
    none_of_these: Choice | None
    none_ticked: bool
    none_note: str
    notes: str
    stats: list[FieldStat]
    #: Where the answer was pre-filled from, while nobody has confirmed it in the session.
    prefill: Prefill | None = None

    @classmethod
    def of(cls, facts: Facts, alias: str, question: Question) -> QuestionFacts:
        lens = facts.review.lenses[alias]
        answer: Answer | None = facts.review.answers[alias].get(question.id)
        risk = Risk(facts.result.lenses[alias].questions[question.id])
        statuses = answer.statuses() if answer else {}
        states = answer.choices if answer else {}

        def note(choice: Choice) -> str:
            state = states.get(choice.id)
            return state.notes if state else ""

        followed, missing, set_aside = [], [], []
        for choice in question.practices:
            status = statuses.get(choice.id)
            if status == ChoiceStatus.SELECTED:
                followed.append(Practice(choice, note(choice)))
            elif status == ChoiceStatus.NOT_APPLICABLE:
                reason = states[choice.id].reason
                set_aside.append(Practice(choice, note(choice), Reason(reason).words if reason else ""))
            elif risk != NOT_APPLICABLE:
                missing.append(
                    Practice(choice, note(choice), stats=fieldstats.for_choice(lens, question.id, choice.id))
                )
        none = question.none_of_these
        reason = answer.reason if answer and not answer.is_applicable else None
        return cls(
            alias=alias,
            question=question,
            risk=risk,
            anchor=anchor("q", alias, question.id),
            followed=followed,
            missing=missing,
            set_aside=set_aside,
            reason=Reason(reason).words if reason else "",
            none_of_these=none,
            none_ticked=none is not None and statuses.get(none.id) == ChoiceStatus.SELECTED,
            none_note=note(none) if none is not None else "",
            notes=answer.notes if answer and answer.notes.strip() else "",
            stats=fieldstats.for_question(lens, question.id),
            prefill=facts.review.prefill(alias, question.id),
        )


@dataclass(frozen=True)
class Horizon:
    """One column of the roadmap: its questions, grouped by pillar in plan order."""

    months: int
    items: list[Improvement]

    @property
    def highs(self) -> int:
        return sum(i.risk == HIGH for i in self.items)

    def by_pillar(self) -> list[list[Improvement]]:
        groups: dict[tuple[str, str], list[Improvement]] = {}
        for item in self.items:
            groups.setdefault((item.lens, item.pillar.id), []).append(item)
        return list(groups.values())


def horizons(facts: Facts) -> list[Horizon]:
    return [Horizon(months, items) for months, items in facts.plan.items()]


def is_moved(facts: Facts, item: Improvement, months: int) -> bool:
    """Whether the facilitator moved this item off its risk's default horizon."""
    return (
        roadmaps.is_moved(facts.review, item.lens, item.question.id) and roadmaps.default_horizon(item.risk) != months
    )
