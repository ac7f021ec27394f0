"""Where reviews live on disk, and the autosave that keeps them there.

* Files go in one folder (``reviews/`` beside the notebook by default), each named from a
  slug of the workload name and a short random id: ``payments-api-1a2b3c4d.json``. A name
  typed by a user is never used as a path; the slug keeps ``[a-z0-9-]`` only.
* :class:`Autosaver` is debounced so that the file is at most ``delay`` seconds behind: the
  first change schedules a save, later changes ride along with it (they never push it back).
  ``flush()`` saves now. Who may save, and when a kernel exits, is the session's business
  (:mod:`kit.app.session`).
* A review found in the folder is described without loading its lenses
  (:class:`SavedReview`): its workload, when an answer last changed, and which review it is a
  copy of, so that two copies of one review are shown side by side and the stale one is
  never preferred.
* The download link is a data URI (``FileLink`` is refused by Voila); uploads are read from
  the bytes the browser sent.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import escape

from kit.app import settings
from kit.app.timing import Handle, Scheduler
from kit.core.errors import PillarkitError, ReviewError
from kit.core.jsonio import decode, parse_json, read_json, size_limit

SUFFIX = ".json"
ID_LENGTH = 8  # hex digits
SLUG_LENGTH = 40
_NAMED = re.compile(rf"^(?P<slug>[a-z0-9-]+)-(?P<id>[0-9a-f]{{{ID_LENGTH}}})\{SUFFIX}$")


def slug(text: str, fallback: str = "untitled") -> str:
    """``"Payments API (EU)"`` -> ``"payments-api-eu"``: ASCII letters, digits and single dashes only."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:SLUG_LENGTH].rstrip("-") or fallback


def new_id() -> str:
    return secrets.token_hex(ID_LENGTH // 2)


@dataclass(frozen=True)
class SavedReview:
    """A review file found in the folder, described without loading its lenses."""

    path: Path
    modified: dt.datetime
    workload: str
    readable: bool = True
    #: The review this file is a copy of (``extensions.app.review``); "" in files older than that field.
    lineage: str = ""
    #: When an answer last changed, as the file records it; None in older files.
    answered: dt.datetime | None = None
    #: How many questions have an answer.
    answers: int = 0

    @property
    def last_change(self) -> dt.datetime:
        """When its answers last changed: what tells a fresh copy from a stale one (not the file's time)."""
        return self.answered or self.modified

    @property
    def label(self) -> str:
        name = self.workload or "Untitled workload"
        if not self.readable:
            name = "(unreadable file)"
        return f"{name} · last answer {self.last_change.astimezone():%Y-%m-%d %H:%M} · {self.path.name}"


class Storage:
    """The reviews folder: file names, listing, the most recent review, and copies of one review."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder).expanduser().resolve()

    def path_for(self, workload_name: str, review_id: str) -> Path:
        return self.folder / f"{slug(workload_name)}-{review_id}{SUFFIX}"

    def id_of(self, path: Path) -> str | None:
        """The id in a file name the app made (``<slug>-<id>.json`` in this folder), else None."""
        path = Path(path)
        match = _NAMED.match(path.name)
        return match.group("id") if match and path.parent.resolve() == self.folder else None

    def with_id(self, review_id: str) -> list[Path]:
        """The files in the folder named with this id (one, unless someone copied a file by hand)."""
        if not is_id(review_id) or not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.glob(f"*-{review_id}{SUFFIX}") if self.id_of(p) == review_id)

    def saved(self) -> list[SavedReview]:
        """The review files in the folder, the latest answers first (temporary and hidden files skipped)."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in self.folder.iterdir():
            if path.suffix != SUFFIX or path.name.startswith(".") or not path.is_file():
                continue
            try:
                modified = dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone()
            except OSError:
                continue
            found.append(describe(path, modified))
        found.sort(key=lambda s: (s.last_change, s.modified, s.path.name), reverse=True)
        return found

    def look(self, path: Path) -> SavedReview:
        """One file, described as :meth:`saved` describes it."""
        try:
            modified = dt.datetime.fromtimestamp(Path(path).stat().st_mtime).astimezone()
        except OSError:
            return SavedReview(Path(path), dt.datetime.fromtimestamp(0).astimezone(), "", readable=False)
        return describe(Path(path), modified)

    def most_recent(self) -> SavedReview | None:
        readable = [s for s in self.saved() if s.readable]
        return readable[0] if readable else None

    def copies_of(self, saved: SavedReview, among: list[SavedReview] | None = None) -> list[SavedReview]:
        """Every readable file holding the same review as ``saved`` (itself included), latest answers first."""
        if not saved.lineage:
            return [saved]
        pool = self.saved() if among is None else among
        return [s for s in pool if s.readable and s.lineage == saved.lineage]


def is_id(text: str) -> bool:
    """True for a review id as the app makes them (eight hex digits); anything else never reaches a path."""
    return bool(re.fullmatch(rf"[0-9a-f]{{{ID_LENGTH}}}", text or ""))


def describe(path: Path, modified: dt.datetime) -> SavedReview:
    """What the folder listing shows of one file, read without validating it or loading lenses.

    It is read as every review is (:func:`kit.core.jsonio.read_json`): no file too large, no
    named pipe, nothing a review could not hold is offered as a review.
    """
    try:
        data = read_json(path, ReviewError)
    except PillarkitError:
        return SavedReview(path, modified, "", readable=False)
    if not isinstance(data, dict) or data.get("format") != "pillarkit-review":
        return SavedReview(path, modified, "", readable=False)
    workload = data.get("workload")
    name = workload.get("name", "") if isinstance(workload, dict) else ""
    state = settings.app_state(data)
    answered = settings.last_answer_change(state)
    answers = data.get("answers")
    count = (
        sum(len(questions) for questions in answers.values() if isinstance(questions, dict))
        if isinstance(answers, dict)
        else 0
    )
    lineage = state.get(settings.LINEAGE)
    return SavedReview(
        path,
        modified,
        name if isinstance(name, str) else "",
        lineage=lineage if isinstance(lineage, str) else "",
        answered=answered,
        answers=count,
    )


def differences(first: Path, second: Path) -> list[str]:
    """Where two copies of a review differ: ``"<alias>/<question id>"`` per answer, then other parts by name."""
    try:
        a = read_json(first, ReviewError)
        b = read_json(second, ReviewError)
    except PillarkitError:
        return []
    if not isinstance(a, dict) or not isinstance(b, dict):
        return []
    found = []
    answers_a, answers_b = a.get("answers") or {}, b.get("answers") or {}
    if isinstance(answers_a, dict) and isinstance(answers_b, dict):
        for alias in sorted(set(answers_a) | set(answers_b)):
            qa, qb = answers_a.get(alias) or {}, answers_b.get(alias) or {}
            if not isinstance(qa, dict) or not isinstance(qb, dict):
                continue
            found += [f"{alias}/{qid}" for qid in sorted(set(qa) | set(qb)) if qa.get(qid) != qb.get(qid)]
    for part, words in (
        ("workload", "workload details"),
        ("parking_lot", "parking lot"),
        ("milestones", "milestones"),
        ("pillar_priorities", "pillar priorities"),
    ):
        if a.get(part) != b.get(part):
            found.append(words)
    return found


# --- autosave -------------------------------------------------------------------------


class Autosaver:
    """Debounced saving: ``changed()`` after every change, ``flush()`` to save now.

    The first change schedules a save ``delay`` seconds later; changes made meanwhile are
    saved by that same call, so the file is never more than ``delay`` behind. When the
    scheduler cannot schedule (no event loop, e.g. plain Python), the save happens at once.
    ``save`` returns False when it could not save now (another window holds the review, a
    write is still under way): the changes stay due.
    """

    def __init__(
        self,
        save: Callable[[], bool | None],
        scheduler: Scheduler,
        delay: float = 1.0,
        wrap: Callable[[Callable[[], None]], Callable[[], None]] = lambda f: f,
    ):
        self._save = save
        self.scheduler = scheduler
        self.delay = delay
        self.dirty = False
        self.saves = 0
        self._handle: Handle | None = None
        self._due = wrap(self._on_due)

    @property
    def pending(self) -> bool:
        return self._handle is not None

    def changed(self) -> None:
        self.dirty = True
        self.schedule()

    def schedule(self) -> None:
        """Save within ``delay`` if anything is due (after a write that had to wait, say)."""
        if self._handle is not None or not self.dirty:
            return
        handle = self.scheduler.call_later(self.delay, self._due)
        if handle is None:
            self.flush()
        else:
            self._handle = handle

    def _on_due(self) -> None:
        self._handle = None
        self.flush()

    def flush(self) -> bool:
        """Save now if anything changed; True if it saved."""
        self.cancel()
        if not self.dirty:
            return False
        self.dirty = False
        try:
            saved = self._save()
        except BaseException:
            self.dirty = True
            raise
        if saved is False:
            self.dirty = True
            return False
        self.saves += 1
        return True

    def cancel(self) -> None:
        """Drop the scheduled save (the changes stay due)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def forget(self) -> None:
        """Drop a pending save without saving (after the review was replaced and saved already)."""
        self.cancel()
        self.dirty = False


# --- download and upload --------------------------------------------------------------


def download_link(
    content: str | bytes,
    filename: str,
    label: str = "Download review",
    media_type: str = "application/json;charset=utf-8",
    css: str = "pk-download-link",
) -> str:
    """An ``<a download>`` with the file inside a base64 data URI (works in Voila, unlike FileLink).

    ``content`` is text (written as UTF-8) or the file's bytes. Every attribute and the label
    are escaped; ``filename`` should still be one the app made (a slug), never typed text.
    """
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    payload = base64.b64encode(data).decode("ascii")
    return (
        f'<a class="{escape(css)}" download="{escape(filename)}" href="data:{escape(media_type)};base64,{payload}">'
        f"{escape(label)}</a>"
    )


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name as the browser gave it (for messages only) and its bytes."""

    name: str
    content: bytes

    @property
    def stem(self) -> str:
        name = self.name.replace("\\", "/").rsplit("/", 1)[-1]
        return name[: -len(SUFFIX)] if name.lower().endswith(SUFFIX) else name

    def json(self, error: type[PillarkitError] = ReviewError) -> object:
        """The file parsed as JSON, as strictly as a file on disk; a one-line ``error`` naming the file otherwise."""
        limit = size_limit()
        if len(self.content) > limit:
            raise error.at(
                self.name, "", f"is {len(self.content) / 2**20:.1f} MB; files over {limit / 2**20:.1f} MB are refused"
            )
        return parse_json(decode(self.content, self.name, error), self.name, error)


def uploads(value: Iterable[Mapping[str, Any]] | None) -> list[Upload]:
    """The files in a ``FileUpload`` value (ipywidgets 8: a tuple of dicts with ``name`` and ``content``)."""
    return [Upload(str(entry["name"]), bytes(entry["content"])) for entry in value or ()]
