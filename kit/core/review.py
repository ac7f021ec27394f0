"""A review: one workload answered against one or more lenses, kept in one portable JSON file.

Answers are stored in the WA Tool API's own shape (``SelectedChoices``, ``ChoiceAnswers``,
``IsApplicable``, ``Reason``, ``Notes``), so one answer maps onto one ``UpdateAnswer`` call.
A lens that is not bundled travels inside the file. Writes are atomic.

Format version 2 adds answers marked *pre-filled* (taken from a template or a workbook, and
not yet confirmed in the session) and the snapshots of the last sync with the WA Tool.
Version 3 adds the failure-mode ``risk_register`` (:mod:`kit.core.register`) and, on a parked
topic, the register entry it is an open question about (``risk``). A file is written with the
lowest version that can hold it, so a review that uses none of these still opens in a
pillarkit that reads only version 1; files of every earlier version open unchanged.

A review has an id that stays with it (``extensions["review_id"]``, which every version holds),
so that exports can key their rows on it. A file written before reviews had one gets an id
derived from its workload and lenses, the same each time it is read, and kept from its next save.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from functools import cache
from typing import TYPE_CHECKING, TypeAlias

from kit.core import lens as lenses
from kit.core import register, schemas
from kit.core.errors import (
    Diagnostic,
    FormatVersionError,
    LensError,
    NoteTooLongError,
    ReviewError,
    TextTooLongError,
    abridged,
)
from kit.core.jsonio import FilePath, JsonObject, JsonPath, dumps, json_path, read_json, write_atomic
from kit.core.text import surrogate_in
from kit.core.vocabulary import ENVIRONMENTS, REASONS, STATUSES, ChoiceStatus, Environment

if TYPE_CHECKING:
    from fastjsonschema import JsonSchemaValueException
    from jsonschema.exceptions import ValidationError

#: Answers in the WA Tool API's shape, by lens alias, then question id (as a milestone keeps them).
ApiAnswers: TypeAlias = dict[str, dict[str, JsonObject]]

FORMAT = "pillarkit-review"
FORMAT_VERSION = 3
#: The first version whose files may hold pre-filled marks or sync snapshots.
PREFILL_AND_SYNC_VERSION = 2
#: The first version whose files may hold a risk register.
REGISTER_VERSION = 3
#: Where a review keeps its id, under ``extensions``; letters, digits, ``_`` and ``-``.
ID_KEY = "review_id"
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

#: The WA Tool API's limits on notes; longer notes are refused, never cut.
QUESTION_NOTES_LIMIT = 2084
CHOICE_NOTES_LIMIT = 250

# Bound once, since scoring reads statuses on every tick and looking up an enum's member is slow.
_SELECTED = ChoiceStatus.SELECTED
_UNSELECTED = ChoiceStatus.UNSELECTED

#: The fields of a workload that hold one line of text, one text each, or a list of texts.
WORKLOAD_TEXTS = ("name", "description", "owner", "industry", "review_date", "facilitator", "notes")
WORKLOAD_LISTS = ("regions", "participants")


@cache
def limit(*path: str) -> tuple[int | None, int | None]:
    """(most characters, most items) the review schema allows at ``path``, e.g. ``("workload", "name")``.

    The schema is the one place the limits are written: the WA Tool API's where it has them
    (workload name 100, description 250, owner 255...), pillarkit's own elsewhere.
    """
    node = schemas.load("review")["properties"]
    spec: JsonObject = {}
    for i, part in enumerate(path):
        spec = node[part]
        if "$ref" in spec:
            spec = schemas.load("review")["$defs"][spec["$ref"].rsplit("/", 1)[-1]]
        if spec.get("type") == "array" and i < len(path) - 1:
            spec = spec["items"]
        node = spec.get("properties", {})
    items = spec.get("maxItems", spec.get("maxProperties"))
    inner = spec.get("items") if spec.get("type") == "array" else spec.get("additionalProperties")
    text = inner.get("maxLength") if isinstance(inner, dict) else spec.get("maxLength")
    return text, items


_FIELD_WORDS = {"parking_lot": "parked topic", "milestones": "milestone", "business_context": "business context"}


def _what(path: tuple[str, ...]) -> str:
    """``("workload", "name")`` -> "workload name", for messages."""
    return " ".join(_FIELD_WORDS.get(part, part.replace("_", " ")) for part in path)


def check_text(value: object, source: str, *path: str, place: str | None = None) -> str:
    """``value`` if it is text the review may hold at ``path``; else :class:`ReviewError` in one line.

    Too long is :class:`TextTooLongError`: refused, never cut. Half a surrogate pair (bytes
    that are not UTF-8, passed on by a terminal) is refused too, since no file could hold it.
    """
    where = ".".join(path) if place is None else place
    if not isinstance(value, str):
        raise ReviewError.at(source, where, f"{_what(path)} must be text, not {type(value).__name__}")
    maximum, _ = limit(*path)
    if maximum is not None and len(value) > maximum:
        raise TextTooLongError.at(
            source,
            where,
            f"{_what(path)} has {len(value):,} characters; at most {maximum:,} are allowed, so it was refused, not cut",
        )
    bad = surrogate_in(value)
    if bad:
        raise ReviewError.at(
            source, where, f"{_what(path)} holds {bad}, which is not a character (is the terminal set to UTF-8?)"
        )
    return value


def check_texts(values: object, source: str, *path: str) -> list[str]:
    """A list of texts for ``path`` (regions, participants), each checked, and not too many."""
    where = ".".join(path)
    if not isinstance(values, list | tuple):
        raise ReviewError.at(source, where, f"{_what(path)} must be a list of texts")
    _, most = limit(*path)
    if most is not None and len(values) > most:
        raise TextTooLongError.at(
            source,
            where,
            f"{_what(path)} has {len(values):,} items; at most {most:,} are allowed, so they were refused",
        )
    return [check_text(v, source, *path, place=f"{where}[{i}]") for i, v in enumerate(values)]


@dataclass
class ChoiceAnswer:
    status: str = ChoiceStatus.UNSELECTED
    reason: str | None = None
    notes: str = ""

    def is_blank(self) -> bool:
        return self.status == _UNSELECTED and not self.reason and not self.notes


@dataclass
class Answer:
    """One question's answer; ``choices`` holds only choices with a status, reason or note."""

    choices: dict[str, ChoiceAnswer] = field(default_factory=dict)
    is_applicable: bool = True
    reason: str | None = None
    notes: str = ""

    def status(self, choice_id: str) -> str:
        answer = self.choices.get(choice_id)
        return answer.status if answer else _UNSELECTED

    def statuses(self) -> dict[str, str]:
        return {cid: a.status for cid, a in self.choices.items() if a.status != _UNSELECTED}

    @property
    def selected(self) -> list[str]:
        return [cid for cid, a in self.choices.items() if a.status == _SELECTED]

    def is_blank(self) -> bool:
        return (
            self.is_applicable
            and not self.reason
            and not self.notes
            and all(a.is_blank() for a in self.choices.values())
        )

    def to_api(self) -> JsonObject:
        """This answer as the WA Tool API writes it."""
        data: JsonObject = {
            "SelectedChoices": self.selected,
            "ChoiceAnswers": [],
            "IsApplicable": self.is_applicable,
        }
        for cid, choice in self.choices.items():
            if choice.is_blank():
                continue
            entry: JsonObject = {"ChoiceId": cid, "Status": choice.status}
            if choice.reason:
                entry["Reason"] = choice.reason
            if choice.notes:
                entry["Notes"] = choice.notes
            data["ChoiceAnswers"].append(entry)
        if self.reason:
            data["Reason"] = self.reason
        if self.notes:
            data["Notes"] = self.notes
        return data

    @classmethod
    def from_api(cls, data: JsonObject, source: str, where: JsonPath) -> Answer:
        answer = cls(
            is_applicable=data.get("IsApplicable", True), reason=data.get("Reason"), notes=data.get("Notes", "")
        )
        for i, entry in enumerate(data.get("ChoiceAnswers", [])):
            cid = entry["ChoiceId"]
            if cid in answer.choices:
                raise ReviewError.at(source, json_path(where + ["ChoiceAnswers", i]), f"choice {cid!r} is listed twice")
            answer.choices[cid] = ChoiceAnswer(
                entry.get("Status", ChoiceStatus.UNSELECTED), entry.get("Reason"), entry.get("Notes", "")
            )
        for i, cid in enumerate(data.get("SelectedChoices", [])):
            existing = answer.choices.get(cid)
            if existing is None:
                answer.choices[cid] = ChoiceAnswer(ChoiceStatus.SELECTED)
            elif existing.status != ChoiceStatus.SELECTED:
                raise ReviewError.at(
                    source,
                    json_path(where + ["SelectedChoices", i]),
                    f"choice {cid!r} is selected here but {existing.status} in ChoiceAnswers",
                )
        for cid, choice in answer.choices.items():
            if choice.status == ChoiceStatus.SELECTED and cid not in data.get("SelectedChoices", []):
                raise ReviewError.at(
                    source,
                    json_path(where + ["SelectedChoices"]),
                    f"choice {cid!r} is SELECTED in ChoiceAnswers but missing here",
                )
        return answer


@dataclass
class Workload:
    name: str = ""
    description: str = ""
    environment: str = Environment.PRODUCTION
    owner: str = ""
    regions: list[str] = field(default_factory=list)
    industry: str = ""
    review_date: str = ""
    facilitator: str = ""
    participants: list[str] = field(default_factory=list)
    notes: str = ""
    #: Recovery time and point objectives, compliance needs and any other business context.
    business_context: dict[str, str] = field(default_factory=dict)

    def set(self, name: str, value: object, source: str = "review") -> None:
        """Set one field; text past its limit is refused (never cut), as is a wrong type or value.

        ``source`` names the review in the error. The app's workload panel and ``Review.set_workload`` both come here.
        """
        if name in WORKLOAD_LISTS:
            value = check_texts(value, source, "workload", name)
        elif name == "environment":
            if value not in ENVIRONMENTS:
                raise ReviewError.at(
                    source, "workload.environment", f"{value!r} is not one of {', '.join(ENVIRONMENTS)}"
                )
        elif name in WORKLOAD_TEXTS:
            value = check_text(value, source, "workload", name)
        else:
            raise ReviewError.at(source, f"workload.{name}", "is not a field of the workload")
        setattr(self, name, value)

    def set_context(self, key: str, value: str, source: str = "review") -> None:
        """Set (or, with blank text, remove) one entry of the business context, within its limits."""
        context = self.business_context
        check_text(key, source, "workload", "business_context", place="workload.business_context")
        if not value.strip():
            context.pop(key, None)
            return
        check_text(value, source, "workload", "business_context", place=f"workload.business_context.{key}")
        _, most = limit("workload", "business_context")
        if key not in context and most is not None and len(context) >= most:
            raise TextTooLongError.at(
                source, "workload.business_context", f"has {len(context)} entries already, the most allowed"
            )
        context[key] = value

    def to_dict(self) -> JsonObject:
        return {f.name: copy.deepcopy(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: JsonObject) -> Workload:
        return cls(**{f.name: copy.deepcopy(data[f.name]) for f in fields(cls) if f.name in data})


@dataclass
class ParkedItem:
    """An out-of-scope topic or follow-up, optionally linked to the question it came up in.

    ``risk`` is the id of the risk register entry it is an open question about (version 3);
    it is written only when set, so a parking lot without one stays readable by version 1.
    """

    text: str
    owner: str = ""
    lens: str | None = None
    question_id: str | None = None
    created: str = ""
    done: bool = False
    risk: str | None = None

    def to_dict(self) -> JsonObject:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "risk" or self.risk is not None}


@dataclass
class Prefill:
    """Where a pre-filled answer came from (``template: base.json``, ``workbook: team.xlsx``) and when."""

    source: str
    date: str

    def to_dict(self) -> JsonObject:
        return {"source": self.source, "date": self.date}


@dataclass
class Milestone:
    """A named, dated, frozen copy of every answer."""

    name: str
    date: str
    answers: ApiAnswers

    def to_dict(self) -> JsonObject:
        return {"name": self.name, "date": self.date, "answers": copy.deepcopy(self.answers)}


class Review:
    """A workload answered against lenses. Mutations go through methods that enforce the rules."""

    def __init__(self, lenses_applied: Iterable[lenses.Lens], workload: Workload | None = None):
        self.lenses: dict[str, lenses.Lens] = {}
        for lens in lenses_applied:
            if lens.alias in self.lenses:
                raise ReviewError.at(lens.source, "", f"lens alias {lens.alias!r} is applied twice")
            self.lenses[lens.alias] = lens
        if not self.lenses:
            raise ReviewError.at("review", "lenses", "a review needs at least one lens")
        self.workload = workload or Workload()
        self.answers: dict[str, dict[str, Answer]] = {alias: {} for alias in self.lenses}
        self.pillar_priorities: list[str] = []
        self.milestones: list[Milestone] = []
        self.parking_lot: list[ParkedItem] = []
        #: Answers not yet confirmed in the session, by lens alias and question id.
        self.prefilled: dict[str, dict[str, Prefill]] = {}
        #: Snapshots of the last sync with outside tools (``kit.exchange``), kept as read.
        self.sync: JsonObject = {}
        #: The failure-mode risk register (see :mod:`kit.core.register`).
        self.risk_register: list[register.Entry] = []
        #: Room for later features (improvement horizons, the app's state, the review's id); kept as read.
        self.extensions: JsonObject = {ID_KEY: secrets.token_hex(6)}
        #: Notices found when the file was read (changed bundled lenses); shown, never fatal.
        self.notices: list[Diagnostic] = []
        self.source = "review"

    # --- answering ----------------------------------------------------------------

    def question(self, alias: str, question_id: str) -> lenses.Question:
        lens = self.lens(alias)
        if not lens.has_question(question_id):
            raise ReviewError.at(self.source, f"answers.{alias}", f"lens {alias!r} has no question {question_id!r}")
        return lens.question(question_id)

    def lens(self, alias: str) -> lenses.Lens:
        try:
            return self.lenses[alias]
        except KeyError:
            raise ReviewError.at(self.source, "lenses", f"lens {alias!r} is not applied to this review") from None

    def answer(self, alias: str, question_id: str) -> Answer:
        """The answer to a question (an empty one if it has none yet); read it, change it through the setters."""
        self.question(alias, question_id)
        return self.answers[alias].get(question_id) or Answer()

    def _editable(self, alias: str, question_id: str) -> Answer:
        self.question(alias, question_id)
        return self.answers[alias].setdefault(question_id, Answer())

    def set_choice(self, alias: str, question_id: str, choice_id: str, status: str = ChoiceStatus.SELECTED) -> None:
        """Set a choice's status. "None of these" and the practices exclude each other, as in the console."""
        if status not in STATUSES:
            raise ReviewError.at(
                self.source, f"answers.{alias}.{question_id}", f"status {status!r} is not one of {', '.join(STATUSES)}"
            )
        question = self.question(alias, question_id)
        if choice_id not in question.choice_ids:
            raise ReviewError.at(
                self.source, f"answers.{alias}.{question_id}", f"question {question_id!r} has no choice {choice_id!r}"
            )
        answer = self._editable(alias, question_id)
        choice = answer.choices.setdefault(choice_id, ChoiceAnswer())
        choice.status = status
        if status != ChoiceStatus.NOT_APPLICABLE:
            choice.reason = None
        if status == ChoiceStatus.SELECTED:
            picked_none = question.choice(choice_id).is_none_of_these
            for other in question.choices:
                if (
                    other.id != choice_id
                    and other.is_none_of_these != picked_none
                    and answer.status(other.id) == ChoiceStatus.SELECTED
                ):
                    answer.choices[other.id].status = ChoiceStatus.UNSELECTED
        self._tidy(alias, question_id)

    def set_choice_reason(self, alias: str, question_id: str, choice_id: str, reason: str | None) -> None:
        """Why a choice does not apply; marks it not applicable."""
        self._check_reason(reason, f"answers.{alias}.{question_id}.{choice_id}")
        self.set_choice(alias, question_id, choice_id, ChoiceStatus.NOT_APPLICABLE)
        self.answers[alias][question_id].choices[choice_id].reason = reason

    def set_applicable(self, alias: str, question_id: str, applicable: bool, reason: str | None = None) -> None:
        self._check_reason(reason, f"answers.{alias}.{question_id}")
        answer = self._editable(alias, question_id)
        answer.is_applicable = applicable
        answer.reason = None if applicable else reason
        self._tidy(alias, question_id)

    def set_notes(self, alias: str, question_id: str, notes: str, choice_id: str | None = None) -> None:
        """Notes for a question, or for one of its choices; past the API's limit they are refused."""
        limit = QUESTION_NOTES_LIMIT if choice_id is None else CHOICE_NOTES_LIMIT
        place = f"answers.{alias}.{question_id}" + (f".{choice_id}" if choice_id else "")
        if len(notes) > limit:
            raise NoteTooLongError.at(
                self.source, place, f"notes have {len(notes)} characters; the limit is {limit}, so they were not saved"
            )
        bad = surrogate_in(notes)
        if bad:
            raise ReviewError.at(
                self.source, place, f"notes hold {bad}, which is not a character, so they were not saved"
            )
        question = self.question(alias, question_id)
        if choice_id is not None and choice_id not in question.choice_ids:
            raise ReviewError.at(self.source, place, f"question {question_id!r} has no choice {choice_id!r}")
        answer = self._editable(alias, question_id)
        if choice_id is None:
            answer.notes = notes
        else:
            answer.choices.setdefault(choice_id, ChoiceAnswer()).notes = notes
        self._tidy(alias, question_id)

    def set_workload(self, name: str, value: object) -> None:
        """Set one field of the workload (see :meth:`Workload.set`)."""
        self.workload.set(name, value, self.source)

    def set_context(self, key: str, value: str) -> None:
        """Set (or, with blank text, remove) one entry of the workload's business context (see :meth:`Workload.set_context`)."""
        self.workload.set_context(key, value, self.source)

    def clear(self, alias: str, question_id: str) -> None:
        self.question(alias, question_id)
        self.answers[alias].pop(question_id, None)
        self.confirm(alias, question_id)

    # --- pre-filled answers -----------------------------------------------------

    def mark_prefilled(self, alias: str, question_id: str, source: str, date: str | None = None) -> None:
        """Mark an answer as pre-filled (from a template or a workbook) until it is confirmed in the session."""
        self.question(alias, question_id)
        if self.answers[alias].get(question_id) is None:
            return  # nothing to confirm
        self.prefilled.setdefault(alias, {})[question_id] = Prefill(source, date or _now())

    def is_prefilled(self, alias: str, question_id: str) -> bool:
        return question_id in self.prefilled.get(alias, {})

    def prefill(self, alias: str, question_id: str) -> Prefill | None:
        return self.prefilled.get(alias, {}).get(question_id)

    def confirm(self, alias: str, question_id: str) -> bool:
        """The team confirmed a pre-filled answer; returns whether it was marked."""
        marks = self.prefilled.get(alias, {})
        found = marks.pop(question_id, None) is not None
        if not marks:
            self.prefilled.pop(alias, None)
        return found

    def prefilled_count(self) -> int:
        return sum(len(marks) for marks in self.prefilled.values())

    def _check_reason(self, reason: str | None, place: str) -> None:
        if reason is not None and reason not in REASONS:
            raise ReviewError.at(self.source, place, f"reason {reason!r} is not one of {', '.join(REASONS)}")

    def _tidy(self, alias: str, question_id: str) -> None:
        answer = self.answers[alias][question_id]
        answer.choices = {cid: c for cid, c in answer.choices.items() if not c.is_blank()}
        if answer.is_blank():
            del self.answers[alias][question_id]
            self.confirm(alias, question_id)  # nothing is left to confirm

    # --- lenses -----------------------------------------------------------------

    def apply_lens(self, lens: lenses.Lens) -> None:
        """Apply one more lens; a custom lens will travel inside the file."""
        if lens.alias in self.lenses:
            raise ReviewError.at(self.source, "lenses", f"lens {lens.alias!r} is already applied")
        self.lenses[lens.alias] = lens
        self.answers.setdefault(lens.alias, {})

    def remove_lens(self, alias: str) -> None:
        """Stop applying a lens; refused while it has answers, so no answer is lost."""
        self.lens(alias)
        if self.answers.get(alias):
            raise ReviewError.at(
                self.source,
                f"answers.{alias}",
                f"lens {alias!r} has {len(self.answers[alias])} answered questions, so it stays applied",
            )
        if len(self.lenses) == 1:
            raise ReviewError.at(self.source, "lenses", "a review needs at least one lens")
        del self.lenses[alias]
        self.answers.pop(alias, None)
        self.prefilled.pop(alias, None)

    # --- everything else in the file --------------------------------------------

    def park(self, text: str, owner: str = "", alias: str | None = None, question_id: str | None = None) -> ParkedItem:
        if not text.strip():
            raise ReviewError.at(self.source, "parking_lot", "a parked topic needs some text")
        check_text(text, self.source, "parking_lot", "text")
        check_text(owner, self.source, "parking_lot", "owner")
        _, most = limit("parking_lot")
        if most is not None and len(self.parking_lot) >= most:
            raise TextTooLongError.at(
                self.source, "parking_lot", f"holds {len(self.parking_lot)} topics already, the most one review keeps"
            )
        if question_id is not None:
            self.question(alias or "", question_id)
        item = ParkedItem(text, owner, alias, question_id, _now())
        self.parking_lot.append(item)
        return item

    @property
    def id(self) -> str:
        """The review's id: it stays with the review for good, so exports can key their rows on it."""
        value = self.extensions.get(ID_KEY)
        if isinstance(value, str) and ID_PATTERN.match(value):
            return value
        self.extensions[ID_KEY] = value = _derived_id(self.workload.name, self.workload.review_date, list(self.lenses))
        return value

    def set_parked_done(self, index: int, done: bool = True) -> None:
        try:
            self.parking_lot[index].done = done
        except IndexError:
            raise ReviewError.at(self.source, f"parking_lot[{index}]", "there is no such parked topic") from None

    def save_milestone(self, name: str, date: str | None = None) -> Milestone:
        if not name.strip():
            raise ReviewError.at(self.source, "milestones", "a milestone needs a name")
        check_text(name, self.source, "milestones", "name")
        milestone = Milestone(name, date or _now(), self._answers_to_api())
        self.milestones.append(milestone)
        return milestone

    def orphans(self) -> list[Diagnostic]:
        """Answers naming questions or choices their lens no longer has: kept in the file, reported here."""
        found = []
        for alias, answers in self.answers.items():
            lens = self.lenses[alias]
            for qid, answer in answers.items():
                where = f"answers.{alias}.{qid}"
                if not lens.has_question(qid):
                    found.append(
                        Diagnostic(
                            self.source, where, f"lens {alias!r} has no question {qid!r}; its answer is kept", "orphan"
                        )
                    )
                    continue
                known = set(lens.question(qid).choice_ids)
                for cid in answer.choices:
                    if cid not in known:
                        found.append(
                            Diagnostic(
                                self.source,
                                where,
                                f"question {qid!r} has no choice {cid!r}; its answer is kept",
                                "orphan",
                            )
                        )
        return found + register.orphans(self)

    def notices_grouped(self) -> list[Diagnostic]:
        """The notices and orphans to show: a few of each kind and a count of the rest (see :func:`~kit.core.errors.abridged`)."""
        return abridged(self.notices + self.orphans(), more=_more_notices)

    # --- the file ---------------------------------------------------------------

    def _answers_to_api(self) -> ApiAnswers:
        return {alias: {qid: a.to_api() for qid, a in answers.items()} for alias, answers in self.answers.items()}

    @property
    def format_version(self) -> int:
        """The lowest format version that holds this review, which is the version it is written with."""
        if self.risk_register or any(item.risk for item in self.parking_lot):
            return REGISTER_VERSION
        return PREFILL_AND_SYNC_VERSION if self.prefilled or self.sync else 1

    def _document(self) -> JsonObject:
        data: JsonObject = {
            "format": FORMAT,
            "version": self.format_version,
            "workload": self.workload.to_dict(),
            "lenses": [
                {"alias": lens.alias, "hash": lens.content_hash, **({} if lens.bundled else {"lens": lens.document})}
                for lens in self.lenses.values()
            ],
            "answers": self._answers_to_api(),
            "pillar_priorities": list(self.pillar_priorities),
            "milestones": [m.to_dict() for m in self.milestones],
            "parking_lot": [item.to_dict() for item in self.parking_lot],
            "extensions": copy.deepcopy(self.extensions),
        }
        if self.prefilled:
            data["prefilled"] = {
                alias: {qid: mark.to_dict() for qid, mark in marks.items()} for alias, marks in self.prefilled.items()
            }
        if self.sync:
            data["sync"] = copy.deepcopy(self.sync)
        if self.risk_register:
            data[register.KEY] = [entry.to_dict() for entry in self.risk_register]
        return data

    def to_dict(self) -> JsonObject:
        """The review file's content; :class:`ReviewError` if the file could not be opened again."""
        data = self._document()
        check_writable(data, self.source)
        return data

    def to_json(self) -> str:
        return dumps(self.to_dict(), self.source)

    def save(self, path: FilePath) -> str:
        """Write the review atomically (a crash leaves the old file or the new one); returns the text written.

        A review that could not be opened again is refused, and the file on disk is left as it
        was: a value no JSON reader takes (a number JSON cannot hold) with
        :class:`~kit.core.errors.WriteError`, one the schema refuses with :class:`ReviewError`.
        """
        data = self._document()
        text = dumps(data, str(path))
        check_writable(data, str(path))
        write_atomic(path, text)
        return text

    @classmethod
    def load(cls, path: FilePath) -> Review:
        data = read_json(path, ReviewError)
        review = cls.from_dict(data, str(path))
        return review

    @classmethod
    def from_dict(cls, data: object, source: str = "review") -> Review:
        _check_format(data, source)
        assert isinstance(data, dict)
        applied, notices = [], []
        for i, entry in enumerate(data["lenses"]):
            lens, notice = _resolve_lens(entry, source, ["lenses", i])
            applied.append(lens)
            if notice:
                notices.append(notice)
        review = cls(applied, Workload.from_dict(data["workload"]))
        review.source = source
        review.notices = notices
        for alias, answers in data["answers"].items():
            if alias not in review.lenses:
                raise ReviewError.at(
                    source,
                    json_path(["answers", alias]),
                    f"answers for lens {alias!r}, which the review does not apply",
                )
            review.answers[alias] = {
                qid: Answer.from_api(a, source, ["answers", alias, qid]) for qid, a in answers.items()
            }
        review.pillar_priorities = list(data.get("pillar_priorities", []))
        # Copies, so the review never shares mutable state with the caller's data.
        review.milestones = [
            Milestone(m["name"], m["date"], copy.deepcopy(m["answers"])) for m in data.get("milestones", [])
        ]
        review.parking_lot = [ParkedItem(**item) for item in data.get("parking_lot", [])]
        review.extensions = copy.deepcopy(data.get("extensions", {}))
        _ = review.id  # a file written before reviews had ids gets one derived from its content
        review.risk_register = register.from_file(data.get(register.KEY, []), source)
        for alias, marks in data.get("prefilled", {}).items():
            if alias not in review.lenses:
                raise ReviewError.at(
                    source,
                    json_path(["prefilled", alias]),
                    f"pre-filled marks for lens {alias!r}, which the review does not apply",
                )
            review.prefilled[alias] = {qid: Prefill(mark["source"], mark["date"]) for qid, mark in marks.items()}
        review.sync = copy.deepcopy(data.get("sync", {}))
        return review


def new(lens_names: Iterable[str], workload_name: str) -> Review:
    """An empty review of a named workload against lenses named by alias, path or ``ALIAS=PATH``.

    Every lens gets an alias the review file accepts, whatever its file is called
    (:func:`kit.core.lens.load_many` says how).
    """
    check_text(workload_name, "--workload", "workload", "name", place="")
    return Review(
        lenses.load_many(lens_names),
        Workload(name=workload_name, review_date=dt.date.today().isoformat()),
    )


def _derived_id(name: str, review_date: str, aliases: list[str]) -> str:
    """An id for a review written before reviews had one: the same for the same workload, date and lenses."""
    basis = "\n".join([name, review_date, *aliases])
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:12]


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _check_format(data: object, source: str) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ReviewError.at(source, "format", f'not a pillarkit review (expected "format": "{FORMAT}")')
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise FormatVersionError.at(
            source,
            "version",
            f"written by a newer pillarkit (format version {version}; this one reads up to {FORMAT_VERSION}): upgrade pillarkit to open it",
        )
    from fastjsonschema import JsonSchemaValueException

    try:
        _compiled_schema()(data)
        return
    except JsonSchemaValueException as first:
        if _answer_count(data) > LISTED_IN_FULL:
            # Listing every problem of a file this large would take minutes; the first one is enough.
            where, rule = _compiled_problem(first)
            raise ReviewError.at(source, where, rule) from None
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schemas.load("review"))
    problems = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if problems:
        raise ReviewError([Diagnostic(source, json_path(e.absolute_path), _review_message(e)) for e in problems])


#: Files with more answers than this (milestones' copies included) report their first schema problem only.
LISTED_IN_FULL = 5_000


@cache
def _compiled_schema() -> Callable[[object], object]:
    """The review schema compiled to Python, once (about 0.1 s).

    It checks a review in microseconds (100,000 answers in about two seconds where jsonschema
    takes most of a minute) and imports in milliseconds: the app checks every autosave with
    it, and jsonschema (a second or two to import, and 20 MB) only words the problems of a
    file that has some.
    """
    import fastjsonschema

    return fastjsonschema.compile(schemas.load("review"))


def check_writable(data: JsonObject, source: str) -> None:
    """Refuse to write a review document that reading it back would refuse (the same schema)."""
    from fastjsonschema import JsonSchemaValueException

    try:
        _compiled_schema()(data)
    except JsonSchemaValueException as exc:
        where, rule = _compiled_problem(exc)
        raise ReviewError.at(
            source,
            where,
            f"{_short_value(exc.value)} {rule}: the review was not written, because it could not be opened again",
        ) from None


def _compiled_problem(exc: JsonSchemaValueException) -> tuple[str, str]:
    """(the place, the rule broken) of the compiled schema's complaint, without its "data.x.y" name."""
    parts: JsonPath = [int(p) if p.isdigit() else p for p in exc.path[1:]]  # the path starts at "data"
    name = exc.name or ""
    rule = exc.message[len(name) :].strip() if name and exc.message.startswith(name) else exc.message
    return json_path(parts), rule


def _answer_count(data: JsonObject) -> int:
    sections = [data.get("answers")] + [m.get("answers") for m in data.get("milestones") or [] if isinstance(m, dict)]
    return sum(
        len(v) for section in sections if isinstance(section, dict) for v in section.values() if isinstance(v, dict)
    )


_NOTICE_WORDS = {
    "orphan": "answers name questions or choices the lenses do not have; every one is kept",
    "lens-changed": "bundled lenses have changed since the review was saved; every answer is kept",
}


def _more_notices(count: int, code: str) -> str:
    return f"and {count:,} more: {_NOTICE_WORDS.get(code, f'{code} notices')}"


def _review_message(error: ValidationError) -> str:
    path = list(error.absolute_path)
    message: str = error.message
    if error.validator == "maxLength" and path and path[-1] == "Notes":
        return f"notes have {len(error.instance)} characters; the WA Tool's limit is {error.validator_value}, so the file is refused rather than cut"
    if error.validator == "maxLength":
        return f"has {len(error.instance):,} characters; at most {error.validator_value:,} are allowed, so the file is refused rather than cut"
    if error.validator in ("maxItems", "maxProperties"):
        return f"has {len(error.instance):,} items; at most {error.validator_value:,} are allowed"
    if error.validator == "propertyNames":
        return f"a key is longer than {error.validator_value.get('maxLength')} characters"
    if error.validator in ("minimum", "maximum"):
        return f"{_short_value(error.instance)} is {'below' if error.validator == 'minimum' else 'above'} {error.validator_value}"
    if error.validator == "pattern" and path and path[-1] == "accepted_until":
        return f"{error.instance!r} is not a date written as YYYY-MM-DD"
    if error.validator == "required":
        return message.replace("is a required property", "is missing")
    if error.validator == "additionalProperties":
        return message.replace("Additional properties are not allowed", "unknown key").replace(" was unexpected", "")
    if error.validator == "enum":
        return f"{_short_value(error.instance)} is not one of {', '.join(map(str, error.validator_value))}"
    return message if len(message) <= 200 else message[:160] + "…"


def _short_value(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:30] + "…"


def _resolve_lens(entry: JsonObject, source: str, where: JsonPath) -> tuple[lenses.Lens, Diagnostic | None]:
    alias = entry["alias"]
    if "lens" in entry:
        try:
            lens = lenses.from_document(entry["lens"], source=f"{source}: {json_path(where + ['lens'])}", alias=alias)
        except LensError as exc:
            raise ReviewError(exc.diagnostics) from None
        return lens, None
    try:
        lens = lenses.bundled(alias)
    except LensError:
        raise ReviewError.at(
            source, json_path(where), f"lens {alias!r} is neither bundled nor embedded in the file"
        ) from None
    notice = None
    if entry.get("hash") and entry["hash"] != lens.content_hash:
        notice = Diagnostic(
            source,
            json_path(where),
            f"the bundled lens {alias!r} has changed since this review was saved; every answer is kept",
            "lens-changed",
        )
    return lens, notice
