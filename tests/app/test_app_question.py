"""The question view: ticking, "None of these", not applicable, notes, help, badge, escaping."""

from __future__ import annotations

from kit.core.review import CHOICE_NOTES_LIMIT, QUESTION_NOTES_LIMIT
from kit.core.vocabulary import ChoiceStatus
from tests.app.app_driver import ALIAS, answer, badge, open_details, rows, statuses, tick


def test_opens_on_the_first_question_ready_to_answer(app):
    assert app.position == (ALIAS, "deploy")
    assert "How do you deploy changes?" in app.question_view.title.value
    assert list(rows(app)) == ["deploy_pipeline", "deploy_rollback", "deploy_no"]
    assert rows(app)["deploy_pipeline"].checkbox.description == "Every change goes through a pipeline"
    assert "pk-choice-none" in rows(app)["deploy_no"].checkbox._dom_classes
    assert badge(app) == "Unanswered"
    assert app.question_view.choices.layout.display is None  # visible, nothing in front of it


def test_ticking_and_unticking_change_the_answer_and_the_badge(app):
    tick(app, "deploy_pipeline")
    assert statuses(app) == {"deploy_pipeline": ChoiceStatus.SELECTED}
    assert badge(app) == "Medium risk"
    tick(app, "deploy_rollback")
    assert badge(app) == "No risk"
    tick(app, "deploy_pipeline", False)
    assert statuses(app) == {"deploy_rollback": ChoiceStatus.SELECTED}
    assert badge(app) == "High risk"
    tick(app, "deploy_rollback", False)
    assert statuses(app) == {}
    assert badge(app) == "Unanswered"
    assert app.review.answers[ALIAS] == {}


def test_none_of_these_clears_the_others_and_the_reverse(app):
    tick(app, "deploy_pipeline")
    tick(app, "deploy_rollback")
    tick(app, "deploy_no")
    assert statuses(app) == {"deploy_no": ChoiceStatus.SELECTED}
    assert [r.checkbox.value for r in rows(app).values()] == [False, False, True]
    assert badge(app) == "High risk"
    tick(app, "deploy_rollback")
    assert statuses(app) == {"deploy_rollback": ChoiceStatus.SELECTED}
    assert [r.checkbox.value for r in rows(app).values()] == [False, True, False]


def test_question_not_applicable_with_a_reason(app):
    tick(app, "deploy_pipeline")
    view = app.question_view
    view.na.value = True
    assert answer(app).is_applicable is False
    assert badge(app) == "Not applicable"
    assert view.na_reason.layout.display is None
    assert "pk-dimmed" in view.choices._dom_classes
    view.na_reason.value = "BUSINESS_PRIORITIES"
    assert answer(app).reason == "BUSINESS_PRIORITIES"
    assert statuses(app) == {"deploy_pipeline": ChoiceStatus.SELECTED}  # kept, just not scored
    assert app.risk_panel.counts["NOT_APPLICABLE"] == 1
    view.na.value = False
    assert answer(app).is_applicable is True
    assert answer(app).reason is None
    assert badge(app) == "Medium risk"
    assert view.na_reason.layout.display == "none"


def test_a_choice_can_be_marked_not_applicable_with_a_reason(app):
    tick(app, "deploy_pipeline")
    row = open_details(app, "deploy_rollback")
    assert row.details in app.question_view.choices.children
    row.na.value = True
    assert answer(app).status("deploy_rollback") == ChoiceStatus.NOT_APPLICABLE
    assert row.checkbox.disabled and not row.checkbox.value
    assert "does not apply" in row.checkbox.description
    # A not-applicable practice satisfies the "&&" of "pipeline && rollback": the question reads as fully done.
    assert badge(app) == "No risk"
    row.reason.value = "ARCHITECTURE_CONSTRAINTS"
    assert answer(app).choices["deploy_rollback"].reason == "ARCHITECTURE_CONSTRAINTS"
    assert "architecture constraints" in row.checkbox.description
    row.na.value = False
    assert "deploy_rollback" not in statuses(app)
    assert not row.checkbox.disabled
    assert badge(app) == "Medium risk"


def test_none_of_these_has_no_not_applicable_switch(app):
    row = open_details(app, "deploy_no")
    assert row.na_row.layout.display == "none"
    row = open_details(app, "deploy_pipeline")
    assert row.na_row.layout.display is None


def test_notes_for_the_question_and_for_a_choice(app):
    app.question_view.notes.value = "Deploys are manual on Fridays."
    assert answer(app).notes == "Deploys are manual on Fridays."
    assert "30 / 2084" in app.question_view.notes_count.value
    row = open_details(app, "deploy_pipeline")
    row.notes.value = "Only for the API."
    assert answer(app).choices["deploy_pipeline"].notes == "Only for the API."
    assert row.checkbox.description.endswith("has a note")
    assert badge(app) == "Unanswered"  # notes are not answers


def test_too_long_notes_are_refused_with_a_message_and_the_old_note_is_kept(app):
    view = app.question_view
    view.notes.value = "first version"
    view.notes.value = "x" * (QUESTION_NOTES_LIMIT + 1)
    assert answer(app).notes == "first version"
    message = app.messages.current
    assert message.level == "error"
    assert f"notes have {QUESTION_NOTES_LIMIT + 1} characters" in message.text
    assert "pk-invalid" in view.notes._dom_classes
    assert view.notes.value == "x" * (QUESTION_NOTES_LIMIT + 1)  # what was typed stays on screen, never cut
    assert "too long by 1" in view.notes_count.value
    view.notes.value = "x" * QUESTION_NOTES_LIMIT
    assert answer(app).notes == "x" * QUESTION_NOTES_LIMIT
    assert "pk-invalid" not in view.notes._dom_classes


def test_too_long_choice_notes_are_refused(app):
    row = open_details(app, "deploy_rollback")
    row.notes.value = "ok"
    row.notes.value = "y" * (CHOICE_NOTES_LIMIT + 1)
    assert answer(app).choices["deploy_rollback"].notes == "ok"
    assert app.messages.current.level == "error"
    assert "You can roll back in minutes" in app.messages.current.text
    assert "pk-invalid" in row.notes._dom_classes


def test_help_and_official_link_on_demand(app):
    row = rows(app)["deploy_pipeline"]
    assert row.details is None  # built only when asked for
    open_details(app, "deploy_pipeline")
    help_html = row.help.value
    assert "No change reaches production by hand." in help_html
    assert 'href="https://example.com/deploy/pipeline"' in help_html
    assert 'target="_blank"' in help_html and 'rel="noopener noreferrer"' in help_html
    assert "Put the next change through a pipeline." in help_html
    row.more.value = False
    assert row.details not in app.question_view.choices.children


def test_lens_text_is_escaped(app):
    # The small lens's description holds "&": it must arrive as an entity, not as markup.
    assert "repeatable path &amp; can be undone" in app.question_view.description.value


def test_hide_choices_until_revealed(app):
    view = app.question_view
    app.toolbar.hide_choices.value = True
    assert view.choices.layout.display == "none"
    assert view.reveal.layout.display is None
    view.reveal.click()
    assert view.choices.layout.display is None
    assert view.reveal.layout.display == "none"
    app.navigator.next.click()  # a new, unanswered question hides them again
    assert view.choices.layout.display == "none"
    view.reveal.click()
    tick(app, "monitor_alarms")
    app.navigator.prev.click()
    app.navigator.next.click()  # answered questions show their choices
    assert view.choices.layout.display is None


def test_field_statistics_are_shown_for_the_framework_lens(make_app):
    app = make_app(lenses=["wellarchitected"])
    assert app.position == ("wellarchitected", "priorities")
    assert app.question_view.fieldstat.layout.display is None
    assert "In 2020 reviews" in app.question_view.fieldstat.value
    assert app.question_view.title.value.count("OPS01") == 1


def test_the_small_lens_has_no_field_statistics(app):
    assert app.question_view.fieldstat.layout.display == "none"


def test_a_choice_description_is_shown_first_in_its_details(make_app, tmp_path):
    import json

    from tests.app.app_driver import SMALL_LENS

    document = json.loads(SMALL_LENS.read_text(encoding="utf-8"))
    choice = document["pillars"][0]["questions"][0]["choices"][0]
    choice["description"] = "Every change, <b>even a hotfix</b>, goes\nthrough the pipeline."
    path = tmp_path / "described.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    app = make_app(lenses=[str(path)])
    assert not app.review.lens("described").warnings  # a known field of the WA Tool's API, not an unknown key
    row = open_details(app, choice["id"])
    help_html = row.help.value
    assert help_html.startswith(
        "<p class='pk-choice-description'>Every change, &lt;b&gt;even a hotfix&lt;/b&gt;, goes<br>through the pipeline.</p>"
    )
    assert help_html.index("pk-choice-description") < help_html.index("pk-help-text")
