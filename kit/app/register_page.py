"""The Risk register page: components, what can go wrong, likelihood x impact, and what to do about it.

A main page beside the questions (the main picker switches), built the first time it is shown.
At the top, the live heat map and the ways to add an entry: from the starter catalogue (a kind
of component, then one of its failure modes, named after your own component), from scratch,
or from the suggestions that the review's HIGH-risk questions bring up. Below, the entries,
ranked or sorted and filtered by component and status; "Edit" opens one entry's editor in
place, under its row. Every field saves as it changes, through :mod:`kit.core.register`,
which refuses (never cuts) a text past its limit; an open question about an entry goes to
the parking lot with one click.

The page holds no rules and no session of its own: it reads the review it is given, and makes
every change through the callbacks in :class:`RegisterActions` (the session's, which keep the
change for Undo, check that this window writes the review, and autosave it), then shows the
result. One editor is built and moved from row to row, so the page stays small: a row is a
line of text and one button.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as w
from markupsafe import escape

from kit.app.events import Events
from kit.app.messages import Messages
from kit.app.ui import button, classed, dropdown, html, set_class, show, textarea
from kit.core import catalogue as catalogues
from kit.core import register
from kit.core.errors import ReadOnlyError, RegisterError
from kit.core.register import Entry
from kit.core.review import ParkedItem, Review
from kit.core.scoring import ReviewScore
from kit.core.vocabulary import (
    ACCEPTED,
    ENTRY_STATUSES,
    LEVEL_WORDS,
    LEVELS,
    STATUS_WORDS,
)


@dataclass(frozen=True)
class RegisterActions:
    """What the page may do, handed to it by the app; the page holds neither the app nor the session."""

    #: The review on screen.
    review: Callable[[], Review]
    #: Its score, if the app has one at hand (the suggestions need it; None: the page scores the review).
    score: Callable[[], ReviewScore | None]
    #: ``edit(mutate, label, key)`` changes the register with ``mutate(review)`` (a call to
    #: :mod:`kit.core.register`), kept for Undo as ``label`` (changes sharing ``key`` in a row are
    #: one) and saved; returns what ``mutate`` returns. Raises what the register raises, or
    #: :class:`ReadOnlyError` in a window that does not write the review.
    edit: Callable[[Callable[[Review], Any], str, str], Any]
    #: ``park(entry_id, text)`` parks an open question about an entry, linked to it.
    park: Callable[[str, str], ParkedItem]
    #: The parking lot changed: show it again.
    parked: Callable[[], None]


#: The sort orders offered: label, key.
SORTS = (
    ("Rank: likelihood \u00d7 impact", "rank"),
    ("Component", "component"),
    ("Status", "status"),
    ("Newest first", "newest"),
)
#: How many suggestions the page lists at once.
SUGGESTIONS = 5
#: The heat map: drawn 3.3 inches wide at twice the screen's resolution, shown at its size in CSS pixels
#: (small, so its type reads large for its size, and sharp on high-density screens).
HEATMAP_INCHES = (3.3, 2.5)
HEATMAP_DPI = 192
HEATMAP_CSS_WIDTH = round(HEATMAP_INCHES[0] * 96)
#: Fields of the editor, in order: (field, label, kind), kind "text", "area" or "level".
TEXT_FIELDS = (
    ("component", "Component", "text"),
    ("failure_mode", "Failure mode", "area"),
    ("detection", "How we notice", "area"),
    ("mitigation", "Mitigation", "area"),
    ("runbook", "Runbook", "area"),
    ("owner", "Owner", "text"),
    ("notes", "Notes", "area"),
)

#: What a field is called in Undo's label ("risk R3's owner").
FIELD_LABELS = {name: label for name, label, _kind in TEXT_FIELDS} | {
    "likelihood": "Likelihood",
    "impact": "Impact",
    "status": "Status",
    "accepted_until": "Acceptance date",
    "questions": "Questions",
}


def band_html(entry: Entry) -> str:
    """The rating as a small badge in its band's colour, with the number, so colour is never the only cue."""
    band = register.band(entry.rating).lower()
    return f"<span class='pk-rating pk-rating-{band}' title='likelihood \u00d7 impact'>{entry.rating}</span>"


def status_html(entry: Entry, today: dt.date | None = None) -> str:
    words = STATUS_WORDS[entry.status]
    if entry.status == ACCEPTED and entry.accepted_until:
        words += f" until {entry.accepted_until}"
    elif entry.lapsed(today):
        words += f" (acceptance lapsed {entry.accepted_until})"
    return f"<span class='pk-register-status pk-register-status-{entry.status.lower()}'>{escape(words)}</span>"


def row_html(entry: Entry, rank: int | None, review_questions: dict[tuple[str, str], str]) -> str:
    """One entry's line: rank, id, rating, component and failure mode, likelihood and impact, status, owner, questions."""
    links = [review_questions.get((q.lens, q.question), f"{q.lens}/{q.question}") for q in entry.questions]
    rank_text = f"<span class='pk-register-rank'>{rank}</span>" if rank is not None else ""
    owner = f"<span class='pk-register-owner'>{escape(entry.owner)}</span>" if entry.owner else ""
    questions = f"<span class='pk-register-links'>{escape(', '.join(links))}</span>" if links else ""
    return (
        f"<div class='pk-register-line' data-risk-id='{escape(entry.id)}'>{rank_text}"
        f"<span class='pk-register-id'>{escape(entry.id)}</span>{band_html(entry)}"
        f"<span class='pk-register-what'><b>{escape(entry.component)}</b>: {escape(entry.failure_mode)}</span>"
        f"<span class='pk-register-levels'>likelihood {LEVEL_WORDS[entry.likelihood].lower()}, "
        f"impact {LEVEL_WORDS[entry.impact].lower()}</span>"
        f"{status_html(entry)}{owner}{questions}</div>"
    )


class Editor:
    """The fields of one entry, saved as they change; moved under whichever row is being edited."""

    def __init__(self, page: RegisterPage):
        self.page = page
        events = page.events
        self.entry_id: str | None = None
        self.heading = html("", "pk-register-editor-heading")
        self.fields: dict[str, w.Widget] = {}
        for name, label, kind in TEXT_FIELDS:
            if kind == "text":
                widget = classed(
                    w.Text(description=label, style={"description_width": "9em"}, layout=w.Layout(width="100%")),
                    f"pk-register-field-{name.replace('_', '-')}",
                )
            else:
                widget = textarea(label, f"pk-register-field-{name.replace('_', '-')}", rows=2)
            self.fields[name] = widget
            events.observe(widget, self._saver(name), f"editing the risk's {label.lower()}")
        levels = []
        for name in ("likelihood", "impact"):
            widget = classed(
                w.ToggleButtons(
                    options=[(LEVEL_WORDS[level], level) for level in reversed(LEVELS)],
                    tooltips=[f"{LEVEL_WORDS[level]} {name}" for level in reversed(LEVELS)],
                    style={"button_width": "5.5em"},
                ),
                f"pk-register-field-{name.replace('_', '-')}",
            )
            self.fields[name] = widget
            events.observe(widget, self._saver(name), f"rating the risk's {name}")
            levels += [html(f"<span class='pk-register-label'>{name.capitalize()}</span>"), widget]
        self.status = dropdown(
            [(STATUS_WORDS[s], s) for s in ENTRY_STATUSES], "pk-register-field-status", label="Status", width="18em"
        )
        self.status.style = {"description_width": "9em"}
        events.observe(self.status, self._saver("status"), "changing the risk's status")
        self.until = classed(
            w.DatePicker(description="Accepted until", style={"description_width": "8em"}),
            "pk-register-field-accepted-until",
        )
        events.observe(self.until, self._on_until, "changing how long the risk is accepted")
        self.questions = classed(
            w.SelectMultiple(
                description="Questions",
                rows=5,
                style={"description_width": "9em"},
                layout=w.Layout(width="100%"),
            ),
            "pk-register-field-questions",
        )
        events.observe(self.questions, self._on_questions, "linking the risk to questions")
        self.problem = html("", "pk-register-problem")
        self.open_question = classed(
            w.Text(
                placeholder="An open question about this risk, for later (e.g. does the app reconnect?)",
                layout=w.Layout(flex="1 1 auto", width="auto"),
            ),
            "pk-register-question",
        )
        self.park = button(
            "To parking lot", "pk-register-park", icon="thumb-tack", tooltip="Park this question, linked to the risk"
        )
        events.click(self.park, self._on_park, "parking a question about a risk")
        self.delete = button("Delete\u2026", "pk-register-delete", icon="trash", tooltip="Remove this risk")
        events.click(self.delete, self._on_delete, "deleting a risk")
        self.done = button("Done", "pk-register-done", icon="check", tooltip="Close the editor")
        events.click(self.done, page.close_editor, "closing the risk's editor")
        self._confirming = False
        f = self.fields
        self.widget = classed(
            w.VBox(
                [
                    self.heading,
                    f["component"],
                    f["failure_mode"],
                    classed(w.HBox(levels), "pk-register-levels-row"),
                    classed(w.HBox([self.status, self.until]), "pk-register-status-row"),
                    f["detection"],
                    f["mitigation"],
                    f["runbook"],
                    f["owner"],
                    self.questions,
                    html(
                        "<span class='pk-hint'>The review\u2019s questions this risk bears on: Ctrl- or Cmd-click "
                        "to pick several.</span>",
                        "pk-register-questions-hint",
                    ),
                    f["notes"],
                    self.problem,
                    classed(w.HBox([self.open_question, self.park]), "pk-register-question-row"),
                    classed(w.HBox([self.done, self.delete]), "pk-register-editor-actions"),
                ]
            ),
            "pk-register-editor",
        )

    # --- showing ------------------------------------------------------------------

    def fill(self, entry: Entry) -> None:
        """Show ``entry``'s values (inside ``events.quiet()``)."""
        self.entry_id = entry.id
        self.heading.value = f"<h4>Editing {escape(entry.id)}</h4>"
        for name, _label, _kind in TEXT_FIELDS:
            self.fields[name].value = getattr(entry, name)
            set_class(self.fields[name], "pk-invalid", False)
        self.fields["likelihood"].value = entry.likelihood
        self.fields["impact"].value = entry.impact
        self.status.value = entry.status
        self._show_until(entry)
        options = [(label, key) for key, label in self.page.question_labels().items()]
        known = {key for _label, key in options}
        links = [(q.lens, q.question) for q in entry.questions]
        for link in links:  # a link the lenses lack is still shown, so it can be removed
            if link not in known:
                options.append((f"{link[0]}/{link[1]} (not in the review's lenses)", link))
        self.questions.options = options
        self.questions.value = tuple(links)
        self.problem.value = ""
        self.open_question.value = ""
        self._confirm(False)

    def _show_until(self, entry: Entry) -> None:
        self.until.disabled = entry.status != ACCEPTED
        self.until.value = dt.date.fromisoformat(entry.accepted_until) if entry.accepted_until else None

    # --- saving -------------------------------------------------------------------

    def _saver(self, name: str) -> Callable[[dict[str, Any]], None]:
        def save(change: dict[str, Any]) -> None:
            self._save(name, change["new"])

        return save

    def _save(self, name: str, value: Any) -> None:
        if self.entry_id is None:
            return
        entry_id = self.entry_id
        label = f"risk {entry_id}'s {FIELD_LABELS.get(name, name).lower()}"
        try:
            entry = self.page.actions.edit(
                lambda review: register.update(review, entry_id, **{name: value}), label, f"risk:{entry_id}:{name}"
            )
        except RegisterError as exc:
            message = exc.diagnostics[0].message
            self.problem.value = f"<span class='pk-count-over'>{escape(message[:1].upper() + message[1:])}.</span>"
            if name in self.fields and name not in ("likelihood", "impact"):
                set_class(self.fields[name], "pk-invalid", True)
            self.page.messages.error(f"Risk {entry_id}: {message}.")
            return
        except ReadOnlyError:
            self.refill()  # the fields go back to the entry as it is; the error is shown
            raise
        if name in self.fields:
            set_class(self.fields[name], "pk-invalid", False)
        self.problem.value = ""
        if name == "status":
            with self.page.events.quiet():
                self._show_until(entry)
        self.page.entry_changed(entry, structural=name in ("likelihood", "impact", "status", "component"))

    def refill(self) -> None:
        """Show the edited entry as the review holds it now (after an undo, a merge, a refused change)."""
        if self.entry_id is None:
            return
        entry = next((e for e in self.page.actions.review().risk_register if e.id == self.entry_id), None)
        if entry is None:
            self.entry_id = None
            return
        with self.page.events.quiet():
            self.fill(entry)

    def _on_until(self, change: dict[str, Any]) -> None:
        value = change["new"]
        if value is None:
            return  # cleared in the picker: the acceptance keeps its date until another is picked
        self._save("accepted_until", value.isoformat())

    def _on_questions(self, change: dict[str, Any]) -> None:
        self._save("questions", list(change["new"]))

    def _on_park(self) -> None:
        text = self.open_question.value.strip()
        if not text or self.entry_id is None:
            self.page.messages.warning("Type the open question first, then park it.")
            return
        entry_id = self.entry_id
        item = self.page.actions.park(entry_id, text)
        with self.page.events.quiet():
            self.open_question.value = ""
        self.page.actions.parked()
        self.page.messages.success(f"Parked for later, with risk {entry_id}: {item.text}")

    def _confirm(self, on: bool) -> None:
        self._confirming = on
        self.delete.description = f"Really delete {self.entry_id}?" if on else "Delete\u2026"
        self.delete.button_style = "danger" if on else ""

    def _on_delete(self) -> None:
        if not self._confirming:
            self._confirm(True)
            return
        entry_id = self.entry_id
        if entry_id is None:
            return
        self.page.actions.edit(lambda review: register.remove(review, entry_id), f"deleting risk {entry_id}", "")
        self.page.close_editor()
        self.page.refresh()
        self.page.messages.success(f"Risk {entry_id} was removed from the register (Undo brings it back).")


class RegisterPage:
    """The page; ``actions`` are how it reads the review and changes it (see :class:`RegisterActions`)."""

    def __init__(self, events: Events, messages: Messages, actions: RegisterActions):
        from kit.render.charts import HeatMap

        self.events = events
        self.messages = messages
        self.actions = actions
        self.catalogue = catalogues.load()
        self.chart = HeatMap(width=HEATMAP_INCHES[0], height=HEATMAP_INCHES[1], dpi=HEATMAP_DPI)
        self.heatmap = classed(
            w.Image(format="png", layout=w.Layout(width=f"{HEATMAP_CSS_WIDTH}px", height="auto")),
            "pk-register-heatmap",
        )
        self.summary = html("", "pk-register-summary")

        # Adding: from the catalogue, from scratch, from the suggestions.
        self.kind = dropdown([(kind.name, kind.id) for kind in self.catalogue.kinds], "pk-register-kind", width="100%")
        self.failure = dropdown([], "pk-register-failure", width="100%")
        self.preview = html("", "pk-register-preview")
        self.component = classed(
            w.Text(placeholder="Your component (optional): e.g. Orders database", layout=w.Layout(width="100%")),
            "pk-register-component",
        )
        self.add_catalogue = button(
            "Add from catalogue",
            "pk-register-add-catalogue",
            icon="plus",
            style="primary",
            tooltip="Add this failure mode, with its detection, mitigation and runbook hint",
        )
        events.observe(self.kind, lambda _c: self._fill_failures(), "choosing a kind of component")
        events.observe(self.failure, lambda _c: self._show_preview(), "choosing a failure mode")
        events.click(self.add_catalogue, self._on_add_catalogue, "adding a risk from the catalogue")
        self.scratch_component = classed(
            w.Text(placeholder="Component", layout=w.Layout(flex="1 1 35%", width="auto")),
            "pk-register-scratch-component",
        )
        self.scratch_failure = classed(
            w.Text(placeholder="What can go wrong", layout=w.Layout(flex="1 1 65%", width="auto")),
            "pk-register-scratch-failure",
        )
        self.add_scratch = button("Add", "pk-register-add-scratch", icon="plus", tooltip="Add a risk of your own")
        events.click(self.add_scratch, self._on_add_scratch, "adding a risk")
        self.suggestions = classed(w.VBox([]), "pk-register-suggestions")

        adding = classed(
            w.VBox(
                [
                    html("<h4>Add from the catalogue</h4>", "pk-side-heading"),
                    self.kind,
                    self.failure,
                    self.preview,
                    classed(w.HBox([self.component, self.add_catalogue]), "pk-register-add-row"),
                    html("<h4>Add your own</h4>", "pk-side-heading"),
                    classed(
                        w.HBox([self.scratch_component, self.scratch_failure, self.add_scratch]), "pk-register-add-row"
                    ),
                ]
            ),
            "pk-register-adding",
        )
        top = classed(
            w.HBox([classed(w.VBox([self.heatmap, self.summary]), "pk-register-map"), adding]), "pk-register-top"
        )

        # Finding: filter and sort.
        self.filter_component = dropdown([("All components", "")], "pk-register-filter-component", width="14em")
        self.filter_status = dropdown(
            [("All statuses", "")] + [(STATUS_WORDS[s], s) for s in ENTRY_STATUSES],
            "pk-register-filter-status",
            width="11em",
        )
        self.sort = dropdown(list(SORTS), "pk-register-sort", value="rank", width="15em")
        for widget, action in (
            (self.filter_component, "filtering the register by component"),
            (self.filter_status, "filtering the register by status"),
            (self.sort, "sorting the register"),
        ):
            events.observe(widget, lambda _c: self.show_list(), action)
        self.count = html("", "pk-register-count")
        finder = classed(
            w.HBox([self.filter_component, self.filter_status, self.sort, self.count]), "pk-register-finder"
        )
        self.list = classed(w.VBox([]), "pk-register-list")
        self.empty = html(
            "<p class='pk-hint'>No risks yet. List each component of the workload and what could go wrong with it: "
            "start from the catalogue, from the suggestions, or write your own.</p>",
            "pk-register-empty",
        )
        self.editor = Editor(self)
        self._rows: dict[str, tuple[w.VBox, w.HTML]] = {}
        self.widget = classed(
            w.VBox(
                [
                    html(
                        "<h3>Risk register</h3><p class='pk-hint'>Each component, what can go wrong with it, how likely "
                        "and how bad (likelihood \u00d7 impact), how you would notice, how you soften it, and what to do "
                        "when it happens. Every change is saved.</p>",
                        "pk-register-intro",
                    ),
                    top,
                    self.suggestions,
                    finder,
                    self.empty,
                    self.list,
                ]
            ),
            "pk-register-page",
        )
        with events.quiet():
            self._fill_failures()
        self.refresh()

    # --- what the review holds --------------------------------------------------------------

    def question_labels(self) -> dict[tuple[str, str], str]:
        """Every question of the review's lenses, by (lens alias, question id), as it reads."""
        review = self.actions.review()
        many = len(review.lenses) > 1
        return {
            (alias, q.id): (f"{lens.name}: {q.label}" if many else q.label)
            for alias, lens in review.lenses.items()
            for q in lens.questions()
        }

    def _codes(self) -> dict[tuple[str, str], str]:
        review = self.actions.review()
        return {(alias, q.id): q.code or q.title for alias, lens in review.lenses.items() for q in lens.questions()}

    # --- showing ----------------------------------------------------------------------------

    def refresh(self, refill: bool = False) -> None:
        """Everything again: heat map, summary, suggestions, filters and the list (a review shown or reloaded).

        ``refill``: the review changed behind the page (undo, another window's saves merged in,
        another review shown), so the open editor shows its entry again, or closes if it is gone.
        """
        if self.editor.entry_id is not None and not any(
            e.id == self.editor.entry_id for e in self.actions.review().risk_register
        ):
            self.editor.entry_id = None
        if refill:
            self.editor.refill()
        self._draw()
        self._fill_components()
        self.show_suggestions()
        self.show_list()

    def _draw(self) -> None:
        entries = self.actions.review().risk_register
        self.heatmap.value = self.chart.render(register.heatmap(entries))
        still = sum(not e.is_closed for e in entries)
        if entries:
            text = (
                f"{len(entries)} risk{'s' if len(entries) != 1 else ''}, {still} not closed. "
                "Each cell counts the risks not closed; its small number is the rating."
            )
        else:
            text = "The heat map fills in as you rate risks."
        self.summary.value = f"<span class='pk-hint'>{escape(text)}</span>"

    def _fill_components(self) -> None:
        chosen = self.filter_component.value
        names = register.components(self.actions.review().risk_register)
        options = [("All components", "")] + [(name, name) for name in names]
        with self.events.quiet():
            if list(self.filter_component.options) != options:
                self.filter_component.options = options
            self.filter_component.value = chosen if chosen in names else ""

    def show_suggestions(self) -> None:
        from kit.core.scoring import score

        review = self.actions.review()
        found = register.suggestions(review, self.actions.score() or score(review), self.catalogue)[:SUGGESTIONS]
        for child in self.suggestions.children:
            _close_tree(child)
        if not found:
            self.suggestions.children = []
            return
        codes = self._codes()
        rows: list[w.Widget] = [
            html(
                "<h4>Suggested by the review\u2019s high risks</h4>",
                "pk-side-heading",
            )
        ]
        for suggestion in found:
            item = suggestion.entry
            because = ", ".join(codes.get((q.lens, q.question), q.question) for q in suggestion.because)
            text = html(
                f"<b>{escape(item.kind.name)}</b>: {escape(item.failure_mode)} "
                f"<span class='pk-hint'>(high risk on {escape(because)})</span>",
                "pk-register-suggestion-text",
            )
            add = button("Add", "pk-register-suggestion-add", icon="plus", tooltip="Add this failure mode")
            self.events.click(add, self._adder(item.id), "adding a suggested risk")
            rows.append(classed(w.HBox([add, text]), "pk-register-suggestion"))
        self.suggestions.children = rows

    def _sorted(self, entries: list[Entry]) -> list[tuple[int | None, Entry]]:
        ranked = register.ranked(entries)
        rank = {id(e): i for i, e in enumerate(ranked, start=1)}
        order = self.sort.value
        if order == "component":
            chosen = sorted(entries, key=lambda e: (e.component.casefold(), rank[id(e)]))
        elif order == "status":
            position: dict[str, int] = {s: i for i, s in enumerate(ENTRY_STATUSES)}
            chosen = sorted(entries, key=lambda e: (position[e.status], rank[id(e)]))
        elif order == "newest":
            chosen = list(reversed(entries))
        else:
            chosen = ranked
        return [(rank[id(e)], e) for e in chosen]

    def show_list(self) -> None:
        review = self.actions.review()
        entries = review.risk_register
        shown = register.matching(
            entries, component=self.filter_component.value or None, status=self.filter_status.value or None
        )
        labels = self._codes()
        old = self._rows
        self._rows = {}
        children = []
        for rank, entry in self._sorted(shown):
            box, line = old.pop(entry.id, (None, None))
            if box is None:
                line = html("", "pk-register-row-text")
                edit = button("Edit", "pk-register-edit", icon="pencil", tooltip=f"Edit {entry.id} here")
                self.events.click(edit, self._opener(entry.id), "opening a risk's editor")
                box = classed(w.VBox([classed(w.HBox([line, edit]), "pk-register-row")]), "pk-register-entry")
            value = row_html(entry, rank, labels)
            if line.value != value:
                line.value = value
            editing = entry.id == self.editor.entry_id
            head = box.children[0]
            box.children = (head, self.editor.widget) if editing else (head,)
            set_class(box, "pk-register-editing", editing)
            self._rows[entry.id] = (box, line)
            children.append(box)
        for box, _line in old.values():
            box.children = box.children[:1]
            _close_tree(box)
        self.list.children = children
        show(self.empty, not entries)
        hidden = len(entries) - len(shown)
        self.count.value = (
            f"<span class='pk-hint'>{len(shown)} shown, {hidden} hidden by the filters</span>" if hidden else ""
        )

    def entry_changed(self, entry: Entry, structural: bool) -> None:
        """A field of ``entry`` changed: its row, and (for ratings, status, component) the map, filters and order."""
        if structural:
            self._draw()
            self._fill_components()
            self.show_list()
            return
        pair = self._rows.get(entry.id)
        if pair is not None:
            rank = {e.id: i for i, e in enumerate(register.ranked(self.actions.review().risk_register), start=1)}
            pair[1].value = row_html(entry, rank.get(entry.id), self._codes())

    # --- editing ----------------------------------------------------------------------------

    def open_editor(self, entry_id: str) -> None:
        entry = register.entry(self.actions.review(), entry_id)
        with self.events.quiet():
            self.editor.fill(entry)
            self.filter_component.value = self.filter_component.value if self._visible(entry) else ""
            if not self._visible(entry):
                self.filter_status.value = ""
        self.show_list()

    def _visible(self, entry: Entry) -> bool:
        return bool(
            register.matching(
                [entry], component=self.filter_component.value or None, status=self.filter_status.value or None
            )
        )

    def close_editor(self) -> None:
        self.editor.entry_id = None
        self.show_list()

    def _opener(self, entry_id: str) -> Callable[[], None]:
        return lambda: self.open_editor(entry_id)

    # --- adding -----------------------------------------------------------------------------

    def _fill_failures(self) -> None:
        entries = self.catalogue.of_kind(self.kind.value)
        self.failure.options = [(_short(e.failure_mode, 110), e.id) for e in entries]
        if entries:
            self.failure.value = entries[0].id
        self._show_preview()

    def _show_preview(self) -> None:
        if not self.failure.value:
            self.preview.value = ""
            return
        item = self.catalogue.entry(self.failure.value)
        self.preview.value = (
            "<div class='pk-register-preview-box'>"
            f"<div><b>Notice it:</b> {escape(item.detection)}</div>"
            f"<div><b>Soften it:</b> {escape(item.mitigation)}</div>"
            f"<div><b>When it happens:</b> {escape(item.runbook)}</div></div>"
        )

    def _added(self, entry: Entry, how: str) -> None:
        self.messages.success(f"Added {entry.id}: {entry.component}: {_short(entry.failure_mode, 80)} ({how}).")
        self.refresh()
        self.open_editor(entry.id)

    def _on_add_catalogue(self) -> None:
        catalogue_id = self.failure.value
        component = self.component.value.strip() or None
        entry = self.actions.edit(
            lambda review: register.add_from_catalogue(review, catalogue_id, component), "adding a risk", ""
        )
        with self.events.quiet():
            self.component.value = ""
        self._added(entry, "from the catalogue; rate its likelihood and impact")

    def _adder(self, catalogue_id: str) -> Callable[[], None]:
        def add() -> None:
            entry = self.actions.edit(
                lambda review: register.add_from_catalogue(review, catalogue_id), "adding a suggested risk", ""
            )
            self._added(entry, "suggested; name your component and rate it")

        return add

    def _on_add_scratch(self) -> None:
        component, failure = self.scratch_component.value.strip(), self.scratch_failure.value.strip()
        if not component or not failure:
            self.messages.warning("Name the component and what can go wrong with it, then add.")
            return
        try:
            entry = self.actions.edit(lambda review: register.add(review, component, failure), "adding a risk", "")
        except RegisterError as exc:
            self.messages.error(f"The risk was not added: {exc.diagnostics[0].message}.")
            return
        with self.events.quiet():
            self.scratch_component.value = self.scratch_failure.value = ""
        self._added(entry, "rate its likelihood and impact")

    def close(self) -> None:
        _close_tree(self.editor.widget)
        _close_tree(self.widget)


def _short(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "\u2026"


def _close_tree(widget: w.Widget) -> None:
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()
