"""The parking lot: out-of-scope topics and follow-ups, each with an owner and linked to its question.

The capture row sits under the question, so a topic is parked without leaving it; the list
is a side page, where each item leads back to its question and can be ticked off.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
from markupsafe import escape

from kit.app.events import Events
from kit.app.messages import Messages
from kit.app.ui import button, checkbox, classed, html, spoken
from kit.core.review import ParkedItem, Review


class ParkingLot:
    """``park(text, owner)`` parks a topic at the question on screen; ``set_done(index, done)`` ticks one off."""

    def __init__(
        self,
        events: Events,
        messages: Messages,
        park: Callable[[str, str], ParkedItem],
        set_done: Callable[[int, bool], None],
        go_to: Callable[[str, str], None],
    ):
        self.events = events
        self.messages = messages
        self._park = park
        self._set_done = set_done
        self._go_to = go_to
        self.review: Review | None = None
        self.text = spoken(
            classed(
                w.Text(
                    placeholder="Park a topic or follow-up for later…", layout=w.Layout(flex="1 1 60%", width="auto")
                ),
                "pk-park-text",
            ),
            "Topic to park",
        )
        self.owner = spoken(
            classed(w.Text(placeholder="owner", layout=w.Layout(flex="0 1 25%", width="auto")), "pk-park-owner"),
            "Owner of the parked topic",
        )
        self.add = button(
            "Park", "pk-park-add", icon="thumb-tack", tooltip="Park this topic, linked to the question on screen"
        )
        events.click(self.add, self.park, "parking a topic")
        self.capture = classed(w.HBox([self.text, self.owner, self.add]), "pk-park-capture")

        self.summary = html("", "pk-park-summary")
        self.items = classed(w.VBox([]), "pk-park-list")
        self.widget = classed(w.VBox([self.summary, self.items]), "pk-parking-lot")
        self._rows: list[w.HBox] = []

    def park(self) -> None:
        text = self.text.value.strip()
        if not text:
            self.messages.warning("Type the topic to park first.")
            return
        item = self._park(text, self.owner.value.strip())
        with self.events.quiet():
            self.text.value = ""
        assert self.review is not None
        self._append(item, len(self.review.parking_lot) - 1)
        self._summarise()
        self.messages.success(f"Parked for later: {text}")

    def rebuild(self, review: Review) -> None:
        """Rows for every item of the review. Call inside ``events.quiet()``."""
        self.review = review
        for row in self._rows:
            for child in row.children:
                child.close()
            row.close()
        self._rows = []
        self.items.children = []
        for index, item in enumerate(review.parking_lot):
            self._append(item, index)
        self._summarise()

    def _summarise(self) -> None:
        items = self.review.parking_lot if self.review else []
        open_items = sum(1 for item in items if not item.done)
        self.summary.value = (
            f"{len(items)} parked, {open_items} open"
            if items
            else "Nothing parked yet. Use the box under the question."
        )

    def _label(self, item: ParkedItem) -> str:
        where = ""
        review = self.review
        assert review is not None
        if item.lens in review.lenses and item.question_id and review.lenses[item.lens].has_question(item.question_id):
            question = review.lenses[item.lens].question(item.question_id)
            where = f"<span class='pk-park-where'>{escape(question.code or question.title)}</span>"
        owner = f"<span class='pk-park-who'>{escape(item.owner)}</span>" if item.owner else ""
        risk = f"<span class='pk-park-where'>risk {escape(item.risk)}</span>" if item.risk else ""
        done = " pk-park-is-done" if item.done else ""
        return f"<span class='pk-park-item-text{done}'>{escape(item.text)}</span> {owner} {where} {risk}"

    def _append(self, item: ParkedItem, index: int) -> None:
        events = self.events
        assert self.review is not None
        review = self.review
        label = html(self._label(item), "pk-park-item")
        done = checkbox("done", "pk-park-done", value=item.done)
        children = [done, label]
        lens, question_id = item.lens, item.question_id
        if question_id and lens in review.lenses and review.lenses[lens].has_question(question_id):
            go = button("Go to", "pk-park-goto", tooltip="Show the question this topic came up in")
            go.layout.flex = "0 0 auto"
            events.click(go, lambda: self._go_to(lens, question_id), "going to a parked topic's question")
            children.append(go)

        def toggled(change: dict) -> None:
            try:
                self._set_done(review.parking_lot.index(item), bool(change["new"]))
            except BaseException:
                with self.events.quiet():
                    done.value = item.done
                raise
            label.value = self._label(item)
            self._summarise()

        events.observe(done, toggled, "ticking off a parked topic")
        row = classed(w.HBox(children), "pk-park-row")
        self._rows.append(row)
        self.items.children = tuple(self.items.children) + (row,)
