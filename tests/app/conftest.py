"""Fixtures for driving the app in Python: a small lens, a folder, and time that moves only when told."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.app import ReviewApp
from kit.app.timing import ManualClock, ManualScheduler

# The same file as app_driver.SMALL_LENS (conftest is imported before the test folder is on sys.path).
SMALL_LENS = Path(__file__).resolve().parents[1] / "data" / "lenses" / "app-small.json"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def scheduler(clock) -> ManualScheduler:
    return ManualScheduler(clock)


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "reviews"


@pytest.fixture
def make_app(folder, clock, scheduler):
    """Build apps on the small lens (or other lenses); each is closed after the test."""
    apps = []

    def make(**kwargs) -> ReviewApp:
        kwargs.setdefault("lenses", [str(SMALL_LENS)])
        kwargs.setdefault("folder", folder)
        kwargs.setdefault("raise_errors", True)
        app = ReviewApp(clock=clock, scheduler=scheduler, **kwargs)
        scheduler.run_all()  # the chart's first draw waits for the scheduler
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()


@pytest.fixture
def app(make_app) -> ReviewApp:
    return make_app()
