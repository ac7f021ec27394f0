"""Scores: each question's risk, RiskCounts per pillar, lens and review, and the improvement list."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kit.core import rules
from kit.core.jsonio import JsonObject
from kit.core.lens import Choice, Lens, Pillar, Question
from kit.core.review import Answer, Review
from kit.core.vocabulary import HIGH, MEDIUM, NONE, NOT_APPLICABLE, RISKS, SEVERITY, UNANSWERED, ChoiceStatus

#: A practice with one of these statuses is not missing.
_NOT_MISSING = (ChoiceStatus.SELECTED, ChoiceStatus.NOT_APPLICABLE)


def question_risk(question: Question, answer: Answer | None) -> str:
    """The risk of one answer, exactly as DESIGN.md section 4 defines it."""
    if answer is not None and not answer.is_applicable:
        return NOT_APPLICABLE
    statuses = answer.statuses() if answer else {}
    known = {cid: status for cid, status in statuses.items() if cid in question.choice_ids}
    if not known:
        return UNANSWERED
    for rule in question.rules:
        if rules.holds(rule.node, known):
            return rule.risk
    return HIGH  # no rule matched; loading the lens warned that it has no default


def question_risk_bits(
    question: Question,
    selected: Mapping[str, int],
    not_applicable: Mapping[str, int],
    question_not_applicable: int,
    all_bits: int,
) -> dict[str, int]:
    """:func:`question_risk` for many reviews at once: bit ``i`` of each integer stands for review ``i``.

    ``selected[cid]`` and ``not_applicable[cid]`` hold the reviews in which a choice has that
    status (a missing choice is in neither), and ``question_not_applicable`` those that marked
    the question not applicable. Returns, for each of the five risks, the reviews that have it;
    every review of ``all_bits`` is in exactly one. The rules are evaluated once for all reviews
    by :func:`kit.core.rules.evaluate_masks`, the evaluator single answers use, so the two agree
    (the tests check it on random answers).
    """
    answered = 0
    masks: dict[str, tuple[int, int]] = {}
    for cid in question.choice_ids:
        chosen, set_aside = selected.get(cid, 0), not_applicable.get(cid, 0)
        answered |= chosen | set_aside
        masks[cid] = (chosen, all_bits & ~(chosen | set_aside))
    result: dict[str, int] = dict.fromkeys(RISKS, 0)
    result[NOT_APPLICABLE] = question_not_applicable & all_bits
    result[UNANSWERED] = all_bits & ~question_not_applicable & ~answered
    remaining = answered & all_bits & ~question_not_applicable
    for rule in question.rules:
        if not remaining:
            break
        _true, false = rules.evaluate_masks(rule.node, masks, all_bits)
        fires = remaining & ~false  # true, or neutral (every term not applicable), which counts as true
        result[rule.risk] |= fires
        remaining &= ~fires
    result[HIGH] |= remaining  # no rule matched; loading the lens warned that it has no default
    return result


class RiskCounts(dict[str, int]):
    """Counts of questions by risk, always holding all five of the API's keys."""

    def __init__(self, risks: Iterable[str] = ()) -> None:
        super().__init__(dict.fromkeys(RISKS, 0))
        for risk in risks:
            self[risk] += 1

    def __add__(self, other: RiskCounts) -> RiskCounts:
        total = RiskCounts()
        for key in RISKS:
            total[key] = self[key] + other[key]
        return total

    @property
    def answered(self) -> int:
        return sum(self.values()) - self[UNANSWERED]

    @property
    def total(self) -> int:
        return sum(self.values())


@dataclass
class PillarScore:
    pillar: Pillar
    counts: RiskCounts


@dataclass
class LensScore:
    lens: Lens
    counts: RiskCounts
    pillars: dict[str, PillarScore]
    questions: dict[str, str]


@dataclass
class ReviewScore:
    counts: RiskCounts
    lenses: dict[str, LensScore]

    def to_json(self) -> JsonObject:
        """The shape ``pillarkit score --json`` prints; a contract for scripts."""
        return {
            "RiskCounts": dict(self.counts),
            "lenses": {
                alias: {
                    "RiskCounts": dict(score.counts),
                    "pillars": {pid: {"RiskCounts": dict(p.counts)} for pid, p in score.pillars.items()},
                    "questions": dict(score.questions),
                }
                for alias, score in self.lenses.items()
            },
        }


def score_lens(lens: Lens, answers: dict[str, Answer]) -> LensScore:
    questions: dict[str, str] = {}
    pillars: dict[str, PillarScore] = {}
    for pillar in lens.pillars:
        risks = [question_risk(q, answers.get(q.id)) for q in pillar.questions]
        questions.update(zip((q.id for q in pillar.questions), risks))
        pillars[pillar.id] = PillarScore(pillar, RiskCounts(risks))
    return LensScore(lens, RiskCounts(questions.values()), pillars, questions)


def score(review: Review) -> ReviewScore:
    lenses = {alias: score_lens(lens, review.answers.get(alias, {})) for alias, lens in review.lenses.items()}
    total = RiskCounts()
    for lens_score in lenses.values():
        total = total + lens_score.counts
    return ReviewScore(total, lenses)


def rescore(result: ReviewScore, alias: str, question: Question, answer: Answer | None) -> ReviewScore:
    """The score after one question's answer changed, scoring only that question again.

    Equal to ``score(review)`` (the tests check it); it is what the app does on every tick.
    The result is a new object, and ``result`` is left as it was.
    """
    lens_score = result.lenses[alias]
    old = lens_score.questions[question.id]
    new = question_risk(question, answer)
    if new == old:
        return result

    def moved(counts: RiskCounts) -> RiskCounts:
        after = RiskCounts()
        after.update(counts)
        after[old] -= 1
        after[new] += 1
        return after

    pillars = dict(lens_score.pillars)
    pillar = pillars[question.pillar_id]
    pillars[question.pillar_id] = PillarScore(pillar.pillar, moved(pillar.counts))
    questions = dict(lens_score.questions)
    questions[question.id] = new
    lenses = dict(result.lenses)
    lenses[alias] = LensScore(lens_score.lens, moved(lens_score.counts), pillars, questions)
    return ReviewScore(moved(result.counts), lenses)


@dataclass
class Improvement:
    """A HIGH or MEDIUM question and the practices it is missing."""

    lens: str
    pillar: Pillar
    question: Question
    risk: str
    missing: list[Choice] = field(default_factory=list)
    notes: str = ""


def missing_practices(question: Question, answer: Answer | None) -> list[Choice]:
    """Practices neither ticked nor marked not applicable ("None of these" is not a practice)."""
    statuses = answer.statuses() if answer else {}
    return [c for c in question.practices if statuses.get(c.id) not in _NOT_MISSING]


def improvement_list(review: Review, result: ReviewScore | None = None) -> list[Improvement]:
    """Every HIGH then every MEDIUM question, ordered by the review's pillar priorities, then lens order."""
    result = result or score(review)
    priority = {pillar_id: rank for rank, pillar_id in enumerate(review.pillar_priorities)}
    items = []
    for alias, lens_score in result.lenses.items():
        answers = review.answers.get(alias, {})
        for pillar in lens_score.lens.pillars:
            for question in pillar.questions:
                risk = lens_score.questions[question.id]
                if risk in (HIGH, MEDIUM):
                    answer = answers.get(question.id)
                    items.append(
                        Improvement(
                            alias,
                            pillar,
                            question,
                            risk,
                            missing_practices(question, answer),
                            answer.notes if answer else "",
                        )
                    )
    # sorted() is stable, so lens and question order survive within a risk and priority.
    return sorted(items, key=lambda i: (SEVERITY[i.risk], priority.get(i.pillar.id, len(priority))))


__all__ = [
    "HIGH",
    "MEDIUM",
    "NONE",
    "NOT_APPLICABLE",
    "UNANSWERED",
    "Improvement",
    "LensScore",
    "PillarScore",
    "ReviewScore",
    "RiskCounts",
    "improvement_list",
    "missing_practices",
    "question_risk",
    "question_risk_bits",
    "rescore",
    "score",
    "score_lens",
]
