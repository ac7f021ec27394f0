"""The question overview, like the console's list: every question grouped by pillar, with a live risk mark.

One anywidget (``js/overview.js``) draws the list in the page: each question is a button with
class ``pk-overview-item`` and one of ``pk-risk-high``, ``pk-risk-medium``, ``pk-risk-none``,
``pk-risk-na`` or ``pk-risk-unanswered``, in review order. The list is built once per review
(:meth:`Overview.rebuild`); after that it is fed by the score (:meth:`Overview.show_score`), so
a change sends a list of risk names, never the list again. Clicking a question calls ``on_open``
with its index in review order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import anywidget
import traitlets

from kit.app.events import Events
from kit.app.ui import classed
from kit.core.lens import Lens
from kit.core.scoring import ReviewScore
from kit.core.vocabulary import HIGH, MEDIUM, NONE, NOT_APPLICABLE, RISKS, UNANSWERED

JS = Path(__file__).parent / "js"

#: Per risk: the CSS class (the tests' contract), the mark shown beside the title (so that risk is
#: never told by colour alone) and the words a screen reader and the tooltip give.
MARKS = {
    HIGH: {"css": "pk-risk-high", "mark": "High", "words": "high risk"},
    MEDIUM: {"css": "pk-risk-medium", "mark": "Med", "words": "medium risk"},
    NONE: {"css": "pk-risk-none", "mark": "OK", "words": "no risk"},
    NOT_APPLICABLE: {"css": "pk-risk-na", "mark": "N/A", "words": "not applicable"},
    UNANSWERED: {"css": "pk-risk-unanswered", "mark": "–", "words": "unanswered"},
}
assert set(MARKS) == set(RISKS)


class OverviewWidget(anywidget.AnyWidget):
    _esm = JS / "overview.js"
    #: [{"title": pillar name, "items": [[index, code, title], ...]}, ...] in review order.
    groups = traitlets.List(traitlets.Dict()).tag(sync=True)
    #: The risk of each question, by index in review order.
    risks = traitlets.List(traitlets.Unicode()).tag(sync=True)
    #: The index of the question on screen (-1: none).
    current = traitlets.Int(-1).tag(sync=True)
    marks = traitlets.Dict(MARKS).tag(sync=True)


class Overview:
    def __init__(self, events: Events, on_open: Callable[[int], None]):
        self.on_open = on_open
        self.sequence: list[tuple[str, str]] = []
        self.widget = classed(OverviewWidget(), "pk-overview")
        self.widget.on_msg(events.guard("opening a question from the list")(self._message))

    def rebuild(self, lenses: dict[str, Lens], sequence: Sequence[tuple[str, str]]) -> None:
        """The list for a review: ``sequence`` is every (lens alias, question id) in review order."""
        self.sequence = list(sequence)
        index = {key: i for i, key in enumerate(self.sequence)}
        many = len(lenses) > 1
        groups = []
        for alias, lens in lenses.items():
            for pillar in lens.pillars:
                title = f"{lens.name} · {pillar.name}" if many else pillar.name
                items = [[index[(alias, q.id)], q.code or "", q.title] for q in pillar.questions]
                groups.append({"title": title, "items": items})
        with self.widget.hold_sync():
            self.widget.groups = groups
            self.widget.risks = [UNANSWERED] * len(self.sequence)
            self.widget.current = -1

    def show_score(self, score: ReviewScore) -> None:
        """Every question's mark from the score (only a changed list is sent)."""
        risks = [score.lenses[alias].questions[question_id] for alias, question_id in self.sequence]
        if risks != self.widget.risks:
            self.widget.risks = risks

    def show_current(self, index: int) -> None:
        if self.widget.current != index:
            self.widget.current = index

    @property
    def risks(self) -> list[str]:
        return list(self.widget.risks)

    def _message(self, _widget, content, _buffers) -> None:
        position = content.get("open") if isinstance(content, dict) else None
        if isinstance(position, int) and 0 <= position < len(self.sequence):
            self.on_open(position)
