"""``ReviewApp``: builds the views, hands them callbacks, and shows what the session tells it.

The :class:`~kit.app.session.Session` owns the review, its file, autosave, ownership, merging,
resume, upload and undo, without widgets. The parts (question view, navigator, risk panel,
agenda, parking lot, banners, workload and file panels) build widgets and turn widget events
into the callbacks they were given; none of them holds the app. The app is the session's
:class:`~kit.app.session.SessionView`: when the session says the review changed, it fills
the views in again. After a change to an answer it redraws the chart first (what the room
watches), then the badge, the checkboxes, the totals and the progress.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w

from kit.app import page
from kit.app.agenda import Agenda
from kit.app.banners import OwnerBanner, ResumeBanner
from kit.app.events import Events
from kit.app.export_panel import ExportPanel
from kit.app.files_panel import FileActions, FilesPanel
from kit.app.icons import decorative_icons
from kit.app.keyboard import Keyboard
from kit.app.messages import Messages
from kit.app.navigator import Navigator
from kit.app.overview import Overview
from kit.app.page_script import PageScript
from kit.app.parking_lot import ParkingLot
from kit.app.question_view import Mutate, QuestionView
from kit.app.register_page import RegisterActions, RegisterPage
from kit.app.risk_panel import RiskPanel
from kit.app.session import Ownership, Role, SaveStatus, Session, SessionView
from kit.app.storage import Autosaver, Storage, Upload, download_link
from kit.app.style import style_widget
from kit.app.tab_title import TabTitle
from kit.app.timing import Clock, Handle, LoopScheduler, Scheduler
from kit.app.toolbar import Toolbar
from kit.app.ui import classed, set_class
from kit.app.undo import Part
from kit.app.workload_panel import WorkloadActions, WorkloadPanel
from kit.core import options, register, roadmap, scoring
from kit.core.dates import readable_moment
from kit.core.errors import PillarkitError, ReadOnlyError, ReviewError
from kit.core.lens import load_many as load_lenses
from kit.core.review import Review, Workload

DEFAULT_LENSES = (options.DEFAULT_LENS.default,)

#: Seconds after a change before the charts one tick away are drawn (a pause, not a deadline).
LOOK_AHEAD_DELAY = 0.05

SIDE_PAGES = ("Agenda", "Parking lot", "Workload", "Review file", "Questions")
AGENDA, PARKING, WORKLOAD, FILES, QUESTIONS = range(len(SIDE_PAGES))
#: The order of the side pages' buttons (their indices stay fixed, so code and tests name them alike).
SIDE_ORDER = (QUESTIONS, AGENDA, PARKING, WORKLOAD, FILES)
#: The chart by mode (width in inches, dots per inch, font size in points): in presenter mode it is
#: narrower in inches and sharper, so that its labels grow with the room's type when it is shown larger.
CHART_SIZE = {False: (5.0, 96, 9.0), True: (4.0, 144, 10.5)}
#: The main pages: one question at a time, and the risk register (built the first time it is shown).
MAIN_PAGES = ("Questions", "Risk register")
QUESTION_PAGE, REGISTER = range(len(MAIN_PAGES))

#: Reasons the session shows a review again in which the question on screen stays where it is.
STAY = ("followed", "merged", "lenses", "undo", "restored")


class ReviewApp(SessionView):
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
        (``pillarkit serve FILE`` sets it); with only ``path``, that file is opened. A page
        address naming a review (``?review=<id>``) wins over both.
    presenter, compact, hide_choices:
        Display modes to start in (they can be switched in the app); a review file that
        remembers its modes is shown in those.
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
        self.clock = clock or Clock()
        self.scheduler = scheduler or LoopScheduler()
        self.storage = Storage(options.folder() if folder is None else folder)
        self.messages = Messages(self.storage.folder, self.clock)
        self.events = Events(self.messages, raise_errors=raise_errors)
        self.default_lenses = tuple(lenses)
        self.position: tuple[str, str] = ("", "")
        self.sequence: list[tuple[str, str]] = []
        self._index: dict[tuple[str, str], int] = {}
        self.score: scoring.ReviewScore | None = None
        self._look_ahead: Handle | None = None
        self._built = False
        self._server: page.Server | None = None
        self._watch: page.PageWatch | None = None
        self._shutdown: Handle | None = None
        #: While a change is drawn, what the session says about saving and undo waits here: the chart goes out first.
        self._after_chart: list[Callable[[], None]] | None = None
        waiting = page.preheated()
        first = review if review is not None and path is None else self._blank_review()
        self.session = Session(
            self.storage,
            first,
            clock=self.clock,
            scheduler=self.scheduler,
            view=self,
            autosave_delay=autosave_delay,
            waiting=waiting,
            guard=self.events.run,
        )

        # The parts, each given only what it needs.
        events, session = self.events, self.session
        self.page_script = PageScript(page.served_by_voila())
        self.toolbar = Toolbar(
            events, self._on_modes, self.undo, presenter=presenter, compact=compact, hide_choices=hide_choices
        )
        self.navigator = Navigator(events, self.go_to, self.step)
        self.question_view = QuestionView(
            events, self.change, self.messages.error, confirmed=lambda: self.navigator.refresh_prefilled()
        )
        self.risk_panel = RiskPanel()
        self.agenda = Agenda(events, session.timer, session.start_timer, session.pause_timer, session.set_timebox)
        self.parking_lot = ParkingLot(events, self.messages, session.park, session.set_parked_done, self.go_to)
        self.banner = ResumeBanner(events, self._resume_offered)
        self.owner_banner = OwnerBanner(events, session.take_over)
        self.overview = Overview(events, lambda index: self.go_to(*self.sequence[index]))
        self.keyboard = Keyboard(events, self._key_actions())
        self.tab_title = TabTitle()
        self.toolbar.add_keys(self.keyboard.widget)
        self._workload_panel: WorkloadPanel | None = None
        self._files_panel: FilesPanel | None = None
        self._register_page: RegisterPage | None = None
        events.click(self.messages.dismiss, self.messages.clear, "dismissing a message")

        # The layout: one question page in the main Stack; side pages in another Stack,
        # the workload and file pages built the first time they are picked.
        question_page = classed(
            w.VBox(
                [
                    self.owner_banner.widget,
                    self.banner.widget,
                    self.agenda.hint,
                    self.navigator.widget,
                    self.question_view.widget,
                    self.parking_lot.capture,
                ]
            ),
            "pk-question-page",
        )
        self.main_stack = classed(
            w.Stack([question_page, classed(w.VBox([]), "pk-main-page")], selected_index=QUESTION_PAGE), "pk-main-stack"
        )
        self.main_picker = classed(
            w.ToggleButtons(
                options=[(name, i) for i, name in enumerate(MAIN_PAGES)],
                value=QUESTION_PAGE,
                style={"button_width": "auto"},
                tooltips=["One question at a time", "Components, failure modes, likelihood \u00d7 impact"],
            ),
            "pk-main-picker",
        )
        events.observe(self.main_picker, lambda change: self.show_main_page(change["new"]), "opening a page")
        self.main = classed(w.VBox([self.main_picker, self.main_stack]), "pk-main")
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
        events.observe(self.side_picker, self._on_side_page, "opening a side page")
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
                    self.page_script.widget,
                ]
            ),
            "pk-app",
        )
        self._built = True
        self._populate()
        self._apply_modes(self.toolbar.modes())

        # What to show: the review the page address names, else the file asked for, else a new one.
        wanted = page.review_in_query(page.startup_query())
        if path is None and review is None and options.REVIEW.value():
            path = options.REVIEW.value()
        opened = bool(wanted) and session.open_id(wanted or "")
        if not opened and path is not None:
            self.messages.keep_private(Path(path).resolve().parent)  # messages name the file, not where it lives
            try:
                if review is not None:
                    session.open_review(review, Path(path))
                else:
                    session.open_file(Path(path))
                opened = True
            except PillarkitError as exc:
                self.messages.problem(exc, "The review file could not be opened, so this is a new review: ")
        if opened or review is not None:
            self._announce("")
        else:
            self._offer()
        if waiting:
            page.when_page_opens(self.events.guard("opening the page", suspend=False)(self._page_request))
        else:
            self._watch_page()
        # The chart's first draw (and matplotlib's import) waits until the question is on screen.
        first_draw = self.events.run(self._first_draw, "drawing the risk chart")
        if self.scheduler.call_later(0, first_draw) is None:
            first_draw()

    def _first_draw(self) -> None:
        self.risk_panel.draw()
        self._draw_ahead()

    @classmethod
    def open(cls, path: str | Path, **kwargs: Any) -> ReviewApp:
        """An app on a saved review file, saving back to it (a file that cannot be read raises)."""
        return cls(Review.load(path), path=path, **kwargs)

    # --- what the session holds ---------------------------------------------------------

    @property
    def review(self) -> Review:
        return self.session.review

    @property
    def path(self) -> Path | None:
        return self.session.path

    @property
    def review_id(self) -> str:
        return self.session.review_id

    @property
    def autosaver(self) -> Autosaver:
        return self.session.autosaver

    # --- display --------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # --- the parts built on demand ------------------------------------------------------

    @property
    def workload_panel(self) -> WorkloadPanel:
        if self._workload_panel is None:
            actions = WorkloadActions(self._set_workload, self.session.set_priorities, self.session.change_lenses)
            self._workload_panel = WorkloadPanel(self.events, self.messages, actions)
            with self.events.quiet():
                self._workload_panel.populate(self.review)
            self.side_stack.children[WORKLOAD].children = [self._workload_panel.widget]
        return self._workload_panel

    @property
    def files_panel(self) -> FilesPanel:
        if self._files_panel is None:
            export = ExportPanel(self.events, self.messages, self.clock, lambda: self.review)
            actions = FileActions(self.resume, self.open_upload, self.new_review, self.save_milestone)
            self._files_panel = FilesPanel(self.events, self.messages, self.storage, actions, export)
            self.side_stack.children[FILES].children = [self._files_panel.widget]
        return self._files_panel

    @property
    def register_page(self) -> RegisterPage:
        if self._register_page is None:
            session = self.session
            actions = RegisterActions(
                review=lambda: self.review,
                score=lambda: self.score,
                edit=session.edit_register,
                park=session.park_risk_question,
                parked=self._parked_from_register,
            )
            self._register_page = RegisterPage(self.events, self.messages, actions)
            self.main_stack.children[REGISTER].children = [self._register_page.widget]
        return self._register_page

    def show_main_page(self, index: int) -> None:
        """Show the questions or the risk register (built, and brought up to date, when it is shown)."""
        if index == REGISTER:
            self.register_page.refresh()
        self.main_stack.selected_index = index
        if self.main_picker.value != index:
            with self.events.quiet():
                self.main_picker.value = index

    def _parked_from_register(self) -> None:
        with self.events.quiet():
            self.parking_lot.rebuild(self.review)

    def show_side_page(self, index: int) -> None:
        if index == WORKLOAD:
            _ = self.workload_panel  # built on first show
        elif index == FILES:
            self.files_panel.refresh(self.path, self.review.milestones)
        self.side_stack.selected_index = index
        if self.side_picker.value != index:
            with self.events.quiet():
                self.side_picker.value = index

    def _on_side_page(self, change: dict[str, int]) -> None:
        self.show_side_page(change["new"])

    # --- what the session tells the screen (SessionView) ----------------------------------

    def shown(self, reason: str) -> None:
        if self.path is not None:
            self.messages.keep_private(self.path.parent)  # a review opened from outside the reviews folder
        keep = self.position if reason in STAY else None
        self.score = None
        if reason not in STAY and self._register_page is not None:
            self._register_page.editor.entry_id = None  # another review: the entry being edited is not in it
        self._populate(keep)
        if reason not in STAY:
            self.banner.hide()
            if self._files_panel is not None:
                self._files_panel.export.clear()  # a link prepared for the review shown before

    def part_changed(self, part: Part) -> None:
        review = self.review
        if part.kind == "answer":
            with self.events.quiet():
                self._show(part.alias, part.question)
            self._rescore()
        elif part.kind == "workload":
            self.toolbar.show_title(review.workload.name)
            self.tab_title.show(review.workload.name)
            if self._workload_panel is not None:
                with self.events.quiet():
                    self._workload_panel.populate(review)
        elif part.kind == "risk_register":
            if self._register_page is not None:
                with self.events.quiet():
                    self._register_page.refresh(refill=True)
        elif part.kind == "parking_lot":
            with self.events.quiet():
                self.parking_lot.rebuild(review)
        elif part.kind == "milestones":
            if self._files_panel is not None:
                self._files_panel.show_milestones(review.milestones)
        elif part.kind == "timeboxes":
            with self.events.quiet():
                self.agenda.rebuild()

    def status(self, status: SaveStatus) -> None:
        if self._after_chart is not None:
            self._after_chart.append(lambda: self.status(status))
            return
        self.toolbar.show_status(status, self.clock.now().date())

    def download(self, text: str | None, name: str) -> None:
        value = download_link(text, name) if text is not None else ""
        if self.toolbar.download.value != value:
            self.toolbar.download.value = value

    def ownership(self, ownership: Ownership) -> None:
        self.owner_banner.show(ownership)
        set_class(self.widget, "pk-read-only", ownership.role in (Role.READER, Role.DETACHED))

    def notice(self, level: str, text: str, details: Sequence[str] = ()) -> None:
        self.messages.show(level, text, details)

    def failed(self, error: BaseException, action: str) -> None:
        self.messages.report_exception(error, action)

    def undo_changed(self, label: str | None, count: int) -> None:
        if self._after_chart is not None:
            self._after_chart.append(lambda: self.undo_changed(label, count))
            return
        self.toolbar.show_undo(label, count)

    def address(self, review_id: str | None) -> None:
        self.page_script.set_review(review_id)

    def timer(self) -> None:
        self.agenda.refresh()

    # --- showing a review -------------------------------------------------------------

    def _blank_review(self) -> Review:
        workload = Workload(review_date=self.clock.now().date().isoformat())
        return Review(load_lenses(self.default_lenses), workload)

    def load_review(self, review: Review, path: Path | None = None) -> None:
        """Show another review. The one on screen is saved first, so nothing is lost."""
        self.session.open_review(review, path)

    def _populate(self, keep: tuple[str, str] | None = None) -> None:
        """Fill every part in from the review, with observers suspended and no redraw per field.

        An accepted risk whose date has passed is open again from now on; the notice says so, and
        the next change saves it (opening a file never writes it by itself).
        """
        if not self._built:
            return
        review = self.review
        review.notices.extend(register.reopen_expired(review))
        with self.events.quiet():
            self.sequence = [(alias, q.id) for alias, lens in review.lenses.items() for q in lens.questions()]
            self._index = {key: i for i, key in enumerate(self.sequence)}
            self.navigator.rebuild(review)
            self.overview.rebuild(review.lenses, self.sequence)
            self.agenda.rebuild()
            self.parking_lot.rebuild(review)
            if self._workload_panel is not None:
                self._workload_panel.populate(review)
            self.toolbar.show_title(review.workload.name)
            self.tab_title.show(review.workload.name)
            modes = self.session.modes
            if modes:
                self.toolbar.set_modes(modes)
                self._apply_modes(self.toolbar.modes())
            self.position = ("", "")
            start = keep if keep in self._index else self._start_position()
            self._show(*start)
            self._rescore(draw=self.risk_panel.chart is not None)
            if self._register_page is not None:
                self._register_page.refresh(refill=True)
        if self._files_panel is not None:
            self._files_panel.refresh(self.path, review.milestones)

    def _start_position(self) -> tuple[str, str]:
        saved = self.session.saved_position
        return saved if saved in self._index else self.sequence[0]

    def _announce(self, text: str) -> None:
        """Say what happened to the review on screen, with any notices about its file (orphans, changed lenses)."""
        notices = [str(n) for n in self.review.notices_grouped()]
        if notices:
            self.messages.warning(f"{text} It was opened with notices; every answer is kept:".strip(), notices)
        elif text:
            self.messages.success(text)

    def _offer(self) -> None:
        self.banner.offer(self.session.offer(), self._name_of)

    def _name_of(self, part: str) -> str:
        """``"<alias>/<question id>"`` as the question's code where a lens of the review knows it."""
        alias, _, qid = part.partition("/")
        lens = self.review.lenses.get(alias)
        if lens is not None and lens.has_question(qid):
            question = lens.question(qid)
            return question.code or question.title
        return part

    # --- moving around ----------------------------------------------------------------

    def index_of(self, alias: str, question_id: str) -> int:
        return self._index[(alias, question_id)]

    def go_to(self, alias: str, question_id: str) -> None:
        """Show a question (the one view is filled in again), on the Questions page if the register was shown."""
        if (alias, question_id) not in self._index:
            raise ReviewError.at(
                self.review.source, f"answers.{alias}", f"there is no question {question_id!r} in lens {alias!r}"
            )
        if self.main_stack.selected_index != QUESTION_PAGE:
            self.show_main_page(QUESTION_PAGE)
        if (alias, question_id) == self.position:
            return
        with self.events.quiet():
            self._show(alias, question_id)
        pillar = self.review.lenses[alias].question(question_id).pillar_id
        self.session.set_position(alias, question_id, pillar)  # remembered in the file, once there is one

    def step(self, delta: int) -> None:
        index = self._index[self.position] + delta
        if 0 <= index < len(self.sequence):
            self.go_to(*self.sequence[index])

    def _show(self, alias: str, question_id: str) -> None:
        review = self.review
        lens = review.lenses[alias]
        question = lens.question(question_id)
        answer = review.answer(alias, question_id)
        risk = scoring.question_risk(question, answer)
        self.position = (alias, question_id)
        self.question_view.show(
            lens,
            question,
            answer,
            risk,
            roadmap.horizon(review, alias, question_id, risk),
            self.toolbar.hide_choices.value,
            many_lenses=len(review.lenses) > 1,
            prefill=review.prefill(alias, question_id),
        )
        self.navigator.show(alias, question_id, self.index_of(alias, question_id), len(self.sequence))
        self.overview.show_current(self.index_of(alias, question_id))
        if self.score is not None:
            self.navigator.refresh_progress(self.score)
        self.session.position = (alias, question_id)
        if self.session.timer.enter(alias, question.pillar_id):
            self.agenda.refresh()
        self._draw_ahead()

    # --- changing the review ----------------------------------------------------------

    def change(self, mutate: Mutate, label: str, key: str = "", rescore: bool = True) -> None:
        """Apply ``mutate(review, alias, question_id)`` (a call to a Review setter) to the question on screen.

        The session keeps the change for Undo and saves it. Then the chart is redrawn first (it
        is what everyone watches), and the rest follows: the badge, the checkboxes (so "None of
        these" unticks the others on screen), totals, progress, the overview, and what the
        session said about saving and undo. After a rescore the rest waits until the chart's
        message has left (:meth:`Scheduler.call_soon`): the kernel's messages leave from another
        thread, which gets its turn only when this one pauses, so the chart goes out at once
        instead of after every other update. An error from the setter, or a window that does
        not write, leaves the review and the screen as they were, and propagates.
        """
        alias, question_id = self.position
        waiting: list[Callable[[], None]] = []
        self._after_chart = waiting
        try:
            self._change(alias, question_id, mutate, label, key, rescore)
        except BaseException:
            self._after_chart = None
            for show in waiting:
                show()
            raise
        self._after_chart = None

        def show_the_rest() -> None:
            self._show_change(alias, question_id, rescore)
            for show in waiting:
                show()

        later = self.events.run(show_the_rest, "showing the change")
        if not rescore or self.scheduler.call_soon(later) is None:
            show_the_rest()

    def _change(self, alias: str, question_id: str, mutate: Mutate, label: str, key: str, rescore: bool) -> None:
        try:
            self.session.change_answer(alias, question_id, mutate, label, key)
        except ReadOnlyError:
            with self.events.quiet():
                self.position = ("", "")
                self._show(alias, question_id)  # the widgets go back to the answer as it is
            raise
        if rescore:
            # Only this question can have changed: score it alone, so the chart goes out first and fast.
            question = self.review.lenses[alias].question(question_id)
            answer = self.review.answer(alias, question_id)
            self.score = (
                scoring.rescore(self.score, alias, question, answer) if self.score else scoring.score(self.review)
            )
            self.risk_panel.refresh(self.review, self.score, draw=True, totals=False)

    def _show_change(self, alias: str, question_id: str, rescore: bool) -> None:
        """Everything but the chart after a change; the question's part only if it is still on screen."""
        if self.position == (alias, question_id):
            question = self.review.lenses[alias].question(question_id)
            answer = self.review.answer(alias, question_id)
            risk = scoring.question_risk(question, answer)
            self.question_view.refresh_answer(
                answer,
                risk,
                roadmap.horizon(self.review, alias, question_id, risk),
                self.review.prefill(alias, question_id),
            )
        if rescore and self.score is not None:
            self.risk_panel.show_totals(self.review, self.score)
            self.navigator.refresh_progress(self.score)
            self.overview.show_score(self.score)
            self._draw_ahead()

    def undo(self) -> None:
        """Undo the last change (the toolbar's button, Ctrl+Z)."""
        self.session.undo_last()

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

    def _set_workload(self, change: Callable[[Workload], None], label: str, key: str) -> None:
        self.session.set_workload(change, label, key)
        self.toolbar.show_title(self.review.workload.name)
        self.tab_title.show(self.review.workload.name)

    def _on_modes(self, modes: dict[str, bool]) -> None:
        self._apply_modes(modes)
        self.question_view.set_hide_choices(modes["hide_choices"])
        self.session.set_modes(**modes)

    def _apply_modes(self, modes: dict[str, bool]) -> None:
        set_class(self.widget, "pk-presenter", modes["presenter"])
        set_class(self.widget, "pk-compact", modes["compact"])
        # Presenter mode draws the chart for a larger picture (sharper, with larger labels).
        self.risk_panel.set_size(*CHART_SIZE[modes["presenter"]])

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
            "undo": lambda _key: self._undo_key(),
        }

    def _undo_key(self) -> None:
        """Ctrl+Z or U does what the Undo button does, and nothing while the button is off."""
        if not self.toolbar.undo.disabled:
            self.undo()

    def save_milestone(self, name: str) -> None:
        milestone = self.session.save_milestone(name)
        self.messages.success(f"Milestone “{milestone.name}” saved ({readable_moment(milestone.date)}).")
        if self._files_panel is not None:
            self._files_panel.show_milestones(self.review.milestones)

    # --- files ----------------------------------------------------------------------

    def flush(self) -> bool:
        """Save now if anything is waiting to be saved; True if it saved."""
        return self.session.flush()

    def resume(self, path: str | Path) -> None:
        """Continue a review saved in the folder."""
        if self.session.resume(path):
            self.banner.hide()
            self._announce(f"Resumed “{self.review.workload.name or 'Untitled workload'}” from {Path(path).name}.")

    def _resume_offered(self, path: Path) -> None:
        self.resume(path)

    def open_upload(self, upload: Upload) -> None:
        """Continue an uploaded review; it is saved into the folder under a new name at once."""
        if self.session.open_upload(upload):
            name = self.path.name if self.path else ""
            self._announce(
                f"Opened the uploaded review “{self.review.workload.name or 'Untitled workload'}”; it is saved as {name}."
            )

    def new_review(self) -> None:
        """Save the review on screen and start an empty one on the same lenses."""
        previous = self.session.new_review(self.review.lenses.values())
        kept = f" The previous one is saved as {previous.name}." if previous else ""
        self.messages.success(f"Started a new review.{kept}")

    # --- the page ---------------------------------------------------------------------

    def page_opened(self, request: dict[str, str] | None = None) -> None:
        """Voila handed this preheated kernel to a page: show what its address names, or the files as they are now."""
        waiting = self.session.role is Role.WAITING
        wanted = page.review_in_query((request or {}).get("QUERY_STRING"))
        self.session.attach(wanted)
        if not waiting:
            return  # the page was there all along: nothing on screen is replaced
        if self.path is None:
            self._offer()
        else:
            self.banner.hide()
            self._announce("")

    def _page_request(self, request: dict[str, str]) -> None:
        # A word on the kernel's channel at once: the server counts this kernel as active from
        # the request on (not from when it was preheated), so its idle culler leaves it to the
        # page that is loading.
        self.page_script.widget.send({"event": "page-requested"})
        self.page_opened(request)
        self._watch_page()

    def _watch_page(self) -> None:
        """Follow the page through the server: when it is gone, stop writing; a Voila kernel then shuts itself down."""
        if self._watch is not None:
            return
        self._server = page.find_server()
        if self._server is None:
            return
        self._watch = page.PageWatch(
            self._server,
            on_gone=self.events.run(self._page_gone, "closing the review as the page went"),
            on_back=self.events.run(self._page_back, "taking the review up again"),
        )
        self._watch.start()

    def _page_gone(self) -> None:
        self.session.page_gone()
        if self._server is not None and self._server.voila and self._shutdown is None:
            self._shutdown = self.scheduler.call_later(
                options.ORPHAN_SECONDS.value(), self.events.run(self._shut_down, "shutting the kernel down")
            )

    def _page_back(self) -> None:
        if self._shutdown is not None:
            self._shutdown.cancel()
            self._shutdown = None
        self.session.page_back()

    def _shut_down(self) -> None:
        """Ask the server to end this kernel (on a thread: the server then asks this kernel's loop to stop)."""
        self._shutdown = None
        server = self._server
        if server is None or self.session.role is not Role.DETACHED:
            return
        self.messages.log(f"the page of kernel {server.kernel_id} is gone: asking the server to shut the kernel down")
        threading.Thread(target=page.shut_down, args=(server,), name="pillarkit-shutdown", daemon=True).start()

    # --- closing --------------------------------------------------------------------

    def close(self) -> None:
        """Save what is pending, let go of the review, stop the timer and close the app's widgets."""
        if self._watch is not None:
            self._watch.stop()
        if self._shutdown is not None:
            self._shutdown.cancel()
        self.session.close()
        self.agenda.close()
        for row in self.question_view.rows + [self.question_view.none_row]:
            if row.details is not None:
                _close_tree(row.details)
            _close_tree(row.line)
        if self._workload_panel is not None:
            self._workload_panel.close()
        if self._register_page is not None:
            self._register_page.close()
        _close_tree(self.widget)


def _close_tree(widget: w.Widget) -> None:
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()
