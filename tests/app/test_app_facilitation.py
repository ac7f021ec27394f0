"""Facilitation aids: agenda and timer, parking lot, milestones, workload panel, display modes."""

from __future__ import annotations

import datetime as dt

from kit.app.agenda import PLAN_MINUTES, default_timeboxes
from kit.core import lens as lenses
from kit.core.review import Review
from tests.app.app_driver import ALIAS, saved, tick

# --- agenda ---------------------------------------------------------------------------


def test_default_timeboxes_spread_four_hours_by_question_count():
    framework = lenses.bundled("wellarchitected")
    boxes = default_timeboxes([framework])
    assert sum(boxes.values()) == PLAN_MINUTES == 240
    assert (
        boxes["wellarchitected:reliability"] > boxes["wellarchitected:security"] > boxes["wellarchitected:performance"]
    )
    # Proportional to within a minute of rounding.
    for pillar in framework.pillars:
        exact = 240 * len(pillar.questions) / 57
        assert abs(boxes[f"wellarchitected:{pillar.id}"] - exact) < 1
    both = default_timeboxes([framework, lenses.bundled("serverless")])
    assert sum(both.values()) == 240 and len(both) == 11


def test_the_app_starts_with_the_default_agenda(app):
    boxes = app.review.extensions["agenda"]["timeboxes"]
    assert boxes == {f"{ALIAS}:ops": 160, f"{ALIAS}:sec": 80}
    assert sum(boxes.values()) == 240
    assert "Elapsed <b>0:00</b> of <b>4:00</b> planned" in app.agenda.total.value


def test_the_timer_books_time_to_the_pillar_on_screen(app, clock, scheduler):
    agenda = app.agenda
    agenda.timer.value = True
    assert agenda.running and agenda.timer.description == "Pause timer"
    clock.advance(600)
    scheduler.run_due()  # the periodic tick
    assert agenda.used[f"{ALIAS}:ops"] == 600
    assert "0:10" in agenda.table.value
    app.navigator.pillar_picker.value = "sec"
    clock.advance(120)
    agenda.timer.value = False
    assert agenda.used == {f"{ALIAS}:ops": 600, f"{ALIAS}:sec": 120}
    clock.advance(1000)  # paused: nothing booked
    app.navigator.pillar_picker.value = "ops"
    assert agenda.used[f"{ALIAS}:ops"] == 600
    app.flush()
    assert saved(app.path)["extensions"]["agenda"]["used"] == {f"{ALIAS}:ops": 600, f"{ALIAS}:sec": 120}


def test_a_pillar_over_its_timebox_shows_a_hint(app, clock, scheduler):
    agenda = app.agenda
    agenda.edit.value = True
    agenda._editor[f"{ALIAS}:ops"].value = 5
    assert app.review.extensions["agenda"]["timeboxes"][f"{ALIAS}:ops"] == 5
    agenda.timer.value = True
    clock.advance(4 * 60)
    scheduler.run_due()
    assert agenda.hint.layout.display == "none"
    clock.advance(6 * 60)
    scheduler.run_due()
    assert agenda.hint.layout.display is None
    assert "Operations is 5 min over its 5 min timebox" in agenda.hint.value
    assert "over by 5 min" in agenda.table.value
    app.navigator.pillar_picker.value = "sec"  # the hint is about the pillar on screen
    assert agenda.hint.layout.display == "none"


# --- parking lot ----------------------------------------------------------------------


def test_a_parked_topic_is_linked_to_its_question(app):
    app.navigator.next.click()
    lot = app.parking_lot
    lot.text.value = "Who owns the <pager> rota?"
    lot.owner.value = "Sam"
    lot.add.click()
    item = app.review.parking_lot[0]
    assert (item.text, item.owner, item.lens, item.question_id) == (
        "Who owns the <pager> rota?",
        "Sam",
        ALIAS,
        "monitor",
    )
    assert lot.text.value == ""
    assert "1 parked, 1 open" in lot.summary.value
    (row,) = lot.items.children
    done, label, go = row.children
    assert "Who owns the &lt;pager&gt; rota?" in label.value and "<pager>" not in label.value
    app.navigator.pillar_picker.value = "sec"
    go.click()
    assert app.position == (ALIAS, "monitor")
    done.value = True
    assert item.done is True and "0 open" in lot.summary.value
    app.flush()
    assert saved(app.path)["parking_lot"][0]["question_id"] == "monitor"


def test_parking_needs_some_text(app):
    app.parking_lot.add.click()
    assert app.review.parking_lot == []
    assert app.messages.current.level == "warning"


# --- milestones -----------------------------------------------------------------------


def test_save_a_milestone(app):
    tick(app, "deploy_pipeline")
    app.show_side_page(3)
    panel = app.files_panel
    panel.milestone_name.value = "Before migration"
    panel.milestone_save.click()
    (milestone,) = app.review.milestones
    assert milestone.name == "Before migration"
    assert milestone.answers[ALIAS]["deploy"]["SelectedChoices"] == ["deploy_pipeline"]
    assert "Before migration" in panel.milestones.value
    tick(app, "deploy_pipeline", False)
    assert app.review.milestones[0].answers[ALIAS]["deploy"]["SelectedChoices"] == ["deploy_pipeline"]  # frozen


# --- workload -------------------------------------------------------------------------


def test_the_workload_panel_fills_in_the_workload(app):
    panel = app.workload_panel
    fields = panel.fields
    fields["name"].value = "Checkout <b>v2</b>"
    fields["environment"].value = "PREPRODUCTION"
    fields["owner"].value = "Payments team"
    fields["regions"].value = "eu-west-1, eu-central-1,"
    fields["participants"].value = "Ana\nSam\n\n"
    fields["review_date"].value = dt.date(2025, 3, 4)
    panel.context["recovery_time_objective"].value = "4 hours"
    panel.context["compliance"].value = "PCI DSS"
    panel.priorities.add.value = "sec"
    panel.priorities.add.value = "ops"
    workload = app.review.workload
    assert workload.name == "Checkout <b>v2</b>"
    assert workload.environment == "PREPRODUCTION"
    assert workload.regions == ["eu-west-1", "eu-central-1"]
    assert workload.participants == ["Ana", "Sam"]
    assert workload.review_date == "2025-03-04"
    assert workload.business_context == {"recovery_time_objective": "4 hours", "compliance": "PCI DSS"}
    assert app.review.pillar_priorities == ["sec", "ops"]
    # The name is data, never markup.
    assert "Checkout &lt;b&gt;v2&lt;/b&gt;" in app.toolbar.title.value and "<b>v2" not in app.toolbar.title.value
    app.flush()
    assert saved(app.path)["workload"]["business_context"]["compliance"] == "PCI DSS"


def test_the_workload_panel_shows_a_loaded_review(app):
    assert app.workload_panel.fields["name"].value == ""  # built before the load, so it has to be filled in again
    review = Review(list(app.review.lenses.values()))
    review.workload.name = "Loaded"
    review.workload.participants = ["Ana", "Sam"]
    review.pillar_priorities = ["sec", "unknown-pillar"]
    app.load_review(review)
    assert app.workload_panel.fields["name"].value == "Loaded"
    assert app.workload_panel.fields["participants"].value == "Ana\nSam"
    picker = app.workload_panel.priorities
    assert picker.ranked == ["sec"]
    picker.add.value = "ops"
    assert app.review.pillar_priorities == ["sec", "ops", "unknown-pillar"]  # never dropped in silence
    _first, second = picker.rows.children
    up = second.children[1]
    up.click()  # "Move … up" on the second pillar
    assert app.review.pillar_priorities == ["ops", "sec", "unknown-pillar"]


def test_the_pillar_priorities_are_an_ordered_picker_of_the_reviews_pillars(app):
    picker = app.workload_panel.priorities
    names = dict(picker.names)
    assert set(names) == {p.id for lens in app.review.lenses.values() for p in lens.pillars}
    assert picker.rows.children == () and picker.empty.layout.display is None  # "No priorities yet"
    assert [value for _label, value in picker.add.options] == ["", *names]
    for pillar_id in names:
        picker.add.value = pillar_id
    assert app.review.pillar_priorities == list(names)
    assert picker.add.layout.display == "none"  # every pillar is ranked: nothing left to add
    rows = picker.rows.children
    labels = [row.children[0].value for row in rows]
    assert [label.split("</span> ", 1)[1] for label in labels] == list(names.values())
    first = rows[0]
    up, down, _remove = first.children[1:]
    assert up.disabled and not down.disabled and rows[-1].children[2].disabled
    assert down.tooltip == f"Move {names[next(iter(names))]} down"  # what a screen reader announces
    down.click()
    assert app.review.pillar_priorities[:2] == list(names)[1::-1]
    picker.rows.children[0].children[3].click()  # remove the first
    assert app.review.pillar_priorities == list(names)[:1] + list(names)[2:]
    assert [value for _label, value in picker.add.options] == ["", list(names)[1]]


# --- display modes --------------------------------------------------------------------


def test_presenter_and_compact_modes_are_classes_on_the_app(app):
    root = app.widget
    assert "pk-app" in root._dom_classes
    app.toolbar.presenter.value = True
    assert "pk-presenter" in root._dom_classes
    app.toolbar.compact.value = True
    assert "pk-compact" in root._dom_classes and "pk-presenter" not in root._dom_classes
    assert app.toolbar.presenter.value is False
    app.toolbar.compact.value = False
    assert "pk-compact" not in root._dom_classes


def test_the_app_can_start_in_presenter_mode(make_app):
    app = make_app(presenter=True, hide_choices=True)
    assert "pk-presenter" in app.widget._dom_classes
    assert app.question_view.choices.layout.display == "none"
