"""Shared fixtures. Every test runs in its own empty folder, so nothing can lean on the current directory."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # Keep a developer's own Jupyter and pillarkit settings out of the tests.
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / ".jupyter"))
    monkeypatch.setenv("HOME", str(tmp_path))
    # The portfolio's cache, too, goes to the test's own home (~/.cache/pillarkit).
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("PILLARKIT_CACHE", raising=False)


@pytest.fixture
def review_file(tmp_path) -> Path:
    """A small saved review (tests.handout.reviews.small_review), as a team brings it to an intake."""
    from tests.handout.reviews import small_review

    path = tmp_path / "checkout.json"
    small_review().save(path)
    return path


@pytest.fixture
def fake(monkeypatch):
    """The WA Tool's stand-in (tests/support/watool.py) behind ``kit.exchange.watool.client``, retrying without backoff."""
    from tests.support.watool import stand_in

    return stand_in(monkeypatch)


@pytest.fixture
def data() -> Path:
    return DATA


def _lens_document(questions: dict[str, dict] | None = None, **top) -> dict:
    """A small valid lens: one pillar, questions given as {id: {"choices": [...], "rules": [(cond, risk)]}}."""
    questions = questions or {
        "q1": {
            "choices": ["a", "b", "q1_no"],
            "rules": [("q1_no || !a", "HIGH_RISK"), ("!b", "MEDIUM_RISK"), ("default", "NO_RISK")],
        }
    }
    document = {
        "schemaVersion": "2021-11-01",
        "name": "Test lens",
        "description": "A lens made for tests.",
        "pillars": [
            {
                "id": "pillarA",
                "name": "Pillar A",
                "questions": [
                    {
                        "id": qid,
                        "title": f"Question {qid}?",
                        "description": "",
                        "choices": [
                            {"id": cid, "title": f"Choice {cid}"}
                            | (
                                {}
                                if cid.endswith("_no")
                                else {
                                    "improvementPlan": {
                                        "displayText": f"Do {cid}.",
                                        "url": "https://example.org/" + cid,
                                    }
                                }
                            )
                            for cid in spec["choices"]
                        ],
                        "riskRules": [{"condition": c, "risk": r} for c, r in spec["rules"]],
                    }
                    for qid, spec in questions.items()
                ],
            }
        ],
    }
    document.update(top)
    return copy.deepcopy(document)


@pytest.fixture
def write_lens(tmp_path):
    """Write a lens document to a file and return its path."""

    def write(document: dict, name: str = "custom.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
        return path

    return write


@pytest.fixture
def lens_document():
    """Factory for small valid lens documents (see ``_lens_document``)."""
    return _lens_document


def require_browser() -> None:
    """Skip without Chromium or Playwright; but fail under CI, where ``make test`` installed both."""
    from tests.support.voila import CHROMIUM

    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "needs Playwright for Python (pip install playwright)"
    if missing and os.environ.get("CI"):
        pytest.fail(
            f"{missing} (CI is set: make test installs it, so a skip would hide a broken install)", pytrace=False
        )
    if missing:
        pytest.skip(missing)


@pytest.fixture(scope="session")
def chrome():
    """Debian's Chromium through Playwright, one for the whole run: Playwright's sync API allows
    only one instance at a time, so the app's and the handout's browser tests share it."""
    require_browser()
    from playwright.sync_api import expect

    from tests.support.voila import chromium

    expect.set_options(timeout=20_000)  # bounds waits on a busy machine; it measures nothing
    with chromium() as browser:
        yield browser
