"""The workload panel: what is being reviewed, its business context and pillar priorities, and the lenses.

Lenses come from the bundled list or from an uploaded custom lens JSON, validated by
``kit.core.lens`` with every error shown in the app. Adding or removing a lens goes through
the review's own setters (``apply_lens``, ``remove_lens``), which refuse to drop an answer.
Every edit goes through the callbacks in :class:`WorkloadActions`, so the session keeps it
for Undo and saves it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w

from kit.app.events import Events
from kit.app.messages import Messages
from kit.app.storage import Upload, uploads
from kit.app.ui import checkbox, classed, html, set_class, text, textarea
from kit.core import lens as lenses
from kit.core.errors import LensError, ReadOnlyError, ReviewError
from kit.core.review import Review, Workload
from kit.core.vocabulary import ENVIRONMENTS, Environment


@dataclass(frozen=True)
class WorkloadActions:
    """What the workload panel may do to the review."""

    #: ``set_workload(change, label, key)``: ``change(workload)`` edits the workload.
    set_workload: Callable[[Callable[[Workload], None], str, str], None]
    set_priorities: Callable[[list[str]], None]
    #: ``change_lenses(mutate, label)``: ``mutate(review)`` applies or removes a lens (it may raise ReviewError).
    change_lenses: Callable[[Callable[[Review], None], str], None]


#: The environment picker's options: (words, value).
ENVIRONMENT_OPTIONS = [(environment.words, environment) for environment in ENVIRONMENTS]
#: business_context keys for the fields the panel shows; other keys in a file are kept as they are.
CONTEXT_FIELDS = (
    ("recovery_time_objective", "Recovery time", "pk-workload-rto", "RTO, e.g. 4 hours"),
    ("recovery_point_objective", "Recovery point", "pk-workload-rpo", "RPO, e.g. 15 minutes"),
    ("compliance", "Compliance", "pk-workload-compliance", "e.g. PCI DSS, GDPR"),
)
TEXT_FIELDS = (
    ("name", "Workload name", "pk-workload-name", "What is being reviewed"),
    ("owner", "Owner", "pk-workload-owner", "Team or person accountable"),
    ("industry", "Industry", "pk-workload-industry", ""),
    ("facilitator", "Facilitator", "pk-workload-facilitator", ""),
)


def split_list(value: str) -> list[str]:
    """Comma- or line-separated text as a list of non-empty, stripped items."""
    return [item.strip() for item in re.split(r"[,\n]", value) if item.strip()]


def lens_alias(file_name: str, taken: set[str]) -> str:
    """An alias for an uploaded lens, made from its file's name as ``pillarkit new`` makes it, and not in ``taken``."""
    return lenses.unique_alias(lenses.alias_from_name(file_name), taken)


class WorkloadPanel:
    """Built on first show (see ``ReviewApp``), so it costs nothing before it is needed."""

    def __init__(self, events: Events, messages: Messages, actions: WorkloadActions):
        self.events = events
        self.messages = messages
        self.actions = actions
        self.review: Review | None = None
        self.fields: dict[str, w.Widget] = {}
        rows: list[w.Widget] = [html("<h3>Workload</h3>", "pk-side-heading")]
        for attr, label, cls, hint in TEXT_FIELDS:
            self.fields[attr] = text(label, cls, placeholder=hint)
        self.fields["description"] = textarea("Description", "pk-workload-description", rows=2)
        self.fields["environment"] = classed(
            w.Dropdown(options=ENVIRONMENT_OPTIONS, description="Environment", style={"description_width": "9em"}),
            "pk-workload-environment",
        )
        self.fields["regions"] = text("Regions", "pk-workload-regions", placeholder="e.g. eu-west-1, us-east-1")
        self.fields["review_date"] = classed(
            w.DatePicker(description="Review date", style={"description_width": "9em"}), "pk-workload-date"
        )
        self.fields["participants"] = textarea(
            "Participants", "pk-workload-participants", placeholder="One per line", rows=3
        )
        self.fields["notes"] = textarea("Notes", "pk-workload-notes", rows=3)
        order = (
            "name",
            "description",
            "environment",
            "owner",
            "industry",
            "regions",
            "review_date",
            "facilitator",
            "participants",
            "notes",
        )
        rows += [self.fields[attr] for attr in order]
        for attr in order:
            events.observe(self.fields[attr], self._field(attr), "editing the workload")

        rows.append(html("<h4>Business context</h4>", "pk-side-heading"))
        self.context: dict[str, w.Text] = {}
        for key, label, cls, hint in CONTEXT_FIELDS:
            self.context[key] = text(label, cls, placeholder=hint)
            events.observe(self.context[key], self._context(key), "editing the business context")
            rows.append(self.context[key])
        self.priorities = classed(
            w.TagsInput(allow_duplicates=False, layout=w.Layout(width="100%")), "pk-pillar-priorities"
        )
        events.observe(self.priorities, self._on_priorities, "ordering pillar priorities")
        rows += [
            html(
                "<div class='pk-hint'>Pillar priorities, most important first (they order the improvement list):</div>"
            ),
            self.priorities,
        ]

        rows.append(html("<h3>Lenses</h3>", "pk-side-heading"))
        self.lens_boxes = classed(w.VBox([]), "pk-lens-list")
        self.lens_upload = classed(
            w.FileUpload(accept=".json,application/json", multiple=False, description="Upload a custom lens"),
            "pk-lens-upload",
        )
        events.observe(self.lens_upload, self._on_lens_upload, "adding an uploaded lens")
        rows += [
            self.lens_boxes,
            html(
                "<div class='pk-hint'>A custom lens is a Well-Architected Tool custom lens JSON file; "
                "it travels inside the review file.</div>"
            ),
            self.lens_upload,
        ]
        self.widget = classed(w.VBox(rows), "pk-workload")
        self._lens_checks: dict[str, w.Checkbox] = {}

    # --- filling in -----------------------------------------------------------------

    def populate(self, review: Review) -> None:
        """Show the review's workload and lenses. Call inside ``events.quiet()``."""
        self.review = review
        workload = review.workload
        for widget in [*self.fields.values(), *self.context.values()]:
            set_class(widget, "pk-invalid", False)  # what is shown now is what the review holds
        for attr, *_ in TEXT_FIELDS:
            self.fields[attr].value = getattr(workload, attr) or ""
        self.fields["description"].value = workload.description or ""
        self.fields["environment"].value = (
            workload.environment if workload.environment in ENVIRONMENTS else Environment.PRODUCTION
        )
        self.fields["regions"].value = ", ".join(workload.regions)
        self.fields["participants"].value = "\n".join(workload.participants)
        self.fields["notes"].value = workload.notes or ""
        try:
            self.fields["review_date"].value = (
                dt.date.fromisoformat(workload.review_date) if workload.review_date else None
            )
        except ValueError:
            self.fields["review_date"].value = None  # kept in the file as written until someone picks a date
        for key, *_ in CONTEXT_FIELDS:
            self.context[key].value = workload.business_context.get(key, "")
        pillar_ids = list(dict.fromkeys(p.id for lens in review.lenses.values() for p in lens.pillars))
        self.priorities.allowed_tags = pillar_ids
        self.priorities.value = [p for p in review.pillar_priorities if p in pillar_ids]
        self._lens_list()

    def _lens_list(self) -> None:
        assert self.review is not None
        review = self.review
        for box in self._lens_checks.values():
            box.close()
        self._lens_checks = {}
        for alias in lenses.bundled_aliases():
            applied = review.lenses.get(alias)
            name = applied.name if applied is not None else lenses.bundled(alias).name
            self._lens_checks[alias] = checkbox(name, "pk-lens-toggle", value=applied is not None)
        for alias, lens in review.lenses.items():
            if alias not in self._lens_checks:
                self._lens_checks[alias] = checkbox(
                    f"{lens.name} (custom: {alias})", "pk-lens-toggle", "pk-lens-custom", value=True
                )
        for alias, box in self._lens_checks.items():
            self.events.observe(box, self._lens_toggled(alias), "changing the lenses")
        self.lens_boxes.children = list(self._lens_checks.values())

    # --- callbacks ----------------------------------------------------------------

    def _field(self, attr: str) -> Callable[[dict], None]:
        label = {a: lbl for a, lbl, *_ in TEXT_FIELDS}.get(attr, attr.replace("_", " ").capitalize())

        def changed(change: dict) -> None:
            value = change["new"]
            if attr in ("regions", "participants"):
                value = split_list(value)
            elif attr == "review_date":
                value = value.isoformat() if value else ""
            self._refused(
                self.fields[attr],
                lambda: self.actions.set_workload(
                    lambda workload: workload.set(attr, value), f"the {label.lower()}", f"workload:{attr}"
                ),
            )

        return changed

    def _context(self, key: str) -> Callable[[dict], None]:
        def changed(change: dict) -> None:
            value = change["new"]
            self._refused(
                self.context[key],
                lambda: self.actions.set_workload(
                    lambda workload: workload.set_context(key, value), f"the {key.replace('_', ' ')}", f"context:{key}"
                ),
            )

        return changed

    def _refused(self, widget: w.Widget, store: Callable[[], None]) -> None:
        """Store a field through the session; text past its limit is refused and said so, and stays on screen, never cut."""
        try:
            store()
        except ReadOnlyError:
            raise  # not this field's fault: the session says who writes the review
        except ReviewError as exc:
            set_class(widget, "pk-invalid", True)
            message = exc.diagnostics[0].message
            self.messages.error(f"{message[:1].upper()}{message[1:]}. Shorten it to keep it.")
            return
        set_class(widget, "pk-invalid", False)

    def _on_priorities(self, change: dict) -> None:
        assert self.review is not None
        allowed = set(self.priorities.allowed_tags)
        unknown = [p for p in self.review.pillar_priorities if p not in allowed]  # kept, never dropped in silence
        self.actions.set_priorities(list(change["new"]) + unknown)

    def _lens_toggled(self, alias: str) -> Callable[[dict], None]:
        def toggled(change: dict) -> None:
            assert self.review is not None
            try:
                if change["new"]:
                    lens = lenses.bundled(alias)
                    self.actions.change_lenses(lambda review: review.apply_lens(lens), f"adding the lens “{lens.name}”")
                    self.messages.success(f"Added the lens “{lens.name}”; pick it in the lens menu above the question.")
                else:
                    name = self.review.lenses[alias].name
                    self.actions.change_lenses(lambda review: review.remove_lens(alias), f"removing the lens “{name}”")
                    self.messages.success(f"Removed the lens “{name}”.")
            except ReviewError as exc:
                with self.events.quiet():
                    self._lens_checks[alias].value = self.review is not None and alias in self.review.lenses
                self.messages.problem(exc, "The lenses were not changed: ")

        return toggled

    def _on_lens_upload(self, change: dict) -> None:
        files = uploads(change["new"])
        with self.events.quiet():
            self.lens_upload.value = ()
        for upload in files:
            self.add_uploaded_lens(upload)

    def add_uploaded_lens(self, upload: Upload) -> None:
        """Validate an uploaded lens and apply it; every problem is shown, nothing is applied on error."""
        assert self.review is not None
        review = self.review
        alias = lens_alias(upload.name, set(review.lenses) | set(lenses.bundled_aliases()))
        try:
            lens = lenses.from_document(upload.json(LensError), source=upload.name, alias=alias)
        except LensError as exc:
            self.messages.problem(exc, f"The lens {upload.name} cannot be used: ")
            return
        for applied in review.lenses.values():
            if applied.content_hash == lens.content_hash:
                self.messages.info(f"The lens “{lens.name}” is already applied.")
                return
        self.actions.change_lenses(lambda review: review.apply_lens(lens), f"adding the lens “{lens.name}”")
        pillars, questions, _ = lens.counts()
        text = f"Added the lens “{lens.name}” ({pillars} pillars, {questions} questions) as {alias}; pick it in the lens menu."
        if lens.warnings:
            self.messages.warning(
                text + f" It loaded with {len(lens.warnings)} warnings:", [str(d) for d in lens.warnings]
            )
        else:
            self.messages.success(text)

    def close(self) -> None:
        for box in self._lens_checks.values():
            box.close()
