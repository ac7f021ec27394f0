"""The risk register through the session: saved, undone, refused in a read-only window, merged with another writer."""

from __future__ import annotations

import os

import pytest

from kit.app.merge import merge
from kit.app.session import FOLLOW_SECONDS, HEARTBEAT_SECONDS, Role
from kit.app.undo import RISK_REGISTER
from kit.core import register
from kit.core.errors import ReadOnlyError, RegisterError
from kit.core.review import Review
from kit.core.vocabulary import ACCEPTED, CLOSED, HIGH, LOW, OPEN
from tests.app.test_session import ALIAS, Window, blank, on_disk, run_both, saved_by


@pytest.fixture
def windows(folder, clock):
    made: list[Window] = []

    def make(review: Review | None = None) -> Window:
        window = Window(folder, clock, review)
        made.append(window)
        return window

    yield make
    for window in made:
        window.session.close()


def add(window: Window, component: str, failure_mode: str, **values) -> register.Entry:
    return window.session.edit_register(
        lambda review: register.add(review, component, failure_mode, **values), "adding a risk"
    )


def touch_later(path) -> None:
    """Another writer's save: a modification time the session cannot mistake for its own."""
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))


def test_a_register_change_is_saved_and_undone(windows, clock):
    a = windows()
    entry = add(a, "Orders database", "Fails over")
    assert entry.id == "R1" and a.session.autosaver.dirty
    path = saved_by(a)
    assert on_disk(path)["risk_register"][0]["component"] == "Orders database"
    for text in ("D", "Da", "Data team"):  # typing is one change
        a.session.edit_register(lambda r, t=text: register.update(r, "R1", owner=t), "risk R1's owner", "risk:R1:owner")
        clock.advance(0.5)
    assert len(a.session.undo) == 2
    a.session.undo_last()
    assert a.session.review.risk_register[0].owner == ""
    assert a.view.parts[-1] == RISK_REGISTER
    a.session.undo_last()
    assert a.session.review.risk_register == []
    a.session.flush()
    assert "risk_register" not in on_disk(path) and on_disk(path)["version"] == 1


def test_a_refused_register_change_leaves_nothing_to_undo_and_nothing_to_save(windows):
    a = windows()
    add(a, "DB", "Fails over")
    saved_by(a)
    with pytest.raises(RegisterError, match="2085 characters; the limit is 2084"):
        a.session.edit_register(lambda r: register.update(r, "R1", notes="n" * 2085), "notes", "risk:R1:notes")
    assert len(a.session.undo) == 1 and not a.session.autosaver.dirty
    assert a.session.review.risk_register[0].notes == ""


def test_parking_a_question_from_the_register_is_one_undoable_change(windows):
    a = windows()
    add(a, "DB", "Fails over", owner="Data team")
    item = a.session.park_risk_question("R1", "Does the app reconnect?")
    assert (item.risk, item.owner) == ("R1", "Data team")
    assert on_disk(saved_by(a))["parking_lot"][0]["risk"] == "R1"
    a.session.undo_last()
    assert a.session.review.parking_lot == [] and len(a.session.review.risk_register) == 1


def test_a_window_that_does_not_write_cannot_change_the_register(windows):
    a = windows()
    add(a, "DB", "Fails over")
    path = saved_by(a)
    b = windows()
    b.session.resume(path)
    assert b.session.role is Role.READER
    with pytest.raises(ReadOnlyError):
        b.session.edit_register(lambda r: register.update(r, "R1", owner="B"), "owner")
    assert b.session.review.risk_register[0].owner == "" and len(b.session.undo) == 0


def test_another_writer_s_risks_are_merged_in_and_a_clashing_new_id_is_renumbered_with_its_parked_question(
    windows, folder
):
    a = windows()
    add(a, "Orders database", "Fails over")
    path = saved_by(a)
    other = Review.load(path)  # another writer adds its own R2 and rates R1
    register.add(other, "CDN", "Purge storm")
    register.update(other, "R1", likelihood=HIGH)
    other.save(path)
    touch_later(path)
    mine = add(a, "Queue", "Backs up")  # this window's R2, made before it saw theirs
    a.session.edit_register(lambda r: register.update(r, "R1", owner="Data team"), "owner")
    a.session.park_risk_question(mine.id, "Who drains it?")
    a.session.flush()
    data = on_disk(path)
    assert [(e["id"], e["component"]) for e in data["risk_register"]] == [
        ("R1", "Orders database"),
        ("R2", "CDN"),
        ("R3", "Queue"),
    ]
    assert (data["risk_register"][0]["likelihood"], data["risk_register"][0]["owner"]) == (HIGH, "Data team")
    assert data["parking_lot"][0]["text"] == "Who drains it?" and data["parking_lot"][0]["risk"] == "R3"
    level, text, details = a.view.notices[-1]
    assert level == "warning" and "merged" in text
    assert any("risk R2 (this window's new R2 is now R3)" in line for line in details)
    assert [p.name for p in folder.glob("*.json")] == [path.name]


def test_two_windows_taking_turns_lose_no_risk(windows):
    a = windows()
    add(a, "Orders database", "Fails over")
    path = saved_by(a)
    b = windows()
    b.session.resume(path)
    b.session.take_over()
    run_both(a, b, HEARTBEAT_SECONDS + FOLLOW_SECONDS)
    assert b.session.role is Role.WRITER
    add(b, "CDN", "Purge storm")
    b.session.flush()
    a.run(FOLLOW_SECONDS)
    assert [e.id for e in a.session.review.risk_register] == ["R1", "R2"]  # the reader follows


# --- merging, on plain data ------------------------------------------------------------------


def _versions() -> tuple[Review, Review, Review]:
    base = blank()
    register.add(base, "Orders database", "Fails over")
    register.add(base, "CDN", "Purge storm")
    register.add(base, "Queue", "Backs up")
    return base, Review.from_dict(base.to_dict()), Review.from_dict(base.to_dict())


def test_merge_takes_each_side_s_fields_of_one_entry():
    base, theirs, mine = _versions()
    register.update(theirs, "R1", owner="Data team")
    register.update(mine, "R1", likelihood=LOW, questions=[(ALIAS, "deploy")])
    merged = merge(base.to_dict(), theirs.to_dict(), mine.to_dict())
    entry = Review.from_dict(merged.data).risk_register[0]
    assert (entry.owner, entry.likelihood, [q.question for q in entry.questions]) == ("Data team", LOW, ["deploy"])
    assert "risk R1" in merged.taken and not merged.conflicts


def test_merge_keeps_a_status_with_its_own_acceptance_date():
    base, theirs, mine = _versions()
    register.update(theirs, "R1", status=ACCEPTED, accepted_until="2099-01-01")
    register.update(mine, "R1", status=CLOSED)
    merged = merge(base.to_dict(), theirs.to_dict(), mine.to_dict())
    entry = Review.from_dict(merged.data).risk_register[0]
    assert (entry.status, entry.accepted_until) == (CLOSED, None)  # never "closed until 2099"
    assert merged.kept == ["risk R1"]


def test_merge_removes_what_one_side_removed_unless_the_other_changed_it():
    base, theirs, mine = _versions()
    register.remove(theirs, "R2")  # removed there, untouched here: gone
    register.remove(theirs, "R3")  # removed there, changed here: kept, with the change
    register.update(mine, "R3", status=OPEN, owner="Messaging team")
    register.remove(mine, "R1")  # removed here, untouched there: gone
    merged = merge(base.to_dict(), theirs.to_dict(), mine.to_dict())
    result = Review.from_dict(merged.data)
    assert [(e.id, e.owner) for e in result.risk_register] == [("R3", "Messaging team")]


def test_merge_drops_the_register_key_when_both_sides_emptied_it():
    base, theirs, mine = _versions()
    for review in (theirs, mine):
        review.risk_register = []
    merged = merge(base.to_dict(), theirs.to_dict(), mine.to_dict())
    assert "risk_register" not in merged.data and Review.from_dict(merged.data).format_version == 1
