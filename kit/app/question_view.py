"""The question view: ONE set of widgets, filled in again for each question.

Rows for choices are pooled: a question with seven practices shows the first seven rows,
and a later question with ten adds three more to the pool. "None of these" has its own row,
always last, so its CSS class (``pk-choice-none``) never moves. A choice's details (help
text, official link, "does not apply" with a reason, a note) are built the first time they
are opened. Every change goes through ``change`` (the app hands it to the session, which
changes the review only with ``Review``'s setters and keeps it for undo), and the app then
calls :meth:`QuestionView.refresh_answer`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import ipywidgets as w
from markupsafe import escape

from kit.app.events import Events
from kit.app.ui import (
    checkbox,
    classed,
    dropdown,
    esc_lines,
    held,
    html,
    link,
    set_class,
    show,
    spoken,
    textarea,
    toggle,
)
from kit.core import fieldstats, roadmap
from kit.core.errors import NoteTooLongError
from kit.core.lens import Choice, Lens, Question
from kit.core.review import CHOICE_NOTES_LIMIT, QUESTION_NOTES_LIMIT, Answer, Prefill, Review
from kit.core.vocabulary import HIGH, MEDIUM, REASONS, UNANSWERED, ChoiceStatus, Reason, Risk

#: A change to the question on screen: a call to a Review setter (what it returns is not used).
Mutate = Callable[[Review, str, str], object]


class Change(Protocol):
    """Apply ``mutate(review, alias, question_id)`` to the question on screen; ``label`` names it for Undo."""

    def __call__(self, mutate: Mutate, label: str, key: str = "", rescore: bool = True) -> None: ...


#: Dropdown options: "" stands for no reason given (a Dropdown value cannot be None).
REASON_OPTIONS = [("Reason: not given", "")] + [(reason.words, reason) for reason in REASONS]

LEVEL_TEXT = {"HIGH": "high", "MEDIUM": "medium", "LOW": "low"}
#: The roadmap selector's buttons: (label, months), one per kit.core.roadmap horizon.
HORIZON_OPTIONS = [(f"{months} months", months) for months in roadmap.HORIZONS]
#: The risks that put a question on the roadmap (the others hide the selector).
ON_ROADMAP = (HIGH, MEDIUM)


def badge_html(risk: str) -> str:
    known = Risk(risk)
    return f"<span class='pk-badge {known.css}' data-risk='{known}'>{escape(known.words)}</span>"


def notes_count_html(length: int, limit: int) -> str:
    over = length > limit
    cls = "pk-count pk-count-over" if over else "pk-count"
    extra = f" – too long by {length - limit}: not saved until you shorten it" if over else ""
    return f"<span class='{cls}'>{length} / {limit}{extra}</span>"


class ChoiceRow:
    """One choice: a checkbox and a details toggle; the details are built on demand.

    A choice's state beyond ticked or not (does not apply, has a note) is said in the
    checkbox's own label, so a row costs three widgets.
    """

    def __init__(self, view: QuestionView, index: int, none_of_these: bool = False):
        self.view = view
        self.index = index
        self.choice: Choice | None = None
        marker = "pk-choice-none" if none_of_these else f"pk-choice-{index + 1}"
        self.checkbox = checkbox("", "pk-choice", marker)
        self.more = toggle(
            "", "pk-choice-more", tooltip="Help, official link, does not apply, note", icon="info-circle"
        )
        self.line = classed(
            w.HBox([self.more, self.checkbox]), "pk-choice-row", *(["pk-choice-row-none"] if none_of_these else [])
        )
        # Built on first open:
        self.details: w.VBox | None = None
        self.help: w.HTML | None = None
        self.na: w.Checkbox | None = None
        self.reason: w.Dropdown | None = None
        self.notes: w.Textarea | None = None
        self.notes_count: w.HTML | None = None
        self.na_row: w.HBox | None = None
        events = view.events
        events.observe(self.checkbox, self._on_tick, "ticking a choice")
        events.observe(self.more, self._on_more, "opening a choice's details")

    # --- filling in -----------------------------------------------------------------

    def show_choice(self, choice: Choice, answer: Answer) -> None:
        self.choice = choice
        self.more.tooltip = f"Details of “{choice.title}”: help, official link, does not apply, note"
        if self.more.value:
            self.more.value = False
        if self.details is not None:
            self._fill_details(answer)
        self.refresh(answer)

    def refresh(self, answer: Answer) -> None:
        """Bring the row in line with the answer (statuses, reasons); notes being typed are left alone."""
        assert self.choice is not None
        status = answer.status(self.choice.id)
        entry = answer.choices.get(self.choice.id)
        label = self.choice.title
        if status == ChoiceStatus.NOT_APPLICABLE:
            reason = entry.reason if entry else None
            label += " — does not apply" + (f" ({Reason(reason).words.lower()})" if reason else "")
        if entry and entry.notes:
            label += " — has a note"
        with self.checkbox.hold_sync():
            self.checkbox.description = label
            self.checkbox.value = status == ChoiceStatus.SELECTED
            self.checkbox.disabled = status == ChoiceStatus.NOT_APPLICABLE
        if self.details is not None:
            assert self.na is not None and self.reason is not None
            with held([self.na, self.reason]):
                self.na.value = status == ChoiceStatus.NOT_APPLICABLE
                self.reason.value = (entry.reason or "") if entry and status == ChoiceStatus.NOT_APPLICABLE else ""
            show(self.reason, status == ChoiceStatus.NOT_APPLICABLE)

    # --- details ------------------------------------------------------------------

    def _build_details(self) -> None:
        events = self.view.events
        self.help = html("", "pk-choice-help")
        self.na = checkbox("This practice does not apply", "pk-choice-na")
        self.reason = spoken(
            dropdown(REASON_OPTIONS, "pk-choice-na-reason", value=""), "Why the practice does not apply"
        )
        self.notes = spoken(
            textarea(
                "",
                "pk-choice-notes",
                placeholder=f"A note on this practice (up to {CHOICE_NOTES_LIMIT} characters)",
                rows=2,
            ),
            "Note on this practice",
        )
        self.notes_count = html("", "pk-choice-notes-count")
        events.observe(self.na, self._on_na, "marking a practice as not applicable")
        events.observe(self.reason, self._on_reason, "choosing why a practice does not apply")
        events.observe(self.notes, self._on_notes, "writing a note on a practice")
        self.na_row = classed(w.HBox([self.na, self.reason]), "pk-choice-na-row")
        self.details = classed(w.VBox([self.help, self.na_row, self.notes, self.notes_count]), "pk-choice-details")

    def _fill_details(self, answer: Answer) -> None:
        assert self.choice is not None and self.details is not None
        assert self.help is not None and self.notes is not None and self.notes_count is not None
        choice = self.choice
        lens, question = self.view.lens, self.view.question
        assert lens is not None and question is not None
        parts: list[str] = []
        if choice.description:
            parts.append(f"<p class='pk-choice-description'>{esc_lines(choice.description)}</p>")
        if choice.helpful and choice.helpful.text:
            parts.append(f"<p class='pk-help-text'>{esc_lines(choice.helpful.text)}</p>")
        if choice.improvement and choice.improvement.text:
            parts.append(
                f"<p class='pk-improvement'><b>First step if you don't:</b> {esc_lines(choice.improvement.text)}</p>"
            )
        facts: list[str] = []
        if choice.code:
            facts.append(escape(choice.code))
        if choice.risk_level in LEVEL_TEXT:
            facts.append(f"risk if missing: {LEVEL_TEXT[choice.risk_level]}")
        links: list[str] = []
        if choice.helpful and choice.helpful.url:
            links.append(link("official guidance", choice.helpful.url))
        if (
            choice.improvement
            and choice.improvement.url
            and (not choice.helpful or choice.improvement.url != choice.helpful.url)
        ):
            links.append(link("improvement plan", choice.improvement.url))
        for kind, resource in choice.resources:
            links.append(link(resource.text or kind.lower().replace("_", " "), resource.url))
        if facts or links:
            parts.append(f"<p class='pk-choice-facts'>{' · '.join(facts + links)}</p>")
        for stat in fieldstats.for_choice(lens, question.id, choice.id):
            parts.append(f"<p class='pk-fieldstat'>{escape(stat.sentence)}</p>")
        self.help.value = "".join(parts) or "<p class='pk-help-text'>No help text for this choice.</p>"
        entry = answer.choices.get(choice.id)
        notes = entry.notes if entry else ""
        with self.view.events.quiet():
            self.notes.value = notes
            self.notes_count.value = notes_count_html(len(notes), CHOICE_NOTES_LIMIT)
            set_class(self.notes, "pk-invalid", False)
            # "None of these" cannot be marked not applicable in the console either.
            show(self.na_row, not choice.is_none_of_these)

    # --- callbacks ----------------------------------------------------------------

    def _on_tick(self, change: dict) -> None:
        assert self.choice is not None
        status = ChoiceStatus.SELECTED if change["new"] else ChoiceStatus.UNSELECTED
        cid, title = self.choice.id, self.choice.title
        verb = "ticking" if change["new"] else "unticking"
        self.view.change(lambda review, alias, qid: review.set_choice(alias, qid, cid, status), f"{verb} “{title}”")

    def _on_more(self, change: dict) -> None:
        if change["new"] and self.details is None:
            self._build_details()
        if change["new"]:
            with self.view.events.quiet():
                self._fill_details(self.view.answer())
                self.refresh(self.view.answer())
        self.view.lay_out_choices()

    def _on_na(self, change: dict) -> None:
        assert self.choice is not None
        cid, title = self.choice.id, self.choice.title
        status = ChoiceStatus.NOT_APPLICABLE if change["new"] else ChoiceStatus.UNSELECTED
        what = "marking" if change["new"] else "unmarking"
        self.view.change(
            lambda review, alias, qid: review.set_choice(alias, qid, cid, status), f"{what} “{title}” as not applicable"
        )

    def _on_reason(self, change: dict) -> None:
        assert self.choice is not None
        cid, reason = self.choice.id, change["new"] or None
        self.view.change(
            lambda review, alias, qid: review.set_choice_reason(alias, qid, cid, reason),
            f"the reason “{self.choice.title}” does not apply",
        )

    def _on_notes(self, change: dict) -> None:
        assert self.choice is not None and self.notes is not None and self.notes_count is not None
        cid, notes = self.choice.id, change["new"]
        self.notes_count.value = notes_count_html(len(notes), CHOICE_NOTES_LIMIT)
        ok = self.view.save_notes(notes, cid)
        set_class(self.notes, "pk-invalid", not ok)


class QuestionView:
    """One question at a time: header, description, field statistics, choices, not applicable, notes."""

    def __init__(
        self,
        events: Events,
        change: Change,
        report: Callable[[str], object],
        confirmed: Callable[[], None] = lambda: None,
    ):
        """``change`` changes the answer on screen; ``report(text)`` shows an error in the message line;
        ``confirmed()`` follows the team's confirming a pre-filled answer."""
        self.events = events
        self.change = change
        self.report = report
        self.confirmed = confirmed
        self.lens: Lens | None = None
        self.question: Question | None = None
        self._answer = Answer()
        self.risk: str = UNANSWERED
        self.revealed = True

        self.pillar = html("", "pk-question-pillar")
        self.badge = html(badge_html(UNANSWERED), "pk-risk-badge")
        self.horizon = classed(
            w.ToggleButtons(
                options=HORIZON_OPTIONS,
                value=roadmap.HORIZONS[0],
                description="Roadmap",
                tooltips=[f"Plan the improvements within {months} months" for months in roadmap.HORIZONS],
                style={"button_width": "auto", "description_width": "auto"},
            ),
            "pk-horizon",
        )
        # A pre-filled answer (from a template or a workbook) says so until the team confirms it.
        self.prefill_note = html("", "pk-prefill-note")
        self.confirm = classed(
            w.Button(
                description="Confirm this answer",
                icon="check",
                button_style="warning",
                tooltip="The team agrees with the pre-filled answer",
                layout=w.Layout(width="auto"),
            ),
            "pk-confirm",
        )
        self.prefill_bar = classed(w.HBox([self.prefill_note, self.confirm]), "pk-prefill-bar")
        show(self.prefill_bar, False)
        self.title = html("", "pk-question-title")
        self.description = html("", "pk-question-description")
        self.fieldstat = html("", "pk-question-fieldstat")
        self.reveal = classed(
            w.Button(description="Reveal the choices", icon="eye", button_style="info", layout=w.Layout(width="auto")),
            "pk-reveal",
        )
        self.rows: list[ChoiceRow] = []
        self._visible: list[ChoiceRow] = []
        self.none_row = ChoiceRow(self, -1, none_of_these=True)
        self.choices = classed(w.VBox([]), "pk-choices")
        self.na = checkbox("This question does not apply to this workload", "pk-na-toggle")
        self.na_reason = spoken(dropdown(REASON_OPTIONS, "pk-na-reason", value=""), "Why the question does not apply")
        self.notes = spoken(
            textarea("", "pk-notes", placeholder="Notes: what the team said, decisions, evidence", rows=4),
            "Notes on this question",
        )
        self.notes_count = html("", "pk-notes-count")
        show(self.na_reason, False)
        show(self.reveal, False)
        show(self.horizon, False)

        events.observe(self.horizon, self._on_horizon, "moving the question on the roadmap")
        events.observe(self.na, self._on_na, "marking the question as not applicable")
        events.observe(self.na_reason, self._on_na_reason, "choosing why the question does not apply")
        events.observe(self.notes, self._on_notes, "writing notes")
        events.click(self.reveal, self.show_choices, "revealing the choices")
        events.click(self.confirm, self._on_confirm, "confirming a pre-filled answer")

        status = w.HBox([self.horizon, self.badge], layout=w.Layout(align_items="center"))
        header = classed(w.HBox([self.pillar, status]), "pk-question-header")
        self.widget = classed(
            w.VBox(
                [
                    header,
                    self.prefill_bar,
                    self.title,
                    self.description,
                    self.fieldstat,
                    self.reveal,
                    self.choices,
                    classed(w.HBox([self.na, self.na_reason]), "pk-na-row"),
                    self.notes,
                    self.notes_count,
                ]
            ),
            "pk-question",
        )

    # --- reading the model ----------------------------------------------------------

    def answer(self) -> Answer:
        """The answer on screen, as last shown."""
        return self._answer

    @property
    def visible_rows(self) -> list[ChoiceRow]:
        """The rows showing the current question's choices, "None of these" last."""
        return list(self._visible)

    # --- filling in -----------------------------------------------------------------

    def show(
        self,
        lens: Lens,
        question: Question,
        answer: Answer,
        risk: str,
        horizon: int,
        hide_choices: bool = False,
        many_lenses: bool = False,
        prefill: Prefill | None = None,
    ) -> None:
        """Fill the view with a question; call inside ``events.quiet()``. ``prefill``: the answer awaits confirmation."""
        self.lens, self.question, self._answer = lens, question, answer
        pillar = lens.pillar(question.pillar_id)
        number = [q.id for q in pillar.questions].index(question.id) + 1
        lens_name = f"{escape(lens.name)} · " if many_lenses else ""
        self.pillar.value = f"{lens_name}{escape(pillar.name)} · question {number} of {len(pillar.questions)}"
        code = f"<span class='pk-code'>{escape(question.code)}</span> " if question.code else ""
        self.title.value = f"<h2>{code}{escape(question.title)}</h2>"
        description = f"<p>{esc_lines(question.description)}</p>" if question.description else ""
        if question.helpful and (question.helpful.text or question.helpful.url):
            description += f"<p class='pk-question-link'>{link(question.helpful.text or 'Official guidance', question.helpful.url)}</p>"
        self.description.value = description
        stats = fieldstats.for_question(lens, question.id)
        self.fieldstat.value = "".join(f"<p>{escape(stat.sentence)}</p>" for stat in stats)
        show(self.fieldstat, bool(stats))

        practices = question.practices
        while len(self.rows) < len(practices):
            self.rows.append(ChoiceRow(self, len(self.rows)))
        self._visible = self.rows[: len(practices)]
        for row, choice in zip(self._visible, practices, strict=True):
            row.show_choice(choice, answer)
        if question.none_of_these is not None:
            self.none_row.show_choice(question.none_of_these, answer)
            self._visible = self._visible + [self.none_row]
        self.lay_out_choices()

        notes = answer.notes
        self.notes.value = notes
        self.notes_count.value = notes_count_html(len(notes), QUESTION_NOTES_LIMIT)
        set_class(self.notes, "pk-invalid", False)
        self.revealed = not hide_choices or bool(answer.statuses()) or not answer.is_applicable
        self._show_reveal()
        self.refresh_answer(answer, risk, horizon, prefill)

    def lay_out_choices(self) -> None:
        """The choices box holds each visible row, followed by its details when they are open."""
        shown: list[w.Widget] = []
        for row in self._visible:
            shown.append(row.line)
            if row.more.value and row.details is not None:
                shown.append(row.details)
        children = tuple(shown)
        if self.choices.children != children:
            self.choices.children = children

    def refresh_answer(self, answer: Answer, risk: str, horizon: int, prefill: Prefill | None = None) -> None:
        """After a change: checkboxes, tags, not applicable, the badge, the pre-filled bar and the roadmap horizon follow the model."""
        self._answer = answer
        self.risk = risk
        badge = badge_html(risk)
        if self.badge.value != badge:
            self.badge.value = badge
        with self.events.quiet():
            for row in self._visible:
                row.refresh(answer)
            with held([self.na, self.na_reason]):
                self.na.value = not answer.is_applicable
                self.na_reason.value = (answer.reason or "") if not answer.is_applicable else ""
            show(self.na_reason, not answer.is_applicable)
            set_class(self.choices, "pk-dimmed", not answer.is_applicable)
        self._show_prefill(prefill)
        self._show_horizon(risk, horizon)

    def _show_prefill(self, mark: Prefill | None) -> None:
        """The pre-filled bar and the question's distinct look, while its answer awaits confirmation."""
        if mark is not None:
            note = f"<b>Pre-filled</b> from {escape(mark.source)} ({escape(mark.date[:10])}), not yet confirmed by the team."
            if self.prefill_note.value != note:
                self.prefill_note.value = note
        show(self.prefill_bar, mark is not None)
        set_class(self.widget, "pk-prefilled", mark is not None)

    def _show_horizon(self, risk: str, months: int) -> None:
        """The roadmap selector: shown for a HIGH or MEDIUM question, on its horizon (moved, or the risk's default)."""
        on_roadmap = risk in ON_ROADMAP
        if on_roadmap and self.horizon.value != months:
            with self.events.quiet():  # showing it is not moving it
                self.horizon.value = months
        show(self.horizon, on_roadmap)

    def set_hide_choices(self, hide: bool) -> None:
        """Presenter option: hide the choices of a question nobody has answered yet."""
        answer = self._answer if self.question else None
        self.revealed = not hide or (answer is not None and (bool(answer.statuses()) or not answer.is_applicable))
        self._show_reveal()

    def show_choices(self) -> None:
        self.revealed = True
        self._show_reveal()

    def toggle_practice(self, number: int) -> None:
        """Tick or untick the ``number``-th practice (from 1), as a click does; nothing if it is not on screen."""
        practices = [row for row in self._visible if row is not self.none_row]
        if 1 <= number <= len(practices):
            self._toggle(practices[number - 1])

    def toggle_none_of_these(self) -> None:
        if self.none_row in self._visible:
            self._toggle(self.none_row)

    def _toggle(self, row: ChoiceRow) -> None:
        # Hidden choices stay hidden (the room answers in its own words first), and a practice
        # marked "does not apply" is not ticked; a click could do neither.
        if self.revealed and not row.checkbox.disabled:
            row.checkbox.value = not row.checkbox.value

    def _show_reveal(self) -> None:
        show(self.choices, self.revealed)
        show(self.reveal, not self.revealed)

    # --- saving notes ---------------------------------------------------------------

    def save_notes(self, notes: str, choice_id: str | None = None) -> bool:
        """Save a note through the review; a note past the limit is refused and said so, never cut."""
        assert self.question is not None
        where = (
            f"the practice “{self.question.choice(choice_id).title}”"
            if choice_id
            else f"{self.question.code or 'this question'}"
        )
        try:
            self.change(
                lambda review, alias, qid: review.set_notes(alias, qid, notes, choice_id),
                f"the notes on {where}",
                key=f"notes:{self.lens.alias if self.lens else ''}/{self.question.id}/{choice_id or ''}",
                rescore=False,
            )
        except NoteTooLongError as exc:
            self.report(f"Notes for {where}: {exc.diagnostics[0].message}. Shorten them to keep them.")
            return False
        return True

    # --- callbacks ----------------------------------------------------------------

    def _on_confirm(self) -> None:
        self.change(
            lambda review, alias, qid: review.confirm(alias, qid), "confirming the pre-filled answer", rescore=False
        )
        self.confirmed()

    def _on_horizon(self, change: dict) -> None:
        months = change["new"]
        self.change(
            lambda review, alias, qid: roadmap.set_horizon(review, alias, qid, months),
            f"moving the question to {months} months",
            rescore=False,
        )

    def _on_na(self, change: dict) -> None:
        applicable = not change["new"]
        reason = (self.na_reason.value or None) if not applicable else None
        self.change(
            lambda review, alias, qid: review.set_applicable(alias, qid, applicable, reason),
            "marking the question as not applicable" if not applicable else "marking the question as applicable",
        )

    def _on_na_reason(self, change: dict) -> None:
        reason = change["new"] or None
        self.change(
            lambda review, alias, qid: review.set_applicable(alias, qid, False, reason),
            "the reason the question does not apply",
        )

    def _on_notes(self, change: dict) -> None:
        notes = change["new"]
        self.notes_count.value = notes_count_html(len(notes), QUESTION_NOTES_LIMIT)
        ok = self.save_notes(notes)
        set_class(self.notes, "pk-invalid", not ok)
