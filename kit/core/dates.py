"""Dates and times as people write them: "29 November 2026", "29 November 2026, 02:41".

Review files keep ISO 8601 (``2026-11-29``, ``2026-11-29T02:41:49+00:00``); everything a person
reads goes through here. A moment with a time zone is shown in this machine's local time (the
server a facilitator runs is their own machine); text that is not ISO is shown as it is.
"""

from __future__ import annotations

import datetime as dt


def readable_date(value: str | dt.date | None) -> str:
    """``"2026-11-29"`` or a moment on that day -> ``"29 November 2026"``; other text unchanged."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B} {value.year}"
    text = str(value or "").strip()
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        return text
    if len(text) > 10 and text[10] not in "T ":
        return text
    return readable_date(day)


def readable_moment(value: str | dt.datetime | None) -> str:
    """``"2026-11-29T02:41:49+00:00"`` -> ``"29 November 2026, 02:41"`` in local time; a bare date stays a date."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value or "").strip()
        if len(text) <= 10:
            return readable_date(text)
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return f"{readable_date(moment.date())}, {moment:%H:%M}"
