"""The app's message line and its log file.

A message is short and plain (``pk-message``); a problem with several findings (a lens
with errors) lists them underneath. Whatever goes wrong inside a callback is shown here
and written in full, with its traceback, to ``pillarkit.log`` in the reviews folder.

The browser may be on another machine than the files, so a message never shows where the
server keeps them: the folders above the reviews folder (and above a review opened from
elsewhere) are left out, so ``/home/ana/acme/reviews/x.json`` reads ``reviews/x.json``.
The log keeps the full paths.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as w
from markupsafe import escape

from kit.app.timing import Clock
from kit.app.ui import button, classed, html, show
from kit.core.errors import PillarkitError

LOG_NAME = "pillarkit.log"
LEVELS = ("info", "success", "warning", "error")
#: At most this many detail lines are shown; the log has them all.
MAX_DETAILS = 12


@dataclass(frozen=True)
class Message:
    level: str
    text: str
    details: tuple[str, ...] = ()


class Messages:
    """One message at a time, with a dismiss button; ``history`` keeps every message shown."""

    def __init__(self, folder: Path, clock: Clock):
        self.log_path = Path(folder) / LOG_NAME
        self.clock = clock
        self._private: set[str] = set()
        self.keep_private(Path(folder).parent)
        self.history: list[Message] = []
        self.text = html("", "pk-message-text")
        self.dismiss = button("×", "pk-message-dismiss", tooltip="Dismiss this message", width="2.4em")
        self.widget = classed(w.HBox([self.text, self.dismiss]), "pk-message")
        show(self.widget, False)

    @property
    def current(self) -> Message | None:
        return self.history[-1] if self.history and self.widget.layout.display != "none" else None

    def keep_private(self, folder: Path) -> None:
        """Leave ``folder`` (and what is above it) out of every message shown."""
        text = str(folder)
        if text not in ("", os.sep, "."):
            self._private.add(text)

    def redact(self, text: str) -> str:
        """``text`` with the private folders left out of every path in it."""
        for prefix in sorted(self._private, key=len, reverse=True):
            text = text.replace(prefix + os.sep, "")
        return text

    def show(self, level: str, text: str, details: Sequence[str] = ()) -> Message:
        assert level in LEVELS, level
        message = Message(level, self.redact(text), tuple(self.redact(line) for line in details))
        text, details = message.text, message.details
        self.history.append(message)
        body = f"<span class='pk-message-{level}'>{escape(text)}</span>"
        if details:
            shown = list(details[:MAX_DETAILS])
            items = "".join(f"<li>{escape(line)}</li>" for line in shown)
            more = len(details) - len(shown)
            if more:
                items += f"<li>… and {more} more (see {escape(self.log_path.name)})</li>"
            body += f"<ul class='pk-message-details'>{items}</ul>"
        with self.widget.hold_sync():
            self.text.value = body
            for name in LEVELS:
                cls = f"pk-message-is-{name}"
                if name == level and cls not in self.widget._dom_classes:
                    self.widget.add_class(cls)
                elif name != level and cls in self.widget._dom_classes:
                    self.widget.remove_class(cls)
        show(self.widget, True)
        return message

    def info(self, text: str, details: Sequence[str] = ()) -> Message:
        return self.show("info", text, details)

    def success(self, text: str, details: Sequence[str] = ()) -> Message:
        return self.show("success", text, details)

    def warning(self, text: str, details: Sequence[str] = ()) -> Message:
        return self.show("warning", text, details)

    def error(self, text: str, details: Sequence[str] = ()) -> Message:
        return self.show("error", text, details)

    def clear(self) -> None:
        show(self.widget, False)

    # --- problems -------------------------------------------------------------------

    def problem(self, error: PillarkitError, prefix: str = "") -> Message:
        """A kit error (bad file, refused change): its lines, the first one as the message."""
        lines = error.lines() or [str(error)]
        self.log(f"{prefix}{lines[0]}", "\n".join(lines[1:]))
        head = f"{prefix}{lines[0]}"
        return self.error(head, lines[1:])

    def report_exception(self, exc: BaseException, action: str) -> Message:
        """An exception raised in a callback: a short message here, the traceback in the log."""
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        logged = self.log(f"error while {action}: {type(exc).__name__}: {exc}", detail)
        where = f"the details are in {self.log_path.name}" if logged else "the log file could not be written either"
        if isinstance(exc, PillarkitError):
            lines = exc.lines() or [str(exc)]
            return self.error(f"Could not finish {action}: {lines[0]}", lines[1:])
        summary = str(exc).splitlines()[0] if str(exc) else ""
        return self.error(
            f"Something went wrong while {action} ({type(exc).__name__}{': ' + summary if summary else ''}); {where}."
        )

    def log(self, line: str, detail: str = "") -> bool:
        """Append one entry to the log file; False if it cannot be written (the app goes on)."""
        stamp = self.clock.now().isoformat(timespec="seconds")
        entry = f"{stamp} {line}\n" + (detail if detail.endswith("\n") or not detail else detail + "\n")
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.log_path, "a", encoding="utf-8") as handle:
                handle.write(entry)
        except OSError:
            return False
        return True
