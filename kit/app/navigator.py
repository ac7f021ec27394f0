"""Getting around: previous and next, a lens, pillar and question picker, and per-pillar progress."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
from markupsafe import escape

from kit.app.events import Events
from kit.app.ui import button, classed, dropdown, held, html, show, spoken
from kit.core.review import Review
from kit.core.scoring import ReviewScore
from kit.core.vocabulary import UNANSWERED

TITLE_LENGTH = 90


def _short(text: str, length: int = TITLE_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class Navigator:
    """``go_to(alias, question_id)`` and ``step(delta)`` move; the navigator only shows where things are."""

    def __init__(self, events: Events, go_to: Callable[[str, str], None], step: Callable[[int], None]):
        self.go_to = go_to
        self.review: Review | None = None
        self.prev = button("Previous", "pk-prev", icon="arrow-left", tooltip="Previous question")
        self.next = button("Next", "pk-next", icon="arrow-right", tooltip="Next question", style="primary")
        self.lens_picker = spoken(dropdown([], "pk-lens-picker", width="auto"), "Lens")
        self.pillar_picker = spoken(dropdown([], "pk-pillar-picker", width="auto"), "Pillar")
        self.question_picker = spoken(dropdown([], "pk-question-picker", width="auto"), "Question")
        self.position = html("", "pk-position")
        self.progress = html("", "pk-progress")
        self.prefilled = html("", "pk-prefilled-count")
        self.next_prefilled = button(
            "Next pre-filled", "pk-next-prefilled", icon="forward", tooltip="The next answer awaiting confirmation"
        )
        self.prefilled_bar = classed(w.HBox([self.prefilled, self.next_prefilled]), "pk-prefilled-nav")
        show(self.prefilled_bar, False)
        events.click(self.next_prefilled, self._on_next_prefilled, "going to the next pre-filled answer")
        events.click(self.prev, lambda: step(-1), "going to the previous question")
        events.click(self.next, lambda: step(+1), "going to the next question")
        events.observe(self.lens_picker, self._on_lens, "choosing a lens")
        events.observe(self.pillar_picker, self._on_pillar, "choosing a pillar")
        events.observe(self.question_picker, self._on_question, "choosing a question")
        pickers = classed(w.HBox([self.lens_picker, self.pillar_picker, self.question_picker]), "pk-pickers")
        self.bar = classed(w.HBox([self.prev, pickers, self.next, self.position]), "pk-nav")
        self.widget = classed(w.VBox([self.bar, self.progress, self.prefilled_bar]), "pk-navigator")
        self._shown: tuple[str, str] | None = None

    def rebuild(self, review: Review) -> None:
        """New lenses (a review loaded or a lens added): new lens options. Call inside ``events.quiet()``."""
        self.review = review
        self.lens_picker.options = [(lens.name, alias) for alias, lens in review.lenses.items()]
        show(self.lens_picker, len(review.lenses) > 1)
        self._shown = None

    def show(self, alias: str, question_id: str, index: int, total: int) -> None:
        """Point the pickers at question ``index`` of ``total``. Call inside ``events.quiet()``."""
        assert self.review is not None
        review = self.review
        lens = review.lenses[alias]
        question = lens.question(question_id)
        shown_alias, shown_pillar = None, None
        if self._shown is not None and self._shown[0] in review.lenses:
            shown_alias = self._shown[0]
            shown_pillar = review.lenses[shown_alias].question(self._shown[1]).pillar_id
        with held([self.lens_picker, self.pillar_picker, self.question_picker]):
            if alias != shown_alias:
                self.lens_picker.value = alias
                self.pillar_picker.options = [(p.name, p.id) for p in lens.pillars]
            if alias != shown_alias or question.pillar_id != shown_pillar:
                pillar = lens.pillar(question.pillar_id)
                self.pillar_picker.value = pillar.id
                self.question_picker.options = [(_short(q.label), q.id) for q in pillar.questions]
            self.question_picker.value = question_id
        self.prev.disabled = index == 0
        self.next.disabled = index == total - 1
        self.position.value = f"Question {index + 1} of {total}"
        self._shown = (alias, question_id)

    def refresh_progress(self, score: ReviewScore) -> None:
        """Answered out of total, per pillar of the lens on screen."""
        if self._shown is None or self.review is None:
            return
        alias, question_id = self._shown
        lens_score = score.lenses[alias]
        current = self.review.lenses[alias].question(question_id).pillar_id
        parts = []
        for pillar_id, pillar_score in lens_score.pillars.items():
            counts = pillar_score.counts
            done = counts.total - counts[UNANSWERED]
            classes = (
                "pk-progress-pillar"
                + (" pk-progress-current" if pillar_id == current else "")
                + (" pk-progress-done" if done == counts.total else "")
            )
            parts.append(
                f"<span class='{classes}'>{escape(pillar_score.pillar.name)} <b>{done}/{counts.total}</b></span>"
            )
        value = "".join(parts)
        if self.progress.value != value:
            self.progress.value = value
        self.refresh_prefilled()

    def refresh_prefilled(self) -> None:
        """How many pre-filled answers still await confirmation, with a way to the next one."""
        if self.review is None:
            return
        count = self.review.prefilled_count()
        text = f"{count} pre-filled answer{'s' if count != 1 else ''} to confirm with the team"
        if count and self.prefilled.value != text:
            self.prefilled.value = text
        show(self.prefilled_bar, count > 0)

    def _on_next_prefilled(self) -> None:
        review = self.review
        if review is None:
            return
        sequence = [(alias, q.id) for alias, lens in review.lenses.items() for q in lens.questions()]
        start = sequence.index(self._shown) if self._shown in sequence else -1
        for step in range(1, len(sequence) + 1):
            alias, question_id = sequence[(start + step) % len(sequence)]
            if review.is_prefilled(alias, question_id):
                self.go_to(alias, question_id)
                return

    # --- callbacks ----------------------------------------------------------------

    def _on_lens(self, change: dict[str, str]) -> None:
        assert self.review is not None
        alias = change["new"]
        first = next(self.review.lenses[alias].questions())
        self.go_to(alias, first.id)

    def _on_pillar(self, change: dict[str, str]) -> None:
        assert self.review is not None
        alias = self.lens_picker.value
        pillar = self.review.lenses[alias].pillar(change["new"])
        self.go_to(alias, pillar.questions[0].id)

    def _on_question(self, change: dict[str, str]) -> None:
        self.go_to(self.lens_picker.value, change["new"])
