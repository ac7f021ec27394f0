"""Helpers for driving the app's widgets from tests, the way a browser would set them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kit.app import ReviewApp

DATA = Path(__file__).resolve().parents[1] / "data"
SMALL_LENS = DATA / "lenses" / "app-small.json"
ALIAS = "app-small"


def rows(app: ReviewApp) -> dict:
    """The visible choice rows of the question on screen, by choice id."""
    return {row.choice.id: row for row in app.question_view.visible_rows}


def tick(app: ReviewApp, choice_id: str, value: bool = True) -> None:
    rows(app)[choice_id].checkbox.value = value


def answer(app: ReviewApp):
    return app.review.answer(*app.position)


def statuses(app: ReviewApp) -> dict:
    return answer(app).statuses()


def badge(app: ReviewApp) -> str:
    """The badge's text, without its markup."""
    value = app.question_view.badge.value
    return value[value.index(">") + 1 : value.rindex("<")]


def open_details(app: ReviewApp, choice_id: str):
    row = rows(app)[choice_id]
    row.more.value = True
    return row


def upload_value(name: str, content: bytes) -> tuple:
    """What ``FileUpload.value`` holds after the browser sent one file (ipywidgets 8)."""
    return (
        {
            "name": name,
            "type": "application/json",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        },
    )


def saved(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
