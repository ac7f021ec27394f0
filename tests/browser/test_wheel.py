"""The kit installed from its wheel, as a stranger installs it, serving the app from an unrelated folder.

1. A wheel is built from a copy of the checkout (what the next commit holds).
2. A fresh virtualenv installs that wheel and its dependencies; nothing comes from the source tree.
3. ``pillarkit serve --port P --folder DIR`` runs in an empty folder that has nothing to do with
   the checkout, and Chromium opens the app: the first question is there, a tick is autosaved
   into ``DIR``, and closing the page leaves only Voila's preheated kernel.

Slow (a pip install); the timeouts are generous bounds, not measurements.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kit.serve import stop
from tests.browser import scenario
from tests.browser.harness import Target
from tests.support.install import clean_environment, copy_checkout, run_logged, tail
from tests.support.voila import free_port, wait_for_kernels

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT = 180
VOILA_POOL = 1


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on port {port}") from None
            time.sleep(0.2)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("wheel")


@pytest.fixture(scope="module")
def wheel(scratch) -> Path:
    copy, dist = scratch / "repo", scratch / "dist"
    assert copy_checkout(ROOT, copy) > 0
    home = scratch / "home"
    home.mkdir()
    run_logged(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(dist), str(copy)],
        scratch / "build.log",
        env=clean_environment(home),
    )
    (built,) = dist.glob("pillarkit-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(scratch, wheel) -> tuple[Path, dict]:
    venv, home = scratch / "venv", scratch / "home"
    # pip's download cache is shared (what is installed is fresh; CI starts with an empty cache anyway).
    env = clean_environment(home, PIP_CACHE_DIR=os.path.expanduser("~/.cache/pip"))
    log = scratch / "install.log"
    run_logged([sys.executable, "-m", "venv", str(venv)], log, env=env)
    env = {**env, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}:{env.get('PATH', '')}"}
    run_logged([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], log, env=env)
    return venv, env


@pytest.fixture(scope="module")
def elsewhere(scratch) -> Path:
    folder = scratch / "somewhere-else"  # no notebooks, no voila.json, no checkout
    folder.mkdir()
    return folder


@pytest.fixture(scope="module")
def target(scratch, installed, elsewhere):
    venv, env = installed
    port = free_port()
    log = scratch / "serve.log"
    token = "wheel-rehearsal-token"  # fixed, so the test knows the address pillarkit serve prints
    env = {**env, "PILLARKIT_TOKEN": token}
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [str(venv / "bin" / "pillarkit"), "serve", "--port", str(port), "--folder", "my-reviews"],
            cwd=elsewhere,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}/?token={token}"
            try:
                # Asking for the app's page would start a kernel of its own, so wait for the
                # preheated kernel (Voila is up once it has one), then for the port.
                wait_for_kernels(process.pid, VOILA_POOL, timeout=SERVER_START_TIMEOUT)
                wait_for_port(port)
            except TimeoutError:
                pytest.fail(f"pillarkit serve did not answer (exit code {process.poll()}):\n{tail(log)}", pytrace=False)
            yield Target(url, elsewhere / "my-reviews", process.pid, VOILA_POOL, "wheel", log=log)
        finally:
            stop(process)


def test_the_wheel_ships_the_notebooks_and_no_build_or_test_code(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"kit/notebooks/review.ipynb", "kit/notebooks/voila.json", "kit/frameworks/wellarchitected.json"} <= names
    assert "kit/core/schemas/review.schema.json" in names
    strays = sorted(n for n in names if n.startswith(("tests/", "tools/", "benchmarks/")) or "voila_testing" in n)
    assert strays == [], f"the wheel ships test or build code: {strays}"
    assert not [n for n in names if n.startswith("kit/frameworks/") and n.endswith(".py") and "build" in n]


def test_the_installed_kit_is_not_the_checkout(installed, elsewhere):
    venv, env = installed
    found = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import kit.serve as s; print(s.notebooks_folder())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(found).is_relative_to(venv), f"the app's notebooks come from {found}, not the installed wheel"


def test_served_from_an_unrelated_folder_the_app_shows_the_first_question_and_saves_there(browser_session, target):
    page = browser_session.open_app()
    scenario.first_question_is_shown(page, browser_session.console_errors(page), browser_session.blocked)
    scenario.box(page, 1).check()
    expect(page.locator(scenario.BADGE)).to_have_attribute("data-risk", "HIGH")
    first = scenario.practice_ids(1)[0]
    path, _ = scenario.saved_review(
        page,
        target.reviews,
        lambda data: first in (scenario.answer(data, 1) or {}).get("SelectedChoices", []),
        f"{first} ticked",
    )
    assert path.parent == target.reviews
    assert not (target.reviews.parent / "reviews").exists(), "the app saved to ./reviews, not to --folder"
