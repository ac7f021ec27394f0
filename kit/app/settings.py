"""The app's own state inside a review file, and the check that it is usable before a review is shown.

The app keeps what it needs under ``review.extensions`` (the agenda has its own key, see
:mod:`kit.app.timer`)::

    "extensions": {
      "app": {
        "review": "5f0c…",                 # which review this is: copies of it carry the same value
        "revision": 12,                    # one more on every save; tells this session's save from another's
        "saved_by": "9a1e…",               # the session that wrote the file
        "saved_at": "2026-11-29T10:32:05.120+00:00",
        "answered_at": {"wellarchitected": {"priorities": "2026-11-29T10:31:58.004+00:00"}},
        "position": {"lens": "wellarchitected", "question": "priorities"},
        "modes": {"presenter": true, "hide_choices": false, "compact": false}
      },
      "agenda": {"plan_minutes": 240, "timeboxes": {…}, "used": {…}, "running": true}
    }

A file that passes the review schema may still carry a value the app cannot use (a timebox
that is a string). :func:`check` finds every such value, with its JSON path, so that opening
or uploading that file is refused whole, before anything on screen changes. No widgets here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kit.core.errors import Diagnostic, ReviewError
from kit.core.jsonio import json_path

#: ``review.extensions`` keys.
APP = "app"
AGENDA = "agenda"

#: Keys inside ``extensions.app``.
LINEAGE = "review"
REVISION = "revision"
SAVED_BY = "saved_by"
SAVED_AT = "saved_at"
ANSWERED_AT = "answered_at"
POSITION = "position"
MODES = "modes"

#: The display modes a review remembers, and their defaults.
MODE_NAMES = ("presenter", "hide_choices", "compact")

#: The limits of the agenda's numbers (the timebox editor allows 0 to 600 minutes).
MAX_TIMEBOX = 600
MAX_PLAN = 24 * 60


def app_state(data: Mapping[str, Any]) -> dict[str, Any]:
    """``extensions.app`` of a review file's data (an empty dict when absent or not an object)."""
    extensions = data.get("extensions")
    state = extensions.get(APP) if isinstance(extensions, dict) else None
    return state if isinstance(state, dict) else {}


def stamp(moment: dt.datetime) -> str:
    """A moment as the file keeps it: ISO 8601 in UTC, to the millisecond, so that times compare as text."""
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def parse_stamp(text: object) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def last_answer_change(state: Mapping[str, Any]) -> dt.datetime | None:
    """The latest time in ``answered_at``: when any answer of the file last changed."""
    latest: dt.datetime | None = None
    answered = state.get(ANSWERED_AT)
    if not isinstance(answered, dict):
        return None
    for questions in answered.values():
        if not isinstance(questions, dict):
            continue
        for text in questions.values():
            moment = parse_stamp(text)
            if moment is not None and (latest is None or moment > latest):
                latest = moment
    return latest


def revision(data: Mapping[str, Any]) -> int:
    value = app_state(data).get(REVISION)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


# --- the check ------------------------------------------------------------------------


def check(extensions: object, source: str) -> None:
    """Raise one :class:`ReviewError` listing every app setting in ``extensions`` the app cannot use."""
    found = problems(extensions, source)
    if found:
        raise ReviewError(found)


def problems(extensions: object, source: str) -> list[Diagnostic]:
    """Every unusable app setting under ``extensions``, each with its JSON path."""
    if not isinstance(extensions, dict):
        return []  # the review schema already insists on an object
    found: list[Diagnostic] = []

    def bad(path: list[str | int], message: str) -> None:
        found.append(Diagnostic(source, json_path(["extensions", *path]), message))

    app = extensions.get(APP)
    if app is not None:
        if not isinstance(app, dict):
            bad([APP], "the app's settings should be an object")
        else:
            _check_app(app, bad)
    agenda = extensions.get(AGENDA)
    if agenda is not None:
        if not isinstance(agenda, dict):
            bad([AGENDA], "the agenda should be an object")
        else:
            _check_agenda(agenda, bad)
    return found


def _check_app(app: dict[str, Any], bad: Any) -> None:
    for key in (LINEAGE, SAVED_BY, SAVED_AT):
        if key in app and not isinstance(app[key], str):
            bad([APP, key], f"{app[key]!r} should be text")
    if SAVED_AT in app and isinstance(app[SAVED_AT], str) and parse_stamp(app[SAVED_AT]) is None:
        bad([APP, SAVED_AT], f"{app[SAVED_AT]!r} is not a date and time")
    if REVISION in app and not (_is_int(app[REVISION]) and app[REVISION] >= 0):
        bad([APP, REVISION], f"{app[REVISION]!r} is not a whole number")
    position = app.get(POSITION)
    if position is not None:
        if not isinstance(position, dict):
            bad([APP, POSITION], "the position should be an object with a lens and a question")
        else:
            for key in ("lens", "question"):
                if key in position and not isinstance(position[key], str):
                    bad([APP, POSITION, key], f"{position[key]!r} should be text")
    modes = app.get(MODES)
    if modes is not None:
        if not isinstance(modes, dict):
            bad([APP, MODES], "the display modes should be an object")
        else:
            for name in MODE_NAMES:
                if name in modes and not isinstance(modes[name], bool):
                    bad([APP, MODES, name], f"{modes[name]!r} should be true or false")
    answered = app.get(ANSWERED_AT)
    if answered is not None:
        if not isinstance(answered, dict):
            bad([APP, ANSWERED_AT], "the answer times should be an object")
            return
        for alias, questions in answered.items():
            if not isinstance(questions, dict):
                bad([APP, ANSWERED_AT, alias], "should be an object of question ids and times")
                continue
            for qid, text in questions.items():
                if parse_stamp(text) is None:
                    bad([APP, ANSWERED_AT, alias, qid], f"{text!r} is not a date and time")


def _check_agenda(agenda: dict[str, Any], bad: Any) -> None:
    plan = agenda.get("plan_minutes")
    if plan is not None and not (_is_int(plan) and 0 <= plan <= MAX_PLAN):
        bad([AGENDA, "plan_minutes"], f"{plan!r} is not a whole number of minutes from 0 to {MAX_PLAN}")
    running = agenda.get("running")
    if running is not None and not isinstance(running, bool):
        bad([AGENDA, "running"], f"{running!r} should be true or false")
    boxes = agenda.get("timeboxes")
    if boxes is not None:
        if not isinstance(boxes, dict):
            bad([AGENDA, "timeboxes"], "the timeboxes should be an object of pillars and minutes")
        else:
            for key, minutes in boxes.items():
                if not (_is_int(minutes) and 0 <= minutes <= MAX_TIMEBOX):
                    bad(
                        [AGENDA, "timeboxes", key],
                        f"{minutes!r} is not a whole number of minutes from 0 to {MAX_TIMEBOX}",
                    )
    used = agenda.get("used")
    if used is not None:
        if not isinstance(used, dict):
            bad([AGENDA, "used"], "the time used should be an object of pillars and seconds")
        else:
            for key, seconds in used.items():
                if not (isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds >= 0):
                    bad([AGENDA, "used", key], f"{seconds!r} is not a number of seconds")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
