"""The top risks of a review, ranked by what matters, each with the reasons it is there.

The improvement list (:func:`kit.core.scoring.improvement_list`) holds every HIGH and MEDIUM
question in pillar-priority and lens order; a reader with five minutes needs the few that
matter most. They are ranked by, in turn:

1. the risk: HIGH before MEDIUM;
2. how many practices whose absence makes a question high risk are missing ("High" in the
   Framework, "Required" in the Serverless lens): more first;
3. the review's pillar priorities: a pillar ranked higher first, unranked pillars last;
4. how common the gap was in the 2020 field statistics: a more common gap first, since it is
   one that teams tend to leave open;

and then the lens's own order. Each top risk says why it is there in plain words. Pure: no
Jupyter, plotting or rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kit.core import fieldstats
from kit.core.lens import Choice
from kit.core.review import Review
from kit.core.scoring import Improvement, ReviewScore, improvement_list
from kit.core.vocabulary import SEVERITY, Risk

#: How many top risks the handout's summary describes.
COUNT = 5
#: Practice levels whose absence makes a question high risk (the Framework's and the Serverless lens's words).
HIGH_RISK_LEVELS = ("HIGH", "Required")
#: Field statistics confident enough to rank by (a loose match says little about this question).
RANKING_CONFIDENCES = ("high", "medium")


@dataclass(frozen=True)
class FieldGap:
    """How common a gap was in the 2020 reviews: the share of workloads, and what it measured."""

    percent: int
    what: str


@dataclass(frozen=True)
class TopRisk:
    item: Improvement
    #: Missing practices whose absence makes a question high risk.
    high_risk_missing: list[Choice] = field(default_factory=list)
    #: The pillar's place in the review's priorities (0: first), or None when it is not ranked.
    priority: int | None = None
    gap: FieldGap | None = None
    #: Why it is among the top risks, in words, most important first.
    reasons: list[str] = field(default_factory=list)


def high_risk_practices(item: Improvement) -> list[Choice]:
    return [c for c in item.missing if c.risk_level in HIGH_RISK_LEVELS]


def field_gap(item: Improvement, lens_alias: str) -> FieldGap | None:
    """The largest share of 2020 workloads that had this question's gap, or one of its missing practices'."""
    found: list[FieldGap] = []
    for stat in fieldstats.for_question(lens_alias, item.question.id):
        if stat.confidence not in RANKING_CONFIDENCES or stat.percent is None:
            continue
        if stat.measure == "question_high_risk":
            found.append(FieldGap(stat.percent, "were high risk on this question"))
        elif stat.measure == "question_high_or_medium":
            found.append(FieldGap(stat.percent, "were high or medium risk on this question"))
        elif stat.measure == "question_no_risk":
            found.append(FieldGap(100 - stat.percent, "had some risk on this question"))
        elif stat.measure == "none_of_these":
            found.append(FieldGap(stat.percent, "followed none of its practices"))
    for choice in item.missing:
        for stat in fieldstats.for_choice(lens_alias, item.question.id, choice.id):
            if (
                stat.confidence in RANKING_CONFIDENCES
                and stat.measure == "choice_selected"
                and stat.percent is not None
            ):
                found.append(FieldGap(100 - stat.percent, f"did not follow “{choice.title}”"))
    return max(found, key=lambda gap: gap.percent, default=None)


def _reasons(item: Improvement, high: list[Choice], priority: int | None, gap: FieldGap | None) -> list[str]:
    practices = len(item.question.practices)
    reasons = [Risk(item.risk).words]
    if high:
        count = len(high)
        reasons.append(
            f"{count} missing practice{' is' if count == 1 else 's are'} high-risk ({len(item.missing)} of {practices} missing)"
        )
    elif item.missing:
        count = len(item.missing)
        reasons.append(f"{count} of its {practices} practices {'is' if count == 1 else 'are'} missing")
    if priority is not None:
        place = ("first", "second", "third", "fourth", "fifth", "sixth")
        word = place[priority] if priority < len(place) else f"number {priority + 1}"
        reasons.append(f"{item.pillar.name} is the review’s {word} priority")
    if gap is not None:
        reasons.append(f"a common gap: {gap.percent}% of the workloads reviewed in 2020 {gap.what}")
    return reasons


def rank(review: Review, result: ReviewScore | None = None) -> list[TopRisk]:
    """Every HIGH and MEDIUM question, ranked (see the module's docstring), each with its reasons."""
    items = improvement_list(review, result)
    priorities = {pillar_id: place for place, pillar_id in enumerate(review.pillar_priorities)}
    ranked = []
    for position, item in enumerate(items):
        high = high_risk_practices(item)
        priority = priorities.get(item.pillar.id)
        gap = field_gap(item, item.lens)
        risk = TopRisk(item, high, priority, gap, _reasons(item, high, priority, gap))
        ranked.append((position, risk))

    def key(entry: tuple[int, TopRisk]) -> tuple[int, int, int, int, int]:
        position, risk = entry
        unranked = len(priorities)
        return (
            SEVERITY[risk.item.risk],
            -len(risk.high_risk_missing),
            unranked if risk.priority is None else risk.priority,
            -(risk.gap.percent if risk.gap else -1),
            position,
        )

    return [risk for _, risk in sorted(ranked, key=key)]


def top_risks(review: Review, result: ReviewScore | None = None, count: int = COUNT) -> list[TopRisk]:
    """The ``count`` risks that matter most."""
    return rank(review, result)[:count]


__all__ = ["COUNT", "FieldGap", "TopRisk", "field_gap", "high_risk_practices", "rank", "top_risks"]
