"""Tabular and machine exports of a review: CSV and XLSX for spreadsheets, JSON for tools.

- **CSV**: one row for each question and choice (every practice, and "None of these"), each
  carrying its question's columns, so a spreadsheet can filter and sort it (:data:`COLUMNS`).
- **XLSX**: the same rows on an "Answers" sheet, plus a "Summary" sheet (workload, risk counts
  per pillar, roadmap, changes since the last milestone), an "Improvement plan" sheet (one row
  per missing practice of a HIGH or MEDIUM question, by horizon) and a "Parking lot" sheet.
- **JSON**: the review file's content with its computed risks, improvement plan, roadmap and
  milestone changes (:func:`to_json`).

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
from kit.core import roadmap as roadmaps
from kit.core.jsonio import dumps
from kit.core.review import REASONS, Review
from kit.core.rules import NOT_APPLICABLE as CHOICE_NA
from kit.core.rules import SELECTED
from kit.core.scoring import ReviewScore, improvement_list, score
from kit.core.text import for_document
from kit.core.vocabulary import HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED

EXPORT_FORMAT = "pillarkit-review-export"
EXPORT_VERSION = 1

#: How each risk reads in a cell and in the handout: the words of the charts' legend (``kit.render.charts.LABELS``).
RISK_WORDS = {
    HIGH: "High risk",
    MEDIUM: "Medium risk",
    NONE: "No risk",
    NOT_APPLICABLE: "Not applicable",
    UNANSWERED: "Unanswered",
}
#: How each not-applicable reason reads.
REASON_WORDS = {
    "OUT_OF_SCOPE": "Out of scope",
    "BUSINESS_PRIORITIES": "Business priorities",
    "ARCHITECTURE_CONSTRAINTS": "Architecture constraints",
    "OTHER": "Other",
    "NONE": "None given",
}
assert set(REASON_WORDS) == set(REASONS)

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
)


def level_words(choice) -> str:
    """A practice's level as it reads: the Framework's ``HIGH`` as "High", a label such as ``Required`` as it is."""
    level = choice.risk_level
    if level is None:
        return ""
    return level.capitalize() if level in ("HIGH", "MEDIUM", "LOW") else str(level)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


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
                    "Question risk": RISK_WORDS[risk],
                    "Question applicable": _yes(answer is None or answer.is_applicable),
                    "Question not-applicable reason": REASON_WORDS.get(answer.reason, answer.reason)
                    if answer and answer.reason
                    else "",
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
                            "Selected": _yes(status == SELECTED),
                            "Not applicable": _yes(status == CHOICE_NA),
                            "Not-applicable reason": REASON_WORDS.get(state.reason, state.reason)
                            if state and state.reason
                            else "",
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
            for practice in item.missing or [None]:
                rows.append(
                    {
                        "Roadmap (months)": months,
                        "Risk": RISK_WORDS[item.risk],
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
            }
        )
    return rows


# --- CSV ------------------------------------------------------------------------------


def to_csv(review: Review, result: ReviewScore | None = None) -> str:
    """The answers table as CSV text (RFC 4180 quoting, CRLF line ends), every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in answer_rows(review, result):
        writer.writerow(["" if row[h] is None else safe_cell(row[h]) for h in HEADERS])
    return buffer.getvalue()


def csv_bytes(review: Review, result: ReviewScore | None = None) -> bytes:
    """The CSV file as written: UTF-8 with a byte order mark, so that Excel reads it as UTF-8 rather than the local code page."""
    return ("\ufeff" + to_csv(review, result)).encode("utf-8")


# --- XLSX -----------------------------------------------------------------------------


def to_xlsx(review: Review, result: ReviewScore | None = None) -> bytes:
    """The workbook: Summary, Answers, Improvement plan and Parking lot sheets, as XLSX bytes."""
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
    table(book.create_sheet("Answers"), COLUMNS, answer_rows(review, result))
    table(book.create_sheet("Improvement plan"), PLAN_COLUMNS, plan_rows(review, result))
    table(book.create_sheet("Parking lot"), PARKING_COLUMNS, parking_rows(review))
    book.properties.title = safe_cell(f"Review: {review.workload.name}")[:255]
    book.properties.creator = "pillarkit"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _summary_sheet(review: Review, result: ReviewScore, sheet, put: Callable, bold, fill) -> None:
    from openpyxl.styles import Font

    workload = review.workload
    put(sheet, 1, 1, workload.name or "(unnamed workload)", Font(bold=True, size=14))
    put(sheet, 2, 1, "Well-Architected review: summary")
    facts = [
        ("Description", workload.description),
        ("Environment", workload.environment.capitalize()),
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
    headers = ["Lens", "Pillar", "High risk", "Medium risk", "No risk", "Not applicable", "Unanswered", "Questions"]
    order = (HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED)
    for c, header in enumerate(headers, start=1):
        put(sheet, row, c, header, bold).fill = fill
    row += 1
    for lens_score in result.lenses.values():
        for pillar_score in lens_score.pillars.values():
            values = (
                [lens_score.lens.name, pillar_score.pillar.name]
                + [pillar_score.counts[k] for k in order]
                + [pillar_score.counts.total]
            )
            for c, value in enumerate(values, start=1):
                put(sheet, row, c, value)
            row += 1
        values = (
            [lens_score.lens.name, "All pillars"] + [lens_score.counts[k] for k in order] + [lens_score.counts.total]
        )
        for c, value in enumerate(values, start=1):
            put(sheet, row, c, value, bold)
        row += 1
    if len(result.lenses) > 1:
        values = ["All lenses", ""] + [result.counts[k] for k in order] + [result.counts.total]
        for c, value in enumerate(values, start=1):
            put(sheet, row, c, value, bold)
        row += 1

    row += 1
    plan = roadmaps.roadmap(review, improvement_list(review, result))
    for c, header in enumerate(["Roadmap", "Questions", "High risk", "Medium risk"], start=1):
        put(sheet, row, c, header, bold).fill = fill
    row += 1
    for months, items in plan.items():
        values = [
            f"{months} months",
            len(items),
            sum(i.risk == HIGH for i in items),
            sum(i.risk == MEDIUM for i in items),
        ]
        for c, value in enumerate(values, start=1):
            put(sheet, row, c, value)
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
    {"milestone": {"name", "date"}, "changes": [...]}}``. Improvement items and changes name
    their question by ``"<lens alias>/<question id>"`` (``key``), as the roadmap does.
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
    }


def json_bytes(review: Review, result: ReviewScore | None = None) -> bytes:
    """The JSON file as written: :func:`to_json` as indented UTF-8."""
    return dumps(to_json(review, result)).encode("utf-8")


__all__ = [
    "COLUMNS",
    "HEADERS",
    "PARKING_COLUMNS",
    "PLAN_COLUMNS",
    "REASON_WORDS",
    "RISK_WORDS",
    "answer_rows",
    "csv_bytes",
    "json_bytes",
    "parking_rows",
    "plan_rows",
    "safe_cell",
    "to_csv",
    "to_json",
    "to_xlsx",
]
