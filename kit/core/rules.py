"""Risk rule conditions: parse them once, evaluate them in three-valued logic.

A condition names choices of one question and combines them with ``!``, ``&&`` and
``||`` (binding in that order) and parentheses; ``default`` is always true.

Evaluation follows DESIGN.md section 4, which states the rule the AWS Well-Architected
Tool was measured to apply. A selected choice is true, an unselected one false, and a choice
marked not applicable is *neutral*: it satisfies the ``&&`` it stands directly under (counts
as true there) and does not satisfy the ``||`` it stands directly under (counts as false
there); ``!`` of a neutral term stays neutral, and a condition that is one neutral term
counts as true. So ``&&`` and ``||`` always give true or false, and only a choice or the
``!`` of one can be neutral.

Every node is evaluated bit-parallel: it yields two integers whose bits say, for each
assignment under consideration, whether the node is true or false there (neither bit set
means neutral). Scoring one answer uses one-bit masks; the lens check that finds rules
which can never fire uses one bit per possible answer. One evaluator serves both, so the
check cannot disagree with the scoring.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kit.core.vocabulary import ChoiceStatus

# Bound once: ``holds`` compares every status with them on every tick.
_SELECTED = ChoiceStatus.SELECTED
_UNSELECTED = ChoiceStatus.UNSELECTED

DEFAULT = "default"
#: Parentheses and ``!`` nested deeper than this are refused (real rules use two or three levels);
#: it keeps parsing, and every walk over a condition, far from Python's recursion limit.
MAX_NESTING = 32

# Ids are letters, digits, '_' and '-'; anything else could not be named by a rule.
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
_TOKEN = re.compile(r"\s*(?:(?P<op>&&|\|\||!|\(|\))|(?P<id>[A-Za-z0-9_-]+)|(?P<bad>\S))")


class ConditionError(ValueError):
    """A condition that does not parse; ``column`` is 1-based."""

    def __init__(self, message: str, column: int):
        super().__init__(f"column {column}: {message}")
        self.column = column


@dataclass(frozen=True)
class Term:
    choice_id: str


@dataclass(frozen=True)
class Default:
    pass


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


Node = Term | Default | Not | And | Or


def _tokens(text: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    stripped_end = len(text.rstrip())
    while pos < stripped_end:
        match = _TOKEN.match(text, pos)
        assert match is not None  # the pattern's last branch takes any non-space character
        kind = match.lastgroup
        assert kind is not None  # every branch of the pattern is a named group
        column = match.start(kind) + 1
        if kind == "bad":
            raise ConditionError(f"unexpected character {match.group('bad')!r}", column)
        tokens.append((kind, match.group(kind), column))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.index = 0
        self.depth = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def end_column(self) -> int:
        return len(self.text.rstrip()) + 1

    def take(self, value: str) -> bool:
        token = self.peek()
        if token and token[0] == "op" and token[1] == value:
            self.index += 1
            return True
        return False

    def parse(self) -> Node:
        if not self.tokens:
            raise ConditionError("empty condition", 1)
        node = self.parse_or()
        token = self.peek()
        if token is not None:
            raise ConditionError(f"unexpected {token[1]!r}", token[2])
        return node

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while self.take("||"):
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def parse_and(self) -> Node:
        operands = [self.parse_not()]
        while self.take("&&"):
            operands.append(self.parse_not())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def enter(self, column: int) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ConditionError(f"'!' and parentheses nested deeper than {MAX_NESTING} levels", column)

    def parse_not(self) -> Node:
        token = self.peek()
        if self.take("!"):
            assert token is not None
            self.enter(token[2])
            node = Not(self.parse_not())
            self.depth -= 1
            return node
        return self.parse_atom()

    def parse_atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise ConditionError("condition ends where a choice id or '(' was expected", self.end_column())
        kind, value, column = token
        if kind == "op" and value == "(":
            self.index += 1
            self.enter(column)
            node = self.parse_or()
            self.depth -= 1
            if not self.take(")"):
                after = self.peek()
                where = after[2] if after else self.end_column()
                raise ConditionError("missing ')'", where)
            return node
        if kind == "id":
            self.index += 1
            return Default() if value == DEFAULT else Term(value)
        raise ConditionError(f"unexpected {value!r} where a choice id or '(' was expected", column)


def parse(text: str) -> Node:
    """Parse a condition, raising :class:`ConditionError` with the column of the problem."""
    return _Parser(text).parse()


def choice_ids(node: Node) -> set[str]:
    """The choice ids a condition names."""
    if isinstance(node, Term):
        return {node.choice_id}
    if isinstance(node, Default):
        return set()
    if isinstance(node, Not):
        return choice_ids(node.operand)
    return set().union(*(choice_ids(op) for op in node.operands))


def evaluate_masks(node: Node, masks: Mapping[str, tuple[int, int]], all_bits: int) -> tuple[int, int]:
    """Evaluate bit-parallel: ``masks[id]`` holds (selected bits, unselected bits).

    Returns (true bits, false bits); a bit in neither is neutral, which only a choice and
    the ``!`` of a neutral node can be.
    """
    if isinstance(node, Term):
        return masks[node.choice_id]
    if isinstance(node, Default):
        return all_bits, 0
    if isinstance(node, Not):
        true, false = evaluate_masks(node.operand, masks, all_bits)
        return false, true
    if isinstance(node, And):
        # A neutral operand satisfies the conjunction: only a false operand makes it false.
        false = 0
        for operand in node.operands:
            false |= evaluate_masks(operand, masks, all_bits)[1]
        return all_bits & ~false, false
    # A neutral operand does not satisfy the disjunction: only a true operand makes it true.
    true = 0
    for operand in node.operands:
        true |= evaluate_masks(operand, masks, all_bits)[0]
    return true, all_bits & ~true


def holds(node: Node, statuses: Mapping[str, str]) -> bool:
    """Whether a condition is true for one answer (choice id -> status; missing = unselected)."""
    masks = {
        cid: (int(statuses.get(cid, _UNSELECTED) == _SELECTED), int(statuses.get(cid, _UNSELECTED) == _UNSELECTED))
        for cid in choice_ids(node)
    }
    _, false = evaluate_masks(node, masks, 1)
    return not false  # a condition that is one neutral term counts as true


# Above this many choices the 3**n answers get too many to enumerate quickly; the check
# then considers selected and unselected only and says so.
THREE_VALUED_LIMIT = 10
TWO_VALUED_LIMIT = 16


def unreachable_rules(
    conditions: Iterable[Node], choices: list[str], none_of_these: str | None = None
) -> tuple[list[int], bool]:
    """Indices of rules that no answer can reach, and whether not-applicable was considered.

    A rule can fire for an answer when its condition holds there and no earlier rule's does.
    The answer with nothing ticked and nothing marked not applicable is UNANSWERED, so it is
    left out, and so is every answer that ticks ``none_of_these`` together with another
    choice, since the console (and the app) never leave both ticked. Questions with more
    than ``TWO_VALUED_LIMIT`` choices are not checked.
    """
    conditions = list(conditions)
    n = len(choices)
    if n > TWO_VALUED_LIMIT:
        return [], False
    three_valued = n <= THREE_VALUED_LIMIT
    base = 3 if three_valued else 2
    size = base**n
    all_bits = (1 << size) - 1
    masks = {}
    for i, cid in enumerate(choices):
        stride = base**i
        period = stride * base
        repeats = size // period
        fill = ((1 << (period * repeats)) - 1) // ((1 << period) - 1)  # one bit at the start of every period
        run = (1 << stride) - 1
        # digit 0 = unselected, 1 = selected, 2 = not applicable
        masks[cid] = ((run << stride) * fill, run * fill)
    unanswered = 1  # index 0: every choice unselected
    covered = unanswered
    if none_of_these in masks:
        others = 0
        for cid, (selected, _) in masks.items():
            if cid != none_of_these:
                others |= selected
        covered |= masks[none_of_these][0] & others
    unreachable = []
    for index, node in enumerate(conditions):
        _, false = evaluate_masks(node, masks, all_bits)
        fires = all_bits & ~false & ~covered  # true or neutral: the condition holds
        if not fires:
            unreachable.append(index)
        covered |= fires
    return unreachable, three_valued
