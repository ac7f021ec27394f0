"""The app's Risk register page: add from the catalogue or from scratch, edit in place, live heat map, filters, autosave."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.app.app import QUESTION_PAGE, REGISTER
from kit.core import register
from kit.core.review import Review, new
from kit.core.vocabulary import ACCEPTED, CLOSED, HIGH, LOW, MEDIUM, OPEN
from tests.app.app_driver import saved

WA = "wellarchitected"


@pytest.fixture
def framework_app(make_app, folder):
    """An app on a Framework review with two HIGH questions, saved in the folder."""
    review = new([WA], "Checkout")
    review.set_choice(WA, "planning-for-recovery", "rel_planning_for_recovery_no")
    review.set_choice(WA, "testing-resiliency", "rel_testing_resiliency_no")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "checkout.json"
    review.save(path)
    return make_app(review=Review.load(path), path=path)


def open_page(app):
    app.main_picker.value = REGISTER
    return app.register_page


def entries(app) -> list[str]:
    return [e.id for e in app.review.risk_register]


def shown(page) -> list[str]:
    """The ids of the rows on screen, in their order."""
    return [box.children[0].children[0].value.split("data-risk-id='")[1].split("'")[0] for box in page.list.children]


def test_the_page_is_built_when_first_shown_and_the_picker_switches(app):
    assert app._register_page is None and app.main_stack.selected_index == QUESTION_PAGE
    page = open_page(app)
    assert app.main_stack.selected_index == REGISTER
    assert app.main_stack.children[REGISTER].children == (page.widget,)
    assert page.empty.layout.display is None  # "No risks yet" is shown
    app.main_picker.value = QUESTION_PAGE
    assert app.main_stack.selected_index == QUESTION_PAGE


def test_add_from_the_catalogue_names_your_component_and_opens_the_editor(app, scheduler):
    page = open_page(app)
    page.kind.value = "relational-database"
    page.failure.value = "relational-database.failover-reconnect"
    assert "Notice it:" in page.preview.value and "failover" in page.preview.value
    page.component.value = "Orders <db>"
    page.add_catalogue.click()
    entry = app.review.risk_register[0]
    assert (entry.id, entry.component, entry.catalogue) == (
        "R1",
        "Orders <db>",
        "relational-database.failover-reconnect",
    )
    assert page.editor.entry_id == "R1" and page.editor.fields["component"].value == "Orders <db>"
    assert "Orders &lt;db&gt;" in page.list.children[0].children[0].children[0].value  # text, never markup
    assert page.component.value == ""
    scheduler.run_all()
    assert saved(app.path)["risk_register"][0]["component"] == "Orders <db>"  # autosaved


def test_add_your_own_needs_both_texts_and_refuses_one_past_its_limit(app):
    page = open_page(app)
    page.scratch_component.value = "CDN"
    page.add_scratch.click()
    assert entries(app) == [] and "Name the component" in app.messages.text.value
    page.scratch_failure.value = "x" * 501
    app.events.raise_errors = False
    page.add_scratch.click()
    assert entries(app) == [] and "501 characters; the limit is 500" in app.messages.text.value
    page.scratch_failure.value = "Purge storms reach the origin"
    page.add_scratch.click()
    assert entries(app) == ["R1"] and page.scratch_failure.value == ""


def test_suggestions_come_from_high_answers_and_leave_once_taken(framework_app):
    app = framework_app
    page = open_page(app)
    texts = [row.children[1].value for row in page.suggestions.children[1:]]
    assert len(texts) == 5 and "REL12, REL13" in texts[0] and "disaster recovery plan has never been run" in texts[0]
    page.suggestions.children[1].children[0].click()  # Add
    assert app.review.risk_register[0].catalogue == "zone-region.untested-recovery"
    assert not any("never been run" in row.children[1].value for row in page.suggestions.children[1:])


def test_editing_in_place_saves_each_field_and_redraws_the_heat_map(app, scheduler):
    page = open_page(app)
    first = register.add(app.review, "Orders database", "Fails over")
    register.add(app.review, "CDN", "Purge storm", likelihood=HIGH, impact=HIGH)
    page.refresh()
    assert shown(page) == ["R2", "R1"]
    renders = page.chart.renders
    page.open_editor(first.id)
    editor = page.editor
    assert page._rows["R1"][0].children[1] is editor.widget  # under its own row
    editor.fields["likelihood"].value = HIGH
    editor.fields["impact"].value = HIGH
    editor.fields["runbook"].value = "Recycle the pool"
    editor.fields["owner"].value = "Data team"
    assert (first.likelihood, first.impact, first.runbook, first.owner) == (HIGH, HIGH, "Recycle the pool", "Data team")
    assert page.chart.renders == renders + 2  # one redraw per rating
    assert shown(page) == ["R1", "R2"]  # 9 and 9: the earlier entry first
    editor.questions.value = ((WA_SMALL := next(iter(page.question_labels()))),)
    assert [(q.lens, q.question) for q in first.questions] == [WA_SMALL]
    scheduler.run_all()
    stored = saved(app.path)["risk_register"][0]
    assert (stored["likelihood"], stored["runbook"], stored["questions"]) == (
        HIGH,
        "Recycle the pool",
        [{"lens": WA_SMALL[0], "question": WA_SMALL[1]}],
    )


def test_a_text_past_its_limit_is_refused_said_and_marked_and_nothing_is_cut(app):
    page = open_page(app)
    entry = register.add(app.review, "DB", "Fails over", notes="kept")
    page.refresh()
    page.open_editor(entry.id)
    app.events.raise_errors = False
    page.editor.fields["notes"].value = "n" * 2085
    assert entry.notes == "kept"
    assert "2085 characters; the limit is 2084" in page.editor.problem.value
    assert "pk-invalid" in page.editor.fields["notes"]._dom_classes
    assert "Risk R1" in app.messages.text.value
    page.editor.fields["notes"].value = "n" * 2084
    assert entry.notes == "n" * 2084 and "pk-invalid" not in page.editor.fields["notes"]._dom_classes


def test_accepting_sets_a_date_that_the_picker_shows_and_other_statuses_clear(app):
    page = open_page(app)
    entry = register.add(app.review, "DB", "Fails over")
    page.refresh()
    page.open_editor(entry.id)
    assert page.editor.until.disabled
    page.editor.status.value = ACCEPTED
    assert entry.accepted_until is not None and not page.editor.until.disabled
    assert page.editor.until.value == dt.date.fromisoformat(entry.accepted_until)
    page.editor.until.value = dt.date.today() + dt.timedelta(days=10)
    assert entry.accepted_until == (dt.date.today() + dt.timedelta(days=10)).isoformat()
    page.editor.status.value = CLOSED
    assert entry.accepted_until is None and page.editor.until.disabled and page.editor.until.value is None


def test_filter_by_component_and_status_and_sort(app):
    page = open_page(app)
    register.add(app.review, "Orders database", "Fails over", likelihood=LOW, impact=LOW)
    register.add(app.review, "CDN", "Purge storm", likelihood=HIGH, impact=MEDIUM, status=CLOSED)
    register.add(app.review, "Orders database", "Disk fills up", likelihood=MEDIUM, impact=MEDIUM)
    page.refresh()
    assert [label for label, _ in page.filter_component.options] == ["All components", "CDN", "Orders database"]
    page.filter_component.value = "Orders database"
    assert shown(page) == ["R3", "R1"] and "2 shown, 1 hidden" in page.count.value
    page.filter_component.value = ""
    page.filter_status.value = OPEN
    assert shown(page) == ["R3", "R1"]
    page.filter_status.value = ""
    page.sort.value = "component"
    assert shown(page) == ["R2", "R3", "R1"]
    page.sort.value = "newest"
    assert shown(page) == ["R3", "R2", "R1"]
    page.sort.value = "status"
    assert shown(page) == ["R3", "R1", "R2"]


def test_an_open_question_goes_to_the_parking_lot_in_one_click(app):
    page = open_page(app)
    entry = register.add(app.review, "Orders database", "Fails over", owner="Data team")
    page.refresh()
    page.open_editor(entry.id)
    page.editor.open_question.value = "Does the app re-resolve DNS after a failover?"
    page.editor.park.click()
    item = app.review.parking_lot[-1]
    assert (item.text, item.risk, item.owner) == ("Does the app re-resolve DNS after a failover?", "R1", "Data team")
    assert page.editor.open_question.value == ""
    assert "risk R1" in app.parking_lot.items.children[-1].children[1].value


def test_delete_asks_once_more(app):
    page = open_page(app)
    entry = register.add(app.review, "DB", "Fails over")
    page.refresh()
    page.open_editor(entry.id)
    page.editor.delete.click()
    assert entries(app) == ["R1"] and page.editor.delete.description == "Really delete R1?"
    page.editor.delete.click()
    assert entries(app) == [] and page.editor.entry_id is None and page.list.children == ()


def test_a_lapsed_acceptance_reopens_when_the_review_opens_and_is_kept_on_reload(make_app, folder, scheduler):
    review = new([WA], "Lapsed")
    entry = register.add(review, "DB", "Fails over")
    register.update(review, entry.id, dt.date(2020, 1, 1), status=ACCEPTED, accepted_until="2020-06-30")
    register.add(review, "CDN", "Purge storm", likelihood=HIGH, impact=MEDIUM)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "lapsed.json"
    review.save(path)
    before = path.read_bytes()
    app = make_app(path=path)
    assert app.review.risk_register[0].status == OPEN
    assert "risk R1 was accepted until 2020-06-30" in app.messages.text.value
    assert path.read_bytes() == before  # opening alone never writes
    page = open_page(app)
    page.open_editor("R2")
    page.editor.fields["owner"].value = "Edge team"
    scheduler.run_all()
    again = make_app(path=path)
    assert [(e.id, e.status, e.owner) for e in again.review.risk_register] == [
        ("R1", OPEN, ""),
        ("R2", OPEN, "Edge team"),
    ]


def test_changes_on_the_page_are_undone_and_the_editor_shows_the_entry_again(app, scheduler):
    page = open_page(app)
    page.scratch_component.value = "Orders database"
    page.scratch_failure.value = "Fails over"
    page.add_scratch.click()
    page.editor.fields["owner"].value = "Data team"
    page.editor.fields["likelihood"].value = HIGH
    assert app.toolbar.undo.disabled is False
    app.undo()
    assert app.review.risk_register[0].likelihood == MEDIUM
    assert page.editor.fields["likelihood"].value == MEDIUM and page.editor.entry_id == "R1"
    app.undo()
    assert app.review.risk_register[0].owner == "" and page.editor.fields["owner"].value == ""
    app.undo()  # the entry itself: the editor closes and the list empties
    assert app.review.risk_register == [] and page.editor.entry_id is None and page.list.children == ()
    scheduler.run_all()
    assert "risk_register" not in saved(app.path)


def test_a_window_that_does_not_write_shows_the_entry_as_it_is(app):
    from kit.app.session import Role

    page = open_page(app)
    entry = register.add(app.review, "DB", "Fails over")
    page.refresh()
    page.open_editor(entry.id)
    app.session.role = Role.READER  # as when another window took the review over
    app.events.raise_errors = False
    page.editor.fields["owner"].value = "Someone"
    assert entry.owner == "" and page.editor.fields["owner"].value == ""
    assert "read-only" in app.messages.text.value


def test_going_to_a_question_from_elsewhere_shows_the_questions_page(app):
    open_page(app)
    alias, question_id = app.sequence[1]
    app.go_to(alias, question_id)  # a parked topic's "Go to", a key
    assert app.main_stack.selected_index == QUESTION_PAGE and app.main_picker.value == QUESTION_PAGE
    assert app.position == (alias, question_id)
