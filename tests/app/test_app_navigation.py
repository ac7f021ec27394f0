"""Getting around: next, previous, jumping through the pickers, progress, several lenses."""

from __future__ import annotations

from tests.app.app_driver import ALIAS, DATA, tick


def test_next_and_previous_walk_through_every_question(app):
    nav = app.navigator
    assert nav.prev.disabled and not nav.next.disabled
    assert nav.position.value == "Question 1 of 3"
    nav.next.click()
    assert app.position == (ALIAS, "monitor")
    nav.next.click()
    assert app.position == (ALIAS, "access")  # across the pillar boundary
    assert nav.pillar_picker.value == "sec"
    assert nav.question_picker.options == (("How do you control access?", "access"),)
    assert nav.next.disabled
    nav.next.click()  # a disabled button's click does nothing harmful
    assert app.position == (ALIAS, "access")
    nav.prev.click()
    assert app.position == (ALIAS, "monitor")
    assert "How do you know the workload is healthy?" in app.question_view.title.value
    assert nav.pillar_picker.value == "ops"


def test_jump_through_the_pillar_and_question_pickers(app):
    nav = app.navigator
    nav.pillar_picker.value = "sec"
    assert app.position == (ALIAS, "access")
    nav.pillar_picker.value = "ops"
    assert app.position == (ALIAS, "deploy")
    nav.question_picker.value = "monitor"
    assert app.position == (ALIAS, "monitor")
    assert nav.position.value == "Question 2 of 3"


def test_the_one_view_is_filled_in_again_not_rebuilt(app):
    view = app.question_view
    first_rows = list(view.rows)
    checkbox = first_rows[0].checkbox
    tick(app, "deploy_pipeline")
    app.navigator.next.click()
    assert view.rows[0] is first_rows[0] and view.rows[0].checkbox is checkbox
    assert checkbox.description == "Alarms page the on-call engineer"
    assert checkbox.value is False  # the next question's answer, not the last one's
    app.navigator.prev.click()
    assert checkbox.value is True


def test_per_pillar_progress(app):
    progress = app.navigator.progress
    assert "Operations <b>0/2</b>" in progress.value and "Security <b>0/1</b>" in progress.value
    tick(app, "deploy_pipeline")
    assert "Operations <b>1/2</b>" in progress.value
    app.question_view.na.value = True  # not applicable counts as answered
    assert "Operations <b>1/2</b>" in progress.value
    app.navigator.pillar_picker.value = "sec"
    tick(app, "access_no")
    assert "pk-progress-done" in progress.value and "Security <b>1/1</b>" in progress.value


def test_several_lenses_are_one_sequence_with_a_lens_picker(make_app):
    app = make_app(
        lenses=[str(DATA / "lenses" / "app-small.json"), str(DATA / "lenses" / "published" / "s3-like.json")]
    )
    nav = app.navigator
    assert nav.lens_picker.layout.display is None
    assert [alias for _, alias in nav.lens_picker.options] == [ALIAS, "s3-like"]
    nav.pillar_picker.value = "sec"
    nav.next.click()
    assert app.position[0] == "s3-like"
    assert nav.lens_picker.value == "s3-like"
    assert "Widget Store Lens" in app.question_view.pillar.value
    nav.lens_picker.value = ALIAS
    assert app.position == (ALIAS, "deploy")
    assert len(app.risk_panel.rows) == 2 + len(app.review.lenses["s3-like"].pillars)


def test_one_lens_hides_the_lens_picker(app):
    assert app.navigator.lens_picker.layout.display == "none"
