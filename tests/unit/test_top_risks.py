"""Top risks ranked by what matters (kit.core.top_risks), with the reasons each is there."""

from __future__ import annotations

from kit.core.lens import load
from kit.core.review import Review, Workload
from kit.core.top_risks import rank, top_risks
from kit.core.vocabulary import ChoiceStatus

SELECTED = ChoiceStatus.SELECTED

LENS = "wellarchitected"


def checkout_review(priorities: list[str] | None = None) -> Review:
    """A PCI checkout as the field run found it: every question answered and high risk for ONE missing
    high-risk practice, except data classification (SEC07) and disaster recovery (REL13), where the
    team follows only the practices that are not high-risk ones."""
    lens = load(LENS)
    review = Review([lens], Workload(name="Checkout (PCI)"))
    for question in lens.questions():
        practices = question.practices
        if question.id in ("data-classification", "planning-for-recovery"):
            keep = [c for c in practices if c.risk_level != "HIGH"]
        else:
            high = [c for c in practices if c.risk_level == "HIGH"]
            keep = [c for c in practices if not high or c is not high[0]]
        for choice in keep:
            review.set_choice(LENS, question.id, choice.id, SELECTED)
    review.pillar_priorities = priorities or []
    return review


def test_the_gaps_that_matter_rank_first_not_the_first_pillar():
    top = top_risks(checkout_review())
    codes = [risk.item.question.code for risk in top]
    assert codes[:2] == ["REL13", "SEC07"]  # four high-risk practices missing, then three
    assert len(top) == 5 and all(risk.item.risk == "HIGH" for risk in top)
    assert sum(code.startswith("OPS") for code in codes) < 4  # not "the first five HIGH in pillar order"


def test_ties_go_to_the_pillar_priorities_then_to_the_commoner_gap():
    ranked = rank(checkout_review(["security", "reliability"]))
    one_missing = [r for r in ranked if len(r.high_risk_missing) == 1]
    pillars = [r.item.pillar.id for r in one_missing]
    first_other = next(i for i, p in enumerate(pillars) if p not in ("security",))
    assert set(pillars[:first_other]) == {"security"}  # the first priority's questions lead the tie
    assert pillars[first_other] == "reliability"
    security = [r for r in one_missing if r.item.pillar.id == "security"]
    shares = [r.gap.percent if r.gap else -1 for r in security]
    assert shares == sorted(shares, reverse=True)  # within a pillar, the commoner gap first


def test_each_top_risk_says_why_it_is_there():
    top = top_risks(checkout_review(["reliability"]))
    rel13 = next(r for r in top if r.item.question.code == "REL13")
    assert rel13.reasons[0] == "High risk"
    assert rel13.reasons[1] == "4 missing practices are high-risk (4 of 5 missing)"
    assert "Reliability is the review’s first priority" in rel13.reasons
    assert (
        rel13.reasons[-1]
        == "a common gap: 87% of the workloads reviewed in 2020 were high or medium risk on this question"
    )
    sec07 = next(r for r in top if r.item.question.code == "SEC07")
    assert sec07.reasons == [
        "High risk",
        "3 missing practices are high-risk (3 of 4 missing)",
        "a common gap: 75% of the workloads reviewed in 2020 were high risk on this question",
    ]


def test_medium_risks_follow_every_high_one():
    lens = load(LENS)
    review = Review([lens])
    first = next(lens.questions())
    for choice in first.practices:
        if choice.risk_level != "LOW" and choice.risk_level != "MEDIUM":
            review.set_choice(LENS, first.id, choice.id, SELECTED)
    second = lens.question("data-classification")
    review.set_choice(LENS, second.id, second.practices[0].id, SELECTED)
    risks = [r.item.risk for r in rank(review)]
    assert risks == sorted(risks, key=["HIGH", "MEDIUM"].index)
    assert top_risks(Review([lens])) == []  # nothing answered: nothing to rank
