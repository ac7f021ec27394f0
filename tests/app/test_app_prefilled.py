"""Pre-filled answers (from a template or a workbook) look different until the team confirms them."""

from __future__ import annotations

from kit.core import lens as lenses
from kit.core.review import Review, Workload
from kit.core.template import from_template
from kit.core.vocabulary import ChoiceStatus
from tests.app.app_driver import SMALL_LENS, answer, badge, saved, tick

ALIAS = "app-small"


def prefilled_review(tmp_path) -> Review:
    base = Review([lenses.load_file(SMALL_LENS)], Workload(name="Base"))
    base.set_choice(ALIAS, "deploy", "deploy_pipeline")
    base.set_choice(ALIAS, "access", "access_mfa")
    review, _ = from_template(base, "Checkout", source="base.json")
    path = tmp_path / "checkout.json"
    review.save(path)
    return path


def test_a_prefilled_answer_shows_its_origin_and_is_confirmed_with_one_click(make_app, tmp_path):
    path = prefilled_review(tmp_path)
    app = make_app(path=path)
    view = app.question_view
    assert app.position == (ALIAS, "deploy")
    assert view.prefill_bar.layout.display is None
    assert "Pre-filled</b> from template: base.json" in view.prefill_note.value
    assert "pk-prefilled" in view.widget._dom_classes
    assert "2 pre-filled answers to confirm" in app.navigator.prefilled.value
    assert answer(app).status("deploy_pipeline") == ChoiceStatus.SELECTED and badge(app) == "Medium risk"

    view.confirm.click()
    assert view.prefill_bar.layout.display == "none" and "pk-prefilled" not in view.widget._dom_classes
    assert not app.review.is_prefilled(ALIAS, "deploy")
    assert "1 pre-filled answer to confirm" in app.navigator.prefilled.value
    assert answer(app).status("deploy_pipeline") == ChoiceStatus.SELECTED  # confirming changes no answer
    app.flush()
    assert "deploy" not in saved(path)["prefilled"][ALIAS]


def test_next_prefilled_walks_to_the_answers_awaiting_confirmation(make_app, tmp_path):
    app = make_app(path=prefilled_review(tmp_path))
    app.go_to(ALIAS, "monitor")
    assert app.question_view.prefill_bar.layout.display == "none"  # an answer the team gave itself
    app.navigator.next_prefilled.click()
    assert app.position == (ALIAS, "access")
    app.question_view.confirm.click()
    app.navigator.next_prefilled.click()
    assert app.position == (ALIAS, "deploy")
    app.question_view.confirm.click()
    assert app.navigator.prefilled_bar.layout.display == "none"
    app.flush()
    assert "prefilled" not in saved(app.path) and saved(app.path)["version"] == 1


def test_editing_a_prefilled_answer_keeps_it_awaiting_confirmation(make_app, tmp_path):
    app = make_app(path=prefilled_review(tmp_path))
    tick(app, "deploy_rollback")
    assert badge(app) == "No risk"
    assert app.review.is_prefilled(ALIAS, "deploy")
    assert app.question_view.prefill_bar.layout.display is None
