"""Pillar priorities as an ordered picker: the ranked pillars, most important first, and the rest to add.

Each ranked pillar has its number, its name and three buttons (move up, move down, remove),
each named for a screen reader ("Move Security up"). A picker below adds one of the review's
other pillars at the end. The new order is handed to ``on_change`` as a list of pillar ids and
shown once that returns (an error leaves the picker as it was); the panel that owns this
picker keeps what it does not show (ids of pillars no lens has).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as w
from markupsafe import escape

from kit.app.events import Events
from kit.app.ui import button, classed, html

#: The add picker's first entry (its value, "", adds nothing).
ADD_PROMPT = "Add a pillar…"


class PriorityPicker:
    def __init__(self, events: Events, on_change: Callable[[list[str]], None]):
        self.events = events
        self.on_change = on_change
        self.names: dict[str, str] = {}
        self.ranked: list[str] = []
        self.rows = classed(w.VBox([]), "pk-priority-list")
        self.empty = html(
            "<div class='pk-hint'>No priorities yet: the improvement list follows the lens's order.</div>",
            "pk-priority-empty",
        )
        self.add = classed(
            w.Dropdown(options=[(ADD_PROMPT, "")], value="", description="Add a pillar to the priorities"),
            "pk-priority-add",
            "pk-sr-label",
        )
        events.observe(self.add, self._on_add, "adding a pillar to the priorities")
        self.widget = classed(w.VBox([self.empty, self.rows, self.add]), "pk-pillar-priorities")

    def show(self, pillars: Sequence[tuple[str, str]], ranked: Sequence[str]) -> None:
        """The review's pillars (id, name) and the ranked ids among them. Call inside ``events.quiet()``."""
        self.names = dict(pillars)
        self.ranked = [pid for pid in dict.fromkeys(ranked) if pid in self.names]
        self._draw()

    def move(self, pillar_id: str, step: int) -> None:
        """Move a ranked pillar up (``step`` -1) or down (+1)."""
        ranked = list(self.ranked)
        index = ranked.index(pillar_id)
        other = index + step
        if 0 <= other < len(ranked):
            ranked[index], ranked[other] = ranked[other], ranked[index]
            self._propose(ranked)

    def remove(self, pillar_id: str) -> None:
        self._propose([pid for pid in self.ranked if pid != pillar_id])

    def append(self, pillar_id: str) -> None:
        if pillar_id in self.names and pillar_id not in self.ranked:
            self._propose([*self.ranked, pillar_id])

    # --- drawing ----------------------------------------------------------------------

    def _propose(self, ranked: list[str]) -> None:
        # The order is shown once the review took it: a refusal (a window that does not write)
        # leaves the picker as the review is.
        try:
            self.on_change(list(ranked))
        except BaseException:
            self._draw()
            raise
        self.ranked = ranked
        self._draw()

    def _draw(self) -> None:
        for row in self.rows.children:
            for child in row.children:
                child.close()
            row.close()
        rows = [self._row(position, pid) for position, pid in enumerate(self.ranked)]
        self.rows.children = rows
        self.empty.layout.display = "none" if rows else None
        others = [(name, pid) for pid, name in self.names.items() if pid not in self.ranked]
        with self.events.quiet():
            self.add.options = [(ADD_PROMPT, ""), *others]
            self.add.value = ""
        self.add.layout.display = None if others else "none"

    def _row(self, position: int, pillar_id: str) -> w.HBox:
        name = self.names[pillar_id]
        label = html(f"<span class='pk-priority-rank'>{position + 1}.</span> {escape(name)}", "pk-priority-name")
        up = button("", "pk-priority-up", icon="arrow-up", tooltip=f"Move {name} up")
        down = button("", "pk-priority-down", icon="arrow-down", tooltip=f"Move {name} down")
        remove = button("", "pk-priority-remove", icon="times", tooltip=f"Remove {name} from the priorities")
        up.disabled = position == 0
        down.disabled = position == len(self.ranked) - 1
        self.events.click(up, lambda: self.move(pillar_id, -1), "moving a pillar up the priorities")
        self.events.click(down, lambda: self.move(pillar_id, +1), "moving a pillar down the priorities")
        self.events.click(remove, lambda: self.remove(pillar_id), "removing a pillar from the priorities")
        return classed(w.HBox([label, up, down, remove]), "pk-priority-row")

    def _on_add(self, change: dict) -> None:
        if change["new"]:
            self.append(change["new"])
