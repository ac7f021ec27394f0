"""The rule language: precedence, errors with columns, and three-valued truth tables."""

from __future__ import annotations

import itertools

import pytest

from kit.core.rules import (
    And,
    ConditionError,
    Default,
    Not,
    Or,
    Term,
    holds,
    parse,
    unreachable_rules,
)
from kit.core.vocabulary import ChoiceStatus

# Short names keep the truth tables readable.
S, U, N = ChoiceStatus.SELECTED, ChoiceStatus.UNSELECTED, ChoiceStatus.NOT_APPLICABLE

# --- parsing ------------------------------------------------------------------------


def test_not_binds_tightest_then_and_then_or():
    assert parse("a || b && !c") == Or((Term("a"), And((Term("b"), Not(Term("c"))))))
    assert parse("!a && b") == And((Not(Term("a")), Term("b")))


def test_parentheses_override_precedence_and_space_is_free():
    assert parse(" ( a||b )&&c ") == And((Or((Term("a"), Term("b"))), Term("c")))
    assert parse("!!a") == Not(Not(Term("a")))


def test_default_and_hyphenated_ids():
    assert parse("default") == Default()
    assert parse("dev-integ_x && b") == And((Term("dev-integ_x"), Term("b")))


@pytest.mark.parametrize(
    "text, column",
    [
        ("", 1),
        ("a &&", 5),
        ("(a || b", 8),
        ("a b", 3),
        ("a & b", 3),
        ("a || )", 6),
        ("a $ b", 3),
        ("!", 2),
    ],
)
def test_syntax_errors_name_the_column(text, column):
    with pytest.raises(ConditionError) as caught:
        parse(text)
    assert caught.value.column == column
    assert str(caught.value).startswith(f"column {column}: ")


# --- evaluation: hand-written tables --------------------------------------------------

# Rows are (status of a, status of b, expected truth). A neutral (N) choice satisfies the
# "&&" it stands directly under and does not satisfy the "||" (DESIGN.md section 4, the
# WA Tool's measured rule).
AND_TABLE = [
    (S, S, True), (S, U, False), (S, N, True),
    (U, S, False), (U, U, False), (U, N, False),
    (N, S, True), (N, U, False), (N, N, True),
]  # fmt: skip
OR_TABLE = [
    (S, S, True), (S, U, True), (S, N, True),
    (U, S, True), (U, U, False), (U, N, False),
    (N, S, True), (N, U, False), (N, N, False),
]  # fmt: skip


@pytest.mark.parametrize("a, b, expected", AND_TABLE)
def test_and_truth_table(a, b, expected):
    assert holds(parse("a && b"), {"a": a, "b": b}) is expected


@pytest.mark.parametrize("a, b, expected", OR_TABLE)
def test_or_truth_table(a, b, expected):
    assert holds(parse("a || b"), {"a": a, "b": b}) is expected


@pytest.mark.parametrize("a, expected", [(S, False), (U, True), (N, True)])
def test_not_keeps_neutral_neutral_and_a_lone_neutral_condition_holds(a, expected):
    assert holds(parse("!a"), {"a": a}) is expected
    assert holds(parse("a"), {"a": a}) is (a != U)


# The cases measured in the WA Tool (DESIGN.md section 4: the ORR lens maintainers' sandbox
# runs, October 2026), on a rule that asks for all four statements.
ALL_FOUR = "s1 && s2 && s3 && s4"


def test_measured_three_ticked_and_the_fourth_not_applicable_satisfies_all_four():
    assert holds(parse(ALL_FOUR), {"s1": S, "s2": S, "s3": S, "s4": N}) is True


def test_measured_every_statement_not_applicable_satisfies_all_four():
    assert holds(parse(ALL_FOUR), {"s1": N, "s2": N, "s3": N, "s4": N}) is True


def test_measured_one_not_applicable_and_nothing_ticked_does_not_satisfy_all_four():
    assert holds(parse(ALL_FOUR), {"s1": N}) is False


def test_measured_a_not_applicable_alternative_does_not_satisfy_an_or():
    assert holds(parse("s1 || s2"), {"s1": N}) is False
    assert holds(parse("s1 || s2"), {"s1": N, "s2": S}) is True


def test_where_the_wa_tool_differs_from_dropping_neutral_terms_out():
    # Dropping the neutral terms would leave nothing here, and an empty group would read as true.
    assert holds(parse("a || b"), {"a": N, "b": N}) is False
    assert holds(parse("(a || b) && c"), {"a": N, "b": N, "c": S}) is False
    assert holds(parse("(a && b) || c"), {"a": N, "b": N}) is True


def test_neutral_in_nested_expressions():
    # "a && b" with b not applicable reads as "a"; "!b" of a neutral b stays neutral.
    assert holds(parse("a && !b"), {"a": S, "b": N}) is True
    assert holds(parse("a && !b"), {"a": U, "b": N}) is False
    assert holds(parse("x || !a || !b"), {"x": U, "a": N, "b": N}) is False
    assert holds(parse("!a || !b"), {"a": N, "b": N}) is False
    assert holds(parse("!(a || b)"), {"a": N, "b": N}) is True  # the group is false, not neutral
    assert holds(parse("!(a && b)"), {"a": N, "b": N}) is False


def test_missing_choices_count_as_unselected():
    assert holds(parse("!a"), {}) is True
    assert holds(parse("a || b"), {"b": S}) is True


# --- evaluation: every assignment against an independent oracle -----------------------


def _oracle(node, statuses, parent=None):
    """Recursive three-valued evaluation: None is neutral, resolved by the operator directly above it."""
    if isinstance(node, Default):
        return True
    if isinstance(node, Term):
        status = statuses.get(node.choice_id, U)
        value = None if status == N else status == S
    elif isinstance(node, Not):
        inner = _oracle(node.operand, statuses, Not)
        value = None if inner is None else not inner
    elif isinstance(node, And):
        value = all(_oracle(op, statuses, And) for op in node.operands)
    else:
        value = any(_oracle(op, statuses, Or) for op in node.operands)
    if value is None and parent is not Not:
        return parent is not Or  # true under "&&" and at the top, false under "||"
    return value


CONDITIONS = [
    "a && b && c",
    "a || b || c",
    "(a && !b) || (!a && b)",
    "!(a || b) && c",
    "a && (b || !c)",
    "!a || !b || c",
    "a && b || c && !a",
    "!!a || b",
    "!(a && !b) || c",
    "default",
]


@pytest.mark.parametrize("condition", CONDITIONS)
def test_every_assignment_of_three_choices_matches_the_oracle(condition):
    node = parse(condition)
    for a, b, c in itertools.product((S, U, N), repeat=3):
        statuses = {"a": a, "b": b, "c": c}
        assert holds(node, statuses) is _oracle(node, statuses), statuses


# --- rules that can never fire --------------------------------------------------------


def test_rules_after_default_never_fire():
    unreachable, three_valued = unreachable_rules([parse("a"), parse("default"), parse("b")], ["a", "b"])
    assert unreachable == [2] and three_valued


def test_a_tautology_shadows_what_follows():
    assert unreachable_rules([parse("(a && b) || !(a && b)"), parse("b")], ["a", "b"])[0] == [1]


def test_a_or_not_a_is_no_tautology_once_a_can_be_not_applicable():
    # A neutral "a" satisfies neither "a" nor "!a" under "||", so "b" is reached that way.
    assert unreachable_rules([parse("a || !a"), parse("b")], ["a", "b"])[0] == []
    ids = [f"c{i}" for i in range(12)]
    assert unreachable_rules([parse("c0 || !c0"), parse("c1")], ids) == ([1], False)


def test_reachable_rules_are_not_reported():
    rules = [parse("q_no || !a"), parse("!b || q_no"), parse("default")]
    assert unreachable_rules(rules, ["a", "b", "q_no"])[0] == []


def test_a_rule_reachable_only_through_not_applicable_is_reachable():
    # "!a" is true only when a is unselected, which the first rule takes; a not applicable a is neutral.
    rules = [parse("!a && b"), parse("!a")]
    assert unreachable_rules(rules, ["a", "b"])[0] == []


def test_large_questions_fall_back_to_two_valued_check():
    ids = [f"c{i}" for i in range(12)]
    unreachable, three_valued = unreachable_rules([parse("default"), parse("c0")], ids)
    assert unreachable == [1] and not three_valued


def test_none_of_these_ticked_with_a_practice_is_not_an_answer_to_reach():
    # The console never keeps both ticked; without not-applicable states that makes this rule dead.
    ids = [f"c{i}" for i in range(11)] + ["q_no"]
    rules = [parse("q_no && c0"), parse("default")]
    assert unreachable_rules(rules, ids, none_of_these="q_no")[0] == [0]
    assert unreachable_rules(rules, ids)[0] == []


@pytest.mark.parametrize("condition", ["!" * 5000 + "a", "(" * 300 + "a" + ")" * 300, "!(" * 40 + "a" + ")" * 40])
def test_nesting_past_the_limit_is_a_condition_error_not_a_recursion_error(condition):
    with pytest.raises(ConditionError, match=r"^column 33: '!' and parentheses nested deeper than 32 levels$"):
        parse(condition)


def test_nesting_up_to_the_limit_parses_and_evaluates():
    node = parse("(" * 16 + "!" * 16 + "a" + ")" * 16)
    assert holds(node, {"a": S}) and not holds(node, {})
