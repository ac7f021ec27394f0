"""The handout's "Risk register" section, and the pieces an executive edition can reuse.

The section: a lede (how many risks, how many still open, how they are ranked), the heat map as
a picture drawn by :class:`kit.render.charts.HeatMap`, and the ranked table. Each entry is a
row (rank, rating, component and failure mode, likelihood, impact, status, owner) followed by
a row of what to do about it (how we would notice, mitigation, runbook, the review's questions
it bears on, notes). Entries are shown as they stand on the handout's date: an acceptance
that has run out reads as open, and says when it lapsed.

Reusable pieces, for the executive edition (issue 12) and anything else that summarises:
:meth:`RegisterFacts.of` (the entries as of a date, ranked, with the heat map's counts),
:func:`heatmap_png` and :func:`heatmap_alt` (the picture and its words), :func:`top` (the first
entries that are not closed) and :func:`table` (the ranked table, with or without the
"what to do" rows).

Safety: every text comes from the review and goes through :func:`kit.render.handout.fmt`, which
escapes it; nothing here is markdown or a link but the anchors to the handout's own questions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kit.core import register
from kit.core.register import Entry
from kit.core.review import Review
from kit.core.vocabulary import ACCEPTED, LEVEL_WORDS, LEVELS, STATUS_WORDS
from kit.render.handout import Html, anchor, fmt, join, nice_date

#: The heat map's picture: drawn 4.6 inches wide at 192 dpi, shown 440 CSS pixels wide.
HEATMAP_WIDTH_INCHES = 4.6
HEATMAP_DPI = 192
HEATMAP_CSS_WIDTH = 440
#: How many entries a summary (the executive edition) shows.
TOP = 5


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


def heatmap_png(facts: RegisterFacts) -> bytes:
    from kit.render.charts import heatmap_png as draw

    return draw(facts.grid, width=HEATMAP_WIDTH_INCHES, dpi=HEATMAP_DPI)


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


def _status(entry: Entry, today: dt.date) -> Html:
    words = STATUS_WORDS[entry.status]
    detail = Html()
    if entry.status == ACCEPTED and entry.accepted_until:
        detail = fmt('<span class="pk-register-until">until {}</span>', nice_date(entry.accepted_until))
    elif entry.lapsed(today):
        detail = fmt(
            '<span class="pk-register-until">acceptance lapsed {}</span>', nice_date(entry.accepted_until or "")
        )
    return fmt(
        '<span class="pk-register-status pk-register-status--{}">{}</span>{}', entry.status.lower(), words, detail
    )


def _rating(entry: Entry) -> Html:
    return fmt(
        '<span class="pk-rating pk-rating--{band}" title="Likelihood \u00d7 impact">{n}</span>',
        band=register.band(entry.rating).lower(),
        n=entry.rating,
    )


def _questions(review: Review, entry: Entry) -> Html:
    links = []
    for link in entry.questions:
        lens = review.lenses.get(link.lens)
        if lens is not None and lens.has_question(link.question):
            question = lens.question(link.question)
            links.append(
                fmt(
                    '<a href="#{}" title="{}">{}</a>',
                    anchor("q", link.lens, link.question),
                    question.title,
                    question.label,
                )
            )
        else:
            links.append(fmt("<span>{}/{}</span>", link.lens, link.question))
    return join(links, "; ")


def _details(review: Review, entry: Entry) -> Html:
    parts = [
        (label, fmt('<dd class="pk-pre">{}</dd>', text))
        for label, text in (
            ("How we would notice", entry.detection),
            ("Mitigation", entry.mitigation),
            ("Runbook", entry.runbook),
        )
        if text.strip()
    ]
    if entry.questions:
        parts.append(("Review questions", fmt("<dd>{}</dd>", _questions(review, entry))))
    if entry.notes.strip():
        parts.append(("Notes", fmt('<dd class="pk-pre">{}</dd>', entry.notes)))
    if not parts:
        return fmt('<p class="pk-empty pk-small">No detection, mitigation or runbook written yet.</p>')
    return fmt(
        '<dl class="pk-register-what">{}</dl>', join(fmt("<div><dt>{}</dt>{}</div>", label, dd) for label, dd in parts)
    )


def table(facts: RegisterFacts, entries: list[Entry] | None = None, details: bool = True) -> Html:
    """The ranked table of ``entries`` (all by default); with ``details``, each row is followed by what to do."""
    entries = facts.entries if entries is None else entries
    rank = {id(e): position for position, e in enumerate(facts.entries, start=1)}
    rows = []
    for entry in entries:
        rows.append(
            fmt(
                '<tr class="pk-register-entry" id="{anchor}" data-risk-id="{id}" data-status="{status}">'
                '<td class="pk-num">{rank}</td>'
                '<td>{rating} <span class="pk-register-id">{id}</span> <strong>{component}</strong>'
                '<span class="pk-register-mode pk-pre">{mode}</span></td>'
                "<td>{likelihood}</td><td>{impact}</td><td>{status_html}</td><td>{owner}</td></tr>",
                anchor=anchor("risk", entry.id),
                id=entry.id,
                status=entry.status,
                rank=rank.get(id(entry), ""),
                rating=_rating(entry),
                component=entry.component,
                mode=entry.failure_mode,
                likelihood=LEVEL_WORDS[entry.likelihood],
                impact=LEVEL_WORDS[entry.impact],
                status_html=_status(entry, facts.today),
                owner=entry.owner or "\u2014",
            )
        )
        if details:
            rows.append(
                fmt(
                    '<tr class="pk-register-details" data-risk-id="{}"><td></td><td colspan="5">{}</td></tr>',
                    entry.id,
                    _details(facts.review, entry),
                )
            )
    return fmt(
        '<table class="pk-register"><colgroup><col style="width:5%"><col style="width:43%"><col style="width:13%">'
        '<col style="width:11%"><col style="width:14%"><col style="width:14%"></colgroup>'
        '<thead><tr><th class="pk-num" scope="col">#</th><th scope="col">Component and failure mode</th>'
        '<th scope="col">Likelihood</th><th scope="col">Impact</th><th scope="col">Status</th><th scope="col">Owner</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        join(rows),
    )


def lede(facts: RegisterFacts) -> Html:
    """The section's heading and lede, which come before the heat map."""
    counts = [
        f"{facts.count(status)} {STATUS_WORDS[status].lower()}"
        for status in ("OPEN", "ACCEPTED", "MITIGATED", "CLOSED")
        if facts.count(status)
    ]
    total = len(facts.entries)
    text = (
        f"The team listed {total} failure mode{'s' if total != 1 else ''} of the workload\u2019s components: "
        + ", ".join(counts)
        + ". Each is rated for how likely it is and how bad it would be; the table ranks them by "
        "likelihood \u00d7 impact (high counts 3, medium 2, low 1), then by status."
    )
    return fmt(
        '<section class="pk-register-head" id="register"><div class="pk-section-head"><p class="pk-eyebrow">Failure modes</p>'
        '<h2>Risk register</h2></div><p class="pk-lede">{}</p>'
        '<p class="pk-caption">Heat map: the risks not closed, by likelihood and impact. The small number in each cell '
        "is its rating.</p></section>",
        text,
    )


def section(facts: RegisterFacts) -> Html:
    """The ranked table with what to do about each entry, which comes after the heat map."""
    return fmt('<section class="pk-register-body">{}</section>', table(facts))


__all__ = ["RegisterFacts", "heatmap_alt", "heatmap_png", "lede", "section", "table", "top"]
