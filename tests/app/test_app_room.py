"""The room's view in Python: the keyboard's actions, the question overview, the tab title, presenter charts."""

from __future__ import annotations

import json

import pytest

from kit.app.app import QUESTIONS
from kit.app.keyboard import BINDINGS, Keyboard
from kit.app.tab_title import tab_title
from kit.core.vocabulary import HIGH, NOT_APPLICABLE, UNANSWERED
from tests.app.app_driver import ALIAS, DATA, open_details, rows, statuses


def message(app, content) -> None:
    """What the page sends when a key is pressed (through the same guard as every callback)."""
    app.keyboard._on_message(app.keyboard.widget, content, [])


# --- the keyboard ------------------------------------------------------------------------------


def test_keys_move_between_questions(app):
    message(app, {"action": "next", "key": "n"})
    assert app.position == (ALIAS, "monitor")
    message(app, {"action": "next", "key": "ArrowRight"})
    message(app, {"action": "next", "key": "ArrowRight"})  # past the last: stays
    assert app.position == (ALIAS, "access")
    message(app, {"action": "previous", "key": "b"})
    assert app.position == (ALIAS, "monitor")


def test_number_keys_tick_practices_and_zero_ticks_none_of_these(app):
    message(app, {"action": "tick", "key": "2"})
    assert statuses(app) == {"deploy_rollback": "SELECTED"}
    message(app, {"action": "tick", "key": "2"})
    assert statuses(app) == {}
    message(app, {"action": "tick", "key": "9"})  # no ninth practice: nothing happens
    assert statuses(app) == {}
    message(app, {"action": "tick", "key": "1"})
    message(app, {"action": "none", "key": "0"})
    assert statuses(app) == {"deploy_no": "SELECTED"}  # exclusive, as a click is
    assert not rows(app)["deploy_pipeline"].checkbox.value


def test_a_number_never_ticks_a_hidden_choice_or_one_that_does_not_apply(app):
    row = open_details(app, "deploy_pipeline")
    row.na.value = True
    message(app, {"action": "tick", "key": "1"})
    assert statuses(app) == {"deploy_pipeline": "NOT_APPLICABLE"}
    app.toolbar.hide_choices.value = True
    app.step(+1)
    assert not app.question_view.revealed
    message(app, {"action": "tick", "key": "1"})
    assert statuses(app) == {}
    message(app, {"action": "reveal", "key": "r"})
    assert app.question_view.revealed
    message(app, {"action": "tick", "key": "1"})
    assert statuses(app) == {"monitor_alarms": "SELECTED"}


def test_p_toggles_presenter_mode_and_o_shows_the_overview(app):
    message(app, {"action": "presenter", "key": "p"})
    assert "pk-presenter" in app.widget._dom_classes
    message(app, {"action": "presenter", "key": "p"})
    assert "pk-presenter" not in app.widget._dom_classes
    message(app, {"action": "overview", "key": "o"})
    assert app.side_stack.selected_index == QUESTIONS and app.side_picker.value == QUESTIONS


@pytest.mark.parametrize(
    "content",
    [None, "next", {"action": 3}, {"action": "eval", "key": "x"}, {"action": "tick", "key": "12"}, {}],
)
def test_anything_else_the_page_sends_is_ignored(app, content):
    before = app.position
    message(app, content)
    assert app.position == before and statuses(app) == {}
    assert app.messages.widget.layout.display == "none"  # no error shown either


def test_the_page_gets_only_the_keys_the_app_handles_and_the_help_lists_them(app):
    sent = app.keyboard.widget.bindings
    actions = [b["action"] for b in sent]
    assert actions == [b.action for b in BINDINGS if b.action in app.keyboard.handlers or b.action == "help"]
    assert {"next", "previous", "tick", "none", "reveal", "presenter", "overview", "help"} <= set(actions)
    for binding in sent:
        assert binding["keys"] and binding["shown"] and binding["label"]
    assert "undo" in actions  # Ctrl+Z and U: the keyboard is the page's one key listener
    undo = next(b for b in sent if b["action"] == "undo")
    assert undo["keys"] == ["ctrl+z", "u"]


def test_the_undo_key_undoes_the_last_change_through_the_session_and_is_quiet_with_nothing_to_undo(app):
    message(app, {"action": "undo", "key": "ctrl+z"})  # nothing yet: as the disabled button, nothing at all
    assert app.messages.widget.layout.display == "none" and statuses(app) == {}
    message(app, {"action": "tick", "key": "1"})
    message(app, {"action": "tick", "key": "2"})
    assert statuses(app) == {"deploy_pipeline": "SELECTED", "deploy_rollback": "SELECTED"}
    assert not app.toolbar.undo.disabled
    message(app, {"action": "undo", "key": "u"})
    assert statuses(app) == {"deploy_pipeline": "SELECTED"}
    assert rows(app)["deploy_pipeline"].checkbox.value and not rows(app)["deploy_rollback"].checkbox.value
    assert app.overview.widget.risks[0] == app.score.lenses[ALIAS].questions["deploy"]
    message(app, {"action": "undo", "key": "ctrl+z"})
    assert statuses(app) == {} and app.toolbar.undo.disabled
    assert app.overview.widget.risks[0] == UNANSWERED  # the overview follows an undo too
    app.flush()
    saved = json.loads(app.path.read_text(encoding="utf-8"))
    assert not saved["answers"].get(ALIAS, {}).get("deploy", {}).get("choices")  # the undo is saved like any change


def test_undoing_a_change_of_priorities_or_of_the_workload_name_shows_it_again(app):
    picker = app.workload_panel.priorities
    first, second = list(picker.names)[:2]
    picker.add.value = first
    picker.add.value = second
    assert app.review.pillar_priorities == [first, second]
    app.workload_panel.fields["name"].value = "Checkout"
    assert app.tab_title.widget.title == "pillarkit · Checkout"
    app.undo()
    assert app.tab_title.widget.title == "pillarkit · Untitled workload"
    app.undo()
    assert app.review.pillar_priorities == [first] and picker.ranked == [first]
    assert len(picker.rows.children) == 1


def test_a_keyboard_refuses_handlers_for_actions_it_has_no_key_for(app):
    with pytest.raises(ValueError, match="frobnicate"):
        Keyboard(app.events, {"frobnicate": lambda _key: None})


# --- the overview -----------------------------------------------------------------------------


def test_the_overview_holds_every_question_in_review_order_grouped_by_pillar(app):
    widget = app.overview.widget
    assert [g["title"] for g in widget.groups] == ["Operations", "Security"]
    indices = [item[0] for group in widget.groups for item in group["items"]]
    assert indices == list(range(len(app.sequence)))
    assert widget.groups[0]["items"][0][2] == "How do you deploy changes?"
    assert widget.risks == [UNANSWERED] * 3 and widget.current == 0


def test_the_overview_follows_every_change_and_the_question_on_screen(app):
    widget = app.overview.widget
    rows(app)["deploy_pipeline"].checkbox.value = True
    assert widget.risks[0] == app.score.lenses[ALIAS].questions["deploy"]
    assert widget.risks[0] in (HIGH, "MEDIUM")
    app.step(+1)
    assert widget.current == 1
    app.question_view.na.value = True
    assert widget.risks[1] == NOT_APPLICABLE
    app.overview._message(widget, {"open": 2}, [])
    assert app.position == (ALIAS, "access") and widget.current == 2
    app.overview._message(widget, {"open": 99}, [])  # out of range: ignored
    app.overview._message(widget, {"open": "2"}, [])
    assert app.position == (ALIAS, "access")


def test_the_overview_is_rebuilt_for_another_review(make_app):
    app = make_app(
        lenses=[str(DATA / "lenses" / "app-small.json"), str(DATA / "lenses" / "published" / "s3-like.json")]
    )
    titles = [g["title"] for g in app.overview.widget.groups]
    assert titles[0].endswith(" · Operations") and len(app.overview.widget.risks) == len(app.sequence)


# --- the tab and the chart --------------------------------------------------------------------


def test_the_tab_title_names_the_workload(app):
    assert app.tab_title.widget.title == "pillarkit · Untitled workload"
    app.workload_panel.fields["name"].value = "  Checkout\n(PCI) "
    assert app.tab_title.widget.title == "pillarkit · Checkout (PCI)"
    assert tab_title("") == "pillarkit · Untitled workload"


def test_presenter_mode_draws_a_larger_sharper_chart(app):
    normal = app.risk_panel.image.value
    app.toolbar.presenter.value = True
    larger = app.risk_panel.image.value
    assert larger != normal and len(larger) > len(normal)
    assert app.risk_panel.chart.dpi == 144
    app.toolbar.presenter.value = False
    assert app.risk_panel.image.value == normal  # the same picture as before, byte for byte
