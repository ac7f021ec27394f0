"""The session: one review on one page, its file, and everything that keeps that file right. No widgets.

A :class:`Session` owns the review on screen and is the only thing that changes it, saves it or
swaps it for another. The widgets are views: they call the session's methods and are told
what happened through a :class:`SessionView` (the app implements it). Everything here runs on
the kernel's thread; time comes from an injected clock and scheduler, so the tests drive it
without a browser, widgets or sleeps.

**One writer.** A review file has at most one live writer. A session is in one of these roles:

``WAITING``
    built ahead of its page (a preheated Voila kernel): it reads, writes nothing and holds no lease.
``WRITER``
    holds the review's lease (:mod:`kit.app.ownership`), refreshes it every few seconds, and
    autosaves within a second of every change.
``READER``
    another live window holds the lease: this one follows its saves, refuses changes, and can
    take over (the holder is asked first, saves, and hands over; one that does not answer is overruled).
    When the lease falls free (the other window closed), a reader becomes the writer by itself.
``DETACHED``
    its page is gone: it has saved what its page sent, released the lease and paused its timer,
    and writes nothing more (its kernel is then shut down).

A timer tick never writes the file. Before every save the session looks at the file: if
another writer changed it, the two versions are merged question by question
(:mod:`kit.app.merge`), and the user is told what was taken from where; a copy is never
forked in silence.

**All or nothing.** Opening, resuming or uploading a review reads and checks the whole file
(its schema and the app's own settings, :mod:`kit.app.settings`) before anything changes; if
the screen then fails to show it, the previous review comes back. The review on screen is
saved before another one replaces it, and stays if it cannot be saved.

**Undo** keeps the last 20 changes (:mod:`kit.app.undo`); undoing is saved like any change.

**Saving off the critical path.** The review is serialised on the kernel's thread; the write and
its fsync happen on a background thread (:mod:`kit.app.filewriter`). The download link is
refreshed once the review has settled, not on every save.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import enum
import secrets
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from kit.app import settings
from kit.app.filewriter import FileWriter, Job, Stamp, ThreadWriter, Written, disk_stamp
from kit.app.filewriter import run as write_now
from kit.app.merge import Merged, merge
from kit.app.ownership import Holder, Lease, lease_path
from kit.app.storage import Autosaver, SavedReview, Storage, Upload, differences, is_id, new_id
from kit.app.timer import AgendaTimer
from kit.app.timing import Clock, Handle, Scheduler
from kit.app.undo import RISK_REGISTER, Entry, Part, UndoStack, restore
from kit.core import options, register
from kit.core.errors import PillarkitError, ReadOnlyError, ReviewError
from kit.core.jsonio import dumps
from kit.core.review import Milestone, ParkedItem, Review, Workload

#: Seconds between a writer's heartbeats on its lease, and between a reader's looks at the file.
HEARTBEAT_SECONDS = 3.0
FOLLOW_SECONDS = 1.0
#: How long a window that asked to take over waits for the holder to hand over before overruling it.
HANDOVER_SECONDS = 4.0
#: A reader that becomes the writer within this many seconds of opening says nothing about it
#: (the window it replaced was this page before a reload, letting go as it closed).
QUIET_SECONDS = 5.0
#: Seconds of quiet after a save before the download link is refreshed.
DOWNLOAD_SETTLE_SECONDS = 1.5

Guard = Callable[[Callable[[], None], str], Callable[[], None]]
T = TypeVar("T")


class Role(enum.Enum):
    WAITING = "waiting"
    WRITER = "writer"
    READER = "reader"
    DETACHED = "detached"
    CLOSED = "closed"


@dataclass(frozen=True)
class SaveStatus:
    """What the save status shows: ``state`` is "none", "pending", "saved", "failed" or "read-only"."""

    state: str
    when: dt.datetime | None = None
    why: str = ""


@dataclass(frozen=True)
class Ownership:
    """Who writes the review on screen, for the banner."""

    role: Role
    #: Why this window does not write: "waiting" (for a moment after opening: the page this one
    #: replaces, a reload, is letting go), "other-window", "taken-over", "handed-over", "asking",
    #: "page-gone", or "".
    reason: str = ""
    #: Changes made in this window that are not in the file (this window lost the lease with them).
    unsaved: int = 0
    #: When the window that writes last saved, as far as this one knows.
    saved: dt.datetime | None = None


@dataclass(frozen=True)
class Offer:
    """The review a new visit offers to continue, and any other copies of it, each with what differs."""

    saved: SavedReview
    copies: list[tuple[SavedReview, list[str]]] = field(default_factory=list)


class SessionView:
    """What the session tells the screen; every method does nothing here (the app overrides them)."""

    def shown(self, reason: str) -> None:
        """The review is another one, or another version of it: show every part again."""

    def part_changed(self, part: Part) -> None:
        """One part of the review changed behind the views (undo): show it again."""

    def status(self, status: SaveStatus) -> None:
        """The save status changed."""

    def download(self, text: str | None, name: str) -> None:
        """The review file's text for the download link (None: nothing saved yet)."""

    def ownership(self, ownership: Ownership) -> None:
        """Who writes the review changed."""

    def notice(self, level: str, text: str, details: Sequence[str] = ()) -> None:
        """Something to tell the user ("info", "success", "warning" or "error")."""

    def failed(self, error: BaseException, action: str) -> None:
        """Something went wrong away from any click (a save on the writer's thread): show it and log it."""

    def undo_changed(self, label: str | None, count: int) -> None:
        """What Undo would undo now (None: nothing)."""

    def address(self, review_id: str | None) -> None:
        """The page address should name this review (None: no review)."""

    def timer(self) -> None:
        """The agenda's timer moved (a tick, a start or a pause)."""


@dataclass
class _State:
    """Everything a switch replaces, so that a failed switch can put it all back."""

    review: Review
    path: Path | None
    review_id: str
    lease: Lease | None
    base: dict[str, Any] | None
    stamp: Stamp | None
    saved_at: dt.datetime | None
    text: str | None


_live: weakref.WeakSet[Session] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:  # pragma: no cover - runs when the kernel exits
    for session in list(_live):
        with contextlib.suppress(Exception):
            session.close()


class Session:
    """One review on one page. See the module's docstring."""

    def __init__(
        self,
        storage: Storage,
        review: Review,
        *,
        clock: Clock,
        scheduler: Scheduler,
        view: SessionView | None = None,
        writer: FileWriter | None = None,
        autosave_delay: float = options.AUTOSAVE_SECONDS.default,
        waiting: bool = False,
        guard: Guard | None = None,
        session_id: str | None = None,
    ):
        self.storage = storage
        self.clock = clock
        self.scheduler = scheduler
        self.view = view or SessionView()
        self.writer: FileWriter = writer or ThreadWriter()
        self.id = session_id or secrets.token_hex(8)
        self._guard: Guard = guard or (lambda function, action: function)
        self.role = Role.WAITING if waiting else Role.WRITER
        self.review = review
        self.path: Path | None = None
        self.review_id = new_id()
        self.lease: Lease | None = None
        self._base: dict[str, Any] | None = None
        self._stamp: Stamp | None = None
        self.saved_at: dt.datetime | None = None
        self._text: str | None = None
        self.undo = UndoStack()
        self.timer = AgendaTimer(clock, scheduler, on_tick=lambda: self.view.timer())
        self.timer.wrap = lambda tick: self._guard(tick, "updating the timer")
        self.autosaver = Autosaver(
            self._save, scheduler, autosave_delay, wrap=lambda f: self._guard(f, "saving the review")
        )
        self.position: tuple[str, str] = ("", "")
        self._writing = False
        self._heartbeat: Handle | None = None
        self._follow: Handle | None = None
        self._download: Handle | None = None
        self._asked_at: float | None = None
        self._opened_at = clock.monotonic()
        self._reason = ""
        self._was_running = False
        #: The last job handed to the writer: a report about an older one changes nothing.
        self._latest_job: Job | None = None
        self.timer.bind(review)
        _live.add(self)

    # --- what the views read --------------------------------------------------------------

    @property
    def app_state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.review.extensions.setdefault(settings.APP, {})
        return state

    @property
    def modes(self) -> dict[str, bool]:
        saved = self.app_state.get(settings.MODES)
        return {name: bool(saved.get(name)) for name in settings.MODE_NAMES} if isinstance(saved, dict) else {}

    @property
    def saved_position(self) -> tuple[str, str] | None:
        saved = self.app_state.get(settings.POSITION)
        if isinstance(saved, dict) and isinstance(saved.get("lens"), str) and isinstance(saved.get("question"), str):
            return saved["lens"], saved["question"]
        return None

    @property
    def named(self) -> bool:
        """The file is one the app named in its folder (``<slug>-<id>.json``), so it follows the workload's name."""
        return self.path is None or self.storage.id_of(self.path) == self.review_id

    def ownership(self) -> Ownership:
        unsaved = 1 if self.autosaver.dirty and self.role is Role.READER else 0
        return Ownership(self.role, self._reason, unsaved, self.saved_at)

    def offer(self) -> Offer | None:
        """What a new visit offers: the review whose answers changed last (never a stale copy), with its other copies."""
        saved = [s for s in self.storage.saved() if s.readable and s.path != self.path]
        if not saved:
            return None
        first = saved[0]
        copies = [c for c in self.storage.copies_of(first, saved) if c.path != first.path]
        return Offer(first, [(c, differences(first.path, c.path)) for c in copies])

    # --- changing the review ------------------------------------------------------------

    def change_answer(
        self, alias: str, question_id: str, mutate: Callable[[Review, str, str], object], label: str, key: str = ""
    ) -> None:
        """Apply ``mutate(review, alias, question_id)`` (a Review setter); kept for undo, then saved.

        Raises :class:`ReadOnlyError` in a window that does not write, and whatever the setter
        raises (the review is then as it was).
        """
        self._require_writer()
        self._apply(Part.answer(alias, question_id), lambda: mutate(self.review, alias, question_id), label, key)
        self._answered(alias, question_id)
        self.changed()

    def edit(self, part: Part, mutate: Callable[[Review], None], label: str, key: str = "") -> None:
        """Change another part of the review (workload, parking lot, milestones, timeboxes, lenses); kept for undo."""
        self._require_writer()
        self._apply(part, lambda: mutate(self.review), label, key)
        self.changed()

    def _apply(self, part: Part, mutate: Callable[[], object], label: str, key: str) -> None:
        before = len(self.undo)
        entry = self.undo.record(self.review, part, label, self.clock.monotonic(), key)
        try:
            mutate()
        except BaseException:
            if len(self.undo) > before:
                self.undo.discard(entry)
            raise
        self._show_undo()

    def park(self, text: str, owner: str) -> ParkedItem:
        alias, question_id = self.position
        found: list[ParkedItem] = []
        self.edit(
            Part("parking_lot"),
            lambda review: found.append(review.park(text, owner, alias or None, question_id or None)),
            f"parking “{text}”",
        )
        return found[0]

    def set_parked_done(self, index: int, done: bool) -> None:
        self.edit(
            Part("parking_lot"),
            lambda review: review.set_parked_done(index, done),
            f"marking “{self.review.parking_lot[index].text}” {'done' if done else 'open'}",
        )

    def edit_register(self, mutate: Callable[[Review], T], label: str, key: str = "") -> T:
        """Change the risk register with ``mutate(review)`` (a call to :mod:`kit.core.register`); kept for undo, then saved.

        Returns what ``mutate`` returns (the entry added or changed). A change the register refuses
        raises its :class:`~kit.core.errors.RegisterError` and leaves the review, and Undo, as they were.
        """
        found: list[T] = []
        self.edit(RISK_REGISTER, lambda review: found.append(mutate(review)), label, key)
        return found[0]

    def park_risk_question(self, entry_id: str, text: str) -> ParkedItem:
        """Put an open question about a register entry in the parking lot, linked to the entry (undone like any parked topic)."""
        found: list[ParkedItem] = []
        self.edit(
            Part("parking_lot"),
            lambda review: found.append(register.park_question(review, entry_id, text)),
            f"parking “{text}” from risk {entry_id}",
        )
        return found[0]

    def save_milestone(self, name: str) -> Milestone:
        found: list[Milestone] = []
        self.edit(Part("milestones"), lambda review: found.append(review.save_milestone(name)), f"milestone “{name}”")
        return found[0]

    def set_workload(self, change: Callable[[Workload], None], label: str, key: str) -> None:
        self.edit(Part("workload"), lambda review: change(review.workload), label, key)

    def set_priorities(self, priorities: list[str]) -> None:
        self.edit(
            Part("workload"), lambda review: setattr(review, "pillar_priorities", priorities), "pillar priorities"
        )

    def set_timebox(self, key: str, minutes: int) -> None:
        self.edit(
            Part("timeboxes"),
            lambda review: self.timer.timeboxes.__setitem__(key, minutes),
            "a timebox",
            key=f"box:{key}",
        )

    def change_lenses(self, mutate: Callable[[Review], None], label: str) -> None:
        """Apply or remove a lens (the review's setters refuse to drop answers); every part is shown again."""
        self.edit(Part("lenses"), mutate, label)
        self.timer.bind(self.review)
        self.view.shown("lenses")

    def set_position(self, alias: str, question_id: str, pillar_id: str) -> None:
        """The question on screen: time goes to its pillar, and the file remembers it (once there is a file)."""
        self.position = (alias, question_id)
        if self.timer.enter(alias, pillar_id):
            self.view.timer()
        self.app_state[settings.POSITION] = {"lens": alias, "question": question_id}
        if self.path is not None and self.role is Role.WRITER:
            self.changed()  # never create a file just by looking around

    def set_modes(self, **modes: bool) -> None:
        current = self.modes or dict.fromkeys(settings.MODE_NAMES, False)
        current.update({k: bool(v) for k, v in modes.items() if k in settings.MODE_NAMES})
        self.app_state[settings.MODES] = current
        if self.path is not None and self.role is Role.WRITER:
            self.changed()

    def start_timer(self) -> None:
        self._require_writer()
        if self.timer.start():
            self.changed()
        self.view.timer()

    def pause_timer(self) -> None:
        self._require_writer()
        if self.timer.pause():
            self.changed()
        self.view.timer()

    def undo_last(self) -> Entry | None:
        """Undo the last change (saved like any change); None when there is nothing to undo."""
        self._require_writer()
        entry = self.undo.pop()
        if entry is None:
            self.view.notice("info", "There is nothing to undo.")
            return None
        restore(self.review, entry.part, entry.snapshot)
        if entry.part.kind == "answer":
            self._answered(entry.part.alias, entry.part.question)
        elif entry.part.kind in ("lenses", "timeboxes"):
            self.timer.bind(self.review)
        self.changed()
        self._show_undo()
        if entry.part.kind == "lenses":
            self.view.shown("undo")
        else:
            self.view.part_changed(entry.part)
        self.view.notice("info", f"Undone: {entry.label}.")
        return entry

    def changed(self) -> None:
        """Something in the review changed: save within the autosave delay."""
        if not self.autosaver.pending and self.role is Role.WRITER:
            self.view.status(SaveStatus("pending"))
        self._cancel(self._download)
        self._download = None
        self.autosaver.changed()

    def _require_writer(self) -> None:
        if self.role is Role.READER and self._reason == "waiting":
            raise ReadOnlyError.at(
                self._source(), "", "the page this review was open in is still letting go of it; try again in a moment"
            )
        if self.role is Role.READER:
            raise ReadOnlyError.at(
                self._source(), "", "another window is saving this review, so this one is read-only: take over to edit"
            )
        if self.role in (Role.DETACHED, Role.CLOSED):
            raise ReadOnlyError.at(self._source(), "", "this page was closed; reload it to carry on")

    def _answered(self, alias: str, question_id: str) -> None:
        times = self.app_state.setdefault(settings.ANSWERED_AT, {})
        if not isinstance(times, dict):
            times = self.app_state[settings.ANSWERED_AT] = {}
        times.setdefault(alias, {})[question_id] = settings.stamp(self.clock.now())

    def _show_undo(self) -> None:
        last = self.undo.last
        self.view.undo_changed(last.label if last else None, len(self.undo))

    def _source(self) -> str:
        return str(self.path) if self.path else "review"

    # --- showing another review ---------------------------------------------------------------

    def read(self, path: Path) -> Review:
        """A review file, checked whole (schema and the app's settings); a one-line error otherwise."""
        review = Review.load(path)
        settings.check(review.extensions, str(path))
        return review

    def open_file(self, path: str | Path, reason: str = "opened") -> None:
        """Show the review in ``path`` (any file: ``pillarkit serve FILE``); saves go back to it."""
        path = Path(path).resolve()
        self.open_review(self.read(path), path, reason)

    def open_review(self, review: Review, path: Path | None = None, reason: str = "opened") -> None:
        """Show ``review`` (read from ``path``, to save back to it; None for a review with no file yet)."""
        path = Path(path).resolve() if path is not None else None
        settings.check(review.extensions, str(path or review.source))
        review_id = (self.storage.id_of(path) if path is not None else None) or new_id()
        self._switch(review, path, review_id, reason)

    def resume(self, path: str | Path) -> bool:
        """Continue a review saved in the folder; False (with a message) when it cannot be opened."""
        path = Path(path).resolve()
        if path.parent != self.storage.folder:
            raise ReviewError.at(
                str(path), "", f"only reviews in {self.storage.folder} can be resumed here; upload other files"
            )
        if path == self.path:
            self.view.notice("info", "That review is the one on screen.")
            return False
        try:
            self.open_file(path, "resumed")
        except PillarkitError as exc:
            self._problem(exc, "This review cannot be opened: ")
            return False
        return True

    def open_id(self, review_id: str) -> bool:
        """Show the review a page address names (``?review=<id>``); False (with a message) if there is none."""
        if not is_id(review_id):
            self.view.notice("warning", "The page address names no review this app made; this is a new review.")
            self.view.address(None)
            return False
        if review_id == self.review_id and self.path is not None:
            return True
        found = self.storage.with_id(review_id)
        if not found:
            self.view.notice(
                "warning", f"There is no review {review_id} in {self.storage.folder}; this is a new review."
            )
            self.view.address(None)
            return False
        latest = max(found, key=lambda p: self.storage.look(p).last_change)
        try:
            self.open_file(latest, "reopened")
        except PillarkitError as exc:
            self._problem(exc, "The review in the page address cannot be opened: ")
            self.view.address(None)
            return False
        return True

    def open_upload(self, upload: Upload) -> bool:
        """Continue an uploaded review, saved at once into the folder under a new name; False (with a message) if refused."""
        try:
            review = Review.from_dict(upload.json(ReviewError), source=upload.name)
            settings.check(review.extensions, upload.name)
        except PillarkitError as exc:
            self._problem(exc, f"{upload.name} cannot be opened: ")
            return False
        review_id = new_id()
        target = self.storage.path_for(review.workload.name, review_id)
        # Saved before it is shown: if the folder refuses the file, the screen keeps the review it had.
        self._stamp_state(review, base_revision=0)
        text = review.to_json()
        written = write_now(Job(target, text))
        if written.error is not None:
            self.view.notice(
                "error",
                f"{upload.name} was not opened: it could not be saved into {self.storage.folder} "
                f"({written.error.strerror or written.error}).",
            )
            return False
        try:
            self._switch(review, target, review_id, "uploaded")
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return True

    def new_review(self, lenses: Iterable[Any]) -> Path | None:
        """Save the review on screen and start an empty one on the same lenses; the previous file, if any."""
        previous = self.path
        blank = Review(list(lenses), Workload(review_date=self.clock.now().date().isoformat()))
        self._switch(blank, None, new_id(), "new")
        return previous

    def _switch(self, review: Review, path: Path | None, review_id: str, reason: str) -> None:
        """Replace the review on screen, all or nothing (see the module's docstring)."""
        if self.role is Role.WRITER and self.autosaver.dirty and not self._save_now():
            raise ReviewError.at(
                self._source(), "", "the review on screen could not be saved, so it stays on screen (nothing is lost)"
            )
        previous = self._state()
        lease = self._lease_for(path, review_id) if path is not None else None
        holder: Holder | None = None
        if lease is not None and self.role is not Role.WAITING:
            holder = lease.acquire()
        self._stop_ownership()
        self.review = review
        self.path = path
        self.review_id = review_id
        self.lease = lease
        self._base = review.to_dict() if path else None
        self._stamp = disk_stamp(path)
        self.saved_at = self._file_time(review, path)
        self._text = None
        self.autosaver.forget()
        self.undo.clear()
        self.timer.bind(review)
        self._asked_at = None
        self._opened_at = self.clock.monotonic()
        if self.role is not Role.WAITING:
            self.role = Role.READER if holder is not None else Role.WRITER
            self._reason = "waiting" if holder is not None else ""
        try:
            self.view.shown(reason)
        except BaseException:
            if lease is not None and holder is None and self.role is Role.WRITER:
                lease.release()
            self._restore(previous)
            self.view.shown("restored")
            raise
        if previous.lease is not None and previous.path != path:
            previous.lease.release()
        self._after_switch()

    def _after_switch(self) -> None:
        self._show_undo()
        self._show_status()
        self.view.address(self.review_id if self.path is not None and self.named else None)
        self.view.ownership(self.ownership())
        if self.role is Role.WRITER:
            self._start_heartbeat()
        elif self.role is Role.READER:
            self._start_following()
            self.timer.pause(remember=False)  # the writing window keeps the time
        if self.path is not None:
            self._schedule_download(0)
        else:
            self.view.download(None, "")

    def _lease_for(self, path: Path, review_id: str) -> Lease:
        named = self.storage.id_of(path) == review_id
        return Lease(lease_path(path, review_id if named else None), self.id, self.clock)

    def _state(self) -> _State:
        return _State(
            self.review, self.path, self.review_id, self.lease, self._base, self._stamp, self.saved_at, self._text
        )

    def _restore(self, state: _State) -> None:
        self.review, self.path, self.review_id, self.lease = state.review, state.path, state.review_id, state.lease
        self._base, self._stamp, self.saved_at, self._text = state.base, state.stamp, state.saved_at, state.text
        self.timer.bind(self.review)

    def _file_time(self, review: Review, path: Path | None) -> dt.datetime | None:
        if path is None:
            return None
        app = review.extensions.get(settings.APP)
        saved = settings.parse_stamp(app.get(settings.SAVED_AT) if isinstance(app, dict) else None)
        if saved is not None:
            return saved.astimezone()
        stamp = disk_stamp(path)
        return dt.datetime.fromtimestamp(stamp[0] / 1e9).astimezone() if stamp else None

    # --- the page -----------------------------------------------------------------------------

    def attach(self, review_id: str | None = None) -> None:
        """The page has opened (a preheated kernel handed to it): show what its address names, and start writing."""
        if self.role is not Role.WAITING:
            if review_id:
                self.open_id(review_id)
            return
        self.role = Role.WRITER
        if review_id and self.open_id(review_id):
            return
        if self.path is not None:
            # Opened ahead of the page: read it again (another window may have saved since), then take the lease.
            try:
                self.open_file(self.path, "reopened")
            except PillarkitError as exc:
                self._problem(exc, "The review file cannot be opened: ")
            return
        self.view.ownership(self.ownership())

    def page_gone(self) -> None:
        """The page is gone: save what it sent, let go of the review, pause the timer, write nothing more."""
        if self.role in (Role.DETACHED, Role.CLOSED):
            return
        self._was_running = self.timer.running
        self.timer.pause(remember=False)
        try:
            if self.role is Role.WRITER:
                self._save_now()
        finally:
            self._stop_ownership()
            if self.lease is not None:
                self.lease.release()
            self.role = Role.DETACHED
            self._reason = "page-gone"
        self.view.ownership(self.ownership())

    def page_back(self) -> None:
        """The page reconnected before its kernel was shut down: take the review up again if nobody else has."""
        if self.role is not Role.DETACHED:
            return
        self.role = Role.WRITER
        self._reason = ""
        if self.path is not None and self.lease is not None:
            if self.lease.acquire() is not None:
                self._become_reader("other-window")
                return
            self._sync_with_disk(unsaved=self.autosaver.dirty)
        if self._was_running:
            self.timer.resume()
            self.view.timer()
        self._start_heartbeat()
        self.view.ownership(self.ownership())
        self.autosaver.schedule()

    def close(self) -> None:
        """Save what is due (at once, on this thread), let go of the review, stop every timer."""
        if self.role is Role.CLOSED:
            return
        self.timer.pause(remember=False)
        try:
            if self.role is Role.WRITER:
                self._save_now()
        finally:
            self._stop_ownership()
            self.autosaver.cancel()
            if self.lease is not None:
                self.lease.release()
            self.timer.close()
            self.role = Role.CLOSED
            _live.discard(self)

    # --- ownership ----------------------------------------------------------------------------

    def take_over(self) -> None:
        """Make this window the one that writes: ask the writing window to hand over (it saves first)."""
        if self.role is not Role.READER or self.lease is None:
            return
        if self.lease.ask():
            self._become_writer()
            return
        self._asked_at = self.clock.monotonic()
        self._reason = "asking"
        self.view.ownership(self.ownership())
        self._start_following(soon=True)

    def _start_heartbeat(self) -> None:
        self._cancel(self._heartbeat)
        self._heartbeat = self.scheduler.call_later(HEARTBEAT_SECONDS, self._guard(self._beat, "keeping the review"))

    def _beat(self) -> None:
        """The writer's heartbeat: refresh the lease; hand over if asked; step down if overruled."""
        self._heartbeat = None
        if self.role is not Role.WRITER:
            return
        if self.lease is None or self.path is None:
            self._start_heartbeat()
            return
        holder = self.lease.refresh()
        if holder is None:
            self._become_reader("taken-over")
            return
        if holder.asked_by and self._save_now():
            self.lease.hand_over()
            self._become_reader("handed-over")
            return
        self._start_heartbeat()

    def _start_following(self, soon: bool = False) -> None:
        self._cancel(self._follow)
        delay = FOLLOW_SECONDS / 4 if soon else FOLLOW_SECONDS
        self._follow = self.scheduler.call_later(delay, self._guard(self._look, "following the other window"))

    def _look(self) -> None:
        """A reader's look at the lease and the file: take the review up if it is free, else show its latest save."""
        self._follow = None
        if self.role is not Role.READER or self.lease is None:
            return
        holder = self.lease.holder()
        asking = self._asked_at is not None
        if holder is None or holder.session == self.id:
            if holder is not None or self.lease.acquire() is None:
                self._become_writer()
                return
        elif asking and self.clock.monotonic() - (self._asked_at or 0.0) >= HANDOVER_SECONDS:
            self.lease.force()
            self._become_writer()
            return
        if self._reason == "waiting" and self.clock.monotonic() - self._opened_at > QUIET_SECONDS:
            self._reason = "other-window"  # not a reload letting go: another window really holds it
            self._show_status()
            self.view.ownership(self.ownership())
        self._follow_file()
        self._start_following(soon=asking)

    def _follow_file(self) -> None:
        current = self._locate()
        if current is None:
            return
        stamp = disk_stamp(current)
        if current == self.path and stamp == self._stamp:
            return
        try:
            theirs = self.read(current)
        except PillarkitError:
            return  # caught mid-change by a writer of another kind; look again next time
        if self.autosaver.dirty:
            self._adopt(merge(self._base, theirs.to_dict(), self.review.to_dict()), current, stamp, theirs, quiet=True)
        else:
            self._take(theirs, current, stamp)
        self.saved_at = self._file_time(theirs, current)
        self._show_status()

    def _become_writer(self) -> None:
        quiet = self._reason == "waiting"
        was = self._reason
        self._cancel(self._follow)
        self._follow = None
        self._asked_at = None
        self.role = Role.WRITER
        self._reason = ""
        self._sync_with_disk(unsaved=self.autosaver.dirty)
        self.timer.resume()
        self.view.timer()
        self._start_heartbeat()
        self._show_status()
        self.view.ownership(self.ownership())
        if not quiet:
            text = (
                "This window now saves the review."
                if was not in ("other-window", "waiting")
                else "The other window has closed: this window now saves the review."
            )
            self.view.notice("success", text)
        self.autosaver.schedule()

    def _become_reader(self, reason: str) -> None:
        self._cancel(self._heartbeat)
        self._heartbeat = None
        self.autosaver.cancel()
        self.timer.pause(remember=False)
        self.view.timer()
        self.role = Role.READER
        self._reason = reason
        self._show_status()
        self.view.ownership(self.ownership())
        if reason == "taken-over":
            unsaved = " Its last change was not saved: take over again to save it." if self.autosaver.dirty else ""
            self.view.notice("warning", f"Another window took over this review; this window is read-only.{unsaved}")
        elif reason == "handed-over":
            self.view.notice(
                "info", "Another window took over this review, after this one saved it; this window is read-only."
            )
        self._start_following()

    def _stop_ownership(self) -> None:
        for handle in (self._heartbeat, self._follow, self._download):
            self._cancel(handle)
        self._heartbeat = self._follow = self._download = None

    @staticmethod
    def _cancel(handle: Handle | None) -> None:
        if handle is not None:
            handle.cancel()

    # --- saving -------------------------------------------------------------------------------

    def flush(self) -> bool:
        """Save now if anything is due; True if a save was started."""
        return self.autosaver.flush()

    def _save(self) -> bool:
        """The autosaver's save: False leaves the changes due (not the writer, a write under way)."""
        if self.role is not Role.WRITER or self._writing:
            return False
        job = self._prepare()
        if job is None:
            return False
        self._writing = True
        self._latest_job = job
        self.writer.submit(job, self._deliver)
        return True

    def _deliver(self, written: Written) -> None:
        self._guard(lambda: self._written(written), "saving the review")()

    def _save_now(self) -> bool:
        """Save what is due at once, on this thread (before a switch, when the page goes, as the kernel exits)."""
        self.autosaver.cancel()
        self.writer.drain()
        if not self.autosaver.dirty:
            return True
        if self.role is not Role.WRITER:
            return False
        job = self._prepare()
        if job is None:
            return False
        self.autosaver.dirty = False
        self._latest_job = job
        written = write_now(job)
        self._written(written, report=False)
        if written.error is not None:
            self.autosaver.dirty = True
            return False
        return True

    def _prepare(self) -> Job | None:
        """Check the lease and the file, merge another writer's changes, and serialise: the job to write."""
        target = self._target()
        if self.lease is None:
            review_id = self.review_id if self.storage.id_of(target) == self.review_id else None
            self.lease = Lease(lease_path(target, review_id), self.id, self.clock)
            holder = self.lease.acquire()
            if holder is not None:
                self._become_reader("other-window")
                return None
            self._start_heartbeat()
        elif not self.lease.held():
            if self.lease.holder() is None and self.lease.acquire() is None:
                pass  # our lease lapsed (a long pause) and nobody took it: carry on
            else:
                self._become_reader("taken-over")
                return None
        self._sync_with_disk()
        target = self._target()
        self._stamp_state(self.review, settings.revision(self._base or {}))
        try:
            data = self.review.to_dict()  # refused if the file could not be opened again
            text = dumps(data, str(target))  # and so is a value no JSON reader takes (WriteError)
        except PillarkitError as exc:
            self.view.status(SaveStatus("failed", why="the review could not be opened again"))
            raise ReviewError(exc.diagnostics) from None
        replaces = self.path if self.path is not None and self.path != target and self.named else None
        return Job(target, text, replaces)

    def _stamp_state(self, review: Review, base_revision: int) -> None:
        """What each save writes about itself: which review, which revision, by whom, when."""
        app: dict[str, Any] = review.extensions.setdefault(settings.APP, {})
        app.setdefault(settings.LINEAGE, secrets.token_hex(16))
        current = app.get(settings.REVISION)
        app[settings.REVISION] = max(base_revision, current if isinstance(current, int) else 0) + 1
        app[settings.SAVED_BY] = self.id
        app[settings.SAVED_AT] = settings.stamp(self.clock.now())

    def _written(self, written: Written, report: bool = True) -> None:
        """A write has finished (on the kernel's loop): note the file's new state, or say it failed."""
        if written.job is not self._latest_job:
            return  # overtaken by a later save, written since
        self._writing = False
        if written.error is not None:
            self.autosaver.dirty = True
            why = written.error.strerror or str(written.error)
            self.view.status(SaveStatus("failed", why=why))
            if report:
                self.view.failed(written.error, "saving the review")
            return
        job = written.job
        moved = job.path != self.path
        self.path = job.path
        self._stamp = written.stamp
        self._base = _loads(job.text)
        self._text = job.text
        self.saved_at = self.clock.now()
        if self.role is not Role.CLOSED:
            self._show_status()
        if moved:
            self.view.address(self.review_id if self.named else None)
        if self.autosaver.dirty:
            self.autosaver.schedule()
        else:
            self._schedule_download(DOWNLOAD_SETTLE_SECONDS)

    def _target(self) -> Path:
        """The file to save to: named after the workload, unless it is a file the app did not name."""
        if self.path is not None and not self.named:
            return self.path
        return self.storage.path_for(self.review.workload.name, self.review_id)

    def _locate(self) -> Path | None:
        """The review's file as it is now: where this session last saw it, or wherever another writer renamed it."""
        if self.path is not None and self.path.exists():
            return self.path
        if self.path is not None and self.named:
            found = self.storage.with_id(self.review_id)
            if found:
                return found[0]
        return None

    def _sync_with_disk(self, unsaved: bool = True) -> None:
        """If another writer changed the file since this session last read or wrote it, merge its changes in.

        ``unsaved``: this session has changes the file lacks (it is about to save them); without
        any, the file's version is simply shown.
        """
        if self.path is None:
            return
        current = self._locate()
        if current is None:
            if self._stamp is not None:
                self.view.notice(
                    "warning", f"{self.path.name} was removed outside the app; it is written again with every answer."
                )
                self._stamp = None
            return
        stamp = disk_stamp(current)
        if current == self.path and stamp == self._stamp:
            return
        try:
            text = current.read_text(encoding="utf-8-sig")
        except OSError:
            text = None
        own = [t for t in (self._text, self._latest_job.text if self._latest_job else None) if t is not None]
        if text is not None and text in own:
            # This session's own save (reported back later than it landed, or touched): nothing to merge.
            self._stamp, self.path, self._base = stamp, current, _loads(text)
            return
        try:
            theirs = self.read(current)
        except PillarkitError as exc:
            kept = current.with_name(f"{current.stem}.unreadable-{self.clock.now():%Y%m%d-%H%M%S}.json")
            with contextlib.suppress(OSError):
                current.replace(kept)
            self.view.notice(
                "warning",
                f"{current.name} was changed outside the app and cannot be read; it is kept as {kept.name}, "
                "and this window's review is saved in its place.",
                [str(exc)],
            )
            self._stamp = None
            return
        if not unsaved:
            self._take(theirs, current, stamp)  # nothing of this window's to keep: show the latest as it is
            return
        merged = merge(self._base, theirs.to_dict(), self.review.to_dict())
        self._adopt(merged, current, stamp, theirs)

    def _adopt(self, merged: Merged, current: Path, stamp: Stamp | None, theirs: Review, quiet: bool = False) -> None:
        """Show the merged review; what the file held becomes the base of the next merge."""
        review = Review.from_dict(merged.data, source=str(current))
        for part in merged.taken + merged.replaced:
            alias, _, question = part.partition("/")
            if question and " " not in question:
                self.undo.forget(Part.answer(alias, question))
            elif part.startswith("risk "):
                self.undo.forget(RISK_REGISTER)  # undoing would put back a register without the other window's change
        self.review = review
        self.path = current
        self._base = theirs.to_dict()
        self._stamp = stamp
        running = self.timer.running
        self.timer.bind(review)
        if running:
            self.timer.resume()
        self.view.shown("merged")
        if quiet or not (merged.taken or merged.conflicts):
            return
        when = self._file_time(theirs, current)
        at = f" at {when:%H:%M:%S}" if when else ""
        details = []
        if merged.taken:
            details.append("taken from the other window: " + ", ".join(self._names(merged.taken)))
        if merged.kept:
            details.append("this window's later answer kept: " + ", ".join(self._names(merged.kept)))
        if merged.replaced:
            details.append("the other window's later answer taken: " + ", ".join(self._names(merged.replaced)))
        self.view.notice(
            "warning", f"Another window saved this review{at}; its changes and this window's are merged:", details
        )

    def _take(self, theirs: Review, current: Path, stamp: Stamp | None) -> None:
        """Show the file's latest version as it is (a reader following the writer, or a writer with nothing unsaved)."""
        self.review = theirs
        self.path = current
        self._base = theirs.to_dict()
        self._stamp = stamp
        self.timer.bind(theirs)
        if self.role is not Role.WRITER:
            self.timer.pause(remember=False)
        self.undo.clear()  # the changes it remembers were made to another version
        self._show_undo()
        self.view.shown("followed")

    def _names(self, parts: list[str]) -> list[str]:
        """``"<alias>/<question id>"`` as the question's code (OPS01) where the lens has one."""
        names = []
        for part in parts:
            alias, _, qid = part.partition("/")
            lens = self.review.lenses.get(alias)
            if lens is not None and qid and lens.has_question(qid.split(" ")[0]):
                question = lens.question(qid.split(" ")[0])
                names.append((question.code or question.title) + qid[len(qid.split(" ")[0]) :])
            else:
                names.append(part)
        return names

    def _show_status(self) -> None:
        if self.role is Role.READER and self._reason == "waiting" and self.saved_at is not None:
            self.view.status(SaveStatus("saved", self.saved_at))
        elif self.role is Role.READER:
            self.view.status(SaveStatus("read-only", self.saved_at))
        elif self.autosaver.dirty:
            self.view.status(SaveStatus("pending"))
        elif self.saved_at is not None:
            self.view.status(SaveStatus("saved", self.saved_at))
        else:
            self.view.status(SaveStatus("none"))

    def _schedule_download(self, delay: float) -> None:
        self._cancel(self._download)
        self._download = None
        show = self._guard(self._refresh_download, "preparing the download link")
        handle = self.scheduler.call_later(delay, show)
        if handle is None:
            show()
        else:
            self._download = handle

    def _refresh_download(self) -> None:
        self._download = None
        if self.path is None:
            self.view.download(None, "")
            return
        text = self._text  # what this session last wrote
        if text is None:
            try:
                text = self.path.read_text(encoding="utf-8")
            except OSError:
                text = self.review.to_json()
        self.view.download(text, self.path.name)

    def _problem(self, error: PillarkitError, prefix: str) -> None:
        lines = error.lines() or [str(error)]
        self.view.notice("error", f"{prefix}{lines[0]}", lines[1:])


def _loads(text: str) -> dict[str, Any]:
    import json

    data = json.loads(text)
    return data if isinstance(data, dict) else {}
