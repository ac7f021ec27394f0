"""Question risk, RiskCounts and the improvement list, including published lenses' quirks."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.core import lens as lenses
from kit.core.review import Answer, ChoiceAnswer, Review, new
from kit.core.scoring import RiskCounts, improvement_list, question_risk, score
from kit.core.vocabulary import HIGH, MEDIUM, NONE, NOT_APPLICABLE, RISKS, UNANSWERED, ChoiceStatus

SELECTED = ChoiceStatus.SELECTED
NA = ChoiceStatus.NOT_APPLICABLE  # the choice status; NOT_APPLICABLE is the risk


def _question(lens_document, write_lens, choices, rules):
    lens = lenses.load_file(write_lens(lens_document({"q": {"choices": choices, "rules": rules}})))
    return lens.question("q")


def _answer(**statuses) -> Answer:
    return Answer(choices={cid: ChoiceAnswer(status) for cid, status in statuses.items()})


STANDARD = [("q_no || !a", "HIGH_RISK"), ("!b || q_no", "MEDIUM_RISK"), ("default", "NO_RISK")]


@pytest.mark.parametrize(
    "statuses, expected",
    [
        ({}, UNANSWERED),
        ({"a": SELECTED, "b": SELECTED}, NONE),
        ({"a": SELECTED}, MEDIUM),
        ({"b": SELECTED}, HIGH),
        ({"q_no": SELECTED}, HIGH),
        ({"a": SELECTED, "b": NA}, NONE),
        ({"a": NA, "b": NA}, NONE),  # answered: everything set aside, nothing missing
        ({"a": NA}, MEDIUM),  # b is still missing
        ({"a": NA, "b": SELECTED}, NONE),
        ({"b": NA}, HIGH),
    ],
)
def test_standard_question_truth_table(statuses, expected, lens_document, write_lens):
    question = _question(lens_document, write_lens, ["a", "b", "q_no"], STANDARD)
    assert question_risk(question, _answer(**statuses)) == expected


def test_not_applicable_question_beats_any_tick(lens_document, write_lens):
    question = _question(lens_document, write_lens, ["a", "b", "q_no"], STANDARD)
    answer = _answer(q_no=SELECTED)
    answer.is_applicable = False
    assert question_risk(question, answer) == NOT_APPLICABLE


def test_without_default_an_unmatched_answer_is_high(lens_document, write_lens):
    question = _question(lens_document, write_lens, ["a", "b"], [("a && b", "NO_RISK"), ("a && !b", "MEDIUM_RISK")])
    assert question_risk(question, _answer(a=SELECTED, b=SELECTED)) == NONE
    assert question_risk(question, _answer(a=SELECTED)) == MEDIUM
    assert question_risk(question, _answer(b=SELECTED)) == HIGH


def test_xor_style_rules_as_published_lenses_write_them(lens_document, write_lens):
    rules = [("(a && !b) || (!a && b)", "MEDIUM_RISK"), ("a && b", "NO_RISK"), ("default", "HIGH_RISK")]
    question = _question(lens_document, write_lens, ["a", "b"], rules)
    assert question_risk(question, _answer(a=SELECTED)) == MEDIUM
    assert question_risk(question, _answer(b=SELECTED)) == MEDIUM
    assert question_risk(question, _answer(a=SELECTED, b=SELECTED)) == NONE


def test_none_of_these_ticked_with_others_in_a_file_is_scored_by_the_rules(lens_document, write_lens):
    # Files edited outside the app can hold both; the first matching rule decides, as in the WA Tool.
    question = _question(lens_document, write_lens, ["a", "b", "q_no"], STANDARD)
    assert question_risk(question, _answer(a=SELECTED, b=SELECTED, q_no=SELECTED)) == HIGH
    rules_checking_practices_first = [("a && b", "NO_RISK"), ("q_no", "HIGH_RISK"), ("default", "MEDIUM_RISK")]
    question = _question(lens_document, write_lens, ["a", "b", "q_no"], rules_checking_practices_first)
    assert question_risk(question, _answer(a=SELECTED, b=SELECTED, q_no=SELECTED)) == NONE


def test_answers_naming_unknown_choices_do_not_count(lens_document, write_lens):
    question = _question(lens_document, write_lens, ["a", "b", "q_no"], STANDARD)
    assert question_risk(question, _answer(retired=SELECTED)) == UNANSWERED


def test_risk_counts_always_hold_all_five_keys():
    counts = RiskCounts([HIGH, HIGH, NONE])
    assert list(counts) == list(RISKS)
    assert counts == {UNANSWERED: 0, HIGH: 2, MEDIUM: 0, NONE: 1, NOT_APPLICABLE: 0}
    assert (counts + RiskCounts([MEDIUM]))[MEDIUM] == 1
    assert counts.answered == 3 and counts.total == 3


def _framework_review() -> Review:
    review = new(["wellarchitected", "serverless"], "Shop")
    lens = review.lenses["wellarchitected"]
    dr = lens.question("planning-for-recovery")
    for choice in dr.practices:
        review.set_choice("wellarchitected", dr.id, choice.id)
    review.set_choice("wellarchitected", "priorities", "ops_priorities_no")
    review.set_applicable("wellarchitected", "sus_region", False, "OUT_OF_SCOPE")
    incident = lens.question("incident-response")
    for choice in incident.practices:
        if choice.risk_level != "HIGH":
            continue
        review.set_choice("wellarchitected", incident.id, choice.id)
    return review


def test_counts_per_pillar_lens_and_review_add_up():
    review = _framework_review()
    result = score(review)
    framework = result.lenses["wellarchitected"]
    assert framework.questions["planning-for-recovery"] == NONE
    assert framework.questions["priorities"] == HIGH
    assert framework.questions["sus_region"] == NOT_APPLICABLE
    assert framework.pillars["reliability"].counts[NONE] == 1
    assert framework.pillars["reliability"].counts[UNANSWERED] == 12
    assert framework.counts.total == 57
    assert result.lenses["serverless"].counts == {UNANSWERED: 9, HIGH: 0, MEDIUM: 0, NONE: 0, NOT_APPLICABLE: 0}
    assert result.counts.total == 57 + 9
    for key in RISKS:
        assert sum(p.counts[key] for p in framework.pillars.values()) == framework.counts[key]


def test_improvement_list_orders_by_risk_then_pillar_priorities():
    review = _framework_review()
    review.set_choice("wellarchitected", "evaluate-new-services", "cost_evaluate_new_services_no")
    review.pillar_priorities = ["costOptimization"]
    items = improvement_list(review)
    risks = [item.risk for item in items]
    assert risks == sorted(risks, key=[HIGH, MEDIUM].index)
    highs = [item.question.id for item in items if item.risk == HIGH]
    assert highs[0] == "evaluate-new-services"  # the prioritised pillar leads among the HIGHs
    assert "priorities" in highs
    incident = next(item for item in items if item.question.id == "incident-response")
    assert incident.risk == MEDIUM
    assert incident.missing and all(c.risk_level != "HIGH" for c in incident.missing)
    assert all(c.improvement.url.startswith("https://") for c in incident.missing)


def test_missing_practices_leave_out_not_applicable_ones_and_none_of_these():
    review = new(["wellarchitected"], "Shop")
    question = review.lenses["wellarchitected"].question("priorities")
    first, second, *rest = question.practices
    review.set_choice("wellarchitected", "priorities", first.id)
    review.set_choice("wellarchitected", "priorities", second.id, NA)
    item = next(i for i in improvement_list(review) if i.question.id == "priorities")
    assert [c.id for c in item.missing] == [c.id for c in rest]


def test_rescoring_one_question_equals_scoring_the_whole_review():
    import random

    from kit.core.scoring import rescore

    rng = random.Random(7)
    review = new(["wellarchitected", "serverless"], "Shop")
    result = score(review)
    questions = [(alias, q) for alias, lens in review.lenses.items() for q in lens.questions()]
    for _ in range(400):
        alias, question = rng.choice(questions)
        choice = rng.choice(question.choices)
        action = rng.random()
        if action < 0.1:
            review.set_applicable(alias, question.id, rng.random() < 0.5, "OUT_OF_SCOPE")
        elif action < 0.2:
            review.clear(alias, question.id)
        else:
            review.set_choice(alias, question.id, choice.id, rng.choice(["SELECTED", "UNSELECTED", "NOT_APPLICABLE"]))
        before = result.to_json()
        updated = rescore(result, alias, question, review.answer(alias, question.id))
        assert result.to_json() == before  # the old score is left as it was
        result = updated
        assert result.to_json() == score(review).to_json()


# The WA Tool's measured cases (DESIGN.md section 4), on a question asking for all four
# statements, then for either of the first two.
ALL_FOUR = [("s1 && s2 && s3 && s4", "NO_RISK"), ("s1 || s2", "MEDIUM_RISK"), ("default", "HIGH_RISK")]


@pytest.mark.parametrize(
    "statuses, expected",
    [
        ({"s1": SELECTED, "s2": SELECTED, "s3": SELECTED, "s4": NA}, NONE),  # three ticked, the fourth set aside
        ({"s1": NA, "s2": NA, "s3": NA, "s4": NA}, NONE),  # every statement set aside, nothing ticked
        ({"s1": NA}, HIGH),  # one set aside, nothing ticked: falls through to default
        ({"s1": NA, "s2": NA}, HIGH),  # set-aside alternatives do not satisfy "s1 || s2"
        ({"s1": NA, "s2": SELECTED}, MEDIUM),
    ],
)
def test_measured_wa_tool_cases(statuses, expected, lens_document, write_lens):
    question = _question(lens_document, write_lens, ["s1", "s2", "s3", "s4"], ALL_FOUR)
    assert question_risk(question, _answer(**statuses)) == expected


def _published_and_bundled_questions():
    data = Path(__file__).resolve().parents[1] / "data" / "lenses" / "published"
    found = [lenses.bundled(alias) for alias in lenses.bundled_aliases()]
    found += [lenses.load_file(path) for path in sorted(data.glob("*-like.json"))]
    return [(lens.alias, question) for lens in found for question in lens.questions()]


def test_bulk_scoring_agrees_with_question_risk_on_random_answers():
    """question_risk_bits scores many answers at once; each must get exactly question_risk's answer."""
    import random

    from kit.core.scoring import question_risk_bits

    rng = random.Random(13)
    for _alias, question in _published_and_bundled_questions():
        answers = []
        for _ in range(48):
            answer = Answer(is_applicable=rng.random() > 0.08)
            for choice in question.choices:
                roll = rng.random()
                if roll < 0.45:
                    answer.choices[choice.id] = ChoiceAnswer(SELECTED)
                elif roll < 0.6:
                    answer.choices[choice.id] = ChoiceAnswer(NA)
            answers.append(None if rng.random() < 0.05 else answer)
        selected, not_applicable, marked = {}, {}, 0
        for bit, answer in enumerate(answers):
            if answer is None:
                continue
            if not answer.is_applicable:
                marked |= 1 << bit
            for cid, status in answer.statuses().items():
                target = selected if status == SELECTED else not_applicable
                target[cid] = target.get(cid, 0) | 1 << bit
        bits = question_risk_bits(question, selected, not_applicable, marked, (1 << len(answers)) - 1)
        for bit, answer in enumerate(answers):
            holders = [risk for risk, members in bits.items() if members >> bit & 1]
            assert holders == [question_risk(question, answer)], (question.id, bit)
