"""``ReviewApp``: puts the parts together and is the only place that swaps or saves the review.

The parts (question view, navigator, risk panel, agenda, parking lot, workload and file
panels) build widgets and turn widget events into calls on the app. The app changes the
review only through ``Review``'s setters (inside :meth:`ReviewApp.change`), rescoring it
with ``kit.core.scoring`` and redrawing the chart after every change, and saves it with
``Review.save`` through the debounced :class:`~kit.app.storage.Autosaver`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

import ipywidgets as w

from kit.app.agenda import Agenda
from kit.app.events import Events
from kit.app.files_panel import FilesPanel, ResumeBanner
from kit.app.icons import decorative_icons
from kit.app.keyboard import Keyboard
from kit.app.messages import Messages
from kit.app.navigator import Navigator
from kit.app.overview import Overview
from kit.app.page import when_page_opens
from kit.app.parking_lot import ParkingLot
from kit.app.question_view import QuestionView
from kit.app.risk_panel import RiskPanel
from kit.app.storage import Autosaver, Storage, Upload, download_link, new_id
from kit.app.style import style_widget
from kit.app.tab_title import TabTitle
from kit.app.timing import Clock, LoopScheduler, Scheduler
from kit.app.toolbar import Toolbar
from kit.app.ui import classed
from kit.app.workload_panel import WorkloadPanel
from kit.core import options, scoring
from kit.core.dates import readable_moment
from kit.core.errors import PillarkitError, ReviewError
from kit.core.lens import load as load_lens
from kit.core.review import Review, Workload

DEFAULT_LENSES = (options.DEFAULT_LENS.default,)
#: Where the app keeps its own state inside ``review.extensions`` (the agenda has its own key).
APP_KEY = "app"

#: Seconds after a change before the charts one tick away are drawn (a pause, not a deadline).
LOOK_AHEAD_DELAY = 0.05

SIDE_PAGES = ("Agenda", "Parking lot", "Workload", "Review file", "Questions")
AGENDA, PARKING, WORKLOAD, FILES, QUESTIONS = range(len(SIDE_PAGES))
#: The order of the side pages' buttons (their indices stay fixed, so code and tests name them alike).
SIDE_ORDER = (QUESTIONS, AGENDA, PARKING, WORKLOAD, FILES)
#: The chart by mode (width in inches, dots per inch, font size in points): in presenter mode it is
#: narrower in inches and sharper, so that its labels grow with the room's type when it is shown larger.
CHART_SIZE = {False: (5.0, 96, 9.0), True: (4.0, 144, 10.5)}


class ReviewApp:
    """The facilitation app. Display it as the last expression of a cell: ``ReviewApp()``.

    Parameters
    ----------
    review:
        A review to continue; by default a new one on ``lenses``.
    lenses:
        Aliases or paths of the lenses for a new review (default: the Framework lens).
    folder:
        Where reviews are autosaved and the log is written; default ``reviews/`` in the
        current directory, which for a notebook is the folder it sits in.
    path:
        The file ``review`` was read from, to keep saving to it. With neither ``review`` nor
        ``path``, the file named by the environment variable ``PILLARKIT_REVIEW`` is opened
        (``pillarkit serve FILE`` sets it); with only ``path``, that file is opened.
    presenter, compact, hide_choices:
        Display modes to start in (they can be switched in the app).
    scheduler, clock:
        Injected time, for tests (see :mod:`kit.app.timing`).
    autosave_delay:
        Seconds the file may lag behind the screen (the debounce); one at most.
    raise_errors:
        Re-raise callback errors after showing and logging them (tests, debugging).
    """

    def __init__(
        self,
        review: Review | None = None,
        *,
        lenses: Iterable[str] = DEFAULT_LENSES,
        folder: str | Path | None = None,
        path: str | Path | None = None,
        presenter: bool = False,
        compact: bool = False,
        hide_choices: bool = False,
        scheduler: Scheduler | None = None,
        clock: Clock | None = None,
        autosave_delay: float = options.AUTOSAVE_SECONDS.default,
        raise_errors: bool = False,
    ):
        self._startup_problem: PillarkitError | None = None
        self.clock = clock or Clock()
        self.scheduler = scheduler or LoopScheduler()
        self.storage = Storage(options.folder() if folder is None else folder)
        self.messages = Messages(self.storage.folder, self.clock)
        self.events = Events(self.messages, raise_errors=raise_errors)
        self.default_lenses = tuple(lenses)
        if review is None and path is None and options.REVIEW.value():
            path = options.REVIEW.value()
        if review is None and path is not None:
            review = self._read_or_report(Path(path))
            path = path if review is not None else None
        resumed = review is not None
        self.review: Review = review if review is not None else self._blank_review()
        self.path: Path | None = Path(path).resolve() if path is not None else None
        self.review_id = (self.storage.id_of(self.path) if self.path else None) or new_id()
        #: The file as this window last read or wrote it; another writer changes it (see _save).
        self._stamp = disk_stamp(self.path)
        self.autosaver = Autosaver(
            self._save, self.scheduler, autosave_delay, wrap=lambda f: self.events.run(f, "saving the review")
        )
        self.position: tuple[str, str] = ("", "")
        self.sequence: list[tuple[str, str]] = []
        self._index: dict[tuple[str, str], int] = {}
        self.score: scoring.ReviewScore | None = None
        self._look_ahead = None

        # The parts.
        self.toolbar = Toolbar(self, presenter=presenter, compact=compact, hide_choices=hide_choices)
        self.navigator = Navigator(self)
        self.question_view = QuestionView(self)
        self.risk_panel = RiskPanel()
        self.agenda = Agenda(self, self.clock, self.scheduler)
        self.parking_lot = ParkingLot(self)
        self.banner = ResumeBanner(self)
        self.overview = Overview(self.events, lambda index: self.go_to(*self.sequence[index]))
        self.keyboard = Keyboard(self.events, self._key_actions())
        self.tab_title = TabTitle()
        self.toolbar.add_keys(self.keyboard.widget)
        self._workload_panel: WorkloadPanel | None = None
        self._files_panel: FilesPanel | None = None
        self.events.click(self.messages.dismiss, self.messages.clear, "dismissing a message")

        # The layout: one question page in the main Stack; side pages in another Stack,
        # the workload and file pages built the first time they are picked.
        page = classed(
            w.VBox(
                [
                    self.banner.widget,
                    self.agenda.hint,
                    self.navigator.widget,
                    self.question_view.widget,
                    self.parking_lot.capture,
                ]
            ),
            "pk-question-page",
        )
        self.main = classed(w.Stack([page], selected_index=0), "pk-main")
        self.side_picker = classed(
            w.ToggleButtons(
                options=[(SIDE_PAGES[i], i) for i in SIDE_ORDER],
                value=AGENDA,
                description="Side page",
                style={"button_width": "auto"},
            ),
            "pk-side-picker",
            "pk-sr-label",
        )
        placeholders = [classed(w.VBox([]), "pk-side-page") for _ in SIDE_PAGES]
        placeholders[AGENDA].children = [self.agenda.widget]
        placeholders[PARKING].children = [self.parking_lot.widget]
        placeholders[QUESTIONS].children = [self.overview.widget]
        self.side_stack = classed(w.Stack(placeholders, selected_index=AGENDA), "pk-side-stack")
        self.events.observe(self.side_picker, self._on_side_page, "opening a side page")
        side = classed(w.VBox([self.risk_panel.widget, self.side_picker, self.side_stack]), "pk-side")
        body = classed(w.HBox([self.main, side]), "pk-body")
        self.widget = classed(
            w.VBox(
                [
                    style_widget(),
                    self.tab_title.widget,
                    decorative_icons(),
                    self.toolbar.widget,
                    self.messages.widget,
                    body,
                ]
            ),
            "pk-app",
        )
        self.toolbar.apply_modes()

        self._populate()
        if resumed:
            self._announce("")
        else:
            self.banner.offer(self.storage.most_recent())
        if self._startup_problem is not None:
            self.messages.problem(
                self._startup_problem, "The review file could not be opened, so this is a new review: "
            )
        when_page_opens(self.events.run(self.page_opened, "opening the page"))
        # The chart's first draw (and matplotlib's import) waits until the question is on screen.
        first_draw = self.events.run(self._first_draw, "drawing the risk chart")
        if self.scheduler.call_later(0, first_draw) is None:
            first_draw()

    def _first_draw(self) -> None:
        self.risk_panel.draw()
        self._draw_ahead()

    @classmethod
    def open(cls, path: str | Path, **kwargs) -> ReviewApp:
        """An app on a saved review file, saving back to it (a file that cannot be read raises)."""
        return cls(Review.load(path), path=path, **kwargs)

    def _read_or_report(self, path: Path) -> Review | None:
        """The review in ``path``, or None after saying in the app why it cannot be opened."""
        try:
            return Review.load(path)
        except PillarkitError as exc:
            self._startup_problem = exc
            return None

    # --- display --------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # --- the parts built on demand ------------------------------------------------------

    @property
    def workload_panel(self) -> WorkloadPanel:
        if self._workload_panel is None:
            self._workload_panel = WorkloadPanel(self)
            with self.events.quiet():
                self._workload_panel.populate()
            self.side_stack.children[WORKLOAD].children = [self._workload_panel.widget]
        return self._workload_panel

    @property
    def files_panel(self) -> FilesPanel:
        if self._files_panel is None:
            self._files_panel = FilesPanel(self)
            self.side_stack.children[FILES].children = [self._files_panel.widget]
        return self._files_panel

    def show_side_page(self, index: int) -> None:
        if index == WORKLOAD:
            _ = self.workload_panel  # built on first show
        elif index == FILES:
            self.files_panel.refresh()
        self.side_stack.selected_index = index
        if self.side_picker.value != index:
            with self.events.quiet():
                self.side_picker.value = index

    def _on_side_page(self, change: dict) -> None:
        self.show_side_page(change["new"])

    # --- showing a review -------------------------------------------------------------

    def _blank_review(self) -> Review:
        workload = Workload(review_date=dt.date.today().isoformat())
        return Review([load_lens(name) for name in self.default_lenses], workload)

    def load_review(self, review: Review, path: Path | None = None, review_id: str | None = None) -> None:
        """Show another review. The one on screen is saved first, so nothing is lost."""
        self.agenda.pause()
        self.autosaver.flush()
        self.review = review
        self.path = path
        self.review_id = review_id or new_id()
        self._stamp = disk_stamp(path)
        self.score = None
        self._populate()
        self.banner.hide()

    def replace_review(self, review: Review) -> None:
        """The same review rebuilt (a lens added or removed): same file, same id."""
        self.load_review(review, self.path, self.review_id)
        self.changed()

    def _populate(self) -> None:
        """Fill every part in from ``self.review``, with observers suspended and no redraw per field."""
        review = self.review
        with self.events.quiet():
            self.sequence = [(alias, q.id) for alias, lens in review.lenses.items() for q in lens.questions()]
            self._index = {key: i for i, key in enumerate(self.sequence)}
            self.navigator.rebuild()
            self.overview.rebuild(review.lenses, self.sequence)
            self.agenda.rebuild()
            self.parking_lot.rebuild()
            if self._workload_panel is not None:
                self._workload_panel.populate()
            self.toolbar.show_title(review.workload.name)
            self.tab_title.show(review.workload.name)
            self.position = ("", "")
            self._show(*self._start_position())
            self._rescore(draw=self.risk_panel.chart is not None)
        if self._files_panel is not None:
            self._files_panel.export.clear()  # a link prepared for the review shown before
            self._files_panel.refresh()
        self._show_download()

    def _start_position(self) -> tuple[str, str]:
        saved = self.review.extensions.get(APP_KEY, {}).get("position", {})
        key = (saved.get("lens"), saved.get("question")) if isinstance(saved, dict) else None
        return key if key in self._index else self.sequence[0]

    def _announce(self, text: str) -> None:
        """Say what happened to the review on screen, with any notices about its file (orphans, changed lenses)."""
        notices = [str(n) for n in self.review.notices] + [str(o) for o in self.review.orphans()]
        if notices:
            self.messages.warning(f"{text} It was opened with notices; every answer is kept:".strip(), notices)
        elif text:
            self.messages.success(text)

    # --- moving around ----------------------------------------------------------------

    def index_of(self, alias: str, question_id: str) -> int:
        return self._index[(alias, question_id)]

    def go_to(self, alias: str, question_id: str) -> None:
        """Show a question (the one view is filled in again)."""
        if (alias, question_id) not in self._index:
            raise ReviewError.at(
                self.review.source, f"answers.{alias}", f"there is no question {question_id!r} in lens {alias!r}"
            )
        if (alias, question_id) == self.position:
            return
        with self.events.quiet():
            self._show(alias, question_id)
        self.review.extensions.setdefault(APP_KEY, {})["position"] = {"lens": alias, "question": question_id}
        if self.path is not None:
            self.changed()  # remember where we are, but never create a file just by looking around

    def step(self, delta: int) -> None:
        index = self._index[self.position] + delta
        if 0 <= index < len(self.sequence):
            self.go_to(*self.sequence[index])

    def _show(self, alias: str, question_id: str) -> None:
        review = self.review
        lens = review.lenses[alias]
        question = lens.question(question_id)
        answer = review.answer(alias, question_id)
        self.position = (alias, question_id)
        self.question_view.show(
            lens, question, answer, scoring.question_risk(question, answer), self.toolbar.hide_choices.value
        )
        self.navigator.show(alias, question_id)
        self.overview.show_current(self._index[(alias, question_id)])
        if self.score is not None:
            self.navigator.refresh_progress(self.score)
        self.agenda.enter(alias, question.pillar_id)
        self._draw_ahead()

    # --- changing the review ----------------------------------------------------------

    def change(self, mutate: Callable[[Review, str, str], None], rescore: bool = True) -> None:
        """Apply ``mutate(review, alias, question_id)`` (a call to a Review setter) to the question on screen.

        Then the chart is redrawn first (it is what everyone watches), and the badge, the
        checkboxes (so "None of these" unticks the others on screen), totals and progress
        follow; a save is scheduled. An error from the setter leaves the review as it was
        and propagates to the caller.
        """
        alias, question_id = self.position
        mutate(self.review, alias, question_id)
        question = self.review.lenses[alias].question(question_id)
        answer = self.review.answer(alias, question_id)
        if rescore:
            # Only this question can have changed: score it alone, so the chart goes out first and fast.
            self.score = (
                scoring.rescore(self.score, alias, question, answer) if self.score else scoring.score(self.review)
            )
            self.risk_panel.refresh(self.review, self.score, draw=True, totals=False)
        self.question_view.refresh_answer(answer, scoring.question_risk(question, answer))
        if rescore:
            self.risk_panel.show_totals(self.review, self.score)
            self.navigator.refresh_progress(self.score)
            self.overview.show_score(self.score)
            self._draw_ahead()
        self.changed()

    def _draw_ahead(self) -> None:
        """Render, while the room talks, the charts one tick away from the question on screen.

        A tick changes one question's risk, so the next chart is one of four; with them ready,
        a tick only swaps the picture. One render per turn of the loop, so a tick arriving
        meanwhile waits for one render at most.
        """
        if self._look_ahead is not None:
            self._look_ahead.cancel()
            self._look_ahead = None
        if self.risk_panel.chart is None or self.score is None:
            return
        alias, question_id = self.position
        pillar_id = self.review.lenses[alias].question(question_id).pillar_id
        pending = self.risk_panel.alternatives(alias, pillar_id, self.score.lenses[alias].questions[question_id])

        def step() -> None:
            self._look_ahead = None
            while pending and not self.risk_panel.prepare(pending.pop(0)):
                pass
            if pending:
                self._look_ahead = self.scheduler.call_later(0, wrapped)

        wrapped = self.events.run(step, "drawing the risk chart ahead")
        self._look_ahead = self.scheduler.call_later(LOOK_AHEAD_DELAY, wrapped)

    def _rescore(self, draw: bool = True) -> None:
        self.score = scoring.score(self.review)
        self.risk_panel.refresh(self.review, self.score, draw=draw)
        self.navigator.refresh_progress(self.score)
        self.overview.show_score(self.score)

    def changed(self) -> None:
        """Something in the review changed: save within ``autosave_delay`` seconds."""
        if not self.autosaver.pending:
            self.toolbar.show_saving()
        self.autosaver.changed()

    def workload_changed(self) -> None:
        self.toolbar.show_title(self.review.workload.name)
        self.tab_title.show(self.review.workload.name)
        self.changed()

    def presenter_changed(self, on: bool) -> None:
        """Presenter mode draws the chart for a larger picture (sharper, with larger labels)."""
        self.risk_panel.set_size(*CHART_SIZE[on])

    # --- the keyboard -----------------------------------------------------------------

    def _key_actions(self) -> dict[str, Callable[[str], None]]:
        """What each key does (kit.app.keyboard binds the keys and lists them in its help)."""
        view = self.question_view
        return {
            "next": lambda _key: self.step(+1),
            "previous": lambda _key: self.step(-1),
            "tick": lambda key: view.toggle_practice(int(key)),
            "none": lambda _key: view.toggle_none_of_these(),
            "reveal": lambda _key: view.show_choices(),
            "presenter": lambda _key: self.toolbar.toggle_presenter(),
            "overview": lambda _key: self.show_side_page(QUESTIONS),
        }

    def save_milestone(self, name: str) -> None:
        milestone = self.review.save_milestone(name)
        self.changed()
        self.messages.success(f"Milestone “{milestone.name}” saved ({readable_moment(milestone.date)}).")

    # --- files ----------------------------------------------------------------------

    def flush(self) -> bool:
        """Save now if anything is waiting to be saved; True if it saved."""
        return self.autosaver.flush()

    def _target(self) -> Path:
        """The file to save to: named after the workload, unless it is a file the app did not name."""
        if self.path is not None and self.storage.id_of(self.path) != self.review_id:
            return self.path
        return self.storage.path_for(self.review.workload.name, self.review_id)

    def _save(self) -> None:
        target = self._target()
        previous = self.path
        changed_elsewhere = previous is not None and disk_stamp(previous) not in (None, self._stamp)
        if changed_elsewhere:
            # Another window (or a copy of this review resumed elsewhere) wrote the file since
            # this one read it: keep both versions rather than overwrite theirs.
            self.review_id = new_id()
            target = self.storage.path_for(self.review.workload.name, self.review_id)
        try:
            text = self.review.save(target)
        except OSError as exc:
            self.toolbar.show_not_saved(exc.strerror or str(exc))
            raise
        self.path, self._stamp = target, disk_stamp(target)
        if changed_elsewhere:
            self.messages.warning(
                f"{previous.name} was changed in another window since this one opened it. "
                f"Both are kept: this window's answers are saved as {target.name}."
            )
        elif previous is not None and previous != target and self.storage.id_of(previous) == self.review_id:
            previous.unlink(missing_ok=True)  # the workload was renamed: the file follows its name
        self.toolbar.show_saved(self.clock.now().strftime("%H:%M:%S"))
        self._show_download(text)

    def page_opened(self) -> None:
        """Voila handed this preheated kernel to a page: show the files as they are now."""
        if self.autosaver.dirty or self.autosaver.pending:
            return  # someone already works here; never replace their screen
        if self.path is not None:
            if disk_stamp(self.path) not in (None, self._stamp):
                self.load_review(Review.load(self.path), self.path, self.review_id)
                self._announce(f"Showing the latest saved answers from {self.path.name}.")
        elif self.review.answers and any(self.review.answers.values()):
            return
        else:
            self.banner.offer(self.storage.most_recent())

    def _show_download(self, text: str | None = None) -> None:
        if self.path is None:
            self.toolbar.download.value = ""
            return
        self.toolbar.download.value = download_link(text if text is not None else self.review.to_json(), self.path.name)

    def resume(self, path: str | Path) -> None:
        """Continue a review saved in the folder."""
        path = Path(path).resolve()
        if path.parent != self.storage.folder:
            raise ReviewError.at(
                str(path), "", f"only reviews in {self.storage.folder} can be resumed here; upload other files"
            )
        if path == self.path:
            self.messages.info("That review is the one on screen.")
            return
        try:
            review = Review.load(path)
        except PillarkitError as exc:
            self.messages.problem(exc, "This review cannot be opened: ")
            return
        self.load_review(review, path, self.storage.id_of(path))
        self._announce(f"Resumed “{review.workload.name or 'Untitled workload'}” from {path.name}.")

    def open_upload(self, upload: Upload) -> None:
        """Continue an uploaded review; it is saved into the folder under a new name at once."""
        try:
            review = Review.from_dict(upload.json(ReviewError), source=upload.name)
        except PillarkitError as exc:
            self.messages.problem(exc, f"{upload.name} cannot be opened: ")
            return
        self.load_review(review, None, new_id())
        self.changed()
        self.flush()
        self._announce(
            f"Opened the uploaded review “{review.workload.name or 'Untitled workload'}”; it is saved as {self.path.name}."
        )

    def new_review(self) -> None:
        """Save the review on screen and start an empty one on the same lenses."""
        previous = self.path
        lenses = list(self.review.lenses.values())
        self.load_review(Review(lenses, Workload(review_date=dt.date.today().isoformat())), None, new_id())
        kept = f" The previous one is saved as {previous.name}." if previous else ""
        self.messages.success(f"Started a new review.{kept}")

    # --- closing --------------------------------------------------------------------

    def close(self) -> None:
        """Save what is pending, stop the timer and close the app's widgets."""
        self.agenda.pause()
        self.agenda.close()
        self.autosaver.close()
        for row in self.question_view.rows + [self.question_view.none_row]:
            if row.details is not None:
                _close_tree(row.details)
            _close_tree(row.line)
        if self._workload_panel is not None:
            self._workload_panel.close()
        _close_tree(self.widget)


def disk_stamp(path: Path | None) -> tuple[int, int] | None:
    """What tells one version of a file from another: (modification time in ns, size); None if absent."""
    if path is None:
        return None
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _close_tree(widget: w.Widget) -> None:
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()
