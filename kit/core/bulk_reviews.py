"""Many review files read fast, for the portfolio: each review's answers as numbered choice statuses.

:meth:`kit.core.review.Review.load` parses a file with the json module, validates it against
the review schema with jsonschema and then builds an object per answer and per choice. For one
review that costs nothing a person notices; for ten thousand it costs several times the parse.
Here each file's bytes are decoded by msgspec straight into typed structs that mirror the
review schema field for field (:class:`ReviewFile`): parsing and the schema check are one pass
of compiled code. What the schema cannot say (``Answer.from_api``'s rules: no choice twice,
``SelectedChoices`` and ``ChoiceAnswers`` agreeing; lenses that resolve; answers only for
applied lenses) is checked on whole lists at once (``map`` with ``operator.attrgetter``, set
relations), not in a Python loop per choice.

The fast path is conservative: it accepts only files that ``Review.load`` accepts. Whatever
msgspec refuses, or the checks are unsure of, goes to :meth:`ReviewReader.read_slow`, which is
``read_json`` and :meth:`Review.from_dict` themselves (and :meth:`Answer.from_api` for a
milestone's answers, as :func:`kit.core.milestones.milestone_risks` reads them). So a bad file is
refused with the very same one-line error, and an odd but valid one (a byte order mark, a
version written ``1.0``) is read the slow way, never refused. The tests feed both paths the same
files and compare what they extract and the errors they give.

msgspec keeps the last of two equal keys in an object, where ``Review.load`` refuses the file.
Before the fast path vouches for a file, :func:`_census` proves by counting (colons in the text
against keys in the decoded file) that no object of it names a key twice, at C speed and
without parsing it again; a file the count cannot clear is read by :mod:`kit.core.jsonio`,
which refuses the repeat with its place exactly as ``Review.load`` does.

A file yields a :class:`ReviewRecord`: its workload facets, and per lens a :class:`LensRecord`
of choice *columns* (numbered by :class:`LensLayout`) that are selected or not applicable,
questions marked not applicable, and the reasons given. The portfolio turns records into
matrices (:mod:`kit.core.portfolio`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain, compress, repeat
from operator import attrgetter, is_not
from typing import Annotated, Any, Literal, Protocol, TypeVar, cast, get_args

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from kit.core import lens as lenses
from kit.core import schemas
from kit.core.errors import LensError, ReviewError
from kit.core.jsonio import (
    MAX_SAFE_INTEGER,
    FilePath,
    JsonObject,
    nested_too_deep,
    parse_bytes,
    read_bytes,
    size_limit,
)
from kit.core.review import CHOICE_NOTES_LIMIT, QUESTION_NOTES_LIMIT, Answer, Review, Workload
from kit.core.synthetic import is_synthetic
from kit.core.vocabulary import REASONS, RISKS, ChoiceStatus

# Plain strings, compared with every status read from a file.
SELECTED: str = ChoiceStatus.SELECTED.value
NOT_APPLICABLE: str = ChoiceStatus.NOT_APPLICABLE.value
UNSELECTED: str = ChoiceStatus.UNSELECTED.value

#: Status codes in the matrices: what a choice without an entry is, then the two that count.
STATUS_CODES = {UNSELECTED: 0, SELECTED: 1, NOT_APPLICABLE: 2}
STATUS_NAMES = (UNSELECTED, SELECTED, NOT_APPLICABLE)
#: Reason codes: 0 is "no reason given", then the API's reasons in order.
REASON_CODES: dict[str, int] = {reason.value: code for code, reason in enumerate(REASONS, start=1)}
REASON_NAMES: tuple[str, ...] = ("", *(reason.value for reason in REASONS))

#: ``milestone`` for each review's last milestone.
LATEST = "latest"

# --- the review schema, as msgspec structs ---------------------------------------------------
# Field for field what kit/core/schemas/review.schema.json allows, and no more: unknown keys are
# refused, a null is refused wherever the schema does not allow one. A key the schema leaves
# optional is UNSET when the file lacks it (never a default value), so a decoded file tells
# which keys it had: :func:`_census` counts them to prove the file names no key twice.
# tests/unit/test_bulk_reviews.py checks the structs against the schema on valid and broken
# files. A decoded file is a tree, never a cycle, so no struct needs the garbage collector to
# track it (gc=False).

StatusName = Literal["SELECTED", "NOT_APPLICABLE", "UNSELECTED"]
ReasonName = Literal["OUT_OF_SCOPE", "BUSINESS_PRIORITIES", "ARCHITECTURE_CONSTRAINTS", "OTHER", "NONE"]
assert set(get_args(ReasonName)) == set(REASONS)


class ChoiceAnswerData(Struct, forbid_unknown_fields=True, gc=False):
    ChoiceId: str
    Status: StatusName
    Reason: ReasonName | UnsetType = UNSET
    Notes: Annotated[str, Meta(max_length=CHOICE_NOTES_LIMIT)] | UnsetType = UNSET


class AnswerData(Struct, forbid_unknown_fields=True, gc=False):
    # An absent list stands for an empty one (see _lists).
    SelectedChoices: list[str] | UnsetType = UNSET
    ChoiceAnswers: list[ChoiceAnswerData] | UnsetType = UNSET
    IsApplicable: bool | UnsetType = UNSET
    Reason: ReasonName | UnsetType = UNSET
    Notes: Annotated[str, Meta(max_length=QUESTION_NOTES_LIMIT)] | UnsetType = UNSET


LensAnswers = dict[str, dict[str, AnswerData]]


class WorkloadData(Struct, forbid_unknown_fields=True, gc=False):
    name: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    environment: Literal["PRODUCTION", "PREPRODUCTION"] | UnsetType = UNSET
    owner: str | UnsetType = UNSET
    regions: list[str] | UnsetType = UNSET
    industry: str | UnsetType = UNSET
    review_date: str | UnsetType = UNSET
    facilitator: str | UnsetType = UNSET
    participants: list[str] | UnsetType = UNSET
    notes: str | UnsetType = UNSET
    business_context: dict[str, str] | UnsetType = UNSET


class LensEntryData(Struct, forbid_unknown_fields=True, gc=False):
    alias: Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]+$")]
    hash: str | UnsetType = UNSET
    lens: dict[str, Any] | UnsetType = UNSET


class MilestoneData(Struct, forbid_unknown_fields=True, gc=False):
    name: str
    date: str
    answers: LensAnswers


class ParkedData(Struct, forbid_unknown_fields=True, gc=False):
    text: str
    owner: str | UnsetType = UNSET
    lens: str | UnsetType | None = UNSET
    question_id: str | UnsetType | None = UNSET
    created: str | UnsetType = UNSET
    done: bool | UnsetType = UNSET
    # Format version 3: the register entry a parked topic is an open question about.
    risk: str | UnsetType = UNSET


class PrefillData(Struct, forbid_unknown_fields=True, gc=False):
    source: str
    date: str


RiskName = Literal["UNANSWERED", "HIGH", "MEDIUM", "NONE", "NOT_APPLICABLE"]


class AwsSyncData(Struct, forbid_unknown_fields=True, gc=False):
    synced: str
    answers: LensAnswers
    region: str | UnsetType | None = UNSET
    lenses: dict[str, str] | UnsetType = UNSET
    risks: dict[str, dict[str, RiskName]] | UnsetType = UNSET


class SyncData(Struct, forbid_unknown_fields=True, gc=False):
    aws: dict[str, AwsSyncData] | UnsetType = UNSET


class ReviewFile(Struct, forbid_unknown_fields=True, gc=False):
    format: Literal["pillarkit-review"]
    version: Literal[1, 2, 3]
    workload: WorkloadData
    lenses: Annotated[list[LensEntryData], Meta(min_length=1)]
    answers: LensAnswers
    pillar_priorities: list[str] | UnsetType = UNSET
    milestones: list[MilestoneData] | UnsetType = UNSET
    parking_lot: list[ParkedData] | UnsetType = UNSET
    extensions: dict[str, Any] | UnsetType = UNSET
    # Format version 2: pre-filled marks and sync snapshots (read by the schema check, not analysed).
    prefilled: dict[str, dict[str, PrefillData]] | UnsetType = UNSET
    sync: SyncData | UnsetType = UNSET
    # Format version 3: the risk register. Not analysed; a file that has entries is read the slow
    # way, so its entries are checked by the schema and kit.core.register exactly as Review.load does.
    risk_register: list[Any] | UnsetType = UNSET


assert set(ReviewFile.__struct_fields__) == set(schemas.load("review")["properties"])
assert set(get_args(RiskName)) == set(RISKS)
assert set(WorkloadData.__struct_fields__) == set(Workload().to_dict())

_DECODER = msgspec.json.Decoder(ReviewFile)
_SELECTED_CHOICES = attrgetter("SelectedChoices")
_CHOICE_ANSWERS = attrgetter("ChoiceAnswers")
_IS_APPLICABLE = attrgetter("IsApplicable")
_REASON = attrgetter("Reason")
_CHOICE_ID = attrgetter("ChoiceId")
_STATUS = attrgetter("Status")
_MISSING = -1
#: A choice's column in its question's map, or None: ``dict.get`` unbound, mapped over many at C speed.
_COLUMN_OF: Callable[[dict[str, int], str], int | None] = dict.get


class _Named(Protocol):
    """A milestone as a file holds it, or as a review does: what picking one reads."""

    @property
    def name(self) -> str: ...


class _Unsure(Exception):
    """The fast path cannot vouch for this file; the slow path decides."""


class LensLayout:
    """A lens's questions and choices numbered for bulk tables: question ``q`` and choice column ``c``.

    Columns run over every choice of every question in lens order ("None of these" included), so
    a review's answers to a lens are one row of statuses.
    """

    def __init__(self, lens: lenses.Lens):
        self.lens = lens
        self.questions: tuple[lenses.Question, ...] = tuple(lens.questions())
        self.question_index = {q.id: i for i, q in enumerate(self.questions)}
        self.columns: dict[str, dict[str, int]] = {}
        #: For each column: its question's index, and the choice.
        self.column_question: list[int] = []
        self.column_choice: list[lenses.Choice] = []
        #: For each question: its first column (and one past the last column, at the end).
        self.question_start: list[int] = []
        for index, question in enumerate(self.questions):
            self.question_start.append(len(self.column_choice))
            self.columns[question.id] = {}
            for choice in question.choices:
                self.columns[question.id][choice.id] = len(self.column_choice)
                self.column_question.append(index)
                self.column_choice.append(choice)
        self.question_start.append(len(self.column_choice))
        self.pillar_of_question = [q.pillar_id for q in self.questions]

    @property
    def n_questions(self) -> int:
        return len(self.questions)

    @property
    def n_columns(self) -> int:
        return len(self.column_choice)


@dataclass
class LensRecord:
    """One review's answers to one lens: what is selected, not applicable, and why (order carries no meaning)."""

    selected: list[int] = field(default_factory=list)  # columns
    not_applicable: list[int] = field(default_factory=list)
    questions_not_applicable: list[int] = field(default_factory=list)  # question indices
    question_reasons: list[tuple[int, int]] = field(default_factory=list)  # (question, reason code)
    choice_reasons: list[tuple[int, int]] = field(default_factory=list)  # (column, reason code)
    orphans: int = 0  # answers naming questions or choices the lens lacks (kept in the file, not counted)

    def canonical(self) -> tuple[object, ...]:
        """The same content in a fixed order, to compare two records."""
        return (
            sorted(self.selected),
            sorted(self.not_applicable),
            sorted(self.questions_not_applicable),
            sorted(self.question_reasons),
            sorted(self.choice_reasons),
            self.orphans,
        )


@dataclass
class ReviewRecord:
    """What one file contributes to a portfolio."""

    source: str
    workload: dict[str, Any]
    #: (lens alias as applied, lens) in file order.
    lenses: list[tuple[str, lenses.Lens]]
    #: The analysed answers, by alias.
    answers: dict[str, LensRecord]
    #: The answers they are compared with for "over time" (the milestone before them), by alias; empty without one.
    baseline: dict[str, LensRecord]
    #: The milestone analysed ("" for the current answers), its date, and the baseline milestone's name and date.
    milestone: str = ""
    milestone_date: str = ""
    baseline_name: str = ""
    baseline_date: str = ""
    synthetic: bool = False
    #: Bundled lenses that changed since the file was saved (the answers are kept).
    lens_changed: int = 0
    #: Read by the slow path (for the tests and the benchmark).
    slow: bool = False

    def canonical(self) -> tuple[object, ...]:
        """Everything but ``slow``, with the records in a fixed order, to compare the two paths."""
        return (
            self.source,
            self.workload,
            [(alias, lens.content_hash) for alias, lens in self.lenses],
            {alias: r.canonical() for alias, r in self.answers.items()},
            {alias: r.canonical() for alias, r in self.baseline.items()},
            self.milestone,
            self.milestone_date,
            self.baseline_name,
            self.baseline_date,
            self.synthetic,
            self.lens_changed,
        )


class MilestoneMissing(ReviewError):
    """The review has no milestone of the name asked for (it is left out of a milestone analysis)."""


class ReviewReader:
    """Reads review files into :class:`ReviewRecord` objects, fast where it can and exactly where it must.

    ``milestone`` is ``None`` for the current answers, ``"latest"`` for each review's last
    milestone, or a milestone's name (the last one of that name). A reader keeps the lens
    layouts and the embedded lenses it has seen, keyed by the lens's content hash, so a lens
    that changed is a new entry and nothing stale can be served.
    """

    def __init__(self, milestone: str | None = None):
        self.milestone = milestone
        self._layouts: dict[int, LensLayout] = {}
        self._embedded: dict[str, lenses.Lens | None] = {}
        self._bundled = frozenset(lenses.bundled_aliases())
        # Looked up once (an environment variable), not once per file.
        self._size_limit = size_limit()

    def layout(self, lens: lenses.Lens) -> LensLayout:
        found = self._layouts.get(id(lens))
        if found is None or found.lens is not lens:
            found = self._layouts[id(lens)] = LensLayout(lens)
        return found

    # --- entry points ----------------------------------------------------------------

    def read_file(self, path: FilePath) -> ReviewRecord:
        """One file; :class:`ReviewError` (or :class:`MilestoneMissing`) naming it when it cannot be analysed."""
        return self.read_bytes(self.load(path), str(path))

    def load(self, path: FilePath) -> bytes:
        """A file's bytes, or the :class:`ReviewError` ``Review.load`` gives for one missing or too large."""
        return read_bytes(path, ReviewError, self._size_limit)

    def read_bytes(self, raw: bytes, source: str) -> ReviewRecord:
        try:
            document = _DECODER.decode(raw)
        except (msgspec.ValidationError, msgspec.DecodeError):
            pass  # not the shape pillarkit writes, or not valid: the slow path says which
        else:
            try:
                # msgspec keeps the last of two equal keys: a file that may repeat one is read strictly.
                colons = _colons(raw)
                pulled: dict[int, _Pulled] = {}
                if colons >= 0 and colons == _census(document, pulled):
                    return self._fast(document, source, pulled)
            except _Unsure:
                pass
        return self.read_slow(parse_bytes(raw, source, ReviewError), source)

    def read_slow(self, data: object, source: str) -> ReviewRecord:
        """The same record through :meth:`Review.from_dict`: every error is the one ``Review.load`` gives."""
        review = Review.from_dict(data, source)
        index, baseline_index = self._pick(review.milestones, source)
        record = ReviewRecord(
            source=source,
            workload=review.workload.to_dict(),
            lenses=list(review.lenses.items()),
            answers={},
            baseline={},
            synthetic=is_synthetic(review.extensions),
            lens_changed=sum(1 for n in review.notices if n.code == "lens-changed"),
            slow=True,
        )
        for alias, lens in review.lenses.items():
            layout = self.layout(lens)
            if index is None:
                record.answers[alias] = _record_of(layout, review.answers.get(alias, {}))
            else:
                record.answers[alias] = _milestone_record(review, layout, alias, index)
            if baseline_index is not None:
                record.baseline[alias] = _milestone_record(review, layout, alias, baseline_index)
        _name_milestones(record, [(m.name, m.date) for m in review.milestones], index, baseline_index)
        return record

    # --- which answers --------------------------------------------------------------------

    def _pick(self, milestones: Sequence[_Named], source: str) -> tuple[int | None, int | None]:
        """(the analysed milestone's index, or None for the current answers; the baseline's index or None)."""
        count = len(milestones)
        if self.milestone is None:
            return None, (count - 1 if count else None)
        if self.milestone == LATEST:
            if not count:
                raise MilestoneMissing.at(source, "milestones", "has no milestone")
            index = count - 1
        else:
            matches = [i for i, m in enumerate(milestones) if m.name == self.milestone]
            if not matches:
                raise MilestoneMissing.at(source, "milestones", f"has no milestone named {self.milestone!r}")
            index = matches[-1]
        return index, (index - 1 if index > 0 else None)

    # --- the fast path ----------------------------------------------------------------

    def _fast(self, document: ReviewFile, source: str, pulled: dict[int, _Pulled]) -> ReviewRecord:
        if document.risk_register:
            raise _Unsure  # its entries are checked by the slow path, with Review.load's errors
        applied, changed = self._lenses(document.lenses)
        if not (document.answers.keys() | (document.prefilled or {}).keys()) <= applied.keys():
            raise _Unsure  # answers or pre-filled marks for a lens the review does not apply
        milestones = document.milestones or []
        layouts = {alias: self.layout(lens) for alias, lens in applied.items()}

        def taken(questions: dict[str, AnswerData] | None) -> _Pulled:
            if questions is None:
                return _Pulled({})
            return pulled.get(id(questions)) or _Pulled(questions, notes=False)

        # Review.load builds every current answer (Answer.from_api), so all of them are checked.
        current = {alias: _answers(taken(document.answers.get(alias)), layout) for alias, layout in layouts.items()}
        index, baseline_index = self._pick(milestones, source)

        def frozen(position: int) -> dict[str, LensRecord]:
            # As milestone_risks reads a milestone: only the questions the lens has.
            answers = milestones[position].answers
            records = {}
            for alias, layout in layouts.items():
                questions = answers.get(alias)
                if questions is not None and not questions.keys() <= layout.columns.keys():
                    questions = {q: a for q, a in questions.items() if q in layout.columns}
                records[alias] = _answers(taken(questions), layout)
            return records

        record = ReviewRecord(
            source=source,
            workload=_workload(document.workload),
            lenses=list(applied.items()),
            answers=current if index is None else frozen(index),
            baseline={} if baseline_index is None else frozen(baseline_index),
            synthetic=is_synthetic(document.extensions),
            lens_changed=changed,
        )
        _name_milestones(record, [(m.name, m.date) for m in milestones], index, baseline_index)
        return record

    def _lenses(self, entries: list[LensEntryData]) -> tuple[dict[str, lenses.Lens], int]:
        applied: dict[str, lenses.Lens] = {}
        changed = 0
        for entry in entries:
            alias = entry.alias
            if alias in applied:
                raise _Unsure
            if entry.lens is not UNSET:
                applied[alias] = self._embedded_lens(entry.lens, alias)
                continue
            if alias not in self._bundled:
                raise _Unsure
            lens = lenses.bundled(alias)
            if entry.hash and entry.hash != lens.content_hash:
                changed += 1
            applied[alias] = lens
        return applied, changed

    def _embedded_lens(self, document: JsonObject, alias: str) -> lenses.Lens:
        # Keyed by content, so an entry can never stand for a different lens; a lens that fails is
        # remembered as failing, and its files go the slow way, which words the error for each file.
        key = alias + "\0" + lenses.content_hash(document)
        if key not in self._embedded:
            try:
                self._embedded[key] = lenses.from_document(document, source=f"embedded lens {alias!r}", alias=alias)
            except LensError:
                self._embedded[key] = None
        found = self._embedded[key]
        if found is None:
            raise _Unsure
        return found


_WORKLOAD_FIELDS = WorkloadData.__struct_fields__
_WORKLOAD_DEFAULTS = Workload().to_dict()


def _workload(workload: WorkloadData) -> dict[str, Any]:
    """The workload as ``Workload.to_dict`` gives it: the file's fields, and the defaults of those it lacks."""
    given = zip(_WORKLOAD_FIELDS, msgspec.structs.astuple(workload))
    return {**_WORKLOAD_DEFAULTS, **{name: value for name, value in given if value is not UNSET}}


# --- proving that no key appears twice ----------------------------------------------------------
#
# msgspec, like most JSON readers, keeps the last of two equal keys in one object; the kit's
# reader (kit.core.jsonio) refuses such a file, naming the key and its place. Re-reading every file
# strictly would cost more than reading it, so a file is proved free of repeated keys by counting.
#
# Every ':' byte of valid JSON text is either the separator after a key or a character inside a
# string. So the text's colons are (the keys it writes) + (the colons in its strings). The decoded
# file has one entry per distinct key of each object and the strings of the values kept, so
# (keys present after decoding) + (colons in some of the decoded strings) is at most that, and
# equal to it only if no object lost a key to a repeat. :func:`_census` counts the left side
# (never more than is there: optional keys are UNSET when absent), :func:`_colons` the right one.
# Equal counts prove the file has no repeated key; otherwise it is read by kit.core.jsonio, which
# refuses the repeat with its place or reads the file exactly (a colon in an id, say).
#
# Escapes change nothing of this but one: a "\u003a" escape puts a colon in a decoded string that
# is not a ':' byte of the text, so a file that has one is always read strictly. (Keys spelled
# differently, "a" and "\u0061", are one key once decoded, and the census counts it once.)

_ENCODER = msgspec.json.Encoder()
_NOTES = attrgetter("Notes")
_COLON = ord(":")
_ESCAPED_COLON = re.compile(rb"\\u003[aA]")


def _colons(raw: bytes) -> int:
    """The ':' bytes of the text, or -1 (matching no census) when it may spell a colon as an escape."""
    if b"\\" in raw and _ESCAPED_COLON.search(raw):
        return -1
    import numpy as np  # with pandas, which the portfolio uses; counts bytes several times faster than bytes.count

    return int(np.count_nonzero(np.frombuffer(raw, dtype=np.uint8) == _COLON))


def _census(document: ReviewFile, pulled: dict[int, _Pulled]) -> int:
    """Keys the decoded file has, plus the colons in the strings that can hold them (see above).

    Each lens's answers are pulled apart on the way (:class:`_Pulled`), into ``pulled`` by the
    identity of their dict, so the analysis reads them without a second pass. -1 (no census
    matches it) when a free-form part of the file may hold what only kit.core.jsonio refuses.
    """
    milestones = document.milestones
    # Everything but the answers, encoded: its colons are its keys and its strings' colons, exactly.
    rest = _ENCODER.encode(msgspec.structs.replace(document, answers={}, milestones=UNSET))
    if _strict_only(rest):
        return -1
    count = rest.count(b":") + _answers_census(document.answers, pulled)
    if milestones is not UNSET:
        count += 1
        for milestone in milestones:
            count += 3 + milestone.name.count(":") + milestone.date.count(":")
            count += _answers_census(milestone.answers, pulled)
    return count


#: Sixteen digits in a row: maybe a whole number past MAX_SAFE_INTEGER (which has sixteen).
_LONG_NUMBER = re.compile(rb"[0-9]{%d}" % len(str(MAX_SAFE_INTEGER)))


def _strict_only(rest: bytes) -> bool:
    """Whether the free-form parts (extensions, embedded lenses) may hold values msgspec takes and
    kit.core.jsonio refuses: a whole number past ±(2**53 - 1), or nesting past ``jsonio.MAX_DEPTH``. The
    typed parts cannot: they hold no numbers and nest a fixed few levels.
    """
    if _LONG_NUMBER.search(rest):
        return True
    return nested_too_deep(rest.decode("utf-8"))


def _answers_census(answers: LensAnswers, pulled: dict[int, _Pulled]) -> int:
    """Keys of a lens-to-question-to-answer map, and the colons of its notes (ids are counted as having none)."""
    count = len(answers)
    for questions in answers.values():
        found = pulled[id(questions)] = _Pulled(questions)
        count += found.keys
    return count


class _Pulled:
    """One lens's answers pulled apart into columns: a list per field, over every answer or every entry.

    The same lists serve the census (``keys``: the keys these answers have, and the colons of
    their notes) and :func:`_together`. ``notes`` False (answers the census does not count) says
    no notes need counting: the census would then count none, which can only make it fall
    short, never exceed what the file has.
    """

    __slots__ = (
        "chosen_lists",
        "entries_with_reason",
        "entry_lists",
        "entry_reasons",
        "flags",
        "ids",
        "keys",
        "questions",
        "reasons",
        "statuses",
        "with_reason",
    )

    def __init__(self, questions: dict[str, AnswerData], notes: bool = True):
        self.questions = questions
        values = list(questions.values())
        chosen = list(map(_SELECTED_CHOICES, values))
        entries = list(map(_CHOICE_ANSWERS, values))
        flags = list(map(_IS_APPLICABLE, values))
        no_chosen, no_entries = chosen.count(UNSET), entries.count(UNSET)
        # Each answer: its question's key, and those it has of its five keys.
        keys = 4 * len(values) - no_chosen - no_entries - flags.count(UNSET)
        self.chosen_lists: list[list[str]] = _lists(chosen, no_chosen)
        self.entry_lists: list[list[ChoiceAnswerData]] = _lists(entries, no_entries)
        self.flags: list[bool | UnsetType] = flags
        self.reasons: list[str | UnsetType] = list(map(_REASON, values))
        #: How many answers, and entries, give a reason.
        self.with_reason = _present(self.reasons)
        keys += self.with_reason + (_noted(list(map(_NOTES, values))) if notes else 0)
        flat = list(chain.from_iterable(self.entry_lists))
        self.ids: list[str] = list(map(_CHOICE_ID, flat))
        self.statuses: list[str] = list(map(_STATUS, flat))
        self.entry_reasons: list[str | UnsetType] = list(map(_REASON, flat))
        self.entries_with_reason = _present(self.entry_reasons)
        # Each entry: ChoiceId, Status, and those it has of Reason and Notes.
        keys += 2 * len(flat) + self.entries_with_reason
        self.keys = keys + (_noted(list(map(_NOTES, flat))) if notes else 0)


def _present(values: list[Any]) -> int:
    return len(values) - values.count(UNSET)


def _noted(notes: list[Any]) -> int:
    """How many Notes keys there are, plus the colons in those notes."""
    count = _present(notes)
    if count:
        count += sum(note.count(":") for note in notes if note is not UNSET)
    return count


_ItemT = TypeVar("_ItemT")


def _lists(found: list[list[_ItemT] | UnsetType], absent: int) -> list[list[_ItemT]]:
    """Lists read from answers (``absent`` of them UNSET), an absent one as the empty list it stands for."""
    if absent:
        return [[] if item is UNSET else item for item in found]
    return cast(list[list[_ItemT]], found)


def _name_milestones(
    record: ReviewRecord, names: list[tuple[str, str]], index: int | None, baseline: int | None
) -> None:
    if index is not None:
        record.milestone, record.milestone_date = names[index]
    if baseline is not None:
        record.baseline_name, record.baseline_date = names[baseline]


def _answers(pulled: _Pulled, layout: LensLayout) -> LensRecord:
    """One lens's answers (already of the schema's shape) checked as ``Answer.from_api`` does, as columns.

    All answers are taken together in a few list operations (:func:`_together`); only answers
    naming a question or choice the lens lacks are taken one by one (:func:`_one_by_one`).
    """
    record = LensRecord()
    if pulled.questions and not _together(pulled, layout, record):
        record = LensRecord()
        for qid, answer in pulled.questions.items():
            _one_by_one(qid, answer, layout, record)
    return record


def _together(pulled: _Pulled, layout: LensLayout, record: LensRecord) -> bool:
    """Every answer of one lens at once; False (``record`` to be discarded) when one names an id the lens lacks.

    Each choice id becomes its column, looked up in its own question's map; columns are unique
    across the lens. In the shape pillarkit writes, each answer's ``SelectedChoices`` are the ids
    of its SELECTED entries in ``ChoiceAnswers``, in order: then one comparison of the flattened
    lists, and of the running counts at each answer's end, proves every answer consistent.
    Any other arrangement is checked with set relations between the columns of
    ``SelectedChoices`` and of ``ChoiceAnswers``: no column twice in ``ChoiceAnswers``, every
    SELECTED entry selected, nothing selected that has another status there.
    """
    answers = pulled.questions
    found_maps: list[dict[str, int] | None] = list(map(layout.columns.get, answers))
    if None in found_maps:
        return False
    column_maps = cast(list[dict[str, int]], found_maps)
    chosen_lists, entry_lists, flags = pulled.chosen_lists, pulled.entry_lists, pulled.flags
    question_index = layout.question_index
    if False in flags:
        record.questions_not_applicable.extend(question_index[q] for q, f in zip(answers, flags) if f is False)
    given = pulled.reasons
    if pulled.with_reason:
        record.question_reasons.extend(
            (question_index[q], REASON_CODES[r]) for q, r in zip(answers, given) if r is not UNSET
        )
    ids = pulled.ids
    entry_lengths = list(map(len, entry_lists))
    found_columns = list(map(_COLUMN_OF, chain.from_iterable(map(repeat, column_maps, entry_lengths)), ids))
    distinct = set(found_columns)
    if None in distinct:
        return False  # a choice its question lacks
    columns = cast(list[int], found_columns)
    if len(distinct) != len(columns):
        raise _Unsure  # a choice listed twice in one answer's ChoiceAnswers
    statuses = pulled.statuses
    chosen = list(chain.from_iterable(chosen_lists))
    chosen_lengths = list(map(len, chosen_lists))
    others = len(statuses) - statuses.count(SELECTED)
    selected: list[int] | None = None
    if not others:
        if chosen == ids and chosen_lengths == entry_lengths:
            selected = columns
    else:
        # The few entries that are not SELECTED, found by C-level searches rather than a loop over every entry.
        set_aside = _positions(statuses, NOT_APPLICABLE)
        apart = set_aside + _positions(statuses, UNSELECTED)
        if len(apart) != others:
            raise _Unsure  # a status msgspec should have refused; let the slow path word it
        apart.sort()
        kept_ids, kept_columns = list(ids), list(columns)
        for position in reversed(apart):
            del kept_ids[position], kept_columns[position]
        if chosen == kept_ids:
            # Each answer must select exactly its own SELECTED entries: its entries less those set apart.
            ends = list(accumulate(entry_lengths))
            expected = list(entry_lengths)
            for position in apart:
                expected[bisect_right(ends, position)] -= 1
            if expected == chosen_lengths:
                selected = kept_columns
        if selected is None:
            is_selected = list(map(SELECTED.__eq__, statuses))
            selected = _by_sets(column_maps, chosen_lists, chosen, columns, statuses, is_selected)
        record.not_applicable.extend(map(columns.__getitem__, set_aside))
    if selected is None:
        selected = _by_sets(column_maps, chosen_lists, chosen, columns, statuses, None)
    given = pulled.entry_reasons
    if pulled.entries_with_reason:
        present = list(map(is_not, given, repeat(UNSET)))
        record.choice_reasons.extend(
            zip(
                compress(columns, present),
                map(REASON_CODES.__getitem__, compress(cast(list[str], given), present)),
            )
        )
    record.selected.extend(selected)
    return True


def _positions(items: Sequence[str], value: str) -> list[int]:
    """Where ``value`` stands in ``items`` (index repeatedly: a C search per hit, not a loop per item)."""
    found = []
    start = 0
    try:
        while True:
            start = items.index(value, start)
            found.append(start)
            start += 1
    except ValueError:
        return found


def _by_sets(
    column_maps: list[dict[str, int]],
    chosen_lists: Sequence[list[str]],
    chosen: Sequence[str],
    columns: list[int],
    statuses: Sequence[str],
    is_selected: list[bool] | None,
) -> list[int]:
    """The selected columns of answers in any valid arrangement, checked with set relations (see :func:`_together`)."""
    found = list(map(_COLUMN_OF, chain.from_iterable(map(repeat, column_maps, map(len, chosen_lists))), chosen))
    if None in found:
        raise _Unsure  # cannot happen for known ids; the slow path would say what it is
    picked = cast(list[int], found)
    picked_set = set(picked)
    if is_selected is None:
        if not picked_set.issuperset(columns):
            raise _Unsure  # SELECTED in ChoiceAnswers but missing from SelectedChoices
    else:
        if not picked_set.issuperset(compress(columns, is_selected)):
            raise _Unsure
        if not picked_set.isdisjoint(compress(columns, map(SELECTED.__ne__, statuses))):
            raise _Unsure  # selected in SelectedChoices, another status in ChoiceAnswers
    # SelectedChoices may name a choice twice (Answer.from_api keeps it once).
    return picked if len(picked_set) == len(picked) else list(dict.fromkeys(picked))


def _one_by_one(qid: str, answer: AnswerData, layout: LensLayout, record: LensRecord) -> None:
    """One answer with ``Answer.from_api``'s rules, choice by choice (for answers that name unknown ids)."""
    columns = layout.columns.get(qid)
    known = columns is not None
    if columns is None:
        columns = {}
        record.orphans += 1
    else:
        index = layout.question_index[qid]
        if answer.IsApplicable is False:
            record.questions_not_applicable.append(index)
        if answer.Reason is not UNSET:
            record.question_reasons.append((index, REASON_CODES[answer.Reason]))
    entries = answer.ChoiceAnswers or []
    chosen = answer.SelectedChoices or []
    status_of: dict[str, str] = {}
    for entry in entries:
        if entry.ChoiceId in status_of:
            raise _Unsure
        status_of[entry.ChoiceId] = entry.Status
        if entry.Reason is not UNSET and entry.ChoiceId in columns:
            record.choice_reasons.append((columns[entry.ChoiceId], REASON_CODES[entry.Reason]))
    listed = set(chosen)
    for cid in chosen:
        if status_of.setdefault(cid, SELECTED) != SELECTED:
            raise _Unsure
    for cid, status in status_of.items():
        if status == SELECTED and cid not in listed:
            raise _Unsure
        if status == UNSELECTED:
            continue
        column = columns.get(cid, _MISSING)
        if column == _MISSING:
            record.orphans += known
            continue
        (record.selected if status == SELECTED else record.not_applicable).append(column)


def _record_of(layout: LensLayout, answers: Mapping[str, Answer]) -> LensRecord:
    """The record of answers already built by ``Answer.from_api`` (the slow path)."""
    record = LensRecord()
    for qid, answer in answers.items():
        if qid not in layout.question_index:
            record.orphans += 1
            continue
        index = layout.question_index[qid]
        columns = layout.columns[qid]
        if not answer.is_applicable:
            record.questions_not_applicable.append(index)
        if answer.reason:
            record.question_reasons.append((index, REASON_CODES[answer.reason]))
        for cid, choice in answer.choices.items():
            column = columns.get(cid, _MISSING)
            if column == _MISSING:
                record.orphans += choice.status != UNSELECTED
                continue
            if choice.status == SELECTED:
                record.selected.append(column)
            elif choice.status == NOT_APPLICABLE:
                record.not_applicable.append(column)
            if choice.reason:
                record.choice_reasons.append((column, REASON_CODES[choice.reason]))
    return record


def _milestone_record(review: Review, layout: LensLayout, alias: str, index: int) -> LensRecord:
    # As kit.core.milestones.milestone_risks reads a milestone: only questions the lens has, errors at their place.
    frozen = review.milestones[index].answers.get(alias, {})
    answers = {
        qid: Answer.from_api(data, review.source, ["milestones", index, "answers", alias, qid])
        for qid, data in frozen.items()
        if layout.lens.has_question(qid)
    }
    return _record_of(layout, answers)


__all__ = [
    "LATEST",
    "REASON_CODES",
    "REASON_NAMES",
    "STATUS_CODES",
    "STATUS_NAMES",
    "LensLayout",
    "LensRecord",
    "MilestoneMissing",
    "ReviewFile",
    "ReviewReader",
    "ReviewRecord",
]
