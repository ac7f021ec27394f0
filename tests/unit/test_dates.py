"""Dates as people write them (kit.core.dates)."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.core.dates import readable_date, readable_moment


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-29", "29 November 2026"),
        ("2024-11-06T00:00:00+00:00", "6 November 2024"),
        (dt.date(2025, 3, 4), "4 March 2025"),
        ("", ""),
        (None, ""),
        ("next Tuesday", "next Tuesday"),
        ("2026-11-29x", "2026-11-29x"),
    ],
)
def test_readable_date(value, expected):
    assert readable_date(value) == expected


def test_a_moment_is_shown_in_local_time_without_seconds(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Paris")
    import time

    time.tzset()
    try:
        assert readable_moment("2026-11-29T02:41:49+00:00") == "29 November 2026, 03:41"
        assert readable_moment(dt.datetime(2026, 7, 1, 9, 5)) == "1 July 2026, 09:05"
        assert readable_moment("2026-11-29") == "29 November 2026"
        assert readable_moment("garbage") == "garbage"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
