"""Workbook intake: read the Answers sheet of the kit's own XLSX export back into a review.

A team answers what it can before the session in the exported workbook (``pillarkit export
REVIEW -o team.xlsx``), and the facilitator brings it back with ``pillarkit intake REVIEW
--from team.xlsx``. Every cell is checked before anything changes: a bad one is refused with
its sheet and cell (``Answers!O17``) and what is allowed there, and then nothing is changed.

Only the answer columns are read (``kit.render.tables.ANSWER_COLUMNS``), found by their
headers; a row finds its question by ``Question ID`` and ``Choice ID`` (and ``Lens`` when two
lenses share a question id). The question columns repeat on every row of a question, so a
value changed on one row is taken and the rows left as they were are not.

The export keeps the answers as exported in a hidden sheet. With it the intake merges three
ways: a cell the team left as exported keeps whatever the review says now, a changed cell
is taken, and a cell changed both in the workbook and in the review since the export is
refused rather than guessed. A workbook without that sheet (built by hand with the same
headers) is taken as it is. The questions the intake changes are marked pre-filled until
they are confirmed in the session.

Before openpyxl opens the workbook, :mod:`kit.exchange.workbook_guard` checks the zip it is (what
it unpacks to, its parts, its cells), and the Answers sheet is read only within
``options.MAX_WORKBOOK_ROWS`` rows and the columns the intake needs.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kit.core import options
from kit.core.errors import Diagnostic, IntakeError
from kit.core.jsonio import read_bytes
from kit.core.review import CHOICE_NOTES_LIMIT, QUESTION_NOTES_LIMIT, Answer, Review
from kit.core.vocabulary import REASONS, ChoiceStatus, Reason
from kit.exchange.workbook_guard import check_workbook
from kit.render.tables import (
    ANSWER_COLUMNS,
    BASELINE_HEADERS,
    BASELINE_SHEET,
    KEY_COLUMNS,
    NO,
    YES,
    restore_cell,
)

#: How each not-applicable reason reads in the workbook, by its code.
REASON_WORDS: dict[str, str] = {reason.value: reason.words for reason in Reason}

SHEET = "Answers"
LENS_COLUMN = "Lens"
#: The headers the Answers sheet must have (the issue's contract: today's export headers).
REQUIRED = (*KEY_COLUMNS, "Selected", "Not applicable", "Not-applicable reason", "Choice notes", *ANSWER_COLUMNS[:3])

_TRUE = {"yes", "true"}
_FALSE = {"no", "false"}
_REASON_BY_TEXT = {
    **{word.casefold(): code for code, word in REASON_WORDS.items()},
    **{r.casefold(): r for r in REASONS},
}
_REASONS_ALLOWED = ", ".join(REASON_WORDS.values())


@dataclass
class IntakeResult:
    """What an intake did: rows read, and the questions whose answers changed (``(alias, question id)``)."""

    rows: int
    changed: list[tuple[str, str]] = field(default_factory=list)
    baseline: bool = False


# --- reading cells ----------------------------------------------------------------------


class _Cells:
    """Problems found while reading, each naming its cell."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[tuple[int, int, Diagnostic]] = []

    def refuse(self, row: int, column: int, message: str) -> None:
        self.problems.append((row, column, Diagnostic(self.source, _where(row, column), message)))

    def refuse_row(self, row: int, message: str) -> None:
        self.problems.append((row, 0, Diagnostic(self.source, f"{SHEET}!{row}:{row}", message)))


def _where(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{SHEET}!{get_column_letter(column)}{row}"


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    """A cell's value as the text a person typed (numbers and dates a spreadsheet converted, back to text)."""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


@dataclass
class _Row:
    """One row of the Answers sheet, read and checked. Columns are 1-based sheet columns."""

    number: int
    alias: str | None = None
    question_id: str | None = None
    choice_id: str | None = None
    selected: bool | None = None
    not_applicable: bool | None = None
    reason: str | None = None
    notes: str | None = None
    applicable: bool | None = None
    question_reason: str | None = None
    question_notes: str | None = None

    @property
    def status(self) -> str:
        if self.selected:
            return ChoiceStatus.SELECTED
        return ChoiceStatus.NOT_APPLICABLE if self.not_applicable else ChoiceStatus.UNSELECTED


class _Reader:
    def __init__(self, cells: _Cells, columns: dict[str, int]):
        self.cells = cells
        self.columns = columns

    def value(self, values: tuple, header: str) -> object:
        column = self.columns.get(header)
        if column is None or column > len(values):
            return None
        return values[column - 1]

    def checked(self, row: int, values: tuple, types: tuple, header: str) -> object | None:
        """The cell's value, or None after refusing a formula or an error value."""
        column = self.columns[header]
        value = self.value(values, header)
        kind = types[column - 1] if column <= len(types) else None
        if kind == "f":
            self.cells.refuse(row, column, f"holds a formula ({value}); type the answer itself under {header!r}")
            return None
        if kind == "e":
            self.cells.refuse(
                row, column, f"holds the spreadsheet error {value}; type the answer itself under {header!r}"
            )
            return None
        return value

    def yes_no(self, row: int, values: tuple, types: tuple, header: str, empty: bool) -> bool | None:
        value = self.checked(row, values, types, header)
        if _blank(value):
            return empty
        if isinstance(value, bool):
            return value
        text = _text(value).strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        self.cells.refuse(
            row,
            self.columns[header],
            f"{_text(value)!r} is not allowed under {header!r}: use {YES} or {NO} (empty means {YES if empty else NO})",
        )
        return None

    def reason(self, row: int, values: tuple, types: tuple, header: str) -> str | None:
        value = self.checked(row, values, types, header)
        if _blank(value):
            return None
        code = _REASON_BY_TEXT.get(_text(value).strip().casefold())
        if code is None:
            self.cells.refuse(
                row,
                self.columns[header],
                f"{_text(value)!r} is not a reason: use one of {_REASONS_ALLOWED} (or leave it empty)",
            )
        return code

    def notes(self, row: int, values: tuple, types: tuple, header: str, limit: int) -> str:
        value = self.checked(row, values, types, header)
        if _blank(value):
            return ""
        text = restore_cell(_text(value))
        if len(text) > limit:
            self.cells.refuse(
                row,
                self.columns[header],
                f"{header.lower()} have {len(text)} characters; the WA Tool takes at most {limit}, so they were not cut but refused",
            )
        return text

    def ident(self, row: int, values: tuple, types: tuple, header: str) -> str | None:
        value = self.checked(row, values, types, header)
        return None if _blank(value) else _text(value).strip()


def _read_answers(reader: _Reader, rows: Iterable[tuple[int, tuple, tuple]]) -> list[_Row]:
    found = []
    for number, values, types in rows:
        if all(_blank(reader.value(values, header)) for header in (*REQUIRED, LENS_COLUMN)):
            continue  # an empty row, or one the spreadsheet only formatted
        row = _Row(number)
        row.question_id = reader.ident(number, values, types, "Question ID")
        row.choice_id = reader.ident(number, values, types, "Choice ID")
        lens_text = reader.value(values, LENS_COLUMN)
        row.alias = None if _blank(lens_text) else _text(lens_text).strip()  # a name for now; resolved later
        row.selected = reader.yes_no(number, values, types, "Selected", empty=False)
        row.not_applicable = reader.yes_no(number, values, types, "Not applicable", empty=False)
        row.reason = reader.reason(number, values, types, "Not-applicable reason")
        row.notes = reader.notes(number, values, types, "Choice notes", CHOICE_NOTES_LIMIT)
        row.applicable = reader.yes_no(number, values, types, "Question applicable", empty=True)
        row.question_reason = reader.reason(number, values, types, "Question not-applicable reason")
        row.question_notes = reader.notes(number, values, types, "Question notes", QUESTION_NOTES_LIMIT)
        found.append(row)
    return found


def _sheet_rows(sheet, last_column: int) -> Iterable[tuple[int, tuple, tuple]]:
    """(row number, values, data types) of every row below the header; types say formula (f) or error (e).

    Only up to ``last_column``: openpyxl makes a cell for every place it is asked about, so one stray
    value in column XFD would otherwise make 16,384 cells of every row.
    """
    for cells in sheet.iter_rows(min_row=2, max_col=last_column):
        if cells:
            yield cells[0].row, tuple(c.value for c in cells), tuple(c.data_type for c in cells)


# --- matching rows to questions ------------------------------------------------------


def _resolve(review: Review, rows: list[_Row], cells: _Cells, columns: dict[str, int]) -> list[_Row]:
    """Give each row its lens alias, or refuse it; keeps the rows whose question and choice are known."""
    by_question: dict[str, list[str]] = {}
    for alias, lens in review.lenses.items():
        for question in lens.questions():
            by_question.setdefault(question.id, []).append(alias)
    names = {lens.name.casefold(): alias for alias, lens in review.lenses.items()}
    aliases = ", ".join(review.lenses)
    seen: dict[tuple[str, str, str], int] = {}
    known = []
    for row in rows:
        qcol, ccol = columns["Question ID"], columns["Choice ID"]
        if row.question_id is None:
            cells.refuse(row.number, qcol, "has no question id: every row needs the id it was exported with")
            continue
        homes = by_question.get(row.question_id, [])
        if len(homes) > 1:
            named = names.get((row.alias or "").casefold()) or (row.alias if row.alias in homes else None)
            homes = [named] if named in homes else homes
        if not homes:
            cells.refuse(row.number, qcol, f"{row.question_id!r} is not a question of this review's lenses ({aliases})")
            continue
        if len(homes) > 1:
            cells.refuse(
                row.number,
                columns.get(LENS_COLUMN, qcol),
                f"question {row.question_id!r} is in lenses {', '.join(homes)}: the Lens column must name one of them",
            )
            continue
        row.alias = homes[0]
        question = review.lenses[row.alias].question(row.question_id)
        if row.choice_id is None:
            cells.refuse(row.number, ccol, "has no choice id: every row needs the id it was exported with")
            continue
        if row.choice_id not in question.choice_ids:
            cells.refuse(
                row.number,
                ccol,
                f"{row.choice_id!r} is not a choice of question {row.question_id!r}; its choices are "
                + ", ".join(question.choice_ids),
            )
            continue
        key = (row.alias, row.question_id, row.choice_id)
        if key in seen:
            cells.refuse(row.number, ccol, f"choice {row.choice_id!r} is already answered on row {seen[key]}")
            continue
        seen[key] = row.number
        known.append(row)
    return known


def _check_rows(review: Review, rows: list[_Row], cells: _Cells, columns: dict[str, int]) -> None:
    """What a single row cannot say."""
    for row in rows:
        assert row.alias and row.question_id and row.choice_id
        choice = review.lenses[row.alias].question(row.question_id).choice(row.choice_id)
        if row.selected and row.not_applicable:
            cells.refuse(
                row.number,
                columns["Not applicable"],
                "a practice cannot be both selected and not applicable: set Selected or Not applicable to no",
            )
        if row.not_applicable and choice.is_none_of_these:
            cells.refuse(
                row.number,
                columns["Not applicable"],
                "\u201cNone of these\u201d cannot be marked not applicable (the WA Tool does not allow it): use no",
            )
        if row.reason is not None and not row.not_applicable:
            cells.refuse(
                row.number,
                columns["Not-applicable reason"],
                "a reason is kept only for a practice marked not applicable: set Not applicable to yes, or empty this cell",
            )
        if row.question_reason is not None and row.applicable is not False:
            cells.refuse(
                row.number,
                columns["Question not-applicable reason"],
                "a reason is kept only for a question that does not apply: set Question applicable to no, or empty this cell",
            )


# --- the baseline and the three-way merge --------------------------------------------------


def _baseline(book, source: str) -> dict[tuple[str, str, str], _Row] | None:
    """The answers as exported, from the hidden sheet; None when the workbook has none (or it was changed)."""
    if BASELINE_SHEET not in book.sheetnames:
        return None
    sheet = book[BASELINE_SHEET]
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    if tuple(header[: len(BASELINE_HEADERS)]) != BASELINE_HEADERS or sheet.max_row > options.MAX_WORKBOOK_ROWS.value():
        return None
    columns = {h: i for i, h in enumerate(BASELINE_HEADERS, start=1)}
    cells = _Cells(source)
    reader = _Reader(cells, columns | {LENS_COLUMN: columns["Lens alias"]})
    rows = _read_answers(reader, _sheet_rows(sheet, len(BASELINE_HEADERS)))
    if cells.problems:
        return None  # not as the kit wrote it: take the workbook as it is
    return {(r.alias or "", r.question_id or "", r.choice_id or ""): r for r in rows}


@dataclass
class _ChoiceTarget:
    status: str
    reason: str | None
    notes: str


def _choice_state(answer: Answer, choice_id: str) -> _ChoiceTarget:
    state = answer.choices.get(choice_id)
    if state is None:
        return _ChoiceTarget(ChoiceStatus.UNSELECTED, None, "")
    return _ChoiceTarget(
        state.status, state.reason if state.status == ChoiceStatus.NOT_APPLICABLE else None, state.notes
    )


def _say(value: object) -> str:
    if value is True:
        return YES
    if value is False:
        return NO
    if value in (ChoiceStatus.SELECTED, ChoiceStatus.NOT_APPLICABLE, ChoiceStatus.UNSELECTED):
        return {
            ChoiceStatus.SELECTED: "selected",
            ChoiceStatus.NOT_APPLICABLE: "not applicable",
            ChoiceStatus.UNSELECTED: "neither",
        }[ChoiceStatus(str(value))]
    if value in REASON_WORDS:
        return REASON_WORDS[str(value)]
    if value in (None, ""):
        return "empty"
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _merge(sheet: object, base: object, current: object, has_base: bool) -> tuple[object, bool]:
    """(value to keep, conflict): sheet wins where it changed, the review where only it changed."""
    if not has_base:
        return sheet, False
    if sheet == base:
        return current, False
    if current in (base, sheet):
        return sheet, False
    return current, True


def _conflict(cells: _Cells, row: int, column: int, header: str, sheet: object, current: object) -> None:
    cells.refuse(
        row,
        column,
        f"{header} was changed here (to {_say(sheet)}) and in the review since this workbook was exported "
        f"(to {_say(current)}): set the cell to the review's value to keep it, or export a fresh workbook",
    )


@dataclass
class _Plan:
    choices: dict[str, _ChoiceTarget] = field(default_factory=dict)
    applicable: bool = True
    reason: str | None = None
    notes: str = ""


def _plan(
    review: Review,
    rows: list[_Row],
    baseline: dict[tuple[str, str, str], _Row] | None,
    cells: _Cells,
    columns: dict[str, int],
) -> dict[tuple[str, str], _Plan]:
    by_question: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        by_question.setdefault((row.alias or "", row.question_id or ""), []).append(row)
    plans = {}
    for (alias, qid), group in by_question.items():
        answer = review.answer(alias, qid)
        plan = _Plan(applicable=answer.is_applicable, reason=answer.reason, notes=answer.notes)
        for row in group:
            base = baseline.get((alias, qid, row.choice_id or "")) if baseline is not None else None
            now = _choice_state(answer, row.choice_id or "")
            status, clash = _merge(row.status, base.status if base else None, now.status, base is not None)
            if clash:
                header = "Selected" if base and row.selected != base.selected else "Not applicable"
                _conflict(cells, row.number, columns[header], "the practice", row.status, now.status)
            reason, clash = _merge(row.reason, base.reason if base else None, now.reason, base is not None)
            if clash:
                _conflict(cells, row.number, columns["Not-applicable reason"], "the reason", row.reason, now.reason)
            notes, clash = _merge(row.notes, base.notes if base else None, now.notes, base is not None)
            if clash:
                _conflict(cells, row.number, columns["Choice notes"], "the notes", row.notes, now.notes)
            plan.choices[row.choice_id or ""] = _ChoiceTarget(
                str(status), str(reason) if status == ChoiceStatus.NOT_APPLICABLE and reason else None, str(notes)
            )
        for attribute, header, current in (
            ("applicable", "Question applicable", answer.is_applicable),
            ("question_reason", "Question not-applicable reason", answer.reason),
            ("question_notes", "Question notes", answer.notes),
        ):
            value = _question_value(group, attribute, header, current, baseline, alias, qid, cells, columns)
            setattr(plan, {"question_reason": "reason", "question_notes": "notes"}.get(attribute, attribute), value)
        if plan.applicable:
            plan.reason = None
        _check_none_of_these(review, alias, qid, group, plan, cells, columns)
        plans[(alias, qid)] = plan
    return plans


def _question_value(
    group: list[_Row],
    attribute: str,
    header: str,
    current: object,
    baseline: dict[tuple[str, str, str], _Row] | None,
    alias: str,
    qid: str,
    cells: _Cells,
    columns: dict[str, int],
) -> object:
    """A question column, repeated on every row of its question: the one value changed, if any."""
    column = columns[header]
    edits: dict[object, list[int]] = {}
    base_value: object = None
    has_base = False
    for row in group:
        base = baseline.get((alias, qid, row.choice_id or "")) if baseline is not None else None
        before = getattr(base, attribute) if base is not None else current
        if base is not None:
            has_base, base_value = True, before
        value = getattr(row, attribute)
        if value != before:
            edits.setdefault(value, []).append(row.number)
    if not edits:
        return current
    if len(edits) > 1:
        places = "; ".join(
            f"{_say(value)} on row{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"
            for value, numbers in edits.items()
        )
        cells.refuse(
            min(min(n) for n in edits.values()),
            column,
            f"{header} differs between rows of question {qid!r} ({places}): give it once",
        )
        return current
    ((value, numbers),) = edits.items()
    if has_base and current != base_value and current != value:
        _conflict(cells, numbers[0], column, header, value, current)
        return current
    return value


def _check_none_of_these(
    review: Review, alias: str, qid: str, group: list[_Row], plan: _Plan, cells: _Cells, columns: dict[str, int]
) -> None:
    question = review.lenses[alias].question(qid)
    none = question.none_of_these
    answer = review.answer(alias, qid)
    if none is None:
        return
    final = {c.id: plan.choices[c.id].status if c.id in plan.choices else answer.status(c.id) for c in question.choices}
    practices = [cid for cid, status in final.items() if status == ChoiceStatus.SELECTED and cid != none.id]
    if final[none.id] == ChoiceStatus.SELECTED and practices:
        rows = {row.choice_id: row.number for row in group}
        number = rows.get(none.id) or min(rows.values())
        cells.refuse(
            number,
            columns["Selected"],
            "\u201cNone of these\u201d is selected together with "
            + ", ".join(repr(cid) for cid in practices)
            + ": select either \u201cNone of these\u201d or practices",
        )


# --- applying -------------------------------------------------------------------------


def _apply(review: Review, alias: str, qid: str, plan: _Plan) -> None:
    for cid, target in plan.choices.items():
        now = _choice_state(review.answer(alias, qid), cid)
        if now.status != target.status or now.reason != target.reason:
            if target.status == ChoiceStatus.NOT_APPLICABLE:
                review.set_choice_reason(alias, qid, cid, target.reason)
            else:
                review.set_choice(alias, qid, cid, target.status)
        if _choice_state(review.answer(alias, qid), cid).notes != target.notes:
            review.set_notes(alias, qid, target.notes, choice_id=cid)
    answer = review.answer(alias, qid)
    if answer.is_applicable != plan.applicable or answer.reason != plan.reason:
        review.set_applicable(alias, qid, plan.applicable, plan.reason)
    if review.answer(alias, qid).notes != plan.notes:
        review.set_notes(alias, qid, plan.notes)


# --- the whole intake -------------------------------------------------------------------


def _check_size(sheet, columns: dict[str, int], source: str) -> None:
    """Refuse an Answers sheet too long (or its answer columns too far apart) to read in good time.

    The workbook's cells were counted before it was opened, but a row or a column is as far as
    its last cell: a single value in row 1,048,576 makes a sheet of a million rows to walk.
    """
    rows, limit = sheet.max_row, max(1, options.MAX_WORKBOOK_ROWS.value())
    if rows > limit:
        raise IntakeError.at(
            source,
            SHEET,
            f"has {rows:,} rows; the intake reads at most {limit:,}, one per choice of the review's lenses "
            f"(${options.MAX_WORKBOOK_ROWS.env} sets the limit): delete the rows below the answers",
        )
    from openpyxl.utils import get_column_letter

    last = max(columns.values())
    most = max(1, options.MAX_WORKBOOK_CELLS.value())
    if (rows - 1) * last > most:
        raise IntakeError.at(
            source,
            SHEET,
            f"its answer columns reach column {get_column_letter(last)}, so reading its "
            f"{rows - 1:,} rows means {(rows - 1) * last:,} cells, more than the {most:,} the kit reads "
            f"(${options.MAX_WORKBOOK_CELLS.env} sets the limit): keep the columns of the kit's export together",
        )


def _open(path: Path):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    source = str(path)
    if path.is_dir():
        raise IntakeError.at(source, "", "is a folder, not a workbook")
    # Read as every file the kit opens is: a regular file within the size limit, so a named
    # pipe never hangs the command and a device is never read.
    raw = read_bytes(path, IntakeError)
    # The file size says nothing of what a zip unpacks to: check that before openpyxl unpacks it.
    check_workbook(raw, source)
    try:
        # Not read-only: that mode cannot say which row an empty cell is on. data_only=False keeps
        # formulas as formulas, so they are refused rather than read as their last cached value.
        # openpyxl warns (on stderr, as Python warnings) of parts it drops, such as a spreadsheet's
        # own extensions; the intake reads none of them, so they would only be noise.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(raw), data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        detail = f" ({exc})" if isinstance(exc, OSError) and exc.strerror else ""
        raise IntakeError.at(
            source, "", f"is not an XLSX workbook{detail}: export one with pillarkit export REVIEW -o FILE.xlsx"
        ) from None
    except Exception as exc:  # whatever openpyxl meets in a part it cannot make sense of
        # The XML itself was checked whole; what is left is a part openpyxl's model refuses (an
        # attribute it does not know, a number where it wants text), each its own exception type.
        text = " ".join(str(exc).split()) or type(exc).__name__
        detail = text if len(text) <= 100 else text[:99] + "\u2026"
        raise IntakeError.at(
            source,
            "",
            f"is not an XLSX workbook the kit can read ({detail}): save it again from the spreadsheet, "
            "or export a fresh one with pillarkit export REVIEW -o FILE.xlsx",
        ) from None


def intake(review: Review, workbook: str | os.PathLike, mark_prefilled: bool = True) -> IntakeResult:
    """Apply the Answers sheet of ``workbook`` to ``review``.

    Every cell is checked first; any problem raises :class:`IntakeError` listing every one (each
    naming its cell, such as ``Answers!O17``, and what is allowed there), and the review is
    left untouched. Otherwise the review is changed in place, and each question whose answer
    changed is marked pre-filled (``workbook: <file name>``) unless ``mark_prefilled`` is false.
    """
    path = Path(workbook)
    source = str(path)
    book = _open(path)
    try:
        if SHEET not in book.sheetnames:
            raise IntakeError.at(source, "", f"has no {SHEET!r} sheet (it has {', '.join(map(repr, book.sheetnames))})")
        sheet = book[SHEET]
        header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        columns: dict[str, int] = {}
        cells = _Cells(source)
        for index, value in enumerate(header, start=1):
            name = _text(value).strip() if not _blank(value) else ""
            if name in REQUIRED or name == LENS_COLUMN:
                if name in columns:
                    cells.refuse(
                        1,
                        index,
                        f"the column {name!r} appears twice (first in {_where(1, columns[name])[len(SHEET) + 1 :]})",
                    )
                columns.setdefault(name, index)
        missing = [name for name in REQUIRED if name not in columns]
        if missing:
            cells.refuse_row(
                1,
                "the header row lacks "
                + ", ".join(repr(m) for m in missing)
                + ": keep the headers of the kit's export",
            )
        if cells.problems:
            raise IntakeError([d for _, _, d in sorted(cells.problems, key=lambda p: (p[0], p[1]))])
        _check_size(sheet, columns, source)
        reader = _Reader(cells, columns)
        rows = _read_answers(reader, _sheet_rows(sheet, max(columns.values())))
        baseline = _baseline(book, source)
    finally:
        book.close()
    known = _resolve(review, rows, cells, columns)
    _check_rows(review, known, cells, columns)
    plans = _plan(review, known, baseline, cells, columns) if not cells.problems else {}
    if cells.problems:
        raise IntakeError([d for _, _, d in sorted(cells.problems, key=lambda p: (p[0], p[1]))])

    result = IntakeResult(rows=len(rows), baseline=baseline is not None)
    for (alias, qid), plan in plans.items():
        before = review.answer(alias, qid).to_api()
        _apply(review, alias, qid, plan)
        if review.answer(alias, qid).to_api() != before:
            result.changed.append((alias, qid))
            if mark_prefilled:
                review.mark_prefilled(alias, qid, f"workbook: {path.name}")
    return result
