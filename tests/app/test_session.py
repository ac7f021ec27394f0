"""The session without a browser or widgets: one writer, merging, undo, resume, upload, the timer.

Time is injected (``ManualClock``), and each session has a scheduler of its own on the shared
clock, so a test can let one window's timers run and keep another's still (a frozen kernel).
Files are written inline, so what a test reads is what the session wrote.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kit.app import settings
from kit.app.filewriter import InlineWriter, Written
from kit.app.merge import merge
from kit.app.ownership import LEASE_TTL
from kit.app.session import (
    FOLLOW_SECONDS,
    HANDOVER_SECONDS,
    HEARTBEAT_SECONDS,
    QUIET_SECONDS,
    Role,
    Session,
    SessionView,
)
from kit.app.storage import Storage, Upload
from kit.app.timer import TICK_SECONDS
from kit.app.timing import ManualClock, ManualScheduler
from kit.app.undo import LIMIT, Part
from kit.core import lens as lenses
from kit.core.errors import ReadOnlyError
from kit.core.review import Review, Workload
from kit.core.vocabulary import ChoiceStatus

SELECTED, NOT_APPLICABLE, UNSELECTED = ChoiceStatus.SELECTED, ChoiceStatus.NOT_APPLICABLE, ChoiceStatus.UNSELECTED
SMALL_LENS = Path(__file__).resolve().parents[1] / "data" / "lenses" / "app-small.json"
ALIAS = "app-small"


class Recorder(SessionView):
    """A view that remembers what it was told."""

    def __init__(self) -> None:
        self.shows: list[str] = []
        self.parts: list[Part] = []
        self.notices: list[tuple[str, str, tuple[str, ...]]] = []
        self.statuses: list = []
        self.owners: list = []
        self.addresses: list[str | None] = []
        self.downloads: list[tuple[str | None, str]] = []
        self.failures: list[tuple[BaseException, str]] = []
        self.ticks = 0
        self.explode = False

    def shown(self, reason: str) -> None:
        if self.explode:
            self.explode = False  # once: the screen can show the review it had
            raise RuntimeError("the screen could not show it")
        self.shows.append(reason)

    def part_changed(self, part: Part) -> None:
        self.parts.append(part)

    def status(self, status) -> None:
        self.statuses.append(status)

    def download(self, text, name) -> None:
        self.downloads.append((text, name))

    def ownership(self, ownership) -> None:
        self.owners.append(ownership)

    def notice(self, level, text, details=()) -> None:
        self.notices.append((level, text, tuple(details)))

    def failed(self, error, action) -> None:
        self.failures.append((error, action))

    def address(self, review_id) -> None:
        self.addresses.append(review_id)

    def timer(self) -> None:
        self.ticks += 1


def blank(name: str = "") -> Review:
    return Review([lenses.load(str(SMALL_LENS))], Workload(name=name))


class Window:
    """One browser window: a session, its own scheduler, and what its screen was told."""

    def __init__(self, folder: Path, clock: ManualClock, review: Review | None = None, waiting: bool = False):
        self.clock = clock
        self.scheduler = ManualScheduler(clock)
        self.view = Recorder()
        self.session = Session(
            Storage(folder),
            review or blank(),
            clock=clock,
            scheduler=self.scheduler,
            view=self.view,
            writer=InlineWriter(),
            waiting=waiting,
        )
        self.session.set_position(ALIAS, "deploy", "ops")

    def tick(self, choice: str, status: str = SELECTED, question: str = "deploy") -> None:
        self.session.change_answer(
            ALIAS, question, lambda r, a, q: r.set_choice(a, q, choice, status), f"ticking {choice}"
        )

    def run(self, seconds: float = 0.0) -> None:
        """Let ``seconds`` pass for this window, running whatever falls due (one step at a time)."""
        end = self.clock.monotonic() + seconds
        while True:
            self.scheduler.run_due()
            due = [c.due for c in self.scheduler.pending if c.due <= end]
            if not due:
                break
            self.clock.advance(max(0.0, min(due) - self.clock.monotonic()))
        self.clock.advance(max(0.0, end - self.clock.monotonic()))
        self.scheduler.run_due()


def run_both(first: Window, second: Window, seconds: float, step: float = 0.25) -> None:
    """Let time pass for two windows at once, a little at a time."""
    elapsed = 0.0
    while elapsed < seconds:
        first.clock.advance(step)
        first.scheduler.run_due()
        second.scheduler.run_due()
        elapsed += step


def on_disk(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def selected(data: dict, question: str = "deploy") -> list[str]:
    return data["answers"].get(ALIAS, {}).get(question, {}).get("SelectedChoices", [])


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "reviews"


@pytest.fixture
def windows(folder, clock):
    made: list[Window] = []

    def make(review: Review | None = None, waiting: bool = False) -> Window:
        window = Window(folder, clock, review, waiting)
        made.append(window)
        return window

    yield make
    for window in made:
        window.session.close()


def saved_by(window: Window) -> Path:
    """Save the window's review (a first tick makes the file) and return its path."""
    window.session.flush()
    assert window.session.path is not None
    return window.session.path


# --- without widgets ----------------------------------------------------------------------


def test_the_session_imports_no_widgets():
    code = "import sys, kit.app.session; sys.exit(sorted({'ipywidgets', 'matplotlib'} & set(sys.modules)) or None)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# --- one writer ----------------------------------------------------------------------------


def test_the_first_save_takes_the_lease_and_a_second_window_is_read_only(windows):
    a = windows()
    a.tick("deploy_pipeline")
    path = saved_by(a)
    assert a.session.role is Role.WRITER and a.session.lease.held()
    b = windows()
    b.session.resume(path)
    assert b.session.role is Role.READER
    assert b.view.owners[-1].reason == "waiting"  # for a moment: it may be a reload, the old page letting go
    b.run(QUIET_SECONDS + FOLLOW_SECONDS)
    assert b.view.owners[-1].role is Role.READER and b.view.owners[-1].reason == "other-window"
    assert b.view.statuses[-1].state == "read-only"
    with pytest.raises(ReadOnlyError, match="read-only"):
        b.tick("deploy_rollback")
    with pytest.raises(ReadOnlyError):
        b.session.start_timer()
    assert selected(on_disk(path)) == ["deploy_pipeline"]


def test_a_read_only_window_follows_the_writers_saves(windows):
    a = windows()
    a.tick("deploy_pipeline")
    path = saved_by(a)
    b = windows()
    b.session.resume(path)
    a.tick("deploy_rollback")
    a.session.flush()
    b.run(FOLLOW_SECONDS)
    assert b.session.review.answer(ALIAS, "deploy").statuses() == {
        "deploy_pipeline": SELECTED,
        "deploy_rollback": SELECTED,
    }
    assert b.view.shows[-1] == "followed"
    assert b.session.role is Role.READER


def test_take_over_asks_the_writer_which_saves_first_then_hands_over(windows):
    a = windows()
    a.tick("deploy_pipeline")
    path = saved_by(a)
    b = windows()
    b.session.resume(path)
    a.tick("deploy_rollback")  # not saved yet: within the autosave second
    b.session.take_over()
    assert b.session.role is Role.READER and b.view.owners[-1].reason == "asking"
    run_both(a, b, HEARTBEAT_SECONDS + FOLLOW_SECONDS)
    assert b.session.role is Role.WRITER and b.session.lease.held()
    assert a.session.role is Role.READER and a.view.owners[-1].reason == "handed-over"
    assert selected(on_disk(path)) == ["deploy_pipeline", "deploy_rollback"]  # the writer saved before handing over
    b.tick("deploy_no", question="deploy")
    b.session.flush()
    assert selected(on_disk(path)) == ["deploy_no"]
    with pytest.raises(ReadOnlyError):
        a.tick("deploy_pipeline", UNSELECTED)
    assert not a.view.owners[-1].unsaved  # it saved before it handed over


def test_a_writer_that_does_not_answer_is_overruled_and_its_change_is_merged_later(windows):
    a = windows()
    a.tick("deploy_pipeline")
    path = saved_by(a)
    b = windows()
    b.session.resume(path)
    a.tick("monitor_alarms", question="monitor")  # a's kernel freezes before it saves this
    b.session.take_over()
    b.run(HANDOVER_SECONDS + FOLLOW_SECONDS)  # only b's time runs
    assert b.session.role is Role.WRITER
    b.tick("deploy_rollback")
    b.session.flush()
    # a wakes up: its save finds another window holds the review; it writes nothing and says so.
    a.run(1.0)
    assert a.session.role is Role.READER and a.view.owners[-1].reason == "taken-over"
    assert a.view.owners[-1].unsaved
    assert "monitor" not in on_disk(path)["answers"][ALIAS]
    # Taking over again saves a's change merged with b's: no answer of either is lost.
    a.session.take_over()
    run_both(a, b, HEARTBEAT_SECONDS + FOLLOW_SECONDS)
    assert a.session.role is Role.WRITER
    a.session.flush()
    data = on_disk(path)
    assert selected(data) == ["deploy_pipeline", "deploy_rollback"]
    assert selected(data, "monitor") == ["monitor_alarms"]


def test_a_reader_becomes_the_writer_when_the_writer_closes(windows):
    a = windows()
    a.tick("deploy_pipeline")
    path = saved_by(a)
    b = windows()
    b.session.resume(path)
    b.run(QUIET_SECONDS + FOLLOW_SECONDS)  # long after it opened: when a closes, b says it writes now
    a.session.close()
    b.run(FOLLOW_SECONDS)
    assert b.session.role is Role.WRITER
    assert any("now saves the review" in text for _, text, _ in b.view.notices)
    b.tick("deploy_rollback")
    b.session.flush()
    assert selected(on_disk(path)) == ["deploy_pipeline", "deploy_rollback"]


def test_a_reload_takes_the_review_over_quietly_as_the_old_page_lets_go(windows):
    a = windows()
    a.tick("deploy_pipeline")
    path = saved_by(a)
    a.tick("deploy_rollback")  # within the autosave second, then the page reloads
    b = windows()
    b.session.open_id(a.session.review_id)
    assert b.session.role is Role.READER  # for a moment: the old page still holds it
    a.session.close()  # the old page's kernel is shut down: it saves what it had, and lets go
    b.run(FOLLOW_SECONDS)
    assert b.session.role is Role.WRITER
    assert b.session.review.answer(ALIAS, "deploy").statuses() == {
        "deploy_pipeline": SELECTED,
        "deploy_rollback": SELECTED,
    }
    assert b.view.notices == []  # nothing alarming on a reload
    assert b.view.addresses[-1] == a.session.review_id
    assert path.exists()


def test_a_stale_lease_is_free(windows, folder, clock):
    a = windows()
    a.tick("deploy_pipeline")
    path = saved_by(a)
    a.session._stop_ownership()  # a's kernel is killed: no more heartbeats, no release
    clock.advance(LEASE_TTL + 1)
    b = windows()
    b.session.resume(path)
    assert b.session.role is Role.WRITER


def test_a_page_gone_saves_what_it_sent_lets_go_and_writes_nothing_more(windows):
    a = windows()
    a.tick("deploy_pipeline")
    path = saved_by(a)
    a.session.start_timer()
    a.tick("deploy_rollback")  # the crash comes within the autosave second
    a.session.page_gone()
    assert selected(on_disk(path)) == ["deploy_pipeline", "deploy_rollback"]
    assert on_disk(path)["extensions"]["agenda"]["running"] is True  # a reload finds the timer running
    assert a.session.role is Role.DETACHED and not a.session.timer.running
    assert a.session.lease.holder() is None
    stamp = path.stat().st_mtime_ns
    a.run(30 * 60)  # half an hour of an orphan kernel
    assert path.stat().st_mtime_ns == stamp
    with pytest.raises(ReadOnlyError, match="closed"):
        a.tick("deploy_no")
    b = windows()
    b.session.resume(path)
    assert b.session.role is Role.WRITER and b.session.timer.running


def test_a_page_that_comes_back_takes_up_its_review_again(windows):
    a = windows()
    a.tick("deploy_pipeline")
    saved_by(a)
    a.session.start_timer()
    a.session.page_gone()
    a.session.page_back()
    assert a.session.role is Role.WRITER and a.session.timer.running and a.session.lease.held()


def test_a_timer_tick_never_writes_the_file(windows):
    a = windows()
    a.tick("deploy_pipeline")
    path = saved_by(a)
    a.session.start_timer()
    a.session.flush()
    stamp = path.stat().st_mtime_ns
    a.run(10 * TICK_SECONDS)
    assert a.view.ticks >= 10
    assert a.session.timer.used[f"{ALIAS}:ops"] == pytest.approx(10 * TICK_SECONDS, abs=0.2)
    assert not a.session.autosaver.dirty and path.stat().st_mtime_ns == stamp
    a.tick("deploy_rollback")  # the time used rides along with the next real save
    a.session.flush()
    assert on_disk(path)["extensions"]["agenda"]["used"][f"{ALIAS}:ops"] >= 10 * TICK_SECONDS - 0.2


def test_a_waiting_session_writes_nothing_and_takes_no_lease(windows, folder):
    a = windows()
    a.tick("deploy_pipeline")
    path = saved_by(a)
    a.session.close()
    b = windows(waiting=True)
    b.session.open_file(path)
    assert b.session.role is Role.WAITING and b.session.lease.holder() is None
    b.session.attach(None)
    assert b.session.role is Role.WRITER and b.session.lease.held()


# --- merging ---------------------------------------------------------------------------------


def _data(review: Review) -> dict:
    return review.to_dict()


def _at(data: dict, question: str, moment: str) -> dict:
    data["extensions"].setdefault("app", {}).setdefault("answered_at", {}).setdefault(ALIAS, {})[question] = moment
    return data


def test_merge_takes_each_side_s_changes_question_by_question():
    base = blank()
    base.set_choice(ALIAS, "deploy", "deploy_pipeline")
    theirs, mine = Review.from_dict(_data(base)), Review.from_dict(_data(base))
    theirs.set_choice(ALIAS, "monitor", "monitor_alarms")
    theirs.park("Ask security", "Ana")
    mine.set_choice(ALIAS, "access", "access_mfa")
    mine.set_choice(ALIAS, "deploy", "deploy_rollback")
    merged = merge(_data(base), _data(theirs), _data(mine))
    result = Review.from_dict(merged.data)
    assert result.answer(ALIAS, "monitor").selected == ["monitor_alarms"]
    assert result.answer(ALIAS, "access").selected == ["access_mfa"]
    assert result.answer(ALIAS, "deploy").selected == ["deploy_pipeline", "deploy_rollback"]
    assert [item.text for item in result.parking_lot] == ["Ask security"]
    assert f"{ALIAS}/monitor" in merged.taken and not merged.conflicts


@pytest.mark.parametrize("mine_later", [True, False])
def test_merge_gives_a_question_both_sides_changed_to_the_later_change(mine_later):
    base = blank()
    theirs, mine = blank(), blank()
    theirs.set_choice(ALIAS, "deploy", "deploy_no")
    mine.set_choice(ALIAS, "deploy", "deploy_pipeline")
    their_time, my_time = ("2026-01-01T10:00:00.000+00:00", "2026-01-01T10:05:00.000+00:00")
    if not mine_later:
        their_time, my_time = my_time, their_time
    merged = merge(_data(base), _at(_data(theirs), "deploy", their_time), _at(_data(mine), "deploy", my_time))
    result = Review.from_dict(merged.data)
    assert result.answer(ALIAS, "deploy").selected == (["deploy_pipeline"] if mine_later else ["deploy_no"])
    assert (merged.kept if mine_later else merged.replaced) == [f"{ALIAS}/deploy"]
    assert merged.data["extensions"]["app"]["answered_at"][ALIAS]["deploy"] == max(their_time, my_time)


def test_merge_keeps_the_larger_time_used_and_both_sides_milestones():
    base = blank()
    theirs, mine = blank(), blank()
    for review, used in ((theirs, 300.0), (mine, 120.0)):
        review.extensions["agenda"] = {"used": {f"{ALIAS}:ops": used}}
    theirs.save_milestone("theirs", "2026-01-01")
    mine.save_milestone("mine", "2026-01-02")
    merged = merge(_data(base), _data(theirs), _data(mine))
    assert merged.data["extensions"]["agenda"]["used"] == {f"{ALIAS}:ops": 300.0}
    assert sorted(m["name"] for m in merged.data["milestones"]) == ["mine", "theirs"]


def test_two_windows_and_a_rename_lose_nothing(windows, folder):
    """Issue 10, step 7: A ticks 1 and renames; B resumes; A ticks 2 and renames; B ticks 3."""
    a = windows()
    a.tick("deploy_pipeline")
    a.session.set_workload(lambda w: setattr(w, "name", "Shop"), "the name", "workload:name")
    first = saved_by(a)
    b = windows()
    b.session.resume(first)
    assert b.session.role is Role.READER
    a.tick("deploy_rollback", question="deploy")
    a.session.set_workload(lambda w: setattr(w, "name", "Shop EU"), "the name", "workload:name")
    a.session.flush()
    b.session.take_over()
    run_both(a, b, HEARTBEAT_SECONDS + FOLLOW_SECONDS)
    assert b.session.role is Role.WRITER
    b.tick("monitor_alarms", question="monitor")
    b.session.flush()
    files = sorted(folder.glob("*.json"))
    assert [p.name for p in files] == [f"shop-eu-{a.session.review_id}.json"]
    data = on_disk(files[0])
    assert selected(data) == ["deploy_pipeline", "deploy_rollback"]
    assert selected(data, "monitor") == ["monitor_alarms"]
    assert data["workload"]["name"] == "Shop EU"
    # A was told, and its screen follows B's saves.
    a.run(FOLLOW_SECONDS)
    assert a.session.role is Role.READER
    assert a.session.review.answer(ALIAS, "monitor").selected == ["monitor_alarms"]


def test_a_file_changed_by_another_kind_of_writer_is_merged_and_said_so(windows, folder):
    a = windows()
    a.tick("deploy_pipeline")
    path = saved_by(a)
    other = Review.load(path)
    other.set_choice(ALIAS, "monitor", "monitor_dash")
    other.save(path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    a.tick("deploy_rollback")
    a.session.flush()
    data = on_disk(path)
    assert selected(data) == ["deploy_pipeline", "deploy_rollback"]
    assert selected(data, "monitor") == ["monitor_dash"]
    assert [p.name for p in folder.glob("*.json")] == [path.name]
    level, text, details = a.view.notices[-1]
    assert level == "warning" and "merged" in text and details


# --- undo ------------------------------------------------------------------------------------


def test_undo_brings_back_the_ticks_none_of_these_cleared_and_is_saved(windows):
    a = windows()
    a.tick("deploy_pipeline")
    a.tick("deploy_rollback")
    a.tick("deploy_no")
    assert a.session.review.answer(ALIAS, "deploy").selected == ["deploy_no"]
    entry = a.session.undo_last()
    assert entry is not None and entry.label == "ticking deploy_no"
    assert a.session.review.answer(ALIAS, "deploy").statuses() == {
        "deploy_pipeline": SELECTED,
        "deploy_rollback": SELECTED,
    }
    assert a.view.parts[-1] == Part.answer(ALIAS, "deploy")
    assert a.session.autosaver.dirty
    path = saved_by(a)
    assert selected(on_disk(path)) == ["deploy_pipeline", "deploy_rollback"]
    assert a.view.notices[-1][1] == "Undone: ticking deploy_no."


def test_undo_of_a_question_marked_not_applicable(windows):
    a = windows()
    a.tick("deploy_pipeline")
    a.session.change_answer(
        ALIAS, "deploy", lambda r, al, q: r.set_applicable(al, q, False, "OUT_OF_SCOPE"), "not applicable"
    )
    a.session.change_answer(
        ALIAS, "deploy", lambda r, al, q: r.set_choice(al, q, "deploy_rollback", NOT_APPLICABLE), "practice n/a"
    )
    a.session.undo_last()
    a.session.undo_last()
    answer = a.session.review.answer(ALIAS, "deploy")
    assert answer.is_applicable and answer.reason is None and answer.statuses() == {"deploy_pipeline": SELECTED}


def test_typing_is_one_change_and_undo_keeps_the_last_twenty(windows, clock):
    a = windows()
    for text in ("A", "Al", "Ala", "Alarms"):
        a.session.change_answer(
            ALIAS, "deploy", lambda r, al, q, t=text: r.set_notes(al, q, t), "the notes", key="notes:deploy"
        )
        clock.advance(0.5)
    assert len(a.session.undo) == 1
    a.session.undo_last()
    assert a.session.review.answer(ALIAS, "deploy").notes == ""
    for n in range(LIMIT + 5):
        choice = "deploy_pipeline" if n % 2 == 0 else "deploy_rollback"
        a.tick(choice, SELECTED if (n // 2) % 2 == 0 else UNSELECTED)
    assert len(a.session.undo) == LIMIT
    for _ in range(LIMIT):
        assert a.session.undo_last() is not None
    assert a.session.undo_last() is None and a.view.notices[-1][1] == "There is nothing to undo."


def test_undo_covers_the_parking_lot_and_the_workload(windows):
    a = windows()
    a.session.park("Ask security about MFA", "Ana")
    a.session.set_workload(lambda w: setattr(w, "name", "Checkout"), "the name", "workload:name")
    a.session.undo_last()
    assert a.session.review.workload.name == ""
    a.session.undo_last()
    assert a.session.review.parking_lot == []
    assert [p.kind for p in a.view.parts] == ["workload", "parking_lot"]


def test_a_refused_change_leaves_nothing_to_undo(windows):
    a = windows()
    with pytest.raises(Exception, match="limit"):
        a.session.change_answer(ALIAS, "deploy", lambda r, al, q: r.set_notes(al, q, "x" * 5000), "notes")
    assert len(a.session.undo) == 0 and not a.session.autosaver.dirty


# --- resume, reopen, upload --------------------------------------------------------------------


def test_reopening_by_id_restores_modes_position_timer_and_the_saved_time(windows, clock):
    a = windows()
    a.tick("deploy_pipeline")
    a.session.set_modes(presenter=True, hide_choices=True, compact=False)
    a.session.set_position(ALIAS, "access", "sec")
    a.session.start_timer()
    clock.advance(90)
    path = saved_by(a)
    saved_at = a.session.saved_at
    review_id = a.session.review_id
    a.session.page_gone()
    clock.advance(3600)
    b = windows()
    assert b.session.open_id(review_id)
    assert b.session.path == path
    assert b.session.modes == {"presenter": True, "hide_choices": True, "compact": False}
    assert b.session.saved_position == (ALIAS, "access")
    assert b.session.timer.running
    assert b.view.statuses[-1].state == "saved" and b.view.statuses[-1].when == saved_at
    assert b.view.addresses[-1] == review_id


def test_an_address_naming_no_review_gives_a_new_one_and_says_so(windows):
    a = windows()
    assert not a.session.open_id("../../etc")
    assert not a.session.open_id("0123abcd")
    assert a.session.path is None and a.view.addresses[-1] is None
    assert [level for level, _, _ in a.view.notices] == ["warning", "warning"]


def _upload(review: Review, name: str = "upload.json", **extensions) -> Upload:
    data = review.to_dict()
    data["extensions"].update(extensions)
    return Upload(name, json.dumps(data).encode("utf-8"))


def test_an_upload_with_an_unusable_setting_changes_nothing(windows, folder):
    a = windows()
    a.tick("deploy_pipeline")
    path = saved_by(a)
    before = path.read_bytes()
    uploaded = blank("Uploaded")
    bad = {"agenda": {"timeboxes": {f"{ALIAS}:ops": "thirty"}}}
    assert not a.session.open_upload(_upload(uploaded, **bad))
    level, text, _ = a.view.notices[-1]
    assert level == "error" and "upload.json: extensions.agenda.timeboxes" in text and "'thirty'" in text
    assert a.session.path == path and a.session.review.answer(ALIAS, "deploy").selected == ["deploy_pipeline"]
    assert [p.name for p in folder.glob("*.json")] == [path.name] and path.read_bytes() == before
    a.tick("deploy_rollback")
    a.session.flush()
    assert selected(on_disk(path)) == ["deploy_pipeline", "deploy_rollback"]  # edits still go to the review on screen


def test_an_upload_is_saved_before_it_is_shown(windows, folder, monkeypatch):
    a = windows()
    monkeypatch.setattr(
        "kit.app.session.write_now", lambda job: Written(job, error=OSError(28, "No space left on device"))
    )
    assert not a.session.open_upload(_upload(blank("Full disk")))
    assert a.session.path is None and a.session.review.workload.name == ""
    assert "No space left on device" in a.view.notices[-1][1]


def test_a_switch_the_screen_cannot_show_leaves_the_review_as_it_was(windows):
    a = windows()
    a.tick("deploy_pipeline")
    path = saved_by(a)
    other = windows()
    other.tick("monitor_alarms", question="monitor")
    other_path = saved_by(other)
    other.session.close()
    a.view.explode = True
    with pytest.raises(RuntimeError):
        a.session.resume(other_path)
    assert a.session.path == path and a.session.lease.held()
    assert a.session.review.answer(ALIAS, "deploy").selected == ["deploy_pipeline"]
    assert a.view.shows[-1] == "restored"


def test_the_offer_prefers_the_latest_answers_and_shows_every_copy(windows, folder, clock):
    a = windows()
    a.tick("deploy_pipeline")
    a.session.set_workload(lambda w: setattr(w, "name", "Shop"), "the name", "workload:name")
    original = saved_by(a)
    copy_bytes = original.read_bytes()
    clock.advance(60)
    a.tick("deploy_rollback")
    a.session.flush()
    a.session.close()
    stale = folder / "shop-0000beef.json"
    stale.write_bytes(copy_bytes)  # a copy of the earlier version…
    os.utime(stale, (original.stat().st_mtime + 600,) * 2)  # …that a stale writer kept touching
    b = windows()
    offer = b.session.offer()
    assert offer is not None and offer.saved.path == original  # the latest answers, not the latest file
    assert [(c.path, differs) for c, differs in offer.copies] == [(stale, [f"{ALIAS}/deploy"])]
    assert offer.saved.last_change > offer.copies[0][0].last_change


def test_a_review_the_app_cannot_use_is_refused_whole(windows, folder):
    a = windows()
    bad = blank("Bad").to_dict()  # the kit would not write such a file: it is made by hand
    bad["extensions"]["app"] = {"modes": {"presenter": "yes"}, "position": "OPS01"}
    folder.mkdir(parents=True)
    path = folder / "bad-1234abcd.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert not a.session.resume(path)
    level, text, details = a.view.notices[-1]
    assert level == "error" and "extensions.app.modes.presenter" in " ".join([text, *details])
    assert "extensions.app.position" in " ".join([text, *details])
    assert a.session.path is None


def test_settings_problems_name_every_place():
    found = settings.problems(
        {
            "agenda": {"plan_minutes": -1, "used": {"x": "long"}, "running": "yes"},
            "app": {"revision": 1.5, "answered_at": {ALIAS: {"deploy": "yesterday"}}},
        },
        "r.json",
    )
    assert sorted(d.where for d in found) == [
        "extensions.agenda.plan_minutes",
        "extensions.agenda.running",
        "extensions.agenda.used.x",
        "extensions.app.answered_at.app-small.deploy",
        "extensions.app.revision",
    ]
