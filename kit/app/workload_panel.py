"""The workload panel: what is being reviewed, its business context and pillar priorities, and the lenses.

Lenses come from the bundled list or from an uploaded custom lens JSON, validated by
``kit.core.lens`` with every error shown in the app. Adding or removing a lens builds a new
review through the review file's own format (``to_dict`` / ``from_dict``), so every answer,
note, milestone and parked topic is carried over by the core, not copied here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import ipywidgets as w

from kit.app.priorities import PriorityPicker
from kit.app.storage import uploads
from kit.app.ui import checkbox, classed, html, text, textarea
from kit.core import lens as lenses
from kit.core.errors import LensError, ReviewError

if TYPE_CHECKING:
    from kit.app.app import ReviewApp

ENVIRONMENTS = [("Production", "PRODUCTION"), ("Pre-production", "PREPRODUCTION")]
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
    """An alias for an uploaded lens from its file's stem: letters, digits, ``_`` and ``-`` only."""
    stem = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem[:-5] if stem.lower().endswith(".json") else stem
    alias = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:60] or "custom"
    if alias in taken:
        alias = f"{alias}-custom"
    return alias


class WorkloadPanel:
    """Built on first show (see ``ReviewApp``), so it costs nothing before it is needed."""

    def __init__(self, app: ReviewApp):
        self.app = app
        events = app.events
        self.fields: dict[str, w.Widget] = {}
        rows: list[w.Widget] = [html("<h3>Workload</h3>", "pk-side-heading")]
        for attr, label, cls, hint in TEXT_FIELDS:
            self.fields[attr] = text(label, cls, placeholder=hint)
        self.fields["description"] = textarea("Description", "pk-workload-description", rows=2)
        self.fields["environment"] = classed(
            w.Dropdown(options=ENVIRONMENTS, description="Environment", style={"description_width": "9em"}),
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
        self.priorities = PriorityPicker(events, self._on_priorities)
        rows += [
            html("<h4>Pillar priorities</h4>", "pk-side-heading"),
            html(
                "<div class='pk-hint'>Most important first: they order the improvement list and the handout's top risks.</div>"
            ),
            self.priorities.widget,
        ]

        rows.append(html("<h3>Lenses</h3>", "pk-side-heading"))
        self.lens_boxes = classed(w.VBox([]), "pk-lens-list")
        self.lens_upload = classed(
            w.FileUpload(
                accept=".json,application/json",
                multiple=False,
                description="Upload a custom lens",
                layout=w.Layout(width="auto"),
            ),
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

    def populate(self) -> None:
        """Show the review's workload and lenses. Call inside ``events.quiet()``."""
        review = self.app.review
        workload = review.workload
        for attr, *_ in TEXT_FIELDS:
            self.fields[attr].value = getattr(workload, attr) or ""
        self.fields["description"].value = workload.description or ""
        self.fields["environment"].value = (
            workload.environment if workload.environment in dict(map(reversed, ENVIRONMENTS)) else "PRODUCTION"
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
        pillars = {p.id: p.name for lens in review.lenses.values() for p in lens.pillars}
        self.priorities.show(list(pillars.items()), review.pillar_priorities)
        self._lens_list()

    def _lens_list(self) -> None:
        review = self.app.review
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
            self.app.events.observe(box, self._lens_toggled(alias), "changing the lenses")
        self.lens_boxes.children = list(self._lens_checks.values())

    # --- callbacks ----------------------------------------------------------------

    def _field(self, attr: str):
        def changed(change: dict) -> None:
            value = change["new"]
            if attr in ("regions", "participants"):
                value = split_list(value)
            elif attr == "review_date":
                value = value.isoformat() if value else ""
            setattr(self.app.review.workload, attr, value)
            self.app.workload_changed()

        return changed

    def _context(self, key: str):
        def changed(change: dict) -> None:
            context = self.app.review.workload.business_context
            if change["new"].strip():
                context[key] = change["new"]
            else:
                context.pop(key, None)
            self.app.workload_changed()

        return changed

    def _on_priorities(self, ranked: list[str]) -> None:
        review = self.app.review
        unknown = [p for p in review.pillar_priorities if p not in self.priorities.names]  # kept, never dropped
        review.pillar_priorities = ranked + unknown
        self.app.changed()

    def _lens_toggled(self, alias: str):
        def toggled(change: dict) -> None:
            review = self.app.review
            try:
                if change["new"]:
                    review.apply_lens(lenses.bundled(alias))
                    self.app.replace_review(review)
                    self.app.messages.success(
                        f"Added the lens “{lenses.bundled(alias).name}”; pick it in the lens menu above the question."
                    )
                else:
                    name = review.lenses[alias].name
                    review.remove_lens(alias)
                    self.app.replace_review(review)
                    self.app.messages.success(f"Removed the lens “{name}”.")
            except ReviewError as exc:
                with self.app.events.quiet():
                    self._lens_checks[alias].value = alias in self.app.review.lenses
                self.app.messages.problem(exc, "The lenses were not changed: ")

        return toggled

    def _on_lens_upload(self, change: dict) -> None:
        files = uploads(change["new"])
        with self.app.events.quiet():
            self.lens_upload.value = ()
        for upload in files:
            self.add_uploaded_lens(upload)

    def add_uploaded_lens(self, upload) -> None:
        """Validate an uploaded lens and apply it; every problem is shown, nothing is applied on error."""
        review = self.app.review
        alias = lens_alias(upload.name, set(review.lenses) | set(lenses.bundled_aliases()))
        try:
            lens = lenses.from_document(upload.json(LensError), source=upload.name, alias=alias)
        except LensError as exc:
            self.app.messages.problem(exc, f"The lens {upload.name} cannot be used: ")
            return
        for applied in review.lenses.values():
            if applied.content_hash == lens.content_hash:
                self.app.messages.info(f"The lens “{lens.name}” is already applied.")
                return
        review.apply_lens(lens)
        self.app.replace_review(review)
        pillars, questions, _ = lens.counts()
        text = f"Added the lens “{lens.name}” ({pillars} pillars, {questions} questions) as {alias}; pick it in the lens menu."
        if lens.warnings:
            self.app.messages.warning(
                text + f" It loaded with {len(lens.warnings)} warnings:", [str(d) for d in lens.warnings]
            )
        else:
            self.app.messages.success(text)

    def close(self) -> None:
        for box in self._lens_checks.values():
            box.close()
