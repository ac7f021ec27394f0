"""The handout's "Risk register" section, and the pieces an executive edition can reuse.

The section: a lede (how many risks, how many in each status, how they are ranked), the heat
map as a picture drawn by :class:`kit.render.charts.HeatMap`, and the ranked table. Each entry
is a row (rank, rating, component and failure mode, likelihood, impact, status, owner) followed
by a row of what to do about it (how we would notice, mitigation, runbook, the review's
questions it bears on, notes). Entries are shown as they stand on the handout's date: an
acceptance that has run out reads as open, and says when it lapsed.

Reusable pieces, for the executive edition (issue 12) and anything else that summarises:
:meth:`RegisterFacts.of` (the entries as of a day, ranked, with the heat map's counts),
:func:`heatmap_png` and :func:`heatmap_alt` (the picture and its words), :func:`top` (the first
entries that are not closed) and :func:`table` (the ranked table, with or without the rows of
what to do). Templates escape everything they are given, so user text is only ever text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from kit.core import register
from kit.core.register import Entry
from kit.core.review import Review
from kit.core.vocabulary import ACCEPTED, LEVEL_WORDS, LEVELS, EntryStatus
from kit.render.handout.facts import anchor
from kit.render.handout.jinja import render
from kit.render.handout.wording import nice_date, plural

#: The heat map's picture: drawn 4.6 inches wide at 192 dpi, shown 440 CSS pixels wide.
HEATMAP_WIDTH_INCHES = 4.6
HEATMAP_DPI = 192
HEATMAP_CSS_WIDTH = 440
#: How many entries a summary (the executive edition) shows.
TOP = 5
#: The executive edition's heat map: smaller, so it sits beside the top entries on the cover's page (four A4 pages at most).
SUMMARY_HEATMAP_WIDTH_INCHES = 3.0
#: How many entries the executive edition lists beside its heat map.
SUMMARY_TOP = TOP
SUMMARY_HEATMAP_CSS_WIDTH = round(SUMMARY_HEATMAP_WIDTH_INCHES * 96)


@dataclass(frozen=True)
class RegisterFacts:
    """The register as of one day: entries ranked (lapsed acceptances open), and the heat map's counts."""

    review: Review
    entries: list[Entry]
    grid: dict[str, dict[str, int]]
    today: dt.date

    @classmethod
    def of(cls, review: Review, today: dt.date | None = None) -> RegisterFacts:
        today = today or dt.date.today()
        entries = register.ranked(register.current(review.risk_register, today))
        return cls(review, entries, register.heatmap(entries), today)

    @property
    def not_closed(self) -> int:
        return sum(not e.is_closed for e in self.entries)

    def count(self, status: str) -> int:
        return sum(e.status == status for e in self.entries)


def heatmap_png(facts: RegisterFacts, width: float = HEATMAP_WIDTH_INCHES) -> bytes:
    """The heat map as a PNG, ``width`` inches wide at :data:`HEATMAP_DPI` (shown at 96 CSS pixels an inch)."""
    from kit.render.charts import heatmap_png as draw

    return draw(facts.grid, width=width, dpi=HEATMAP_DPI)


def heatmap_alt(facts: RegisterFacts) -> str:
    """The heat map in words: every cell that holds a risk, by likelihood then impact."""
    cells = [
        f"{count} of {LEVEL_WORDS[likelihood].lower()} likelihood and {LEVEL_WORDS[impact].lower()} impact"
        for likelihood in LEVELS
        for impact in LEVELS
        if (count := facts.grid[likelihood][impact])
    ]
    if not cells:
        return "Risk register heat map: every risk is closed."
    return f"Risk register heat map of the {facts.not_closed} risks not closed: " + "; ".join(cells) + "."


def top(facts: RegisterFacts, count: int = TOP) -> list[Entry]:
    """The first ``count`` ranked entries that are not closed."""
    return [e for e in facts.entries if not e.is_closed][:count]


def _row(facts: RegisterFacts, entry: Entry, rank: int) -> dict[str, Any]:
    status = EntryStatus(entry.status)
    note = ""
    if entry.status == ACCEPTED and entry.accepted_until:
        note = f"until {nice_date(entry.accepted_until)}"
    elif entry.lapsed(facts.today):
        note = f"acceptance lapsed {nice_date(entry.accepted_until or '')}"
    questions = []
    for link in entry.questions:
        lens = facts.review.lenses.get(link.lens)
        if lens is not None and lens.has_question(link.question):
            question = lens.question(link.question)
            questions.append((anchor("q", link.lens, link.question), question.label, question.title))
        else:
            questions.append(("", f"{link.lens}/{link.question}", ""))
    texts = [
        (label, text)
        for label, text in (
            ("How we would notice", entry.detection),
            ("Mitigation", entry.mitigation),
            ("Runbook", entry.runbook),
        )
        if text.strip()
    ]
    return {
        "entry": entry,
        "rank": rank,
        "anchor": anchor("risk", entry.id),
        "band": register.band(entry.rating),
        "likelihood": LEVEL_WORDS[entry.likelihood],
        "impact": LEVEL_WORDS[entry.impact],
        "status": status.words,
        "status_css": status.css,
        "status_note": note,
        "texts": texts,
        "questions": questions,
        "notes": entry.notes if entry.notes.strip() else "",
    }


def table(
    facts: RegisterFacts, entries: list[Entry] | None = None, details: bool = True, brief: bool = False
) -> Markup:
    """The ranked table of ``entries`` (all by default), ranks as in the whole register; ``details`` adds what to do.

    ``brief``: four narrow columns (likelihood and impact in one, the owner under the status), to sit beside the heat map.
    """
    rank = {id(e): position for position, e in enumerate(facts.entries, start=1)}
    chosen = facts.entries if entries is None else entries
    rows = [_row(facts, e, rank.get(id(e), 0)) for e in chosen]
    return render("register_table.html.j2", rows=rows, details=details and not brief, brief=brief)


def lede(facts: RegisterFacts) -> Markup:
    """The section's heading and lede, which come before the heat map."""
    counts = [f"{facts.count(status)} {status.words.lower()}" for status in EntryStatus if facts.count(status)]
    text = (
        f"The team listed {plural(len(facts.entries), 'failure mode')} of the workload\u2019s components: "
        + ", ".join(counts)
        + ". Each is rated for how likely it is and how bad it would be; the table ranks them by "
        "likelihood \u00d7 impact (high counts 3, medium 2, low 1), then by status."
    )
    return render("register.html.j2", lede=text)


def summary_lede(facts: RegisterFacts, count: int = SUMMARY_TOP) -> Markup:
    """The executive edition's heading and lede: the counts, and that the table holds the top entries alone."""
    counts = [f"{facts.count(status)} {status.words.lower()}" for status in EntryStatus if facts.count(status)]
    shown = len(top(facts, count))
    if not shown:
        which = "Every risk is closed"
    elif shown < facts.not_closed:
        which = f"The table lists the {plural(shown, 'risk')} not closed that rank highest by likelihood \u00d7 impact"
    else:
        which = f"The table lists the {plural(shown, 'risk')} not closed, ranked by likelihood \u00d7 impact"
    text = (
        f"The team listed {plural(len(facts.entries), 'failure mode')} of the workload\u2019s components: "
        + ", ".join(counts)
        + f". {which}; the full handout gives every entry with what to do about it."
    )
    return render("register.html.j2", lede=text)


def section(facts: RegisterFacts) -> Markup:
    """The ranked table with what to do about each entry, which comes after the heat map."""
    return table(facts)


__all__ = [
    "HEATMAP_CSS_WIDTH",
    "SUMMARY_HEATMAP_CSS_WIDTH",
    "SUMMARY_HEATMAP_WIDTH_INCHES",
    "SUMMARY_TOP",
    "RegisterFacts",
    "heatmap_alt",
    "heatmap_png",
    "lede",
    "section",
    "summary_lede",
    "table",
    "top",
]
