"""Getting around: previous and next, a lens, pillar and question picker, and per-pillar progress."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from kit.app.ui import button, classed, dropdown, esc, held, html, show, spoken
from kit.core.scoring import ReviewScore
from kit.core.vocabulary import UNANSWERED

if TYPE_CHECKING:
    from kit.app.app import ReviewApp

TITLE_LENGTH = 90


def _short(text: str, length: int = TITLE_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class Navigator:
    def __init__(self, app: ReviewApp):
        self.app = app
        events = app.events
        self.prev = button("Previous", "pk-prev", icon="arrow-left", tooltip="Previous question")
        self.next = button("Next", "pk-next", icon="arrow-right", tooltip="Next question", style="primary")
        self.lens_picker = spoken(dropdown([], "pk-lens-picker", width="auto"), "Lens")
        self.pillar_picker = spoken(dropdown([], "pk-pillar-picker", width="auto"), "Pillar")
        self.question_picker = spoken(dropdown([], "pk-question-picker", width="auto"), "Question")
        self.position = html("", "pk-position")
        self.progress = html("", "pk-progress")
        events.click(self.prev, lambda: app.step(-1), "going to the previous question")
        events.click(self.next, lambda: app.step(+1), "going to the next question")
        events.observe(self.lens_picker, self._on_lens, "choosing a lens")
        events.observe(self.pillar_picker, self._on_pillar, "choosing a pillar")
        events.observe(self.question_picker, self._on_question, "choosing a question")
        pickers = classed(w.HBox([self.lens_picker, self.pillar_picker, self.question_picker]), "pk-pickers")
        self.bar = classed(w.HBox([self.prev, pickers, self.next, self.position]), "pk-nav")
        self.widget = classed(w.VBox([self.bar, self.progress]), "pk-navigator")
        self._shown: tuple[str, str] | None = None

    def rebuild(self) -> None:
        """New lenses (a review loaded or a lens added): new lens options. Call inside ``events.quiet()``."""
        review = self.app.review
        self.lens_picker.options = [(lens.name, alias) for alias, lens in review.lenses.items()]
        show(self.lens_picker, len(review.lenses) > 1)
        self._shown = None

    def show(self, alias: str, question_id: str) -> None:
        """Point the pickers at a question. Call inside ``events.quiet()``."""
        review = self.app.review
        lens = review.lenses[alias]
        question = lens.question(question_id)
        shown_alias, shown_qid = self._shown or (None, None)
        shown_pillar = (
            review.lenses[shown_alias].question(shown_qid).pillar_id if shown_alias in review.lenses else None
        )
        with held([self.lens_picker, self.pillar_picker, self.question_picker]):
            if alias != shown_alias:
                self.lens_picker.value = alias
                self.pillar_picker.options = [(p.name, p.id) for p in lens.pillars]
            if alias != shown_alias or question.pillar_id != shown_pillar:
                pillar = lens.pillar(question.pillar_id)
                self.pillar_picker.value = pillar.id
                self.question_picker.options = [(_short(q.label), q.id) for q in pillar.questions]
            self.question_picker.value = question_id
        index, total = self.app.index_of(alias, question_id), len(self.app.sequence)
        self.prev.disabled = index == 0
        self.next.disabled = index == total - 1
        self.position.value = f"Question {index + 1} of {total}"
        self._shown = (alias, question_id)

    def refresh_progress(self, score: ReviewScore) -> None:
        """Answered out of total, per pillar of the lens on screen."""
        if self._shown is None:
            return
        alias, question_id = self._shown
        lens_score = score.lenses[alias]
        current = self.app.review.lenses[alias].question(question_id).pillar_id
        parts = []
        for pillar_id, pillar_score in lens_score.pillars.items():
            counts = pillar_score.counts
            done = counts.total - counts[UNANSWERED]
            classes = (
                "pk-progress-pillar"
                + (" pk-progress-current" if pillar_id == current else "")
                + (" pk-progress-done" if done == counts.total else "")
            )
            parts.append(f"<span class='{classes}'>{esc(pillar_score.pillar.name)} <b>{done}/{counts.total}</b></span>")
        value = "".join(parts)
        if self.progress.value != value:
            self.progress.value = value

    # --- callbacks ----------------------------------------------------------------

    def _on_lens(self, change: dict) -> None:
        alias = change["new"]
        first = next(self.app.review.lenses[alias].questions())
        self.app.go_to(alias, first.id)

    def _on_pillar(self, change: dict) -> None:
        alias = self.lens_picker.value
        pillar = self.app.review.lenses[alias].pillar(change["new"])
        self.app.go_to(alias, pillar.questions[0].id)

    def _on_question(self, change: dict) -> None:
        self.app.go_to(self.lens_picker.value, change["new"])
