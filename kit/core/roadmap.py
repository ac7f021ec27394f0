"""The improvement roadmap: which horizon (3, 12 or 36 months) each HIGH or MEDIUM question goes to.

A HIGH question goes to 3 months and a MEDIUM one to 12 unless the facilitator moved it. A
move is kept in the review file, under ``review.extensions["horizons"]``, keyed by
``"<lens alias>/<question id>"``::

    "extensions": {"horizons": {"wellarchitected/planning-for-recovery": 12}}

A move is kept when the question's risk changes later (the facilitator decided when to do the
work, not how risky it is); :func:`set_horizon` with ``None`` puts an item back on its default.
Pure: nothing here imports Jupyter, matplotlib or pandas.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeGuard, TypeVar

from kit.core.errors import Diagnostic, ReviewError
from kit.core.review import Review
from kit.core.vocabulary import HIGH, MEDIUM

#: The horizons in months, nearest first.
HORIZONS = (3, 12, 36)
#: Where a HIGH and a MEDIUM question go unless moved. Any other risk is not on the roadmap; if asked, it gets the last horizon.
DEFAULTS: dict[str, int] = {HIGH: 3, MEDIUM: 12}
#: The key under ``review.extensions`` that holds the facilitator's moves.
EXTENSION = "horizons"


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


class Plannable(Protocol):
    """What the roadmap needs of an item: a lens alias, a question with an id, and a risk."""

    @property
    def lens(self) -> str: ...

    @property
    def question(self) -> _Identified: ...

    @property
    def risk(self) -> str: ...


Item = TypeVar("Item", bound=Plannable)


def item_key(alias: str, question_id: str) -> str:
    """The key of a question in ``extensions["horizons"]``: ``"<lens alias>/<question id>"``."""
    return f"{alias}/{question_id}"


def _is_horizon(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value in HORIZONS


def _moves(review: Review) -> dict[str, object]:
    moves = review.extensions.get(EXTENSION)
    return moves if isinstance(moves, dict) else {}


def default_horizon(risk: str) -> int:
    """3 months for HIGH, 12 for MEDIUM, and the last horizon (36) for anything else."""
    return DEFAULTS.get(risk, HORIZONS[-1])


def horizon(review: Review, alias: str, question_id: str, risk: str) -> int:
    """The horizon of one question: the facilitator's move if there is a valid one, else the default for ``risk``.

    A stored value that is not 3, 12 or 36 (a hand-edited file) is ignored here and reported by :func:`problems`.
    """
    stored = _moves(review).get(item_key(alias, question_id))
    return stored if _is_horizon(stored) else default_horizon(risk)


def is_moved(review: Review, alias: str, question_id: str) -> bool:
    """True when the facilitator chose this question's horizon (even if it equals the default)."""
    return _is_horizon(_moves(review).get(item_key(alias, question_id)))


def set_horizon(review: Review, alias: str, question_id: str, months: int | None) -> None:
    """Move a question to 3, 12 or 36 months, or back to its default with ``None``.

    Raises :class:`ReviewError` for another number of months, a question the lens does not
    have, or an ``extensions["horizons"]`` in the file that is not an object.
    """
    key = item_key(alias, question_id)
    where = f"extensions.{EXTENSION}.{key}"
    review.question(alias, question_id)  # raises ReviewError for an unknown lens or question
    if months is not None and not _is_horizon(months):
        allowed = ", ".join(map(str, HORIZONS[:-1])) + f" or {HORIZONS[-1]}"
        raise ReviewError.at(review.source, where, f"a roadmap horizon is {allowed} months, not {months!r}")
    moves = review.extensions.get(EXTENSION)
    if moves is None:
        moves = review.extensions[EXTENSION] = {}
    if not isinstance(moves, dict):
        raise ReviewError.at(
            review.source, f"extensions.{EXTENSION}", 'must be an object of "<lens>/<question>": months'
        )
    if months is None:
        moves.pop(key, None)
        if not moves:
            del review.extensions[EXTENSION]
    else:
        moves[key] = months


def roadmap(review: Review, items: Iterable[Item]) -> dict[int, list[Item]]:
    """Items (``kit.core.scoring.Improvement``, or anything with ``lens``, ``question.id`` and ``risk``) by horizon.

    Returns ``{3: [...], 12: [...], 36: [...]}``, every horizon present, items in the order given
    (pass :func:`kit.core.scoring.improvement_list` to keep HIGH before MEDIUM and the pillar priorities).
    """
    plan: dict[int, list[Item]] = {months: [] for months in HORIZONS}
    for item in items:
        plan[horizon(review, item.lens, item.question.id, item.risk)].append(item)
    return plan


def problems(review: Review) -> list[Diagnostic]:
    """Stored moves that are ignored: not an object, an unknown question, or a number of months other than 3, 12 or 36."""
    moves = review.extensions.get(EXTENSION)
    if moves is None:
        return []
    if not isinstance(moves, dict):
        return [
            Diagnostic(
                review.source, f"extensions.{EXTENSION}", "is not an object; the default horizons are used", "horizon"
            )
        ]
    found = []
    for key, months in moves.items():
        where = f"extensions.{EXTENSION}.{key}"
        alias, _, question_id = str(key).partition("/")
        lens = review.lenses.get(alias)
        if lens is None or not lens.has_question(question_id):
            found.append(
                Diagnostic(review.source, where, "names no question of this review; it is kept but not used", "horizon")
            )
        elif not _is_horizon(months):
            found.append(
                Diagnostic(
                    review.source,
                    where,
                    f"{months!r} is not 3, 12 or 36 months; the default horizon is used",
                    "horizon",
                )
            )
    return found


__all__ = [
    "DEFAULTS",
    "EXTENSION",
    "HORIZONS",
    "default_horizon",
    "horizon",
    "is_moved",
    "item_key",
    "problems",
    "roadmap",
    "set_horizon",
]
