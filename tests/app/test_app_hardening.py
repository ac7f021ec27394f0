"""Hostile input in the app: refused with a message, never cut, never a server path on screen."""

from __future__ import annotations

import json

import pytest

from kit.core.review import new
from tests.app.app_driver import SMALL_LENS, saved, tick, upload_value


def test_workload_text_past_its_limit_is_refused_kept_on_screen_and_not_saved(app):
    panel = app.workload_panel
    panel.fields["name"].value = "Checkout"
    app.flush()
    panel.fields["name"].value = "N" * 101
    assert app.messages.current.level == "error"
    assert app.messages.current.text == (
        "Workload name has 101 characters; at most 100 are allowed, so it was refused, not cut. Shorten it to keep it."
    )
    assert panel.fields["name"].value == "N" * 101  # what was typed stays, to be shortened
    assert "pk-invalid" in panel.fields["name"]._dom_classes
    app.flush()
    assert app.review.workload.name == "Checkout" and saved(app.path)["workload"]["name"] == "Checkout"
    panel.fields["name"].value = "N" * 100
    assert "pk-invalid" not in panel.fields["name"]._dom_classes
    assert app.review.workload.name == "N" * 100


def test_too_many_regions_and_an_overlong_context_are_refused(app):
    panel = app.workload_panel
    panel.fields["regions"].value = ", ".join(f"r{i}" for i in range(51))
    assert "Workload regions has 51 items; at most 50" in app.messages.current.text
    panel.context["compliance"].value = "c" * 2085
    assert "Workload business context has 2,085 characters" in app.messages.current.text
    assert app.review.workload.regions == [] and app.review.workload.business_context == {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["extensions"].update(agenda={"plan_minutes": "x"}), "'x' is not of type 'integer'"),
        (lambda d: d["workload"].update(owner="o" * 200_000), "has 200,000 characters; at most 255"),
    ],
)
def test_an_uploaded_review_with_a_bad_setting_is_refused_in_one_message(app, tmp_path, change, message):
    data = new([str(SMALL_LENS)], "Uploaded").to_dict()
    change(data)
    app.show_side_page(3)
    app.files_panel.upload.value = upload_value("up.json", json.dumps(data).encode())
    assert app.messages.current.level == "error" and message in app.messages.current.text
    assert app.review.workload.name == ""  # the review on screen is untouched


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"format": "pillarkit-review", "x": 1e999}', "1e999 is too large to be a number"),
        (b'{"format": "pillarkit-review", "format": "x"}', "the key 'format' appears twice"),
        (b"[" * 100_000 + b"]" * 100_000, "nested deeper than 64 levels"),
        (b'{"notes": "\\ud800"}', "half of a surrogate pair"),
    ],
)
def test_uploads_go_through_the_same_strict_reader_as_files(app, content, expected):
    app.show_side_page(3)
    app.files_panel.upload.value = upload_value("hostile.json", content)
    assert app.messages.current.level == "error"
    assert expected in app.messages.current.text and "hostile.json" in app.messages.current.text


def test_no_message_shows_where_the_server_keeps_its_files(make_app, folder, monkeypatch):
    app = make_app(raise_errors=False)

    def broken(*args):
        raise OSError(28, "No space left on device", str(folder / "secret-name.json"))

    monkeypatch.setattr("kit.core.scoring.rescore", broken)
    tick(app, "deploy_pipeline")
    text = app.messages.current.text
    assert "the details are in pillarkit.log" in text
    assert str(folder.parent) not in text and "reviews/secret-name.json" in text
    assert str(folder) in (folder / "pillarkit.log").read_text()  # the log, on the server, keeps the full path
    monkeypatch.undo()
    tick(app, "deploy_rollback")
    app.flush()
    app.show_side_page(3)
    current = app.files_panel.current.value
    assert str(folder.parent) not in current and f"reviews/{app.path.name}" in current


def test_a_review_opened_from_elsewhere_is_named_without_its_folder(make_app, tmp_path, monkeypatch):
    broken = tmp_path / "elsewhere" / "broken.json"
    broken.parent.mkdir()
    broken.write_text('{"format": "pillarkit-review", "version": 1, "workload": {"name": 5}}')
    monkeypatch.setenv("PILLARKIT_REVIEW", str(broken))
    app = make_app()
    text = app.messages.current.text
    assert "broken.json" in text and str(broken.parent) not in text
