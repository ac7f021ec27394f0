"""The parking lot: out-of-scope topics and follow-ups, each with an owner and linked to its question.

The capture row sits under the question, so a topic is parked without leaving it; the list
is a side page, where each item leads back to its question and can be ticked off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from kit.app.ui import button, checkbox, classed, esc, html, spoken
from kit.core.review import ParkedItem

if TYPE_CHECKING:
    from kit.app.app import ReviewApp


class ParkingLot:
    def __init__(self, app: ReviewApp):
        self.app = app
        events = app.events
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
            self.app.messages.warning("Type the topic to park first.")
            return
        alias, question_id = self.app.position
        item = self.app.review.park(text, self.owner.value.strip(), alias, question_id)
        with self.app.events.quiet():
            self.text.value = ""
        self._append(item, len(self.app.review.parking_lot) - 1)
        self._summarise()
        self.app.changed()
        self.app.messages.success(f"Parked for later: {text}")

    def rebuild(self) -> None:
        """Rows for every item of the review. Call inside ``events.quiet()``."""
        for row in self._rows:
            for child in row.children:
                child.close()
            row.close()
        self._rows = []
        self.items.children = []
        for index, item in enumerate(self.app.review.parking_lot):
            self._append(item, index)
        self._summarise()

    def _summarise(self) -> None:
        items = self.app.review.parking_lot
        open_items = sum(1 for item in items if not item.done)
        self.summary.value = (
            f"{len(items)} parked, {open_items} open"
            if items
            else "Nothing parked yet. Use the box under the question."
        )

    def _label(self, item: ParkedItem) -> str:
        where = ""
        review = self.app.review
        if item.lens in review.lenses and item.question_id and review.lenses[item.lens].has_question(item.question_id):
            question = review.lenses[item.lens].question(item.question_id)
            where = f"<span class='pk-park-where'>{esc(question.code or question.title)}</span>"
        owner = f"<span class='pk-park-who'>{esc(item.owner)}</span>" if item.owner else ""
        done = " pk-park-is-done" if item.done else ""
        return f"<span class='pk-park-item-text{done}'>{esc(item.text)}</span> {owner} {where}"

    def _append(self, item: ParkedItem, index: int) -> None:
        events = self.app.events
        label = html(self._label(item), "pk-park-item")
        done = checkbox("done", "pk-park-done", value=item.done)
        children = [done, label]
        lenses = self.app.review.lenses
        if item.question_id and item.lens in lenses and lenses[item.lens].has_question(item.question_id):
            go = button("Go to", "pk-park-goto", tooltip="Show the question this topic came up in")
            go.layout.flex = "0 0 auto"
            events.click(go, lambda: self.app.go_to(item.lens, item.question_id), "going to a parked topic's question")
            children.append(go)

        def toggled(change: dict) -> None:
            self.app.review.set_parked_done(self.app.review.parking_lot.index(item), bool(change["new"]))
            label.value = self._label(item)
            self._summarise()
            self.app.changed()

        events.observe(done, toggled, "ticking off a parked topic")
        row = classed(w.HBox(children), "pk-park-row")
        self._rows.append(row)
        self.items.children = tuple(self.items.children) + (row,)
