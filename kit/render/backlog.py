"""The backlog: the improvement plan, the register's open risks and the open parked topics, as one CSV.

``pillarkit export REVIEW -o backlog.csv --backlog`` writes it, and the app offers it as a
download. One row per piece of work, in this order: the improvement plan (one row per HIGH or
MEDIUM question, by roadmap horizon, then as the plan orders them), the register's open entries
(ranked; an acceptance that has lapsed counts as open), and the parked topics not yet done.

The columns (:data:`COLUMNS`) suit both importers without editing the file:

- Jira's CSV importer maps ``Summary`` (the one column it requires), ``Description``,
  ``Issue Type``, ``Priority`` and ``Labels`` by name; it reads a repeated ``Labels`` column as
  several labels, and wants headers without punctuation.
- GitHub has no CSV import of its own; the usual tool (``github-csv-tools``) reads ``title``
  (required), ``body`` and ``labels`` (any case; the first ``labels`` column, split on commas),
  so ``Title`` and ``Body`` repeat ``Summary`` and ``Description``.

``Key`` is stable: the same piece of work has the same key in every export, built from the
review's id and the item's own (``pk-<review id>-plan-<lens>-<question>``,
``pk-<review id>-risk-<entry id>``, ``pk-<review id>-parked-P<n>``, where a parked topic is
numbered by its place in the parking lot, which the kit only ever appends to). It is also the second
label, so the issue an earlier import made can be found (in Jira, ``labels = <key>``) and
updated rather than made again. ``Owner``, ``Source`` and ``Horizon`` carry the rest for a
person mapping fields by hand. Cells are made safe for spreadsheets like every other CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from kit.core import register as registers
from kit.core import roadmap as roadmaps
from kit.core.errors import RegisterError
from kit.core.register import Entry
from kit.core.review import ParkedItem, Review
from kit.core.scoring import Improvement, ReviewScore, improvement_list, score
from kit.core.vocabulary import HIGH, LEVEL_WORDS, MEDIUM, OPEN, Risk
from kit.render.tables import level_words, question_names, safe_cell, status_words

#: The columns in order; ``Labels`` appears twice on purpose (Jira reads each as one label).
COLUMNS = (
    "Key",
    "Summary",
    "Description",
    "Issue Type",
    "Priority",
    "Labels",
    "Labels",
    "Title",
    "Body",
    "Owner",
    "Source",
    "Horizon",
)
#: Jira's and GitHub's titles stop at 255 characters; a longer summary is shortened there (with an
#: ellipsis) and given whole at the top of the description, so nothing is lost.
SUMMARY_LIMIT = 255
ISSUE_TYPE = "Task"
#: The first label of each kind of row: one word, so Jira and GitHub both read it as one label.
KIND_LABELS = {"plan": "pillarkit-plan", "risk": "pillarkit-risk", "parked": "pillarkit-parked"}
SOURCES = {"plan": "Improvement plan", "risk": "Risk register", "parked": "Parking lot"}
#: Jira's default priorities for a question's risk, and for a register entry's rating (likelihood x impact).
PLAN_PRIORITY: dict[str, str] = {HIGH: "High", MEDIUM: "Medium"}


def risk_priority(entry: Entry) -> str:
    """High for a rating of 6 or 9, Medium for 3 or 4, Low for 1 or 2 (:func:`kit.core.register.band`)."""
    return LEVEL_WORDS[registers.band(entry.rating)]


def key(review: Review, kind: str, *parts: str) -> str:
    return "-".join(["pk", review.id, kind, *parts])


def shorten(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """One line of at most ``limit`` characters, cut at a word with an ellipsis when it is longer."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "\u2026"


def _row(review: Review, kind: str, item_key: str, summary: str, lines: list[str], **extra: str) -> dict[str, Any]:
    title = shorten(summary)
    if title != " ".join(summary.split()):
        lines = [summary, ""] + lines
    description = "\n".join(lines + ["", f"pillarkit key: {item_key} (review: {review.workload.name or review.id})"])
    return {
        "Key": item_key,
        "Summary": title,
        "Description": description,
        "Issue Type": ISSUE_TYPE,
        "Priority": extra.get("priority", ""),
        "Labels": (KIND_LABELS[kind], item_key),
        "Title": title,
        "Body": description,
        "Owner": extra.get("owner", ""),
        "Source": SOURCES[kind],
        "Horizon": extra.get("horizon", ""),
    }


def plan_row(review: Review, item: Improvement, months: int) -> dict[str, Any]:
    lens = review.lenses[item.lens]
    question = item.question
    lines = [
        f"{Risk(item.risk).words} in the review; on the roadmap within {months} months.",
        f"Lens: {lens.name}. Pillar: {item.pillar.name}.",
    ]
    if question.helpful and question.helpful.url:
        lines.append(f"Guidance: {question.helpful.url}")
    if item.missing:
        lines += ["", "Practices to put in place:"]
        for practice in item.missing:
            level = level_words(practice)
            code = f"{practice.code} " if practice.code else ""
            lines.append(f"- {code}{practice.title}" + (f" ({level} risk if missing)" if level else ""))
            if practice.improvement:
                lines.append(f"  First step: {practice.improvement.text}")
                if practice.improvement.url:
                    lines.append(f"  {practice.improvement.url}")
    if item.notes:
        lines += ["", "Notes from the review:", item.notes]
    return _row(
        review,
        "plan",
        key(review, "plan", item.lens, question.id),
        f"{question.code}: {question.title}" if question.code else question.title,
        lines,
        priority=PLAN_PRIORITY.get(item.risk, ""),
        horizon=f"{months} months",
    )


def risk_row(review: Review, entry: Entry) -> dict[str, Any]:
    lines = [
        f"Component: {entry.component}",
        f"Failure mode: {entry.failure_mode}",
        f"Likelihood: {LEVEL_WORDS[entry.likelihood]}. Impact: {LEVEL_WORDS[entry.impact]}. "
        f"Rating: {entry.rating} of 9. Status: {status_words(entry)}"
        + (f", accepted until {entry.accepted_until}." if entry.lapsed() else "."),
    ]
    for label, text in (
        ("How we would notice", entry.detection),
        ("Mitigation", entry.mitigation),
        ("Runbook", entry.runbook),
        ("Owner", entry.owner),
        ("Review questions", question_names(review, entry.questions)),
        ("Notes", entry.notes),
    ):
        if text:
            lines.append(f"{label}: {text}")
    return _row(
        review,
        "risk",
        key(review, "risk", entry.id),
        f"Risk {entry.id}: {entry.component}: {entry.failure_mode}",
        lines,
        priority=risk_priority(entry),
        owner=entry.owner,
    )


def parked_row(review: Review, item: ParkedItem, number: int) -> dict[str, Any]:
    lines = [item.text]
    lens = review.lenses.get(item.lens or "")
    if lens is not None and item.question_id and lens.has_question(item.question_id):
        lines.append(f"Raised at: {lens.question(item.question_id).label}")
    if item.risk:
        try:
            entry = registers.entry(review, item.risk)
            lines.append(f"Open question on risk {entry.id}: {entry.component}: {entry.failure_mode}")
        except RegisterError:
            lines.append(f"Open question on risk {item.risk}")
    if item.owner:
        lines.append(f"Owner: {item.owner}")
    if item.created:
        lines.append(f"Parked: {item.created}")
    first = next((line for line in item.text.splitlines() if line.strip()), item.text)
    return _row(review, "parked", key(review, "parked", f"P{number}"), f"Follow up: {first}", lines, owner=item.owner)


def rows(review: Review, result: ReviewScore | None = None, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The backlog's rows: plan items by horizon, open risks ranked, open parked topics in order."""
    result = result or score(review)
    found = []
    for months, items in roadmaps.roadmap(review, improvement_list(review, result)).items():
        found += [plan_row(review, item, months) for item in items]
    entries = registers.ranked(registers.current(review.risk_register, today))
    found += [risk_row(review, entry) for entry in entries if entry.status == OPEN]
    found += [
        parked_row(review, item, number) for number, item in enumerate(review.parking_lot, start=1) if not item.done
    ]
    return found


def to_csv(review: Review, result: ReviewScore | None = None) -> str:
    """The backlog as CSV text (RFC 4180 quoting, CRLF line ends), every cell made safe for a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(review, result):
        cells: list[Any] = []
        for name in dict.fromkeys(COLUMNS):  # each name once; the two Labels cells come from one tuple
            cells.extend(row[name] if name == "Labels" else [row[name]])
        writer.writerow([safe_cell(value) for value in cells])
    return buffer.getvalue()


def csv_bytes(review: Review, result: ReviewScore | None = None) -> bytes:
    """The backlog as written: UTF-8 with a byte order mark (Jira and Excel read it as UTF-8).

    ``Key`` comes first, so an importer that keeps the mark as part of the first header only
    misnames a column that it does not need.
    """
    return ("\ufeff" + to_csv(review, result)).encode("utf-8")


__all__ = ["COLUMNS", "csv_bytes", "key", "rows", "to_csv"]
