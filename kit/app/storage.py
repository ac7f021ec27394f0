"""Where reviews live on disk, and the autosave that keeps them there.

* Files go in one folder (``reviews/`` beside the notebook by default), each named from a
  slug of the workload name and a short random id: ``payments-api-1a2b3c4d.json``. A name
  typed by a user is never used as a path; the slug keeps ``[a-z0-9-]`` only.
* :class:`Autosaver` is debounced so that the file is at most ``delay`` seconds behind: the
  first change schedules a save, later changes ride along with it (they never push it back).
  ``flush()`` saves now; a pending save is also flushed when the kernel exits.
* The download link is a data URI (``FileLink`` is refused by Voila); uploads are read from
  the bytes the browser sent.
"""

from __future__ import annotations

import atexit
import base64
import datetime as dt
import json
import re
import secrets
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kit.app.timing import Handle, Scheduler
from kit.app.ui import esc
from kit.core.dates import readable_moment
from kit.core.errors import ReviewError
from kit.core.jsonio import parse_json

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

    @property
    def label(self) -> str:
        name = self.workload or "Untitled workload"
        if not self.readable:
            name = "(unreadable file)"
        return f"{name} · saved {readable_moment(self.modified)} · {self.path.name}"


class Storage:
    """The reviews folder: file names, listing, the most recent review."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder).expanduser().resolve()

    def path_for(self, workload_name: str, review_id: str) -> Path:
        return self.folder / f"{slug(workload_name)}-{review_id}{SUFFIX}"

    def id_of(self, path: Path) -> str | None:
        """The id in a file name the app made (``<slug>-<id>.json`` in this folder), else None."""
        path = Path(path)
        match = _NAMED.match(path.name)
        return match.group("id") if match and path.parent.resolve() == self.folder else None

    def saved(self) -> list[SavedReview]:
        """The review files in the folder, newest first (temporary and hidden files skipped)."""
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
            found.append(SavedReview(path, modified, *_peek(path)))
        found.sort(key=lambda s: (s.modified, s.path.name), reverse=True)
        return found

    def most_recent(self) -> SavedReview | None:
        readable = [s for s in self.saved() if s.readable]
        return readable[0] if readable else None


def _peek(path: Path) -> tuple[str, bool]:
    """(workload name, readable) from a file, without validating it or loading lenses."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        if not isinstance(data, dict) or data.get("format") != "pillarkit-review":
            return "", False
        name = data.get("workload", {}).get("name", "")
        return (name if isinstance(name, str) else ""), True
    except (OSError, ValueError, AttributeError):
        return "", False


# --- autosave -------------------------------------------------------------------------

_live: weakref.WeakSet[Autosaver] = weakref.WeakSet()


@atexit.register
def _flush_all() -> None:  # pragma: no cover - runs when the kernel exits
    for saver in list(_live):
        try:
            saver.flush()
        except Exception:
            pass  # nothing left to show it on; the log was written by the save itself if it could


class Autosaver:
    """Debounced saving: ``changed()`` after every change, ``flush()`` to save now.

    The first change schedules a save ``delay`` seconds later; changes made meanwhile are
    saved by that same call, so the file is never more than ``delay`` behind. When the
    scheduler cannot schedule (no event loop, e.g. plain Python), the save happens at once.
    """

    def __init__(
        self, save: Callable[[], None], scheduler: Scheduler, delay: float = 1.0, wrap: Callable = lambda f: f
    ):
        self._save = save
        self.scheduler = scheduler
        self.delay = delay
        self.dirty = False
        self.saves = 0
        self._handle: Handle | None = None
        self._due = wrap(self._on_due)
        _live.add(self)

    @property
    def pending(self) -> bool:
        return self._handle is not None

    def changed(self) -> None:
        self.dirty = True
        if self._handle is not None:
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
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if not self.dirty:
            return False
        self.dirty = False
        try:
            self._save()
        except BaseException:
            self.dirty = True
            raise
        self.saves += 1
        return True

    def forget(self) -> None:
        """Drop a pending save without saving (after the review was replaced and saved already)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self.dirty = False

    def close(self) -> None:
        self.flush()
        _live.discard(self)


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
    return f'<a class="{esc(css)}" download="{esc(filename)}" href="data:{esc(media_type)};base64,{payload}">{esc(label)}</a>'


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name as the browser gave it (for messages only) and its bytes."""

    name: str
    content: bytes

    @property
    def stem(self) -> str:
        name = self.name.replace("\\", "/").rsplit("/", 1)[-1]
        return name[: -len(SUFFIX)] if name.lower().endswith(SUFFIX) else name

    def json(self, error: type = ReviewError) -> object:
        """The file parsed as JSON; a one-line ``error`` naming the file otherwise."""
        try:
            text = self.content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise error.at(self.name, f"byte {exc.start}", "not UTF-8 text") from None
        return parse_json(text, self.name, error)


def uploads(value) -> list[Upload]:
    """The files in a ``FileUpload`` value (ipywidgets 8: a tuple of dicts with ``name`` and ``content``)."""
    return [Upload(str(entry["name"]), bytes(entry["content"])) for entry in value or ()]
