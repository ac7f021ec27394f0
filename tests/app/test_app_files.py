"""Never lose an answer: autosave, file names, download, resume, upload, errors shown and logged."""

from __future__ import annotations

import base64
import json
import os
import re

import pytest

from kit.app import ReviewApp
from kit.app.session import DOWNLOAD_SETTLE_SECONDS
from kit.app.storage import Autosaver, Storage, slug
from kit.app.timing import ManualScheduler
from kit.core import lens as lenses
from kit.core.errors import ReviewError
from kit.core.review import Review, Workload
from kit.core.vocabulary import ChoiceStatus
from tests.app.app_driver import ALIAS, DATA, SMALL_LENS, answer, saved, statuses, tick, upload_value

# --- file names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Payments API (EU)", "payments-api-eu"),
        ("../../etc/passwd", "etc-passwd"),
        ("C:\\Windows\\system32", "c-windows-system32"),
        ("Café Żółw", "cafe-zow"),
        ("", "untitled"),
        ("   ", "untitled"),
        ("<script>", "script"),
        ("x" * 100, "x" * 40),
    ],
)
def test_slug_keeps_only_safe_characters(name, expected):
    assert slug(name) == expected


def test_a_path_never_leaves_the_folder(tmp_path):
    storage = Storage(tmp_path / "reviews")
    path = storage.path_for("../../../tmp/evil", "0123abcd")
    assert path.parent == storage.folder
    assert path.name == "tmp-evil-0123abcd.json"


# --- autosave -----------------------------------------------------------------------


def test_autosave_is_debounced_and_at_most_one_second_behind(app, scheduler, clock, folder):
    assert app.path is None and not folder.exists()  # opening the app writes nothing
    tick(app, "deploy_pipeline")
    assert app.autosaver.pending and "saving" in app.toolbar.saved.value
    clock.advance(0.5)
    tick(app, "deploy_rollback")  # rides along with the save already scheduled
    app.question_view.notes.value = "typed"
    assert [c.callback for c in scheduler.pending].count(app.autosaver._due) == 1
    clock.advance(0.4)
    scheduler.run_due()
    assert app.autosaver.saves == 0  # not due yet: the first change was 0.9 s ago
    clock.advance(0.1)
    scheduler.run_due()
    assert app.autosaver.saves == 1  # one second after the first change, whatever came later
    assert app.path.parent == folder.resolve()
    data = saved(app.path)
    assert data["answers"][ALIAS]["deploy"]["SelectedChoices"] == ["deploy_pipeline", "deploy_rollback"]
    assert data["answers"][ALIAS]["deploy"]["Notes"] == "typed"
    assert app.toolbar.saved.value.endswith("saved 09:00:01</span>")
    assert not app.autosaver.pending


def test_flush_saves_now_and_writes_every_part_of_the_answer(app):
    tick(app, "deploy_pipeline")
    app.question_view.na.value = True
    app.question_view.na_reason.value = "OUT_OF_SCOPE"
    assert app.flush() is True
    assert app.flush() is False  # nothing new
    entry = saved(app.path)["answers"][ALIAS]["deploy"]
    assert entry == {
        "SelectedChoices": ["deploy_pipeline"],
        "ChoiceAnswers": [{"ChoiceId": "deploy_pipeline", "Status": "SELECTED"}],
        "IsApplicable": False,
        "Reason": "OUT_OF_SCOPE",
    }
    # The file is a review the core reads back as it was.
    again = Review.load(app.path)
    assert again.answer(ALIAS, "deploy").reason == "OUT_OF_SCOPE"
    assert again.lenses[ALIAS].content_hash == app.review.lenses[ALIAS].content_hash


def test_looking_around_creates_no_file(app, scheduler, folder):
    app.navigator.next.click()
    app.navigator.next.click()
    scheduler.run_all()
    assert app.autosaver.saves == 0 and not folder.exists()


def test_the_file_is_named_after_the_workload_and_follows_a_rename(app, folder):
    tick(app, "deploy_pipeline")
    app.flush()
    first = app.path
    assert re.fullmatch(r"untitled-[0-9a-f]{8}\.json", first.name)
    app.workload_panel.fields["name"].value = "Payments / API"
    app.flush()
    assert app.path.name == first.name.replace("untitled", "payments-api")
    assert not first.exists()
    assert [p.name for p in folder.iterdir() if p.suffix == ".json"] == [app.path.name]


def test_download_link_holds_the_saved_file_once_the_review_settles(app, clock, scheduler):
    assert app.toolbar.download.value == ""  # nothing to keep yet
    tick(app, "deploy_pipeline")
    app.flush()
    assert app.toolbar.download.value == ""  # not rebuilt on every save: a tick never waits for it
    clock.advance(DOWNLOAD_SETTLE_SECONDS)
    scheduler.run_due()
    link = app.toolbar.download.value
    assert f'download="{app.path.name}"' in link
    payload = re.search(r'base64,([A-Za-z0-9+/=]+)"', link).group(1)
    assert json.loads(base64.b64decode(payload)) == saved(app.path)
    assert "pk-download" in app.toolbar.download._dom_classes


def test_binder_users_are_told_to_download(app):
    app.show_side_page(3)
    assert "Binder" in app.files_panel.note.value and "Download review" in app.files_panel.note.value


def test_a_pending_save_is_flushed_on_close(make_app, folder):
    app = make_app()
    tick(app, "deploy_pipeline")
    assert app.autosaver.pending
    app.close()
    assert saved(app.path)["answers"][ALIAS]["deploy"]["SelectedChoices"] == ["deploy_pipeline"]


def test_without_an_event_loop_the_save_happens_at_once(tmp_path):
    calls = []

    class NoLoop:
        def call_later(self, delay, callback):
            return None

    saver = Autosaver(lambda: calls.append("saved") or True, NoLoop())
    saver.changed()
    assert calls == ["saved"] and not saver.dirty


def test_a_failed_save_is_reported_and_retried(make_app, folder, monkeypatch, scheduler):
    app = make_app(raise_errors=False)
    tick(app, "deploy_pipeline")

    def refuse(path, text):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("kit.app.filewriter.write_atomic", refuse)
    scheduler.run_all()
    assert "NOT SAVED" in app.toolbar.saved.value
    assert app.messages.current.level == "error" and "saving the review" in app.messages.current.text
    assert app.autosaver.dirty  # kept for the next try
    monkeypatch.undo()
    tick(app, "deploy_rollback")
    scheduler.run_all()
    assert "saved" in app.toolbar.saved.value
    assert saved(app.path)["answers"][ALIAS]["deploy"]["SelectedChoices"] == ["deploy_pipeline", "deploy_rollback"]


# --- resume ---------------------------------------------------------------------------


def _saved_review(folder, name, mtime, choice="deploy_pipeline", file_name=None):
    review = Review([lenses.load(str(SMALL_LENS))], Workload(name=name))
    review.set_choice(ALIAS, "deploy", choice)
    path = folder / (file_name or f"{slug(name)}-{abs(hash(name)) % 16**8:08x}.json")
    review.save(path)
    os.utime(path, (mtime, mtime))
    return path


def test_the_app_offers_the_most_recent_review_and_resumes_it(make_app, folder):
    folder.mkdir()
    _saved_review(folder, "Older", 1_700_000_000)
    newest = _saved_review(folder, "Newest", 1_700_100_000, choice="deploy_no")
    app = make_app()
    banner = app.banner
    assert banner.widget.layout.display is None and "Newest" in banner.text.value
    assert app.position == (ALIAS, "deploy")  # the first question is there all the same
    banner.resume.click()
    assert app.review.workload.name == "Newest"
    assert statuses(app) == {"deploy_no": ChoiceStatus.SELECTED}
    assert [r.checkbox.value for r in app.question_view.visible_rows] == [False, False, True]
    assert app.path == newest.resolve()
    assert banner.widget.layout.display == "none"
    tick(app, "deploy_pipeline")
    app.flush()
    assert app.path == newest.resolve()  # keeps saving to the file it came from


def test_resume_from_the_files_panel(make_app, folder):
    folder.mkdir()
    _saved_review(folder, "Older", 1_700_000_000)
    _saved_review(folder, "Newest", 1_700_100_000)
    app = make_app()
    app.show_side_page(3)
    panel = app.files_panel
    assert "Newest" in panel.recent.value
    assert [label.split(" · ")[0] for label, _ in panel.picker.options] == ["Newest", "Older"]
    panel.resume_recent.click()
    assert app.review.workload.name == "Newest"
    panel.picker.value = next(value for label, value in panel.picker.options if label.startswith("Older"))
    panel.open.click()
    assert app.review.workload.name == "Older"


def test_close_the_browser_come_back_and_find_everything(folder, clock):
    first = ReviewApp(lenses=[str(SMALL_LENS)], folder=folder, clock=clock, scheduler=ManualScheduler(clock))
    first.workload_panel.fields["name"].value = "Checkout"
    tick(first, "deploy_pipeline")
    first.navigator.next.click()
    first.question_view.notes.value = "Alarms go to a shared inbox."
    first.parking_lot.text.value = "Ask security about MFA"
    first.parking_lot.add.click()
    first.scheduler.run_all()
    del first  # the kernel is gone; only the file remains

    again = ReviewApp(lenses=[str(SMALL_LENS)], folder=folder, clock=clock, scheduler=ManualScheduler(clock))
    again.banner.resume.click()
    assert again.review.workload.name == "Checkout"
    assert again.position == (ALIAS, "monitor")  # where we were
    assert answer(again).notes == "Alarms go to a shared inbox."
    assert again.question_view.notes.value == "Alarms go to a shared inbox."
    assert again.review.answer(ALIAS, "deploy").statuses() == {"deploy_pipeline": ChoiceStatus.SELECTED}
    assert [item.text for item in again.review.parking_lot] == ["Ask security about MFA"]
    again.close()


def test_an_unreadable_file_in_the_folder_is_listed_but_not_offered(make_app, folder):
    folder.mkdir()
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    app = make_app()
    assert app.banner.widget.layout.display == "none"
    app.show_side_page(3)
    assert app.files_panel.resume_recent.disabled


def test_only_reviews_in_the_folder_can_be_resumed(app, tmp_path):
    elsewhere = _saved_review(tmp_path, "Elsewhere", 1_700_000_000)
    with pytest.raises(ReviewError, match="only reviews in"):
        app.resume(elsewhere)
    assert app.review.workload.name == ""


# --- upload ---------------------------------------------------------------------------


def test_upload_a_review_file_to_continue(make_app, folder, tmp_path):
    review = Review([lenses.load(str(SMALL_LENS))], Workload(name="Uploaded shop"))
    review.set_choice(ALIAS, "access", "access_mfa")
    review.park("Check the WAF rules", "Ana", ALIAS, "access")
    review.save(tmp_path / "from-binder.json")
    app = make_app()
    app.show_side_page(3)
    app.files_panel.upload.value = upload_value("../../from-binder.json", (tmp_path / "from-binder.json").read_bytes())
    assert app.review.workload.name == "Uploaded shop"
    assert app.review.answer(ALIAS, "access").statuses() == {"access_mfa": ChoiceStatus.SELECTED}
    assert app.path.parent == folder.resolve() and app.path.name.startswith("uploaded-shop-")
    assert saved(app.path)["workload"]["name"] == "Uploaded shop"
    assert app.messages.current.level == "success"
    assert app.files_panel.upload.value == ()  # ready for the next upload
    assert len(app.parking_lot.items.children) == 1


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"{not json", "invalid JSON"),
        (b'{"format": "something-else"}', "not a pillarkit review"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_a_bad_review_upload_is_refused_with_a_message(app, content, expected):
    tick(app, "deploy_pipeline")
    app.show_side_page(3)
    app.files_panel.upload.value = upload_value("bad.json", content)
    assert app.messages.current.level == "error"
    assert expected in app.messages.current.text
    assert statuses(app) == {"deploy_pipeline": ChoiceStatus.SELECTED}  # the review on screen is untouched


def test_upload_of_a_custom_lens(app):
    tick(app, "deploy_pipeline")
    panel = app.workload_panel
    content = (DATA / "lenses" / "published" / "s3-like.json").read_bytes()
    panel.lens_upload.value = upload_value("s3-like.json", content)
    assert "s3-like" in app.review.lenses
    assert app.navigator.lens_picker.layout.display is None
    assert app.messages.current.level in ("success", "warning")
    assert "Widget Store Lens" in app.messages.current.text
    # Applying a lens rebuilds the review on screen; the answers given so far stay.
    assert app.review.answer(ALIAS, "deploy").selected == ["deploy_pipeline"]
    app.flush()
    data = saved(app.path)
    assert [entry["alias"] for entry in data["lenses"]] == [ALIAS, "s3-like"]
    assert "lens" in data["lenses"][1]  # a custom lens travels inside the review file
    assert data["answers"][ALIAS]["deploy"]["SelectedChoices"] == ["deploy_pipeline"]


def test_an_uploaded_lens_of_any_file_name_gets_an_alias_the_file_accepts(app):
    content = (DATA / "lenses" / "published" / "s3-like.json").read_bytes()
    app.workload_panel.lens_upload.value = upload_value("my lens (1) v2.0 réversibilité.json", content)
    other = (DATA / "lenses" / "published" / "ecs-like.json").read_bytes()
    app.workload_panel.lens_upload.value = upload_value("my lens (1) v2.0 reversibilite.json", other)
    assert list(app.review.lenses) == [ALIAS, "my-lens-1-v2.0-reversibilite", "my-lens-1-v2.0-reversibilite-2"]
    app.flush()
    reopened = Review.load(app.path)  # what was written opens again, under the same aliases
    assert list(reopened.lenses) == list(app.review.lenses)


def test_upload_of_an_invalid_lens_shows_every_error(app, lens_document):
    document = lens_document()
    document["pillars"][0]["questions"][0]["riskRules"][0]["condition"] = "q1_no || missing_choice"
    document["pillars"][0]["id"] = "bad id!"
    panel = app.workload_panel
    panel.lens_upload.value = upload_value("broken-lens.json", json.dumps(document).encode())
    message = app.messages.current
    assert message.level == "error"
    assert message.text.startswith("The lens broken-lens.json cannot be used: ")
    everything = " ".join([message.text, *message.details])
    assert "bad id!" in everything and "missing_choice" in everything
    assert list(app.review.lenses) == [ALIAS]


def test_upload_of_a_lens_that_is_not_json(app):
    app.workload_panel.lens_upload.value = upload_value("lens.json", b"[1, 2,")
    assert app.messages.current.level == "error" and "invalid JSON" in app.messages.current.text


def test_bundled_lenses_are_added_and_removed_and_answers_are_kept(app):
    tick(app, "deploy_pipeline")
    panel = app.workload_panel
    box = panel._lens_checks["serverless"]
    box.value = True
    assert list(app.review.lenses) == [ALIAS, "serverless"]
    assert statuses(app) == {"deploy_pipeline": ChoiceStatus.SELECTED}
    box = panel._lens_checks[ALIAS]
    box.value = False  # it has an answer: refused
    assert list(app.review.lenses) == [ALIAS, "serverless"]
    assert app.messages.current.level == "error" and "stays applied" in app.messages.current.text
    assert panel._lens_checks[ALIAS].value is True
    panel._lens_checks["serverless"].value = False
    assert list(app.review.lenses) == [ALIAS]


# --- errors ---------------------------------------------------------------------------


def test_an_exception_in_a_callback_is_shown_and_logged(make_app, folder, monkeypatch):
    app = make_app(raise_errors=False)

    def broken(*args):
        raise RuntimeError("the scoring broke")

    monkeypatch.setattr("kit.core.scoring.rescore", broken)
    tick(app, "deploy_pipeline")
    message = app.messages.current
    assert message.level == "error"
    assert "ticking a choice" in message.text and "RuntimeError: the scoring broke" in message.text
    assert "pk-message" in app.messages.widget._dom_classes and app.messages.widget.layout.display is None
    log = (folder / "pillarkit.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and "RuntimeError: the scoring broke" in log
    app.messages.dismiss.click()
    assert app.messages.widget.layout.display == "none"


def test_raise_errors_reraises_after_reporting(make_app, monkeypatch, folder):
    app = make_app(raise_errors=True)
    monkeypatch.setattr("kit.core.scoring.rescore", lambda *args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        tick(app, "deploy_pipeline")
    assert "ZeroDivisionError" in (folder / "pillarkit.log").read_text(encoding="utf-8")


# --- opening a given file -------------------------------------------------------------


def test_pillarkit_serve_names_the_review_to_open(make_app, tmp_path, monkeypatch):
    path = _saved_review(tmp_path, "Served", 1_700_000_000, file_name="served.json")
    monkeypatch.setenv("PILLARKIT_REVIEW", str(path))
    app = make_app()
    assert app.review.workload.name == "Served"
    assert app.banner.widget.layout.display == "none"
    tick(app, "deploy_rollback")
    app.flush()
    assert app.path == path.resolve()  # saved back where it came from
    assert saved(path)["answers"][ALIAS]["deploy"]["SelectedChoices"] == ["deploy_pipeline", "deploy_rollback"]


def test_the_app_opens_the_review_that_pillarkit_serve_names(make_app, tmp_path, monkeypatch):
    from kit.core import options

    path = tmp_path / "named.json"
    from kit.core.review import new

    named = new([str(SMALL_LENS)], "Named by serve")
    named.save(path)
    monkeypatch.setenv(options.REVIEW.env, str(path))
    app = make_app(review=None)
    assert app.review.workload.name == "Named by serve"
    assert app.path == path.resolve()


def test_a_broken_file_to_open_gives_a_new_review_and_says_why(make_app, tmp_path, monkeypatch):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "pillarkit-review", "version": 99}', encoding="utf-8")
    monkeypatch.setenv("PILLARKIT_REVIEW", str(broken))
    app = make_app()
    assert app.path is None and app.review.workload.name == ""
    assert app.messages.current.level == "error"
    assert "newer pillarkit" in app.messages.current.text


def test_open_a_review_file_from_python(tmp_path, clock, scheduler):
    path = _saved_review(tmp_path, "From Python", 1_700_000_000, file_name="mine.json")
    app = ReviewApp.open(path, folder=tmp_path / "reviews", clock=clock, scheduler=scheduler)
    assert app.review.workload.name == "From Python" and app.path == path.resolve()
    app.close()


def test_loading_a_review_is_one_batch_with_one_redraw(app):
    chart = app.risk_panel.chart
    renders = chart.renders
    review = Review(list(app.review.lenses.values()), Workload(name="Bulk"))
    for qid, cid in (("deploy", "deploy_pipeline"), ("monitor", "monitor_alarms"), ("access", "access_no")):
        review.set_choice(ALIAS, qid, cid)
    app.load_review(review)
    assert chart.renders == renders + 1
    assert app.risk_panel.counts["UNANSWERED"] == 0
    assert statuses(app) == {"deploy_pipeline": ChoiceStatus.SELECTED}
    assert app.messages.current is None  # nothing went wrong while the observers were quiet


def test_the_app_displays_as_its_widget(app):
    bundle = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == app.widget.model_id
    stack = app.main_stack
    assert (
        stack.__class__.__name__ == "Stack" and len(stack.children) == 2
    )  # questions (one page, filled in again), register
    assert stack.children[1].children == ()  # the register page is built when first shown


# --- other windows and preheated kernels ----------------------------------------------


def _write_elsewhere(path, choice):
    """Another window's save: the same file with another answer, one second newer."""
    other = Review.load(path)
    other.set_choice(ALIAS, "deploy", choice)
    other.save(path)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_a_file_another_writer_changed_is_merged_never_forked(app, folder):
    tick(app, "deploy_pipeline")
    app.flush()
    mine = app.path
    other = Review.load(mine)  # a writer of another kind (a script, an older pillarkit) edits the same file
    other.set_choice(ALIAS, "monitor", "monitor_alarms")
    other.save(mine)
    stat = mine.stat()
    os.utime(mine, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    tick(app, "deploy_rollback")
    app.flush()
    assert app.path == mine
    assert [p.name for p in folder.glob("*.json")] == [mine.name]  # one file: no copy forked
    answers = saved(mine)["answers"][ALIAS]
    assert answers["deploy"]["SelectedChoices"] == ["deploy_pipeline", "deploy_rollback"]  # this window's
    assert answers["monitor"]["SelectedChoices"] == ["monitor_alarms"]  # the other writer's, kept
    assert app.review.answer(ALIAS, "monitor").statuses() == {"monitor_alarms": ChoiceStatus.SELECTED}  # and on screen
    message = app.messages.history[-1]
    assert message.level == "warning" and "merged" in message.text
    assert any(
        "taken from the other window: How do you know the workload is healthy?" in line for line in message.details
    )


def _preheated(monkeypatch):
    """The environment of a kernel Voila runs ahead of its page."""
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)  # no page-request socket to listen on in a test


def test_a_preheated_kernel_writes_nothing_and_holds_nothing_until_its_page_opens(make_app, tmp_path, monkeypatch):
    path = _saved_review(tmp_path, "Served", 1_700_000_000, file_name="served.json")
    _preheated(monkeypatch)
    app = make_app(path=path)
    assert app.session.role.value == "waiting" and app.session.lease is not None
    assert app.session.lease.holder() is None  # a kernel nobody looks at does not hold the review
    _write_elsewhere(path, "deploy_rollback")  # the previous page kept working after this kernel was preheated
    app.page_opened({"QUERY_STRING": ""})
    assert app.session.role.value == "writer" and app.session.lease.held()
    assert statuses(app) == {"deploy_pipeline": "SELECTED", "deploy_rollback": "SELECTED"}  # read again


def test_opening_the_page_offers_a_review_saved_after_the_kernel_was_preheated(make_app, folder, monkeypatch):
    _preheated(monkeypatch)
    app = make_app()
    assert app.banner.saved is None
    folder.mkdir(parents=True, exist_ok=True)
    _saved_review(folder, "Saved meanwhile", 1_700_000_000)
    app.page_opened({"QUERY_STRING": ""})
    assert app.banner.saved is not None and app.banner.saved.workload == "Saved meanwhile"


def test_a_page_that_was_there_all_along_keeps_its_work(app, folder):
    tick(app, "deploy_pipeline")
    folder.mkdir(parents=True, exist_ok=True)
    _saved_review(folder, "Other", 1_700_000_000)
    app.page_opened({"QUERY_STRING": ""})
    assert statuses(app) == {"deploy_pipeline": "SELECTED"} and app.banner.saved is None


def test_the_page_request_socket_is_where_voila_says(monkeypatch):
    from kit.app import page

    for name in ("VOILA_WS_BASE_URL", "VOILA_SERVER_URL", "VOILA_WS_PROTOCOL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    assert page.query_url() is None
    monkeypatch.setenv("VOILA_KERNEL_ID", "k-1")
    monkeypatch.setenv("VOILA_APP_IP", "127.0.0.1")
    monkeypatch.setenv("VOILA_APP_PORT", "9000")
    monkeypatch.setenv("VOILA_SERVER_URL", "/base/")
    assert page.query_url() == "ws://127.0.0.1:9000/base/voila/query/k-1"
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    assert page.when_page_opens(lambda info: None) is False  # not preheated: the notebook runs at request time
