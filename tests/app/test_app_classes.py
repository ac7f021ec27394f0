"""The CSS classes listed in kit.app's docstring are exactly the ones the widgets carry."""

from __future__ import annotations

import re

import ipywidgets as w

import kit.app
from kit.app.session import Ownership, Role
from kit.core import register
from kit.core.review import QUESTION_NOTES_LIMIT, new
from tests.app.app_driver import DATA, open_details, rows, upload_value


def listed() -> set[str]:
    return set(re.findall(r"^  (pk-[a-zA-Z0-9-]+)", kit.app.__doc__, flags=re.MULTILINE))


def classes_in(widget: w.Widget) -> set[str]:
    found = set(getattr(widget, "_dom_classes", ()))
    for child in getattr(widget, "children", ()):
        found |= classes_in(child)
    return found


def test_every_listed_class_is_on_a_widget_and_every_widget_class_is_listed(app):
    seen: set[str] = set()

    def look() -> None:
        seen.update(classes_in(app.widget))

    look()
    for cid in list(rows(app)):
        open_details(app, cid)
    look()
    app.question_view.na.value = True
    app.question_view.notes.value = "x" * (QUESTION_NOTES_LIMIT + 1)
    look()
    app.review.mark_prefilled(*app.position, "template: base.json")
    app.go_to(*app.position)  # shown again, now pre-filled
    look()
    app.messages.info("i")
    look()
    app.messages.success("s")
    look()
    app.messages.warning("w")
    look()
    app.toolbar.presenter.value = True
    look()
    app.toolbar.compact.value = True
    look()
    app.parking_lot.text.value = "topic"
    app.parking_lot.add.click()
    app.agenda.edit.value = True
    for page in range(5):
        app.show_side_page(page)
    app.workload_panel.priorities.add.value = app.workload_panel.priorities.add.options[1][1]
    app.workload_panel.lens_upload.value = upload_value(
        "s3-like.json", (DATA / "lenses" / "published" / "s3-like.json").read_bytes()
    )
    look()
    app.messages.error("e")
    look()
    app.ownership(Ownership(Role.READER, "other-window"))  # as when another window writes the review
    look()

    numbered = {c for c in seen if re.fullmatch(r"pk-choice-\d+", c)}
    assert numbered == {"pk-choice-1", "pk-choice-2"}  # the small lens's questions have two practices at most
    # The risk register page, on a Framework review with HIGH questions (so it has suggestions).
    review = new(["wellarchitected"], "Register")
    review.set_choice("wellarchitected", "planning-for-recovery", "rel_planning_for_recovery_no")
    register.add(review, "Orders database", "Fails over")
    register.add(review, "CDN", "Purge storm", status="CLOSED")
    app.load_review(review)
    app.show_main_page(1)
    page = app.register_page
    page.open_editor("R1")
    page.filter_status.value = "OPEN"
    look()

    seen -= {c for c in seen if re.fullmatch(r"pk-choice-\d+", c)}
    expected = listed() - {"pk-choice-N"}
    assert sorted(expected - seen) == []  # listed but never on a widget
    assert sorted(seen - expected) == []  # on a widget but not listed
