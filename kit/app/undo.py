"""Undo: the last changes to a review, each kept as a copy of the part it changed, taken just before.

A part is one question's answer (with its roadmap horizon), the workload (with the pillar
priorities), the parking lot, the milestones, the timeboxes, the risk register, or the lenses
(with every answer, since adding or removing a lens touches them all). Undoing puts the copy back. Typing
is one change, not one per key: changes to the same note or field that follow each other within
a few seconds share one entry. At most :data:`LIMIT` entries are kept. No widgets here.
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass
from typing import Any

from kit.core.review import Review
from kit.core.roadmap import EXTENSION as HORIZONS
from kit.core.roadmap import item_key

LIMIT = 20
#: Changes to the same text within this many seconds of each other are one change.
COALESCE_SECONDS = 5.0


@dataclass(frozen=True)
class Part:
    """What a change touched: ``kind`` is "answer" (with ``alias`` and ``question``: the answer, its roadmap
    horizon and its pre-filled mark), "workload",
    "parking_lot", "milestones", "timeboxes", "risk_register" or "lenses"."""

    kind: str
    alias: str = ""
    question: str = ""

    @staticmethod
    def answer(alias: str, question_id: str) -> Part:
        return Part("answer", alias, question_id)


WORKLOAD = Part("workload")
PARKING_LOT = Part("parking_lot")
MILESTONES = Part("milestones")
TIMEBOXES = Part("timeboxes")
RISK_REGISTER = Part("risk_register")
LENSES = Part("lenses")


def capture(review: Review, part: Part) -> Any:
    """A copy of ``part`` of ``review`` as it is now."""
    if part.kind == "answer":
        answer = review.answers.get(part.alias, {}).get(part.question)
        horizons = review.extensions.get(HORIZONS)
        horizon = horizons.get(item_key(part.alias, part.question)) if isinstance(horizons, dict) else None
        return copy.deepcopy(answer), horizon, copy.deepcopy(review.prefill(part.alias, part.question))
    if part.kind == "workload":
        return copy.deepcopy(review.workload), list(review.pillar_priorities)
    if part.kind == "parking_lot":
        return copy.deepcopy(review.parking_lot)
    if part.kind == "milestones":
        return copy.deepcopy(review.milestones)
    if part.kind == "risk_register":
        return copy.deepcopy(review.risk_register)
    if part.kind == "timeboxes":
        agenda = review.extensions.get("agenda")
        return copy.deepcopy(agenda.get("timeboxes") if isinstance(agenda, dict) else None)
    if part.kind == "lenses":
        return dict(review.lenses), copy.deepcopy(review.answers)
    raise ValueError(f"unknown part {part.kind!r}")


def restore(review: Review, part: Part, snapshot: Any) -> None:
    """Put a copy made by :func:`capture` back."""
    if part.kind == "answer":
        answer, horizon, prefill = snapshot
        questions = review.answers.setdefault(part.alias, {})
        if answer is None:
            questions.pop(part.question, None)
        else:
            questions[part.question] = copy.deepcopy(answer)
        key = item_key(part.alias, part.question)
        horizons = review.extensions.get(HORIZONS)
        if horizon is None:
            if isinstance(horizons, dict):
                horizons.pop(key, None)
        else:
            if not isinstance(horizons, dict):
                horizons = review.extensions[HORIZONS] = {}
            horizons[key] = horizon
        marks = review.prefilled.setdefault(part.alias, {})
        if prefill is None:
            marks.pop(part.question, None)
        else:
            marks[part.question] = copy.deepcopy(prefill)
        if not marks:
            review.prefilled.pop(part.alias, None)
    elif part.kind == "workload":
        workload, priorities = snapshot
        review.workload = copy.deepcopy(workload)
        review.pillar_priorities = list(priorities)
    elif part.kind == "parking_lot":
        review.parking_lot = copy.deepcopy(snapshot)
    elif part.kind == "milestones":
        review.milestones = copy.deepcopy(snapshot)
    elif part.kind == "risk_register":
        review.risk_register = copy.deepcopy(snapshot)
    elif part.kind == "timeboxes":
        agenda = review.extensions.setdefault("agenda", {})
        if snapshot is None:
            agenda.pop("timeboxes", None)
        else:
            agenda["timeboxes"] = copy.deepcopy(snapshot)
    elif part.kind == "lenses":
        lenses, answers = snapshot
        review.lenses = dict(lenses)
        review.answers = copy.deepcopy(answers)
    else:
        raise ValueError(f"unknown part {part.kind!r}")


@dataclass
class Entry:
    """One change that can be undone: what it was (for the button and the message) and the part before it."""

    label: str
    part: Part
    snapshot: Any
    at: float
    #: Changes with the same key that follow each other closely are one entry (typing).
    key: str = ""


class UndoStack:
    """The last :data:`LIMIT` changes, newest last."""

    def __init__(self, limit: int = LIMIT):
        self._entries: deque[Entry] = deque(maxlen=limit)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def last(self) -> Entry | None:
        return self._entries[-1] if self._entries else None

    def record(self, review: Review, part: Part, label: str, now: float, key: str = "") -> Entry:
        """Keep a copy of ``part`` before a change; a change continuing the last one (same key, soon after) keeps its copy."""
        last = self.last
        if key and last is not None and last.key == key and now - last.at <= COALESCE_SECONDS:
            last.at = now
            last.label = label
            return last
        entry = Entry(label, part, capture(review, part), now, key)
        self._entries.append(entry)
        return entry

    def discard(self, entry: Entry) -> None:
        """Forget an entry whose change did not happen (the setter refused it)."""
        if self._entries and self._entries[-1] is entry:
            self._entries.pop()

    def pop(self) -> Entry | None:
        return self._entries.pop() if self._entries else None

    def forget(self, part: Part) -> None:
        """Drop the entries about ``part`` (another window's version of it was taken)."""
        kept = [entry for entry in self._entries if entry.part != part]
        self._entries.clear()
        self._entries.extend(kept)

    def clear(self) -> None:
        self._entries.clear()
