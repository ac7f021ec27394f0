"""Tabular and machine exports of a review: CSV and XLSX for spreadsheets, JSON for tools.

- **CSV**: one row for each question and choice (every practice, and "None of these"), each
  carrying its question's columns, so a spreadsheet can filter and sort it (:data:`COLUMNS`).
- **XLSX**: the same rows on an "Answers" sheet, plus a "Summary" sheet (workload, risk counts
  per pillar, roadmap, the risk register's heat map, changes since the last milestone), an
  "Improvement plan" sheet (one row per missing practice of a HIGH or MEDIUM question, by
  horizon), a "Risk register" sheet (ranked, :data:`REGISTER_COLUMNS`) and a "Parking lot" sheet.
  The workbook is also made for filling in before a session and reading back with
  ``pillarkit intake`` (``kit.exchange.intake``): the answer columns (:data:`ANSWER_COLUMNS`)
  have drop-down lists and are the only unlocked cells of the Answers sheet, an
  "Instructions" sheet says how, and a hidden sheet keeps the answers as exported, so the
  intake can tell what the team changed from what changed in the review meanwhile.
- **Risk register CSV**: the register's rows alone (:func:`register_csv_bytes`), as on its sheet.
- **JSON**: the review file's content with its computed risks, improvement plan, roadmap,
  milestone changes and ranked register with its heat map (:func:`to_json`).

Every text is data. A cell that a spreadsheet could read as a formula (it starts with ``=``,
``+``, ``-`` or ``@``, possibly after spaces, or with a tab or carriage return) gets a leading
single quote, as OWASP advises against CSV injection, and XLSX cells are written as strings
(``data_type`` ``"s"``), never as formulas. Control characters become U+FFFD (:mod:`kit.core.text`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

from kit.core import milestones as milestone_changes
from kit.core import register as registers
from kit.core import roadmap as roadmaps
from kit.core.jsonio import dumps
from kit.core.lens import Choice
from kit.core.review import Review
from kit.core.scoring import ReviewScore, improvement_list, score
from kit.core.text import for_document
from kit.core.vocabulary import (
    ACCEPTED,
    HIGH,
    LEVEL_WORDS,
    LEVELS,
    MEDIUM,
    STATUS_WORDS,
    WORST_FIRST,
    ChoiceStatus,
    Environment,
    Reason,
    Risk,
)

EXPORT_FORMAT = "pillarkit-review-export"
EXPORT_VERSION = 1

# --- cell safety ----------------------------------------------------------------------

#: Characters that make a spreadsheet read a cell as a formula (OWASP: = + - @, tab, carriage return).
FORMULA_STARTS = ("=", "+", "-", "@")
_LEADING_CONTROL = ("\t", "\r", "\n")


def safe_cell(value):
    """A value that no spreadsheet will run: formula-like text gets a leading ``'``; numbers and None pass."""
    if not isinstance(value, str):
        return value
    # Control characters (XML 1.0, and so XLSX, cannot hold most of them) become U+FFFD.
    text = for_document(value)
    stripped = text.lstrip(" \t\r\n\u00a0")
    if text.startswith(_LEADING_CONTROL) or (stripped and stripped[0] in FORMULA_STARTS):
        return "'" + text
    return text


def restore_cell(value):
    """The text :func:`safe_cell` was given, for text read back from a cell the kit wrote."""
    if isinstance(value, str) and value.startswith("'") and safe_cell(value[1:]) == value:
        return value[1:]
    return value


# --- rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    width: int  # characters, for the XLSX sheet


#: The columns of the answers table, in order. One place: CSV, XLSX and the tests read them here.
COLUMNS = (
    Column("Lens", 16),
    Column("Pillar", 22),
    Column("Question code", 10),
    Column("Question ID", 18),
    Column("Question", 48),
    Column("Question risk", 13),
    Column("Question applicable", 11),
    Column("Question not-applicable reason", 18),
    Column("Question notes", 40),
    Column("Roadmap (months)", 10),
    Column("Practice code", 12),
    Column("Choice ID", 24),
    Column("Practice", 48),
    Column("Risk if missing", 10),
    Column("Selected", 9),
    Column("Not applicable", 9),
    Column("Not-applicable reason", 18),
    Column("Choice notes", 32),
    Column("Improvement", 60),
    Column("Improvement link", 40),
)
HEADERS = tuple(c.header for c in COLUMNS)

#: The columns a team fills in on the Answers sheet and ``pillarkit intake`` reads back; the others are locked.
ANSWER_COLUMNS = (
    "Question applicable",
    "Question not-applicable reason",
    "Question notes",
    "Selected",
    "Not applicable",
    "Not-applicable reason",
    "Choice notes",
)
#: The columns that hold "yes" or "no", and those that hold a not-applicable reason (a :class:`~kit.core.vocabulary.Reason`'s words).
YES_NO_COLUMNS = ("Question applicable", "Selected", "Not applicable")
REASON_COLUMNS = ("Question not-applicable reason", "Not-applicable reason")
#: Which question of the review a row answers.
KEY_COLUMNS = ("Question ID", "Choice ID")
YES, NO = "yes", "no"

#: The hidden sheet that keeps the answer columns as they were exported, for a three-way intake.
BASELINE_SHEET = "pillarkit export"
BASELINE_HEADERS = ("Lens alias", *KEY_COLUMNS, *ANSWER_COLUMNS)

PLAN_COLUMNS = (
    Column("Roadmap (months)", 10),
    Column("Risk", 12),
    Column("Lens", 16),
    Column("Pillar", 22),
    Column("Question code", 10),
    Column("Question", 48),
    Column("Practice code", 12),
    Column("Practice", 48),
    Column("Risk if missing", 10),
    Column("Improvement", 60),
    Column("Improvement link", 40),
    Column("Question notes", 40),
)

PARKING_COLUMNS = (
    Column("Topic", 60),
    Column("Owner", 20),
    Column("Lens", 16),
    Column("Question", 48),
    Column("Status", 8),
    Column("Created", 22),
    Column("From risk", 10),
)

#: The risk register's columns, on its sheet and in its CSV; rows are ranked (see :func:`kit.core.register.ranked`).
REGISTER_COLUMNS = (
    Column("Rank", 6),
    Column("ID", 8),
    Column("Component", 24),
    Column("Failure mode", 48),
    Column("Likelihood", 11),
    Column("Impact", 9),
    Column("Rating", 8),
    Column("Status", 11),
    Column("Accepted until", 13),
    Column("Detection", 40),
    Column("Mitigation", 40),
    Column("Runbook", 40),
    Column("Owner", 18),
    Column("Questions", 40),
    Column("Notes", 40),
)
REGISTER_HEADERS = tuple(c.header for c in REGISTER_COLUMNS)


def level_words(choice) -> str:
    """A practice's level as it reads: the Framework's ``HIGH`` as "High", a label such as ``Required`` as it is."""
    level = choice.risk_level
    if level is None:
        return ""
    return level.capitalize() if level in ("HIGH", "MEDIUM", "LOW") else str(level)


def _yes(flag: bool) -> str:
    return YES if flag else NO


def answer_rows(review: Review, result: ReviewScore | None = None) -> list[dict]:
    """One dict (keyed by :data:`HEADERS`) for each question and choice, in lens, pillar, question and choice order.

    Values are raw (not yet made safe for a spreadsheet); :func:`safe_cell` is applied when writing.
    """
    result = result or score(review)
    rows = []
    for alias, lens_score in result.lenses.items():
        lens = lens_score.lens
        for pillar in lens.pillars:
            for question in pillar.questions:
                answer = review.answers[alias].get(question.id)
                risk = lens_score.questions[question.id]
                on_roadmap = risk in roadmaps.DEFAULTS
                base = {
                    "Lens": lens.name,
                    "Pillar": pillar.name,
                    "Question code": question.code or "",
                    "Question ID": question.id,
                    "Question": question.title,
                    "Question risk": Risk(risk).words,
                    "Question applicable": _yes(answer is None or answer.is_applicable),
                    "Question not-applicable reason": Reason(answer.reason).words if answer and answer.reason else "",
                    "Question notes": answer.notes if answer else "",
                    "Roadmap (months)": roadmaps.horizon(review, alias, question.id, risk) if on_roadmap else None,
                }
                for choice in question.choices:
                    state = answer.choices.get(choice.id) if answer else None
                    status = state.status if state else None
                    rows.append(
                        base
                        | {
                            "Practice code": choice.code or "",
                            "Choice ID": choice.id,
                            "Practice": choice.title,
                            "Risk if missing": level_words(choice),
                            "Selected": _yes(status == ChoiceStatus.SELECTED),
                            "Not applicable": _yes(status == ChoiceStatus.NOT_APPLICABLE),
                            "Not-applicable reason": Reason(state.reason).words if state and state.reason else "",
                            "Choice notes": state.notes if state else "",
                            "Improvement": choice.improvement.text if choice.improvement else "",
                            "Improvement link": (choice.improvement.url or "") if choice.improvement else "",
                        }
                    )
    return rows


def plan_rows(review: Review, result: ReviewScore | None = None) -> list[dict]:
    """One dict (keyed by :data:`PLAN_COLUMNS`) per missing practice of each HIGH, then MEDIUM, question, by horizon."""
    result = result or score(review)
    plan = roadmaps.roadmap(review, improvement_list(review, result))
    rows = []
    for months, items in plan.items():
        for item in items:
            lens = review.lenses[item.lens]
            practices: list[Choice | None] = list(item.missing) or [None]
            for practice in practices:
                rows.append(
                    {
                        "Roadmap (months)": months,
                        "Risk": Risk(item.risk).words,
                        "Lens": lens.name,
                        "Pillar": item.pillar.name,
                        "Question code": item.question.code or "",
                        "Question": item.question.title,
                        "Practice code": (practice.code or "") if practice else "",
                        "Practice": practice.title if practice else "",
                        "Risk if missing": level_words(practice) if practice else "",
                        "Improvement": practice.improvement.text if practice and practice.improvement else "",
                        "Improvement link": (practice.improvement.url or "")
                        if practice and practice.improvement
                        else "",
                        "Question notes": item.notes,
                    }
                )
    return rows


def parking_rows(review: Review) -> list[dict]:
    rows = []
    for item in review.parking_lot:
        lens = review.lenses.get(item.lens or "")
        question = ""
        if lens is not None and item.question_id and lens.has_question(item.question_id):
            question = lens.question(item.question_id).label
        rows.append(
            {
                "Topic": item.text,
                "Owner": item.owner,
                "Lens": lens.name if lens else (item.lens or ""),
                "Question": question or (item.question_id or ""),
                "Status": "done" if item.done else "open",
                "Created": item.created,
                "From risk": item.risk or "",
            }
        )
    return rows


def question_names(review: Review, links: list[registers.QuestionLink]) -> str:
    """Linked questions as they read: ``REL13 How do you plan...``; a link the lenses lack as ``lens/question``."""
    names = []
    for link in links:
        lens = review.lenses.get(link.lens)
        if lens is not None and lens.has_question(link.question):
            names.append(lens.question(link.question).label)
        else:
            names.append(f"{link.lens}/{link.question}")
    return "; ".join(names)


def status_words(entry: registers.Entry) -> str:
    """An entry's status as it reads, saying when an acceptance has lapsed."""
    if entry.status != ACCEPTED and entry.lapsed():
        return f"{STATUS_WORDS[entry.status]} (acceptance lapsed)"
    return STATUS_WORDS[entry.status]


def register_rows(review: Review, today: dt.date | None = None) -> list[dict]:
    """One dict (keyed by :data:`REGISTER_HEADERS`) per entry, ranked, as the entries stand ``today``."""
    entries = registers.ranked(registers.current(review.risk_register, today))
    return [
        {
            "Rank": rank,
            "ID": entry.id,
            "Component": entry.component,
            "Failure mode": entry.failure_mode,
            "Likelihood": LEVEL_WORDS[entry.likelihood],
            "Impact": LEVEL_WORDS[entry.impact],
            "Rating": entry.rating,
            "Status": status_words(entry),
            "Accepted until": entry.accepted_until or "",
            "Detection": entry.detection,
            "Mitigation": entry.mitigation,
            "Runbook": entry.runbook,
            "Owner": entry.owner,
            "Questions": question_names(review, entry.questions),
            "Notes": entry.notes,
        }
        for rank, entry in enumerate(entries, start=1)
    ]


# --- CSV ------------------------------------------------------------------------------


def rows_to_csv(headers: tuple[str, ...], rows: list[dict]) -> str:
    """Rows as CSV text (RFC 4180 quoting, CRLF line ends), every cell made safe for a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if row[h] is None else safe_cell(row[h]) for h in headers])
    return buffer.getvalue()


def to_csv(review: Review, result: ReviewScore | None = None) -> str:
    """The answers table as CSV text (RFC 4180 quoting, CRLF line ends), every cell made safe."""
    return rows_to_csv(HEADERS, answer_rows(review, result))


def csv_bytes(review: Review, result: ReviewScore | None = None) -> bytes:
    """The CSV file as written: UTF-8 with a byte order mark, so that Excel reads it as UTF-8 rather than the local code page."""
    return ("\ufeff" + to_csv(review, result)).encode("utf-8")


def register_csv_bytes(review: Review) -> bytes:
    """The risk register alone as a CSV file (ranked, :data:`REGISTER_COLUMNS`), UTF-8 with a byte order mark."""
    return ("\ufeff" + rows_to_csv(REGISTER_HEADERS, register_rows(review))).encode("utf-8")


# --- XLSX -----------------------------------------------------------------------------


def to_xlsx(review: Review, result: ReviewScore | None = None) -> bytes:
    """The workbook: Summary, Answers, Instructions, Improvement plan, Risk register and Parking lot sheets, as XLSX bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    result = result or score(review)
    book = Workbook()
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="EEF1F4")
    wrap = Alignment(wrap_text=True, vertical="top")

    def put(sheet, row: int, column: int, value, font=None):
        cell = sheet.cell(row=row, column=column)
        if not isinstance(value, (str, int, float, type(None))):
            value = str(value)  # a custom lens's extension fields may hold any JSON value
        cell.value = safe_cell(value)
        if isinstance(value, str):
            cell.data_type = "s"  # a string, whatever it looks like
        if font is not None:
            cell.font = font
        return cell

    def table(sheet, columns, rows) -> None:
        for c, column in enumerate(columns, start=1):
            cell = put(sheet, 1, c, column.header, bold)
            cell.fill = header_fill
            cell.alignment = wrap
            sheet.column_dimensions[get_column_letter(c)].width = column.width
        for r, row in enumerate(rows, start=2):
            for c, column in enumerate(columns, start=1):
                put(sheet, r, c, row[column.header]).alignment = wrap
        sheet.freeze_panes = "A2"
        if rows:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"

    summary = book.active
    summary.title = "Summary"
    _summary_sheet(review, result, summary, put, bold, header_fill)
    rows = answer_rows(review, result)
    answers = book.create_sheet("Answers")
    table(answers, COLUMNS, rows)
    _made_for_filling_in(answers, len(rows))
    _instructions_sheet(book.create_sheet("Instructions"), put)
    table(book.create_sheet("Improvement plan"), PLAN_COLUMNS, plan_rows(review, result))
    table(book.create_sheet("Risk register"), REGISTER_COLUMNS, register_rows(review))
    table(book.create_sheet("Parking lot"), PARKING_COLUMNS, parking_rows(review))
    _baseline_sheet(book.create_sheet(BASELINE_SHEET), review, rows, put)
    book.properties.title = safe_cell(f"Review: {review.workload.name}")[:255]
    book.properties.creator = "pillarkit"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


#: Fill of the cells a team may change on the Answers sheet.
ANSWER_FILL = "FFF6D5"


def _made_for_filling_in(sheet, count: int) -> None:
    """Drop-down lists on every yes/no and reason cell; only the answer columns stay unlocked."""
    from openpyxl.styles import PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    if not count:
        return
    letters = {column.header: get_column_letter(i) for i, column in enumerate(COLUMNS, start=1)}
    reasons = [reason.words for reason in Reason]
    lists = [
        (YES_NO_COLUMNS, f'"{YES},{NO}"', f"{YES} or {NO}"),
        (REASON_COLUMNS, '"' + ",".join(reasons) + '"', "one of " + ", ".join(reasons)),
    ]
    for headers, formula, allowed in lists:
        check = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showDropDown=False,  # (sic) False shows the in-cell arrow
            showErrorMessage=True,
            errorTitle="Not an answer pillarkit reads",
            error=f"Choose {allowed}, or leave the cell empty.",
            promptTitle="Choose from the list",
            prompt=f"{allowed}; see the Instructions sheet",
            showInputMessage=True,
        )
        for header in headers:
            check.add(f"{letters[header]}2:{letters[header]}{count + 1}")
        sheet.add_data_validation(check)
    open_cell = Protection(locked=False)
    fill = PatternFill("solid", fgColor=ANSWER_FILL)
    for header in ANSWER_COLUMNS:
        column = HEADERS.index(header) + 1
        for row in range(2, count + 2):
            cell = sheet.cell(row=row, column=column)
            cell.protection = open_cell
            cell.fill = fill
    # No password: the lock guards against slips (an edited id would answer no question), not people.
    protection = sheet.protection
    protection.sheet = True
    protection.autoFilter = False  # filtering stays allowed, and so does resizing
    protection.formatColumns = False
    protection.formatRows = False


INSTRUCTIONS = (
    ("Answering this review in the workbook", None),
    (
        "The Answers sheet has one row for every practice of every question, and one for "
        "\u201cNone of these\u201d. Fill in the shaded columns; the others, the ids among them, are locked, "
        "because they are how each answer finds its question again.",
        None,
    ),
    ("The columns you fill in", "h"),
    (
        "Selected: \u201cyes\u201d when the team follows the practice. Select \u201cNone of these\u201d only "
        "when it follows none of them; it cannot be selected together with a practice.",
        None,
    ),
    (
        "Not applicable: \u201cyes\u201d when the practice does not apply to this workload, then choose a "
        "reason under Not-applicable reason. A practice cannot be both selected and not applicable, and "
        "\u201cNone of these\u201d cannot be marked not applicable.",
        None,
    ),
    (
        "Question applicable: \u201cno\u201d when the whole question does not apply, with a reason under "
        "Question not-applicable reason. The question then scores as not applicable, whatever is selected.",
        None,
    ),
    (
        "Question columns repeat on every row of their question. Change them on any one row: rows left "
        "as they were keep the old value, and two rows changed to different values are refused.",
        None,
    ),
    (
        "Notes: at most 250 characters for a practice and 2,084 for a question, the limits of the AWS "
        "Well-Architected Tool. Longer notes are refused, never cut.",
        None,
    ),
    (
        "Every yes/no and reason cell offers a drop-down list. An empty Selected or Not applicable cell "
        "means \u201cno\u201d; an empty Question applicable cell means \u201cyes\u201d. Rows you delete change nothing.",
        None,
    ),
    ("How a practice marked not applicable scores", "h"),
    (
        "As in the AWS Well-Architected Tool: where a question asks for every practice of a group, a "
        "practice marked not applicable counts as met; where it asks for any one of a group, it does not "
        "count. The risk columns show the risk when the workbook was exported and do not change as you type.",
        None,
    ),
    ("Bringing the answers back", "h"),
    (
        "The facilitator runs: pillarkit intake REVIEW.json --from THIS-WORKBOOK.xlsx. It checks every "
        "cell first. If any is wrong it lists each one by sheet and cell (such as Answers!O17) with what "
        "is allowed there, and changes nothing. Otherwise it updates the review, and every question it "
        "changed is marked pre-filled until it is confirmed in the session.",
        None,
    ),
    (
        "If the review itself changed after this workbook was exported, a cell changed in both places is "
        "refused rather than guessed: set it to the review\u2019s value to keep that, or export a fresh workbook.",
        None,
    ),
    (
        "The sheet protection has no password. It guards against slips, such as typing over an id, "
        "which would leave an answer with no question to go to.",
        None,
    ),
)


def _instructions_sheet(sheet, put: Callable) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.column_dimensions["A"].width = 110
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1
    for index, (text, kind) in enumerate(INSTRUCTIONS):
        if kind == "h" and index:
            row += 1
        font = Font(bold=True, size=14) if index == 0 else Font(bold=True) if kind == "h" else None
        put(sheet, row, 1, text, font).alignment = wrap
        row += 1


def _baseline_sheet(sheet, review: Review, rows: list[dict], put: Callable) -> None:
    """The answer columns as exported, keyed like the Answers sheet; very hidden, so only the intake sees it."""
    aliases = [
        alias for alias, lens in review.lenses.items() for question in lens.questions() for _ in question.choices
    ]
    for c, header in enumerate(BASELINE_HEADERS, start=1):
        put(sheet, 1, c, header)
    for r, (alias, row) in enumerate(zip(aliases, rows, strict=True), start=2):
        put(sheet, r, 1, alias)
        for c, header in enumerate(BASELINE_HEADERS[1:], start=2):
            put(sheet, r, c, row[header])
    sheet.sheet_state = "veryHidden"


def _summary_sheet(review: Review, result: ReviewScore, sheet, put: Callable, bold, fill) -> None:
    from openpyxl.styles import Font

    workload = review.workload
    put(sheet, 1, 1, workload.name or "(unnamed workload)", Font(bold=True, size=14))
    put(sheet, 2, 1, "Well-Architected review: summary")
    put(sheet, 3, 1, "To answer the review in this workbook, read the Instructions sheet.")
    facts = [
        ("Description", workload.description),
        ("Environment", Environment(workload.environment).words),
        ("Owner", workload.owner),
        ("Review date", workload.review_date),
        ("Facilitator", workload.facilitator),
        ("Participants", ", ".join(workload.participants)),
        (
            "Lenses",
            "; ".join(
                f"{lens.name} ({lens.edition})" if lens.edition else lens.name for lens in review.lenses.values()
            ),
        ),
        ("Exported", dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()),
    ]
    row = 4
    for label, value in facts:
        put(sheet, row, 1, label, bold)
        put(sheet, row, 2, value)
        row += 1

    row += 1
    headers = ["Lens", "Pillar", *(risk.words for risk in WORST_FIRST), "Questions"]
    order = WORST_FIRST
    for c, header in enumerate(headers, start=1):
        put(sheet, row, c, header, bold).fill = fill
    row += 1
    for lens_score in result.lenses.values():
        for pillar_score in lens_score.pillars.values():
            values: list[str | int] = (
                [lens_score.lens.name, pillar_score.pillar.name]
                + [pillar_score.counts[k] for k in order]
                + [pillar_score.counts.total]
            )
            for c, entry in enumerate(values, start=1):
                put(sheet, row, c, entry)
            row += 1
        values = (
            [lens_score.lens.name, "All pillars"] + [lens_score.counts[k] for k in order] + [lens_score.counts.total]
        )
        for c, entry in enumerate(values, start=1):
            put(sheet, row, c, entry, bold)
        row += 1
    if len(result.lenses) > 1:
        values = ["All lenses", ""] + [result.counts[k] for k in order] + [result.counts.total]
        for c, entry in enumerate(values, start=1):
            put(sheet, row, c, entry, bold)
        row += 1

    row += 1
    plan = roadmaps.roadmap(review, improvement_list(review, result))
    for c, header in enumerate(["Roadmap", "Questions", HIGH.words, MEDIUM.words], start=1):
        put(sheet, row, c, header, bold).fill = fill
    row += 1
    for months, items in plan.items():
        values = [
            f"{months} months",
            len(items),
            sum(i.risk == HIGH for i in items),
            sum(i.risk == MEDIUM for i in items),
        ]
        for c, entry in enumerate(values, start=1):
            put(sheet, row, c, entry)
        row += 1

    entries = registers.current(review.risk_register)
    if entries:
        row += 1
        grid = registers.heatmap(entries)
        put(sheet, row, 1, "Risk register", bold).fill = fill
        put(sheet, row, 2, "Entries not closed, by likelihood (down) and impact (across)").fill = fill
        row += 1
        across = tuple(reversed(LEVELS))
        for c, level in enumerate(across, start=2):
            put(sheet, row, c, f"{LEVEL_WORDS[level]} impact", bold)
        row += 1
        for likelihood in LEVELS:
            put(sheet, row, 1, f"{LEVEL_WORDS[likelihood]} likelihood", bold)
            for c, impact in enumerate(across, start=2):
                put(sheet, row, c, grid[likelihood][impact])
            row += 1

    diff = milestone_changes.compare(review, result=result)
    if diff is not None:
        row += 1
        put(sheet, row, 1, "Since milestone", bold)
        put(sheet, row, 2, f"{diff.milestone.name} ({diff.milestone.date})")
        row += 1
        for kind, count in diff.counts().items():
            put(sheet, row, 1, kind.capitalize())
            put(sheet, row, 2, count)
            row += 1

    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 28
    for letter in "CDEFGH":
        sheet.column_dimensions[letter].width = 14


# --- JSON -----------------------------------------------------------------------------


def to_json(review: Review, result: ReviewScore | None = None) -> dict:
    """The review with its computed risks, for tools.

    ``{"format": "pillarkit-review-export", "version": 1, "exported": ISO time, "review": the
    review file's content, "score": what ``pillarkit score --json`` prints, "improvement_plan":
    [...], "roadmap": {"3": [keys], "12": [...], "36": [...]}, "milestone_changes": null or
    {"milestone": {"name", "date"}, "changes": [...]}}, "risk_register": what ``pillarkit
    register --json`` prints}``. Improvement items and changes name their question by
    ``"<lens alias>/<question id>"`` (``key``), as the roadmap does.
    """
    from kit import __version__

    result = result or score(review)
    items = improvement_list(review, result)
    plan = roadmaps.roadmap(review, items)
    diff = milestone_changes.compare(review, result=result)
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "pillarkit": __version__,
        "review": review.to_dict(),
        "score": result.to_json(),
        "improvement_plan": [
            {
                "key": roadmaps.item_key(item.lens, item.question.id),
                "lens": item.lens,
                "pillar": item.pillar.id,
                "question": item.question.id,
                "code": item.question.code,
                "title": item.question.title,
                "risk": item.risk,
                "horizon": roadmaps.horizon(review, item.lens, item.question.id, item.risk),
                "notes": item.notes,
                "missing": [
                    {
                        "choice": c.id,
                        "code": c.code,
                        "title": c.title,
                        "level": c.risk_level,
                        "improvement": c.improvement.text if c.improvement else None,
                        "url": c.improvement.url if c.improvement else None,
                    }
                    for c in item.missing
                ],
            }
            for item in items
        ],
        "roadmap": {
            str(months): [roadmaps.item_key(i.lens, i.question.id) for i in plan_items]
            for months, plan_items in plan.items()
        },
        "milestone_changes": None
        if diff is None
        else {
            "milestone": {"name": diff.milestone.name, "date": diff.milestone.date},
            "counts": diff.counts(),
            "changes": [
                {
                    "key": roadmaps.item_key(c.lens, c.question.id),
                    "lens": c.lens,
                    "question": c.question.id,
                    "before": c.before,
                    "after": c.after,
                    "kind": c.kind,
                }
                for c in diff.changes
            ],
        },
        "risk_register": registers.to_json(registers.current(review.risk_register)),
    }


def json_bytes(review: Review, result: ReviewScore | None = None) -> bytes:
    """The JSON file as written: :func:`to_json` as indented UTF-8."""
    return dumps(to_json(review, result)).encode("utf-8")


__all__ = [
    "ANSWER_COLUMNS",
    "BASELINE_SHEET",
    "COLUMNS",
    "HEADERS",
    "PARKING_COLUMNS",
    "PLAN_COLUMNS",
    "REGISTER_COLUMNS",
    "REGISTER_HEADERS",
    "answer_rows",
    "csv_bytes",
    "json_bytes",
    "parking_rows",
    "plan_rows",
    "register_csv_bytes",
    "register_rows",
    "restore_cell",
    "safe_cell",
    "to_csv",
    "to_json",
    "to_xlsx",
]
