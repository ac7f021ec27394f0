"""Fixtures for the browser tests: Debian's Chromium, the app served by Voila, one browser context per test.

* ``chrome`` (session, tests/conftest.py): Chromium driven by Playwright; skipped without it,
  except under CI, where that is a failure.
* ``voila`` (module): the app as a user runs it, ``pillarkit serve --port N --folder DIR``
  (Voila with the shipped notebook and ``voila.json``: one preheated kernel); reviews are
  autosaved to ``voila.reviews``.
* ``target`` (module): where the app is; the Binder rehearsal overrides it with its own server.
* ``browser_session`` (test): one context on the target. It routes Voila's Font Awesome
  request to an empty stylesheet (no internet here), aborts and records any other request
  off this machine, and collects each page's console errors. At the end every page is closed
  with ``run_before_unload=True``, and the test fails unless the pages' kernels stopped and
  the server is back to exactly its pool: no kernel is left running.
"""

from __future__ import annotations

import pytest

from tests.browser.harness import BrowserSession, Target, empty_reviews
from tests.support.voila import APP_POOL, serve_app

#: Kernels Voila keeps ready with no page open (voila.json: preheat_kernel, default_pool_size).
VOILA_POOL = APP_POOL


@pytest.fixture(scope="module")
def voila_scratch(tmp_path_factory):
    """Voila's own Jupyter settings folders and its log (the test's Voila never reads a developer's)."""
    return tmp_path_factory.mktemp("voila")


@pytest.fixture(scope="module")
def voila(voila_scratch):
    """``pillarkit serve`` on a free port, saving reviews into a fresh folder."""
    env = {"JUPYTER_CONFIG_DIR": str(voila_scratch / "config"), "JUPYTER_DATA_DIR": str(voila_scratch / "data")}
    with serve_app(voila_scratch / "reviews", env=env, log=voila_scratch / "voila.log") as served:
        yield served


@pytest.fixture(scope="module")
def target(voila, voila_scratch) -> Target:
    return Target(
        voila.url,
        voila.reviews,
        voila.process.pid,
        VOILA_POOL,
        "voila",
        log=voila_scratch / "voila.log",
    )


@pytest.fixture
def browser_session(chrome, target):
    """One browser context for one test; the reviews folder starts empty."""
    empty_reviews(target)
    session = BrowserSession(chrome, target)
    try:
        yield session
    finally:
        session.close()
